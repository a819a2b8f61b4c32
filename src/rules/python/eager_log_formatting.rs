//! LOG002 eager-log-formatting.

use super::{LogLibrary, log_library, log_message, log_method};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{BinOp, PythonFile, Value, ValueKind};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a logging call whose message is built before the call: an f-string with
    /// fields, `%` formatting, `.format()`, or `+` concatenation with a value.
    ///
    /// ## Why it matters in production
    /// The string is built even when the level is disabled, and every message is
    /// different, so log aggregators (Sentry, Datadog, Loki) cannot group them: one
    /// recurring error becomes thousands of distinct events. With arguments
    /// (`logger.info("user %s", uid)`) the message template stays constant.
    ///
    /// ## Example
    /// ```python
    /// logger.info(f"charging {user.id} {amount}")
    /// logger.warning("retry %d" % attempt)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// logger.info("charging %s %s", user.id, amount)
    /// ```
    ///
    /// ## Known limits
    /// Only service code is checked: not tests, scripts, examples, or tooling such as `setup.py`.
    /// Loggers are: `logging` and its functions, names bound to `logging.getLogger()` or
    /// `structlog.get_logger()`, and receivers named like a logger (`log`, `logger`,
    /// `self.logger`, `app.logger`), including loggers imported from another module.
    /// Unlike Ruff's G001–G004, an f-string without fields and `+` between two string
    /// literals are not flagged (nothing is formatted eagerly).
    pub EagerLogFormatting,
    code = "LOG002", name = "eager-log-formatting", category = Logging, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
}

/// How a message is formatted eagerly, if it is.
fn eager(v: &Value) -> Option<&'static str> {
    match &v.kind {
        ValueKind::FString(fields) if !fields.is_empty() => Some("an f-string"),
        ValueKind::BinOp(BinOp::Mod, l, _) if l.is_stringy() => Some("`%` formatting"),
        ValueKind::Call(c) => match &c.func.kind {
            ValueKind::Attribute(recv, m) if m == "format" && recv.is_stringy() => {
                Some("`.format()`")
            }
            _ => None,
        },
        ValueKind::BinOp(BinOp::Add, _, _) => {
            let mut literal = false;
            let mut other = false;
            concat_parts(v, &mut literal, &mut other, 0);
            (literal && other).then_some("`+` concatenation")
        }
        _ => None,
    }
}

fn concat_parts(v: &Value, literal: &mut bool, other: &mut bool, depth: usize) {
    match &v.kind {
        ValueKind::BinOp(BinOp::Add, l, r) if depth < 32 => {
            concat_parts(l, literal, other, depth + 1);
            concat_parts(r, literal, other, depth + 1);
        }
        ValueKind::Str(_) => *literal = true,
        ValueKind::FString(fields) => {
            *literal = true;
            *other |= !fields.is_empty();
        }
        _ => *other = true,
    }
}

impl Rule for EagerLogFormatting {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if file.role.is_tooling() {
            return;
        }
        for call in &file.calls {
            let Some(method) = log_method(call) else {
                continue;
            };
            let Some(msg) = log_message(call, method) else {
                continue;
            };
            let Some(how) = eager(msg) else { continue };
            let help = match log_library(file, call) {
                LogLibrary::Stdlib => {
                    "pass the values as arguments (`logger.info(\"user %s\", user_id)`): formatting is then lazy and the message groups in log tools"
                }
                LogLibrary::Loguru => {
                    "pass the values as arguments to `{}` placeholders (`logger.info(\"user {}\", user_id)`): loguru formats them lazily (it never fills in `%s`)"
                }
                LogLibrary::Structlog => {
                    "log an event with key-value pairs (`log.info(\"user_logged_in\", user_id=user_id)`): structlog renders them as fields"
                }
            };
            cx.report(
                &Self::META,
                msg.span.clone(),
                format!("log message built with {how} before the call"),
                help,
            );
        }
    }
}
