//! Python rules (EXC, NET, LOG, CFG, DOC), and what they share: which calls are log
//! calls, which handlers are broad or re-raise, which names look like secrets, and the
//! facts Python files contribute to the repository index (settings modules, docstring
//! counts).

pub mod bare_except;
pub mod broad_except;
pub mod debug_enabled;
pub mod eager_log_formatting;
pub mod error_log_without_traceback;
pub mod hardcoded_secret;
pub mod http_call_without_timeout;
pub mod low_docstring_coverage;
pub mod print_in_service_code;
pub mod sensitive_data_logged;
pub mod subprocess_without_timeout;
pub mod swallowed_exception;
pub mod wildcard_allowed_hosts;

use crate::lang::python::{Call, Handler, PythonFile, Value, ValueKind};
use crate::rule::Context;
use crate::source::Span;

/// What one Python file tells the repository rules.
#[derive(Debug, Default, Clone)]
pub struct PythonFacts {
    /// Set for Django settings modules.
    pub settings: Option<SettingsFacts>,
    /// Set for code whose docstrings count (not tests, examples, migrations, stubs).
    pub docs: Option<DocFacts>,
}

/// What a Django settings module sets.
#[derive(Debug, Default, Clone)]
pub struct SettingsFacts {
    /// A development, local, test or CI settings module.
    pub dev: bool,
    /// `DEBUG = True` at module level.
    pub debug_true: Option<Span>,
    /// Sets `DEBUG` at module level (to anything).
    pub sets_debug: bool,
    /// `ALLOWED_HOSTS` holding `"*"`.
    pub wildcard_hosts: Option<Span>,
    pub sets_allowed_hosts: bool,
    /// `from X import *` modules, as written.
    pub star_imports: Vec<String>,
}

/// Docstring counts of one file's public modules, classes and functions.
#[derive(Debug, Default, Clone)]
pub struct DocFacts {
    pub documented: usize,
    pub total: usize,
    /// The first public definition without a docstring (or the module's start).
    pub first_undocumented: Option<Span>,
}

/// Logging methods on a logger.
const LOG_METHODS: [&str; 9] = [
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// If `call` is a logging call, its method name (`info`, `error`, …).
///
/// Loggers are: the `logging` module and its functions (however imported); names bound
/// to `logging.getLogger(...)`, `structlog.get_logger(...)` and the like in scope; and
/// receivers whose last name is logger-like (`log`, `logger`, `_log`, `self.logger`,
/// `app.logger`, `LOGGER`), wherever they were imported from.
pub fn log_method(call: &Call) -> Option<&str> {
    if let Some(m) = call
        .qualified
        .as_deref()
        .and_then(|q| q.strip_prefix("logging."))
    {
        return LOG_METHODS.contains(&m).then_some(m);
    }
    let method = call.method()?;
    if !LOG_METHODS.contains(&method) {
        return None;
    }
    if let Some(origin) = call.receiver_origin.as_deref()
        && is_logger_origin(origin)
    {
        return Some(method);
    }
    let last = call.receiver()?.last_name()?.to_ascii_lowercase();
    let last = last.trim_start_matches('_');
    let loggerish = last == "log"
        || last == "logging"
        || last.ends_with("logger")
        || last.ends_with("_log")
        || last == "structlog";
    loggerish.then_some(method)
}

fn is_logger_origin(origin: &str) -> bool {
    origin == "logging"
        || origin == "loguru.logger"
        || origin.ends_with(".getLogger")
        || origin.ends_with(".get_logger")
        || origin.ends_with(".get_task_logger")
        || origin.ends_with(".getChild")
        || origin == "structlog.wrap_logger"
}

/// The message argument of a logging call.
pub fn log_message<'c>(call: &'c Call, method: &str) -> Option<&'c Value> {
    let index = usize::from(method == "log");
    call.args
        .get(index)
        .or_else(|| call.keyword("msg").map(|k| &k.value))
        .or_else(|| call.keyword("event").map(|k| &k.value))
}

/// Whether the handler catches `Exception` or `BaseException` (alone or in a tuple);
/// returns the span of the broad type.
pub fn broad_type(h: &Handler) -> Option<(&str, Span)> {
    h.caught.iter().find_map(|(name, span)| {
        let n = name.strip_prefix("builtins.").unwrap_or(name);
        matches!(n, "Exception" | "BaseException").then(|| (n, span.clone()))
    })
}

/// Whether the handler re-raises what it caught: a bare `raise`, `raise e` or
/// `raise X from e` with `e` the handler's `as` name.
pub fn reraises(h: &Handler) -> bool {
    let is_bound = |v: &Option<Value>| match (v, &h.name) {
        (
            Some(Value {
                kind: ValueKind::Name(n),
                ..
            }),
            Some(bound),
        ) => n == bound,
        _ => false,
    };
    h.raises
        .iter()
        .any(|r| (r.exc.is_none() && r.cause.is_none()) || is_bound(&r.exc) || is_bound(&r.cause))
}

/// Calls that record the current exception's traceback somewhere: `logger.exception`,
/// a log call with a true `exc_info`, `traceback.print_exc()`/`format_exc()`, and
/// error trackers' `capture_exception`.
pub fn records_traceback(call: &Call) -> bool {
    if let Some(m) = log_method(call) {
        if m == "exception" {
            return true;
        }
        if let Some(k) = call.keyword("exc_info") {
            return !k.value.is_falsy_constant();
        }
        return false;
    }
    let q = call.qualified.as_deref().unwrap_or_default();
    if matches!(
        q,
        "traceback.print_exc"
            | "traceback.format_exc"
            | "traceback.print_exception"
            | "traceback.format_exception"
    ) {
        return true;
    }
    let last = call.func.last_name().unwrap_or_default();
    matches!(last, "capture_exception" | "captureException")
        || (last == "exception" && !call.args.is_empty())
        || call
            .keyword("exc_info")
            .is_some_and(|k| !k.value.is_falsy_constant())
}

/// Whether `h`'s body (outside nested functions and inner handlers) records the
/// traceback.
pub fn handler_records_traceback(file: &PythonFile, index: usize) -> bool {
    file.calls
        .iter()
        .any(|c| c.ctx.handler == Some(index) && records_traceback(c))
}

/// The words of an identifier, lower-cased: `apiKey` and `API_KEY` are `api`, `key`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if ch == '_' || ch == '-' || ch == '.' || ch == ' ' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        cur.extend(ch.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const SECRET_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
];

/// Words that, last in a name, say it holds something about a secret rather than the
/// secret itself (`password_length`, `token_url`, `secret_name`).
const META_LAST: [&str; 72] = [
    "id",
    "ids",
    "url",
    "uri",
    "type",
    "types",
    "name",
    "names",
    "length",
    "len",
    "count",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "file",
    "path",
    "dir",
    "required",
    "enabled",
    "set",
    "valid",
    "hash",
    "hashed",
    "policy",
    "field",
    "fields",
    "header",
    "prefix",
    "endpoint",
    "reset",
    "changed",
    "present",
    "exists",
    "missing",
    "status",
    "format",
    "version",
    "label",
    "timeout",
    "age",
    "created",
    "updated",
    "at",
    "kind",
    "mode",
    "backend",
    "error",
    "errors",
    "class",
    "form",
    "validator",
    "usage",
    "limit",
    "env",
    "var",
    "key_name",
    "regex",
    "pattern",
    "template",
    "exp",
    "user",
    "username",
    "uuid",
    "charset",
    "chars",
    "alphabet",
    "size",
    "bytes",
    "bits",
    "algorithm",
    "lifetime",
];

const META_FIRST: [&str; 14] = [
    "is", "has", "num", "max", "min", "total", "use", "should", "can", "no", "must", "needs", "n",
    "allow",
];

/// Whether an identifier or key names a secret (`password`, `api_key`, `authToken`,
/// `client_secret`), and not something about one (`password_length`, `token_url`,
/// `max_tokens`, `is_secret`).
pub fn is_secret_name(name: &str) -> bool {
    let w = words(name);
    let (Some(first), Some(last)) = (w.first(), w.last()) else {
        return false;
    };
    if META_FIRST.contains(&first.as_str()) || META_LAST.contains(&last.as_str()) {
        return false;
    }
    let pairs = w.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("api", "key")
                | ("private", "key")
                | ("access", "key")
                | ("secret", "key")
                | ("signing", "key")
        )
    });
    pairs || w.iter().any(|x| SECRET_WORDS.contains(&x.as_str()))
}

/// Whether an assigned name ends in a secret: `SECRET_KEY`, `DB_PASSWORD`,
/// `GITHUB_TOKEN`, `STRIPE_API_KEY`, `CLIENT_SECRET` (not `TOKEN_USER`, `SECRET_KEY_CHARSET`).
pub fn is_secret_assignment(name: &str) -> bool {
    let w = words(name);
    let Some(last) = w.last() else { return false };
    if w.first().is_some_and(|f| META_FIRST.contains(&f.as_str())) {
        return false;
    }
    let pair = w.len() >= 2
        && matches!(
            (w[w.len() - 2].as_str(), last.as_str()),
            ("api", "key")
                | ("private", "key")
                | ("access", "key")
                | ("secret", "key")
                | ("signing", "key")
        );
    pair || matches!(
        last.as_str(),
        "password" | "passwd" | "passphrase" | "pwd" | "secret" | "token" | "apikey"
    )
}

/// Whether a string looks like a placeholder rather than a real secret.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.len() < 4
        || v.contains(char::is_whitespace)
        || v.starts_with("${")
        || v.starts_with('<')
        || v.starts_with('{')
        || v.starts_with('%')
        || v.chars().all(|c| c == '*' || c == 'x' || c == 'X' || c == '.' || c == '-' || c == '#')
        || ["change", "replace", "your", "dummy", "example", "placeholder", "fake", "todo", "secret", "password", "xxx", "notset", "not-set", "none", "null"]
            .iter()
            .any(|p| lower.starts_with(p) || lower.ends_with(p) && lower.len() < 16)
        // an environment variable's name, not its value
        || (v.len() > 3 && v.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
}

/// Fills the settings facts of a Django settings module (once per file).
pub fn record_settings(file: &PythonFile, cx: &mut Context<'_>) {
    if !file.role.settings || file.role.test || file.role.example {
        return;
    }
    let facts = cx.facts().python.get_or_insert_with(PythonFacts::default);
    if facts.settings.is_some() {
        return;
    }
    let mut s = SettingsFacts {
        dev: file.role.dev_settings,
        star_imports: file.star_imports.clone(),
        ..SettingsFacts::default()
    };
    for a in file.assigns.iter().filter(|a| a.module_level) {
        let Some(name) = a.target.dotted() else {
            continue;
        };
        match name.as_str() {
            "DEBUG" => {
                s.sets_debug = true;
                s.debug_true = match &a.value {
                    Some(v) if v.is_true() && !a.augmented => Some(a.target.span.clone()),
                    _ => None,
                };
            }
            "ALLOWED_HOSTS" => {
                s.sets_allowed_hosts |= !a.augmented;
                let star = a.value.as_ref().and_then(wildcard);
                if star.is_some() || !a.augmented {
                    s.wildcard_hosts = star.or(if a.augmented {
                        s.wildcard_hosts.clone()
                    } else {
                        None
                    });
                }
            }
            _ => {}
        }
    }
    facts.settings = Some(s);
}

/// The `"*"` element of a list, tuple or set literal.
fn wildcard(v: &Value) -> Option<Span> {
    match &v.kind {
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => items
            .iter()
            .find(|i| i.as_str() == Some("*"))
            .map(|i| i.span.clone()),
        ValueKind::BinOp(_, l, r) => wildcard(l).or_else(|| wildcard(r)),
        _ => None,
    }
}

/// The Django settings modules of the repository, by directory.
pub struct SettingsIndex<'r> {
    by_dir: std::collections::BTreeMap<&'r str, Vec<(&'r str, &'r SettingsFacts)>>,
}

impl<'r> SettingsIndex<'r> {
    pub fn new(repo: &'r crate::repo::RepoIndex) -> Self {
        let mut by_dir: std::collections::BTreeMap<&str, Vec<(&str, &SettingsFacts)>> =
            std::collections::BTreeMap::new();
        for (src, facts) in repo.parsed() {
            if let Some(s) = facts.python.as_ref().and_then(|p| p.settings.as_ref()) {
                let path = src.rel_path.as_str();
                by_dir
                    .entry(crate::repo::parent_dir(path))
                    .or_default()
                    .push((path, s));
            }
        }
        Self { by_dir }
    }

    /// Every settings module, with its facts.
    pub fn all(&self) -> impl Iterator<Item = (&'r str, &'r SettingsFacts)> + '_ {
        self.by_dir.values().flatten().copied()
    }

    /// Whether the settings module at `path` is overridden for production: some other,
    /// non-development settings module in its directory star-imports it, and every such
    /// module sets the value itself (`sets`).
    pub fn overridden_for_production(
        &self,
        path: &str,
        sets: impl Fn(&SettingsFacts) -> bool,
    ) -> bool {
        let dir = crate::repo::parent_dir(path);
        let name = crate::repo::file_name(path);
        let stem = name.strip_suffix(".py").unwrap_or(name);
        let mut importers = 0;
        for (other, s) in self.by_dir.get(dir).into_iter().flatten() {
            let imports_it = s
                .star_imports
                .iter()
                .any(|m| m.rsplit('.').next() == Some(stem));
            if *other == path || !imports_it || s.dev {
                continue;
            }
            importers += 1;
            if !sets(s) {
                return false;
            }
        }
        importers > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "password",
            "DB_PASSWORD",
            "apiKey",
            "api_key",
            "client_secret",
            "authToken",
            "SECRET_KEY",
            "refresh_token",
            "user.password",
            "credentials",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "password_length",
            "token_url",
            "max_tokens",
            "is_secret",
            "tokens",
            "tokenizer",
            "secret_name",
            "username",
            "PASSWORD_RESET_TIMEOUT",
            "token_type",
            "num_tokens",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn words_split_case_and_separators() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
    }
}
