//! Inline suppressions: `# readylint: ignore[RULE, ...] -- reason` on the flagged line or
//! alone on the line above it, `# readylint: ignore-file[RULE]` for a whole file, and the
//! bookkeeping that reports a suppression that silenced nothing (RDY002).
//!
//! Front ends hand over the comments they parsed; this module only reads their text.

use crate::source::{SourceFile, Span};

/// A comment a front end found, and whether it stands alone on its line.
#[derive(Debug, Clone)]
pub struct Comment {
    pub span: Span,
    pub own_line: bool,
}

/// What a directive silences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Findings starting on this 1-based line (or whose statement starts on it).
    Line(usize),
    File,
}

/// One parsed `readylint:` directive.
#[derive(Debug, Clone)]
pub struct Directive {
    pub scope: Scope,
    /// Rule codes or names as written; empty means every rule.
    pub rules: Vec<String>,
    pub span: Span,
    /// Which of `rules` (or, for a blanket directive, whether it) silenced something.
    pub used: Vec<bool>,
}

impl Directive {
    /// Whether this directive silences `code` (`name`) at `line`/`statement_line`, marking
    /// the matching entry as used.
    pub fn silences(&mut self, code: &str, name: &str, line: usize, statement_line: usize) -> bool {
        let in_scope = match self.scope {
            Scope::File => true,
            Scope::Line(l) => l == line || l == statement_line,
        };
        if !in_scope {
            return false;
        }
        if self.rules.is_empty() {
            self.used[0] = true;
            return true;
        }
        let mut hit = false;
        for (i, r) in self.rules.iter().enumerate() {
            if r.eq_ignore_ascii_case(code) || r == name {
                self.used[i] = true;
                hit = true;
            }
        }
        hit
    }
}

/// Parses the directives in `comments`.
pub fn directives(source: &SourceFile, comments: &[Comment]) -> Vec<Directive> {
    let mut out = Vec::new();
    for c in comments {
        let Some(text) = source.text.get(c.span.clone()) else {
            continue;
        };
        let Some(at) = text.find("readylint:") else {
            continue;
        };
        // Only `#`/`//` comment markers and spaces may stand before the directive.
        if !text[..at]
            .trim()
            .trim_start_matches(['#', '/', '!'])
            .trim()
            .is_empty()
        {
            continue;
        }
        let rest = text[at + "readylint:".len()..].trim_start();
        let (is_file, after) = if let Some(r) = rest.strip_prefix("ignore-file") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("ignore") {
            (false, r)
        } else {
            continue;
        };
        let rules: Vec<String> = match after.strip_prefix('[') {
            Some(list) => {
                let Some(end) = list.find(']') else { continue };
                list[..end]
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            None if after.is_empty()
                || after.starts_with(char::is_whitespace)
                || after.starts_with("--") =>
            {
                Vec::new()
            }
            None => continue,
        };
        let line = source.line_of(c.span.start);
        let scope = if is_file {
            Scope::File
        } else if c.own_line {
            Scope::Line(next_code_line(source, line, comments))
        } else {
            Scope::Line(line)
        };
        let used = vec![false; rules.len().max(1)];
        let start = c.span.start + at;
        out.push(Directive {
            scope,
            rules,
            span: start..c.span.end,
            used,
        });
    }
    out
}

/// Comments of a `#`-comment language whose strings are single-line (TOML,
/// requirements files): from a `#` outside quotes to the end of the line.
pub fn hash_comments(source: &SourceFile) -> Vec<Comment> {
    let mut out = Vec::new();
    for line in 1..=source.line_count() {
        let span = source.line_span(line);
        let text = &source.text[span.clone()];
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in text.char_indices() {
            match quote {
                Some(q) if c == q && prev != '\\' => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' => {
                    out.push(Comment {
                        span: span.start + i..span.end,
                        own_line: text[..i].trim().is_empty(),
                    });
                    break;
                }
                None => {}
            }
            prev = c;
        }
    }
    out
}

/// Comments that may hold `readylint:` directives: a `#` at the start of a line or after
/// whitespace, to the end of the line.
pub fn yaml_comments(source: &SourceFile) -> Vec<Comment> {
    let mut out = Vec::new();
    for line in 1..=source.line_count() {
        let span = source.line_span(line);
        let text = &source.text[span.clone()];
        let Some(at) = text.find("readylint:") else {
            continue;
        };
        let Some(hash) = text[..at].rfind('#') else {
            continue;
        };
        if hash > 0 && !text[..hash].ends_with([' ', '\t']) {
            continue;
        }
        out.push(Comment {
            span: span.start + hash..span.end,
            own_line: text[..hash].trim().is_empty(),
        });
    }
    out
}

/// Comments of a file in an unknown language: a `#` or `//` marker directly before
/// `readylint:`.
pub fn marker_comments(source: &SourceFile) -> Vec<Comment> {
    let mut out = Vec::new();
    for line in 1..=source.line_count() {
        let span = source.line_span(line);
        let text = &source.text[span.clone()];
        let Some(at) = text.find("readylint:") else {
            continue;
        };
        let before = text[..at].trim_end();
        let marker = if before.ends_with("//") {
            before.len() - 2
        } else if before.ends_with('#') {
            before.len() - 1
        } else {
            continue;
        };
        out.push(Comment {
            span: span.start + marker..span.end,
            own_line: text[..marker].trim().is_empty(),
        });
    }
    out
}

/// The first line after `line` that is neither blank nor a whole-line comment.
fn next_code_line(source: &SourceFile, line: usize, comments: &[Comment]) -> usize {
    let mut l = line + 1;
    while l <= source.line_count() {
        let blank = source.line_text(l).trim().is_empty();
        let comment = comments
            .iter()
            .any(|c| c.own_line && source.line_of(c.span.start) == l);
        if !blank && !comment {
            return l;
        }
        l += 1;
    }
    line + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, own: &[usize]) -> Vec<Directive> {
        let f = SourceFile::new("f", "f", text.to_string());
        let comments: Vec<Comment> = (1..=f.line_count())
            .filter_map(|l| {
                let span = f.line_span(l);
                let t = &f.text[span.clone()];
                t.find('#').map(|i| Comment {
                    span: span.start + i..span.end,
                    own_line: own.contains(&l),
                })
            })
            .collect();
        directives(&f, &comments)
    }

    #[test]
    fn directive_forms() {
        let d = parse(
            "# readylint: ignore[DKR001, root-user] -- base image is non-root\n\n# other\nFROM x\nRUN a # readylint: ignore\n# readylint: ignore-file[DKR003]\n# readylint: ignored\n",
            &[1, 3, 6, 7],
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].scope, Scope::Line(4));
        assert_eq!(d[0].rules, ["DKR001", "root-user"]);
        assert_eq!(d[1].scope, Scope::Line(5));
        assert!(d[1].rules.is_empty());
        assert_eq!(d[2].scope, Scope::File);
    }

    #[test]
    fn silences_marks_use() {
        let mut d = parse("# readylint: ignore[DKR001,DKR002]\nFROM x\n", &[1]).remove(0);
        assert!(d.silences("DKR002", "add-instead-of-copy", 2, 2));
        assert!(!d.silences("DKR003", "missing-healthcheck", 2, 2));
        assert!(!d.silences("DKR001", "root-user", 3, 3));
        assert_eq!(d.used, [false, true]);
    }
}
