//! DOC002 low-docstring-coverage.

use super::DocFacts;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::repo::RepoIndex;
use crate::rule::{OptionKind, OptionMeta, RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// In a repository that publishes a Python package (trove classifiers in
    /// `pyproject.toml`, or `project-type = "library"`), counts the public modules,
    /// classes and functions that have a docstring, and reports once, at the least
    /// documented file, when the share is under `min-coverage` percent (default 50).
    ///
    /// ## Why it matters in production
    /// The person paged at night is rarely the author. Docstrings on the public surface
    /// say what a function promises, what it raises and what it must not be used for.
    ///
    /// ## Example
    /// ```python
    /// def reconcile(ledger, since):
    ///     ...
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// def reconcile(ledger, since):
    ///     """Match ledger entries since `since` against the bank feed; raises
    ///     `FeedUnavailable` when the feed is down."""
    /// ```
    ///
    /// ## Known limits
    /// Public means a name without a leading underscore, at module level or in a public
    /// class; dunder methods, `@overload`s and property setters are not counted, nor
    /// are functions nested in functions. Modules count when they have code (an empty
    /// `__init__.py` does not). Tests, examples and docs, migrations, stubs, scripts
    /// and tooling (`setup.py`, `conftest.py`) are left out.
    pub LowDocstringCoverage,
    code = "DOC002", name = "low-docstring-coverage", category = Docs, severity = Note,
    default = false,
    options = [OptionMeta {
        name: "min-coverage",
        kind: OptionKind::Integer,
        default: "50",
        doc: "percentage of documented public modules, classes and functions below which the rule reports",
    }],
    reads = [FileKind::Python, FileKind::Manifest(ManifestKind::Pyproject)],
    facts_only = true,
}

impl Rule for LowDocstringCoverage {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        if !publishes_a_package(repo) {
            return;
        }
        let min = cx.option_int(&Self::META, "min-coverage", 50).clamp(0, 100) as usize;
        let (mut documented, mut total) = (0, 0);
        let mut worst: Option<(&str, &DocFacts)> = None;
        for (src, facts) in repo.parsed() {
            let Some(d) = facts.python.as_ref().and_then(|p| p.docs.as_ref()) else {
                continue;
            };
            documented += d.documented;
            total += d.total;
            if d.first_undocumented.is_none() {
                continue;
            }
            // Lowest coverage first, then the most undocumented items, then the path.
            let better = match worst {
                None => true,
                Some((_, w)) => {
                    let (a, b) = (d.documented * w.total, w.documented * d.total);
                    a < b || (a == b && d.total - d.documented > w.total - w.documented)
                }
            };
            if better {
                worst = Some((&src.rel_path, d));
            }
        }
        let Some((path, w)) = worst else { return };
        if total == 0 || documented * 100 >= min * total {
            return;
        }
        let pct = documented * 100 / total;
        cx.report(
            &Self::META,
            path,
            w.first_undocumented.clone().unwrap_or(0..0),
            format!(
                "docstring coverage is {pct}% ({documented} of {total} public modules, classes and functions), under the {min}% minimum"
            ),
            format!(
                "document the public API, starting here: this file has {} of {} documented",
                w.documented, w.total
            ),
        );
    }
}

/// Whether the repository publishes a Python package: `project-type = "library"`, or a
/// `pyproject.toml` with trove classifiers. Docstrings are for a library's users; on a
/// service the measure was noise (0 % precision on real services).
fn publishes_a_package(repo: &RepoIndex) -> bool {
    use crate::lang::manifest::Manifest;
    if repo.project_type() == crate::repo::ProjectType::Library {
        return true;
    }
    repo.parsed()
        .any(|(_, facts)| match facts.manifest.as_deref() {
            Some(Manifest::Pyproject(doc)) => {
                doc.root
                    .get("project")
                    .and_then(|p| p.get("classifiers"))
                    .is_some()
                    || doc
                        .root
                        .get("tool")
                        .and_then(|t| t.get("poetry"))
                        .and_then(|p| p.get("classifiers"))
                        .is_some()
            }
            _ => false,
        })
}
