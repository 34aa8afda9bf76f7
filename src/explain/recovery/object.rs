//! What a log line's operation concerns: an image, a layer, or a login to a registry host,
//! read from a failure, from a line that shows the operation completing, or from a command
//! that starts one.

use std::sync::OnceLock;

use regex::Regex;

use crate::command_words;
use crate::t;

/// The thing an operation in a log works on, normalised so that a failure and the retry that
/// completed it name the same object however the client spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Object {
    /// An image: `host/path:tag` (Docker Hub's names in full: `docker.io/library/nginx:latest`).
    Image(String),
    /// A repository whose tag the failure did not name (`host/path`): any tag of it
    /// completing counts.
    Repository(String),
    /// A layer or blob, by the first 12 hex digits of its digest (how docker names layers).
    Layer(String),
    /// A login to a registry host (first) by one client (second): another client's login
    /// (helm reads its own trust and credentials) is another operation.
    Login(String, String),
}

impl Object {
    /// The object as the recovered finding's evidence records it, the same in every language
    /// (`image ghcr.io/o/app:1`, `layer 3b1f0d5c7e9a`, `login ghcr.io with docker`).
    pub(crate) fn describe(&self) -> String {
        match self {
            Object::Image(s) | Object::Repository(s) => format!("image {s}"),
            Object::Layer(s) => format!("layer {s}"),
            Object::Login(host, client) => format!("login {host} with {client}"),
        }
    }

    /// The object in the reader's language, for the finding's message.
    pub(crate) fn shown(&self) -> String {
        match self {
            Object::Image(s) | Object::Repository(s) => t!("explain.object-image", name = s),
            Object::Layer(s) => t!("explain.object-layer", id = s),
            Object::Login(host, client) => {
                t!("explain.object-login", host = host, client = client)
            }
        }
    }
}

/// The login to `host` by `client`.
pub(crate) fn login(host: &str, client: &str) -> Object {
    Object::Login(host.to_owned(), client.to_owned())
}

/// An operation a command line or a client's status line starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Start {
    /// A login: the host and the client.
    Login(String, String),
    Pull(Object),
    Push(String),
}

struct Patterns {
    url: Regex,
    layer_line: Regex,
    digest: Regex,
    quoted_image: Regex,
    command: Regex,
    push_refers: Regex,
    trying_to_pull: Regex,
    logging_into: Regex,
    status_image: Regex,
    naming_to: Regex,
    tag_digest: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        Some(Patterns {
            url: Regex::new(r"https?://([A-Za-z0-9.-]+(?::\d+)?)(/[^\s\x22'\\)]*)?").ok()?,
            layer_line: Regex::new(r"^([0-9a-f]{12}): ").ok()?,
            digest: Regex::new(r"sha256:([0-9a-f]{12})[0-9a-f]{52}").ok()?,
            quoted_image: Regex::new(r#"[Ii]mage\s+\\?["']([^"'\\\s]+)\\?["']"#).ok()?,
            command: Regex::new(
                r"(?:^|[\s/;&|(])(docker|podman|buildah|nerdctl|helm|oras|crane|skopeo)(?:\s+(?:registry|auth|image|--?[A-Za-z-]+(?:[= ][^\s-]\S*)?))*\s+(login|pull|push)\b\s*([^;&|]*)",
            )
            .ok()?,
            push_refers: Regex::new(r"The push refers to (?:a )?repository \[([^\]\s]+)\]").ok()?,
            trying_to_pull: Regex::new(r"Trying to pull ([^\s.]+(?:\.[^\s.]+)*)").ok()?,
            logging_into: Regex::new(r"Logging into ([^\s.]+(?:\.[^\s.]+)*)").ok()?,
            status_image: Regex::new(
                r"Status: (?:Downloaded newer image|Image is up to date) for (\S+)",
            )
            .ok()?,
            naming_to: Regex::new(r"(?:naming to|pushing manifest for) (\S+) (?:[0-9.]+s )?done").ok()?,
            tag_digest: Regex::new(r"^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}): digest: sha256:[0-9a-f]{64} size: \d+").ok()?,
        })
    })
    .as_ref()
}

/// Docker Hub's names for itself; all mean `docker.io`.
const HUB: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

/// A registry host as a login or a request names it, lowercased, without scheme or path.
pub(crate) fn host(raw: &str) -> String {
    let s = raw.trim_matches(|c: char| c == '"' || c == '\'' || c == '[' || c == ']');
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let s = s.split('/').next().unwrap_or_default().to_ascii_lowercase();
    if HUB.contains(&s.as_str()) {
        "docker.io".to_owned()
    } else {
        s
    }
}

/// An image reference, normalised: Docker Hub's host and `library/` made explicit; the tag
/// kept (or `None` when the reference has none and no digest).
fn reference(raw: &str) -> Option<(String, Option<String>)> {
    let s = raw
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '[' | ']' | '(' | ')' | ',' | '.'))
        .trim_start_matches("docker://");
    if s.is_empty() || s.contains("://") || s.starts_with('-') || s.starts_with('$') {
        return None;
    }
    let (name, tag) = match s.split_once('@') {
        Some((name, digest)) => (name, Some(format!("@{digest}"))),
        None => match s.rsplit_once(':') {
            Some((name, tag)) if !tag.contains('/') => (name, Some(tag.to_owned())),
            _ => (s, None),
        },
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':');
    if name.is_empty() || !name.chars().all(valid) {
        return None;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    let first = parts[0];
    let explicit_host =
        parts.len() > 1 && (first.contains('.') || first.contains(':') || first == "localhost");
    let host_part = if explicit_host {
        host(parts.remove(0))
    } else {
        "docker.io".to_owned()
    };
    let mut path = parts.join("/").to_ascii_lowercase();
    if host_part == "docker.io" && !path.contains('/') {
        path = format!("library/{path}");
    }
    Some((format!("{host_part}/{path}"), tag))
}

/// The object of a completed image: the reference with its tag (`latest` when it names none).
fn completed_image(raw: &str) -> Option<Object> {
    let (repo, tag) = reference(raw)?;
    let tag = tag.unwrap_or_else(|| "latest".to_owned());
    Some(Object::Image(join(&repo, &tag)))
}

fn join(repo: &str, tag: &str) -> String {
    if tag.starts_with('@') {
        format!("{repo}{tag}")
    } else {
        format!("{repo}:{tag}")
    }
}

/// The object of a failing image. A reference without a tag means `latest`, as the clients
/// read it (`docker pull app` pulls `app:latest`), so another tag completing does not recover
/// it; only an upload, which names no tag at all, is a [`Object::Repository`].
fn failed_image(raw: &str) -> Option<Object> {
    completed_image(raw)
}

/// What a request URL in a failure concerns, when it says: a manifest (the image), a blob (the
/// layer), an upload (the repository), or `/v2/` and the token endpoint (the host, `None`
/// for the object: the operation under way decides).
pub(crate) enum UrlObject {
    Object(Object),
    Host(String),
}

/// The first registry request URL of `line` and what it concerns.
pub(crate) fn url_object(line: &str) -> Option<UrlObject> {
    let p = patterns()?;
    for c in p.url.captures_iter(line) {
        let host_part = host(&c[1]);
        let path = c.get(2).map_or("", |m| m.as_str());
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if let Some(rest) = path.strip_prefix("/v2/") {
            if rest.is_empty() || rest == "_catalog" || rest == "token" {
                return Some(UrlObject::Host(host_part));
            }
            for (route, kind) in [("/manifests/", 0), ("/blobs/uploads", 1), ("/blobs/", 2)] {
                if let Some((name, reference)) = rest.split_once(route) {
                    let repo = format!("{host_part}/{}", name.to_ascii_lowercase());
                    let reference = reference.trim_end_matches([':', '.', ',']);
                    return match kind {
                        0 if !reference.is_empty() => {
                            let tag = if reference.starts_with("sha256:") {
                                format!("@{reference}")
                            } else {
                                reference.to_owned()
                            };
                            Some(UrlObject::Object(Object::Image(join(&repo, &tag))))
                        }
                        2 => p
                            .digest
                            .captures(reference)
                            .map(|d| UrlObject::Object(Object::Layer(d[1].to_owned()))),
                        _ => Some(UrlObject::Object(Object::Repository(repo))),
                    };
                }
            }
            return None;
        }
        let tail = path.trim_end_matches('/');
        if tail.ends_with("/token") || tail == "/token" || tail.ends_with("/oauth2/token") {
            return Some(UrlObject::Host(host_part));
        }
    }
    None
}

/// The object a failure line names itself, without its URL: a layer id at the start of the
/// line (`3b1f0d5c7e9a: ...`), or an image (`Failed to pull image "nginx"`, `failed to push
/// ghcr.io/o/app:1`).
pub(crate) fn named_object(line: &str) -> Option<Object> {
    let p = patterns()?;
    if let Some(c) = p.layer_line.captures(line) {
        return Some(Object::Layer(c[1].to_owned()));
    }
    if let Some(c) = p.quoted_image.captures(line) {
        return failed_image(&c[1]);
    }
    super::super::image::image_of(line).and_then(|i| failed_image(&i))
}

/// The object a line shows completing, if it is one of the clients' completion lines.
/// `push_repo` is the repository of the push under way (for `TAG: digest: ... size: N`).
pub(crate) fn completed(line: &str, push_repo: Option<&str>) -> Option<Object> {
    let p = patterns()?;
    if let Some(c) = p.layer_line.captures(line) {
        let rest = &line[c[0].len()..];
        return super::LAYER_DONE
            .iter()
            .any(|d| rest.starts_with(d))
            .then(|| Object::Layer(c[1].to_owned()));
    }
    if let Some(c) = p.status_image.captures(line) {
        return completed_image(&c[1]);
    }
    if let Some(rest) = line.split("Successfully pulled image").nth(1) {
        let rest = rest.trim_start().trim_start_matches('\\');
        let r = rest.trim_start_matches(['"', '\'']);
        let end = r.find(['"', '\'', '\\', ' ']).unwrap_or(r.len());
        return completed_image(&r[..end]);
    }
    if let Some(c) = p.naming_to.captures(line) {
        let r = c[1].split('@').next().unwrap_or_default();
        return completed_image(r);
    }
    if let Some(c) = p.tag_digest.captures(line) {
        return push_repo.map(|repo| Object::Image(join(repo, &c[1])));
    }
    if let Some(rest) = line.split("Copying blob ").nth(1) {
        let id = rest.trim_start_matches("sha256:");
        let hex: String = id.chars().take_while(char::is_ascii_hexdigit).collect();
        let after = id[hex.len()..].trim_start();
        let done = after.starts_with("done") || after.starts_with("skipped: already exists");
        return (hex.len() >= 12 && done).then(|| Object::Layer(hex[..12].to_owned()));
    }
    // BuildKit's per-blob progress, its step number taken off: `sha256:... 30.4MB / 30.4MB
    // 1.2s done`, `extracting sha256:... 0.5s done`.
    if line.trim_end().ends_with(" done")
        && (line.starts_with("sha256:") || line.starts_with("extracting sha256:"))
        && let Some(c) = p.digest.captures(line)
    {
        return Some(Object::Layer(c[1].to_owned()));
    }
    None
}

/// The operation a command or a client's status line starts, if it starts one.
pub(crate) fn started(line: &str) -> Option<Start> {
    let p = patterns()?;
    if let Some(c) = p.push_refers.captures(line) {
        return reference(&c[1]).map(|(repo, _)| Start::Push(repo));
    }
    if let Some(c) = p.logging_into.captures(line) {
        // docker/login-action logs in with the docker CLI.
        return Some(Start::Login(host(&c[1]), "docker".to_owned()));
    }
    if let Some(c) = p.trying_to_pull.captures(line) {
        return failed_image(&c[1]).map(Start::Pull);
    }
    if (line.contains("ulling image") || line.contains("Unable to find image"))
        && let Some(c) = p.quoted_image.captures(line)
    {
        return failed_image(&c[1]).map(Start::Pull);
    }
    let c = p.command.captures(line)?;
    let words: Vec<&str> = c[3].split_whitespace().collect();
    let value_flags = [
        "-u",
        "--username",
        "-p",
        "--password",
        "--authfile",
        "--config",
        "--platform",
        "--creds",
        "--cert-dir",
    ];
    let args = command_words::positionals(&words, &value_flags);
    match &c[2] {
        "login" => {
            // `docker login` with no host logs in to Docker Hub.
            let first = args.first().copied().unwrap_or("docker.io");
            (!first.starts_with('$')).then(|| Start::Login(host(first), c[1].to_owned()))
        }
        "pull" => args.first().and_then(|a| failed_image(a)).map(Start::Pull),
        _ => args
            .first()
            .and_then(|a| reference(a))
            .map(|(repo, _)| Start::Push(repo)),
    }
}

#[cfg(test)]
mod tests;
