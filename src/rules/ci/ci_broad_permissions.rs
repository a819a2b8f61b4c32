//! CI006 ci-broad-permissions.

use crate::declare_rule;
use crate::fix::{Edit, Fix};
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
    /// Left out of that note, since narrowing their token changes nothing a reviewer
    /// would ask for:
    /// - a job that calls a reusable workflow of another repository: the called
    ///   workflow's own `permissions` decide its token, and it is checked there;
    /// - a job that calls a reusable workflow of this repository that sets
    ///   `permissions` (at its top, or on every job): its jobs get no more than that. A
    ///   workflow whose listed jobs only call this repository's reusable workflows names
    ///   them (`(through ./.github/workflows/build.yml)`);
    /// - a job that runs no third party's code: no action but `actions/checkout`, and
    ///   `run` scripts made only of `echo`, `printf`, `exit`, `test` (`[`, `[[`), `sleep`,
    ///   `date`, `jq`, `gh`, `git`, the clients the runner image ships that call an API
    ///   (`curl`, `wget`, `aws`; a download piped to a shell is not inert) and the
    ///   runner's coreutils and text tools (`cat`, `cp`, `grep`, `sed`, `awk`, …) and
    ///   the shell's own builtins (`set`, `export`, `read`, `shift`, …)
    ///   (in `if`/`for`/`case` blocks or not), none of which
    ///   expands an expression from the triggering event (`github.event.…`,
    ///   `github.head_ref`) into the script;
    /// - a job that checks nothing out and uses only GitHub's own actions (`actions/stale`,
    ///   `actions/add-to-project`, `actions/github-script`) and release-please (which
    ///   needs `contents`, `pull-requests` and `issues` write) beside such scripts: of 13
    ///   judged on services, 12 were not worth narrowing (the action needs its write
    ///   scopes anyway, or is handed a token of its own). Beside a checkout they are
    ///   still counted (`github/codeql-action` builds the repository).
    ///
    /// A manual run's inputs (`github.event.inputs.task`) come from a maintainer and are
    /// no expansion from the triggering event.
    ///
    /// ## Known limits
    /// Individual write scopes (`contents: write`) are not judged: whether a job needs
    /// them depends on what it does.
    ///
    /// For a workflow without `permissions`, `readylint check --fix --unsafe-fixes` adds
    /// `permissions: {contents: read}` (in block style) above `jobs:` when no job
    /// without its own `permissions` looks like it writes: each of its steps uses only
    /// actions known to need no write scope (`actions/checkout`, `actions/setup-*`,
    /// `actions/cache`, the artifact actions, toolchain installers), runs no `gh`, no
    /// `git push` and no documentation publisher that pushes (`mkdocs gh-deploy`, `mike
    /// deploy --push`, `ghp-import --push`), and the job does not name the token (`GITHUB_TOKEN`,
    /// `github.token`). Unsafe: a step can still need a scope it never names.
    pub CiBroadPermissions,
    code = "CI006", name = "ci-broad-permissions", category = Ci, severity = Warning,
    security = true,
    reads = [FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi],
    fix = Unsafe,
}

/// Actions that need no write scope of the token.
const READ_ONLY_ACTIONS: &[&str] = &[
    "actions/checkout",
    "actions/setup-",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "astral-sh/setup-uv",
    "astral-sh/ruff-action",
    "dtolnay/rust-toolchain",
    "actions-rs/toolchain",
    "swatinem/rust-cache",
    "taiki-e/install-action",
    "pnpm/action-setup",
    "snok/install-poetry",
    "docker/setup-buildx-action",
    "docker/setup-qemu-action",
    "pre-commit/action",
    "extractions/setup-just",
];

/// Whether a job may use a write scope of the token: an action not known to be
/// read-only, a reusable workflow, `gh` or `git push`, or the token named outright.
fn job_may_write(text: &str, job: &github::Job<'_>) -> bool {
    if job.uses().is_some() {
        return true;
    }
    let own = &text[job.node.span.clone()];
    if own.contains("GITHUB_TOKEN") || own.contains("github.token") {
        return true;
    }
    job.steps().iter().any(|s| {
        if let Some(uses) = s.uses() {
            let name = uses.as_str().unwrap_or("").to_ascii_lowercase();
            return !READ_ONLY_ACTIONS.iter().any(|a| name.starts_with(a));
        }
        let script = s.run().and_then(|r| r.as_str()).unwrap_or("");
        crate::lang::shell::split(script).iter().any(|c| {
            let words = c.program();
            let has = |arg: &str| words.iter().skip(1).any(|w| w.value == arg);
            match c.program_name() {
                Some("gh") => true,
                Some("git") => words.get(1).is_some_and(|w| w.value == "push"),
                // Documentation publishers that push to `gh-pages`.
                Some("mkdocs") => has("gh-deploy"),
                Some("mike") => has("--push") || has("-p"),
                Some("ghp-import") => has("--push") || has("-p"),
                _ => false,
            }
        })
    })
}

/// Shell commands that run no code of a third party: shell builtins, `jq`, `gh`, `git`,
/// and the coreutils and text tools of the runner (its own programs, on the job's files).
const INERT_COMMANDS: &[&str] = &[
    "echo", "printf", "exit", "true", "false", "test", "[", "[[", "sleep", "date", "jq", "gh",
    "git", "cat", "touch", "mkdir", "cp", "mv", "rm", "ls", "ln", "chmod", "head", "tail", "cut",
    "tr", "sort", "uniq", "wc", "tee", "grep", "sed", "awk", "basename", "dirname", "cd", "export",
    "env", "pwd", "set", "unset", "shift", "local", "declare", "readonly", "read", ":",
    // Clients the runner image ships, which fetch or call an API and run no code of a
    // third party (a download piped to `sh` is not inert: `sh` is not in this list).
    "curl", "wget", "aws",
    // The words of a compound command left alone on a line (`if [[ … ]]; then`,
    // `fi`), whose commands are judged as any.
    "then", "else", "do", "fi", "done", "case", "esac",
];

/// Actions that open release pull requests and publish releases, and need the token's
/// `contents`, `pull-requests` and `issues` write scopes for it: narrowing a job that
/// runs only them gains nothing (4 of 4 judged on services were not worth it).
const RELEASE_BOTS: [&str; 2] = [
    "googleapis/release-please-action@",
    "google-github-actions/release-please-action@",
];

/// Whether the repository's default token in this job is worth narrowing: the job uses
/// an action of a third party, runs a command not in [`INERT_COMMANDS`], or calls a
/// reusable workflow of this repository (a reusable workflow of another repository sets
/// its own `permissions`). GitHub's own actions (`actions/stale`,
/// `actions/add-to-project`, `actions/github-script`) count as inert in a job that does
/// not check the repository out: nothing but GitHub's code and the workflow's own
/// script runs there. Beside a checkout they may build it (`github/codeql-action`).
fn job_exposes_token(job: &github::Job<'_>) -> bool {
    if let Some(uses) = job.uses() {
        return uses.as_str().is_some_and(|u| u.starts_with("./"));
    }
    let steps = job.steps();
    let action = |s: &github::Step<'_>| {
        s.uses()
            .map(|u| u.as_str().unwrap_or("").to_ascii_lowercase())
    };
    let checkout = |u: &str| u.starts_with("actions/checkout@");
    let checks_out = steps.iter().filter_map(action).any(|u| checkout(&u));
    !steps.iter().all(|s| {
        if let Some(uses) = action(s) {
            // Checking out the repository runs nobody's code but GitHub's.
            return checkout(&uses)
                || (!checks_out
                    && (uses.starts_with("actions/")
                        || uses.starts_with("github/")
                        || RELEASE_BOTS.iter().any(|b| uses.starts_with(b))));
        }
        let script = s.run().and_then(|r| r.as_str()).unwrap_or("");
        // A manual run's inputs (`github.event.inputs.task`) come from a maintainer.
        let script = script.replace("github.event.inputs.", "inputs.");
        // An expression is a value, not a command (`kind=${{ inputs.kind }}`).
        !script.contains("github.event.")
            && !script.contains("github.head_ref")
            && inert(&crate::lang::ci::substitute_variables(&script))
    })
}

/// Whether every command of `script`, those of its command substitutions
/// (`V=$(npx semver …)`) included, is in [`INERT_COMMANDS`].
fn inert(script: &str) -> bool {
    crate::lang::shell::split(script).iter().all(|c| {
        c.program_name().is_none_or(|p| INERT_COMMANDS.contains(&p))
            && c.words
                .iter()
                .flat_map(|w| &w.subs)
                .all(|sub| script.get(sub.clone()).is_none_or(inert))
    })
}

/// `permissions:` with `contents: read`, inserted on the line of the top-level `jobs:`
/// key (block style only).
fn read_only_fix(text: &str, jobs_key: &Node) -> Option<Fix> {
    let at = jobs_key.span.start;
    if at != 0 && text.as_bytes().get(at - 1) != Some(&b'\n') {
        return None;
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Some(Fix::unsafe_(vec![Edit::insert(
        at,
        format!("permissions:{newline}  contents: read{newline}"),
    )]))
}

/// How a finding whose jobs only call reusable workflows of the repository names them.
const CALLED: &str = " (through ";

impl Rule for CiBroadPermissions {
    /// A finding whose jobs only call reusable workflows of this repository is taken back
    /// when each of those sets `permissions` (at its top, or on every job): a job that
    /// runs one gets no more than it asks for.
    fn withdraws(&self, wide: &crate::repo::RepoWide, _path: &str, message: &str) -> bool {
        let Some((_, list)) = message.split_once(CALLED) else {
            return false;
        };
        list.trim_end_matches(')').split(", ").all(|w| {
            let path = w.trim_matches('`');
            path.strip_prefix("./")
                .is_some_and(|p| wide.narrowing_workflows.contains(p))
        })
    }

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
        let bare: Vec<&github::Job<'_>> = jobs
            .iter()
            .filter(|j| j.node.get("permissions").is_none() && job_exposes_token(j))
            .collect();
        if bare.is_empty() {
            return;
        }
        // Jobs that only call reusable workflows of this repository: the token is theirs
        // to narrow, and a called workflow that sets `permissions` does (the finding is
        // then withdrawn, see `withdraws`).
        let mut called: Vec<&str> = bare
            .iter()
            .map(|j| j.uses().and_then(|u| u.as_str()).unwrap_or(""))
            .collect();
        called.sort_unstable();
        called.dedup();
        let through_calls = called.iter().all(|u| u.starts_with("./"));
        let bare: Vec<&str> = bare.iter().map(|j| j.id()).collect();
        let span = root
            .entry("on")
            .or_else(|| root.entry("jobs"))
            .map_or(0..0, |e| e.key.span.clone());
        let text = &cx.source.text;
        let fix = root
            .entry("jobs")
            .filter(|_| {
                !jobs
                    .iter()
                    .filter(|j| j.node.get("permissions").is_none())
                    .any(|j| job_may_write(text, j))
            })
            .and_then(|e| read_only_fix(text, &e.key));
        let mut message = format!(
            "this workflow sets no `permissions`: job{} `{}` get{} the repository's default token permissions",
            if bare.len() == 1 { "" } else { "s" },
            bare.join("`, `"),
            if bare.len() == 1 { "s" } else { "" },
        );
        if through_calls {
            message.push_str(&format!("{CALLED}`{}`)", called.join("`, `")));
        }
        let finding = cx.report(
            &Self::META,
            span,
            message,
            "add `permissions: {contents: read}` at the top of the workflow and widen it per job where needed",
        );
        finding.severity(Severity::Note);
        if let Some(fix) = fix {
            finding.fix(fix);
        }
    }
}
