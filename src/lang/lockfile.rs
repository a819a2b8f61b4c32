//! Python lockfiles, read for the versions they pin: `uv.lock`, `poetry.lock`,
//! `pdm.lock`, `pylock.toml` (PEP 751, also `pylock.<name>.toml`) and `Pipfile.lock`.
//! Only the package names and versions are kept (as facts, so the cache keeps them
//! too); a lockfile is read only when a selected rule asks for it.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::manifest::requirements::normalise;
use super::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, file_name};

/// The versions a lockfile pins, by normalised package name (PEP 503).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LockFacts {
    pub versions: BTreeMap<String, String>,
}

/// Whether a file name is a Python lockfile this front end reads.
pub fn is_python_lock(name: &str) -> bool {
    matches!(
        name,
        "uv.lock" | "poetry.lock" | "pdm.lock" | "Pipfile.lock"
    ) || name == "pylock.toml"
        || (name.starts_with("pylock.") && name.ends_with(".toml"))
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
}

/// `uv.lock`, `poetry.lock`, `pdm.lock`: `[[package]]`; `pylock.toml`: `[[packages]]`.
#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct PipfileEntry {
    version: Option<String>,
}

/// `Pipfile.lock`: `{"default": {"flask": {"version": "==3.0.3"}}, "develop": …}`.
#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: BTreeMap<String, PipfileEntry>,
}

impl LockFacts {
    /// Reads a lockfile; `Err` holds the parser's message and the byte offset.
    pub fn parse(name: &str, text: &str) -> Result<LockFacts, (String, usize)> {
        let mut versions = BTreeMap::new();
        if name == "Pipfile.lock" {
            let lock: PipfileLock = serde_json::from_str(text).map_err(|e| {
                let offset = super::manifest::json::offset_of(text, e.line(), e.column());
                (e.to_string(), offset)
            })?;
            for (name, entry) in lock.default {
                if let Some(v) = entry.version.as_deref().and_then(|v| v.strip_prefix("==")) {
                    versions.insert(normalise(&name), v.to_string());
                }
            }
        } else {
            let lock: TomlLock = toml::from_str(text).map_err(|e| {
                let offset = e.span().map_or(0, |s| s.start);
                (e.message().to_string(), offset)
            })?;
            for p in lock.package.into_iter().chain(lock.packages) {
                if let Some(v) = p.version {
                    versions.insert(normalise(&p.name), v);
                }
            }
        }
        Ok(LockFacts { versions })
    }
}

pub struct LockfileFrontEnd;

impl FrontEnd for LockfileFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        is_python_lock(file_name(rel_path)).then_some(FileKind::Lockfile)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Lockfile
    }

    fn read(&self, source: &SourceFile, _: FileKind, _: &mut (dyn Sink + Send), out: &mut Output) {
        match LockFacts::parse(file_name(&source.rel_path), &source.text) {
            Ok(facts) => out.facts.lock = Some(facts),
            Err((message, offset)) => {
                let at = offset.min(source.text.len());
                out.error(
                    at..at,
                    "lockfile",
                    message,
                    "regenerate it with the tool that wrote it (`uv lock`, `poetry lock`, `pdm lock`, `pipenv lock`); its pins were not read",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_versions_of_each_format() {
        let uv = "version = 1\n[[package]]\nname = \"Flask\"\nversion = \"3.0.3\"\n[[package]]\nname = \"my_app\"\nsource = { editable = \".\" }\n";
        let facts = LockFacts::parse("uv.lock", uv).unwrap();
        assert_eq!(
            facts.versions.get("flask").map(String::as_str),
            Some("3.0.3")
        );
        assert!(!facts.versions.contains_key("my-app"));
        let pylock =
            "lock-version = \"1.0\"\n[[packages]]\nname = \"zope.interface\"\nversion = \"7.0\"\n";
        let facts = LockFacts::parse("pylock.toml", pylock).unwrap();
        assert_eq!(
            facts.versions.get("zope-interface").map(String::as_str),
            Some("7.0")
        );
        let pipfile = r#"{"_meta": {}, "default": {"requests": {"version": "==2.32.3"}}, "develop": {"pytest": {"version": "==8.0.0"}}}"#;
        let facts = LockFacts::parse("Pipfile.lock", pipfile).unwrap();
        assert_eq!(
            facts.versions.get("requests").map(String::as_str),
            Some("2.32.3")
        );
        assert!(
            !facts.versions.contains_key("pytest"),
            "development packages are not deployed"
        );
    }

    #[test]
    fn a_broken_lockfile_is_an_error_with_a_place() {
        let (message, offset) =
            LockFacts::parse("poetry.lock", "[[package]]\nname = \n").unwrap_err();
        assert!(!message.is_empty());
        assert!(offset > 0);
        assert!(LockFacts::parse("Pipfile.lock", "{\"default\": [").is_err());
    }

    #[test]
    fn lockfiles_are_known_by_name() {
        assert!(is_python_lock("pylock.prod.toml"));
        assert!(!is_python_lock("Cargo.lock"));
    }
}
