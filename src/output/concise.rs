//! `concise`: one finding per line, for editors and `grep`.

use std::io::Write;

use super::Style;
use crate::Report;

pub fn render(report: &Report, style: Style) -> String {
    let mut out = Vec::new();
    let _ = write(report, style, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the report to `out`, a line at a time.
pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            f.path, f.line, f.column, f.rule, f.severity, f.message
        )?;
    }
    if !style.quiet {
        writeln!(out, "{}", super::text::summary_line(report, style))?;
    }
    Ok(())
}
