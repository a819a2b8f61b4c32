//! `text`: miette diagnostics with source snippets, grouped by file, then the top risks
//! by rule and severity. Each finding's header is its severity as a glyph and a word,
//! then its rule code and name once (`⚠ warning DKR001 root-user: …`). Plain (no
//! colour) when not writing to a terminal or when `NO_COLOR` is set; ASCII glyphs and
//! boxes (`! warning`, `|`) where the terminal cannot show Unicode ([`wants_ascii`]).

use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents, ThemeCharacters,
    ThemeStyles,
};

use super::Style;
use crate::Report;
use crate::finding::Finding;
use crate::rule::{Category, Severity};

struct Shown<'a> {
    finding: &'a Finding,
    source: Option<&'a NamedSource<LineIndexed>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The header after the severity: the rule code and name, once, then the message.
impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.finding.rule, self.finding.name, self.finding.message
        )
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
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
        let bytes = self.finding.byte_range();
        let label = LabeledSpan::new(None, bytes.start, bytes.len());
        Some(Box::new(std::iter::once(label)))
    }
}

/// A file's text with the offsets where its lines start, so that each finding's snippet
/// is cut from the lines around it. miette's own `SourceCode` for text counts lines
/// from the start of the file for every snippet: a file with many findings took time
/// quadratic in its size (half of a warm run's time on a Django service went there).
/// The snippet is the one miette would cut: its own reading of the text, started at the
/// start of a line just before the first it shows, with that line's number added back.
struct LineIndexed {
    text: Arc<str>,
    /// Where each line starts, breaking lines as miette does: at `\n`, at `\r\n`, and at a
    /// lone `\r`.
    starts: Vec<usize>,
}

impl LineIndexed {
    fn new(text: Arc<str>) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(k) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            i += k + 1;
            if bytes[i - 1] == b'\r' && bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
            starts.push(i);
        }
        LineIndexed { text, starts }
    }
}

impl SourceCode for LineIndexed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The line holding the span's start, as many before it as miette shows, and one
        // more: miette looks at the byte before an empty span (its line break).
        let line = self
            .starts
            .partition_point(|&s| s <= span.offset())
            .saturating_sub(1);
        let first = line.saturating_sub(context_lines_before + 1);
        let base = self.starts[first];
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let inner =
            self.text[base..].read_span(&local, context_lines_before, context_lines_after)?;
        let cut = inner.span();
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((cut.offset() + base).into(), cut.len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// Whether the terminal cannot show Unicode glyphs and box drawing: `TERM=dumb`, or a
/// locale whose character set is not UTF-8. The locale is the first non-empty of
/// `LC_ALL`, `LC_CTYPE` and `LANG`; when none is set (Windows, many containers) the
/// output is Unicode.
pub fn wants_ascii(var: impl Fn(&str) -> Option<String>) -> bool {
    if var("TERM").is_some_and(|t| t == "dumb") {
        return true;
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        !(l.contains("utf-8") || l.contains("utf8"))
    })
}

/// The severity as a glyph and a word.
pub fn severity_label(s: Severity, ascii: bool) -> &'static str {
    match (s, ascii) {
        (Severity::Error, false) => "× error",
        (Severity::Warning, false) => "⚠ warning",
        (Severity::Note, false) => "☞ note",
        (Severity::Error, true) => "x error",
        (Severity::Warning, true) => "! warning",
        (Severity::Note, true) => "* note",
    }
}

fn theme(style: Style) -> GraphicalTheme {
    let mut characters = if style.ascii {
        ThemeCharacters::ascii()
    } else {
        ThemeCharacters::unicode()
    };
    characters.error = severity_label(Severity::Error, style.ascii).into();
    characters.warning = severity_label(Severity::Warning, style.ascii).into();
    characters.advice = severity_label(Severity::Note, style.ascii).into();
    GraphicalTheme {
        characters,
        styles: if style.color {
            ThemeStyles::ansi()
        } else {
            ThemeStyles::none()
        },
    }
}

/// The line above a file's findings: its path and how many there are.
fn file_header(path: &str, findings: &[&Finding], style: Style) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let mut parts = Vec::new();
    for (s, word) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Note, "note"),
    ] {
        let n = count(s);
        if n > 0 {
            parts.push(format!("{n} {word}{}", plural(n)));
        }
    }
    let rule = if style.ascii { "--" } else { "──" };
    let path = if style.color {
        format!("\u{1b}[1m{path}\u{1b}[0m")
    } else {
        path.to_string()
    };
    format!("{rule} {path} {rule} {}\n\n", parts.join(", "))
}

pub fn render(report: &Report, style: Style) -> String {
    let handler = GraphicalReportHandler::new_themed(theme(style))
        .with_context_lines(1)
        .with_links(false)
        .with_width(100);
    // Findings come sorted by path, so each file's are together.
    let mut by_file: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in &report.findings {
        match by_file.last_mut() {
            Some((path, group)) if *path == &*f.path => group.push(f),
            _ => by_file.push((&f.path, vec![f])),
        }
    }
    let mut out = String::new();
    for (path, findings) in &by_file {
        let shown_path = if path.is_empty() {
            "(repository)"
        } else {
            path
        };
        out.push_str(&file_header(shown_path, findings, style));
        // One file's text at a time, read again from disk if it was let go.
        let source = report
            .sources
            .get(*path)
            .map(|s| NamedSource::new(*path, LineIndexed::new(s.text.shared())));
        for f in findings {
            let shown = Shown {
                finding: f,
                source: source.as_ref().filter(|_| f.span.1 >= f.span.0),
            };
            let mut one = String::new();
            if handler.render_report(&mut one, &shown).is_err() || shown.source.is_none() {
                one = format!(
                    "  {} {}:{}:{}: {shown}\n  help: {}\n",
                    severity_label(f.severity, style.ascii),
                    f.path,
                    f.line,
                    f.column,
                    f.help
                );
            }
            out.push_str(&one);
            out.push('\n');
        }
    }
    if !style.quiet {
        out.push_str(&summary_table(report, style));
    }
    out
}

/// [`one_line_summary`] and the findings `--min-severity` left out.
pub fn summary_line(report: &Report, style: Style) -> String {
    let mut s = one_line_summary(report);
    if style.hidden > 0 {
        let _ = write!(s, "; {} below --min-severity not shown", style.hidden);
    }
    s
}

/// "3 findings (1 error, 2 warnings) in 12 files; 1 suppressed".
pub fn one_line_summary(report: &Report) -> String {
    // Each severity counted in one pass over the findings.
    let (mut errors, mut warnings, mut notes) = (0, 0, 0);
    for f in &report.findings {
        match f.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Note => notes += 1,
        }
    }
    let n = report.findings.len();
    let mut s = format!(
        "{n} finding{} ({errors} error{}, {warnings} warning{}, {notes} note{}) in {} file{} scanned",
        plural(n),
        plural(errors),
        plural(warnings),
        plural(notes),
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
/// and security, timeouts, error handling — then the readiness score and the one-line
/// count.
fn summary_table(report: &Report, style: Style) -> String {
    let mut out = String::new();
    if !report.findings.is_empty() {
        let mut rows: BTreeMap<(&str, &str, Severity), RiskRow> = BTreeMap::new();
        for f in &report.findings {
            let security = report.registry.find(f.rule).is_some_and(|m| m.security);
            let row = rows
                .entry((f.rule, f.name, f.severity))
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
        let (times, more) = if style.ascii {
            ("x", "...")
        } else {
            ("×", "…")
        };
        let _ = writeln!(out, "Top risks:");
        for ((code, name, _), (n, sev, cat, _)) in rows.iter().take(TOP_RISKS) {
            let _ = writeln!(
                out,
                "  {:<8} {n:>5} {times} {code:<7} {name} ({cat})",
                sev.as_str()
            );
        }
        if rows.len() > TOP_RISKS {
            let _ = writeln!(
                out,
                "  {more} and {} more (`--statistics` lists every rule)",
                rows.len() - TOP_RISKS
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", report.score().line());
    let _ = writeln!(out, "{}", summary_line(report, style));
    out
}

/// The rows of `--statistics`: (count, code, name, severity), most frequent first.
pub fn statistics_rows(report: &Report) -> Vec<(usize, &str, &str, Severity)> {
    let mut counts: BTreeMap<(&str, &str), (usize, Severity)> = BTreeMap::new();
    for f in &report.findings {
        let e = counts.entry((f.rule, f.name)).or_insert((0, f.severity));
        e.0 += 1;
    }
    let mut rows: Vec<_> = counts
        .into_iter()
        .map(|((code, name), (n, sev))| (n, code, name, sev))
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    rows
}

/// `--statistics`: how often each rule fired.
pub fn statistics(report: &Report, style: Style) -> String {
    let mut out = String::new();
    for (n, code, name, sev) in statistics_rows(report) {
        let _ = writeln!(out, "{n:>6}  {code:<7} {:<8} {name}", sev.as_str());
    }
    let _ = writeln!(out, "{}", summary_line(report, style));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snippet cut from the line index is the one miette cuts from the whole text:
    /// the same bytes, place, line, column and line count, for every span, with `\n`,
    /// `\r\n` and lone `\r` line breaks, text that is not ASCII, and every context.
    #[test]
    fn line_indexed_snippets_match_miettes() {
        let text = "a = 1\nb = \"é\"\r\n\r\nc\rdef f():\n    pass\n\n  x\r\n";
        let indexed = LineIndexed::new(Arc::from(text));
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            for len in [0, 1, 3, 9] {
                let span = SourceSpan::new(offset.into(), len.min(text.len() - offset));
                for before in 0..3 {
                    for after in 0..3 {
                        let want = text.read_span(&span, before, after);
                        let got = indexed.read_span(&span, before, after);
                        match (want, got) {
                            (Ok(w), Ok(g)) => {
                                let case = format!("{offset}+{len} {before}/{after}");
                                assert_eq!(w.data(), g.data(), "{case}");
                                assert_eq!(w.span(), g.span(), "{case}");
                                assert_eq!(w.line(), g.line(), "{case}");
                                assert_eq!(w.column(), g.column(), "{case}");
                                assert_eq!(w.line_count(), g.line_count(), "{case}");
                            }
                            (Err(_), Err(_)) => {}
                            (w, g) => panic!("{offset}+{len}: {:?} vs {:?}", w.is_ok(), g.is_ok()),
                        }
                    }
                }
            }
        }
    }
}
