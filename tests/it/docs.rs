//! Register drift: every registered check has its docs section, its message keys and a test
//! naming it; every cause id has its section in `docs/causes.md`.

use std::path::Path;

use ghcr_doctor::catalog::CauseId;
use ghcr_doctor::register::CHECKS;

use crate::support::root;

fn rust_sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).expect("read source"));
        }
    }
}

/// The `#` headings of a Markdown file, one a line.
fn headings(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(file))
        .unwrap_or_else(|e| panic!("{file}: {e} (named by a registered check)"));
    text.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().replace('`', ""))
        .collect()
}

#[test]
fn every_registered_check_has_its_docs_section_message_keys_and_a_test() {
    assert!(
        CHECKS.len() > 30,
        "the register lists {} checks",
        CHECKS.len()
    );
    let keys = ghcr_doctor::message::keys("en");
    // The test sources: the integration tests and the unit tests beside the code.
    let mut tests = Vec::new();
    rust_sources(&root().join("tests/it"), &mut tests);
    let mut unit = Vec::new();
    rust_sources(&root().join("src"), &mut unit);
    tests.extend(
        unit.iter()
            .filter_map(|s| s.find("#[cfg(test)]").map(|i| s[i..].to_owned())),
    );
    let mut problems = Vec::new();
    for check in CHECKS {
        let (file, anchor) = check.docs.split_once('#').expect("docs anchor");
        assert_eq!(anchor, check.id, "the anchor is the id");
        // `## registry-push`, or `## Check `explain-run``.
        let suffix = format!(" {}", check.id);
        if !headings(file)
            .iter()
            .any(|h| h == check.id || h.ends_with(&suffix))
        {
            problems.push(format!("{}: no `## {}` in {file}", check.id, check.id));
        }
        if !keys.iter().any(|k| k.starts_with(check.messages)) {
            problems.push(format!(
                "{}: no message key under `{}`",
                check.id, check.messages
            ));
        }
        let quoted = format!("\"{}\"", check.id);
        if !tests.iter().any(|t| t.contains(&quoted)) {
            problems.push(format!("{}: no test names it", check.id));
        }
    }
    let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "a check id is registered twice");
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Every `.rs` file under `dir` with its text.
fn rust_files(dir: &Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            out.push((path, text));
        }
    }
}

/// The ids a source file declares with `check_meta!` (the `= "id"` after each invocation).
fn declared_ids(text: &str) -> Vec<String> {
    text.match_indices("check_meta!(")
        .filter_map(|(i, _)| {
            let rest = &text[i..];
            let end = rest.find(");")?;
            let body = &rest[..end];
            let start = body.find("= \"")? + 3;
            let len = body[start..].find('"')?;
            Some(body[start..start + len].to_owned())
        })
        .collect()
}

/// id = file: each check is declared once, alone in its file, and the file (or, for a
/// module's own file, its directory) is named after the check or the family it leads
/// (`image_blobs.rs` for `image-blobs`, `explain/mod.rs` for `explain`).
#[test]
fn every_check_is_declared_once_in_a_file_of_its_own() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut declared: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in &files {
        if path.ends_with("src/finding.rs") {
            continue; // the macro itself
        }
        let ids = declared_ids(text);
        let shown = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        if ids.len() > 1 {
            problems.push(format!("{shown} declares {} checks: {ids:?}", ids.len()));
        }
        for id in &ids {
            let snake = id.replace('-', "_");
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let dir = path
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let names = |n: &str| {
                !n.is_empty()
                    && (snake == n
                        || snake.starts_with(&format!("{n}_"))
                        || snake.ends_with(&format!("_{n}")))
            };
            if !(names(stem) || names(dir)) {
                problems.push(format!("{shown} declares `{id}` but is not named after it"));
            }
        }
        declared.extend(ids);
    }
    for check in CHECKS {
        let n = declared.iter().filter(|d| *d == check.id).count();
        if n != 1 {
            problems.push(format!("`{}` is declared {n} times", check.id));
        }
    }
    for id in &declared {
        if !CHECKS.iter().any(|c| c.id == id) {
            problems.push(format!("`{id}` is declared but not in `register::CHECKS`"));
        }
    }
    assert_eq!(declared.len(), CHECKS.len(), "{declared:?}");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_cause_id_is_generated_from_the_catalog_and_documented() {
    let catalog: Vec<&str> = ghcr_doctor::catalog::causes()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let generated: Vec<&str> = CauseId::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(generated, catalog);
    let sections = headings("docs/causes.md");
    for c in CauseId::ALL {
        assert!(sections.iter().any(|h| h == c.as_str()), "{c}");
        assert_eq!(CauseId::from_id(c.as_str()), Some(*c));
        assert!(!c.fix().is_empty(), "{c} has fix steps");
    }
    assert_eq!(CauseId::from_id("no-such-cause"), None);
}

/// `docs/evidence.md` is generated from the evidence keys; `GHCR_DOCTOR_BLESS=1 cargo test
/// docs` rewrites it.
#[test]
fn docs_evidence_md_lists_every_evidence_key() {
    let path = root().join("docs/evidence.md");
    let expected = ghcr_doctor::evidence::markdown();
    if std::env::var_os("GHCR_DOCTOR_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/evidence.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/evidence.md is out of date: run `GHCR_DOCTOR_BLESS=1 cargo test docs`"
    );
    for key in ghcr_doctor::evidence::Key::ALL {
        assert!(
            actual.contains(&format!("| `{}` |", key.as_str())),
            "docs/evidence.md has no row for {}",
            key.as_str()
        );
    }
}
