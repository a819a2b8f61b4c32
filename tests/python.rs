//! Python front end through the library: hostile inputs (deep nesting, a 20 MB module,
//! NUL bytes) are reported without a panic or a stack overflow while the other files
//! are still checked; docstring coverage and the `typed` option read the configuration.

use std::path::Path;
use std::time::{Duration, Instant};

use readylint::config::CliOverrides;
use readylint::{Report, RunOptions, run};

fn check(root: &Path, no_config: bool) -> Report {
    run(&RunOptions {
        paths: vec![root.to_path_buf()],
        overrides: CliOverrides {
            no_config,
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("run succeeds")
}

fn rules_at<'r>(report: &'r Report, path: &str) -> Vec<&'r str> {
    report
        .findings
        .iter()
        .filter(|f| &*f.path == path)
        .map(|f| f.rule)
        .collect()
}

#[test]
fn hostile_python_files_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let n = 100_000;
    std::fs::write(
        root.join("parens.py"),
        format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
    )
    .expect("write");
    std::fs::write(root.join("unclosed.py"), "(".repeat(n)).expect("write");
    std::fs::write(
        root.join("lists.py"),
        format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
    )
    .expect("write");
    std::fs::write(
        root.join("unary.py"),
        format!("x = {}1\n", "-".repeat(1_000_000)),
    )
    .expect("write");
    std::fs::write(
        root.join("chain.py"),
        format!("x = 1{}\n", "+1".repeat(1_000_000)),
    )
    .expect("write");
    // Deep but under the pre-scan's limit: parsed, walked with a growing stack.
    std::fs::write(
        root.join("deep_ok.py"),
        format!("x = 0{}\n", "+1".repeat(5_000)),
    )
    .expect("write");
    std::fs::write(root.join("nul.py"), vec![0u8; 4096]).expect("write");
    let line = "value = compute(1, 2, 3)  # filler\n";
    let big: String = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    std::fs::write(root.join("huge.py"), big).expect("write");
    std::fs::write(
        root.join("ok.py"),
        "import requests\nrequests.get('https://x')\n",
    )
    .expect("write");

    let start = Instant::now();
    let report = check(root, true);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );

    for deep in [
        "parens.py",
        "unclosed.py",
        "lists.py",
        "unary.py",
        "chain.py",
    ] {
        assert!(
            rules_at(&report, deep).contains(&"RDY001"),
            "{deep}: {:?}",
            rules_at(&report, deep)
        );
    }
    assert!(rules_at(&report, "deep_ok.py").contains(&"RDY001"));
    assert_eq!(rules_at(&report, "nul.py"), ["RDY003"]);
    assert_eq!(rules_at(&report, "huge.py"), ["RDY003"]);
    assert_eq!(rules_at(&report, "ok.py"), ["NET001"]);
}

#[test]
fn syntax_errors_keep_what_parsed() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("broken.py"),
        "import requests\nrequests.get(u)\ndef f(:\n    pass\nprint 'py2'\n",
    )
    .expect("write");
    let report = check(dir.path(), true);
    let rdy: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RDY001")
        .collect();
    assert_eq!(rdy.len(), 1, "one RDY001 per file");
    assert_eq!(rdy[0].line, 3);
    assert!(
        rdy[0].message.contains("more syntax error"),
        "{}",
        rdy[0].message
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "NET001" && f.line == 2)
    );
}

#[test]
fn docstring_coverage_and_options_come_from_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("app")).expect("mkdir");
    std::fs::create_dir_all(root.join("tests")).expect("mkdir");
    std::fs::write(
        root.join("app/good.py"),
        "\"\"\"Doc.\"\"\"\n\ndef a():\n    \"\"\"Doc.\"\"\"\n\ndef b():\n    \"\"\"Doc.\"\"\"\n",
    )
    .expect("write");
    std::fs::write(
        root.join("app/bad.py"),
        "\"\"\"Doc.\"\"\"\n\ndef c():\n    pass\n\ndef d():\n    \"\"\"Doc.\"\"\"\n\ndef e():\n    try:\n        pass\n    except KeyError:\n        pass\n",
    )
    .expect("write");
    // Tests do not count, however undocumented.
    std::fs::write(root.join("tests/test_x.py"), "def test_a():\n    pass\n").expect("write");

    // 5 of 7 documented: 71%, above the default 50.
    let report = check(root, true);
    assert!(!report.findings.iter().any(|f| f.rule == "DOC002"));
    assert!(!report.findings.iter().any(|f| f.rule == "EXC003"));

    std::fs::write(
        root.join("readylint.toml"),
        "extend-select = [\"DOC002\", \"EXC003\"]\n[rules.DOC002]\nmin-coverage = 80\n[rules.EXC003]\ntyped = true\n",
    )
    .expect("write");
    // A service publishes no package: its docstrings are not measured.
    let report = check(root, false);
    assert!(!report.findings.iter().any(|f| f.rule == "DOC002"));
    // A published library is.
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"lib\"\nversion = \"1.0\"\nclassifiers = [\"Programming Language :: Python\"]\n",
    )
    .expect("write");
    let report = check(root, false);
    let doc: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "DOC002")
        .collect();
    assert_eq!(doc.len(), 1);
    assert_eq!(&*doc[0].path, "app/bad.py");
    assert_eq!(
        doc[0].line, 3,
        "anchored at the first undocumented function"
    );
    assert!(doc[0].message.contains("71%"), "{}", doc[0].message);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "EXC003" && &*f.path == "app/bad.py")
    );
}
