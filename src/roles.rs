//! File roles: the one vocabulary of "what is this file for", judged by its path, that
//! every rule uses to leave alone code that never runs in production.
//!
//! A rule declares the roles it skips (`skips = [...]` in [`declare_rule!`]); the engine
//! drops that rule's findings in files with any of those roles, and the rule's
//! documentation lists them, generated from [`Role::describe`], so the docs and the code
//! cannot drift. Roles that need a file's content (a Python CLI module, a Django settings
//! module for development) are the front end's, on top of these.
//!
//! [`declare_rule!`]: crate::declare_rule

/// What a file is for, when it is not production code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Test,
    Fixture,
    Example,
    Benchmark,
    Migration,
    GeneratorHook,
    Template,
    Script,
    DevEnvironment,
    Docs,
    Retired,
    Vendored,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Test,
        Role::Fixture,
        Role::Example,
        Role::Benchmark,
        Role::Migration,
        Role::GeneratorHook,
        Role::Template,
        Role::Script,
        Role::DevEnvironment,
        Role::Docs,
        Role::Retired,
        Role::Vendored,
    ];

    /// Dockerfiles that build no image a service ships: those of [`Role::NOT_PRODUCTION`]
    /// and maintainer tooling (`tools/`, `scripts/`, `hack/`: a code generator, a
    /// migration CLI or a reindexing job run by hand). Measured on real services, 16 of
    /// the 17 findings of the Docker rules on such images were not worth acting on.
    pub const NOT_SHIPPED_IMAGE: &'static [Role] = &{
        let mut roles = [Role::Script; Role::NOT_PRODUCTION.len() + 1];
        let mut i = 0;
        while i < Role::NOT_PRODUCTION.len() {
            roles[i] = Role::NOT_PRODUCTION[i];
            i += 1;
        }
        roles
    };

    /// Roles no rule checks but the engine's own: templated files do not parse until
    /// rendered, and vendored copies of other projects are not the team's to fix.
    pub const NEVER_CHECKED: &'static [Role] = &[Role::Template, Role::Vendored];

    /// Code that a service does not run: every role (tests, examples, benchmarks,
    /// migrations, generator hooks, scripts, development environments, docs, …).
    pub const NOT_SERVICE_CODE: &'static [Role] = &Role::ALL;

    /// Code that never runs in a deployed service.
    pub const NOT_PRODUCTION: &'static [Role] = &[
        Role::Test,
        Role::Fixture,
        Role::Example,
        Role::Benchmark,
        Role::GeneratorHook,
        Role::Template,
        Role::DevEnvironment,
        Role::Docs,
        Role::Retired,
        Role::Vendored,
    ];

    /// The role's name in configuration and rule packs.
    pub fn name(self) -> &'static str {
        match self {
            Role::Test => "test",
            Role::Fixture => "fixture",
            Role::Example => "example",
            Role::Benchmark => "benchmark",
            Role::Migration => "migration",
            Role::GeneratorHook => "generator-hook",
            Role::Template => "template",
            Role::Script => "script",
            Role::DevEnvironment => "dev-environment",
            Role::Docs => "docs",
            Role::Retired => "retired",
            Role::Vendored => "vendored",
        }
    }

    /// What the role means, as the rules' documentation lists it.
    pub fn describe(self) -> &'static str {
        match self {
            Role::Test => {
                "tests: `tests/`, `test/`, `testing/`, `e2e/`, `acceptance_tests/`, `systemtests/` (and `integrationtests/`, `functionaltests/`, `smoketests/`, `loadtests/`, `e2etests/`), `*_tests/`, `*-tests/`, `test_*/`, `tests_*/` (`tests_smoke/`), test doubles `mock*/`, `*_mock/` and `*-mock/` (`mockservices/`, `github_mock/`), test clients `*-tester/` and `*_tester/`, `playwright/`, `cypress/`, Dockerfiles named for tests (`Dockerfile.e2e`, `Dockerfile.playwright`, `Dockerfile.selenium`, `test.Dockerfile`), `test_*.py`, `*_test.py`, `tests.py`, `conftest.py`, pytest plugins (`pytest_plugin.py`), Locust's `locustfile.py`, Rust `tests.rs`/`*_test.rs`"
            }
            Role::Fixture => {
                "test fixtures and data: `fixtures/`, `testdata/`, `test_data/`, `test-data/`, `__snapshots__/`, `.semgrep/`"
            }
            Role::Example => {
                "examples, samples and demonstrations: `examples/`, `example/`, `samples/`, `sample/`, `demo/`, `demos/`, Binder's `binder/` and `.binder/`, `*-examples/` and `*_examples/` (`deployment-examples/`), `demo-*/` and `*-demo/` (`demo-app/`), experiments kept at the top of the repository (`experimental/`, `experiments/`, `playground/`; not a package's own `experiments/` module), Dockerfiles named for them (`example.Dockerfile`, `Dockerfile.demo`)"
            }
            Role::Benchmark => {
                "benchmarks, their inputs and fuzz targets: `bench/`, `benches/`, `benchmarks/`, `*-benchmarks/` and `*_benchmarks/` (`compile-benchmarks/`), `fuzz/`, and the evaluation harness of a model kept at the top of the repository (`evaluation/`, `evals/`)"
            }
            Role::Migration => {
                "database migrations: `migrations/`, and `versions/` under an `alembic` or `migrations` tree"
            }
            Role::GeneratorHook => {
                "project-generator hooks: `hooks/pre_gen_project.py`, `hooks/post_gen_project.py`"
            }
            Role::Template => {
                "templated files that are not valid until rendered: a path with `{{` or `{%` in it (cookiecutter, copier), files under `template/` or `templates/`"
            }
            Role::Script => {
                "scripts and maintainer tooling: `scripts/`, `script/`, `tools/`, `dev/`, `hack/`, `ci/`, `.ci/`, `gitlint/` (commit-message rules), folders named `scripts-*`, `scripts_*`, `*-scripts` or `*_scripts` (`scripts-dev/`, `_scripts/`; not a crate of that name), `bin/` (not `src/bin/`), `xtask/`, Cargo's `build.rs`, `manage.py`, the Python and Rust code a CI system's folder keeps for its jobs (`.github/scripts/notify.py`, also under `.gitlab/`, `.circleci/`; not the workflows, nor a Dockerfile there, which may build the published image); and, on a scan of the whole project, a Django management command (`<app>/management/commands/<name>.py`) that no other file names (no crontab, scheduler template, Celery task, `call_command`, other command or deployment guide; tests and change logs aside): it is run by hand"
            }
            Role::DevEnvironment => {
                "development and CI environments: `.devcontainer/`, `.codesandbox/`, `.gitpod*`, `compose/local/`, `development/`, Dockerfiles named for development (`Dockerfile.dev`, `Dockerfile-dev`, `Dockerfile-devel`, `Dockerfile.api.dev`, `dev.Dockerfile`, `app.dev.Dockerfile`, `Dockerfile.local`, `Dockerfile.development`), the images builds and CI jobs run in (`Dockerfile.ci`, `Dockerfile_builder`, Dockerfiles under `.circleci/`, and Docker container actions under `.github/actions/`), and by their content, Dockerfiles whose image starts a development server (`manage.py runserver`, `flask run`, `uvicorn --reload`, `npm run dev`), whose command runs a shell script or a task named for development (`./start-dev.sh`, `entrypoint.local.sh`, `make run.dev_docker`), or whose opening comments say the image is not for production (\"Not suitable for production use\", \"for testing only\")"
            }
            Role::Docs => "documentation: `docs/`, `doc/`",
            Role::Retired => {
                "code kept after it stopped running: `deprecated/`, `obsolete/`, `archived/`, `_archived/`"
            }
            Role::Vendored => {
                "vendored copies of other projects: `vendor/`, `vendored/`, `third_party/`, `third-party/`, `external-crates/`, and folders of installed Python packages committed with the code (holding the `*.dist-info` metadata of two packages or more, as `libs/requests-2.31.0.dist-info/`, or, copied without it, three well-known distributions such as `lib/requests/`, `lib/urllib3/` and `lib/six.py`), and one such distribution's package in a folder named for libraries (`lib/`, `libs/`, `ext/`, `extlib/`, `external/`, `thirdparty/`: `lib/boto/`), which are not read at all"
            }
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A folder of scripts named for what they are for: `scripts-dev`, `scripts_ci`,
/// `dev-scripts`, `build_scripts`, `_scripts`.
fn is_scripts_folder(d: &str) -> bool {
    ["scripts-", "scripts_"].iter().any(|p| d.starts_with(p))
        || ["-scripts", "_scripts"].iter().any(|p| d.ends_with(p))
}

/// The roles of one file; several may hold at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u16);

impl Roles {
    pub fn has(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// These roles and `other`'s.
    pub fn with(self, other: Roles) -> Roles {
        Roles(self.0 | other.0)
    }

    /// Adds a role (one a front end finds in the file's content).
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    fn set(&mut self, role: Role, on: bool) {
        if on {
            self.0 |= role.bit();
        }
    }

    /// The roles of a repository-relative path (a file, or a directory with a trailing
    /// name such as `crates/x/examples`).
    pub fn of_path(rel_path: &str) -> Roles {
        // A file's roles are asked for several times while it is checked (by the engine,
        // the front ends, the rules and the filters), on the thread that checks it: the
        // last path's answer is kept.
        thread_local! {
            static LAST: std::cell::RefCell<Option<(String, Roles)>> =
                const { std::cell::RefCell::new(None) };
        }
        let kept = LAST
            .try_with(|last| match &*last.borrow() {
                Some((path, roles)) if path == rel_path => Some(*roles),
                _ => None,
            })
            .ok()
            .flatten();
        if let Some(roles) = kept {
            return roles;
        }
        let roles = Self::compute(rel_path);
        let _ = LAST.try_with(|last| {
            let mut last = last.borrow_mut();
            match &mut *last {
                Some((path, kept)) => {
                    path.clear();
                    path.push_str(rel_path);
                    *kept = roles;
                }
                None => *last = Some((rel_path.to_string(), roles)),
            }
        });
        roles
    }

    /// [`Roles::of_path`], computed.
    fn compute(rel_path: &str) -> Roles {
        // One lower-cased copy of the path, split into its parts.
        let lower = rel_path.to_ascii_lowercase();
        let lower_parts: Vec<&str> = lower.split('/').collect();
        let (lower_name, dirs_lower) = lower_parts
            .split_last()
            .map_or(("", &[][..]), |(f, d)| (*f, d));
        let stem = lower_name
            .rsplit_once('.')
            .filter(|(s, ext)| !s.is_empty() && matches!(*ext, "py" | "pyi" | "rs"))
            .map_or(lower_name, |(s, _)| s);
        let in_dir = |f: &dyn Fn(&str) -> bool| dirs_lower.iter().any(|d| f(d));
        let mut r = Roles::default();

        r.set(
            Role::Test,
            in_dir(&is_test_dir)
                || stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem.ends_with("_tests")
                || matches!(stem, "tests" | "test" | "conftest" | "locustfile")
                || (lower_name.ends_with(".py")
                    && stem
                        .split(['_', '-'])
                        .any(|w| matches!(w, "test" | "tests" | "testing" | "pytest")))
                // Images that run tests: `Dockerfile.e2e`, `Dockerfile.playwright`,
                // `test.Dockerfile`.
                || dockerfile_name_has(lower_name, &TEST_WORDS),
        );
        r.set(
            Role::Fixture,
            in_dir(&|d| {
                matches!(
                    d,
                    "fixtures"
                        | "fixture"
                        | "testdata"
                        | "test_data"
                        | "test-data"
                        | "__snapshots__"
                        | ".semgrep"
                )
            }),
        );
        // The first folder of the path, where a repository keeps what is not the
        // service: a package's own `experiments/` or `evaluation/` module is its code.
        let top = dirs_lower.first().copied().unwrap_or("");
        r.set(
            Role::Example,
            in_dir(&|d| {
                matches!(
                    d,
                    "examples" | "example" | "samples" | "sample" | "demo" | "demos"
                        // Binder's environment for a project's demonstration notebooks.
                        | "binder" | ".binder"
                ) || [
                    "-examples",
                    "_examples",
                    "-example",
                    "_example",
                    "-demo",
                    "_demo",
                    "-demos",
                ]
                .iter()
                .any(|s| d.ends_with(s))
                    || d.starts_with("demo-")
                    || d.starts_with("demo_")
                    // `sample_apps/`, `sample-projects/`, `examples_src/`.
                    || ["sample_", "sample-", "samples_", "samples-", "examples_", "examples-"]
                        .iter()
                        .any(|p| d.starts_with(p))
            }) || dockerfile_name_has(lower_name, &["example", "demo"])
                || matches!(top, "experimental" | "experiments" | "playground"),
        );
        r.set(
            Role::Benchmark,
            in_dir(&|d| {
                matches!(d, "bench" | "benches" | "benchmarks" | "benchmark" | "fuzz")
                    || d.ends_with("-benchmarks")
                    || d.ends_with("_benchmarks")
            }) || matches!(top, "evaluation" | "evaluations" | "evals"),
        );
        let migrations = dirs_lower.iter().position(|d| *d == "migrations");
        let alembic = dirs_lower
            .iter()
            .position(|d| *d == "alembic" || d.ends_with("_alembic"));
        let versions_under =
            |root: Option<usize>| root.is_some_and(|i| dirs_lower[i + 1..].contains(&"versions"));
        r.set(
            Role::Migration,
            migrations.is_some() || versions_under(alembic) || versions_under(migrations),
        );
        r.set(
            Role::GeneratorHook,
            dirs_lower.last().is_some_and(|d| *d == "hooks")
                && matches!(
                    lower_name,
                    "pre_gen_project.py"
                        | "post_gen_project.py"
                        | "pre_prompt.py"
                        | "pre_gen_project.sh"
                        | "post_gen_project.sh"
                ),
        );
        // Generator templates: `{{cookiecutter.slug}}/`, `{% if x %}file{% endif %}`,
        // source files under a `template/` folder (Django's HTML `templates/` is not
        // read by any rule), and files that say so in their name after the first dot
        // (`docker-compose.template.yml`, `.env.tmpl`, `config.yaml.tpl`): the input of
        // a generator, what it reads only once rendered.
        r.set(
            Role::Template,
            is_generator_template(rel_path)
                || in_dir(&|d| matches!(d, "template" | "templates"))
                || lower_name
                    .split('.')
                    .skip(1)
                    .any(|part| matches!(part, "template" | "tmpl" | "tpl")),
        );
        let src_bin = dirs_lower
            .windows(2)
            .any(|w| w[0] == "src" && w[1] == "bin");
        r.set(
            Role::Script,
            in_dir(&|d| {
                matches!(
                    d,
                    "scripts"
                        | "script"
                        | "tools"
                        | "xtask"
                        | "dev"
                        | "hack"
                        | "ci"
                        | ".ci"
                        | "gitlint"
                )
            }) || dirs_lower.iter().enumerate().any(|(i, d)| {
                // `scripts-dev/`, `dev_scripts/`, `_scripts/`: not a crate of that name
                // (`crates/atuin-scripts/src/`), whose sources are the program's.
                is_scripts_folder(d) && !dirs_lower[i + 1..].contains(&"src")
            }) || (!src_bin && dirs_lower.contains(&"bin"))
                || lower_name == "build.rs"
                // Django's and Flask's entry for management commands run by hand; its own
                // functions are their helpers.
                || lower_name == "manage.py"
                // The code of a command-line interface (`cli/`) or of a QA harness (`qa/`):
                // what it runs, a person at a terminal waits for. Only its Python and
                // Rust: a Dockerfile kept in `cli/` may build the image a release ships.
                || (in_dir(&|d| matches!(d, "cli" | "qa"))
                    && [".py", ".rs"].iter().any(|e| lower_name.ends_with(e)))
                // The code CI's own folder keeps for its jobs (`.github/scripts/notify.py`);
                // not the workflows, nor a Dockerfile there, which may build the image a
                // release publishes.
                || (matches!(top, ".github" | ".gitlab" | ".circleci")
                    && [".py", ".rs"].iter().any(|e| lower_name.ends_with(e))),
        );
        r.set(
            Role::DevEnvironment,
            in_dir(&|d| matches!(d, ".devcontainer" | ".codesandbox" | "development"))
                || lower_name.starts_with(".gitpod")
                || dirs_lower
                    .windows(2)
                    .any(|w| w[0] == "compose" && w[1] == "local")
                || dockerfile_name_has(lower_name, &DEV_WORDS)
                || ((in_dir(&|d| d == ".circleci")
                    || dirs_lower
                        .windows(2)
                        .any(|w| w[0] == ".github" && w[1] == "actions"))
                    && is_dockerfile(lower_name)),
        );
        r.set(Role::Docs, in_dir(&|d| matches!(d, "docs" | "doc")));
        r.set(
            Role::Retired,
            in_dir(&|d| matches!(d, "deprecated" | "obsolete" | "archived" | "_archived")),
        );
        r.set(
            Role::Vendored,
            in_dir(&|d| {
                matches!(
                    d,
                    "vendor" | "vendored" | "third_party" | "third-party" | "external-crates"
                )
            }),
        );
        r
    }
}

/// A file of health checks or probes, by its path (`health.py`, `health/checks.py`,
/// `healthcheck.rs`, `health_checker.rs`, `ready_checker.rs`): what it runs probes the
/// service's own instances for a status and trusts nothing it gets back, and the probe
/// (the container runtime's `HEALTHCHECK`, a Kubernetes probe) bounds it with its own
/// timeout.
pub fn is_probe_path(rel_path: &str) -> bool {
    rel_path
        .split('/')
        .map(|seg| {
            seg.strip_suffix(".py")
                .or_else(|| seg.strip_suffix(".rs"))
                .unwrap_or(seg)
        })
        .any(|seg| {
            matches!(
                seg.to_ascii_lowercase().as_str(),
                "health"
                    | "healthz"
                    | "healthcheck"
                    | "healthchecks"
                    | "health_check"
                    | "health_checks"
                    | "health_checker"
                    | "ready_checker"
                    | "readiness"
                    | "liveness"
            )
        })
}

/// A path a project generator renders (`{{cookiecutter.slug}}/compose.yml`,
/// `{% if docker %}Dockerfile{% endif %}`): a template by its very name.
pub fn is_generator_template(rel_path: &str) -> bool {
    rel_path.contains("{{") || rel_path.contains("{%")
}

pub(crate) fn is_test_dir(d: &str) -> bool {
    matches!(
        d,
        "tests"
            | "test"
            | "testing"
            | "testutil"
            | "testutils"
            | "e2e"
            | "playwright"
            | "cypress"
            | "acceptance_tests"
            | "integration_tests"
            // Suites named in one word: `systemtests/`, `integrationtests/`.
            | "systemtests"
            | "integrationtests"
            | "functionaltests"
            | "smoketests"
            | "loadtests"
            | "e2etests"
    ) || d.starts_with("test_")
        || d.starts_with("test-")
        // Suites named after `tests`: `tests_smoke/`, `tests-nightly-performance/`.
        || d.starts_with("tests_")
        || d.starts_with("tests-")
        // Test doubles: `mocks/`, `mockservices/`, `github_mock/`.
        || d.starts_with("mock")
        || d.ends_with("_mock")
        || d.ends_with("-mock")
        || d.ends_with("_mocks")
        || d.ends_with("-mocks")
        || d.ends_with("_tests")
        || d.ends_with("-tests")
        || d.ends_with("_test")
        || d.ends_with("-test")
        // Test clients and harnesses: `oauth2-tester/`, `api_tester/`.
        || d.ends_with("-tester")
        || d.ends_with("_tester")
}

/// `Dockerfile`, `Containerfile`, `Dockerfile.x`, `x.Dockerfile`.
fn is_dockerfile(lower_name: &str) -> bool {
    lower_name.starts_with("dockerfile")
        || lower_name.starts_with("containerfile")
        || lower_name.ends_with(".dockerfile")
        || lower_name.ends_with(".containerfile")
}

/// The words of a Dockerfile's name besides `Dockerfile` itself that say what its
/// image is for.
const TEST_WORDS: [&str; 7] = [
    "test",
    "tests",
    "testing",
    "e2e",
    "playwright",
    "cypress",
    "selenium",
];
/// Development images, and the images builds and CI jobs run in (`Dockerfile.ci`,
/// `Dockerfile_builder`: a toolchain, not a service).
const DEV_WORDS: [&str; 8] = [
    "dev",
    "devel",
    "development",
    "local",
    "devcontainer",
    "ci",
    "jenkins",
    "builder",
];

/// Whether a Dockerfile's name carries one of `words` besides `Dockerfile`:
/// `Dockerfile.dev`, `Dockerfile-e2e`, `dev.Dockerfile`, `app.test.Containerfile`.
fn dockerfile_name_has(lower_name: &str, words: &[&str]) -> bool {
    let rest = lower_name
        .strip_prefix("dockerfile")
        .or_else(|| lower_name.strip_prefix("containerfile"))
        .or_else(|| lower_name.strip_suffix(".dockerfile"))
        .or_else(|| lower_name.strip_suffix(".containerfile"));
    rest.is_some_and(|rest| rest.split(['.', '-', '_']).any(|w| words.contains(&w)))
}

/// Documentation lines listing the roles a rule skips.
pub fn skipped_roles_doc(skips: &[Role]) -> String {
    let mut out = String::new();
    for r in skips {
        out.push_str("- ");
        out.push_str(r.describe());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(path: &str, role: Role) -> bool {
        Roles::of_path(path).has(role)
    }

    #[test]
    fn tests_and_fixtures() {
        for p in [
            "tests/test_app.py",
            "app/tests.py",
            "acceptance_tests/steps.py",
            "api_tests/x.py",
            "e2e/Dockerfile",
            "src/playwright/run.py",
            "pkg/conftest.py",
            "src/foo_test.rs",
            "crates/x/tests/it.rs",
            "test_utils/helpers.py",
            "tools/oauth2-tester/src/main.rs",
        ] {
            assert!(has(p, Role::Test), "{p}");
        }
        for p in [
            "app/views.py",
            "src/attestation.rs",
            "latest/x.py",
            "contest/x.py",
        ] {
            assert!(!has(p, Role::Test), "{p}");
        }
        assert!(has("tests/fixtures/Dockerfile", Role::Fixture));
        assert!(has("pkg/testdata/x.py", Role::Fixture));
    }

    #[test]
    fn migrations_hooks_templates() {
        assert!(has("app/migrations/0001_initial.py", Role::Migration));
        assert!(has("alembic/versions/abc_add.py", Role::Migration));
        assert!(has("src/db/alembic/versions/abc.py", Role::Migration));
        assert!(!has("api/versions/v1.py", Role::Migration));
        assert!(has("hooks/post_gen_project.py", Role::GeneratorHook));
        assert!(!has("app/hooks/post_save.py", Role::GeneratorHook));
        assert!(has("{{cookiecutter.slug}}/pyproject.toml", Role::Template));
        assert!(!has("app/pyproject.toml", Role::Template));
        assert!(has(
            "deployment/docker_compose/docker-compose.template.yml",
            Role::Template
        ));
        assert!(has("config.yaml.tpl", Role::Template));
        assert!(!has("app/template.py", Role::Template));
    }

    #[test]
    fn scripts_dev_environments_examples_benches() {
        assert!(has("scripts/release.py", Role::Script));
        assert!(has("ci/check-site.py", Role::Script));
        assert!(has("gitlint/gitlint_emoji.py", Role::Script));
        assert!(has("scripts-dev/release.py", Role::Script));
        assert!(has("systemtests/lib/client.py", Role::Test));
        assert!(has("tests_smoke/smoke/common.py", Role::Test));
        assert!(has("docker/mockservices/Dockerfile", Role::Test));
        assert!(has("profiles/github_mock/flaskapp.py", Role::Test));
        assert!(!has("app/mockingbird.py", Role::Test));
        assert!(has("tests-nightly/Dockerfile", Role::Test));
        assert!(!has("app/testsuite_helpers.py", Role::Test));
        assert!(has("manage.py", Role::Script));
        assert!(has("src/manage.py", Role::Script));
        assert!(has("app/_scripts/register_user.py", Role::Script));
        assert!(has("build_scripts/Dockerfile", Role::Script));
        assert!(!has("crates/app-scripts/src/run.rs", Role::Script));
        assert!(!has("app/descripts/x.py", Role::Script));
        assert!(has(".github/ci/nightly/Dockerfile", Role::Script));
        assert!(has("bin/run", Role::Script));
        assert!(!has("src/bin/server.rs", Role::Script));
        assert!(has("xtask/src/main.rs", Role::Script));
        assert!(has(".devcontainer/Dockerfile", Role::DevEnvironment));
        assert!(has("compose/local/django/Dockerfile", Role::DevEnvironment));
        assert!(has("Dockerfile.dev", Role::DevEnvironment));
        assert!(has("docker/dev.Dockerfile", Role::DevEnvironment));
        assert!(has(
            "extras/docker/development/Dockerfile",
            Role::DevEnvironment
        ));
        assert!(has("Dockerfile.api.dev", Role::DevEnvironment));
        assert!(has("frontend/Dockerfile.e2e", Role::Test));
        assert!(has("Dockerfile.playwright", Role::Test));
        assert!(has("Dockerfile.selenium", Role::Test));
        assert!(!has("app/selenium/driver.py", Role::Test));
        assert!(has("docker/test.Dockerfile", Role::Test));
        assert!(!has("Dockerfile.testnet", Role::Test));
        assert!(!has("Dockerfile.contest", Role::Test));
        assert!(!has("Dockerfile.prod", Role::DevEnvironment));
        assert!(has("Dockerfile_builder", Role::DevEnvironment));
        // Debug images are published too (`Dockerfile.tag-debug`): not development ones.
        assert!(!has("Dockerfile.debug", Role::DevEnvironment));
        assert!(has("loadtest/locustfile.py", Role::Test));
        assert!(has("deployment-examples/compose/Dockerfile", Role::Example));
        assert!(has("demos/apache-proxy/Dockerfile", Role::Example));
        assert!(has("extras/docker/demo/Dockerfile", Role::Example));
        assert!(has("demo-app/server/Dockerfile", Role::Example));
        assert!(has("example.Dockerfile", Role::Example));
        assert!(has("Dockerfile.demo", Role::Example));
        assert!(!has("demonstrator/app.py", Role::Example));
        assert!(has(
            "sample_apps/generative_benchmarking/requirements.txt",
            Role::Example
        ));
        assert!(has("examples-src/app.py", Role::Example));
        assert!(has(".github/workflows/python/github.py", Role::Script));
        assert!(!has(".github/workflows/ci.yml", Role::Script));
        assert!(!has(
            ".github/files/multi-platform.Dockerfile",
            Role::Script
        ));
        assert!(has("evaluation/core/__init__.py", Role::Benchmark));
        assert!(has("evals/simple_evals/run.py", Role::Benchmark));
        assert!(!has("app/evaluation/views.py", Role::Benchmark));
        assert!(has("experimental/scheduler/search.py", Role::Example));
        assert!(!has(
            "crates/platform/src/api/experiments/handlers.rs",
            Role::Example
        ));
        assert!(has("pulpcore/pytest_plugin.py", Role::Test));
        assert!(!has("pulpcore/plugin.py", Role::Test));
        assert!(!has("sampler/app.py", Role::Example));
        assert!(!has("Dockerfile.democracy", Role::Example));
        assert!(has("docs_example/app.py", Role::Example));
        assert!(!has("counterexample/app.py", Role::Example));
        assert!(has("docker/Dockerfile.ci", Role::DevEnvironment));
        assert!(!has("Dockerfile.build", Role::DevEnvironment));
        assert!(!has("Dockerfile.devtools", Role::DevEnvironment));
        assert!(has(
            ".circleci/images/buildenv/Dockerfile",
            Role::DevEnvironment
        ));
        assert!(has(".github/actions/lint/Dockerfile", Role::DevEnvironment));
        assert!(!has(".github/workflows/ci.yml", Role::DevEnvironment));
        assert!(!has(".github/docker/Dockerfile", Role::DevEnvironment));
        assert!(!has("docker/ci/Dockerfile", Role::DevEnvironment));
        assert!(has("examples/basic/main.rs", Role::Example));
        assert!(has("benches/scan.rs", Role::Benchmark));
        assert!(has(
            "collector/compile-benchmarks/cargo/src/lib.rs",
            Role::Benchmark
        ));
        assert!(has("bench/load.py", Role::Benchmark));
        assert!(has("docs/conf.py", Role::Docs));
        assert!(has(".binder/requirements.txt", Role::Example));
        assert!(has("plugins/analytics/deprecated/dnsdb.py", Role::Retired));
        assert!(has(
            "_archived/storage/redis/redis-master.yaml",
            Role::Retired
        ));
        assert!(!has("app/archive/views.py", Role::Retired));
        assert!(!has("app/deprecation.py", Role::Retired));
        assert!(has(
            "vendor/axoasset/.github/workflows/ci.yml",
            Role::Vendored
        ));
        assert!(has("dev/cli/cli.py", Role::Script));
        assert!(Roles::of_path("app/views.py").is_empty());
        assert!(Roles::of_path("Dockerfile").is_empty());
    }
}
