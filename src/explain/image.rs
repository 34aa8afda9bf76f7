//! The image a log message is about, read from the message itself.
//!
//! Registry errors name the image in one of two shapes: a reference (`failed to push
//! ghcr.io/octo-org/app:main`, `pull access denied for ghcr.io/o/n`) or a request URL
//! (`POST https://ghcr.io/v2/octo-org/app/blobs/uploads/`). The result is only shown as the
//! finding's target, never trusted as a valid reference.

use std::sync::OnceLock;

use regex::Regex;

struct Patterns {
    url: Regex,
    reference: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        Some(Patterns {
            url: Regex::new(
                r"https?://([A-Za-z0-9.-]+(?::\d+)?)/v2/([A-Za-z0-9._/-]+?)/(?:blobs|manifests|tags)/",
            )
            .ok()?,
            // host (with a dot or a port) / path [:tag]; uppercase is kept so that the
            // reference-uppercase finding shows the offending name.
            reference: Regex::new(
                r"(?:^|[\s\[\x22'(=])((?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+(?::\d+)?/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?)",
            )
            .ok()?,
        })
    })
    .as_ref()
}

/// Hosts that appear in registry errors but are not registries of images.
const NOT_REGISTRIES: &[&str] = &[
    "github.com",
    "www.docker.com",
    "docs.docker.com",
    "gitlab.com",
    "auth.docker.io",
    "api.github.com",
];

/// The image named in `message`, as `host/path[:tag]`.
pub(crate) fn image_of(message: &str) -> Option<String> {
    let p = patterns()?;
    if let Some(c) = p.url.captures(message) {
        return Some(format!("{}/{}", &c[1], &c[2]));
    }
    p.reference
        .captures_iter(message)
        .map(|c| c[1].trim_end_matches(['.', ':']).to_owned())
        .find(|r| {
            let host = r.split('/').next().unwrap_or_default();
            !NOT_REGISTRIES.contains(&host.to_ascii_lowercase().as_str())
                && !host.to_ascii_lowercase().starts_with("www.")
        })
}

#[cfg(test)]
mod tests {
    use super::image_of;

    #[test]
    fn finds_references_and_request_urls() {
        assert_eq!(
            image_of("ERROR: failed to push ghcr.io/octo-org/app:main: denied: x").as_deref(),
            Some("ghcr.io/octo-org/app:main")
        );
        assert_eq!(
            image_of("unexpected status from POST request to https://ghcr.io/v2/octo-org/app/blobs/uploads/: 403 Forbidden").as_deref(),
            Some("ghcr.io/octo-org/app")
        );
        assert_eq!(
            image_of("ERROR: invalid tag \"ghcr.io/MonsterObserver/custom:main\": repository name must be lowercase").as_deref(),
            Some("ghcr.io/MonsterObserver/custom:main")
        );
        assert_eq!(
            image_of("The push refers to repository [localhost:5000/app]").as_deref(),
            None,
            "a host needs a dot"
        );
        assert_eq!(
            image_of("upgrading: https://www.docker.com/increase-rate-limit"),
            None
        );
        assert_eq!(image_of("denied: denied"), None);
    }
}
