//! DEP007 unpinned-os-package.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::Dockerfile;
use crate::lang::shell::{ShellWord, SimpleCommand};
use crate::rule::{Context, Rule};
use crate::rules::docker::all_run_scripts;

use super::unpinned_package_install::operands;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install`/`apt install`, `apk add`, `dnf`/`yum`/`microdnf install`
    /// and `zypper install` of packages without a version, once per command.
    ///
    /// ## Why it matters in production
    /// The distribution's mirror changes under a fixed base image: rebuilding the same
    /// Dockerfile next month installs newer packages, and a build that worked can fail
    /// or behave differently. Pinning (`curl=7.88.1-10+deb12u5`) makes a rebuild
    /// reproduce the image or fail loudly when the version is gone.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends \
    ///     curl=7.88.1-10+deb12u5 ca-certificates=20230311
    /// ```
    ///
    /// ## Known limits
    /// This is a note: pinned distribution packages disappear from mirrors when they
    /// are superseded, so many teams pin the base image by digest instead and accept
    /// the mirror's security updates. Packages in variables, local package files and
    /// package groups (`@group`) are fine: a version in a variable (`git-core-${version}`)
    /// is trusted, whatever the variable holds. Dockerfiles of development environments (`.devcontainer/`,
    /// `.codesandbox/`, `.gitpod*`) are not checked. `dnf`/`yum` versions are recognised by `name-1.2` or `name = 1.2`.
    pub UnpinnedOsPackage,
    code = "DEP007", name = "unpinned-os-package", category = Dependencies, severity = Note,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
    reads = [FileKind::Dockerfile],
}

/// The unpinned packages an OS package install names, with the command's label.
fn unpinned(cmd: &SimpleCommand) -> Option<(String, Vec<&ShellWord>)> {
    let words = cmd.program();
    let name = cmd.program_name()?;
    // Global options may stand before the subcommand (`zypper -n install`,
    // `apt-get -o Opt=1 install`); some take a value.
    let mut sub = None;
    let mut i = 1;
    while i < words.len() {
        let v = words[i].value.as_str();
        if matches!(
            v,
            "-o" | "-c" | "-t" | "--option" | "--config-file" | "-R" | "--root"
        ) {
            i += 2;
        } else if v.starts_with('-') {
            i += 1;
        } else {
            sub = Some(i);
            break;
        }
    }
    let mut sub = sub?;
    // `dnf module install nodejs:20`: a module stream is the version.
    let module = matches!(name, "dnf" | "yum" | "microdnf")
        && words[sub].value == "module"
        && words.get(sub + 1).is_some_and(|w| w.value == "install");
    if module {
        sub += 1;
    }
    let subcommand = words[sub].value.as_str();
    let rest = &words[sub + 1..];
    // The label is the command as written (`apt install`, `microdnf install`), with the
    // subcommand spelled out.
    let (sub_label, value_options, pinned): (&str, &[&str], fn(&str) -> bool) =
        match (name, subcommand) {
            _ if module => ("module install", &[], |v| v.contains(':')),
            ("apt-get" | "apt", "install") => (
                "install",
                &["-o", "-t", "--target-release", "-c", "--option"],
                |v| v.contains('='),
            ),
            ("apk", "add") => (
                "add",
                &[
                    "-t",
                    "--virtual",
                    "-X",
                    "--repository",
                    "--repositories-file",
                    "-p",
                    "--root",
                    "--arch",
                    "--keys-dir",
                    "--cache-dir",
                ],
                |v| v.contains(['=', '~', '<', '>']),
            ),
            ("dnf" | "yum" | "microdnf" | "tdnf", "install") => (
                "install",
                &[
                    "-x",
                    "--exclude",
                    "--installroot",
                    "--releasever",
                    "-c",
                    "--config",
                    "--repo",
                    "--enablerepo",
                    "--disablerepo",
                    "--setopt",
                ],
                |v| {
                    v.contains(['=', '<', '>'])
                        || v.char_indices().any(|(i, c)| {
                            c == '-' && v[i + 1..].starts_with(|d: char| d.is_ascii_digit())
                        })
                },
            ),
            ("zypper", "install" | "in") => (
                "install",
                &["-t", "--type", "-r", "--repo", "--from"],
                |v| v.contains(['=', '<', '>']),
            ),
            _ => return None,
        };
    let found = operands(rest, value_options)
        .into_iter()
        .filter(|w| {
            let v = w.value.as_str();
            !(v.contains('$')
                || v.contains('`')
                || v.starts_with('@')
                || v.starts_with('.')
                || v.starts_with('/')
                || v.contains("://")
                || v.ends_with(".deb")
                || v.ends_with(".rpm")
                || v.ends_with(".apk")
                || pinned(v))
        })
        .collect();
    Some((format!("{name} {sub_label}"), found))
}

impl Rule for UnpinnedOsPackage {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (inst, script) in all_run_scripts(df, cx.source) {
            for cmd in script.commands() {
                let Some((label, words)) = unpinned(cmd) else {
                    continue;
                };
                let Some(first) = words.first() else {
                    continue;
                };
                let names: Vec<&str> = words.iter().take(3).map(|w| w.value.as_str()).collect();
                let more = if words.len() > 3 {
                    format!(" and {} more", words.len() - 3)
                } else {
                    String::new()
                };
                let span = script.file_span(first.span.clone(), inst.keyword_span.clone());
                cx.report(
                        &Self::META,
                        span,
                        format!("`{label}` of {} without versions", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ") + &more),
                        "pin each package (`curl=7.88.1-10+deb12u5`, `curl=8.5.0-r0`), or pin the base image by digest and accept the mirror's updates",
                    )
                    .statement(inst.span.start);
            }
        }
    }
}
