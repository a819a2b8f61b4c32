//! `gitlab`: GitLab Code Quality JSON (an array of issues with `description`,
//! `check_name`, `fingerprint`, `severity` and `location`), for merge request widgets.

use serde_json::{Value, json};

use crate::Report;
use crate::rule::{Category, Severity};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

/// The GitLab Code Quality category of a finding (one of Bug Risk, Clarity,
/// Compatibility, Complexity, Duplication, Performance, Security, Style), from its rule:
/// a rule that guards security is `Security` whatever its category; otherwise what goes
/// wrong in production when the finding is ignored — a failure or a hang (errors,
/// timeouts, containers, configuration, CI, observability) is a `Bug Risk`; an unpinned
/// dependency breaks when upstream changes (`Compatibility`); logs, docs and readylint's
/// own notes are about what a reader can tell (`Clarity`).
pub fn category(c: Category, security: bool) -> &'static str {
    if security {
        return "Security";
    }
    match c {
        Category::Errors
        | Category::Timeouts
        | Category::Container
        | Category::Config
        | Category::Ci
        | Category::Observability => "Bug Risk",
        Category::Dependencies => "Compatibility",
        Category::Logging | Category::Docs | Category::Readylint => "Clarity",
    }
}

pub fn render(report: &Report) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "type": "issue",
                "description": format!("{}: {}", f.rule, f.message),
                "content": {"body": f.help},
                "check_name": format!("{} {}", f.rule, f.name),
                "fingerprint": f.fingerprint,
                "severity": severity(f.severity),
                "categories": [category(
                    f.category,
                    report.registry.find(f.rule).is_some_and(|m| m.security),
                )],
                "location": {
                    "path": f.path,
                    "lines": {"begin": f.line, "end": f.end_line},
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}
