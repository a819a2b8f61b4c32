//! The pipeline of one run, in three phases:
//!
//! 1. per file, in parallel: read once → parse once with the file kind's front end →
//!    every enabled rule over the parsed file → findings, the file's suppression
//!    directives, and the facts it contributes to the repository index;
//! 2. once: repository rules over the [`RepoIndex`] (files seen and facts gathered);
//! 3. per file: inline suppressions over the file's findings (its own and the
//!    repository findings anchored in it), then unused suppressions (RDY002).
//!
//! A file that cannot be read or parsed becomes a finding; a panic inside a rule
//! becomes an RDY001 for that file, and the run goes on.

pub mod cache;
mod file;
mod filter;
pub mod fixes;
mod repo;

#[doc(hidden)]
pub use file::check_one_for_fuzzing;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{self, CliOverrides, FailOn, Settings};
use crate::discover::{self, Entry, WalkOptions};
use crate::finding::{self, Finding};
use crate::registry::Registry;
use crate::repo::{FileFacts, RepoIndex};
use crate::rule::Rule;
use crate::source::SourceFile;
use crate::suppress::Directive;

/// Files larger than this are not read (RDY003).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// What one run is asked to do.
#[derive(Debug, Default, Clone)]
pub struct RunOptions {
    pub paths: Vec<PathBuf>,
    /// The project root, when the caller knows it better than discovery (tests run each
    /// fixture tree as a repository of its own).
    pub root: Option<PathBuf>,
    pub overrides: CliOverrides,
    pub no_ignore_files: bool,
    pub no_inline_ignores: bool,
    pub threads: Option<usize>,
    /// Known findings not to report again.
    pub baseline: Option<PathBuf>,
    /// Write the findings of this run as the new baseline.
    pub write_baseline: Option<PathBuf>,
    /// Only report findings on lines changed since this git revision.
    pub since: Option<String>,
    /// Read the files named in `paths` as these kinds, whatever their names (`--kind`).
    pub kind: Option<Vec<crate::lang::FileKind>>,
    /// Keep per-file results in `.readylint_cache/` under the root, and reuse them.
    pub cache: bool,
    /// Keep them in this directory instead (`--cache-dir`), outside the scanned tree.
    pub cache_dir: Option<PathBuf>,
    /// Texts to check instead of what is on disk, by project-relative path (the passes
    /// of `--fix` and `--diff` check the fixed texts before anything is written).
    pub overlay: Arc<BTreeMap<String, String>>,
    /// The caller shows no fingerprint (the `concise` and `text` outputs): they are not
    /// computed, and stay at their default.
    pub skip_fingerprints: bool,
    /// The caller shows no fix (the outputs but JSON and SARIF, without `--fix` or
    /// `--diff`): findings taken from the cache may come without theirs.
    pub skip_fixes: bool,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, serde::Deserialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
    pub files_scanned: usize,
    /// Paths that could not be read or walked (each is an RDY003 finding unless ignored).
    pub not_checked: usize,
    /// Findings silenced by inline comments or the baseline.
    pub suppressed: usize,
    /// Of those, the findings the baseline knew.
    pub baselined: usize,
    /// Findings left out because their lines did not change since `--since`.
    pub unchanged: usize,
    /// Files whose results were taken from the cache instead of being checked again.
    pub cached: usize,
    /// Fixes that `--fix` applied before this report was made (`None` without `--fix`).
    pub fixed: Option<usize>,
    /// The files with findings, for snippets and fixes: their texts are read again
    /// from disk only when an output asks for them (see `source`).
    pub sources: BTreeMap<String, Arc<SourceFile>>,
    pub root: PathBuf,
    pub fail_on: FailOn,
    /// The rules of the run (for the rule metadata of SARIF).
    pub registry: Registry,
    /// The categories of the enabled rules that read a file of the run: the ones the
    /// readiness score applies to ([`crate::score`]).
    pub applicable: std::collections::BTreeSet<crate::rule::Category>,
}

impl Report {
    /// Exit code: 1 if any finding is at or above `fail-on`, else 0.
    pub fn exit_code(&self) -> u8 {
        match self.fail_on {
            FailOn::Never => 0,
            FailOn::At(level) => u8::from(self.findings.iter().any(|f| f.severity >= level)),
        }
    }

    /// The readiness score of the findings shown ([`crate::score`]).
    pub fn score(&self) -> crate::score::Score {
        crate::score::Score::compute(&self.findings, &self.applicable)
    }
}

/// The project root: what reported paths are relative to, what the repository rules
/// (no CI, no README) look at, and where the cache lives. It does not depend on how
/// many paths are given: the enclosing git repository of the paths; outside one, the
/// outermost directory above them with a configuration file (or the one `--config`
/// names); else a `.github`/`.gitlab` folder's project, a single directory argument,
/// or the current directory.
fn project_root(cwd: &Path, paths: &[PathBuf], cli: &config::CliOverrides) -> PathBuf {
    let dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
            }
        })
        .collect();
    let mut anchor = dirs.first().cloned().unwrap_or_else(|| cwd.to_path_buf());
    for d in &dirs[1.min(dirs.len())..] {
        while !d.starts_with(&anchor) {
            if !anchor.pop() {
                break;
            }
        }
    }
    if let Some(repo) = anchor.ancestors().find(|d| d.join(".git").exists()) {
        return repo.to_path_buf();
    }
    if let Some(dir) = cli
        .config
        .as_deref()
        .map(|c| discover::absolute(cwd, c))
        .and_then(|c| c.parent().map(Path::to_path_buf))
        .filter(|dir| anchor.starts_with(dir))
    {
        return dir;
    }
    if cli.config.is_none()
        && !cli.no_config
        && let Some(dir) = anchor
            .ancestors()
            .filter(|d| config::config_in(d).is_some())
            .last()
    {
        return dir.to_path_buf();
    }
    // A path inside `.github/` or `.gitlab/` belongs to the project that holds that
    // folder: `.github/workflows/ci.yml` is only a workflow from there.
    if let Some(project) = anchor
        .ancestors()
        .find(|d| {
            d.file_name()
                .is_some_and(|n| n == ".github" || n == ".gitlab")
        })
        .and_then(Path::parent)
    {
        return project.to_path_buf();
    }
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ if anchor.starts_with(cwd) => cwd.to_path_buf(),
        _ => anchor,
    }
}

/// The configurations of a run: the project's, and those of subdirectories that have
/// their own (each file is checked with the nearest one above it, as in Ruff).
struct Configs {
    root: Settings,
    /// Deepest first.
    local: Vec<Settings>,
    /// The enabled rules of each configuration: the root's first, then `local`'s.
    rules: Vec<Vec<&'static dyn Rule>>,
    /// The rules enabled by any configuration: which kinds of file the run reads.
    every_rule: Vec<&'static dyn Rule>,
}

impl Configs {
    fn new(root: Settings, local: Vec<Settings>) -> Configs {
        let rules: Vec<Vec<&'static dyn Rule>> = std::iter::once(&root)
            .chain(&local)
            .map(Settings::enabled_rules)
            .collect();
        let every_rule = rules.iter().flatten().copied().collect();
        Configs {
            root,
            local,
            rules,
            every_rule,
        }
    }

    /// Which configuration applies to a project-relative path: 0 for the root's,
    /// `i + 1` for `local[i]`.
    fn index(&self, rel_path: &str) -> usize {
        self.local
            .iter()
            .position(|s| {
                rel_path
                    .strip_prefix(s.base.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            })
            .map_or(0, |i| i + 1)
    }

    /// The configuration that applies to a project-relative path.
    fn of(&self, rel_path: &str) -> &Settings {
        match self.index(rel_path) {
            0 => &self.root,
            i => &self.local[i - 1],
        }
    }

    /// The kinds of file the run reads, of those the walk found.
    fn needs(&self, entries: &[Entry]) -> file::Needs {
        let kinds = entries
            .iter()
            .filter_map(|e| match e {
                Entry::File { kinds, .. } => Some(kinds),
                Entry::Skipped { .. } => None,
            })
            .flatten()
            .copied();
        let mut needs = file::Needs::of(kinds.clone(), &self.every_rule);
        // Parse errors asked for (`--select RDY001`) need the files parsed: as many as a
        // rule that names no kinds reads.
        if self.all().any(|s| s.parse_all) {
            needs.kinds.extend(kinds.filter(|k| !k.is_optional()));
        }
        // A kind read only for another (lockfiles for requirements files) is not read
        // in a tree without that other kind.
        let present = needs.kinds.clone();
        needs
            .kinds
            .retain(|k| k.read_for().is_none_or(|other| present.contains(&other)));
        needs
    }

    fn all(&self) -> impl Iterator<Item = &Settings> {
        std::iter::once(&self.root).chain(&self.local)
    }

    /// Loads the configuration files of subdirectories found by the walk (unless
    /// `--config` or `--no-config` chose for every file).
    fn load(
        root: Settings,
        project: &Path,
        paths: &[PathBuf],
        files: &[String],
        cli: &config::CliOverrides,
    ) -> miette::Result<Configs> {
        let mut local = Vec::new();
        if cli.config.is_none() && !cli.no_config {
            // Directories between the project root and the scanned paths, and those the
            // walk met, that hold a configuration file.
            let mut dirs: std::collections::BTreeSet<String> = files
                .iter()
                .filter_map(|f| {
                    let (dir, name) = f.rsplit_once('/')?;
                    matches!(
                        name,
                        "readylint.toml" | ".readylint.toml" | "pyproject.toml"
                    )
                    .then(|| dir.to_string())
                })
                .collect();
            for p in paths {
                for d in p.ancestors().skip(1) {
                    if d == project || !d.starts_with(project) {
                        break;
                    }
                    dirs.insert(discover::rel_path(project, d));
                }
                if p.is_dir() && p != project && p.starts_with(project) {
                    dirs.insert(discover::rel_path(project, p));
                }
            }
            for dir in dirs {
                let abs = project.join(&dir);
                let Some(file) = config::config_in(&abs) else {
                    continue;
                };
                if root.config_path.as_deref() == Some(file.as_path()) {
                    continue;
                }
                let mut s = config::load(&abs, cli)?;
                s.base = dir;
                local.push(s);
            }
        }
        local.sort_by_key(|s| std::cmp::Reverse(s.base.matches('/').count()));
        Ok(Configs::new(root, local))
    }
}

/// The findings of `lists`, in order, in one vector with room for `capacity`: moved
/// by the pool's threads, each into its own part of the vector. A warm run over a large
/// tree moves all its findings here, and most of the cost is the first touch of the
/// memory they move into, which the threads share.
fn concat(lists: Vec<Vec<Finding>>, capacity: usize) -> Vec<Finding> {
    let len: usize = lists.iter().map(Vec::len).sum();
    let mut all: Vec<Finding> = Vec::with_capacity(capacity.max(len));
    let mut parts = Vec::with_capacity(lists.len());
    let mut rest = &mut all.spare_capacity_mut()[..len];
    for list in &lists {
        let (part, tail) = rest.split_at_mut(list.len());
        parts.push(part);
        rest = tail;
    }
    lists
        .into_par_iter()
        .zip(parts)
        .with_max_len(64)
        .for_each(|(list, part)| {
            for (slot, f) in part.iter_mut().zip(list) {
                slot.write(f);
            }
        });
    // SAFETY: the first `len` slots were split into one part per list, each exactly as
    // long as its list, and every part was written whole above; moving a value cannot
    // panic.
    unsafe { all.set_len(len) };
    all
}

/// What phase 1 yields for one file.
#[derive(Default)]
struct FileOutcome {
    path: String,
    source: Option<Arc<SourceFile>>,
    findings: Vec<Finding>,
    directives: Vec<Directive>,
    facts: FileFacts,
    error: Option<FileError>,
    scanned: bool,
    /// The hash of the file's text, when the run has a cache.
    hash: Option<String>,
    /// Whether this outcome may be stored in the cache (see `cache`).
    cacheable: bool,
    /// The file's size and modification time, when they can be trusted (see `cache`).
    stamp: Option<cache::Stamp>,
    /// A rule looked at the repository's file list (see `Context::repo`).
    used_repo: bool,
    /// Taken from the cache rather than checked.
    from_cache: bool,
    /// Taken from the cache by the hash of its text, its stamp having changed.
    restamped: bool,
    /// Where its entry lies in the cache file, when it was taken by its stamp: a re-save
    /// writes those bytes as they are (its findings were decoded without what only a
    /// re-encoding needs, see [`file::CacheLookup::wanted`]).
    cached_entry: Option<std::ops::Range<usize>>,
    /// Findings that other files took back (see [`withdraw`]): not
    /// reported, but a suppression that names one is not unused.
    withdrawn: Vec<Finding>,
}

/// Moves to `withdrawn` the findings `gone` says other files take back: what a per-file
/// rule cannot see (a default set elsewhere, code nothing runs). Called with a file's
/// [`FileOutcome::findings`] and [`FileOutcome::withdrawn`].
fn withdraw(
    findings: &mut Vec<Finding>,
    withdrawn: &mut Vec<Finding>,
    mut gone: impl FnMut(&Finding) -> bool,
) {
    if !findings.iter().any(&mut gone) {
        return;
    }
    let (out, kept): (Vec<Finding>, Vec<Finding>) =
        std::mem::take(findings).into_iter().partition(|f| gone(f));
    *findings = kept;
    withdrawn.extend(out);
}

/// The key of the cache file for this run: what per-file results depend on besides
/// each file's text and path and the repository's file list (see `cache`).
fn cache_key(opts: &RunOptions, configs: &Configs, owner: Option<&str>) -> u128 {
    let mut key = cache::KeyBuilder::new();
    key.add(&format!("{:?}", opts.overrides));
    // DEP008 treats the repository owner's actions as its own.
    key.add(owner.unwrap_or(""));
    key.add(&format!("{:?}", opts.kind));
    for settings in configs.all() {
        settings_key(&mut key, settings);
    }
    key.finish()
}

/// What one configuration adds to the cache key.
fn settings_key(key: &mut cache::KeyBuilder, settings: &Settings) {
    key.add(&settings.base);
    if let Some(path) = &settings.config_path {
        key.add(&path.to_string_lossy());
        key.add(&std::fs::read_to_string(path).unwrap_or_default());
    }
    for dir in &settings.rule_dirs {
        let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for f in files {
            key.add(&f.to_string_lossy());
            key.add(&std::fs::read_to_string(&f).unwrap_or_default());
        }
    }
    key.add(&format!(
        "{:?} {:?} {:?} {:?} {}",
        settings.enabled,
        settings.severity,
        settings.rule_options,
        settings.project_type,
        settings.respect_foreign_suppressions
    ));
}

/// The hash of the repository's file list.
fn file_list_hash(files: &[String]) -> String {
    let mut key = cache::KeyBuilder::default();
    for f in files {
        key.add(f);
    }
    format!("{:032x}", key.finish())
}

/// Stores this run's per-file results, unless nothing changed.
fn save_cache(
    cache: &cache::Cache,
    outcomes: &[FileOutcome],
    file_list: &str,
    whole_project: bool,
) {
    let cacheable: Vec<&FileOutcome> = outcomes
        .iter()
        .filter(|o| o.cacheable && o.hash.is_some())
        .collect();
    if cacheable.iter().all(|o| o.from_cache && !o.restamped)
        && (!whole_project || cacheable.len() == cache.len())
    {
        return;
    }
    let entries: Vec<cache::NewEntry<'_>> = cacheable
        .into_iter()
        .filter_map(|o| {
            Some(cache::NewEntry {
                raw: o
                    .cached_entry
                    .as_ref()
                    .filter(|_| o.from_cache && !o.restamped)
                    .and_then(|r| cache.raw(r.clone())),
                path: &o.path,
                hash: o.hash.as_deref()?,
                stamp: o.stamp,
                file_list: o.used_repo.then_some(file_list),
                findings: &o.findings,
                directives: &o.directives,
                facts: &o.facts,
                error: o.error.as_ref(),
            })
        })
        .collect();
    cache.save(&entries, whole_project);
}

/// The [`cache::RepoKey`] of the index these outcomes make, or `None` if a file in it
/// has no text hash (it failed, or the run has no cache).
fn repo_key(outcomes: &[FileOutcome], file_list: &str, whole_project: bool) -> Option<u128> {
    let mut files: Vec<(&str, &str)> = outcomes
        .iter()
        .filter(|o| o.source.is_some())
        .map(|o| Some((o.path.as_str(), o.hash.as_deref()?)))
        .collect::<Option<_>>()?;
    files.sort_unstable();
    let mut key = cache::RepoKey::new(file_list, whole_project);
    for (path, hash) in files {
        key.add(path, hash);
    }
    Some(key.finish())
}

/// What a run sets up before checking: the project root, the paths, the
/// configurations, and the files the walk found (less the subdirectories' `exclude`).
struct Prepared {
    root: PathBuf,
    paths: Vec<PathBuf>,
    configs: Configs,
    walk: discover::Walk,
}

/// The paths of a run (`.` when none is given), as given and absolute, and its project
/// root: `opts.root`, else the one found from the paths (see [`project_root`]).
fn locate(opts: &RunOptions) -> miette::Result<(Vec<PathBuf>, Vec<PathBuf>, PathBuf)> {
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    let cwd = std::env::current_dir()
        .map_err(|e| config::UsageError(format!("cannot read the current directory: {e}")))?;
    // A link to a directory named on the command line is followed, as ripgrep does:
    // the user asked for what it points to (links met during the walk are not).
    let absolute: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let link_to_dir = std::fs::symlink_metadata(p).is_ok_and(|m| m.is_symlink())
                && std::fs::metadata(p).is_ok_and(|m| m.is_dir());
            match p.canonicalize() {
                Ok(target) if link_to_dir => target,
                _ => discover::absolute(&cwd, p),
            }
        })
        .collect();
    let root = match &opts.root {
        Some(r) => discover::absolute(&cwd, r),
        None => project_root(&cwd, &absolute, &opts.overrides),
    };
    Ok((paths, absolute, root))
}

/// The project root a run with `opts` would have, which the keys of
/// [`RunOptions::overlay`] are relative to.
pub fn project_root_for(opts: &RunOptions) -> miette::Result<PathBuf> {
    locate(opts).map(|(_, _, root)| root)
}

/// The absolute paths of a run and its project root, once each path was found to exist
/// (on disk, or in the overlay).
fn resolve(opts: &RunOptions) -> miette::Result<(Vec<PathBuf>, PathBuf)> {
    let (paths, absolute, root) = locate(opts)?;
    for (p, abs) in paths.iter().zip(&absolute) {
        let meta = std::fs::symlink_metadata(p).ok();
        // A file that exists only in the overlay (an editor's unsaved buffer, standard
        // input checked as a named file) is checked as if it were on disk.
        if meta.is_none() && !opts.overlay.contains_key(&discover::rel_path(&root, abs)) {
            return Err(
                config::UsageError(format!("path `{}` does not exist", p.display())).into(),
            );
        }
        if opts.kind.is_some() && meta.is_some_and(|m| m.is_dir()) {
            return Err(config::UsageError(format!(
                "`--kind` reads the files named on the command line, and `{}` is a directory",
                p.display()
            ))
            .into());
        }
    }
    Ok((absolute, root))
}

fn prepare(opts: &RunOptions) -> miette::Result<Prepared> {
    let (paths, root) = resolve(opts)?;
    let cwd = std::env::current_dir()
        .map_err(|e| config::UsageError(format!("cannot read the current directory: {e}")))?;
    let settings = config::load(&root, &opts.overrides)?;
    let settings = Settings {
        config_path: settings
            .config_path
            .as_deref()
            .map(|p| discover::absolute(&cwd, p)),
        ..settings
    };
    let excluded = |rel: &str| settings.is_excluded(rel);
    let rules = settings.enabled_rules();
    let wanted = |rel: &str| rules.iter().any(|r| r.wants_file(rel));
    let walk = discover::walk(
        &root,
        &paths,
        &WalkOptions {
            respect_ignore_files: !opts.no_ignore_files,
            is_excluded: &excluded,
            also_read: &wanted,
            named_kinds: opts.kind.as_deref(),
            in_memory: &|rel: &str| opts.overlay.contains_key(rel),
            stamps: opts.cache,
        },
    );
    let configs = Configs::load(settings, &root, &paths, &walk.all_files, &opts.overrides)?;
    let mut walk = walk;
    // Folders of installed packages committed to the repository (`libs/` holding
    // `requests-2.31.0.dist-info/`): a vendored copy of other projects, as `vendor/` is,
    // not the team's code to fix.
    let site_dirs = discover::site_package_dirs(&walk.all_files);
    if !site_dirs.is_empty() {
        walk.entries.retain(|e| match e {
            Entry::File { rel_path, .. } | Entry::Skipped { rel_path, .. } => {
                !site_dirs.iter().any(|d| rel_path.starts_with(d.as_str()))
            }
        });
    }
    if !configs.local.is_empty() {
        // A subdirectory's own `exclude`.
        walk.entries.retain(|e| match e {
            Entry::File { rel_path, .. } => {
                let s = configs.of(rel_path);
                s.base.is_empty() || !s.is_excluded(rel_path)
            }
            Entry::Skipped { .. } => true,
        });
    }
    Ok(Prepared {
        root,
        paths,
        configs,
        walk,
    })
}

/// The threads of a run: `--threads`, else one per processor.
fn threads(opts: &RunOptions) -> usize {
    opts.threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// One file a run would look at, as `--show-files` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ListedFile {
    pub path: String,
    /// What it is read as (`Dockerfile`, `Python`, …); empty when it cannot be read.
    pub kinds: Vec<String>,
    /// Its roles (`test`, `script`, …): the rules that skip them do not check it.
    pub roles: Vec<&'static str>,
    /// The configuration file that applies to it, relative to the project root.
    pub config: Option<String>,
    /// Whether the selected rules read it (a run parses only those).
    pub read: bool,
    /// Why it cannot be checked, for a file that cannot.
    pub skipped: Option<String>,
}

/// The files a run with `opts` would look at, without checking them.
pub fn list_files(opts: &RunOptions) -> miette::Result<Vec<ListedFile>> {
    let Prepared {
        root,
        configs,
        walk,
        ..
    } = prepare(opts)?;
    let needed = configs.needs(&walk.entries);
    let shown = |p: &Path| discover::rel_path(&root, p);
    Ok(walk
        .entries
        .iter()
        .map(|e| {
            let (path, kinds, skipped) = match e {
                Entry::File {
                    rel_path, kinds, ..
                } => (rel_path, kinds.clone(), None),
                Entry::Skipped { rel_path, reason } => (rel_path, Vec::new(), Some(reason.clone())),
            };
            let roles = crate::roles::Roles::of_path(path);
            ListedFile {
                path: path.clone(),
                read: kinds.iter().any(|k| needed.kinds.contains(k)),
                kinds: kinds.iter().map(|k| format!("{k:?}")).collect(),
                roles: crate::roles::Role::ALL
                    .iter()
                    .filter(|r| roles.has(**r))
                    .map(|r| r.name())
                    .collect(),
                config: configs.of(path).config_path.as_deref().map(shown),
                skipped,
            }
        })
        .collect())
}

/// The configuration that applies to `file` (`--show-settings`), and where each value
/// comes from: the command line, the configuration file's key, or readylint's default.
pub fn show_settings(opts: &RunOptions, file: &Path) -> miette::Result<String> {
    use std::fmt::Write as _;
    let Prepared { root, configs, .. } = prepare(opts)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = discover::rel_path(&root, &discover::absolute(&cwd, file));
    let s = configs.of(&rel);
    let config = s
        .config_path
        .as_deref()
        .map(|p| discover::rel_path(&root, p));
    // The keys the configuration file sets.
    let keys: Vec<String> = s
        .config_path
        .as_deref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .map(|doc| {
            let table = match doc.get("tool").and_then(|t| t.get("readylint")) {
                Some(toml::Value::Table(t)) => t.clone(),
                _ => doc,
            };
            table.keys().cloned().collect()
        })
        .unwrap_or_default();
    let cli = &opts.overrides;
    let from = |key: &str, on_cli: bool| -> String {
        if on_cli {
            "command line".into()
        } else if keys.iter().any(|k| k == key) {
            format!("{}, `{key}`", config.as_deref().unwrap_or("configuration"))
        } else {
            "default".into()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "file: {rel}");
    let _ = writeln!(out, "project root: {}", root.display());
    let _ = writeln!(
        out,
        "configuration: {}",
        config.as_deref().unwrap_or("none (readylint's defaults)")
    );
    let roles = crate::roles::Roles::of_path(&rel);
    let role_names: Vec<&str> = crate::roles::Role::ALL
        .iter()
        .filter(|r| roles.has(**r))
        .map(|r| r.name())
        .collect();
    let _ = writeln!(
        out,
        "roles: {}",
        if role_names.is_empty() {
            "none".to_string()
        } else {
            role_names.join(", ")
        }
    );
    let selection = from(
        if keys.iter().any(|k| k == "select") {
            "select"
        } else {
            "extend-select"
        },
        cli.select.is_some() || !cli.extend_select.is_empty(),
    );
    let rules: Vec<String> = s
        .registry
        .rules()
        .iter()
        .map(|r| r.meta())
        .filter(|m| s.is_enabled_with(m.code, &rel, roles))
        .map(|m| format!("{} ({})", m.code, m.name))
        .collect();
    let _ = writeln!(
        out,
        "rules checked on this file ({}), from {selection}; ignore from {}:",
        rules.len(),
        from("ignore", !cli.ignore.is_empty())
    );
    for r in rules {
        let _ = writeln!(out, "  {r}");
    }
    // `fail-on` is the run's, from the project's configuration.
    let fail_on = match configs.root.fail_on {
        FailOn::Never => "never".to_string(),
        FailOn::At(level) => format!("{level:?}").to_lowercase(),
    };
    let fail_on_from = if cli.fail_on.is_some() {
        "command line".to_string()
    } else if configs.root.config_path.is_some() && !std::ptr::eq(s, &configs.root) {
        "the project's configuration, for the whole run".to_string()
    } else {
        from("fail-on", false)
    };
    let _ = writeln!(out, "fail-on: {fail_on} (from {fail_on_from})");
    let _ = writeln!(
        out,
        "exclude: from {}",
        from("exclude", !cli.exclude.is_empty())
    );
    let _ = writeln!(
        out,
        "per-path-ignores: from {}",
        from("per-path-ignores", false)
    );
    for (code, sev) in &s.severity {
        let sev = format!("{sev:?}").to_lowercase();
        let _ = writeln!(
            out,
            "severity {code}: {sev} (from {})",
            from("severity", false)
        );
    }
    for (code, options) in &s.rule_options {
        for (name, value) in options {
            let _ = writeln!(
                out,
                "rules.{code}.{name} = {value} (from {})",
                from("rules", false)
            );
        }
    }
    let project_type = format!("{:?}", s.project_type).to_lowercase();
    let _ = writeln!(
        out,
        "project-type: {project_type} (from {})",
        from("project-type", false)
    );
    let _ = writeln!(
        out,
        "respect-foreign-suppressions: {} (from {})",
        s.respect_foreign_suppressions,
        from("respect-foreign-suppressions", false)
    );
    Ok(out)
}

/// Runs a check.
pub fn run(opts: &RunOptions) -> miette::Result<Report> {
    let threads = threads(opts);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| config::UsageError(format!("cannot start {threads} threads: {e}")))?;
    // The walk runs on the run's threads too.
    let Prepared {
        root,
        paths,
        configs,
        walk,
    } = pool.install(|| prepare(opts))?;
    let settings = &configs.root;
    let rules = &configs.rules[0];

    let owner = crate::repo::owner::repository_owner(&root);
    let mut repo = RepoIndex::new(walk.all_files.iter().cloned())
        .with_project_type(settings.project_type)
        .with_owner(owner.clone());

    // Phase 1: every file, in parallel: the kinds some enabled rule reads, only.
    let needed = configs.needs(&walk.entries);
    let cache = opts.cache.then(|| {
        cache::Cache::open(
            &root,
            opts.cache_dir.as_deref(),
            cache_key(opts, &configs, owner.as_deref()),
        )
    });
    let file_list = file_list_hash(&walk.all_files);
    let lookup = cache.as_ref().map(|c| file::CacheLookup {
        cache: c,
        file_list: &file_list,
        now: std::time::SystemTime::now(),
        // Fingerprints and baselines read the flagged line's text, and some outputs
        // show fixes; a warm run leaves out of the findings it takes what none reads.
        wanted: cache::Wanted {
            line_text: !opts.skip_fingerprints
                || opts.baseline.is_some()
                || opts.write_baseline.is_some(),
            fixes: !opts.skip_fixes,
        },
    });
    let filters: Vec<file::RuleFilter<'_>> = configs
        .rules
        .iter()
        .zip(configs.all())
        .map(|(rules, s)| file::RuleFilter::new(rules, s))
        .collect();
    let mut outcomes: Vec<FileOutcome> = pool.install(|| {
        // Files cost very different times: rayon's adaptive split, which stops
        // splitting after a few halvings unless work is stolen, left one thread on a
        // long run of files while the other idled (a third of the wall time on netbox).
        // Pieces of a few files let an idle thread always find some to take.
        walk.entries
            .par_iter()
            .with_max_len(4)
            .filter(|e| match e {
                Entry::File { kinds, .. } => kinds.iter().any(|k| needed.kinds.contains(k)),
                Entry::Skipped { .. } => true,
            })
            .map(|e| {
                let i = match e {
                    Entry::File { rel_path, .. } | Entry::Skipped { rel_path, .. } => {
                        configs.index(rel_path)
                    }
                };
                let s = if i == 0 {
                    &configs.root
                } else {
                    &configs.local[i - 1]
                };
                file::check_entry(
                    e,
                    s,
                    &repo,
                    &filters[i],
                    &needed,
                    lookup.as_ref(),
                    &opts.overlay,
                )
            })
            .collect()
    });
    let whole_project = paths.contains(&root);
    if let Some(cache) = &cache {
        save_cache(cache, &outcomes, &file_list, whole_project);
    }
    // Dockerfiles whose CI publishes another stage than the one their shape names are
    // checked again for that stage; those whose CI publishes only stages named for
    // development are development images (see `DockerFacts::shipped`). Decided on every
    // run, cached or not: the CI files may change.
    let mut ci_dev_images = BTreeSet::new();
    let targets = if whole_project {
        crate::repo::shipped_targets(outcomes.iter().map(|o| &o.facts))
    } else {
        BTreeMap::new()
    };
    if whole_project {
        let mut again = Vec::new();
        for (n, o) in outcomes.iter().enumerate() {
            let (Some(docker), Some(t)) = (&o.facts.docker, targets.get(&o.path)) else {
                continue;
            };
            match docker.shipped(t) {
                crate::lang::dockerfile::Shipped::AsFound => {}
                crate::lang::dockerfile::Shipped::Development => {
                    ci_dev_images.insert(o.path.clone());
                }
                crate::lang::dockerfile::Shipped::Stage(stage) => {
                    repo.ship(&o.path, stage);
                    again.push(n);
                }
            }
        }
        for n in again {
            let path = outcomes[n].path.as_str();
            let Some(entry) = walk
                .entries
                .iter()
                .find(|e| matches!(e, Entry::File { rel_path, .. } if rel_path.as_str() == path))
            else {
                continue;
            };
            let i = configs.index(path);
            let s = if i == 0 {
                &configs.root
            } else {
                &configs.local[i - 1]
            };
            let fresh =
                file::check_entry(entry, s, &repo, &filters[i], &needed, None, &opts.overlay);
            let old = std::mem::take(&mut outcomes[n]);
            outcomes[n] = FileOutcome {
                hash: old.hash,
                cacheable: old.cacheable,
                stamp: old.stamp,
                used_repo: old.used_repo,
                from_cache: old.from_cache,
                restamped: old.restamped,
                cached_entry: old.cached_entry,
                ..fresh
            };
        }
    }
    // Findings that other files take back (stored as found: the other files may change).
    let wide = crate::repo::RepoWide::of(outcomes.iter().map(|o| (o.path.as_str(), &o.facts)));
    if !wide.is_empty() {
        for o in &mut outcomes {
            let path = o.path.as_str();
            withdraw(&mut o.findings, &mut o.withdrawn, |f| {
                configs
                    .every_rule
                    .iter()
                    .any(|r| r.meta().code == f.rule && r.withdraws(&wide, path, &f.message))
            });
        }
    }

    // A Django management command no other file names is run by hand, like a script,
    // and a function nothing names does not run at all: the findings of rules that skip
    // scripts are withdrawn there (see `repo::commands`).
    if whole_project {
        let skips_scripts = |code: &str| {
            configs.every_rule.iter().any(|r| {
                r.meta().code == code && r.meta().skips.contains(&crate::roles::Role::Script)
            })
        };
        let commands: BTreeSet<&str> = outcomes
            .iter()
            .filter(|o| {
                crate::repo::commands::command_name(&o.path).is_some()
                    && o.findings.iter().any(|f| skips_scripts(f.rule))
            })
            .map(|o| o.path.as_str())
            .collect();
        let functions: BTreeSet<(&str, &str)> = outcomes
            .iter()
            .filter_map(|o| Some((o.path.as_str(), o.facts.python.as_deref()?)))
            .flat_map(|(path, py)| {
                py.plain_functions
                    .iter()
                    .map(move |(name, _)| (path, name.as_str()))
            })
            .collect();
        let (hand_run, uncalled): (BTreeSet<String>, BTreeSet<(&str, &str)>) =
            if commands.is_empty() && functions.is_empty() {
                Default::default()
            } else {
                let stamped: std::collections::HashMap<&str, crate::repo::commands::Stamp> =
                    outcomes
                        .iter()
                        .filter_map(|o| Some((o.path.as_str(), o.stamp?.parts())))
                        .collect();
                let now = std::time::SystemTime::now();
                let stamp_of =
                    |m: &std::fs::Metadata| cache::Stamp::of(m, now).map(cache::Stamp::parts);
                pool.install(|| {
                    let memo = cache
                        .as_ref()
                        .map(|c| c as &dyn crate::repo::commands::Memo);
                    crate::repo::commands::search(
                        &root,
                        &walk.all_files,
                        &commands,
                        &functions,
                        memo,
                        &stamped,
                        &stamp_of,
                    )
                })
            };
        // Where each file's dead functions lie (taken before the outcomes change).
        let dead: Vec<Vec<crate::source::Span>> = outcomes
            .iter()
            .map(|o| {
                o.facts.python.as_deref().map_or_else(Vec::new, |py| {
                    py.plain_functions
                        .iter()
                        .filter(|(name, _)| uncalled.contains(&(o.path.as_str(), name.as_str())))
                        .map(|(_, span)| span.clone())
                        .collect()
                })
            })
            .collect();
        for (o, dead) in outcomes.iter_mut().zip(dead) {
            if hand_run.contains(&o.path) {
                withdraw(&mut o.findings, &mut o.withdrawn, |f| skips_scripts(f.rule));
            } else if !dead.is_empty() {
                withdraw(&mut o.findings, &mut o.withdrawn, |f| {
                    skips_scripts(f.rule) && dead.iter().any(|s| s.contains(&f.byte_range().start))
                });
            }
        }
    }

    // Dockerfiles that only a development stack builds, in a project deployed by
    // buildpacks: the findings of rules that skip development environments are
    // withdrawn there (see `repo::compose_dev_images`), the repository rules' too.
    let dev_images = if whole_project {
        crate::repo::compose_dev_images(
            &walk.all_files,
            outcomes.iter().map(|o| (o.path.as_str(), &o.facts)),
            &targets,
            || {
                walk.all_files
                    .iter()
                    .any(|f| crate::rules::ci::other_system(f).is_some())
            },
        )
    } else {
        BTreeSet::new()
    };
    let dev_images: BTreeSet<String> = dev_images.into_iter().chain(ci_dev_images).collect();
    let skips_dev = |code: &str| {
        configs.every_rule.iter().any(|r| {
            r.meta().code == code && r.meta().skips.contains(&crate::roles::Role::DevEnvironment)
        })
    };
    for o in outcomes
        .iter_mut()
        .filter(|o| dev_images.contains(o.path.as_str()))
    {
        withdraw(&mut o.findings, &mut o.withdrawn, |f| skips_dev(f.rule));
    }

    // Phase 2: repository rules over the index, unless neither the index nor anything
    // else they depend on changed since a run that stored their results.
    let repo_key = cache
        .as_ref()
        .and_then(|_| repo_key(&outcomes, &file_list, whole_project));
    let stored = cache
        .as_ref()
        .zip(repo_key)
        .and_then(|(c, key)| c.repo(key, &settings.registry));
    let (mut repo_findings, repo_errors) = match stored {
        Some(results) => results,
        None => {
            for o in &mut outcomes {
                if let Some(src) = &o.source {
                    repo.add_source(Arc::clone(src), std::mem::take(&mut o.facts));
                }
            }
            // Repository rules conclude from what is absent (no CI, no README, no
            // lockfile), so they run only when the scan covers the whole project: not
            // on a subdirectory, nor on the files a pre-commit hook passes.
            // Those of every configuration (a subdirectory's may enable a rule the
            // root's does not); each finding is then kept by its own file's.
            let mut repo_rules: Vec<&dyn Rule> = configs
                .every_rule
                .iter()
                .copied()
                .filter(|r| whole_project || !r.needs_whole_project())
                .collect();
            repo_rules.sort_by_key(|r| r.meta().code);
            repo_rules.dedup_by_key(|r| r.meta().code);
            let results =
                pool.install(|| repo::check(&repo, &repo_rules, settings, &|p| configs.of(p)));
            if let (Some(c), Some(key)) = (&cache, repo_key) {
                c.save_repo(key, &results.0, &results.1);
            }
            results
        }
    };
    for (path, found) in &mut repo_findings {
        if dev_images.contains(path.as_str()) {
            found.retain(|f| !skips_dev(f.rule));
        }
    }
    drop((cache, repo));
    // The rules whose repository check did not run: nothing can say that a suppression
    // of one of them is unused.
    let not_run: std::collections::BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.has_repo_check() && !whole_project && r.needs_whole_project())
        .map(|r| r.meta().code)
        .collect();

    // Phase 3: suppressions, per file.
    let mut report = Report {
        findings: Vec::new(),
        errors: Vec::new(),
        files_scanned: 0,
        not_checked: walk.errors.len(),
        suppressed: 0,
        baselined: 0,
        unchanged: 0,
        cached: outcomes.iter().filter(|o| o.from_cache).count(),
        fixed: None,
        sources: BTreeMap::new(),
        root,
        fail_on: settings.fail_on,
        registry: settings.registry.clone(),
        applicable: crate::score::applicable(&configs.every_rule, &needed.kinds),
    };
    // Room for every finding at once: growing by doubling would hold two copies.
    let total = outcomes.iter().map(|o| o.findings.len()).sum::<usize>()
        + repo_findings.values().map(Vec::len).sum::<usize>();
    let mut lists: Vec<Vec<Finding>> = Vec::with_capacity(outcomes.len());
    for mut o in outcomes {
        if let Some(found) = repo_findings.remove(&o.path) {
            o.findings.extend(found);
            o.findings.sort_by(finding::report_order);
        }
        if !opts.no_inline_ignores
            && let Some(src) = o.source.clone()
        {
            let s = configs.of(&src.rel_path);
            report.suppressed += filter::apply_suppressions(&src, &mut o, s, &not_run);
        }
        report.files_scanned += usize::from(o.scanned);
        report.not_checked += usize::from(!o.scanned && o.error.is_some());
        report.errors.extend(o.error);
        if let Some(src) = o.source.take()
            && !o.findings.is_empty()
        {
            report.sources.insert(std::mem::take(&mut o.path), src);
        }
        lists.push(o.findings);
    }
    report.findings = pool.install(|| concat(lists, total));
    // Repository findings anchored in a file that was not checked itself.
    report
        .findings
        .extend(repo_findings.into_values().flatten());
    // Directories and files the walk could not read: a gate must not pass on them.
    for (path, message) in &walk.errors {
        report
            .findings
            .extend(filter::unreadable(path, message, settings));
    }

    // Adoption on legacy code: only changed lines, and not what the baseline knows.
    if let Some(rev) = &opts.since {
        report.unchanged =
            crate::adopt::Changes::since(&report.root, rev)?.filter(&mut report.findings);
    }
    let baseline = match (&opts.write_baseline, &opts.baseline) {
        (Some(path), _) => {
            let mut b = crate::adopt::Baseline::from_findings(&report.findings);
            // A run over some rules or some paths rewrites only what it looked at: the
            // existing baseline's other entries are kept.
            if path.exists() {
                let old = crate::adopt::Baseline::load(path)?;
                let scanned: Vec<String> = paths
                    .iter()
                    .map(|p| discover::rel_path(&report.root, p))
                    .collect();
                let looked_at = |rule: &str, file: &str| {
                    settings.enabled.contains(rule)
                        && scanned.iter().any(|s| {
                            s.is_empty()
                                || file == s
                                || file
                                    .strip_prefix(s.as_str())
                                    .is_some_and(|r| r.starts_with('/'))
                        })
                };
                b.keep_from(old, |rule, file| !looked_at(rule, file));
            }
            b.write(path)?;
            Some(b)
        }
        (None, Some(path)) => Some(crate::adopt::Baseline::load(path)?),
        (None, None) => None,
    };
    if let Some(b) = baseline {
        report.baselined = b.apply(&mut report.findings);
        report.suppressed += report.baselined;
    }
    finding::finalise_with(&mut report.findings, !opts.skip_fingerprints);
    report.errors.extend(
        walk.errors
            .into_iter()
            .map(|(path, message)| FileError { path, message }),
    );
    report.errors.extend(repo_errors);
    report.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}
