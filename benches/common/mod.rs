//! What the scan benchmarks share: where the generated tree goes (`BENCH_DIR`, else a
//! temporary directory), how many files (`BENCH_FILES`), and timing whole runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use readylint::config::CliOverrides;
use readylint::{RunOptions, run};

/// The number of files to generate: `BENCH_FILES`, or `default`.
pub fn file_count(default: usize) -> usize {
    std::env::var("BENCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Where to generate the tree: `BENCH_DIR`, or `temp`.
pub fn bench_dir(temp: &Path) -> PathBuf {
    let root = std::env::var_os("BENCH_DIR").map_or_else(|| temp.to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&root).expect("bench dir");
    root
}

/// Median, minimum and maximum of seven runs over `root` after a warm-up run, with the
/// last run's numbers of findings and files scanned.
pub struct Timing {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
    pub findings: usize,
    pub scanned: usize,
}

pub fn time_runs(root: &Path) -> Timing {
    let opts = RunOptions {
        paths: vec![root.to_path_buf()],
        overrides: CliOverrides {
            no_config: true,
            ..CliOverrides::default()
        },
        ..RunOptions::default()
    };
    let _ = run(&opts).expect("warm-up run");
    let mut times: Vec<Duration> = Vec::new();
    let (mut findings, mut scanned) = (0, 0);
    for _ in 0..7 {
        let start = Instant::now();
        let report = run(&opts).expect("run");
        times.push(start.elapsed());
        findings = report.findings.len();
        scanned = report.files_scanned;
    }
    times.sort();
    Timing {
        median: times[times.len() / 2],
        min: times[0],
        max: times[times.len() - 1],
        findings,
        scanned,
    }
}

impl Timing {
    /// "median 12.3 ms, 4567 <unit>/s (min …, max …)" for `count` items.
    pub fn describe(&self, count: usize, unit: &str) -> String {
        format!(
            "median {:.1} ms, {:.0} {unit}/s (min {:.1} ms, max {:.1} ms)",
            self.median.as_secs_f64() * 1e3,
            count as f64 / self.median.as_secs_f64(),
            self.min.as_secs_f64() * 1e3,
            self.max.as_secs_f64() * 1e3,
        )
    }
}
