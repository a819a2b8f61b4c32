//! Diagnostics about a file the user wrote for readylint (a configuration file, a rule
//! pack): the message, and a snippet of the file pointing at the offending key.

use miette::{Diagnostic, NamedSource, SourceSpan};

/// An error in a configuration file or a rule pack, pointing at the offending key.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{what} {path}: {message}")]
pub struct FileDiagnostic {
    /// What the file is: "invalid configuration in", "invalid rule pack".
    pub what: &'static str,
    pub path: String,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// Builds [`FileDiagnostic`]s for one file.
pub struct FileContext<'a> {
    pub what: &'static str,
    pub path: &'a str,
    pub text: &'a str,
}

impl FileContext<'_> {
    pub fn err(
        &self,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
        label: &str,
        help: Option<&str>,
    ) -> FileDiagnostic {
        FileDiagnostic {
            what: self.what,
            path: self.path.to_string(),
            message: message.into(),
            src: NamedSource::new(self.path, self.text.to_string()),
            span: span.map(|s| (s.start, s.end.saturating_sub(s.start)).into()),
            label: label.to_string(),
            help: help.map(str::to_string),
        }
    }
}
