//! What a failed request's message shows about the request itself: whether it only read from
//! the repository, and which operation a progress line says was under way.
//!
//! A push reads before it writes: BuildKit and containerd ask whether each layer is already
//! there (`HEAD /v2/NAME/blobs/DIGEST`), podman and skopeo check before reusing a blob. A
//! registry that refuses that read refuses the credential any access to the repository, not
//! only the write: on ghcr.io, a `GITHUB_TOKEN` may always read a package its repository is
//! linked to (`packages: read` is the least a job gets), so a refused read during a push is a
//! package that exists and grants this repository no role (created by a manual push or by
//! another repository). A refused upload (`POST .../blobs/uploads/`) has more readers.

use super::context::{Signal, Signals};
use super::url;

/// Words that start the request a client names in its error (`unexpected status from HEAD
/// request to URL`, Go's `Head "URL"`, `GET URL`): the request is a read.
const READS: &[&str] = &[
    "head request to ",
    "get request to ",
    "head \"http",
    "get \"http",
    "head http",
    "get http",
];

/// The reads podman, buildah and skopeo make before they reuse a blob at the destination.
const BLOB_CHECKS: &[&str] = &[
    "checking whether a blob",
    "failed to read from destination repository",
];

/// The signals of a refused request's message: `read-request` when the request it names is a
/// read of a blob or a manifest (`HEAD`/`GET .../blobs/...`, `.../manifests/...`);
/// `package-create` when the registry refused to create the package the push would have
/// created (ghcr.io's `installation not allowed to Create organization package`);
/// `dependency-proxy` when the request went to GitLab's dependency proxy
/// (`HOST/v2/GROUP/dependency_proxy/containers/NAME/manifests/TAG`).
pub(crate) fn signals(message: &str) -> Signals {
    let mut s = Signals::default();
    if is_read(message) {
        s.insert(Signal::ReadRequest);
    }
    let lower = message.to_ascii_lowercase();
    if lower.contains("not allowed to create organization package") {
        s.insert(Signal::PackageCreate);
    }
    if hub_official_read_refused(message) {
        s.insert(Signal::HubOfficialRead);
    }
    if lower.contains("/dependency_proxy/containers/") {
        s.insert(Signal::DependencyProxy);
    }
    s
}

/// True when `message` shows a read of a Docker Hub `library/` repository's manifest or tag
/// list refused as unauthenticated (`GET https://index.docker.io/v2/library/NAME/manifests/TAG:
/// UNAUTHORIZED: authentication required`). `library/` holds only Docker's official images,
/// and every one of them is public: Docker Hub refuses an anonymous read there only for a name
/// it does not hold. A refused credential (`incorrect username or password`), the rate limit
/// and a push's scope are other answers. The answer may be only its status (StackRox's
/// scanner: `Head "https://registry-1.docker.io/v2/library/NAME/manifests/latest": http:
/// non-successful response (status=401 body="")`, stackrox/stackrox#6598).
///
/// go-containerregistry prints the scopes it asked the token for after the answer (`[map[Action:pull
/// Class: Name:library/NAME Type:repository]]`); when the message names no request URL (skaffold
/// and kaniko resolving a Dockerfile's base image: `retrieving image config: getting image:
/// UNAUTHORIZED: ...`), a pull scope on `library/NAME` is the same read of Docker Hub, the
/// registry a bare name resolves to. A URL of another registry (Harbor's default project is
/// also named `library`) keeps it out.
fn hub_official_read_refused(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    let mut requests = url::v2_requests(&lower).peekable();
    let scope_only = requests.peek().is_none() && hub_official_pull_scope(&lower);
    let read = scope_only
        || requests.any(|(host, path)| {
            crate::host::Host::parse(host).is_docker_hub()
                && path.starts_with("library/")
                && (path.contains("/manifests/")
                    || path.trim_end_matches(':').ends_with("/tags/list"))
        });
    read && [
        "authentication required",
        "unauthorized",
        "denied",
        "status=401",
        "status code 401",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && ![
            "incorrect username or password",
            "action:push",
            "toomanyrequests",
            "429",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// True when a lowercase message lists go-containerregistry's token scopes (`[map[...]]`), one
/// of them is a pull of a `library/` repository, and none is a push (a push's refusal is not a
/// read's).
fn hub_official_pull_scope(lower: &str) -> bool {
    let Some(at) = lower.find("[map[") else {
        return false;
    };
    let scopes = &lower[at..];
    if scopes.contains("action:push") {
        return false;
    }
    scopes.split("map[").any(|scope| {
        let scope = scope.split(']').next().unwrap_or("");
        scope.contains("action:pull") && scope.contains("name:library/")
    })
}

fn is_read(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    if BLOB_CHECKS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    READS.iter().any(|w| {
        lower.match_indices(w).any(|(i, _)| {
            // The request's URL: up to the next space (an elided `.../blobs/...` included).
            let url = lower[i + w.len()..].split_whitespace().next().unwrap_or("");
            url.contains("/blobs/") || url.contains("/manifests/")
        })
    })
}

/// True when `line` is a `docker compose` progress line of a pull: `Image REF Pulling`,
/// `Pulled`, `Waiting`, `Interrupted`, or `Error` with the reason after it (`✘ Image
/// ghcr.io/o/app:1  Error error from registry: unauthorized`), or the same by service name
/// after a status mark (`✘ app Error ...`, as compose names a service's pull). Compose pulls
/// an image it does not have before it starts a service, and prints a build's or a push's
/// failure as that work's own error, so such an `Error` line is a pull.
pub(crate) fn compose_pull(line: &str) -> bool {
    compose_status(line).is_some_and(|status| {
        matches!(
            status,
            "Pulling" | "Pulled" | "Waiting" | "Interrupted" | "Error"
        )
    })
}

/// The status word of a compose progress line: `Image REF STATUS ...`, or `MARK SERVICE
/// STATUS ...` where MARK is one of compose's status marks and SERVICE a service's name.
fn compose_status(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let mark = line[..line.len() - rest.len()]
        .chars()
        .any(|c| matches!(c, '✘' | '✔' | '⠿' | '!'));
    let mut words = rest.split_whitespace();
    let first = words.next()?;
    if first == "Image" {
        let reference = words.next()?;
        if reference.contains("://") || !reference.bytes().any(|b| b == b'/' || b == b':') {
            return None;
        }
        return words.next();
    }
    // A service's name: lowercase letters, digits, `-`, `_`, `.` (compose's own kinds,
    // `Container`, `Network`, `Volume`, start with a capital).
    let service = first.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && first
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if mark && service {
        return words.next();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_to_gitlabs_dependency_proxy() {
        let proxy = r#"Error response from daemon: Head "https://gitlab.example.com/v2/acme/dependency_proxy/containers/alpine/manifests/3.20": denied: access forbidden"#;
        assert!(signals(proxy).contains(Signal::DependencyProxy));
        let project = r#"Error response from daemon: Head "https://registry.gitlab.com/v2/acme/app/manifests/1.0": denied: access forbidden"#;
        assert!(!signals(project).contains(Signal::DependencyProxy));
    }

    #[test]
    fn a_refused_read_of_an_official_image_on_docker_hub() {
        for m in [
            "GET https://index.docker.io/v2/library/example-tool/manifests/dev: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:library/example-tool Type:repository]]",
            r#"Error response from daemon: Head "https://registry-1.docker.io/v2/library/example-tool/manifests/latest": unauthorized: authentication required"#,
            "GET https://index.docker.io/v2/library/example-tool/tags/list: UNAUTHORIZED: authentication required",
            // The status alone (a scanner's HEAD).
            r#"failed to get the manifest digest: Head "https://registry-1.docker.io/v2/library/example-tool/manifests/latest": http: non-successful response (status=401 body="")"#,
            // rules_oci's fetch of a base image by curl.
            "curl https://index.docker.io/v2/library/example/tool/manifests/sha256:0123 returned non-success status code 401",
            // The scopes alone, when the message names no request.
            "listing copied files: retrieving image config: getting image: UNAUTHORIZED: authentication required; [map[Type:repository Class: Name:library/builder Action:pull]]",
        ] {
            assert!(signals(m).contains(Signal::HubOfficialRead), "{m}");
        }
        for m in [
            // A refused credential, a push's scope, the rate limit, another namespace.
            "Get https://registry-1.docker.io/v2/library/busybox/manifests/latest: unauthorized: incorrect username or password",
            "POST https://index.docker.io/v2/library/app/blobs/uploads/: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:library/app Type:repository] map[Action:push Class: Name:library/app Type:repository]]",
            "GET https://index.docker.io/v2/library/python/manifests/3.12: TOOMANYREQUESTS: You have reached your pull rate limit.",
            "GET https://index.docker.io/v2/example/tool/manifests/dev: UNAUTHORIZED: authentication required",
            // A scope on another registry's `library` project, or another namespace's scope.
            "GET https://harbor.example.com/v2/library/app/manifests/1: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:library/app Type:repository]]",
            "getting image: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:team/app Type:repository]]",
            // A push's scopes, with no request named.
            "writing image: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:library/app Type:repository] map[Action:push Class: Name:library/app Type:repository]]",
        ] {
            assert!(!signals(m).contains(Signal::HubOfficialRead), "{m}");
        }
    }

    fn read(message: &str) -> bool {
        signals(message).contains(Signal::ReadRequest)
    }

    #[test]
    fn a_blob_or_manifest_read_is_a_read() {
        assert!(read(
            "failed to push ghcr.io/o/app:1: unexpected status from HEAD request to https://ghcr.io/v2/o/app/blobs/sha256:9cb3: 403 Forbidden"
        ));
        assert!(read("HEAD request to .../blobs/sha256:... 403 Forbidden"));
        assert!(read(
            "Head \"https://ghcr.io/v2/o/app/manifests/1.0\": denied: permission_denied"
        ));
        assert!(read(
            "unexpected status from GET request to https://registry.example/v2/o/app/manifests/sha256:ab: 403 Forbidden"
        ));
        assert!(read(
            "Error: trying to reuse blob sha256:b2d5 at destination: failed to read from destination repository o/app: 403 (Forbidden)"
        ));
        assert!(read(
            "trying to reuse blob sha256:b2d5 at destination: checking whether a blob sha256:b2d5 exists in ghcr.io/o/app: 403 (Forbidden)"
        ));
    }

    #[test]
    fn uploads_token_requests_and_bare_statuses_are_not() {
        assert!(!read(
            "failed to push ghcr.io/o/app:1: unexpected status from POST request to https://ghcr.io/v2/o/app/blobs/uploads/: 403 Forbidden"
        ));
        assert!(!read(
            "unexpected status from PUT request to https://ghcr.io/v2/o/app/manifests/1: 403 Forbidden"
        ));
        assert!(!read(
            "failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Ao%2Fapp%3Apull: 403 Forbidden"
        ));
        assert!(!read("Get \"https://ghcr.io/v2/\": denied: denied"));
        assert!(!read(
            "failed to push ghcr.io/o/app:1: unexpected status: 403 Forbidden"
        ));
    }

    #[test]
    fn a_refused_creation_is_named() {
        let create = |m: &str| signals(m).contains(Signal::PackageCreate);
        assert!(create(
            "denied: installation not allowed to Create organization package"
        ));
        assert!(create(
            "POST https://ghcr.io/v2/o/app/blobs/uploads/: DENIED: permission_denied: installation not allowed to Create organization package"
        ));
        assert!(!create(
            "denied: installation not allowed to Write organization package"
        ));
        assert!(!create("denied: permission_denied: create_package"));
    }

    #[test]
    fn compose_progress_lines_show_a_pull() {
        assert!(compose_pull(
            "✘ Image ghcr.io/o/app:latest  Error error from registry: unauthorized"
        ));
        assert!(compose_pull(
            " Image ghcr.io/o/web:latest Error Head \"https://ghcr.io/v2/o/web/manifests/latest\": unauthorized"
        ));
        assert!(compose_pull("⠿ Image redis:7 Pulling"));
        assert!(compose_pull("! Image mariadb:11 Interrupted"));
        assert!(compose_pull(
            " ✘ web Error error from registry: unauthorized                 0.4s"
        ));
        assert!(compose_pull(
            "⠿ cially-bot Error Head \"https://ghcr.io/v2/o/b/manifests/latest\": unauthorized"
        ));
    }

    #[test]
    fn other_lines_show_no_compose_pull() {
        assert!(!compose_pull("✔ Image o/app:1 Built"));
        assert!(!compose_pull("Image processing failed: Error 3"));
        assert!(!compose_pull("Image build Error"));
        assert!(!compose_pull("app Error error from registry: unauthorized"));
        assert!(!compose_pull("✘ Container app-web-1 Error"));
        assert!(!compose_pull("✘ Network app_default Error"));
        assert!(!compose_pull(
            "✘ Web Error error from registry: unauthorized"
        ));
        assert!(!compose_pull(
            "Error response from daemon: error from registry: unauthorized"
        ));
    }
}
