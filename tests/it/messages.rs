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

/// What a translation may leave in Latin letters: code spans, placeholders, URLs, ids and
/// the names of things (flags, variables, tools) are kept as they are typed.
fn strip_untranslatable(value: &str) -> String {
    let patterns = [
        r"`[^`]*`",
        r"\{[^{}]*\}",
        r"\$\{\{[^}]*\}\}",
        r"https?://\S+",
        r"--?[a-z][a-z0-9-]*",
        r"\b[A-Z][A-Z0-9_]+\b",
        r"\b[a-z0-9]+(?:[-_./:][a-z0-9]+)+\b",
    ];
    let mut s = value.to_owned();
    for p in patterns {
        s = regex::Regex::new(p)
            .expect("regex")
            .replace_all(&s, " ")
            .into_owned();
    }
    s
}

#[test]
fn every_english_key_has_a_chinese_value_with_the_same_placeholders() {
    use ghcr_doctor::message::{broken_fluent_values, languages};
    assert!(
        broken_fluent_values().is_empty(),
        "{:?}",
        broken_fluent_values()
    );
    assert!(languages().contains(&"zh-CN"), "{:?}", languages());
    let mut problems = Vec::new();
    for lang in languages().into_iter().filter(|l| *l != "en") {
        problems.extend(translation_problems(lang));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Keys of `lang` that are missing, extra, or differ from English in placeholders or lines.
fn translation_problems(lang: &str) -> Vec<String> {
    use ghcr_doctor::message::{keys, placeholders, raw};
    let mut problems = Vec::new();
    let names = |values: &[String]| {
        let mut all: Vec<String> = values.iter().flat_map(|v| placeholders(v)).collect();
        all.sort();
        all.dedup();
        all
    };
    for key in keys("en") {
        let en = raw("en", &key).expect("english");
        let Some(tr) = raw(lang, &key) else {
            problems.push(format!("{key}: no {lang} value"));
            continue;
        };
        if names(&en) != names(&tr) {
            problems.push(format!(
                "{key}: placeholders {:?} in English, {:?} in {lang}",
                names(&en),
                names(&tr)
            ));
        }
        if en.len() != tr.len() {
            problems.push(format!(
                "{key}: {} lines in English, {} in {lang}",
                en.len(),
                tr.len()
            ));
        }
    }
    // `cli.*` holds the translated command-line help, whose English is clap's doc comments
    // (a unit test in `src/cli/help.rs` checks those keys against the arguments).
    for key in keys(lang).into_iter().filter(|k| !k.starts_with("cli.")) {
        if raw("en", &key).is_none() {
            problems.push(format!("{key}: {lang} only (no English key)"));
        }
    }
    problems
}

/// A value is left in English when, with code, ids and names taken out, it still has an
/// English word of three letters or more and either no Chinese character or the same text as
/// the English value.
#[test]
fn no_chinese_value_is_left_in_english() {
    use ghcr_doctor::message::{keys, raw};
    let han = regex::Regex::new(r"\p{Han}").expect("regex");
    let word = regex::Regex::new(r"\b[a-zA-Z]{3,}\b").expect("regex");
    // Words that stay as they are in Chinese text: product, format and tool names.
    let names = [
        "ghcr", "docker", "podman", "GitHub", "Actions", "JSON", "YAML", "HTTP", "TLS", "SBOM",
        "blob", "KiB", "MiB", "SAML", "OCI", "API", "JWT", "ASCII",
    ];
    let mut left = Vec::new();
    for key in keys("zh-CN") {
        let english = raw("en", &key).unwrap_or_default();
        for value in raw("zh-CN", &key).unwrap_or_default() {
            let rest = strip_untranslatable(&value);
            let words: Vec<&str> = word
                .find_iter(&rest)
                .map(|m| m.as_str())
                .filter(|w| !names.iter().any(|n| n.eq_ignore_ascii_case(w)))
                .collect();
            if !words.is_empty() && (!han.is_match(&value) || english.contains(&value)) {
                left.push(format!("{key}: {value} ({words:?})"));
            }
        }
    }
    assert!(left.is_empty(), "left in English:\n{}", left.join("\n"));
}
