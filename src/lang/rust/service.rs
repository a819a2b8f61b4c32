//! The service facts of one Rust file ([`ServiceFacts`]), from the nodes of the file's
//! one walk: routers, applications and servers of axum, actix-web, rocket, warp, poem
//! and hyper; route paths (`.route("/health", …)`, `web::resource("/x")`,
//! `#[get("/x")]`); the crates it uses for metrics, request IDs and structured logging
//! (`use` declarations and macro paths), `tracing-subscriber`'s `.json()`, and whether
//! it logs (`log`/`tracing` macros). Test code, examples and benchmarks contribute
//! nothing.

use syn::spanned::Spanned;

use super::{Node, RustFile, Scope};
use crate::lang::service::{
    AppKind, AppSite, Capability, Route, ServiceFacts, is_health_handler, is_request_id_name,
    rust_crate,
};

/// Calls (resolved path) that build an application, router or server.
const SITES: &[(&str, &str, AppKind)] = &[
    ("axum::Router::new", "axum", AppKind::Router),
    ("axum::serve", "axum", AppKind::Server),
    ("axum::Server::bind", "axum", AppKind::Server),
    ("axum_server::bind", "axum", AppKind::Server),
    ("axum_server::bind_rustls", "axum", AppKind::Server),
    ("actix_web::App::new", "actix-web", AppKind::App),
    ("actix_web::HttpServer::new", "actix-web", AppKind::Server),
    ("rocket::build", "rocket", AppKind::Server),
    ("rocket::custom", "rocket", AppKind::Server),
    ("warp::serve", "warp", AppKind::Server),
    ("poem::Route::new", "poem", AppKind::Router),
    ("poem::Server::new", "poem", AppKind::Server),
    ("hyper::Server::bind", "hyper", AppKind::Server),
    ("hyper::server::Server::bind", "hyper", AppKind::Server),
    ("hyper::server::conn::Http::new", "hyper", AppKind::Server),
    (
        "hyper::server::conn::http1::Builder::new",
        "hyper",
        AppKind::Server,
    ),
    (
        "hyper::server::conn::http2::Builder::new",
        "hyper",
        AppKind::Server,
    ),
    (
        "hyper_util::server::conn::auto::Builder::new",
        "hyper",
        AppKind::Server,
    ),
];

/// Bare function names that may be a server or route function brought in by `use`
/// (`use axum::serve;`).
const LOCAL_NAMES: &[&str] = &[
    "serve",
    "bind",
    "bind_rustls",
    "build",
    "custom",
    "resource",
    "path",
];

/// Logging macros of `log` and `tracing`.
const LOG_MACROS: &[&str] = &["trace", "debug", "info", "warn", "error", "event"];

/// Route attribute macros (actix-web, rocket).
const ROUTE_ATTRS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "route",
];

/// Collects a Rust file's [`ServiceFacts`] from the nodes of its walk.
pub struct ServiceBuilder<'f, 's> {
    file: &'f RustFile<'s>,
    /// The file uses `tracing_subscriber` (so `.json()` is its JSON formatter).
    subscriber: bool,
    facts: ServiceFacts,
}

impl<'f, 's> ServiceBuilder<'f, 's> {
    pub fn new(file: &'f RustFile<'s>) -> ServiceBuilder<'f, 's> {
        let mut facts = ServiceFacts::default();
        let mut subscriber = false;
        if !file.role.not_production() {
            for full in file.imports.aliases.values().chain(&file.imports.globs) {
                let krate = full.split("::").next().unwrap_or(full);
                for cap in rust_crate(krate) {
                    facts.evidence(cap, krate, 0..0);
                }
                facts.logs |= matches!(krate, "log" | "tracing" | "slog");
                subscriber |= krate == "tracing_subscriber";
                if full.starts_with("tower_http::request_id")
                    || full.ends_with("::SetRequestIdLayer")
                    || full.ends_with("::PropagateRequestIdLayer")
                {
                    facts.evidence(Capability::RequestId, "tower-http request_id", 0..0);
                }
            }
        }
        ServiceBuilder {
            file,
            subscriber,
            facts,
        }
    }

    /// One node of the file's walk.
    pub fn node(&mut self, node: Node<'_>, scope: &Scope<'_>) {
        if self.file.is_test_code(scope) {
            return;
        }
        match node {
            Node::Expr(syn::Expr::Call(c)) => {
                let syn::Expr::Path(p) = &*c.func else {
                    return;
                };
                // A local function's call (`compute(x)`) names nothing here: resolve
                // only paths and the bare names a `use` may have brought in.
                if p.path.segments.len() == 1
                    && let Some(only) = p.path.segments.first()
                    && !LOCAL_NAMES.iter().any(|n| only.ident == n)
                {
                    self.header_names(c.args.iter());
                    return;
                }
                let resolved = self.file.imports.resolve(&p.path);
                if let Some((_, framework, kind)) = SITES.iter().find(|(s, ..)| *s == resolved) {
                    self.facts.apps.push(AppSite {
                        framework: (*framework).to_string(),
                        kind: *kind,
                        span: self.file.span(&c.func),
                    });
                }
                let last = p.path.segments.last().map(|s| s.ident.to_string());
                match last.as_deref() {
                    Some("resource") if resolved.starts_with("actix_web") => {
                        self.route(c.args.first());
                    }
                    Some("path") if resolved.starts_with("warp") => self.route(c.args.first()),
                    Some(name) if name.contains("RequestId") => {
                        self.facts.evidence(
                            Capability::RequestId,
                            name.to_string(),
                            self.file.span(&c.func),
                        );
                    }
                    _ => {}
                }
                self.header_names(c.args.iter());
                self.crate_path(&resolved, &c.func);
            }
            Node::Expr(syn::Expr::MethodCall(m)) => {
                if m.method == "json"
                    && m.args.is_empty()
                    && (self.subscriber || self.subscriber_chain(&m.receiver))
                {
                    self.facts.evidence(
                        Capability::StructuredLogging,
                        "tracing-subscriber json",
                        self.file.span(&m.method),
                    );
                }
                if let Some(
                    first @ syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(_),
                        ..
                    }),
                ) = m.args.first()
                {
                    // poem's `at`; axum's `route`, `route_service`, and helpers named
                    // after them (`route_with_tsr`).
                    let method = m.method.to_string();
                    if method == "at" || method.starts_with("route") {
                        self.route(Some(first));
                    }
                    self.header_names(m.args.iter());
                }
            }
            // A one-segment path is a local name: the crates it may name were seen in
            // the file's `use` declarations already.
            Node::Expr(syn::Expr::Path(p)) if p.path.segments.len() > 1 => {
                let resolved = self.file.imports.resolve(&p.path);
                self.crate_path(&resolved, p);
            }
            Node::Item(syn::Item::Fn(f)) if is_health_handler(&f.sig.ident.to_string()) => {
                self.facts.evidence(
                    Capability::HealthHandler,
                    f.sig.ident.to_string(),
                    self.file.span(&f.sig.ident),
                );
                for a in &f.attrs {
                    self.route_attr(a);
                }
            }
            Node::Item(
                syn::Item::Fn(syn::ItemFn { attrs, .. })
                | syn::Item::Struct(syn::ItemStruct { attrs, .. })
                | syn::Item::Enum(syn::ItemEnum { attrs, .. })
                | syn::Item::Mod(syn::ItemMod { attrs, .. }),
            ) => {
                for a in attrs {
                    self.route_attr(a);
                }
            }
            Node::Macro(m) => {
                let Some(last) = m.path.segments.last() else {
                    return;
                };
                let log_macro = LOG_MACROS.iter().any(|n| last.ident == n);
                if m.path.segments.len() == 1 {
                    self.facts.logs |= log_macro;
                    return;
                }
                let resolved = self.file.imports.resolve(&m.path);
                let krate = resolved.split("::").next().unwrap_or("");
                self.facts.logs |= log_macro && matches!(krate, "log" | "tracing");
                self.crate_path(&resolved, &m.path);
            }
            _ => {}
        }
    }

    /// Whether a method chain starts at a `tracing_subscriber` call
    /// (`tracing_subscriber::fmt().with_target(false)`).
    fn subscriber_chain(&self, mut e: &syn::Expr) -> bool {
        loop {
            match e {
                syn::Expr::MethodCall(m) => e = &m.receiver,
                syn::Expr::Call(c) => {
                    return matches!(&*c.func, syn::Expr::Path(p)
                        if self.file.imports.resolve(&p.path).starts_with("tracing_subscriber"));
                }
                _ => return false,
            }
        }
    }

    /// Evidence from a path that names a crate (`metrics::counter!`,
    /// `prometheus::register_int_counter`).
    fn crate_path(&mut self, resolved: &str, node: &impl Spanned) {
        let Some((krate, _)) = resolved.split_once("::") else {
            return;
        };
        for cap in rust_crate(krate) {
            self.facts.evidence(cap, krate, self.file.span(node));
        }
        if krate == "tower_http" && resolved.contains("request_id") {
            self.facts.evidence(
                Capability::RequestId,
                "tower-http request_id",
                self.file.span(node),
            );
        }
    }

    /// A route path given as a string literal.
    fn route(&mut self, arg: Option<&syn::Expr>) {
        if let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) = arg
        {
            let mut path = s.value();
            if !path.starts_with('/') {
                path.insert(0, '/');
            }
            self.facts.routes.push(Route {
                path,
                span: self.file.span(s),
            });
        }
    }

    /// `#[get("/health")]`, `#[actix_web::route("/x", method = "GET")]`,
    /// `#[utoipa::path(get, path = "/health")]`, and route tables in attributes named
    /// for routes (`#[routes(routes("/health" => get(h)))]`): the first string of a
    /// method attribute, and every string that starts with `/` in the others.
    fn route_attr(&mut self, a: &syn::Attribute) {
        let Some(last) = a.path().segments.last() else {
            return;
        };
        let name = last.ident.to_string();
        let method = ROUTE_ATTRS.contains(&name.as_str());
        if !(method || name == "path" || name.contains("route")) {
            return;
        }
        let syn::Meta::List(list) = &a.meta else {
            return;
        };
        let mut first = method;
        self.route_literals(list.tokens.clone(), &mut first);
    }

    fn route_literals(&mut self, tokens: proc_macro2::TokenStream, first: &mut bool) {
        for t in tokens {
            match t {
                proc_macro2::TokenTree::Literal(l) => {
                    if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                        let path = s.value();
                        if *first || path.starts_with('/') {
                            self.facts.routes.push(Route {
                                path,
                                span: self.file.pm_span(l.span()),
                            });
                        }
                    }
                    *first = false;
                }
                proc_macro2::TokenTree::Group(g) => self.route_literals(g.stream(), first),
                _ => *first = false,
            }
        }
    }

    /// Request-ID header names among literal arguments (`"x-request-id"`).
    fn header_names<'e>(&mut self, args: impl Iterator<Item = &'e syn::Expr>) {
        for a in args {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = a
                && is_request_id_name(&s.value())
            {
                self.facts
                    .evidence(Capability::RequestId, s.value(), self.file.span(s));
            }
        }
    }

    pub fn finish(self) -> Option<ServiceFacts> {
        (!self.facts.is_empty()).then_some(self.facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn facts(path: &str, text: &str) -> ServiceFacts {
        let source = SourceFile::new(path, path, text.to_string());
        let file = RustFile::parse(&source, Vec::new()).expect("parses");
        let mut b = ServiceBuilder::new(&file);
        file.walk(&mut |node, scope| b.node(node, scope));
        b.finish().unwrap_or_default()
    }

    #[test]
    fn routes_in_calls_and_attributes() {
        let f = facts(
            "src/routes.rs",
            r#"
use actix_web::{get, web};
#[get("/a")]
async fn a() {}
#[utoipa::path(get, path = "/b")]
async fn b() {}
#[routes::routes(routes("/c" => get(c), "/d" => sub(D)))]
pub struct Api;
fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/e"));
    router.route("/f", get(f)).route_with_tsr("/g/", get(g));
}
"#,
        );
        let mut paths: Vec<&str> = f.routes.iter().map(|r| r.path.as_str()).collect();
        paths.sort_unstable();
        assert_eq!(paths, ["/a", "/b", "/c", "/d", "/e", "/f", "/g/"]);
    }

    #[test]
    fn servers_evidence_and_test_code() {
        let f = facts(
            "src/main.rs",
            r#"
use axum::Router;
fn main() {
    tracing_subscriber::fmt().with_target(false).json().init();
    let app = Router::new();
    axum::serve(listener, app);
    metrics::counter!("x").increment(1);
    tracing::info!("up");
}
#[cfg(test)]
mod tests {
    fn t() { let _ = actix_web::HttpServer::new(|| ()); }
}
"#,
        );
        let kinds: Vec<AppKind> = f.apps.iter().map(|a| a.kind).collect();
        assert_eq!(kinds, [AppKind::Router, AppKind::Server]);
        let caps: Vec<Capability> = f.evidence.iter().map(|e| e.capability).collect();
        assert!(caps.contains(&Capability::StructuredLogging), "{caps:?}");
        assert!(caps.contains(&Capability::Metrics), "{caps:?}");
        assert!(f.logs);
        assert!(facts("tests/it.rs", "fn main() { axum::serve(l, a); }").is_empty());
    }
}
