//! `junit`: JUnit XML for CI systems that show test reports. One test suite per rule
//! that fired, one test case per rule and file (each finding a line of it), and a
//! passing case when there is nothing to report, so the report is never empty.
//!
//! A case fails only when one of its findings is at or above `fail-on`, so the test
//! report agrees with the exit code. A case whose findings are all below it (notes,
//! under the default `fail-on = "warning"`) passes; its findings are listed in the
//! case's `<system-out>`, and its `severity` property says what they were.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::Report;
use crate::config::FailOn;
use crate::finding::Finding;

/// Escapes text for XML attributes and character data.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether a finding fails the run (and so its test case).
pub fn fails(f: &Finding, fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Never => false,
        FailOn::At(level) => f.severity >= level,
    }
}

pub fn render(report: &Report) -> String {
    let mut by_rule: BTreeMap<&str, BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    for f in &report.findings {
        by_rule
            .entry(f.rule)
            .or_default()
            .entry(&f.path)
            .or_default()
            .push(f);
    }
    let failing = |findings: &[&Finding]| findings.iter().any(|f| fails(f, report.fail_on));
    let cases: usize = by_rule.values().map(BTreeMap::len).sum();
    let failures: usize = by_rule
        .values()
        .flat_map(BTreeMap::values)
        .filter(|v| failing(v))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"readylint\" tests=\"{}\" failures=\"{failures}\">",
        cases.max(1)
    );
    if by_rule.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"readylint\" tests=\"1\" failures=\"0\">\n    <testcase name=\"no findings\" classname=\"readylint\"/>\n  </testsuite>"
        );
    }
    for (rule, files) in &by_rule {
        let name = files
            .values()
            .next()
            .and_then(|v| v.first())
            .map_or("", |f| f.name);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\">",
            xml(rule),
            xml(name),
            files.len(),
            files.values().filter(|v| failing(v)).count()
        );
        for (path, findings) in files {
            let first = findings[0];
            let worst = findings
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(first.severity);
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"readylint.{}\" file=\"{}\" line=\"{}\">",
                xml(path),
                xml(rule),
                xml(path),
                first.line
            );
            let _ = writeln!(
                out,
                "      <properties><property name=\"severity\" value=\"{worst}\"/><property name=\"findings\" value=\"{}\"/></properties>",
                findings.len()
            );
            let mut lines = String::new();
            for f in findings {
                let _ = writeln!(
                    lines,
                    "{}:{}:{}: {} [{}] {} (help: {})",
                    xml(&f.path),
                    f.line,
                    f.column,
                    xml(f.rule),
                    f.severity,
                    xml(&f.message),
                    xml(&f.help)
                );
            }
            if failing(findings) {
                let message = if findings.len() == 1 {
                    first.message.clone()
                } else {
                    format!("{} findings of {rule} in {path}", findings.len())
                };
                let _ = writeln!(
                    out,
                    "      <failure type=\"{worst}\" message=\"{}\">{lines}</failure>",
                    xml(&message)
                );
            } else {
                let _ = writeln!(out, "      <system-out>{lines}</system-out>");
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
