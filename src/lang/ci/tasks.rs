//! Task runners that CI commands hide behind: a small reader each for `Makefile`,
//! `justfile`, `tox.ini`, `noxfile.py`, `engage.toml` and the `scripts` of `package.json`. Each yields
//! the named tasks with the command lines they run; a task's prerequisites become
//! lines too (`ci: lint test` → `make lint`, `make test`), so that following a wrapper
//! is one uniform walk. Nothing is evaluated; variables stay as written, but for a
//! Makefile variable that is a recipe's program (`$(PYTHON) -m pytest`), which is put
//! in its place.

use std::collections::BTreeMap;

use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, file_name};

/// Which runner a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Runner {
    Make,
    Just,
    Tox,
    Nox,
    Npm,
    /// `engage` (`engage.toml`): `[[task]]` tables with a `name`, a `group` and a
    /// `script`; `engage` alone runs every task, `engage GROUP` a group's.
    Engage,
    /// A shell script of the repository (`*.sh`, `*.bash`) that CI runs by its path
    /// (`./scripts/run_tests.sh`): one task, named `""`, its whole text.
    Script,
}

/// The tasks of one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tasks {
    pub runner: Runner,
    /// Task name → command lines.
    pub tasks: BTreeMap<String, Vec<String>>,
    /// What runs when no task is named (Make's first target, tox's `envlist`, nox's
    /// `nox.options.sessions` or every session).
    pub default: Vec<String>,
}

impl Tasks {
    /// Where a wrapper finds this file, given its path: a shell script by its own path,
    /// every other task file by its folder (`make` runs the `Makefile` of where it is).
    pub fn location<'p>(&self, path: &'p str) -> &'p str {
        if self.runner == Runner::Script {
            path
        } else {
            crate::source::parent_dir(path)
        }
    }

    fn new(runner: Runner) -> Self {
        Tasks {
            runner,
            tasks: BTreeMap::new(),
            default: Vec::new(),
        }
    }
}

/// The runner of a file, by its name.
pub fn runner_of(file_name: &str) -> Option<Runner> {
    match file_name {
        "Makefile" | "makefile" | "GNUmakefile" => Some(Runner::Make),
        "justfile" | "Justfile" | ".justfile" | "JUSTFILE" => Some(Runner::Just),
        "tox.ini" => Some(Runner::Tox),
        "noxfile.py" => Some(Runner::Nox),
        "package.json" => Some(Runner::Npm),
        "engage.toml" => Some(Runner::Engage),
        n if n.ends_with(".sh") || n.ends_with(".bash") => Some(Runner::Script),
        _ => None,
    }
}

/// Reads the tasks of `text`, a file of `runner`.
pub fn parse(runner: Runner, text: &str) -> Tasks {
    match runner {
        Runner::Make => makefile(text),
        Runner::Just => justfile(text),
        Runner::Tox => tox_ini(text),
        Runner::Nox => noxfile(text),
        Runner::Npm => package_json(&crate::lang::manifest::json::JsonDoc::parse(text)),
        Runner::Engage => engage_toml(text),
        Runner::Script => {
            let mut t = Tasks::new(Runner::Script);
            t.tasks.insert(String::new(), vec![text.to_string()]);
            t.default.push(String::new());
            t
        }
    }
}

/// `engage.toml`: each task by its name and by its group; the default is every task.
/// A file that is not valid TOML has no tasks.
fn engage_toml(text: &str) -> Tasks {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        task: Vec<Task>,
    }
    #[derive(serde::Deserialize)]
    struct Task {
        name: String,
        #[serde(default)]
        group: Option<String>,
        #[serde(default)]
        script: String,
    }
    let mut t = Tasks::new(Runner::Engage);
    let Ok(file) = toml::from_str::<File>(text) else {
        return t;
    };
    for task in file.task {
        if let Some(group) = task.group {
            t.tasks.entry(group).or_default().push(task.script.clone());
        }
        t.default.push(task.name.clone());
        t.tasks.entry(task.name).or_default().push(task.script);
    }
    t
}

/// Physical lines joined at `\` continuations.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if let Some(stripped) = line.strip_suffix('\\') {
            cur.push_str(stripped);
            cur.push(' ');
            continue;
        }
        cur.push_str(line);
        out.push(std::mem::take(&mut cur));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The simple variables of a Makefile (`NAME = value`, `NAME := value`, `NAME ?=
/// value`, with `export` or `override` before), by name.
fn make_variables(lines: &[String]) -> BTreeMap<&str, &str> {
    let mut vars = BTreeMap::new();
    for line in lines {
        if line.starts_with('\t') {
            continue;
        }
        let line = line.trim();
        let line = line
            .strip_prefix("export ")
            .or_else(|| line.strip_prefix("override "))
            .unwrap_or(line)
            .trim_start();
        let Some(eq) = line.find('=') else {
            continue;
        };
        let name = line[..eq].trim_end_matches([':', '?', '+', '!']).trim();
        if name.is_empty()
            || line[..eq].ends_with('+')
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        {
            continue;
        }
        vars.insert(name, line[eq + 1..].trim());
    }
    vars
}

/// A recipe line whose program is a variable (`$(tf_cmd) destroy`, `${PYTHON} -m
/// pytest`) with the variable's value put in its place, a few times over: what the
/// line runs is read from its program. Other references stay as written.
fn expand_program(cmd: &str, vars: &BTreeMap<&str, &str>) -> String {
    let mut cmd = cmd.to_string();
    for _ in 0..3 {
        let reference = ["$(", "${"].iter().find_map(|open| {
            let rest = cmd.strip_prefix(open)?;
            let close = if *open == "$(" { ')' } else { '}' };
            let end = rest.find(close)?;
            Some((&rest[..end], open.len() + end + 1))
        });
        let Some((name, len)) = reference else {
            break;
        };
        let Some(value) = vars.get(name) else {
            break;
        };
        cmd = format!("{value}{}", &cmd[len..]);
    }
    cmd
}

fn makefile(text: &str) -> Tasks {
    let mut t = Tasks::new(Runner::Make);
    let mut current: Vec<String> = Vec::new();
    let lines = logical_lines(text);
    let vars = make_variables(&lines);
    for line in &lines {
        if let Some(recipe) = line.strip_prefix('\t') {
            let cmd = recipe.trim_start_matches(['@', '-', '+', ' ']).trim();
            if !cmd.is_empty() && !cmd.starts_with('#') {
                let cmd = expand_program(cmd, &vars);
                for name in &current {
                    t.tasks.entry(name.clone()).or_default().push(cmd.clone());
                }
            }
            continue;
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        current.clear();
        // `targets: prerequisites` (not `VAR := value`, `VAR ::= x`, or `a = b:c`).
        let Some(colon) = trimmed.find(':') else {
            continue;
        };
        let (head, rest) = trimmed.split_at(colon);
        let rest = &rest[1..];
        if rest.starts_with('=') || rest.starts_with(":=") || head.contains('=') {
            continue;
        }
        let rest = rest.trim_start_matches(':');
        // `#` starts a comment (`test: ## run the tests`, a help text), unless a `;`
        // came first: after it is a recipe, where `#` is the shell's.
        let rest = match (rest.find('#'), rest.find(';')) {
            (Some(h), semi) if semi.is_none_or(|s| h < s) => &rest[..h],
            _ => rest,
        };
        let (prereqs, inline) = match rest.split_once(';') {
            Some((p, r)) => (p, Some(r.trim())),
            None => (rest, None),
        };
        let prereqs = prereqs.split('|').next().unwrap_or("");
        for name in head.split_whitespace() {
            if name.starts_with('.') || name.contains('%') || name.contains('$') {
                continue;
            }
            if t.default.is_empty() {
                t.default.push(name.to_string());
            }
            let entry = t.tasks.entry(name.to_string()).or_default();
            for p in prereqs.split_whitespace() {
                if !p.contains('$') && !p.contains('/') && !p.contains('.') {
                    entry.push(format!("make {p}"));
                }
            }
            if let Some(cmd) = inline.filter(|c| !c.is_empty()) {
                entry.push(cmd.to_string());
            }
            current.push(name.to_string());
        }
    }
    t
}

fn justfile(text: &str) -> Tasks {
    let mut t = Tasks::new(Runner::Just);
    let mut current: Option<String> = None;
    let mut aliases: Vec<(String, String)> = Vec::new();
    // A recipe whose body starts with `#!` is one script, run by that interpreter: its
    // lines are kept together, so that a function it defines is seen where it is
    // called (each line of a plain recipe runs in a shell of its own).
    let mut shebang = false;
    let mut first_line = false;
    for line in logical_lines(text) {
        // A blank line does not end a recipe: the next line that is not indented does.
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(name) = &current {
                let entry = t.tasks.entry(name.clone()).or_default();
                let trimmed = line.trim();
                if std::mem::take(&mut first_line) && trimmed.starts_with("#!") {
                    shebang = true;
                    entry.push(String::new());
                    continue;
                }
                if shebang {
                    if let Some(script) = entry.last_mut()
                        && !trimmed.starts_with('#')
                    {
                        if !script.is_empty() {
                            script.push('\n');
                        }
                        script.push_str(trimmed);
                    }
                    continue;
                }
                let cmd = trimmed.trim_start_matches(['@', '-']).trim();
                if !cmd.is_empty() && !cmd.starts_with('#') {
                    entry.push(cmd.to_string());
                }
            }
            continue;
        }
        current = None;
        shebang = false;
        first_line = true;
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('[') || l.starts_with("set ") {
            continue;
        }
        if let Some(rest) = l.strip_prefix("alias ") {
            if let Some((a, target)) = rest.split_once(":=") {
                aliases.push((a.trim().to_string(), target.trim().to_string()));
            }
            continue;
        }
        if l.contains(":=") || l.starts_with("import ") || l.starts_with("mod ") {
            continue;
        }
        let Some((head, deps)) = l.split_once(':') else {
            continue;
        };
        let mut words = head.split_whitespace();
        let Some(name) = words.next() else { continue };
        let name = name.trim_start_matches('@');
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        if t.default.is_empty() {
            t.default.push(name.to_string());
        }
        let entry = t.tasks.entry(name.to_string()).or_default();
        for d in deps.split_whitespace() {
            if d == "&&" {
                continue;
            }
            let d = d.trim_start_matches('(');
            if d.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && !d.is_empty()
            {
                entry.push(format!("just {d}"));
            }
        }
        current = Some(name.to_string());
    }
    for (a, target) in aliases {
        t.tasks.insert(a, vec![format!("just {target}")]);
    }
    t
}

/// The entries of an INI file (`tox.ini`, `setup.cfg`, `pytest.ini`): (section, key,
/// value), trimmed. A value continued on indented lines comes as one entry per line,
/// under its key; a section's header comes as an entry with an empty key and value, so
/// that an empty section is seen too. Lines that start with `#` or `;` are comments.
/// `separators` end a key: `=`, and for readers that take `key: value` as Python's
/// `configparser` does, `:`.
fn ini_entries<'t>(
    text: &'t str,
    separators: &'t [char],
) -> impl Iterator<Item = (&'t str, &'t str, &'t str)> + 't {
    let (mut section, mut key) = ("", "");
    text.lines().filter_map(move |line| {
        let trimmed = line.trim();
        if trimmed.starts_with(['#', ';']) {
            return None;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            section = name.trim();
            key = "";
            return Some((section, "", ""));
        }
        let value = if line.starts_with([' ', '\t']) && !key.is_empty() {
            trimmed
        } else {
            let at = line.find(separators)?;
            key = line[..at].trim();
            line[at + 1..].trim()
        };
        Some((section, key, value))
    })
}

fn tox_ini(text: &str) -> Tasks {
    let mut t = Tasks::new(Runner::Tox);
    let mut factor_commands: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (section, k, value) in ini_entries(text, &['=']) {
        if value.is_empty() {
            continue;
        }
        if section == "tox" && k == "envlist" {
            t.default.extend(
                value
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        } else if k == "commands" {
            let env = if section == "testenv" {
                ""
            } else if let Some(e) = section.strip_prefix("testenv:") {
                e
            } else {
                continue;
            };
            // Factor conditions (`lint: ruff check .`) keep their command; in the base
            // `[testenv]`, the command is also what an env named after the factor runs
            // (`tox -e coverage` runs the `coverage:` lines).
            let (factors, cmd) = match value.split_once(": ") {
                Some((f, c)) if !f.contains(' ') => (Some(f), c),
                _ => (None, value),
            };
            let cmd = cmd.trim().to_string();
            for factor in factors
                .filter(|_| env.is_empty())
                .into_iter()
                .flat_map(|f| f.split(','))
                .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            {
                factor_commands
                    .entry(factor.to_string())
                    .or_default()
                    .push(cmd.clone());
            }
            t.tasks.entry(env.to_string()).or_default().push(cmd);
        }
    }
    // An env's own section, when it has `commands`, replaces the base ones.
    for (factor, commands) in factor_commands {
        t.tasks.entry(factor).or_insert(commands);
    }
    t
}

fn noxfile(text: &str) -> Tasks {
    let mut t = Tasks::new(Runner::Nox);
    let mut pending: Option<Option<String>> = None;
    let mut current: Option<String> = None;
    for line in text.lines() {
        let l = line.trim();
        if !line.starts_with([' ', '\t']) && !l.is_empty() {
            current = None;
            if l.starts_with("@nox.session") || l.starts_with("@session") {
                pending = Some(quoted_after(l, "name="));
                continue;
            }
            if let Some(rest) = l.strip_prefix("def ") {
                if let Some(explicit) = pending.take() {
                    let fname = rest.split('(').next().unwrap_or("").trim().to_string();
                    let name = explicit.unwrap_or(fname);
                    t.tasks.entry(name.clone()).or_default();
                    current = Some(name);
                }
                continue;
            }
            if l.starts_with("nox.options.sessions") {
                t.default = quoted_strings(l);
            }
            if !l.starts_with('@') {
                pending = None;
            }
            continue;
        }
        let Some(name) = &current else { continue };
        for call in [
            "session.run(",
            "session.run_always(",
            "session.run_install(",
        ] {
            if let Some(at) = l.find(call) {
                let args = quoted_strings(&l[at + call.len()..]);
                if !args.is_empty() {
                    t.tasks
                        .entry(name.clone())
                        .or_default()
                        .push(args.join(" "));
                }
            }
        }
    }
    t
}

/// The first quoted string after `marker` in `line`.
fn quoted_after(line: &str, marker: &str) -> Option<String> {
    let at = line.find(marker)?;
    quoted_strings(&line[at + marker.len()..])
        .into_iter()
        .next()
}

/// Every `"…"` or `'…'` string in `s`, in order.
fn quoted_strings(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.char_indices();
    while let Some((_, c)) = chars.next() {
        if c == '"' || c == '\'' {
            let mut v = String::new();
            for (_, d) in chars.by_ref() {
                if d == c {
                    break;
                }
                v.push(d);
            }
            out.push(v);
        }
    }
    out
}

/// The section of an INI file (`tox.ini`, `setup.cfg`, `pytest.ini`) that holds
/// pytest's configuration, by the file's name.
fn pytest_section(file_name: &str) -> Option<&'static str> {
    match file_name {
        "pytest.ini" | ".pytest.ini" | "tox.ini" => Some("pytest"),
        "setup.cfg" => Some("tool:pytest"),
        _ => None,
    }
}

/// Whether `section` of an INI file configures pytest (`None` when there is no such
/// section, as pytest sees it: a `pytest.ini` always does), and if so whether it gives
/// each test a timeout: pytest-timeout's `timeout = 300`, or `--timeout=300` among
/// `addopts` (a value continued on indented lines, as `addopts` often is, included).
/// Keys are read as Python's `configparser` reads them: `key = value` or `key: value`,
/// comments on lines of their own starting with `#` or `;`.
pub fn ini_pytest_timeout(text: &str, section: &str, always: bool) -> Option<bool> {
    let mut found = always;
    let mut timeout = None;
    let mut addopts = String::new();
    for (_, key, value) in ini_entries(text, &['=', ':']).filter(|(s, ..)| *s == section) {
        found = true;
        if value.is_empty() {
            continue;
        }
        if key.eq_ignore_ascii_case("timeout") {
            timeout = Some(value);
        } else if key.eq_ignore_ascii_case("addopts") {
            addopts.push(' ');
            addopts.push_str(value);
        }
    }
    found.then(|| pytest_settings_timeout(timeout, &addopts))
}

/// Whether pytest's `timeout` setting, or `--timeout` among its `addopts`, gives each
/// test a timeout (a number other than zero).
pub fn pytest_settings_timeout(timeout: Option<&str>, addopts: &str) -> bool {
    let positive = |v: &str| v.trim().parse::<f64>().is_ok_and(|n| n > 0.0);
    let words: Vec<&str> = addopts.split_whitespace().collect();
    let from_addopts = words.iter().enumerate().find_map(|(i, w)| {
        if *w == "--timeout" {
            words.get(i + 1).copied()
        } else {
            w.strip_prefix("--timeout=")
        }
    });
    match from_addopts {
        Some(v) => positive(v),
        None => timeout.is_some_and(positive),
    }
}

/// The `scripts` of a `package.json`, from the manifest front end's parse.
pub fn package_json(doc: &crate::lang::manifest::json::JsonDoc) -> Tasks {
    let mut t = Tasks::new(Runner::Npm);
    let scripts = doc.root.as_ref().and_then(|r| r.get("scripts"));
    for m in scripts.map(|s| s.value.members()).unwrap_or_default() {
        if let Some(cmd) = m.value.as_str() {
            t.tasks.insert(m.key.clone(), vec![cmd.to_string()]);
        }
    }
    t
}

/// The front end of task-runner files (`Makefile`, `justfile`, `tox.ini`, `noxfile.py`,
/// and the shell scripts CI may run by path): additive, since `noxfile.py` is Python
/// too. Its facts are the file's tasks; the comments are its own only when no other
/// front end reads the file's language.
pub struct TasksFrontEnd;

impl FrontEnd for TasksFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        let name = file_name(rel_path);
        (runner_of(name).is_some_and(|r| r != Runner::Npm) || pytest_section(name).is_some())
            .then_some(FileKind::TaskFile)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::TaskFile
    }

    fn read(&self, source: &SourceFile, _: FileKind, _: &mut (dyn Sink + Send), out: &mut Output) {
        let name = file_name(&source.rel_path);
        let runner = runner_of(name);
        if !matches!(runner, Some(Runner::Nox | Runner::Script)) {
            // `#` comments, as in YAML (and TOML).
            out.comments = crate::suppress::yaml_comments(source);
        }
        let pytest_timeout = pytest_section(name).and_then(|s| {
            ini_pytest_timeout(
                &source.text,
                s,
                matches!(name, "pytest.ini" | ".pytest.ini"),
            )
        });
        // A `setup.cfg` that does not configure pytest: nothing to keep.
        if runner.is_none() && pytest_timeout.is_none() {
            return;
        }
        let facts = out.facts.ci.get_or_insert_with(Box::default);
        facts.pytest_timeout = pytest_timeout;
        facts.tasks = runner.map(|r| parse(r, &source.text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makefile_targets_recipes_and_prerequisites() {
        let text = ".PHONY: ci test\nPY := python\nci: lint test\n\ntest:\n\t@$(PY) -m pytest \\\n\t  -q\nlint:\n\t-ruff check .\nall: ; echo hi\n";
        let t = parse(Runner::Make, text);
        assert_eq!(t.default, ["ci"]);
        assert_eq!(t.tasks["ci"], ["make lint", "make test"]);
        assert_eq!(t.tasks["test"], ["python -m pytest  \t  -q"]);
        assert_eq!(t.tasks["lint"], ["ruff check ."]);
        assert_eq!(t.tasks["all"], ["echo hi"]);
        assert!(!t.tasks.contains_key("PY"));
    }

    #[test]
    fn makefile_programs_in_variables_are_expanded() {
        let t = makefile(
            "tf_cmd = AWS_PROFILE=$(AWS_PROFILE) terraform\nexport PY ?= ${VENV}/bin/python\nVENV := .venv\n\ndestroy:\n\t$(tf_cmd) destroy -auto-approve\ntest:\n\t${PY} -m pytest $(ARGS)\n\t$(UNKNOWN) run\n",
        );
        assert_eq!(
            t.tasks["destroy"],
            ["AWS_PROFILE=$(AWS_PROFILE) terraform destroy -auto-approve"]
        );
        assert_eq!(
            t.tasks["test"],
            [".venv/bin/python -m pytest $(ARGS)", "$(UNKNOWN) run"]
        );
    }

    #[test]
    fn makefile_help_comments_are_not_prerequisites() {
        let text = "help: ## show this help\n\t@grep -E '^[a-z]+:.*##' Makefile\ntest: lint ## run the tests\n\tpytest\nlint:## check style\n\truff check .\nci: ; echo go # the shell's comment\n";
        let t = parse(Runner::Make, text);
        assert!(t.tasks["help"].iter().all(|l| !l.starts_with("make ")));
        assert_eq!(t.tasks["test"], ["make lint", "pytest"]);
        assert_eq!(t.tasks["lint"], ["ruff check ."]);
        assert_eq!(t.tasks["ci"], ["echo go # the shell's comment"]);
    }

    #[test]
    fn justfile_recipes() {
        let text = "set shell := [\"bash\", \"-c\"]\nalias t := test\n\n# run tests\ntest *args: build\n    cargo test {{args}}\n[private]\n@lint:\n    cargo clippy -- -D warnings\n";
        let t = parse(Runner::Just, text);
        assert_eq!(t.default, ["test"]);
        assert_eq!(t.tasks["test"], ["just build", "cargo test {{args}}"]);
        assert_eq!(t.tasks["lint"], ["cargo clippy -- -D warnings"]);
        assert_eq!(t.tasks["t"], ["just test"]);
    }

    #[test]
    fn a_shebang_recipe_is_one_script() {
        let text = "check: devenv\n    #!/usr/bin/env bash\n    set -euo pipefail\n    run() {\n      eval \"$1\"\n    }\n\n    # each check\n    run \"just lint\"\n\nlint:\n    ruff check .\n    # not a shebang\n    mypy src\n";
        let t = parse(Runner::Just, text);
        assert_eq!(
            t.tasks["check"],
            [
                "just devenv",
                "set -euo pipefail\nrun() {\neval \"$1\"\n}\nrun \"just lint\""
            ]
        );
        assert_eq!(t.tasks["lint"], ["ruff check .", "mypy src"]);
    }

    #[test]
    fn tox_envs() {
        let text = "[tox]\nenvlist = py3{9,10}, lint\n\n[testenv]\ncommands =\n    pytest {posargs}\n\n[testenv:lint]\ncommands = ruff check src\n";
        let t = parse(Runner::Tox, text);
        assert_eq!(t.tasks[""], ["pytest {posargs}"]);
        assert_eq!(t.tasks["lint"], ["ruff check src"]);
        assert!(t.default.contains(&"lint".to_string()));
    }

    #[test]
    fn tox_factor_commands_are_the_factor_envs_commands() {
        let text = "[testenv]\ncommands =\n    tests: pytest {posargs}\n    coverage: coverage combine\n    coverage: coverage report\n    lint,typing: ruff check .\n\n[testenv:typing]\ncommands = mypy src\n";
        let t = parse(Runner::Tox, text);
        assert_eq!(t.tasks["coverage"], ["coverage combine", "coverage report"]);
        assert_eq!(t.tasks["tests"], ["pytest {posargs}"]);
        assert_eq!(t.tasks["lint"], ["ruff check ."]);
        // An env's own section wins.
        assert_eq!(t.tasks["typing"], ["mypy src"]);
        assert_eq!(t.tasks[""].len(), 4);
    }

    #[test]
    fn nox_sessions() {
        let text = "import nox\nnox.options.sessions = [\"tests\"]\n\n@nox.session(python=[\"3.12\"])\ndef tests(session):\n    session.install(\".\")\n    session.run(\"pytest\", \"-q\")\n\n@nox.session(name=\"lint\")\ndef run_lint(session):\n    session.run(\"ruff\", \"check\", \".\")\n";
        let t = parse(Runner::Nox, text);
        assert_eq!(t.default, ["tests"]);
        assert_eq!(t.tasks["tests"], ["pytest -q"]);
        assert_eq!(t.tasks["lint"], ["ruff check ."]);
    }

    #[test]
    fn pytest_timeouts_in_ini_files() {
        let setup =
            "[metadata]\nname = api\n\n[tool:pytest]\naddopts =\n    -ra\n    --timeout=300\n";
        assert_eq!(ini_pytest_timeout(setup, "tool:pytest", false), Some(true));
        assert_eq!(ini_pytest_timeout(setup, "pytest", false), None);
        // A pytest.ini always configures pytest, with or without its section.
        assert_eq!(ini_pytest_timeout("", "pytest", true), Some(false));
        assert_eq!(
            ini_pytest_timeout("[pytest]\n; off\ntimeout = 0\n", "pytest", true),
            Some(false)
        );
        assert_eq!(
            ini_pytest_timeout("[pytest]\ntimeout: 120\n", "pytest", false),
            Some(true)
        );
        // `--timeout` in addopts wins over the `timeout` key, as pytest-timeout reads them.
        assert_eq!(
            ini_pytest_timeout(
                "[pytest]\ntimeout = 60\naddopts = --timeout 0\n",
                "pytest",
                false
            ),
            Some(false)
        );
        // Another section's `timeout` is not pytest's.
        assert_eq!(
            ini_pytest_timeout(
                "[testenv]\ntimeout = 60\n[pytest]\nminversion = 7\n",
                "pytest",
                false
            ),
            Some(false)
        );
    }

    #[test]
    fn npm_scripts_and_broken_json() {
        let t = parse(
            Runner::Npm,
            r#"{"scripts": {"test": "vitest run", "lint": "eslint ."}}"#,
        );
        assert_eq!(t.tasks["test"], ["vitest run"]);
        assert!(parse(Runner::Npm, "{not json").tasks.is_empty());
    }
}
