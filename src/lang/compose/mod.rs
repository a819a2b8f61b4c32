//! The Docker Compose front end: `compose.yaml`, `compose.*.yaml`,
//! `docker-compose.yml`, `docker-compose.*.yml` (any `.yml`/`.yaml`). It parses with the
//! YAML front end, merge keys resolved as Compose resolves them, and hands the file to
//! the rules both as Compose and as YAML (so YAML rule packs still see it). Compose rules
//! come with the deployment checks; until then the file is read only when an enabled
//! rule asks for Compose or YAML.

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
}

/// What a Compose file tells the repository rules.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ComposeFacts {
    /// Images its services build here (`build:` and `image:` together), without tags.
    pub built_images: Vec<String>,
}

impl ComposeFacts {
    fn of(file: &ComposeFile) -> ComposeFacts {
        let mut facts = ComposeFacts::default();
        for entry in file.services().map(Node::entries).unwrap_or_default() {
            let service = &entry.value;
            if service.get("build").is_some()
                && let Some(image) = service.get("image").and_then(Node::as_str)
            {
                facts
                    .built_images
                    .push(crate::lang::dockerfile::image_name(image));
            }
        }
        facts
    }
}

/// Whether a file name is a Compose file's.
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_yaml_name(&lower) && (lower.starts_with("compose.") || lower.starts_with("docker-compose"))
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
            out.facts.compose = Some(ComposeFacts::of(&file));
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
