//! CI001 no-ci.

use super::{Overview, first_line_span, project_anchor};
use crate::declare_rule;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a software project with no CI configuration at all: no GitHub Actions
    /// workflow, no `.gitlab-ci.yml`, and none of the files of CircleCI, Azure
    /// Pipelines, Jenkins, Travis CI, Buildkite, Drone, Bitbucket Pipelines, Woodpecker,
    /// AppVeyor, Cirrus CI, Semaphore, Codefresh, AWS CodeBuild, Google Cloud Build,
    /// Taskcluster, TeamCity, Gitea and Forgejo Actions, Wikimedia's PipelineLib
    /// (`.pipeline/config.yaml`), Zuul (`.zuul.yaml`, `zuul.d/`) or SourceHut builds.
    ///
    /// ## Why it matters in production
    /// Without CI nothing stops a change that breaks the build or the tests from being
    /// merged and deployed: every gate depends on someone remembering to run it by hand.
    ///
    /// ## Example
    /// A repository with `pyproject.toml` and `src/`, and no `.github/workflows/`.
    ///
    /// ## Fix
    /// Add a workflow that runs on every push and pull request:
    /// ```yaml
    /// # .github/workflows/ci.yml
    /// on: [push, pull_request]
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     timeout-minutes: 15
    ///     steps:
    ///       - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    ///       - run: make test
    /// ```
    ///
    /// ## Known limits
    /// The finding is anchored at the build manifest (or the README, or the first file
    /// at the root); a repository with no source code is not flagged. A CI entry point
    /// that is only a script (say `.ci/run` or `scripts/ci.sh`) is not CI: nothing runs
    /// it on its own. Pipelines kept in another repository cannot be seen; silence the
    /// rule in the configuration then.
    pub NoCi,
    code = "CI001", name = "no-ci", category = Ci, severity = Warning,
}

impl Rule for NoCi {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        if Overview::of(repo).has_ci() {
            return;
        }
        let Some(anchor) = project_anchor(repo) else {
            return;
        };
        let span = first_line_span(repo, &anchor);
        cx.report(
            &Self::META,
            &anchor,
            span,
            "this repository has no CI configuration: nothing runs the build or the tests on each change",
            "add a CI pipeline (e.g. `.github/workflows/ci.yml`) that builds, lints and tests every push and pull request",
        );
    }
}
