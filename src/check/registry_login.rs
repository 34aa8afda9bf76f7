//! `registry-login`: the credential (or anonymous access) is exchanged at the challenge's
//! realm for a token covering every image of the registry (`scope=` repeated), or checked
//! with Basic auth. A refusal names `token-invalid` on GitHub, `registry-unauthorized`
//! elsewhere.

use crate::check::{Probe, Probed, registry_reachable};
use crate::denial::Operation;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::registry::{self, Login};

crate::finding::check_meta!(pub CHECK = "registry-login", docs: "registry.md", messages: "check.registry-login");
pub const ID: &str = CHECK.id;

/// The finding for one image after the registry's login step.
pub fn finding(
    probe: &Probe<'_>,
    repository: &str,
    result: &Result<Login, registry::Error>,
) -> Probed {
    let registry = probe.endpoint.domain.as_str();
    let login = match result {
        Ok(l) => l,
        Err(registry::Error::Refused(r)) => {
            let (denial, cause) = probe.refusal(Operation::Login, r);
            let mut f = Finding::new(
                &CHECK,
                Outcome::Fail(cause),
                probe.target,
                crate::t!("check.registry-login.fail", registry = registry, answer = r),
            )
            .with_evidence(Fact::status(r.status))
            .with_evidence(Fact::answer(r.message()))
            .with_evidence(Fact::url(r.url.as_str()))
            .with_evidence(Fact::attempts(r.attempts));
            if let Some(s) = probe.credential_source {
                f = f.with_evidence(Fact::credential_source(s));
            }
            return Probed::refused(f, denial);
        }
        Err(e) => {
            return registry_reachable::failure(
                &CHECK,
                probe.target,
                probe.endpoint,
                probe.proxy,
                e,
            )
            .into();
        }
    };
    // This image's scope; the request carried every image's (`scopes_requested`).
    let scopes = login
        .requested
        .iter()
        .find(|s| crate::registry::scope::Scope::parse(s).is_some_and(|s| s.name == repository))
        .cloned()
        .unwrap_or_default();
    let count = login.requested.len();
    let message = match (login.scheme, login.anonymous) {
        ("none", _) => crate::t!("check.registry-login.none", registry = registry),
        ("basic", true) => {
            return Finding::new(
                &CHECK,
                Outcome::Warn,
                probe.target,
                crate::t!("check.registry-login.basic-anonymous", registry = registry),
            )
            .with_cause(CauseId::NoCredentials)
            .into();
        }
        ("basic", false) => crate::t!("check.registry-login.basic", registry = registry),
        (_, true) => crate::t!(
            "check.registry-login.anonymous-token",
            realm = login.realm.as_deref().unwrap_or("-"),
            scope = scopes,
            count = count
        ),
        (_, false) => crate::t!(
            "check.registry-login.token",
            realm = login.realm.as_deref().unwrap_or("-"),
            scope = scopes,
            count = count
        ),
    };
    let mut f = Finding::new(&CHECK, Outcome::Pass, probe.target, message)
        .with_evidence(Fact::auth_scheme(login.scheme))
        .with_evidence(Fact::anonymous(login.anonymous))
        .with_evidence(Fact::attempts(login.attempts));
    if login.scheme == "bearer" {
        f = f
            .with_evidence(Fact::realm(login.realm.clone().unwrap_or_default()))
            .with_evidence(Fact::service(login.service.clone().unwrap_or_default()))
            .with_evidence(Fact::scopes_requested(login.requested.len()))
            .with_evidence(Fact::token_requests(login.token_requests))
            .with_evidence(Fact::token_fields(
                login
                    .token_fields
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>(),
            ))
            .with_evidence(Fact::expires_in(login.expires_in));
        if let Some(granted) = &login.granted {
            let actions: Vec<String> = granted
                .iter()
                .filter(|s| s.resource_type == "repository" && s.name == repository)
                .flat_map(|s| s.actions.clone())
                .collect();
            f = f.with_evidence(Fact::granted_actions(actions));
        }
    }
    if let Some(s) = probe.credential_source {
        f = f.with_evidence(Fact::credential_source(s));
    }
    if let Some(realm_host) = &login.foreign_realm {
        // The login worked, but the credential went to a host the user may not expect.
        f.status = Status::Warn;
        f.message = crate::t!(
            "check.registry-login.foreign-realm",
            registry = registry,
            realm_host = realm_host
        );
        f = f.with_evidence(Fact::realm_host(realm_host.as_str()));
    }
    f.into()
}
