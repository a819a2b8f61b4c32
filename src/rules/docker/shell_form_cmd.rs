//! DKR004 shell-form-cmd.

use super::{base_image, final_chain, last_in_chain, resolve_image, sh_c};
use crate::declare_rule;
use crate::fix::{Edit, Fix, Safety};
use crate::lang::FileKind;
use crate::lang::dockerfile::{Command, Dockerfile, Keyword};
use crate::lang::shell::{self, Op};
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
    /// `readylint check --fix` rewrites a shell-form `CMD` whose command is plain words
    /// (no `$`, quotes, escapes, globs, `~`, operators, redirections or a leading
    /// `VAR=value`, and not a shell builtin such as `cd`) to the exec form: a safe fix; a
    /// trailing `# comment` moves to a line of its own above. The same rewrite of an
    /// `ENTRYPOINT` is unsafe: the exec form appends the `CMD` and the arguments of
    /// `docker run` to it, which the shell form ignored; so is that of a `CMD` under an
    /// exec-form `ENTRYPOINT` of the Dockerfile, whose arguments it is. Any other shell form gets an
    /// unsafe fix: `exec ` before its last simple command (unless that command runs in a
    /// pipeline or in the background, or starts with `VAR=value`), which changes what
    /// the shell does after the command ends (nothing, now).
    ///
    /// ## Known limits
    /// A shell form whose last command starts with `exec` is fine (`CMD cd /app && exec
    /// ./server`): the shell replaces itself with the application. So is a script that
    /// traps SIGTERM itself (`trap 'kill $pid' TERM; … & wait`). The exec form
    /// `["sh", "-c", "…"]` is the shell form spelled out and is checked the same way.
    /// A `CMD` under an init that signals its child's whole process group is fine too:
    /// `ENTRYPOINT ["dumb-init", "--"]` (not with `--single-child`), `["tini", "-g",
    /// "--"]`; plain `tini` signals only the shell, which dies and leaves the app to be
    /// killed without SIGTERM, and is still reported.
    /// Only the instructions in force in the final image are checked (a `CMD` is ignored
    /// when the `ENTRYPOINT` is shell form, so only the `ENTRYPOINT` is reported then).
    ///
    /// Which shell runs the command matters. dash (`/bin/sh` on Debian and Ubuntu, and so
    /// in most official images) forks the command and stays PID 1. busybox `ash`
    /// (`/bin/sh` on Alpine and busybox images) and bash replace themselves with the last
    /// simple command of `sh -c`, so a single simple command without redirections
    /// (`CMD gunicorn app:app` on `python:3.12-alpine`, or under `SHELL ["/bin/bash",
    /// "-c"]`, or on a Red Hat image, whose `/bin/sh` is bash) is PID 1 and gets
    /// SIGTERM: it is not reported. busybox `ash` does so for the last command of a list
    /// too (`./migrate && ./server`, `setup; server`: checked with busybox 1.35), which
    /// is not reported either; so does bash from 5.1 on (checked with bash 5.2), told
    /// from the image (Red Hat's 9 and later, Amazon Linux 2023, Fedora, a Debian or
    /// Ubuntu release named in the tag: `bookworm`, `jammy`), while a list under an older
    /// or unknown bash (UBI 8, Amazon Linux 2) is still reported. The shell is told from
    /// the `SHELL` in force and from the base image's name (`alpine`, `busybox`; `ubi8`, `rhel`, `centos`, `fedora`,
    /// `rockylinux`, `almalinux`, `amazonlinux` and the like for bash); an image
    /// whose name does not say is taken to have dash, except a bare name that no
    /// registry serves (`FROM base`, built beside this image from files it does not
    /// show), whose single simple command is given the benefit of the doubt.
    /// Images with a PowerShell or `cmd` `SHELL` are skipped, and so are Dockerfiles
    /// that build no production image (see below).
    ///
    /// Unlike hadolint's DL3025, a shell-form `HEALTHCHECK CMD` is not flagged (the
    /// probe is a short-lived child, not PID 1), and `["/bin/sh", "-c", "a && b"]` is
    /// (it is the shell form spelled out).
    pub ShellFormCmd,
    code = "DKR004", name = "shell-form-cmd", category = Container, severity = Warning,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    reads = [FileKind::Dockerfile],
    fix = Sometimes,
}

/// Whether a shell replaces itself with the last simple command of `sh -c`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExecsLast {
    /// dash: it forks the command and stays.
    Never,
    /// busybox `ash`: whatever the redirections, and the last command of a list too.
    Always,
    /// A shell not known (a local base image, maybe Alpine): a single simple command
    /// gets the benefit of the doubt, a list does not.
    Single,
    /// bash: unless the command has a redirection.
    WithoutRedirections,
    /// bash 5.1 and later: unless the command has a redirection, and the last command
    /// of a list too (checked with bash 5.2).
    ListsWithoutRedirections,
}

/// Whether the application run by a shell script becomes PID 1: the last command
/// replaces the shell with `exec` (`cd /app && exec ./server`), or the script is one
/// simple command that the shell execs itself.
fn app_is_pid_1(script: &str, execs_last: ExecsLast) -> bool {
    let cmds = shell::split(script);
    // `trap 'kill $pid' TERM; app & wait`: the shell handles SIGTERM itself.
    if shell::traps_term(&cmds) {
        return true;
    }
    match cmds.last() {
        None => true,
        Some(last) => {
            let exec = last
                .words
                .iter()
                .find(|w| !w.value.contains('='))
                .is_some_and(|w| w.value == "exec");
            let single = cmds.len() == 1 && last.op.is_none();
            exec || match execs_last {
                ExecsLast::Never => false,
                ExecsLast::Always => single || last_of_plain_list(&cmds),
                ExecsLast::Single => single,
                ExecsLast::WithoutRedirections => single && !redirects(last),
                ExecsLast::ListsWithoutRedirections => {
                    (single || last_of_plain_list(&cmds)) && !redirects(last)
                }
            }
        }
    }
}

/// Whether the script is a list of simple commands whose last one follows `&&` or `;`
/// (`./migrate && ./server`), without a loop, a condition or a group: busybox `ash`
/// execs that last command, the application, once the others are done. Not after `||`
/// (`server || echo failed` runs the application first, as the shell's child), nor in
/// a pipeline or in the background.
fn last_of_plain_list(cmds: &[shell::SimpleCommand]) -> bool {
    let compound = |c: &shell::SimpleCommand| {
        c.words
            .first()
            .is_some_and(|w| shell::is_reserved_word(&w.value) || w.value.starts_with('('))
    };
    match cmds {
        [.., before, last] => {
            last.op.is_none()
                && matches!(before.op, Some(shell::Op::And | shell::Op::Seq))
                && !cmds.iter().any(compound)
        }
        _ => false,
    }
}

/// Whether a simple command has a redirection (`> log`, `2>&1`).
fn redirects(cmd: &shell::SimpleCommand) -> bool {
    cmd.words.iter().any(|w| {
        w.value
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '&')
            .starts_with(['<', '>'])
    })
}

/// How the shell that runs `sh -c` treats its last command: bash and busybox `ash`
/// exec it, dash forks it. `/bin/sh` is busybox on Alpine and busybox images and dash
/// (or, for lack of a better guess, taken to be) everywhere else.
fn execs_last_command(shell_program: &str, base_image: Option<&str>) -> ExecsLast {
    let name = shell_program.rsplit('/').next().unwrap_or(shell_program);
    let bash = if base_image.is_some_and(bash_5_1_or_later) {
        ExecsLast::ListsWithoutRedirections
    } else {
        ExecsLast::WithoutRedirections
    };
    match name {
        "bash" => bash,
        "ash" | "busybox" => ExecsLast::Always,
        // A base no registry serves (`FROM base`, built beside this image) may be
        // Alpine: a single simple command gets the benefit of the doubt.
        "sh" if base_image.is_some_and(crate::lang::dockerfile::is_local_image) => {
            ExecsLast::Single
        }
        "sh" if base_image.is_some_and(|image| {
            let image = image.to_ascii_lowercase();
            let name = crate::lang::dockerfile::image_name(&image);
            let last = name.rsplit('/').next().unwrap_or(&name);
            last == "alpine" || last == "busybox" || image.contains("alpine")
        }) =>
        {
            ExecsLast::Always
        }
        "sh" if base_image.is_some_and(sh_is_bash) => bash,
        _ => ExecsLast::Never,
    }
}

/// Whether an image's bash is 5.1 or later (which execs the last command of a list,
/// not only a single one), from its name and tag: Red Hat's 9 and later (UBI, RHEL,
/// CentOS Stream, Rocky, Alma, Oracle Linux), Amazon Linux 2023, Fedora 34 and later,
/// Arch, openSUSE Tumbleweed, Azure Linux and CBL-Mariner, and Debian and Ubuntu
/// releases named in the tag (`bullseye` and later, `jammy` and later). An image
/// that does not say is taken to have an older bash.
fn bash_5_1_or_later(image: &str) -> bool {
    let name = crate::lang::dockerfile::image_name(image);
    let (_, tag) = crate::lang::dockerfile::name_and_tag(image);
    let tag = tag.as_str();
    let major = |t: &str| -> Option<u32> {
        let digits: String = t
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let words: Vec<&str> = name
        .split('/')
        .flat_map(|segment| segment.split(['-', '_', '.']))
        .collect();
    let has = |w: &[&str]| words.iter().any(|x| w.contains(x));
    if has(&["ubi9", "ubi10", "rhel9", "rhel10", "stream9", "stream10"]) {
        return true;
    }
    if has(&["ubi7", "ubi8", "rhel7", "rhel8", "centos7", "centos8"]) {
        return false;
    }
    let last = name.rsplit('/').next().unwrap_or(&name);
    match last {
        "rockylinux" | "almalinux" | "oraclelinux" | "centos" => {
            major(tag).is_some_and(|m| m >= 9) || (tag.is_empty() && last != "centos")
        }
        "amazonlinux" => tag.is_empty() || tag == "latest" || tag.starts_with("2023"),
        "fedora" => major(tag).is_none_or(|m| m >= 34),
        "archlinux" | "tumbleweed" | "azurelinux" | "mariner" => true,
        _ => tag.split(['-', '.', '_']).any(|w| {
            matches!(
                w,
                "bullseye"
                    | "bookworm"
                    | "trixie"
                    | "forky"
                    | "jammy"
                    | "noble"
                    | "oracular"
                    | "plucky"
            )
        }),
    }
}

/// Distributions whose `/bin/sh` is bash: Red Hat's and its rebuilds (UBI, RHEL,
/// CentOS, Fedora, Rocky, Alma, Oracle, Amazon Linux), Azure Linux (CBL-Mariner),
/// openSUSE and Arch. Matched as a word of the image's name (`ubi9/python-312`,
/// `amazonlinux:2023`, an organisation's own `python-ubi8`), and every image of Red
/// Hat's registries.
const BASH_SH_DISTROS: &[&str] = &[
    "ubi",
    "ubi7",
    "ubi8",
    "ubi9",
    "ubi10",
    "rhel",
    "rhel7",
    "rhel8",
    "rhel9",
    "rhel10",
    "centos",
    "centos7",
    "centos8",
    "fedora",
    "rockylinux",
    "almalinux",
    "oraclelinux",
    "amazonlinux",
    "mariner",
    "azurelinux",
    "opensuse",
    "archlinux",
];

/// Whether an image's `/bin/sh` is bash, from its name ([`BASH_SH_DISTROS`]).
fn sh_is_bash(image: &str) -> bool {
    let name = crate::lang::dockerfile::image_name(image);
    if name.starts_with("registry.access.redhat.com/") || name.starts_with("registry.redhat.io/") {
        return true;
    }
    name.split('/')
        .flat_map(|segment| segment.split(['-', '_', '.']))
        .any(|word| BASH_SH_DISTROS.contains(&word))
}

impl Rule for ShellFormCmd {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let chain = final_chain(df);
        let entry = last_in_chain(df, &chain, Keyword::Entrypoint);
        let cmd = last_in_chain(df, &chain, Keyword::Cmd);
        let mut shell_program = "/bin/sh".to_string();
        if let Some(shell) = last_in_chain(df, &chain, Keyword::Shell) {
            let words = match &shell.args {
                crate::lang::dockerfile::Args::List(words) => &words[..],
                _ => &[],
            };
            if !crate::lang::dockerfile::stages::is_posix_shell(words) {
                return; // PowerShell or cmd: no `/bin/sh` in PID 1.
            }
            shell_program = words[0].value.to_ascii_lowercase();
        }
        let base = base_image(df, &chain).and_then(|image| resolve_image(df, image));
        let shell_form = |i: &crate::lang::dockerfile::Instruction| match i.command() {
            Some(Command::Shell(w)) => !app_is_pid_1(
                &w.value,
                execs_last_command(&shell_program, base.as_deref()),
            ),
            // `["sh", "-c", "…"]` is the shell form spelled out.
            Some(Command::Exec { args, .. }) => sh_c(args).is_some_and(|(program, script)| {
                !app_is_pid_1(script, execs_last_command(program, base.as_deref()))
            }),
            None => false,
        };
        if let Some(e) = entry.filter(|e| shell_form(e)) {
            let fix = shell_fix(&cx.source.text, e, Safety::Unsafe);
            let finding = cx.report(
                &Self::META,
                e.span.clone(),
                "shell-form `ENTRYPOINT` runs the app under `/bin/sh -c`, which does not forward SIGTERM",
                "use the exec form, e.g. `ENTRYPOINT [\"/app/server\"]`, or start the command with `exec`",
            );
            if let Some(fix) = fix {
                finding.fix(fix);
            }
            return;
        }
        // The `CMD` runs under an init that signals its whole process group: the app
        // under the shell gets SIGTERM too.
        if entry.is_some_and(init_signals_group) {
            return;
        }
        if let Some(c) = cmd.filter(|c| shell_form(c)) {
            // Under an `ENTRYPOINT`, the `CMD` is its arguments: `["sh", "-c", "…"]` then,
            // the words themselves after the rewrite.
            let safety = if entry.is_some() {
                Safety::Unsafe
            } else {
                Safety::Safe
            };
            let fix = shell_fix(&cx.source.text, c, safety);
            let finding = cx.report(
                &Self::META,
                c.span.clone(),
                "shell-form `CMD` runs the app under `/bin/sh -c`, which does not forward SIGTERM",
                "use the exec form, e.g. `CMD [\"gunicorn\", \"app:app\"]`, or start the command with `exec`",
            );
            if let Some(fix) = fix {
                finding.fix(fix);
            }
        }
    }
}

/// Whether an exec-form `ENTRYPOINT` is an init that sends SIGTERM to the whole process
/// group of its child: `dumb-init` (unless `--single-child`/`-c`), or `tini -g`. Plain
/// `tini` signals only the shell, which dies and takes the app down unsignalled.
fn init_signals_group(entry: &crate::lang::dockerfile::Instruction) -> bool {
    let Some(Command::Exec { args, .. }) = entry.command() else {
        return false;
    };
    let Some((program, rest)) = args.split_first() else {
        return false;
    };
    let name = program.value.rsplit('/').next().unwrap_or("");
    let flags: Vec<&str> = rest
        .iter()
        .map(|w| w.value.as_str())
        .take_while(|w| *w != "--" && w.starts_with('-'))
        .collect();
    match name {
        "dumb-init" => !flags.iter().any(|f| *f == "--single-child" || *f == "-c"),
        _ if name.starts_with("tini") => flags
            .iter()
            .any(|f| !f.starts_with("--") && f.contains('g')),
        _ => false,
    }
}

/// Shell builtins and keywords: a command starting with one needs the shell.
const SHELL_WORDS: [&str; 24] = [
    "cd", "export", "source", ".", "set", "unset", "ulimit", "umask", "eval", "alias", "if", "for",
    "while", "until", "case", "{", "!", "trap", "wait", "read", "exec", "shift", "local",
    "readonly",
];

/// The fix of a shell-form instruction: the exec form when the command is plain words
/// (`exec_form` says how safe that is), else `exec ` before the last simple command
/// (unsafe). `None` when neither applies.
fn shell_fix(
    text: &str,
    inst: &crate::lang::dockerfile::Instruction,
    exec_form: Safety,
) -> Option<Fix> {
    let Some(Command::Shell(w)) = inst.command() else {
        return None;
    };
    let raw = text.get(w.span.clone())?;
    if raw.trim_start().starts_with("<<") {
        return None; // a here-document
    }
    if let Some(fix) = exec_form_fix(text, inst, w.span.start, raw, exec_form) {
        return Some(fix);
    }
    exec_prefix_fix(w.span.start, raw)
}

/// `CMD a b  # why` → `# why` on the line above, `CMD ["a", "b"]`.
fn exec_form_fix(
    text: &str,
    inst: &crate::lang::dockerfile::Instruction,
    start: usize,
    raw: &str,
    safety: Safety,
) -> Option<Fix> {
    let continued = raw.contains("\\\n") || raw.contains("\\\r\n");
    let joined = raw.replace("\\\r\n", " ").replace("\\\n", " ");
    if joined.contains(['\n', '\r', '\\']) {
        return None;
    }
    let (command, comment) = match joined.find(" #").or(joined.starts_with('#').then_some(0)) {
        // A comment eats the rest of the joined command: only on a single line.
        Some(at) if !continued => (&joined[..at], Some(joined[at..].trim())),
        Some(_) => return None,
        None => (joined.as_str(), None),
    };
    let words: Vec<&str> = command.split_whitespace().collect();
    let plain = |w: &str| {
        w.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '@' | '%' | '+' | '=' | ':' | ',' | '.' | '/' | '-')
        })
    };
    let first = words.first()?;
    if !words.iter().all(|w| plain(w)) || first.contains('=') || SHELL_WORDS.contains(first) {
        return None;
    }
    let list: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    let exec = format!("[{}]", list.join(", "));
    let mut edits = vec![Edit::replace(start..start + raw.len(), exec)];
    if let Some(comment) = comment {
        let line_start = text[..inst.keyword_span.start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let indent = &text[line_start..inst.keyword_span.start];
        if !indent.trim().is_empty() {
            return None;
        }
        edits.insert(0, Edit::insert(line_start, format!("{indent}{comment}\n")));
    }
    Some(Fix { safety, edits })
}

/// `CMD cd /app && ./server` → `CMD cd /app && exec ./server` (unsafe).
fn exec_prefix_fix(start: usize, raw: &str) -> Option<Fix> {
    let cmds = shell::split(raw);
    let last = cmds.last()?;
    if last.op.is_some_and(|op| op != Op::Seq) {
        return None;
    }
    if cmds.len() >= 2 && cmds[cmds.len() - 2].op == Some(Op::Pipe) {
        return None;
    }
    let first = last.words.first()?;
    if first.value.contains('=')
        || SHELL_WORDS.contains(&first.value.as_str())
        || matches!(
            first.value.as_str(),
            "done" | "fi" | "esac" | "}" | ")" | "then" | "do"
        )
        || raw[first.span.clone()].starts_with('(')
    {
        return None;
    }
    Some(Fix::unsafe_(vec![Edit::insert(
        start + first.span.start,
        "exec ",
    )]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_versions_by_image() {
        for yes in [
            "registry.access.redhat.com/ubi9/python-312",
            "amazonlinux:2023",
            "amazonlinux",
            "rockylinux:9-minimal",
            "almalinux",
            "quay.io/centos/centos:stream9",
            "fedora:41",
            "archlinux:base",
            "opensuse/tumbleweed",
            "python:3.12-slim-bookworm",
            "ubuntu:jammy",
        ] {
            assert!(bash_5_1_or_later(yes), "{yes}");
        }
        for no in [
            "registry.access.redhat.com/ubi8/python-39",
            "amazonlinux:2",
            "rockylinux:8",
            "centos:7",
            "centos",
            "fedora:33",
            "opensuse/leap:15.6",
            "python:3.12-slim",
            "debian:buster",
            "ghcr.io/acme/base:1",
        ] {
            assert!(!bash_5_1_or_later(no), "{no}");
        }
    }
}
