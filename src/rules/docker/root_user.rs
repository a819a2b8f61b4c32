//! DKR001 root-user.

use super::{base_image, final_chain, is_dev_container};
use crate::lang::dockerfile::{Dockerfile, Keyword, Stage};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage runs as root: it sets no `USER` (and is not
    /// built on an image that is already non-root), or its last `USER` is `root` or `0`.
    ///
    /// ## Why it matters in production
    /// A process that runs as root inside the container turns any remote code execution
    /// bug into root in the container, one kernel or runtime bug away from the host. Most
    /// orchestrators can enforce `runAsNonRoot`, and then a root image does not start
    /// at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home --uid 10001 app
    /// COPY --chown=app . /app
    /// USER app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Known limits
    /// Only the final stage is checked; earlier stages never run in production. A
    /// `USER` inherited from an earlier stage of the same file counts. Base images that
    /// are non-root by default are recognised by name (`:nonroot` tags, `cgr.dev/chainguard/*`,
    /// `bitnami/*`); other base images are assumed to run as root. A final stage that
    /// installs `gosu`, `su-exec` or `setpriv` is assumed to drop privileges in its
    /// entrypoint. `USER $VAR` is trusted. Files under `.devcontainer/` are skipped.
    pub RootUser,
    code = "DKR001", name = "root-user", category = Container, severity = Warning,
    security = true,
}

impl Rule for RootUser {
    rule_meta!();

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        if is_dev_container(cx.source) {
            return;
        }
        let chain = final_chain(df);
        let Some(last_stage) = chain.first() else {
            return;
        };
        // The last USER along the chain, nearest stage first.
        let last_user = chain.iter().find_map(|s| {
            df.stage_instructions(s)
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::User)
        });
        match last_user {
            Some(user) => {
                let Some(word) = user.text() else { return };
                let name = word.value.split(':').next().unwrap_or("").trim();
                if name == "root" || name == "0" {
                    cx.report(
                        &Self::META,
                        user.span.clone(),
                        format!("the final stage runs as `{}`", word.value.trim()),
                        "switch to an unprivileged user after the steps that need root, e.g. `USER 10001`",
                    );
                }
            }
            None => {
                if base_image(df, &chain).is_some_and(non_root_base)
                    || drops_privileges(df, &chain, &cx.source.text)
                {
                    return;
                }
                let from = df.from_instruction(last_stage);
                cx.report(
                    &Self::META,
                    from.span.clone(),
                    "the final stage sets no `USER`, so the container runs as root",
                    "create an unprivileged user and add `USER <name>` before `CMD`",
                );
            }
        }
    }
}

/// Base images whose default user is not root.
fn non_root_base(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let name = lower.split('@').next().unwrap_or("");
    let tag = name.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
    tag.contains("nonroot")
        || name.starts_with("cgr.dev/chainguard/")
        || name.starts_with("bitnami/")
        || name.starts_with("docker.io/bitnami/")
}

/// Whether the final stage installs or copies in a privilege-dropping helper for its
/// entrypoint (`gosu`, `su-exec`, `setpriv`).
fn drops_privileges(df: &Dockerfile, chain: &[&Stage], text: &str) -> bool {
    chain.iter().any(|s| {
        df.stage_instructions(s).iter().any(|i| {
            matches!(i.keyword, Keyword::Run | Keyword::Copy | Keyword::Add)
                && text.get(i.span.clone()).is_some_and(|t| {
                    t.contains("gosu") || t.contains("su-exec") || t.contains("setpriv")
                })
        })
    })
}
