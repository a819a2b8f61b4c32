//! DKR005 secret-in-image.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{Dockerfile, Keyword, parse_key_values};
use crate::rule::{Context, OptionKind, OptionMeta, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `ARG` instructions that give a secret-looking name (`*PASSWORD*`,
    /// `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*CREDENTIALS*`, …) a literal
    /// value.
    ///
    /// ## Why it matters in production
    /// `ENV` values are stored in the image configuration and `ARG` values in its
    /// history: anyone who can pull the image can read them with `docker inspect` or
    /// `docker history`. The secret is also in the repository for good.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DATABASE_PASSWORD=hunter2
    /// ARG NPM_TOKEN=npm_abc123
    /// ```
    ///
    /// ## Fix
    /// Pass secrets at run time (environment from the orchestrator's secret store), and
    /// at build time with BuildKit secrets:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
    /// ```
    ///
    /// ## Known limits
    /// Dockerfiles that build no production image are skipped (see below).
    /// Names are matched by whole parts (`TOKENIZERS_PARALLELISM` is not a token).
    /// Values that are empty, a variable reference (`$TOKEN`, `${TOKEN}`), a boolean or
    /// a number are fine; `${TOKEN:-literal}` is not, since its default is baked in.
    /// In a build stage the image is not made from, an obvious placeholder
    /// (`ARG SECRET_KEY=foo`, `dummy`, `changeme`: what a build step such as Django's
    /// `collectstatic` needs set) is fine too, and so is one in an `ARG` of any stage
    /// (an `ARG` is not in the running container's environment), where a value that
    /// says it is insecure or names the build (`insecure_docker_build_key`,
    /// `collectstatic-build-only`) is a placeholder as well; in the image's own stages
    /// an `ENV` literal always counts, since it is what the container runs with.
    /// Names that hold a location or a setting rather than the secret itself
    /// (`*_FILE`, `*_PATH`, `*_DIR`, `*_NAME`, `*_TIMEOUT`, `*_ID`, `*_DUMMY`, …) and
    /// switches (`ENABLE_*`, `DISABLE_*`, `NO_*`) are skipped. Names to skip can be
    /// listed in the `allow-names` option. Credentials inside URLs
    /// (`PIP_INDEX_URL=https://user:pass@…`) are not detected.
    /// Unlike hadolint's DL3064, an `ARG` with a secret's name and no default is not
    /// flagged (nothing is baked into the Dockerfile; whether a build passes one with
    /// `--build-arg` is not seen here), nor is `AWS_ACCESS_KEY_ID` (an identifier, like
    /// every `*_ID`: the secret is `AWS_SECRET_ACCESS_KEY`).
    pub SecretInImage,
    code = "DKR005", name = "secret-in-image", category = Container, severity = Error,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    options = [OptionMeta {
        name: "allow-names",
        kind: OptionKind::StringList,
        default: "[]",
        doc: "ENV/ARG names never reported, e.g. [\"DEMO_PASSWORD\"]",
    }],
    reads = [FileKind::Dockerfile],
}

/// Values that are flags or numbers, not secrets.
fn is_setting_value(value: &str) -> bool {
    let v = value
        .trim_matches(|c| c == '"' || c == '\'')
        .to_ascii_lowercase();
    matches!(v.as_str(), "true" | "false" | "yes" | "no" | "on" | "off")
        || v.chars().all(|c| c.is_ascii_digit())
}

impl Rule for SecretInImage {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let allowed = cx.option_strings(&Self::META, "allow-names");
        // The instructions of the stages the image is made of (and the global `ARG`s):
        // elsewhere a value only serves a build step, and an obvious placeholder
        // (`ARG SECRET_KEY=foo` so that `collectstatic` runs) is not a secret.
        let chain = crate::lang::dockerfile::stages::final_chain(df);
        let in_image = |i: usize| {
            df.stages.first().is_none_or(|s| i < s.from)
                || chain.iter().any(|s| i == s.from || s.body.contains(&i))
        };
        for (index, inst) in df.instructions.iter().enumerate() {
            if !matches!(inst.keyword, Keyword::Env | Keyword::Arg) {
                continue;
            }
            let Some(word) = inst.text() else { continue };
            let maps = cx.source.text.get(word.span.clone()) == Some(word.value.as_str());
            for kv in parse_key_values(&word.value) {
                if !crate::secrets::is_secret_setting(&kv.key)
                    || allowed.iter().any(|a| a.eq_ignore_ascii_case(&kv.key))
                {
                    continue;
                }
                let Some(value) = kv.value.as_deref().map(str::trim) else {
                    continue;
                };
                if value.is_empty() || is_reference(value) || is_setting_value(value) {
                    continue;
                }
                let bare = value.trim_matches(|c| c == '"' || c == '\'');
                // An `ARG` is not in the running container's environment: a placeholder
                // (one that says it is insecure, or names the build, too) only serves a
                // build step, whatever the stage.
                let build_placeholder = inst.keyword == Keyword::Arg && {
                    let lower = bare.to_ascii_lowercase();
                    lower.starts_with("insecure") || lower.contains("build")
                };
                if (!in_image(index) || inst.keyword == Keyword::Arg)
                    && (crate::secrets::is_placeholder(bare) || build_placeholder)
                {
                    continue;
                }
                let span = if maps {
                    let s = word.span.start + kv.key_offset;
                    s..s + kv.key.len()
                } else {
                    inst.span.clone()
                };
                cx.report(
                    &Self::META,
                    span,
                    format!(
                        "`{} {}` bakes a literal secret into the image",
                        inst.keyword.as_str(),
                        kv.key
                    ),
                    "pass the secret at run time, or at build time with `RUN --mount=type=secret`",
                );
            }
        }
    }
}

/// `$NAME` or `${NAME}` and nothing else; `${NAME:-default}` with a literal default
/// is not a reference, since the default is baked in.
fn is_reference(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    if let Some(rest) = v.strip_prefix("${") {
        let Some(body) = rest.strip_suffix('}') else {
            return false;
        };
        if body.contains('}') {
            return false;
        }
        return match body.split_once(":-").or_else(|| body.split_once('-')) {
            Some((_, default)) => default.is_empty() || default.starts_with('$'),
            None => true,
        };
    }
    v.strip_prefix('$')
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}
