//! The pipeline of one run, in three phases:
//!
//! 1. per file, in parallel: read once → parse once with the file kind's front end →
//!    every enabled rule over the parsed file → findings, the file's suppression
//!    directives, and the facts it contributes to the repository index;
//! 2. once: repository rules over the [`RepoIndex`] (files seen and facts gathered);
//! 3. per file: inline suppressions over the file's findings (its own and the
//!    repository findings anchored in it), then unused suppressions (RDY002).
//!
//! A file that cannot be read or parsed becomes a finding; a panic inside a rule
//! becomes an RDY001 for that file, and the run goes on.

use std::collections::BTreeMap;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{self, CliOverrides, FailOn, Settings};
use crate::discover::{self, Entry, FileKind, WalkOptions};
use crate::finding::{self, Finding};
use crate::lang::ci::{CiFacts, CiFile, Flavor, tasks};
use crate::lang::dockerfile::{Dockerfile, Keyword};
use crate::lang::manifest::{Manifest, ManifestKind};
use crate::lang::python::PythonFile;
use crate::lang::rust::{self, RustFile, cargo::CargoManifest, crates::RustFacts};
use crate::lang::toml::TomlDoc;
use crate::lang::yaml;
use crate::registry::Registry;
use crate::repo::{FileFacts, RepoIndex};
use crate::rule::{Context, RawFinding, RepoContext, Rule, RuleMeta};
use crate::rules::readylint::{ParseError, SkippedFile, UnusedSuppression};
use crate::source::SourceFile;
use crate::suppress::{self, Comment, Directive, Scope};

/// Files larger than this are not read (RDY003).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// What one run is asked to do.
#[derive(Debug, Default, Clone)]
pub struct RunOptions {
    pub paths: Vec<PathBuf>,
    /// The project root, when the caller knows it better than discovery (tests run each
    /// fixture tree as a repository of its own).
    pub root: Option<PathBuf>,
    pub overrides: CliOverrides,
    pub no_ignore_files: bool,
    pub no_inline_ignores: bool,
    pub threads: Option<usize>,
    /// Known findings not to report again.
    pub baseline: Option<PathBuf>,
    /// Write the findings of this run as the new baseline.
    pub write_baseline: Option<PathBuf>,
    /// Only report findings on lines changed since this git revision.
    pub since: Option<String>,
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// The result of a run.
#[derive(Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
    pub files_scanned: usize,
    /// Findings silenced by inline comments or the baseline.
    pub suppressed: usize,
    /// Of those, the findings the baseline knew.
    pub baselined: usize,
    /// Findings left out because their lines did not change since `--since`.
    pub unchanged: usize,
    /// Texts of the files with findings, for snippets.
    pub sources: BTreeMap<String, Arc<str>>,
    pub root: PathBuf,
    pub fail_on: FailOn,
    /// The rules of the run (for the rule metadata of SARIF).
    pub registry: Registry,
}

impl Report {
    /// Exit code: 1 if any finding is at or above `fail-on`, else 0.
    pub fn exit_code(&self) -> u8 {
        match self.fail_on {
            FailOn::Never => 0,
            FailOn::At(level) => u8::from(self.findings.iter().any(|f| f.severity >= level)),
        }
    }
}

/// Where configuration discovery starts: a single directory argument, the directory of
/// a single file argument, or the current directory.
pub fn scan_root(cwd: &Path, paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        [one] => one
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf),
        _ => cwd.to_path_buf(),
    }
}

/// The root that reported paths are relative to, and that `exclude` and
/// `per-path-ignores` globs match against: the directory of the configuration file, else
/// the enclosing git repository, else where the scan started.
fn project_root(settings: &Settings, start: &Path) -> PathBuf {
    if let Some(dir) = settings.config_path.as_deref().and_then(Path::parent)
        && start.starts_with(dir)
    {
        return dir.to_path_buf();
    }
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map_or_else(|| start.to_path_buf(), Path::to_path_buf)
}

/// What phase 1 yields for one file.
#[derive(Default)]
struct FileOutcome {
    path: String,
    source: Option<Arc<SourceFile>>,
    findings: Vec<Finding>,
    directives: Vec<Directive>,
    facts: FileFacts,
    error: Option<FileError>,
    scanned: bool,
}

/// Runs a check.
pub fn run(opts: &RunOptions) -> miette::Result<Report> {
    let paths = if opts.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        opts.paths.clone()
    };
    for p in &paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(
                config::UsageError(format!("path `{}` does not exist", p.display())).into(),
            );
        }
    }
    let cwd = std::env::current_dir()
        .map_err(|e| config::UsageError(format!("cannot read the current directory: {e}")))?;
    let paths: Vec<PathBuf> = paths.iter().map(|p| discover::absolute(&cwd, p)).collect();
    let start = scan_root(&cwd, &paths);
    let settings = config::load(&start, &opts.overrides)?;
    let settings = Settings {
        config_path: settings
            .config_path
            .as_deref()
            .map(|p| discover::absolute(&cwd, p)),
        ..settings
    };
    let root = match &opts.root {
        Some(r) => discover::absolute(&cwd, r),
        None => project_root(&settings, &start),
    };
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| config::UsageError(format!("cannot start {threads} threads: {e}")))?;

    let excluded = |rel: &str| settings.is_excluded(rel);
    let wanted = |rel: &str| {
        settings
            .registry
            .rules()
            .iter()
            .any(|r| settings.enabled.contains(r.meta().code) && r.wants_file(rel))
    };
    let walk = discover::walk(
        &root,
        &paths,
        &WalkOptions {
            respect_ignore_files: !opts.no_ignore_files,
            threads,
            is_excluded: &excluded,
            also_read: &wanted,
        },
    );
    let mut repo =
        RepoIndex::new(walk.all_files.iter().cloned()).with_project_type(settings.project_type);
    let rules: Vec<&dyn Rule> = settings
        .registry
        .rules()
        .iter()
        .copied()
        .filter(|r| settings.enabled.contains(r.meta().code))
        .collect();

    // Phase 1: every file, in parallel. Optional kinds only when a rule reads them.
    let read_kind = |kind: FileKind| !kind.is_optional() || rules.iter().any(|r| r.reads(kind));
    let mut outcomes: Vec<FileOutcome> = pool.install(|| {
        walk.entries
            .par_iter()
            .filter(|e| match e {
                Entry::File { kind, .. } => read_kind(*kind),
                Entry::Skipped { .. } => true,
            })
            .map(|e| check_entry(e, &settings, &repo, &rules))
            .collect()
    });

    // Phase 2: repository rules over the index.
    for o in &mut outcomes {
        if let Some(src) = &o.source {
            repo.add_source(Arc::clone(src), std::mem::take(&mut o.facts));
        }
    }
    let mut repo_findings: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    // Repository rules conclude from what is absent (no CI, no README, no lockfile), so
    // they run only when the scan covers the whole project: not on a subdirectory, nor
    // on the files a pre-commit hook passes.
    let whole_project = paths.contains(&root);
    let repo_rules: &[&dyn Rule] = if whole_project { &rules } else { &[] };
    let mut repo_errors = Vec::new();
    for rule in repo_rules {
        let mut cx = RepoContext::new(&repo, &settings.rule_options);
        // readylint: ignore[EXC101] -- one broken rule must not lose the whole run (SPEC §8); reported below
        let checked = catch_unwind(AssertUnwindSafe(|| rule.check_repo(&repo, &mut cx)));
        if checked.is_err() {
            repo_errors.push(FileError {
                path: String::new(),
                message: format!(
                    "internal error in repository rule {}; its findings are incomplete; please report it",
                    rule.meta().code
                ),
            });
        }
        for (path, raw) in cx.into_findings() {
            if !settings.is_enabled_for(raw.code, &path) {
                continue;
            }
            let Some(meta) = settings.registry.find(raw.code) else {
                continue;
            };
            let f = match repo.source(&path) {
                Some(src) => to_finding(src, meta, raw, &settings),
                None => {
                    let empty = SourceFile::new(path.clone(), PathBuf::from(&path), String::new());
                    to_finding(&empty, meta, raw, &settings)
                }
            };
            repo_findings.entry(path).or_default().push(f);
        }
    }

    // Phase 3: suppressions, per file.
    let mut report = Report {
        findings: Vec::new(),
        errors: Vec::new(),
        files_scanned: 0,
        suppressed: 0,
        baselined: 0,
        unchanged: 0,
        sources: BTreeMap::new(),
        root,
        fail_on: settings.fail_on,
        registry: settings.registry.clone(),
    };
    for mut o in outcomes {
        o.findings
            .extend(repo_findings.remove(&o.path).unwrap_or_default());
        if !opts.no_inline_ignores
            && let Some(src) = o.source.clone()
        {
            report.suppressed += apply_suppressions(&src, &mut o, &settings);
        }
        report.files_scanned += usize::from(o.scanned);
        report.errors.extend(o.error);
        if let Some(src) = &o.source
            && !o.findings.is_empty()
        {
            report
                .sources
                .insert(o.path.clone(), Arc::from(src.text.as_str()));
        }
        report.findings.extend(o.findings);
    }
    // Repository findings anchored in a file that was not checked itself.
    report
        .findings
        .extend(repo_findings.into_values().flatten());

    // Adoption on legacy code: only changed lines, and not what the baseline knows.
    if let Some(rev) = &opts.since {
        report.unchanged =
            crate::adopt::Changes::since(&report.root, rev)?.filter(&mut report.findings);
    }
    let baseline = match (&opts.write_baseline, &opts.baseline) {
        (Some(path), _) => {
            let b = crate::adopt::Baseline::from_findings(&report.findings);
            b.write(path)?;
            Some(b)
        }
        (None, Some(path)) => Some(crate::adopt::Baseline::load(path)?),
        (None, None) => None,
    };
    if let Some(b) = baseline {
        report.baselined = b.apply(&mut report.findings);
        report.suppressed += report.baselined;
    }
    finding::finalise(&mut report.findings);
    report.errors.extend(
        walk.errors
            .into_iter()
            .map(|(path, message)| FileError { path, message }),
    );
    report.errors.extend(repo_errors);
    report.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

fn check_entry(
    entry: &Entry,
    settings: &Settings,
    repo: &RepoIndex,
    rules: &[&dyn Rule],
) -> FileOutcome {
    match entry {
        Entry::Skipped { rel_path, reason } => skipped(rel_path, reason, settings),
        Entry::File {
            rel_path,
            abs_path,
            kind,
        } => match read(abs_path) {
            Err(reason) => skipped(rel_path, &reason, settings),
            Ok(text) => {
                let source = Arc::new(SourceFile::new(rel_path.clone(), abs_path.clone(), text));
                // readylint: ignore[EXC101] -- a panic on one file becomes its RDY001 finding (SPEC §8)
                let checked = catch_unwind(AssertUnwindSafe(|| {
                    check_source(&source, *kind, settings, repo, rules)
                }));
                let mut outcome = checked.unwrap_or_else(|_| {
                    let message =
                        "internal error while checking this file; please report it".to_string();
                    let mut o = FileOutcome {
                        error: Some(FileError {
                            path: rel_path.clone(),
                            message: message.clone(),
                        }),
                        ..FileOutcome::default()
                    };
                    let raw = RawFinding {
                        code: ParseError::META.code,
                        span: 0..0,
                        message,
                        help: "the rest of the repository was checked".into(),
                        statement_start: None,
                        severity: None,
                    };
                    if settings.is_enabled_for(raw.code, rel_path) {
                        o.findings
                            .push(to_finding(&source, &ParseError::META, raw, settings));
                    }
                    o
                });
                outcome.path = rel_path.clone();
                outcome.scanned = true;
                outcome.source = Some(source);
                outcome
            }
        },
    }
}

/// Reads a file, or says why it is not checked.
fn read(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file; not read".into());
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!(
            "{} bytes, over the {} MiB limit; not checked",
            meta.len(),
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(format!(
            "over the {} MiB limit; not checked",
            MAX_FILE_SIZE / 1024 / 1024
        ));
    }
    if bytes.contains(&0) {
        return Err("binary content (a NUL byte); not checked".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {}); not checked",
            e.utf8_error().valid_up_to()
        )
    })
}

fn skipped(rel_path: &str, reason: &str, settings: &Settings) -> FileOutcome {
    let mut o = FileOutcome {
        path: rel_path.to_string(),
        error: Some(FileError {
            path: rel_path.to_string(),
            message: reason.to_string(),
        }),
        ..FileOutcome::default()
    };
    if settings.is_enabled_for(SkippedFile::META.code, rel_path) {
        let empty = SourceFile::new(rel_path, rel_path, String::new());
        let raw = RawFinding {
            code: SkippedFile::META.code,
            span: 0..0,
            message: format!("file not checked: {reason}"),
            help: "save it as UTF-8 text, or exclude it with `exclude`".into(),
            statement_start: None,
            severity: None,
        };
        o.findings
            .push(to_finding(&empty, &SkippedFile::META, raw, settings));
    }
    o
}

/// Phase 1 for one readable file: parse it with its front end and run the rules.
fn check_source(
    source: &SourceFile,
    kind: FileKind,
    settings: &Settings,
    repo: &RepoIndex,
    rules: &[&dyn Rule],
) -> FileOutcome {
    let rules: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|r| settings.is_enabled_for(r.meta().code, &source.rel_path))
        .collect();
    let mut cx = Context::new(source, repo, &settings.rule_options);
    let mut error = None;
    let comments: Vec<Comment>;
    match kind {
        FileKind::Dockerfile => {
            let df = Dockerfile::parse(source);
            for e in &df.errors {
                cx.report(
                    &ParseError::META,
                    e.offset..e.offset,
                    format!("cannot parse this Dockerfile: {}", e.message),
                    "fix the syntax; the instructions around it were still checked",
                );
            }
            if let Some(e) = df.errors.first() {
                let p = source.position(e.offset);
                error = Some(FileError {
                    path: source.rel_path.clone(),
                    message: format!("{} at line {} column {}", e.message, p.line, p.column),
                });
            }
            for r in &rules {
                r.check_dockerfile(&df, &mut cx);
            }
            comments = dockerfile_comments(source, &df);
        }
        FileKind::Toml => {
            let doc = TomlDoc::parse(&source.text);
            for (message, at) in &doc.errors {
                cx.report(
                    &ParseError::META,
                    *at..*at,
                    format!("cannot parse this TOML file: {message}"),
                    "fix the syntax; what parsed was still checked",
                );
            }
            if let Some((message, at)) = doc.errors.first() {
                let p = source.position(*at);
                error = Some(FileError {
                    path: source.rel_path.clone(),
                    message: format!("{message} at line {} column {}", p.line, p.column),
                });
            }
            for r in &rules {
                r.check_toml(&doc, &mut cx);
            }
            comments = suppress::hash_comments(source);
        }
        FileKind::Manifest(mk) => {
            let manifest = Manifest::parse(&source.text, mk);
            if let Some((message, at)) = manifest.errors().first() {
                let p = source.position(*at);
                error = Some(FileError {
                    path: source.rel_path.clone(),
                    message: format!("{message} at line {} column {}", p.line, p.column),
                });
            }
            for (message, at) in manifest.errors() {
                cx.report(
                    &ParseError::META,
                    *at..*at,
                    format!("cannot parse this {}: {message}", mk.describe()),
                    "fix the syntax; what parsed was still checked",
                );
            }
            for r in &rules {
                r.check_manifest(&manifest, &mut cx);
                if let Some(doc) = manifest.toml() {
                    r.check_toml(doc, &mut cx);
                }
            }
            comments = if mk.has_hash_comments() {
                suppress::hash_comments(source)
            } else {
                Vec::new()
            };
            match mk {
                // The Rust rules' crate model, from the same parse.
                ManifestKind::Cargo if manifest.errors().is_empty() => {
                    if let Some(toml::Value::Table(table)) =
                        manifest.toml().map(|d| d.root.to_value())
                    {
                        cx.facts().rust =
                            Some(RustFacts::Manifest(CargoManifest::from_table(&table)));
                    }
                }
                // The CI rules follow `npm run` into the scripts.
                ManifestKind::PackageJson => {
                    if let Some(runner) = tasks::runner_of("package.json") {
                        cx.facts().ci = Some(CiFacts {
                            tasks: Some(tasks::parse(runner, &source.text)),
                            ..CiFacts::default()
                        });
                    }
                }
                _ => {}
            }
            cx.facts().manifest = Some(Arc::new(manifest));
        }
        FileKind::Text => {
            comments = suppress::marker_comments(source);
        }
        FileKind::Yaml => {
            match yaml::Yaml::parse(source, false) {
                Ok(doc) => {
                    for r in &rules {
                        r.check_yaml(&doc, &mut cx);
                    }
                }
                Err(e) => {
                    error = Some(parse_failure(
                        source,
                        &mut cx,
                        e.offset..e.offset,
                        "YAML",
                        &e.message,
                    ));
                }
            }
            comments = yaml::directive_comments(source);
        }
        FileKind::Rust => {
            let (c, e) = check_rust(source, &rules, &mut cx);
            comments = c;
            error = e;
        }
        FileKind::GithubWorkflow | FileKind::GithubAction | FileKind::GitlabCi => {
            let flavor = match kind {
                FileKind::GithubWorkflow => Flavor::GithubWorkflow,
                FileKind::GithubAction => Flavor::GithubAction,
                _ => Flavor::Gitlab,
            };
            match CiFile::parse(source, flavor) {
                Ok(file) => {
                    cx.facts().ci = Some(CiFacts::of(source, &file));
                    for r in &rules {
                        r.check_ci(&file, &mut cx);
                    }
                }
                Err(e) => {
                    cx.report(
                        &ParseError::META,
                        e.offset..e.offset,
                        format!("cannot parse this YAML file: {}", e.message),
                        "fix the syntax; CI cannot run this file either",
                    );
                    let p = source.position(e.offset);
                    error = Some(FileError {
                        path: source.rel_path.clone(),
                        message: format!("{} at line {} column {}", e.message, p.line, p.column),
                    });
                }
            }
            comments = yaml::directive_comments(source);
        }
        FileKind::TaskFile => {
            let name = crate::repo::file_name(&source.rel_path);
            if let Some(runner) = tasks::runner_of(name) {
                cx.facts().ci = Some(CiFacts {
                    tasks: Some(tasks::parse(runner, &source.text)),
                    ..CiFacts::default()
                });
            }
            comments = yaml::directive_comments(source);
        }
        FileKind::Readme => comments = Vec::new(),
        FileKind::Python => {
            let py = PythonFile::parse(source);
            if let Some(e) = py.syntax_errors.first() {
                let more = match py.syntax_errors.len() - 1 {
                    0 => String::new(),
                    1 => " (and 1 more syntax error)".to_string(),
                    n => format!(" (and {n} more syntax errors)"),
                };
                let message = lower_first(&e.message);
                cx.report(
                    &ParseError::META,
                    e.span.clone(),
                    format!("cannot parse this Python file: {message}{more}"),
                    "fix the syntax; the code that parsed was still checked",
                );
                let p = source.position(e.span.start);
                error = Some(FileError {
                    path: source.rel_path.clone(),
                    message: format!("{message} at line {} column {}", p.line, p.column),
                });
            }
            if let Some(at) = py.too_deep {
                let message = if py.not_parsed {
                    "code nested too deeply to parse safely; this file was not checked".to_string()
                } else {
                    format!(
                        "code nested more than {} levels deep; not checked below that depth",
                        crate::lang::python::MAX_DEPTH
                    )
                };
                cx.report(
                    &ParseError::META,
                    at..at,
                    message,
                    "flatten the expression; Python itself rejects code nested this deep",
                );
                error.get_or_insert_with(|| FileError {
                    path: source.rel_path.clone(),
                    message: "code nested too deeply".into(),
                });
            }
            for r in &rules {
                r.check_python(&py, &mut cx);
            }
            comments = py
                .comments
                .iter()
                .map(|(span, own_line)| Comment {
                    span: span.clone(),
                    own_line: *own_line,
                })
                .collect();
        }
    }
    for r in &rules {
        r.check_text(kind, &mut cx);
    }
    let (raw, facts) = cx.finish();
    let findings: Vec<Finding> = raw
        .into_iter()
        .filter(|f| settings.is_enabled_for(f.code, &source.rel_path))
        .filter_map(|f| {
            let meta = settings.registry.find(f.code)?;
            Some(to_finding(source, meta, f, settings))
        })
        .collect();
    FileOutcome {
        findings,
        directives: suppress::directives(source, &comments),
        facts,
        error,
        ..FileOutcome::default()
    }
}

/// Reports a file that did not parse (RDY001) and returns its error entry.
fn parse_failure(
    source: &SourceFile,
    cx: &mut Context<'_>,
    span: std::ops::Range<usize>,
    what: &str,
    message: &str,
) -> FileError {
    let message = message.trim().replace('\n', " ");
    cx.report(
        &ParseError::META,
        span.clone(),
        format!("cannot parse this {what} file: {message}"),
        "fix the syntax; nothing else in this file was checked",
    );
    let p = source.position(span.start);
    FileError {
        path: source.rel_path.clone(),
        message: format!("{message} at line {} column {}", p.line, p.column),
    }
}

/// Phase 1 for a Rust file: lex (comments, nesting), parse on a thread with a large
/// stack, and run the rules there too, since they walk the same deep tree.
fn check_rust(
    source: &SourceFile,
    rules: &[&dyn Rule],
    cx: &mut Context<'_>,
) -> (Vec<Comment>, Option<FileError>) {
    let lexed = rust::lexer::lex(&source.text);
    let comments = lexed
        .comments
        .iter()
        .map(|c| Comment {
            span: c.span.clone(),
            own_line: c.own_line,
        })
        .collect();
    let failure = match rust::too_deep(&lexed) {
        Some(why) => Some((lexed.max_depth_at..lexed.max_depth_at, why)),
        None => rust::with_stack(|| match RustFile::parse(source, lexed.comments.clone()) {
            Ok(file) => {
                // One walk: every node goes to the rules that visit nodes and to the
                // repository facts, so macro bodies are parsed once per file.
                let visitors: Vec<&dyn Rule> = rules
                    .iter()
                    .copied()
                    .filter(|r| r.visits_rust_nodes())
                    .collect();
                let mut facts = file.facts_builder();
                file.walk(&mut |node, scope| {
                    for r in &visitors {
                        r.check_rust_node(&file, node, scope, cx);
                    }
                    facts.node(node, scope);
                });
                for r in rules {
                    r.check_rust(&file, cx);
                }
                cx.facts().rust = Some(RustFacts::Source(facts.finish()));
                None
            }
            Err(e) => Some((e.offset..e.offset, e.message)),
        }),
    };
    let error = failure.map(|(span, why)| parse_failure(source, cx, span, "Rust", &why));
    (comments, error)
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Comments of a Dockerfile: whole-line comments, and shell comments at the end of a
/// line inside `RUN`.
fn dockerfile_comments(source: &SourceFile, df: &Dockerfile) -> Vec<Comment> {
    let mut out: Vec<Comment> = df
        .comments
        .iter()
        .map(|s| Comment {
            span: s.clone(),
            own_line: true,
        })
        .collect();
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        let first = source.line_of(inst.span.start);
        let last = source.line_of(inst.span.end);
        for line in first..=last {
            let span = source.line_span(line);
            if let Some(i) = source.text[span.clone()].find("# readylint:")
                && !df
                    .comments
                    .iter()
                    .any(|c| c.start <= span.start + i && span.start + i < c.end)
            {
                out.push(Comment {
                    span: span.start + i..span.end,
                    own_line: false,
                });
            }
        }
    }
    out
}

/// Phase 3 for one file: drops suppressed findings, adds RDY002 for directives that
/// silenced nothing, and returns how many findings were suppressed.
fn apply_suppressions(source: &SourceFile, o: &mut FileOutcome, settings: &Settings) -> usize {
    let mut suppressed = 0;
    let directives = &mut o.directives;
    o.findings.retain(|f| {
        let mut silenced = false;
        for d in directives.iter_mut() {
            silenced |= d.silences(&f.rule, &f.name, f.line, f.statement_line);
        }
        suppressed += usize::from(silenced);
        !silenced
    });
    let unused = unused_suppressions(source, directives, settings);
    o.findings.extend(unused);
    suppressed
}

fn unused_suppressions(
    source: &SourceFile,
    directives: &[Directive],
    settings: &Settings,
) -> Vec<Finding> {
    let meta = &UnusedSuppression::META;
    if !settings.is_enabled_for(meta.code, &source.rel_path) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in directives {
        let scope = if d.scope == Scope::File {
            "ignore-file"
        } else {
            "ignore"
        };
        if d.rules.is_empty() {
            if !d.used[0] {
                out.push((d.span.clone(), format!("`{scope}` silences nothing here")));
            }
            continue;
        }
        for (rule, used) in d.rules.iter().zip(&d.used) {
            if *used {
                continue;
            }
            match settings.registry.find(rule) {
                None => out.push((d.span.clone(), format!("`{scope}[{rule}]` names no rule"))),
                Some(m) if settings.is_enabled_for(m.code, &source.rel_path) => out.push((
                    d.span.clone(),
                    format!("`{scope}[{rule}]` silences nothing here"),
                )),
                Some(_) => {}
            }
        }
    }
    out.into_iter()
        .map(|(span, message)| {
            let raw = RawFinding {
                code: meta.code,
                span,
                message,
                help: "remove the suppression, or correct its rule code".into(),
                statement_start: None,
                severity: None,
            };
            to_finding(source, meta, raw, settings)
        })
        .collect()
}

fn to_finding(
    source: &SourceFile,
    meta: &RuleMeta,
    raw: RawFinding,
    settings: &Settings,
) -> Finding {
    let start = source.position(raw.span.start);
    let end = source.position(raw.span.end.max(raw.span.start));
    let statement_line = raw
        .statement_start
        .map_or(start.line, |s| source.line_of(s));
    Finding {
        rule: meta.code.to_string(),
        name: meta.name.to_string(),
        category: meta.category,
        severity: settings
            .severity
            .get(meta.code)
            .copied()
            .or(raw.severity)
            .unwrap_or(meta.severity),
        message: raw.message,
        path: source.rel_path.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        help: raw.help,
        fingerprint: String::new(),
        line_text: source.line_text(start.line).trim().to_string(),
        statement_line,
        span: (raw.span.start, raw.span.end.max(raw.span.start)),
    }
}
