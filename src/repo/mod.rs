//! The repository index: what repository-level questions ("is there a `.dockerignore`
//! in this build context?", "does any workflow run the tests?") are answered from. The
//! walk fills the list of files; the per-file phase fills the facts each parsed file
//! contributes. Rules never touch the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::source::{SourceFile, parent_dir};

pub mod commands;
pub mod crates;
pub mod owner;
pub mod service;

pub use crate::lang::FileFacts;

/// What some files establish for the findings of every other file, read from the facts
/// of all files before the repository phase (see [`crate::rule::Rule::withdraws`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RepoWide {
    /// A module of service code calls `socket.setdefaulttimeout(n)` for good (at import,
    /// or in a start-up function that does not put it back): every socket the process
    /// opens without a timeout of its own gets `n` seconds.
    pub default_socket_timeout: bool,
    /// A module of service code gives every `requests` call a timeout by replacing
    /// `requests.Session.request` (see
    /// [`crate::lang::python::facts::PythonFacts::requests_default_timeout`]).
    pub requests_default_timeout: bool,
    /// The classes of transport adapters that give a request without a timeout one
    /// (see [`crate::lang::python::facts::PythonFacts::timeout_adapters`]).
    pub timeout_adapters: BTreeSet<String>,
    /// The adapters each Python file (by path) mounts on its sessions: the session as
    /// written and the adapter's class name.
    pub mounted_adapters: BTreeMap<String, Vec<(String, String)>>,
    /// The GitHub workflows (by path) that narrow their token (see
    /// [`crate::lang::ci::CiFacts::sets_token_permissions`]).
    pub narrowing_workflows: BTreeSet<String>,
    /// The GitHub workflows (by path) that only callers start, every one of whose
    /// callers runs in a concurrency group that cancels the run in progress: the next
    /// run of the caller cancels a hung one.
    pub cancelled_callees: BTreeSet<String>,
    /// The GitHub workflows (by path) that only `workflow_call` starts, that a workflow
    /// of the repository calls, and that none of its callers passes `secrets:` to: the
    /// secrets they read (other than the job's own token) are empty.
    pub secretless_callees: BTreeSet<String>,
    /// The task-runner files (`Makefile`, `justfile`, `tox.ini`, `noxfile.py`, the
    /// scripts of `package.json`, shell scripts), each where a wrapper finds it (see
    /// [`crate::lang::ci::tasks::Tasks::location`]). Kept only when a workflow has
    /// [`RepoWide::job_scripts`].
    pub tasks: Vec<(String, crate::lang::ci::tasks::Tasks)>,
    /// The scripts of the steps without their own timeout of each GitHub job, by
    /// workflow path and job id: (script, directory) (see
    /// [`crate::lang::ci::CiFacts::job_scripts`]).
    pub job_scripts: BTreeMap<(String, String), Vec<(String, String)>>,
    /// The directories that hold a pytest configuration, each with whether it gives
    /// each test a timeout (see [`crate::lang::ci::CiFacts::pytest_timeout`]). Kept
    /// only when a workflow has [`RepoWide::job_scripts`].
    pub pytest_timeouts: BTreeMap<String, bool>,
}

impl RepoWide {
    pub fn of<'a>(files: impl IntoIterator<Item = (&'a str, &'a FileFacts)>) -> RepoWide {
        let mut wide = RepoWide::default();
        let mut only_called = BTreeSet::new();
        let mut uncancelled = BTreeSet::new();
        let mut only_workflow_call = BTreeSet::new();
        let mut called = BTreeSet::new();
        let mut given_secrets = BTreeSet::new();
        for (path, f) in files {
            if let Some(py) = &f.python {
                wide.default_socket_timeout |= py.default_socket_timeout;
                wide.requests_default_timeout |= py.requests_default_timeout;
                wide.timeout_adapters
                    .extend(py.timeout_adapters.iter().cloned());
                if !py.mounted_adapters.is_empty() {
                    wide.mounted_adapters
                        .insert(path.to_string(), py.mounted_adapters.clone());
                }
            }
            let Some(ci) = &f.ci else { continue };
            if ci.sets_token_permissions {
                wide.narrowing_workflows.insert(path.to_string());
            }
            if let Some(t) = &ci.tasks {
                wide.tasks.push((t.location(path).to_string(), t.clone()));
            }
            if let Some(timeout) = ci.pytest_timeout {
                *wide
                    .pytest_timeouts
                    .entry(parent_dir(path).to_string())
                    .or_default() |= timeout;
            }
            for (job, script, dir) in &ci.job_scripts {
                wide.job_scripts
                    .entry((path.to_string(), job.clone()))
                    .or_default()
                    .push((script.clone(), dir.clone()));
            }
            if ci.only_called {
                only_called.insert(path);
            }
            if ci.only_workflow_call {
                only_workflow_call.insert(path);
            }
            called.extend(ci.local_calls.iter().map(|(callee, _)| callee.as_str()));
            given_secrets.extend(ci.local_calls_with_secrets.iter().map(String::as_str));
            for (callee, cancels) in &ci.local_calls {
                if *cancels {
                    wide.cancelled_callees.insert(callee.clone());
                } else {
                    uncancelled.insert(callee.as_str());
                }
            }
        }
        wide.cancelled_callees
            .retain(|c| only_called.contains(c.as_str()) && !uncancelled.contains(c.as_str()));
        wide.secretless_callees = only_workflow_call
            .into_iter()
            .filter(|p| called.contains(p) && !given_secrets.contains(p))
            .map(str::to_string)
            .collect();
        if wide.job_scripts.is_empty() {
            wide.tasks.clear();
            wide.pytest_timeouts.clear();
        }
        wide
    }

    /// Whether anything was established (else no finding is asked about).
    pub fn is_empty(&self) -> bool {
        *self == RepoWide::default()
    }
}

/// The Dockerfiles that are development images of a project deployed by buildpacks.
///
/// Such a project has a root `Procfile` beside the file of a buildpack platform:
/// `app.json` (Heroku), `manifest.yml` (Cloud Foundry), `runtime.txt` (Heroku's Python
/// version), `project.toml` (Cloud Native Buildpacks) or a `.copilot/` directory (AWS
/// Copilot); or Scalingo's `scalingo.json` or Clever Cloud's `clevercloud/` directory
/// at the root, with or without a `Procfile`. When the repository's CI is GitHub Actions
/// or GitLab CI alone, its Dockerfiles that no CI build publishes are development
/// images: measured on such services, 27 of 29 findings on them were not worth acting
/// on (local stacks, test images, images Paketo replaced). Otherwise its Dockerfiles are development images when every Compose service that
/// builds them runs the working copy (it mounts the build context over the image, as
/// `volumes: [".:/app"]` does) or belongs to a development stack; a Dockerfile no
/// Compose file builds is not one of them. Measured on services deployed this way: the
/// findings on images only such a stack built were none worth acting on (8 of 8
/// judged), and an image a service publishes (httpbin's: no source mounted) is kept.
pub fn compose_dev_images<'a>(
    files: &[String],
    facts: impl Iterator<Item = (&'a str, &'a FileFacts)>,
    published: &BTreeMap<String, Vec<crate::lang::ci::builds::BuildTarget>>,
    other_ci: impl FnOnce() -> bool,
) -> BTreeSet<String> {
    let has = |name: &str| files.binary_search_by(|f| f.as_str().cmp(name)).is_ok();
    let buildpacks = (has("Procfile")
        && (["app.json", "manifest.yml", "runtime.txt", "project.toml"]
            .iter()
            .any(|f| has(f))
            || files.iter().any(|f| f.starts_with(".copilot/"))))
        || has("scalingo.json")
        || files.iter().any(|f| f.starts_with("clevercloud/"));
    let mut dev = BTreeSet::new();
    if !buildpacks {
        return dev;
    }
    let facts: Vec<(&str, &FileFacts)> = facts.collect();
    let composes: Vec<(&str, &crate::lang::compose::ComposeFacts)> = facts
        .iter()
        .filter_map(|(path, f)| Some((*path, f.compose.as_deref()?)))
        .collect();
    // What `docker-compose.override.yml` (merged by Compose on every `up`) mounts into
    // each service of the files beside it.
    let overridden = |dir: &str, service: &str, context: &str| {
        composes.iter().any(|(path, c)| {
            crate::source::parent_dir(path) == dir
                && crate::source::file_name(path).contains(".override.")
                && c.services
                    .iter()
                    .any(|s| s.name == service && s.binds.iter().any(|b| b == context))
        })
    };
    let mut shipped = BTreeSet::new();
    for (path, compose) in &composes {
        let dir = crate::source::parent_dir(path);
        for s in &compose.services {
            let (Some(dockerfile), Some(context)) = (&s.dockerfile, &s.context) else {
                continue;
            };
            let mounts_context = s.binds.contains(context) || overridden(dir, &s.name, context);
            if compose.dev || mounts_context {
                dev.insert(dockerfile.clone());
            } else {
                shipped.insert(dockerfile.clone());
            }
        }
    }
    dev.retain(|d| !shipped.contains(d));
    // What the platform deploys is built from source: a Dockerfile that no CI build
    // publishes serves development, tests or local runs, unless a CI system this
    // project does not read (Travis, CircleCI, …: `other_ci`) may publish it.
    if !other_ci() {
        dev.extend(
            facts
                .iter()
                .filter(|(path, f)| f.docker.is_some() && !published.contains_key(*path))
                .map(|(path, _)| path.to_string()),
        );
    }
    dev
}

/// The targets of the builds that publish each Dockerfile's image, from the CI files'
/// facts (see [`crate::lang::ci::builds`]), by the Dockerfile's path.
pub fn shipped_targets<'a>(
    facts: impl Iterator<Item = &'a FileFacts>,
) -> BTreeMap<String, Vec<crate::lang::ci::builds::BuildTarget>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for build in facts
        .filter_map(|f| f.ci.as_ref())
        .flat_map(|c| &c.shipped_builds)
    {
        let targets = out.entry(build.dockerfile.clone()).or_default();
        if !targets.contains(&build.target) {
            targets.push(build.target.clone());
        }
    }
    out
}

/// The project kind, for rules that treat services, libraries and CLIs differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProjectType {
    #[default]
    Auto,
    Service,
    Library,
    Cli,
}

#[derive(Debug, Default)]
pub struct RepoIndex {
    /// Every file the walk saw (checked or not), relative to the root, `/`-separated.
    files: BTreeSet<String>,
    /// The files that were read, with what they contributed.
    sources: BTreeMap<String, (Arc<SourceFile>, FileFacts)>,
    /// `project-type` from the configuration.
    project_type: ProjectType,
    /// The repository's owner (see [`owner::repository_owner`]), lower-cased.
    owner: Option<String>,
    /// The Rust crates of the repository, built once from the facts on first use.
    crate_model: std::sync::OnceLock<crates::CrateModel>,
    /// The web service, built once from the facts on first use.
    service_model: std::sync::OnceLock<service::ServiceModel>,
    /// The Dockerfiles checked again for the stage their CI publishes (see
    /// [`RepoIndex::ship`]).
    shipped: BTreeMap<String, usize>,
}

impl RepoIndex {
    pub fn new(files: impl IntoIterator<Item = String>) -> Self {
        Self {
            files: files.into_iter().collect(),
            sources: BTreeMap::new(),
            project_type: ProjectType::Auto,
            owner: None,
            crate_model: std::sync::OnceLock::new(),
            service_model: std::sync::OnceLock::new(),
            shipped: BTreeMap::new(),
        }
    }

    /// Records that the Dockerfile at `path` publishes its stage `n` (see
    /// [`crate::lang::dockerfile::DockerFacts::shipped`]): checked again, its front
    /// end takes that stage for the final one.
    pub fn ship(&mut self, path: &str, n: usize) {
        self.shipped.insert(path.to_string(), n);
    }

    /// The stage recorded by [`RepoIndex::ship`] for `path`.
    pub fn shipped_stage(&self, path: &str) -> Option<usize> {
        self.shipped.get(path).copied()
    }

    /// The index with the configured `project-type`.
    pub fn with_project_type(mut self, project_type: ProjectType) -> Self {
        self.project_type = project_type;
        self
    }

    /// The index with the repository's owner (lower-cased), when known.
    pub fn with_owner(mut self, owner: Option<String>) -> Self {
        self.owner = owner;
        self
    }

    /// The owner of the repository (`acme` for `github.com/acme/api`), lower-cased:
    /// from the `origin` remote, or `GITHUB_REPOSITORY` in Actions. `None` if unknown.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// `project-type` from the configuration (`auto` unless set).
    pub fn project_type(&self) -> ProjectType {
        self.project_type
    }

    pub fn add_source(&mut self, source: Arc<SourceFile>, facts: FileFacts) {
        self.sources
            .insert(source.rel_path.to_string(), (source, facts));
        self.crate_model = std::sync::OnceLock::new();
        self.service_model = std::sync::OnceLock::new();
    }

    /// The Rust crates and their files' roles, built on first use and shared by the
    /// repository rules that need it (LOG101, DOC003).
    pub fn crate_model(&self) -> &crates::CrateModel {
        self.crate_model
            .get_or_init(|| crates::CrateModel::build(self))
    }

    /// The repository's web service, built on first use and shared by the
    /// observability rules (OBS001–OBS003, LOG005).
    pub fn service_model(&self) -> &service::ServiceModel {
        self.service_model
            .get_or_init(|| service::ServiceModel::build(self))
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

    /// The Dockerfiles whose image starts a script of the repository ending in `ext`
    /// (`.sh`, `.py`), with that script as it was read: the Dockerfile, its
    /// [`EntryScript`](crate::lang::dockerfile::EntryScript), the script and its facts.
    pub fn entry_scripts<'a>(
        &'a self,
        ext: &'a str,
    ) -> impl Iterator<
        Item = (
            &'a SourceFile,
            &'a crate::lang::dockerfile::EntryScript,
            &'a SourceFile,
            &'a FileFacts,
        ),
    > {
        self.parsed().filter_map(move |(dockerfile, facts)| {
            let entry = facts.docker.as_ref()?.entry_script.as_ref()?;
            let (script, script_facts) = self.entry_script(entry, ext)?;
            Some((dockerfile, entry, script, script_facts))
        })
    }

    /// The script of the repository an image starts, ending in `ext`, as it was read:
    /// the first of the entry script's candidate paths that was read.
    pub fn entry_script(
        &self,
        entry: &crate::lang::dockerfile::EntryScript,
        ext: &str,
    ) -> Option<(&SourceFile, &FileFacts)> {
        entry
            .candidates
            .iter()
            .filter(|c| c.ends_with(ext))
            .find_map(|c| self.sources.get(c.as_str()))
            .map(|(s, f)| (s.as_ref(), f))
    }

    /// The parsed files with their facts, in path order.
    pub fn parsed(&self) -> impl Iterator<Item = (&SourceFile, &FileFacts)> {
        self.sources.values().map(|(s, f)| (s.as_ref(), f))
    }
}

/// The lockfile (repository path) among `names` in `dir` or a directory above it.
pub fn find_lock(files: &RepoIndex, dir: &str, names: &[&str]) -> Option<String> {
    let mut d = dir;
    loop {
        for n in names {
            if files.dir_has(d, n) {
                return Some(if d.is_empty() {
                    (*n).to_string()
                } else {
                    format!("{d}/{n}")
                });
            }
        }
        // PEP 751 named lockfiles: `pylock.<name>.toml`.
        if names.contains(&"pylock.toml") {
            let prefix = if d.is_empty() {
                String::new()
            } else {
                format!("{d}/")
            };
            if let Some(f) = files.files().find(|f| {
                f.strip_prefix(prefix.as_str()).is_some_and(|rest| {
                    !rest.contains('/') && rest.starts_with("pylock.") && rest.ends_with(".toml")
                })
            }) {
                return Some(f.to_string());
            }
        }
        if d.is_empty() {
            return None;
        }
        d = parent_dir(d);
    }
}
