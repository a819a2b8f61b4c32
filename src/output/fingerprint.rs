//! `primaryLocationLineHash`, computed the way GitHub's SARIF upload computes it when a
//! result has none: a rolling hash (base 37, 64-bit wrapping) over the next 100
//! characters from the start of each line, ignoring spaces and tabs and treating `\r\n`,
//! `\r` and `\n` alike, with an occurrence counter for repeated values. Computing it
//! ourselves means the upload step has nothing to re-read, and alerts keep their
//! identity when lines move.

const BLOCK: usize = 100;
const MOD: i64 = 37;
const EOF: u16 = 65535;

/// The hash of every line of `text`, as `"<hex>:<occurrence>"`; index 0 is line 1.
pub fn line_hashes(text: &str) -> Vec<String> {
    let first_mod = (0..BLOCK).fold(1i64, |acc, _| acc.wrapping_mul(MOD));
    let mut window = [0u16; BLOCK];
    let mut line_numbers = [0usize; BLOCK]; // 0: not the start of a line
    let mut hash = 0i64;
    let mut index = 0usize;
    let mut line = 0usize;
    let mut line_start = true;
    let mut prev_cr = false;
    let mut counts: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut out: Vec<String> = Vec::new();

    let mut emit = |line_no: usize, hash: i64, out: &mut Vec<String>| {
        let value = hash as u64;
        let n = counts.entry(value).or_insert(0);
        *n += 1;
        if out.len() < line_no {
            out.resize(line_no, String::new());
        }
        out[line_no - 1] = format!("{value:x}:{n}");
    };
    let update = |c: u16, hash: &mut i64, index: &mut usize, window: &mut [u16; BLOCK]| {
        let begin = window[*index];
        window[*index] = c;
        *hash = MOD
            .wrapping_mul(*hash)
            .wrapping_add(i64::from(c))
            .wrapping_sub(first_mod.wrapping_mul(i64::from(begin)));
        *index = (*index + 1) % BLOCK;
    };

    let units = text.encode_utf16().chain(std::iter::once(EOF));
    for unit in units {
        let mut c = unit;
        if c == u16::from(b' ') || c == u16::from(b'\t') || (prev_cr && c == u16::from(b'\n')) {
            prev_cr = false;
            continue;
        }
        if c == u16::from(b'\r') {
            c = u16::from(b'\n');
            prev_cr = true;
        } else {
            prev_cr = false;
        }
        if line_numbers[index] != 0 {
            emit(line_numbers[index], hash, &mut out);
            line_numbers[index] = 0;
        }
        if line_start {
            line_start = false;
            line += 1;
            line_numbers[index] = line;
        }
        if c == u16::from(b'\n') {
            line_start = true;
        }
        update(c, &mut hash, &mut index, &mut window);
    }
    for _ in 0..BLOCK {
        if line_numbers[index] != 0 {
            emit(line_numbers[index], hash, &mut out);
            line_numbers[index] = 0;
        }
        update(0, &mut hash, &mut index, &mut window);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hash_per_line_and_repeats_are_counted() {
        let h = line_hashes("a\nb\na\n");
        assert_eq!(h.len(), 4); // the empty last line after the final newline has one too
        assert_ne!(h[0], h[1]);
        // Identical windows would differ only by the counter; here the windows differ.
        assert!(h.iter().all(|x| x.contains(':')));
    }

    #[test]
    fn matches_the_upload_action() {
        // Reference values from an independent implementation of the algorithm in
        // github/codeql-action's fingerprints.ts, run on the same text.
        let text = format!(
            "FROM python:3.12-slim AS build\n  ENV A=1\r\nRUN echo \"héllo wörld 😀\" | cat\n\nRUN echo \"héllo wörld 😀\" | cat\n{}\nlast",
            "x".repeat(250)
        );
        assert_eq!(
            line_hashes(&text),
            [
                "85c9fa24171fe484:1",
                "b4f6931efbf1aa90:1",
                "9a93136e92b8d9e:1",
                "e3ec9f4e58443368:1",
                "f912e04cc2badc16:1",
                "52b56201ffb58620:1",
                "58429ecce5a8d0db:1",
            ]
        );
    }

    #[test]
    fn whitespace_and_line_endings_do_not_matter() {
        assert_eq!(line_hashes("x = 1\r\ny\n"), line_hashes("x=1\ny\n"));
        assert_eq!(line_hashes("\tx\n")[0], line_hashes("x\n")[0]);
    }
}
