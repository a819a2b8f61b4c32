//! NET001 http-call-without-timeout.

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::FileKind;
use crate::lang::python::{Call, PythonFile};
use crate::rule::{Context, OptionKind, OptionMeta, Rule};

declare_rule! {
    /// ## What it does
    /// Flags network calls that can wait forever:
    /// - `requests` calls (`requests.get(...)`, `requests.request(...)`, and the same
    ///   methods on a `requests.Session()` bound in the same scope, or on `self.session`
    ///   set in a method of the class) without `timeout`, or with `timeout=None`;
    /// - `httpx` calls and clients (`httpx.get`, `httpx.Client`, `httpx.AsyncClient`)
    ///   with `timeout=None`;
    /// - `aiohttp` requests (`session.post(...)` on an `aiohttp.ClientSession`,
    ///   `aiohttp.request(...)`) with `timeout=None`;
    /// - `urllib.request.urlopen`, `http.client.HTTPConnection`/`HTTPSConnection`,
    ///   `smtplib.SMTP`/`SMTP_SSL`, `ftplib.FTP`/`FTP_TLS` and
    ///   `socket.create_connection` without a timeout.
    ///
    /// Every import form is understood: `import requests as r`, `from requests import
    /// get`, `from urllib import request`.
    ///
    /// ## Why it matters in production
    /// Without a timeout, a server that accepts the connection and never answers holds
    /// the calling thread or worker forever. A few such calls exhaust the worker pool
    /// and the whole service stops answering.
    ///
    /// ## Example
    /// ```python
    /// import requests
    /// resp = requests.get("https://api.example.com/v1/rates")
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// resp = requests.get("https://api.example.com/v1/rates", timeout=(3.05, 27))
    /// ```
    ///
    /// ## Known limits
    /// Tests, examples, scripts and maintainer tooling are not checked (see "Files it
    /// skips"): measured on real services, a missing timeout in a script someone runs by
    /// hand is not acted on. A cron job kept in `scripts/` is missed. A Django management
    /// command that no other file of the repository names (no crontab, scheduler
    /// template, Celery task, `call_command(...)` or deployment guide) is such a script:
    /// measured on real services, every command whose missing timeout was worth fixing
    /// was named by what schedules or calls it. A module-level function without
    /// decorators that could register it (a cache, a retry, `contextmanager` or `wraps`
    /// only wrap it) that no file names but where it is defined (dead code: nothing calls,
    /// imports, registers or schedules it, and no guide mentions it) is not checked
    /// either: measured on 412 real repositories, it takes back 21 findings, none of
    /// them judged worth acting on (11 not worth it; one judged worth it was a helper
    /// that, read again, nothing in its repository calls).
    /// Only in a module that other files name (one no other file names may be an entry
    /// point started by its path). A function reached only by a name built at run
    /// time (`getattr(module, f"sync_{kind}")`) is missed. For the same reason
    /// a call inside a command-line command (a function decorated as a `click` or
    /// `typer` command or group, Flask's `@app.cli.command()`, or a method of a `cmd.Cmd`
    /// interactive shell) is not flagged: the
    /// person who typed the command sees it wait. What the command calls in other
    /// functions is still checked.
    /// A call that passes `**kwargs` is not flagged (the timeout may be in there).
    /// A call without `timeout` to a standard-library client (`urllib.request.urlopen`,
    /// `http.client`, `smtplib`, `ftplib`, `socket.create_connection`) is not flagged
    /// when service code sets the process's default socket timeout for good
    /// (`socket.setdefaulttimeout(60)` at module level, or in a function that does not
    /// put it back, as a service's start-up function does; in a module that is not a
    /// test, an example, a script or tooling): the call inherits it. A `requests` call does
    /// not, and is still flagged: given no timeout, `requests` sets `None` on its socket,
    /// which overrides the default (measured with requests 2.34: a `requests.get` to a
    /// server that never answers still waited after `socket.setdefaulttimeout(1)`, where
    /// `urlopen` gave up after one second). Set for a moment and put back (a function
    /// that also reads `socket.getdefaulttimeout()` or sets the default again), it does
    /// not count; `timeout=None` overrides the default and is still flagged. A `requests` call without `timeout` is not
    /// flagged when service code replaces `requests.Session.request` with a wrapper
    /// that sets one (`Session.request = new_request` where `new_request` calls
    /// `kwargs.setdefault("timeout", …)`, as the start-up code of some Django services
    /// does): `requests.get` and every session go through it. Nor is a call on a session
    /// on which the file mounts a transport adapter of the repository whose `send` gives
    /// a request without a timeout one (`s.mount("https://", TimeoutAdapter(10))`, where
    /// `TimeoutAdapter.send` sets `kwargs["timeout"]`): the session is known by how it
    /// is written (`s`, `self.session`) anywhere in the file, and the adapter's prefix
    /// is not compared with the call's URL. A scan of some files
    /// only (a pre-commit hook) sees either default only if it is set in one of them.
    /// An explicit `timeout=None` is not flagged on a streaming call inside a loop
    /// (`client.stream(...)`, `stream=True`: a long-lived subscription the loop
    /// reconnects, meant to wait for the next event), nor on a call passed to
    /// `asyncio.wait_for(...)`, which bounds it; a one-shot call with `timeout=None` is
    /// flagged. A bound set by the caller in another function is not seen.
    /// `httpx` without `timeout` is fine: it has a default of five seconds; so is
    /// `aiohttp`, whose session bounds each request to five minutes unless it sets
    /// another (`timeout=None` on the request removes that bound; a session built with
    /// `ClientTimeout()` and no total is not judged). Sessions
    /// are recognised when created in the same scope (or an enclosing one, or on `self`
    /// in the class); a session passed in as a parameter is not. Compared with Ruff's
    /// S113, which covers the `requests` and `httpx` module functions, this rule also
    /// covers sessions and the standard-library clients.
    ///
    /// `readylint check --fix --unsafe-fixes` passes `timeout=10` (the option
    /// `fix-timeout`), or replaces `timeout=None` with it: unsafe, since a call that
    /// legitimately takes longer now fails, and the right value is the caller's to choose.
    pub HttpCallWithoutTimeout,
    code = "NET001", name = "http-call-without-timeout", category = Timeouts, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    options = [OptionMeta {
        name: "fix-timeout",
        kind: OptionKind::Integer,
        default: "10",
        doc: "the timeout, in seconds, that the fix passes",
    }],
    reads = [FileKind::Python],
    fix = Unsafe,
}

/// The edit that passes `timeout=seconds`: the value of `timeout=None` replaced, or the
/// keyword added after the last argument (before the closing parenthesis of a call
/// without arguments).
fn timeout_fix(text: &str, call: &Call, seconds: i64) -> Option<Fix> {
    if let Some(k) = call.keyword("timeout") {
        return Some(Fix::unsafe_(vec![Edit::replace(
            k.value.span(),
            seconds.to_string(),
        )]));
    }
    let last = call
        .args
        .iter()
        .map(|a| a.span().end)
        .chain(call.keywords.iter().map(|k| k.span.end))
        .max();
    let edit = match last {
        // One argument per line with a trailing comma: one more line like it.
        Some(end)
            if text[end..]
                .trim_start_matches([' ', '\t'])
                .starts_with(",\n") =>
        {
            let comma = end + text[end..].find(',')?;
            let line = text[..end].rfind('\n').map_or(0, |i| i + 1);
            let indent: String = text[line..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            Edit::insert(comma + 1, format!("\n{indent}timeout={seconds},"))
        }
        Some(end) => Edit::insert(end, format!(", timeout={seconds}")),
        None => {
            let close = call.span.end.checked_sub(1)?;
            (text.as_bytes().get(close) == Some(&b')'))
                .then(|| Edit::insert(close, format!("timeout={seconds}")))?
        }
    };
    Some(Fix::unsafe_(vec![edit]))
}

const REQUESTS_METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];
const HTTPX_FUNCTIONS: [&str; 9] = [
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

enum Timeout {
    Missing,
    Disabled,
    Set,
}

fn timeout(call: &Call) -> Timeout {
    match call.keyword("timeout") {
        None => Timeout::Missing,
        Some(k) if k.value.is_none() => Timeout::Disabled,
        Some(_) => Timeout::Set,
    }
}

/// The standard library's clients, each with how many positional arguments reach its
/// timeout. Without one, they take the process's default socket timeout.
const STDLIB_CLIENTS: &[(&str, usize)] = &[
    ("urllib.request.urlopen", 3),
    ("http.client.HTTPConnection", 3),
    ("http.client.HTTPSConnection", 3),
    ("smtplib.SMTP", 4),
    ("smtplib.SMTP_SSL", 4),
    ("smtplib.LMTP", 4),
    ("ftplib.FTP", 5),
    ("ftplib.FTP_TLS", 5),
    ("socket.create_connection", 2),
];

/// What kind of call this is, and how many positional arguments reach its timeout.
enum Kind {
    Requests,
    Httpx,
    Stdlib(usize),
}

fn kind(call: &Call) -> Option<(Kind, String)> {
    let q = call.qualified.as_deref().unwrap_or_default();
    if let Some(f) = q
        .strip_prefix("requests.")
        .map(|f| f.strip_prefix("api.").unwrap_or(f))
        && REQUESTS_METHODS.contains(&f)
    {
        return Some((Kind::Requests, q.to_string()));
    }
    if let Some(f) = q.strip_prefix("httpx.")
        && (HTTPX_FUNCTIONS.contains(&f) || f == "Client" || f == "AsyncClient")
    {
        return Some((Kind::Httpx, q.to_string()));
    }
    // aiohttp bounds a request by its session's timeout (five minutes unless set);
    // `timeout=None` on the request replaces it with none at all.
    if q == "aiohttp.request" {
        return Some((Kind::Httpx, q.to_string()));
    }
    if let Some((_, n)) = STDLIB_CLIENTS.iter().find(|(name, _)| *name == q) {
        return Some((Kind::Stdlib(*n), q.to_string()));
    }
    let method = call.method()?;
    let origin = call.receiver_origin.as_deref()?;
    let receiver = call
        .receiver()?
        .dotted()
        .unwrap_or_else(|| "session".into());
    match origin {
        // `Session.send(prepared)` takes a timeout too.
        "requests.Session" | "requests.session" | "requests.sessions.Session"
            if REQUESTS_METHODS.contains(&method) || method == "send" =>
        {
            Some((Kind::Requests, format!("{receiver}.{method}")))
        }
        "httpx.Client" | "httpx.AsyncClient" if HTTPX_FUNCTIONS.contains(&method) => {
            Some((Kind::Httpx, format!("{receiver}.{method}")))
        }
        "aiohttp.ClientSession" | "aiohttp.client.ClientSession"
            // The same verbs as a `requests` session's, and its websocket.
            if REQUESTS_METHODS.contains(&method) || method == "ws_connect" =>
        {
            Some((Kind::Httpx, format!("{receiver}.{method}")))
        }
        _ => None,
    }
}

/// A streaming call (`client.stream(...)`, `httpx.stream`, `requests.get(..., stream=True)`)
/// inside a loop: a long-lived subscription the loop reconnects, meant to wait for the
/// next event however long that takes.
fn stream_in_loop(call: &Call) -> bool {
    let streaming = call.method() == Some("stream")
        || call.qualified.as_deref() == Some("httpx.stream")
        || call
            .keyword("stream")
            .is_some_and(|k| !k.value.is_falsy_constant());
    streaming && call.ctx.in_loop
}

/// Whether the call is an argument of `asyncio.wait_for(...)`, which bounds it.
fn bounded_by_wait_for(file: &PythonFile, call: &Call) -> bool {
    file.calls.iter().any(|outer| {
        matches!(
            outer.qualified.as_deref(),
            Some("asyncio.wait_for" | "asyncio.tasks.wait_for")
        ) && outer
            .args
            .first()
            .is_some_and(|a| a.span().start <= call.span.start && call.span.end <= a.span().end)
    })
}

/// Whether the session of a call reported without a timeout (`callee` as the message
/// names it, `session.get`) is one on which the file mounts a transport adapter of the
/// repository whose `send` gives a request without a timeout one
/// (`s.mount("https://", TimeoutAdapter(10))` with `kwargs["timeout"] = self.timeout`
/// in `TimeoutAdapter.send`): every request of the session goes through it. The session
/// is known by how it is written (`s`, `self.session`), in the whole file.
fn adapter_gives_timeout(wide: &crate::repo::RepoWide, path: &str, callee: &str) -> bool {
    let Some((session, _method)) = callee.rsplit_once('.') else {
        return false;
    };
    wide.mounted_adapters.get(path).is_some_and(|mounted| {
        mounted
            .iter()
            .any(|(s, class)| s == session && wide.timeout_adapters.contains(class))
    })
}

/// The message of a call that passes no timeout at all (not `timeout=None`).
const NO_TIMEOUT: &str = "call without `timeout`";

impl Rule for HttpCallWithoutTimeout {
    /// A call without `timeout` to a standard-library client gets the process's default
    /// socket timeout when service code sets one for good (`socket.setdefaulttimeout(60)`
    /// at import, or at start-up without putting it back). `requests` does not: it sets
    /// `None` on the socket.
    ///
    /// A `requests` call without `timeout` gets one when service code replaces
    /// `requests.Session.request` with a wrapper that sets it.
    ///
    /// A session call without `timeout` gets one when the file mounts on that session a
    /// transport adapter whose `send` sets it (see [`adapter_gives_timeout`]).
    fn withdraws(&self, wide: &crate::repo::RepoWide, path: &str, message: &str) -> bool {
        let Some((callee, _)) = message
            .strip_prefix('`')
            .and_then(|m| m.split_once('`'))
            .filter(|_| message.ends_with(NO_TIMEOUT))
        else {
            return false;
        };
        // Only requests and the standard library's clients are reported without one.
        if STDLIB_CLIENTS.iter().any(|(name, _)| *name == callee) {
            return wide.default_socket_timeout;
        }
        wide.requests_default_timeout || adapter_gives_timeout(wide, path, callee)
    }

    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        let seconds = cx.option_int(&Self::META, "fix-timeout", 10).max(1);
        for call in &file.calls {
            if call.star_kwargs || call.ctx.in_cli_command {
                continue;
            }
            let Some((kind, name)) = kind(call) else {
                continue;
            };
            let message = match (kind, timeout(call)) {
                (_, Timeout::Set) => continue,
                // An explicit `timeout=None` on a stream a loop reconnects, or on a call
                // that `asyncio.wait_for` bounds, is the intended wait.
                (_, Timeout::Disabled)
                    if stream_in_loop(call) || bounded_by_wait_for(file, call) =>
                {
                    continue;
                }
                (Kind::Requests | Kind::Stdlib(_), Timeout::Disabled)
                | (Kind::Httpx, Timeout::Disabled) => {
                    format!("`{name}` with `timeout=None` can wait forever")
                }
                (Kind::Httpx, Timeout::Missing) => continue,
                (Kind::Stdlib(n), Timeout::Missing) if call.args.len() >= n || call.star_args => {
                    continue;
                }
                (_, Timeout::Missing) => format!("`{name}` {NO_TIMEOUT}"),
            };
            let fix = timeout_fix(&cx.source.text, call, seconds);
            let finding = cx.report(
                &Self::META,
                call.callee_span(),
                message,
                "pass `timeout=` in seconds (e.g. `timeout=10`, or `(3.05, 27)` for connect and read with requests)",
            );
            if let Some(fix) = fix {
                finding.fix(fix);
            }
        }
    }
}
