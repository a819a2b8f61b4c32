//! `readylint server`, driven as an editor drives it: the real binary over standard
//! input and output, every read with a timeout so that a broken server fails the test
//! instead of hanging it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A running server and the messages it sent.
struct Client {
    child: Child,
    /// What the server wrote on standard error.
    log: Arc<Mutex<String>>,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_readylint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start readylint server");
        // The server's log, kept, and through the test's own output (shown when it
        // fails).
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{line}");
                let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                kept.push_str(&line);
                kept.push('\n');
            }
        });
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("JSON from the server");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            log,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(message.to_string().as_bytes());
    }

    /// Sends a request and waits for its response (other messages are passed over).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(message.to_string().as_bytes());
        self.wait(&format!("the response to {method}"), |m| m["id"] == id)
    }

    /// The next message that `wanted` accepts.
    fn wait(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if wanted(&m) => return m,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server quit before {what}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        let m = self.wait(&format!("diagnostics of {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .expect("a list of diagnostics")
            .clone()
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics(uri)
    }

    fn code_actions(&mut self, uri: &str, range: &Value) -> Vec<Value> {
        let r = self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
        );
        r["result"]
            .as_array()
            .expect("a list of code actions")
            .clone()
    }

    /// `shutdown`, `exit`, and the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        self.exit_status()
    }

    /// The exit status, once the server has exited.
    fn exit_status(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(root: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", root.display())
}

fn range(l1: u64, c1: u64, l2: u64, c2: u64) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    let mut codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().expect("a code"))
        .collect();
    codes.sort_unstable();
    codes
}

/// The edits of the action titled `title`, for `uri`.
fn edits<'a>(actions: &'a [Value], title: &str, uri: &str) -> &'a Value {
    let action = actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action `{title}` in {actions:#?}"));
    assert_eq!(action["kind"], "quickfix");
    &action["edit"]["changes"][uri]
}

const PYTHON: &str = "import os\n\ntry:\n    os.getcwd()\nexcept:  # café 😀\n    pass\n";
const DOCKERFILE: &str =
    "FROM python:3.12-slim\nADD \"café😀.txt\" /x\nUSER app\nCMD [\"python\", \"app.py\"]\n";

fn project() -> tempfile::TempDir {
    let dir = common::temp_repo();
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    // On disk the Dockerfile is clean: the server checks the editor's text.
    common::write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\n",
    );
    // EXC001 and DEP001 are opt-in, and `ADD` of a local file is reported (and fixed)
    // only with DKR002's option.
    common::write(
        dir.path(),
        "readylint.toml",
        "extend-select = [\"EXC001\", \"DEP001\"]\n\n[rules.DKR002]\nlocal-files = true\n",
    );
    dir
}

#[test]
fn diagnostics_fixes_suppressions_and_hover() {
    let dir = project();
    let root = dir.path();
    // A README and CI, so that the repository rules have nothing to say.
    common::write(
        root,
        "README.md",
        "# svc\n\nThe service answers requests about the weather in several cities.\n",
    );
    common::write(
        root,
        ".github/workflows/ci.yml",
        "name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: ruff check . && pytest\n",
    );
    let mut client = Client::start(root);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "{init}");
    assert_eq!(caps["codeActionProvider"], true);
    assert_eq!(caps["hoverProvider"], true);
    client.notify("initialized", json!({}));

    // A Python file that exists only in the editor.
    let py = uri(root, "app.py");
    let diagnostics = client.open(&py, PYTHON);
    assert_eq!(codes(&diagnostics), ["EXC001"], "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["range"], range(4, 0, 4, 6));
    assert_eq!(d["severity"], 2);
    assert_eq!(d["source"], "readylint");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("except") && m.contains("\nhelp: ")),
        "{d}"
    );
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/docs/rules/EXC001.md")),
        "{d}"
    );

    // The Dockerfile: `😀` is two UTF-16 code units, so the end is at 16, not 15.
    let docker = uri(root, "Dockerfile");
    let diagnostics = client.open(&docker, DOCKERFILE);
    assert_eq!(codes(&diagnostics), ["DKR002"], "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["range"], range(1, 0, 1, 16));

    // Code actions: the fix (unsafe for EXC001) and the suppression comment.
    let actions = client.code_actions(&py, &range(4, 2, 4, 2));
    assert_eq!(actions.len(), 2, "{actions:#?}");
    assert_eq!(
        *edits(&actions, "Fix EXC001 bare-except (unsafe)", &py),
        json!([{"range": range(4, 6, 4, 6), "newText": " Exception"}])
    );
    assert_eq!(
        *edits(&actions, "Suppress EXC001 on this line", &py),
        json!([{"range": range(4, 0, 4, 0), "newText": "# readylint: ignore[EXC001]\n"}])
    );
    let actions = client.code_actions(&docker, &range(1, 0, 1, 3));
    assert_eq!(
        *edits(&actions, "Fix DKR002 add-instead-of-copy", &docker),
        json!([{"range": range(1, 0, 1, 3), "newText": "COPY"}])
    );
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Fix DKR002 add-instead-of-copy")
        .expect("fix");
    assert_eq!(fix["isPreferred"], true, "a safe fix is preferred");
    assert_eq!(
        *edits(&actions, "Suppress DKR002 on this line", &docker),
        json!([{"range": range(1, 0, 1, 0), "newText": "# readylint: ignore[DKR002]\n"}])
    );
    // Nothing to offer away from the findings.
    assert!(client.code_actions(&py, &range(0, 0, 0, 3)).is_empty());

    // Hover on the diagnostic: the rule's documentation.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": py}, "position": {"line": 4, "character": 3}}),
    );
    let docs = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(docs.starts_with("# EXC001 bare-except"), "{hover}");
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": py}, "position": {"line": 0, "character": 1}}),
    );
    assert_eq!(nothing["result"], Value::Null);

    // The suppression comment, applied, silences the finding; so does the fix.
    let suppressed = DOCKERFILE.replace("ADD", "# readylint: ignore[DKR002]\nADD");
    assert_eq!(client.change(&docker, 2, &suppressed), Vec::<Value>::new());
    let fixed = PYTHON.replace("except:", "except OSError:");
    assert_eq!(client.change(&py, 2, &fixed), Vec::<Value>::new());
    // And the problem, back, is reported again.
    assert_eq!(codes(&client.change(&py, 3, PYTHON)), ["EXC001"]);

    // Closing clears.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": py}}),
    );
    assert_eq!(client.diagnostics(&py), Vec::<Value>::new());

    let status = client.stop();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn repository_rules_are_refreshed_on_save_not_on_change() {
    let dir = project();
    let root = dir.path();
    let manifest =
        "[project]\nname = \"svc\"\nversion = \"1\"\ndependencies = [\"flask==3.0.0\"]\n";
    common::write(root, "pyproject.toml", manifest);
    let mut client = Client::start(root);
    client.request(
        "initialize",
        json!({"processId": null, "workspaceFolders": [{"uri": format!("file://{}", root.display()), "name": "svc"}], "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    // The first document opened in the project runs it whole.
    let docker = uri(root, "Dockerfile");
    assert_eq!(
        client.open(&docker, "FROM python:3.12-slim\nUSER app\n"),
        Vec::<Value>::new()
    );
    let toml = uri(root, "pyproject.toml");
    // No README, no CI, no lockfile: repository findings anchored in the manifest, from
    // that run.
    let diagnostics = client.open(&toml, manifest);
    assert_eq!(codes(&diagnostics), ["CI001", "DEP004", "DOC001"]);

    common::write(
        root,
        "README.md",
        "# svc\n\nThe service answers requests about the weather in several cities.\n",
    );
    // A keystroke does not run the repository rules again.
    let edited = format!("{manifest}# edited\n");
    assert_eq!(
        codes(&client.change(&toml, 2, &edited)),
        ["CI001", "DEP004", "DOC001"]
    );
    // Saving does.
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": toml}}),
    );
    assert_eq!(codes(&client.diagnostics(&toml)), ["CI001", "DEP004"]);
    assert_eq!(client.stop().code(), Some(0));
}

/// `text` with one insertion at an LSP position (the texts here are ASCII).
fn insert(text: &str, edit: &Value) -> String {
    let at = &edit["range"]["start"];
    let (line, character) = (
        at["line"].as_u64().unwrap_or(0),
        at["character"].as_u64().unwrap_or(0),
    );
    let start: usize = text
        .split_inclusive('\n')
        .take(usize::try_from(line).unwrap_or(0))
        .map(str::len)
        .sum();
    let offset = start + usize::try_from(character).unwrap_or(0);
    let new = edit["newText"].as_str().expect("newText");
    format!("{}{new}{}", &text[..offset], &text[offset..])
}

#[test]
fn each_kind_gets_the_suppression_comment_the_engine_honours() {
    let dir = project();
    let root = dir.path();
    let mut client = Client::start(root);
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let files = [
        (
            "src/main.rs",
            "fn main() {\n    let c = reqwest::Client::new();\n}\n",
            "NET003",
        ),
        (
            ".github/workflows/ci.yml",
            "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: cargo test\n",
            "CI006",
        ),
        (
            "Cargo.toml",
            "[package]\nname = \"svc\"\nversion = \"0.1.0\"\ndescription = \"A library\"\nlicense = \"MIT\"\n\n[dependencies]\nserde = \"*\"\n",
            "DEP002",
        ),
        // A repository rule's finding: it and its suppression are seen again on save.
        ("requirements.txt", "flask\ngunicorn==23.0.0\n", "DEP001"),
    ];
    for (path, text, _) in files {
        common::write(root, path, text);
    }
    for (path, text, code) in files {
        let file = uri(root, path);
        let diagnostics = client.open(&file, text);
        let d = diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {path}: {diagnostics:#?}"));
        let actions = client.code_actions(&file, &d["range"]);
        let edit = &edits(&actions, &format!("Suppress {code} on this line"), &file)[0];
        let suppressed = insert(text, edit);
        let mut after = client.change(&file, 2, &suppressed);
        if code == "DEP001" {
            client.notify(
                "textDocument/didSave",
                json!({"textDocument": {"uri": file}}),
            );
            after = client.diagnostics(&file);
        }
        let left = codes(&after);
        assert!(
            !left.iter().any(|c| *c == code || c.starts_with("RDY")),
            "{path}:\n{suppressed}\n{left:?}"
        );
    }
    assert_eq!(client.stop().code(), Some(0));
}

#[test]
fn a_suppression_of_a_repository_finding_is_not_unused_between_saves() {
    let dir = project();
    let root = dir.path();
    let manifest = "# readylint: ignore[DOC001] -- the docs live in the wiki\n[project]\nname = \"svc\"\nversion = \"1\"\ndependencies = [\"flask==3.0.0\"]\n";
    common::write(root, "pyproject.toml", manifest);
    let mut client = Client::start(root);
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let toml = uri(root, "pyproject.toml");
    assert_eq!(codes(&client.open(&toml, manifest)), ["CI001", "DEP004"]);
    // A run over the file alone does not have DOC001, whose suppression it would call
    // unused (RDY002); the whole run said it is used.
    let edited = format!("{manifest}# edited\n");
    assert_eq!(
        codes(&client.change(&toml, 2, &edited)),
        ["CI001", "DEP004"]
    );
    // A suppression that is unused indeed is reported as you type.
    let unused = format!("{edited}# readylint: ignore[DEP003]\nx = 1\n");
    assert_eq!(
        codes(&client.change(&toml, 3, &unused)),
        ["CI001", "DEP004", "RDY002"]
    );
    assert_eq!(client.stop().code(), Some(0));
}

#[test]
fn bad_input_is_logged_and_the_server_goes_on() {
    let dir = project();
    let root = dir.path();
    let mut client = Client::start(root);
    // Before `initialize`, a request is refused.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    // Not JSON; JSON that is not a message; a frame without Content-Length.
    client.send_raw(b"{not json");
    client.send_raw(b"[1, 2, 3]");
    client
        .stdin
        .write_all(b"X-Nothing: 1\r\n\r\n")
        .expect("write");
    // Bad parameters, an unknown method, a document that is not a file.
    let bad = client.request("textDocument/codeAction", json!({"textDocument": 3}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let unknown = client.request("readylint/nothing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "python", "version": 1, "text": "except:"}}),
    );
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nowhere/x.py", "version": 2}, "contentChanges": []}));
    // Still answering, and a file outside the workspace is checked all the same.
    let elsewhere = common::temp_repo();
    let py = uri(elsewhere.path(), "x.py");
    assert_eq!(
        codes(&client.open(&py, "import requests\n\nrequests.get(URL)\n")),
        ["NET001"]
    );
    let log = Arc::clone(&client.log);
    assert_eq!(client.stop().code(), Some(0));
    // Each was logged (the log is read on a thread of its own: wait for it).
    let said = [
        "skipped a message: not a JSON-RPC message (key must be a string",
        "skipped a message: not a JSON-RPC message (data did not match",
        "skipped a message: no Content-Length header",
        "textDocument/codeAction: invalid parameters",
        "unknown request `readylint/nothing`",
        "not a file, not checked: untitled:Untitled-1",
        "change of a document that is not open: file:///nowhere/x.py",
    ];
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let text = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let missing: Vec<&str> = said.iter().copied().filter(|s| !text.contains(s)).collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{missing:?} not in the log:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = project();
    let mut client = Client::start(dir.path());
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(1));
}
