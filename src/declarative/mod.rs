//! Declarative rule packs: TOML files of rules with the same metadata as the built-in
//! ones (code, name, category, severity, docs), a file selector, a matcher, and examples
//! that must and must not match. Packs in the repository's `rules/` folder are embedded
//! in the binary at build time; users add their own with `rule-dirs` or `--rules DIR`.
//!
//! This module owns the schema (unknown keys are errors that name the file, the rule
//! and the key), loading, and the self-tests (`readylint rules test`). The matchers are
//! in [`matcher`].

pub mod matcher;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::lang::FileKind;
use crate::lang::ci::{CiFile, Flavor};
use crate::lang::dockerfile::Dockerfile;
use crate::lang::python::PythonFile;
use crate::lang::toml::TomlDoc;
use crate::lang::yaml::Yaml;
use crate::roles::Role;
use crate::rule::{Category, Context, Rule, RuleMeta, Severity};
use crate::source::SourceFile;

use self::matcher::{Compile, Matcher};

/// A rule pack: a TOML file of `[[rule]]` tables.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "readylint rule pack")]
struct RawPack {
    /// The rules of the pack.
    #[serde(default)]
    rule: Vec<RawRule>,
}

/// One rule.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawRule {
    /// Stable code: upper-case letters then digits, e.g. `TEAM001`. Must not collide
    /// with a built-in or another pack's code.
    #[schemars(with = "String", regex(pattern = r"^[A-Z]{2,}[0-9]+$"))]
    code: Spanned<String>,
    /// Kebab-case name, e.g. `sleep-in-handler`.
    #[schemars(with = "String", regex(pattern = r"^[a-z0-9-]+$"))]
    name: Spanned<String>,
    /// One of: errors, dependencies, timeouts, logging, container, docs, ci, config,
    /// observability, readylint.
    #[schemars(with = "Category")]
    category: Spanned<String>,
    /// Default severity: error, warning or note.
    #[schemars(with = "Severity")]
    severity: Spanned<String>,
    /// What is wrong, lower-case, no trailing period.
    message: String,
    /// What to do about it.
    help: String,
    /// Markdown documentation (`readylint explain`); ideally with the sections
    /// What it does / Why it matters in production / Example / Fix / Known limits.
    docs: String,
    /// Which files the rule reads.
    #[schemars(with = "RawFiles")]
    files: Spanned<RawFiles>,
    /// One matcher, or a list of matchers (a match of any is a finding).
    #[serde(rename = "match")]
    #[schemars(with = "OneOrMany")]
    matcher: Spanned<toml::Value>,
    /// Whether the rule guards a security property (SARIF tags it `security`).
    #[serde(default)]
    security: bool,
    /// Whether the rule is in the default selection (true unless set): an opt-in rule
    /// runs only when selected by code, prefix, category or `all`.
    #[serde(default = "yes")]
    default: bool,
    /// File roles the rule does not check: test, fixture, example, benchmark, migration,
    /// generator-hook, template, script, dev-environment, docs; or `not-production` for
    /// every role of code that never runs in production.
    #[serde(default, rename = "skip-roles")]
    #[schemars(with = "Vec<String>", rename = "skip-roles")]
    skip_roles: Vec<Spanned<String>>,
    /// Examples the rule must flag (`invalid`) and must not flag (`valid`); run by
    /// `readylint rules test` and whenever the pack is loaded.
    #[serde(default)]
    tests: RawTests,
}

fn yes() -> bool {
    true
}

/// A matcher or a list of matchers (schema only).
#[allow(dead_code)]
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
enum OneOrMany {
    One(Box<matcher::RawMatcher>),
    Many(Vec<matcher::RawMatcher>),
}

/// The file selector: kinds, globs (relative to the scanned root), or both.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    /// File kinds: dockerfile, toml, yaml, python, rust, github-workflow,
    /// github-action, gitlab-ci, or text (any file).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    kinds: Vec<Spanned<String>>,
    /// Globs such as `svc/**/*.py`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    globs: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawTests {
    /// Snippets that must be flagged.
    #[serde(default)]
    invalid: Vec<String>,
    /// Snippets that must not be flagged.
    #[serde(default)]
    valid: Vec<String>,
}

/// The JSON schema of the pack format, as pretty-printed JSON.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RawPack);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// The file kinds a pack rule can select, by their name in `files.kinds`. `text` is any
/// file (selected by `globs`, or every file the walk reads); `yaml` is every YAML file,
/// CI configuration and Compose files included.
pub const KIND_NAMES: [(&str, FileKind); 9] = [
    ("dockerfile", FileKind::Dockerfile),
    ("toml", FileKind::Toml),
    ("yaml", FileKind::Yaml),
    ("python", FileKind::Python),
    ("rust", FileKind::Rust),
    ("github-workflow", FileKind::GithubWorkflow),
    ("github-action", FileKind::GithubAction),
    ("gitlab-ci", FileKind::GitlabCi),
    ("text", FileKind::Text),
];

/// One rule of a pack.
pub struct PackRule {
    meta: RuleMeta,
    kinds: Vec<FileKind>,
    globs: Option<GlobSet>,
    matchers: Vec<Matcher>,
    message: &'static str,
    help: &'static str,
    pub invalid: Vec<String>,
    pub valid: Vec<String>,
    /// The pack file it came from.
    pub origin: String,
}

impl std::fmt::Debug for PackRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackRule")
            .field("code", &self.meta.code)
            .finish()
    }
}

impl PackRule {
    /// Whether the rule looks at a file of `kind` at `rel_path`.
    pub fn applies(&self, rel_path: &str, kind: FileKind) -> bool {
        let kind_ok =
            self.kinds.is_empty() || self.covers(kind) || self.kinds.contains(&FileKind::Text);
        let glob_ok = self.globs.as_ref().is_none_or(|g| g.is_match(rel_path));
        kind_ok && glob_ok
    }

    /// Whether `files.kinds` names `kind`: `yaml` also names the YAML files that have a
    /// kind of their own (GitHub workflows and actions, GitLab CI, Compose files).
    fn covers(&self, kind: FileKind) -> bool {
        self.kinds.contains(&kind)
            || (self.kinds.contains(&FileKind::Yaml)
                && matches!(
                    kind,
                    FileKind::GithubWorkflow
                        | FileKind::GithubAction
                        | FileKind::GitlabCi
                        | FileKind::Compose
                ))
    }

    /// The globs of the rule, if it selects files by path.
    pub fn globs(&self) -> Option<&GlobSet> {
        self.globs.as_ref()
    }

    fn report_all(&self, cx: &mut Context<'_>, spans: Vec<crate::source::Span>) {
        for span in spans {
            cx.report(&self.meta, span, self.message, self.help);
        }
    }
}

impl crate::rule::RuleInfo for PackRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }
}

impl Rule for PackRule {
    /// The kinds `files.kinds` names; `text` (or no kinds) reads every kind that is not
    /// optional, as [`PackRule::applies`] looks at them.
    fn reads(&self, kind: FileKind) -> bool {
        self.covers(kind)
            || (!kind.is_optional()
                && (self.kinds.is_empty() || self.kinds.contains(&FileKind::Text)))
    }

    fn wants_file(&self, rel_path: &str) -> bool {
        self.applies(rel_path, FileKind::Text)
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        if !self.applies(&cx.source.rel_path, FileKind::Dockerfile) {
            return;
        }
        let mut spans = Vec::new();
        for m in &self.matchers {
            spans.extend(m.match_dockerfile(cx.source, df));
        }
        self.report_all(cx, spans);
    }

    fn check_toml(&self, doc: &TomlDoc, cx: &mut Context<'_>) {
        if !self.applies(&cx.source.rel_path, FileKind::Toml) {
            return;
        }
        let mut spans = Vec::new();
        for m in &self.matchers {
            spans.extend(m.match_toml(cx.source, doc));
        }
        self.report_all(cx, spans);
    }

    fn check_yaml(&self, doc: &Yaml, cx: &mut Context<'_>) {
        if !self.applies(&cx.source.rel_path, FileKind::Yaml) {
            return;
        }
        let spans = self
            .matchers
            .iter()
            .flat_map(|m| m.match_yaml(doc))
            .collect();
        self.report_all(cx, spans);
    }

    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        let kind = match file.flavor {
            Flavor::GithubWorkflow => FileKind::GithubWorkflow,
            Flavor::GithubAction => FileKind::GithubAction,
            Flavor::Gitlab => FileKind::GitlabCi,
        };
        if !self.applies(&cx.source.rel_path, kind) {
            return;
        }
        let spans = self
            .matchers
            .iter()
            .flat_map(|m| m.match_yaml(&file.yaml))
            .collect();
        self.report_all(cx, spans);
    }

    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if !self.applies(&cx.source.rel_path, FileKind::Python) {
            return;
        }
        let spans = self
            .matchers
            .iter()
            .flat_map(|m| m.match_python(file))
            .collect();
        self.report_all(cx, spans);
    }

    fn check_text(&self, kind: FileKind, cx: &mut Context<'_>) {
        if !self.applies(&cx.source.rel_path, kind) {
            return;
        }
        let mut spans = Vec::new();
        for m in &self.matchers {
            spans.extend(m.match_lines(cx.source));
        }
        self.report_all(cx, spans);
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Diagnostics about a pack file.
type Ctx<'a> = crate::diag::FileContext<'a>;

/// Builds a pack diagnostic as a report.
fn err(
    ctx: &Ctx<'_>,
    span: Option<std::ops::Range<usize>>,
    message: impl Into<String>,
    label: &str,
    help: Option<&str>,
) -> miette::Report {
    miette::Report::new(ctx.err(span, message, label, help))
}

/// Parses one pack. Every rule is validated; the first problem is the error.
pub fn parse_pack(path: &str, text: &str) -> miette::Result<Vec<PackRule>> {
    parse_pack_with(path, text, true)
}

/// Parses one pack; with `check_examples`, a failing example is an error too.
pub fn parse_pack_with(
    path: &str,
    text: &str,
    check_examples: bool,
) -> miette::Result<Vec<PackRule>> {
    parse(path, text, check_examples, Compile::Now)
}

/// Parses an embedded pack: its regexes are compiled on first use.
fn parse_embedded(path: &str, text: &str) -> miette::Result<Vec<PackRule>> {
    parse(path, text, false, Compile::OnFirstUse)
}

fn parse(
    path: &str,
    text: &str,
    check_examples: bool,
    when: Compile,
) -> miette::Result<Vec<PackRule>> {
    let ctx = &Ctx {
        what: "invalid rule pack",
        path,
        text,
    };
    let raw: RawPack = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        let label = if msg.starts_with("unknown field") { "unknown key" } else { "here" };
        err(ctx, e.span(), msg, label, Some("rule keys: code, name, category, severity, message, help, docs, files, match, security, tests"))
    })?;
    let mut out = Vec::new();
    for r in raw.rule {
        out.push(build_rule(ctx, r, check_examples, when)?);
    }
    let mut seen = std::collections::BTreeMap::new();
    for r in &out {
        if let Some(prev) = seen.insert(r.meta.code, r.meta.name) {
            return Err(err(
                ctx,
                None,
                format!(
                    "rule code {} is defined twice ({prev} and {})",
                    r.meta.code, r.meta.name
                ),
                "",
                None,
            ));
        }
    }
    Ok(out)
}

fn build_rule(
    ctx: &Ctx<'_>,
    r: RawRule,
    check_examples: bool,
    when: Compile,
) -> miette::Result<PackRule> {
    let code = r.code.get_ref().trim().to_string();
    let code_ok = (4..=10).contains(&code.len())
        && code.chars().take_while(|c| c.is_ascii_uppercase()).count() >= 2
        && code
            .chars()
            .skip_while(|c| c.is_ascii_uppercase())
            .all(|c| c.is_ascii_digit())
        && code.chars().last().is_some_and(|c| c.is_ascii_digit());
    if !code_ok {
        return Err(err(
            ctx,
            Some(r.code.span()),
            format!("rule code `{code}` must be upper-case letters then digits, like TEAM001"),
            "bad code",
            None,
        ));
    }
    let what = |key: &str| format!("rule {code}: {key}");
    let name = r.name.get_ref().trim().to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(
            ctx,
            Some(r.name.span()),
            format!("{}: `{name}` is not a kebab-case name", what("name")),
            "bad name",
            None,
        ));
    }
    let category = Category::parse(r.category.get_ref()).ok_or_else(|| {
        let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        err(
            ctx,
            Some(r.category.span()),
            format!(
                "{}: unknown category `{}`",
                what("category"),
                r.category.get_ref()
            ),
            "unknown category",
            Some(&format!("one of: {}", all.join(", "))),
        )
    })?;
    let severity = Severity::parse(r.severity.get_ref()).ok_or_else(|| {
        err(
            ctx,
            Some(r.severity.span()),
            format!(
                "{}: unknown severity `{}`",
                what("severity"),
                r.severity.get_ref()
            ),
            "unknown severity",
            Some("one of: error, warning, note"),
        )
    })?;
    let mut kinds = Vec::new();
    for k in &r.files.get_ref().kinds {
        let kind = KIND_NAMES
            .iter()
            .find(|(n, _)| *n == k.get_ref())
            .map(|(_, k)| *k)
            .ok_or_else(|| {
                let names: Vec<&str> = KIND_NAMES.iter().map(|(n, _)| *n).collect();
                err(
                    ctx,
                    Some(k.span()),
                    format!(
                        "{}: unknown file kind `{}`",
                        what("files.kinds"),
                        k.get_ref()
                    ),
                    "unknown kind",
                    Some(&format!("one of: {}", names.join(", "))),
                )
            })?;
        kinds.push(kind);
    }
    let globs = if r.files.get_ref().globs.is_empty() {
        None
    } else {
        let mut b = GlobSetBuilder::new();
        for g in &r.files.get_ref().globs {
            let glob = Glob::new(g.get_ref()).map_err(|e| {
                err(
                    ctx,
                    Some(g.span()),
                    format!("{}: invalid glob: {}", what("files.globs"), e.kind()),
                    "invalid glob",
                    None,
                )
            })?;
            b.add(glob);
        }
        Some(b.build().map_err(|e| {
            err(
                ctx,
                Some(r.files.span()),
                format!("{}: {e}", what("files.globs")),
                "invalid globs",
                None,
            )
        })?)
    };
    if kinds.is_empty() && globs.is_none() {
        return Err(err(
            ctx,
            Some(r.files.span()),
            format!(
                "{}: select files with `kinds`, `globs` or both",
                what("files")
            ),
            "selects nothing",
            None,
        ));
    }
    let mut skips: Vec<Role> = Vec::new();
    for s in &r.skip_roles {
        match role_named(s.get_ref()) {
            Some(roles) => skips.extend(roles),
            None => {
                return Err(err(
                    ctx,
                    Some(s.span()),
                    format!("{}: unknown role `{}`", what("skip-roles"), s.get_ref()),
                    "unknown role",
                    Some(&format!(
                        "one of: {}, not-production",
                        Role::ALL.map(Role::name).join(", ")
                    )),
                ));
            }
        }
    }
    skips.sort();
    skips.dedup();
    let match_span = r.matcher.span();
    let items: Vec<toml::Value> = match r.matcher.into_inner() {
        toml::Value::Array(a) => a,
        other => vec![other],
    };
    if items.is_empty() {
        return Err(err(
            ctx,
            Some(match_span),
            format!("{}: no matcher", what("match")),
            "empty",
            None,
        ));
    }
    let mut matchers = Vec::new();
    for item in items {
        let m = Matcher::from_value(item, when).map_err(|e| {
            err(
                ctx,
                Some(match_span.clone()),
                format!("{}: {e}", what("match")),
                "invalid matcher",
                Some(matcher::HELP),
            )
        })?;
        matchers.push(m);
    }
    // A structural matcher implies its file kinds; a selector must leave it some.
    for m in &matchers {
        let implied = m.implied_kinds();
        if implied.is_empty() {
            continue;
        }
        if kinds.is_empty() {
            kinds.extend_from_slice(implied);
        } else if !kinds.iter().any(|k| implied.contains(k)) {
            return Err(err(
                ctx,
                Some(r.files.span()),
                format!(
                    "{}: the matcher reads {} files, which `files.kinds` leaves out",
                    what("files.kinds"),
                    kind_name(implied[0])
                ),
                "kinds",
                None,
            ));
        }
    }
    let meta = RuleMeta {
        code: leak(code.clone()),
        name: leak(name),
        category,
        severity,
        raw_docs: leak(r.docs),
        options: &[],
        security: r.security,
        skips: Vec::leak(skips),
        default: r.default,
        // `PackRule::reads` says which, from the pack's `kinds`.
        reads: None,
        facts_only: false,
        fix: crate::fix::FixAvailability::None,
    };
    let rule = PackRule {
        meta,
        kinds,
        globs,
        matchers,
        message: leak(r.message),
        help: leak(r.help),
        invalid: r.tests.invalid,
        valid: r.tests.valid,
        origin: ctx.path.to_string(),
    };
    // Examples are part of the contract: a pack whose examples fail is broken.
    let failures = if check_examples {
        rule.self_test()
    } else {
        Vec::new()
    };
    if let Some(f) = failures.first() {
        return Err(err(
            ctx,
            None,
            format!("rule {code}: tests: {f}"),
            "",
            Some("run `readylint rules test` to see every failing example"),
        ));
    }
    Ok(rule)
}

fn kind_name(k: FileKind) -> &'static str {
    KIND_NAMES
        .iter()
        .find(|(_, kk)| *kk == k)
        .map_or("text", |(n, _)| n)
}

impl PackRule {
    /// Runs the rule's examples; returns a description of each one that fails.
    pub fn self_test(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (example, must_match) in self
            .invalid
            .iter()
            .map(|e| (e, true))
            .chain(self.valid.iter().map(|e| (e, false)))
        {
            let hits = self.example_hits(example);
            if must_match && hits == 0 {
                failures.push(format!("invalid example does not match: {example:?}"));
            } else if !must_match && hits > 0 {
                failures.push(format!("valid example matches: {example:?}"));
            }
        }
        failures
    }

    fn example_hits(&self, example: &str) -> usize {
        let mut n = 0;
        for m in &self.matchers {
            n += match m.implied_kinds().first() {
                Some(FileKind::Dockerfile) => {
                    let text = if starts_with_from(example) {
                        example.to_string()
                    } else {
                        format!("FROM scratch\n{example}")
                    };
                    let src = SourceFile::new("Dockerfile", "Dockerfile", text);
                    m.match_dockerfile(&src, &Dockerfile::parse(&src)).len()
                }
                Some(FileKind::Toml) => {
                    let src = SourceFile::new("example.toml", "example.toml", example.to_string());
                    m.match_toml(&src, &TomlDoc::parse(&src.text)).len()
                }
                Some(FileKind::Yaml) => {
                    let src = SourceFile::new("example.yml", "example.yml", example.to_string());
                    Yaml::parse(&src, false).map_or(0, |doc| m.match_yaml(&doc).len())
                }
                Some(FileKind::Python) => {
                    let src = SourceFile::new("example.py", "example.py", example.to_string());
                    PythonFile::with(&src, |file| m.match_python(file).len())
                }
                _ => {
                    let src = SourceFile::new("example", "example", example.to_string());
                    m.match_lines(&src).len()
                }
            };
        }
        n
    }
}

fn starts_with_from(example: &str) -> bool {
    let first = example.split_whitespace().next().unwrap_or("");
    first.eq_ignore_ascii_case("FROM") || first.eq_ignore_ascii_case("ARG")
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/packs.rs"));
}

/// The packs of `rules/`, as embedded at build time: (file name, text).
pub fn embedded_packs() -> &'static [(&'static str, &'static str)] {
    embedded::PACKS
}

/// The rules of the embedded packs. A broken embedded pack is caught by `cargo test`;
/// at run time it is left out rather than stopping every run.
pub fn embedded_rules() -> Vec<&'static dyn Rule> {
    static RULES: OnceLock<Vec<&'static PackRule>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            embedded_packs()
                .iter()
                // Their examples are run by `cargo test`, not by every run.
                .filter_map(|(name, text)| parse_embedded(&format!("rules/{name}"), text).ok())
                .flatten()
                .map(|r| &*Box::leak(Box::new(r)))
                .collect()
        })
        .iter()
        .map(|r| *r as &'static dyn Rule)
        .collect()
}

/// The embedded pack rules with their concrete type (for self-tests), examples not run.
pub fn embedded_pack_rules() -> miette::Result<Vec<PackRule>> {
    let mut out = Vec::new();
    for (name, text) in embedded_packs() {
        out.extend(parse_embedded(&format!("rules/{name}"), text)?);
    }
    Ok(out)
}

/// `readylint rules test`: runs the examples of `rules`; returns the report and whether
/// every example passed.
pub fn run_self_tests(rules: &[PackRule]) -> (String, bool) {
    use std::fmt::Write;
    let mut out = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    for r in rules {
        let failures = r.self_test();
        let total = r.invalid.len() + r.valid.len();
        if failures.is_empty() {
            passed += 1;
            let _ = writeln!(
                out,
                "ok    {} {} ({total} examples, {})",
                r.meta.code, r.meta.name, r.origin
            );
        } else {
            failed += 1;
            let _ = writeln!(out, "FAIL  {} {} ({})", r.meta.code, r.meta.name, r.origin);
            for f in failures {
                let _ = writeln!(out, "      {f}");
            }
        }
    }
    let _ = writeln!(out, "rules: {passed} passed, {failed} failed");
    (out, failed == 0)
}

/// Loads a pack file, or every `*.toml` in a directory (sorted by name).
pub fn load_path(path: &Path) -> miette::Result<Vec<PackRule>> {
    load_path_with(path, true)
}

/// [`load_path`], optionally without running the examples.
pub fn load_path_with(path: &Path, check_examples: bool) -> miette::Result<Vec<PackRule>> {
    let mut out = Vec::new();
    for f in pack_files(path)? {
        out.extend(load_file_with(&f, check_examples)?);
    }
    Ok(out)
}

/// The pack files a path names: the file itself, or every `*.toml` in a directory
/// (sorted by name).
pub fn pack_files(path: &Path) -> miette::Result<Vec<PathBuf>> {
    if path.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| miette::miette!("cannot read rule directory {}: {e}", path.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        v.sort();
        Ok(v)
    } else if path.is_file() {
        Ok(vec![path.to_path_buf()])
    } else {
        Err(miette::miette!(
            "rule pack path {} does not exist",
            path.display()
        ))
    }
}

/// Loads one pack file, optionally without running the examples.
pub fn load_file_with(file: &Path, check_examples: bool) -> miette::Result<Vec<PackRule>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| miette::miette!("cannot read rule pack {}: {e}", file.display()))?;
    parse_pack_with(&file.display().to_string(), &text, check_examples)
}

/// Leaks loaded pack rules into `'static` rules for a [`Registry`](crate::registry::Registry).
pub fn into_static(rules: Vec<PackRule>) -> Vec<&'static dyn Rule> {
    rules
        .into_iter()
        .map(|r| &*Box::leak(Box::new(r)) as &'static dyn Rule)
        .collect()
}

/// The roles a `skip-roles` entry names.
fn role_named(name: &str) -> Option<Vec<Role>> {
    if name == "not-production" {
        return Some(Role::NOT_PRODUCTION.to_vec());
    }
    Role::ALL
        .into_iter()
        .find(|r| r.name() == name)
        .map(|r| vec![r])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_packs_parse_and_pass_their_examples() {
        let rules = embedded_pack_rules().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(rules.len() >= 2);
        for r in &rules {
            assert!(
                !r.invalid.is_empty() && !r.valid.is_empty(),
                "{} lacks examples",
                r.meta.code
            );
            assert_eq!(r.self_test(), Vec::<String>::new(), "{}", r.meta.code);
        }
    }

    #[test]
    fn every_embedded_pattern_compiles() {
        // The embedded packs' regexes are compiled on first use, where one that did not
        // compile would match nothing: each must compile here.
        let rules = embedded_pack_rules().unwrap_or_else(|e| panic!("{e:?}"));
        let mut n = 0;
        for r in &rules {
            for p in r.matchers.iter().flat_map(Matcher::patterns) {
                assert!(p.regex().is_some(), "{}: {p:?}", r.meta.code);
                n += 1;
            }
        }
        assert!(n > rules.len(), "{n} patterns in {} rules", rules.len());
    }
}
