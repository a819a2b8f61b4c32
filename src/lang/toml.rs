//! The TOML front end: a document as a tree of nodes that keep the byte span of every
//! key and value, over `toml`'s spanned parser. Rules and declarative key-path matchers
//! read this tree; nothing outside this module sees the parser's types.

use toml::de::{DeTable, DeValue};

use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::SourceFile;
use crate::source::Span;

/// Deeper nesting than this is refused (RDY001) before parsing, so that a hostile file
/// cannot overflow the stack of a recursive parser.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

impl Node {
    /// The value as text, for matching: strings as they are, other scalars printed.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) | Value::Datetime(s) => Some(s.clone()),
            Value::Integer(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Array(_) | Value::Table(_) => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Table(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The node as a plain `toml::Value` (without spans), for code that reads values
    /// rather than positions.
    pub fn to_value(&self) -> toml::Value {
        match &self.value {
            Value::String(s) => toml::Value::String(s.clone()),
            Value::Integer(i) => toml::Value::Integer(*i),
            Value::Float(f) => toml::Value::Float(*f),
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Datetime(d) => d
                .parse()
                .map_or_else(|_| toml::Value::String(d.clone()), toml::Value::Datetime),
            Value::Array(items) => toml::Value::Array(items.iter().map(Node::to_value).collect()),
            Value::Table(entries) => toml::Value::Table(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

/// A parsed TOML document.
#[derive(Debug, Clone)]
pub struct TomlDoc {
    pub root: Node,
    /// Parser errors: message and byte offset.
    pub errors: Vec<(String, usize)>,
}

impl TomlDoc {
    pub fn parse(text: &str) -> TomlDoc {
        if let Some(at) = too_deep(text) {
            return TomlDoc {
                root: Node {
                    span: 0..0,
                    value: Value::Table(Vec::new()),
                },
                errors: vec![(format!("nested more than {MAX_DEPTH} levels deep"), at)],
            };
        }
        let (table, errors) = DeTable::parse_recoverable(text);
        let span = table.span();
        let root = Node {
            span,
            value: Value::Table(convert_table(table.get_ref())),
        };
        let errors = errors
            .into_iter()
            .map(|e| {
                let at = e.span().map_or(0, |s| s.start);
                (e.message().trim().to_string(), at)
            })
            .collect();
        TomlDoc { root, errors }
    }

    /// Every node reached by a dotted key path; `*` matches any key or array element.
    /// Returns the nodes with the key that led to each (for arrays, the array's key).
    pub fn select<'a>(&'a self, path: &str) -> Vec<(Option<&'a Key>, &'a Node)> {
        let parts: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        let mut current: Vec<(Option<&Key>, &Node)> = vec![(None, &self.root)];
        for part in parts {
            let mut next = Vec::new();
            for (key, node) in current {
                match &node.value {
                    Value::Table(entries) => {
                        for (k, v) in entries {
                            if part == "*" || k.name == part {
                                next.push((Some(k), v));
                            }
                        }
                    }
                    Value::Array(items) => {
                        for (i, v) in items.iter().enumerate() {
                            if part == "*" || part.parse::<usize>().ok() == Some(i) {
                                next.push((key, v));
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
}

fn convert_table(table: &DeTable<'_>) -> Vec<(Key, Node)> {
    let mut entries: Vec<(Key, Node)> = table
        .iter()
        .map(|(k, v)| {
            (
                Key {
                    name: k.get_ref().to_string(),
                    span: k.span(),
                },
                convert(v.get_ref(), v.span()),
            )
        })
        .collect();
    // The parser's map is ordered by key; present entries in file order.
    entries.sort_by_key(|(k, _)| k.span.start);
    entries
}

fn convert(value: &DeValue<'_>, span: Span) -> Node {
    let value = match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => Value::Integer(i.to_string().replace('_', "").parse().unwrap_or(0)),
        DeValue::Float(f) => Value::Float(f.to_string().replace('_', "").parse().unwrap_or(0.0)),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| convert(v.get_ref(), v.span()))
                .collect(),
        ),
        DeValue::Table(t) => Value::Table(convert_table(t)),
    };
    Node { span, value }
}

/// The offset where bracket nesting (outside strings and comments) exceeds MAX_DEPTH.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_str: Option<u8> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match in_str {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    i += 1;
                } else if b == q || b == b'\n' {
                    in_str = None;
                }
            }
            None => match b {
                b'"' | b'\'' => in_str = Some(b),
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The front end of TOML files that are not dependency manifests (read only when an
/// enabled rule asks for TOML).
pub struct TomlFrontEnd;

impl FrontEnd for TomlFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        crate::source::ends_with_ignore_case(rel_path, ".toml").then_some(FileKind::Toml)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Toml
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        let doc = TomlDoc::parse(&source.text);
        for (message, at) in &doc.errors {
            out.error(
                *at..*at,
                "TOML file",
                message.clone(),
                "fix the syntax; what parsed was still checked",
            );
        }
        sink.toml(&doc);
        out.comments = crate::suppress::hash_comments(source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_paths() {
        let text =
            "[dependencies]\nserde = \"1\"\nrand = { version = \"*\" }\n[package]\nname = \"x\"\n";
        let doc = TomlDoc::parse(text);
        assert!(doc.errors.is_empty());
        let hits = doc.select("dependencies.*");
        let names: Vec<&str> = hits
            .iter()
            .filter_map(|(k, _)| k.map(|k| k.name.as_str()))
            .collect();
        assert_eq!(names, ["serde", "rand"]);
        let v = doc.select("dependencies.rand.version");
        assert_eq!(&text[v[0].1.span.clone()], "\"*\"");
        assert_eq!(v[0].1.as_str(), Some("*"));
    }

    #[test]
    fn errors_and_depth() {
        let doc = TomlDoc::parse("a = \n[x\n");
        assert!(!doc.errors.is_empty());
        let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let doc = TomlDoc::parse(&deep);
        assert_eq!(doc.errors.len(), 1);
    }
}
