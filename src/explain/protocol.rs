//! Protocol-level signals: what any registry client prints, whatever its own wording.
//!
//! The catalog knows the exact messages of the common tools. A client it has never seen still
//! prints the registry's answer somewhere in its error: an HTTP status (`got 401`, `status code
//! 403`, `Response Status: "401 Unauthorized"`, an nginx `<title>502 Bad Gateway</title>`), an
//! OCI error code (`UNAUTHORIZED:`, `"code":"DENIED"`), a failed token request, or a bare
//! `denied`. This module reads those and names them with a stable protocol name
//! (`status-401`, ...); catalog patterns with `protocol = "..."` turn the name into causes and
//! rank rules, like any other pattern. The scanner only asks on lines that name a registry or
//! follow registry work, so an API's 401 in a test log stays silent.
//!
//! Under them lies the never-silence net ([`never_silent`]): a failure word on a message that
//! shows registry work is named even when nothing else recognised it. A bare `registry`,
//! `manifest` or `blob` is not registry work by itself (a build cache's layer blob, an
//! exporter's manifest list, a chart's rendered manifests carry them): the message must also
//! show a registry's conversation (the API path, an image reference, a transfer of a manifest,
//! blob or image, a client's push, pull or login, the registry's own code words) or a refusal.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

/// Literals (lowercase) that may announce a protocol-level signal; lines holding none of
/// them are never examined here.
pub(crate) const LITERALS: &[&str] = &[
    "unauthorized",
    "denied",
    "forbidden",
    "status",
    "http code",
    "_unknown",
    "toomanyrequests",
    "unavailable",
    "_invalid",
    "response body",
    "<title>",
    " token",
    " got 4",
    " got 5",
    // A status after `returned` with no other literal on its line (`you are not authorized to
    // perform this operation: server returned 401.`, notary's trust-server client under a
    // `docker pull`); the status expression already reads `returned NNN`.
    " returned 4",
    " returned 5",
    " not found",
    "client error",
    "server error",
    "response code",
    "authentication required",
    "authentication is required",
    "code: ",
    // The never-silence net: a failure word on a message that shows registry work.
    "error",
    "fail",
    "fatal",
    "unable to",
    "could not",
    "cannot ",
    // A layer the docker CLI is still retrying when the log ends.
    "retrying in ",
    // Kubernetes' waiting reason for a pull that failed and is tried again later.
    super::lines::KUBELET_BACKOFF[0],
    super::lines::KUBELET_BACKOFF[1],
];

/// The protocol names a catalog pattern can claim.
pub(crate) const NAMES: &[&str] = &[
    "status-401",
    "status-403",
    "status-404",
    "status-413",
    "html-405",
    "status-429",
    "status-5xx",
    "blob-unknown",
    "name-invalid",
    "token-failed",
    "helper-failed",
    "registry-failed",
    "layer-retrying",
    "pull-backoff",
];

/// The names the never-silence net gives: a finding named by one of them is dropped when the
/// log names any other cause.
pub(crate) const NET: &[&str] = &[
    "helper-failed",
    "registry-failed",
    "layer-retrying",
    "pull-backoff",
];

/// One protocol-level signal found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detected {
    /// One of [`NAMES`].
    pub name: &'static str,
    /// Byte range of the evidence in the message.
    pub start: usize,
    pub end: usize,
}

struct Patterns {
    code: Regex,
    camel: Regex,
    not_found: Regex,
    status: Regex,
    reason: Regex,
    html: Regex,
    token: Regex,
    word: Regex,
    failure: Regex,
    work: Regex,
    conversation: Regex,
    helper: Regex,
    refusal: Regex,
    retrying: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        let ci = |re: &str| RegexBuilder::new(re).case_insensitive(true).build().ok();
        Some(Patterns {
            // OCI distribution error codes, as clients print them (`CODE: message`) or inside
            // a JSON envelope (`"code":"CODE"`, also escaped). Upper case only: `denied:` in
            // lower case is a message, handled below. `UNAVAILABLE` (`service unavailable`,
            // 503) is distribution's own code for a registry that cannot serve, which ghcr.io
            // answers during an outage.
            code: Regex::new(
                r#"\b(UNAUTHORIZED|DENIED|NAME_UNKNOWN|MANIFEST_UNKNOWN|BLOB_UNKNOWN|BLOB_UPLOAD_UNKNOWN|TOOMANYREQUESTS|NAME_INVALID|TAG_INVALID|UNAVAILABLE)\b(?:\s*:|\\?")"#,
            )
            .ok()?,
            // The same codes as a typed client prints its error enum (`ErrorInfo { code:
            // Unauthorized, ... }`, Rust's oci-client and others).
            camel: Regex::new(
                r"\bcode:\s*(Unauthorized|Denied|NameUnknown|ManifestUnknown|BlobUnknown|TooManyRequests|NameInvalid|TagInvalid)\b",
            )
            .ok()?,
            // An image reference the registry does not hold, as buildx imagetools and crane
            // print it (`ERROR: ghcr.io/o/app@sha256:...: not found`), and helm a chart
            // reference (`oci://registry.k8s.io/charts/app:4.14.1: not found`).
            // docker app and other clients also end the message with the reference and `not
            // found` without the colon (`failed to resolve bundle manifest "HOST/o/app:0.3.0":
            // HOST/o/app:0.3.0 not found`); that form needs the tag or digest and the end of
            // the message.
            not_found: ci(
                r"(?:^|[\s\x22'\[]|oci://)[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?/[^\s:@]+(?:(?::[\w.-]+|@sha256:[0-9a-f.]+)?:\s*not found\b|(?::[\w.-]+|@sha256:[0-9a-f]+)\s+not found\s*$)",
            )?,
            // A status number after the words clients put before it: `status 401`, `status
            // code 403`, `got 401`, `HTTP code 502`, `status: 502`, `Response Status: "401`,
            // `invalid status code from registry 403`, `error parsing HTTP 405 response body`,
            // sigstore-js's OCI client (`Error fetching URL - expected 200, received 401`).
            status: ci(
                r#"(?:status|http code|http|\bgot|returned|response code|server error|\bexpected [1-5]\d\d,? received)(?:\s*code)?(?:\s+from\s+registry)?\s*[:=]?\s*[{("\\]*\s*([1-5]\d\d)\b"#,
            )?,
            // A status number with its reason phrase: `401 Unauthorized`, `403 (Forbidden)`,
            // Python's `401 Client Error: UNAUTHORIZED for url: ...`.
            reason: ci(
                r"\b(401|403|404|405|413|429|500|502|503|504)\s*\(?\s*(?:client error|server error|unauthorized|forbidden|not found|not allowed|method not allowed|request entity too large|payload too large|too many requests|internal server error|bad gateway|service unavailable|gateway time)",
            )?,
            // An HTML error page from a proxy or a host that is not a registry.
            html: ci(r"<(?:title|h1)>\s*([1-5]\d\d)\b")?,
            // The token request failed without a status in the text.
            token: ci(
                r"failed to fetch (?:oauth|anonymous) token|unable to decode token response|did not include a token|requesting bearer token|unable to retrieve auth token|failed to authorize",
            )?,
            // `unauthorized:` / `denied:` as a message prefix (not `Permission denied:`), or
            // the whole message, also as a page quotes it at the end of a sentence (`docker
            // pull REF` fails with `unauthorized`.).
            word: ci(r"(?:^|[^a-z_])(unauthorized|denied|forbidden)(?:\s*:|`?\s*\.?\s*$)")?,
            // The never-silence net. A failure, in any client's words.
            failure: ci(
                r"\b(?:error|errors|failed|failure|fatal|unable to|could not|cannot|bad response)\b",
            )?,
            // Registry work named in the same message: the API path, a registry, a manifest
            // or blob, a push, pull or login of an image; a request to a registry's token
            // service (`https://ghcr.io/token`, `https://HOST/v2/token`: the distribution
            // token protocol's realm).
            work: ci(
                r"/v2/|\bregistry\b|\bregistries\b|\bmanifests?\b|\bblobs?\b|\b(?:docker|podman|buildah|helm|oras) (?:push|pull|login)\b|\b(?:push|pull|login)(?:ing)? (?:to|from|for|into) (?:registry|'?[a-z0-9-]+(?:\.[a-z0-9-]+)+)|https?://[^\s/]+/(?:v2/)?token\b|\b(?:unable to|failed to|could not|cannot) (?:pull|push) image\b",
            )?,
            // What makes a bare `registry`, `manifest` or `blob` a registry's conversation
            // rather than a word in a build's, a chart's or a local store's message, besides
            // the work expression's own stronger forms (the API path, a client's push, pull or
            // login, a token URL): an image reference (`HOST/NAMESPACE/NAME`,
            // `HOST:PORT/NAME:TAG`, `HOST/NAME@sha256:...`; not inside a URL, as a request to a
            // cache or an API host is not an image, and not a bare `PREFIX/NAME`, which is
            // also how a Kubernetes label key such as `app.kubernetes.io/managed-by` is
            // written), docker's `registry endpoint`, the registry's `manifest unknown` /
            // `blob unknown` / `blob upload invalid`, containerd's `unexpected status` for a
            // registry's answer, or a transfer of a manifest, blob or image (`pulling
            // manifest`, `fetch the manifest`, `uploading blob`, `Error reading config blob`).
            conversation: ci(
                r#"(?:^|[\s"'(\[=]|docker://|oci://)(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost)(?::\d+)?/[a-z0-9_][\w.-]*(?:/[a-z0-9_]|:\w|@sha256:)|\bregistry endpoints?\b|\b(?:manifest|blob) unknown\b|\bblob upload\b|\bunexpected status\b|\b(?:pull|push|fetch|upload|download|get|head|put|read|resolv|copy)\w*\s+(?:(?:the|an?|image|config|layer|docker|container|bundle|remote)\s+)*(?:manifest|blob|image)s?\b"#,
            )?,
            // A credential helper or the credential store it serves, named.
            helper: ci(
                r"docker-credential-|credential[- ]?helper|\bcredhelpers?\b|\bcredsstore\b|(?:getting|storing|retrieving|erasing) credentials|unable to retrieve credentials|ecr-login",
            )?,
            // A refusal word anywhere in the message (the net's specific case).
            refusal: ci(r"\b(forbidden|unauthorized|access denied|authorization failed)\b")?,
            // The docker CLI's progress line for a layer whose transfer failed and is tried
            // again (`8ac8bfaff55a: Retrying in 10 seconds`); the error itself is not printed
            // until the retries run out, and a log that ends here never shows it.
            retrying: ci(r"^[0-9a-f]{12}: retrying in \d+ seconds?\s*$")?,
        })
    })
    .as_ref()
}

fn status_name(status: &str) -> Option<&'static str> {
    match status {
        "401" => Some("status-401"),
        "403" => Some("status-403"),
        "404" => Some("status-404"),
        "413" => Some("status-413"),
        "429" => Some("status-429"),
        "405" | "500" | "502" | "503" | "504" => Some("status-5xx"),
        // Cloudflare's own answers when the registry behind it is down, unreachable or slow
        // (`error code: 522`): the registry failed, not the client.
        "520" | "521" | "522" | "523" | "524" | "525" | "526" => Some("status-5xx"),
        _ => None,
    }
}

fn code_name(code: &str) -> Option<&'static str> {
    match code {
        "UNAUTHORIZED" => Some("status-401"),
        "DENIED" => Some("status-403"),
        "NAME_UNKNOWN" | "MANIFEST_UNKNOWN" => Some("status-404"),
        "BLOB_UNKNOWN" | "BLOB_UPLOAD_UNKNOWN" => Some("blob-unknown"),
        // `TooManyRequests`, a typed client's spelling, becomes `TOO_MANY_REQUESTS` by
        // [`camel_to_code`].
        "TOOMANYREQUESTS" | "TOO_MANY_REQUESTS" => Some("status-429"),
        "NAME_INVALID" | "TAG_INVALID" => Some("name-invalid"),
        "UNAVAILABLE" => Some("status-5xx"),
        _ => None,
    }
}

/// `NameUnknown` → `NAME_UNKNOWN`.
fn camel_to_code(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, ch) in camel.chars().enumerate() {
        if i > 0 && ch.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// True when the message is a client's debug trace of the `/v2/` ping answered 401 (`Ping
/// https://registry-1.docker.io/v2/ status 401`): that answer is the registry's
/// authentication challenge, which every client receives before it asks for a token, not a
/// failure.
fn is_challenge_ping(lower: &str) -> bool {
    lower.find("ping ").is_some_and(|i| {
        let rest = &lower[i..];
        rest.contains("/v2/") && rest.contains("401") && !rest.contains("error")
    })
}

/// True when the message carries an HTML page (a web server's or a proxy's error page).
fn is_html(lower: &str) -> bool {
    lower.contains("<html") || lower.contains("<title>") || lower.contains("<h1>")
}

/// True when `message` carries the status `signal` (`status-429`, ...) in any form [`detect`]
/// reads one: an OCI error code, a typed client's code, a status with its reason phrase, a
/// status after a client's words, an HTML page's title; also when [`detect`]'s first signal in
/// the message is another one (`denied: ... 429 Too Many Requests`).
pub(crate) fn carries_status(message: &str, signal: &str) -> bool {
    let Some(p) = patterns() else {
        return false;
    };
    let codes = p
        .code
        .captures_iter(message)
        .filter_map(|c| c.get(1).and_then(|m| code_name(m.as_str())));
    let camels = p
        .camel
        .captures_iter(message)
        .filter_map(|c| c.get(1).and_then(|m| code_name(&camel_to_code(m.as_str()))));
    let statuses = [&p.reason, &p.status, &p.html].into_iter().flat_map(|re| {
        re.captures_iter(message)
            .filter_map(|c| c.get(1).and_then(|m| status_name(m.as_str())))
    });
    codes
        .chain(camels)
        .chain(statuses)
        .any(|name| name == signal)
}

/// The protocol-level signal in one message (a segment of a cleaned line), if any: an OCI
/// error code first, then an HTTP status, then a failed token request, then `unauthorized`,
/// `denied` or `authentication required` as the message.
pub(crate) fn detect(message: &str) -> Option<Detected> {
    let p = patterns()?;
    let lower = message.to_ascii_lowercase();
    if is_challenge_ping(&lower) {
        return None;
    }
    let found = |name: &'static str, start: usize, end: usize| Detected { name, start, end };
    for c in p.code.captures_iter(message) {
        if let (Some(m), Some(whole)) = (c.get(1), c.get(0))
            && let Some(name) = code_name(m.as_str())
        {
            return Some(found(name, m.start(), whole.end()));
        }
    }
    for c in p.camel.captures_iter(message) {
        if let (Some(m), Some(whole)) = (c.get(1), c.get(0))
            && let Some(name) = code_name(&camel_to_code(m.as_str()))
        {
            return Some(found(name, whole.start(), whole.end()));
        }
    }
    for re in [&p.reason, &p.status, &p.html] {
        for c in re.captures_iter(message) {
            if let (Some(m), Some(whole)) = (c.get(1), c.get(0))
                && let Some(name) = status_name(m.as_str())
            {
                // A registry answers a method it does not allow with a JSON error; an HTML
                // `405 Not Allowed` page comes from the web server or proxy in front of it.
                let name = if m.as_str() == "405" && is_html(&lower) {
                    "html-405"
                } else {
                    name
                };
                return Some(found(name, whole.start(), whole.end()));
            }
        }
    }
    if let Some(m) = p.token.find(message) {
        return Some(found("token-failed", m.start(), m.end()));
    }
    // Every form ends in `not found`; the words are looked for first, as the expression's
    // host-like start would otherwise be tried at every word of every line.
    if lower.contains("not found")
        && let Some(m) = p.not_found.find(message)
    {
        return Some(found("status-404", m.start(), m.end()));
    }
    for c in p.word.captures_iter(message) {
        let Some(m) = c.get(1) else { continue };
        let before = message[..m.start()].to_ascii_lowercase();
        if before.trim_end().ends_with("permission") || before.trim_end().ends_with("access") {
            continue;
        }
        let name = if m.as_str().eq_ignore_ascii_case("unauthorized") {
            "status-401"
        } else {
            "status-403"
        };
        return Some(found(name, m.start(), m.end()));
    }
    // `error from registry: authentication required` (docker 25 and later), `UNAUTHORIZED:
    // authentication required` in lower case, Artifactory's and Nexus's `unknown:
    // Authentication is required`; a proxy's `407 Proxy Authentication Required` is not the
    // registry's.
    for phrase in ["authentication required", "authentication is required"] {
        if let Some(i) = lower.find(phrase)
            && !lower[..i].trim_end().ends_with("proxy")
        {
            return Some(found("status-401", i, i + phrase.len()));
        }
    }
    if let Some(m) = p.retrying.find(message) {
        return Some(found("layer-retrying", m.start(), m.end()));
    }
    if let Some(net) = never_silent(p, message, &lower) {
        return Some(net);
    }
    // Kubernetes' waiting reason for an image pull that failed and is retried later, as
    // `kubectl get pods` lists it (`app-6fd4  0/1  ImagePullBackOff  0  7s`) and a pod's status
    // or events print it (`Back-off pulling image "HOST/NAME:TAG"`), without the pull's own
    // error.
    super::lines::KUBELET_BACKOFF.iter().find_map(|w| {
        lower
            .find(w)
            .map(|at| found("pull-backoff", at, at + w.len()))
    })
}

/// The net under every other signal: a message that carries the marks of a failure (an
/// error, `failed`, `fatal`, `unable to`, ...) together with the marks of registry work or of
/// a credential helper is never left without a cause. A named credential helper names
/// `helper-failed`; a refusal word names its status; anything else is `registry-failed`, the
/// registry's (or the way to it's) failure without a reason the log gives. A bare word of
/// registry work speaks only with a registry's conversation or a refusal on the message.
fn never_silent(p: &Patterns, message: &str, lower: &str) -> Option<Detected> {
    if is_warning(lower) {
        return None;
    }
    let fail = p.failure.find(message)?;
    let found = |name: &'static str, start: usize, end: usize| Detected { name, start, end };
    if let Some(h) = p.helper.find(message) {
        return Some(found("helper-failed", h.start(), h.end()));
    }
    // A word that is part of a name (`secret "registry-creds"`, `REGISTRY_PASSWORD`) names a
    // thing, not registry work.
    let mut works = p.work.find_iter(message).filter(|m| {
        !super::lines::part_of_name(message, m.start(), m.end())
            && !names_other_work(lower, m.start(), m.end())
    });
    let work = works.next()?;
    // Is some word of registry work more than a bare `registry`, `manifest` or `blob`?
    let strong = !is_bare_work(work.as_str()) || works.any(|m| !is_bare_work(m.as_str()));
    // A daemon that cannot be reached is not a registry's failure, nor is a local build's, nor
    // an image the tool looked up in its own store (podman's `error retrieving local image`).
    if lower.contains("docker daemon")
        || lower.contains("docker.sock")
        || lower.contains("local image")
    {
        return None;
    }
    // A reference that did not parse was never sent: `registry` in oras-go's `invalid
    // reference: missing registry or repository` (and docker's `invalid reference format`)
    // names a part of the reference, and the reference patterns speak for it.
    if lower.contains("invalid reference") {
        return None;
    }
    let refusal = p.refusal.captures(message).and_then(|c| c.get(1));
    // A failure word and a bare `registry`, `manifest` or `blob` are not enough: a layer blob
    // written to a build cache, a manifest list an exporter cannot write, a chart's rendered
    // manifests, a manifest a tool cannot decode from a local directory all carry them. The
    // message must also show the registry's conversation, or the registry's refusal.
    if refusal.is_none() && !strong && !p.conversation.is_match(message) {
        return None;
    }
    if let Some(r) = refusal {
        let name = if r.as_str().eq_ignore_ascii_case("forbidden")
            || r.as_str().eq_ignore_ascii_case("access denied")
        {
            "status-403"
        } else {
            "status-401"
        };
        return Some(found(name, r.start(), r.end()));
    }
    let (start, end) = (fail.start().min(work.start()), fail.end().max(work.end()));
    Some(found("registry-failed", start, end))
}

/// True when a match of the work expression is only a bare `registry`, `registries`,
/// `manifest(s)` or `blob(s)`: a word that a build's, a chart's or a local store's message
/// carries too.
fn is_bare_work(word: &str) -> bool {
    [
        "registry",
        "registries",
        "manifest",
        "manifests",
        "blob",
        "blobs",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

/// True when the word of registry work at `start..end` of the lower-cased message means
/// something else where it stands: Maven's `on project NAME:` names a project (a project
/// called `registry`), and a manifest that is generated (`failed to generate manifest`,
/// `Manifest generation error`, Argo CD's and Kustomize's wording) is a Kubernetes manifest,
/// not an image's; nor is one that is built (`error: cannot build manifest: initializing dnf
/// ...`, osbuild's and bootc-image-builder's wording for the build description it writes
/// before it runs), unless it is a manifest list.
fn names_other_work(lower: &str, start: usize, end: usize) -> bool {
    let before = lower.get(..start).unwrap_or_default();
    let after = lower.get(end..).unwrap_or_default();
    if before.ends_with("on project ") {
        return true;
    }
    let word = lower.get(start..end).unwrap_or_default();
    word.starts_with("manifest")
        && (before.ends_with("generate ")
            || before.ends_with("generating ")
            || after.starts_with(" generation")
            || (before.ends_with("build ") && !after.starts_with(" list")))
}

/// True when the message is a build tool's warning (`[WARNING] ...`, `[WARN] ...`, as Maven,
/// Gradle and jib print them): the tool went on after it, so the message is not the failure.
/// jib warns that a helper named only in the docker configuration is missing (`[WARNING] The
/// system does not have docker-credential-desktop CLI`, `[WARNING]   Caused by: Cannot run
/// program "docker-credential-desktop": error=2, ...`) and uses another credential. A Go
/// tool's warning is left alone: podman prints the error it retries on as `WARN[0001] failed,
/// retrying in 1s ... Error: ...`, and the last retry's error is the failure.
fn is_warning(lower: &str) -> bool {
    let start = lower.trim_start();
    start.starts_with("[warning]") || start.starts_with("[warn]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_net_does_not_speak_on_a_tools_own_warning() {
        let warned = r#"[WARNING]   Caused by: Cannot run program "docker-credential-desktop": error=2, No such file or directory"#;
        assert_eq!(name(warned), None);
        // The same words as an error still name the helper.
        assert_eq!(
            name(
                r#"[ERROR] Caused by: Cannot run program "docker-credential-desktop": error=2, No such file or directory"#
            ),
            Some("helper-failed")
        );
    }

    fn name(s: &str) -> Option<&'static str> {
        detect(s).map(|d| d.name)
    }

    #[test]
    fn a_reference_then_not_found_at_the_end() {
        assert_eq!(
            name(
                "Error: docker.io/o/app:0.3.0: failed to resolve bundle manifest \"docker.io/o/app:0.3.0\": docker.io/o/app:0.3.0 not found"
            ),
            Some("status-404")
        );
        // Without a tag or digest, or with words after it, the space form is not the registry's.
        assert_ne!(
            name("module github.com/o/app not found"),
            Some("status-404")
        );
    }

    #[test]
    fn the_net_does_not_speak_on_a_reference_that_did_not_parse() {
        assert_eq!(
            name(
                "Error: unable to add tag for 'dir@v1': invalid reference: missing registry or repository"
            ),
            None
        );
    }

    #[test]
    fn http_statuses_in_any_wording() {
        // sigstore-js's OCI client (actions/attest-build-provenance's push of an attestation).
        assert_eq!(
            name(
                "Error fetching https://acme.azurecr.io/oauth2/token?scope=repository%3Aapp%3Apull - expected 200, received 401"
            ),
            Some("status-401")
        );
        assert_eq!(name("expected 200, received"), None);
        assert_eq!(
            name("error: POST failed; expected status {202} but got 401: Unauthorized"),
            Some("status-401")
        );
        assert_eq!(
            name("Error initiating layer upload to /v2/library/busybox/blobs/uploads/, status 401"),
            Some("status-401")
        );
        assert_eq!(
            name("error checking push permissions...unsupported status code 401"),
            Some("status-401")
        );
        assert_eq!(
            name(r#"< Response Status: "401 Unauthorized""#),
            Some("status-401")
        );
        assert_eq!(
            name("Requesting bearer token: invalid status code from registry 403 (Forbidden)"),
            Some("status-403")
        );
        assert_eq!(
            name("Error pushing to registry: Server error: 502 trying head request for o/app"),
            Some("status-5xx")
        );
        assert_eq!(
            name("HTTP code 502 while uploading metadata: invalid character '<'"),
            Some("status-5xx")
        );
        assert_eq!(
            name("login attempt to https://r.example/v2/ failed with status: 502 Bad Gateway"),
            Some("status-5xx")
        );
        assert_eq!(
            name(
                "unexpected status from GET request to https://r/v2/x/manifests/1: 429 Too Many Requests"
            ),
            Some("status-429")
        );
        // A proxy's body-size limit, in the Go client's and in containers/image's wording.
        assert_eq!(
            name(
                r#"error parsing HTTP 413 response body: invalid character '<' looking for beginning of value: "<html><head><title>413 Request Entity Too Large</title>""#
            ),
            Some("status-413")
        );
        assert_eq!(
            name("Error: writing blob: uploading layer chunked: StatusCode: 413, <html>"),
            Some("status-413")
        );
        // Success codes are not failures.
        assert_eq!(name("status 201 created"), None);
        // Python's requests and Azure's CLI.
        assert_eq!(
            name("401 Client Error: UNAUTHORIZED for url: https://quay.io/cnr/api/v1/users/login"),
            Some("status-401")
        );
        assert_eq!(
            name("Access to registry 'foo.azurecr.io' was denied. Response code: 403."),
            Some("status-403")
        );
    }

    #[test]
    fn oci_codes_and_json_envelopes() {
        assert_eq!(
            name(r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#),
            Some("status-401")
        );
        assert_eq!(
            name(r#"level=error msg="UNAUTHORIZED: \"authentication required\"""#),
            Some("status-401")
        );
        assert_eq!(
            name(r#"\"code\":\"DENIED\",\"message\":\"x\""#),
            Some("status-403")
        );
        assert_eq!(
            name("MANIFEST_UNKNOWN: manifest unknown"),
            Some("status-404")
        );
        assert_eq!(
            name("BLOB_UNKNOWN: blob unknown to registry"),
            Some("blob-unknown")
        );
        assert_eq!(
            name(
                r#"{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"blob upload unknown to registry"}]}"#
            ),
            Some("blob-unknown")
        );
        // A reference the registry does not hold, in buildx imagetools' wording.
        assert_eq!(
            name("ERROR: ghcr.io/octo-org/app@sha256:0123abcd: not found"),
            Some("status-404")
        );
        assert_eq!(name("file config.yaml: not found"), None);
        // A helm chart reference, its `oci://` scheme right before the host.
        assert_eq!(
            name(
                "Error: could not download chart: oci://registry.k8s.io/charts/app:4.14.1: not found"
            ),
            Some("status-404")
        );
        assert_eq!(name("Error: oci://: not found"), None);
        // A layer the docker CLI is still retrying; not a sentence that mentions retrying.
        assert_eq!(
            name("8ac8bfaff55a: Retrying in 10 seconds "),
            Some("layer-retrying")
        );
        assert_eq!(
            name("8ac8bfaff55a: Retrying in 1 second"),
            Some("layer-retrying")
        );
        assert_eq!(name("upload failed, retrying in 10 seconds"), None);
        // Kubernetes' back-off on a pull, with no error of the pull's own.
        assert_eq!(
            name("app-deployment-6fd48545f4-kmnc6   0/1     ImagePullBackOff   0          7s"),
            Some("pull-backoff")
        );
        assert_eq!(
            name(r#"message: Back-off pulling image "gcr.io/o/app:1""#),
            Some("pull-backoff")
        );
        assert_eq!(name(r#""code": "TOOMANYREQUESTS","#), Some("status-429"));
        assert_eq!(
            name("ErrorInfo { code: TooManyRequests, message: None }"),
            Some("status-429")
        );
        assert_eq!(
            name(
                "GET https://ghcr.io/token?scope=repository%3Ao%2Fdb%3Apull&service=ghcr.io: UNAVAILABLE: service unavailable"
            ),
            Some("status-5xx")
        );
        assert_eq!(
            name(r#"{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}"#),
            Some("status-5xx")
        );
        // gRPC's status as Go prints it is not a registry's code.
        assert_eq!(
            name("rpc error: code = Unavailable desc = connection error"),
            None
        );
        // A typed client's error enum, printed with Debug.
        assert_eq!(
            name(
                r#"RegistryError(ErrorResponse { errors: [ErrorInfo { code: Unauthorized, message: Some("authentication required"), detail: None }] })"#
            ),
            Some("status-401")
        );
        assert_eq!(
            name("ErrorInfo { code: ManifestUnknown, message: None }"),
            Some("status-404")
        );
        // Lower-case words are not codes; a constant in code is not one either.
        assert_eq!(name("const DENIED_RETRIES = 3"), None);
    }

    #[test]
    fn html_pages_from_proxies() {
        assert_eq!(
            name(
                r#"error parsing HTTP 405 response body: invalid character '<' looking for beginning of value: "<html>\r\n<head><title>405 Not Allowed</title>""#
            ),
            Some("html-405")
        );
        assert_eq!(
            name("<html><head><title>403 Forbidden</title></head>"),
            Some("status-403")
        );
        // A 405 as an HTML page is the web server's or proxy's, never the registry's.
        assert_eq!(
            name("unknown: <html><head><title>405 Not Allowed</title></head>"),
            Some("html-405")
        );
        // A 405 without a page is a registry's answer.
        assert_eq!(
            name("unexpected status: 405 Method Not Allowed"),
            Some("status-5xx")
        );
    }

    #[test]
    fn token_failures_and_bare_words() {
        assert_eq!(
            name(
                "Error: failed to authorize: failed to fetch oauth token: unable to decode token response: invalid character '<'"
            ),
            Some("token-failed")
        );
        assert_eq!(name("denied"), Some("status-403"));
        assert_eq!(
            name("exists in quay.io/u/op: unauthorized:                \\"),
            Some("status-401")
        );
        assert_eq!(
            name("error from registry: authentication required"),
            Some("status-401")
        );
        assert_eq!(
            name(
                "Error response from daemon: Get https://r.example/v2/app/manifests/1: unknown: Authentication is required"
            ),
            Some("status-401")
        );
        assert_eq!(
            name("Get https://r.example/v2/: Proxy Authentication Required"),
            None
        );
        // The 401 that answers the `/v2/` ping is the challenge every client gets first.
        assert_eq!(
            name("DEBU[0001] Ping https://registry-1.docker.io/v2/ status 401"),
            None
        );
        // A file-system permission error is not a registry's answer.
        assert_eq!(
            name("PermissionError: [Errno 13] Permission denied: '/var/run/docker.sock'"),
            None
        );
    }

    #[test]
    fn never_silent_net_names_a_failure_at_registry_work() {
        // A failed login, pull or push with no reason any other signal knows.
        assert_eq!(
            name("Error: Docker login for 'ghcr.io' failed with exit code 1"),
            Some("registry-failed")
        );
        assert_eq!(
            name(
                "Warning: failed to get default registry endpoint from daemon (Error response from daemon: Bad response from Docker engine)"
            ),
            Some("registry-failed")
        );
        assert_eq!(
            name("Error reading manifest 8.4.1 in docker.io/concourse/concourse"),
            Some("registry-failed")
        );
        // A named credential helper that failed.
        assert_eq!(
            name(
                r#"level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: NoCredentialProviders""#
            ),
            Some("helper-failed")
        );
        // A refusal word anywhere in a failed registry message names its status.
        assert_eq!(
            name(
                "Failed to push to app registry: Quay.io answered: 'forbidden' (Unauthorized access for: o/op)"
            ),
            Some("status-403")
        );
    }

    #[test]
    fn never_silent_net_stays_quiet_without_both_marks() {
        // A failure with no registry work, registry work with no failure.
        assert_eq!(
            name("error: failed to compile `app` due to 2 previous errors"),
            None
        );
        assert_eq!(name("Pushing manifest for ghcr.io/o/app:1.0"), None);
        assert_eq!(name("The push refers to repository [ghcr.io/o/app]"), None);
        // A logging driver's missing AWS credentials, a daemon socket, a build step.
        assert_eq!(
            name(
                "starting container failed: failed to initialize logging driver: NoCredentialProviders: no valid providers in chain"
            ),
            None
        );
        assert_eq!(
            name(
                "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json\": dial unix /var/run/docker.sock: connect: permission denied"
            ),
            None
        );
        assert_eq!(
            name(
                "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2"
            ),
            None
        );
        // Words of registry work that mean other things where they stand: a Maven project
        // named `registry`, a generated Kubernetes manifest, an image in the local store.
        assert_eq!(
            name(
                "[ERROR] Failed to execute goal com.example:plugin:1.0:build (default-cli) on project registry: the jar was not packaged"
            ),
            None
        );
        assert_eq!(
            name(
                "Failed to load target state: failed to generate manifest for source 1 of 1: Manifest generation error (cached): open charts/Chart.yaml: no such file or directory"
            ),
            None
        );
        assert_eq!(
            name(
                "2024/09/18 09:56:18 error: cannot build manifest: initializing dnf in 3895ee04 container failed: exit status 2"
            ),
            None
        );
        assert_eq!(
            name(
                "Error: error retrieving local image from image name quay.io/o/app:1: quay.io/o/app:1: image is not a manifest list"
            ),
            None
        );
    }

    #[test]
    fn never_silent_net_needs_a_registry_conversation_not_a_bare_word() {
        // A failure word and a bare `blob`, `manifest` or `registry` that are not a registry's
        // failure: a build cache, an exporter, a chart's rendered manifests, a local directory,
        // a label key that looks like a `HOST/NAME`.
        for line in [
            r#"ERROR: failed to solve: error writing layer blob: Patch "https://acghubeus1.actions.githubusercontent.com/x/_apis/artifactcache/caches/1": read tcp 172.17.0.2:57224->20.60.63.33:443: use of closed network connection"#,
            "error: failed to solve: failed to compute cache key: blob not found",
            "ERROR: docker exporter does not currently support exporting manifest lists",
            r#"Error: rendered manifests contain a resource that already exists. Unable to continue with install: missing key "app.kubernetes.io/managed-by": must be set to "Helm""#,
            "FATA[0000] initializing image from source dir:/tmp/x: json: cannot unmarshal array into Go value of type manifest.Schema1",
            "Error: Error uploading artifact to container registry",
        ] {
            assert_eq!(name(line), None, "{line}");
        }
        // The same words with the registry's conversation on the message still speak: an
        // image reference, the API path, a transfer of a manifest or blob, docker's registry
        // endpoint, the registry's own code words.
        for line in [
            r#"level=fatal msg="Error copying tag \"docker://registry.example.com/o/app:1.0\": Error reading config blob sha256:c912f3: stream error""#,
            r#"failed to copy: httpReadSeeker: failed open: content at https://ghcr.io/v2/o/app/manifests/sha256:a1b4"#,
            "WARNING: Could not fetch the manifest. Either there was an authentication issue or trying to pull an image with OCI image media types.",
            "Could not reach any registry endpoint",
            // A bare word first, a client's push later on the message.
            "fatal: registry error while running docker push",
            r#"failed commit on ref "layer-sha256:a3ed95ca": unexpected status: 400 Bad Request: blob upload invalid"#,
        ] {
            assert_eq!(name(line), Some("registry-failed"), "{line}");
        }
    }

    #[test]
    fn cloudflare_origin_errors_are_server_failures() {
        assert_eq!(
            name(
                r#"error parsing HTTP 522 response body: invalid character 'e' looking for beginning of value: "error code: 522""#
            ),
            Some("status-5xx")
        );
        assert_eq!(
            name("Error response from daemon: received unexpected HTTP status: 524"),
            Some("status-5xx")
        );
        // Not every 5xx-looking number is a status.
        assert_eq!(name("error parsing HTTP 599 response body"), None);
    }

    #[test]
    fn a_status_is_found_behind_the_first_signal() {
        // `detect` names the refusal first; the 429 later in the message is still there.
        let denied = "DENIED: limit hit (remote response: 429 Too Many Requests)";
        assert_eq!(name(denied), Some("status-403"));
        assert!(carries_status(denied, "status-429"));
        for (message, carried) in [
            (
                "unexpected status code https://r/v2/a/manifests/1: 429 Too Many Requests",
                true,
            ),
            (
                r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#,
                true,
            ),
            ("ErrorInfo { code: TooManyRequests, message: None }", true),
            ("received unexpected HTTP status: 429", true),
            ("upload rate 3.2 MB/s; 429 layers exported", false),
            ("denied: requested access to the resource is denied", false),
        ] {
            assert_eq!(carries_status(message, "status-429"), carried, "{message}");
        }
    }
}
