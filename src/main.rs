//! The binary: parse arguments, run, print, exit. The only place errors are printed.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use readylint::cli::{CheckArgs, Cli, ColorArg, Command, FailOnArg, RulesAction};
use readylint::config::{self, CliOverrides};
use readylint::output::{self, Format, Style};
use readylint::registry::Registry;
use readylint::{RunOptions, catalogue, declarative};

fn main() -> ExitCode {
    // Diagnostics on a pipe or in CI logs are not wrapped, so names stay whole and
    // greppable.
    let to_terminal = std::io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        let opts = miette::MietteHandlerOpts::new();
        let opts = if to_terminal {
            opts
        } else {
            opts.wrap_lines(false).color(false)
        };
        Box::new(opts.build())
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

/// The registry for `rules` and `explain`: the configuration of the current directory
/// (for its `rule-dirs`) plus `--rules`.
fn registry(config: Option<PathBuf>, rule_dirs: Vec<PathBuf>) -> miette::Result<Registry> {
    let overrides = CliOverrides {
        config,
        rule_dirs,
        ..CliOverrides::default()
    };
    Ok(config::load(Path::new("."), &overrides)?.registry)
}

fn dispatch(cli: Cli) -> miette::Result<u8> {
    match cli.command {
        Some(Command::Rules(args)) => match args.action {
            Some(RulesAction::Schema) => {
                print_out(&declarative::json_schema())?;
                Ok(0)
            }
            Some(RulesAction::Test { packs }) => {
                let rules = if packs.is_empty() {
                    let mut rules = declarative::embedded_pack_rules()?;
                    let settings = config::load(
                        Path::new("."),
                        &CliOverrides {
                            config: args.config,
                            ..CliOverrides::default()
                        },
                    );
                    // The configured packs, loaded without running their examples here.
                    if let Ok(s) = settings {
                        for dir in s.rule_dirs {
                            rules.extend(declarative::load_path_with(&dir, false)?);
                        }
                    }
                    for dir in &args.rule_dirs {
                        rules.extend(declarative::load_path_with(dir, false)?);
                    }
                    rules
                } else {
                    let mut rules = Vec::new();
                    for p in packs.iter().chain(&args.rule_dirs) {
                        rules.extend(declarative::load_path_with(p, false)?);
                    }
                    rules
                };
                let (text, ok) = declarative::run_self_tests(&rules);
                print_out(&text)?;
                Ok(if ok { 0 } else { 1 })
            }
            None => {
                let registry = registry(args.config, args.rule_dirs)?;
                print_out(&catalogue::render_rules(&registry, args.format))?;
                Ok(0)
            }
        },
        Some(Command::Explain { rule, rule_dirs }) => {
            let registry = registry(None, rule_dirs)?;
            match catalogue::explain(&registry, &rule) {
                Some(text) => {
                    print_out(&text)?;
                    Ok(0)
                }
                None => Err(miette::miette!(
                    "`{rule}` names no rule; `readylint rules` lists them"
                )),
            }
        }
        Some(Command::Check(args)) => check(*args),
        None => check(cli.check),
    }
}

fn check(args: CheckArgs) -> miette::Result<u8> {
    let format = args.format.unwrap_or(Format::Text);
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let color = match args.color.unwrap_or(ColorArg::Auto) {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let opts = RunOptions {
        root: None,
        paths: args.paths,
        overrides: CliOverrides {
            config: args.config,
            no_config: args.no_config,
            select: args.select,
            ignore: args.ignore,
            extend_select: args.extend_select,
            fail_on: args.fail_on.map(|f| {
                match f {
                    FailOnArg::Error => "error",
                    FailOnArg::Warning => "warning",
                    FailOnArg::Note => "note",
                    FailOnArg::Never => "never",
                }
                .to_string()
            }),
            exclude: args.exclude,
            rule_dirs: args.rule_dirs,
        },
        no_ignore_files: args.no_ignore_files,
        no_inline_ignores: args.no_inline_ignores,
        threads: args.threads,
        kind: args.kind.map(|k| k.file_kinds()),
        cache: !args.no_cache
            && std::env::var_os("READYLINT_NO_CACHE").is_none_or(|v| v.is_empty() || v == "0"),
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        since: args.since,
    };
    let report = readylint::run(&opts)?;
    if report.files_scanned == 0 && report.not_checked == 0 {
        // As Ruff says "No Python files found": a gate that read nothing must say so.
        eprintln!(
            "readylint: warning: no file to check was found under the given path(s); nothing was checked"
        );
    }
    let style = Style {
        color,
        quiet: args.quiet,
        statistics: args.statistics,
    };
    let text = output::render(&report, format, style);
    if format == Format::Sarif {
        for w in output::sarif::limit_warnings(&report, &text) {
            eprintln!("readylint: warning: {w}");
        }
    }
    if format == Format::Github
        && let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        let summary = output::github::step_summary(&report);
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(summary.as_bytes()));
        if let Err(e) = written {
            eprintln!("readylint: warning: cannot write the step summary: {e}");
        }
    }
    match &args.output_file {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?,
        None => print_out(&text)?,
    }
    Ok(report.exit_code())
}

fn print_out(text: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`readylint | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(miette::miette!("cannot write output: {e}")),
    }
}

/// The allocator: the per-file phase allocates and frees many small strings and nodes
/// on every thread; mimalloc's thread-local heaps suit that load (chosen by measurement:
/// the README's performance notes).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
