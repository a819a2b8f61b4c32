//! The cache of per-file results, like ruff's: a second run over an unchanged tree
//! re-checks nothing, and a change to one file re-checks that file (the repository
//! rules, which read every file's facts, run unless nothing changed: see [`Cache::repo`]).
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
//!
//! The repository rules' findings are stored too, beside the cache file: they depend on
//! the same settings, on the file list, and on the text of every file the index holds,
//! so a run in which none of those changed takes them as they are ([`Cache::repo`]).
//! Any change (one file edited, added or removed) runs the repository rules again.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hasher;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use super::FileError;
use crate::finding::{Finding, FindingFix, Fingerprint};
use crate::lang::FileFacts;
use crate::registry::Registry;
use crate::rule::Severity;
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
    /// The size, seconds and nanoseconds, for a key made of stamps.
    pub fn parts(self) -> (u64, u64, u32) {
        (self.len, self.secs, self.nanos)
    }

    /// The stamp of a file, if it can be trusted to change with the file: a file
    /// modified less than two seconds before `now` may change again within the same
    /// tick of a coarse clock, so it has none (its text is hashed on every run until
    /// then, as it is without a stamp).
    pub fn of(meta: &std::fs::Metadata, now: std::time::SystemTime) -> Option<Stamp> {
        Stamp::seen(crate::discover::Seen::of(meta)?, now)
    }

    /// [`Self::of`] the size and modification time the walk read.
    pub fn seen(seen: crate::discover::Seen, now: std::time::SystemTime) -> Option<Stamp> {
        if now.duration_since(seen.modified).ok()? < std::time::Duration::from_secs(2) {
            return None;
        }
        let since = seen.modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: seen.len,
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
        })
    }
}

/// What the per-file phase yields for one file, as stored. It borrows what it stores
/// from the run (see [`Cache::save`]) and owns what it loads.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry<'a> {
    /// [`hash_text`] of the file's text.
    #[serde(borrow)]
    pub hash: Cow<'a, str>,
    /// The file's [`Stamp`] when it was read, if it had a trustworthy one.
    pub stamp: Option<Stamp>,
    /// The hash of the repository's file list, when the file's rules looked at it
    /// (a Dockerfile's `.dockerignore`, a manifest's lockfile).
    pub file_list: Option<Cow<'a, str>>,
    #[serde(borrow)]
    findings: Vec<CachedFinding<'a>>,
    pub directives: Cow<'a, [Directive]>,
    pub facts: Cow<'a, FileFacts>,
    pub error: Option<Cow<'a, FileError>>,
    /// Where the entry lies in the cache file it was read from (not stored).
    #[serde(skip)]
    pub raw: Option<Range<usize>>,
}

/// A [`Finding`] as stored: what neither its entry (the path) nor its rule (the name,
/// the category) says, without the fingerprint, which [`crate::finding::finalise`]
/// computes. The rule's code and the help are indices into the cache file's strings,
/// which the findings of a rule share.
#[derive(Debug, Serialize, Deserialize)]
struct CachedFinding<'a> {
    rule: u32,
    severity: Severity,
    #[serde(borrow)]
    message: Cow<'a, str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    help: u32,
    #[serde(borrow)]
    line_text: Cow<'a, str>,
    statement_line: u32,
    span: (u32, u32),
    #[serde(borrow)]
    fix: Option<StoredFix<'a>>,
}

/// A finding's fix as stored: encoded apart, as bytes, so that a run whose output shows
/// no fix passes over it without decoding it (an edit list per fixable finding is a
/// tenth of a warm run's time over a tree of many findings).
#[derive(Debug)]
enum StoredFix<'a> {
    /// The run's fix, to store.
    Fix(&'a FindingFix),
    /// As read: decoded when the finding is made with its fix.
    Encoded(&'a [u8]),
}

impl StoredFix<'_> {
    /// The fix; `None` if its bytes do not decode (a damaged cache).
    fn decode(&self) -> Option<FindingFix> {
        match self {
            StoredFix::Fix(f) => Some((*f).clone()),
            StoredFix::Encoded(bytes) => postcard::from_bytes(bytes).ok(),
        }
    }
}

impl Serialize for StoredFix<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StoredFix::Fix(f) => {
                let bytes = postcard::to_allocvec(f).map_err(serde::ser::Error::custom)?;
                s.serialize_bytes(&bytes)
            }
            StoredFix::Encoded(bytes) => s.serialize_bytes(bytes),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for StoredFix<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de [u8]>::deserialize(d).map(StoredFix::Encoded)
    }
}

/// What of a stored finding a run needs besides what every output shows.
#[derive(Debug, Clone, Copy)]
pub struct Wanted {
    /// The text of the flagged line (fingerprints, baselines); left empty without.
    pub line_text: bool,
    /// The fix (the JSON and SARIF outputs, `--fix`, `--diff`); `None` without.
    pub fixes: bool,
}

impl Wanted {
    /// Everything: the finding as it was stored (to store it again, re-encoded).
    pub const ALL: Wanted = Wanted {
        line_text: true,
        fixes: true,
    };
}

impl CachedFinding<'_> {
    /// The finding of rule `meta` at `path` with `help` this stores, with what `wanted`
    /// asks for; `None` if its fix is wanted and does not decode.
    fn into_finding(
        self,
        meta: &'static crate::rule::RuleMeta,
        path: Arc<str>,
        help: Arc<str>,
        repository: bool,
        wanted: Wanted,
    ) -> Option<Finding> {
        let fix = match &self.fix {
            Some(f) if wanted.fixes => Some(Box::new(f.decode()?)),
            _ => None,
        };
        Some(Finding {
            rule: meta.code,
            name: meta.name,
            category: meta.category,
            severity: self.severity,
            message: self.message.into_owned(),
            path,
            line: self.line,
            column: self.column,
            end_line: self.end_line,
            end_column: self.end_column,
            help,
            fingerprint: Fingerprint::default(),
            line_text: if wanted.line_text {
                self.line_text.into_owned()
            } else {
                String::new()
            },
            statement_line: self.statement_line,
            span: self.span,
            fix,
            repository,
        })
    }
}

/// What the per-file phase yielded for one file, to store: borrowed from the run.
pub struct NewEntry<'a> {
    /// The entry as read from this run's cache file, when it is still right as it is
    /// (taken by its stamp): written as read.
    pub raw: Option<&'a [u8]>,
    pub path: &'a str,
    pub hash: &'a str,
    pub stamp: Option<Stamp>,
    pub file_list: Option<&'a str>,
    pub findings: &'a [Finding],
    pub directives: &'a [Directive],
    pub facts: &'a FileFacts,
    pub error: Option<&'a FileError>,
}

/// One cache file: the strings its findings share, then each file's path and entry,
/// the entry still encoded: it is decoded only when its file takes it, by the worker
/// that checks the file (no entry is built that is not used, none is held longer).
#[derive(Deserialize)]
struct Stored<'a> {
    strings: Vec<&'a str>,
    #[serde(borrow)]
    entries: Vec<(&'a str, &'a [u8])>,
}

/// Where a stored file's path and encoded entry lie in the cache file's bytes, and
/// whether a file took the entry.
struct Slot {
    path: Range<usize>,
    entry: Range<usize>,
    taken: AtomicBool,
}

/// Bytes written as bytes (a length, then the bytes), as `&[u8]` reads them back.
struct Raw<'a>(&'a [u8]);

impl Serialize for Raw<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// The repository rules' results of a run, as stored beside its cache file.
#[derive(Serialize, Deserialize)]
struct StoredRepo<'a> {
    /// The [`RepoKey`] of the index they were found in.
    key: u128,
    #[serde(borrow)]
    findings: Vec<StoredRepoFinding<'a>>,
    errors: Vec<FileError>,
}

/// A repository rule's finding, as stored: its file, its rule and help by name, and the
/// rest as a file's findings are stored.
#[derive(Serialize, Deserialize)]
struct StoredRepoFinding<'a> {
    path: &'a str,
    #[serde(borrow)]
    rule: Cow<'a, str>,
    #[serde(borrow)]
    help: Cow<'a, str>,
    #[serde(borrow)]
    finding: CachedFinding<'a>,
}

/// The key of a run's repository index, for [`Cache::repo`]: the repository's file
/// list, whether the whole project was scanned, and the path and text hash of every
/// file the index holds, in path order. The facts a file gives the index follow from
/// its text, its path, the file list and the settings (the cache file's own key).
pub struct RepoKey(Xxh3);

impl RepoKey {
    pub fn new(file_list: &str, whole_project: bool) -> RepoKey {
        let mut k = Xxh3::new();
        k.write(file_list.as_bytes());
        k.write_u8(u8::from(whole_project));
        RepoKey(k)
    }

    pub fn add(&mut self, path: &str, hash: &str) {
        self.0.write(path.as_bytes());
        self.0.write_u8(0xff);
        self.0.write(hash.as_bytes());
        self.0.write_u8(0xff);
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// A cache file's bytes: mapped into memory when large (a warm run over a big tree
/// decodes a small part of each entry, and a copy of the whole file would cost more
/// than the decoding), read otherwise; empty when there is no file. Mapping is safe
/// from readylint's own writers, which write a new file and rename it over the old one
/// (the mapping keeps the old file's pages).
enum Bytes {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Bytes {
    /// Files up to this size are read.
    const MAP_FROM: u64 = 1 << 20;

    fn read(path: &Path) -> Bytes {
        let Ok(file) = std::fs::File::open(path) else {
            return Bytes::Read(Vec::new());
        };
        let len = file.metadata().map_or(0, |m| m.len());
        if len >= Self::MAP_FROM {
            // SAFETY: the file is never written in place (see above); a file cut short
            // by something else while mapped is outside what readylint guards against,
            // as with any mapped input.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Bytes::Mapped(map);
            }
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        match std::io::Read::read_to_end(&mut &file, &mut bytes) {
            Ok(_) => Bytes::Read(bytes),
            Err(_) => Bytes::Read(Vec::new()),
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Read(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// One run's cache: the cache file read at the start, and the file to write at the end.
pub struct Cache {
    file: PathBuf,
    /// The strings the stored findings refer to.
    strings: Vec<Arc<str>>,
    /// The cache file as read.
    bytes: Bytes,
    /// The stored entries by the hash of their path; `None` where two paths share a
    /// hash (their files are checked again).
    old: FxHashMap<u64, Option<Slot>>,
    /// How many entries were read.
    count: usize,
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
        let bytes = Bytes::read(&file);
        let mut strings = Vec::new();
        let mut old = FxHashMap::default();
        let mut count = 0;
        if let Ok(stored) = postcard::from_bytes::<Stored<'_>>(&bytes) {
            let base = bytes.as_ptr() as usize;
            let range = |s: &[u8]| {
                let start = (s.as_ptr() as usize).wrapping_sub(base);
                start..start.saturating_add(s.len())
            };
            strings = stored.strings.iter().map(|&s| Arc::from(s)).collect();
            count = stored.entries.len();
            old.reserve(count);
            for (path, entry) in &stored.entries {
                let slot = Slot {
                    path: range(path.as_bytes()),
                    entry: range(entry),
                    taken: AtomicBool::new(false),
                };
                old.entry(xxh3_64(path.as_bytes()))
                    .and_modify(|s| *s = None)
                    .or_insert(Some(slot));
            }
        }
        Cache {
            file,
            strings,
            bytes,
            old,
            count,
        }
    }

    /// The slot of `rel_path`, if it has one.
    fn slot(&self, rel_path: &str) -> Option<&Slot> {
        let slot = self.old.get(&xxh3_64(rel_path.as_bytes()))?.as_ref()?;
        (self.bytes.get(slot.path.clone())? == rel_path.as_bytes()).then_some(slot)
    }

    /// The stored entry of `rel_path` if `fresh` holds for it and no file took it yet;
    /// it is then taken. `None` also for an entry that cannot be decoded (the file is
    /// checked again).
    fn take_if(&self, rel_path: &str, fresh: impl Fn(&Entry<'_>) -> bool) -> Option<Entry<'_>> {
        let slot = self.slot(rel_path)?;
        if slot.taken.load(Ordering::Relaxed) {
            return None;
        }
        let mut entry: Entry<'_> =
            postcard::from_bytes(self.bytes.get(slot.entry.clone())?).ok()?;
        entry.raw = Some(slot.entry.clone());
        (fresh(&entry) && !slot.taken.swap(true, Ordering::Relaxed)).then_some(entry)
    }

    /// The stored entry of `rel_path`, if its text still hashes to `hash` and, when it
    /// depended on the repository's file list, that list is still `file_list`.
    pub fn take(&self, rel_path: &str, hash: &str, file_list: &str) -> Option<Entry<'_>> {
        self.take_if(rel_path, |e| {
            e.hash == hash && e.file_list.as_deref().is_none_or(|l| l == file_list)
        })
    }

    /// The stored entry of `rel_path`, if the file's stamp is still `stamp`: its text
    /// need not be read. Same conditions on the file list as [`Self::take`].
    pub fn take_stamped(&self, rel_path: &str, stamp: Stamp, file_list: &str) -> Option<Entry<'_>> {
        self.take_if(rel_path, |e| {
            e.stamp == Some(stamp) && e.file_list.as_deref().is_none_or(|l| l == file_list)
        })
    }

    /// The findings of a taken entry, as findings of the file at `path` checked with
    /// the rules of `registry`, with what `wanted` asks for; `None` if the entry names a
    /// rule or a string that is not there, or holds a fix that does not decode (a
    /// damaged cache: the file is checked again).
    pub fn findings(
        &self,
        entry: &mut Entry<'_>,
        path: &Arc<str>,
        registry: &Registry,
        wanted: Wanted,
    ) -> Option<Vec<Finding>> {
        let string = |i: u32| self.strings.get(usize::try_from(i).ok()?);
        // A file's findings come from a few rules: each looked up once.
        let mut metas: Vec<(u32, &'static crate::rule::RuleMeta)> = Vec::new();
        let mut meta_of = |rule: u32| -> Option<&'static crate::rule::RuleMeta> {
            if let Some((_, meta)) = metas.iter().find(|(r, _)| *r == rule) {
                return Some(meta);
            }
            let meta = registry.find(string(rule)?)?;
            metas.push((rule, meta));
            Some(meta)
        };
        // Sized at once: collecting through `Option` would grow the vector by doubling.
        let cached = std::mem::take(&mut entry.findings);
        let mut findings = Vec::with_capacity(cached.len());
        for c in cached {
            let meta = meta_of(c.rule)?;
            let help = Arc::clone(string(c.help)?);
            findings.push(c.into_finding(meta, Arc::clone(path), help, false, wanted)?);
        }
        Some(findings)
    }

    /// The bytes of an entry as read, by [`Entry::raw`].
    pub fn raw(&self, at: Range<usize>) -> Option<&[u8]> {
        self.bytes.get(at)
    }

    /// The file beside the cache file that holds the repository rules' results.
    fn repo_file(&self) -> PathBuf {
        self.file.with_extension("repo")
    }

    /// The repository rules' findings (by the file they are anchored in) and errors of
    /// an earlier run whose index had the key `key` (see [`RepoKey`]), if stored; `None`
    /// also for a stored result that names a rule readylint does not have.
    pub fn repo(&self, key: u128, registry: &Registry) -> Option<super::repo::Results> {
        let bytes = std::fs::read(self.repo_file()).ok()?;
        let stored: StoredRepo<'_> = postcard::from_bytes(&bytes).ok()?;
        if stored.key != key {
            return None;
        }
        let mut findings: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
        let mut paths: FxHashMap<&str, Arc<str>> = FxHashMap::default();
        for f in stored.findings {
            let meta = registry.find(&f.rule)?;
            let path = paths
                .entry(f.path)
                .or_insert_with(|| Arc::from(f.path))
                .clone();
            findings
                .entry(f.path.to_string())
                .or_default()
                .push(f.finding.into_finding(
                    meta,
                    path,
                    Arc::from(&*f.help),
                    true,
                    Wanted::ALL,
                )?);
        }
        Some((findings, stored.errors))
    }

    /// Stores the repository rules' results of this run, for the index of key `key`.
    /// Silent on failure, as [`Self::save`].
    pub fn save_repo(
        &self,
        key: u128,
        findings: &BTreeMap<String, Vec<Finding>>,
        errors: &[FileError],
    ) {
        let stored = StoredRepo {
            key,
            findings: findings
                .values()
                .flatten()
                .map(|f| StoredRepoFinding {
                    path: &f.path,
                    rule: Cow::Borrowed(f.rule),
                    help: Cow::Borrowed(&f.help),
                    finding: Strings::stored(f),
                })
                .collect(),
            errors: errors.to_vec(),
        };
        if let Ok(bytes) = postcard::to_allocvec(&stored) {
            replace(&self.repo_file(), &bytes);
        }
    }

    /// The file of one kind of search for names (see [`crate::repo::commands::Memo`]),
    /// beside the cache file.
    fn search_file(&self, search: crate::repo::commands::Search) -> PathBuf {
        self.file.with_extension(search.extension())
    }

    /// What a search whose inputs had the key `key` found unnamed, if stored.
    fn unnamed(&self, search: crate::repo::commands::Search, key: u128) -> Option<Vec<String>> {
        let text = std::fs::read_to_string(self.search_file(search)).ok()?;
        let mut lines = text.lines();
        (lines.next()? == format!("{key:032x}")).then(|| lines.map(str::to_string).collect())
    }

    /// Stores the result of a search for names. Silent on failure, as [`Self::save`].
    fn save_unnamed(
        &self,
        search: crate::repo::commands::Search,
        key: u128,
        paths: &BTreeSet<String>,
    ) {
        let mut text = format!("{key:032x}\n");
        for p in paths {
            text.push_str(p);
            text.push('\n');
        }
        replace(&self.search_file(search), text.as_bytes());
    }

    /// How many entries were read.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Writes the entries of this run. A run over the whole project replaces the old
    /// ones (a file no longer in the tree drops out); a run over some paths keeps the
    /// entries of the others. Nothing is copied: the entries are written from the
    /// run's results as they are, through a buffer. Any failure (a read-only tree)
    /// leaves the cache as it was, silently.
    pub fn save(&self, new: &[NewEntry<'_>], whole_project: bool) {
        let Cache {
            file,
            strings,
            bytes,
            old,
            ..
        } = self;
        let Some(dir) = file.parent() else {
            return;
        };
        if !make_dir(dir) {
            return;
        }
        let mut table = Strings::default();
        // The entries kept from the old file, and those taken from it by their stamp,
        // are written as they are: the old strings keep their indices, first in the
        // table.
        if !whole_project || new.iter().any(|e| e.raw.is_some()) {
            for s in strings {
                table.add(s);
            }
        }
        for f in new
            .iter()
            .filter(|e| e.raw.is_none())
            .flat_map(|e| e.findings)
        {
            table.add(f.rule);
            table.add(&f.help);
        }
        // The old entries of the files this run did not check (nor took from the cache).
        let kept: Vec<(&str, &[u8])> = if whole_project {
            Vec::new()
        } else {
            let fresh: HashSet<&str> = new.iter().map(|e| e.path).collect();
            old.values()
                .flatten()
                .filter(|slot| !slot.taken.load(Ordering::Relaxed))
                .filter_map(|slot| {
                    let path = std::str::from_utf8(bytes.get(slot.path.clone())?).ok()?;
                    Some((path, bytes.get(slot.entry.clone())?))
                })
                .filter(|(path, _)| !fresh.contains(path))
                .collect()
        };
        // Write beside, then rename: a concurrent run reads the old or the new file,
        // never half of one.
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        let to_store = ToStore {
            strings: &table,
            new,
            kept: &kept,
        };
        let written = std::fs::File::create(&tmp)
            .ok()
            .and_then(|f| postcard::to_io(&to_store, std::io::BufWriter::new(f)).ok())
            .and_then(|out| out.into_inner().ok());
        if written.is_none() || std::fs::rename(&tmp, file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        prune(dir);
    }
}

/// The strings of the findings a cache file stores, each once.
#[derive(Default)]
struct Strings<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

impl<'a> Strings<'a> {
    fn add(&mut self, s: &'a str) -> u32 {
        *self.index.entry(s).or_insert_with(|| {
            self.list.push(s);
            (self.list.len() - 1) as u32
        })
    }

    /// A finding to store, borrowed from `f`.
    fn store(&self, f: &'a Finding) -> CachedFinding<'a> {
        CachedFinding {
            rule: self.index[f.rule],
            help: self.index[&*f.help],
            ..Self::stored(f)
        }
    }

    /// A finding to store, borrowed from `f`, with its rule and help not indexed (a
    /// repository finding stores them by name).
    fn stored(f: &'a Finding) -> CachedFinding<'a> {
        CachedFinding {
            rule: 0,
            severity: f.severity,
            message: Cow::Borrowed(&f.message),
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            help: 0,
            line_text: Cow::Borrowed(&f.line_text),
            statement_line: f.statement_line,
            span: f.span,
            fix: f.fix.as_deref().map(StoredFix::Fix),
        }
    }
}

/// A cache file to write, as [`Stored`] reads it: the strings, then the new entries
/// (each made from the run's results as it is written) and the kept ones.
struct ToStore<'a> {
    strings: &'a Strings<'a>,
    new: &'a [NewEntry<'a>],
    kept: &'a [(&'a str, &'a [u8])],
}

impl<'a> ToStore<'a> {
    /// The entry to store of a file this run checked or took from the cache.
    fn entry(&self, e: &'a NewEntry<'a>) -> Entry<'a> {
        Entry {
            hash: Cow::Borrowed(e.hash),
            stamp: e.stamp,
            file_list: e.file_list.map(Cow::Borrowed),
            findings: e.findings.iter().map(|f| self.strings.store(f)).collect(),
            directives: Cow::Borrowed(e.directives),
            facts: Cow::Borrowed(e.facts),
            error: e.error.map(Cow::Borrowed),
            raw: None,
        }
    }
}

impl Serialize for ToStore<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut stored = s.serialize_struct("Stored", 2)?;
        stored.serialize_field("strings", &self.strings.list)?;
        stored.serialize_field("entries", &Entries(self))?;
        stored.end()
    }
}

/// The entries of a [`ToStore`], each a path and its encoded entry.
struct Entries<'a>(&'a ToStore<'a>);

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let ToStore { new, kept, .. } = self.0;
        let mut seq = s.serialize_seq(Some(new.len() + kept.len()))?;
        for e in new.iter() {
            if let Some(raw) = e.raw {
                seq.serialize_element(&(e.path, Raw(raw)))?;
                continue;
            }
            let entry =
                postcard::to_allocvec(&self.0.entry(e)).map_err(serde::ser::Error::custom)?;
            seq.serialize_element(&(e.path, Raw(&entry)))?;
        }
        for (path, e) in kept.iter() {
            seq.serialize_element(&(path, Raw(e)))?;
        }
        seq.end()
    }
}

/// Removes all but the [`KEEP`] most recently written cache files, and the
/// repository results of those removed.
impl crate::repo::commands::Memo for Cache {
    fn get(&self, search: crate::repo::commands::Search, key: u128) -> Option<Vec<String>> {
        self.unnamed(search, key)
    }

    fn put(&self, search: crate::repo::commands::Search, key: u128, unnamed: &BTreeSet<String>) {
        self.save_unnamed(search, key, unnamed);
    }
}

/// Writes `bytes` as `file` (beside the cache file): to a temporary file, then renamed,
/// so that a concurrent run reads the old or the new file, never half of one. Silent on
/// failure, as [`Cache::save`].
fn replace(file: &Path, bytes: &[u8]) {
    let Some(dir) = file.parent() else {
        return;
    };
    if !make_dir(dir) {
        return;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, file).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Creates the cache folder, with the `.gitignore` that keeps it out of commits, before
/// any file of the cache is written into it. `false` when it cannot be created.
fn make_dir(dir: &Path) -> bool {
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        let _ = std::fs::write(
            &ignore,
            "# Created by readylint: its cache, never committed.\n*\n",
        );
    }
    true
}

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
        let _ = std::fs::remove_file(path.with_extension("repo"));
        for search in crate::repo::commands::Search::ALL {
            let _ = std::fs::remove_file(path.with_extension(search.extension()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bytes;

    #[test]
    fn cache_files_are_read_or_mapped_whole() {
        let dir = std::env::temp_dir().join(format!("readylint-bytes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small.bin");
        let large = dir.join("large.bin");
        let large_text: Vec<u8> = (0..(Bytes::MAP_FROM as usize + 4097))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&small, b"postcard").unwrap();
        std::fs::write(&large, &large_text).unwrap();
        let read = Bytes::read(&small);
        assert!(matches!(read, Bytes::Read(_)));
        assert_eq!(&*read, b"postcard");
        let mapped = Bytes::read(&large);
        assert!(matches!(mapped, Bytes::Mapped(_)));
        assert_eq!(&*mapped, &large_text[..]);
        // A new file renamed over the mapped one, as the cache writes: the mapping
        // keeps the bytes it had.
        let tmp = dir.join("large.tmp");
        std::fs::write(&tmp, b"other").unwrap();
        std::fs::rename(&tmp, &large).unwrap();
        assert_eq!(&*mapped, &large_text[..]);
        assert!(Bytes::read(&dir.join("missing.bin")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
