//! Snapshots of what every fixture tree renders: each finding's position and span end,
//! rule, severity, message and help. The strict annotations in `fixtures.rs` pin *which*
//! lines are flagged; these pin *what is said* there, so a wrong column, a shifted span
//! end or a garbled message fails a test. Update with `INSTA_UPDATE=always cargo test
//! --test snapshots` (or `cargo insta review`) and read the diff before committing.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use readylint::config::CliOverrides;
use readylint::{RunOptions, run};

fn render(root: &Path) -> BTreeMap<String, String> {
    // The repositories inside the tree are scanned as roots of their own; their
    // findings' paths are written from the tree's root.
    let nested = common::nested_repositories(root);
    let scan = |dir: &Path, exclude: Vec<String>| {
        run(&RunOptions {
            paths: vec![dir.to_path_buf()],
            root: Some(dir.to_path_buf()),
            // Every rule, opt-in ones included: each has fixtures.
            overrides: CliOverrides {
                no_config: true,
                select: Some(vec!["all".into()]),
                exclude,
                ..CliOverrides::default()
            },
            ..RunOptions::default()
        })
        .expect("the fixture run succeeds")
        .findings
    };
    let mut findings = scan(root, nested.clone());
    for n in &nested {
        findings.extend(scan(&root.join(n), Vec::new()).into_iter().map(|mut f| {
            f.path = format!("{n}/{}", f.path).into();
            f
        }));
    }
    findings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    // One snapshot per top-level folder of the tree (per rule group), so diffs stay small.
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for f in &findings {
        let mut parts = f.path.split('/');
        let group = match (parts.next(), parts.next()) {
            (Some(a), Some(b)) if !b.contains('.') => format!("{a}-{b}"),
            (Some(a), _) if !a.contains('.') => a.to_string(),
            _ => "root".to_string(),
        };
        let text = out.entry(group).or_default();
        text.push_str(&format!(
            "{}:{}:{}-{}:{} {} [{}] {}\n    help: {}\n",
            f.path,
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            f.rule,
            f.severity,
            f.message,
            f.help
        ));
    }
    out
}

fn snapshot_tree(name: &str, root: PathBuf) {
    let rendered = render(&root);
    assert!(!rendered.is_empty(), "{name}: no findings at all");
    for (group, text) in rendered {
        let snap = format!("{name}__{group}").replace(['/', '.'], "_");
        insta::assert_snapshot!(snap, text);
    }
}

#[test]
fn rule_fixtures_render_as_pinned() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    snapshot_tree("rules", base.join("rules"));
}

#[test]
fn repository_fixtures_render_as_pinned() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("fixtures/repos")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    for repo in repos {
        let name = repo.file_name().unwrap().to_string_lossy().to_string();
        let rendered = render(&repo);
        for (group, text) in rendered {
            let snap = format!("repo_{name}__{group}").replace(['/', '.'], "_");
            insta::assert_snapshot!(snap, text);
        }
    }
}

/// The readiness score as each format renders it: the text summary, the JSON report's
/// `summary` and the SARIF run's `properties`, for a repository with findings and one
/// without, with the default rules.
#[test]
fn readiness_score_renders_as_pinned() {
    use readylint::output::{Format, Style, render as render_as};
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    for name in ["bad-dockerfile", "clean"] {
        let root = base.join(name);
        let report = run(&RunOptions {
            paths: vec![root.clone()],
            root: Some(root),
            overrides: CliOverrides {
                no_config: true,
                ..CliOverrides::default()
            },
            ..RunOptions::default()
        })
        .expect("the fixture run succeeds");
        let text = render_as(&report, Format::Text, Style::default());
        let summary = text
            .find("Top risks:")
            .or_else(|| text.find("Readiness"))
            .map_or(text.as_str(), |i| &text[i..]);
        let json: serde_json::Value =
            serde_json::from_str(&render_as(&report, Format::Json, Style::default()))
                .expect("JSON");
        let sarif: serde_json::Value =
            serde_json::from_str(&render_as(&report, Format::Sarif, Style::default()))
                .expect("SARIF");
        let out = format!(
            "text:\n{summary}\njson summary:\n{}\n\nsarif run properties:\n{}\n",
            serde_json::to_string_pretty(&json["summary"]).unwrap_or_default(),
            serde_json::to_string_pretty(&sarif["runs"][0]["properties"]).unwrap_or_default(),
        );
        assert!(out.contains("\"overall\""), "{out}");
        insta::assert_snapshot!(format!("score_{name}").replace('-', "_"), out);
    }
}
