//! Phase 3: what decides whether a finding is reported — inline suppressions and the
//! unused ones (RDY002), file roles a rule skips — and the conversion of a rule's raw
//! finding into a positioned [`Finding`].

use std::sync::Arc;

use super::FileOutcome;
use crate::config::Settings;
use crate::finding::{Finding, Fingerprint, position};
use crate::roles::{Role, Roles};
use crate::rule::{RawFinding, RuleMeta, Severity};
use crate::rules::readylint::{MalformedSuppression, SkippedFile, UnusedSuppression};
use crate::source::SourceFile;
use crate::suppress::{Directive, Scope};

/// Phase 3 for one file: drops suppressed findings, adds RDY002 for directives that
/// silenced nothing (not for the rules in `not_run`, whose repository check did not run
/// on this partial scan), and returns how many findings were suppressed.
pub(super) fn apply_suppressions(
    source: &SourceFile,
    o: &mut FileOutcome,
    settings: &Settings,
    not_run: &std::collections::BTreeSet<&str>,
) -> usize {
    // Most files have no directive: nothing to silence, nothing unused or malformed.
    if o.directives.is_empty() {
        return 0;
    }
    let mut suppressed = 0;
    let directives = &mut o.directives;
    // A suppression of a finding that other files took back is not unused: the finding
    // comes back when they change.
    for f in &o.withdrawn {
        for d in directives.iter_mut() {
            d.silences(f.rule, f.name, f.line, f.statement_line);
        }
    }
    o.findings.retain(|f| {
        let mut silenced = false;
        for d in directives.iter_mut() {
            silenced |= d.silences(f.rule, f.name, f.line, f.statement_line);
        }
        suppressed += usize::from(silenced);
        !silenced
    });
    let unused = unused_suppressions(source, directives, settings, not_run);
    o.findings.extend(unused);
    o.findings
        .extend(malformed_suppressions(source, directives, settings));
    suppressed
}

fn unused_suppressions(
    source: &SourceFile,
    directives: &[Directive],
    settings: &Settings,
    not_run: &std::collections::BTreeSet<&str>,
) -> Vec<Finding> {
    let meta = &UnusedSuppression::META;
    if !settings.is_enabled_for(meta.code, &source.rel_path) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in directives
        .iter()
        .filter(|d| !d.foreign && d.malformed.is_none())
    {
        let scope = if d.scope == Scope::File {
            "ignore-file"
        } else {
            "ignore"
        };
        if d.rules.is_empty() {
            if !d.used[0] {
                out.push((d.span.clone(), format!("`{scope}` silences nothing here")));
            }
            continue;
        }
        for (rule, used) in d.rules.iter().zip(&d.used) {
            if *used {
                continue;
            }
            match settings.registry.find(rule) {
                None => out.push((d.span.clone(), format!("`{scope}[{rule}]` names no rule"))),
                Some(m) if not_run.contains(m.code) => {}
                Some(m) if settings.is_enabled_for(m.code, &source.rel_path) => out.push((
                    d.span.clone(),
                    format!("`{scope}[{rule}]` silences nothing here"),
                )),
                Some(_) => {}
            }
        }
    }
    out.into_iter()
        .map(|(span, message)| {
            let raw = RawFinding {
                code: meta.code,
                span,
                message,
                help: "remove the suppression, or correct its rule code".into(),
                statement_start: None,
                severity: None,
                handler: None,
                fix: None,
            };
            to_finding(source, meta, raw, settings)
        })
        .collect()
}

/// A finding's severity: the configuration's override, else the rule's for this finding;
/// in scripts and maintainer tooling at most a note, unless the rule guards security (a
/// secret in a script leaks all the same).
fn severity(
    source: &SourceFile,
    meta: &RuleMeta,
    raw: &RawFinding,
    settings: &Settings,
) -> Severity {
    if let Some(s) = settings.severity.get(meta.code) {
        return *s;
    }
    let s = raw.severity.unwrap_or(meta.severity);
    if !meta.security && Roles::of_path(&source.rel_path).has(Role::Script) {
        s.min(Severity::Note)
    } else {
        s
    }
}

/// RDY004 for each comment that looks like a directive but does not parse.
fn malformed_suppressions(
    source: &SourceFile,
    directives: &[Directive],
    settings: &Settings,
) -> Vec<Finding> {
    let meta = &MalformedSuppression::META;
    if !settings.is_enabled_for(meta.code, &source.rel_path) {
        return Vec::new();
    }
    directives
        .iter()
        .filter_map(|d| {
            let why = d.malformed.as_ref()?;
            let raw = RawFinding {
                code: meta.code,
                span: d.span.clone(),
                message: format!(
                    "this suppression cannot be parsed, so it silences nothing: {why}"
                ),
                help: "write `readylint: ignore[CODE, ...] -- reason` (or `ignore-file[CODE]`)"
                    .into(),
                statement_start: None,
                severity: None,
                handler: None,
                fix: None,
            };
            Some(to_finding(source, meta, raw, settings))
        })
        .collect()
}

/// The RDY003 finding, at warning, for a path the walk could not read.
pub(super) fn unreadable(path: &str, message: &str, settings: &Settings) -> Option<Finding> {
    let shown = if path.is_empty() { "." } else { path };
    if !settings.is_enabled_for(SkippedFile::META.code, shown) {
        return None;
    }
    let empty = SourceFile::new(shown, shown, String::new());
    let raw = RawFinding {
        code: SkippedFile::META.code,
        span: 0..0,
        message: format!("path not checked: {message}"),
        help: "fix its permissions so that readylint can read it, or exclude it with `exclude`"
            .into(),
        statement_start: None,
        severity: Some(Severity::Warning),
        handler: None,
        fix: None,
    };
    Some(to_finding(&empty, &SkippedFile::META, raw, settings))
}

pub(super) fn to_finding(
    source: &SourceFile,
    meta: &RuleMeta,
    raw: RawFinding,
    settings: &Settings,
) -> Finding {
    let start = source.position(raw.span.start);
    let end = source.position(raw.span.end.max(raw.span.start));
    let fix = raw.fix.as_ref().map(|fix| crate::finding::FindingFix {
        safety: fix.safety,
        edits: fix
            .edits
            .iter()
            .map(|e| {
                let at = |offset: usize| {
                    let p = source.position(offset);
                    crate::finding::LineCol {
                        line: p.line,
                        column: p.column,
                    }
                };
                crate::finding::FindingEdit {
                    span: (e.span.start, e.span.end),
                    start: at(e.span.start),
                    end: at(e.span.end),
                    content: e.content.clone(),
                }
            })
            .collect(),
    });
    let statement_line = raw
        .statement_start
        .map_or(start.line, |s| source.line_of(s));
    Finding {
        rule: meta.code,
        name: meta.name,
        category: meta.category,
        severity: severity(source, meta, &raw, settings),
        message: raw.message,
        path: Arc::clone(&source.rel_path),
        line: position(start.line),
        column: position(start.column),
        end_line: position(end.line),
        end_column: position(end.column),
        help: raw.help.into(),
        fingerprint: Fingerprint::default(),
        line_text: source.line_text(start.line).trim().to_string(),
        statement_line: position(statement_line),
        span: (
            position(raw.span.start),
            position(raw.span.end.max(raw.span.start)),
        ),
        fix: fix.map(Box::new),
        repository: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CliOverrides, load};

    #[test]
    fn an_unreadable_path_is_a_warning() {
        let dir = std::env::temp_dir();
        let settings = load(
            &dir,
            &CliOverrides {
                no_config: true,
                ..CliOverrides::default()
            },
        )
        .expect("settings");
        let f =
            unreadable("secret/dir", "not walked: permission denied", &settings).expect("reported");
        assert_eq!(f.rule, "RDY003");
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("permission denied"), "{}", f.message);
        assert_eq!(
            unreadable("", "x", &settings).map(|f| f.path),
            Some(".".into())
        );
    }
}
