//! readylint: a production-readiness linter for Python and Rust services.
//!
//! Data flows one way: [`discover`] walks the tree and asks [`lang`] which front ends
//! claim each path → each file is read once, and each claiming front end parses it once,
//! hands the model to the enabled rules, and records its parse errors, comments and
//! repository facts → repository rules run over the [`repo`] index → findings are
//! filtered (selection, file roles, per-path ignores, inline and foreign suppressions)
//! → an [`output`] renderer prints the [`Report`]. [`run`] is what the binary and the
//! tests call; [`engine`] holds the pipeline.
//!
//! The modules read top-down, and no import cycle spans two of them (`tests/modules.rs`):
//! `source`, `roles`, `secrets`, `suppress` (plain vocabulary over text and paths) →
//! `lang` (front ends) → `repo` (the repository index) → `rule` → `rules`,
//! `declarative` → `registry`, `config` → `discover`, `engine` → `output`, `finding`,
//! `adopt`, `catalogue`, `cli` → the binary.

pub mod adopt;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod declarative;
pub mod diag;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod ignores;
pub mod lang;
pub mod output;
pub mod registry;
pub mod repo;
pub mod roles;
pub mod rule;
pub mod rules;
pub mod score;
pub mod secrets;
pub mod server;
pub mod source;
pub mod suppress;

pub use engine::{
    FileError, ListedFile, MAX_FILE_SIZE, Report, RunOptions, list_files, project_root_for, run,
    show_settings,
};
