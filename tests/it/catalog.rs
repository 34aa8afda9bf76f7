//! The cause catalog: every id named in the issues exists, the catalog parses, and
//! `docs/causes.md` is in step with it.

use ghcr_doctor::catalog;

use crate::support::root;

/// The ids the issue asks `explain` to name in CI logs; other tools and users match on them,
/// so they are spelled exactly.
pub(crate) const EXPLAINABLE: &[&str] = &[
    "no-credentials",
    "secret-empty",
    "secret-whitespace",
    "token-fine-grained-unsupported",
    "token-invalid",
    "token-expired",
    "token-missing-scope",
    "sso-not-authorized",
    "workflow-missing-packages-write",
    "fork-or-dependabot-readonly",
    "package-access-not-granted",
    "package-creation-restricted",
    "namespace-mismatch",
    "reference-uppercase",
    "reference-invalid",
    "stale-credentials",
    "registry-unauthorized",
    "registry-denied",
    "image-not-found",
    "rate-limited",
    "network-dns",
    "network-refused",
    "network-timeout",
    "network-reset",
    "image-not-public",
    "image-incomplete",
    "network-tls",
    "network-proxy",
    "login-non-interactive",
    "credential-helper-failed",
    "registry-host-typo",
];

/// The other ids users match on, named by `token` and the workflow lint; spelled exactly.
const REQUIRED_BEYOND_EXPLAIN: &[&str] = &[
    "token-malformed",
    "login-missing",
    "login-registry-mismatch",
    "hardcoded-credential",
    "secret-fallback",
    "image-source-label-missing",
];

#[test]
fn catalog_parses() {
    catalog::parse(catalog::source_text()).expect("catalog/causes.toml parses");
}

#[test]
fn every_required_cause_exists_with_text_and_fix() {
    for id in EXPLAINABLE.iter().chain(REQUIRED_BEYOND_EXPLAIN) {
        let cause = catalog::cause(id).unwrap_or_else(|| panic!("cause {id} missing"));
        assert!(
            !cause.title.is_empty() && !cause.explanation.is_empty(),
            "{id} text"
        );
        assert!(!cause.fix.is_empty(), "{id} has no fix steps");
    }
}

#[test]
fn cause_ids_are_unique_kebab_case() {
    let mut seen = std::collections::HashSet::new();
    for c in catalog::causes() {
        assert!(seen.insert(c.id.clone()), "duplicate cause id {}", c.id);
        assert!(
            c.id.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "cause id {} is not kebab-case",
            c.id
        );
    }
}

/// `docs/causes.md` is generated; `GHCR_DOCTOR_BLESS=1 cargo test docs` rewrites it.
#[test]
fn docs_causes_md_matches_catalog() {
    let path = root().join("docs/causes.md");
    let expected = catalog::markdown();
    if std::env::var_os("GHCR_DOCTOR_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/causes.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/causes.md is out of date: run `GHCR_DOCTOR_BLESS=1 cargo test docs`"
    );
}

/// `docs/zh-CN/causes.md` is generated like the English page, from the translations.
#[test]
fn docs_zh_cn_causes_md_matches_catalog() {
    let path = root().join("docs/zh-CN/causes.md");
    let expected = catalog::markdown_in("zh-CN");
    if std::env::var_os("GHCR_DOCTOR_BLESS").is_some() {
        std::fs::create_dir_all(root().join("docs/zh-CN")).expect("mkdir docs/zh-CN");
        std::fs::write(&path, &expected).expect("write docs/zh-CN/causes.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/zh-CN/causes.md is out of date: run `GHCR_DOCTOR_BLESS=1 cargo test docs`"
    );
    for c in catalog::causes() {
        assert!(
            actual.contains(&format!("\n## {}\n", c.id)),
            "docs/zh-CN/causes.md has no section for {}",
            c.id
        );
    }
}

/// Every cause has a zh-CN title, explanation and the same number of fix steps; the
/// translation names no unknown cause; URLs and code spans (commands, messages, ids) are
/// kept as they are, except the one placeholder path that is itself translated.
#[test]
fn every_cause_is_translated_to_zh_cn() {
    let han = regex::Regex::new(r"\p{Han}").expect("regex");
    let kept = regex::Regex::new(r"`[^`]*`|https?://[^\s）),]+").expect("regex");
    let translated_spans = ["`ghcr.io/<owner of this repository>/<name>`"];
    for (lang, text) in catalog::translation_sources() {
        let table = catalog::parse_translation(text)
            .unwrap_or_else(|e| panic!("catalog/{lang}/causes.toml: {e}"));
        for id in table.keys() {
            assert!(
                catalog::cause(id).is_some(),
                "catalog/{lang}/causes.toml: unknown cause {id}"
            );
        }
    }
    let mut problems = Vec::new();
    for c in catalog::causes() {
        let Some(t) = catalog::translation("zh-CN", &c.id) else {
            problems.push(format!("{}: no zh-CN translation", c.id));
            continue;
        };
        if t.fix.len() != c.fix.len() {
            problems.push(format!(
                "{}: {} fix steps, English has {}",
                c.id,
                t.fix.len(),
                c.fix.len()
            ));
        }
        let pairs = [(&c.title, &t.title), (&c.explanation, &t.explanation)]
            .into_iter()
            .chain(c.fix.iter().zip(&t.fix));
        for (en, zh) in pairs {
            if !han.is_match(zh) {
                problems.push(format!("{}: left in English: {zh}", c.id));
            }
            for span in kept.find_iter(en).map(|m| m.as_str()) {
                if !zh.contains(span) && !translated_spans.contains(&span) {
                    problems.push(format!("{}: `{span}` is missing from the zh-CN text", c.id));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
