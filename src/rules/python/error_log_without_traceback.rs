//! LOG003 error-log-without-traceback.

use super::{broad_type, handler_records_traceback, log_method, propagates};
use crate::declare_rule;
use crate::lang::python::PythonFile;
use crate::lang::python::ValueKind;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `logger.error(...)` (and `critical`/`fatal`) inside an `except` block
    /// without `exc_info`.
    ///
    /// ## Why it matters in production
    /// The log says that something failed but not where: the traceback of the exception
    /// being handled is dropped. `logger.exception(...)` (or `exc_info=True`) keeps it.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     publish(event)
    /// except BrokerError as e:
    ///     logger.error("publish failed: %s", e)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// except BrokerError:
    ///     logger.exception("publish failed")
    /// ```
    ///
    /// ## Known limits
    /// Test files (`tests/`, `test_*.py`, `conftest.py`, fixtures) and examples are not checked: they do not run in production.
    /// An explicit `exc_info=` (even `False`: a choice was made) or `**kwargs` is not
    /// flagged. Unlike Ruff's TRY400, a handler that re-raises what it caught (`raise`,
    /// `raise e`, `raise X from e`) is not flagged, since the traceback travels on; and
    /// `critical`/`fatal` are covered as well as `error`. Only the innermost handler
    /// counts, and code in a function defined inside the handler is not inside it.
    pub ErrorLogWithoutTraceback,
    code = "LOG003", name = "error-log-without-traceback", category = Logging, severity = Warning,
}

impl Rule for ErrorLogWithoutTraceback {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if file.role.is_test_or_example() {
            return;
        }
        for call in &file.calls {
            let Some(h) = call.ctx.handler else { continue };
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
                || handler_records_traceback(file, h)
                || (broad_type(handler).is_none() && logs_the_exception(call, handler))
            {
                continue;
            }
            cx.report(
                &Self::META,
                call.callee_span(),
                format!("`{method}` log in an `except` block drops the traceback"),
                "use `logger.exception(...)`, or pass `exc_info=True`",
            )
            .handler(handler.span.start);
        }
    }
}

/// Whether the log call passes the caught exception (`log.error("bad row %s: %s", n, e)`,
/// `f"... {e}"`): for an exception type the handler names, the message says what failed.
fn logs_the_exception(
    call: &crate::lang::python::Call,
    handler: &crate::lang::python::Handler,
) -> bool {
    let Some(name) = handler.name.as_deref() else {
        return false;
    };
    fn mentions(v: &crate::lang::python::Value, name: &str) -> bool {
        match &v.kind {
            ValueKind::Name(n) => n == name,
            ValueKind::FString(fields) => fields.iter().any(|f| mentions(f, name)),
            ValueKind::Call(c) => c.args.iter().any(|a| mentions(a, name)),
            ValueKind::BinOp(_, l, r) => mentions(l, name) || mentions(r, name),
            _ => false,
        }
    }
    call.args
        .iter()
        .chain(call.keywords.iter().map(|k| &k.value))
        .any(|a| mentions(a, name))
}
