//! What one Python file contributes to the repository index: the settings of a Django
//! settings module, and the docstring counts of its public API. Filled by the front end
//! for every file, whatever rules are selected.

use super::{Assign, Call, PythonFile, Value, ValueKind};
use crate::source::{SourceFile, Span, file_name};

/// What one Python file tells the repository rules.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct PythonFacts {
    /// Set for Django settings modules.
    pub settings: Option<SettingsFacts>,
    /// Set for code whose docstrings count (not tests, examples, migrations, stubs).
    pub docs: Option<DocFacts>,
    /// Service code that calls `socket.setdefaulttimeout(n)` (with `n` not `None`) at
    /// module level or in a function that does not put it back: a default every socket
    /// of the process gets from then on.
    #[serde(default)]
    pub default_socket_timeout: bool,
    /// Service code that replaces `requests.Session.request` with a wrapper that gives
    /// a timeout (`kwargs.setdefault("timeout", …)`): every `requests` call of the
    /// process, `requests.get` included, goes through it.
    #[serde(default)]
    pub requests_default_timeout: bool,
    /// Flask's development server started with its debugger (`app.run(debug=True)`)
    /// under `if __name__ == "__main__":`, outside tests and examples: it runs in
    /// production only if an image starts this file.
    #[serde(default)]
    pub main_debug_run: Option<Span>,
    /// The module-level functions of service code without decorators (by name, and
    /// where each is defined): code that runs only where something names it. The
    /// per-file phase keeps only those that hold a finding of a rule that skips
    /// scripts (see [`crate::repo::commands::search`]).
    #[serde(default)]
    pub plain_functions: Vec<(String, Span)>,
    /// The classes of this file whose `send` method gives a request a timeout when it
    /// has none (`kwargs["timeout"] = self.timeout`, `kwargs.setdefault("timeout", …)`):
    /// a `requests` transport adapter that bounds every request of a session it is
    /// mounted on.
    #[serde(default)]
    pub timeout_adapters: Vec<String>,
    /// The transport adapters this file mounts on a session (`s.mount(prefix,
    /// RetryAdapter(...))`, or an adapter bound to a name first): the session as
    /// written (`s`, `self.session`) and the adapter's class name. `requests`' own
    /// `HTTPAdapter` is left out (it sets no timeout).
    #[serde(default)]
    pub mounted_adapters: Vec<(String, String)>,
    /// For a `setup.py` that passes `install_requires`: the text files it names in a
    /// call (`read("requirements.txt")`), as written: the requirements files its
    /// package's dependencies are read from.
    #[serde(default)]
    pub install_requires_from: Vec<String>,
}

/// What a Django settings module sets.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct SettingsFacts {
    /// A development, local, test or CI settings module.
    pub dev: bool,
    /// `DEBUG = True` at module level.
    pub debug_true: Option<Span>,
    /// Sets `DEBUG` at module level (to anything).
    pub sets_debug: bool,
    /// `ALLOWED_HOSTS` holding `"*"`.
    pub wildcard_hosts: Option<Span>,
    pub sets_allowed_hosts: bool,
    /// `from X import *` modules, as written.
    pub star_imports: Vec<String>,
    /// Refuses to run with debug on: `assert not DEBUG` outside functions.
    #[serde(default)]
    pub guards_debug: bool,
    /// `ALLOWED_HOSTS = []` at module level, nothing added to it: with `DEBUG` on,
    /// Django then answers only requests for `localhost`, and with it off, none at all.
    #[serde(default)]
    pub local_hosts_only: bool,
}

/// Docstring counts of one file's public modules, classes and functions.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct DocFacts {
    pub documented: usize,
    pub total: usize,
    /// The first public definition without a docstring (or the module's start).
    pub first_undocumented: Option<Span>,
}

/// The facts of one parsed file, if it has any.
pub fn of(source: &SourceFile, file: &PythonFile) -> Option<PythonFacts> {
    let facts = PythonFacts {
        settings: settings(file),
        docs: docs(source, file),
        default_socket_timeout: default_socket_timeout(source, file),
        requests_default_timeout: requests_default_timeout(source, file),
        main_debug_run: main_debug_run(file),
        plain_functions: plain_functions(source, file),
        timeout_adapters: timeout_adapters(source, file),
        mounted_adapters: mounted_adapters(file),
        install_requires_from: install_requires_from(source, file),
    };
    (!facts.is_empty()).then_some(facts)
}

impl PythonFacts {
    /// Whether it tells nothing.
    pub fn is_empty(&self) -> bool {
        self.settings.is_none()
            && self.docs.is_none()
            && !self.default_socket_timeout
            && !self.requests_default_timeout
            && self.main_debug_run.is_none()
            && self.plain_functions.is_empty()
            && self.timeout_adapters.is_empty()
            && self.mounted_adapters.is_empty()
            && self.install_requires_from.is_empty()
    }
}

/// The text files a `setup.py` that passes `install_requires` names in its calls (see
/// [`PythonFacts::install_requires_from`]).
fn install_requires_from<'a>(source: &SourceFile, file: &PythonFile<'a>) -> Vec<String> {
    if file_name(&source.rel_path) != "setup.py"
        || !file
            .calls
            .iter()
            .any(|c| c.keyword("install_requires").is_some())
    {
        return Vec::new();
    }
    // A file's name, or the last part of a path joined with `/` or `+`
    // (`open(BASE_DIR / "requirements.txt")`, `(HERE / "requirements.txt").read_text()`).
    let named = |v: &Value<'a>| -> Option<&'a str> {
        v.as_str().or_else(|| match v.shallow()? {
            ValueKind::BinOp(_, _, right) => right.as_str(),
            _ => None,
        })
    };
    let mut names: Vec<String> = file
        .calls
        .iter()
        .flat_map(|c| c.args.iter().copied().chain(c.receiver()))
        .filter_map(|a| named(&a))
        .filter(|s| s.ends_with(".txt") || s.ends_with(".in"))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The classes whose `send` method sets a request's timeout (see
/// [`PythonFacts::timeout_adapters`]): a method named `send` whose text holds the key
/// `"timeout"`. Outside tests and examples.
fn timeout_adapters(source: &SourceFile, file: &PythonFile) -> Vec<String> {
    if file.role.test || file.role.example {
        return Vec::new();
    }
    file.defs
        .iter()
        .filter(|d| d.kind == super::DefKind::Function && d.name == "send" && !d.module_level)
        .filter(|d| {
            let text = source.text.get(d.span.clone()).unwrap_or_default();
            text.contains("\"timeout\"") || text.contains("'timeout'")
        })
        .filter_map(|d| file.enclosing_def(super::DefKind::Class, d.span.start))
        .map(|class| class.name.to_string())
        .collect()
}

/// The adapters mounted on sessions (see [`PythonFacts::mounted_adapters`]): each
/// `x.mount(prefix, Adapter(...))`, or `x.mount(prefix, adapter)` after `adapter =
/// Adapter(...)` in the file. Outside tests and examples.
fn mounted_adapters(file: &PythonFile) -> Vec<(String, String)> {
    if file.role.test || file.role.example {
        return Vec::new();
    }
    let class_of = |v: &Value<'_>| -> Option<String> {
        match v.kind() {
            ValueKind::Call(c) => c.func.last_name().map(str::to_string),
            _ => None,
        }
    };
    file.calls
        .iter()
        .filter(|c| c.method() == Some("mount") && c.args.len() == 2)
        .filter_map(|c| {
            let session = c.receiver()?.dotted()?;
            let adapter = &c.args[1];
            let class = class_of(adapter).or_else(|| {
                let name = adapter.dotted()?;
                file.assigns
                    .iter()
                    .rfind(|a| a.span.start < c.span.start && a.target.is_dotted(&name))
                    .and_then(|a| a.value.as_ref())
                    .and_then(class_of)
            })?;
            (class != "HTTPAdapter").then_some((session, class))
        })
        .collect()
}

/// `__name__`: a name Python itself calls.
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// The module-level functions of service code without decorators (see
/// [`PythonFacts::plain_functions`]). Not dunder functions (a module's `__getattr__` is
/// called by Python), nor functions that a framework calls by their name alone: a
/// serverless handler (`handler`, `lambda_handler`, `*_handler`, named in a deployment
/// template that may be code in another language), the hooks of a `gunicorn`
/// configuration (`post_fork`, `when_ready`, …) and pytest's (`pytest_*`).
fn plain_functions(source: &SourceFile, file: &PythonFile) -> Vec<(String, Span)> {
    const GUNICORN_HOOKS: &[&str] = &[
        "on_starting",
        "on_reload",
        "when_ready",
        "pre_fork",
        "post_fork",
        "post_worker_init",
        "worker_int",
        "worker_abort",
        "pre_exec",
        "pre_request",
        "post_request",
        "child_exit",
        "worker_exit",
        "nworkers_changed",
        "on_exit",
        "ssl_context",
    ];
    let plain = |d: &&super::Def| {
        d.kind == super::DefKind::Function
            && d.module_level
            && !d.decorated
            && !is_dunder(d.name)
            && !d.name.ends_with("handler")
            && !d.name.starts_with("pytest_")
            && !GUNICORN_HOOKS.contains(&d.name)
    };
    if !file.defs.iter().any(|d| plain(&d)) || !service_code(source, file) {
        return Vec::new();
    }
    file.defs
        .iter()
        .filter(plain)
        .map(|d| (d.name.to_string(), d.span.clone()))
        .collect()
}

/// Whether service code sets the process's default socket timeout for good:
/// `socket.setdefaulttimeout(60)` at module level, or in a function that does not put
/// it back (one that neither reads `socket.getdefaulttimeout()` nor sets it a second
/// time: the start-up function of a service; set for a moment around one call and then
/// restored, it does not count), outside tests, examples, scripts and tooling (a module
/// with a `#!` line counts: some services start every module with one).
fn default_socket_timeout(source: &SourceFile, file: &PythonFile) -> bool {
    let named = |c: &Call, name: &str| c.qualified.as_deref() == Some(name);
    let sets_it = file.calls.iter().any(|c| {
        if c.ctx.in_main
            || !named(c, "socket.setdefaulttimeout")
            || c.args.first().is_none_or(|a| a.is_none())
        {
            return false;
        }
        if !c.ctx.in_function {
            return true;
        }
        // The innermost function holding the call: no other touch of the default in it.
        let Some(function) = file.enclosing_def(super::DefKind::Function, c.span.start) else {
            return false;
        };
        !file.calls.iter().any(|o| {
            o.span != c.span
                && function.span.contains(&o.span.start)
                && (named(o, "socket.getdefaulttimeout") || named(o, "socket.setdefaulttimeout"))
        })
    });
    // The path's roles only for the rare file that sets it (every Python file asks).
    sets_it && !file.role.tooling && service_code(source, file)
}

/// Whether a file is code the service runs: not a test, an example or a script.
fn service_code(source: &SourceFile, file: &PythonFile) -> bool {
    !(file.role.test
        || file.role.example
        || crate::roles::Roles::of_path(&source.rel_path).has(crate::roles::Role::Script))
}

/// Whether service code gives every `requests` call a timeout: it assigns to
/// `requests.Session.request` (`Session.request = new_request`, in a function run at
/// start-up or at module level) a wrapper whose text sets `timeout` (a function of
/// this file, or a `functools.partialmethod(…, timeout=10)`). Outside tests, examples
/// and scripts.
fn requests_default_timeout(source: &SourceFile, file: &PythonFile) -> bool {
    let text = |span: &Span| source.text.get(span.clone()).unwrap_or_default();
    let patches = file.assigns.iter().any(|a| {
        let Some(value) = &a.value else { return false };
        matches!(
            file.resolve(&a.target).as_deref(),
            Some("requests.Session.request" | "requests.sessions.Session.request")
        ) && (text(&value.span()).contains("timeout")
            || value.dotted().is_some_and(|name| {
                file.defs
                    .iter()
                    .any(|d| d.name == name && text(&d.span).contains("timeout"))
            }))
    });
    // Tooling by name is not excluded: a service's own `setup.py` module
    // (`openforms/setup.py`, which `wsgi.py` and the worker import) is where such
    // start-up code lives.
    patches && service_code(source, file)
}

/// Whether `v` names a Flask app: made by `flask.Flask(...)` (or Flask-SocketIO), or
/// called `app`, `application` or `flask_app`.
pub fn is_flask_app(v: &Value, origin: Option<&str>) -> bool {
    if origin.is_some_and(|o| o == "flask.Flask" || o.ends_with(".SocketIO")) {
        return true;
    }
    matches!(v.last_name(), Some("app" | "application" | "flask_app"))
}

/// A call that turns a Flask app's debug mode on: `app.run(debug=True)`,
/// `app.config.update(DEBUG=True)`, `app.config.from_mapping(DEBUG=True)`.
pub fn flask_debug_call(call: &Call) -> bool {
    let Some(recv) = call.receiver() else {
        return false;
    };
    match call.method() {
        Some("run") => {
            is_flask_app(&recv, call.receiver_origin.as_deref())
                && call.keyword("debug").is_some_and(|k| k.value.is_true())
        }
        Some("update" | "from_mapping") => {
            matches!(recv.kind(), ValueKind::Attribute(_, a) if a == "config")
                && call.keyword("DEBUG").is_some_and(|k| k.value.is_true())
        }
        _ => false,
    }
}

/// An assignment that turns a Flask app's debug mode on: `app.debug = True`,
/// `app.config["DEBUG"] = True`.
pub fn flask_debug_assign(a: &Assign) -> bool {
    if !a.value.as_ref().is_some_and(Value::is_true) {
        return false;
    }
    match a.target.kind() {
        ValueKind::Attribute(recv, attr) => attr == "debug" && is_flask_app(&recv, None),
        ValueKind::Subscript(recv, key) => {
            key.as_str() == Some("DEBUG")
                && matches!(recv.kind(), ValueKind::Attribute(_, c) if c == "config")
        }
        _ => false,
    }
}

/// The first debug switch of a Flask app in the script's entry point
/// (`app.run(debug=True)` under `if __name__ == "__main__":`, or in a function only that
/// block calls; see [`PythonFacts::main_debug_run`]).
fn main_debug_run(file: &PythonFile) -> Option<Span> {
    if file.role.test || file.role.example || !file.imports_module("flask") {
        return None;
    }
    let run = file.calls.iter().find(|c| {
        file.in_entry_point(c.ctx.in_main, c.span.start)
            && !c.ctx.in_debug_guard
            && c.method() == Some("run")
            && flask_debug_call(c)
    });
    let assign = file.assigns.iter().find(|a| {
        file.in_entry_point(a.ctx.in_main, a.span.start)
            && !a.ctx.in_debug_guard
            && flask_debug_assign(a)
    });
    [run.map(|c| c.span.clone()), assign.map(|a| a.target.span())]
        .into_iter()
        .flatten()
        .min_by_key(|span| span.start)
}

/// What a Django settings module sets.
fn settings(file: &PythonFile) -> Option<SettingsFacts> {
    if !file.role.settings || file.role.test || file.role.example {
        return None;
    }
    let mut s = SettingsFacts {
        dev: file.role.dev_settings,
        star_imports: file.star_imports.clone(),
        guards_debug: file.asserts_not_debug,
        ..SettingsFacts::default()
    };
    for a in file.assigns.iter().filter(|a| a.module_level) {
        let Some(name) = a.target.dotted() else {
            continue;
        };
        match name.as_str() {
            "DEBUG" => {
                s.sets_debug = true;
                // In a branch (`if ENVIRONMENT == "dev":`, `else:` of a production
                // test, `if DB_LOGGING:`) it follows the deployment's own switch.
                s.debug_true = match &a.value {
                    Some(v)
                        if (v.is_true() || defaults_to_true(file, v))
                            && !a.augmented
                            && !a.ctx.in_if =>
                    {
                        Some(a.target.span())
                    }
                    _ => None,
                };
            }
            "ALLOWED_HOSTS" => {
                s.sets_allowed_hosts |= !a.augmented;
                s.local_hosts_only = !a.augmented
                    && a.value.as_ref().is_some_and(|v| match v.kind() {
                        ValueKind::List(items) | ValueKind::Tuple(items) => items.is_empty(),
                        _ => false,
                    });
                let star = a.value.as_ref().and_then(wildcard);
                if star.is_some() || !a.augmented {
                    s.wildcard_hosts = star.or(if a.augmented {
                        s.wildcard_hosts.clone()
                    } else {
                        None
                    });
                }
            }
            _ => {}
        }
    }
    // `vars().update(config)` (or `globals()`) at module level, as Open edX services
    // load a YAML file over their settings: what was set before it is a default the
    // deployment's file replaces.
    let loaded_at = file
        .calls
        .iter()
        .filter(|c| !c.ctx.in_function && c.method() == Some("update"))
        .filter(|c| {
            c.receiver().is_some_and(|r| match r.kind() {
                ValueKind::Call(inner) => inner
                    .func
                    .dotted()
                    .is_some_and(|d| d == "vars" || d == "globals"),
                _ => false,
            })
        })
        .map(|c| c.span.start)
        .max();
    // `ALLOWED_HOSTS.append(host)`, `ALLOWED_HOSTS.extend(...)`, anywhere in the module.
    s.local_hosts_only &= !file.calls.iter().any(|c| {
        c.receiver()
            .is_some_and(|r| r.dotted().as_deref() == Some("ALLOWED_HOSTS"))
    });
    if let Some(at) = loaded_at {
        s.local_hosts_only = false;
        s.sets_allowed_hosts = true;
        s.sets_debug = true;
        s.wildcard_hosts = s.wildcard_hosts.filter(|span| span.start > at);
        s.debug_true = s.debug_true.filter(|span| span.start > at);
    }
    Some(s)
}

/// A value read from the environment whose default, when the variable is unset, is
/// true: `os.environ.get("DEBUG", "True") == "True"`, `os.getenv("DEBUG", "1") == "1"`,
/// `env.bool("DEBUG", default=True)`, `config("DEBUG", default=True, cast=bool)`.
fn defaults_to_true(file: &PythonFile, v: &Value) -> bool {
    let truthy = |s: &str| matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on");
    match v.kind() {
        ValueKind::Equals(left, right) => {
            let (call, literal) = match (left.kind(), right.kind()) {
                (ValueKind::Call(c), ValueKind::Str(s))
                | (ValueKind::Str(s), ValueKind::Call(c)) => (c, s),
                _ => return false,
            };
            let reads_env = file
                .resolve(&call.func)
                .is_some_and(|q| matches!(q.as_str(), "os.environ.get" | "os.getenv"))
                || call
                    .func
                    .dotted()
                    .is_some_and(|d| d.ends_with("environ.get"));
            let default = call
                .args
                .get(1)
                .or_else(|| {
                    call.keywords
                        .iter()
                        .find(|k| k.name == Some("default"))
                        .map(|k| &k.value)
                })
                .and_then(Value::as_str);
            reads_env && truthy(literal) && default.is_some_and(|d| d.eq_ignore_ascii_case(literal))
        }
        ValueKind::Call(call) => {
            call.keywords
                .iter()
                .any(|k| k.name == Some("default") && k.value.is_true())
                && call.func.dotted().is_some_and(|d| {
                    d.ends_with(".bool") || d == "config" || d.ends_with(".config")
                })
        }
        _ => false,
    }
}

/// The `"*"` element of a list, tuple or set literal.
fn wildcard(v: &Value) -> Option<Span> {
    match v.kind() {
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => items
            .iter()
            .find(|i| i.as_str() == Some("*"))
            .map(|i| i.span()),
        ValueKind::BinOp(_, l, r) => wildcard(&l).or_else(|| wildcard(&r)),
        _ => None,
    }
}

/// Docstring counts, for code whose docstrings count (not tests, examples, scripts,
/// tooling, migrations or stubs).
fn docs(source: &SourceFile, file: &PythonFile) -> Option<DocFacts> {
    let r = &file.role;
    if !r.is_service_code() || r.migration || r.stub {
        return None;
    }
    let name = file_name(&source.rel_path);
    let mut d = DocFacts::default();
    let public_module = file.module_has_code && (!name.starts_with('_') || name == "__init__.py");
    if public_module {
        d.total += 1;
        d.documented += usize::from(file.module_docstring);
    }
    for def in file.defs.iter().filter(|d| d.public) {
        d.total += 1;
        if def.has_docstring {
            d.documented += 1;
        } else if d.first_undocumented.is_none() {
            d.first_undocumented = Some(def.name_span.clone());
        }
    }
    if public_module && !file.module_docstring && d.first_undocumented.is_none() {
        d.first_undocumented = Some(0..0);
    }
    (d.total > 0).then_some(d)
}
