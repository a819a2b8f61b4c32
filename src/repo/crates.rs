//! The Rust crates of the repository: each `Cargo.toml`'s crate, its targets, and the
//! role of each Rust file in it (library, binary, build script, example, test), built
//! once from the facts the Rust front end gathered, on first use.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::lang::rust::PathRole;
use crate::lang::rust::cargo::CargoManifest;
use crate::lang::rust::crates::{ModDecl, RustFacts, SourceFacts};
use crate::repo::RepoIndex;
use crate::source::{Span, file_name, join_path as join, parent_dir};

/// The roles a file plays in its crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub library: bool,
    pub binary: bool,
    pub build_script: bool,
    pub example: bool,
    pub test: bool,
    /// Clippy print lints allowed on the `mod` declarations that lead here.
    pub clippy_allow: u8,
}

impl Roles {
    /// Library code that no binary, build script, example or test reaches.
    pub fn is_library_only(&self) -> bool {
        self.library && !self.test
    }

    fn from_path(rel: &str, crate_has_lib: bool) -> Roles {
        let p = PathRole::of(rel);
        let mut r = Roles {
            test: p.test,
            example: p.example,
            build_script: p.build_script,
            binary: p.binary,
            library: false,
            clippy_allow: 0,
        };
        if r == Roles::default() {
            if crate_has_lib {
                r.library = true;
            } else {
                r.binary = true;
            }
        }
        r
    }
}

/// One crate: the directory of its manifest and its Rust files with their roles.
#[derive(Debug, Clone, Default)]
pub struct Crate {
    pub name: String,
    /// Directory of the manifest ("" at the root).
    pub dir: String,
    pub manifest_path: String,
    pub lib_root: Option<String>,
    /// Web frameworks among the crate's dependencies (see [`super::cargo::WEB_FRAMEWORKS`]).
    pub web_frameworks: BTreeSet<String>,
    /// `publish = false` in the manifest.
    pub unpublished: bool,
    pub files: BTreeMap<String, Roles>,
    /// Files reached from the library root through `pub mod` only.
    pub public_files: BTreeSet<String>,
    /// `pub mod x;` declarations in public files: (file, span, documented by `///`
    /// on the declaration or `//!` in the module).
    pub pub_mods: Vec<(String, Span, bool)>,
}

/// Every crate of the repository, and the Rust files that belong to none.
#[derive(Debug, Default)]
pub struct CrateModel {
    pub crates: Vec<Crate>,
    /// Rust files without a package manifest above them, with roles from their path.
    pub loose: BTreeMap<String, Roles>,
}

impl CrateModel {
    pub fn build(repo: &RepoIndex) -> CrateModel {
        let mut manifests: BTreeMap<String, CargoManifest> = BTreeMap::new();
        let mut sources: BTreeMap<String, &SourceFacts> = BTreeMap::new();
        for (src, facts) in repo.parsed() {
            match facts.rust.as_deref() {
                Some(RustFacts::Manifest(m)) if file_name(&src.rel_path) == "Cargo.toml" => {
                    manifests.insert(parent_dir(&src.rel_path).to_string(), m.clone());
                }
                Some(RustFacts::Source(s)) => {
                    sources.insert(src.rel_path.to_string(), s);
                }
                _ => {}
            }
        }
        let rs_files: Vec<&str> = repo.files().filter(|f| f.ends_with(".rs")).collect();
        let mut by_crate: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut model = CrateModel::default();
        for f in &rs_files {
            match crate_dir(repo, &manifests, f) {
                Some(dir) => by_crate.entry(dir).or_default().push(f),
                None => {
                    model.loose.insert(f.to_string(), Roles::from_path(f, true));
                }
            }
        }
        for (dir, files) in by_crate {
            let manifest = manifests.get(&dir).cloned().unwrap_or_default();
            model
                .crates
                .push(build_crate(&dir, &manifest, &files, &sources));
        }
        model
    }
}

/// The directory of the nearest `Cargo.toml` above `file` that declares a package (or
/// could not be read), or `None` when the nearest one is a virtual workspace or there
/// is none.
fn crate_dir(
    repo: &RepoIndex,
    manifests: &BTreeMap<String, CargoManifest>,
    file: &str,
) -> Option<String> {
    let mut dir = parent_dir(file);
    loop {
        if repo.dir_has(dir, "Cargo.toml") {
            return match manifests.get(dir) {
                Some(m) if m.package.is_none() => None,
                _ => Some(dir.to_string()),
            };
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(dir);
    }
}

fn build_crate(
    dir: &str,
    manifest: &CargoManifest,
    files: &[&str],
    sources: &BTreeMap<String, &SourceFacts>,
) -> Crate {
    let in_crate: BTreeSet<&str> = files.iter().copied().collect();
    let exists = |p: &str| in_crate.contains(p);
    let at = |rel: &str| join(dir, rel);
    // `cargo xtask` crates are development tools, whatever targets they have.
    let tool = manifest
        .package
        .as_deref()
        .is_some_and(|n| n == "xtask" || n.starts_with("xtask-") || n.starts_with("xtask_"));
    let lib_file = manifest
        .lib_path
        .as_deref()
        .map(at)
        .or_else(|| Some(at("src/lib.rs")))
        .filter(|p| exists(p));
    let lib_root = lib_file.clone().filter(|_| !tool);

    // Roots of each target kind.
    let mut roots: Vec<(String, Roles)> = Vec::new();
    if let Some(lib) = &lib_root {
        roots.push((
            lib.clone(),
            Roles {
                library: true,
                ..Roles::default()
            },
        ));
    }
    let bin = Roles {
        binary: true,
        ..Roles::default()
    };
    if let (true, Some(lib)) = (tool, &lib_file) {
        roots.push((lib.clone(), bin));
    }
    let mut bin_roots: Vec<String> = manifest.bin_paths.iter().map(|p| at(p)).collect();
    bin_roots.push(at("src/main.rs"));
    let build = match &manifest.build {
        Some(None) => None,
        Some(Some(p)) => Some(at(p)),
        None => Some(at("build.rs")),
    };
    for f in files {
        let rel = f
            .strip_prefix(dir)
            .map_or(*f, |r| r.trim_start_matches('/'));
        let parts: Vec<&str> = rel.split('/').collect();
        let kind = match parts.as_slice() {
            ["src", "bin", _] | ["src", "bin", _, "main.rs"] => Some(bin),
            ["examples", _] | ["examples", _, "main.rs"] => Some(Roles {
                example: true,
                ..Roles::default()
            }),
            ["tests", _] | ["tests", _, "main.rs"] | ["benches", _] | ["benches", _, "main.rs"] => {
                Some(Roles {
                    test: true,
                    ..Roles::default()
                })
            }
            _ => None,
        };
        if let Some(k) = kind {
            roots.push((f.to_string(), k));
        }
    }
    for b in bin_roots {
        if exists(&b) {
            roots.push((b, bin));
        }
    }
    if let Some(b) = build.filter(|b| exists(b)) {
        roots.push((
            b,
            Roles {
                build_script: true,
                ..Roles::default()
            },
        ));
    }
    let root_set: BTreeSet<String> = roots.iter().map(|(r, _)| r.clone()).collect();

    let mut roles: BTreeMap<String, Roles> = BTreeMap::new();
    let mut public_files = BTreeSet::new();
    let mut pub_mods: BTreeMap<(String, usize, usize), bool> = BTreeMap::new();
    // (file, roles it gets, reached through public modules from the library root)
    let mut queue: VecDeque<(String, Roles, bool)> = roots
        .iter()
        .map(|(r, k)| (r.clone(), *k, k.library))
        .collect();
    let mut seen: BTreeSet<(String, bool, bool, bool)> = BTreeSet::new();
    while let Some((file, r, public)) = queue.pop_front() {
        if !seen.insert((file.clone(), r.library, r.test, public)) || seen.len() > 100_000 {
            continue;
        }
        let entry = roles.entry(file.clone()).or_default();
        entry.library |= r.library;
        entry.binary |= r.binary;
        entry.build_script |= r.build_script;
        entry.example |= r.example;
        entry.test |= r.test;
        entry.clippy_allow |= r.clippy_allow;
        if public {
            public_files.insert(file.clone());
        }
        let Some(facts) = sources.get(&file) else {
            continue;
        };
        let is_root = root_set.contains(&file);
        for m in &facts.mods {
            let target = resolve_mod(&file, is_root, m, &exists);
            if public && r.library && m.public && !m.test {
                let inner = target
                    .as_ref()
                    .and_then(|t| sources.get(t))
                    .is_some_and(|s| s.inner_doc);
                pub_mods.insert(
                    (file.clone(), m.span.start, m.span.end),
                    m.documented || inner,
                );
            }
            if let Some(target) = target {
                let mut child = r;
                child.test |= m.test;
                child.clippy_allow |= m.clippy_allow;
                queue.push_back((target, child, public && m.public && !m.test));
            }
        }
    }
    let has_lib = lib_root.is_some();
    let files_roles = files
        .iter()
        .map(|f| {
            let r = roles
                .get(*f)
                .copied()
                .unwrap_or_else(|| Roles::from_path(f, has_lib));
            (f.to_string(), r)
        })
        .collect();
    Crate {
        name: manifest
            .package
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| file_name(dir).to_string()),
        dir: dir.to_string(),
        manifest_path: at("Cargo.toml"),
        lib_root,
        web_frameworks: manifest.web_frameworks.clone(),
        unpublished: manifest.unpublished,
        files: files_roles,
        public_files,
        pub_mods: pub_mods
            .into_iter()
            .map(|((f, s, e), d)| (f, s..e, d))
            .collect(),
    }
}

/// The file a `mod` declaration in `file` loads, if it exists.
fn resolve_mod(
    file: &str,
    is_root: bool,
    m: &ModDecl,
    exists: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let dir = parent_dir(file);
    let name = file_name(file);
    let mod_rs = is_root || name == "mod.rs";
    let base = if mod_rs {
        dir.to_string()
    } else {
        join(dir, name.strip_suffix(".rs").unwrap_or(name))
    };
    let base = m.parents.iter().fold(base, |b, p| join(&b, p));
    if let Some(p) = &m.path_attr {
        let from = if m.parents.is_empty() {
            dir.to_string()
        } else {
            base
        };
        let target = join(&from, p);
        return exists(&target).then_some(target);
    }
    let a = join(&base, &format!("{}.rs", m.name));
    if exists(&a) {
        return Some(a);
    }
    let b = join(&base, &format!("{}/mod.rs", m.name));
    exists(&b).then_some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(name: &str, parents: &[&str], path: Option<&str>) -> ModDecl {
        ModDecl {
            parents: parents.iter().map(|s| s.to_string()).collect(),
            name: name.into(),
            path_attr: path.map(str::to_string),
            public: true,
            test: false,
            documented: false,
            clippy_allow: 0,
            span: 0..0,
        }
    }

    #[test]
    fn module_files_are_found() {
        let files = [
            "c/src/lib.rs",
            "c/src/a.rs",
            "c/src/a/b.rs",
            "c/src/x/mod.rs",
            "c/src/p/q.rs",
        ];
        let exists = |p: &str| files.contains(&p);
        assert_eq!(
            resolve_mod("c/src/lib.rs", true, &decl("a", &[], None), &exists).as_deref(),
            Some("c/src/a.rs")
        );
        assert_eq!(
            resolve_mod("c/src/a.rs", false, &decl("b", &[], None), &exists).as_deref(),
            Some("c/src/a/b.rs")
        );
        assert_eq!(
            resolve_mod("c/src/lib.rs", true, &decl("x", &[], None), &exists).as_deref(),
            Some("c/src/x/mod.rs")
        );
        assert_eq!(
            resolve_mod("c/src/lib.rs", true, &decl("q", &["p"], None), &exists).as_deref(),
            Some("c/src/p/q.rs")
        );
        assert_eq!(
            resolve_mod(
                "c/src/lib.rs",
                true,
                &decl("z", &[], Some("p/q.rs")),
                &exists
            )
            .as_deref(),
            Some("c/src/p/q.rs")
        );
        assert_eq!(
            resolve_mod("c/src/lib.rs", true, &decl("nope", &[], None), &exists),
            None
        );
    }

    #[test]
    fn crates_record_their_web_frameworks_and_roles() {
        use crate::repo::FileFacts;
        use crate::source::SourceFile;
        use std::sync::Arc;

        let files = [
            "Cargo.toml",
            "api/Cargo.toml",
            "api/src/main.rs",
            "api/src/routes.rs",
            "lib/Cargo.toml",
            "lib/src/lib.rs",
        ];
        let mut repo = RepoIndex::new(files.iter().map(|s| s.to_string()));
        let manifest = |text: &str| FileFacts {
            rust: Some(Box::new(RustFacts::Manifest(
                CargoManifest::parse(text).unwrap(),
            ))),
            ..FileFacts::default()
        };
        let add = |repo: &mut RepoIndex, path: &str, facts: FileFacts| {
            repo.add_source(Arc::new(SourceFile::new(path, path, String::new())), facts);
        };
        add(
            &mut repo,
            "Cargo.toml",
            manifest("[workspace]\nmembers = [\"api\", \"lib\"]\n"),
        );
        add(
            &mut repo,
            "api/Cargo.toml",
            manifest("[package]\nname = \"api\"\n[dependencies]\naxum = \"0.7\"\n"),
        );
        add(
            &mut repo,
            "lib/Cargo.toml",
            manifest("[package]\nname = \"lib\"\n"),
        );
        let main = SourceFacts {
            mods: vec![ModDecl {
                public: false,
                ..decl("routes", &[], None)
            }],
            ..SourceFacts::default()
        };
        add(
            &mut repo,
            "api/src/main.rs",
            FileFacts {
                rust: Some(Box::new(RustFacts::Source(main))),
                ..FileFacts::default()
            },
        );
        let model = CrateModel::build(&repo);
        let api = model.crates.iter().find(|c| c.name == "api").unwrap();
        assert_eq!(api.web_frameworks.iter().collect::<Vec<_>>(), ["axum"]);
        assert!(api.lib_root.is_none());
        assert!(api.files["api/src/routes.rs"].binary);
        let lib = model.crates.iter().find(|c| c.name == "lib").unwrap();
        assert!(lib.web_frameworks.is_empty());
        assert!(lib.files["lib/src/lib.rs"].library);
    }

    #[test]
    fn paths_join() {
        assert_eq!(join("a/b", "../c.rs"), "a/c.rs");
        assert_eq!(join("", "src/lib.rs"), "src/lib.rs");
        assert_eq!(join("a", "./x"), "a/x");
    }
}
