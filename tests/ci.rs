//! Repository-level CI and docs rules over the small repositories in `fixtures/repos/`:
//! where each finding is anchored, at what severity, and that a `[severity]` override
//! in the configuration wins over a rule's per-finding severity.

use std::path::{Path, PathBuf};

use readylint::config::CliOverrides;
use readylint::finding::Finding;
use readylint::rule::Severity;
use readylint::{RunOptions, run};

fn repo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(name)
}

fn scan(root: &Path, no_config: bool) -> Vec<Finding> {
    scan_selected(root, no_config, None)
}

fn scan_selected(root: &Path, no_config: bool, select: Option<&[&str]>) -> Vec<Finding> {
    run(&RunOptions {
        paths: vec![root.to_path_buf()],
        // Each fixture repository is a repository of its own.
        root: Some(root.to_path_buf()),
        overrides: CliOverrides {
            no_config,
            select: select.map(|s| s.iter().map(|r| r.to_string()).collect()),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("the scan runs")
    .findings
}

fn only<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn missing_readme_is_anchored_at_the_manifest() {
    let f = scan(&repo("no-readme"), true);
    let doc = only(&f, "DOC001");
    assert_eq!(doc.len(), 1, "{f:?}");
    assert_eq!(&*doc[0].path, "Cargo.toml");
    assert_eq!(doc[0].line, 1);
    assert_eq!(doc[0].severity, Severity::Warning);
    let ci = only(&f, "CI001");
    assert_eq!(ci.len(), 1);
    assert_eq!(&*ci[0].path, "Cargo.toml");
}

#[test]
fn a_title_alone_is_a_note_with_its_size() {
    let f = scan(&repo("tiny-readme"), true);
    let doc = only(&f, "DOC001");
    assert_eq!(doc.len(), 1);
    assert_eq!(doc[0].severity, Severity::Note);
    assert!(doc[0].message.contains("27 bytes"), "{}", doc[0].message);
}

#[test]
fn ci_gates_are_anchored_at_the_workflow() {
    let f = scan_selected(&repo("ci-no-tests"), true, Some(&["CI002", "CI007"]));
    for rule in ["CI002", "CI007"] {
        let hits = only(&f, rule);
        assert_eq!(hits.len(), 1, "{rule}: {f:?}");
        assert_eq!(&*hits[0].path, ".github/workflows/build.yml");
        assert_eq!(hits[0].line, 5);
    }
    assert_eq!(only(&f, "CI007")[0].severity, Severity::Note);
}

/// `docker compose -f ci/docker-compose-ci.yml run --rm test` names no command: the
/// service's own (`make test`, followed into the Makefile) runs the suite. Read also
/// when CI002 is the only rule selected.
#[test]
fn a_compose_service_s_command_is_what_ci_runs() {
    let root = repo("ci-compose-tests");
    assert!(only(&scan_selected(&root, true, Some(&["CI"])), "CI002").is_empty());
    let selected = scan_selected(&root, true, Some(&["CI002"]));
    assert!(selected.is_empty(), "{selected:?}");

    // The same call with a service that serves: no test run.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root, dir.path());
    let compose = dir.path().join("ci/docker-compose-ci.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    std::fs::write(
        &compose,
        text.replace("[\"make test\"]", "gunicorn app:app"),
    )
    .unwrap();
    let hits = scan_selected(dir.path(), true, Some(&["CI"]));
    assert_eq!(only(&hits, "CI002").len(), 1, "{hits:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn per_finding_severities_and_config_overrides() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    std::fs::write(
        wf.join("ci.yml"),
        "on: push\njobs:\n  t:\n    runs-on: x\n    timeout-minutes: 5\n    env:\n      TOKEN: ${{ secrets.TOKEN }}\n    steps:\n      - uses: actions/checkout@main\n      - uses: actions/checkout@v4\n      - uses: docker/setup-buildx-action@v3\n      - run: cargo test\n",
    )
    .expect("write");
    let f = scan(dir.path(), true);
    // A branch is an error; a tag a warning, except on GitHub's own actions (allowed
    // by default, as zizmor does).
    let dep: Vec<(u32, Severity)> = only(&f, "DEP008")
        .iter()
        .map(|f| (f.line, f.severity))
        .collect();
    assert_eq!(dep, [(9, Severity::Error), (11, Severity::Warning)]);
    assert_eq!(only(&f, "CI006")[0].severity, Severity::Note);

    std::fs::write(
        dir.path().join("readylint.toml"),
        "[severity]\nDEP008 = \"note\"\nCI006 = \"error\"\n",
    )
    .expect("write");
    let f = scan(dir.path(), false);
    assert!(
        only(&f, "DEP008")
            .iter()
            .all(|f| f.severity == Severity::Note)
    );
    assert_eq!(only(&f, "CI006")[0].severity, Severity::Error);
}

#[test]
fn a_repository_without_code_gets_no_repository_findings() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "hello\n").expect("write");
    let f = scan(dir.path(), true);
    assert!(f.is_empty(), "{f:?}");
    let empty = tempfile::tempdir().expect("temp dir");
    assert!(scan(empty.path(), true).is_empty());
}

#[test]
fn all_jobs_reports_tags_in_unprivileged_jobs_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    std::fs::write(
        wf.join("lint.yml"),
        "on: pull_request\npermissions:\n  contents: read\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: astral-sh/setup-uv@v5\n      - run: uv run ruff check .\n",
    )
    .expect("write");
    // A read-only token and no secret: nothing for a moved tag to take.
    assert!(only(&scan(dir.path(), true), "DEP008").is_empty());
    std::fs::write(
        dir.path().join("readylint.toml"),
        "[rules.DEP008]\nall-jobs = true\n",
    )
    .expect("write");
    let lines: Vec<u32> = only(&scan(dir.path(), false), "DEP008")
        .iter()
        .map(|f| f.line)
        .collect();
    assert_eq!(lines, [9]);
}
