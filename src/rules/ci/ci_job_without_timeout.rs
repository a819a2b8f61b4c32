//! CI005 ci-job-without-timeout.

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::FileKind;
use crate::lang::ci::{CiFile, github};
use crate::lang::yaml::Node;
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a GitHub Actions job without `timeout-minutes` whose hang would cost: one
    /// with a step (without its own `timeout-minutes`) that runs
    /// the tests (as CI002 recognises them: `pytest`, `cargo test`, `make test`, …),
    /// builds an image (`docker/build-push-action`), or drives containers or a cloud
    /// (`docker compose up`, `docker push`, `aws`, `gcloud`, `az`,
    /// `kubectl`, `helm`, `terraform`, `flyctl`); or, on a paid or self-hosted runner,
    /// one that runs any command other than bookkeeping (`echo`, `git`, `gh`, `jq`,
    /// linters and formatters, `npm ci`, `uv lock`). Paid or self-hosted runners are
    /// `self-hosted` labels, known providers' runners (Depot, BuildJet, Namespace,
    /// Blacksmith, WarpBuild), GitHub's larger runners (named by their size, as
    /// `ubuntu-latest-16-cores`), any runner chosen by `group:` or `labels:`, and any
    /// label that names none of GitHub's hosted images (`ubuntu-*`, `windows-*`,
    /// `macos-*`): a runner the owners run or rent (`eks-ci-standard-4`,
    /// `ubicloud-standard-8`).
    ///
    /// A workflow that only a person starts (`on: workflow_dispatch`, or a pull request
    /// labelled by hand: `pull_request: {types: [labeled]}`) is flagged only on a paid
    /// or self-hosted runner: whoever started the run is watching it. A workflow that only publishing a release starts (`on: release`)
    /// is flagged only when the job runs the tests or is on a paid or self-hosted
    /// runner: whoever published the release watches the rest (measured on real
    /// services, 5 of 6 other findings there were not worth acting on). Tag pushes are
    /// not taken for manual runs, since scheduled jobs and release bots push tags. A job `container:` or
    /// `services:` alone does not make a job flagged: they are where the steps run and
    /// what they talk to, and the steps decide (a migration check beside a Postgres
    /// service is as quick as without it). A job on a runner that AWS CodeBuild starts
    /// (`runs-on: codebuild-<project>-…`) is not flagged: the CodeBuild project's build
    /// timeout (an hour by default) ends it.
    ///
    /// Commands of those tools that cannot wait long are not counted: bookkeeping of the
    /// runner's daemon (`docker login`, `docker buildx create`, `docker compose logs`,
    /// `docker compose down`), of a registry's manifests (`docker buildx imagetools
    /// create`, `docker manifest push`: the multi-platform merge after the builds, a
    /// few registry calls; of fifteen such jobs judged on real services, five were
    /// worth a timeout, so a job that only merges manifests is left alone), work on
    /// local files (`helm lint`, `helm dependency
    /// update`, `terraform fmt`, `terraform init`, `terraform output`, `kubectl
    /// kustomize`, `gcloud auth configure-docker`), `kubectl` calls that return once
    /// the API server answers (`get`, `patch`, `set image`, `apply` without `--wait`,
    /// `rollout restart`; not `exec`, `wait`, `delete` or `rollout status` without
    /// `--timeout`: of the jobs judged on real services, only those were worth a
    /// timeout), copies to and from a bucket (`gcloud storage cp`: the CLI bounds each
    /// request with its own timeouts and retries), calls of the AWS CLI, which bounds
    /// each of its calls in the same way and each of its waiters by a number of attempts
    /// (`aws s3 cp`, `aws ssm put-parameter`, `aws lambda update-function-code` and `aws
    /// lambda wait`; not `aws cloudformation deploy` or `wait`, which wait for a stack,
    /// nor `aws deploy`, `aws ecs execute-command`, `aws ssm start-session` or `aws logs
    /// tail --follow`: of the jobs judged on real services whose only cloud work was
    /// such calls, an artifact upload, a nightly backup, a Lambda update and its waiter,
    /// none was worth a timeout), and starts in the background that
    /// return at once (`docker compose up -d` without `--wait`, `docker run -d`). A job
    /// whose only cost is an image build (an action, or `docker build` and `docker
    /// push`), on a free hosted runner, in a
    /// concurrency group that cancels the run in progress (`cancel-in-progress: true`)
    /// is not flagged either: the next push cancels a hung build. The same holds in a
    /// reusable workflow that only callers start (`on: workflow_call`), when every job
    /// of the repository that calls it runs in such a group (measured on real services:
    /// 11 such findings judged, none worth acting on).
    ///
    /// ## Why it matters in production
    /// The default timeout is six hours. A hung test, a prompt waiting for input or a
    /// deadlock holds a runner (and, on paid plans, bills it) for six hours, blocks the
    /// merge queue, and delays the signal that something is wrong.
    ///
    /// ## Example
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     timeout-minutes: 20
    /// ```
    ///
    /// `readylint check --fix --unsafe-fixes` adds `timeout-minutes: 30` on the line after
    /// the job's `runs-on:` (at its indentation; the rest of the file is left as written):
    /// unsafe, since a job that takes longer than 30 minutes now fails. Not offered for a
    /// job written in flow style (`{runs-on: …}`) or whose `runs-on` comes from an alias.
    ///
    /// ## Known limits
    /// Jobs that call a reusable workflow (`uses:`) cannot set a timeout and are not
    /// flagged; step-level `timeout-minutes` does not count for the job, but a step that
    /// bounds itself (its `timeout-minutes`, a retry action's per-attempt
    /// `timeout_minutes`/`timeout_seconds`, as `nick-fields/retry` takes, or a `run:`
    /// script each of whose commands that can wait runs under `timeout`, as `timeout
    /// 20m pytest`) does not make the job flagged. Jobs made only
    /// of actions (a stale-issue bot, a release drafter), of bookkeeping, of linting, docs
    /// or packaging on a free hosted runner are not flagged: measured on real services,
    /// nobody acts on those (a hang there is rare, cheap and watched). On a paid or
    /// self-hosted runner, an action that runs a command given in its inputs
    /// (`actions-rs/cargo` with `command: build`, a `run:` input) counts as that command.
    /// Other actions that build or test can hang too; only the image builders above are
    /// known. A job switched off with `if: false` never runs and is not flagged, nor is
    /// one whose condition asks for an event the workflow never receives (`if:
    /// github.event_name == 'release'` in a workflow only pushes start).
    ///
    /// A task runner's task (`just check`, `make quality`, `tox -e coverage`) is judged
    /// by what the repository's task file says it runs (`Makefile`, `justfile`,
    /// `tox.ini`, `noxfile.py`, `package.json`'s scripts), followed as CI002 follows it:
    /// a job whose only cost is such a task that runs formatters and linters, or combines
    /// coverage reports, is not flagged. Without the task file, the name decides (`make
    /// check` and `make ci` run every gate). Only the tests are followed this way: a
    /// `make deploy` that runs `terraform apply` is not seen as driving a cloud.
    ///
    /// Tests whose runner stops a hung test by itself do not make a job flagged: `go
    /// test`, which ends each test binary after ten minutes unless `-timeout 0` says
    /// otherwise, and `pytest` with pytest-timeout's timeout, on its command line
    /// (`pytest --timeout=300`, also inside a task: `tox -e py312` whose `commands` run
    /// it so) or in the pytest configuration of the directory it runs in or above
    /// (`timeout` or `--timeout` in `addopts`, in `pytest.ini`, `[pytest]` of
    /// `tox.ini`, `[tool:pytest]` of `setup.cfg`, `[tool.pytest.ini_options]` of
    /// `pyproject.toml`). On a paid or self-hosted runner such a job is flagged as any
    /// other busy job is. Jest, Vitest and Playwright bound each test too, but a run
    /// that does not exit after its tests (an open handle, a server left running) is
    /// theirs to hang on, so they count as unbounded.
    pub CiJobWithoutTimeout,
    code = "CI005", name = "ci-job-without-timeout", category = Ci, severity = Note,
    default = false,
    reads = [
        FileKind::GithubWorkflow,
        FileKind::GithubAction,
        FileKind::GitlabCi,
        FileKind::TaskFile,
        FileKind::Manifest(crate::lang::manifest::ManifestKind::PackageJson),
        FileKind::Manifest(crate::lang::manifest::ManifestKind::Pyproject),
    ],
    fix = Unsafe,
}

/// What the message calls the hang of a job whose only cost is an image build on a free
/// hosted runner (read back by [`Rule::withdraws`]).
const IMAGE_BUILD: &str = "image build";

impl Rule for CiJobWithoutTimeout {
    /// A job whose only cost is an image build on a free hosted runner, in a reusable
    /// workflow every caller of which cancels the run in progress, is taken back: the
    /// caller's next run cancels a hung build, as the workflow's own group would.
    ///
    /// A job whose only cost is its tests, run through a task runner, is taken back
    /// when the task files show that what it runs is no test (`just check` formatting
    /// and linting, `tox -e coverage` combining reports): by its name alone, `check` or
    /// `coverage` was taken for the tests.
    fn withdraws(&self, wide: &crate::repo::RepoWide, path: &str, message: &str) -> bool {
        if message.contains(&format!("a hung {IMAGE_BUILD} holds")) {
            return wide.cancelled_callees.contains(path);
        }
        message.contains(&format!("a hung {TEST_RUN} holds"))
            && runs_no_unbounded_tests(wide, path, message)
    }

    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        let by_hand = started_by_hand(file);
        let by_release = started_by_release(file);
        for job in github::jobs(file) {
            if job.uses().is_some()
                || job.node.get("timeout-minutes").is_some()
                || codebuild_runner(&job)
            {
                continue;
            }
            let paid = paid_runner(&job);
            let steps: Vec<StepCost> = job.steps().iter().map(StepCost::of).collect();
            if !can_hang(&steps, paid) {
                continue;
            }
            // Someone started the run and is watching it: a hang there is seen and
            // cancelled, unless the runner bills (or is shared) while nobody looks.
            if by_hand && !paid {
                continue;
            }
            let image_build_only = !paid && only_builds_an_image(&steps);
            let tests_only = !paid && only_runs_tests(&steps);
            if image_build_only && github::cancels_in_progress(file, &job) {
                continue;
            }
            // Publishing a release starts the run; its publisher watches it, unless the
            // job runs the tests, whose hang holds the release.
            if by_release && !paid && !steps.iter().any(|s| !s.minutes && s.test) {
                continue;
            }
            let fix = timeout_fix(&cx.source.text, &job);
            let finding = cx.report(
                &Self::META,
                job.key.span.clone(),
                format!(
                    "job `{}` has no `timeout-minutes`: a hung {} holds its runner for six hours",
                    job.id(),
                    if image_build_only {
                        IMAGE_BUILD
                    } else if tests_only {
                        TEST_RUN
                    } else {
                        "run"
                    }
                ),
                "set `timeout-minutes:` on the job to a few times its usual duration",
            );
            if let Some(fix) = fix {
                finding.fix(fix);
            }
        }
    }
}

/// `timeout-minutes: 30` inserted on the line after the job's `runs-on:` (its value,
/// and a comment after it, included), at the indentation of `runs-on`.
fn timeout_fix(text: &str, job: &github::Job<'_>) -> Option<Fix> {
    let entry = job.node.entry("runs-on")?;
    let key = &entry.key.span;
    // The entry is the job's own (not from an alias elsewhere), in block style.
    if key.start < job.key.span.end || key.end > job.node.span.end.max(entry.value.span.end) {
        return None;
    }
    let line_start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..key.start];
    let job_line = text[..job.key.span.start].rfind('\n').map_or(0, |i| i + 1);
    let job_indent = &text[job_line..job.key.span.start];
    if !indent.chars().all(|c| c == ' ') || indent.len() <= job_indent.len() {
        return None;
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // A block value's span runs to the next token: back to the end of its last line.
    let end = text[..entry.value.span.end.max(key.end)].trim_end().len();
    let at = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let lead = if at == text.len() && !text.ends_with('\n') {
        newline
    } else {
        ""
    };
    Some(Fix::unsafe_(vec![Edit::insert(
        at,
        format!("{lead}{indent}timeout-minutes: 30{newline}"),
    )]))
}

/// Commands that only move data around the runner, talk to the GitHub API, or check
/// and format code: measured on real services, nobody acts on a missing timeout there.
const BOOKKEEPING: &[&str] = &[
    "echo",
    "printf",
    "cat",
    "ls",
    "cd",
    "pwd",
    "mkdir",
    "cp",
    "mv",
    "rm",
    "ln",
    "touch",
    "chmod",
    "test",
    "[",
    "[[",
    "true",
    "false",
    "exit",
    "export",
    "set",
    "shift",
    "read",
    "git",
    "gh",
    "jq",
    "yq",
    "sed",
    "awk",
    "grep",
    "cut",
    "tr",
    "sort",
    "uniq",
    "head",
    "tail",
    "wc",
    "tee",
    "basename",
    "dirname",
    "date",
    "env",
    "if",
    "then",
    "else",
    "fi",
    "for",
    "do",
    "done",
    "while",
    "case",
    "esac",
    "sha256sum",
    "shasum",
    "find",
    "xargs",
    "base64",
    "zip",
    "unzip",
    "tar",
    "ruff",
    "black",
    "isort",
    "flake8",
    "mypy",
    "pyright",
    "pylint",
    "tsc",
    "eslint",
    "prettier",
    "shellcheck",
    "hadolint",
    "yamllint",
    "markdownlint",
    "actionlint",
    "zizmor",
    "codespell",
];

/// Package managers whose install and lock subcommands are bookkeeping too (`npm ci`,
/// `uv lock`), while `npm test` or `uv run pytest` can hang.
const PACKAGE_MANAGERS: &[&str] = &["pip", "pip3", "uv", "poetry", "npm", "pnpm", "yarn", "bun"];
const INSTALLS: &[&str] = &["install", "ci", "lock", "sync", "add", "i"];

/// Actions that build or test, and can hang as any command can.
const HEAVY_ACTIONS: &[&str] = &[
    "docker/build-push-action",
    "depot/build-push-action",
    "docker/bake-action",
];

/// Whether one shell command can hang: not bookkeeping, not a package manager installing.
fn command_can_hang(c: &crate::lang::shell::SimpleCommand) -> bool {
    let Some(p) = c.program_name() else {
        return false;
    };
    if p.contains('=') || BOOKKEEPING.contains(&p) {
        return false;
    }
    if PACKAGE_MANAGERS.contains(&p) {
        let words = c.program();
        let sub = words.get(1).map(|w| w.value.as_str()).unwrap_or("");
        if INSTALLS.contains(&sub) {
            return false;
        }
        // `npm run lint`, `pnpm run format:check`: a check, like the linters above.
        if sub == "run" {
            let script = words.get(2).map(|w| w.value.as_str()).unwrap_or("");
            return !["lint", "format", "fmt", "typecheck", "type-check", "check"]
                .iter()
                .any(|k| script.contains(k));
        }
    }
    true
}

/// Whether the workflow runs only when a person starts it by hand
/// (`on: workflow_dispatch`), and then watches it. Tag pushes and releases do not
/// count: scheduled jobs and release bots create them with nobody watching.
fn started_by_hand(file: &CiFile) -> bool {
    let events = github::events(file);
    !events.is_empty()
        && events
            .iter()
            .all(|e| e == "workflow_dispatch" || labeled_only(file, e))
}

/// Whether a pull-request event runs only when someone adds or removes a label
/// (`pull_request: {types: [labeled]}`): a person starts that run, as by hand.
fn labeled_only(file: &CiFile, event: &str) -> bool {
    if !event.starts_with("pull_request") {
        return false;
    }
    let types = file
        .root()
        .and_then(|r| r.get("on"))
        .and_then(|on| on.get(event))
        .and_then(|e| e.get("types"));
    let names: Vec<String> = types.map(Node::scalar_texts).unwrap_or_default();
    !names.is_empty() && names.iter().all(|n| n == "labeled" || n == "unlabeled")
}

/// Whether the workflow runs only when a release is published (`on: release`, perhaps
/// also by hand).
fn started_by_release(file: &CiFile) -> bool {
    let events = github::events(file);
    events.iter().any(|e| e == "release")
        && events
            .iter()
            .all(|e| e == "release" || e == "workflow_dispatch")
}

/// A runner that AWS CodeBuild starts for the job (`runs-on:
/// codebuild-<project>-${{ github.run_id }}-…`): the CodeBuild project's own build
/// timeout (an hour unless set otherwise) ends a hung job.
fn codebuild_runner(job: &github::Job<'_>) -> bool {
    job.node
        .get("runs-on")
        .map(Node::scalar_texts)
        .unwrap_or_default()
        .iter()
        .any(|l| l.trim().to_ascii_lowercase().starts_with("codebuild-"))
}

/// Runners someone pays for or maintains: a hung job there costs more than time. A
/// runner chosen by group or labels (`runs-on: {group: …}`) is one too: groups hold
/// larger (billed) or self-hosted runners only.
fn paid_runner(job: &github::Job<'_>) -> bool {
    let Some(runs_on) = job.node.get("runs-on") else {
        return false;
    };
    if runs_on.get("group").is_some() || runs_on.get("labels").is_some() {
        return true;
    }
    // A label that names none of GitHub's hosted images is a runner the repository's
    // owners run or rent (`eks-openobserve-standard-4`, `arc-runner-set`).
    if runs_on
        .scalar_texts()
        .iter()
        .any(|l| !l.contains("${{") && !github_hosted_label(l))
    {
        return true;
    }
    let r = format!("{runs_on:?}").to_ascii_lowercase();
    // GitHub's larger runners are named by their size (`ubuntu-latest-16-cores`,
    // `ubuntu-22.04-8core`).
    let words: Vec<&str> = r.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let sized = words.windows(2).any(|w| {
        (digits(w[0]) && matches!(w[1], "core" | "cores"))
            || ["core", "cores"]
                .iter()
                .any(|k| w[1].strip_suffix(k).is_some_and(digits))
    });
    sized
        || [
            "self-hosted",
            "depot",
            "buildjet",
            "namespace",
            "blacksmith",
            "warp-",
            "larger",
        ]
        .iter()
        .any(|p| r.contains(p))
}

/// Whether a `runs-on` label names one of GitHub's hosted runner images
/// (`ubuntu-latest`, `ubuntu-24.04-arm`, `windows-2022`, `macos-14`).
fn github_hosted_label(label: &str) -> bool {
    let l = label.trim().to_ascii_lowercase();
    ["ubuntu-", "windows-", "macos-"]
        .iter()
        .any(|os| l.strip_prefix(os).is_some_and(|v| !v.is_empty()))
}

/// Commands that drive containers or a cloud: a `docker compose up`, an image build or
/// push, a deploy. They wait on registries, daemons and remote APIs, and a hung deploy
/// blocks the next one.
const HEAVY_COMMANDS: &[&str] = &[
    "docker",
    "docker-compose",
    "podman",
    "buildah",
    "aws",
    "gcloud",
    "az",
    "kubectl",
    "helm",
    "terraform",
    "flyctl",
];

/// Docker subcommands that only talk to the local daemon or the registry's login.
const DOCKER_BOOKKEEPING: &[&str] = &[
    "login", "logout", "version", "info", "tag", "images", "ps", "inspect", "logs", "rm", "rmi",
    "network", "volume", "context", "system", "manifest",
];

/// `docker buildx` subcommands that manage builders on the runner, not builds, and
/// `imagetools` (`create` merges the manifests of images already pushed, `inspect`
/// reads one): a few registry calls, seconds long.
const BUILDX_BOOKKEEPING: &[&str] = &[
    "create",
    "rm",
    "use",
    "ls",
    "inspect",
    "stop",
    "version",
    "imagetools",
];

/// `docker compose` subcommands that return at once: they show, check or stop what runs.
const COMPOSE_BOOKKEEPING: &[&str] = &[
    "ps", "logs", "config", "version", "ls", "images", "port", "stop", "kill", "rm", "down",
];

/// Subcommands of the cloud and cluster tools that work on local files (linting,
/// formatting, packaging, rendering, fetching a chart's dependencies) or that the tool
/// bounds itself (copies to and from a bucket).
const LOCAL_SUBCOMMANDS: &[(&str, &[&str])] = &[
    (
        "helm",
        &[
            "lint",
            "package",
            "template",
            "repo",
            "dependency",
            "dep",
            "version",
            "show",
            "plugin",
            "env",
        ],
    ),
    // Reads of the state and set-up: nothing is locked or waited on.
    (
        "terraform",
        &[
            "fmt",
            "validate",
            "version",
            "init",
            "output",
            "show",
            "providers",
        ],
    ),
    // Copies to and from a bucket: the CLIs bound each request with their own connect
    // and read timeouts and retries. Measured on real services, none of the jobs whose
    // only cloud work was such a copy (an artifact upload, a nightly backup) was worth
    // a timeout.
    ("gcloud", &["storage", "auth", "config"]),
];

/// The AWS CLI's global options that take a value.
const AWS_VALUED: [&str; 6] = [
    "--region",
    "--profile",
    "--output",
    "--endpoint-url",
    "--cli-read-timeout",
    "--cli-connect-timeout",
];

/// Whether an `aws` command can wait for long. Each call of the AWS CLI is bounded by
/// its own connect and read timeouts and retries, and its waiters (`aws lambda wait`,
/// `aws ecs wait`) give up after a fixed number of attempts: measured on real
/// services, none of the jobs whose only cloud work was such calls (a copy to a bucket,
/// a Lambda update and its waiter, a parameter put in SSM) was worth a timeout. What
/// can wait for hours is a CloudFormation deployment (it waits for the stack, which
/// waits for the service), a CodeDeploy deployment, a command run in a container or a
/// session (`ecs execute-command`, `ssm start-session`) and a log followed (`logs tail
/// --follow`).
fn aws_waits(words: &[crate::lang::shell::ShellWord]) -> bool {
    let Some((i, service)) = subcommand(words, 1, &AWS_VALUED) else {
        return false;
    };
    let operation = subcommand(words, i + 1, &AWS_VALUED).map_or("", |(_, op)| op);
    match service {
        "cloudformation" => matches!(operation, "deploy" | "wait"),
        "deploy" => true,
        "ecs" => operation == "execute-command",
        "ssm" => operation == "start-session",
        "logs" => {
            operation == "tail"
                && words
                    .iter()
                    .any(|w| w.value == "--follow" || w.value == "-f")
        }
        _ => false,
    }
}

/// The subcommand of a command line: the first word after `from` that is not an option
/// (nor the value of one of the options in `valued`).
fn subcommand<'w>(
    words: &'w [crate::lang::shell::ShellWord],
    from: usize,
    valued: &[&str],
) -> Option<(usize, &'w str)> {
    let mut i = from;
    while let Some(w) = words.get(i) {
        let v = w.value.as_str();
        if !v.starts_with('-') {
            return Some((i, v));
        }
        i += if valued.contains(&v) { 2 } else { 1 };
    }
    None
}

/// `kubectl` subcommands that return once the API server has answered: reads, local
/// files, and changes that do not wait for the cluster to act on them (`patch`, `set
/// image`, `apply` without `--wait`). Measured on real services, the owners of jobs whose
/// only cluster work was such calls did not want a timeout; those of jobs that run
/// `kubectl exec` or `kubectl rollout status` did.
const KUBECTL_QUICK: &[&str] = &[
    "version",
    "config",
    "kustomize",
    "get",
    "describe",
    "explain",
    "api-resources",
    "api-versions",
    "cluster-info",
    "auth",
    "top",
    "patch",
    "set",
    "annotate",
    "label",
    "apply",
    "create",
    "replace",
    "scale",
    "autoscale",
    "expose",
    "taint",
    "cordon",
    "uncordon",
    "diff",
];

/// Whether a `kubectl` command can wait on the cluster: anything but [`KUBECTL_QUICK`]
/// (`exec`, `wait`, `delete`, `logs`, `run`, …), a quick one asked to `--wait`, or `rollout
/// status` without its own `--timeout`.
fn kubectl_waits(words: &[crate::lang::shell::ShellWord]) -> bool {
    let valued = [
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "-s",
        "--server",
        "--cluster",
        "--user",
        "--token",
        "--as",
    ];
    let has = |flag: &str| {
        words.iter().any(|w| {
            w.value == flag
                || w.value
                    .strip_prefix(flag)
                    .is_some_and(|rest| rest.starts_with('='))
        })
    };
    match subcommand(words, 1, &valued) {
        Some((i, "rollout")) => {
            subcommand(words, i + 1, &valued).is_some_and(|(_, sub)| sub == "status")
                && !has("--timeout")
        }
        Some((_, sub)) if KUBECTL_QUICK.contains(&sub) => {
            has("--wait") && !words.iter().any(|w| w.value == "--wait=false")
        }
        Some(_) => true,
        None => false,
    }
}

/// Whether one shell command drives containers or a cloud ([`HEAVY_COMMANDS`]), and
/// can wait on them: not bookkeeping of the local daemon (`docker login`, `docker
/// buildx create`, `docker compose logs`), not work on local files (`helm lint`,
/// `terraform fmt`), and not a start in the background that returns at once (`docker
/// compose up -d` without `--wait`, `docker run -d`).
fn command_is_heavy(c: &crate::lang::shell::SimpleCommand) -> bool {
    let Some(p) = c.program_name() else {
        return false;
    };
    if !HEAVY_COMMANDS.contains(&p) {
        return false;
    }
    let words = c.program();
    let has = |flags: &[&str]| words.iter().any(|w| flags.contains(&w.value.as_str()));
    let detached = has(&["-d", "--detach"]) && !has(&["--wait"]);
    if p == "kubectl" {
        return kubectl_waits(words);
    }
    if p == "aws" {
        return aws_waits(words);
    }
    if let Some((_, local)) = LOCAL_SUBCOMMANDS.iter().find(|(tool, _)| *tool == p) {
        return !subcommand(words, 1, &[]).is_some_and(|(_, sub)| local.contains(&sub));
    }
    let compose_from = match p {
        "docker-compose" => Some(1),
        "docker" | "podman" => match subcommand(words, 1, DOCKER_GLOBAL_OPTIONS) {
            Some((i, "compose")) => Some(i + 1),
            Some((i, "buildx")) => {
                return !subcommand(words, i + 1, &["--builder"])
                    .is_some_and(|(_, sub)| BUILDX_BOOKKEEPING.contains(&sub));
            }
            Some((_, "run")) => return !detached,
            Some((_, sub)) => return !DOCKER_BOOKKEEPING.contains(&sub),
            None => return false,
        },
        _ => None,
    };
    if let Some(from) = compose_from {
        let valued = [
            "-f",
            "--file",
            "-p",
            "--project-name",
            "--env-file",
            "--profile",
            "--project-directory",
        ];
        return match subcommand(words, from, &valued) {
            Some((_, "up" | "start")) => !detached,
            Some((_, sub)) => !COMPOSE_BOOKKEEPING.contains(&sub),
            None => false,
        };
    }
    true
}

/// The message's words for a job whose only cost is its tests' `run:` scripts.
const TEST_RUN: &str = "test run";

/// Whether a job's only cost is the tests its `run:` steps run (no image, no containers
/// or cloud driven, no test action): what they run may hide behind a task runner, which
/// only the task files tell (see [`CiJobWithoutTimeout::withdraws`]).
fn only_runs_tests(steps: &[StepCost]) -> bool {
    let unbounded = || steps.iter().filter(|s| !s.bounded());
    unbounded().any(|s| s.test)
        && unbounded().all(|s| !s.image_build && !s.heavy_command && !s.test_not_run)
}

/// Whether the job a finding names (`job `id` …`) runs no tests that lack a bound of
/// their own (`go test`, `pytest` with pytest-timeout configured, are bounded) once the
/// task runners its unbounded steps call are followed into the repository's task files,
/// and pytest's configuration is read.
fn runs_no_unbounded_tests(wide: &crate::repo::RepoWide, path: &str, message: &str) -> bool {
    let Some(job) = message.split('`').nth(1) else {
        return false;
    };
    let Some(scripts) = wide.job_scripts.get(&(path.to_string(), job.to_string())) else {
        return false;
    };
    let mut tasks = super::gates::TaskFiles::default();
    tasks.pytest_timeouts = Some(&wide.pytest_timeouts);
    for (at, t) in &wide.tasks {
        tasks.insert(at, t);
    }
    !scripts
        .iter()
        .any(|(script, dir)| super::gates::script(script, dir, Some(&tasks)).unbounded_test)
}

/// What one step of a job can wait on, and how it bounds itself.
struct StepCost {
    /// The step's own `timeout-minutes`.
    minutes: bool,
    /// A retry action's per-attempt timeout (`nick-fields/retry` `timeout_minutes`,
    /// `timeout_seconds`).
    retry: bool,
    /// Every command of its `run:` script that can wait is run under `timeout`
    /// (`timeout 20m pytest`): the script bounds itself.
    wrapped: bool,
    /// It runs tests (as CI002 recognises them) that do not stop a hung test by
    /// themselves: not `go test`, nor `pytest --timeout 300`.
    test: bool,
    /// It runs the tests other than by its `run:` script (an action, a command given
    /// in its inputs).
    test_not_run: bool,
    /// It builds or pushes an image: an action that does ([`HEAVY_ACTIONS`]), or
    /// `docker build`, `docker push` ([`builds_an_image`]).
    image_build: bool,
    /// A command drives containers or a cloud ([`command_is_heavy`]), other than
    /// building or pushing an image.
    heavy_command: bool,
    /// A command is not bookkeeping ([`command_can_hang`]).
    busy_command: bool,
}

impl StepCost {
    /// Whether the step ends by itself: its `timeout-minutes`, a retry action's
    /// per-attempt timeout, or `timeout` around its script's commands.
    fn bounded(&self) -> bool {
        self.minutes || self.retry || self.wrapped
    }

    fn of(s: &github::Step<'_>) -> StepCost {
        let with = s.node.get("with");
        let run = s.run().and_then(|r| r.as_str()).unwrap_or("");
        let commands = crate::lang::shell::split(run);
        let besides_run = super::step_gates_besides_run(s);
        let run_gates = super::gates::script(run, "", None);
        StepCost {
            minutes: s.node.get("timeout-minutes").is_some(),
            retry: ["timeout_minutes", "timeout_seconds"]
                .iter()
                .any(|k| with.and_then(|w| w.get(k)).is_some()),
            wrapped: s.uses().is_none() && bounded_by_timeout(&commands),
            test: besides_run.test || run_gates.unbounded_test,
            test_not_run: besides_run.test,
            image_build: s
                .uses()
                .and_then(|u| u.as_str())
                .is_some_and(|u| HEAVY_ACTIONS.contains(&u.split('@').next().unwrap_or(u)))
                || commands.iter().any(builds_an_image),
            heavy_command: commands
                .iter()
                .any(|c| command_is_heavy(c) && !builds_an_image(c)),
            busy_command: commands.iter().any(command_can_hang) || runs_a_command(s),
        }
    }
}

/// Whether every command of a script that can wait runs under coreutils' `timeout`
/// (`timeout 900 python run_tests.py`, `timeout --signal=KILL 30m make test`), and one
/// does: the script ends by itself.
fn bounded_by_timeout(commands: &[crate::lang::shell::SimpleCommand]) -> bool {
    let mut waits = commands.iter().filter(|c| command_can_hang(c)).peekable();
    waits.peek().is_some()
        && waits.all(|c| matches!(c.program_name(), Some("timeout" | "gtimeout")))
}

/// The options of `docker` that take a value, before its subcommand.
const DOCKER_GLOBAL_OPTIONS: &[&str] = &["-H", "--host", "--context", "-c", "--config"];

/// Whether a command builds or pushes an image (`docker build`, `docker buildx build`,
/// `docker push`, `podman build`; not `docker tag`, which returns at once): as costly as
/// an image build action, and no more (see [`only_builds_an_image`]).
fn builds_an_image(c: &crate::lang::shell::SimpleCommand) -> bool {
    let Some(p) = c.program_name() else {
        return false;
    };
    if !matches!(p, "docker" | "podman") {
        return false;
    }
    let words = c.program();
    match subcommand(words, 1, DOCKER_GLOBAL_OPTIONS) {
        Some((_, "build" | "push")) => true,
        Some((i, "buildx" | "image")) => subcommand(words, i + 1, &["--builder"])
            .is_some_and(|(_, sub)| matches!(sub, "build" | "bake" | "push")),
        _ => false,
    }
}

/// Whether a step uses an action that runs a command given in its inputs
/// (`actions-rs/cargo` `command: build`, a `run:` input): as busy as a `run:` step.
fn runs_a_command(s: &github::Step<'_>) -> bool {
    s.uses().is_some()
        && s.node
            .get("with")
            .is_some_and(|w| ["command", "run"].iter().any(|k| w.get(k).is_some()))
}

/// Whether a job's only cost is building an image (no tests, no containers or cloud
/// driven): on a free hosted runner in a concurrency group that cancels the run in
/// progress, the next push cancels a hung build, and nobody waits on it.
fn only_builds_an_image(steps: &[StepCost]) -> bool {
    !steps.iter().any(|s| s.test || s.heavy_command)
}

/// Whether a job runs something whose hang costs: a step without its own bound (its
/// `timeout-minutes`, a retry action's per-attempt timeout, or `timeout` around every
/// command of its script that can wait) that runs tests, builds
/// an image or drives containers or a cloud; or, on a paid or self-hosted runner, any
/// command that is not bookkeeping. A job `container:` is only where the steps run:
/// the steps decide.
fn can_hang(steps: &[StepCost], paid: bool) -> bool {
    steps.iter().any(|s| {
        !s.bounded() && (s.image_build || s.test || s.heavy_command || (paid && s.busy_command))
    })
}
