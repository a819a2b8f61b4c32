//! The Docker Compose front end: `compose.yaml`, `compose.*.yaml`,
//! `docker-compose.yml`, `docker-compose.*.yml` (any `.yml`/`.yaml`). It parses with the
//! YAML front end, merge keys resolved as Compose resolves them, and hands the file to
//! the rules both as Compose and as YAML (so YAML rule packs still see it). The file is
//! read only when an enabled rule asks for Compose or YAML (the deployment rules DPL004,
//! CFG004 and DEP009 do), or a Dockerfile rule or a CI rule is enabled. Its facts are the
//! images its services run and build, for DEP005 and DEP009; which Dockerfiles its
//! services build and whether they mount the working copy, for the Dockerfile rules;
//! what each service runs, for the CI rules (`docker compose run app`);
//! [`is_dev_compose`] says which files are development stacks.

use crate::lang::yaml::{Node, Yaml, is_yaml_name, read_yaml};
use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, file_name};

/// A parsed Compose file.
#[derive(Debug, Clone)]
pub struct ComposeFile {
    pub yaml: Yaml,
}

impl ComposeFile {
    /// The `services:` mapping, if the file has one.
    pub fn services(&self) -> Option<&Node> {
        self.yaml.root().and_then(|r| r.get("services"))
    }

    /// Each service's name and definition (merge keys applied).
    pub fn service_list(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.services()
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .filter(|e| e.value.is_map())
            .map(|e| (e.key.as_str().unwrap_or("?"), &e.value))
    }
}

/// Words in a Compose file's name that say it is not for production: a development,
/// local, test or CI stack, or the `override` file Compose merges into every local
/// `docker compose up` (`docker-compose.dev.yml`, `compose.override.yaml`,
/// `docker-compose.ci-test.yml`, `docker-compose.devcontainer.yml`).
const DEV_WORDS: [&str; 12] = [
    "dev",
    "development",
    "devcontainer",
    "local",
    "override",
    "test",
    "tests",
    "testing",
    "ci",
    "e2e",
    "cypress",
    "debug",
];

/// Whether a Compose file is for development, tests or CI: named so (see
/// [`DEV_WORDS`]), in a directory named so (`dev/`, `local/`, `development/`,
/// `.devcontainer/`, `compose/local/`), or saying so in the comment it opens with
/// (`# This configuration file is for the development setup`).
pub fn is_dev_compose(source: &SourceFile) -> bool {
    let rel_path = &*source.rel_path;
    let lower = file_name(rel_path).to_ascii_lowercase();
    let stem = lower
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .trim_start_matches("docker-")
        .trim_start_matches("compose");
    let dirs = rel_path.to_ascii_lowercase();
    let dirs: Vec<&str> = dirs.split('/').collect();
    let in_dev_dir = dirs[..dirs.len() - 1]
        .iter()
        .any(|d| matches!(*d, "dev" | "local" | "development" | ".ci"));
    stem.split(['.', '-', '_']).any(|w| DEV_WORDS.contains(&w))
        || in_dev_dir
        || crate::roles::Roles::of_path(rel_path).has(crate::roles::Role::DevEnvironment)
        || says_development(&source.text)
}

/// Whether the comment a file opens with says it is not for production.
fn says_development(text: &str) -> bool {
    let header: String = text
        .lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    [
        "development",
        "local dev",
        "for testing",
        "for local",
        "not for production",
        "not meant for production",
        "not intended for production",
        "not suitable for production",
        "do not use in production",
        "don't use in production",
    ]
    .iter()
    .any(|p| header.contains(p))
}

/// What a Compose file tells the repository rules.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ComposeFacts {
    /// Images its services build here (`build:` and `image:` together), without tags.
    pub built_images: Vec<String>,
    /// Every service's `image:`, as written, with its span (`local` when the service
    /// also has `build:`).
    #[serde(default)]
    pub images: Vec<crate::lang::kubernetes::DeployImage>,
    /// Every service, with what the deployment rules ask of it.
    #[serde(default)]
    pub services: Vec<ServiceFacts>,
    /// The URLs the `healthcheck.test` of services built here ask for.
    #[serde(default)]
    pub probes: Vec<crate::lang::service::Probe>,
    /// A development stack ([`is_dev_compose`]), decided while its text is at hand, so
    /// that no repository rule has to read the file again.
    #[serde(default)]
    pub dev: bool,
}

/// A Compose service as the repository rules see it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ServiceFacts {
    pub name: String,
    /// `healthcheck:` — `Some(false)` when it says `disable: true`.
    pub healthcheck: Option<bool>,
    /// The Dockerfile `build:` names (repository path), when it is in this repository.
    pub dockerfile: Option<String>,
    /// `build:` is there, whatever it names.
    pub builds: bool,
    /// `image:`, as written.
    pub image: Option<String>,
    /// `extends:` another service: what it holds is not all here.
    pub extends: bool,
    /// The build context's repository path, when it is in this repository.
    #[serde(default)]
    pub context: Option<String>,
    /// The repository paths it bind-mounts (`./src:/app/src`, `{type: bind, source:
    /// .}`).
    #[serde(default)]
    pub binds: Vec<String>,
    /// The services it waits for with `condition: service_healthy`, with the span of
    /// each name.
    pub waits_healthy: Vec<(String, crate::source::Span)>,
    /// What it runs: `entrypoint:` then `command:`, as one shell line (the list form's
    /// items quoted), when either is set; what a CI's `docker compose run app` runs.
    #[serde(default)]
    pub runs: Option<String>,
}

/// A `command:` or `entrypoint:` as shell words: the string form as written, the list
/// form's items each quoted; a list of one item as that item, which is a script when
/// the image's entrypoint is a shell's `-c` (`command: ["make test"]`).
fn shell_line(node: &Node) -> Option<String> {
    if let [one] = node.items() {
        one.scalar_text()
    } else if node.is_seq() {
        let words: Vec<String> = node
            .items()
            .iter()
            .filter_map(Node::scalar_text)
            .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
            .collect();
        (!words.is_empty()).then(|| words.join(" "))
    } else {
        node.scalar_text()
    }
}

impl ServiceFacts {
    fn of(name: &str, service: &Node, dir: &str) -> ServiceFacts {
        let healthcheck = service.get("healthcheck").map(|h| {
            let disabled = h.get("disable").and_then(Node::as_bool) == Some(true)
                || h.get("test")
                    .and_then(|t| t.items().first().or(Some(t)))
                    .and_then(Node::as_str)
                    == Some("NONE");
            !disabled
        });
        let build = service.get("build");
        let waits_healthy = service
            .get("depends_on")
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .filter(|e| e.value.get("condition").and_then(Node::as_str) == Some("service_healthy"))
            .filter_map(|e| Some((e.key.as_str()?.to_string(), e.key.span.clone())))
            .collect();
        ServiceFacts {
            name: name.to_string(),
            healthcheck,
            dockerfile: build.and_then(|b| build_dockerfile(b, dir)),
            builds: build.is_some(),
            image: service.get("image").and_then(Node::scalar_text),
            extends: service.get("extends").is_some(),
            waits_healthy,
            context: build.and_then(|b| build_context(b, dir)),
            binds: bind_sources(service, dir).collect(),
            runs: {
                let parts: Vec<String> = ["entrypoint", "command"]
                    .iter()
                    .filter_map(|k| service.get(k).and_then(shell_line))
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            },
        }
    }
}

/// The repository path of the context a `build:` names (see [`build_dockerfile`]).
fn build_context(build: &Node, dir: &str) -> Option<String> {
    let context = match build.as_str() {
        Some(context) => context,
        None => build.get("context").and_then(Node::as_str).unwrap_or("."),
    };
    if context.contains("://") || context.starts_with("git@") || context.contains('$') {
        return None;
    }
    Some(crate::source::join_path(dir, context))
}

/// The repository paths a service bind-mounts from the Compose file's directory `dir`:
/// `./src:/app/src` in the short form, `{type: bind, source: .}` in the long one.
fn bind_sources<'n>(service: &'n Node, dir: &'n str) -> impl Iterator<Item = String> + 'n {
    let volumes = service.get("volumes").map(Node::items).unwrap_or_default();
    volumes.iter().filter_map(move |v| {
        let source = match v.as_str() {
            Some(short) => short.split(':').next()?,
            None if v.get("type").and_then(Node::as_str) == Some("bind") => {
                v.get("source").and_then(Node::as_str)?
            }
            None => return None,
        };
        (source == "." || source.starts_with("./") || source.starts_with("../"))
            .then(|| crate::source::join_path(dir, source))
    })
}

/// The repository path of the Dockerfile a `build:` names, from the Compose file's
/// directory `dir`: `build: ./api` is `api/Dockerfile`; `context` and `dockerfile`
/// are read from the long form. `None` for a remote context, an inline Dockerfile or a
/// path with variables.
fn build_dockerfile(build: &Node, dir: &str) -> Option<String> {
    let (context, dockerfile) = match build.as_str() {
        Some(context) => (context, "Dockerfile"),
        None if build.get("dockerfile_inline").is_some() => return None,
        None => (
            build.get("context").and_then(Node::as_str).unwrap_or("."),
            build
                .get("dockerfile")
                .and_then(Node::as_str)
                .unwrap_or("Dockerfile"),
        ),
    };
    if context.contains("://") || context.starts_with("git@") || context.contains('$') {
        return None;
    }
    if dockerfile.contains('$') || dockerfile.starts_with('/') {
        return None;
    }
    let context = crate::source::join_path(dir, context);
    Some(crate::source::join_path(&context, dockerfile))
}

impl ComposeFacts {
    fn of(file: &ComposeFile, rel_path: &str) -> ComposeFacts {
        let mut facts = ComposeFacts::default();
        let dir = crate::source::parent_dir(rel_path);
        for (name, service) in file.service_list() {
            facts.services.push(ServiceFacts::of(name, service, dir));
        }
        for entry in file.services().map(Node::entries).unwrap_or_default() {
            let service = &entry.value;
            if service.get("build").is_some()
                && let Some(test) = service.get("healthcheck").and_then(|h| h.get("test"))
            {
                let text = match &test.value {
                    crate::lang::yaml::Value::Seq(items) => items
                        .iter()
                        .filter_map(Node::scalar_text)
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => test.scalar_text().unwrap_or_default(),
                };
                if let Some(path) = crate::lang::service::url_path(&text) {
                    facts.probes.push(crate::lang::service::Probe {
                        path,
                        span: test.span.clone(),
                    });
                }
            }
            let Some(node) = service.get("image") else {
                continue;
            };
            let Some(image) = node.scalar_text() else {
                continue;
            };
            let built = service.get("build").is_some();
            if built {
                facts
                    .built_images
                    .push(crate::lang::dockerfile::image_name(&image));
            }
            facts.images.push(crate::lang::kubernetes::DeployImage {
                image,
                span: node.span.clone(),
                local: built,
            });
        }
        facts
    }
}

/// Whether a file name is a Compose file's.
pub fn is_compose_name(name: &str) -> bool {
    let starts = |prefix| crate::source::starts_with_ignore_case(name, prefix);
    is_yaml_name(name) && (starts("compose.") || starts("docker-compose"))
}

/// The Compose front end.
pub struct ComposeFrontEnd;

impl FrontEnd for ComposeFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        is_compose_name(file_name(rel_path)).then_some(FileKind::Compose)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Compose
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        let help = "fix the syntax; Docker Compose cannot read this file either";
        if let Some(yaml) = read_yaml(source, true, "Compose file", help, out) {
            let file = ComposeFile { yaml };
            sink.compose(&file);
            sink.yaml(&file.yaml);
            let mut facts = ComposeFacts::of(&file, &source.rel_path);
            facts.dev = is_dev_compose(source);
            out.facts.compose = Some(Box::new(facts));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names() {
        for yes in [
            "compose.yaml",
            "compose.yml",
            "compose.prod.yaml",
            "docker-compose.yml",
            "docker-compose.override.yml",
            "docker-compose-dev.yaml",
            "Docker-Compose.YML",
        ] {
            assert!(is_compose_name(yes), "{yes}");
        }
        for no in [
            "compose.json",
            "values.yaml",
            "my-compose.yml",
            "docker-compose.md",
        ] {
            assert!(!is_compose_name(no), "{no}");
        }
    }

    #[test]
    fn dev_compose_files() {
        let is_dev_compose =
            |p: &str| is_dev_compose(&SourceFile::new(p, p, "services: {}\n".into()));
        for yes in [
            "docker-compose.dev.yml",
            "compose.override.yaml",
            "docker/compose/docker-compose.ci-test.yml",
            ".devcontainer/docker-compose.yml",
            "{{x}}/docker-compose.local.yml",
            ".ci/compose.cypress.yaml",
            "dev/docker/docker-compose.shared.yml",
        ] {
            assert!(is_dev_compose(yes), "{yes}");
        }
        for no in [
            "docker-compose.yml",
            "compose.yaml",
            "compose.deploy.yml",
            "docker-compose.production.yml",
            "docker/compose/docker-compose.postgres.yml",
        ] {
            assert!(!is_dev_compose(no), "{no}");
        }
        let header = "# This configuration file is for the **development** setup.\nservices: {}\n";
        let f = SourceFile::new("compose.yaml", "compose.yaml", header.into());
        assert!(super::is_dev_compose(&f));
    }

    #[test]
    fn build_names_a_dockerfile_of_the_repository() {
        let src = SourceFile::new(
            "deploy/compose.yaml",
            "deploy/compose.yaml",
            "services:\n  a:\n    build: ../api\n  b:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n  c:\n    build: https://github.com/acme/x.git\n  d:\n    build: ${CTX}\n  e:\n    image: redis:7\n    healthcheck:\n      disable: true\n    depends_on:\n      a:\n        condition: service_healthy\n      b:\n        condition: service_started\n".into(),
        );
        struct Nothing;
        impl Sink for Nothing {}
        let mut out = Output::default();
        ComposeFrontEnd.read(&src, FileKind::Compose, &mut Nothing, &mut out);
        let services = out.facts.compose.unwrap().services;
        let dockerfiles: Vec<Option<&str>> =
            services.iter().map(|s| s.dockerfile.as_deref()).collect();
        assert_eq!(
            dockerfiles,
            [
                Some("api/Dockerfile"),
                Some("deploy/docker/Dockerfile.web"),
                None,
                None,
                None
            ]
        );
        assert!(services[3].builds && !services[4].builds);
        assert_eq!(services[4].healthcheck, Some(false));
        let waits: Vec<&str> = services[4]
            .waits_healthy
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(waits, ["a"]);
    }

    #[test]
    fn a_compose_file_parses_and_lists_services() {
        let src = SourceFile::new(
            "compose.yaml",
            "compose.yaml",
            "x-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    image: app\n".into(),
        );
        struct Seen(Option<bool>);
        impl Sink for Seen {
            fn compose(&mut self, f: &ComposeFile) {
                let web = f.services().and_then(|s| s.get("web"));
                self.0 = Some(web.and_then(|w| w.get("restart")).is_some());
            }
        }
        let mut seen = Seen(None);
        let mut out = Output::default();
        ComposeFrontEnd.read(&src, FileKind::Compose, &mut seen, &mut out);
        assert!(out.errors.is_empty());
        assert_eq!(seen.0, Some(true), "merge keys are resolved");
    }
}
