//! The readiness score: one number per category and one overall, 0–100, computed
//! offline from a run's findings, the way OpenSSF Scorecard scores its checks.
//!
//! - **Which categories count.** A category is scored when the run read a file that
//!   one of its enabled rules reads (a Dockerfile for `container`, a workflow for `ci`,
//!   Python or Rust sources for `errors` and `timeouts`, …) or when it has findings
//!   (a repository rule that found CI missing; rules that look at the whole project
//!   whatever it holds make their category apply only this way). Any other category is
//!   `n/a`, not 100: a project without a Dockerfile has no container readiness to
//!   speak of. The `readylint` category (parse errors, unused suppressions) is never
//!   scored.
//! - **Points lost.** Each finding costs points by its severity: an error 10, a warning
//!   4, a note 1. Findings of the same rule have diminishing returns — the first counts
//!   in full, the second half, the third a quarter, … — so one rule can cost at most
//!   twice its weight, and ten distinct problems weigh more than one problem found in
//!   ten places.
//! - **Category score.** `100 × 0.5^(points / 20)`, rounded: 20 points halve the
//!   score, so one error costs 29 (71 left), one warning 13, one note 3, and a score
//!   approaches 0 without a floor that hides further problems.
//! - **Overall.** The mean of the scored categories, weighted by what takes a service
//!   down first, like Scorecard's risk levels: errors and timeouts 3; config,
//!   container, dependencies, CI and observability 2; logging and docs 1. `n/a` when no
//!   category is scored.
//!
//! Suppressed and baselined findings, and findings below `--min-severity`, cost
//! nothing: the score is of the findings the report shows. Everything is computed from
//! sorted maps, so the same findings always give the same score.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::finding::Finding;
use crate::lang::FileKind;
use crate::rule::{Category, Rule, Severity};

/// Points a finding of each severity costs (before diminishing returns).
pub fn severity_points(s: Severity) -> f64 {
    match s {
        Severity::Error => 10.0,
        Severity::Warning => 4.0,
        Severity::Note => 1.0,
    }
}

/// Points that halve a category's score.
pub const HALF_LIFE: f64 = 20.0;

/// How much a category counts in the overall score; `None` for the categories that
/// are never scored.
pub fn category_weight(c: Category) -> Option<u32> {
    match c {
        Category::Errors | Category::Timeouts => Some(3),
        Category::Config
        | Category::Container
        | Category::Dependencies
        | Category::Ci
        | Category::Observability => Some(2),
        Category::Logging | Category::Docs => Some(1),
        Category::Readylint => None,
    }
}

/// The categories the score applies to: those of the enabled rules that read a kind of
/// file the run found. Rules that look at the whole project whatever it holds (CI001
/// no-ci, DOC001 missing-readme: they read every kind) do not make their category
/// apply; they count when they report something.
pub fn applicable(
    rules: &[&'static dyn Rule],
    found: &std::collections::HashSet<FileKind>,
) -> BTreeSet<Category> {
    const UNRELATED: [FileKind; 4] = [
        FileKind::Dockerfile,
        FileKind::Python,
        FileKind::Rust,
        FileKind::GithubWorkflow,
    ];
    rules
        .iter()
        .filter(|r| !UNRELATED.iter().all(|k| r.reads(*k)))
        .filter(|r| found.iter().any(|k| r.reads(*k)))
        .map(|r| r.meta().category)
        .collect()
}

/// The scores of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// Every scored category ([`category_weight`] is `Some`), `None` when it is n/a.
    pub categories: BTreeMap<Category, Option<u32>>,
    /// `None` when no category applies.
    pub overall: Option<u32>,
}

impl Score {
    /// Scores `findings`, given the categories whose rules read some file of the run.
    pub fn compute(findings: &[Finding], applicable: &BTreeSet<Category>) -> Score {
        // Per category, per rule: the severities of its findings.
        let mut by_rule: BTreeMap<Category, BTreeMap<&str, Vec<Severity>>> = BTreeMap::new();
        for f in findings {
            by_rule
                .entry(f.category)
                .or_default()
                .entry(f.rule)
                .or_default()
                .push(f.severity);
        }
        let mut categories = BTreeMap::new();
        let (mut sum, mut weights) = (0u64, 0u64);
        for c in Category::ALL {
            let Some(weight) = category_weight(c) else {
                continue;
            };
            let rules = by_rule.get(&c);
            if rules.is_none() && !applicable.contains(&c) {
                categories.insert(c, None);
                continue;
            }
            let points: f64 = rules
                .into_iter()
                .flat_map(|r| r.values())
                .map(|sevs| rule_points(sevs))
                .sum();
            let score = category_score(points);
            categories.insert(c, Some(score));
            sum += u64::from(score) * u64::from(weight);
            weights += u64::from(weight);
        }
        let overall = (weights > 0).then(|| ((sum + weights / 2) / weights) as u32);
        Score {
            categories,
            overall,
        }
    }

    /// `{"overall": 78, "categories": {"errors": 71, "docs": null, …}}`, for JSON and
    /// SARIF.
    pub fn to_json(&self) -> Value {
        let categories: serde_json::Map<String, Value> = self
            .categories
            .iter()
            .map(|(c, s)| (c.as_str().to_string(), json!(s)))
            .collect();
        json!({"overall": self.overall, "categories": categories})
    }

    /// `Readiness 78/100: errors 71, timeouts 87, container n/a, …`, scored categories
    /// first, lowest first.
    pub fn line(&self) -> String {
        let mut scored: Vec<(Category, u32)> = self
            .categories
            .iter()
            .filter_map(|(c, s)| s.map(|s| (*c, s)))
            .collect();
        scored.sort_by_key(|(c, s)| (*s, *c));
        let unscored: Vec<&str> = self
            .categories
            .iter()
            .filter(|(_, s)| s.is_none())
            .map(|(c, _)| c.as_str())
            .collect();
        let mut parts: Vec<String> = Vec::new();
        if !scored.is_empty() {
            let each: Vec<String> = scored.iter().map(|(c, s)| format!("{c} {s}")).collect();
            parts.push(each.join(", "));
        }
        if !unscored.is_empty() {
            parts.push(format!("n/a: {}", unscored.join(", ")));
        }
        let overall = match self.overall {
            Some(o) => format!("{o}/100"),
            None => "n/a".to_string(),
        };
        if parts.is_empty() {
            format!("Readiness {overall}")
        } else {
            format!("Readiness {overall} ({})", parts.join("; "))
        }
    }
}

/// Points one rule's findings cost: the first in full, each next one half the last.
fn rule_points(severities: &[Severity]) -> f64 {
    let mut sorted: Vec<f64> = severities.iter().map(|s| severity_points(*s)).collect();
    // The worst first, so that the order of the findings does not matter.
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut factor = 1.0;
    let mut total = 0.0;
    for p in sorted {
        total += p * factor;
        factor /= 2.0;
    }
    total
}

/// `100 × 0.5^(points / HALF_LIFE)`, rounded.
pub fn category_score(points: f64) -> u32 {
    (100.0 * 0.5f64.powf(points / HALF_LIFE)).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, category: Category, severity: Severity) -> Finding {
        Finding {
            rule,
            name: "",
            category,
            severity,
            message: String::new(),
            path: "".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            help: "".into(),
            fingerprint: Default::default(),
            line_text: String::new(),
            statement_line: 1,
            span: (0, 0),
            fix: None,
            repository: false,
        }
    }

    #[test]
    fn one_finding_of_each_severity() {
        assert_eq!(category_score(0.0), 100);
        assert_eq!(category_score(10.0), 71);
        assert_eq!(category_score(4.0), 87);
        assert_eq!(category_score(1.0), 97);
        assert_eq!(category_score(20.0), 50);
    }

    #[test]
    fn repeats_of_a_rule_have_diminishing_returns() {
        let one = rule_points(&[Severity::Warning]);
        let many = rule_points(&[Severity::Warning; 30]);
        assert_eq!(one, 4.0);
        assert!(many < 8.0 && many > 7.9, "{many}");
        // Two distinct rules cost more than one rule found twice.
        let applicable = BTreeSet::from([Category::Errors]);
        let twice = Score::compute(
            &[
                finding("EXC001", Category::Errors, Severity::Warning),
                finding("EXC001", Category::Errors, Severity::Warning),
            ],
            &applicable,
        );
        let distinct = Score::compute(
            &[
                finding("EXC001", Category::Errors, Severity::Warning),
                finding("EXC002", Category::Errors, Severity::Warning),
            ],
            &applicable,
        );
        assert!(distinct.categories[&Category::Errors] < twice.categories[&Category::Errors]);
    }

    #[test]
    fn categories_without_files_are_not_applicable() {
        let s = Score::compute(&[], &BTreeSet::from([Category::Timeouts]));
        assert_eq!(s.categories[&Category::Timeouts], Some(100));
        assert_eq!(s.categories[&Category::Container], None);
        assert!(!s.categories.contains_key(&Category::Readylint));
        assert_eq!(s.overall, Some(100));
        assert_eq!(Score::compute(&[], &BTreeSet::new()).overall, None);
    }

    #[test]
    fn overall_is_the_weighted_mean() {
        // errors (weight 3) at 71, docs (weight 1) at 100: (213 + 100) / 4 = 78.25.
        let s = Score::compute(
            &[finding("EXC001", Category::Errors, Severity::Error)],
            &BTreeSet::from([Category::Docs]),
        );
        assert_eq!(s.categories[&Category::Errors], Some(71));
        assert_eq!(s.categories[&Category::Docs], Some(100));
        assert_eq!(s.overall, Some(78));
        assert_eq!(
            s.line(),
            "Readiness 78/100 (errors 71, docs 100; n/a: dependencies, timeouts, logging, container, ci, config, observability)"
        );
    }

    #[test]
    fn order_of_findings_does_not_matter() {
        let a = [
            finding("X1", Category::Ci, Severity::Note),
            finding("X1", Category::Ci, Severity::Error),
        ];
        let b = [a[1].clone(), a[0].clone()];
        let ci = BTreeSet::from([Category::Ci]);
        assert_eq!(Score::compute(&a, &ci), Score::compute(&b, &ci));
    }
}
