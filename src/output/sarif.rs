//! `sarif`: SARIF 2.1.0 as GitHub code scanning ingests it. Every rule of the catalogue
//! is in `tool.driver.rules` (so `ruleIndex` is stable across runs), with its docs as
//! help; results carry a repository-relative location and a partial fingerprint.

use serde_json::{Value, json};

use crate::Report;
use crate::rule::{RuleMeta, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptor(m: &RuleMeta) -> Value {
    let docs = m.docs();
    let why = m
        .section("Why it matters in production")
        .unwrap_or_else(|| m.summary());
    let mut tags = vec![m.category.as_str().to_string()];
    let mut props = serde_json::Map::new();
    props.insert("precision".into(), json!("high"));
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
    json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": {"text": m.summary()},
        "fullDescription": {"text": why.split_whitespace().collect::<Vec<_>>().join(" ")},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": Value::Object(props),
    })
}

pub fn render(report: &Report) -> String {
    let metas = report.registry.metas();
    let rules: Vec<Value> = metas.iter().map(|m| rule_descriptor(m)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = metas.iter().position(|m| m.code == f.rule).unwrap_or(0);
            let mut region = json!({
                "startLine": f.line,
                "startColumn": f.column,
            });
            if (f.end_line, f.end_column) > (f.line, f.column) {
                region["endLine"] = json!(f.end_line);
                region["endColumn"] = json!(f.end_column);
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{}\n\nHelp: {}", f.message, f.help)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.path), "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }],
                "partialFingerprints": {"readylint/v1": f.fingerprint},
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "warning",
                "message": {"text": e.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path), "uriBaseId": "%SRCROOT%"}}}],
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "readylint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": {"id": "readylint/"},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    s.push('\n');
    s
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
