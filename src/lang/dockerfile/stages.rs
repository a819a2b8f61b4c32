//! What the Dockerfile front end derives from the parsed instructions: the final stage
//! and the stages it is built from, the shell scripts inside `RUN` (split once per
//! instruction and cached), and what the final image is (a service, runnable, Windows).

use super::{Args, Command, Dockerfile, Instruction, Keyword, Stage};
use crate::lang::shell::{self, SimpleCommand};
use crate::source::SourceFile;

/// The final stage followed by the earlier stages it is built `FROM`, nearest first.
/// Instructions such as `USER`, `HEALTHCHECK` and `CMD` are inherited along this chain.
pub fn final_chain(df: &Dockerfile) -> Vec<&Stage> {
    let mut chain = Vec::new();
    let Some(mut stage) = df.final_stage() else {
        return chain;
    };
    chain.push(stage);
    while let Args::From { image, .. } = &df.from_instruction(stage).args {
        let parent = df.stages.iter().find(|s| {
            s.from < stage.from
                && matches!(&df.instructions[s.from].args,
                    Args::From { alias: Some(a), .. } if a.value.eq_ignore_ascii_case(&image.value))
        });
        match parent {
            Some(p) if chain.len() <= df.stages.len() => {
                chain.push(p);
                stage = p;
            }
            _ => break,
        }
    }
    chain
}

/// The last instruction with `keyword` along the final stage's chain.
pub fn last_in_chain<'a>(
    df: &'a Dockerfile,
    chain: &[&Stage],
    keyword: Keyword,
) -> Option<&'a Instruction> {
    chain.iter().find_map(|s| {
        df.stage_instructions(s)
            .iter()
            .rev()
            .find(|i| i.keyword == keyword)
    })
}

/// The image the final stage chain starts from (the first `FROM` that is not a stage).
pub fn base_image<'a>(df: &'a Dockerfile, chain: &[&Stage]) -> Option<&'a str> {
    let last = chain.last()?;
    match &df.from_instruction(last).args {
        Args::From { image, .. } => Some(image.value.as_str()),
        _ => None,
    }
}

/// A shell script inside an instruction, the file offset its text starts at (when the
/// text maps byte for byte onto the file), and its commands, split once per instruction.
pub struct Script<'a> {
    pub text: &'a str,
    pub base: Option<usize>,
    commands: &'a [SimpleCommand],
}

impl<'a> Script<'a> {
    pub fn commands(&self) -> &'a [SimpleCommand] {
        self.commands
    }

    /// File span of a span inside the script, or `fallback` when it cannot be mapped.
    pub fn file_span(
        &self,
        inner: std::ops::Range<usize>,
        fallback: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        match self.base {
            Some(b) => b + inner.start..b + inner.end,
            None => fallback,
        }
    }
}

/// The shell scripts a `RUN` executes: its shell-form command and the here-documents
/// the shell runs (`RUN <<EOF`, `bash <<EOF`; not `cat <<EOF > nginx.conf` or
/// `python3 <<EOF`, which feed data or another language). Exec-form `RUN ["…"]` runs
/// no shell and yields nothing. The scripts are split on first use and cached in the
/// instruction, so every rule reads the same split.
pub fn run_scripts<'a>(source: &SourceFile, inst: &'a Instruction) -> Vec<Script<'a>> {
    let Args::Command {
        command: Command::Shell(w),
        here_docs,
    } = &inst.args
    else {
        return Vec::new();
    };
    let cache = inst.shell_cache.get_or_init(|| {
        let main = shell::split_dockerfile(&w.value);
        let readers = here_doc_readers(&main);
        let mut out = Vec::with_capacity(1 + here_docs.len());
        for (i, doc) in here_docs.iter().enumerate() {
            let reader = readers.get(i).map_or("", String::as_str);
            if reader.is_empty() || SHELLS.contains(&reader) {
                out.push((Some(i), shell::split(&doc.value)));
            }
        }
        out.insert(0, (None, main));
        out
    });
    cache
        .iter()
        .map(|(which, commands)| {
            let word = which.and_then(|i| here_docs.get(i)).unwrap_or(w);
            Script {
                text: &word.value,
                base: maps(source, &word.span, &word.value),
                commands,
            }
        })
        .collect()
}

const SHELLS: [&str; 6] = ["sh", "bash", "dash", "ash", "zsh", "ksh"];

/// The shell form spelled out in exec form, `["sh", "-c", "…"]`: the shell's name and
/// its script.
pub fn sh_c(args: &[super::Word]) -> Option<(&str, &str)> {
    let program = args.first()?.value.rsplit('/').next().unwrap_or("");
    (SHELLS.contains(&program) && args.get(1).is_some_and(|a| a.value == "-c"))
        .then(|| args.get(2).map(|script| (program, script.value.as_str())))
        .flatten()
}

/// The program words of each simple command a `CMD`, `ENTRYPOINT` or `RUN` runs: its
/// shell form (or the script of `["sh", "-c", "…"]`) split into commands, each without
/// leading assignments and wrappers; a plain exec form is one command, as written.
pub fn command_programs(inst: &Instruction) -> Vec<Vec<String>> {
    let programs = |script: &str| -> Vec<Vec<String>> {
        shell::split(script)
            .iter()
            .map(|c| c.program().iter().map(|w| w.value.clone()).collect())
            .collect()
    };
    match inst.command() {
        Some(Command::Shell(w)) => programs(&w.value),
        Some(Command::Exec { args, .. }) => match sh_c(args) {
            Some((_, script)) => programs(script),
            None => vec![args.iter().map(|a| a.value.clone()).collect()],
        },
        None => Vec::new(),
    }
}

/// The development server a command line starts, if it starts one.
pub fn dev_server(words: &[&str]) -> Option<&'static str> {
    let name = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    let mut i = 0;
    while i < words.len() {
        let w = name(words[i]);
        let rest = &words[i + 1..];
        let has = |flag: &str| {
            rest.iter()
                .any(|a| *a == flag || a.starts_with(&format!("{flag}=")))
        };
        let first = rest.first().copied().unwrap_or("");
        let found = match w.as_str() {
            "manage.py" if first == "runserver" || first == "runserver_plus" => {
                Some("manage.py runserver")
            }
            "django-admin" if first == "runserver" => Some("django-admin runserver"),
            "flask" if first == "run" => Some("flask run"),
            "fastapi" if first == "dev" => Some("fastapi dev"),
            "uvicorn" | "gunicorn" | "hypercorn" | "granian" if has("--reload") => Some("--reload"),
            "npm" | "yarn" | "pnpm" | "bun"
                if first == "dev" || (first == "run" && rest.get(1) == Some(&"dev")) =>
            {
                Some("a `dev` script")
            }
            "next" | "nuxt" if first == "dev" => Some("`dev` server"),
            "nodemon" => Some("nodemon"),
            "cargo" if first == "run" || first == "watch" => Some("cargo run"),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        i += 1;
    }
    None
}

/// The development server the image starts, if it does (see [`dev_server`]), and the
/// instruction that starts it: the `CMD` and `ENTRYPOINT` in force in the final stage,
/// each alone and as the one command line they make together. RUN001 reports it; the
/// front end makes such a Dockerfile a development environment for the other rules
/// (Django's documentation says `runserver` is not for production, and on the services
/// measured every image that started one was a development image).
pub fn image_dev_server(df: &Dockerfile) -> Option<(&Instruction, &'static str)> {
    let chain = final_chain(df);
    let entry = last_in_chain(df, &chain, Keyword::Entrypoint);
    let cmd = last_in_chain(df, &chain, Keyword::Cmd);
    let words = |inst: &Instruction| -> Vec<String> {
        command_programs(inst).into_iter().flatten().collect()
    };
    let joined: Vec<String> = [entry, cmd].into_iter().flatten().flat_map(words).collect();
    [entry, cmd]
        .into_iter()
        .flatten()
        .map(|i| (i, words(i)))
        .chain(cmd.map(|c| (c, joined)))
        .find_map(|(inst, words)| {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            dev_server(&words).map(|server| (inst, server))
        })
}

/// Whether the image's command runs a shell script whose name says it is for
/// development or local use (`./start-dev.sh`, `entrypoint.local.sh`,
/// `run_development.sh`): the `CMD` and `ENTRYPOINT` in force in the final stage.
pub fn image_dev_script(df: &Dockerfile) -> bool {
    let chain = final_chain(df);
    [Keyword::Entrypoint, Keyword::Cmd]
        .into_iter()
        .filter_map(|k| last_in_chain(df, &chain, k))
        .flat_map(command_programs)
        .any(|words| words.iter().any(|w| is_dev_script(w)) || runs_dev_task(&words))
}

fn is_dev_script(word: &str) -> bool {
    let file = word.rsplit('/').next().unwrap_or(word);
    file.strip_suffix(".sh").is_some_and(named_for_development)
}

/// `make run.dev_docker`, `just dev`, `task serve:local`: a task runner's target named
/// for development.
fn runs_dev_task(words: &[String]) -> bool {
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    matches!(
        program.rsplit('/').next().unwrap_or(program),
        "make" | "just" | "task"
    ) && args
        .iter()
        .filter(|a| !a.starts_with('-') && !a.contains('='))
        .any(|a| named_for_development(a))
}

pub(super) fn named_for_development(name: &str) -> bool {
    name.split(['-', '_', '.', ':']).any(|part| {
        matches!(
            part.to_ascii_lowercase().as_str(),
            "dev" | "develop" | "development" | "local"
        )
    })
}

/// Every shell script the `RUN`s of a Dockerfile execute (see [`runs`] and
/// [`run_scripts`]), with the instruction each belongs to.
pub fn all_run_scripts<'a>(
    df: &'a Dockerfile,
    source: &'a SourceFile,
) -> impl Iterator<Item = (&'a Instruction, Script<'a>)> {
    runs(df).flat_map(move |(_, inst)| {
        run_scripts(source, inst)
            .into_iter()
            .map(move |script| (inst, script))
    })
}

/// For each here-document opened in the commands, in order, the program that reads it
/// ("" when the here-document is the whole command, as in `RUN <<EOF`).
fn here_doc_readers(commands: &[SimpleCommand]) -> Vec<String> {
    let mut out = Vec::new();
    for cmd in commands {
        for w in &cmd.words {
            if w.value.starts_with("<<") && !w.value.starts_with("<<<") {
                out.push(
                    cmd.program_name()
                        .filter(|p| !p.starts_with("<<"))
                        .unwrap_or("")
                        .to_string(),
                );
            }
        }
    }
    out
}

fn maps(source: &SourceFile, span: &std::ops::Range<usize>, value: &str) -> Option<usize> {
    (source.text.get(span.clone()) == Some(value)).then_some(span.start)
}

/// `RUN` instructions of every stage, with their index, and the `RUN`s under `ONBUILD`
/// (which run in every image built `FROM` this one, so they are checked the same way),
/// with the index of their `ONBUILD`. `RUN`s of a stage whose `SHELL` is not a POSIX
/// shell (PowerShell, `cmd`) are left out: their scripts are another language. So are
/// those of a stage named for tests or development that the final image is not built
/// from (`FROM production AS dev` after the production stage): they never ship.
pub fn runs(df: &Dockerfile) -> impl Iterator<Item = (usize, &Instruction)> {
    df.instructions
        .iter()
        .enumerate()
        .filter_map(|(index, i)| match (&i.keyword, &i.args) {
            (Keyword::Run, _) => Some((index, i)),
            (Keyword::Onbuild, Args::Onbuild(inner)) if inner.keyword == Keyword::Run => {
                Some((index, &**inner))
            }
            _ => None,
        })
        .filter(|(index, _)| df.shell_at(*index).is_none_or(is_posix_shell))
        .filter(|(index, _)| !df.in_side_stage(*index))
}

/// Whether a `SHELL` runs a POSIX shell (`/bin/bash`, `sh`, `ash`…), not PowerShell or
/// `cmd`.
pub fn is_posix_shell(shell: &[super::Word]) -> bool {
    let program = shell.first().map_or("", |w| w.value.as_str());
    let name = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    name.ends_with("sh") && name != "pwsh"
}

/// The text of an instruction's command (exec-form words joined), for heuristics.
fn command_text(inst: &Instruction) -> String {
    match inst.command() {
        Some(Command::Shell(w)) => w.value.clone(),
        Some(Command::Exec { args, .. }) => args
            .iter()
            .map(|a| a.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => String::new(),
    }
}

/// Programs that serve requests: an image started with one of them is a service.
const SERVERS: [&str; 38] = [
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "uwsgi",
    "granian",
    "nginx",
    "httpd",
    "apache2",
    "apache2-foreground",
    "caddy",
    "traefik",
    "envoy",
    "haproxy",
    "node",
    "npm",
    "yarn",
    "pnpm",
    "deno",
    "bun",
    "java",
    "puma",
    "unicorn",
    "rails",
    "php-fpm",
    "supervisord",
    "streamlit",
    "dotnet",
    "catalina.sh",
    "serve",
    "nginx-debug",
    // long-running workers: a health check tells a stuck one from a busy one
    "celery",
    "rq",
    "dramatiq",
    "huey",
    "arq",
    "sidekiq",
];

/// Servers that are a REPL when started with no script.
const REPLS: [&str; 3] = ["node", "deno", "bun"];

/// Whether the final image looks like a long-running service: it `EXPOSE`s a port, or
/// its command starts a known server or worker (or a program named `*server*`), or
/// binds an address.
pub fn is_service(df: &Dockerfile, chain: &[&Stage]) -> bool {
    if last_in_chain(df, chain, Keyword::Expose).is_some() {
        return true;
    }
    let command: String = [Keyword::Entrypoint, Keyword::Cmd]
        .into_iter()
        .filter_map(|k| last_in_chain(df, chain, k))
        .map(command_text)
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = command.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        let name = w.rsplit('/').next().unwrap_or(w);
        // A bare interpreter is a REPL (the `node` image's `CMD ["node"]`), not a server.
        let runs_a_script = || words[i + 1..].iter().any(|a| !a.starts_with('-'));
        (SERVERS.contains(&name) && (!REPLS.contains(&name) || runs_a_script()))
            || name == "runserver"
            || name.contains("server")
            || name.starts_with("--port")
            || name.starts_with("--bind")
            || name.starts_with("--listen")
            || name.contains("0.0.0.0")
    })
}

/// Whether the final image can run at all: something along the chain says what to
/// run or what to listen on. Artifact-only stages (`FROM scratch` + `COPY`) and CI
/// stages that only `RUN` checks are built, never run.
pub fn is_runnable(df: &Dockerfile, chain: &[&Stage]) -> bool {
    [Keyword::Cmd, Keyword::Entrypoint, Keyword::Expose]
        .into_iter()
        .any(|k| last_in_chain(df, chain, k).is_some())
}

/// Whether the image's command is an interactive shell and nothing else (`CMD
/// ["/bin/bash"]`, `ENTRYPOINT ["sh"]`, `CMD bash`): a base, builder or toolbox image
/// that someone runs a shell in, not a service.
pub fn runs_only_a_shell(df: &Dockerfile, chain: &[&Stage]) -> bool {
    let command = last_in_chain(df, chain, Keyword::Entrypoint)
        .or_else(|| last_in_chain(df, chain, Keyword::Cmd));
    let Some(Args::Command { command, .. }) = command.map(|i| &i.args) else {
        return false;
    };
    let words: Vec<&str> = match command {
        Command::Exec { args, .. } => args.iter().map(|w| w.value.as_str()).collect(),
        Command::Shell(w) => w.value.split_whitespace().collect(),
    };
    matches!(words.as_slice(), [program]
        if matches!(program.rsplit('/').next(), Some("bash" | "sh" | "ash" | "zsh" | "dash")))
}

/// Windows base images: no root user, no `/bin/sh`.
pub fn is_windows_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    lower.starts_with("mcr.microsoft.com/windows")
        || lower.contains("/windows/")
        || lower.contains("servercore")
        || lower.contains("nanoserver")
}

/// `FROM` image with `$VAR`/`${VAR}` replaced by the defaults of global `ARG`s, or
/// `None` when a variable has no default.
pub fn resolve_image(df: &Dockerfile, image: &str) -> Option<String> {
    if !image.contains('$') {
        return Some(image.to_string());
    }
    let args = df.global_args();
    let mut out = String::new();
    let mut rest = image;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            let body = &inner[..end];
            // `${VAR:-default}` carries its own default.
            let (name, default) = match body.split_once(":-").or_else(|| body.split_once('-')) {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            let value = args
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
                .or_else(|| default.map(str::to_string))?;
            out.push_str(&value);
            rest = &inner[end + 1..];
            continue;
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        let value = args
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())?;
        out.push_str(&value);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}
