//! DEP002 unpinned-cargo-dependency.

use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::manifest::{CARGO_LOCKS, Manifest, is_fixed_ref};

use crate::declare_rule;
use crate::lang::toml::{Key, Node, TomlDoc, Value};
use crate::repo::find_lock;
use crate::rule::{Context, Rule};
use crate::source::parent_dir;

declare_rule! {
    /// ## What it does
    /// Flags Cargo dependencies that accept any version (`"*"`, or a table with no
    /// `version`, `path`, `git` or `workspace`), and git dependencies that follow a
    /// branch instead of a `rev` (or a version `tag`).
    ///
    /// ## Why it matters in production
    /// A binary crate's build is pinned by its committed `Cargo.lock`; without one,
    /// `"*"` builds whatever was published last, majors included. A library's
    /// requirements are a promise to its users, and `"*"` promises compatibility with
    /// every past and future release — crates.io refuses to publish it. Without a
    /// lockfile, a git dependency on a branch builds whatever the branch holds that
    /// day. (With one, the lock records the commit; `cargo update` still moves it, and a
    /// force-push can remove it, so `rev = "<sha>"` remains the sturdier pin.)
    ///
    /// ## Example
    /// ```toml
    /// [dependencies]
    /// rand = "*"
    /// tower = { git = "https://github.com/tower-rs/tower", branch = "master" }
    /// ```
    ///
    /// ## Fix
    /// ```toml
    /// [dependencies]
    /// rand = "0.8"
    /// tower = { git = "https://github.com/tower-rs/tower", rev = "a1b2c3d" }
    /// ```
    ///
    /// ## Known limits
    /// Caret requirements (`"1.2"`) are what Cargo means by a version and are fine.
    /// In a binary crate with `Cargo.lock`, `"*"` and a git branch are pinned by the
    /// lockfile (it records the version and the commit) and not flagged: measured on
    /// real services, nobody acted on a locked branch, which was always the
    /// maintainers' own fork or crate; a library (no binary target, or `project-type = "library"`) is not asked
    /// about git branches, and `"*"` is fine in a library that is not published
    /// (`publish = false`, or without the `description` and `license` crates.io
    /// requires, as the internal crates of a workspace often are), and in
    /// `[dev-dependencies]` under a `Cargo.lock` (they never reach a library's users, and
    /// the lockfile pins them for the crate's own tests). Members that
    /// inherit with `dep.workspace = true` are checked at `[workspace.dependencies]`.
    /// `[patch]` and `[replace]` are temporary overrides and are not checked. A `tag` is
    /// taken as fixed.
    pub UnpinnedCargoDependency,
    code = "DEP002", name = "unpinned-cargo-dependency", category = Dependencies, severity = Warning,
    reads = [FileKind::Manifest(ManifestKind::Cargo)],
}

const TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "dev_dependencies",
    "build_dependencies",
];

impl Rule for UnpinnedCargoDependency {
    fn check_manifest(&self, m: &Manifest, cx: &mut Context<'_>) {
        let Manifest::Cargo(doc) = m else {
            return;
        };
        let path = cx.source.rel_path.clone();
        let app = super::cargo_is_app(cx.repo(), &path, doc);
        let locked = find_lock(cx.repo(), parent_dir(&path), CARGO_LOCKS).is_some();
        let package = doc.root.get("package");
        // crates.io takes no package without a description and a licence: one that
        // lacks either (an internal crate of a workspace) is not published, whatever
        // `publish` says.
        let has = |key: &str| package.is_some_and(|p| p.get(key).is_some());
        let publishable = !matches!(
            package.and_then(|p| p.get("publish")).map(|n| &n.value),
            Some(Value::Bool(false)) | Some(Value::Array(_))
        ) && (package.is_none()
            || (has("description") && (has("license") || has("license-file"))));
        // "*" matters in an application without a lockfile, and in a library that
        // crates.io would be asked to publish.
        let flag_star = if app { !locked } else { publishable };
        for (key, spec, dev) in dependencies(doc) {
            // Development dependencies never reach a library's users: with a
            // lockfile, `"*"` there is pinned like an application's.
            let flag_star = if dev { !locked } else { flag_star };
            check_dep(cx, key, spec, flag_star, app && !locked);
        }
    }
}

/// Every dependency entry of every dependency table, with its key and whether the
/// table is `[dev-dependencies]`.
fn dependencies(doc: &TomlDoc) -> Vec<(&Key, &Node, bool)> {
    let mut out = Vec::new();
    let mut tables: Vec<(&str, &Node)> = TABLES
        .iter()
        .filter_map(|t| Some((*t, doc.root.get(t)?)))
        .collect();
    if let Some(Value::Table(targets)) = doc.root.get("target").map(|n| &n.value) {
        for (_, target) in targets {
            tables.extend(TABLES.iter().filter_map(|t| Some((*t, target.get(t)?))));
        }
    }
    if let Some(ws) = doc
        .root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
    {
        tables.push(("dependencies", ws));
    }
    for (name, t) in tables {
        if let Value::Table(entries) = &t.value {
            let dev = name.starts_with("dev");
            out.extend(entries.iter().map(|(k, v)| (k, v, dev)));
        }
    }
    out
}

/// `flag_branch`: whether a git dependency on a branch is reported (an application
/// without a lockfile).
fn check_dep(cx: &mut Context<'_>, key: &Key, spec: &Node, flag_star: bool, flag_branch: bool) {
    let meta = &UnpinnedCargoDependency::META;
    let name = &key.name;
    match &spec.value {
        Value::String(v) if is_any(v) && flag_star => {
            cx.report(
                meta,
                spec.span.clone(),
                format!("`{name} = \"{v}\"` accepts any version"),
                "require a version such as `\"1.2\"`, or commit `Cargo.lock` for a binary",
            );
        }
        Value::Table(_) => {
            let has = |k: &str| spec.get(k).is_some();
            if has("workspace") || has("path") {
                return;
            }
            if let Some(git) = spec.get("git") {
                if has("rev")
                    || spec
                        .get("tag")
                        .and_then(Node::as_str)
                        .is_some_and(is_fixed_ref)
                {
                    return;
                }
                // A git dependency that also names a registry version resolves from the
                // registry when published; its branch only matters to an application,
                // and there `Cargo.lock` records the commit, as it pins `"*"`.
                if flag_branch {
                    let (what, span) = match spec.get("branch") {
                        Some(b) => (
                            format!(
                                "`{name}` follows the branch `{}` of its git repository",
                                b.as_str().unwrap_or("?")
                            ),
                            b.span.clone(),
                        ),
                        None => (
                            format!("`{name}` follows the default branch of its git repository"),
                            git.span.clone(),
                        ),
                    };
                    cx.report(
                        meta,
                        span,
                        what,
                        "pin the commit with `rev = \"<sha>\"` (or a release `tag`)",
                    );
                }
                return;
            }
            match spec.get("version") {
                Some(v) if v.as_str().is_some_and(is_any) && flag_star => {
                    cx.report(
                        meta,
                        v.span.clone(),
                        format!(
                            "`{name}` accepts any version (`{}`)",
                            v.as_str().unwrap_or("*")
                        ),
                        "require a version such as `\"1.2\"`, or commit `Cargo.lock` for a binary",
                    );
                }
                Some(_) => {}
                None if flag_star && !has("registry") => {
                    cx.report(
                        meta,
                        key.span.clone(),
                        format!("`{name}` names no version, so it accepts any"),
                        "add `version = \"1.2\"`, or commit `Cargo.lock` for a binary",
                    );
                }
                None => {}
            }
        }
        _ => {}
    }
}

fn is_any(v: &str) -> bool {
    matches!(v.trim(), "*" | "")
}
