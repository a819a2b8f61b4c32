//! readylint: a production-readiness linter for Python and Rust services.
//!
//! Data flows one way: [`discover`] walks the tree → each file is read once and parsed
//! once by its front end in [`lang`] → every enabled rule runs over the parsed file (in
//! parallel across files) → findings are filtered (selection, per-path ignores, inline
//! suppressions) → an [`output`] renderer prints the [`Report`]. [`run`] is what the
//! binary and the tests call; [`engine`] holds the pipeline.

pub mod adopt;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod declarative;
pub mod diag;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod lang;
pub mod output;
pub mod registry;
pub mod repo;
pub mod roles;
pub mod rule;
pub mod rules;
pub mod secrets;
pub mod source;
pub mod suppress;

pub use engine::{FileError, MAX_FILE_SIZE, Report, RunOptions, run, scan_root};
