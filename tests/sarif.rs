//! SARIF output: valid against the official SARIF 2.1.0 schema and the variant GitHub
//! CodeQL uses (both in `tests/data/`), and shaped the way GitHub code scanning needs it:
//! rule indexes that point at the right rule, repository-relative URIs under
//! `%SRCROOT%`, partial fingerprints, and full rule metadata.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    // The CodeQL variant moved the `anyOf` of `region` (startLine, charOffset or
    // byteOffset required) inside its `properties`, where an array is not a schema and a
    // draft 2020-12 validator refuses to compile it. Put it back where the official
    // schema has it: that keeps the constraint, and is the stricter reading.
    let region = &mut schema["definitions"]["region"];
    if let Some(any_of) = region["properties"]
        .as_object_mut()
        .and_then(|p| p.remove("anyOf"))
    {
        region["anyOf"] = any_of;
    }
    schema
}

const SCHEMAS: [&str; 2] = ["sarif-schema-2.1.0.json", "sarif-schema-2.1.0-codeql.json"];

/// Schema violations of `instance`, as readable strings.
fn violations(schema_name: &str, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema(schema_name))
        .unwrap_or_else(|e| panic!("{schema_name} does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn assert_valid(instance: &Value) {
    for name in SCHEMAS {
        let errors = violations(name, instance);
        assert!(
            errors.is_empty(),
            "SARIF does not validate against {name}:\n{}",
            errors.join("\n")
        );
    }
}

/// `readylint --format sarif` in `dir`: exit code and the parsed log.
fn sarif_run(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = readylint()
        .current_dir(dir)
        .args(["--format", "sarif"])
        .args(with_note_rule(args))
        .output()
        .expect("run readylint");
    (exit_code(&out), parse_json(&out))
}

/// The bad fixture plus a file that cannot be read as text, so that the log has
/// results of every severity and a tool execution notification.
fn repo_with_findings() -> tempfile::TempDir {
    let repo = copy_fixture("bad-dockerfile");
    write(
        repo.path(),
        "deploy/Dockerfile.latin1",
        b"FROM alpine:3.20\nLABEL maintainer=\"Ren\xe9\"\n",
    );
    write(
        repo.path(),
        "deploy/with space & percent%.Dockerfile",
        "FROM alpine:3.20\nCMD [\"/srv/app\"]\n",
    );
    repo
}

fn run0(log: &Value) -> &Value {
    &log["runs"][0]
}

fn results(log: &Value) -> &Vec<Value> {
    run0(log)["results"].as_array().expect("results array")
}

fn driver_rules(log: &Value) -> &Vec<Value> {
    run0(log)["tool"]["driver"]["rules"]
        .as_array()
        .expect("tool.driver.rules array")
}

#[test]
fn sarif_validates_against_both_schemas() {
    let repo = repo_with_findings();
    let (code, log) = sarif_run(repo.path(), &[]);
    assert_eq!(code, 1);
    assert!(results(&log).len() >= bad_dockerfile_expected().len());
    assert_valid(&log);
}

#[test]
fn sarif_without_results_validates_too() {
    let repo = copy_fixture("clean");
    let (code, log) = sarif_run(repo.path(), &[]);
    assert_eq!(code, 0);
    assert!(results(&log).is_empty(), "{log:#}");
    assert_valid(&log);
}

/// A way to break a SARIF log.
type Mutation = (&'static str, fn(&mut Value));

/// The validator is not vacuous: broken logs are rejected by both schemas.
#[test]
fn schema_validation_rejects_broken_logs() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, log) = sarif_run(repo.path(), &[]);
    let mutations: [Mutation; 7] = [
        ("wrong version", |v| v["version"] = "2.0.0".into()),
        ("no runs", |v| {
            v.as_object_mut().unwrap().remove("runs");
        }),
        ("bad level", |v| {
            v["runs"][0]["results"][0]["level"] = "fatal".into();
        }),
        ("line 0", |v| {
            let location = &mut v["runs"][0]["results"][0]["locations"][0];
            location["physicalLocation"]["region"]["startLine"] = 0.into();
        }),
        ("message without text", |v| {
            v["runs"][0]["results"][0]["message"] = serde_json::json!({});
        }),
        ("a numeric fingerprint", |v| {
            v["runs"][0]["results"][0]["partialFingerprints"] =
                serde_json::json!({"readylint/v1": 1});
        }),
        ("a $schema that is not a URI", |v| {
            v["$schema"] = "not a uri".into();
        }),
    ];
    for (what, mutate) in mutations {
        let mut broken = log.clone();
        mutate(&mut broken);
        assert_ne!(broken, log, "{what}: the mutation changed nothing");
        for name in SCHEMAS {
            assert!(
                !violations(name, &broken).is_empty(),
                "{name} accepted a log with {what}"
            );
        }
    }
}

#[test]
fn rule_index_points_at_the_rule() {
    let repo = repo_with_findings();
    let (_, log) = sarif_run(repo.path(), &[]);
    let rules = driver_rules(&log);
    assert!(!results(&log).is_empty());
    for r in results(&log) {
        let id = r["ruleId"].as_str().expect("ruleId");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert!(index < rules.len(), "{r:#}");
        assert_eq!(rules[index]["id"], id, "ruleIndex {index} of {id}");
    }
    // Rule ids are unique, so the index is unambiguous.
    let ids: std::collections::BTreeSet<&str> =
        rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len());
}

#[test]
fn locations_are_relative_to_srcroot() {
    let repo = repo_with_findings();
    let (_, log) = sarif_run(repo.path(), &[]);
    let mut uris = Vec::new();
    for r in results(&log) {
        let locations = r["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "{r:#}");
        let physical = &locations[0]["physicalLocation"];
        let artifact = &physical["artifactLocation"];
        let uri = artifact["uri"].as_str().expect("uri");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{r:#}");
        assert!(!uri.starts_with('/'), "{uri}");
        assert!(!uri.starts_with("./"), "{uri}");
        assert!(!uri.contains('\\'), "{uri}");
        assert!(!uri.contains("://"), "{uri}");
        assert!(!uri.contains(' '), "spaces are percent-encoded: {uri}");
        let region = &physical["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        uris.push(uri.to_string());
    }
    assert!(uris.contains(&"Dockerfile".to_string()), "{uris:?}");
    assert!(
        uris.contains(&"services/worker/Dockerfile".to_string()),
        "{uris:?}"
    );
    assert!(
        uris.iter()
            .any(|u| u == "deploy/with%20space%20%26%20percent%25.Dockerfile"),
        "{uris:?}"
    );
}

#[test]
fn results_match_the_json_findings() {
    let repo = repo_with_findings();
    let (_, log) = sarif_run(repo.path(), &[]);
    let (_, report) = json_run(repo.path(), &[]);
    let fs = findings(&report);
    let rs = results(&log);
    assert_eq!(rs.len(), fs.len());
    for (r, f) in rs.iter().zip(fs) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(r["level"], f["severity"], "levels are error/warning/note");
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(region["startColumn"], f["column"]);
        // A full region; an empty span (a parse error's position) covers one character.
        assert_eq!(region["endLine"], f["end_line"]);
        let empty = f["end_line"] == f["line"] && f["end_column"] == f["column"];
        let end_column = f["end_column"].as_u64().unwrap() + u64::from(empty);
        assert_eq!(region["endColumn"], end_column);
        let message = r["message"]["text"].as_str().unwrap();
        assert!(
            message.contains(f["message"].as_str().unwrap()),
            "{message}"
        );
        // partialFingerprints
        let fps = r["partialFingerprints"]
            .as_object()
            .expect("partialFingerprints");
        assert!(!fps.is_empty(), "{r:#}");
        assert!(
            fps.values()
                .all(|v| v.as_str().is_some_and(|s| !s.is_empty())),
            "{r:#}"
        );
        assert!(
            fps.values().any(|v| *v == f["fingerprint"]),
            "the JSON fingerprint is one of them: {r:#}"
        );
    }
    // Files that could not be read become notifications of the run.
    let notes = run0(&log)["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(
        notes.iter().any(
            |n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "deploy/Dockerfile.latin1"
        ),
        "{notes:#?}"
    );
}

/// Whether `text` is one sentence: a single line that ends with a full stop and has no
/// other sentence end in it (". " before a capital letter).
fn one_sentence(text: &str) -> bool {
    let bytes: Vec<char> = text.chars().collect();
    let inner_end = bytes
        .windows(3)
        .any(|w| w[0] == '.' && w[1] == ' ' && w[2].is_uppercase());
    !text.contains('\n') && text.ends_with('.') && !inner_end
}

#[test]
fn short_descriptions_are_one_sentence_and_the_rest_is_in_the_full_one() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, log) = sarif_run(repo.path(), &[]);
    for rule in driver_rules(&log) {
        let id = rule["id"].as_str().expect("id");
        let short = rule["shortDescription"]["text"].as_str().expect("short");
        let full = rule["fullDescription"]["text"].as_str().expect("full");
        assert!(one_sentence(short), "{id}: {short:?}");
        assert!(
            short.len() <= 300,
            "{id}: {} characters: {short}",
            short.len()
        );
        assert!(
            full.starts_with(short.trim_end_matches('.')),
            "{id}: the full description goes on from the short one: {full:?}"
        );
        assert!(full.len() > short.len(), "{id}: {full:?}");
    }
    // The rule the issue named: a paragraph with a list is cut before the list.
    let cfg = driver_rules(&log)
        .iter()
        .find(|r| r["id"] == "CFG001")
        .expect("CFG001");
    assert_eq!(
        cfg["shortDescription"]["text"],
        "Flags debug mode switched on in code that is deployed."
    );
    assert!(
        cfg["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Flask"))
    );
}

#[test]
fn every_rule_has_full_metadata() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, log) = sarif_run(repo.path(), &[]);
    let driver = &run0(&log)["tool"]["driver"];
    assert_eq!(driver["name"], "readylint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver_rules(&log);
    let catalogue: BTreeMap<String, Value> = {
        let out = readylint()
            .args(["rules", "--format", "json"])
            .output()
            .unwrap();
        parse_json(&out)["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["code"].as_str().unwrap().to_string(), r.clone()))
            .collect()
    };
    assert_eq!(rules.len(), catalogue.len(), "every rule of the catalogue");
    let non_empty = |v: &Value| v.as_str().is_some_and(|s| !s.trim().is_empty());
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        let meta = &catalogue[id];
        assert_eq!(rule["name"], meta["name"], "{id}");
        assert!(non_empty(&rule["shortDescription"]["text"]), "{id}");
        assert!(non_empty(&rule["fullDescription"]["text"]), "{id}");
        assert!(non_empty(&rule["help"]["text"]), "{id}");
        assert!(non_empty(&rule["help"]["markdown"]), "{id}");
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Fix"),
            "{id}: the help is the rule's docs"
        );
        let props = &rule["properties"];
        let tags = props["tags"].as_array().expect("tags");
        assert!(
            tags.iter().any(|t| *t == meta["category"]),
            "{id}: {tags:?}"
        );
        assert!(non_empty(&props["problem.severity"]), "{id}");
        assert_eq!(
            rule["defaultConfiguration"]["level"], meta["severity"],
            "{id}"
        );
        if let Some(score) = props.get("security-severity") {
            let s: f64 = score
                .as_str()
                .expect("security-severity is a string")
                .parse()
                .expect("a number");
            assert!((0.0..=10.0).contains(&s), "{id}: {s}");
            assert!(tags.iter().any(|t| t == "security"), "{id}");
        }
    }
    // The container rules that are about security carry a score.
    let dkr005 = rules.iter().find(|r| r["id"] == "DKR005").unwrap();
    assert!(dkr005["properties"].get("security-severity").is_some());
}

#[test]
fn suppressed_findings_are_left_out_of_sarif() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "# readylint: ignore[DKR001] -- drops privileges in its entrypoint\n\
         FROM alpine:3.20\n\
         CMD [\"/srv/app-server\"]\n",
    );
    let (_, log) = sarif_run(repo.path(), &[]);
    let ids: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["DKR003"]);
    assert!(
        results(&log)
            .iter()
            .all(|r| r.get("suppressions").is_none())
    );
    assert_valid(&log);
}

#[test]
fn every_rule_has_a_help_uri() {
    let repo = copy_fixture("bad-dockerfile");
    let (_, log) = sarif_run(repo.path(), &[]);
    for rule in driver_rules(&log) {
        assert!(rule["helpUri"].as_str().is_some(), "{}", rule["id"]);
    }
}

#[test]
fn a_fixable_finding_carries_a_sarif_fix() {
    let repo = repo_with_findings();
    // `ADD` of a local file is reported (and fixed) only with DKR002's option.
    write(
        repo.path(),
        "readylint.toml",
        "[rules.DKR002]\nlocal-files = true\n",
    );
    write(
        repo.path(),
        "deploy/app.Dockerfile",
        "FROM alpine:3.20\nADD app.txt /app/\nUSER app\n",
    );
    let (_, log) = sarif_run(repo.path(), &[]);
    assert_valid(&log);
    let add = results(&log)
        .iter()
        .find(|r| r["ruleId"] == "DKR002" && r.get("fixes").is_some())
        .expect("the local `ADD` has a fix");
    let change = &add["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "deploy/app.Dockerfile");
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 4},
            "insertedContent": {"text": "COPY"},
        })
    );
}
