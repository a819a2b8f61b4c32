//! NET003 rust-client-without-timeout.

use super::{Chain, as_local, call_path, chain, local_uses};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::rust::{Imports, Node, RustFile, Scope};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags HTTP clients and connections that can wait forever:
    /// - `reqwest::get` and `reqwest::blocking::get` (no way to set a timeout);
    /// - `reqwest::Client::new()` / `::default()` and their `blocking` twins;
    /// - a `Client::builder()` (or `ClientBuilder::new()`) chain that reaches `.build()`
    ///   without `.timeout(..)` or `.read_timeout(..)` — `.connect_timeout(..)` alone
    ///   does not bound a stalled response. A builder held in a variable and extended
    ///   in later statements of the same function is followed;
    /// - `ureq::agent()`, `ureq::Agent::new()`, `Agent::new_with_defaults()`, agent and
    ///   config builders without a `timeout*` setting, and `ureq::get(url)...call()`
    ///   without a `timeout*` on the request;
    /// - `std::net::TcpStream::connect` (use `connect_timeout`).
    ///
    /// Paths are followed through `use` declarations and renames. Tests, benchmarks
    /// and examples are not checked.
    ///
    /// ## Why it matters in production
    /// reqwest and ureq have no overall timeout by default. A peer that accepts the
    /// connection and never answers holds the request, its task and whatever it locked,
    /// until the process is restarted; under load, such requests pile up and take the
    /// service down with them.
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
    /// and is not flagged. A `reqwest::Client::new()` used for one request in the same
    /// chain that sets `.timeout(..)` on the request is fine; one kept in a variable
    /// whose requests each set `.timeout(..)` is still flagged: set the timeout on the
    /// client instead.
    pub RustClientWithoutTimeout,
    code = "NET003", name = "rust-client-without-timeout", category = Timeouts, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    reads = [FileKind::Rust],
}

const REQWEST_BUILDERS: &[&str] = &[
    "reqwest::Client::builder",
    "reqwest::ClientBuilder::new",
    "reqwest::blocking::Client::builder",
    "reqwest::blocking::ClientBuilder::new",
];
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
    Ureq,
}

impl Kind {
    fn bounds(self, method: &str) -> bool {
        match self {
            Kind::Reqwest => method == "timeout" || method == "read_timeout",
            Kind::Ureq => method.starts_with("timeout"),
        }
    }
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
        let (k, b) = origin(scope, &vc, starts, depth + 1)?;
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
            } else if names_any(imports, p, UREQ_BUILDERS).is_some() {
                Some(Kind::Ureq)
            } else {
                None
            }
        };
        let requests = |p: &syn::Path| names_any(imports, p, UREQ_REQUESTS).map(|_| Kind::Ureq);
        if file.is_test_code(scope) {
            return;
        }
        let Node::Expr(expr) = node else { return };
        if let Some(path) = call_path(expr) {
            let simple = |targets: &[&str]| names_any(imports, path, targets);
            let (msg, help) = if let Some(t) = simple(&["reqwest::get", "reqwest::blocking::get"]) {
                (
                    format!("`{t}` has no timeout and can wait forever"),
                    "build one `reqwest::Client` with `.timeout(..)` and reuse it for every request",
                )
            } else if let Some(t) = simple(&[
                "reqwest::Client::new",
                "reqwest::Client::default",
                "reqwest::blocking::Client::new",
                "reqwest::blocking::Client::default",
            ]) {
                // `Client::new().get(url).timeout(..).send()`: a client for one request
                // that sets its own timeout.
                if scope
                    .fn_body
                    .is_some_and(|body| request_sets_timeout(body, expr))
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
                let what = if kind == Kind::Reqwest {
                    "reqwest client"
                } else {
                    "ureq agent"
                };
                cx.report(
                        &Self::META,
                        file.span(&m.method).start..file.pm_span(m.paren_token.span.close()).end,
                        format!("this {what} is built without a timeout"),
                        if kind == Kind::Reqwest {
                            "add `.timeout(Duration::from_secs(..))` to the builder; `.connect_timeout` alone does not bound a stalled response"
                        } else {
                            "set a timeout on the builder (`timeout_global` in ureq 3, `timeout` in ureq 2)"
                        },
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

/// Whether `call` (a `Client::new()`) is the root of a method chain in `body` that sets
/// a per-request `.timeout(..)`.
fn request_sets_timeout(body: &syn::Block, call: &syn::Expr) -> bool {
    struct Finder<'c> {
        call: &'c syn::Expr,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if self.found {
                return;
            }
            let c = super::chain(&m.receiver);
            if std::ptr::eq(c.root, self.call)
                && (m.method == "timeout" || c.methods.iter().any(|x| x.method == "timeout"))
            {
                self.found = true;
                return;
            }
            syn::visit::visit_expr_method_call(self, m);
        }
    }
    let mut f = Finder { call, found: false };
    syn::visit::Visit::visit_block(&mut f, body);
    f.found
}
