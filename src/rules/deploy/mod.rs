//! Rules over deployment manifests: Docker Compose files and Kubernetes manifests
//! (DPL001–DPL005, CFG004, DEP009), and what they share: which Compose files are
//! development stacks ([`crate::lang::compose::is_dev_compose`]), how a value that comes
//! from the environment is told from a literal ([`literal`]), and which images the
//! repository builds itself and from which Dockerfile ([`Builds`]).

pub mod missing_probes;
pub mod missing_resource_limits;
pub mod privileged_container;
pub mod runs_as_root;
pub mod secret_in_deploy_config;
pub mod single_replica;
pub mod unpinned_deploy_image;

use std::collections::{BTreeMap, BTreeSet};

use crate::lang::dockerfile::{image_name, is_dockerfile_name};
use crate::repo::RepoIndex;
use crate::rules::docker::unpinned_base_image::{images_built_here, is_built_here};
use crate::source::{file_name, parent_dir};

/// What the repository builds, and how its deployments name what they run: an image
/// is matched to a Dockerfile through a Compose service that builds it (`build:` with
/// `image:`), or by the Dockerfile's directory (`image: ghcr.io/acme/api:1.2`,
/// `acme/shop_api` or `ghcr.io/acme/shop:1.2-api`, and `api/Dockerfile` or
/// `api/src/Dockerfile`, as Skaffold and most monorepos lay it out).
pub struct Builds {
    /// Image names (no tag) tagged by builds of this repository (CI, task files,
    /// Compose).
    built: BTreeSet<String>,
    /// Dockerfile path → image names a Compose service builds from it.
    by_dockerfile: BTreeMap<String, BTreeSet<String>>,
    /// The names of the directories a Dockerfile is in (at any depth).
    dockerfile_dirs: BTreeSet<String>,
}

/// The last path component of an image name, without tag or digest: `api` for
/// `ghcr.io/acme/api:1.2`.
fn short_name(image: &str) -> String {
    let name = image_name(image);
    name.rsplit('/').next().unwrap_or(&name).to_string()
}

/// Whether `image` is named for the directory `dir`: `api` for `ghcr.io/acme/api:1.2`,
/// `shop_api` / `shop-api`, or a tag that ends so (`ghcr.io/acme/shop:1.2-api`).
fn named_for(image: &str, dir: &str) -> bool {
    let dir = dir.to_ascii_lowercase();
    if dir.len() < 3 {
        return !dir.is_empty() && short_name(image) == dir;
    }
    let ends = |s: &str| {
        s == dir
            || s.strip_suffix(dir.as_str())
                .is_some_and(|head| head.ends_with(['-', '_']))
    };
    let lower = image.trim().to_ascii_lowercase();
    let last = lower.rsplit('/').next().unwrap_or(&lower);
    let tag = last
        .split('@')
        .next()
        .unwrap_or("")
        .split_once(':')
        .map(|(_, t)| t);
    ends(&short_name(image)) || tag.is_some_and(ends)
}

/// The names of the directories a Dockerfile is in, nearest last (none at the root):
/// `cart` and `src` for `cart/src/Dockerfile`.
fn dir_names(dockerfile: &str) -> impl Iterator<Item = &str> {
    parent_dir(dockerfile).split('/').filter(|d| !d.is_empty())
}

impl Builds {
    pub fn of(repo: &RepoIndex) -> Builds {
        let mut by_dockerfile: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (_, facts) in repo.parsed() {
            for s in facts.compose.iter().flat_map(|c| &c.services) {
                if let (Some(df), Some(image)) = (&s.dockerfile, &s.image) {
                    by_dockerfile
                        .entry(df.clone())
                        .or_default()
                        .insert(image_name(image));
                }
            }
        }
        let dockerfile_dirs = repo
            .files()
            .filter(|f| is_dockerfile_name(file_name(f)))
            .flat_map(dir_names)
            .map(str::to_string)
            .collect();
        Builds {
            built: images_built_here(repo),
            by_dockerfile,
            dockerfile_dirs,
        }
    }

    /// Whether the repository builds `image`: its name is tagged by a build here, or
    /// its last component names a directory with a Dockerfile.
    pub fn builds(&self, image: &str) -> bool {
        is_built_here(&self.built, &image_name(image))
            || self
                .by_dockerfile
                .values()
                .any(|s| s.contains(&image_name(image)))
            || self.dockerfile_dirs.iter().any(|d| named_for(image, d))
    }

    /// Whether `image` may be the one built from `dockerfile`.
    pub fn is_built_from(&self, image: &str, dockerfile: &str) -> bool {
        let name = image_name(image);
        self.by_dockerfile
            .get(dockerfile)
            .is_some_and(|s| s.contains(&name))
            || dir_names(dockerfile).any(|d| named_for(image, d))
    }
}

/// The Dockerfiles of the repository that its deployments health-check: built by a
/// Compose service with a `healthcheck` (in a file that is not a development stack), or
/// building an image that a Kubernetes container with a readiness or liveness probe, or
/// such a Compose service, runs (see [`Builds`] for how images are matched).
pub fn probed_dockerfiles(repo: &RepoIndex) -> BTreeSet<String> {
    let builds = Builds::of(repo);
    let mut probed = BTreeSet::new();
    let mut probed_images = BTreeSet::new();
    for (_, facts) in repo.parsed() {
        if let Some(c) = &facts.compose
            && !c.dev
        {
            for s in c.services.iter().filter(|s| s.healthcheck == Some(true)) {
                probed.extend(s.dockerfile.iter().cloned());
                probed_images.extend(s.image.iter().cloned());
            }
        }
        for c in facts.kubernetes.iter().flat_map(|k| &k.containers) {
            if c.probed {
                probed_images.extend(c.image.iter().map(|(i, _)| i.clone()));
            }
        }
    }
    for (src, facts) in repo.parsed() {
        if facts.docker.is_some()
            && probed_images
                .iter()
                .any(|i| builds.is_built_from(i, &src.rel_path))
        {
            probed.insert(src.rel_path.to_string());
        }
    }
    probed
}

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
    fn images_named_for_directories() {
        for (image, dir) in [
            ("ghcr.io/acme/api:1.2", "api"),
            ("frontend", "frontend"),
            ("dockersamples/examplevotingapp_vote", "vote"),
            ("ghcr.io/open-telemetry/demo:2.0.2-frontend", "frontend"),
            ("acme/shop-cart@sha256:00", "cart"),
            ("db", "db"),
        ] {
            assert!(named_for(image, dir), "{image} {dir}");
        }
        for (image, dir) in [
            ("ghcr.io/acme/api:1.2", ""),
            ("redis:7", "src"),
            ("ghcr.io/acme/xapi:1.2", "api"),
            ("ab", "b"),
            ("registry.local:5000/web", "5000"),
        ] {
            assert!(!named_for(image, dir), "{image} {dir}");
        }
    }

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
