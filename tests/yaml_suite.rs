//! The YAML reading step (`lang::yaml::read_yaml`, shared by the YAML, Compose and CI
//! front ends) over every case of the official YAML test suite,
//! <https://github.com/yaml/yaml-test-suite>. The suite is not in this repository, so
//! the test is ignored by default; `scripts/yaml-test-suite` fetches the suite and runs
//! it, or by hand:
//!
//! ```sh
//! YAML_TEST_SUITE=DIR cargo test --test yaml_suite -- --ignored --nocapture
//! ```
//!
//! DIR is a checkout of the suite's `main` branch (the cases in `src/*.yaml`, with the
//! suite's visible markers for spaces, tabs and line ends) or of its `data` branch (a
//! directory per case with `in.yaml`, and an `error` file when the case must fail).
//!
//! It prints the valid cases we reject, the invalid cases we accept, and the cases
//! that panic or hang. It fails on a panic or a hang, which no input may cause; the
//! disagreements are listed, with their causes, in `docs/yaml-conformance.md`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use readylint::lang::Output;
use readylint::lang::yaml::read_yaml;
use readylint::source::SourceFile;
use saphyr::{LoadableYamlNode, Yaml};

/// One case: its id (`2JQS`, or `2G84-01` for the second of a file of several), its
/// text, and whether the suite says it must fail.
struct Case {
    id: String,
    text: String,
    fail: bool,
}

/// How long one case may take before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(10);

#[test]
#[ignore = "needs the YAML test suite: scripts/yaml-test-suite, or set YAML_TEST_SUITE"]
fn yaml_test_suite() {
    let dir = PathBuf::from(
        std::env::var_os("YAML_TEST_SUITE").expect("set YAML_TEST_SUITE to the suite's directory"),
    );
    let cases = if dir.join("src").is_dir() {
        from_sources(&dir.join("src"))
    } else {
        from_data(&dir)
    };
    assert!(!cases.is_empty(), "no cases under {}", dir.display());

    let (mut valid, mut invalid) = (0, 0);
    let mut rejected = Vec::new();
    let mut accepted = Vec::new();
    let mut broken = Vec::new();
    for case in &cases {
        if case.fail {
            invalid += 1;
        } else {
            valid += 1;
        }
        match read(&case.text) {
            Outcome::Parsed if case.fail => accepted.push(case.id.clone()),
            Outcome::Error(line, message) if !case.fail => {
                rejected.push(format!("{}  line {line}: {message}", case.id));
            }
            Outcome::Parsed | Outcome::Error(..) => {}
            Outcome::Panic(message) => broken.push(format!("{}  panic: {message}", case.id)),
            Outcome::Hang => broken.push(format!("{}  hang: over {TIMEOUT:?}", case.id)),
        }
    }

    println!(
        "yaml-test-suite: {} cases ({valid} valid, {invalid} invalid)",
        cases.len()
    );
    println!(
        "  valid cases parsed:     {}/{valid}",
        valid - rejected.len() - broken.len()
    );
    println!(
        "  invalid cases rejected: {}/{invalid}",
        invalid - accepted.len()
    );
    println!("valid cases rejected ({}):", rejected.len());
    for r in &rejected {
        println!("  {r}");
    }
    println!("invalid cases accepted ({}):", accepted.len());
    for a in &accepted {
        println!("  {a}");
    }
    println!("panics and hangs ({}):", broken.len());
    for b in &broken {
        println!("  {b}");
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

enum Outcome {
    Parsed,
    /// The 1-based line of the error, and its message.
    Error(usize, String),
    Panic(String),
    Hang,
}

/// Reads `text` as a YAML file, in a thread of its own so that a panic or a hang is
/// seen (a hung thread is left behind).
fn read(text: &str) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let text = text.to_string();
    let worker = std::thread::spawn(move || {
        let source = SourceFile::new("case.yaml", "case.yaml", text);
        let mut out = Output::default();
        let parsed = read_yaml(&source, false, "YAML file", "", &mut out).is_some();
        let outcome = match out.errors.first() {
            Some(e) => Outcome::Error(source.line_of(e.span.start), e.detail.clone()),
            None if parsed => Outcome::Parsed,
            None => Outcome::Error(0, "no document and no error".into()),
        };
        let _ = tx.send(outcome);
    });
    match rx.recv_timeout(TIMEOUT) {
        Ok(outcome) => {
            let _ = worker.join();
            outcome
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::Hang,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(payload) => Outcome::Panic(
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
            Ok(()) => Outcome::Panic("the reader ended without an answer".into()),
        },
    }
}

/// The cases of the `main` branch: each `src/ID.yaml` is a sequence of tests; a test
/// takes the `yaml` of the one before when it has none; a file whose first test says
/// `skip` is left out (as the suite's own tools do).
fn from_sources(src: &Path) -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(src)
        .expect("read the suite's src directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let id = file
            .file_stem()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&file).expect("read a suite file");
        let docs = Yaml::load_from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        let Some(tests) = docs.first().and_then(Yaml::as_vec) else {
            panic!("{id}: not a sequence of tests");
        };
        if tests
            .first()
            .and_then(|t| t.as_mapping_get("skip"))
            .is_some()
        {
            continue;
        }
        let width = if tests.len() > 1 {
            (tests.len() - 1).to_string().len() + 1
        } else {
            0
        };
        let mut yaml = String::new();
        for (i, test) in tests.iter().enumerate() {
            if let Some(y) = test.as_mapping_get("yaml").and_then(Yaml::as_str) {
                yaml = unescape(y);
            }
            cases.push(Case {
                id: if width == 0 {
                    id.clone()
                } else {
                    format!("{id}-{i:0width$}")
                },
                text: yaml.clone(),
                fail: test.as_mapping_get("fail").is_some(),
            });
        }
    }
    cases
}

/// The suite's visible markers, back to the characters they stand for (as its
/// `bin/YAMLTestSuite.pm` does).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '␣' => out.push(' '),
            // `—»`, `——»`, `———»` and `»` are one tab each.
            '—' if chars.peek().is_some_and(|&n| n == '—' || n == '»') => {
                while chars.next_if_eq(&'—').is_some() {}
                chars.next_if_eq(&'»');
                out.push('\t');
            }
            '»' => out.push('\t'),
            '←' => out.push('\r'),
            '⇔' => out.push('\u{FEFF}'),
            '↵' => {}
            _ => out.push(c),
        }
    }
    if let Some(stripped) = out.strip_suffix("∎\n") {
        out.truncate(stripped.len());
    }
    out
}

/// The cases of the `data` branch: a directory per case (or per test of a file of
/// several: `ID/NN`), with `in.yaml` and, for a case that must fail, `error`.
fn from_data(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let input = d.join("in.yaml");
        if input.is_file() {
            let id = d
                .strip_prefix(dir)
                .unwrap_or(&d)
                .to_string_lossy()
                .replace('/', "-");
            cases.push(Case {
                id,
                text: std::fs::read_to_string(&input).expect("read in.yaml"),
                fail: d.join("error").exists(),
            });
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            // `name/` and `tags/` hold links to the cases: each case once.
            let linked = p
                .file_name()
                .is_some_and(|n| n == "name" || n == "tags" || n == ".git");
            if p.is_dir() && !linked && !e.file_type().is_ok_and(|t| t.is_symlink()) {
                stack.push(p);
            }
        }
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}
