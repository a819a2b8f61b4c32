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
    /// `RUN curl -fsSL https://x/app.yaml | sed s/PORT/8080/ > /etc/app.yaml` a failed
    /// download still gives a green build, and the image ships with an empty config.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/app.yaml | sed "s/PORT/8080/" > /etc/app.yaml
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/app.yaml | sed "s/PORT/8080/" > /etc/app.yaml
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
    /// Pipes whose failure is noticed anyway are not flagged: a download piped into a
    /// shell or interpreter (`curl … | sh`) is reported by DKR009 (curl-pipe-shell)
    /// instead; and a pipeline followed by `&&` or ending the command, whose last
    /// command rejects an empty or truncated input, fails by itself: a key read by
    /// `gpg --dearmor`, `gpg --import` or `apt-key add -` (also when `gpg --dearmor`
    /// writes through `tee`: the empty keyring fails the next `apt-get update`), a
    /// compressed archive unpacked by `tar xz`/`xJ`/`xj` or a decompressor, a
    /// `sha256sum -c`. Before `;`, `||` or a newline (a heredoc without `set -e`) such a
    /// pipe is still flagged: its status is lost either way.
    ///
    /// Unlike hadolint's DL4006, `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` is taken
    /// at its word (busybox `ash` and recent dash have `pipefail`; a shell without it
    /// fails every `RUN` at once, which no one misses), and echo-fed pipes are not
    /// flagged.
    ///
    /// Not in the default set: judged on real services, 4 of 25 findings were worth
    /// acting on. Most pipes in image builds fail loudly anyway (a failed download
    /// leaves the next command nothing to work on, and the build stops there), or are
    /// best-effort cleanup; the shell's letter is not the build's outcome.
    pub PipeWithoutPipefail,
    code = "DKR008", name = "pipe-without-pipefail", category = Container, severity = Warning,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
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
    let mut noticed = false;
    for (i, cmd) in cmds.iter().enumerate() {
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
            // A pipeline is judged once, from its first command.
            let starts = i == 0 || cmds[i - 1].op != Some(Op::Pipe);
            if starts {
                noticed = failure_surfaces(&cmds[i..]);
            }
            feeders_harmless &= matches!(cmd.program_name(), Some("echo" | "printf" | "yes"));
            if !*pipefail && !feeders_harmless && !noticed {
                return cmd.op_span.clone().map(|s| base + s.start..base + s.end);
            }
        } else {
            feeders_harmless = true;
        }
    }
    None
}

/// Interpreters that DKR009 (curl-pipe-shell) reports a download piped into.
const INTERPRETERS: [&str; 11] = [
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node",
];

/// Whether the failure of a feeder in the pipeline that starts at `cmds[0]` is noticed
/// without `pipefail`:
/// - a download piped into a shell or interpreter is DKR009's finding (it reports the
///   same pipe, and the fix, a downloaded and verified file, has no pipe left);
/// - a pipeline whose last command rejects an empty or truncated input fails by
///   itself: a key read by `gpg --dearmor`/`--import` or `apt-key add`, a compressed
///   archive read by `tar xz`/`xJ`/`xj` or a decompressor, `sha256sum -c`. A key that
///   `gpg --dearmor` hands on to `tee` is no exception: the keyring it writes is then
///   empty, and the next `apt-get update` of the repository it signs fails.
///
/// Only when the pipeline's status counts: it is followed by `&&` or ends the script.
/// Before `;`, a newline (a heredoc without `set -e`) or `||`, the failure is lost
/// whatever the last command does, and the pipe is still reported.
fn failure_surfaces(cmds: &[SimpleCommand]) -> bool {
    let end = cmds
        .iter()
        .position(|c| c.op != Some(Op::Pipe))
        .unwrap_or(cmds.len().saturating_sub(1));
    let stages = &cmds[..=end.min(cmds.len().saturating_sub(1))];
    let download = |c: &SimpleCommand| matches!(c.program_name(), Some("curl" | "wget"));
    if stages.windows(2).any(|w| {
        download(&w[0])
            && w[1]
                .program_name()
                .is_some_and(|n| INTERPRETERS.contains(&n))
    }) {
        return true;
    }
    let status_counts = matches!(stages.last().and_then(|c| c.op), None | Some(Op::And));
    if !status_counts {
        return false;
    }
    // The last stage that reads the data: `tee` after a key only copies it to a file.
    let mut consumer = stages.last();
    if consumer.and_then(|c| c.program_name()) == Some("tee") && stages.len() >= 3 {
        let before = &stages[stages.len() - 2];
        if is_key_reader(before) {
            return true;
        }
        consumer = None;
    }
    consumer.is_some_and(|c| is_key_reader(c) || rejects_truncated_input(c))
}

/// `gpg --dearmor`, `gpg --import`, `apt-key add -`: an empty or partial key is no
/// valid OpenPGP data, and they exit non-zero.
fn is_key_reader(cmd: &SimpleCommand) -> bool {
    let words = cmd.program();
    let has = |names: &[&str]| words[1..].iter().any(|w| names.contains(&w.value.as_str()));
    match cmd.program_name() {
        Some("gpg" | "gpg2") => has(&["--dearmor", "--dearmour", "--import", "--enarmor"]),
        Some("apt-key") => has(&["add"]),
        _ => false,
    }
}

/// A decompressing `tar` (`xz`, `-xJf -`, `--gzip`), a decompressor (`gunzip`,
/// `gzip -d`, `xz -d`, `zstd -d`, `bunzip2`) or a checksum check (`sha256sum -c`): an
/// empty or truncated stream fails its format or its checksum.
fn rejects_truncated_input(cmd: &SimpleCommand) -> bool {
    let words = cmd.program();
    let args = &words[words.len().min(1)..];
    let flag = |short: char, long: &[&str]| {
        args.iter().any(|w| {
            let v = w.value.as_str();
            long.contains(&v) || (v.starts_with('-') && !v.starts_with("--") && v.contains(short))
        })
    };
    match cmd.program_name() {
        Some("tar" | "bsdtar") => {
            // The first word may be old-style bundled options without a dash (`xzf`).
            let bundled = args
                .first()
                .map(|w| w.value.as_str())
                .filter(|v| !v.starts_with('-'))
                .is_some_and(|v| v.contains('x') && v.contains(['z', 'J', 'j']));
            let extract = bundled || flag('x', &["--extract", "--get"]);
            let compressed = bundled
                || flag('z', &["--gzip", "--gunzip", "--xz", "--bzip2", "--zstd"])
                || flag('J', &[])
                || flag('j', &[]);
            extract && compressed
        }
        Some("gunzip" | "unxz" | "bunzip2" | "unzstd" | "zcat" | "xzcat") => true,
        Some("gzip" | "xz" | "bzip2" | "zstd") => flag('d', &["--decompress"]),
        Some("sha256sum" | "sha512sum" | "sha1sum" | "md5sum" | "shasum" | "b2sum") => {
            flag('c', &["--check"])
        }
        _ => false,
    }
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
