//! The walk: which files a run looks at, and what kind each one is.
//!
//! It honours `.gitignore`, `.ignore` and `exclude` (but reads the root README and
//! `.github/` even when `.gitignore` lists them: git still tracks them), includes hidden
//! directories such as `.github/` (but never `.git/`), walks in parallel (each directory
//! a task of the run's thread pool, its ignore files read as the `ignore` crate reads
//! them: see [`crate::ignores`]), and never follows a symbolic link.
//! A link whose name we would check, but which is broken or leads out of the root, is
//! returned as [`Entry::Skipped`] so that the run can say so.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use crate::ignores;
use crate::lang::{self, FileKind};

/// The directory of readylint's cache under the project root, which is never walked.
pub const CACHE_DIR: &str = ".readylint_cache";

/// One file the walk found.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A regular file of a kind we check.
    File {
        rel_path: String,
        abs_path: PathBuf,
        /// The kinds it is read as: its primary kind first ([`lang::classify`]).
        kinds: Vec<FileKind>,
        /// Its size and modification time when the walk read them (a run with the
        /// cache, see [`WalkOptions::stamps`]).
        seen: Option<Seen>,
    },
    /// A file of a kind we check that cannot be read as such.
    Skipped { rel_path: String, reason: String },
}

/// A file's size and modification time, as the walk read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub len: u64,
    pub modified: std::time::SystemTime,
}

impl Seen {
    pub fn of(meta: &std::fs::Metadata) -> Option<Seen> {
        Some(Seen {
            len: meta.len(),
            modified: meta.modified().ok()?,
        })
    }
}

/// The result of a walk: files to check, and every path seen (for the repository index).
#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub all_files: Vec<String>,
    /// Directories or files the walk could not read: (path, message).
    pub errors: Vec<(String, String)>,
}

/// Options of the walk.
pub struct WalkOptions<'a> {
    pub respect_ignore_files: bool,
    /// Files of no known kind that a declarative rule wants to read.
    pub also_read: &'a (dyn Fn(&str) -> bool + Sync),
    pub is_excluded: &'a (dyn Fn(&str) -> bool + Sync),
    /// The kinds every file named in `paths` is read as, whatever its name (`--kind`).
    pub named_kinds: Option<&'a [FileKind]>,
    /// Whether a project-relative path has a text in memory (the run's overlay): a
    /// file named in `paths` that is not on disk is then checked all the same.
    pub in_memory: &'a (dyn Fn(&str) -> bool + Sync),
    /// Read the size and modification time of each file to check ([`Entry::File`]'s
    /// `seen`) as it is walked: from its directory's open handle, a lookup of one name
    /// rather than of every folder of its path (a cached run takes unchanged files by
    /// them, see `engine::cache::Stamp`).
    pub stamps: bool,
}

/// Repository-relative path with `/` separators; a path outside the root is kept as
/// it is (absolute paths stay absolute).
pub fn rel_path(root: &Path, path: &Path) -> String {
    // The walk's paths are the root joined with clean names: their text after the
    // root's is the answer, without splitting the path into components.
    if std::path::MAIN_SEPARATOR == '/'
        && let (Some(p), Some(r)) = (path.to_str(), root.to_str())
        && let Some(rest) = p.strip_prefix(r.trim_end_matches('/'))
        && let Some(rest) = rest.strip_prefix('/')
        && !rest.is_empty()
        && rest
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
    {
        return rest.to_string();
    }
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().replace('\\', "/"),
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved lexically.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Adds to the index the entries of the directories from `path`'s directory up to the
/// root, so that a file named on the command line is checked in its context (is there
/// a `.dockerignore` beside this Dockerfile?).
fn index_context(root: &Path, path: &Path, out: &Mutex<Walk>) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !d.starts_with(root) {
            break;
        }
        if let Ok(entries) = std::fs::read_dir(d) {
            let names: Vec<String> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
                .map(|e| rel_path(root, &e.path()))
                .collect();
            lock(out).all_files.extend(names);
        }
        if d == root {
            break;
        }
        dir = d.parent();
    }
}

/// Walks `paths` (directories or files) below `root`.
pub fn walk(root: &Path, paths: &[PathBuf], opts: &WalkOptions<'_>) -> Walk {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out = Mutex::new(Walk::default());
    for path in paths {
        let meta = std::fs::symlink_metadata(path);
        let is_dir = meta.as_ref().is_ok_and(|m| m.is_dir());
        if !is_dir {
            index_context(root, path, &out);
            let rel = rel_path(root, path);
            if meta.is_err() && (opts.in_memory)(&rel) {
                if !(opts.is_excluded)(&rel) {
                    push_file(&out, &rel, path, opts, &|| None);
                }
                continue;
            }
            if let Some(kinds) = opts.named_kinds {
                let mut rel = rel;
                if rel.is_empty() {
                    rel = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                }
                let mut w = lock(&out);
                w.all_files.push(rel.clone());
                w.entries.push(Entry::File {
                    rel_path: rel,
                    abs_path: path.clone(),
                    kinds: kinds.to_vec(),
                    seen: None,
                });
                continue;
            }
        }
        let meta = match meta {
            Ok(meta) => meta,
            Err(e) => {
                lock(&out).errors.push(walk_error(root, &io_error(path, e)));
                continue;
            }
        };
        if meta.file_type().is_symlink() {
            // A link named on the command line: checked if it leads to a file in the
            // root, reported otherwise.
            let rel = rel_path(root, path);
            match symlink_problem(path, &canonical_root) {
                Some(reason) => lock(&out).entries.push(Entry::Skipped {
                    rel_path: rel,
                    reason,
                }),
                None => push_file(&out, &rel, path, opts, &|| None),
            }
            continue;
        }
        if is_dir {
            walk_dir(root, path, opts, &out, &canonical_root);
            continue;
        }
        // A file named on the command line (or the root, when it is one).
        let rel = rel_path(root, path);
        if rel.is_empty() {
            if meta.is_file() {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                push_file(&out, &name, path, opts, &|| Some(meta.clone()));
            }
        } else {
            let ft = meta.file_type();
            visit(
                &out,
                rel,
                path,
                ft,
                &|| Some(meta.clone()),
                opts,
                &canonical_root,
            );
        }
    }
    if opts.respect_ignore_files
        && paths
            .iter()
            .any(|p| p.canonicalize().is_ok_and(|p| p == canonical_root))
    {
        add_ignored_repository_files(root, opts, &out);
    }
    let mut walk = out.into_inner().unwrap_or_else(|e| e.into_inner());
    add_dockerignores(root, &mut walk);
    walk.all_files.sort();
    walk.all_files.dedup();
    walk.entries
        .sort_by(|a, b| entry_path(a).cmp(entry_path(b)));
    walk.entries.dedup_by(|a, b| entry_path(a) == entry_path(b));
    walk.errors.sort();
    walk.errors.dedup();
    walk
}

/// Walks the directory `path` (the root or a directory below it), honouring the ignore
/// files as the `ignore` crate's walker would (see [`crate::ignores`]), never into
/// `.git/` or the cache, and never through a link. Each directory is a task of the
/// current rayon pool: its subdirectories are walked at once by whichever thread is free.
fn walk_dir(
    root: &Path,
    path: &Path,
    opts: &WalkOptions<'_>,
    out: &Mutex<Walk>,
    canonical_root: &Path,
) {
    let start = rel_path(root, path);
    if !start.is_empty() && (opts.is_excluded)(&start) {
        return;
    }
    let mut errors = Vec::new();
    let stack = opts
        .respect_ignore_files
        .then(|| ignores::Stack::new(path, &mut errors));
    let errors = Mutex::new(errors);
    let walk = DirWalk {
        root,
        opts,
        out,
        canonical_root,
        errors: &errors,
    };
    rayon::scope(|s| walk.dir(s, path.to_path_buf(), stack));
    let errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    lock(out)
        .errors
        .extend(errors.iter().map(|e| walk_error(root, e)));
}

/// What every directory of a [`walk_dir`] shares.
struct DirWalk<'a> {
    root: &'a Path,
    opts: &'a WalkOptions<'a>,
    out: &'a Mutex<Walk>,
    canonical_root: &'a Path,
    errors: &'a Mutex<Vec<ignore::Error>>,
}

impl<'a> DirWalk<'a> {
    fn error(&self, path: &Path, e: std::io::Error) {
        self.errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(io_error(path, e));
    }

    /// Records the entries of `dir` (in which `stack`'s ignore files apply, those of
    /// `dir` not yet read) and walks its subdirectories.
    fn dir<'s>(&'s self, scope: &rayon::Scope<'s>, dir: PathBuf, stack: Option<Arc<ignores::Stack>>)
    where
        'a: 's,
    {
        // Each entry with its name, and the names that carry ignore rules.
        let mut found = ignores::Found::default();
        let entries: Vec<(std::ffi::OsString, std::fs::DirEntry)> = match std::fs::read_dir(&dir) {
            Ok(read) => read
                .filter_map(|e| e.map_err(|e| self.error(&dir, e)).ok())
                .map(|e| {
                    let name = e.file_name();
                    found.note(&name);
                    (name, e)
                })
                .collect(),
            Err(e) => return self.error(&dir, e),
        };
        let stack = stack.map(|s| {
            let mut errors = Vec::new();
            let level = ignores::Level::read(&dir, found, &mut errors);
            if !errors.is_empty() {
                self.errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(errors);
            }
            s.enter(level)
        });
        for (name, e) in entries {
            if name == ".git" || name == CACHE_DIR {
                continue;
            }
            let path = e.path();
            let ft = match e.file_type() {
                Ok(ft) => ft,
                Err(err) => {
                    self.error(&path, err);
                    continue;
                }
            };
            if stack
                .as_ref()
                .is_some_and(|s| s.ignores(&path, ft.is_dir()))
            {
                continue;
            }
            let rel = rel_path(self.root, &path);
            let meta = || e.metadata().ok();
            if visit(
                self.out,
                rel,
                &path,
                ft,
                &meta,
                self.opts,
                self.canonical_root,
            ) {
                let stack = stack.clone();
                scope.spawn(move |scope| self.dir(scope, path, stack));
            }
        }
    }
}

/// Records an entry below the root (`rel` not empty) that no ignore file leaves out, of
/// type `ft` (`meta` reads its metadata, not following a link); says whether to walk
/// into it (a directory that is not excluded).
fn visit(
    out: &Mutex<Walk>,
    rel: String,
    path: &Path,
    ft: std::fs::FileType,
    meta: &dyn Fn() -> Option<std::fs::Metadata>,
    opts: &WalkOptions<'_>,
    canonical_root: &Path,
) -> bool {
    if (opts.is_excluded)(&rel) {
        return false;
    }
    if ft.is_dir() {
        return true;
    }
    if ft.is_file() {
        push_file(out, &rel, path, opts, meta);
    } else if ft.is_symlink() {
        if let Some(reason) = symlink_problem(path, canonical_root) {
            if !lang::classify(&rel).is_empty() {
                lock(out).entries.push(Entry::Skipped {
                    rel_path: rel,
                    reason,
                });
            }
        } else {
            // A link to a file inside the root: that file is walked itself.
            lock(out).all_files.push(rel);
        }
    } else if !lang::classify(&rel).is_empty() {
        lock(out).entries.push(Entry::Skipped {
            rel_path: rel,
            reason: "not a regular file (a FIFO, socket or device); not read".into(),
        });
    }
    false
}

/// An I/O error of the walk at `path`, as the `ignore` crate's walker reported it.
fn io_error(path: &Path, e: std::io::Error) -> ignore::Error {
    ignore::Error::WithPath {
        path: path.to_path_buf(),
        err: Box::new(ignore::Error::Io(e)),
    }
}

fn lock(m: &Mutex<Walk>) -> std::sync::MutexGuard<'_, Walk> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Records the file at `abs`; `meta` reads its metadata when it is to be checked and the
/// walk reads stamps (`None`: the check reads them itself).
fn push_file(
    out: &Mutex<Walk>,
    rel: &str,
    abs: &Path,
    opts: &WalkOptions<'_>,
    meta: &dyn Fn() -> Option<std::fs::Metadata>,
) {
    let mut kinds = lang::classify(rel);
    // Wanted as text too when a front end claims it for another reason (a shell script
    // is a task file CI may run, and the script an image starts).
    if !kinds.contains(&FileKind::Text) && (opts.also_read)(rel) {
        kinds.push(FileKind::Text);
    }
    let seen = if opts.stamps && !kinds.is_empty() {
        meta().as_ref().and_then(Seen::of)
    } else {
        None
    };
    let mut w = lock(out);
    w.all_files.push(rel.to_string());
    if !kinds.is_empty() {
        w.entries.push(Entry::File {
            rel_path: rel.to_string(),
            abs_path: abs.to_path_buf(),
            kinds,
            seen,
        });
    }
}

/// The README at the root and the `.github/` folder define the repository, and git
/// keeps tracking a file that `.gitignore` lists once it is tracked: a repository that
/// ignores `*.md` and `.github` (to keep local copies out) still has its README and its
/// workflows. On a walk of the whole root, those the walk left out are read all the
/// same (`exclude` still applies); without this, such a repository was told it has no
/// README and no CI.
fn add_ignored_repository_files(root: &Path, opts: &WalkOptions<'_>, out: &Mutex<Walk>) {
    let seen = |rel: &str| lock(out).all_files.iter().any(|f| f == rel);
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            let readme = name == "readme" || name.starts_with("readme.");
            if !readme || !e.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let rel = rel_path(root, &e.path());
            if !seen(&rel) && !(opts.is_excluded)(&rel) {
                push_file(out, &rel, &e.path(), opts, &|| None);
            }
        }
    }
    let github = root.join(".github");
    let walked = lock(out)
        .all_files
        .iter()
        .any(|f| f.starts_with(".github/"));
    if walked || !github.is_dir() {
        return;
    }
    for entry in WalkBuilder::new(&github)
        .standard_filters(false)
        .follow_links(false)
        .build()
        .flatten()
    {
        let rel = rel_path(root, entry.path());
        if entry.file_type().is_some_and(|t| t.is_file()) && !(opts.is_excluded)(&rel) {
            push_file(out, &rel, entry.path(), opts, &|| None);
        }
    }
}

/// A `.dockerignore` is often listed in `.gitignore` (generated, or kept local), but it
/// still shapes the build context: index the ones that exist beside each Dockerfile and
/// in the directories above it, ignored or not.
fn add_dockerignores(root: &Path, walk: &mut Walk) {
    let mut found = Vec::new();
    for e in &walk.entries {
        let Entry::File {
            abs_path, kinds, ..
        } = e
        else {
            continue;
        };
        if kinds.first() != Some(&FileKind::Dockerfile) {
            continue;
        }
        if let Some(name) = abs_path.file_name() {
            let own = abs_path.with_file_name(format!("{}.dockerignore", name.to_string_lossy()));
            if own.is_file() {
                found.push(rel_path(root, &own));
            }
        }
        let mut dir = abs_path.parent();
        while let Some(d) = dir {
            if !d.starts_with(root) {
                break;
            }
            let candidate = d.join(".dockerignore");
            if candidate.is_file() {
                found.push(rel_path(root, &candidate));
            }
            if d == root {
                break;
            }
            dir = d.parent();
        }
    }
    walk.all_files.extend(found);
}

fn walk_error(root: &Path, err: &ignore::Error) -> (String, String) {
    fn path_of(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    let path = path_of(err).map(|p| rel_path(root, p)).unwrap_or_default();
    (path, format!("not walked: {err}"))
}

pub fn entry_path(e: &Entry) -> &str {
    match e {
        Entry::File { rel_path, .. } | Entry::Skipped { rel_path, .. } => rel_path,
    }
}

/// Why a symbolic link is not followed, or `None` if it points to a file in the root.
fn symlink_problem(path: &Path, root: &Path) -> Option<String> {
    match path.canonicalize() {
        Err(e) => Some(format!("broken symbolic link ({e}); not followed")),
        Ok(target) if !target.starts_with(root) => {
            Some("symbolic link to a file outside the repository; not followed".into())
        }
        Ok(target) if !target.is_file() => {
            Some("symbolic link to something that is not a regular file; not followed".into())
        }
        Ok(_) => None,
    }
}

/// Import names of distributions that nearly every vendored set of dependencies holds,
/// and no service names its own modules after.
const COMMON_DISTRIBUTIONS: &[&str] = &[
    "requests",
    "urllib3",
    "certifi",
    "idna",
    "chardet",
    "charset_normalizer",
    "six",
    "dateutil",
    "pytz",
    "yaml",
    "bs4",
    "markupsafe",
    "jinja2",
    "typing_extensions",
    "simplejson",
    "cherrypy",
    "pygments",
    "zipp",
    "more_itertools",
    "importlib_metadata",
    "boto",
    "botocore",
    "future",
    "tornado",
    "httplib2",
    "html5lib",
    "feedparser",
];

/// Folders that projects keep copies of other projects' packages in, by convention, when
/// they put them on `sys.path` themselves (`lib/boto/`, `ext/tornado/`).
const LIBRARY_FOLDERS: &[&str] = &["lib", "libs", "ext", "extlib", "external", "thirdparty"];

/// The folders that hold installed Python packages: a copy of other projects committed
/// with the code. A folder counts when it holds the metadata a wheel install writes
/// beside each package (`libs/requests-2.31.0.dist-info/`) for two packages or more (a
/// project's own build metadata is one, and `*.egg-info` is what a development install
/// writes beside the project's own code), or, copied without metadata, three of the
/// [`COMMON_DISTRIBUTIONS`] as its own modules (`lib/requests/__init__.py`,
/// `lib/six.py`). One such distribution's package in a folder named for libraries
/// ([`LIBRARY_FOLDERS`]: `lib/boto/`, `src/lib/future/`) is a copy too, beside the
/// project's own modules: the package's folder alone is returned. Each is returned with
/// its trailing `/`.
pub fn site_package_dirs(all_files: &[String]) -> Vec<String> {
    let mut found: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    let mut common: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    let mut packages = std::collections::BTreeSet::new();
    for p in all_files {
        let mut start = 0;
        for part in p.split('/') {
            if start > 0 && part.len() > ".dist-info".len() && part.ends_with(".dist-info") {
                found.entry(&p[..start]).or_default().insert(part);
                break;
            }
            start += part.len() + 1;
        }
        // `dir/requests/__init__.py` or `dir/six.py`.
        let (dir, module) = match p.strip_suffix("/__init__.py") {
            Some(package) => match package.rsplit_once('/') {
                Some((dir, name)) => (dir, name),
                None => continue,
            },
            None => match p.strip_suffix(".py").and_then(|m| m.rsplit_once('/')) {
                Some((dir, name)) => (dir, name),
                None => continue,
            },
        };
        if COMMON_DISTRIBUTIONS.contains(&module) {
            common.entry(dir).or_default().insert(module);
            let folder = dir.rsplit('/').next().unwrap_or(dir);
            if p.ends_with("/__init__.py") && LIBRARY_FOLDERS.contains(&folder) {
                packages.insert(format!("{dir}/{module}/"));
            }
        }
    }
    let mut dirs: std::collections::BTreeSet<String> = found
        .into_iter()
        .filter(|(_, packages)| packages.len() >= 2)
        .map(|(dir, _)| dir.to_string())
        .collect();
    dirs.extend(
        common
            .into_iter()
            .filter(|(_, modules)| modules.len() >= 3)
            .map(|(dir, _)| format!("{dir}/")),
    );
    // A package inside a folder already returned is covered by it.
    for package in packages {
        if !dirs.iter().any(|d| package.starts_with(d.as_str())) {
            dirs.insert(package);
        }
    }
    dirs.into_iter().collect()
}

#[cfg(test)]
mod site_tests {
    use super::site_package_dirs;

    #[test]
    fn folders_of_installed_packages() {
        let files: Vec<String> = [
            "libs/requests-2.31.0.dist-info/METADATA",
            "libs/requests-2.31.0.dist-info/RECORD",
            "libs/six-1.16.0.dist-info/METADATA",
            "libs/requests/api.py",
            "src/app.egg-info/PKG-INFO",
            "dist/app-1.0.dist-info/METADATA",
            "src/app/main.py",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(site_package_dirs(&files), ["libs/"]);
        assert!(site_package_dirs(&["src/app/main.py".to_string()]).is_empty());
        // Copied without metadata: three well-known distributions side by side.
        let files: Vec<String> = [
            "lib/requests/__init__.py",
            "lib/urllib3/__init__.py",
            "lib/six.py",
            "lib/plexapi/server.py",
            "app/requests/__init__.py",
            "app/six.py",
            "app/views.py",
            "requests/__init__.py",
            "six.py",
            "yaml/__init__.py",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(site_package_dirs(&files), ["lib/"]);
        // One well-known package in a folder named for libraries: that package alone.
        let files: Vec<String> = [
            "lib/boto/__init__.py",
            "lib/boto/utils.py",
            "lib/future/__init__.py",
            "lib/rtorrent/__init__.py",
            "lib/__init__.py",
            "src/lib/tornado/__init__.py",
            "app/boto/__init__.py",
            "app/lib/boto.py",
            "boto/__init__.py",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            site_package_dirs(&files),
            ["lib/boto/", "lib/future/", "src/lib/tornado/"]
        );
    }
}

#[cfg(test)]
mod rel_path_tests {
    use super::rel_path;
    use std::path::Path;

    #[test]
    fn relative_to_the_root_whatever_the_spelling() {
        let cases = [
            ("/repo", "/repo/src/app.py", "src/app.py"),
            ("/repo/", "/repo/src/app.py", "src/app.py"),
            ("/", "/src/app.py", "src/app.py"),
            ("/repo", "/repo/./src/app.py", "src/app.py"),
            ("/repo", "/repo/src/", "src"),
            ("/repo", "/repo", ""),
            // Not below the root: kept as it is.
            ("/repo", "/repository/app.py", "/repository/app.py"),
            ("/repo", "/other/app.py", "/other/app.py"),
        ];
        for (root, path, want) in cases {
            assert_eq!(
                rel_path(Path::new(root), Path::new(path)),
                want,
                "{root} {path}"
            );
        }
    }
}

#[cfg(test)]
mod ignore_tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The files a walk of `start` lists, relative to `root`.
    fn walked(root: &Path, start: &Path, respect: bool) -> BTreeSet<String> {
        let opts = WalkOptions {
            respect_ignore_files: respect,
            also_read: &|_| false,
            is_excluded: &|_| false,
            named_kinds: None,
            in_memory: &|_| false,
            stamps: false,
        };
        let w = walk(root, &[start.to_path_buf()], &opts);
        assert!(w.errors.is_empty(), "{:?}", w.errors);
        w.all_files.into_iter().collect()
    }

    /// The files the `ignore` crate's walker lists with the settings the walk had
    /// before it read ignore files itself.
    fn crate_walked(root: &Path, start: &Path, respect: bool) -> BTreeSet<String> {
        let mut b = WalkBuilder::new(start);
        b.hidden(false)
            .follow_links(false)
            .git_ignore(respect)
            .git_global(false)
            .git_exclude(respect)
            .ignore(respect)
            .parents(respect)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git" && e.file_name() != CACHE_DIR);
        b.build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| rel_path(root, e.path()))
            .collect()
    }

    #[test]
    fn ignore_files_are_read_as_the_ignore_crate_reads_them() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let top = dir.path();
        let root = top.join("repo");
        let files = [
            // Above the start: applies to the whole walk.
            ("../.gitignore", "*.log\n"),
            (".gitignore", "build/\n/dist\n*.tmp\n!keep.tmp\nsecret*\n"),
            (".ignore", "!secret_ok.txt\nscratch/\n"),
            (".git/info/exclude", "local.txt\n"),
            (".git/HEAD", "ref: refs/heads/main\n"),
            ("app.py", ""),
            ("app.log", ""),
            ("a.tmp", ""),
            ("keep.tmp", ""),
            ("secret.txt", ""),
            ("secret_ok.txt", ""),
            ("local.txt", ""),
            ("build/out.py", ""),
            ("dist/x.py", ""),
            ("src/dist/y.txt", ""),
            ("scratch/z.py", ""),
            ("src/.gitignore", "*.py\n!main.py\ngen/\n"),
            ("src/main.py", ""),
            ("src/other.py", ""),
            ("src/gen/g.txt", ""),
            ("src/deep/.gitignore", "!*.py\n"),
            ("src/deep/d.py", ""),
            ("src/deep/build", ""),
            (".readylint_cache/x.py", ""),
            ("docs/readme.md", ""),
            ("nested/.git/info/exclude", "inner.txt\n"),
            ("nested/inner.txt", ""),
            ("nested/outer.txt", ""),
        ];
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        }
        for respect in [true, false] {
            for start in [root.clone(), root.join("src"), root.join("nested")] {
                assert_eq!(
                    walked(&root, &start, respect),
                    crate_walked(&root, &start, respect),
                    "{} respect={respect}",
                    start.display()
                );
            }
        }
        // What the comparison stands on.
        let ours = walked(&root, &root, true);
        for kept in [
            "app.py",
            "keep.tmp",
            "secret_ok.txt",
            "src/main.py",
            "src/deep/d.py",
        ] {
            assert!(ours.contains(kept), "{kept} missing: {ours:?}");
        }
        for gone in [
            "app.log",
            "a.tmp",
            "secret.txt",
            "local.txt",
            "build/out.py",
            "dist/x.py",
            "scratch/z.py",
            "src/other.py",
            "src/gen/g.txt",
            "nested/inner.txt",
            ".readylint_cache/x.py",
            ".git/HEAD",
        ] {
            assert!(!ours.contains(gone), "{gone} walked: {ours:?}");
        }
        // `/dist` is the root's only.
        assert!(ours.contains("src/dist/y.txt"));
    }
}
