//! Source files as the rules see them: the repository-relative path, the text read once
//! from disk, and a line index that turns byte offsets into 1-based line and column.
//!
//! Once a file is checked, its text is let go (see [`SourceFile::unloaded`]): the run's
//! memory then grows with the files in flight, not with the tree. A repository rule, a
//! suppression or an output that needs the text of such a file later reads it again,
//! once.

use std::ops::{Deref, Range};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A byte range into a [`SourceFile`]'s text.
pub type Span = Range<usize>;

/// A 1-based position: line, and column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One file of the scanned repository, read once.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the scan root, with `/` separators (shared by the file's
    /// findings).
    pub rel_path: Arc<str>,
    /// Path on disk.
    pub abs_path: PathBuf,
    pub text: Text,
    /// Byte offset of each line's start, built on first use (a file whose results come
    /// from the cache may never need it).
    line_starts: OnceLock<Vec<usize>>,
}

/// The text of a [`SourceFile`]: as read, or, for a file whose text was let go, read
/// again from disk on first use. It dereferences to `str`.
#[derive(Debug)]
pub struct Text {
    cell: OnceLock<Arc<str>>,
    /// Where to read it again; `None` for a text that was never on disk.
    path: Option<PathBuf>,
}

impl Text {
    fn loaded(text: String, path: Option<PathBuf>) -> Text {
        Text {
            cell: OnceLock::from(Arc::<str>::from(text)),
            path,
        }
    }

    /// The text, shared.
    pub fn shared(&self) -> Arc<str> {
        Arc::clone(self.get())
    }

    fn get(&self) -> &Arc<str> {
        self.cell.get_or_init(|| {
            // The file was read once already, as UTF-8 text; one that changed since
            // then reads as what it is now, or as nothing.
            self.path
                .as_deref()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
                .into()
        })
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.get()
    }
}

impl SourceFile {
    pub fn new(rel_path: impl Into<Arc<str>>, abs_path: impl Into<PathBuf>, text: String) -> Self {
        let abs_path = abs_path.into();
        Self {
            rel_path: rel_path.into(),
            text: Text::loaded(text, Some(abs_path.clone())),
            abs_path,
            line_starts: OnceLock::new(),
        }
    }

    /// A file whose text is read from `abs_path` only when something asks for it: one
    /// whose results are known (from the cache), or whose text was let go after its
    /// check.
    pub fn unloaded(rel_path: impl Into<Arc<str>>, abs_path: impl Into<PathBuf>) -> Self {
        let abs_path: PathBuf = abs_path.into();
        Self {
            rel_path: rel_path.into(),
            text: Text {
                cell: OnceLock::new(),
                path: Some(abs_path.clone()),
            },
            abs_path,
            line_starts: OnceLock::new(),
        }
    }

    /// This file without its text (read again if asked for): see [`Self::unloaded`].
    pub fn without_text(&self) -> Self {
        Self::unloaded(Arc::clone(&self.rel_path), self.abs_path.clone())
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = Vec::with_capacity(self.text.len() / 32 + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        let n = self.line_starts().len();
        if n > 1 && self.line_starts()[n - 1] == self.text.len() {
            n - 1
        } else {
            n
        }
    }

    /// The 1-based line holding byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Line and column of byte `offset`; offsets inside a UTF-8 sequence round down.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_starts()[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Position { line, column }
    }

    /// Byte range of 1-based `line`, without its line terminator.
    pub fn line_span(&self, line: usize) -> Span {
        if line == 0 || line > self.line_starts().len() {
            return self.text.len()..self.text.len();
        }
        let start = self.line_starts()[line - 1];
        let mut end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// Text of 1-based `line`, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_span(line)]
    }

    /// Byte offset of the start of 1-based `line`.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_span(line).start
    }
}

/// Names to look for as whole words in many texts, in one pass over each, the searcher
/// built once: what a search for the uses of names (commands, functions) finds, in
/// code, configuration, comments and prose alike.
pub struct WordsFinder {
    /// The distinct names made of identifier characters only, searched together: the
    /// first slots of [`WordsFinder::counts`], by pattern number.
    words: Option<aho_corasick::AhoCorasick>,
    /// The distinct other names (`sync-counts`), each on its own, in the slots after.
    others: Vec<memchr::memmem::Finder<'static>>,
    /// For each name given, its slot in [`WordsFinder::counts`].
    index: Vec<usize>,
}

impl WordsFinder {
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> WordsFinder {
        let names: Vec<&str> = names.into_iter().collect();
        let is_word = |n: &&str| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let mut distinct: Vec<&str> = names.iter().copied().filter(|n| !n.is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        // Words first, so that their slots are the automaton's pattern numbers.
        let (mut words, mut others): (Vec<&str>, Vec<&str>) =
            distinct.into_iter().partition(is_word);
        // Leftmost-longest, without overlaps: a match of names made of identifier
        // characters lies within one run of them, so the longest match where a run
        // starts is the run itself when it is a name; no whole-word occurrence is
        // hidden by another match. An automaton that cannot be built (too many names)
        // leaves them to be searched one by one.
        let automaton = (!words.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&words)
                    .ok()
            })
            .flatten();
        if automaton.is_none() {
            others.splice(0..0, words.drain(..));
        }
        let slots: rustc_hash::FxHashMap<&str, usize> = words
            .iter()
            .chain(&others)
            .enumerate()
            .map(|(i, n)| (*n, i))
            .collect();
        let index = names
            .iter()
            .map(|n| slots.get(n).copied().unwrap_or(slots.len()))
            .collect();
        WordsFinder {
            words: automaton,
            others: others
                .iter()
                .map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
                .collect(),
            index,
        }
    }

    /// The slot in [`WordsFinder::counts`] of the `i`-th name given (a name given
    /// twice has one slot; an empty name's is always 0).
    pub fn index(&self, i: usize) -> usize {
        self.index[i]
    }

    /// How many times `text` holds each distinct name as a whole word, not inside a
    /// longer identifier (see [`WordsFinder::index`]).
    pub fn counts(&self, text: &[u8]) -> Vec<usize> {
        let words = self.words.as_ref().map_or(0, |ac| ac.patterns_len());
        let mut counts = vec![0; words + self.others.len() + 1];
        if let Some(ac) = &self.words {
            for m in ac.find_iter(text) {
                if whole_word(text, m.start(), m.len()) {
                    counts[m.pattern().as_usize()] += 1;
                }
            }
        }
        for (i, finder) in self.others.iter().enumerate() {
            let len = finder.needle().len();
            counts[words + i] = finder
                .find_iter(text)
                .filter(|&at| whole_word(text, at, len))
                .count();
        }
        counts
    }
}

/// Whether `text[at..at + len]` is not inside a longer identifier.
fn whole_word(text: &[u8], at: usize, len: usize) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let before = at.checked_sub(1).map(|i| text[i]);
    let after = text.get(at + len).copied();
    !before.is_some_and(word) && !after.is_some_and(word)
}

/// The directory part of a repository-relative path ("" at the root).
pub fn parent_dir(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `rel` (`./x`, `../y/z`, `a/b`) taken from the directory `dir` of the repository
/// ("" is the root), `.` and `..` resolved: a repository-relative path.
pub fn join_path(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The file name of a repository-relative path.
pub fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or(rel_path, |(_, f)| f)
}

/// Whether `name` starts with `prefix`, ignoring ASCII case (nothing is allocated).
pub fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `name` ends with `suffix`, ignoring ASCII case (nothing is allocated).
pub fn ends_with_ignore_case(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("x", "x", text.to_string())
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = file("ab\nçd\r\nx");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // 'ç' is two bytes: the 'd' after it is column 2.
        assert_eq!(f.position(5), Position { line: 2, column: 2 });
        assert_eq!(f.position(8), Position { line: 3, column: 1 });
        assert_eq!(f.line_text(2), "çd");
        assert_eq!(f.line_count(), 3);
    }

    #[test]
    fn offsets_past_the_end_and_inside_characters_are_clamped() {
        let f = file("é\n");
        assert_eq!(f.position(1), Position { line: 1, column: 1 });
        assert_eq!(f.position(99), Position { line: 2, column: 1 });
        assert_eq!(f.line_count(), 1);
        assert_eq!(f.line_text(7), "");
    }
}
