//! The reference parser never panics, every error span lies inside the input, and a valid
//! reference re-parses to itself.
#![no_main]

use ghcr_doctor::reference::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match Reference::parse(input) {
        Ok(r) => {
            let shown = r.to_string();
            let again = Reference::parse(&shown).expect("a displayed reference parses");
            assert_eq!(again.to_string(), shown);
        }
        Err(e) => {
            if let Some((start, end)) = e.span {
                assert!(start <= end && end <= input.len(), "span inside the input");
            }
        }
    }
});
