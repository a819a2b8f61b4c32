//! DPL005 single-replica.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::kubernetes::{Replicas, Workload, same_namespace};
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes `Deployment` with `replicas: 1`, or no `replicas` (which means
    /// one), when nothing in the repository scales or protects it: no
    /// `HorizontalPodAutoscaler` (or KEDA `ScaledObject`) targets it and no
    /// `PodDisruptionBudget` selects its pods.
    ///
    /// ## Why it matters in production
    /// One pod is one point of failure: a node drain, a cluster upgrade, an eviction or
    /// a crash takes the service down until a new pod is scheduled, pulled and ready.
    /// Two replicas (and a disruption budget) keep it answering through all of these.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   replicas: 1
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   replicas: 2
    /// ```
    /// or an autoscaler with `minReplicas: 2`, and a `PodDisruptionBudget` with
    /// `minAvailable: 1`.
    ///
    /// ## Known limits
    /// The whole repository is read: a Kustomize patch or overlay that sets more
    /// replicas for the same Deployment name, an autoscaler or a budget anywhere in it
    /// counts (namespaces are compared when both sides set one). Deployments with
    /// `strategy.type: Recreate`, or that mount a `persistentVolumeClaim` (most are
    /// `ReadWriteOnce`: one pod at a time), are single on purpose and are not flagged. StatefulSets, DaemonSets and Argo Rollouts are not
    /// checked, nor are Kustomize patches (`$patch:`, or no container with an
    /// `image`). Budgets selecting with `matchExpressions` are not read. Replicas set
    /// from a template, or later by `kubectl scale` or a GitOps controller, are not
    /// seen. Helm templates are not read until rendered.
    pub SingleReplica,
    code = "DPL005", name = "single-replica", category = Container, severity = Note,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Kubernetes],
}

impl Rule for SingleReplica {
    /// An autoscaler or a budget may be in a file a partial scan leaves out.
    fn needs_whole_project(&self) -> bool {
        true
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let kube: Vec<_> = repo
            .parsed()
            .filter_map(|(src, f)| Some((src, f.kubernetes.as_ref()?)))
            .collect();
        let all_workloads: Vec<&Workload> = kube.iter().flat_map(|(_, k)| &k.workloads).collect();
        let same = |a: &Workload, b: &Workload| {
            a.kind == b.kind
                && a.name == b.name
                && same_namespace(a.namespace.as_deref(), b.namespace.as_deref())
        };
        for (src, k) in &kube {
            for w in k.workloads.iter().filter(|w| w.kind == "Deployment") {
                if w.patch
                    || w.recreate
                    || !matches!(w.replicas, Replicas::Unset | Replicas::Count(1))
                {
                    continue;
                }
                // A patch or overlay of the same Deployment sets more, or a template.
                let elsewhere = all_workloads.iter().any(|o| {
                    same(o, w)
                        && (o.recreate
                            || matches!(o.replicas, Replicas::Unknown)
                            || matches!(o.replicas, Replicas::Count(n) if n > 1))
                });
                let scaled = kube.iter().flat_map(|(_, k)| &k.scale_targets).any(|t| {
                    t.kind == "Deployment"
                        && t.name == w.name
                        && same_namespace(t.namespace.as_deref(), w.namespace.as_deref())
                });
                let budget = kube
                    .iter()
                    .flat_map(|(_, k)| &k.disruption_budgets)
                    .any(|b| {
                        same_namespace(b.namespace.as_deref(), w.namespace.as_deref())
                            && b.selects(&w.labels)
                    });
                if elsewhere || scaled || budget {
                    continue;
                }
                let how = match w.replicas {
                    Replicas::Count(_) => "one replica",
                    _ => "one replica (no `replicas`)",
                };
                cx.report(
                    &Self::META,
                    &src.rel_path,
                    w.span.clone(),
                    format!(
                        "`Deployment/{}` runs {how}, with no autoscaler or disruption budget: one node drain takes it down",
                        w.name
                    ),
                    "run at least two replicas (or an autoscaler with `minReplicas: 2`) and add a `PodDisruptionBudget`",
                );
            }
        }
    }
}
