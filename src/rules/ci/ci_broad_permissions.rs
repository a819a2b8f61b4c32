//! CI006 ci-broad-permissions.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::ci::{CiFile, Flavor, github};
use crate::lang::yaml::Node;
use crate::rule::{Context, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags `permissions: write-all` on a GitHub Actions workflow or job. A workflow
    /// that sets no `permissions` at all (neither at the top nor on every job) is a
    /// note: its token gets the repository's default permissions, which are read-write
    /// in older repositories and organisations.
    ///
    /// ## Why it matters in production
    /// Every step, including third-party actions and the code under test, can use the
    /// `GITHUB_TOKEN`. With write access a compromised dependency or action can push
    /// commits, create releases or tamper with packages.
    ///
    /// ## Example
    /// ```yaml
    /// permissions: write-all
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   release:
    ///     permissions:
    ///       contents: write   # only where needed
    /// ```
    ///
    /// ## Known limits
    /// Individual write scopes (`contents: write`) are not judged: whether a job needs
    /// them depends on what it does.
    pub CiBroadPermissions,
    code = "CI006", name = "ci-broad-permissions", category = Ci, severity = Warning,
    security = true,
    reads = [FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi],
}

impl Rule for CiBroadPermissions {
    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        if file.flavor != Flavor::GithubWorkflow {
            return;
        }
        let Some(root) = file.root() else { return };
        let top = root.get("permissions");
        let jobs = github::jobs(file);
        let mut checks: Vec<(&Node, String)> = Vec::new();
        checks.extend(top.map(|p| (p, "this workflow".to_string())));
        for j in &jobs {
            if let Some(p) = j.node.get("permissions") {
                checks.push((p, format!("job `{}`", j.id())));
            }
        }
        for (p, what) in checks {
            if p.as_str() == Some("write-all") {
                cx.report(
                    &Self::META,
                    p.span.clone(),
                    format!("`permissions: write-all` gives every step of {what} a token that can write to the repository"),
                    "grant only what is needed, e.g. `permissions: {contents: read}`, and widen per job",
                );
            }
        }
        // A reusable workflow gets its token from its caller, which is checked there.
        let events = github::events(file);
        let called_only = !events.is_empty() && events.iter().all(|e| e == "workflow_call");
        if top.is_some() || jobs.is_empty() || called_only {
            return;
        }
        let bare: Vec<&str> = jobs
            .iter()
            .filter(|j| j.node.get("permissions").is_none())
            .map(|j| j.id())
            .collect();
        if bare.is_empty() {
            return;
        }
        let span = root
            .entry("on")
            .or_else(|| root.entry("jobs"))
            .map_or(0..0, |e| e.key.span.clone());
        cx.report(
            &Self::META,
            span,
            format!(
                "this workflow sets no `permissions`: job{} `{}` get{} the repository's default token permissions",
                if bare.len() == 1 { "" } else { "s" },
                bare.join("`, `"),
                if bare.len() == 1 { "s" } else { "" },
            ),
            "add `permissions: {contents: read}` at the top of the workflow and widen it per job where needed",
        )
        .severity(Severity::Note);
    }
}
