//! Dependency rules (DEP001–DEP007), and what they share: whether a manifest belongs to
//! an application or a library, whether a lockfile pins it, and how each ecosystem
//! writes "any version".
//!
//! The policy, the same in every ecosystem:
//! - a library's declared ranges are its contract with its users, not a build: they
//!   are not asked to pin (DEP004 does not apply either);
//! - an application with its lockfile is pinned, ranges and all;
//! - what no lockfile makes safe is flagged everywhere it matters: a git dependency
//!   that follows a branch (the locked commit can be rewritten away) and an npm
//!   dist-tag (`latest`) in an application.

pub mod missing_lockfile;
pub mod unpinned_cargo_dependency;
pub mod unpinned_npm_dependency;
pub mod unpinned_python_requirement;

use crate::lang::manifest::json::JsonDoc;
use crate::lang::toml::{Node, TomlDoc, Value};
use crate::repo::ProjectType;
use crate::repo::RepoIndex;
use crate::source::parent_dir;

/// `dir/` for a non-root directory, "" for the root.
fn prefix(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

/// The configured project type, if it decides: `Some(true)` for an application.
fn configured_app(repo: &RepoIndex) -> Option<bool> {
    match repo.project_type() {
        ProjectType::Auto => None,
        ProjectType::Service | ProjectType::Cli => Some(true),
        ProjectType::Library => Some(false),
    }
}

/// A Cargo manifest is an application when its package has a binary target
/// (`src/main.rs`, `src/bin/`, `[[bin]]`), or, for a workspace root, when a member
/// below it has one.
pub fn cargo_is_app(repo: &RepoIndex, rel_path: &str, doc: &TomlDoc) -> bool {
    if let Some(app) = configured_app(repo) {
        return app;
    }
    let dir = parent_dir(rel_path);
    if is_sample_path(dir) {
        return false;
    }
    let p = prefix(dir);
    if doc.root.get("package").is_some()
        && (doc.root.get("bin").is_some() || repo.dir_has(dir, "src/main.rs") || {
            let bin_dir = format!("{p}src/bin/");
            repo.files()
                .any(|f| f.starts_with(&bin_dir) && f.ends_with(".rs"))
        })
    {
        return true;
    }
    if doc.root.get("workspace").is_some() {
        return repo.files().any(|f| {
            f.strip_prefix(p.as_str()).is_some_and(|rest| {
                (rest.ends_with("/src/main.rs") || rest.contains("/src/bin/"))
                    && !is_sample_path(rest)
            })
        });
    }
    false
}

/// Paths of examples, tests, benchmarks, fuzz targets and build helpers: their
/// binaries are not what a workspace ships.
pub fn is_sample_path(rel: &str) -> bool {
    rel.split('/').any(|part| {
        let p = part.to_ascii_lowercase();
        p.contains("test")
            || p.contains("example")
            || p.contains("bench")
            || p.contains("fuzz")
            || matches!(p.as_str(), "demo" | "demos" | "samples" | "xtask")
    })
}

/// A `pyproject.toml` is an application when Poetry's `package-mode = false` or uv's
/// `package = false` says it is not a package; otherwise not when it is published
/// (trove classifiers); else when a Dockerfile is built beside it (or in its
/// `docker/`/`deploy/` directory), or when it has console scripts.
pub fn pyproject_is_app(repo: &RepoIndex, rel_path: &str, doc: &TomlDoc) -> bool {
    if let Some(app) = configured_app(repo) {
        return app;
    }
    let poetry = doc.root.get("tool").and_then(|t| t.get("poetry"));
    let is_false = |n: Option<&Node>| matches!(n.map(|n| &n.value), Some(Value::Bool(false)));
    if is_false(poetry.and_then(|p| p.get("package-mode")))
        || is_false(
            doc.root
                .get("tool")
                .and_then(|t| t.get("uv"))
                .and_then(|u| u.get("package")),
        )
    {
        return true;
    }
    // Trove classifiers say the package is published: its ranges are for its users to
    // resolve, even when it also ships a Dockerfile (a demo or benchmark image).
    let project = doc.root.get("project");
    let classifiers = project.and_then(|p| p.get("classifiers")).is_some()
        || poetry.and_then(|p| p.get("classifiers")).is_some();
    if classifiers {
        return false;
    }
    if has_dockerfile(repo, parent_dir(rel_path)) {
        return true;
    }
    project.and_then(|p| p.get("scripts")).is_some()
        || poetry.and_then(|p| p.get("scripts")).is_some()
}

/// Whether a Dockerfile is built from `dir` (beside it, or in its `docker/` or
/// `deploy/` directory).
fn has_dockerfile(repo: &RepoIndex, dir: &str) -> bool {
    let p = prefix(dir);
    repo.files().any(|f| {
        f.strip_prefix(p.as_str()).is_some_and(|rest| {
            let sub = parent_dir(rest);
            matches!(sub, "" | "docker" | "deploy" | "deployment")
                && crate::lang::dockerfile::is_dockerfile_name(crate::source::file_name(f))
        })
    })
}

/// Whether the Python project a file belongs to is a library: the nearest
/// `pyproject.toml` (with `[project]` or `[tool.poetry]`) or `setup.py`/`setup.cfg` at or
/// above its directory is not an application, or `project-type = "library"`.
pub fn in_python_library(repo: &RepoIndex, rel_path: &str) -> bool {
    use crate::lang::manifest::Manifest;
    if let Some(app) = configured_app(repo) {
        return !app;
    }
    let mut dir = parent_dir(rel_path);
    loop {
        let pyproject = format!("{}pyproject.toml", prefix(dir));
        let parsed = repo
            .parsed()
            .find(|(s, _)| *s.rel_path == *pyproject)
            .and_then(|(_, f)| f.manifest.as_deref());
        if let Some(Manifest::Pyproject(doc)) = parsed {
            let tool_poetry = doc.root.get("tool").and_then(|t| t.get("poetry"));
            if doc.root.get("project").is_some() || tool_poetry.is_some() {
                return !pyproject_is_app(repo, &pyproject, doc);
            }
        }
        if repo.dir_has(dir, "setup.py") || repo.dir_has(dir, "setup.cfg") {
            return !has_dockerfile(repo, dir);
        }
        if dir.is_empty() {
            return false;
        }
        dir = parent_dir(dir);
    }
}

/// A `package.json` is an application when it is `"private": true` (it is never
/// published, so nothing but its own lockfile pins what it runs with).
pub fn package_json_is_app(repo: &RepoIndex, doc: &JsonDoc) -> bool {
    if let Some(app) = configured_app(repo) {
        return app;
    }
    doc.root
        .as_ref()
        .and_then(|r| r.get("private"))
        .is_some_and(|m| matches!(&m.value.value, crate::lang::manifest::json::JsonValue::Scalar(s) if s == "true"))
}

/// What is loose about one Python dependency declared in a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PyLoose {
    /// No version at all (`"requests"`, `"*"`): a lockfile pins it.
    Any,
    /// A git source without a commit or version tag.
    Branch,
}

/// One dependency of a `pyproject.toml` or `Pipfile`.
#[derive(Debug, Clone)]
pub struct PyDep {
    pub name: String,
    pub span: crate::source::Span,
    pub loose: Option<PyLoose>,
    /// Declared for development only: in a dev, test, docs or lint group or extra
    /// (`[project.optional-dependencies] dev`, `[dependency-groups] test`, Poetry's
    /// `group.lint`, Pipfile's `dev-packages`), not installed where the service runs.
    pub dev: bool,
}

/// The words that name what is for development, tests (of any kind), docs, linting,
/// CI, the build or release tooling, in a requirements file's name
/// (`requirements-dev.txt`, `functest_requirements.txt`, `requirements.shipit.txt`) or
/// a dependency group's (`test`, `lint-tools`).
const DEV_WORDS: [&str; 32] = [
    "dev",
    "devel",
    "develop",
    "development",
    "test",
    "tests",
    "testing",
    "unittest",
    "unittests",
    "functest",
    "functests",
    "functional",
    "integration",
    "integrations",
    "acceptance",
    "e2e",
    "smoke",
    "perf",
    "bench",
    "benchmarks",
    "docs",
    "doc",
    "readthedocs",
    "rtd",
    "lint",
    "typing",
    "types",
    "mypy",
    "stubs",
    "build",
    "ci",
    "shipit",
];

/// Whether a dependency group or extra, or a requirements file's name, is for
/// development (see [`DEV_WORDS`]).
pub fn is_dev_group(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['-', '_', '.'])
        .any(|w| DEV_WORDS.contains(&w))
}

/// The dependencies a `pyproject.toml` (PEP 621, PEP 735 groups, Poetry, PDM, uv) or a
/// `Pipfile` declares.
pub fn python_deps(doc: &TomlDoc, pipfile: bool) -> Vec<PyDep> {
    use crate::lang::manifest::requirements::{Entry, parse_requirement};
    let mut out = Vec::new();
    let mut pep508 = |node: &Node, dev: bool| {
        let Some(text) = node.as_str() else {
            return;
        };
        match parse_requirement(text.trim(), node.span.clone(), false) {
            Entry::Requirement(r) if !r.name.is_empty() => out.push(PyDep {
                name: r.name,
                span: node.span.clone(),
                loose: r.specifier.is_empty().then_some(PyLoose::Any),
                dev,
            }),
            Entry::Url { name, pinned, .. } => out.push(PyDep {
                name: name.unwrap_or_default(),
                span: node.span.clone(),
                loose: (!pinned).then_some(PyLoose::Branch),
                dev,
            }),
            _ => {}
        }
    };
    if pipfile {
        for table in ["packages", "dev-packages"] {
            for (k, v) in doc.select(&format!("{table}.*")) {
                if let Some(k) = k {
                    out.push(table_dep(k, v, "ref", table == "dev-packages"));
                }
            }
        }
        return out;
    }
    // Whether each table is for development: always, never, or (`None`) as its group's
    // name says.
    for (path, dev) in [
        ("project.dependencies.*", Some(false)),
        ("project.optional-dependencies.*.*", None),
        ("dependency-groups.*.*", None),
        ("tool.uv.dev-dependencies.*", Some(true)),
        ("tool.pdm.dev-dependencies.*.*", Some(true)),
    ] {
        for (group, node) in doc.select(path) {
            // The key of an array's item is its array's: the group's name.
            let dev = dev.unwrap_or_else(|| group.is_some_and(|g| is_dev_group(&g.name)));
            pep508(node, dev);
        }
    }
    for (k, v) in doc.select("tool.poetry.dependencies.*") {
        match k {
            Some(k) if !k.name.eq_ignore_ascii_case("python") => {
                out.push(table_dep(k, v, "rev", false));
            }
            _ => {}
        }
    }
    for (k, v) in doc.select("tool.poetry.dev-dependencies.*") {
        if let Some(k) = k {
            out.push(table_dep(k, v, "rev", true));
        }
    }
    for (group, deps) in doc.select("tool.poetry.group.*") {
        let dev = group.is_some_and(|g| is_dev_group(&g.name));
        if let Some(Value::Table(entries)) = deps.get("dependencies").map(|d| &d.value) {
            for (k, v) in entries {
                out.push(table_dep(k, v, "rev", dev));
            }
        }
    }
    for (k, v) in doc.select("tool.uv.sources.*") {
        if let (Some(k), Some(_)) = (k, v.get("git")) {
            out.push(table_dep(k, v, "rev", false));
        }
    }
    out
}

/// A Poetry/Pipfile/uv-sources entry: `"*"`, `"^1.2"`, or a table.
fn table_dep(key: &crate::lang::toml::Key, v: &Node, rev_key: &str, dev: bool) -> PyDep {
    use crate::lang::manifest::is_fixed_ref;
    let any = |s: &str| matches!(s.trim(), "*" | "");
    let (span, loose) = match &v.value {
        Value::String(s) => (v.span.clone(), any(s).then_some(PyLoose::Any)),
        Value::Table(_) => {
            let fixed = |k: &str| v.get(k).and_then(Node::as_str).is_some_and(is_fixed_ref);
            if let Some(git) = v.get("git") {
                if v.get(rev_key).is_some() || v.get("rev").is_some() || fixed("tag") {
                    (git.span.clone(), None)
                } else {
                    let span = v.get("branch").unwrap_or(git).span.clone();
                    (span, Some(PyLoose::Branch))
                }
            } else if ["path", "file", "url", "editable", "workspace"]
                .iter()
                .any(|k| v.get(k).is_some())
            {
                (v.span.clone(), None)
            } else {
                match v.get("version") {
                    Some(ver) => (
                        ver.span.clone(),
                        ver.as_str().is_some_and(any).then_some(PyLoose::Any),
                    ),
                    None => (key.span.clone(), Some(PyLoose::Any)),
                }
            }
        }
        _ => (v.span.clone(), None),
    };
    PyDep {
        name: key.name.clone(),
        span,
        loose,
        dev,
    }
}

/// Whether a Python manifest is pinned: by a lockfile in its directory or above
/// (`Pipfile.lock` for a `Pipfile`), or by a requirements file beside it (or in its
/// `requirements/` directory) that pins every line.
pub fn python_locked(repo: &RepoIndex, rel_path: &str, pipfile: bool) -> bool {
    use crate::lang::manifest::{Manifest, PYTHON_LOCKS};
    use crate::repo::find_lock;
    let dir = parent_dir(rel_path);
    let lock_files: &[&str] = if pipfile {
        &["Pipfile.lock"]
    } else {
        PYTHON_LOCKS
    };
    if find_lock(repo, dir, lock_files).is_some() {
        return true;
    }
    // A fully pinned requirements file beside the manifest (or in its `requirements/`)
    // is its lock: what is deployed installs from it (`pipenv requirements >
    // requirements.txt`, `pip-compile`).
    let req_dir = format!("{}requirements", prefix(dir));
    repo.parsed().any(|(src, facts)| {
        let d = parent_dir(&src.rel_path);
        (d == dir || d == req_dir)
            && !crate::source::file_name(&src.rel_path)
                .to_ascii_lowercase()
                .starts_with("constraints")
            && matches!(facts.manifest.as_deref(), Some(Manifest::Requirements(r)) if r.fully_pinned())
    })
}
