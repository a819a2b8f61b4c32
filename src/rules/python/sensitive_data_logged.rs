//! LOG004 sensitive-data-logged.

use super::{is_secret_name, log_method};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{PythonFile, Value, ValueKind};
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
    /// Tests are skipped. Only names are read: a secret in a variable called `value` is not found.
    pub SensitiveDataLogged,
    code = "LOG004", name = "sensitive-data-logged", category = Logging, severity = Warning,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    reads = [FileKind::Python],
}

/// The first secret-looking name in `v`, with its span.
fn secret(v: &Value, depth: usize) -> Option<(String, std::ops::Range<usize>)> {
    if depth > 8 {
        return None;
    }
    let d = depth + 1;
    match &v.kind {
        ValueKind::Name(n) if is_secret_name(n) => Some((n.to_string(), v.span.clone())),
        ValueKind::Attribute(_, attr) => {
            // `order.token`, `checkout.token`: ORMs use a bare `token` as a public id.
            if is_secret_name(attr) && attr != "token" {
                Some((
                    v.dotted().unwrap_or_else(|| attr.to_string()),
                    v.span.clone(),
                ))
            } else {
                None
            }
        }
        ValueKind::Subscript(_, key) => match &key.kind {
            ValueKind::Str(k) if is_secret_name(k) => Some((format!("[\"{k}\"]"), v.span.clone())),
            _ => None,
        },
        ValueKind::FString(fields) => fields.iter().find_map(|f| secret(f, d)),
        ValueKind::BinOp(_, l, r) => secret(l, d).or_else(|| secret(r, d)),
        ValueKind::Tuple(items) | ValueKind::List(items) => items.iter().find_map(|i| secret(i, d)),
        ValueKind::Dict(entries) => {
            entries
                .iter()
                .find_map(|(k, val)| match k.as_ref().and_then(Value::as_str) {
                    Some(key) if is_secret_name(key) && !is_constant(val) => {
                        Some((format!("\"{key}\""), val.span.clone()))
                    }
                    _ => secret(val, d),
                })
        }
        ValueKind::Call(c) => {
            // Formatting passes the value through: `"{}".format(token)`, `str(token)`.
            let passes = match &c.func.kind {
                ValueKind::Attribute(recv, m) => m == "format" && recv.is_stringy(),
                ValueKind::Name(n) => matches!(n.as_str(), "str" | "repr" | "format"),
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
        v.kind,
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
                call.keywords.iter().find_map(|k| match k.name.as_deref() {
                    Some(n) if is_secret_name(n) && !is_constant(&k.value) => {
                        Some((n.to_string(), k.span.clone()))
                    }
                    Some("exc_info" | "stack_info" | "stacklevel") => None,
                    _ => secret(&k.value, 0),
                })
            });
            let Some((name, span)) = found else { continue };
            cx.report(
                &Self::META,
                span,
                format!("`{name}` looks like a secret and is passed to a log call"),
                "log an identifier or a masked value instead (e.g. the last four characters)",
            );
        }
    }
}
