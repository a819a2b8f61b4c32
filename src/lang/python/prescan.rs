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

/// Byte classes for the scan.
const OP: u8 = 1;
const RESET: u8 = 2;
const IDENT: u8 = 4;
const BLANK: u8 = 8;
/// Bytes that end the plain part of a string: a backslash, a newline or a quote.
const STRING_STOP: u8 = 16;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'@' | b'.' | b'<' | b'>' => OP,
            b',' | b';' | b':' | b'=' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => RESET,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | 0x80..=0xff => IDENT,
            b' ' | b'\t' | b'\r' | b'\x0c' => BLANK,
            _ => 0,
        };
        if matches!(b, b'\\' | b'\n' | b'\'' | b'"') {
            t[c] |= STRING_STOP;
        }
        c += 1;
    }
    t
};

fn class(c: u8) -> u8 {
    CLASS[c as usize]
}

/// The offset where the estimate first exceeds [`MAX_NESTING`], if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    // Each part of the estimate grows by at most one per byte: a file no longer than
    // the limit cannot exceed it (most files; the scan is for the rest).
    if text.len() <= MAX_NESTING {
        return None;
    }
    let b = text.as_bytes();
    if within_bound(b) {
        return None;
    }
    let mut i = 0;
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut right = 0usize;
    let mut chain = 0usize;
    let over =
        |depth: usize, run: usize, right: usize| depth + run > MAX_NESTING || right > MAX_NESTING;
    while i < b.len() {
        let c = b[i];
        let k = class(c);
        if k & IDENT != 0 {
            // A name, keyword or number (the chain goes on through it).
            let start = i;
            i += 1;
            while i < b.len() && class(b[i]) & IDENT != 0 {
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
            if over(depth, run, right) {
                return Some(start);
            }
            continue;
        }
        if k & BLANK != 0 {
            // Blanks change nothing: check once for the whole run.
            if over(depth, run, right) {
                return Some(i);
            }
            i += 1;
            while i < b.len() && class(b[i]) & BLANK != 0 {
                i += 1;
            }
            continue;
        }
        if k & OP != 0 {
            chain += 1;
            if chain > MAX_NESTING {
                return Some(i);
            }
        } else if k & RESET != 0 {
            chain = 0;
        }
        match c {
            b'#' => {
                i += memchr::memchr(b'\n', &b[i..]).unwrap_or(b.len() - i);
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
            b'\n' | b':' => {}
            _ => run = 0,
        }
        if over(depth, run, right) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Bits of one count in [`WEIGHTS`]: a chunk of [`CHUNK`] bytes cannot overflow it.
const FIELD: u32 = 21;
const FIELD_MASK: u64 = (1 << FIELD) - 1;
const CHUNK: usize = 1 << 20;

/// Per byte, what it adds to three counts that bound the parts of the estimate, one
/// count per [`FIELD`] bits:
/// - bracket depth and prefix-operator runs: the opening brackets, `-`, `+`, `~`, and
///   the `t` or `l` that each `not`, `await` and `lambda` has;
/// - right-nesting operators: the `*`s of `**`, and the `l` of each `else`;
/// - operator chains: the operator bytes and dots.
static WEIGHTS: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let run = matches!(b, b'(' | b'[' | b'{' | b'-' | b'+' | b'~' | b't' | b'l');
        let right = matches!(b, b'*' | b'l');
        let chain = CLASS[c] & OP != 0;
        t[c] = run as u64 | (right as u64) << FIELD | (chain as u64) << (2 * FIELD);
        c += 1;
    }
    t
};

/// Whether the bytes cannot make the estimate exceed [`MAX_NESTING`]: each part of it
/// grows only at bytes that [`WEIGHTS`] counts, so when no count is over the limit
/// (most files) the scan itself is not needed.
fn within_bound(b: &[u8]) -> bool {
    let (mut run, mut right, mut chain) = (0u64, 0u64, 0u64);
    for chunk in b.chunks(CHUNK) {
        // Four sums, so that the additions do not wait on each other.
        let mut acc = [0u64; 4];
        let mut quads = chunk.chunks_exact(4);
        for q in &mut quads {
            acc[0] += WEIGHTS[q[0] as usize];
            acc[1] += WEIGHTS[q[1] as usize];
            acc[2] += WEIGHTS[q[2] as usize];
            acc[3] += WEIGHTS[q[3] as usize];
        }
        for &x in quads.remainder() {
            acc[0] += WEIGHTS[x as usize];
        }
        for a in acc {
            run += a & FIELD_MASK;
            right += (a >> FIELD) & FIELD_MASK;
            chain += a >> (2 * FIELD);
        }
        let max = MAX_NESTING as u64;
        if run > max || right > max || chain > max {
            return false;
        }
    }
    true
}

/// The offset just past the string starting at `i` (a quote).
fn skip_string(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < b.len() {
        if class(b[j]) & STRING_STOP == 0 {
            j += 1;
            continue;
        }
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
    fn the_bound_lets_through_only_what_the_scan_would() {
        // Long, but with few of the bytes that count: passed without the scan.
        let plain = "x = name_of_a_value\n".repeat(5_000);
        assert!(within_bound(plain.as_bytes()));
        assert_eq!(too_deep(&plain), None);
        // Many counted bytes that never nest: the scan decides, and lets it through.
        let flat = "x = (-1, 2)\n".repeat(12_000);
        assert!(!within_bound(flat.as_bytes()));
        assert_eq!(too_deep(&flat), None);
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
