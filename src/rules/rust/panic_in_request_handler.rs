//! EXC103 panic-in-request-handler.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit::{self, Visit};

use super::{chain, local_uses, mentions_ident};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::rust::{RustFile, is_test_attr, macro_name};
use crate::rule::{Context, Rule, Severity};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `.unwrap()`, `.expect(..)`, `panic!`, `todo!` and `unimplemented!` in a
    /// function that serves HTTP requests, and in the functions of the same file that
    /// it calls (three calls deep).
    ///
    /// A function serves requests when the file registers it as a route handler:
    /// - axum: `.route("/x", get(handler))`, `get(a).post(b)`, `on(filter, handler)`,
    ///   `any(handler)`, and `.fallback(handler)`;
    /// - actix-web: `#[get("/x")]` (and `post`, `put`, `delete`, `patch`, `head`,
    ///   `route`) or `web::get().to(handler)` (any `.to(handler)` on an `actix_web`
    ///   route or resource);
    /// - rocket: `#[get("/x")]` and its siblings;
    /// - poem: `#[handler]`;
    /// - wherever it is routed: an `async fn` that takes an axum or actix-web request
    ///   extractor (`Path<..>`, `State<..>`, `Query<..>`, `Json<..>`, `web::Data<..>`,
    ///   `HttpRequest`, …, resolved through the file's `use` declarations).
    ///
    /// `lock().unwrap()`, `read().unwrap()` and `write().unwrap()` on a lock are not
    /// flagged: a poisoned lock means another request already panicked holding it, and
    /// propagating that panic is the accepted idiom. An `unwrap()` whose receiver is
    /// built from literals only (`"127.0.0.1".parse().unwrap()`,
    /// `Regex::new("^a+$").unwrap()`, `HeaderValue::from_str("json").unwrap()`: a
    /// constructor or parser — `new`, `parse`, `from_str`, `from_static`, `try_from`,
    /// `from`, `compile` — given literals) cannot fail at run time and is not flagged
    /// either, nor is one on a constant (`VERSION.parse().unwrap()`) or on a local
    /// variable bound to literals. `unreachable!` states an invariant the author
    /// checked and is not flagged; nor is an `unwrap()` or `expect()` the author
    /// explained in a comment on its line or just above its statement (`// unwrap: the
    /// id was validated above`, a comment that says `safety`, `invariant`, `always`,
    /// `never`, `cannot`, `must`, `checked`, …), unless it says `TODO` or `FIXME`.
    ///
    /// `spawn_blocking(f).await.unwrap()` and `task.await.unwrap()` (a `JoinError` is a
    /// panic carried on; a local is taken for a join handle by its name) and
    /// `Args::default()...build().unwrap()` (a generated builder that fails only when
    /// a required field is missing, on every call) are not flagged.
    ///
    /// A file that installs tower-http's `CatchPanicLayer` or actix-web-lab's
    /// `CatchPanic` middleware, and rocket handlers (rocket turns a panicking handler
    /// into a 500), get a note instead of a warning.
    ///
    /// ## Why it matters in production
    /// A panic in a handler is not an error response. Under axum (hyper on tokio), the
    /// task serving the connection dies: the client sees the connection reset, not a
    /// 500, the error goes to stderr with no request context, and every request
    /// pipelined on that connection is lost; with `panic = "abort"` in the release
    /// profile the whole service goes down. actix-web 4 does not catch handler panics
    /// either (actix/actix-web#1501): the connection is dropped without a response, and
    /// the worker carries on with whatever state the handler left half-updated. One
    /// malformed request that reaches an `unwrap()` is enough, and an attacker can
    /// repeat it.
    ///
    /// ## Example
    /// ```rust
    /// async fn get_user(Path(id): Path<String>, State(db): State<Db>) -> Json<User> {
    ///     let id: u64 = id.parse().unwrap();
    ///     Json(db.user(id).await.expect("user exists"))
    /// }
    /// ```
    ///
    /// ## Fix
    /// Return a `Result` whose error type implements `IntoResponse` (or actix's
    /// `ResponseError`), and map each failure to a status:
    /// ```rust
    /// async fn get_user(Path(id): Path<String>, State(db): State<Db>) -> Result<Json<User>, ApiError> {
    ///     let id: u64 = id.parse().map_err(|_| ApiError::BadRequest("id"))?;
    ///     Ok(Json(db.user(id).await?.ok_or(ApiError::NotFound)?))
    /// }
    /// ```
    /// Where a panic cannot be ruled out, add `tower_http::catch_panic::CatchPanicLayer`
    /// to an axum router, or `actix_web_lab::middleware::CatchPanic` to an actix-web
    /// app, so that it becomes a 500.
    ///
    /// ## Known limits
    /// Callees are matched by name within one file: a handler registered in another
    /// file (`.route("/", get(users::list))` with `list` in `users.rs`) is found only
    /// if it takes an extractor, and the functions it calls in other files are not
    /// followed, nor are methods (`self.x()`) or closures passed as handlers. A
    /// `CatchPanicLayer` installed in another file than the panic is not seen. Macro
    /// arguments are not parsed again for this rule, so an `unwrap()` inside
    /// `format!(..)` or `json!(..)` is not seen (a `panic!` is). Tests, benchmarks and
    /// examples are skipped.
    pub PanicInRequestHandler,
    code = "EXC103", name = "panic-in-request-handler", category = Errors, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Rust],
}

/// axum's method routers (`axum::routing::get`, …), by their last name.
const AXUM_ROUTERS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "any", "on",
];
/// Route attributes of actix-web and rocket.
const ROUTE_ATTRS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "route", "catch",
];
/// Macros that panic.
/// (`unreachable!` is left out: it states an invariant the author checked, as
/// `assert!` does.)
const PANIC_MACROS: &[&str] = &["panic", "todo", "unimplemented"];
/// How many calls deep a handler's callees in the same file are followed.
const MAX_CALL_DEPTH: usize = 3;

/// Why a function serves requests.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Framework {
    Axum,
    Actix,
    Rocket,
    Poem,
}

impl Framework {
    fn name(self) -> &'static str {
        match self {
            Framework::Axum => "axum",
            Framework::Actix => "actix-web",
            Framework::Rocket => "rocket",
            Framework::Poem => "poem",
        }
    }
}

impl Rule for PanicInRequestHandler {
    fn check_rust(&self, file: &RustFile<'_>, cx: &mut Context<'_>) {
        if file.role.not_production() {
            return;
        }
        let fns = functions(&file.ast.items);
        if fns.is_empty() {
            return;
        }
        let mut handlers: BTreeMap<String, Framework> = BTreeMap::new();
        for (name, f) in &fns {
            if let Some(fw) =
                attr_framework(file, &f.attrs).or_else(|| extractor_framework(file, &f.sig))
            {
                handlers.insert(name.clone(), fw);
            }
        }
        let mut reg = Registrations {
            file,
            out: BTreeMap::new(),
        };
        reg.visit_file(&file.ast);
        for (name, fw) in reg.out {
            handlers.entry(name).or_insert(fw);
        }
        if handlers.is_empty() {
            return;
        }
        let tokens = file.ast.to_token_stream();
        let caught = mentions_ident(tokens.clone(), "CatchPanicLayer")
            || mentions_ident(tokens, "CatchPanic");
        // Each panicking site once, for the first handler (by name) that reaches it.
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        for (handler, fw) in &handlers {
            let Some(f) = fns.get(handler) else { continue };
            if is_test_attr(&f.attrs) {
                continue;
            }
            let mut visited = BTreeSet::from([handler.clone()]);
            let mut frontier = vec![(handler.clone(), *f, 0usize)];
            while let Some((name, f, depth)) = frontier.pop() {
                let mut v = Panics {
                    body: &f.block,
                    statement: proc_macro2::Span::call_site(),
                    sites: Vec::new(),
                    calls: Vec::new(),
                };
                v.visit_block(&f.block);
                for site in v.sites {
                    let span = file.span(&site.at);
                    if (site.explainable
                        && explained(file, &span, file.pm_span(site.statement).start))
                        || !seen.insert(span.start)
                    {
                        continue;
                    }
                    let fw = fw.name();
                    let place = if name == *handler {
                        format!("{fw} handler `{handler}`")
                    } else {
                        format!("`{name}`, called by {fw} handler `{handler}`")
                    };
                    let finding = cx.report(
                        &Self::META,
                        span,
                        format!("{} in {place} can panic while serving a request", site.what),
                        "return an error that maps to an HTTP status (`Result<_, E>` where `E: IntoResponse` or `ResponseError`) instead of panicking",
                    );
                    if caught || fw == Framework::Rocket.name() {
                        finding.severity(Severity::Note);
                    }
                }
                if depth >= MAX_CALL_DEPTH {
                    continue;
                }
                for callee in v.calls {
                    if let Some(g) = fns.get(&callee)
                        && !is_test_attr(&g.attrs)
                        && visited.insert(callee.clone())
                    {
                        frontier.push((callee, *g, depth + 1));
                    }
                }
            }
        }
    }
}

/// The free functions of a file (inline modules included, test modules not), by name.
/// A name defined twice (in two modules) is left out: calls to it cannot be told apart.
fn functions(items: &[syn::Item]) -> BTreeMap<String, &syn::ItemFn> {
    fn collect<'a>(items: &'a [syn::Item], out: &mut Vec<(String, &'a syn::ItemFn)>) {
        for item in items {
            match item {
                syn::Item::Fn(f) => out.push((f.sig.ident.to_string(), f)),
                syn::Item::Mod(m) if !is_test_attr(&m.attrs) => {
                    if let Some((_, inner)) = &m.content {
                        collect(inner, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut all = Vec::new();
    collect(items, &mut all);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, _) in &all {
        *counts.entry(n.as_str()).or_default() += 1;
    }
    let dup: BTreeSet<String> = counts
        .into_iter()
        .filter(|(_, c)| *c > 1)
        .map(|(n, _)| n.to_string())
        .collect();
    all.into_iter().filter(|(n, _)| !dup.contains(n)).collect()
}

/// The framework whose route attribute marks a function as a handler.
fn attr_framework(file: &RustFile<'_>, attrs: &[syn::Attribute]) -> Option<Framework> {
    let uses = |krate: &str| {
        file.imports
            .aliases
            .values()
            .chain(&file.imports.globs)
            .any(|p| p == krate || p.starts_with(&format!("{krate}::")))
    };
    for a in attrs {
        let segs: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let Some(last) = segs.last() else { continue };
        let first = segs.first().map(String::as_str).unwrap_or_default();
        if last == "handler" && (first == "poem" || uses("poem")) {
            return Some(Framework::Poem);
        }
        // `#[get("/x")]`: a list with the route's path first.
        if !ROUTE_ATTRS.contains(&last.as_str()) || !matches!(a.meta, syn::Meta::List(_)) {
            continue;
        }
        if first == "rocket" || (segs.len() == 1 && uses("rocket")) {
            return Some(Framework::Rocket);
        }
        if first == "actix_web" || (segs.len() == 1 && uses("actix_web")) {
            return Some(Framework::Actix);
        }
    }
    None
}

/// axum's and actix-web's request extractors, by the paths they resolve to.
const EXTRACTORS: &[(&str, Framework)] = &[
    ("axum::extract::", Framework::Axum),
    ("axum_extra::extract::", Framework::Axum),
    ("axum::Json", Framework::Axum),
    ("axum::Form", Framework::Axum),
    ("axum::Extension", Framework::Axum),
    ("actix_web::web::Json", Framework::Actix),
    ("actix_web::web::Path", Framework::Actix),
    ("actix_web::web::Query", Framework::Actix),
    ("actix_web::web::Form", Framework::Actix),
    ("actix_web::web::Data", Framework::Actix),
    ("actix_web::web::Payload", Framework::Actix),
    ("actix_web::web::ReqData", Framework::Actix),
    ("actix_web::HttpRequest", Framework::Actix),
];

/// The framework of an `async fn` that takes a request extractor (`Path<String>`,
/// `State<App>`, `web::Json<Body>`, `HttpRequest`): a handler, wherever it is routed.
fn extractor_framework(file: &RustFile<'_>, sig: &syn::Signature) -> Option<Framework> {
    sig.asyncness.as_ref()?;
    sig.inputs.iter().find_map(|arg| {
        let syn::FnArg::Typed(t) = arg else {
            return None;
        };
        let syn::Type::Path(tp) = &*t.ty else {
            return None;
        };
        if tp.qself.is_some() {
            return None;
        }
        let full = file.imports.resolve(&tp.path);
        EXTRACTORS.iter().find_map(|(prefix, fw)| {
            let hit = if prefix.ends_with("::") {
                full.starts_with(prefix)
            } else {
                full == *prefix
            };
            hit.then_some(*fw)
        })
    })
}

/// Handlers registered in code: axum routes and actix `.to(handler)`.
struct Registrations<'f, 's> {
    file: &'f RustFile<'s>,
    out: BTreeMap<String, Framework>,
}

/// The function a handler argument names, if it is a plain path (`handler`,
/// `routes::handler`): its last segment.
fn named_fn(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

impl Registrations<'_, '_> {
    /// `get(h).post(h2)`, `axum::routing::on(filter, h)`: the handlers of a method router.
    fn method_router(&mut self, e: &syn::Expr) {
        let c = chain(e);
        for m in &c.methods {
            if AXUM_ROUTERS.contains(&m.method.to_string().as_str())
                && let Some(h) = m.args.last().and_then(named_fn)
            {
                self.out.insert(h, Framework::Axum);
            }
        }
        if let syn::Expr::Call(call) = c.root
            && let syn::Expr::Path(p) = &*call.func
            && let Some(last) = p.path.segments.last()
            && AXUM_ROUTERS.contains(&last.ident.to_string().as_str())
        {
            let full = self.file.imports.resolve(&p.path);
            let axum = full.starts_with("axum::") || p.path.segments.len() == 1;
            if axum && let Some(h) = call.args.last().and_then(named_fn) {
                self.out.insert(h, Framework::Axum);
            }
        }
    }
}

impl<'a> Visit<'a> for Registrations<'_, '_> {
    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        let method = m.method.to_string();
        match method.as_str() {
            "route" if m.args.len() == 2 => {
                let router = &m.args[1];
                // actix: `.route("/", web::get().to(h))` — `.to` is seen on its own.
                self.method_router(router);
            }
            "fallback" if m.args.len() == 1 => {
                if let Some(h) = named_fn(&m.args[0]) {
                    self.out.insert(h, Framework::Axum);
                }
            }
            "to" if m.args.len() == 1 => {
                let c = chain(&m.receiver);
                let actix = match c.root {
                    syn::Expr::Call(call) => match &*call.func {
                        syn::Expr::Path(p) => {
                            let full = self.file.imports.resolve(&p.path);
                            full.starts_with("actix_web::") || full.starts_with("web::")
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if actix && let Some(h) = named_fn(&m.args[0]) {
                    self.out.insert(h, Framework::Actix);
                }
            }
            _ => {}
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        if !is_test_attr(&f.attrs) {
            visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if !is_test_attr(&m.attrs) {
            visit::visit_item_mod(self, m);
        }
    }
}

/// A place that panics.
struct Site {
    what: String,
    at: proc_macro2::Span,
    /// Where the statement holding it starts.
    statement: proc_macro2::Span,
    /// An `unwrap()` or `expect()`, which a comment may explain (a `panic!` is meant).
    explainable: bool,
}

/// The panicking sites of a function body, and the plain function calls it makes.
struct Panics<'a> {
    body: &'a syn::Block,
    statement: proc_macro2::Span,
    sites: Vec<Site>,
    calls: Vec<String>,
}

/// `lock()`, `read()`, `write()`: a poisoned lock's `unwrap()`.
fn is_lock(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::MethodCall(m)
        if m.args.is_empty() && matches!(m.method.to_string().as_str(), "lock" | "read" | "write"))
}

/// `spawn_blocking(f).await`, `task.await`, `handle.await`: a `JoinError` means the
/// task panicked (or was cancelled), and unwrapping it carries the panic on, as a
/// poisoned lock's does. A local is taken for a join handle by its name (`task`,
/// `handle`, `*_task`, `*_handle`, `join_*`).
fn is_join(e: &syn::Expr) -> bool {
    let syn::Expr::Await(a) = e else { return false };
    if let Some(name) = super::as_local(&a.base) {
        let joinish = name == "task"
            || name == "handle"
            || name.ends_with("_task")
            || name.ends_with("_handle")
            || name.starts_with("join");
        return joinish;
    }
    let c = chain(&a.base);
    c.methods.is_empty()
        && matches!(c.root, syn::Expr::Call(call) if matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| matches!(s.ident.to_string().as_str(), "spawn" | "spawn_blocking" | "spawn_local"))))
}

/// `Args::default().a(x).build()`: a generated builder started from its defaults,
/// which fails only when the code forgot a required field — every time, in tests too.
fn is_default_builder(e: &syn::Expr) -> bool {
    let c = chain(e);
    c.methods.first().is_some_and(|m| m.method == "build")
        && matches!(c.root, syn::Expr::Call(call) if call.args.is_empty() && matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "default")))
}

/// Constructors and parsers that depend on their arguments only (no I/O, no
/// environment): given literals, they succeed or fail the same way every time.
const PURE_CONSTRUCTORS: &[&str] = &[
    "new",
    "parse",
    "parse_str",
    "from_str",
    "from_static",
    "try_from",
    "from",
    "compile",
    "to_str",
];

/// An expression built from literals only: `"a".parse()`, `Regex::new("x")`,
/// `HeaderValue::from_static("x").to_str()`, a constant (`VERSION.parse()`), or a
/// local variable of `body` bound to one of those.
fn from_literals(body: &syn::Block, e: &syn::Expr, depth: usize) -> bool {
    let lit = |e: &syn::Expr| from_literals(body, e, depth);
    match e {
        syn::Expr::Lit(_) => true,
        syn::Expr::Reference(r) => lit(&r.expr),
        syn::Expr::Paren(p) => lit(&p.expr),
        syn::Expr::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                return false;
            };
            // `VERSION`, `config::LIMIT`: a constant.
            if last.len() > 1 && !last.chars().any(|c| c.is_ascii_lowercase()) {
                return true;
            }
            // `let value = "x";` earlier in the function.
            if depth < 2 && p.path.segments.len() == 1 {
                let uses = local_uses(body, &last);
                return !uses.values.is_empty()
                    && uses
                        .values
                        .iter()
                        .all(|v| from_literals(body, v, depth + 1));
            }
            false
        }
        syn::Expr::MethodCall(m) => {
            PURE_CONSTRUCTORS.contains(&m.method.to_string().as_str())
                && lit(&m.receiver)
                && m.args.iter().all(lit)
        }
        syn::Expr::Call(c) => {
            matches!(&*c.func, syn::Expr::Path(p)
                if p.path.segments.last().is_some_and(|s| PURE_CONSTRUCTORS.contains(&s.ident.to_string().as_str())))
                && !c.args.is_empty()
                && c.args.iter().all(lit)
        }
        _ => false,
    }
}

/// Words of a comment that says why a panic cannot happen.
const EXPLANATIONS: &[&str] = &[
    "unwrap",
    "safety",
    "invariant",
    "always",
    "never",
    "cannot",
    "can't",
    "can not",
    "must",
    "guarantee",
    "exactly",
    "infallible",
    "impossible",
    "checked",
    "validated",
];

/// Whether the author explained the panic in a comment: on the line of `span`, or on
/// the lines just above it or above the statement holding it (`// unwrap: the id was
/// validated above`). A comment that says it is still to do (`TODO`, `FIXME`) explains
/// nothing.
fn explained(file: &RustFile<'_>, span: &Span, statement: usize) -> bool {
    let src = file.source;
    let line = src.line_of(span.start);
    let first = src.line_of(statement.min(span.start));
    // Lines taken by comments of their own: a block of them above a line is one.
    let comment_lines: BTreeSet<usize> = file
        .comments
        .iter()
        .filter(|c| c.own_line)
        .flat_map(|c| src.line_of(c.span.start)..=src.line_of(c.span.end.saturating_sub(1)))
        .collect();
    let block_above = |end: usize, below: usize| {
        end < below && (end + 1..below).all(|l| comment_lines.contains(&l))
    };
    file.comments.iter().any(|c| {
        let text = &src.text[c.span.clone()];
        if ["TODO", "FIXME", "XXX", "HACK"]
            .iter()
            .any(|t| text.contains(t))
        {
            return false;
        }
        let lower = text.to_lowercase();
        if !EXPLANATIONS.iter().any(|w| lower.contains(w)) {
            return false;
        }
        let end = src.line_of(c.span.end.saturating_sub(1));
        let start = src.line_of(c.span.start);
        let above = c.own_line
            && (block_above(end, line)
                || block_above(end, first)
                || (start >= first && end < line));
        let trailing = !c.own_line && start == line;
        above || trailing
    })
}

impl<'a> Visit<'a> for Panics<'_> {
    fn visit_stmt(&mut self, st: &'a syn::Stmt) {
        let saved = self.statement;
        self.statement = syn::spanned::Spanned::span(st);
        visit::visit_stmt(self, st);
        self.statement = saved;
    }

    fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
        let method = m.method.to_string();
        let panics = match method.as_str() {
            "unwrap" => m.args.is_empty(),
            "expect" => m.args.len() == 1,
            _ => false,
        };
        if panics
            && !is_lock(&m.receiver)
            && !is_join(&m.receiver)
            && !is_default_builder(&m.receiver)
            && !from_literals(self.body, &m.receiver, 0)
        {
            self.sites.push(Site {
                what: format!("`.{method}()`"),
                at: m.method.span(),
                statement: self.statement,
                explainable: true,
            });
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func
            && p.qself.is_none()
            && p.path.segments.len() == 1
        {
            self.calls.push(p.path.segments[0].ident.to_string());
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let name = macro_name(m);
        if PANIC_MACROS.contains(&name.as_str()) {
            self.sites.push(Site {
                what: format!("`{name}!`"),
                at: m
                    .path
                    .segments
                    .last()
                    .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
                statement: self.statement,
                explainable: false,
            });
        }
    }

    // A nested function or test module is not part of the handler's run.
    fn visit_item_fn(&mut self, _: &'a syn::ItemFn) {}
}
