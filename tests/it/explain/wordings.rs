//! Wordings taken from the source code and documentation of registries and clients
//! (`tests/data/explain/wordings/*.toml`), not from any log: what a registry answers and how
//! each client prints it, stated once with where it is defined. `explain` must name the
//! recorded cause first for each one (or stay silent for `cause = "none"`), so the rules
//! cover wordings no real log in the corpus holds yet.
//!
//! A file is a list of `[[wording]]`: `log` (the lines a user would paste, in the client's
//! own wording), `cause` (a catalog cause id, or `none`), `source` (the repository and path,
//! or the documentation page, that defines the wording) and `note` (why that cause: the
//! registry's or the client's behaviour behind it).

use std::collections::BTreeSet;
use std::path::PathBuf;

use ghcr_doctor::catalog;
use ghcr_doctor::explain;
use serde::Deserialize;

use crate::support::root;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    wording: Vec<Wording>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wording {
    log: String,
    cause: String,
    source: String,
    note: String,
}

/// Every wordings file, sorted.
fn files() -> Vec<PathBuf> {
    let dir = root().join("tests/data/explain/wordings");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    out
}

fn load(path: &PathBuf) -> File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_wording_names_its_cause() {
    let ids: BTreeSet<&str> = catalog::causes().iter().map(|c| c.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for path in files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        for (i, w) in load(&path).wording.iter().enumerate() {
            total += 1;
            let at = format!("{name} #{}", i + 1);
            assert!(
                w.cause == "none" || ids.contains(w.cause.as_str()),
                "{at}: unknown cause {:?}",
                w.cause
            );
            assert!(!w.log.trim().is_empty(), "{at}: empty log");
            assert!(!w.source.trim().is_empty(), "{at}: no source");
            assert!(!w.note.trim().is_empty(), "{at}: no note");
            assert!(
                seen.insert(w.log.trim().to_owned()),
                "{at}: the same log twice"
            );
            let scan = explain::scan(w.log.as_bytes()).expect("scan a wording");
            let named: Vec<&str> = scan.explanations.iter().map(|e| e.cause.as_str()).collect();
            let ok = match w.cause.as_str() {
                "none" => named.is_empty(),
                cause => named.first() == Some(&cause),
            };
            if !ok {
                failures.push(format!("{at}: expected {}, named {named:?}", w.cause));
            }
        }
    }
    assert!(total > 0, "no wordings");
    assert!(
        failures.is_empty(),
        "{} of {total} wordings:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
