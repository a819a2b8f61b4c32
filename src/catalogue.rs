//! `readylint rules` and `readylint explain`: the catalogue, rendered from the rules'
//! own metadata and docs. The README's rule table is `rules --format markdown`.

use std::fmt::Write;

use serde_json::json;

use crate::cli::RulesFormat;
use crate::registry::Registry;
use crate::rule::RuleMeta;

pub fn render_rules(registry: &Registry, format: RulesFormat) -> String {
    let metas = registry.metas();
    match format {
        RulesFormat::Text => {
            let mut out = String::new();
            for m in metas {
                let _ = writeln!(
                    out,
                    "{:<7} {:<28} {:<14} {:<8} {:<7} {:<9} {}",
                    m.code,
                    m.name,
                    m.category.as_str(),
                    m.severity.as_str(),
                    if m.default { "default" } else { "opt-in" },
                    match m.fix {
                        crate::fix::FixAvailability::None => "-",
                        f => f.as_str(),
                    },
                    m.summary()
                );
            }
            out
        }
        RulesFormat::Json => {
            let rules: Vec<_> = metas
                .iter()
                .map(|m| {
                    json!({
                        "code": m.code,
                        "name": m.name,
                        "category": m.category,
                        "severity": m.severity,
                        "default": m.default,
                        "fix": m.fix.as_str(),
                        "summary": m.summary(),
                        "docs": m.docs(),
                        "options": m.options.iter().map(|o| json!({
                            "name": o.name, "type": o.kind.describe(), "default": o.default, "doc": o.doc,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut s =
                serde_json::to_string_pretty(&json!({ "rules": rules })).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Markdown => markdown_table(&metas),
    }
}

fn markdown_table(metas: &[&RuleMeta]) -> String {
    let mut out = String::from(
        "| code | name | category | severity | on by default | fix | what it does |\n|---|---|---|---|---|---|---|\n",
    );
    for m in metas {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            m.code,
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            if m.default { "yes" } else { "opt-in" },
            match m.fix {
                crate::fix::FixAvailability::None => "",
                f => f.as_str(),
            },
            m.summary().replace('|', "\\|")
        );
    }
    out
}

/// The docs of one rule, or `None` if it names no rule.
pub fn explain(registry: &Registry, rule: &str) -> Option<String> {
    let m = registry.find(rule)?;
    let mut out = format!(
        "# {} {}\n\ncategory: {} · default severity: {} · {}\n\n",
        m.code,
        m.name,
        m.category.as_str(),
        m.severity.as_str(),
        if m.default {
            "on by default"
        } else {
            "opt-in: select it by code, prefix, category or `all`"
        }
    );
    if let Some(fix) = m.fix.describe() {
        let _ = writeln!(out, "fix: {fix}\n");
    }
    out.push_str(&m.docs());
    if !m.options.is_empty() {
        out.push_str("\n## Options\n");
        for o in m.options {
            let _ = writeln!(
                out,
                "- `{}` ({}, default `{}`): {}",
                o.name,
                o.kind.describe(),
                o.default,
                o.doc
            );
        }
    }
    Some(out)
}
