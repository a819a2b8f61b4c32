//! DKR002 add-instead-of-copy.

use crate::declare_rule;
use crate::fix::{Edit, Fix};
use crate::lang::FileKind;
use crate::lang::dockerfile::{Args, Dockerfile, Keyword};
use crate::rule::{Context, OptionKind, OptionMeta, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ADD <url>` without `--checksum`. With the option `local-files = true`, also
    /// flags `ADD` of local files that are not archives (and of here-documents), where
    /// `COPY` does the same job.
    ///
    /// ## Why it matters in production
    /// `ADD` has hidden behaviour: it unpacks local archives and downloads URLs. A
    /// download without a checksum builds whatever the server returns today, so two
    /// builds of one commit can differ, and a compromised server ships straight into
    /// the image. For plain files `COPY` says what it does and nothing more, but `ADD`
    /// of a local file or directory builds the same image as `COPY` would: a matter of
    /// style, hence an option.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ADD requirements.txt /app/   # with `local-files = true`
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0d6e05cdf3b \
    ///     https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// With `local-files = true`, `readylint check --fix` rewrites the keyword `ADD` of
    /// local plain files (and of here-documents) to `COPY`, keeping the flags and the paths: a safe fix. It is not
    /// offered when a source is a URL, an archive, a git source or a variable, nor when
    /// the instruction has a flag `COPY` does not take (`--checksum`, `--keep-git-dir`).
    ///
    /// ## Known limits
    /// Dockerfiles that build no production image are skipped (see below).
    /// Local tar archives (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`, …)
    /// are fine: unpacking them is what `ADD` is for. Git sources (`….git`, `git@…`) and
    /// sources built from variables are not flagged.
    ///
    /// Unlike hadolint's DL3020, local files are not flagged by default, and a URL
    /// without `--checksum` is, since its content can change under the same name. With
    /// `local-files = true`, a compressed file that is not a tar archive (`file.gz`,
    /// `file.xz`) is flagged too: `ADD` copies it as it is, exactly as `COPY` would.
    pub AddInsteadOfCopy,
    code = "DKR002", name = "add-instead-of-copy", category = Container, severity = Warning,
    security = true,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    options = [OptionMeta {
        name: "local-files",
        kind: OptionKind::Bool,
        default: "false",
        doc: "also flag `ADD` of local plain files and here-documents, which `COPY` does the same as (hadolint DL3020)",
    }],
    reads = [FileKind::Dockerfile],
    fix = Safe,
}

const ARCHIVES: [&str; 14] = [
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz4",
    ".tar.lzma",
    ".tlz",
    ".tar.z",
];

impl Rule for AddInsteadOfCopy {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let local_files = cx.option_bool(&Self::META, "local-files", false);
        for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Add) {
            let Args::Paths {
                sources,
                here_doc_sources,
                ..
            } = &inst.args
            else {
                continue;
            };
            let has_checksum = inst.flag("checksum").is_some();
            // `COPY` does the same when every source is a plain local file and no flag is
            // one only `ADD` takes.
            let copy_fix = (sources.iter().all(|src| {
                let lower = src.value.to_ascii_lowercase();
                !is_git(&lower)
                    && !src.value.contains('$')
                    && !lower.contains("://")
                    && !ARCHIVES.iter().any(|ext| lower.ends_with(ext))
            }) && inst.flags.iter().all(|f| {
                !matches!(
                    f.name.to_ascii_lowercase().as_str(),
                    "checksum" | "keep-git-dir"
                )
            }))
            .then(|| {
                let keyword = &cx.source.text[inst.keyword_span.clone()];
                let copy = if keyword == "add" { "copy" } else { "COPY" };
                Fix::safe(vec![Edit::replace(inst.keyword_span.clone(), copy)])
            });
            let mut reported = false;
            for src in sources {
                let v = src.value.as_str();
                let lower = v.to_ascii_lowercase();
                if is_git(&lower) || v.contains('$') {
                    continue;
                }
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    if !has_checksum {
                        cx.report(
                            &Self::META,
                            src.span.clone(),
                            "`ADD` downloads a URL without `--checksum`",
                            "add `--checksum=sha256:<digest>`, or download in a `RUN` step that verifies the file",
                        );
                        reported = true;
                    }
                } else if local_files
                    && !ARCHIVES.iter().any(|ext| lower.ends_with(ext))
                    && !reported
                {
                    let finding = cx.report(
                        &Self::META,
                        inst.keyword_span.start..src.span.end,
                        format!("`ADD` of local file `{v}`; `COPY` does the same without hidden behaviour"),
                        "use `COPY`; keep `ADD` only to unpack a local archive or fetch a URL with `--checksum`",
                    );
                    if let Some(fix) = &copy_fix {
                        finding.fix(fix.clone());
                    }
                    reported = true;
                }
            }
            if local_files && !reported && sources.is_empty() && !here_doc_sources.is_empty() {
                let finding = cx.report(
                    &Self::META,
                    inst.keyword_span.clone(),
                    "`ADD` of a here-document; `COPY` does the same without hidden behaviour",
                    "use `COPY <<EOF …`",
                );
                if let Some(fix) = &copy_fix {
                    finding.fix(fix.clone());
                }
            }
        }
    }
}

fn is_git(lower: &str) -> bool {
    lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.ends_with(".git")
        || lower.contains(".git#")
}
