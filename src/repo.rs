//! The repository index: what repository-level questions ("is there a `.dockerignore`
//! in this build context?") are answered from. It is filled by the walk before any file
//! is checked, so rules never touch the disk.

use std::collections::BTreeSet;

#[derive(Debug, Default, Clone)]
pub struct RepoIndex {
    /// Every file the walk saw (checked or not), relative to the root, `/`-separated.
    files: BTreeSet<String>,
}

impl RepoIndex {
    pub fn new(files: impl IntoIterator<Item = String>) -> Self {
        Self {
            files: files.into_iter().collect(),
        }
    }

    pub fn contains(&self, rel_path: &str) -> bool {
        self.files.contains(rel_path)
    }

    /// Whether `name` exists in directory `dir` ("" is the root).
    pub fn dir_has(&self, dir: &str, name: &str) -> bool {
        if dir.is_empty() {
            self.contains(name)
        } else {
            self.contains(&format!("{dir}/{name}"))
        }
    }

    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }
}

/// The directory part of a repository-relative path ("" at the root).
pub fn parent_dir(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The file name of a repository-relative path.
pub fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit_once('/').map_or(rel_path, |(_, f)| f)
}
