//! OBS001 no-health-endpoint.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::service::{Capability, last_segment};
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a web service that declares no health, readiness or liveness route and
    /// uses no health-check library.
    ///
    /// A web service is an application or server of Flask, Django, FastAPI, Starlette,
    /// Falcon, Pyramid, aiohttp, Sanic, Tornado, Litestar, axum, actix-web, rocket,
    /// warp, poem or hyper. The health-check libraries: `django-health-check`, `django-alive`, `django-watchman`, `flask-healthz`,
    /// `fastapi-health`, `py-healthcheck`, c2cwsgiutils' `health_check`. A function
    /// named for health checks (`health*`, `readyz`, `livez`, `readiness`,
    /// `liveness`) counts too: its route may be built where it is not read.
    ///
    /// A route counts when its last literal segment is `health`, `healthz`,
    /// `healthcheck`, `health-check`, `healthy`, `_health`, `ready`, `readyz`,
    /// `readiness`, `live`, `livez`, `liveness`, `alive`, `ping`, `heartbeat`, `status`
    /// or `ht`, or when a segment starts with `health` (`/health/db`). Only the route's
    /// own path is known, not the prefix of the blueprint or router it hangs on, so a
    /// health route behind a prefix (`/api/v1` + `/health`) counts too. Routes are read
    /// from decorators (`@app.get("/health")`, `@bp.route`), `add_url_rule`,
    /// `add_route`, Django `path()`/`re_path()`/`url()`, Starlette `Route`, Tornado's
    /// route tables, axum and
    /// actix `.route("/health", …)`, poem `.at(…)`, actix `web::resource`, warp
    /// `warp::path`, and `#[get("/health")]`-style attributes.
    ///
    /// A probe of the deployment — a Dockerfile `HEALTHCHECK` that fetches a URL, the
    /// `healthcheck.test` of a Compose service built here, a Kubernetes `httpGet`
    /// probe — that asks for a path none of the service's routes ends with is reported
    /// at the probe, with the routes that are known. A probe that asks for a path the
    /// service serves (`/api/app/about`) is taken as the team's health check.
    ///
    /// ## Why it matters in production
    /// Load balancers and orchestrators decide from a health route whether to send
    /// traffic to an instance and whether to restart it. Without one, a hung worker
    /// keeps receiving requests, and a deploy is "healthy" the moment the process
    /// starts, before it can serve anything.
    ///
    /// ## Example
    /// ```python
    /// app = Flask(__name__)
    ///
    /// @app.route("/")
    /// def index(): ...
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// @app.get("/healthz")
    /// def healthz():
    ///     return {"status": "ok"}
    /// ```
    ///
    /// ## Known limits
    /// Routes built from variables, loaded from configuration or declared by a library
    /// not listed above are not seen; a health check served by a sidecar or a proxy
    /// cannot be. The finding is anchored at the server, Django settings
    /// (`ROOT_URLCONF`) or application object the service is built from.
    pub NoHealthEndpoint,
    code = "OBS001", name = "no-health-endpoint", category = Observability, severity = Note,
    default = false,
    reads = [
        FileKind::Dockerfile,
        FileKind::Compose,
        FileKind::Kubernetes,
        FileKind::Python,
        FileKind::Rust,
        FileKind::Manifest(ManifestKind::Cargo),
        FileKind::Manifest(ManifestKind::Pyproject),
        FileKind::Manifest(ManifestKind::Pipfile),
        FileKind::Manifest(ManifestKind::Requirements),
    ],
    facts_only = true,
}

impl Rule for NoHealthEndpoint {
    fn wants_service_facts(&self) -> bool {
        true
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let model = repo.service_model();
        if model.entry().is_none() || model.evidence_of(Capability::Health).is_some() {
            return;
        }
        // A probe that asks for a path no route serves fails on every deploy.
        let mut probed = false;
        for (path, probe) in &model.probes {
            if model.routes.is_empty() {
                break;
            }
            // The root page as a probe says nothing either way.
            if last_segment(&probe.path).is_none() {
                continue;
            }
            if model.serves(&probe.path) {
                probed = true;
                continue;
            }
            cx.report(
                &Self::META,
                path,
                probe.span.clone(),
                format!(
                    "this probe asks for `{}`, which the {} service does not serve (its routes: {})",
                    probe.path,
                    model.frameworks(),
                    model.route_list(8)
                ),
                "point the probe at the service's health route, or add that route",
            );
            probed = true;
        }
        let routes = model.routes.len();
        let handler = model.evidence_of(Capability::HealthHandler).is_some();
        super::report_missing(
            &Self::META,
            model,
            Capability::Health,
            probed || handler || model.health_route().is_some(),
            &if routes == 0 {
                "this {} service has no health or readiness route".to_string()
            } else {
                format!(
                    "this {{}} service has no health or readiness route (none among its {routes} route{})",
                    if routes == 1 { "" } else { "s" }
                )
            },
            "add a cheap /healthz route that answers 200 (and a /readyz that checks the database), and point the load balancer or orchestrator probe at it",
            cx,
        );
    }
}
