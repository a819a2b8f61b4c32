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
    /// Spans (in the script) of the scripts inside `$(…)`, backticks or `<(…)`.
    pub subs: Vec<Range<usize>>,
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
                // Reserved words that come before a command: the command follows them.
                Some(w) if words.len() > 1 && is_leading_reserved_word(&w.value) => {
                    words = &words[1..]
                }
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

/// Whether a script sets a trap on SIGTERM (`trap 'kill $pid' TERM`): the shell then
/// handles the signal itself (and passes it on, or not, as the trap says).
pub fn traps_term(commands: &[SimpleCommand]) -> bool {
    commands.iter().any(|c| {
        c.program_name() == Some("trap")
            && c.program()[1..]
                .iter()
                .skip(1)
                .any(|w| matches!(w.value.as_str(), "TERM" | "SIGTERM" | "15"))
    })
}

/// The shell's reserved words (POSIX's, and bash's `select`, `function`, `[[`, `]]`):
/// a simple command that starts with one is part of a compound command (a loop, a
/// condition, a group).
pub fn is_reserved_word(word: &str) -> bool {
    matches!(
        word,
        "!" | "{"
            | "}"
            | "case"
            | "do"
            | "done"
            | "elif"
            | "else"
            | "esac"
            | "fi"
            | "for"
            | "if"
            | "in"
            | "then"
            | "until"
            | "while"
            | "select"
            | "function"
            | "[["
            | "]]"
    )
}

/// Reserved words after which a command starts (`then apt-get install …`). A word is
/// reserved only unquoted, but a quoted `"then"` as a program is vanishingly rare.
fn is_leading_reserved_word(word: &str) -> bool {
    matches!(
        word,
        "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!"
    )
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

/// Splits `script` into simple commands at the top level. Command substitutions
/// (`$(…)`, backticks) and process substitutions (`<(…)`) stay inside their word, with
/// the span of their inner script recorded in [`ShellWord::subs`]; `case` patterns
/// (`x86_64|amd64)`) are not commands and their `|` is not a pipe.
pub fn split(script: &str) -> Vec<SimpleCommand> {
    Splitter::new(script, false).run()
}

/// [`split`] for the shell form of a Dockerfile `RUN`: Docker removes comment lines
/// inside a continued instruction before the shell sees it, so
/// `apt-get install \` / `# ldap` / `  libldap2-dev` is one command.
pub fn split_dockerfile(script: &str) -> Vec<SimpleCommand> {
    Splitter::new(script, true).run()
}

struct Splitter<'a> {
    script: &'a str,
    bytes: &'a [u8],
    out: Vec<SimpleCommand>,
    words: Vec<ShellWord>,
    /// The word being read: start, value, substitution spans.
    cur: Option<(usize, String, Vec<Range<usize>>)>,
    case_depth: usize,
    in_pattern: bool,
    /// Dockerfile mode: comment lines after a line continuation are removed.
    docker: bool,
    /// The last line ended with a continuation and nothing but blanks followed yet.
    continued: bool,
    /// The delimiters of the here-documents opened on the current line (`cat <<EOF >
    /// f`): their bodies, from the next line to the delimiter's line, are input, not
    /// commands.
    heredocs: Vec<String>,
}

impl<'a> Splitter<'a> {
    fn new(script: &'a str, docker: bool) -> Self {
        Splitter {
            script,
            bytes: script.as_bytes(),
            out: Vec::new(),
            words: Vec::new(),
            cur: None,
            case_depth: 0,
            in_pattern: false,
            docker,
            continued: false,
            heredocs: Vec::new(),
        }
    }
}

impl Splitter<'_> {
    fn end_word(&mut self, end: usize) {
        if let Some((start, value, subs)) = self.cur.take() {
            if value == "esac" && self.words.is_empty() {
                self.case_depth = self.case_depth.saturating_sub(1);
            }
            // `<<EOF`, `<< 'EOF'`, `<<-EOF` (not the here-string `<<<`).
            let opener = self.words.last().map(|w| w.value.as_str());
            let heredoc = match opener {
                Some("<<" | "<<-") => Some(value.clone()),
                _ if !value.starts_with("<<<") => value
                    .strip_prefix("<<-")
                    .or_else(|| value.strip_prefix("<<"))
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                _ => None,
            };
            self.heredocs.extend(heredoc);
            let opens_case = value == "in" && self.words.first().is_some_and(|w| w.value == "case");
            self.words.push(ShellWord {
                span: start..end,
                value,
                subs,
            });
            if opens_case {
                self.case_depth += 1;
                self.end_command(None, None);
                self.in_pattern = true;
            }
        }
    }

    fn end_command(&mut self, op: Option<Op>, op_span: Option<Range<usize>>) {
        if !self.words.is_empty() {
            self.out.push(SimpleCommand {
                words: std::mem::take(&mut self.words),
                op,
                op_span,
            });
        }
    }

    fn word(&mut self, at: usize) -> &mut (usize, String, Vec<Range<usize>>) {
        self.cur
            .get_or_insert_with(|| (at, String::new(), Vec::new()))
    }

    fn push_char(&mut self, at: usize, ch: char) {
        self.word(at).1.push(ch);
    }

    /// From the `(` at `open`, the index after its matching `)`.
    fn matching_paren(&self, open: usize) -> usize {
        let b = self.bytes;
        let mut depth = 0usize;
        let mut i = open;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'\'' => {
                    i += 1;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                }
                b'"' => {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        b.len()
    }

    /// Reads a substitution whose `(` is at `open` (or a backtick span) into the
    /// current word, raw, and records its inner span.
    fn substitution(&mut self, at: usize, open: usize) -> usize {
        let end = self.matching_paren(open);
        let inner = (open + 1).min(end)..end.saturating_sub(1).max(open + 1).min(self.bytes.len());
        let raw = &self.script[at..end];
        let w = self.word(at);
        w.1.push_str(raw);
        w.2.push(inner);
        end
    }

    fn backticks(&mut self, at: usize) -> usize {
        let end = self.script[at + 1..]
            .find('`')
            .map_or(self.bytes.len(), |e| at + 1 + e + 1);
        let inner = at + 1..end.saturating_sub(1).max(at + 1);
        let raw = &self.script[at..end];
        let w = self.word(at);
        w.1.push_str(raw);
        w.2.push(inner);
        end
    }

    /// In a `case`, skips the pattern up to its `)`, unless `esac` comes first.
    fn skip_pattern(&mut self, mut i: usize) -> usize {
        let b = self.bytes;
        loop {
            match b.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                // A line continuation between `;;` and the next pattern or `esac`.
                Some(b'\\') if matches!(b.get(i + 1), Some(b'\n' | b'\r')) => i += 2,
                _ => break,
            }
        }
        let rest = &self.script[i..];
        if rest.starts_with("esac")
            && rest[4..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
        {
            self.in_pattern = false;
            return i;
        }
        while i < b.len() && b[i] != b')' {
            match b[i] {
                b'\\' => i += 1,
                b'\'' | b'"' => {
                    let q = b[i];
                    i += 1;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.in_pattern = false;
        (i + 1).min(b.len())
    }

    /// From the start of the line after a here-document's opener, the index after the
    /// line that closes the last of them (its delimiter alone on the line, whatever the
    /// indentation: tabs with `<<-`, and, leniently, any other); the end of the script when
    /// one is never closed, as the shell reads it.
    fn skip_heredoc_bodies(&mut self, mut i: usize) -> usize {
        for delimiter in std::mem::take(&mut self.heredocs) {
            loop {
                if i >= self.bytes.len() {
                    return self.bytes.len();
                }
                let end = self.script[i..]
                    .find('\n')
                    .map_or(self.bytes.len(), |e| i + e);
                let line = &self.script[i..end];
                i = (end + 1).min(self.bytes.len());
                if line.trim() == delimiter {
                    break;
                }
            }
        }
        i
    }

    fn run(mut self) -> Vec<SimpleCommand> {
        let b = self.bytes;
        let mut i = 0usize;
        while i < b.len() {
            if self.in_pattern && self.cur.is_none() && self.words.is_empty() {
                i = self.skip_pattern(i);
                continue;
            }
            let c = b[i];
            if !matches!(c, b' ' | b'\t' | b'\r' | b'#' | b'\\') {
                self.continued = false;
            }
            match c {
                b'\\' => {
                    // Line continuation, or an escaped character.
                    if b.get(i + 1) == Some(&b'\n') {
                        self.end_word(i);
                        self.continued = true;
                        i += 2;
                        continue;
                    }
                    if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                        self.end_word(i);
                        self.continued = true;
                        i += 3;
                        continue;
                    }
                    match self.script[i + 1..].chars().next() {
                        Some(ch) => {
                            self.push_char(i, ch);
                            i += 1 + ch.len_utf8();
                        }
                        None => i += 1,
                    }
                }
                b'$' if b.get(i + 1) == Some(&b'(') => i = self.substitution(i, i + 1),
                b'<' | b'>' if b.get(i + 1) == Some(&b'(') => i = self.substitution(i, i + 1),
                b'`' => i = self.backticks(i),
                b'\'' => {
                    self.word(i);
                    i += 1;
                    while i < b.len() && b[i] != b'\'' {
                        let ch = self.script[i..].chars().next().unwrap_or('\u{fffd}');
                        self.push_char(i, ch);
                        i += ch.len_utf8().max(1);
                    }
                    i = (i + 1).min(b.len());
                }
                b'"' => {
                    self.word(i);
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
                            i = self.substitution(i, i + 1);
                            continue;
                        }
                        if b[i] == b'`' {
                            i = self.backticks(i);
                            continue;
                        }
                        if b[i] == b'\\' && i + 1 < b.len() {
                            i += 1;
                        }
                        let ch = self.script[i..].chars().next().unwrap_or('\u{fffd}');
                        self.push_char(i, ch);
                        i += ch.len_utf8().max(1);
                    }
                    i = (i + 1).min(b.len());
                }
                b'#' if self.cur.is_none() => {
                    // A comment runs to the end of the line. In a Dockerfile, a comment
                    // line inside a continued instruction is removed, newline and all.
                    let drop_line = self.docker && self.continued;
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    if drop_line {
                        i += 1;
                    }
                }
                b' ' | b'\t' | b'\r' => {
                    self.end_word(i);
                    i += 1;
                }
                b'\n' => {
                    self.end_word(i);
                    self.end_command(Some(Op::Seq), Some(i..i + 1));
                    self.continued = false;
                    i = self.skip_heredoc_bodies(i + 1);
                }
                b'&' if i.checked_sub(1).map(|p| b[p]) == Some(b'>')
                    || b.get(i + 1) == Some(&b'>') =>
                {
                    // `2>&1`, `&>`: a redirection, not an operator.
                    self.push_char(i, '&');
                    i += 1;
                }
                b'<' | b'>' => {
                    // A redirection starts a word of its own (`pkg>=1.2` is `pkg` and
                    // `>=1.2`), unless a file descriptor leads it (`2>&1`, `&>`).
                    let fd = self.cur.as_ref().is_some_and(|(_, v, _)| {
                        v == "&"
                            || (!v.is_empty()
                                && (v.bytes().all(|c| c.is_ascii_digit())
                                    || v.bytes().all(|c| c == b'<' || c == b'>')))
                    });
                    if !fd {
                        self.end_word(i);
                    }
                    self.push_char(i, c as char);
                    i += 1;
                }
                b'|' | b'&' | b';' => {
                    self.end_word(i);
                    let two = b.get(i + 1) == Some(&c);
                    let (op, mut len) = match (c, two) {
                        (b'|', true) => (Op::Or, 2),
                        (b'|', false) => (Op::Pipe, 1),
                        (b'&', true) => (Op::And, 2),
                        (b'&', false) => (Op::Background, 1),
                        (_, true) => (Op::Seq, 2), // `;;` ends a case arm
                        _ => (Op::Seq, 1),
                    };
                    // `|&` pipes stderr too; `;&` and `;;&` end case arms.
                    if (op == Op::Pipe || c == b';') && b.get(i + len) == Some(&b'&') {
                        len += 1;
                    }
                    self.end_command(Some(op), Some(i..i + len));
                    if c == b';' && (two || len > 1) && self.case_depth > 0 {
                        self.in_pattern = true;
                    }
                    i += len;
                }
                b'(' | b')' => {
                    // Subshells are a command boundary without an operator, and a
                    // parenthesis ends the word before it: `(apk add curl)`.
                    self.end_word(i);
                    self.end_command(None, None);
                    i += 1;
                }
                // Grouping, a command boundary without an operator: `{` and `}` are
                // reserved words only as a command's first word, standing alone. Else
                // they are text (`xargs -I {} cp {} /dst`, `find -exec rm {} +`).
                b'{' | b'}'
                    if self.cur.is_none()
                        && self.words.is_empty()
                        && b.get(i + 1)
                            .is_none_or(|n| n.is_ascii_whitespace() || *n == b';') =>
                {
                    self.end_command(None, None);
                    i += 1;
                }
                _ => {
                    let ch = self.script[i..].chars().next().unwrap_or('\u{fffd}');
                    self.push_char(i, ch);
                    i += ch.len_utf8().max(1);
                }
            }
        }
        self.end_word(b.len());
        self.end_command(None, None);
        self.out
    }
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
    fn braces_group_only_as_a_commands_first_word() {
        // `{ …; }` groups commands; `{}` as an argument is text.
        let s = "{ apt-get update; curl x; } && find . -print0 | xargs -0 -I {} cp {} /dst";
        let got: Vec<String> = names(s).into_iter().map(|(n, _)| n).collect();
        assert_eq!(got, ["apt-get", "curl", "find", "xargs"], "{got:?}");
        let cmds = split(s);
        let xargs = cmds.last().expect("xargs");
        let words: Vec<&str> = xargs.words.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(words, ["xargs", "-0", "-I", "{}", "cp", "{}", "/dst"]);
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
    fn case_patterns_are_not_pipes() {
        let s = "case \"$arch\" in\n  x86_64|amd64) a=1 ;;\n  (arm64|aarch64) a=2;;\n  *) exit 1 ;;\nesac; curl x | tar x";
        let got = names(s);
        assert_eq!(
            got.iter().filter(|(_, op)| *op == Some(Op::Pipe)).count(),
            1,
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(n, op)| n == "curl" && *op == Some(Op::Pipe))
        );
        let cmds = split(s);
        assert!(cmds.iter().any(|c| c.words[0].value == "a=1"), "{cmds:?}");
        assert!(cmds.iter().any(|c| c.words[0].value == "exit"));
    }

    #[test]
    fn reserved_words_are_not_programs() {
        let s = "if [ \"$(uname -m)\" = x86_64 ]; then apt-get install -y curl; elif true; then echo \"$SHA *f\" | sha256sum -c -; else ! grep -q x f; fi\nwhile read l; do curl \"$l\"; done < list\nuntil pg_isready; do sleep 1; done";
        let got: Vec<String> = names(s).into_iter().map(|(n, _)| n).collect();
        for want in [
            "[",
            "apt-get",
            "true",
            "echo",
            "sha256sum",
            "grep",
            "read",
            "curl",
            "pg_isready",
            "sleep",
        ] {
            assert!(got.iter().any(|n| n == want), "{want} in {got:?}");
        }
        for reserved in ["if", "then", "elif", "else", "while", "do", "until", "!"] {
            assert!(!got.iter().any(|n| n == reserved), "{reserved} in {got:?}");
        }
        // A reserved word alone is left as it is.
        assert_eq!(names("fi"), [("fi".to_string(), None)]);
    }

    #[test]
    fn here_document_bodies_are_input_not_commands() {
        let s = "cat << \"${EOT}\" >> notes.md\nrun docker compose up -d\n${EOT}\npytest\n\
                 cat <<-'X' > a; cat <<Y > b\n\tdocker push x\n\tX\nhelm install\nY\necho done\n\
                 grep x <<< \"$v\"\nmake test";
        let got: Vec<String> = names(s).into_iter().map(|(n, _)| n).collect();
        assert_eq!(got, ["cat", "pytest", "cat", "cat", "echo", "grep", "make"]);
        // Never closed: the body runs to the end of the script.
        let open: Vec<String> = names("cat <<EOF\ndocker push x\n")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(open, ["cat"]);
    }

    #[test]
    fn a_continued_esac_ends_the_case() {
        let s = "case \"$a\" in \\\n  amd64) x=1 ;; \\\n  *) exit 1 ;; \\\nesac; \\\napt-get install -y curl && curl -fsSL u | tar x";
        let got: Vec<String> = names(s).into_iter().map(|(n, _)| n).collect();
        assert!(got.iter().any(|n| n == "apt-get"), "{got:?}");
        assert!(got.iter().any(|n| n == "tar"), "{got:?}");
    }

    #[test]
    fn redirections_are_words_of_their_own() {
        let cmds =
            split("pip install flask>=2.0 'gunicorn>=22' 2>&1 >/dev/null &>log cat<<EOF >> out");
        let values: Vec<&str> = cmds[0].words.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "pip",
                "install",
                "flask",
                ">=2.0",
                "gunicorn>=22",
                "2>&1",
                ">/dev/null",
                "&>log",
                "cat",
                "<<EOF",
                ">>",
                "out"
            ]
        );
    }

    #[test]
    fn parentheses_end_words() {
        let cmds = split("(apk add curl) && { cd /x && make; }");
        assert_eq!(cmds[0].words.last().map(|w| w.value.as_str()), Some("curl"));
        assert!(cmds.iter().any(|c| c.program_name() == Some("make")));
        // Substitutions keep their parentheses inside the word.
        let cmds = split("echo $(date) $((1 + 2)) \"(x)\"");
        let values: Vec<&str> = cmds[0].words.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(values, ["echo", "$(date)", "$((1 + 2))", "(x)"]);
    }

    #[test]
    fn substitutions_stay_in_their_word() {
        let s = "runDeps=\"$(scanelf x | awk '{print $1}' | sort)\" && go test $(go list ./... | grep -v e2e) && bash <(curl -s u)";
        let cmds = split(s);
        assert!(cmds.iter().all(|c| c.op != Some(Op::Pipe)), "{cmds:?}");
        let inner = &cmds[0].words[0].subs[0];
        assert_eq!(&s[inner.clone()], "scanelf x | awk '{print $1}' | sort");
        let bash = cmds.last().map(|c| &c.words[1]).expect("bash");
        assert_eq!(&s[bash.subs[0].clone()], "curl -s u");
    }

    #[test]
    fn dockerfile_comment_lines_inside_a_continuation_are_removed() {
        let s = "apt-get install -y \\\n# LDAP support\n    libldap2-dev \\\n  # more\n    libsasl2-dev && echo ok # trailing\necho next";
        let docker = split_dockerfile(s);
        assert_eq!(docker[0].words.len(), 5, "{docker:?}");
        assert_eq!(docker[0].words[4].value, "libsasl2-dev");
        assert_eq!(docker[1].program_name(), Some("echo"));
        assert_eq!(docker[2].program_name(), Some("echo"));
        // A real shell ends the command at the comment's newline.
        let shell = split(s);
        assert_eq!(shell[0].words.len(), 3, "{shell:?}");
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
        let _ = split("echo $(unclosed | x");
        let _ = split("echo `unclosed");
        let _ = split("case x in a|b");
        let _ = split("\"$(");
    }
}
