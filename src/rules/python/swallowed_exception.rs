//! EXC003 swallowed-exception.

use super::broad_type;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{PythonFile, Trivial};
use crate::rule::{Context, OptionKind, OptionMeta, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a broad `except` handler — `Exception`, `BaseException`, or a tuple holding
    /// one — whose body is only `pass`, `...` or `continue`.
    ///
    /// ## Why it matters in production
    /// The error disappears without a trace: no log line, no metric, no retry. When the
    /// service misbehaves later there is nothing to find, and bugs in the `try` body are
    /// hidden along with the failure that was expected.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     send_receipt(order)
    /// except Exception:
    ///     pass
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// try:
    ///     send_receipt(order)
    /// except SMTPException:
    ///     logger.warning("receipt for order %s not sent", order.id, exc_info=True)
    /// ```
    ///
    /// ## Known limits
    /// Code that does not run in the service is not checked (see "Files it skips").
    /// Narrow handlers (`except KeyError: pass`) are an idiom and are not flagged unless
    /// the option `typed = true` is set. Unlike Ruff's S110/S112, a body of `...` counts
    /// as empty too, and a body of several such statements. A bare `except: pass` is
    /// reported as EXC001 only.
    pub SwallowedException,
    code = "EXC003", name = "swallowed-exception", category = Errors, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    options = [OptionMeta {
        name: "typed",
        kind: OptionKind::Bool,
        default: "false",
        doc: "also flag handlers of specific exception types (`except KeyError: pass`)",
    }],
    reads = [FileKind::Python],
}

impl Rule for SwallowedException {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        let typed = cx.option_bool(&Self::META, "typed", false);
        for h in &file.handlers {
            let (Some(t), Some(trivial)) = (&h.type_, h.trivial) else {
                continue;
            };
            let caught = match broad_type(h) {
                Some((name, _)) => name.to_string(),
                None if typed => cx.source.text[t.span()].to_string(),
                None => continue,
            };
            let body = match trivial {
                Trivial::Pass => "pass",
                Trivial::Ellipsis => "...",
                Trivial::Continue => "continue",
            };
            cx.report(
                &Self::META,
                h.keyword_span.start..t.span().end,
                format!("`except {caught}: {body}` silently swallows the error"),
                "handle it, log it with `logger.exception(...)`, or catch only the exception you expect",
            )
            .handler(h.span.start);
        }
    }
}
