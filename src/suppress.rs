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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    /// Findings starting on this 1-based line (or whose statement starts on it).
    Line(usize),
    File,
}

/// One parsed `readylint:` directive.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Directive {
    pub scope: Scope,
    /// Rule codes or names as written; empty means every rule.
    pub rules: Vec<String>,
    pub span: Span,
    /// Which of `rules` (or, for a blanket directive, whether it) silenced something.
    pub used: Vec<bool>,
    /// Another tool's suppression (`# noqa: BLE001`) honoured for the rules it maps
    /// to; never reported as unused, since it is there for that tool.
    pub foreign: bool,
    /// A comment that looks like a directive but cannot be parsed, and why (RDY004);
    /// it silences nothing.
    pub malformed: Option<String>,
}

impl Directive {
    /// Whether this directive silences `code` (`name`) at `line`/`statement_line`, marking
    /// the matching entry as used.
    pub fn silences(&mut self, code: &str, name: &str, line: u32, statement_line: u32) -> bool {
        if self.malformed.is_some() {
            return false;
        }
        let in_scope = match self.scope {
            Scope::File => true,
            Scope::Line(l) => l == line as usize || l == statement_line as usize,
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

/// Parses the directives in `comments`; with `foreign`, also other tools'
/// suppressions of the findings readylint's rules share with them ([`FOREIGN`]).
/// Whether `text` may hold a `readylint:` directive (in any case): false means it holds
/// none. A fast look, for files whose comments are read only for directives.
pub fn may_hold_directive(text: &str) -> bool {
    const MARK: &[u8] = b"readylint";
    let b = text.as_bytes();
    memchr::memchr_iter(b':', b)
        .any(|at| at >= MARK.len() && b[at - MARK.len()..at].eq_ignore_ascii_case(MARK))
}

pub fn directives(source: &SourceFile, comments: &[Comment], foreign: bool) -> Vec<Directive> {
    let mut out = Vec::new();
    for c in comments {
        let Some(text) = source.text.get(c.span.clone()) else {
            continue;
        };
        // BuildKit's own checks, skipped for the whole Dockerfile by a parser directive
        // at its top (`# check=skip=SecretsUsedInArgOrEnv`).
        if foreign
            && let Some(rules) = buildkit_skips(text)
            && leading(source, c.span.start)
        {
            out.push(Directive {
                scope: Scope::File,
                used: vec![false; rules.len().max(1)],
                rules: rules.into_iter().map(str::to_string).collect(),
                span: c.span.clone(),
                foreign: true,
                malformed: None,
            });
            continue;
        }
        if foreign && let Some(rules) = foreign_rules(text) {
            let line = source.line_of(c.span.start);
            let scope = if c.own_line {
                Scope::Line(next_code_line(source, line, comments))
            } else {
                Scope::Line(line)
            };
            out.push(Directive {
                scope,
                used: vec![false; rules.len().max(1)],
                rules: rules.into_iter().map(str::to_string).collect(),
                span: c.span.clone(),
                foreign: true,
                malformed: None,
            });
        }
        // `readylint:` in any case; `#`, `//`, `/*` or `!` markers and spaces before it.
        let lower = text.to_ascii_lowercase();
        let Some(at) = lower.find("readylint:") else {
            continue;
        };
        if !text[..at]
            .trim()
            .trim_start_matches(['#', '/', '!', '*'])
            .trim()
            .is_empty()
        {
            continue;
        }
        let rest_at = at + "readylint:".len();
        let rest = text[rest_at..].trim_start();
        // A block comment's closing `*/` is not part of the directive.
        let rest = rest
            .trim_end()
            .strip_suffix("*/")
            .unwrap_or(rest)
            .trim_end();
        let malformed = |why: &str| Directive {
            scope: Scope::Line(source.line_of(c.span.start)),
            rules: Vec::new(),
            span: c.span.start + at..c.span.end,
            used: vec![true],
            foreign: false,
            malformed: Some(why.to_string()),
        };
        let lower_rest = rest.to_ascii_lowercase();
        let (is_file, after) = if lower_rest.starts_with("ignore-file") {
            (true, &rest["ignore-file".len()..])
        } else if lower_rest.starts_with("ignore") {
            (false, &rest["ignore".len()..])
        } else {
            // Prose that happens to start with `readylint:` is not a directive; a word
            // close to `ignore` (`ignroe`, `ingore-file`) is a misspelt one.
            let word: String = lower_rest
                .chars()
                .take_while(|c| c.is_ascii_alphabetic() || *c == '-' || *c == '_')
                .collect();
            if edit_distance(&word, "ignore") <= 2 || edit_distance(&word, "ignore-file") <= 2 {
                out.push(malformed(
                    "expected `ignore[CODE, ...]` or `ignore-file[CODE, ...]` after `readylint:`",
                ));
            }
            continue;
        };
        let rules: Vec<String> = match after.strip_prefix('[') {
            Some(list) => {
                let Some(end) = list.find(']') else {
                    out.push(malformed("the list of rules is not closed with `]`"));
                    continue;
                };
                list[..end]
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            // `ignore`, `ignore -- reason`: every rule. `ignore DKR001` would silence
            // every rule while meaning one: malformed.
            None if after.trim().is_empty() || after.trim_start().starts_with("--") => Vec::new(),
            None => {
                out.push(malformed(
                    "expected `[CODE, ...]`, ` -- reason` or nothing after `ignore` (rules go in brackets)",
                ));
                continue;
            }
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
            foreign: false,
            malformed: None,
        });
    }
    out
}

/// Other tools' codes for the findings readylint's rules share with them: Ruff, flake8
/// and its plugins such as dlint (`# noqa: CODE`), pylint (`# pylint: disable=name`), bandit (`# nosec` and
/// `# nosec BXXX`), hadolint (`# hadolint ignore=DLXXXX`) and zizmor
/// (`# zizmor: ignore[audit]`). A `# noqa` or `# nosec` without codes stands for every
/// code of its tool.
pub const FOREIGN: &[(&str, &str, &[&str])] = &[
    // (tool, code, readylint rules)
    ("noqa", "E722", &["EXC001"]),
    ("noqa", "BLE001", &["EXC002", "EXC003"]),
    ("noqa", "S110", &["EXC003", "EXC002"]),
    ("noqa", "S112", &["EXC003", "EXC002"]),
    ("noqa", "S113", &["NET001"]),
    ("noqa", "S603", &["NET002"]),
    ("noqa", "T201", &["LOG001"]),
    ("noqa", "T203", &["LOG001"]),
    ("noqa", "G001", &["LOG002"]),
    ("noqa", "G002", &["LOG002"]),
    ("noqa", "G003", &["LOG002"]),
    ("noqa", "G004", &["LOG002"]),
    ("noqa", "TRY400", &["LOG003"]),
    ("noqa", "S105", &["CFG002"]),
    ("noqa", "S106", &["CFG002"]),
    ("noqa", "S107", &["CFG002"]),
    ("noqa", "S201", &["CFG001"]),
    ("noqa", "S323", &["NET004"]),
    ("noqa", "S501", &["NET004"]),
    // dlint: insecure `ssl` module attributes, `requests` with `verify=False`.
    ("noqa", "DUO122", &["NET004"]),
    ("noqa", "DUO123", &["NET004"]),
    ("pylint", "bare-except", &["EXC001"]),
    ("pylint", "W0702", &["EXC001"]),
    ("pylint", "broad-except", &["EXC002", "EXC003"]),
    ("pylint", "broad-exception-caught", &["EXC002", "EXC003"]),
    ("pylint", "W0703", &["EXC002", "EXC003"]),
    ("pylint", "W0718", &["EXC002", "EXC003"]),
    ("pylint", "logging-fstring-interpolation", &["LOG002"]),
    ("pylint", "logging-format-interpolation", &["LOG002"]),
    ("pylint", "logging-not-lazy", &["LOG002"]),
    ("pylint", "W1201", &["LOG002"]),
    ("pylint", "W1202", &["LOG002"]),
    ("pylint", "W1203", &["LOG002"]),
    ("pylint", "missing-timeout", &["NET001"]),
    ("pylint", "W3101", &["NET001"]),
    ("nosec", "B105", &["CFG002"]),
    ("nosec", "B106", &["CFG002"]),
    ("nosec", "B107", &["CFG002"]),
    ("nosec", "B110", &["EXC003", "EXC002"]),
    ("nosec", "B112", &["EXC003", "EXC002"]),
    ("nosec", "B113", &["NET001"]),
    ("nosec", "B201", &["CFG001"]),
    ("nosec", "B323", &["NET004"]),
    ("nosec", "B501", &["NET004"]),
    ("nosec", "B603", &["NET002"]),
    ("hadolint", "DL3002", &["DKR001"]),
    ("hadolint", "DL3004", &["DKR006"]),
    ("hadolint", "DL3006", &["DEP005"]),
    ("hadolint", "DL3007", &["DEP005"]),
    ("hadolint", "DL3008", &["DEP007"]),
    ("hadolint", "DL3013", &["DEP006"]),
    ("hadolint", "DL3016", &["DEP006"]),
    ("hadolint", "DL3018", &["DEP007"]),
    ("hadolint", "DL3020", &["DKR002"]),
    ("hadolint", "DL3025", &["DKR004"]),
    ("hadolint", "DL3028", &["DEP006"]),
    ("hadolint", "DL3033", &["DEP007"]),
    ("hadolint", "DL3037", &["DEP007"]),
    ("hadolint", "DL3041", &["DEP007"]),
    ("hadolint", "DL4006", &["DKR008"]),
    ("zizmor", "unpinned-uses", &["DEP008"]),
    ("zizmor", "excessive-permissions", &["CI006"]),
];

/// BuildKit's build checks that have a readylint rule, and that rule.
const BUILDKIT: [(&str, &str); 2] = [
    ("SecretsUsedInArgOrEnv", "DKR005"),
    ("JSONArgsRecommended", "DKR004"),
];

/// The readylint rules a BuildKit `# check=skip=A,B` directive (options separated by
/// `;`, `skip=all` for every check) stands for, if it is one.
fn buildkit_skips(comment: &str) -> Option<Vec<&'static str>> {
    let body = comment.trim_start_matches('#').trim();
    let options = body
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("check="))
        .map(|_| &body[6..])?;
    let mut rules: Vec<&'static str> = Vec::new();
    for option in options.split(';') {
        let Some((key, list)) = option.split_once('=') else {
            continue;
        };
        if !key.trim().eq_ignore_ascii_case("skip") {
            continue;
        }
        for check in list.split(',').map(str::trim) {
            rules.extend(
                BUILDKIT
                    .iter()
                    .filter(|(name, _)| check.eq_ignore_ascii_case("all") || check == *name)
                    .map(|(_, rule)| *rule),
            );
        }
    }
    rules.sort_unstable();
    rules.dedup();
    (!rules.is_empty()).then_some(rules)
}

/// Whether only comments and blank lines come before `offset`: where a Dockerfile's
/// parser directives stand.
fn leading(source: &SourceFile, offset: usize) -> bool {
    source.text[..offset]
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// The readylint rules another tool's suppression comment stands for, if it is one.
fn foreign_rules(comment: &str) -> Option<Vec<&'static str>> {
    // Most comments name no tool: skip them without lower-casing.
    const MARKERS: [&str; 6] = ["noqa", "NOQA", "pylint", "nosec", "hadolint", "zizmor"];
    if !MARKERS.iter().any(|m| comment.contains(m)) {
        return None;
    }
    let body = comment.trim_start_matches(['#', '/', '!', ' ']).trim();
    let lower = body.to_ascii_lowercase();
    let (tool, codes): (&str, Vec<String>) = if let Some(rest) = lower
        .find("noqa")
        .filter(|&i| i == 0 || body[..i].ends_with([' ', '#']))
        .map(|i| &body[i + 4..])
    {
        match rest.trim_start().strip_prefix(':') {
            Some(list) => ("noqa", split_codes(list)),
            None if rest.trim().is_empty() || rest.starts_with(' ') => ("noqa", Vec::new()),
            None => return None,
        }
    } else if let Some(i) = lower.find("pylint:") {
        let rest = body[i + 7..].trim_start();
        let list = rest
            .strip_prefix("disable=")
            .or_else(|| rest.strip_prefix("disable ="))?;
        ("pylint", split_codes(list))
    } else if let Some(i) = lower.find("nosec") {
        let rest = &body[i + 5..];
        ("nosec", split_codes(rest.trim_start_matches([':', ' '])))
    } else if let Some(i) = lower.find("hadolint ignore=") {
        ("hadolint", split_codes(&body[i + 16..]))
    } else if let Some(i) = lower.find("zizmor: ignore[") {
        let rest = &body[i + 15..];
        ("zizmor", split_codes(&rest[..rest.find(']')?]))
    } else {
        return None;
    };
    let blanket = codes.is_empty() && matches!(tool, "noqa" | "nosec");
    let mut rules: Vec<&'static str> = FOREIGN
        .iter()
        .filter(|(t, c, _)| {
            *t == tool && (blanket || codes.iter().any(|x| x.eq_ignore_ascii_case(c)))
        })
        .flat_map(|(_, _, r)| r.iter().copied())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    (!rules.is_empty()).then_some(rules)
}

/// `BLE001, S110` / `DL3008,DL3009` / `broad-except,bare-except`: codes up to the first
/// word that is not one.
fn split_codes(list: &str) -> Vec<String> {
    list.split([',', ' '])
        .map(str::trim)
        .take_while(|c| {
            c.is_empty()
                || c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        })
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Levenshtein distance between two short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
        directives(&f, &comments, true)
    }

    #[test]
    fn directive_forms() {
        let d = parse(
            "# readylint: ignore[DKR001, root-user] -- base image is non-root\n\n# other\nFROM x\nRUN a # readylint: ignore\n# readylint: ignore-file[DKR003]\n# readylint: ignored\n",
            &[1, 3, 6, 7],
        );
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].scope, Scope::Line(4));
        assert_eq!(d[0].rules, ["DKR001", "root-user"]);
        assert_eq!(d[1].scope, Scope::Line(5));
        assert!(d[1].rules.is_empty());
        assert_eq!(d[2].scope, Scope::File);
        // `ignored` is not `ignore`: reported as malformed, never silently dropped.
        assert!(d[3].malformed.is_some());
        // Prose that starts with `readylint:` is not a directive at all.
        assert!(parse("# readylint: a production-readiness linter\n", &[1]).is_empty());
    }

    #[test]
    fn a_quick_look_for_directives() {
        assert!(super::may_hold_directive(
            "x = 1  # ReadyLint: ignore[EXC001]\n"
        ));
        assert!(super::may_hold_directive("readylint:"));
        assert!(!super::may_hold_directive(
            "# readylint is a linter: it lints\n"
        ));
        assert!(!super::may_hold_directive("eadylint:"));
        assert!(!super::may_hold_directive(""));
    }

    #[test]
    fn directives_in_any_case_and_in_block_comments() {
        let d = parse(
            "x = 1  # READYLINT: IGNORE[EXC001]
",
            &[],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rules, ["EXC001"]);
        let f = SourceFile::new(
            "a.rs",
            "a.rs",
            "let x = y.ok(); /* readylint: ignore[EXC102] */\n".replace("\\n", "\n"),
        );
        let at = f.text.find("/*").expect("comment");
        let comments = [Comment {
            span: at..f.text.trim_end().len(),
            own_line: false,
        }];
        let d = directives(&f, &comments, false);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rules, ["EXC102"]);
        assert!(d[0].malformed.is_none());
        for bad in [
            "# readylint: ignroe[DKR001]\n",
            "# readylint: ignore[DKR001\n",
            "# readylint: ignore DKR001\n",
        ] {
            let d = parse(&bad.replace("\\n", "\n"), &[1]);
            assert_eq!(d.len(), 1, "{bad}");
            assert!(d[0].malformed.is_some(), "{bad}");
        }
    }

    #[test]
    fn foreign_suppressions_map_to_rules() {
        assert_eq!(
            foreign_rules("# noqa: BLE001, S110"),
            Some(vec!["EXC002", "EXC003"])
        );
        assert_eq!(foreign_rules("# noqa:E722"), Some(vec!["EXC001"]));
        assert!(foreign_rules("# noqa").unwrap().contains(&"NET001"));
        assert_eq!(foreign_rules("# noqa: E501"), None);
        assert_eq!(foreign_rules("# nosec B113"), Some(vec!["NET001"]));
        assert!(foreign_rules("# nosec").unwrap().contains(&"CFG002"));
        assert_eq!(
            foreign_rules("# pylint: disable=broad-except,bare-except"),
            Some(vec!["EXC001", "EXC002", "EXC003"])
        );
        assert_eq!(
            foreign_rules("# hadolint ignore=DL3008,DL3002"),
            Some(vec!["DEP007", "DKR001"])
        );
        assert_eq!(
            foreign_rules("# zizmor: ignore[unpinned-uses]"),
            Some(vec!["DEP008"])
        );
        assert_eq!(foreign_rules("# a comment about noqa-like things"), None);
        // Own-line: the next code line; never reported as unused.
        let f = SourceFile::new(
            "Dockerfile",
            "Dockerfile",
            "FROM alpine:3.20\n# hadolint ignore=DL3002\nUSER root\n".into(),
        );
        let comments = [Comment {
            span: f.line_span(2),
            own_line: true,
        }];
        let d = directives(&f, &comments, true);
        assert_eq!(d.len(), 1);
        assert!(d[0].foreign);
        assert_eq!(d[0].scope, Scope::Line(3));
        assert!(directives(&f, &comments, false).is_empty());
    }

    #[test]
    fn buildkit_check_directives_skip_the_whole_file() {
        assert_eq!(
            buildkit_skips("# check=skip=SecretsUsedInArgOrEnv"),
            Some(vec!["DKR005"])
        );
        assert_eq!(
            buildkit_skips("# check=skip=JSONArgsRecommended,SecretsUsedInArgOrEnv;error=true"),
            Some(vec!["DKR004", "DKR005"])
        );
        assert_eq!(
            buildkit_skips("# check=skip=all"),
            Some(vec!["DKR004", "DKR005"])
        );
        assert_eq!(buildkit_skips("# check=skip=FromAsCasing"), None);
        assert_eq!(buildkit_skips("# check=error=true"), None);
        assert_eq!(buildkit_skips("# checks the secret"), None);
        let text = "# syntax=docker/dockerfile:1\n# check=skip=SecretsUsedInArgOrEnv\nFROM x\n# check=skip=JSONArgsRecommended\nCMD y\n";
        let f = SourceFile::new("Dockerfile", "Dockerfile", text.into());
        let comments: Vec<Comment> = [1, 2, 4]
            .iter()
            .map(|&l| Comment {
                span: f.line_span(l),
                own_line: true,
            })
            .collect();
        let d = directives(&f, &comments, true);
        // Only the directive at the top counts: after `FROM` it is a comment.
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].scope, Scope::File);
        assert_eq!(d[0].rules, ["DKR005"]);
        assert!(directives(&f, &comments, false).is_empty());
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
