//! The GitHub gate and adoption on legacy code, through the binary: baselines, `--since`
//! on a temporary git repository, the `github`, `junit` and `gitlab` formats, and the
//! SARIF details GitHub relies on (line hashes, help URIs, limits).

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn readylint() -> Command {
    Command::cargo_bin("readylint").expect("binary")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "readylint.toml", "select = [\"DKR\"]\n");
    dir
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = readylint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn rules(v: &Value) -> Vec<(String, u64)> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const LEGACY: &str = "FROM alpine:3.20\nRUN sudo apk add curl\nRUN sudo apk add git\nUSER app\n";

#[test]
fn baseline_round_trip() {
    let dir = repo();
    let p = dir.path();
    write(p, "Dockerfile", LEGACY);
    // Writing the baseline: the gate passes, and the findings are counted as baselined.
    let (code, v) = json(p, &["--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert!(rules(&v).is_empty());
    assert_eq!(v["summary"]["baselined"], 2);
    assert_eq!(v["summary"]["suppressed"], 2);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("baseline.json")).expect("read"))
            .expect("baseline is JSON");
    assert_eq!(written["version"], 2);
    assert_eq!(written["findings"].as_array().map(Vec::len), Some(2));
    // No source text: a flagged line may hold a secret.
    assert!(written["findings"][0].get("text").is_none());
    assert_eq!(
        written["findings"][0]["line_hash"].as_str().map(str::len),
        Some(64)
    );

    // Unchanged code gives nothing.
    let (code, v) = json(p, &["--baseline", "baseline.json"]);
    assert_eq!((code, rules(&v)), (0, vec![]));

    // An unrelated edit above moves the lines; still nothing.
    write(p, "Dockerfile", &format!("# a comment\n\n{LEGACY}"));
    let (code, v) = json(p, &["--baseline", "baseline.json"]);
    assert_eq!((code, rules(&v)), (0, vec![]));

    // A new problem is reported, even one of a rule the baseline has.
    write(
        p,
        "Dockerfile",
        &format!("# a comment\n\n{LEGACY}RUN sudo apk add vim\n"),
    );
    let (code, v) = json(p, &["--baseline", "baseline.json"]);
    assert_eq!((code, rules(&v)), (1, vec![("DKR006".to_string(), 7)]));

    // Fixing one and rewriting drops its entry; the fixed line may come back as new.
    write(
        p,
        "Dockerfile",
        "FROM alpine:3.20\nRUN sudo apk add curl\nUSER app\n",
    );
    let (code, _) = json(p, &["--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    let rewritten: Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("baseline.json")).expect("read"))
            .expect("JSON");
    let entries = rewritten["findings"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["rule"], "DKR006");
    write(p, "Dockerfile", LEGACY);
    let (_, v) = json(p, &["--baseline", "baseline.json"]);
    assert_eq!(rules(&v), vec![("DKR006".to_string(), 3)]);
}

#[test]
fn a_baseline_never_holds_a_secret_and_old_baselines_still_work() {
    let dir = repo();
    let p = dir.path();
    write(
        p,
        "Dockerfile",
        "FROM alpine:3.20\nENV API_TOKEN=tok_7Hq2LmZ9xYp4Rs8V\nUSER app\nCMD [\"/app\"]\n",
    );
    let (code, _) = json(p, &["--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(p.join("baseline.json")).expect("read");
    assert!(!text.contains("tok_7Hq2LmZ9xYp4Rs8V"), "{text}");
    // A version-1 baseline (with the line's text) is still read.
    write(
        p,
        "baseline-v1.json",
        "{\"version\": 1, \"findings\": [{\"rule\": \"DKR005\", \"path\": \"Dockerfile\", \"text\": \"ENV  API_TOKEN=tok_7Hq2LmZ9xYp4Rs8V\", \"count\": 1}]}\n",
    );
    let (code, v) = json(p, &["--baseline", "baseline-v1.json"]);
    assert_eq!((code, rules(&v)), (0, vec![]));
}

#[test]
fn writing_a_baseline_for_some_rules_or_paths_keeps_the_rest() {
    let dir = repo();
    let p = dir.path();
    write(p, "Dockerfile", LEGACY);
    write(
        p,
        "svc/Dockerfile",
        "FROM alpine:3.20\nADD https://example.com/app.py /app.py\nUSER app\n",
    );
    let (code, _) = json(p, &["--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    let count = |p: &std::path::Path| {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(p.join("baseline.json")).expect("read"))
                .expect("JSON");
        v["findings"].as_array().map(Vec::len).unwrap_or(0)
    };
    let all = count(p);
    assert!(all >= 3, "{all}");
    // Only the sudo rule: the other rules' entries stay.
    let (code, _) = json(
        p,
        &["--select", "DKR006", "--write-baseline", "baseline.json"],
    );
    assert_eq!(code, 0);
    assert_eq!(count(p), all);
    // Only a subdirectory: the root Dockerfile's entries stay.
    let (code, _) = json(p, &["svc", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(count(p), all);
    let (code, v) = json(p, &["--baseline", "baseline.json"]);
    assert_eq!((code, rules(&v)), (0, vec![]));
}

#[test]
fn a_broken_baseline_is_exit_2() {
    let dir = repo();
    write(dir.path(), "Dockerfile", LEGACY);
    write(
        dir.path(),
        "baseline.json",
        "{\"version\": 1, \"findings\": [{\"rule\": 1}]}",
    );
    readylint()
        .current_dir(dir.path())
        .args(["check", "--baseline", "baseline.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("baseline.json"));
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Process::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn since_reports_only_changed_lines() {
    let dir = repo();
    let p = dir.path();
    git(p, &["init", "-q"]);
    write(p, "Dockerfile", LEGACY);
    write(p, "old/Dockerfile", LEGACY);
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "legacy"]);
    // One changed line in a tracked file, and a new untracked file.
    write(
        p,
        "Dockerfile",
        &LEGACY.replace("apk add git", "apk add git jq"),
    );
    write(
        p,
        "new/Dockerfile",
        "FROM alpine:3.20\nRUN sudo true\nUSER app\n",
    );
    let (code, v) = json(p, &["--since", "HEAD"]);
    assert_eq!(code, 1);
    let found: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Dockerfile".to_string(), "DKR006".to_string(), 3),
            ("new/Dockerfile".to_string(), "DKR006".to_string(), 2),
        ]
    );
    assert_eq!(v["summary"]["unchanged"], 3);
    // A revision that does not exist, and a directory that is no repository: exit 2.
    readylint()
        .current_dir(p)
        .args(["check", "--since", "no-such-ref"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-ref"));
    let plain = repo();
    write(plain.path(), "Dockerfile", LEGACY);
    readylint()
        .current_dir(plain.path())
        .args(["check", "--since", "HEAD"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("git repository"));
}

#[test]
fn junit_is_well_formed_with_a_case_per_rule_and_file() {
    let dir = repo();
    write(dir.path(), "Dockerfile", LEGACY);
    write(
        dir.path(),
        "b/Dockerfile",
        "FROM alpine:3.20\nRUN sudo true\nUSER root\nCMD [\"x\"]\n",
    );
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--format", "junit"])
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let cases: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            (
                n.attribute("classname").unwrap_or_default().to_string(),
                n.attribute("name").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("readylint.DKR001".to_string(), "b/Dockerfile".to_string()),
            ("readylint.DKR006".to_string(), "Dockerfile".to_string()),
            ("readylint.DKR006".to_string(), "b/Dockerfile".to_string()),
        ]
    );
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 3);
    // A clean run still has one passing case.
    let clean = repo();
    write(clean.path(), "Dockerfile", "FROM alpine:3.20\nUSER app\n");
    let out = readylint()
        .current_dir(clean.path())
        .args(["check", "--format", "junit"])
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let doc = roxmltree::Document::parse(&text).expect("XML");
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        1
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

/// The failing cases of a JUnit report, and the cases that pass with findings in their
/// `<system-out>`, as (classname, name) pairs; and the `failures` count of the root.
fn junit_cases(text: &str) -> (Vec<String>, Vec<String>, String) {
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    let mut failing = Vec::new();
    let mut passing = Vec::new();
    for case in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        let id = format!(
            "{} {}",
            case.attribute("classname").unwrap_or_default(),
            case.attribute("name").unwrap_or_default()
        );
        if case.children().any(|c| c.has_tag_name("failure")) {
            failing.push(id);
        } else if case.children().any(|c| c.has_tag_name("system-out")) {
            passing.push(id);
        }
    }
    let total = doc
        .root_element()
        .attribute("failures")
        .unwrap_or_default()
        .to_string();
    (failing, passing, total)
}

#[test]
fn junit_fails_only_the_findings_at_or_above_fail_on() {
    let dir = repo();
    write(dir.path(), "Dockerfile", LEGACY);
    // A service image without HEALTHCHECK: DKR003, a note.
    write(
        dir.path(),
        "svc/Dockerfile",
        "FROM alpine:3.20\nUSER app\nEXPOSE 8080\nCMD [\"/srv/app\"]\n",
    );
    let run = |args: &[&str]| {
        let out = readylint()
            .current_dir(dir.path())
            .args(["check", "--format", "junit"])
            .args(args)
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8(out.stdout).expect("utf-8"),
        )
    };
    let (code, text) = run(&[]);
    assert_eq!(code, Some(1));
    let (failing, passing, total) = junit_cases(&text);
    assert_eq!(failing, ["readylint.DKR006 Dockerfile"], "{text}");
    assert_eq!(passing, ["readylint.DKR003 svc/Dockerfile"], "{text}");
    assert_eq!(total, "1");
    assert!(text.contains("<property name=\"severity\" value=\"note\"/>"));
    // Exit code 0: no failure at all, the findings still listed.
    let (code, text) = run(&["--fail-on", "error"]);
    assert_eq!(code, Some(0));
    let (failing, passing, total) = junit_cases(&text);
    assert!(failing.is_empty(), "{text}");
    assert_eq!(passing.len(), 2);
    assert_eq!(total, "0");
    let (code, text) = run(&["--fail-on", "note"]);
    assert_eq!(code, Some(1));
    assert_eq!(junit_cases(&text).0.len(), 2);
}

#[test]
fn gitlab_code_quality_fields() {
    let dir = repo();
    write(dir.path(), "Dockerfile", LEGACY);
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--format", "gitlab"])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let issues = v.as_array().expect("an array");
    assert_eq!(issues.len(), 2);
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {i}");
        }
        assert_eq!(i["location"]["path"], "Dockerfile");
        assert!(i["location"]["lines"]["begin"].as_u64().is_some());
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap_or(""))
        );
    }
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);
}

#[test]
fn gitlab_categories_follow_the_rule_category_and_security_flag() {
    let dir = repo();
    let p = dir.path();
    write(
        p,
        "readylint.toml",
        "select = [\"LOG004\", \"DKR003\", \"DKR006\", \"EXC001\", \"DEP005\", \"DOC001\"]\n",
    );
    write(
        p,
        "Dockerfile",
        "FROM alpine\nRUN sudo true\nUSER app\nEXPOSE 8080\nCMD [\"/srv/app\"]\n",
    );
    write(
        p,
        "app.py",
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef login(user, password):\n    log.info(\"login %s %s\", user, password)\n    try:\n        pass\n    except:\n        pass\n",
    );
    let out = readylint()
        .current_dir(p)
        .args(["check", "--format", "gitlab", "."])
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let got: std::collections::BTreeMap<String, String> = v
        .as_array()
        .expect("an array")
        .iter()
        .map(|i| {
            (
                i["check_name"]
                    .as_str()
                    .unwrap_or_default()
                    .split(' ')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                i["categories"][0].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let want: std::collections::BTreeMap<String, String> = [
        ("DEP005", "Compatibility"),
        ("DKR003", "Bug Risk"),
        ("DKR006", "Security"),
        ("DOC001", "Clarity"),
        ("EXC001", "Bug Risk"),
        ("LOG004", "Security"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want, "{v:#}");
}

#[test]
fn github_format_writes_a_step_summary() {
    let dir = repo();
    write(dir.path(), "Dockerfile", LEGACY);
    let summary = dir.path().join("summary.md");
    let out = readylint()
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github"])
        .output()
        .expect("run");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("::warning file=Dockerfile,line="))
            .count(),
        2
    );
    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(md.contains("### readylint"));
    assert!(
        md.contains("| `DKR006` sudo-in-run | warning | 2 |"),
        "{md}"
    );
    assert!(md.contains("`Dockerfile:2:5`"), "{md}");
}

#[test]
fn sarif_carries_line_hashes_help_uris_and_respects_the_result_limit() {
    let dir = repo();
    let mut text = String::from("FROM alpine:3.20\nUSER app\n");
    for i in 0..25_010 {
        text.push_str(&format!("RUN sudo touch /f{i}\n"));
    }
    write(dir.path(), "Dockerfile", &text);
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("25010 findings") && stderr.contains("25000"),
        "{stderr}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let run = &v["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notes");
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("25000"))
    }));
    let first = &results[0];
    let hash = first["partialFingerprints"]["primaryLocationLineHash"]
        .as_str()
        .expect("line hash");
    assert!(hash.contains(':'));
    // Identical lines get distinct hashes through the occurrence counter.
    assert_ne!(
        results[0]["partialFingerprints"]["primaryLocationLineHash"],
        results[1]["partialFingerprints"]["primaryLocationLineHash"]
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    for k in ["startLine", "startColumn", "endLine", "endColumn"] {
        assert!(region[k].as_u64().is_some(), "{k}");
    }
    assert_eq!(run["automationDetails"]["id"], "readylint/");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in rules {
        let uri = r["helpUri"].as_str().expect("helpUri");
        let id = r["id"].as_str().expect("id");
        assert!(uri.ends_with(&format!("docs/rules/{id}.md")), "{uri}");
        let page = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/rules/{id}.md"));
        assert!(page.is_file(), "{} is missing", page.display());
    }
}

#[test]
fn files_passed_by_a_hook_keep_the_configured_excludes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    write(
        p,
        "readylint.toml",
        "select = [\"DKR\"]\nexclude = [\"vendor/**\"]\n",
    );
    write(p, "vendor/lib/Dockerfile", LEGACY);
    write(p, "svc/Dockerfile", LEGACY);
    let (_, v) = json(p, &["vendor/lib/Dockerfile", "svc/Dockerfile"]);
    let paths: std::collections::BTreeSet<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect();
    assert_eq!(paths.into_iter().collect::<Vec<_>>(), ["svc/Dockerfile"]);
}

#[test]
fn repository_rules_run_only_on_a_whole_project_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    // No README, no CI: a whole scan says so; a scan of one file does not.
    write(
        p,
        "pyproject.toml",
        "[project]\nname = \"svc\"\nversion = \"1.0.0\"\n",
    );
    write(
        p,
        "app.py",
        "import requests\n\ndef f():\n    return requests.get('https://x')\n",
    );
    let (_, whole) = json(p, &["--no-config"]);
    let whole_rules: Vec<String> = rules(&whole).into_iter().map(|(r, _)| r).collect();
    assert!(whole_rules.iter().any(|r| r == "CI001"), "{whole_rules:?}");
    assert!(whole_rules.iter().any(|r| r == "DOC001"), "{whole_rules:?}");
    let (_, partial) = json(p, &["--no-config", "app.py"]);
    let partial_rules: Vec<String> = rules(&partial).into_iter().map(|(r, _)| r).collect();
    assert_eq!(partial_rules, ["NET001"], "{partial:#}");
}
