//! The repository index: what repository-level questions ("is there a `.dockerignore`
//! in this build context?", "does any workflow run the tests?") are answered from. The
//! walk fills the list of files; the per-file phase fills the facts each parsed file
//! contributes. Rules never touch the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::source::SourceFile;

/// What one parsed file tells the repository rules. Each front end adds its own field
/// here (e.g. `python: Option<PythonFacts>`), filled by its rules through
/// [`Context::facts`](crate::rule::Context::facts).
#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    /// A Rust source file or `Cargo.toml`.
    pub rust: Option<crate::lang::rust::crates::RustFacts>,
    /// CI configuration and task-runner files.
    pub ci: Option<crate::lang::ci::CiFacts>,
    pub python: Option<crate::rules::python::PythonFacts>,
    /// A dependency manifest, as parsed (filled by the engine).
    pub manifest: Option<Arc<crate::lang::manifest::Manifest>>,
}

#[derive(Debug, Default)]
pub struct RepoIndex {
    /// Every file the walk saw (checked or not), relative to the root, `/`-separated.
    files: BTreeSet<String>,
    /// The files that were read, with what they contributed.
    sources: BTreeMap<String, (Arc<SourceFile>, FileFacts)>,
    /// `project-type` from the configuration.
    project_type: crate::config::ProjectType,
    /// The Rust crates of the repository, built once from the facts on first use.
    crate_model: std::sync::OnceLock<crate::lang::rust::crates::CrateModel>,
}

impl RepoIndex {
    pub fn new(files: impl IntoIterator<Item = String>) -> Self {
        Self {
            files: files.into_iter().collect(),
            sources: BTreeMap::new(),
            project_type: crate::config::ProjectType::Auto,
            crate_model: std::sync::OnceLock::new(),
        }
    }

    /// The index with the configured `project-type`.
    pub fn with_project_type(mut self, project_type: crate::config::ProjectType) -> Self {
        self.project_type = project_type;
        self
    }

    /// `project-type` from the configuration (`auto` unless set).
    pub fn project_type(&self) -> crate::config::ProjectType {
        self.project_type
    }

    pub fn add_source(&mut self, source: Arc<SourceFile>, facts: FileFacts) {
        self.sources
            .insert(source.rel_path.clone(), (source, facts));
        self.crate_model = std::sync::OnceLock::new();
    }

    /// The Rust crates and their files' roles, built on first use and shared by the
    /// repository rules that need it (LOG101, DOC003).
    pub fn crate_model(&self) -> &crate::lang::rust::crates::CrateModel {
        self.crate_model
            .get_or_init(|| crate::lang::rust::crates::CrateModel::build(self))
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

    /// Every file the walk saw.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }

    /// A file that was read and parsed.
    pub fn source(&self, rel_path: &str) -> Option<&SourceFile> {
        self.sources.get(rel_path).map(|(s, _)| s.as_ref())
    }

    /// The parsed files with their facts, in path order.
    pub fn parsed(&self) -> impl Iterator<Item = (&SourceFile, &FileFacts)> {
        self.sources.values().map(|(s, f)| (s.as_ref(), f))
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
