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
