//! Hostile input: empty, binary, non-UTF-8, unreadable, oversized and malformed
//! Dockerfiles, a symlink loop, a link out of the repository and a FIFO, next to one
//! real Dockerfile. The run must finish quickly without a panic, say what it could not
//! check, and still report every finding of the real file (SPEC §5, §8).

#![cfg(unix)]

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// Deterministic pseudo-random bytes (xorshift64*), with a NUL every 97 bytes.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        let b = (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        out.push(if i % 97 == 13 { 0 } else { b });
    }
    out
}

/// The files that cannot be checked normally, by repository-relative path.
const HOSTILE: [&str; 9] = [
    "Dockerfile",
    "Dockerfile.random",
    "Dockerfile.latin1",
    "Dockerfile.loop",
    "Dockerfile.fifo",
    "Dockerfile.malformed",
    "Dockerfile.huge",
    "Dockerfile.outside",
    "Dockerfile.dangling",
];

/// A file of mode 000: unreadable, unless the tests run as root.
const NOREAD: &str = "Dockerfile.noread";

/// Builds the hostile tree. The returned guard keeps the directory outside the tree
/// (the target of `Dockerfile.outside`) alive.
fn hostile_tree() -> (tempfile::TempDir, tempfile::TempDir) {
    let repo = temp_repo();
    let root = repo.path();

    // One real, bad Dockerfile.
    let real = std::fs::read(fixture("bad-dockerfile").join("Dockerfile")).unwrap();
    write(root, "app/Dockerfile", real);

    write(root, "Dockerfile", "");
    write(
        root,
        "Dockerfile.random",
        noise(64 * 1024, 0x5eed_1234_abcd_ef01),
    );
    write(root, "Dockerfile.latin1", b"FROM alpine\nLABEL x=\xe9\n");
    symlink("loop.partner", root.join("Dockerfile.loop")).unwrap();
    symlink("Dockerfile.loop", root.join("loop.partner")).unwrap();
    symlink("does-not-exist", root.join("Dockerfile.dangling")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("Dockerfile.fifo"))
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
    write(root, NOREAD, "FROM alpine:3.20\nCMD [\"/srv/app\"]\n");
    std::fs::set_permissions(root.join(NOREAD), std::fs::Permissions::from_mode(0o000)).unwrap();
    write(
        root,
        "Dockerfile.malformed",
        "# syntax=docker/dockerfile:1\n\
         FROM alpine:3.20 AS base\n\
         FROBNICATE --all the things\n\
         ENV GITHUB_TOKEN=ghp_0123456789abcdefghij\n\
         RUN [\"unterminated\n\
         COPY --chown=\n\
         \\\n\
         FROM base\n\
         USER root\n\
         RUN <<EOF\n\
         echo this here-document never ends\n\
         ENTRYPOINT app\n",
    );
    // Over the 10 MiB limit (sparse, so it costs nothing to create).
    let huge = std::fs::File::create(root.join("Dockerfile.huge")).unwrap();
    huge.set_len(11 * 1024 * 1024).unwrap();
    drop(huge);
    // A link to a file outside the repository.
    let outside = temp_repo();
    write(outside.path(), "Dockerfile", "FROM alpine:3.20\n");
    symlink(
        outside.path().join("Dockerfile"),
        root.join("Dockerfile.outside"),
    )
    .unwrap();
    (repo, outside)
}

fn run(dir: &Path, args: &[&str]) -> (i32, Value, String, Duration) {
    let start = Instant::now();
    let out = readylint()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(with_note_rule(args))
        .output()
        .expect("run readylint");
    let elapsed = start.elapsed();
    let code = exit_code(&out);
    (
        code,
        parse_json(&out),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
    )
}

fn error_paths(report: &Value) -> BTreeSet<String> {
    report["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn hostile_files_do_not_stop_the_run() {
    let (repo, _outside) = hostile_tree();
    let (code, report, stderr, elapsed) = run(repo.path(), &[]);

    assert_eq!(code, 1, "findings, not a crash:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");

    // Every finding of the real file is there.
    let app: BTreeSet<(String, u64)> = hits(&report)
        .into_iter()
        .filter(|(_, p, _)| p == "app/Dockerfile")
        .map(|(r, _, l)| (r, l))
        .collect();
    let expected: BTreeSet<(String, u64)> = bad_dockerfile_expected()
        .into_iter()
        .filter(|(_, p, _)| p == "Dockerfile")
        .map(|(r, _, l)| (r, l))
        .collect();
    assert!(
        app.is_superset(&expected),
        "missing {:?}",
        expected.difference(&app).collect::<Vec<_>>()
    );

    // Every hostile file is accounted for: in `errors` and as an RDY001/RDY003 finding.
    let errors = error_paths(&report);
    for path in HOSTILE {
        let codes = rules_in(&report, path);
        assert!(
            errors.contains(path),
            "{path} is not in `errors`: {errors:?}"
        );
        assert!(
            codes.contains("RDY001") || codes.contains("RDY003"),
            "{path} has no RDY001/RDY003 finding: {codes:?}"
        );
    }
    for e in report["errors"].as_array().unwrap() {
        let message = e["message"].as_str().unwrap();
        assert!(!message.is_empty());
        assert!(
            !message.contains("internal error"),
            "{}: {message}",
            e["path"]
        );
    }
    // The partner of the loop is not a Dockerfile by name: not reported, not fatal.
    assert!(rules_in(&report, "loop.partner").is_empty());

    // What kind of trouble each one is.
    let rdy = |path: &str| rules_in(&report, path);
    assert!(rdy("Dockerfile").contains("RDY001"), "empty: a parse error");
    for path in [
        "Dockerfile.random",
        "Dockerfile.latin1",
        "Dockerfile.loop",
        "Dockerfile.fifo",
        "Dockerfile.huge",
        "Dockerfile.outside",
        "Dockerfile.dangling",
    ] {
        assert!(rdy(path).contains("RDY003"), "{path}: {:?}", rdy(path));
    }
    // The help says what to do about that kind of trouble.
    let help = |path: &str| -> String {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path && f["rule"] == "RDY003")
            .and_then(|f| f["help"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    for (path, says) in [
        ("Dockerfile.latin1", "save it as UTF-8 text"),
        ("Dockerfile.random", "save it as UTF-8 text"),
        (
            "Dockerfile.dangling",
            "point the link at a file inside the repository",
        ),
        (
            "Dockerfile.outside",
            "point the link at a file inside the repository",
        ),
        ("Dockerfile.huge", "exclude it with `exclude`"),
        ("Dockerfile.fifo", "exclude it with `exclude`"),
    ] {
        assert!(help(path).starts_with(says), "{path}: {}", help(path));
    }

    // The malformed file is parsed around its errors: the secret after the unknown
    // instruction and the `USER root` of the final stage are still found.
    let malformed = hits(&report);
    assert!(malformed.contains(&hit("RDY001", "Dockerfile.malformed", 3)));
    assert!(malformed.contains(&hit("DKR005", "Dockerfile.malformed", 4)));
    assert!(malformed.contains(&hit("DKR001", "Dockerfile.malformed", 9)));

    // The unreadable file: reported as skipped, or (as root, who can read it) checked.
    let noread = rules_in(&report, NOREAD);
    if errors.contains(NOREAD) {
        assert!(noread.contains("RDY003"), "{noread:?}");
    } else {
        assert!(noread.contains("DKR001"), "{noread:?}");
    }

    // Files that could be read are counted as scanned; the others are not.
    let scanned = report["summary"]["files_scanned"].as_u64().unwrap();
    let readable_extra = u64::from(!errors.contains(NOREAD));
    assert_eq!(
        scanned,
        3 + readable_extra,
        "app/Dockerfile, Dockerfile and Dockerfile.malformed (+ noread as root)"
    );

    // No finding points at a line that does not exist.
    for f in findings(&report) {
        assert!(f["line"].as_u64().unwrap() >= 1, "{f:#}");
        assert!(f["column"].as_u64().unwrap() >= 1, "{f:#}");
    }
}

#[test]
fn hostile_files_render_in_every_format_deterministically() {
    let (repo, _outside) = hostile_tree();
    for format in ["text", "concise", "json", "sarif", "github"] {
        let go = |threads: &str| {
            let out = readylint()
                .current_dir(repo.path())
                .args(["--format", format, "--color", "never", "--threads", threads])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert_eq!(exit_code(&out), 1, "{format}: {stderr}");
            assert!(!stderr.contains("panicked"), "{format}: {stderr}");
            out.stdout
        };
        let one = go("1");
        let four = go("4");
        assert!(!one.is_empty(), "{format}");
        assert!(one == four, "{format}: output depends on the thread count");
    }
}

#[test]
fn hostile_files_given_explicitly() {
    let (repo, _outside) = hostile_tree();
    let mut args: Vec<&str> = HOSTILE.to_vec();
    args.push(NOREAD);
    args.push("app/Dockerfile");
    let (code, report, stderr, _) = run(repo.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(rules_in(&report, "app/Dockerfile").contains("DKR005"));
    assert!(rules_in(&report, "Dockerfile.random").contains("RDY003"));
    assert!(rules_in(&report, "Dockerfile.malformed").contains("RDY001"));
}

#[test]
fn skipped_files_can_be_excluded_and_rdy_rules_ignored() {
    let (repo, _outside) = hostile_tree();
    let (_, report, _, _) = run(repo.path(), &["--ignore", "RDY003"]);
    assert!(!rules(&report).contains("RDY003"));
    // The errors are still listed: the report says what was not checked.
    assert!(error_paths(&report).contains("Dockerfile.random"));

    let (_, report, _, _) = run(repo.path(), &["--exclude", "Dockerfile.*"]);
    let paths: BTreeSet<String> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, set(&["Dockerfile", "app/Dockerfile"]));
}

/// A file that makes a rule or the parser panic is reported, and the run goes on.
/// (Today a byte-order mark followed by an indented line does; see the next test.)
#[test]
fn a_file_that_cannot_be_checked_does_not_lose_other_findings() {
    let repo = temp_repo();
    let real = std::fs::read(fixture("bad-dockerfile").join("Dockerfile")).unwrap();
    write(repo.path(), "app/Dockerfile", real);
    write(repo.path(), "Dockerfile.bom", "\u{feff} FROBNICATE\n");
    let (code, report, _, _) = run(repo.path(), &[]);
    assert_eq!(code, 1);
    assert!(rules_in(&report, "app/Dockerfile").contains("DKR005"));
    assert!(rules_in(&report, "Dockerfile.bom").contains("RDY001"));
}

#[test]

fn bom_then_indented_unknown_instruction_is_a_parse_error() {
    let repo = temp_repo();
    write(
        repo.path(),
        "Dockerfile",
        "\u{feff} FROBNICATE\nFROM alpine:3.20\n",
    );
    let (_, report, stderr, _) = run(repo.path(), &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let f = findings(&report)
        .iter()
        .find(|f| f["rule"] == "RDY001")
        .expect("RDY001");
    assert!(
        !f["message"].as_str().unwrap().contains("internal error"),
        "{f:#}"
    );
}

#[test]

fn broken_symlinks_named_on_the_command_line_are_reported() {
    let (repo, _outside) = hostile_tree();
    for path in ["Dockerfile.loop", "Dockerfile.dangling"] {
        let (code, report, stderr, _) = run(repo.path(), &[path]);
        let codes = rules_in(&report, path);
        assert!(
            code == 2 || codes.contains("RDY003") || error_paths(&report).contains(path),
            "{path}: nothing says it was not checked ({code}): {report:#}\n{stderr}"
        );
    }
}

/// Bounded time and memory on adversarial input: a timeout in `readylint()` turns a
/// hang into a failure.
#[test]
fn adversarial_inputs_are_bounded() {
    let repo = temp_repo();
    let root = repo.path();
    // 100,000-deep nesting in JSON and TOML manifests and a YAML file.
    let n = 100_000;
    write(
        root,
        "web/package.json",
        format!("{{\"a\": {}1{}}}", "[".repeat(n), "]".repeat(n)).as_bytes(),
    );
    write(
        root,
        "svc/pyproject.toml",
        format!(
            "[project]\nname = \"x\"\ndependencies = {}1{}\n",
            "[".repeat(n),
            "]".repeat(n)
        )
        .as_bytes(),
    );
    write(
        root,
        ".github/workflows/deep.yml",
        format!("on: push\njobs: {}1{}\n", "[".repeat(n), "]".repeat(n)).as_bytes(),
    );
    // A YAML alias bomb ("billion laughs").
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, c) in ('b'..='j').enumerate() {
        let prev = (b'a' + i as u8) as char;
        bomb.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    write(
        root,
        ".github/workflows/bomb.yml",
        format!("on: push\n{bomb}").as_bytes(),
    );
    // A 50 MB single-line file (over the size limit) and a 9 MB one (under it).
    write(
        root,
        "big.py",
        format!("x = '{}'\n", "a".repeat(50 * 1024 * 1024)).as_bytes(),
    );
    write(
        root,
        "wide.py",
        format!("x = [{}]\n", "1,".repeat(4 * 1024 * 1024)).as_bytes(),
    );
    // A symlink farm: links to links, and a link to the parent.
    std::fs::create_dir_all(root.join("farm")).unwrap();
    for i in 0..200 {
        symlink(format!("l{}", i + 1), root.join(format!("farm/l{i}"))).unwrap();
    }
    symlink("..", root.join("farm/up")).unwrap();
    let (code, report, stderr, elapsed) = run(root, &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert_eq!(code, 1, "{stderr}");
    let rdy = |rule: &str, path: &str| hits(&report).iter().any(|(r, p, _)| r == rule && p == path);
    assert!(rdy("RDY001", "web/package.json"));
    assert!(rdy("RDY001", "svc/pyproject.toml"));
    assert!(rdy("RDY001", ".github/workflows/deep.yml"));
    assert!(rdy("RDY003", "big.py"));
}

#[test]
fn a_tree_of_200000_empty_files_is_scanned() {
    let repo = temp_repo();
    let root = repo.path();
    for d in 0..200 {
        let dir = root.join(format!("d{d}"));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..1000 {
            std::fs::File::create(dir.join(format!("f{i}.py"))).unwrap();
        }
    }
    let (code, report, stderr, elapsed) = run(root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["summary"]["files_scanned"], 200_000);
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}

/// A directory that cannot be walked fails the gate in every format. Tests run as root
/// here, which reads any mode; a path longer than `PATH_MAX` cannot be opened by
/// anyone, so the tree nests directories (made with relative paths) past 4,096 bytes.
#[test]
fn a_directory_that_cannot_be_read_fails_the_gate_in_every_format() {
    let repo = temp_repo();
    let root = repo.path();
    write(
        root,
        "app/Dockerfile",
        "FROM alpine:3.20\nUSER app\nCMD [\"/app\"]\n",
    );
    let name = "d".repeat(250);
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for i in $(seq 1 20); do mkdir {name} 2>/dev/null && cd {name} 2>/dev/null || break; done; true"
        ))
        .current_dir(root)
        .status()
        .expect("sh");
    assert!(status.success());
    let (code, report, _, _) = run(root, &[]);
    assert_eq!(code, 1, "the gate fails on a path it could not read");
    let rdy: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "RDY003")
        .collect();
    assert_eq!(rdy.len(), 1, "{report:#}");
    assert_eq!(rdy[0]["severity"], "warning");
    for format in ["text", "concise", "github"] {
        let out = readylint()
            .current_dir(root)
            .args(["--format", format, "--color", "never"])
            .output()
            .unwrap();
        assert_eq!(exit_code(&out), 1, "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("RDY003"), "{format}: {text}");
        if format != "github" {
            assert!(text.contains("1 path not checked"), "{format}: {text}");
        }
    }
}
