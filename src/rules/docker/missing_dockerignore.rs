//! DKR007 missing-dockerignore.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{Args, Dockerfile, Keyword};
use crate::rule::{Context, Rule};
use crate::source::{file_name, parent_dir};

declare_rule! {
    /// ## What it does
    /// Flags `COPY .` or `ADD .` (the whole build context) when there is no
    /// `.dockerignore` beside the Dockerfile or in a directory above it, and no
    /// `<Dockerfile>.dockerignore` next to it.
    ///
    /// ## Why it matters in production
    /// Without a `.dockerignore`, copying the whole context sends `.git`, local `.env`
    /// files with credentials, virtualenvs and build output into the image: images grow,
    /// every edit busts the layer cache, and secrets ship.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . /app
    /// ```
    ///
    /// ## Fix
    /// Add a `.dockerignore` in the build context:
    /// ```text
    /// .git
    /// .env
    /// **/__pycache__
    /// target/
    /// ```
    ///
    /// ## Known limits
    /// Dockerfiles that build no production image are skipped (see below).
    /// The build context is not known from the Dockerfile alone; the Dockerfile's
    /// directory and its parents up to the repository root are searched. `COPY --from`
    /// copies from another stage or image and is never flagged.
    ///
    /// Not in the default set: judged on real services, 1 of 5 findings was worth
    /// acting on: a development image whose source is mounted over it anyway, a build
    /// stage whose files never reach the final image, a context that is a clean
    /// export of one commit.
    pub MissingDockerignore,
    code = "DKR007", name = "missing-dockerignore", category = Container, severity = Note,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
    reads = [FileKind::Dockerfile],
}

impl Rule for MissingDockerignore {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let path = &*cx.source.rel_path;
        let mut dir = parent_dir(path);
        let own = format!("{}.dockerignore", file_name(path));
        if cx.repo().dir_has(dir, &own) {
            return;
        }
        loop {
            if cx.repo().dir_has(dir, ".dockerignore") {
                return;
            }
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(dir);
        }
        for inst in &df.instructions {
            if !matches!(inst.keyword, Keyword::Copy | Keyword::Add) || inst.flag("from").is_some()
            {
                continue;
            }
            let Args::Paths { sources, .. } = &inst.args else {
                continue;
            };
            if let Some(src) = sources
                .iter()
                .find(|s| matches!(s.value.as_str(), "." | "./" | "*" | "./*"))
            {
                cx.report(
                    &Self::META,
                    inst.keyword_span.start..src.span.end,
                    format!(
                        "`{} {}` copies the whole build context, and there is no `.dockerignore`",
                        inst.keyword.as_str(),
                        src.value
                    ),
                    "add a `.dockerignore` that leaves out `.git`, `.env`, caches and build output",
                );
                return;
            }
        }
    }
}
