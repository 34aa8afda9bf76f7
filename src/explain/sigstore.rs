//! Sigstore's services: failures of keyless signing and transparency logging, not a registry's.
//!
//! cosign signs an image in steps: it asks Fulcio for a certificate (`getting signer: getting
//! key from Fulcio: retrieving cert: POST https://fulcio.sigstore.dev/api/v2/signingCert:
//! ...`), records the signature in Rekor (`signing to rekor`, `https://rekor.sigstore.dev/`),
//! refreshes its trust root from the TUF repository, and only then writes the signature to the
//! registry. Its error names the image (`signing [ghcr.io/o/app:1.0]: ...`), so a failure at
//! Fulcio, Rekor or TUF carries a registry host, but no registry was asked.

/// True when `line` reports a failed request to one of Sigstore's services (Fulcio, Rekor,
/// its TUF repository) rather than to a registry. Fulcio's API has `/v2/` in its path too
/// (`/api/v2/signingCert`), so the words of the services decide, not the path.
pub(super) fn is_sigstore_service_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    [
        "getting key from fulcio",
        "retrieving cert:",
        "signing to rekor",
        "https://fulcio.",
        "https://rekor.",
        "tuf-repo-cdn.sigstore.dev",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::is_sigstore_service_failure;

    #[test]
    fn a_failure_at_fulcio_or_rekor_is_recognised() {
        assert!(is_sigstore_service_failure(
            "Error: signing [ghcr.io/o/app:1.0]: getting signer: getting key from Fulcio: retrieving cert: POST https://fulcio.sigstore.dev/api/v2/signingCert: 503"
        ));
        assert!(is_sigstore_service_failure(
            "Error: signing [ghcr.io/o/app:1.0]: signing to rekor: POST https://rekor.sigstore.dev/api/v1/log/entries: 500"
        ));
        // The signature's upload to the registry is the registry's.
        assert!(!is_sigstore_service_failure(
            "Error: signing [ghcr.io/o/app:1.0]: writing signatures: PUT https://ghcr.io/v2/o/app/manifests/sha256-2d5e.sig: DENIED: denied"
        ));
    }
}
