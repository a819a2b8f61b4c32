//! Meta-tests: they police the rule catalogue rather than one rule. Every rule has docs
//! with every section, a kebab-case name and a well-formed code; the README's rule table
//! is the generated one; messages follow the house style.

mod common;

use std::path::Path;

use readylint::cli::RulesFormat;
use readylint::config::CliOverrides;
use readylint::registry::{self, Registry};
use readylint::{RunOptions, catalogue, run};

const SECTIONS: [&str; 5] = [
    "What it does",
    "Why it matters in production",
    "Example",
    "Fix",
    "Known limits",
];

#[test]
fn every_rule_has_complete_docs() {
    for m in registry::metas() {
        for s in SECTIONS {
            let body = m.section(s).unwrap_or_default();
            assert!(
                body.len() > 20,
                "{} {}: section `## {s}` is missing or empty",
                m.code,
                m.name
            );
        }
        assert!(!m.summary().is_empty(), "{} has no summary", m.code);
        // SPEC §6: a two- or three-letter prefix (`CI001`, `DKR001`) and three digits.
        let letters = m.code.len().saturating_sub(3);
        let code_ok = (2..=3).contains(&letters)
            && m.code[..letters].chars().all(|c| c.is_ascii_uppercase())
            && m.code[letters..].chars().all(|c| c.is_ascii_digit());
        assert!(
            code_ok,
            "{}: codes are two or three letters and three digits",
            m.code
        );
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` is not kebab-case",
            m.code,
            m.name
        );
        let explained =
            catalogue::explain(Registry::standard(), m.code).expect("explain knows every rule");
        assert!(explained.contains(m.name));
    }
}

#[test]
fn readme_rule_table_is_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let start = "<!-- rules:start -->\n";
    let end = "<!-- rules:end -->";
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md lacks the rules:start/rules:end markers");
    };
    let current = &readme[a + start.len()..b];
    let generated = catalogue::render_rules(Registry::standard(), RulesFormat::Markdown);
    if current.trim() != generated.trim() {
        if std::env::var_os("READYLINT_BLESS").is_some() {
            let updated = format!("{}{}{}{}", &readme[..a], start, generated, &readme[b..]);
            std::fs::write(root.join("README.md"), updated).expect("write README.md");
        } else {
            panic!(
                "README.md's rule table is out of date; run `READYLINT_BLESS=1 cargo test --test meta` to regenerate it"
            );
        }
    }
}

#[test]
fn messages_follow_the_house_style() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    // The repositories inside the tree (CI fixtures) are roots of their own.
    let nested = common::nested_repositories(&tree);
    let mut roots = vec![(tree.clone(), nested.clone())];
    roots.extend(nested.iter().map(|n| (tree.join(n), Vec::new())));
    let mut findings = Vec::new();
    for (root, exclude) in roots {
        let report = run(&RunOptions {
            paths: vec![root.clone()],
            root: Some(root),
            overrides: CliOverrides {
                no_config: true,
                exclude,
                ..CliOverrides::default()
            },
            ..RunOptions::default()
        })
        .expect("fixture run");
        findings.extend(report.findings);
    }
    assert!(findings.iter().any(|f| f.rule.starts_with("CI")));
    for f in &findings {
        let first = f.message.chars().next().unwrap_or(' ');
        assert!(
            !first.is_uppercase(),
            "{} message starts with a capital: {}",
            f.rule,
            f.message
        );
        assert!(
            !f.message.ends_with('.'),
            "{} message ends with a period: {}",
            f.rule,
            f.message
        );
        assert!(!f.help.is_empty(), "{} finding without help", f.rule);
        assert!(f.end_line >= f.line);
        assert!(f.end_line > f.line || f.end_column >= f.column);
    }
}

#[test]
fn rule_docs_pages_are_generated() {
    // docs/rules/<CODE>.md is what SARIF's helpUri points at.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let bless = std::env::var_os("READYLINT_BLESS").is_some();
    let mut stale = Vec::new();
    let mut expected = std::collections::BTreeSet::new();
    for m in registry::metas() {
        let name = format!("{}.md", m.code);
        expected.insert(name.clone());
        let page = catalogue::explain(Registry::standard(), m.code).expect("explain");
        let path = dir.join(&name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).expect("mkdir docs/rules");
                std::fs::write(&path, page).expect("write page");
            } else {
                stale.push(name);
            }
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !expected.contains(&name) {
            if bless {
                std::fs::remove_file(entry.path()).expect("remove stale page");
            } else {
                stale.push(name);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is out of date ({stale:?}); run `READYLINT_BLESS=1 cargo test --test meta`"
    );
}
