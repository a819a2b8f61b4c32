//! The repository's web service, as far as the observability rules need it: where its
//! applications and servers are built, every route path it declares, and the evidence,
//! repository-wide, of health checks, metrics, request IDs and structured logging —
//! from the source files' [`ServiceFacts`] and from the dependency manifests
//! (`requirements*.txt`, `pyproject.toml`, `Pipfile`, `Cargo.toml`).
//!
//! Evidence counts wherever it is in the repository: an exporter started by another
//! module or process still exports the service's metrics. Files that never run in a
//! deployed service (tests, examples, docs, templates, vendored code) contribute
//! nothing.

use crate::lang::manifest::Manifest;
use crate::lang::rust::crates::RustFacts;
use crate::lang::service::{
    AppKind, AppSite, Capability, Evidence, Probe, Route, is_health_path, is_metrics_path,
    last_segment, python_distribution, rust_crate,
};
use crate::roles::{Role, Roles};

use super::RepoIndex;

/// File names (without extension) that usually build the service.
const ENTRY_NAMES: &[&str] = &[
    "main", "app", "server", "lib", "mod", "__init__", "wsgi", "asgi", "settings",
];

/// The repository's web service, if it has one ([`ServiceModel::entry`]).
#[derive(Debug, Default)]
pub struct ServiceModel {
    /// Applications, routers and servers, with their files, in path order.
    pub apps: Vec<(String, AppSite)>,
    /// Route paths, with their files.
    pub routes: Vec<(String, Route)>,
    /// Evidence of each capability, with its file.
    pub evidence: Vec<(String, Evidence)>,
    /// Some production file logs.
    pub logs: bool,
    /// HTTP probes of the deployment (Dockerfile `HEALTHCHECK`, Compose
    /// `healthcheck`, Kubernetes `httpGet`), with their files.
    pub probes: Vec<(String, Probe)>,
}

impl ServiceModel {
    pub fn build(repo: &RepoIndex) -> ServiceModel {
        let mut m = ServiceModel::default();
        for (source, facts) in repo.parsed() {
            let path = &source.rel_path;
            if Roles::of_path(path).any(Role::NOT_PRODUCTION) {
                continue;
            }
            let dev_compose = facts.compose.as_ref().is_some_and(|c| c.dev);
            let probes = [
                facts.docker.as_ref().map(|d| &d.probes),
                facts
                    .compose
                    .as_ref()
                    .map(|c| &c.probes)
                    .filter(|_| !dev_compose),
                facts.kubernetes.as_ref().map(|k| &k.probes),
            ];
            for p in probes.into_iter().flatten().flatten() {
                m.probes.push((path.to_string(), p.clone()));
            }
            if let Some(s) = &facts.service {
                m.apps
                    .extend(s.apps.iter().map(|a| (path.to_string(), a.clone())));
                m.routes
                    .extend(s.routes.iter().map(|r| (path.to_string(), r.clone())));
                m.evidence
                    .extend(s.evidence.iter().map(|e| (path.to_string(), e.clone())));
                m.logs |= s.logs;
            }
            if let Some(RustFacts::Manifest(cargo)) = facts.rust.as_deref() {
                for dep in &cargo.dependencies {
                    for cap in rust_crate(dep) {
                        m.add_dependency(path, cap, dep);
                    }
                    m.logs |= matches!(dep.as_str(), "log" | "tracing" | "slog");
                }
            }
            if let Some(manifest) = &facts.manifest {
                let names: Vec<String> = match manifest.as_ref() {
                    Manifest::Requirements(r) => r.requirements().map(|r| r.key.clone()).collect(),
                    Manifest::Pyproject(doc) | Manifest::Pipfile(doc) => toml_dependencies(doc),
                    _ => Vec::new(),
                };
                for name in names {
                    let key = name.to_ascii_lowercase().replace(['_', '.'], "-");
                    for cap in python_distribution(&key) {
                        m.add_dependency(path, cap, &key);
                    }
                }
            }
        }
        m
    }

    fn add_dependency(&mut self, path: &str, capability: Capability, name: &str) {
        self.evidence.push((
            path.to_string(),
            Evidence {
                capability,
                what: name.to_string(),
                span: 0..0,
            },
        ));
    }

    /// Where the service is built, findings anchor there: a server or a Django
    /// project's settings before an application object, then the shallowest path. A
    /// repository with routers alone (a library of blueprints) is not a service.
    pub fn entry(&self) -> Option<(&str, &AppSite)> {
        self.apps
            .iter()
            .filter(|(_, a)| a.kind != AppKind::Router)
            .min_by_key(|(p, a)| {
                let stem = crate::source::file_name(p)
                    .split('.')
                    .next()
                    .unwrap_or_default();
                (
                    std::cmp::Reverse(a.kind),
                    p.matches('/').count(),
                    !ENTRY_NAMES.contains(&stem),
                    p.clone(),
                )
            })
            .map(|(p, a)| (p.as_str(), a))
    }

    /// The first evidence of `capability`.
    pub fn evidence_of(&self, capability: Capability) -> Option<(&str, &Evidence)> {
        self.evidence
            .iter()
            .find(|(_, e)| e.capability == capability)
            .map(|(p, e)| (p.as_str(), e))
    }

    /// The first route that serves health.
    pub fn health_route(&self) -> Option<(&str, &Route)> {
        self.routes
            .iter()
            .find(|(_, r)| is_health_path(&r.path))
            .map(|(p, r)| (p.as_str(), r))
    }

    /// The first route that serves metrics.
    pub fn metrics_route(&self) -> Option<(&str, &Route)> {
        self.routes
            .iter()
            .find(|(_, r)| is_metrics_path(&r.path))
            .map(|(p, r)| (p.as_str(), r))
    }

    /// Whether some route serves `path`, judged by its last literal segment (the
    /// prefixes of blueprints and routers are not known): `/api/v1/healthz` is served
    /// by a `/healthz` route on a router mounted at `/api/v1`. A path without a
    /// literal segment (`/`) is served when some route is.
    pub fn serves(&self, path: &str) -> bool {
        match last_segment(path) {
            None => !self.routes.is_empty(),
            Some(seg) => self
                .routes
                .iter()
                .any(|(_, r)| last_segment(&r.path).as_deref() == Some(seg.as_str())),
        }
    }

    /// Route paths for a message: the first `max`, and how many more.
    pub fn route_list(&self, max: usize) -> String {
        let mut paths: Vec<&str> = self.routes.iter().map(|(_, r)| r.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        let more = paths.len().saturating_sub(max);
        let mut out = paths
            .iter()
            .take(max)
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if more > 0 {
            out.push_str(&format!(" and {more} more"));
        }
        out
    }

    /// The frameworks of the service's applications, for messages (`Flask`, `axum`).
    pub fn frameworks(&self) -> String {
        let mut names: Vec<&str> = self
            .apps
            .iter()
            .map(|(_, a)| a.framework.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    }
}

/// The dependency names a `pyproject.toml` (PEP 621, PEP 735 groups, Poetry) or a
/// `Pipfile` declares.
fn toml_dependencies(doc: &crate::lang::toml::TomlDoc) -> Vec<String> {
    use crate::lang::manifest::requirements::{Entry, parse_requirement};
    let mut names = Vec::new();
    for path in [
        "project.dependencies.*",
        "project.optional-dependencies.*.*",
        "dependency-groups.*.*",
    ] {
        for (_, node) in doc.select(path) {
            if let Some(text) = node.as_str()
                && let Entry::Requirement(r) =
                    parse_requirement(text.trim(), node.span.clone(), false)
            {
                names.push(r.name);
            }
        }
    }
    for path in [
        "tool.poetry.dependencies.*",
        "tool.poetry.group.*.dependencies.*",
        "packages.*",
    ] {
        names.extend(
            doc.select(path)
                .into_iter()
                .filter_map(|(k, _)| k.map(|k| k.name.clone())),
        );
    }
    names
}
