//! Rust rules (EXC101–EXC103, NET003, RUN002, LOG101, DOC003), and the helpers they
//! share: method-call chains, empty bodies, and where a local variable got its value.

pub mod catch_unwind;
pub mod low_rustdoc_coverage;
pub mod no_graceful_shutdown;
pub mod panic_in_request_handler;
pub mod print_macro_in_library;
pub mod rust_client_without_timeout;
pub mod swallowed_error;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// A receiver chain `root.a(..).b(..)?.c(..)`: its method calls, outermost first, and
/// the expression it starts from.
pub struct Chain<'a> {
    pub methods: Vec<&'a syn::ExprMethodCall>,
    pub root: &'a syn::Expr,
}

impl Chain<'_> {
    pub fn has_method(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.methods.iter().any(|m| pred(&m.method.to_string()))
    }
}

/// Follows `expr` down through method calls, `?`, `.await` and parentheses.
pub fn chain(mut expr: &syn::Expr) -> Chain<'_> {
    let mut methods = Vec::new();
    loop {
        match expr {
            syn::Expr::MethodCall(m) => {
                methods.push(m);
                expr = &m.receiver;
            }
            syn::Expr::Try(t) => expr = &t.expr,
            syn::Expr::Await(a) => expr = &a.base,
            syn::Expr::Paren(p) => expr = &p.expr,
            _ => break,
        }
    }
    Chain {
        methods,
        root: expr,
    }
}

/// The path of a plain function call `a::b(..)`.
pub fn call_path(e: &syn::Expr) -> Option<&syn::Path> {
    match e {
        syn::Expr::Call(c) => match &*c.func {
            syn::Expr::Path(p) if p.qself.is_none() => Some(&p.path),
            _ => None,
        },
        _ => None,
    }
}

/// `{}` or `()`.
pub fn is_empty_body(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Block(b) => b.block.stmts.is_empty() && b.label.is_none(),
        syn::Expr::Tuple(t) => t.elems.is_empty(),
        _ => false,
    }
}

/// Whether `tokens` (macro bodies included) contain the identifier `name`.
pub fn mentions_ident(tokens: TokenStream, name: &str) -> bool {
    let mut stack = vec![tokens];
    while let Some(ts) = stack.pop() {
        for t in ts {
            match t {
                TokenTree::Ident(i) if i == name => return true,
                TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
    false
}

/// A single-identifier path expression: a local variable, probably.
pub fn as_local(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            p.path.get_ident().map(ToString::to_string)
        }
        _ => None,
    }
}

/// What a function body does with local variable `name`: the expressions it is
/// initialised or assigned from (`let name = e`, `name = e`), and the method calls
/// made on it in statements of their own (`name.timeout(t);`).
#[derive(Default)]
pub struct LocalUses<'a> {
    pub values: Vec<&'a syn::Expr>,
    pub calls: Vec<&'a syn::ExprMethodCall>,
}

pub fn local_uses<'a>(body: &'a syn::Block, name: &str) -> LocalUses<'a> {
    struct V<'a, 'n> {
        name: &'n str,
        out: LocalUses<'a>,
    }
    fn pat_is(p: &syn::Pat, name: &str) -> bool {
        match p {
            syn::Pat::Ident(i) => i.ident == name,
            syn::Pat::Type(t) => pat_is(&t.pat, name),
            _ => false,
        }
    }
    impl<'a> Visit<'a> for V<'a, '_> {
        fn visit_local(&mut self, l: &'a syn::Local) {
            if pat_is(&l.pat, self.name)
                && let Some(init) = &l.init
            {
                self.out.values.push(&init.expr);
            }
            visit::visit_local(self, l);
        }
        fn visit_expr_assign(&mut self, a: &'a syn::ExprAssign) {
            if as_local(&a.left).as_deref() == Some(self.name) {
                self.out.values.push(&a.right);
            }
            visit::visit_expr_assign(self, a);
        }
        fn visit_stmt(&mut self, s: &'a syn::Stmt) {
            if let syn::Stmt::Expr(e @ syn::Expr::MethodCall(_), Some(_)) = s {
                let c = chain(e);
                if as_local(c.root).as_deref() == Some(self.name) {
                    self.out.calls.extend(c.methods);
                }
            }
            visit::visit_stmt(self, s);
        }
    }
    let mut v = V {
        name,
        out: LocalUses::default(),
    };
    v.visit_block(body);
    v.out
}
