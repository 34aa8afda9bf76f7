//! Registry endpoints: where the API of a reference's domain answers, from the host model
//! ([`crate::host`]).
//!
//! `docker.io` is a name, not a server: its API is `registry-1.docker.io` (tokens from
//! `auth.docker.io`, named by the challenge). Loopback registries speak plain HTTP.

use std::collections::BTreeMap;

use url::Url;

use crate::host::{Host, strip_port};
use crate::http::is_loopback_host;

/// Where a registry's API answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The domain as the reference names it (`ghcr.io`, `docker.io`, `127.0.0.1:5000`).
    pub domain: String,
    /// The API base, ending in `/` (`https://registry-1.docker.io/`).
    pub base: Url,
    /// True when the API is reached over plain HTTP.
    pub plain_http: bool,
}

/// The API host of a reference domain (the host model's, [`crate::host::Host::api_host`]).
pub fn api_host(domain: &str) -> String {
    let host = Host::parse(domain);
    if host.known().is_some() {
        host.api_host().to_owned()
    } else {
        domain.to_owned()
    }
}

/// True for GitHub's container registries, whose answers name GitHub token causes.
pub fn is_github(domain: &str) -> bool {
    Host::parse(domain).is_github()
}

impl Endpoint {
    /// The endpoint for `domain`: HTTPS, unless the host is loopback or `plain_http` forces
    /// HTTP.
    pub fn for_domain(domain: &str, plain_http: bool) -> Option<Endpoint> {
        let api = api_host(domain);
        let plain = plain_http || is_loopback_host(strip_port(&api));
        let scheme = if plain { "http" } else { "https" };
        let base = Url::parse(&format!("{scheme}://{api}/")).ok()?;
        Some(Endpoint {
            domain: domain.to_owned(),
            base,
            plain_http: plain,
        })
    }

    /// An endpoint at an explicit base URL (tests, mirrors).
    pub fn at(domain: &str, base: Url) -> Endpoint {
        let plain_http = base.scheme() == "http";
        let mut base = base;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Endpoint {
            domain: domain.to_owned(),
            base,
            plain_http,
        }
    }

    /// The URL of an API path (`v2/`, `v2/NAME/manifests/REF`).
    pub fn url(&self, path: &str) -> Option<Url> {
        self.base.join(path.trim_start_matches('/')).ok()
    }

    /// True for GitHub's registries.
    pub fn is_github(&self) -> bool {
        is_github(&self.domain)
    }
}

/// Why a list of endpoint overrides (`DOMAIN=URL,...`) cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    #[error("{}", crate::t!("check.cli.endpoint-pair", pair = pair))]
    Pair { pair: String },
    #[error("{}", crate::t!("check.cli.endpoint-url", url = url, error = error))]
    Url { url: String, error: String },
}

/// Reads `DOMAIN=URL[,DOMAIN=URL...]` (`GHCR_DOCTOR_REGISTRY_ENDPOINTS`): API base URLs that
/// replace the ones derived from the domains (mirrors, test fakes).
pub fn parse_overrides(text: &str) -> Result<BTreeMap<String, Url>, OverrideError> {
    let mut endpoints = BTreeMap::new();
    for pair in text.split(',').filter(|s| !s.trim().is_empty()) {
        let Some((domain, url)) = pair.split_once('=') else {
            return Err(OverrideError::Pair {
                pair: pair.to_owned(),
            });
        };
        let base = Url::parse(url.trim()).map_err(|e| OverrideError::Url {
            url: url.to_owned(),
            error: e.to_string(),
        })?;
        endpoints.insert(domain.trim().to_owned(), base);
    }
    Ok(endpoints)
}

/// Where `domain`'s API answers: an override when one names it, else the derived endpoint.
pub fn resolve(
    overrides: &BTreeMap<String, Url>,
    domain: &str,
    plain_http: bool,
) -> Option<Endpoint> {
    match overrides.get(domain) {
        Some(base) => Some(Endpoint::at(domain, base.clone())),
        None => Endpoint::for_domain(domain, plain_http),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let cases = [
            ("ghcr.io", false, "https://ghcr.io/", false),
            ("docker.io", false, "https://registry-1.docker.io/", false),
            (
                "index.docker.io",
                false,
                "https://registry-1.docker.io/",
                false,
            ),
            ("127.0.0.1:5000", false, "http://127.0.0.1:5000/", true),
            ("localhost:5000", false, "http://localhost:5000/", true),
            ("[::1]:5000", false, "http://[::1]:5000/", true),
            (
                "registry.example:5000",
                false,
                "https://registry.example:5000/",
                false,
            ),
            ("registry.example", true, "http://registry.example/", true),
        ];
        for (domain, force, base, plain) in cases {
            let e = Endpoint::for_domain(domain, force).expect(domain);
            assert_eq!((e.base.as_str(), e.plain_http), (base, plain), "{domain}");
        }
    }

    #[test]
    fn overrides_parse_and_replace_derived_endpoints() {
        let o = parse_overrides(" ghcr.io=http://127.0.0.1:9/x ,, ").expect("parses");
        assert_eq!(
            resolve(&o, "ghcr.io", false).map(|e| e.base.to_string()),
            Some("http://127.0.0.1:9/x/".into())
        );
        assert_eq!(
            resolve(&o, "docker.io", false).map(|e| e.base.to_string()),
            Some("https://registry-1.docker.io/".into())
        );
        assert!(matches!(
            parse_overrides("ghcr.io"),
            Err(OverrideError::Pair { .. })
        ));
        assert!(matches!(
            parse_overrides("ghcr.io=not a url"),
            Err(OverrideError::Url { .. })
        ));
    }

    #[test]
    fn github_hosts() {
        assert!(is_github("ghcr.io"));
        assert!(is_github("GHCR.IO"));
        assert!(is_github("docker.pkg.github.com"));
        assert!(!is_github("docker.io"));
        assert!(!is_github("127.0.0.1:5000"));
        assert!(!is_github("ghcr.io.evil.example"));
    }

    #[test]
    fn urls_join_under_the_base() {
        let e = Endpoint::at(
            "ghcr.io",
            Url::parse("http://127.0.0.1:9/prefix").expect("url"),
        );
        assert_eq!(
            e.url("/v2/a/b/manifests/t").map(|u| u.to_string()),
            Some("http://127.0.0.1:9/prefix/v2/a/b/manifests/t".into())
        );
        assert!(e.is_github());
    }
}
