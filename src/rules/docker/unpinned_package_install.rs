//! DEP006 unpinned-package-install.

use crate::declare_rule;
use crate::lang::dockerfile::Dockerfile;
use crate::lang::manifest::requirements::{Entry, parse_requirement, url_pinned};
use crate::lang::shell::{ShellWord, SimpleCommand};
use crate::rule::{Context, Rule};
use crate::rules::docker::{run_scripts, runs};

declare_rule! {
    /// ## What it does
    /// Flags package installs in `RUN` that name no version: `pip install flask`,
    /// `uv pip install`, `pipx install`, `npm install -g typescript`, `yarn add`,
    /// `pnpm add`, `gem install rails`, `go install example.com/tool@latest`,
    /// `cargo install ripgrep`.
    ///
    /// ## Why it matters in production
    /// An image is rebuilt long after the Dockerfile was written. An install without a
    /// version takes whatever the registry serves that day, so the same commit builds
    /// a different image, and a broken or malicious release ships without review.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install gunicorn && npm install -g pm2 && go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN pip install -r requirements.txt gunicorn==22.0.0 \
    ///  && npm install -g pm2@5.3.1 && go install golang.org/x/tools/gopls@v0.15.3
    /// ```
    ///
    /// ## Known limits
    /// Any version counts (`flask>=2`, `pm2@5`): ranges are a choice. Installs from
    /// requirement files (`-r`), under a constraints file (`-c`), of local paths (`.`,
    /// `./pkg`, wheels and archives), of pinned URLs, and of versions in variables
    /// (`flask==$FLASK_VERSION`, `$PACKAGES`) are fine, as is `npm install`/`npm ci`
    /// without package names (they read `package.json` and the lockfile). Upgrading the
    /// installer itself (`pip install -U pip setuptools wheel`) is not flagged.
    pub UnpinnedPackageInstall,
    code = "DEP006", name = "unpinned-package-install", category = Dependencies, severity = Warning,
    skips = crate::roles::Role::NOT_PRODUCTION,
}

/// Option words that take the next word as their value, and the package arguments of
/// an install command.
pub fn operands<'a>(args: &'a [ShellWord], value_options: &[&str]) -> Vec<&'a ShellWord> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in args {
        if skip {
            skip = false;
            continue;
        }
        let v = w.value.as_str();
        // Redirections (`> /dev/null`, `2>&1`, `</dev/null`) are not arguments.
        let redirect = v.trim_start_matches(|c: char| c.is_ascii_digit() || c == '&');
        if redirect.starts_with(['<', '>']) {
            skip = redirect.trim_start_matches(['<', '>', '&', '|']).is_empty();
            continue;
        }
        if v.starts_with('-') {
            skip = !v.contains('=') && value_options.contains(&v);
            continue;
        }
        out.push(w);
    }
    out
}

fn has_option(args: &[ShellWord], names: &[&str]) -> bool {
    args.iter().any(|w| {
        let v = w.value.split('=').next().unwrap_or(&w.value);
        names.contains(&v)
            || names.iter().any(|n| {
                n.len() == 2
                    && !n.starts_with("--")
                    && v.starts_with(n)
                    && v.len() > 2
                    && !v.starts_with("--")
            })
    })
}

fn is_path(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    v == "."
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with('/')
        || v.starts_with('~')
        || [
            ".whl", ".tar.gz", ".tgz", ".zip", ".gem", ".deb", ".rpm", ".apk", ".crate",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
}

const PIP_VALUE_OPTIONS: [&str; 53] = [
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "--cache-dir",
    "--trusted-host",
    "--timeout",
    "--retries",
    "--log",
    "--proxy",
    "--cert",
    "--client-cert",
    "--exists-action",
    "--global-option",
    "--config-settings",
    "-C",
    "--python",
    "-p",
    "--index",
    "--default-index",
    "--extra-index",
    // more of pip's
    "--report",
    "--only-binary",
    "--no-binary",
    "--use-feature",
    "--root-user-action",
    "--keyring-provider",
    // uv pip's
    "--python-preference",
    "--index-strategy",
    "--resolution",
    "--prerelease",
    "--link-mode",
    "--exclude-newer",
    "--torch-backend",
    "--python-platform",
    "--config-file",
    "--override",
    "--overrides",
    "--group",
    "--extra",
    "--reinstall-package",
];

/// Packages a pip-like install names without a version.
fn pip_unpinned(args: &[ShellWord]) -> Vec<&ShellWord> {
    if has_option(
        args,
        &["-c", "--constraint", "--constraints", "--build-constraint"],
    ) {
        return Vec::new();
    }
    let mut value_options: Vec<&str> = PIP_VALUE_OPTIONS.to_vec();
    value_options.extend([
        "-r",
        "--requirement",
        "--requirements",
        "-e",
        "--editable",
        "--with",
        "--spec",
    ]);
    let mut out = Vec::new();
    // `-e URL` and `--with PKG` name packages too.
    for pair in args.windows(2) {
        if matches!(pair[0].value.as_str(), "-e" | "--editable")
            && pair[1].value.contains("://")
            && !pair[1].value.contains('$')
            && !url_pinned(&pair[1].value)
        {
            out.push(&pair[1]);
        }
    }
    for w in operands(args, &value_options) {
        let v = w.value.as_str();
        if v.contains('$') || v.contains('`') || is_path(v) {
            continue;
        }
        if v.contains("://") {
            if !url_pinned(v) {
                out.push(w);
            }
            continue;
        }
        match parse_requirement(v, 0..0, false) {
            Entry::Requirement(r)
                if r.specifier.is_empty()
                    && !matches!(r.key.as_str(), "pip" | "setuptools" | "wheel" | "") =>
            {
                out.push(w);
            }
            Entry::Url { pinned: false, .. } => out.push(w),
            _ => {}
        }
    }
    out
}

/// Packages an npm/yarn/pnpm/bun install names without a version (or with a dist-tag).
fn npm_unpinned(args: &[ShellWord]) -> Vec<&ShellWord> {
    let value_options = [
        "--prefix",
        "--registry",
        "--cache",
        "--omit",
        "--include",
        "-w",
        "--workspace",
        "--tag",
        "--filter",
        "--dir",
        "-C",
        "--global-folder",
        "--network-timeout",
    ];
    operands(args, &value_options)
        .into_iter()
        .filter(|w| {
            let v = w.value.as_str();
            if v.contains('$') || is_path(v) || v.contains("://") || v.contains(':') {
                return false;
            }
            // `@scope/name@version`: the version follows the last `@` after position 0.
            let version = v.rfind('@').filter(|&i| i > 0).map(|i| &v[i + 1..]);
            match version {
                None => true,
                Some(ver) => {
                    ver.is_empty()
                        || ver
                            .starts_with(|c: char| c.is_ascii_alphabetic() && c != 'v' && c != 'x')
                }
            }
        })
        .collect()
}

/// What an install command installs without a version, by installer.
pub fn unpinned(cmd: &SimpleCommand) -> Option<(String, Vec<&ShellWord>)> {
    let words = cmd.program();
    let name = cmd.program_name()?;
    let arg = |i: usize| words.get(i).map(|w| w.value.as_str());
    let is_python = name.starts_with("python") || name == "py";
    let (label, rest): (String, &[ShellWord]) = if (name.starts_with("pip")
        && arg(1) == Some("install"))
        || (name == "pipx" && arg(1) == Some("install"))
    {
        (format!("{name} install"), &words[2..])
    } else if is_python
        && arg(1) == Some("-m")
        && arg(2).is_some_and(|m| m.starts_with("pip"))
        && arg(3) == Some("install")
    {
        ("pip install".into(), &words[4..])
    } else if name == "uv"
        && matches!(arg(1), Some("pip") | Some("tool"))
        && arg(2) == Some("install")
    {
        (
            format!("uv {} install", arg(1).unwrap_or_default()),
            &words[3..],
        )
    } else if matches!(name, "npm" | "pnpm" | "bun")
        && matches!(arg(1), Some("install" | "i" | "add" | "isntall"))
    {
        (
            format!("{name} {}", arg(1).unwrap_or_default()),
            &words[2..],
        )
    } else if name == "yarn" && arg(1) == Some("add") {
        ("yarn add".into(), &words[2..])
    } else if name == "yarn" && arg(1) == Some("global") && arg(2) == Some("add") {
        ("yarn global add".into(), &words[3..])
    } else if name == "gem" && arg(1) == Some("install") {
        let rest = &words[2..];
        if has_option(rest, &["-v", "--version", "-g", "--file"]) {
            return None;
        }
        let value_options = [
            "-i",
            "--install-dir",
            "-n",
            "--bindir",
            "--source",
            "-s",
            "-P",
            "--trust-policy",
            "--platform",
        ];
        let found = operands(rest, &value_options)
            .into_iter()
            .filter(|w| !w.value.contains('$') && !w.value.contains(':') && !is_path(&w.value))
            .collect();
        return Some(("gem install".into(), found));
    } else if name == "go" && arg(1) == Some("install") {
        let found = operands(
            &words[2..],
            &[
                "-o", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile", "-C", "-p",
            ],
        )
        .into_iter()
        .filter(|w| {
            let v = w.value.as_str();
            !v.contains('$')
                && !v.starts_with('.')
                && !v.starts_with('/')
                && match v.rsplit_once('@') {
                    Some((_, ver)) => matches!(ver, "latest" | "master" | "main" | "HEAD" | ""),
                    None => v.split('/').next().is_some_and(|host| host.contains('.')),
                }
        })
        .collect();
        return Some(("go install".into(), found));
    } else if name == "cargo" && arg(1) == Some("install") {
        let rest = &words[2..];
        if has_option(rest, &["--version", "--vers", "--path", "--rev", "--tag"]) {
            return None;
        }
        if has_option(rest, &["--git"]) {
            return Some((
                "cargo install --git".into(),
                rest.iter()
                    .filter(|w| w.value == "--git" || w.value.starts_with("--git="))
                    .collect(),
            ));
        }
        let value_options = [
            "--root",
            "--index",
            "--registry",
            "--features",
            "-F",
            "--target",
            "--target-dir",
            "--profile",
            "-j",
            "--jobs",
            "--bin",
            "--example",
            "--config",
            "-Z",
            "--branch",
        ];
        let found = operands(rest, &value_options)
            .into_iter()
            .filter(|w| !w.value.contains('@') && !w.value.contains('$'))
            .collect();
        return Some(("cargo install".into(), found));
    } else {
        return None;
    };
    let found =
        if label.starts_with("pip") || label.starts_with("uv") || label.starts_with("python") {
            pip_unpinned(rest)
        } else {
            npm_unpinned(rest)
        };
    Some((label, found))
}

impl Rule for UnpinnedPackageInstall {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        for (_, inst) in runs(df) {
            for script in run_scripts(cx.source, inst) {
                for cmd in script.commands() {
                    let Some((label, words)) = unpinned(cmd) else {
                        continue;
                    };
                    for w in words {
                        let span = script.file_span(w.span.clone(), inst.keyword_span.clone());
                        cx.report(
                            &Self::META,
                            span,
                            format!("`{label}` of `{}` without a version", w.value),
                            "pin it (`name==1.2.3`, `name@1.2.3`, `-v 1.2.3`), or install from a pinned requirements or lock file",
                        )
                        .statement(inst.span.start);
                    }
                }
            }
        }
    }
}
