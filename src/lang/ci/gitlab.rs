//! Typed views over a GitLab CI file: its jobs with `extends:` applied (deep merge of
//! mappings, later keys win, lists replaced, as GitLab does), scripts with
//! `!reference [job, key]` tags resolved against the same file, and `include:`.
//! Anchors, aliases and `<<` merge keys were applied by the YAML front end.

use super::{CiFacts, CiFile, CiScript};
use crate::lang::yaml::{Entry, Node, Route, Value};
use crate::source::SourceFile;

/// Top-level keys that are not jobs.
const GLOBAL_KEYWORDS: &[&str] = &[
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "spec",
];

/// How many `extends:` or `!reference` hops are followed.
const MAX_HOPS: usize = 11;

/// A job, with `extends:` applied.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub key: &'a Node,
    /// The job as written.
    pub node: &'a Node,
    /// The job with its `extends:` chain merged in.
    pub resolved: Node,
    /// Templates named in `extends:` that are not in this file.
    pub missing_templates: Vec<String>,
}

impl Job<'_> {
    pub fn name(&self) -> &str {
        self.key.as_str().unwrap_or("")
    }

    /// Hidden jobs (`.name`) are templates; they run only when extended.
    pub fn hidden(&self) -> bool {
        self.name().starts_with('.')
    }
}

/// One script line of a job: the node it comes from (for positions) and its text.
#[derive(Debug, Clone)]
pub struct ScriptLine<'n> {
    pub node: &'n Node,
    pub text: String,
}

/// The jobs of the file.
pub fn jobs(file: &CiFile) -> Vec<Job<'_>> {
    let Some(root) = file.root() else {
        return Vec::new();
    };
    root.entries()
        .iter()
        .filter(|e| e.value.is_map())
        .filter(|e| {
            e.key
                .as_str()
                .is_some_and(|k| !GLOBAL_KEYWORDS.contains(&k))
        })
        .map(|e| {
            let mut missing = Vec::new();
            let resolved = resolve(root, &e.value, 0, &mut missing);
            Job {
                key: &e.key,
                node: &e.value,
                resolved,
                missing_templates: missing,
            }
        })
        .collect()
}

fn resolve(root: &Node, job: &Node, depth: usize, missing: &mut Vec<String>) -> Node {
    let names: Vec<String> = job
        .get("extends")
        .map(Node::scalar_texts)
        .unwrap_or_default();
    if names.is_empty() || depth >= MAX_HOPS {
        return job.clone();
    }
    let mut base: Option<Node> = None;
    for name in names {
        let Some(template) = root.get(&name) else {
            missing.push(name);
            continue;
        };
        let t = resolve(root, template, depth + 1, missing);
        base = Some(match base {
            None => t,
            Some(b) => deep_merge(&b, &t),
        });
    }
    match base {
        Some(b) => deep_merge(&b, job),
        None => job.clone(),
    }
}

/// `over` merged onto `base`: mappings merge key by key, anything else is replaced.
fn deep_merge(base: &Node, over: &Node) -> Node {
    let (Value::Map(b), Value::Map(o)) = (&base.value, &over.value) else {
        return over.clone();
    };
    let mut entries: Vec<Entry> = b.clone();
    for e in o {
        match entries.iter_mut().find(|x| x.key.value == e.key.value) {
            Some(x) => {
                x.value = deep_merge(&x.value, &e.value);
                x.key = e.key.clone();
            }
            None => entries.push(e.clone()),
        }
    }
    Node {
        span: over.span.clone(),
        tag: over.tag.clone(),
        value: Value::Map(entries),
    }
}

/// The lines of a script key (`script`, `before_script`), with nested lists flattened
/// and `!reference` tags resolved in `root`.
pub fn script_lines<'n>(root: &'n Node, script: &'n Node) -> Vec<ScriptLine<'n>> {
    let mut out = Vec::new();
    collect(root, script, 0, &mut out);
    out
}

fn collect<'n>(root: &'n Node, node: &'n Node, depth: usize, out: &mut Vec<ScriptLine<'n>>) {
    if depth > MAX_HOPS {
        return;
    }
    if node.tag.as_deref() == Some("!reference") {
        let mut route = Route::new();
        for part in node.items() {
            if let Some(k) = part.scalar_text() {
                route = route.key(&k);
            }
        }
        if let Some(target) = root.at(&route) {
            collect(root, target, depth + 1, out);
        }
        return;
    }
    match &node.value {
        Value::Seq(items) => {
            for i in items {
                collect(root, i, depth + 1, out);
            }
        }
        _ => {
            if let Some(text) = node.scalar_text() {
                out.push(ScriptLine { node, text });
            }
        }
    }
}

/// The local files named by `include:` (`include: path`, `- local: path`, a list of
/// either), and whether anything else (remote, project, template, component) is included.
pub fn includes(root: &Node) -> (Vec<String>, bool) {
    let mut local = Vec::new();
    let mut opaque = false;
    let Some(inc) = root.get("include") else {
        return (local, opaque);
    };
    let items: Vec<&Node> = if inc.is_seq() {
        inc.items().iter().collect()
    } else {
        vec![inc]
    };
    for item in items {
        if let Some(s) = item.as_str() {
            if s.contains("://") {
                opaque = true;
            } else {
                local.push(s.trim_start_matches('/').to_string());
            }
        } else if let Some(l) = item.get("local").and_then(Node::as_str) {
            local.push(l.trim_start_matches('/').to_string());
        } else {
            opaque = true;
        }
    }
    (local, opaque)
}

pub(super) fn facts(source: &SourceFile, file: &CiFile, facts: &mut CiFacts) {
    let _ = source;
    let Some(root) = file.root() else {
        return;
    };
    let (local, opaque) = includes(root);
    facts.includes = local;
    facts.opaque |= opaque;
    facts.runs_on_changes = true;
    let default_before = root
        .get("default")
        .and_then(|d| d.get("before_script"))
        .or_else(|| root.get("before_script"));
    let jobs = jobs(file);
    facts.anchor = jobs
        .iter()
        .find(|j| !j.hidden())
        .or(jobs.first())
        .map(|j| j.key.span.clone());
    for job in &jobs {
        if job.node.get("trigger").is_some() {
            // A child or multi-project pipeline: its jobs are elsewhere.
            facts.opaque = true;
        }
        let mut keys: Vec<&Node> = Vec::new();
        match job.resolved.get("before_script") {
            Some(b) => keys.push(b),
            None => keys.extend(default_before),
        }
        keys.extend(job.resolved.get("script"));
        let mut builds = super::builds::JobBuilds::default();
        for key in keys {
            for line in script_lines(root, key) {
                builds.script(&line.text, "");
                facts.scripts.push(CiScript {
                    script: line.text,
                    dir: String::new(),
                    span: line.node.span.clone(),
                });
            }
        }
        facts.shipped_builds.extend(builds.shipped());
    }
}
