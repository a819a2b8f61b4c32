//! The Dockerfile front end, over `parse-dockerfile`.
//!
//! It owns the mapping from the parser's types to ours ([`Dockerfile`], [`Instruction`],
//! [`Word`]), with byte spans into the original text; the list of comment lines (for
//! suppressions); and recovery: when the parser rejects an instruction, the error is
//! recorded and parsing resumes at the next instruction, so one odd line never hides the
//! rest of the file.

use std::ops::Range;

use parse_dockerfile as pd;

pub mod stages;
pub mod user;

use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, Span, file_name};

/// A string as written in the file, with its span and its unescaped value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub span: Span,
    pub value: String,
}

/// An option flag such as `--platform=linux/amd64` or `--chown=app`.
#[derive(Debug, Clone)]
pub struct Flag {
    pub name: String,
    pub value: Option<Word>,
    pub span: Span,
}

/// The command of `RUN`, `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD`.
#[derive(Debug, Clone)]
pub enum Command {
    /// JSON (exec) form: `["app", "--port", "80"]`.
    Exec { span: Span, args: Vec<Word> },
    /// Shell form: the raw text, line continuations included.
    Shell(Word),
}

impl Command {
    pub fn span(&self) -> Span {
        match self {
            Command::Exec { span, .. } => span.clone(),
            Command::Shell(w) => w.span.clone(),
        }
    }
}

/// Instruction keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
        }
    }

    pub fn parse(word: &str) -> Option<Keyword> {
        const ALL: [Keyword; 18] = [
            Keyword::Add,
            Keyword::Arg,
            Keyword::Cmd,
            Keyword::Copy,
            Keyword::Entrypoint,
            Keyword::Env,
            Keyword::Expose,
            Keyword::From,
            Keyword::Healthcheck,
            Keyword::Label,
            Keyword::Maintainer,
            Keyword::Onbuild,
            Keyword::Run,
            Keyword::Shell,
            Keyword::Stopsignal,
            Keyword::User,
            Keyword::Volume,
            Keyword::Workdir,
        ];
        ALL.into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
    }
}

/// What follows an instruction's keyword and flags.
#[derive(Debug, Clone)]
pub enum Args {
    From {
        image: Word,
        alias: Option<Word>,
    },
    /// `RUN`, `CMD`, `ENTRYPOINT`; `here_docs` only for `RUN`.
    Command {
        command: Command,
        here_docs: Vec<Word>,
    },
    /// `HEALTHCHECK CMD …`, or `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Command>),
    /// `ADD` and `COPY`: the sources (here-documents as their body) and the destination.
    Paths {
        sources: Vec<Word>,
        here_doc_sources: Vec<Word>,
        dest: Word,
    },
    /// `USER`, `ENV`, `ARG`, `LABEL`, `WORKDIR`, `STOPSIGNAL`, `MAINTAINER`: the raw text.
    Text(Word),
    /// `SHELL` (JSON array), `EXPOSE`, `VOLUME`.
    List(Vec<Word>),
    Onbuild(Box<Instruction>),
}

/// One instruction.
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: Keyword,
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction's last argument.
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Args,
    /// The shell commands of the scripts this instruction runs, split once on first
    /// use and shared by every rule (see `rules::docker::run_scripts`).
    pub shell_cache: ShellCache,
}

/// Split shell scripts of a `RUN`: `None` for the command itself, `Some(i)` for
/// here-document `i`, each with its simple commands.
pub type ShellCache =
    std::sync::OnceLock<Vec<(Option<usize>, Vec<crate::lang::shell::SimpleCommand>)>>;

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The command of a `RUN`, `CMD` or `ENTRYPOINT`.
    pub fn command(&self) -> Option<&Command> {
        match &self.args {
            Args::Command { command, .. } => Some(command),
            _ => None,
        }
    }

    /// The raw argument text of a text instruction (`USER`, `ENV`, `ARG`, …).
    pub fn text(&self) -> Option<&Word> {
        match &self.args {
            Args::Text(w) => Some(w),
            _ => None,
        }
    }
}

/// A build stage: its `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Index of the `FROM` instruction.
    pub from: usize,
    /// Indexes of the instructions after `FROM`.
    pub body: Range<usize>,
    /// A stage named for tests or development that is not the final one and that no
    /// stage is built on or copies from: it never reaches production (set once the
    /// stages are known; see [`Dockerfile::in_side_stage`]).
    pub side: bool,
}

/// A parser error, with the byte offset it points at.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub escape: char,
    /// Byte spans of comment lines (outside here-documents).
    pub comments: Vec<Span>,
    pub errors: Vec<ParseError>,
    /// The stage the repository's CI publishes, when that is not the one the file's
    /// own shape names (see [`Dockerfile::ship`]).
    pub shipped: Option<usize>,
}

impl Dockerfile {
    pub fn parse(source: &SourceFile) -> Dockerfile {
        parse_text(&source.text, source)
    }

    pub fn from_instruction(&self, stage: &Stage) -> &Instruction {
        &self.instructions[stage.from]
    }

    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.body.clone()]
    }

    /// The stage that produces the image: the last one, unless it is named for tests
    /// or development (`AS test`, `AS concourse_tests`, `AS ci`, `AS dev`) after a
    /// stage that is not: the production image is then the last stage before it (built
    /// with `--target`), and the side stage is where CI runs the suite or where Compose
    /// runs the working copy.
    pub fn final_stage(&self) -> Option<&Stage> {
        if let Some(stage) = self.shipped.and_then(|n| self.stages.get(n)) {
            return Some(stage);
        }
        self.stages
            .iter()
            .rev()
            .find(|s| !self.side_stage_named(s))
            .or(self.stages.last())
    }

    /// The stage's name (`FROM image AS name`).
    fn stage_name(&self, stage: &Stage) -> Option<&str> {
        match &self.instructions[stage.from].args {
            Args::From { alias: Some(a), .. } => Some(&a.value),
            _ => None,
        }
    }

    /// Marks the side stages ([`Stage::side`]), once the final stage is known.
    fn mark_side_stages(&mut self) {
        let final_from = self.final_stage().map(|s| s.from);
        let sides: Vec<bool> = (0..self.stages.len())
            .map(|n| self.is_side_stage(n, final_from))
            .collect();
        for (stage, side) in self.stages.iter_mut().zip(sides) {
            stage.side = side;
        }
    }

    /// Makes stage `n` the final one: the stage the repository's CI builds and
    /// publishes (`--target`, or the last stage when no target is named), as
    /// [`DockerFacts::shipped`] decided.
    pub fn ship(&mut self, n: usize) {
        if n < self.stages.len() {
            self.shipped = Some(n);
            self.mark_side_stages();
        }
    }

    /// Whether a stage is named for tests or development (see [`Dockerfile::final_stage`]).
    fn side_stage_named(&self, stage: &Stage) -> bool {
        self.stage_name(stage)
            .is_some_and(|n| is_test_stage_name(n) || stages::named_for_development(n))
    }

    /// Whether instruction `index` belongs to a side stage ([`Stage::side`]).
    pub fn in_side_stage(&self, index: usize) -> bool {
        self.stages
            .iter()
            .find(|s| s.from <= index && index < s.body.end.max(s.from + 1))
            .is_some_and(|s| s.side)
    }

    /// Whether stage `n` is a side stage: named for tests or development, not the
    /// final one, and no later stage is built on it or copies from it.
    fn is_side_stage(&self, n: usize, final_from: Option<usize>) -> bool {
        let stage = &self.stages[n];
        let Some(name) = self.stage_name(stage) else {
            return false;
        };
        let names = |v: &str| v.eq_ignore_ascii_case(name) || v == n.to_string();
        self.side_stage_named(stage)
            && final_from != Some(stage.from)
            && !self.instructions[stage.body.end..]
                .iter()
                .any(|i| match &i.args {
                    Args::From { image, .. } => names(&image.value),
                    _ => i
                        .flag("from")
                        .and_then(|f| f.value.as_ref())
                        .is_some_and(|v| names(&v.value)),
                })
    }

    /// `ARG` instructions before the first `FROM`, as name → default value.
    pub fn global_args(&self) -> Vec<(String, Option<String>)> {
        let end = self
            .stages
            .first()
            .map_or(self.instructions.len(), |s| s.from);
        self.instructions[..end]
            .iter()
            .filter(|i| i.keyword == Keyword::Arg)
            .filter_map(|i| i.text())
            .flat_map(|w| parse_key_values(&w.value))
            .map(|kv| (kv.key, kv.value))
            .collect()
    }

    /// The `SHELL` in force for instruction `index` of its stage (exec-form words), if the
    /// stage or an ancestor stage named in `FROM` changed it.
    pub fn shell_at(&self, index: usize) -> Option<&[Word]> {
        match self.in_force(index).find(|i| i.keyword == Keyword::Shell) {
            Some(Instruction {
                args: Args::List(words),
                ..
            }) => Some(words),
            _ => None,
        }
    }

    /// The variables `ENV` and `ARG` set for instruction `index` (an `ARG`'s default
    /// value; `None` without one), nearest first: those of its stage before it, then of
    /// the stages it is built `FROM`, then the global `ARG`s.
    pub fn variables_at(&self, index: usize) -> Vec<KeyValue> {
        let end = self
            .stages
            .first()
            .map_or(self.instructions.len(), |s| s.from);
        let global = self.instructions[..end.min(index)].iter().rev();
        self.in_force(index)
            .chain(global)
            .filter(|i| matches!(i.keyword, Keyword::Env | Keyword::Arg))
            .filter_map(Instruction::text)
            .flat_map(|w| parse_key_values(&w.value).into_iter().rev())
            .collect()
    }

    /// The instructions before instruction `index` in its stage, then those of the
    /// stages it is built `FROM` (an earlier stage's instructions are inherited), each
    /// stage's from its last instruction back.
    fn in_force(&self, index: usize) -> impl Iterator<Item = &Instruction> {
        let mut ranges = Vec::new();
        if let Some(pos) = self
            .stages
            .iter()
            .position(|s| s.from <= index && index < s.body.end.max(s.from + 1))
        {
            let mut stage = &self.stages[pos];
            ranges.push(stage.body.start..index.min(stage.body.end));
            while let Args::From { image, .. } = &self.instructions[stage.from].args {
                let Some(parent) = self.stages.iter().find(|s| {
                    matches!(&self.instructions[s.from].args,
                        Args::From { alias: Some(a), .. } if a.value.eq_ignore_ascii_case(&image.value))
                }) else {
                    break;
                };
                if parent.from >= stage.from || ranges.len() > self.stages.len() {
                    break;
                }
                ranges.push(parent.body.clone());
                stage = parent;
            }
        }
        ranges
            .into_iter()
            .flat_map(move |r| self.instructions[r].iter().rev())
    }

    /// Whether `name` is the alias of a stage before instruction `index`.
    pub fn is_stage_alias(&self, name: &str, before: usize) -> bool {
        self.stages.iter().any(|s| {
            s.from < before
                && matches!(&self.instructions[s.from].args,
                    Args::From { alias: Some(a), .. } if a.value.eq_ignore_ascii_case(name))
        })
    }
}

/// A `KEY=value` (or legacy `KEY value`) pair of `ENV`, `ARG` or `LABEL`, with the
/// key's byte offset inside the argument text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub value: Option<String>,
    pub key_offset: usize,
}

/// Splits `ENV`/`ARG`/`LABEL` arguments into pairs, honouring quotes and the legacy
/// `ENV KEY value with spaces` form.
pub fn parse_key_values(text: &str) -> Vec<KeyValue> {
    let words = split_words(text);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if !first.1.contains('=') {
        // Legacy form: `ENV KEY the rest is the value`.
        let rest = text[first.0 + first.2..].trim();
        return vec![KeyValue {
            key: first.1.clone(),
            value: (!rest.is_empty()).then(|| unquote(rest)),
            key_offset: first.0,
        }];
    }
    words
        .into_iter()
        .map(|(offset, word, _)| match word.split_once('=') {
            Some((k, v)) => KeyValue {
                key: k.to_string(),
                value: Some(v.to_string()),
                key_offset: offset,
            },
            None => KeyValue {
                key: word,
                value: None,
                key_offset: offset,
            },
        })
        .collect()
}

/// Whitespace-separated words with quotes removed: (offset, unquoted word, raw length).
fn split_words(text: &str) -> Vec<(usize, String, usize)> {
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() || c == '\\' && is_continuation(&text[start..]) {
            chars.next();
            continue;
        }
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            chars.next();
            end = i + c.len_utf8();
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (_, '\\') => {
                    if let Some((j, n)) = chars.next() {
                        end = j + n.len_utf8();
                        if n != '\n' {
                            word.push(n);
                        }
                    }
                }
                _ => word.push(c),
            }
        }
        words.push((start, word, end - start));
    }
    words
}

fn is_continuation(s: &str) -> bool {
    s[1..]
        .trim_start_matches([' ', '\t', '\r'])
        .starts_with('\n')
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

fn parse_text(text: &str, source: &SourceFile) -> Dockerfile {
    let mut df = Dockerfile {
        escape: '\\',
        ..Dockerfile::default()
    };
    let mut here_doc_spans: Vec<Span> = Vec::new();
    // (start offset in `text`, the prefix we added that must be skipped)
    // The parser drops a leading byte-order mark; start after it so that its spans
    // line up with ours.
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut first_chunk = true;
    // A file with no `FROM` at all is a fragment that a script appends to a Dockerfile
    // (`cat Dockerfile Dockerfile.metadata | docker build -f - .`): its instructions
    // are read as they are, not reported for the stage they lack. A file with no
    // instruction at all is still reported: Docker refuses to build it.
    let instructs = text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    if instructs && !names_from(text) {
        df.escape = iter_escape(&text[start..]).unwrap_or('\\');
        first_chunk = false;
    }
    loop {
        let chunk = &text[start..];
        let (prefix, synthetic) = if first_chunk {
            (String::new(), 0)
        } else {
            let mut p = String::new();
            if df.escape != '\\' {
                p.push_str(&format!("# escape={}\n", df.escape));
            }
            p.push_str("FROM scratch\n");
            (p, 1)
        };
        let owned;
        let input: &str = if prefix.is_empty() {
            chunk
        } else {
            owned = format!("{prefix}{chunk}");
            &owned
        };
        // Offsets in `input` map to `start + (offset - prefix.len())` in `text`.
        let base = start as isize - prefix.len() as isize;
        let shift = |r: &pd::Span| -> Span {
            let s = (r.start as isize + base).max(start as isize) as usize;
            let e = (r.end as isize + base).max(s as isize) as usize;
            s.min(text.len())..e.min(text.len())
        };
        let mut failed_at: Option<usize> = None;
        let mut resume_at: Option<usize> = None;
        match pd::parse_iter(input) {
            Ok(iter) => {
                if first_chunk && let Some(esc) = iter_escape(input) {
                    df.escape = esc;
                }
                let mut skip = synthetic;
                for item in iter {
                    match item {
                        Ok(inst) => {
                            if skip > 0 {
                                skip -= 1;
                                continue;
                            }
                            let mut converted = convert(&inst, &shift, &mut here_doc_spans);
                            // The parser reads a here-document only right after the
                            // keyword (`RUN <<EOF`); `RUN cat <<EOF > f` leaves the body
                            // for us, and parsing must go on after its terminator.
                            let resume =
                                recover_here_docs(text, &mut converted, &mut here_doc_spans);
                            df.instructions.push(converted);
                            if let Some(r) = resume {
                                resume_at = Some(r);
                                break;
                            }
                        }
                        Err(e) => {
                            let mut offset = floor_boundary(
                                text,
                                error_offset(&e, input, base, text.len(), start),
                            );
                            if offset >= text.trim_end().len() {
                                // "reached eof": point at the instruction that never ended.
                                let after = df.instructions.last().map_or(start, |i| i.span.end);
                                offset = instruction_start_after(text, after).unwrap_or(offset);
                            }
                            if let Some((inst, next)) = empty_exec_form(text, offset) {
                                // `ENTRYPOINT []` clears the base image's entrypoint:
                                // valid, though the parser wants an argument.
                                df.instructions.push(inst);
                                resume_at = Some(next);
                                break;
                            }
                            df.errors.push(ParseError {
                                message: format!("{e:#}"),
                                offset,
                            });
                            failed_at = Some(offset);
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                let offset = floor_boundary(text, error_offset(&e, input, base, text.len(), start));
                df.errors.push(ParseError {
                    message: format!("{e:#}"),
                    offset,
                });
                failed_at = Some(offset);
            }
        }
        if let Some(r) = resume_at {
            if r > start && r < text.len() {
                start = r;
                first_chunk = false;
                continue;
            }
            break;
        }
        let Some(at) = failed_at else { break };
        match next_instruction_start(text, at, df.escape) {
            Some(next) if next > start => {
                start = next;
                first_chunk = false;
            }
            _ => break,
        }
    }
    // "expected at least one FROM" after a recovered chunk is an artefact of the prefix.
    df.errors.dedup_by(|a, b| a.offset == b.offset);
    build_stages(&mut df);
    df.comments = comment_lines(source, &here_doc_spans);
    df
}

/// Whether a line of the file starts with the `FROM` keyword (in any case).
fn names_from(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.get(..4).is_some_and(|k| k.eq_ignore_ascii_case("from"))
            && t[4..].starts_with(|c: char| c.is_whitespace())
    })
}

fn iter_escape(input: &str) -> Option<char> {
    // The parser does not expose the directive through `parse_iter`; read it ourselves.
    for line in input.lines() {
        let t = line.trim();
        let Some(rest) = t.strip_prefix('#') else {
            break;
        };
        let rest = rest.trim();
        if let Some((k, v)) = rest.split_once('=') {
            if k.trim().eq_ignore_ascii_case("escape") {
                return v.trim().chars().next();
            }
        } else {
            break;
        }
    }
    None
}

fn error_offset(e: &pd::Error, input: &str, base: isize, len: usize, start: usize) -> usize {
    if e.line() == 0 {
        return start.min(len);
    }
    let mut line_start = 0usize;
    for (i, l) in input.split_inclusive('\n').enumerate() {
        if i + 1 == e.line() {
            let col = e.column().saturating_sub(1).min(l.len());
            let off = (line_start + col) as isize + base;
            return (off.max(start as isize) as usize).min(len);
        }
        line_start += l.len();
    }
    len
}

/// The start of the first line after the one holding `offset` that begins an
/// instruction and is not the continuation of the previous line.
fn next_instruction_start(text: &str, offset: usize, escape: char) -> Option<usize> {
    let offset = floor_boundary(text, offset);
    let mut pos = text[offset.min(text.len())..]
        .find('\n')
        .map(|i| offset + i + 1)?;
    let mut prev_continues = {
        let line_start = text[..offset.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        line_continues(&text[line_start..pos - 1], escape)
    };
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        let trimmed = line.trim_start();
        let is_comment = trimmed.starts_with('#');
        if !prev_continues && !is_comment {
            let word = trimmed
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            if Keyword::parse(word).is_some() {
                return Some(pos + (line.len() - trimmed.len()));
            }
        }
        if !is_comment {
            prev_continues = line_continues(line, escape);
        }
        pos = end + 1;
    }
    None
}

/// Here-document openers in a command: `<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"` (not the
/// `<<<` here-string). Returns (delimiter, strip leading tabs).
fn here_doc_markers(command: &str) -> Vec<(String, bool)> {
    let b = command.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'<'
            && b[i + 1] == b'<'
            && b.get(i + 2) != Some(&b'<')
            && (i == 0 || b[i - 1] != b'<')
        {
            let mut j = i + 2;
            let dash = b.get(j) == Some(&b'-');
            if dash {
                j += 1;
            }
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            let quote = b.get(j).copied().filter(|q| *q == b'\'' || *q == b'"');
            if quote.is_some() {
                j += 1;
            }
            let word_start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > word_start {
                out.push((command[word_start..j].to_string(), dash));
            }
            i = j.max(i + 2);
        } else {
            i += 1;
        }
    }
    out
}

/// Attaches the bodies of here-documents the parser left unread to `inst`, and returns
/// where parsing must resume (after the last terminator), or `None` if there is nothing
/// to recover or a terminator is missing.
fn recover_here_docs(text: &str, inst: &mut Instruction, spans: &mut Vec<Span>) -> Option<usize> {
    let (command, docs) = match &mut inst.args {
        Args::Command {
            command: Command::Shell(w),
            here_docs,
        } => (w.value.clone(), here_docs),
        Args::Paths {
            here_doc_sources, ..
        } => (text.get(inst.span.clone())?.to_string(), here_doc_sources),
        _ => return None,
    };
    let markers = here_doc_markers(&command);
    if markers.len() <= docs.len() {
        return None;
    }
    // Bodies start on the line after the instruction (after any bodies already read).
    let mut pos = text[inst.span.end.min(text.len())..]
        .find('\n')
        .map(|i| inst.span.end + i + 1)?;
    for (delim, dash) in &markers[docs.len()..] {
        let body_start = pos;
        loop {
            if pos >= text.len() {
                return None;
            }
            let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
            let line = text[pos..end].trim_end_matches('\r');
            let line = if *dash {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == delim {
                docs.push(Word {
                    span: body_start..pos,
                    value: text[body_start..pos].to_string(),
                });
                spans.push(body_start..end);
                inst.span.end = end;
                pos = (end + 1).min(text.len());
                break;
            }
            pos = end + 1;
        }
    }
    Some(pos)
}

/// `ENTRYPOINT []` or `CMD []` on the line at `offset`: the instruction, and where the
/// next line starts.
fn empty_exec_form(text: &str, offset: usize) -> Option<(Instruction, usize)> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let trimmed = line.trim();
    let (word, rest) = trimmed.split_once(|c: char| c.is_whitespace())?;
    let keyword =
        Keyword::parse(word).filter(|k| matches!(k, Keyword::Entrypoint | Keyword::Cmd))?;
    if rest.split_whitespace().collect::<String>() != "[]" {
        return None;
    }
    let kw_start = line_start + (line.len() - line.trim_start().len());
    let args_start = line_start + line.find('[')?;
    let end = line_start + line.trim_end().len();
    Some((
        Instruction {
            shell_cache: ShellCache::new(),
            keyword,
            keyword_span: kw_start..kw_start + word.len(),
            span: kw_start..end,
            flags: Vec::new(),
            args: Args::Command {
                command: Command::Exec {
                    span: args_start..end,
                    args: Vec::new(),
                },
                here_docs: Vec::new(),
            },
        },
        (line_end + 1).min(text.len()),
    ))
}

/// Start of the first line at or after `offset`'s next line that is neither blank nor a
/// comment.
fn instruction_start_after(text: &str, offset: usize) -> Option<usize> {
    let offset = floor_boundary(text, offset);
    let mut pos = text[offset.min(text.len())..]
        .find('\n')
        .map(|i| offset + i + 1)?;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return Some(pos + (line.len() - trimmed.len()));
        }
        pos = end + 1;
    }
    None
}

/// `offset` clamped to the text and moved back to a character boundary.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

fn line_continues(line: &str, escape: char) -> bool {
    line.trim_end().ends_with(escape)
}

fn comment_lines(source: &SourceFile, here_docs: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for line in 1..=source.line_count() {
        let span = source.line_span(line);
        let text = &source.text[span.clone()];
        let trimmed = text.trim_start();
        if trimmed.starts_with('#')
            && !here_docs
                .iter()
                .any(|h| h.start <= span.start && span.start < h.end)
        {
            let start = span.start + (text.len() - trimmed.len());
            out.push(start..span.end);
        }
    }
    out
}

fn build_stages(df: &mut Dockerfile) {
    let froms: Vec<usize> = df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == Keyword::From)
        .map(|(n, _)| n)
        .collect();
    for (k, &from) in froms.iter().enumerate() {
        let end = froms.get(k + 1).copied().unwrap_or(df.instructions.len());
        df.stages.push(Stage {
            from,
            body: from + 1..end,
            side: false,
        });
    }
    df.mark_side_stages();
}

fn word(s: &pd::UnescapedString<'_>, shift: &dyn Fn(&pd::Span) -> Span) -> Word {
    Word {
        span: shift(&s.span),
        value: s.value.to_string(),
    }
}

/// A `COPY`/`ADD` path: BuildKit removes shell quotes from the words of the shell form
/// (`ADD "a b.tar.gz" /x/` adds `a b.tar.gz`). The span still covers the quotes.
fn path_word(s: &pd::UnescapedString<'_>, shift: &dyn Fn(&pd::Span) -> Span) -> Word {
    let mut w = word(s, shift);
    if w.value.contains(['"', '\'']) {
        w.value = remove_quotes(&w.value);
    }
    w
}

/// A word with its single and double quotes removed (`"a"'b'c` → `abc`; `\"` inside
/// double quotes is a quote).
fn remove_quotes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (Some('"'), '\\') if matches!(chars.peek(), Some('"' | '\\' | '$')) => {
                out.extend(chars.next());
            }
            _ => out.push(c),
        }
    }
    out
}

fn flags<'a, 'b: 'a>(
    fl: impl IntoIterator<Item = &'a pd::Flag<'b>>,
    shift: &dyn Fn(&pd::Span) -> Span,
) -> Vec<Flag> {
    fl.into_iter()
        .map(|f| Flag {
            name: f.name.value.to_string(),
            value: f.value.as_ref().map(|v| word(v, shift)),
            span: shift(&f.span()),
        })
        .collect()
}

fn command(c: &pd::Command<'_>, shift: &dyn Fn(&pd::Span) -> Span) -> Command {
    match c {
        pd::Command::Exec(spanned) => Command::Exec {
            span: shift(&spanned.span),
            args: spanned.value.iter().map(|w| word(w, shift)).collect(),
        },
        pd::Command::Shell(spanned) => Command::Shell(Word {
            span: shift(&spanned.span),
            value: spanned.value.to_string(),
        }),
        #[allow(unreachable_patterns)]
        _ => Command::Shell(Word {
            span: 0..0,
            value: String::new(),
        }),
    }
}

fn convert(
    inst: &pd::Instruction<'_>,
    shift: &dyn Fn(&pd::Span) -> Span,
    here_docs: &mut Vec<Span>,
) -> Instruction {
    use pd::Instruction as I;
    let mk = |keyword: Keyword, kw: &pd::Keyword, flags: Vec<Flag>, args: Args, end: usize| {
        let keyword_span = shift(&kw.span);
        let span = keyword_span.start..end.max(keyword_span.end);
        Instruction {
            shell_cache: ShellCache::new(),
            keyword,
            keyword_span,
            span,
            flags,
            args,
        }
    };
    match inst {
        I::From(i) => {
            let image = word(&i.image, shift);
            let alias = i.as_.as_ref().map(|(_, a)| word(a, shift));
            let end = alias.as_ref().map_or(image.span.end, |a| a.span.end);
            mk(
                Keyword::From,
                &i.from,
                flags(&i.options, shift),
                Args::From { image, alias },
                end,
            )
        }
        I::Run(i) => {
            let cmd = command(&i.arguments, shift);
            let docs: Vec<Word> = i
                .here_docs
                .iter()
                .map(|h| Word {
                    span: shift(&h.span),
                    value: h.value.to_string(),
                })
                .collect();
            here_docs.extend(docs.iter().map(|d| d.span.clone()));
            let end = docs
                .iter()
                .map(|d| d.span.end)
                .chain([cmd.span().end])
                .max()
                .unwrap_or(0);
            mk(
                Keyword::Run,
                &i.run,
                flags(&i.options, shift),
                Args::Command {
                    command: cmd,
                    here_docs: docs,
                },
                end,
            )
        }
        I::Cmd(i) => {
            let cmd = command(&i.arguments, shift);
            let end = cmd.span().end;
            mk(
                Keyword::Cmd,
                &i.cmd,
                Vec::new(),
                Args::Command {
                    command: cmd,
                    here_docs: Vec::new(),
                },
                end,
            )
        }
        I::Entrypoint(i) => {
            let cmd = command(&i.arguments, shift);
            let end = cmd.span().end;
            mk(
                Keyword::Entrypoint,
                &i.entrypoint,
                Vec::new(),
                Args::Command {
                    command: cmd,
                    here_docs: Vec::new(),
                },
                end,
            )
        }
        I::Healthcheck(i) => {
            let (args, end) = match &i.arguments {
                pd::HealthcheckArguments::Cmd { arguments, .. } => {
                    let c = command(arguments, shift);
                    let end = c.span().end;
                    (Args::Healthcheck(Some(c)), end)
                }
                pd::HealthcheckArguments::None { none, .. } => {
                    (Args::Healthcheck(None), shift(&none.span).end)
                }
                #[allow(unreachable_patterns)]
                _ => (Args::Healthcheck(None), 0),
            };
            mk(
                Keyword::Healthcheck,
                &i.healthcheck,
                flags(&i.options, shift),
                args,
                end,
            )
        }
        I::Add(i) => {
            let (args, end) = paths(&i.src, &i.dest, shift, here_docs);
            mk(Keyword::Add, &i.add, flags(&i.options, shift), args, end)
        }
        I::Copy(i) => {
            let (args, end) = paths(&i.src, &i.dest, shift, here_docs);
            mk(Keyword::Copy, &i.copy, flags(&i.options, shift), args, end)
        }
        I::Arg(i) => text_inst(Keyword::Arg, &i.arg, &i.arguments, shift, mk),
        I::Env(i) => text_inst(Keyword::Env, &i.env, &i.arguments, shift, mk),
        I::Label(i) => text_inst(Keyword::Label, &i.label, &i.arguments, shift, mk),
        I::User(i) => text_inst(Keyword::User, &i.user, &i.arguments, shift, mk),
        I::Workdir(i) => text_inst(Keyword::Workdir, &i.workdir, &i.arguments, shift, mk),
        I::Stopsignal(i) => text_inst(Keyword::Stopsignal, &i.stopsignal, &i.arguments, shift, mk),
        I::Maintainer(i) => text_inst(Keyword::Maintainer, &i.maintainer, &i.name, shift, mk),
        I::Shell(i) => {
            let words: Vec<Word> = i.arguments.iter().map(|w| word(w, shift)).collect();
            let end = words.last().map_or(0, |w| w.span.end);
            mk(Keyword::Shell, &i.shell, Vec::new(), Args::List(words), end)
        }
        I::Expose(i) => {
            let words: Vec<Word> = i.arguments.iter().map(|w| word(w, shift)).collect();
            let end = words.last().map_or(0, |w| w.span.end);
            mk(
                Keyword::Expose,
                &i.expose,
                Vec::new(),
                Args::List(words),
                end,
            )
        }
        I::Volume(i) => {
            let words: Vec<Word> = match &i.arguments {
                pd::JsonOrStringArray::Json(s) => s.value.iter().map(|w| word(w, shift)).collect(),
                pd::JsonOrStringArray::String(v) => v.iter().map(|w| word(w, shift)).collect(),
            };
            let end = words.last().map_or(0, |w| w.span.end);
            mk(
                Keyword::Volume,
                &i.volume,
                Vec::new(),
                Args::List(words),
                end,
            )
        }
        I::Onbuild(i) => {
            let inner = convert(&i.instruction, shift, here_docs);
            let end = inner.span.end;
            mk(
                Keyword::Onbuild,
                &i.onbuild,
                Vec::new(),
                Args::Onbuild(Box::new(inner)),
                end,
            )
        }
        #[allow(unreachable_patterns)]
        _ => Instruction {
            shell_cache: ShellCache::new(),
            keyword: Keyword::Label,
            keyword_span: 0..0,
            span: 0..0,
            flags: Vec::new(),
            args: Args::List(Vec::new()),
        },
    }
}

fn text_inst(
    keyword: Keyword,
    kw: &pd::Keyword,
    s: &pd::UnescapedString<'_>,
    shift: &dyn Fn(&pd::Span) -> Span,
    mk: impl Fn(Keyword, &pd::Keyword, Vec<Flag>, Args, usize) -> Instruction,
) -> Instruction {
    let w = word(s, shift);
    let end = w.span.end;
    mk(keyword, kw, Vec::new(), Args::Text(w), end)
}

fn paths(
    src: &[pd::Source<'_>],
    dest: &pd::UnescapedString<'_>,
    shift: &dyn Fn(&pd::Span) -> Span,
    here_docs: &mut Vec<Span>,
) -> (Args, usize) {
    let mut sources = Vec::new();
    let mut docs = Vec::new();
    for s in src {
        match s {
            pd::Source::Path(p) => sources.push(path_word(p, shift)),
            pd::Source::HereDoc(h) => {
                let w = Word {
                    span: shift(&h.span),
                    value: h.value.to_string(),
                };
                here_docs.push(w.span.clone());
                docs.push(w);
            }
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
    let dest = path_word(dest, shift);
    let end = docs
        .iter()
        .map(|d| d.span.end)
        .chain([dest.span.end])
        .max()
        .unwrap_or(0);
    (
        Args::Paths {
            sources,
            here_doc_sources: docs,
            dest,
        },
        end,
    )
}

/// `Dockerfile.<ext>` names that are source code, documents, templates or data, not
/// Dockerfile variants such as `Dockerfile.prod` or `Dockerfile.alpine`.
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    // documents and data
    "md",
    "rst",
    "txt",
    "adoc",
    "html",
    "xml",
    "json",
    "yml",
    "yaml",
    "toml",
    "ini",
    "cfg",
    "csv",
    "lock",
    "log",
    "dockerignore",
    // templates and backups
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
    "erb",
    "mustache",
    "hbs",
    "in",
    "bak",
    "orig",
    "swp",
    "old",
    "dist",
    "sample",
    "example",
    // source code
    "rs",
    "py",
    "pyi",
    "go",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "rb",
    "java",
    "kt",
    "scala",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "swift",
    "php",
    "pl",
    "lua",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "bat",
    "cmd",
    "bzl",
    "star",
    "hcl",
    "tf",
    "cue",
    "jsonnet",
    "mk",
    "gradle",
    "groovy",
    "el",
    "vim",
    "snap",
    "diff",
    "patch",
    // styles, markup and assets of a web front end (`dockerfile-build-form.css`)
    "css",
    "scss",
    "sass",
    "less",
    "vue",
    "svelte",
    "svg",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "webp",
    "pdf",
];

/// Whether a file name is a Dockerfile: `Dockerfile`, `Containerfile`, `Dockerfile.<x>`,
/// `Dockerfile-<x>` and `Dockerfile_<x>` (not `Dockerfile.md`, `dockerfile_parser.py`),
/// `<x>.Dockerfile`.
pub fn is_dockerfile_name(name: &str) -> bool {
    // Asked of every file of the tree: nothing is allocated.
    use crate::source::{ends_with_ignore_case, starts_with_ignore_case};
    for stem in ["dockerfile", "containerfile"] {
        if !starts_with_ignore_case(name, stem) {
            continue;
        }
        let rest = &name[stem.len()..];
        if rest.is_empty() {
            return true;
        }
        if let Some(ext) = rest.strip_prefix(['.', '-', '_']) {
            let last = ext.rsplit('.').next().unwrap_or(ext);
            if !ext.is_empty()
                && !NOT_DOCKERFILE_EXTENSIONS
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(last))
            {
                return true;
            }
        }
    }
    ends_with_ignore_case(name, ".dockerfile") || ends_with_ignore_case(name, ".containerfile")
}

/// An image reference without its tag or digest (in lower case), and its tag (empty
/// when it names none): `ghcr.io/o/app:1@sha256:…` → (`ghcr.io/o/app`, `1`).
pub fn name_and_tag(image: &str) -> (String, String) {
    let lower = image.to_ascii_lowercase();
    let no_digest = lower.split('@').next().unwrap_or("").to_string();
    match no_digest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n.to_string(), t.to_string()),
        _ => (no_digest, String::new()),
    }
}

/// An image reference without its tag or digest, and without Docker Hub's implicit
/// prefixes: `docker.io/library/python:3.12` → `python`, `ghcr.io/o/app:1` → `ghcr.io/o/app`.
pub fn image_name(reference: &str) -> String {
    let (name, _) = name_and_tag(reference.trim());
    let r = name.strip_prefix("docker.io/").unwrap_or(&name);
    r.strip_prefix("library/").unwrap_or(r).to_string()
}

/// The Docker Official Images (`docker pull NAME` with no namespace), current and
/// deprecated but still pullable, as listed in docker-library/official-images.
const OFFICIAL_IMAGES: &[&str] = &[
    "adminer",
    "aerospike",
    "almalinux",
    "alpine",
    "alt",
    "amazoncorretto",
    "amazonlinux",
    "api-firewall",
    "arangodb",
    "archlinux",
    "azul-zulu",
    "backdrop",
    "bash",
    "bonita",
    "buildpack-deps",
    "busybox",
    "caddy",
    "cassandra",
    "celery",
    "centos",
    "chronograf",
    "cirros",
    "clearlinux",
    "clefos",
    "clickhouse",
    "clojure",
    "composer",
    "consul",
    "convertigo",
    "couchbase",
    "couchdb",
    "crate",
    "dart",
    "debian",
    "django",
    "docker",
    "drupal",
    "eclipse-mosquitto",
    "eclipse-temurin",
    "eggdrop",
    "elasticsearch",
    "elixir",
    "emqx",
    "erlang",
    "espocrm",
    "fedora",
    "flink",
    "fluentd",
    "friendica",
    "fsharp",
    "gazebo",
    "gcc",
    "geonetwork",
    "ghost",
    "golang",
    "gradle",
    "groovy",
    "haproxy",
    "haskell",
    "haxe",
    "hello-world",
    "hitch",
    "httpd",
    "hylang",
    "ibm-semeru-runtimes",
    "ibmjava",
    "influxdb",
    "iojs",
    "irssi",
    "java",
    "jenkins",
    "jetty",
    "joomla",
    "jruby",
    "julia",
    "kapacitor",
    "kibana",
    "kong",
    "krakend",
    "lightstreamer",
    "liquibase",
    "logstash",
    "mageia",
    "mariadb",
    "matomo",
    "maven",
    "mediawiki",
    "memcached",
    "mongo",
    "mongo-express",
    "monica",
    "mono",
    "mysql",
    "nats",
    "nats-streaming",
    "neo4j",
    "neurodebian",
    "nextcloud",
    "nginx",
    "nim",
    "node",
    "notary",
    "odoo",
    "open-liberty",
    "openjdk",
    "opensuse",
    "oraclelinux",
    "orientdb",
    "owncloud",
    "percona",
    "perl",
    "photon",
    "php",
    "php-zendserver",
    "phpmyadmin",
    "piwik",
    "plone",
    "postfixadmin",
    "postgres",
    "pypy",
    "python",
    "r-base",
    "rabbitmq",
    "rails",
    "rakudo-star",
    "redis",
    "redmine",
    "registry",
    "rethinkdb",
    "rocket.chat",
    "rockylinux",
    "ros",
    "ruby",
    "rust",
    "sapmachine",
    "satosa",
    "scratch",
    "sentry",
    "silverpeas",
    "solr",
    "sonarqube",
    "spark",
    "spiped",
    "storm",
    "swarm",
    "swift",
    "swipl",
    "teamspeak",
    "telegraf",
    "thrift",
    "tomcat",
    "tomee",
    "traefik",
    "ubuntu",
    "unit",
    "vault",
    "varnish",
    "websphere-liberty",
    "wordpress",
    "xwiki",
    "yourls",
    "znc",
    "zookeeper",
];

/// Whether an image reference names an image no registry serves: one name without a
/// registry or namespace (`base`, `myapp-web`) that is not a Docker Official Image, so
/// `docker pull` cannot fetch it. Such an image is built beside this one (a
/// `docker buildx bake` named context, `docker build -t base`, a Compose project's
/// image) from files this Dockerfile does not show.
pub fn is_local_image(reference: &str) -> bool {
    let name = image_name(reference);
    !name.is_empty()
        && !name.contains(['/', '$'])
        && !reference.contains("docker.io/")
        && !OFFICIAL_IMAGES.contains(&name.as_str())
}

/// A base image a `FROM` names (not a stage of the same file, not `scratch`), with ARG
/// defaults resolved.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BaseImage {
    /// As written.
    pub written: String,
    /// With `ARG` defaults substituted; `None` when a variable has no default.
    pub resolved: Option<String>,
    pub span: Span,
    /// It starts a stage that only fetches, unpacks or stages files for a later one: a
    /// stage the final image is not built on, whose `RUN`s run only download, archive
    /// and file tools ([`FETCH_TOOLS`]), and that downloads or unpacks something (`ADD`,
    /// `wget`, `curl`, `skopeo`, `tar`, `unzip`) or copies files in that are all later
    /// stages take from it. The image supplies tools; none of its own files ship.
    #[serde(default)]
    pub fetch_stage: bool,
}

/// The programs a stage that only fetches and unpacks files runs (see
/// [`BaseImage::fetch_stage`]): downloaders, archivers, checksums, file and text tools,
/// the package managers that install them, and the shell's own words.
pub const FETCH_TOOLS: &[&str] = &[
    "wget",
    "curl",
    "skopeo",
    "tar",
    "unzip",
    "gunzip",
    "gzip",
    "xz",
    "bunzip2",
    "bzip2",
    "zstd",
    "sha256sum",
    "sha512sum",
    "md5sum",
    "mkdir",
    "cp",
    "mv",
    "rm",
    "chmod",
    "chown",
    "touch",
    "ln",
    "find",
    "xargs",
    "cat",
    "echo",
    "printf",
    "test",
    "[",
    "[[",
    "true",
    "set",
    "cd",
    "export",
    "ls",
    "exit",
    "apk",
    "apt-get",
    "apt",
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "for",
    "do",
    "done",
    "case",
    "esac",
];

/// Whether `stage` only fetches and unpacks files (see [`BaseImage::fetch_stage`]).
fn fetch_stage(df: &Dockerfile, source: &SourceFile, stage: &Stage, chain: &[&Stage]) -> bool {
    if chain.iter().any(|s| s.from == stage.from) {
        return false;
    }
    let body = df.stage_instructions(stage);
    // It fetches or unpacks something: an `ADD`, or a download or an archive tool.
    let mut fetches = false;
    for inst in body {
        match inst.keyword {
            Keyword::Add => fetches = true,
            Keyword::Run => {
                let scripts = stages::run_scripts(source, inst);
                if scripts.is_empty() {
                    return false;
                }
                for c in scripts.iter().flat_map(|script| script.commands()) {
                    match c.program_name() {
                        None => {}
                        Some(p) if !FETCH_TOOLS.contains(&p) => return false,
                        Some(p) => {
                            fetches |= matches!(p, "wget" | "curl" | "skopeo" | "tar" | "unzip")
                        }
                    }
                }
            }
            _ => {}
        }
    }
    fetches || copies_out_only_what_it_copied_in(df, stage)
}

/// Whether a stage only stages files for later ones: it copies files in (`COPY`, `ADD`
/// to an absolute destination), no stage is built on it, and every later `COPY
/// --from=` it names takes a path under one of those destinations. What ships came
/// from the build context or another stage, not from the stage's base image.
fn copies_out_only_what_it_copied_in(df: &Dockerfile, stage: &Stage) -> bool {
    let Args::From { alias, .. } = &df.instructions[stage.from].args else {
        return false;
    };
    let index = df
        .stages
        .iter()
        .position(|s| s.from == stage.from)
        .unwrap_or(0);
    let names_this = |name: &str| {
        alias
            .as_ref()
            .is_some_and(|a| a.value.eq_ignore_ascii_case(name))
            || name == index.to_string()
    };
    let mut dests = Vec::new();
    for inst in df.stage_instructions(stage) {
        if let (Keyword::Copy | Keyword::Add, Args::Paths { dest, .. }) = (inst.keyword, &inst.args)
        {
            let dest = dest.value.trim_end_matches('/');
            if !dest.starts_with('/') || dest.is_empty() {
                return false;
            }
            dests.push(dest.to_string());
        }
    }
    if dests.is_empty() {
        return false;
    }
    let mut copied_out = false;
    for inst in &df.instructions[stage.body.end..] {
        match (&inst.keyword, &inst.args) {
            (Keyword::From, Args::From { image, .. }) if names_this(&image.value) => return false,
            (Keyword::Copy | Keyword::Add, Args::Paths { sources, .. }) => {
                if !inst
                    .flag("from")
                    .and_then(|f| f.value.as_ref())
                    .is_some_and(|v| names_this(&v.value))
                {
                    continue;
                }
                let under = |src: &str| {
                    dests.iter().any(|d| {
                        src.strip_prefix(d.as_str())
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                    })
                };
                if !sources.iter().all(|src| under(&src.value)) {
                    return false;
                }
                copied_out = true;
            }
            _ => {}
        }
    }
    copied_out
}

/// What a Dockerfile tells the repository rules.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DockerFacts {
    pub base_images: Vec<BaseImage>,
    /// The image the file builds (its final stage), if it has stages.
    #[serde(default)]
    pub final_stage: Option<FinalStage>,
    /// The URLs its `HEALTHCHECK`s ask for.
    #[serde(default)]
    pub probes: Vec<crate::lang::service::Probe>,
    /// The script of the repository that the image's `ENTRYPOINT` (or, without one,
    /// `CMD`) runs, when it runs one.
    #[serde(default)]
    pub entry_script: Option<EntryScript>,
    /// A stage named for tests after the production one (`AS test`,
    /// `AS concourse_tests`): a pipeline builds it to run the suite.
    #[serde(default)]
    pub test_stage: bool,
    /// The final stage runs its process as root, as far as this file shows.
    #[serde(default)]
    pub root: Option<user::RootUse>,
    /// Its content makes it a development image (it says so, or its image starts a
    /// development server or script): the repository rules that skip development
    /// environments leave it, as the per-file rules do.
    #[serde(default)]
    pub dev_image: bool,
    /// Each stage's name (`FROM … AS name`) and whether it is named for tests or
    /// development, in order: the stages a build's `--target` may name.
    #[serde(default)]
    pub stages: Vec<(Option<String>, bool)>,
    /// The final stage's index in [`DockerFacts::stages`].
    #[serde(default)]
    pub final_index: Option<usize>,
}

/// Which image of a Dockerfile the repository publishes, from its CI's builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shipped {
    /// The final stage the file's shape names (or the builds do not tell).
    AsFound,
    /// Only stages named for development or tests are published, each by name: the
    /// file is a development image.
    Development,
    /// Another stage: the one a build publishes.
    Stage(usize),
}

impl DockerFacts {
    /// Which stage ships, given the targets of the builds that publish this file's
    /// image (see [`crate::lang::ci::builds`]). The final stage as found stays when a
    /// build publishes it, or when a build's target cannot be told or names no stage.
    /// Otherwise a build without a target publishes the last stage, whatever its name
    /// (`runtime-dev` after `runtime`: the published image is the development one); a
    /// build naming a stage not named for development publishes that one; and a file
    /// whose builds all name stages for development or tests (`--target dev`) is a
    /// development image.
    pub fn shipped(&self, targets: &[crate::lang::ci::builds::BuildTarget]) -> Shipped {
        use crate::lang::ci::builds::BuildTarget;
        let Some(found) = self.final_index else {
            return Shipped::AsFound;
        };
        let mut stages = Vec::new();
        for t in targets {
            let n =
                match t {
                    BuildTarget::Last => self.stages.len() - 1,
                    BuildTarget::Stage(name) => match self.stages.iter().rposition(|(n, _)| {
                        n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name))
                    }) {
                        Some(n) => n,
                        None => return Shipped::AsFound,
                    },
                    BuildTarget::Unknown => return Shipped::AsFound,
                };
            if n == found {
                return Shipped::AsFound;
            }
            stages.push((n, matches!(t, BuildTarget::Last)));
        }
        match stages.iter().find(|(n, last)| *last || !self.stages[*n].1) {
            Some((n, _)) => Shipped::Stage(*n),
            None if stages.is_empty() => Shipped::AsFound,
            None => Shipped::Development,
        }
    }
}

/// A script the image starts with: a shell script (`CMD ["./start.sh"]` after a
/// `COPY` of it) or a Python one (`CMD ["python", "app.py"]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EntryScript {
    /// Where it may be in the repository, most likely first: the build context is not
    /// known, so the paths are tried from the Dockerfile's directory, then the root.
    pub candidates: Vec<String>,
    /// The `ENTRYPOINT` or `CMD` instruction.
    pub span: Span,
}

impl EntryScript {
    /// The script `df` (at `rel_path`) starts with, if its final stage's `ENTRYPOINT`
    /// (or `CMD`) runs a `*.sh` file that a `COPY` or `ADD` of the build context puts
    /// in the image.
    fn of(df: &Dockerfile, chain: &[&Stage], rel_path: &str) -> Option<EntryScript> {
        let inst = stages::last_in_chain(df, chain, Keyword::Entrypoint)
            .or_else(|| stages::last_in_chain(df, chain, Keyword::Cmd))?;
        let words = stages::command_programs(inst).into_iter().next()?;
        // `sh start.sh`, `bash -e /start.sh`, `python -u app.py`: the script is the
        // first non-option word.
        let mut rest = words.iter().map(String::as_str);
        let mut script = rest.next()?;
        let interpreter = file_name(script);
        if matches!(interpreter, "sh" | "bash" | "dash" | "ash") {
            script = rest.find(|w| !w.starts_with('-'))?;
        } else if interpreter.starts_with("python") {
            script = rest.find(|w| !w.starts_with('-'))?;
            if !script.ends_with(".py") {
                return None;
            }
        }
        if !script.ends_with(".sh") && !script.ends_with(".py") {
            return None;
        }
        let name = file_name(script);
        let relative = script.strip_prefix("./").unwrap_or(script);
        let dir = crate::source::parent_dir(rel_path);
        let mut candidates = Vec::new();
        for i in chain.iter().flat_map(|s| s.body.clone()) {
            let inst = &df.instructions[i];
            if !matches!(inst.keyword, Keyword::Copy | Keyword::Add) || inst.flag("from").is_some()
            {
                continue;
            }
            let Args::Paths { sources, dest, .. } = &inst.args else {
                continue;
            };
            let dest = dest.value.trim_end_matches('/');
            for src in sources {
                let src = src.value.trim_start_matches("./");
                let whole_context = src == "." || src.is_empty();
                let path = if file_name(src) == name {
                    src.to_string()
                } else if whole_context
                    && let Some(under) = script.strip_prefix(&format!("{dest}/"))
                {
                    // `COPY . /app` and `CMD ["/app/bin/start.sh"]`.
                    under.to_string()
                } else if whole_context && !script.starts_with('/') {
                    // `COPY . .` and `CMD ["./start.sh"]`, from the `WORKDIR`.
                    relative.to_string()
                } else {
                    continue;
                };
                for c in [crate::source::join_path(dir, &path), path] {
                    if !candidates.contains(&c) {
                        candidates.push(c);
                    }
                }
            }
        }
        (!candidates.is_empty()).then(|| EntryScript {
            candidates,
            span: inst.span.clone(),
        })
    }
}

/// What the image a Dockerfile builds is, for rules that judge it together with the
/// deployments that run it (DKR003).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FinalStage {
    /// The final stage's `FROM` instruction.
    pub from: Span,
    /// It looks like a long-running service ([`stages::is_service`]).
    pub service: bool,
    /// A `HEALTHCHECK` (`NONE` included) along its chain of stages.
    pub healthcheck: bool,
}

impl DockerFacts {
    fn of(df: &Dockerfile, source: &SourceFile) -> DockerFacts {
        let rel_path = &*source.rel_path;
        let chain = stages::final_chain(df);
        let mut facts = DockerFacts {
            entry_script: EntryScript::of(df, &chain, rel_path),
            // A stage named for tests after the image's: where CI runs the suite.
            test_stage: df.stages.iter().any(|s| {
                df.final_stage().is_some_and(|f| f.from < s.from)
                    && df.stage_name(s).is_some_and(is_test_stage_name)
            }),
            root: user::runs_as_root(df, &source.text),
            stages: df
                .stages
                .iter()
                .map(|s| (df.stage_name(s).map(str::to_string), df.side_stage_named(s)))
                .collect(),
            final_index: df
                .final_stage()
                .and_then(|f| df.stages.iter().position(|s| s.from == f.from)),
            ..DockerFacts::default()
        };
        if let Some(stage) = chain.first() {
            facts.final_stage = Some(FinalStage {
                from: df.from_instruction(stage).span.clone(),
                service: stages::is_service(df, &chain),
                healthcheck: stages::last_in_chain(df, &chain, Keyword::Healthcheck).is_some(),
            });
        }
        for (index, inst) in df.instructions.iter().enumerate() {
            if let Args::Healthcheck(Some(command)) = &inst.args {
                let text = match command {
                    Command::Shell(w) => w.value.clone(),
                    Command::Exec { args, .. } => args
                        .iter()
                        .map(|a| a.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                if let Some(path) = crate::lang::service::url_path(&text) {
                    facts.probes.push(crate::lang::service::Probe {
                        path,
                        span: inst.span.clone(),
                    });
                }
            }
            let Args::From { image, .. } = &inst.args else {
                continue;
            };
            let resolved = stages::resolve_image(df, &image.value);
            let name = resolved.as_deref().unwrap_or(&image.value);
            if name.eq_ignore_ascii_case("scratch") || df.is_stage_alias(name, index) {
                continue;
            }
            let fetch = df
                .stages
                .iter()
                .find(|s| s.from == index)
                .is_some_and(|stage| fetch_stage(df, source, stage, &chain));
            facts.base_images.push(BaseImage {
                written: image.value.clone(),
                resolved,
                span: image.span.clone(),
                fetch_stage: fetch,
            });
        }
        facts
    }
}

/// The Dockerfile front end.
pub struct DockerfileFrontEnd;

impl FrontEnd for DockerfileFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        is_dockerfile_name(file_name(rel_path)).then_some(FileKind::Dockerfile)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Dockerfile
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        if is_template(&source.text) {
            return;
        }
        let mut df = Dockerfile::parse(source);
        if let Some(n) = sink.shipped_stage() {
            df.ship(n);
        }
        for e in &df.errors {
            out.error(
                e.offset..e.offset,
                "Dockerfile",
                e.message.clone(),
                "fix the syntax; the instructions around it were still checked",
            );
        }
        sink.dockerfile(&df);
        if declared_not_for_production(source, &df) || stages::image_dev_script(&df) {
            out.roles.insert(crate::roles::Role::DevEnvironment);
        } else if stages::image_dev_server(&df).is_some() {
            out.roles.insert(crate::roles::Role::DevEnvironment);
            out.roles_found_by = Some("RUN001");
        }
        out.comments = comments(source, &df);
        let mut facts = DockerFacts::of(&df, source);
        facts.dev_image = out.roles.has(crate::roles::Role::DevEnvironment);
        out.facts.docker = Some(Box::new(facts));
    }
}

/// A stage name that says the stage runs tests or CI checks: named as a test folder is
/// (`test`, `tests`, `concourse_tests`, `e2e`, see [`crate::roles`]), or `ci`, `lint`.
fn is_test_stage_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    crate::roles::is_test_dir(&n) || matches!(n.as_str(), "ci" | "lint")
}

/// Whether the comments above a Dockerfile's first instruction say its image is not
/// for production: "Not suitable for production use", "for local development only",
/// "do not use in production", "test image". Its authors said what it is for.
pub fn declared_not_for_production(source: &SourceFile, df: &Dockerfile) -> bool {
    let first = df.instructions.first().map_or(usize::MAX, |i| i.span.start);
    let header: String = df
        .comments
        .iter()
        .take_while(|c| c.start < first)
        .filter_map(|c| source.text.get(c.start..c.end))
        .map(|c| c.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    const SAYS: [&str; 11] = [
        "not suitable for production",
        "not for production",
        "not intended for production",
        "not meant for production",
        "not be used in production",
        "do not use in production",
        "don't use in production",
        "never use in production",
        "development only",
        "testing only",
        "tests only",
    ];
    SAYS.iter().any(|s| header.contains(s))
}

/// Whether a Dockerfile is a template that is rendered before Docker reads it: a line
/// that starts with a Go or Jinja template tag (`{{ if .alpine }}`, `{% for … %}`), as in
/// the official images' `Dockerfile.template` files. Like templated paths (see
/// `roles`), it is not checked: its instructions are not yet what will be built.
pub fn is_template(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("{{") || l.starts_with("{%")
    })
}

/// Comments of a Dockerfile: whole-line comments, and a trailing `# readylint:` on a
/// line of any instruction (a shell comment in `RUN`; elsewhere Docker reads it as part
/// of the arguments, but a suppression there is still meant as one).
fn comments(source: &SourceFile, df: &Dockerfile) -> Vec<crate::suppress::Comment> {
    use crate::suppress::Comment;
    let mut out: Vec<Comment> = df
        .comments
        .iter()
        .map(|s| Comment {
            span: s.clone(),
            own_line: true,
        })
        .collect();
    for inst in &df.instructions {
        let first = source.line_of(inst.span.start);
        let last = source.line_of(inst.span.end);
        for line in first..=last {
            let span = source.line_span(line);
            if let Some(i) = source.text[span.clone()]
                .to_ascii_lowercase()
                .find("# readylint:")
                && !df
                    .comments
                    .iter()
                    .any(|c| c.start <= span.start + i && span.start + i < c.end)
            {
                out.push(Comment {
                    span: span.start + i..span.end,
                    own_line: false,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (SourceFile, Dockerfile) {
        let f = SourceFile::new("Dockerfile", "Dockerfile", text.to_string());
        let d = Dockerfile::parse(&f);
        (f, d)
    }

    #[test]
    fn a_fragment_without_from_is_read_and_an_empty_file_is_an_error() {
        let (_, d) = parse("# escape=`\nARG IMAGE\nLABEL a=$IMAGE `\n    b=c\nRUN echo hi\n");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert!(d.stages.is_empty());
        let keywords: Vec<Keyword> = d.instructions.iter().map(|i| i.keyword).collect();
        assert_eq!(keywords, [Keyword::Arg, Keyword::Label, Keyword::Run]);
        assert_eq!(d.escape, '`');
        for empty in ["", "\n", "# only a comment\n"] {
            let (_, d) = parse(empty);
            assert_eq!(d.errors.len(), 1, "{empty:?}");
        }
        // A file with a `FROM` is held to the rule that only `ARG` comes before it.
        let (_, d) = parse("LABEL a=b\nFROM alpine:3.20\n");
        assert_eq!(d.errors.len(), 1);
    }

    #[test]
    fn side_stages_are_not_the_image() {
        let (_, d) =
            parse("FROM python:3.13 AS production\nRUN a\nFROM production AS dev\nRUN b\n");
        assert_eq!(d.final_stage().map(|s| s.from), Some(0));
        assert!(!d.in_side_stage(1));
        assert!(d.in_side_stage(3));
        // Copied from by the final stage: it ships what it built.
        let (_, d) = parse(
            "FROM node:22 AS dev-assets\nRUN a\nFROM python:3.13\nCOPY --from=dev-assets /a /a\n",
        );
        assert!(!d.in_side_stage(1));
        // The only stage is the image, whatever its name.
        let (_, d) = parse("FROM python:3.13 AS dev\nRUN a\n");
        assert!(!d.in_side_stage(1));
    }

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Containerfile",
            "Dockerfile.prod",
            "Dockerfile-dev",
            "Dockerfile_worker",
            "DOCKERFILE.alpine",
            "api.Dockerfile",
            "web.containerfile",
            "Dockerfile.base.ubi",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.md",
            "Dockerfile.PY",
            "Dockerfile.base.j2",
            "dockerfile_parser.py",
            "Dockerfile.",
            "Dockerfiles",
            "my-dockerfile",
            "Dockerfile.ß.md",
            "dockerfile-build-form.css",
            "dockerfile-command.component.scss",
            "Dockerfile-logo.svg",
            "é",
            "",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let (f, d) = parse("FROM python:3.12 AS build\nRUN pip install x\nUSER app\n");
        assert_eq!(d.stages.len(), 1);
        let Args::From { image, alias } = &d.instructions[0].args else {
            panic!("not FROM")
        };
        assert_eq!(&f.text[image.span.clone()], "python:3.12");
        assert_eq!(alias.as_ref().map(|a| a.value.as_str()), Some("build"));
        let user = &d.instructions[2];
        assert_eq!(&f.text[user.span.clone()], "USER app");
        assert!(d.errors.is_empty());
    }

    #[test]
    fn recovers_after_a_bad_instruction() {
        let text = "FROM alpine\nBOGUS thing\nRUN echo hi\nUSER root\n";
        let (f, d) = parse(text);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(f.position(d.errors[0].offset).line, 2);
        let kws: Vec<Keyword> = d.instructions.iter().map(|i| i.keyword).collect();
        assert_eq!(kws, [Keyword::From, Keyword::Run, Keyword::User]);
        let user = &d.instructions[2];
        assert_eq!(&f.text[user.span.clone()], "USER root");
        assert_eq!(d.stages.len(), 1);
    }

    #[test]
    fn escape_directive_and_here_docs() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n# a comment\nRUN <<EOF\n# not a comment\nEOF\n";
        let (f, d) = parse(text);
        assert_eq!(d.escape, '`');
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let comment_lines: Vec<usize> = d.comments.iter().map(|c| f.line_of(c.start)).collect();
        assert_eq!(comment_lines, [1, 5]);
    }

    #[test]
    fn byte_order_mark_keeps_spans_aligned() {
        let (f, d) = parse("\u{feff}FROM alpine\nUSER root\n");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(&f.text[d.instructions[1].span.clone()], "USER root");
        let (_, d) = parse("\u{feff} FROBNICATE\nFROM alpine:3.20\n");
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.instructions.len(), 1);
    }

    #[test]
    fn here_docs_after_the_command() {
        let text = "FROM alpine\nRUN cat <<EOF > /etc/motd\nwelcome\nuser nginx;\nEOF\nRUN python3 <<-'PY' && sh <<B\n\tprint(1)\n\tPY\necho b\nB\nUSER app\n";
        let (f, d) = parse(text);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let kws: Vec<Keyword> = d.instructions.iter().map(|i| i.keyword).collect();
        assert_eq!(
            kws,
            [Keyword::From, Keyword::Run, Keyword::Run, Keyword::User]
        );
        let Args::Command { here_docs, .. } = &d.instructions[1].args else {
            panic!("not a command")
        };
        assert_eq!(here_docs[0].value, "welcome\nuser nginx;\n");
        let Args::Command { here_docs, .. } = &d.instructions[2].args else {
            panic!("not a command")
        };
        assert_eq!(here_docs.len(), 2);
        assert_eq!(here_docs[1].value, "echo b\n");
        assert_eq!(&f.text[d.instructions[3].span.clone()], "USER app");
        // Body lines are not Dockerfile comments.
        assert!(d.comments.is_empty());
    }

    #[test]
    fn empty_entrypoint_clears_it() {
        let (_, d) = parse("FROM nginx\nENTRYPOINT []\nCMD [\"nginx\"]\n");
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(d.instructions.len(), 3);
        assert!(matches!(
            d.instructions[1].command(),
            Some(Command::Exec { args, .. }) if args.is_empty()
        ));
    }

    #[test]
    fn empty_file_is_an_error() {
        let (_, d) = parse("");
        assert_eq!(d.errors.len(), 1);
        assert!(d.instructions.is_empty());
    }

    #[test]
    fn copy_paths_lose_their_quotes() {
        let (_, df) = parse("FROM a\nADD \"a.tar.gz\" 'c'.tgz \"/x/\"\nCOPY [\"d\", \"/y/\"]\n");
        let Args::Paths { sources, dest, .. } = &df.instructions[1].args else {
            panic!("{:?}", df.instructions[1]);
        };
        let values: Vec<&str> = sources.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(values, ["a.tar.gz", "c.tgz"]);
        assert_eq!(dest.value, "/x/");
        assert_eq!(remove_quotes(r#""say \"hi\"""#), r#"say "hi""#);
    }

    #[test]
    fn key_values() {
        let kv = parse_key_values("A=1 B=\"two words\" C");
        assert_eq!(kv.len(), 3);
        assert_eq!(kv[1].value.as_deref(), Some("two words"));
        assert_eq!(kv[2].value, None);
        let legacy = parse_key_values("KEY some value");
        assert_eq!(legacy[0].value.as_deref(), Some("some value"));
    }
}
