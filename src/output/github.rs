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

/// Markdown for `$GITHUB_STEP_SUMMARY`: GitHub shows only ten annotations per step, so
/// the summary lists every rule that fired and the first findings.
pub fn step_summary(report: &Report) -> String {
    const ROWS: usize = 100;
    let mut out = format!(
        "### readylint\n\n{}\n\n",
        super::text::one_line_summary(report)
    );
    if report.findings.is_empty() {
        return out;
    }
    let mut by_rule: std::collections::BTreeMap<(&str, &str), (usize, Severity)> =
        std::collections::BTreeMap::new();
    for f in &report.findings {
        by_rule.entry((f.rule, f.name)).or_insert((0, f.severity)).0 += 1;
    }
    out.push_str("| rule | severity | findings |\n|---|---|---:|\n");
    for ((code, name), (n, sev)) in &by_rule {
        let _ = writeln!(out, "| `{code}` {name} | {sev} | {n} |");
    }
    out.push_str(
        "\n<details><summary>Findings</summary>\n\n| location | rule | message |\n|---|---|---|\n",
    );
    for f in report.findings.iter().take(ROWS) {
        let _ = writeln!(
            out,
            "| `{}:{}:{}` | `{}` | {} |",
            f.path,
            f.line,
            f.column,
            f.rule,
            f.message.replace('|', "\\|").replace('\n', " ")
        );
    }
    if report.findings.len() > ROWS {
        let _ = writeln!(out, "\n… and {} more.", report.findings.len() - ROWS);
    }
    out.push_str("\n</details>\n");
    out
}
