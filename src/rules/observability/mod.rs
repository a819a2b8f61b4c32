//! Observability rules over the repository's web service ([`ServiceModel`]): a health
//! route (OBS001), metrics (OBS002), request IDs (OBS003) and structured logs (LOG005).
//! Each concludes from what the whole repository lacks, so each reports once, at the
//! place the service is built.

pub mod no_health_endpoint;
pub mod no_metrics;
pub mod no_request_id;
pub mod unstructured_logging;

use crate::lang::service::Capability;
use crate::repo::service::ServiceModel;
use crate::rule::{RepoContext, RuleMeta};

/// Reports `message` (the service's frameworks filled in for `{}`) at the service's
/// entry when the repository shows no evidence of `capability`, and `extra` (a
/// further check, such as a `/metrics` route) does not hold.
fn report_missing(
    meta: &RuleMeta,
    model: &ServiceModel,
    capability: Capability,
    extra: bool,
    message: &str,
    help: &str,
    cx: &mut RepoContext<'_>,
) {
    let Some((path, site)) = model.entry() else {
        return;
    };
    if extra || model.evidence_of(capability).is_some() {
        return;
    }
    let message = message.replace("{}", &model.frameworks());
    cx.report(meta, path, site.span.clone(), message, help);
}
