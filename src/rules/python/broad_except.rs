//! EXC002 broad-except.

use super::{broad_type, handler_records_traceback, hands_off, propagates, raises_without_cause};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::PythonFile;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `except Exception` or `except BaseException` (alone or in a tuple) whose
    /// body neither re-raises nor records the traceback.
    ///
    /// ## Why it matters in production
    /// A broad handler turns every failure — including bugs such as `TypeError` or
    /// `AttributeError` — into the same quiet fallback. Without the traceback in the
    /// logs, the one clue to what went wrong is gone.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     sync_account(account)
    /// except Exception as e:
    ///     logger.error("sync failed: %s", e)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// try:
    ///     sync_account(account)
    /// except Exception:
    ///     logger.exception("sync failed for %s", account.id)
    /// ```
    ///
    /// ## Known limits
    /// Code that does not run in the service is not checked (see "Files it skips").
    /// Follows Ruff's BLE001 where it is right: a bare `raise`, `raise e`, or
    /// `raise X from e` re-raises, and `logger.exception(...)` or a truthy `exc_info=`
    /// records the traceback. On purpose it differs in these ways: a logger counts
    /// wherever it comes from (Ruff ignores a logger imported from another module unless
    /// configured), `exc_info=True` counts on any level (`warning` too), a re-raise or log
    /// call nested in an inner `try` counts, and `traceback.print_exc()`/`format_exc()`
    /// and error trackers' `capture_exception(...)` count as recording the traceback.
    /// Further differences, measured on real services: any `raise` in the handler counts
    /// (`raise Other(...)` chains the caught exception implicitly; `raise ... from None`
    /// does not count) — a note then suggests `from e`, as Ruff's B904 does; handing the
    /// exception to a function whose name says it records or reports
    /// (`self.handle_exception(e)`, `report_error(exc)`) counts, as does calling a
    /// function of the same file that never returns (`-> NoReturn`, or raising on every
    /// path), a re-raising context manager (`with reraise_after_cleanup():`) or saving
    /// `sys.exc_info()`; command-line modules and scripts are not checked. A callee in
    /// another file is judged by its name only.
    /// A handler whose body is only `pass`/`...`/`continue` is reported as EXC003
    /// instead; a handler LOG003 reports is not reported again here.
    pub BroadExcept,
    code = "EXC002", name = "broad-except", category = Errors, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
}

impl Rule for BroadExcept {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        // Command-line modules and tooling report errors to the person running them.
        if file.role.is_tooling() {
            return;
        }
        for (i, h) in file.handlers.iter().enumerate() {
            let Some((name, span)) = broad_type(h) else {
                continue;
            };
            if h.trivial.is_some() {
                continue;
            }
            if propagates(h) {
                // Not swallowed; but say so with `from e` (Ruff's B904), as a note.
                for r in raises_without_cause(h) {
                    cx.report(
                        &Self::META,
                        r.span.clone(),
                        "`raise` of a new exception in `except` without `from`: the cause shows only as \"during handling of the above exception\"",
                        "write `raise NewError(...) from e` (or `from None` to hide the cause on purpose)",
                    )
                    .severity(crate::rule::Severity::Note)
                    .handler(h.span.start);
                }
                continue;
            }
            if hands_off(file, i, h) || handler_records_traceback(file, i) {
                continue;
            }
            cx.report(
                &Self::META,
                span,
                format!("`except {name}` neither re-raises nor logs the traceback"),
                "catch the exceptions you expect, or log with `logger.exception(...)` (or `exc_info=True`), or re-raise",
            )
            .handler(h.span.start);
        }
    }
}
