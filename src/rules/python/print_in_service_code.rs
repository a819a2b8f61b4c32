//! LOG001 print-in-service-code.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{Call, PythonFile};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `print(...)` and `pprint(...)` in service code.
    ///
    /// ## Why it matters in production
    /// `print` writes to stdout with no level, timestamp, logger name or request context,
    /// cannot be silenced or routed, and is often block-buffered in containers, so the
    /// line shows up late or never. Debug prints left behind leak data into logs.
    ///
    /// ## Example
    /// ```python
    /// def handle(order):
    ///     print("processing", order.id)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// logger = logging.getLogger(__name__)
    ///
    /// def handle(order):
    ///     logger.info("processing %s", order.id)
    /// ```
    ///
    /// ## Known limits
    /// Code where printing is the interface is skipped: tests (`tests/`, `test_*.py`,
    /// `*_test.py`, `conftest.py`), scripts (`scripts/`, `bin/`, `tools/`, files with a
    /// `#!` line), CLI modules (importing `argparse`, `click`, `typer`, `optparse`,
    /// `fire` or `docopt`; Django management commands; `__main__.py`), `if __name__ ==
    /// "__main__":` blocks (also `... and __name__ == "__main__"`) and the module's
    /// functions called only from there, output under `contextlib.redirect_stdout(...)`,
    /// examples and docs, `setup.py`, `manage.py`, migrations and stubs. Consecutive
    /// `print` calls are one finding with their count. Ruff's T201 flags every `print`;
    /// this rule differs on purpose. A `print`
    /// shadowed by an import (`from rich import print`) is not the builtin and is not
    /// flagged, nor is `print(..., file=f)` to a file other than `sys.stdout` or
    /// `sys.stderr` (as in Ruff).
    pub PrintInServiceCode,
    code = "LOG001", name = "print-in-service-code", category = Logging, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
}

impl Rule for PrintInServiceCode {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        let r = &file.role;
        if !r.is_service_code() || r.cli || r.migration || r.stub {
            return;
        }
        // Prints to stdout, in source order.
        let prints: Vec<(&Call, &str)> = file
            .calls
            .iter()
            .filter(|c| !c.ctx.redirected && !file.in_entry_point(c.ctx.in_main, c.span.start))
            .filter(|c| {
                // `print(..., file=buffer)` writes to a file, not to stdout.
                !c.keyword("file").is_some_and(|k| {
                    !k.value.is_none()
                        && !matches!(
                            k.value.dotted().as_deref(),
                            Some("sys.stdout" | "sys.stderr")
                        )
                })
            })
            .filter_map(|c| match c.qualified.as_deref() {
                Some("print" | "builtins.print") => Some((c, "print")),
                Some("pprint.pprint" | "pprint.pp") => Some((c, "pprint")),
                _ => None,
            })
            .collect();
        // Consecutive prints (nothing but whitespace and comments between their
        // statements) are one finding: one block of output to replace with a log call.
        let mut i = 0;
        while i < prints.len() {
            let (first, name) = prints[i];
            let mut j = i + 1;
            while j < prints.len() && consecutive(&cx.source.text, prints[j - 1].0, prints[j].0) {
                j += 1;
            }
            let n = j - i;
            let message = if n == 1 {
                format!("`{name}` in service code writes unstructured output to stdout")
            } else {
                format!(
                    "{n} consecutive `print` calls in service code write unstructured output to stdout"
                )
            };
            let last = prints[j - 1].0;
            cx.report(
                &Self::META,
                first.callee_span().start..last.span.end,
                message,
                "use a logger (`logger = logging.getLogger(__name__)`), which has levels, timestamps and routing",
            );
            i = j;
        }
    }
}

/// Whether `b` is the statement right after `a`'s: only whitespace and comments between.
fn consecutive(text: &str, a: &Call, b: &Call) -> bool {
    if a.ctx.statement >= b.ctx.statement || a.span.end > b.ctx.statement {
        return false;
    }
    let Some(between) = text.get(a.span.end..b.ctx.statement) else {
        return false;
    };
    between.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == ")"
    })
}
