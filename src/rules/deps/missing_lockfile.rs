//! DEP004 missing-lockfile.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::manifest::json::JsonDoc;
use crate::lang::manifest::{CARGO_LOCKS, Manifest, NPM_LOCKS};
use crate::lang::toml::{TomlDoc, Value};
use crate::repo::RepoIndex;
use crate::repo::find_lock;
use crate::rule::{RepoContext, Rule};
use crate::source::Span;
use crate::source::parent_dir;

declare_rule! {
    /// ## What it does
    /// Flags an application manifest with dependencies and no lockfile: a Cargo
    /// package with a binary target without `Cargo.lock`; a private `package.json`
    /// without `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`,
    /// `pnpm-lock.yaml` or `bun.lock`; a Python application's `pyproject.toml` without
    /// `poetry.lock`, `uv.lock`, `pdm.lock`, `pylock.toml` or a fully pinned
    /// requirements file; a `Pipfile` without `Pipfile.lock` or a fully pinned
    /// requirements file.
    ///
    /// ## Why it matters in production
    /// A manifest says which versions are acceptable; the lockfile says which ones were
    /// tested. Without it every build resolves afresh, so two builds of one commit can
    /// ship different code, and a bad release of any transitive dependency reaches
    /// production without a change in the repository. Per ecosystem: Cargo reads
    /// `Cargo.lock` with `cargo build --locked`; npm installs exactly the lock with
    /// `npm ci`; Poetry, uv and PDM install their lock with `poetry install`,
    /// `uv sync --locked`, `pdm sync`; pipenv with `pipenv sync`.
    ///
    /// ## Example
    /// ```toml
    /// # pyproject.toml of a service (Dockerfile beside it), no poetry.lock committed
    /// [tool.poetry.dependencies]
    /// fastapi = "^0.110"
    /// ```
    ///
    /// ## Fix
    /// Generate the lockfile (`cargo generate-lockfile`, `npm install`, `poetry lock`,
    /// `uv lock`, `pdm lock`, `pipenv lock`), commit it, and install from it in CI and
    /// in the image.
    ///
    /// ## Known limits
    /// Libraries are exempt: their users' lockfiles pin them. The kind comes from
    /// `project-type`, or, with `auto`: a Cargo package with `src/main.rs`, `src/bin/`
    /// or `[[bin]]` (for a workspace root, such a member outside examples and tests); a
    /// `pyproject.toml` with `package-mode = false` (Poetry), `package = false` (uv), a
    /// Dockerfile beside it, or console scripts without trove classifiers; a
    /// `package.json` that is `"private": true`. A lockfile in a parent directory (a
    /// workspace root) counts. A lockfile listed in `.gitignore` is not committed and
    /// does not count.
    pub MissingLockfile,
    code = "DEP004", name = "missing-lockfile", category = Dependencies, severity = Warning,
    reads = [FileKind::Manifest(ManifestKind::Cargo), FileKind::Manifest(ManifestKind::Pyproject), FileKind::Manifest(ManifestKind::Pipfile), FileKind::Manifest(ManifestKind::PackageJson), FileKind::Manifest(ManifestKind::Requirements)],
}

impl Rule for MissingLockfile {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        for (src, facts) in repo.parsed() {
            let path = &*src.rel_path;
            let dir = parent_dir(path);
            let found = match facts.manifest.as_deref() {
                Some(Manifest::Cargo(doc)) => cargo(repo, path, doc).map(|span| (span, "`Cargo.lock`", "run `cargo generate-lockfile`, commit `Cargo.lock`, and build with `--locked`")),
                Some(Manifest::PackageJson(doc)) => npm(repo, doc)
                    .filter(|_| find_lock(repo, dir, NPM_LOCKS).is_none())
                    .map(|span| (span, "a lockfile (`package-lock.json`, `yarn.lock` or `pnpm-lock.yaml`)", "run `npm install` (or yarn/pnpm), commit the lockfile, and install with `npm ci`")),
                Some(Manifest::Pyproject(doc)) => python(repo, path, doc, false)
                    .map(|span| (span, "a lockfile (`poetry.lock`, `uv.lock`, `pdm.lock`) or pinned requirements", "run `poetry lock`, `uv lock` or `pdm lock` and commit the lockfile (or commit a requirements file pinned with `==`)")),
                Some(Manifest::Pipfile(doc)) => python(repo, path, doc, true)
                    .map(|span| (span, "`Pipfile.lock`", "run `pipenv lock`, commit `Pipfile.lock`, and install with `pipenv sync`")),
                _ => None,
            };
            if let Some((span, lock, help)) = found {
                cx.report(
                    &Self::META,
                    path,
                    span,
                    format!("application manifest without {lock}: every build resolves its dependencies afresh"),
                    help,
                );
            }
        }
    }
}

/// The span to anchor at when a Cargo manifest is an application that needs a lock.
fn cargo(repo: &RepoIndex, path: &str, doc: &TomlDoc) -> Option<Span> {
    if !super::cargo_is_app(repo, path, doc) {
        return None;
    }
    let dir = parent_dir(path);
    if find_lock(repo, dir, CARGO_LOCKS).is_some() {
        return None;
    }
    // A workspace member is reported once, at its workspace root.
    if doc.root.get("workspace").is_none() && in_workspace(repo, dir) {
        return None;
    }
    let has_deps = ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .any(|t| !doc.select(&format!("{t}.*")).is_empty())
        || !doc.select("target.*.dependencies.*").is_empty()
        || doc.root.get("workspace").is_some();
    if !has_deps {
        return None;
    }
    let (key, _) = match &doc.root.value {
        Value::Table(entries) => entries
            .iter()
            .find(|(k, _)| k.name == "workspace")
            .or_else(|| entries.iter().find(|(k, _)| k.name == "package"))?,
        _ => return None,
    };
    Some(key.span.clone())
}

/// Whether a Cargo manifest above `dir` declares a `[workspace]`.
fn in_workspace(repo: &RepoIndex, dir: &str) -> bool {
    let mut d = dir;
    while !d.is_empty() {
        d = parent_dir(d);
        let manifest = if d.is_empty() {
            "Cargo.toml".to_string()
        } else {
            format!("{d}/Cargo.toml")
        };
        if let Some(Manifest::Cargo(doc)) = repo
            .parsed()
            .find(|(s, _)| *s.rel_path == *manifest)
            .and_then(|(_, f)| f.manifest.as_deref())
            && doc.root.get("workspace").is_some()
        {
            return true;
        }
    }
    false
}

fn npm(repo: &RepoIndex, doc: &JsonDoc) -> Option<Span> {
    if !super::package_json_is_app(repo, doc) {
        return None;
    }
    let root = doc.root.as_ref()?;
    ["dependencies", "devDependencies", "optionalDependencies"]
        .iter()
        .filter_map(|t| root.get(t))
        .find(|m| !m.value.members().is_empty())
        .map(|m| m.key_span.clone())
}

fn python(repo: &RepoIndex, path: &str, doc: &TomlDoc, pipfile: bool) -> Option<Span> {
    let app = match super::configured_app(repo) {
        Some(app) => app,
        None => pipfile || super::pyproject_is_app(repo, path, doc),
    };
    if !app
        || super::python_deps(doc, pipfile).is_empty()
        || super::python_locked(repo, path, pipfile)
    {
        return None;
    }
    let anchor = if pipfile {
        ["packages", "dev-packages"]
            .iter()
            .find_map(|t| doc.select(t).into_iter().next())
    } else {
        doc.select("tool.poetry")
            .into_iter()
            .next()
            .or_else(|| doc.select("project").into_iter().next())
            .or_else(|| doc.select("dependency-groups").into_iter().next())
    };
    anchor.and_then(|(k, _)| k).map(|k| k.span.clone())
}
