//! DPL003 runs-as-root.

use super::Builds;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::compose::{ComposeFile, is_dev_compose};
use crate::lang::kubernetes::{ContainerFacts, is_templated};
use crate::repo::RepoIndex;
use crate::rule::{Context, RepoContext, Rule};
use crate::rules::docker::root_user::{drops_privileges_itself, non_root_base};

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes container that runs as root: `runAsUser: 0`, or neither
    /// `runAsNonRoot: true` nor a non-zero `runAsUser` in the container's or the pod's
    /// `securityContext` while its image is not one known to set a non-root user. In
    /// Compose files, flags `user: root` and `user: "0"`.
    ///
    /// ## Why it matters in production
    /// A process that runs as root inside the container turns any remote code execution
    /// bug into root in the container, one kernel or runtime bug away from the node.
    /// `runAsNonRoot: true` makes the kubelet refuse to start a container whose image
    /// would run as root, so the guarantee no longer depends on each image's `USER`.
    ///
    /// ## Example
    /// ```yaml
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: ghcr.io/acme/api:1.4
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     spec:
    ///       securityContext:
    ///         runAsNonRoot: true
    ///         runAsUser: 10001
    ///       containers:
    ///         - name: api
    ///           image: ghcr.io/acme/api:1.4
    /// ```
    ///
    /// ## Known limits
    /// Images this repository builds are not flagged when nothing is set: their
    /// Dockerfile's `USER` decides, and DKR001 checks it there (an image is taken for one
    /// of the repository's when a build here tags it, a Compose service builds it, or its
    /// name is that of a directory holding a Dockerfile). Images known to run as a
    /// non-root user (`:nonroot` tags, `bitnami/*`, Chainguard, `nginx-unprivileged`) or
    /// to drop privileges in their entrypoint (the official `postgres`, `redis`, `mysql`,
    /// … images, and `nginx` and `httpd`, whose workers run unprivileged) are not
    /// flagged either; other images are judged by their name only.
    /// Init containers are flagged only for an explicit `runAsUser: 0` (often on
    /// purpose: a `chown` of a volume), and ephemeral containers and containers without
    /// an `image` (Kustomize patches) not at all. Values from
    /// templates or variables are not judged. Pod Security admission and policies set by
    /// the cluster are not consulted. Compose files named for development, tests or CI
    /// are not checked, and a Compose service without `user:` is left to DKR001.
    pub RunsAsRoot,
    code = "DPL003", name = "runs-as-root", category = Container, severity = Warning,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Compose, FileKind::Kubernetes, FileKind::Dockerfile, FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi, FileKind::TaskFile],
}

/// Whether a `user:` value names root: `root`, `0`, `0:0`, `root:root`.
fn is_root_user(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}

/// Why a container runs as root, if it does.
fn root_reason(c: &ContainerFacts, builds: &Builds) -> Option<String> {
    let r = &c.run_as;
    // No image: a Kustomize patch of a container defined elsewhere.
    if r.templated || c.list == "ephemeralContainers" || c.image.is_none() {
        return None;
    }
    if r.user == Some(0) {
        return (c.list == "containers").then(|| "`runAsUser: 0`".to_string());
    }
    if r.non_root == Some(true) || r.user.is_some_and(|u| u > 0) || c.list != "containers" {
        return None;
    }
    let (image, _) = c.image.as_ref()?;
    if is_templated(image)
        || image.contains('$')
        || builds.builds(image)
        || non_root_base(image)
        || drops_privileges_itself(image)
    {
        return None;
    }
    Some(format!(
        "no `runAsNonRoot: true` or non-zero `runAsUser`, and image `{image}` is not known to set a non-root user"
    ))
}

impl Rule for RunsAsRoot {
    fn needs_whole_project(&self) -> bool {
        false
    }

    fn check_compose(&self, file: &ComposeFile, cx: &mut Context<'_>) {
        if is_dev_compose(cx.source) {
            return;
        }
        for (name, service) in file.service_list() {
            let Some(e) = service.entry("user") else {
                continue;
            };
            if e.value.scalar_text().is_some_and(|u| is_root_user(&u)) {
                cx.report(
                    &Self::META,
                    e.key.span.start..e.value.span.end,
                    format!("service `{name}` runs as root"),
                    "run it as an unprivileged user (`user: \"10001:10001\"`), or drop `user:` if the image sets one",
                );
            }
        }
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let builds = Builds::of(repo);
        for (src, facts) in repo.parsed() {
            for c in facts.kubernetes.iter().flat_map(|k| &k.containers) {
                if let Some(reason) = root_reason(c, &builds) {
                    cx.report(
                        &Self::META,
                        &src.rel_path,
                        c.span.clone(),
                        format!(
                            "container `{}` of `{}` runs as root: {reason}",
                            c.name, c.workload
                        ),
                        "set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` on the pod or the container",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_root_user;

    #[test]
    fn root_users() {
        for yes in ["root", "0", "0:0", "root:root", " 0 "] {
            assert!(is_root_user(yes), "{yes}");
        }
        for no in ["1000", "app", "1000:0", "${UID}", "node", "10"] {
            assert!(!is_root_user(no), "{no}");
        }
    }
}
