//! Findings as an editor sees them: LSP positions (UTF-16 code units, as the protocol
//! counts by default), diagnostics, and the code actions of each finding — its fix, and
//! the inline suppression comment the engine honours for the file's kind.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString,
    Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::finding::Finding;
use crate::fix::Safety;
use crate::lang::FileKind;
use crate::registry::Registry;
use crate::rule::Severity;

/// The start of each line of a text, to turn byte offsets into LSP positions and back.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, rounded down to a character).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let character = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a position; a line past the end is the end of the text, a
    /// character past the end of its line the end of that line.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The text of 0-based `line`, without its line terminator.
    fn line(&self, line: usize) -> &'t str {
        let Some(&start) = self.starts.get(line) else {
            return "";
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One finding of an open document: its diagnostic and its code actions, positioned in
/// the text it was found in.
#[derive(Debug, Clone)]
pub struct Entry {
    pub finding: Finding,
    pub diagnostic: Diagnostic,
    pub actions: Vec<CodeAction>,
}

/// The marker of a line comment in a file of `kind` that the engine reads
/// `readylint:` directives from, if the kind has comments at all.
pub fn comment_marker(kind: Option<FileKind>) -> Option<&'static str> {
    match kind? {
        FileKind::Rust => Some("//"),
        FileKind::Manifest(m) if !m.has_hash_comments() => None,
        FileKind::Python
        | FileKind::Dockerfile
        | FileKind::Toml
        | FileKind::Yaml
        | FileKind::Compose
        | FileKind::Kubernetes
        | FileKind::Manifest(_)
        | FileKind::GithubWorkflow
        | FileKind::GithubAction
        | FileKind::GitlabCi
        | FileKind::TaskFile => Some("#"),
        FileKind::Text | FileKind::Readme | FileKind::Lockfile => None,
    }
}

/// The diagnostic and the code actions of `finding`, found in the text of `index` (the
/// document at `uri`, read as `kind`).
pub fn entry(finding: &Finding, index: &LineIndex<'_>, uri: &Uri, kind: Option<FileKind>) -> Entry {
    let mut message = finding.message.clone();
    if !finding.help.is_empty() {
        message.push_str("\nhelp: ");
        message.push_str(&finding.help);
    }
    // Built-in rules have a documentation page; pack rules have their docs on hover.
    let code_description = Registry::standard()
        .find(finding.rule)
        .and_then(|m| crate::output::sarif::help_uri(m.code).parse().ok())
        .map(|href| CodeDescription { href });
    let bytes = finding.byte_range();
    let diagnostic = Diagnostic {
        range: index.range(bytes.start, bytes.end),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description,
        source: Some("readylint".to_string()),
        message,
        ..Diagnostic::default()
    };
    let action = |title: String, edits: Vec<TextEdit>, preferred: bool| CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    };
    let mut actions = Vec::new();
    if let Some(fix) = &finding.fix {
        let unsafe_fix = fix.safety == Safety::Unsafe;
        let title = format!(
            "Fix {} {}{}",
            finding.rule,
            finding.name,
            if unsafe_fix { " (unsafe)" } else { "" }
        );
        let edits = fix
            .edits
            .iter()
            .map(|e| TextEdit::new(index.range(e.span.0, e.span.1), e.content.clone()))
            .collect();
        actions.push(action(title, edits, !unsafe_fix));
    }
    // A suppression of a suppression comment's own finding would stand above a comment
    // line, which no directive reaches.
    let about_a_comment = matches!(finding.rule, "RDY002" | "RDY004");
    if let Some(marker) = comment_marker(kind).filter(|_| !about_a_comment) {
        let edit = suppression(index, finding.statement_line as usize, finding.rule, marker);
        actions.push(action(
            format!("Suppress {} on this line", finding.rule),
            vec![edit],
            false,
        ));
    }
    Entry {
        finding: finding.clone(),
        diagnostic,
        actions,
    }
}

/// The edit that suppresses `code` on 1-based `line`: `CODE` added to a `readylint:
/// ignore[...]` comment alone on the line above, else such a comment inserted above the
/// line with its indentation (a comment alone on its line applies to the next line of
/// code, and, for a statement over several lines, to every finding in it).
fn suppression(index: &LineIndex<'_>, line: usize, code: &str, marker: &str) -> TextEdit {
    let line = line.max(1) - 1;
    if line > 0 {
        let above = index.line(line - 1);
        let body = above.trim_start();
        let directive = body
            .strip_prefix(marker)
            .map(str::trim_start)
            .filter(|rest| rest.starts_with("readylint: ignore["));
        if let Some(close) = directive.and_then(|_| above.find(']')) {
            let at = Position::new(
                to_u32(line - 1),
                to_u32(above[..close].encode_utf16().count()),
            );
            return TextEdit::new(Range::new(at, at), format!(", {code}"));
        }
    }
    let text = index.line(line);
    let indent = &text[..text.len() - text.trim_start().len()];
    let eol = if index.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let at = Position::new(to_u32(line), 0);
    TextEdit::new(
        Range::new(at, at),
        format!("{indent}{marker} readylint: ignore[{code}]{eol}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_code_units() {
        // `é` is 2 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "a\né😀x\r\nz";
        let index = LineIndex::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(index.position(x), Position::new(1, 3));
        assert_eq!(index.offset(Position::new(1, 3)), x);
        assert_eq!(index.position(text.len()), Position::new(2, 1));
        // Inside a character: rounded down; past the end: clamped.
        assert_eq!(index.position(x - 1), Position::new(1, 1));
        assert_eq!(index.offset(Position::new(1, 99)), x + 2);
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn suppressions_join_a_directive_above_or_stand_above_the_line() {
        let text = "try:\n    x()\nexcept:\n    pass\n";
        let edit = suppression(&LineIndex::new(text), 3, "EXC001", "#");
        assert_eq!(edit.range.start, Position::new(2, 0));
        assert_eq!(edit.new_text, "# readylint: ignore[EXC001]\n");
        let text = "fn f() {\n    // readylint: ignore[EXC102] -- why\n    x.ok();\n}\n";
        let edit = suppression(&LineIndex::new(text), 3, "LOG101", "//");
        assert_eq!(
            edit.range,
            Range::new(Position::new(1, 31), Position::new(1, 31))
        );
        assert_eq!(edit.new_text, ", LOG101");
        let edit = suppression(&LineIndex::new("a:\r\n  b: 1\r\n"), 2, "X001", "#");
        assert_eq!(edit.new_text, "  # readylint: ignore[X001]\r\n");
    }
}
