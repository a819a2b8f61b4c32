//! The observability rules over the service fixtures in `fixtures/repos/svc-*`: each
//! bad variant gets every finding at the place its service is built, and each piece of
//! evidence of a good variant is what keeps its rule quiet (removing it brings the
//! finding back).

use std::path::{Path, PathBuf};

use readylint::config::CliOverrides;
use readylint::finding::Finding;
use readylint::{RunOptions, run};

const RULES: [&str; 4] = ["OBS001", "OBS002", "OBS003", "LOG005"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos")
        .join(name)
}

fn scan(root: &Path) -> Vec<Finding> {
    run(&RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        overrides: CliOverrides {
            no_config: true,
            select: Some(
                RULES
                    .iter()
                    .map(|r| r.to_string())
                    .chain(["RUN001".to_string()])
                    .collect(),
            ),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("the scan runs")
    .findings
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

/// The rules `fixture` reports once `remove` (relative paths) are deleted from a copy.
fn without(fixture_name: &str, remove: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(fixture_name), dir.path());
    for r in remove {
        std::fs::remove_file(dir.path().join(r)).expect("remove");
    }
    let mut rules: Vec<String> = scan(dir.path())
        .into_iter()
        .map(|f| f.rule.to_string())
        .collect();
    rules.sort();
    rules
}

#[test]
fn bad_services_get_every_finding_at_their_entry() {
    for (name, path, line) in [
        ("svc-flask-bad", "app.py", 7),
        ("svc-fastapi-bad", "main.py", 7),
        ("svc-django-bad", "mysite/settings.py", 6),
        ("svc-axum-bad", "src/main.rs", 14),
        ("svc-actix-bad", "src/main.rs", 7),
    ] {
        let found = scan(&fixture(name));
        for rule in RULES {
            let hits: Vec<&Finding> = found.iter().filter(|f| f.rule == rule).collect();
            assert_eq!(hits.len(), 1, "{name} {rule}: {found:?}");
            assert_eq!(
                (&*hits[0].path, hits[0].line),
                (path, line),
                "{name} {rule}"
            );
        }
    }
}

#[test]
fn good_services_are_quiet() {
    for name in [
        "svc-flask-good",
        "svc-fastapi-good",
        "svc-django-good",
        "svc-axum-good",
        "svc-actix-good",
    ] {
        let found = scan(&fixture(name));
        assert!(found.is_empty(), "{name}: {found:?}");
    }
}

#[test]
fn a_health_route_behind_a_blueprint_prefix_counts() {
    assert!(without("svc-flask-good", &[]).is_empty());
    assert_eq!(without("svc-flask-good", &["app/ops.py"]), ["OBS001"]);
}

#[test]
fn an_exporter_in_another_process_counts() {
    assert_eq!(without("svc-flask-good", &["app/exporter.py"]), ["OBS002"]);
}

#[test]
fn a_manifest_dependency_counts() {
    assert_eq!(
        without("svc-fastapi-good", &["requirements.txt"]),
        ["OBS002"]
    );
    assert_eq!(
        without("svc-actix-good", &["Cargo.toml"]),
        ["LOG005", "OBS002", "OBS003"]
    );
}
