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
    // Each line assembled in one buffer and written whole: no formatting machinery per
    // field.
    let mut line = Vec::with_capacity(256);
    for f in &report.findings {
        line.clear();
        line.extend_from_slice(f.path.as_bytes());
        line.push(b':');
        push_number(&mut line, f.line);
        line.push(b':');
        push_number(&mut line, f.column);
        line.extend_from_slice(b": ");
        line.extend_from_slice(f.rule.as_bytes());
        line.extend_from_slice(b" [");
        line.extend_from_slice(f.severity.as_str().as_bytes());
        line.extend_from_slice(b"] ");
        line.extend_from_slice(f.message.as_bytes());
        line.push(b'\n');
        out.write_all(&line)?;
    }
    if !style.quiet {
        writeln!(out, "{}", super::text::summary_line(report, style))?;
    }
    Ok(())
}

/// Appends `n` in decimal.
fn push_number(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 20];
    out.extend_from_slice(crate::finding::decimal(n as usize, &mut digits));
}
