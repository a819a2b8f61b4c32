//! DKR005 secret-in-image.

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
    /// Dockerfiles that build no production image are skipped: development
    /// environments (`.devcontainer/`, `.codesandbox/`, `.gitpod*`) and anything under
    /// a `test`, `tests`, `testdata`, `fixtures`, `e2e`, `examples` or `docs` directory.
    /// Names are matched by whole parts (`TOKENIZERS_PARALLELISM` is not a token).
    /// Values that are empty, a variable reference (`$TOKEN`, `${TOKEN}`), a boolean or
    /// a number are fine; `${TOKEN:-literal}` is not, since its default is baked in.
    /// Names that hold a location or a setting rather than the secret itself
    /// (`*_FILE`, `*_PATH`, `*_DIR`, `*_NAME`, `*_TIMEOUT`, `*_ID`, `*_DUMMY`, …) and
    /// switches (`ENABLE_*`, `DISABLE_*`, `NO_*`) are skipped. Names to skip can be
    /// listed in the `allow-names` option. Credentials inside URLs
    /// (`PIP_INDEX_URL=https://user:pass@…`) are not detected.
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

/// Name parts (split at `_`, `-`, `.`) that name a secret on their own.
const SECRET_PARTS: [&str; 9] = [
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
];

/// Adjacent name parts that name a secret together (`API_KEY`, `PRIVATE_KEY`, …).
const SECRET_PAIRS: [(&str, &str); 7] = [
    ("api", "key"),
    ("access", "key"),
    ("private", "key"),
    ("auth", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
];

/// A last name part that makes the variable a setting about a secret, not the secret.
const SETTING_SUFFIXES: [&str; 44] = [
    "file",
    "path",
    "dir",
    "name",
    "length",
    "len",
    "timeout",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "enabled",
    "required",
    "header",
    "type",
    "url",
    "uri",
    "endpoint",
    "host",
    "port",
    "user",
    "username",
    "id",
    "method",
    "mode",
    "version",
    "dummy",
    "seconds",
    "secs",
    "minutes",
    "hashers",
    "hasher",
    "manager",
    "backend",
    "provider",
    "location",
    "prefix",
    "algorithm",
    "policy",
    "format",
    "size",
    "limit",
    "rotation",
    "parallelism",
];

/// Name parts that make the variable a switch (`ENABLE_TOKEN_AUTH`, `NO_PASSWORD`).
const SWITCH_PARTS: [&str; 8] = [
    "enable", "enabled", "disable", "disabled", "no", "use", "allow", "require",
];

/// Whether an `ENV`/`ARG` name looks like it holds a secret.
fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let parts: Vec<&str> = lower
        .split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    if SETTING_SUFFIXES.contains(last) || parts.iter().any(|p| SWITCH_PARTS.contains(p)) {
        return false;
    }
    parts.iter().any(|p| SECRET_PARTS.contains(p))
        || parts
            .windows(2)
            .any(|w| SECRET_PAIRS.contains(&(w[0], w[1])))
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
    rule_meta!();

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        if super::is_not_production(cx.source) {
            return;
        }
        let allowed = cx.option_strings(&Self::META, "allow-names");
        for inst in &df.instructions {
            if !matches!(inst.keyword, Keyword::Env | Keyword::Arg) {
                continue;
            }
            let Some(word) = inst.text() else { continue };
            let maps = cx.source.text.get(word.span.clone()) == Some(word.value.as_str());
            for kv in parse_key_values(&word.value) {
                if !is_secret_name(&kv.key)
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
