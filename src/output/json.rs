//! `json`: the machine-readable report of SPEC §4. Field names are fixed.

use std::collections::BTreeMap;

use serde_json::json;

use super::Style;
use crate::Report;

/// The report, with the readiness score in `summary.score` ([`crate::score`]); with
/// `--statistics`, also a `statistics` key: how often each rule fired,
/// most frequent first, as the text format lists them.
pub fn render(report: &Report, style: Style) -> String {
    let mut out = Vec::new();
    let _ = write(report, style, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the report to `out` as it is made (see [`render`]).
pub fn write(report: &Report, style: Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut by_severity: BTreeMap<&str, usize> = [("error", 0), ("warning", 0), ("note", 0)]
        .into_iter()
        .collect();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
        *by_category.entry(f.category.as_str()).or_default() += 1;
    }
    // A finding with a fix has a `fix` key: its safety and its edits.
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            if let Some(fix) = &f.fix {
                v["fix"] = fix.to_json();
            }
            v
        })
        .collect();
    let mut value = json!({
        "version": 1,
        "tool": {"name": "readylint", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "errors": report.errors,
        "summary": {
            "files_scanned": report.files_scanned,
            "by_severity": by_severity,
            "by_category": by_category,
            "suppressed": report.suppressed,
            "baselined": report.baselined,
            "unchanged": report.unchanged,
            "score": report.score().to_json(),
        },
    });
    if style.hidden > 0 {
        value["summary"]["below_min_severity"] = json!(style.hidden);
    }
    if let Some(n) = report.fixed {
        value["summary"]["fixed"] = json!(n);
    }
    if style.statistics {
        value["statistics"] = super::text::statistics_rows(report)
            .into_iter()
            .map(|(count, code, name, sev)| {
                json!({"rule": code, "name": name, "severity": sev, "count": count})
            })
            .collect();
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    out.write_all(b"\n")
}
