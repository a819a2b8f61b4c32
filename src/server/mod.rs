//! `readylint server`: a language server over standard input and output, for editors.
//!
//! Every check is a run of the engine ([`crate::run`]) with the open documents as its
//! overlay, so the editor sees what `readylint check` would say of the unsaved text,
//! with the configuration that applies to each file:
//!
//! - on open and on every change, a run over the one file (as `readylint check FILE`
//!   does), which leaves out the repository rules that need the whole project;
//! - on save (and on the first open in a project), a run over the whole project, whose
//!   repository findings (no CI, no lockfile, …) are kept for the open documents they
//!   are anchored in until the next save.
//!
//! Code actions offer each finding's fix and an inline suppression; hovering a
//! diagnostic shows its rule's documentation. Bad input (malformed messages, unknown
//! files, documents that are not files) is logged on standard error and the server
//! goes on.

mod diagnostics;
mod transport;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, MarkupContent, MarkupKind, MessageType, Position, PublishDiagnosticsParams,
    Range, SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use self::diagnostics::{Entry, LineIndex};
use crate::engine::RunOptions;
use crate::finding::Finding;
use crate::lang::FileKind;
use crate::registry::Registry;

/// Runs the server until the client says `exit`: 0 after a `shutdown`, 1 without one
/// (as the protocol asks), or when the client goes away.
pub fn run() -> miette::Result<u8> {
    let (connection, threads) = transport::stdio();
    let mut server = Server::default();
    let mut code = 1;
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                let response = server.request(req);
                if connection.sender.send(response.into()).is_err() {
                    break;
                }
            }
            Message::Notification(n) if n.method == "exit" => {
                code = u8::from(!server.shut_down);
                break;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    if connection.sender.send(out.into()).is_err() {
                        break;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(connection);
    threads.join();
    Ok(code)
}

/// An open document.
struct Document {
    uri: Uri,
    /// Its absolute path.
    path: PathBuf,
    version: i32,
    text: String,
    /// The project it belongs to (as `readylint check FILE` finds it), and its path there.
    root: PathBuf,
    rel_path: String,
    kind: Option<FileKind>,
    /// The findings of the last run over this file alone.
    file: Vec<Entry>,
    /// The findings of repository rules from the last run over the whole project, and
    /// the version of the text they were found in.
    repository: Vec<Entry>,
    repository_version: i32,
    /// Unused-suppression findings (RDY002) of the runs over this file alone that the
    /// whole project's run does not have: their directives silence repository findings,
    /// which only that run reports. By message and line text.
    partial_only: BTreeSet<(String, String)>,
    /// The rules of the last run (built-in and packs), for hover.
    registry: Registry,
}

impl Document {
    /// This file's findings, less the unused suppressions of repository findings.
    fn file_entries(&self) -> impl Iterator<Item = &Entry> {
        self.file.iter().filter(|e| {
            e.finding.rule != "RDY002" || !self.partial_only.contains(&key_of(&e.finding))
        })
    }

    /// What the editor shows: this file's findings and the repository's.
    fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.file_entries().chain(&self.repository)
    }

    /// The entries whose positions are those of the current text, for code actions
    /// and hover.
    fn current_entries(&self) -> impl Iterator<Item = &Entry> {
        let repository_current = self.repository_version == self.version;
        self.file_entries()
            .chain(self.repository.iter().filter(move |_| repository_current))
    }
}

fn key_of(f: &Finding) -> (String, String) {
    (f.message.clone(), f.line_text.clone())
}

#[derive(Default)]
struct Server {
    initialized: bool,
    shut_down: bool,
    /// The workspace folders, where whole-project runs may go.
    workspace: Vec<PathBuf>,
    /// Open documents, by URI.
    documents: BTreeMap<String, Document>,
    /// The findings of the last whole run of each project, by path: a document opened
    /// later takes its repository findings from there until the next save.
    projects: BTreeMap<PathBuf, BTreeMap<String, Vec<Finding>>>,
    /// The last error of a run per project, shown once until it changes.
    errors: BTreeMap<PathBuf, String>,
}

/// A file URI's path, percent-decoded.
fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let Some(b) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            bytes.push(b);
            i += 3;
            continue;
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => {
            decoded[1..].to_string()
        }
        _ => decoded,
    };
    let path = PathBuf::from(decoded);
    path.is_absolute().then_some(path)
}

fn log(message: &str) {
    eprintln!("readylint server: {message}");
}

impl Server {
    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        if !self.initialized && req.method != "initialize" {
            return error(id, ErrorCode::ServerNotInitialized, "initialize first");
        }
        if self.shut_down {
            return error(id, ErrorCode::InvalidRequest, "the server is shutting down");
        }
        let result = match req.method.as_str() {
            "initialize" => params(&req).map(|p| self.initialize(p)),
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => params(&req).map(|p| self.code_actions(p)),
            "textDocument/hover" => params(&req).map(|p| self.hover(p)),
            method => {
                log(&format!("unknown request `{method}`"));
                return error(
                    id,
                    ErrorCode::MethodNotFound,
                    &format!("unknown method `{method}`"),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => {
                log(&message);
                error(id, ErrorCode::InvalidParams, &message)
            }
        }
    }

    fn initialize(&mut self, p: InitializeParams) -> Value {
        self.initialized = true;
        #[allow(deprecated)] // `rootUri` is what clients without workspace folders send.
        let folders: Vec<Uri> = match (&p.workspace_folders, &p.root_uri) {
            (Some(folders), _) if !folders.is_empty() => {
                folders.iter().map(|f| f.uri.clone()).collect()
            }
            (_, Some(root)) => vec![root.clone()],
            _ => Vec::new(),
        };
        self.workspace = folders.iter().filter_map(uri_to_path).collect();
        // A project is found as `readylint check FILE` run from the workspace finds it.
        if let Some(first) = self.workspace.first()
            && let Err(e) = std::env::set_current_dir(first)
        {
            log(&format!("cannot enter {}: {e}", first.display()));
        }
        let capabilities = ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::FULL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            ..ServerCapabilities::default()
        };
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": ServerInfo {
                name: "readylint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            },
        })
    }

    /// Handles a notification; returns the notifications to send.
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        if !self.initialized {
            return Vec::new();
        }
        let result = match n.method.as_str() {
            "textDocument/didOpen" => from_value(n.params).map(|p| self.did_open(p)),
            "textDocument/didChange" => from_value(n.params).map(|p| self.did_change(p)),
            "textDocument/didSave" => from_value(n.params).map(|p| self.did_save(p)),
            "textDocument/didClose" => from_value(n.params).map(|p| self.did_close(p)),
            _ => Ok(Vec::new()),
        };
        result.unwrap_or_else(|e| {
            log(&format!("{}: {e}", n.method));
            Vec::new()
        })
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) -> Vec<Notification> {
        let doc = p.text_document;
        let Some(path) = uri_to_path(&doc.uri) else {
            log(&format!("not a file, not checked: {}", doc.uri.as_str()));
            return Vec::new();
        };
        let probe = RunOptions {
            paths: vec![path.clone()],
            ..RunOptions::default()
        };
        let root = match crate::project_root_for(&probe) {
            Ok(root) => root,
            Err(e) => {
                log(&format!("{}: {e}", path.display()));
                return Vec::new();
            }
        };
        let rel_path = crate::discover::rel_path(&root, &path);
        let key = doc.uri.as_str().to_string();
        self.documents.insert(
            key.clone(),
            Document {
                kind: crate::lang::classify(&rel_path).first().copied(),
                uri: doc.uri,
                path,
                version: doc.version,
                text: doc.text,
                root: root.clone(),
                rel_path,
                file: Vec::new(),
                repository: Vec::new(),
                repository_version: doc.version,
                partial_only: BTreeSet::new(),
                registry: Registry::standard().clone(),
            },
        );
        let mut out = self.check_file(&key);
        if self.projects.contains_key(&root) {
            self.take_whole_run(&key);
            out.extend(self.publish(&key));
        } else {
            out.extend(self.check_project(&root));
        }
        out
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) -> Vec<Notification> {
        let key = p.text_document.uri.as_str().to_string();
        let Some(doc) = self.documents.get_mut(&key) else {
            log(&format!("change of a document that is not open: {key}"));
            return Vec::new();
        };
        for change in p.content_changes {
            match change.range {
                // Full sync is what the server asks for; a range is applied all the same.
                Some(range) => {
                    let index = LineIndex::new(&doc.text);
                    let (start, end) = (index.offset(range.start), index.offset(range.end));
                    doc.text.replace_range(start..end.max(start), &change.text);
                }
                None => doc.text = change.text,
            }
        }
        doc.version = p.text_document.version;
        let mut out = self.check_file(&key);
        out.extend(self.publish(&key));
        out
    }

    fn did_save(&mut self, p: DidSaveTextDocumentParams) -> Vec<Notification> {
        let key = p.text_document.uri.as_str().to_string();
        let Some(root) = self.documents.get(&key).map(|d| d.root.clone()) else {
            return Vec::new();
        };
        // A saved configuration file changes what every open file of the project gets.
        let mut out = Vec::new();
        let keys = self.open_in(&root);
        for k in &keys {
            out.extend(self.check_file(k));
        }
        out.extend(self.check_project(&root));
        out
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) -> Vec<Notification> {
        let key = p.text_document.uri.as_str().to_string();
        match self.documents.remove(&key) {
            Some(doc) => vec![publish(doc.uri, Vec::new(), None)],
            None => Vec::new(),
        }
    }

    /// The keys of the open documents of the project at `root`.
    fn open_in(&self, root: &Path) -> Vec<String> {
        self.documents
            .iter()
            .filter(|(_, d)| d.root == root)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The open documents of the project at `root`, by their paths there.
    fn overlay(&self, root: &Path) -> Arc<BTreeMap<String, String>> {
        Arc::new(
            self.documents
                .values()
                .filter(|d| d.path.starts_with(root))
                .map(|d| (crate::discover::rel_path(root, &d.path), d.text.clone()))
                .collect(),
        )
    }

    /// Runs the engine; an error (a broken configuration) is shown once until it
    /// changes, and logged.
    fn run(
        &mut self,
        root: &Path,
        opts: &RunOptions,
    ) -> (Option<crate::Report>, Vec<Notification>) {
        match crate::run(opts) {
            Ok(report) => {
                self.errors.remove(root);
                (Some(report), Vec::new())
            }
            Err(e) => {
                let message = format!("readylint: {e}");
                log(&format!("{e:?}"));
                if self.errors.get(root) == Some(&message) {
                    return (None, Vec::new());
                }
                self.errors.insert(root.to_path_buf(), message.clone());
                let show = Notification::new(
                    "window/showMessage".to_string(),
                    ShowMessageParams {
                        typ: MessageType::ERROR,
                        message,
                    },
                );
                (None, vec![show])
            }
        }
    }

    /// Checks one open document on its own (without the whole-project rules).
    fn check_file(&mut self, key: &str) -> Vec<Notification> {
        let Some(doc) = self.documents.get(key) else {
            return Vec::new();
        };
        let root = doc.root.clone();
        let opts = RunOptions {
            paths: vec![doc.path.clone()],
            root: Some(root.clone()),
            overlay: self.overlay(&root),
            ..RunOptions::default()
        };
        let (report, out) = self.run(&root, &opts);
        if let Some(doc) = self.documents.get_mut(key) {
            match report {
                Some(report) => {
                    let index = LineIndex::new(&doc.text);
                    doc.file = report
                        .findings
                        .iter()
                        .filter(|f| *f.path == *doc.rel_path)
                        .map(|f| diagnostics::entry(f, &index, &doc.uri, doc.kind))
                        .collect();
                    doc.registry = report.registry;
                }
                None => doc.file.clear(),
            }
        }
        out
    }

    /// Checks the whole project at `root` with its open documents, and publishes the
    /// diagnostics of each of them.
    fn check_project(&mut self, root: &Path) -> Vec<Notification> {
        let keys = self.open_in(root);
        // Only a real project is walked whole: one in the workspace, a git repository,
        // or a directory with a configuration file (never `/` or a home directory that
        // a loose file happens to be in).
        let is_project = self.workspace.iter().any(|w| root.starts_with(w))
            || root.join(".git").exists()
            || crate::config::config_in(root).is_some();
        let mut out = Vec::new();
        if is_project {
            // The walk finds what is on disk; open documents that are not (yet) are
            // named besides.
            let unsaved = keys
                .iter()
                .filter_map(|k| self.documents.get(k))
                .map(|d| d.path.clone())
                .filter(|p| std::fs::symlink_metadata(p).is_err());
            let opts = RunOptions {
                paths: std::iter::once(root.to_path_buf()).chain(unsaved).collect(),
                root: Some(root.to_path_buf()),
                overlay: self.overlay(root),
                ..RunOptions::default()
            };
            let (report, errors) = self.run(root, &opts);
            out = errors;
            let mut by_path: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
            for f in report.map(|r| r.findings).unwrap_or_default() {
                by_path.entry(f.path.to_string()).or_default().push(f);
            }
            self.projects.insert(root.to_path_buf(), by_path);
        } else {
            log(&format!(
                "{} is not a project (no workspace folder, git repository or configuration): repository rules are not run",
                root.display()
            ));
            self.projects.insert(root.to_path_buf(), BTreeMap::new());
        }
        for k in &keys {
            self.take_whole_run(k);
        }
        for k in &keys {
            out.extend(self.publish(k));
        }
        out
    }

    /// Takes an open document's repository findings from its project's last whole run,
    /// and notes the unused-suppression findings that only the runs over the file alone
    /// have.
    fn take_whole_run(&mut self, key: &str) {
        let Some(doc) = self.documents.get_mut(key) else {
            return;
        };
        let whole = self
            .projects
            .get(&doc.root)
            .and_then(|p| p.get(&doc.rel_path))
            .map_or(&[][..], Vec::as_slice);
        let index = LineIndex::new(&doc.text);
        doc.repository = whole
            .iter()
            .filter(|f| f.repository)
            .map(|f| diagnostics::entry(f, &index, &doc.uri, doc.kind))
            .collect();
        doc.repository_version = doc.version;
        let whole: BTreeSet<(String, String)> = whole.iter().map(key_of).collect();
        doc.partial_only = doc
            .file
            .iter()
            .map(|e| key_of(&e.finding))
            .filter(|k| !whole.contains(k))
            .collect();
    }

    fn publish(&self, key: &str) -> Vec<Notification> {
        let Some(doc) = self.documents.get(key) else {
            return Vec::new();
        };
        let diagnostics = doc.entries().map(|e| e.diagnostic.clone()).collect();
        vec![publish(doc.uri.clone(), diagnostics, Some(doc.version))]
    }

    fn code_actions(&self, p: CodeActionParams) -> Value {
        let Some(doc) = self.documents.get(p.text_document.uri.as_str()) else {
            return Value::Null;
        };
        let wanted = |kind: &lsp_types::CodeActionKind| {
            p.context
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
        };
        let actions: Vec<CodeActionOrCommand> = doc
            .current_entries()
            .filter(|e| overlaps(&e.diagnostic.range, &p.range))
            .flat_map(|e| &e.actions)
            .filter(|a| a.kind.as_ref().is_some_and(wanted))
            .cloned()
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        serde_json::to_value(actions).unwrap_or(Value::Null)
    }

    fn hover(&self, p: HoverParams) -> Value {
        let at = p.text_document_position_params;
        let Some(doc) = self.documents.get(at.text_document.uri.as_str()) else {
            return Value::Null;
        };
        let mut codes: Vec<&str> = Vec::new();
        let mut range = None;
        for e in doc.current_entries() {
            let r = e.diagnostic.range;
            if contains(&r, at.position) && !codes.contains(&e.finding.rule) {
                codes.push(e.finding.rule);
                range.get_or_insert(r);
            }
        }
        let docs: Vec<String> = codes
            .iter()
            .filter_map(|c| crate::catalogue::explain(&doc.registry, c))
            .collect();
        if docs.is_empty() {
            return Value::Null;
        }
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: docs.join("\n---\n\n"),
            }),
            range,
        };
        serde_json::to_value(hover).unwrap_or(Value::Null)
    }
}

fn overlaps(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn contains(r: &Range, p: Position) -> bool {
    r.start <= p && (p < r.end || (r.start == r.end && p == r.start))
}

fn publish(
    uri: Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) -> Notification {
    Notification::new(
        "textDocument/publishDiagnostics".to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_string())
}

fn params<P: serde::de::DeserializeOwned>(req: &Request) -> Result<P, String> {
    from_value(req.params.clone()).map_err(|e| format!("{}: invalid parameters: {e}", req.method))
}

fn from_value<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}
