//! DKR005 secret-in-image.

use std::sync::OnceLock;

use regex::Regex;

use crate::lang::dockerfile::{Dockerfile, Keyword, parse_key_values};
use crate::rule::{Context, OptionKind, OptionMeta, Rule};
use crate::{declare_rule, rule_meta};

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
    /// Values that are empty or only a variable reference (`$TOKEN`, `${TOKEN}`) are
    /// fine. Names that hold a location or a setting rather than the secret itself
    /// (`*_FILE`, `*_PATH`, `*_DIR`, `*_NAME`, `*_LENGTH`, `*_TIMEOUT`, `*_ENABLED`, …)
    /// are skipped. Names to skip can be listed in the `allow-names` option.
    pub SecretInImage,
    code = "DKR005", name = "secret-in-image", category = Container, severity = Error,
    security = true,
    options = [OptionMeta {
        name: "allow-names",
        kind: OptionKind::StringList,
        default: "[]",
        doc: "ENV/ARG names never reported, e.g. [\"DEMO_PASSWORD\"]",
    }],
}

fn secret_name() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(passw(or)?d|passwd|^pwd$|_pwd$|secret|token|api_?key|apikey|access_?key|private_?key|client_?secret|credential|auth_?key|signing_?key|encryption_?key)",
        )
        .expect("static regex")
    })
}

const SAFE_SUFFIXES: [&str; 24] = [
    "_FILE",
    "_PATH",
    "_DIR",
    "_NAME",
    "_LENGTH",
    "_LEN",
    "_TIMEOUT",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES",
    "_ENABLED",
    "_REQUIRED",
    "_HEADER",
    "_TYPE",
    "_URL",
    "_ENDPOINT",
    "_HOST",
    "_PORT",
    "_USER",
    "_USERNAME",
    "_ID",
    "_METHOD",
    "_MODE",
    "_VERSION",
];

impl Rule for SecretInImage {
    rule_meta!();

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let allowed = cx.option_strings(&Self::META, "allow-names");
        for inst in &df.instructions {
            if !matches!(inst.keyword, Keyword::Env | Keyword::Arg) {
                continue;
            }
            let Some(word) = inst.text() else { continue };
            let maps = cx.source.text.get(word.span.clone()) == Some(word.value.as_str());
            for kv in parse_key_values(&word.value) {
                let upper = kv.key.to_ascii_uppercase();
                if !secret_name().is_match(&kv.key)
                    || SAFE_SUFFIXES.iter().any(|s| upper.ends_with(s))
                    || allowed.iter().any(|a| a.eq_ignore_ascii_case(&kv.key))
                {
                    continue;
                }
                let Some(value) = kv.value.as_deref().map(str::trim) else {
                    continue;
                };
                if value.is_empty() || is_reference(value) {
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

/// `$NAME` or `${NAME...}` and nothing else.
fn is_reference(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    if let Some(rest) = v.strip_prefix("${") {
        return rest.ends_with('}') && !rest[..rest.len() - 1].contains('}');
    }
    v.strip_prefix('$')
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}
