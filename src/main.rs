//! The binary: parse arguments, run, print, exit. The only place errors are printed.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
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
            if let Some(hint) = unknown_rule_hint(&report.to_string(), Registry::standard()) {
                eprintln!("{hint}");
            }
            ExitCode::from(2)
        }
    }
}

/// For an error about a selector that names no rule (in `--select`, `--ignore`, the
/// configuration, `explain`): the nearest code, name or category, if one is close.
fn unknown_rule_hint(message: &str, registry: &Registry) -> Option<String> {
    if message.contains("did you mean") {
        return None;
    }
    let end = message.find("` names no rule")?;
    let selector = &message[message[..end].rfind('`')? + 1..end];
    let metas = registry.metas();
    let candidates = metas
        .iter()
        .flat_map(|m| [m.code, m.name])
        .chain(readylint::rule::Category::ALL.iter().map(|c| c.as_str()))
        .chain(["all"]);
    let best = readylint::cli::did_you_mean(selector, candidates)?;
    Some(match metas.iter().find(|m| m.code == best) {
        Some(m) => format!("  help: did you mean `{best}` ({})?", m.name),
        None => format!("  help: did you mean `{best}`?"),
    })
}

/// A path argument that does not exist and is a mistyped subcommand (`readylint chek`).
fn mistyped_subcommand(paths: &[PathBuf]) -> Option<miette::Report> {
    paths.iter().find_map(|p| {
        let word = p.to_str()?;
        if std::fs::symlink_metadata(p).is_ok() || word.contains(['/', '\\', '.']) {
            return None;
        }
        let cmd = readylint::cli::did_you_mean(word, readylint::cli::SUBCOMMANDS)?;
        Some(miette::miette!(
            "path `{word}` does not exist; did you mean `readylint {cmd}`?"
        ))
    })
}

/// The registry for `rules` and `explain`, loaded as `check` loads it: the configuration
/// discovered from the current directory (or `--config`, or none with `--no-config`) for
/// its `rule-dirs`, plus `--rules`.
fn registry(
    config: Option<PathBuf>,
    no_config: bool,
    rule_dirs: Vec<PathBuf>,
) -> miette::Result<Registry> {
    let overrides = CliOverrides {
        config,
        no_config,
        rule_dirs,
        ..CliOverrides::default()
    };
    Ok(config::load(Path::new("."), &overrides)?.registry)
}

/// The `rule-dirs` of the configuration `rules test` would use, read without loading
/// the packs (whose examples are what is being tested).
fn configured_rule_dirs(config: Option<PathBuf>, no_config: bool) -> Vec<PathBuf> {
    if no_config {
        return Vec::new();
    }
    let Some(path) = config.or_else(|| config::discover(Path::new("."))) else {
        return Vec::new();
    };
    let Ok(table) = std::fs::read_to_string(&path)
        .map_err(|_| ())
        .and_then(|t| toml::from_str::<toml::Table>(&t).map_err(|_| ()))
    else {
        return Vec::new();
    };
    let table = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
        table
            .get("tool")
            .and_then(|t| t.get("readylint"))
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default()
    } else {
        table
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    table
        .get("rule-dirs")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
        .map(|d| base.join(d))
        .collect()
}

/// `readylint rules test`: loads every pack it can, runs the examples of all of them,
/// and reports each pack that does not load; exit 1 if anything failed.
fn rules_test(paths: &[PathBuf], embedded: bool) -> miette::Result<u8> {
    let mut rules = if embedded {
        declarative::embedded_pack_rules()?
    } else {
        Vec::new()
    };
    let mut broken: Vec<String> = Vec::new();
    for path in paths {
        let files = match declarative::pack_files(path) {
            Ok(files) => files,
            Err(e) => {
                broken.push(format!("FAIL  {}: {e}", path.display()));
                continue;
            }
        };
        for file in files {
            match declarative::load_file_with(&file, false) {
                Ok(loaded) => rules.extend(loaded),
                Err(e) => {
                    let mut text = format!("FAIL  {}: the pack does not load\n", file.display());
                    for line in format!("{e:?}").lines() {
                        text.push_str("      ");
                        text.push_str(line);
                        text.push('\n');
                    }
                    broken.push(text.trim_end().to_string());
                }
            }
        }
    }
    let (mut text, ok) = declarative::run_self_tests(&rules);
    for b in &broken {
        text.push_str(b);
        text.push('\n');
    }
    if !broken.is_empty() {
        let n = broken.len();
        text.push_str(&format!(
            "{n} pack{} did not load\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    print_out(&text)?;
    Ok(if ok && broken.is_empty() { 0 } else { 1 })
}

fn dispatch(cli: Cli) -> miette::Result<u8> {
    match cli.command {
        Some(Command::Rules(args)) => match args.action {
            Some(RulesAction::Schema) => {
                print_out(&declarative::json_schema())?;
                Ok(0)
            }
            Some(RulesAction::Test { packs }) => {
                if packs.is_empty() {
                    let mut dirs = configured_rule_dirs(args.config, args.no_config);
                    dirs.extend(args.rule_dirs);
                    rules_test(&dirs, true)
                } else {
                    let all: Vec<PathBuf> = packs.into_iter().chain(args.rule_dirs).collect();
                    rules_test(&all, false)
                }
            }
            None => {
                let registry = registry(args.config, args.no_config, args.rule_dirs)?;
                print_out(&catalogue::render_rules(&registry, args.format))?;
                Ok(0)
            }
        },
        Some(Command::Explain {
            rule,
            rule_dirs,
            config,
            no_config,
        }) => {
            let registry = registry(config, no_config, rule_dirs)?;
            match catalogue::explain(&registry, &rule) {
                Some(text) => {
                    print_out(&text)?;
                    Ok(0)
                }
                None => {
                    let mut message =
                        format!("`{rule}` names no rule; `readylint rules` lists them");
                    if let Some(hint) = unknown_rule_hint(&message, &registry) {
                        message.push_str("; ");
                        message.push_str(hint.trim_start().trim_start_matches("help: "));
                    }
                    Err(miette::miette!("{message}"))
                }
            }
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "readylint", &mut script);
            print_out(&String::from_utf8_lossy(&script))?;
            Ok(0)
        }
        Some(Command::Check(args)) => check(*args),
        Some(Command::Server) => readylint::server::run(),
        None => check(cli.check),
    }
}

/// The text of standard input and the file it is checked as, for `--stdin-filename`
/// (with `-` or no path, as Ruff: another path is left aside with a warning); `-`
/// alone must say which file it is.
fn stdin_input(args: &CheckArgs) -> miette::Result<Option<(PathBuf, String)>> {
    let dash = Path::new("-");
    let Some(name) = &args.stdin_filename else {
        if args.paths.iter().any(|p| p == dash) {
            return Err(config::UsageError(
                "`-` reads standard input, which needs `--stdin-filename PATH` to say which file it is"
                    .to_string(),
            )
            .into());
        }
        return Ok(None);
    };
    for p in args.paths.iter().filter(|p| *p != dash) {
        eprintln!(
            "readylint: warning: ignoring `{}` in favour of standard input (--stdin-filename)",
            p.display()
        );
    }
    if args.fix && args.diff {
        return Err(config::UsageError(
            "`--fix` and `--diff` cannot both apply to standard input".to_string(),
        )
        .into());
    }
    if name.is_dir() {
        return Err(config::UsageError(format!(
            "`--stdin-filename` names the file standard input is checked as, and `{}` is a directory",
            name.display()
        ))
        .into());
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .map_err(|e| miette::miette!("cannot read standard input as UTF-8 text: {e}"))?;
    Ok(Some((name.clone(), text)))
}

fn check(args: CheckArgs) -> miette::Result<u8> {
    if let Some(e) = mistyped_subcommand(&args.paths) {
        return Err(e);
    }
    let stdin = stdin_input(&args)?;
    let format = args.format.unwrap_or(Format::Text);
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let color = match args.color.unwrap_or(ColorArg::Auto) {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => auto_color(to_terminal, |k| std::env::var(k).ok()),
    };
    let mut opts = RunOptions {
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
        cache_dir: args
            .cache_dir
            .or_else(|| std::env::var_os("READYLINT_CACHE_DIR").map(PathBuf::from))
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| std::path::absolute(&d).unwrap_or(d)),
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        since: args.since,
        overlay: Default::default(),
        skip_fingerprints: !format.shows_fingerprints(),
        skip_fixes: !(format.shows_fixes() || args.fix || args.diff),
    };
    if let Some((name, text)) = &stdin {
        opts.paths = vec![name.clone()];
        opts.cache = false;
        let root = readylint::project_root_for(&opts)?;
        let cwd = std::env::current_dir().unwrap_or_default();
        let rel = readylint::discover::rel_path(&root, &readylint::discover::absolute(&cwd, name));
        opts.overlay = std::sync::Arc::new([(rel, text.clone())].into());
    }
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Err(config::UsageError(
            "`--unsafe-fixes` applies with `--fix` or `--diff`".to_string(),
        )
        .into());
    }
    if let Some(file) = &args.show_settings {
        print_out(&readylint::show_settings(&opts, file)?)?;
        return Ok(0);
    }
    if args.show_files {
        let files = readylint::list_files(&opts)?;
        if format == Format::Json {
            let json = serde_json::to_string_pretty(&files).map_err(|e| miette::miette!("{e}"))?;
            print_out(&format!("{json}\n"))?;
        } else {
            let mut listing = String::new();
            for f in &files {
                let what = match (&f.skipped, f.read) {
                    (Some(why), _) => format!("not checked: {why}"),
                    (None, true) => f.kinds.join("+"),
                    (None, false) => format!("{} (no selected rule reads it)", f.kinds.join("+")),
                };
                let roles = if f.roles.is_empty() {
                    String::new()
                } else {
                    format!("  roles: {}", f.roles.join(", "))
                };
                let config = f
                    .config
                    .as_deref()
                    .map_or(String::new(), |c| format!("  config: {c}"));
                listing.push_str(&format!("{}  {what}{roles}{config}\n", f.path));
            }
            print_out(&listing)?;
            eprintln!("{} files", files.len());
        }
        return Ok(0);
    }
    let report = if args.fix || args.diff {
        let fixes = readylint::engine::fixes::fix(&opts, args.unsafe_fixes)?;
        for path in &fixes.unparsable {
            eprintln!(
                "readylint: warning: the fixes of {path} were not applied: the fixed file would not parse"
            );
        }
        let (n, files) = (fixes.fixed(), fixes.changed.len());
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if args.diff {
            print_out(&fixes.diff())?;
            eprintln!(
                "readylint: would fix {} in {}",
                plural(n, "finding"),
                plural(files, "file")
            );
            return Ok(u8::from(files > 0));
        }
        if let Some((_, text)) = &stdin {
            // As Ruff: the fixed text on standard output, the report on standard error.
            let fixed = fixes.changed.first().map_or(text.as_str(), |c| &c.after);
            print_out(fixed)?;
            let style = Style {
                color: false,
                quiet: args.quiet,
                statistics: args.statistics,
                ascii: output::text::wants_ascii(|k| std::env::var(k).ok()),
                hidden: 0,
            };
            eprint!("{}", output::render(&fixes.report, format, style));
            return Ok(fixes.report.exit_code());
        }
        fixes.write()?;
        let mut fixes = fixes;
        fixes.report.fixed = Some(n);
        eprintln!(
            "readylint: fixed {} in {}; {} remaining",
            plural(n, "finding"),
            plural(files, "file"),
            fixes.report.findings.len()
        );
        fixes.report
    } else {
        readylint::run(&opts)?
    };
    if report.files_scanned == 0 && report.not_checked == 0 {
        // As Ruff says "No Python files found": a gate that read nothing must say so.
        eprintln!(
            "readylint: warning: no file to check was found under the given path(s); nothing was checked"
        );
    }
    // The exit code is the run's, before `--min-severity` hides anything.
    let exit_code = report.exit_code();
    let mut report = report;
    let mut hidden = 0;
    if let Some(min) = args.min_severity {
        let before = report.findings.len();
        report.findings.retain(|f| f.severity >= min.severity());
        hidden = before - report.findings.len();
    }
    let style = Style {
        color,
        quiet: args.quiet,
        statistics: args.statistics,
        ascii: output::text::wants_ascii(|k| std::env::var(k).ok()),
        hidden,
    };
    // The SARIF log is made whole first: GitHub's limits are checked on it. The other
    // formats are written as they are made.
    let sarif = (format == Format::Sarif).then(|| output::sarif::render(&report));
    if let Some(text) = &sarif {
        for w in output::sarif::limit_warnings(&report, text) {
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
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        // 64 KiB at a time: a report of 100,000 findings (10 MB) is 160 writes, not
        // 1,300 of the default 8 KiB (a warm run over such a tree 0.95x by the clock).
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        match &sarif {
            Some(text) => out.write_all(text.as_bytes())?,
            None => output::write(&report, format, style, &mut out)?,
        }
        out.flush()
    };
    match &args.output_file {
        Some(path) => std::fs::File::create(path)
            .and_then(|mut file| write(&mut file))
            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?,
        None => written(write(&mut std::io::stdout().lock()))?,
    }
    // The process ends here: the report's findings and sources are not freed one by
    // one (the system takes the memory back at once).
    std::mem::forget(report);
    Ok(exit_code)
}

/// `--color auto`: colour on a terminal, unless `NO_COLOR` is set and not empty
/// (no-color.org); `FORCE_COLOR` set, not empty and not `0` or `false`, turns colour on
/// whatever the output is (force-color.org). `NO_COLOR` wins when both are set; `--color
/// always|never` overrides both.
fn auto_color(to_terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    if var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if var("FORCE_COLOR").is_some_and(|v| !v.is_empty() && v != "0" && v != "false") {
        return true;
    }
    to_terminal
}

fn print_out(text: &str) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    written(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// The outcome of writing to standard output.
fn written(result: std::io::Result<()>) -> miette::Result<()> {
    match result {
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
