//! OBS002 no-metrics.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::service::Capability;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a web service with no metrics anywhere in the repository: no metrics
    /// library and no `/metrics` route.
    ///
    /// A web service is an application or server of Flask, Django, FastAPI, Starlette,
    /// Falcon, Pyramid, aiohttp, Sanic, Tornado, Litestar, axum, actix-web, rocket,
    /// warp, poem or hyper. A metrics library counts when it is imported or declared as
    /// a dependency: `prometheus_client`, `django_prometheus`, `starlette_exporter`,
    /// `prometheus_fastapi_instrumentator`, OpenTelemetry, StatsD, Datadog, New Relic,
    /// Elastic APM; Rust `prometheus`, `metrics`, `metrics-exporter-prometheus`,
    /// `opentelemetry`, `actix-web-prom`, `axum-prometheus`, `autometrics`.
    ///
    /// ## Why it matters in production
    /// Without request rates, latencies and error counts nobody sees a service degrade
    /// until users say so, and there is nothing to alert on or to size capacity by.
    /// Error reporting (Sentry) tells you what failed, not how often or how slowly.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// from prometheus_fastapi_instrumentator import Instrumentator
    ///
    /// app = FastAPI()
    /// Instrumentator().instrument(app).expose(app)
    /// ```
    ///
    /// ## Known limits
    /// Evidence counts anywhere in the repository (an exporter started by another
    /// module or process still serves the service), so one metric in a side process
    /// silences the rule. Metrics scraped by a sidecar or a service mesh cannot be
    /// seen: silence the rule in the configuration then. The finding is anchored at
    /// the server, Django settings or application object the service is built from.
    pub NoMetrics,
    code = "OBS002", name = "no-metrics", category = Observability, severity = Note,
    default = false,
    reads = [
        FileKind::Python,
        FileKind::Rust,
        FileKind::Manifest(ManifestKind::Cargo),
        FileKind::Manifest(ManifestKind::Pyproject),
        FileKind::Manifest(ManifestKind::Pipfile),
        FileKind::Manifest(ManifestKind::Requirements),
    ],
    facts_only = true,
}

impl Rule for NoMetrics {
    fn wants_service_facts(&self) -> bool {
        true
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let model = repo.service_model();
        super::report_missing(
            &Self::META,
            model,
            Capability::Metrics,
            model.metrics_route().is_some(),
            "this {} service exports no metrics: no metrics library and no /metrics route in the repository",
            "instrument it with a Prometheus or OpenTelemetry library (prometheus_client, django-prometheus, prometheus-fastapi-instrumentator, metrics-exporter-prometheus) and expose /metrics",
            cx,
        );
    }
}
