//! Adopting the gate on legacy code: a baseline of known findings that are not reported
//! again (`--baseline`, `--write-baseline`), and `--since REF`, which keeps only the
//! findings on lines changed since a git revision.
//!
//! A baseline entry is keyed on rule + path + a hash of the flagged line's text with
//! whitespace collapsed, with a count, so it survives edits elsewhere in the file (line
//! numbers are not part of the key) and is used up one finding at a time. The file
//! holds no source text: a flagged line may hold a secret (CFG002, DKR005), and the
//! baseline is meant to be committed. Version 1 files, which held the text, are still
//! read, and the next write converts them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::config::UsageError;
use crate::finding::{Finding, normalise_line};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<BaselineEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineEntry {
    rule: String,
    path: String,
    /// Version 1: the flagged line's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// Version 2: SHA-256 of the flagged line with whitespace collapsed (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line_hash: Option<String>,
    count: usize,
}

type Key = (String, String, String);

/// SHA-256 (hex) of a line with whitespace collapsed.
fn line_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(normalise_line(text).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn key(f: &Finding) -> Key {
    (
        f.rule.to_string(),
        f.path.to_string(),
        line_hash(&f.line_text),
    )
}

/// The current format.
const VERSION: u32 = 2;

/// Known findings, by key, with how many of each are known.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: BTreeMap<Key, usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> miette::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read the baseline {}: {e}", path.display())))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            UsageError(format!(
                "{} is not a readylint baseline: {e} (line {}, column {})",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        if file.version != 1 && file.version != VERSION {
            return Err(UsageError(format!(
                "{}: baseline version {} is not supported (expected 1 or {VERSION})",
                path.display(),
                file.version
            ))
            .into());
        }
        let mut entries = BTreeMap::new();
        for e in file.findings {
            let hash = match (e.line_hash, e.text) {
                (Some(h), _) => h,
                (None, Some(text)) => line_hash(&text),
                (None, None) => {
                    return Err(UsageError(format!(
                        "{}: a baseline entry for {} in {} has neither `line_hash` nor `text`",
                        path.display(),
                        e.rule,
                        e.path
                    ))
                    .into());
                }
            };
            *entries.entry((e.rule, e.path, hash)).or_insert(0) += e.count;
        }
        Ok(Baseline { entries })
    }

    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries = BTreeMap::new();
        for f in findings {
            *entries.entry(key(f)).or_insert(0) += 1;
        }
        Baseline { entries }
    }

    /// Adds the entries of `other` for which `keep(rule, path)` holds (entries of rules or
    /// paths a partial run did not look at).
    pub fn keep_from(&mut self, other: Baseline, keep: impl Fn(&str, &str) -> bool) {
        for ((rule, path, hash), n) in other.entries {
            if keep(&rule, &path) {
                *self.entries.entry((rule, path, hash)).or_insert(0) += n;
            }
        }
    }

    /// Removes the findings the baseline knows; returns how many.
    pub fn apply(mut self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| match self.entries.get_mut(&key(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }

    /// Writes the baseline, sorted, so that it diffs well in review.
    pub fn write(&self, path: &Path) -> miette::Result<()> {
        let file = BaselineFile {
            version: VERSION,
            findings: self
                .entries
                .iter()
                .map(|((rule, path, hash), count)| BaselineEntry {
                    rule: rule.clone(),
                    path: path.clone(),
                    text: None,
                    line_hash: Some(hash.clone()),
                    count: *count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        std::fs::write(path, text).map_err(|e| {
            UsageError(format!("cannot write the baseline {}: {e}", path.display())).into()
        })
    }
}

/// Lines changed since a git revision, per repository-relative path. `None` for a file
/// means every line (a file git does not track yet).
#[derive(Debug, Default)]
pub struct Changes {
    files: BTreeMap<String, Option<BTreeSet<usize>>>,
}

impl Changes {
    /// Asks git, in the repository holding `root`, what changed since `rev` (committed,
    /// staged or not, and untracked files).
    pub fn since(root: &Path, rev: &str) -> miette::Result<Changes> {
        let git = |args: &[&str]| -> miette::Result<String> {
            let out = Command::new("git")
                .arg("-C")
                .arg(root)
                .args(args)
                .output()
                .map_err(|e| {
                    UsageError(format!("--since needs git, which could not be run: {e}"))
                })?;
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                return Err(UsageError(format!(
                    "--since {rev}: git {} failed: {}",
                    args.first().copied().unwrap_or(""),
                    err.trim()
                ))
                .into());
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        let top = git(&["rev-parse", "--show-toplevel"]).map_err(|_| {
            UsageError(format!(
                "--since needs a git repository, and {} is not in one",
                root.display()
            ))
        })?;
        let top = std::path::PathBuf::from(top.trim());
        git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .map_err(|_| UsageError(format!("--since: `{rev}` is not a git revision here")))?;
        let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let top_abs = top.canonicalize().unwrap_or(top);
        let prefix = root_abs
            .strip_prefix(&top_abs)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let to_rel = |git_path: &str| -> Option<String> {
            if prefix.is_empty() {
                Some(git_path.to_string())
            } else {
                git_path
                    .strip_prefix(&format!("{prefix}/"))
                    .map(str::to_string)
            }
        };
        let diff = git(&[
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            rev,
            "--",
        ])?;
        let mut changes = parse_diff(&diff, &to_rel);
        let untracked = git(&["ls-files", "--others", "--exclude-standard", "--full-name"])?;
        for line in untracked.lines() {
            if let Some(rel) = to_rel(line.trim()) {
                changes.files.insert(rel, None);
            }
        }
        Ok(changes)
    }

    /// Keeps the findings whose lines intersect the changes; returns how many were
    /// dropped.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| match self.files.get(&*f.path) {
            Some(None) => true,
            Some(Some(lines)) => lines
                .range(f.line as usize..=f.end_line.max(f.line) as usize)
                .next()
                .is_some(),
            None => false,
        });
        before - findings.len()
    }
}

/// Reads the `+++ b/path` headers and `@@ -a,b +c,d @@` hunks of a unified diff.
fn parse_diff(diff: &str, to_rel: &dyn Fn(&str) -> Option<String>) -> Changes {
    let mut changes = Changes::default();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = path
                .strip_prefix("b/")
                .filter(|_| path != "/dev/null")
                .and_then(to_rel);
            if let Some(p) = &current {
                changes
                    .files
                    .entry(p.clone())
                    .or_insert_with(|| Some(BTreeSet::new()));
            }
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            let Some(p) = &current else { continue };
            let Some(plus) = hunk.split_whitespace().find(|w| w.starts_with('+')) else {
                continue;
            };
            let mut parts = plus[1..].split(',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            if let Some(Some(set)) = changes.files.get_mut(p) {
                set.extend(start..start + count);
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_become_line_sets() {
        let diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,0 +2,3 @@\n+a\n@@ -9 +12 @@\n-b\n+c\n@@ -20,2 +22,0 @@\n--- a/gone\n+++ /dev/null\n";
        let c = parse_diff(diff, &|p| Some(p.to_string()));
        let lines = c.files["x"].as_ref().expect("lines");
        assert_eq!(lines.iter().copied().collect::<Vec<_>>(), [2, 3, 4, 12]);
        assert!(!c.files.contains_key("gone"));
    }
}
