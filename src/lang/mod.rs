//! Front ends: one per input kind, each turning a [`SourceFile`] into the owned,
//! position-carrying model that rules read. Third-party parser types stay inside these
//! modules.
//!
//! # The contract
//!
//! A front end ([`FrontEnd`]) says which paths it claims and, for one file, does all of
//! this in one place:
//!
//! - parses the text once and hands the model to the rules through a [`Sink`];
//! - records its parse errors in [`Output::errors`] (the engine reports them as one
//!   `RDY001` per file, naming the first and how many more);
//! - extracts the file's comments for inline suppressions ([`Output::comments`]), with the
//!   shared extractor of its comment syntax ([`crate::suppress`]);
//! - fills the facts the file contributes to the repository index
//!   ([`Output::facts`]). Only front ends write facts, so what the repository knows never
//!   depends on `select`, `ignore` or per-path ignores.
//!
//! A front end never panics on any input. A path may be claimed by more than one front
//! end (`noxfile.py` is Python *and* a task file): one *primary* front end parses the
//! file's language, *additive* ones read what else the file is ([`FRONT_ENDS`]).
//!
//! Adding an input kind is one module here plus one line in [`FRONT_ENDS`].

pub mod ci;
pub mod compose;
pub mod dockerfile;
pub mod kubernetes;
pub mod lockfile;
pub mod manifest;
pub mod python;
pub mod rust;
pub mod service;
pub mod shell;
pub mod toml;
pub mod yaml;

use crate::source::{SourceFile, Span};
use crate::suppress::Comment;

/// What a file is read as, as far as the rules are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dockerfile,
    /// Any `*.toml` file that is not a dependency manifest.
    Toml,
    /// Any other `*.yml` / `*.yaml` file (Helm values, Kubernetes manifests).
    Yaml,
    /// A Docker Compose file (`compose.yml`, `docker-compose*.yml`), also read as YAML.
    Compose,
    /// A generic YAML file read for Kubernetes manifests (the ones it holds, if any).
    Kubernetes,
    /// A dependency manifest: `Cargo.toml`, `pyproject.toml`, `Pipfile`, `package.json`
    /// or a requirements file (TOML manifests are also handed over as TOML).
    Manifest(manifest::ManifestKind),
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
    /// `noxfile.py` (the scripts of `package.json` come from the manifest's parse).
    TaskFile,
    /// The README at the root of the scan.
    Readme,
    /// `*.py` and `*.pyi`.
    Python,
    /// A Python lockfile (`uv.lock`, `poetry.lock`, `pdm.lock`, `pylock.toml`,
    /// `Pipfile.lock`), read for the versions it pins.
    Lockfile,
}

impl FileKind {
    /// Kinds that are read only when an enabled rule asks for them.
    pub fn is_optional(self) -> bool {
        matches!(
            self,
            FileKind::Toml
                | FileKind::Yaml
                | FileKind::Compose
                | FileKind::Kubernetes
                | FileKind::Lockfile
        )
    }

    /// The kind this one is read for, when it is read only for the files of another
    /// kind: a lockfile pins requirements files, so a tree without one does not need
    /// its lockfiles read.
    pub fn read_for(self) -> Option<FileKind> {
        match self {
            FileKind::Lockfile => Some(FileKind::Manifest(manifest::ManifestKind::Requirements)),
            _ => None,
        }
    }

    /// The kinds a rule may ask for to be handed files of this kind: a Compose file is
    /// also YAML.
    pub fn read_as(self) -> &'static [FileKind] {
        match self {
            FileKind::Compose => &[FileKind::Compose, FileKind::Yaml],
            FileKind::Toml => &[FileKind::Toml],
            FileKind::Yaml => &[FileKind::Yaml],
            FileKind::Kubernetes => &[FileKind::Kubernetes],
            FileKind::Lockfile => &[FileKind::Lockfile],
            _ => &[],
        }
    }
}

/// A parse error, as the front end words it.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub span: Span,
    /// The finding's message: `cannot parse this Dockerfile: unknown instruction 'X'`.
    pub message: String,
    /// The parser's own words, for the report's list of files with errors.
    pub detail: String,
    /// What the user should do, and what was still checked.
    pub help: &'static str,
}

/// The facts one parsed file contributes to the repository index. Each front end adds
/// its own field here.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileFacts {
    // Boxed: one file has one or two of these, and an outcome is kept per file.
    /// A Rust source file or `Cargo.toml`.
    pub rust: Option<Box<rust::crates::RustFacts>>,
    /// CI configuration and task-runner files.
    pub ci: Option<Box<ci::CiFacts>>,
    pub python: Option<Box<python::facts::PythonFacts>>,
    /// A dependency manifest, as parsed (never cached: see `cache`).
    #[serde(skip)]
    pub manifest: Option<std::sync::Arc<manifest::Manifest>>,
    /// A Dockerfile's base images.
    pub docker: Option<Box<dockerfile::DockerFacts>>,
    /// A Compose file's services.
    pub compose: Option<Box<compose::ComposeFacts>>,
    /// The images of a file of Kubernetes manifests.
    pub kubernetes: Option<Box<kubernetes::KubeFacts>>,
    /// The versions a Python lockfile pins.
    pub lock: Option<lockfile::LockFacts>,
    /// A Python or Rust source file's web applications, routes and observability
    /// libraries.
    pub service: Option<Box<service::ServiceFacts>>,
}

/// What a front end yields for one file besides the model it hands the rules.
#[derive(Debug, Default)]
pub struct Output {
    pub errors: Vec<ParseError>,
    pub comments: Vec<Comment>,
    pub facts: FileFacts,
    /// Why the front end left the file unchecked (a Helm template, not YAML until
    /// rendered), and what to do: reported as a note (RDY003), never an error.
    pub skipped: Option<(&'static str, &'static str)>,
    /// Roles the file's content gives it, on top of its path's (a Dockerfile whose image
    /// starts a development server is a development environment), and the rule they do
    /// not apply to: the one that reports what gave them (RUN001 reports the development
    /// server, for whoever runs such an image in production).
    pub roles: crate::roles::Roles,
    pub roles_found_by: Option<&'static str>,
}

impl Output {
    /// Records a parse error.
    pub fn error(&mut self, span: Span, what: &str, detail: impl Into<String>, help: &'static str) {
        let detail = detail.into().trim().replace('\n', " ");
        self.errors.push(ParseError {
            span,
            message: format!("cannot parse this {what}: {detail}"),
            detail,
            help,
        });
    }
}

/// Where a front end hands its parsed model: the engine runs the enabled rules here.
pub trait Sink {
    fn dockerfile(&mut self, _file: &dockerfile::Dockerfile) {}
    fn toml(&mut self, _file: &toml::TomlDoc) {}
    fn manifest(&mut self, _file: &manifest::Manifest) {}
    fn yaml(&mut self, _file: &yaml::Yaml) {}
    fn compose(&mut self, _file: &compose::ComposeFile) {}
    fn kubernetes(&mut self, _file: &kubernetes::KubeFile) {}
    fn ci(&mut self, _file: &ci::CiFile) {}
    fn python(&mut self, _file: &python::PythonFile) {}
    /// Whether the service facts ([`FileFacts::service`]) are wanted: only rules about
    /// the web service read them, and gathering them costs a pass over each file.
    fn wants_service_facts(&self) -> bool {
        false
    }
    /// Whether the file is read only for its syntax errors and its comments (parse
    /// errors asked for everywhere, suppressions): no rule checks its content, and its
    /// front end keeps no facts of it. Only the Python front end asks.
    fn syntax_only(&self) -> bool {
        false
    }
    /// The stage of this Dockerfile that the repository publishes, when it is not the
    /// final stage the file's shape names ([`dockerfile::Dockerfile::ship`]).
    fn shipped_stage(&self) -> Option<usize> {
        None
    }
    /// Whether [`Sink::rust_node`] is wanted: the Rust front end walks each file once.
    fn wants_rust_nodes(&self) -> bool {
        false
    }
    fn rust_node(
        &mut self,
        _file: &rust::RustFile<'_>,
        _node: rust::Node<'_>,
        _scope: &rust::Scope<'_>,
    ) {
    }
    fn rust(&mut self, _file: &rust::RustFile<'_>) {}
}

/// A front end: the paths it claims, and how it reads one of them.
pub trait FrontEnd: Sync {
    /// The kind this front end reads `rel_path` as, if it claims the path.
    fn claim(&self, rel_path: &str) -> Option<FileKind>;

    /// Whether this front end reads files of `kind`.
    fn handles(&self, kind: FileKind) -> bool;

    /// Reads `source` as `kind` (a kind this front end claimed): hands the model to
    /// `sink`, and records errors, comments and facts in `out`.
    fn read(
        &self,
        source: &SourceFile,
        kind: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    );
}

/// Whether a front end reads a file's language (one per file: the first that claims it)
/// or something more the file is (every one that claims it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Primary,
    Additive,
}

/// Every front end, in the order their primary claims are tried.
pub static FRONT_ENDS: &[(Claim, &dyn FrontEnd)] = &[
    (Claim::Primary, &manifest::ManifestFrontEnd),
    (Claim::Primary, &ci::CiFrontEnd),
    (Claim::Primary, &python::PythonFrontEnd),
    (Claim::Primary, &rust::RustFrontEnd),
    (Claim::Primary, &dockerfile::DockerfileFrontEnd),
    (Claim::Primary, &compose::ComposeFrontEnd),
    (Claim::Primary, &toml::TomlFrontEnd),
    (Claim::Primary, &yaml::YamlFrontEnd),
    (Claim::Additive, &ci::tasks::TasksFrontEnd),
    (Claim::Additive, &kubernetes::KubernetesFrontEnd),
    (Claim::Additive, &lockfile::LockfileFrontEnd),
    (Claim::Additive, &ReadmeFrontEnd),
];

/// The kinds `rel_path` is read as: its primary kind first, then additive ones.
pub fn classify(rel_path: &str) -> Vec<FileKind> {
    let mut kinds = Vec::new();
    let mut primary = false;
    for (claim, fe) in FRONT_ENDS {
        if *claim == Claim::Primary && primary {
            continue;
        }
        if let Some(kind) = fe.claim(rel_path) {
            primary |= *claim == Claim::Primary;
            kinds.push(kind);
        }
    }
    kinds
}

/// The front end that reads `kind`.
pub fn front_end(kind: FileKind) -> &'static dyn FrontEnd {
    FRONT_ENDS
        .iter()
        .map(|(_, fe)| *fe)
        .find(|fe| fe.handles(kind))
        .unwrap_or(&TextFrontEnd)
}

/// The README at the root: read for the docs rules, nothing to parse.
struct ReadmeFrontEnd;

impl FrontEnd for ReadmeFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        let readme = crate::source::starts_with_ignore_case(rel_path, "readme");
        (readme
            && !rel_path.contains('/')
            && matches!(rel_path.as_bytes().get(6), None | Some(b'.')))
        .then_some(FileKind::Readme)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Readme
    }

    fn read(&self, _: &SourceFile, _: FileKind, _: &mut (dyn Sink + Send), _: &mut Output) {}
}

/// A file no front end reads, selected by a declarative rule's globs: only its
/// suppression comments are read (`#` or `//` right before `readylint:`).
struct TextFrontEnd;

impl FrontEnd for TextFrontEnd {
    fn claim(&self, _: &str) -> Option<FileKind> {
        None
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Text
    }

    fn read(&self, source: &SourceFile, _: FileKind, _: &mut (dyn Sink + Send), out: &mut Output) {
        out.comments = crate::suppress::marker_comments(source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_get_their_kinds() {
        assert_eq!(
            classify("noxfile.py"),
            [FileKind::Python, FileKind::TaskFile]
        );
        assert_eq!(
            classify("web/package.json"),
            [FileKind::Manifest(manifest::ManifestKind::PackageJson)]
        );
        assert_eq!(classify("Makefile"), [FileKind::TaskFile]);
        assert_eq!(classify("README.md"), [FileKind::Readme]);
        assert_eq!(classify("docs/README.md"), Vec::<FileKind>::new());
        assert_eq!(
            classify("deploy/docker-compose.prod.yml"),
            [FileKind::Compose]
        );
        assert_eq!(classify("compose.yaml"), [FileKind::Compose]);
        assert_eq!(
            classify("values.yaml"),
            [FileKind::Yaml, FileKind::Kubernetes]
        );
        assert_eq!(classify("pyproject.toml").len(), 1);
        assert_eq!(
            classify(".github/workflows/ci.yml"),
            [FileKind::GithubWorkflow]
        );
        assert_eq!(classify("src/dockerfile.rs"), [FileKind::Rust]);
    }

    #[test]
    fn every_kind_finds_its_front_end() {
        for kind in [
            FileKind::Dockerfile,
            FileKind::Toml,
            FileKind::Yaml,
            FileKind::Compose,
            FileKind::Kubernetes,
            FileKind::Lockfile,
            FileKind::Rust,
            FileKind::GithubWorkflow,
            FileKind::GithubAction,
            FileKind::GitlabCi,
            FileKind::TaskFile,
            FileKind::Readme,
            FileKind::Python,
        ] {
            assert!(front_end(kind).handles(kind), "{kind:?}");
        }
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    fn primary(path: &str) -> Option<FileKind> {
        classify(path).first().copied()
    }

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "sub/Dockerfile.prod",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "docker/Dockerfile-dev",
            "Dockerfile_prod",
            "Dockerfile-cuda.arm64",
            "Dockerfile.nix",
        ] {
            assert_eq!(primary(yes), Some(FileKind::Dockerfile), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.j2",
            "docs/README.md",
            "dockerfile_parser.py",
            "dockerfile-utils.js",
            "Dockerfile-guide.md",
            "Dockerfile_",
        ] {
            assert_ne!(primary(no), Some(FileKind::Dockerfile), "{no}");
        }
        // Compose files have their own front end.
        assert_eq!(primary("docker-compose.yml"), Some(FileKind::Compose));
    }

    #[test]
    fn ci_names() {
        for (path, kind) in [
            (".github/workflows/ci.yml", FileKind::GithubWorkflow),
            ("fixtures/x/.github/workflows/t.yaml", FileKind::Yaml),
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
            assert_eq!(primary(path), Some(kind), "{path}");
        }
        for no in [".github/workflows/README.md", "docs/README.md"] {
            assert_eq!(primary(no), None, "{no}");
        }
        assert_eq!(primary(".github/dependabot.yml"), Some(FileKind::Yaml));
        assert_eq!(classify(".gitlab-ci.yml"), [FileKind::GitlabCi]);
    }
}
