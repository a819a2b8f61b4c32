//! DKR004 shell-form-cmd.

use super::{final_chain, last_in_chain};
use crate::declare_rule;
use crate::lang::dockerfile::{Command, Dockerfile, Keyword};
use crate::lang::shell;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a shell-form `CMD` or `ENTRYPOINT` in the final stage
    /// (`CMD gunicorn app:app` instead of `CMD ["gunicorn", "app:app"]`).
    ///
    /// ## Why it matters in production
    /// The shell form runs the command under `/bin/sh -c`, so PID 1 is the shell. The
    /// shell does not forward SIGTERM: on every deploy or scale-down the application
    /// gets no chance to drain connections and is killed after the grace period.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD gunicorn --bind 0.0.0.0:8000 app:app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    /// ```
    /// or, where shell expansion is needed, `CMD exec gunicorn --bind "0.0.0.0:$PORT" app:app`.
    ///
    /// ## Known limits
    /// A shell form whose last command starts with `exec` is fine (`CMD cd /app && exec
    /// ./server`): the shell replaces itself with the application. The exec form
    /// `["sh", "-c", "…"]` is the shell form spelled out and is checked the same way.
    /// Only the instructions in force in the final image are checked (a `CMD` is ignored
    /// when the `ENTRYPOINT` is shell form, so only the `ENTRYPOINT` is reported then).
    /// Images with a PowerShell or `cmd` `SHELL` are skipped, and so are Dockerfiles
    /// that build no production image: development environments (`.devcontainer/`,
    /// `.codesandbox/`, `.gitpod*`) and anything under a `test`, `tests`, `testdata`,
    /// `fixtures`, `e2e`, `examples` or `docs` directory.
    pub ShellFormCmd,
    code = "DKR004", name = "shell-form-cmd", category = Container, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
}

/// Whether a shell script's last command replaces the shell with `exec`, so the
/// application becomes PID 1 (`cd /app && exec ./server` is fine).
fn ends_in_exec(script: &str) -> bool {
    let cmds = shell::split(script);
    match cmds.last() {
        None => true,
        Some(last) => last
            .words
            .iter()
            .find(|w| !w.value.contains('='))
            .is_some_and(|w| w.value == "exec"),
    }
}

impl Rule for ShellFormCmd {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let chain = final_chain(df);
        let entry = last_in_chain(df, &chain, Keyword::Entrypoint);
        let cmd = last_in_chain(df, &chain, Keyword::Cmd);
        if let Some(shell) = last_in_chain(df, &chain, Keyword::Shell) {
            let program = match &shell.args {
                crate::lang::dockerfile::Args::List(words) => words
                    .first()
                    .map(|w| w.value.to_ascii_lowercase())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            if !program.ends_with("sh") {
                return; // PowerShell or cmd: no `/bin/sh` in PID 1.
            }
        }
        let shell_form = |i: &crate::lang::dockerfile::Instruction| match i.command() {
            Some(Command::Shell(w)) => !ends_in_exec(&w.value),
            // `["sh", "-c", "…"]` is the shell form spelled out.
            Some(Command::Exec { args, .. }) => {
                let program = args
                    .first()
                    .map_or("", |a| a.value.rsplit('/').next().unwrap_or(""));
                matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh")
                    && args.get(1).is_some_and(|a| a.value == "-c")
                    && args.get(2).is_some_and(|a| !ends_in_exec(&a.value))
            }
            None => false,
        };
        if let Some(e) = entry.filter(|e| shell_form(e)) {
            cx.report(
                &Self::META,
                e.span.clone(),
                "shell-form `ENTRYPOINT` runs the app under `/bin/sh -c`, which does not forward SIGTERM",
                "use the exec form, e.g. `ENTRYPOINT [\"/app/server\"]`, or start the command with `exec`",
            );
            return;
        }
        if let Some(c) = cmd.filter(|c| shell_form(c)) {
            cx.report(
                &Self::META,
                c.span.clone(),
                "shell-form `CMD` runs the app under `/bin/sh -c`, which does not forward SIGTERM",
                "use the exec form, e.g. `CMD [\"gunicorn\", \"app:app\"]`, or start the command with `exec`",
            );
        }
    }
}
