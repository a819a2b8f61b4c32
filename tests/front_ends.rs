//! The front-end contract, end to end: a path read by more than one front end, facts
//! that do not depend on which rules run where, one RDY001 per file, one parse per file.

use std::path::Path;

use readylint::{Report, RunOptions, run};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn check(root: &Path) -> Report {
    run(&RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        ..RunOptions::default()
    })
    .expect("run succeeds")
}

fn found(report: &Report, path: &str, rule: &str) -> Vec<u32> {
    report
        .findings
        .iter()
        .filter(|f| &*f.path == path && f.rule == rule)
        .map(|f| f.line)
        .collect()
}

#[test]
fn noxfile_is_python_and_a_task_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "noxfile.py",
        "import nox\n\n@nox.session\ndef tests(session):\n    try:\n        session.run(\"pytest\")\n    except:\n        pass\n",
    );
    write(root, "readylint.toml", "extend-select = [\"EXC001\"]\n");
    write(
        root,
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: nox -s tests\n",
    );
    let report = check(root);
    assert_eq!(
        found(&report, "noxfile.py", "EXC001"),
        [7],
        "Python rules read it"
    );
    // The CI rules follow `nox -s tests` into the session, which runs pytest.
    assert!(
        report.findings.iter().all(|f| f.rule != "CI002"),
        "the task file is read too: {:?}",
        report.findings
    );
}

#[test]
fn per_path_ignores_do_not_change_other_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "settings/base.py",
        "DEBUG = True\nALLOWED_HOSTS = [\"*\"]\n",
    );
    write(
        root,
        "settings/prod.py",
        "from .base import *\n\nDEBUG = False\nALLOWED_HOSTS = [\"example.com\"]\n",
    );
    let before = check(root);
    assert!(found(&before, "settings/base.py", "CFG001").is_empty());
    assert!(found(&before, "settings/base.py", "CFG003").is_empty());
    write(
        root,
        "readylint.toml",
        "[per-path-ignores]\n\"settings/prod.py\" = [\"CFG001\", \"CFG003\"]\n",
    );
    let after = check(root);
    assert!(
        found(&after, "settings/base.py", "CFG001").is_empty()
            && found(&after, "settings/base.py", "CFG003").is_empty(),
        "an ignore on prod.py must not make base.py look unoverridden: {:?}",
        after.findings
    );
}

#[test]
fn one_parse_error_finding_per_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let templated = "[project]\nname = \"{{ cookiecutter.slug }}\"\n{% if x %}\ndeps = [\n{% endif %}\nversion = {{ v }}\n";
    write(root, "pyproject.toml", templated);
    let report = check(root);
    let rdy: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RDY001" && &*f.path == "pyproject.toml")
        .collect();
    assert_eq!(rdy.len(), 1, "{rdy:?}");
    assert!(
        rdy[0]
            .message
            .starts_with("cannot parse this pyproject.toml: "),
        "{}",
        rdy[0].message
    );
    assert_eq!(
        report
            .errors
            .iter()
            .filter(|e| &*e.path == "pyproject.toml")
            .count(),
        1
    );
}

#[test]
fn package_json_is_parsed_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "package.json",
        "{\"private\": true, \"scripts\": {\"test\": \"jest\"}, \"dependencies\": {\"x\": \"*\"}}\n",
    );
    write(
        root,
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: npm test\n",
    );
    let before = readylint::lang::manifest::json::PARSES.load(std::sync::atomic::Ordering::SeqCst);
    let report = check(root);
    let after = readylint::lang::manifest::json::PARSES.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        after - before,
        1,
        "package.json parsed {} times",
        after - before
    );
    // Both readers got it: the dependency rules and the CI rules' task runner.
    assert_eq!(found(&report, "package.json", "DEP003").len(), 1);
    assert!(report.findings.iter().all(|f| f.rule != "CI002"));
}

#[test]
fn foreign_suppressions_are_honoured_unless_turned_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "app/client.py",
        "import requests\n\n\ndef fetch(url):\n    return requests.get(url)  # noqa: S113\n",
    );
    write(
        root,
        "Dockerfile",
        "FROM python:3.12-slim\n# hadolint ignore=DL3002\nUSER root\nCMD [\"app\"]\n",
    );
    // DKR001 is opt-in.
    write(root, "readylint.toml", "extend-select = [\"DKR001\"]\n");
    let report = check(root);
    assert!(found(&report, "app/client.py", "NET001").is_empty());
    assert!(found(&report, "Dockerfile", "DKR001").is_empty());
    // Not reported as unused either: they are there for the other tool.
    assert!(report.findings.iter().all(|f| f.rule != "RDY002"));
    write(
        root,
        "readylint.toml",
        "respect-foreign-suppressions = false\nextend-select = [\"DKR001\"]\n",
    );
    let report = check(root);
    assert_eq!(found(&report, "app/client.py", "NET001"), [5]);
    assert_eq!(found(&report, "Dockerfile", "DKR001"), [3]);
}

#[test]
fn images_of_maintainer_tooling_are_not_checked_but_their_secrets_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let dockerfile = "FROM debian:12\nENV API_TOKEN=abcd1234efgh5678\nCMD /run --serve\n";
    write(root, "scripts/release/Dockerfile", dockerfile);
    write(root, "Dockerfile", dockerfile);
    // DKR005 is opt-in.
    write(root, "readylint.toml", "extend-select = [\"DKR005\"]\n");
    let report = check(root);
    let severity = |path: &str, rule: &str| {
        report
            .findings
            .iter()
            .find(|f| &*f.path == path && f.rule == rule)
            .map(|f| f.severity)
    };
    use readylint::rule::Severity;
    assert_eq!(severity("Dockerfile", "DKR004"), Some(Severity::Warning));
    // An image of maintainer tooling is not one the service ships: the image rules
    // leave it alone, but a secret baked into it is still an error.
    assert_eq!(severity("scripts/release/Dockerfile", "DKR004"), None);
    assert_eq!(
        severity("scripts/release/Dockerfile", "DKR005"),
        Some(Severity::Error)
    );
}

#[test]
fn base_images_are_judged_on_partial_scans_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).expect("git dir");
    write(root, "Dockerfile", "FROM python:latest\nCMD [\"app\"]\n");
    // DEP005 is opt-in.
    write(root, "readylint.toml", "extend-select = [\"DEP005\"]\n");
    // A pre-commit hook passes the changed file only: DEP005 still judges it (the
    // repository rules that conclude from absence do not run).
    let report = run(&RunOptions {
        paths: vec![root.join("Dockerfile")],
        ..RunOptions::default()
    })
    .expect("run succeeds");
    assert_eq!(found(&report, "Dockerfile", "DEP005"), [1]);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule != "CI001" && f.rule != "DOC001")
    );
}

/// A run parses only the kinds its rules read (work proportional to the selection):
/// a parse error is reported for every file a selected rule reads, whatever else is
/// selected or ignored, and `RDY001` is turned off only by its code or name.
#[test]
fn parse_errors_are_reported_whatever_the_selection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "broken.py", "def f(:\n    pass\n");
    write(root, "Dockerfile", "FROM alpine:3.20\nRUNN echo typo\n");
    let select = |select: &[&str], ignore: &[&str]| {
        let report = run(&RunOptions {
            paths: vec![root.to_path_buf()],
            root: Some(root.to_path_buf()),
            overrides: readylint::config::CliOverrides {
                select: Some(select.iter().map(|s| s.to_string()).collect()),
                ignore: ignore.iter().map(|s| s.to_string()).collect(),
                ..readylint::config::CliOverrides::default()
            },
            ..RunOptions::default()
        })
        .expect("run succeeds");
        report
            .findings
            .iter()
            .filter(|f| f.rule == "RDY001")
            .map(|f| f.path.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(select(&["LOG", "DKR"], &[]), ["Dockerfile", "broken.py"]);
    assert_eq!(select(&["all"], &[]), ["Dockerfile", "broken.py"]);
    // Python rules alone do not parse the Dockerfile.
    assert_eq!(select(&["LOG"], &[]), ["broken.py"]);
    assert_eq!(select(&["DKR001"], &[]), ["Dockerfile"]);
    // Asked for by code or name, parse errors are looked for in every file.
    assert_eq!(select(&["RDY001"], &[]), ["Dockerfile", "broken.py"]);
    assert_eq!(
        select(&["parse-error", "LOG"], &[]),
        ["Dockerfile", "broken.py"]
    );
    // A category or prefix does not turn them off; the code (or name) does.
    assert_eq!(select(&["LOG", "DKR"], &["readylint"]).len(), 2);
    assert!(select(&["LOG", "DKR"], &["RDY001"]).is_empty());
    assert!(select(&["LOG", "DKR"], &["parse-error"]).is_empty());
}

#[test]
fn a_broken_pyproject_with_readylint_configuration_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"svc\nversion = 1\n\n[tool.readylint]\nignore = [\"DKR001\"]\n",
    );
    write(root, "Dockerfile", "FROM alpine:3.20\nCMD [\"/app\"]\n");
    let err = run(&RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        ..RunOptions::default()
    })
    .expect_err("the configuration is not dropped in silence");
    let text = format!("{err:?}");
    assert!(text.contains("pyproject.toml"), "{text}");
    // Without readylint configuration, a broken pyproject.toml is only a parse error.
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"svc\nversion = 1\n",
    );
    let report = check(root);
    assert_eq!(found(&report, "pyproject.toml", "RDY001").len(), 1);
}

#[test]
fn a_makefile_whose_targets_all_depend_on_each_other_is_followed_in_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let n = 60;
    let mut make = String::from("t0:\n\tpytest -q\n");
    for i in 1..n {
        let deps: Vec<String> = (0..i).map(|j| format!("t{j}")).collect();
        make.push_str(&format!("t{i}: {}\n\techo step {i}\n", deps.join(" ")));
    }
    write(root, "Makefile", &make);
    write(
        root,
        ".github/workflows/ci.yml",
        &format!(
            "on: push\npermissions: {{}}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: make t{}\n",
            n - 1
        ),
    );
    let started = std::time::Instant::now();
    let report = check(root);
    // Exponential following took 10 s for 34 targets; a hang guard, not a benchmark.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // The last target reaches `pytest` through its prerequisites.
    assert!(
        report.findings.iter().all(|f| f.rule != "CI002"),
        "{:?}",
        report.findings
    );
}

#[test]
fn the_fuzzing_entry_point_checks_one_file_with_the_given_rules() {
    let settings = readylint::config::load(
        Path::new("."),
        &readylint::config::CliOverrides {
            no_config: true,
            select: Some(vec!["all".into()]),
            ..readylint::config::CliOverrides::default()
        },
    )
    .expect("settings");
    let findings = readylint::engine::check_one_for_fuzzing(
        "Dockerfile",
        "FROM debian:12\nCMD run --it\n",
        &settings,
    );
    let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    assert!(
        rules.contains(&"DKR001") && rules.contains(&"DKR004"),
        "{rules:?}"
    );
    // Any path is accepted, claimed or not.
    assert!(readylint::engine::check_one_for_fuzzing("notes.bin", "\u{0}", &settings).is_empty());
}

/// Work proportional to the selection: a CI rule alone reads workflows (and what CI
/// calls), not Python; a Python rule alone does not read workflows.
#[test]
fn a_run_reads_only_the_kinds_its_rules_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/broken.py", "def f(:\n");
    write(root, "app/ok.py", "import os\n");
    write(
        root,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
    );
    let scan = |select: &str| {
        run(&RunOptions {
            paths: vec![root.to_path_buf()],
            root: Some(root.to_path_buf()),
            overrides: readylint::config::CliOverrides {
                select: Some(vec![select.to_string()]),
                ..readylint::config::CliOverrides::default()
            },
            ..RunOptions::default()
        })
        .expect("run succeeds")
    };
    let ci = scan("CI005");
    assert_eq!(ci.files_scanned, 1);
    assert_eq!(found(&ci, ".github/workflows/ci.yml", "CI005"), [3]);
    assert!(found(&ci, "app/broken.py", "RDY001").is_empty());
    let python = scan("EXC");
    assert_eq!(python.files_scanned, 2);
    assert_eq!(found(&python, "app/broken.py", "RDY001"), [1]);
}

/// A YAML file read both for a YAML pack rule and as Kubernetes manifests gives one
/// parse error, counted once: both front ends meet the same error.
#[test]
fn one_syntax_error_seen_by_two_front_ends_is_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect(".git");
    std::fs::create_dir(root.join("packs")).expect("packs");
    std::fs::write(
        root.join("packs/team.toml"),
        r#"
[[rule]]
code = "TEAM010"
name = "no-latest-tag"
category = "dependencies"
severity = "warning"
message = "image tag `latest`"
help = "pin the tag"
docs = "Latest deploys whatever was pushed last."
files = { globs = ["**/*.yaml"] }
match = { yaml = "image.tag", value = '^latest$' }
"#,
    )
    .expect("pack");
    std::fs::write(
        root.join("readylint.toml"),
        "rule-dirs = [\"packs\"]\nextend-select = [\"TEAM010\", \"DPL004\"]\n",
    )
    .expect("config");
    std::fs::write(
        root.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec:\n  containers: []\n",
    )
    .expect("pod");
    let report = check(root);
    let errors: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RDY001")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(!errors[0].contains("more syntax error"), "{errors:?}");
}

/// A Helm template is not YAML until rendered: with a Kubernetes rule selected it is a
/// note that says so (RDY003), never a parse error; without one it is not read at all.
#[test]
fn a_helm_template_is_a_note_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect(".git");
    let template = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n  labels: {{- include \"x.labels\" . | nindent 4 }}\n";
    std::fs::create_dir_all(root.join("chart/templates")).expect("chart");
    std::fs::write(root.join("chart/templates/deployment.yaml"), template).expect("template");
    let run_with = |select: &str| {
        run(&RunOptions {
            paths: vec![root.to_path_buf()],
            root: Some(root.to_path_buf()),
            overrides: readylint::config::CliOverrides {
                no_config: true,
                select: Some(vec![select.into(), "RDY".into()]),
                ..Default::default()
            },
            ..RunOptions::default()
        })
        .expect("run succeeds")
    };
    let report = run_with("DPL001");
    let codes: Vec<(&str, String)> = report
        .findings
        .iter()
        .map(|f| (f.rule, format!("{:?}", f.severity)))
        .collect();
    assert_eq!(
        codes,
        [("RDY003", "Note".to_string())],
        "{:?}",
        report.findings
    );
    assert!(report.findings[0].message.contains("template"));
    assert!(run_with("EXC001").findings.is_empty());
}

/// A Compose file that a setup tool renders with Jinja is not YAML until rendered: a
/// note that says so (RDY003), not a parse error; a Compose file with a real syntax
/// error, or a workflow using GitHub's `${{ }}` expressions, is still a parse error.
#[test]
fn a_jinja_compose_template_is_a_note_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).expect(".git");
    write(
        root,
        "setup/docker-compose.yml",
        "{% set env='app.env' %}\nservices:\n  web:\n    image: app:{{ version }}\n    {% if tls %}ports: [\"443:443\"]{% endif %}\n",
    );
    write(root, "broken/docker-compose.yml", "services:\n  web: [\n");
    // A project generator's template is one by its path: nothing is said about it.
    write(
        root,
        "{{cookiecutter.slug}}/docker-compose.yml",
        "services:\n  web:\n{% if cookiecutter.tls %}\n    ports: [\"443:443\"]\n{% endif %}\n",
    );
    write(
        root,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [\n      - run: echo ${{ github.sha }}\n",
    );
    let report = check(root);
    let rule_of = |path: &str| -> Vec<&str> {
        report
            .findings
            .iter()
            .filter(|f| &*f.path == path && f.rule.starts_with("RDY"))
            .map(|f| f.rule)
            .collect()
    };
    assert_eq!(rule_of("setup/docker-compose.yml"), ["RDY003"]);
    assert_eq!(rule_of("broken/docker-compose.yml"), ["RDY001"]);
    assert_eq!(rule_of(".github/workflows/ci.yml"), ["RDY001"]);
    assert!(rule_of("{{cookiecutter.slug}}/docker-compose.yml").is_empty());
}

#[test]
fn installed_packages_committed_with_the_code_are_vendored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let client = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n";
    // `libs/` holds the metadata of two installed packages: a vendored site-packages.
    write(
        root,
        "libs/requests-2.31.0.dist-info/METADATA",
        "Name: requests\n",
    );
    write(root, "libs/six-1.16.0.dist-info/METADATA", "Name: six\n");
    write(root, "libs/apprise/plugin.py", client);
    // One package's metadata beside the code is not enough (a build's own output).
    write(root, "dist/app-1.0.dist-info/METADATA", "Name: app\n");
    write(root, "dist/app/client.py", client);
    write(root, "app/client.py", client);
    // `lib/` holds copies of well-known distributions, without metadata.
    write(root, "lib/requests/__init__.py", "");
    write(root, "lib/urllib3/__init__.py", "");
    write(root, "lib/six.py", "");
    write(root, "lib/twitter/api.py", client);
    // Two are not enough.
    write(root, "svc/requests/__init__.py", "");
    write(root, "svc/six.py", "");
    write(root, "svc/fetch/client.py", client);
    let report = check(root);
    assert!(found(&report, "libs/apprise/plugin.py", "NET001").is_empty());
    assert!(found(&report, "lib/twitter/api.py", "NET001").is_empty());
    assert_eq!(found(&report, "svc/fetch/client.py", "NET001"), [5]);
    assert_eq!(found(&report, "dist/app/client.py", "NET001"), [5]);
    assert_eq!(found(&report, "app/client.py", "NET001"), [5]);
}

#[test]
fn a_parse_error_is_a_finding_where_a_rule_would_have_checked_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let broken = "fn main( {\n";
    write(root, "src/main.rs", broken);
    // A benchmark's input and a test fixture: every rule that reads Rust skips them.
    write(root, "benches/inputs/old.rs", broken);
    write(root, "tests/fixtures/broken/src/lib.rs", broken);
    let report = check(root);
    assert_eq!(found(&report, "src/main.rs", "RDY001"), [1]);
    assert!(found(&report, "benches/inputs/old.rs", "RDY001").is_empty());
    assert!(found(&report, "tests/fixtures/broken/src/lib.rs", "RDY001").is_empty());
    // Not lost: the files are in the list of what could not be read.
    let errors: Vec<&str> = report.errors.iter().map(|e| e.path.as_str()).collect();
    assert!(errors.contains(&"benches/inputs/old.rs"), "{errors:?}");
    assert!(
        errors.contains(&"tests/fixtures/broken/src/lib.rs"),
        "{errors:?}"
    );
    // Asked for, parse errors are reported everywhere.
    let report = run(&RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        overrides: readylint::config::CliOverrides {
            select: Some(vec!["RDY001".into()]),
            ..readylint::config::CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("run succeeds");
    assert_eq!(found(&report, "benches/inputs/old.rs", "RDY001"), [1]);
    assert_eq!(
        found(&report, "tests/fixtures/broken/src/lib.rs", "RDY001"),
        [1]
    );
}
