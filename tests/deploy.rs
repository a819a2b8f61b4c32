//! Deployment rules beyond what the fixture annotations can say: the severity of each
//! DPL001 finding (a missing readiness probe is a warning, a worker without probes a
//! note), and `--kind kubernetes` for a manifest whose name says nothing.

mod common;

use std::path::Path;

use common::readylint;
use readylint::config::CliOverrides;
use readylint::rule::Severity;
use readylint::{RunOptions, run};

#[test]
fn a_missing_readiness_probe_is_a_warning_and_a_worker_without_probes_a_note() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/deploy/missing-probes");
    let report = run(&RunOptions {
        paths: vec![root.clone()],
        root: Some(root),
        overrides: CliOverrides {
            no_config: true,
            select: Some(vec!["DPL001".into()]),
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    })
    .expect("the scan runs");
    let severity = |needle: &str| {
        let f: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.message.contains(needle))
            .collect();
        assert_eq!(f.len(), 1, "{needle}: {:?}", report.findings);
        f[0].severity
    };
    assert_eq!(
        severity("`web` of `Deployment/probes-web`"),
        Severity::Warning
    );
    assert_eq!(
        severity("`queue` of `Deployment/probes-queue`"),
        Severity::Warning
    );
    assert_eq!(
        severity("`worker` of `Deployment/probes-worker`"),
        Severity::Note
    );
    assert_eq!(severity("waits for `db`"), Severity::Warning);
}

#[test]
fn kind_kubernetes_reads_a_manifest_under_any_name() {
    let repo = common::temp_repo();
    std::fs::create_dir_all(repo.path().join("deploy")).unwrap();
    std::fs::write(
        repo.path().join("deploy/app.k8s"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.27\n          ports:\n            - containerPort: 80\n",
    )
    .unwrap();
    let codes = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "DPL",
        ];
        args.extend(extra);
        args.push("deploy/app.k8s");
        let out = readylint()
            .current_dir(repo.path())
            .args(&args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(codes(&[]).is_empty());
    assert_eq!(
        codes(&["--kind", "kubernetes"]),
        ["DPL001", "DPL002", "DPL003"]
    );
}
