//! Dependency manifests: which files they are ([`ManifestKind`]), how each is parsed
//! once ([`Manifest`]), and the ecosystem knowledge that several rules share — which
//! lockfiles pin which manifest, and how a version requirement of each ecosystem reads.
//!
//! TOML manifests (`Cargo.toml`, `pyproject.toml`, `Pipfile`) go through the TOML front
//! end, `package.json` through [`json`], requirements files through [`requirements`].

pub mod json;
pub mod requirements;

use crate::lang::toml::TomlDoc;
use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::SourceFile;
use crate::source::{file_name, parent_dir};

use self::json::JsonDoc;
use self::requirements::RequirementsFile;

/// Which manifest a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ManifestKind {
    Cargo,
    Pyproject,
    Pipfile,
    PackageJson,
    /// `requirements*.txt`, `*requirements*.txt`, `requirements/*.txt`, `constraints*.txt`.
    Requirements,
}

impl ManifestKind {
    /// The manifest kind of a path, by its name. `*.in` (pip-compile inputs) are not
    /// manifests: they are meant to hold ranges.
    pub fn classify(rel_path: &str) -> Option<ManifestKind> {
        let name = file_name(rel_path);
        match name {
            "Cargo.toml" => return Some(ManifestKind::Cargo),
            "pyproject.toml" => return Some(ManifestKind::Pyproject),
            "Pipfile" => return Some(ManifestKind::Pipfile),
            "package.json" => return Some(ManifestKind::PackageJson),
            _ => {}
        }
        // Asked of every file of the tree: the others go before anything is allocated.
        let ends = |suffix| crate::source::ends_with_ignore_case(name, suffix);
        if !ends(".lock") && !ends(".txt") {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        // `requirements.lock`, `requirements-dev.lock`: Rye's locks, and `pip freeze`
        // output kept under that name, are requirements files.
        if lower.starts_with("requirements") && lower.ends_with(".lock") {
            return Some(ManifestKind::Requirements);
        }
        if !lower.ends_with(".txt") {
            return None;
        }
        let dir = file_name(parent_dir(rel_path)).to_ascii_lowercase();
        let in_req_dir = matches!(dir.as_str(), "requirements" | "requirements.d" | "reqs");
        if lower.contains("requirements") || lower.starts_with("constraints") || in_req_dir {
            Some(ManifestKind::Requirements)
        } else {
            None
        }
    }

    /// How messages name the file kind.
    pub fn describe(self) -> &'static str {
        match self {
            ManifestKind::Cargo => "Cargo.toml",
            ManifestKind::Pyproject => "pyproject.toml",
            ManifestKind::Pipfile => "Pipfile",
            ManifestKind::PackageJson => "package.json",
            ManifestKind::Requirements => "requirements file",
        }
    }

    /// Whether `#` starts a comment (everything but JSON).
    pub fn has_hash_comments(self) -> bool {
        self != ManifestKind::PackageJson
    }
}

/// A parsed manifest.
#[derive(Debug, Clone)]
pub enum Manifest {
    Cargo(TomlDoc),
    Pyproject(TomlDoc),
    Pipfile(TomlDoc),
    PackageJson(JsonDoc),
    Requirements(RequirementsFile),
}

impl Manifest {
    pub fn parse(text: &str, kind: ManifestKind) -> Manifest {
        match kind {
            ManifestKind::Cargo => Manifest::Cargo(TomlDoc::parse(text)),
            ManifestKind::Pyproject => Manifest::Pyproject(TomlDoc::parse(text)),
            ManifestKind::Pipfile => Manifest::Pipfile(TomlDoc::parse(text)),
            ManifestKind::PackageJson => Manifest::PackageJson(JsonDoc::parse(text)),
            // Helm's `requirements.lock` is YAML (`dependencies:`): it pins charts, not
            // Python packages.
            ManifestKind::Requirements if is_yaml_mapping(text) => {
                Manifest::Requirements(RequirementsFile::parse(""))
            }
            ManifestKind::Requirements => Manifest::Requirements(RequirementsFile::parse(text)),
        }
    }

    /// The TOML document of a TOML manifest.
    pub fn toml(&self) -> Option<&TomlDoc> {
        match self {
            Manifest::Cargo(d) | Manifest::Pyproject(d) | Manifest::Pipfile(d) => Some(d),
            _ => None,
        }
    }

    /// Parser errors: message and byte offset.
    pub fn errors(&self) -> &[(String, usize)] {
        match self {
            Manifest::Cargo(d) | Manifest::Pyproject(d) | Manifest::Pipfile(d) => &d.errors,
            Manifest::PackageJson(d) => &d.errors,
            Manifest::Requirements(_) => &[],
        }
    }
}

/// Whether a file read as requirements is a YAML mapping: its first line that is not
/// blank or a comment is a key (`dependencies:`, `digest: sha256:…`), which no
/// requirement line is (`name @ https://…` and `--hash=sha256:…` hold no `: `).
fn is_yaml_mapping(text: &str) -> bool {
    text.lines()
        // A comment (`flask>=2  # pinned by: the image`) is no key.
        .map(|l| l.split(" #").next().unwrap_or(l).trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| !l.starts_with('-') && (l.ends_with(':') || l.contains(": ")))
}

/// Lockfiles by ecosystem. A lockfile in the manifest's directory or any directory
/// above it (a workspace root) pins the manifest.
pub const CARGO_LOCKS: &[&str] = &["Cargo.lock"];
pub const NPM_LOCKS: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
];
pub const PYTHON_LOCKS: &[&str] = &[
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile.lock",
    "pylock.toml",
];

/// Whether a git reference names one commit for good: a commit hash (7 to 40 hex
/// digits) or a version-like tag (`v1.2.3`, `1.2`, `release-1.4.0` is not one).
pub fn is_fixed_ref(r: &str) -> bool {
    let r = r.trim();
    let hex = r.len() >= 7 && r.len() <= 64 && r.chars().all(|c| c.is_ascii_hexdigit());
    let version = {
        let v = r.strip_prefix(['v', 'V']).unwrap_or(r);
        let mut parts = v.splitn(2, ['-', '+']);
        let core = parts.next().unwrap_or("");
        !core.is_empty()
            && core
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    hex || version
}

/// The front end of dependency manifests. TOML manifests are handed to the rules as
/// manifests and as TOML, from one parse; `Cargo.toml` also yields the crate facts, and
/// `package.json` its scripts for the CI rules.
pub struct ManifestFrontEnd;

impl FrontEnd for ManifestFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        ManifestKind::classify(rel_path).map(FileKind::Manifest)
    }

    fn handles(&self, kind: FileKind) -> bool {
        matches!(kind, FileKind::Manifest(_))
    }

    fn read(
        &self,
        source: &SourceFile,
        kind: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        let FileKind::Manifest(mk) = kind else {
            return;
        };
        let manifest = Manifest::parse(&source.text, mk);
        for (message, at) in manifest.errors() {
            out.error(
                *at..*at,
                mk.describe(),
                message.clone(),
                "fix the syntax; what parsed was still checked",
            );
        }
        sink.manifest(&manifest);
        if let Some(doc) = manifest.toml() {
            sink.toml(doc);
        }
        if mk.has_hash_comments() {
            out.comments = crate::suppress::hash_comments(source);
        }
        match &manifest {
            Manifest::Cargo(doc) if doc.errors.is_empty() => {
                if let ::toml::Value::Table(table) = doc.root.to_value() {
                    out.facts.rust =
                        Some(Box::new(crate::lang::rust::crates::RustFacts::Manifest(
                            crate::lang::rust::cargo::CargoManifest::from_table(&table),
                        )));
                }
            }
            Manifest::PackageJson(doc) => {
                out.facts.ci = Some(Box::new(crate::lang::ci::CiFacts {
                    tasks: Some(crate::lang::ci::tasks::package_json(doc)),
                    ..crate::lang::ci::CiFacts::default()
                }));
            }
            Manifest::Pyproject(doc) => {
                if let Some(timeout) = pyproject_pytest_timeout(doc) {
                    out.facts.ci = Some(Box::new(crate::lang::ci::CiFacts {
                        pytest_timeout: Some(timeout),
                        ..crate::lang::ci::CiFacts::default()
                    }));
                }
            }
            _ => {}
        }
        out.facts.manifest = Some(std::sync::Arc::new(manifest));
    }
}

/// Whether a `pyproject.toml` configures pytest (`[tool.pytest.ini_options]`, or
/// pytest 9's `[tool.pytest]`), and if so whether it gives each test a timeout:
/// pytest-timeout's `timeout`, or `--timeout` in `addopts` (a string or a list).
fn pyproject_pytest_timeout(doc: &TomlDoc) -> Option<bool> {
    let pytest = doc.root.get("tool").and_then(|t| t.get("pytest"))?;
    let sections = [pytest.get("ini_options"), Some(pytest)];
    Some(sections.into_iter().flatten().any(|section| {
        let timeout = section.get("timeout").and_then(|t| t.scalar_text());
        let addopts = match section.get("addopts").map(|a| a.to_value()) {
            Some(::toml::Value::String(s)) => s,
            Some(::toml::Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        crate::lang::ci::tasks::pytest_settings_timeout(timeout.as_deref(), &addopts)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pytest_timeouts_in_pyproject() {
        let timeout = |text: &str| pyproject_pytest_timeout(&TomlDoc::parse(text));
        assert_eq!(
            timeout("[tool.pytest.ini_options]\ntimeout = 10\n"),
            Some(true)
        );
        assert_eq!(
            timeout("[tool.pytest.ini_options]\naddopts = \"-ra --timeout=30\"\n"),
            Some(true)
        );
        assert_eq!(
            timeout("[tool.pytest.ini_options]\naddopts = [\"--timeout\", \"30\"]\n"),
            Some(true)
        );
        assert_eq!(timeout("[tool.pytest]\ntimeout = \"5\"\n"), Some(true));
        assert_eq!(
            timeout("[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n"),
            Some(false)
        );
        assert_eq!(
            timeout("[tool.pytest.ini_options]\ntimeout = 0\n"),
            Some(false)
        );
        assert_eq!(timeout("[project]\nname = \"x\"\n"), None);
    }

    #[test]
    fn helm_locks_are_not_requirements() {
        let helm = "dependencies:\n- name: redis-ha\n  version: 4.35.10\ndigest: sha256:45\n";
        let Manifest::Requirements(r) = Manifest::parse(helm, ManifestKind::Requirements) else {
            panic!("a requirements manifest");
        };
        assert_eq!(r.requirements().count(), 0);
        let pip = "# frozen\ndjango==4.2.7  # via: the app\ngunicorn==23.0.0\n";
        let Manifest::Requirements(r) = Manifest::parse(pip, ManifestKind::Requirements) else {
            panic!("a requirements manifest");
        };
        assert_eq!(r.requirements().count(), 2);
    }

    #[test]
    fn classify_names() {
        use ManifestKind::*;
        for (path, kind) in [
            ("Cargo.toml", Some(Cargo)),
            ("crates/x/Cargo.toml", Some(Cargo)),
            ("pyproject.toml", Some(Pyproject)),
            ("Pipfile", Some(Pipfile)),
            ("web/package.json", Some(PackageJson)),
            ("requirements.txt", Some(Requirements)),
            ("requirements-dev.txt", Some(Requirements)),
            ("dev-requirements.txt", Some(Requirements)),
            ("requirements/base.txt", Some(Requirements)),
            ("constraints.txt", Some(Requirements)),
            ("requirements.in", None),
            ("requirements.lock", Some(Requirements)),
            ("requirements-dev.lock", Some(Requirements)),
            ("poetry.lock", None),
            ("requirements/base.in", None),
            ("notes.txt", None),
            ("Pipfile.lock", None),
            ("package-lock.json", None),
        ] {
            assert_eq!(ManifestKind::classify(path), kind, "{path}");
        }
    }

    #[test]
    fn fixed_refs() {
        for yes in [
            "v1.2.3",
            "1.0",
            "0.4.0-rc1",
            "a1b2c3d",
            "0123456789abcdef0123",
        ] {
            assert!(is_fixed_ref(yes), "{yes}");
        }
        for no in [
            "main",
            "master",
            "develop",
            "release-1.0",
            "feature/x",
            "v1.x",
            "",
        ] {
            assert!(!is_fixed_ref(no), "{no}");
        }
    }
}
