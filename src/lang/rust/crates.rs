//! Crates and the roles of their files, for the repository-level Rust rules.
//!
//! Each Rust file records [`SourceFacts`] (its `mod` declarations, print macros, public
//! items and whether they are documented); each `Cargo.toml` records its
//! [`CargoManifest`]. [`CrateModel::build`] puts them together: a file belongs to the
//! crate of its nearest `Cargo.toml` that declares a package, and its roles come from
//! the crate targets that reach it through `mod` declarations — the library
//! (`src/lib.rs` or `[lib] path`), binaries (`src/main.rs`, `src/bin/`, `[[bin]]`),
//! the build script, examples, tests and benchmarks. A `#[cfg(test)] mod x;` makes `x`
//! test code. A file no target reaches is judged by its path.

use super::cargo::CargoManifest;
use super::walk::{
    ALLOW_DBG, ALLOW_PRINT_STDERR, ALLOW_PRINT_STDOUT, attrs_of, clippy_allows, is_test_attr,
};
use super::{Node, RustFile, Scope};
use crate::source::Span;

/// What a Rust file or manifest contributes to the repository index.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum RustFacts {
    Source(SourceFacts),
    /// Never cached (see `cache`): a manifest is cheap to parse again.
    #[serde(skip)]
    Manifest(CargoManifest),
}

/// A `mod name;` declaration (a module in another file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModDecl {
    /// Inline modules (`mod a { ... }`) it sits in, outermost first.
    pub parents: Vec<String>,
    pub name: String,
    /// `#[path = "..."]`.
    pub path_attr: Option<String>,
    /// `pub mod` (and every inline parent is `pub`).
    pub public: bool,
    /// Under `#[cfg(test)]` or in a test module.
    pub test: bool,
    /// Has an outer doc comment.
    pub documented: bool,
    /// Clippy print lints allowed on the declaration (or around it).
    pub clippy_allow: u8,
    pub span: Span,
}

/// A `println!`, `print!`, `eprintln!`, `eprint!` or `dbg!`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrintSite {
    pub name: String,
    pub span: Span,
    /// Inside test code of the file (`#[cfg(test)]`, `#[test]`).
    pub in_test: bool,
    /// The matching clippy lint (`print_stdout`, `print_stderr`, `dbg_macro`) is
    /// allowed where it stands.
    pub clippy_allowed: bool,
}

/// A public item (`pub` all the way up its inline modules) outside test code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PubItem {
    pub span: Span,
    pub documented: bool,
}

/// Facts of one Rust source file.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SourceFacts {
    pub mods: Vec<ModDecl>,
    pub prints: Vec<PrintSite>,
    pub pub_items: Vec<PubItem>,
    /// Has an inner doc comment (`//!`): the module documents itself.
    pub inner_doc: bool,
    /// Defines a `clap` command (`#[derive(Parser | Subcommand | Args)]`): a command
    /// line module, whose job is terminal output.
    pub cli: bool,
}

/// The clippy bit that allows the print macro `name`.
pub fn allow_bit(name: &str) -> u8 {
    match name {
        "println" | "print" => ALLOW_PRINT_STDOUT,
        "eprintln" | "eprint" => ALLOW_PRINT_STDERR,
        _ => ALLOW_DBG,
    }
}

fn is_clap_derive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.clone().into_iter().any(|t| {
                matches!(&t, proc_macro2::TokenTree::Ident(i) if i == "Parser" || i == "Subcommand" || i == "Args")
            }))
    })
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("doc") && !is_doc_hidden(a))
}

fn is_doc_hidden(a: &syn::Attribute) -> bool {
    a.path().is_ident("doc")
        && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("hidden"))
}

fn is_pub(v: &syn::Visibility) -> bool {
    matches!(v, syn::Visibility::Public(_))
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Builds a file's [`SourceFacts`]: items at once, print macros and `clap` commands
/// from the nodes of the file's one walk.
pub struct FactsBuilder<'f, 's> {
    file: &'f RustFile<'s>,
    uses_clap: bool,
    file_allow: u8,
    facts: SourceFacts,
}

impl<'f, 's> FactsBuilder<'f, 's> {
    pub fn new(file: &'f RustFile<'s>) -> FactsBuilder<'f, 's> {
        let uses_clap = file.imports.aliases.values().any(|v| v.starts_with("clap"))
            || file.imports.globs.iter().any(|g| g.starts_with("clap"));
        let mut facts = SourceFacts {
            inner_doc: has_doc(&file.ast.attrs),
            ..SourceFacts::default()
        };
        items(
            file,
            &file.ast.items,
            &mut Vec::new(),
            true,
            false,
            &mut facts,
        );
        FactsBuilder {
            file,
            uses_clap,
            file_allow: clippy_allows(&file.ast.attrs),
            facts,
        }
    }

    /// One node of the file's walk.
    pub fn node(&mut self, node: Node<'_>, scope: &Scope<'_>) {
        match node {
            Node::Item(
                syn::Item::Struct(syn::ItemStruct { attrs, .. })
                | syn::Item::Enum(syn::ItemEnum { attrs, .. }),
            ) => {
                self.facts.cli |= self.uses_clap && is_clap_derive(attrs);
            }
            Node::Macro(m) => {
                let Some(last) = m.path.segments.last() else {
                    return;
                };
                let name = &last.ident;
                if name == "println"
                    || name == "print"
                    || name == "eprintln"
                    || name == "eprint"
                    || name == "dbg"
                {
                    let name = name.to_string();
                    let bit = allow_bit(&name);
                    self.facts.prints.push(PrintSite {
                        name,
                        span: self.file.span_between(&m.path, &m.bang_token),
                        in_test: scope.in_test,
                        clippy_allowed: (scope.clippy_allow | self.file_allow) & bit != 0,
                    });
                }
            }
            _ => {}
        }
    }

    pub fn finish(self) -> SourceFacts {
        self.facts
    }
}

fn items(
    file: &RustFile<'_>,
    list: &[syn::Item],
    parents: &mut Vec<String>,
    visible: bool,
    test: bool,
    facts: &mut SourceFacts,
) {
    for item in list {
        let attrs = attrs_of(item);
        let test = test || is_test_attr(attrs);
        let hidden = attrs.iter().any(is_doc_hidden);
        let documented = has_doc(attrs);
        let public_item = |vis: &syn::Visibility, ident: &syn::Ident, facts: &mut SourceFacts| {
            if visible && !test && is_pub(vis) {
                facts.pub_items.push(PubItem {
                    span: file.span(ident),
                    documented,
                });
            }
        };
        if hidden && !matches!(item, syn::Item::Mod(_)) {
            continue;
        }
        match item {
            syn::Item::Mod(m) => match &m.content {
                None => facts.mods.push(ModDecl {
                    parents: parents.clone(),
                    name: m.ident.to_string(),
                    path_attr: path_attr(&m.attrs),
                    public: visible && is_pub(&m.vis) && !hidden,
                    test,
                    documented,
                    clippy_allow: clippy_allows(&m.attrs),
                    span: file.span(&m.ident),
                }),
                Some(_) if hidden => {}
                Some((_, inner)) => {
                    public_item(&m.vis, &m.ident, facts);
                    parents.push(m.ident.to_string());
                    items(file, inner, parents, visible && is_pub(&m.vis), test, facts);
                    parents.pop();
                }
            },
            syn::Item::Fn(f) => public_item(&f.vis, &f.sig.ident, facts),
            syn::Item::Struct(s) => public_item(&s.vis, &s.ident, facts),
            syn::Item::Enum(e) => public_item(&e.vis, &e.ident, facts),
            syn::Item::Union(u) => public_item(&u.vis, &u.ident, facts),
            syn::Item::Type(t) => public_item(&t.vis, &t.ident, facts),
            syn::Item::Const(c) => public_item(&c.vis, &c.ident, facts),
            syn::Item::Static(s) => public_item(&s.vis, &s.ident, facts),
            syn::Item::Trait(t) => {
                public_item(&t.vis, &t.ident, facts);
                if visible && !test && is_pub(&t.vis) {
                    for ti in &t.items {
                        if let syn::TraitItem::Fn(f) = ti
                            && !f.attrs.iter().any(is_doc_hidden)
                        {
                            facts.pub_items.push(PubItem {
                                span: file.span(&f.sig.ident),
                                documented: has_doc(&f.attrs),
                            });
                        }
                    }
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() && visible && !test => {
                for ii in &i.items {
                    if let syn::ImplItem::Fn(f) = ii
                        && is_pub(&f.vis)
                        && !f.attrs.iter().any(is_doc_hidden)
                    {
                        facts.pub_items.push(PubItem {
                            span: file.span(&f.sig.ident),
                            documented: has_doc(&f.attrs),
                        });
                    }
                }
            }
            syn::Item::Macro(m) if visible && !test => {
                let exported = m.attrs.iter().any(|a| a.path().is_ident("macro_export"));
                if let (true, Some(ident)) = (exported, &m.ident) {
                    facts.pub_items.push(PubItem {
                        span: file.span(ident),
                        documented,
                    });
                }
            }
            _ => {}
        }
    }
}
