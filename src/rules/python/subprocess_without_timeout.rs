//! NET002 subprocess-without-timeout.

use crate::declare_rule;
use crate::lang::FileKind;
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
    /// …) are skipped: a developer is watching those. `p.communicate()` and `p.wait()`
    /// on a `Popen` bound in the same scope are checked; a `Popen` passed around is not
    /// followed. Launching the user's editor (`$EDITOR`, `$VISUAL`) or the interpreter
    /// itself (`sys.executable`) is not flagged.
    pub SubprocessWithoutTimeout,
    code = "NET002", name = "subprocess-without-timeout", category = Timeouts, severity = Note,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
}

impl Rule for SubprocessWithoutTimeout {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if file.role.is_tooling() {
            return;
        }
        for call in &file.calls {
            // `p = subprocess.Popen(...)`, then `p.communicate()` or `p.wait()`.
            let popen_wait = call.receiver_origin.as_deref() == Some("subprocess.Popen")
                && matches!(call.method(), Some("communicate" | "wait"));
            let name = if popen_wait {
                format!("Popen.{}", call.method().unwrap_or_default())
            } else {
                match call.qualified.as_deref() {
                    Some(
                        q @ ("subprocess.run"
                        | "subprocess.call"
                        | "subprocess.check_call"
                        | "subprocess.check_output"),
                    ) => q.to_string(),
                    _ => continue,
                }
            };
            if call.star_kwargs || (!popen_wait && launches_an_interactive_program(file, call)) {
                continue;
            }
            let q = name.as_str();
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

/// `subprocess.run([os.environ["EDITOR"], path])`, `[sys.executable, "-m", ...]`: the
/// user's editor waits for the user, and the interpreter itself runs code of the
/// project, which has its own bounds.
fn launches_an_interactive_program(file: &PythonFile, call: &crate::lang::python::Call) -> bool {
    use crate::lang::python::{Value, ValueKind};
    let Some(first) = call.args.first() else {
        return false;
    };
    let program = match first.kind() {
        ValueKind::List(items) | ValueKind::Tuple(items) => items.first().copied(),
        _ => Some(*first),
    };
    let Some(program) = program else { return false };
    fn says_editor(v: &Value<'_>) -> bool {
        match v.kind() {
            ValueKind::Name(n) => n.to_ascii_lowercase().contains("editor"),
            ValueKind::Str(s) => matches!(s, "EDITOR" | "VISUAL"),
            ValueKind::Subscript(_, key) => says_editor(&key),
            ValueKind::Call(c) => c.args.first().is_some_and(says_editor),
            ValueKind::Attribute(_, a) => a.to_ascii_lowercase().contains("editor"),
            _ => false,
        }
    }
    file.resolve(&program).as_deref() == Some("sys.executable") || says_editor(&program)
}
