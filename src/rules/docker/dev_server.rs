//! RUN001 dev-server-in-production.

use super::final_chain;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::stages::{dev_server, image_dev_server};
use crate::lang::dockerfile::{Args, Dockerfile};
use crate::lang::shell;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a container image, Compose service or `Procfile` web process that starts
    /// a development server.
    ///
    /// The servers: `manage.py runserver` (Django), `flask run`, `uvicorn --reload` (or `--reload` on
    /// `gunicorn`, `hypercorn`, `granian`), `fastapi dev`, `npm run dev` / `yarn dev` /
    /// `pnpm dev`, `next dev`, `vite` without `build`/`preview`, `nodemon`, and
    /// `cargo run` (which compiles at every start). The command is read from the
    /// `CMD` and `ENTRYPOINT` in force in the final stage, in exec form, in shell form,
    /// and inside `sh -c "…"`; from the `command:` and `entrypoint:` of each service of
    /// a Compose file that is not a development stack; and from the `web:` process of
    /// a `Procfile` (Heroku, Dokku, Honcho, Foreman).
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
    /// `python app.py` where `app.py` calls `app.run()` of a Flask or Quart app (at
    /// module level, under `if __name__ == "__main__":` or in a function that only that
    /// block calls) is seen when `app.py` is in the repository (found through the `COPY`
    /// that puts it in the image); a call of `app.run()` inside another function is not. A command behind an entrypoint script
    /// (`CMD ["./start.sh"]`) is not followed. Dockerfiles of
    /// development environments are skipped (see below), and so is a final stage
    /// named for development (`FROM … AS dev`, `AS dev-envs`, `AS development`).
    /// Compose files for development, tests or CI (`docker-compose.dev.yml`,
    /// `compose.override.yaml`, files under `dev/` or `local/`, or opening with a
    /// comment that says so) are skipped, and so are `Procfile.dev` and other
    /// `Procfile.*` variants named for development. A `Procfile` has no front end of
    /// its own: the rule asks for it to be read as text, and reads its `web:` line.
    ///
    /// Opt-in for now: on the 16 services and 50 repositories measured it found
    /// nothing but sample development images, so its precision on services is not
    /// measured yet.
    pub DevServer,
    code = "RUN001", name = "dev-server-in-production", category = Config, severity = Error,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Dockerfile, FileKind::Compose, FileKind::Text, FileKind::Python],
}

/// Whether `rel_path` is a Procfile for production (`Procfile`, `Procfile.prod`; not
/// `Procfile.dev`).
fn is_procfile(rel_path: &str) -> bool {
    let name = crate::source::file_name(rel_path);
    name == "Procfile"
        || name.strip_prefix("Procfile.").is_some_and(|rest| {
            !rest
                .to_ascii_lowercase()
                .split(['.', '-', '_'])
                .any(|w| matches!(w, "dev" | "development" | "local" | "test" | "debug"))
        })
}

/// The words of a Compose `command:`/`entrypoint:` (a string or a list).
fn compose_words(node: &crate::lang::yaml::Node) -> Vec<String> {
    match &node.value {
        crate::lang::yaml::Value::Seq(items) => {
            let words: Vec<String> = items.iter().filter_map(|i| i.scalar_text()).collect();
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            match refs.as_slice() {
                [shell, "-c", script, ..] if shell.ends_with("sh") => split_words(script),
                _ => words,
            }
        }
        _ => node.as_str().map(split_words).unwrap_or_default(),
    }
}

/// The program words of every simple command of a shell script, in a row.
fn split_words(script: &str) -> Vec<String> {
    shell::split(script)
        .iter()
        .flat_map(|c| c.program().iter().map(|w| w.value.clone()))
        .collect()
}

impl DevServer {
    fn report(&self, cx: &mut Context<'_>, span: crate::source::Span, what: &str, server: &str) {
        cx.report(
            &Self::META,
            span,
            format!("{what} starts a development server ({server})"),
            "run a production server: gunicorn or uvicorn workers without `--reload`, `node` on the built app, the compiled binary",
        );
    }
}

impl Rule for DevServer {
    fn wants_file(&self, rel_path: &str) -> bool {
        is_procfile(rel_path)
    }

    fn wants_service_facts(&self) -> bool {
        true
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    /// `CMD ["python", "app.py"]` where `app.py` runs Flask's development server.
    fn check_repo(&self, repo: &crate::repo::RepoIndex, cx: &mut crate::rule::RepoContext<'_>) {
        for (src, entry, script, facts) in repo.entry_scripts(".py") {
            let Some(site) = facts.service.as_ref().and_then(|s| s.dev_server.as_ref()) else {
                continue;
            };
            cx.report(
                &Self::META,
                &src.rel_path,
                entry.span.clone(),
                format!(
                    "the image runs `{}`, which starts {}'s development server (`app.run()`, line {})",
                    script.rel_path,
                    site.framework,
                    script.line_of(site.span.start)
                ),
                "run a production server: gunicorn or uvicorn workers without `--reload`, `node` on the built app, the compiled binary",
            );
        }
    }

    fn check_text(&self, kind: FileKind, cx: &mut Context<'_>) {
        if kind != FileKind::Text || !is_procfile(&cx.source.rel_path) {
            return;
        }
        let source = cx.source;
        for line in 1..=source.line_count() {
            let text = source.line_text(line);
            let Some(command) = text.trim_start().strip_prefix("web:") else {
                continue;
            };
            let words = split_words(command);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            if let Some(server) = dev_server(&words) {
                self.report(
                    cx,
                    source.line_span(line),
                    "the Procfile's web process",
                    server,
                );
            }
        }
    }

    fn check_compose(&self, file: &crate::lang::compose::ComposeFile, cx: &mut Context<'_>) {
        if crate::lang::compose::is_dev_compose(cx.source) {
            return;
        }
        for (name, service) in file.service_list() {
            let entry = service
                .get("entrypoint")
                .map(compose_words)
                .unwrap_or_default();
            for key in ["entrypoint", "command"] {
                let Some(node) = service.get(key) else {
                    continue;
                };
                let mut words = compose_words(node);
                if key == "command" {
                    words.splice(0..0, entry.iter().cloned());
                }
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                if let Some(server) = dev_server(&words) {
                    self.report(
                        cx,
                        node.span.clone(),
                        &format!("the Compose service `{name}`"),
                        server,
                    );
                    break;
                }
            }
        }
    }

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
        if let Some((inst, server)) = image_dev_server(df) {
            self.report(cx, inst.span.clone(), "the image", server);
        }
    }
}
