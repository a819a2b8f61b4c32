//! The engine's own findings: files it could not parse or read, and suppressions that
//! silenced nothing. They have no check of their own; the engine reports them.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file that readylint could not parse, with the parser's message and
    /// position.
    ///
    /// It is on whatever the selection (unless ignored by code or name), for the files
    /// the selected rules read, and reported where a rule would have checked the file:
    /// a benchmark's input or a test fixture that every rule reading its kind skips
    /// loses nothing by not parsing (the file is still listed in the report's `errors`;
    /// a Python test that no selected rule checks, and that holds no `readylint:`
    /// comment, is not even parsed). Selected itself (`--select RDY001`, or `all`), it parses every file some rule
    /// could read and reports every error.
    ///
    /// ## Why it matters in production
    /// A file that does not parse is not checked, so its problems go unreported; often
    /// the file is broken for the real tool too (a Dockerfile that `docker build`
    /// rejects). readylint still checks what it could parse around the error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine
    /// RUNN echo typo
    /// ```
    ///
    /// ## Fix
    /// Correct the syntax error, or exclude the file if it is invalid on purpose
    /// (a test fixture, say) with `exclude` in the configuration.
    ///
    /// ## Known limits
    /// Only the first error of each instruction is reported.
    pub ParseError,
    code = "RDY001", name = "parse-error", category = Readylint, severity = Warning,
}

declare_rule! {
    /// ## What it does
    /// Reports an inline `readylint: ignore[...]` comment that silenced no finding.
    ///
    /// ## Why it matters in production
    /// A stale suppression hides the next real problem on that line, and an ignore with
    /// a misspelt code silences nothing while looking like it does.
    ///
    /// ## Example
    /// ```dockerfile
    /// # readylint: ignore[DKR002] -- no ADD here any more
    /// COPY app /app
    /// ```
    ///
    /// ## Fix
    /// Delete the comment, or correct the rule code.
    ///
    /// ## Known limits
    /// A suppression for a rule that is not selected in this run is not reported,
    /// since it cannot be known to be unused.
    pub UnusedSuppression,
    code = "RDY002", name = "unused-suppression", category = Readylint, severity = Note,
}

declare_rule! {
    /// ## What it does
    /// Reports a file that was not checked: binary content, text that is not UTF-8, a
    /// file over the size limit (10 MiB), something that is not a regular file (a FIFO,
    /// a socket), or a symbolic link that is broken or points out of the repository; and,
    /// when a Kubernetes rule is selected, a Helm (or other Go-templated) manifest that
    /// is YAML only once rendered. A Python file that does not parse is one too when it
    /// is Python 2 code, or a Jinja template that is Python only once rendered (a line
    /// starts with a whole `{% … %}` or `{{ … }}` tag).
    ///
    /// ## Why it matters in production
    /// A skipped file is a blind spot: a Dockerfile saved as UTF-16, or a manifest that
    /// was replaced by a link, is not linted at all. The note says so instead of staying
    /// silent.
    ///
    /// ## Example
    /// A `Dockerfile` saved in UTF-16 by an editor on Windows.
    ///
    /// ## Fix
    /// Save the file as UTF-8, or exclude it with `exclude` if it is not meant to be
    /// checked.
    ///
    /// A file or directory that cannot be read at all (permissions, an I/O error) is
    /// reported at warning, so that the default gate fails: a gate must not pass on code
    /// it never read.
    ///
    /// ## Known limits
    /// Only files whose name readylint checks (Dockerfiles and the other kinds it
    /// reads) are reported; other binary files are ignored silently.
    pub SkippedFile,
    code = "RDY003", name = "skipped-file", category = Readylint, severity = Note,
}

declare_rule! {
    /// ## What it does
    /// Reports a comment that looks like a readylint directive (`readylint:` in any
    /// case) but cannot be parsed: a misspelt keyword (`readylint: ignroe[DKR001]`), a
    /// list without its closing `]`, or something else after `ignore`.
    ///
    /// ## Why it matters in production
    /// A suppression that does not parse silences nothing while its author believes it
    /// does; said once, it is fixed in a second. Never ignored in silence.
    ///
    /// ## Example
    /// ```python
    /// value = risky()  # readylint: ignore[EXC002 -- the bracket is never closed
    /// ```
    ///
    /// ## Fix
    /// Write `# readylint: ignore[CODE, ...] -- reason`, or `ignore-file[CODE]`.
    ///
    /// ## Known limits
    /// Only comments are read, in each file kind's comment syntax (`#`, `//`, `/* */`,
    /// Dockerfile comment lines and trailing comments).
    pub MalformedSuppression,
    code = "RDY004", name = "malformed-suppression", category = Readylint, severity = Note,
}
