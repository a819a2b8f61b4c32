//! LOG005 unstructured-logging.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::manifest::ManifestKind;
use crate::lang::service::Capability;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a web service that logs with no structured (JSON) logging configured
    /// anywhere in the repository.
    ///
    /// Logging is Python `logging` or `loguru`, Rust `log`, `tracing` or `slog`.
    /// Structured logging is `structlog`, `python-json-logger`, `json-log-formatter`,
    /// `ecs-logging`, loguru `serialize=True`, a JSON formatter class (a class named
    /// `*Json*Formatter`, or one a `LOGGING` / `dictConfig` configuration names); in
    /// Rust `tracing-subscriber`'s `.json()`, `slog-json`, `tracing-bunyan-formatter`.
    ///
    /// ## Why it matters in production
    /// Log platforms index fields. Plain text lines have to be parsed back with regular
    /// expressions that break on the first multi-line traceback, and a request ID or a
    /// user ID in the middle of a sentence cannot be filtered on.
    ///
    /// ## Example
    /// ```python
    /// logging.basicConfig(level=logging.INFO)
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// from pythonjsonlogger.json import JsonFormatter
    ///
    /// handler = logging.StreamHandler()
    /// handler.setFormatter(JsonFormatter())
    /// logging.basicConfig(level=logging.INFO, handlers=[handler])
    /// ```
    ///
    /// ## Known limits
    /// A JSON format chosen at deploy time (an environment variable read by a custom
    /// formatter without "json" in its name, a log shipper that parses text) cannot be
    /// seen. The finding is anchored at the server, Django settings or application
    /// object the service is built from.
    pub UnstructuredLogging,
    code = "LOG005", name = "unstructured-logging", category = Logging, severity = Note,
    default = false,
    reads = [
        FileKind::Python,
        FileKind::Rust,
        FileKind::Manifest(ManifestKind::Cargo),
        FileKind::Manifest(ManifestKind::Pyproject),
        FileKind::Manifest(ManifestKind::Pipfile),
        FileKind::Manifest(ManifestKind::Requirements),
    ],
    facts_only = true,
}

impl Rule for UnstructuredLogging {
    fn wants_service_facts(&self) -> bool {
        true
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let model = repo.service_model();
        super::report_missing(
            &Self::META,
            model,
            Capability::StructuredLogging,
            !model.logs,
            "this {} service logs plain text: no JSON or structured logging configuration in the repository",
            "log JSON (python-json-logger, structlog, tracing-subscriber's .json()) so that fields such as the request ID can be searched",
            cx,
        );
    }
}
