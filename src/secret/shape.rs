//! The shapes of secrets: the token formats the tool recognises by their documented prefixes
//! (GitHub's and other services'), the JSON Web Token, and the generic run of random
//! characters. One table, used to find secrets in text ([`super::redact`]) and to name a
//! value for what it is.

use std::sync::OnceLock;

use regex::Regex;

/// A service whose tokens have a recognisable shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `ghp_`, `github_pat_`, `gho_`, `ghu_`, `ghs_`, `ghr_`.
    GitHub,
    /// `dckr_pat_`, `dckr_oat_`.
    DockerHub,
    /// `glpat-`, `gldt-`, ...
    GitLab,
    /// `AKIA…`, `ASIA…` access key ids.
    Aws,
    /// `npm_`.
    Npm,
    /// `pypi-`.
    PyPi,
    /// `xoxb-`, `xoxp-`, ...
    Slack,
    /// A bare JSON Web Token (`eyJ….….…`): a GitHub App JWT, an OIDC token, a registry's own
    /// bearer token.
    Jwt,
}

impl Service {
    /// The stable kebab-case name (evidence, JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Service::GitHub => "github",
            Service::DockerHub => "docker-hub",
            Service::GitLab => "gitlab",
            Service::Aws => "aws",
            Service::Npm => "npm",
            Service::PyPi => "pypi",
            Service::Slack => "slack",
            Service::Jwt => "jwt",
        }
    }

    /// The registries (canonical host names, [`crate::host::Host::name`]) where this service's
    /// tokens are the right credential. A JWT may be any registry's own bearer token, so it
    /// belongs everywhere but GitHub's registries.
    pub fn belongs_to(self, registry: &crate::host::Host) -> bool {
        match self {
            Service::GitHub => registry.is_github(),
            Service::DockerHub => registry.is_docker_hub(),
            Service::GitLab => {
                let h = registry.hostname();
                h == "registry.gitlab.com" || h.starts_with("registry.") && h.contains("gitlab")
            }
            Service::Aws => {
                let h = registry.hostname();
                h.ends_with(".amazonaws.com") || h == "public.ecr.aws"
            }
            Service::Jwt => !registry.is_github(),
            Service::Npm | Service::PyPi | Service::Slack => false,
        }
    }
}

/// The token shapes with their service, as regular expressions anchored on their prefix.
const SHAPES: &[(Service, &str)] = &[
    (
        Service::GitHub,
        r"(?i:gh[pousr]_)[A-Za-z0-9]{16,}|(?i:github_pat_)[A-Za-z0-9_]{16,}",
    ),
    (Service::DockerHub, r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{16,}"),
    (
        Service::GitLab,
        r"gl(?:pat|dt|ptt|rt|cbt|ft|oas|imt|soat)-[A-Za-z0-9_-]{16,}",
    ),
    (Service::Aws, r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    (Service::Npm, r"\bnpm_[A-Za-z0-9]{30,}"),
    (Service::PyPi, r"\bpypi-[A-Za-z0-9_-]{30,}"),
    (Service::Slack, r"\bxox[abposre]-[A-Za-z0-9-]{10,}"),
    (
        Service::Jwt,
        r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?|\beyJ[A-Za-z0-9_=-]{16,}",
    ),
];

/// The compiled shapes; `None` only if one failed to compile (then nothing is trusted).
pub(crate) fn shapes() -> Option<&'static [(Service, Regex)]> {
    static RE: OnceLock<Option<Vec<(Service, Regex)>>> = OnceLock::new();
    RE.get_or_init(|| {
        SHAPES
            .iter()
            .map(|(service, re)| Regex::new(re).ok().map(|r| (*service, r)))
            .collect()
    })
    .as_deref()
}

/// The service whose token shape `value` has, as a whole (surrounding whitespace ignored).
pub fn service_of(value: &str) -> Option<Service> {
    let v = value.trim();
    shapes()?.iter().find_map(|(service, re)| {
        re.find(v)
            .filter(|m| m.start() == 0 && m.end() == v.len())
            .map(|_| *service)
    })
}

/// Every token of a known shape in `text`: where it is and whose it is.
pub fn tokens_in(text: &str) -> Vec<(std::ops::Range<usize>, Service)> {
    let Some(shapes) = shapes() else {
        return Vec::new();
    };
    let mut found: Vec<(std::ops::Range<usize>, Service)> = shapes
        .iter()
        .flat_map(|(service, re)| re.find_iter(text).map(move |m| (m.range(), *service)))
        .collect();
    found.sort_by_key(|(r, _)| r.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Host;

    pub(crate) const SAMPLES: &[(&str, Service)] = &[
        ("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", Service::GitHub),
        (
            "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345678",
            Service::GitHub,
        ),
        ("ghs_16C7e42F292c6912E7710c838347Ae178B4a", Service::GitHub),
        ("gho_16C7e42F292c6912E7710c838347Ae178B4a", Service::GitHub),
        ("dckr_pat_2jK3vBx9LmQw8RtYz4NcP7sD1fG", Service::DockerHub),
        ("glpat-xK9vQ2mZ7pL4wR8tY3nB", Service::GitLab),
        ("AKIAIOSFODNN7EXAMPLE", Service::Aws),
        ("ASIAIOSFODNN7EXAMPLE", Service::Aws),
        ("npm_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", Service::Npm),
        (
            "pypi-AgEIcHlwaS5vcmcCJGE4ZjQ5MmM0LWQ3ZjYtNDQ2Mi1iYjE2",
            Service::PyPi,
        ),
        (
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
            Service::Slack,
        ),
        (
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjM0NSJ9.c2lnbmF0dXJlLXBhcnQ",
            Service::Jwt,
        ),
    ];

    #[test]
    fn every_sample_is_named_for_its_service() {
        for (value, service) in SAMPLES {
            assert_eq!(service_of(value), Some(*service), "{value}");
            let text = format!("x {value} y");
            assert_eq!(
                tokens_in(&text)
                    .first()
                    .map(|(r, s)| (&text[r.clone()], *s)),
                Some((*value, *service)),
                "{value}"
            );
        }
        assert_eq!(service_of("hunter2"), None);
        assert_eq!(service_of("docker-credential-desktop"), None);
    }

    #[test]
    fn services_belong_to_their_registries() {
        assert!(Service::DockerHub.belongs_to(&Host::parse("index.docker.io")));
        assert!(!Service::DockerHub.belongs_to(&Host::parse("ghcr.io")));
        assert!(Service::GitLab.belongs_to(&Host::parse("registry.gitlab.com")));
        assert!(Service::Jwt.belongs_to(&Host::parse("quay.io")));
        assert!(!Service::Jwt.belongs_to(&Host::parse("ghcr.io")));
        assert!(!Service::Npm.belongs_to(&Host::parse("quay.io")));
        assert!(
            Service::Aws.belongs_to(&Host::parse("123456789012.dkr.ecr.us-east-1.amazonaws.com"))
        );
    }
}
