//! The `WWW-Authenticate` parser never panics, gives lowercase schemes and clean scopes for
//! any header value, and reads back a Bearer challenge built from the input's characters.
#![no_main]

use ghcr_doctor::registry::challenge::{self, Challenge};
use libfuzzer_sys::fuzz_target;

/// Characters that can sit inside a quoted value without escaping.
fn quotable(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };

    // Any value: no panic, and what comes back is well formed.
    for c in challenge::parse(input) {
        let scheme = c.scheme();
        assert!(!scheme.is_empty(), "a challenge without a scheme");
        assert_eq!(scheme, scheme.to_ascii_lowercase(), "scheme in lowercase");
        if let Some(b) = c.bearer() {
            for s in &b.scope {
                assert!(
                    !s.is_empty() && !s.contains(char::is_whitespace),
                    "scope {s:?}"
                );
            }
        }
    }

    // A well-formed Bearer challenge whose values come from the input reads back exactly.
    let mut parts = input.splitn(3, '\n');
    let realm = quotable(parts.next().unwrap_or_default());
    let service = quotable(parts.next().unwrap_or_default());
    let scope = quotable(parts.next().unwrap_or_default());
    let header = format!(r#"Bearer realm="{realm}",service="{service}",scope="{scope}""#);
    let parsed = challenge::parse(&header);
    let Some(Challenge::Bearer(b)) = parsed.first() else {
        panic!("{header:?} gave {parsed:?}");
    };
    assert_eq!(parsed.len(), 1, "{header:?} gave {parsed:?}");
    assert_eq!(b.realm.as_deref(), Some(realm.as_str()));
    assert_eq!(b.service.as_deref(), Some(service.as_str()));
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    assert_eq!(b.scope, scopes);
});
