//! What one message shows about its own request: the operation, the host (mistyped, a
//! mirror, a public registry, Docker Hub's official namespace or a name without a namespace)
//! and how a login command takes its credentials.

use super::Signal;

/// The operation an error message shows: a login (`GET .../v2/` alone), a push (blob upload,
/// `failed to push`) or a pull (a manifest read, `pull access denied`).
pub(crate) fn op_of(message: &str) -> Option<Signal> {
    let lower = message.to_ascii_lowercase();
    let login_url = lower
        .match_indices("/v2/")
        .any(|(i, _)| matches!(lower.as_bytes().get(i + 4), Some(b'"' | b':' | b' ') | None));
    if login_url && !lower.contains("/v2/_") {
        return Some(Signal::LoginRequest);
    }
    const PUSH: &[&str] = &[
        "push",
        "blobs/uploads",
        "upload",
        "put request",
        "put \"",
        "put https",
        // containers/image checks the destination before it reuses a blob there.
        "at destination",
        // regclient's manifest upload (`failed to put manifest REF: ...`).
        "put manifest",
    ];
    const PULL: &[&str] = &[
        "pull",
        "manifests/",
        "reading manifest",
        "resolve reference",
        "resolve image",
        "error pulling",
        "initializing source",
        "unable to find image",
        "manifest for ",
        // containerd's resolver names the request it made: `status code [manifests TAG]`.
        "[manifests ",
        // helm installs or upgrades a release from a chart it pulls from the registry; the
        // registry is asked for nothing else (`Error: INSTALLATION FAILED: failed to
        // authorize: ...`).
        "installation failed:",
        "upgrade failed:",
        // The tag list is read, never written (distribution's `GET /v2/NAME/tags/list`):
        // Flux's image scanners, skopeo's `list-tags`, crane's `ls` ask for it.
        "/tags/list",
    ];
    if PUSH.iter().any(|w| lower.contains(w)) {
        Some(Signal::Push)
    } else if PULL.iter().any(|w| lower.contains(w)) {
        Some(Signal::Pull)
    } else {
        None
    }
}

/// True when `line` is docker-compose 1's announcement of a service's pull, `Pulling SERVICE
/// (REF)...` (compose/service.py: `log.info('Pulling %s (%s%s%s)...' % (self.name, repo,
/// separator, tag))`): the daemon's error that follows (`ERROR: denied`) names no image, and
/// is about this one.
pub(crate) fn compose_v1_pull(line: &str) -> bool {
    let line = line.trim();
    let Some(rest) = line.strip_prefix("Pulling ") else {
        return false;
    };
    let Some((service, reference)) = rest.split_once(" (") else {
        return false;
    };
    let Some(reference) = reference.strip_suffix(")...") else {
        return false;
    };
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && !reference.is_empty()
        && !reference.contains(char::is_whitespace)
        && reference.contains(':')
}

/// True when `text` names a registry host (in an image reference or a URL) that is a near
/// miss of a well-known registry (`ghrc.io`, `dokcer.io`), by the host model's own test.
pub(crate) fn names_mistyped_host(text: &str) -> bool {
    if !text.contains('.') {
        return false;
    }
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '[' | ']' | '"' | '\'' | '`' | '(' | ')' | '=')
    })
    .filter_map(|word| {
        let word = word
            .strip_prefix("https://")
            .or_else(|| word.strip_prefix("http://"))
            .or_else(|| word.strip_prefix("oci://"))
            .or_else(|| word.strip_prefix("docker://"))
            .unwrap_or(word);
        // A host is followed by a path; a bare word with a dot is a file or a version.
        let (host, rest) = word.split_once('/')?;
        (!rest.is_empty()).then_some(host)
    })
    .any(|host| crate::host::Host::parse(host).likely_typo_of().is_some())
}

/// True when the request in `message` went to a mirror or pull-through cache: containerd
/// marks a mirrored request with the upstream's namespace (`/manifests/latest?ns=docker.io`),
/// and path-style mirrors put the upstream registry's host first in the repository path
/// (`https://m.daocloud.io/v2/cr.weaviate.io/org/app/manifests/1.0`).
pub(crate) fn is_mirror_request(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    if lower.contains("?ns=") {
        return true;
    }
    lower.match_indices("/v2/").any(|(i, _)| {
        let rest = &lower[i + 4..];
        let first = rest.split('/').next().unwrap_or_default();
        // The first path component is a host (`docker.io`, `cr.weaviate.io`) and more of the
        // path follows.
        rest.len() > first.len() + 1
            && first.contains('.')
            && first
                .rsplit('.')
                .next()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_lowercase()))
    })
}

/// Registries that serve every image to anonymous clients; a refusal from them is about the
/// credential that was sent, not about access to the image.
const PUBLIC_REGISTRIES: &[&str] = &["public.ecr.aws", "mcr.microsoft.com", "registry.k8s.io"];

/// True when `message` names a registry that serves its images without a login.
pub(crate) fn names_public_registry(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    PUBLIC_REGISTRIES.iter().any(|h| lower.contains(h))
}

/// True when `message` shows a push to Docker Hub's `library/` namespace (the official
/// images): a blob upload to `/v2/library/...` on Docker Hub, the push target
/// `docker.io/library/...`, or a token scope that asks to push `library/...`.
pub(crate) fn pushes_to_official_namespace(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    // The upload URL itself must be Docker Hub's; a line may name a Docker Hub image as the
    // source of a push that goes elsewhere.
    let hub_upload = [
        "index.docker.io/v2/library/",
        "registry-1.docker.io/v2/library/",
    ]
    .iter()
    .any(|p| {
        lower.find(p).is_some_and(|i| {
            lower[i..]
                .split_whitespace()
                .next()
                .is_some_and(|u| u.contains("/blobs/uploads"))
        })
    });
    hub_upload
        || lower.contains("push refers to repository [docker.io/library/")
        || lower.contains("push refers to a repository [docker.io/library/")
        // containerd's pusher, as buildx and nerdctl print it.
        || lower.contains("failed to push docker.io/library/")
        || pushes_one_part_name(&lower)
        || (lower.contains("docker.io")
            && lower.contains("name:library/")
            && lower.contains("action:push"))
}

/// True when `lower` names a failed push of a one-part reference with its tag (`failed to push
/// app:1.0 after 1 tries`, as goreleaser and other release tools print the reference they were
/// given): a reference without a host or namespace is Docker Hub's `library/NAME`, whatever
/// tool reads it.
fn pushes_one_part_name(lower: &str) -> bool {
    const AT: &str = "failed to push ";
    lower.match_indices(AT).any(|(i, _)| {
        let token = lower[i + AT.len()..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_end_matches([':', ',', ';']);
        !token.contains('/')
            && token.contains([':', '@'])
            && crate::reference::Reference::parse_named(token).is_ok()
    })
}

/// True when `message` requests a Docker Hub repository without a namespace
/// (`https://registry-1.docker.io/v2/nginx/manifests/latest`). Docker's own clients add
/// `library/` to a one-part name; other clients (oras, crane, a script) send it as written.
pub(crate) fn requests_hub_without_namespace(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    ["registry-1.docker.io/v2/", "index.docker.io/v2/"]
        .iter()
        .any(|prefix| {
            lower.match_indices(prefix).any(|(i, _)| {
                let path = lower[i + prefix.len()..]
                    .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '?')
                    .next()
                    .unwrap_or_default();
                ["/manifests/", "/blobs/", "/tags/list"].iter().any(|k| {
                    path.find(k)
                        .is_some_and(|j| j > 0 && !path[..j].contains('/'))
                })
            })
        })
        || scopes_hub_without_namespace(&lower)
}

/// True when `lower` carries a token scope for Docker Hub's registry service that names a
/// repository without a namespace (`service="registry.docker.io",scope="repository:openjdk:pull"`,
/// also URL-encoded): the name was sent as written, without `library/`.
fn scopes_hub_without_namespace(lower: &str) -> bool {
    if !lower.contains("registry.docker.io") {
        return false;
    }
    [
        "scope=\"repository:",
        "scope=repository:",
        "scope=repository%3a",
    ]
    .iter()
    .any(|prefix| {
        lower.match_indices(prefix).any(|(i, _)| {
            let rest = &lower[i + prefix.len()..];
            let end = rest
                .find([':', '"', '&', ' '])
                .into_iter()
                .chain(rest.find("%3a"))
                .min()
                .unwrap_or(rest.len());
            let name = &rest[..end];
            !name.is_empty() && !name.contains('/') && !name.contains("%2f")
        })
    })
}

/// True when a login command line takes its user name or password from a variable
/// (`-p $PASSWORD`, `--password=${{ ... }}` after expansion is not visible, `echo "$T" |`) or
/// pipes an empty string (`echo "" |`).
pub(super) fn takes_credentials_from_variables(line: &str) -> bool {
    let b = line.as_bytes();
    let variable = b
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'{' || w[1] == b'_'));
    variable || line.contains("echo \"\" |") || line.contains("echo '' |")
}

/// True when `line` is a push's progress line (`3b1f0d5c7e9a: Pushing [====>]`, or `Pushing
/// [====>]` at its start, as a page that dropped the layer's id shows it), not a pull's
/// (`Downloading`, `Extracting`).
pub(super) fn pushes_layer(line: &str) -> bool {
    let lower = line.trim_start().to_ascii_lowercase();
    lower.contains(": push") || lower.starts_with("pushing [")
}
