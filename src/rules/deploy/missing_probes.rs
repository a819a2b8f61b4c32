//! DPL001 missing-probes.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::compose::ServiceFacts;
use crate::lang::kubernetes::{Container, KubeFile, LabelSelector, Object, string_pairs};
use crate::lang::yaml::Node;
use crate::repo::RepoIndex;
use crate::rule::{Context, RepoContext, Rule, Severity};
use crate::source::parent_dir;

declare_rule! {
    /// ## What it does
    /// Flags a container of a Kubernetes `Deployment`, `StatefulSet` or `DaemonSet` that
    /// serves traffic (it declares `ports`, or a `Service` of the same file selects its
    /// pods) and has no `readinessProbe`; a worker container (no ports) with neither
    /// probe is a note.
    /// In Compose files, flags a `depends_on` entry with `condition: service_healthy`
    /// whose service has no `healthcheck`.
    ///
    /// ## Why it matters in production
    /// Without a readiness probe, Kubernetes sends traffic to a pod as soon as its
    /// process starts (before it listens, while it warms its caches) and keeps sending
    /// it to a pod that can no longer answer: every rollout and every stall is a burst
    /// of errors. Without a liveness probe, a deadlocked process is never restarted. In
    /// Compose, waiting for a service to be healthy when it has no health check does not
    /// wait: `docker compose up` fails with "container … has no healthcheck
    /// configured".
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: ghcr.io/acme/api:1.4
    ///           ports:
    ///             - containerPort: 8000
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///           readinessProbe:
    ///             httpGet: {path: /readyz, port: 8000}
    ///           livenessProbe:
    ///             httpGet: {path: /livez, port: 8000}
    /// ```
    /// In Compose, give the service a `healthcheck:` (`test: ["CMD", "pg_isready"]`).
    ///
    /// ## Known limits
    /// Init containers, Jobs, CronJobs and bare Pods are not checked: they run to
    /// completion; nor are containers without an `image` (Kustomize patches). In a pod
    /// where one container has a readiness probe, the others are taken for sidecars and
    /// not checked; nor are well-known sidecar images (metrics exporters, Cloud SQL
    /// proxy, Istio and Linkerd proxies, log shippers) next to another container. A
    /// container that neither declares ports nor is selected by a `Service` of its own
    /// file is a worker: only a missing liveness probe is noted. A container with a
    /// readiness probe and no liveness probe is not flagged: leaving liveness out is a
    /// common, deliberate choice (a liveness probe that fails under load restarts
    /// healthy pods); measured on Argo CD and Sourcegraph, such notes were noise. Services defined in another file are not matched.
    /// In Compose, a service that builds a Dockerfile of the repository with a
    /// `HEALTHCHECK`, or whose Dockerfile is not found, is fine, and so is one that
    /// `extends` another or is given a `healthcheck` by another Compose file of the same
    /// directory; an external image that defines its own `HEALTHCHECK` is not known and
    /// is flagged. A long-running Compose service without a health check that nothing
    /// waits for is not flagged (DKR003 covers the images this repository builds).
    /// Compose files named for development, tests or CI are not checked. Helm templates
    /// are not read until rendered.
    pub MissingProbes,
    code = "DPL001", name = "missing-probes", category = Container, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Compose, FileKind::Kubernetes, FileKind::Dockerfile],
}

/// Images that run next to the application as helpers, not as what serves it.
const SIDECARS: [&str; 10] = [
    "exporter",
    "cloud-sql-proxy",
    "cloudsql-proxy",
    "gce-proxy",
    "istio/proxy",
    "linkerd2-proxy",
    "fluent-bit",
    "fluentd",
    "vault-agent",
    "oauth2-proxy",
];

fn is_sidecar(c: &Container<'_>) -> bool {
    let image = c.node.get("image").and_then(Node::as_str).unwrap_or("");
    SIDECARS.iter().any(|s| image.contains(s))
}

/// The `spec.selector` of every `Service` of the file.
fn service_selectors(objects: &[Object<'_>]) -> Vec<LabelSelector> {
    objects
        .iter()
        .filter(|o| o.kind == "Service")
        .map(|o| LabelSelector {
            namespace: o.namespace().map(str::to_string),
            match_labels: string_pairs(o.node.get("spec").and_then(|s| s.get("selector"))),
        })
        .collect()
}

impl Rule for MissingProbes {
    fn needs_whole_project(&self) -> bool {
        false
    }

    fn check_kubernetes(&self, file: &KubeFile, cx: &mut Context<'_>) {
        let objects = file.objects();
        let selectors = service_selectors(&objects);
        for o in &objects {
            if !matches!(o.kind, "Deployment" | "StatefulSet" | "DaemonSet") {
                continue;
            }
            let containers: Vec<Container<'_>> = o
                .containers()
                .into_iter()
                .filter(|c| c.list == "containers" && c.node.get("image").is_some())
                .collect();
            let labels = o.pod_labels();
            let selected = selectors.iter().any(|s| {
                crate::lang::kubernetes::same_namespace(s.namespace.as_deref(), o.namespace())
                    && s.selects(&labels)
            });
            let one_ready = containers.iter().any(|c| c.has_probe("readinessProbe"));
            for c in &containers {
                if containers.len() > 1 && is_sidecar(c) {
                    continue;
                }
                let ready = c.has_probe("readinessProbe");
                let live = c.has_probe("livenessProbe");
                let ports = c.node.get("ports").is_some_and(|p| !p.items().is_empty());
                let who = format!("container `{}` of `{}/{}`", c.name(), o.kind, o.name());
                if !ready && !one_ready && (ports || selected) {
                    let also = if live { "" } else { " (nor liveness probe)" };
                    cx.report(
                        &Self::META,
                        c.span(),
                        format!("{who} serves traffic but has no readiness probe{also}"),
                        "add a `readinessProbe` on the port it serves (and a `livenessProbe`), so that no traffic reaches a pod that cannot answer",
                    );
                } else if !live && !ready && !one_ready {
                    cx.report(
                        &Self::META,
                        c.span(),
                        format!("{who} has no liveness probe: a hung process is never restarted"),
                        "add a `livenessProbe` that fails when the process can no longer make progress",
                    )
                    .severity(Severity::Note);
                }
            }
        }
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    /// Compose: `condition: service_healthy` on a service without a health check.
    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        // Dockerfile path → whether its image has a HEALTHCHECK.
        let dockerfiles: std::collections::BTreeMap<&str, bool> = repo
            .parsed()
            .filter_map(|(src, f)| {
                let stage = f.docker.as_ref()?.final_stage.as_ref()?;
                Some((&*src.rel_path, stage.healthcheck))
            })
            .collect();
        let compose: Vec<(&str, &[ServiceFacts])> = repo
            .parsed()
            .filter_map(|(src, f)| {
                let c = f.compose.as_ref().filter(|c| !c.dev)?;
                Some((&*src.rel_path, &c.services[..]))
            })
            .collect();
        for &(path, services) in &compose {
            for s in services {
                for (target, span) in &s.waits_healthy {
                    let Some(t) = services.iter().find(|t| &t.name == target) else {
                        continue;
                    };
                    if t.healthcheck == Some(true) || t.extends {
                        continue;
                    }
                    if t.healthcheck.is_none() {
                        // The image's own HEALTHCHECK, or one the file cannot see.
                        if t.builds
                            && t.dockerfile
                                .as_deref()
                                .is_none_or(|d| dockerfiles.get(d).copied().unwrap_or(true))
                        {
                            continue;
                        }
                        // Another Compose file of the directory merged over this one.
                        let merged = compose.iter().any(|&(other, others)| {
                            other != path
                                && parent_dir(other) == parent_dir(path)
                                && others
                                    .iter()
                                    .any(|o| &o.name == target && o.healthcheck == Some(true))
                        });
                        if merged {
                            continue;
                        }
                    }
                    let why = if t.healthcheck == Some(false) {
                        "has its health check disabled"
                    } else {
                        "has no `healthcheck`"
                    };
                    cx.report(
                        &Self::META,
                        path,
                        span.clone(),
                        format!(
                            "service `{}` waits for `{target}` to be healthy, but `{target}` {why}: `docker compose up` fails",
                            s.name
                        ),
                        format!("give `{target}` a `healthcheck:` (or wait with `condition: service_started`)"),
                    );
                }
            }
        }
    }
}
