//! The modules of `src/` read top-down: no import cycle spans two top-level modules
//! (`source`, `lang`, `repo`, `rule`, `rules`, `engine`, `output`, …). A cycle inside
//! one module's folder is allowed. `scripts/module-graph.py` prints the whole graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_cycle_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let top_of = |p: &Path| -> String {
        let first = p.strip_prefix(&src).expect("under src").components().next();
        let name = first.map(|c| c.as_os_str().to_string_lossy().into_owned());
        name.unwrap_or_default().trim_end_matches(".rs").to_string()
    };
    let modules: BTreeSet<String> = all.iter().map(|p| top_of(p)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &all {
        let from = top_of(p);
        if from == "main" || from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(p).expect("read");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let rest = &code[i + "crate::".len()..];
                let to: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if to != from && modules.contains(&to) {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    // A module is in a cycle when it reaches itself.
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = edges[start].iter().collect();
        while let Some(m) = todo.pop() {
            assert!(
                m != start,
                "`{start}` imports itself through other modules; graph: {edges:#?}"
            );
            if seen.insert(m) {
                todo.extend(edges.get(m).into_iter().flatten());
            }
        }
    }
}
