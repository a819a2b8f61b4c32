//! The service facts of one Python file ([`ServiceFacts`]), read from the model the
//! front end already built: application constructors and Django settings, route
//! decorators and URL configurations, and the imports, middleware, `LOGGING`
//! configuration and request-ID header names that show health checks, metrics, request
//! IDs and structured logging.

use super::{Call, DefKind, PythonFile, Value, ValueKind};
use crate::lang::service::{
    AppKind, AppSite, Capability, Route, ServiceFacts, is_health_handler, is_request_id_name,
    python_module,
};
use crate::roles::{Role as PathRole, Roles};
use crate::source::SourceFile;

/// Application constructors (qualified callee) and their framework.
const APPS: &[(&str, &str, AppKind)] = &[
    ("flask.Flask", "Flask", AppKind::App),
    ("quart.Quart", "Quart", AppKind::App),
    ("fastapi.FastAPI", "FastAPI", AppKind::App),
    (
        "starlette.applications.Starlette",
        "Starlette",
        AppKind::App,
    ),
    ("falcon.App", "Falcon", AppKind::App),
    ("falcon.API", "Falcon", AppKind::App),
    ("falcon.asgi.App", "Falcon", AppKind::App),
    ("pyramid.config.Configurator", "Pyramid", AppKind::App),
    ("aiohttp.web.Application", "aiohttp", AppKind::App),
    ("sanic.Sanic", "Sanic", AppKind::App),
    ("tornado.web.Application", "Tornado", AppKind::App),
    ("litestar.Litestar", "Litestar", AppKind::App),
    (
        "django.core.wsgi.get_wsgi_application",
        "Django",
        AppKind::App,
    ),
    (
        "django.core.asgi.get_asgi_application",
        "Django",
        AppKind::App,
    ),
    ("flask.Blueprint", "Flask", AppKind::Router),
    ("fastapi.APIRouter", "FastAPI", AppKind::Router),
];

/// Methods that declare a route when used as a decorator (`@app.get("/x")`).
const DECORATOR_METHODS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
    "websocket",
    "view",
];

/// Methods that declare a route when called (`app.add_url_rule("/x", ...)`).
const ROUTE_METHODS: &[&str] = &[
    "add_url_rule",
    "add_route",
    "add_api_route",
    "add_get",
    "add_post",
    "add_view",
    "register",
];

/// Route constructors by qualified name prefix (Django URL configurations, Starlette
/// routes, aiohttp route definitions, Litestar handlers).
const ROUTE_FUNCTIONS: &[&str] = &[
    "django.urls.path",
    "django.urls.re_path",
    "django.conf.urls.url",
    "django.conf.urls.re_path",
    "starlette.routing.Route",
    "starlette.routing.WebSocketRoute",
    "aiohttp.web.get",
    "aiohttp.web.post",
    "aiohttp.web.route",
    "aiohttp.web.view",
    "litestar.get",
    "tornado.web.url",
];

/// The service facts of a parsed file, if it has any.
pub fn of(source: &SourceFile, file: &PythonFile) -> Option<ServiceFacts> {
    let r = &file.role;
    if r.test || r.example || r.tooling || r.stub {
        return None;
    }
    let mut s = ServiceFacts::default();
    let scripted = Roles::of_path(&source.rel_path).has(PathRole::Script);
    for i in &file.imports {
        let modules = python_module(&i.qualified);
        for (cap, module) in &modules {
            s.evidence(*cap, *module, i.span.clone());
        }
        let q = i.qualified.as_str();
        if q == "logging" || q.starts_with("logging.") || q == "loguru" || q.starts_with("loguru.")
        {
            s.logs = true;
        }
        if modules
            .iter()
            .any(|(c, _)| *c == Capability::StructuredLogging)
        {
            s.logs = true;
        }
        let last = q.rsplit('.').next().unwrap_or(q);
        if last.contains("RequestId") || last.contains("CorrelationId") {
            s.evidence(Capability::RequestId, last, i.span.clone());
        }
    }
    // Subclasses of an application class defined here (`class Redash(Flask)`).
    let subclasses: Vec<(&str, &(&str, &str, AppKind))> = file
        .defs
        .iter()
        .filter(|d| d.kind == DefKind::Class)
        .filter_map(|d| {
            d.bases.iter().find_map(|b| {
                let q = file.resolve(b)?;
                APPS.iter().find(|(a, ..)| *a == q).map(|app| (d.name, app))
            })
        })
        .collect();
    for call in &file.calls {
        let q = call.qualified.as_deref().unwrap_or("");
        let app = APPS.iter().find(|(a, ..)| *a == q).or_else(|| {
            subclasses
                .iter()
                .find(|(name, _)| matches!(call.func.shallow(), Some(ValueKind::Name(n)) if n == *name))
                .map(|(_, app)| *app)
        });
        if !scripted && let Some((_, framework, kind)) = app {
            s.apps.push(AppSite {
                framework: (*framework).to_string(),
                kind: *kind,
                span: call.func.span(),
            });
        }
        if let Some(path) = route_path(call) {
            s.routes.push(path);
        }
        // `app.run()` of a Flask or Quart app, run when the file is run as a script.
        if s.dev_server.is_none()
            && call.method() == Some("run")
            && let Some(framework) = match call.receiver_origin.as_deref() {
                Some("flask.Flask") => Some("Flask"),
                Some("quart.Quart") => Some("Quart"),
                _ => None,
            }
            && (!call.ctx.in_function || file.in_entry_point(call.ctx.in_main, call.span.start))
        {
            s.dev_server = Some(AppSite {
                framework: framework.to_string(),
                kind: AppKind::App,
                span: call.span.clone(),
            });
        }
        // Tornado's route table: `Application([(r"/health", HealthHandler), ...])`.
        if q == "tornado.web.Application"
            && let Some(ValueKind::List(items)) = call.args.first().map(|a| a.kind())
        {
            for item in items {
                if let ValueKind::Tuple(parts) = item.kind()
                    && let Some(first) = parts.first()
                    && let Some(path) = first.as_str()
                {
                    s.routes.push(Route {
                        path: path.to_string(),
                        span: first.span(),
                    });
                }
            }
        }
        // loguru's `logger.add(sink, serialize=True)` writes JSON lines.
        if call.method() == Some("add")
            && call.keyword("serialize").is_some_and(|k| k.value.is_true())
        {
            s.evidence(
                Capability::StructuredLogging,
                "loguru serialize=True",
                call.span.clone(),
            );
        }
        if q == "logging.config.dictConfig"
            && let Some(v) = call.args.first()
            && json_formatter(v)
        {
            s.evidence(Capability::StructuredLogging, "JSON formatter", v.span());
        }
        request_id_literal(
            call.args
                .iter()
                .chain(call.keywords.iter().map(|k| &k.value)),
            &mut s,
        );
    }
    for a in &file.assigns {
        let Some(v) = &a.value else { continue };
        let name = match a.target.shallow() {
            Some(ValueKind::Name(n)) => n,
            _ => "",
        };
        match name {
            "ROOT_URLCONF" if a.module_level && r.settings && !r.dev_settings => {
                s.apps.push(AppSite {
                    framework: "Django".into(),
                    kind: AppKind::Server,
                    span: a.target.span(),
                });
            }
            "INSTALLED_APPS" | "MIDDLEWARE" | "MIDDLEWARE_CLASSES" => {
                for_strings(v, &mut |text, span| {
                    for (cap, module) in python_module(text) {
                        s.evidence(cap, module, span.clone());
                    }
                    let last = text.rsplit('.').next().unwrap_or(text).to_ascii_lowercase();
                    if last.contains("requestid")
                        || last.contains("request_id")
                        || last.contains("correlation")
                    {
                        s.evidence(Capability::RequestId, text, span.clone());
                    }
                });
            }
            "LOGGING" | "LOGGING_CONFIG" | "LOG_CONFIG" if json_formatter(v) => {
                s.evidence(Capability::StructuredLogging, "JSON formatter", v.span());
            }
            _ => {}
        }
        request_id_literal(std::iter::once(v), &mut s);
    }
    for d in &file.defs {
        let lower = d.name.to_ascii_lowercase();
        if d.kind == DefKind::Class && lower.contains("json") && lower.contains("formatter") {
            s.evidence(Capability::StructuredLogging, d.name, d.name_span.clone());
        }
        if d.kind == DefKind::Function && is_health_handler(d.name) {
            s.evidence(Capability::HealthHandler, d.name, d.name_span.clone());
        }
        if lower.contains("request_id")
            || lower.contains("correlation_id")
            || lower.contains("requestid")
        {
            s.evidence(Capability::RequestId, d.name, d.name_span.clone());
        }
    }
    (!s.is_empty()).then_some(s)
}

/// The path a call declares a route for, if it declares one.
fn route_path(call: &Call) -> Option<Route> {
    let q = call.qualified.as_deref().unwrap_or("");
    let method = call.method();
    let first_str = |vals: &[Value]| {
        vals.iter()
            .take(2)
            .find_map(|v| v.as_str().map(|s| (s.to_string(), v.span())))
    };
    let keyword = || {
        ["path", "rule", "uri", "url"].iter().find_map(|k| {
            call.keyword(k)
                .and_then(|kw| kw.value.as_str().map(|s| (s.to_string(), kw.value.span())))
        })
    };
    let found = if ROUTE_FUNCTIONS.contains(&q)
        || (call.decorator && method.is_some_and(|m| DECORATOR_METHODS.contains(&m)))
    {
        first_str(&call.args[..call.args.len().min(1)]).or_else(keyword)
    } else if method.is_some_and(|m| ROUTE_METHODS.contains(&m)) {
        // Pyramid's `add_route(name, pattern)` names the route first: take the first
        // string that looks like a path, or the only string.
        first_str(&call.args)
            .filter(|(p, _)| method != Some("add_route") || p.starts_with('/'))
            .or_else(|| {
                call.args
                    .get(1)
                    .and_then(|v| v.as_str().map(|s| (s.to_string(), v.span())))
            })
            .or_else(keyword)
    } else {
        None
    };
    found.map(|(path, span)| Route { path, span })
}

/// Calls `f` with every string literal in a list, tuple or sum of them.
fn for_strings(v: &Value, f: &mut dyn FnMut(&str, &crate::source::Span)) {
    match v.kind() {
        ValueKind::Str(s) => f(s, &v.span()),
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            for i in items {
                for_strings(&i, f);
            }
        }
        ValueKind::BinOp(_, l, r) => {
            for_strings(&l, f);
            for_strings(&r, f);
        }
        _ => {}
    }
}

/// Whether a logging configuration (a `dictConfig` dictionary) names a JSON formatter:
/// a `()`/`class` string naming a JSON, structlog or ECS formatter.
fn json_formatter(v: &Value) -> bool {
    match v.kind() {
        ValueKind::Str(s) => {
            let l = s.to_ascii_lowercase();
            l.contains('.')
                && (l.contains("json") || l.contains("structlog") || l.contains("ecs_logging"))
        }
        ValueKind::Dict(items) => items
            .iter()
            .any(|(k, val)| k.as_ref().is_some_and(json_formatter) || json_formatter(val)),
        ValueKind::List(items) | ValueKind::Tuple(items) => items.iter().any(json_formatter),
        ValueKind::Call(c) => {
            c.args.iter().any(json_formatter) || c.keywords.iter().any(|k| json_formatter(&k.value))
        }
        _ => false,
    }
}

/// Records a request-ID header name among literal values (`"X-Request-ID"`).
fn request_id_literal<'v, 'a: 'v>(
    values: impl Iterator<Item = &'v Value<'a>>,
    s: &mut ServiceFacts,
) {
    for v in values {
        if let Some(text) = v.as_str()
            && is_request_id_name(text)
        {
            s.evidence(Capability::RequestId, text, v.span());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, text: &str) -> ServiceFacts {
        let source = SourceFile::new(path, path, text.to_string());
        PythonFile::with(&source, |file| of(&source, file)).unwrap_or_default()
    }

    fn routes(text: &str) -> Vec<String> {
        facts("svc/app.py", text)
            .routes
            .into_iter()
            .map(|r| r.path)
            .collect()
    }

    #[test]
    fn routes_are_read_from_every_framework() {
        let text = r#"
from flask import Flask
from django.urls import path, re_path
from starlette.routing import Route
app = Flask(__name__)
@app.route("/a")
def a(): ...
@bp.get("/b")
def b(): ...
app.add_url_rule("/c", view_func=a)
config.add_route("health", "/d")
app.router.add_get("/e", handler)
urlpatterns = [path("f/", v), re_path(r"^g/$", v)]
routes = [Route("/h", endpoint=v)]
falcon_app.add_route("/i", Resource())
"#;
        assert_eq!(
            routes(text),
            ["/a", "/b", "/c", "/d", "/e", "f/", "^g/$", "/h", "/i"]
        );
    }

    #[test]
    fn client_calls_are_not_routes() {
        let text = "import requests\nrequests.get('/health')\nclient.post('/x')\n";
        assert!(routes(text).is_empty());
    }

    #[test]
    fn apps_subclasses_settings_and_tests() {
        let f = facts(
            "redash/app.py",
            "from flask import Flask\nclass Redash(Flask):\n    pass\napp = Redash()\n",
        );
        assert_eq!(f.apps.len(), 1);
        assert_eq!(f.apps[0].framework, "Flask");
        let s = facts("mysite/settings.py", "ROOT_URLCONF = 'mysite.urls'\n");
        assert_eq!(s.apps[0].kind, AppKind::Server);
        assert!(
            facts("mysite/dev_settings.py", "ROOT_URLCONF = 'x'\n")
                .apps
                .is_empty()
        );
        assert!(
            facts(
                "tests/test_app.py",
                "from flask import Flask\napp = Flask(__name__)\n"
            )
            .apps
            .is_empty()
        );
    }

    #[test]
    fn evidence_from_settings_logging_and_headers() {
        let f = facts(
            "mysite/settings.py",
            r#"
MIDDLEWARE = ["django_guid.middleware.guid_middleware"]
INSTALLED_APPS = ["health_check", "django_prometheus"]
LOGGING = {"formatters": {"j": {"()": "pythonjsonlogger.json.JsonFormatter"}}}
"#,
        );
        let caps: Vec<Capability> = f.evidence.iter().map(|e| e.capability).collect();
        for c in [
            Capability::RequestId,
            Capability::Health,
            Capability::Metrics,
            Capability::StructuredLogging,
        ] {
            assert!(caps.contains(&c), "{c:?}: {caps:?}");
        }
        let h = facts(
            "svc/mw.py",
            "def mw(request):\n    return request.headers.get('X-Request-ID')\n",
        );
        assert_eq!(h.evidence[0].capability, Capability::RequestId);
        let l = facts(
            "svc/log.py",
            "from loguru import logger\nlogger.add(sink, serialize=True)\n",
        );
        assert!(l.logs);
        assert_eq!(l.evidence[0].capability, Capability::StructuredLogging);
    }
}
