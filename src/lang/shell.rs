//! A small POSIX shell word splitter for the text inside a parsed node (a `RUN`
//! command, a CI `run:` script). It does not evaluate anything: it splits a script into
//! simple commands joined by operators (`|`, `||`, `&&`, `;`, `&`, newlines), with each
//! word's byte span and its unquoted value, which is what rules about pipes, `sudo`,
//! `curl | sh` and package installs need.

use std::ops::Range;

/// The operator that ends a simple command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Pipe,
    Or,
    And,
    Seq,
    Background,
}

/// One word: its span in the script and its value with quotes and escapes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    pub span: Range<usize>,
    pub value: String,
}

/// A simple command and the operator after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<ShellWord>,
    pub op: Option<Op>,
    /// Span of the operator after the command, if any.
    pub op_span: Option<Range<usize>>,
}

impl SimpleCommand {
    /// The words after leading `VAR=value` assignments and wrappers that run the rest
    /// as a command (`sudo`, `env`, `exec`, `time`, `nohup`, `command`).
    pub fn program(&self) -> &[ShellWord] {
        let mut words = &self.words[..];
        loop {
            match words.first() {
                Some(w) if is_assignment(&w.value) => words = &words[1..],
                Some(w)
                    if matches!(
                        w.value.as_str(),
                        "env" | "exec" | "time" | "nohup" | "command"
                    ) =>
                {
                    words = &words[1..]
                }
                Some(w) if w.value == "sudo" => {
                    words = &words[1..];
                    // Skip sudo's own options, e.g. `sudo -u app` or `sudo -E`.
                    while let Some(opt) = words.first() {
                        if !opt.value.starts_with('-') {
                            break;
                        }
                        let takes_value = matches!(
                            opt.value.as_str(),
                            "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U"
                        );
                        words = &words[1..];
                        if takes_value && !words.is_empty() {
                            words = &words[1..];
                        }
                    }
                }
                _ => return words,
            }
        }
    }

    /// The words that name a command to run: wrappers such as `sudo` or `env` (without
    /// their options) and then the program, in order.
    pub fn command_words(&self) -> Vec<&ShellWord> {
        let program = self.program();
        let program_start = program.first().map(|w| w.span.start);
        let mut out: Vec<&ShellWord> = self
            .words
            .iter()
            .filter(|w| {
                !is_assignment(&w.value)
                    && matches!(
                        w.value.as_str(),
                        "sudo" | "env" | "exec" | "time" | "nohup" | "command"
                    )
                    && program_start.is_none_or(|p| w.span.start < p)
            })
            .collect();
        out.extend(program.first());
        out
    }

    /// The program name, without a leading directory (`/usr/bin/curl` → `curl`).
    pub fn program_name(&self) -> Option<&str> {
        self.program()
            .first()
            .map(|w| w.value.rsplit('/').next().unwrap_or(&w.value))
    }
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Splits `script` into simple commands. `escape` is the line-continuation character
/// (`\` in shells; a Dockerfile's `# escape=` may change it for the Dockerfile layer).
pub fn split(script: &str) -> Vec<SimpleCommand> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut words: Vec<ShellWord> = Vec::new();
    let mut i = 0usize;
    let mut cur: Option<(usize, String)> = None;

    macro_rules! end_word {
        ($end:expr) => {
            if let Some((start, value)) = cur.take() {
                words.push(ShellWord {
                    span: start..$end,
                    value,
                });
            }
        };
    }
    macro_rules! end_command {
        ($op:expr, $span:expr) => {
            if !words.is_empty() || $op.is_some() {
                out.push(SimpleCommand {
                    words: std::mem::take(&mut words),
                    op: $op,
                    op_span: $span,
                });
            }
        };
    }

    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' => {
                // Line continuation or escaped character.
                if bytes.get(i + 1) == Some(&b'\n') {
                    end_word!(i);
                    i += 2;
                    continue;
                }
                if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                    end_word!(i);
                    i += 3;
                    continue;
                }
                let start = cur.as_ref().map_or(i, |(s, _)| *s);
                let mut value = cur.take().map(|(_, v)| v).unwrap_or_default();
                if let Some(ch) = script[i + 1..].chars().next() {
                    value.push(ch);
                    i += 1 + ch.len_utf8();
                } else {
                    i += 1;
                }
                cur = Some((start, value));
            }
            b'\'' | b'"' => {
                let start = cur.as_ref().map_or(i, |(s, _)| *s);
                let mut value = cur.take().map(|(_, v)| v).unwrap_or_default();
                let quote = c;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if quote == b'"' && bytes[i] == b'\\' && i + 1 < bytes.len() {
                        i += 1;
                    }
                    let ch = script[i..].chars().next().unwrap_or('\u{fffd}');
                    value.push(ch);
                    i += ch.len_utf8().max(1);
                }
                i = (i + 1).min(bytes.len());
                cur = Some((start, value));
            }
            b'#' if cur.is_none() => {
                // A comment runs to the end of the line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b' ' | b'\t' | b'\r' => {
                end_word!(i);
                i += 1;
            }
            b'\n' => {
                end_word!(i);
                end_command!(Some(Op::Seq), Some(i..i + 1));
                i += 1;
            }
            b'&' if i.checked_sub(1).map(|p| bytes[p]) == Some(b'>')
                || bytes.get(i + 1) == Some(&b'>') =>
            {
                // `2>&1`, `&>`: a redirection, not an operator.
                let start = cur.as_ref().map_or(i, |(s, _)| *s);
                let mut value = cur.take().map(|(_, v)| v).unwrap_or_default();
                value.push('&');
                cur = Some((start, value));
                i += 1;
            }
            b'|' | b'&' | b';' => {
                end_word!(i);
                let two = bytes.get(i + 1) == Some(&c);
                let (op, len) = match (c, two) {
                    (b'|', true) => (Op::Or, 2),
                    (b'|', false) => (Op::Pipe, 1),
                    (b'&', true) => (Op::And, 2),
                    (b'&', false) => (Op::Background, 1),
                    (_, true) => (Op::Seq, 2), // `;;` in case arms
                    _ => (Op::Seq, 1),
                };
                // `|&` pipes stderr too.
                let len = if op == Op::Pipe && bytes.get(i + 1) == Some(&b'&') {
                    2
                } else {
                    len
                };
                end_command!(Some(op), Some(i..i + len));
                i += len;
            }
            b'(' | b')' | b'{' | b'}' if cur.is_none() => {
                // Grouping: treat as a command boundary without an operator.
                end_command!(None::<Op>, None);
                i += 1;
            }
            _ => {
                let ch = script[i..].chars().next().unwrap_or('\u{fffd}');
                let len = ch.len_utf8().max(1);
                match cur.as_mut() {
                    Some((_, v)) => v.push(ch),
                    None => cur = Some((i, ch.to_string())),
                }
                i += len;
            }
        }
    }
    end_word!(bytes.len());
    end_command!(None::<Op>, None);
    // Drop empty commands left by blank lines and separators.
    out.retain(|c| !c.words.is_empty());
    out
}

/// Whether the commands turn on `pipefail` (`set -o pipefail`, `set -euo pipefail`).
pub fn sets_pipefail(cmd: &SimpleCommand) -> bool {
    let w = cmd.program();
    if w.first().map(|w| w.value.as_str()) != Some("set") {
        return false;
    }
    w.windows(2).any(|p| {
        p[0].value.starts_with('-') && p[0].value.ends_with('o') && p[1].value == "pipefail"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(script: &str) -> Vec<(String, Option<Op>)> {
        split(script)
            .into_iter()
            .map(|c| (c.program_name().unwrap_or("").to_string(), c.op))
            .collect()
    }

    #[test]
    fn splits_on_operators_and_continuations() {
        let s = "apt-get update \\\n && curl -sSL https://x | sh; echo 'a | b' 2>&1 &";
        assert_eq!(
            names(s),
            [
                ("apt-get".into(), Some(Op::And)),
                ("curl".into(), Some(Op::Pipe)),
                ("sh".into(), Some(Op::Seq)),
                ("echo".into(), Some(Op::Background)),
            ]
        );
        let cmds = split(s);
        let echo = &cmds[3];
        assert_eq!(echo.words[1].value, "a | b");
        assert_eq!(&s[echo.words[1].span.clone()], "'a | b'");
        assert_eq!(echo.words[2].value, "2>&1");
    }

    #[test]
    fn program_skips_assignments_and_sudo() {
        let c = &split("DEBIAN_FRONTEND=noninteractive sudo -u root apt-get install x")[0];
        assert_eq!(c.program_name(), Some("apt-get"));
        assert_eq!(c.words[1].value, "sudo");
    }

    #[test]
    fn pipefail() {
        assert!(sets_pipefail(&split("set -euxo pipefail")[0]));
        assert!(sets_pipefail(&split("set -o pipefail")[0]));
        assert!(!sets_pipefail(&split("set -e")[0]));
    }

    #[test]
    fn comments_and_unterminated_quotes_do_not_panic() {
        assert_eq!(
            names("# just a comment\n"),
            Vec::<(String, Option<Op>)>::new()
        );
        let _ = split("echo \"unterminated");
        let _ = split("echo '\u{e9}\\");
        let _ = split("\\");
    }
}
