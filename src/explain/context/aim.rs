//! Where the log aims a push or a login: the push target's Docker Hub namespace (against
//! Docker's naming rules and the user who logged in, on the command line or at the prompt),
//! a push to a registry that serves only its owner's images, the host a login went to, a
//! request for a Docker Hub name without a namespace, and a `helm push` destination that
//! carries a tag.

use super::{Host, Signal, Signals, requests_hub_without_namespace};
use crate::command_words::{flag_values, positionals};
use crate::explain::url;
use crate::reference::{Reason, Reference};

/// How many lines after a push target (`The push refers to repository [...]`, `docker push
/// ...`) an error is still about it: the layers' `Preparing`/`Waiting` lines come between.
const PUSH_LINES: usize = 40;

/// How many lines after a `helm push` command its error is still about it.
const HELM_PUSH_LINES: usize = 10;

/// How many lines after a request for a Docker Hub name without a namespace a failure that
/// names no request is still about it (a tool prints the request, then that it failed).
const REQUEST_LINES: usize = 2;

/// How many lines after an interactive `docker login` its `Username:` prompt comes.
const PROMPT_LINES: usize = 5;

/// Longest reference or user name kept (longer ones are not names).
const MAX_NAME: usize = 256;

/// Docker Hub hosts that are not where clients look a Docker Hub credential up: the token
/// service's name (`service=registry.docker.io`) and the website. A login to them stores a
/// credential that no pull or push of a Docker Hub image reads (checked before the host
/// model, which counts `registry.docker.io` as Docker Hub).
const HUB_NOT_REGISTRY: &[&str] = &["registry.docker.io", "hub.docker.com"];

/// Registries that serve only their owner's images: nobody else can push there, so a push
/// that lands on one was meant for another registry (the image name lacks its host, and the
/// daemon's default registry or a search list filled it in).
const VENDOR_ONLY: &[&str] = &[
    "registry.access.redhat.com",
    "registry.redhat.io",
    "mcr.microsoft.com",
    "registry.k8s.io",
    "k8s.gcr.io",
];

/// What the log showed about push targets and logins so far.
#[derive(Debug, Default)]
pub(crate) struct Aim {
    /// The last push target and its line.
    push: Option<(usize, String)>,
    /// The user name of the last login to Docker Hub, when it is a plain Docker ID.
    hub_user: Option<String>,
    /// A login went to a Docker Hub host clients never read credentials for.
    hub_login_not_registry: bool,
    /// A login went to a Docker Hub host clients read (or to the default registry).
    hub_login_registry: bool,
    /// The last `helm push` whose `oci://` destination carries a tag.
    helm_push_tagged: Option<usize>,
    /// The last line that requested a Docker Hub repository without a namespace.
    hub_bare_request: Option<usize>,
    /// The last login to Docker Hub that named no user: its prompt follows.
    hub_login_prompt: Option<usize>,
    /// The last push command whose destination has capitals in its repository path.
    uppercase_push: Option<usize>,
    /// The line of the last login to a registry of no known family (`docker login
    /// registry.example.com`, `docker login cloudhost1`).
    own_login: Option<usize>,
}

impl Aim {
    /// The last push target the log named.
    pub(crate) fn push_target(&self) -> Option<&str> {
        self.push.as_ref().map(|(_, r)| r.as_str())
    }

    /// Notes a line that shows a push under way or its target.
    pub(crate) fn saw_push(&mut self, line_no: usize, cleaned: &str) {
        if let Some(r) = push_reference(cleaned) {
            self.push = Some((line_no, r));
        }
        if helm_push_tagged(cleaned) {
            self.helm_push_tagged = Some(line_no);
        }
        if uppercase_destination(cleaned) {
            self.uppercase_push = Some(line_no);
        }
    }

    /// Notes a line that names a registry: a request for a Docker Hub repository without a
    /// namespace (`fetching https://index.docker.io/v2/python/manifests/3.11`) is what a
    /// failure on the next lines is about.
    pub(crate) fn saw_request(&mut self, line_no: usize, line: &[u8]) {
        if memchr::memmem::find(line, b"docker.io/v2/").is_some()
            && requests_hub_without_namespace(&String::from_utf8_lossy(line))
        {
            self.hub_bare_request = Some(line_no);
        }
    }

    /// Notes a login command line (`docker login -u USER [HOST]`, `crane auth login ...`).
    pub(crate) fn saw_login(&mut self, line_no: usize, cleaned: &str) {
        let Some(args) = login_args(cleaned) else {
            return;
        };
        let host = login_host(&args);
        if host.as_deref().is_some_and(is_own_registry_host) {
            self.own_login = Some(line_no);
        }
        let hub = match host.as_deref() {
            None => true,
            Some(h) if HUB_NOT_REGISTRY.contains(&h) => {
                self.hub_login_not_registry = true;
                return;
            }
            Some(h) => is_hub_host(h),
        };
        if hub {
            self.hub_login_registry = true;
            let user = login_user(&args);
            // No user and no password on the command line: docker asks for both.
            let asks = user.is_none()
                && !args
                    .iter()
                    .any(|a| a.starts_with("-p") || a.starts_with("--password"));
            self.hub_login_prompt = asks.then_some(line_no);
            self.hub_user = user.filter(|u| is_docker_id(u));
        }
    }

    /// Notes a line with an interactive login's prompt (`Username: NAME`, or `Username (NAME):`
    /// with the remembered name); it counts only just after a login to Docker Hub that named
    /// no user.
    pub(crate) fn saw_prompt(&mut self, line_no: usize, cleaned: &str) {
        if !self
            .hub_login_prompt
            .is_some_and(|at| at < line_no && line_no - at <= PROMPT_LINES)
        {
            return;
        }
        let lower = cleaned.to_ascii_lowercase();
        let Some(i) = lower.find("username") else {
            return;
        };
        let rest = lower[i + "username".len()..].trim_start();
        let (remembered, typed) = match rest.strip_prefix('(') {
            Some(r) => match r.split_once("):") {
                Some((name, typed)) => (Some(name.trim()), typed),
                None => return,
            },
            None => match rest.strip_prefix(':') {
                Some(typed) => (None, typed),
                None => return,
            },
        };
        let typed = typed.split_whitespace().next();
        let user = typed.or(remembered).filter(|u| is_docker_id(u));
        if let Some(u) = user {
            self.hub_user = Some(u.to_owned());
        }
        self.hub_login_prompt = None;
    }

    /// The signals about the error first seen on `line`, whose message reads `text`.
    pub(crate) fn signals(&self, text: &str, line: usize) -> Signals {
        let mut s = Signals::default();
        let recent = |at: usize, within: usize| at <= line && line - at <= within;
        let reference = push_reference(text).or_else(|| {
            self.push
                .as_ref()
                .filter(|(at, _)| recent(*at, PUSH_LINES))
                .map(|(_, r)| r.clone())
        });
        if reference.as_deref().is_some_and(on_vendor_registry) || uploads_to_vendor_registry(text)
        {
            s.insert(Signal::VendorRegistryPush);
        }
        if let Some(ns) = reference.as_deref().and_then(hub_namespace) {
            if !is_docker_id(&ns) {
                s.insert(Signal::HubInvalidNamespace);
            } else if self.hub_user.as_deref().is_some_and(|u| u != ns) {
                s.insert(Signal::NamespaceNotLoginUser);
            }
        }
        if reference
            .as_deref()
            .is_some_and(|r| one_part_on_own_registry(r) || one_part_on_ghcr(r))
        {
            s.insert(Signal::PushOnePartName);
        }
        if read_repository(text).is_some_and(|r| one_part_on_own_registry(&r)) {
            s.insert(Signal::PullOnePartName);
        }
        if self.hub_login_not_registry && !self.hub_login_registry {
            s.insert(Signal::LoginNotRegistryHost);
        }
        if self.own_login.is_some_and(|at| at < line)
            && !self.hub_login_registry
            && reference.as_deref().is_some_and(pushes_to_docker_hub)
        {
            s.insert(Signal::LoginOtherHost);
        }
        if self
            .hub_bare_request
            .is_some_and(|at| at < line && line - at <= REQUEST_LINES)
        {
            s.insert(Signal::HubNoNamespace);
        }
        if self
            .helm_push_tagged
            .is_some_and(|at| recent(at, HELM_PUSH_LINES))
        {
            s.insert(Signal::HelmPushTag);
        }
        if self
            .uppercase_push
            .is_some_and(|at| recent(at, HELM_PUSH_LINES))
        {
            s.insert(Signal::UppercaseDestination);
        }
        s
    }
}

/// The image a line pushes: `The push refers to repository [REF]`, `failed to push REF:`,
/// `docker push REF` (also podman, buildah, nerdctl).
pub(crate) fn push_reference(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let after = |marker: &str| lower.find(marker).map(|i| &lower[i + marker.len()..]);
    let found = if let Some(rest) =
        after("push refers to repository [").or_else(|| after("push refers to a repository ["))
    {
        rest.split(']').next().map(str::to_owned)
    } else if let Some(rest) = after("failed to push to destination ")
        // kaniko's check before it builds (`checking push permission for "REF": ...`).
        .or_else(|| after("checking push permission for "))
        .or_else(|| after("failed to push "))
        .or_else(|| after("pushing image to "))
        .or_else(|| after("pushing manifest for "))
        .or_else(|| after("containerizing application to "))
        // BuildKit's exporter (`pushing ghcr.io/o/app:1 with docker:`).
        .or_else(|| after("pushing ").filter(|r| r.contains(" with docker")))
    {
        rest.split_whitespace()
            .next()
            .map(|w| w.trim_end_matches([':', ',', '.']).to_owned())
    } else if let Some(host) = after(" token for ") {
        // buildx: `[auth] my-org/app:pull,push token for registry-1.docker.io`.
        let before = &lower[..lower.find(" token for ").unwrap_or_default()];
        let scope = before.rsplit([' ', ']']).next().unwrap_or_default();
        let host = host.split_whitespace().next().unwrap_or_default();
        scope
            .split_once(':')
            .filter(|(_, actions)| actions.contains("push"))
            .map(|(name, _)| format!("{host}/{name}"))
    } else {
        [
            "docker push ",
            "podman push ",
            "buildah push ",
            "nerdctl push ",
        ]
        .iter()
        .find_map(|m| after(m))
        .and_then(|rest| {
            rest.split_whitespace()
                .find(|w| !w.starts_with('-'))
                .map(str::to_owned)
        })
    };
    found
        .map(|r| r.trim_matches(['"', '\'', '`']).to_owned())
        .filter(|r| !r.is_empty() && r.len() <= MAX_NAME && !r.contains('$'))
}

/// True when `reference` names a registry host of no known family (a registry of one's own:
/// a dotted name, a port or `localhost`) and a one-part repository on it
/// (`registry.example.com/app:1`, `10.0.0.5:5000/app`).
pub(crate) fn one_part_on_own_registry(reference: &str) -> bool {
    let reference = reference.split(['@', ' ']).next().unwrap_or_default();
    let Some((host, name)) = reference.split_once('/') else {
        return false;
    };
    let own_host = host.contains('.') || host.contains(':') || host == "localhost";
    own_host
        && !name.is_empty()
        && !name.contains('/')
        && Host::detect(host).is_none()
        && !host.ends_with("docker.com")
}

/// True when `reference` is a GHCR name of one part (`ghcr.io/app:1`): GHCR keeps every
/// package under its owner (`ghcr.io/OWNER/NAME`), so the owner is missing.
pub(crate) fn one_part_on_ghcr(reference: &str) -> bool {
    let reference = reference.split(['@', ' ']).next().unwrap_or_default();
    reference
        .strip_prefix("ghcr.io/")
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// The repository a message's request reads, as `HOST/NAME`
/// (`Get https://registry.example.com/v2/app/manifests/latest` → `registry.example.com/app`):
/// a manifest or a blob fetched by digest.
pub(crate) fn read_repository(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    url::v2_requests(&lower).find_map(|(host, path)| {
        let name = ["/manifests/", "/blobs/sha256:"]
            .iter()
            .find_map(|k| path.find(k).map(|j| &path[..j]))?;
        (!name.is_empty() && name.len() <= MAX_NAME).then(|| format!("{host}/{name}"))
    })
}

/// The Docker Hub namespace of `reference` (`kufu-ai/gocat:latest` → `kufu-ai`,
/// `docker.io/library/app` → `library`), or `None` when the reference names another registry
/// or has no namespace.
pub(crate) fn hub_namespace(reference: &str) -> Option<String> {
    let reference = bare_reference(reference);
    let parts: Vec<&str> = reference.split('/').collect();
    let first = *parts.first()?;
    let is_host = names_host(first);
    let path = if is_host {
        if !is_hub_host(first) {
            return None;
        }
        &parts[1..]
    } else {
        &parts[..]
    };
    // A one-part name is `library/NAME`. A namespace with characters no reference holds
    // (`***` where a CI masked it, `<user>`, `${NS}`) is unknown, not wrong.
    let [ns, _, ..] = path else {
        return None;
    };
    let readable = ns
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!ns.is_empty() && readable).then(|| (*ns).to_owned())
}

/// True when `host` (a login's argument) names a registry of no known family: not Docker Hub,
/// not a host the family model knows, and written as a host name (`registry.example.com`,
/// `10.0.0.5:5000`, `cloudhost1`), not a variable.
fn is_own_registry_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= MAX_NAME
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
        && !is_hub_host(host)
        && !HUB_NOT_REGISTRY.contains(&host)
        && Host::detect(host).is_none()
}

/// True when a push of `reference` goes to Docker Hub: its first part names a Docker Hub host,
/// or names no host at all. Docker reads the first part of a name as a registry only when it
/// holds a `.` or a `:` or is `localhost` (distribution's reference grammar); otherwise the
/// name is a Docker Hub repository, so `docker push cloudhost1/library/app` after `docker
/// login cloudhost1` goes to `docker.io/cloudhost1/library/app`, where that login is no use.
fn pushes_to_docker_hub(reference: &str) -> bool {
    let reference = bare_reference(reference);
    let Some((first, rest)) = reference.split_once('/') else {
        return !reference.is_empty();
    };
    !rest.is_empty() && (!names_host(first) || is_hub_host(first))
}

/// `reference` without a `docker://` transport, a digest or what follows a space.
fn bare_reference(reference: &str) -> &str {
    reference
        .strip_prefix("docker://")
        .unwrap_or(reference)
        .split(['@', ' '])
        .next()
        .unwrap_or_default()
}

/// True when the first part of a name is a registry host to docker: it holds a `.` or a `:`
/// or is `localhost` (distribution's reference grammar); any other first part is a Docker Hub
/// namespace.
fn names_host(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

/// True when `host` is one of Docker Hub's names, as the project's host model knows them.
fn is_hub_host(host: &str) -> bool {
    crate::host::Host::parse(host).is_docker_hub()
}

/// True when `reference` names a registry that serves only its owner's images.
fn on_vendor_registry(reference: &str) -> bool {
    let host = reference.split('/').next().unwrap_or_default();
    VENDOR_ONLY.contains(&host)
}

/// True when `text` shows a blob upload to a registry that serves only its owner's images,
/// also inside an HTML error page that escapes the URL's punctuation
/// (`registry&#46;access&#46;redhat&#46;com&#47;v2&#47;...&#47;blobs&#47;uploads&#47;`).
fn uploads_to_vendor_registry(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let decoded;
    let text = if lower.contains("&#") {
        decoded = lower
            .replace("&#46;", ".")
            .replace("&#47;", "/")
            .replace("&#45;", "-")
            .replace("&#58;", ":");
        &decoded
    } else {
        &lower
    };
    VENDOR_ONLY.iter().any(|host| {
        text.match_indices(host).any(|(i, _)| {
            let rest = &text[i + host.len()..];
            rest.starts_with("/v2/")
                && rest
                    .split(|c: char| c.is_whitespace() || c == '"' || c == '\\')
                    .next()
                    .is_some_and(|url| url.contains("/blobs/uploads"))
        })
    })
}

/// True when `name` can be a Docker ID or a Docker Hub organisation: Docker allows only
/// lowercase letters and digits (no `-`, `_` or `.`), so a namespace with anything else does
/// not exist on Docker Hub.
pub(crate) fn is_docker_id(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The words after the login command of `line` (`docker login`, `podman login`, `crane auth
/// login`, `oras login`, ...).
pub(super) fn login_args(line: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "login")?;
    let tools = [
        "docker", "podman", "buildah", "skopeo", "nerdctl", "crane", "oras", "helm",
    ];
    if !words[..at]
        .iter()
        .any(|w| tools.iter().any(|t| w.ends_with(t)))
    {
        return None;
    }
    Some(
        words[at + 1..]
            .iter()
            .take_while(|w| !matches!(**w, "|" | "&&" | ";" | "||"))
            .copied()
            .collect(),
    )
}

/// Flags of login commands that take a value.
const VALUE_FLAGS: &[&str] = &[
    "-u",
    "--username",
    "-p",
    "--password",
    "--config",
    "--authfile",
    "--cert-dir",
    "--registry-config",
];

/// The registry host a login goes to (its one positional argument), lowercased, without a
/// scheme or path; `None` for the default registry.
pub(super) fn login_host(args: &[&str]) -> Option<String> {
    let a = positionals(args, VALUE_FLAGS).first()?.to_ascii_lowercase();
    let a = a
        .strip_prefix("https://")
        .or_else(|| a.strip_prefix("http://"))
        .unwrap_or(&a);
    Some(a.split('/').next().unwrap_or_default().to_owned())
}

/// The user name a login command passes (`-u NAME`, `--username NAME`, `--username=NAME`).
pub(super) fn login_user(args: &[&str]) -> Option<String> {
    let v = *flag_values(args, &["-u", "--username"]).first()?;
    let v = v.trim_matches(['"', '\'']);
    (v.len() <= MAX_NAME).then(|| v.to_owned())
}

/// The push commands whose destination `uppercase_destination` reads, and whether the
/// destination is only the `oci://` word (helm's first word is the chart's file).
const PUSH_COMMANDS: &[(&str, bool)] = &[
    ("helm push ", true),
    ("helm3 push ", true),
    ("oras push ", false),
    ("docker push ", false),
    ("podman push ", false),
    ("buildah push ", false),
    ("nerdctl push ", false),
    ("crane push ", false),
];

/// True when `line` runs a push whose destination has capitals in its repository path
/// (`helm push app-1.0.0.tgz oci://ghcr.io/Acme-Org/charts`, `oras push ghcr.io/Acme/app:1`):
/// the repository part of a reference is lowercase in the distribution grammar, and the
/// clients built on oras-go refuse it as `invalid reference: invalid repository` without
/// saying why. The host and the tag may hold capitals; a local file or a variable is no
/// destination.
pub(crate) fn uppercase_destination(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    PUSH_COMMANDS.iter().any(|(marker, oci_only)| {
        let Some(i) = lower.find(marker) else {
            return false;
        };
        line[i + marker.len()..]
            .split_whitespace()
            .filter(|w| !w.starts_with('-') && !w.contains('$'))
            .filter_map(|w| {
                let w = w.trim_matches(['"', '\'', '`']);
                match w.strip_prefix("oci://") {
                    Some(dest) => Some(dest),
                    None if *oci_only => None,
                    None => Some(w.strip_prefix("docker://").unwrap_or(w)),
                }
            })
            .any(repository_has_capitals)
    })
}

/// True when the repository path of `reference` (without its host, tag or digest) holds a
/// capital letter, as the reference grammar reads it: a first part with capitals is a host
/// to docker (`Example/app` is the registry `Example`), and oras-go reads its first part as
/// the registry always. A one-part word (a file such as `README.md`) is no destination.
fn repository_has_capitals(reference: &str) -> bool {
    !reference.starts_with(['.', '/'])
        && reference.contains('/')
        && reference.len() <= MAX_NAME
        && Reference::parse_named(reference).is_err_and(|e| e.reason == Reason::Uppercase)
}

/// True when `line` runs `helm push CHART oci://HOST/PATH:TAG`: `helm push` takes the
/// repository without the chart's name or version, so a destination with a tag is refused.
fn helm_push_tagged(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let Some(i) = lower
        .find("helm push ")
        .or_else(|| lower.find("helm3 push "))
    else {
        return false;
    };
    lower[i..]
        .split_whitespace()
        .find_map(|w| w.strip_prefix("oci://"))
        .is_some_and(|dest| {
            let mut parts = dest.trim_end_matches('/').split('/');
            parts.next();
            parts.next_back().is_some_and(|last| last.contains(':'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_push_targets() {
        assert_eq!(
            push_reference(
                "ERROR: failed to solve: failed to push kufu-ai/gocat:latest: push access denied"
            )
            .as_deref(),
            Some("kufu-ai/gocat:latest")
        );
        assert_eq!(
            push_reference(
                "error pushing image: failed to push to destination ghcr.io/o/app:1: UNAUTHORIZED"
            )
            .as_deref(),
            Some("ghcr.io/o/app:1"),
            "kaniko"
        );
        assert_eq!(
            push_reference("The push refers to repository [docker.io/abhishekf5/ultimate-cicd]")
                .as_deref(),
            Some("docker.io/abhishekf5/ultimate-cicd")
        );
        assert_eq!(
            push_reference("+ docker push --quiet index.docker.io/o/app:9").as_deref(),
            Some("index.docker.io/o/app:9")
        );
        assert_eq!(
            push_reference("INFO[0012] Pushing image to my-org/app:1.0").as_deref(),
            Some("my-org/app:1.0")
        );
        assert_eq!(
            push_reference(
                "#14 pushing manifest for docker.io/my-org/app:1.0@sha256:0123 0.2s done"
            )
            .as_deref(),
            Some("docker.io/my-org/app:1.0@sha256:0123")
        );
        assert_eq!(
            push_reference("#5 [auth] my-org/app:pull,push token for registry-1.docker.io")
                .as_deref(),
            Some("registry-1.docker.io/my-org/app")
        );
        assert_eq!(
            push_reference("#5 [auth] library/alpine:pull token for registry-1.docker.io"),
            None,
            "a pull"
        );
        assert_eq!(
            push_reference("[INFO] Containerizing application to my-org/app:1.0...").as_deref(),
            Some("my-org/app:1.0")
        );
        assert_eq!(push_reference("docker push $IMAGE"), None);
        assert_eq!(push_reference("denied: requested access"), None);
    }

    #[test]
    fn finds_docker_hub_namespaces() {
        assert_eq!(
            hub_namespace("kufu-ai/gocat:latest").as_deref(),
            Some("kufu-ai")
        );
        assert_eq!(
            hub_namespace("docker.io/library/app").as_deref(),
            Some("library")
        );
        assert_eq!(
            hub_namespace("registry.hub.docker.com/getintodevops/hellonode").as_deref(),
            Some("getintodevops")
        );
        assert_eq!(hub_namespace("app:1.0"), None, "a one-part name");
        assert_eq!(
            hub_namespace("ghcr.io/my-org/app"),
            None,
            "another registry"
        );
        assert_eq!(hub_namespace("localhost:5000/my-org/app"), None);
        assert_eq!(hub_namespace("***/***/app"), None, "masked");
        assert_eq!(hub_namespace("docker.io"), None);
        assert_eq!(hub_namespace("docker.io/"), None);
        assert_eq!(hub_namespace(""), None);
        assert!(is_docker_id("octocat42"));
        assert!(!is_docker_id("kufu-ai"));
        assert!(!is_docker_id("my_org"));
        assert!(!is_docker_id("MyOrg"));
    }

    #[test]
    fn reads_login_commands() {
        let args = login_args("echo x | docker login -u alice --password-stdin").expect("a login");
        assert_eq!(login_host(&args), None);
        assert_eq!(login_user(&args).as_deref(), Some("alice"));
        let args = login_args("crane auth login -u bob registry.docker.io").expect("a login");
        assert_eq!(login_host(&args).as_deref(), Some("registry.docker.io"));
        let args = login_args("docker login --username=carol https://ghcr.io/").expect("a login");
        assert_eq!(login_host(&args).as_deref(), Some("ghcr.io"));
        assert_eq!(login_user(&args).as_deref(), Some("carol"));
        assert!(login_args("Login Succeeded").is_none());
    }

    #[test]
    fn compares_the_push_namespace_with_the_login() {
        let mut aim = Aim::default();
        aim.saw_login(1, "$ docker login -u alice");
        aim.saw_push(2, "The push refers to repository [docker.io/bob/app]");
        let s = aim.signals("denied: requested access to the resource is denied", 5);
        assert!(s.contains(Signal::NamespaceNotLoginUser));
        let s = aim.signals("denied: requested access to the resource is denied", 60);
        assert!(
            !s.contains(Signal::NamespaceNotLoginUser),
            "too far from the push"
        );

        let mut own = Aim::default();
        own.saw_login(1, "$ docker login -u alice");
        own.saw_push(2, "The push refers to repository [docker.io/alice/app]");
        assert_eq!(own.signals("denied", 3), Signals::default());

        // A variable or an e-mail address is not a Docker ID to compare with.
        let mut var = Aim::default();
        var.saw_login(1, "docker login -u $DOCKER_USER -p $DOCKER_PASS");
        var.saw_push(2, "docker push bob/app");
        assert_eq!(var.signals("denied", 3), Signals::default());
    }

    #[test]
    fn a_login_to_an_own_registry_is_no_use_to_a_push_to_docker_hub() {
        let mut aim = Aim::default();
        aim.saw_login(1, "[root@cloudhost1 harbor]# docker login cloudhost1");
        aim.saw_push(
            5,
            "The push refers to repository [docker.io/cloudhost1/library/app]",
        );
        let denied = "denied: requested access to the resource is denied";
        assert!(aim.signals(denied, 7).contains(Signal::LoginOtherHost));
        // The push went where the login did.
        let mut same = Aim::default();
        same.saw_login(1, "$ docker login registry.example.com:5000 -u ci");
        same.saw_push(2, "docker push registry.example.com:5000/team/app:1");
        assert!(!same.signals(denied, 4).contains(Signal::LoginOtherHost));
        // A login to Docker Hub as well covers the push.
        let mut both = Aim::default();
        both.saw_login(1, "$ docker login registry.example.com -u ci");
        both.saw_login(2, "$ docker login -u alice");
        both.saw_push(3, "docker push alice/app");
        assert!(!both.signals(denied, 5).contains(Signal::LoginOtherHost));
        // A login to a known family is read by the host model, and a variable is no host.
        let mut var = Aim::default();
        var.saw_login(1, "$ docker login $REGISTRY -u ci");
        var.saw_push(2, "docker push team/app");
        assert!(!var.signals(denied, 4).contains(Signal::LoginOtherHost));
        assert!(pushes_to_docker_hub("cloudhost1/library/busybox:latest"));
        assert!(pushes_to_docker_hub("app"));
        assert!(pushes_to_docker_hub("index.docker.io/o/app"));
        assert!(!pushes_to_docker_hub("localhost/app"));
        assert!(!pushes_to_docker_hub("10.0.0.5:5000/app"));
    }

    #[test]
    fn reads_the_user_an_interactive_login_asked_for() {
        let mut aim = Aim::default();
        aim.saw_login(1, "$ docker login");
        aim.saw_prompt(3, "Username: alice");
        aim.saw_push(6, "The push refers to repository [docker.io/bob/app]");
        assert!(
            aim.signals("denied", 8)
                .contains(Signal::NamespaceNotLoginUser)
        );

        let mut remembered = Aim::default();
        remembered.saw_login(1, "$ docker login");
        remembered.saw_prompt(2, "Username (bob):");
        remembered.saw_push(4, "docker push bob/app");
        assert_eq!(remembered.signals("denied", 6), Signals::default());

        // A `username:` line that is not a login's prompt (an input list, a config dump).
        let mut other = Aim::default();
        other.saw_prompt(3, "  username: alice");
        other.saw_push(4, "docker push bob/app");
        assert_eq!(other.signals("denied", 6), Signals::default());
    }

    #[test]
    fn flags_namespaces_docker_hub_cannot_have() {
        let aim = Aim::default();
        let s = aim.signals("failed to push my-org/app:1: push access denied", 1);
        assert!(s.contains(Signal::HubInvalidNamespace));
        let s = aim.signals("failed to push ghcr.io/my-org/app:1: denied", 1);
        assert!(!s.contains(Signal::HubInvalidNamespace));
    }

    #[test]
    fn flags_logins_docker_hub_clients_never_read() {
        let mut aim = Aim::default();
        aim.saw_login(1, "crane auth login -u someone registry.docker.io");
        assert!(
            aim.signals("UNAUTHORIZED", 3)
                .contains(Signal::LoginNotRegistryHost)
        );
        aim.saw_login(2, "docker login -u someone");
        assert!(
            !aim.signals("UNAUTHORIZED", 3)
                .contains(Signal::LoginNotRegistryHost)
        );
    }

    #[test]
    fn a_failure_after_a_request_for_a_one_part_hub_name_is_about_that_name() {
        let mut aim = Aim::default();
        aim.saw_request(
            1,
            b"WARNING: fetching from https://index.docker.io/v2/python/manifests/3.11 without an integrity hash",
        );
        assert!(
            aim.signals("Could not fetch the manifest", 2)
                .contains(Signal::HubNoNamespace)
        );
        assert!(
            !aim.signals("Could not fetch the manifest", 4)
                .contains(Signal::HubNoNamespace)
        );
        let mut named = Aim::default();
        named.saw_request(
            1,
            b"GET https://index.docker.io/v2/library/python/manifests/3.11",
        );
        assert!(
            !named
                .signals("Could not fetch the manifest", 2)
                .contains(Signal::HubNoNamespace)
        );
    }

    #[test]
    fn flags_pushes_to_registries_that_serve_only_their_owners_images() {
        let aim = Aim::default();
        let page = "error parsing HTTP 403 response body: invalid character '<' looking for beginning of value: \"<HTML><HEAD>\\n<TITLE>Access Denied</TITLE>\\n</HEAD><BODY>You don't have permission to access \\\"http&#58;&#47;&#47;registry&#46;access&#46;redhat&#46;com&#47;v2&#47;acme&#47;app&#47;blobs&#47;uploads&#47;\\\" on this server.";
        assert!(aim.signals(page, 1).contains(Signal::VendorRegistryPush));
        let mut pushed = Aim::default();
        pushed.saw_push(
            1,
            "The push refers to repository [mcr.microsoft.com/acme/app]",
        );
        assert!(
            pushed
                .signals("denied", 3)
                .contains(Signal::VendorRegistryPush)
        );
        // Pulling from them is what they are for.
        let pull = "Get \"https://mcr.microsoft.com/v2/dotnet/sdk/manifests/8.0\": denied";
        assert!(!aim.signals(pull, 1).contains(Signal::VendorRegistryPush));
    }

    #[test]
    fn flags_helm_push_destinations_with_a_tag() {
        assert!(helm_push_tagged(
            "$ helm3 push ./test-0.1.0.tgz oci://ghcr.io/robberphex/ack-mse-pilot:0.1.0"
        ));
        assert!(helm_push_tagged(
            "helm push chart.tgz oci://localhost:5000/charts/app:1.2"
        ));
        assert!(!helm_push_tagged(
            "helm push chart.tgz oci://localhost:5000/charts"
        ));
        assert!(!helm_push_tagged("helm push chart.tgz oci://ghcr.io/o"));
        assert!(!helm_push_tagged("helm pull oci://ghcr.io/o/app:1.0"));
    }

    #[test]
    fn reads_the_repository_a_request_reads() {
        let harbor = "Error response from daemon: Get https://harbor.example.com/v2/app/manifests/latest: received unexpected HTTP status: 500 Internal Server Error";
        assert_eq!(
            read_repository(harbor).as_deref(),
            Some("harbor.example.com/app")
        );
        assert!(one_part_on_own_registry(
            &read_repository(harbor).unwrap_or_default()
        ));
        let project = r#"Head "https://harbor.example.com/v2/team/app/manifests/1": 500"#;
        assert!(!one_part_on_own_registry(
            &read_repository(project).unwrap_or_default()
        ));
        assert_eq!(
            read_repository("POST https://harbor.example.com/v2/app/blobs/uploads/: 500"),
            None
        );
    }

    #[test]
    fn reads_buildkit_push_target_and_one_part_ghcr_names() {
        assert_eq!(
            push_reference(" > pushing ghcr.io/webapp:2.0.1 with docker:").as_deref(),
            Some("ghcr.io/webapp:2.0.1")
        );
        assert_eq!(push_reference("#12 pushing layers 0.8s done"), None);
        assert!(one_part_on_ghcr("ghcr.io/webapp:2.0.1"));
        assert!(!one_part_on_ghcr("ghcr.io/owner/webapp:2.0.1"));
        assert!(!one_part_on_ghcr("registry.example.com/webapp:1"));
    }

    #[test]
    fn flags_push_destinations_with_capitals_in_the_repository() {
        for line in [
            "Run helm push app-0.1.0.tgz oci://ghcr.io/Example-Org/charts",
            "helm push ./dist/app-0.1.0.tgz oci://localhost:5000/Charts",
            "oras push ghcr.io/example/App:1 config.json",
            "docker push example/App:1",
            "crane push image.tar registry.example.com/Team/app",
        ] {
            assert!(uppercase_destination(line), "{line}");
        }
        for line in [
            // The host and the tag may hold capitals; a chart file is no destination.
            "helm push ./ExampleChart-0.1.0.tgz oci://registry.example.com/charts",
            "oras push Registry.Example.com/team/app:V1 config.json",
            "docker push example/app:Release-1",
            // Docker reads a first part with capitals as a registry host.
            "docker push Example/app:1",
            "oras push ghcr.io/example/app:1 README.md",
            "docker push ghcr.io/${GITHUB_REPOSITORY}:1",
            "helm pull oci://ghcr.io/Example-Org/charts/app",
        ] {
            assert!(!uppercase_destination(line), "{line}");
        }
    }
}
