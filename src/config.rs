//! Configuration: discovery (`readylint.toml`, `.readylint.toml`, `[tool.readylint]` in
//! `pyproject.toml`, from the scanned root upwards), validation with positions for the
//! diagnostics, and merging with the command line into the [`Settings`] of one run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use miette::Diagnostic;
use serde::Deserialize;
use toml::Spanned;

use crate::declarative;
use crate::registry::Registry;
use crate::rule::{OptionKind, RuleOptions, Severity};

/// A command-line value that names nothing (a rule selector, a glob).
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{0}")]
#[diagnostic(code(readylint::usage))]
pub struct UsageError(pub String);

/// `fail-on`: the lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::At),
        }
    }
}

pub use crate::repo::ProjectType;

/// `[rules.CODE]`: option name → value.
type RawOptions = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    /// Another configuration file this one builds on (relative to this file): its
    /// values apply where this file does not set the key.
    extend: Option<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    rule_dirs: Option<Vec<Spanned<String>>>,
    project_type: Option<Spanned<String>>,
    respect_foreign_suppressions: Option<bool>,
    per_path_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    rules: Option<BTreeMap<Spanned<String>, RawOptions>>,
}

#[derive(Debug, Default, Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTool>,
}

#[derive(Debug, Default, Deserialize)]
struct PyprojectTool {
    readylint: Option<RawConfig>,
}

/// The command-line options that take part in merging.
#[derive(Debug, Default, Clone)]
pub struct CliOverrides {
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub extend_select: Vec<String>,
    pub fail_on: Option<String>,
    pub exclude: Vec<String>,
    /// `--rules DIR`: extra rule packs (files or directories).
    pub rule_dirs: Vec<PathBuf>,
}

/// Everything one run needs to know about what to check and how to report it.
#[derive(Debug)]
pub struct Settings {
    pub enabled: BTreeSet<&'static str>,
    pub fail_on: FailOn,
    pub exclude: GlobSet,
    pub per_path_ignores: Vec<(GlobSet, BTreeSet<&'static str>)>,
    pub severity: BTreeMap<&'static str, Severity>,
    pub rule_options: BTreeMap<&'static str, RuleOptions>,
    pub rule_dirs: Vec<PathBuf>,
    pub project_type: ProjectType,
    /// Honour other tools' suppression comments (`# noqa: BLE001`, `# nosec`,
    /// `# hadolint ignore=DL3008`) for the rules they map to.
    pub respect_foreign_suppressions: bool,
    /// The rules of this run: built-in, embedded packs, and the user's packs.
    pub registry: Registry,
    /// The configuration file used, if any.
    pub config_path: Option<PathBuf>,
    /// Parse errors were asked for by name, code, prefix or `all` (`--select RDY001`):
    /// every file a rule could read is then parsed, whichever rules are enabled.
    pub parse_all: bool,
    /// The directory of this configuration relative to the project root (`svc1` for
    /// `svc1/readylint.toml`; empty for the project's own), which its `exclude` and
    /// `per-path-ignores` globs are relative to.
    pub base: String,
}

impl Settings {
    /// The rules this run checks, in code order.
    pub fn enabled_rules(&self) -> Vec<&'static dyn crate::rule::Rule> {
        self.registry
            .rules()
            .iter()
            .copied()
            .filter(|r| self.enabled.contains(r.meta().code))
            .collect()
    }

    /// A project-relative path made relative to this configuration's directory.
    pub fn local<'p>(&self, rel_path: &'p str) -> &'p str {
        if self.base.is_empty() {
            return rel_path;
        }
        rel_path
            .strip_prefix(self.base.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(rel_path)
    }

    /// Whether `rule` is reported for the repository-relative `path`.
    pub fn is_enabled_for(&self, rule: &str, rel_path: &str) -> bool {
        self.is_enabled_with(rule, rel_path, crate::roles::Roles::of_path(rel_path))
    }

    /// [`Settings::is_enabled_for`] with the path's roles already known (the per-file
    /// phase computes them once per file).
    pub fn is_enabled_with(&self, rule: &str, rel_path: &str, roles: crate::roles::Roles) -> bool {
        let local = self.local(rel_path);
        if !self.enabled.contains(rule)
            || self
                .per_path_ignores
                .iter()
                .any(|(glob, codes)| codes.contains(rule) && glob.is_match(local))
        {
            return false;
        }
        if roles.is_empty() {
            return true;
        }
        !self.registry.find(rule).is_some_and(|m| {
            let never = m.code != "RDY003" && m.code != "RDY002";
            roles.any(m.skips) || (never && roles.any(crate::roles::Role::NEVER_CHECKED))
        })
    }

    /// Whether `rel_path` (or a directory above it) matches an `exclude` pattern.
    pub fn is_excluded(&self, rel_path: &str) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let mut p = self.local(rel_path);
        loop {
            if self.exclude.is_match(p) {
                return true;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => p = parent,
                None => return false,
            }
        }
    }
}

/// Finds the configuration file for a scan rooted at `root`.
pub fn discover(root: &Path) -> Option<PathBuf> {
    let start = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    start.ancestors().find_map(config_in)
}

/// The configuration file of directory `dir` itself, if it has one: `readylint.toml`,
/// `.readylint.toml`, or a `pyproject.toml` with a `[tool.readylint]` table.
pub fn config_in(dir: &Path) -> Option<PathBuf> {
    {
        for name in ["readylint.toml", ".readylint.toml"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        // A pyproject.toml counts when it has a [tool.readylint] table, even a broken
        // one: `load` then reports what is wrong with it.
        // A pyproject.toml that does not parse but has a `[tool.readylint]` header counts
        // too: its configuration must not be dropped in silence.
        // One that does not name readylint at all is not parsed (most do not).
        let py = dir.join("pyproject.toml");
        if py.is_file()
            && std::fs::read_to_string(&py).is_ok_and(|t| {
                t.contains("readylint")
                    && match toml::from_str::<toml::Table>(&t) {
                        Ok(doc) => doc
                            .get("tool")
                            .and_then(toml::Value::as_table)
                            .is_some_and(|tool| tool.contains_key("readylint")),
                        Err(_) => t.lines().any(|l| {
                            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                            l.starts_with("[tool.readylint") || l.starts_with("[[tool.readylint")
                        }),
                    }
            })
        {
            return Some(py);
        }
    }
    None
}

/// Adds to DEP008's `allow` the actions that the repository's zizmor configuration
/// lets be referenced by a tag ([`zizmor_tag_policies`]), when other tools' triage is
/// respected (`respect-foreign-suppressions`, on by default).
fn apply_zizmor_policies(settings: &mut Settings, root: &Path) {
    if !settings.respect_foreign_suppressions || !settings.enabled.contains("DEP008") {
        return;
    }
    let tags = zizmor_tag_policies(root);
    if tags.is_empty() {
        return;
    }
    let allow = settings
        .rule_options
        .entry("DEP008")
        .or_default()
        .entry("allow".to_string())
        .or_insert_with(|| {
            toml::Value::Array(
                crate::rules::ci::unpinned_action::DEFAULT_ALLOW
                    .iter()
                    .map(|a| toml::Value::String(a.to_string()))
                    .collect(),
            )
        });
    if let toml::Value::Array(list) = allow {
        list.extend(tags.into_iter().map(toml::Value::String));
    }
}

/// The actions a zizmor configuration of the repository (`zizmor.yml` or
/// `.github/zizmor.yml`, `.yaml` too) lets be referenced by a tag: the patterns of its
/// `unpinned-uses` policies that are `ref-pin` or `any` (`"*": ref-pin`,
/// `slsa-framework/*: ref-pin`). The team's triage for zizmor's check is theirs for
/// DEP008 too. A configuration that does not parse is not read (zizmor refuses it).
pub fn zizmor_tag_policies(root: &Path) -> Vec<String> {
    let Some((rel, text)) = [
        "zizmor.yml",
        "zizmor.yaml",
        ".github/zizmor.yml",
        ".github/zizmor.yaml",
    ]
    .into_iter()
    .find_map(|rel| Some((rel, std::fs::read_to_string(root.join(rel)).ok()?))) else {
        return Vec::new();
    };
    let source = crate::source::SourceFile::new(rel, root.join(rel), text);
    let Ok(yaml) = crate::lang::yaml::Yaml::parse(&source, false) else {
        return Vec::new();
    };
    let policies = yaml.docs.first().and_then(|d| {
        d.get("rules")?
            .get("unpinned-uses")?
            .get("config")?
            .get("policies")
    });
    policies
        .map(|p| {
            p.entries()
                .iter()
                .filter(|e| matches!(e.value.as_str(), Some("ref-pin" | "any")))
                .filter_map(|e| e.key.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Diagnostics about the configuration file.
type Ctx<'a> = crate::diag::FileContext<'a>;

/// Loads the configuration (if any) and merges the command line over it.
pub fn load(root: &Path, cli: &CliOverrides) -> miette::Result<Settings> {
    let path = if cli.no_config {
        None
    } else if let Some(p) = &cli.config {
        if !p.is_file() {
            let why = if p.exists() {
                "is not a file"
            } else {
                "does not exist"
            };
            return Err(UsageError(format!("configuration file {} {why}", p.display())).into());
        }
        Some(p.clone())
    } else {
        discover(root)
    };
    let (raw, text, shown) = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                UsageError(format!(
                    "cannot read configuration file {}: {e}",
                    p.display()
                ))
            })?;
            let shown = p.display().to_string();
            let is_pyproject = p.file_name().is_some_and(|n| n == "pyproject.toml");
            let parsed = if is_pyproject {
                toml::from_str::<Pyproject>(&text)
                    .map(|p| p.tool.and_then(|t| t.readylint).unwrap_or_default())
            } else {
                toml::from_str::<RawConfig>(&text)
            };
            let raw = parsed.map_err(|e| {
                let ctx = Ctx {
                    what: "invalid configuration in",
                    path: &shown,
                    text: &text,
                };
                let msg = e.message().trim().to_string();
                let label = if msg.starts_with("unknown field") {
                    "unknown key"
                } else {
                    "here"
                };
                ctx.err(e.span(), msg, label, Some(KEYS_HELP))
            })?;
            let raw = extend(raw, p, &text, &shown, cli, 0)?;
            (raw, text, shown)
        }
        None => (RawConfig::default(), String::new(), String::new()),
    };
    let ctx = Ctx {
        what: "invalid configuration in",
        path: &shown,
        text: &text,
    };
    let mut settings = build(raw, &ctx, cli, path)?;
    apply_zizmor_policies(&mut settings, root);
    Ok(settings)
}

/// `raw` with the values of the configuration it `extend`s where it sets none. The
/// extended file is loaded (and so checked) on its own first; its `rule-dirs` stay
/// relative to it. A chain longer than 8 files, or a loop, is an error.
fn extend(
    mut raw: RawConfig,
    path: &Path,
    text: &str,
    shown: &str,
    cli: &CliOverrides,
    depth: usize,
) -> miette::Result<RawConfig> {
    let Some(target) = raw.extend.take() else {
        return Ok(raw);
    };
    let ctx = Ctx {
        what: "invalid configuration in",
        path: shown,
        text,
    };
    let parent = path
        .parent()
        .unwrap_or(Path::new("."))
        .join(target.get_ref());
    if depth >= 8 {
        return Err(ctx
            .err(
                Some(target.span()),
                "`extend` chain is longer than 8 files (is it a loop?)".to_string(),
                "here",
                None,
            )
            .into());
    }
    let Ok(parent_text) = std::fs::read_to_string(&parent) else {
        return Err(ctx
            .err(
                Some(target.span()),
                format!("`extend` names {}, which cannot be read", parent.display()),
                "no such configuration file",
                None,
            )
            .into());
    };
    let parent_shown = parent.display().to_string();
    let parsed = if parent.file_name().is_some_and(|n| n == "pyproject.toml") {
        toml::from_str::<Pyproject>(&parent_text)
            .map(|p| p.tool.and_then(|t| t.readylint).unwrap_or_default())
    } else {
        toml::from_str::<RawConfig>(&parent_text)
    };
    let parent_ctx = Ctx {
        what: "invalid configuration in",
        path: &parent_shown,
        text: &parent_text,
    };
    let base = parsed.map_err(|e| {
        parent_ctx.err(
            e.span(),
            e.message().trim().to_string(),
            "here",
            Some(KEYS_HELP),
        )
    })?;
    let base = extend(base, &parent, &parent_text, &parent_shown, cli, depth + 1)?;
    // Checked on its own, against its own text, before its values are taken.
    build(base.clone(), &parent_ctx, cli, Some(parent.clone()))?;
    let parent_dir = parent.parent().unwrap_or(Path::new(".")).to_path_buf();
    let rule_dirs = base.rule_dirs.map(|dirs| {
        dirs.into_iter()
            .map(|d| {
                let span = d.span();
                Spanned::new(
                    span,
                    parent_dir.join(d.get_ref()).to_string_lossy().into_owned(),
                )
            })
            .collect()
    });
    Ok(RawConfig {
        extend: None,
        select: raw.select.or(base.select),
        ignore: raw.ignore.or(base.ignore),
        extend_select: raw.extend_select.or(base.extend_select),
        fail_on: raw.fail_on.or(base.fail_on),
        exclude: raw.exclude.or(base.exclude),
        rule_dirs: raw.rule_dirs.or(rule_dirs),
        project_type: raw.project_type.or(base.project_type),
        respect_foreign_suppressions: raw
            .respect_foreign_suppressions
            .or(base.respect_foreign_suppressions),
        per_path_ignores: raw.per_path_ignores.or(base.per_path_ignores),
        severity: raw.severity.or(base.severity),
        rules: raw.rules.or(base.rules),
    })
}

const KEYS_HELP: &str = "valid keys: extend, select, ignore, extend-select, fail-on, exclude, rule-dirs, project-type, respect-foreign-suppressions, per-path-ignores, severity, rules";

fn resolve_spanned(
    registry: &Registry,
    ctx: &Ctx<'_>,
    sel: &Spanned<String>,
) -> miette::Result<BTreeSet<&'static str>> {
    registry.resolve(sel.get_ref()).ok_or_else(|| {
        miette::Report::new(ctx.err(
            Some(sel.span()),
            format!("`{}` names no rule", sel.get_ref()),
            "unknown rule selector",
            Some("use a rule code (DKR001), a name (root-user), a code prefix (DKR), a category (container) or \"all\"; `readylint rules` lists them"),
        ))
    })
}

fn resolve_cli(registry: &Registry, sel: &str) -> Result<BTreeSet<&'static str>, UsageError> {
    registry.resolve(sel).ok_or_else(|| {
        UsageError(format!(
            "`{sel}` names no rule: use a code (DKR001), a name (root-user), a code prefix (DKR), a category (container) or \"all\"; `readylint rules` lists them"
        ))
    })
}

fn globset<'a>(
    patterns: impl IntoIterator<Item = (&'a str, Option<std::ops::Range<usize>>)>,
    ctx: &Ctx<'_>,
) -> miette::Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for (p, span) in patterns {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        match Glob::new(p) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => {
                return Err(match span {
                    Some(s) => ctx
                        .err(
                            Some(s),
                            format!("invalid glob `{p}`: {}", e.kind()),
                            "invalid glob",
                            None,
                        )
                        .into(),
                    None => UsageError(format!("invalid glob `{p}`: {}", e.kind())).into(),
                });
            }
        }
    }
    b.build()
        .map_err(|e| UsageError(format!("invalid glob: {e}")).into())
}

fn build(
    raw: RawConfig,
    ctx: &Ctx<'_>,
    cli: &CliOverrides,
    path: Option<PathBuf>,
) -> miette::Result<Settings> {
    let (registry, rule_dirs) = load_registry(&raw, ctx, cli, path.as_deref())?;
    // Selection: the configuration's, then the command line's over it. Whether a
    // selector named parse errors (RDY001) is noted as it is resolved.
    let mut parse_all = false;
    let mut select = |enabled: &mut BTreeSet<&'static str>, codes: BTreeSet<&'static str>| {
        parse_all |= codes.contains("RDY001");
        enabled.extend(codes);
    };
    let mut enabled: BTreeSet<&'static str> = match &raw.select {
        Some(sel) => {
            let mut s = BTreeSet::new();
            for x in sel {
                select(&mut s, resolve_spanned(&registry, ctx, x)?);
            }
            s
        }
        None => registry.default_selection(),
    };
    for x in raw.extend_select.iter().flatten() {
        select(&mut enabled, resolve_spanned(&registry, ctx, x)?);
    }
    for x in raw.ignore.iter().flatten() {
        for c in resolve_spanned(&registry, ctx, x)? {
            enabled.remove(c);
        }
    }
    if let Some(sel) = &cli.select {
        enabled.clear();
        for x in sel {
            select(&mut enabled, resolve_cli(&registry, x)?);
        }
    }
    for x in &cli.extend_select {
        select(&mut enabled, resolve_cli(&registry, x)?);
    }
    for x in &cli.ignore {
        for c in resolve_cli(&registry, x)? {
            enabled.remove(c);
        }
    }
    // A file that could not be parsed or read is reported whatever the selection, unless
    // its rule is ignored by code or name (a prefix or category does not count): a gate
    // must not pass on code it never read.
    let named = |x: &str, code: &str| {
        registry
            .find(code)
            .is_some_and(|m| x.eq_ignore_ascii_case(m.code) || x == m.name)
    };
    for code in ["RDY001", "RDY003"] {
        let ignored = raw
            .ignore
            .iter()
            .flatten()
            .any(|x| named(x.get_ref(), code))
            || cli.ignore.iter().any(|x| named(x, code));
        if !ignored {
            enabled.insert(code);
        }
    }

    let fail_on = match (&cli.fail_on, &raw.fail_on) {
        (Some(v), _) => FailOn::parse(v).ok_or_else(|| {
            UsageError(format!(
                "invalid --fail-on `{v}`: expected error, warning, note or never"
            ))
        })?,
        (None, Some(v)) => FailOn::parse(v.get_ref()).ok_or_else(|| {
            ctx.err(
                Some(v.span()),
                format!("invalid fail-on `{}`", v.get_ref()),
                "invalid value",
                Some("expected \"error\", \"warning\", \"note\" or \"never\""),
            )
        })?,
        (None, None) => FailOn::At(Severity::Warning),
    };

    let project_type = match &raw.project_type {
        None => ProjectType::Auto,
        Some(v) => match v.get_ref().as_str() {
            "auto" => ProjectType::Auto,
            "service" => ProjectType::Service,
            "library" => ProjectType::Library,
            "cli" => ProjectType::Cli,
            other => {
                return Err(ctx
                    .err(
                        Some(v.span()),
                        format!("invalid project-type `{other}`"),
                        "invalid value",
                        Some("expected \"auto\", \"service\", \"library\" or \"cli\""),
                    )
                    .into());
            }
        },
    };

    let exclude = globset(
        raw.exclude
            .iter()
            .flatten()
            .map(|s| (s.get_ref().as_str(), Some(s.span())))
            .chain(cli.exclude.iter().map(|s| (s.as_str(), None))),
        ctx,
    )?;

    let mut per_path_ignores = Vec::new();
    for (glob, codes) in raw.per_path_ignores.iter().flatten() {
        let set = globset([(glob.get_ref().as_str(), Some(glob.span()))], ctx)?;
        let mut c = BTreeSet::new();
        for code in codes {
            c.extend(resolve_spanned(&registry, ctx, code)?);
        }
        per_path_ignores.push((set, c));
    }

    let mut severity = BTreeMap::new();
    for (sel, sev) in raw.severity.iter().flatten() {
        let level = Severity::parse(sev.get_ref()).ok_or_else(|| {
            ctx.err(
                Some(sev.span()),
                format!("invalid severity `{}`", sev.get_ref()),
                "invalid value",
                Some("expected \"error\", \"warning\" or \"note\""),
            )
        })?;
        for code in resolve_spanned(&registry, ctx, sel)? {
            severity.insert(code, level);
        }
    }

    let mut rule_options: BTreeMap<&'static str, RuleOptions> = BTreeMap::new();
    for (code, opts) in raw.rules.iter().flatten() {
        let meta = registry.find(code.get_ref()).ok_or_else(|| {
            ctx.err(
                Some(code.span()),
                format!("`{}` is not a rule code", code.get_ref()),
                "unknown rule",
                Some("`readylint rules` lists the codes"),
            )
        })?;
        let mut values = RuleOptions::new();
        for (key, value) in opts {
            let Some(opt) = meta.option(key.get_ref()) else {
                let known: Vec<&str> = meta.options.iter().map(|o| o.name).collect();
                let help = if known.is_empty() {
                    format!("{} takes no options", meta.code)
                } else {
                    format!("{} takes: {}", meta.code, known.join(", "))
                };
                return Err(ctx
                    .err(
                        Some(key.span()),
                        format!("unknown option `{}` for {}", key.get_ref(), meta.code),
                        "unknown option",
                        Some(&help),
                    )
                    .into());
            };
            let ok = match (opt.kind, value.get_ref()) {
                (OptionKind::StringList, toml::Value::Array(a)) => {
                    a.iter().all(toml::Value::is_str)
                }
                (OptionKind::Integer, toml::Value::Integer(_)) => true,
                (OptionKind::Bool, toml::Value::Boolean(_)) => true,
                _ => false,
            };
            if !ok {
                return Err(ctx
                    .err(
                        Some(value.span()),
                        format!(
                            "option `{}` of {} must be {}",
                            opt.name,
                            meta.code,
                            opt.kind.describe()
                        ),
                        "wrong type",
                        None,
                    )
                    .into());
            }
            values.insert(opt.name.to_string(), value.get_ref().clone());
        }
        rule_options.insert(meta.code, values);
    }

    let parse_all = parse_all && enabled.contains("RDY001");
    Ok(Settings {
        enabled,
        fail_on,
        exclude,
        per_path_ignores,
        severity,
        rule_options,
        rule_dirs,
        project_type,
        respect_foreign_suppressions: raw.respect_foreign_suppressions.unwrap_or(true),
        config_path: path,
        registry,
        parse_all,
        base: String::new(),
    })
}

/// Loads the user's packs (`rule-dirs`, relative to the configuration file, and
/// `--rules`) and builds the registry of the run. A pack rule whose code or name is
/// taken is an error that names both.
fn load_registry(
    raw: &RawConfig,
    ctx: &Ctx<'_>,
    cli: &CliOverrides,
    path: Option<&Path>,
) -> miette::Result<(Registry, Vec<PathBuf>)> {
    let base = path
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut dirs: Vec<(PathBuf, Option<std::ops::Range<usize>>)> = raw
        .rule_dirs
        .iter()
        .flatten()
        .map(|d| (base.join(d.get_ref()), Some(d.span())))
        .collect();
    dirs.extend(cli.rule_dirs.iter().map(|d| (d.clone(), None)));
    let mut extra = Vec::new();
    let mut origins: Vec<(&'static str, &'static str, String)> = Vec::new();
    for (dir, span) in &dirs {
        if !dir.exists() {
            let msg = format!("rule pack path {} does not exist", dir.display());
            return Err(match span {
                Some(s) => ctx.err(Some(s.clone()), msg, "not found", None).into(),
                None => UsageError(msg).into(),
            });
        }
        for rule in declarative::load_path(dir)? {
            let m = *crate::rule::RuleInfo::meta(&rule);
            let standard = Registry::standard();
            if let Some(other) = standard.find(m.code).or_else(|| standard.find(m.name)) {
                return Err(UsageError(format!(
                    "{}: rule {} ({}) collides with the built-in rule {} ({})",
                    rule.origin, m.code, m.name, other.code, other.name
                ))
                .into());
            }
            if let Some((_, _, o)) = origins
                .iter()
                .find(|(c, n, _)| *c == m.code || *n == m.name)
            {
                return Err(UsageError(format!(
                    "{}: rule {} ({}) collides with a rule of the same code or name in {o}",
                    rule.origin, m.code, m.name
                ))
                .into());
            }
            origins.push((m.code, m.name, rule.origin.clone()));
            extra.push(rule);
        }
    }
    let registry = Registry::with(declarative::into_static(extra)).map_err(UsageError)?;
    Ok((registry, dirs.into_iter().map(|(d, _)| d).collect()))
}
