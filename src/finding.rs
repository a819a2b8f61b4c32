//! Findings as the outputs see them: every field of SPEC §4, a stable fingerprint, and
//! the deterministic order (path, line, column, rule).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rule::{Category, Severity};

/// A finding. What many findings have in common is shared rather than copied: the
/// rule's code and name are the rule's own, the path is its file's, and the help is
/// shared by the findings of a rule wherever the cache could.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub path: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Arc<str>,
    pub fingerprint: Fingerprint,
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

/// A finding's fingerprint (see [`finalise`]): the first 8 bytes of a SHA-256, shown
/// as 16 hexadecimal digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fingerprint(pub u64);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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
            self.rule,
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
    // Sorted by index, then each finding swapped into place along the permutation's
    // cycles: a finding is large to move, and no second vector of them is made.
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&findings[a], &findings[b]);
        a.sort_key()
            .cmp(&b.sort_key())
            .then(a.message.cmp(&b.message))
    });
    permute(findings, &mut order);
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    // Occurrences of each (rule, path, normalised line), keyed by a hash of the three
    // (one allocation per finding: the normalised line).
    let mut seen: HashMap<u128, usize> = HashMap::with_capacity(findings.len());
    for f in findings.iter_mut() {
        let norm = normalise_line(&f.line_text);
        let mut key = xxhash_rust::xxh3::Xxh3::new();
        for part in [f.rule, &f.path, norm.as_str()] {
            key.update(part.as_bytes());
            key.update(&[0]);
        }
        let n = seen.entry(key.digest128()).or_insert(0);
        let mut h = Sha256::new();
        for part in [f.rule, &f.path, norm.as_str()] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(n.to_string().as_bytes());
        *n += 1;
        let digest = h.finalize();
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        f.fingerprint = Fingerprint(u64::from_be_bytes(first));
    }
}

/// Reorders `items` so that position `i` holds what was at `order[i]`, in place (each
/// item moves once per cycle step); `order` is used up.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        let mut order = vec![3, 0, 4, 1, 2, 5];
        permute(&mut items, &mut order);
        assert_eq!(items, ['d', 'a', 'e', 'b', 'c', 'f']);
        let mut empty: Vec<char> = Vec::new();
        permute(&mut empty, &mut []);
        assert!(empty.is_empty());
    }

    fn finding(line: usize, text: &str) -> Finding {
        Finding {
            rule: "DKR001",
            name: "root-user",
            category: Category::Container,
            severity: Severity::Warning,
            message: "m".into(),
            path: "Dockerfile".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            help: "h".into(),
            fingerprint: Fingerprint::default(),
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
        assert_eq!(a[0].fingerprint.to_string().len(), 16);
    }
}
