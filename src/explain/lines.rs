//! Lines that are not a registry's failure although their words are: the docker CLI reaching
//! its own daemon, requests to hosts that serve packages or source, classic Helm chart
//! repositories; and the code word a registry's answer leads with.

use super::{Host, scan};
use crate::reference::RawReference;
use std::sync::OnceLock;

/// True when the line is the docker CLI failing to reach its own daemon (`error during
/// connect: Post http://docker:2375/v1.40/auth: dial tcp: lookup docker ...`, `Cannot connect
/// to the Docker daemon`): a network error there is about the daemon's socket or host, not a
/// registry, even inside `docker login` or `docker pull`. So is crictl reaching the runtime's
/// CRI endpoint and any client reaching a Kubernetes API server.
pub(super) fn is_daemon_connection(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    if lower.contains("error during connect")
        || lower.contains("an error occurred trying to connect")
        || lower.contains("cannot connect to the docker daemon")
        || lower.contains("error forwarding raw stream")
    {
        return true;
    }
    // A Unix socket or a Windows named pipe (`dial unix docker.raw.sock: connect: connection
    // refused`, `open //./pipe/docker_engine`) reaches a local service (the daemon, Docker
    // Desktop's backend, containerd), never a registry, which is reached over TCP.
    if lower.contains("dial unix ") || lower.contains("//./pipe/") {
        return true;
    }
    // podman's remote client (`Error: failed to connect: dial tcp 127.0.0.1:60219: ...`): a
    // loopback connection with no URL on the line is the client reaching its own machine or
    // service; a registry request names its URL.
    let loopback = lower.contains("dial tcp 127.") || lower.contains("dial tcp [::1]");
    if loopback && !lower.contains("http://") && !lower.contains("https://") {
        return true;
    }
    reaches_runtime_endpoint(&lower) || requests_kubernetes_api(&lower)
}

/// True when the (lowercase) line is crictl failing to reach the container runtime's CRI
/// endpoint: `connect endpoint 'unix:///run/containerd/containerd.sock', make sure you are
/// running as root and the endpoint has been started: ...` (cri-tools `getConnection`), or the
/// older `failed to connect: failed to connect: context deadline exceeded`, a gRPC dial
/// that names no address because it blocks until its timeout. A registry request names its
/// URL or the address it dialled; a connect error that names neither is the local endpoint,
/// and so is a line naming a `unix:///` socket and no URL.
fn reaches_runtime_endpoint(lower: &str) -> bool {
    let url = lower.contains("http://") || lower.contains("https://");
    if lower.contains("make sure you are running as root and the endpoint has been started")
        || (lower.contains("unix:///") && !url)
    {
        return true;
    }
    lower.contains("failed to connect: ")
        && !lower.contains("://")
        && !lower.contains("dial tcp")
        && !lower.contains("lookup ")
        && !lower.contains("failed to connect to ")
}

/// True when the (lowercase) line's request goes to a Kubernetes API server: its resource
/// paths (`/api/v1/namespaces/...`, `/api/v1/nodes`, `/apis/GROUP/...`, the discovery
/// `/api?timeout=`), as client-go and kubectl print a failed request (`Get
/// http://localhost:8080/api/v1/namespaces/kube-system/pods?...: dial tcp 127.0.0.1:8080:
/// connect: connection refused`, helm 2 with no kubeconfig; helm 3's `Kubernetes cluster
/// unreachable: Get "http://localhost:8080/version?timeout=32s": ...`), or kubectl's own `The
/// connection to the server HOST was refused`. The cluster's API is not a registry, whatever
/// tool (helm, a deploy step) made the request.
fn requests_kubernetes_api(lower: &str) -> bool {
    if lower.contains("the connection to the server ")
        || lower.contains("kubernetes cluster unreachable")
    {
        return true;
    }
    if lower.contains("/v2/") {
        return false;
    }
    lower.match_indices("://").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let Some(slash) = rest.find(['/', ' ', '"', '\'']) else {
            return false;
        };
        let path = &rest[slash..];
        [
            "/api/v1/namespaces",
            "/api/v1/nodes",
            "/api/v1/pods",
            "/apis/",
            "/api?",
            "/version?",
        ]
        .iter()
        .any(|p| path.starts_with(p))
    })
}

/// True when the line's request goes to the Docker Engine API (`GET
/// https://192.168.99.100:2376/v1.22/images/create?...`: a versioned `/vN.NN/` path on the
/// daemon's port), the CLI talking to its own daemon, never to a registry (whose API is
/// `/v2/`, its old one `/v1/`): whatever refused it (a proxy's `Tunnel or SSL Forbidden`, the
/// daemon's TLS) is not a registry's answer.
pub(super) fn requests_engine_api(line: &str) -> bool {
    if line.contains("/v2/") {
        return false;
    }
    line.match_indices("://").any(|(i, _)| {
        let rest = &line[i + 3..];
        let host_end = rest
            .find(|c: char| c == '/' || c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        // The daemon's own ports (2375 plain, 2376 TLS).
        let host = &rest[..host_end];
        if !host.ends_with(":2375") && !host.ends_with(":2376") {
            return false;
        }
        let Some(path) = rest[host_end..].strip_prefix("/v") else {
            return false;
        };
        let version = path.split('/').next().unwrap_or("");
        let mut parts = version.split('.');
        let (Some(major), Some(minor), None) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        path.len() > version.len()
            && !major.is_empty()
            && !minor.is_empty()
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.bytes().all(|b| b.is_ascii_digit())
    })
}

/// True when `line` is the usage hint a registry client's command line prints under a usage
/// error (`See 'docker login --help'.`, `See 'podman push --help'`): cobra, which docker,
/// podman, nerdctl, buildah and skopeo build their commands with, names the command there and
/// only there, so the error on the line before (`flag needs an argument: 'p' in -p`, a
/// `-p $PASSWORD` whose variable was empty) is that command's: a login, a push or a pull.
pub(super) fn is_registry_usage_hint(line: &[u8]) -> bool {
    // Asked of every line: the searcher is built once.
    static HELP: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let help = HELP.get_or_init(|| memchr::memmem::Finder::new(b"--help'"));
    if help.find(line).is_none() {
        return false;
    }
    let cleaned = super::scan::clean(line).trim().to_ascii_lowercase();
    let Some(inner) = cleaned
        .strip_prefix("see '")
        .and_then(|rest| rest.strip_suffix('.').or(Some(rest)))
        .and_then(|rest| rest.strip_suffix("--help'"))
    else {
        return false;
    };
    let mut words = inner.split_whitespace();
    matches!(
        words.next(),
        Some("docker" | "podman" | "nerdctl" | "buildah" | "skopeo" | "finch")
    ) && words.any(|w| matches!(w, "login" | "push" | "pull"))
}

/// Kubernetes' words for a pull it backs off from and retries later (`ImagePullBackOff` in
/// `kubectl get pods`, `Back-off pulling image "REF"` in a pod's events), lowercase: they carry
/// no reason of their own.
pub(super) const KUBELET_BACKOFF: [&str; 2] = ["imagepullbackoff", "back-off pulling image"];

/// Kubernetes' words for a failed image pull, lowercase: its error events and its back-off.
const KUBELET_PULL_FAILURE: [&str; 4] = [
    "errimagepull",
    "failed to pull image",
    KUBELET_BACKOFF[0],
    KUBELET_BACKOFF[1],
];

/// True when the line is Kubernetes' report of a failed image pull (`Error: ErrImagePull`,
/// `Failed to pull image "..."`, `Back-off pulling image`, `ImagePullBackOff`): the kubelet
/// prints it right under the runtime's error, so the line before it was registry work even
/// when it names no registry (`dial tcp: lookup HOST: no such host`).
pub(super) fn is_kubelet_pull_failure(line: &[u8]) -> bool {
    // Every line is asked (it is the line after the one being read): each wording holds
    // `ull` (`Pull`, `pull`, `pulling`), found without a copy by a searcher built once; the
    // rare line that holds it is lowered and searched.
    static ULL: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let ull = ULL.get_or_init(|| memchr::memmem::Finder::new(b"ull"));
    if ull.find(line).is_none() {
        return false;
    }
    let lower = line.to_ascii_lowercase();
    KUBELET_PULL_FAILURE
        .iter()
        .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
}

/// True when the line (without its timestamp) starts with `unauthorized:` or `denied:`: the
/// way docker, podman and buildx print the error a registry answered, code word first. A
/// logrus level tag before it (`ERRO[0001] UNAUTHORIZED: "authentication required"`, as
/// kaniko, skopeo and older docker print their errors on a terminal) is not part of the
/// message.
pub(super) fn leads_with_code(body: &[u8]) -> bool {
    leads_with_any(
        without_level_tag(body),
        &[
            b"unauthorized:",
            b"denied:",
            // The docker client's print of a registry's 401 whose code it does not know
            // (Artifactory, Nexus: `unknown: Authentication is required`).
            b"unknown: authentication is required",
        ],
    )
}

/// The line past a logrus level tag of the terminal format (`INFO[0000] `, `ERRO[0001] `,
/// `FATA[0002] `: four capitals and the seconds since start in brackets), or the line as
/// it is.
fn without_level_tag(body: &[u8]) -> &[u8] {
    let rest = body.trim_ascii_start();
    if rest.len() <= 6 || !rest[..4].iter().all(u8::is_ascii_uppercase) || rest[4] != b'[' {
        return body;
    }
    match rest[5..].iter().position(|&b| b == b']') {
        Some(n) if n > 0 && rest[5..5 + n].iter().all(u8::is_ascii_digit) => &rest[5 + n + 1..],
        _ => body,
    }
}

/// True when the line, past its leading whitespace, starts with one of `heads` (ASCII case
/// ignored).
fn leads_with_any(body: &[u8], heads: &[&[u8]]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    heads
        .iter()
        .any(|h| scan::starts_with_ignore_case(&body[start..], h))
}

/// Hosts that serve downloads, source or package indexes, never images: a network error on a
/// request to them is not a registry's, even inside a container tool's output (`podman machine
/// init` downloading its OS image from github.com).
pub(super) const NOT_REGISTRY_HOSTS: &[&str] = &[
    "github.com",
    "api.github.com",
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

/// True when the line is a system package manager's report of a repository it could not
/// read: apt's `E: Failed to fetch URL  404  Not Found` and `W: Failed to fetch ...`
/// (apt-pkg's acquire, `Failed to fetch %s  %s`), its per-item `Err:3 URL` and `Ign:3 URL`,
/// dnf's and yum's `Errors during downloading metadata for repository 'ID'`, `Failed to
/// download metadata for repo 'ID'` and `Cannot find a valid baseurl for repo`. A Debian,
/// Ubuntu or RPM repository is no container registry: its status or network error (an S3
/// bucket's `404`, `Connection timed out [IP: ...]`) names no registry cause, also when a
/// `docker build` step runs the package manager.
pub(super) fn is_package_repository_fetch(line: &str) -> bool {
    let body = line.trim_start();
    let b = body.as_bytes();
    let starts = |p: &[u8]| scan::starts_with_ignore_case(b, p);
    if starts(b"E: Failed to fetch ") || starts(b"W: Failed to fetch ") {
        return true;
    }
    // `Err:3 http://...` / `Ign:3 http://...`: apt's line per item it could not get.
    for head in [&b"Err:"[..], &b"Ign:"[..]] {
        if b.starts_with(head) {
            let rest = &b[head.len()..];
            let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && rest.get(digits) == Some(&b' ') {
                return true;
            }
        }
    }
    if ends_with_apt_address(body) {
        return true;
    }
    let lower = body.to_ascii_lowercase();
    [
        "errors during downloading metadata for repository",
        "failed to download metadata for repo",
        "cannot find a valid baseurl for repo",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// True when the line ends with the address apt appends to a failed item's reason (`  403
/// Forbidden [IP: 52.218.179.1 443]`, `Connection timed out [IP: 10.0.0.1 80]`): apt's
/// acquire progress prints `Err:N URI` and then, indented on a line of its own, the reason
/// with `[IP: ADDRESS PORT]` (apt-private/acqprogress.cc), so the status there is the package
/// repository's even when the `Err:` line came before it. No container client prints it.
fn ends_with_apt_address(body: &str) -> bool {
    let body = body.trim_end();
    let Some(inner) = body.strip_suffix(']') else {
        return false;
    };
    let Some(at) = inner.rfind("[IP: ") else {
        return false;
    };
    let mut parts = inner[at + 5..].split(' ');
    let (Some(address), Some(port), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !address.is_empty()
        && address
            .bytes()
            .all(|c| c.is_ascii_hexdigit() || c == b'.' || c == b':')
        && !port.is_empty()
        && port.bytes().all(|c| c.is_ascii_digit())
}

/// True when the reference a build could not parse is a Dockerfile's `FROM IMAGE AS STAGE`
/// read whole (`Error parsing reference: "maven:3-jdk-8 AS builder" is not a valid
/// repository/tag: invalid reference format`): a docker older than 17.05 knows no build
/// stages and takes the stage name for part of the reference. The registry never saw it;
/// the daemon's version is the cause, not the image's name.
pub(super) fn is_stage_name_read_as_reference(line: &str) -> bool {
    line.split('"').skip(1).step_by(2).any(|quoted| {
        let mut words = quoted.split_whitespace();
        matches!(
            (words.next(), words.next(), words.next(), words.next()),
            (Some(image), Some(as_), Some(stage), None)
                if as_.eq_ignore_ascii_case("as")
                    && !image.contains("://")
                    && !stage.contains(['/', ':'])
        )
    })
}

/// True when the line's failure is Go's OAuth2 token fetch for a request that is no registry
/// request (`Get https://storage.googleapis.com/BUCKET/context.tar.gz: oauth2: cannot fetch
/// token: Post https://accounts.google.com/o/oauth2/token: x509: ...`; golang.org/x/oauth2's
/// `oauth2: cannot fetch token: %v`): a cloud API client (a build context or a bucket read
/// from storage) failed to log in to the cloud, whatever the network error after it. A
/// registry request carries `/v2/`, and a registry's credential helper names itself
/// (`docker-credential-gcr/helper: could not retrieve GCR's access token: oauth2: ...`).
pub(super) fn is_cloud_api_token_failure(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let Some(at) = lower.find("oauth2: cannot fetch token") else {
        return false;
    };
    let before = &lower[..at];
    before.contains("://")
        && !before.contains("/v2/")
        && !before.contains("credential")
        && !before.contains("token?")
}

/// True when the client says it retries the request without the credential it sent (act's
/// `pulling image 'REF' (PLATFORM) failed with credentials ERR retrying without them, please
/// check for stale docker config files`, nektos/act pkg/container/docker_pull.go): the
/// refusal it quotes is not the step's failure; the anonymous retry's own error, if it fails,
/// is printed after it and read there.
pub(super) fn retries_without_credentials(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["retrying without them", "retrying without credentials"]
        .iter()
        .any(|w| lower.contains(w))
}

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

/// True when the first HTTP URL on the line goes to one of [`NOT_REGISTRY_HOSTS`] and the line
/// names no registry (a documentation link after a registry's error is not a request).
pub(super) fn requests_non_registry_host(line: &str) -> bool {
    // Most lines hold no URL at all: look for one before anything else.
    if memchr::memmem::find(line.as_bytes(), b"://").is_none() {
        return false;
    }
    let lower = line.to_ascii_lowercase();
    // Only a request over the network: `ko://github.com/o/cmd` is ko's name for a Go
    // package to build, not a request to GitHub.
    let Some(i) = lower
        .match_indices("://")
        .map(|(i, _)| i)
        .find(|&i| lower[..i].ends_with("http") || lower[..i].ends_with("https"))
    else {
        return false;
    };
    if lower.contains("/v2/") || Host::detect(&lower).is_some() {
        return false;
    }
    let host = lower[i + 3..]
        .split(['/', ':', '"', '\'', ' '])
        .next()
        .unwrap_or_default();
    // A tool's link for reporting a bug (jib's `If this is a bug, please file an issue at
    // https://github.com/GoogleContainerTools/jib/issues/new: 400 Bad Request`) is printed, not
    // requested: the status after it is the registry's.
    if host == "github.com" && is_issue_link(&lower[i + 3..]) {
        return false;
    }
    is_non_registry_host(host)
}

/// True when the line logs a request to a host that serves no images the way an HTTP client's
/// or a server's request log does, the method and protocol quoted after the host (urllib3's
/// debug line `https://HOST:443 "GET /PATH HTTP/1.1" 403 0`, a combined access log's `"GET
/// /PATH HTTP/1.1" 403`): the request that the status and the client's error under it belong
/// to.
pub(super) fn logs_non_registry_request(line: &str) -> bool {
    const METHODS: [&str; 6] = [
        "\"get /",
        "\"post /",
        "\"put /",
        "\"head /",
        "\"patch /",
        "\"delete /",
    ];
    let lower = line.to_ascii_lowercase();
    METHODS.iter().any(|m| {
        lower
            .find(m)
            .is_some_and(|at| lower[at..].contains(" http/"))
    }) && requests_non_registry_host(line)
}

/// True when the host (lowercase, without port) serves no images: one of
/// [`NOT_REGISTRY_HOSTS`], a GitHub Packages host of another ecosystem, an Artifact Registry
/// language-package host or an AWS service's API other than ECR's.
fn is_non_registry_host(host: &str) -> bool {
    NOT_REGISTRY_HOSTS.contains(&host)
        || is_packages_ecosystem_host(host)
        || is_artifact_registry_package_host(host)
        || is_aws_service_api_host(host)
}

/// Artifact Registry serves each repository format on a host of its own, `LOCATION-FORMAT.pkg.dev`:
/// only `-docker` serves images (and OCI charts); `-python` (and the older `-pypi`), `-npm`,
/// `-maven`, `-go`, `-apt`, `-yum`, `-kfp` and `-generic` serve language packages, OS packages,
/// pipeline templates and files, whose refusals (pip's `403 Client Error: Forbidden for url:
/// https://europe-pypi.pkg.dev/...`) are a package manager's.
fn is_artifact_registry_package_host(host: &str) -> bool {
    const FORMATS: [&str; 9] = [
        "python", "pypi", "npm", "maven", "go", "apt", "yum", "kfp", "generic",
    ];
    host.strip_suffix(".pkg.dev")
        .filter(|label| !label.contains('.'))
        .and_then(|label| label.rsplit_once('-'))
        .is_some_and(|(location, format)| !location.is_empty() && FORMATS.contains(&format))
}

/// AWS service endpoints are `SERVICE.REGION.amazonaws.com` (`.amazonaws.com.cn` in China) or,
/// for global services, `SERVICE.amazonaws.com`. ECR's are `api.ecr.REGION`, `ecr.REGION`,
/// `api.ecr-public.REGION` and `ACCOUNT.dkr.ecr.REGION`, and its layers come from S3; STS
/// issues the credential an ECR login exchanges. The APIs listed here (ECS, EC2, Lambda,
/// CloudFormation, ...) and CodeArtifact's package hosts (`DOMAIN-ACCOUNT.d.codeartifact.REGION`)
/// serve no images: a cloud CLI's failed request to them (`ecs-cli`'s `Post
/// https://ecs.REGION.amazonaws.com/: dial tcp: lookup ...: no such host`) is not a registry's.
fn is_aws_service_api_host(host: &str) -> bool {
    const SERVICES: [&str; 27] = [
        "ecs",
        "ec2",
        "lambda",
        "cloudformation",
        "logs",
        "ssm",
        "secretsmanager",
        "eks",
        "iam",
        "sqs",
        "sns",
        "dynamodb",
        "monitoring",
        "codebuild",
        "codepipeline",
        "codedeploy",
        "codecommit",
        "elasticloadbalancing",
        "autoscaling",
        "route53",
        "kms",
        "events",
        "states",
        "apprunner",
        "batch",
        "elasticbeanstalk",
        "servicediscovery",
    ];
    let Some(rest) = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    if rest.contains(".codeartifact.") {
        return true;
    }
    let mut labels = rest.split('.');
    let (Some(service), region, None) = (labels.next(), labels.next(), labels.next()) else {
        return false;
    };
    SERVICES.contains(&service)
        && region.is_none_or(|r| r.contains('-') && r.ends_with(|c: char| c.is_ascii_digit()))
}

/// True when the line prints a failed request to one of [`NOT_REGISTRY_HOSTS`] (or a GitHub
/// Packages host of another ecosystem) the way HTTP clients print one, the method before the
/// URL: go-github's `GET https://api.github.com/users/o: 401 Bad credentials []`, octokit's
/// `POST https://api.github.com/...: 403 - ...`. That request is what failed, even when a tool
/// wraps it in words about a registry and an image (jetstack/version-checker lists the tags of
/// a `ghcr.io/...` image through GitHub's packages API): unlike
/// [`requests_non_registry_host`], a registry named elsewhere on the line does not outweigh it.
pub(super) fn prints_failed_non_registry_request(line: &str) -> bool {
    const METHODS: [&str; 6] = ["get ", "post ", "put ", "patch ", "delete ", "head "];
    if memchr::memmem::find(line.as_bytes(), b"://").is_none() {
        return false;
    }
    let lower = line.to_ascii_lowercase();
    lower.match_indices("://").any(|(i, _)| {
        let Some(before) = lower[..i]
            .strip_suffix("https")
            .or_else(|| lower[..i].strip_suffix("http"))
        else {
            return false;
        };
        let before = before.trim_end_matches('"');
        if !METHODS.iter().any(|m| before.ends_with(m)) {
            return false;
        }
        let host = lower[i + 3..]
            .split(['/', ':', '"', '\'', ' '])
            .next()
            .unwrap_or_default();
        is_non_registry_host(host)
    })
}

/// True when the URL (from its host on) is a link for filing an issue (`github.com/OWNER/REPO
/// /issues/new`).
fn is_issue_link(url: &str) -> bool {
    let url = url
        .split([' ', '"', '\'', ')', '>', ','])
        .next()
        .unwrap_or_default()
        .trim_end_matches(':');
    url.ends_with("/issues/new") || url.contains("/issues/new?") || url.contains("/issues/new/")
}

/// The hosts of GitHub Packages end in `.pkg.github.com`, one per ecosystem (`npm.`, `maven.`,
/// `nuget.`, `rubygems.`, ...); only `docker.` (the old container registry, now ghcr.io) and
/// `containers.` serve images. A refusal from another one is a package manager's, not a
/// registry's, though GitHub Packages words it the same way for all of them.
pub(super) fn is_packages_ecosystem_host(host: &str) -> bool {
    host.strip_suffix(PACKAGES_HOST_SUFFIX)
        .is_some_and(|sub| !sub.is_empty() && !matches!(sub, "docker" | "containers"))
}

/// What every GitHub Packages host ends with.
const PACKAGES_HOST_SUFFIX: &str = ".pkg.github.com";

/// True when the line is a progress display's status cut to the terminal's width: docker
/// compose's TTY writer ends a status that does not fit with `...`, then prints the elapsed
/// time (`✘ web Error Head "https://ghcr.io/v2/o/n/manifests/latest": denied: den...  0.6s`),
/// so the registry's answer on that line may be incomplete.
pub(super) fn is_progress_cut(line: &str) -> bool {
    let Some((head, elapsed)) = line.trim_end().rsplit_once(char::is_whitespace) else {
        return false;
    };
    elapsed
        .strip_suffix('s')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        && head.trim_end().ends_with("...")
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

/// True when the chart repository is a registry's own: Harbor serves its ChartMuseum
/// repositories on the registry's host under `/chartrepo/PROJECT` (`helm repo add NAME
/// https://HOST/chartrepo/PROJECT`), so a network or certificate failure on that URL is the
/// registry host's (goharbor/harbor#12326, goharbor/harbor-helm#308); the repository's own
/// answers (`403 Forbidden`, `404 Not Found` for the index) stay the chart repository's.
pub(super) fn is_registry_chart_repository(line: &str) -> bool {
    const PATH: &[u8] = b"/chartrepo/";
    line.as_bytes()
        .windows(PATH.len())
        .any(|w| w.eq_ignore_ascii_case(PATH))
}

/// True when the line requests a classic chart repository's index or archive by its URL (`failed
/// to fetch https://charts.example.com/index.yaml :`), whose status helm may print on the next
/// line.
pub(super) fn requests_chart_repository(line: &str) -> bool {
    memchr::memmem::find(line.as_bytes(), b"://").is_some() && is_chart_repository(line)
}

/// True when the bytes `start..end` of `line` are a `/v2/` that is not the distribution API:
/// right after `/api` (NuGet's `/api/v2/FindPackagesById()`, a package feed's or a service's
/// REST API), or a URL path that goes on with no distribution route (`https://api.acme.example
/// /v2/items`: a service's own API, as a container prints it under `docker run`). The
/// distribution API is `/v2/` alone, `/v2/_catalog`, a token or auth endpoint, or
/// `/v2/NAME/` followed by `manifests`, `blobs`, `tags` or `referrers`, at the host's root or
/// under a repository path (`/artifactory/api/docker/REPO/v2/`). Under a repository path, a
/// single word after `/v2/` with no dot, colon or slash is a package feed's call, not a
/// registry's (`/_packaging/FEED/nuget/v2/FindPackagesById()`, as NuGet restore prints it).
/// A `manifests/` that holds a YAML or JSON file is Kubernetes manifests, not an image's.
pub(super) fn is_web_api_version(line: &[u8], start: usize, end: usize) -> bool {
    if is_manifest_file(line, start, end) {
        return true;
    }
    if !line
        .get(start..end)
        .is_some_and(|m| m.eq_ignore_ascii_case(b"/v2/"))
    {
        return false;
    }
    let api = b"/api";
    if start >= api.len() && line[start - api.len()..start].eq_ignore_ascii_case(api) {
        return true;
    }
    // Only a URL's path is judged (`https://HOST/v2/...`); a path quoted on its own
    // (`upload to /v2/team/app/blobs/uploads/`) keeps its meaning.
    let before = &line[..start];
    let host_start = memchr::memmem::rfind(before, b"://").map(|i| i + 3);
    let Some(host_start) = host_start else {
        return false;
    };
    let under_path = before[host_start..].contains(&b'/');
    if before[host_start..]
        .iter()
        .any(|b| matches!(b, b' ' | b'"' | b'\'' | b'<' | b'>'))
    {
        return false;
    }
    let path: Vec<u8> = line[end..]
        .iter()
        .take_while(|b| {
            !matches!(
                b,
                b' ' | b'"' | b'\'' | b'?' | b')' | b'>' | b'<' | b',' | b'`'
            )
        })
        .map(u8::to_ascii_lowercase)
        .collect();
    let path = path.strip_suffix(b":").unwrap_or(&path);
    let route = |r: &[u8]| memchr::memmem::find(path, r).is_some();
    let distribution = path.is_empty()
        || path.starts_with(b"_catalog")
        || path.starts_with(b"token")
        || path.starts_with(b"auth")
        // The old registry API reached through the new one's base (`/v2//v1/search`, as
        // clients that join a path to the `/v2/` endpoint send it).
        || path.starts_with(b"/v1/")
        || route(b"/manifests")
        || route(b"/blobs")
        || route(b"/tags/")
        || route(b"/referrers/");
    // Under a repository path (`/artifactory/api/docker/REPO/v2/`, a CDN's
    // `/docker/registry/v2/blobs/...`) the distribution API is known by its routes too; a
    // package feed's `/nuget/v2/FindPackagesById()` (Azure Artifacts, NuGet.Server) is not it.
    let under_path_distribution = path.starts_with(b"blobs/")
        || path.starts_with(b"manifests/")
        || path.starts_with(b"repositories/")
        || path.contains(&b'/')
        || path.contains(&b':')
        || path.contains(&b'.');
    if under_path {
        return !(distribution || under_path_distribution);
    }
    !distribution
}

/// True when the bytes `start..end` of `line` are `manifests/` as the directory of a file
/// (`manifests/registry.yaml`, `deploy/manifests/app.json`): Kubernetes manifests that
/// `kubectl apply -f` reads, not an image's manifest in a registry request, which names a tag
/// or digest after `manifests/`, never a YAML or JSON file.
fn is_manifest_file(line: &[u8], start: usize, end: usize) -> bool {
    if !line
        .get(start..end)
        .is_some_and(|m| m.eq_ignore_ascii_case(b"manifests/"))
    {
        return false;
    }
    let name: Vec<u8> = line[end..]
        .iter()
        .take_while(|b| !matches!(b, b' ' | b'"' | b'\'' | b'`' | b')' | b',' | b':'))
        .map(u8::to_ascii_lowercase)
        .collect();
    [&b".yaml"[..], b".yml", b".json"]
        .iter()
        .any(|ext| name.ends_with(ext))
        && !name.contains(&b'/')
}

/// True when the word at `start..end` of `text` is part of a longer name joined by `-` or
/// `_` (`registry-creds`, `docker_registry_password`, `manifest-tool`): a secret's, a
/// variable's or a program's name, not the word itself. A dot joins a host name
/// (`registry.example.com`), which is the word's meaning, so it does not count.
pub(super) fn part_of_name(text: &str, start: usize, end: usize) -> bool {
    let joined = |b: Option<&u8>| matches!(b, Some(b'-' | b'_'));
    let word = text.get(start..end).unwrap_or_default();
    word.bytes().all(|b| b.is_ascii_alphabetic())
        && (joined(start.checked_sub(1).and_then(|i| text.as_bytes().get(i)))
            || joined(text.as_bytes().get(end)))
}

/// The first bytes of every start [`starts_step`] accepts, compared as they are (case
/// matters): `##[group]` and BuildKit's `#N [...]`, `Run `, `Post job cleanup.`, `+ `, `$ `,
/// `[Pipeline] { (` and `Step `.
const STEP_FIRST_BYTES: [u8; 7] = [b'#', b'R', b'P', b'+', b'$', b'[', b'S'];

/// True when the line (without its timestamp) starts a step: a GitHub Actions step (`Run
/// ...`, `##[group]Run ...`, `Post job cleanup.`), a new command (a shell's `+ ` trace, a
/// `$ ` prompt, a Jenkins stage) or a build's `RUN` instruction (`Step 5/9 : RUN make test`,
/// BuildKit's `#8 [build 4/6] RUN npm ci`), whose output is the command's own. Registry work
/// before it lends no context to what the step prints; a step that itself shows registry work
/// (`+ docker push ...`) lends its own.
pub(super) fn starts_step(body: &[u8]) -> bool {
    // Every line is asked: most are answered by their first byte.
    if !body.first().is_some_and(|b| STEP_FIRST_BYTES.contains(b)) {
        return false;
    }
    let body = body.strip_prefix(b"##[group]").unwrap_or(body);
    if body.starts_with(b"Run ") || body.starts_with(b"Post job cleanup.") {
        return true;
    }
    // A new command: a shell's trace (`+ kubectl rollout ...`), GitLab's and a terminal's
    // prompt (`$ make deploy`), a Jenkins stage (`[Pipeline] { (Deploy)`).
    if body.starts_with(b"+ ") || body.starts_with(b"$ ") || body.starts_with(b"[Pipeline] { (") {
        return true;
    }
    let has = |needle: &[u8]| memchr::memmem::find(body, needle).is_some();
    // BuildKit's step header is `#N [STAGE] ...`; its progress lines (`#N 0.512 ...`) are
    // not looked into.
    let digits = body
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let buildkit = body.first() == Some(&b'#')
        && digits > 0
        && body.get(1 + digits..3 + digits) == Some(&b" ["[..])
        && has(b"] RUN ");
    (body.starts_with(b"Step ") && has(b" : RUN ")) || buildkit
}

/// True when the whole message (the line without its timestamp) is a Go socket error on an
/// HTTPS connection, with no request named (`read tcp 192.168.1.5:62377->204.79.197.219:443:
/// wsarecv: ...`, `write tcp 172.17.0.2:41332->140.82.112.33:443: write: connection reset by
/// peer`): the docker CLI and BuildKit print a layer transfer that broke mid-stream this way,
/// the socket's error alone, where other Go clients name the request before it (`Get
/// "https://...": read tcp ...`). A local service (the daemon's `:2375`, a database) is not on
/// port 443.
pub(super) fn is_bare_https_socket_error(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let rest = &body[start..];
    let Some(after) = rest
        .strip_prefix(b"read tcp ")
        .or_else(|| rest.strip_prefix(b"write tcp "))
    else {
        return false;
    };
    // `LOCAL->REMOTE:443: ...`
    let addrs = after.split(|b| *b == b' ').next().unwrap_or_default();
    let Some(arrow) = memchr::memmem::find(addrs, b"->") else {
        return false;
    };
    addrs[arrow + 2..].ends_with(b":443:")
}

/// The starts of a message that is nothing but Go's TLS failure: a certificate it could not
/// verify (`x509: certificate signed by unknown authority`; Go 1.20 and later put `tls: failed
/// to verify certificate: ` before it) or a plain-HTTP server where TLS was expected.
const BARE_TLS_ERRORS: [&[u8]; 3] = [
    b"x509: certificate ",
    b"tls: failed to verify certificate: x509: ",
    b"http: server gave http response to https client",
];

/// True when the whole message (the line without its timestamp) is one of Go's TLS failures
/// with no request named before it (the caller checks that the line before does not end after
/// a colon, as a message a page broke before `x509:` does): the docker CLI prints a notary
/// push's failure (after `Signing and pushing trust metadata`) this way, and a pasted registry
/// error is often cut to it. Every other tool names what it was doing first (kubectl's `Unable
/// to connect to the server: x509: ...`, an API client's `Get "https://...": x509: ...`), so
/// such a line names no registry.
pub(super) fn is_bare_tls_error(body: &[u8]) -> bool {
    leads_with_any(body, &BARE_TLS_ERRORS)
}

/// True when the message (the line without its timestamp) is Go's failed name lookup for a
/// dial, with no request named before it (`dial tcp: lookup HOST: no such host`, `dial tcp:
/// lookup HOST on 127.0.0.53:53: server misbehaving`): a pull error pasted on its own is often
/// cut to it (moby/moby#34138, coredns/coredns#4827, ROCm/gpu-operator#243). The caller reads
/// it so only when it is the whole log: in a longer log with nothing about an image around it
/// (a test's own connection, `FAIL example.com/app/store` after it), it names no registry.
pub(super) fn is_bare_lookup_error(body: &[u8]) -> bool {
    leads_with_any(body, &[b"dial tcp: lookup "])
}

/// True when the line is a git server's message (`remote: HTTP Basic: Access denied`): git
/// prints what the server says after `remote:`; a registry client never does. Jenkins' git
/// client plugin reports a failed git command's output after `stdout: ` and `stderr: `
/// (`hudson.plugins.git.GitException: Command "git fetch ..." returned status code 128:`,
/// then `stderr: remote: HTTP Basic: Access denied`), so the server's line may follow it.
pub(super) fn is_git_remote(cleaned: &str) -> bool {
    let line = cleaned
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("stderr: "))
        .map_or(cleaned, |_| &cleaned[8..]);
    line.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("remote:"))
}

/// The repository a docker pull ended with (`Status: Downloaded newer image for REF`,
/// `Status: Image is up to date for REF`), as the reference grammar reads it: `domain/path`,
/// without the tag or digest.
pub(crate) fn pulled_repository(cleaned: &str) -> Option<String> {
    // Asked of every line with a context trigger: the searchers are built once, not per call
    // (`str::find` builds one for each search).
    static DONE: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();
    let done = DONE.get_or_init(|| {
        [
            memchr::memmem::Finder::new(b"downloaded newer image for "),
            memchr::memmem::Finder::new(b"image is up to date for "),
        ]
    });
    let lower = cleaned.to_ascii_lowercase();
    let at = done
        .iter()
        .find_map(|w| w.find(lower.as_bytes()).map(|i| i + w.needle().len()))?;
    let image = cleaned.get(at..)?.split_whitespace().next()?;
    RawReference::parse(image).ok().map(|r| r.name())
}

/// The architecture of the image in the daemon's platform warning (`The requested image's
/// platform (linux/arm64/v8) does not match the detected host platform ...`): `arm64`.
pub(crate) fn warned_image_arch(cleaned: &str) -> Option<String> {
    const WARNING: &str = "the requested image's platform (";
    let at = cleaned.to_ascii_lowercase().find(WARNING)? + WARNING.len();
    let platform = cleaned.get(at..)?.split(')').next()?;
    // `os/arch[/variant]`; `image::manifest::Platform` reads the same, in a layer above this one.
    platform
        .split('/')
        .nth(1)
        .filter(|a| !a.is_empty())
        .map(str::to_ascii_lowercase)
}

/// True when `repository` (a reference's `domain/path`) names the architecture `arch` (Go's
/// name, as docker's platform gives it) as a word of its own (`quay.io/pypa/manylinux2014_aarch64`,
/// `arm64v8/alpine`, `example/tool-amd64`): an image its author builds for that architecture
/// alone, published under a name of its own per architecture.
pub(crate) fn named_for_arch(repository: &str, arch: &str) -> bool {
    let names: &[&str] = match arch {
        "arm64" => &["arm64", "aarch64", "arm64v8"],
        "amd64" => &["amd64", "x86_64", "x86-64"],
        "arm" => &[
            "arm", "armhf", "armel", "armv6", "armv7", "arm32v6", "arm32v7",
        ],
        "386" => &["386", "i386", "i686"],
        "ppc64le" => &["ppc64le"],
        "s390x" => &["s390x"],
        "riscv64" => &["riscv64"],
        _ => return false,
    };
    let repo = repository.to_ascii_lowercase();
    names.iter().any(|name| {
        repo.match_indices(name).any(|(i, m)| {
            let before = repo[..i].chars().next_back();
            let after = repo[i + m.len()..].chars().next();
            let edge = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
            edge(before) && edge(after)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_printed_with_its_method_to_a_host_without_images_is_not_a_registrys() {
        // go-github's print of a failed request, wrapped in a tool's words about an image.
        assert!(prints_failed_non_registry_request(
            "failed to get tags from remote registry for \"ghcr.io/o/app\": fetching owner type: fetching user: GET https://api.github.com/users/o: 401 Bad credentials []"
        ));
        assert!(prints_failed_non_registry_request(
            "failed to get Org Package Versions: GET https://api.github.com/orgs/o/packages/container/app/versions?package_type=container: 404 Not Found []"
        ));
        assert!(prints_failed_non_registry_request(
            "npm ERR! 403 403 Forbidden - PUT https://npm.pkg.github.com/@o%2fapp - Permission permission_denied: write_package"
        ));
        // A request to a registry is a registry's; a link to the API's documentation after a
        // registry's refusal is no request.
        assert!(!prints_failed_non_registry_request(
            "GET https://ghcr.io/v2/o/app/manifests/1: denied: permission_denied: write_package"
        ));
        assert!(!prints_failed_non_registry_request(
            "denied: permission_denied: write_package (see https://api.github.com/ for the packages API)"
        ));
    }

    #[test]
    fn a_package_managers_repository_is_no_registry() {
        for line in [
            "E: Failed to fetch https://cf-cli-debian-repo.s3.amazonaws.com/dists/stable/main/binary-all/Packages.lz4  404  Not Found",
            "W: Failed to fetch http://deb.example.org/dists/stable/Release  Connection timed out [IP: 34.193.240.80 80]",
            "Err:3 http://archive.ubuntu.com/ubuntu jammy InRelease",
            "Error: Failed to download metadata for repo 'appstream': Cannot prepare internal mirrorlist",
            "    403  Forbidden [IP: 52.218.179.1 443]",
            "  Connection timed out [IP: 2a04:4e42::644 80]",
        ] {
            assert!(is_package_repository_fetch(line), "{line}");
        }
        for line in [
            "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": net/http: request canceled",
            "ERROR: failed to fetch anonymous token: unexpected status: 401 Unauthorized",
            "Err: 401 Unauthorized",
            "denied: requested access to the resource is denied [IP: unknown]",
            "403 Forbidden [IP: 52.218.179.1 443] retrying",
        ] {
            assert!(!is_package_repository_fetch(line), "{line}");
        }
    }

    #[test]
    fn a_build_stage_name_read_as_a_reference_is_an_old_daemon() {
        assert!(is_stage_name_read_as_reference(
            "Error parsing reference: \"maven:3.5.4-jdk-8-alpine AS builder\" is not a valid repository/tag: invalid reference format"
        ));
        assert!(is_stage_name_read_as_reference(
            "Error parsing reference: \"golang:1.10 as build\" is not a valid repository/tag"
        ));
        for line in [
            "Error parsing reference: \"ghcr.io/Owner/app:latest\" is not a valid repository/tag: invalid reference format",
            "invalid reference format: \"ghcr.io/o/app: latest\"",
            "Error parsing reference: \"a as b c\" is not a valid repository/tag",
        ] {
            assert!(!is_stage_name_read_as_reference(line), "{line}");
        }
    }

    #[test]
    fn a_cloud_apis_oauth2_login_is_no_registry_request() {
        assert!(is_cloud_api_token_failure(
            "[kaniko] Error: Get https://storage.googleapis.com/b/context.tar.gz: oauth2: cannot fetch token: Post https://accounts.google.com/o/oauth2/token: x509: failed to load system roots and no roots provided"
        ));
        // A credential helper's token, and a registry request, are registry work.
        assert!(!is_cloud_api_token_failure(
            "error getting credentials - err: exit status 1, out: `docker-credential-gcr/helper: could not retrieve GCR's access token: oauth2: cannot fetch token: 400 Bad Request`"
        ));
        assert!(!is_cloud_api_token_failure(
            "Get https://gcr.io/v2/p/app/manifests/1: oauth2: cannot fetch token: Post https://oauth2.googleapis.com/token: dial tcp: i/o timeout"
        ));
    }

    #[test]
    fn a_pull_retried_without_credentials_is_not_the_failure() {
        assert!(retries_without_credentials(
            "pulling image 'docker.io/o/app:1' () failed with credentials Error response from daemon: Head \"https://registry-1.docker.io/v2/o/app/manifests/1\": unauthorized: incorrect username or password retrying without them, please check for stale docker config files"
        ));
        assert!(!retries_without_credentials(
            "Error response from daemon: Head \"https://registry-1.docker.io/v2/o/app/manifests/1\": unauthorized: incorrect username or password"
        ));
    }

    #[test]
    fn a_progress_status_cut_to_the_terminal_width() {
        assert!(is_progress_cut(
            r#" ✘ web Error Head "https://ghcr.io/v2/o/n/manifests/1": denied: de...      0.6s "#
        ));
        assert!(is_progress_cut(
            " ✘ db Error  Get \"https://ghcr.io/v2/\": net/http: request ca... 12.1s"
        ));
        // Whole, or an ellipsis that is the message's own (no elapsed time after it).
        assert!(!is_progress_cut(
            r#" ✘ web Error Head "https://ghcr.io/v2/o/n/manifests/1": denied      0.6s"#
        ));
        assert!(!is_progress_cut("Retrying in 5 seconds..."));
        assert!(!is_progress_cut("Pulling fs layer... 3 s"));
    }

    #[test]
    fn a_link_for_filing_an_issue_is_no_request() {
        assert!(!requests_non_registry_host(
            "[ERROR] Tried to push image manifest for r.example/app:1 but failed because: other: blob upload invalid | If this is a bug, please file an issue at https://github.com/GoogleContainerTools/jib/issues/new: 400 Bad Request"
        ));
        assert!(requests_non_registry_host(
            "npm ERR! 403 Forbidden - GET https://github.com/o/r/archive/main.tar.gz"
        ));
    }

    /// [`is_web_api_version`] at the first `word` of `line`.
    fn web_api_at(line: &[u8], word: &[u8]) -> bool {
        let at = line
            .windows(word.len())
            .position(|w| w == word)
            .expect("the line holds the word");
        is_web_api_version(line, at, at + word.len())
    }

    #[test]
    fn a_package_feeds_v2_under_a_path_and_a_manifest_file_are_no_registry_work() {
        let v2_in = |line: &[u8]| web_api_at(line, b"/v2/");
        assert!(v2_in(
            b"from remote source 'https://pkgs.dev.azure.com/o/_packaging/f/nuget/v2/FindPackagesById()?id='x'"
        ));
        assert!(!v2_in(
            b"Get https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/ab/abc/data"
        ));
        assert!(!v2_in(b"Get https://host.example/prefix/v2/: unauthorized"));
        let manifests_in = |line: &[u8]| web_api_at(line, b"manifests/");
        assert!(manifests_in(
            br#"unable to recognize "manifests/registry.yaml": no matches for kind"#
        ));
        assert!(!manifests_in(
            b"Head https://ghcr.io/v2/o/app/manifests/1.0: denied"
        ));
    }

    #[test]
    fn a_web_apis_v2_is_not_the_distribution_api() {
        let v2_in = |line: &[u8]| web_api_at(line, b"/v2/");
        assert!(v2_in(
            b"GET https://feed.example/f/dev/api/v2/FindPackagesById()?id='x'"
        ));
        assert!(!v2_in(b"Get https://registry.example/v2/app/manifests/1"));
        assert!(!v2_in(
            b"https://acme.jfrog.io/artifactory/api/docker/docker-local/v2/app/blobs/"
        ));
        assert!(v2_in(
            b"Error: Get \"https://api.acme.example/v2/items\": dial tcp: lookup api.acme.example"
        ));
        assert!(!v2_in(
            b"Get \"https://ghcr.io/v2/\": net/http: TLS handshake timeout"
        ));
        assert!(!v2_in(
            b"Get https://gcr.io/v2/token?scope=repository:p/app:pull: EOF"
        ));
        assert!(!v2_in(b"GET https://quay.io/v2/_catalog: UNAUTHORIZED"));
        assert!(!v2_in(
            b"Get https://registry.example:5000/v2//v1/search: x509: ..."
        ));
        assert!(!v2_in(
            b"initiating layer upload to /v2/team/app/blobs/uploads/ in 127.0.0.1:5000"
        ));
        assert!(!v2_in(
            b"HEAD https://r.example:5000/v2/a/b/c/manifests/1.0: 401"
        ));
    }

    #[test]
    fn a_word_inside_a_name_is_the_name() {
        let text = r#"MountVolume.SetUp failed for volume "registry-creds" : secret not found"#;
        let at = text.find("registry").expect("word");
        assert!(part_of_name(text, at, at + "registry".len()));
        let text = "failed to push to registry.example.com:5000";
        let at = text.find("registry").expect("word");
        assert!(!part_of_name(text, at, at + "registry".len()));
        let text = "Error: failed to reach the registry";
        let at = text.find("registry").expect("word");
        assert!(!part_of_name(text, at, at + "registry".len()));
        // `/v2/` is a path, not a word.
        let text = "GET https://r-1.example/v2/ failed";
        let at = text.find("/v2/").expect("path");
        assert!(!part_of_name(text, at, at + 4));
    }

    #[test]
    fn the_first_byte_gate_admits_every_start_of_a_step() {
        // One line for each start `starts_step` accepts, each branch of it; the gate on the
        // first byte must let every one through.
        let starts: [&[u8]; 10] = [
            b"##[group]Run docker/login-action@v3",
            b"##[group]Post job cleanup.",
            b"Run docker push ghcr.io/o/app",
            b"Post job cleanup.",
            b"+ docker push ghcr.io/o/app",
            b"$ docker push ghcr.io/o/app",
            b"[Pipeline] { (Push)",
            b"#12 [build 3/5] RUN make",
            b"Step 4/7 : RUN make",
            b"##[group]+ make",
        ];
        for line in starts {
            assert!(STEP_FIRST_BYTES.contains(&line[0]));
            assert!(starts_step(line), "{}", String::from_utf8_lossy(line));
        }
        // The starts are compared with their case, so no other case is to be let through.
        for line in [
            &b"run docker push"[..],
            b"post job cleanup.",
            b"step 4/7 : RUN make",
        ] {
            assert!(!starts_step(line));
        }
    }

    #[test]
    fn steps_and_git_remote_messages_are_told_apart() {
        assert!(starts_step(b"Run peter-evans/dockerhub-description@v4"));
        assert!(starts_step(b"##[group]Run docker/build-push-action@v5"));
        assert!(starts_step(b"Post job cleanup."));
        assert!(starts_step(b"Step 5/9 : RUN make test"));
        assert!(starts_step(b"#8 [build 4/6] RUN npm ci"));
        assert!(!starts_step(b"#8 0.512 npm ERR! code E401"));
        assert!(!starts_step(b"Step 1/6 : FROM python:3.11-slim"));
        assert!(starts_step(b"+ kubectl rollout status deployment/app"));
        assert!(starts_step(b"$ make deploy"));
        assert!(starts_step(b"[Pipeline] { (Deploy)"));
        assert!(!starts_step(b"npm WARN deprecated inflight@1.0.6"));
        assert!(!starts_step(b""));
        assert!(!starts_step(b"npm run build"));
        assert!(!starts_step(b"  Running in 0c1d2e3f"));
        assert!(is_git_remote("remote: HTTP Basic: Access denied."));
        assert!(is_git_remote("stderr: remote: HTTP Basic: Access denied"));
        assert!(!is_git_remote(
            "stderr: unauthorized: HTTP Basic: Access denied"
        ));
        assert!(!is_git_remote(
            "denied: requested access to the resource is denied"
        ));
    }

    #[test]
    fn only_the_container_hosts_of_github_packages_serve_images() {
        assert!(requests_non_registry_host(
            "Pushing gem to https://rubygems.pkg.github.com/octo-org..."
        ));
        assert!(requests_non_registry_host(
            "Could not PUT 'https://maven.pkg.github.com/o/r/app-1.0.jar'. 401"
        ));
        assert!(requests_non_registry_host(
            "error: https://pypi.pkg.github.com/o/ answered 403"
        ));
        assert!(!requests_non_registry_host(
            "Error response from daemon: Get https://docker.pkg.github.com/v2/: unauthorized"
        ));
        assert!(!is_packages_ecosystem_host("containers.pkg.github.com"));
        assert!(!is_packages_ecosystem_host("pkg.github.com"));
        assert!(!is_packages_ecosystem_host("ghcr.io"));
    }

    #[test]
    fn a_bare_socket_error_on_https_is_a_broken_transfer() {
        assert!(is_bare_https_socket_error(
            b"read tcp 192.168.1.144:62377->204.79.197.219:443: wsarecv: An existing connection was forcibly closed by the remote host."
        ));
        assert!(is_bare_https_socket_error(
            b"write tcp 172.17.0.2:41332->_Redacted_:443: write: connection reset by peer"
        ));
        // The daemon's port, a request named before the error, no remote address.
        assert!(!is_bare_https_socket_error(
            b"read tcp 127.0.0.1:2375->127.0.0.1:51742: wsarecv: An existing connection was forcibly closed"
        ));
        assert!(!is_bare_https_socket_error(
            b"Get \"https://api.example.com/x\": read tcp 10.0.0.5:5312->1.2.3.4:443: read: connection reset by peer"
        ));
        assert!(!is_bare_https_socket_error(
            b"read tcp 10.0.0.5:5312: i/o timeout"
        ));
    }

    #[test]
    fn a_registry_clients_usage_hint_names_its_command() {
        assert!(is_registry_usage_hint(b"See 'docker login --help'."));
        assert!(is_registry_usage_hint(b"  See 'podman push --help'"));
        assert!(is_registry_usage_hint(
            b"2024-03-01T10:00:00.0000000Z See 'docker image pull --help'."
        ));
        assert!(!is_registry_usage_hint(b"See 'docker run --help'."));
        assert!(is_kubelet_pull_failure(
            b"  Warning  Failed  57s (x4 over 2m21s)  kubelet  Error: ErrImagePull"
        ));
        assert!(!is_kubelet_pull_failure(
            b"Pulling image \"registry.local/app:1\""
        ));
        assert!(!is_registry_usage_hint(b"See 'kubectl login --help'."));
        assert!(!is_registry_usage_hint(
            b"Run 'docker login --help' for more."
        ));
    }

    #[test]
    fn a_request_to_the_engine_api_is_not_a_registry() {
        assert!(requests_engine_api(
            "Get https://192.168.99.100:2376/v1.22/images/create?fromImage=alpine: Tunnel or SSL Forbidden"
        ));
        assert!(requests_engine_api(
            "Get \"http://docker:2375/v1.41/version\": Forbidden"
        ));
        assert!(!requests_engine_api(
            "Get \"https://registry.example.com/v2/\": Forbidden"
        ));
        assert!(!requests_engine_api(
            "GET https://index.docker.io/v1/repositories/library/alpine/images: 403"
        ));
        assert!(!requests_engine_api(
            "Get https://example.com/v1.5: Forbidden"
        ));
    }

    #[test]
    fn a_local_socket_or_pipe_is_not_a_registry() {
        assert!(is_daemon_connection(
            "Error response from daemon: dial unix docker.raw.sock: connect: connection refused"
        ));
        assert!(is_daemon_connection(
            "open //./pipe/docker_engine: The system cannot find the file specified."
        ));
        assert!(!is_daemon_connection(
            "Get \"https://ghcr.io/v2/\": dial tcp 140.82.112.33:443: connect: connection refused"
        ));
        // crictl reaching the runtime's CRI endpoint, old and new wordings.
        assert!(is_daemon_connection(
            "FATA[0010] failed to connect: failed to connect: context deadline exceeded"
        ));
        assert!(is_daemon_connection(
            "FATA[0002] connect endpoint 'unix:///var/run/dockershim.sock', make sure you are running as root and the endpoint has been started: context deadline exceeded"
        ));
        assert!(!is_daemon_connection(
            "failed to connect: dial tcp 10.1.2.3:443: i/o timeout"
        ));
        // A socket on a line that also names a registry's URL: the request is the registry's.
        assert!(!is_daemon_connection(
            "pull via unix:///run/containerd/containerd.sock: Get \"https://registry.example.com/v2/\": dial tcp 10.1.2.3:443: i/o timeout"
        ));
        // A Kubernetes API server, not a registry.
        assert!(is_daemon_connection(
            "Error: Get http://localhost:8080/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dhelm: dial tcp 127.0.0.1:8080: connect: connection refused"
        ));
        assert!(is_daemon_connection(
            "Get \"https://10.0.0.1:443/apis/apps/v1/namespaces/default/deployments\": dial tcp 10.0.0.1:443: i/o timeout"
        ));
        assert!(is_daemon_connection(
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?"
        ));
        assert!(is_daemon_connection(
            "Error: Kubernetes cluster unreachable: Get \"http://localhost:8080/version?timeout=32s\": dial tcp 127.0.0.1:8080: connect: connection refused"
        ));
        // Quay's own API is a registry's.
        assert!(!is_daemon_connection(
            "Get \"https://quay.io/api/v1/repository/o/app\": dial tcp 52.1.2.3:443: i/o timeout"
        ));
    }

    #[test]
    fn an_image_named_for_its_architecture() {
        assert_eq!(
            pulled_repository(
                "Status: Downloaded newer image for quay.io/pypa/manylinux2014_aarch64:2024-01-23-12ffabc"
            )
            .as_deref(),
            Some("quay.io/pypa/manylinux2014_aarch64")
        );
        assert_eq!(
            pulled_repository("Status: Image is up to date for arm64v8/alpine:3.19").as_deref(),
            Some("arm64v8/alpine")
        );
        assert_eq!(
            pulled_repository("Status: Image is up to date for registry:5000/example/tool-amd64@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").as_deref(),
            Some("registry:5000/example/tool-amd64")
        );
        assert_eq!(
            pulled_repository("Status: Downloaded newer image for"),
            None
        );
        assert_eq!(
            warned_image_arch(
                "WARNING: The requested image's platform (linux/arm64/v8) does not match the detected host platform (linux/amd64/v3) and no specific platform was requested"
            )
            .as_deref(),
            Some("arm64")
        );
        assert_eq!(
            warned_image_arch("WARNING: The requested image's platform (linux) does not match"),
            None
        );
        assert!(named_for_arch(
            "quay.io/pypa/manylinux2014_aarch64",
            "arm64"
        ));
        assert!(named_for_arch("arm64v8/alpine", "arm64"));
        assert!(named_for_arch("registry:5000/example/tool-amd64", "amd64"));
        // A tag is no repository name, and a word inside another is not the architecture's.
        let tagged = pulled_repository("Status: Image is up to date for example/tool:arm64");
        assert_eq!(tagged.as_deref(), Some("example/tool"));
        assert!(!tagged.is_some_and(|r| named_for_arch(&r, "arm64")));
        assert!(!named_for_arch("example/farm64tool", "arm64"));
        assert!(!named_for_arch(
            "quay.io/pypa/manylinux2014_x86_64",
            "arm64"
        ));
        assert!(!named_for_arch("example/app", "amd64"));
    }

    #[test]
    fn a_logged_request_to_a_host_serving_no_images_is_recognised() {
        assert!(logs_non_registry_request(
            "https://europe-pypi.pkg.dev:443 \"GET /p/python/simple/x/ HTTP/1.1\" 403 0"
        ));
        // A registry's request, or a line with no request on it, is not.
        assert!(!logs_non_registry_request(
            "https://us-docker.pkg.dev:443 \"GET /v2/p/r/app/manifests/1 HTTP/1.1\" 403 0"
        ));
        assert!(!logs_non_registry_request(
            "Found index url https://europe-pypi.pkg.dev/p/python/simple/"
        ));
    }

    #[test]
    fn artifact_registry_package_hosts_and_aws_apis_are_no_registries() {
        // pip's refusal from Artifact Registry's Python host; the Docker host is a registry.
        assert!(requests_non_registry_host(
            "Could not fetch URL https://europe-pypi.pkg.dev/p/python/simple/x/: 403 Client Error: Forbidden for url: https://europe-pypi.pkg.dev/p/python/simple/x/ - skipping"
        ));
        assert!(requests_non_registry_host(
            "npm ERR! 403 Forbidden - GET https://us-central1-npm.pkg.dev/p/r/@s%2fpkg"
        ));
        assert!(!requests_non_registry_host(
            "Get \"https://us-central1-docker.pkg.dev/v2/p/r/app/manifests/1\": denied"
        ));
        assert!(!requests_non_registry_host(
            "Head \"https://europe-docker.pkg.dev/p/r/app\": dial tcp: lookup europe-docker.pkg.dev: no such host"
        ));
        // A cloud CLI's request to an AWS service API; ECR's hosts, STS and S3 stay.
        assert!(requests_non_registry_host(
            "caused by: Post https://ecs.ap-southeast-1.amazonaws.com/: dial tcp: lookup ecs.ap-southeast-1.amazonaws.com on 8.8.8.8:53: no such host"
        ));
        assert!(requests_non_registry_host(
            "Get https://d-123456789012.d.codeartifact.us-east-1.amazonaws.com/npm/r/: 401"
        ));
        assert!(requests_non_registry_host(
            "Post \"https://iam.amazonaws.com/\": dial tcp: i/o timeout"
        ));
        for registry in [
            "Post https://api.ecr.us-east-1.amazonaws.com/: dial tcp: lookup api.ecr.us-east-1.amazonaws.com: no such host",
            "Post https://ecr.us-east-1.amazonaws.com/: dial tcp: i/o timeout",
            "Post https://sts.us-east-1.amazonaws.com/: dial tcp: i/o timeout",
            "Get https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/x: EOF",
            "Get https://ec2-3-4-5-6.compute-1.amazonaws.com/v1/_ping: EOF",
        ] {
            assert!(!requests_non_registry_host(registry), "{registry}");
        }
    }
}
