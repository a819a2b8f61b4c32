//! The one list of rules, and how the command line and configuration name them: by
//! code (`DKR001`), name (`root-user`), code prefix (`DKR`, `DKR00`), category
//! (`container`) or `all`.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::rule::{Category, Rule, RuleMeta};
use crate::rules::{docker, python, readylint};

/// Every built-in rule, in catalogue order.
pub fn builtin() -> &'static [&'static dyn Rule] {
    static RULES: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        vec![
            &docker::root_user::RootUser,
            &docker::add_instead_of_copy::AddInsteadOfCopy,
            &docker::missing_healthcheck::MissingHealthcheck,
            &docker::shell_form_cmd::ShellFormCmd,
            &docker::secret_in_image::SecretInImage,
            &docker::sudo_in_run::SudoInRun,
            &docker::missing_dockerignore::MissingDockerignore,
            &docker::pipe_without_pipefail::PipeWithoutPipefail,
            &docker::curl_pipe_shell::CurlPipeShell,
            &python::bare_except::BareExcept,
            &python::broad_except::BroadExcept,
            &python::swallowed_exception::SwallowedException,
            &python::http_call_without_timeout::HttpCallWithoutTimeout,
            &python::subprocess_without_timeout::SubprocessWithoutTimeout,
            &python::print_in_service_code::PrintInServiceCode,
            &python::eager_log_formatting::EagerLogFormatting,
            &python::error_log_without_traceback::ErrorLogWithoutTraceback,
            &python::sensitive_data_logged::SensitiveDataLogged,
            &python::debug_enabled::DebugEnabled,
            &python::hardcoded_secret::HardcodedSecret,
            &python::wildcard_allowed_hosts::WildcardAllowedHosts,
            &python::low_docstring_coverage::LowDocstringCoverage,
            &EngineRule(readylint::ParseError::META),
            &EngineRule(readylint::UnusedSuppression::META),
            &EngineRule(readylint::SkippedFile::META),
        ]
    })
}

/// A rule the engine reports itself (RDY001–RDY003): metadata only.
struct EngineRule(RuleMeta);

impl Rule for EngineRule {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }
}

/// All rule metadata, sorted by code.
pub fn metas() -> Vec<&'static RuleMeta> {
    let mut m: Vec<&'static RuleMeta> = builtin().iter().map(|r| r.meta()).collect();
    m.sort_by_key(|m| m.code);
    m
}

pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    builtin()
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
}

/// Resolves one selector to the codes it names, or `None` if it names nothing.
pub fn resolve(selector: &str) -> Option<BTreeSet<&'static str>> {
    let s = selector.trim();
    let all = metas();
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
        assert_eq!(resolve("container"), resolve("DKR"));
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
