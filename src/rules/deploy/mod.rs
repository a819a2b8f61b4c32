//! Rules over deployment manifests: Docker Compose files and Kubernetes manifests
//! (DPL004, CFG004, DEP009), and what they share: which Compose files are development
//! stacks ([`crate::lang::compose::is_dev_compose`]) and how a value that comes from the
//! environment is told from a literal ([`literal`]).

pub mod privileged_container;
pub mod secret_in_deploy_config;
pub mod unpinned_deploy_image;

/// What a configuration value holds, as far as secrets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// A literal written in the file.
    Value(String),
    /// `${VAR:-default}` (or `${VAR-default}`): the default applies whenever the
    /// variable is unset.
    Default(String),
}

/// The literal a value holds, if any: `None` for an empty value, an interpolation
/// without a default (`${VAR}`, `${VAR:?required}`), a value built from variables or
/// templates (`postgres://${USER}@db`, `$(OTHER)`, `{{ .Values.x }}`), and
/// placeholders ([`crate::secrets::is_placeholder`]).
pub fn literal(text: &str) -> Option<Literal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(inner) = t.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
        && !inner.contains(['{', '}', '$'])
    {
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let op = &inner[name_end..];
        let default = op.strip_prefix(":-").or_else(|| op.strip_prefix('-'))?;
        let default = default.trim_matches(['"', '\'']);
        return (!is_sample(default)).then(|| Literal::Default(default.to_string()));
    }
    if crate::lang::kubernetes::is_templated(t) || is_sample(t) {
        return None;
    }
    Some(Literal::Value(t.to_string()))
}

/// A placeholder ([`crate::secrets::is_placeholder`]), or a value that says it is a
/// sample: `my-api-key`, `seriously-insecure`, `example-token`.
pub fn is_sample(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    crate::secrets::is_placeholder(value)
        || lower.starts_with("my-")
        || lower.starts_with("my_")
        || ["insecure", "example", "sample"]
            .iter()
            .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_interpolation() {
        assert_eq!(
            literal("s3cr3t-value"),
            Some(Literal::Value("s3cr3t-value".into()))
        );
        assert_eq!(literal("${DB_PASSWORD}"), None);
        assert_eq!(literal("${DB_PASSWORD:?set it}"), None);
        assert_eq!(literal("${DB_PASSWORD:?must-be-set}"), None);
        assert_eq!(literal("${DB_PASSWORD:-changeme}"), None);
        assert_eq!(
            literal("${POSTGRES_PASSWORD:-postgres}"),
            Some(Literal::Default("postgres".into()))
        );
        assert_eq!(
            literal("${POSTGRES_PASSWORD-postgres}"),
            Some(Literal::Default("postgres".into()))
        );
        assert_eq!(literal("postgres://${U}:${P}@db/x"), None);
        assert_eq!(literal("$(OTHER_VAR)"), None);
        assert_eq!(literal("{{ .Values.password }}"), None);
        assert_eq!(literal(""), None);
        assert_eq!(literal("<your token>"), None);
        assert_eq!(literal("my-pictrs-key"), None);
        assert_eq!(literal("seriously-insecure"), None);
    }
}
