//! Runs readylint over `fixtures/rules/` and compares what it finds with the inline
//! annotations there: `# expect: CODE[, CODE]` above a line that must be flagged by each
//! code, `# ok: CODE` above a line that must not be (either may end in ` -- reason`). In each file, the codes named in
//! any annotation are checked strictly: a finding of one of them on a line with no
//! `expect` is a failure too.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use readylint::config::CliOverrides;
use readylint::{RunOptions, run};

#[derive(Debug, Default)]
struct Annotations {
    /// line → codes that must be reported on it
    expect: BTreeMap<u32, BTreeSet<String>>,
    /// line → codes that must not be reported on it
    ok: BTreeMap<u32, BTreeSet<String>>,
    /// every code the file talks about
    codes: BTreeSet<String>,
}

fn annotation(line: &str) -> Option<(&'static str, Vec<String>)> {
    let t = line.trim_start();
    let body = t
        .strip_prefix('#')
        .or_else(|| t.strip_prefix("//"))?
        .trim_start();
    for kind in ["expect:", "ok:"] {
        if let Some(rest) = body.strip_prefix(kind) {
            // `# ok: CODE -- why` : the reason is for the reader.
            let rest = rest.split(" -- ").next().unwrap_or(rest);
            let codes = rest
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            return Some((if kind == "ok:" { "ok" } else { "expect" }, codes));
        }
    }
    None
}

fn read_annotations(text: &str) -> Annotations {
    let lines: Vec<&str> = text.lines().collect();
    let mut a = Annotations::default();
    for (i, line) in lines.iter().enumerate() {
        let Some((kind, codes)) = annotation(line) else {
            continue;
        };
        // The annotated line: the next one that is not itself an annotation or blank.
        let target = (i + 1..lines.len())
            .find(|&j| annotation(lines[j]).is_none() && !lines[j].trim().is_empty())
            .map(|j| j + 1)
            .unwrap_or(i + 2);
        let map = if kind == "ok" {
            &mut a.ok
        } else {
            &mut a.expect
        };
        map.entry(u32::try_from(target).expect("a fixture line fits u32"))
            .or_default()
            .extend(codes.iter().cloned());
        a.codes.extend(codes);
    }
    a
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// What comparing one scan root with its annotations found.
#[derive(Default)]
struct Outcome {
    failures: Vec<String>,
    checked: usize,
    rules_with_expect: BTreeSet<String>,
    rules_with_ok: BTreeSet<String>,
}

/// `fixtures/rules/` is one scan, but for the repositories inside it (folders holding
/// `.github/workflows`, whose workflows count only at their root); each of those, and
/// each directory under `fixtures/repos/`, is a whole repository of its own (for
/// repository-level rules) and is scanned as its own root.
#[test]
fn fixtures_match_their_annotations() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let rules = base.join("rules");
    let mut roots = vec![rules.clone()];
    roots.extend(
        common::nested_repositories(&rules)
            .iter()
            .map(|r| rules.join(r)),
    );
    if let Ok(entries) = std::fs::read_dir(base.join("repos")) {
        let mut repos: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        repos.sort();
        roots.extend(repos);
    }
    let mut total = Outcome::default();
    for root in &roots {
        let o = check_root(root);
        let name = root
            .strip_prefix(&base)
            .unwrap_or(root)
            .display()
            .to_string();
        total
            .failures
            .extend(o.failures.into_iter().map(|f| format!("{name}/{f}")));
        total.checked += o.checked;
        total.rules_with_expect.extend(o.rules_with_expect);
        total.rules_with_ok.extend(o.rules_with_ok);
    }
    let Outcome {
        mut failures,
        checked,
        rules_with_expect,
        rules_with_ok,
    } = total;
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} fixture mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 50, "only {checked} annotations checked");

    // Every rule with a check has fixtures on both sides.
    for meta in readylint::registry::metas() {
        if meta.code == "RDY002" || meta.code == "RDY003" {
            continue; // covered by the CLI tests, which need special files
        }
        if meta.code == "DEP003" {
            continue; // package.json has no comments: tests/deps.rs runs its fixture repos
        }
        assert!(
            rules_with_expect.contains(meta.code),
            "{} has no `expect` fixture",
            meta.code
        );
        if meta.code != "RDY001" {
            assert!(
                rules_with_ok.contains(meta.code),
                "{} has no `ok` fixture",
                meta.code
            );
        }
    }
}

/// `fixtures/remote-owner/*`: repositories whose `origin` remote names their owner.
/// Git cannot track a `.git/config`, so each keeps it as `git-config`, copied into
/// place in a temporary directory; the annotations are checked there. Without the
/// remote, the owner is unknown and its actions are third party like any other.
#[test]
fn fixtures_with_an_origin_remote() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/remote-owner");
    let mut checked = 0;
    for entry in std::fs::read_dir(&base)
        .expect("fixtures/remote-owner")
        .flatten()
    {
        let src = entry.path();
        if !src.is_dir() {
            continue;
        }
        let dir = tempfile::TempDir::new().expect("temp dir");
        let root = dir.path().join("repo");
        copy_dir(&src, &root);
        let config = root.join("git-config");
        std::fs::create_dir(root.join(".git")).expect(".git");
        std::fs::rename(&config, root.join(".git/config")).expect("git config");
        let o = check_root(&root);
        assert!(
            o.failures.is_empty(),
            "{}:\n{}",
            src.display(),
            o.failures.join("\n")
        );
        checked += o.checked;

        // Without the remote, the `ok` lines of the owner's actions are reported.
        std::fs::remove_file(root.join(".git/config")).expect("remove config");
        let o = check_root(&root);
        assert!(
            o.failures
                .iter()
                .any(|f| f.contains("DEP008 reported on an `ok` line")),
            "{}: the owner's actions pass without knowing the owner",
            src.display()
        );
    }
    assert!(checked > 0, "no fixture under fixtures/remote-owner");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn check_root(root: &Path) -> Outcome {
    // The repositories inside this tree are checked as roots of their own.
    let nested = common::nested_repositories(root);
    let report = run(&RunOptions {
        paths: vec![root.to_path_buf()],
        // Each fixture tree is a repository of its own.
        root: Some(root.to_path_buf()),
        // Every rule, opt-in ones included: each has fixtures.
        overrides: CliOverrides {
            no_config: true,
            select: Some(vec!["all".into()]),
            exclude: nested.clone(),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("the fixture run succeeds");

    let mut found: BTreeMap<(String, u32), BTreeSet<String>> = BTreeMap::new();
    for f in &report.findings {
        found
            .entry((f.path.to_string(), f.line))
            .or_default()
            .insert(f.rule.to_string());
    }

    let mut all = Vec::new();
    files(root, &mut all);
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut rules_with_expect = BTreeSet::new();
    let mut rules_with_ok = BTreeSet::new();
    for path in all {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        if nested.iter().any(|n| rel.starts_with(&format!("{n}/"))) {
            continue;
        }
        let ann = read_annotations(&text);
        if ann.codes.is_empty() {
            continue;
        }
        for (line, codes) in &ann.expect {
            for code in codes {
                checked += 1;
                rules_with_expect.insert(code.clone());
                let hit = found
                    .get(&(rel.clone(), *line))
                    .is_some_and(|s| s.contains(code));
                if !hit {
                    failures.push(format!("{rel}:{line}: expected {code}, not reported"));
                }
            }
        }
        for (line, codes) in &ann.ok {
            for code in codes {
                checked += 1;
                rules_with_ok.insert(code.clone());
                if found
                    .get(&(rel.clone(), *line))
                    .is_some_and(|s| s.contains(code))
                {
                    failures.push(format!("{rel}:{line}: {code} reported on an `ok` line"));
                }
            }
        }
        // Strictness: no finding of an annotated code on an unannotated line.
        for ((p, line), codes) in &found {
            if p != &rel {
                continue;
            }
            for code in codes.intersection(&ann.codes) {
                let expected = ann.expect.get(line).is_some_and(|s| s.contains(code));
                if !expected {
                    let f = report
                        .findings
                        .iter()
                        .find(|f| *f.path == **p && f.line == *line && f.rule == code)
                        .map(|f| f.message.clone())
                        .unwrap_or_default();
                    failures.push(format!("{rel}:{line}: unexpected {code}: {f}"));
                }
            }
        }
    }
    Outcome {
        failures,
        checked,
        rules_with_expect,
        rules_with_ok,
    }
}

#[test]
fn annotations_are_read() {
    let a = read_annotations("# expect: A1, B2\n\nX\n# ok: A1\n# expect: C3\nY\n");
    assert_eq!(a.expect[&3], BTreeSet::from(["A1".into(), "B2".into()]));
    assert_eq!(a.ok[&6], BTreeSet::from(["A1".into()]));
    assert_eq!(a.expect[&6], BTreeSet::from(["C3".into()]));
}
