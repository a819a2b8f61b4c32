//! `text`: miette diagnostics with source snippets, then a summary table by category and
//! severity. Plain (no colour) when not writing to a terminal or when `NO_COLOR` is set.

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::Style;
use crate::Report;
use crate::finding::Finding;
use crate::rule::{Category, Severity};

struct Shown<'a> {
    finding: &'a Finding,
    source: Option<&'a NamedSource<Arc<str>>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} {}",
            self.finding.rule, self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        let (start, end) = self.finding.span;
        let label = LabeledSpan::new(Some(self.finding.rule.clone()), start, end - start);
        Some(Box::new(std::iter::once(label)))
    }
}

pub fn render(report: &Report, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_links(false)
        .with_width(100);
    let sources: BTreeMap<&str, NamedSource<Arc<str>>> = report
        .sources
        .iter()
        .map(|(p, t)| (p.as_str(), NamedSource::new(p, Arc::clone(t))))
        .collect();
    let mut out = String::new();
    for f in &report.findings {
        let shown = Shown {
            finding: f,
            source: sources
                .get(f.path.as_str())
                .filter(|_| f.span.1 >= f.span.0),
        };
        let mut one = String::new();
        if handler.render_report(&mut one, &shown).is_err() || shown.source.is_none() {
            one = format!(
                "{}:{}:{}: {} [{}] {}\n  help: {}\n",
                f.path, f.line, f.column, f.rule, f.severity, f.message, f.help
            );
        }
        out.push_str(&one);
        out.push('\n');
    }
    if !style.quiet {
        out.push_str(&summary_table(report));
    }
    out
}

/// "3 findings (1 error, 2 warnings) in 12 files; 1 suppressed".
pub fn one_line_summary(report: &Report) -> String {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let n = report.findings.len();
    let mut s = format!(
        "{n} finding{} ({} error{}, {} warning{}, {} note{}) in {} file{} scanned",
        plural(n),
        count(Severity::Error),
        plural(count(Severity::Error)),
        count(Severity::Warning),
        plural(count(Severity::Warning)),
        count(Severity::Note),
        plural(count(Severity::Note)),
        report.files_scanned,
        plural(report.files_scanned),
    );
    if report.suppressed > 0 {
        let _ = write!(s, "; {} suppressed", report.suppressed);
        if report.baselined > 0 {
            let _ = write!(s, " ({} by the baseline)", report.baselined);
        }
    }
    if report.unchanged > 0 {
        let _ = write!(s, "; {} on unchanged lines left out", report.unchanged);
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn summary_table(report: &Report) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        let mut rows: BTreeMap<Category, [usize; 3]> = BTreeMap::new();
        for f in &report.findings {
            let row = rows.entry(f.category).or_default();
            row[match f.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Note => 2,
            }] += 1;
        }
        let _ = writeln!(
            out,
            "{:<15} {:>7} {:>9} {:>6}",
            "category", "errors", "warnings", "notes"
        );
        for (cat, [e, w, n]) in rows {
            let _ = writeln!(out, "{:<15} {e:>7} {w:>9} {n:>6}", cat.as_str());
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", one_line_summary(report));
    out
}

/// `--statistics`: how often each rule fired.
pub fn statistics(report: &Report) -> String {
    let mut counts: BTreeMap<(&str, &str), (usize, Severity)> = BTreeMap::new();
    for f in &report.findings {
        let e = counts.entry((&f.rule, &f.name)).or_insert((0, f.severity));
        e.0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    for ((code, name), (n, sev)) in rows {
        let _ = writeln!(out, "{n:>6}  {code:<7} {:<8} {name}", sev.as_str());
    }
    let _ = writeln!(out, "{}", one_line_summary(report));
    out
}
