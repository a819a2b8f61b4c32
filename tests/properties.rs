//! Laws of a run, checked over the fixture trees: the output does not depend on the
//! number of threads; a suppression removes exactly the finding it names; a baseline
//! written and read back leaves nothing; suppressed output is a subset of unsuppressed.

use std::path::{Path, PathBuf};

use readylint::config::CliOverrides;
use readylint::{Report, RunOptions, run};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

fn scan(root: &Path, f: impl FnOnce(&mut RunOptions)) -> Report {
    let mut opts = RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        overrides: CliOverrides {
            no_config: true,
            select: Some(vec!["all".into()]),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    };
    f(&mut opts);
    run(&opts).expect("run succeeds")
}

fn keys(r: &Report) -> Vec<(String, u32, u32, String, String)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.path.to_string(),
                f.line,
                f.column,
                f.rule.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

#[test]
fn output_is_the_same_with_one_thread_and_many() {
    let one = scan(&fixtures(), |o| o.threads = Some(1));
    let many = scan(&fixtures(), |o| o.threads = Some(4));
    assert!(!one.findings.is_empty());
    assert_eq!(keys(&one), keys(&many));
    assert_eq!(one.files_scanned, many.files_scanned);
}

#[test]
fn suppressed_output_is_a_subset_of_unsuppressed_output() {
    let with = scan(&fixtures(), |_| {});
    let without = scan(&fixtures(), |o| o.no_inline_ignores = true);
    let all = keys(&without);
    // RDY002/RDY004 are about the suppressions themselves, which --no-inline-ignores
    // does not read.
    for k in keys(&with)
        .into_iter()
        .filter(|k| k.3 != "RDY002" && k.3 != "RDY004")
    {
        assert!(all.contains(&k), "{k:?} only appears with suppressions on");
    }
    assert!(with.suppressed > 0);
}

#[test]
fn a_suppression_removes_exactly_the_finding_it_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let body = "import requests\n\n\ndef f(url):\n    try:\n        requests.get(url)\n    except:\n        pass\n";
    std::fs::write(root.join("app.py"), body).expect("write");
    let before = scan(root, |_| {});
    let rules_at = |r: &Report, line: u32| {
        let mut v: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.line == line)
            .map(|f| f.rule.to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(rules_at(&before, 6), ["NET001"]);
    assert!(rules_at(&before, 7).contains(&"EXC001".to_string()));
    std::fs::write(
        root.join("app.py"),
        body.replace(
            "requests.get(url)\n",
            "requests.get(url)  # readylint: ignore[NET001]\n",
        ),
    )
    .expect("write");
    let after = scan(root, |_| {});
    assert!(rules_at(&after, 6).is_empty());
    assert_eq!(rules_at(&after, 7), rules_at(&before, 7));
    assert_eq!(after.findings.len() + 1, before.findings.len());
    assert_eq!(after.suppressed, before.suppressed + 1);
}

#[test]
fn a_baseline_written_and_read_back_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    let written = scan(&fixtures(), |o| o.write_baseline = Some(baseline.clone()));
    assert!(written.findings.is_empty());
    assert!(written.baselined > 0);
    let read = scan(&fixtures(), |o| o.baseline = Some(baseline.clone()));
    assert!(read.findings.is_empty(), "{:?}", keys(&read));
    assert_eq!(read.baselined, written.baselined);
}
