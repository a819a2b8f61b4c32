//! JSON with positions, for `package.json`: `serde_json` decides whether the text is
//! valid JSON (and says where it is not); a small scanner of our own then builds a tree
//! that keeps the byte span of every key and value, which `serde_json` does not.

use crate::source::Span;

/// Deeper nesting than this is refused; `serde_json` refuses it too (its recursion
/// limit is 128), so the scanner below never recurses further.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    String(String),
    /// A number, `true`, `false` or `null`, as written.
    Scalar(String),
    Array(Vec<JsonNode>),
    Object(Vec<JsonMember>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonMember {
    pub key: String,
    pub key_span: Span,
    pub value: JsonNode,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonNode {
    pub span: Span,
    pub value: JsonValue,
}

impl JsonNode {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&JsonMember> {
        match &self.value {
            JsonValue::Object(members) => members.iter().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> &[JsonMember] {
        match &self.value {
            JsonValue::Object(m) => m,
            _ => &[],
        }
    }
}

/// A parsed JSON document.
#[derive(Debug, Clone)]
pub struct JsonDoc {
    /// `None` when the text is not valid JSON.
    pub root: Option<JsonNode>,
    /// Parser errors: message and byte offset.
    pub errors: Vec<(String, usize)>,
}

/// How many JSON documents were parsed, in debug builds: the tests check that a file is
/// parsed once however many front ends read it.
#[cfg(debug_assertions)]
pub static PARSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl JsonDoc {
    pub fn parse(text: &str) -> JsonDoc {
        #[cfg(debug_assertions)]
        PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            let at = offset_of(text, e.line(), e.column());
            let message = e.to_string();
            // serde_json appends " at line L column C"; the finding has its own position.
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_string();
            return JsonDoc {
                root: None,
                errors: vec![(message, at)],
            };
        }
        let mut s = Scanner {
            text: text.as_bytes(),
            src: text,
            at: 0,
        };
        s.skip_ws();
        let root = s.value(0);
        JsonDoc {
            errors: if root.is_none() {
                vec![("cannot read this JSON".into(), s.at.min(text.len()))]
            } else {
                Vec::new()
            },
            root,
        }
    }
}

/// Byte offset of a 1-based line and column (in characters, as serde_json counts).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = column.saturating_sub(1);
            return start
                + l.char_indices()
                    .nth(col)
                    .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
        }
        start += l.len();
    }
    text.len()
}

struct Scanner<'a> {
    text: &'a [u8],
    src: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .text
            .get(self.at)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<JsonNode> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.at;
        match self.text.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.text.get(self.at)? {
                        b'}' => {
                            self.at += 1;
                            break;
                        }
                        b',' => {
                            self.at += 1;
                            continue;
                        }
                        b'"' => {}
                        _ => return None,
                    }
                    let key_start = self.at;
                    let key = self.string()?;
                    let key_span = key_start..self.at;
                    self.skip_ws();
                    if self.text.get(self.at) != Some(&b':') {
                        return None;
                    }
                    self.at += 1;
                    self.skip_ws();
                    let value = self.value(depth + 1)?;
                    members.push(JsonMember {
                        key,
                        key_span,
                        value,
                    });
                }
                Some(JsonNode {
                    span: start..self.at,
                    value: JsonValue::Object(members),
                })
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.text.get(self.at)? {
                        b']' => {
                            self.at += 1;
                            break;
                        }
                        b',' => {
                            self.at += 1;
                            continue;
                        }
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                Some(JsonNode {
                    span: start..self.at,
                    value: JsonValue::Array(items),
                })
            }
            b'"' => {
                let s = self.string()?;
                Some(JsonNode {
                    span: start..self.at,
                    value: JsonValue::String(s),
                })
            }
            _ => {
                while self
                    .text
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
                Some(JsonNode {
                    span: start..self.at,
                    value: JsonValue::Scalar(self.src.get(start..self.at)?.to_string()),
                })
            }
        }
    }

    /// A string literal at `self.at`, decoded through serde_json.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.text.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        serde_json::from_str(self.src.get(start..self.at)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_keys_and_values() {
        let text = "{\n  \"name\": \"x\",\n  \"dependencies\": {\"a\\\"b\": \"^1.2.3\", \"c\": 1},\n  \"list\": [true, null, {\"k\": []}]\n}\n";
        let doc = JsonDoc::parse(text);
        assert!(doc.errors.is_empty());
        let root = doc.root.unwrap();
        let deps = root.get("dependencies").unwrap();
        assert_eq!(&text[deps.key_span.clone()], "\"dependencies\"");
        let m = &deps.value.members()[0];
        assert_eq!(m.key, "a\"b");
        assert_eq!(&text[m.value.span.clone()], "\"^1.2.3\"");
        assert_eq!(m.value.as_str(), Some("^1.2.3"));
        assert_eq!(&text[deps.value.members()[1].value.span.clone()], "1");
        assert_eq!(root.members().len(), 3);
    }

    #[test]
    fn errors_have_positions() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}";
        let doc = JsonDoc::parse(text);
        assert!(doc.root.is_none());
        let (msg, at) = &doc.errors[0];
        assert!(msg.contains("expected"), "{msg}");
        assert_eq!(&text[*at..*at + 1], "2");
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(JsonDoc::parse(&deep).errors.len(), 1);
        assert!(JsonDoc::parse("").root.is_none());
        assert!(JsonDoc::parse("\"é\"").errors.is_empty());
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn no_input_panics() {
        let sample = "{\"a\\\"é\": [1, -2.5e3, true, null, {\"\\u00e9\": \"\\\\\"}], \"b\": {}}";
        for (i, _) in sample.char_indices() {
            let _ = JsonDoc::parse(&sample[..i]);
            let _ = JsonDoc::parse(&sample[i..]);
        }
        assert!(JsonDoc::parse(sample).errors.is_empty());
    }
}
