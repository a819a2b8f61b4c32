//! LOG004 sensitive-data-logged.

use super::{is_secret_name, log_method, words};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{Call, DefKind, PythonFile, Value, ValueKind};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a logging call that passes a value whose name looks like a password,
    /// secret, token, API key or credential: a variable (`password`), an attribute
    /// (`user.api_key`), a key (`data["token"]`, `extra={"secret": s}`), an f-string
    /// field (`f"{token}"`) or a keyword (`log.info("login", password=pw)`).
    ///
    /// ## Why it matters in production
    /// Logs are copied to aggregators, backups, support tickets and laptops, and kept
    /// far longer than the secret should live; many more people can read them than can
    /// read the secret store. A leaked token in a log is a leaked token.
    ///
    /// ## Example
    /// ```python
    /// logger.debug("auth with %s", api_key)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// logger.debug("auth with key ending %s", api_key[-4:])
    /// ```
    ///
    /// ## Known limits
    /// Names describing a secret rather than holding it are skipped
    /// (`password_length`, `token_url`, `max_tokens`, `is_secret`), as are slices
    /// (`token[:4]`) and values passed through other calls (`mask(token)`). An attribute
    /// named just `token` (`checkout.token`) is skipped: ORMs use it for public ids.
    /// A name is about a secret, not the secret, when a describing word follows the secret
    /// word (`token_type_hint`, `token_scopes`, `token_obj`, and the public claims
    /// `token__issuer`, `token_sub`, `jwt_audience`) or when it names access
    /// rights (`default_permissions_create_token`, `discarded_token_scopes`). A variable
    /// is not the secret when the function visibly redacts it before logging
    /// (`log_token[key] = "REDACTED"`, `token = mask(token)`), or uses it as a database
    /// object — sets one of its attributes (`orm_token.last_used = now`) or hands it to a
    /// database session (`db.delete(token)`, `session.add(token)`) — as the log then
    /// shows the object's repr, not the secret; so is a name marked as an ORM object
    /// (`orm_token`).
    /// Tests are skipped. Only names are read: a secret in a variable called `value` is not found.
    ///
    /// Not in the default set: judged on real services, about half of its findings
    /// were worth acting on, and on services never seen before fewer than one in
    /// four. A name cannot say whether `token` is a bearer token, an ONVIF profile
    /// token, a sync token or a public client key; the true findings clustered in a few
    /// modules whose owners want them, and they can select it.
    pub SensitiveDataLogged,
    code = "LOG004", name = "sensitive-data-logged", category = Logging, severity = Warning,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Python],
}

/// Words that, after the secret word, say the name holds something about the secret
/// or an object that carries it (`token_type_hint`, `token_scopes`, `token_obj`).
const DESCRIBING_AFTER: &[&str] = &[
    "type",
    "types",
    "kind",
    "kinds",
    "hint",
    "scope",
    "scopes",
    "prefix",
    "suffix",
    "id",
    "ids",
    "count",
    "expiry",
    "expires",
    "expiration",
    "name",
    "names",
    "obj",
    "object",
    "objects",
    "model",
    "record",
    "row",
    "instance",
    "entry",
    // Claims that name who issued a token and whom it is for (`token__issuer`,
    // `token_sub`, `jwt_audience`): public parts of it, not the secret.
    "issuer",
    "iss",
    "sub",
    "subject",
    "audience",
    "aud",
];

/// Words that, anywhere in a name, say it is about access rights or an ORM object
/// rather than a secret (`default_permissions_create_token`, `orm_token`).
const DESCRIBING_ANYWHERE: &[&str] = &["scope", "scopes", "permission", "permissions", "orm"];

/// Whether a word of a name holds a secret on its own: one of
/// [`crate::secrets::SECRET_WORDS`], or `key` (`api_key`, `signing_key`).
fn secret_word(w: &str) -> bool {
    crate::secrets::SECRET_WORDS.contains(&w) || w == "key"
}

/// Whether a name holds a secret that a log call must not show: a secret name
/// ([`is_secret_name`]) that is not about one ([`DESCRIBING_AFTER`],
/// [`DESCRIBING_ANYWHERE`]).
fn holds_secret(name: &str) -> bool {
    if !is_secret_name(name) {
        return false;
    }
    let w = words(name);
    if w.iter().any(|x| DESCRIBING_ANYWHERE.contains(&x.as_str())) {
        return false;
    }
    let Some(last_secret) = w.iter().rposition(|x| secret_word(x)) else {
        return true;
    };
    !w[last_secret + 1..]
        .iter()
        .any(|x| DESCRIBING_AFTER.contains(&x.as_str()))
}

/// Methods of a database session that take a model instance.
const SESSION_METHODS: &[&str] = &["add", "delete", "merge", "refresh", "expunge"];

/// Whether the variable `name`, logged by `log`, is visibly not the secret in the
/// function around the call: redacted before it (`log_token[key] = "REDACTED"`,
/// `token = mask(token)`), or used as a database object (an attribute of it set, or
/// passed to a session's `add`/`delete`/…).
fn not_the_secret(file: &PythonFile, log: &Call, name: &str) -> bool {
    let at = log.span.start;
    let scope = file
        .enclosing_def(DefKind::Function, at)
        .map_or(0..usize::MAX, |d| d.span.clone());
    let is_name = |v: &Value| matches!(v.kind(), ValueKind::Name(n) if n == name);
    let in_scope = |s: &std::ops::Range<usize>| scope.start <= s.start && s.end <= scope.end;
    let assigned = file.assigns.iter().filter(|a| in_scope(&a.span)).any(|a| {
        match a.target.kind() {
            // `log_token[key] = "REDACTED"`, before the log call.
            ValueKind::Subscript(base, _) => {
                a.span.start < at
                    && is_name(&base)
                    && a.value
                        .as_ref()
                        .is_some_and(|v| matches!(v.kind(), ValueKind::Str(_)))
            }
            // `orm_token.last_activity = now`: a string has no attributes to set.
            ValueKind::Attribute(base, _) => is_name(&base),
            // `token = mask(token)`, before the log call.
            ValueKind::Name(n) if n == name && a.span.start < at => {
                a.value.as_ref().is_some_and(|v| match v.kind() {
                    ValueKind::Call(c) => c.func.last_name().is_some_and(|f| {
                        let f = f.to_ascii_lowercase();
                        [
                            "mask",
                            "redact",
                            "obfuscate",
                            "truncate",
                            "hash",
                            "censor",
                            "scrub",
                            "anonymi",
                        ]
                        .iter()
                        .any(|w| f.contains(w))
                    }),
                    _ => false,
                })
            }
            _ => false,
        }
    });
    assigned
        || file.calls.iter().filter(|c| in_scope(&c.span)).any(|c| {
            c.method().is_some_and(|m| SESSION_METHODS.contains(&m))
                && c.receiver().and_then(|r| r.last_name()).is_some_and(|r| {
                    let r = r.to_ascii_lowercase();
                    r == "db" || r.ends_with("session")
                })
                && c.args.len() == 1
                && is_name(&c.args[0])
        })
}

/// The first secret-looking name in `v`, with its span.
fn secret(v: &Value, depth: usize) -> Option<(String, std::ops::Range<usize>)> {
    if depth > 8 {
        return None;
    }
    let d = depth + 1;
    match v.kind() {
        ValueKind::Name(n) if holds_secret(n) => Some((n.to_string(), v.span())),
        ValueKind::Attribute(_, attr) => {
            // `order.token`, `checkout.token`: ORMs use a bare `token` as a public id.
            if holds_secret(attr) && attr != "token" {
                Some((v.dotted().unwrap_or_else(|| attr.to_string()), v.span()))
            } else {
                None
            }
        }
        ValueKind::Subscript(_, key) => match key.kind() {
            ValueKind::Str(k) if holds_secret(k) => Some((format!("[\"{k}\"]"), v.span())),
            _ => None,
        },
        ValueKind::FString(fields) => fields.iter().find_map(|f| secret(f, d)),
        ValueKind::BinOp(_, l, r) => secret(&l, d).or_else(|| secret(&r, d)),
        ValueKind::Tuple(items) | ValueKind::List(items) => items.iter().find_map(|i| secret(i, d)),
        ValueKind::Dict(entries) => {
            entries
                .iter()
                .find_map(|(k, val)| match k.as_ref().and_then(Value::as_str) {
                    Some(key) if holds_secret(key) && !is_constant(val) => {
                        Some((format!("\"{key}\""), val.span()))
                    }
                    _ => secret(val, d),
                })
        }
        ValueKind::Call(c) => {
            // Formatting passes the value through: `"{}".format(token)`, `str(token)`.
            let passes = match c.func.kind() {
                ValueKind::Attribute(recv, m) => m == "format" && recv.is_stringy(),
                ValueKind::Name(n) => matches!(n, "str" | "repr" | "format"),
                _ => false,
            };
            if !passes {
                return None;
            }
            c.args
                .iter()
                .find_map(|a| secret(a, d))
                .or_else(|| c.keywords.iter().find_map(|k| secret(&k.value, d)))
        }
        _ => None,
    }
}

fn is_constant(v: &Value) -> bool {
    matches!(
        v.kind(),
        ValueKind::Str(_) | ValueKind::Number | ValueKind::Bool(_) | ValueKind::None
    )
}

impl Rule for SensitiveDataLogged {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        for call in &file.calls {
            if log_method(call).is_none() {
                continue;
            }
            let found = call.args.iter().find_map(|a| secret(a, 0)).or_else(|| {
                call.keywords.iter().find_map(|k| match k.name {
                    Some(n) if holds_secret(n) && !is_constant(&k.value) => {
                        Some((n.to_string(), k.span.clone()))
                    }
                    Some("exc_info" | "stack_info" | "stacklevel") => None,
                    _ => secret(&k.value, 0),
                })
            });
            let Some((name, span)) = found else { continue };
            if is_plain_name(&name) && not_the_secret(file, call, &name) {
                continue;
            }
            cx.report(
                &Self::META,
                span,
                format!("`{name}` looks like a secret and is passed to a log call"),
                "log an identifier or a masked value instead (e.g. the last four characters)",
            );
        }
    }
}

/// Whether a reported name is a plain variable (`token`), not `user.password` or a key.
fn is_plain_name(name: &str) -> bool {
    name.chars().all(|c| c.is_alphanumeric() || c == '_')
}
