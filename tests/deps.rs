//! The dependency rules (DEP001–DEP007) on small whole repositories: what needs the
//! repository around a manifest (lockfiles, includes, constraints, project kind), and
//! `package.json`, whose JSON cannot carry inline fixture annotations.

mod common;

use common::{copy_fixture, findings, json_run, write};
use serde_json::Value;

/// `(rule, path, line)` of every DEP finding, sorted.
fn deps(report: &Value) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = findings(report)
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("DEP")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}

fn d(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.to_string(), path.to_string(), line)
}

#[test]
fn node_app_without_lockfile() {
    let repo = copy_fixture("deps-node-app");
    let (code, report) = json_run(repo.path(), &["--no-config", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        deps(&report),
        [
            d("DEP003", "package.json", 6),
            d("DEP003", "package.json", 8),
            d("DEP003", "package.json", 9),
            d("DEP004", "package.json", 5),
        ]
    );
    let latest = findings(&report)
        .iter()
        .find(|f| f["rule"] == "DEP003" && f["line"] == 6)
        .expect("the dist-tag finding");
    // The span is the value, `"latest"`, on `    "next": "latest",`.
    assert_eq!(latest["column"], 13);
    assert_eq!(latest["end_column"], 21);
    assert!(
        latest["message"]
            .as_str()
            .is_some_and(|m| m.contains("`next`") && m.contains("latest"))
    );
}

#[test]
fn node_app_with_lockfile_keeps_only_what_a_lock_cannot_pin() {
    let repo = copy_fixture("deps-node-app");
    write(
        repo.path(),
        "package-lock.json",
        "{\"lockfileVersion\": 3}\n",
    );
    let (_, report) = json_run(repo.path(), &["--no-config", "."]);
    // `^1.2.3` and `*` are pinned by the lock; `latest` and a branch are not.
    assert_eq!(
        deps(&report),
        [
            d("DEP003", "package.json", 6),
            d("DEP003", "package.json", 9)
        ]
    );
}

#[test]
fn node_library_and_monorepo_are_quiet() {
    for name in ["deps-node-lib", "deps-monorepo"] {
        let repo = copy_fixture(name);
        let (_, report) = json_run(repo.path(), &["--no-config", "."]);
        assert_eq!(deps(&report), [], "{name}");
    }
}

#[test]
fn python_app_includes_constraints_and_suppressions() {
    let repo = copy_fixture("deps-python-app");
    let (code, report) = json_run(
        repo.path(),
        &["--no-config", "--extend-select", "DEP001", "."],
    );
    assert_eq!(code, 1);
    assert_eq!(
        deps(&report),
        [
            d("DEP001", "pyproject.toml", 8),
            d("DEP001", "pyproject.toml", 16),
            d("DEP001", "requirements/base.txt", 2),
            d("DEP004", "pyproject.toml", 1),
        ]
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    // OS packages are opt-in (DEP007 is not in the default selection).
    let (_, report) = json_run(
        repo.path(),
        &["--no-config", "--extend-select", "DEP007", "."],
    );
    assert!(deps(&report).contains(&d("DEP007", "Dockerfile", 2)));
}

/// What a development group or extra declares, and test tools anywhere, are not
/// installed where the service runs: left as in `requirements-dev.txt`.
#[test]
fn python_dev_groups_and_test_tools_are_left() {
    let repo = copy_fixture("deps-python-app");
    write(
        repo.path(),
        "pyproject.toml",
        r#"[project]
name = "svc"
version = "0.1.0"
dependencies = [
  "django",
  "pytest",
]

[project.optional-dependencies]
dev = ["tox"]
worker = ["celery"]

[dependency-groups]
lint-tools = ["djlint"]
"#,
    );
    let (_, report) = json_run(
        repo.path(),
        &["--no-config", "--extend-select", "DEP001", "."],
    );
    let manifest: Vec<_> = deps(&report)
        .into_iter()
        .filter(|(rule, p, _)| rule == "DEP001" && p == "pyproject.toml")
        .collect();
    assert_eq!(
        manifest,
        [
            d("DEP001", "pyproject.toml", 5),
            d("DEP001", "pyproject.toml", 11)
        ]
    );

    // A requirements file beside the manifest lists what is installed: its lines are
    // reported, not the manifest's again.
    write(repo.path(), "requirements.txt", "django\ncelery==5.4.0\n");
    let (_, report) = json_run(
        repo.path(),
        &["--no-config", "--extend-select", "DEP001", "."],
    );
    let unpinned: Vec<_> = deps(&report)
        .into_iter()
        .filter(|(rule, p, _)| rule == "DEP001" && !p.starts_with("requirements/"))
        .collect();
    assert_eq!(unpinned, [d("DEP001", "requirements.txt", 1)]);
}

/// `requirements/prod.txt` frozen (`pip freeze > requirements.txt`) into a pinned
/// `requirements.txt` beside the folder: the folder's files are inputs of that lock.
#[test]
fn pinned_requirements_beside_the_requirements_folder_is_their_lock() {
    let repo = copy_fixture("deps-python-app");
    let base = std::fs::read_to_string(repo.path().join("requirements/base.txt")).unwrap();
    let names: Vec<&str> = base
        .lines()
        .filter_map(|l| l.split(['=', '<', '>', '!', '~', ' ', '#']).next())
        .filter(|n| !n.is_empty() && !n.starts_with('-'))
        .collect();
    // Not every name pinned: not a lock, base.txt is still reported.
    write(repo.path(), "requirements.txt", "django==5.1.4\nflask\n");
    let (_, report) = json_run(
        repo.path(),
        &["--no-config", "--extend-select", "DEP001", "."],
    );
    assert!(deps(&report).contains(&d("DEP001", "requirements/base.txt", 2)));
    // `pip freeze` output with a git requirement appended still pins every name.
    let lock: String = names
        .iter()
        .map(|n| format!("{n}==1.0.0\n"))
        .collect::<String>()
        + "git+https://github.com/acme/client.git#egg=client\n";
    write(repo.path(), "requirements.txt", &lock);
    let (_, report) = json_run(
        repo.path(),
        &["--no-config", "--extend-select", "DEP001", "."],
    );
    assert!(
        !deps(&report)
            .iter()
            .any(|(rule, p, _)| rule == "DEP001" && p.starts_with("requirements/")),
        "{:?}",
        deps(&report)
    );
    // The git line is reported where it is written.
    assert!(
        deps(&report)
            .iter()
            .any(|(rule, p, _)| rule == "DEP001" && p == "requirements.txt")
    );
}

#[test]
fn python_app_with_lockfile_or_as_library() {
    let repo = copy_fixture("deps-python-app");
    write(repo.path(), "poetry.lock", "# @generated by Poetry\n");
    let (_, report) = json_run(repo.path(), &["--no-config", "."]);
    assert!(
        !deps(&report).iter().any(|(_, p, _)| p == "pyproject.toml"),
        "{:?}",
        deps(&report)
    );

    let repo = copy_fixture("deps-python-app");
    write(
        repo.path(),
        "readylint.toml",
        "project-type = \"library\"\n",
    );
    let (_, report) = json_run(repo.path(), &["."]);
    // A library's requirements files feed its tests, not a deployment.
    assert_eq!(deps(&report), []);
}

#[test]
fn broken_package_json_is_a_parse_error_with_a_position() {
    let repo = common::temp_repo();
    write(
        repo.path(),
        "package.json",
        "{\n  \"private\": true,\n  \"dependencies\": {\"a\": \"*\"\n}\n",
    );
    let (_, report) = json_run(repo.path(), &["--no-config", "."]);
    let f = findings(&report)
        .iter()
        .find(|f| f["rule"] == "RDY001")
        .expect("a parse error");
    assert_eq!(f["path"], "package.json");
    assert_eq!(f["line"], 5); // the end of the file, where the object is still open
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("package.json"))
    );
}
