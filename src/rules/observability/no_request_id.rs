//! OBS003 no-request-id.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::service::Capability;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a web service with no request or correlation ID handling anywhere in the
    /// repository.
    ///
    /// What counts: a library for it (`django-guid`, `asgi-correlation-id`,
    /// `flask-request-id`, `django-log-request-id`, Starlette-context's request-ID
    /// plugins, tower-http's `SetRequestIdLayer`/`PropagateRequestIdLayer`,
    /// `actix-request-identifier`, `tower-request-id`, `tracing-actix-web`, whose
    /// `TracingLogger` gives each request's span a `request_id`), a middleware or
    /// function named for request IDs, an `X-Request-ID`/`X-Correlation-ID` header
    /// name in the code, or tracing of every request, whose trace ID correlates the
    /// request's log lines (OpenTelemetry instrumentation or `opentelemetry-distro`,
    /// Datadog's `ddtrace`).
    ///
    /// ## Why it matters in production
    /// A request ID ties together the log lines of one request, across workers and
    /// services, and lets a user's error report ("request 7f3a… failed") be found. Without
    /// one, an incident is spent grepping timestamps.
    ///
    /// ## Example
    /// ```python
    /// app = FastAPI()
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// from asgi_correlation_id import CorrelationIdMiddleware
    ///
    /// app = FastAPI()
    /// app.add_middleware(CorrelationIdMiddleware)
    /// ```
    ///
    /// ## Known limits
    /// A request ID set by a proxy or a service mesh and never read by the service
    /// cannot be seen, nor can OpenTelemetry set up by hand without its
    /// instrumentation packages. Silence the rule in the configuration when a gateway
    /// owns request IDs. The finding is anchored at the server, Django settings or application
    /// object the service is built from.
    pub NoRequestId,
    code = "OBS003", name = "no-request-id", category = Observability, severity = Note,
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

impl Rule for NoRequestId {
    fn wants_service_facts(&self) -> bool {
        true
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        super::report_missing(
            &Self::META,
            repo.service_model(),
            Capability::RequestId,
            false,
            "this {} service has no request ID middleware: nothing ties one request's log lines together",
            "add a middleware that takes the incoming X-Request-ID (or makes one), logs it with every line and returns it (asgi-correlation-id, django-guid, tower-http's SetRequestIdLayer)",
            cx,
        );
    }
}
