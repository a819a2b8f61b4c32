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
    /// Any `*.toml` file.
    Toml,
    /// Any other `*.yml` / `*.yaml` file (Helm values, Compose, Kubernetes manifests).
    Yaml,
    /// A dependency manifest: `Cargo.toml`, `pyproject.toml`, `Pipfile`, `package.json`
    /// or a requirements file (TOML manifests are also checked as [`FileKind::Toml`]).
    Manifest(crate::lang::manifest::ManifestKind),
    /// A file no front end reads, selected by a declarative rule's globs.
    Text,
    /// `*.rs`.
    Rust,
    /// `.github/workflows/*.yml|yaml`
    GithubWorkflow,
    /// `action.yml` / `action.yaml`
    GithubAction,
    /// `.gitlab-ci.yml`, `*.gitlab-ci.yml`, YAML under `.gitlab/` or `.gitlab-ci/`
    GitlabCi,
    /// Task runners CI commands hide behind: `Makefile`, `justfile`, `tox.ini`,
    /// `noxfile.py`, `package.json`.
    TaskFile,
    /// The README at the root of the scan.
    Readme,
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
    // Dependency manifests first: `Cargo.toml` also feeds the Rust rules' crate model,
    // and `package.json` the CI rules' task runners, from the same parse.
    if let Some(m) = crate::lang::manifest::ManifestKind::classify(rel_path) {
        return Some(FileKind::Manifest(m));
    }
    classify_ci(rel_path).or_else(|| classify_dockerfile(rel_path))
}

/// CI configuration, task runners and the root README.
fn classify_ci(rel_path: &str) -> Option<FileKind> {
    let name = crate::repo::file_name(rel_path);
    let dir = crate::repo::parent_dir(rel_path);
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && (dir == ".github/workflows" || dir.ends_with("/.github/workflows")) {
        return Some(FileKind::GithubWorkflow);
    }
    if lower == "action.yml" || lower == "action.yaml" {
        return Some(FileKind::GithubAction);
    }
    let in_gitlab_dir = dir
        .split('/')
        .any(|d| d == ".gitlab" || d == ".gitlab-ci" || d == "gitlab-ci");
    if lower == ".gitlab-ci.yml"
        || lower == ".gitlab-ci.yaml"
        || lower.ends_with(".gitlab-ci.yml")
        || lower.ends_with(".gitlab-ci.yaml")
        || (yaml && in_gitlab_dir)
    {
        return Some(FileKind::GitlabCi);
    }
    if crate::lang::ci::tasks::runner_of(name).is_some() {
        return Some(FileKind::TaskFile);
    }
    if dir.is_empty() && (lower == "readme" || lower.starts_with("readme.")) {
        return Some(FileKind::Readme);
    }
    None
}

fn classify_dockerfile(rel_path: &str) -> Option<FileKind> {
    let name = crate::repo::file_name(rel_path);
    if name.ends_with(".rs") {
        return Some(FileKind::Rust);
    }
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
    if is_dockerfile {
        Some(FileKind::Dockerfile)
    } else if lower.ends_with(".toml") {
        Some(FileKind::Toml)
    } else if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        Some(FileKind::Yaml)
    } else {
        None
    }
}

impl FileKind {
    /// Kinds that are read only when an enabled rule asks for them.
    pub fn is_optional(self) -> bool {
        matches!(self, FileKind::Toml | FileKind::Yaml)
    }
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
    /// Directories or files the walk could not read: (path, message).
    pub errors: Vec<(String, String)>,
}

/// Options of the walk.
pub struct WalkOptions<'a> {
    pub respect_ignore_files: bool,
    /// Files of no known kind that a declarative rule wants to read.
    pub also_read: &'a (dyn Fn(&str) -> bool + Sync),
    pub threads: usize,
    pub is_excluded: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Repository-relative path with `/` separators; a path outside the root is kept as
/// it is (absolute paths stay absolute).
pub fn rel_path(root: &Path, path: &Path) -> String {
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
        let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if !is_dir {
            index_context(root, path, &out);
        }
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            // A link named on the command line: checked if it leads to a file in the
            // root, reported otherwise.
            let rel = rel_path(root, path);
            match symlink_problem(path, &canonical_root) {
                Some(reason) => lock(&out).entries.push(Entry::Skipped {
                    rel_path: rel,
                    reason,
                }),
                None => push_file(&out, &rel, path, opts),
            }
            continue;
        }
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
                let entry = match result {
                    Ok(entry) => entry,
                    Err(err) => {
                        lock(out).errors.push(walk_error(root, &err));
                        return WalkState::Continue;
                    }
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
                        push_file(out, &rel, entry.path(), opts);
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
                    push_file(out, &rel, entry.path(), opts);
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

fn lock(m: &Mutex<Walk>) -> std::sync::MutexGuard<'_, Walk> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn push_file(out: &Mutex<Walk>, rel: &str, abs: &Path, opts: &WalkOptions<'_>) {
    let kind = classify(rel).or_else(|| (opts.also_read)(rel).then_some(FileKind::Text));
    let mut w = lock(out);
    w.all_files.push(rel.to_string());
    if let Some(kind) = kind {
        w.entries.push(Entry::File {
            rel_path: rel.to_string(),
            abs_path: abs.to_path_buf(),
            kind,
        });
    }
}

/// A `.dockerignore` is often listed in `.gitignore` (generated, or kept local), but it
/// still shapes the build context: index the ones that exist beside each Dockerfile and
/// in the directories above it, ignored or not.
fn add_dockerignores(root: &Path, walk: &mut Walk) {
    let mut found = Vec::new();
    for e in &walk.entries {
        let Entry::File {
            abs_path,
            kind: FileKind::Dockerfile,
            ..
        } = e
        else {
            continue;
        };
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
            "docs/README.md",
        ] {
            assert_eq!(classify(no), None, "{no}");
        }
        // Other YAML is generic (read only for rules that ask for it).
        assert_eq!(classify("docker-compose.yml"), Some(FileKind::Yaml));
    }

    #[test]
    fn ci_names() {
        for (path, kind) in [
            (".github/workflows/ci.yml", FileKind::GithubWorkflow),
            (
                "fixtures/x/.github/workflows/t.yaml",
                FileKind::GithubWorkflow,
            ),
            (".github/actions/setup/action.yml", FileKind::GithubAction),
            (".gitlab-ci.yml", FileKind::GitlabCi),
            ("ci/test.gitlab-ci.yml", FileKind::GitlabCi),
            (".gitlab/ci/lint.yml", FileKind::GitlabCi),
            ("Makefile", FileKind::TaskFile),
            (
                "web/package.json",
                FileKind::Manifest(crate::lang::manifest::ManifestKind::PackageJson),
            ),
            ("README.md", FileKind::Readme),
        ] {
            assert_eq!(classify(path), Some(kind), "{path}");
        }
        for no in [".github/workflows/README.md", "docs/README.md"] {
            assert_eq!(classify(no), None, "{no}");
        }
        assert_eq!(classify(".github/dependabot.yml"), Some(FileKind::Yaml));
    }
}
