//! DEP003 unpinned-npm-dependency.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::manifest::json::JsonMember;
use crate::lang::manifest::{Manifest, NPM_LOCKS, is_fixed_ref};
use crate::repo::find_lock;
use crate::rule::{Context, Rule};
use crate::source::parent_dir;

declare_rule! {
    /// ## What it does
    /// Flags `package.json` dependencies that name no version: `*`, `x`, an empty
    /// string, a dist-tag such as `latest` or `next`, and git or GitHub dependencies
    /// without a commit (`#<sha>`) or version tag.
    ///
    /// ## Why it matters in production
    /// npm resolves such a dependency to whatever the registry or the branch holds at
    /// install time. A committed lockfile (`package-lock.json`, `yarn.lock`,
    /// `pnpm-lock.yaml`) pins ranges such as `^1.2.3`, but a dist-tag says "float",
    /// and the next `npm install` of a new package or a lockfile refresh pulls in a new
    /// major; a branch can be force-pushed so the locked commit disappears.
    ///
    /// ## Example
    /// ```json
    /// { "private": true,
    ///   "dependencies": { "express": "latest", "utils": "github:acme/utils" } }
    /// ```
    ///
    /// ## Fix
    /// ```json
    /// { "private": true,
    ///   "dependencies": { "express": "^4.19.2", "utils": "github:acme/utils#4f1c2e9" } }
    /// ```
    ///
    /// ## Known limits
    /// Only applications are checked: a `package.json` that is `"private": true` (or
    /// any with `project-type = "service"`/`"cli"`). Libraries publish ranges on purpose
    /// and their users' lockfiles pin them. In an application with a lockfile, `*` is
    /// pinned by the lock and not flagged. `peerDependencies` are ranges by nature and
    /// are not checked. `file:`, `link:`, `workspace:` and tarball URLs are fine.
    pub UnpinnedNpmDependency,
    code = "DEP003", name = "unpinned-npm-dependency", category = Dependencies, severity = Warning,
    reads = [FileKind::Manifest(ManifestKind::PackageJson)],
}

const TABLES: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

/// What is wrong with one dependency spec, if anything.
#[derive(Debug, PartialEq, Eq)]
enum Problem {
    /// `*`, `x`, "" — pinned by a lockfile.
    Any,
    /// A dist-tag (`latest`).
    Tag,
    /// A git dependency without a commit.
    Branch,
}

fn problem(spec: &str) -> Option<Problem> {
    let s = spec.trim();
    if matches!(s, "" | "*" | "x" | "X") {
        return Some(Problem::Any);
    }
    // `npm:other@<spec>` aliases another package.
    if let Some(alias) = s.strip_prefix("npm:") {
        let at = alias.rfind('@').filter(|&i| i > 0);
        return match at {
            Some(i) => problem(&alias[i + 1..]),
            None => Some(Problem::Any),
        };
    }
    let lower = s.to_ascii_lowercase();
    for local in [
        "file:",
        "link:",
        "workspace:",
        "portal:",
        "patch:",
        "catalog:",
    ] {
        if lower.starts_with(local) {
            return None;
        }
    }
    let is_git = lower.starts_with("git+")
        || lower.starts_with("git://")
        || lower.starts_with("github:")
        || lower.starts_with("gitlab:")
        || lower.starts_with("bitbucket:")
        || lower.starts_with("gist:")
        || lower.ends_with(".git")
        || lower.contains(".git#")
        // `user/repo` shorthand
        || (!lower.contains(':')
            && !lower.starts_with('@')
            && lower.split('/').count() == 2
            && !lower.contains(' ')
            && lower.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()));
    if is_git {
        let fixed = s.split_once('#').is_some_and(|(_, frag)| {
            let r = frag.strip_prefix("semver:").unwrap_or(frag);
            is_fixed_ref(r) || frag.starts_with("semver:")
        });
        return (!fixed).then_some(Problem::Branch);
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return None;
    }
    // A dist-tag is a bare word that is not a version or a range.
    let is_tag = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() && c != 'v' && c != 'x' && c != 'X')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    is_tag.then_some(Problem::Tag)
}

impl Rule for UnpinnedNpmDependency {
    fn check_manifest(&self, m: &Manifest, cx: &mut Context<'_>) {
        let Manifest::PackageJson(doc) = m else {
            return;
        };
        let Some(root) = &doc.root else {
            return;
        };
        if !super::package_json_is_app(cx.repo(), doc) {
            return;
        }
        let locked = find_lock(cx.repo(), parent_dir(&cx.source.rel_path), NPM_LOCKS).is_some();
        for table in TABLES {
            let Some(t) = root.get(table) else {
                continue;
            };
            for JsonMember { key, value, .. } in t.value.members() {
                let Some(spec) = value.as_str() else {
                    continue;
                };
                let (message, help) = match problem(spec) {
                    None => continue,
                    Some(Problem::Any) if locked => continue,
                    Some(Problem::Any) => (
                        format!("`{key}` accepts any version (`{spec}`) and no lockfile pins it"),
                        "require a version such as `^1.2.3`, and commit the lockfile",
                    ),
                    Some(Problem::Tag) => (
                        format!("`{key}` follows the dist-tag `{spec}`, not a version"),
                        "require a version such as `^1.2.3`; a lockfile refresh moves a tag to a new major",
                    ),
                    Some(Problem::Branch) => (
                        format!("`{key}` follows a git branch (`{spec}`), not a commit"),
                        "pin the commit with `#<sha>` (or a release tag such as `#v1.2.3`)",
                    ),
                };
                cx.report(&Self::META, value.span.clone(), message, help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        for (spec, want) in [
            ("^1.2.3", None),
            ("~1.2", None),
            (">=1 <2", None),
            ("1.x", None),
            ("v1.2.3", None),
            ("latest", Some(Problem::Tag)),
            ("next", Some(Problem::Tag)),
            ("*", Some(Problem::Any)),
            ("", Some(Problem::Any)),
            ("github:acme/utils", Some(Problem::Branch)),
            ("acme/utils", Some(Problem::Branch)),
            ("acme/utils#v1.2.0", None),
            (
                "git+https://github.com/a/b.git#0123456789abcdef0123456789abcdef01234567",
                None,
            ),
            (
                "git+ssh://git@github.com/a/b.git#main",
                Some(Problem::Branch),
            ),
            ("github:a/b#semver:^1.0", None),
            ("file:../lib", None),
            ("workspace:*", None),
            ("npm:other@^2", None),
            ("npm:other@latest", Some(Problem::Tag)),
            ("https://example.com/x-1.0.tgz", None),
        ] {
            assert_eq!(problem(spec), want, "{spec}");
        }
    }
}
