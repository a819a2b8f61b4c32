//! LOG002 eager-log-formatting.

use super::{LogLibrary, log_library, log_message, log_method};
use ruff_python_ast::{self as ast, ConversionFlag, Expr, InterpolatedStringElement};
use ruff_text_size::{Ranged, TextRange};

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::FileKind;
use crate::lang::python::{BinOp, Call, PythonFile, Value, ValueKind};
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
    ///
    /// `readylint check --fix` rewrites the message of a standard-library logger into
    /// arguments when the message is the call's last positional argument:
    /// `"retry %d" % (attempt,)` becomes `"retry %d", attempt` (safe: the same `%`
    /// formatting, done lazily; unsafe when the right of `%` is a single name, which
    /// formats differently if it holds a tuple); `f"user {uid!r}"` becomes
    /// `"user %r", uid` (safe for `!s`, `!r` and `!a` fields; a plain `{uid}` becomes
    /// `%s`, which calls `str()` where the f-string called `format()`: the same for
    /// every built-in type but not for a class whose `__format__` differs, so that fix is
    /// unsafe). No fix is offered for a field with a format spec (`{x:.2f}`) or `=`, for
    /// `.format()` or `+`, for an implicitly concatenated message, nor for loguru or
    /// structlog, whose placeholders differ.
    pub EagerLogFormatting,
    code = "LOG002", name = "eager-log-formatting", category = Logging, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
    fix = Sometimes,
}

/// The byte range of `r` in `src`.
fn slice(src: &str, r: TextRange) -> &str {
    &src[r.start().to_usize()..r.end().to_usize()]
}

/// The message and arguments of a lazy call equivalent to the eager message `src`
/// (the source of one expression), and whether the rewrite is exact; `None` when no
/// exact-enough rewrite is known.
fn lazy_message(src: &str) -> Option<(String, Vec<String>, bool)> {
    let parsed = ruff_python_parser::parse_expression(src).ok()?;
    match &*parsed.syntax().body {
        Expr::FString(f) => {
            let [ast::FStringPart::FString(part)] = f.value.as_slice() else {
                return None;
            };
            // The prefix without `f` (`rf"…"` stays raw) and the opening quote.
            let text = slice(src, part.range());
            let quote_at = text.find(['"', '\'']).unwrap_or(0);
            let (prefix, rest) = text.split_at(quote_at);
            let quote = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
                &rest[..3]
            } else {
                &rest[..1]
            };
            let mut body = String::new();
            let mut args = Vec::new();
            let mut exact = true;
            for el in part.elements.iter() {
                match el {
                    InterpolatedStringElement::Literal(l) => {
                        let raw = slice(src, l.range);
                        body.push_str(
                            &raw.replace("{{", "{").replace("}}", "}").replace('%', "%%"),
                        );
                    }
                    InterpolatedStringElement::Interpolation(i) => {
                        if i.format_spec.is_some() || i.debug_text.is_some() {
                            return None;
                        }
                        body.push_str(match i.conversion {
                            ConversionFlag::None => {
                                exact = false;
                                "%s"
                            }
                            ConversionFlag::Str => "%s",
                            ConversionFlag::Repr => "%r",
                            ConversionFlag::Ascii => "%a",
                        });
                        args.push(slice(src, i.expression.range()).to_string());
                    }
                }
            }
            let prefix: String = prefix.chars().filter(|c| !matches!(c, 'f' | 'F')).collect();
            Some((format!("{prefix}{quote}{body}{quote}"), args, exact))
        }
        Expr::BinOp(b) if b.op == ast::Operator::Mod => {
            let Expr::StringLiteral(lit) = &*b.left else {
                return None;
            };
            if lit.value.is_implicit_concatenated() {
                return None;
            }
            let message = slice(src, lit.range()).to_string();
            match &*b.right {
                Expr::Tuple(t) if !t.elts.iter().any(Expr::is_starred_expr) => Some((
                    message,
                    t.elts
                        .iter()
                        .map(|e| slice(src, e.range()).to_string())
                        .collect(),
                    true,
                )),
                // A single value: a literal or a mapping formats the same either way; a
                // name may hold a tuple, which `%` spreads and logging does not.
                right => {
                    let exact = matches!(
                        right,
                        Expr::StringLiteral(_) | Expr::NumberLiteral(_) | Expr::Dict(_)
                    );
                    Some((message, vec![slice(src, right.range()).to_string()], exact))
                }
            }
        }
        _ => None,
    }
}

/// The fix that passes `msg`'s values as arguments, when `msg` is the call's last
/// positional argument.
fn lazy_fix(text: &str, call: &Call, msg: &Value) -> Option<Fix> {
    if call.star_args || call.args.last().map(|a| a.span()) != Some(msg.span()) {
        return None;
    }
    let (message, args, exact) = lazy_message(&text[msg.span()])?;
    if args.is_empty() {
        return None;
    }
    let edit = Edit::replace(msg.span(), format!("{message}, {}", args.join(", ")));
    Some(if exact {
        Fix::safe(vec![edit])
    } else {
        Fix::unsafe_(vec![edit])
    })
}

/// How a message is formatted eagerly, if it is.
fn eager(v: &Value) -> Option<&'static str> {
    match v.kind() {
        ValueKind::FString(fields) if !fields.is_empty() => Some("an f-string"),
        ValueKind::BinOp(BinOp::Mod, l, _) if l.is_stringy() => Some("`%` formatting"),
        ValueKind::Call(c) => match c.func.kind() {
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
    match v.kind() {
        ValueKind::BinOp(BinOp::Add, l, r) if depth < 32 => {
            concat_parts(&l, literal, other, depth + 1);
            concat_parts(&r, literal, other, depth + 1);
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
            let library = log_library(file, call);
            let help = match library {
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
            let fix = match library {
                LogLibrary::Stdlib => lazy_fix(&cx.source.text, call, msg),
                LogLibrary::Loguru | LogLibrary::Structlog => None,
            };
            let finding = cx.report(
                &Self::META,
                msg.span(),
                format!("log message built with {how} before the call"),
                help,
            );
            if let Some(fix) = fix {
                finding.fix(fix);
            }
        }
    }
}
