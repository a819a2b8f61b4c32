//! DEP006 unpinned-package-install.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::Dockerfile;
use crate::lang::manifest::requirements::{Entry, parse_requirement, url_pinned};
use crate::lang::shell::{ShellWord, SimpleCommand};
use crate::rule::{Context, Rule};
use crate::rules::docker::all_run_scripts;

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
    /// installer itself (`pip install -U pip setuptools wheel`, `npm install -g
    /// yarn`, `pnpm`, `corepack`) is not flagged, nor is
    /// the rest of the toolchain that runs a build without becoming part of it (`uv`,
    /// `virtualenv`, `poetry`, `pdm`, `pipenv`, `hatch`, `hatchling`, `flit`,
    /// `packaging`, `build`, `setuptools-scm`, `twine`, `cmake`, `ninja`; `cargo install
    /// cargo-chef`, `sccache`): a new release changes how the image is built, not what
    /// it runs, and a breaking one fails the build. Code generators and headers whose
    /// output ships (`Cython`, `pybind11`, `grpcio-tools`) are flagged. Nor is
    /// `pip install --no-index --find-links DIR` (the local wheelhouse pins what can be
    /// installed). `go install pkg` and `go run pkg` without `@version` take their
    /// version from the module's `go.mod`: only `@latest` or a branch is flagged (and
    /// `go get pkg` without a version, which fetches the latest release). npm dependencies from
    /// git (`git+https://…`, `github:owner/repo`) must name a commit or a version tag
    /// after `#`. Words after `--` are not packages.
    ///
    /// Unlike hadolint (DL3013, DL3062), `pipenv install black` is flagged (it resolves
    /// the latest `black` and writes it to the `Pipfile`), and `go install`/`go run`
    /// without `@version` are not (the module's `go.mod` pins them).
    ///
    /// An unquoted comparison is a shell redirection, not a version:
    /// `pip install flask>=2.0` installs the latest `flask` and writes pip's output to
    /// a file named `=2.0`. It is flagged with a message that says so; quote it
    /// (`"flask>=2.0"`).
    pub UnpinnedPackageInstall,
    code = "DEP006", name = "unpinned-package-install", category = Dependencies, severity = Warning,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
    reads = [FileKind::Dockerfile],
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
        // Words after `--` are handed on (to a script, a build), not installed.
        if v == "--" {
            break;
        }
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
            ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip",
            ".gem", ".deb", ".rpm", ".apk", ".crate",
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
    // `--no-index --find-links DIR`: only the wheels in DIR can be installed, and the
    // wheelhouse is what pins them.
    if has_option(args, &["--no-index"]) && has_option(args, &["-f", "--find-links"]) {
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
            Entry::Requirement(r) if r.specifier.is_empty() && !is_build_tooling(&r.key) => {
                out.push(w);
            }
            Entry::Url { pinned: false, .. } => out.push(w),
            _ => {}
        }
    }
    out
}

/// Python packages that install or drive a build and are not part of what it builds
/// (PEP 503 names): the installers and environment managers (`pip`, `uv`,
/// `virtualenv`, and `poetry`, `pdm`, `pipenv`, which then install from their lock
/// files), the build back ends and their front ends (`hatch`, `hatchling`,
/// `hatch-vcs`, `flit`, `flit-core`), the packaging toolchain
/// (`setuptools`, `wheel`, `packaging`, `build`, `setuptools-scm`, `twine`, which
/// checks or uploads what was built) and native build
/// drivers (`cmake`, `ninja`). A new release changes how the build runs, not the code
/// it produces, and a breaking one fails the build. Code generators and headers that
/// end up in the artefact (`cython`, `pybind11`, `grpcio-tools`) are not on the list.
fn is_build_tooling(key: &str) -> bool {
    matches!(
        key,
        "" | "pip"
            | "uv"
            | "virtualenv"
            | "poetry"
            | "pdm"
            | "pipenv"
            | "hatch"
            | "hatchling"
            | "hatch-vcs"
            | "flit"
            | "flit-core"
            | "setuptools"
            | "wheel"
            | "packaging"
            | "build"
            | "setuptools-scm"
            | "twine"
            | "cmake"
            | "ninja"
    )
}

/// Rust tools that only cache or prepare a build (`cargo-chef`, `sccache`): their
/// version does not change the binary built.
fn is_cargo_build_tooling(name: &str) -> bool {
    matches!(name, "cargo-chef" | "sccache")
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
        "--loglevel",
        "--location",
        "--userconfig",
        "--save-prefix",
        "--before",
        "--install-strategy",
        "--cache-folder",
        "--modules-folder",
        "--mutex",
        "--store-dir",
        "--reporter",
    ];
    operands(args, &value_options)
        .into_iter()
        .filter(|w| {
            let v = w.value.as_str();
            if v.contains('$') || is_path(v) {
                return false;
            }
            // The package managers themselves (`npm install -g yarn`, `npm i -g
            // npm@latest`): installers, like pip and uv, that run the build.
            let name = v.rfind('@').filter(|&i| i > 0).map_or(v, |i| &v[..i]);
            if matches!(name, "npm" | "yarn" | "pnpm" | "corepack") {
                return false;
            }
            if is_git_spec(v) {
                return !git_spec_pinned(v);
            }
            if v.contains("://") || v.contains(':') {
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

/// An npm dependency fetched from git: `git+https://…`, `git://…`, `git+ssh://…`,
/// `github:owner/repo`, `gitlab:…`, `bitbucket:…`.
fn is_git_spec(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    [
        "git+",
        "git://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || (lower.contains("://") && lower.split('#').next().is_some_and(|u| u.ends_with(".git")))
}

/// Whether a git dependency names a commit or a version (`#<sha>`, `#v1.2.3`,
/// `#semver:^1.2`); a branch or no fragment follows whatever is pushed next.
fn git_spec_pinned(v: &str) -> bool {
    let Some((_, fragment)) = v.split_once('#') else {
        return false;
    };
    let fragment = fragment.strip_prefix("commit=").unwrap_or(fragment);
    let hex = fragment.len() >= 7 && fragment.bytes().all(|b| b.is_ascii_hexdigit());
    hex || fragment.starts_with("semver:") || is_version_ref(fragment)
}

/// `v1.2.3`, `1.2`, `v2`: a version tag rather than a branch name.
fn is_version_ref(r: &str) -> bool {
    let r = r.strip_prefix('v').unwrap_or(r);
    r.starts_with(|c: char| c.is_ascii_digit())
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
    } else if name == "gem" && matches!(arg(1), Some("install" | "i")) {
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
            .filter(|w| {
                let v = w.value.as_str();
                // `true`/`false` are the values of options this list does not know.
                !v.contains('$')
                    && !v.contains(':')
                    && !is_path(v)
                    && !matches!(v, "true" | "false")
            })
            .collect();
        return Some(("gem install".into(), found));
    } else if name == "go" && matches!(arg(1), Some("install" | "run" | "get")) {
        let sub = arg(1).unwrap_or_default();
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
                    Some((_, ver)) => {
                        let hex = ver.len() >= 12 && ver.bytes().all(|b| b.is_ascii_hexdigit());
                        !(hex || is_version_ref(ver))
                    }
                    // Without `@version`, `go install` and `go run` take the version
                    // from the enclosing module's `go.mod`; `go get` fetches the
                    // latest release and writes it there.
                    None => sub == "get" && v.split('/').next().is_some_and(|h| h.contains('.')),
                }
        })
        .collect();
        return Some((format!("go {sub}"), found));
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
            .filter(|w| {
                !w.value.contains('@')
                    && !w.value.contains('$')
                    && !is_cargo_build_tooling(&w.value)
            })
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
        for (inst, script) in all_run_scripts(df, cx.source) {
            for cmd in script.commands() {
                let Some((label, words)) = unpinned(cmd) else {
                    continue;
                };
                // The packages of one command are one problem, with one fix: one finding,
                // at the first of them.
                let mut plain = Vec::new();
                for w in words {
                    let span = script.file_span(w.span.clone(), inst.keyword_span.clone());
                    // `pip install flask>=2.0` unquoted: the shell reads `>=2.0` as
                    // a redirection, installs `flask` unpinned and writes `=2.0`.
                    let redirect = cmd
                        .words
                        .iter()
                        .find(|r| r.span.start == w.span.end && r.value.starts_with(['<', '>']));
                    let Some(r) = redirect else {
                        plain.push((span, w.value.as_str()));
                        continue;
                    };
                    let message = format!(
                        "`{label}` of `{}` without a version: the unquoted `{}` is a shell redirection, so `{}` installs unpinned and its output goes to a file named `{}`",
                        w.value,
                        r.value,
                        w.value,
                        r.value.trim_start_matches(['<', '>'])
                    );
                    let fix = format!("quote the requirement: `\"{}{}\"`", w.value, r.value);
                    cx.report(&Self::META, span, message, fix)
                        .statement(inst.span.start);
                }
                if let Some((span, _)) = plain.first() {
                    let names: Vec<String> = plain
                        .iter()
                        .take(3)
                        .map(|(_, n)| format!("`{n}`"))
                        .collect();
                    let more = match plain.len() {
                        0..=3 => String::new(),
                        n => format!(" and {} more", n - 3),
                    };
                    let message =
                        format!("`{label}` of {}{more} without a version", names.join(", "));
                    cx.report(
                        &Self::META,
                        span.clone(),
                        message,
                        "pin it (`name==1.2.3`, `name@1.2.3`, `-v 1.2.3`), or install from a pinned requirements or lock file",
                    )
                    .statement(inst.span.start);
                }
            }
        }
    }
}
