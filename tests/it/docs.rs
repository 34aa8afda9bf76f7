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
