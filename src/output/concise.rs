//! `concise`: one finding per line, for editors and `grep`.

use std::fmt::Write;

use super::Style;
use crate::Report;

pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            f.path, f.line, f.column, f.rule, f.severity, f.message
        );
    }
    if !style.quiet {
        let _ = writeln!(out, "{}", super::text::summary_line(report, style));
    }
    out
}
