//! The cache of per-file results, like ruff's: a second run over an unchanged tree
//! re-checks nothing, and a change to one file re-checks that file (the repository
//! rules, which are cheap and read every file's facts, always run).
//!
//! What the per-file phase yields for a file (its findings, its suppression directives,
//! the facts it gives the repository index, its parse error) depends on the file's text
//! and path, on the run's settings (configuration, rule packs, command-line overrides),
//! on readylint itself, and on the list of the repository's files (a Dockerfile looks
//! for a `.dockerignore` beside it, a manifest for its lockfile). So an entry is looked
//! up by path and kept only if the hash of the text matches, in a cache file chosen by
//! the hash of all the rest: another configuration, another readylint build or a file
//! added, renamed or deleted uses another cache file, and so re-checks everything.
//!
//! The cache lives in `.readylint_cache/` under the project root, with a `.gitignore`
//! that ignores it, or under `--cache-dir` (`READYLINT_CACHE_DIR`) when the tree must
//! not be written to. A cache that cannot be read is ignored; one that cannot be written
//! (a read-only tree) is skipped silently. Files whose facts hold a parsed manifest are
//! not cached: there are few of them, and they are cheap to parse.

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_128};

use super::FileError;
use crate::finding::Finding;
use crate::lang::FileFacts;
use crate::suppress::Directive;

/// The cache directory's name, under the project root.
pub use crate::discover::CACHE_DIR as DIR;

/// How many cache files (configurations and trees) are kept; older ones are removed.
const KEEP: usize = 8;

/// The hash of a file's text.
pub fn hash_text(text: &str) -> String {
    format!("{:032x}", xxh3_128(text.as_bytes()))
}

/// Builds the key of one cache file from everything per-file results depend on
/// besides the file itself.
#[derive(Default)]
pub struct KeyBuilder(Xxh3);

impl KeyBuilder {
    pub fn new() -> KeyBuilder {
        let mut k = KeyBuilder(Xxh3::new());
        k.add(env!("CARGO_PKG_VERSION"));
        // A rebuilt binary of the same version (a development build) may check
        // differently: its size and modification time are part of the key.
        if let Some(meta) = std::env::current_exe()
            .ok()
            .and_then(|p| std::fs::metadata(p).ok())
        {
            k.add(&format!("{} {:?}", meta.len(), meta.modified().ok()));
        }
        k
    }

    pub fn add(&mut self, part: &str) {
        self.0.write(part.as_bytes());
        self.0.write_u8(0xff);
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// A file's size and modification time: when both are as stored, the file is taken as
/// unchanged without being read (as ruff and git do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    secs: u64,
    nanos: u32,
}

impl Stamp {
    /// The stamp of a file, if it can be trusted to change with the file: a file
    /// modified less than two seconds before `now` may change again within the same
    /// tick of a coarse clock, so it has none (its text is hashed on every run until
    /// then, as it is without a stamp).
    pub fn of(meta: &std::fs::Metadata, now: std::time::SystemTime) -> Option<Stamp> {
        let modified = meta.modified().ok()?;
        if now.duration_since(modified).ok()? < std::time::Duration::from_secs(2) {
            return None;
        }
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
        })
    }
}

/// What the per-file phase yields for one file, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// [`hash_text`] of the file's text.
    pub hash: String,
    /// The file's [`Stamp`] when it was read, if it had a trustworthy one.
    pub stamp: Option<Stamp>,
    /// The hash of the repository's file list, when the file's rules looked at it
    /// (a Dockerfile's `.dockerignore`, a manifest's lockfile).
    pub file_list: Option<String>,
    pub findings: Vec<CachedFinding>,
    pub directives: Vec<Directive>,
    pub facts: FileFacts,
    pub error: Option<FileError>,
}

/// A [`Finding`] with the fields the JSON report leaves out (the cache's format has
/// no field names: the finding is stored whole, then those fields).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFinding {
    pub finding: Finding,
    pub line_text: String,
    pub statement_line: usize,
    pub span: (usize, usize),
    pub fix: Option<crate::finding::FindingFix>,
}

impl From<&Finding> for CachedFinding {
    fn from(f: &Finding) -> Self {
        CachedFinding {
            finding: f.clone(),
            line_text: f.line_text.clone(),
            statement_line: f.statement_line,
            span: f.span,
            fix: f.fix.clone(),
        }
    }
}

impl From<CachedFinding> for Finding {
    fn from(c: CachedFinding) -> Self {
        Finding {
            line_text: c.line_text,
            statement_line: c.statement_line,
            span: c.span,
            fix: c.fix,
            ..c.finding
        }
    }
}

/// The entries of one cache file.
#[derive(Default, Serialize, Deserialize)]
struct Stored {
    entries: HashMap<String, Entry>,
}

/// One run's cache: the entries read at the start, and the file to write at the end.
pub struct Cache {
    file: PathBuf,
    /// Each entry is taken by the one file it belongs to (no copy).
    old: HashMap<String, std::sync::Mutex<Option<Entry>>>,
}

impl Cache {
    /// Opens the cache of key `key` under `root`. A missing or unreadable cache file is
    /// an empty cache.
    /// The cache of the project at `root`: in `.readylint_cache/` under it, or, with
    /// `dir` (`--cache-dir`, `READYLINT_CACHE_DIR`), in a folder of `dir` named for the
    /// root's path, so that projects sharing `dir` keep their own entries.
    pub fn open(root: &Path, dir: Option<&Path>, key: u128) -> Cache {
        let folder = match dir {
            Some(d) => d.join(format!(
                "{:016x}",
                xxhash_rust::xxh3::xxh3_64(root.as_os_str().as_encoded_bytes())
            )),
            None => root.join(DIR),
        };
        let file = folder.join(format!("{key:032x}.bin"));
        let old = std::fs::read(&file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok())
            .map(|s| {
                s.entries
                    .into_iter()
                    .map(|(k, v)| (k, std::sync::Mutex::new(Some(v))))
                    .collect()
            })
            .unwrap_or_default();
        Cache { file, old }
    }

    /// The stored entry of `rel_path`, if its text still hashes to `hash` and, when it
    /// depended on the repository's file list, that list is still `file_list`.
    pub fn take(&self, rel_path: &str, hash: &str, file_list: &str) -> Option<Entry> {
        let mut slot = self.old.get(rel_path)?.lock().ok()?;
        let fresh = slot.as_ref().is_some_and(|e| {
            e.hash == hash && e.file_list.as_deref().is_none_or(|l| l == file_list)
        });
        if fresh { slot.take() } else { None }
    }

    /// The stored entry of `rel_path`, if the file's stamp is still `stamp`: its text
    /// need not be read. Same conditions on the file list as [`Self::take`].
    pub fn take_stamped(&self, rel_path: &str, stamp: Stamp, file_list: &str) -> Option<Entry> {
        let mut slot = self.old.get(rel_path)?.lock().ok()?;
        let fresh = slot.as_ref().is_some_and(|e| {
            e.stamp == Some(stamp) && e.file_list.as_deref().is_none_or(|l| l == file_list)
        });
        if fresh { slot.take() } else { None }
    }

    /// How many entries were read.
    pub fn len(&self) -> usize {
        self.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.old.is_empty()
    }

    /// Writes the entries of this run. A run over the whole project replaces the old
    /// ones (a file no longer in the tree drops out); a run over some paths keeps the
    /// entries of the others. Any failure (a read-only tree) leaves the cache as it
    /// was, silently.
    pub fn save(self, new: Vec<(String, Entry)>, whole_project: bool) {
        let mut entries: HashMap<String, Entry> = if whole_project {
            HashMap::new()
        } else {
            self.old
                .into_iter()
                .filter_map(|(k, v)| Some((k, v.into_inner().ok()??)))
                .collect()
        };
        entries.extend(new);
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(
                &ignore,
                "# Created by readylint: its cache, never committed.\n*\n",
            );
        }
        let Ok(bytes) = postcard::to_stdvec(&Stored { entries }) else {
            return;
        };
        // Write beside, then rename: a concurrent run reads the old or the new file,
        // never half of one.
        let tmp = self
            .file
            .with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &self.file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        prune(dir);
    }
}

/// Removes all but the [`KEEP`] most recently written cache files.
fn prune(dir: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = read
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "bin"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= KEEP {
        return;
    }
    files.sort();
    for (_, path) in &files[..files.len() - KEEP] {
        let _ = std::fs::remove_file(path);
    }
}
