//! The CI front end: GitHub Actions workflows, action metadata (`action.yml`) and GitLab
//! CI files, read through the YAML front end into typed views ([`github`], [`gitlab`]);
//! the task-runner files CI commands hide behind (`Makefile`, `justfile`, `tox.ini`,
//! `noxfile.py`, `package.json` scripts: [`tasks`]); and the [`CiFacts`] each file
//! contributes to the repository index, from which the repository rules decide whether
//! anything runs the tests or a linter.

pub mod builds;
pub mod github;
pub mod gitlab;
pub mod tasks;

use crate::lang::yaml::{Node, Yaml, YamlError};
use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, Span};
use crate::source::{file_name, parent_dir};

/// Which CI configuration a YAML file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Flavor {
    /// `.github/workflows/*.yml` at the project's root: the only workflows GitHub runs.
    GithubWorkflow,
    /// `action.yml` / `action.yaml` (a JavaScript, Docker or composite action)
    GithubAction,
    /// `.gitlab-ci.yml` and the files it includes
    Gitlab,
}

/// A parsed CI configuration file.
#[derive(Debug, Clone)]
pub struct CiFile {
    pub flavor: Flavor,
    pub yaml: Yaml,
}

impl CiFile {
    pub fn parse(source: &SourceFile, flavor: Flavor) -> Result<CiFile, YamlError> {
        let yaml = Yaml::parse(source, flavor == Flavor::Gitlab)?;
        Ok(CiFile { flavor, yaml })
    }

    /// The first document's root mapping, if the file holds one.
    pub fn root(&self) -> Option<&Node> {
        self.yaml.root().filter(|r| r.is_map())
    }
}

/// One shell script a CI file runs, and the directory it runs in ("" is the root).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CiScript {
    pub script: String,
    pub dir: String,
    /// Where it is written.
    pub span: Span,
}

/// What one CI or task-runner file tells the repository rules.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CiFacts {
    /// Set for CI configuration files; `None` for task-runner files.
    pub flavor: Option<Flavor>,
    /// Every script the file runs (steps' `run:`, GitLab `script:`, commands inside
    /// `with:` of wrapper actions).
    pub scripts: Vec<CiScript>,
    /// Every `uses:` reference (actions and reusable workflows), as written.
    pub uses: Vec<String>,
    /// Part of the pipeline cannot be seen from here (a remote include or reusable
    /// workflow, an included local file that does not exist).
    pub opaque: bool,
    /// Local files a GitLab pipeline includes.
    pub includes: Vec<String>,
    /// Whether the pipeline runs on pushes or pull/merge requests.
    pub runs_on_changes: bool,
    /// Where a finding about the whole pipeline belongs (the `jobs:` key, the first job).
    pub anchor: Option<Span>,
    /// Task-runner definitions, for `Makefile`, `justfile`, `tox.ini`, `noxfile.py` and
    /// `package.json`.
    pub tasks: Option<tasks::Tasks>,
    /// Image names a build action tags (`docker/build-push-action`'s `tags:`), without
    /// their tags; names built with `docker build -t` are read from [`CiFacts::scripts`].
    pub built_images: Vec<String>,
    /// A GitHub workflow that narrows its token: `permissions` at its top, or on every
    /// job (a caller's job that runs it gets no more than that).
    #[serde(default)]
    pub sets_token_permissions: bool,
    /// A GitHub workflow that only callers (and people) start (see
    /// [`github::only_called`]).
    #[serde(default)]
    pub only_called: bool,
    /// The reusable workflows of the repository this workflow's jobs call (their path,
    /// without `./`), each with whether the calling job runs in a concurrency group that
    /// cancels the run in progress (see [`github::cancels_in_progress`]).
    #[serde(default)]
    pub local_calls: Vec<(String, bool)>,
    /// The reusable workflows of the repository that a job of this workflow passes
    /// `secrets:` to (`secrets: inherit`, or some by name).
    #[serde(default)]
    pub local_calls_with_secrets: Vec<String>,
    /// A GitHub workflow that only `workflow_call` starts: it sees the secrets its
    /// callers pass, and no others.
    #[serde(default)]
    pub only_workflow_call: bool,
    /// The scripts of the `run:` steps that set no `timeout-minutes` of their own, in
    /// the GitHub jobs that set none either: (job id, script, directory), for a
    /// judgement that needs the task files the scripts call (see
    /// [`crate::repo::RepoWide::job_scripts`]).
    #[serde(default)]
    pub job_scripts: Vec<(String, String, String)>,
    /// The images its jobs build from the repository's Dockerfiles and publish (see
    /// [`builds`]).
    #[serde(default)]
    pub shipped_builds: Vec<builds::ShippedBuild>,
    /// The file configures pytest (`pytest.ini`, `[pytest]` of `tox.ini`,
    /// `[tool:pytest]` of `setup.cfg`, `[tool.pytest.ini_options]` or `[tool.pytest]`
    /// of `pyproject.toml`): whether that configuration gives each test a timeout
    /// (pytest-timeout's `timeout` setting, or `--timeout` in `addopts`, other than
    /// zero).
    #[serde(default)]
    pub pytest_timeout: Option<bool>,
}

impl CiFacts {
    /// The facts of a parsed CI file.
    pub fn of(source: &SourceFile, file: &CiFile) -> CiFacts {
        let mut facts = CiFacts {
            flavor: Some(file.flavor),
            ..CiFacts::default()
        };
        match file.flavor {
            Flavor::GithubWorkflow | Flavor::GithubAction => {
                github::facts(source, file, &mut facts)
            }
            Flavor::Gitlab => gitlab::facts(source, file, &mut facts),
        }
        facts
    }
}

/// Replaces `${{ expr }}`, `$(VAR)` and `${VAR}` by the variable's last name, lower-cased
/// (`${{ env.CARGO }} test` → `cargo test`, `$(PYTHON) -m pytest` → `python -m pytest`),
/// keeping every other byte where it was: a stand-alone expression is padded with
/// spaces, one inside a word with `x`.
pub fn substitute_variables(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let bytes = script.as_bytes();
    let mut i = 0;
    while i < script.len() {
        let rest = &script[i..];
        let close = if rest.starts_with("${{") {
            rest.find("}}").map(|e| (3, e, 2))
        } else if rest.starts_with("$(") && !rest.starts_with("$((") {
            // `$(VAR)` (Make's), not a command substitution (`$(node -p "…")`), which
            // the shell reads.
            rest.find(')')
                .filter(|e| {
                    rest[2..*e]
                        .trim()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .map(|e| (2, e, 1))
        } else if rest.starts_with("${") {
            rest.find('}').map(|e| (2, e, 1))
        } else {
            None
        };
        let Some((open, end, close_len)) = close else {
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        };
        let inner = &rest[open..end];
        let total = end + close_len;
        let name: String = inner
            .trim()
            .rsplit(['.', ' '])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        let alone_before = i == 0 || bytes[i - 1].is_ascii_whitespace();
        let alone_after = bytes.get(i + total).is_none_or(|b| b.is_ascii_whitespace());
        let simple = inner
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']' | '\''));
        let replacement = if simple && !name.is_empty() && name.len() <= total {
            name
        } else {
            String::new()
        };
        let pad = if alone_before && alone_after {
            ' '
        } else {
            'x'
        };
        out.push_str(&replacement);
        for _ in replacement.len()..total {
            out.push(pad);
        }
        i += total;
    }
    out
}

/// The CI front end: GitHub workflows and actions, GitLab CI files.
pub struct CiFrontEnd;

impl FrontEnd for CiFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        Flavor::of_path(rel_path).map(Flavor::kind)
    }

    fn handles(&self, kind: FileKind) -> bool {
        matches!(
            kind,
            FileKind::GithubWorkflow | FileKind::GithubAction | FileKind::GitlabCi
        )
    }

    fn read(
        &self,
        source: &SourceFile,
        kind: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        let flavor = match kind {
            FileKind::GithubWorkflow => Flavor::GithubWorkflow,
            FileKind::GithubAction => Flavor::GithubAction,
            _ => Flavor::Gitlab,
        };
        let help = "fix the syntax; CI cannot run this file either";
        let merge_keys = flavor == Flavor::Gitlab;
        if let Some(yaml) = crate::lang::yaml::read_yaml(source, merge_keys, "YAML file", help, out)
        {
            let file = CiFile { flavor, yaml };
            out.facts.ci = Some(Box::new(CiFacts::of(source, &file)));
            sink.ci(&file);
        }
    }
}

impl Flavor {
    /// The CI configuration a path (relative to the project's root) is, by its name and
    /// directory. GitHub runs only the workflows in the root's `.github/workflows`: one
    /// further down (`tests/fixtures/repo/.github/workflows/ci.yml`, a vendored or
    /// templated project, a sub-project of a monorepo) is data, read as plain YAML.
    /// Actions (`action.yml`) are used from any folder and are claimed wherever they are.
    pub fn of_path(rel_path: &str) -> Option<Flavor> {
        let name = file_name(rel_path);
        // Every CI file is YAML.
        if !crate::lang::yaml::is_yaml_name(name) {
            return None;
        }
        let dir = parent_dir(rel_path);
        let lower = name.to_ascii_lowercase();
        if dir == ".github/workflows" {
            return Some(Flavor::GithubWorkflow);
        }
        if lower == "action.yml" || lower == "action.yaml" {
            return Some(Flavor::GithubAction);
        }
        let in_gitlab_dir = dir
            .split('/')
            .any(|d| d == ".gitlab" || d == ".gitlab-ci" || d == "gitlab-ci");
        let gitlab = lower == ".gitlab-ci.yml"
            || lower == ".gitlab-ci.yaml"
            || lower.ends_with(".gitlab-ci.yml")
            || lower.ends_with(".gitlab-ci.yaml")
            || in_gitlab_dir;
        gitlab.then_some(Flavor::Gitlab)
    }

    pub fn kind(self) -> FileKind {
        match self {
            Flavor::GithubWorkflow => FileKind::GithubWorkflow,
            Flavor::GithubAction => FileKind::GithubAction,
            Flavor::Gitlab => FileKind::GitlabCi,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_become_their_names_in_place() {
        let s = "${{ env.CARGO }} test --all";
        let t = substitute_variables(s);
        assert_eq!(t.len(), s.len());
        assert!(t.starts_with("cargo "));
        assert!(t.ends_with(" test --all"));
        assert_eq!(
            substitute_variables("$(PYTHON) -m pytest")
                .split_whitespace()
                .next(),
            Some("python")
        );
        let odd = substitute_variables("x${{ fromJSON(a) }}y é");
        assert!(odd.ends_with("y é"));
    }

    #[test]
    fn only_the_root_workflows_are_workflows() {
        assert_eq!(
            Flavor::of_path(".github/workflows/ci.yml"),
            Some(Flavor::GithubWorkflow)
        );
        assert_eq!(
            Flavor::of_path(".github/workflows/release.yaml"),
            Some(Flavor::GithubWorkflow)
        );
        for data in [
            "tests/fixtures/repo/.github/workflows/ci.yml",
            "testdata/x/.github/workflows/a.yml",
            "services/api/.github/workflows/deploy.yml",
            "vendor/lib/.github/workflows/rust.yml",
            "{{cookiecutter.project_slug}}/.github/workflows/ci.yml",
            ".github/workflows/nested/ci.yml",
            ".github/workflows/README.md",
        ] {
            assert_eq!(Flavor::of_path(data), None, "{data}");
        }
        // Actions are used from wherever they are.
        for action in [
            "action.yml",
            ".github/actions/setup/action.yaml",
            "tests/fixtures/repo/action.yml",
        ] {
            assert_eq!(
                Flavor::of_path(action),
                Some(Flavor::GithubAction),
                "{action}"
            );
        }
    }
}
