//! The binary: parse arguments, run, print, exit. The only place errors are printed.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use readylint::cli::{CheckArgs, Cli, ColorArg, Command, FailOnArg};
use readylint::config::CliOverrides;
use readylint::output::{self, Format, Style};
use readylint::{RunOptions, catalogue};

fn main() -> ExitCode {
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

fn dispatch(cli: Cli) -> miette::Result<u8> {
    match cli.command {
        Some(Command::Rules(args)) => {
            print_out(&catalogue::render_rules(args.format))?;
            Ok(0)
        }
        Some(Command::Explain { rule }) => match catalogue::explain(&rule) {
            Some(text) => {
                print_out(&text)?;
                Ok(0)
            }
            None => Err(miette::miette!(
                "`{rule}` names no rule; `readylint rules` lists them"
            )),
        },
        Some(Command::Check(args)) => check(args),
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
        },
        no_ignore_files: args.no_ignore_files,
        no_inline_ignores: args.no_inline_ignores,
        threads: args.threads,
    };
    let report = readylint::run(&opts)?;
    let style = Style {
        color,
        quiet: args.quiet,
        statistics: args.statistics,
    };
    let text = output::render(&report, format, style);
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
