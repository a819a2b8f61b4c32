//! CI005 ci-job-without-timeout.

use crate::declare_rule;
use crate::lang::ci::{CiFile, github};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a GitHub Actions job without `timeout-minutes`.
    ///
    /// ## Why it matters in production
    /// The default timeout is six hours. A hung test, a prompt waiting for input or a
    /// deadlock holds a runner (and, on paid plans, bills it) for six hours, blocks the
    /// merge queue, and delays the signal that something is wrong.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     timeout-minutes: 20
    /// ```
    ///
    /// ## Known limits
    /// Jobs that call a reusable workflow (`uses:`) cannot set a timeout and are not
    /// flagged; step-level `timeout-minutes` does not count for the job.
    pub CiJobWithoutTimeout,
    code = "CI005", name = "ci-job-without-timeout", category = Ci, severity = Note,
}

impl Rule for CiJobWithoutTimeout {
    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        for job in github::jobs(file) {
            if job.uses().is_some() || job.node.get("timeout-minutes").is_some() {
                continue;
            }
            cx.report(
                &Self::META,
                job.key.span.clone(),
                format!(
                    "job `{}` has no `timeout-minutes`: a hung run holds its runner for six hours",
                    job.id()
                ),
                "set `timeout-minutes:` on the job to a few times its usual duration",
            );
        }
    }
}
