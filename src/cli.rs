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
    /// Run a language server on standard input and output, for editors: diagnostics as
    /// you type, quick fixes, suppressions and rule docs on hover.
    Server,
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
    /// Print a shell completion script: `readylint completions bash >
    /// ~/.local/share/bash-completion/completions/readylint`, `… zsh > ~/.zfunc/_readylint`,
    /// `… fish > ~/.config/fish/completions/readylint.fish`, `… powershell >> $PROFILE`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
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
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
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
    /// Print the files a run would look at (kind, roles, configuration, whether the
    /// selected rules read it) and exit, checking nothing.
    #[arg(long)]
    pub show_files: bool,
    /// Print the configuration that applies to FILE and where each value comes from,
    /// and exit, checking nothing.
    #[arg(long, value_name = "FILE")]
    pub show_settings: Option<PathBuf>,
    /// Do not read or write the cache of per-file results (`.readylint_cache/` under
    /// the project root). Also set by `READYLINT_NO_CACHE=1`.
    #[arg(long)]
    pub no_cache: bool,
    /// Keep the cache in DIR instead of `.readylint_cache/` under the project root (for a
    /// tree that must not be written to). Also set by `READYLINT_CACHE_DIR`.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Apply the safe fixes, then report what remains (and how many were fixed).
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: the unsafe fixes too (they may change behaviour; review
    /// them).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the unified diff of what --fix would change, and write nothing; exit 1 if
    /// anything would change.
    #[arg(long)]
    pub diff: bool,
    /// Read the files named on the command line as this kind, whatever their names
    /// (`--kind dockerfile deploy/app.df`). Directories are still walked by name.
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<KindArg>,
    /// Check the text on standard input as the file PATH: its kind from PATH's name,
    /// the configuration that applies to PATH (which need not exist). The only path, if
    /// any, is `-`. With --fix, the fixed text goes to standard output and the report
    /// to standard error.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

/// The kinds a file named on the command line can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Dockerfile,
    Python,
    Rust,
    Compose,
    /// Kubernetes manifests (a file holding no manifest is not checked).
    Kubernetes,
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
            KindArg::Kubernetes => "manifest.yaml",
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

/// The names of the subcommands, for "did you mean" when a path argument that does not
/// exist is one of them mistyped (`readylint chek`).
pub const SUBCOMMANDS: [&str; 5] = ["check", "rules", "explain", "completions", "server"];

/// The candidate closest to `word` (case-insensitive optimal string alignment distance:
/// edits and swaps of neighbours), if it is close enough to be a typo of it: at most one
/// edit per three characters, and at least one.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w: Vec<char> = word.to_lowercase().chars().collect();
    let limit = (w.len() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            (
                distance(&w, &c.to_lowercase().chars().collect::<Vec<_>>()),
                c,
            )
        })
        .filter(|(d, _)| *d > 0 && *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal string alignment distance.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_or_nothing() {
        assert_eq!(did_you_mean("chek", SUBCOMMANDS), Some("check"));
        assert_eq!(did_you_mean("rulse", SUBCOMMANDS), Some("rules"));
        assert_eq!(did_you_mean("src", SUBCOMMANDS), None);
        assert_eq!(did_you_mean("check", SUBCOMMANDS), None, "not a typo");
        assert_eq!(
            did_you_mean("DRK001", ["DKR001", "DKR002", "root-user"]),
            Some("DKR001")
        );
        assert_eq!(did_you_mean("xyz", ["DKR001"]), None);
    }
}
