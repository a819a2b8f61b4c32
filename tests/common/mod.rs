//! Helpers shared by the integration tests that run the real `readylint` binary.
//!
//! Each test works on its own temporary directory: fixture repositories are copied out
//! of `fixtures/repos/` first, so that configuration discovery (which walks up from the
//! scanned root) never finds this repository's own `readylint.toml`.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The binary under test, with a generous timeout so that a hang fails instead of
/// blocking the suite, and without environment that changes its output.
pub fn readylint() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_readylint"));
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .timeout(Duration::from_secs(60));
    cmd
}

/// `fixtures/repos/<name>` in the source tree.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(name)
}

/// A private copy of `fixtures/repos/<name>`.
pub fn copy_fixture(name: &str) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    copy_tree(&fixture(name), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// An empty temporary repository.
pub fn temp_repo() -> TempDir {
    TempDir::new().expect("temp dir")
}

/// Writes `contents` to `root/rel`, creating directories.
pub fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create parent dir");
    }
    std::fs::write(&path, contents).expect("write file");
}

/// Runs `readylint --format json ARGS` in `dir` and returns the exit code and report.
pub fn json_run(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = readylint()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(with_note_rule(args))
        .output()
        .expect("run readylint");
    let code = exit_code(&out);
    let value = parse_json(&out);
    (code, value)
}

/// [`json_run`] without the added opt-in rules: the default selection exactly.
pub fn json_run_as_is(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = readylint()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("run readylint");
    (exit_code(&out), parse_json(&out))
}

/// The CLI tests' fixture Dockerfiles use a missing `HEALTHCHECK` (DKR003) and a
/// missing `.dockerignore` (DKR007) as their note-level findings, a pipe without
/// `pipefail` (DKR008) as a warning on a continuation line, `sudo` in a `RUN` (DKR006),
/// a root user (DKR001), a secret in an `ENV` (DKR005), an unpinned base image (DEP005)
/// and a CI that runs no tests (CI002); none is in the default selection, so runs that
/// keep the default selection add them. A run that selects rules itself is left alone.
pub fn with_note_rule<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out = args.to_vec();
    let selects = args
        .iter()
        .any(|a| matches!(*a, "--select" | "--config" | "rules" | "explain"));
    if !selects {
        out.extend([
            "--extend-select",
            "DKR001,DKR003,DKR005,DKR006,DKR007,DKR008,DEP005,CI002",
        ]);
    }
    out
}

/// The exit code; fails the test if the process died of a signal.
pub fn exit_code(out: &Output) -> i32 {
    match out.status.code() {
        Some(c) => c,
        None => panic!(
            "readylint was killed by a signal: {:?}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

pub fn parse_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); exit {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The `findings` array of a JSON report.
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .expect("`findings` is an array")
}

/// The set of rule codes reported.
pub fn rules(report: &Value) -> BTreeSet<String> {
    findings(report)
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

/// `(rule, path, line)` of every finding.
pub fn hits(report: &Value) -> BTreeSet<(String, String, u64)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

pub fn hit(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.to_string(), path.to_string(), line)
}

/// Rule codes reported for `path`.
pub fn rules_in(report: &Value, path: &str) -> BTreeSet<String> {
    findings(report)
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

pub fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|s| s.to_string()).collect()
}

/// The Dockerfile rules (DKR001–DKR009).
pub fn all_dkr() -> BTreeSet<String> {
    (1..=9).map(|n| format!("DKR00{n}")).collect()
}

/// The findings of `fixtures/repos/bad-dockerfile` that the Docker rules must report,
/// as `(rule, path, line)`.
pub fn bad_dockerfile_expected() -> BTreeSet<(String, String, u64)> {
    [
        ("DKR001", "Dockerfile", 2),
        ("DKR003", "Dockerfile", 2),
        ("DKR005", "Dockerfile", 3),
        ("DKR002", "Dockerfile", 6),
        ("DKR006", "Dockerfile", 7),
        ("DKR009", "Dockerfile", 8),
        ("DKR008", "Dockerfile", 9),
        ("DKR007", "Dockerfile", 10),
        ("DKR004", "Dockerfile", 12),
        ("DKR003", "services/worker/Dockerfile", 1),
        ("DKR001", "services/worker/Dockerfile", 3),
        ("DKR004", "services/worker/Dockerfile", 4),
    ]
    .into_iter()
    .map(|(r, p, l)| hit(r, p, l))
    .collect()
}

/// The Docker-rule findings of a report, as `(rule, path, line)`.
pub fn dkr_hits(report: &Value) -> BTreeSet<(String, String, u64)> {
    hits(report)
        .into_iter()
        .filter(|(r, _, _)| r.starts_with("DKR"))
        .collect()
}

/// The repositories inside a fixture tree (`fixtures/rules/`): folders holding a
/// `.github/workflows` folder, as paths relative to `tree`, outermost only. GitHub runs
/// only the workflows at a repository's root, so each of these is scanned as a root of
/// its own, and the scan of the whole tree leaves them out (`exclude`). A tree that is a
/// repository itself has none: what lies below its root is its data.
pub fn nested_repositories(tree: &Path) -> Vec<String> {
    if tree.join(".github/workflows").is_dir() {
        return Vec::new();
    }
    fn walk(tree: &Path, dir: &Path, out: &mut Vec<String>) {
        if dir != tree && dir.join(".github/workflows").is_dir() {
            let rel = dir.strip_prefix(tree).expect("under the tree");
            out.push(rel.to_string_lossy().replace('\\', "/"));
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for d in dirs {
            walk(tree, &d, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, tree, &mut out);
    out
}
