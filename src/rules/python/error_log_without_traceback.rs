//! LOG003 error-log-without-traceback.

use super::{
    LogLibrary, broad_type, handler_records_traceback, hands_off, log_library, log_method,
    propagates, words,
};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{Call, DefKind, Handler, PythonFile, Value, ValueKind};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `logger.error(...)` (and `critical`/`fatal`) without `exc_info` inside a
    /// broad `except` block (`except Exception`, `except BaseException`, bare `except:`)
    /// that neither records the traceback elsewhere nor raises.
    ///
    /// ## Why it matters in production
    /// The log says that something failed but not where: the traceback of the exception
    /// being handled is dropped. `logger.exception(...)` (or `exc_info=True`) keeps it.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     publish(event)
    /// except Exception as e:
    ///     logger.error("publish failed: %s", e)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// except Exception:
    ///     logger.exception("publish failed")
    /// ```
    ///
    /// ## Known limits
    /// Differences from Ruff's TRY400, measured on real services: a handler of a named
    /// exception (`except KeyError`, `except CommandError`) is not flagged — it handles an
    /// expected condition, and its message says which one; a handler that raises
    /// (`raise`, `raise e`, `raise Other(...)`, which chains the caught exception) or that
    /// records the traceback in another call (`logger.exception(...)`, `exc_info=True`,
    /// `traceback.format_exc()`) is not flagged; command-line modules and scripts, which
    /// report to the person running them, are not checked; `critical`/`fatal` are
    /// covered as well as `error`. An explicit `exc_info=` (even `False`: a choice was
    /// made) or `**kwargs` is not flagged. Only the innermost handler counts, and code in
    /// a function defined inside the handler is not inside it. A handler around one
    /// statement that makes one call to a standard-library function whose errors explain
    /// themselves (`os.mkdir`, `os.remove`, `int()`, `json.loads`, `subprocess.Popen`, …)
    /// is not flagged when the message carries the exception (`logger.error("cannot
    /// create %s: %r", path, e)`): the message says what failed and why, and the traceback
    /// would add one frame. Three more kinds of handler are not flagged: one in a
    /// function that tears down (`stop`, `close`, `shutdown`, `cleanup`, `teardown`,
    /// `terminate`, `__exit__`, `__del__`), where cleanup is best effort and the process
    /// or object is going away; one in a function that checks (`verify…`, `validate…`,
    /// `check…`, `probe…`, `ping…`), whose failure is its answer and whose message says
    /// what failed; and one inside another handler that raises, where the outer
    /// exception carries the traceback and this one only collects extra diagnostics.
    /// A handler in a loop that logs the exception and then sleeps before the next
    /// attempt (`logger.error(f"lost connection: {e}, retrying in 5 s")` then
    /// `await asyncio.sleep(5)`) is a retry or reconnect loop and is not flagged: the
    /// failures it expects are transient and named by the message. A handler that logs
    /// without the exception, or that does not back off, is still flagged.
    /// With loguru, the help suggests `logger.opt(exception=True)`, not `exc_info`.
    /// Of the findings about one
    /// handler only one is reported: EXC001, then EXC003, then this rule, then EXC002.
    pub ErrorLogWithoutTraceback,
    code = "LOG003", name = "error-log-without-traceback", category = Logging, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
}

/// Standard-library and built-in functions whose failures are few and named by their
/// message (`[Errno 13] Permission denied: '/data'`, `invalid literal for int()`).
const SELF_EXPLAINING: &[&str] = &[
    "int",
    "float",
    "complex",
    "open",
    "json.loads",
    "json.load",
    "os.mkdir",
    "os.makedirs",
    "os.remove",
    "os.unlink",
    "os.rmdir",
    "os.rename",
    "os.replace",
    "os.stat",
    "os.chmod",
    "os.chown",
    "os.kill",
    "os.listdir",
    "os.symlink",
    "os.link",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
    "shutil.rmtree",
    "subprocess.Popen",
    "subprocess.run",
    "subprocess.check_call",
    "subprocess.check_output",
    "uuid.UUID",
    "base64.b64decode",
    "ipaddress.ip_address",
    "ipaddress.ip_network",
    "datetime.datetime.strptime",
    "datetime.datetime.fromisoformat",
    "datetime.date.fromisoformat",
];

/// Names of functions that release what an object holds: cleanup there is best effort.
const TEARDOWN: &[&str] = &[
    "stop",
    "close",
    "aclose",
    "shutdown",
    "cleanup",
    "teardown",
    "terminate",
    "dispose",
    "__exit__",
    "__aexit__",
    "__del__",
];

/// First words of functions that check something: an exception is the answer.
const CHECKING: &[&str] = &["verify", "validate", "check", "probe", "ping"];

/// Whether the handler sits in a teardown function or a checking function.
fn best_effort_context(file: &PythonFile, handler: &Handler) -> bool {
    let Some(name) = file
        .enclosing_def(DefKind::Function, handler.span.start)
        .map(|d| d.name)
    else {
        return false;
    };
    if TEARDOWN.contains(&name) || TEARDOWN.contains(&name.trim_start_matches('_')) {
        return true;
    }
    let first = words(name.trim_start_matches('_'));
    first
        .first()
        .is_some_and(|w| CHECKING.contains(&w.as_str()))
}

/// Whether the handler is inside the body of another handler that raises: the outer
/// exception travels on with its traceback, this one only adds diagnostics.
fn inside_raising_handler(file: &PythonFile, handler: &Handler) -> bool {
    handler
        .ctx
        .handler
        .and_then(|outer| file.handlers.get(outer))
        .is_some_and(propagates)
}

/// Whether `v` uses the name `name` (`e`, `str(e)`, `f"failed: {e!r}"`).
fn mentions(v: &Value, name: &str) -> bool {
    match v.kind() {
        ValueKind::Name(n) => n == name,
        ValueKind::Attribute(inner, _) | ValueKind::Starred(inner) => mentions(&inner, name),
        ValueKind::Subscript(a, b) | ValueKind::BinOp(_, a, b) | ValueKind::Equals(a, b) => {
            mentions(&a, name) || mentions(&b, name)
        }
        ValueKind::FString(fields)
        | ValueKind::List(fields)
        | ValueKind::Tuple(fields)
        | ValueKind::Set(fields) => fields.iter().any(|f| mentions(f, name)),
        ValueKind::Call(c) => {
            c.args.iter().any(|a| mentions(a, name))
                || c.keywords.iter().any(|k| mentions(&k.value, name))
                || mentions(&c.func, name)
        }
        _ => false,
    }
}

/// Whether the log call's message or arguments carry the caught exception.
fn carries_exception(handler: &Handler, log: &Call) -> bool {
    handler.name.is_some_and(|name| {
        log.args.iter().any(|a| mentions(a, name))
            || log.keywords.iter().any(|k| mentions(&k.value, name))
    })
}

/// A handler in a loop that logs the exception and then waits before the next attempt
/// (`await asyncio.sleep(5)`, `time.sleep(...)`): a retry or reconnect loop, whose
/// failures are expected to be transient (a dropped connection, a peer restarting) and
/// are named by the exception in the message.
fn backs_off(file: &PythonFile, h: usize, handler: &Handler, log: &Call) -> bool {
    handler.ctx.in_loop
        && carries_exception(handler, log)
        && file.calls.iter().any(|c| {
            c.ctx.handler == Some(h)
                && c.span.start > log.span.start
                && (c.method() == Some("sleep")
                    || c.qualified
                        .as_deref()
                        .is_some_and(|q| q.ends_with(".sleep")))
        })
}

/// A broad handler around a single call to a function of [`SELF_EXPLAINING`], whose
/// log message carries the exception: the message already says what failed and why.
fn explained(file: &PythonFile, handler: &Handler, log: &Call) -> bool {
    let Some(i) = handler.guards else {
        return false;
    };
    let guarded = file.calls.get(i).and_then(|c| c.qualified.as_deref());
    let qualified = guarded.map(|q| q.strip_prefix("builtins.").unwrap_or(q));
    qualified.is_some_and(|q| SELF_EXPLAINING.contains(&q)) && carries_exception(handler, log)
}

impl Rule for ErrorLogWithoutTraceback {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        // Command-line modules and tooling report errors to the person running them.
        if file.role.is_tooling() {
            return;
        }
        // One finding per handler: the first error log in it (one `logger.exception`
        // fixes them all).
        let mut reported = std::collections::BTreeSet::new();
        for call in &file.calls {
            let Some(h) = call.ctx.handler else { continue };
            if reported.contains(&h) {
                continue;
            }
            let Some(method) = log_method(call) else {
                continue;
            };
            let Some(handler) = file.handlers.get(h) else {
                continue;
            };
            if !matches!(method, "error" | "critical" | "fatal")
                || call.keyword("exc_info").is_some()
                || call.star_kwargs
                || propagates(handler)
                || hands_off(file, h, handler)
                || handler_records_traceback(file, h)
                || (handler.type_.is_some() && broad_type(handler).is_none())
                || explained(file, handler, call)
                || backs_off(file, h, handler, call)
                || best_effort_context(file, handler)
                || inside_raising_handler(file, handler)
            {
                continue;
            }
            reported.insert(h);
            // loguru has no `exc_info`: the traceback is asked for with `opt`.
            let help = if log_library(file, call) == LogLibrary::Loguru {
                "use `logger.exception(...)`, or `logger.opt(exception=True).error(...)`"
            } else {
                "use `logger.exception(...)`, or pass `exc_info=True`"
            };
            cx.report(
                &Self::META,
                call.callee_span(),
                format!("`{method}` log in an `except` block drops the traceback"),
                help,
            )
            .handler(handler.span.start);
        }
    }
}
