//! The registry of a login or a push as a workflow writes it, read through the host model.

/// A registry host, or unknown when it comes from an expression the tool cannot resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registry {
    Known(String),
    Unknown,
}

impl Registry {
    pub fn is(&self, host: &str) -> bool {
        matches!(self, Registry::Known(h) if h == host)
    }

    /// Reads the registry of a login target (`ghcr.io`, `https://index.docker.io/v1/`).
    pub fn of_server(raw: &str) -> Registry {
        let s = raw.trim();
        if s.is_empty() || s.contains('$') {
            return Registry::Unknown;
        }
        let s = s
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("oci://");
        let host = s.split('/').next().unwrap_or_default();
        Registry::Known(normalize_host(host))
    }

    /// Reads the registry of an image reference (`ghcr.io/o/n:1`, `docker://...`, `o/n`).
    pub fn of_reference(raw: &str) -> Registry {
        let s = raw.trim();
        let s = s
            .strip_prefix("docker://")
            .or_else(|| s.strip_prefix("oci://"))
            .unwrap_or(s);
        if s.is_empty() {
            return Registry::Unknown;
        }
        let first = s.split('/').next().unwrap_or_default();
        if first.contains('$') {
            return Registry::Unknown;
        }
        if s.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost") {
            Registry::Known(normalize_host(first))
        } else {
            Registry::Known(crate::host::DOCKER_HUB.into())
        }
    }

    pub fn display(&self) -> String {
        match self {
            Registry::Known(h) => h.clone(),
            Registry::Unknown => "?".into(),
        }
    }
}

fn normalize_host(host: &str) -> String {
    crate::host::Host::parse(host).name().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_of_references() {
        assert_eq!(
            Registry::of_reference("ghcr.io/o/n:1"),
            Registry::Known("ghcr.io".into())
        );
        assert_eq!(
            Registry::of_reference("GHCR.IO/o/n"),
            Registry::Known("ghcr.io".into())
        );
        assert_eq!(
            Registry::of_reference("o/n"),
            Registry::Known(crate::host::DOCKER_HUB.into())
        );
        assert_eq!(
            Registry::of_reference("nginx"),
            Registry::Known(crate::host::DOCKER_HUB.into())
        );
        assert_eq!(
            Registry::of_reference("localhost:5000/n"),
            Registry::Known("localhost:5000".into())
        );
        assert_eq!(
            Registry::of_reference("${{ env.R }}/o/n"),
            Registry::Unknown
        );
        assert_eq!(
            Registry::of_reference("docker://ghcr.io/o/n"),
            Registry::Known("ghcr.io".into())
        );
        assert_eq!(
            Registry::of_server("https://index.docker.io/v1/"),
            Registry::Known(crate::host::DOCKER_HUB.into())
        );
    }
}
