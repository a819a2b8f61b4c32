//! `Cargo.toml`, read only as far as the Rust rules need it: whether it declares a
//! package, where its library, binaries and build script are, and which web framework
//! its dependencies name (groundwork for the observability rules).

use std::collections::BTreeSet;

use crate::source::Span;

/// Web frameworks recognised among a crate's dependencies. `hyper` is also what HTTP
/// clients are built on, so a rule that needs a server should not trust it alone.
pub const WEB_FRAMEWORKS: &[&str] = &["axum", "actix-web", "rocket", "warp", "hyper", "poem"];

/// What a `Cargo.toml` says about the crate it describes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CargoManifest {
    /// `[package] name`, when the manifest declares a package.
    pub package: Option<String>,
    /// `[workspace]` is present.
    pub workspace: bool,
    /// `[lib] path`.
    pub lib_path: Option<String>,
    /// `[lib] proc-macro = true`.
    pub proc_macro: bool,
    /// `[[bin]] path`s.
    pub bin_paths: Vec<String>,
    /// `package.build`: `Some(None)` for `build = false`.
    pub build: Option<Option<String>>,
    /// Names of the packages in `[dependencies]` and `[target.*.dependencies]`
    /// (the package name where a dependency is renamed).
    pub dependencies: BTreeSet<String>,
    /// The subset of [`WEB_FRAMEWORKS`] among `dependencies`.
    pub web_frameworks: BTreeSet<String>,
    /// `package.publish = false` (or `[]`): the package is never published.
    pub unpublished: bool,
}

/// A manifest that is not valid TOML.
#[derive(Debug, Clone)]
pub struct ManifestError {
    pub span: Span,
    pub message: String,
}

impl CargoManifest {
    pub fn parse(text: &str) -> Result<CargoManifest, ManifestError> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ManifestError {
            span: e.span().unwrap_or(0..0),
            message: e.message().to_string(),
        })?;
        Ok(CargoManifest::from_table(&table))
    }

    /// The manifest from an already parsed document (the engine parses each
    /// `Cargo.toml` once, for every rule that reads it).
    pub fn from_table(table: &toml::Table) -> CargoManifest {
        let mut m = CargoManifest::default();
        let str_of = |v: Option<&toml::Value>| v.and_then(toml::Value::as_str).map(str::to_string);
        if let Some(pkg) = table.get("package").and_then(toml::Value::as_table) {
            m.package = Some(str_of(pkg.get("name")).unwrap_or_default());
            m.unpublished = match pkg.get("publish") {
                Some(toml::Value::Boolean(false)) => true,
                Some(toml::Value::Array(a)) => a.is_empty(),
                _ => false,
            };
            m.build = match pkg.get("build") {
                Some(toml::Value::Boolean(false)) => Some(None),
                Some(toml::Value::String(s)) => Some(Some(s.clone())),
                _ => None,
            };
        }
        m.workspace = table.contains_key("workspace");
        if let Some(lib) = table.get("lib").and_then(toml::Value::as_table) {
            m.lib_path = str_of(lib.get("path"));
            m.proc_macro = lib
                .get("proc-macro")
                .and_then(toml::Value::as_bool)
                .unwrap_or(false);
        }
        if let Some(bins) = table.get("bin").and_then(toml::Value::as_array) {
            m.bin_paths = bins.iter().filter_map(|b| str_of(b.get("path"))).collect();
        }
        let mut dep_tables: Vec<&toml::Table> = Vec::new();
        if let Some(d) = table.get("dependencies").and_then(toml::Value::as_table) {
            dep_tables.push(d);
        }
        if let Some(targets) = table.get("target").and_then(toml::Value::as_table) {
            for t in targets.values() {
                if let Some(d) = t.get("dependencies").and_then(toml::Value::as_table) {
                    dep_tables.push(d);
                }
            }
        }
        for deps in dep_tables {
            for (key, spec) in deps {
                let name = spec
                    .get("package")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(key)
                    .to_string();
                if WEB_FRAMEWORKS.contains(&name.as_str()) {
                    m.web_frameworks.insert(name.clone());
                }
                m.dependencies.insert(name);
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_targets_and_frameworks() {
        let m = CargoManifest::parse(
            r#"
[package]
name = "svc"
build = "gen.rs"
[lib]
path = "lib/mod.rs"
[[bin]]
name = "svc"
path = "cmd/svc.rs"
[dependencies]
web = { package = "actix-web", version = "4" }
axum = { workspace = true }
serde = "1"
[target.'cfg(unix)'.dependencies]
hyper = "1"
[dev-dependencies]
warp = "0.3"
"#,
        )
        .unwrap();
        assert_eq!(m.package.as_deref(), Some("svc"));
        assert_eq!(m.lib_path.as_deref(), Some("lib/mod.rs"));
        assert_eq!(m.bin_paths, ["cmd/svc.rs"]);
        assert_eq!(m.build, Some(Some("gen.rs".into())));
        assert_eq!(
            m.web_frameworks
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["actix-web", "axum", "hyper"]
        );
        assert!(m.dependencies.contains("serde"));
    }

    #[test]
    fn workspace_only_and_errors() {
        let m = CargoManifest::parse("[workspace]\nmembers = [\"a\"]\n").unwrap();
        assert!(m.workspace && m.package.is_none());
        let e = CargoManifest::parse("[package\nname = 1").unwrap_err();
        assert!(!e.message.is_empty());
    }
}
