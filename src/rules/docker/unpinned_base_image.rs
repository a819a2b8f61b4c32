//! DEP005 unpinned-base-image.

use crate::declare_rule;
use crate::lang::dockerfile::{Args, Dockerfile};
use crate::rule::{Context, Rule};
use crate::rules::docker::resolve_image;

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
    /// comes from an `ARG` without a default (the build passes it) and digests.
    /// Dockerfiles of development environments (`.devcontainer/`, `.codesandbox/`,
    /// `.gitpod*`) are not checked. A moving tag such as `3.12` is accepted: it is a version line.
    pub UnpinnedBaseImage,
    code = "DEP005", name = "unpinned-base-image", category = Dependencies, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
}

impl Rule for UnpinnedBaseImage {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (index, inst) in df.instructions.iter().enumerate() {
            let Args::From { image, .. } = &inst.args else {
                continue;
            };
            let Some(resolved) = resolve_image(df, &image.value) else {
                continue;
            };
            if resolved.eq_ignore_ascii_case("scratch")
                || df.is_stage_alias(&resolved, index)
                || resolved.contains('@')
                || resolved.contains('$')
                || resolved.is_empty()
            {
                continue;
            }
            let last = resolved.rsplit('/').next().unwrap_or(&resolved);
            let shown = if resolved == image.value {
                format!("`{resolved}`")
            } else {
                format!("`{}` (`{resolved}`)", image.value)
            };
            match last.split_once(':') {
                None => {
                    cx.report(
                        &Self::META,
                        image.span.clone(),
                        format!("base image {shown} has no tag, so it means `latest`"),
                        "name a version tag such as `python:3.12-slim`, or pin a digest with `@sha256:…`",
                    );
                }
                Some((_, tag)) if tag.eq_ignore_ascii_case("latest") => {
                    cx.report(
                        &Self::META,
                        image.span.clone(),
                        format!("base image {shown} follows the `latest` tag"),
                        "name a version tag such as `python:3.12-slim`, or pin a digest with `@sha256:…`",
                    );
                }
                Some(_) => {}
            }
        }
    }
}
