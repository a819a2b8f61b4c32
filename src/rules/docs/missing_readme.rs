//! DOC001 missing-readme.

use crate::declare_rule;
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule, Severity};
use crate::rules::ci::{first_line_span, project_anchor};

declare_rule! {
    /// ## What it does
    /// Flags a project with no README at the root of the repository (`README`,
    /// `README.md`, `README.rst`, … in any case). A README that holds almost nothing —
    /// a title, badges, fewer than ten words of text — is a note that gives its size.
    ///
    /// ## Why it matters in production
    /// The README is where the next engineer, the on-call person at 3 a.m. and every
    /// user start: what the project is, how to install, run, configure and test it. Its
    /// absence turns each of those into archaeology.
    ///
    /// ## Example
    /// A repository with `Cargo.toml` and `src/`, and no README.
    ///
    /// ## Fix
    /// Add a `README.md` that says what the project does, how to install and run it,
    /// how to configure it, and how to run its tests.
    ///
    /// ## Known limits
    /// Only the root of the scan is looked at. The finding is anchored at the build
    /// manifest, or the first file at the root; a repository with no source code and
    /// no manifest is not flagged. Word counts ignore headings, badges, images, HTML
    /// tags and link-only lines.
    pub MissingReadme,
    code = "DOC001", name = "missing-readme", category = Docs, severity = Warning,
}

/// Below this many words of prose, a README is "almost nothing".
const MIN_WORDS: usize = 10;

impl Rule for MissingReadme {
    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        let readme = repo.files().find(|f| {
            !f.contains('/') && {
                let l = f.to_ascii_lowercase();
                l == "readme" || l.starts_with("readme.")
            }
        });
        let Some(readme) = readme else {
            let Some(anchor) = project_anchor(repo) else {
                return;
            };
            let span = first_line_span(repo, &anchor);
            cx.report(
                &Self::META,
                &anchor,
                span,
                "this project has no README",
                "add a README.md that says what the project does and how to install, run, configure and test it",
            );
            return;
        };
        let Some(src) = repo.source(readme) else {
            return;
        };
        let words = prose_words(&src.text);
        if words >= MIN_WORDS {
            return;
        }
        let lines = src.line_count();
        cx.report(
            &Self::META,
            readme,
            first_line_span(repo, readme),
            format!(
                "{readme} has almost nothing in it ({} byte{}, {lines} line{}, {words} word{} of text)",
                src.text.len(),
                if src.text.len() == 1 { "" } else { "s" },
                if lines == 1 { "" } else { "s" },
                if words == 1 { "" } else { "s" },
            ),
            "say what the project does and how to install, run, configure and test it",
        )
        .severity(Severity::Note);
    }
}

/// Words of text, leaving out headings, underlines, badges, images, HTML and links alone
/// on their line.
pub fn prose_words(text: &str) -> usize {
    let mut n = 0;
    let mut fenced = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("```") || l.starts_with("~~~") {
            fenced = !fenced;
            n += 1; // a code block is content
            continue;
        }
        if fenced {
            continue;
        }
        let underline = !l.is_empty() && l.chars().all(|c| "=-~^*#+`'\"".contains(c));
        let markup = l.starts_with('#')
            || l.starts_with('<')
            || l.starts_with("[![")
            || l.starts_with("![")
            || l.starts_with(".. ")
            || (l.starts_with('[') && l.ends_with(')'))
            || (l.starts_with('[') && l.contains("]:"));
        if l.is_empty() || underline || markup {
            continue;
        }
        n += l.split_whitespace().count();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::prose_words;

    #[test]
    fn counts_prose_only() {
        assert_eq!(prose_words("# myproject\n"), 0);
        assert_eq!(prose_words("myproject\n=========\n\n[![ci](x)](y)\n"), 1);
        assert_eq!(prose_words("# x\n\nA tool that does things.\n"), 5);
    }
}
