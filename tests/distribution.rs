//! The distribution artefacts: the README's pre-commit example against the hooks
//! manifest, the Python package definition, the release workflow and the action's
//! interface. Offline checks of their shape; `.ci/run` (scripts/check-dist.sh) also
//! builds and installs the wheel and runs pre-commit's own validators.

use std::collections::BTreeSet;
use std::path::Path;

use saphyr::{LoadableYamlNode, Yaml};

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn yaml<'a>(path: &str, text: &'a str) -> Yaml<'a> {
    let mut docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(docs.len(), 1, "{path}: one YAML document expected");
    docs.remove(0)
}

fn keys(node: &Yaml<'_>) -> BTreeSet<String> {
    node.as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn str_at<'a>(node: &'a Yaml<'_>, key: &str) -> Option<&'a str> {
    node.as_mapping_get(key).and_then(Yaml::as_str)
}

/// The README's `.pre-commit-config.yaml` example: the first ```yaml block whose first
/// line is `# .pre-commit-config.yaml` (scripts/readme-pre-commit-snippet.sh finds it
/// the same way for `pre-commit validate-config`).
fn readme_pre_commit_snippet(readme: &str) -> String {
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() != "```yaml" {
            continue;
        }
        let mut block = Vec::new();
        for line in lines.by_ref() {
            if line.trim_end() == "```" {
                break;
            }
            block.push(line);
        }
        if block.first() == Some(&"# .pre-commit-config.yaml") {
            return block.join("\n") + "\n";
        }
    }
    panic!("README.md has no ```yaml block starting with `# .pre-commit-config.yaml`");
}

fn hook_ids() -> BTreeSet<String> {
    let text = read(".pre-commit-hooks.yaml");
    let manifest = yaml(".pre-commit-hooks.yaml", &text);
    let hooks = manifest
        .as_sequence()
        .expect(".pre-commit-hooks.yaml: a list of hooks");
    let mut ids = BTreeSet::new();
    for hook in hooks {
        let id = str_at(hook, "id").expect("every hook has an id");
        assert!(ids.insert(id.to_owned()), "hook id {id} is defined twice");
        for key in ["name", "entry", "language"] {
            assert!(str_at(hook, key).is_some(), "hook {id} has no `{key}`");
        }
        // The wheel is the distribution: pre-commit installs it with pip.
        assert_eq!(str_at(hook, "language"), Some("python"), "hook {id}");
        assert!(
            str_at(hook, "entry").unwrap().starts_with("readylint "),
            "hook {id} runs the installed `readylint` script"
        );
    }
    ids
}

#[test]
fn readme_pre_commit_snippet_is_a_valid_config_of_existing_hooks() {
    let snippet = readme_pre_commit_snippet(&read("README.md"));
    let config = yaml("README.md pre-commit snippet", &snippet);
    assert!(
        config.as_mapping().is_some(),
        "the README's .pre-commit-config.yaml must be a mapping (with `repos:`), not a bare list:\n{snippet}"
    );
    let known = hook_ids();
    let repos = config
        .as_mapping_get("repos")
        .and_then(Yaml::as_sequence)
        .expect("the README's pre-commit config has a `repos:` list");
    assert!(!repos.is_empty(), "`repos:` is empty");
    for repo in repos {
        let url = str_at(repo, "repo").expect("each repo has a `repo:` string");
        assert_eq!(url, "https://github.com/readylint/readylint");
        let rev = repo.as_mapping_get("rev").expect("each repo has a `rev:`");
        assert!(
            rev.as_str().is_some_and(|r| !r.is_empty()),
            "`rev:` is a non-empty string"
        );
        let hooks = repo
            .as_mapping_get("hooks")
            .and_then(Yaml::as_sequence)
            .expect("each repo has a `hooks:` list");
        assert!(!hooks.is_empty(), "`hooks:` is empty");
        for hook in hooks {
            let id = str_at(hook, "id").expect("each hook has an `id:`");
            assert!(
                known.contains(id),
                "hook `{id}` is not in .pre-commit-hooks.yaml ({known:?})"
            );
        }
    }
}

#[test]
fn snippet_extraction_skips_other_yaml_blocks() {
    let readme = "```yaml\nname: ci\n```\n\n```yaml\n# .pre-commit-config.yaml\nrepos: []\n```\n";
    assert_eq!(
        readme_pre_commit_snippet(readme),
        "# .pre-commit-config.yaml\nrepos: []\n"
    );
}

#[test]
fn readme_install_section_order() {
    let readme = read("README.md");
    let install = readme
        .find("\n## Install\n")
        .expect("README.md has an `## Install` section");
    let section = &readme[install..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    let at = |needle: &str| {
        section
            .find(needle)
            .unwrap_or_else(|| panic!("the Install section mentions `{needle}`"))
    };
    let order = [
        at("pipx install readylint"),
        at("uv tool install readylint"),
        at("uses: readylint/readylint@"),
        at("# .pre-commit-config.yaml"),
        at("cargo install"),
    ];
    assert!(
        order[0] < order[2] && order[1] < order[2] && order[2] < order[3] && order[3] < order[4],
        "Install leads with pipx/uv, then the action, then pre-commit, then cargo install"
    );
}

#[test]
fn pyproject_builds_a_binary_wheel_versioned_by_cargo() {
    let pyproject: toml::Table = read("pyproject.toml").parse().expect("pyproject.toml");
    let cargo: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml");
    assert_eq!(
        pyproject["build-system"]["build-backend"].as_str(),
        Some("maturin")
    );
    let project = &pyproject["project"];
    assert_eq!(project["name"].as_str(), Some("readylint"));
    assert!(
        project.get("version").is_none(),
        "the version comes from Cargo.toml (`dynamic`)"
    );
    let dynamic = project["dynamic"].as_array().expect("project.dynamic");
    assert!(dynamic.iter().any(|v| v.as_str() == Some("version")));
    assert_eq!(
        project["license"].as_str(),
        cargo["package"]["license"].as_str()
    );
    assert!(project.get("requires-python").is_some());
    assert!(project.get("classifiers").is_some());
    let maturin = &pyproject["tool"]["maturin"];
    assert_eq!(maturin["bindings"].as_str(), Some("bin"));
    // Nothing but the binary and metadata: no Python sources, no extra files, no SBOM.
    for key in ["python-source", "python-packages", "include", "data"] {
        assert!(
            maturin.get(key).is_none(),
            "tool.maturin.{key} adds files to the wheel"
        );
    }
    assert_eq!(maturin["sbom"]["rust"].as_bool(), Some(false));
    // Config discovery reads pyproject.toml: this one must not configure readylint.
    assert!(pyproject["tool"].get("readylint").is_none());
}

fn is_pinned(uses: &str) -> bool {
    uses.starts_with("./")
        || uses
            .split_once('@')
            .is_some_and(|(_, rev)| rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Every `uses:` line is pinned by a full commit SHA with a version comment.
fn assert_pins(path: &str, text: &str) {
    for line in text.lines() {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let Some(rest) = trimmed.strip_prefix("uses:") else {
            continue;
        };
        let (uses, comment) = rest.split_once('#').unwrap_or((rest, ""));
        let uses = uses.trim();
        assert!(
            is_pinned(uses),
            "{path}: `{uses}` is not pinned by a commit SHA"
        );
        if !uses.starts_with("./") {
            assert!(
                comment.trim_start().starts_with('v'),
                "{path}: `{uses}` has no version comment"
            );
        }
    }
}

#[test]
fn release_workflow_shape() {
    let path = ".github/workflows/release.yml";
    let text = read(path);
    let workflow = yaml(path, &text);
    let tags = workflow
        .as_mapping_get("on")
        .and_then(|on| on.as_mapping_get("push"))
        .and_then(|push| push.as_mapping_get("tags"))
        .and_then(Yaml::as_sequence)
        .expect("release.yml runs on pushed tags");
    assert!(tags.iter().any(|t| t.as_str() == Some("v*")));
    let permissions = workflow
        .as_mapping_get("permissions")
        .expect("top-level permissions");
    assert_eq!(keys(permissions), BTreeSet::from(["contents".to_owned()]));
    assert_eq!(str_at(permissions, "contents"), Some("read"));
    let jobs = workflow
        .as_mapping_get("jobs")
        .and_then(Yaml::as_mapping)
        .expect("jobs");
    let mut writers = Vec::new();
    for (name, job) in jobs {
        let name = name.as_str().unwrap_or("?");
        assert!(
            job.as_mapping_get("timeout-minutes").is_some(),
            "job {name} has no timeout-minutes"
        );
        let writes = job
            .as_mapping_get("permissions")
            .and_then(Yaml::as_mapping)
            .is_some_and(|m| m.values().any(|v| v.as_str() == Some("write")));
        if writes {
            writers.push(name.to_owned());
        }
    }
    assert_eq!(
        writers.len(),
        2,
        "only the publishing jobs write: {writers:?}"
    );
    for asset in ["SHA256SUMS", ".sha256", "sdist"] {
        assert!(text.contains(asset), "release.yml mentions {asset}");
    }
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(text.contains(target), "release.yml builds {target}");
        // The action downloads exactly these assets.
        assert!(
            read("action.yml").contains(target),
            "action.yml knows {target}"
        );
    }
    assert_pins(path, &text);
}

#[test]
fn workflows_and_action_pin_every_action() {
    assert_pins("action.yml", &read("action.yml"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_pins(&path.display().to_string(), &text);
    }
}

#[test]
fn action_interface_is_unchanged() {
    let text = read("action.yml");
    let action = yaml("action.yml", &text);
    let inputs = keys(action.as_mapping_get("inputs").expect("inputs"));
    let outputs = keys(action.as_mapping_get("outputs").expect("outputs"));
    let set = |names: &[&str]| {
        names
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        inputs,
        set(&[
            "path",
            "args",
            "config",
            "format",
            "fail-on",
            "sarif-file",
            "upload-sarif",
            "category"
        ])
    );
    assert_eq!(outputs, set(&["sarif-file", "findings", "exit-code"]));
    let runs = action.as_mapping_get("runs").expect("runs");
    assert_eq!(str_at(runs, "using"), Some("composite"));
}
