//! Import drift: the crate's modules form layers, with no import circle. For every module,
//! its child modules (each with everything below it) form a graph whose edges are the
//! `crate::`, `super::`, `self::` and `use` paths from one child to another (grouped
//! `use crate::{a, b::c}` included, and an item a parent re-exports from one of its
//! children counted as that child's); that graph has no circle. At the crate root the nodes
//! are the top-level modules; inside `check` they are `check::chain`, `check::diagnosis`, ...
//! Code under `#[cfg(test)]`, `tests.rs` files and `tests/` directories is left out, and so
//! are comments (a documentation link is no dependency). The layers are written in
//! `docs/architecture.md` (Layers).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::root;
use crate::support::rust_paths::{Module, Tok, lex, mentions};

/// The module of a source file (`src/check/chain.rs` → `check::chain`), or `None` for test
/// files (`tests.rs`, anything under a `tests/` directory).
fn module_of(rel: &str) -> Option<Module> {
    let stem = rel.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    if parts.iter().any(|p| p == "tests") {
        return None;
    }
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    Some(parts)
}

/// One import between two sibling modules, with where it is written.
#[derive(Debug, Clone)]
struct Edge {
    to: String,
    at: String,
}

/// For every module with children, the imports between its children: parent → child →
/// the children it imports, with the first place each is written. `files` are paths
/// below `src/` with their text; `binary` names the top-level modules of the binary crate.
fn sibling_graphs(
    files: &[(String, String)],
    binary: &BTreeSet<String>,
) -> BTreeMap<(bool, Module), BTreeMap<String, Vec<Edge>>> {
    // Which crate a module is in: the binary's (`main.rs` and its modules) or the library's.
    let in_binary = |m: &Module, rel: &str| {
        rel == "main.rs" || m.first().is_some_and(|top| binary.contains(top))
    };
    let mut known: BTreeSet<(bool, Module)> = BTreeSet::new();
    let mut all = Vec::new();
    for (rel, text) in files {
        let Some(module) = module_of(rel) else {
            continue;
        };
        let bin = in_binary(&module, rel);
        let found = mentions(&module, text);
        known.insert((bin, module.clone()));
        for m in &found {
            known.insert((bin, m.from.clone()));
        }
        all.push((bin, rel.clone(), found));
    }
    // The longest known module a path names.
    let module = |bin: bool, path: &[String]| {
        let mut to = path.to_vec();
        while !to.is_empty() && !known.contains(&(bin, to.clone())) {
            to.pop();
        }
        to
    };
    // What a module's `use` of its own descendants binds (`pub use batch::Batch` in
    // `image`): `image::Batch` is `image::batch`'s.
    let mut reexports: BTreeMap<(bool, Module, String), Module> = BTreeMap::new();
    for (bin, _, found) in &all {
        for m in found {
            let to = module(*bin, &m.path);
            if let Some(name) = &m.binds
                && to.len() > m.from.len()
                && to.starts_with(&m.from)
            {
                reexports.insert((*bin, m.from.clone(), name.clone()), to);
            }
        }
    }
    let mut graphs: BTreeMap<(bool, Module), BTreeMap<String, Vec<Edge>>> = BTreeMap::new();
    for (bin, rel, found) in all {
        for m in found {
            let mut to = module(bin, &m.path);
            if let Some(name) = m.path.get(to.len()) {
                while let Some(deeper) = reexports.get(&(bin, to.clone(), name.clone())) {
                    to = deeper.clone();
                }
            }
            let common = m.from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == m.from.len() || common == to.len() {
                // A module and its own ancestor or descendant: no sibling edge.
                continue;
            }
            let parent = m.from[..common].to_vec();
            let edges = graphs
                .entry((bin, parent))
                .or_default()
                .entry(m.from[common].clone())
                .or_default();
            if !edges.iter().any(|e| e.to == to[common]) {
                edges.push(Edge {
                    to: to[common].clone(),
                    at: format!("src/{rel}:{}", m.line),
                });
            }
        }
    }
    graphs
}

/// One circle in `graph`, as its nodes with the place of each edge, if there is one.
fn circle(graph: &BTreeMap<String, Vec<Edge>>) -> Option<Vec<(String, String)>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<Edge>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<(String, String)>,
    ) -> Option<Vec<(String, String)>> {
        state.insert(node.to_owned(), 1);
        for e in graph.get(node).into_iter().flatten() {
            stack.push((node.to_owned(), e.at.clone()));
            match state.get(&e.to).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|(n, _)| *n == e.to).unwrap_or(0);
                    return Some(stack[start..].to_vec());
                }
                0 => {
                    if let Some(c) = visit(&e.to, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
            stack.pop();
        }
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node) {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, graph, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

/// Every circle found, one sentence each (`in crate: a → b → a (src/a.rs:3, src/b.rs:9)`).
fn circles(files: &[(String, String)], binary: &BTreeSet<String>) -> Vec<String> {
    sibling_graphs(files, binary)
        .iter()
        .filter_map(|((bin, parent), graph)| {
            let c = circle(graph)?;
            let name = if parent.is_empty() {
                if *bin { "the binary" } else { "the library" }.to_owned()
            } else {
                format!("`{}`", parent.join("::"))
            };
            let mut ring: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
            ring.push(ring[0]);
            let places: Vec<&str> = c.iter().map(|(_, at)| at.as_str()).collect();
            Some(format!(
                "an import circle in {name}: {} ({})",
                ring.join(" → "),
                places.join(", ")
            ))
        })
        .collect()
}

fn sources(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(base).expect("below src");
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).expect("read source")));
        }
    }
}

/// The modules a crate root declares (`mod cli;`, `pub mod check;`).
fn declared_modules(files: &[(String, String)], root_file: &str) -> BTreeSet<String> {
    let Some((_, text)) = files.iter().find(|(rel, _)| rel == root_file) else {
        return BTreeSet::new();
    };
    let toks = lex(text);
    toks.windows(3)
        .filter_map(|w| match (&w[0].0, &w[1].0, &w[2].0) {
            (Tok::Ident(m), Tok::Ident(name), Tok::Punct(';')) if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The modules named by the numbered list under `## Layers`, in order: each item's code
/// spans before its first `:`.
fn documented_order(doc: &str) -> Vec<String> {
    let section = doc
        .split("\n## Layers\n")
        .nth(1)
        .expect("docs/architecture.md has a `## Layers` section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        let numbered = line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if numbered {
            items.push(line.to_owned());
        } else if line.starts_with("   ") && !items.is_empty() {
            let last = items.last_mut().expect("an item");
            last.push(' ');
            last.push_str(line.trim());
        } else if !line.trim().is_empty() && !items.is_empty() {
            break;
        }
    }
    items
        .iter()
        .flat_map(|item| {
            let names = item.split("`:").next().unwrap_or("");
            names
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn crate_sources() -> Vec<(String, String)> {
    let src = root().join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    files.sort();
    files
}

#[test]
fn the_modules_import_each_other_in_layers_without_a_circle() {
    let files = crate_sources();
    let binary = declared_modules(&files, "main.rs");
    assert!(binary.contains("cli"), "main.rs declares `mod cli`");
    let graphs = sibling_graphs(&files, &binary);
    // The scan sees the crate: the top level and the modules' own files have edges.
    let top = &graphs[&(false, Vec::new())];
    assert!(
        top.len() > 15,
        "{} top-level modules import others",
        top.len()
    );
    assert!(graphs.contains_key(&(false, vec!["check".to_owned()])));
    let found = circles(&files, &binary);
    assert!(
        found.is_empty(),
        "modules import each other in a circle (docs/architecture.md, Layers, says which \
         way each may point):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_top_level_modules_import_only_from_the_layers_documented_before_them() {
    let files = crate_sources();
    let binary = declared_modules(&files, "main.rs");
    let library = declared_modules(&files, "lib.rs");
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).expect("read docs");
    let order = documented_order(&doc);
    let mut problems = Vec::new();
    for m in &library {
        if !order.contains(m) {
            problems.push(format!("`{m}` is in no layer of docs/architecture.md"));
        }
    }
    for (i, name) in order.iter().enumerate() {
        if !library.contains(name) && !binary.contains(name) {
            problems.push(format!("the layers name `{name}`, which is no module"));
        }
        if order[..i].contains(name) {
            problems.push(format!("the layers name `{name}` twice"));
        }
    }
    let position = |m: &str| order.iter().position(|n| n == m);
    let graphs = sibling_graphs(&files, &binary);
    for (from, edges) in &graphs[&(false, Vec::new())] {
        for e in edges {
            if let (Some(a), Some(b)) = (position(from), position(&e.to))
                && b > a
            {
                problems.push(format!(
                    "`{from}` imports `{}` ({}), which the layers name after it",
                    e.to, e.at
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_layers_are_read_from_the_numbered_list() {
    let doc = "# A\n\n## Layers\n\nText `x`.\n\n1. `a`, `b`: leaves: `not`\n   this.\n2. `c`,\n   `d`: more\n\nAfter `e`.\n\n## Next\n3. `f`: no\n";
    assert_eq!(documented_order(doc), ["a", "b", "c", "d"]);
}

/// A crate to scan, path by path.
fn crate_of(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
        .collect()
}

#[test]
fn the_scan_names_a_circle_through_grouped_uses_super_and_self() {
    let files = crate_of(&[
        ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
        (
            "a/mod.rs",
            "pub mod x;\npub mod y;\nuse crate::{b::Thing, c};\n",
        ),
        ("a/x.rs", "use super::y::Y;\n"),
        ("a/y.rs", "pub struct Y;\nfn f() { let _ = self::Y; }\n"),
        (
            "b.rs",
            "//! [`crate::a`] is only a link.\npub struct Thing;\n",
        ),
        ("c.rs", "pub const C: u8 = 1;\n"),
    ]);
    assert!(circles(&files, &BTreeSet::new()).is_empty());
    // Close the circle at the top: b → a, grouped and aliased.
    let mut closed = files.clone();
    closed[4].1 = "use crate::{self as root, a::{self, y as why}};\n".into();
    let found = circles(&closed, &BTreeSet::new());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("the library"), "{}", found[0]);
    assert!(
        found[0].contains("a → b → a") || found[0].contains("b → a → b"),
        "{}",
        found[0]
    );
    // Between siblings, through `super::`.
    let mut siblings = files.clone();
    siblings[3].1 = "pub struct Y;\nuse super::super::a::x;\n".into();
    let found = circles(&siblings, &BTreeSet::new());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("in `a`: "), "{}", found[0]);
    assert!(found[0].contains("src/a/y.rs:2"), "{}", found[0]);
    // Between siblings, through what their parent re-exports.
    let mut reexported = files.clone();
    reexported[1].1 =
        "pub mod x;\npub mod y;\npub use x::X;\npub use self::y::{Y as Why};\n".into();
    reexported[2].1 = "pub struct X;\nuse super::Why;\n".into();
    assert!(circles(&reexported, &BTreeSet::new()).is_empty());
    reexported[3].1 = "pub struct Y;\nfn f() { let _ = super::X; }\n".into();
    let found = circles(&reexported, &BTreeSet::new());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("in `a`: "), "{}", found[0]);
}

#[test]
fn the_scan_leaves_out_test_code_comments_and_strings() {
    let files = crate_of(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b;\n"),
        (
            "b.rs",
            "// crate::a::f\n/* crate::a::g */\nconst S: &str = \"crate::a::h\";\n\
             const R: &str = r#\"crate::a::\"#;\nfn f<'a>(c: char) { let _ = ('a', '\\'', c); }\n\
             #[cfg(test)]\nmod tests { use crate::a; }\n\
             #[cfg(test)]\nuse crate::a::x;\n",
        ),
        ("b/tests.rs", "use crate::a;\n"),
        ("a/tests/more.rs", "use crate::b;\n"),
    ]);
    assert!(circles(&files, &BTreeSet::new()).is_empty());
    // The same path outside test code closes the circle.
    let mut real = files.clone();
    real[2].1.push_str("fn g() { crate::a::f(); }\n");
    assert_eq!(circles(&real, &BTreeSet::new()).len(), 1);
}
