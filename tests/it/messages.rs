//! Message files: they parse, and every key the code uses exists in English.

use std::path::Path;

use crate::support::root;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn message_files_parse() {
    assert_eq!(ghcr_doctor::message::broken_files(), Vec::<String>::new());
}

#[test]
fn every_message_key_used_in_code_exists() {
    let re = regex::Regex::new(r#"\bt[l]?!\(\s*"([^"]+)""#).expect("regex");
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut missing = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        // Skip comments (the macro's own documentation shows placeholder keys).
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for cap in re.captures_iter(&code) {
            let key = &cap[1];
            if !ghcr_doctor::message::exists(key) {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message keys missing from i18n/en: {missing:#?}"
    );
}
