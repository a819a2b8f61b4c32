//! CI004 ci-masked-failure.

use super::gates;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::ci::github;
use crate::lang::ci::{CiFile, Flavor, gitlab, substitute_variables};
use crate::lang::shell::{self, Op, SimpleCommand};
use crate::lang::yaml::{Node, Value};
use crate::rule::{Context, Rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a test, lint or build command in a CI script whose failure is thrown away:
    /// followed by `|| true`, `|| :`, `|| exit 0` or `|| echo …`; followed by `; true`
    /// while `errexit` is off; run after `set +e` without its status being read
    /// (`$?`) and not as the script's last command; or piped into another command
    /// (`pytest | tee log`) in a GitHub Actions step with the default shell, which runs
    /// without `pipefail`.
    ///
    /// ## Why it matters in production
    /// The step exits 0 whatever happened, so the pipeline is green while the tests or
    /// the build failed, and the break ships.
    ///
    /// ## Example
    /// ```yaml
    ///       - run: pytest || true
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///       - run: pytest
    /// ```
    /// To keep going and still fail, record the status: `pytest; status=$?; …; exit $status`.
    ///
    /// ## Known limits
    /// Scripts are split into simple commands, not evaluated: a failure hidden inside
    /// a function or a sourced file is not seen, and `if pytest; then …` is not judged.
    /// `; true` alone is harmless under the default `bash -e` and is only flagged after
    /// `set +e`. GitLab scripts run with `pipefail` and their pipes are not flagged.
    /// A masked command that a later step of the same GitHub job runs again unmasked
    /// (the same program and subcommand: `cargo clippy || true` for the annotations,
    /// then `cargo clippy -- -D warnings`) is not flagged: that later step fails.
    pub CiMaskedFailure,
    code = "CI004", name = "ci-masked-failure", category = Ci, severity = Warning,
    default = false,
    reads = [FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi],
}

impl Rule for CiMaskedFailure {
    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        match file.flavor {
            Flavor::GithubWorkflow | Flavor::GithubAction => {
                let default_shell = file
                    .root()
                    .and_then(|r| r.get("defaults"))
                    .and_then(|d| d.get("run"))
                    .and_then(|r| r.get("shell"))
                    .and_then(Node::as_str);
                let steps = github::all_steps(file);
                // A step or job that may fail (`continue-on-error: true`) is declared not
                // to gate: masking inside it changes nothing (CI003 is about that).
                let may_fail = |n: &Node| {
                    n.get("continue-on-error")
                        .is_some_and(|c| c.value == Value::Bool(true))
                };
                for (i, (job, step)) in steps.iter().enumerate() {
                    let Some(run) = step.run() else { continue };
                    if may_fail(step.node) || job.is_some_and(|j| may_fail(j.node)) {
                        continue;
                    }
                    // Commands a later step of the same job runs unmasked.
                    let rerun: Vec<CommandKey> = steps[i + 1..]
                        .iter()
                        .filter(|(j, _)| {
                            j.map(|j| j.key.span.clone()) == job.map(|j| j.key.span.clone())
                        })
                        .filter_map(|(_, s)| s.run().and_then(Node::scalar_text))
                        .flat_map(|t| unmasked_commands(&t))
                        .collect();
                    let shell = step
                        .shell()
                        .or_else(|| {
                            job.and_then(|j| {
                                j.node
                                    .get("defaults")
                                    .and_then(|d| d.get("run"))
                                    .and_then(|r| r.get("shell"))
                                    .and_then(Node::as_str)
                            })
                        })
                        .or(default_shell);
                    if shell.is_some_and(|s| {
                        s.contains("pwsh")
                            || s.contains("powershell")
                            || s == "cmd"
                            || s.contains("python")
                    }) {
                        continue;
                    }
                    // Without `shell:`, steps run `bash -e {0}`: no pipefail.
                    let pipefail = shell.is_some_and(|s| s == "bash" || s.contains("pipefail"));
                    self.script(run, pipefail, &rerun, cx);
                }
            }
            Flavor::Gitlab => {
                let Some(root) = file.root() else { return };
                let mut seen: Vec<Span> = Vec::new();
                for job in gitlab::jobs(file) {
                    if job
                        .resolved
                        .get("allow_failure")
                        .is_some_and(|a| a.value == Value::Bool(true))
                    {
                        continue;
                    }
                    for key in ["before_script", "script"] {
                        let Some(s) = job.resolved.get(key) else {
                            continue;
                        };
                        for line in gitlab::script_lines(root, s) {
                            if seen.contains(&line.node.span) {
                                continue;
                            }
                            seen.push(line.node.span.clone());
                            self.script(line.node, true, &[], cx);
                        }
                    }
                }
            }
        }
    }
}

impl CiMaskedFailure {
    fn script(&self, node: &Node, pipefail: bool, rerun: &[CommandKey], cx: &mut Context<'_>) {
        let Some(text) = node.scalar_text() else {
            return;
        };
        let subst = substitute_variables(&text);
        let cmds = shell::split(&subst);
        let fixes = cmds.iter().any(|c| {
            let w = c.program();
            w.first().is_some_and(|w| w.value == "git")
                && w.get(1)
                    .is_some_and(|s| s.value == "commit" || s.value == "push")
        });
        let mut errexit = true;
        let mut pipefail = pipefail;
        let at = |cx: &Context<'_>, inner: Span| {
            node.value_span(cx.source, inner)
                .unwrap_or_else(|| node.span.clone())
        };
        for (i, cmd) in cmds.iter().enumerate() {
            if let Some(flags) = set_flags(cmd) {
                if flags.contains("+e") {
                    errexit = false;
                }
                if flags.contains("-e") {
                    errexit = true;
                }
                if shell::sets_pipefail(cmd) {
                    pipefail = true;
                }
                continue;
            }
            let mut g = gates::command(cmd, "", None);
            // A script that commits what it changed runs linters as fixers, which exit
            // non-zero when they fix something: `pre-commit run || true; git commit`.
            if fixes {
                g.lint = false;
            }
            if !g.any() || rerun.contains(&command_key(cmd)) {
                continue;
            }
            let name = cmd.program_name().unwrap_or("").to_string();
            // Inside a longer `&&`/`||` chain, the previous operator matters too.
            let prev_op = i.checked_sub(1).and_then(|p| cmds[p].op);
            if matches!(prev_op, Some(Op::Or)) {
                continue;
            }
            let next = cmds.get(i + 1);
            match (cmd.op, next) {
                (Some(Op::Or), Some(n)) if masks(n) && !matches!(n.op, Some(Op::And | Op::Or)) => {
                    let start = cmd.op_span.as_ref().map_or(0, |s| s.start);
                    let end = n.words.last().map_or(start, |w| w.span.end);
                    let fallback = subst.get(start..end).unwrap_or("|| true").to_string();
                    cx.report(
                        &Self::META,
                        at(cx, start..end),
                        format!(
                            "`{fallback}` hides the failure of `{name}`: the step passes when {}",
                            g.failing()
                        ),
                        "remove the fallback so that the step fails with the command",
                    );
                }
                (Some(Op::Seq), Some(n)) if !errexit && is_true(n) => {
                    let start = cmd.op_span.as_ref().map_or(0, |s| s.start);
                    let end = n.words.last().map_or(start, |w| w.span.end);
                    cx.report(
                        &Self::META,
                        at(cx, start..end),
                        format!("`; true` after `set +e` hides the failure of `{name}`"),
                        "remove `; true` and `set +e`, or record the status and `exit` with it",
                    );
                }
                // `pytest | tee log; status=${PIPESTATUS[0]}`: the status is kept (bash
                // resets `PIPESTATUS` at the next command, so only that one can read it).
                (Some(Op::Pipe), Some(n))
                    if !pipefail
                        && passive(n)
                        && !cmds
                            .get(i + 2)
                            .is_some_and(|after| after.words.iter().any(reads_pipestatus)) =>
                {
                    let start = cmd.words.first().map_or(0, |w| w.span.start);
                    let end = n.words.last().map_or(start, |w| w.span.end);
                    cx.report(
                        &Self::META,
                        at(cx, start..end),
                        format!("`{name}` is piped into `{}` without `pipefail`: the step takes the status of the last command", n.program_name().unwrap_or("")),
                        "set `shell: bash` on the step (GitHub then runs it with `-eo pipefail`), or start the script with `set -o pipefail`",
                    );
                }
                (op, next) if !errexit && !matches!(op, Some(Op::And | Op::Or)) => {
                    // Under `set +e`, a failure only counts if its status is read, or if
                    // it is the script's last command.
                    let Some(n) = next else { continue };
                    let reads_status = n
                        .words
                        .iter()
                        .any(|w| w.value.contains("$?") || reads_pipestatus(w));
                    if reads_status {
                        continue;
                    }
                    let start = cmd.words.first().map_or(0, |w| w.span.start);
                    let end = cmd.words.last().map_or(start, |w| w.span.end);
                    cx.report(
                        &Self::META,
                        at(cx, start..end),
                        format!("`{name}` runs after `set +e` and its status is never read: the step passes when {}", g.failing()),
                        "remove `set +e`, or save `$?` right after the command and `exit` with it",
                    );
                }
                _ => {}
            }
        }
    }
}

/// A command by its program and subcommand (its first word after the program that is
/// not an option or a `+toolchain`): `cargo +nightly clippy --all` → (`cargo`, `clippy`).
type CommandKey = (String, String);

fn command_key(cmd: &SimpleCommand) -> CommandKey {
    let words = cmd.program();
    let program = cmd.program_name().unwrap_or("").to_string();
    let sub = words
        .iter()
        .skip(1)
        .map(|w| w.value.as_str())
        .find(|w| !w.starts_with('-') && !w.starts_with('+'))
        .unwrap_or("")
        .to_string();
    (program, sub)
}

/// The commands of a script whose failure fails it: not before `||` or a pipe, not
/// after `||`, not under `set +e`.
fn unmasked_commands(script: &str) -> Vec<CommandKey> {
    let cmds = shell::split(&substitute_variables(script));
    let mut errexit = true;
    let mut out = Vec::new();
    for (i, cmd) in cmds.iter().enumerate() {
        if let Some(flags) = set_flags(cmd) {
            errexit = if flags.contains("+e") {
                false
            } else {
                errexit || flags.contains("-e")
            };
            continue;
        }
        let after_or = i
            .checked_sub(1)
            .is_some_and(|p| matches!(cmds[p].op, Some(Op::Or)));
        if errexit && !matches!(cmd.op, Some(Op::Or | Op::Pipe)) && !after_or {
            out.push(command_key(cmd));
        }
    }
    out
}

/// The flags of a `set` command (`set +e` → "+e", `set -euo pipefail` → "-e -u -o").
fn set_flags(cmd: &SimpleCommand) -> Option<String> {
    let w = cmd.program();
    if w.first().map(|w| w.value.as_str()) != Some("set") {
        return None;
    }
    let mut out = String::new();
    for a in &w[1..] {
        let v = a.value.as_str();
        if let Some(sign) = v.chars().next().filter(|c| *c == '-' || *c == '+') {
            for c in v[1..].chars() {
                out.push(sign);
                out.push(c);
                out.push(' ');
            }
        }
    }
    Some(out)
}

/// Whether a word reads `PIPESTATUS` (`${PIPESTATUS[0]}` reads `pipestatus0` once the
/// script's variables are substituted).
fn reads_pipestatus(w: &shell::ShellWord) -> bool {
    w.value.to_ascii_lowercase().contains("pipestatus")
}

fn is_true(cmd: &SimpleCommand) -> bool {
    matches!(cmd.program_name(), Some("true" | ":")) && cmd.words.len() == 1
}

/// A fallback after `||` that succeeds whatever happened.
fn masks(cmd: &SimpleCommand) -> bool {
    match cmd.program_name() {
        Some("true" | ":") => true,
        Some("echo" | "printf") => true,
        Some("exit") => cmd.words.get(1).is_some_and(|w| w.value == "0"),
        _ => false,
    }
}

/// Commands that only pass output along or trim it, so that a pipe into them takes
/// their (successful) status.
fn passive(cmd: &SimpleCommand) -> bool {
    matches!(
        cmd.program_name(),
        Some(
            "tee"
                | "cat"
                | "head"
                | "tail"
                | "sed"
                | "awk"
                | "grep"
                | "egrep"
                | "sort"
                | "uniq"
                | "column"
                | "ts"
                | "less"
                | "more"
                | "cut"
                | "tr"
                | "wc"
                | "ansi2txt"
                | "col"
        )
    )
}
