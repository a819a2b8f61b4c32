//! EXC001 bare-except.

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::FileKind;
use crate::lang::python::PythonFile;
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
    pub BareExcept,
    code = "EXC001", name = "bare-except", category = Errors, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    reads = [FileKind::Python],
    fix = Unsafe,
}

impl Rule for BareExcept {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        for h in &file.handlers {
            if h.type_.is_some() || h.raises.iter().any(|r| r.exc.is_none()) {
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
