//! `check --fix` and `--diff`: the fixes of a run's findings, applied in passes until
//! nothing changes (at most [`MAX_PASSES`]), each pass checked again on the fixed texts
//! before anything is written. Of overlapping fixes, a pass applies the first and
//! leaves the rest for the next. A file whose fixes would make it unparsable (a parse
//! error the text did not have) keeps its text: its fixes are dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use super::{Report, RunOptions, run};
use crate::fix::{self, Safety};

/// At most this many passes: fix, check the fixed text again, fix what is left.
pub const MAX_PASSES: usize = 3;

/// A file the fixes change.
#[derive(Debug, Clone)]
pub struct ChangedFile {
    /// Relative to the project root.
    pub path: String,
    pub before: String,
    pub after: String,
    /// How many fixes were applied to it.
    pub fixes: usize,
}

/// What the fixes did.
#[derive(Debug)]
pub struct FixRun {
    /// The findings that remain in the fixed texts.
    pub report: Report,
    pub changed: Vec<ChangedFile>,
    /// Files whose fixes were dropped because the fixed text did not parse.
    pub unparsable: Vec<String>,
}

impl FixRun {
    /// How many fixes were applied.
    pub fn fixed(&self) -> usize {
        self.changed.iter().map(|c| c.fixes).sum()
    }

    /// The unified diff of every changed file.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for c in &self.changed {
            out.push_str(&unified_diff(&c.path, &c.before, &c.after));
        }
        out
    }

    /// Writes the fixed files, each atomically (a temporary file beside it, renamed
    /// over it), keeping its permissions.
    pub fn write(&self) -> miette::Result<()> {
        for c in &self.changed {
            let path = self.report.root.join(&c.path);
            write_atomically(&path, &c.after)
                .map_err(|e| miette::miette!("cannot write the fixes to {}: {e}", c.path))?;
        }
        Ok(())
    }
}

/// The unified diff of one file (`--- a/path`, `+++ b/path`, hunks of 3 lines of
/// context).
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// How many parse errors each file of the report has.
fn parse_errors(report: &Report) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    for e in &report.errors {
        *out.entry(e.path.clone()).or_default() += 1;
    }
    for f in report.findings.iter().filter(|f| f.rule == "RDY001") {
        *out.entry(f.path.to_string()).or_default() += 1;
    }
    out
}

/// Runs `opts`, applies the fixes of its findings (the safe ones; with `unsafe_fixes`
/// the unsafe ones too) to the texts in memory, pass after pass, and returns what
/// changed and what remains. Nothing is written ([`FixRun::write`] does that).
pub fn fix(opts: &RunOptions, unsafe_fixes: bool) -> miette::Result<FixRun> {
    fix_with(opts, unsafe_fixes, &|f| {
        f.fix.as_ref().map(|fx| fx.to_fix())
    })
}

/// [`fix`], with the fix of each finding given by `fix_of` (the tests give fixes that
/// break the file, to see them dropped).
#[doc(hidden)]
pub fn fix_with(
    opts: &RunOptions,
    unsafe_fixes: bool,
    fix_of: &dyn Fn(&crate::finding::Finding) -> Option<fix::Fix>,
) -> miette::Result<FixRun> {
    // The fixes are what this reads, whatever the output.
    let opts = &RunOptions {
        skip_fixes: false,
        ..opts.clone()
    };
    let mut overlay: BTreeMap<String, String> = (*opts.overlay).clone();
    let mut originals: BTreeMap<String, String> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut unparsable: BTreeSet<String> = BTreeSet::new();
    let rerun = |overlay: &BTreeMap<String, String>| {
        run(&RunOptions {
            overlay: Arc::new(overlay.clone()),
            // The cache holds results of texts on disk; these are not (yet).
            cache: false,
            write_baseline: None,
            ..opts.clone()
        })
    };
    let mut report = run(opts)?;
    for _ in 0..MAX_PASSES {
        let mut by_file: BTreeMap<&str, Vec<fix::Fix>> = BTreeMap::new();
        for f in &report.findings {
            let Some(fx) = fix_of(f) else { continue };
            if (fx.safety == Safety::Unsafe && !unsafe_fixes) || unparsable.contains(&*f.path) {
                continue;
            }
            by_file.entry(&f.path).or_default().push(fx);
        }
        let mut pass: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (path, fixes) in &by_file {
            let Some(text) = report.sources.get(*path).map(|s| s.text.shared()) else {
                continue;
            };
            let refs: Vec<&fix::Fix> = fixes.iter().collect();
            let (new, n) = fix::apply(&text, &refs);
            if n == 0 || new.as_str() == &*text {
                continue;
            }
            originals
                .entry(path.to_string())
                .or_insert_with(|| text.to_string());
            pass.insert(path.to_string(), (text.to_string(), n));
            overlay.insert(path.to_string(), new);
        }
        if pass.is_empty() {
            break;
        }
        let before = parse_errors(&report);
        report = rerun(&overlay)?;
        let after = parse_errors(&report);
        let broken: Vec<String> = pass
            .keys()
            .filter(|p| after.get(*p).unwrap_or(&0) > before.get(*p).unwrap_or(&0))
            .cloned()
            .collect();
        for path in &broken {
            // Back to the text before this pass, and no more fixes for this file.
            if let Some((prev, _)) = pass.remove(path) {
                overlay.insert(path.clone(), prev);
            }
            unparsable.insert(path.clone());
        }
        if !broken.is_empty() {
            report = rerun(&overlay)?;
        }
        for (path, (_, n)) in pass {
            *counts.entry(path).or_default() += n;
        }
    }
    let changed = originals
        .into_iter()
        .filter_map(|(path, before)| {
            let after = overlay.get(&path)?.clone();
            (after != before).then(|| ChangedFile {
                fixes: counts.get(&path).copied().unwrap_or(0),
                path,
                before,
                after,
            })
        })
        .collect();
    Ok(FixRun {
        report,
        changed,
        unparsable: unparsable.into_iter().collect(),
    })
}

/// Replaces `path`'s content (a link's target's): written to a temporary file in the
/// same directory with the file's permissions, then renamed over it.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    // A link named on the command line: its target is what was checked and is fixed.
    let target = path.canonicalize()?;
    let path = target.as_path();
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let perms = std::fs::metadata(path)?.permissions();
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.readylint-fix-{}-{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::set_permissions(&tmp, perms))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
