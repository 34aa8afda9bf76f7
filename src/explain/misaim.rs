//! Causes that the aim of a push or a login decides, whatever the registry answered: a push
//! to a Docker Hub namespace no account can have, or to one that is not the logged-in user's
//! (`namespace-mismatch`); a login to a Docker Hub host no client reads credentials for
//! (`login-registry-mismatch`), or a push to a registry that serves only its owner's images
//! (the same); `helm push` to a destination with a tag (`reference-invalid`).

use super::context::{Signal, Signals};
use super::rank::Ranked;

/// The causes a refused push or pull is first named by, before the aim is known.
const REFUSED: &[&str] = &[
    "registry-denied",
    "registry-unauthorized",
    "no-credentials",
    "image-not-public",
    "image-not-found",
];

/// Puts the cause the aim shows first, when the message is one the aim explains.
pub(crate) fn first(ranked: Ranked, signals: Signals) -> Ranked {
    let refused = REFUSED.contains(&ranked.cause.as_str());
    if signals.contains(Signal::LoginNotRegistryHost)
        && signals.contains(Signal::HostDockerhub)
        && refused
    {
        return ranked.lead("login-registry-mismatch", Signal::LoginNotRegistryHost);
    }
    if signals.contains(Signal::VendorRegistryPush) && (refused || ranked.cause == "network-proxy")
    {
        return ranked.lead("login-registry-mismatch", Signal::VendorRegistryPush);
    }
    // Whatever the registry answers a `helm push` with a tagged destination (`405`, `404`,
    // a refusal), the destination is the mistake; a network failure is not its answer.
    let registry_answer = !ranked.cause.starts_with("network-")
        && !matches!(
            ranked.cause.as_str(),
            "rate-limited" | "credential-helper-failed"
        );
    if signals.contains(Signal::HelmPushTag) && registry_answer {
        return ranked.lead("reference-invalid", Signal::HelmPushTag);
    }
    // A failure that gives no reason, just after a request for a Docker Hub name without a
    // namespace: the name does not exist there (Docker Hub's answer to it is a refusal).
    if signals.contains(Signal::HubNoNamespace) && ranked.cause == "registry-unavailable" {
        return ranked.lead("image-not-found", Signal::HubNoNamespace);
    }
    for by in [Signal::HubInvalidNamespace, Signal::NamespaceNotLoginUser] {
        if signals.contains(by) && refused {
            return ranked.lead("namespace-mismatch", by);
        }
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(cause: &str) -> Ranked {
        Ranked {
            cause: cause.to_owned(),
            alternatives: vec!["namespace-mismatch".to_owned()],
            ranked_by: Vec::new(),
        }
    }

    fn signals(list: &[Signal]) -> Signals {
        let mut s = Signals::default();
        for x in list {
            s.insert(*x);
        }
        s
    }

    #[test]
    fn a_namespace_no_account_can_have_leads() {
        let r = first(
            ranked("registry-denied"),
            signals(&[Signal::HubInvalidNamespace]),
        );
        assert_eq!(r.cause, "namespace-mismatch");
        assert_eq!(r.alternatives, ["registry-denied"]);
        assert_eq!(r.ranked_by, [Signal::HubInvalidNamespace]);
        // A network failure is not about the namespace.
        let r = first(
            ranked("network-timeout"),
            signals(&[Signal::HubInvalidNamespace]),
        );
        assert_eq!(r.cause, "network-timeout");
    }

    #[test]
    fn a_login_to_a_host_no_client_reads_leads_on_docker_hub_only() {
        let s = signals(&[Signal::LoginNotRegistryHost, Signal::HostDockerhub]);
        assert_eq!(
            first(ranked("registry-unauthorized"), s).cause,
            "login-registry-mismatch"
        );
        let s = signals(&[Signal::LoginNotRegistryHost, Signal::HostGhcr]);
        assert_eq!(
            first(ranked("registry-unauthorized"), s).cause,
            "registry-unauthorized"
        );
    }

    #[test]
    fn a_tagged_helm_push_destination_leads_over_the_registry_answer() {
        let s = signals(&[Signal::HelmPushTag]);
        assert_eq!(
            first(ranked("registry-unavailable"), s).cause,
            "reference-invalid"
        );
        assert_eq!(first(ranked("network-dns"), s).cause, "network-dns");
    }
}
