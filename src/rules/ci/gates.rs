//! What a CI command does: run the tests, a linter, or a build. Commands hide behind
//! launchers (`poetry run`, `uv run`, `xvfb-run`, `timeout 600`) and task runners (`make
//! ci`, `just test`, `tox -e lint`, `nox -s tests`, `npm run test`); where the runner's
//! file was read, the task is followed into it, otherwise its name decides.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

use crate::lang::ci::substitute_variables;
use crate::lang::ci::tasks::{Runner, Tasks};
use crate::lang::compose::ComposeFacts;
use crate::lang::shell::{self, SimpleCommand};

/// What a command (or a script, or a job) does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gates {
    pub test: bool,
    pub lint: bool,
    pub build: bool,
    /// Some test it runs has no bound of its own: not `go test`, whose every test binary
    /// is stopped after ten minutes unless told otherwise, nor `pytest` with
    /// pytest-timeout's `--timeout` (on its command line or in the configuration of the
    /// directory it runs in).
    pub unbounded_test: bool,
}

impl Gates {
    pub const TEST: Gates = Gates {
        test: true,
        lint: false,
        build: false,
        unbounded_test: true,
    };
    /// Tests whose runner stops a hung one by itself.
    pub const BOUNDED_TEST: Gates = Gates {
        test: true,
        lint: false,
        build: false,
        unbounded_test: false,
    };
    pub const LINT: Gates = Gates {
        test: false,
        lint: true,
        build: false,
        unbounded_test: false,
    };
    pub const BUILD: Gates = Gates {
        test: false,
        lint: false,
        build: true,
        unbounded_test: false,
    };
    pub const ALL: Gates = Gates {
        test: true,
        lint: true,
        build: true,
        unbounded_test: true,
    };

    pub fn any(self) -> bool {
        self.test || self.lint || self.build
    }

    pub fn or(self, o: Gates) -> Gates {
        Gates {
            test: self.test || o.test,
            lint: self.lint || o.lint,
            build: self.build || o.build,
            unbounded_test: self.unbounded_test || o.unbounded_test,
        }
    }

    /// What failing looks like, for a message: "its tests fail".
    pub fn failing(self) -> &'static str {
        if self.test {
            "its tests fail"
        } else if self.lint {
            "its linter fails"
        } else {
            "its build fails"
        }
    }
}

/// Task-runner files by directory ("" is the root), for following wrappers.
#[derive(Debug, Default)]
pub struct TaskFiles<'a> {
    pub by_dir: BTreeMap<(String, RunnerKey), &'a Tasks>,
    /// What each task was found to do, per (directory, runner, task), with the depth it
    /// was followed from: targets that depend on each other are followed in time linear
    /// in the file, not exponential. Following stops [`MAX_DEPTH`] wrappers deep, so a
    /// task first reached deep down may have been cut short: it is followed again when
    /// reached from higher up, at most once per depth. A task being followed counts as
    /// doing nothing until it is done (a cycle, which Make drops too).
    memo: std::cell::RefCell<BTreeMap<TaskKey, (Gates, usize)>>,
    /// How many times a task was followed (for tests: bounded by the memo).
    followed: std::cell::Cell<usize>,
    /// Compose files by repository path: what `docker compose run app` runs when the
    /// call names no command is the service's own.
    pub compose: BTreeMap<String, &'a ComposeFacts>,
    /// The directories that hold a pytest configuration, with whether it gives each
    /// test a timeout (see [`crate::lang::ci::CiFacts::pytest_timeout`]): a `pytest`
    /// run there, or below up to the next configuration, stops a hung test by itself.
    pub pytest_timeouts: Option<&'a BTreeMap<String, bool>>,
}

/// How many wrappers deep a command is followed.
const MAX_DEPTH: usize = 8;

/// [`Runner`] as a map key.
pub type RunnerKey = u8;

/// A task: its directory, runner and name.
type TaskKey = (String, RunnerKey, String);

pub fn runner_key(r: Runner) -> RunnerKey {
    match r {
        Runner::Make => 0,
        Runner::Just => 1,
        Runner::Tox => 2,
        Runner::Nox => 3,
        Runner::Npm => 4,
        Runner::Engage => 5,
        Runner::Script => 6,
    }
}

impl<'a> TaskFiles<'a> {
    pub fn insert(&mut self, dir: &str, tasks: &'a Tasks) {
        self.by_dir
            .insert((dir.to_string(), runner_key(tasks.runner)), tasks);
    }

    fn get(&self, dir: &str, runner: Runner) -> Option<&'a Tasks> {
        self.by_dir
            .get(&(dir.to_string(), runner_key(runner)))
            .copied()
    }
}

/// What a script does, following wrappers into `tasks` where given.
pub fn script(text: &str, dir: &str, tasks: Option<&TaskFiles<'_>>) -> Gates {
    script_at(text, dir, tasks, 0)
}

fn script_at(text: &str, dir: &str, tasks: Option<&TaskFiles<'_>>, depth: usize) -> Gates {
    let text = substitute_variables(text);
    let mut g = Gates::default();
    let commands = shell::split(&text);
    let functions = functions(&text, &commands);
    // `cd chirpstack && make test`: the commands after a `cd` to a relative directory
    // run there (a `cd` elsewhere, or to a computed one, leaves the directory as it was).
    let mut here = dir.to_string();
    for cmd in &commands {
        // `OUTPUT=$(uv run pytest --cov-fail-under 80)`: what a command substitution runs
        // runs too (its output captured).
        for sub in cmd.words.iter().flat_map(|w| &w.subs) {
            if let Some(inner) = text.get(sub.clone()) {
                g = g.or(script_at(inner, &here, tasks, depth + 1));
            }
        }
        let words: Vec<&str> = cmd.program().iter().map(|w| w.value.as_str()).collect();
        if let ["cd", to] = words.as_slice() {
            if !to.starts_with(['/', '~', '$', '-']) && !to.contains("..") {
                here = join(&here, to);
            }
            continue;
        }
        // `run_test pytest`, a function of the script whose body runs `poetry run "$@"`:
        // its commands, with the call's words for `"$@"`; `check "just lint"`, one whose
        // body runs `eval $1`: the call's first word for `$1`.
        if let Some((name, args)) = words.split_first()
            && let Some(body) = functions.get(name)
        {
            for line in body {
                let line: Vec<&str> = line
                    .iter()
                    .flat_map(|w| match *w {
                        "$@" | "$*" | "${@}" | "${*}" => args.to_vec(),
                        w => match positional(w) {
                            Some(n) => args.get(n - 1).copied().into_iter().collect(),
                            None => vec![w],
                        },
                    })
                    .collect();
                g = g.or(words_at(&line, &here, tasks, depth + 1));
            }
            continue;
        }
        g = g.or(words_at(&words, &here, tasks, depth));
    }
    g
}

/// The number of a positional parameter standing alone as a word (`$1`, `${2}`).
fn positional(word: &str) -> Option<usize> {
    let n = word.strip_prefix('$')?;
    let n = n
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(n);
    match n.as_bytes() {
        [d @ b'1'..=b'9'] => Some(usize::from(d - b'0')),
        _ => None,
    }
}

/// The functions a script defines (`name() {`, `function name {`), by name: the words of
/// each command of their bodies, up to the line that is only `}` (one level; the
/// splitter keeps no braces, so the definition and its end are found in the text
/// around the commands).
fn functions<'c>(
    text: &str,
    commands: &'c [SimpleCommand],
) -> FxHashMap<&'c str, Vec<Vec<&'c str>>> {
    let mut out: FxHashMap<&str, Vec<Vec<&str>>> = FxHashMap::default();
    let mut open: Option<&str> = None;
    let mut prev_end = 0;
    for cmd in commands {
        let (Some(first), Some(last)) = (cmd.words.first(), cmd.words.last()) else {
            continue;
        };
        let gap = text.get(prev_end..first.span.start).unwrap_or("");
        if open.is_some() && gap.lines().any(|l| l.trim() == "}") {
            open = None;
        }
        prev_end = last.span.end;
        let words: Vec<&str> = cmd.words.iter().map(|w| w.value.as_str()).collect();
        if let Some(name) = open {
            out.entry(name)
                .or_default()
                .push(cmd.program().iter().map(|w| w.value.as_str()).collect());
            continue;
        }
        let after = text.get(first.span.end..).unwrap_or("").trim_start();
        let name = match words.as_slice() {
            ["function", name, ..] => name.strip_suffix("()").unwrap_or(name),
            [name] if after.starts_with("()") => name,
            _ => continue,
        };
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            out.entry(name).or_default();
            open = Some(name);
        }
    }
    out
}

/// What one simple command does.
pub fn command(cmd: &SimpleCommand, dir: &str, tasks: Option<&TaskFiles<'_>>) -> Gates {
    command_at(cmd, dir, tasks, 0)
}

fn command_at(
    cmd: &SimpleCommand,
    dir: &str,
    tasks: Option<&TaskFiles<'_>>,
    depth: usize,
) -> Gates {
    let words: Vec<&str> = cmd.program().iter().map(|w| w.value.as_str()).collect();
    words_at(&words, dir, tasks, depth)
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && !k.starts_with('-')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The name a program is known by: its file name, lower-case, without `.exe`/`.sh`.
fn base(word: &str) -> String {
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let name = name.to_ascii_lowercase();
    for ext in [".exe", ".sh", ".bash", ".py", ".cmd", ".ps1", ".bat"] {
        if let Some(s) = name.strip_suffix(ext) {
            return s.to_string();
        }
    }
    name
}

const LINTERS: &[&str] = &[
    "ruff",
    "flake8",
    "pylint",
    "mypy",
    "pyright",
    "basedpyright",
    "pyflakes",
    "pycodestyle",
    "pydocstyle",
    "bandit",
    "semgrep",
    "pyre",
    "pytype",
    "ty",
    "vulture",
    "pylama",
    "prospector",
    "deptry",
    "eslint",
    "tslint",
    "jshint",
    "xo",
    "oxlint",
    "stylelint",
    "tsc",
    "vue-tsc",
    "svelte-check",
    "shellcheck",
    "hadolint",
    "actionlint",
    "zizmor",
    "yamllint",
    "markdownlint",
    "markdownlint-cli2",
    "rubocop",
    // JavaScript Standard Style and its variants (`standard`, `ts-standard`).
    "standard",
    "semistandard",
    "ts-standard",
    "standardrb",
    "golangci-lint",
    "staticcheck",
    "golint",
    "revive",
    "clang-tidy",
    "cppcheck",
    "ktlint",
    "detekt",
    "sqlfluff",
    "djlint",
    "typos",
    "codespell",
    "pre-commit",
    "prek",
    "lefthook",
    "cargo-clippy",
    "clippy-driver",
    "readylint",
    "hlint",
    "sonar-scanner",
    "lint",
    "check-manifest",
    "pyroma",
    "twine",
];

/// Formatters that are a gate only when asked to check.
const FORMATTERS: &[&str] = &[
    "black",
    "isort",
    "prettier",
    "rustfmt",
    "gofmt",
    "autopep8",
    "yapf",
    "taplo",
    "dprint",
    "clang-format",
    "ruff-format",
    "shfmt",
];

const TEST_RUNNERS: &[&str] = &[
    "pytest",
    "py.test",
    "nosetests",
    "nose2",
    "trial",
    "jest",
    "vitest",
    "mocha",
    "ava",
    "karma",
    "jasmine",
    "tap",
    "rspec",
    "phpunit",
    "ctest",
    "prove",
    "behave",
    "hypothesis",
    "ward",
    "testr",
    "stestr",
    "pytest-xdist",
    "cargo-nextest",
];

/// Programs that run the rest of the line as a command, and options of theirs that take
/// a value.
fn launcher(words: &[&str]) -> Option<usize> {
    let first = base(words.first()?);
    let sub = words.get(1).copied().unwrap_or("");
    let skip_opts = |from: usize, valued: &[&str]| {
        let mut i = from;
        while let Some(w) = words.get(i) {
            if valued.contains(w) {
                i += 2;
            } else if w.starts_with('-') {
                i += 1;
            } else {
                break;
            }
        }
        i
    };
    let valued = [
        "--with",
        "--extra",
        "--group",
        "--package",
        "--python",
        "-p",
        "--env-file",
        "-n",
        "--name",
        "-e",
        "--env",
        "-w",
        "--workdir",
        "--project",
        "--directory",
        "--from",
        "-u",
        "--user",
        "--frozen-lockfile",
        "--entrypoint",
    ];
    // `docker compose -f ci.yml run --rm app pytest`: the command after the service.
    if let Some(call) = compose_call(words) {
        return matches!(words[call.sub], "run" | "exec").then(|| {
            let i = skip_opts(call.sub + 1, &[&valued[..], &CONTAINER_VALUED[..]].concat());
            (i + 1).min(words.len())
        });
    }
    match first.as_str() {
        "poetry" | "pdm" | "pipenv" | "rye" | "uv" | "conda" | "mamba" | "micromamba" | "pixi"
        | "pipx"
            if sub == "run" =>
        {
            Some(skip_opts(2, &valued))
        }
        "uvx" | "npx" | "bunx" | "pnpx" | "c8" | "nyc" | "cross-env" | "dotenv" | "xvfb-run"
        | "nice" | "stdbuf" | "valgrind" | "dbus-run-session" | "catchsegv" | "unbuffer"
        | "ionice" | "strace" | "gdb" => Some(skip_opts(1, &valued)),
        "timeout" | "gtimeout" => Some(skip_opts(1, &[]) + 1),
        // `find . -name '*.sh' -print0 | xargs -0 shellcheck`: xargs runs the command
        // after its options with the names it reads.
        "xargs" => Some(skip_opts(
            1,
            &[
                "-I",
                "-n",
                "-P",
                "-L",
                "-d",
                "-E",
                "-s",
                "-a",
                "--arg-file",
                "--delimiter",
                "--max-args",
                "--max-procs",
                "--max-lines",
                "--max-chars",
            ],
        )),
        "pnpm" | "yarn" if sub == "dlx" || sub == "exec" => Some(skip_opts(2, &valued)),
        "bundle" if sub == "exec" => Some(2),
        // `direnv exec DIR cmd …`: the command in the directory's environment.
        "direnv" if sub == "exec" => Some(skip_opts(2, &[]) + 1),
        "docker" | "podman" if matches!(sub, "run" | "exec") => {
            let i = skip_opts(2, &[&valued[..], &CONTAINER_VALUED[..]].concat());
            Some((i + 1).min(words.len()))
        }
        // `nix-shell --command "make test"`, `nix develop -c cargo test`: the command
        // runs in the environment the project's Nix files describe.
        "nix-shell" | "nix" if first == "nix-shell" || matches!(sub, "develop" | "shell") => {
            let i = words
                .iter()
                .position(|w| matches!(*w, "--command" | "--run" | "-c"))?;
            Some(i + 1)
        }
        // `eval "$1"`, `exec pytest`: the rest is the command.
        "eval" | "exec" => Some(1),
        // `bash -c "make test"`: the word after `-c` is the script.
        "bash" | "sh" | "zsh" | "pwsh" | "powershell" | "source" | "." | "call" => {
            match words.iter().position(|w| *w == "-c") {
                Some(c) => Some(c + 1),
                None => Some(skip_opts(1, &["-o"])),
            }
        }
        _ => None,
    }
}

/// A Compose call (`docker compose …`, `docker-compose …`, `podman compose …`,
/// `podman-compose …`): the files its `-f` options name, the directory
/// `--project-directory` names, and where its subcommand is.
struct ComposeCall<'w> {
    files: Vec<&'w str>,
    project_dir: Option<&'w str>,
    sub: usize,
}

fn compose_call<'w>(words: &[&'w str]) -> Option<ComposeCall<'w>> {
    let mut i = match base(words.first()?).as_str() {
        "docker" | "podman" if words.get(1) == Some(&"compose") => 2,
        "docker-compose" | "podman-compose" => 1,
        _ => return None,
    };
    let (mut files, mut project_dir) = (Vec::new(), None);
    while let Some(w) = words.get(i) {
        let (option, inline) = match w.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (*w, None),
        };
        let valued = matches!(
            option,
            "-f" | "--file"
                | "--project-directory"
                | "-p"
                | "--project-name"
                | "--env-file"
                | "--profile"
                | "--ansi"
                | "--progress"
                | "--parallel"
        );
        if !option.starts_with('-') {
            break;
        }
        let value = if valued && inline.is_none() {
            i += 1;
            words.get(i).copied()
        } else {
            inline
        };
        i += 1;
        match option {
            "-f" | "--file" => files.extend(value),
            "--project-directory" => project_dir = value,
            _ => {}
        }
    }
    (i < words.len()).then_some(ComposeCall {
        files,
        project_dir,
        sub: i,
    })
}

/// The Compose file names `docker compose` reads when no `-f` is given, in its order.
const COMPOSE_DEFAULTS: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// What a Compose call runs when it names no command of its own: `docker compose run
/// app` runs the service's `entrypoint`/`command`, and so does `docker compose up
/// --exit-code-from app` (or, with `--abort-on-container-exit`, each service it starts)
/// — how a suite run from a test Compose file looks. `None` when the call names its
/// command, or the files or the service are not known here.
fn compose_runs(
    words: &[&str],
    dir: &str,
    tasks: Option<&TaskFiles<'_>>,
    depth: usize,
) -> Option<Gates> {
    let tasks = tasks?;
    let call = compose_call(words)?;
    let args = &words[call.sub + 1..];
    let services: Vec<&str> = match words[call.sub] {
        // `run app` and nothing after the service (`launcher` finds where a command
        // would start), no `--entrypoint`.
        "run" => {
            let skip = launcher(words)?;
            if skip != words.len() || entrypoint(words).is_some() {
                return None;
            }
            vec![words[skip - 1]]
        }
        "up" => {
            let exit_from = args.iter().enumerate().find_map(|(i, w)| {
                match w.strip_prefix("--exit-code-from") {
                    Some("") => args.get(i + 1).copied(),
                    Some(v) => v.strip_prefix('='),
                    None => None,
                }
            });
            match exit_from {
                Some(s) => vec![s],
                None if args.contains(&"--abort-on-container-exit") => args
                    .iter()
                    .copied()
                    .filter(|w| !w.starts_with('-'))
                    .collect(),
                None => return None,
            }
        }
        _ => return None,
    };
    let base_dir = match call.project_dir {
        Some(p) => crate::source::join_path(dir, p),
        None => dir.to_string(),
    };
    let files: Vec<String> = if call.files.is_empty() {
        COMPOSE_DEFAULTS
            .iter()
            .map(|f| crate::source::join_path(&base_dir, f))
            .find(|f| tasks.compose.contains_key(f))
            .into_iter()
            .collect()
    } else {
        call.files
            .iter()
            .map(|f| crate::source::join_path(dir, f))
            .collect()
    };
    let facts: Vec<&ComposeFacts> = files
        .iter()
        .map(|f| tasks.compose.get(f).copied())
        .collect::<Option<_>>()?;
    // Every service of the files when `up --abort-on-container-exit` names none.
    let services: Vec<&str> = if services.is_empty() {
        facts
            .iter()
            .flat_map(|f| f.services.iter().map(|s| s.name.as_str()))
            .collect()
    } else {
        services
    };
    let mut gates = Gates::default();
    for service in services {
        // A later file overrides what an earlier one says.
        let runs = facts.iter().rev().find_map(|f| {
            f.services
                .iter()
                .find(|s| s.name == service)?
                .runs
                .as_deref()
        })?;
        gates = gates.or(script_at(runs, dir, Some(tasks), depth + 1));
    }
    Some(gates)
}

/// The options of `docker run`/`exec` and `docker compose run` that take a value
/// (`-v "$(pwd)":/app`), so that the value is not read as the image.
const CONTAINER_VALUED: [&str; 18] = [
    "-v",
    "--volume",
    "--mount",
    "--network",
    "--net",
    "--platform",
    "--publish",
    "-l",
    "--label",
    "--add-host",
    "--hostname",
    "--cap-add",
    "--tmpfs",
    "--shm-size",
    "--pull",
    "--gpus",
    "--memory",
    "--cpus",
];

/// Whether a launcher runs its command in a container (`docker run IMAGE cmd`,
/// `docker compose exec app cmd`): the command is a program of the image, which the
/// repository does not show, so its name is what there is to go on.
fn in_container(words: &[&str]) -> bool {
    let first = words.first().map(|w| base(w)).unwrap_or_default();
    matches!(first.as_str(), "docker" | "podman" | "docker-compose")
}

/// The program a container launcher's `--entrypoint` names, if any.
fn entrypoint<'w>(launch: &[&'w str]) -> Option<&'w str> {
    launch
        .iter()
        .enumerate()
        .find_map(|(i, w)| match w.strip_prefix("--entrypoint") {
            Some("") => launch.get(i + 1).copied(),
            Some(v) => v.strip_prefix('='),
            None => None,
        })
}

fn words_at(words: &[&str], dir: &str, tasks: Option<&TaskFiles<'_>>, depth: usize) -> Gates {
    let words = match words.iter().position(|w| !is_assignment(w)) {
        Some(i) => &words[i..],
        None => return Gates::default(),
    };
    if depth > MAX_DEPTH || words.is_empty() {
        return Gates::default();
    }
    if let Some(gates) = compose_runs(words, dir, tasks, depth) {
        return gates;
    }
    if let Some(skip) = launcher(words) {
        if skip == 0 || skip > words.len() {
            return Gates::default();
        }
        // `bash -c "cargo test"`: the command is one word.
        let rest = &words[skip..];
        // `docker compose run --entrypoint coverage app run -m unittest`: the container
        // runs the entrypoint with the rest as its arguments.
        if let Some(entry) = entrypoint(&words[..skip]) {
            let line: Vec<&str> = std::iter::once(entry).chain(rest.iter().copied()).collect();
            return words_at(&line, dir, tasks, depth + 1);
        }
        if rest.len() == 1 && rest[0].contains(' ') {
            return script_at(rest[0], dir, tasks, depth + 1);
        }
        let gates = words_at(rest, dir, tasks, depth + 1);
        // `docker run … tna-python-dev checkformat`: a tool of the image, known by name.
        return match rest.first() {
            Some(program)
                if !gates.any() && in_container(&words[..skip]) && !program.starts_with('-') =>
            {
                by_name(program, false)
            }
            _ => gates,
        };
    }
    let name = base(words[0]);
    let args = &words[1..];
    let has = |w: &str| args.contains(&w);
    let has_check = args.iter().any(|a| {
        a.starts_with("--check") || *a == "--diff" || *a == "-l" || *a == "--list-different"
    });
    if TEST_RUNNERS.contains(&name.as_str()) {
        // `vitest --merge-reports`: combines the reports of sharded runs, runs no test.
        if name == "vitest" && args.iter().any(|a| a.starts_with("--merge-reports")) {
            return Gates::default();
        }
        if matches!(name.as_str(), "pytest" | "py.test") && pytest_bounded(args, dir, tasks) {
            return Gates::BOUNDED_TEST;
        }
        return Gates::TEST;
    }
    if LINTERS.contains(&name.as_str()) {
        return Gates::LINT;
    }
    if FORMATTERS.contains(&name.as_str()) {
        return if has_check {
            Gates::LINT
        } else {
            Gates::default()
        };
    }
    let sub = args.first().copied().unwrap_or("");
    match name.as_str() {
        // The interpreter (`python`, `python3.12`), not a script named for it
        // (`python_tests.sh`).
        n if n
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
            || n == "py"
            || n == "pypy3"
            || n == "pypy" =>
        {
            let mut i = 0;
            while let Some(a) = args.get(i) {
                if *a == "-m" {
                    return args
                        .get(i + 1)
                        .map(|m| {
                            let m = *m;
                            match m {
                                "unittest" | "pytest" | "nose" | "nose2" | "tox" | "nox"
                                | "coverage" | "green" | "twisted.trial" => {
                                    let mut w = vec![if m == "unittest" { "pytest" } else { m }];
                                    w.extend(&args[i + 2..]);
                                    words_at(&w, dir, tasks, depth + 1)
                                }
                                "build" | "pip" if m == "build" => Gates::BUILD,
                                // `python -m tests.unit`: a test package run as a module.
                                _ if m.split('.').any(|p| {
                                    matches!(p, "test" | "tests")
                                        || p.starts_with("test_")
                                        || p.ends_with("_tests")
                                }) =>
                                {
                                    Gates::TEST
                                }
                                _ => words_at(&args[i + 1..], dir, tasks, depth + 1),
                            }
                        })
                        .unwrap_or_default();
                }
                if a.starts_with('-') {
                    i += 1;
                    continue;
                }
                // `python manage.py test`, `python setup.py test`, `python runtests.py`.
                let script = base(a);
                if args
                    .get(i + 1)
                    .is_some_and(|s| *s == "test" || *s == "check")
                {
                    return Gates::TEST;
                }
                return by_name(&script, true);
            }
            Gates::default()
        }
        // Django's `manage.py` by another name: `django-admin test`, and the console
        // script a project installs for it (`bugsink-manage test`).
        n if sub == "test"
            && (n == "django-admin" || n.ends_with("-manage") || n.ends_with("_manage")) =>
        {
            Gates::TEST
        }
        "coverage" if sub == "run" => {
            let rest = &args[1..];
            let rest: Vec<&str> = rest
                .iter()
                .copied()
                .skip_while(|a| a.starts_with('-') && *a != "-m")
                .collect();
            match rest.first() {
                // `coverage run -m unittest`: as `python -m unittest`.
                Some(_) => {
                    let mut w = vec!["python"];
                    w.extend(&rest);
                    words_at(&w, dir, tasks, depth + 1)
                }
                None => Gates::TEST,
            }
        }
        "cargo" | "cross" => {
            let rest: Vec<&str> = args
                .iter()
                .copied()
                .filter(|a| !a.starts_with('+'))
                .collect();
            cargo(&rest)
        }
        // `go test` stops each test binary after ten minutes unless `-timeout 0` says not to.
        "go" => match sub {
            "test" if option_value(args, &["-timeout", "--timeout"]).is_some_and(no_time) => {
                Gates::TEST
            }
            "test" => Gates::BOUNDED_TEST,
            "vet" => Gates::LINT,
            "build" | "install" => Gates::BUILD,
            _ => Gates::default(),
        },
        "deno" | "bun" if sub == "test" => Gates::TEST,
        // `mdbook test` compiles the code samples of a book: a check of the docs.
        "mdbook" if sub == "test" => Gates::LINT,
        // Biome's checks: `biome check`, `biome lint`, `biome ci` (not `biome format`).
        "biome" if matches!(sub, "check" | "lint" | "ci") => Gates::LINT,
        // Browser end-to-end runners: `playwright test`, `cypress run`.
        "playwright" if sub == "test" => Gates::TEST,
        "cypress" if sub == "run" => Gates::TEST,
        "node" | "tsx" if args.contains(&"--test") => Gates::TEST,
        // An interpreter running a runner's own script: `php vendor/bin/phpunit`,
        // `node node_modules/.bin/jest`, `ruby bin/rspec`.
        "php" | "node" | "nodejs" | "ruby" | "perl"
            if args
                .iter()
                .find(|a| !a.starts_with('-'))
                .is_some_and(|s| TEST_RUNNERS.contains(&base(s).as_str())) =>
        {
            Gates::TEST
        }
        "npm-run-all" | "npm-run-all2" | "run-s" | "run-p" | "concurrently" => {
            // They run other npm scripts by name.
            let names: Vec<String> = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .map(|a| a.trim_matches(['"', '\'']).to_string())
                .collect();
            let mut g = Gates::default();
            for n in names {
                let w: Vec<&str> = n.split_whitespace().collect();
                g = g.or(if w.len() > 1 {
                    words_at(&w, dir, tasks, depth + 1)
                } else {
                    run_tasks(
                        Runner::Npm,
                        dir,
                        &[n.trim_start_matches("npm:").to_string()],
                        tasks,
                        depth,
                    )
                });
            }
            g
        }
        "deno" if sub == "lint" || (sub == "fmt" && has_check) || sub == "check" => Gates::LINT,
        "bazel" | "bazelisk" | "buck2" | "pants" => match sub {
            "test" => Gates::TEST,
            "build" => Gates::BUILD,
            "lint" | "check" => Gates::LINT,
            _ => Gates::default(),
        },
        "mvn" | "mvnw" | "gradle" | "gradlew" | "sbt" | "lein" | "mix" | "swift" | "dotnet"
        | "flutter" | "dart" | "rake" | "composer" | "cabal" | "stack" => {
            let mut g = Gates::default();
            for a in args {
                g = g.or(match *a {
                    "test" | "verify" | "check" | "spec" | "integrationTest" | "tests" => {
                        Gates::TEST
                    }
                    "build" | "package" | "install" | "assemble" | "compile" => Gates::BUILD,
                    "lint" | "analyze" | "credo" | "dialyzer" | "spotbugsMain" | "ktlintCheck"
                    | "detekt" => Gates::LINT,
                    _ => Gates::default(),
                });
            }
            g
        }
        "maturin" | "hatch" | "flit" | "twine" | "setuptools"
            if matches!(sub, "build" | "develop" | "publish") =>
        {
            Gates::BUILD
        }
        "hatch" if sub == "test" => Gates::TEST,
        "hatch" if sub == "fmt" => Gates::LINT,
        "hatch" if sub == "run" => {
            // `hatch run test`, `hatch run lint:check`, `hatch run +py=3.12 test:cov`.
            let task = args
                .iter()
                .skip(1)
                .find(|a| !a.starts_with('-') && !a.starts_with('+'))
                .copied()
                .unwrap_or("");
            let g = by_name(task, false);
            if g.any() {
                g
            } else {
                words_at(&args[1..], dir, tasks, depth + 1)
            }
        }
        "make" | "gmake" | "just" => {
            let runner = if name == "just" {
                Runner::Just
            } else {
                Runner::Make
            };
            let (dir, targets) =
                runner_args(args, dir, &["-C", "--directory", "-d", "--justfile-dir"]);
            run_tasks(runner, &dir, &targets, tasks, depth)
        }
        "tox" => {
            let envs = option_values(args, &["-e", "--env"]);
            if envs.is_empty() && tasks.and_then(|t| t.get(dir, Runner::Tox)).is_none() {
                return Gates::TEST;
            }
            let g = run_tasks(Runner::Tox, dir, &envs, tasks, depth);
            // tox alone runs its default environments: the tests, where following
            // them found none.
            if envs.is_empty() && !g.test {
                g.or(Gates::TEST)
            } else {
                g
            }
        }
        // `engage` runs every task; `engage GROUP` (or a task's name) some.
        "engage" => {
            let names: Vec<String> = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .map(|a| (*a).to_string())
                .collect();
            run_tasks(Runner::Engage, dir, &names, tasks, depth)
        }
        "nox" => {
            let sessions = option_values(args, &["-s", "--session", "--sessions", "-e"]);
            if sessions.is_empty() && tasks.and_then(|t| t.get(dir, Runner::Nox)).is_none() {
                return Gates::TEST;
            }
            run_tasks(Runner::Nox, dir, &sessions, tasks, depth)
        }
        "npm" | "pnpm" | "yarn" | "bun" => {
            let (dir, rest) = runner_args(args, dir, &["--prefix", "-C", "--dir", "--cwd"]);
            let first = rest.first().map(String::as_str).unwrap_or("");
            let script = match first {
                "test" | "t" | "tst" => Some("test".to_string()),
                "run" | "run-script" => rest.get(1).cloned(),
                "install" | "i" | "ci" | "add" | "exec" | "publish" | "pack" | "" => None,
                other if name != "npm" => Some(other.to_string()),
                _ => None,
            };
            match script {
                Some(s) => run_tasks(Runner::Npm, &dir, &[s], tasks, depth),
                None => Gates::default(),
            }
        }
        // Task runners whose tasks are code (`invoke` in `tasks.py`, `gulp` in
        // `gulpfile.js`, poethepoet, doit, go-task): each task named is judged by its
        // name (`invoke unittest lint`, `gulp coverage`).
        "invoke" | "inv" | "gulp" | "grunt" | "poe" | "doit" | "task" => args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .fold(Gates::default(), |g, a| g.or(by_name(a, false))),
        "nix" if sub == "flake" && args.get(1) == Some(&"check") => Gates::ALL,
        "docker" | "podman" if sub == "build" || (sub == "buildx" && has("build")) => Gates::BUILD,
        "docker" if sub == "compose" && has("build") => Gates::BUILD,
        // A script judged by its name, else (a shell or Python script) by its first
        // argument, the task it is asked for (`./manage.py test`, `./app.sh lint`),
        // when that argument reads as a task name rather than a path, an image or a
        // value (`./pull.sh org/app-e2e:sha-1` names no task).
        _ if words[0].contains('/') || words[0].starts_with("./") => {
            // A shell script of the repository is followed: what its commands do, else
            // (none is known) what its name says.
            let path = crate::source::join_path(dir, words[0].trim_start_matches("./"));
            let followed = tasks
                .and_then(|t| t.get(&path, Runner::Script))
                .map(|_| run_tasks(Runner::Script, &path, &[], tasks, depth + 1))
                .unwrap_or_default();
            if followed.any() {
                return followed;
            }
            let g = by_name(&name, true);
            let script = [".sh", ".bash", ".py"]
                .iter()
                .any(|e| words[0].ends_with(e));
            match args.first() {
                Some(task)
                    if script
                        && !g.any()
                        && !task.starts_with('-')
                        && task
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
                {
                    by_name(task, false)
                }
                _ => g,
            }
        }
        _ => Gates::default(),
    }
}

/// The value of the last of `options` among `args`, given as `-timeout 5m` or
/// `-timeout=5m`.
fn option_value<'w>(args: &[&'w str], options: &[&str]) -> Option<&'w str> {
    let mut found = None;
    for (i, a) in args.iter().enumerate() {
        match a.split_once('=') {
            Some((o, v)) if options.contains(&o) => found = Some(v),
            None if options.contains(a) => found = args.get(i + 1).copied(),
            _ => {}
        }
    }
    found
}

/// A duration that switches a timeout off: `0`, `0s`, `0m`.
fn no_time(v: &str) -> bool {
    let digits = v.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty() && digits.chars().all(|c| c == '0')
}

/// Whether a `pytest` run gives each test a timeout (pytest-timeout): `--timeout 300` on
/// its command line, or, without one, in the pytest configuration it reads: the first
/// found from the directory it runs in upwards, as pytest looks for it. `--timeout 0`,
/// and `-p no:timeout`, switch it off.
fn pytest_bounded(args: &[&str], dir: &str, tasks: Option<&TaskFiles<'_>>) -> bool {
    if args
        .windows(2)
        .any(|w| w[0] == "-p" && w[1] == "no:timeout")
    {
        return false;
    }
    if let Some(v) = option_value(args, &["--timeout"]) {
        return !no_time(v);
    }
    let Some(configured) = tasks.and_then(|t| t.pytest_timeouts) else {
        return false;
    };
    let mut here = dir;
    loop {
        if let Some(timeout) = configured.get(here) {
            return *timeout;
        }
        if here.is_empty() {
            return false;
        }
        here = crate::source::parent_dir(here);
    }
}

fn cargo(args: &[&str]) -> Gates {
    let sub = args.first().copied().unwrap_or("");
    let has_check = args.contains(&"--check");
    match sub {
        "test" | "nextest" | "tarpaulin" | "llvm-cov" | "miri" | "careful" | "mutants"
        | "insta" | "flaky" | "t" => Gates::TEST,
        "clippy" | "deny" | "audit" | "machete" | "udeps" | "semver-checks" | "vet" | "geiger"
        | "shear" => Gates::LINT,
        "fmt" if has_check => Gates::LINT,
        "build" | "check" | "doc" | "b" | "c" | "rustc" | "package" | "publish" => Gates::BUILD,
        "hack" | "xtask" | "make" | "run" => {
            // `cargo hack --each-feature test`, `cargo xtask ci`.
            let rest: Vec<&str> = args[1..]
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect();
            let g = cargo(&rest);
            if g.any() || sub == "run" {
                g
            } else {
                rest.iter()
                    .fold(Gates::default(), |g, a| g.or(by_name(a, false)))
            }
        }
        _ => Gates::default(),
    }
}

/// The directory a runner is pointed at (`make -C dir`, `npm --prefix dir`) and the
/// other arguments.
fn runner_args(args: &[&str], dir: &str, dir_opts: &[&str]) -> (String, Vec<String>) {
    let mut d = dir.to_string();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if dir_opts.contains(&a) {
            if let Some(v) = args.get(i + 1) {
                d = join(dir, v);
            }
            i += 2;
            continue;
        }
        if let Some((k, v)) = a.split_once('=') {
            if dir_opts.contains(&k) {
                d = join(dir, v);
            }
            i += 1;
            continue;
        }
        if a.starts_with('-') {
            // `-f file`, `-j 4`: skip a following number too.
            i += 1;
            if matches!(a, "-f" | "--file" | "-j" | "--jobs" | "--justfile") {
                i += 1;
            }
            continue;
        }
        rest.push(a.to_string());
        i += 1;
    }
    (d, rest)
}

fn join(dir: &str, sub: &str) -> String {
    let sub = sub.trim_start_matches("./").trim_end_matches('/');
    if sub == "." || sub.is_empty() {
        dir.to_string()
    } else if dir.is_empty() {
        sub.to_string()
    } else {
        format!("{dir}/{sub}")
    }
}

/// Values of options such as `-e a,b` or `-s a b` (up to the next option).
fn option_values(args: &[&str], opts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let inline = opts
            .iter()
            .find_map(|o| a.strip_prefix(&format!("{o}=")).map(str::to_string));
        if let Some(v) = inline {
            out.extend(v.split(',').map(str::to_string));
        } else if opts.contains(&a) {
            i += 1;
            while let Some(v) = args.get(i) {
                if v.starts_with('-') {
                    i -= 1;
                    break;
                }
                out.extend(v.split(',').map(str::to_string));
                i += 1;
            }
        }
        i += 1;
    }
    out.retain(|s| !s.is_empty() && s != "--");
    out
}

fn run_tasks(
    runner: Runner,
    dir: &str,
    names: &[String],
    tasks: Option<&TaskFiles<'_>>,
    depth: usize,
) -> Gates {
    let file = tasks.and_then(|t| t.get(dir, runner));
    let names: Vec<String> = if names.is_empty() {
        match file {
            Some(f) if !f.default.is_empty() => f.default.clone(),
            Some(f) if runner == Runner::Nox => f.tasks.keys().cloned().collect(),
            Some(_) => return Gates::default(),
            None => {
                return if runner == Runner::Make {
                    Gates::ALL
                } else {
                    Gates::default()
                };
            }
        }
    } else {
        names.to_vec()
    };
    let mut g = Gates::default();
    for name in &names {
        let memo_key = (dir.to_string(), runner_key(runner), name.clone());
        if let Some(t) = tasks {
            // Known from as high up or higher: as complete as following it again.
            if let Some((known, at)) = t.memo.borrow().get(&memo_key)
                && *at <= depth
            {
                g = g.or(*known);
                continue;
            }
            t.memo
                .borrow_mut()
                .insert(memo_key.clone(), (Gates::default(), depth));
            t.followed.set(t.followed.get() + 1);
        }
        let task = task_gates(runner, dir, name, file, tasks, depth);
        if let Some(t) = tasks {
            t.memo.borrow_mut().insert(memo_key, (task, depth));
        }
        g = g.or(task);
    }
    g
}

/// What one task does: its command lines followed, else its name.
fn task_gates(
    runner: Runner,
    dir: &str,
    name: &String,
    file: Option<&Tasks>,
    tasks: Option<&TaskFiles<'_>>,
    depth: usize,
) -> Gates {
    {
        let lines = file.and_then(|f| {
            f.tasks.get(name).or_else(|| {
                // tox: `py312` and factor envs run the base `[testenv]` commands.
                (runner == Runner::Tox).then(|| f.tasks.get("")).flatten()
            })
        });
        // Each line is known when it runs a gate or only keeps books; when every line
        // is, the task is what its lines do, whatever its name (`test-description`
        // building a wheel and running `twine check`; npm's placeholder `echo "Error: no
        // test specified" && exit 1`; tox's `coverage` env combining reports).
        let mut found = Gates::default();
        let mut known = lines.is_some_and(|ls| !ls.is_empty());
        for l in lines.into_iter().flatten() {
            let g = script_at(l, dir, tasks, depth + 1);
            // A prerequisite (`make install-dev`) is another task of the file, followed.
            let prerequisite = l.split_once(' ').is_some_and(|(runner, names)| {
                matches!(runner, "make" | "just")
                    && file.is_some_and(|f| names.split(' ').all(|n| f.tasks.contains_key(n)))
            });
            known &= g.any()
                || prerequisite
                || shell::split(&substitute_variables(l))
                    .iter()
                    .all(keeps_books);
            found = found.or(g);
        }
        let found = if runner == Runner::Tox && name.starts_with("py") && !found.any() {
            Gates::TEST
        } else {
            found
        };
        // A task we could not follow (or that names its tools through variables) is
        // judged by its name.
        if known {
            found
        } else if found.any() {
            // `npm test` running `xo && c8 ava`: the name says tests even where a
            // command was not recognised; generic names (`ci`, `all`) add nothing.
            if whole_gate(&name.to_ascii_lowercase()) {
                found
            } else {
                found.or(by_name(name, false))
            }
        } else {
            by_name(name, false)
        }
    }
}

/// A command that runs no gate and stands for none: output, files, and coverage
/// reports of tests that ran before.
fn keeps_books(cmd: &SimpleCommand) -> bool {
    let words = cmd.program();
    let sub = words.get(1).map_or("", |w| w.value.as_str());
    match cmd.program_name().map(base).as_deref() {
        None => true,
        Some(
            "echo" | "exit" | "true" | "printf" | ":" | "cd" | "rm" | "mkdir" | "cp" | "mv"
            | "touch" | "ls" | "cat" | "export" | "coveralls" | "codecov" | "diff-cover",
        ) => true,
        Some("coverage") => sub != "run",
        _ => false,
    }
}

/// What a task or script does, judged by its name (`test`, `lint`, `ci`, `check`): the
/// name is cut into words at `-`, `_`, `.`, `:` and `/`, so that `run_tests`,
/// `test:cov` and `lint-all` count and `inspect` or `discover` do not.
pub fn by_name(name: &str, path_like: bool) -> Gates {
    let n = name.to_ascii_lowercase();
    let words: Vec<&str> = n
        .split(['-', '_', '.', ':', '/', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    let any = |f: &dyn Fn(&str) -> bool| words.iter().any(|w| f(w));
    let mut g = Gates::default();
    if any(&|w| {
        // `testpypi` is a package index, not a test.
        (w.starts_with("test") && w != "testpypi")
            || w.ends_with("test")
            || w.ends_with("tests")
            || matches!(
                w,
                "spec" | "specs" | "tox" | "nox" | "pytest" | "unit" | "e2e" | "integration"
            )
            // `cov`, `coverage`, `test-cov`; `coveralls` only uploads a report.
            || (w.starts_with("cov") && !w.starts_with("coveralls"))
    }) {
        g = g.or(Gates::TEST);
    }
    if any(&|w| {
        matches!(
            w,
            "lint"
                | "linter"
                | "linters"
                | "linting"
                | "fmt"
                | "format"
                | "style"
                | "typecheck"
                | "typing"
                | "types"
                | "mypy"
                | "clippy"
                | "static"
                | "ruff"
                | "flake8"
                | "pylint"
                | "pyright"
                | "eslint"
                | "precommit"
                | "checkformat"
                | "formatcheck"
                | "checkstyle"
                | "stylecheck"
        ) || w.starts_with("lint")
            || w.starts_with("analy")
    }) {
        g = g.or(Gates::LINT);
    }
    if any(&|w| matches!(w, "build" | "compile")) {
        g = g.or(Gates::BUILD);
    }
    if whole_gate(&n) || (path_like && n == "run") {
        g = Gates::ALL;
    }
    g
}

/// Names that by convention run every gate (`make ci`, `make check`, `just all`).
fn whole_gate(n: &str) -> bool {
    matches!(
        n,
        "ci" | "check"
            | "checks"
            | "all"
            | "verify"
            | "validate"
            | "pr"
            | "precommit"
            | "pre-commit"
            | "pre_commit"
            | "gate"
    ) || n.starts_with("ci-")
        || n.starts_with("ci_")
        || n.ends_with("-ci")
        || n.ends_with("_ci")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ci::tasks;

    fn g(s: &str) -> Gates {
        script(s, "", None)
    }

    #[test]
    fn tests_that_bound_themselves() {
        // go test stops each test binary after ten minutes, unless told not to.
        assert_eq!(g("go test -race ./..."), Gates::BOUNDED_TEST);
        assert_eq!(g("go test -timeout=20m ./..."), Gates::BOUNDED_TEST);
        assert_eq!(g("go test -timeout 0 ./..."), Gates::TEST);
        assert_eq!(g("go test -timeout=0s ./..."), Gates::TEST);
        // pytest-timeout on the command line, through launchers and tox.
        assert_eq!(
            g("uv run pytest --timeout=300 -n auto"),
            Gates::BOUNDED_TEST
        );
        assert_eq!(
            g("python -m pytest --timeout 60 tests"),
            Gates::BOUNDED_TEST
        );
        assert_eq!(g("pytest --timeout 0"), Gates::TEST);
        assert_eq!(g("pytest --timeout=60 -p no:timeout"), Gates::TEST);
        assert_eq!(g("pytest tests"), Gates::TEST);
        // A bounded and an unbounded run: unbounded.
        assert!(g("go test ./... && cargo test").unbounded_test);
        // The configuration nearest to where pytest runs decides.
        let configs: BTreeMap<String, bool> =
            [(String::new(), true), ("worker".to_string(), false)]
                .into_iter()
                .collect();
        let tox = tasks::parse(
            Runner::Tox,
            "[tox]\nenvlist = py312\n[testenv]\ncommands = pytest tests\n",
        );
        let mut files = TaskFiles {
            pytest_timeouts: Some(&configs),
            ..Default::default()
        };
        files.insert("", &tox);
        let t = Some(&files);
        assert_eq!(script("pytest", "", t), Gates::BOUNDED_TEST);
        assert_eq!(script("cd api && pytest", "", t), Gates::BOUNDED_TEST);
        assert_eq!(script("cd worker && pytest", "", t), Gates::TEST);
        assert_eq!(
            script("pytest --timeout 30", "worker", t),
            Gates::BOUNDED_TEST
        );
        // tox alone runs its default environment, followed into tox.ini.
        assert_eq!(script("tox", "", t), Gates::BOUNDED_TEST);
        assert_eq!(script("tox", "", None), Gates::TEST);
    }

    #[test]
    fn direct_commands() {
        assert_eq!(g("cargo test --workspace"), Gates::TEST);
        assert_eq!(g("cargo +nightly clippy -- -D warnings"), Gates::LINT);
        assert_eq!(g("cargo fmt --all -- --check"), Gates::LINT);
        assert_eq!(g("cargo fmt --all"), Gates::default());
        assert_eq!(g("${{ env.CARGO }} test --all"), Gates::TEST);
        assert_eq!(g("python -m pytest -q"), Gates::TEST);
        assert_eq!(g("uv run --frozen pytest tests/"), Gates::TEST);
        assert_eq!(g("poetry run mypy src"), Gates::LINT);
        assert_eq!(g("xvfb-run -a npm test"), Gates::TEST);
        assert_eq!(
            g("find app -name '*.py' -print0 | xargs -0 python -m flake8"),
            Gates::LINT
        );
        assert_eq!(
            g("git ls-files '*.sh' | xargs -n 1 -P 4 shellcheck"),
            Gates::LINT
        );
        assert_eq!(g("ls | xargs -I {} echo {}"), Gates::default());
        assert_eq!(g("docker compose run --rm app pytest"), Gates::TEST);
        // A command substitution runs its commands.
        assert_eq!(
            g("OUTPUT=$(uv run pytest --cov-fail-under 80 2>&1)\necho \"$OUTPUT\""),
            Gates::TEST
        );
        assert_eq!(g("VERSION=$(git describe --tags)"), Gates::default());
        // The entrypoint runs the words after the service.
        assert_eq!(
            g("docker compose run --rm -T --entrypoint coverage app run -m unittest"),
            Gates::TEST
        );
        assert_eq!(
            g("docker run --rm --entrypoint=pytest org/app:ci -q tests"),
            Gates::TEST
        );
        assert_eq!(
            g("docker compose run --rm --entrypoint sh app -c 'echo ready'"),
            Gates::default()
        );
        assert_eq!(g("pip install pytest"), Gates::default());
        assert_eq!(g("echo pytest"), Gates::default());
        assert_eq!(g("black --check ."), Gates::LINT);
        assert_eq!(g("black ."), Gates::default());
        assert_eq!(g("./scripts/test.sh"), Gates::TEST);
        assert_eq!(
            g("/bin/bash -c \"scripts/bootstrap.sh && cargo test\""),
            Gates::TEST
        );
        assert_eq!(g("bash -e -c 'ruff check .'"), Gates::LINT);
        assert_eq!(g("bash scripts/lint"), Gates::LINT);
        assert_eq!(
            g("docker run --rm -v \"$(pwd)\":/app/ ghcr.io/org/python-dev:1 checkformat"),
            Gates::LINT
        );
        assert_eq!(
            g("docker compose run --rm -v .:/src app run-linters"),
            Gates::LINT
        );
        assert_eq!(
            g("docker run --rm -v .:/app org/app:1 serve"),
            Gates::default()
        );
        assert_eq!(g("docker run --rm org/tools:1 build"), Gates::BUILD);
        assert_eq!(g("docker run --rm -v .:/app"), Gates::default());
        assert_eq!(g("python manage.py test"), Gates::TEST);
        assert_eq!(g("hatch run test:cov"), Gates::TEST);
        assert_eq!(g("coverage run -m pytest"), Gates::TEST);
        assert_eq!(g("python3.12 -m pytest"), Gates::TEST);
        // A function of the script, called with the test command.
        let wrapped = "#!/usr/bin/env bash\nset -eo pipefail\n\necho_hi() {\n\techo \"$@\"\n}\n\nfunction run_test {\n\techo_hi \"[TEST] $@\"\n\tpoetry run \"$@\"\n}\n\nrun_test ./scripts/check_migrations.sh\nrun_test pytest\n";
        assert_eq!(g(wrapped), Gates::TEST);
        assert_eq!(
            g("run_test() {\n  poetry run \"$@\"\n}\nrun_test echo ready\n"),
            Gates::default()
        );
        assert_eq!(
            g("coverage run --source=app -m unittest discover"),
            Gates::TEST
        );
        assert_eq!(g("tox"), Gates::TEST);
        assert_eq!(g("poetry run invoke unittest"), Gates::TEST);
        assert_eq!(g("gulp coverage"), Gates::TEST);
        assert_eq!(g("gulp lint"), Gates::LINT);
        assert_eq!(g("invoke --help"), Gates::default());
        assert_eq!(g("invoke migrate"), Gates::default());
        assert_eq!(g("uv run ./manage.py test"), Gates::TEST);
        assert_eq!(
            g("docker compose exec -T web /app/webapp.sh test"),
            Gates::TEST
        );
        assert_eq!(g("./manage.py migrate"), Gates::default());
        assert_eq!(g("python -m tests.unit"), Gates::TEST);
        assert_eq!(g("python -m myapp.test_views"), Gates::TEST);
        assert_eq!(g("python -m contest.server"), Gates::default());
        assert_eq!(g("bugsink-manage test --parallel"), Gates::TEST);
        assert_eq!(g("django-admin test"), Gates::TEST);
        assert_eq!(g("bugsink-manage migrate"), Gates::default());
        // An argument that is an image, a path or a value names no task.
        assert_eq!(
            g("./ci/docker-pull-with-retry.sh org/gateway-e2e:sha-1"),
            Gates::default()
        );
        // TestPyPI is a package index.
        assert_eq!(g("./ci/upload.sh testpypi"), Gates::default());
        assert_eq!(g("./ci/job.sh unit_tests"), Gates::TEST);
        assert_eq!(g("nox -s lint"), Gates::LINT);
        assert!(g("make check").test);
        assert_eq!(g("npm run lint"), Gates::LINT);
        assert_eq!(g("pre-commit run --all-files"), Gates::LINT);
        assert_eq!(g("timeout 600 cargo test"), Gates::TEST);
        assert_eq!(g("pnpm exec playwright test --shard 1/2"), Gates::TEST);
        assert_eq!(g("npx cypress run"), Gates::TEST);
        assert_eq!(g("npx playwright install --with-deps"), Gates::default());
        // Combining the reports of sharded runs runs no test.
        assert_eq!(
            g("npx vitest --merge-reports --reporter=junit"),
            Gates::default()
        );
        assert_eq!(g("npx vitest run --shard=1/2"), Gates::TEST);
        // A command substitution whose quotes hold a `)` is read by the shell, not cut
        // at the first `)` as Make's `$(VAR)` (the words after it were taken for
        // commands).
        assert_eq!(
            g(
                "V=$(node -p \"require('./package.json').devDependencies.vitest\")\n\
               echo \"Installing vitest $V\"\n\
               npm install vitest@$V --no-save"
            ),
            Gates::default()
        );
        assert_eq!(
            g(
                "npx --yes vitest@$(node -p \"require('./package.json').devDependencies.vitest\") --merge-reports"
            ),
            Gates::default()
        );
        assert_eq!(g("php ../../vendor/bin/phpunit"), Gates::TEST);
        assert_eq!(g("node node_modules/.bin/jest --ci"), Gates::TEST);
        assert_eq!(g("./node_modules/.bin/standard"), Gates::LINT);
        assert_eq!(g("npx ts-standard src"), Gates::LINT);
        assert_eq!(g("npx biome ci ."), Gates::LINT);
        assert_eq!(g("npx biome format --write ."), Gates::default());
        assert_eq!(g("php -d memory_limit=-1 artisan serve"), Gates::default());
        assert_eq!(g("node server.js"), Gates::default());
    }

    fn compose(path: &str, text: &str) -> ComposeFacts {
        use crate::lang::{FrontEnd, Sink};
        struct Nothing;
        impl Sink for Nothing {}
        let source = crate::source::SourceFile::new(path, path, text.to_string());
        let mut out = crate::lang::Output::default();
        crate::lang::compose::ComposeFrontEnd.read(
            &source,
            crate::lang::FileKind::Compose,
            &mut Nothing,
            &mut out,
        );
        *out.facts.compose.expect("a Compose file")
    }

    #[test]
    fn a_compose_call_without_a_command_runs_the_service_s_own() {
        let base = compose(
            "docker-compose.yml",
            "services:\n  app:\n    build: .\n    command: gunicorn app:app\n  db:\n    image: postgres:16\n",
        );
        let tests = compose(
            "tests/docker-compose.yml",
            "services:\n  app:\n    command: [\"pytest -sv\"]\n  lint:\n    image: x\n    entrypoint: [\"sh\", \"-c\"]\n    command: [\"ruff check .\"]\n",
        );
        let mut files = TaskFiles::default();
        files.compose.insert("docker-compose.yml".into(), &base);
        files
            .compose
            .insert("tests/docker-compose.yml".into(), &tests);
        let t = Some(&files);
        // The later file's command wins.
        assert_eq!(
            script(
                "docker compose -f docker-compose.yml -f tests/docker-compose.yml run --rm app",
                "",
                t
            ),
            Gates::TEST
        );
        assert_eq!(
            script("docker compose run --rm app", "", t),
            Gates::default()
        );
        assert_eq!(
            script(
                "docker-compose --file=tests/docker-compose.yml run lint",
                "",
                t
            ),
            Gates::LINT
        );
        assert_eq!(
            script(
                "cd tests && docker compose up --build --exit-code-from app",
                "",
                t
            ),
            Gates::TEST
        );
        assert_eq!(
            script(
                "docker compose -f tests/docker-compose.yml up --abort-on-container-exit",
                "",
                t
            ),
            Gates::TEST.or(Gates::LINT)
        );
        // A command of its own, an unknown file or service: as before.
        assert_eq!(
            script(
                "docker compose -f tests/docker-compose.yml run app ls",
                "",
                t
            ),
            Gates::default()
        );
        assert_eq!(
            script("docker compose -f other.yml run --rm app", "", t),
            Gates::default()
        );
        assert_eq!(
            script(
                "docker compose -p ci -f docker-compose.yml run --rm app pytest",
                "",
                t
            ),
            Gates::TEST
        );
        assert_eq!(script("docker compose up -d db", "", t), Gates::default());
    }

    #[test]
    fn a_function_that_evals_its_argument_runs_the_commands_it_is_given() {
        let just = tasks::parse(
            Runner::Just,
            "check:\n    #!/usr/bin/env bash\n    set -euo pipefail\n    failed=0\n    check() {\n      echo \"=> ${1}\"\n      rc=0\n      eval $1 || rc=$?\n      if [[ $rc != 0 ]]; then\n        failed=$((failed + 1))\n      fi\n    }\n    check \"just format\"\n    check \"just lint\"\n    test -d docker/ && check \"just docker-lint\"\n    exit $failed\n\nformat:\n    ruff format --check .\n\nlint:\n    ruff check .\n\ndocker-lint:\n    hadolint Dockerfile\n\ntest:\n    pytest\n\nall:\n    #!/usr/bin/env bash\n    run() {\n      eval \"$1\"\n    }\n    run \"just test\"\n",
        );
        let mut files = TaskFiles::default();
        files.insert("", &just);
        let t = Some(&files);
        assert_eq!(script("just check", "", t), Gates::LINT);
        assert_eq!(script("just all", "", t), Gates::TEST);
        assert_eq!(script("eval \"pytest -x\"", "", None), Gates::TEST);
        assert_eq!(script("exec pytest", "", None), Gates::TEST);
        assert_eq!(positional("$1"), Some(1));
        assert_eq!(positional("${2}"), Some(2));
        assert_eq!(positional("$0"), None);
        assert_eq!(positional("$10"), None);
        assert_eq!(positional("$HOME"), None);
    }

    #[test]
    fn wrappers_are_followed_into_task_files() {
        let make = tasks::parse(
            Runner::Make,
            "ci: lint unit\nunit:\n\t$(PYTHON) -m pytest\nlint:\n\truff check .\ndocs:\n\tmkdocs build\n",
        );
        let npm = tasks::parse(
            Runner::Npm,
            r#"{"scripts":{"test":"echo \"Error: no test specified\" && exit 1","verify":"vitest run"}}"#,
        );
        let mut files = TaskFiles::default();
        files.insert("", &make);
        files.insert("web", &npm);
        let t = Some(&files);
        assert_eq!(
            script("make ci", "", t),
            Gates {
                test: true,
                lint: true,
                build: false,
                unbounded_test: true
            }
        );
        assert_eq!(script("make docs", "", t), Gates::default());
        assert_eq!(
            script("make", "", t),
            Gates {
                test: true,
                lint: true,
                build: false,
                unbounded_test: true
            }
        );
        assert_eq!(script("npm test", "web", t), Gates::default());
        assert_eq!(script("npm run verify", "web", t), Gates::TEST);
        assert_eq!(script("npm --prefix web run verify", "", t), Gates::TEST);
    }

    #[test]
    fn a_task_whose_every_line_is_known_is_what_its_lines_do() {
        let make = tasks::parse(
            Runner::Make,
            "install-dev:\n\tuv pip install -e .\ntest-description: install-dev\n\t$(VENV)/bin/python -m build\n\t$(VENV)/bin/twine check dist/*.whl\ntest-unit:\n\t$(PYTEST) tests/unit\ndoc-test:\n\tmdbook test docs\ntest-clean:\n\trm -rf .pytest_cache\n",
        );
        let tox = tasks::parse(
            Runner::Tox,
            "[testenv]\ncommands =\n    tests: pytest\n    coverage: coverage combine\n    coverage: coverage report\n",
        );
        let mut files = TaskFiles::default();
        files.insert("", &make);
        files.insert("py", &tox);
        let t = Some(&files);
        // Builds a wheel and checks its metadata: no tests, whatever the name says.
        assert_eq!(
            script("make test-description", "", t),
            Gates {
                test: false,
                lint: true,
                build: true,
                unbounded_test: false
            }
        );
        // A line through a variable is not known: the name decides.
        assert_eq!(script("make test-unit", "", t), Gates::TEST);
        assert_eq!(script("make doc-test", "", t), Gates::LINT);
        assert_eq!(script("make test-clean", "", t), Gates::default());
        assert_eq!(script("tox -e coverage", "py", t), Gates::default());
        assert_eq!(script("tox -e tests", "py", t), Gates::TEST);
        // Uploading a coverage report runs no tests.
        assert_eq!(g(".venv/bin/coveralls --service=github"), Gates::default());
        assert_eq!(g("make coverage"), Gates::TEST);
    }

    #[test]
    fn engage_runs_every_task_or_a_groups() {
        let engage = tasks::parse(
            Runner::Engage,
            "interpreter = [\"bash\", \"-c\"]\n\n[[task]]\nname = \"cargo\"\ngroup = \"versions\"\nscript = \"cargo --version\"\n\n[[task]]\nname = \"clippy\"\ngroup = \"lints\"\nscript = \"cargo clippy -- -D warnings\"\n\n[[task]]\nname = \"cargo-test\"\ngroup = \"tests\"\nscript = \"cargo test --workspace\"\n",
        );
        let mut files = TaskFiles::default();
        files.insert("", &engage);
        let t = Some(&files);
        assert_eq!(
            script("direnv exec . engage", "", t),
            Gates {
                test: true,
                lint: true,
                build: false,
                unbounded_test: true
            }
        );
        assert_eq!(script("engage tests", "", t), Gates::TEST);
        assert_eq!(script("engage clippy", "", t), Gates::LINT);
        assert_eq!(script("engage versions", "", t), Gates::default());
        // Not TOML: no tasks, nothing run.
        assert!(
            tasks::parse(Runner::Engage, "[[task]\nname =")
                .tasks
                .is_empty()
        );
    }

    /// Forty targets, each depending on every later one, and only the last runs the
    /// tests: followed naively that is 2^39 paths. Every target must still be found to
    /// run the tests, whichever is asked first and however deep it was first reached,
    /// and each is followed a bounded number of times.
    #[test]
    fn a_dense_makefile_is_followed_once_per_target_and_correctly() {
        let n = 40;
        let mut text = String::new();
        for i in 0..n {
            let later: Vec<String> = (i + 1..n).map(|j| format!("t{j}")).collect();
            text.push_str(&format!(
                "t{i}: {}
",
                later.join(" ")
            ));
        }
        text.push_str(&format!(
            "t{}:
	pytest -q
",
            n - 1
        ));
        let make = tasks::parse(Runner::Make, &text);
        let mut files = TaskFiles::default();
        files.insert("", &make);
        let t = Some(&files);
        assert_eq!(script("make t0", "", t), Gates::TEST);
        for i in [20, 10, 5, 1] {
            assert_eq!(script(&format!("make t{i}"), "", t), Gates::TEST, "t{i}");
        }
        assert_eq!(files.memo.borrow().len(), n);
        assert!(
            files.followed.get() <= n * 10,
            "{} targets followed",
            files.followed.get()
        );
    }
}
