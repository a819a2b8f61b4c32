//! CI rules (CI001–CI007, DEP008) and what they share: which CI systems a repository
//! has, the scripts its pipelines run, what those scripts do ([`gates`]), and where a
//! finding about the repository as a whole belongs.

pub mod ci_broad_permissions;
pub mod ci_failure_ignored;
pub mod ci_job_without_timeout;
pub mod ci_masked_failure;
pub mod ci_runs_no_tests;
pub mod gates;
pub mod no_ci;
pub mod no_lint_in_ci;
pub mod unpinned_action;

use crate::lang::ci::github::{self, Step};
use crate::lang::ci::{CiFacts, Flavor};
use crate::lang::yaml::Node;
use crate::repo::RepoIndex;
use crate::source::{SourceFile, Span};
use crate::source::{file_name, parent_dir};
use gates::{Gates, TaskFiles};

/// CI systems readylint does not read, by the files that give them away.
const OTHER_SYSTEMS: &[(&str, &str)] = &[
    (".circleci/config.yml", "CircleCI"),
    (".circleci/config.yaml", "CircleCI"),
    // CircleCI 1.0's name, which a project's settings can still point to.
    ("circle.yml", "CircleCI"),
    ("azure-pipelines.yml", "Azure Pipelines"),
    ("azure-pipelines.yaml", "Azure Pipelines"),
    (".azure-pipelines.yml", "Azure Pipelines"),
    ("Jenkinsfile", "Jenkins"),
    (".travis.yml", "Travis CI"),
    (".drone.yml", "Drone"),
    ("bitbucket-pipelines.yml", "Bitbucket Pipelines"),
    (".woodpecker.yml", "Woodpecker"),
    ("appveyor.yml", "AppVeyor"),
    (".appveyor.yml", "AppVeyor"),
    (".cirrus.yml", "Cirrus CI"),
    (".semaphore/semaphore.yml", "Semaphore"),
    ("codefresh.yml", "Codefresh"),
    ("buildspec.yml", "AWS CodeBuild"),
    ("cloudbuild.yaml", "Google Cloud Build"),
    ("cloudbuild.yml", "Google Cloud Build"),
    // Mozilla's CI, beside GitHub Actions in many of its repositories.
    (".taskcluster.yml", "Taskcluster"),
    // Wikimedia's PipelineLib (Jenkins and Blubber images), for repositories on Gerrit
    // that GitHub only mirrors.
    (".pipeline/config.yaml", "PipelineLib"),
    // Zuul (OpenStack, OpenDev, Software Factory): the project's jobs in its own repo.
    (".zuul.yaml", "Zuul"),
    ("zuul.yaml", "Zuul"),
    // SourceHut's builds.
    (".build.yml", "SourceHut builds"),
];

/// Directories whose files are the configuration of a CI system we do not read.
const OTHER_DIRS: &[(&str, &str)] = &[
    (".buildkite/", "Buildkite"),
    (".azure-pipelines/", "Azure Pipelines"),
    (".woodpecker/", "Woodpecker"),
    (".gitea/workflows/", "Gitea Actions"),
    (".forgejo/workflows/", "Forgejo Actions"),
    (".teamcity/", "TeamCity"),
    ("zuul.d/", "Zuul"),
    (".zuul.d/", "Zuul"),
    (".builds/", "SourceHut builds"),
];

/// The CI system we do not read that `path` configures, if any. Azure Pipelines reads
/// any YAML file its pipeline settings name; teams with several pipelines name them
/// `azure-pipelines-<what>.yml` (`-review`, `-release`), wherever they keep them, and
/// some in the singular (`azure-pipeline.yml`).
pub(crate) fn other_system(path: &str) -> Option<&'static str> {
    if let Some((_, name)) = OTHER_SYSTEMS
        .iter()
        .find(|(p, _)| *p == path)
        .or_else(|| OTHER_DIRS.iter().find(|(d, _)| path.starts_with(d)))
    {
        return Some(name);
    }
    let name = file_name(path);
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))?;
    let stem = stem.strip_prefix('.').unwrap_or(stem);
    let rest = stem
        .strip_prefix("azure-pipelines")
        .or_else(|| stem.strip_prefix("azure-pipeline"))?;
    (rest.is_empty() || rest.starts_with(['-', '.', '_'])).then_some("Azure Pipelines")
}

/// Build manifests, in the order they stand for a project.
pub const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "pyproject.toml",
    "package.json",
    "setup.py",
    "setup.cfg",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
    "mix.exs",
    "CMakeLists.txt",
    "meson.build",
    "requirements.txt",
    "Pipfile",
];

/// Extensions of source files that make a directory a software project.
const CODE_EXTENSIONS: &[&str] = &[
    "py", "rs", "js", "ts", "tsx", "go", "java", "kt", "rb", "php", "c", "cc", "cpp", "cs",
    "swift", "scala", "ex", "hs",
];

/// What the repository's CI looks like.
pub struct Overview<'a> {
    /// GitHub workflows at the root and GitLab files, with their facts.
    pub pipelines: Vec<(&'a SourceFile, &'a CiFacts)>,
    /// Composite actions of the repository (their steps run inside the pipelines).
    pub actions: Vec<(&'a SourceFile, &'a CiFacts)>,
    /// A CI system we do not read, if any (name, file).
    pub other: Option<(&'static str, String)>,
    /// A root workflow file that exists but could not be parsed (or was not read).
    pub unreadable: bool,
    pub tasks: TaskFiles<'a>,
    /// The repository is an action (`action.yml` at its root): a workflow step
    /// `uses: ./` runs it, which is how an action is tested.
    pub root_action: bool,
}

impl<'a> Overview<'a> {
    pub fn of(repo: &'a RepoIndex) -> Overview<'a> {
        let mut o = Overview {
            pipelines: Vec::new(),
            actions: Vec::new(),
            other: None,
            unreadable: false,
            tasks: TaskFiles::default(),
            root_action: repo.contains("action.yml") || repo.contains("action.yaml"),
        };
        for (src, facts) in repo.parsed() {
            if let Some(compose) = &facts.compose {
                o.tasks.compose.insert(src.rel_path.to_string(), compose);
            }
            let Some(ci) = &facts.ci else { continue };
            if let Some(t) = &ci.tasks {
                o.tasks.insert(t.location(&src.rel_path), t);
            }
            match ci.flavor {
                Some(Flavor::GithubWorkflow) if is_root_workflow(&src.rel_path) => {
                    o.pipelines.push((src, ci));
                }
                Some(Flavor::Gitlab) => o.pipelines.push((src, ci)),
                Some(Flavor::GithubAction) => o.actions.push((src, ci)),
                _ => {}
            }
        }
        for f in repo.files() {
            if is_root_workflow(f) && !o.pipelines.iter().any(|(s, _)| *s.rel_path == *f) {
                o.unreadable = true;
            }
            if o.other.is_none() {
                o.other = other_system(f).map(|name| (name, f.to_string()));
            }
        }
        o
    }

    /// Whether any CI configuration exists (read or not).
    pub fn has_ci(&self) -> bool {
        !self.pipelines.is_empty() || self.other.is_some() || self.unreadable
    }

    /// Whether everything CI runs is visible here: only systems we read, no remote
    /// includes or reusable workflows, every included local file present.
    pub fn fully_visible(&self, repo: &RepoIndex) -> bool {
        self.other.is_none()
            && !self.unreadable
            && !self.pipelines.is_empty()
            && self
                .pipelines
                .iter()
                .all(|(_, f)| !f.opaque && f.includes.iter().all(|i| repo.source(i).is_some()))
    }

    /// What the pipelines (and the composite actions they may call) do, wrappers
    /// followed into the task files.
    pub fn gates(&self) -> Gates {
        let mut g = Gates::default();
        for (_, f) in self.pipelines.iter().chain(&self.actions) {
            for s in &f.scripts {
                g = g.or(gates::script(&s.script, &s.dir, Some(&self.tasks)));
            }
            for u in &f.uses {
                g = g.or(action_gates(u));
                if self.root_action && is_root_action(u) {
                    g = g.or(Gates::TEST);
                }
            }
        }
        g
    }

    /// The pipeline file a finding about "the CI" belongs to: a workflow that runs on
    /// pushes or pull requests, preferring one named like the CI, and its anchor.
    pub fn anchor(&self) -> Option<(&'a SourceFile, Span)> {
        let score = |(s, f): &(&SourceFile, &CiFacts)| {
            let stem = file_name(&s.rel_path)
                .split('.')
                .next()
                .unwrap_or("")
                .to_string();
            let named = matches!(
                stem.as_str(),
                "ci" | "test" | "tests" | "main" | "build" | "check" | "checks" | "pr" | ""
            );
            (!f.runs_on_changes, !named, s.rel_path.clone())
        };
        let best = self.pipelines.iter().min_by_key(|p| score(p))?;
        Some((best.0, best.1.anchor.clone().unwrap_or(0..0)))
    }
}

/// `uses: ./` (or `.`): the action at the repository's root.
fn is_root_action(uses: &str) -> bool {
    matches!(uses.trim(), "./" | "." | "./.")
}

fn is_root_workflow(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    parent_dir(path) == ".github/workflows" && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// Actions known to run a linter or static analysis, or tests.
pub fn action_gates(uses: &str) -> Gates {
    let name = uses.split('@').next().unwrap_or("").to_ascii_lowercase();
    const LINT: &[&str] = &[
        "github/codeql-action",
        "astral-sh/ruff-action",
        "chartboost/ruff-action",
        "jpetrucciani/ruff-check",
        "jpetrucciani/mypy-check",
        "pre-commit/action",
        "pre-commit-ci/lite-action",
        "psf/black",
        "actions-rs/clippy-check",
        "clechasseur/rs-clippy-check",
        "giraffate/clippy-action",
        "auguwu/clippy-action",
        "actions-rust-lang/rustfmt",
        "golangci/golangci-lint-action",
        "super-linter/super-linter",
        "github/super-linter",
        "oxsecurity/megalinter",
        "wearerequired/lint-action",
        "reviewdog/",
        "zizmorcore/zizmor-action",
        "rhysd/actionlint",
        "rwe/actions-hlint-run",
        "raven-actions/actionlint",
        "ludeeus/action-shellcheck",
        "py-actions/flake8",
        "suo/flake8-github-action",
        "ricardochaves/python-lint",
        "sonarsource/",
        "trunk-io/trunk-action",
        "hadolint/hadolint-action",
        "biomejs/setup-biome",
        "crate-ci/typos",
        "codespell-project/actions-codespell",
        "semgrep/semgrep-action",
        "returntocorp/semgrep-action",
        "qodana",
        "dtolnay/rust-toolchain@clippy",
        "embarkstudios/cargo-deny-action",
        "rustsec/audit-check",
        "actions-rs/audit-check",
        "actions-rust-lang/audit",
        "jakebailey/pyright-action",
        "isort/isort-action",
        "pypa/gh-action-pip-audit",
        "davidanson/markdownlint-cli2-action",
        "editorconfig-checker/action-editorconfig-checker",
        "streetsidesoftware/cspell-action",
        "bridgecrewio/checkov-action",
        "dprint/check",
    ];
    const TEST: &[&str] = &[
        "cypress-io/github-action",
        "coactions/setup-xvfb",
        "mattnotmitt/doxygen-action",
        "nextest-rs/",
        "pavelzw/pytest-action",
        "php-actions/phpunit",
        "actions-rs/tarpaulin",
        "julia-actions/julia-runtest",
    ];
    let mut g = Gates::default();
    if LINT
        .iter()
        .any(|p| name.starts_with(p) || uses.eq_ignore_ascii_case(p))
    {
        g = g.or(Gates::LINT);
    }
    if TEST.iter().any(|p| name.starts_with(p)) {
        g = g.or(Gates::TEST);
    }
    g
}

/// What one GitHub step does, judged alone (wrappers by their names).
pub fn step_gates(step: &Step<'_>) -> Gates {
    let mut g = step_gates_besides_run(step);
    if let Some(run) = step.run().and_then(Node::as_str) {
        g = g.or(gates::script(run, "", None));
    }
    g
}

/// What a step does other than by its `run:` script: the commands in the inputs of
/// the action it uses, and the action itself.
pub fn step_gates_besides_run(step: &Step<'_>) -> Gates {
    let mut g = Gates::default();
    for (_, script) in github::with_scripts(step) {
        g = g.or(gates::script(&script, "", None));
    }
    if let Some(u) = step.uses().and_then(Node::as_str) {
        g = g.or(action_gates(u));
        let lower = u.to_ascii_lowercase();
        if lower.starts_with("docker/build-push-action") || lower.starts_with("pypa/gh-action-pypi")
        {
            g = g.or(Gates::BUILD);
        }
    }
    g
}

/// The file a repository-level finding belongs to when there is no CI file: the build
/// manifest at the root, else the README, else the first file at the root. `None` when
/// the repository holds nothing that looks like a software project.
pub fn project_anchor(repo: &RepoIndex) -> Option<String> {
    if let Some(m) = MANIFESTS.iter().find(|m| repo.contains(m)) {
        return Some((*m).to_string());
    }
    let has_code = repo.files().any(|f| {
        f.rsplit_once('.')
            .is_some_and(|(_, ext)| CODE_EXTENSIONS.contains(&ext))
    });
    if !has_code {
        return None;
    }
    let root_files: Vec<&str> = repo.files().filter(|f| !f.contains('/')).collect();
    root_files
        .iter()
        .find(|f| f.to_ascii_lowercase().starts_with("readme"))
        .or_else(|| root_files.iter().find(|f| !f.starts_with('.')))
        .or(root_files.first())
        .map(|f| (*f).to_string())
}

/// Where a repository finding anchored in `path` goes: its first line that is neither
/// blank nor a comment (so that a comment above it can suppress it), else line 1.
pub fn first_line_span(repo: &RepoIndex, path: &str) -> Span {
    let Some(src) = repo.source(path) else {
        return 0..0;
    };
    (1..=src.line_count())
        .find(|&l| {
            let t = src.line_text(l).trim();
            !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
        })
        .map_or_else(|| src.line_span(1), |l| src.line_span(l))
}

/// The span of a whole `key: value` entry (from the key to the end of the value).
pub fn entry_span(key: &Node, value: &Node) -> Span {
    key.span.start..value.span.end.max(key.span.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_actions_are_gates() {
        for lint in [
            "EmbarkStudios/cargo-deny-action@v2",
            "astral-sh/ruff-action@v3",
            "chartboost/ruff-action@v1",
            "pre-commit/action@v3.0.1",
            "golangci/golangci-lint-action@v6",
            "actions-rs/clippy-check@v1",
            "super-linter/super-linter@v7",
            "reviewdog/action-eslint@v1",
            "rustsec/audit-check@v2",
            "jakebailey/pyright-action@v2",
        ] {
            assert_eq!(action_gates(lint), Gates::LINT, "{lint}");
        }
        for test in [
            "pavelzw/pytest-action@v2",
            "php-actions/phpunit@v4",
            "actions-rs/tarpaulin@v0.1",
            "julia-actions/julia-runtest@v1",
        ] {
            assert_eq!(action_gates(test), Gates::TEST, "{test}");
        }
        for neither in [
            "actions/checkout@v4",
            "codecov/codecov-action@v5",
            "dtolnay/rust-toolchain@stable",
            "./",
            "reviewdogs/other@v1",
        ] {
            assert_eq!(action_gates(neither), Gates::default(), "{neither}");
        }
    }

    #[test]
    fn the_root_action_is_named_by_dot_slash() {
        assert!(is_root_action("./"));
        assert!(is_root_action(" . "));
        assert!(!is_root_action("./.github/actions/setup"));
        assert!(!is_root_action("owner/repo@v1"));
    }
}
