//! The one walk over Ruff's syntax tree that fills a [`PythonFile`], and the summary of
//! an expression ([`Value::kind`]) that a rule reads. Everything that touches Ruff's
//! types is here.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, ExceptHandler, Expr, ModModule, PySourceType, Stmt};
use ruff_python_parser::{Parsed, parse_unchecked_source};
use ruff_text_size::{Ranged, TextRange};

use super::{
    Assign, BinOp, Call, CallValue, Ctx, Def, DefKind, Handler, Import, Keyword, MAX_DEPTH,
    PythonFile, Raise, SyntaxError, Trivial, Value, ValueKind,
};
use crate::source::Span;

/// How deep an expression is summarised into a [`Value`].
const SUMMARY_DEPTH: u8 = 6;
/// How many elements of a literal container are summarised.
const SUMMARY_WIDTH: usize = 64;
/// Stack kept free before the walk grows its stack, and the size of each new segment.
const RED_ZONE: usize = 128 * 1024;
const SEGMENT: usize = 2 * 1024 * 1024;

fn span(r: TextRange) -> Span {
    r.start().to_usize()..r.end().to_usize()
}

/// Parses `text`, builds the model (without the role, which needs the path) and hands
/// it to `f`; the syntax tree the model borrows is let go when `f` returns.
/// With `walk` false, the model holds only the syntax errors and comments (for a file
/// no rule checks: see [`crate::lang::Sink::syntax_only`]).
pub(super) fn with<R>(
    text: &str,
    stub: bool,
    walk: bool,
    f: impl FnOnce(PythonFile<'_>) -> R,
) -> R {
    let source_type = if stub {
        PySourceType::Stub
    } else {
        PySourceType::Python
    };
    if let Some(at) = super::prescan::too_deep(text) {
        return f(PythonFile {
            too_deep: Some(at),
            not_parsed: true,
            ..PythonFile::default()
        });
    }
    let parsed = parse_unchecked_source(text, source_type);
    let mut out = PythonFile::default();
    // Room for every call at once: each `(` opens one at most.
    let mut parens = 0;
    for e in parsed.errors() {
        out.syntax_errors.push(SyntaxError {
            message: e.error.to_string(),
            span: span(e.location),
        });
    }
    for t in parsed.tokens().iter() {
        if t.kind() == TokenKind::Lpar {
            parens += 1;
        } else if t.kind() == TokenKind::Comment {
            let s = span(t.range());
            let line_start = text[..s.start].rfind('\n').map_or(0, |i| i + 1);
            let own_line = text[line_start..s.start].trim().is_empty();
            out.comments.push((s, own_line));
        }
    }
    if !walk {
        // Without the walk, the tree's depth is bounded from the tokens: it nests no
        // deeper than its blocks plus the tokens of its longest logical line.
        let (mut blocks, mut deepest_block, mut line, mut longest_line) = (0usize, 0, 0, 0);
        for t in parsed.tokens().iter() {
            match t.kind() {
                TokenKind::Indent => {
                    blocks += 1;
                    deepest_block = deepest_block.max(blocks);
                }
                TokenKind::Dedent => blocks = blocks.saturating_sub(1),
                TokenKind::Newline => line = 0,
                _ => {
                    line += 1;
                    longest_line = longest_line.max(line);
                }
            }
        }
        let result = f(out);
        drop_deep(parsed, text.len(), deepest_block + longest_line > 200);
        return result;
    }
    let body = &parsed.syntax().body;
    out.module_has_code = !body.is_empty();
    out.module_docstring = has_docstring(body);
    out.calls.reserve_exact(parens);
    let mut w = Walker::new(out);
    w.sites.reserve_exact(parens);
    w.visit_body(body);
    let deepest = w.deepest;
    let out = w.finish();
    let deep = deepest > 200 || out.too_deep.is_some();
    let result = f(out);
    drop_deep(parsed, text.len(), deep);
    result
}

/// Lets a syntax tree go. Dropping one recurses once per level: a deep one gets a stack
/// to match.
fn drop_deep(parsed: Parsed<ModModule>, text_len: usize, deep: bool) {
    if deep {
        let size = text_len.saturating_mul(256).clamp(SEGMENT, 1 << 32);
        stacker::grow(size, move || drop(parsed));
    } else {
        drop(parsed);
    }
}

/// Decorators that wrap a function without registering it anywhere: a cache
/// (`functools.lru_cache`, `functools.cache`, cachetools' `cached`, Flask-Caching's
/// `memoize`), a retry (tenacity's `retry`, backoff's `on_exception`), a context
/// manager (`contextlib.contextmanager`), `functools.wraps`, `deprecated`. The function
/// still runs only where something names it. Known by the last part of their name,
/// called or not.
fn wraps_only(d: &ruff_python_ast::Decorator) -> bool {
    const WRAPPERS: &[&str] = &[
        "lru_cache",
        "cache",
        "cached",
        "cachedmethod",
        "ttl_cache",
        "memoize",
        "wraps",
        "retry",
        "on_exception",
        "on_predicate",
        "contextmanager",
        "asynccontextmanager",
        "deprecated",
    ];
    let v = value(&d.expression, 3);
    v.callee()
        .unwrap_or(v)
        .last_name()
        .is_some_and(|n| WRAPPERS.contains(&n))
}

/// A function body that ends in `raise` on every path and has no `return` at its top
/// level or in its branches.
fn always_raises(body: &[Stmt]) -> bool {
    fn returns(body: &[Stmt]) -> bool {
        body.iter().any(|s| match s {
            Stmt::Return(_) => true,
            Stmt::If(i) => returns(&i.body) || i.elif_else_clauses.iter().any(|c| returns(&c.body)),
            Stmt::With(w) => returns(&w.body),
            Stmt::For(f) => returns(&f.body) || returns(&f.orelse),
            Stmt::While(w) => returns(&w.body) || returns(&w.orelse),
            Stmt::Try(t) => {
                returns(&t.body)
                    || returns(&t.orelse)
                    || returns(&t.finalbody)
                    || t.handlers.iter().any(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        returns(&h.body)
                    })
            }
            _ => false,
        })
    }
    fn ends_in_raise(body: &[Stmt]) -> bool {
        match body.last() {
            Some(Stmt::Raise(_)) => true,
            Some(Stmt::If(i)) => {
                ends_in_raise(&i.body)
                    && i.elif_else_clauses.last().is_some_and(|c| c.test.is_none())
                    && i.elif_else_clauses.iter().all(|c| ends_in_raise(&c.body))
            }
            _ => false,
        }
    }
    ends_in_raise(body) && !returns(body)
}

fn has_docstring(body: &[Stmt]) -> bool {
    matches!(body.first(), Some(Stmt::Expr(e)) if matches!(*e.value, Expr::StringLiteral(_)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
}

struct Scope {
    parent: Option<usize>,
    kind: ScopeKind,
    /// For a class: whether it is part of the public API.
    public: bool,
}

/// `name = <call>` (or `with <call> as name`) in a scope.
struct Binding<'a> {
    scope: usize,
    name: String,
    origin: Value<'a>,
    offset: usize,
}

/// Per call: the scope it is in, and the class scope when it is in a method.
struct CallSite {
    scope: usize,
    method_class: Option<usize>,
}

struct Walker<'a> {
    out: PythonFile<'a>,
    scopes: Vec<Scope>,
    scope: usize,
    /// The class scope whose method we are in.
    method_class: Option<usize>,
    handlers: Vec<usize>,
    try_depth: usize,
    /// Loops of the enclosing function around the current node.
    loop_depth: usize,
    in_main: bool,
    /// Inside `if <something about debug>:` (`if settings.DEBUG:`).
    in_debug_guard: bool,
    /// In a branch of `if <a TLS-verification setting>:`.
    in_verify_guard: bool,
    /// Inside `with contextlib.redirect_stdout(...)`.
    redirected: bool,
    /// `if` statements around the current node.
    if_depth: usize,
    function_depth: usize,
    /// Inside a function decorated as a command-line command ([`Ctx::in_cli_command`]).
    in_cli_command: bool,
    statement: usize,
    depth: usize,
    deepest: usize,
    bindings: Vec<Binding<'a>>,
    sites: Vec<CallSite>,
    /// Names defined in the file by `def`, `class` or a module-level assignment.
    defined: FxHashSet<&'a str>,
    /// Start of the decorator expression being visited.
    decorator_at: Option<usize>,
}

impl<'a> Walker<'a> {
    fn new(out: PythonFile<'a>) -> Self {
        Self {
            out,
            scopes: vec![Scope {
                parent: None,
                kind: ScopeKind::Module,
                public: true,
            }],
            scope: 0,
            method_class: None,
            handlers: Vec::new(),
            try_depth: 0,
            loop_depth: 0,
            in_main: false,
            in_debug_guard: false,
            in_verify_guard: false,
            redirected: false,
            if_depth: 0,
            function_depth: 0,
            in_cli_command: false,
            statement: 0,
            depth: 0,
            deepest: 0,
            bindings: Vec::new(),
            sites: Vec::new(),
            defined: FxHashSet::default(),
            decorator_at: None,
        }
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            handler: self.handlers.last().copied(),
            in_try: self.try_depth > 0,
            in_main: self.in_main,
            in_debug_guard: self.in_debug_guard,
            in_verify_guard: self.in_verify_guard,
            redirected: self.redirected,
            in_if: self.if_depth > 0,
            in_function: self.function_depth > 0,
            in_cli_command: self.in_cli_command,
            in_loop: self.loop_depth > 0,
            in_class_body: self.scopes[self.scope].kind == ScopeKind::Class,
            statement: self.statement,
        }
    }

    /// Enters one level of the tree; `false` when the tree is too deep to go on.
    fn enter(&mut self, at: usize) -> bool {
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        if self.depth > MAX_DEPTH {
            self.out.too_deep.get_or_insert(at);
            self.depth -= 1;
            return false;
        }
        true
    }

    fn push_scope(&mut self, kind: ScopeKind, public: bool) -> usize {
        self.scopes.push(Scope {
            parent: Some(self.scope),
            kind,
            public,
        });
        self.scopes.len() - 1
    }

    /// Records `target = origin` when `origin` is a call.
    fn bind(&mut self, target: &'a Expr, origin: &'a Expr) {
        let Expr::Call(call) = origin else { return };
        let Some(name) = value(target, SUMMARY_DEPTH).dotted() else {
            return;
        };
        // `self.x = ...` in a method binds `self.x` for every method of the class.
        let scope = match (
            name.starts_with("self.") || name.starts_with("cls."),
            self.method_class,
        ) {
            (true, Some(class)) => class,
            _ => self.scope,
        };
        self.bindings.push(Binding {
            scope,
            name,
            origin: value(&call.func, SUMMARY_DEPTH),
            offset: target.start().to_usize(),
        });
    }

    fn def(
        &mut self,
        kind: DefKind,
        name: &'a ast::Identifier,
        body: &[Stmt],
        decorators: &[ast::Decorator],
        whole: Span,
    ) -> bool {
        let n = name.id.as_str();
        let scope = &self.scopes[self.scope];
        let container_public = match scope.kind {
            ScopeKind::Module => self.function_depth == 0,
            ScopeKind::Class => scope.public,
            ScopeKind::Function => false,
        };
        let dunder = n.starts_with("__") && n.ends_with("__");
        let skipped_decorator = decorators.iter().any(|d| {
            let v = value(&d.expression, 3);
            let dotted = v.dotted().unwrap_or_default();
            dotted == "overload"
                || dotted.ends_with(".overload")
                || dotted.ends_with(".setter")
                || dotted.ends_with(".deleter")
        });
        let public = container_public && !n.starts_with('_') && !dunder && !skipped_decorator;
        if self.function_depth == 0 {
            self.defined.insert(n);
        }
        self.out.defs.push(Def {
            kind,
            name: n,
            name_span: span(name.range),
            span: whole,
            module_level: self.scope == 0,
            decorated: decorators.iter().any(|d| !wraps_only(d)),
            never_returns: false,
            has_docstring: has_docstring(body),
            bases: Vec::new(),
            public,
        });
        public
    }

    /// Whether a decorator makes a command-line command of its function: one named
    /// `command` or `group` (called or not) in a file that imports `click` or `typer`,
    /// or reached through a `cli` attribute (Flask's `@app.cli.command()`).
    fn cli_command(&self, d: &'a ruff_python_ast::Decorator) -> bool {
        let target = match &d.expression {
            Expr::Call(c) => &*c.func,
            e => e,
        };
        let v = value(target, 4);
        if !matches!(v.last_name(), Some("command" | "group")) {
            return false;
        }
        self.out.imports_module("click")
            || self.out.imports_module("typer")
            || v.dotted().is_some_and(|d| d.split('.').any(|p| p == "cli"))
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        self.statement = stmt.start().to_usize();
        match stmt {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.visit_decorator(d);
                }
                self.def(
                    DefKind::Function,
                    &f.name,
                    &f.body,
                    &f.decorator_list,
                    span(f.range),
                );
                if let Some(d) = self.out.defs.last_mut() {
                    let annotated = f.returns.as_deref().is_some_and(|r| {
                        value(r, 3)
                            .last_name()
                            .is_some_and(|n| n == "NoReturn" || n == "Never")
                    });
                    d.never_returns = annotated || always_raises(&f.body);
                }
                self.visit_parameters(&f.parameters);
                let method_class =
                    (self.scopes[self.scope].kind == ScopeKind::Class).then_some(self.scope);
                let scope = self.push_scope(ScopeKind::Function, false);
                let saved = (
                    self.scope,
                    self.method_class,
                    std::mem::take(&mut self.handlers),
                    self.try_depth,
                    self.loop_depth,
                );
                self.scope = scope;
                self.method_class = method_class.or(self.method_class);
                self.try_depth = 0;
                self.loop_depth = 0;
                self.function_depth += 1;
                let outer_cli = self.in_cli_command;
                self.in_cli_command |= f.decorator_list.iter().any(|d| self.cli_command(d));
                self.visit_body(&f.body);
                self.in_cli_command = outer_cli;
                self.function_depth -= 1;
                (
                    self.scope,
                    self.method_class,
                    self.handlers,
                    self.try_depth,
                    self.loop_depth,
                ) = saved;
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.visit_decorator(d);
                }
                if let Some(args) = &c.arguments {
                    self.visit_arguments(args);
                }
                let public = self.def(
                    DefKind::Class,
                    &c.name,
                    &c.body,
                    &c.decorator_list,
                    span(c.range),
                );
                if let (Some(args), Some(d)) = (&c.arguments, self.out.defs.last_mut()) {
                    d.bases = args.args.iter().map(|b| value(b, 3)).collect();
                }
                // An interactive shell (`class Shell(cmd.Cmd)`): its commands are typed.
                let shell = c.arguments.as_ref().is_some_and(|args| {
                    args.args
                        .iter()
                        .any(|b| self.out.resolve(&value(b, 3)).as_deref() == Some("cmd.Cmd"))
                });
                let scope = self.push_scope(ScopeKind::Class, public);
                let saved = (self.scope, self.method_class, self.in_cli_command);
                self.scope = scope;
                self.method_class = None;
                self.in_cli_command |= shell;
                self.visit_body(&c.body);
                (self.scope, self.method_class, self.in_cli_command) = saved;
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.id.to_string();
                    let (local, qualified) = match &a.asname {
                        Some(asname) => (asname.id.to_string(), full),
                        None => {
                            let head = full.split('.').next().unwrap_or(&full).to_string();
                            (head.clone(), head)
                        }
                    };
                    self.defined.remove(local.as_str());
                    self.out.imports.push(Import {
                        local,
                        qualified,
                        span: span(a.range),
                    });
                }
            }
            Stmt::ImportFrom(i) => {
                let mut base = ".".repeat(i.level as usize);
                if let Some(m) = &i.module {
                    base.push_str(m.id.as_str());
                }
                for a in &i.names {
                    let name = a.name.id.as_str();
                    if name == "*" {
                        self.out.star_imports.push(base.clone());
                        continue;
                    }
                    let qualified = if base.is_empty() || base.ends_with('.') {
                        format!("{base}{name}")
                    } else {
                        format!("{base}.{name}")
                    };
                    let local = a
                        .asname
                        .as_ref()
                        .map_or(name, |n| n.id.as_str())
                        .to_string();
                    self.defined.remove(local.as_str());
                    self.out.imports.push(Import {
                        local,
                        qualified,
                        span: span(a.range),
                    });
                }
            }
            Stmt::If(i) if mentions_debug(&i.test, 0) => {
                self.visit_expr(&i.test);
                let saved = self.in_debug_guard;
                self.in_debug_guard = true;
                self.visit_body(&i.body);
                self.in_debug_guard = saved;
                for clause in &i.elif_else_clauses {
                    self.visit_elif_else_clause(clause);
                }
            }
            Stmt::If(i) if !self.in_verify_guard && mentions(&i.test, &is_verify_setting, 0) => {
                // Every branch: `else:` of `if verify_tls:` is where it is off.
                self.in_verify_guard = true;
                self.stmt(stmt);
                self.in_verify_guard = false;
            }
            // `if use_ssl: … else: TCPConnector(ssl=False)`: where the setting turns TLS
            // off, the connection is plain, and `ssl=False` only says so. The branch
            // where TLS is on is checked as any other.
            Stmt::If(i) if !self.in_verify_guard && tls_switch(&i.test).is_some() => {
                let negated = tls_switch(&i.test) == Some(true);
                self.visit_expr(&i.test);
                self.in_verify_guard = negated;
                self.visit_body(&i.body);
                self.in_verify_guard = false;
                for clause in &i.elif_else_clauses {
                    self.in_verify_guard = !negated && clause.test.is_none();
                    self.visit_elif_else_clause(clause);
                    self.in_verify_guard = false;
                }
            }
            Stmt::If(i) if is_main_test(&i.test) => {
                self.visit_expr(&i.test);
                let saved = self.in_main;
                self.in_main = true;
                self.visit_body(&i.body);
                self.in_main = saved;
                for clause in &i.elif_else_clauses {
                    self.visit_elif_else_clause(clause);
                }
            }
            Stmt::For(f) => {
                self.visit_expr(&f.target);
                self.visit_expr(&f.iter);
                self.loop_depth += 1;
                self.visit_body(&f.body);
                self.loop_depth -= 1;
                self.visit_body(&f.orelse);
            }
            Stmt::While(w) => {
                self.visit_expr(&w.test);
                self.loop_depth += 1;
                self.visit_body(&w.body);
                self.loop_depth -= 1;
                self.visit_body(&w.orelse);
            }
            Stmt::Try(t) => {
                self.try_depth += 1;
                let first = self.out.calls.len();
                self.visit_body(&t.body);
                self.try_depth -= 1;
                let guards =
                    (t.body.len() == 1 && self.out.calls.len() == first + 1).then_some(first);
                for h in &t.handlers {
                    let ExceptHandler::ExceptHandler(h) = h;
                    self.handler(h, guards);
                }
                self.visit_body(&t.orelse);
                self.visit_body(&t.finalbody);
            }
            Stmt::Raise(r) => {
                if let Some(&h) = self.handlers.last() {
                    let raise = Raise {
                        span: span(r.range),
                        exc: r.exc.as_deref().map(|e| value(e, SUMMARY_DEPTH)),
                        cause: r.cause.as_deref().map(|e| value(e, SUMMARY_DEPTH)),
                    };
                    self.out.handlers[h].raises.push(raise);
                }
                visitor::walk_stmt(self, stmt);
            }
            // `assert not DEBUG` (a settings module refusing to run with debug on).
            Stmt::Assert(a) if self.function_depth == 0 => {
                if let Expr::UnaryOp(u) = &*a.test
                    && u.op == ruff_python_ast::UnaryOp::Not
                    && matches!(&*u.operand, Expr::Name(n) if n.id.as_str() == "DEBUG")
                {
                    self.out.asserts_not_debug = true;
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Assign(a) => {
                for t in &a.targets {
                    self.assign(stmt, t, Some(&a.value), false, false);
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(a) => {
                self.assign(stmt, &a.target, a.value.as_deref(), false, true);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AugAssign(a) => {
                self.assign(stmt, &a.target, Some(&a.value), true, false);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    if let Some(target) = &item.optional_vars {
                        self.bind(target, &item.context_expr);
                    }
                }
                // `with redirect_stdout(buf):` — stdout is not the process's stdout.
                let redirects = w.items.iter().any(|item| match &item.context_expr {
                    Expr::Call(c) => value(&c.func, 3)
                        .last_name()
                        .is_some_and(|n| n == "redirect_stdout" || n == "redirect_stderr"),
                    _ => false,
                });
                let saved = self.redirected;
                self.redirected |= redirects;
                visitor::walk_stmt(self, stmt);
                self.redirected = saved;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn assign(
        &mut self,
        stmt: &Stmt,
        target: &'a Expr,
        assigned: Option<&'a Expr>,
        augmented: bool,
        annotated: bool,
    ) {
        let module_level = self.scope == 0;
        if module_level && let Expr::Name(n) = target {
            self.defined.insert(n.id.as_str());
        }
        if let (Some(v), false) = (assigned, augmented) {
            self.bind(target, v);
        }
        let a = Assign {
            span: span(stmt.range()),
            target: value(target, SUMMARY_DEPTH),
            value: assigned.map(|v| value(v, SUMMARY_DEPTH)),
            augmented,
            annotated,
            module_level,
            ctx: self.ctx(),
        };
        self.out.assigns.push(a);
    }

    fn handler(&mut self, h: &'a ast::ExceptHandlerExceptHandler, guards: Option<usize>) {
        let type_ = h.type_.as_deref().map(|t| value(t, SUMMARY_DEPTH));
        let caught = match h.type_.as_deref() {
            None => Vec::new(),
            Some(Expr::Tuple(t)) => t.elts.iter().filter_map(caught).collect(),
            Some(e) => caught(e).into_iter().collect(),
        };
        let start = h.range.start().to_usize();
        let index = self.out.handlers.len();
        self.out.handlers.push(Handler {
            span: span(h.range),
            keyword_span: start..start + "except".len(),
            type_,
            caught,
            name: h.name.as_ref().map(|n| n.id.as_str()),
            trivial: trivial(&h.body),
            raises: Vec::new(),
            guards,
            ctx: self.ctx(),
        });
        if let Some(t) = &h.type_ {
            self.visit_expr(t);
        }
        self.handlers.push(index);
        self.visit_body(&h.body);
        self.handlers.pop();
    }

    fn call(&mut self, c: &'a ast::ExprCall) {
        let mut args = Vec::with_capacity(c.arguments.args.len());
        let mut star_args = false;
        for a in c.arguments.args.iter() {
            star_args |= matches!(a, Expr::Starred(_));
            args.push(value(a, SUMMARY_DEPTH));
        }
        let keywords: Vec<Keyword<'a>> = c
            .arguments
            .keywords
            .iter()
            .map(|k| keyword(k, SUMMARY_DEPTH))
            .collect();
        let star_kwargs = keywords.iter().any(|k| k.name.is_none());
        self.out.calls.push(Call {
            span: span(c.range()),
            func: value(&c.func, SUMMARY_DEPTH),
            args,
            keywords,
            star_args,
            star_kwargs,
            qualified: None,
            receiver_origin: None,
            decorator: self.decorator_at == Some(c.start().to_usize()),
            ctx: self.ctx(),
        });
        self.sites.push(CallSite {
            scope: self.scope,
            method_class: self.method_class,
        });
    }

    /// Resolves names now that every import is known.
    fn finish(self) -> PythonFile<'a> {
        let Walker {
            mut out,
            scopes,
            bindings,
            sites,
            defined,
            ..
        } = self;
        // Local name → qualified name; a later import of a name wins, as in
        // [`PythonFile::imported`].
        let mut imported: FxHashMap<&str, &str> =
            FxHashMap::with_capacity_and_hasher(out.imports.len(), Default::default());
        for i in &out.imports {
            imported.insert(i.local.as_str(), i.qualified.as_str());
        }
        // [`PythonFile::resolve`] through the map.
        let resolve = |v: &Value<'_>| -> Option<String> {
            let base = imported.get(v.head_name()?)?;
            let mut out = base.to_string();
            v.push_attributes(&mut out, false);
            Some(out)
        };
        let qualify = |v: &Value<'a>| -> Option<Cow<'a, str>> {
            if let Some(q) = resolve(v) {
                return Some(Cow::Owned(q));
            }
            match v.shallow() {
                Some(ValueKind::Name(n)) if !defined.contains(n) => Some(Cow::Borrowed(n)),
                _ => None,
            }
        };
        let index = BindingIndex::new(&bindings);
        let mut resolved = Vec::with_capacity(out.calls.len());
        for (call, site) in out.calls.iter().zip(&sites) {
            let qualified = qualify(&call.func);
            let origin = match call.receiver() {
                None => None,
                Some(recv) => match recv.callee() {
                    Some(func) => qualify(&func).map(Cow::into_owned),
                    None => recv.dotted().and_then(|name| {
                        let bound = index.lookup(&scopes, &bindings, site, &name, call.span.start);
                        match bound {
                            Some(b) => qualify(&b.origin).map(Cow::into_owned),
                            None => resolve(&recv),
                        }
                    }),
                },
            };
            resolved.push((qualified, origin));
        }
        let mut caught = Vec::new();
        for h in &out.handlers {
            for (name, _) in &h.caught {
                let (head, rest) = name.split_once('.').unwrap_or((name.as_str(), ""));
                caught.push(imported.get(head).map(|q| {
                    if rest.is_empty() {
                        q.to_string()
                    } else {
                        format!("{q}.{rest}")
                    }
                }));
            }
        }
        drop(imported);
        for (call, (q, o)) in out.calls.iter_mut().zip(resolved) {
            call.qualified = q;
            call.receiver_origin = o;
        }
        let mut caught = caught.into_iter();
        for h in &mut out.handlers {
            for (name, _) in &mut h.caught {
                if let Some(Some(q)) = caught.next() {
                    *name = q;
                }
            }
        }
        out
    }
}

/// The bindings of a file by name, with `self.` or `cls.` taken off (so that `self.x`,
/// `cls.x` and `x` meet), each list in the order of the bindings.
struct BindingIndex<'b> {
    by_key: FxHashMap<&'b str, Vec<usize>>,
}

/// A binding's name without one leading `self.` or `cls.`.
fn binding_key(name: &str) -> &str {
    name.strip_prefix("self.")
        .or_else(|| name.strip_prefix("cls."))
        .unwrap_or(name)
}

impl<'b> BindingIndex<'b> {
    fn new(bindings: &'b [Binding<'_>]) -> Self {
        let mut by_key: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        for (i, b) in bindings.iter().enumerate() {
            by_key.entry(binding_key(&b.name)).or_default().push(i);
        }
        BindingIndex { by_key }
    }

    /// The bindings whose key is `key`, last first.
    fn candidates<'s, 'a>(
        &'s self,
        bindings: &'b [Binding<'a>],
        key: &str,
    ) -> impl Iterator<Item = &'b Binding<'a>> + use<'s, 'b, 'a> {
        self.by_key
            .get(key)
            .into_iter()
            .flat_map(|v| v.iter().rev())
            .map(move |&i| &bindings[i])
    }

    /// [`lookup_with`] through the index: only the bindings of the name's key.
    fn lookup<'a>(
        &self,
        scopes: &[Scope],
        bindings: &'b [Binding<'a>],
        site: &CallSite,
        name: &str,
        offset: usize,
    ) -> Option<&'b Binding<'a>> {
        let attr = site.method_class.and(
            name.strip_prefix("self.")
                .or_else(|| name.strip_prefix("cls.")),
        );
        if attr.is_some_and(|a| binding_key(a) != a) {
            // `self.self.x`: a name the index keys differently; every binding is a
            // candidate.
            return lookup_with(scopes, site, name, offset, |_| bindings.iter().rev());
        }
        lookup_with(scopes, site, name, offset, |key| {
            self.candidates(bindings, key)
        })
    }
}

/// The binding of `name` visible at a call, among `candidates(key)` (the bindings that
/// may match a key, last first): in the call's scope before the call, else in the
/// enclosing function and module scopes; `self.x` in the method's class.
fn lookup_with<'b, 'a: 'b, I: Iterator<Item = &'b Binding<'a>>>(
    scopes: &[Scope],
    site: &CallSite,
    name: &str,
    offset: usize,
    candidates: impl Fn(&str) -> I,
) -> Option<&'b Binding<'a>> {
    if let (Some(class), Some(attr)) = (
        site.method_class,
        name.strip_prefix("self.")
            .or_else(|| name.strip_prefix("cls.")),
    ) {
        return candidates(attr).find(|b| {
            b.scope == class
                && (b.name == name
                    || b.name == attr
                    || b.name.strip_prefix("cls.") == Some(attr)
                    || b.name.strip_prefix("self.") == Some(attr))
        });
    }
    let key = binding_key(name);
    if let Some(b) =
        candidates(key).find(|b| b.scope == site.scope && b.name == name && b.offset < offset)
    {
        return Some(b);
    }
    let mut scope = scopes.get(site.scope).and_then(|s| s.parent);
    while let Some(s) = scope {
        if scopes[s].kind != ScopeKind::Class
            && let Some(b) = candidates(key).find(|b| b.scope == s && b.name == name)
        {
            return Some(b);
        }
        scope = scopes[s].parent;
    }
    None
}

impl<'a> Visitor<'a> for Walker<'a> {
    fn visit_decorator(&mut self, decorator: &'a ast::Decorator) {
        let saved = self.decorator_at;
        self.decorator_at = Some(decorator.expression.start().to_usize());
        visitor::walk_decorator(self, decorator);
        self.decorator_at = saved;
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !self.enter(stmt.start().to_usize()) {
            return;
        }
        let is_if = matches!(stmt, Stmt::If(_));
        self.if_depth += usize::from(is_if);
        stacker::maybe_grow(RED_ZONE, SEGMENT, || self.stmt(stmt));
        self.if_depth -= usize::from(is_if);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !self.enter(expr.start().to_usize()) {
            return;
        }
        stacker::maybe_grow(RED_ZONE, SEGMENT, || {
            if let Expr::Call(c) = expr {
                self.call(c);
            }
            // `ssl._create_unverified_context() if allow_insecure else None`: as the
            // statement `if allow_insecure:`, both branches follow the setting.
            if let Expr::If(i) = expr
                && !self.in_verify_guard
                && mentions(&i.test, &is_verify_setting, 0)
            {
                self.in_verify_guard = true;
                visitor::walk_expr(self, expr);
                self.in_verify_guard = false;
            } else {
                visitor::walk_expr(self, expr);
            }
        });
        self.depth -= 1;
    }
}

fn is_main_test(test: &Expr) -> bool {
    // `... and __name__ == "__main__"` guards the block just as well.
    if let Expr::BoolOp(b) = test
        && b.op == ast::BoolOp::And
    {
        return b.values.iter().any(is_main_test);
    }
    let Expr::Compare(c) = test else { return false };
    if c.ops.len() != 1 || c.ops[0] != ast::CmpOp::Eq {
        return false;
    }
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    let right = &c.comparators[0];
    (is_name(&c.left) && is_main(right)) || (is_main(&c.left) && is_name(right))
}

/// Whether an `if` test is about a debug switch: a name, attribute or string that says
/// `debug` (`settings.DEBUG`, `app.debug`, `os.environ.get("FLASK_DEBUG")`).
fn mentions_debug(e: &Expr, depth: usize) -> bool {
    // No lower-cased copy of each name: a window compared without case. A development
    // mode counts too (`if args.dev:`, `if settings.DEVELOPMENT:`), as a whole word of
    // the name (`devices` is not one).
    mentions(
        e,
        &|s| {
            s.as_bytes()
                .windows(5)
                .any(|w| w.eq_ignore_ascii_case(b"debug"))
                || s.split('_').any(|w| {
                    ["dev", "devel", "develop", "development", "devmode"]
                        .iter()
                        .any(|d| w.eq_ignore_ascii_case(d))
                })
        },
        depth,
    )
}

/// A name for a TLS-verification setting: `verify_ssl`, `verify_certificate`,
/// `insecure`, `accept_invalid_certs`, `skip_tls_verify`, `check_hostname`,
/// `disable_tls_validation`, `skip_tls_check`. A setting
/// about the client's own certificate (`verify_client_certificate`, mutual TLS) is not
/// one: it says nothing about checking the server.
pub fn is_verify_setting(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n.contains("client_cert") {
        return false;
    }
    n.contains("verif")
        || n.contains("insecure")
        || n.contains("invalid_cert")
        || n.contains("invalid_host")
        || n.contains("check_hostname")
        || n.contains("validate_cert")
        || n.contains("check_cert")
        || n.contains("tls_validation")
        || n.contains("ssl_validation")
        || n.contains("cert_validation")
        || n.contains("self_signed")
        || n.contains("tls_check")
        || n.contains("ssl_check")
}

/// For an `if` test that is a setting turning TLS on (`use_ssl`, `config.tls_enabled`,
/// `settings.ENABLE_HTTPS`), `Some(false)`; for its negation (`not use_tls`),
/// `Some(true)`; otherwise `None`.
fn tls_switch(test: &Expr) -> Option<bool> {
    const SWITCHES: [&str; 9] = [
        "use_ssl",
        "use_tls",
        "use_https",
        "enable_ssl",
        "enable_tls",
        "enable_https",
        "ssl_enabled",
        "tls_enabled",
        "https_enabled",
    ];
    // The name, or its last word after `_` (`gateway_use_ssl`), in any case.
    let is_switch = |e: &Expr| {
        let n = match e {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return false,
        };
        let n = n.trim_start_matches('_').as_bytes();
        SWITCHES.iter().any(|s| {
            let s = s.as_bytes();
            n.len() >= s.len()
                && n[n.len() - s.len()..].eq_ignore_ascii_case(s)
                && (n.len() == s.len() || n[n.len() - s.len() - 1] == b'_')
        })
    };
    match test {
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => is_switch(&u.operand).then_some(true),
        e => is_switch(e).then_some(false),
    }
}

/// Whether a name, attribute or string in `e` (through boolean operators, comparisons,
/// calls, subscripts and lists) satisfies `says`.
fn mentions(e: &Expr, says: &dyn Fn(&str) -> bool, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let m = |v: &Expr| mentions(v, says, depth + 1);
    match e {
        Expr::Name(n) => says(n.id.as_str()),
        Expr::Attribute(a) => says(a.attr.as_str()) || m(&a.value),
        Expr::StringLiteral(s) => says(s.value.to_str()),
        Expr::BoolOp(b) => b.values.iter().any(m),
        Expr::UnaryOp(u) => m(&u.operand),
        Expr::Compare(c) => m(&c.left) || c.comparators.iter().any(m),
        Expr::Call(c) => m(&c.func) || c.arguments.args.iter().any(m),
        Expr::Subscript(s) => m(&s.value) || m(&s.slice),
        Expr::List(l) => l.elts.iter().any(m),
        Expr::Tuple(t) => t.elts.iter().any(m),
        _ => false,
    }
}

fn trivial(body: &[Stmt]) -> Option<Trivial> {
    let mut kind = None;
    for s in body {
        let k = match s {
            Stmt::Pass(_) => Trivial::Pass,
            Stmt::Continue(_) => Trivial::Continue,
            Stmt::Expr(e) if matches!(*e.value, Expr::EllipsisLiteral(_)) => Trivial::Ellipsis,
            _ => return None,
        };
        kind.get_or_insert(k);
    }
    kind
}

fn caught(e: &Expr) -> Option<(String, Span)> {
    value(e, 4).dotted().map(|d| (d, span(e.range())))
}

fn keyword(k: &ast::Keyword, depth: u8) -> Keyword<'_> {
    Keyword {
        name: k.arg.as_ref().map(|a| a.id.as_str()),
        value: value(&k.value, depth),
        span: span(k.range),
    }
}

/// `e`, to be summarised `depth` levels deep when read.
fn value(e: &Expr, depth: u8) -> Value<'_> {
    Value { expr: e, depth }
}

fn values(items: &[Expr], depth: u8) -> Vec<Value<'_>> {
    items
        .iter()
        .take(SUMMARY_WIDTH)
        .map(|e| value(e, depth))
        .collect()
}

impl<'a> Value<'a> {
    pub fn span(&self) -> Span {
        span(self.expr.range())
    }

    /// Whether this is a string: a literal or an f-string.
    pub fn is_stringy(&self) -> bool {
        self.depth > 0 && matches!(self.expr, Expr::StringLiteral(_) | Expr::FString(_))
    }

    /// [`Value::kind`] for the kinds whose summary holds no list (a name, an attribute,
    /// a constant, …), without making the lists of the others: `None` for a call, an
    /// f-string, a dict, a list, a tuple or a set. The accessors that look for a name,
    /// an attribute or a constant read this; they run on every call of a file.
    pub(super) fn shallow(&self) -> Option<ValueKind<'a>> {
        if self.depth == 0 {
            return Some(ValueKind::Deep);
        }
        let d = self.depth - 1;
        Some(match self.expr {
            Expr::NoneLiteral(_) => ValueKind::None,
            Expr::BooleanLiteral(b) => ValueKind::Bool(b.value),
            Expr::NumberLiteral(_) => ValueKind::Number,
            Expr::StringLiteral(st) => ValueKind::Str(st.value.to_str()),
            Expr::BytesLiteral(_) => ValueKind::Bytes,
            Expr::Name(n) => ValueKind::Name(n.id.as_str()),
            Expr::Attribute(a) => ValueKind::Attribute(value(&a.value, d), a.attr.id.as_str()),
            Expr::Subscript(sub) => {
                ValueKind::Subscript(value(&sub.value, d), value(&sub.slice, d))
            }
            Expr::Slice(_) => ValueKind::Slice,
            Expr::BinOp(b) => {
                let op = match b.op {
                    ast::Operator::Add => BinOp::Add,
                    ast::Operator::Mod => BinOp::Mod,
                    _ => BinOp::Other,
                };
                ValueKind::BinOp(op, value(&b.left, d), value(&b.right, d))
            }
            Expr::Starred(st) => ValueKind::Starred(value(&st.value, d)),
            // `a == b` (one equality): what settings compare an environment variable with.
            Expr::Compare(c) if c.ops.len() == 1 && c.ops[0] == ast::CmpOp::Eq => {
                ValueKind::Equals(value(&c.left, d), value(&c.comparators[0], d))
            }
            Expr::Call(_)
            | Expr::FString(_)
            | Expr::Dict(_)
            | Expr::List(_)
            | Expr::Tuple(_)
            | Expr::Set(_) => return None,
            _ => ValueKind::Other,
        })
    }

    /// The name, for a name: [`ValueKind::Name`] without the summary.
    #[inline]
    pub(super) fn as_name(&self) -> Option<&'a str> {
        match self.expr {
            Expr::Name(n) if self.depth > 0 => Some(n.id.as_str()),
            _ => None,
        }
    }

    /// The object and the attribute's name, for `x.attr`: [`ValueKind::Attribute`]
    /// without the summary.
    #[inline]
    pub(super) fn as_attribute(&self) -> Option<(Value<'a>, &'a str)> {
        match self.expr {
            Expr::Attribute(a) if self.depth > 0 => {
                Some((value(&a.value, self.depth - 1), a.attr.id.as_str()))
            }
            _ => None,
        }
    }

    /// The text of a string literal: [`ValueKind::Str`] without the summary.
    #[inline]
    pub fn as_str(&self) -> Option<&'a str> {
        match self.expr {
            Expr::StringLiteral(st) if self.depth > 0 => Some(st.value.to_str()),
            _ => None,
        }
    }

    /// Whether this is a dict display (`{...}`), without summarising it.
    pub fn is_dict(&self) -> bool {
        self.depth > 0 && matches!(self.expr, Expr::Dict(_))
    }

    /// The callee of a call, as [`Value::kind`] has it, without the call's arguments.
    fn callee(&self) -> Option<Value<'a>> {
        match self.expr {
            Expr::Call(c) if self.depth > 0 => Some(value(&c.func, self.depth - 1)),
            _ => None,
        }
    }

    /// The expression's top level, its parts one level less deep.
    pub fn kind(&self) -> ValueKind<'a> {
        if let Some(leaf) = self.shallow() {
            return leaf;
        }
        let d = self.depth - 1;
        match self.expr {
            Expr::FString(f) => ValueKind::FString(
                f.value
                    .iter()
                    .filter_map(|part| match part {
                        ast::FStringPart::FString(fs) => Some(fs.elements.iter()),
                        ast::FStringPart::Literal(_) => None,
                    })
                    .flatten()
                    .filter_map(|el| match el {
                        ast::InterpolatedStringElement::Interpolation(i) => {
                            Some(value(&i.expression, d))
                        }
                        ast::InterpolatedStringElement::Literal(_) => None,
                    })
                    .take(SUMMARY_WIDTH)
                    .collect(),
            ),
            Expr::Call(c) => ValueKind::Call(CallValue {
                func: value(&c.func, d),
                args: values(&c.arguments.args, d),
                keywords: c
                    .arguments
                    .keywords
                    .iter()
                    .take(SUMMARY_WIDTH)
                    .map(|k| keyword(k, d))
                    .collect(),
            }),
            Expr::Dict(dict) => ValueKind::Dict(
                dict.items
                    .iter()
                    .take(SUMMARY_WIDTH)
                    .map(|i| (i.key.as_ref().map(|k| value(k, d)), value(&i.value, d)))
                    .collect(),
            ),
            Expr::List(l) => ValueKind::List(values(&l.elts, d)),
            Expr::Tuple(t) => ValueKind::Tuple(values(&t.elts, d)),
            Expr::Set(st) => ValueKind::Set(values(&st.elts, d)),
            _ => ValueKind::Other,
        }
    }
}
