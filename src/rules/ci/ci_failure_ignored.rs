//! CI003 ci-failure-ignored.

use super::{entry_span, step_gates};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::ci::github::{self, Job};
use crate::lang::ci::{CiFile, Flavor, gitlab};
use crate::lang::yaml::{Entry, Node, Value};
use crate::rule::{Context, Rule, Severity};
use gates::Gates;

use super::gates;

declare_rule! {
    /// ## What it does
    /// Flags `continue-on-error: true` on a GitHub Actions job or step, and
    /// `allow_failure: true` on a GitLab CI job (also when inherited through `extends:`
    /// or a `<<:` merge), when that job or step runs tests, a linter or a build.
    ///
    /// ## Why it matters in production
    /// The pipeline shows green while the gate failed: broken tests or a broken build
    /// get merged, and nobody looks at a job that never turns red.
    ///
    /// ## Example
    /// ```yaml
    ///       - run: pytest
    ///         continue-on-error: true
    /// ```
    ///
    /// ## Fix
    /// Remove it, or make the failure visible: give the step an `id` and have a later
    /// step read `steps.<id>.outcome` (report it, or fail on it). For a job that may
    /// fail on purpose (a nightly toolchain), set `continue-on-error` from the matrix.
    ///
    /// ## Known limits
    /// A step whose `outcome` a later step of the same job reads is not flagged; a
    /// value set from an expression (`${{ matrix.experimental }}`) is a note. GitLab's
    /// `allow_failure: {exit_codes: …}` names the failures it allows and is fine. In a
    /// workflow that never runs on changes (no `push`, `pull_request`,
    /// `pull_request_target`, `merge_group` or `workflow_call`: a nightly, a manual
    /// release) nothing gets merged on its green check, and the finding is a note. Steps
    /// that run commands through a remote action are judged by a list of known lint
    /// and test actions.
    ///
    /// Not in the default set: judged on real services, 3 of 25 findings were worth
    /// acting on. `continue-on-error` is written on purpose (a best-effort upload, a
    /// flaky mirror), and a build step's failure usually fails a later step of the
    /// same job anyway (the image or cache it should have written is not there).
    pub CiFailureIgnored,
    code = "CI003", name = "ci-failure-ignored", category = Ci, severity = Warning,
    default = false,
    reads = [FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi],
}

impl Rule for CiFailureIgnored {
    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        match file.flavor {
            Flavor::GithubWorkflow | Flavor::GithubAction => self.github(file, cx),
            Flavor::Gitlab => self.gitlab(file, cx),
        }
    }
}

impl CiFailureIgnored {
    fn github(&self, file: &CiFile, cx: &mut Context<'_>) {
        // A workflow no change goes through (scheduled, dispatched by hand) gates no merge.
        let severity = (file.flavor == Flavor::GithubWorkflow && !github::runs_on_changes(file))
            .then_some(Severity::Note);
        for job in github::jobs(file) {
            let steps = job.steps();
            let job_gates = steps
                .iter()
                .fold(Gates::default(), |g, s| g.or(step_gates(s)));
            let label = format!(
                "{} {}",
                job.id(),
                job.node
                    .get("name")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default()
            );
            if let Some(e) = job
                .node
                .entry("continue-on-error")
                .filter(|_| !declared_optional(&label))
            {
                self.report(cx, e, job_gates, &format!("job `{}`", job.id()), severity);
            }
            self.steps(file, Some(job), severity, cx);
        }
        self.steps(file, None, severity, cx);
    }

    fn steps(
        &self,
        file: &CiFile,
        job: Option<Job<'_>>,
        severity: Option<Severity>,
        cx: &mut Context<'_>,
    ) {
        let steps = match job {
            Some(j) => j.steps(),
            None => github::action_steps(file),
        };
        for (i, step) in steps.iter().enumerate() {
            let Some(e) = step.node.entry("continue-on-error") else {
                continue;
            };
            // A later step that reads this step's outcome handles the failure.
            if let Some(id) = step.id() {
                let needle = format!("steps.{id}.outcome");
                let read = steps[i + 1..].iter().any(|s| {
                    cx.source
                        .text
                        .get(s.node.span.clone())
                        .is_some_and(|t| t.contains(&needle))
                });
                if read {
                    continue;
                }
            }
            // A step its author calls optional (or experimental, flaky) may fail.
            let label = format!(
                "{} {}",
                step.node
                    .get("name")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default(),
                step.id().unwrap_or_default()
            );
            if declared_optional(&label) {
                continue;
            }
            let what = match step.node.get("name").and_then(Node::scalar_text) {
                Some(n) => format!("step `{n}`"),
                None => format!("step {}", step.index + 1),
            };
            self.report(cx, e, step_gates(step), &what, severity);
        }
    }

    fn report(
        &self,
        cx: &mut Context<'_>,
        e: &Entry,
        gates: Gates,
        what: &str,
        severity: Option<Severity>,
    ) {
        if !gates.any() {
            return;
        }
        let span = entry_span(&e.key, &e.value);
        if e.value.as_bool() == Some(true) {
            let f = cx.report(
                &Self::META,
                span,
                format!(
                    "`continue-on-error: true` lets {what} pass when {}",
                    gates.failing()
                ),
                "remove it; if the failure is expected, give the step an `id` and check `steps.<id>.outcome` in a later step",
            );
            if let Some(s) = severity {
                f.severity(s);
            }
        } else if e.value.is_expression() {
            cx.report(
                &Self::META,
                span,
                format!("`continue-on-error` from an expression may let {what} pass when {}", gates.failing()),
                "make sure the expression is true only for runs that may fail (an experimental toolchain, say)",
            )
            .severity(Severity::Note);
        }
    }

    fn gitlab(&self, file: &CiFile, cx: &mut Context<'_>) {
        let Some(root) = file.root() else { return };
        let mut seen: Vec<std::ops::Range<usize>> = Vec::new();
        for job in gitlab::jobs(file) {
            if job.hidden() {
                continue;
            }
            let Some(e) = job.resolved.entry("allow_failure") else {
                continue;
            };
            if !matches!(e.value.value, Value::Bool(true)) {
                continue;
            }
            let mut g = Gates::default();
            for key in ["before_script", "script"] {
                if let Some(s) = job.resolved.get(key) {
                    for line in gitlab::script_lines(root, s) {
                        g = g.or(gates::script(&line.text, "", None));
                    }
                }
            }
            if !g.any() {
                continue;
            }
            let span = entry_span(&e.key, &e.value);
            if seen.contains(&span) {
                continue;
            }
            seen.push(span.clone());
            cx.report(
                &Self::META,
                span,
                format!(
                    "`allow_failure: true` lets job `{}` pass when {}",
                    job.name(),
                    g.failing()
                ),
                "remove it, or allow only known exit codes with `allow_failure: {exit_codes: [...]}`",
            );
        }
    }
}

/// Names that say the failure is expected: `optional`, `experimental`, `flaky`,
/// `allowed to fail`, `best effort`, `non-blocking`.
fn declared_optional(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    [
        "optional",
        "experimental",
        "flaky",
        "allowed to fail",
        "allow-fail",
        "allow_fail",
        "best effort",
        "best-effort",
        "non-blocking",
        "nonblocking",
        "informational",
    ]
    .iter()
    .any(|k| l.contains(k))
}
