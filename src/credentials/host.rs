//! Registry host names as docker matches them: config keys (`ghcr.io`, `https://ghcr.io`,
//! `https://ghcr.io/v1/`, podman's `ghcr.io/owner`) reduce to one host, and Docker Hub's
//! aliases (`docker.io`, `index.docker.io`, `https://index.docker.io/v1/`) are one registry.

use crate::host::Host;

/// The host a registry name or config key stands for, lower-cased, with Docker Hub's aliases
/// folded into `docker.io` ([`Host::parse`]).
pub fn canonical(key: &str) -> String {
    Host::parse(key).name().to_owned()
}

/// The server address docker passes to a credential helper for `registry`.
pub fn server_address(registry: &str) -> String {
    Host::parse(registry).server_address().to_owned()
}

/// True when the config key `key` is an entry for `registry`.
pub fn matches(key: &str, registry: &str) -> bool {
    let host = canonical(key);
    !host.is_empty() && host == canonical(registry)
}

/// True when `registry` looks like a host name with an optional port (after [`canonical`]),
/// so that a mistyped argument (or a token pasted in its place) is refused, not echoed.
pub fn is_plausible(registry: &str) -> bool {
    let host = canonical(registry);
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host.as_str(), None),
    };
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !name.starts_with(['.', '-']);
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    // docker's rule for the first path component being a registry: it has a dot or a port,
    // or is `localhost`. Anything else (a word, a password) is not a host.
    let hostlike = name.contains('.') || port.is_some() || name == "localhost";
    name_ok && port_ok && hostlike && !crate::secret::looks_secret(registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_key_forms_match_the_host() {
        for key in [
            "ghcr.io",
            "https://ghcr.io",
            "https://ghcr.io/v1/",
            "http://ghcr.io/v2/",
            "GHCR.IO",
            "ghcr.io/owner/app",
        ] {
            assert!(matches(key, "ghcr.io"), "{key}");
        }
        assert!(!matches("ghcr.io.evil.example", "ghcr.io"));
        assert!(!matches("quay.io", "ghcr.io"));
        assert!(!matches("", "ghcr.io"));
    }

    #[test]
    fn docker_hub_aliases_are_one_registry() {
        for key in [
            "https://index.docker.io/v1/",
            "docker.io",
            "index.docker.io",
            "registry-1.docker.io",
        ] {
            assert!(matches(key, "docker.io"), "{key}");
            assert!(matches("docker.io", key), "{key}");
        }
        assert_eq!(server_address("docker.io"), "https://index.docker.io/v1/");
        assert_eq!(server_address("https://ghcr.io/"), "ghcr.io");
        assert_eq!(server_address("127.0.0.1:5000"), "127.0.0.1:5000");
    }

    #[test]
    fn plausible_hosts() {
        for ok in [
            "ghcr.io",
            "localhost:5000",
            "https://ghcr.io/",
            "127.0.0.1:5000",
        ] {
            assert!(is_plausible(ok), "{ok}");
        }
        for bad in [
            "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",
            "",
            "ghcr.io:",
            "ghcr io",
            "-x",
            "Xk9vQ2mZ7pL4wR8tY3nB6cD1fG5h",
            "ghcr",
        ] {
            assert!(!is_plausible(bad), "{bad}");
        }
    }
}
