//! DEP008 unpinned-action.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::ci::{CiFile, github};
use crate::lang::yaml::{Node, Value};
use crate::rule::{Context, OptionKind, OptionMeta, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a `uses:` reference that is not pinned to a full commit SHA: in workflow
    /// steps, in jobs that call reusable workflows, and in the steps of composite
    /// actions (`action.yml`). A tag (`@v4`) is a warning; a branch (`@main`,
    /// `@master`, `@stable`) or no ref at all is an error. `docker://` images must be
    /// pinned by digest (`@sha256:…`). Local actions (`uses: ./…`) are fine, and so are
    /// the actions, reusable workflows and images of the repository's own owner
    /// (`acme/shared-workflows@main`, `docker://ghcr.io/acme/tool:1` in a repository
    /// of `acme`; not Docker Hub's `docker://acme/tool`, whose namespace is not a GitHub
    /// account): the same organisation
    /// changes both, so they are not third-party code. The owner is read from the
    /// `origin` remote in `.git/config`, or in GitHub Actions from `GITHUB_REPOSITORY`,
    /// or from a workflow's remote reference to a path of this very repository
    /// (`uses: acme/api/.github/actions/prepare@main` where `.github/actions/prepare`
    /// is in this tree names the repository `acme/api`); when none is there, every
    /// action is treated as third party.
    ///
    /// A tag (or a short SHA, or an image tag) is flagged only in a job that holds
    /// something a moved tag could steal or misuse: a secret (`${{ secrets.… }}`,
    /// `github.token`, `secrets:` passed to a reusable workflow; the job's own token,
    /// `secrets.GITHUB_TOKEN` or `github.token`, only when `permissions` do not make it
    /// read-only), a token that can write
    /// (`permissions` with `write` or `write-all`, on the job or the workflow; a reusable
    /// workflow that sets none gets its caller's), or a `pull_request_target` or
    /// `workflow_run` trigger. A deployment `environment` alone does not count: its
    /// secrets reach a step only through `${{ secrets.… }}`, which is looked for. In a
    /// job with none of these a moved tag runs with a read-only token, or with the repository's default one when
    /// the workflow sets no `permissions`, which CI006 reports (the fix is one line,
    /// `permissions: {contents: read}`). The message says what the job holds (`the job
    /// reads secrets`, `the job's token can write`). A reusable workflow that only
    /// `workflow_call` starts sees only the secrets its callers pass: a tag reported
    /// because its job reads secrets is taken back when workflows of the repository call
    /// it and none passes `secrets:` (what it reads is empty; a workflow nothing here
    /// calls may be called from another repository, with secrets, and stays reported).
    /// A branch or a missing ref is flagged in every
    /// job (measured: half of those in unprivileged jobs were acted on), and so is every
    /// reference in a composite action, whose callers are not known. The exception is a
    /// toolchain channel of `dtolnay/rust-toolchain` (`@stable`, `@nightly`, `@1.80`),
    /// an action published only as branches, whose channels are its documented use: it
    /// is judged as a tag is (measured: 14 of 16 in unprivileged jobs were not acted
    /// on); its `@master` is a branch like any other. `all-jobs = true` flags tags and
    /// channels in every job, as zizmor does.
    ///
    /// ## Why it matters in production
    /// Tags and branches can be moved to other code at any time: a compromised or
    /// careless upstream then runs new code in your pipeline with your secrets and
    /// token (as in the tj-actions/changed-files compromise of March 2025). A full SHA
    /// cannot be moved.
    ///
    /// ## Example
    /// ```yaml
    ///       - uses: actions/checkout@v4
    /// ```
    ///
    /// ## Fix
    /// Pin the full 40-character SHA and keep the version in a comment, which Dependabot
    /// and Renovate update together (`pinact`, `ratchet` or `zizmor --fix` do it for you):
    /// ```yaml
    ///       - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
    /// ```
    ///
    /// ## Known limits
    /// A job that holds no secret can still write to the Actions cache, which a release
    /// job may restore later (cache poisoning); `all-jobs = true` covers it, as do
    /// SHA pins everywhere. Measured on real services, the owners of unprivileged lint and
    /// test jobs did not act on their tags (about two in three judged not worth it).
    /// `slsa-framework/slsa-github-generator` is not flagged for a version tag: its
    /// builders verify the tag they are called with, and a SHA makes them fail.
    /// A job or step switched off with a literal `if: false` is not checked (it never
    /// runs), nor one whose condition asks for an event the workflow never receives
    /// (`if: github.event_name == 'release'` in a workflow that only pushes and manual
    /// runs start: measured on real services, such steps were left over from an older
    /// trigger); any other condition is not read. Without the network, a ref is told apart
    /// by its shape. One that reads as a version
    /// is taken for a tag: `v4`, `1.2`, `v1.2.3-rc.1`, or a version after a name and a
    /// `-` (`release-1.2`, `cli-v2.0.1`). Any other word is taken for a branch: `@main`,
    /// `@stable`, `@nightly`, `@clippy`, `@miri`, and refs with a `/`
    /// (`@release/v1`). The refs of actions published only as branches
    /// (`dtolnay/rust-toolchain@1.80`) are branches whatever their name. Their channels
    /// (`dtolnay/rust-toolchain@stable`, not `@master`) are their documented interface
    /// and are judged as tags are: not reported in a job that holds nothing, a warning
    /// in one that does. Other actions' tool branches
    /// (`taiki-e/install-action@cargo-deny`, beside its version tags) are branches:
    /// the engineers who judged them wanted them pinned.
    ///
    /// ## Policy, and how it differs from zizmor's
    /// The `allow` option lists actions that may be pinned by tag, as `owner/repo`,
    /// `owner/repo/*`, `owner/*` or `*`; a branch or a missing ref is reported whatever
    /// `allow` says. The repository's zizmor configuration (`zizmor.yml` or
    /// `.github/zizmor.yml`) adds to it the patterns of its `unpinned-uses` policies
    /// that are `ref-pin` or `any`: the team's triage for zizmor's check counts for this
    /// one (unless `respect-foreign-suppressions = false`); its `ignore` and `disable`
    /// entries are not read. Its
    /// default trusts the actions GitHub itself publishes (`actions/*`, `github/*`,
    /// `dependabot/*`): their tags are moved only by GitHub, which runs the workflow
    /// anyway. This is the default of zizmor's `unpinned-uses` audit up to v1.19
    /// (`ref-pin` for those three owners, `hash-pin` for the rest). Since v1.20 zizmor
    /// requires a SHA for every action by default; readylint keeps the first-party
    /// exemption so that DEP008 does not fire on nearly every repository for
    /// `actions/checkout@v4` and bury the third-party tags that can be moved by someone
    /// else. Set `allow = []` for zizmor's current default. Two more differences:
    /// zizmor's `ref-pin` also accepts a branch, where readylint reports a branch as an
    /// error for every action; and zizmor gives every unpinned `uses:` one severity,
    /// where readylint makes a tag a warning and a branch or missing ref an error.
    pub UnpinnedAction,
    code = "DEP008", name = "unpinned-action", category = Dependencies, severity = Warning,
    security = true,
    options = [
        OptionMeta {
            name: "allow",
            kind: OptionKind::StringList,
            default: "[\"actions/*\", \"github/*\", \"dependabot/*\"]",
            doc: "actions that may be pinned by tag: `owner/repo`, `owner/repo/*`, `owner/*` or `*` (the zizmor configuration's `ref-pin` and `any` policies are added)",
        },
        OptionMeta {
            name: "all-jobs",
            kind: OptionKind::Bool,
            default: "false",
            doc: "also flag tags in jobs that hold no secret and no write token (zizmor's scope)",
        },
    ],
    reads = [FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi],
}

/// The actions that may be pinned by tag when `allow` is not configured: GitHub's own.
pub const DEFAULT_ALLOW: [&str; 3] = ["actions/*", "github/*", "dependabot/*"];

/// Whether the `allow` pattern `pattern` names the action `name` (`owner/repo` or
/// `owner/repo/path`): `*` names every action, `owner/*` every action of an owner,
/// `owner/repo/*` every action of a repository, and `owner/repo` that repository's
/// action (zizmor's patterns), without regard to case.
fn allows(pattern: &str, name: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(prefix) => {
            name.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                && name.as_bytes().get(prefix.len()) == Some(&b'/')
        }
        None => name.eq_ignore_ascii_case(pattern),
    }
}

/// Actions that must be referenced by a version tag: the SLSA generator's builders
/// verify the tag they were called with, and a SHA makes them fail.
const TAG_ONLY_ACTIONS: &[&str] = &["slsa-framework/slsa-github-generator/"];

/// Actions published only as branches.
const BRANCH_ONLY_ACTIONS: &[&str] = &["dtolnay/rust-toolchain"];

/// Whether `uses` names a channel of an action in [`BRANCH_ONLY_ACTIONS`] (a toolchain:
/// `stable`, `nightly`, `1.80`), not its development branch (`master`, `main`).
fn is_channel(uses: &str) -> bool {
    uses.split_once('@').is_some_and(|(name, r)| {
        BRANCH_ONLY_ACTIONS.contains(&name.to_ascii_lowercase().as_str())
            && !matches!(r, "master" | "main")
    })
}

/// How a `uses:` value is pinned.
#[derive(Debug, PartialEq, Eq)]
pub enum Pin {
    Sha,
    Local,
    ShortSha,
    Tag,
    Branch,
    Missing,
    DockerTag,
    DockerLatest,
}

pub fn classify(uses: &str) -> Pin {
    let uses = uses.trim();
    // `$/path` names a file of this repository at the same commit, like `./path`.
    if uses.starts_with("./") || uses.starts_with("../") || uses.starts_with("$/") {
        return Pin::Local;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        if image.contains("@sha256:") {
            return Pin::Sha;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        return match last.split_once(':') {
            Some((_, tag)) if tag != "latest" => Pin::DockerTag,
            _ => Pin::DockerLatest,
        };
    }
    let Some((_, r)) = uses.split_once('@') else {
        return Pin::Missing;
    };
    let hex = !r.is_empty() && r.chars().all(|c| c.is_ascii_hexdigit());
    if hex && (r.len() == 40 || r.len() == 64) {
        return Pin::Sha;
    }
    if hex && r.len() >= 7 && r.chars().any(|c| c.is_ascii_alphabetic()) {
        return Pin::ShortSha;
    }
    // Actions whose every ref is a branch, version-named ones included
    // (`dtolnay/rust-toolchain@1.80` is a branch that selects the toolchain).
    let name = uses.split('@').next().unwrap_or(uses).to_ascii_lowercase();
    if BRANCH_ONLY_ACTIONS.contains(&name.as_str()) {
        return Pin::Branch;
    }
    if !r.contains('/') && is_version(r) {
        return Pin::Tag;
    }
    // Anything else is a word: `@main`, `@stable`, `@clippy`, `@miri`, `@release/v1`.
    Pin::Branch
}

/// Whether a ref reads as a version, which is how tags are named: `v4`, `1.2`,
/// `v1.2.3-rc.1`, `2024-05-01`, or such a version after a name and a `-`/`_`
/// (`release-1.2`, `cli-v2.0.1`, `v1.x`).
fn is_version(r: &str) -> bool {
    let starts_as_version = |s: &str| {
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        s.split(['.', '-', '+', '_'])
            .next()
            .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()))
    };
    starts_as_version(r)
        || r.match_indices(['-', '_'])
            .any(|(i, _)| i > 0 && starts_as_version(&r[i + 1..]))
}

impl Rule for UnpinnedAction {
    /// A tag reported because its job reads secrets is taken back in a reusable
    /// workflow that only callers start, none of which passes it secrets: what it reads
    /// is empty, and its token is read-only (else the token would be what it holds).
    fn withdraws(&self, wide: &crate::repo::RepoWide, path: &str, message: &str) -> bool {
        message.ends_with(&format!("({})", github::SECRET_HELD))
            && wide.secretless_callees.contains(path)
    }

    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        let allow = cx.option_strings_or(&Self::META, "allow", &DEFAULT_ALLOW);
        let all_jobs = cx.option_bool(&Self::META, "all-jobs", false);
        // Each reference with the index of the job it runs in (none in an action's
        // metadata); whether a job is privileged is worked out once, when a tag asks.
        let jobs = github::jobs(file);
        let privileged: Vec<std::cell::OnceCell<Option<github::Privilege>>> =
            jobs.iter().map(|_| std::cell::OnceCell::new()).collect();
        let privilege =
            |i: usize| *privileged[i].get_or_init(|| github::job_privilege(file, &jobs[i]));
        let mut refs: Vec<(&Node, Option<usize>)> = Vec::new();
        // A job or step switched off with a literal `if: false` never runs its action.
        let off = |n: &Node| n.get("if").is_some_and(|c| c.value == Value::Bool(false));
        for (i, j) in jobs.iter().enumerate() {
            refs.extend(j.uses().filter(|_| !off(j.node)).map(|u| (u, Some(i))));
        }
        for (i, j) in jobs.iter().enumerate() {
            refs.extend(
                j.steps()
                    .into_iter()
                    .filter(|s| !off(s.node))
                    .filter_map(|s| s.uses().map(|u| (u, Some(i)))),
            );
        }
        refs.extend(
            github::action_steps(file)
                .into_iter()
                .filter(|s| !off(s.node))
                .filter_map(|s| s.uses().map(|u| (u, None))),
        );
        if let Some(image) = file
            .root()
            .and_then(|r| r.get("runs"))
            .and_then(|r| r.get("image"))
            .filter(|i| i.as_str().is_some_and(|s| s.starts_with("docker://")))
        {
            refs.push((image, None));
        }
        for (node, job) in refs {
            let Some(uses) = node.as_str() else { continue };
            if uses.contains("${{") {
                continue;
            }
            let name = uses.split('@').next().unwrap_or(uses);
            // The repository owner's own actions, reusable workflows and images
            // (`docker://ghcr.io/<owner>/…`, Docker Hub's `docker://<owner>/…`) are
            // changed by the same people as this repository: like local ones, not third
            // party.
            if let Some(owner) = cx.repo().owner()
                && publisher(name).is_some_and(|o| o.eq_ignore_ascii_case(owner))
            {
                continue;
            }
            let allowed = allow.iter().any(|a| allows(a, name));
            let pin = classify(uses);
            // A tag (and a toolchain channel, see below) is reported by what its job
            // holds; a branch or a missing ref in every job.
            let gated = match pin {
                Pin::Tag | Pin::ShortSha | Pin::DockerTag => true,
                Pin::Branch => is_channel(uses),
                _ => false,
            };
            // Worked out (once per job) only when a reference asks.
            let held = || job.filter(|_| gated).and_then(privilege);
            let (message, severity) = match pin {
                Pin::Sha | Pin::Local => continue,
                Pin::Tag if allowed => continue,
                // A tag the action's own verification requires.
                Pin::Tag if TAG_ONLY_ACTIONS.iter().any(|a| name.starts_with(a)) => continue,
                // A job with nothing to steal: no secret, no write token.
                _ if gated && !all_jobs && job.is_some() && held().is_none() => continue,
                Pin::Tag => (
                    format!("`{uses}` is pinned to a tag, which can be moved to other code"),
                    None,
                ),
                Pin::ShortSha => (
                    format!("`{uses}` is pinned to a short SHA, which can become ambiguous"),
                    None,
                ),
                // A toolchain channel of an action published only as branches
                // (`dtolnay/rust-toolchain@stable`, `@1.80`) is its documented interface:
                // judged as a tag is, by what the job holds.
                Pin::Branch if gated => (
                    format!(
                        "`{uses}` follows a channel branch, which its publisher moves to new code"
                    ),
                    None,
                ),
                Pin::Branch => (
                    format!("`{uses}` follows a branch: every run may execute different code"),
                    Some(Severity::Error),
                ),
                Pin::Missing => (
                    format!("`{uses}` names no ref: it runs whatever the default branch holds"),
                    Some(Severity::Error),
                ),
                Pin::DockerTag => (
                    format!("`{uses}` pins the image by tag, which can be pushed again"),
                    None,
                ),
                Pin::DockerLatest => (
                    format!("`{uses}` runs the image's `latest` tag"),
                    Some(Severity::Error),
                ),
            };
            // What the job holds, where that is why the reference is reported.
            let message = match held() {
                Some(p) => format!("{message} ({})", p.describe()),
                None => message,
            };
            let help = if uses.starts_with("docker://") {
                "pin the image by digest: `docker://image@sha256:<digest>`".to_string()
            } else {
                format!(
                    "pin the full commit SHA with the version as a comment: `uses: {name}@<40-hex commit SHA> # <version>` (`pinact run` or `zizmor --fix` can do it)"
                )
            };
            let f = cx.report(&Self::META, node.span.clone(), message, help);
            if let Some(s) = severity {
                f.severity(s);
            }
        }
    }
}

/// The GitHub account that publishes an action (`owner` of `owner/repo/path`) or a
/// `docker://` image on GitHub's registry (`ghcr.io/<owner>/…`, whose namespaces are
/// GitHub's accounts); `None` for an image elsewhere (Docker Hub's namespaces are not
/// GitHub's: `docker://acme/tool` need not be `acme`'s).
fn publisher(name: &str) -> Option<&str> {
    let Some(image) = name.strip_prefix("docker://") else {
        return name.split('/').next();
    };
    let (owner, rest) = image.strip_prefix("ghcr.io/")?.split_once('/')?;
    (!rest.is_empty()).then_some(owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_patterns() {
        assert!(allows("*", "acme/tool"));
        assert!(allows("docker/*", "docker/login-action"));
        assert!(allows("Docker/*", "docker/login-action"));
        assert!(!allows("docker/*", "dockerx/login-action"));
        assert!(allows("acme/tools/*", "acme/tools/lint"));
        assert!(!allows("acme/tools/*", "acme/toolset"));
        assert!(allows("acme/tool", "ACME/Tool"));
        assert!(!allows("acme/tool", "acme/tool/sub"));
    }

    #[test]
    fn pins() {
        assert_eq!(
            classify("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"),
            Pin::Sha
        );
        assert_eq!(classify("./.github/actions/setup"), Pin::Local);
        assert_eq!(classify("$/.github/workflows/plan.yml"), Pin::Local);
        assert_eq!(publisher("docker://tiangolo/latest-changes:0.3.0"), None);
        assert_eq!(publisher("docker://ghcr.io/acme/tool:1"), Some("acme"));
        assert_eq!(publisher("docker://quay.io/acme/tool:1"), None);
        assert_eq!(publisher("docker://alpine:3.20"), None);
        assert_eq!(publisher("acme/action"), Some("acme"));
        assert_eq!(classify("docker://alpine@sha256:abc"), Pin::Sha);
        assert_eq!(classify("docker://alpine:3.20"), Pin::DockerTag);
        assert_eq!(classify("docker://ghcr.io:443/x/alpine"), Pin::DockerLatest);
        assert_eq!(classify("actions/checkout@v4"), Pin::Tag);
        assert_eq!(classify("actions/checkout@v4.2.2"), Pin::Tag);
        assert_eq!(classify("dtolnay/rust-toolchain@stable"), Pin::Branch);
        // Its version-named refs are branches.
        assert_eq!(classify("dtolnay/rust-toolchain@1.80"), Pin::Branch);
        assert_eq!(classify("Swatinem/rust-cache@v2.7.3"), Pin::Tag);
        assert_eq!(
            classify("org/repo/.github/workflows/ci.yml@main"),
            Pin::Branch
        );
        assert_eq!(classify("org/repo@release/v2"), Pin::Branch);
        assert_eq!(classify("actions/checkout@a81bbbf"), Pin::ShortSha);
        assert_eq!(classify("actions/checkout"), Pin::Missing);
    }

    #[test]
    fn versions_are_tags_and_words_are_branches() {
        for tag in [
            "a/b@v1",
            "a/b@V2",
            "a/b@1.2",
            "a/b@v1.2.3-rc.1",
            "a/b@1.0.0+build.5",
            "a/b@v1.x",
            "a/b@release-1.2",
            "a/b@cli-v2.0.1",
            "a/b@2024-05-01",
        ] {
            assert_eq!(classify(tag), Pin::Tag, "{tag}");
        }
        for branch in [
            "a/b@main",
            "a/b@stable",
            "a/b@clippy",
            "a/b@miri",
            "a/b@nightly",
            "a/b@latest",
            "a/b@fix-2fa",
            "a/b@v",
            "a/b@release/v1",
            "a/b@",
        ] {
            assert_eq!(classify(branch), Pin::Branch, "{branch}");
        }
    }
}
