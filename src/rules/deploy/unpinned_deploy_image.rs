//! DEP009 unpinned-deploy-image.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::image_name;
use crate::lang::kubernetes::DeployImage;
use crate::lang::manifest::ManifestKind;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};
use crate::rules::docker::unpinned_base_image::{images_built_here, is_built_here};

declare_rule! {
    /// ## What it does
    /// Flags an `image:` in a Compose service or a Kubernetes container (init containers
    /// included) with no tag, or with the `latest` tag.
    ///
    /// ## Why it matters in production
    /// `image: redis` is "whatever `redis:latest` is when the node pulls it": a
    /// restart, a rescheduled pod or a new node can start a new major version next to
    /// the old one, with no change in the repository and no way to roll back to what ran
    /// yesterday. With Kubernetes' default `imagePullPolicy: Always` for `latest`, every
    /// pod start is a pull that can change the software.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    ///   db:
    ///     image: postgres:latest
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.2-alpine
    ///   db:
    ///     image: postgres:16.3@sha256:…
    /// ```
    ///
    /// ## Known limits
    /// A digest (`@sha256:…`) is always fine, and so are images whose reference comes
    /// from a variable (`${TAG}`, Helm `{{ }}`). Images this repository builds are
    /// fine: a Compose service with `build:`, names built in CI or task files (as DEP005
    /// recognises them), images whose tag a `kustomization.yaml` sets (`images:`), and
    /// containers with `imagePullPolicy: Never`. Compose files named for development,
    /// tests or CI (`docker-compose.dev.yml`, `compose.override.yaml`, under
    /// `.devcontainer/`) are not checked. A moving tag such as `16` is accepted: it is a
    /// version line.
    pub UnpinnedDeployImage,
    code = "DEP009", name = "unpinned-deploy-image", category = Dependencies, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Compose, FileKind::Kubernetes, FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi, FileKind::TaskFile, FileKind::Manifest(ManifestKind::PackageJson)],
}

impl Rule for UnpinnedDeployImage {
    /// Each manifest is judged on its own against the images the scanned files build.
    fn needs_whole_project(&self) -> bool {
        false
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let mut built = images_built_here(repo);
        for (_, facts) in repo.parsed() {
            if let Some(k) = &facts.kubernetes {
                built.extend(k.kustomized_images.iter().cloned());
            }
        }
        for (src, facts) in repo.parsed() {
            let images: &[DeployImage] = match (&facts.compose, &facts.kubernetes) {
                (Some(c), _) if !c.dev => &c.images,
                (_, Some(k)) => &k.images,
                _ => continue,
            };
            for i in images {
                let image = i.image.trim();
                if i.local
                    || image.is_empty()
                    || image.contains('@')
                    || crate::lang::kubernetes::is_templated(image)
                    || image.contains('$')
                    || is_built_here(&built, &image_name(image))
                {
                    continue;
                }
                let last = image.rsplit('/').next().unwrap_or(image);
                let message = match last.split_once(':') {
                    None => format!("image `{image}` has no tag, so it means `latest`"),
                    Some((_, tag)) if tag.eq_ignore_ascii_case("latest") => {
                        format!("image `{image}` follows the `latest` tag")
                    }
                    Some(_) => continue,
                };
                cx.report(
                    &Self::META,
                    &src.rel_path,
                    i.span.clone(),
                    message,
                    "name a version tag such as `redis:7.2-alpine`, or pin a digest with `@sha256:…`",
                );
            }
        }
    }
}
