//! `github`: workflow commands that GitHub Actions turns into annotations.

use std::fmt::Write;

use crate::Report;
use crate::rule::Severity;

/// Escapes a workflow-command message (data) or property value.
fn escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape(&f.path, true),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            escape(&format!("{} {}", f.rule, f.name), true),
            escape(&format!("{} ({})", f.message, f.help), false),
        );
    }
    out
}
