//! The Kubernetes front end: plain manifests (`kubectl apply -f`), in any `*.yml` /
//! `*.yaml` file that is neither CI configuration nor a Compose file.
//!
//! No path says "Kubernetes", so this front end claims every such file *in addition to*
//! the YAML front end ([`Claim::Additive`](crate::lang::Claim)), and decides by content
//! when it reads one: a file is a manifest when some document has a string `apiVersion`
//! and a string `kind` at its top level. Before parsing, a cheap sniff looks for both
//! keys at the start of a line, so the YAML of a repository that is not Kubernetes costs
//! one scan of its text. Like every optional kind, the files are read only when an
//! enabled rule reads [`FileKind::Kubernetes`].
//!
//! What it does not read, silently (never a parse error):
//! - Helm templates: a file with `{{` that does not parse as YAML is a template, not a
//!   broken manifest; one that parses is read, and every value holding `{{` counts as
//!   templated (rules judge no such value);
//! - files that do not look like manifests (Helm `values.yaml`, Grafana provisioning,
//!   `mkdocs.yml`).
//!
//! A `kustomization.yaml` is read but is not a workload: its `images:` overrides are
//! recorded as facts (an image whose tag Kustomize sets is pinned there).

use crate::lang::yaml::{Node, Yaml};
use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, Span, file_name};

/// A parsed file holding Kubernetes manifests.
#[derive(Debug, Clone)]
pub struct KubeFile {
    pub yaml: Yaml,
}

/// One Kubernetes object: a document (or an item of a `List`) with `apiVersion` and
/// `kind`.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    pub node: &'a Node,
    pub kind: &'a str,
}

/// A container of a pod template, with what kind of container it is.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
}

impl Container<'_> {
    /// The container's `name`, or `?`.
    pub fn name(&self) -> &str {
        self.node.get("name").and_then(Node::as_str).unwrap_or("?")
    }
}

impl KubeFile {
    /// Every object of the file, `List` items included.
    pub fn objects(&self) -> Vec<Object<'_>> {
        let mut out = Vec::new();
        for doc in &self.yaml.docs {
            if let Some(o) = Object::of(doc) {
                if o.kind == "List" {
                    out.extend(
                        doc.get("items")
                            .map(Node::items)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(Object::of),
                    );
                } else {
                    out.push(o);
                }
            }
        }
        out
    }
}

impl<'a> Object<'a> {
    /// `node` as an object, if it has a string `apiVersion` and `kind`.
    pub fn of(node: &'a Node) -> Option<Object<'a>> {
        node.get("apiVersion").and_then(Node::as_str)?;
        let kind = node.get("kind").and_then(Node::as_str)?;
        Some(Object { node, kind })
    }

    /// `metadata.name`, or `?`.
    pub fn name(&self) -> &'a str {
        self.node
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("?")
    }

    /// The pod spec this object runs: a `Pod`'s `spec`, a `CronJob`'s
    /// `spec.jobTemplate.spec.template.spec`, and `spec.template.spec` of every other
    /// kind that has one (Deployment, StatefulSet, DaemonSet, Job, ReplicaSet, and custom
    /// resources shaped like them, such as Argo Rollouts); a `PodTemplate`'s
    /// `template.spec`.
    pub fn pod_spec(&self) -> Option<&'a Node> {
        let spec = match self.kind {
            "Pod" => self.node.get("spec"),
            "PodTemplate" => self.node.get("template").and_then(|t| t.get("spec")),
            "CronJob" => self
                .node
                .get("spec")
                .and_then(|s| s.get("jobTemplate"))
                .and_then(|j| j.get("spec"))
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
            _ => self
                .node
                .get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("spec")),
        }?;
        spec.is_map().then_some(spec)
    }

    /// The containers of the pod spec: init and ephemeral containers included.
    pub fn containers(&self) -> Vec<Container<'a>> {
        let Some(spec) = self.pod_spec() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for node in spec.get(list).map(Node::items).unwrap_or_default() {
                if node.is_map() {
                    out.push(Container { node, list });
                }
            }
        }
        out
    }
}

/// Whether a value is templated (Helm `{{ }}`) or refers to another variable
/// (`$(VAR)`, `${VAR}`): rules judge no such value.
pub fn is_templated(text: &str) -> bool {
    text.contains("{{") || text.contains("$(") || text.contains("${")
}

/// What a file of manifests tells the repository rules.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct KubeFacts {
    /// Container images, as written, with the span of the `image:` value.
    pub images: Vec<DeployImage>,
    /// Image names whose tag a `kustomization.yaml` sets (`images: - name: app`).
    pub kustomized_images: Vec<String>,
    /// Every container of a pod template (init containers included), with what the
    /// deployment rules ask of it.
    #[serde(default)]
    pub containers: Vec<ContainerFacts>,
    /// Deployments, StatefulSets and the like: their replicas and pod labels.
    #[serde(default)]
    pub workloads: Vec<Workload>,
    /// What autoscalers (`HorizontalPodAutoscaler`, KEDA `ScaledObject`) scale.
    #[serde(default)]
    pub scale_targets: Vec<ObjectRef>,
    /// The pod selectors of `PodDisruptionBudget`s.
    #[serde(default)]
    pub disruption_budgets: Vec<LabelSelector>,
    /// The paths of containers' `httpGet` probes.
    #[serde(default)]
    pub probes: Vec<crate::lang::service::Probe>,
}

/// A container as the repository rules see it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ContainerFacts {
    /// `Deployment/web`.
    pub workload: String,
    pub name: String,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: String,
    /// The image, as written, with its span.
    pub image: Option<(String, Span)>,
    /// Where a finding about the whole container goes: its `name:` (or first) entry.
    pub span: Span,
    /// Whether it has a readiness or liveness probe.
    pub probed: bool,
    /// `runAsNonRoot` and `runAsUser`, the container's own over the pod's.
    pub run_as: RunAs,
}

/// Who a container runs as, as far as its manifest says.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunAs {
    /// `runAsNonRoot`, when written as a boolean.
    pub non_root: Option<bool>,
    /// `runAsUser`, when written as a number.
    pub user: Option<i64>,
    /// Either comes from a template or a variable: nothing can be said.
    pub templated: bool,
}

/// A workload object and what DPL005 asks of it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Workload {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub replicas: Replicas,
    /// `strategy.type: Recreate`, or a `persistentVolumeClaim` volume (most claims
    /// are `ReadWriteOnce`): one pod at a time, by design.
    pub recreate: bool,
    /// The labels of its pod template.
    pub labels: Vec<(String, String)>,
    /// `replicas:` if written, else `kind:`.
    pub span: Span,
    /// A Kustomize patch of a workload defined elsewhere: `$patch:`, or no container
    /// with an `image`.
    #[serde(default)]
    pub patch: bool,
}

/// `spec.replicas` as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Replicas {
    Unset,
    Count(i64),
    /// A template or anything not a number.
    Unknown,
}

/// A reference to an object by kind and name (`scaleTargetRef`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ObjectRef {
    pub namespace: Option<String>,
    pub kind: String,
    pub name: String,
}

/// A `matchLabels` selector (`matchExpressions` are not read).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LabelSelector {
    pub namespace: Option<String>,
    pub match_labels: Vec<(String, String)>,
}

impl LabelSelector {
    /// Whether the selector picks pods with `labels` (an empty selector picks none
    /// here: it is a mistake, or matches on expressions this does not read).
    pub fn selects(&self, labels: &[(String, String)]) -> bool {
        !self.match_labels.is_empty() && self.match_labels.iter().all(|l| labels.contains(l))
    }
}

/// Whether two namespaces may be the same one: unset means "wherever it is applied".
pub fn same_namespace(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The string pairs of a mapping (`matchLabels`, `labels`, a Service's `selector`).
pub fn string_pairs(node: Option<&Node>) -> Vec<(String, String)> {
    node.map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.key.scalar_text()?, e.value.scalar_text()?)))
        .collect()
}

impl<'a> Object<'a> {
    /// `metadata.namespace`.
    pub fn namespace(&self) -> Option<&'a str> {
        self.node
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
    }

    /// `spec.template.metadata.labels` (the pods' labels).
    pub fn pod_labels(&self) -> Vec<(String, String)> {
        string_pairs(
            self.node
                .get("spec")
                .and_then(|s| s.get("template"))
                .and_then(|t| t.get("metadata"))
                .and_then(|m| m.get("labels")),
        )
    }
}

impl Container<'_> {
    /// Where a finding about the whole container goes: its `name:` entry, or its first.
    pub fn span(&self) -> Span {
        self.node
            .entry("name")
            .or_else(|| self.node.entries().first())
            .map_or(self.node.span.clone(), |e| {
                e.key.span.start..e.value.span.end
            })
    }

    /// Whether it has a probe among `probes` (`readinessProbe`, `livenessProbe`,
    /// `startupProbe`).
    pub fn has_probe(&self, probe: &str) -> bool {
        self.node
            .get(probe)
            .is_some_and(|p| !matches!(p.value, crate::lang::yaml::Value::Null))
    }
}

/// `runAsNonRoot` / `runAsUser` of a `securityContext`, over `outer`.
fn run_as(context: Option<&Node>, outer: RunAs) -> RunAs {
    let Some(sc) = context else { return outer };
    let mut r = outer;
    if let Some(v) = sc.get("runAsNonRoot") {
        match v.as_bool() {
            Some(b) => r.non_root = Some(b),
            None => r.templated = true,
        }
    }
    if let Some(v) = sc.get("runAsUser") {
        match v.value {
            crate::lang::yaml::Value::Int(i) => r.user = Some(i),
            _ => r.templated = true,
        }
    }
    r
}

/// An image a deployment manifest runs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DeployImage {
    /// As written.
    pub image: String,
    pub span: Span,
    /// Built in this file too (a Compose service with `build:`), or never pulled
    /// (`imagePullPolicy: Never`).
    pub local: bool,
}

impl KubeFacts {
    fn of(file: &KubeFile) -> KubeFacts {
        let mut facts = KubeFacts::default();
        for o in file.objects() {
            if o.kind == "Kustomization" {
                for i in o.node.get("images").map(Node::items).unwrap_or_default() {
                    if let Some(name) = i.get("name").and_then(Node::as_str) {
                        facts
                            .kustomized_images
                            .push(crate::lang::dockerfile::image_name(name));
                    }
                }
                continue;
            }
            facts.record_object(&o);
            let pod_run_as = run_as(
                o.pod_spec().and_then(|s| s.get("securityContext")),
                RunAs::default(),
            );
            for c in o.containers() {
                for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
                    if let Some(path) = c
                        .node
                        .get(probe)
                        .and_then(|p| p.get("httpGet"))
                        .and_then(|h| h.get("path"))
                        && let Some(text) = path.as_str()
                    {
                        facts.probes.push(crate::lang::service::Probe {
                            path: text.to_string(),
                            span: path.span.clone(),
                        });
                    }
                }
                let image = c
                    .node
                    .get("image")
                    .and_then(|i| Some((i.as_str()?.to_string(), i.span.clone())));
                facts.containers.push(ContainerFacts {
                    workload: format!("{}/{}", o.kind, o.name()),
                    name: c.name().to_string(),
                    list: c.list.to_string(),
                    image: image.clone(),
                    span: c.span(),
                    probed: c.has_probe("readinessProbe") || c.has_probe("livenessProbe"),
                    run_as: run_as(c.node.get("securityContext"), pod_run_as.clone()),
                });
                let Some((text, span)) = image else { continue };
                let never = c.node.get("imagePullPolicy").and_then(Node::as_str) == Some("Never");
                facts.images.push(DeployImage {
                    image: text,
                    span,
                    local: never,
                });
            }
        }
        facts
    }

    /// What a workload, an autoscaler or a disruption budget tells DPL005.
    fn record_object(&mut self, o: &Object<'_>) {
        let spec = o.node.get("spec");
        let namespace = o.namespace().map(str::to_string);
        match o.kind {
            "HorizontalPodAutoscaler" | "ScaledObject" => {
                let target = spec.and_then(|s| s.get("scaleTargetRef"));
                if let Some(name) = target.and_then(|t| t.get("name")).and_then(Node::as_str) {
                    let kind = target
                        .and_then(|t| t.get("kind"))
                        .and_then(Node::as_str)
                        .unwrap_or("Deployment");
                    self.scale_targets.push(ObjectRef {
                        namespace,
                        kind: kind.to_string(),
                        name: name.to_string(),
                    });
                }
            }
            "PodDisruptionBudget" => self.disruption_budgets.push(LabelSelector {
                namespace,
                match_labels: string_pairs(
                    spec.and_then(|s| s.get("selector"))
                        .and_then(|s| s.get("matchLabels")),
                ),
            }),
            "Deployment" | "StatefulSet" | "ReplicaSet" | "Rollout" => {
                let replicas_entry = spec.and_then(|s| s.entry("replicas"));
                let replicas = match replicas_entry.map(|e| &e.value.value) {
                    None | Some(crate::lang::yaml::Value::Null) => Replicas::Unset,
                    Some(crate::lang::yaml::Value::Int(n)) => Replicas::Count(*n),
                    Some(_) => Replicas::Unknown,
                };
                let span = replicas_entry
                    .or_else(|| o.node.entry("kind"))
                    .map_or(o.node.span.clone(), |e| e.key.span.start..e.value.span.end);
                let claims = o
                    .pod_spec()
                    .and_then(|p| p.get("volumes"))
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .any(|v| v.get("persistentVolumeClaim").is_some());
                let recreate = claims
                    || spec
                        .and_then(|s| s.get("strategy"))
                        .and_then(|s| s.get("type"))
                        .and_then(Node::as_str)
                        == Some("Recreate");
                let patch = o.node.get("$patch").is_some()
                    || !o.containers().iter().any(|c| c.node.get("image").is_some());
                self.workloads.push(Workload {
                    patch,
                    kind: o.kind.to_string(),
                    name: o.name().to_string(),
                    namespace,
                    replicas,
                    recreate,
                    labels: o.pod_labels(),
                    span,
                });
            }
            _ => {}
        }
    }
}

/// Whether `text` may hold a manifest: some line starts with `apiVersion:` and some
/// with `kind:` (top-level keys of a block mapping document).
pub fn sniff(text: &str) -> bool {
    let starts_a_line = |key: &[u8]| {
        let b = text.as_bytes();
        b.starts_with(&key[1..]) || memchr::memmem::find(b, key).is_some()
    };
    starts_a_line(b"\napiVersion:") && starts_a_line(b"\nkind:")
}

/// The Kubernetes front end (additive: the YAML front end reads the same files).
pub struct KubernetesFrontEnd;

impl FrontEnd for KubernetesFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        let name = file_name(rel_path);
        let generic = crate::lang::yaml::is_yaml_name(name)
            && !crate::lang::compose::is_compose_name(name)
            && crate::lang::ci::CiFrontEnd.claim(rel_path).is_none();
        generic.then_some(FileKind::Kubernetes)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Kubernetes
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        if !sniff(&source.text) {
            return;
        }
        out.comments = crate::suppress::yaml_comments(source);
        let yaml = match Yaml::parse(source, true) {
            Ok(yaml) => yaml,
            // A Helm template: not YAML until rendered.
            Err(_) if crate::lang::yaml::has_template_tags(&source.text) => {
                out.skipped = Some((
                    "a template (Helm or Go templating) that is YAML only once rendered",
                    "check the rendered manifests: `helm template . > rendered.yaml`, then `readylint check --kind kubernetes rendered.yaml`",
                ));
                return;
            }
            Err(e) => {
                out.error(
                    e.offset..e.offset,
                    "Kubernetes manifest",
                    e.message,
                    "fix the syntax; `kubectl apply` cannot read this file either",
                );
                return;
            }
        };
        if !yaml.docs.iter().any(|d| Object::of(d).is_some()) {
            return;
        }
        let file = KubeFile { yaml };
        sink.kubernetes(&file);
        out.facts.kubernetes = Some(Box::new(KubeFacts::of(&file)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seen(Vec<(String, Vec<String>)>);
    impl Sink for Seen {
        fn kubernetes(&mut self, f: &KubeFile) {
            for o in f.objects() {
                let names = o
                    .containers()
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect();
                self.0.push((o.kind.to_string(), names));
            }
        }
    }

    fn read(path: &str, text: &str) -> (Seen, Output) {
        let src = SourceFile::new(path, path, text.to_string());
        let mut seen = Seen(Vec::new());
        let mut out = Output::default();
        KubernetesFrontEnd.read(&src, FileKind::Kubernetes, &mut seen, &mut out);
        (seen, out)
    }

    #[test]
    fn claims_generic_yaml_only() {
        let k = |p| KubernetesFrontEnd.claim(p);
        assert_eq!(k("k8s/app.yaml"), Some(FileKind::Kubernetes));
        assert_eq!(k("values.yml"), Some(FileKind::Kubernetes));
        assert_eq!(k("docker-compose.yml"), None);
        assert_eq!(k(".github/workflows/ci.yml"), None);
        assert_eq!(k(".gitlab-ci.yml"), None);
        assert_eq!(k("app.py"), None);
    }

    #[test]
    fn multi_document_files_list_objects_and_containers() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: migrate\n      containers:\n        - name: web\n---\napiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n";
        let (seen, out) = read("k8s/app.yaml", text);
        assert!(out.errors.is_empty());
        assert_eq!(
            seen.0,
            [
                ("Service".to_string(), vec![]),
                (
                    "Deployment".to_string(),
                    vec!["migrate".to_string(), "web".to_string()]
                ),
                ("CronJob".to_string(), vec!["job".to_string()]),
            ]
        );
        let facts = out.facts.kubernetes.unwrap();
        assert!(facts.images.is_empty());
    }

    #[test]
    fn templates_and_other_yaml_are_skipped_silently() {
        let helm = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\nspec: {}\n{{- end }}\n";
        let (seen, out) = read("chart/templates/deploy.yaml", helm);
        assert!(seen.0.is_empty() && out.errors.is_empty());
        let (seen, out) = read("values.yaml", "image:\n  tag: latest\n");
        assert!(seen.0.is_empty() && out.errors.is_empty() && out.facts.kubernetes.is_none());
        // Grafana provisioning: an integer `apiVersion`, no `kind`.
        let (seen, _) = read("grafana/ds.yml", "apiVersion: 1\ndatasources: []\n");
        assert!(seen.0.is_empty());
        // A broken manifest is an error.
        let (_, out) = read("k8s/bad.yaml", "apiVersion: v1\nkind: Pod\nspec: [\n");
        assert_eq!(out.errors.len(), 1);
    }

    #[test]
    fn kustomize_images_are_facts() {
        let text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: ghcr.io/org/app\n    newTag: 1.2.3\n";
        let (_, out) = read("kustomization.yaml", text);
        let facts = out.facts.kubernetes.unwrap();
        assert_eq!(facts.kustomized_images, ["ghcr.io/org/app"]);
    }
}
