//! DEP008 unpinned-action.

use crate::declare_rule;
use crate::lang::ci::{CiFile, github};
use crate::lang::yaml::Node;
use crate::rule::{Context, OptionKind, OptionMeta, Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a `uses:` reference that is not pinned to a full commit SHA: in workflow
    /// steps, in jobs that call reusable workflows, and in the steps of composite
    /// actions (`action.yml`). A tag (`@v4`) is a warning; a branch (`@main`,
    /// `@master`, `@stable`) or no ref at all is an error. `docker://` images must be
    /// pinned by digest (`@sha256:…`). Local actions (`uses: ./…`) are fine.
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
    /// Without the network, a ref is told apart by its shape: version-like refs are
    /// taken for tags, well-known branch names and refs with a `/` for branches; the refs
    /// of actions published only as branches (`dtolnay/rust-toolchain@1.80`) are
    /// branches whatever their name.
    /// The `allow` option lists actions that may be pinned by tag. Its default, as zizmor's,
    /// trusts the actions GitHub itself publishes (`actions/*`, `github/*`): their tags
    /// are moved only by GitHub, which also runs the workflow. Set `allow = []` to
    /// require SHAs everywhere. A branch or a missing ref is reported whatever `allow`
    /// says.
    pub UnpinnedAction,
    code = "DEP008", name = "unpinned-action", category = Dependencies, severity = Warning,
    security = true,
    options = [OptionMeta {
        name: "allow",
        kind: OptionKind::StringList,
        default: "[\"actions/*\", \"github/*\"]",
        doc: "actions that may be pinned by tag: `owner/repo` or `owner/*`",
    }],
}

const BRANCHES: &[&str] = &[
    "main", "master", "develop", "dev", "trunk", "next", "canary", "stable", "nightly", "beta",
    "latest", "release", "head", "default", "edge", "unstable",
];

/// Actions published only as branches.
const BRANCH_ONLY_ACTIONS: &[&str] = &["dtolnay/rust-toolchain"];

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
    let lower = r.to_ascii_lowercase();
    let version = lower
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .next()
        .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()));
    if version {
        return Pin::Tag;
    }
    if r.is_empty() || BRANCHES.contains(&lower.as_str()) || r.contains('/') {
        return Pin::Branch;
    }
    Pin::Tag
}

impl Rule for UnpinnedAction {
    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        let allow = cx.option_strings_or(&Self::META, "allow", &["actions/*", "github/*"]);
        let mut refs: Vec<&Node> = Vec::new();
        refs.extend(github::jobs(file).iter().filter_map(|j| j.uses()));
        refs.extend(github::all_steps(file).iter().filter_map(|(_, s)| s.uses()));
        if let Some(image) = file
            .root()
            .and_then(|r| r.get("runs"))
            .and_then(|r| r.get("image"))
            .filter(|i| i.as_str().is_some_and(|s| s.starts_with("docker://")))
        {
            refs.push(image);
        }
        for node in refs {
            let Some(uses) = node.as_str() else { continue };
            if uses.contains("${{") {
                continue;
            }
            let name = uses.split('@').next().unwrap_or(uses);
            let allowed = allow.iter().any(|a| match a.strip_suffix("/*") {
                Some(owner) => name.split('/').next() == Some(owner),
                None => name.eq_ignore_ascii_case(a),
            });
            let pin = classify(uses);
            let (message, severity) = match pin {
                Pin::Sha | Pin::Local => continue,
                Pin::Tag if allowed => continue,
                Pin::Tag => (
                    format!("`{uses}` is pinned to a tag, which can be moved to other code"),
                    None,
                ),
                Pin::ShortSha => (
                    format!("`{uses}` is pinned to a short SHA, which can become ambiguous"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins() {
        assert_eq!(
            classify("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"),
            Pin::Sha
        );
        assert_eq!(classify("./.github/actions/setup"), Pin::Local);
        assert_eq!(classify("$/.github/workflows/plan.yml"), Pin::Local);
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
}
