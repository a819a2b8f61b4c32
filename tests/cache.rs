//! The cache of per-file results: after every change to a tree (an edit, a new file
//! that another file's rules look for, a rename, a deletion, another configuration), a
//! run with the cache reports exactly what a run without it reports, and a run over an
//! unchanged tree checks nothing again.

use std::path::Path;

use readylint::{Report, RunOptions, run};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn check(root: &Path, cache: bool) -> Report {
    run(&options(root, cache)).expect("run succeeds")
}

fn options(root: &Path, cache: bool) -> RunOptions {
    RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        cache,
        // The default set, and the opt-in rules the files are written for: EXC001 for
        // the Python file, DKR007 (which reads the repository's file list) and DKR003
        // (a repository rule, which reads the deployments) for the Dockerfile.
        overrides: readylint::config::CliOverrides {
            extend_select: vec!["EXC001".into(), "DKR007".into(), "DKR003".into()],
            ..Default::default()
        },
        ..RunOptions::default()
    }
}

/// Everything a finding says, in order.
fn rendered(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}-{}:{} {} {:?} {} | {} | {} | {:?}",
                f.path,
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.rule,
                f.severity,
                f.message,
                f.help,
                f.fingerprint,
                f.fix
            )
        })
        .collect()
}

/// Runs with the cache and without, and checks they agree; returns the cached run.
fn same_as_without_cache(root: &Path) -> Report {
    let cached = check(root, true);
    let fresh = check(root, false);
    assert_eq!(rendered(&cached), rendered(&fresh));
    assert_eq!(cached.suppressed, fresh.suppressed);
    assert_eq!(cached.files_scanned, fresh.files_scanned);
    assert_eq!(cached.errors, fresh.errors);
    cached
}

fn has(report: &Report, path: &str, rule: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| &*f.path == path && f.rule == rule)
}

const SERVICE: &str = "\
import requests


def fetch(url):
    try:
        return requests.get(url)
    except:
        pass
";

const DOCKERFILE: &str =
    "FROM python:3.12-slim\nCOPY . /app\nUSER app\nCMD [\"python\", \"/app/main.py\"]\n";

#[test]
fn results_match_a_run_without_cache_through_edits_renames_and_deletions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    write(
        root,
        "app/quiet.py",
        "def f():\n    try:\n        g()\n    except Exception:  # readylint: ignore[EXC002] -- best effort\n        pass\n",
    );
    write(root, "app/broken.py", "def f(:\n");
    write(root, "Dockerfile", DOCKERFILE);
    write(root, "requirements.txt", "flask\n");
    write(
        root,
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n",
    );

    let first = same_as_without_cache(root);
    assert_eq!(first.cached, 0);
    assert!(has(&first, "app/service.py", "EXC001"));
    assert!(has(&first, "app/service.py", "NET001"));
    assert!(has(&first, "app/broken.py", "RDY001"));
    assert!(root.join(".readylint_cache/.gitignore").is_file());

    // Unchanged: nothing is checked again.
    let second = same_as_without_cache(root);
    assert_eq!(
        second.cached,
        first.files_scanned - 1,
        "all but the manifest"
    );

    // An edit: that file is checked again, the others come from the cache.
    write(
        root,
        "app/service.py",
        &SERVICE.replace("requests.get(url)", "requests.get(url, timeout=5)"),
    );
    let edited = same_as_without_cache(root);
    assert!(!has(&edited, "app/service.py", "NET001"));
    assert!(has(&edited, "app/service.py", "EXC001"));
    assert_eq!(edited.cached, second.cached - 1);

    // A new file that the Dockerfile's rules look for: the Dockerfile is checked again.
    assert!(has(&edited, "Dockerfile", "DKR007"));
    write(root, ".dockerignore", ".git\n");
    let ignored = same_as_without_cache(root);
    assert!(!has(&ignored, "Dockerfile", "DKR007"));

    // A rename: the findings follow the file.
    std::fs::rename(root.join("app/service.py"), root.join("app/client.py")).expect("rename");
    let renamed = same_as_without_cache(root);
    assert!(has(&renamed, "app/client.py", "EXC001"));
    assert!(!has(&renamed, "app/service.py", "EXC001"));

    // A deletion: its findings are gone.
    std::fs::remove_file(root.join("app/broken.py")).expect("delete");
    let deleted = same_as_without_cache(root);
    assert!(!deleted.findings.iter().any(|f| &*f.path == "app/broken.py"));

    // Another configuration: everything is checked again under it.
    write(root, "readylint.toml", "ignore = [\"NET001\"]\n");
    let configured = same_as_without_cache(root);
    assert_eq!(configured.cached, 0);
    assert!(!has(&configured, "app/client.py", "NET001"));

    // A suppression that stops matching is reported as unused from cached results too.
    write(
        root,
        "app/quiet.py",
        "def f():\n    try:\n        g()\n    except Exception:  # readylint: ignore[EXC002] -- best effort\n        raise\n",
    );
    same_as_without_cache(root);
}

/// The repository rules' results are stored too, and taken as they are only while no
/// file of the index and no name in the file list changed: an edit to one file, a new
/// file that changes a repository finding (a Compose health check for a Dockerfile, a
/// README) and a deletion all run the repository rules again.
#[test]
fn repository_results_follow_every_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    write(
        root,
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY . /app\nUSER app\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\n",
    );
    let settings = |debug: &str| {
        format!(
            "DEBUG = {debug}\nALLOWED_HOSTS = [\"*\"]\nINSTALLED_APPS = [\"django.contrib.admin\"]\nROOT_URLCONF = \"site.urls\"\n"
        )
    };
    write(root, "site/settings.py", &settings("True"));
    let first = same_as_without_cache(root);
    assert!(has(&first, "site/settings.py", "CFG001"));
    assert!(has(&first, "Dockerfile", "DKR003"));
    let stored = std::fs::read_dir(root.join(".readylint_cache"))
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "repo"))
        .expect("the repository results are stored");

    // Unchanged: the stored results are taken, not written again.
    let modified = |p: &Path| {
        std::fs::metadata(p)
            .expect("meta")
            .modified()
            .expect("mtime")
    };
    age(root, &stored.to_string_lossy(), 0);
    let old = modified(&stored);
    let again = same_as_without_cache(root);
    assert!(has(&again, "site/settings.py", "CFG001"));
    assert_eq!(modified(&stored), old);

    // An edit to a file whose facts the repository rules read.
    write(root, "site/settings.py", &settings("False"));
    let edited = same_as_without_cache(root);
    assert!(!has(&edited, "site/settings.py", "CFG001"));
    assert_ne!(modified(&stored), old);

    // A new file that health-checks the Dockerfile's image.
    write(
        root,
        "compose.yaml",
        "services:\n  web:\n    build: .\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n",
    );
    let probed = same_as_without_cache(root);
    assert!(!has(&probed, "Dockerfile", "DKR003"));

    // Its deletion brings the finding back.
    std::fs::remove_file(root.join("compose.yaml")).expect("delete");
    let deleted = same_as_without_cache(root);
    assert!(has(&deleted, "Dockerfile", "DKR003"));

    // A new file that no rule reads but whose name a repository rule looks for.
    assert!(has(&deleted, "Dockerfile", "DOC001"));
    write(root, "README.md", "# Site\n\nServes the site.\n");
    let documented = same_as_without_cache(root);
    assert!(!has(&documented, "Dockerfile", "DOC001"));
}

#[test]
fn a_read_only_tree_is_checked_without_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    // The cache directory cannot be created: a file stands in its way.
    write(root, ".readylint_cache", "not a directory");
    let report = same_as_without_cache(root);
    assert!(has(&report, "app/service.py", "EXC001"));
    assert_eq!(check(root, true).cached, 0);
}

/// Every file the cache writes lands in a folder that ignores itself: a run whose
/// only cache files are the repository rules' (the path given holds nothing to check)
/// writes the `.gitignore` too, so `git status` never shows the cache.
#[test]
fn the_cache_folder_always_ignores_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    write(root, "docs/notes.txt", "nothing to check here\n");
    let mut opts = options(root, true);
    opts.paths = vec![root.join("docs")];
    run(&opts).expect("run succeeds");
    let cache = root.join(".readylint_cache");
    let written: Vec<String> = std::fs::read_dir(&cache)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        written.is_empty() || written.iter().any(|f| f == ".gitignore"),
        "cache files without a .gitignore: {written:?}"
    );
}

#[test]
fn a_corrupt_cache_is_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    same_as_without_cache(root);
    for entry in std::fs::read_dir(root.join(".readylint_cache")).expect("cache dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "bin" || e == "repo") {
            std::fs::write(&path, [0xff_u8; 7]).expect("corrupt");
        }
    }
    let report = same_as_without_cache(root);
    assert_eq!(report.cached, 0);
    assert!(has(&report, "app/service.py", "EXC001"));
}

/// `--cache-dir`: the cache is kept outside the scanned tree, which is left as it was,
/// and projects sharing the directory keep their own entries.
#[test]
fn a_cache_dir_keeps_the_tree_untouched() {
    let cache = tempfile::tempdir().expect("tempdir");
    let trees = [
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    ];
    let opts = |root: &Path| RunOptions {
        paths: vec![root.to_path_buf()],
        root: Some(root.to_path_buf()),
        cache: true,
        cache_dir: Some(cache.path().to_path_buf()),
        overrides: readylint::config::CliOverrides {
            extend_select: vec!["EXC001".into()],
            ..Default::default()
        },
        ..RunOptions::default()
    };
    for t in &trees {
        write(t.path(), "app/service.py", SERVICE);
    }
    for t in &trees {
        assert_eq!(run(&opts(t.path())).expect("run").cached, 0);
    }
    for t in &trees {
        let warm = run(&opts(t.path())).expect("run");
        assert_eq!(warm.cached, 1, "each project finds its own entries");
        assert!(has(&warm, "app/service.py", "EXC001"));
        assert!(!t.path().join(".readylint_cache").exists());
    }
    let folders = std::fs::read_dir(cache.path()).expect("cache dir").count();
    assert_eq!(folders, 2);
}

/// Sets a file's modification time to a moment of 2020 (`tick` seconds after its start).
fn age(root: &Path, rel: &str, tick: u64) {
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_577_836_800 + tick);
    std::fs::File::options()
        .write(true)
        .open(root.join(rel))
        .expect("open")
        .set_modified(when)
        .expect("set mtime");
}

/// A file whose size and modification time are as stored is taken as unchanged without
/// being read, as ruff and git do; a new modification time makes it read again (and
/// stored with that time when its text is unchanged); a file modified in the last two
/// seconds is always read, since a coarse clock could hide a second edit.
#[test]
fn an_unchanged_size_and_modification_time_skip_the_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    write(
        root,
        "README.md",
        "# Service\n\nIt serves things to people who ask for them.\n",
    );
    age(root, "app/service.py", 3600);
    age(root, "README.md", 3600);
    let first = same_as_without_cache(root);
    assert!(has(&first, "app/service.py", "EXC001"));

    // Same size, same time, other text: the stored results stand (the file is not read).
    let quiet = SERVICE.replace("        pass", "       raise");
    assert_eq!(quiet.len(), SERVICE.len());
    write(root, "app/service.py", &quiet);
    age(root, "app/service.py", 3600);
    let stale = check(root, true);
    assert!(
        has(&stale, "app/service.py", "EXC001"),
        "taken from the stored stamp"
    );
    // The text shown with a finding is read from the file as it is now.
    assert_eq!(stale.cached, first.files_scanned);

    // Another time: read and checked again.
    age(root, "app/service.py", 1800);
    let fresh = same_as_without_cache(root);
    assert!(!has(&fresh, "app/service.py", "EXC001"));

    // Touched, same text: taken by its hash, and stored with its new time, so that the
    // next run does not read it (shown by a same-size edit going unseen again).
    write(root, "app/service.py", SERVICE);
    age(root, "app/service.py", 900);
    let before_touch = same_as_without_cache(root);
    assert!(has(&before_touch, "app/service.py", "EXC001"));
    age(root, "app/service.py", 600);
    let touched = check(root, true);
    assert_eq!(touched.cached, touched.files_scanned);
    write(root, "app/service.py", &quiet);
    age(root, "app/service.py", 600);
    assert!(has(&check(root, true), "app/service.py", "EXC001"));

    // Just modified: read whatever its time says.
    write(root, "app/service.py", SERVICE);
    let now = same_as_without_cache(root);
    assert!(has(&now, "app/service.py", "EXC001"));
    write(root, "app/service.py", &quiet);
    let recent = same_as_without_cache(root);
    assert!(!has(&recent, "app/service.py", "EXC001"));
}

/// A run that shows no fingerprints and no fixes (the `concise` and `text` outputs)
/// takes the findings of unchanged files without the text of their line and without
/// their fix, and stores their entries again as they were read when another file
/// changed: a later run that shows both (JSON, SARIF) gets them whole, as a run
/// without the cache.
#[test]
fn a_run_without_fingerprints_keeps_the_cache_whole_for_one_with_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app/service.py", SERVICE);
    write(root, "app/other.py", SERVICE);
    age(root, "app/service.py", 3600);
    age(root, "app/other.py", 3600);
    let first = same_as_without_cache(root);
    assert!(has(&first, "app/service.py", "EXC001"));
    let without_fingerprints = |root: &Path| {
        run(&RunOptions {
            skip_fingerprints: true,
            skip_fixes: true,
            ..options(root, true)
        })
        .expect("run succeeds")
    };
    // One file edited: the other is taken by its stamp, without its lines' text, and
    // the cache is written again.
    write(root, "app/other.py", &SERVICE.replace("url", "address"));
    age(root, "app/other.py", 1800);
    let quick = without_fingerprints(root);
    assert_eq!(quick.cached, 1);
    let plain = |r: &Report| -> Vec<String> {
        r.findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{} {} {}",
                    f.path, f.line, f.column, f.rule, f.message
                )
            })
            .collect()
    };
    assert_eq!(plain(&quick), plain(&check(root, false)));
    let taken = |r: &Report| -> Vec<String> {
        r.findings
            .iter()
            .filter(|f| &*f.path == "app/service.py")
            .map(|f| format!("{} {:?} {}", f.rule, f.fix.is_some(), f.line_text))
            .collect()
    };
    assert_eq!(
        taken(&quick),
        ["NET001 false ", "EXC001 false "],
        "taken by its stamp, without line text or fix"
    );
    // Taken again by its stamp, now with fingerprints and fixes: from the entry stored
    // as read.
    let whole = same_as_without_cache(root);
    assert_eq!(whole.cached, 2);
    assert!(whole.findings.iter().all(|f| !f.line_text.is_empty()));
    assert_eq!(
        taken(&whole),
        [
            "NET001 true return requests.get(url)",
            "EXC001 true except:"
        ]
    );
}

const COMMAND: &str = "\
import requests
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        requests.get(\"https://prices.example.com/today\")
";

/// A Django management command no other file names is run by hand, and its findings of
/// rules that skip scripts are withdrawn; the search for its name is kept in the cache
/// by the stamps of the files searched. Naming the command in a crontab (even with the
/// same size and an older modification time than any stored) brings the finding back,
/// with the cache as without it.
#[test]
fn hand_run_commands_follow_the_files_that_name_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let command = "shop/management/commands/sync_prices.py";
    write(root, command, COMMAND);
    write(
        root,
        "deploy/crontab",
        "15 2 * * * python manage.py other_jobss\n",
    );
    write(root, "README.md", "# Shop\n\nIt sells things.\n");
    for rel in [command, "deploy/crontab", "README.md"] {
        age(root, rel, 3600);
    }
    let first = same_as_without_cache(root);
    assert!(!has(&first, command, "NET001"));
    // Unchanged: the stored search stands.
    let again = same_as_without_cache(root);
    assert!(!has(&again, command, "NET001"));

    // The crontab now runs the command: same size as before, another stamp.
    write(
        root,
        "deploy/crontab",
        "15 2 * * * python manage.py sync_prices\n",
    );
    age(root, "deploy/crontab", 7200);
    let scheduled = same_as_without_cache(root);
    assert!(has(&scheduled, command, "NET001"));
}

const LEGACY: &str = "\
import requests

EXPORT_URL = \"https://export.example.com\"


def old_export(rows):
    requests.post(\"https://export.example.com/upload\", json=rows)
";

/// A module-level function that no file names but where it is defined does not run,
/// and its findings of rules that skip scripts are withdrawn; the search is kept in the
/// cache as the one for commands is. Calling it from another module (a file of the same
/// size as before, with an older modification time than any stored) brings the finding
/// back, with the cache as without it, and so does deleting the module's only user.
#[test]
fn uncalled_functions_follow_the_files_that_name_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let module = "app/legacy.py";
    write(root, module, LEGACY);
    write(
        root,
        "app/tasks.py",
        "from . import legacy\n\n\ndef nightly():\n    legacy.new_export([])\n",
    );
    write(root, "README.md", "# Export\n\nIt exports things.\n");
    for rel in [module, "app/tasks.py", "README.md"] {
        age(root, rel, 3600);
    }
    let first = same_as_without_cache(root);
    assert!(!has(&first, module, "NET001"));
    let again = same_as_without_cache(root);
    assert!(!has(&again, module, "NET001"));

    // The task now calls it: same size as before, another stamp.
    write(
        root,
        "app/tasks.py",
        "from . import legacy\n\n\ndef nightly():\n    legacy.old_export([])\n",
    );
    age(root, "app/tasks.py", 7200);
    let called = same_as_without_cache(root);
    assert!(has(&called, module, "NET001"));

    // Deleted, the caller takes the module's only user with it: a module no other file
    // names is left alone.
    std::fs::remove_file(root.join("app/tasks.py")).expect("remove");
    let gone = same_as_without_cache(root);
    assert!(has(&gone, module, "NET001"));
    // Named by a module that does not call the function: dead again.
    write(root, "app/views.py", "from .legacy import EXPORT_URL\n");
    let unused = same_as_without_cache(root);
    assert!(!has(&unused, module, "NET001"));
}
