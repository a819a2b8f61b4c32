//! LOG001 print-in-service-code.

use crate::declare_rule;
use crate::lang::python::PythonFile;
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
    /// "__main__":` blocks, examples and docs, `setup.py`, `manage.py`, migrations and
    /// stubs. Ruff's T201 flags every `print`; this rule differs on purpose. A `print`
    /// shadowed by an import (`from rich import print`) is not the builtin and is not
    /// flagged, nor is `print(..., file=f)` to a file other than `sys.stdout` or
    /// `sys.stderr` (as in Ruff).
    pub PrintInServiceCode,
    code = "LOG001", name = "print-in-service-code", category = Logging, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
}

impl Rule for PrintInServiceCode {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        let r = &file.role;
        if !r.is_service_code() || r.cli || r.migration || r.stub {
            return;
        }
        for call in &file.calls {
            if call.ctx.in_main {
                continue;
            }
            // `print(..., file=buffer)` writes to a file, not to stdout.
            if call.keyword("file").is_some_and(|k| {
                !k.value.is_none()
                    && !matches!(
                        k.value.dotted().as_deref(),
                        Some("sys.stdout" | "sys.stderr")
                    )
            }) {
                continue;
            }
            let name = match call.qualified.as_deref() {
                Some("print" | "builtins.print") => "print",
                Some("pprint.pprint" | "pprint.pp") => "pprint",
                _ => continue,
            };
            cx.report(
                &Self::META,
                call.callee_span(),
                format!("`{name}` in service code writes unstructured output to stdout"),
                "use a logger (`logger = logging.getLogger(__name__)`), which has levels, timestamps and routing",
            );
        }
    }
}
