//! A rate limit named on the failing line leads, whatever other words surround it.
//!
//! A registry, or the proxy or mirror in front of it, that answers `429 Too Many Requests`
//! (distribution's `TOOMANYREQUESTS`, RFC 6585 §4) has refused the request for how often it
//! came, not for what it asked: the image may exist, the credential may be good, the host is
//! spelled right (a mistyped host does not answer with Docker Hub's limit). Clients wrap that
//! answer in their own failure words: docker in `pull access denied ... denied: ... request
//! exceeded pull rate limit`, Artifactory in `Unable to create manifest markers ... (remote
//! response: 429: Too Many Requests)`, and Docker Hub's own message carries its link
//! `docker.com/increase-rate-limit`, which reads like a reference to a mistyped host. Those
//! other readings give way to the limit the line names.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::protocol;
use super::rank::Ranked;

/// The cause this module leads.
const RATE_LIMITED: &str = "rate-limited";

fn limit() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        RegexBuilder::new(
            r"\btoomanyrequests\b|\btoo many requests\b|\b(?:reached|exceeded|exceeds|hit)\s+(?:(?:your|the|its|a|an|anonymous|unauthenticated|authenticated|pull|push|download|api|request)\s+)*rate[- ]limits?\b|\brate[- ]limits?\s+(?:(?:has|have|was|is)\s+(?:been\s+)?)?(?:exceeded|reached)\b",
        )
        .case_insensitive(true)
        .build()
        .ok()
    })
    .as_ref()
}

/// True when `line` names a rate limit the request ran into: `toomanyrequests`, `Too Many
/// Requests` (the reason phrase of 429), a status 429, or a limit reached or exceeded.
pub(crate) fn names_rate_limit(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if !(lower.contains("request") || lower.contains("rate") || lower.contains("429")) {
        return false;
    }
    limit().is_some_and(|re| re.is_match(line)) || protocol::carries_status(line, "status-429")
}

/// `ranked` with `rate-limited` first when the failing line named a rate limit (`limited`),
/// the former first cause kept as the first alternative; the order is the message's own, so
/// no context signal is recorded.
pub(crate) fn first(mut ranked: Ranked, limited: bool) -> Ranked {
    if !limited || ranked.cause == RATE_LIMITED {
        return ranked;
    }
    ranked.alternatives.retain(|a| a != RATE_LIMITED);
    let was = std::mem::replace(&mut ranked.cause, RATE_LIMITED.to_owned());
    ranked.alternatives.insert(0, was);
    ranked.ranked_by = Vec::new();
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_clients_and_registries_print_are_read() {
        for line in [
            "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: docker.com/increase-rate-limit",
            "Error response from daemon: pull access denied for localhost:9090/library/hello-world, repository does not exist or may require 'docker login': denied: 127.0.0.1 request exceeded pull rate limit",
            "Unable to create manifest markers for 'docker-remote:library/redmine': 'Error fetching https://registry-1.docker.io/v2/library/redmine/manifests/latest (remote response: 429: Too Many Requests)'",
            "failed to copy: httpReadSeeker: failed open: unexpected status code https://r.example/v2/a/b/blobs/sha256:00: 429 Too Many Requests",
            "login to dockerhub error: {\"detail\": \"Rate limit exceeded\"}",
            "error: You have exceeded the API rate limit",
            "Error: reading manifest latest in quay.io/o/app: received unexpected HTTP status: 429",
        ] {
            assert!(names_rate_limit(line), "{line}");
        }
    }

    #[test]
    fn other_words_about_rates_or_requests_are_not_a_limit() {
        for line in [
            "Error response from daemon: pull access denied for app, repository does not exist or may require 'docker login'",
            "the rate limit for anonymous pulls is 100 per six hours",
            "error: too many open files",
            "upload rate 3.2 MB/s; 429 layers exported",
            "request canceled while waiting for connection",
        ] {
            assert!(!names_rate_limit(line), "{line}");
        }
    }

    #[test]
    fn a_named_limit_leads_and_keeps_the_former_cause_second() {
        let ranked = Ranked {
            cause: "image-not-found".into(),
            alternatives: vec!["registry-denied".into(), "rate-limited".into()],
            ranked_by: Vec::new(),
        };
        let led = first(ranked.clone(), true);
        assert_eq!(led.cause, "rate-limited");
        assert_eq!(led.alternatives, ["image-not-found", "registry-denied"]);
        assert_eq!(first(ranked.clone(), false), ranked);
    }
}
