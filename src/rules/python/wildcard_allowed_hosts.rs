//! CFG003 wildcard-allowed-hosts.

use super::SettingsIndex;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ALLOWED_HOSTS` holding `"*"` in a Django settings module that is not for
    /// development, local use, tests or CI.
    ///
    /// ## Why it matters in production
    /// `ALLOWED_HOSTS` is Django's defence against Host-header attacks: with `"*"`, a
    /// forged `Host` poisons password-reset links and caches with an attacker's domain.
    ///
    /// ## Example
    /// ```python
    /// ALLOWED_HOSTS = ["*"]
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")
    /// ```
    ///
    /// ## Known limits
    /// Not in the default set: measured on real services, about half of the wildcards
    /// were deliberate (a platform's router that delivers only the app's own hosts, a
    /// self-hosted product installed under any name, a comment giving the reason), and
    /// the ones worth fixing were where the app builds links from the `Host` header
    /// (password resets, `USE_X_FORWARDED_HOST = True`), which a settings module does not
    /// show. Literal lists, tuples and sets (and `+=` of one) are read; values from the
    /// environment are not judged. A base module is fine when every non-development
    /// module of its directory that star-imports it sets `ALLOWED_HOSTS` itself.
    pub WildcardAllowedHosts,
    code = "CFG003", name = "wildcard-allowed-hosts", category = Config, severity = Warning,
    security = true,
    default = false,
    reads = [FileKind::Python],
    facts_only = true,
}

impl Rule for WildcardAllowedHosts {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let index = SettingsIndex::new(repo);
        for (path, s) in index.all() {
            let Some(span) = s.wildcard_hosts.clone() else {
                continue;
            };
            if s.dev || index.overridden_for_production(path, |o| o.sets_allowed_hosts) {
                continue;
            }
            cx.report(
                &Self::META,
                path,
                span,
                "`ALLOWED_HOSTS` accepts any host (`\"*\"`)",
                "list the domains the service answers to, e.g. from an environment variable",
            );
        }
    }
}
