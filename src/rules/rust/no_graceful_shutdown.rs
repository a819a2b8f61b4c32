//! RUN002 no-graceful-shutdown.

use quote::ToTokens;

use super::{as_local, call_path, chain, local_uses, mentions_ident};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::rust::{Node, RustFile, Scope};
use crate::repo::RepoIndex;
use crate::rule::{Context, RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an HTTP server started without graceful shutdown, which cuts the requests
    /// in flight when the service is stopped.
    ///
    /// The servers:
    /// - axum: `axum::serve(listener, app)` not followed by
    ///   `.with_graceful_shutdown(..)`;
    /// - hyper 0.14 and axum 0.6: `Server::bind(..).serve(..)` (and `Server::from_tcp`,
    ///   `Server::builder`) without `.with_graceful_shutdown(..)`;
    /// - warp: `warp::serve(routes).run(addr)` (use `bind_with_graceful_shutdown`);
    /// - poem: `Server::new(listener).run(app)` (use `run_with_graceful_shutdown`);
    /// - actix-web: `HttpServer::new(..)...disable_signals()`. actix-web stops
    ///   gracefully on SIGTERM and SIGINT by default, so a plain `HttpServer` is fine.
    ///
    /// A server in a file that also waits for a signal itself (`ctrl_c`, `SignalKind`,
    /// `signal_hook`, a `shutdown_signal` function) is taken to handle shutdown and is
    /// not flagged, nor is a server held in a variable that later gets
    /// `.with_graceful_shutdown(..)`, nor an actix server with signals disabled whose
    /// function stops it or hands out its `handle()`.
    ///
    /// ## Why it matters in production
    /// Every deploy, scale-in and node drain sends SIGTERM and waits. A tokio program
    /// that does not listen for it dies on the spot, cutting every request in flight;
    /// run as PID 1 in a container, it does not die at all — PID 1 ignores SIGTERM
    /// without a handler — so the orchestrator waits out its grace period (30 seconds
    /// on Kubernetes) and then kills it with SIGKILL, on every rollout.
    ///
    /// ## Example
    /// ```rust
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    /// axum::serve(listener, app).await?;
    /// ```
    ///
    /// ## Fix
    /// ```rust
    /// axum::serve(listener, app)
    ///     .with_graceful_shutdown(async {
    ///         let mut term = tokio::signal::unix::signal(SignalKind::terminate()).unwrap();
    ///         tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
    ///     })
    ///     .await?;
    /// ```
    ///
    /// ## Known limits
    /// A shutdown signal handled in another file than the one starting the server (a
    /// signal task spawned in `main.rs` that calls `std::process::exit`) is not seen,
    /// and the server is flagged. Tests, benchmarks and examples are skipped.
    ///
    /// For Python (and any) services, the image is checked: a Dockerfile whose
    /// `ENTRYPOINT` (or `CMD`) runs a shell script of the repository (`./start.sh`,
    /// `/entrypoint.sh` put there by a `COPY`) that starts gunicorn, uvicorn,
    /// hypercorn, daphne, granian or waitress without `exec` is flagged: the shell stays
    /// PID 1, does not pass SIGTERM on, and the server is killed at the end of the
    /// grace period. A script that traps TERM is taken to forward it. Only `*.sh`
    /// scripts found in the repository are read (where the build context puts them is
    /// guessed: the Dockerfile's directory, then the root).
    pub NoGracefulShutdown,
    code = "RUN002", name = "no-graceful-shutdown", category = Config, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Rust, FileKind::Dockerfile, FileKind::Text],
}

/// Python application servers that stop gracefully on SIGTERM, if they get it.
const PYTHON_SERVERS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "granian",
    "waitress-serve",
];

/// The first command of `script` that starts a Python application server without
/// `exec` (and not in the background), unless the script traps TERM: the server and
/// the byte offset of its command.
fn server_without_exec(script: &str) -> Option<(String, usize)> {
    let commands = crate::lang::shell::split(script);
    if crate::lang::shell::traps_term(&commands) {
        return None;
    }
    commands.iter().find_map(|c| {
        let words = c.program();
        let name = c.program_name()?;
        let server = match name {
            n if PYTHON_SERVERS.contains(&n) => n,
            "python" | "python3" if words.get(1).is_some_and(|w| w.value == "-m") => {
                let m = words.get(2)?.value.as_str();
                PYTHON_SERVERS.iter().find(|s| **s == m)?
            }
            "poetry" | "uv" | "pipenv" | "pdm"
                if words.get(1).is_some_and(|w| w.value == "run") =>
            {
                let m = words.get(2)?.value.as_str();
                PYTHON_SERVERS.iter().find(|s| **s == m)?
            }
            _ => return None,
        };
        let execed = c.command_words().iter().any(|w| w.value == "exec");
        let background = c.op == Some(crate::lang::shell::Op::Background);
        let at = words.first()?.span.start;
        (!execed && !background).then(|| (server.to_string(), at))
    })
}

impl NoGracefulShutdown {
    /// Dockerfiles whose entry script starts a Python server without `exec`.
    fn check_entry_scripts(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        for (src, entry, script, _) in repo.entry_scripts(".sh") {
            let Some((server, at)) = server_without_exec(&script.text) else {
                continue;
            };
            cx.report(
                &Self::META,
                &src.rel_path,
                entry.span.clone(),
                format!(
                    "the image starts `{}`, which runs `{server}` without `exec` (line {}): the shell stays PID 1 and SIGTERM never reaches the server",
                    script.rel_path,
                    script.line_of(at)
                ),
                "write `exec` before the server's command on the script's last line, so the server replaces the shell and gets the signals",
            );
        }
    }
}

/// Idents that show the function handles termination signals itself.
const SIGNAL_HANDLING: &[&str] = &[
    "with_graceful_shutdown",
    "ctrl_c",
    "SignalKind",
    "signal_hook",
    "Signals",
    "shutdown_signal",
];

impl NoGracefulShutdown {
    /// Whether the file around the server handles shutdown one way or another: a
    /// shutdown future, a signal listener (often in a function of its own that the
    /// server's function calls or hands a handle to).
    fn handled(file: &RustFile<'_>, scope: &Scope<'_>) -> bool {
        if scope.fn_body.is_none() {
            // Inside a macro body: the function cannot be seen, so nothing is said.
            return true;
        }
        let tokens = file.ast.to_token_stream();
        SIGNAL_HANDLING
            .iter()
            .any(|i| mentions_ident(tokens.clone(), i))
    }
}

impl Rule for NoGracefulShutdown {
    fn visits_rust_nodes(&self) -> bool {
        true
    }

    fn wants_file(&self, rel_path: &str) -> bool {
        rel_path.ends_with(".sh")
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        self.check_entry_scripts(repo, cx);
    }

    fn check_rust_node(
        &self,
        file: &RustFile<'_>,
        node: Node<'_>,
        scope: &Scope<'_>,
        cx: &mut Context<'_>,
    ) {
        if file.is_test_code(scope) {
            return;
        }
        let Node::Expr(expr) = node else { return };
        let imports = &file.imports;
        // `axum::serve(listener, app)`, `warp::serve(routes)...run(addr)`.
        if let Some(path) = call_path(expr) {
            if imports.names(path, "axum::serve") {
                if Self::handled(file, scope) {
                    return;
                }
                cx.report(
                    &Self::META,
                    file.span(path),
                    "`axum::serve` without `.with_graceful_shutdown(..)` drops requests in flight on SIGTERM",
                    "chain `.with_graceful_shutdown(signal)` with a future that waits for SIGTERM and Ctrl-C",
                );
            }
            return;
        }
        let syn::Expr::MethodCall(m) = expr else {
            return;
        };
        let method = m.method.to_string();
        let c = chain(&m.receiver);
        let root = match call_path(c.root) {
            Some(p) => imports.resolve(p),
            None => {
                // `let server = Server::bind(..)`, then `server.serve(..)`.
                let Some(name) = as_local(c.root) else { return };
                let Some(body) = scope.fn_body else { return };
                let uses = local_uses(body, &name);
                let Some(p) = uses.values.iter().find_map(|v| call_path(chain(v).root)) else {
                    return;
                };
                imports.resolve(p)
            }
        };
        let (msg, help) = match method.as_str() {
            "serve"
                if [
                    "hyper::Server::bind",
                    "hyper::Server::from_tcp",
                    "hyper::Server::builder",
                    "hyper::server::Server::bind",
                    "hyper::server::Server::builder",
                    "axum::Server::bind",
                    "axum::Server::from_tcp",
                    "axum::Server::builder",
                ]
                .contains(&root.as_str()) =>
            {
                (
                    "this server has no `.with_graceful_shutdown(..)` and drops requests in flight on SIGTERM",
                    "chain `.with_graceful_shutdown(signal)` with a future that waits for SIGTERM and Ctrl-C",
                )
            }
            "run" if root == "warp::serve" => (
                "`warp::serve(..).run(..)` has no graceful shutdown and drops requests in flight on SIGTERM",
                "use `.bind_with_graceful_shutdown(addr, signal)` with a future that waits for SIGTERM",
            ),
            "run" if root == "poem::Server::new" => (
                "`Server::run` has no graceful shutdown and drops requests in flight on SIGTERM",
                "use `.run_with_graceful_shutdown(app, signal, Some(timeout))`",
            ),
            "disable_signals" if root == "actix_web::HttpServer::new" => (
                "`disable_signals()` turns off actix-web's graceful stop on SIGTERM",
                "keep actix-web's signal handling, or stop the server yourself with `ServerHandle::stop(true)` on SIGTERM",
            ),
            _ => return,
        };
        if method == "disable_signals" {
            // A server that is stopped by hand: `handle().stop(true)`.
            // Stopped by hand here, or its handle handed out to be stopped.
            let stopped = scope.fn_body.is_none_or(|b| {
                let tokens = b.to_token_stream();
                mentions_ident(tokens.clone(), "stop") || mentions_ident(tokens, "handle")
            });
            if stopped || Self::handled(file, scope) {
                return;
            }
        } else if Self::handled(file, scope) {
            return;
        }
        cx.report(&Self::META, file.span(&m.method), msg, help);
    }
}
