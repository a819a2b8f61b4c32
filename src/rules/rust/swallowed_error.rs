//! EXC102 swallowed-error.

use super::is_empty_body;
use crate::lang::rust::{Node, RustFile};
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags code that drops an error without a trace: a match arm `Err(_) => {}` or
    /// `Err(e) => ()`, an `if let Err(_) = ... {}` with an empty body and no `else`,
    /// and a statement that is only `expr.ok();`. Tests, benchmarks and examples are
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
    /// ## Known limits
    /// `let _ = fallible();` is an explicit discard and is not flagged. Arms such as
    /// `_ => {}` are not flagged, since the type of the matched value is not known.
    pub SwallowedError,
    code = "EXC102", name = "swallowed-error", category = Errors, severity = Warning,
}

/// `Err(..)` (or `Result::Err(..)`), whatever it binds.
fn is_err_pattern(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::TupleStruct(t) => {
            t.path.segments.len() <= 4 && t.path.segments.last().is_some_and(|s| s.ident == "Err")
        }
        _ => false,
    }
}

impl Rule for SwallowedError {
    rule_meta!();

    fn check_rust(&self, file: &RustFile<'_>, cx: &mut Context<'_>) {
        file.walk(&mut |node, scope| {
            if file.is_test_code(scope) {
                return;
            }
            match node {
                Node::Arm(arm) if arm.guard.is_none() && is_err_pattern(&arm.pat) && is_empty_body(&arm.body) => {
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
                    if let syn::Expr::Let(l) = &*i.cond {
                        if is_err_pattern(&l.pat) {
                            cx.report(
                                &Self::META,
                                file.span_between(&i.if_token, &i.then_branch),
                                "`if let Err(..)` with an empty body drops the error",
                                "log the error in the body, or propagate it with `?`",
                            );
                        }
                    }
                }
                Node::Stmt(syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_)))
                    if m.method == "ok" && m.args.is_empty() && m.turbofish.is_none() =>
                {
                    let start = file.span(&m.receiver).start;
                    cx.report(
                        &Self::META,
                        start..file.pm_span(m.paren_token.span.close()).end,
                        "`.ok();` throws the error away",
                        "handle or log the error; if dropping it is right, say so with `let _ = ...;` and a comment",
                    )
                    .statement(start);
                }
                _ => {}
            }
        });
    }
}
