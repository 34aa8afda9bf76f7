//! Token inspection never panics, cleaning is idempotent, and the token (as cleaned of its
//! pasting defects) never appears in a finding.
#![no_main]

use ghcr_doctor::token;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let inspection = token::inspect(input);
    let findings = inspection.findings("env:FUZZ", "ghcr.io");
    let _ = inspection.findings("env:FUZZ", "registry.example.com");

    let once = token::clean(input);
    let value = once.value.expose();
    let twice = token::clean(value);
    assert_eq!(twice.value.expose(), value, "cleaning is idempotent");

    // Only token-like values (long, mixed case with digits) are sure not to occur in prose.
    let token_like = value.len() >= 20
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_lowercase());
    if token_like {
        let shown = format!("{findings:?}{inspection:?}");
        assert!(!shown.contains(value), "token value in findings");
    }
});
