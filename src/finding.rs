//! Findings as the outputs see them: every field of SPEC §4, a stable fingerprint, and
//! the deterministic order (path, line, column, rule).

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rule::{Category, Severity};

#[derive(Debug, Clone, Serialize, PartialEq, Eq, serde::Deserialize)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: String,
    pub fingerprint: String,
    /// The text of the flagged line, trimmed (for fingerprints, baselines and SARIF's
    /// line hash).
    #[serde(skip)]
    pub line_text: String,
    /// The first line of the enclosing statement, for suppressions placed above it.
    #[serde(skip)]
    pub statement_line: usize,
    /// Byte range in the file, for snippets.
    #[serde(skip)]
    pub span: (usize, usize),
    /// The fix the rule offers, if any (the JSON and SARIF outputs render it).
    #[serde(skip)]
    pub fix: Option<FindingFix>,
    /// Reported by a repository rule (phase 2, over the whole repository index): such a
    /// finding changes with other files, and only a scan of the whole project has all of
    /// them (the language server refreshes them on save).
    #[serde(skip)]
    pub repository: bool,
}

/// A line and a column (1-based; the column counts characters).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, serde::Deserialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One edit of a finding's fix: a byte range of the file, where it is, and what
/// replaces it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, serde::Deserialize)]
pub struct FindingEdit {
    pub span: (usize, usize),
    pub start: LineCol,
    pub end: LineCol,
    pub content: String,
}

/// A finding's fix, positioned in its file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, serde::Deserialize)]
pub struct FindingFix {
    pub safety: crate::fix::Safety,
    pub edits: Vec<FindingEdit>,
}

impl FindingFix {
    /// The fix as byte edits, to apply.
    pub fn to_fix(&self) -> crate::fix::Fix {
        crate::fix::Fix {
            safety: self.safety,
            edits: self
                .edits
                .iter()
                .map(|e| crate::fix::Edit::replace(e.span.0..e.span.1, e.content.clone()))
                .collect(),
        }
    }

    /// The JSON of the report: safety, and each edit's start, end and content.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "safety": self.safety,
            "edits": self.edits.iter().map(|e| serde_json::json!({
                "start": e.start, "end": e.end, "content": e.content,
            })).collect::<Vec<_>>(),
        })
    }
}

impl Finding {
    /// Ordering key: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, usize, usize) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule,
            self.end_line,
            self.end_column,
        )
    }
}

/// Collapses runs of whitespace so that re-indenting a line keeps its fingerprint.
pub fn normalise_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Sorts findings and gives each a fingerprint: a hash of rule, path, normalised line
/// text and the occurrence number of that triple, so unrelated edits above a finding
/// leave it unchanged.
pub fn finalise(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then(a.message.cmp(&b.message))
    });
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    // Occurrences of each (rule, path, normalised line), keyed by a hash of the three
    // (one allocation per finding: the normalised line).
    let mut seen: HashMap<u128, usize> = HashMap::with_capacity(findings.len());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for f in findings.iter_mut() {
        let norm = normalise_line(&f.line_text);
        let mut key = xxhash_rust::xxh3::Xxh3::new();
        for part in [f.rule.as_str(), f.path.as_str(), norm.as_str()] {
            key.update(part.as_bytes());
            key.update(&[0]);
        }
        let n = seen.entry(key.digest128()).or_insert(0);
        let mut h = Sha256::new();
        for part in [f.rule.as_str(), f.path.as_str(), norm.as_str()] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(n.to_string().as_bytes());
        *n += 1;
        let digest = h.finalize();
        let mut fingerprint = String::with_capacity(16);
        for b in &digest[..8] {
            fingerprint.push(HEX[usize::from(b >> 4)] as char);
            fingerprint.push(HEX[usize::from(b & 0xf)] as char);
        }
        f.fingerprint = fingerprint;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: usize, text: &str) -> Finding {
        Finding {
            rule: "DKR001".into(),
            name: "root-user".into(),
            category: Category::Container,
            severity: Severity::Warning,
            message: "m".into(),
            path: "Dockerfile".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            help: "h".into(),
            fingerprint: String::new(),
            line_text: text.into(),
            statement_line: line,
            span: (0, 0),
            fix: None,
            repository: false,
        }
    }

    #[test]
    fn fingerprints_survive_moves_and_distinguish_repeats() {
        let mut a = vec![finding(3, "USER  root"), finding(9, "USER root")];
        finalise(&mut a);
        let mut b = vec![finding(5, "USER root")];
        finalise(&mut b);
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
        assert_ne!(a[0].fingerprint, a[1].fingerprint);
        assert_eq!(a[0].fingerprint.len(), 16);
    }
}
