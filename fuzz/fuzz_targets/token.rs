//! Token inspection never panics and never puts the token into a finding.
#![no_main]

use ghcr_doctor::token;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let inspection = token::inspect(input);
    let findings = inspection.findings("env:FUZZ", "ghcr.io");
    let t = input.trim();
    // Only token-like values (long, mixed case with digits) are sure not to occur in prose.
    let token_like = t.len() >= 20
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().any(|c| c.is_ascii_uppercase())
        && t.chars().any(|c| c.is_ascii_lowercase());
    if token_like {
        let json = format!("{findings:?}");
        assert!(!json.contains(t), "token value in findings");
    }
});
