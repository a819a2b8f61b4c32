//! The fix model: a finding may carry a [`Fix`], a list of text edits (a byte span of
//! the file and its replacement) and a [`Safety`]. `check --fix` applies the safe ones,
//! `--unsafe-fixes` also the unsafe ones, `--diff` shows what would change. A rule says
//! in its metadata whether it can fix and how safely ([`FixAvailability`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::Span;

/// Whether applying a fix keeps the program's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Safety {
    /// Same behaviour, better form: applied by `--fix`.
    Safe,
    /// May change behaviour: applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule declares about its fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixAvailability {
    /// The rule has no fix.
    #[default]
    None,
    /// Its fixes are safe.
    Safe,
    /// Its fixes are unsafe.
    Unsafe,
    /// Some of its findings have a safe fix, others an unsafe one.
    Sometimes,
}

impl FixAvailability {
    /// `none`, `safe`, `unsafe` or `sometimes` (as `rules` and `explain` print it).
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::Sometimes => "sometimes",
        }
    }

    /// One sentence for `explain`, or `None` for a rule without a fix.
    pub fn describe(self) -> Option<&'static str> {
        match self {
            FixAvailability::None => None,
            FixAvailability::Safe => Some("safe: `readylint check --fix` applies it"),
            FixAvailability::Unsafe => {
                Some("unsafe: `readylint check --fix --unsafe-fixes` applies it; review the change")
            }
            FixAvailability::Sometimes => Some(
                "sometimes safe (`--fix` applies those), sometimes unsafe (`--unsafe-fixes` also applies those)",
            ),
        }
    }
}

/// One text edit: replace the bytes of `span` with `content` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            span,
            content: content.into(),
        }
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit::replace(at..at, content)
    }
}

/// A fix: edits of one file, applied all together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub safety: Safety,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Fix {
        Fix {
            safety: Safety::Safe,
            edits,
        }
    }

    pub fn unsafe_(edits: Vec<Edit>) -> Fix {
        Fix {
            safety: Safety::Unsafe,
            edits,
        }
    }

    /// The byte range the edits touch, from the first start to the last end.
    pub fn range(&self) -> Span {
        let start = self.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
        start..end
    }
}

/// Applies `fixes` to `text` in order of position: a fix whose range overlaps (or
/// touches at an insertion point) one already taken is skipped, for the next pass.
/// Returns the new text and how many fixes were applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut order: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| {
            !f.edits.is_empty()
                && f.edits.iter().all(|e| {
                    e.span.start <= e.span.end
                        && e.span.end <= text.len()
                        && text.is_char_boundary(e.span.start)
                        && text.is_char_boundary(e.span.end)
                })
        })
        .collect();
    order.sort_by_key(|f| (f.range().start, f.range().end));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    // Where the last fix taken ends, and whether it inserts there (two insertions at
    // one point, or an insertion and a replacement starting there, have no order).
    let mut last_end: Option<(usize, bool)> = None;
    for f in order {
        let r = f.range();
        let starts_with_insert = f
            .edits
            .iter()
            .any(|e| e.span.is_empty() && e.span.start == r.start);
        if last_end.is_some_and(|(end, inserts)| {
            r.start < end || (r.start == end && (inserts || starts_with_insert))
        }) {
            continue;
        }
        let mut edits: Vec<&Edit> = f.edits.iter().collect();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        if edits.windows(2).any(|w| w[1].span.start < w[0].span.end) {
            continue;
        }
        taken.extend(edits);
        let inserts_at_end = f
            .edits
            .iter()
            .any(|e| e.span.is_empty() && e.span.end == r.end);
        last_end = Some((r.end, inserts_at_end));
        applied += 1;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in taken {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.content);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let a = Fix::safe(vec![Edit::replace(0..3, "ADD")]);
        let b = Fix::safe(vec![Edit::replace(1..2, "x")]);
        let c = Fix::safe(vec![Edit::insert(5, "!"), Edit::replace(6..7, "Z")]);
        let (out, n) = apply("abc d e f", &[&b, &a, &c]);
        assert_eq!(n, 2);
        assert_eq!(out, "ADD d! Z f");
    }

    #[test]
    fn edits_out_of_the_text_are_dropped() {
        let a = Fix::safe(vec![Edit::replace(2..99, "x")]);
        assert_eq!(apply("abc", &[&a]), ("abc".to_string(), 0));
    }
}
