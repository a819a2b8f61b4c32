//! Shared by the fuzz targets: every rule selected, loaded once; each input is checked
//! as one file at the given repository path, with panics left uncaught.

use std::sync::OnceLock;

use readylint::config::{CliOverrides, Settings, load};

pub fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        load(
            std::path::Path::new("."),
            &CliOverrides {
                no_config: true,
                select: Some(vec!["all".into()]),
                ..CliOverrides::default()
            },
        )
        .expect("settings")
    })
}

/// Checks `data` (when it is UTF-8, as readylint reads files) as each of `paths`.
pub fn check(data: &[u8], paths: &[&str]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for path in paths {
        let _ = readylint::engine::check_one_for_fuzzing(path, text, settings());
    }
}
