//! The Rust front end, over `syn` (with `proc-macro2`'s span locations for byte spans).
//!
//! It owns: parsing a file once, on a thread with a large stack and only after the
//! lexer has bounded its nesting (syn and its visitor recurse, so a file of 100,000
//! nested parentheses must become a parse error, not a stack overflow); the comments
//! syn drops (for suppressions); how `use` declarations alias paths; the roles of a file
//! and of the code inside it (tests, examples, binaries, build scripts); one walk over
//! every expression, statement, match arm and macro, macro bodies included where they
//! parse as expressions or statements; and the facts a file contributes to the
//! repository index (module declarations, print macros, public items and their docs).
//!
//! Rules read `syn` nodes through [`RustFile::walk`] and turn them into byte spans with
//! [`RustFile::span`].

pub mod cargo;
pub mod crates;
pub mod lexer;
pub mod service;
mod walk;

use std::collections::BTreeMap;

use proc_macro2::Span as PmSpan;
pub use syn;
use syn::spanned::Spanned;

use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, Span};
use crate::suppress::Comment;
pub use lexer::RawComment;
pub use walk::{Node, Scope, is_test_attr, macro_name};

/// Deepest bracket nesting a file may have before it is reported instead of parsed.
pub const MAX_DEPTH: usize = 1_000;
/// Longest run of prefix operators (`!!!!x`, `&&&&x`) accepted.
pub const MAX_PREFIX_RUN: usize = 1_000;
/// Longest chain of operators, `.`, `?` and `else` in one expression accepted.
pub const MAX_CHAIN: usize = 20_000;
/// Stack of the thread that parses and checks one file.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// What a file is, judged by its path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathRole {
    /// Under `tests/`, `benches/`, `testing/`, `test_*/`, `*-tests/` and the like, or
    /// a module named `tests`, `test`, `test_*`, `*_tests`, `*_test`.
    pub test: bool,
    /// Under `examples/`.
    pub example: bool,
    /// `src/main.rs`, `main.rs`, or under `src/bin/`.
    pub binary: bool,
    /// `build.rs`.
    pub build_script: bool,
    /// A source of a command-line tool's crate: the folder holding `src/` is named
    /// `cli` or ends so (`foo-cli`, `foo_cli`, `symbolicli`), or is a code generator run
    /// by hand (`codegen`, `iana-codegen`). What it runs, a person at a terminal waits
    /// for.
    pub cli: bool,
    /// A module of health checks or probes ([`crate::roles::is_probe_path`]:
    /// `healthcheck.rs`, `health_checker.rs`, a `health/` folder).
    pub probe: bool,
}

impl PathRole {
    pub fn of(rel_path: &str) -> PathRole {
        use crate::roles::{Role, Roles};
        let roles = Roles::of_path(rel_path);
        let parts: Vec<&str> = rel_path.split('/').collect();
        let (file, dirs) = parts.split_last().map_or(("", &[][..]), |(f, d)| (*f, d));
        PathRole {
            test: roles.any(&[Role::Test, Role::Fixture, Role::Benchmark]),
            example: roles.has(Role::Example),
            binary: file == "main.rs"
                || dirs.last() == Some(&"bin")
                || dirs.ends_with(&["src", "bin"]),
            build_script: file == "build.rs",
            cli: dirs
                .iter()
                .position(|d| *d == "src")
                .and_then(|i| i.checked_sub(1))
                .is_some_and(|i| {
                    let name = dirs[i].to_ascii_lowercase();
                    name.ends_with("cli") || name.ends_with("codegen")
                }),
            probe: crate::roles::is_probe_path(rel_path),
        }
    }

    /// Code that does not run in production: tests, benchmarks and examples.
    pub fn not_production(&self) -> bool {
        self.test || self.example
    }
}

/// Why a file was not parsed.
#[derive(Debug, Clone)]
pub struct RustParseError {
    pub offset: usize,
    pub message: String,
}

/// `use` declarations: local name → full path, and glob imports.
#[derive(Debug, Default, Clone)]
pub struct Imports {
    pub aliases: BTreeMap<String, String>,
    pub globs: Vec<String>,
}

impl Imports {
    fn collect(file: &syn::File) -> Imports {
        struct V<'i>(&'i mut Imports);
        impl<'ast> syn::visit::Visit<'ast> for V<'_> {
            fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
                add_use(self.0, String::new(), &u.tree);
            }
            // Expressions are not searched: a `use` inside a function body is
            // found through its block's items, which the default walk visits.
        }
        let mut imports = Imports::default();
        syn::visit::Visit::visit_file(&mut V(&mut imports), file);
        imports
    }

    /// The full path `path` names, with its first segment expanded through `use`.
    pub fn resolve(&self, path: &syn::Path) -> String {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve_segments(&segs, path.leading_colon.is_some())
    }

    pub fn resolve_segments(&self, segs: &[String], absolute: bool) -> String {
        let Some((first, rest)) = segs.split_first() else {
            return String::new();
        };
        let head = if absolute {
            first.clone()
        } else {
            self.aliases
                .get(first)
                .cloned()
                .unwrap_or_else(|| first.clone())
        };
        let mut out = head;
        for s in rest {
            out.push_str("::");
            out.push_str(s);
        }
        out
    }

    /// Whether `path` names `target` (`a::b::c`): directly, through an alias, or as
    /// a bare name brought in by a glob import of the target's parent.
    pub fn names(&self, path: &syn::Path, target: &str) -> bool {
        let resolved = self.resolve(path);
        if resolved == target {
            return true;
        }
        if path.segments.len() == 1
            && path.leading_colon.is_none()
            && let Some((parent, last)) = target.rsplit_once("::")
        {
            return resolved == last && self.globs.iter().any(|g| g == parent);
        }
        false
    }
}

fn add_use(imports: &mut Imports, prefix: String, tree: &syn::UseTree) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}::{name}")
        }
    };
    match tree {
        syn::UseTree::Path(p) => add_use(imports, join(&p.ident.to_string()), &p.tree),
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.rsplit("::").next() {
                    imports.aliases.insert(last.to_string(), prefix.clone());
                }
            } else {
                imports.aliases.insert(name.clone(), join(&name));
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let full = if name == "self" {
                prefix.clone()
            } else {
                join(&name)
            };
            imports.aliases.insert(r.rename.to_string(), full);
        }
        syn::UseTree::Glob(_) => imports.globs.push(prefix),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                add_use(imports, prefix.clone(), t);
            }
        }
    }
}

/// A parsed Rust file.
pub struct RustFile<'s> {
    pub source: &'s SourceFile,
    pub ast: syn::File,
    /// Bytes before the text syn saw (a byte-order mark).
    base: usize,
    pub role: PathRole,
    pub imports: Imports,
    /// Comments, from [`lexer::lex`], in text order.
    pub comments: Vec<RawComment>,
}

impl<'s> RustFile<'s> {
    /// Parses `source`. Call it on a thread with [`STACK_SIZE`] of stack (see
    /// [`with_stack`]), after checking [`lexer::lex`]'s bounds with [`too_deep`].
    pub fn parse(
        source: &'s SourceFile,
        comments: Vec<RawComment>,
    ) -> Result<RustFile<'s>, RustParseError> {
        let text: &str = &source.text;
        let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = &text[base..];
        // A shebang line is not Rust; blank it so that offsets stay the same.
        let owned;
        let body = if body.starts_with("#!") && !body.starts_with("#![") {
            let end = body.find('\n').unwrap_or(body.len());
            owned = format!("{}{}", " ".repeat(end), &body[end..]);
            owned.as_str()
        } else {
            body
        };
        let ast: syn::File = syn::parse_str(body).map_err(|e| {
            let span = e.span();
            RustParseError {
                offset: base + span.byte_range().start.min(body.len()),
                message: e.to_string(),
            }
        })?;
        let imports = Imports::collect(&ast);
        Ok(RustFile {
            source,
            ast,
            base,
            role: PathRole::of(&source.rel_path),
            imports,
            comments,
        })
    }

    /// The byte span of a syntax node.
    pub fn span(&self, node: &impl Spanned) -> Span {
        self.pm_span(node.span())
    }

    /// The byte span of a `proc-macro2` span.
    pub fn pm_span(&self, s: PmSpan) -> Span {
        let r = s.byte_range();
        let len = self.source.text.len();
        (self.base + r.start).min(len)..(self.base + r.end).min(len)
    }

    /// From the start of `a` to the end of `b`.
    pub fn span_between(&self, a: &impl Spanned, b: &impl Spanned) -> Span {
        let a = self.span(a);
        let b = self.span(b);
        a.start..b.end.max(a.start)
    }

    /// Whether a comment other than a `readylint:` directive lies inside `span`, or
    /// trails the line `span` ends on: the author said why the code is as it is.
    pub fn has_intent_comment(&self, span: &Span) -> bool {
        let end_line = self.source.line_span(self.source.line_of(span.end));
        self.comments.iter().any(|c| {
            let inside = c.span.start >= span.start && c.span.end <= span.end;
            let trailing = !c.own_line && c.span.start >= span.end && c.span.start <= end_line.end;
            let text = &self.source.text[c.span.clone()];
            (inside || trailing) && !text.contains("readylint:")
        })
    }

    /// Calls `f` for every expression, statement, match arm, item and macro, with the
    /// scope it sits in.
    pub fn walk(&self, f: &mut dyn FnMut(Node<'_>, &Scope<'_>)) {
        walk::walk(self, f);
    }

    /// Whether code in `scope` does not run in production (a test, benchmark or
    /// example, by path or by attribute).
    pub fn is_test_code(&self, scope: &Scope<'_>) -> bool {
        scope.in_test || self.role.not_production()
    }

    /// The facts this file contributes to the repository index, from its items now and
    /// from the nodes of the file's walk handed to [`crates::FactsBuilder::node`].
    pub fn facts_builder(&self) -> crates::FactsBuilder<'_, 's> {
        crates::FactsBuilder::new(self)
    }
}

/// Why a lexed file is not handed to the parser, if it is not.
pub fn too_deep(l: &lexer::Lexed) -> Option<String> {
    if l.max_depth > MAX_DEPTH {
        Some(format!(
            "brackets nest {} levels deep, over the limit of {MAX_DEPTH}",
            l.max_depth
        ))
    } else if l.max_prefix_run > MAX_PREFIX_RUN {
        Some(format!(
            "{} prefix operators in a row, over the limit of {MAX_PREFIX_RUN}",
            l.max_prefix_run
        ))
    } else if l.max_chain > MAX_CHAIN {
        Some(format!(
            "an expression chains {} operators, over the limit of {MAX_CHAIN}",
            l.max_chain
        ))
    } else {
        None
    }
}

/// Runs `f` on a thread with [`STACK_SIZE`] of stack, or here if no thread can be
/// started. A panic in `f` is carried over to the caller.
pub fn with_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().ok().and_then(|mut s| s.take());
    let spawned = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("readylint-rust".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                let out = take().map(|f| f());
                // Spans of this thread are not needed any more.
                proc_macro2::extra::invalidate_current_thread_spans();
                out
            });
        match handle {
            Ok(h) => Some(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            Err(_) => None,
        }
    });
    match spawned.flatten() {
        Some(out) => out,
        None => {
            let f = take().unwrap_or_else(|| unreachable_closure());
            let out = f();
            proc_macro2::extra::invalidate_current_thread_spans();
            out
        }
    }
}

#[cold]
fn unreachable_closure<F>() -> F {
    // The closure is taken exactly once: by the thread, or here when none started.
    panic!("the parse closure was already taken")
}

/// The Rust front end: lex (comments, nesting bounds), then parse and walk on a thread
/// with a large stack, handing every node to the sink and to the file's facts in the
/// same walk, so macro bodies are parsed once per file.
pub struct RustFrontEnd;

impl FrontEnd for RustFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        crate::source::file_name(rel_path)
            .ends_with(".rs")
            .then_some(FileKind::Rust)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Rust
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        let lexed = lexer::lex(&source.text);
        out.comments = lexed
            .comments
            .iter()
            .map(|c| Comment {
                span: c.span.clone(),
                own_line: c.own_line,
            })
            .collect();
        let result = match too_deep(&lexed) {
            Some(why) => Err((lexed.max_depth_at, why)),
            None => with_stack(|| match RustFile::parse(source, lexed.comments.clone()) {
                Ok(file) => {
                    let nodes = sink.wants_rust_nodes();
                    let mut facts = file.facts_builder();
                    let mut service = sink
                        .wants_service_facts()
                        .then(|| service::ServiceBuilder::new(&file));
                    file.walk(&mut |node, scope| {
                        if nodes {
                            sink.rust_node(&file, node, scope);
                        }
                        facts.node(node, scope);
                        if let Some(s) = service.as_mut() {
                            s.node(node, scope);
                        }
                    });
                    sink.rust(&file);
                    Ok((facts.finish(), service.and_then(|s| s.finish())))
                }
                Err(e) => Err((e.offset, e.message)),
            }),
        };
        match result {
            Ok((facts, service)) => {
                out.facts.rust = Some(Box::new(crates::RustFacts::Source(facts)));
                out.facts.service = service.map(Box::new);
            }
            Err((at, why)) => out.error(
                at..at,
                "Rust file",
                why,
                "fix the syntax; nothing else in this file was checked",
            ),
        }
    }
}
