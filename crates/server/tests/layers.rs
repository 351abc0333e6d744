//! The server's modules form layers (STYLE.md): `db` and `error` at the bottom, then
//! accounts, access and audit, then the engines, then `routes`, with `openapi` and the
//! application on top; nothing imports upward. This test reads the `crate::` paths of
//! every source file, builds the graph of the top-level modules, and fails on any
//! cycle, naming it, and on any import out of the bottom layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to: `erasure` for `src/erasure.rs` and for
/// `src/erasure/job.rs`. None for the crate roots.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every top-level module a source text names through `crate::`: paths
/// (`crate::db::Tx`) and the names of a grouped import (`use crate::{db, error::X}`).
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("crate::") {
        let start = i + at + "crate::".len();
        // `foocrate::` is not `crate::`.
        let boundary = i + at == 0
            || !(bytes[i + at - 1].is_ascii_alphanumeric() || bytes[i + at - 1] == b'_');
        if boundary {
            if bytes.get(start) == Some(&b'{') {
                let mut depth = 0;
                let mut item = String::new();
                let mut at_item_start = true;
                for c in text[start..].chars() {
                    match c {
                        '{' => {
                            depth += 1;
                            at_item_start = depth == 1;
                        }
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        ',' if depth == 1 => at_item_start = true,
                        c if depth == 1 && at_item_start && (c.is_alphanumeric() || c == '_') => {
                            item.push(c)
                        }
                        _ => {
                            if !item.is_empty() {
                                out.insert(std::mem::take(&mut item));
                            }
                            if depth == 1 && !c.is_whitespace() {
                                at_item_start = false;
                            }
                        }
                    }
                }
                if !item.is_empty() {
                    out.insert(item);
                }
            } else {
                let name: String = text[start..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
        i = start;
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for f in &files {
        let Some(m) = module_of(&src, f) else {
            continue;
        };
        let text = std::fs::read_to_string(f).expect("read");
        for dep in named_modules(&text) {
            if dep != m && modules.contains(&dep) {
                g.get_mut(&m).expect("module").insert(dep);
            }
        }
    }
    g
}

/// A cycle through the graph, if there is one, as the list of its modules.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        m: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(pos) = path.iter().position(|p| p == m) {
            let mut c = path[pos..].to_vec();
            c.push(m.to_string());
            return Some(c);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in &g[m] {
            if let Some(c) = visit(g, d, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(c) = visit(g, m, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_reader_sees_paths_and_grouped_imports() {
    let seen = named_modules(
        "use crate::db::rows::*;\nuse crate::{changes, error::{ApiError, Result}, AppState};\nlet x = crate::audit::append(); // notcrate::fake",
    );
    let want: BTreeSet<String> = ["db", "changes", "error", "AppState", "audit"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(seen, want);
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}

#[test]
fn the_top_level_modules_import_no_cycle() {
    let g = graph();
    assert!(g.contains_key("db") && g.contains_key("routes"), "{g:?}");
    if let Some(c) = find_cycle(&g) {
        panic!("import cycle among the server's modules: {}", c.join(" → "));
    }
}

#[test]
fn the_bottom_layer_imports_nothing_above_it() {
    let g = graph();
    for bottom in ["db", "error"] {
        let above: Vec<&String> = g[bottom]
            .iter()
            .filter(|d| *d != "db" && *d != "error")
            .collect();
        assert!(above.is_empty(), "{bottom} imports {above:?}");
    }
}
