//! The Rust front end on hostile input: deep nesting is an RDY001 finding, never a
//! stack overflow, and the other files of the run are still checked.

use readylint::config::CliOverrides;
use readylint::{RunOptions, run};

fn check(files: &[(&str, String)]) -> readylint::Report {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    run(&RunOptions {
        paths: vec![dir.path().to_path_buf()],
        // The Rust rules these tests look for are opt-in.
        overrides: CliOverrides {
            no_config: true,
            select: Some(vec!["all".into()]),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("run")
}

#[test]
fn deep_nesting_is_a_parse_error_not_a_crash() {
    let n = 100_000;
    let report = check(&[
        (
            "parens.rs",
            format!(
                "fn f() {{ let x = {}1{}; }}\n",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "blocks.rs",
            format!("fn f() {}{}\n", "{".repeat(n), "}".repeat(n)),
        ),
        (
            "nots.rs",
            format!("fn f() {{ let x = {}a; }}\n", "!".repeat(n)),
        ),
        (
            "chain.rs",
            format!("fn f() {{ let x = a{}; }}\n", ".b()".repeat(n)),
        ),
        (
            "fine.rs",
            "pub fn g() { let _ = std::panic::catch_unwind(|| ()); }\n".to_string(),
        ),
    ]);
    for name in ["parens.rs", "blocks.rs", "nots.rs", "chain.rs"] {
        assert!(
            report
                .findings
                .iter()
                .any(|f| &*f.path == name && f.rule == "RDY001"),
            "{name}: no RDY001"
        );
    }
    assert!(
        report
            .findings
            .iter()
            .any(|f| &*f.path == "fine.rs" && f.rule == "EXC101")
    );
}

#[test]
fn nesting_under_the_limits_is_parsed() {
    let n = 990;
    let report = check(&[
        (
            "parens.rs",
            format!(
                "fn f() {{ let x = {}1{}; }}\n",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ),
        (
            "elses.rs",
            format!("fn f() {{ if a {{}} {}}}\n", "else if a {} ".repeat(10_000)),
        ),
        (
            "plus.rs",
            format!("fn f() {{ let x = a{}; }}\n", " + a".repeat(19_000)),
        ),
    ]);
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RDY001")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn syntax_errors_carry_the_parser_message_and_position() {
    let report = check(&[
        ("broken.rs", "fn ok() {}\n\nfn broken( {\n}\n".to_string()),
        (
            "bom.rs",
            "\u{feff}#!/usr/bin/env run-cargo-script\nfn main() { dbg!(1); }\n".to_string(),
        ),
    ]);
    let e = report
        .findings
        .iter()
        .find(|f| &*f.path == "broken.rs" && f.rule == "RDY001")
        .expect("RDY001");
    assert_eq!(e.line, 3);
    assert!(
        e.message.starts_with("cannot parse this Rust file: "),
        "{}",
        e.message
    );
    let d = report
        .findings
        .iter()
        .find(|f| &*f.path == "bom.rs" && f.rule == "LOG101")
        .expect("dbg! after a BOM and a shebang");
    assert_eq!((d.line, d.column), (2, 13));
}
