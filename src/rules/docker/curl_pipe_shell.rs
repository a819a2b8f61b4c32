//! DKR009 curl-pipe-shell.

use super::{run_scripts, runs};
use crate::lang::dockerfile::Dockerfile;
use crate::lang::shell::Op;
use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `curl` or `wget` output piped into a shell or interpreter
    /// (`curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl …)"`).
    ///
    /// ## Why it matters in production
    /// The build runs whatever the server returns at that moment, unverified: a
    /// compromised or changed script goes straight into the image, and two builds of
    /// the same commit can differ. A truncated download can also run half a script.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///  && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
    ///  && bash /tmp/install.sh
    /// ```
    ///
    /// ## Known limits
    /// Interpreters recognised: `sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, `python`,
    /// `python3`, `perl`, `ruby`, `node`, also behind `sudo`. Downloads through other
    /// tools are not recognised.
    pub CurlPipeShell,
    code = "DKR009", name = "curl-pipe-shell", category = Container, severity = Warning,
    security = true,
}

const SHELLS: [&str; 11] = [
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node",
];

impl Rule for CurlPipeShell {
    rule_meta!();

    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (_, inst) in runs(df) {
            for script in run_scripts(cx.source, inst) {
                let cmds = script.commands();
                for (i, cmd) in cmds.iter().enumerate() {
                    let downloads = matches!(cmd.program_name(), Some("curl" | "wget"));
                    let piped_to_shell = downloads
                        && cmd.op == Some(Op::Pipe)
                        && cmds
                            .get(i + 1)
                            .and_then(|n| n.program_name())
                            .is_some_and(|p| SHELLS.contains(&p));
                    let substituted = cmd.program_name().is_some_and(|p| SHELLS.contains(&p))
                        && cmd
                            .words
                            .iter()
                            .any(|w| w.value.contains("$(curl") || w.value.contains("$(wget"));
                    if !(piped_to_shell || substituted) {
                        continue;
                    }
                    let first = cmd.program().first().map_or(0..0, |w| w.span.clone());
                    let end = if piped_to_shell {
                        cmds[i + 1]
                            .program()
                            .first()
                            .map_or(first.end, |w| w.span.end)
                    } else {
                        cmd.words.last().map_or(first.end, |w| w.span.end)
                    };
                    let span = script.file_span(first.start..end, inst.keyword_span.clone());
                    cx.report(
                        &Self::META,
                        span,
                        "a downloaded script is piped straight into a shell",
                        "download to a file, verify its checksum or signature, then run it",
                    )
                    .statement(inst.span.start);
                }
            }
        }
    }
}
