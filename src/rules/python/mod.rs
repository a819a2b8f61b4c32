//! Python rules (EXC, NET, LOG, CFG, DOC), and what they share: which calls are log
//! calls, which handlers are broad or re-raise, which names look like secrets, and the
//! facts Python files contribute to the repository index (settings modules, docstring
//! counts).

pub mod bare_except;
pub mod blocking_wait_without_timeout;
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
use crate::source::Span;

pub use crate::lang::python::facts::{DocFacts, PythonFacts, SettingsFacts};

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
pub fn log_method<'c>(call: &'c Call<'_>) -> Option<&'c str> {
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

/// Which logging library a logging call goes to: their idioms differ, and no rule may
/// suggest a fix that does not work with the logger in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLibrary {
    /// The standard library's `logging` (and loggers that follow it): `%s` arguments.
    Stdlib,
    /// `loguru`: `{}` placeholders filled from arguments; `%s` is never filled in.
    Loguru,
    /// `structlog`: an event name and key-value pairs.
    Structlog,
}

/// The library behind a logging call.
pub fn log_library(file: &PythonFile, call: &Call) -> LogLibrary {
    let origin = call
        .receiver_origin
        .clone()
        .or_else(|| call.receiver().and_then(|r| file.resolve(&r)))
        .or_else(|| call.qualified.as_deref().map(str::to_string))
        .unwrap_or_default();
    if origin.starts_with("loguru") {
        LogLibrary::Loguru
    } else if origin.starts_with("structlog") {
        LogLibrary::Structlog
    } else {
        LogLibrary::Stdlib
    }
}

/// The message argument of a logging call.
pub fn log_message<'c, 'a>(call: &'c Call<'a>, method: &str) -> Option<&'c Value<'a>> {
    let index = usize::from(method == "log");
    call.args
        .get(index)
        .or_else(|| call.keyword("msg").map(|k| &k.value))
        .or_else(|| call.keyword("event").map(|k| &k.value))
}

/// Whether the handler catches `Exception` or `BaseException` (alone or in a tuple);
/// returns the span of the broad type.
pub fn broad_type<'h>(h: &'h Handler<'_>) -> Option<(&'h str, Span)> {
    h.caught.iter().find_map(|(name, span)| {
        let n = name.strip_prefix("builtins.").unwrap_or(name);
        matches!(n, "Exception" | "BaseException").then(|| (n, span.clone()))
    })
}

/// Whether the handler re-raises what it caught: a bare `raise`, `raise e` or
/// `raise X from e` with `e` the handler's `as` name.
pub fn reraises(h: &Handler) -> bool {
    let is_bound = |v: &Option<Value<'_>>| match (v.as_ref().map(Value::kind), h.name) {
        (Some(ValueKind::Name(n)), Some(bound)) => n == bound,
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

/// Whether the handler lets an exception out: any `raise` in it. `raise Other(...)`
/// chains the caught exception implicitly (`__context__`), so its traceback is not lost.
/// `raise X from None` suppresses the chain, so it does not count.
pub fn propagates(h: &Handler) -> bool {
    h.raises
        .iter()
        .any(|r| !r.cause.as_ref().is_some_and(Value::is_none))
}

/// Words in a function name that say it records, reports or re-raises what it is given.
const HANDOFF_WORDS: [&str; 12] = [
    "exception",
    "error",
    "report",
    "capture",
    "record",
    "handle",
    "fail",
    "notify",
    "track",
    "raise",
    "abort",
    "log",
];

/// Whether the handler hands what it caught to code that deals with it: a call that
/// takes the exception (`handle_exception(e)`, `self.report_error(exc)`,
/// `self.fail(e)`), a function of this file that never returns (`-> NoReturn`, or
/// raising on every path), a context manager that re-raises
/// (`with reraise_after_cleanup():`), or saving `sys.exc_info()` to raise or log later.
/// Log calls are not hand-offs: whether they record the traceback is
/// [`records_traceback`]'s question.
pub fn hands_off(file: &PythonFile, index: usize, h: &Handler) -> bool {
    let bound = h.name;
    file.calls
        .iter()
        .filter(|c| c.ctx.handler == Some(index) && log_method(c).is_none())
        .any(|c| {
            if c.qualified.as_deref() == Some("sys.exc_info") {
                return true;
            }
            let callee = c.func.last_name().unwrap_or_default();
            if callee.to_ascii_lowercase().contains("reraise")
                || file
                    .defs
                    .iter()
                    .any(|d| d.never_returns && d.name == callee)
            {
                return true;
            }
            let Some(name) = bound else { return false };
            let takes_it = c
                .args
                .iter()
                .chain(c.keywords.iter().map(|k| &k.value))
                .any(|v| matches!(v.kind(), ValueKind::Name(n) if n == name));
            let callee = callee.to_ascii_lowercase();
            takes_it && HANDOFF_WORDS.iter().any(|w| callee.contains(w))
        })
}

/// The `raise Other(...)` statements of a handler that name no cause: the caught
/// exception is chained implicitly, but `from e` says it was meant (Ruff's B904).
pub fn raises_without_cause<'h, 'a>(
    h: &'h Handler<'a>,
) -> impl Iterator<Item = &'h crate::lang::python::Raise<'a>> {
    let bound = h.name;
    h.raises.iter().filter(move |r| {
        r.cause.is_none()
            && r.exc
                .as_ref()
                .is_some_and(|e| !matches!(e.kind(), ValueKind::Name(n) if Some(n) == bound))
    })
}

/// Whether `h`'s body (outside nested functions and inner handlers) records the
/// traceback.
pub fn handler_records_traceback(file: &PythonFile, index: usize) -> bool {
    file.calls
        .iter()
        .any(|c| c.ctx.handler == Some(index) && records_traceback(c))
}

pub use crate::secrets::{is_placeholder, is_secret_assignment, is_secret_name, words};

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
                let path = &*src.rel_path;
                by_dir
                    .entry(crate::source::parent_dir(path))
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
    /// module sets the value itself (`sets`). The package's `__init__.py` is not one:
    /// star-importing the base there makes the package name another name for it, while
    /// the deployments name their own module (`DJANGO_SETTINGS_MODULE=app.settings.prod`).
    pub fn overridden_for_production(
        &self,
        path: &str,
        sets: impl Fn(&SettingsFacts) -> bool,
    ) -> bool {
        let mut importers = self.production_importers(path).peekable();
        importers.peek().is_some() && importers.all(sets)
    }

    /// The other, non-development settings modules of `path`'s directory that
    /// star-import it (not the package's `__init__.py`: see
    /// [`Self::overridden_for_production`]).
    pub fn production_importers<'s>(
        &'s self,
        path: &'s str,
    ) -> impl Iterator<Item = &'r SettingsFacts> + 's {
        let dir = crate::source::parent_dir(path);
        let name = crate::source::file_name(path);
        let stem = name.strip_suffix(".py").unwrap_or(name);
        self.by_dir
            .get(dir)
            .into_iter()
            .flatten()
            .filter(move |(other, s)| {
                *other != path
                    && !s.dev
                    && crate::source::file_name(other) != "__init__.py"
                    && s.star_imports
                        .iter()
                        .any(|m| m.rsplit('.').next() == Some(stem))
            })
            .map(|&(_, s)| s)
    }
}
