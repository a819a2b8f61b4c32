//! CFG001 debug-enabled.

use super::SettingsIndex;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::PythonFile;
use crate::lang::python::facts::{flask_debug_assign, flask_debug_call};
use crate::repo::RepoIndex;
use crate::rule::{Context, RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags debug mode switched on in code that is deployed:
    /// - Django: `DEBUG = True` at module level of a settings module (`settings.py`,
    ///   `settings/*.py`, `*_settings.py`) that is not for development, local use, tests
    ///   or CI (`settings/dev.py`, `local_settings.py`, `settings_test.py`, `settings/e2e.py`,
    ///   … are fine);
    /// - Flask: `app.run(debug=True)`, `app.debug = True`, `app.config["DEBUG"] = True`,
    ///   `app.config.update(DEBUG=True)`.
    ///
    /// ## Why it matters in production
    /// Django's debug pages show settings, SQL and source to anyone who triggers an
    /// error, and `DEBUG` keeps every query in memory. Flask's debugger is an
    /// interactive Python console in the browser: remote code execution.
    ///
    /// ## Example
    /// ```python
    /// # settings/prod.py
    /// DEBUG = True
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    /// ```
    ///
    /// ## Known limits
    /// A base settings module with `DEBUG = True` is fine when every non-development
    /// module of its directory that star-imports it (`from .base import *`) sets
    /// `DEBUG` itself or refuses to run with it (`assert not DEBUG`). A module that also
    /// sets `ALLOWED_HOSTS = []` (and adds no host to it) is not flagged when no other
    /// settings module builds on it: with debug on, Django then answers only requests for
    /// `localhost` (with it off, none), so it is a developer's configuration, as
    /// `startproject` generates it (judged on services: three such modules, of a
    /// demonstration project, a reusable app's harness and a development-only entry
    /// point, none worth acting on). `DEBUG = True` in
    /// a branch of an `if` (`else:` of `if ENVIRONMENT == "production":`) follows the
    /// deployment's own switch and is not flagged. A value read from the environment is judged by its default: `DEBUG
    /// = os.environ.get("DEBUG", "True") == "True"` and `env.bool("DEBUG", default=True)`
    /// turn debug on wherever the variable is unset, and are flagged; other expressions
    /// are not judged. Flask code is recognised in files that import `flask`; tests and
    /// examples are skipped. `app.run(debug=True)` (or `app.debug = True`) under `if
    /// __name__ == "__main__":`, or in a function that only that block calls (`def
    /// local_main():`), is the developer's server: it is flagged only when an image of
    /// the repository starts that file (`CMD ["python", "app.py"]`), once, at its first
    /// debug switch; a server that imports the app (gunicorn, uwsgi) never runs that
    /// block. It is never flagged under a test of a debug setting
    /// (`if settings.DEBUG:`).
    pub DebugEnabled,
    code = "CFG001", name = "debug-enabled", category = Config, severity = Error,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    reads = [FileKind::Python],
}

impl Rule for DebugEnabled {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if !file.imports_module("flask") || file.role.test || file.role.example {
            return;
        }
        // What runs only as `python app.py` (the `if __name__ == "__main__":` block and
        // the functions only it calls) is the developer's server, reported by the
        // repository check only when an image starts the file.
        for call in &file.calls {
            // `if settings.DEBUG: app.run(debug=True)` follows the configuration.
            let main_run = call.method() == Some("run")
                && file.in_entry_point(call.ctx.in_main, call.span.start);
            if flask_debug_call(call) && !call.ctx.in_debug_guard && !main_run {
                cx.report(
                    &Self::META,
                    call.span.clone(),
                    "debug mode is switched on for this Flask app",
                    "never enable the debugger in deployed code; read it from the environment (`FLASK_DEBUG`)",
                );
            }
        }
        for a in &file.assigns {
            // `if args.dev: app.config["DEBUG"] = True` follows a developer's switch.
            if a.ctx.in_debug_guard
                || file.in_entry_point(a.ctx.in_main, a.span.start)
                || !flask_debug_assign(a)
            {
                continue;
            }
            cx.report(
                &Self::META,
                a.target.span(),
                "debug mode is switched on for this Flask app",
                "never enable the debugger in deployed code; read it from the environment (`FLASK_DEBUG`)",
            );
        }
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        // `CMD ["python", "app.py"]` where `app.py` ends in `app.run(debug=True)`.
        for (df, _, script, facts) in repo.entry_scripts(".py") {
            let Some(span) = facts.python.as_ref().and_then(|p| p.main_debug_run.clone()) else {
                continue;
            };
            if crate::roles::Roles::of_path(&df.rel_path).any(crate::roles::Role::NOT_SHIPPED_IMAGE)
            {
                continue;
            }
            cx.report(
                &Self::META,
                &script.rel_path,
                span,
                format!(
                    "debug mode is switched on for this Flask app, and `{}` starts the image with this file",
                    df.rel_path
                ),
                "never enable the debugger in deployed code; read it from the environment (`FLASK_DEBUG`)",
            );
        }
        let index = SettingsIndex::new(repo);
        for (path, s) in index.all() {
            let Some(span) = s.debug_true.clone() else {
                continue;
            };
            // `ALLOWED_HOSTS = []` beside it, and no other module builds on it: Django
            // answers only `localhost` (Django's `startproject` settings, a demo project).
            let local_only =
                s.local_hosts_only && index.production_importers(path).next().is_none();
            if s.dev
                || local_only
                || index.overridden_for_production(path, |o| o.sets_debug || o.guards_debug)
            {
                continue;
            }
            cx.report(
                &Self::META,
                path,
                span,
                "`DEBUG = True` in a Django settings module that is not for development",
                "read it from the environment (`DEBUG = os.environ.get(\"DJANGO_DEBUG\") == \"1\"`), or move it to development settings",
            );
        }
    }
}
