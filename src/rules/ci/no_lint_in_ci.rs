//! CI007 no-lint-in-ci.

use super::Overview;
use crate::declare_rule;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a repository whose CI runs no linter, type checker or static analysis:
    /// no `ruff`, `flake8`, `mypy`, `cargo clippy`, `cargo fmt --check`, `eslint`,
    /// `golangci-lint`, `pre-commit run`, … in any job (wrappers such as `make lint`,
    /// `tox -e lint` or `npm run lint` are followed as for CI002), no lint action
    /// (CodeQL, ruff-action, pre-commit/action, super-linter, reviewdog, …), and no
    /// `.pre-commit-config.yaml` (which pre-commit.ci runs).
    ///
    /// ## Why it matters in production
    /// Linters and type checkers catch whole classes of bugs (unused results, `None`
    /// dereferences, shadowed names, swallowed errors) before a reviewer sees the change,
    /// and keep the code base uniform enough to review quickly.
    ///
    /// ## Example
    /// A workflow whose only step is `run: cargo test`.
    ///
    /// ## Fix
    /// ```yaml
    ///       - run: cargo clippy --all-targets -- -D warnings
    ///       - run: cargo fmt --check
    /// ```
    ///
    /// ## Known limits
    /// As for CI002, nothing is reported when part of the pipeline cannot be seen. A
    /// `.pre-commit-config.yaml` counts as a gate even when nothing runs it.
    pub NoLintInCi,
    code = "CI007", name = "no-lint-in-ci", category = Ci, severity = Note,
}

impl Rule for NoLintInCi {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        if repo.contains(".pre-commit-config.yaml") || repo.contains(".pre-commit-config.yml") {
            return;
        }
        let o = Overview::of(repo);
        if !o.fully_visible(repo) || o.gates().lint {
            return;
        }
        let Some((src, span)) = o.anchor() else {
            return;
        };
        cx.report(
            &Self::META,
            &src.rel_path,
            span,
            "no CI job runs a linter or static analysis",
            "add a lint step (e.g. `ruff check`, `cargo clippy -- -D warnings`, `eslint .`) or a `.pre-commit-config.yaml` run by pre-commit.ci",
        );
    }
}
