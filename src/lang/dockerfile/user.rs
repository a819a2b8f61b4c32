//! Who the process an image starts runs as: the fact DKR001 and DPL003 read.

use super::{Dockerfile, Instruction, Keyword, Stage, is_local_image, name_and_tag, stages};
use crate::source::Span;

/// The final stage of a Dockerfile runs its process as root, as far as the file shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RootUse {
    /// The `USER root` instruction, or the final stage's `FROM` when it sets no `USER`.
    pub span: Span,
    /// The user as written (`root`, `0:0`), or `None` when no `USER` is set.
    pub user: Option<String>,
    /// The final stage's base image, `ARG` defaults resolved.
    pub base: String,
}

/// Whether `df`'s final stage runs as root: it sets no `USER` (and is not built on an
/// image that is already non-root or drops privileges itself), or its last `USER` is
/// `root` or `0`, and it installs no helper that drops privileges in its entrypoint
/// and its command drops none itself. Images that run nothing, Windows images and
/// local bases are not judged.
pub fn runs_as_root(df: &Dockerfile, text: &str) -> Option<RootUse> {
    let chain = stages::final_chain(df);
    let last_stage = chain.first()?;
    if !stages::is_runnable(df, &chain) || stages::runs_only_a_shell(df, &chain) {
        return None;
    }
    let base = stages::base_image(df, &chain).and_then(|b| stages::resolve_image(df, b))?;
    // A base no registry serves (`FROM base`: a bake context, a local build) sets its
    // own `USER` in files this one does not show.
    if stages::is_windows_image(&base) || is_local_image(&base) {
        return None;
    }
    if drops_privileges(df, &chain, text) || command_drops_privileges(df, &chain) {
        return None;
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
            let word = user.text()?;
            let name = word.value.split(':').next().unwrap_or("").trim();
            (name == "root" || name == "0").then(|| RootUse {
                span: user.span.clone(),
                user: Some(word.value.trim().to_string()),
                base,
            })
        }
        None => {
            let own_entrypoint = stages::last_in_chain(df, &chain, Keyword::Entrypoint).is_some();
            if non_root_base(&base)
                || (!own_entrypoint && drops_privileges_itself(&base))
                || base_user_in_use(df, &chain, text, &base)
            {
                return None;
            }
            Some(RootUse {
                span: df.from_instruction(last_stage).span.clone(),
                user: None,
                base,
            })
        }
    }
}

/// Base images whose default user is not root, or that never run as root (AWS Lambda
/// runs every image as an unprivileged user).
pub fn non_root_base(image: &str) -> bool {
    let (name, tag) = name_and_tag(image);
    let name = name.strip_prefix("docker.io/").unwrap_or(&name);
    tag.contains("nonroot")
        || name.starts_with("public.ecr.aws/lambda/")
        || name.starts_with("amazon/aws-lambda-")
        || name.starts_with("cgr.dev/chainguard/")
        || name.starts_with("bitnami/")
        // The same images through a registry's mirror or pull-through proxy
        // (`artifacts.example.org/docker-remote/bitnami/nginx`).
        || name.contains("/bitnami/")
        || name.contains("/chainguard/")
        || name.starts_with("jupyter/")
        || name.starts_with("quay.io/jupyter/")
        || name == "nginxinc/nginx-unprivileged"
        || name.ends_with("/nginx-unprivileged")
        || name == "jenkins/jenkins"
        || name == "jenkins/inbound-agent"
        // Keycloak's image sets `USER 1000`.
        || name == "quay.io/keycloak/keycloak"
        // Elastic's images set `USER elasticsearch` (`kibana`, `logstash`).
        || name.starts_with("docker.elastic.co/")
        || matches!(name, "elasticsearch" | "library/elasticsearch" | "kibana" | "logstash")
}

/// Images that ship a user of their own but run as root unless told otherwise: giving
/// files to their user says nothing about who runs the process.
const ROOT_IMAGES_WITH_USERS: [&str; 4] = [
    "mcr.microsoft.com/playwright",
    "mcr.microsoft.com/devcontainers/",
    "mcr.microsoft.com/vscode/devcontainers/",
    "cypress/",
];

/// Whether the final stage gives its files to a named user that neither it nor the
/// stages it builds on create (`COPY --chown=app . .` with no `useradd`), on a base
/// image of an organisation (not a Docker Official Image, which has no such user and
/// would fail the build): the base image made that user, and an image whose files
/// belong to its base's unprivileged user runs as it (an organisation's Python base
/// ending in `USER app`). A stage that creates users is judged by its own `USER`.
fn base_user_in_use(df: &Dockerfile, chain: &[&Stage], text: &str, base: &str) -> bool {
    let name = super::image_name(base);
    let official_mirror = ["public.ecr.aws/docker/", "mirror.gcr.io/"]
        .iter()
        .any(|p| name.starts_with(p));
    if !name.contains('/')
        || official_mirror
        || ROOT_IMAGES_WITH_USERS.iter().any(|p| name.starts_with(p))
    {
        return false;
    }
    let instructions = || chain.iter().flat_map(|s| df.stage_instructions(s));
    let chowns_to_a_name = instructions().any(|i| {
        matches!(i.keyword, Keyword::Copy | Keyword::Add)
            && i.flag("chown")
                .and_then(|f| f.value.as_ref())
                .is_some_and(|w| {
                    let user = w.value.split(':').next().unwrap_or("").trim();
                    !user.is_empty()
                        && user != "root"
                        && !user.starts_with('$')
                        && !user.bytes().all(|b| b.is_ascii_digit())
                })
    });
    let globals = df.stages.first().map_or(0, |s| s.from);
    let creates_users = df.instructions[..globals]
        .iter()
        .chain(instructions())
        .filter(|i| i.keyword == Keyword::Run)
        .any(|i| {
            text.get(i.span.clone())
                .is_some_and(|t| t.contains("useradd") || t.contains("adduser"))
        });
    chowns_to_a_name && !creates_users
}

/// Official images whose entrypoint starts the server as an unprivileged user (with
/// `gosu` or the server's own `user` setting), as long as the Dockerfile keeps it.
pub fn drops_privileges_itself(image: &str) -> bool {
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

/// Helpers that run a command as another user.
const DROP_TOOLS: [&str; 6] = [
    "gosu",
    "su-exec",
    "setpriv",
    "s6-setuidgid",
    "chpst",
    "runuser",
];

/// Whether the final stage installs or copies in a privilege-dropping helper for its
/// entrypoint (`gosu`, `su-exec`, `setpriv`).
fn drops_privileges(df: &Dockerfile, chain: &[&Stage], text: &str) -> bool {
    let mentions = |i: &Instruction| {
        matches!(
            i.keyword,
            Keyword::Run | Keyword::Copy | Keyword::Add | Keyword::Arg | Keyword::Env
        ) && text
            .get(i.span.clone())
            .is_some_and(|t| DROP_TOOLS.iter().any(|tool| t.contains(tool)))
    };
    // Global ARGs (a package list in a variable) count too.
    let globals = df.stages.first().map_or(0, |s| s.from);
    df.instructions[..globals].iter().any(mentions)
        || chain
            .iter()
            .any(|s| df.stage_instructions(s).iter().any(mentions))
}

/// Whether the final `ENTRYPOINT` or `CMD` drops privileges itself (see
/// [`drops_privileges_in`]).
fn command_drops_privileges(df: &Dockerfile, chain: &[&Stage]) -> bool {
    [Keyword::Entrypoint, Keyword::Cmd].iter().any(|k| {
        stages::last_in_chain(df, chain, *k).is_some_and(|inst| {
            stages::command_programs(inst).iter().any(|words| {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                drops_privileges_in(&words)
            })
        })
    })
}

/// Whether one command (its words from the program on) runs its process as another
/// user: a helper that switches user (`gosu app`, `su-exec app`, `setpriv --reuid`,
/// `runuser -u app`, `chpst -u app`, `s6-setuidgid app`, `su app -c …`), a server told to switch to
/// an unprivileged user once started (`gunicorn --user app`, `uwsgi --uid app`,
/// `celery worker --uid app`, `ssserver -a nobody`), or the AWS Lambda runtime client
/// (`python -m awslambdaric`): Lambda runs every image as its own unprivileged user.
pub fn drops_privileges_in(words: &[&str]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    let program = first.rsplit('/').next().unwrap_or(first);
    if DROP_TOOLS.contains(&program) {
        return true;
    }
    let has_flag = |flags: &[&str]| {
        words[1..].iter().any(|w| {
            flags
                .iter()
                .any(|f| *w == *f || w.strip_prefix(f).is_some_and(|r| r.starts_with('=')))
        })
    };
    let user_flag = match program {
        "gunicorn" => has_flag(&["--user", "-u"]),
        "uwsgi" => has_flag(&["--uid", "--setuid"]),
        "celery" => has_flag(&["--uid"]),
        "ssserver" | "sslocal" | "ssmanager" | "ssservice" => has_flag(&["-a", "--user"]),
        _ => false,
    };
    let switches_with_su = program == "su" && words[1..].contains(&"-c");
    let lambda = program == "awslambdaric" || words.windows(2).any(|w| w == ["-m", "awslambdaric"]);
    user_flag || switches_with_su || lambda
}

/// Whether a shell script (the image's entry script) starts its process as another
/// user (see [`drops_privileges_in`]), or hands over to the entrypoint of an official
/// image that does (`exec docker-entrypoint.sh "$@"` on `postgres`), and starts no
/// other process in the background before it (`clamd &` before `gunicorn --user app`
/// leaves the scanner running as root).
pub fn script_drops_privileges(script: &str, base: &str) -> bool {
    let commands = crate::lang::shell::split(script);
    let drops = |c: &crate::lang::shell::SimpleCommand| {
        let words: Vec<&str> = c.program().iter().map(|w| w.value.as_str()).collect();
        drops_privileges_in(&words)
            || (c.program_name() == Some("docker-entrypoint.sh") && drops_privileges_itself(base))
    };
    let Some(at) = commands.iter().position(drops) else {
        return false;
    };
    !commands[..at]
        .iter()
        .any(|c| c.op == Some(crate::lang::shell::Op::Background))
}
