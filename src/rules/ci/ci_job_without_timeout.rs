//! CI005 ci-job-without-timeout.

use crate::declare_rule;
use crate::lang::ci::{CiFile, github};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a GitHub Actions job without `timeout-minutes` that runs something that can
    /// hang: a `run:` step with a command other than bookkeeping (`echo`, `git`, `gh`,
    /// `jq`, file and text utilities), or service containers or a job container.
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
    /// flagged; step-level `timeout-minutes` does not count for the job. Jobs made only
    /// of actions (`uses:` steps: a stale-issue bot, a release drafter) or of bookkeeping
    /// commands are not flagged: measured on real services, nobody acts on those. An
    /// action that builds or tests (`docker/build-push-action`) can hang too; that is
    /// missed.
    pub CiJobWithoutTimeout,
    code = "CI005", name = "ci-job-without-timeout", category = Ci, severity = Note,
}

impl Rule for CiJobWithoutTimeout {
    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        for job in github::jobs(file) {
            if job.uses().is_some() || job.node.get("timeout-minutes").is_some() || !can_hang(&job)
            {
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

/// Commands that only move data around the runner or talk to the GitHub API.
const BOOKKEEPING: &[&str] = &[
    "echo",
    "printf",
    "cat",
    "ls",
    "cd",
    "pwd",
    "mkdir",
    "cp",
    "mv",
    "rm",
    "ln",
    "touch",
    "chmod",
    "test",
    "[",
    "[[",
    "true",
    "false",
    "exit",
    "export",
    "set",
    "shift",
    "read",
    "git",
    "gh",
    "jq",
    "yq",
    "sed",
    "awk",
    "grep",
    "cut",
    "tr",
    "sort",
    "uniq",
    "head",
    "tail",
    "wc",
    "tee",
    "basename",
    "dirname",
    "date",
    "env",
    "if",
    "then",
    "else",
    "fi",
    "for",
    "do",
    "done",
    "while",
    "case",
    "esac",
    "sha256sum",
    "shasum",
    "find",
    "xargs",
    "base64",
    "zip",
    "unzip",
    "tar",
];

/// Whether a job runs something that can hang: a command that is not bookkeeping, or
/// service containers or a job container.
fn can_hang(job: &github::Job<'_>) -> bool {
    if job.node.get("services").is_some() || job.node.get("container").is_some() {
        return true;
    }
    job.steps().iter().any(|s| {
        s.run().and_then(|r| r.as_str()).is_some_and(|script| {
            crate::lang::shell::split(script).iter().any(|c| {
                c.program_name()
                    .is_some_and(|p| !p.contains('=') && !BOOKKEEPING.contains(&p))
            })
        })
    })
}
