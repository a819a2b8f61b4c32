//! Declarative rule packs end to end, through the real binary: a user pack fires on a
//! repository, broken packs are exit 2 naming the file and the key, `rules test` runs
//! examples, and pack rules show in `rules`, `explain` and SARIF like built-in ones.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn readylint() -> Command {
    Command::cargo_bin("readylint").expect("binary")
}

const TEAM_PACK: &str = r#"
[[rule]]
code = "TEAM001"
name = "sleep-in-handler"
category = "timeouts"
severity = "warning"
message = "`time.sleep` blocks a worker"
help = "use a timer or a queue"
docs = """
## What it does
Flags `time.sleep` in service code.
"""
files = { kinds = ["text"], globs = ["svc/**/*.py"] }
match = { regex = 'time\.sleep\(', unless = 'noqa' }
tests.invalid = ["time.sleep(5)"]
tests.valid = ["asyncio.sleep(5)", "time.sleep(1)  # noqa"]

[[rule]]
code = "TEAM002"
name = "no-latest-in-values"
category = "dependencies"
severity = "error"
message = "image tag `latest`"
help = "pin the tag"
docs = "Images tagged latest change under you."
files = { kinds = ["toml"] }
match = { toml = "image.tag", value = '^latest$' }
tests.invalid = ["[image]\ntag = \"latest\""]
tests.valid = ["[image]\ntag = \"1.2.3\""]
"#;

fn repo_with_pack(pack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("svc/api")).expect("mkdir");
    std::fs::create_dir_all(p.join("packs")).expect("mkdir");
    std::fs::write(p.join("packs/team.toml"), pack).expect("write");
    std::fs::write(
        p.join("svc/api/handler.py"),
        "import time\n\ndef handle():\n    time.sleep(2)\n    time.sleep(1)  # noqa\n",
    )
    .expect("write");
    std::fs::write(p.join("scripts.py"), "time.sleep(3)\n").expect("write");
    std::fs::write(
        p.join("values.toml"),
        "[image]\nname = \"app\"\ntag = \"latest\"\n",
    )
    .expect("write");
    std::fs::write(p.join("readylint.toml"), "rule-dirs = [\"packs\"]\n").expect("write");
    dir
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = readylint()
        .current_dir(dir)
        .args(["check", "--format", "json", "."])
        .args(args)
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_user_pack_fires_on_a_repository() {
    let dir = repo_with_pack(TEAM_PACK);
    let v = json(dir.path(), &[]);
    let findings = v["findings"].as_array().expect("findings");
    let team: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("TEAM")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        team,
        [
            (
                "TEAM001".to_string(),
                "svc/api/handler.py".to_string(),
                4,
                5
            ),
            ("TEAM002".to_string(), "values.toml".to_string(), 3, 7),
        ],
        "the glob keeps scripts.py out, `unless` drops the noqa line"
    );
    let f = findings
        .iter()
        .find(|f| f["rule"] == "TEAM001")
        .expect("TEAM001");
    assert_eq!(f["category"], "timeouts");
    assert_eq!(f["name"], "sleep-in-handler");
}

#[test]
fn rules_flag_adds_a_pack_and_select_works_on_it() {
    let dir = repo_with_pack(TEAM_PACK);
    std::fs::remove_file(dir.path().join("readylint.toml")).expect("rm");
    let v = json(dir.path(), &["--rules", "packs", "--select", "TEAM001"]);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["TEAM001"]);
}

#[test]
fn an_opt_in_pack_rule_runs_only_when_selected() {
    let pack = TEAM_PACK.replacen(
        "severity = \"warning\"\n",
        "severity = \"warning\"\ndefault = false\n",
        1,
    );
    assert!(pack.contains("default = false"));
    let dir = repo_with_pack(&pack);
    let rules = |args: &[&str]| -> Vec<String> {
        json(dir.path(), args)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["rule"].as_str())
            .filter(|r| r.starts_with("TEAM"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(rules(&[]), ["TEAM002"], "TEAM001 is opt-in");
    assert_eq!(
        rules(&["--extend-select", "TEAM001"]),
        ["TEAM001", "TEAM002"]
    );
    assert_eq!(rules(&["--select", "all"]), ["TEAM001", "TEAM002"]);
}

#[test]
fn pack_rules_show_in_rules_explain_and_sarif() {
    let dir = repo_with_pack(TEAM_PACK);
    readylint()
        .current_dir(dir.path())
        .arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("TEAM001").and(predicate::str::contains("DKR006")));
    readylint()
        .current_dir(dir.path())
        .args(["explain", "sleep-in-handler"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Flags `time.sleep`"));
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "."])
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let team = rules
        .iter()
        .find(|r| r["id"] == "TEAM002")
        .expect("TEAM002 in the SARIF rules");
    assert_eq!(team["name"], "no-latest-in-values");
    assert_eq!(team["defaultConfiguration"]["level"], "error");
}

fn broken(pack: &str, needles: &[&str]) {
    let dir = repo_with_pack(pack);
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "."])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "a broken pack is exit 2");
    let err = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
    let err: String = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(err.contains("team.toml"), "names the file: {err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in: {err}");
    }
}

#[test]
fn broken_packs_are_exit_2_naming_file_and_key() {
    broken(
        &TEAM_PACK.replace("help = \"use a timer", "halp = \"use a timer"),
        &["halp"],
    );
    broken(
        &TEAM_PACK.replace(r"time\.sleep\(", r"time\.sleep("),
        &["TEAM001", "match", "regex"],
    );
    broken(
        &TEAM_PACK.replace("TEAM002", "TEAM001"),
        &["TEAM001", "twice"],
    );
    broken(
        &TEAM_PACK.replace("code = \"TEAM001\"", "code = \"DKR001\""),
        &["DKR001", "collides"],
    );
    broken(
        &TEAM_PACK.replace(
            "tests.invalid = [\"time.sleep(5)\"]",
            "tests.invalid = [\"sleep(5)\"]",
        ),
        &["TEAM001", "tests", "sleep(5)"],
    );
    broken(
        &TEAM_PACK.replace("kinds = [\"toml\"]", "kinds = [\"tomll\"]"),
        &["TEAM002", "files.kinds", "tomll"],
    );
    broken(
        &TEAM_PACK.replace("category = \"timeouts\"", "category = \"speed\""),
        &["TEAM001", "category", "speed"],
    );
}

#[test]
fn rules_test_reports_each_failing_example() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = TEAM_PACK
        .replace(
            "tests.invalid = [\"time.sleep(5)\"]",
            "tests.invalid = [\"sleep(5)\", \"time.sleep(5)\"]",
        )
        .replace(
            "tests.valid = [\"[image]\\ntag = \\\"1.2.3\\\"\"]",
            "tests.valid = [\"[image]\\ntag = \\\"latest\\\"\"]",
        );
    std::fs::write(dir.path().join("team.toml"), pack).expect("write");
    readylint()
        .current_dir(dir.path())
        .args(["rules", "test", "team.toml"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAIL  TEAM001")
                .and(predicate::str::contains(
                    "invalid example does not match: \"sleep(5)\"",
                ))
                .and(predicate::str::contains("FAIL  TEAM002"))
                .and(predicate::str::contains("valid example matches"))
                .and(predicate::str::contains("rules: 0 passed, 2 failed")),
        );
    // The embedded packs pass their own examples.
    readylint()
        .current_dir(dir.path())
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ok    DKR006").and(predicate::str::contains("ok    DKR009")),
        );
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed =
        std::fs::read_to_string(root.join("docs/rule-pack.schema.json")).expect("schema");
    let out = readylint().args(["rules", "schema"]).output().expect("run");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        committed,
        "docs/rule-pack.schema.json is stale: run `cargo run -- rules schema > docs/rule-pack.schema.json`"
    );
    // The embedded packs are valid against it.
    let schema: serde_json::Value = serde_json::from_str(&committed).expect("json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for entry in std::fs::read_dir(root.join("rules")).expect("rules/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let value: toml::Value = toml::from_str(&text).expect("toml");
        let instance = serde_json::to_value(&value).expect("to json");
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

const STRUCTURAL_PACK: &str = r#"
[[rule]]
code = "TEAM010"
name = "no-latest-in-values"
category = "dependencies"
severity = "warning"
message = "image tag `latest` in Helm values"
help = "pin the tag"
docs = "Helm values with latest deploy whatever was pushed last."
files = { globs = ["charts/**/values*.yaml"] }
match = { yaml = "image.tag", value = '^latest$' }
tests.invalid = ["image:\n  tag: latest\n"]
tests.valid = ["image:\n  tag: \"1.4.2\"\n"]

[[rule]]
code = "TEAM011"
name = "job-needs-owner"
category = "ci"
severity = "note"
message = "job without an `owner` label"
help = "add `owner:` to the job's env"
docs = "Every CI job names a team to page."
files = { kinds = ["github-workflow"] }
match = { yaml = "jobs.*.env", missing = "OWNER" }
tests.invalid = ["jobs:\n  test:\n    env:\n      X: 1\n"]
tests.valid = ["jobs:\n  test:\n    env:\n      OWNER: team-a\n"]

[[rule]]
code = "TEAM012"
name = "sleep-in-service"
category = "timeouts"
severity = "warning"
message = "`time.sleep` blocks a worker"
help = "use a timer or a queue"
docs = "Sleeping holds a worker for the whole delay."
files = { kinds = ["python"], globs = ["svc/**"] }
match = { python-call = "time.sleep" }
tests.invalid = ["import time\ntime.sleep(1)\n", "from time import sleep as nap\nnap(1)\n"]
tests.valid = ["import asyncio\nasyncio.sleep(1)\n", "def sleep(x): pass\nsleep(1)\n"]

[[rule]]
code = "TEAM013"
name = "popen-needs-timeout-wrapper"
category = "timeouts"
severity = "warning"
message = "`subprocess.run` without `timeout`"
help = "pass `timeout=`"
docs = "A child process can hang forever."
files = { kinds = ["python"] }
match = { python-call = "subprocess.run", missing-keyword = "timeout" }
tests.invalid = ["import subprocess\nsubprocess.run(['x'])\n"]
tests.valid = ["import subprocess\nsubprocess.run(['x'], timeout=5)\n", "import subprocess\nsubprocess.run(['x'], **opts)\n"]
"#;

#[test]
fn yaml_and_python_matchers_fire_with_exact_positions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("packs")).expect("mkdir");
    std::fs::create_dir_all(p.join("charts/api")).expect("mkdir");
    std::fs::create_dir_all(p.join(".github/workflows")).expect("mkdir");
    std::fs::create_dir_all(p.join("svc")).expect("mkdir");
    std::fs::write(p.join("packs/structural.toml"), STRUCTURAL_PACK).expect("write");
    std::fs::write(
        p.join("readylint.toml"),
        "rule-dirs = [\"packs\"]\nselect = [\"TEAM\"]\n",
    )
    .expect("write");
    std::fs::write(
        p.join("charts/api/values.yaml"),
        "replicas: 2\nimage:\n  repository: app\n  tag: latest\n",
    )
    .expect("write");
    std::fs::write(p.join("other.yaml"), "image:\n  tag: latest\n").expect("write");
    std::fs::write(
        p.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      X: 1\n    steps: []\n  lint:\n    env:\n      OWNER: a\n",
    )
    .expect("write");
    std::fs::write(
        p.join("svc/worker.py"),
        "import subprocess\nfrom time import sleep\n\ndef run():\n    sleep(3)\n    subprocess.run(['ls'], timeout=3)\n    subprocess.run(['ls'])\n",
    )
    .expect("write");
    let v = json(p, &[]);
    let got: Vec<(String, String, u64, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "TEAM011".to_string(),
                ".github/workflows/ci.yml".to_string(),
                5,
                5
            ),
            (
                "TEAM010".to_string(),
                "charts/api/values.yaml".to_string(),
                4,
                8
            ),
            ("TEAM012".to_string(), "svc/worker.py".to_string(), 5, 5),
            ("TEAM013".to_string(), "svc/worker.py".to_string(), 7, 5),
        ],
        "{v:#}"
    );
}

#[test]
fn explain_and_rules_load_the_configuration_like_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("conf/packs")).expect("mkdir");
    std::fs::create_dir_all(p.join("elsewhere")).expect("mkdir");
    std::fs::create_dir_all(p.join("repo/sub")).expect("mkdir");
    std::fs::write(p.join("conf/packs/team.toml"), TEAM_PACK).expect("write");
    std::fs::write(p.join("conf/ci.toml"), "rule-dirs = [\"packs\"]\n").expect("write");
    // `--config` names the file whose `rule-dirs` hold the pack.
    readylint()
        .current_dir(p.join("elsewhere"))
        .args(["explain", "TEAM001", "--config", "../conf/ci.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Flags `time.sleep`"));
    readylint()
        .current_dir(p.join("elsewhere"))
        .args(["rules", "--config", "../conf/ci.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TEAM002"));
    // A discovered configuration, from a subdirectory of the project.
    std::fs::create_dir_all(p.join("repo/packs")).expect("mkdir");
    std::fs::write(p.join("repo/packs/team.toml"), TEAM_PACK).expect("write");
    std::fs::write(p.join("repo/readylint.toml"), "rule-dirs = [\"packs\"]\n").expect("write");
    readylint()
        .current_dir(p.join("repo/sub"))
        .args(["explain", "no-latest-in-values"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Images tagged latest"));
    // `--no-config` leaves it out, as for `check`.
    readylint()
        .current_dir(p.join("repo"))
        .args(["explain", "TEAM001", "--no-config"])
        .assert()
        .code(2);
    readylint()
        .current_dir(p.join("repo"))
        .args(["rules", "--no-config"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TEAM001").not());
}

#[test]
fn rules_test_tests_every_pack_and_reports_each_broken_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("packs")).expect("mkdir");
    // Sorted first: a pack that does not load, and one whose example fails.
    std::fs::write(
        p.join("packs/a-broken.toml"),
        TEAM_PACK.replace(r"time\.sleep\(", r"time\.sleep("),
    )
    .expect("write");
    std::fs::write(
        p.join("packs/b-failing.toml"),
        TEAM_PACK
            .replace("TEAM001", "TEAM101")
            .replace("TEAM002", "TEAM102")
            .replace(
                "tests.invalid = [\"time.sleep(5)\"]",
                "tests.invalid = [\"sleep(5)\"]",
            ),
    )
    .expect("write");
    std::fs::write(
        p.join("packs/c-good.toml"),
        TEAM_PACK
            .replace("TEAM001", "TEAM201")
            .replace("TEAM002", "TEAM202"),
    )
    .expect("write");
    std::fs::write(p.join("d-unparsable.toml"), "[[rule]\n").expect("write");
    readylint()
        .current_dir(p)
        .args([
            "rules",
            "test",
            "packs",
            "d-unparsable.toml",
            "missing.toml",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("a-broken.toml")
                .and(predicate::str::contains("FAIL  TEAM101"))
                .and(predicate::str::contains("ok    TEAM201"))
                .and(predicate::str::contains("ok    TEAM202"))
                .and(predicate::str::contains("d-unparsable.toml"))
                .and(predicate::str::contains("missing.toml"))
                .and(predicate::str::contains("3 packs did not load")),
        );
}

#[test]
fn a_double_star_key_path_is_an_error_naming_the_file_and_key() {
    broken(
        &TEAM_PACK.replace("toml = \"image.tag\"", "toml = \"**.tag\""),
        &["TEAM002", "match", "**.tag", "`*`"],
    );
    broken(
        &TEAM_PACK.replace(
            "files = { kinds = [\"toml\"] }\nmatch = { toml = \"image.tag\", value = '^latest$' }",
            "files = { kinds = [\"yaml\"] }\nmatch = { yaml = \"spec.**.image\", value = '^latest$' }",
        ),
        &["TEAM002", "match", "spec.**.image"],
    );
}

const YAML_PACK: &str = r#"
[[rule]]
code = "TEAM020"
name = "job-without-timeout"
category = "ci"
severity = "warning"
message = "job without `timeout-minutes`"
help = "add `timeout-minutes`"
docs = "A hung job runs for six hours."
files = { kinds = ["yaml"] }
match = { yaml = "jobs.*", missing = "timeout-minutes" }
tests.invalid = ["jobs:\n  test:\n    runs-on: x\n"]
tests.valid = ["jobs:\n  test:\n    timeout-minutes: 5\n"]

[[rule]]
code = "TEAM021"
name = "no-self-hosted"
category = "ci"
severity = "warning"
message = "self-hosted runner"
help = "use a hosted runner"
docs = "Self-hosted runners are shared."
files = { kinds = ["yaml"] }
match = { regex = 'self-hosted' }
tests.invalid = ["runs-on: self-hosted"]
tests.valid = ["runs-on: ubuntu-latest"]
"#;

#[test]
fn a_yaml_kind_rule_sees_ci_workflows_and_compose_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("packs")).expect("mkdir");
    std::fs::create_dir_all(p.join(".github/workflows")).expect("mkdir");
    std::fs::write(p.join("packs/yaml.toml"), YAML_PACK).expect("write");
    std::fs::write(p.join("readylint.toml"), "rule-dirs = [\"packs\"]\n").expect("write");
    std::fs::write(
        p.join(".github/workflows/ci.yml"),
        "on: push\njobs:\n  test:\n    runs-on: self-hosted\n    steps:\n      - run: make\n",
    )
    .expect("write");
    std::fs::write(p.join("other.yaml"), "jobs:\n  a:\n    b: 1\n").expect("write");
    std::fs::write(
        p.join("compose.yaml"),
        "services:\n  app:\n    image: app:1\n# self-hosted\n",
    )
    .expect("write");
    for select in ["TEAM", "TEAM020,TEAM021,CI"] {
        let v = json(p, &["--select", select]);
        let got: Vec<(String, String, u64)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("TEAM")))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["path"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "TEAM020".to_string(),
                    ".github/workflows/ci.yml".to_string(),
                    3
                ),
                (
                    "TEAM021".to_string(),
                    ".github/workflows/ci.yml".to_string(),
                    4
                ),
                ("TEAM021".to_string(), "compose.yaml".to_string(), 4),
                ("TEAM020".to_string(), "other.yaml".to_string(), 2),
            ],
            "--select {select}: {v:#}"
        );
    }
}
