//! Scan benchmark: `cargo bench --bench scan`.
//!
//! Generates a repository of varied Dockerfiles in a temporary directory, then times
//! whole runs of the engine (walk, read, parse, rules, suppressions) and prints the
//! median wall time and files per second. It asserts nothing about speed: compare the
//! figures before and after a change on the same machine.

use std::path::Path;

mod common;

const TEMPLATES: [&str; 4] = [
    "FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y build-essential \\\n    && curl -fsSL https://example.com/x.tgz | tar xz\nCOPY . /src\nRUN pip install -r /src/requirements.txt\nFROM python:3.12-slim\nCOPY --from=build /src /app\nENV SECRET_KEY=abc LANG=C.UTF-8\nCMD gunicorn app:app\n",
    "# syntax=docker/dockerfile:1\nFROM rust:1.80 AS build\nWORKDIR /src\nCOPY . .\nRUN <<EOF\ncargo build --release\nstrip target/release/app\nEOF\nFROM gcr.io/distroless/cc-debian12:nonroot\nCOPY --from=build /src/target/release/app /app\nHEALTHCHECK CMD [\"/app\", \"health\"]\nENTRYPOINT [\"/app\"]\n",
    "FROM node:20\nARG NPM_TOKEN\nRUN sudo npm ci && wget -qO- https://example.com/i.sh | bash\nADD config.json /etc/app/\nUSER node\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n",
    "FROM alpine:3.20\nRUN apk add --no-cache ca-certificates\nBOGUS instruction here\nUSER 65532\nENTRYPOINT exec /bin/server\n",
];

fn generate(root: &Path, files: usize) {
    for i in 0..files {
        let dir = root.join(format!("svc{:03}/part{}", i / 20, i % 5));
        std::fs::create_dir_all(&dir).expect("create dir");
        let mut text = String::new();
        // Vary the size: some Dockerfiles are long.
        for _ in 0..(1 + i % 7) {
            text.push_str(TEMPLATES[i % TEMPLATES.len()]);
        }
        std::fs::write(dir.join(format!("Dockerfile.v{i}")), text).expect("write");
        std::fs::write(dir.join(format!("notes{i}.txt")), "not scanned\n").expect("write");
    }
}

fn main() {
    let files = common::file_count(5_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let root = common::bench_dir(dir.path());
    generate(&root, files);
    let t = common::time_runs(&root);
    println!(
        "scan/dockerfiles: {} files, {} findings, {}",
        t.scanned,
        t.findings,
        t.describe(t.scanned, "files")
    );
}
