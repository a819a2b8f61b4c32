//! What a source file tells about the web service it is part of: where an HTTP
//! application, router or server is built, the path literals of the routes it declares,
//! and the libraries it uses for health checks, metrics, request IDs and structured
//! logging. The Python and Rust front ends fill [`ServiceFacts`] in their one walk of a
//! file; the repository's service model (`repo::service`) puts them together with the
//! dependency manifests.
//!
//! The library vocabulary lives here, once for both languages and their manifests.

use crate::source::Span;

/// What one source file tells the service rules.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServiceFacts {
    /// Applications, routers and servers built here.
    pub apps: Vec<AppSite>,
    /// Route path literals, as written.
    pub routes: Vec<Route>,
    /// Health, metrics, request-ID and structured-logging evidence.
    pub evidence: Vec<Evidence>,
    /// The file logs (imports `logging`, `loguru`, `structlog`; Rust `log`/`tracing`
    /// macros).
    pub logs: bool,
    /// Run as a script, it starts a framework's development server: `app.run()` of a
    /// Flask or Quart app at module level or under `if __name__ == "__main__":`.
    #[serde(default)]
    pub dev_server: Option<AppSite>,
}

impl ServiceFacts {
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
            && self.routes.is_empty()
            && self.evidence.is_empty()
            && !self.logs
            && self.dev_server.is_none()
    }

    /// Records evidence of `capability`, once per library and file.
    pub fn evidence(&mut self, capability: Capability, what: impl Into<String>, span: Span) {
        let what = what.into();
        if !self
            .evidence
            .iter()
            .any(|e| e.capability == capability && e.what == what)
        {
            self.evidence.push(Evidence {
                capability,
                what,
                span,
            });
        }
    }
}

/// An HTTP health probe that a deployment points at the service: a Dockerfile
/// `HEALTHCHECK` (`curl`/`wget` of a URL), a Compose `healthcheck.test` of a service
/// built here, a Kubernetes `httpGet` probe.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    /// The path it asks for (`/healthz`; `/` for a bare host).
    pub path: String,
    pub span: Span,
}

/// The path of the first `http://` or `https://` URL in a command line
/// (`curl -f http://localhost:8000/healthz || exit 1` → `/healthz`).
pub fn url_path(command: &str) -> Option<String> {
    let at = command
        .find("http://")
        .or_else(|| command.find("https://"))?;
    let rest = &command[at..];
    let rest = &rest[rest.find("//")? + 2..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '|' | '&' | ')'))
        .unwrap_or(rest.len());
    let url = &rest[..end];
    let path = match url.find('/') {
        Some(i) => &url[i..],
        None => "/",
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    Some(path.to_string())
}

/// How sure a site is to be the service's entry point, weakest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AppKind {
    /// A router or blueprint: routes hang on it, something else serves it.
    Router,
    /// An application object (`Flask(__name__)`, `FastAPI()`, actix `App::new()`).
    App,
    /// A server started on an application (`HttpServer::new`, `axum::serve`), or a
    /// Django project's settings (`ROOT_URLCONF`).
    Server,
}

/// Where an application, router or server is built.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AppSite {
    /// The framework, as users name it (`Flask`, `axum`).
    pub framework: String,
    pub kind: AppKind,
    pub span: Span,
}

/// A route's path literal (`/health`, Django's `healthz/`, a regex for `re_path`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Route {
    pub path: String,
    pub span: Span,
}

/// What a piece of evidence shows the service has.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Capability {
    /// A health-check library.
    Health,
    /// A function named for health checks (its route may be built where it is not
    /// read).
    HealthHandler,
    Metrics,
    RequestId,
    StructuredLogging,
}

/// A library (or code) that provides a capability, and where it shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    pub capability: Capability,
    /// The library or construct (`prometheus_client`, `SetRequestIdLayer`).
    pub what: String,
    pub span: Span,
}

/// Python modules (import prefixes) and what they provide. Sentry is error reporting,
/// not metrics, and is not here.
const PYTHON_MODULES: &[(&str, Capability)] = &[
    ("health_check", Capability::Health),
    ("django_alive", Capability::Health),
    ("flask_healthz", Capability::Health),
    ("fastapi_health", Capability::Health),
    ("c2cwsgiutils.health_check", Capability::Health),
    ("healthcheck", Capability::Health),
    ("watchman", Capability::Health),
    ("prometheus_client", Capability::Metrics),
    ("django_prometheus", Capability::Metrics),
    ("starlette_exporter", Capability::Metrics),
    ("prometheus_fastapi_instrumentator", Capability::Metrics),
    ("prometheus_flask_exporter", Capability::Metrics),
    ("aioprometheus", Capability::Metrics),
    ("opentelemetry", Capability::Metrics),
    // Every request traced: its trace ID correlates its log lines.
    ("opentelemetry.instrumentation", Capability::RequestId),
    ("statsd", Capability::Metrics),
    ("django_statsd", Capability::Metrics),
    ("datadog", Capability::Metrics),
    ("ddtrace", Capability::Metrics),
    ("ddtrace", Capability::RequestId),
    ("newrelic", Capability::Metrics),
    ("elasticapm", Capability::Metrics),
    ("django_guid", Capability::RequestId),
    ("asgi_correlation_id", Capability::RequestId),
    ("flask_request_id", Capability::RequestId),
    ("flask_request_id_header", Capability::RequestId),
    ("request_id", Capability::RequestId),
    ("log_request_id", Capability::RequestId),
    ("correlation_id", Capability::RequestId),
    ("structlog", Capability::StructuredLogging),
    ("django_structlog", Capability::StructuredLogging),
    ("pythonjsonlogger", Capability::StructuredLogging),
    ("json_log_formatter", Capability::StructuredLogging),
    ("json_logging", Capability::StructuredLogging),
    ("ecs_logging", Capability::StructuredLogging),
    ("logstash", Capability::StructuredLogging),
];

/// Python distributions (PEP 503 names) and what they provide; a name ending in `-`
/// is a prefix.
const PYTHON_DISTRIBUTIONS: &[(&str, Capability)] = &[
    ("django-health-check", Capability::Health),
    ("django-alive", Capability::Health),
    ("flask-healthz", Capability::Health),
    ("fastapi-health", Capability::Health),
    ("django-watchman", Capability::Health),
    ("py-healthcheck", Capability::Health),
    ("prometheus-client", Capability::Metrics),
    ("django-prometheus", Capability::Metrics),
    ("starlette-exporter", Capability::Metrics),
    ("prometheus-fastapi-instrumentator", Capability::Metrics),
    ("prometheus-flask-exporter", Capability::Metrics),
    ("aioprometheus", Capability::Metrics),
    ("opentelemetry-", Capability::Metrics),
    ("opentelemetry-distro", Capability::RequestId),
    ("opentelemetry-instrumentation-", Capability::RequestId),
    ("statsd", Capability::Metrics),
    ("django-statsd", Capability::Metrics),
    ("datadog", Capability::Metrics),
    ("ddtrace", Capability::Metrics),
    ("ddtrace", Capability::RequestId),
    ("newrelic", Capability::Metrics),
    ("elastic-apm", Capability::Metrics),
    ("django-guid", Capability::RequestId),
    ("asgi-correlation-id", Capability::RequestId),
    ("flask-request-id", Capability::RequestId),
    ("flask-request-id-header", Capability::RequestId),
    ("django-log-request-id", Capability::RequestId),
    ("django-request-id", Capability::RequestId),
    ("structlog", Capability::StructuredLogging),
    ("django-structlog", Capability::StructuredLogging),
    ("python-json-logger", Capability::StructuredLogging),
    ("json-log-formatter", Capability::StructuredLogging),
    ("json-logging", Capability::StructuredLogging),
    ("ecs-logging", Capability::StructuredLogging),
    ("python-logstash", Capability::StructuredLogging),
];

/// Rust crates (as Cargo names them; `_` and `-` are the same) and what they provide;
/// a name ending in `-` is a prefix.
const RUST_CRATES: &[(&str, Capability)] = &[
    ("prometheus", Capability::Metrics),
    ("prometheus-client", Capability::Metrics),
    ("metrics", Capability::Metrics),
    ("metrics-exporter-prometheus", Capability::Metrics),
    ("opentelemetry", Capability::Metrics),
    ("opentelemetry-", Capability::Metrics),
    ("actix-web-prom", Capability::Metrics),
    ("axum-prometheus", Capability::Metrics),
    ("autometrics", Capability::Metrics),
    ("cadence", Capability::Metrics),
    ("actix-request-identifier", Capability::RequestId),
    // Its `TracingLogger` gives every request's root span a `request_id`.
    ("tracing-actix-web", Capability::RequestId),
    ("tower-request-id", Capability::RequestId),
    ("axum-request-id", Capability::RequestId),
    ("slog-json", Capability::StructuredLogging),
    ("slog-bunyan", Capability::StructuredLogging),
    ("tracing-bunyan-formatter", Capability::StructuredLogging),
    ("json-subscriber", Capability::StructuredLogging),
];

fn lookup(table: &[(&str, Capability)], name: &str) -> Vec<Capability> {
    table
        .iter()
        .filter(|(n, _)| match n.strip_suffix('-') {
            Some(_) => name.starts_with(n) && name.len() > n.len(),
            None => name == *n,
        })
        .map(|(_, c)| *c)
        .collect()
}

/// What an imported Python module (or a name from it) provides: `prometheus_client`,
/// `django_guid.middleware`, `health_check.db`.
pub fn python_module(qualified: &str) -> Vec<(Capability, &'static str)> {
    PYTHON_MODULES
        .iter()
        .filter(|(m, _)| {
            qualified == *m
                || qualified
                    .strip_prefix(m)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .map(|(m, c)| (*c, *m))
        .collect()
}

/// What a Python distribution (its PEP 503 name) provides.
pub fn python_distribution(key: &str) -> Vec<Capability> {
    lookup(PYTHON_DISTRIBUTIONS, key)
}

/// What a Rust crate provides (`_` and `-` alike).
pub fn rust_crate(name: &str) -> Vec<Capability> {
    lookup(RUST_CRATES, &name.replace('_', "-"))
}

/// Header and variable names of request IDs, lower case: code that reads or sets one
/// of them propagates request IDs itself.
pub fn is_request_id_name(s: &str) -> bool {
    const NAMES: [&str; 7] = [
        "x-request-id",
        "x-correlation-id",
        "request-id",
        "correlation-id",
        "x-requestid",
        "http-x-request-id",
        "http-x-correlation-id",
    ];
    // Compared byte by byte, `_` as `-` and in any case: this runs on every string
    // literal passed to a call.
    NAMES.iter().any(|n| {
        n.len() == s.len()
            && n.bytes()
                .zip(s.bytes())
                .all(|(a, b)| a == b.to_ascii_lowercase() || (a == b'-' && b == b'_'))
    })
}

/// The words a health, readiness or liveness route is named by, as its last literal
/// segment: `/health`, `/api/v1/healthz`, `/-/ready`, Django's `healthz/`.
pub const HEALTH_WORDS: &[&str] = &[
    "health",
    "healthz",
    "healthcheck",
    "healthchecks",
    "health-check",
    "health_check",
    "healthy",
    "_health",
    "ready",
    "readyz",
    "readiness",
    "live",
    "livez",
    "liveness",
    "alive",
    "ping",
    "heartbeat",
    "status",
    "ht",
];

/// Whether a function's name says it answers health checks (`healthz`,
/// `health_check`, `readiness`): the service serves health somewhere, even when the
/// route it hangs on is built in a way not read here.
pub fn is_health_handler(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.starts_with("health") || matches!(l.as_str(), "readyz" | "livez" | "readiness" | "liveness")
}

/// The literal segments of a route path, with regex and converter syntax removed:
/// `^api/(?P<id>\d+)/health/?$` → `["api", "health"]`.
pub fn segments(path: &str) -> Vec<String> {
    let cleaned = path
        .trim_start_matches('^')
        .trim_end_matches('$')
        .trim_end_matches('?');
    cleaned
        .split('/')
        .filter(|s| {
            !s.is_empty() && !s.contains(['<', '{', '(', '[', ':', '*', '\\', '+', '|', '$', '^'])
        })
        .map(|s| s.to_ascii_lowercase())
        .collect()
}

/// The route's last literal segment, if the path ends in one.
pub fn last_segment(path: &str) -> Option<String> {
    let cleaned = path
        .trim_start_matches('^')
        .trim_end_matches('$')
        .trim_end_matches('?');
    let last = cleaned.trim_end_matches('/').rsplit('/').next()?;
    segments(last).pop()
}

/// Whether a route path serves health: its last literal segment is a health word,
/// or some segment starts with `health` (`/health/db`, `/healthcheck/{name}`).
pub fn is_health_path(path: &str) -> bool {
    last_segment(path).is_some_and(|s| HEALTH_WORDS.contains(&s.as_str()))
        || segments(path).iter().any(|s| s.starts_with("health"))
}

/// Whether a route path serves metrics: a segment `metrics` (`/metrics`,
/// `/-/metrics`, `/api/prometheus`).
pub fn is_metrics_path(path: &str) -> bool {
    segments(path)
        .iter()
        .any(|s| s == "metrics" || s == "prometheus")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_paths() {
        for yes in [
            "/health",
            "/healthz",
            "/api/v1/health/",
            "healthz/",
            "^health/?$",
            "/-/ready",
            "/health/{check}",
            "/_health",
            "r'^ping$'",
        ] {
            let yes = yes.trim_start_matches("r'").trim_end_matches('\'');
            assert!(is_health_path(yes), "{yes}");
        }
        for no in [
            "/",
            "/users/{id}",
            "/api/statuses",
            "/<path:p>",
            "/status/{id}/x",
        ] {
            assert!(!is_health_path(no), "{no}");
        }
        assert!(!is_health_path("/api/users"));
        assert!(is_metrics_path("/metrics"));
        assert!(is_metrics_path("/-/metrics/"));
        assert!(!is_metrics_path("/api/metric-types"));
    }

    #[test]
    fn probe_urls() {
        assert_eq!(
            url_path("curl -fsS http://localhost:8000/api/health/ || exit 1").as_deref(),
            Some("/api/health/")
        );
        assert_eq!(
            url_path("wget -qO- http://127.0.0.1:80").as_deref(),
            Some("/")
        );
        assert_eq!(
            url_path("curl 'https://x/readyz?full=1'").as_deref(),
            Some("/readyz")
        );
        assert_eq!(url_path("pg_isready -U postgres"), None);
    }

    #[test]
    fn libraries() {
        assert_eq!(
            python_module("django_prometheus.middleware"),
            [(Capability::Metrics, "django_prometheus")]
        );
        assert_eq!(
            python_module("opentelemetry.instrumentation.django"),
            [
                (Capability::Metrics, "opentelemetry"),
                (Capability::RequestId, "opentelemetry.instrumentation")
            ]
        );
        assert!(python_module("statsdx").is_empty());
        assert!(python_module("sentry_sdk").is_empty());
        assert_eq!(
            python_distribution("opentelemetry-sdk"),
            [Capability::Metrics]
        );
        assert!(python_distribution("opentelemetry").is_empty());
        assert_eq!(
            rust_crate("metrics_exporter_prometheus"),
            [Capability::Metrics]
        );
        assert_eq!(rust_crate("opentelemetry-otlp"), [Capability::Metrics]);
        assert!(rust_crate("metricsx").is_empty());
        assert!(is_request_id_name("X-Request-ID"));
        assert!(is_request_id_name("HTTP_X_REQUEST_ID"));
        assert!(!is_request_id_name("request"));
    }
}
