//! The ignore files a walk honours, read as ripgrep's `ignore` crate reads them (its
//! walker with hidden files shown, no global gitignore, and no need of a git
//! repository): in each directory, `.ignore`, then `.gitignore`, then
//! `.git/info/exclude` where the directory holds a repository; the deepest directory's
//! file that says anything of a path decides for its kind, and the kinds are asked in
//! that order. The directories above the walk's start count too (`parents`), with the
//! path made absolute from the start's canonical path.
//!
//! The crate's own parallel walker sleeps a millisecond at a time whenever a thread is
//! out of work, which was a tenth of a warm run on a small tree, and builds matchers for
//! every directory; this reads only the ignore files that exist, from the entries the
//! walk reads anyway.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The ignore files of one directory, in their order of precedence: `.ignore`,
/// `.gitignore`, `.git/info/exclude`.
pub struct Level([Gitignore; 3]);

/// Which of the names that carry ignore rules a directory's entries hold.
#[derive(Debug, Default, Clone, Copy)]
pub struct Found {
    pub ignore: bool,
    pub gitignore: bool,
    /// A `.git` entry: its `info/exclude` is read, if it has one.
    pub git: bool,
}

impl Found {
    /// Notes `name`, one of a directory's entries.
    pub fn note(&mut self, name: &std::ffi::OsStr) {
        if name == ".ignore" {
            self.ignore = true;
        } else if name == ".gitignore" {
            self.gitignore = true;
        } else if name == ".git" {
            self.git = true;
        }
    }
}

impl Level {
    /// The ignore files of `dir`, whose entries hold `found`; `None` when it has none.
    /// A file that does not parse (a bad glob) is an error in `errors`; one that cannot
    /// be read is passed over, as the crate does.
    pub fn read(dir: &Path, found: Found, errors: &mut Vec<ignore::Error>) -> Option<Level> {
        if !(found.ignore || found.gitignore || found.git) {
            return None;
        }
        let files = [
            (found.ignore, dir.join(".ignore")),
            (found.gitignore, dir.join(".gitignore")),
            (found.git, dir.join(".git").join("info").join("exclude")),
        ]
        .map(|(there, file)| {
            if there && file.exists() {
                build(dir, &file, errors)
            } else {
                Gitignore::empty()
            }
        });
        files.iter().any(|g| !g.is_empty()).then_some(Level(files))
    }

    /// What each of its files says of `path`, for the kinds nothing nearer decided.
    fn ask(&self, found: &mut [Match<()>; 3], path: &Path, is_dir: bool) {
        for (m, g) in found.iter_mut().zip(&self.0) {
            if m.is_none() {
                *m = g.matched(path, is_dir).map(|_| ());
            }
        }
    }

    /// Those of a directory above the walk's start, whose entries are not listed.
    fn read_parent(dir: &Path, errors: &mut Vec<ignore::Error>) -> Option<Level> {
        let found = Found {
            ignore: true,
            gitignore: true,
            git: true,
        };
        Level::read(dir, found, errors)
    }
}

fn build(dir: &Path, file: &Path, errors: &mut Vec<ignore::Error>) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    if let Some(e) = builder.add(file)
        && !e.is_io()
    {
        errors.push(e);
    }
    builder.build().unwrap_or_else(|e| {
        errors.push(e);
        Gitignore::empty()
    })
}

/// The ignore files in force along a walk: those of the directories above its start
/// (shared by the whole walk), and those of each directory walked, linked to its
/// parent's, so that the walk can go down several directories at once.
pub struct Stack {
    above: Arc<Above>,
    /// The innermost directory's ignore files (`None`: it has none).
    level: Option<Level>,
    parent: Option<Arc<Stack>>,
}

/// The directories above a walk's start.
struct Above {
    /// The start's canonical path, for the directories above it.
    canonical_start: PathBuf,
    start: PathBuf,
    /// Nearest first.
    parents: Vec<Level>,
}

impl Stack {
    /// The stack of a walk from `start`, before `start` is entered, with the ignore files
    /// above it read.
    pub fn new(start: &Path, errors: &mut Vec<ignore::Error>) -> Arc<Stack> {
        let canonical_start = start.canonicalize().ok();
        let parents = canonical_start
            .as_deref()
            .map(|c| {
                c.ancestors()
                    .skip(1)
                    .filter_map(|d| Level::read_parent(d, errors))
                    .collect()
            })
            .unwrap_or_default();
        Arc::new(Stack {
            above: Arc::new(Above {
                canonical_start: canonical_start.unwrap_or_default(),
                start: start.to_path_buf(),
                parents,
            }),
            level: None,
            parent: None,
        })
    }

    /// The stack inside a directory whose ignore files are `level`.
    pub fn enter(self: &Arc<Stack>, level: Option<Level>) -> Arc<Stack> {
        Arc::new(Stack {
            above: Arc::clone(&self.above),
            level,
            parent: Some(Arc::clone(self)),
        })
    }

    /// Whether `path`, an entry of the innermost directory entered, is ignored.
    pub fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        let mut found = [Match::None, Match::None, Match::None];
        let mut at = Some(self);
        while let Some(s) = at {
            if let Some(level) = &s.level {
                level.ask(&mut found, path, is_dir);
            }
            at = s.parent.as_deref();
        }
        let above = &self.above;
        if !above.parents.is_empty() && found.iter().any(Match::is_none) {
            let below = path.strip_prefix(&above.start).unwrap_or(path);
            let absolute = above.canonical_start.join(below);
            for level in &above.parents {
                level.ask(&mut found, &absolute, is_dir);
            }
        }
        let [ignore, git, exclude] = found;
        ignore.or(git).or(exclude).is_ignore()
    }
}
