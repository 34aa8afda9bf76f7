//! Lines that are not a registry's failure although their words are: the docker CLI reaching
//! its own daemon, requests to hosts that serve packages or source, classic Helm chart
//! repositories; and the code word a registry's answer leads with.

use super::Host;

/// True when the line is the docker CLI failing to reach its own daemon (`error during
/// connect: Post http://docker:2375/v1.40/auth: dial tcp: lookup docker ...`, `Cannot connect
/// to the Docker daemon`): a network error there is about the daemon's socket or host, not a
/// registry, even inside `docker login` or `docker pull`.
pub(super) fn is_daemon_connection(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if lower.contains("error during connect")
        || lower.contains("an error occurred trying to connect")
        || lower.contains("cannot connect to the docker daemon")
        || lower.contains("error forwarding raw stream")
    {
        return true;
    }
    // podman's remote client (`Error: failed to connect: dial tcp 127.0.0.1:60219: ...`): a
    // loopback connection with no URL on the line is the client reaching its own machine or
    // service; a registry request names its URL.
    let loopback = lower.contains("dial tcp 127.") || lower.contains("dial tcp [::1]");
    loopback && !lower.contains("http://") && !lower.contains("https://")
}

/// True when the line (without its timestamp) starts with `unauthorized:` or `denied:`: the
/// way docker, podman and buildx print the error a registry answered, code word first.
pub(super) fn leads_with_code(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let rest = &body[start..];
    [&b"unauthorized:"[..], &b"denied:"[..]]
        .iter()
        .any(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))
}

/// Hosts that serve downloads, source or package indexes, never images: a network error on a
/// request to them is not a registry's, even inside a container tool's output (`podman machine
/// init` downloading its OS image from github.com).
pub(super) const NOT_REGISTRY_HOSTS: &[&str] = &[
    "github.com",
    "api.github.com",
    "npm.pkg.github.com",
    "maven.pkg.github.com",
    "nuget.pkg.github.com",
    "rubygems.pkg.github.com",
    "repo.maven.apache.org",
    "repo1.maven.org",
    "proxy.golang.org",
    "objects.githubusercontent.com",
    "raw.githubusercontent.com",
    "download.docker.com",
    "get.docker.com",
    "pypi.org",
    "files.pythonhosted.org",
    "registry.npmjs.org",
    "deb.debian.org",
    "archive.ubuntu.com",
];

/// True when the line's first URL comes before the matched message: the request that failed,
/// not a link printed after the error (`denied: ... See https://github.com/...`).
pub(super) fn url_before(line: &str, matched: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let Some(url) = lower.find("://") else {
        return false;
    };
    lower
        .find(&matched.to_ascii_lowercase())
        .is_none_or(|at| url < at)
}

/// How many lines after a request to a host that is not a registry its error may follow.
pub(super) const NON_REGISTRY_LINES: usize = 2;

/// True when the first URL on the line goes to one of [`NOT_REGISTRY_HOSTS`] and the line
/// names no registry (a documentation link after a registry's error is not a request).
pub(super) fn requests_non_registry_host(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if lower.contains("/v2/") || Host::detect(&lower).is_some() {
        return false;
    }
    let Some(i) = lower.find("://") else {
        return false;
    };
    let host = lower[i + 3..]
        .split(['/', ':', '"', '\'', ' '])
        .next()
        .unwrap_or_default();
    NOT_REGISTRY_HOSTS.contains(&host)
}

/// True when the line is about a classic Helm chart repository (an `index.yaml` and `.tgz`
/// archives served over plain HTTP), not an OCI registry: `helm repo add` and `helm dependency
/// update` failures name the index or the archive. A chart in a registry is `oci://...`.
pub(super) fn is_chart_repository(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if lower.contains("oci://") || lower.contains("/v2/") {
        return false;
    }
    lower.contains("index.yaml") || lower.contains(".tgz") || lower.contains("chart repositor")
}
