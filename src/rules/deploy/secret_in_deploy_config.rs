//! CFG004 secret-in-deploy-config.

use super::{Literal, literal};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::compose::{ComposeFile, is_dev_compose};
use crate::lang::kubernetes::KubeFile;
use crate::lang::yaml::Node;
use crate::rule::{Context, Rule, Severity};
use crate::secrets::is_secret_setting;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a literal secret committed in a deployment manifest:
    /// - in a Compose service's `environment:` (map or `KEY=value` list), a
    ///   secret-looking variable (`*_PASSWORD`, `SECRET_KEY`, `*_TOKEN`, `*_API_KEY`, …)
    ///   given a literal value; `${VAR:-default}` whose default is not a placeholder is a
    ///   warning (the default is what a deployment gets when nobody sets the variable);
    /// - in a Kubernetes container's `env`, a secret-looking `name` with a literal
    ///   `value`;
    /// - in a `ConfigMap`'s `data`, a secret-looking key with a literal value;
    /// - in a `Secret`, a `stringData` value (plain text) or a non-empty `data` value
    ///   (base64 is an encoding, not encryption) under a secret-looking key, a key of a
    ///   typed Secret (`tls.key`, `ssh-privatekey`, `.dockerconfigjson`, `token`), or
    ///   holding a URL with a password (`postgres://app:pw@db/app`). Usernames, hosts and
    ///   ports kept in the same Secret are not reported.
    ///
    /// ## Why it matters in production
    /// A secret in the repository is readable by everyone who can clone it, forever: it
    /// stays in the history after it is removed, it is copied into forks, CI caches and
    /// laptops, and rotating it means a commit. The same file is usually deployed to
    /// every environment, so the one value guards all of them.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     environment:
    ///       DATABASE_PASSWORD: hunter2-prod
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// services:
    ///   api:
    ///     environment:
    ///       DATABASE_PASSWORD: ${DATABASE_PASSWORD:?set DATABASE_PASSWORD}
    ///     # or: env_file: .env (not committed), or Compose `secrets:`
    /// ```
    /// In Kubernetes, reference a `Secret` (`valueFrom.secretKeyRef`, `envFrom`) that is
    /// created outside the repository or committed encrypted (SealedSecret,
    /// ExternalSecret, SOPS).
    ///
    /// ## Known limits
    /// Placeholders (`changeme`, `<your-token>`, `my-api-key`, `seriously-insecure`,
    /// `${VAR}`, values built from other variables, Helm `{{ }}`) are fine, as are `secretKeyRef`, `env_file`, `envFrom` and
    /// SealedSecret/ExternalSecret objects. Compose files named for development, tests or
    /// CI (`docker-compose.dev.yml`, `compose.override.yaml`, `docker-compose.ci.yml`,
    /// under `.devcontainer/`) are not checked: a local database's `postgres` password
    /// protects nothing. Credentials inside URLs (`postgres://user:pass@db`) are not
    /// read.
    pub SecretInDeployConfig,
    code = "CFG004", name = "secret-in-deploy-config", category = Config, severity = Error,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Compose, FileKind::Kubernetes],
}

const HELP: &str = "read it from the environment (`${VAR:?required}`), an untracked env file, or a secret store; rotate the committed value";
const K8S_HELP: &str = "reference a Secret created outside the repository (`valueFrom.secretKeyRef`), or commit it encrypted (SealedSecret, ExternalSecret, SOPS); rotate the committed value";

impl SecretInDeployConfig {
    fn env_value(cx: &mut Context<'_>, who: &str, key: &str, span: Span, value: &str) {
        if !is_secret_setting(key) {
            return;
        }
        match literal(value) {
            Some(Literal::Value(_)) => {
                cx.report(
                    &Self::META,
                    span,
                    format!("{who} sets `{key}` to a literal secret"),
                    HELP,
                );
            }
            Some(Literal::Default(_)) => {
                cx.report(
                    &Self::META,
                    span,
                    format!("{who} falls back to a literal `{key}` when the variable is unset"),
                    "require the variable instead (`${VAR:?required}`), so an unset secret fails the deploy",
                )
                .severity(Severity::Warning);
            }
            None => {}
        }
    }
}

impl Rule for SecretInDeployConfig {
    fn check_compose(&self, file: &ComposeFile, cx: &mut Context<'_>) {
        if is_dev_compose(cx.source) {
            return;
        }
        for (name, service) in file.service_list() {
            let who = format!("service `{name}`");
            let Some(env) = service.get("environment") else {
                continue;
            };
            for e in env.entries() {
                let (Some(key), Some(value)) = (e.key.as_str(), e.value.scalar_text()) else {
                    continue;
                };
                Self::env_value(cx, &who, key, e.key.span.clone(), &value);
            }
            for item in env.items() {
                let Some((key, value)) = item.as_str().and_then(|s| s.split_once('=')) else {
                    continue;
                };
                let key = key.trim();
                let span = item
                    .value_span(cx.source, 0..key.len())
                    .unwrap_or_else(|| item.span.clone());
                Self::env_value(cx, &who, key, span, value);
            }
        }
    }

    fn check_kubernetes(&self, file: &KubeFile, cx: &mut Context<'_>) {
        for o in file.objects() {
            let what = format!("`{}/{}`", o.kind, o.name());
            match o.kind {
                "ConfigMap" => {
                    for e in o.node.get("data").map(Node::entries).unwrap_or_default() {
                        let (Some(key), Some(value)) = (e.key.as_str(), e.value.scalar_text())
                        else {
                            continue;
                        };
                        if is_secret_setting(key)
                            && !value.contains('\n')
                            && matches!(literal(&value), Some(Literal::Value(_)))
                        {
                            cx.report(
                                &Self::META,
                                e.key.span.clone(),
                                format!("{what} holds `{key}` in plain text"),
                                K8S_HELP,
                            );
                        }
                    }
                }
                "Secret" => {
                    for field in ["stringData", "data"] {
                        for e in o.node.get(field).map(Node::entries).unwrap_or_default() {
                            let Some(value) = e.value.scalar_text() else {
                                continue;
                            };
                            let plain = if field == "data" {
                                match base64_decode(&value) {
                                    Some(p) => p,
                                    None => continue,
                                }
                            } else {
                                value
                            };
                            let key = e.key.scalar_text().unwrap_or_default();
                            if !(is_secret_setting(&key)
                                || SECRET_DATA_KEYS.contains(&key.as_str())
                                || has_url_credentials(&plain))
                                || plain.trim().is_empty()
                                || crate::lang::kubernetes::is_templated(&plain)
                                || super::is_sample(&plain)
                            {
                                continue;
                            }
                            let how = if field == "data" {
                                "base64-encoded, which anyone can decode"
                            } else {
                                "in plain text"
                            };
                            cx.report(
                                &Self::META,
                                e.key.span.clone(),
                                format!("{what} commits `{key}` {how}"),
                                K8S_HELP,
                            );
                        }
                    }
                }
                _ => {}
            }
            for c in o.containers() {
                let who = format!("container `{}` of {what}", c.name());
                for item in c.node.get("env").map(Node::items).unwrap_or_default() {
                    let (Some(name), Some(entry)) =
                        (item.get("name").and_then(Node::as_str), item.entry("value"))
                    else {
                        continue;
                    };
                    let Some(value) = entry.value.scalar_text() else {
                        continue;
                    };
                    if is_secret_setting(name) && matches!(literal(&value), Some(Literal::Value(_)))
                    {
                        cx.report(
                            &Self::META,
                            entry.key.span.clone(),
                            format!("{who} sets `{name}` to a literal secret"),
                            K8S_HELP,
                        );
                    }
                }
            }
        }
    }
}

/// The keys of Kubernetes' typed Secrets that hold the secret itself.
const SECRET_DATA_KEYS: [&str; 5] = [
    "tls.key",
    "ssh-privatekey",
    ".dockerconfigjson",
    ".dockercfg",
    "token",
];

/// `scheme://user:password@host`, the password a literal.
fn has_url_credentials(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let Some((userinfo, _)) = rest.split('/').next().and_then(|a| a.rsplit_once('@')) else {
        return false;
    };
    userinfo
        .split_once(':')
        .is_some_and(|(_, pw)| !pw.is_empty() && !super::is_sample(pw))
}

/// Standard base64 (padding optional, whitespace ignored), as UTF-8 text (lossy); `None`
/// when it is not base64.
fn base64_decode(text: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0u32;
    let mut out = Vec::new();
    for c in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials() {
        assert!(has_url_credentials("postgres://app:hunter2@db/app"));
        assert!(!has_url_credentials("postgres://app@db/app"));
        assert!(!has_url_credentials("https://example.com/a@b"));
        assert!(!has_url_credentials("postgres://app:${PW}@db/app"));
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("Y2hhbmdlbWU=").as_deref(), Some("changeme"));
        assert_eq!(base64_decode("aHVudGVyMg==").as_deref(), Some("hunter2"));
        assert_eq!(base64_decode("not base64!"), None);
    }
}
