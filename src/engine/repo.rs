//! Phase 2, once per run: the repository rules over the [`RepoIndex`] (every file the
//! walk saw, and the facts the front ends gathered). A panic in one rule is reported
//! and the others still run.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use rayon::prelude::*;

use super::FileError;
use super::filter::to_finding;
use crate::config::Settings;
use crate::finding::Finding;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};
use crate::source::SourceFile;

/// What the repository rules found: findings by the file they are anchored in, and the
/// rules that failed.
pub(super) type Results = (BTreeMap<String, Vec<Finding>>, Vec<FileError>);

/// Runs the repository rules, each on a thread of the pool it is called in; their
/// results are merged in the order of `rules`. A finding is kept when the configuration
/// of the file it is anchored in (`settings_of`: the nearest one above it) enables its
/// rule there.
pub(super) fn check<'s>(
    repo: &RepoIndex,
    rules: &[&dyn Rule],
    settings: &Settings,
    settings_of: &(dyn Fn(&str) -> &'s Settings + Sync),
) -> Results {
    // Each rule's findings, by the file they are anchored in, and its failure.
    type RuleResult = (Vec<(String, Finding)>, Option<FileError>);
    let each: Vec<RuleResult> = rules
        .par_iter()
        .map(|rule| {
            let mut cx = RepoContext::new(repo, &settings.rule_options);
            // readylint: ignore[EXC101] -- one broken rule must not lose the whole run (SPEC §8); reported below
            let checked = catch_unwind(AssertUnwindSafe(|| rule.check_repo(repo, &mut cx)));
            let error = checked.is_err().then(|| FileError {
                path: String::new(),
                message: format!(
                    "internal error in repository rule {}; its findings are incomplete; please report it",
                    rule.meta().code
                ),
            });
            let mut found = Vec::new();
            for (path, raw) in cx.into_findings() {
                let settings = settings_of(&path);
                if !settings.is_enabled_for(raw.code, &path) {
                    continue;
                }
                let Some(meta) = settings.registry.find(raw.code) else {
                    continue;
                };
                let f = match repo.source(&path) {
                    Some(src) => to_finding(src, meta, raw, settings),
                    None => {
                        let empty =
                            SourceFile::new(path.clone(), PathBuf::from(&path), String::new());
                        to_finding(&empty, meta, raw, settings)
                    }
                };
                found.push((
                    path,
                    Finding {
                        repository: true,
                        ..f
                    },
                ));
            }
            (found, error)
        })
        .collect();
    let mut findings: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    let mut errors = Vec::new();
    for (found, error) in each {
        for (path, f) in found {
            findings.entry(path).or_default().push(f);
        }
        errors.extend(error);
    }
    (findings, errors)
}
