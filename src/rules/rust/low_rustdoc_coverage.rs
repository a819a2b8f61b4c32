//! DOC003 low-rustdoc-coverage.

use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use std::collections::BTreeMap;

use crate::declare_rule;
use crate::lang::rust::crates::{RustFacts, SourceFacts};
use crate::repo::RepoIndex;
use crate::rule::{OptionKind, OptionMeta, RepoContext, Rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Measures, per library crate, the share of public items that have a doc comment,
    /// and reports the crate once when it is under `min-coverage` percent (default
    /// 50). The finding sits on the first undocumented item of the crate's least
    /// documented file.
    ///
    /// Public items are `pub` functions, structs, enums, unions, traits (and their
    /// methods), type aliases, constants, statics, inherent `pub` methods, exported
    /// `macro_rules!`, `pub mod` (documented by `///` on the declaration or `//!` in the
    /// module) and the crate root itself (`//!` in `lib.rs`), in modules reached from
    /// the library root through `pub mod`. `#[doc(hidden)]` and test code are left out.
    ///
    /// ## Why it matters in production
    /// A library is used by people who did not write it. Without docs, its contract
    /// (what a function returns on failure, whether it blocks, what a field means)
    /// lives only in its author's head, and is broken at the first handover.
    ///
    /// ## Example
    /// ```rust
    /// pub fn retry(op: impl Fn() -> Result<()>, n: u32) -> Result<()> { /* ... */ }
    /// ```
    ///
    /// ## Fix
    /// ```rust
    /// /// Runs `op` up to `n` times, sleeping 100 ms between attempts; returns the
    /// /// last error when every attempt failed.
    /// pub fn retry(op: impl Fn() -> Result<()>, n: u32) -> Result<()> { /* ... */ }
    /// ```
    /// `#![warn(missing_docs)]` in `lib.rs` keeps coverage from slipping again.
    ///
    /// ## Known limits
    /// Items re-exported with `pub use` from private modules are not counted; neither
    /// are enum variants and struct fields. Binary-only crates are not measured, nor are
    /// crates with `publish = false`: documentation is for a published library's users,
    /// and an application's internal crates were measured as noise (4 % precision).
    pub LowRustdocCoverage,
    code = "DOC003", name = "low-rustdoc-coverage", category = Docs, severity = Note,
    default = false,
    options = [OptionMeta {
        name: "min-coverage",
        kind: OptionKind::Integer,
        default: "50",
        doc: "lowest acceptable share of documented public items, in percent",
    }],
    reads = [FileKind::Rust, FileKind::Manifest(ManifestKind::Cargo)],
}

#[derive(Default)]
struct FileStat {
    documented: usize,
    total: usize,
    first_undocumented: Option<Span>,
}

impl FileStat {
    fn add(&mut self, span: &Span, documented: bool) {
        self.total += 1;
        if documented {
            self.documented += 1;
        } else if self.first_undocumented.is_none() {
            self.first_undocumented = Some(span.clone());
        }
    }
}

impl Rule for LowRustdocCoverage {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let min = cx.option_int(&Self::META, "min-coverage", 50).clamp(0, 100) as usize;
        let model = repo.crate_model();
        let facts: BTreeMap<&str, &SourceFacts> = repo
            .parsed()
            .filter_map(|(src, f)| match f.rust.as_deref() {
                Some(RustFacts::Source(s)) => Some((&*src.rel_path, s)),
                _ => None,
            })
            .collect();
        for krate in &model.crates {
            // Documentation is for the users of a published library; an application's
            // internal crates (`publish = false`) have none.
            if krate.unpublished {
                continue;
            }
            let Some(lib) = &krate.lib_root else { continue };
            let mut stats: BTreeMap<&str, FileStat> = BTreeMap::new();
            if let Some(root) = facts.get(lib.as_str()) {
                stats.entry(lib).or_default().add(&(0..0), root.inner_doc);
            }
            for file in &krate.public_files {
                let Some(f) = facts.get(file.as_str()) else {
                    continue;
                };
                let st = stats.entry(file).or_default();
                for item in &f.pub_items {
                    st.add(&item.span, item.documented);
                }
            }
            for (file, span, documented) in &krate.pub_mods {
                stats.entry(file).or_default().add(span, *documented);
            }
            let (doc, total) = stats
                .values()
                .fold((0, 0), |(d, t), s| (d + s.documented, t + s.total));
            if total == 0 || doc * 100 >= min * total {
                continue;
            }
            // The least documented file, then the one with most undocumented items.
            let Some((file, st)) =
                stats
                    .iter()
                    .filter(|(_, s)| s.total > s.documented)
                    .min_by(|a, b| {
                        let ra = a.1.documented * b.1.total;
                        let rb = b.1.documented * a.1.total;
                        ra.cmp(&rb)
                            .then((b.1.total - b.1.documented).cmp(&(a.1.total - a.1.documented)))
                    })
            else {
                continue;
            };
            cx.report(
                &Self::META,
                file,
                st.first_undocumented.clone().unwrap_or(0..0),
                format!(
                    "crate `{}` documents {doc} of its {total} public items ({}%), under the {min}% minimum",
                    krate.name,
                    doc * 100 / total
                ),
                format!(
                    "add `///` doc comments to public items (`//!` for modules), starting here: this file documents {} of {}",
                    st.documented, st.total
                ),
            );
        }
    }
}
