//! Phase 1, per file and in parallel: read once, hand the file to each front end that
//! claims it, run the enabled rules on what they parse, and collect findings, the
//! suppression directives, and the facts the file contributes to the repository index.

use std::borrow::Cow;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use super::filter::to_finding;
use super::{FileError, FileOutcome, MAX_FILE_SIZE};
use crate::config::Settings;
use crate::discover::Entry;
use crate::lang::{self, FileKind, Output, Sink};
use crate::repo::RepoIndex;
use crate::roles::Roles;
use crate::rule::{Context, RawFinding, Rule};
use crate::rules::readylint::{ParseError, SkippedFile};
use crate::source::SourceFile;
use crate::suppress;

/// The cache of this run, and the hash of the repository's file list.
pub(super) struct CacheLookup<'a> {
    pub cache: &'a super::cache::Cache,
    pub file_list: &'a str,
    /// When the run started (see [`super::cache::Stamp::of`]).
    pub now: std::time::SystemTime,
    /// What findings taken by their file's stamp need besides what every output shows
    /// (the text of their line for fingerprints and baselines, their fix for the
    /// outputs that show it): they are made without the rest (an allocation and a copy
    /// fewer per finding, a fix not decoded), and their entry is stored again as it was
    /// read.
    pub wanted: super::cache::Wanted,
}

pub(super) fn check_entry(
    entry: &Entry,
    settings: &Settings,
    repo: &RepoIndex,
    rules: &RuleFilter<'_>,
    needed: &Needs,
    cache: Option<&CacheLookup<'_>>,
    overlay: &std::collections::BTreeMap<String, String>,
) -> FileOutcome {
    match entry {
        Entry::Skipped { rel_path, reason } => skipped(rel_path, reason, settings),
        Entry::File {
            rel_path,
            abs_path,
            kinds,
            seen,
        } => {
            // An editor's unsaved buffer is checked as it is, never from the cache.
            let buffer = overlay.get(rel_path);
            // A file whose size and modification time are as stored is not read at all.
            let stamp = match (cache, buffer) {
                (Some(c), None) => seen
                    .or_else(|| crate::discover::Seen::of(&std::fs::metadata(abs_path).ok()?))
                    .and_then(|s| super::cache::Stamp::seen(s, c.now)),
                _ => None,
            };
            if let (Some(c), Some(stamp)) = (cache, stamp)
                && let Some(entry) = c.cache.take_stamped(rel_path, stamp, c.file_list)
            {
                let source = SourceFile::unloaded(rel_path.as_str(), abs_path.clone());
                let at = entry.raw.clone();
                if let Some(mut o) =
                    from_cache(c.cache, entry, &source.rel_path, settings, c.wanted)
                {
                    o.source = Some(Arc::new(source));
                    o.stamp = Some(stamp);
                    o.cached_entry = at;
                    return o;
                }
            }
            let text = match buffer {
                Some(t) => Ok(t.clone()),
                None => read(abs_path),
            };
            let text = match text {
                Ok(text) => text,
                Err(reason) => return skipped(rel_path, &reason, settings),
            };
            let hash = cache.map(|_| super::cache::hash_text(&text));
            let source = SourceFile::new(rel_path.as_str(), abs_path.clone(), text);
            if let (Some(c), Some(hash)) = (cache, &hash)
                && let Some(entry) = c.cache.take(rel_path, hash, c.file_list)
                // Its new stamp makes a new entry, encoded from the findings: whole.
                && let Some(mut o) = from_cache(
                    c.cache,
                    entry,
                    &source.rel_path,
                    settings,
                    super::cache::Wanted::ALL,
                )
            {
                o.source = Some(Arc::new(if buffer.is_some() {
                    source
                } else {
                    source.without_text()
                }));
                // Unchanged but touched (a checkout): store its new stamp.
                o.stamp = stamp;
                o.restamped = stamp.is_some();
                return o;
            }
            let source = Arc::new(source);
            // readylint: ignore[EXC101] -- a panic on one file becomes its RDY001 finding (SPEC §8)
            let checked = catch_unwind(AssertUnwindSafe(|| {
                check_source(&source, kinds, settings, repo, rules, needed)
            }));
            let outcome = checked.map(|o| FileOutcome {
                // A parsed manifest is not cached (see `cache`).
                cacheable: cacheable(&o.facts),
                hash,
                stamp,
                ..o
            });
            let mut outcome = outcome.unwrap_or_else(|_| {
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
                    handler: None,
                    fix: None,
                };
                if settings.is_enabled_for(raw.code, rel_path) {
                    o.findings
                        .push(to_finding(&source, &ParseError::META, raw, settings));
                }
                o
            });
            outcome.path = rel_path.clone();
            outcome.scanned = true;
            // The text of a file read from disk is let go, to be read again if a
            // repository rule, a suppression or an output asks for it (see `source`):
            // memory grows with the files in flight, not with the tree. An editor's
            // buffer is kept: it is not on disk.
            outcome.source = Some(if buffer.is_some() {
                source
            } else {
                Arc::new(source.without_text())
            });
            outcome
        }
    }
}

/// The outcome of the file at `path` whose results are taken from the cache (without
/// its source and stamp, which the caller sets), or `None` if they cannot be (see
/// [`super::cache::Cache::findings`]).
fn from_cache(
    cache: &super::cache::Cache,
    mut entry: super::cache::Entry<'_>,
    path: &Arc<str>,
    settings: &Settings,
    wanted: super::cache::Wanted,
) -> Option<FileOutcome> {
    let findings = cache.findings(&mut entry, path, &settings.registry, wanted)?;
    Some(FileOutcome {
        path: path.to_string(),
        findings,
        directives: entry.directives.into_owned(),
        facts: entry.facts.into_owned(),
        error: entry.error.map(Cow::into_owned),
        scanned: true,
        hash: Some(entry.hash.into_owned()),
        cacheable: true,
        used_repo: entry.file_list.is_some(),
        from_cache: true,
        ..FileOutcome::default()
    })
}

/// Whether a file's facts can be stored: all but parsed manifests.
fn cacheable(facts: &lang::FileFacts) -> bool {
    facts.manifest.is_none()
        && !matches!(
            facts.rust.as_deref(),
            Some(lang::rust::crates::RustFacts::Manifest(_))
        )
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

/// What to do about a file not checked, by why it was not (the reasons of [`read`] and
/// of the walk's links and special files).
fn skipped_help(reason: &str) -> &'static str {
    if reason.starts_with("cannot be read") {
        "fix its permissions so that readylint can read it, or exclude it with `exclude`"
    } else if reason.contains("symbolic link") {
        "point the link at a file inside the repository, remove it, or exclude it with `exclude`"
    } else if reason.contains("MiB limit") || reason.starts_with("not a regular file") {
        "exclude it with `exclude` (generated files, data and devices need no check)"
    } else {
        "save it as UTF-8 text, or exclude it with `exclude`"
    }
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
        // A file that cannot be read at all is a warning: the gate must not pass on it.
        let unreadable = reason.starts_with("cannot be read");
        let raw = RawFinding {
            code: SkippedFile::META.code,
            span: 0..0,
            message: format!("file not checked: {reason}"),
            help: skipped_help(reason).into(),
            statement_start: None,
            severity: unreadable.then_some(crate::rule::Severity::Warning),
            handler: None,
            fix: None,
        };
        o.findings
            .push(to_finding(&empty, &SkippedFile::META, raw, settings));
    }
    o
}

/// Checks `text` as the file `rel_path` of an otherwise empty repository, with the
/// rules `settings` enables, and returns its findings. Panics are *not* caught: this is
/// what the fuzz targets (`fuzz/`) drive, and a panic there is a bug to find.
#[doc(hidden)]
pub fn check_one_for_fuzzing(
    rel_path: &str,
    text: &str,
    settings: &Settings,
) -> Vec<crate::finding::Finding> {
    let mut kinds = lang::classify(rel_path);
    if kinds.is_empty() {
        kinds.push(FileKind::Text);
    }
    let repo = RepoIndex::new([rel_path.to_string()]);
    let rules = settings.enabled_rules();
    let source = SourceFile::new(rel_path, rel_path, text.to_string());
    let needed = Needs::of(kinds.iter().copied(), &rules);
    let filter = RuleFilter::new(&rules, settings);
    let outcome = check_source(&source, &kinds, settings, &repo, &filter, &needed);
    let mut findings = outcome.findings;
    // The repository rules that judge each file on its own facts, over this one file.
    let mut repo = RepoIndex::new([rel_path.to_string()]);
    repo.add_source(std::sync::Arc::new(source), outcome.facts);
    let repo_rules: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.has_repo_check() && !r.needs_whole_project())
        .collect();
    let (by_file, _) = super::repo::check(&repo, &repo_rules, settings, &|_| settings);
    findings.extend(by_file.into_values().flatten());
    findings
}

/// Hands a front end's model to the enabled rules.
struct RuleSink<'r, 'c> {
    rules: &'r [&'r dyn Rule],
    /// The rules that visit every Rust node, found once per file.
    node_visitors: Vec<&'r dyn Rule>,
    /// Some rule of the run reads the service facts.
    service_facts: bool,
    /// No rule checks the file's content ([`Sink::syntax_only`]).
    syntax_only: bool,
    cx: &'r mut Context<'c>,
}

impl Sink for RuleSink<'_, '_> {
    fn wants_service_facts(&self) -> bool {
        self.service_facts
    }

    fn syntax_only(&self) -> bool {
        self.syntax_only
    }

    fn shipped_stage(&self) -> Option<usize> {
        self.cx.shipped_stage()
    }

    fn dockerfile(&mut self, file: &lang::dockerfile::Dockerfile) {
        for r in self.rules {
            r.check_dockerfile(file, self.cx);
        }
    }
    fn toml(&mut self, file: &lang::toml::TomlDoc) {
        for r in self.rules {
            r.check_toml(file, self.cx);
        }
    }
    fn manifest(&mut self, file: &lang::manifest::Manifest) {
        for r in self.rules {
            r.check_manifest(file, self.cx);
        }
    }
    fn yaml(&mut self, file: &lang::yaml::Yaml) {
        for r in self.rules {
            r.check_yaml(file, self.cx);
        }
    }
    fn compose(&mut self, file: &lang::compose::ComposeFile) {
        for r in self.rules {
            r.check_compose(file, self.cx);
        }
    }
    fn kubernetes(&mut self, file: &lang::kubernetes::KubeFile) {
        for r in self.rules {
            r.check_kubernetes(file, self.cx);
        }
    }
    fn ci(&mut self, file: &lang::ci::CiFile) {
        for r in self.rules {
            r.check_ci(file, self.cx);
        }
    }
    fn python(&mut self, file: &lang::python::PythonFile) {
        for r in self.rules {
            r.check_python(file, self.cx);
        }
    }
    fn wants_rust_nodes(&self) -> bool {
        !self.node_visitors.is_empty()
    }
    fn rust_node(
        &mut self,
        file: &lang::rust::RustFile<'_>,
        node: lang::rust::Node<'_>,
        scope: &lang::rust::Scope<'_>,
    ) {
        for r in &self.node_visitors {
            r.check_rust_node(file, node, scope, self.cx);
        }
    }
    fn rust(&mut self, file: &lang::rust::RustFile<'_>) {
        for r in self.rules {
            r.check_rust(file, self.cx);
        }
    }
}

/// What the front ends of a run must yield: the kinds some enabled rule reads, and
/// whether the service facts (web apps, routes, observability libraries) are wanted.
#[derive(Debug, Default)]
pub(crate) struct Needs {
    pub kinds: std::collections::HashSet<FileKind>,
    pub service_facts: bool,
}

impl Needs {
    /// The needs of `rules` over files of `kinds`.
    pub fn of(kinds: impl Iterator<Item = FileKind>, rules: &[&dyn Rule]) -> Needs {
        Needs {
            kinds: kinds.filter(|k| kind_needed(*k, rules)).collect(),
            service_facts: rules.iter().any(|r| r.wants_service_facts()),
        }
    }
}

/// Whether some enabled rule reads files of `kind` (a Compose file is also handed over
/// as YAML, and tells the Dockerfile rules which images are for development; a CI file
/// which stage of a Dockerfile is published): a front end reads a file only then.
pub(super) fn kind_needed(kind: FileKind, rules: &[&dyn Rule]) -> bool {
    let wanted = |k: FileKind| rules.iter().any(|r| r.reads(k));
    match kind {
        // The Dockerfile rules also read which images a development stack builds
        // (`repo::compose_dev_images`), and the CI rules what `docker compose run app`
        // runs (`ci::gates`).
        FileKind::Compose => {
            wanted(FileKind::Compose)
                || wanted(FileKind::Yaml)
                || wanted(FileKind::Dockerfile)
                || wanted(FileKind::GithubWorkflow)
                || wanted(FileKind::GitlabCi)
        }
        // And which stage of each Dockerfile the CI publishes (`repo::shipped_targets`).
        FileKind::GithubWorkflow | FileKind::GitlabCi => {
            wanted(kind) || wanted(FileKind::Dockerfile)
        }
        k => wanted(k),
    }
}

/// The enabled rules of one configuration, and which of them apply to a file. Without
/// per-path ignores that depends only on the roles of the file's path
/// ([`Settings::is_enabled_with`]): it is found once per set of roles, not per file.
pub(super) struct RuleFilter<'r> {
    rules: &'r [&'static dyn Rule],
    by_roles: Option<Mutex<FxHashMap<Roles, RuleSet>>>,
}

/// Some rules, shared by the files they apply to.
type RuleSet = Arc<[&'static dyn Rule]>;

impl<'r> RuleFilter<'r> {
    pub fn new(rules: &'r [&'static dyn Rule], settings: &Settings) -> RuleFilter<'r> {
        RuleFilter {
            rules,
            by_roles: settings
                .per_path_ignores
                .is_empty()
                .then(|| Mutex::new(FxHashMap::default())),
        }
    }

    /// The rules that apply to the file at `rel_path`, whose roles are `roles`.
    fn of(&self, settings: &Settings, rel_path: &str, roles: Roles) -> RuleSet {
        let compute = || -> RuleSet {
            self.rules
                .iter()
                .copied()
                .filter(|r| settings.is_enabled_with(r.meta().code, rel_path, roles))
                .collect()
        };
        let Some(memo) = &self.by_roles else {
            return compute();
        };
        if let Some(rules) = memo.lock().ok().and_then(|m| m.get(&roles).cloned()) {
            return rules;
        }
        let rules = compute();
        if let Ok(mut m) = memo.lock() {
            m.insert(roles, Arc::clone(&rules));
        }
        rules
    }
}

/// Phase 1 for one readable file: every front end that claims it, then the text rules.
fn check_source(
    source: &SourceFile,
    kinds: &[FileKind],
    settings: &Settings,
    repo: &RepoIndex,
    rules: &RuleFilter<'_>,
    needs: &Needs,
) -> FileOutcome {
    let roles = crate::roles::Roles::of_path(&source.rel_path);
    let rules = rules.of(settings, &source.rel_path, roles);
    // Which front ends run depends on the run's rules, not on this path's: the facts a
    // file gives serve repository rules that may report elsewhere. Except a Python
    // test: its front end keeps no facts of tests, so when no rule applying to it reads
    // Python, parsing it would find nothing to report (and where it holds no
    // `readylint:` comment, no suppression to check).
    // When parse errors are asked for everywhere, or it may hold one, it is parsed for
    // its syntax errors and comments only: not walked into a model no rule reads.
    let unchecked_test = needs.kinds.contains(&FileKind::Python)
        && roles.any(&[crate::roles::Role::Test, crate::roles::Role::Fixture])
        && !rules.iter().any(|r| r.checks_files(FileKind::Python));
    let unread_test = |k: FileKind| {
        k == FileKind::Python
            && unchecked_test
            && !settings.parse_all
            && !suppress::may_hold_directive(&source.text)
    };
    let needed: Vec<FileKind> = kinds
        .iter()
        .copied()
        .filter(|k| needs.kinds.contains(k) && !unread_test(*k))
        .collect();
    let mut cx = Context::new(source, repo, &settings.rule_options);
    let mut out = Output::default();
    {
        let mut sink = RuleSink {
            rules: &rules,
            node_visitors: rules
                .iter()
                .copied()
                .filter(|r| r.visits_rust_nodes())
                .collect(),
            service_facts: needs.service_facts,
            syntax_only: unchecked_test,
            cx: &mut cx,
        };
        for kind in &needed {
            lang::front_end(*kind).read(source, *kind, &mut sink, &mut out);
        }
    }
    if let Some(kind) = kinds.first() {
        for r in rules.iter() {
            r.check_text(*kind, &mut cx);
        }
    }
    // A project generator's template (`{{cookiecutter.slug}}/compose.yml`) says it is
    // one in its path: nothing to add. (A Helm chart's `templates/` gets the note.)
    if let Some((reason, help)) = out.skipped
        && !crate::roles::is_generator_template(&source.rel_path)
    {
        cx.report(
            &SkippedFile::META,
            0..0,
            format!("file not checked: {reason}"),
            help,
        );
    }
    // A parse error costs the checks of the rules that read the file. Where none
    // applies (a benchmark's input, a test fixture: every rule that reads the kind skips
    // the file's roles), nothing is lost: the error is kept in the report's list of
    // files not read, not reported as a finding, unless parse errors were asked for.
    // (Rules that name no kinds, the engine's and those about the whole repository
    // such as CI001, check no file's content.)
    // Asked only of a file that has an error: most have none.
    let checked = out.errors.is_empty()
        || settings.parse_all
        || rules.iter().any(|r| {
            r.meta().reads.is_some()
                && needed
                    .iter()
                    .any(|k| kind_needed(*k, std::slice::from_ref(r)))
        });
    let error = report_parse_errors(source, &out.errors, checked.then_some(&mut cx));
    let used_repo = cx.used_repo();
    let mut raw = cx.finish();
    // The roles the content gave the file count as its path's do.
    let with_content = roles.with(out.roles);
    raw.retain(|f| {
        let roles = if out.roles_found_by == Some(f.code) {
            roles
        } else {
            with_content
        };
        settings.is_enabled_with(f.code, &source.rel_path, roles)
    });
    one_per_handler(&mut raw);
    let mut findings: Vec<crate::finding::Finding> = raw
        .into_iter()
        .filter_map(|f| {
            let meta = settings.registry.find(f.code)?;
            Some(to_finding(source, meta, f, settings))
        })
        .collect();
    // In the report's order (and so stored in the cache): the run's findings, file
    // after file in path order, are then in order already (see `finalise_with`).
    findings.sort_by(crate::finding::report_order);
    let mut facts = out.facts;
    keep_functions_with_findings(&mut facts, &findings, settings);
    FileOutcome {
        findings,
        directives: suppress::directives(
            source,
            &out.comments,
            settings.respect_foreign_suppressions,
        ),
        facts,
        error,
        used_repo,
        ..FileOutcome::default()
    }
}

/// Of a file's plain functions (see
/// [`crate::lang::python::facts::PythonFacts::plain_functions`]), keeps those that hold a
/// finding of a rule that skips scripts: the only ones the repository phase asks about.
fn keep_functions_with_findings(
    facts: &mut lang::FileFacts,
    findings: &[crate::finding::Finding],
    settings: &Settings,
) {
    let Some(py) = facts.python.as_deref_mut() else {
        return;
    };
    if py.plain_functions.is_empty() {
        return;
    }
    let skips_scripts = |code: &str| {
        settings
            .registry
            .find(code)
            .is_some_and(|m| m.skips.contains(&crate::roles::Role::Script))
    };
    py.plain_functions.retain(|(_, span)| {
        findings
            .iter()
            .any(|f| span.contains(&f.byte_range().start) && skips_scripts(f.rule))
    });
    if py.is_empty() {
        facts.python = None;
    }
}

/// Of the findings about one `except` handler, the most specific first.
const HANDLER_PRECEDENCE: [&str; 4] = ["EXC001", "EXC003", "LOG003", "EXC002"];

/// One finding per problem: of the enabled rules' findings about one handler, only the
/// most specific rule's are kept.
fn one_per_handler(raw: &mut Vec<RawFinding>) {
    let rank = |code: &str| {
        HANDLER_PRECEDENCE
            .iter()
            .position(|c| *c == code)
            .unwrap_or(HANDLER_PRECEDENCE.len())
    };
    let mut best: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for f in raw.iter() {
        if let Some(h) = f.handler {
            let r = rank(f.code);
            best.entry(h).and_modify(|b| *b = (*b).min(r)).or_insert(r);
        }
    }
    raw.retain(|f| {
        f.handler
            .is_none_or(|h| best.get(&h) == Some(&rank(f.code)))
    });
}

/// One RDY001 per file: the first parse error, and how many more there are.
fn report_parse_errors(
    source: &SourceFile,
    errors: &[lang::ParseError],
    cx: Option<&mut Context<'_>>,
) -> Option<FileError> {
    let first = errors.first()?;
    // Two front ends reading one file (YAML for a pack and Kubernetes manifests) meet
    // the same error: it is one error.
    let mut places: Vec<usize> = errors.iter().map(|e| e.span.start).collect();
    places.sort_unstable();
    places.dedup();
    let more = match places.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more syntax error)".to_string(),
        n => format!(" (and {n} more syntax errors)"),
    };
    if let Some(cx) = cx {
        cx.report(
            &ParseError::META,
            first.span.clone(),
            format!("{}{more}", first.message),
            first.help,
        );
    }
    let p = source.position(first.span.start);
    Some(FileError {
        path: source.rel_path.to_string(),
        message: format!("{} at line {} column {}", first.detail, p.line, p.column),
    })
}
