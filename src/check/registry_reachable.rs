//! `registry-reachable`: `GET /v2/` answers, anonymously. A network failure is named by its
//! class (`network-dns`, `-refused`, `-timeout`, `-tls`, `-proxy`).

use crate::finding::{Finding, Status};
use crate::http::{self, ProxyConfig};
use crate::registry::{self, Ping, host::Endpoint};

pub const ID: &str = "registry-reachable";

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
                ID,
                Status::Pass,
                target,
                crate::t!(
                    "check.registry-reachable.pass",
                    registry = endpoint.domain,
                    url = url,
                    status = ping.status,
                    scheme = ping.scheme.as_str()
                ),
            )
            .with_evidence("url", url.as_str())
            .with_evidence("status", ping.status)
            .with_evidence("auth_scheme", ping.scheme.as_str())
            .with_evidence("attempts", ping.attempts);
            if let Some(p) = via {
                f = f.with_evidence("proxy", p);
            }
            if !ping.retried.is_empty() {
                f = f.with_evidence("retried_statuses", ping.retried.clone());
            }
            f
        }
        Err(e) => failure(ID, target, endpoint, proxy, e),
    }
}

/// A failed request as a finding for `check`: network class, or the registry's answer.
pub fn failure(
    check: &str,
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
            // The server answered, but not in a way the tool accepts: no network cause.
            let detail = describe_http_error(e, proxy);
            let f = bad_answer(check, target, endpoint, &detail)
                .with_evidence("error", detail.as_str());
            if matches!(e, http::Error::InsecureCredentials { .. }) {
                // The tool refused to send the credential unencrypted (a plain-HTTP realm):
                // the fix is TLS or --plain-http, as for other TLS problems.
                f.with_cause(e.cause())
            } else {
                f
            }
        }
        registry::Error::Http(e) => {
            let detail = describe_http_error(e, proxy);
            let mut f = Finding::new(
                check,
                Status::Fail,
                target,
                crate::t!(
                    "check.registry-reachable.network",
                    registry = endpoint.domain,
                    error = detail
                ),
            )
            .with_cause(e.cause())
            .with_evidence("error", detail.as_str());
            if let http::Error::Proxy { proxy: p, .. } = e {
                f = f
                    .with_evidence("proxy", p.as_str())
                    .with_evidence("no_proxy", proxy.no_proxy.join(","));
            }
            f
        }
        registry::Error::Refused(r) => {
            let mut f = Finding::new(
                check,
                Status::Fail,
                target,
                crate::t!(
                    "check.registry-reachable.not-registry",
                    registry = endpoint.domain,
                    answer = r
                ),
            )
            .with_evidence("status", r.status)
            .with_evidence("answer", r.message())
            .with_evidence("attempts", r.attempts);
            // A 404 or 5xx at /v2/ names no credential problem; 401/403/429 do.
            let cause = match r.status {
                429 => Some("rate-limited"),
                401 | 403 => Some("registry-unauthorized"),
                _ => None,
            };
            if let Some(c) = cause {
                f = f.with_cause(c);
            }
            if !r.retried.is_empty() {
                f = f.with_evidence("retried_statuses", r.retried.clone());
            }
            f
        }
        registry::Error::BadAnswer { detail, status, .. } => {
            bad_answer(check, target, endpoint, detail).with_evidence("status", *status)
        }
        registry::Error::Truncated { detail, status, .. } => {
            bad_answer(check, target, endpoint, detail)
                .with_cause("registry-unavailable")
                .with_evidence("status", *status)
        }
    }
}

/// The registry answered, but not in a way the tool accepts.
fn bad_answer(check: &str, target: &str, endpoint: &Endpoint, detail: &str) -> Finding {
    Finding::new(
        check,
        Status::Fail,
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
