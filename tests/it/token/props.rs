//! Properties of token inspection over generated input: any string is inspected without a
//! panic, cleaning is idempotent, and a token wrapped in any pasting defects never appears in
//! the findings.

use ghcr_doctor::token::{self, TokenKind};
use proptest::prelude::*;

/// What a copy and paste adds around or inside a token.
fn defect() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\u{201C}".to_owned()),
        Just("\u{200B}".to_owned()),
        Just("\u{FEFF}".to_owned()),
        Just("\u{1b}[0m".to_owned()),
        Just("\u{1b}[31;1m".to_owned()),
        Just("Bearer ".to_owned()),
        Just("token ".to_owned()),
        Just("GHCR_TOKEN=".to_owned()),
        Just("export GITHUB_TOKEN=".to_owned()),
        "\\PC{0,3}",
    ]
}

fn defects() -> impl Strategy<Value = String> {
    proptest::collection::vec(defect(), 0..5).prop_map(|v| v.concat())
}

/// A GitHub token of any kind: a prefix and a random body.
fn github_token() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("ghp_"),
            Just("gho_"),
            Just("ghu_"),
            Just("ghs_"),
            Just("ghr_"),
            Just("github_pat_11ABCDEFG0"),
        ],
        "[A-Za-z0-9]{36,60}",
    )
        .prop_map(|(prefix, body)| (format!("{prefix}{body}"), body))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any string, control characters and all, is inspected and judged without a panic.
    #[test]
    fn arbitrary_strings_never_panic(raw in any::<String>(), registry in "[a-z.]{0,12}") {
        let inspection = token::inspect(&raw);
        let _ = inspection.findings("env:GHCR_TOKEN", &registry);
        let _ = inspection.summary("env:GHCR_TOKEN");
        prop_assert_eq!(inspection.length, raw.chars().count());
    }

    /// Cleaning what was cleaned changes nothing: every defect goes in one pass.
    #[test]
    fn cleaning_is_idempotent(before in defects(), middle in "\\PC{0,40}", after in defects()) {
        let raw = format!("{before}{middle}{after}");
        let once = token::clean(&raw);
        let twice = token::clean(once.value.expose());
        prop_assert_eq!(twice.value.expose(), once.value.expose(), "raw: {:?}", raw);
    }

    /// A token with any pasting defects around it is still found, and no finding, message,
    /// fix or evidence holds its body.
    #[test]
    fn the_value_never_appears_in_findings(
        (tok, body) in github_token(),
        before in defects(),
        after in defects(),
        registry in prop_oneof![Just("ghcr.io"), Just("registry.example.com")],
    ) {
        let raw = format!("{before}{tok}{after}");
        let inspection = token::inspect(&raw);
        let shown = format!(
            "{:?}{:?}{}",
            inspection,
            inspection.findings("env:GHCR_TOKEN", registry),
            inspection.summary("env:GHCR_TOKEN"),
        );
        prop_assert!(!shown.contains(&body), "the token body is in {}", shown);
        // Whatever wraps it, a clean token keeps its kind unless the wrapping is glued to it.
        if before.is_empty() && after.is_empty() {
            prop_assert_ne!(inspection.kind, TokenKind::Unknown);
        }
    }
}
