//! Dockerfile rules (DKR001–DKR009), and the helpers they share: the final stage and
//! the stages it is built from, and the shell commands inside `RUN`.

pub mod add_instead_of_copy;
pub mod missing_dockerignore;
pub mod missing_healthcheck;
pub mod pipe_without_pipefail;
pub mod root_user;
pub mod secret_in_image;
pub mod shell_form_cmd;

use crate::lang::dockerfile::{Args, Command, Dockerfile, Instruction, Keyword, Stage};
use crate::lang::shell::{self, SimpleCommand};
use crate::source::SourceFile;

/// The final stage followed by the earlier stages it is built `FROM`, nearest first.
/// Instructions such as `USER`, `HEALTHCHECK` and `CMD` are inherited along this chain.
pub fn final_chain(df: &Dockerfile) -> Vec<&Stage> {
    let mut chain = Vec::new();
    let Some(mut stage) = df.final_stage() else {
        return chain;
    };
    chain.push(stage);
    while let Args::From { image, .. } = &df.from_instruction(stage).args {
        let parent = df.stages.iter().find(|s| {
            s.from < stage.from
                && matches!(&df.instructions[s.from].args,
                    Args::From { alias: Some(a), .. } if a.value.eq_ignore_ascii_case(&image.value))
        });
        match parent {
            Some(p) if chain.len() <= df.stages.len() => {
                chain.push(p);
                stage = p;
            }
            _ => break,
        }
    }
    chain
}

/// The last instruction with `keyword` along the final stage's chain.
pub fn last_in_chain<'a>(
    df: &'a Dockerfile,
    chain: &[&Stage],
    keyword: Keyword,
) -> Option<&'a Instruction> {
    chain.iter().find_map(|s| {
        df.stage_instructions(s)
            .iter()
            .rev()
            .find(|i| i.keyword == keyword)
    })
}

/// The image the final stage chain starts from (the first `FROM` that is not a stage).
pub fn base_image<'a>(df: &'a Dockerfile, chain: &[&Stage]) -> Option<&'a str> {
    let last = chain.last()?;
    match &df.from_instruction(last).args {
        Args::From { image, .. } => Some(image.value.as_str()),
        _ => None,
    }
}

/// Files under `.devcontainer/` build development environments, not production images.
pub fn is_dev_container(source: &SourceFile) -> bool {
    source.rel_path.starts_with(".devcontainer/") || source.rel_path.contains("/.devcontainer/")
}

/// A shell script inside an instruction, and the file offset its text starts at (when
/// the text maps byte for byte onto the file).
pub struct Script<'a> {
    pub text: &'a str,
    pub base: Option<usize>,
}

impl Script<'_> {
    pub fn commands(&self) -> Vec<SimpleCommand> {
        shell::split(self.text)
    }

    /// File span of a span inside the script, or `fallback` when it cannot be mapped.
    pub fn file_span(
        &self,
        inner: std::ops::Range<usize>,
        fallback: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        match self.base {
            Some(b) => b + inner.start..b + inner.end,
            None => fallback,
        }
    }
}

/// The shell scripts a `RUN` executes: its shell-form command and its here-documents.
/// Exec-form `RUN ["…"]` runs no shell and yields nothing.
pub fn run_scripts<'a>(source: &SourceFile, inst: &'a Instruction) -> Vec<Script<'a>> {
    let mut out = Vec::new();
    let Args::Command { command, here_docs } = &inst.args else {
        return out;
    };
    if let Command::Shell(w) = command {
        out.push(Script {
            text: &w.value,
            base: maps(source, &w.span, &w.value),
        });
    }
    for doc in here_docs {
        out.push(Script {
            text: &doc.value,
            base: maps(source, &doc.span, &doc.value),
        });
    }
    out
}

fn maps(source: &SourceFile, span: &std::ops::Range<usize>, value: &str) -> Option<usize> {
    (source.text.get(span.clone()) == Some(value)).then_some(span.start)
}

/// `RUN` instructions of every stage, not those under `ONBUILD`.
pub fn runs(df: &Dockerfile) -> impl Iterator<Item = (usize, &Instruction)> {
    df.instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == Keyword::Run)
}
