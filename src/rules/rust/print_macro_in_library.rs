//! LOG101 print-macro-in-library.

use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use std::collections::BTreeMap;

use crate::declare_rule;
use crate::lang::rust::crates::{RustFacts, SourceFacts, allow_bit};
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `println!`, `print!`, `eprintln!` and `eprint!` in library code, and
    /// `dbg!` anywhere outside tests.
    ///
    /// Library code is what a crate's library target (`src/lib.rs` or `[lib] path`)
    /// reaches through `mod` declarations. Binaries (`src/main.rs`, `src/bin/`,
    /// `[[bin]]` and the modules only they declare), build scripts, examples, tests,
    /// benchmarks, `#[cfg(test)]` modules and `#[test]` functions may print.
    ///
    /// ## Why it matters in production
    /// A library does not own stdout or stderr: the service that embeds it may speak a
    /// protocol on stdout, or ship stderr to a log pipeline as unstructured lines with
    /// no level, target or request context, and nobody can turn them off. `dbg!` is a
    /// debugging aid that was meant to be removed before the commit.
    ///
    /// ## Example
    /// ```rust
    /// pub fn load(path: &Path) -> Config {
    ///     println!("loading {}", path.display());
    ///     dbg!(&path);
    ///     // ...
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```rust
    /// pub fn load(path: &Path) -> Config {
    ///     tracing::info!(path = %path.display(), "loading configuration");
    ///     // ...
    /// }
    /// ```
    ///
    /// Command-line modules (a file that derives `clap`'s `Parser`, `Subcommand` or
    /// `Args`) may print too, and so may code where clippy's `print_stdout`,
    /// `print_stderr` or `dbg_macro` lint is allowed (`#[allow(clippy::print_stdout)]`
    /// on the item, the `mod` declaration, or `#![allow(..)]` in the file).
    /// `cargo xtask` crates are development tools and are treated as binaries.
    ///
    /// ## Known limits
    /// Modules are followed through `mod` declarations and `#[path]`; a file included
    /// with `include!` or reached by no target is judged by its path. A crate that also
    /// builds a binary (`src/main.rs`, `src/bin/`) and depends on no web framework
    /// (axum, actix-web, rocket, warp, hyper, poem) is a command-line application:
    /// printing in its library part is allowed (`dbg!` still is not). A pure library module whose job
    /// is terminal output is flagged: suppress it there with a reason. Printing through
    /// `std::io::stdout()` is not flagged.
    pub PrintMacroInLibrary,
    code = "LOG101", name = "print-macro-in-library", category = Logging, severity = Warning,
    default = false,
    reads = [FileKind::Rust, FileKind::Manifest(ManifestKind::Cargo)],
}

impl Rule for PrintMacroInLibrary {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let model = repo.crate_model();
        let facts: BTreeMap<&str, &SourceFacts> = repo
            .parsed()
            .filter_map(|(src, f)| match f.rust.as_deref() {
                Some(RustFacts::Source(s)) => Some((&*src.rel_path, s)),
                _ => None,
            })
            .collect();
        // A crate that builds a binary and is no web service is a command-line
        // application: its library serves that binary, and printing there is the
        // program talking to its user.
        let files = model
            .crates
            .iter()
            .flat_map(|c| {
                let application = c.files.values().any(|r| r.binary) && c.web_frameworks.is_empty();
                c.files.iter().map(move |(p, r)| (p, r, application))
            })
            .chain(model.loose.iter().map(|(p, r)| (p, r, false)));
        for (path, roles, application) in files {
            let Some(f) = facts.get(path.as_str()) else {
                continue;
            };
            for p in &f.prints {
                if p.in_test || roles.test {
                    continue;
                }
                // What clippy's `print_stdout`/`print_stderr`/`dbg_macro` were told.
                if p.clippy_allowed || roles.clippy_allow & allow_bit(&p.name) != 0 {
                    continue;
                }
                if p.name == "dbg" {
                    cx.report(
                        &Self::META,
                        path,
                        p.span.clone(),
                        "`dbg!` left in the code",
                        "remove it, or log the value with `tracing::debug!`",
                    );
                } else if roles.is_library_only() && !f.cli && !application {
                    cx.report(
                        &Self::META,
                        path,
                        p.span.clone(),
                        format!("`{}!` in library code", p.name),
                        "log with `tracing`/`log` macros, or return the text to the caller; printing belongs to binaries",
                    );
                }
            }
        }
    }
}
