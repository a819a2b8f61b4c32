//! The one list of rules, and how the command line and configuration name them: by
//! code (`DKR001`), name (`root-user`), code prefix (`DKR`, `DKR00`), category
//! (`container`) or `all`.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::rule::{Category, Rule, RuleMeta};
use crate::rules::{
    ci, deploy, deps, docker, docs, observability, python, readylint, rust, security,
};

/// Every built-in (Rust) rule. Declarative pack rules are added by [`Registry`].
pub fn builtin() -> &'static [&'static dyn Rule] {
    static RULES: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        vec![
            &docker::root_user::RootUser,
            &docker::add_instead_of_copy::AddInsteadOfCopy,
            &docker::missing_healthcheck::MissingHealthcheck,
            &docker::shell_form_cmd::ShellFormCmd,
            &docker::dev_server::DevServer,
            &docker::secret_in_image::SecretInImage,
            &docker::missing_dockerignore::MissingDockerignore,
            &docker::pipe_without_pipefail::PipeWithoutPipefail,
            &rust::catch_unwind::CatchUnwind,
            &rust::swallowed_error::SwallowedError,
            &rust::panic_in_request_handler::PanicInRequestHandler,
            &rust::no_graceful_shutdown::NoGracefulShutdown,
            &rust::rust_client_without_timeout::RustClientWithoutTimeout,
            &rust::print_macro_in_library::PrintMacroInLibrary,
            &rust::low_rustdoc_coverage::LowRustdocCoverage,
            &ci::unpinned_action::UnpinnedAction,
            &ci::no_ci::NoCi,
            &ci::ci_runs_no_tests::CiRunsNoTests,
            &ci::ci_failure_ignored::CiFailureIgnored,
            &ci::ci_masked_failure::CiMaskedFailure,
            &ci::ci_job_without_timeout::CiJobWithoutTimeout,
            &ci::ci_broad_permissions::CiBroadPermissions,
            &ci::no_lint_in_ci::NoLintInCi,
            &docs::missing_readme::MissingReadme,
            &python::bare_except::BareExcept,
            &python::broad_except::BroadExcept,
            &python::swallowed_exception::SwallowedException,
            &python::http_call_without_timeout::HttpCallWithoutTimeout,
            &security::tls_verification_disabled::TlsVerificationDisabled,
            &python::subprocess_without_timeout::SubprocessWithoutTimeout,
            &python::blocking_wait_without_timeout::BlockingWaitWithoutTimeout,
            &python::print_in_service_code::PrintInServiceCode,
            &python::eager_log_formatting::EagerLogFormatting,
            &python::error_log_without_traceback::ErrorLogWithoutTraceback,
            &python::sensitive_data_logged::SensitiveDataLogged,
            &python::debug_enabled::DebugEnabled,
            &python::hardcoded_secret::HardcodedSecret,
            &python::wildcard_allowed_hosts::WildcardAllowedHosts,
            &python::low_docstring_coverage::LowDocstringCoverage,
            &deps::unpinned_python_requirement::UnpinnedPythonRequirement,
            &deps::unpinned_cargo_dependency::UnpinnedCargoDependency,
            &deps::unpinned_npm_dependency::UnpinnedNpmDependency,
            &deps::missing_lockfile::MissingLockfile,
            &docker::unpinned_base_image::UnpinnedBaseImage,
            &docker::unpinned_package_install::UnpinnedPackageInstall,
            &docker::unpinned_os_package::UnpinnedOsPackage,
            &deploy::missing_probes::MissingProbes,
            &deploy::missing_resource_limits::MissingResourceLimits,
            &deploy::runs_as_root::RunsAsRoot,
            &deploy::privileged_container::PrivilegedContainer,
            &deploy::single_replica::SingleReplica,
            &deploy::secret_in_deploy_config::SecretInDeployConfig,
            &deploy::unpinned_deploy_image::UnpinnedDeployImage,
            &observability::no_health_endpoint::NoHealthEndpoint,
            &observability::no_metrics::NoMetrics,
            &observability::no_request_id::NoRequestId,
            &observability::unstructured_logging::UnstructuredLogging,
            &EngineRule(readylint::ParseError::META),
            &EngineRule(readylint::UnusedSuppression::META),
            &EngineRule(readylint::SkippedFile::META),
            &EngineRule(readylint::MalformedSuppression::META),
        ]
    })
}

/// A rule the engine reports itself (RDY001–RDY003): metadata only.
#[derive(Debug)]
struct EngineRule(RuleMeta);

impl crate::rule::RuleInfo for EngineRule {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }
}

impl Rule for EngineRule {
    /// The engine reports them from what the other rules' runs found: they read nothing.
    fn reads(&self, _kind: crate::lang::FileKind) -> bool {
        false
    }
}

/// The rules of one run: the built-in ones, the embedded packs of `rules/`, and the
/// user's packs from `rule-dirs`. Codes are unique across all of them.
#[derive(Clone)]
pub struct Registry {
    rules: Vec<&'static dyn Rule>,
    /// The rules' codes, in the same order: what [`Registry::find`] searches.
    codes: Vec<&'static str>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| r.meta().code))
            .finish()
    }
}

impl Registry {
    /// Built-in rules and the embedded packs.
    pub fn standard() -> &'static Registry {
        static STANDARD: OnceLock<Registry> = OnceLock::new();
        STANDARD.get_or_init(|| {
            let mut rules: Vec<&'static dyn Rule> = builtin().to_vec();
            rules.extend(crate::declarative::embedded_rules());
            Registry::sorted(rules)
        })
    }

    /// The standard rules plus `extra` (user packs). A duplicate code is an error that
    /// names the code.
    pub fn with(extra: Vec<&'static dyn Rule>) -> Result<Registry, String> {
        let mut rules = Registry::standard().rules.clone();
        for r in extra {
            let m = r.meta();
            if let Some(other) = rules
                .iter()
                .find(|o| o.meta().code == m.code || o.meta().name == m.name)
            {
                return Err(format!(
                    "rule {} ({}) collides with the existing rule {} ({})",
                    m.code,
                    m.name,
                    other.meta().code,
                    other.meta().name
                ));
            }
            rules.push(r);
        }
        Ok(Registry::sorted(rules))
    }

    fn sorted(mut rules: Vec<&'static dyn Rule>) -> Registry {
        rules.sort_by_key(|r| r.meta().code);
        let codes = rules.iter().map(|r| r.meta().code).collect();
        Registry { rules, codes }
    }

    pub fn rules(&self) -> &[&'static dyn Rule] {
        &self.rules
    }

    /// All rule metadata, sorted by code.
    pub fn metas(&self) -> Vec<&'static RuleMeta> {
        self.rules.iter().map(|r| r.meta()).collect()
    }

    pub fn find(&self, code_or_name: &str) -> Option<&'static RuleMeta> {
        // Rules are sorted by code: an exact code (the engine's lookups) is a binary search.
        if let Ok(i) = self.codes.binary_search(&code_or_name) {
            return Some(self.rules[i].meta());
        }
        self.rules
            .iter()
            .map(|r| r.meta())
            .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
    }

    /// Resolves one selector to the codes it names, or `None` if it names nothing.
    /// The rules on when nothing is selected: those whose precision was measured high
    /// on real services (see the README's default set).
    pub fn default_selection(&self) -> BTreeSet<&'static str> {
        self.rules()
            .iter()
            .map(|r| r.meta())
            .filter(|m| m.default)
            .map(|m| m.code)
            .collect()
    }

    pub fn resolve(&self, selector: &str) -> Option<BTreeSet<&'static str>> {
        let s = selector.trim();
        let all = self.metas();
        let hits: BTreeSet<&'static str> = if s.eq_ignore_ascii_case("all") {
            all.iter().map(|m| m.code).collect()
        } else if let Some(cat) = Category::parse(&s.to_ascii_lowercase()) {
            all.iter()
                .filter(|m| m.category == cat)
                .map(|m| m.code)
                .collect()
        } else {
            let upper = s.to_ascii_uppercase();
            all.iter()
                .filter(|m| {
                    m.name == s
                        || (!upper.is_empty()
                            && m.code.starts_with(&upper)
                            && upper
                                .chars()
                                .next()
                                .is_some_and(|c| c.is_ascii_alphabetic()))
                })
                .map(|m| m.code)
                .collect()
        };
        (!hits.is_empty()).then_some(hits)
    }
}

/// All rule metadata of the standard registry, sorted by code.
pub fn metas() -> Vec<&'static RuleMeta> {
    Registry::standard().metas()
}

/// A rule of the standard registry by code or name.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    Registry::standard().find(code_or_name)
}

/// Resolves a selector against the standard registry.
pub fn resolve(selector: &str) -> Option<BTreeSet<&'static str>> {
    Registry::standard().resolve(selector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!(resolve("DKR001").unwrap().len(), 1);
        assert_eq!(
            resolve("root-user").unwrap().into_iter().next(),
            Some("DKR001")
        );
        assert!(resolve("DKR").unwrap().len() >= 9);
        assert!(
            resolve("container")
                .unwrap()
                .is_superset(&resolve("DKR").unwrap())
        );
        assert!(resolve("all").unwrap().contains("RDY001"));
        assert!(resolve("NOPE").is_none());
        assert!(resolve("").is_none());
    }

    #[test]
    fn codes_and_names_are_unique() {
        let m = metas();
        let codes: BTreeSet<_> = m.iter().map(|m| m.code).collect();
        let names: BTreeSet<_> = m.iter().map(|m| m.name).collect();
        assert_eq!(codes.len(), m.len());
        assert_eq!(names.len(), m.len());
    }
}
