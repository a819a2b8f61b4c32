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
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub help: Arc<str>,
    pub fingerprint: Fingerprint,
    /// The text of the flagged line, trimmed (for fingerprints, baselines and SARIF's
    /// line hash).
    #[serde(skip)]
    pub line_text: String,
    /// The first line of the enclosing statement, for suppressions placed above it.
    #[serde(skip)]
    pub statement_line: u32,
    /// Byte range in the file, for snippets.
    #[serde(skip)]
    pub span: (u32, u32),
    /// The fix the rule offers, if any (the JSON and SARIF outputs render it).
    #[serde(skip)]
    pub fix: Option<Box<FindingFix>>,
    /// Reported by a repository rule (phase 2, over the whole repository index): such a
    /// finding changes with other files, and only a scan of the whole project has all of
    /// them (the language server refreshes them on save).
    #[serde(skip)]
    pub repository: bool,
}

/// A line, a column or a byte offset as a [`Finding`] keeps it (four bytes: a run
/// holds and moves many findings). Files larger than [`crate::engine::MAX_FILE_SIZE`]
/// are not read; a larger value (a text in memory) is kept as `u32::MAX`.
pub fn position(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
    /// The flagged bytes of the file ([`Finding::span`]).
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        self.span.0 as usize..self.span.1 as usize
    }

    /// Ordering key: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, u32, u32) {
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
    normalise_into(text, &mut out);
    out
}

/// [`normalise_line`] into `out`, which it clears first.
fn normalise_into(text: &str, out: &mut String) {
    out.clear();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Sorts findings and gives each a fingerprint: a hash of rule, path, normalised line
/// text and the occurrence number of that triple, so unrelated edits above a finding
/// leave it unchanged.
pub fn finalise(findings: &mut Vec<Finding>) {
    finalise_with(findings, true);
}

/// [`finalise`], without the fingerprints when `fingerprints` is false (an output that
/// shows none: each is a SHA-256); they are left at their default.
pub fn finalise_with(findings: &mut Vec<Finding>, fingerprints: bool) {
    // Sorted by index, then each finding swapped into place along the permutation's
    // cycles: a finding is large to move, and no second vector of them is made. The
    // findings of a run usually come in order already (each file's are sorted, and the
    // files come in path order): then nothing moves.
    if !findings.is_sorted_by(|a, b| report_order(a, b).is_le()) {
        match sorted_order(findings) {
            Some(mut order) => permute(findings, &mut order, u32::MAX),
            None => {
                let mut order: Vec<usize> = (0..findings.len()).collect();
                order.sort_by(|&a, &b| report_order(&findings[a], &findings[b]));
                permute(findings, &mut order, usize::MAX);
            }
        }
    }
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
    if !fingerprints {
        return;
    }
    // Occurrences of each (rule, path, normalised line), keyed by a hash of the three.
    let mut seen: HashMap<u128, usize> = HashMap::with_capacity(findings.len());
    let mut norm = String::new();
    for f in findings.iter_mut() {
        normalise_into(&f.line_text, &mut norm);
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
        let mut digits = [0u8; 20];
        h.update(decimal(*n, &mut digits));
        *n += 1;
        let digest = h.finalize();
        let mut first = [0; 8];
        first.copy_from_slice(&digest[..8]);
        f.fingerprint = Fingerprint(u64::from_be_bytes(first));
    }
}

/// The order of the report: by [`Finding::sort_key`], then by message.
pub fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    // The findings of a file share their path.
    let path = if Arc::ptr_eq(&a.path, &b.path) {
        std::cmp::Ordering::Equal
    } else {
        a.path.cmp(&b.path)
    };
    path.then(a.line.cmp(&b.line))
        .then(a.column.cmp(&b.column))
        .then_with(|| a.rule.cmp(b.rule))
        .then(a.end_line.cmp(&b.end_line))
        .then(a.end_column.cmp(&b.end_column))
        .then_with(|| a.message.cmp(&b.message))
}

/// The indices of `findings` in the order of their [`Finding::sort_key`], then their
/// messages, equal findings in their order; `None` when their number is too large for
/// the small keys it sorts.
fn sorted_order(findings: &[Finding]) -> Option<Vec<u32>> {
    // Small keys, compared without following a pointer: a path and a rule code as
    // their ranks among the distinct ones (which order as the strings do); the message
    // is read only between equal keys, and the index makes every key distinct (so
    // that an unstable sort, which needs no room of its own, keeps equal findings in
    // their order).
    u32::try_from(findings.len())
        .ok()
        .filter(|n| *n != u32::MAX)?;
    let paths = Ranks::of(findings.iter().map(|f| &*f.path));
    let rules = Ranks::of(findings.iter().map(|f| f.rule));
    let mut keys: Vec<SortKey> = Vec::with_capacity(findings.len());
    for (i, f) in findings.iter().enumerate() {
        keys.push(SortKey {
            path: paths.rank(&f.path),
            line: f.line,
            column: f.column,
            rule: rules.rank(f.rule),
            end_line: f.end_line,
            end_column: f.end_column,
            index: i as u32,
        });
    }
    drop((paths, rules));
    keys.sort_unstable_by(|a, b| {
        a.cmp_fields(b)
            .then_with(|| {
                findings[a.index as usize]
                    .message
                    .cmp(&findings[b.index as usize].message)
            })
            .then(a.index.cmp(&b.index))
    });
    Some(keys.into_iter().map(|k| k.index).collect())
}

/// What [`sorted_order`] sorts by: a finding's [`Finding::sort_key`] with ranks for its
/// strings, and where the finding is.
struct SortKey {
    path: u32,
    line: u32,
    column: u32,
    rule: u32,
    end_line: u32,
    end_column: u32,
    index: u32,
}

impl SortKey {
    fn cmp_fields(&self, other: &SortKey) -> std::cmp::Ordering {
        (
            self.path,
            self.line,
            self.column,
            self.rule,
            self.end_line,
            self.end_column,
        )
            .cmp(&(
                other.path,
                other.line,
                other.column,
                other.rule,
                other.end_line,
                other.end_column,
            ))
    }
}

/// The distinct strings of some findings' field, sorted: a string's rank orders as the
/// string does, and equal strings have one rank. The findings of a file share their
/// path, and those of a rule its code: a string is looked up by where it is first.
struct Ranks<'f> {
    sorted: Vec<&'f str>,
    by_place: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize), u32>>,
}

impl<'f> Ranks<'f> {
    fn of(strings: impl Iterator<Item = &'f str>) -> Ranks<'f> {
        let mut places: rustc_hash::FxHashSet<(usize, usize)> = Default::default();
        let mut sorted: Vec<&str> = Vec::new();
        let mut last = (0, 0);
        for s in strings {
            let place = (s.as_ptr() as usize, s.len());
            if place != last && places.insert(place) {
                sorted.push(s);
            }
            last = place;
        }
        sorted.sort_unstable();
        sorted.dedup();
        Ranks {
            sorted,
            by_place: Default::default(),
        }
    }

    fn rank(&self, s: &str) -> u32 {
        let place = (s.as_ptr() as usize, s.len());
        *self.by_place.borrow_mut().entry(place).or_insert_with(|| {
            // Every string looked up is among them, and there are fewer than findings.
            self.sorted.binary_search(&s).unwrap_or_default() as u32
        })
    }
}

/// `n` in decimal, written into `buf`.
pub(crate) fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Reorders `items` so that position `i` holds what was at `order[i]`, in place (each
/// item moves once per cycle step); `order` is used up, each index replaced by `done`
/// (which is no index).
fn permute<T, I: Copy + Eq + TryInto<usize>>(items: &mut [T], order: &mut [I], done: I) {
    let index = |i: I| i.try_into().ok().unwrap_or_default();
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != done {
            let from = index(order[at]);
            order[at] = done;
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
        permute(&mut items, &mut order, usize::MAX);
        assert_eq!(items, ['d', 'a', 'e', 'b', 'c', 'f']);
        let mut order: Vec<u32> = vec![3, 0, 4, 1, 2, 5];
        let mut again = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        permute(&mut again, &mut order, u32::MAX);
        assert_eq!(again, items);
        let mut empty: Vec<char> = Vec::new();
        permute(&mut empty, &mut [], usize::MAX);
        assert!(empty.is_empty());
    }

    fn finding(line: u32, text: &str) -> Finding {
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
