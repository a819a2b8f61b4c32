//! Typed views over a GitHub Actions workflow or action metadata file: jobs, steps,
//! `uses:` references, and where each is written.

use super::{CiFacts, CiFile, CiScript, Flavor};
use crate::lang::yaml::{Entry, Node, Value};
use crate::source::SourceFile;

/// A job of a workflow.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The `job-id:` key.
    pub key: &'a Node,
    pub node: &'a Node,
    /// The workflow's `on:`, which decides whether a step's condition can hold.
    on: Option<&'a Node>,
}

/// A step of a job or of a composite action.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub node: &'a Node,
    pub index: usize,
}

impl<'a> Job<'a> {
    pub fn id(&self) -> &'a str {
        self.key.as_str().unwrap_or("")
    }

    /// The steps that can run: not those whose condition asks for an event the
    /// workflow never receives (see [`needs_absent_event`]).
    pub fn steps(&self) -> Vec<Step<'a>> {
        let mut steps = steps_of(self.node.get("steps"));
        steps.retain(|s| !needs_absent_event(s.node, self.on));
        steps
    }

    /// A job that calls a reusable workflow (`jobs.<id>.uses`).
    pub fn uses(&self) -> Option<&'a Node> {
        self.node.get("uses")
    }

    /// The job's default working directory (`defaults.run.working-directory`).
    pub fn working_directory(&self) -> Option<&'a str> {
        self.node
            .get("defaults")
            .and_then(|d| d.get("run"))
            .and_then(|r| r.get("working-directory"))
            .and_then(Node::as_str)
    }
}

impl<'a> Step<'a> {
    pub fn uses(&self) -> Option<&'a Node> {
        self.node.get("uses")
    }

    pub fn run(&self) -> Option<&'a Node> {
        self.node.get("run")
    }

    pub fn id(&self) -> Option<&'a str> {
        self.node.get("id").and_then(Node::as_str)
    }

    pub fn shell(&self) -> Option<&'a str> {
        self.node.get("shell").and_then(Node::as_str)
    }

    pub fn with(&self) -> &'a [Entry] {
        self.node.get("with").map_or(&[], Node::entries)
    }

    pub fn working_directory(&self) -> Option<&'a str> {
        self.node.get("working-directory").and_then(Node::as_str)
    }
}

fn steps_of(steps: Option<&Node>) -> Vec<Step<'_>> {
    steps
        .map(|s| {
            s.items()
                .iter()
                .enumerate()
                .filter(|(_, n)| n.is_map())
                .map(|(index, node)| Step { node, index })
                .collect()
        })
        .unwrap_or_default()
}

/// The jobs of a workflow (empty for an action).
pub fn jobs(file: &CiFile) -> Vec<Job<'_>> {
    if file.flavor != Flavor::GithubWorkflow {
        return Vec::new();
    }
    let on = file.root().and_then(|r| r.get("on"));
    file.root()
        .and_then(|r| r.get("jobs"))
        .map(|j| {
            j.entries()
                .iter()
                .filter(|e| {
                    e.value.is_map() && !switched_off(&e.value) && !needs_absent_event(&e.value, on)
                })
                .map(|e| Job {
                    key: &e.key,
                    node: &e.value,
                    on,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a job's or step's `if:` asks for an event the workflow never receives
/// (`if: github.event_name == 'release'` in a workflow started only by `push` and
/// `workflow_dispatch`): it never runs, so no rule looks at it. Only a condition that
/// is a conjunction (`&&`, no `||`, no `!`) of terms, one of which compares
/// `github.event_name` for equality with a literal, is decided; a workflow that callers
/// start (`workflow_call`: the event is the caller's) or whose events are not known is
/// never decided.
fn needs_absent_event(node: &Node, on: Option<&Node>) -> bool {
    // Most jobs and steps have no condition on the event: the workflow's events are only
    // listed for those that do.
    let Some(cond) = node
        .get("if")
        .and_then(Node::as_str)
        .filter(|c| c.contains("github.event_name"))
    else {
        return false;
    };
    let events = events_of(on);
    if events.is_empty() || events.iter().any(|e| e == "workflow_call") {
        return false;
    }
    let cond = cond.trim();
    let cond = cond
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .unwrap_or(cond);
    let Some(mut terms) = conjunction(cond) else {
        return false;
    };
    let literal = |w: &str| {
        let w = w.trim();
        w.strip_prefix('\'')
            .and_then(|w| w.strip_suffix('\''))
            .or_else(|| w.strip_prefix('"').and_then(|w| w.strip_suffix('"')))
            .map(str::to_string)
    };
    terms.any(|term| {
        let Some((left, right)) = term.split_once("==") else {
            return false;
        };
        let (left, right) = (left.trim(), right.trim());
        let wanted = if left == "github.event_name" {
            literal(right)
        } else if right == "github.event_name" {
            literal(left)
        } else {
            None
        };
        wanted.is_some_and(|w| !events.iter().any(|e| e.eq_ignore_ascii_case(&w)))
    })
}

/// Whether a job is switched off with a literal condition (`if: false`, `if: ${{ false
/// }}`, or `false` as a term of a conjunction: `if: github.repository_owner == 'acme'
/// && false`), or runs only in forks (`if: github.event.repository.fork == true`, alone
/// or in a conjunction): it never runs in this repository, so no rule looks at it.
fn switched_off(job: &Node) -> bool {
    job.get("if").is_some_and(|c| {
        c.as_bool() == Some(false)
            || c.as_str().is_some_and(|s| {
                let s = s.trim();
                let s = s
                    .strip_prefix("${{")
                    .and_then(|s| s.strip_suffix("}}"))
                    .unwrap_or(s)
                    .trim();
                s == "false"
                    || only_in_forks(s)
                    || conjunction(s).is_some_and(|mut terms| terms.any(|t| t == "false"))
            })
    })
}

/// The terms of a condition that is a conjunction (`a && (b == 'x')`: no `||`, no `!`
/// other than in `!=`), parentheses around each trimmed; `None` for any other condition,
/// which is not decided.
fn conjunction(cond: &str) -> Option<impl Iterator<Item = &str>> {
    let negates = cond
        .match_indices('!')
        .any(|(i, _)| !cond[i + 1..].starts_with('='));
    (!cond.contains("||") && !negates).then(|| {
        cond.split("&&")
            .map(|term| term.trim().trim_start_matches('(').trim_end_matches(')'))
    })
}

/// Whether a condition holds only in a fork: a conjunction with the term
/// `github.event.repository.fork` (`== true`).
fn only_in_forks(cond: &str) -> bool {
    let Some(mut terms) = conjunction(cond) else {
        return false;
    };
    terms.any(|term| {
        let words: Vec<&str> = term.split("==").map(str::trim).collect();
        match words.as_slice() {
            [one] => *one == "github.event.repository.fork",
            [a, b] => {
                (*a == "github.event.repository.fork" && *b == "true")
                    || (*b == "github.event.repository.fork" && *a == "true")
            }
            _ => false,
        }
    })
}

/// The steps of a composite action (`runs.steps`).
pub fn action_steps(file: &CiFile) -> Vec<Step<'_>> {
    if file.flavor != Flavor::GithubAction {
        return Vec::new();
    }
    steps_of(
        file.root()
            .and_then(|r| r.get("runs"))
            .and_then(|r| r.get("steps")),
    )
}

/// Every step of the file, with the job it belongs to (none in an action).
pub fn all_steps(file: &CiFile) -> Vec<(Option<Job<'_>>, Step<'_>)> {
    let mut out: Vec<(Option<Job<'_>>, Step<'_>)> = Vec::new();
    for job in jobs(file) {
        out.extend(job.steps().into_iter().map(|s| (Some(job), s)));
    }
    out.extend(action_steps(file).into_iter().map(|s| (None, s)));
    out
}

/// Whether a job runs in a concurrency group that cancels the run in progress
/// (`cancel-in-progress: true` on the job, or on the workflow when the job sets no
/// `concurrency` of its own): the next run of the group cancels a hung one.
pub fn cancels_in_progress(file: &CiFile, job: &Job<'_>) -> bool {
    let cancels = |n: Option<&Node>| {
        n.and_then(|c| c.get("cancel-in-progress"))
            .is_some_and(|v| v.as_bool() == Some(true))
    };
    match job.node.get("concurrency") {
        Some(own) => cancels(Some(own)),
        None => cancels(file.root().and_then(|r| r.get("concurrency"))),
    }
}

/// Whether only callers (and people) start a workflow: `on: workflow_call`, perhaps
/// with `workflow_dispatch`.
pub fn only_called(file: &CiFile) -> bool {
    let events = events(file);
    events.iter().any(|e| e == "workflow_call")
        && events
            .iter()
            .all(|e| e == "workflow_call" || e == "workflow_dispatch")
}

/// The events a workflow runs on (`on: push`, `on: [push, pull_request]`, `on: {push: …}`).
pub fn events(file: &CiFile) -> Vec<String> {
    events_of(file.root().and_then(|r| r.get("on")))
}

/// The events an `on:` lists.
fn events_of(on: Option<&Node>) -> Vec<String> {
    let Some(on) = on else {
        return Vec::new();
    };
    if let Some(s) = on.as_str() {
        return vec![s.to_string()];
    }
    if on.is_seq() {
        return on.items().iter().filter_map(Node::scalar_text).collect();
    }
    on.entries()
        .iter()
        .filter_map(|e| e.key.scalar_text())
        .collect()
}

/// What a job holds that a moved action could steal or misuse, if anything: a token
/// that can write (the job's `permissions`, or the workflow's when the job sets none,
/// grant `write` or `write-all`; a reusable workflow that sets none runs with its
/// caller's token, which it cannot see, so it counts), a secret (`${{ secrets.… }}` or
/// `github.token` anywhere in the job or the workflow's `env`, or `secrets:` passed to a
/// reusable workflow; a deployment `environment` counts only through the secrets the
/// job reads from it), or a trigger that runs with the base repository's privileges
/// (`pull_request_target`, `workflow_run`). The job's own token (`secrets.GITHUB_TOKEN`, `github.token`) counts
/// only when the job's permissions are not set to read-only ones: a read-only token of
/// a repository is nothing worth stealing. A job with none of these runs with a
/// read-only token, or with the repository's default one when the workflow sets no
/// `permissions` (which CI006 reports). The first of these that applies is given.
pub fn job_privilege(file: &CiFile, job: &Job<'_>) -> Option<Privilege> {
    let events = events(file);
    if let Some(e) = events.iter().find_map(|e| match e.as_str() {
        "pull_request_target" => Some("pull_request_target"),
        "workflow_run" => Some("workflow_run"),
        _ => None,
    }) {
        return Some(Privilege::Trigger(e));
    }
    // A deployment `environment` alone gives the job nothing: its secrets reach a step
    // only through `${{ secrets.… }}`, which is looked for below.
    if job.node.get("secrets").is_some() {
        return Some(Privilege::PassesSecrets);
    }
    let root = file.root();
    let permissions = job
        .node
        .get("permissions")
        .or_else(|| root.and_then(|r| r.get("permissions")));
    match permissions {
        Some(p) if grants_write(p) => return Some(Privilege::WriteToken),
        None if events.iter().any(|e| e == "workflow_call") => {
            return Some(Privilege::CallersToken);
        }
        _ => {}
    }
    let token = permissions.is_none();
    (mentions_secret(job.node, token)
        || root
            .and_then(|r| r.get("env"))
            .is_some_and(|env| mentions_secret(env, token)))
    .then_some(Privilege::Secret)
}

/// What a job holds that a moved action could steal or misuse (see [`job_privilege`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privilege {
    /// `pull_request_target` or `workflow_run` starts the workflow.
    Trigger(&'static str),
    /// The job passes `secrets:` to a reusable workflow.
    PassesSecrets,
    /// Its `permissions` grant a write scope.
    WriteToken,
    /// A reusable workflow that sets no `permissions`: its token is its caller's.
    CallersToken,
    /// It reads a secret (`${{ secrets.… }}`), or its own token where its permissions
    /// are not read-only.
    Secret,
}

impl Privilege {
    /// What the job holds, for a message: "the job reads secrets".
    pub fn describe(self) -> String {
        match self {
            Privilege::Trigger(e) => {
                format!("`{e}` runs the job with the base repository's token and secrets")
            }
            Privilege::PassesSecrets => "the job passes secrets to a reusable workflow".to_string(),
            Privilege::WriteToken => "the job's token can write".to_string(),
            Privilege::CallersToken => "the job runs with its caller's token".to_string(),
            Privilege::Secret => SECRET_HELD.to_string(),
        }
    }
}

/// How [`Privilege::Secret`] is described (read back by DEP008's withdraw).
pub const SECRET_HELD: &str = "the job reads secrets";

/// Whether a `permissions:` value grants any write scope.
fn grants_write(p: &Node) -> bool {
    match p.as_str() {
        Some(s) => s == "write-all",
        None => p
            .entries()
            .iter()
            .any(|e| e.value.as_str() == Some("write")),
    }
}

/// Whether an expression in this value reads a secret, or (with `token`) the job's own
/// token (`secrets.GITHUB_TOKEN`, `github.token`).
fn mentions_secret(n: &Node, token: bool) -> bool {
    match &n.value {
        Value::Str { text, .. } => {
            text.contains("${{") && {
                let t = text.to_ascii_lowercase();
                t.contains("secrets[")
                    || (token && t.contains("github.token"))
                    || t.match_indices("secrets.").any(|(i, m)| {
                        let name = &t[i + m.len()..];
                        let end = name
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .unwrap_or(name.len());
                        token || &name[..end] != "github_token"
                    })
            }
        }
        Value::Seq(items) => items.iter().any(|i| mentions_secret(i, token)),
        Value::Map(entries) => entries.iter().any(|e| mentions_secret(&e.value, token)),
        _ => false,
    }
}

/// Whether a workflow runs on changes: pushes, pull requests, the merge queue, or as a
/// reusable workflow (`workflow_call`, a part of its caller's run).
pub fn runs_on_changes(file: &CiFile) -> bool {
    events(file).iter().any(|e| {
        matches!(
            e.as_str(),
            "push" | "pull_request" | "pull_request_target" | "merge_group" | "workflow_call"
        )
    })
}

/// `with:` inputs of wrapper actions that hold a command to run (`run`, `command`,
/// `script`), as a script; `actions-rs/cargo`'s `command` and `args` become
/// `cargo <command> <args>`.
pub fn with_scripts<'a>(step: &Step<'a>) -> Vec<(&'a Node, String)> {
    let uses = step.uses().and_then(Node::as_str).unwrap_or("");
    let mut out = Vec::new();
    if uses.starts_with("actions-rs/cargo@") {
        if let Some(cmd) = step.node.get("with").and_then(|w| w.get("command")) {
            let args = step
                .node
                .get("with")
                .and_then(|w| w.get("args"))
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let sub = cmd.scalar_text().unwrap_or_default();
            out.push((cmd, format!("cargo {sub} {args}")));
        }
        return out;
    }
    // `actions/github-script`'s `script` is JavaScript run against the GitHub API
    // (`/x/.test(label.name)` is a regular expression, not a test run).
    let javascript = uses
        .to_ascii_lowercase()
        .starts_with("actions/github-script@");
    for e in step.with() {
        let Some(key) = e.key.as_str() else { continue };
        if javascript && key == "script" {
            continue;
        }
        if matches!(
            key,
            "run" | "command" | "script" | "commands" | "coverageCommand" | "test-command"
        ) && let Some(text) = e.value.as_str()
        {
            out.push((&e.value, text.to_string()));
        }
    }
    out
}

/// Fills `facts` for a workflow or an action.
pub(super) fn facts(source: &SourceFile, file: &CiFile, facts: &mut CiFacts) {
    let _ = source;
    let root = file.root();
    let workflow_dir = root
        .and_then(|r| r.get("defaults"))
        .and_then(|d| d.get("run"))
        .and_then(|r| r.get("working-directory"))
        .and_then(Node::as_str);
    facts.runs_on_changes = runs_on_changes(file);
    facts.anchor = root
        .and_then(|r| r.entry("jobs").or_else(|| r.entry("runs")))
        .map(|e| e.key.span.clone());
    let all_jobs = jobs(file);
    facts.sets_token_permissions = root.is_some_and(|r| r.get("permissions").is_some())
        || (!all_jobs.is_empty() && all_jobs.iter().all(|j| j.node.get("permissions").is_some()));
    facts.only_called = only_called(file);
    let events = events(file);
    facts.only_workflow_call = !events.is_empty() && events.iter().all(|e| e == "workflow_call");
    for job in all_jobs {
        if let Some(u) = job.uses().and_then(Node::as_str) {
            facts.uses.push(u.to_string());
            match u.strip_prefix("./") {
                Some(local) => {
                    facts
                        .local_calls
                        .push((local.to_string(), cancels_in_progress(file, &job)));
                    if job.node.get("secrets").is_some() {
                        facts.local_calls_with_secrets.push(local.to_string());
                    }
                }
                None => facts.opaque = true,
            }
        }
    }
    // The images each job builds and publishes: a job's steps are consecutive.
    let mut builds = super::builds::JobBuilds::default();
    let mut builds_of: Option<&str> = None;
    for (job, step) in all_steps(file) {
        let id = job.as_ref().map(Job::id);
        if id != builds_of {
            facts
                .shipped_builds
                .extend(std::mem::take(&mut builds).shipped());
            builds_of = id;
        }
        let dir = step
            .working_directory()
            .or_else(|| job.and_then(|j| j.working_directory()))
            .or(workflow_dir)
            .unwrap_or("")
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        let dir = if dir == "." { String::new() } else { dir };
        if let Some(run) = step.run()
            && let Some(text) = run.as_str()
        {
            // `run: ${{ matrix.runs.test }}`: what runs is decided elsewhere.
            let t = text.trim();
            if t.starts_with("${{") && t.ends_with("}}") && t.matches("${{").count() == 1 {
                facts.opaque = true;
            }
            for script in with_matrix_values(text, job.as_ref()) {
                builds.script(&script, &dir);
                if let Some(j) = &job
                    && j.node.get("timeout-minutes").is_none()
                    && step.node.get("timeout-minutes").is_none()
                {
                    facts
                        .job_scripts
                        .push((j.id().to_string(), script.clone(), dir.clone()));
                }
                facts.scripts.push(CiScript {
                    script,
                    dir: dir.clone(),
                    span: run.span.clone(),
                });
            }
        }
        if let Some(u) = step.uses().and_then(Node::as_str) {
            facts.uses.push(u.to_string());
            let action = u.split('@').next().unwrap_or(u).to_ascii_lowercase();
            if matches!(
                action.as_str(),
                "docker/build-push-action" | "depot/build-push-action"
            ) {
                let with = step.node.get("with");
                builds.action(&|key| with.and_then(|w| w.get(key)).and_then(Node::scalar_text));
            }
            if matches!(
                action.as_str(),
                "docker/build-push-action"
                    | "depot/build-push-action"
                    | "redhat-actions/buildah-build"
            ) && let Some(tags) = step
                .node
                .get("with")
                .and_then(|w| w.get("tags").or_else(|| w.get("image")))
                .and_then(Node::as_str)
            {
                facts.built_images.extend(
                    tags.split([',', '\n', ' '])
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .filter_map(built_image_name),
                );
            }
            // The images `docker/metadata-action` computes the tags of, for a build step
            // that follows (`tags: ${{ steps.meta.outputs.tags }}`): one per line, plain
            // or as `name=ghcr.io/org/app,enable=…`.
            if action == "docker/metadata-action"
                && let Some(images) = step
                    .node
                    .get("with")
                    .and_then(|w| w.get("images"))
                    .and_then(Node::as_str)
            {
                facts.built_images.extend(
                    images
                        .lines()
                        .map(|l| {
                            let l = l.trim();
                            l.split(',')
                                .find_map(|p| p.trim().strip_prefix("name="))
                                .unwrap_or(l)
                        })
                        .filter(|t| !t.is_empty())
                        .filter_map(built_image_name),
                );
            }
        }
        for (node, script) in with_scripts(&step) {
            facts.scripts.push(CiScript {
                script,
                dir: dir.clone(),
                span: node.span.clone(),
            });
        }
    }
    facts.shipped_builds.extend(builds.shipped());
}

/// The script `text` once per value of the job's matrix (`strategy.matrix`) it names:
/// `tox -e ${{ matrix.toxenv }}` with `toxenv: [lint, bandit]` runs both. A variable
/// is expanded when the matrix lists its values as plain scalars (in its own list or
/// in `include:` entries); the script is kept as written otherwise, or when expanding
/// would make more than [`MAX_MATRIX_SCRIPTS`] scripts.
fn with_matrix_values(text: &str, job: Option<&Job<'_>>) -> Vec<String> {
    let mut scripts = vec![text.to_string()];
    let Some(matrix) = job
        .and_then(|j| j.node.get("strategy"))
        .and_then(|s| s.get("matrix"))
        .filter(|m| m.is_map())
    else {
        return scripts;
    };
    let mut names: Vec<&str> = Vec::new();
    for (_, expr) in expressions(text) {
        if let Some(name) = expr.strip_prefix("matrix.")
            && !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    for name in names {
        let mut values: Vec<String> = matrix
            .get(name)
            .map(|v| v.items().iter().filter_map(Node::scalar_text).collect())
            .unwrap_or_default();
        if let Some(include) = matrix.get("include") {
            values.extend(
                include
                    .items()
                    .iter()
                    .filter_map(|i| i.get(name))
                    .filter_map(Node::scalar_text),
            );
        }
        values.sort();
        values.dedup();
        if values.is_empty() || scripts.len() * values.len() > MAX_MATRIX_SCRIPTS {
            continue;
        }
        scripts = scripts
            .iter()
            .flat_map(|s| values.iter().map(move |v| with_value(s, name, v)))
            .collect();
    }
    scripts
}

/// Each `${{ … }}` of `text`: where it is, and the expression inside, trimmed.
fn expressions(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + text[at..].find("${{")?;
        let end = start + 3 + text[start + 3..].find("}}")?;
        at = end + 2;
        Some((start..at, text[start + 3..end].trim()))
    })
}

/// `text` with every `${{ matrix.NAME }}` replaced by `value`.
fn with_value(text: &str, name: &str, value: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (range, expr) in expressions(text) {
        if expr.strip_prefix("matrix.") == Some(name) {
            out.push_str(&text[copied..range.start]);
            out.push_str(value);
            copied = range.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// At most this many scripts are made of one `run:` by [`with_matrix_values`].
const MAX_MATRIX_SCRIPTS: usize = 16;

/// The image name a build action's tag names: `app/web:1` → `app/web`; with the
/// registry in an expression (`${{ vars.REPO }}/base:latest`), the pattern `*/base` for
/// any image whose name ends so.
fn built_image_name(tag: &str) -> Option<String> {
    match tag.rfind("}}") {
        Some(end) => {
            let rest = &tag[end + 2..];
            let name = crate::lang::dockerfile::image_name(rest);
            (name.starts_with('/') && name.len() > 1 && !name.contains("${{"))
                .then(|| format!("*{name}"))
        }
        None => Some(crate::lang::dockerfile::image_name(tag)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scripts(workflow: &str) -> Vec<String> {
        let source = SourceFile::new(".github/workflows/ci.yml", "ci.yml", workflow.to_string());
        let file = CiFile::parse(&source, Flavor::GithubWorkflow).unwrap();
        CiFacts::of(&source, &file)
            .scripts
            .into_iter()
            .map(|s| s.script)
            .collect()
    }

    #[test]
    fn matrix_values_are_expanded_into_scripts() {
        let w = "jobs:\n  lint:\n    strategy:\n      matrix:\n        env: [lint, bandit]\n        include:\n          - env: docs\n          - os: windows\n    steps:\n      - run: tox -e ${{ matrix.env }} --workdir ${{ env.dir }}\n";
        assert_eq!(
            scripts(w),
            [
                "tox -e bandit --workdir ${{ env.dir }}",
                "tox -e docs --workdir ${{ env.dir }}",
                "tox -e lint --workdir ${{ env.dir }}",
            ]
        );
        // Values the matrix does not list as scalars, and jobs without a matrix, leave
        // the script as written.
        let w = "jobs:\n  t:\n    strategy:\n      matrix: ${{ fromJSON(needs.plan.outputs.m) }}\n    steps:\n      - run: tox -e ${{ matrix.env }}\n  u:\n    steps:\n      - run: tox -e ${{ matrix.env }}\n";
        assert_eq!(
            scripts(w),
            ["tox -e ${{ matrix.env }}", "tox -e ${{ matrix.env }}"]
        );
        // Two variables: every combination, up to the bound.
        let w = "jobs:\n  t:\n    strategy:\n      matrix:\n        a: [x, y]\n        b: [1, 2]\n    steps:\n      - run: make ${{ matrix.a }}-${{matrix.b}}\n";
        assert_eq!(scripts(w), ["make x-1", "make x-2", "make y-1", "make y-2"]);
        let many: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let w = format!(
            "jobs:\n  t:\n    strategy:\n      matrix:\n        a: [{}]\n    steps:\n      - run: make ${{{{ matrix.a }}}}\n",
            many.join(", ")
        );
        assert_eq!(scripts(&w), ["make ${{ matrix.a }}"]);
    }
}
