//! `reference-valid`: the image reference parses (offline, first). An invalid reference
//! skips every network check of that image.

use crate::evidence::Fact;
use crate::finding::{Finding, Outcome};
use crate::reference::Reference;

/// Declared with the reference's findings: one check in `ref` and `check`.
pub use crate::reference::CHECK;
pub const ID: &str = CHECK.id;

/// The finding, and the parsed reference when it is valid.
pub fn check(input: &str) -> (Finding, Option<Reference>) {
    match Reference::parse(input) {
        Ok(r) => (
            crate::reference::warn_host(
                Finding::new(&CHECK, Outcome::Pass, input, message(&r))
                    .with_evidence(Fact::normalized(r.to_string())),
                &r,
            ),
            Some(r),
        ),
        Err(e) => {
            let mut f = Finding::new(&CHECK, Outcome::Fail(e.cause), input, e.message.clone());
            if let Some(s) = &e.suggestion {
                f = f.with_evidence(Fact::suggestion(s.as_str()));
            }
            (f, None)
        }
    }
}

/// The same sentence as `ghcr-doctor ref` (every placeholder of `reference.valid` filled).
fn message(r: &Reference) -> String {
    let mut parts = String::new();
    if let Some(tag) = r.tag() {
        parts.push_str(&crate::t!("reference.valid-tag", tag = tag));
    }
    if let Some(digest) = r.digest() {
        parts.push_str(&crate::t!("reference.valid-digest", digest = digest));
    }
    crate::t!(
        "reference.valid",
        normalized = r,
        domain = r.domain(),
        repository = r.repository(),
        parts = parts
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    #[test]
    fn near_miss_and_retired_hosts_warn_and_the_image_is_still_checked() {
        let (f, r) = check("ghrc.io/user/app");
        assert_eq!(
            (f.status, f.cause.as_deref()),
            (Status::Warn, Some("registry-host-typo"))
        );
        assert!(r.is_some());
        let (f, r) = check("docker.pkg.github.com/o/r/app:1");
        assert_eq!(
            (f.status, f.cause.as_deref()),
            (Status::Warn, Some("registry-retired"))
        );
        assert!(r.is_some());
        let (f, _) = check("ghcr.io/user/app");
        assert_eq!((f.status, f.cause), (Status::Pass, None));
    }
}
