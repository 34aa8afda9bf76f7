//! Property tests: generated valid references round-trip; arbitrary input never panics.

use ghcr_doctor::reference::{RawReference, Reference, report};
use proptest::prelude::*;

/// A path component: `[a-z0-9]+` joined by `.`, `_`, `__` or dashes.
fn component() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,6}((\\.|_|__|-{1,3})[a-z0-9]{1,6}){0,2}"
}

/// A first component without a dot, so docker does not read it as a registry host.
fn hub_component() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}((_|__|-{1,3})[a-z0-9]{1,6}){0,2}"
}

fn domain() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("ghcr.io".to_owned())),
        Just(Some("localhost".to_owned())),
        "localhost:[0-9]{1,5}".prop_map(Some),
        "\\[(::1|fd00:[0-9a-f]{1,4}::[0-9a-f]{1,4})\\](:[0-9]{1,5})?".prop_map(Some),
        "[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?){1,3}(:[0-9]{1,5})?"
            .prop_map(Some),
    ]
}

fn tag() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
}

fn digest() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        "sha256:[a-f0-9]{64}",
        "sha384:[a-f0-9]{96}",
        "sha512:[a-f0-9]{128}",
    ])
}

/// A valid reference as text.
fn reference() -> impl Strategy<Value = String> {
    (
        domain(),
        hub_component(),
        prop::collection::vec(component(), 1..4),
        tag(),
        digest(),
    )
        .prop_map(|(domain, first, rest, tag, digest)| {
            let mut path = vec![first];
            path.extend(rest);
            let mut s = match domain {
                Some(d) => format!("{d}/{}", path.join("/")),
                None => path.join("/"),
            };
            if let Some(t) = tag {
                s.push(':');
                s.push_str(&t);
            }
            if let Some(d) = digest {
                s.push('@');
                s.push_str(&d);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_references_round_trip(input in reference()) {
        let r = Reference::parse(&input).map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
        let shown = r.to_string();
        let again = Reference::parse(&shown).map_err(|e| TestCaseError::fail(format!("{shown}: {e}")))?;
        prop_assert_eq!(&again, &r);
        prop_assert_eq!(&again.to_string(), &shown);
        // The normalised form is a valid raw reference with the same parts.
        let raw = RawReference::parse(&shown).map_err(|e| TestCaseError::fail(format!("{shown}: {e}")))?;
        prop_assert_eq!(raw.domain(), Some(r.domain()));
        prop_assert_eq!(raw.path(), r.repository());
        prop_assert_eq!(raw.tag(), r.tag());
        prop_assert_eq!(raw.digest(), r.digest());
        // The raw parse keeps the input exactly.
        let raw_input = RawReference::parse(&input).map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
        prop_assert_eq!(&raw_input.to_string(), &input);
    }

    #[test]
    fn uppercase_paths_get_a_parsing_suggestion(input in reference(), at in any::<prop::sample::Index>()) {
        let r = Reference::parse(&input).map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
        // Capitalise one letter of the path as written in the input.
        let written_domain = format!("{}/", r.domain());
        let path_start = if input.starts_with(&written_domain) { written_domain.len() } else { 0 };
        let raw = RawReference::parse(&input).map_err(|e| TestCaseError::fail(format!("{input}: {e}")))?;
        let path_end = raw.name().len();
        let letters: Vec<usize> = input[path_start..path_end]
            .char_indices()
            .filter(|(_, c)| c.is_ascii_lowercase())
            .map(|(i, _)| path_start + i)
            .collect();
        prop_assume!(!letters.is_empty());
        let i = letters[at.index(letters.len())];
        let mut upper = input.clone();
        upper.replace_range(i..=i, &input[i..=i].to_ascii_uppercase());
        match Reference::parse(&upper) {
            // A capital in the first component can make docker read it as a registry host.
            Ok(_) => prop_assert!(!upper[..i].contains('/')),
            Err(e) => {
                prop_assert_eq!(e.cause, "reference-uppercase", "{}: {}", upper, e.message);
                let fixed = e.suggestion.expect("suggestion");
                prop_assert!(Reference::parse(&fixed).is_ok(), "{}", fixed);
            }
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>()) {
        check_no_panic(&input)?;
    }

    #[test]
    fn reference_like_strings_never_panic(input in "[a-zA-Z0-9:/@._\\-\\[\\]${}% \t\n+~]{0,80}") {
        check_no_panic(&input)?;
    }
}

fn check_no_panic(input: &str) -> Result<(), TestCaseError> {
    let parsed = Reference::parse(input);
    let _ = Reference::parse_named(input);
    let _ = RawReference::parse(input);
    if let Err(e) = &parsed {
        // Every error points inside the input and every suggestion is valid.
        if let Some((s, t)) = e.span {
            prop_assert!(s <= t && t <= input.len(), "{input:?}: span {s}..{t}");
            prop_assert!(input.is_char_boundary(s) && input.is_char_boundary(t));
        }
        if let Some(fixed) = &e.suggestion {
            prop_assert!(Reference::parse(fixed).is_ok(), "{input:?} -> {fixed:?}");
        }
        prop_assert!(!e.message.is_empty());
    }
    let r = report(&[input.to_owned()]);
    prop_assert_eq!(r.findings.len(), 1);
    prop_assert_eq!(r.ok(), parsed.is_ok());
    Ok(())
}
