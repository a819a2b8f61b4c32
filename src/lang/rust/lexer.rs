//! A small Rust lexer for what `syn` drops or cannot bound: the comments of a file (for
//! inline suppressions and intent comments) and how deeply it nests, checked before the
//! recursive parser is trusted with it. It skips string, byte-string, C-string, raw
//! string and character literals so that `"// not a comment"` is not taken for one.

use crate::source::Span;

/// A comment found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawComment {
    pub span: Span,
    /// Nothing but whitespace stands before it on its line.
    pub own_line: bool,
}

/// What the lexer learnt about a file.
#[derive(Debug, Default, Clone)]
pub struct Lexed {
    pub comments: Vec<RawComment>,
    /// Deepest nesting of `(`, `[` and `{`.
    pub max_depth: usize,
    /// Where the deepest bracket opens.
    pub max_depth_at: usize,
    /// Longest run of tokens that the parser handles by recursion without brackets:
    /// prefix operators (`!`, `-`, `*`, `&`, `|`), `<`, `return`, `break`, `move`.
    pub max_prefix_run: usize,
    /// Most operator, `.`, `?` and `else` tokens in one stretch of a bracket level
    /// between `;` and `,`: a long chain builds a deep syntax tree without nesting.
    pub max_chain: usize,
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Lexes `text`.
pub fn lex(text: &str) -> Lexed {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = Lexed::default();
    let mut depth = 0usize;
    let mut run = 0usize;
    // Chain length per open bracket level (the file level first).
    let mut chains: Vec<usize> = vec![0];
    let mut line_has_code = false;
    let mut i = 0;
    while i < n {
        let c = b[i];
        match c {
            b'\n' => {
                line_has_code = false;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = memchr(b'\n', &b[i..]).map_or(n, |e| i + e);
                let mut end_trim = end;
                if end_trim > i && b[end_trim - 1] == b'\r' {
                    end_trim -= 1;
                }
                out.comments.push(RawComment {
                    span: i..end_trim,
                    own_line: !line_has_code,
                });
                i = end;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut level = 1;
                i += 2;
                while i < n && level > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                out.comments.push(RawComment {
                    span: start..i.min(n),
                    own_line: !line_has_code,
                });
                continue;
            }
            _ => {}
        }
        line_has_code = true;
        let prev_ident = i > 0 && is_ident_char(b[i - 1]);
        // Raw strings: r"…", r#"…"#, br"…", cr#"…"#.
        if !prev_ident && (c == b'r' || ((c == b'b' || c == b'c') && b.get(i + 1) == Some(&b'r'))) {
            let mut j = i + if c == b'r' { 1 } else { 2 };
            let mut hashes = 0;
            while j < n && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j < n && b[j] == b'"' {
                j += 1;
                'raw: while j < n {
                    if b[j] == b'"' {
                        let mut k = 0;
                        while k < hashes && j + 1 + k < n && b[j + 1 + k] == b'#' {
                            k += 1;
                        }
                        if k == hashes {
                            j += 1 + hashes;
                            break 'raw;
                        }
                    }
                    j += 1;
                }
                i = j;
                run = 0;
                continue;
            }
        }
        // Strings: "…", b"…", c"…".
        if c == b'"' || (!prev_ident && (c == b'b' || c == b'c') && b.get(i + 1) == Some(&b'"')) {
            let mut j = if c == b'"' { i + 1 } else { i + 2 };
            while j < n && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            i = (j + 1).min(n);
            run = 0;
            continue;
        }
        // Character literals ('a', '\n', b'x') and lifetimes ('a).
        if c == b'\'' || (!prev_ident && c == b'b' && b.get(i + 1) == Some(&b'\'')) {
            let q = if c == b'\'' { i } else { i + 1 };
            if b.get(q + 1) == Some(&b'\\') {
                let mut j = q + 2;
                while j < n && b[j] != b'\'' && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                i = (j + 1).min(n);
            } else {
                // One character (possibly multi-byte) then a quote: a literal.
                let next = text.get(q + 1..).and_then(|s| s.chars().next());
                let len = next.map_or(1, char::len_utf8);
                if next.is_some() && b.get(q + 1 + len) == Some(&b'\'') {
                    i = q + 2 + len;
                } else {
                    i = q + 1; // a lifetime or label
                }
            }
            run = 0;
            continue;
        }
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > out.max_depth {
                    out.max_depth = depth;
                    out.max_depth_at = i;
                }
                chains.push(0);
                run = 0;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if chains.len() > 1 {
                    chains.pop();
                }
                run = 0;
            }
            b';' | b',' => {
                if let Some(top) = chains.last_mut() {
                    *top = 0;
                }
                run = 0;
            }
            b'!' | b'-' | b'*' | b'&' | b'<' | b'|' => {
                run += 1;
                out.max_prefix_run = out.max_prefix_run.max(run);
                bump(&mut chains, &mut out.max_chain);
            }
            b'.' | b'?' | b'+' | b'/' | b'%' | b'^' | b'>' | b'=' => {
                run = 0;
                bump(&mut chains, &mut out.max_chain);
            }
            _ if is_ident_char(c) => {
                let start = i;
                while i < n && is_ident_char(b[i]) {
                    i += 1;
                }
                match &text[start..i] {
                    "return" | "break" | "move" => {
                        run += 1;
                        out.max_prefix_run = out.max_prefix_run.max(run);
                    }
                    "else" | "as" => {
                        run = 0;
                        bump(&mut chains, &mut out.max_chain);
                    }
                    _ => run = 0,
                }
                continue;
            }
            _ => run = 0,
        }
        i += 1;
    }
    out
}

fn bump(chains: &mut [usize], max: &mut usize) {
    if let Some(top) = chains.last_mut() {
        *top += 1;
        *max = (*max).max(*top);
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<&str> {
        lex(text)
            .comments
            .iter()
            .map(|c| &text[c.span.clone()])
            .collect()
    }

    #[test]
    fn finds_comments_outside_literals() {
        let t = "let a = \"// no\"; // yes\nlet b = r##\"/* no \"# ok\"##; /* a /* nested */ block */\nlet c = '\"'; // after char\nfn f<'a>(x: &'a str) {} // lifetime\nlet d = b'/'; let e = br\"//\"; // end\n";
        assert_eq!(
            comments(t),
            [
                "// yes",
                "/* a /* nested */ block */",
                "// after char",
                "// lifetime",
                "// end"
            ]
        );
    }

    #[test]
    fn own_line_comments() {
        let l = lex("// top\nfn f() {} // trailing\n    /// doc\r\n");
        let own: Vec<bool> = l.comments.iter().map(|c| c.own_line).collect();
        assert_eq!(own, [true, false, true]);
        assert_eq!(
            &"// top\nfn f() {} // trailing\n    /// doc\r\n"[l.comments[2].span.clone()],
            "/// doc"
        );
    }

    #[test]
    fn depth_and_runs() {
        let l = lex("fn f() { g((1, [2])) }");
        assert_eq!(l.max_depth, 4);
        let deep = "(".repeat(1000);
        assert_eq!(lex(&deep).max_depth, 1000);
        assert!(lex(&"!".repeat(500)).max_prefix_run >= 500);
        assert!(lex("x = \"((((((\";").max_depth == 0);
        assert!(lex("if a {} else if b {} else if c {}").max_prefix_run < 4);
        assert_eq!(lex("if a {} else if b {} else if c {}").max_chain, 2);
        assert_eq!(lex("a.b().c()?; d.e()").max_chain, 3);
        assert_eq!(lex("f(a + b, c + d)").max_chain, 1);
    }

    #[test]
    fn unterminated_literals_do_not_loop() {
        for t in ["\"abc", "r#\"abc", "'", "b'", "/* open", "'\\", "r", "br#"] {
            let _ = lex(t);
        }
    }
}
