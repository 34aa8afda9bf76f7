//! Documentation drift: every check id the code emits has a section in `docs/checks/`.

use std::path::Path;

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

/// Check ids as the code writes them: `Finding::new("id", ...)` and `const ..CHECK..: &str`.
fn check_ids() -> Vec<String> {
    let mut sources = Vec::new();
    rust_sources(&root().join("src"), &mut sources);
    let direct = regex::Regex::new(r#"Finding::new\(\s*"([a-z0-9-]+)""#).expect("regex");
    let consts =
        regex::Regex::new(r#"(?:const|static) [A-Z_]*(?:CHECK|ID)[A-Z_]*: &str = "([a-z0-9-]+)""#)
            .expect("regex");
    let mut ids: Vec<String> = sources
        .iter()
        .flat_map(|s| {
            direct
                .captures_iter(s)
                .chain(consts.captures_iter(s))
                .map(|c| c[1].to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn every_check_id_has_a_docs_section() {
    let mut headings = String::new();
    for entry in std::fs::read_dir(root().join("docs/checks"))
        .expect("docs/checks")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).expect("read doc");
        for line in text.lines().filter(|l| l.starts_with('#')) {
            headings.push_str(line);
            headings.push('\n');
        }
    }
    let ids = check_ids();
    assert!(ids.len() > 20, "found only {ids:?}");
    let missing: Vec<_> = ids
        .iter()
        .filter(|id| {
            !headings.contains(&format!("`{id}`")) && !headings.contains(&format!(" {id}\n"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "check ids without a section in docs/checks/: {missing:?}"
    );
}
