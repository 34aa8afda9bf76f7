//! The rules that decide which cause leads from what the whole log shows, after the catalog's
//! per-pattern `rank` rules.

use super::context::{Signal, Signals};
use super::rank::Ranked;
use super::{Explanation, credential, misaim};
use crate::catalog;

/// When the client tried the name on several registries in turn (podman's
/// unqualified-search registries), one registry's `manifest unknown` or `name unknown` says the
/// image does not exist under that name; the other registries' refusals (`unauthorized`,
/// `denied`) are how they answer for a name they do not hold. The not-found leads.
pub(super) fn not_found_first(
    mut explanations: Vec<Explanation>,
    signals: Signals,
) -> Vec<Explanation> {
    if signals.contains(Signal::SearchRegistries)
        && let Some(pos) = explanations
            .iter()
            .position(|e| e.cause == "image-not-found")
        && pos > 0
    {
        let mut e = explanations.remove(pos);
        e.ranked_by = vec![Signal::SearchRegistries];
        explanations.insert(0, e);
    }
    explanations
}

/// The rules that move a cause to the front from what the log shows around the message, after
/// the catalog's own `rank` rules, in order: each sees the order the one before left, so a
/// later rule wins over an earlier one.
pub(super) fn lead_by_context(ranked: Ranked, signals: Signals) -> Ranked {
    let rules: [fn(Ranked, Signals) -> Ranked; 10] = [
        only_where_possible,
        misaim::first,
        official_namespace_first,
        hub_name_first,
        hub_official_name_first,
        lost_after_push_first,
        typo_first,
        credential::shown_first,
        credential::expired_mid_push,
        credential::foreign_to_ecr,
    ];
    rules
        .into_iter()
        .fold(ranked, |ranked, rule| rule(ranked, signals))
}

/// Puts `namespace-mismatch` first for a refused push to Docker Hub's `library/` namespace:
/// only Docker's official images live there, so the image name lacks its owner's namespace
/// (`docker push app` means `docker.io/library/app`).
fn official_namespace_first(ranked: Ranked, signals: Signals) -> Ranked {
    const NAMESPACE: &str = "namespace-mismatch";
    let refused = ["registry-denied", "registry-unauthorized", "no-credentials"];
    if !signals.contains(Signal::OfficialNamespace) || !refused.contains(&ranked.cause.as_str()) {
        return ranked;
    }
    ranked.lead(NAMESPACE, Signal::OfficialNamespace)
}

/// A request to Docker Hub for a repository without a namespace asks for a name that cannot
/// exist there (every repository has one: `library/nginx`); Docker Hub answers such a name
/// with `401 unauthorized`, as for any repository it does not hold. The name leads.
fn hub_name_first(ranked: Ranked, signals: Signals) -> Ranked {
    missing_hub_name_first(ranked, signals, Signal::HubNoNamespace)
}

/// A refused read of a Docker Hub `library/` repository asks for an official image that does
/// not exist (they are all public): the name leads, as for a name without a namespace.
fn hub_official_name_first(ranked: Ranked, signals: Signals) -> Ranked {
    missing_hub_name_first(ranked, signals, Signal::HubOfficialRead)
}

/// Puts `image-not-found` first when `signal` shows Docker Hub was asked for a name it cannot
/// hold and answered with one of its refusals.
fn missing_hub_name_first(ranked: Ranked, signals: Signals, signal: Signal) -> Ranked {
    const REFUSED: [&str; 4] = [
        "registry-denied",
        "registry-unauthorized",
        "no-credentials",
        "image-not-public",
    ];
    if !signals.contains(signal) || !REFUSED.contains(&ranked.cause.as_str()) {
        return ranked;
    }
    ranked.lead("image-not-found", signal)
}

/// A `manifest unknown` for a tag the log pushed before is the registry dropping what it
/// accepted (a clean-up, storage that lost it, a layer taken as present that was not): the
/// image is incomplete there, not a name that never existed.
fn lost_after_push_first(ranked: Ranked, signals: Signals) -> Ranked {
    if !signals.contains(Signal::PushedBefore) || ranked.cause != "image-not-found" {
        return ranked;
    }
    ranked.lead("image-incomplete", Signal::PushedBefore)
}

/// Puts `registry-host-typo` first when the failing request went to a near miss of a
/// well-known registry host: whatever that host answered (nothing, an HTML page, a refusal),
/// the fix is the host name, and the credential may have gone to someone else's server.
fn typo_first(ranked: Ranked, signals: Signals) -> Ranked {
    const TYPO: &str = "registry-host-typo";
    if !signals.contains(Signal::HostTypo) || ranked.cause == TYPO {
        return ranked;
    }
    ranked.lead(TYPO, Signal::HostTypo)
}

/// Moves a cause that only exists in GitHub Actions runs behind the first alternative that
/// does not, when the log comes from a local shell or another CI system.
fn only_where_possible(mut ranked: Ranked, signals: Signals) -> Ranked {
    let elsewhere = [Signal::LogLocal, Signal::LogOtherCi]
        .into_iter()
        .find(|s| signals.contains(*s));
    let Some(elsewhere) = elsewhere else {
        return ranked;
    };
    let actions_only = |id: &str| catalog::cause(id).is_some_and(|c| c.actions_only);
    if signals.contains(Signal::LogActions) || !actions_only(&ranked.cause) {
        return ranked;
    }
    if let Some(pos) = ranked.alternatives.iter().position(|a| !actions_only(a)) {
        let first = ranked.alternatives.remove(pos);
        let demoted = std::mem::replace(&mut ranked.cause, first);
        ranked.alternatives.insert(0, demoted);
        ranked.ranked_by = vec![elsewhere];
    }
    ranked
}
