//! `text`: miette diagnostics with source snippets, then the top risks by rule and
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
    if report.not_checked > 0 {
        let _ = write!(
            s,
            "; {} path{} not checked",
            report.not_checked,
            plural(report.not_checked)
        );
    }
    if report.unchanged > 0 {
        let _ = write!(s, "; {} on unchanged lines left out", report.unchanged);
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// How much a category weighs when findings of the same severity are ranked: what
/// takes a service down or leaks first.
fn risk_rank(c: Category) -> usize {
    [
        Category::Config,
        Category::Timeouts,
        Category::Errors,
        Category::Container,
        Category::Dependencies,
        Category::Ci,
        Category::Logging,
        Category::Observability,
        Category::Docs,
        Category::Readylint,
    ]
    .iter()
    .position(|x| *x == c)
    .unwrap_or(usize::MAX)
}

/// One row of the top risks: count, severity, category, whether the rule guards
/// security.
type RiskRow = (usize, Severity, Category, bool);

/// Rules shown in the summary before "and N more".
const TOP_RISKS: usize = 8;

/// The summary after the diagnostics: the top risks first — by severity, then secrets
/// and security, timeouts, error handling — then the one-line count.
fn summary_table(report: &Report) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        let mut rows: BTreeMap<(&str, &str, Severity), RiskRow> = BTreeMap::new();
        for f in &report.findings {
            let security = report.registry.find(&f.rule).is_some_and(|m| m.security);
            let row = rows
                .entry((&f.rule, &f.name, f.severity))
                .or_insert((0, f.severity, f.category, security));
            row.0 += 1;
        }
        let mut rows: Vec<_> = rows.into_iter().collect();
        rows.sort_by(|(a_id, a), (b_id, b)| {
            b.1.cmp(&a.1)
                .then(b.3.cmp(&a.3))
                .then(risk_rank(a.2).cmp(&risk_rank(b.2)))
                .then(b.0.cmp(&a.0))
                .then(a_id.cmp(b_id))
        });
        let _ = writeln!(out, "Top risks:");
        for ((code, name, _), (n, sev, cat, _)) in rows.iter().take(TOP_RISKS) {
            let _ = writeln!(
                out,
                "  {:<8} {n:>5} × {code:<7} {name} ({cat})",
                sev.as_str()
            );
        }
        if rows.len() > TOP_RISKS {
            let _ = writeln!(
                out,
                "  … and {} more (`--statistics` lists every rule)",
                rows.len() - TOP_RISKS
            );
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
