//! NET004 tls-verification-disabled: one rule over four inputs (Python calls and
//! assignments, Rust method chains and verifier impls, `RUN` scripts and `ENV`, CI
//! scripts and `env:`), because the property it guards is the same in each.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::ci::{CiFile, Flavor, github, gitlab, substitute_variables};
use crate::lang::dockerfile::{Dockerfile, Keyword, parse_key_values};
use crate::lang::python::{DefKind, PythonFile, Value, ValueKind, is_verify_setting};
use crate::lang::rust::{Node, RustFile, Scope};
use crate::lang::shell::{self, ShellWord, SimpleCommand};
use crate::lang::yaml;
use crate::roles::{Role, Roles};
use crate::rule::{Context, Rule, Severity};
use crate::rules::docker::all_run_scripts;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags TLS certificate or hostname verification switched off with a literal, in
    /// Python, Rust, Dockerfiles and CI configuration.
    ///
    /// - Python: `verify=False` in `requests` and `httpx` calls, sessions and clients
    ///   (and `session.verify = False`), and in `boto3` clients; `ssl=False` or
    ///   `verify_ssl=False` in `aiohttp` (`TCPConnector(ssl=False)` too);
    ///   `cert_reqs="CERT_NONE"` or `assert_hostname=False` in `urllib3`;
    ///   `ssl._create_unverified_context()`, and installing it as
    ///   `ssl._create_default_https_context`; `check_hostname = False` or
    ///   `verify_mode = ssl.CERT_NONE` on an SSL context; `ssl.CERT_NONE` passed as
    ///   `cert_reqs`, `ssl_cert_reqs` or `verify_mode`, as a keyword or a dictionary
    ///   entry (`sslopt={"cert_reqs": ssl.CERT_NONE}`, Celery's `broker_use_ssl`); and
    ///   `verify_ssl`, `ssl_verify`, `verify_certs`, `validate_certs`, `tls_verify` or
    ///   `verify_tls` set to `False` in any call;
    /// - Rust: `danger_accept_invalid_certs(true)` and
    ///   `danger_accept_invalid_hostnames(true)` (reqwest, native-tls), OpenSSL's
    ///   `set_verify(SslVerifyMode::NONE)`, and a rustls `ServerCertVerifier` whose
    ///   `verify_server_cert` accepts every certificate (its body is only
    ///   `Ok(ServerCertVerified::assertion())`);
    /// - Dockerfile `RUN` and CI scripts (GitHub Actions `run:`, GitLab `script:`):
    ///   `curl -k`/`--insecure`, `wget --no-check-certificate`, `pip install
    ///   --trusted-host …`, `git -c http.sslVerify=false` and `git config
    ///   http.sslVerify false`, `npm config set strict-ssl false` (also yarn, pnpm, and
    ///   `--strict-ssl=false`);
    /// - `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY=1` and
    ///   `NODE_TLS_REJECT_UNAUTHORIZED=0` set in a Dockerfile `ENV` or `ARG`, before a
    ///   command or with `export` in a script, in a CI `env:` or `variables:` map, or in
    ///   Python's `os.environ`.
    ///
    /// ## Why it matters in production
    /// Without verification, TLS still encrypts but no longer proves who is on the
    /// other end: anyone on the path (a compromised router, a rogue Wi-Fi access point,
    /// a poisoned DNS answer, another tenant of the cluster network) can present any
    /// certificate, read the traffic and change it — credentials, API tokens, payment
    /// data, or the package a build downloads and installs. Switched off "for now" to
    /// get past a self-signed certificate, it ships and stays.
    ///
    /// ## Example
    /// ```python
    /// resp = requests.post(url, json=payload, verify=False)
    /// ```
    /// ```dockerfile
    /// RUN curl -kfsSL https://example.com/tool.tgz | tar xz
    /// ```
    ///
    /// ## Fix
    /// Trust the private CA instead of trusting everyone:
    /// ```python
    /// resp = requests.post(url, json=payload, verify="/etc/ssl/certs/internal-ca.pem")
    /// ```
    /// ```dockerfile
    /// COPY internal-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates && curl -fsSL https://example.com/tool.tgz | tar xz
    /// ```
    /// Where an operator must be able to switch verification off, make it a setting
    /// that defaults to on (`verify=settings.VERIFY_TLS`): a value that is not a
    /// literal is not flagged.
    ///
    /// ## Known limits
    /// Only literals count: `verify=settings.VERIFY_SSL`, `verify=not insecure`, a value
    /// read from a variable or a `**kwargs` dictionary is a choice left to the operator.
    /// So is a literal in a branch that a verification setting selects: any branch of
    /// an `if` (Python, Rust) or a `match` (Rust) whose condition names a setting about
    /// verification (`verify_ssl`, `verify_certificate`, `insecure`,
    /// `accept_invalid_certs`, `check_hostname`, …; not a setting about the client's own
    /// certificate such as `verify_client_certificate`), or a `match` arm whose pattern
    /// names one (`TlsVerifyMode::Prefer =>`) — switched off when the user asks, an
    /// option rather than a defect. In Python, so is the branch of an `if` on a setting
    /// that turns TLS itself on (`use_ssl`, `tls_enabled`, `ENABLE_HTTPS`) where it is
    /// off (the `else:` of `if config.use_ssl:`, the body of `if not use_tls:`): the
    /// connection there is plain, and `ssl=False` only says so; the branch where TLS is
    /// on is checked as any other. Likewise a rustls verifier that accepts everything
    /// is not flagged when every place of its file that installs it is such a branch,
    /// or a function named for such a setting (`fn insecure_skip_verify`): measured on
    /// real services, six of seven such verifiers were an operator's documented
    /// opt-in (`pg_tls_no_verify`, `sslmode=prefer`); one installed whenever a URL
    /// asks for TLS is still flagged.
    /// Health checks are not flagged: code in a module or package named for one
    /// (`health.py`, `health/checks.py`, `healthcheck.py`, Rust's `healthcheck.rs`,
    /// `health_checker.rs`, `ready_checker.rs`) or in a Python function whose name says
    /// it (`def health_check`, `def readiness`) probes a status code or reads the peer's
    /// certificate to report its expiry, and trusts nothing it gets back.
    /// A context whose `check_hostname = False` is followed by `verify_mode = CERT_NONE`
    /// is one finding, on the latter. An SSL context whose `check_hostname`/`verify_mode` is also set to another value
    /// in the same file (branches on a configured mode) is not flagged. Requests to a
    /// literal `localhost`, `127.0.0.1` or `::1` URL (the first argument, or `url=`,
    /// `urls=`, `base_url=`, `uri=`, `endpoint=`, `endpoint_url=`) are not flagged, nor, in a shell
    /// script (a `RUN`, a CI step), `curl -k "$url"` where the script sets `url` only to
    /// such URLs (`local url="https://localhost:8443/v2/…"`): the service a CI job
    /// started on its own runner, with a certificate made for the test. `verify=False`
    /// is recognised only for `requests`, `httpx` and `boto3`; other clients'
    /// `verify` keywords (`jwt.decode(..., verify=False)` is about signatures) are not
    /// judged. `urllib3.disable_warnings()` is not a finding by itself. A rustls
    /// verifier that accepts everything after some work (logging, a counter) is
    /// missed; one built with `dangerous()` from a verifier defined in another file is
    /// not followed. Shell scripts outside Dockerfiles and CI configuration (`*.sh`)
    /// are not read, nor are `~/.curlrc`, `.npmrc` or `pip.conf` files.
    /// Findings in scripts and maintainer tooling are notes: a script run by hand
    /// against a test server is not the service's exposure. Ruff's S501 and S323 and
    /// bandit's B501 and B323 cover part of the Python side; their `# noqa` and
    /// `# nosec` comments silence this rule too.
    pub TlsVerificationDisabled,
    code = "NET004", name = "tls-verification-disabled", category = Config, severity = Error,
    security = true,
    skips = Role::NOT_PRODUCTION,
    reads = [
        FileKind::Python,
        FileKind::Rust,
        FileKind::Dockerfile,
        FileKind::GithubWorkflow,
        FileKind::GithubAction,
        FileKind::GitlabCi,
    ],
}

const HELP_PY: &str = "keep verification on; to trust a private CA pass its bundle (`verify=\"/path/ca.pem\"`, `ssl.create_default_context(cafile=...)`), or make it a setting that defaults to on";
const HELP_RUST: &str = "keep verification on; to trust a private CA add it as a root certificate (`add_root_certificate`), or make it a setting that defaults to off";
const HELP_SHELL: &str = "keep verification on; install the private CA into the trust store (`update-ca-certificates`) or pass it (`--cacert`, `--ca-certificate`, `--cert`, `http.sslCAInfo`, `cafile`)";

/// Environment variables that switch verification off, and whether a value does.
fn env_disables(name: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match name {
        "PYTHONHTTPSVERIFY" | "NODE_TLS_REJECT_UNAUTHORIZED" => v == "0",
        // git disables verification for any value but an empty one and `false`.
        "GIT_SSL_NO_VERIFY" => matches!(v.as_str(), "1" | "true" | "yes" | "on"),
        _ => false,
    }
}

/// Whether `note` findings are due: scripts and maintainer tooling.
fn in_script(cx: &Context<'_>) -> bool {
    Roles::of_path(&cx.source.rel_path).has(Role::Script)
}

fn report(cx: &mut Context<'_>, span: Span, message: String, help: &str) {
    let script = in_script(cx);
    let f = cx.report(&TlsVerificationDisabled::META, span, message, help);
    if script {
        f.severity(Severity::Note);
    }
}

/// The keywords by which clients take the address they connect to (`requests`'
/// `url`, `httpx`'s `base_url`, a wrapper's `urls`).
const ADDRESS_KEYWORDS: [&str; 6] = ["url", "urls", "base_url", "uri", "endpoint", "endpoint_url"];

/// A URL on this machine: verification against it proves little and is not flagged.
fn is_local_url(url: &str) -> bool {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .trim_start_matches('[');
    ["localhost", "127.0.0.1", "::1", "0.0.0.0"]
        .iter()
        .any(|h| {
            rest.strip_prefix(h)
                .is_some_and(|r| r.is_empty() || r.starts_with([':', '/', ']', '?']))
        })
}

// ---------------------------------------------------------------------------------
// Python

fn is_false(v: &Value) -> bool {
    matches!(v.kind(), ValueKind::Bool(false))
}

/// `ssl.CERT_NONE` however it was imported (`from ssl import CERT_NONE`,
/// `ssl.VerifyMode.CERT_NONE`), or, where strings are accepted, `"CERT_NONE"`/`"none"`.
fn is_cert_none(v: &Value, strings: bool) -> bool {
    match v.kind() {
        ValueKind::Str(s) => {
            strings && matches!(s.to_ascii_uppercase().as_str(), "CERT_NONE" | "NONE")
        }
        _ => v.last_name() == Some("CERT_NONE"),
    }
}

const CERT_REQS_KEYS: [&str; 3] = ["cert_reqs", "ssl_cert_reqs", "verify_mode"];

/// `{"cert_reqs": ssl.CERT_NONE}` inside `v` (nested dictionaries too): the entry's
/// span, and its key as written (`ssl_cert_reqs` in Celery's `broker_use_ssl`).
fn dict_cert_none(v: &Value, depth: usize) -> Option<(Span, &'static str)> {
    if depth > 3 || !v.is_dict() {
        return None;
    }
    let ValueKind::Dict(items) = v.kind() else {
        return None;
    };
    for (k, val) in items {
        if let Some(key) = k.as_ref().and_then(Value::as_str)
            && let Some(&key) = CERT_REQS_KEYS.iter().find(|c| **c == key)
            && is_cert_none(&val, true)
        {
            return Some((
                k.as_ref().map_or(val.span().start, |k| k.span().start)..val.span().end,
                key,
            ));
        }
        if let Some(s) = dict_cert_none(&val, depth + 1) {
            return Some(s);
        }
    }
    None
}

/// The client family a call belongs to, by its resolved name or its receiver's.
fn family(name: &str) -> Option<&'static str> {
    let head = name.split('.').next().unwrap_or(name);
    match head {
        "requests" if name.starts_with("requests.packages.urllib3") => Some("urllib3"),
        "requests" => Some("requests"),
        "httpx" => Some("httpx"),
        "aiohttp" => Some("aiohttp"),
        "urllib3" => Some("urllib3"),
        "boto3" | "botocore" | "aioboto3" => Some("boto3"),
        _ => None,
    }
}

/// Inside a health, liveness or readiness function (`def health_check`,
/// `_probe_liveness`); a module or package named for one is [`crate::roles::is_probe_path`].
/// A probe reads a status code or the peer's certificate (to report its expiry) and
/// trusts nothing it gets back: of the four such findings judged on services none was
/// worth acting on, and none of the 40 worth it was one.
fn in_probe_def(file: &PythonFile, offset: usize) -> bool {
    file.enclosing_def(DefKind::Function, offset)
        .is_some_and(|d| {
            let name = d.name.to_ascii_lowercase();
            ["health", "liveness", "readiness"]
                .iter()
                .any(|w| name.contains(w))
        })
}

/// Reports a Python finding, unless the code is a probe's (asked only of findings: the
/// function lookup is not free, and most calls are not about TLS).
fn report_py(cx: &mut Context<'_>, file: &PythonFile, at: usize, span: Span, message: String) {
    if !in_probe_def(file, at) {
        report(cx, span, message, HELP_PY);
    }
}

fn check_python(file: &PythonFile, cx: &mut Context<'_>) {
    if crate::roles::is_probe_path(&cx.source.rel_path) {
        return;
    }
    for call in &file.calls {
        // Under `if not config.verify_ssl:` (or the `else:` of `if verify_tls:`): the
        // user's setting turns it off, not the code.
        if call.ctx.in_verify_guard {
            continue;
        }
        let q = call.qualified.as_deref().unwrap_or_default();
        let origin = call.receiver_origin.as_deref().unwrap_or_default();
        let fam = family(q).or_else(|| family(origin));
        // What the messages call the callee (made only for a finding).
        let shown = || {
            call.func
                .dotted()
                .unwrap_or_else(|| q.rsplit('.').next().unwrap_or(q).to_string())
        };
        // The address: the first argument, or a keyword that names it.
        let local = call
            .args
            .first()
            .or_else(|| {
                ADDRESS_KEYWORDS
                    .iter()
                    .find_map(|name| call.keyword(name).map(|k| &k.value))
            })
            .and_then(Value::as_str)
            .is_some_and(is_local_url);
        if q == "ssl._create_unverified_context" {
            report_py(
                cx,
                file,
                call.span.start,
                call.callee_span(),
                "`ssl._create_unverified_context()` makes a context that checks no certificate"
                    .into(),
            );
            continue;
        }
        for k in &call.keywords {
            let Some(name) = k.name else {
                continue;
            };
            let effect = match (fam, name) {
                (Some("requests" | "httpx" | "boto3"), "verify")
                | (Some("aiohttp"), "ssl")
                | (
                    _,
                    "verify_ssl" | "ssl_verify" | "verify_certs" | "validate_certs" | "tls_verify"
                    | "verify_tls",
                ) if is_false(&k.value) => "turns off certificate verification",
                (Some("urllib3"), "assert_hostname") if is_false(&k.value) => {
                    "turns off hostname verification"
                }
                (_, n)
                    if CERT_REQS_KEYS.contains(&n)
                        && is_cert_none(
                            &k.value,
                            fam == Some("urllib3") || n == "ssl_cert_reqs",
                        ) =>
                {
                    "accepts any certificate"
                }
                _ => {
                    if let Some((span, key)) = dict_cert_none(&k.value, 0) {
                        report_py(
                            cx,
                            file,
                            call.span.start,
                            span,
                            format!(
                                "`{key}: CERT_NONE`{} passed to `{}` accepts any certificate",
                                k.name.map(|arg| format!(" in `{arg}`")).unwrap_or_default(),
                                shown()
                            ),
                        );
                    }
                    continue;
                }
            };
            if local {
                continue;
            }
            let written = cx
                .source
                .text
                .get(k.value.span())
                .unwrap_or("False")
                .to_string();
            let message = format!("`{name}={written}` in `{}` {effect}", shown());
            report_py(cx, file, call.span.start, k.span.clone(), message);
        }
        for a in &call.args {
            if let Some((span, key)) = dict_cert_none(a, 0) {
                report_py(
                    cx,
                    file,
                    call.span.start,
                    span,
                    format!(
                        "`{key}: CERT_NONE` passed to `{}` accepts any certificate",
                        shown()
                    ),
                );
            }
        }
    }

    for a in &file.assigns {
        let Some(value) = &a.value else { continue };
        if a.augmented || a.ctx.in_verify_guard {
            continue;
        }
        // `CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": ssl.CERT_NONE}`.
        if let Some((span, key)) = dict_cert_none(value, 0) {
            report_py(
                cx,
                file,
                a.span.start,
                span,
                format!("`{key}: CERT_NONE` accepts any certificate"),
            );
            continue;
        }
        // `os.environ["PYTHONHTTPSVERIFY"] = "0"`.
        if let ValueKind::Subscript(base, key) = a.target.kind()
            && file.resolve(&base).as_deref() == Some("os.environ")
            && let (Some(name), Some(v)) = (key.as_str(), value.as_str())
            && env_disables(name, v)
        {
            report_py(
                cx,
                file,
                a.span.start,
                a.target.span(),
                format!("`{name}={v}` in the environment turns off certificate verification"),
            );
            continue;
        }
        let ValueKind::Attribute(recv, attr) = a.target.kind() else {
            continue;
        };
        let target = a.target.dotted().unwrap_or_else(|| attr.to_string());
        let recv_name = recv.dotted();
        match attr {
            "_create_default_https_context"
                if file.resolve(&recv).as_deref() == Some("ssl")
                    && file.resolve(value).as_deref() == Some("ssl._create_unverified_context")
                    // A switch that installs the verifying context in its other branch
                    // follows a setting (`set_https_verification(value)`).
                    && !file.assigns.iter().any(|o| {
                        o.target.is_dotted(&target)
                            && o.value.as_ref().is_some_and(|v| {
                                file.resolve(v).as_deref() != Some("ssl._create_unverified_context")
                            })
                    }) =>
            {
                report_py(cx, file, a.span.start,
                    a.target.span(),
                    "every HTTPS connection the standard library opens (`urllib`, `http.client`) stops checking certificates".into());
            }
            "verify"
                if is_false(value)
                    && recv_name
                        .as_deref()
                        .is_some_and(|r| is_http_session(file, r)) =>
            {
                report_py(
                    cx,
                    file,
                    a.span.start,
                    a.target.span(),
                    format!(
                        "`{target} = False` turns off certificate verification for the session"
                    ),
                );
            }
            "check_hostname" | "verify_mode" => {
                let off = if attr == "check_hostname" {
                    is_false(value)
                } else {
                    is_cert_none(value, false)
                };
                if !off || !file.imports_module("ssl") {
                    continue;
                }
                // Branches of a configured mode set the same attribute otherwise too.
                let configured = file.assigns.iter().any(|o| {
                    o.target.is_dotted(&target)
                        && o.value.as_ref().is_some_and(|v| {
                            if attr == "check_hostname" {
                                !is_false(v)
                            } else {
                                !is_cert_none(v, false)
                            }
                        })
                });
                if configured {
                    continue;
                }
                // `ctx.check_hostname = False` comes before `ctx.verify_mode = CERT_NONE`
                // (Python refuses the other order): one problem, reported once, where
                // any certificate is accepted.
                if attr == "check_hostname" {
                    let sibling = match target.rsplit_once('.') {
                        Some((recv, _)) => format!("{recv}.verify_mode"),
                        None => "verify_mode".to_string(),
                    };
                    let also_cert_none = file.assigns.iter().any(|o| {
                        o.target.is_dotted(&sibling)
                            && o.value.as_ref().is_some_and(|v| is_cert_none(v, false))
                    });
                    if also_cert_none {
                        continue;
                    }
                }
                let message = if attr == "check_hostname" {
                    format!("`{target} = False` turns off hostname verification")
                } else {
                    format!("`{target} = CERT_NONE` accepts any certificate")
                };
                report_py(cx, file, a.span.start, a.target.span(), message);
            }
            _ => {}
        }
    }
}

/// Whether `name` holds a `requests` or `httpx` session: bound to one in the file (the
/// calls made on it say so), or assigned one.
fn is_http_session(file: &PythonFile, name: &str) -> bool {
    let session = |q: &str| {
        matches!(
            q,
            "requests.Session"
                | "requests.session"
                | "requests.sessions.Session"
                | "httpx.Client"
                | "httpx.AsyncClient"
        )
    };
    file.calls.iter().any(|c| {
        c.receiver().is_some_and(|r| r.is_dotted(name))
            && c.receiver_origin.as_deref().is_some_and(session)
    }) || file.assigns.iter().any(|a| {
        a.target.is_dotted(name)
            && a.value.as_ref().is_some_and(|v| match v.kind() {
                ValueKind::Call(c) => file.resolve(&c.func).as_deref().is_some_and(session),
                _ => false,
            })
    })
}

// ---------------------------------------------------------------------------------
// Rust

fn is_lit_true(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Lit(l) if matches!(&l.lit, syn::Lit::Bool(b) if b.value))
}

fn path_ends_with(e: &syn::Expr, segs: &[&str]) -> bool {
    let syn::Expr::Path(p) = e else { return false };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    names.len() >= segs.len() && names[names.len() - segs.len()..] == *segs
}

/// A function body that is only `Ok(<path>::assertion())`.
fn accepts_everything(body: &syn::Block) -> bool {
    let [syn::Stmt::Expr(e, None)] = body.stmts.as_slice() else {
        return false;
    };
    let syn::Expr::Call(ok) = e else { return false };
    if !path_ends_with(&ok.func, &["Ok"]) || ok.args.len() != 1 {
        return false;
    }
    match &ok.args[0] {
        syn::Expr::Call(inner) => {
            inner.args.is_empty()
                && path_ends_with(&inner.func, &["ServerCertVerified", "assertion"])
        }
        _ => false,
    }
}

/// Whether a token of `tokens` names a TLS-verification setting (`accept_invalid_certs`,
/// `insecure`, `verify_tls`, `skip_hostname_verification`), as a name or as a string
/// (the environment variable `env::var("APP_TLS_INSECURE_SKIP_VERIFY")` reads).
fn names_verify_setting(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => is_verify_setting(&i.to_string()),
        proc_macro2::TokenTree::Literal(l) => is_verify_setting(&l.to_string()),
        proc_macro2::TokenTree::Group(g) => names_verify_setting(g.stream()),
        _ => false,
    })
}

/// Whether `at` (a byte range) sits in a branch of an `if` or a `match` in `body` whose
/// condition names a TLS-verification setting: `match self.accept_invalid_certs { true
/// => builder.danger_accept_invalid_certs(true), .. }` runs only when the user asks.
fn under_verify_setting(body: &syn::Block, at: std::ops::Range<usize>) -> bool {
    use quote::ToTokens;
    use syn::spanned::Spanned;
    struct Finder {
        at: std::ops::Range<usize>,
        found: bool,
    }
    impl Finder {
        fn inside(&self, s: proc_macro2::Span) -> bool {
            let r = s.byte_range();
            r.start <= self.at.start && self.at.end <= r.end
        }
        /// `at` is in a branch of `whole` (not in its condition `cond`), and the
        /// condition names a verification setting.
        fn branch(&mut self, whole: proc_macro2::Span, cond: &syn::Expr) {
            self.found = self.found
                || self.inside(whole)
                    && !self.inside(cond.span())
                    && names_verify_setting(cond.to_token_stream());
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
            self.branch(e.span(), &e.cond);
            syn::visit::visit_expr_if(self, e);
        }
        fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
            self.branch(e.span(), &e.expr);
            // An arm whose pattern names a verification mode (`TlsVerifyMode::Prefer =>`).
            for arm in &e.arms {
                self.found = self.found
                    || self.inside(arm.body.span())
                        && names_verify_setting(arm.pat.to_token_stream());
            }
            syn::visit::visit_expr_match(self, e);
        }
    }
    let mut f = Finder { at, found: false };
    syn::visit::Visit::visit_block(&mut f, body);
    f.found
}

/// Whether every place of `file` that builds the verifier type `ty` (`Arc::new(Ty)`,
/// `Ty {}`, `Ty::default()`) is in a function named for a verification setting
/// (`insecure_skip_verify`) or in a branch that such a setting selects (`if
/// !tls_verify_certificate`, `match mode { TlsVerifyMode::Prefer => .. }`), and there is
/// at least one such place. A verifier built in another file is not followed.
fn installed_only_on_request(file: &syn::File, ty: &str) -> bool {
    use syn::spanned::Spanned;
    struct Uses<'a> {
        ty: &'a str,
        spans: Vec<std::ops::Range<usize>>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Uses<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if p.segments.iter().any(|s| s.ident == self.ty) {
                self.spans.push(p.span().byte_range());
            }
            syn::visit::visit_path(self, p);
        }
    }
    struct Fns<'a> {
        ty: &'a str,
        uses: usize,
        requested: usize,
    }
    impl Fns<'_> {
        fn body(&mut self, name: &syn::Ident, body: &syn::Block) {
            let mut u = Uses {
                ty: self.ty,
                spans: Vec::new(),
            };
            syn::visit::Visit::visit_block(&mut u, body);
            let by_name = is_verify_setting(&name.to_string());
            for at in u.spans {
                self.uses += 1;
                if by_name || under_verify_setting(body, at) {
                    self.requested += 1;
                }
            }
        }
    }
    impl<'ast> syn::visit::Visit<'ast> for Fns<'_> {
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            self.body(&f.sig.ident, &f.block);
        }
        fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
            // The verifier's own methods are not places that install it.
            let own = matches!(&*imp.self_ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == self.ty));
            if !own {
                syn::visit::visit_item_impl(self, imp);
            }
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            self.body(&f.sig.ident, &f.block);
        }
    }
    let mut fns = Fns {
        ty,
        uses: 0,
        requested: 0,
    };
    syn::visit::Visit::visit_file(&mut fns, file);
    fns.uses > 0 && fns.uses == fns.requested
}

fn check_rust_node(file: &RustFile<'_>, node: Node<'_>, scope: &Scope<'_>, cx: &mut Context<'_>) {
    if file.is_test_code(scope) || file.role.probe {
        return;
    }
    match node {
        Node::Expr(syn::Expr::MethodCall(m))
            if scope
                .fn_body
                .is_some_and(|b| under_verify_setting(b, m.method.span().byte_range())) => {}
        Node::Expr(syn::Expr::MethodCall(m)) => {
            let method = m.method.to_string();
            let arg = m.args.first();
            let what = match method.as_str() {
                "danger_accept_invalid_certs"
                    if m.args.len() == 1 && arg.is_some_and(is_lit_true) =>
                {
                    "accepts any certificate"
                }
                // Implied by `danger_accept_invalid_certs(true)` earlier in the chain: one
                // finding says it.
                "danger_accept_invalid_hostnames"
                    if m.args.len() == 1
                        && arg.is_some_and(is_lit_true)
                        && !crate::rules::rust::chain(&m.receiver)
                            .methods
                            .iter()
                            .any(|c| {
                                c.method == "danger_accept_invalid_certs"
                                    && c.args.first().is_some_and(is_lit_true)
                            }) =>
                {
                    "accepts a certificate for any host name"
                }
                "set_verify"
                    if arg.is_some_and(|a| path_ends_with(a, &["SslVerifyMode", "NONE"])) =>
                {
                    "with `SslVerifyMode::NONE` accepts any certificate"
                }
                _ => return,
            };
            let shown = if method == "set_verify" {
                "`set_verify(..)`".to_string()
            } else {
                format!("`{method}(true)`")
            };
            let span = file.span(&m.method).start..file.pm_span(m.paren_token.span.close()).end;
            report(cx, span, format!("{shown} {what}"), HELP_RUST);
        }
        Node::Item(syn::Item::Impl(imp)) => {
            let Some((_, trait_path, _)) = &imp.trait_ else {
                return;
            };
            if trait_path
                .segments
                .last()
                .is_none_or(|s| s.ident != "ServerCertVerifier")
            {
                return;
            }
            let ty = match &*imp.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            };
            // Installed only where the user asks for it: an opt-in, not a defect.
            if ty.is_some_and(|ty| installed_only_on_request(&file.ast, &ty)) {
                return;
            }
            for item in &imp.items {
                if let syn::ImplItem::Fn(f) = item
                    && f.sig.ident == "verify_server_cert"
                    && accepts_everything(&f.block)
                {
                    report(
                        cx,
                        file.span(&f.sig.ident),
                        "this `ServerCertVerifier` accepts every server certificate".into(),
                        HELP_RUST,
                    );
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------
// Shell: `RUN` and CI scripts

/// One finding in a script: the span of the word (in the script) and the message.
struct ShellFinding {
    span: std::ops::Range<usize>,
    message: String,
}

fn word_is_assignment(w: &str) -> Option<(&str, &str)> {
    let (name, value) = w.split_once('=')?;
    (!name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit()))
    .then_some((name, value))
}

/// curl's short options that take a value: in `-sSo file`, `o` ends the cluster.
const CURL_VALUE_SHORTS: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

fn curl_insecure(args: &[ShellWord]) -> Option<&ShellWord> {
    args.iter().find(|w| {
        let v = w.value.as_str();
        if v == "--insecure" || v == "--proxy-insecure" {
            return true;
        }
        let Some(cluster) = v.strip_prefix('-') else {
            return false;
        };
        if cluster.starts_with('-') {
            return false;
        }
        for c in cluster.chars() {
            if c == 'k' {
                return true;
            }
            if CURL_VALUE_SHORTS.contains(c) || !c.is_ascii_alphanumeric() {
                return false;
            }
        }
        false
    })
}

fn is_false_word(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off"
    )
}

/// What in one simple command turns verification off.
fn shell_command(cmd: &SimpleCommand, here: &LocalUrls<'_>, out: &mut Vec<ShellFinding>) {
    let program = cmd.program();
    let start = program.first().map_or(usize::MAX, |w| w.span.start);
    // `VAR=value cmd`, `env VAR=value cmd`, `export VAR=value`.
    let exported = cmd
        .program_name()
        .is_some_and(|p| p == "export" || p == "declare" || p == "typeset");
    for w in &cmd.words {
        if w.span.start >= start && !exported {
            break;
        }
        if let Some((name, value)) = word_is_assignment(&w.value)
            && env_disables(name, value)
        {
            out.push(ShellFinding {
                span: w.span.clone(),
                message: format!("`{name}={value}` turns off certificate verification"),
            });
        }
    }
    let Some(name) = cmd.program_name() else {
        return;
    };
    let args = program.get(1..).unwrap_or_default();
    let local = || args.iter().any(|w| here.is_local(w));
    match name {
        "curl" => {
            if let Some(w) = curl_insecure(args)
                && !local()
            {
                out.push(ShellFinding {
                    span: w.span.clone(),
                    message: format!("`curl {}` accepts any certificate", w.value),
                });
            }
        }
        "wget" => {
            if let Some(w) = args.iter().find(|w| w.value == "--no-check-certificate")
                && !local()
            {
                out.push(ShellFinding {
                    span: w.span.clone(),
                    message: "`wget --no-check-certificate` accepts any certificate".into(),
                });
            }
        }
        "git" => {
            for (i, w) in args.iter().enumerate() {
                // `git -c http.sslVerify=false …`, `git config --global http.sslVerify false`.
                let setting = if w.value == "-c" {
                    args.get(i + 1).map(|v| (v, v.value.clone()))
                } else if let Some(v) = w.value.strip_prefix("-c") {
                    Some((w, v.to_string()))
                } else if w.value.eq_ignore_ascii_case("http.sslverify") {
                    args.get(i + 1)
                        .map(|v| (w, format!("{}={}", w.value, v.value)))
                } else {
                    None
                };
                if let Some((at, s)) = setting
                    && let Some((key, value)) = s.split_once('=')
                    && key.to_ascii_lowercase().ends_with("sslverify")
                    && key.to_ascii_lowercase().starts_with("http.")
                    && is_false_word(value)
                {
                    out.push(ShellFinding {
                        span: at.span.clone(),
                        message: format!("git with `{key}={value}` accepts any certificate"),
                    });
                    break;
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            for (i, w) in args.iter().enumerate() {
                let v = w.value.as_str();
                let off = if let Some(val) = v
                    .strip_prefix("--strict-ssl=")
                    .or_else(|| v.strip_prefix("strict-ssl="))
                {
                    is_false_word(val)
                } else if v == "strict-ssl" || v == "strictSSL" {
                    args.get(i + 1).is_some_and(|n| is_false_word(&n.value))
                } else {
                    false
                };
                if off {
                    out.push(ShellFinding {
                        span: w.span.clone(),
                        message: format!("`{name}` with `strict-ssl` off accepts any certificate"),
                    });
                    break;
                }
            }
        }
        _ => {}
    }
    let pip = name.starts_with("pip")
        || (name.starts_with("python") && args.iter().any(|w| w.value == "pip"))
        || (matches!(name, "uv" | "pipenv" | "poetry"));
    if pip
        && let Some(w) = args
            .iter()
            .find(|w| w.value == "--trusted-host" || w.value.starts_with("--trusted-host="))
    {
        out.push(ShellFinding {
            span: w.span.clone(),
            message:
                "`--trusted-host` installs packages from a host without checking its certificate"
                    .into(),
        });
    }
}

/// What in a script's commands turns verification off. `original` is the script as
/// written when `commands` were split from a copy with CI's variables substituted.
fn shell_findings(commands: &[SimpleCommand], original: Option<&str>) -> Vec<ShellFinding> {
    let here = LocalUrls {
        vars: local_url_vars(commands),
        original,
    };
    let mut out = Vec::new();
    for cmd in commands {
        shell_command(cmd, &here, &mut out);
    }
    out
}

/// What says that a word of a script names this machine: a literal URL
/// ([`is_local_url`]), or a variable the script sets only to such URLs
/// (`url="https://localhost:8443/v2"`, `local url=…`, `export BASE=…`), so that
/// `curl -k "$url"` talks to this machine too. `original` is the script as written when
/// the words were read from a copy with CI's variables substituted (at the same places).
struct LocalUrls<'a> {
    vars: Vec<String>,
    original: Option<&'a str>,
}

impl LocalUrls<'_> {
    fn is_local(&self, w: &ShellWord) -> bool {
        let written = self
            .original
            .and_then(|t| t.get(w.span.clone()))
            .map_or(w.value.as_str(), |t| t.trim_matches(['"', '\'']));
        is_local_url(&w.value) || names_local_var(written, &self.vars)
    }
}

/// The variables a script sets only to URLs on this machine.
fn local_url_vars(commands: &[SimpleCommand]) -> Vec<String> {
    let assignments: Vec<(&str, &str)> = commands
        .iter()
        .flat_map(|c| &c.words)
        .filter_map(|w| word_is_assignment(&w.value))
        .collect();
    let mut names: Vec<String> = assignments
        .iter()
        .filter(|(n, v)| {
            is_local_url(v)
                && assignments
                    .iter()
                    .all(|(other, v)| other != n || is_local_url(v))
        })
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `$url`, `${url}`, `$BASE/v2/…`: a word that starts with one of `vars`.
fn names_local_var(word: &str, vars: &[String]) -> bool {
    let Some(rest) = word.strip_prefix('$') else {
        return false;
    };
    let (name, after) = match rest.strip_prefix('{') {
        Some(braced) => match braced.split_once('}') {
            Some((name, after)) => (name, after),
            None => return false,
        },
        None => {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            rest.split_at(end)
        }
    };
    vars.iter().any(|v| v == name) && (after.is_empty() || after.starts_with(['/', ':', '?']))
}

fn check_dockerfile(df: &Dockerfile, cx: &mut Context<'_>) {
    for (inst, script) in all_run_scripts(df, cx.source) {
        for f in shell_findings(script.commands(), None) {
            let span = script.file_span(f.span, inst.keyword_span.clone());
            let script_note = in_script(cx);
            let r = cx.report(&TlsVerificationDisabled::META, span, f.message, HELP_SHELL);
            r.statement(inst.span.start);
            if script_note {
                r.severity(Severity::Note);
            }
        }
    }
    for inst in &df.instructions {
        if !matches!(inst.keyword, Keyword::Env | Keyword::Arg) {
            continue;
        }
        let Some(word) = inst.text() else { continue };
        let maps = cx.source.text.get(word.span.clone()) == Some(word.value.as_str());
        for kv in parse_key_values(&word.value) {
            let Some(value) = kv.value.as_deref() else {
                continue;
            };
            if !env_disables(&kv.key, value) {
                continue;
            }
            let span = if maps {
                let s = word.span.start + kv.key_offset;
                s..s + kv.key.len()
            } else {
                inst.span.clone()
            };
            report(
                cx,
                span,
                format!(
                    "`{} {}={}` turns off certificate verification {}",
                    inst.keyword.as_str(),
                    kv.key,
                    value.trim_matches(['"', '\'']),
                    if inst.keyword == Keyword::Env {
                        "for every process in the image"
                    } else {
                        "in the `RUN` steps after it"
                    }
                ),
                HELP_SHELL,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// CI

fn ci_script(node: &yaml::Node, cx: &mut Context<'_>) {
    let Some(text) = node.scalar_text() else {
        return;
    };
    let subst = substitute_variables(&text);
    for f in shell_findings(&shell::split(&subst), Some(&text)) {
        let span = node
            .value_span(cx.source, f.span)
            .unwrap_or_else(|| node.span.clone());
        report(cx, span, f.message, HELP_SHELL);
    }
}

fn ci_env(map: Option<&yaml::Node>, cx: &mut Context<'_>) {
    let Some(map) = map else { return };
    for e in map.entries() {
        let (Some(name), Some(value)) = (e.key.as_str(), e.value.scalar_text()) else {
            continue;
        };
        if env_disables(name, &value) {
            report(
                cx,
                e.key.span.clone(),
                format!(
                    "`{name}: {value}` turns off certificate verification for every command that sees it"
                ),
                HELP_SHELL,
            );
        }
    }
}

fn check_ci(file: &CiFile, cx: &mut Context<'_>) {
    let Some(root) = file.root() else { return };
    match file.flavor {
        Flavor::GithubWorkflow | Flavor::GithubAction => {
            ci_env(root.get("env"), cx);
            for job in github::jobs(file) {
                ci_env(job.node.get("env"), cx);
            }
            for (_, step) in github::all_steps(file) {
                ci_env(step.node.get("env"), cx);
                let shell = step.shell().unwrap_or_default();
                if shell.contains("pwsh")
                    || shell.contains("powershell")
                    || shell == "cmd"
                    || shell.contains("python")
                {
                    continue;
                }
                if let Some(run) = step.run() {
                    ci_script(run, cx);
                }
            }
        }
        Flavor::Gitlab => {
            ci_env(root.get("variables"), cx);
            let mut seen: Vec<Span> = Vec::new();
            for job in gitlab::jobs(file) {
                ci_env(job.node.get("variables"), cx);
                for key in ["before_script", "script", "after_script"] {
                    let Some(s) = job.node.get(key) else { continue };
                    for line in gitlab::script_lines(root, s) {
                        if seen.contains(&line.node.span) {
                            continue;
                        }
                        seen.push(line.node.span.clone());
                        ci_script(line.node, cx);
                    }
                }
            }
        }
    }
}

impl Rule for TlsVerificationDisabled {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        check_python(file, cx);
    }

    fn visits_rust_nodes(&self) -> bool {
        true
    }

    fn check_rust_node(
        &self,
        file: &RustFile<'_>,
        node: Node<'_>,
        scope: &Scope<'_>,
        cx: &mut Context<'_>,
    ) {
        check_rust_node(file, node, scope, cx);
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        check_dockerfile(df, cx);
    }

    fn check_ci(&self, file: &CiFile, cx: &mut Context<'_>) {
        check_ci(file, cx);
    }
}
