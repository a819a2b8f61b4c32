//! CFG002 hardcoded-secret.

use super::{is_placeholder, is_secret_assignment, words};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{PythonFile, Value, ValueKind};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a string literal assigned to a secret-looking name — `SECRET_KEY`,
    /// `*_PASSWORD`, `*_TOKEN`, `*_API_KEY`, `*_SECRET` — or config key
    /// (`app.config["SECRET_KEY"] = "..."`, `{"PASSWORD": "..."}` in `DATABASES`).
    ///
    /// ## Why it matters in production
    /// A secret in the repository is readable by everyone with access to the code, its
    /// forks, CI logs and backups, and it cannot be rotated without a deploy. Django's
    /// `SECRET_KEY` signs sessions and password-reset tokens: knowing it means forging
    /// them.
    ///
    /// ## Example
    /// ```python
    /// SECRET_KEY = "django-insecure-0x9f3k..."
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    /// ```
    ///
    /// ## Known limits
    /// Placeholders (`""`, `"changeme"`, `"<token>"`, `"${TOKEN}"`, values with spaces,
    /// the name of an environment variable) are not flagged. Tests, examples,
    /// development/test settings modules and migrations are skipped. Names describing a
    /// secret rather than holding it (`PASSWORD_RESET_TIMEOUT`, `TOKEN_URL`) are skipped,
    /// as are values that contain the name (`CLIENT_SECRET = "app_client_secret"`, a
    /// label), redaction masks (`"****"`, `"[REDACTED]"`), templates with placeholders
    /// (`"%s:%s"`, `"{user}:{password}"`), key names for `*_TOKEN`
    /// (`"app:wiki:rebuild"`) and typed field defaults in a class body
    /// (`password: str = "dev"` in a pydantic `BaseSettings`), which the environment
    /// overrides: measured on real services, those are development defaults. Values
    /// shaped like configuration are not secrets: a dotted import path
    /// (`"reset_password": "app.forms.ResetPasswordForm"`) or a rate limit
    /// (`"change_password": "1/m/user"`).
    ///
    /// Not in the default set: judged on real services, 1 of 21 findings was a secret
    /// worth acting on; the rest were development keys that production settings
    /// replace, test doubles' keys, sentinels and placeholders, which a name and a
    /// literal cannot tell apart. A scanner of secrets by provider pattern and entropy
    /// (gitleaks, trufflehog) does this job better; Ruff's S105/S106 are not in its
    /// defaults either.
    pub HardcodedSecret,
    code = "CFG002", name = "hardcoded-secret", category = Config, severity = Error,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Python],
}

fn literal<'a>(v: &Value<'a>) -> Option<&'a str> {
    v.as_str().filter(|s| !is_placeholder(s))
}

/// A string literal that is a real-looking secret for `name`: not a placeholder, not the
/// name itself, and for `*_TOKEN` names not a lower-case identifier (`"invalid_token"`,
/// `"request"` are constants naming a token, not tokens).
fn secret_value<'a>(name: &str, v: &Value<'a>) -> Option<&'a str> {
    let s = literal(v)?;
    // The name itself, or a label built from it (`CLIENT_SECRET = "polar_client_secret"`
    // in an enum of token types).
    let norm = |x: &str| x.to_ascii_lowercase().replace(['-', '.', ' '], "_");
    if norm(s).contains(&norm(name)) {
        return None;
    }
    // A redaction mask (`"****"`, `":****@"`, `"[REDACTED]"`), or a template with
    // placeholders (`"%s:%s"`, `"{user}:{password}"`) that a value fills in.
    let lower = s.to_ascii_lowercase();
    if s.matches('*').count() >= 3
        || lower.contains("redacted")
        || ["%s", "%d", "%(", "{}"].iter().any(|p| s.contains(p))
        || is_placeholder_template(s)
    {
        return None;
    }
    // A URL path or a URL without credentials names an endpoint, not a secret
    // (`"reset_password": "/api/reset_password/"`).
    if s.starts_with('/') || (s.contains("://") && !s.contains('@')) {
        return None;
    }
    // A dotted import path (`"app.forms.ResetPasswordForm"`) or a rate limit
    // (`"1/m/user"`, `"5/h/ip,1/m/key"`) has the shape of configuration, not of a secret.
    if is_import_path(s) || is_rate_spec(s) {
        return None;
    }
    let token = words(name).last().is_some_and(|w| w == "token");
    // A lower-case name, or a key made of them (`"sumo:wiki:full-rebuild"`).
    let identifier = s
        .chars()
        .all(|c| c.is_ascii_lowercase() || matches!(c, '_' | '-' | '.' | ':'));
    (!(token && identifier)).then_some(s)
}

/// Whether a string holds a `{name}` placeholder (`str.format`, `string.Template`'s
/// `${name}` too).
fn is_placeholder_template(s: &str) -> bool {
    s.match_indices('{').any(|(at, _)| {
        let rest = &s[at + 1..];
        rest.find('}').is_some_and(|end| {
            let name = &rest[..end];
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// `package.module.Name`: identifiers joined by dots, three or more of them, or two
/// ending in a class name.
fn is_import_path(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    let identifier = |p: &&str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    parts.len() >= 2
        && parts.iter().all(identifier)
        && (parts.len() >= 3
            || parts
                .last()
                .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_uppercase())))
}

/// A rate limit: `count/period[/scope]`, comma-separated (`"1/m/user"`, `"10/h"`).
fn is_rate_spec(s: &str) -> bool {
    s.split(',').all(|part| {
        let mut fields = part.trim().split('/');
        let count = fields.next().unwrap_or_default();
        let rest: Vec<&str> = fields.collect();
        !count.is_empty()
            && count.chars().all(|c| c.is_ascii_digit())
            && !rest.is_empty()
            && rest
                .iter()
                .all(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_lowercase()))
    })
}

/// Secret-keyed string entries of dict literals, at any depth of the summary.
fn dict_secrets<'a>(v: &Value<'a>, out: &mut Vec<(&'a str, Value<'a>)>, depth: usize) {
    if depth > 6 {
        return;
    }
    match v.kind() {
        ValueKind::Dict(entries) => {
            for (k, val) in entries {
                match k.as_ref().and_then(Value::as_str) {
                    Some(key) if is_secret_assignment(key) && secret_value(key, &val).is_some() => {
                        out.push((key, val))
                    }
                    _ => dict_secrets(&val, out, depth + 1),
                }
            }
        }
        ValueKind::List(items) | ValueKind::Tuple(items) => {
            for i in items {
                dict_secrets(&i, out, depth + 1);
            }
        }
        ValueKind::Call(c) => {
            for k in &c.keywords {
                match k.name {
                    Some(n)
                        if is_secret_assignment(n)
                            && n.chars().all(|c| {
                                c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()
                            })
                            && secret_value(n, &k.value).is_some() =>
                    {
                        out.push((n, k.value))
                    }
                    _ => dict_secrets(&k.value, out, depth + 1),
                }
            }
        }
        _ => {}
    }
}

impl Rule for HardcodedSecret {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        let r = &file.role;
        if r.test || r.example || r.dev_settings || r.migration || r.stub {
            return;
        }
        let help = "read it from the environment or a secret store (`os.environ[\"NAME\"]`), and rotate the exposed value";
        for a in &file.assigns {
            let Some(value) = &a.value else { continue };
            // A typed field default in a class body (pydantic `BaseSettings`, a
            // dataclass): a development default the environment overrides.
            if a.annotated && a.ctx.in_class_body {
                continue;
            }
            let name = match a.target.kind() {
                ValueKind::Name(n) => Some(n),
                ValueKind::Attribute(_, attr) => Some(attr),
                ValueKind::Subscript(_, key) => key.as_str(),
                _ => None,
            };
            if let Some(name) = name
                && is_secret_assignment(name)
                && secret_value(name, value).is_some()
            {
                cx.report(
                    &Self::META,
                    value.span(),
                    format!("hardcoded secret assigned to `{name}`"),
                    help,
                );
                continue;
            }
            let mut found = Vec::new();
            dict_secrets(value, &mut found, 0);
            for (key, v) in found {
                cx.report(
                    &Self::META,
                    v.span(),
                    format!("hardcoded secret under the key `{key}`"),
                    help,
                );
            }
        }
    }
}
