//! EXC001 bare-except.

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::FileKind;
use crate::lang::python::{Handler, PythonFile};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a bare `except:` clause, unless its body re-raises with a bare `raise`.
    ///
    /// ## Why it matters in production
    /// A bare `except:` catches everything, including `KeyboardInterrupt`, `SystemExit`
    /// and `GeneratorExit`: a worker that should shut down on SIGTERM keeps running, and
    /// real bugs (`NameError`, `TypeError`) are handled as if they were expected failures.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     charge(card)
    /// except:
    ///     retry_later()
    /// ```
    ///
    /// ## Fix
    /// Catch what you expect, and log the rest with its traceback:
    /// ```python
    /// try:
    ///     charge(card)
    /// except PaymentDeclined:
    ///     retry_later()
    /// ```
    ///
    /// `readylint check --fix --unsafe-fixes` rewrites `except:` to `except Exception:`:
    /// an unsafe fix, since `KeyboardInterrupt`, `SystemExit` and `GeneratorExit` are
    /// no longer caught (which is the point, but changes behaviour); narrow it further
    /// by hand.
    ///
    /// ## Known limits
    /// Code that does not run in the service is not checked (see "Files it skips").
    /// A handler that cleans up and re-raises with a bare `raise` anywhere in its body
    /// (outside nested functions and inner handlers) is fine, as in Ruff's E722. When a
    /// bare `except:` also swallows (`except: pass`), only this rule reports it (EXC001
    /// wins over EXC003 and EXC002).
    /// An import-time fallback is not reported: a bare `except:` at module level (outside
    /// any function) whose handler only binds an alternative — imports another module or
    /// assigns a fallback value (`try: from .dev import * except: from .prod import *`,
    /// `except: SECRET_KEY = generate()`). It runs once, while the module is imported,
    /// before any worker loop exists; the handler chooses a configuration and does not
    /// hide a failure of running code. A module-level handler that does anything else
    /// (logs, calls, `pass`) is still reported.
    ///
    /// Not in the default set (Ruff's E722, the same check, is in Ruff's): judged on real
    /// services, 1 of 21 bare `except:` handlers was worth acting on. The others were
    /// deliberate catch-alls around a parse or a best effort (an `ip_address()` probe, a
    /// form field turned into a validation error, an unreadable image replaced by a
    /// default), where catching `KeyboardInterrupt` changes nothing in a web worker.
    pub BareExcept,
    code = "EXC001", name = "bare-except", category = Errors, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
    fix = Unsafe,
}

impl Rule for BareExcept {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        for (i, h) in file.handlers.iter().enumerate() {
            if h.type_.is_some() || h.raises.iter().any(|r| r.exc.is_none()) {
                continue;
            }
            if import_time_fallback(file, &cx.source.text, i, h) {
                continue;
            }
            let fix = Fix::unsafe_(vec![Edit::insert(h.keyword_span.end, " Exception")]);
            cx.report(
                &Self::META,
                h.keyword_span.clone(),
                "bare `except:` catches every exception, including `KeyboardInterrupt` and `SystemExit`",
                "catch the exceptions you expect; if you must catch all, use `except Exception:` and log with `logger.exception(...)`",
            )
            .handler(h.span.start)
            .fix(fix);
        }
    }
}

/// Whether `h` is a module-level handler whose body only imports an alternative or
/// assigns a fallback: every statement of its body is an `import`/`from` statement or
/// an assignment (calls allowed only inside the assigned value), and nothing raises.
fn import_time_fallback(file: &PythonFile, text: &str, index: usize, h: &Handler) -> bool {
    if h.ctx.in_function || !h.raises.is_empty() || h.trivial.is_some() {
        return false;
    }
    let assigns: Vec<usize> = file
        .assigns
        .iter()
        .filter(|a| a.ctx.handler == Some(index))
        .map(|a| a.ctx.statement)
        .collect();
    // A call that is not part of an assignment (`log(...)`, `setup()`) does more than bind.
    if file
        .calls
        .iter()
        .any(|c| c.ctx.handler == Some(index) && !assigns.contains(&c.ctx.statement))
    {
        return false;
    }
    let Some(clause) = text.get(h.span.clone()) else {
        return false;
    };
    // The body: what follows the `except:` header's colon.
    let Some(colon) = clause.find(':') else {
        return false;
    };
    let body_start = h.span.start + colon + 1;
    let body = &clause[colon + 1..];
    let mut statements = 0;
    let mut indent: Option<usize> = None;
    let mut offset = body_start;
    for line in body.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = line.len() - trimmed.len();
        // Continuation lines of a statement are indented deeper than the body.
        match indent {
            Some(d) if depth > d => continue,
            _ => indent = Some(depth),
        }
        let at = start + depth;
        let binds =
            trimmed.starts_with("import ") || trimmed.starts_with("from ") || assigns.contains(&at);
        if !binds {
            return false;
        }
        statements += 1;
    }
    statements > 0
}
