//! What a Python file is for (SPEC §5): test, script, CLI module, settings module,
//! example, packaging entry point. Rules read these to skip code where a finding would
//! be noise (a `print` in a CLI, `DEBUG = True` in development settings).

use super::PythonFile;
use crate::roles::{Role as PathRole, Roles};
use crate::source::SourceFile;
use crate::source::file_name;

/// The roles of one file; several may hold at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Role {
    /// A test or fixture ([`crate::roles`]).
    pub test: bool,
    /// A script ([`crate::roles`]), or a file with a `#!` line.
    pub script: bool,
    /// Imports `argparse`, `optparse`, `click`, `typer`, `fire` or `docopt`; a Django
    /// management command; a package's `__main__.py`.
    pub cli: bool,
    /// An example or documentation ([`crate::roles`]).
    pub example: bool,
    /// A Django settings module: `settings.py`, `settings/*.py`, `*_settings.py`, `settings_*.py`.
    pub settings: bool,
    /// A settings module for development, local use, tests or CI (`settings/dev.py`,
    /// `local_settings.py`, `settings_test.py`, `settings/e2e.py`, `settings/dockerdev.py`,
    /// `devproject/settings.py`, …).
    pub dev_settings: bool,
    /// `setup.py`, `manage.py`, `conftest.py`, `noxfile.py`, `fabfile.py`, …: run by a
    /// developer tool, not by the service.
    pub tooling: bool,
    /// A database migration ([`crate::roles`]).
    pub migration: bool,
    /// A `.pyi` stub.
    pub stub: bool,
}

const CLI_MODULES: [&str; 6] = ["argparse", "optparse", "click", "typer", "fire", "docopt"];
const TOOLING: [&str; 6] = [
    "setup.py",
    "manage.py",
    "conftest.py",
    "noxfile.py",
    "fabfile.py",
    "dodo.py",
];
const DEV_WORDS: [&str; 12] = [
    "dev",
    "devel",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "e2e",
    "debug",
    "example",
];

impl Role {
    pub fn of(source: &SourceFile, file: &PythonFile) -> Role {
        let path = &*source.rel_path;
        let name = file_name(path);
        let stem = name
            .strip_suffix(".pyi")
            .or_else(|| name.strip_suffix(".py"))
            .unwrap_or(name);
        let dirs: Vec<&str> = path.split('/').collect();
        let dirs = &dirs[..dirs.len().saturating_sub(1)];
        let roles = Roles::of_path(path);
        let test = roles.any(&[PathRole::Test, PathRole::Fixture]);
        let script = roles.has(PathRole::Script) || source.text.starts_with("#!");
        let management_command = dirs.ends_with(&["management", "commands"]);
        let cli = management_command
            || stem == "__main__"
            || CLI_MODULES.iter().any(|m| file.imports_module(m));
        let example = roles.any(&[PathRole::Example, PathRole::Docs]);
        let settings_dir = dirs.last().is_some_and(|d| *d == "settings");
        let settings = settings_dir
            || stem == "settings"
            || stem.ends_with("_settings")
            || stem.starts_with("settings_");
        let words: Vec<&str> = stem.split(['_', '-', '.']).collect();
        // `dockerdev.py`, `devproject/settings.py`: a name made with `dev`.
        let made_with_dev = |w: &str| {
            let w = w.to_ascii_lowercase();
            (w.starts_with("dev") && !w.starts_with("device") && !w.starts_with("devops"))
                || w.ends_with("dev")
        };
        let dev_settings = settings
            && (words.iter().any(|w| {
                let w = w.to_ascii_lowercase();
                // `unittests`, `apitest`: test settings whatever the prefix.
                DEV_WORDS.contains(&w.as_str()) || w.ends_with("test") || w.ends_with("tests")
            }) || made_with_dev(stem)
                || dirs.last().is_some_and(|d| made_with_dev(d))
                || test);
        Role {
            test,
            script,
            cli,
            example,
            settings,
            dev_settings,
            tooling: TOOLING.contains(&name),
            migration: roles.has(PathRole::Migration),
            stub: name.ends_with(".pyi"),
        }
    }

    /// Code that never runs in production: tests (and their fixtures) and examples.
    pub fn is_test_or_example(&self) -> bool {
        self.test || self.example
    }

    /// Run by a person, who sees what it prints: a command-line module (a Django
    /// management command, an `argparse`/`click` program), a script, developer tooling.
    pub fn is_tooling(&self) -> bool {
        self.cli || self.script || self.tooling
    }

    /// Code that a service runs in production: not a test, script, example, tooling.
    pub fn is_service_code(&self) -> bool {
        !(self.test || self.script || self.example || self.tooling)
    }
}
