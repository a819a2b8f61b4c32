//! RUN001 dev-server-in-production.

use super::{final_chain, last_in_chain, sh_c};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{Args, Command, Dockerfile, Instruction, Keyword};
use crate::lang::shell;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an image whose final stage starts a development server: `manage.py
    /// runserver` (Django), `flask run`, `uvicorn --reload` (or `--reload` on
    /// `gunicorn`, `hypercorn`, `granian`), `fastapi dev`, `npm run dev` / `yarn dev` /
    /// `pnpm dev`, `next dev`, `vite` without `build`/`preview`, `nodemon`, and
    /// `cargo run` (which compiles at every start). The command is read from the
    /// `CMD` and `ENTRYPOINT` in force in the final stage, in exec form, in shell form,
    /// and inside `sh -c "…"`.
    ///
    /// ## Why it matters in production
    /// Development servers are single-process, reload on file changes, serve static
    /// files themselves, and often show tracebacks to the client. Django and Flask say
    /// so at start-up: "do not use it in a production deployment". Under load they fall
    /// over, and a reloader restarting inside a container drops requests.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "mysite.wsgi"]
    /// ```
    ///
    /// ## Known limits
    /// Only Dockerfiles are read for now: a Procfile's or Compose service's command and
    /// `python app.py` where `app.py` calls `app.run()` are not. A command behind an
    /// entrypoint script (`CMD ["./start.sh"]`) is not followed. Dockerfiles of
    /// development environments are skipped (see below), and so is a final stage
    /// named for development (`FROM … AS dev`, `AS dev-envs`, `AS development`).
    ///
    /// Opt-in for now: on the 16 services and 50 repositories measured it found
    /// nothing but sample development images, so its precision on services is not
    /// measured yet.
    pub DevServer,
    code = "RUN001", name = "dev-server-in-production", category = Config, severity = Error,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Dockerfile],
}

/// The development server a command line starts, if it starts one.
fn dev_server(words: &[&str]) -> Option<&'static str> {
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

/// The words of an instruction's command, with the script of `sh -c "…"` split.
fn command_words(inst: &Instruction) -> Vec<String> {
    match inst.command() {
        Some(Command::Shell(w)) => split_words(&w.value),
        Some(Command::Exec { args, .. }) => match sh_c(args) {
            Some((_, script)) => split_words(script),
            None => args.iter().map(|a| a.value.clone()).collect(),
        },
        None => Vec::new(),
    }
}

fn split_words(script: &str) -> Vec<String> {
    shell::split(script)
        .iter()
        .flat_map(|c| {
            c.program()
                .iter()
                .map(|w| w.value.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

impl Rule for DevServer {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let chain = final_chain(df);
        // A final stage named for development (`AS dev`, `AS dev-envs`) is not a
        // production image.
        if let Some(stage) = chain.first()
            && let Args::From {
                alias: Some(alias), ..
            } = &df.from_instruction(stage).args
            && alias
                .value
                .to_ascii_lowercase()
                .split(['-', '_', '.'])
                .any(|w| {
                    matches!(
                        w,
                        "dev" | "development" | "devcontainer" | "local" | "debug"
                    )
                })
        {
            return;
        }
        // The ENTRYPOINT and the CMD it is given run as one command line.
        let entry = last_in_chain(df, &chain, Keyword::Entrypoint);
        let cmd = last_in_chain(df, &chain, Keyword::Cmd);
        let joined: Vec<String> = [entry, cmd]
            .into_iter()
            .flatten()
            .flat_map(command_words)
            .collect();
        for (inst, words) in [entry, cmd]
            .into_iter()
            .flatten()
            .map(|i| (i, command_words(i)))
            .chain(cmd.map(|c| (c, joined)))
        {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            if let Some(server) = dev_server(&words) {
                cx.report(
                    &Self::META,
                    inst.span.clone(),
                    format!("the image starts a development server ({server})"),
                    "run a production server: gunicorn or uvicorn workers without `--reload`, `node` on the built app, the compiled binary",
                );
                return;
            }
        }
    }
}
