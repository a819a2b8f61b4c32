//! DKR001 root-user.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::user::script_drops_privileges;
pub(crate) use crate::lang::dockerfile::user::{drops_privileges_itself, non_root_base};
use crate::repo::RepoIndex;
use crate::rule::{RepoContext, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final stage runs as root: it sets no `USER` (and is not
    /// built on an image that is already non-root), or its last `USER` is `root` or `0`.
    ///
    /// ## Why it matters in production
    /// A process that runs as root inside the container turns any remote code execution
    /// bug into root in the container, one kernel or runtime bug away from the host. Most
    /// orchestrators can enforce `runAsNonRoot`, and then a root image does not start
    /// at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home --uid 10001 app
    /// COPY --chown=app . /app
    /// USER app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Known limits
    /// Only the final stage is checked; earlier stages never run in production. A last
    /// stage named for tests (`AS test`, `AS concourse_tests`, `AS ci`) after one that
    /// is not is where CI runs the suite, and one named for development (`AS dev`,
    /// `AS local`) is where Compose runs the working copy: the stage before it is taken
    /// for the image. Unless the repository's CI says which stage it publishes (a
    /// `docker/build-push-action` step that pushes, or `docker build` with `--push` or in
    /// a job that pushes, with their `file` and `target`): then that stage is the image
    /// (the last one when no target is named, whatever its name), and a file whose
    /// builds publish only stages named for development (`target: dev`) is a
    /// development image, not checked. The same holds for every rule about the final
    /// stage (DKR003, DKR004). A
    /// `USER` inherited from an earlier stage of the same file counts. Images that say
    /// neither what to run nor what to expose (`CMD`, `ENTRYPOINT`, `EXPOSE`), such as
    /// artifact-only `FROM scratch` stages and CI check stages, are not checked; nor are
    /// Windows images, or bases named by a variable without a default; nor an image whose
    /// command is a bare shell (`CMD ["/bin/bash"]`: a base, builder or toolbox image that
    /// someone opens a shell in, not a service). Base images that
    /// are non-root by default are recognised by name (`:nonroot` tags,
    /// `cgr.dev/chainguard/*`, `bitnami/*`, `jupyter/*`, `nginx-unprivileged`,
    /// `jenkins/jenkins`, `quay.io/keycloak/keycloak`, Elastic's `elasticsearch`,
    /// `kibana` and `logstash`); so are official images whose entrypoint drops privileges
    /// itself (`postgres`, `redis`, `mysql`, `mongo`, `rabbitmq`, ClickHouse's
    /// `clickhouse-server`, …), and `nginx` and `httpd`, whose request-serving workers
    /// run unprivileged, when the Dockerfile keeps their `ENTRYPOINT`. A final stage that installs `gosu`, `su-exec`,
    /// `setpriv`, `s6-setuidgid`, `chpst` or `runuser` is assumed to drop privileges in
    /// its entrypoint. So is an image whose command, or the repository's shell script it
    /// starts (`ENTRYPOINT ["./start.sh"]`), switches user (`exec gosu app "$@"`, `su
    /// app -c …`), tells the server to (`gunicorn --user app`, `uwsgi --uid app`,
    /// `ssserver -a nobody`), hands over to the entrypoint of such an official image
    /// (`docker-entrypoint.sh "$@"` on `postgres`), or runs the AWS Lambda runtime client
    /// (`python -m awslambdaric`: Lambda runs images as its own unprivileged user),
    /// or gives its files to a named user that it does not create, on an organisation's
    /// own base image (`FROM ghcr.io/org/python-base` with `COPY --chown=app . .` and no
    /// `useradd`: the base made that user, and ends with `USER app`; a Docker Official
    /// Image has no such user and the build would fail, and `node`'s `node` user, which
    /// it does not run as, is not taken for it),
    /// unless the script also starts a process in the background as root (`clamd &`
    /// before `gunicorn --user app`: only gunicorn's workers drop). `USER $VAR` is trusted. Dockerfiles that build no production image are skipped (see below).
    /// Images built from another Dockerfile of the same repository are not followed
    /// (measured on real services, the base image's Dockerfile often sets no `USER`
    /// either, and is itself no image that runs, so only this one can say it); a
    /// final stage built on a bare name that no registry serves (`FROM base`, not a
    /// Docker Official Image: a `docker buildx bake` context or a local build) is not
    /// checked, since its `USER` is set where this file does not show.
    pub RootUser,
    code = "DKR001", name = "root-user", category = Container, severity = Warning,
    security = true,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    default = false,
    reads = [FileKind::Dockerfile, FileKind::Text],
}

impl Rule for RootUser {
    /// Each Dockerfile is judged on its own facts: a partial scan is checked too.
    fn needs_whole_project(&self) -> bool {
        false
    }

    /// The shell scripts images start with.
    fn wants_file(&self, rel_path: &str) -> bool {
        rel_path.ends_with(".sh")
    }

    fn has_repo_check(&self) -> bool {
        true
    }

    fn check_repo(&self, repo: &RepoIndex, cx: &mut RepoContext<'_>) {
        for (src, facts) in repo.parsed() {
            let Some(docker) = &facts.docker else {
                continue;
            };
            let Some(root) = docker.root.as_ref().filter(|_| !docker.dev_image) else {
                continue;
            };
            let script = docker
                .entry_script
                .as_ref()
                .and_then(|e| repo.entry_script(e, ".sh"));
            if script.is_some_and(|(s, _)| script_drops_privileges(&s.text, &root.base)) {
                continue;
            }
            match &root.user {
                Some(user) => cx.report(
                    &Self::META,
                    &src.rel_path,
                    root.span.clone(),
                    format!("the final stage runs as `{user}`"),
                    "switch to an unprivileged user after the steps that need root, e.g. `USER 10001`",
                ),
                None => cx.report(
                    &Self::META,
                    &src.rel_path,
                    root.span.clone(),
                    "the final stage sets no `USER`, so the container runs as root",
                    "create an unprivileged user and add `USER <name>` before `CMD`",
                ),
            };
        }
    }
}
