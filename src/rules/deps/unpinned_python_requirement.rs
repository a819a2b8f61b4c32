//! DEP001 unpinned-python-requirement.

use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use std::collections::{BTreeMap, BTreeSet};

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::lockfile::LockFacts;
use crate::lang::manifest::Manifest;
use crate::lang::manifest::requirements::{Entry, RequirementsFile};
use crate::repo::RepoIndex;
use crate::rule::{OptionKind, OptionMeta, RepoContext, Rule};
use crate::source::{file_name, parent_dir};

use super::{PyLoose, pyproject_is_app, python_deps, python_locked};

declare_rule! {
    /// ## What it does
    /// Flags requirements-file lines that are not pinned with `==` or `===` (and are not
    /// pinned by a constraints file), git requirements without a commit, and, in a
    /// Python application with no lockfile, `pyproject.toml`/`Pipfile` dependencies
    /// that name no version at all (`"requests"`, `"*"`).
    ///
    /// ## Why it matters in production
    /// `pip install -r requirements.txt` installs the newest release that matches each
    /// line on the day of the build. With `flask>=2` the image built on Monday and the
    /// one built on Friday differ, and a release of any dependency can break production
    /// with no change in the repository. A requirements file is the lock of a
    /// pip-based deployment: every line should be exact, ideally with `--hash`.
    ///
    /// ## Example
    /// ```text
    /// # requirements.txt
    /// flask[async]>=2; python_version >= "3.8"
    /// git+https://github.com/acme/tool@main#egg=tool
    /// ```
    ///
    /// ## Fix
    /// ```text
    /// # requirements.txt, compiled from requirements.in by pip-compile or uv
    /// flask[async]==3.0.3; python_version >= "3.8"
    /// git+https://github.com/acme/tool@9f2c1e4#egg=tool
    /// ```
    ///
    /// ## Known limits
    /// Not in the default set: measured on services it was never tuned on, about one
    /// line in four was worth pinning (the owners would rather drop a package nothing
    /// imports, leave a transitive one to the library that needs it, or keep the ranges
    /// of a file that feeds users' own code); DEP004 still reports an application with
    /// no lock at all. A line bounded from above is held to the releases its owner chose, and is not
    /// flagged (measured on real services, nobody acted on one of 15): the patch
    /// releases of one version (`==1.26.*`, `~=1.26.4`, `>=1.26.2,<1.27`), a
    /// compatible-release range (`>=4.2,<5`, `~=1.26`, `==1.*`), or a cap that keeps
    /// out a release line (`Markdown<3.0`, `requests<2.32`). A bare name, `>=1.26`
    /// and `!=1.3` install any future release, major ones included, and are flagged,
    /// in a file that holds at least one of its lines (pinned, held to a release line
    /// as `~=1.26` or `>=4.2,<5` are, or pinned by a constraints file or lock; a cap
    /// alone such as `urllib3<2` keeps out a release that broke something and says
    /// nothing of the other lines): in a file that holds none, the ranges were
    /// chosen as ranges, the input of a lock or the environment of a notebook, a tool
    /// or a package, and are not flagged (measured on unseen services, 10 % of such
    /// lines were worth acting on, against 68 % in files that pin others; a git URL
    /// that follows a branch is still flagged there); `loose-files = true` flags them
    /// too. A name
    /// pinned on another line of the same file (`bleach[css]` beside `bleach==6.3.0`)
    /// is pinned. Test, lint and debugging tools (`pytest` and its plugins, `mock`,
    /// `coverage`, `factory-boy`, `selenium`, `flake8`, `mypy`, `types-*`,
    /// `django-debug-toolbar`, …) and documentation builders (`mkdocs` and its plugins,
    /// `sphinx`, `sphinxcontrib-*`, `furo`, …) are not flagged in any file: the serving
    /// code never imports them, and a requirements file that is mostly documentation
    /// builders builds the docs site, not the service, and is not checked. `*.in` files are pip-compile inputs and are not read. Lines pinned by a `-c`
    /// constraints file (included by the file, by a file that includes it, or any
    /// `constraints*.txt` in its directory or above) are fine; files named
    /// `constraints*.txt` and files only ever used with `-c` are limits, not installs,
    /// and are not checked. A requirements file in the same directory that pins every
    /// name it lists (`pip freeze` output, git lines appended or not) counts as the
    /// lock of the others, and one beside a `requirements/` folder as the
    /// lock of the files in it (an input such as `base_requirements.txt` beside
    /// the pinned `requirements.txt`, `requirements/prod.txt` that `pip freeze` writes
    /// into `requirements.txt` beside the folder, or `requirements.txt` beside the
    /// `requirements.lock` that `pip freeze` or Rye writes from it and the image
    /// installs). A Helm chart's `requirements.lock` (YAML) is not a requirements file. An included file whose name does not look like a
    /// requirements file is not read. Requirements files named for development, tests,
    /// docs, linting, typing, CI or the build, a kind of test suite or release tooling
    /// (`requirements-dev.txt`, `test-requirements.txt`, `requirements/docs.txt`,
    /// `requirements/devel.txt`, `requirements/readthedocs.txt`,
    /// `build-requirements.txt`, `integration_requirements.txt`,
    /// `unittest_requirements.txt`, `requirements.shipit.txt`, `requirements_types.txt`) are
    /// not installed in what is deployed and are not checked, nor are files in the
    /// folders listed below; likewise a manifest's development groups and extras
    /// (`[project.optional-dependencies] dev`, `[dependency-groups] test`, Poetry's
    /// `group.lint`, Pipfile's `dev-packages`). A manifest's dependency that a
    /// requirements file beside it lists is reported there, if anywhere, not twice. In a library (the nearest `pyproject.toml` is not
    /// an application, or only `setup.py` is there, or `project-type = "library"`),
    /// requirements files feed its tests and docs, not a deployment, and are not checked. Libraries declare ranges in `pyproject.toml` on
    /// purpose and are not asked to pin; so are the version ranges of a requirements
    /// file that a `setup.py` reads for its package's `install_requires`
    /// (`read("requirements.txt")`, `open(BASE_DIR / "requirements.txt")`), even where
    /// the repository also builds an image from
    /// it: they are what the published package asks of its users (a git requirement
    /// there that follows a branch is still reported); an application with `poetry.lock`, `uv.lock`,
    /// `pdm.lock`, `Pipfile.lock`, `pylock.toml` or a fully pinned requirements file
    /// beside it is pinned by that.
    ///
    /// `readylint check --fix` pins a requirements line to the version that a Python
    /// lockfile in its directory or above (`uv.lock`, `poetry.lock`, `pdm.lock`,
    /// `pylock.toml`, `Pipfile.lock`) pins: `flask>=2` becomes `flask==3.0.3`, extras
    /// and markers kept. Safe: that is the version the project runs. Offered only when the
    /// locked version satisfies the line's own specifier (a line asking for `<2` is left
    /// to the user) and is a plain release.
    pub UnpinnedPythonRequirement,
    code = "DEP001", name = "unpinned-python-requirement", category = Dependencies, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    options = [OptionMeta {
        name: "loose-files",
        kind: OptionKind::Bool,
        default: "false",
        doc: "also check requirements files that pin none of their lines (lists of ranges, such as the input of a lock)",
    }],
    // Python: a `setup.py` says which requirements files are its package's ranges.
    reads = [FileKind::Python, FileKind::Manifest(ManifestKind::Cargo), FileKind::Manifest(ManifestKind::Pyproject), FileKind::Manifest(ManifestKind::Pipfile), FileKind::Manifest(ManifestKind::PackageJson), FileKind::Manifest(ManifestKind::Requirements), FileKind::Lockfile],
    fix = Safe,
}

/// A release version (`3.0.3`) as numbers; `None` for pre-, post- and dev releases,
/// local versions and epochs, which the fix leaves alone.
fn release(v: &str) -> Option<Vec<u64>> {
    v.trim()
        .split('.')
        .map(|p| p.parse::<u64>().ok())
        .collect::<Option<Vec<u64>>>()
        .filter(|r| !r.is_empty())
}

fn compare(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Whether `version` satisfies every clause of `specifier` (PEP 440 comparison of
/// release versions); `None` when a clause is not understood.
fn satisfies(version: &str, specifier: &str) -> Option<bool> {
    use std::cmp::Ordering::*;
    let v = release(version)?;
    for clause in specifier
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let op_len = clause
            .find(|c: char| c.is_ascii_digit() || c.is_whitespace())
            .unwrap_or(clause.len());
        let (op, rest) = clause.split_at(op_len);
        let rest = rest.trim();
        let ok = if let Some(prefix) = rest.strip_suffix(".*") {
            let p = release(prefix)?;
            let matches = v.len() >= p.len() && v[..p.len()] == p[..];
            match op {
                "==" => matches,
                "!=" => !matches,
                _ => return None,
            }
        } else {
            let b = release(rest)?;
            let o = compare(&v, &b);
            match op {
                "==" | "===" => o == Equal,
                "!=" => o != Equal,
                ">=" => o != Less,
                ">" => o == Greater,
                "<=" => o != Greater,
                "<" => o == Less,
                // `~=1.4.2`: `>=1.4.2, ==1.4.*`.
                "~=" if b.len() >= 2 => {
                    o != Less && v.len() >= b.len() - 1 && v[..b.len() - 1] == b[..b.len() - 1]
                }
                _ => return None,
            }
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// The fix that pins `r` to the version the lockfile pins, when that version satisfies
/// what the line asks for and the line is written as parsed.
fn lock_fix(
    text: &str,
    r: &crate::lang::manifest::requirements::Requirement,
    lock: &LockFacts,
) -> Option<Fix> {
    let version = lock.versions.get(&r.key)?;
    if !satisfies(version, &r.specifier)? {
        return None;
    }
    if text.get(r.specifier_span.clone())?.trim() != r.specifier {
        return None;
    }
    Some(Fix::safe(vec![Edit::replace(
        r.specifier_span.clone(),
        format!("=={version}"),
    )]))
}

/// The requirements files that a `setup.py` reads for its package's `install_requires`
/// (`install_requires=read("requirements.txt").splitlines()`): their versions are the
/// ranges a published package asks of its users' environments, which a pin would break,
/// whatever else the repository builds from them.
fn package_ranges(repo: &RepoIndex) -> BTreeSet<String> {
    repo.parsed()
        .filter(|(src, _)| file_name(&src.rel_path) == "setup.py")
        .filter_map(|(src, facts)| Some((parent_dir(&src.rel_path), facts.python.as_ref()?)))
        .flat_map(|(dir, py)| {
            py.install_requires_from
                .iter()
                .map(move |f| crate::source::join_path(dir, f))
        })
        .collect()
}

/// Whether `file` holds any of its requirements to releases its owner chose: a line
/// with `==`/`===`, one held to a release line (`~=1.26`, `==1.26.*`, `>=4.2,<5`), a
/// URL at a commit, or a name in `pins` (constraints, a lock beside it, another line).
/// A cap alone (`urllib3<2`) keeps out one release that broke something; it says
/// nothing of how the file's other lines were meant.
fn holds_anything(file: &RequirementsFile, pins: &BTreeSet<String>) -> bool {
    file.entries.iter().any(|e| match e {
        Entry::Requirement(r) => {
            r.pinned || pins.contains(&r.key) || held_to_a_release_line(&r.specifier)
        }
        Entry::Url { pinned, .. } => *pinned,
        _ => false,
    })
}

/// `~=1.26`, `==1.26.*`, or a lower bound with an upper one (`>=4.2,<5`): a range
/// [`compatible_releases_only`] accepts that is not a cap alone.
fn held_to_a_release_line(specifier: &str) -> bool {
    compatible_releases_only(specifier)
        && specifier
            .split(',')
            .map(str::trim)
            .any(|c| c.starts_with('>') || c.starts_with("~=") || c.starts_with("=="))
}

/// Joins an include path to the directory of the file that names it.
fn resolve(from: &str, include: &str) -> Option<String> {
    if include.contains("://") || include.starts_with('/') || include.contains('$') {
        return None;
    }
    let mut parts: Vec<&str> = parent_dir(from)
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    for p in include.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

struct Graph<'a> {
    files: BTreeMap<&'a str, &'a RequirementsFile>,
    /// path → (included path, is a constraint)
    edges: BTreeMap<&'a str, Vec<(String, bool)>>,
}

impl<'a> Graph<'a> {
    fn new(repo: &'a RepoIndex) -> Self {
        let mut files = BTreeMap::new();
        let mut edges: BTreeMap<&str, Vec<(String, bool)>> = BTreeMap::new();
        for (src, facts) in repo.parsed() {
            if let Some(Manifest::Requirements(r)) = facts.manifest.as_deref() {
                files.insert(&*src.rel_path, r);
                for e in &r.entries {
                    if let Entry::Include {
                        path, constraint, ..
                    } = e
                        && let Some(to) = resolve(&src.rel_path, path)
                    {
                        edges
                            .entry(&*src.rel_path)
                            .or_default()
                            .push((to, *constraint));
                    }
                }
            }
        }
        Graph { files, edges }
    }

    fn used_as_constraint_only(&self, path: &str) -> bool {
        let mut as_c = false;
        for list in self.edges.values() {
            for (to, c) in list {
                if to == path {
                    if !*c {
                        return false;
                    }
                    as_c = true;
                }
            }
        }
        as_c
    }

    /// Names pinned by the constraints that apply when `path` is installed.
    fn constraint_pins(&self, repo: &RepoIndex, path: &str) -> BTreeSet<String> {
        // The files installed together with `path`: those it includes and those that
        // include it, transitively.
        let mut together: BTreeSet<String> = BTreeSet::from([path.to_string()]);
        let mut changed = true;
        while changed {
            changed = false;
            for (from, list) in &self.edges {
                for (to, c) in list {
                    if *c {
                        continue;
                    }
                    let (a, b) = (together.contains(*from), together.contains(to));
                    if a && !b {
                        changed |= together.insert(to.clone());
                    } else if b && !a {
                        changed |= together.insert((*from).to_string());
                    }
                }
            }
        }
        let mut constraints: Vec<String> = together
            .iter()
            .flat_map(|f| self.edges.get(f.as_str()).into_iter().flatten())
            .filter(|(_, c)| *c)
            .map(|(to, _)| to.clone())
            .collect();
        let mut dir = parent_dir(path);
        loop {
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            constraints.extend(
                repo.files()
                    .filter(|f| {
                        f.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                            !rest.contains('/')
                                && rest.to_ascii_lowercase().starts_with("constraints")
                        })
                    })
                    .map(str::to_string),
            );
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(dir);
        }
        let mut seen = BTreeSet::new();
        let mut pins = BTreeSet::new();
        while let Some(c) = constraints.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            if let Some(f) = self.files.get(c.as_str()) {
                pins.extend(f.requirements().filter(|r| r.pinned).map(|r| r.key.clone()));
            }
            constraints.extend(
                self.edges
                    .get(c.as_str())
                    .into_iter()
                    .flatten()
                    .map(|(to, _)| to.clone()),
            );
        }
        pins
    }
}

impl Rule for UnpinnedPythonRequirement {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let graph = Graph::new(repo);
        let locks: BTreeMap<&str, &LockFacts> = repo
            .parsed()
            .filter_map(|(src, facts)| Some((&*src.rel_path, facts.lock.as_ref()?)))
            .collect();
        let package_ranges = package_ranges(repo);
        let loose_files = cx.option_bool(&Self::META, "loose-files", false);
        for (path, file) in &graph.files {
            if file_name(path)
                .to_ascii_lowercase()
                .starts_with("constraints")
                || graph.used_as_constraint_only(path)
            {
                continue;
            }
            if super::in_python_library(repo, path) || is_dev_requirements(path) || for_docs(file) {
                continue;
            }
            // Ranges a published package asks for; a branch it follows is still moved.
            let ranges_of_a_package = package_ranges.contains(*path);
            let mut pins = graph.constraint_pins(repo, path);
            let lock =
                crate::repo::find_lock(repo, parent_dir(path), crate::lang::manifest::PYTHON_LOCKS)
                    .and_then(|l| locks.get(l.as_str()).copied());
            let text = repo.source(path).map(|s| &*s.text);
            // A fully pinned requirements file beside this one is its lock (netbox's
            // `requirements.txt` beside `base_requirements.txt`), and so is one beside
            // the `requirements/` folder that holds it (`requirements/prod.txt` frozen
            // into `requirements.txt`).
            let dir = parent_dir(path);
            let above = (file_name(dir) == "requirements").then(|| parent_dir(dir));
            for (other, f) in &graph.files {
                if other != path
                    && (parent_dir(other) == dir || Some(parent_dir(other)) == above)
                    && f.names_pinned()
                    && !file_name(other)
                        .to_ascii_lowercase()
                        .starts_with("constraints")
                {
                    pins.extend(f.requirements().map(|r| r.key.clone()));
                }
            }
            // A name pinned on another line of the file (`bleach[css]` beside
            // `bleach==6.3.0`) installs that version.
            pins.extend(
                file.requirements()
                    .filter(|r| r.pinned)
                    .map(|r| r.key.clone()),
            );
            // A file that holds none of its lines (no pin, no bound, no constraint or
            // lock) is a list of ranges chosen as ranges: the input of a lock, a
            // notebook's or a tool's environment, a package's dependencies. Its
            // ranges are not oversights; a URL that follows a branch still moves.
            let ranges_only = !loose_files && !holds_anything(file, &pins);
            for e in &file.entries {
                match e {
                    Entry::Requirement(r)
                        if !r.pinned
                            && !ranges_of_a_package
                            && !ranges_only
                            && !pins.contains(&r.key)
                            && !compatible_releases_only(&r.specifier)
                            && !is_test_tool(&r.key)
                            && !is_docs_tool(&r.key) =>
                    {
                        let message = if r.specifier.is_empty() {
                            format!("`{}` is not pinned: any version installs", r.name)
                        } else {
                            format!(
                                "`{}` is not pinned: `{}` installs the newest match",
                                r.name, r.specifier
                            )
                        };
                        let fix = lock.zip(text).and_then(|(l, t)| lock_fix(t, r, l));
                        let finding = cx.report(
                            &Self::META,
                            path,
                            r.span.clone(),
                            message,
                            "pin with `==x.y.z` (pip-compile or `uv pip compile` writes them all), or constrain it with a pinned `-c constraints.txt`",
                        );
                        if let Some(fix) = fix {
                            finding.fix(fix);
                        }
                    }
                    Entry::Url {
                        pinned: false,
                        span,
                        url,
                        ..
                    } => {
                        cx.report(
                            &Self::META,
                            path,
                            span.clone(),
                            format!("`{url}` follows a branch, not a commit"),
                            "pin the commit with `@<sha>` (or a release tag)",
                        );
                    }
                    _ => {}
                }
            }
        }
        for (src, facts) in repo.parsed() {
            let (doc, pipfile) = match facts.manifest.as_deref() {
                Some(Manifest::Pyproject(d)) => (d, false),
                Some(Manifest::Pipfile(d)) => (d, true),
                _ => continue,
            };
            let path = &*src.rel_path;
            let app = match super::configured_app(repo) {
                Some(app) => app,
                None => pipfile || pyproject_is_app(repo, path, doc),
            };
            if !app {
                continue;
            }
            let locked = python_locked(repo, path, pipfile);
            let own = doc
                .root
                .get("project")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                .map(normalise);
            // A requirements file beside the manifest names what is installed: a
            // package it lists is pinned there, or reported there.
            let listed: BTreeSet<&str> = graph
                .files
                .iter()
                .filter(|(other, _)| parent_dir(other) == parent_dir(path))
                .flat_map(|(_, f)| f.requirements().map(|r| r.key.as_str()))
                .collect();
            for dep in python_deps(doc, pipfile) {
                let key = normalise(&dep.name);
                // `all = ["app[extra]"]`: the package itself. Development groups and
                // test tools are left, as in requirements files.
                if (own.is_some() && own.as_deref() == Some(key.as_str()))
                    || dep.dev
                    || is_test_tool(&key)
                    || is_docs_tool(&key)
                    || listed.contains(key.as_str())
                {
                    continue;
                }
                match dep.loose {
                    Some(PyLoose::Any) if !locked => {
                        cx.report(
                            &Self::META,
                            path,
                            dep.span,
                            format!(
                                "`{}` names no version, and no lockfile pins this application",
                                dep.name
                            ),
                            "commit the lockfile (`poetry lock`, `uv lock`, `pipenv lock`), or pin with `==x.y.z`",
                        );
                    }
                    // A lockfile records the commit a git source resolved to.
                    Some(PyLoose::Branch) if !locked => {
                        cx.report(
                            &Self::META,
                            path,
                            dep.span,
                            format!("`{}` follows a git branch, not a commit", dep.name),
                            "pin the commit with `rev = \"<sha>\"` (or a release tag)",
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A requirements file for development, tests, docs, linting, CI or the build
/// (`requirements-dev.txt`, `requirements/test.txt`, `dev-requirements.txt`,
/// `build-requirements.txt`): installed on developer machines, CI runners and builder
/// stages, not in what is deployed. (Files in test, docs or example folders are left by
/// their roles.)
fn is_dev_requirements(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    let stem = name.strip_suffix(".txt").unwrap_or(&name);
    super::is_dev_group(stem)
}

/// A distribution (PEP 503 name) that only tests, linters and debuggers import: in a
/// service's one requirements file it is installed in the image but never loaded by
/// the code that serves, and which version comes changes nothing in production.
fn is_test_tool(key: &str) -> bool {
    const TOOLS: [&str; 22] = [
        "pytest",
        "mock",
        "coverage",
        "factory-boy",
        "faker",
        "selenium",
        "pyquery",
        "hypothesis",
        "responses",
        "freezegun",
        "model-bakery",
        "tox",
        "nox",
        "flake8",
        "pylint",
        "black",
        "isort",
        "ruff",
        "mypy",
        "ipdb",
        "pdbpp",
        "django-debug-toolbar",
    ];
    TOOLS.contains(&key)
        || ["pytest-", "flake8-", "types-", "mypy-"]
            .iter()
            .any(|p| key.starts_with(p))
}

/// A distribution that builds documentation sites (MkDocs, Sphinx and their themes and
/// plugins): the service never imports it.
fn is_docs_tool(key: &str) -> bool {
    matches!(
        key,
        "mkdocs"
            | "sphinx"
            | "mike"
            | "furo"
            | "myst-parser"
            | "myst-nb"
            | "pymdown-extensions"
            | "recommonmark"
            | "pydata-sphinx-theme"
            | "readthedocs-sphinx-search"
    ) || ["mkdocs-", "mkdocstrings", "sphinx-", "sphinxcontrib-"]
        .iter()
        .any(|p| key.starts_with(p))
}

/// A requirements file most of whose requirements are documentation tools (a
/// `requirements.txt` of MkDocs and its plugins, plus the imaging library its social
/// cards use): it builds the docs site, not the service.
fn for_docs(file: &RequirementsFile) -> bool {
    let (mut all, mut docs) = (0, 0);
    for r in file.requirements() {
        all += 1;
        docs += usize::from(is_docs_tool(&r.key));
    }
    docs > 0 && docs * 2 > all
}

/// Whether a specifier bounds a requirement from above, by the owner's choice: the
/// patch releases of one version (`==1.26.*`, `~=1.26.4`, `>=6.0,<6.1`), a
/// compatible-release range (`~=1.26`, `==1.*`, `>=4.2,<5`), or a cap (`<3.0`,
/// `<=2.31`) that keeps out a release line the project does not support.
fn compatible_releases_only(specifier: &str) -> bool {
    specifier.split(',').map(str::trim).any(|c| {
        c.starts_with('<')
            || c.strip_prefix("~=")
                .is_some_and(|v| v.trim().split('.').count() >= 2)
            || c.strip_prefix("==")
                .and_then(|v| v.trim().strip_suffix(".*"))
                .is_some_and(|v| !v.is_empty())
    })
}

/// A distribution name as PEP 503 compares them.
use crate::lang::manifest::requirements::normalise;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_lines_hold_a_file_and_caps_do_not() {
        for yes in [
            "~=1.26",
            "==1.26.*",
            ">=4.2,<5",
            ">=1.42.3, <1.43.0",
            "> 1.0, <= 2",
        ] {
            assert!(held_to_a_release_line(yes), "{yes}");
        }
        for no in ["<2", "<=3.0", ">=2", "", "!=1.3", "~=1", ">=1,!=1.5"] {
            assert!(!held_to_a_release_line(no), "{no}");
        }
    }

    #[test]
    fn compatible_release_ranges() {
        for yes in [
            "==1.26.*",
            "~=1.26.4",
            ">=1.26.4, ==1.26.*",
            "== 2.0.*",
            ">=6.0,<6.1",
            ">=1.42.3, <1.43.0",
            ">=6.0,<7",
            ">=6.0.0, <7.0.0",
            ">=4.2,<5",
            ">=2.1,<2.5",
            "~=1.26",
            "==1.*",
            ">=0.3,<1",
            ">=3.8,<=3.9",
            "<3.0",
            "<1.5.3",
            ">=6.0,<8",
        ] {
            assert!(compatible_releases_only(yes), "{yes}");
        }
        for no in [">=1.26", "", ">1.0", "!=1.2", ">=1.0,!=1.3", "==2", "~=2"] {
            assert!(!compatible_releases_only(no), "{no}");
        }
    }

    #[test]
    fn include_paths() {
        assert_eq!(
            resolve("requirements/prod.txt", "base.txt").as_deref(),
            Some("requirements/base.txt")
        );
        assert_eq!(
            resolve("requirements/prod.txt", "../constraints.txt").as_deref(),
            Some("constraints.txt")
        );
        assert_eq!(
            resolve("requirements.txt", "./dev.txt").as_deref(),
            Some("dev.txt")
        );
        assert_eq!(resolve("requirements.txt", "../x.txt"), None);
        assert_eq!(resolve("r.txt", "https://x/y.txt"), None);
    }
}

#[cfg(test)]
mod fix_tests {
    use super::satisfies;

    #[test]
    fn versions_are_compared_as_pep_440_releases() {
        assert_eq!(satisfies("3.0.3", ""), Some(true));
        assert_eq!(satisfies("3.0.3", ">=2"), Some(true));
        assert_eq!(satisfies("3.0.3", ">=2, <3"), Some(false));
        assert_eq!(satisfies("3.0.3", "~=3.0.1"), Some(true));
        assert_eq!(satisfies("3.1.0", "~=3.0.1"), Some(false));
        assert_eq!(satisfies("3.0.3", "==3.0.*"), Some(true));
        assert_eq!(satisfies("3.10", ">3.9"), Some(true));
        assert_eq!(satisfies("3.0.0rc1", ">=2"), None);
        assert_eq!(satisfies("3.0.3", "@ weird"), None);
    }
}
