//! The YAML front end: `saphyr` parses (YAML 1.2, anchors and aliases resolved), and
//! this module turns its tree into our own owned [`Node`]s, each with the byte span of
//! its text in the file, mapping keys kept with their own spans. Rules find the exact key
//! or value to report through a [`Route`] of keys and indices, as zizmor does.
//!
//! YAML 1.2 has no `<<` merge keys; GitLab CI relies on them, so [`Yaml::parse`] can
//! apply them itself (explicit keys win over merged ones, earlier merged maps over
//! later ones). Tags such as GitLab's `!reference` are kept on the node.
//!
//! YAML 1.2 wants every line of a flow collection (`[…]`, `{…}`) that sits in a block
//! collection indented past that block's column; libyaml, and so GitHub, PyYAML and
//! Compose, also take a line at the block's own column, as in the common
//!
//! ```yaml
//! python: [
//!   "3.11",
//! ]
//! ```
//!
//! The continuation lines of a quoted scalar are the same case (a `}}"` at the key's
//! column closing a multi-line `"${{ … }}"`).
//!
//! saphyr follows the spec and rejects them. When it does, [`Yaml::parse`] parses again a
//! copy of the text in which each such line starts one space later ([`pad_flow_lines`]).
//! Spaces at the start of a line inside a flow collection change no value, and every
//! position in the copy maps back to the file ([`Pads`]), so nodes and errors keep their
//! exact line and column.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, ScanError, YamlData};
use saphyr_parser::{Event, Parser};

use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::file_name;
use crate::source::{SourceFile, Span};

/// Collections nested deeper than this are cut (and reported): no input may exhaust
/// the stack.
pub const MAX_DEPTH: usize = 128;

/// A parsed YAML file: its documents.
#[derive(Debug, Clone, Default)]
pub struct Yaml {
    pub docs: Vec<Node>,
}

/// A YAML value with its span in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    /// The tag as written (`!reference`), if any.
    pub tag: Option<String>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string; `quoted` when it was written in quotes.
    Str {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// One step of a [`Route`]: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A path of keys and indices from a document's root to one node, e.g.
/// `jobs.test.steps[2].uses`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route(pub Vec<Step>);

impl Route {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn key(mut self, k: &str) -> Self {
        self.0.push(Step::Key(k.to_string()));
        self
    }

    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Step::Index(i));
        self
    }
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Step::Key(k) if i == 0 => write!(f, "{k}")?,
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A file that is not valid YAML: the parser's message and the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
}

impl Node {
    fn null(span: Span) -> Node {
        Node {
            span,
            tag: None,
            value: Value::Null,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    /// The entry whose key is the string `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key.as_str() == Some(key))
    }

    /// The value under the string key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A string value (not a number or boolean).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Any scalar as text: `true`, `42`, `3.5`, a string; `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str { text, .. } => Some(text.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(x) => Some(x.to_string()),
            _ => None,
        }
    }

    /// A scalar as one text, a sequence as the texts of its scalars (`runs-on: x` and
    /// `runs-on: [x, y]`, `extends: a` and `extends: [a, b]`); empty for anything else.
    pub fn scalar_texts(&self) -> Vec<String> {
        if self.is_seq() {
            self.items().iter().filter_map(Node::scalar_text).collect()
        } else {
            self.scalar_text().into_iter().collect()
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// A string holding a GitHub Actions expression (`${{ … }}`).
    pub fn is_expression(&self) -> bool {
        self.as_str().is_some_and(|s| s.contains("${{"))
    }

    /// The node at `route` below this one.
    pub fn at(&self, route: &Route) -> Option<&Node> {
        let mut node = self;
        for step in &route.0 {
            node = match step {
                Step::Key(k) => node.get(k)?,
                Step::Index(i) => node.items().get(*i)?,
            };
        }
        Some(node)
    }

    /// The span of the key that ends `route` (or of the item, for an index), which is
    /// where a finding about "this key" belongs.
    pub fn key_span_at(&self, route: &Route) -> Option<Span> {
        let (last, parent) = route.0.split_last()?;
        let parent = self.at(&Route(parent.to_vec()))?;
        match last {
            Step::Key(k) => parent.entry(k).map(|e| e.key.span.clone()),
            Step::Index(i) => parent.items().get(*i).map(|n| n.span.clone()),
        }
    }

    /// The file span of the byte range `inner` of this string's value, when the value
    /// maps onto the file line by line (plain and literal block scalars, quoted strings
    /// without escapes on one line). Otherwise `None`.
    pub fn value_span(&self, source: &SourceFile, inner: Span) -> Option<Span> {
        let text = self.as_str()?;
        let region = source.text.get(self.span.clone())?;
        // The value's line holding `inner.start`, and its offset in the value.
        let line_start = text[..inner.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if inner.end > line_end {
            return None;
        }
        // Find that line in the file region, in order: count the value lines before it.
        let mut cursor = 0usize;
        let mut value_pos = 0usize;
        for line in text.split('\n') {
            let here = region.get(cursor..)?;
            let found = if line.is_empty() {
                Some(0)
            } else {
                here.find(line)
            }?;
            if value_pos == line_start {
                let file_start = self.span.start + cursor + found;
                return Some(
                    file_start + (inner.start - line_start)..file_start + (inner.end - line_start),
                );
            }
            cursor += found + line.len();
            value_pos += line.len() + 1;
            if value_pos > line_start {
                return None;
            }
        }
        None
    }
}

impl Yaml {
    /// Every node reached by a dotted key path from the roots of all documents; `*`
    /// matches any key or sequence item. Each comes with the key node that led to it
    /// (for sequence items, the sequence's key).
    pub fn select<'a>(&'a self, path: &str) -> Vec<(Option<&'a Node>, &'a Node)> {
        let parts: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        let mut current: Vec<(Option<&Node>, &Node)> =
            self.docs.iter().map(|d| (None, d)).collect();
        for part in parts {
            let mut next = Vec::new();
            for (key, node) in current {
                match &node.value {
                    Value::Map(entries) => {
                        for e in entries {
                            let k = e.key.scalar_text();
                            if part == "*" || k.as_deref() == Some(part) {
                                next.push((Some(&e.key), &e.value));
                            }
                        }
                    }
                    Value::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            if part == "*" || part.parse::<usize>().ok() == Some(i) {
                                next.push((key, item));
                            }
                        }
                    }
                    _ => {}
                }
            }
            current = next;
        }
        current
    }

    /// Parses `source`. With `merge_keys`, `<<` entries are applied (YAML 1.1, as GitLab
    /// does); without, they stay ordinary keys.
    pub fn parse(source: &SourceFile, merge_keys: bool) -> Result<Yaml, YamlError> {
        let offsets = CharOffsets::new(&source.text);
        let error = |f: Failure| YamlError {
            message: f.message,
            offset: offsets.byte(f.index),
        };
        let mut pads = Pads::default();
        let padded;
        let docs = match MarkedYaml::load_from_str(&source.text) {
            Ok(docs) => docs,
            Err(_) => {
                padded = pad_flow_lines(&source.text, &mut pads).map_err(error)?;
                MarkedYaml::load_from_str(&padded).map_err(|e| error(pads.failure(&e)))?
            }
        };
        let mut cx = Convert {
            offsets: &offsets,
            pads: &pads,
            merge_keys,
            too_deep: None,
        };
        let docs: Vec<Node> = docs.iter().map(|d| cx.node(d, 0)).collect();
        if let Some(offset) = cx.too_deep {
            return Err(YamlError {
                message: format!("collections nested deeper than {MAX_DEPTH} levels"),
                offset,
            });
        }
        Ok(Yaml { docs })
    }

    /// The first document, or a null node.
    pub fn root(&self) -> Option<&Node> {
        self.docs.first()
    }
}

/// An error at a character index of the file.
struct Failure {
    message: String,
    index: usize,
}

/// The lines that [`pad_flow_lines`] gave one more leading space in its copy: the
/// character index in the file of each line's start, in order, with the error that
/// asked for the space.
#[derive(Default)]
struct Pads(Vec<(usize, Failure)>);

impl Pads {
    /// The character index in the file of index `copy` in the padded copy; an added
    /// space maps to the start of its line.
    fn original(&self, copy: usize) -> usize {
        let mut shift = 0;
        for (at, _) in &self.0 {
            match copy.cmp(&(at + shift)) {
                std::cmp::Ordering::Less => break,
                std::cmp::Ordering::Equal => return *at,
                std::cmp::Ordering::Greater => shift += 1,
            }
        }
        copy - shift
    }

    /// `e`, at its place in the file.
    fn failure(&self, e: &ScanError) -> Failure {
        Failure {
            message: e.info().to_string(),
            index: self.original(e.marker().index()),
        }
    }
}

/// Most lines [`pad_flow_lines`] pads in one file (each costs a scan of the file).
const MAX_PADS: usize = 64;

/// `text`, with one more leading space on each line inside a flow collection that
/// saphyr rejects for sitting at the column of the block collection around it (see the
/// module's paragraph), when that makes the whole text parse. Otherwise the error to
/// report: the first padded line's when a flow collection around it never closes (a
/// missing `]` reads best where the indentation first went wrong), else the one left.
fn pad_flow_lines(text: &str, pads: &mut Pads) -> Result<String, Failure> {
    let mut copy = text.to_string();
    loop {
        let (error, open_flow) = match scan(&copy) {
            Ok(()) => return Ok(copy),
            Err(e) => e,
        };
        // saphyr says just "invalid indentation" only inside a flow collection (in block
        // context a less indented line closes blocks instead); the check runs at the
        // first token of a line.
        let mark = *error.marker();
        if error.info() == "invalid indentation in quoted scalar" {
            // saphyr marks the scalar's opening quote, not the short line.
            let lines = short_quoted_lines(&copy, mark.index());
            let needed: usize = lines.iter().map(|(_, n)| n).sum();
            let first = lines.first().map(|(line, _)| pads.original(*line));
            let progress = first.is_some_and(|f| pads.0.last().is_none_or(|(last, _)| f > *last));
            if progress && pads.0.len() + needed <= MAX_PADS {
                let ats: Vec<usize> = lines.iter().map(|(l, _)| pads.original(*l)).collect();
                let bytes: Vec<usize> = {
                    let starts: Vec<usize> = copy.char_indices().map(|(b, _)| b).collect();
                    lines.iter().map(|(l, _)| starts[*l]).collect()
                };
                for ((_, n), byte) in lines.iter().zip(&bytes).rev() {
                    copy.insert_str(*byte, &" ".repeat(*n));
                }
                for ((_, n), at) in lines.iter().zip(ats) {
                    for _ in 0..*n {
                        pads.0.push((at, pads.failure(&error)));
                    }
                }
                continue;
            }
            return Err(pads.failure(&error));
        }
        let fixable = matches!(
            error.info(),
            "invalid indentation" | "invalid indentation in flow construct"
        );
        let line = mark.index() - mark.col().min(mark.index());
        let at = pads.original(line);
        let byte = copy.char_indices().nth(line).map(|(b, _)| b);
        let blanks_before = byte.is_some_and(|b| {
            copy[b..]
                .chars()
                .take(mark.col())
                .all(|c| c == ' ' || c == '\t')
        });
        let progress = pads.0.last().is_none_or(|(last, _)| at > *last);
        match byte {
            Some(byte) if fixable && blanks_before && progress && pads.0.len() < MAX_PADS => {
                copy.insert(byte, ' ');
                let failure = pads.failure(&error);
                pads.0.push((at, failure));
            }
            _ => {
                let open = open_flow.map(|i| pads.original(i));
                let first_inside = open.and_then(|o| pads.0.iter().position(|(at, _)| *at > o));
                return Err(match first_inside {
                    Some(i) => pads.0.swap_remove(i).1,
                    None => pads.failure(&error),
                });
            }
        }
    }
}

/// The continuation lines of the quoted scalar whose opening quote is at character
/// `quote` of `text` that do not start past the column of the first token on the
/// quote's line (a key, or a `- ` item's), each as the character index of its start and
/// the spaces it lacks. YAML 1.2 wants them past the block's column; libyaml, and so
/// GitHub, PyYAML and Compose, take any indentation, as in
///
/// ```yaml
///     env:
///       FULL: "${{
///         github.event_name != 'pull_request'
///       }}"
/// ```
///
/// Leading blanks of a quoted scalar's continuation lines are no part of its value, so
/// padding them changes nothing. Empty when the scalar never closes.
fn short_quoted_lines(text: &str, quote: usize) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let q = match chars.get(quote) {
        Some(&q @ ('"' | '\'')) => q,
        _ => return Vec::new(),
    };
    let line_start = chars[..quote]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1);
    let mut token = line_start;
    loop {
        while chars.get(token) == Some(&' ') {
            token += 1;
        }
        if chars.get(token) == Some(&'-') && chars.get(token + 1) == Some(&' ') {
            token += 1;
            continue;
        }
        break;
    }
    let need = token - line_start + 1;
    let mut short = Vec::new();
    let mut i = quote + 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' if q == '"' => i += 2,
            '\'' if q == '\'' && chars.get(i + 1) == Some(&'\'') => i += 2,
            c if c == q => return short,
            '\n' => {
                let start = i + 1;
                let mut j = start;
                while chars.get(j) == Some(&' ') {
                    j += 1;
                }
                let blank = matches!(chars.get(j), Some('\n' | '\r') | None);
                if !blank && j - start < need {
                    short.push((start, need - (j - start)));
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    Vec::new()
}

/// Runs saphyr's parser over `text`: on error, the error and the index where the
/// outermost flow collection still open there starts, if any.
fn scan(text: &str) -> Result<(), (ScanError, Option<usize>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser::new_from_iter(text.chars());
    // Open collections: `Some(start)` for a flow one, `None` for a block one; and how
    // many are flow ones (all those inside the outermost).
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut flows = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => return Err((e, open.iter().flatten().next().copied())),
        };
        let start = span.start.index();
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let content = content_start(&chars, start);
                let flow = flows > 0
                    || match (&event, chars.get(content)) {
                        (Event::SequenceStart(..), Some('[')) => true,
                        // A block mapping whose first key is a flow mapping starts where
                        // that key does.
                        (Event::MappingStart(..), Some('{')) => !matches!(
                            parser.peek(),
                            Some(Ok((Event::MappingStart(..), next)))
                                if content_start(&chars, next.start.index()) == content
                        ),
                        _ => false,
                    };
                flows += usize::from(flow);
                open.push(flow.then_some(content));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                flows -= usize::from(open.pop().flatten().is_some());
            }
            _ => {}
        }
    }
    Ok(())
}

/// Where the content of a node whose span starts at `i` starts: past its anchor and
/// tag and the blanks, breaks and comments after them.
fn content_start(chars: &[char], mut i: usize) -> usize {
    while let Some(&c) = chars.get(i) {
        match c {
            '&' | '!' => {
                while chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                    i += 1;
                }
            }
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '#' => {
                while chars.get(i).is_some_and(|&c| c != '\n') {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
    i
}

/// saphyr counts positions in characters; spans here are bytes.
struct CharOffsets {
    /// Byte offset of each character, or empty when the text is ASCII.
    starts: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let starts = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        Self {
            starts,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.starts.is_empty() {
            char_index.min(self.len)
        } else {
            self.starts.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

struct Convert<'a> {
    offsets: &'a CharOffsets,
    pads: &'a Pads,
    merge_keys: bool,
    too_deep: Option<usize>,
}

impl Convert<'_> {
    fn node(&mut self, y: &MarkedYaml<'_>, depth: usize) -> Node {
        let byte = |i: usize| self.offsets.byte(self.pads.original(i));
        let span = byte(y.span.start.index())..byte(y.span.end.index());
        if depth > MAX_DEPTH {
            self.too_deep.get_or_insert(span.start);
            return Node::null(span);
        }
        match &y.data {
            YamlData::Value(s) => Node {
                span,
                tag: None,
                value: scalar(s, false),
            },
            YamlData::Representation(text, style, tag) => Node {
                span,
                tag: tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix)),
                value: Value::Str {
                    text: text.to_string(),
                    quoted: !matches!(style, saphyr::ScalarStyle::Plain),
                },
            },
            YamlData::Sequence(items) => Node {
                span,
                tag: None,
                value: Value::Seq(items.iter().map(|i| self.node(i, depth + 1)).collect()),
            },
            YamlData::Mapping(map) => {
                let mut entries: Vec<Entry> = Vec::with_capacity(map.len());
                let mut merged: Vec<Entry> = Vec::new();
                for (k, v) in map.iter() {
                    let key = self.node(k, depth + 1);
                    let value = self.node(v, depth + 1);
                    if self.merge_keys && key.as_str() == Some("<<") && !key_quoted(&key) {
                        match &value.value {
                            Value::Map(m) => merged.extend(m.iter().cloned()),
                            Value::Seq(s) => {
                                for m in s {
                                    merged.extend(m.entries().iter().cloned());
                                }
                            }
                            _ => {}
                        }
                        continue;
                    }
                    entries.push(Entry { key, value });
                }
                for e in merged {
                    let present = entries.iter().any(|x| x.key.value == e.key.value);
                    if !present {
                        entries.push(e);
                    }
                }
                Node {
                    span,
                    tag: None,
                    value: Value::Map(entries),
                }
            }
            YamlData::Tagged(tag, inner) => {
                let mut n = self.node(inner, depth + 1);
                n.tag = Some(format!("{}{}", tag.handle, tag.suffix));
                n
            }
            YamlData::Alias(_) | YamlData::BadValue => Node::null(span),
        }
    }
}

fn key_quoted(n: &Node) -> bool {
    matches!(n.value, Value::Str { quoted: true, .. })
}

fn scalar(s: &Scalar<'_>, quoted: bool) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(t) => Value::Str {
            text: t.to_string(),
            quoted,
        },
    }
}

/// The front end of YAML files that are neither CI configuration nor Compose files
/// (read only when an enabled rule asks for YAML).
pub struct YamlFrontEnd;

impl FrontEnd for YamlFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        is_yaml_name(file_name(rel_path)).then_some(FileKind::Yaml)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Yaml
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        let help = "fix the syntax; nothing else in this file was checked";
        if let Some(doc) = read_yaml(source, false, "YAML file", help, out) {
            sink.yaml(&doc);
        }
    }
}

/// What every YAML-based front end does first: parse (`merge_keys` as GitLab and
/// Compose resolve `<<:`), record a parse error as `what` with `help`, and keep the
/// file's comments.
pub fn read_yaml(
    source: &SourceFile,
    merge_keys: bool,
    what: &str,
    help: &'static str,
    out: &mut Output,
) -> Option<Yaml> {
    out.comments = crate::suppress::yaml_comments(source);
    match Yaml::parse(source, merge_keys) {
        Ok(yaml) => Some(yaml),
        // A template (a Compose file a setup tool renders with Jinja): YAML only once
        // rendered, so not checked, and said so (RDY003).
        Err(_) if has_template_tags(&source.text) => {
            out.skipped = Some(TEMPLATE_SKIPPED);
            None
        }
        Err(e) => {
            out.error(e.offset..e.offset, what, e.message, help);
            None
        }
    }
}

/// Why a templated YAML file is not checked, and what to do.
pub const TEMPLATE_SKIPPED: (&str, &str) = (
    "a template (Jinja or Go templating) that is YAML only once rendered",
    "check the file rendered from it (`readylint check --kind compose rendered.yml`)",
);

/// Whether a text carries template tags (`{{ x }}`, `{% if %}`) besides GitHub's
/// expressions (`${{ x }}`), which are part of a workflow's YAML.
pub fn has_template_tags(text: &str) -> bool {
    text.contains("{%")
        || text
            .match_indices("{{")
            .any(|(at, _)| !text[..at].ends_with('$'))
}

/// `*.yml` / `*.yaml`, in any case.
pub fn is_yaml_name(name: &str) -> bool {
    crate::source::ends_with_ignore_case(name, ".yml")
        || crate::source::ends_with_ignore_case(name, ".yaml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, merge: bool) -> (SourceFile, Yaml) {
        let f = SourceFile::new("x.yml", "x.yml", text.to_string());
        let y = Yaml::parse(&f, merge).expect("valid yaml");
        (f, y)
    }

    #[test]
    fn template_tags() {
        assert!(has_template_tags("{% set env='x' %}\nservices: {}\n"));
        assert!(has_template_tags("image: {{ .Values.image }}\n"));
        assert!(!has_template_tags("run: echo ${{ github.sha }}\n"));
        assert!(!has_template_tags("services: {}\n"));
    }

    #[test]
    fn keys_and_values_keep_their_spans() {
        let text = "on: push\njobs:\n  test:\n    steps:\n      - uses: \"actions/checkout@v4\"\n";
        let (f, y) = parse(text, false);
        let root = y.root().unwrap();
        let route = Route::new()
            .key("jobs")
            .key("test")
            .key("steps")
            .index(0)
            .key("uses");
        let uses = root.at(&route).unwrap();
        assert_eq!(uses.as_str(), Some("actions/checkout@v4"));
        assert_eq!(&f.text[uses.span.clone()], "\"actions/checkout@v4\"");
        let key = root.key_span_at(&route).unwrap();
        assert_eq!(&f.text[key], "uses");
        assert_eq!(route.to_string(), "jobs.test.steps[0].uses");
        // YAML 1.2: `on` is a string key, not a boolean.
        assert_eq!(root.get("on").and_then(Node::as_str), Some("push"));
    }

    #[test]
    fn non_ascii_text_maps_to_bytes() {
        let (f, y) = parse("name: \"é ü\"\nrun: x\n", false);
        let run = y.root().unwrap().get("run").unwrap();
        assert_eq!(&f.text[run.span.clone()], "x");
    }

    #[test]
    fn merge_keys_are_applied_only_when_asked() {
        let text =
            ".base: &base\n  image: a\n  allow_failure: true\njob:\n  <<: *base\n  image: b\n";
        let (_, y) = parse(text, true);
        let job = y.root().unwrap().get("job").unwrap();
        assert_eq!(job.get("image").and_then(Node::as_str), Some("b"));
        assert_eq!(job.get("allow_failure").and_then(Node::as_bool), Some(true));
        assert!(job.get("<<").is_none());
        let (_, y) = parse(text, false);
        assert!(y.root().unwrap().get("job").unwrap().get("<<").is_some());
    }

    #[test]
    fn tags_are_kept() {
        let (_, y) = parse("script:\n  - !reference [.setup, script]\n", true);
        let item = &y.root().unwrap().get("script").unwrap().items()[0];
        assert_eq!(item.tag.as_deref(), Some("!reference"));
        assert_eq!(item.items().len(), 2);
    }

    #[test]
    fn block_scalar_positions_map_back_to_the_file() {
        let text = "run: |\n  echo hi\n  pytest || true\n";
        let (f, y) = parse(text, false);
        let run = y.root().unwrap().get("run").unwrap();
        let v = run.as_str().unwrap();
        let at = v.find("|| true").unwrap();
        let span = run.value_span(&f, at..at + 7).unwrap();
        assert_eq!(&f.text[span], "|| true");
    }

    #[test]
    fn errors_and_deep_input_do_not_panic() {
        let f = SourceFile::new("x", "x", "a: [1, 2\n".into());
        assert!(Yaml::parse(&f, false).is_err());
        let deep = "[".repeat(5000);
        let f = SourceFile::new("x", "x", deep);
        assert!(Yaml::parse(&f, false).is_err());
        let mut nested = String::new();
        for i in 0..300 {
            nested.push_str(&" ".repeat(i));
            nested.push_str("k:\n");
        }
        let f = SourceFile::new("x", "x", nested);
        assert!(Yaml::parse(&f, false).is_err());
    }

    /// The 1-based line of the error `text` gives.
    fn error_line(text: &str) -> usize {
        let f = SourceFile::new("x", "x", text.to_string());
        let e = Yaml::parse(&f, false).expect_err("invalid yaml");
        f.line_of(e.offset)
    }

    #[test]
    fn flow_lines_at_the_block_column_parse_with_exact_positions() {
        // A real project's test workflow: GitHub accepts it, YAML 1.2 wants `]` further in.
        let text = "jobs:\n  test:\n    strategy:\n      matrix:\n        python: [\n          \"3.11\",\n          \"3.12\",\n        ]\n    runs-on: ubuntu-latest\n";
        let (f, y) = parse(text, false);
        let test = y.root().unwrap().get("jobs").unwrap().get("test").unwrap();
        let python = test.at(&Route::new().key("strategy").key("matrix").key("python"));
        let python = python.unwrap();
        let items: Vec<_> = python.items().iter().filter_map(Node::as_str).collect();
        assert_eq!(items, ["3.11", "3.12"]);
        assert!(f.text[python.span.clone()].starts_with('['));
        // saphyr ends a flow collection's span where its `]` starts.
        assert!(f.text[python.span.end..].starts_with("]\n    runs-on"));
        let second = &python.items()[1];
        assert_eq!(&f.text[second.span.clone()], "\"3.12\"");
        let runs_on = test.get("runs-on").unwrap();
        assert_eq!(&f.text[runs_on.span.clone()], "ubuntu-latest");
        assert_eq!(f.line_of(runs_on.span.start), 9);
        let key = test.entry("runs-on").unwrap().key.span.clone();
        assert_eq!(&f.text[key], "runs-on");
    }

    #[test]
    fn flow_lines_at_the_block_column_in_every_shape() {
        // Several collections, a flow mapping, a sequence item, an anchor and non-ASCII
        // text before and after: each node still points at its own text.
        let text = "é: ü\na:\n  b: [\n    1,\n  ]\n  c: &c {\n    x: y,\n  }\nd:\n  - [e,\n    f,\n  ]\n  - k: [\n    l\n    ]\ng: \"ö\"\n";
        let (f, y) = parse(text, false);
        let root = y.root().unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.get("b").unwrap().items().len(), 1);
        let y_value = a.get("c").unwrap().get("x").unwrap();
        assert_eq!(&f.text[y_value.span.clone()], "y");
        assert_eq!(f.line_of(y_value.span.start), 7);
        let d = root.get("d").unwrap().items();
        assert_eq!(&f.text[d[0].items()[1].span.clone()], "f");
        let l = &d[1].get("k").unwrap().items()[0];
        assert_eq!(&f.text[l.span.clone()], "l");
        assert_eq!(f.line_of(l.span.start), 14);
        let g = root.get("g").unwrap();
        assert_eq!(&f.text[g.span.clone()], "\"ö\"");
        assert_eq!(f.line_of(g.span.start), 16);
    }

    #[test]
    fn invalid_yaml_around_flow_collections_still_fails_on_the_right_line() {
        // A missing `]`: where the indentation first goes wrong, as before.
        assert_eq!(error_line("a:\n  b: [1, 2\n  c: 3\n  d: 4\n"), 3);
        assert_eq!(error_line("a:\n  b: [1, 2\n  c: 3\n"), 3);
        // More than one column short is not what libyaml-style files do.
        assert_eq!(error_line("a:\n  b: [\n1]\n"), 3);
        // An error after a padded collection is reported where it is.
        assert_eq!(error_line("a:\n  b: [\n    1,\n  ]\n  c: d: e\n"), 5);
        assert_eq!(
            error_line("a:\n  b: [\n    1,\n  ]\n  c: [2,\n  ]\n  - x\n"),
            7
        );
        // Unchanged: errors that have nothing to do with flow indentation.
        assert_eq!(error_line("a: b\n c: d\n"), 2);
        assert_eq!(error_line("a: 'x\n"), 1);
    }

    #[test]
    fn quoted_lines_at_the_block_column_parse_with_exact_positions() {
        // A real project's workflow: GitHub accepts it, YAML 1.2 wants `}}"` further in.
        let text = "jobs:\n  a:\n    env:\n      FULL: \"${{\n        x\n      }}\"\n      B: 'p\n   q'\n    steps:\n      - run: \"a\n        b\n      c\"\n      - é: ö\n";
        let (f, y) = parse(text, false);
        let a = y.root().unwrap().get("jobs").unwrap().get("a").unwrap();
        let env = a.get("env").unwrap();
        let full = env.get("FULL").unwrap();
        assert_eq!(full.as_str(), Some("${{ x }}"));
        assert_eq!(&f.text[full.span.clone()], "\"${{\n        x\n      }}\"");
        let b = env.get("B").unwrap();
        assert_eq!(b.as_str(), Some("p q"));
        assert_eq!(f.line_of(b.span.start), 7);
        let steps = a.get("steps").unwrap().items();
        assert_eq!(steps[0].get("run").unwrap().as_str(), Some("a b c"));
        let o = steps[1].get("é").unwrap();
        assert_eq!(&f.text[o.span.clone()], "ö");
        assert_eq!(f.line_of(o.span.start), 13);
        // A scalar that never closes is still an error at its quote.
        assert_eq!(error_line("a:\n  b: \"x\n  y\n"), 2);
        // An error after a padded scalar is reported where it is.
        assert_eq!(error_line("a:\n  b: \"x\n  y\" z\n"), 3);
    }

    #[test]
    fn padding_is_bounded() {
        // Every line of a long flow sequence at the block column: parses up to the
        // limit, then reports a line and stops.
        let mut text = String::from("a:\n  b: [\n");
        for _ in 0..(MAX_PADS + 10) {
            text.push_str("  x,\n");
        }
        text.push_str("  ]\n");
        assert_eq!(error_line(&text), 3);
        let mut text = String::from("a:\n  b: [\n");
        for _ in 0..(MAX_PADS - 1) {
            text.push_str("  x,\n");
        }
        text.push_str("  ]\n");
        let (_, y) = parse(&text, false);
        let b = y.root().unwrap().get("a").unwrap().get("b").unwrap();
        assert_eq!(b.items().len(), MAX_PADS - 1);
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            text.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        let f = SourceFile::new("x", "x", text);
        let _ = Yaml::parse(&f, false);
    }
}
