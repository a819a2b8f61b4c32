//! The owner of the repository being checked (`huggingface` for
//! `github.com/huggingface/text-generation-inference`), for rules that treat the
//! repository's own organisation differently from third parties (DEP008). Read once per
//! run by the engine: from the `origin` remote in `.git/config` (parsed, no git command),
//! else from `GITHUB_REPOSITORY` when the root is the Actions workspace it describes,
//! else from a workflow's remote reference to a path of this very repository
//! (`uses: OWNER/REPO/.github/actions/x@ref` where `.github/actions/x` is here).

use std::path::{Path, PathBuf};

/// The owner of the repository at `root`, lower-cased; `None` when it cannot be told.
pub fn repository_owner(root: &Path) -> Option<String> {
    owner_at(
        root,
        std::env::var_os("GITHUB_WORKSPACE")
            .as_deref()
            .map(Path::new),
        std::env::var("GITHUB_REPOSITORY").ok().as_deref(),
    )
}

/// [`repository_owner`] with the Actions variables passed in.
fn owner_at(root: &Path, workspace: Option<&Path>, repository: Option<&str>) -> Option<String> {
    if let Some(owner) = git_config(root)
        .and_then(|text| origin_url(&text))
        .and_then(|url| owner_of_url(&url))
    {
        return Some(owner);
    }
    // In GitHub Actions, `GITHUB_REPOSITORY` (`owner/name`) names the repository
    // checked out at `GITHUB_WORKSPACE`, and only that one.
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if let Some(ws) = workspace
        && same(root, ws)
        && let Some((owner, name)) = repository.and_then(|r| r.split_once('/'))
        && valid_owner(owner)
        && !name.is_empty()
    {
        return Some(owner.to_ascii_lowercase());
    }
    self_reference_owner(root)
}

/// The owner named by a remote reference to a path of this very repository: a
/// workflow's `uses: OWNER/REPO/PATH@ref` whose `PATH` is an action (`PATH/action.yml`)
/// or a workflow file in this tree identifies the repository as `OWNER/REPO`. Read from
/// `.github/workflows/` and the actions under `.github/actions/`; `None` when no such
/// reference exists or two disagree.
fn self_reference_owner(root: &Path) -> Option<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    let yaml = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
    };
    if let Ok(entries) = std::fs::read_dir(root.join(".github/workflows")) {
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| yaml(p)));
    }
    if let Ok(entries) = std::fs::read_dir(root.join(".github/actions")) {
        for e in entries.flatten() {
            for name in ["action.yml", "action.yaml"] {
                files.push(e.path().join(name));
            }
        }
    }
    let mut found: Option<String> = None;
    for f in files.iter().take(200) {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for line in text.lines() {
            let Some(owner) = self_reference(root, line) else {
                continue;
            };
            match &found {
                Some(o) if *o != owner => return None,
                _ => found = Some(owner),
            }
        }
    }
    found
}

/// The owner in one `uses: OWNER/REPO/PATH@ref` line when `PATH` exists under `root`
/// as an action or a workflow file.
fn self_reference(root: &Path, line: &str) -> Option<String> {
    let value = line
        .trim_start()
        .trim_start_matches("- ")
        .trim_start()
        .strip_prefix("uses:")?
        .split(" #")
        .next()?
        .trim()
        .trim_matches(['"', '\'']);
    let (target, _) = value.split_once('@')?;
    let mut parts = target.splitn(3, '/');
    let (owner, repo, path) = (parts.next()?, parts.next()?, parts.next()?);
    if !valid_owner(owner)
        || repo.is_empty()
        || path.is_empty()
        || path
            .split('/')
            .any(|s| s.is_empty() || s == ".." || s == ".")
    {
        return None;
    }
    let at = root.join(path);
    let exists = at.join("action.yml").is_file()
        || at.join("action.yaml").is_file()
        || (path.starts_with(".github/workflows/") && at.is_file());
    exists.then(|| owner.to_ascii_lowercase())
}

/// The text of the repository's git configuration: `.git/config`, or for a worktree
/// or submodule (a `.git` file holding `gitdir: …`) the configuration it points to.
fn git_config(root: &Path) -> Option<String> {
    let dot_git = root.join(".git");
    let dir: PathBuf = if dot_git.is_dir() {
        dot_git
    } else {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let gitdir = Path::new(text.trim().strip_prefix("gitdir:")?.trim());
        let gitdir = root.join(gitdir);
        // A linked worktree keeps its configuration in the common directory.
        match std::fs::read_to_string(gitdir.join("commondir")) {
            Ok(common) => gitdir.join(common.trim()),
            Err(_) => gitdir,
        }
    };
    std::fs::read_to_string(dir.join("config")).ok()
}

/// The `url` of `[remote "origin"]` in a git configuration file.
pub fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let section: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_origin = section == "[remote\"origin\"]";
            continue;
        }
        if !in_origin {
            continue;
        }
        if let Some((key, value)) = line.split_once('=')
            && key.trim().eq_ignore_ascii_case("url")
        {
            let value = value.trim().trim_matches('"');
            return (!value.is_empty()).then(|| value.to_string());
        }
    }
    None
}

/// The owner in a remote URL: `https://host/owner/name(.git)`,
/// `ssh://git@host[:port]/owner/name`, `git@host:owner/name.git`. Lower-cased (owners
/// are case-insensitive on GitHub); `None` for a local path or a URL without one.
pub fn owner_of_url(url: &str) -> Option<String> {
    let path = if let Some((_, rest)) = url.split_once("://") {
        // Drop the host (and any credentials before it).
        rest.split_once('/')?.1
    } else if let Some((host, path)) = url.split_once(':') {
        // scp-like `user@host:owner/name`; not a Windows drive or a local path.
        if host.contains('/') || host.len() < 2 {
            return None;
        }
        path
    } else {
        return None;
    };
    let mut segments = path.trim_start_matches('/').split('/');
    let owner = segments.next()?;
    let name = segments.next()?;
    (valid_owner(owner) && !name.is_empty()).then(|| owner.to_ascii_lowercase())
}

/// An owner name: letters, digits, `-` (GitHub), `_` and `.` (other forges).
fn valid_owner(owner: &str) -> bool {
    !owner.is_empty()
        && owner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_of_remote_urls() {
        for (url, owner) in [
            (
                "https://github.com/huggingface/doc-builder.git",
                Some("huggingface"),
            ),
            ("https://github.com/Org-Name/repo", Some("org-name")),
            (
                "https://x-access-token:abc@github.com/acme/api.git",
                Some("acme"),
            ),
            ("git@github.com:acme/api.git", Some("acme")),
            (
                "ssh://git@github.example.com:2222/acme/api.git",
                Some("acme"),
            ),
            ("/srv/git/api.git", None),
            ("C:/repos/api", None),
            ("https://github.com/acme", None),
        ] {
            assert_eq!(owner_of_url(url).as_deref(), owner, "{url}");
        }
    }

    #[test]
    fn the_origin_remote_of_a_config() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/api\n[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            origin_url(config).as_deref(),
            Some("git@github.com:acme/api.git")
        );
        assert_eq!(origin_url("[core]\n\tbare = false\n"), None);
    }

    #[test]
    fn the_owner_of_a_checkout() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let root = dir.path();
        // No `.git`, not the Actions workspace: unknown.
        assert_eq!(owner_at(root, None, Some("acme/api")), None);
        let elsewhere = tempfile::TempDir::new().expect("temp dir");
        assert_eq!(
            owner_at(root, Some(elsewhere.path()), Some("acme/api")),
            None
        );
        // The workspace `GITHUB_REPOSITORY` describes.
        assert_eq!(
            owner_at(root, Some(root), Some("Acme/api")).as_deref(),
            Some("acme")
        );
        // The `origin` remote wins: it describes this directory.
        std::fs::create_dir(root.join(".git")).expect(".git");
        std::fs::write(
            root.join(".git/config"),
            "[remote \"origin\"]\n\turl = https://github.com/huggingface/tgi.git\n",
        )
        .expect("config");
        assert_eq!(
            owner_at(root, Some(root), Some("acme/api")).as_deref(),
            Some("huggingface")
        );
        // A linked worktree: `.git` is a file pointing at its git directory, whose
        // `commondir` holds the configuration.
        let wt = tempfile::TempDir::new().expect("temp dir");
        let gitdir = root.join(".git/worktrees/wt");
        std::fs::create_dir_all(&gitdir).expect("gitdir");
        std::fs::write(gitdir.join("commondir"), "../..\n").expect("commondir");
        std::fs::write(
            wt.path().join(".git"),
            format!("gitdir: {}\n", gitdir.display()),
        )
        .expect(".git file");
        assert_eq!(
            owner_at(wt.path(), None, None).as_deref(),
            Some("huggingface")
        );
    }

    #[test]
    fn a_remote_reference_to_a_path_of_this_repository_names_the_owner() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join(".github/workflows")).expect("workflows");
        let wf = root.join(".github/workflows/ci.yml");
        std::fs::write(
            &wf,
            "jobs:\n  a:\n    steps:\n      - uses: Acme/api/.github/actions/prepare@main\n      - uses: other/tool/sub@v1\n",
        )
        .expect("workflow");
        // The path is not in this tree: nothing is learnt.
        assert_eq!(owner_at(root, None, None), None);
        std::fs::create_dir_all(root.join(".github/actions/prepare")).expect("action dir");
        std::fs::write(
            root.join(".github/actions/prepare/action.yml"),
            "runs: {}\n",
        )
        .expect("action");
        assert_eq!(owner_at(root, None, None).as_deref(), Some("acme"));
        // Another owner's action at a path that also exists here: they disagree.
        std::fs::create_dir_all(root.join("sub")).expect("sub");
        std::fs::write(root.join("sub/action.yml"), "runs: {}\n").expect("action");
        assert_eq!(owner_at(root, None, None), None);
    }
}
