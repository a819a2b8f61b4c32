//! One walk over a Rust file: every expression, statement, match arm, item and macro,
//! with the scope it sits in (test code or not, the enclosing function body). Macro
//! bodies that parse as comma-separated expressions (`println!`, `assert!`, `vec!`) or
//! as statements are walked too, since that is where much real code lives.

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

use super::RustFile;

/// A node the walk visits.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    Expr(&'a syn::Expr),
    Stmt(&'a syn::Stmt),
    Arm(&'a syn::Arm),
    Item(&'a syn::Item),
    Macro(&'a syn::Macro),
}

/// Where a node sits.
#[derive(Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Inside `#[cfg(test)]`, `#[test]` (and `#[tokio::test]`, `#[rstest]`...) items.
    pub in_test: bool,
    /// Clippy print lints allowed here ([`ALLOW_PRINT_STDOUT`] and friends), by
    /// `#[allow(..)]`/`#[expect(..)]` on an enclosing item or `#![allow(..)]` in the file.
    pub clippy_allow: u8,
    /// The body of the enclosing function, if any.
    pub fn_body: Option<&'a syn::Block>,
}

/// `clippy::print_stdout` is allowed.
pub const ALLOW_PRINT_STDOUT: u8 = 1;
/// `clippy::print_stderr` is allowed.
pub const ALLOW_PRINT_STDERR: u8 = 2;
/// `clippy::dbg_macro` is allowed.
pub const ALLOW_DBG: u8 = 4;

/// The clippy print lints that `#[allow]`/`#[expect]` attributes switch off.
pub fn clippy_allows(attrs: &[syn::Attribute]) -> u8 {
    let mut bits = 0;
    for a in attrs {
        let p = a.path();
        if !(p.is_ident("allow") || p.is_ident("expect")) {
            continue;
        }
        let syn::Meta::List(list) = &a.meta else {
            continue;
        };
        let text = list.tokens.to_string().replace(' ', "");
        for (lint, bit) in [
            ("clippy::print_stdout", ALLOW_PRINT_STDOUT),
            ("clippy::print_stderr", ALLOW_PRINT_STDERR),
            ("clippy::dbg_macro", ALLOW_DBG),
        ] {
            if text.contains(lint) {
                bits |= bit;
            }
        }
    }
    bits
}

/// Macros whose bodies are code templates, not code that runs here.
const TEMPLATE_MACROS: &[&str] = &[
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "macro_rules",
];

/// The last segment of a macro's path: `panic` for `std::panic!(..)`.
pub fn macro_name(m: &syn::Macro) -> String {
    m.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// How deeply macro bodies inside macro bodies are walked.
const MAX_MACRO_NESTING: usize = 8;

pub(super) fn walk(file: &RustFile<'_>, f: &mut dyn FnMut(Node<'_>, &Scope<'_>)) {
    let mut w = Walker {
        cb: f,
        scope: Scope {
            clippy_allow: clippy_allows(&file.ast.attrs),
            ..Scope::default()
        },
        macro_depth: 0,
    };
    w.visit_file(&file.ast);
}

struct Walker<'a, 'f> {
    cb: &'f mut dyn FnMut(Node<'_>, &Scope<'_>),
    scope: Scope<'a>,
    macro_depth: usize,
}

/// Whether attributes mark test-only code: `#[test]`-like attributes, or a `cfg` that
/// needs `test` or a feature named for tests (`feature = "e2e_tests"`,
/// `feature = "test-utils"`), and does not negate it.
pub fn is_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        let last = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if matches!(
            last.as_str(),
            "test" | "bench" | "rstest" | "test_case" | "quickcheck" | "proptest"
        ) {
            return true;
        }
        if path.is_ident("cfg")
            && let syn::Meta::List(list) = &a.meta
        {
            return cfg_needs_test(&list.tokens);
        }
        false
    })
}

fn cfg_needs_test(tokens: &proc_macro2::TokenStream) -> bool {
    let mut prev_not = false;
    // How far into `feature = "…"`: 1 after `feature`, 2 after its `=`.
    let mut feature = 0;
    for t in tokens.clone() {
        match t {
            proc_macro2::TokenTree::Ident(i) if i == "test" => return true,
            proc_macro2::TokenTree::Ident(i) => {
                prev_not = i == "not";
                feature = usize::from(i == "feature");
            }
            proc_macro2::TokenTree::Punct(p) if feature == 1 && p.as_char() == '=' => feature = 2,
            proc_macro2::TokenTree::Literal(l) if feature == 2 => {
                feature = 0;
                let name = l.to_string().trim_matches('"').to_ascii_lowercase();
                if name
                    .split(['-', '_'])
                    .any(|w| w.starts_with("test") || w == "e2e")
                {
                    return true;
                }
            }
            proc_macro2::TokenTree::Group(g) => {
                if !prev_not && cfg_needs_test(&g.stream()) {
                    return true;
                }
                prev_not = false;
            }
            proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Literal(_) => feature = 0,
        }
    }
    false
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The outer attributes of a statement: of a `let`, an item, a macro, or the
/// expression it is made of (for the kinds of expression that start a statement).
fn stmt_attrs(s: &syn::Stmt) -> &[syn::Attribute] {
    match s {
        syn::Stmt::Local(l) => &l.attrs,
        syn::Stmt::Item(i) => item_attrs(i),
        syn::Stmt::Macro(m) => &m.attrs,
        syn::Stmt::Expr(e, _) => match e {
            syn::Expr::If(x) => &x.attrs,
            syn::Expr::Block(x) => &x.attrs,
            syn::Expr::Match(x) => &x.attrs,
            syn::Expr::Unsafe(x) => &x.attrs,
            syn::Expr::Call(x) => &x.attrs,
            syn::Expr::MethodCall(x) => &x.attrs,
            syn::Expr::Assign(x) => &x.attrs,
            syn::Expr::ForLoop(x) => &x.attrs,
            syn::Expr::While(x) => &x.attrs,
            syn::Expr::Loop(x) => &x.attrs,
            _ => &[],
        },
    }
}

pub fn attrs_of(item: &syn::Item) -> &[syn::Attribute] {
    item_attrs(item)
}

impl<'a> Visit<'a> for Walker<'a, '_> {
    fn visit_item(&mut self, i: &'a syn::Item) {
        let saved = self.scope;
        self.scope.in_test |= is_test_attr(item_attrs(i));
        self.scope.clippy_allow |= clippy_allows(item_attrs(i));
        (self.cb)(Node::Item(i), &self.scope);
        if let syn::Item::Fn(f) = i {
            self.scope.fn_body = Some(&f.block);
        }
        visit::visit_item(self, i);
        self.scope = saved;
    }

    fn visit_impl_item_fn(&mut self, i: &'a syn::ImplItemFn) {
        let saved = self.scope;
        self.scope.in_test |= is_test_attr(&i.attrs);
        self.scope.clippy_allow |= clippy_allows(&i.attrs);
        self.scope.fn_body = Some(&i.block);
        visit::visit_impl_item_fn(self, i);
        self.scope = saved;
    }

    fn visit_trait_item_fn(&mut self, i: &'a syn::TraitItemFn) {
        let saved = self.scope;
        self.scope.in_test |= is_test_attr(&i.attrs);
        if let Some(b) = &i.default {
            self.scope.fn_body = Some(b);
        }
        visit::visit_trait_item_fn(self, i);
        self.scope = saved;
    }

    fn visit_expr(&mut self, e: &'a syn::Expr) {
        (self.cb)(Node::Expr(e), &self.scope);
        visit::visit_expr(self, e);
    }

    fn visit_stmt(&mut self, s: &'a syn::Stmt) {
        // A statement built only for tests (`#[cfg(feature = "e2e_tests")] if …`).
        let saved = self.scope;
        self.scope.in_test |= is_test_attr(stmt_attrs(s));
        (self.cb)(Node::Stmt(s), &self.scope);
        visit::visit_stmt(self, s);
        self.scope = saved;
    }

    fn visit_arm(&mut self, a: &'a syn::Arm) {
        (self.cb)(Node::Arm(a), &self.scope);
        visit::visit_arm(self, a);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        (self.cb)(Node::Macro(m), &self.scope);
        let name = macro_name(m);
        if self.macro_depth >= MAX_MACRO_NESTING || TEMPLATE_MACROS.contains(&name.as_str()) {
            return;
        }
        let exprs = m.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated);
        let mut inner = Walker {
            cb: &mut *self.cb,
            scope: Scope {
                in_test: self.scope.in_test,
                clippy_allow: self.scope.clippy_allow,
                fn_body: None,
            },
            macro_depth: self.macro_depth + 1,
        };
        // The enclosing body stays known only while it outlives the macro's own nodes.
        inner.scope.fn_body = None;
        match exprs {
            Ok(list) => {
                for e in &list {
                    inner.visit_expr(e);
                }
            }
            Err(_) => {
                if let Ok(stmts) = m.parse_body_with(syn::Block::parse_within) {
                    for s in &stmts {
                        inner.visit_stmt(s);
                    }
                }
            }
        }
    }
}
