//! The matchers a pack rule can use, each giving exact byte spans:
//!
//! - `{ regex = '…', unless = '…' }`: a regex over each line of the file; `unless` on the
//!   same line cancels the match.
//! - `{ instruction = "RUN", regex = '…' }`: a regex over one kind of Dockerfile
//!   instruction, with line continuations joined and positions mapped back.
//! - `{ instruction = "RUN", command = 'sudo', args = '…', piped-to = '…' }`: a shell
//!   command inside the instruction whose program name matches `command` (whole name),
//!   optionally whose arguments match `args`, and that is piped into a program matching
//!   `piped-to`.
//! - `{ toml = "dependencies.*", value = '…' }` or `{ toml = "jobs.*", missing = "key" }`:
//!   a dotted key path in a TOML file (`*` for any key or element).
//!
//! Regexes are Rust's linear-time engine: no pattern can make a run hang.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::lang::FileKind;
use crate::lang::dockerfile::{Dockerfile, Keyword};
use crate::lang::shell::Op;
use crate::lang::toml::{TomlDoc, Value};
use crate::rules::docker::run_scripts;
use crate::source::{SourceFile, Span};

pub const HELP: &str = "a matcher is { regex, unless } over lines; { instruction, regex | command [, args, piped-to, unless-env] } in Dockerfiles; { toml | yaml, value | missing } in TOML and YAML files; or { python-call [, missing-keyword | has-keyword] } in Python";

/// A matcher: `{ regex, unless }` over lines; `{ instruction, regex | command [, args,
/// piped-to] }` in Dockerfiles; `{ toml | yaml, value | missing }` in TOML and YAML
/// files; `{ python-call [, missing-keyword | has-keyword] }` in Python.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawMatcher {
    /// A regex (Rust syntax, linear time) over each line, or over an instruction's text.
    regex: Option<String>,
    /// A regex on the same line (or instruction) that cancels the match.
    unless: Option<String>,
    /// A Dockerfile instruction (`RUN`, `COPY`, …) to look in.
    instruction: Option<String>,
    /// A regex that must match a whole command name in the instruction's shell script.
    command: Option<String>,
    /// A regex over the command's arguments (joined by spaces).
    args: Option<String>,
    /// A regex that must match the whole name of the command the output is piped into.
    piped_to: Option<String>,
    /// With `instruction`: a regex over each `NAME=value` the `ENV` and `ARG`
    /// instructions in force set (the stage's before the instruction, its parent
    /// stages', the global `ARG`s) that cancels the match (`^POETRY_VERSION=[0-9]`).
    unless_env: Option<String>,
    /// A dotted key path in a TOML file; `*` for any key or element.
    toml: Option<String>,
    /// A regex over the selected TOML or YAML value.
    value: Option<String>,
    /// A key the selected TOML table or YAML mapping must have.
    missing: Option<String>,
    /// A dotted key path in a YAML file (CI configuration, Helm values, …); `*` for any
    /// key or item.
    yaml: Option<String>,
    /// A Python call by its resolved dotted name (`time.sleep`, `subprocess.Popen`),
    /// whatever it was imported as.
    python_call: Option<String>,
    /// With `python-call`: the call lacks this keyword argument (calls passing
    /// `**kwargs` are not flagged).
    missing_keyword: Option<String>,
    /// With `python-call`: the call passes this keyword argument.
    has_keyword: Option<String>,
}

#[derive(Debug)]
pub enum Matcher {
    Lines {
        regex: Pattern,
        unless: Option<Pattern>,
    },
    Instruction {
        keyword: Keyword,
        regex: Option<Pattern>,
        unless: Option<Pattern>,
        unless_env: Option<Pattern>,
        command: Option<Pattern>,
        args: Option<Pattern>,
        piped_to: Option<Pattern>,
    },
    Toml {
        path: String,
        value: Option<Pattern>,
        missing: Option<String>,
    },
    Yaml {
        path: String,
        value: Option<Pattern>,
        missing: Option<String>,
    },
    PythonCall {
        name: String,
        missing_keyword: Option<String>,
        has_keyword: Option<String>,
    },
}

/// When a matcher's regexes are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compile {
    /// When the pack is loaded, so that a bad regex is an error then: a user's packs.
    Now,
    /// On first use: the embedded packs, whose every regex `cargo test` compiles. A run
    /// uses few of them, and compiling them all was a fifth of a run over an empty
    /// repository.
    OnFirstUse,
}

/// A pack's regex, compiled when its pack is loaded or on first use (see [`Compile`]).
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as compiled (anchored for whole-name keys).
    source: Box<str>,
    regex: Box<OnceLock<Option<Regex>>>,
}

impl Pattern {
    fn new(key: &str, pattern: &str, whole: bool, when: Compile) -> Result<Pattern, String> {
        let source = if whole {
            format!("^(?:{pattern})$")
        } else {
            pattern.to_string()
        };
        let p = Pattern {
            source: source.into(),
            regex: Box::default(),
        };
        if when == Compile::Now {
            let re = build(&p.source).map_err(|e| format!("`{key}` is not a valid regex: {e}"))?;
            let _ = p.regex.set(Some(re));
        }
        Ok(p)
    }

    /// The compiled regex; `None` for an embedded pattern that does not compile, which
    /// `cargo test` rules out (see `every_embedded_pattern_compiles`).
    pub fn regex(&self) -> Option<&Regex> {
        self.regex.get_or_init(|| build(&self.source).ok()).as_ref()
    }

    pub fn find<'h>(&self, text: &'h str) -> Option<regex::Match<'h>> {
        self.regex()?.find(text)
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_some_and(|r| r.is_match(text))
    }
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(10 * (1 << 20))
        .dfa_size_limit(10 * (1 << 20))
        .build()
}

/// A key path is dotted keys, each a key or `*` (any one key or element); empty for the
/// document itself. `**` (any depth) is not supported: it would silently match nothing,
/// so it is an error.
fn check_key_path(key: &str, path: &str) -> Result<(), String> {
    if !path.is_empty() && path.split('.').any(str::is_empty) {
        return Err(format!(
            "`{key}`: `{path}` has an empty key; write dotted keys such as `image.tag`"
        ));
    }
    if let Some(bad) = path.split('.').find(|k| k.contains('*') && *k != "*") {
        return Err(format!(
            "`{key}`: `{bad}` in `{path}` is not supported: `*` stands for exactly one key or element, and there is no `**`; write each level out (`*.*.image`), or use one rule per depth"
        ));
    }
    Ok(())
}

impl Matcher {
    pub fn from_value(value: toml::Value, when: Compile) -> Result<Matcher, String> {
        let opt = |key: &str, pattern: &Option<String>, whole: bool| {
            pattern
                .as_deref()
                .map(|p| Pattern::new(key, p, whole, when))
                .transpose()
        };
        let raw: RawMatcher = value
            .try_into()
            .map_err(|e: toml::de::Error| e.message().trim().to_string())?;
        let shell_keys = raw.command.is_some()
            || raw.args.is_some()
            || raw.piped_to.is_some()
            || raw.unless_env.is_some();
        let python_keys = raw.missing_keyword.is_some() || raw.has_keyword.is_some();
        let structural = [
            raw.toml.is_some(),
            raw.yaml.is_some(),
            raw.python_call.is_some(),
            raw.instruction.is_some(),
        ];
        if structural.iter().filter(|b| **b).count() > 1 {
            return Err(
                "use one of `toml`, `yaml`, `python-call` and `instruction` per matcher".into(),
            );
        }
        if let Some(name) = raw.python_call {
            if raw.regex.is_some()
                || raw.unless.is_some()
                || shell_keys
                || raw.value.is_some()
                || raw.missing.is_some()
            {
                return Err(
                    "`python-call` goes with `missing-keyword` or `has-keyword` only".into(),
                );
            }
            if name.is_empty() || name.split('.').any(str::is_empty) {
                return Err(format!("`python-call`: `{name}` is not a dotted name"));
            }
            return Ok(Matcher::PythonCall {
                name,
                missing_keyword: raw.missing_keyword,
                has_keyword: raw.has_keyword,
            });
        }
        if python_keys {
            return Err("`missing-keyword` and `has-keyword` go with `python-call`".into());
        }
        if let Some(path) = raw.yaml.as_deref().or(raw.toml.as_deref()) {
            let key = if raw.yaml.is_some() { "yaml" } else { "toml" };
            check_key_path(key, path)?;
        }
        if let Some(path) = raw.yaml {
            if raw.regex.is_some() || raw.unless.is_some() || shell_keys {
                return Err("`yaml` goes with `value` or `missing` only".into());
            }
            if raw.value.is_some() == raw.missing.is_some() {
                return Err("`yaml` needs exactly one of `value` and `missing`".into());
            }
            return Ok(Matcher::Yaml {
                path,
                value: opt("value", &raw.value, false)?,
                missing: raw.missing,
            });
        }
        if let Some(path) = raw.toml {
            if raw.instruction.is_some()
                || raw.regex.is_some()
                || raw.unless.is_some()
                || shell_keys
            {
                return Err("`toml` goes with `value` or `missing` only".into());
            }
            if raw.value.is_some() == raw.missing.is_some() {
                return Err("`toml` needs exactly one of `value` and `missing`".into());
            }
            return Ok(Matcher::Toml {
                path,
                value: opt("value", &raw.value, false)?,
                missing: raw.missing,
            });
        }
        if raw.value.is_some() || raw.missing.is_some() {
            return Err("`value` and `missing` go with `toml` or `yaml`".into());
        }
        if let Some(inst) = raw.instruction {
            let keyword = Keyword::parse(&inst).ok_or_else(|| {
                format!("`instruction`: `{inst}` is not a Dockerfile instruction")
            })?;
            if raw.regex.is_some() == raw.command.is_some() {
                return Err("`instruction` needs exactly one of `regex` and `command`".into());
            }
            if raw.command.is_none() && (raw.args.is_some() || raw.piped_to.is_some()) {
                return Err("`args` and `piped-to` go with `command`".into());
            }
            return Ok(Matcher::Instruction {
                keyword,
                regex: opt("regex", &raw.regex, false)?,
                unless: opt("unless", &raw.unless, false)?,
                unless_env: opt("unless-env", &raw.unless_env, false)?,
                command: opt("command", &raw.command, true)?,
                args: opt("args", &raw.args, false)?,
                piped_to: opt("piped-to", &raw.piped_to, true)?,
            });
        }
        if shell_keys {
            return Err(
                "`command`, `args`, `piped-to` and `unless-env` go with `instruction`".into(),
            );
        }
        let Some(regex) = raw.regex else {
            return Err(
                "a matcher needs `regex`, `instruction`, `toml`, `yaml` or `python-call`".into(),
            );
        };
        Ok(Matcher::Lines {
            regex: Pattern::new("regex", &regex, false, when)?,
            unless: opt("unless", &raw.unless, false)?,
        })
    }

    /// Its regexes.
    pub fn patterns(&self) -> Vec<&Pattern> {
        match self {
            Matcher::Lines { regex, unless } => std::iter::once(regex).chain(unless).collect(),
            Matcher::Instruction {
                regex,
                unless,
                unless_env,
                command,
                args,
                piped_to,
                ..
            } => [regex, unless, unless_env, command, args, piped_to]
                .into_iter()
                .flatten()
                .collect(),
            Matcher::Toml { value, .. } | Matcher::Yaml { value, .. } => value.iter().collect(),
            Matcher::PythonCall { .. } => Vec::new(),
        }
    }

    /// The file kinds a structural matcher reads (empty for line matchers).
    pub fn implied_kinds(&self) -> &'static [FileKind] {
        match self {
            Matcher::Lines { .. } => &[],
            Matcher::Instruction { .. } => &[FileKind::Dockerfile],
            Matcher::Toml { .. } => &[FileKind::Toml],
            Matcher::Yaml { .. } => &[
                FileKind::Yaml,
                FileKind::GithubWorkflow,
                FileKind::GithubAction,
                FileKind::GitlabCi,
            ],
            Matcher::PythonCall { .. } => &[FileKind::Python],
        }
    }

    pub fn match_yaml(&self, doc: &crate::lang::yaml::Yaml) -> Vec<Span> {
        let Matcher::Yaml {
            path,
            value,
            missing,
        } = self
        else {
            return Vec::new();
        };
        key_path_hits(
            doc.select(path).into_iter().map(|(key, node)| {
                let missing_key = missing
                    .as_ref()
                    .is_some_and(|m| node.is_map() && node.get(m).is_none());
                (
                    key.map(|k| k.span.clone()),
                    node.span.clone(),
                    node.scalar_text(),
                    missing_key,
                )
            }),
            value.as_ref(),
        )
    }

    pub fn match_python(&self, file: &crate::lang::python::PythonFile) -> Vec<Span> {
        let Matcher::PythonCall {
            name,
            missing_keyword,
            has_keyword,
        } = self
        else {
            return Vec::new();
        };
        file.calls
            .iter()
            .filter(|c| c.qualified.as_deref() == Some(name.as_str()))
            .filter(|c| {
                missing_keyword
                    .as_ref()
                    .is_none_or(|k| c.keyword(k).is_none() && !c.star_kwargs)
            })
            .filter(|c| has_keyword.as_ref().is_none_or(|k| c.keyword(k).is_some()))
            .map(|c| c.callee_span())
            .collect()
    }

    /// Line matches: the first match on each line.
    pub fn match_lines(&self, source: &SourceFile) -> Vec<Span> {
        let Matcher::Lines { regex, unless } = self else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for line in 1..=source.line_count() {
            let span = source.line_span(line);
            let text = &source.text[span.clone()];
            if let Some(m) = regex.find(text) {
                if unless.as_ref().is_some_and(|u| u.is_match(text)) {
                    continue;
                }
                out.push(span.start + m.start()..span.start + m.end());
            }
        }
        out
    }

    pub fn match_dockerfile(&self, source: &SourceFile, df: &Dockerfile) -> Vec<Span> {
        let Matcher::Instruction {
            keyword,
            regex,
            unless,
            unless_env,
            command,
            args,
            piped_to,
        } = self
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // `RUN` also matches the `RUN`s under `ONBUILD`, and not those of PowerShell stages.
        let instructions: Vec<(usize, &crate::lang::dockerfile::Instruction)> =
            if *keyword == crate::lang::dockerfile::Keyword::Run {
                crate::rules::docker::runs(df).collect()
            } else {
                df.instructions
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.keyword == *keyword)
                    .collect()
            };
        for (index, inst) in instructions {
            let (joined, map) =
                joined_arguments(source, inst.keyword_span.end, inst.span.end, df.escape);
            if unless.as_ref().is_some_and(|u| u.is_match(&joined)) {
                continue;
            }
            if let Some(u) = unless_env
                && df.variables_at(index).iter().any(|kv| {
                    u.is_match(&format!("{}={}", kv.key, kv.value.as_deref().unwrap_or("")))
                })
            {
                continue;
            }
            if let Some(re) = regex {
                if let Some(m) = re.find(&joined) {
                    let start = map.get(m.start()).copied().unwrap_or(inst.span.start);
                    let end = map
                        .get(m.end().saturating_sub(1))
                        .map_or(inst.span.end, |e| e + 1);
                    out.push(start..end.max(start));
                }
                continue;
            }
            let Some(command) = command else { continue };
            for script in run_scripts(source, inst) {
                let cmds = script.commands();
                for (i, cmd) in cmds.iter().enumerate() {
                    let name = |w: &crate::lang::shell::ShellWord| {
                        w.value.rsplit('/').next().unwrap_or(&w.value).to_string()
                    };
                    let Some(hit) = cmd
                        .command_words()
                        .into_iter()
                        .find(|w| command.is_match(&name(w)))
                    else {
                        continue;
                    };
                    let rest: Vec<&str> = cmd
                        .words
                        .iter()
                        .filter(|w| w.span.start > hit.span.start)
                        .map(|w| w.value.as_str())
                        .collect();
                    if args.as_ref().is_some_and(|a| !a.is_match(&rest.join(" "))) {
                        continue;
                    }
                    let first = hit.span.clone();
                    let mut end = cmd.words.last().map_or(first.end, |w| w.span.end);
                    if let Some(p) = piped_to {
                        let next = cmds.get(i + 1).filter(|_| cmd.op == Some(Op::Pipe));
                        let Some(next) =
                            next.filter(|n| n.program_name().is_some_and(|n| p.is_match(n)))
                        else {
                            continue;
                        };
                        end = next.program().first().map_or(end, |w| w.span.end);
                    }
                    out.push(script.file_span(first.start..end, inst.keyword_span.clone()));
                }
            }
        }
        out
    }

    pub fn match_toml(&self, _source: &SourceFile, doc: &TomlDoc) -> Vec<Span> {
        let Matcher::Toml {
            path,
            value,
            missing,
        } = self
        else {
            return Vec::new();
        };
        key_path_hits(
            doc.select(path).into_iter().map(|(key, node)| {
                let missing_key = missing.as_ref().is_some_and(|m| {
                    matches!(node.value, Value::Table(_)) && node.get(m).is_none()
                });
                (
                    key.map(|k| k.span.clone()),
                    node.span.clone(),
                    node.scalar_text(),
                    missing_key,
                )
            }),
            value.as_ref(),
        )
    }
}

/// The spans a key-path matcher reports, from each selected node's (key span, node
/// span, scalar text, whether it is a mapping that lacks the `missing` key): with a
/// `value` regex, the values that match it; without, the keys of the mappings that lack
/// the key.
fn key_path_hits(
    selected: impl Iterator<Item = (Option<Span>, Span, Option<String>, bool)>,
    value: Option<&Pattern>,
) -> Vec<Span> {
    selected
        .filter_map(|(key, node, text, missing_key)| match value {
            Some(re) => text.is_some_and(|t| re.is_match(&t)).then_some(node),
            None => missing_key.then(|| key.unwrap_or(node)),
        })
        .collect()
}

/// The argument text of an instruction with line continuations and comment lines
/// removed, and for each byte of it the byte offset in the file.
fn joined_arguments(
    source: &SourceFile,
    start: usize,
    end: usize,
    escape: char,
) -> (String, Vec<usize>) {
    let text = &source.text[start.min(source.text.len())..end.min(source.text.len())];
    let mut joined = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut lines = text.split_inclusive('\n').peekable();
    let mut offset = start;
    let mut first = true;
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if !first && trimmed.starts_with('#') {
            offset += line.len();
            continue;
        }
        first = false;
        let body = line.trim_end_matches(['\n', '\r']);
        let (body, continued) = match body.trim_end().strip_suffix(escape) {
            Some(b) if lines.peek().is_some() => (b, true),
            _ => (body, false),
        };
        for (i, ch) in body.char_indices() {
            joined.push(ch);
            for k in 0..ch.len_utf8() {
                map.push(offset + i + k);
            }
        }
        if continued {
            joined.push(' ');
            map.push(offset + body.len());
        }
        offset += line.len();
    }
    let lead = joined.len() - joined.trim_start().len();
    (joined[lead..].to_string(), map[lead..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn df(text: &str) -> (SourceFile, Dockerfile) {
        let s = SourceFile::new("Dockerfile", "Dockerfile", text.to_string());
        let d = Dockerfile::parse(&s);
        (s, d)
    }

    fn matcher(toml_text: &str) -> Matcher {
        let v: toml::Value = toml::from_str::<toml::Table>(&format!("m = {toml_text}"))
            .map(|t| t["m"].clone())
            .unwrap_or_else(|e| panic!("{e}"));
        Matcher::from_value(v, Compile::Now).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn instruction_regex_maps_positions_across_continuations() {
        let (s, d) = df("FROM x\nRUN apt-get update \\\n    && apt-get install -y curl\n");
        let m = matcher(r#"{ instruction = "RUN", regex = 'install -y curl' }"#);
        let hits = m.match_dockerfile(&s, &d);
        assert_eq!(hits.len(), 1);
        assert_eq!(&s.text[hits[0].clone()], "install -y curl");
        assert_eq!(s.position(hits[0].start).line, 3);
    }

    #[test]
    fn command_and_pipe() {
        let (s, d) = df("FROM x\nRUN echo sudo && curl -fsSL https://x | sudo bash\n");
        let sudo = matcher(r#"{ instruction = "RUN", command = "sudo" }"#);
        let hits = sudo.match_dockerfile(&s, &d);
        assert_eq!(hits.len(), 1);
        assert!(s.text[hits[0].clone()].starts_with("sudo bash"));
        let pipe =
            matcher(r#"{ instruction = "RUN", command = "curl|wget", piped-to = "(ba)?sh" }"#);
        let hits = pipe.match_dockerfile(&s, &d);
        assert_eq!(&s.text[hits[0].clone()], "curl -fsSL https://x | sudo bash");
    }

    #[test]
    fn lines_with_unless() {
        let s = SourceFile::new(
            "x",
            "x",
            "image: app:latest\nimage: app:latest # pinned elsewhere\n".into(),
        );
        let m = matcher(r#"{ regex = ':latest', unless = 'pinned' }"#);
        let hits = m.match_lines(&s);
        assert_eq!(hits.len(), 1);
        assert_eq!(s.position(hits[0].start).line, 1);
    }

    #[test]
    fn toml_value_and_missing() {
        let text = "[dependencies]\nserde = \"*\"\nrand = \"0.8\"\n[jobs.a]\nx = 1\n[jobs.b]\ntimeout = 3\n";
        let s = SourceFile::new("a.toml", "a.toml", text.into());
        let doc = TomlDoc::parse(text);
        let star = matcher(r#"{ toml = "dependencies.*", value = '^\*$' }"#);
        let hits = star.match_toml(&s, &doc);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].clone()], "\"*\"");
        let missing = matcher(r#"{ toml = "jobs.*", missing = "timeout" }"#);
        let hits = missing.match_toml(&s, &doc);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].clone()], "a");
    }

    #[test]
    fn bad_matchers_are_explained() {
        for (m, needle) in [
            (r#"{ regx = 'a' }"#, "unknown field"),
            (r#"{ regex = '(' }"#, "not a valid regex"),
            (
                r#"{ instruction = "RUNN", regex = 'a' }"#,
                "not a Dockerfile instruction",
            ),
            (
                r#"{ toml = "a", value = 'x', missing = "y" }"#,
                "exactly one",
            ),
            (r#"{ command = "sudo" }"#, "go with `instruction`"),
            (r#"{ yaml = "a", toml = "b", value = 'x' }"#, "one of"),
            (r#"{ yaml = "a" }"#, "exactly one"),
            (r#"{ python-call = "time..sleep" }"#, "dotted name"),
            (r#"{ yaml = "**.image", value = 'x' }"#, "no `**`"),
            (r#"{ toml = "a.b*", missing = "x" }"#, "`b*`"),
            (r#"{ toml = "a..b", missing = "x" }"#, "empty key"),
            (
                r#"{ regex = 'x', missing-keyword = "t" }"#,
                "go with `python-call`",
            ),
        ] {
            let v: toml::Value = toml::from_str::<toml::Table>(&format!("m = {m}"))
                .map(|t| t["m"].clone())
                .unwrap_or_else(|e| panic!("{e}"));
            let err = Matcher::from_value(v, Compile::Now).expect_err(m);
            assert!(err.contains(needle), "{m}: {err}");
        }
    }

    #[test]
    fn catastrophic_backtracking_pattern_is_linear() {
        // `(a+)+$` takes exponential time in a backtracking engine on this input.
        let line = format!("{}!", "a".repeat(50_000));
        let s = SourceFile::new("x", "x", line);
        let m = matcher(r#"{ regex = '(a+)+$' }"#);
        let start = std::time::Instant::now();
        assert!(m.match_lines(&s).is_empty());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
