//! Registry hosts: the one model of a registry's names. A [`Host`] knows its canonical name,
//! the host its API answers on, the hosts its token service may live on, the aliases that
//! name the same registry, whether it is GitHub's, and the well-known host a near miss
//! probably meant.
//!
//! References, credentials (docker's config keys and helpers), the registry session (API
//! host, token realm) and the workflow reader all ask this module, so that `index.docker.io`,
//! `registry-1.docker.io` and `https://index.docker.io/v1/` are Docker Hub everywhere.

use std::borrow::Cow;
use std::fmt;

/// A registry the tool knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// The canonical name (`docker.io`).
    pub name: &'static str,
    /// The host the distribution API answers on (`registry-1.docker.io`).
    pub api: &'static str,
    /// Other hosts the registry's token service lives on (`auth.docker.io`).
    pub realms: &'static [&'static str],
    /// Other names of the same registry, as references, docker's config keys and workflows
    /// write them.
    pub aliases: &'static [&'static str],
    /// The key docker uses for the registry in `config.json` and with credential helpers,
    /// when it is not the name.
    pub server: Option<&'static str>,
    /// GitHub's registry: its answers name GitHub token causes.
    pub github: bool,
    /// A registry that no longer serves images, and where they went.
    pub moved_to: Option<&'static str>,
    /// A name users often mean and mistype: near misses of it are reported.
    pub typo_target: bool,
}

impl Known {
    const fn plain(name: &'static str) -> Known {
        Known {
            name,
            api: name,
            realms: &[],
            aliases: &[],
            server: None,
            github: false,
            moved_to: None,
            typo_target: false,
        }
    }
}

/// Docker Hub's canonical name.
pub const DOCKER_HUB: &str = "docker.io";

/// GitHub's container registry.
pub const GHCR: &str = "ghcr.io";

/// The registries the tool knows. Hosts that are one or two edits from a typo target but
/// are real registries of their own are listed so they are never taken for a near miss.
pub const KNOWN: &[Known] = &[
    Known {
        github: true,
        typo_target: true,
        ..Known::plain(GHCR)
    },
    Known {
        api: "registry-1.docker.io",
        realms: &["auth.docker.io"],
        aliases: &[
            "index.docker.io",
            "registry-1.docker.io",
            "registry.docker.io",
            "registry.hub.docker.com",
        ],
        server: Some("https://index.docker.io/v1/"),
        typo_target: true,
        ..Known::plain(DOCKER_HUB)
    },
    Known {
        github: true,
        moved_to: Some(GHCR),
        ..Known::plain("docker.pkg.github.com")
    },
    Known {
        realms: &["gitlab.com"],
        ..Known::plain("registry.gitlab.com")
    },
    Known {
        typo_target: true,
        ..Known::plain("quay.io")
    },
    Known {
        typo_target: true,
        ..Known::plain("gcr.io")
    },
    Known::plain("mcr.microsoft.com"),
    Known::plain("public.ecr.aws"),
    Known::plain("registry.k8s.io"),
    Known::plain("nvcr.io"),
    Known::plain("lscr.io"),
    Known::plain("icr.io"),
    Known::plain("cgr.dev"),
    Known::plain("container-registry.oracle.com"),
];

/// The domains registries are served under with the customer's own name first
/// (`NAME.azurecr.io`, Azure Container Registry's login server). The sovereign clouds'
/// domains (`azurecr.cn`, `azurecr.us`) are two edits away and are never taken for a near
/// miss.
const TENANT_DOMAINS: &[&str] = &["azurecr.io"];

/// A registry host as a reference, a config key or a workflow names it, reduced to its
/// canonical form: lower case, scheme and path dropped (docker's `ConvertToHostname`), an
/// alias replaced by its registry's name. The port is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Host {
    name: String,
}

impl Host {
    /// The host `text` names: `ghcr.io`, `https://ghcr.io/v1/`, `GHCR.IO`, podman's
    /// `ghcr.io/owner`, `https://index.docker.io/v1/` (Docker Hub).
    pub fn parse(text: &str) -> Host {
        let lower = text.trim().to_ascii_lowercase();
        let rest = ["https://", "http://", "oci://", "docker://"]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
        let host = rest.split('/').next().unwrap_or_default();
        let name = match known_by_alias(host) {
            Some(k) => k.name.to_owned(),
            None => host.to_owned(),
        };
        Host { name }
    }

    /// The canonical name (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name without its port (`[::1]:5000` → `[::1]`).
    pub fn hostname(&self) -> &str {
        strip_port(&self.name)
    }

    /// What the tool knows about this registry, when it is a well-known one.
    pub fn known(&self) -> Option<&'static Known> {
        KNOWN.iter().find(|k| k.name == self.name)
    }

    /// The host (and port) the distribution API answers on.
    pub fn api_host(&self) -> &str {
        self.known().map_or(self.name.as_str(), |k| k.api)
    }

    /// True when `realm_host` (a token service's host, no port) belongs to this registry:
    /// its own host, its API host or a known token service host.
    pub fn owns_realm(&self, realm_host: &str) -> bool {
        let realm = realm_host.to_ascii_lowercase();
        realm == self.hostname()
            || realm == strip_port(self.api_host())
            || self
                .known()
                .is_some_and(|k| k.realms.contains(&realm.as_str()))
    }

    /// True for GitHub's registries (ghcr.io and the retired docker.pkg.github.com).
    pub fn is_github(&self) -> bool {
        let host = self.hostname();
        KNOWN.iter().any(|k| k.github && k.name == host) || host.ends_with(".ghcr.io")
    }

    /// True for ghcr.io, the GitHub registry GitHub's API speaks for.
    pub fn is_ghcr(&self) -> bool {
        self.hostname() == GHCR
    }

    /// True for Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.name == DOCKER_HUB
    }

    /// The key docker uses for this registry in `config.json` and with credential helpers.
    pub fn server_address(&self) -> &str {
        self.known()
            .and_then(|k| k.server)
            .unwrap_or(self.name.as_str())
    }

    /// Where a retired registry's images went (`docker.pkg.github.com` → `ghcr.io`).
    pub fn moved_to(&self) -> Option<&'static str> {
        self.known().and_then(|k| k.moved_to)
    }

    /// The well-known registry this host is probably a typo of: one or two edits away
    /// (letters swapped, added, dropped or replaced; one edit for short names), not a
    /// registry of its own, no port. A near miss of a tenant domain names the customer's host
    /// as meant (`NAME.azureacr.io`: `NAME.azurecr.io`).
    pub fn likely_typo_of(&self) -> Option<Cow<'static, str>> {
        if self.known().is_some() || self.name.contains(':') || !self.name.contains('.') {
            return None;
        }
        KNOWN
            .iter()
            .filter(|k| k.typo_target)
            .filter_map(|k| {
                let d = edit_distance(&self.name, k.name);
                let limit = if k.name.len() <= 6 { 1 } else { 2 };
                (d > 0 && d <= limit).then_some((d, k.name))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, name)| name)
            .or_else(|| half_remembered(&self.name))
            .or_else(|| last_label_dropped(&self.name))
            .map(Cow::Borrowed)
            .or_else(|| tenant_domain_near_miss(&self.name).map(Cow::Owned))
    }
}

/// The known registry `name` is with its last label dropped (`container-registry.oracle` for
/// `container-registry.oracle.com`): a name that still has a dot is taken for a host by
/// docker, and a top-level domain of that name may well exist and answer.
fn last_label_dropped(name: &str) -> Option<&'static str> {
    KNOWN.iter().map(|k| k.name).find(|known| {
        known
            .rsplit_once('.')
            .is_some_and(|(head, _)| head == name && head.contains('.'))
    })
}

/// The customer's host `name` was meant to be when it ends with a near miss of a tenant
/// domain, one edit away (`NAME.azurecr.io` for `NAME.azureacr.io`), with the customer's part
/// before it (it may be a placeholder left empty: `[name].azureacr.io`).
fn tenant_domain_near_miss(name: &str) -> Option<String> {
    let mut labels = name.rsplitn(3, '.');
    let (Some(top), Some(second), Some(tenant)) = (labels.next(), labels.next(), labels.next())
    else {
        return None;
    };
    let domain = format!("{second}.{top}");
    TENANT_DOMAINS
        .iter()
        .find(|d| edit_distance(&domain, d) == 1)
        .map(|d| format!("{tenant}.{d}"))
}

/// The known registry `name` half remembers: the same first and last labels and a middle
/// label that starts the same way but goes on differently (`mcr.microservice.com` for
/// `mcr.microsoft.com`, `index.dockerhub.io` for `index.docker.io`). Too many edits for a
/// slip of the finger, but the name no one else would pick for a registry of their own.
fn half_remembered(name: &str) -> Option<&'static str> {
    /// Letters the middle labels must share from their start.
    const SHARED: usize = 4;
    let labels: Vec<&str> = name.split('.').collect();
    let [first, middle, last] = labels[..] else {
        return None;
    };
    KNOWN.iter().find_map(|k| {
        std::iter::once(k.name)
            .chain(k.aliases.iter().copied())
            .any(|known| {
                let known: Vec<&str> = known.split('.').collect();
                let [k_first, k_middle, k_last] = known[..] else {
                    return false;
                };
                let shared = middle
                    .bytes()
                    .zip(k_middle.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                first == k_first && last == k_last && middle != k_middle && shared >= SHARED
            })
            .then_some(k.name)
    })
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

fn known_by_alias(host: &str) -> Option<&'static Known> {
    KNOWN
        .iter()
        .find(|k| k.name == host || k.aliases.contains(&host))
}

/// `host` without a trailing `:PORT` (`[::1]:5000` → `[::1]`, `ghcr.io` unchanged).
pub fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map_or(host, |(h, _)| &host[..=h.len()]);
    }
    match host.rsplit_once(':') {
        Some((h, port)) if port.parse::<u16>().is_ok() || port.is_empty() => h,
        _ => host,
    }
}

/// Edits between `a` and `b`: insertions, deletions, replacements and swaps of neighbours
/// (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_name_is_one_host() {
        for form in [
            "ghcr.io",
            "GHCR.IO",
            "https://ghcr.io",
            "https://ghcr.io/v1/",
            "ghcr.io/owner/app",
        ] {
            assert_eq!(Host::parse(form).name(), "ghcr.io", "{form}");
        }
        for form in [
            "docker.io",
            "index.docker.io",
            "registry-1.docker.io",
            "registry.docker.io",
            "registry.hub.docker.com",
            "https://index.docker.io/v1/",
        ] {
            let h = Host::parse(form);
            assert!(h.is_docker_hub(), "{form}");
            assert_eq!(h.api_host(), "registry-1.docker.io");
            assert_eq!(h.server_address(), "https://index.docker.io/v1/");
        }
        assert_eq!(Host::parse("127.0.0.1:5000").api_host(), "127.0.0.1:5000");
        assert_eq!(
            Host::parse("127.0.0.1:5000").server_address(),
            "127.0.0.1:5000"
        );
    }

    #[test]
    fn github_registries() {
        assert!(Host::parse("ghcr.io").is_github());
        assert!(Host::parse("GHCR.IO").is_github());
        assert!(Host::parse("ghcr.io:443").is_github());
        assert!(Host::parse("docker.pkg.github.com").is_github());
        assert!(!Host::parse("docker.pkg.github.com").is_ghcr());
        assert!(!Host::parse("docker.io").is_github());
        assert!(!Host::parse("ghcr.io.evil.example").is_github());
        assert!(!Host::parse("127.0.0.1:5000").is_github());
    }

    #[test]
    fn realm_hosts() {
        let hub = Host::parse("docker.io");
        assert!(hub.owns_realm("auth.docker.io"));
        assert!(hub.owns_realm("registry-1.docker.io"));
        assert!(Host::parse("registry.gitlab.com").owns_realm("gitlab.com"));
        assert!(Host::parse("127.0.0.1:5000").owns_realm("127.0.0.1"));
        assert!(!Host::parse("quay.io").owns_realm("auth.docker.io"));
        assert!(!Host::parse("ghcr.io").owns_realm("evil.example"));
    }

    #[test]
    fn near_misses_name_the_likely_host() {
        for (typo, meant) in [
            ("ghrc.io", "ghcr.io"),
            ("gchr.io", "ghcr.io"),
            ("ghcr.com", "ghcr.io"),
            ("ghcr.oi", "ghcr.io"),
            ("docker.oi", "docker.io"),
            ("dokcer.io", "docker.io"),
            ("docker.com", "docker.io"),
            ("qauy.io", "quay.io"),
            ("mcr.microservice.com", "mcr.microsoft.com"),
            ("index.dockerhub.io", "docker.io"),
            ("container-registry.oracle", "container-registry.oracle.com"),
            ("myregistry.azureacr.io", "myregistry.azurecr.io"),
            ("myregistry.azurcr.io", "myregistry.azurecr.io"),
        ] {
            assert_eq!(
                Host::parse(typo).likely_typo_of().as_deref(),
                Some(meant),
                "{typo}"
            );
        }
        for real in [
            "ghcr.io",
            "gcr.io",
            "nvcr.io",
            "lscr.io",
            "icr.io",
            "quay.io",
            "docker.io",
            "index.docker.io",
            "registry.example",
            "localhost:5000",
            "ghcr.io:5000",
            "127.0.0.1:5000",
            "us.gcr.io",
            "mcr.microsoft.com",
            "registry.gitlab.example.com",
            "registry.gitlab.cn",
            "registry.k8s.io",
            "public.ecr.aws",
            "quay.example.io",
            "container-registry.oracle.com",
            "myregistry.azurecr.io",
            "myregistry.azurecr.cn",
            "myregistry.azurecr.us",
            "registry.gitlab.cn",
            "azureacr.io",
        ] {
            assert_eq!(Host::parse(real).likely_typo_of(), None, "{real}");
        }
        assert_eq!(
            Host::parse("docker.pkg.github.com").moved_to(),
            Some("ghcr.io")
        );
        assert_eq!(Host::parse("ghcr.io").moved_to(), None);
    }

    #[test]
    fn ports_are_stripped_only_when_numeric() {
        assert_eq!(strip_port("[::1]:5000"), "[::1]");
        assert_eq!(strip_port("ghcr.io:443"), "ghcr.io");
        assert_eq!(strip_port("ghcr.io"), "ghcr.io");
    }

    #[test]
    fn edits() {
        assert_eq!(edit_distance("ghcr.io", "ghrc.io"), 1);
        assert_eq!(edit_distance("ghcr.io", "ghcr.com"), 2);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
