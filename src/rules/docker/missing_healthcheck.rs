//! DKR003 missing-healthcheck.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};
use crate::rules::deploy::probed_dockerfiles;

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
    /// built from another Dockerfile of the repository, is not seen. Kubernetes ignores
    /// `HEALTHCHECK`, so an image whose deployment in this repository checks its health
    /// is not flagged: a Kubernetes container with a readiness or liveness probe runs
    /// it, or a Compose service with a `healthcheck` (in a file that is not a development
    /// stack) builds it or runs it. Images are matched to Dockerfiles through Compose
    /// `build:` (with `image:`), or by the Dockerfile's directory name
    /// (`ghcr.io/acme/api:1.2` and `api/Dockerfile`). Dockerfiles that build no
    /// production image are skipped (see below).
    pub MissingHealthcheck,
    code = "DKR003", name = "missing-healthcheck", category = Container, severity = Note,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
    reads = [FileKind::Dockerfile, FileKind::Compose, FileKind::Kubernetes, FileKind::GithubWorkflow, FileKind::GithubAction, FileKind::GitlabCi, FileKind::TaskFile],
}

impl Rule for MissingHealthcheck {
    /// Each Dockerfile is judged against the deployments among the scanned files.
    fn needs_whole_project(&self) -> bool {
        false
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let probed = probed_dockerfiles(repo);
        for (src, facts) in repo.parsed() {
            let Some(stage) = facts.docker.as_ref().and_then(|d| d.final_stage.as_ref()) else {
                continue;
            };
            if stage.healthcheck || !stage.service || probed.contains(&*src.rel_path) {
                continue;
            }
            cx.report(
                &Self::META,
                &src.rel_path,
                stage.from.clone(),
                "the final stage has no `HEALTHCHECK`",
                "add `HEALTHCHECK CMD …` that probes the service, or `HEALTHCHECK NONE` if the orchestrator probes it",
            );
        }
    }
}
