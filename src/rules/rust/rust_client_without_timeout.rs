//! NET003 rust-client-without-timeout.

use super::{Chain, as_local, call_path, chain, local_uses};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::rust::{Imports, Node, RustFile, Scope};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags HTTP clients and connections that can wait forever:
    /// - `reqwest::get` (no way to set a timeout);
    /// - `reqwest::Client::new()` / `::default()`;
    /// - a `Client::builder()` (or `ClientBuilder::new()`) chain that reaches `.build()`
    ///   without `.timeout(..)` or `.read_timeout(..)` — `.connect_timeout(..)` alone
    ///   does not bound a stalled response. A builder held in a variable and extended
    ///   in later statements of the same function is followed;
    /// - a `reqwest::blocking` client builder with `.timeout(None)`: blocking clients
    ///   (`blocking::get`, `blocking::Client::new()`, a builder) otherwise time out
    ///   after 30 seconds, reqwest's documented default, and are not flagged;
    /// - `ureq::agent()`, `ureq::Agent::new()`, `Agent::new_with_defaults()`, agent and
    ///   config builders without a `timeout*` setting, and `ureq::get(url)...call()`
    ///   without a `timeout*` on the request;
    /// - `std::net::TcpStream::connect` (use `connect_timeout`).
    ///
    /// A reqwest client without a timeout is not flagged when every request made with
    /// it sets its own: `Client::new().get(url).timeout(t)`, or a client bound to a
    /// local (`let client = Client::new();`) that the function uses only to start
    /// requests (`client.post(url)…`), each with `.timeout(..)` in its chain — a
    /// request's timeout bounds that whole request. The client is flagged as soon as one
    /// of its requests has no timeout, or it leaves the function (returned, passed to a
    /// call, stored, cloned, named in a macro), where its other requests are out of sight.
    ///
    /// Paths are followed through `use` declarations and renames. Tests, benchmarks
    /// and examples are not checked, nor is code built only for tests (`#[cfg(test)]`,
    /// or a feature named for them: `#[cfg(feature = "e2e_tests")]`).
    ///
    /// ## Why it matters in production
    /// reqwest's async client and ureq have no overall timeout by default. A peer that
    /// accepts the connection and never answers holds the request, its task and whatever
    /// it locked, until the process is restarted; under load, such requests pile up and
    /// take the service down with them.
    ///
    /// ## Example
    /// ```rust
    /// let client = reqwest::Client::builder()
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .build()?;
    /// ```
    ///
    /// ## Fix
    /// ```rust
    /// let client = reqwest::Client::builder()
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .timeout(Duration::from_secs(30))
    ///     .build()?;
    /// ```
    ///
    /// ## Known limits
    /// A builder that is passed to or returned from another function is not followed,
    /// and is not flagged. Requests are followed within the function that builds the
    /// client, and, for a client stored in a struct field by that function
    /// (`Self { client: Client::builder()….build()?, .. }`, or `Client::new()` bound to a
    /// local that goes into the struct: `let client = Client::new(); Self { client, .. }`),
    /// through every use of the
    /// field in the same file: the client is not flagged when each of them starts a
    /// request that sets `.timeout(..)` (`self.client.post(url).timeout(t)`), and is
    /// as soon as one does not or hands the client on (`self.client.clone()`). Only a
    /// private field of a struct defined in the same file is followed: another file
    /// may use a public one, out of sight; set the timeout on the client instead.
    /// A module of health checks (`healthcheck.rs`, `health_checker.rs`,
    /// `ready_checker.rs`, a `health/` folder) is not checked: the command a container's
    /// `HEALTHCHECK` or a Kubernetes probe runs is bounded by the probe's own timeout, and
    /// a hang there is a failed check (judged on services: five such findings, none
    /// worth acting on).
    /// The crates of command-line tools and hand-run code generators (the folder
    /// holding `src/` is named `cli`, `*-cli`, `codegen` or `*-codegen`) are not
    /// checked: the person who runs one sees a hang and stops it.
    pub RustClientWithoutTimeout,
    code = "NET003", name = "rust-client-without-timeout", category = Timeouts, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    reads = [FileKind::Rust],
}

const REQWEST_BUILDERS: &[&str] = &["reqwest::Client::builder", "reqwest::ClientBuilder::new"];
const BLOCKING_BUILDERS: &[&str] = &[
    "reqwest::blocking::Client::builder",
    "reqwest::blocking::ClientBuilder::new",
];
/// The `reqwest` client methods that start a request (a `RequestBuilder`).
const REQUEST_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "request"];
const UREQ_BUILDERS: &[&str] = &[
    "ureq::AgentBuilder::new",
    "ureq::builder",
    "ureq::Agent::config_builder",
    "ureq::config::Config::builder",
    "ureq::Config::builder",
];
const UREQ_REQUESTS: &[&str] = &[
    "ureq::get",
    "ureq::post",
    "ureq::put",
    "ureq::delete",
    "ureq::head",
    "ureq::patch",
    "ureq::options",
    "ureq::trace",
    "ureq::request",
    "ureq::request_url",
];
const UREQ_SENDS: &[&str] = &[
    "call",
    "send",
    "send_string",
    "send_json",
    "send_form",
    "send_bytes",
    "send_empty",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reqwest,
    /// `reqwest::blocking`: its clients time out after 30 s unless told otherwise.
    ReqwestBlocking,
    Ureq,
}

impl Kind {
    fn bounds(self, method: &str) -> bool {
        match self {
            Kind::Reqwest => method == "timeout" || method == "read_timeout",
            // Bounded by default; `.timeout(None)` is looked for separately.
            Kind::ReqwestBlocking => true,
            Kind::Ureq => method.starts_with("timeout"),
        }
    }
}

/// `.timeout(None)`: how a `reqwest::blocking` client turns its 30 s default off.
fn disables_timeout(m: &syn::ExprMethodCall) -> bool {
    m.method == "timeout"
        && m.args.len() == 1
        && matches!(&m.args[0], syn::Expr::Path(p) if p.path.is_ident("None"))
}

fn names_any(imports: &Imports, path: &syn::Path, targets: &[&str]) -> Option<String> {
    targets
        .iter()
        .find(|t| imports.names(path, t))
        .map(|t| t.to_string())
}

/// What the chain of a value amounts to: which builder (or request) it starts from,
/// and whether any step bounds time. `None` when the start cannot be followed.
fn origin(
    scope: &Scope<'_>,
    c: &Chain<'_>,
    starts: &dyn Fn(&syn::Path) -> Option<Kind>,
    depth: usize,
) -> Option<(Kind, bool)> {
    let (kind, bounded) = origin_steps(scope, c, starts, depth)?;
    if kind == Kind::ReqwestBlocking {
        // Bounded unless a step turns the default off.
        let name = as_local(c.root);
        let disabled = c.methods.iter().any(|m| disables_timeout(m))
            || name.zip(scope.fn_body).is_some_and(|(n, body)| {
                let uses = local_uses(body, &n);
                uses.calls.iter().any(|m| disables_timeout(m))
                    || uses
                        .values
                        .iter()
                        .any(|v| chain(v).methods.iter().any(|m| disables_timeout(m)))
            });
        return Some((kind, !disabled));
    }
    Some((kind, bounded))
}

fn origin_steps(
    scope: &Scope<'_>,
    c: &Chain<'_>,
    starts: &dyn Fn(&syn::Path) -> Option<Kind>,
    depth: usize,
) -> Option<(Kind, bool)> {
    if let Some(path) = call_path(c.root) {
        let kind = starts(path)?;
        return Some((kind, c.has_method(|m| kind.bounds(m))));
    }
    let name = as_local(c.root)?;
    let body = scope.fn_body?;
    if depth > 4 {
        return None;
    }
    let uses = local_uses(body, &name);
    let mut kind = None;
    let mut bounded = false;
    for v in &uses.values {
        let vc = chain(v);
        if as_local(vc.root).as_deref() == Some(name.as_str()) {
            // `b = b.timeout(t)`: a step of the same chain.
            bounded |= vc.has_method(|m| Kind::Reqwest.bounds(m) || Kind::Ureq.bounds(m));
            continue;
        }
        let (k, b) = origin_steps(scope, &vc, starts, depth + 1)?;
        kind = Some(k);
        bounded |= b;
    }
    let kind = kind?;
    bounded |= c.has_method(|m| kind.bounds(m));
    bounded |= uses
        .calls
        .iter()
        .any(|m| kind.bounds(&m.method.to_string()));
    Some((kind, bounded))
}

impl Rule for RustClientWithoutTimeout {
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
        let imports = &file.imports;
        let builders = |p: &syn::Path| {
            if names_any(imports, p, REQWEST_BUILDERS).is_some() {
                Some(Kind::Reqwest)
            } else if names_any(imports, p, BLOCKING_BUILDERS).is_some() {
                Some(Kind::ReqwestBlocking)
            } else if names_any(imports, p, UREQ_BUILDERS).is_some() {
                Some(Kind::Ureq)
            } else {
                None
            }
        };
        let requests = |p: &syn::Path| names_any(imports, p, UREQ_REQUESTS).map(|_| Kind::Ureq);
        // A command-line tool's requests: the person who ran it sees a hang and stops
        // it, as with the Python CLI commands NET001 skips.
        if file.is_test_code(scope) || file.role.cli || file.role.probe {
            return;
        }
        let Node::Expr(expr) = node else { return };
        if let Some(path) = call_path(expr) {
            let simple = |targets: &[&str]| names_any(imports, path, targets);
            // `reqwest::blocking::get` and `blocking::Client::new()` time out after 30 s.
            let (msg, help) = if let Some(t) = simple(&["reqwest::get"]) {
                (
                    format!("`{t}` has no timeout and can wait forever"),
                    "build one `reqwest::Client` with `.timeout(..)` and reuse it for every request",
                )
            } else if let Some(t) = simple(&["reqwest::Client::new", "reqwest::Client::default"]) {
                // `Client::new().get(url).timeout(..).send()`, or a local client (or the
                // field it is stored in) whose every request sets its own timeout.
                if scope
                    .fn_body
                    .is_some_and(|body| every_request_bounded(file, body, expr))
                {
                    return;
                }
                (
                    format!("`{t}()` builds a client without a timeout"),
                    "use `Client::builder().timeout(Duration::from_secs(..)).build()`",
                )
            } else if let Some(t) = simple(&[
                "ureq::agent",
                "ureq::Agent::new",
                "ureq::Agent::new_with_defaults",
            ]) {
                (
                    format!("`{t}()` makes an agent without a timeout"),
                    "configure the agent with a timeout (`timeout_global` in ureq 3, `.timeout(..)` on `AgentBuilder` in ureq 2)",
                )
            } else if let Some(t) = simple(&["std::net::TcpStream::connect"]) {
                (
                    format!("`{t}` waits as long as the operating system lets it"),
                    "use `TcpStream::connect_timeout(&addr, timeout)` and set read and write timeouts on the stream",
                )
            } else {
                return;
            };
            cx.report(&Self::META, file.span(path), msg, help);
            return;
        }
        let syn::Expr::MethodCall(m) = expr else {
            return;
        };
        let method = m.method.to_string();
        if method == "build" {
            let c = chain(&m.receiver);
            if let Some((kind, false)) = origin(scope, &c, &builders, 0) {
                if kind != Kind::Ureq
                    && scope.fn_body.is_some_and(|body| {
                        every_request_bounded(file, body, expr) || given_to_exporter(body, expr)
                    })
                {
                    return;
                }
                let (msg, help) = match kind {
                    Kind::Reqwest => (
                        "this reqwest client is built without a timeout",
                        "add `.timeout(Duration::from_secs(..))` to the builder; `.connect_timeout` alone does not bound a stalled response",
                    ),
                    Kind::ReqwestBlocking => (
                        "this blocking reqwest client is built with its timeout turned off (`.timeout(None)`)",
                        "keep a bound: `.timeout(Duration::from_secs(..))` (the default is 30 s)",
                    ),
                    Kind::Ureq => (
                        "this ureq agent is built without a timeout",
                        "set a timeout on the builder (`timeout_global` in ureq 3, `timeout` in ureq 2)",
                    ),
                };
                cx.report(
                    &Self::META,
                    file.span(&m.method).start..file.pm_span(m.paren_token.span.close()).end,
                    msg,
                    help,
                );
            }
        } else if UREQ_SENDS.contains(&method.as_str()) {
            let c = chain(&m.receiver);
            if let Some((_, false)) = origin(scope, &c, &requests, 0) {
                let at = call_path(c.root).map_or_else(|| file.span(&m.method), |p| file.span(p));
                cx.report(
                    &Self::META,
                    at,
                    "this ureq request has no timeout",
                    "use an agent configured with a timeout, or set one on the request",
                );
            }
        }
    }
}

/// Whether every request the client `call` builds makes sets its own timeout: in the
/// function that builds it ([`requests_set_timeouts`]), or through the struct field it
/// is stored in ([`stored_field`], [`field_requests_set_timeouts`]).
fn every_request_bounded(file: &RustFile<'_>, body: &syn::Block, call: &syn::Expr) -> bool {
    requests_set_timeouts(body, call)
        || stored_field(body, call).is_some_and(|f| field_requests_set_timeouts(&file.ast, &f))
}

/// Whether every request made with the client `call` builds sets its own `.timeout(..)`,
/// so that the client's lack of one does not matter: either `call` starts a request chain
/// itself (`Client::new().get(url).timeout(t)`), or it is the value of a local
/// (`let client = Client::new();`, `Client::builder()..build()?`, `.unwrap()`, a `match`)
/// that the function only uses to start requests (`client.post(url)…`), each of which
/// sets a timeout. A client that leaves the function (returned, passed, stored, cloned,
/// named in a macro) has requests out of sight, and does not count as covered.
fn requests_set_timeouts(body: &syn::Block, call: &syn::Expr) -> bool {
    if let Some(covered) = request_chains(body, |root| std::ptr::eq(root, call)).first() {
        return *covered;
    }
    let Some(name) = bound_local(body, call) else {
        return false;
    };
    let covered = request_chains(body, |root| {
        as_local(root).as_deref() == Some(name.as_str())
    });
    !covered.is_empty() && covered.iter().all(|c| *c) && mentions(body, &name) == covered.len() + 1
}

/// Whether the client `call` builds is handed to a telemetry exporter
/// (`.with_http_client(client)`, as OpenTelemetry's OTLP, Zipkin and Datadog exporters
/// take one): the exporter's batch processor bounds every export with its own timeout.
fn given_to_exporter(body: &syn::Block, call: &syn::Expr) -> bool {
    struct Finder<'c> {
        call: &'c syn::Expr,
        local: Option<String>,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if m.method == "with_http_client"
                && let Some(arg) = m.args.first()
            {
                let e = strip(arg);
                self.found |= std::ptr::eq(e, self.call)
                    || (self.local.is_some() && as_local(e) == self.local);
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut f = Finder {
        call,
        local: bound_local(body, call),
        found: false,
    };
    syn::visit::Visit::visit_block(&mut f, body);
    f.found
}

/// The field of a struct literal that the client `call` builds is stored in:
/// `Self { client: Client::builder()….build()?, .. }`, or a local bound to it and named
/// nowhere else (`let client = …; Self { client, .. }`).
fn stored_field(body: &syn::Block, call: &syn::Expr) -> Option<String> {
    struct Finder<'c> {
        call: &'c syn::Expr,
        local: Option<String>,
        found: Option<String>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            for f in &s.fields {
                if let syn::Member::Named(name) = &f.member {
                    // Through the error's conversion: `.build().map_err(..)?`.
                    let mut e = strip(&f.expr);
                    while let syn::Expr::MethodCall(m) = e
                        && matches!(
                            m.method.to_string().as_str(),
                            "map_err" | "context" | "with_context" | "wrap_err"
                        )
                    {
                        e = strip(&m.receiver);
                    }
                    if std::ptr::eq(e, self.call)
                        || (self.local.is_some() && as_local(e) == self.local)
                    {
                        self.found = Some(name.to_string());
                    }
                }
            }
            syn::visit::visit_expr_struct(self, s);
        }
    }
    let local = bound_local(body, call);
    // The binding and the field: a local used for anything else is followed as such.
    if local.as_ref().is_some_and(|n| mentions(body, n) != 2) {
        return None;
    }
    let mut f = Finder {
        call,
        local,
        found: None,
    };
    syn::visit::Visit::visit_block(&mut f, body);
    f.found
}

/// Whether every use of the field `field` in the file (`self.client…`) starts a request
/// that sets its own `.timeout(..)`, and there is one: a client kept in a struct whose
/// every request is bounded. A use that is no request (`self.client.clone()`,
/// `&self.client` handed to a call) hands the client where its requests are out of
/// sight.
fn field_requests_set_timeouts(file: &syn::File, field: &str) -> bool {
    struct Accesses<'f> {
        field: &'f str,
        count: usize,
    }
    impl<'ast> syn::visit::Visit<'ast> for Accesses<'_> {
        fn visit_expr_field(&mut self, e: &'ast syn::ExprField) {
            if matches!(&e.member, syn::Member::Named(n) if n == self.field) {
                self.count += 1;
            }
            syn::visit::visit_expr_field(self, e);
        }
    }
    // A private field of a struct of this file: no other file can use it (and no
    // struct of the file has a public field of that name).
    let fields: Vec<&syn::Field> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(st) => Some(st.fields.iter()),
            _ => None,
        })
        .flatten()
        .filter(|f| f.ident.as_ref().is_some_and(|i| i == field))
        .collect();
    let private = !fields.is_empty()
        && fields
            .iter()
            .all(|f| matches!(f.vis, syn::Visibility::Inherited));
    if !private {
        return false;
    }
    let is_field = |e: &syn::Expr| match e {
        syn::Expr::Field(f) => matches!(&f.member, syn::Member::Named(n) if n == field),
        _ => false,
    };
    let mut chains = RequestChains {
        root: &is_field,
        out: Vec::new(),
    };
    syn::visit::Visit::visit_file(&mut chains, file);
    let mut uses = Accesses { field, count: 0 };
    syn::visit::Visit::visit_file(&mut uses, file);
    !chains.out.is_empty() && chains.out.iter().all(|c| *c) && uses.count == chains.out.len()
}

/// For each longest method chain in `body` whose root matches: whether it is a request
/// (its first method is one of [`REQUEST_METHODS`]) that sets `.timeout(..)`.
fn request_chains(body: &syn::Block, root: impl Fn(&syn::Expr) -> bool) -> Vec<bool> {
    let mut f = RequestChains {
        root: &root,
        out: Vec::new(),
    };
    syn::visit::Visit::visit_block(&mut f, body);
    f.out
}

/// The visitor of [`request_chains`].
struct RequestChains<'r, R> {
    root: &'r R,
    out: Vec<bool>,
}

impl<'ast, R: Fn(&syn::Expr) -> bool> syn::visit::Visit<'ast> for RequestChains<'_, R> {
    fn visit_expr(&mut self, e: &'ast syn::Expr) {
        if matches!(
            e,
            syn::Expr::MethodCall(_) | syn::Expr::Try(_) | syn::Expr::Await(_)
        ) {
            let c = chain(e);
            if let Some(first) = c.methods.last()
                && (self.root)(c.root)
            {
                let request = REQUEST_METHODS.contains(&first.method.to_string().as_str());
                self.out
                    .push(request && c.methods.iter().any(|m| m.method == "timeout"));
                // The arguments along the chain may hold other chains.
                for m in &c.methods {
                    for a in &m.args {
                        self.visit_expr(a);
                    }
                }
                return;
            }
        }
        syn::visit::visit_expr(self, e);
    }
}

/// `e` without the `?`, `.await`, parentheses, `.unwrap()`, `.expect(..)` and `match`
/// around the value it holds.
fn strip(mut e: &syn::Expr) -> &syn::Expr {
    loop {
        e = match e {
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Await(a) => &a.base,
            syn::Expr::Paren(p) => &p.expr,
            syn::Expr::Match(m) => &m.expr,
            syn::Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => &m.receiver,
            _ => return e,
        }
    }
}

/// The local a `let` binds to `call`, through `?`, `.await`, `.unwrap()`, `.expect(..)`
/// and the scrutinee of a `match`.
fn bound_local(body: &syn::Block, call: &syn::Expr) -> Option<String> {
    struct Finder<'c> {
        call: &'c syn::Expr,
        found: Option<String>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            let mut pat = &l.pat;
            if let syn::Pat::Type(t) = pat {
                pat = &t.pat;
            }
            if let (syn::Pat::Ident(i), Some(init)) = (pat, &l.init)
                && init.diverge.is_none()
                && std::ptr::eq(strip(&init.expr), self.call)
            {
                self.found = Some(i.ident.to_string());
            }
            syn::visit::visit_local(self, l);
        }
    }
    let mut f = Finder { call, found: None };
    syn::visit::Visit::visit_block(&mut f, body);
    f.found
}

/// How many times `body` names the identifier `name` (its binding included; macro
/// bodies count too).
fn mentions(body: &syn::Block, name: &str) -> usize {
    fn count(tokens: proc_macro2::TokenStream, name: &str) -> usize {
        tokens
            .into_iter()
            .map(|t| match t {
                proc_macro2::TokenTree::Ident(i) if i == name => 1,
                proc_macro2::TokenTree::Group(g) => count(g.stream(), name),
                _ => 0,
            })
            .sum()
    }
    let mut tokens = proc_macro2::TokenStream::new();
    quote::ToTokens::to_tokens(body, &mut tokens);
    count(tokens, name)
}
