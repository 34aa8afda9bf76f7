//! `registry-reachable`: `GET /v2/` answers, anonymously. A network failure is named by its
//! class (`network-dns`, `-refused`, `-timeout`, `-tls`, `-proxy`).

use crate::evidence::Fact;
use crate::finding::{CauseId, Check, Finding, Outcome};
use crate::http::{self, ProxyConfig};
use crate::registry::challenge::{Bearer, Challenge};
use crate::registry::{self, Ping, host::Endpoint};

crate::finding::check_meta!(pub CHECK = "registry-reachable", docs: "registry.md", messages: "check.registry-reachable");
pub const ID: &str = CHECK.id;

/// The finding for one image of a registry.
pub fn finding(
    target: &str,
    endpoint: &Endpoint,
    proxy: &ProxyConfig,
    result: &Result<Ping, registry::Error>,
) -> Finding {
    let url = endpoint
        .url("v2/")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let via = endpoint
        .url("v2/")
        .and_then(|u| proxy.proxy_for(&u).map(http::display_proxy));
    match result {
        Ok(ping) => {
            let mut f = Finding::new(
                &CHECK,
                Outcome::Pass,
                target,
                crate::t!(
                    "check.registry-reachable.pass",
                    registry = endpoint.domain,
                    url = url,
                    status = ping.status,
                    scheme = ping.scheme.as_str()
                ),
            )
            .with_evidence(Fact::url(url.as_str()))
            .with_evidence(Fact::status(ping.status))
            .with_evidence(Fact::auth_scheme(ping.scheme.as_str()))
            .with_evidence(Fact::attempts(ping.attempts));
            if let Some(p) = via {
                f = f.with_evidence(Fact::proxy(p));
            }
            if !ping.retried.is_empty() {
                f = f.with_evidence(Fact::retried_statuses(ping.retried.clone()));
            }
            f
        }
        Err(e) => failure(&CHECK, target, endpoint, proxy, e),
    }
}

/// A failed request as a finding for `check`: network class, or the registry's answer.
/// Every branch names a cause: a failure the user cannot act on by name is not a verdict.
pub fn failure(
    check: &Check,
    target: &str,
    endpoint: &Endpoint,
    proxy: &ProxyConfig,
    error: &registry::Error,
) -> Finding {
    match error {
        registry::Error::Http(
            e @ (http::Error::Redirect { .. }
            | http::Error::BodyTooLarge { .. }
            | http::Error::Invalid { .. }
            | http::Error::InsecureCredentials { .. }),
        ) => {
            // The server answered, but not in a way the tool accepts: no network cause,
            // except when the tool refused to send the credential unencrypted (a plain-HTTP
            // realm): the fix is TLS or --plain-http, as for other TLS problems.
            let cause = if matches!(e, http::Error::InsecureCredentials { .. }) {
                e.cause()
            } else {
                CauseId::RegistryAnswerInvalid
            };
            let detail = describe_http_error(e, proxy);
            bad_answer(check, cause, target, endpoint, &detail)
                .with_evidence(Fact::error(detail.as_str()))
        }
        registry::Error::Http(e) => {
            let detail = describe_http_error(e, proxy);
            let mut f = Finding::new(
                check,
                Outcome::Fail(e.cause()),
                target,
                crate::t!(
                    "check.registry-reachable.network",
                    registry = endpoint.domain,
                    error = detail
                ),
            )
            .with_evidence(Fact::error(detail.as_str()));
            if let http::Error::Proxy { proxy: p, .. } = e {
                f = f
                    .with_evidence(Fact::proxy(p.as_str()))
                    .with_evidence(Fact::no_proxy(proxy.no_proxy.join(",")));
            }
            f
        }
        registry::Error::Refused(r) => {
            let mut f = Finding::new(
                check,
                Outcome::Fail(refusal_at_v2(r)),
                target,
                crate::t!(
                    "check.registry-reachable.not-registry",
                    registry = endpoint.domain,
                    answer = r
                ),
            )
            .with_evidence(Fact::status(r.status))
            .with_evidence(Fact::answer(r.message()))
            .with_evidence(Fact::attempts(r.attempts));
            if !r.retried.is_empty() {
                f = f.with_evidence(Fact::retried_statuses(r.retried.clone()));
            }
            f
        }
        registry::Error::BadAnswer {
            detail,
            status,
            cause,
            ..
        } => {
            bad_answer(check, *cause, target, endpoint, detail).with_evidence(Fact::status(*status))
        }
        registry::Error::Truncated { detail, status, .. } => bad_answer(
            check,
            CauseId::RegistryUnavailable,
            target,
            endpoint,
            detail,
        )
        .with_evidence(Fact::status(*status)),
    }
}

/// The cause of a refused `GET /v2/` (or a refusal no probe rule names): a rate limit, a
/// refusal of anonymous access, a challenge no client can follow, a failing registry, or an
/// address that does not answer as a registry.
fn refusal_at_v2(r: &registry::Refusal) -> CauseId {
    match r.status {
        429 => CauseId::RateLimited,
        401 if !r.challenges.iter().any(|c| {
            matches!(
                c,
                Challenge::Basic { .. } | Challenge::Bearer(Bearer { realm: Some(_), .. })
            )
        }) =>
        {
            CauseId::RegistryChallengeInvalid
        }
        401 | 403 => CauseId::RegistryUnauthorized,
        500..=599 => CauseId::RegistryUnavailable,
        _ => CauseId::RegistryAnswerInvalid,
    }
}

/// The registry answered, but not in a way the tool accepts.
fn bad_answer(
    check: &Check,
    cause: CauseId,
    target: &str,
    endpoint: &Endpoint,
    detail: &str,
) -> Finding {
    Finding::new(
        check,
        Outcome::Fail(cause),
        target,
        crate::t!(
            "check.registry-reachable.bad-answer",
            registry = endpoint.domain,
            detail = detail
        ),
    )
}

/// A network failure in the user's words, with the host, and the proxy when one was used.
pub fn describe_http_error(e: &http::Error, proxy: &ProxyConfig) -> String {
    match e {
        http::Error::Dns { host, detail } => {
            crate::t!("registry.error.dns", host = host, detail = detail)
        }
        http::Error::Refused { host } => crate::t!("registry.error.refused", host = host),
        http::Error::Timeout { host, seconds } => {
            crate::t!("registry.error.timeout", host = host, seconds = seconds)
        }
        http::Error::Tls { host, detail } => {
            crate::t!("registry.error.tls", host = host, detail = detail)
        }
        http::Error::Proxy {
            proxy: p,
            host,
            detail,
        } => crate::t!(
            "registry.error.proxy",
            proxy = p,
            host = host,
            detail = detail,
            no_proxy = if proxy.no_proxy.is_empty() {
                "-".to_owned()
            } else {
                proxy.no_proxy.join(",")
            }
        ),
        http::Error::Connection { host, detail } => {
            crate::t!("registry.error.connection", host = host, detail = detail)
        }
        http::Error::InsecureCredentials { url } => {
            crate::t!("registry.error.insecure", url = url)
        }
        http::Error::Redirect { from, to, reason } => {
            crate::t!(
                "registry.error.redirect",
                from = from,
                to = to,
                reason = reason
            )
        }
        http::Error::BodyTooLarge { url, limit } => {
            crate::t!("registry.error.too-large", url = url, limit = limit)
        }
        http::Error::Invalid { detail } => crate::t!("registry.error.invalid", detail = detail),
        e @ http::Error::Truncated { .. } => e.to_string(),
    }
}
