//! DKR001 root-user.

use super::{
    base_image, final_chain, is_runnable, is_windows_image, last_in_chain, resolve_image,
    runs_only_a_shell,
};
use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::dockerfile::{Dockerfile, Keyword, Stage};
use crate::rule::{Context, Rule};

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
    /// is not is where CI runs the suite: the stage before it is taken for the image. A
    /// `USER` inherited from an earlier stage of the same file counts. Images that say
    /// neither what to run nor what to expose (`CMD`, `ENTRYPOINT`, `EXPOSE`), such as
    /// artifact-only `FROM scratch` stages and CI check stages, are not checked; nor are
    /// Windows images, or bases named by a variable without a default; nor an image whose
    /// command is a bare shell (`CMD ["/bin/bash"]`: a base, builder or toolbox image that
    /// someone opens a shell in, not a service). Base images that
    /// are non-root by default are recognised by name (`:nonroot` tags,
    /// `cgr.dev/chainguard/*`, `bitnami/*`, `jupyter/*`, `nginx-unprivileged`,
    /// `jenkins/jenkins`, Elastic's `elasticsearch`, `kibana` and `logstash`); so are official images whose entrypoint drops privileges
    /// itself (`postgres`, `redis`, `mysql`, `mongo`, `rabbitmq`, ClickHouse's
    /// `clickhouse-server`, …), and `nginx` and `httpd`, whose request-serving workers
    /// run unprivileged, when the Dockerfile keeps their `ENTRYPOINT`. A final stage that installs `gosu`, `su-exec`,
    /// `setpriv`, `s6-setuidgid`, `chpst` or `runuser` is assumed to drop privileges in
    /// its entrypoint. `USER $VAR` is trusted. Dockerfiles that build no production image are skipped (see below).
    /// Images built from another Dockerfile of the same repository are not followed; a
    /// final stage built on a bare name that no registry serves (`FROM base`, not a
    /// Docker Official Image: a `docker buildx bake` context or a local build) is not
    /// checked, since its `USER` is set where this file does not show.
    pub RootUser,
    code = "DKR001", name = "root-user", category = Container, severity = Warning,
    security = true,
    skips = crate::roles::Role::NOT_SHIPPED_IMAGE,
    reads = [FileKind::Dockerfile],
}

impl Rule for RootUser {
    fn check_dockerfile(&self, df: &Dockerfile, cx: &mut Context<'_>) {
        let chain = final_chain(df);
        let Some(last_stage) = chain.first() else {
            return;
        };
        if !is_runnable(df, &chain) || runs_only_a_shell(df, &chain) {
            return;
        }
        // The base image, with ARG defaults resolved; unknown when a variable has none.
        let Some(base) = base_image(df, &chain).and_then(|b| resolve_image(df, b)) else {
            return;
        };
        // A base no registry serves (`FROM base`: a bake context, a local build) sets
        // its own `USER` in files this one does not show.
        if is_windows_image(&base) || crate::lang::dockerfile::is_local_image(&base) {
            return;
        }
        // The last USER along the chain, nearest stage first.
        let last_user = chain.iter().find_map(|s| {
            df.stage_instructions(s)
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::User)
        });
        match last_user {
            Some(user) => {
                let Some(word) = user.text() else { return };
                let name = word.value.split(':').next().unwrap_or("").trim();
                // `USER root` so that the entrypoint can drop to the app user with
                // gosu/su-exec/setpriv (ArchiveBox, most official images).
                if (name == "root" || name == "0") && !drops_privileges(df, &chain, &cx.source.text)
                {
                    cx.report(
                        &Self::META,
                        user.span.clone(),
                        format!("the final stage runs as `{}`", word.value.trim()),
                        "switch to an unprivileged user after the steps that need root, e.g. `USER 10001`",
                    );
                }
            }
            None => {
                let own_entrypoint = last_in_chain(df, &chain, Keyword::Entrypoint).is_some();
                if non_root_base(&base)
                    || (!own_entrypoint && drops_privileges_itself(&base))
                    || drops_privileges(df, &chain, &cx.source.text)
                {
                    return;
                }
                let from = df.from_instruction(last_stage);
                cx.report(
                    &Self::META,
                    from.span.clone(),
                    "the final stage sets no `USER`, so the container runs as root",
                    "create an unprivileged user and add `USER <name>` before `CMD`",
                );
            }
        }
    }
}

/// Image name without tag or digest, and its tag.
fn name_and_tag(image: &str) -> (String, String) {
    let lower = image.to_ascii_lowercase();
    let no_digest = lower.split('@').next().unwrap_or("").to_string();
    match no_digest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n.to_string(), t.to_string()),
        _ => (no_digest, String::new()),
    }
}

/// Base images whose default user is not root, or that never run as root (AWS Lambda
/// runs every image as an unprivileged user).
pub(crate) fn non_root_base(image: &str) -> bool {
    let (name, tag) = name_and_tag(image);
    let name = name.strip_prefix("docker.io/").unwrap_or(&name);
    tag.contains("nonroot")
        || name.starts_with("public.ecr.aws/lambda/")
        || name.starts_with("amazon/aws-lambda-")
        || name.starts_with("cgr.dev/chainguard/")
        || name.starts_with("bitnami/")
        || name.starts_with("jupyter/")
        || name.starts_with("quay.io/jupyter/")
        || name == "nginxinc/nginx-unprivileged"
        || name.ends_with("/nginx-unprivileged")
        || name == "jenkins/jenkins"
        || name == "jenkins/inbound-agent"
        // Elastic's images set `USER elasticsearch` (`kibana`, `logstash`).
        || name.starts_with("docker.elastic.co/")
        || matches!(name, "elasticsearch" | "library/elasticsearch" | "kibana" | "logstash")
}

/// Official images whose entrypoint starts the server as an unprivileged user (with
/// `gosu` or the server's own `user` setting), as long as the Dockerfile keeps it.
pub(crate) fn drops_privileges_itself(image: &str) -> bool {
    const OFFICIAL: [&str; 18] = [
        // The master process binds the port; the workers that serve requests run as
        // the image's `nginx` (`www-data`) user.
        "nginx",
        "httpd",
        "postgres",
        "redis",
        "mysql",
        "mariadb",
        "mongo",
        "rabbitmq",
        "elasticsearch",
        "cassandra",
        "couchdb",
        "memcached",
        "zookeeper",
        "solr",
        "influxdb",
        "neo4j",
        "percona",
        "couchbase",
    ];
    let (name, _) = name_and_tag(image);
    // The official images, from Docker Hub or a mirror of its `library/` namespace
    // (Amazon ECR Public, Google's mirror).
    let name = ["docker.io/", "public.ecr.aws/docker/", "mirror.gcr.io/"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(&name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    // ClickHouse's own image (its entrypoint runs the server with `clickhouse su`).
    OFFICIAL.contains(&name)
        || matches!(
            name,
            "clickhouse/clickhouse-server" | "yandex/clickhouse-server"
        )
}

/// Whether the final stage installs or copies in a privilege-dropping helper for its
/// entrypoint (`gosu`, `su-exec`, `setpriv`).
fn drops_privileges(df: &Dockerfile, chain: &[&Stage], text: &str) -> bool {
    const TOOLS: [&str; 6] = [
        "gosu",
        "su-exec",
        "setpriv",
        "s6-setuidgid",
        "chpst",
        "runuser",
    ];
    let mentions = |i: &crate::lang::dockerfile::Instruction| {
        matches!(
            i.keyword,
            Keyword::Run | Keyword::Copy | Keyword::Add | Keyword::Arg | Keyword::Env
        ) && text
            .get(i.span.clone())
            .is_some_and(|t| TOOLS.iter().any(|tool| t.contains(tool)))
    };
    // Global ARGs (a package list in a variable) count too.
    let globals = df.stages.first().map_or(0, |s| s.from);
    df.instructions[..globals].iter().any(mentions)
        || chain
            .iter()
            .any(|s| df.stage_instructions(s).iter().any(mentions))
}
