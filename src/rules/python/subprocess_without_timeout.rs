//! NET002 subprocess-without-timeout.

use crate::declare_rule;
use crate::lang::python::PythonFile;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `subprocess.run`, `subprocess.call`, `subprocess.check_call` and
    /// `subprocess.check_output` without `timeout` (or with `timeout=None`).
    ///
    /// ## Why it matters in production
    /// A child process that hangs — waiting on a prompt, a lock or the network — blocks
    /// the request or job that started it, forever.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(["pg_dump", dsn], check=True)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// subprocess.run(["pg_dump", dsn], check=True, timeout=600)
    /// ```
    ///
    /// ## Known limits
    /// Calls that pass `**kwargs` are not flagged. Tests, scripts (`scripts/`, `bin/`,
    /// `tools/`, files with a `#!` line), examples and tooling (`setup.py`, `noxfile.py`,
    /// …) are skipped: a developer is watching those. `Popen` objects are not followed.
    pub SubprocessWithoutTimeout,
    code = "NET002", name = "subprocess-without-timeout", category = Timeouts, severity = Note,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
}

impl Rule for SubprocessWithoutTimeout {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if file.role.is_tooling() {
            return;
        }
        for call in &file.calls {
            let Some(q) = call.qualified.as_deref() else {
                continue;
            };
            if !matches!(
                q,
                "subprocess.run"
                    | "subprocess.call"
                    | "subprocess.check_call"
                    | "subprocess.check_output"
            ) || call.star_kwargs
            {
                continue;
            }
            let message = match call.keyword("timeout") {
                Some(k) if k.value.is_none() => {
                    format!("`{q}` with `timeout=None` can wait forever")
                }
                Some(_) => continue,
                None => format!("`{q}` without `timeout`"),
            };
            cx.report(
                &Self::META,
                call.callee_span(),
                message,
                "pass `timeout=` in seconds so that a stuck child process cannot hang the caller",
            );
        }
    }
}
