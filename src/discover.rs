//! The walk: which files a run looks at, and what kind each one is.
//!
//! It honours `.gitignore`, `.ignore` and `exclude`, includes hidden directories such as
//! `.github/` (but never `.git/`), walks in parallel, and never follows a symbolic link.
//! A link whose name we would check, but which is broken or leads out of the root, is
//! returned as [`Entry::Skipped`] so that the run can say so.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// What a file is, as far as the rules are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dockerfile,
    /// `*.py` and `*.pyi`.
    Python,
}

/// `Dockerfile.<ext>` names that are source code, documents, templates or data, not
/// Dockerfile variants such as `Dockerfile.prod` or `Dockerfile.alpine`.
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    // documents and data
    "md",
    "rst",
    "txt",
    "adoc",
    "html",
    "xml",
    "json",
    "yml",
    "yaml",
    "toml",
    "ini",
    "cfg",
    "csv",
    "lock",
    "log",
    "dockerignore",
    // templates and backups
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
    "erb",
    "mustache",
    "hbs",
    "in",
    "bak",
    "orig",
    "swp",
    "old",
    "dist",
    "sample",
    "example",
    // source code
    "rs",
    "py",
    "pyi",
    "go",
    "js",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "jsx",
    "rb",
    "java",
    "kt",
    "scala",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "swift",
    "php",
    "pl",
    "lua",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "bat",
    "cmd",
    "nix",
    "bzl",
    "star",
    "hcl",
    "tf",
    "cue",
    "jsonnet",
    "mk",
    "gradle",
    "groovy",
    "el",
    "vim",
    "snap",
    "diff",
    "patch",
];

/// Classifies a path by its name.
pub fn classify(rel_path: &str) -> Option<FileKind> {
    let name = crate::repo::file_name(rel_path);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".py") || lower.ends_with(".pyi") {
        return Some(FileKind::Python);
    }
    let dotted = |prefix: &str| {
        lower.strip_prefix(prefix).is_some_and(|ext| {
            let last = ext.rsplit('.').next().unwrap_or(ext);
            !NOT_DOCKERFILE_EXTENSIONS.contains(&last)
        })
    };
    let is_dockerfile = lower == "dockerfile"
        || lower == "containerfile"
        || dotted("dockerfile.")
        || dotted("containerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile");
    is_dockerfile.then_some(FileKind::Dockerfile)
}

/// One file the walk found.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A regular file of a kind we check.
    File {
        rel_path: String,
        abs_path: PathBuf,
        kind: FileKind,
    },
    /// A file of a kind we check that cannot be read as such.
    Skipped { rel_path: String, reason: String },
}

/// The result of a walk: files to check, and every path seen (for the repository index).
#[derive(Debug, Default)]
pub struct Walk {
    pub entries: Vec<Entry>,
    pub all_files: Vec<String>,
}

/// Options of the walk.
pub struct WalkOptions<'a> {
    pub respect_ignore_files: bool,
    pub threads: usize,
    pub is_excluded: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Repository-relative path with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    s.join("/")
}

/// Walks `paths` (directories or files) below `root`.
pub fn walk(root: &Path, paths: &[PathBuf], opts: &WalkOptions<'_>) -> Walk {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out = Mutex::new(Walk::default());
    for path in paths {
        let mut builder = WalkBuilder::new(path);
        builder
            .hidden(false)
            .follow_links(false)
            .git_ignore(opts.respect_ignore_files)
            .git_global(false)
            .git_exclude(opts.respect_ignore_files)
            .ignore(opts.respect_ignore_files)
            .parents(opts.respect_ignore_files)
            .require_git(false)
            .threads(opts.threads)
            .filter_entry(|e| e.file_name() != ".git");
        builder.build_parallel().run(|| {
            let out = &out;
            let canonical_root = &canonical_root;
            Box::new(move |result| {
                let Ok(entry) = result else {
                    return WalkState::Continue;
                };
                let rel = rel_path(root, entry.path());
                if rel.is_empty() {
                    // The root itself, or a file given on the command line as the root.
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        let rel = entry
                            .path()
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        push_file(out, &rel, entry.path());
                    }
                    return WalkState::Continue;
                }
                if (opts.is_excluded)(&rel) {
                    return if entry.file_type().is_some_and(|t| t.is_dir()) {
                        WalkState::Skip
                    } else {
                        WalkState::Continue
                    };
                }
                let Some(ft) = entry.file_type() else {
                    return WalkState::Continue;
                };
                if ft.is_dir() {
                    return WalkState::Continue;
                }
                if ft.is_file() {
                    push_file(out, &rel, entry.path());
                } else if ft.is_symlink() {
                    if let Some(reason) = symlink_problem(entry.path(), canonical_root) {
                        if classify(&rel).is_some() {
                            lock(out).entries.push(Entry::Skipped {
                                rel_path: rel,
                                reason,
                            });
                        }
                    } else {
                        // A link to a file inside the root: that file is walked itself.
                        lock(out).all_files.push(rel);
                    }
                } else if classify(&rel).is_some() {
                    lock(out).entries.push(Entry::Skipped {
                        rel_path: rel,
                        reason: "not a regular file (a FIFO, socket or device); not read".into(),
                    });
                }
                WalkState::Continue
            })
        });
    }
    let mut walk = out.into_inner().unwrap_or_else(|e| e.into_inner());
    walk.all_files.sort();
    walk.all_files.dedup();
    walk.entries
        .sort_by(|a, b| entry_path(a).cmp(entry_path(b)));
    walk.entries.dedup_by(|a, b| entry_path(a) == entry_path(b));
    walk
}

fn lock(m: &Mutex<Walk>) -> std::sync::MutexGuard<'_, Walk> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn push_file(out: &Mutex<Walk>, rel: &str, abs: &Path) {
    let mut w = lock(out);
    w.all_files.push(rel.to_string());
    if let Some(kind) = classify(rel) {
        w.entries.push(Entry::File {
            rel_path: rel.to_string(),
            abs_path: abs.to_path_buf(),
            kind,
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "sub/Dockerfile.prod",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
        ] {
            assert_eq!(classify(yes), Some(FileKind::Dockerfile), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.j2",
            "README.md",
            "docker-compose.yml",
        ] {
            assert_eq!(classify(no), None, "{no}");
        }
    }
}
