//! DKR008 pipe-without-pipefail.

use super::{run_scripts, runs};
use crate::lang::dockerfile::Dockerfile;
use crate::lang::shell::{Op, sets_pipefail};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` whose shell command contains a pipe (`a | b`) while the shell in
    /// force is `/bin/sh -c` without `pipefail`.
    ///
    /// ## Why it matters in production
    /// A pipeline's status is that of its last command: in
    /// `RUN curl -fsSL https://x/install.tgz | tar xz` a failed download still gives a
    /// green build, and the broken image ships.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -qO- https://example.com/key.asc | gpg --dearmor > /usr/share/keyrings/x.gpg
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN wget -qO- https://example.com/key.asc | gpg --dearmor > /usr/share/keyrings/x.gpg
    /// ```
    /// or start the command with `set -o pipefail &&` where the shell supports it.
    ///
    /// ## Known limits
    /// A `SHELL` with `-o pipefail` in the stage (or a stage it is built from) and a
    /// `set -o pipefail` earlier in the same command are recognised. Pipelines fed only
    /// by `echo` or `printf`, which cannot fail, are not flagged. Stages with a
    /// non-POSIX `SHELL` (PowerShell, `cmd`) are skipped.
    pub PipeWithoutPipefail,
    code = "DKR008", name = "pipe-without-pipefail", category = Container, severity = Warning,
}

impl Rule for PipeWithoutPipefail {
    rule_meta!();

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (index, inst) in runs(df) {
            if let Some(shell) = df.shell_at(index) {
                let joined: Vec<&str> = shell.iter().map(|w| w.value.as_str()).collect();
                let program = joined.first().copied().unwrap_or("").to_ascii_lowercase();
                if !(program.ends_with("sh") || program.ends_with("sh.exe")) {
                    continue; // PowerShell, cmd, …
                }
                if joined
                    .windows(2)
                    .any(|w| w[0].starts_with('-') && w[0].ends_with('o') && w[1] == "pipefail")
                {
                    continue;
                }
            }
            'scripts: for script in run_scripts(cx.source, inst) {
                let cmds = script.commands();
                let mut pipefail = false;
                let mut feeders_harmless = true;
                for cmd in &cmds {
                    if sets_pipefail(cmd) {
                        pipefail = true;
                    }
                    if cmd.op == Some(Op::Pipe) {
                        feeders_harmless &=
                            matches!(cmd.program_name(), Some("echo" | "printf" | "yes"));
                        if pipefail || feeders_harmless {
                            continue;
                        }
                        let op = cmd.op_span.clone().unwrap_or(0..0);
                        let span = script.file_span(op, inst.keyword_span.clone());
                        cx.report(
                            &Self::META,
                            span,
                            "pipe in `RUN` without `pipefail`: a failure before the last command is ignored",
                            "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this `RUN`, or start it with `set -o pipefail &&`",
                        )
                        .statement(inst.span.start);
                        break 'scripts;
                    } else {
                        feeders_harmless = true;
                    }
                }
            }
        }
    }
}
