//! CFG001 debug-enabled.

use super::SettingsIndex;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{Call, PythonFile, Value, ValueKind};
use crate::repo::RepoIndex;
use crate::rule::{Context, RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags debug mode switched on in code that is deployed:
    /// - Django: `DEBUG = True` at module level of a settings module (`settings.py`,
    ///   `settings/*.py`, `*_settings.py`) that is not for development, local use, tests
    ///   or CI (`settings/dev.py`, `local_settings.py`, `settings_test.py`, … are fine);
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
    /// `DEBUG` itself. A value read from the environment is judged by its default: `DEBUG
    /// = os.environ.get("DEBUG", "True") == "True"` and `env.bool("DEBUG", default=True)`
    /// turn debug on wherever the variable is unset, and are flagged; other expressions
    /// are not judged. Flask code is recognised in files that import `flask`; tests and
    /// examples are skipped. `app.run(debug=True)` is flagged even under `if __name__ ==
    /// "__main__":`, because images often start the app that way (`CMD python app.py`),
    /// but not under a test of a debug setting (`if settings.DEBUG:`).
    pub DebugEnabled,
    code = "CFG001", name = "debug-enabled", category = Config, severity = Error,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    reads = [FileKind::Python],
}

fn is_app(file: &PythonFile, v: &Value, origin: Option<&str>) -> bool {
    if origin.is_some_and(|o| o == "flask.Flask" || o.ends_with(".SocketIO")) {
        return true;
    }
    let _ = file;
    matches!(v.last_name(), Some("app" | "application" | "flask_app"))
}

fn flask_call(file: &PythonFile, call: &Call) -> bool {
    let Some(recv) = call.receiver() else {
        return false;
    };
    match call.method() {
        Some("run") => {
            is_app(file, &recv, call.receiver_origin.as_deref())
                && call.keyword("debug").is_some_and(|k| k.value.is_true())
        }
        Some("update" | "from_mapping") => {
            matches!(recv.kind(), ValueKind::Attribute(_, a) if a == "config")
                && call.keyword("DEBUG").is_some_and(|k| k.value.is_true())
        }
        _ => false,
    }
}

impl Rule for DebugEnabled {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if !file.imports_module("flask") || file.role.test || file.role.example {
            return;
        }
        for call in &file.calls {
            // `if settings.DEBUG: app.run(debug=True)` follows the configuration.
            if flask_call(file, call) && !call.ctx.in_debug_guard {
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
            if !a.value.as_ref().is_some_and(Value::is_true) || a.ctx.in_debug_guard {
                continue;
            }
            let hit = match a.target.kind() {
                ValueKind::Attribute(recv, attr) => attr == "debug" && is_app(file, &recv, None),
                ValueKind::Subscript(recv, key) => {
                    key.as_str() == Some("DEBUG")
                        && matches!(recv.kind(), ValueKind::Attribute(_, c) if c == "config")
                }
                _ => false,
            };
            if hit {
                cx.report(
                    &Self::META,
                    a.target.span(),
                    "debug mode is switched on for this Flask app",
                    "never enable the debugger in deployed code; read it from the environment (`FLASK_DEBUG`)",
                );
            }
        }
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let index = SettingsIndex::new(repo);
        for (path, s) in index.all() {
            let Some(span) = s.debug_true.clone() else {
                continue;
            };
            if s.dev || index.overridden_for_production(path, |o| o.sets_debug) {
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
