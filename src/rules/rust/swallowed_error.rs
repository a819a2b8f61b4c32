//! EXC102 swallowed-error.

use super::is_empty_body;
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::rust::{Node, RustFile, Scope};
use crate::rule::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags code that drops an error without a trace: a match arm `Err(_) => {}` or
    /// `Err(e) => ()`, an `if let Err(_) = ... {}` with an empty body and no `else`,
    /// a statement that is only `expr.ok();`, and a write, save or flush whose result is
    /// dropped with `.unwrap_or_default();` or `.unwrap_or(());`. Tests, benchmarks and examples are
    /// not checked.
    ///
    /// ## Why it matters in production
    /// The failure still happened: a write that did not land, a message that was not
    /// sent. Dropping it leaves nothing in the logs or metrics, so the first sign is
    /// a user's report, and nothing says where to look.
    ///
    /// ## Example
    /// ```rust
    /// match store.save(&order) {
    ///     Ok(()) => metrics.saved.inc(),
    ///     Err(_) => {}
    /// }
    /// events.send(event).ok();
    /// ```
    ///
    /// ## Fix
    /// Propagate it with `?`, or log it where dropping is the right call:
    /// ```rust
    /// if let Err(e) = store.save(&order) {
    ///     tracing::warn!(error = %e, "order not saved");
    /// }
    /// // the receiver is gone when the client disconnected; nothing to do
    /// let _ = events.send(event);
    /// ```
    ///
    /// An error that was logged on the way (`.inspect_err(|e| warn!(..)).ok();`), an arm
    /// that picks one error variant (`Err(io::ErrorKind::NotFound) => {}`), and an
    /// empty body or `.ok();` with a comment inside or after it on the same line
    /// (`.ok(); // retried next cycle`) are not flagged: the intent is on record.
    ///
    /// ## Known limits
    /// `let _ = fallible();` is an explicit discard and is not flagged. Arms such as
    /// `_ => {}` are not flagged, since the type of the matched value is not known.
    pub SwallowedError,
    code = "EXC102", name = "swallowed-error", category = Errors, severity = Warning,
    default = false,
    reads = [FileKind::Rust],
}

/// `Err(_)`, `Err(..)`, `Err(e)`, `Err(_err)` (or `Result::Err(..)`): every error.
/// `Err(SomeError::Kind)` picks one error on purpose, and `Err(frame)` names something
/// that is not an error (`into_data()` returns the frame back), so neither counts.
fn is_err_pattern(p: &syn::Pat) -> bool {
    let syn::Pat::TupleStruct(t) = p else {
        return false;
    };
    if t.path.segments.len() > 4 || t.path.segments.last().is_none_or(|s| s.ident != "Err") {
        return false;
    }
    match t.elems.first() {
        None => true,
        Some(syn::Pat::Wild(_) | syn::Pat::Rest(_)) => t.elems.len() == 1,
        Some(syn::Pat::Ident(i)) if t.elems.len() == 1 && i.subpat.is_none() => {
            let name = i.ident.to_string();
            let name = name.trim_start_matches('_').to_ascii_lowercase();
            name.is_empty() || name == "e" || name.contains("err") || name.contains("fail")
        }
        _ => false,
    }
}

/// Idents of logging and reporting calls: a chain that mentions one in its closures
/// (`.inspect_err(|e| warn!(..))`, `.map_err(|e| { error!(..); e })`) left a trace.
const LOGGING: &[&str] = &[
    "error", "warn", "info", "debug", "trace", "event", "eprintln", "println", "log",
];

fn chain_logs(m: &syn::ExprMethodCall) -> bool {
    super::chain(&m.receiver).methods.iter().any(|c| {
        c.method == "inspect_err"
            || c.args.iter().any(|a| {
                let tokens = quote::ToTokens::to_token_stream(a);
                LOGGING
                    .iter()
                    .any(|l| super::mentions_ident(tokens.clone(), l))
            })
    })
}

impl Rule for SwallowedError {
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
        match node {
            Node::Arm(arm)
                if arm.guard.is_none()
                    && is_err_pattern(&arm.pat)
                    && is_empty_body(&arm.body)
                    && !file.has_intent_comment(&file.span(&arm.body)) =>
            {
                cx.report(
                        &Self::META,
                        file.span_between(&arm.pat, &arm.body),
                        "this match arm drops the error without a trace",
                        "propagate it with `?`, or log it (`tracing::warn!(error = %e, ...)`) before moving on",
                    );
            }
            Node::Expr(syn::Expr::If(i))
                if i.else_branch.is_none() && i.then_branch.stmts.is_empty() =>
            {
                if let syn::Expr::Let(l) = &*i.cond
                    && is_err_pattern(&l.pat)
                    && !file.has_intent_comment(&file.span(&i.then_branch))
                {
                    cx.report(
                        &Self::META,
                        file.span_between(&i.if_token, &i.then_branch),
                        "`if let Err(..)` with an empty body drops the error",
                        "log the error in the body, or propagate it with `?`",
                    );
                }
            }
            Node::Stmt(syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_))) => {
                let message = if m.method == "ok" && m.args.is_empty() && m.turbofish.is_none() {
                    "`.ok();` throws the error away".to_string()
                } else if discards_a_write(m) {
                    format!("`.{}(..);` throws the error of a write away", m.method)
                } else {
                    return;
                };
                let start = file.span(&m.receiver).start;
                let end = file.pm_span(m.paren_token.span.close()).end;
                if chain_logs(m) || file.has_intent_comment(&(end..end)) {
                    return;
                }
                cx.report(
                    &Self::META,
                    start..end,
                    message,
                    "handle or log the error; if dropping it is right, say so with `let _ = ...;` and a comment",
                )
                .statement(start);
            }
            _ => {}
        }
    }
}

/// Methods whose failure loses data: a write, a save, a flush.
const WRITES: &[&str] = &[
    "write",
    "write_all",
    "save",
    "flush",
    "persist",
    "commit",
    "sync_all",
    "sync_data",
    "store",
    "insert",
    "remove",
    "delete",
    "set",
    "send",
    "rename",
    "copy",
];

/// `x.save().unwrap_or_default();`, `file.write_all(b).unwrap_or(());`: the statement's
/// value is dropped, and with it the error of the write.
fn discards_a_write(m: &syn::ExprMethodCall) -> bool {
    let discards = (m.method == "unwrap_or_default" && m.args.is_empty())
        || (m.method == "unwrap_or"
            && m.args.len() == 1
            && matches!(m.args.first(), Some(syn::Expr::Tuple(t)) if t.elems.is_empty()));
    let write = match &*m.receiver {
        syn::Expr::MethodCall(inner) => WRITES.contains(&inner.method.to_string().as_str()),
        syn::Expr::Await(a) => {
            matches!(&*a.base, syn::Expr::MethodCall(inner) if WRITES.contains(&inner.method.to_string().as_str()))
        }
        _ => false,
    };
    discards && write
}
