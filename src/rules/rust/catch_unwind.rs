//! EXC101 catch-unwind.

use crate::lang::FileKind;
use quote::ToTokens;

use super::mentions_ident;
use crate::declare_rule;
use crate::lang::rust::{Node, RustFile, Scope};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `std::panic::catch_unwind` however it is named (`panic::catch_unwind`, an
    /// imported or renamed `catch_unwind`), and `.catch_unwind()` on futures, outside
    /// tests, benchmarks and examples.
    ///
    /// ## Why it matters in production
    /// A panic means an invariant broke. Catching it lets the process carry on with
    /// state that may be half-updated (a poisoned lock, a partly written buffer), and the
    /// failure is often reduced to a value nobody looks at. It also silently does
    /// nothing under `panic = "abort"`, so the code that relies on it is untested in
    /// release builds that set it.
    ///
    /// ## Example
    /// ```rust
    /// let result = std::panic::catch_unwind(|| handle(request));
    /// ```
    ///
    /// ## Fix
    /// Let the panic end the task or process and have a supervisor restart it; return
    /// a `Result` for failures that are expected. Where a boundary must survive a
    /// panic (a plugin host, an FFI edge), re-raise it with
    /// `std::panic::resume_unwind` after cleanup, or report it loudly and keep the
    /// suppression with its reason:
    /// ```rust
    /// // readylint: ignore[EXC101] -- FFI boundary: a panic must not unwind into C
    /// let result = std::panic::catch_unwind(|| handle(request));
    /// ```
    ///
    /// ## Known limits
    /// A function that also calls `resume_unwind` is taken to re-raise the panic and
    /// is not flagged. `catch_unwind` reached through a wrapper function of another
    /// crate is not seen.
    pub CatchUnwind,
    code = "EXC101", name = "catch-unwind", category = Errors, severity = Warning,
    default = false,
    reads = [FileKind::Rust],
}

impl Rule for CatchUnwind {
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
        if file.is_test_code(scope) {
            return;
        }
        let span = match node {
            Node::Expr(syn::Expr::Path(p)) if p.qself.is_none() => {
                let path = &p.path;
                let resolved = file.imports.resolve(path);
                let is_catch = resolved == "catch_unwind" || resolved.ends_with("::catch_unwind");
                // A bare name must have been imported: a local `fn catch_unwind` is not it.
                let named = is_catch
                    && (path.segments.len() > 1
                        || resolved.contains("::")
                        || file.imports.names(path, "std::panic::catch_unwind"));
                if !named {
                    return;
                }
                file.span(path)
            }
            Node::Expr(syn::Expr::MethodCall(m)) if m.method == "catch_unwind" => {
                file.span(&m.method)
            }
            _ => return,
        };
        // A function that re-raises what it caught does not hide the panic.
        if scope
            .fn_body
            .is_some_and(|b| mentions_ident(b.to_token_stream(), "resume_unwind"))
        {
            return;
        }
        cx.report(
                &Self::META,
                span,
                "`catch_unwind` turns a panic into a value and carries on",
                "let the panic end the task and have it restarted, return a `Result` for expected failures, or re-raise with `resume_unwind` after cleanup",
            );
    }
}
