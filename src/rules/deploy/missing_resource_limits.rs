//! DPL002 missing-resource-limits.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::kubernetes::KubeFile;
use crate::lang::yaml::Node;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes container (of any workload: Deployment, StatefulSet,
    /// DaemonSet, Job, CronJob, Pod) that has no memory limit or no CPU request, once per
    /// container, saying which is missing.
    ///
    /// ## Why it matters in production
    /// A container without a memory limit can take the node's memory until the kernel
    /// kills whatever it picks, often a neighbour; one without a CPU request is
    /// scheduled as if it needed nothing, lands on a full node and is the first starved
    /// (and the first evicted: it is `BestEffort`). Requests are also what autoscalers
    /// compute utilisation from.
    ///
    /// ## Example
    /// ```yaml
    ///       containers:
    ///         - name: api
    ///           image: ghcr.io/acme/api:1.4
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///           resources:
    ///             requests: {cpu: 100m, memory: 256Mi}
    ///             limits: {memory: 256Mi}
    /// ```
    /// A CPU *limit* is not asked for: it throttles a service that could use idle CPU.
    ///
    /// ## Known limits
    /// Init and ephemeral containers are not checked, nor containers without an
    /// `image` (Kustomize patches of a container defined elsewhere). A `LimitRange` in
    /// the same file that sets defaults (`default`, `defaultRequest`) is honoured; one
    /// elsewhere, or set by the cluster's administrators, is not seen. Values from templates count as set.
    /// Compose files are not checked: `deploy.resources` applies only to Swarm and to
    /// recent Compose versions, and most Compose files run development stacks or single
    /// hosts where limits are the host's business. Helm templates are not read until
    /// rendered.
    pub MissingResourceLimits,
    code = "DPL002", name = "missing-resource-limits", category = Container, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Kubernetes],
}

/// Whether `resources.<section>.<what>` is set.
fn has(resources: Option<&Node>, section: &str, what: &str) -> bool {
    resources
        .and_then(|r| r.get(section))
        .and_then(|s| s.get(what))
        .is_some_and(|v| !matches!(v.value, crate::lang::yaml::Value::Null))
}

/// Whether a `LimitRange` of the file gives containers a default of `what` in `section`
/// (`default` for limits, `defaultRequest` for requests).
fn defaulted(file: &KubeFile, section: &str, what: &str) -> bool {
    file.objects()
        .iter()
        .filter(|o| o.kind == "LimitRange")
        .flat_map(|o| {
            o.node
                .get("spec")
                .and_then(|s| s.get("limits"))
                .map(Node::items)
                .unwrap_or_default()
        })
        .any(|l| l.get(section).and_then(|s| s.get(what)).is_some())
}

impl Rule for MissingResourceLimits {
    fn check_kubernetes(&self, file: &KubeFile, cx: &mut Context<'_>) {
        let default_memory = defaulted(file, "default", "memory");
        // A `default` limit is also the request when no `defaultRequest` is given.
        let default_cpu =
            defaulted(file, "defaultRequest", "cpu") || defaulted(file, "default", "cpu");
        for o in file.objects() {
            // A container without an image is a Kustomize patch of one defined elsewhere.
            for c in o
                .containers()
                .iter()
                .filter(|c| c.list == "containers" && c.node.get("image").is_some())
            {
                let resources = c.node.get("resources");
                // A CPU limit alone is the request too.
                let memory = has(resources, "limits", "memory") || default_memory;
                let cpu = has(resources, "requests", "cpu")
                    || has(resources, "limits", "cpu")
                    || default_cpu;
                let missing = match (memory, cpu) {
                    (true, true) => continue,
                    (false, false) => "no memory limit and no CPU request",
                    (false, true) => "no memory limit",
                    (true, false) => "no CPU request",
                };
                let span = c
                    .node
                    .entry("resources")
                    .map_or_else(|| c.span(), |e| e.key.span.clone());
                cx.report(
                    &Self::META,
                    span,
                    format!(
                        "container `{}` of `{}/{}` has {missing}",
                        c.name(),
                        o.kind,
                        o.name()
                    ),
                    "set `resources.requests.cpu` and `resources.limits.memory` (and `requests.memory`), from the container's measured use",
                );
            }
        }
    }
}
