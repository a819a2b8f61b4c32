//! The images a CI job builds from the repository's Dockerfiles and publishes: which
//! Dockerfile, and which of its stages (`--target`). What ships is what a Dockerfile
//! rule should judge (see [`crate::lang::dockerfile::DockerFacts::shipped`]).

use crate::lang::shell;
use crate::source::join_path;

/// The stage an image build stops at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum BuildTarget {
    /// No `--target`: the last stage.
    Last,
    /// `--target name`.
    Stage(String),
    /// A target an expression or variable decides.
    Unknown,
}

impl BuildTarget {
    fn of(value: Option<&str>) -> BuildTarget {
        match value.map(str::trim) {
            None | Some("") => BuildTarget::Last,
            Some(v) if v.contains('$') => BuildTarget::Unknown,
            Some(v) => BuildTarget::Stage(v.to_string()),
        }
    }
}

/// An image a CI job builds and publishes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShippedBuild {
    /// The Dockerfile, relative to the repository's root.
    pub dockerfile: String,
    pub target: BuildTarget,
}

/// The builds of one job, and whether the job publishes what it builds.
#[derive(Debug, Default)]
pub struct JobBuilds {
    /// Each build, with whether it publishes the image itself (`--push`,
    /// `push: true`).
    builds: Vec<(ShippedBuild, bool)>,
    /// The job pushes images (`docker push`, `podman push`, `buildah push`).
    pushes: bool,
}

impl JobBuilds {
    /// A shell script of the job, run in `dir` (relative to the root, "" for the root).
    pub fn script(&mut self, script: &str, dir: &str) {
        for cmd in shell::split(script) {
            let words: Vec<&str> = cmd.program().iter().map(|w| w.value.as_str()).collect();
            if is_push(&words) {
                self.pushes = true;
            } else if let Some(build) = build(&words, dir) {
                self.builds.push(build);
            }
        }
    }

    /// A build action's step (`docker/build-push-action`): its `with:` values.
    pub fn action(&mut self, with: &dyn Fn(&str) -> Option<String>) {
        let context = with("context").unwrap_or_default();
        // `{{defaultContext}}:dir`: a subdirectory of the Git context; an expression
        // or a remote context: the file cannot be told.
        if context.contains("${{") || context.contains("{{") || context.contains("://") {
            return;
        }
        let dockerfile = match with("file") {
            Some(f) => join_path("", &f),
            None => join_path(&context, "Dockerfile"),
        };
        if dockerfile.contains('$') || dockerfile.is_empty() {
            return;
        }
        let truthy = |v: Option<String>| {
            v.is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("true") || v.starts_with("${{")
            })
        };
        let outputs = with("outputs").unwrap_or_default();
        let pushes = truthy(with("push"))
            || outputs.contains("type=registry")
            || outputs.contains("push=true");
        let target = BuildTarget::of(with("target").as_deref());
        self.builds
            .push((ShippedBuild { dockerfile, target }, pushes));
    }

    /// The builds that publish their image: those that push it themselves, or all of
    /// the job's when it pushes images.
    pub fn shipped(self) -> impl Iterator<Item = ShippedBuild> {
        let pushes = self.pushes;
        self.builds
            .into_iter()
            .filter(move |(_, own)| pushes || *own)
            .map(|(b, _)| b)
    }
}

/// `docker push`, `docker image push`, `podman push`, `buildah push`.
fn is_push(words: &[&str]) -> bool {
    let Some(program) = words.first().map(|p| p.rsplit('/').next().unwrap_or(p)) else {
        return false;
    };
    let mut rest = words[1..].iter().filter(|w| **w != "image");
    matches!(program, "docker" | "podman" | "buildah") && rest.next() == Some(&"push")
}

/// Options of `docker build` (and `buildx build`, `podman build`, `buildah build`)
/// that take a value as the next word.
const VALUED: &[&str] = &[
    "-f",
    "--file",
    "-t",
    "--tag",
    "--target",
    "--build-arg",
    "--build-context",
    "--platform",
    "--label",
    "--cache-from",
    "--cache-to",
    "--secret",
    "--ssh",
    "-o",
    "--output",
    "--progress",
    "--network",
    "--iidfile",
    "--metadata-file",
    "--add-host",
    "--shm-size",
    "--ulimit",
    "-m",
    "--memory",
    "--annotation",
    "--attest",
    "--builder",
    "--allow",
    "--format",
    "--layers",
    "--jobs",
    "--manifest",
    "--authfile",
];

/// `docker build -f docker/Dockerfile --target prod .`, with whether it pushes
/// (`--push`, `--output type=registry`).
fn build(words: &[&str], dir: &str) -> Option<(ShippedBuild, bool)> {
    let program = words.first().map(|p| p.rsplit('/').next().unwrap_or(p))?;
    let rest: Vec<&str> = match program {
        "docker" | "podman" => {
            let mut it = words[1..]
                .iter()
                .copied()
                .skip_while(|w| matches!(*w, "buildx" | "image"));
            match it.next() {
                Some("build") => it.collect(),
                _ => return None,
            }
        }
        "buildah" if matches!(words.get(1), Some(&"bud" | &"build")) => words[2..].to_vec(),
        _ => return None,
    };
    let (mut file, mut target, mut context, mut pushes) = (None, None, None, false);
    let mut it = rest.iter().copied();
    while let Some(w) = it.next() {
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v)),
            _ => (w, None),
        };
        if matches!(w, "<" | ">" | ">>" | "2>" | "2>>" | "&>") {
            // A redirection and its file (`docker build - < Dockerfile`).
            if w == "<" {
                context = Some("-");
            }
            it.next();
        } else if name == "--push" {
            pushes = true;
        } else if VALUED.contains(&name) {
            let value = inline.or_else(|| it.next());
            match name {
                "-f" | "--file" => file = value,
                "--target" => target = value,
                "-o" | "--output" => {
                    pushes |= value
                        .is_some_and(|v| v.contains("type=registry") || v.contains("push=true"))
                }
                _ => {}
            }
        } else if !w.starts_with('-') {
            context = Some(w);
        }
    }
    let context = context?;
    if context == "-" || context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let dockerfile = match file {
        Some("-") => return None,
        Some(f) => join_path(dir, f),
        None => join_path(&join_path(dir, context), "Dockerfile"),
    };
    if dockerfile.contains('$') {
        return None;
    }
    let build = ShippedBuild {
        dockerfile,
        target: BuildTarget::of(target),
    };
    Some((build, pushes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(scripts: &[(&str, &str)]) -> Vec<ShippedBuild> {
        let mut job = JobBuilds::default();
        for (s, dir) in scripts {
            job.script(s, dir);
        }
        job.shipped().collect()
    }

    fn build(dockerfile: &str, target: BuildTarget) -> ShippedBuild {
        ShippedBuild {
            dockerfile: dockerfile.into(),
            target,
        }
    }

    #[test]
    fn a_build_ships_when_its_job_pushes() {
        let s = shipped(&[
            (
                "docker build -f docker/Dockerfile --target prod -t app:1 .",
                "",
            ),
            ("docker push app:1", ""),
        ]);
        assert_eq!(
            s,
            [build(
                "docker/Dockerfile",
                BuildTarget::Stage("prod".into())
            )]
        );
        // Built to run the tests in, never pushed: it does not ship.
        assert!(shipped(&[("docker build --target test -t app .", "")]).is_empty());
    }

    #[test]
    fn buildx_push_and_output_flags_ship_the_build() {
        assert_eq!(
            shipped(&[(
                "docker buildx build --push --platform linux/amd64 -t a/b web",
                ""
            )]),
            [build("web/Dockerfile", BuildTarget::Last)]
        );
        assert_eq!(
            shipped(&[(
                "docker buildx build --output=type=registry --target=$T .",
                "srv"
            )]),
            [build("srv/Dockerfile", BuildTarget::Unknown)]
        );
        assert_eq!(
            shipped(&[("podman build -f ../Containerfile . && podman push x", "app")]),
            [build("Containerfile", BuildTarget::Last)]
        );
    }

    #[test]
    fn builds_that_cannot_be_told_are_left_out() {
        let s = shipped(&[
            ("docker build -f $DOCKERFILE . --push", ""),
            ("docker build - < Dockerfile --push", ""),
            ("docker build https://github.com/a/b.git --push", ""),
            ("docker push a", ""),
        ]);
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn a_build_action_ships_when_it_pushes() {
        let with = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let mut job = JobBuilds::default();
        job.action(&with(&[("push", "true"), ("file", "./docker/Dockerfile")]));
        job.action(&with(&[
            ("push", "${{ github.event_name != 'pull_request' }}"),
            ("context", "api"),
            ("target", "runtime"),
        ]));
        job.action(&with(&[("context", "."), ("load", "true")]));
        job.action(&with(&[("push", "true"), ("file", "${{ matrix.file }}")]));
        assert_eq!(
            job.shipped().collect::<Vec<_>>(),
            [
                build("docker/Dockerfile", BuildTarget::Last),
                build("api/Dockerfile", BuildTarget::Stage("runtime".into())),
            ]
        );
    }
}
