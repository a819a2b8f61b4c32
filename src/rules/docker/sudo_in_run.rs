//! DKR006 sudo-in-run.

use super::{run_scripts, runs};
use crate::lang::dockerfile::Dockerfile;
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `sudo` in a `RUN` instruction.
    ///
    /// ## Why it matters in production
    /// Build steps already run as the current `USER`; `sudo` in an image means either a
    /// pointless extra package, or a runtime user who can become root, which undoes the
    /// point of a non-root `USER`. It also behaves unpredictably without a TTY.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// USER root
    /// RUN apt-get install -y curl
    /// USER app
    /// ```
    ///
    /// ## Known limits
    /// Only `sudo` as a command is flagged (`echo sudo`, `pseudo` are not). Exec-form
    /// `RUN ["sudo", …]` is not checked.
    pub SudoInRun,
    code = "DKR006", name = "sudo-in-run", category = Container, severity = Warning,
    security = true,
}

impl Rule for SudoInRun {
    rule_meta!();

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (_, inst) in runs(df) {
            for script in run_scripts(cx.source, inst) {
                for cmd in script.commands() {
                    let Some(sudo) = cmd
                        .words
                        .iter()
                        .take_while(|w| w.value == "sudo" || w.value.contains('='))
                        .find(|w| w.value == "sudo")
                    else {
                        continue;
                    };
                    let span = script.file_span(sudo.span.clone(), inst.keyword_span.clone());
                    cx.report(
                        &Self::META,
                        span,
                        "`sudo` in a `RUN` instruction",
                        "build steps run as the current `USER` already: switch with `USER root` and back instead of `sudo`",
                    )
                    .statement(inst.span.start);
                }
            }
        }
    }
}
