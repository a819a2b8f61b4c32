//! DEP005 unpinned-base-image.

use crate::lang::manifest::ManifestKind;
use std::collections::BTreeSet;

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{image_name, is_local_image};
use crate::lang::shell;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM` images without a tag, or with the `latest` tag, after resolving
    /// `ARG` defaults declared before the first `FROM`.
    ///
    /// ## Why it matters in production
    /// `FROM python` means "whatever `python:latest` is today": the next build can
    /// change the operating system, the interpreter's major version and every system
    /// library under the application, with no change in the repository. A tag such as
    /// `python:3.12-slim` fixes the line; a digest (`@sha256:…`) fixes the bytes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// FROM node:latest AS assets
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// FROM node:20.11-alpine@sha256:… AS assets
    /// ```
    ///
    /// ## Known limits
    /// Stage aliases (`FROM builder`) and `scratch` are fine, as are images whose tag
    /// comes from an `ARG` without a default (the build passes it) and digests. So is
    /// the base of a stage that only fetches and unpacks files for a later one (`FROM
    /// alpine AS fetch` whose `RUN`s only run `wget`, `tar`, `mkdir` and the like), or
    /// only stages files it copied in (`COPY artifact/ /artifact/`, a `mv` and a `chmod`,
    /// and later stages take only paths under `/artifact`): the image lends its tools,
    /// and none of its own files ship.
    /// Dockerfiles of development environments (`.devcontainer/`, `.codesandbox/`,
    /// `.gitpod*`) are not checked. A moving tag such as `3.12` is accepted: it is a version
    /// line. An image this repository builds itself (`docker build -t name` or `docker tag id name` in CI or a
    /// task file, a build action's `tags:`, a Compose service with `build:` and `image:`)
    /// may follow `latest`: it is built from the same commit's Dockerfile. So may a bare
    /// name that no registry serves (`FROM base`, not a Docker Official Image): a
    /// `docker buildx bake` named context or an image built beside this one. Images whose
    /// vendor publishes no version tags cannot be pinned by tag and are not flagged:
    /// rolling distributions (openSUSE Tumbleweed), Chainguard's free images
    /// (`cgr.dev/chainguard/*`, `latest` and `latest-dev` only) and distroless images
    /// whose name fixes the Debian release (`gcr.io/distroless/cc-debian12`; a plain
    /// `gcr.io/distroless/cc` moves to the next release and is flagged); choosing one is
    /// choosing to roll, and a digest (`@sha256:…`, kept fresh by Renovate or
    /// Dependabot) is the only pin they take.
    /// Red Hat's images whose name fixes the OS release (`ubi9`, `ubi9/python-312`,
    /// `rhel8/nginx-124`, a team's own `ubi9/python-312-gdal`) are not flagged either:
    /// untagged, they follow that release's updates, as a `3.12` tag follows Python's.
    pub UnpinnedBaseImage,
    code = "DEP005", name = "unpinned-base-image", category = Dependencies, severity = Warning,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
    reads = [FileKind::Dockerfile, FileKind::Compose, FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi, FileKind::TaskFile, FileKind::Manifest(ManifestKind::PackageJson)],
}

impl Rule for UnpinnedBaseImage {
    /// Compose files tell which images the repository builds itself.
    /// It judges each Dockerfile on its own: a partial scan (a pre-commit hook's files)
    /// is checked too, against the images the scanned files build.
    fn needs_whole_project(&self) -> bool {
        false
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let built = images_built_here(repo);
        for (src, facts) in repo.parsed() {
            let Some(docker) = facts.docker.as_ref().filter(|d| !d.dev_image) else {
                continue;
            };
            for base in &docker.base_images {
                let Some(resolved) = base.resolved.as_deref() else {
                    continue;
                };
                if base.fetch_stage
                    || resolved.contains('@')
                    || resolved.contains('$')
                    || resolved.is_empty()
                    || is_built_here(&built, &image_name(resolved))
                    || is_local_image(resolved)
                    || publishes_no_versions(&image_name(resolved))
                {
                    continue;
                }
                let last = resolved.rsplit('/').next().unwrap_or(resolved);
                let shown = if resolved == base.written {
                    format!("`{resolved}`")
                } else {
                    format!("`{}` (`{resolved}`)", base.written)
                };
                let message = match last.split_once(':') {
                    None => format!("base image {shown} has no tag, so it means `latest`"),
                    Some((_, tag)) if tag.eq_ignore_ascii_case("latest") => {
                        format!("base image {shown} follows the `latest` tag")
                    }
                    Some(_) => continue,
                };
                cx.report(
                    &Self::META,
                    &src.rel_path,
                    base.span.clone(),
                    message,
                    "name a version tag such as `python:3.12-slim`, or pin a digest with `@sha256:…`",
                );
            }
        }
    }
}

/// An image whose vendor publishes no version tags, only a rolling one: a rolling
/// distribution, Chainguard's free tier, or a distroless image whose name fixes its
/// Debian release (`gcr.io/distroless/cc-debian12`; plain `gcr.io/distroless/cc`
/// follows whichever release is current). `name` is without tag or digest.
fn publishes_no_versions(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_prefix("docker.io/").unwrap_or(&n);
    let n = n.strip_prefix("registry.opensuse.org/").unwrap_or(n);
    let distroless_release = n.strip_prefix("gcr.io/distroless/").is_some_and(|image| {
        image.split_once("-debian").is_some_and(|(_, release)| {
            !release.is_empty() && release.chars().all(|c| c.is_ascii_digit())
        })
    });
    matches!(n, "opensuse/tumbleweed" | "library/opensuse/tumbleweed")
        || n.starts_with("cgr.dev/chainguard/")
        || distroless_release
        || names_red_hat_release(n)
}

/// A Red Hat Universal Base Image or RHEL image, whose name fixes the OS release
/// (`registry.access.redhat.com/ubi9`, `ubi9/ubi-minimal`, `ubi9/python-312`, a team's
/// own `ubi9/python-312-gdal`): untagged, it follows that release's updates, as a `3.12`
/// tag follows Python 3.12's.
fn names_red_hat_release(name: &str) -> bool {
    name.split('/').any(|part| {
        let part = part.split_once('-').map_or(part, |(head, _)| head);
        ["ubi", "rhel"].iter().any(|p| {
            part.strip_prefix(p)
                .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
        })
    })
}

/// Whether `name` is among the built images, or ends as a `*/suffix` pattern says.
pub(crate) fn is_built_here(built: &BTreeSet<String>, name: &str) -> bool {
    built.contains(name)
        || built
            .iter()
            .filter_map(|b| b.strip_prefix('*'))
            .any(|suffix| name.ends_with(suffix))
}

/// The images this repository builds: tagged by `docker build -t` (or `buildx build`,
/// `podman build`, or named by `docker tag`) in CI scripts and task files, by a build action's `tags:`, or by a
/// Compose service with both `build:` and `image:`. Names without tags.
pub(crate) fn images_built_here(repo: &RepoIndex) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, facts) in repo.parsed() {
        if let Some(c) = &facts.compose {
            out.extend(c.built_images.iter().cloned());
        }
        let Some(ci) = &facts.ci else { continue };
        out.extend(ci.built_images.iter().cloned());
        let task_lines = ci.tasks.iter().flat_map(|t| t.tasks.values().flatten());
        for script in ci
            .scripts
            .iter()
            .map(|s| s.script.as_str())
            .chain(task_lines.map(String::as_str))
        {
            for cmd in shell::split(script) {
                out.extend(build_tags(&cmd));
            }
        }
    }
    out
}

/// `docker build -t app/web:1 .` → `app/web`; `docker tag abc123 app/web:1` → `app/web`.
fn build_tags(cmd: &shell::SimpleCommand) -> Vec<String> {
    let words: Vec<&str> = cmd.program().iter().map(|w| w.value.as_str()).collect();
    let Some(program) = words.first().map(|p| p.rsplit('/').next().unwrap_or(p)) else {
        return Vec::new();
    };
    // `docker tag built-id app/web:1` (or `docker image tag`) names an image built here
    // (the source is an id or another of this repository's names): the target is one.
    if matches!(program, "docker" | "podman") {
        let args: Vec<&str> = words[1..]
            .iter()
            .copied()
            .skip_while(|w| *w == "image")
            .collect();
        if args.first() == Some(&"tag") {
            let operands: Vec<&str> = args[1..]
                .iter()
                .copied()
                .filter(|w| !w.starts_with('-'))
                .collect();
            return match operands.as_slice() {
                [_, target] if !target.contains('$') => vec![image_name(target)],
                _ => Vec::new(),
            };
        }
    }
    let builds = match program {
        "docker" | "podman" => words.iter().take(4).any(|w| *w == "build"),
        "buildah" => words.get(1).is_some_and(|w| *w == "bud" || *w == "build"),
        _ => false,
    };
    if !builds {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        let tag = match *w {
            "-t" | "--tag" => it.next().copied(),
            _ => w.strip_prefix("--tag=").or_else(|| w.strip_prefix("-t=")),
        };
        if let Some(tag) = tag.filter(|t| !t.contains('$')) {
            out.push(image_name(tag));
        }
    }
    out
}
