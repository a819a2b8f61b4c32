//! The rule model: what every rule declares about itself ([`RuleMeta`]), the [`Rule`]
//! trait the engine calls once per parsed file, and the [`Context`] a rule reports into.
//!
//! A rule is declared with [`declare_rule!`]: its doc comment *is* its documentation
//! (`readylint explain`, the README table and SARIF help are all rendered from it), so
//! the metadata is written once.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::lang::FileKind;
use crate::lang::ci::CiFile;
use crate::lang::compose::ComposeFile;
use crate::lang::dockerfile::Dockerfile;
use crate::lang::manifest::Manifest;
use crate::lang::python::PythonFile;
use crate::lang::rust::{Node, RustFile, Scope};
use crate::lang::toml::TomlDoc;
use crate::repo::RepoIndex;
use crate::roles::Role;
use crate::source::{SourceFile, Span};

/// What part of production readiness a rule guards.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Errors,
    Dependencies,
    Timeouts,
    Logging,
    Container,
    Docs,
    Ci,
    Config,
    Observability,
    Readylint,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Errors,
        Category::Dependencies,
        Category::Timeouts,
        Category::Logging,
        Category::Container,
        Category::Docs,
        Category::Ci,
        Category::Config,
        Category::Observability,
        Category::Readylint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Errors => "errors",
            Category::Dependencies => "dependencies",
            Category::Timeouts => "timeouts",
            Category::Logging => "logging",
            Category::Container => "container",
            Category::Docs => "docs",
            Category::Ci => "ci",
            Category::Config => "config",
            Category::Observability => "observability",
            Category::Readylint => "readylint",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a rule option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    StringList,
    Integer,
    Bool,
}

impl OptionKind {
    pub fn describe(self) -> &'static str {
        match self {
            OptionKind::StringList => "a list of strings",
            OptionKind::Integer => "an integer",
            OptionKind::Bool => "a boolean",
        }
    }
}

/// One option a rule accepts under `[rules.CODE]` in the configuration.
#[derive(Debug, Clone, Copy)]
pub struct OptionMeta {
    pub name: &'static str,
    pub kind: OptionKind,
    pub default: &'static str,
    pub doc: &'static str,
}

/// Everything a rule declares about itself.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// The doc comment as written, one `///` line per line.
    pub raw_docs: &'static str,
    pub options: &'static [OptionMeta],
    /// Whether the rule guards a security property (SARIF tags and security-severity).
    pub security: bool,
    /// Files of these roles are not checked by this rule ([`crate::roles`]).
    pub skips: &'static [Role],
    /// In the default selection: rules measured precise on real services are; the rest
    /// run only when selected by code, prefix, category or `all`.
    pub default: bool,
    /// The kinds of file the rule reads: parses, or takes facts or anchors findings
    /// from. A run parses a file only when an enabled rule reads its kind. `None`: every
    /// kind that is not optional (see [`FileKind::is_optional`]).
    pub reads: Option<&'static [FileKind]>,
    /// The rule reads only the facts the front ends keep of the files it reads, in its
    /// repository check: it checks no file's content one by one (see
    /// [`Rule::checks_files`]).
    pub facts_only: bool,
    /// Whether its findings carry fixes, and how safe they are.
    pub fix: crate::fix::FixAvailability,
}

impl RuleMeta {
    /// The documentation as markdown, with the doc-comment indentation removed, and the
    /// roles of files it skips listed from [`RuleMeta::skips`].
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        let mut out = out.trim_end().to_string() + "\n";
        if !self.skips.is_empty() {
            out.push_str("\n## Files it skips\n");
            out.push_str(&crate::roles::skipped_roles_doc(self.skips));
        }
        out
    }

    /// The markdown body of one `## Heading` section, if present.
    pub fn section(&self, heading: &str) -> Option<String> {
        let docs = self.docs();
        let mut lines = docs.lines();
        lines
            .by_ref()
            .find(|l| l.trim() == format!("## {heading}"))?;
        let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
        Some(body.join("\n").trim().to_string())
    }

    /// One sentence: the first paragraph of "What it does", on one line.
    pub fn summary(&self) -> String {
        let what = self.section("What it does").unwrap_or_default();
        let para = what.split("\n\n").next().unwrap_or_default();
        para.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn option(&self, name: &str) -> Option<&'static OptionMeta> {
        self.options.iter().find(|o| o.name == name)
    }
}

/// Declares a rule type and its [`RuleMeta`] from one block whose doc comment is the
/// rule's documentation.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $ty:ident,
        code = $code:literal,
        name = $name:literal,
        category = $cat:ident,
        severity = $sev:ident
        $(, security = $sec:literal)?
        $(, skips = $skips:expr)?
        $(, default = $default:literal)?
        $(, options = [$($opt:expr),* $(,)?])?
        $(, reads = [$($kind:expr),* $(,)?])?
        $(, facts_only = $facts_only:literal)?
        $(, fix = $fix:ident)?
        $(,)?
    ) => {
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $ty;

        impl $ty {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $name,
                category: $crate::rule::Category::$cat,
                severity: $crate::rule::Severity::$sev,
                raw_docs: concat!($($doc, "\n"),*),
                options: &[$($($opt),*)?],
                security: $crate::declare_rule!(@security $($sec)?),
                skips: $crate::declare_rule!(@skips $($skips)?),
                default: $crate::declare_rule!(@default $($default)?),
                reads: $crate::declare_rule!(@reads $([$($kind),*])?),
                facts_only: $crate::declare_rule!(@facts_only $($facts_only)?),
                fix: $crate::declare_rule!(@fix $($fix)?),
            };
        }

        impl $crate::rule::RuleInfo for $ty {
            fn meta(&self) -> &$crate::rule::RuleMeta {
                &Self::META
            }
        }
    };
    (@security $sec:literal) => { $sec };
    (@security) => { false };
    (@skips $skips:expr) => { $skips };
    (@skips) => { &[] };
    (@default $default:literal) => { $default };
    (@default) => { true };
    (@reads [$($kind:expr),*]) => { Some(&[$($kind),*]) };
    (@reads) => { None };
    (@facts_only $facts_only:literal) => { $facts_only };
    (@facts_only) => { false };
    (@fix $fix:ident) => { $crate::fix::FixAvailability::$fix };
    (@fix) => { $crate::fix::FixAvailability::None };
}

/// What a rule is: [`declare_rule!`] implements it from the rule's declaration.
pub trait RuleInfo {
    fn meta(&self) -> &RuleMeta;
}

/// A check. The engine calls the method for each parsed file of the matching kind, and
/// `check_repo` once over the repository index.
pub trait Rule: RuleInfo + Send + Sync {
    fn check_dockerfile(&self, _file: &Dockerfile, _cx: &mut Context<'_>) {}

    fn check_toml(&self, _file: &TomlDoc, _cx: &mut Context<'_>) {}

    /// A YAML file that is not CI configuration (Helm values, Compose files, …).
    fn check_yaml(&self, _file: &crate::lang::yaml::Yaml, _cx: &mut Context<'_>) {}

    /// A Docker Compose file (also handed over as YAML).
    fn check_compose(&self, _file: &ComposeFile, _cx: &mut Context<'_>) {}

    /// A YAML file holding Kubernetes manifests.
    fn check_kubernetes(&self, _file: &crate::lang::kubernetes::KubeFile, _cx: &mut Context<'_>) {}

    /// Called for every dependency manifest (`Cargo.toml`, `pyproject.toml`, `Pipfile`,
    /// `package.json`, requirements files).
    fn check_manifest(&self, _file: &Manifest, _cx: &mut Context<'_>) {}

    /// Called for every file, whatever its kind, after the kind's own check: for rules
    /// that read lines of text (declarative regex rules).
    fn check_text(&self, _kind: FileKind, _cx: &mut Context<'_>) {}

    /// Whether the rule reads files of this kind ([`RuleMeta::reads`]): a file is
    /// parsed only when an enabled rule reads its kind.
    fn reads(&self, kind: FileKind) -> bool {
        match self.meta().reads {
            Some(kinds) => kinds.contains(&kind),
            None => !kind.is_optional(),
        }
    }

    /// Whether the rule checks files of this kind one by one (its `check_*` methods),
    /// not only the facts their front end keeps for its repository check. A Python test
    /// that no applying rule checks is not parsed: its front end keeps no facts of tests.
    /// A repository rule that names no kinds (CI001) checks no file's content, nor does
    /// one declared `facts_only`.
    fn checks_files(&self, kind: FileKind) -> bool {
        let meta = self.meta();
        !meta.facts_only && self.reads(kind) && !(meta.reads.is_none() && self.has_repo_check())
    }

    /// Whether the rule wants to read `rel_path` although no front end claims it
    /// (declarative rules selecting files by glob).
    fn wants_file(&self, _rel_path: &str) -> bool {
        false
    }

    /// Once per parsed Rust file, after its walk (for checks of the whole file).
    fn check_rust(&self, _file: &RustFile<'_>, _cx: &mut Context<'_>) {}

    /// Whether [`Rule::check_rust_node`] is to be called: the engine walks each Rust
    /// file once and hands every node to the rules that say yes here.
    fn visits_rust_nodes(&self) -> bool {
        false
    }

    /// Every expression, statement, match arm, item and macro of a Rust file (macro
    /// bodies included), with the scope it sits in, from the file's single walk.
    fn check_rust_node(
        &self,
        _file: &RustFile<'_>,
        _node: Node<'_>,
        _scope: &Scope<'_>,
        _cx: &mut Context<'_>,
    ) {
    }

    /// GitHub workflows, action metadata and GitLab CI files.
    fn check_ci(&self, _file: &CiFile, _cx: &mut Context<'_>) {}

    fn check_python(&self, _file: &PythonFile, _cx: &mut Context<'_>) {}

    /// Called once per run, after every file was checked, over the repository index.
    fn check_repo(&self, _repo: &RepoIndex, _cx: &mut RepoContext<'_>) {}

    /// Whether the rule has a [`Rule::check_repo`] (its findings may come from the
    /// repository phase): a scan of some files, where such a rule does not run, cannot
    /// tell that a suppression of it is unused.
    fn has_repo_check(&self) -> bool {
        false
    }

    /// Whether the rule reads the service facts of source files (the web apps, routes
    /// and observability libraries of [`crate::lang::FileFacts::service`]): the front
    /// ends gather them only for a run with such a rule.
    fn wants_service_facts(&self) -> bool {
        false
    }

    /// Whether a finding this rule reported in one file (by its path and message) is
    /// taken back given what other files establish ([`crate::repo::RepoWide`]: a
    /// process-wide default set in another module). Asked after every file was checked,
    /// of fresh and cached findings alike.
    fn withdraws(&self, _wide: &crate::repo::RepoWide, _path: &str, _message: &str) -> bool {
        false
    }

    /// Whether [`Rule::check_repo`] concludes from what is absent (no CI, no README), and
    /// so runs only when the scan covers the whole project. A rule that judges each
    /// file's facts on their own says `false` and runs on partial scans too.
    fn needs_whole_project(&self) -> bool {
        true
    }
}

/// Values of one rule's options, validated against its [`OptionMeta`] when the
/// configuration was loaded.
pub type RuleOptions = BTreeMap<String, toml::Value>;

/// A finding as a rule reports it: a byte span into the current file.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: String,
    /// Start of the enclosing statement (a multi-line Dockerfile instruction, say), so
    /// that a suppression comment above the statement covers findings inside it.
    pub statement_start: Option<usize>,
    /// A severity other than the rule's default, for this finding only (a `[severity]`
    /// override in the configuration still wins).
    pub severity: Option<Severity>,
    /// The `except` handler the finding is about: of the findings about one handler,
    /// only the most specific is reported (EXC001, EXC003, LOG003, then EXC002).
    pub handler: Option<usize>,
    /// The edits that would fix it, if the rule knows them.
    pub fix: Option<crate::fix::Fix>,
}

/// What a rule sees while it checks one file, and where it reports.
pub struct Context<'a> {
    pub source: &'a SourceFile,
    /// The files of the repository (facts are not filled yet during this phase): read
    /// through [`Context::repo`], which notes that the file's results depend on them.
    repo: &'a RepoIndex,
    used_repo: std::cell::Cell<bool>,
    options: &'a BTreeMap<&'static str, RuleOptions>,
    findings: Vec<RawFinding>,
}

impl<'a> Context<'a> {
    pub fn new(
        source: &'a SourceFile,
        repo: &'a RepoIndex,
        options: &'a BTreeMap<&'static str, RuleOptions>,
    ) -> Self {
        Self {
            source,
            repo,
            used_repo: std::cell::Cell::new(false),
            options,
            findings: Vec::new(),
        }
    }

    /// The files of the repository. A file whose rules looked at them is checked again
    /// when files are added, renamed or deleted, even if its own text did not change.
    pub fn repo(&self) -> &'a RepoIndex {
        self.used_repo.set(true);
        self.repo
    }

    /// The stage of this Dockerfile the repository's CI publishes, when the engine
    /// checks it again for that stage (see [`RepoIndex::ship`]). Not a dependency on
    /// the file list: it is decided after the files are checked, on every run.
    pub fn shipped_stage(&self) -> Option<usize> {
        self.repo.shipped_stage(&self.source.rel_path)
    }

    /// Whether a rule looked at the repository's files (see [`Context::repo`]).
    pub fn used_repo(&self) -> bool {
        self.used_repo.get()
    }

    /// Reports a finding of `meta`'s rule at `span`.
    pub fn report(
        &mut self,
        meta: &RuleMeta,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut RawFinding {
        self.findings.push(RawFinding {
            code: meta.code,
            span,
            message: message.into(),
            help: help.into(),
            statement_start: None,
            severity: None,
            handler: None,
            fix: None,
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// A string-list option of the rule, or empty when not configured.
    pub fn option_strings(&self, meta: &RuleMeta, name: &str) -> Vec<String> {
        match self.options.get(meta.code).and_then(|o| o.get(name)) {
            Some(toml::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// An integer option of the rule, or `default`.
    pub fn option_int(&self, meta: &RuleMeta, name: &str, default: i64) -> i64 {
        option(self.options, meta, name)
            .and_then(toml::Value::as_integer)
            .unwrap_or(default)
    }

    /// A string-list option of the rule, or `default` when not configured (an empty
    /// list configured stays empty).
    pub fn option_strings_or(&self, meta: &RuleMeta, name: &str, default: &[&str]) -> Vec<String> {
        match self.options.get(meta.code).and_then(|o| o.get(name)) {
            Some(_) => self.option_strings(meta, name),
            None => default.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A boolean option of the rule, or `default`.
    pub fn option_bool(&self, meta: &RuleMeta, name: &str, default: bool) -> bool {
        option(self.options, meta, name)
            .and_then(toml::Value::as_bool)
            .unwrap_or(default)
    }

    /// The findings reported. (Rules report; only front ends write repository facts.)
    pub fn finish(self) -> Vec<RawFinding> {
        self.findings
    }
}

/// The value configured for one option of a rule (validated against its
/// [`OptionMeta`] when the configuration was read), if any.
fn option<'o>(
    options: &'o BTreeMap<&'static str, RuleOptions>,
    meta: &RuleMeta,
    name: &str,
) -> Option<&'o toml::Value> {
    options.get(meta.code).and_then(|o| o.get(name))
}

/// What a repository rule sees, and where it reports: findings anchored at a file of
/// the repository (the manifest, the workflow, the Dockerfile), never at nothing.
pub struct RepoContext<'a> {
    pub repo: &'a RepoIndex,
    options: &'a BTreeMap<&'static str, RuleOptions>,
    findings: Vec<(String, RawFinding)>,
}

impl<'a> RepoContext<'a> {
    pub fn new(repo: &'a RepoIndex, options: &'a BTreeMap<&'static str, RuleOptions>) -> Self {
        Self {
            repo,
            options,
            findings: Vec::new(),
        }
    }

    /// Reports a finding at `span` of the file `rel_path`.
    pub fn report(
        &mut self,
        meta: &RuleMeta,
        rel_path: &str,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut RawFinding {
        self.findings.push((
            rel_path.to_string(),
            RawFinding {
                code: meta.code,
                span,
                message: message.into(),
                help: help.into(),
                statement_start: None,
                severity: None,
                handler: None,
                fix: None,
            },
        ));
        let last = self.findings.len() - 1;
        &mut self.findings[last].1
    }

    /// An integer option of the rule, or `default`.
    pub fn option_int(&self, meta: &RuleMeta, name: &str, default: i64) -> i64 {
        option(self.options, meta, name)
            .and_then(toml::Value::as_integer)
            .unwrap_or(default)
    }

    /// A boolean option of the rule, or `default`.
    pub fn option_bool(&self, meta: &RuleMeta, name: &str, default: bool) -> bool {
        option(self.options, meta, name)
            .and_then(toml::Value::as_bool)
            .unwrap_or(default)
    }

    pub fn into_findings(self) -> Vec<(String, RawFinding)> {
        self.findings
    }
}

impl RawFinding {
    pub fn statement(&mut self, start: usize) -> &mut Self {
        self.statement_start = Some(start);
        self
    }

    /// Reports this finding at `severity` instead of the rule's default.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = Some(severity);
        self
    }

    /// Marks the finding as one about the `except` handler starting at `start`.
    pub fn handler(&mut self, start: usize) -> &mut Self {
        self.handler = Some(start);
        self
    }

    /// Attaches a fix to the finding.
    pub fn fix(&mut self, fix: crate::fix::Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }
}
