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

/// GitLab's issue categories (from the Code Climate spec).
fn categories(c: Category) -> Value {
    let name = match c {
        Category::Errors | Category::Timeouts => "Bug Risk",
        Category::Container | Category::Config => "Security",
        Category::Docs | Category::Logging => "Style",
        Category::Dependencies | Category::Ci | Category::Observability | Category::Readylint => {
            "Compatibility"
        }
    };
    json!([name])
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
                "categories": categories(f.category),
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
