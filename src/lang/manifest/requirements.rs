//! pip requirements files, as pip reads them: `\` continuations joined, comments
//! (`#` at the start or after whitespace) dropped, then each logical line is an option
//! (`-r`/`-c` includes, `-e`, `--index-url`, …) or a requirement with its own options
//! (`--hash`). Every entry keeps the byte span of its text in the file.

use crate::source::Span;

/// One meaningful entry of a requirements file.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A named requirement (PEP 508): `flask[async]>=2; python_version >= "3.8"`.
    Requirement(Requirement),
    /// A URL: a VCS URL (`git+https://…@ref`), an archive, or `name @ url`.
    Url {
        name: Option<String>,
        url: String,
        span: Span,
        /// Names a commit, a version tag or a versioned archive.
        pinned: bool,
    },
    /// A local path, `.`, or a wheel/archive file; `-e` of one.
    Local { path: String, span: Span },
    /// `-r FILE` (`constraint: false`) or `-c FILE` (`constraint: true`).
    Include {
        path: String,
        span: Span,
        constraint: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The name as written.
    pub name: String,
    /// The name normalised (PEP 503: lower case, runs of `-_.` as `-`).
    pub key: String,
    /// The version specifier as written (`>=2`, `==1.0`, "" for none).
    pub specifier: String,
    /// From the name to the end of the specifier (or of the marker).
    pub span: Span,
    /// The specifier's own span (empty, where one would go, when there is none).
    pub specifier_span: Span,
    /// `==x` (without a wildcard) or `===x`.
    pub pinned: bool,
    pub has_hash: bool,
}

/// A parsed requirements file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequirementsFile {
    pub entries: Vec<Entry>,
}

impl RequirementsFile {
    pub fn parse(text: &str) -> RequirementsFile {
        let mut entries = Vec::new();
        for line in logical_lines(text) {
            parse_line(&line, &mut entries);
        }
        RequirementsFile { entries }
    }

    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Requirement(r) => Some(r),
            _ => None,
        })
    }

    /// Whether the file installs something and pins all of it (a lock, as far as a
    /// `pyproject.toml` beside it is concerned).
    /// Whether every named requirement is pinned (there is one at least); URL and git
    /// lines aside, which are reported on their own. `pip freeze` output with the git
    /// requirements appended to it is a lock of the names.
    pub fn names_pinned(&self) -> bool {
        let mut names = self.requirements().peekable();
        names.peek().is_some() && names.all(|r| r.pinned)
    }

    pub fn fully_pinned(&self) -> bool {
        let mut any = false;
        for e in &self.entries {
            match e {
                Entry::Requirement(r) if !r.pinned => return false,
                Entry::Url { pinned: false, .. } => return false,
                Entry::Requirement(_) | Entry::Url { .. } => any = true,
                _ => {}
            }
        }
        any
    }
}

/// PEP 503 normalisation of a project name.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// A logical line: its text (comment removed) and, for each byte, the file offset.
struct Line {
    text: String,
    offsets: Vec<usize>,
}

impl Line {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        let start = self.offsets.get(range.start).copied().unwrap_or(0);
        let end = if range.end == 0 {
            start
        } else {
            self.offsets.get(range.end - 1).map_or(start, |o| o + 1)
        };
        start..end.max(start)
    }
}

fn logical_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut cur = Line {
        text: String::new(),
        offsets: Vec::new(),
    };
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        // A comment starts at `#` at the start of the line or after whitespace.
        let mut end = body.len();
        let bytes = body.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
                end = i;
                break;
            }
        }
        let content = &body[..end];
        let (content, continues) = match content.strip_suffix('\\') {
            Some(c) if end == body.len() => (c, true),
            _ => (content, false),
        };
        cur.text.push_str(content);
        cur.offsets
            .extend((0..content.len()).map(|i| line_start + i));
        if continues {
            // pip joins the lines without the backslash; keep a separator for safety.
            cur.text.push(' ');
            cur.offsets.push(line_start + content.len());
        } else {
            out.push(std::mem::replace(
                &mut cur,
                Line {
                    text: String::new(),
                    offsets: Vec::new(),
                },
            ));
        }
    }
    if !cur.text.is_empty() {
        out.push(cur);
    }
    out
}

fn words(line: &Line) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((line.text[s..i].to_string(), s..i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((line.text[s..].to_string(), s..line.text.len()));
    }
    out
}

fn parse_line(line: &Line, out: &mut Vec<Entry>) {
    let ws = words(line);
    let Some((first, first_range)) = ws.first() else {
        return;
    };
    if first.starts_with('-') {
        let (opt, inline) = match first.split_once('=') {
            Some((o, v)) => (o.to_string(), Some(v.to_string())),
            None => (first.clone(), None),
        };
        // `-rfile` / `-cfile` / `-e.`
        let (opt, inline) = match (opt.as_str(), inline) {
            (o, None) if o.len() > 2 && !o.starts_with("--") && o.is_char_boundary(2) => {
                (o[..2].to_string(), Some(o[2..].to_string()))
            }
            (_, i) => (opt.clone(), i),
        };
        let value = inline
            .map(|v| (v, first_range.clone()))
            .or_else(|| ws.get(1).map(|(w, r)| (w.clone(), r.clone())));
        match opt.as_str() {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                if let Some((path, r)) = value {
                    out.push(Entry::Include {
                        path,
                        span: line.span(first_range.start..r.end),
                        constraint: opt == "-c" || opt == "--constraint",
                    });
                }
            }
            "-e" | "--editable" => {
                if let Some((target, r)) = value {
                    out.push(target_entry(&target, line.span(r)));
                }
            }
            _ => {}
        }
        return;
    }
    // The requirement is everything before the first option word (`--hash=…`).
    let req_end = ws
        .iter()
        .position(|(w, _)| w.starts_with("--") || w == "-h")
        .unwrap_or(ws.len());
    let has_hash = ws[req_end..].iter().any(|(w, _)| w.starts_with("--hash"));
    let Some(last) = ws.get(req_end.saturating_sub(1)).filter(|_| req_end > 0) else {
        return;
    };
    let range = first_range.start..last.1.end;
    let text = line.text[range.clone()].trim();
    let span = line.span(range);
    if looks_like_path_or_url(text) {
        // `url ; marker`: the marker (after a space, as PEP 508 asks of URLs) is not
        // part of the URL.
        let target = text
            .split_once(" ;")
            .map_or(text, |(url, _)| url.trim_end());
        out.push(target_entry(target, span));
        return;
    }
    out.push(parse_requirement(text, span, has_hash));
}

fn looks_like_path_or_url(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    first.contains("://")
        || first.starts_with('.')
        || first.starts_with('/')
        || first.starts_with('~')
        || first.starts_with("file:")
        || first.contains('/') && !first.contains(" @")
        || ARCHIVES
            .iter()
            .any(|e| first.to_ascii_lowercase().ends_with(e))
}

const ARCHIVES: [&str; 6] = [".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz"];

/// An `-e` target or a bare URL/path line.
fn target_entry(target: &str, span: Span) -> Entry {
    if target.contains("://") {
        let name = target
            .split_once("#egg=")
            .map(|(_, n)| n.split('&').next().unwrap_or(n).to_string());
        Entry::Url {
            name,
            url: target.to_string(),
            pinned: url_pinned(target),
            span,
        }
    } else {
        Entry::Local {
            path: target.to_string(),
            span,
        }
    }
}

/// Whether a URL names one build: a VCS URL with a commit or version tag after `@`
/// (or a ref in an environment variable, `@${AUTH_COMMIT}`, which pip expands and the
/// build sets), or a file URL of an archive (its name carries the version).
pub fn url_pinned(url: &str) -> bool {
    let url = url.split('#').next().unwrap_or(url);
    let lower = url.to_ascii_lowercase();
    let is_vcs = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| lower.starts_with(p));
    if is_vcs {
        // The ref follows the last `@` of the path (not the `user@` of the host).
        let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
        let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
        return path
            .rsplit_once('@')
            .is_some_and(|(_, r)| super::is_fixed_ref(r) || r.starts_with("${"));
    }
    if lower.starts_with("file:") {
        return true;
    }
    let file = lower.rsplit('/').next().unwrap_or("");
    let stem = ARCHIVES
        .iter()
        .find_map(|e| file.strip_suffix(e))
        .unwrap_or("");
    !stem.is_empty() && !matches!(stem, "main" | "master" | "head" | "develop" | "trunk")
}

/// A PEP 508 requirement string (`name[extras] spec; marker` or `name @ url`).
pub fn parse_requirement(text: &str, span: Span, has_hash: bool) -> Entry {
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let name = text[..name_end].to_string();
    let mut rest = text[name_end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| &rest[i + 1..]).trim_start();
    }
    // `name @ url`
    if let Some(url) = rest.strip_prefix('@') {
        let url = url.split(';').next().unwrap_or(url).trim().to_string();
        return Entry::Url {
            pinned: url_pinned(&url),
            name: Some(name),
            url,
            span,
        };
    }
    let raw = rest.split(';').next().unwrap_or("");
    let specifier = raw.trim().to_string();
    let spec_start = span.start + (text.len() - rest.len());
    let specifier_span = spec_start..spec_start + raw.trim_end().len();
    let pinned = specifier.split(',').any(|s| {
        let s = s.trim();
        s.starts_with("===") || s.starts_with("==") && !s.trim_end().ends_with(".*")
    });
    Entry::Requirement(Requirement {
        key: normalise(&name),
        name,
        specifier,
        span,
        specifier_span,
        pinned,
        has_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(text: &str) -> Vec<Entry> {
        RequirementsFile::parse(text).entries
    }

    #[test]
    fn a_url_with_a_marker_is_the_url() {
        let f = RequirementsFile::parse(
            "https://example.com/releases/download/v3.0.0/rasterio-1.3.10.zip ; sys_platform == \"win32\"\n",
        );
        match &f.entries[..] {
            [Entry::Url { url, pinned, .. }] => {
                assert_eq!(
                    url,
                    "https://example.com/releases/download/v3.0.0/rasterio-1.3.10.zip"
                );
                assert!(pinned);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn requirements_and_markers() {
        let text = "flask[async]>=2; python_version >= \"3.8\"  # web\nDjango==4.2.1\nfoo == 1.*\n";
        let e = reqs(text);
        let Entry::Requirement(r) = &e[0] else {
            panic!("{e:?}")
        };
        assert_eq!(r.name, "flask");
        assert_eq!(r.specifier, ">=2");
        assert!(!r.pinned);
        assert_eq!(
            &text[r.span.clone()],
            "flask[async]>=2; python_version >= \"3.8\""
        );
        let Entry::Requirement(r) = &e[1] else {
            panic!()
        };
        assert!(r.pinned);
        assert_eq!(r.key, "django");
        let Entry::Requirement(r) = &e[2] else {
            panic!()
        };
        assert!(!r.pinned, "wildcards are ranges");
    }

    #[test]
    fn continuations_and_hashes() {
        let text = "# comment\nattrs==23.1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via x\nidna==3.4 --hash=sha256:cc\n";
        let e = reqs(text);
        assert_eq!(e.len(), 2);
        let Entry::Requirement(r) = &e[0] else {
            panic!()
        };
        assert!(r.pinned && r.has_hash);
        assert_eq!(&text[r.span.clone()], "attrs==23.1.0");
        assert!(RequirementsFile::parse(text).fully_pinned());
    }

    #[test]
    fn options_urls_and_paths() {
        let text = "-r base.txt\n-c constraints.txt\n--requirement=dev.txt\n-rother.txt\n-i https://pypi.example/simple\n-e .\n-e git+https://github.com/o/r.git@main#egg=r\ngit+https://github.com/o/r.git@0123456789abcdef0123456789abcdef01234567\n./wheels/x-1.0-py3-none-any.whl\nmylib @ https://files.example/mylib-1.2.tar.gz\nother @ git+https://github.com/o/other\n";
        let e = reqs(text);
        let includes: Vec<(&str, bool)> = e
            .iter()
            .filter_map(|x| match x {
                Entry::Include {
                    path, constraint, ..
                } => Some((path.as_str(), *constraint)),
                _ => None,
            })
            .collect();
        assert_eq!(
            includes,
            [
                ("base.txt", false),
                ("constraints.txt", true),
                ("dev.txt", false),
                ("other.txt", false)
            ]
        );
        let urls: Vec<(Option<&str>, bool)> = e
            .iter()
            .filter_map(|x| match x {
                Entry::Url { name, pinned, .. } => Some((name.as_deref(), *pinned)),
                _ => None,
            })
            .collect();
        assert_eq!(
            urls,
            [
                (Some("r"), false),
                (None, true),
                (Some("mylib"), true),
                (Some("other"), false)
            ]
        );
        assert_eq!(
            e.iter()
                .filter(|x| matches!(x, Entry::Local { .. }))
                .count(),
            2
        );
    }

    #[test]
    fn normalised_names() {
        assert_eq!(normalise("Foo__Bar.baz"), "foo-bar-baz");
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn no_input_panics() {
        let sample = "-r\n-\n--hash\nname @\n[\nflask[\\\nx==1 \\\r\n  --hash=é\n-e\né==1;\n@ x\n\\\n# \\\n-cé\n";
        for (i, _) in sample.char_indices() {
            let _ = RequirementsFile::parse(&sample[..i]);
            let _ = RequirementsFile::parse(&sample[i..]);
        }
        let f = RequirementsFile::parse("x==1 \\");
        assert_eq!(f.requirements().count(), 1);
    }
}
