//! The manifest parser never panics on arbitrary bytes under any `Content-Type`, and what it
//! accepts is consistent: known media types, digests that re-parse to themselves, platforms
//! that print and re-parse to themselves.
#![no_main]

use ghcr_doctor::image::manifest::{self, Digest, Manifest, Platform};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [Option<&str>; 7] = [
    None,
    Some(manifest::OCI_MANIFEST),
    Some(manifest::OCI_INDEX),
    Some(manifest::DOCKER_MANIFEST),
    Some(manifest::DOCKER_LIST),
    Some(manifest::DOCKER_SCHEMA1_SIGNED),
    Some("application/json; charset=utf-8"),
];

fn digest_round_trips(d: &Digest) {
    let again = Digest::parse(d.as_str()).expect("an accepted digest re-parses");
    assert_eq!(&again, d);
    assert!(matches!(d.algorithm(), "sha256" | "sha512"), "{d}");
}

fn platform_round_trips(p: &Platform) {
    // Platforms from a manifest are kept as sent; only lowercase ones without `/` or
    // whitespace in a part can print as `os/arch[/variant]` and read back.
    let plain = |s: &str| {
        !s.is_empty() && !s.contains(['/', ' ', '\t', '\n', '\r']) && s == s.to_ascii_lowercase()
    };
    if plain(&p.os) && plain(&p.architecture) && p.variant.as_deref().is_none_or(plain) {
        assert_eq!(Platform::parse(&p.to_string()).as_ref(), Some(p));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(pick) % CONTENT_TYPES.len()];
    match manifest::parse(body, content_type) {
        Ok(Manifest::Image(m)) => {
            assert!(matches!(
                m.media_type.as_str(),
                manifest::OCI_MANIFEST | manifest::DOCKER_MANIFEST
            ));
            digest_round_trips(&m.config.digest);
            for l in &m.layers {
                digest_round_trips(&l.digest);
            }
        }
        Ok(Manifest::Index(i)) => {
            assert!(matches!(
                i.media_type.as_str(),
                manifest::OCI_INDEX | manifest::DOCKER_LIST
            ));
            for d in &i.manifests {
                digest_round_trips(&d.digest);
                if let Some(p) = &d.platform {
                    platform_round_trips(p);
                }
            }
        }
        // Errors must render (their messages come from the message files) without panicking.
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    if let Ok(text) = std::str::from_utf8(body) {
        if let Ok(d) = Digest::parse(text) {
            assert_eq!(d.as_str(), text, "a digest is kept as given");
        }
        if let Some(p) = Platform::parse(text) {
            assert_eq!(Platform::parse(&p.to_string()), Some(p.clone()), "{p}");
        }
    }
});
