//! Django management commands that nothing in the repository runs.
//!
//! A command (`<app>/management/commands/<name>.py`) is service code when something
//! runs it: a scheduler (a crontab, a Kubernetes `CronJob`, an AWS SAM or CDK
//! template), a Celery task or a view (`call_command("<name>")`), another command, a
//! deployment guide. One that no other file names is run by hand, by an operator who
//! watches it, like a script: measured on real services, 15 of the 19 findings in such
//! commands judged not worth acting on were in commands no file names, and each of the
//! 8 judged worth acting on was named somewhere (a cron installer, a Celery task, a
//! view, `sam-template.yaml`, a deployment page of the docs). A command named only by
//! other commands is run by hand when they are (a seeding `import_all` that runs each
//! importer): the chain is followed up to three steps.
//!
//! The search reads the repository's text files other than tests and change logs,
//! only when a finding of a rule that skips scripts lies in a command, and only on a
//! scan of the whole project (a scan of some files cannot know what the others name).
//! Its answer is kept in the cache, keyed by the size and modification time of every
//! file it searched: a warm run over an unchanged tree stats those files, reads none.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use crate::roles::{Role, Roles};

/// The largest file searched: larger ones are data, not what schedules a command.
const MAX_SIZE: u64 = 1 << 20;

/// The command's name, if `rel_path` is a Django management command module
/// (`<app>/management/commands/<name>.py`, not `__init__.py` nor a private `_helper.py`).
pub fn command_name(rel_path: &str) -> Option<&str> {
    let (dir, file) = rel_path.rsplit_once('/')?;
    let name = file.strip_suffix(".py")?;
    let dir = dir.strip_suffix("management/commands")?;
    (dir.is_empty() || dir.ends_with('/'))
        .then_some(name)
        .filter(|n| !n.is_empty() && !n.starts_with('_'))
}

/// Whether a file may name a command: text a person or a scheduler reads (code,
/// configuration, scripts, docs), not a test, a migration, a change log or an asset.
fn searched(rel_path: &str) -> bool {
    let roles = Roles::of_path(rel_path);
    // Migrations are many in a Django project and schedule nothing.
    if roles.any(&[Role::Test, Role::Fixture, Role::Vendored, Role::Migration]) {
        return false;
    }
    let lower = rel_path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = file.split('.').next().unwrap_or(file);
    if [
        "changelog",
        "changes",
        // `RELEASE.rst`: the log of what each release shipped (mitodl's services).
        "release",
        "history",
        "news",
        "releasenotes",
        "release-notes",
    ]
    .contains(&stem)
        || lower.contains("release-notes/")
        || lower.contains("releasenotes/")
        || lower.contains("/locale/")
    {
        return false;
    }
    let Some((_, ext)) = file.rsplit_once('.') else {
        // Procfile, crontab, Makefile, Dockerfile, an executable script.
        return true;
    };
    matches!(
        ext,
        "py" | "yaml"
            | "yml"
            | "json"
            | "toml"
            | "ini"
            | "cfg"
            | "conf"
            | "sh"
            | "bash"
            | "md"
            | "rst"
            | "txt"
            | "tf"
            | "j2"
            | "jinja"
            | "jinja2"
            | "tpl"
            | "service"
            | "timer"
            | "cron"
            | "crontab"
            | "env"
            | "dockerfile"
            | "procfile"
    ) || file.starts_with("dockerfile")
        || file.starts_with("crontab")
        || file.starts_with("procfile")
}

/// How many steps a chain of commands naming each other is followed.
const MAX_STEPS: usize = 3;

/// For each of `wanted` (a file and a name), the other files of `searched` that name it,
/// in the same order.
/// Those whose third part is set count their own file too, where it names them twice:
/// once where they are defined, and once more.
fn names_of<'a>(
    root: &Path,
    searched: &[&'a String],
    wanted: &[(&str, &str, bool)],
) -> Vec<BTreeSet<&'a str>> {
    let finder = crate::source::WordsFinder::new(wanted.iter().map(|(_, name, _)| *name));
    let found: Vec<(usize, &str)> = searched
        .par_iter()
        .flat_map_iter(|f| {
            let path = root.join(f);
            let text = std::fs::metadata(&path)
                .ok()
                .filter(|m| m.is_file() && m.len() <= MAX_SIZE)
                .and_then(|_| std::fs::read(&path).ok())
                .unwrap_or_default();
            // How often each name occurs in this file.
            let counts = finder.counts(&text);
            let finder = &finder;
            wanted
                .iter()
                .enumerate()
                .filter(move |(i, (own, _, in_own))| {
                    let n = counts[finder.index(*i)];
                    if *own != f.as_str() {
                        n > 0
                    } else {
                        *in_own && n > 1
                    }
                })
                .map(|(i, _)| (i, f.as_str()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut by = vec![BTreeSet::new(); wanted.len()];
    for (i, f) in found {
        by[i].insert(f);
    }
    by
}

/// A file's size, and its modification time in seconds and nanoseconds.
pub type Stamp = (u64, u64, u32);

/// The searches for names whose answers the cache keeps, each in its own file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Management commands no file names (see [`search`]).
    Commands,
    /// Functions no other file names (see [`search`]).
    Functions,
}

impl Search {
    pub const ALL: [Search; 2] = [Search::Commands, Search::Functions];

    /// The extension of its file beside the cache file.
    pub fn extension(self) -> &'static str {
        match self {
            Search::Commands => "commands",
            Search::Functions => "functions",
        }
    }
}

/// Where the answer of a search is kept between runs (the cache).
pub trait Memo {
    /// What a search of this kind whose inputs had the key `key` found unnamed.
    fn get(&self, search: Search, key: u128) -> Option<Vec<String>>;
    /// Keeps the answer of a search of this kind whose inputs had the key `key`.
    fn put(&self, search: Search, key: u128, unnamed: &BTreeSet<String>);
}

/// The stamps of the files searched (size and modification time: `stamped` holds those
/// the per-file phase took), from which each search's key is made; `None` when a file
/// changed too recently to trust its stamp.
fn stamps(
    root: &Path,
    searched: &[&String],
    stamped: &std::collections::HashMap<&str, Stamp>,
    stamp_of: &(dyn Fn(&std::fs::Metadata) -> Option<Stamp> + Sync),
) -> Option<Vec<Stamp>> {
    searched
        .par_iter()
        .map(|f| match stamped.get(f.as_str()) {
            // Stamped by the per-file phase already.
            Some(stamp) => Some(*stamp),
            None => match std::fs::metadata(root.join(f)) {
                Ok(m) => stamp_of(&m),
                Err(_) => Some((u64::MAX, 0, 0)),
            },
        })
        .collect()
}

/// The key of a search's inputs: what it looks for, and the path and stamp of each file
/// it reads.
fn key(search: Search, wanted: &[(&str, &str)], searched: &[&String], stamps: &[Stamp]) -> u128 {
    let mut key = xxhash_rust::xxh3::Xxh3::new();
    key.update(b"names 4\0");
    key.update(search.extension().as_bytes());
    key.update(b"\0");
    for (path, name) in wanted {
        key.update(path.as_bytes());
        key.update(b"\0");
        key.update(name.as_bytes());
        key.update(b"\0");
    }
    for (f, (len, secs, nanos)) in searched.iter().zip(stamps) {
        key.update(f.as_bytes());
        key.update(b"\0");
        key.update(&len.to_le_bytes());
        key.update(&secs.to_le_bytes());
        key.update(&nanos.to_le_bytes());
    }
    key.digest128()
}

/// Both searches of a whole-project scan: of the command modules `commands`
/// (repository-relative paths), those run by hand ([`hand_run`]); of the module-level
/// functions `functions`, those nothing calls ([`uncalled`]). The files are listed and
/// stamped once, and read once for the first step of both. With `memo`, a search over
/// the same files, unchanged since (by size and modification time: `stamped` holds those
/// the per-file phase took), for the same names is not made again: the warm run of an
/// unchanged tree reads none of them.
pub fn search<'a>(
    root: &Path,
    files: &[String],
    commands: &BTreeSet<&str>,
    functions: &BTreeSet<(&'a str, &'a str)>,
    memo: Option<&dyn Memo>,
    stamped: &std::collections::HashMap<&str, Stamp>,
    stamp_of: &(dyn Fn(&std::fs::Metadata) -> Option<Stamp> + Sync),
) -> (BTreeSet<String>, BTreeSet<(&'a str, &'a str)>) {
    let commands: Vec<(&str, &str)> = commands
        .iter()
        .filter_map(|path| Some((*path, command_name(path)?)))
        .collect();
    let functions: Vec<(&str, &str)> = functions.iter().copied().collect();
    if commands.is_empty() && functions.is_empty() {
        return Default::default();
    }
    // On the thread pool: a file's roles take a moment, and every file is asked.
    let searched: Vec<&String> = files.par_iter().filter(|f| searched(f)).collect();
    // One line per function: its module's path, a tab, its name.
    let line = |(path, name): &(&str, &str)| format!("{path}\t{name}");
    let stamps = memo.and_then(|_| stamps(root, &searched, stamped, stamp_of));
    let keys = stamps.as_ref().map(|stamps| {
        (
            key(Search::Commands, &commands, &searched, stamps),
            key(Search::Functions, &functions, &searched, stamps),
        )
    });
    // What the cache knows already (nothing to look for is known too).
    let known = |wanted: &[(&str, &str)], search, key: Option<u128>| {
        if wanted.is_empty() {
            return Some(BTreeSet::new());
        }
        Some(
            memo?
                .get(search, key?)?
                .into_iter()
                .collect::<BTreeSet<String>>(),
        )
    };
    let hand_known = known(&commands, Search::Commands, keys.map(|k| k.0));
    let unnamed_known = known(&functions, Search::Functions, keys.map(|k| k.1));
    // The first step of each search not known, in one pass over the files.
    let first_commands = if hand_known.is_none() {
        not_own(&commands)
    } else {
        Vec::new()
    };
    let (modules, first_functions) = if unnamed_known.is_none() {
        uncalled_wanted(&functions)
    } else {
        Default::default()
    };
    let all: Vec<(&str, &str, bool)> = first_commands
        .iter()
        .chain(&first_functions)
        .copied()
        .collect();
    let mut for_commands = if all.is_empty() {
        Vec::new()
    } else {
        names_of(root, &searched, &all)
    };
    let for_functions = for_commands.split_off(first_commands.len());
    let hand = hand_known.unwrap_or_else(|| {
        let found = hand_run(root, &searched, &commands, for_commands);
        if let (Some(memo), Some((key, _))) = (memo, keys) {
            memo.put(Search::Commands, key, &found);
        }
        found
    });
    let unnamed = unnamed_known.unwrap_or_else(|| {
        let found: BTreeSet<String> = uncalled(&functions, &modules, &for_functions)
            .iter()
            .map(line)
            .collect();
        if let (Some(memo), Some((_, key))) = (memo, keys) {
            memo.put(Search::Functions, key, &found);
        }
        found
    });
    let uncalled = functions
        .iter()
        .filter(|f| unnamed.contains(&line(f)))
        .copied()
        .collect();
    (hand, uncalled)
}

/// Of the command modules `wanted` (path and command name), those no other file of
/// `searched` names, given the files that name each (`named`, in `wanted`'s order): run
/// by hand.
fn hand_run(
    root: &Path,
    searched: &[&String],
    wanted: &[(&str, &str)],
    named: Vec<BTreeSet<&str>>,
) -> BTreeSet<String> {
    // The files that name each command. A command named only by other commands is run
    // by hand when they are (`import_all` running `import_worldbank_data`): their own
    // names are looked for in turn, a few steps deep.
    let mut named_by: BTreeMap<&str, BTreeSet<&str>> =
        wanted.iter().map(|(own, _)| *own).zip(named).collect();
    let mut looked: BTreeSet<&str> = wanted.iter().map(|(own, _)| *own).collect();
    for _ in 0..MAX_STEPS {
        let next: Vec<(&str, &str)> = named_by
            .values()
            .filter(|by| !by.is_empty() && by.iter().all(|f| command_name(f).is_some()))
            .flatten()
            .filter(|f| looked.insert(f))
            .filter_map(|f| Some((*f, command_name(f)?)))
            .collect();
        if next.is_empty() {
            break;
        }
        let found = names_of(root, searched, &not_own(&next));
        named_by.extend(next.iter().map(|(own, _)| *own).zip(found));
    }
    // Hand-run: named by nothing, or only by commands that are hand-run themselves
    // (commands that only name each other included); a namer not looked into is not.
    let mut hand: BTreeSet<&str> = named_by
        .iter()
        .filter(|(_, by)| by.is_empty())
        .map(|(own, _)| *own)
        .collect();
    let mut maybe: BTreeSet<&str> = named_by
        .iter()
        .filter(|(_, by)| !by.is_empty() && by.iter().all(|f| named_by.contains_key(f)))
        .map(|(own, _)| *own)
        .collect();
    // Drop, until none changes, those named by a command that is not hand-run.
    loop {
        let out: Vec<&str> = maybe
            .iter()
            .copied()
            .filter(|own| {
                named_by[own]
                    .iter()
                    .any(|f| !hand.contains(f) && !maybe.contains(f))
            })
            .collect();
        if out.is_empty() {
            break;
        }
        for own in out {
            maybe.remove(own);
        }
    }
    hand.extend(maybe);
    wanted
        .iter()
        .filter(|(own, _)| hand.contains(own))
        .map(|(own, _)| (*own).to_string())
        .collect()
}

/// What a module is called by the rest of the code: its file's name (`rates/sync.py`
/// is `sync`), its package's for an `__init__.py`.
fn module_name(path: &str) -> Option<&str> {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    match file.strip_suffix(".py")? {
        "__init__" => Some(dir.rsplit('/').next().unwrap_or(dir)).filter(|d| !d.is_empty()),
        stem => Some(stem),
    }
}

/// `wanted`, where their own file does not count.
fn not_own<'w>(wanted: &[(&'w str, &'w str)]) -> Vec<(&'w str, &'w str, bool)> {
    wanted
        .iter()
        .map(|(own, name)| (*own, *name, false))
        .collect()
}

/// What [`uncalled`] looks for: each function, by its name, in its own module too; then
/// each module, by its name, in other files only. Also the modules, in that order.
type Modules<'w> = BTreeSet<(&'w str, &'w str)>;
fn uncalled_wanted<'w>(
    functions: &[(&'w str, &'w str)],
) -> (Modules<'w>, Vec<(&'w str, &'w str, bool)>) {
    let modules: Modules<'w> = functions
        .iter()
        .filter_map(|(path, _)| Some((*path, module_name(path)?)))
        .collect();
    let all = functions
        .iter()
        .map(|(path, name)| (*path, *name, true))
        .chain(modules.iter().map(|(path, name)| (*path, *name, false)))
        .collect();
    (modules, all)
}

/// Of the module-level functions `functions` (the module's path and the function's
/// name, see [`crate::lang::python::facts::PythonFacts::plain_functions`]), those that
/// no file names, their own module but where they are defined, in a module that other
/// files do name (by its file's name: a module the rest of the code imports): code
/// nothing calls, imports, registers or schedules. A module no other file names is left
/// alone (an entry point started by its path, a plugin found by a directory listing, or
/// a whole module that is dead: not told apart). `named` holds the files that name each
/// of [`uncalled_wanted`]'s names.
fn uncalled<'a>(
    functions: &[(&'a str, &'a str)],
    modules: &Modules<'_>,
    named: &[BTreeSet<&str>],
) -> BTreeSet<(&'a str, &'a str)> {
    let (functions_named, modules_named) = named.split_at(functions.len());
    let live_modules: BTreeSet<&str> = modules
        .iter()
        .zip(modules_named)
        .filter(|(_, by)| !by.is_empty())
        .map(|((path, _), _)| *path)
        .collect();
    functions
        .iter()
        .zip(functions_named)
        .filter(|((path, _), by)| by.is_empty() && live_modules.contains(path))
        .map(|(f, _)| *f)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `text` holds `name` as a whole word (not inside a longer identifier).
    fn names(text: &[u8], name: &str) -> bool {
        let finder = crate::source::WordsFinder::new([name]);
        finder.counts(text)[finder.index(0)] > 0
    }

    #[test]
    fn names_counted_in_one_pass() {
        // A name inside another (`run` in `rerun`, `sync` in `sync-counts`) hides
        // neither; an empty name is never found; a name given twice shares its count.
        let finder =
            crate::source::WordsFinder::new(["run", "rerun", "", "sync", "sync-counts", "run"]);
        let counts = finder.counts(b"rerun(); run(); sync-counts; x_run");
        let count = |i| counts[finder.index(i)];
        assert_eq!((0..6).map(count).collect::<Vec<_>>(), [1, 1, 0, 1, 1, 1]);
    }

    #[test]
    fn command_modules() {
        assert_eq!(
            command_name("app/management/commands/import_things.py"),
            Some("import_things")
        );
        assert_eq!(
            command_name("management/commands/sync-counts.py"),
            Some("sync-counts")
        );
        assert_eq!(command_name("app/management/commands/__init__.py"), None);
        assert_eq!(command_name("app/management/commands/_base.py"), None);
        assert_eq!(command_name("app/management/commands.py"), None);
        assert_eq!(command_name("app/mymanagement/commands/x.py"), None);
    }

    #[test]
    fn whole_words_only() {
        assert!(names(b"call_command(\"import_things\")", "import_things"));
        assert!(names(
            b"0 * * * * manage.py import_things --all",
            "import_things"
        ));
        assert!(!names(b"import_things_later", "import_things"));
        assert!(!names(b"reimport_things", "import_things"));
        assert!(names(b"run sync-counts now", "sync-counts"));
    }

    #[test]
    fn what_is_searched() {
        assert!(searched("sam-template.yaml"));
        assert!(searched("docs/deployment.md"));
        assert!(searched("deploy/crontab"));
        assert!(searched("Procfile"));
        assert!(searched("app/tasks.py"));
        assert!(!searched("app/tests/test_import.py"));
        assert!(!searched("CHANGELOG.md"));
        assert!(!searched("docs/release-notes/version-3.1.md"));
        assert!(!searched("static/app.js"));
        assert!(!searched("shop/migrations/0002_prices.py"));
    }
}
