//! `sarif`: SARIF 2.1.0 as GitHub code scanning ingests it. Every rule of the run is in
//! `tool.driver.rules` (so `ruleIndex` is stable across runs), with its docs as help, a
//! `helpUri` for the built-in ones, tags, precision and severities; each result has one
//! repository-relative location with a full region and two partial fingerprints: GitHub's
//! `primaryLocationLineHash` and our own. GitHub's limits (25,000 results per run, 10 MB
//! gzipped) are enforced here, with a notification in the log and a warning.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use super::fingerprint::line_hashes;
use crate::Report;
use crate::registry::Registry;
use crate::rule::{RuleMeta, Severity};

/// GitHub code scanning's limit on results per run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning's limit on an uploaded SARIF file, gzipped.
pub const MAX_GZIPPED_BYTES: usize = 10 * 1024 * 1024;

/// Where the documentation of a built-in rule lives.
pub fn help_uri(code: &str) -> String {
    format!(
        "{}/blob/main/docs/rules/{code}.md",
        env!("CARGO_PKG_REPOSITORY")
    )
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptor(m: &RuleMeta, builtin: bool) -> Value {
    let docs = m.docs();
    let mut what = m.summary();
    if what.is_empty() {
        // A pack rule's docs without sections: their first paragraph.
        what = docs
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .find(|p| !p.is_empty() && !p.starts_with('#'))
            .unwrap_or_else(|| m.name.to_string());
    }
    let why = m
        .section("Why it matters in production")
        .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    // The short description is one sentence; the full one is the whole of "What it
    // does", then why it matters.
    let full = if why.is_empty() || why == what {
        what.clone()
    } else {
        format!("{what} {why}")
    };
    let mut tags = vec![m.category.as_str().to_string()];
    let mut props = serde_json::Map::new();
    // Notes are heuristics about the whole image or repository; the rest are exact.
    let precision = if m.severity == Severity::Note {
        "medium"
    } else {
        "high"
    };
    props.insert("precision".into(), json!(precision));
    props.insert(
        "problem.severity".into(),
        json!(match m.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "recommendation",
        }),
    );
    if m.security {
        tags.push("security".into());
        let score = match m.severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Note => "2.0",
        };
        props.insert("security-severity".into(), json!(score));
    }
    props.insert("tags".into(), json!(tags));
    let mut rule = json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": {"text": first_sentence(&what)},
        "fullDescription": {"text": full},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": Value::Object(props),
    });
    if builtin {
        rule["helpUri"] = json!(help_uri(m.code));
    }
    rule
}

/// The first sentence of a paragraph (on one line), ending with a full stop: up to the
/// first `. ` before a capital letter or a code span (not after `e.g.`, `i.e.`, `etc.`,
/// `vs.`), or up to a colon that introduces details or a list (`…deployed: - Django:
/// …`), which becomes the full stop. Code spans are never cut.
pub fn first_sentence(para: &str) -> String {
    let text = para.trim();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut in_code = false;
    let mut end = text.len();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if c == '`' {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let next = chars.get(i + 1).map(|x| x.1);
        let after = chars.get(i + 2).map(|x| x.1);
        if c == ':' && next == Some(' ') {
            end = at;
            break;
        }
        if c == '.' && next == Some(' ') && after.is_some_and(|a| a.is_uppercase() || a == '`') {
            let word = text[..at].rsplit(' ').next().unwrap_or("");
            if matches!(word, "e.g" | "i.e" | "etc" | "vs" | "cf") {
                continue;
            }
            end = at;
            break;
        }
    }
    let mut s = text[..end]
        .trim_end()
        .trim_end_matches(['.', ':', ';', ','])
        .to_string();
    s.push('.');
    s
}

/// Warnings about GitHub's limits, for the command line to print.
pub fn limit_warnings(report: &Report, rendered: &str) -> Vec<String> {
    let mut out = Vec::new();
    if report.findings.len() > MAX_RESULTS {
        out.push(format!(
            "{} findings, over GitHub code scanning's limit of {MAX_RESULTS} results per run: the SARIF keeps the {MAX_RESULTS} most severe; narrow the run with --select, or adopt a --baseline",
            report.findings.len()
        ));
    }
    if rendered.len() > MAX_GZIPPED_BYTES {
        let gz = gzipped_len(rendered);
        if gz > MAX_GZIPPED_BYTES {
            out.push(format!(
                "the SARIF file is {:.1} MB gzipped, over GitHub's 10 MB upload limit; narrow the run with --select or --exclude",
                gz as f64 / 1_048_576.0
            ));
        }
    }
    out
}

fn gzipped_len(text: &str) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    if enc.write_all(text.as_bytes()).is_err() {
        return text.len();
    }
    enc.finish().map_or(text.len(), |v| v.len())
}

pub fn render(report: &Report) -> String {
    let metas = report.registry.metas();
    let standard = Registry::standard();
    let rules: Vec<Value> = metas
        .iter()
        .map(|m| rule_descriptor(m, standard.find(m.code).is_some()))
        .collect();
    let index_of: BTreeMap<&str, usize> =
        metas.iter().enumerate().map(|(i, m)| (m.code, i)).collect();
    // GitHub's limit: keep the most severe results (stable within a severity).
    let mut kept: Vec<&crate::finding::Finding> = report.findings.iter().collect();
    if kept.len() > MAX_RESULTS {
        kept.sort_by_key(|f| std::cmp::Reverse(f.severity));
        kept.truncate(MAX_RESULTS);
        kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let hashes: BTreeMap<&str, Vec<String>> = kept
        .iter()
        .map(|f| &*f.path)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter_map(|p| report.sources.get(p).map(|s| (p, line_hashes(&s.text))))
        .collect();
    let results: Vec<Value> = kept
        .iter()
        .map(|f| {
            let index = index_of.get(f.rule).copied().unwrap_or(0);
            // A full region; an empty span still covers one character.
            let (end_line, end_column) = if (f.end_line, f.end_column) > (f.line, f.column) {
                (f.end_line, f.end_column)
            } else {
                (f.line, f.column + 1)
            };
            let mut fingerprints = json!({"readylint/v1": f.fingerprint});
            if let Some(h) = hashes
                .get(&*f.path)
                .and_then(|h| h.get((f.line as usize).saturating_sub(1)))
            {
                fingerprints["primaryLocationLineHash"] = json!(h);
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{}\n\nHelp: {}", f.message, f.help)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        },
                    }
                }],
                "partialFingerprints": fingerprints,
            });
            if let Some(fix) = &f.fix {
                result["fixes"] = json!([sarif_fix(&f.path, fix)]);
            }
            result
        })
        .collect();
    let mut notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({"level": "warning", "message": {"text": e.message}});
            if !e.path.is_empty() {
                n["locations"] = json!([{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path), "uriBaseId": "%SRCROOT%"}}}]);
            }
            n
        })
        .collect();
    if report.findings.len() > MAX_RESULTS {
        notifications.push(json!({
            "level": "warning",
            "message": {"text": format!(
                "{} findings; only the {MAX_RESULTS} most severe are in this log (GitHub's limit per run)",
                report.findings.len()
            )},
        }));
    }
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "readylint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "automationDetails": {"id": "readylint/"},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the root of the scanned repository"}}},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            // The readiness score (`crate::score`), as in the JSON report's summary.
            "properties": {"readiness": report.score().to_json()},
        }],
    });
    let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    s.push('\n');
    s
}

/// A SARIF `fix`: one artifact change of the finding's file, a replacement per edit.
fn sarif_fix(path: &str, fix: &crate::finding::FindingFix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.start.line,
                    "startColumn": e.start.column,
                    "endLine": e.end.line,
                    "endColumn": e.end.column,
                },
                "insertedContent": {"text": e.content},
            })
        })
        .collect();
    json!({
        "description": {"text": format!("{} fix (`readylint check --fix{}`)", fix.safety, if fix.safety == crate::fix::Safety::Unsafe { " --unsafe-fixes" } else { "" })},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"},
            "replacements": replacements,
        }],
    })
}

/// A relative URI reference for a repository-relative path (percent-encoding what a
/// URI may not hold).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
