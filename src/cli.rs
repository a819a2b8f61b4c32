//! The command line. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

/// readylint: find what will hurt a service in production — swallowed errors, unpinned
/// dependencies, missing timeouts, root containers, CI that never tests.
#[derive(Debug, Parser)]
#[command(name = "readylint", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (the default command).
    Check(Box<CheckArgs>),
    /// List the rules.
    Rules(RulesArgs),
    /// Explain a rule: what it does, why it matters, an example, the fix.
    Explain {
        /// A rule code (DKR001) or name (root-user).
        rule: String,
        /// Include the rules of these packs (a pack file or a directory); repeatable.
        #[arg(long = "rules", value_name = "DIR")]
        rule_dirs: Vec<PathBuf>,
        /// Use this configuration file (for its `rule-dirs`) instead of discovering one.
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore every configuration file (and the packs they name).
        #[arg(long)]
        no_config: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Note,
    Never,
}

/// A severity, for `--min-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Note,
    Warning,
    Error,
}

impl SeverityArg {
    pub fn severity(self) -> crate::rule::Severity {
        match self {
            SeverityArg::Note => crate::rule::Severity::Note,
            SeverityArg::Warning => crate::rule::Severity::Warning,
            SeverityArg::Error => crate::rule::Severity::Error,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Args, Default)]
pub struct CheckArgs {
    /// Files or directories to check [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Option<Format>,
    /// Write the output to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Rules to check, replacing the configured set: codes (DKR001), names (root-user),
    /// code prefixes (DKR), categories (container) or "all".
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Rules not to check.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Rules to check in addition to the configured set.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Lowest severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Use this configuration file instead of discovering one.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub no_config: bool,
    /// Leave out paths matching GLOB (relative to the scanned root); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Do not honour .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore_files: bool,
    /// Report findings even where an inline comment suppresses them.
    #[arg(long)]
    pub no_inline_ignores: bool,
    /// Do not report findings this baseline file knows (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write this run's findings as a baseline (dropping fixed entries), then report
    /// nothing it holds.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Only report findings on lines changed since this git revision (e.g. origin/main).
    #[arg(long, value_name = "GIT-REF")]
    pub since: Option<String>,
    /// Leave findings below this severity out of the output (of every format); the exit
    /// code still follows --fail-on.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// When to colour the output. `auto`: on a terminal, unless NO_COLOR is set (not
    /// empty); FORCE_COLOR (not empty, not 0) turns it on anywhere; NO_COLOR wins.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Option<ColorArg>,
    /// Print only the findings, without the summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print how often each rule fired instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Extra declarative rule packs (a pack file or a directory of them); repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Number of threads [default: the number of CPUs].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Do not read or write the cache of per-file results (`.readylint_cache/` under
    /// the project root). Also set by `READYLINT_NO_CACHE=1`.
    #[arg(long)]
    pub no_cache: bool,
    /// Read the files named on the command line as this kind, whatever their names
    /// (`--kind dockerfile deploy/app.df`). Directories are still walked by name.
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<KindArg>,
}

/// The kinds a file named on the command line can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Dockerfile,
    Python,
    Rust,
    Compose,
    GithubWorkflow,
    GithubAction,
    GitlabCi,
    Requirements,
}

impl KindArg {
    /// What a file of this kind is read as: the kinds of a file with the kind's usual
    /// name, so that `--kind` and discovery cannot disagree.
    pub fn file_kinds(self) -> Vec<crate::lang::FileKind> {
        crate::lang::classify(match self {
            KindArg::Dockerfile => "Dockerfile",
            KindArg::Python => "main.py",
            KindArg::Rust => "main.rs",
            KindArg::Compose => "compose.yaml",
            KindArg::GithubWorkflow => ".github/workflows/ci.yml",
            KindArg::GithubAction => "action.yml",
            KindArg::GitlabCi => ".gitlab-ci.yml",
            KindArg::Requirements => "requirements.txt",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: Option<RulesAction>,
    /// Output format of the catalogue.
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Include the rules of these packs (a pack file or a directory); repeatable.
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rule_dirs: Vec<PathBuf>,
    /// Use this configuration file (for its `rule-dirs`) instead of discovering one.
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file (and the packs they name).
    #[arg(long, global = true)]
    pub no_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Print the JSON schema of the rule pack format.
    Schema,
    /// Run the examples (`tests.invalid` / `tests.valid`) of declarative packs: the
    /// embedded ones and the configured ones, or only the PACKs given.
    Test {
        /// Pack files or directories of packs.
        packs: Vec<PathBuf>,
    },
}
