//! Rust scan benchmark: `cargo bench --bench rust`.
//!
//! Generates a workspace of varied Rust crates (libraries and binaries with their
//! `Cargo.toml`, nested modules, `#[cfg(test)]` modules, macros, reqwest and ureq
//! clients, swallowed errors, prints; 3,000 `.rs` files by default, `BENCH_FILES` to
//! change it) and times whole runs of the engine over it, printing the median wall time
//! and files per second. With `BENCH_DIR=path` the tree is written there and kept. It
//! asserts nothing about speed: compare the figures before and after a change on the
//! same machine.

use std::path::Path;

mod common;

const LIB_ROOT: &str = r#"//! The core of the service: configuration, clients and storage.

pub mod client;
pub mod store;
mod util;

use std::collections::HashMap;

/// A configuration loaded from the environment.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub endpoint: String,
    pub retries: u32,
    pub labels: HashMap<String, String>,
}

pub fn load(path: &std::path::Path) -> Config {
    println!("loading {}", path.display());
    let labels = vec![("a".to_string(), "b".to_string())].into_iter().collect();
    Config { endpoint: format!("http://{}", "localhost"), retries: 3, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads() {
        let c = load(std::path::Path::new("x"));
        assert_eq!(c.retries, 3, "retries: {:?}", c);
        println!("{:?}", c);
    }
}
"#;

const CLIENT: &str = r#"use std::time::Duration;

use reqwest::Client;
use ureq::Agent;

pub struct Api {
    http: Client,
    agent: Agent,
}

impl Api {
    /// Builds the clients.
    pub fn new() -> Result<Self, reqwest::Error> {
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .build()?;
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(5)).build();
        Ok(Api { http, agent })
    }

    pub async fn fetch(&self, path: &str) -> Option<String> {
        let resp = match self.http.get(path).send().await {
            Ok(r) => r,
            Err(_) => {}
        };
        if let Err(_) = self.agent.get(path).call() {}
        let body = reqwest::get(path).await.ok()?;
        tracing::debug!(path = %path, "fetched {}", path);
        body.text().await.ok()
    }

    pub fn send(&self, items: &[u32]) {
        for (i, item) in items.iter().enumerate() {
            let payload = serde_json::json!({ "item": item, "index": i });
            std::fs::write(format!("/tmp/{i}"), payload.to_string()).ok();
            debug_assert!(i < 1_000_000, "too many items: {}", i);
        }
        let r = std::panic::catch_unwind(|| items.len());
        eprintln!("sent {:?}", r);
    }
}
"#;

const STORE: &str = r#"use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

pub struct Store {
    inner: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl Store {
    pub fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let guard = self.inner.lock().map_err(|_| StoreError::NotFound(key.into()))?;
        guard.get(key).cloned().ok_or_else(|| StoreError::NotFound(key.to_string()))
    }

    pub fn put(&self, key: String, value: Vec<u8>) {
        match self.inner.lock() {
            Ok(mut g) => {
                g.insert(key, value);
            }
            Err(e) => {}
        }
    }

    fn compact(&self) -> usize {
        let mut n = 0;
        if let Ok(g) = self.inner.lock() {
            for (k, v) in g.iter() {
                if k.starts_with('_') && !v.is_empty() {
                    n += v.iter().map(|b| *b as usize).sum::<usize>();
                } else if v.len() > 10 {
                    n -= 1;
                } else {
                    n = n.wrapping_mul(31).wrapping_add(k.len());
                }
            }
        }
        n
    }
}

macro_rules! key {
    ($a:expr, $b:expr) => {
        format!("{}/{}", $a, $b)
    };
}

pub fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| key!("k", i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let s = Store { inner: Default::default() };
        s.put("a".into(), vec![1, 2, 3]);
        assert_eq!(s.get("a").unwrap(), vec![1, 2, 3]);
        match s.get("b") {
            Err(_) => {}
            Ok(_) => panic!("found b"),
        }
    }
}
"#;

const UTIL: &str = r#"pub(crate) fn checksum(data: &[u8]) -> u32 {
    let mut h: u32 = 2166136261;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(16777619);
    }
    h
}

pub(crate) fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

pub(crate) fn connect(addr: &str) -> std::io::Result<std::net::TcpStream> {
    let s = std::net::TcpStream::connect(addr)?;
    s.set_nodelay(true).ok();
    Ok(s)
}
"#;

const MAIN: &str = r#"use clap::Parser;

mod cli;

#[derive(Parser, Debug)]
struct Args {
    #[arg(long)]
    config: String,
    #[arg(long, default_value_t = 8)]
    workers: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("starting with {:?}", args);
    let client = reqwest::blocking::Client::new();
    let agent = ureq::agent();
    let body = ureq::get("http://localhost/health").call()?.into_string()?;
    assert!(!body.is_empty(), "empty body from {}", "health");
    let results: Vec<_> = (0..args.workers)
        .map(|i| std::thread::spawn(move || i * 2))
        .collect();
    for r in results {
        match r.join() {
            Ok(v) => println!("{v}"),
            Err(_) => (),
        }
    }
    cli::run(&client, &agent)?;
    Ok(())
}
"#;

const CLI: &str = r#"pub fn run(client: &reqwest::blocking::Client, agent: &ureq::Agent) -> anyhow::Result<()> {
    let text = client.get("http://localhost").send()?.text()?;
    let lines: Vec<&str> = text.lines().collect();
    writeln!(std::io::stdout(), "{} lines", lines.len())?;
    let _ = agent;
    Ok(())
}

use std::io::Write;
"#;

const INTEGRATION_TEST: &str = r#"use std::time::Duration;

#[tokio::test]
async fn end_to_end() {
    let client = reqwest::Client::new();
    let resp = client.get("http://localhost:8080").timeout(Duration::from_secs(1)).send().await;
    assert!(resp.is_err() || resp.unwrap().status().is_success());
    println!("done");
}
"#;

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create dir");
    }
    std::fs::write(path, text).expect("write");
}

/// Writes crates until `files` `.rs` files exist; returns how many were written.
fn generate(root: &Path, files: usize) -> usize {
    let mut written = 0;
    let mut members = Vec::new();
    let mut c = 0;
    while written < files {
        let name = format!("crate{c:04}");
        let dir = root.join(&name);
        members.push(format!("\"{name}\""));
        if c % 4 == 3 {
            // A binary crate.
            write(
                &dir.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nclap = \"4\"\nreqwest = \"0.12\"\nureq = \"2\"\n"
                ),
            );
            write(&dir.join("src/main.rs"), MAIN);
            write(&dir.join("src/cli.rs"), &CLI.repeat(1 + c % 3));
            written += 2;
        } else {
            write(
                &dir.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nreqwest = \"0.12\"\nureq = \"2\"\nthiserror = \"1\"\n"
                ),
            );
            write(&dir.join("src/lib.rs"), LIB_ROOT);
            // Vary the size: some modules are long.
            write(&dir.join("src/client.rs"), &CLIENT.repeat(1 + c % 3));
            write(&dir.join("src/store.rs"), &STORE.repeat(1 + c % 4));
            write(&dir.join("src/util.rs"), UTIL);
            write(&dir.join("tests/it.rs"), INTEGRATION_TEST);
            written += 5;
        }
        c += 1;
    }
    write(
        &root.join("Cargo.toml"),
        &format!("[workspace]\nmembers = [{}]\n", members.join(", ")),
    );
    written
}

fn main() {
    let files = common::file_count(3_000);
    let temp = tempfile::tempdir().expect("tempdir");
    let root = common::bench_dir(temp.path());
    let rs_files = generate(&root, files);
    let t = common::time_runs(&root);
    println!(
        "scan/rust: {} files ({rs_files} .rs), {} findings, {}",
        t.scanned,
        t.findings,
        t.describe(rs_files, ".rs files")
    );
}
