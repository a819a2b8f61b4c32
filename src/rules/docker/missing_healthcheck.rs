//! DKR003 missing-healthcheck.

use super::{final_chain, is_service, last_in_chain};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{Dockerfile, Keyword};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a service image whose final stage has no `HEALTHCHECK`.
    ///
    /// ## Why it matters in production
    /// Without a health check, Docker, Compose and Swarm only know whether the process
    /// is alive, not whether it answers: a deadlocked server keeps receiving traffic and
    /// is never restarted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// EXPOSE 8000
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["curl", "-fsS", "http://localhost:8000/healthz"]
    /// ```
    /// If the orchestrator probes the service itself (Kubernetes liveness and
    /// readiness probes), say so with `HEALTHCHECK NONE`.
    ///
    /// ## Known limits
    /// Only images that look like services are checked: the final stage (or a stage it
    /// is built from) `EXPOSE`s a port, or its `CMD`/`ENTRYPOINT` starts a known server
    /// or worker (gunicorn, uvicorn, nginx, node, java, celery, …, or a program whose
    /// name contains `server`) or binds an address (`--port`, `--bind`, `0.0.0.0`). Command-line tools, base runtimes (`CMD ["python3"]`) and one-shot
    /// jobs are not. A `HEALTHCHECK` defined in an external base image, or in an image
    /// built from another Dockerfile of the repository, is not seen. Kubernetes ignores `HEALTHCHECK`; there the
    /// finding is a reminder to define probes. Dockerfiles that build no production image are skipped (see below).
    pub MissingHealthcheck,
    code = "DKR003", name = "missing-healthcheck", category = Container, severity = Note,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Dockerfile],
}

impl Rule for MissingHealthcheck {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let chain = final_chain(df);
        let Some(stage) = chain.first() else { return };
        if last_in_chain(df, &chain, Keyword::Healthcheck).is_some() {
            return;
        }
        if !is_service(df, &chain) {
            return;
        }
        let from = df.from_instruction(stage);
        cx.report(
            &Self::META,
            from.span.clone(),
            "the final stage has no `HEALTHCHECK`",
            "add `HEALTHCHECK CMD …` that probes the service, or `HEALTHCHECK NONE` if the orchestrator probes it",
        );
    }
}
