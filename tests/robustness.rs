//! Robustness of every front end: mutated copies of all fixtures (truncated, lines
//! dropped, duplicated or swapped, brackets and quotes sprinkled in, bytes replaced)
//! must never make a rule panic. The engine turns a panic into an RDY001 "internal
//! error" for the file and goes on; this test fails if any such finding appears.

use std::path::{Path, PathBuf};

use readylint::config::CliOverrides;
use readylint::{RunOptions, run};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, rng: &mut Rng, how: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match how {
        0 => text[..floor(text, rng.below(text.len() + 1))].to_string(),
        1 if !lines.is_empty() => {
            let drop = rng.below(lines.len());
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != drop)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
        }
        2 if !lines.is_empty() => {
            let mut v = lines.clone();
            let i = rng.below(v.len());
            let j = rng.below(v.len());
            v.swap(i, j);
            v.insert(rng.below(v.len()), lines[rng.below(lines.len())]);
            v.join("\n")
        }
        3 => {
            let mut s = text.to_string();
            for _ in 0..8 {
                let at = floor(&s, rng.below(s.len() + 1));
                let junk = [
                    "(", "[", "{", "\"", "'", "`", "\\", "<<EOF", "${{", ":", "\n  - ", "#",
                    "\u{feff}", "é",
                ];
                s.insert_str(at, junk[rng.below(junk.len())]);
            }
            s
        }
        _ => {
            let mut bytes = text.as_bytes().to_vec();
            for _ in 0..8 {
                if bytes.is_empty() {
                    break;
                }
                let i = rng.below(bytes.len());
                let junk = b"(){}[]\"'\\\n\t #:;|&$<>=*";
                bytes[i] = junk[rng.below(junk.len())];
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

#[test]
fn mutated_fixtures_never_make_a_rule_panic() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    files(&manifest.join("fixtures"), &mut sources);
    let out = tempfile::tempdir().expect("tempdir");
    // ROBUSTNESS_SEED and ROBUSTNESS_ROUNDS run it longer, or differently.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env("ROBUSTNESS_SEED").unwrap_or(0x5eed_cafe_f00d_1234) | 1);
    let rounds = env("ROBUSTNESS_ROUNDS").unwrap_or(15) as usize;
    let mut written = 0;
    for src in &sources {
        let Ok(text) = std::fs::read_to_string(src) else {
            continue;
        };
        let rel = src
            .strip_prefix(manifest.join("fixtures"))
            .expect("under fixtures");
        for round in 0..rounds {
            // Keep the file name (it decides the kind); vary the directory.
            let dest = out.path().join(format!("m{round}")).join(rel);
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::write(&dest, mutate(&text, &mut rng, round % 5)).expect("write");
            written += 1;
        }
    }
    assert!(written > 1500, "only {written} mutated files");
    let report = run(&RunOptions {
        paths: vec![out.path().to_path_buf()],
        root: Some(out.path().to_path_buf()),
        overrides: CliOverrides {
            no_config: true,
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("the run completes");
    let internal: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.message.contains("internal error"))
        .map(|f| f.path.to_string())
        .chain(
            report
                .errors
                .iter()
                .filter(|e| e.message.contains("internal error"))
                .map(|e| e.path.clone()),
        )
        .collect();
    assert!(internal.is_empty(), "rules panicked on: {internal:?}");
    assert!(report.files_scanned > 1500);
}
