//! DKR008 pipe-without-pipefail.

use super::{run_scripts, runs};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{Args, Dockerfile};
use crate::lang::shell::{self, Op, SimpleCommand, sets_pipefail};
use crate::rule::{Context, Rule};

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
    /// Dockerfiles that build no production image are skipped (see below).
    /// A `SHELL` with `-o pipefail` in the stage (or a stage it is built from) and a
    /// `set -o pipefail` earlier in the same command are recognised. Pipelines fed only
    /// by `echo` or `printf`, which cannot fail, are not flagged. Pipes inside a command
    /// substitution count only where the substitution is the value of an assignment
    /// (`deps="$(scanelf … | sort)"`); in an argument (`go test $(go list | grep -v x)`)
    /// its status is discarded anyway. `case` patterns (`amd64|x86_64)`) are not pipes.
    /// Stages with a non-POSIX `SHELL` (PowerShell, `cmd`) are skipped. On Alpine
    /// bases the suggested `SHELL` is busybox `ash`, which has no `bash`.
    ///
    /// Unlike hadolint's DL4006, `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` is taken
    /// at its word (busybox `ash` and recent dash have `pipefail`; a shell without it
    /// fails every `RUN` at once, which no one misses), and echo-fed pipes are not
    /// flagged.
    pub PipeWithoutPipefail,
    code = "DKR008", name = "pipe-without-pipefail", category = Container, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
    reads = [FileKind::Dockerfile],
}

impl Rule for PipeWithoutPipefail {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (index, inst) in runs(df) {
            if let Some(shell) = df.shell_at(index) {
                let joined: Vec<&str> = shell.iter().map(|w| w.value.as_str()).collect();
                if joined
                    .windows(2)
                    .any(|w| w[0].starts_with('-') && w[0].ends_with('o') && w[1] == "pipefail")
                {
                    continue;
                }
            }
            for script in run_scripts(cx.source, inst) {
                let mut pipefail = false;
                let Some(pipe) =
                    first_unguarded_pipe(script.text, script.commands(), 0, &mut pipefail)
                else {
                    continue;
                };
                let span = script.file_span(pipe, inst.keyword_span.clone());
                let shell = if stage_base(df, index).contains("alpine") {
                    "[\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]"
                } else {
                    "[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]"
                };
                cx.report(
                    &Self::META,
                    span,
                    "pipe in `RUN` without `pipefail`: a failure before the last command is ignored",
                    format!("add `SHELL {shell}` before this `RUN`, or start it with `set -o pipefail &&`"),
                )
                .statement(inst.span.start);
                break;
            }
        }
    }
}

/// The first pipe whose failure would go unnoticed: at the top level, or inside a
/// command substitution that is the value of an assignment (`x="$(a | b)"`), whose
/// status becomes the command's. Pipes fed only by `echo`/`printf` cannot fail and are
/// skipped; so are pipes after `set -o pipefail`. Offsets are into `text` plus `base`.
fn first_unguarded_pipe(
    text: &str,
    cmds: &[SimpleCommand],
    base: usize,
    pipefail: &mut bool,
) -> Option<std::ops::Range<usize>> {
    let mut feeders_harmless = true;
    for cmd in cmds {
        if sets_pipefail(cmd) {
            *pipefail = true;
        }
        if is_assignment_only(cmd) {
            for word in &cmd.words {
                for sub in &word.subs {
                    let inner = text.get(sub.clone()).unwrap_or("");
                    let inner_cmds = shell::split(inner);
                    if let Some(hit) =
                        first_unguarded_pipe(inner, &inner_cmds, base + sub.start, pipefail)
                    {
                        return Some(hit);
                    }
                }
            }
        }
        if cmd.op == Some(Op::Pipe) {
            feeders_harmless &= matches!(cmd.program_name(), Some("echo" | "printf" | "yes"));
            if !*pipefail && !feeders_harmless {
                return cmd.op_span.clone().map(|s| base + s.start..base + s.end);
            }
        } else {
            feeders_harmless = true;
        }
    }
    None
}

/// `x=…`, `export x=…`, `local x=…`: a command whose status is that of its substitutions.
fn is_assignment_only(cmd: &SimpleCommand) -> bool {
    let words = match cmd.words.first().map(|w| w.value.as_str()) {
        Some("export" | "local" | "readonly" | "declare") => &cmd.words[1..],
        _ => &cmd.words[..],
    };
    !words.is_empty()
        && words.iter().all(|w| {
            w.value.split_once('=').is_some_and(|(n, _)| {
                !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
}

/// The image the stage holding instruction `index` is built from.
fn stage_base(df: &Dockerfile, index: usize) -> String {
    df.stages
        .iter()
        .rev()
        .find(|s| s.from <= index)
        .and_then(|s| match &df.instructions[s.from].args {
            Args::From { image, .. } => Some(image.value.to_ascii_lowercase()),
            _ => None,
        })
        .unwrap_or_default()
}
