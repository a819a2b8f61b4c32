//! Fixes: `check --fix`, `--unsafe-fixes` and `--diff`. Each file of
//! `fixtures/fixes/<CODE>/` is fixed with that rule selected (unsafe fixes included),
//! its before and after are pinned as a snapshot, and the fixed text must check clean
//! for that rule. The command line tests pin what is written, and what is not.

mod common;

use std::path::{Path, PathBuf};

use common::{exit_code, parse_json, readylint, write};
use readylint::RunOptions;
use readylint::config::CliOverrides;
use readylint::engine::fixes;

fn options(root: &Path, code: &str) -> RunOptions {
    // A rule whose fixes need an option (DKR002's `local-files`) keeps it in
    // `fixtures/fixes/<CODE>/readylint.toml`; the others run without configuration.
    let config = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fixes")
        .join(code)
        .join(CONFIG);
    let config = config.is_file().then_some(config);
    RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        overrides: CliOverrides {
            no_config: config.is_none(),
            config,
            select: Some(vec![code.into()]),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    }
}

/// A fixture rule's configuration, not a fixture.
const CONFIG: &str = "readylint.toml";

/// `fixtures/fixes/<CODE>/<path>`: the rule, and the fixture files under it.
fn fixtures() -> Vec<(String, PathBuf, String)> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fixes");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&base).expect("fixtures/fixes").flatten() {
        let code = rule.file_name().to_string_lossy().to_string();
        let mut stack = vec![rule.path()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if dir == rule.path() && e.file_name() == CONFIG {
                    continue;
                } else {
                    let rel = p
                        .strip_prefix(rule.path())
                        .expect("under the rule")
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push((code.clone(), p, rel));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn each_fixture_is_fixed_as_pinned_and_then_checks_clean() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty());
    for (code, path, rel) in fixtures {
        let dir = tempfile::TempDir::new().expect("temp dir");
        std::fs::create_dir(dir.path().join(".git")).expect(".git");
        let before = std::fs::read_to_string(&path).expect("fixture");
        write(dir.path(), &rel, &before);
        let opts = options(dir.path(), &code);
        let safe_changes = !fixes::fix(&opts, false)
            .expect("the fix run succeeds")
            .changed
            .is_empty();
        let run = fixes::fix(&opts, true).expect("the fix run succeeds");
        assert!(
            run.unparsable.is_empty(),
            "{code} {rel}: {:?}",
            run.unparsable
        );
        let after = run
            .changed
            .iter()
            .find(|c| *c.path == rel)
            .map_or_else(|| before.clone(), |c| c.after.clone());
        assert_ne!(before, after, "{code} {rel}: nothing was fixed");
        // The fixed text, on disk, has no finding of the rule left that had a fix.
        run.write().expect("write");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&rel)).unwrap(),
            after
        );
        let again = readylint::run(&opts).expect("the check runs");
        let left: Vec<String> = again
            .findings
            .iter()
            .filter(|f| f.rule == code)
            .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
            .collect();
        let fixable_left: Vec<&readylint::finding::Finding> = again
            .findings
            .iter()
            .filter(|f| f.rule == code && f.fix.is_some())
            .collect();
        assert!(fixable_left.is_empty(), "{code} {rel}: {left:?}");
        assert!(
            !again.findings.iter().any(|f| f.rule == "RDY001"),
            "{code} {rel}: the fixed file does not parse"
        );
        let snap = format!("{code}__{rel}").replace(['/', '.'], "_");
        insta::assert_snapshot!(
            snap,
            format!(
                "--fix (safe fixes only) changes it: {safe_changes}\n{}\n--- remaining {code} findings: {left:?}\n",
                fixes::unified_diff(&rel, &before, &after)
            )
        );
    }
}

/// A repository with one Dockerfile that DKR002 can fix, and one finding it cannot.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12-slim\nADD --chown=a:b x.txt /y\nADD https://example.com/a /b\nUSER app\n",
    );
    // `ADD` of a local file is reported (and fixed) only with the option.
    write(
        dir.path(),
        "readylint.toml",
        "[rules.DKR002]\nlocal-files = true\n",
    );
    dir
}

const DOCKERFILE_FIXED: &str =
    "FROM python:3.12-slim\nCOPY --chown=a:b x.txt /y\nADD https://example.com/a /b\nUSER app\n";

#[test]
fn diff_prints_the_change_and_writes_nothing() {
    let dir = repo();
    let before = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--select", "DKR002", "--diff", "--no-cache"])
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-ADD --chown=a:b x.txt /y\n+COPY --chown=a:b x.txt /y\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("https://example.com/a /b\n+"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("would fix 1 finding in 1 file"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        before
    );
    // Nothing to fix: no diff, exit 0.
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--select", "DKR001", "--diff"])
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 0);
    assert!(out.stdout.is_empty());
}

#[test]
fn fix_writes_the_safe_fixes_and_reports_what_remains() {
    let dir = repo();
    let path = dir.path().join("Dockerfile");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--select", "DKR002", "--fix", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 1, "the URL finding remains");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), DOCKERFILE_FIXED);
    let json = parse_json(&out);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["line"], 3);
    assert!(findings[0].get("fix").is_none());
    assert_eq!(json["summary"]["fixed"], 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding in 1 file; 1 remaining")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n != ".git" && n != ".readylint_cache" && n != "readylint.toml")
        .collect();
    assert_eq!(names, ["Dockerfile"]);
}

#[test]
fn the_json_finding_carries_its_fix() {
    let dir = repo();
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--select", "DKR002", "--format", "json"])
        .output()
        .expect("run");
    let json = parse_json(&out);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(
        findings[0]["fix"],
        serde_json::json!({"safety": "safe", "edits": [{
            "start": {"line": 2, "column": 1},
            "end": {"line": 2, "column": 4},
            "content": "COPY",
        }]})
    );
    assert!(findings[1].get("fix").is_none(), "a URL is not fixed");
    assert!(
        json["summary"].get("fixed").is_none(),
        "nothing is fixed without --fix"
    );
}

#[test]
fn the_cache_does_not_return_findings_of_the_text_before_the_fix() {
    let dir = repo();
    let check = || {
        let out = readylint()
            .current_dir(dir.path())
            .args(["check", "--select", "DKR002", "--format", "json"])
            .env_remove("READYLINT_NO_CACHE")
            .output()
            .expect("run");
        parse_json(&out)["findings"].as_array().unwrap().len()
    };
    assert_eq!(check(), 2);
    assert!(
        dir.path().join(".readylint_cache").is_dir(),
        "the cache is used"
    );
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--select", "DKR002", "--fix"])
        .env_remove("READYLINT_NO_CACHE")
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 1);
    assert_eq!(check(), 1);
}

#[test]
fn unsafe_fixes_need_fix_or_diff() {
    let dir = repo();
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--unsafe-fixes"])
        .output()
        .expect("run");
    assert_eq!(exit_code(&out), 2);
}

#[test]
fn rules_and_explain_say_which_rules_fix() {
    let out = readylint()
        .args(["explain", "DKR002"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fix: safe: `readylint check --fix` applies it"),
        "{text}"
    );
    let out = readylint()
        .args(["rules", "--format", "json"])
        .output()
        .expect("run");
    let json = parse_json(&out);
    let rules = json["rules"].as_array().unwrap();
    let fix_of = |code: &str| {
        rules
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| r["fix"].clone())
    };
    assert_eq!(fix_of("DKR002"), Some("safe".into()));
    assert_eq!(fix_of("DKR001"), Some("none".into()));
}

#[test]
fn a_fix_that_breaks_the_parse_is_dropped() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let text = "try:\n    run()\nexcept:\n    log()\n";
    write(dir.path(), "app.py", text);
    write(dir.path(), "other.py", text);
    let opts = options(dir.path(), "EXC001");
    // `except (:` does not parse; the other file gets the real fix.
    let run = fixes::fix_with(&opts, true, &|f| {
        let mut fix = f.fix.as_ref()?.to_fix();
        if &*f.path == "app.py" {
            fix.edits[0].content = " (".into();
        }
        Some(fix)
    })
    .expect("the fix run succeeds");
    assert_eq!(run.unparsable, ["app.py"]);
    let changed: Vec<&str> = run.changed.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(changed, ["other.py"]);
    assert_eq!(run.fixed(), 1);
    // What remains is the finding of the file left as it was, not a parse error.
    let left: Vec<(&str, &str)> = run
        .report
        .findings
        .iter()
        .map(|f| (&*f.path, f.rule))
        .collect();
    assert_eq!(left, [("app.py", "EXC001")]);
}

#[test]
fn an_overlapping_fix_waits_for_the_next_pass() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let text = "try:\n    a()\nexcept:\n    b()\ntry:\n    c()\nexcept:\n    d()\n";
    write(dir.path(), "app.py", text);
    let opts = options(dir.path(), "EXC001");
    // The second handler's fix also touches the first one's insertion point, so the
    // first pass applies only the first fix, and the second pass the other.
    let first_except_end = text.find("except").unwrap() + "except".len();
    let run = fixes::fix_with(&opts, true, &|f| {
        let mut fx = f.fix.as_ref()?.to_fix();
        if f.line == 7 {
            fx.edits
                .push(readylint::fix::Edit::insert(first_except_end, ""));
        }
        Some(fx)
    })
    .expect("the fix run succeeds");
    assert_eq!(run.fixed(), 2);
    assert_eq!(
        run.changed[0].after,
        text.replace("except:", "except Exception:")
    );
    assert!(run.report.findings.is_empty());
    // One pass only fixes the first handler: the pass after it is what fixes the other.
    let first_pass = readylint::fix::apply(
        text,
        &[
            &readylint::fix::Fix::unsafe_(vec![readylint::fix::Edit::insert(
                first_except_end,
                " Exception",
            )]),
            &readylint::fix::Fix::unsafe_(vec![
                readylint::fix::Edit::insert(first_except_end, ""),
                readylint::fix::Edit::insert(text.rfind("except").unwrap() + 6, " Exception"),
            ]),
        ],
    );
    assert_eq!(first_pass.1, 1);
}

#[cfg(unix)]
#[test]
fn a_link_named_on_the_command_line_stays_a_link_to_the_fixed_file() {
    let dir = repo();
    std::os::unix::fs::symlink("Dockerfile", dir.path().join("app.Dockerfile")).unwrap();
    let out = readylint()
        .current_dir(dir.path())
        .args(["check", "--select", "DKR002", "--fix", "app.Dockerfile"])
        .output()
        .expect("run");
    assert_eq!(
        exit_code(&out),
        1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = dir.path().join("app.Dockerfile");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        DOCKERFILE_FIXED
    );
}

/// CI006 adds read-only permissions only when no job looks like it writes.
#[test]
fn read_only_permissions_are_not_offered_to_a_workflow_that_writes() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let job = |steps: &str| {
        format!("on: push\njobs:\n  job:\n    runs-on: ubuntu-latest\n    steps:\n{steps}")
    };
    let cases = [
        (
            "gh.yml",
            job(
                "      - uses: actions/checkout@v4\n      - run: make dist\n      - run: gh release create v1 dist/*\n",
            ),
            false,
        ),
        (
            "push.yml",
            job("      - run: ./bump-version && git push origin HEAD\n"),
            false,
        ),
        (
            "token.yml",
            job(
                "      - run: ./publish\n        env:\n          TOKEN: ${{ secrets.GITHUB_TOKEN }}\n",
            ),
            false,
        ),
        (
            "docs.yml",
            job("      - uses: actions/checkout@v4\n      - run: mkdocs gh-deploy --force\n"),
            false,
        ),
        (
            "action.yml",
            job("      - uses: softprops/action-gh-release@v2\n"),
            false,
        ),
        (
            "read.yml",
            job("      - uses: actions/checkout@v4\n      - run: make test\n"),
            true,
        ),
    ];
    for (name, text, _) in &cases {
        write(dir.path(), &format!(".github/workflows/{name}"), text);
    }
    let report = readylint::run(&options(dir.path(), "CI006")).expect("the check runs");
    for (name, _, fixable) in cases {
        let finding = report
            .findings
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name}: no CI006 finding"));
        assert_eq!(finding.fix.is_some(), fixable, "{name}");
    }
}

/// DEP001 pins a requirements line to the version the lockfile above it pins, when that
/// version satisfies the line.
#[test]
fn requirements_are_pinned_from_the_lockfile() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    write(
        dir.path(),
        "uv.lock",
        "version = 1\n[[package]]\nname = \"flask\"\nversion = \"3.0.3\"\n\n[[package]]\nname = \"Django\"\nversion = \"5.1.2\"\n\n[[package]]\nname = \"gunicorn\"\nversion = \"23.0.0\"\n",
    );
    let before = "flask[async]>=2 ; python_version >= \"3.8\"\ndjango>=6\ngunicorn\nredis>=5\ncelery==5.4.0\n";
    write(dir.path(), "deploy/requirements.txt", before);
    let opts = options(dir.path(), "DEP001");
    let run = fixes::fix(&opts, false).expect("the fix run succeeds");
    let after = &run.changed.first().expect("a fix").after;
    assert_eq!(
        after,
        "flask[async]==3.0.3 ; python_version >= \"3.8\"\ndjango>=6\ngunicorn==23.0.0\nredis>=5\ncelery==5.4.0\n",
        "django's lock does not satisfy `>=6`; redis is not locked"
    );
    let left: Vec<String> = run
        .report
        .findings
        .iter()
        .map(|f| format!("{}:{}", f.path, f.line))
        .collect();
    assert_eq!(
        left,
        ["deploy/requirements.txt:2", "deploy/requirements.txt:4"]
    );
    // A broken lockfile is a finding of its own (RDY001), not a silent loss of pins.
    write(dir.path(), "uv.lock", "[[package]]\nname = \n");
    let mut opts = opts;
    opts.overrides.select = Some(vec!["DEP001".into(), "RDY001".into()]);
    let report = readylint::run(&opts).expect("the check runs");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "RDY001" && &*f.path == "uv.lock"),
        "{:?}",
        report.findings
    );
}
