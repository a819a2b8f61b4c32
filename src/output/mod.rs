//! Renderers: one per output format. Each takes the finished [`Report`] and returns the
//! text to write, or writes it as it goes ([`write`]); none of them prints.

pub mod concise;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use std::io::Write;

use crate::Report;

/// An output format of `readylint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, then a summary.
    Text,
    /// One `path:line:col: CODE [severity] message` per line.
    Concise,
    /// The JSON report (fields fixed by the specification).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…`); also a summary table in
    /// `$GITHUB_STEP_SUMMARY` when it is set.
    Github,
    /// JUnit XML: a failing test case per rule and file.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl Format {
    /// Whether the format shows each finding's fingerprint.
    pub fn shows_fingerprints(self) -> bool {
        matches!(self, Format::Json | Format::Sarif | Format::Gitlab)
    }

    /// Whether the format shows each finding's fix.
    pub fn shows_fixes(self) -> bool {
        matches!(self, Format::Json | Format::Sarif)
    }
}

/// How the text formats look.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
    /// ASCII instead of Unicode glyphs and box drawing (a terminal that cannot show
    /// them: see [`text::wants_ascii`]).
    pub ascii: bool,
    /// Findings left out of the report by `--min-severity` (for the summary line).
    pub hidden: usize,
}

/// Writes the report to `out` as [`render`] renders it: the long formats (concise and
/// JSON) as they are made, the others whole.
pub fn write(
    report: &Report,
    format: Format,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Concise if !style.statistics => concise::write(report, style, out),
        Format::Json => json::write(report, style, out),
        _ => out.write_all(render(report, format, style).as_bytes()),
    }
}

pub fn render(report: &Report, format: Format, style: Style) -> String {
    if style.statistics && matches!(format, Format::Text | Format::Concise) {
        return text::statistics(report, style);
    }
    match format {
        Format::Text => text::render(report, style),
        Format::Concise => concise::render(report, style),
        Format::Json => json::render(report, style),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Junit => junit::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}
