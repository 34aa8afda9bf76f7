//! Registry families, recognised by host name.

use super::Signal;

/// A registry family, recognised by host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    Ghcr,
    DockerHub,
    Gitlab,
    Quay,
    Ecr,
    Google,
    Acr,
    /// OpenShift's integrated registry, whose password is the user's expiring session token.
    Openshift,
}

impl Host {
    pub(super) const ALL: [Host; 8] = [
        Host::Ghcr,
        Host::DockerHub,
        Host::Gitlab,
        Host::Quay,
        Host::Ecr,
        Host::Google,
        Host::Acr,
        Host::Openshift,
    ];

    /// Fragments (lowercase) that name the family in a log line.
    pub(super) fn needles(self) -> &'static [&'static str] {
        match self {
            Host::Ghcr => &["ghcr.io", "docker.pkg.github.com"],
            Host::DockerHub => &["docker.io", "docker hub", "hub.docker.com"],
            Host::Gitlab => &["registry.gitlab.com", "gitlab"],
            Host::Quay => &["quay.io"],
            Host::Ecr => &[".dkr.ecr.", "ecr.aws"],
            // Container Registry's refusals point at its own documentation.
            Host::Google => &[
                "gcr.io",
                "-docker.pkg.dev",
                "artifactregistry.",
                "cloud.google.com/container-registry/",
            ],
            Host::Acr => &[".azurecr.io", "aka.ms/acr/"],
            Host::Openshift => &[
                "openshift-image-registry",
                "docker-registry.default.svc",
                "docker-registry-default.",
            ],
        }
    }

    /// The signal that names this family.
    pub fn signal(self) -> Signal {
        match self {
            Host::Ghcr => Signal::HostGhcr,
            Host::DockerHub => Signal::HostDockerhub,
            Host::Gitlab => Signal::HostGitlab,
            Host::Quay => Signal::HostQuay,
            Host::Ecr => Signal::HostEcr,
            Host::Google => Signal::HostGoogle,
            Host::Acr => Signal::HostAcr,
            Host::Openshift => Signal::HostOpenshift,
        }
    }

    /// The family named first in `text` (any case), if any.
    pub fn detect(text: &str) -> Option<Host> {
        let lower = text.to_ascii_lowercase();
        Host::ALL
            .into_iter()
            .filter_map(|h| {
                h.needles()
                    .iter()
                    .filter_map(|n| lower.find(n))
                    .min()
                    .map(|pos| (pos, h))
            })
            .min_by_key(|(pos, _)| *pos)
            .map(|(_, h)| h)
    }

    pub(super) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}
