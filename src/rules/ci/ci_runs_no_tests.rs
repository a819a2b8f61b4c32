//! CI002 ci-runs-no-tests.

use super::Overview;
use crate::declare_rule;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a repository whose CI pipelines (GitHub Actions workflows, GitLab CI) run
    /// no test command in any job. Test commands are recognised directly (`pytest`,
    /// `cargo test`, `go test`, `npm test`, `jest`, `tox`, `nox`, `mvn verify`, …),
    /// behind launchers (`poetry run`, `uv run`, `xvfb-run`, `direnv exec .`, `xargs`, `docker compose run`,
    /// `${{ env.CARGO }} test`, a command substitution (`OUTPUT=$(uv run pytest)`);
    /// `docker compose -f ci/compose.yml run --rm test` with
    /// no command of its own runs the service's `entrypoint`/`command` from the Compose
    /// files it names, the last one to set it winning, and so does `docker compose up
    /// --exit-code-from test`), and behind task runners: `make ci` is followed into the
    /// `Makefile` target and its prerequisites, likewise `just`, `tox -e`, `nox -s`,
    /// `engage` and `npm run` into `justfile`, `tox.ini`, `noxfile.py`, `engage.toml`
    /// and `package.json`; a shell script of the repository run by its path
    /// (`./scripts/run_tests.sh`, `bash -c "scripts/bootstrap.sh && make test"`) is
    /// followed into its commands (and judged by its name when none is known). A task
    /// that cannot be followed is judged by its name (`test`, `check`, `ci`), and so are
    /// the tasks of runners whose tasks are code (`invoke unittest`, `gulp coverage`,
    /// `poe test`, `doit`, go-task's `task test`), and a command run in a container
    /// that is a tool of the image (`docker run --rm -v "$PWD":/app org/python-dev
    /// checkformat`). A `Makefile` recipe whose program is one of its variables
    /// (`$(PYTHON) -m pytest`) is read with the variable's value. Known
    /// test actions (`cypress-io/github-action`, `pavelzw/pytest-action`,
    /// `php-actions/phpunit`, …) count, and so does `uses: ./` in a repository that is
    /// an action (`action.yml` at its root): running the action is how it is tested.
    /// A repository with no tests at all (no test file or folder by its path, and no
    /// Rust code, whose unit tests sit beside it) is not flagged: what it lacks is a test
    /// suite, and a pipeline step would run nothing.
    /// A step that names a matrix value (`tox -e ${{ matrix.toxenv }}`) is read once per
    /// value the job's `strategy.matrix` lists (its own list and `include:` entries).
    ///
    /// ## Why it matters in production
    /// A pipeline that builds but never tests turns green on a change that breaks
    /// behaviour: the green check mark gives false confidence at review time.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   build:
    ///     steps:
    ///       - run: pip install .
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       - run: pip install . pytest
    ///       - run: pytest
    /// ```
    ///
    /// ## Known limits
    /// Only GitHub Actions and GitLab CI are read. When the repository also has another
    /// CI system, calls a remote reusable workflow, includes remote GitLab files or
    /// triggers child pipelines, part of the pipeline is invisible and nothing is
    /// reported. Tests run by a remote action of unknown purpose are not seen. A
    /// Dockerfile of the service with a stage named for tests after its production
    /// stage (`FROM production AS test`, `AS concourse_tests`) is taken as where a
    /// pipeline runs the suite, perhaps one outside the repository (measured: three
    /// GOV.UK Notify services whose tests run in Concourse from such a stage), and
    /// nothing is reported.
    pub CiRunsNoTests,
    code = "CI002", name = "ci-runs-no-tests", category = Ci, severity = Warning,
    default = false,
}

impl Rule for CiRunsNoTests {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let o = Overview::of(repo);
        if !o.fully_visible(repo)
            || !has_tests(repo)
            || o.gates().test
            || tests_in_an_image_build(repo)
        {
            return;
        }
        let Some((src, span)) = o.anchor() else {
            return;
        };
        cx.report(
            &Self::META,
            &src.rel_path,
            span,
            "no CI job runs the tests: the pipeline passes whether or not the code works",
            "add a step that runs the test suite (e.g. `run: pytest` or `run: cargo test --locked`) on every push and pull request",
        );
    }
}

/// Whether a Dockerfile of the service has a stage named for tests after its production
/// stage (`FROM production AS test`): a pipeline builds it to run the suite, often one
/// outside the repository (GOV.UK Notify's Concourse), which the workflows here do not
/// show.
/// Whether the repository has tests for CI to run: a test file or folder by its path
/// (`tests/`, `test_*.py`, `*_test.go`, `*.test.ts`, `*.spec.js`, `__tests__/`), or Rust
/// code, whose unit tests live beside it (`#[cfg(test)]`). A repository without tests
/// lacks a test suite, not a pipeline step: a step would run nothing.
fn has_tests(repo: &RepoIndex) -> bool {
    repo.files().any(|f| {
        let name = crate::source::file_name(f);
        f.ends_with(".rs")
            || name.contains(".test.")
            || name.contains(".spec.")
            || f.starts_with("__tests__/")
            || f.contains("/__tests__/")
            || crate::roles::Roles::of_path(f).has(crate::roles::Role::Test)
    })
}

fn tests_in_an_image_build(repo: &RepoIndex) -> bool {
    repo.parsed().any(|(src, facts)| {
        facts.docker.as_ref().is_some_and(|d| d.test_stage)
            && !crate::roles::Roles::of_path(&src.rel_path).any(crate::roles::Role::NOT_PRODUCTION)
    })
}
