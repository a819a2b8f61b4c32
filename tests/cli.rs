//! The command line as users meet it: exit codes, rule selection, configuration
//! discovery and validation, ignore files, inline suppressions, the JSON report, output
//! formats and options, determinism, and the `rules` / `explain` subcommands. Every test
//! runs the real binary.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

/// A service Dockerfile with a known set of findings:
/// DKR001 (line 1, warning), DKR003 (line 1, note), DKR005 on lines 2 and 3 (error).
const SERVICE: &str = "\
FROM alpine:3.20
ENV DEMO_PASSWORD=demo
ENV SERVICE_TOKEN=s3cr3t
EXPOSE 8080
CMD [\"/srv/app-server\"]
";

/// A configuration's selection of the opt-in rules the service Dockerfile breaks: a root
/// user (DKR001), a missing `HEALTHCHECK` (DKR003), a secret in an `ENV` (DKR005).
const OPT_IN: &str = "extend-select = [\"DKR001\", \"DKR003\", \"DKR005\"]\n";

fn service_repo() -> tempfile::TempDir {
    let dir = temp_repo();
    write(dir.path(), "Dockerfile", SERVICE);
    dir
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------------------

#[test]
fn clean_repo_exits_0_with_no_findings() {
    let repo = copy_fixture("clean");
    readylint()
        .current_dir(repo.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 findings"));

    // Not even a note from the container rules.
    let (code, report) = json_run(
        repo.path(),
        &["--select", "container,readylint", "--fail-on", "note"],
    );
    assert_eq!(code, 0, "{report:#}");
    assert!(findings(&report).is_empty(), "{report:#}");
    assert!(report["summary"]["files_scanned"].as_u64() >= Some(1));
}

#[test]
fn bad_repo_exits_1_and_reports_every_docker_rule() {
    let repo = copy_fixture("bad-dockerfile");
    readylint().current_dir(repo.path()).assert().code(1);

    let (code, report) = json_run(repo.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(dkr_hits(&report), bad_dockerfile_expected(), "{report:#}");
    assert_eq!(
        rules(&report)
            .into_iter()
            .filter(|r| r.starts_with("DKR"))
            .collect::<std::collections::BTreeSet<_>>(),
        all_dkr()
    );
}

#[test]
fn explicit_check_subcommand_and_path_argument() {
    let repo = copy_fixture("bad-dockerfile");
    let parent = repo.path().parent().unwrap();
    let name = repo.path().file_name().unwrap().to_str().unwrap();
    let out = readylint()
        .current_dir(parent)
        .args(with_note_rule(&["check", "--format", "json", name]))
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 1);
    let report = parse_json(&out);
    // Paths are relative to the scanned directory.
    assert_eq!(dkr_hits(&report), bad_dockerfile_expected());
}

#[test]
fn unknown_config_key_is_exit_2_naming_file_and_key() {
    let repo = service_repo();
    write(
        repo.path(),
        "readylint.toml",
        "select = [\"all\"]\nfrobnicate = true\n",
    );
    let out = readylint().current_dir(repo.path()).output().unwrap();
    assert_eq!(exit_code(&out), 2, "{}", stderr_of(&out));
    let err = stderr_of(&out);
    let config = repo.path().join("readylint.toml");
    assert!(
        err.contains(&config.display().to_string()),
        "stderr does not name {}:\n{err}",
        config.display()
    );
    assert!(err.contains("frobnicate"), "{err}");
    // The diagnostic points at the line of the key.
    assert!(err.contains("readylint.toml:2:1"), "{err}");
    assert!(out.stdout.is_empty(), "no report on a usage error");
}

#[test]
fn unknown_rule_in_select_is_exit_2() {
    let repo = service_repo();
    for flag in ["--select", "--ignore", "--extend-select"] {
        readylint()
            .current_dir(repo.path())
            .args([flag, "DKR001,NOPE999"])
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("NOPE999"));
    }
}

#[test]
fn nonexistent_path_is_exit_2() {
    let repo = service_repo();
    readylint()
        .current_dir(repo.path())
        .arg("no-such-dir")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no-such-dir"));
}

#[test]
fn invalid_fail_on_in_config_is_exit_2() {
    let repo = service_repo();
    write(repo.path(), "readylint.toml", "fail-on = \"sometimes\"\n");
    readylint()
        .current_dir(repo.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("sometimes")
                .and(predicate::str::contains("fail-on"))
                .and(predicate::str::contains("readylint.toml")),
        );
}

#[test]
fn invalid_fail_on_flag_is_exit_2() {
    let repo = service_repo();
    readylint()
        .current_dir(repo.path())
        .args(["--fail-on", "sometimes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sometimes"));
}

#[test]
fn unknown_rule_option_is_exit_2() {
    let repo = service_repo();
    write(
        repo.path(),
        "readylint.toml",
        "[rules.DKR005]\nallow-names = [\"DEMO_PASSWORD\"]\ncolour = \"red\"\n",
    );
    let out = readylint().current_dir(repo.path()).output().unwrap();
    assert_eq!(exit_code(&out), 2);
    let err = stderr_of(&out);
    assert!(err.contains("colour"), "{err}");
    assert!(err.contains("DKR005"), "{err}");
    assert!(err.contains("readylint.toml:3:1"), "{err}");
    // The help names the options the rule does take.
    assert!(err.contains("allow-names"), "{err}");
}

/// Every kind of bad configuration is exit 2 with a message naming the offending text.
#[test]
fn bad_configurations_are_exit_2() {
    let cases: &[(&str, &[&str])] = &[
        ("select = [\"NOPE1\"]\n", &["NOPE1"]),
        ("ignore = [\"DKR001\", \"NOPE2\"]\n", &["NOPE2"]),
        ("extend-select = [\"NOPE3\"]\n", &["NOPE3"]),
        ("select = \"DKR001\"\n", &["select"]),
        ("project-type = \"daemon\"\n", &["daemon"]),
        ("exclude = [\"vendor/[\"]\n", &["vendor/["]),
        ("[severity]\nDKR001 = \"fatal\"\n", &["fatal"]),
        ("[severity]\nNOPE4 = \"note\"\n", &["NOPE4"]),
        (
            "[per-path-ignores]\n\"tests/**\" = [\"NOPE5\"]\n",
            &["NOPE5"],
        ),
        ("[rules.NOPE6]\nx = 1\n", &["NOPE6"]),
        ("[rules.DKR005]\nallow-names = \"DEMO\"\n", &["allow-names"]),
        ("select = [\"DKR001\"\n", &["readylint.toml"]),
    ];
    for (config, needles) in cases {
        let repo = service_repo();
        write(repo.path(), "readylint.toml", config);
        let out = readylint().current_dir(repo.path()).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(exit_code(&out), 2, "config {config:?}: {err}");
        assert!(out.stdout.is_empty(), "config {config:?}");
        for needle in *needles {
            assert!(
                err.contains(needle),
                "config {config:?}: no {needle:?} in\n{err}"
            );
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn missing_config_file_and_conflicting_flags_are_exit_2() {
    let repo = service_repo();
    readylint()
        .current_dir(repo.path())
        .args(["--config", "nowhere.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere.toml"));
    write(repo.path(), "custom.toml", "ignore = [\"DKR001\"]\n");
    readylint()
        .current_dir(repo.path())
        .args(["--config", "custom.toml", "--no-config"])
        .assert()
        .code(2);
    readylint()
        .current_dir(repo.path())
        .arg("--no-such-flag")
        .assert()
        .code(2);
}

// ---------------------------------------------------------------------------------------
// Rule selection and --fail-on
// ---------------------------------------------------------------------------------------

fn bad_rules(args: &[&str]) -> (i32, std::collections::BTreeSet<String>) {
    let repo = copy_fixture("bad-dockerfile");
    let (code, report) = json_run(repo.path(), args);
    (code, rules(&report))
}

#[test]
fn select_by_code_name_prefix_and_category() {
    assert_eq!(bad_rules(&["--select", "DKR001"]).1, set(&["DKR001"]));
    assert_eq!(bad_rules(&["--select", "dkr001"]).1, set(&["DKR001"]));
    assert_eq!(bad_rules(&["--select", "root-user"]).1, set(&["DKR001"]));
    assert_eq!(
        bad_rules(&["--select", "root-user,secret-in-image"]).1,
        set(&["DKR001", "DKR005"])
    );
    assert_eq!(
        bad_rules(&["--select", "DKR001", "--select", "DKR004"]).1,
        set(&["DKR001", "DKR004"])
    );
    assert_eq!(bad_rules(&["--select", "DKR"]).1, all_dkr());
    assert_eq!(bad_rules(&["--select", "DKR00"]).1, all_dkr());
    assert_eq!(bad_rules(&["--select", "container"]).1, all_dkr());
    // `all` adds the opt-in rules the fixture's configuration does not select.
    let mut default = bad_rules(&[]).1;
    default.insert("DEP006".to_string());
    assert_eq!(bad_rules(&["--select", "all"]).1, default);
}

#[test]
fn ignore_by_code_name_prefix_and_category() {
    let all = bad_rules(&[]).1;
    let without = |codes: &[&str]| -> std::collections::BTreeSet<String> {
        all.iter()
            .filter(|c| !codes.contains(&c.as_str()))
            .cloned()
            .collect()
    };
    assert_eq!(bad_rules(&["--ignore", "DKR001"]).1, without(&["DKR001"]));
    assert_eq!(
        bad_rules(&["--ignore", "root-user"]).1,
        without(&["DKR001"])
    );
    assert_eq!(
        bad_rules(&["--ignore", "DKR001,add-instead-of-copy"]).1,
        without(&["DKR001", "DKR002"])
    );
    let (code, left) = bad_rules(&["--ignore", "DKR"]);
    assert!(left.iter().all(|c| !c.starts_with("DKR")), "{left:?}");
    let (code2, left2) = bad_rules(&["--ignore", "container"]);
    assert_eq!(left, left2);
    assert_eq!(code, code2);
    // Nothing else is wrong in the fixture once the container rules are off.
    let (code, left) = bad_rules(&["--select", "container", "--ignore", "container"]);
    assert!(left.is_empty());
    assert_eq!(code, 0);
}

#[test]
fn extend_select_adds_to_the_configured_set() {
    let repo = copy_fixture("bad-dockerfile");
    write(repo.path(), "readylint.toml", "select = [\"DKR001\"]\n");
    let (_, report) = json_run_as_is(repo.path(), &[]);
    assert_eq!(rules(&report), set(&["DKR001"]));
    let (_, report) = json_run_as_is(repo.path(), &["--extend-select", "secret-in-image"]);
    assert_eq!(rules(&report), set(&["DKR001", "DKR005"]));
    // --select replaces the configured set.
    let (_, report) = json_run_as_is(repo.path(), &["--select", "DKR004"]);
    assert_eq!(rules(&report), set(&["DKR004"]));
    let (_, report) = json_run_as_is(
        repo.path(),
        &["--select", "DKR004", "--extend-select", "DKR00"],
    );
    assert_eq!(rules(&report), all_dkr());
    let (_, report) = json_run_as_is(
        repo.path(),
        &["--select", "DKR004", "--extend-select", "container"],
    );
    assert_eq!(rules(&report), all_dkr());
}

#[test]
fn extend_select_and_ignore_in_config() {
    let repo = copy_fixture("bad-dockerfile");
    write(
        repo.path(),
        "readylint.toml",
        "select = [\"root-user\"]\nextend-select = [\"DKR00\"]\nignore = [\"DKR002\", \"sudo-in-run\"]\n",
    );
    let (_, report) = json_run_as_is(repo.path(), &[]);
    let mut expected = all_dkr();
    expected.remove("DKR002");
    expected.remove("DKR006");
    assert_eq!(rules(&report), expected);
}

#[test]
fn fail_on_changes_the_exit_code() {
    let repo = copy_fixture("bad-dockerfile");
    let code = |args: &[&str]| {
        let out = readylint()
            .current_dir(repo.path())
            .args(with_note_rule(args))
            .output()
            .unwrap();
        exit_code(&out)
    };
    assert_eq!(code(&[]), 1);
    assert_eq!(code(&["--fail-on", "never"]), 0);
    assert_eq!(code(&["--fail-on", "error"]), 1, "DKR005 is an error");
    assert_eq!(code(&["--fail-on", "error", "--ignore", "DKR005"]), 0);
    assert_eq!(code(&["--select", "DKR003,DKR007"]), 0, "notes only");
    assert_eq!(code(&["--select", "DKR003,DKR007", "--fail-on", "note"]), 1);
    assert_eq!(code(&["--select", "DKR001", "--fail-on", "warning"]), 1);

    write(repo.path(), "readylint.toml", "fail-on = \"never\"\n");
    assert_eq!(code(&[]), 0, "fail-on from the configuration");
    assert_eq!(code(&["--fail-on", "error"]), 1, "the flag wins");
}

// ---------------------------------------------------------------------------------------
// Configuration discovery and options
// ---------------------------------------------------------------------------------------

#[test]
fn config_discovery_readylint_toml() {
    let repo = service_repo();
    write(
        repo.path(),
        "readylint.toml",
        format!("{OPT_IN}ignore = [\"DKR001\"]\n"),
    );
    let (_, report) = json_run_as_is(repo.path(), &[]);
    assert_eq!(rules(&report), set(&["DKR003", "DKR005"]));
}

#[test]
fn config_discovery_dot_readylint_toml() {
    let repo = service_repo();
    write(
        repo.path(),
        ".readylint.toml",
        format!("{OPT_IN}ignore = [\"DKR003\"]\n"),
    );
    let (_, report) = json_run_as_is(repo.path(), &[]);
    assert_eq!(rules(&report), set(&["DKR001", "DKR005"]));
}

#[test]
fn config_discovery_pyproject_tool_readylint() {
    let repo = service_repo();
    write(
        repo.path(),
        "pyproject.toml",
        format!(
            "[project]\nname = \"svc\"\nversion = \"1.0.0\"\n\n[tool.black]\nline-length = 100\n\n[tool.readylint]\n{OPT_IN}ignore = [\"DKR005\", \"CI001\", \"DOC001\"]\n"
        ),
    );
    let (_, report) = json_run_as_is(repo.path(), &[]);
    assert_eq!(rules(&report), set(&["DKR001", "DKR003"]));
}

#[test]
fn pyproject_without_tool_readylint_is_not_a_config() {
    let root = service_repo();
    // The parent's configuration applies; the pyproject.toml in between has no section.
    write(
        root.path(),
        "readylint.toml",
        format!("{OPT_IN}ignore = [\"DKR001\"]\n"),
    );
    write(root.path(), "svc/Dockerfile", SERVICE);
    write(
        root.path(),
        "svc/pyproject.toml",
        "[project]\nname = \"svc\"\n",
    );
    let (_, report) = json_run_as_is(&root.path().join("svc"), &[]);
    assert_eq!(rules(&report), set(&["DKR003", "DKR005"]));
}

#[test]
fn config_discovered_upwards_and_nearest_wins() {
    let root = temp_repo();
    write(
        root.path(),
        "readylint.toml",
        "extend-select = [\"DKR001\", \"DKR005\"]\nignore = [\"DKR001\"]\n",
    );
    write(root.path(), "a/b/Dockerfile", SERVICE);
    // From a subdirectory: the root's configuration is found.
    let (_, report) = json_run_as_is(&root.path().join("a/b"), &[]);
    assert_eq!(rules(&report), set(&["DKR005"]));
    // Scanning a subdirectory given as an argument: the same.
    let (_, report) = json_run_as_is(root.path(), &["a/b"]);
    assert_eq!(rules(&report), set(&["DKR005"]));
    // A nearer configuration replaces it.
    write(
        root.path(),
        "a/.readylint.toml",
        format!("{OPT_IN}ignore = [\"DKR003\"]\n"),
    );
    let (_, report) = json_run_as_is(&root.path().join("a/b"), &[]);
    assert_eq!(rules(&report), set(&["DKR001", "DKR005"]));
}

#[test]
fn no_config_ignores_configuration_files() {
    let repo = service_repo();
    write(repo.path(), "readylint.toml", "ignore = [\"DKR001\"]\n");
    let (_, report) = json_run(repo.path(), &["--no-config"]);
    assert_eq!(rules(&report), set(&["DKR001", "DKR003", "DKR005"]));
    // Even a broken configuration is not read.
    write(repo.path(), "readylint.toml", "this is not toml = = =\n");
    let (code, report) = json_run(repo.path(), &["--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&report), set(&["DKR001", "DKR003", "DKR005"]));
}

#[test]
fn config_flag_uses_that_file_instead_of_discovery() {
    let repo = service_repo();
    write(repo.path(), "readylint.toml", "ignore = [\"DKR001\"]\n");
    let elsewhere = temp_repo();
    write(elsewhere.path(), "ci.toml", "select = [\"DKR005\"]\n");
    let config = elsewhere.path().join("ci.toml");
    let (_, report) = json_run(repo.path(), &["--config", config.to_str().unwrap()]);
    assert_eq!(rules(&report), set(&["DKR005"]));
    // A pyproject.toml given with --config is read for its [tool.readylint] table.
    write(
        elsewhere.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n[tool.readylint]\nselect = [\"DKR003\"]\n",
    );
    let py = elsewhere.path().join("pyproject.toml");
    let (_, report) = json_run(repo.path(), &["--config", py.to_str().unwrap()]);
    assert_eq!(rules(&report), set(&["DKR003"]));
}

#[test]
fn per_path_ignores() {
    let repo = temp_repo();
    write(repo.path(), "svc/Dockerfile", SERVICE);
    write(repo.path(), "legacy/old/Dockerfile", SERVICE);
    write(
        repo.path(),
        "readylint.toml",
        "[per-path-ignores]\n\"legacy/**\" = [\"DKR005\", \"root-user\"]\n",
    );
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(
        rules_in(&report, "svc/Dockerfile"),
        set(&["DKR001", "DKR003", "DKR005"])
    );
    assert_eq!(rules_in(&report, "legacy/old/Dockerfile"), set(&["DKR003"]));
}

#[test]
fn severity_override() {
    let repo = service_repo();
    write(
        repo.path(),
        "readylint.toml",
        format!("{OPT_IN}[severity]\nDKR001 = \"error\"\nsecret-in-image = \"note\"\n"),
    );
    let (code, report) = json_run(repo.path(), &["--fail-on", "error"]);
    assert_eq!(code, 1, "DKR001 is now an error");
    for f in findings(&report) {
        let expected = match f["rule"].as_str().unwrap() {
            "DKR001" => "error",
            "DKR003" => "note",
            "DKR005" => "note",
            other => panic!("unexpected {other}"),
        };
        assert_eq!(f["severity"], expected, "{f:#}");
    }
    assert_eq!(report["summary"]["by_severity"]["error"], 1);
    assert_eq!(report["summary"]["by_severity"]["warning"], 0);
    assert_eq!(report["summary"]["by_severity"]["note"], 3);
    // The concise line shows the configured severity too.
    readylint()
        .current_dir(repo.path())
        .args(["--format", "concise"])
        .assert()
        .stdout(predicate::str::contains("Dockerfile:1:1: DKR001 [error] "));
}

#[test]
fn rule_option_allow_names() {
    let repo = service_repo();
    let (_, report) = json_run(repo.path(), &["--select", "DKR005"]);
    assert_eq!(
        hits(&report),
        [
            hit("DKR005", "Dockerfile", 2),
            hit("DKR005", "Dockerfile", 3)
        ]
        .into()
    );
    write(
        repo.path(),
        "readylint.toml",
        "[rules.DKR005]\nallow-names = [\"demo_password\"]\n",
    );
    let (_, report) = json_run(repo.path(), &["--select", "DKR005"]);
    assert_eq!(hits(&report), [hit("DKR005", "Dockerfile", 3)].into());
}

#[test]
fn exclude_globs_in_config_and_on_the_command_line() {
    let repo = temp_repo();
    write(repo.path(), "Dockerfile", SERVICE);
    write(repo.path(), "legacy/lib/Dockerfile", SERVICE);
    write(repo.path(), "deploy/prod.Dockerfile", SERVICE);
    let paths = |report: &Value| -> std::collections::BTreeSet<String> {
        findings(report)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(
        paths(&report),
        set(&[
            "Dockerfile",
            "deploy/prod.Dockerfile",
            "legacy/lib/Dockerfile"
        ])
    );
    assert_eq!(report["summary"]["files_scanned"], 3);

    write(repo.path(), "readylint.toml", "exclude = [\"legacy/**\"]\n");
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(
        paths(&report),
        set(&["Dockerfile", "deploy/prod.Dockerfile"])
    );
    assert_eq!(report["summary"]["files_scanned"], 2);

    // --exclude adds to the configured patterns; a directory name excludes its contents.
    let (_, report) = json_run(repo.path(), &["--exclude", "deploy"]);
    assert_eq!(paths(&report), set(&["Dockerfile"]));
    let (_, report) = json_run(repo.path(), &["--exclude", "*.Dockerfile", "--no-config"]);
    assert_eq!(
        paths(&report),
        set(&["Dockerfile", "legacy/lib/Dockerfile"])
    );
}

// ---------------------------------------------------------------------------------------
// .gitignore / .ignore
// ---------------------------------------------------------------------------------------

#[test]
fn ignore_files_are_honoured_unless_disabled() {
    // No .git directory: the walk honours .gitignore anyway.
    let repo = temp_repo();
    write(repo.path(), "Dockerfile", SERVICE);
    write(repo.path(), "build/Dockerfile", SERVICE);
    write(repo.path(), "scratch/Dockerfile", SERVICE);
    write(repo.path(), "docker/Dockerfile.generated", SERVICE);
    write(repo.path(), ".gitignore", "/build/\n*.generated\n");
    write(repo.path(), ".ignore", "scratch/\n");
    let paths = |report: &Value| -> std::collections::BTreeSet<String> {
        findings(report)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(paths(&report), set(&["Dockerfile"]));
    assert_eq!(report["summary"]["files_scanned"], 1);

    let (_, report) = json_run(repo.path(), &["--no-ignore-files"]);
    assert_eq!(
        paths(&report),
        set(&[
            "Dockerfile",
            "build/Dockerfile",
            "docker/Dockerfile.generated",
            "scratch/Dockerfile"
        ])
    );
    assert_eq!(report["summary"]["files_scanned"], 4);
}

#[test]
fn git_directory_is_never_scanned() {
    let repo = service_repo();
    write(repo.path(), ".git/Dockerfile", SERVICE);
    write(repo.path(), ".github/docker/Dockerfile", SERVICE);
    let (_, report) = json_run(repo.path(), &["--no-ignore-files"]);
    let paths: std::collections::BTreeSet<String> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, set(&["Dockerfile", ".github/docker/Dockerfile"]));
}

// ---------------------------------------------------------------------------------------
// Inline suppressions
// ---------------------------------------------------------------------------------------

#[test]
fn ignore_on_the_line_above_silences_and_is_counted() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "# readylint: ignore[DKR001] -- the base image drops privileges itself\n\
         FROM alpine:3.20\n\
         CMD [\"/srv/app-server\"]\n",
    );
    let (code, report) = json_run(repo.path(), &[]);
    assert_eq!(rules(&report), set(&["DKR003"]), "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(code, 0, "only a note is left");
    readylint()
        .current_dir(repo.path())
        .args(with_note_rule(&["--format", "concise"]))
        .assert()
        .stdout(predicate::str::contains("1 suppressed"));
}

#[test]
fn ignore_by_name_trailing_comment_and_blanket() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "FROM alpine:3.20\n\
         # readylint: ignore[root-user]\n\
         USER root\n\
         RUN sudo apk add --no-cache curl=8.9.1-r0 # readylint: ignore[DKR006] -- legacy base\n\
         # readylint: ignore\n\
         ADD https://example.com/app.tgz.part /srv/\n\
         HEALTHCHECK NONE\n\
         CMD [\"/srv/app-server\"]\n",
    );
    let (code, report) = json_run(repo.path(), &[]);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 3);
    assert_eq!(code, 0);
    let (_, report) = json_run(repo.path(), &["--no-inline-ignores"]);
    assert_eq!(
        hits(&report),
        [
            hit("DKR001", "Dockerfile", 3),
            hit("DKR006", "Dockerfile", 4),
            hit("DKR002", "Dockerfile", 6),
        ]
        .into()
    );
}

#[test]
fn ignore_above_a_multi_line_instruction_covers_its_continuation_lines() {
    let repo = temp_repo();
    let text = "FROM alpine:3.20\n\
                # readylint: ignore[DKR008] -- grep exits 1 on no match, on purpose\n\
                RUN apk update && \\\n    apk info | grep musl\n\
                USER app\n\
                HEALTHCHECK NONE\n\
                CMD [\"/srv/app-server\"]\n";
    write(repo.path(), "Dockerfile", text);
    let (code, report) = json_run(repo.path(), &[]);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(code, 0);
    // Without it, the finding is on the continuation line.
    let (_, report) = json_run(repo.path(), &["--no-inline-ignores"]);
    assert_eq!(hits(&report), [hit("DKR008", "Dockerfile", 4)].into());
}

#[test]
fn unused_suppression_is_rdy002() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "FROM alpine:3.20\n\
         # readylint: ignore[DKR006]\n\
         RUN apk add --no-cache curl=8.9.1-r0\n\
         # readylint: ignore[DKR999]\n\
         USER app\n\
         CMD [\"/srv/app-server\"]\n",
    );
    let (_, report) = json_run(repo.path(), &[]);
    let rdy: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "RDY002")
        .collect();
    assert_eq!(rdy.len(), 2, "{report:#}");
    assert_eq!(rdy[0]["line"], 2);
    assert_eq!(rdy[0]["name"], "unused-suppression");
    assert_eq!(rdy[0]["severity"], "note");
    assert!(rdy[0]["message"].as_str().unwrap().contains("DKR006"));
    assert_eq!(rdy[1]["line"], 4);
    assert!(rdy[1]["message"].as_str().unwrap().contains("DKR999"));
    assert_eq!(report["summary"]["suppressed"], 0);

    // RDY002 can itself be turned off.
    let (_, report) = json_run(repo.path(), &["--ignore", "RDY002"]);
    assert!(!rules(&report).contains("RDY002"));
}

#[test]
fn suppression_of_an_unselected_rule_is_not_reported_unused() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "# readylint: ignore[DKR001]\n\
         FROM alpine:3.20\n\
         CMD [\"/srv/app-server\"]\n",
    );
    // DKR001 does not run, so its suppression cannot be known to be unused.
    let (_, report) = json_run(repo.path(), &["--select", "DKR003,RDY002"]);
    assert_eq!(rules(&report), set(&["DKR003"]), "{report:#}");
    let (_, report) = json_run(repo.path(), &["--ignore", "root-user"]);
    assert_eq!(rules(&report), set(&["DKR003"]), "{report:#}");
    // Selected, it is used.
    let (_, report) = json_run(repo.path(), &["--select", "DKR001,RDY002"]);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 1);
}

#[test]
fn no_inline_ignores_reports_findings_and_no_rdy002() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "# readylint: ignore[DKR001]\n\
         FROM alpine:3.20\n\
         # readylint: ignore[DKR006]\n\
         RUN apk add --no-cache curl=8.9.1-r0\n\
         CMD [\"/srv/app-server\"]\n",
    );
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(rules(&report), set(&["DKR003", "RDY002"]));
    let (code, report) = json_run(repo.path(), &["--no-inline-ignores"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&report), set(&["DKR001", "DKR003"]));
    assert_eq!(report["summary"]["suppressed"], 0);
}

#[test]
fn ignore_file_silences_the_whole_file() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "# readylint: ignore-file[DKR001, DKR008]\n\
         FROM alpine:3.20\n\
         RUN apk info | grep musl\n\
         RUN apk info | grep curl\n\
         CMD [\"/srv/app-server\"]\n",
    );
    write(
        repo.path(),
        "other/Dockerfile",
        "FROM alpine:3.20\nRUN apk info | grep musl\nHEALTHCHECK NONE\nCMD [\"/srv/app-server\"]\n",
    );
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(rules_in(&report, "Dockerfile"), set(&["DKR003"]));
    assert_eq!(report["summary"]["suppressed"], 3);
    // Only that file.
    assert_eq!(
        rules_in(&report, "other/Dockerfile"),
        set(&["DKR001", "DKR008"])
    );
    // An ignore-file that silences nothing is reported too.
    write(
        repo.path(),
        "other/Dockerfile",
        "# readylint: ignore-file[DKR002]\nFROM alpine:3.20\nUSER app\nHEALTHCHECK NONE\nCMD [\"/srv/app-server\"]\n",
    );
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(
        hits(&report)
            .into_iter()
            .filter(|h| h.1 == "other/Dockerfile")
            .collect::<Vec<_>>(),
        vec![hit("RDY002", "other/Dockerfile", 1)]
    );
}

// ---------------------------------------------------------------------------------------
// The JSON report
// ---------------------------------------------------------------------------------------

#[test]
fn json_report_has_every_field_of_the_spec() {
    let repo = copy_fixture("bad-dockerfile");
    write(
        repo.path(),
        "broken/Dockerfile",
        b"FROM alpine\nLABEL x=\xff\n",
    );
    let (_, report) = json_run(repo.path(), &[]);

    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "readylint");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));

    let fs = findings(&report);
    assert!(!fs.is_empty());
    for f in fs {
        for key in ["rule", "name", "category", "severity", "message", "path"] {
            let s = f[key].as_str().unwrap_or_else(|| panic!("{key} in {f:#}"));
            assert!(!s.is_empty(), "{key} empty in {f:#}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            let n = f[key].as_u64().unwrap_or_else(|| panic!("{key} in {f:#}"));
            assert!(n >= 1, "{key} is 1-based in {f:#}");
        }
        assert!(
            (f["end_line"].as_u64(), f["end_column"].as_u64())
                >= (f["line"].as_u64(), f["column"].as_u64()),
            "end before start: {f:#}"
        );
        assert!(f["help"].as_str().is_some_and(|h| !h.is_empty()), "{f:#}");
        let fp = f["fingerprint"].as_str().unwrap();
        assert!(
            fp.len() >= 8 && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "{f:#}"
        );
        assert!(
            ["error", "warning", "note"].contains(&f["severity"].as_str().unwrap()),
            "{f:#}"
        );
        let path = f["path"].as_str().unwrap();
        assert!(
            !path.starts_with('/') && !path.starts_with("./") && !path.contains('\\'),
            "path not repo-relative with `/`: {path}"
        );
    }
    // Rule metadata matches the catalogue.
    let dkr001 = fs.iter().find(|f| f["rule"] == "DKR001").unwrap();
    assert_eq!(dkr001["name"], "root-user");
    assert_eq!(dkr001["category"], "container");
    assert_eq!(dkr001["severity"], "warning");
    assert_eq!(dkr001["path"], "Dockerfile");
    assert_eq!(dkr001["line"], 2);
    assert_eq!(dkr001["column"], 1);
    assert_eq!(dkr001["end_line"], 2);
    assert_eq!(
        dkr001["end_column"], 17,
        "`FROM node:latest` ends at column 17"
    );
    let nested = fs
        .iter()
        .find(|f| f["path"] == "services/worker/Dockerfile")
        .expect("nested path with `/`");
    assert_eq!(nested["rule"], "DKR003");

    // Fingerprints are distinct.
    let fps: std::collections::BTreeSet<&str> = fs
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), fs.len());

    // errors[]
    let errors = report["errors"].as_array().expect("errors array");
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["path"], "broken/Dockerfile");
    assert!(errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()));

    // summary
    let summary = &report["summary"];
    assert_eq!(
        summary["files_scanned"], 2,
        "the non-UTF-8 file is not scanned"
    );
    assert_eq!(summary["suppressed"], 0);
    let count = |key: &str, value: &str| fs.iter().filter(|f| f[key] == value).count() as u64;
    for sev in ["error", "warning", "note"] {
        assert_eq!(
            summary["by_severity"][sev].as_u64(),
            Some(count("severity", sev)),
            "{sev}"
        );
    }
    let by_category = summary["by_category"].as_object().unwrap();
    assert_eq!(
        by_category
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        fs.len() as u64
    );
    for (cat, n) in by_category {
        assert_eq!(n.as_u64(), Some(count("category", cat)), "{cat}");
    }
    assert_eq!(
        by_category["readylint"], 1,
        "the RDY003 of broken/Dockerfile"
    );
}

#[test]
fn json_findings_are_sorted_by_path_line_column_rule() {
    let repo = copy_fixture("bad-dockerfile");
    // More files, in names that sort differently by byte and by case.
    write(repo.path(), "a.Dockerfile", SERVICE);
    write(repo.path(), "Containerfile", SERVICE);
    write(repo.path(), "z/Dockerfile", SERVICE);
    let (_, report) = json_run(repo.path(), &[]);
    let keys: Vec<(String, u64, u64, String)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Same line and column: by rule (DKR001 before DKR003 on the FROM line).
    let first_two: Vec<&str> = keys[..2].iter().map(|k| k.3.as_str()).collect();
    assert_eq!(keys[0].0, "Containerfile");
    assert_eq!(first_two, ["DKR001", "DKR003"]);
}

// ---------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let repo = copy_fixture("bad-dockerfile");
    for i in 0..24 {
        write(
            repo.path(),
            &format!("svc{:02}/Dockerfile", i),
            format!(
                "FROM alpine:3.{i}\nENV API_TOKEN_{i}=t{i}\nRUN apk info | grep x{i}\nCMD /srv/app-server{i}\n"
            ),
        );
    }
    write(repo.path(), "svc07/Dockerfile.bin", b"\0\x01\x02binary");
    let run = |format: &str, threads: Option<&str>| -> Vec<u8> {
        let mut cmd = readylint();
        cmd.current_dir(repo.path())
            .args(["--format", format, "--color", "never"]);
        if let Some(n) = threads {
            cmd.args(["--threads", n]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(exit_code(&out), 1, "{}", stderr_of(&out));
        out.stdout
    };
    for format in ["text", "concise", "json", "sarif", "github"] {
        let one = run(format, Some("1"));
        let many = run(format, None);
        let again = run(format, Some("8"));
        assert!(!one.is_empty());
        assert!(
            one == many,
            "{format}: --threads 1 and the default differ:\n{}\n----\n{}",
            String::from_utf8_lossy(&one),
            String::from_utf8_lossy(&many)
        );
        assert!(one == again, "{format}: --threads 8 differs");
    }
}

// ---------------------------------------------------------------------------------------
// `rules` and `explain`
// ---------------------------------------------------------------------------------------

fn catalogue() -> Vec<Value> {
    let out = readylint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 0);
    parse_json(&out)["rules"]
        .as_array()
        .expect("rules array")
        .clone()
}

#[test]
fn rules_json_lists_every_rule_with_metadata() {
    let rules = catalogue();
    let codes: Vec<&str> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    for code in all_dkr()
        .iter()
        .map(String::as_str)
        .chain(["RDY001", "RDY002", "RDY003"])
    {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "catalogue order is by code");
    for r in &rules {
        for key in ["code", "name", "category", "severity", "summary", "docs"] {
            assert!(
                r[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} of {r:#}"
            );
        }
        assert!(r["options"].is_array());
    }
    let dkr005 = rules.iter().find(|r| r["code"] == "DKR005").unwrap();
    assert_eq!(dkr005["name"], "secret-in-image");
    assert_eq!(dkr005["severity"], "error");
    assert_eq!(dkr005["options"][0]["name"], "allow-names");
}

#[test]
fn rules_text_and_markdown() {
    let rules = catalogue();
    let text = stdout_of(&readylint().arg("rules").output().unwrap());
    let md = stdout_of(
        &readylint()
            .args(["rules", "--format", "markdown"])
            .output()
            .unwrap(),
    );
    let text_lines: Vec<&str> = text.lines().collect();
    let md_lines: Vec<&str> = md.lines().collect();
    assert!(md_lines[0].starts_with("| code | name |"), "{md}");
    assert!(md_lines[1].starts_with("|---"), "{md}");
    assert_eq!(md_lines.len(), rules.len() + 2, "{md}");
    for (i, r) in rules.iter().enumerate() {
        let code = r["code"].as_str().unwrap();
        let name = r["name"].as_str().unwrap();
        let summary = r["summary"].as_str().unwrap();
        assert!(
            text_lines
                .iter()
                .any(|l| l.starts_with(code) && l.contains(name) && l.contains(summary)),
            "no line for {code} in\n{text}"
        );
        assert!(
            md_lines[i + 2].starts_with(&format!("| {code} | {name} | ")),
            "{}",
            md_lines[i + 2]
        );
    }
}

#[test]
fn explain_prints_every_section() {
    let out = readylint().args(["explain", "DKR001"]).output().unwrap();
    assert_eq!(exit_code(&out), 0);
    let text = stdout_of(&out);
    assert!(
        text.contains("DKR001") && text.contains("root-user"),
        "{text}"
    );
    for section in [
        "## What it does",
        "## Why it matters in production",
        "## Example",
        "## Fix",
        "## Known limits",
    ] {
        assert!(text.contains(section), "no {section:?} in\n{text}");
    }
    // By name too, and case-insensitively by code.
    readylint()
        .args(["explain", "root-user"])
        .assert()
        .code(0)
        .stdout(text.clone());
    readylint()
        .args(["explain", "dkr001"])
        .assert()
        .code(0)
        .stdout(text);
    // A rule with options lists them.
    readylint()
        .args(["explain", "DKR005"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("allow-names"));
}

#[test]
fn explain_works_for_every_catalogued_rule() {
    for r in catalogue() {
        let code = r["code"].as_str().unwrap();
        let out = readylint().args(["explain", code]).output().unwrap();
        assert_eq!(exit_code(&out), 0, "{code}");
        let text = stdout_of(&out);
        for section in [
            "## What it does",
            "## Why it matters in production",
            "## Fix",
        ] {
            assert!(text.contains(section), "{code}: no {section:?}");
        }
    }
}

#[test]
fn explain_unknown_rule_is_exit_2() {
    readylint()
        .args(["explain", "NOPE"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("NOPE"));
}

/// A Python test that no selected rule checks is not parsed: a syntax error in it is no
/// finding of the default run (a test fixture broken on purpose), while parse errors
/// asked for (`--select all`) still find it, and a test whose `readylint:` comment
/// names an unknown rule is still read for it.
#[test]
fn python_tests_no_rule_checks_are_parsed_only_when_asked() {
    let dir = temp_repo();
    write(dir.path(), "app.py", "def handler():\n    return 0\n");
    write(
        dir.path(),
        "tests/test_broken.py",
        "def broken(:\n    pass\n",
    );
    write(
        dir.path(),
        "tests/test_app.py",
        "def test_it():\n    run()  # readylint: ignore[XYZ999]\n",
    );
    let (_, report) = json_run_as_is(dir.path(), &["--no-config"]);
    let found = hits(&report);
    assert!(
        found.contains(&hit("RDY002", "tests/test_app.py", 2)),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(_, path, _)| path == "tests/test_broken.py"),
        "{found:?}"
    );
    let (_, report) = json_run_as_is(dir.path(), &["--no-config", "--select", "all"]);
    assert!(
        hits(&report).contains(&hit("RDY001", "tests/test_broken.py", 1)),
        "{:?}",
        hits(&report)
    );
}

/// A reader that stops early (`readylint ... | head`) ends the run quietly, with no panic,
/// for every listing that writes to standard output: the report and `--show-files`.
#[test]
fn closed_standard_output_is_not_a_panic() {
    let dir = temp_repo();
    // More than a pipe's buffer of output, so the run is still writing when the reader
    // goes away.
    for i in 0..1500 {
        write(
            dir.path(),
            &format!("service/handlers/module_with_a_long_descriptive_name_{i:04}.py"),
            "try:\n    run()\nexcept Exception:\n    pass\n",
        );
    }
    for args in [&["check", "--show-files", "."][..], &["check", "."][..]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_readylint"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        use std::io::Read;
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = stderr_of(&out);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
    }
}

// ---------------------------------------------------------------------------------------
// Output formats and options
// ---------------------------------------------------------------------------------------

#[test]
fn output_file_receives_the_report() {
    let repo = copy_fixture("bad-dockerfile");
    let out_dir = temp_repo();
    let target = out_dir.path().join("report.json");
    readylint()
        .current_dir(repo.path())
        .args(["--format", "json", "-o"])
        .arg(&target)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let written = std::fs::read(&target).expect("report written");
    let direct = readylint()
        .current_dir(repo.path())
        .args(["--format", "json"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(written, direct);

    let sarif = out_dir.path().join("out.sarif");
    readylint()
        .current_dir(repo.path())
        .args(["--format", "sarif", "--output-file"])
        .arg(&sarif)
        .assert()
        .code(1);
    let v: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn output_file_in_a_missing_directory_is_exit_2() {
    let repo = service_repo();
    readylint()
        .current_dir(repo.path())
        .args(["-o", "no/such/dir/report.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("report.txt"));
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, report) = json_run(repo.path(), &[]);
    let out = readylint()
        .current_dir(repo.path())
        .args(with_note_rule(&["--format", "concise"]))
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 1);
    let text = stdout_of(&out);
    let lines: Vec<&str> = text.lines().collect();
    let fs = findings(&report);
    assert_eq!(lines.len(), fs.len() + 1, "one line each, then the summary");
    for (line, f) in lines.iter().zip(fs) {
        let expected = format!(
            "{}:{}:{}: {} [{}] {}",
            f["path"].as_str().unwrap(),
            f["line"],
            f["column"],
            f["rule"].as_str().unwrap(),
            f["severity"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        assert_eq!(*line, expected);
    }
    assert!(
        text.contains("Dockerfile:3:5: DKR005 [error] `ARG NPM_TOKEN`"),
        "{text}"
    );
    assert!(text.contains("services/worker/Dockerfile:3:1: DKR001 [warning] "));
    let summary = lines.last().unwrap();
    assert!(summary.contains("findings"), "{summary}");
    assert!(summary.contains("2 files scanned"), "{summary}");

    // --quiet: only the findings.
    let quiet = stdout_of(
        &readylint()
            .current_dir(repo.path())
            .args(with_note_rule(&["--format", "concise", "-q"]))
            .output()
            .unwrap(),
    );
    assert_eq!(quiet.lines().count(), fs.len());
    assert!(!quiet.contains("files scanned"));
}

#[test]
fn github_format_is_workflow_commands() {
    let repo = copy_fixture("bad-dockerfile");
    let out = readylint()
        .current_dir(repo.path())
        .args(with_note_rule(&["--format", "github"]))
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 1);
    let text = stdout_of(&out);
    assert!(!text.is_empty());
    for line in text.lines() {
        assert!(line.starts_with("::"), "{line}");
        let level = line[2..].split(' ').next().unwrap();
        assert!(["error", "warning", "notice"].contains(&level), "{line}");
        assert!(line.contains(" file="), "{line}");
        assert!(line.contains(",line="), "{line}");
        assert!(line.contains(",col="), "{line}");
        assert!(line.contains(",title="), "{line}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=Dockerfile,line=3,col=5,")
                && l.contains("title=DKR005")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("::notice file=Dockerfile,line=10,col=1,")
                && l.contains("title=DKR007")),
        "{text}"
    );
    let (_, report) = json_run(repo.path(), &[]);
    assert_eq!(text.lines().count(), findings(&report).len());
}

#[test]
fn text_format_shows_snippets_and_a_summary() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, report) = json_run(repo.path(), &[]);
    let n = findings(&report).len();
    let out = readylint()
        .current_dir(repo.path())
        .args(with_note_rule(&["--color", "never"]))
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 1);
    let text = stdout_of(&out);
    assert!(text.contains("DKR005 secret-in-image"), "{text}");
    // A source snippet of the flagged line.
    assert!(
        text.contains("ARG NPM_TOKEN=npm_0123456789abcdef"),
        "{text}"
    );
    assert!(text.contains("Dockerfile:3:5"), "{text}");
    // The summary: top risks first (an error before warnings), then the line.
    let top = text.find("Top risks:").expect("a top-risks summary");
    let error_row = text[top..].find("error ").expect("an error row");
    let warning_row = text[top..].find("warning ").expect("a warning row");
    assert!(error_row < warning_row, "{text}");
    assert!(
        text[top..].contains("DKR005  secret-in-image (container)"),
        "{text}"
    );
    let last = text.lines().last().unwrap();
    assert!(
        last.contains(&format!("{n} findings")) && last.contains("2 files scanned"),
        "{last}"
    );
    assert!(!text.contains('\u{1b}'), "no colour with --color never");
}

#[test]
fn quiet_text_has_no_summary() {
    let repo = copy_fixture("bad-dockerfile");
    let out = readylint()
        .current_dir(repo.path())
        .args(with_note_rule(&["--color", "never", "--quiet"]))
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 1);
    let text = stdout_of(&out);
    assert!(text.contains("DKR005"), "the findings are still shown");
    assert!(!text.contains("files scanned"), "{text}");
    assert!(!text.contains("findings ("), "{text}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let repo = copy_fixture("bad-dockerfile");
    let auto = stdout_of(&readylint().current_dir(repo.path()).output().unwrap());
    assert!(!auto.contains('\u{1b}'), "a pipe gets no colour");
    let always = stdout_of(
        &readylint()
            .current_dir(repo.path())
            .args(["--color", "always"])
            .output()
            .unwrap(),
    );
    assert!(always.contains('\u{1b}'), "--color always colours");
}

#[test]
fn statistics_counts_each_rule() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, report) = json_run(repo.path(), &[]);
    let n = findings(&report).len();
    let out = readylint()
        .current_dir(repo.path())
        .args(with_note_rule(&["--statistics"]))
        .output()
        .unwrap();
    assert_eq!(
        exit_code(&out),
        1,
        "the exit code still reflects the findings"
    );
    let text = stdout_of(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| l.contains("DKR"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 9, "one row per rule:\n{text}");
    let count_of = |code: &str| -> u64 {
        rows.iter()
            .find(|r| r[1] == code)
            .unwrap_or_else(|| panic!("{code} in\n{text}"))[0]
            .parse()
            .unwrap()
    };
    assert_eq!(count_of("DKR008"), 1);
    assert_eq!(count_of("DKR001"), 2);
    assert_eq!(count_of("DKR005"), 1);
    // The most frequent first.
    let counts: Vec<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{text}");
    // Not the diagnostics.
    assert!(!text.contains("help:"), "{text}");
    assert!(
        text.lines()
            .last()
            .unwrap()
            .contains(&format!("{n} findings"))
    );
}

// ---------------------------------------------------------------------------------------
// Known bugs: these document behaviour that is wrong today. Run with `--ignored`.
// ---------------------------------------------------------------------------------------

#[test]

fn invalid_pyproject_section_is_exit_2() {
    let repo = service_repo();
    write(
        repo.path(),
        "pyproject.toml",
        "[project]\nname = \"svc\"\n[tool.readylint]\nignore = [\"DKR001\"]\nfrobnicate = 1\n",
    );
    readylint()
        .current_dir(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("frobnicate"));
}

#[test]

fn dockerignore_is_seen_when_a_file_is_passed() {
    let repo = copy_fixture("clean");
    let (_, report) = json_run(repo.path(), &["Dockerfile"]);
    assert!(findings(&report).is_empty(), "{report:#}");
}

#[test]

fn per_path_ignores_apply_when_scanning_a_subdirectory() {
    let root = temp_repo();
    write(root.path(), "svc/Dockerfile", SERVICE);
    write(
        root.path(),
        "readylint.toml",
        "[per-path-ignores]\n\"svc/**\" = [\"DKR005\"]\n",
    );
    let (_, from_root) = json_run(root.path(), &[]);
    assert!(!rules(&from_root).contains("DKR005"));
    let (_, from_sub) = json_run(root.path(), &["svc"]);
    assert!(!rules(&from_sub).contains("DKR005"), "{from_sub:#}");
}

#[test]

fn absolute_file_argument_gets_a_sensible_path() {
    let repo = service_repo();
    let cwd = temp_repo();
    let file = repo.path().join("Dockerfile");
    let (_, report) = json_run(cwd.path(), &[file.to_str().unwrap()]);
    let path = findings(&report)[0]["path"].as_str().unwrap().to_string();
    // Either the path as given, or relative to where the file is; never the absolute
    // path with its leading `/` cut off.
    let stripped = file.to_str().unwrap().trim_start_matches('/').to_string();
    assert_ne!(path, stripped);
}

#[test]

fn statistics_columns_are_aligned() {
    let repo = copy_fixture("bad-dockerfile");
    let text = stdout_of(
        &readylint()
            .current_dir(repo.path())
            .arg("--statistics")
            .output()
            .unwrap(),
    );
    let name_columns: std::collections::BTreeSet<usize> = text
        .lines()
        .filter(|l| l.contains("DKR"))
        .map(|l| {
            let name = l.split_whitespace().last().unwrap();
            l.rfind(name).unwrap()
        })
        .collect();
    assert_eq!(name_columns.len(), 1, "names start in one column:\n{text}");
}

#[test]
fn a_gitignored_dockerignore_still_counts() {
    let repo = temp_repo();
    write(
        repo.path(),
        "svc/Dockerfile",
        "FROM python:3.12\nCOPY . /app\nUSER app\n",
    );
    write(repo.path(), ".gitignore", ".dockerignore\n");
    write(repo.path(), "svc/.dockerignore", ".git\n");
    let (_, report) = json_run(repo.path(), &["--select", "DKR007"]);
    assert!(findings(&report).is_empty(), "{report:#}");
    std::fs::remove_file(repo.path().join("svc/.dockerignore")).expect("rm");
    let (_, report) = json_run(repo.path(), &["--select", "DKR007"]);
    assert_eq!(rules(&report), set(&["DKR007"]));
}

/// git keeps tracking what `.gitignore` lists once it is tracked: a repository that
/// ignores `*.md` and `.github` still has its README and its workflows (the root is
/// walked); `exclude` still leaves them out.
#[test]
fn a_gitignored_readme_and_github_folder_still_count() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n",
    );
    write(repo.path(), "src/main.rs", "fn main() {}\n");
    write(repo.path(), ".gitignore", "target\n.github\n*.md\n");
    write(
        repo.path(),
        "README.md",
        "# svc\n\nA service that answers questions about the weather, with its install, run and test steps below.\n",
    );
    write(
        repo.path(),
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: foo/bar@main\n      - run: cargo test\n",
    );
    let (_, report) = json_run(repo.path(), &["--select", "CI001,DOC001,DEP008"]);
    assert_eq!(rules(&report), set(&["DEP008"]), "{report:#}");
    let (_, report) = json_run(
        repo.path(),
        &[
            "--select",
            "CI001,DOC001,DEP008",
            "--exclude",
            ".github",
            "--exclude",
            "README.md",
        ],
    );
    assert_eq!(rules(&report), set(&["CI001", "DOC001"]), "{report:#}");
}

#[test]
fn workflow_paths_outside_a_repository_are_read_as_workflows() {
    // Not a git repository: the project is the folder holding `.github`.
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: foo/bar@main\n",
    );
    for arg in [".github", ".github/workflows/ci.yml"] {
        let (_, report) = json_run_as_is(dir.path(), &[arg]);
        assert_eq!(rules(&report), set(&["DEP008"]), "{arg}: {report:#}");
    }
}

#[test]
fn a_scan_that_finds_nothing_to_check_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "notes.txt", "nothing to lint\n");
    let out = readylint().current_dir(dir.path()).output().unwrap();
    assert_eq!(exit_code(&out), 0);
    assert!(
        stderr_of(&out).contains("no file to check was found"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn kind_reads_a_named_file_whatever_its_name() {
    let repo = temp_repo();
    write(repo.path(), "deploy/app.df", SERVICE);
    let codes = |args: &[&str]| -> Vec<String> {
        let out = readylint()
            .current_dir(repo.path())
            .args(with_note_rule(args))
            .output()
            .unwrap();
        hits(&parse_json(&out)).into_iter().map(|h| h.0).collect()
    };
    // By name, `app.df` is nothing readylint reads.
    assert!(codes(&["check", "--format", "json", "deploy/app.df"]).is_empty());
    let as_dockerfile = codes(&[
        "check",
        "--format",
        "json",
        "--kind",
        "dockerfile",
        "deploy/app.df",
    ]);
    assert!(
        as_dockerfile.iter().any(|c| c == "DKR005"),
        "{as_dockerfile:?}"
    );
    // A directory is still walked by name: `--kind` with one is a usage error.
    readylint()
        .current_dir(repo.path())
        .args(["check", "--kind", "dockerfile", "deploy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`deploy` is a directory"));
}

#[test]
fn a_link_to_a_directory_named_on_the_command_line_is_followed() {
    let repo = service_repo();
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("link");
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo.path(), &link).unwrap();
    #[cfg(not(unix))]
    return;
    let out = readylint()
        .current_dir(parent.path())
        .args(with_note_rule(&["check", "--format", "json", "link"]))
        .output()
        .unwrap();
    let found = hits(&parse_json(&out));
    assert!(
        found
            .iter()
            .any(|(rule, path, _)| rule == "DKR005" && path == "Dockerfile"),
        "{found:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Readable output
// ---------------------------------------------------------------------------------------

/// The text report of the bad fixture plus a second Dockerfile, in a UTF-8 locale
/// unless `env` says otherwise.
fn text_of(env: &[(&str, &str)], args: &[&str]) -> String {
    let repo = copy_fixture("bad-dockerfile");
    write(
        repo.path(),
        "b/Dockerfile",
        "FROM alpine:3.20\nRUN sudo true\n",
    );
    let mut cmd = readylint();
    cmd.current_dir(repo.path())
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C.UTF-8")
        .env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    stdout_of(&cmd.args(["--color", "never"]).args(args).output().unwrap())
}

#[test]
fn text_groups_by_file_with_severity_words_and_the_code_once() {
    let text = text_of(
        &[],
        &[
            "--extend-select",
            "DKR001,DKR003,DKR005,DKR006,DKR007,DKR008,DEP005,DEP006",
        ],
    );
    // One header per file, in path order, with its counts.
    let first = text
        .find("── Dockerfile ── 1 error, 8 warnings, 2 notes")
        .expect(&text);
    let second = text.find("── b/Dockerfile ── ").expect(&text);
    assert!(first < second, "{text}");
    assert_eq!(text.matches("── Dockerfile ──").count(), 1, "{text}");
    // The severity as a glyph and a word, then the code and name once.
    assert!(
        text.contains("  × error DKR005 secret-in-image: `ARG NPM_TOKEN` bakes"),
        "{text}"
    );
    assert!(text.contains("  ⚠ warning DKR001 root-user: "), "{text}");
    assert!(
        text.contains("  ☞ note DKR003 missing-healthcheck: "),
        "{text}"
    );
    let block = &text[text.find("DKR005 secret-in-image:").unwrap()..];
    let block = &block[..block.find("help:").unwrap()];
    assert_eq!(block.matches("DKR005").count(), 1, "the code once: {block}");
}

#[test]
fn text_falls_back_to_ascii_where_unicode_cannot_be_shown() {
    for env in [
        vec![("TERM", "dumb")],
        vec![("LANG", "C")],
        vec![("LC_ALL", "en_US.ISO-8859-1")],
        vec![("LC_CTYPE", "POSIX")],
    ] {
        let text = text_of(&env, &with_note_rule(&[]));
        assert!(
            text.contains("  x error DKR005 secret-in-image: "),
            "{env:?}: {text}"
        );
        assert!(text.contains("  ! warning DKR001 root-user: "), "{env:?}");
        assert!(text.contains("-- Dockerfile -- "), "{env:?}");
        // Box drawing and glyphs of the report itself are ASCII (messages may quote
        // anything).
        for c in ['×', '⚠', '☞', '╭', '│', '─'] {
            assert!(!text.contains(c), "{env:?}: `{c}` in {text}");
        }
    }
    // LC_ALL wins over LANG.
    let text = text_of(&[("LANG", "C"), ("LC_ALL", "de_DE.utf8")], &[]);
    assert!(text.contains("⚠ warning"), "{text}");
}

#[test]
fn force_color_and_no_color_in_auto_mode() {
    let repo = copy_fixture("bad-dockerfile");
    let run = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = readylint();
        cmd.current_dir(repo.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        stdout_of(&cmd.args(args).output().unwrap())
    };
    let coloured = |t: &str| t.contains('\u{1b}');
    assert!(!coloured(&run(&[], &[])), "a pipe gets no colour");
    assert!(coloured(&run(&[("FORCE_COLOR", "1")], &[])));
    assert!(coloured(&run(&[("FORCE_COLOR", "yes")], &[])));
    assert!(!coloured(&run(&[("FORCE_COLOR", "")], &[])));
    assert!(!coloured(&run(&[("FORCE_COLOR", "0")], &[])));
    assert!(
        !coloured(&run(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[])),
        "NO_COLOR wins"
    );
    assert!(
        !coloured(&run(&[("FORCE_COLOR", "1")], &["--color", "never"])),
        "the flag overrides the environment"
    );
    assert!(coloured(&run(&[("NO_COLOR", "1")], &["--color", "always"])));
}

#[test]
fn min_severity_hides_findings_but_not_the_exit_code() {
    let repo = service_repo();
    // DKR001 (warning), DKR003 (note), DKR005 ×2 (error).
    let (code, v) = json_run(repo.path(), &["--min-severity", "error"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&v), set(&["DKR005"]));
    assert_eq!(v["summary"]["below_min_severity"], 2);
    // A hidden warning still fails the run under the default fail-on.
    write(
        repo.path(),
        "Dockerfile",
        "FROM alpine:3.20\nEXPOSE 8080\nCMD [\"/srv/app\"]\n",
    );
    let out = readylint()
        .current_dir(repo.path())
        .args([
            "--min-severity",
            "error",
            "--color",
            "never",
            "--extend-select",
            "DKR001,DKR003",
        ])
        .output()
        .unwrap();
    assert_eq!(
        exit_code(&out),
        1,
        "DKR001 is a warning: the gate still fails"
    );
    let text = stdout_of(&out);
    assert!(!text.contains("DKR001 root-user:"), "{text}");
    assert!(text.contains("2 below --min-severity not shown"), "{text}");
    // And a note-only run shown at `note` keeps exit 0.
    let (code, v) = json_run(
        repo.path(),
        &["--min-severity", "note", "--fail-on", "error"],
    );
    assert_eq!(code, 0);
    assert_eq!(rules(&v), set(&["DKR001", "DKR003"]));
}

#[test]
fn statistics_in_json() {
    let repo = service_repo();
    let (_, v) = json_run(repo.path(), &["--statistics"]);
    let stats = v["statistics"].as_array().expect("a statistics key");
    assert_eq!(
        stats[0],
        serde_json::json!({"rule": "DKR005", "name": "secret-in-image", "severity": "error", "count": 2})
    );
    let total: u64 = stats.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(
        total as usize,
        findings(&v).len(),
        "the findings are still there"
    );
    let (_, v) = json_run(repo.path(), &[]);
    assert!(v.get("statistics").is_none(), "only when asked");
}

#[test]
fn did_you_mean_for_mistyped_subcommands_and_rules() {
    let repo = service_repo();
    let err = |args: &[&str]| {
        let out = readylint()
            .current_dir(repo.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(exit_code(&out), 2, "{args:?}");
        stderr_of(&out)
    };
    assert!(
        err(&["chek"]).contains("did you mean `readylint check`?"),
        "{}",
        err(&["chek"])
    );
    assert!(err(&["rulse"]).contains("did you mean `readylint rules`?"));
    assert!(!err(&["no-such-dir"]).contains("did you mean"));
    assert!(err(&["--select", "DRK001"]).contains("did you mean `DKR001` (root-user)?"));
    assert!(err(&["--ignore", "root-usr"]).contains("did you mean `root-user`?"));
    assert!(err(&["--select", "containr"]).contains("did you mean `container`?"));
    assert!(err(&["explain", "DKR0001"]).contains("did you mean `DKR001`"));
    assert!(!err(&["explain", "zzzz"]).contains("did you mean"));
    write(repo.path(), "readylint.toml", "ignore = [\"DKR0001\"]\n");
    let e = err(&[]);
    assert!(
        e.contains("readylint.toml") && e.contains("did you mean `DKR001` (root-user)?"),
        "{e}"
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = readylint().args(["completions", shell]).output().unwrap();
        assert_eq!(exit_code(&out), 0, "{shell}");
        let script = stdout_of(&out);
        for word in ["readylint", "explain", "min-severity", "completions"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
        if shell == "bash"
            && let Ok(mut bash) = std::process::Command::new("bash")
                .arg("-n")
                .stdin(std::process::Stdio::piped())
                .spawn()
        {
            use std::io::Write;
            bash.stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            assert!(bash.wait().unwrap().success(), "bash -n rejects the script");
        }
    }
    let out = readylint().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(exit_code(&out), 2);
}

/// A repository with a configuration at its root and one in `svc1/`, CI and a README.
fn nested_config_repo() -> tempfile::TempDir {
    let repo = temp_repo();
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    write(
        repo.path(),
        "readylint.toml",
        format!("{OPT_IN}ignore = [\"DKR005\"]\n"),
    );
    write(repo.path(), "README.md", "A service.\n".repeat(40));
    write(
        repo.path(),
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: make test\n",
    );
    write(
        repo.path(),
        "svc1/readylint.toml",
        format!("{OPT_IN}ignore = [\"DKR001\"]\n"),
    );
    write(repo.path(), "svc1/Dockerfile", SERVICE);
    write(repo.path(), "svc1/api.Dockerfile", SERVICE);
    write(repo.path(), "Dockerfile", SERVICE);
    repo
}

#[test]
fn each_file_gets_its_nearest_configuration_however_many_paths_are_given() {
    let repo = nested_config_repo();
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
        all.extend_from_slice(args);
        let out = readylint()
            .current_dir(repo.path())
            .args(&all)
            .output()
            .unwrap();
        hits(&parse_json(&out))
    };
    let one = run(&["svc1/Dockerfile"]);
    let two = run(&["svc1/Dockerfile", "svc1/api.Dockerfile"]);
    // Paths are relative to the repository root, and svc1's configuration applies.
    assert!(
        one.iter().all(|(_, p, _)| p == "svc1/Dockerfile"),
        "{one:?}"
    );
    assert_eq!(
        one,
        two.into_iter()
            .filter(|(_, p, _)| p == "svc1/Dockerfile")
            .collect()
    );
    assert!(one.iter().any(|(r, _, _)| r == "DKR005"), "{one:?}");
    assert!(!one.iter().any(|(r, _, _)| r == "DKR001"), "{one:?}");
    // The whole repository: the root's file gets the root's configuration.
    let all = run(&[]);
    assert!(
        all.iter()
            .any(|(r, p, _)| r == "DKR001" && p == "Dockerfile")
    );
    assert!(
        !all.iter()
            .any(|(r, p, _)| r == "DKR005" && p == "Dockerfile")
    );
    assert!(
        !all.iter()
            .any(|(r, p, _)| r == "DKR001" && p == "svc1/Dockerfile")
    );
}

#[test]
fn a_subdirectory_with_its_own_configuration_is_not_a_repository_of_its_own() {
    let repo = nested_config_repo();
    for args in [&["svc1"][..], &[][..]] {
        let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
        all.extend_from_slice(args);
        let out = readylint()
            .current_dir(repo.path())
            .args(&all)
            .output()
            .unwrap();
        let found = hits(&parse_json(&out));
        // The repository has CI and a README at its root.
        assert!(
            !found.iter().any(|(r, _, _)| r == "CI001" || r == "DOC001"),
            "{args:?}: {found:?}"
        );
    }
}

#[test]
fn a_configuration_extends_another() {
    let repo = service_repo();
    write(
        repo.path(),
        "base.toml",
        "ignore = [\"DKR001\"]\nfail-on = \"never\"\n",
    );
    write(
        repo.path(),
        "readylint.toml",
        "extend = \"base.toml\"\nextend-select = [\"DKR003\"]\n",
    );
    let out = readylint()
        .current_dir(repo.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    // `fail-on` and `ignore` come from the extended file, `extend-select` from this one.
    assert_eq!(exit_code(&out), 0);
    let found: Vec<String> = hits(&parse_json(&out)).into_iter().map(|h| h.0).collect();
    assert!(found.iter().any(|r| r == "DKR003"), "{found:?}");
    assert!(!found.iter().any(|r| r == "DKR001"), "{found:?}");
    // A file that does not exist, and a loop, are configuration errors naming the key.
    write(repo.path(), "readylint.toml", "extend = \"missing.toml\"\n");
    readylint()
        .current_dir(repo.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
    write(repo.path(), "readylint.toml", "extend = \"base.toml\"\n");
    write(repo.path(), "base.toml", "extend = \"readylint.toml\"\n");
    readylint()
        .current_dir(repo.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("extend"));
}

#[test]
fn show_files_and_show_settings_check_nothing() {
    let repo = nested_config_repo();
    let out = readylint()
        .current_dir(repo.path())
        .args(["check", "--show-files", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 0);
    let files = parse_json(&out);
    let svc = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "svc1/Dockerfile")
        .expect("svc1/Dockerfile listed");
    assert_eq!(svc["config"], "svc1/readylint.toml");
    assert_eq!(svc["kinds"][0], "Dockerfile");
    assert_eq!(svc["read"], true);
    let out = readylint()
        .current_dir(repo.path())
        .args(["check", "--show-settings", "svc1/Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 0);
    let text = stdout_of(&out);
    assert!(
        text.contains("configuration: svc1/readylint.toml"),
        "{text}"
    );
    assert!(text.contains("DKR005 (secret-in-image)"), "{text}");
    assert!(!text.contains("DKR001 (root-user)"), "{text}");
}

/// A lockfile is read for the versions that pin requirements files (DEP001's fix): a tree
/// without a requirements file leaves it unread.
#[test]
fn lockfiles_are_read_only_beside_requirements_files() {
    let repo = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    write(repo.path(), "uv.lock", "version = 1\n");
    write(repo.path(), "pyproject.toml", "[project]\nname = \"svc\"\n");
    let read = |repo: &tempfile::TempDir| {
        let out = readylint()
            .current_dir(repo.path())
            .args([
                "check",
                "--extend-select",
                "DEP001",
                "--show-files",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let files = parse_json(&out);
        files
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "uv.lock")
            .expect("uv.lock listed")["read"]
            .clone()
    };
    assert_eq!(read(&repo), false);
    write(repo.path(), "requirements.txt", "flask\n");
    assert_eq!(read(&repo), true);
}

// ---------------------------------------------------------------------------------------
// --stdin-filename
// ---------------------------------------------------------------------------------------

#[test]
fn stdin_is_checked_as_the_named_file_with_its_configuration() {
    let repo = temp_repo();
    std::fs::create_dir(repo.path().join(".git")).expect(".git");
    // The file on disk is clean, and `svc/` ignores NET001: what is checked is standard
    // input, as `svc/app.py`, with the configuration of `svc/`.
    write(repo.path(), "svc/app.py", "x = 1\n");
    write(
        repo.path(),
        "svc/readylint.toml",
        "extend-select = [\"EXC001\"]\nignore = [\"NET001\"]\n",
    );
    let text = "import requests\n\ntry:\n    requests.get(URL)\nexcept:\n    pass\n";
    let out = readylint()
        .current_dir(repo.path())
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "svc/app.py",
            "-",
        ])
        .write_stdin(text)
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 1, "{}", stderr_of(&out));
    let report = parse_json(&out);
    let found: Vec<(String, String, u64)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(found, [("EXC001".to_string(), "svc/app.py".to_string(), 5)]);
    // Without `-`, and for a file that does not exist: its kind is its name's.
    readylint()
        .current_dir(repo.path())
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "deploy/Dockerfile",
        ])
        .write_stdin("FROM alpine:3.20\nADD https://example.com/app.txt /app\nUSER app\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("deploy/Dockerfile:2:5: DKR002"));
    assert!(!repo.path().join("deploy").exists());
}

#[test]
fn stdin_fixes_go_to_standard_output() {
    let repo = temp_repo();
    std::fs::create_dir(repo.path().join(".git")).expect(".git");
    // `ADD` of a local file is reported (and fixed) only with the option.
    write(
        repo.path(),
        "readylint.toml",
        "[rules.DKR002]\nlocal-files = true\n",
    );
    let out = readylint()
        .current_dir(repo.path())
        .args([
            "check",
            "--fix",
            "--format",
            "concise",
            "--stdin-filename",
            "Dockerfile",
        ])
        .write_stdin("FROM alpine:3.20\nADD app.txt /app\nUSER app\n")
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 0, "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "FROM alpine:3.20\nCOPY app.txt /app\nUSER app\n"
    );
    assert!(
        !repo.path().join("Dockerfile").exists(),
        "nothing is written"
    );
    // `--diff` prints the diff of the named file.
    readylint()
        .current_dir(repo.path())
        .args(["check", "--diff", "--stdin-filename", "Dockerfile", "-"])
        .write_stdin("FROM alpine:3.20\nADD app.txt /app\nUSER app\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "-ADD app.txt /app\n+COPY app.txt /app",
        ));
}

#[test]
fn dash_without_stdin_filename_is_a_usage_error() {
    let repo = temp_repo();
    readylint()
        .current_dir(repo.path())
        .args(["check", "-"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--stdin-filename"));
    std::fs::create_dir(repo.path().join("src")).expect("src");
    readylint()
        .current_dir(repo.path())
        .args(["check", "--stdin-filename", "src"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

/// A scan of some files (what a pre-commit hook runs) does not run the repository
/// rules, so it cannot tell that a suppression of one of them is unused: no RDY002
/// there, while an unused suppression of a per-file rule is still reported.
#[test]
fn a_partial_scan_does_not_call_a_repository_rules_suppression_unused() {
    let repo = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    write(
        repo.path(),
        "requirements.txt",
        "flask>=2  # readylint: ignore[DEP001] -- pinned by the image's constraints\ngunicorn==23.0.0\n",
    );
    write(
        repo.path(),
        "app.py",
        "import requests\n\nrequests.get(\"https://x\", timeout=5)  # readylint: ignore[NET001]\n",
    );
    let rdy002 = |args: &[&str]| {
        let out = readylint()
            .current_dir(repo.path())
            .args([
                "check",
                "--select",
                "DEP001,NET001,RDY002",
                "--format",
                "concise",
            ])
            .args(args)
            .output()
            .unwrap();
        stdout_of(&out)
            .lines()
            .filter(|l| l.contains("RDY002"))
            .map(|l| l.split(':').next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        rdy002(&["."]),
        ["app.py"],
        "whole project: the DEP001 one is used"
    );
    assert_eq!(rdy002(&["requirements.txt", "app.py"]), ["app.py"]);
}

/// Where a check of the whole of `repo` with only `code` selected reports it
/// (`path:line:column`, in report order).
fn places_of(repo: &std::path::Path, code: &str) -> Vec<String> {
    let out = readylint()
        .current_dir(repo)
        .args(["check", "--select", code, "--format", "concise", "."])
        .output()
        .expect("run");
    let marker = format!(": {code}");
    stdout_of(&out)
        .lines()
        .filter_map(|l| {
            l.split_once(marker.as_str())
                .map(|(place, _)| place.to_string())
        })
        .collect()
}

/// DEP001 leaves a requirements file of ranges alone (nothing in it is pinned or
/// bounded: the ranges were chosen), except a git requirement that follows a branch;
/// `loose-files = true` checks its ranges too.
#[test]
fn a_requirements_file_of_ranges_is_checked_only_with_loose_files() {
    let repo = temp_repo();
    std::fs::create_dir(repo.path().join(".git")).expect(".git");
    write(
        repo.path(),
        "requirements.txt",
        "flask>=2\nrequests\ngit+https://github.com/acme/tool.git@main#egg=tool\n",
    );
    let lines = |repo: &std::path::Path| places_of(repo, "DEP001");
    assert_eq!(lines(repo.path()), ["requirements.txt:3:1"]);
    write(
        repo.path(),
        "readylint.toml",
        "[rules.DEP001]\nloose-files = true\n",
    );
    assert_eq!(
        lines(repo.path()),
        [
            "requirements.txt:1:1",
            "requirements.txt:2:1",
            "requirements.txt:3:1"
        ]
    );
}

/// DEP008 honours the repository's zizmor configuration (`unpinned-uses` policies that
/// accept a tag), unless other tools' triage is not respected.
#[test]
fn dep008_follows_the_zizmor_configuration_unless_told_not_to() {
    let repo = temp_repo();
    std::fs::create_dir(repo.path().join(".git")).expect(".git");
    write(
        repo.path(),
        ".github/zizmor.yml",
        "rules:\n  unpinned-uses:\n    config:\n      policies:\n        \"*\": ref-pin\n",
    );
    write(
        repo.path(),
        ".github/workflows/release.yml",
        "on: push\npermissions:\n  contents: write\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: softprops/action-gh-release@v2\n",
    );
    let lines = |repo: &std::path::Path| places_of(repo, "DEP008");
    assert_eq!(lines(repo.path()), Vec::<String>::new());
    write(
        repo.path(),
        "readylint.toml",
        "respect-foreign-suppressions = false\n",
    );
    assert_eq!(lines(repo.path()), [".github/workflows/release.yml:8:15"]);
}
