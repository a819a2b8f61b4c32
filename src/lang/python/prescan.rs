//! A linear scan over the bytes of a file, before it is parsed, that bounds how deeply
//! the parser would have to recurse. Ruff's parser grows its stack on the heap as it
//! recurses, so a file of a million `-` signs or `not`s costs about a gigabyte: a file
//! whose estimate is over [`MAX_NESTING`] is reported instead of parsed. CPython refuses
//! far less (200 nested brackets), so no valid program is turned away.
//!
//! The estimate, per logical line: bracket depth plus the longest run of prefix
//! operators (`-`, `+`, `~`, `not`, `await`, `lambda`), the number of right-nesting
//! operators (`**`, `else`), and the longest chain of binary operators and attribute
//! dots with no comma, colon, `=` or bracket between them (`1+1+…`, `a.b.c…` build
//! trees as deep as they are long). Strings and comments are skipped.

/// Nesting the parser is allowed to meet.
pub const MAX_NESTING: usize = 20_000;

/// The offset where the estimate first exceeds [`MAX_NESTING`], if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    // Each part of the estimate grows by at most one per byte: a file no longer than
    // the limit cannot exceed it (most files; the scan is for the rest).
    if text.len() <= MAX_NESTING {
        return None;
    }
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut right = 0usize;
    let mut chain = 0usize;
    while i < b.len() {
        let c = b[i];
        if matches!(
            c,
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'@' | b'.' | b'<' | b'>'
        ) {
            chain += 1;
        } else if matches!(
            c,
            b',' | b';' | b':' | b'=' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
        ) {
            chain = 0;
        }
        if chain > MAX_NESTING {
            return Some(i);
        }
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(b, i);
                run = 0;
                continue;
            }
            b'\\' => {
                // A line continuation: the logical line goes on.
                i += 2;
                continue;
            }
            b'\n' if depth == 0 => {
                run = 0;
                right = 0;
                chain = 0;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b'-' | b'+' | b'~' if b.get(i + 1) != Some(&b'=') => run += 1,
            b'*' if b.get(i + 1) == Some(&b'*') => {
                right += 1;
                i += 2;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b':' => {}
            _ if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                match &b[start..i] {
                    b"not" | b"await" | b"lambda" => run += 1,
                    b"else" => {
                        right += 1;
                        run = 0;
                    }
                    _ => run = 0,
                }
                if depth + run > MAX_NESTING || right > MAX_NESTING {
                    return Some(start);
                }
                continue;
            }
            _ => run = 0,
        }
        if depth + run > MAX_NESTING || right > MAX_NESTING {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The offset just past the string starting at `i` (a quote).
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'\n' if !triple => return j,
            c if c == q => {
                if !triple {
                    return j + 1;
                }
                if b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                    return j + 3;
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_passes() {
        let text =
            "x = [-1, -2, (3 + 4)] * 2 ** 3\nif not a:\n    y = lambda: -x\ns = '((((' # ((((\n";
        assert_eq!(too_deep(text), None);
        let data = format!("x = [{}]\n", "(-1, 2), ".repeat(100_000));
        assert_eq!(too_deep(&data), None);
    }

    #[test]
    fn deep_nesting_is_caught() {
        let n = MAX_NESTING + 10;
        assert!(too_deep(&format!("x = {}1{}", "(".repeat(n), ")".repeat(n))).is_some());
        assert!(too_deep(&format!("x = {}1", "-".repeat(n))).is_some());
        assert!(too_deep(&format!("x = {}1", "not ".repeat(n))).is_some());
        assert!(too_deep(&format!("x = {}2", "2**".repeat(n))).is_some());
        assert!(too_deep(&format!("x = {}2", "1 if c else ".repeat(n))).is_some());
        assert!(too_deep(&format!("x = {}1", "1+".repeat(n))).is_some());
        assert!(too_deep(&format!("x = a{}", ".b".repeat(n))).is_some());
    }
}
