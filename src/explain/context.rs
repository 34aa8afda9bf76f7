//! Log-wide context: facts found anywhere in a log that change which cause is most likely.
//!
//! A message such as `installation not allowed to Write organization package` has several
//! causes; the rest of the log often tells them apart: the runner's `GITHUB_TOKEN
//! Permissions` block, a `pull_request` event, Dependabot, the kind of token, a successful
//! login, the registry host. Each fact is a [`Signal`]; catalog `rank` rules name them.

mod aim;
mod credential;
mod message;
mod signal;

pub(crate) use message::*;
pub use signal::{Signal, Signals};

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
    const ALL: [Host; 8] = [
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
    fn needles(self) -> &'static [&'static str] {
        match self {
            Host::Ghcr => &["ghcr.io", "docker.pkg.github.com"],
            Host::DockerHub => &["docker.io", "docker hub", "hub.docker.com"],
            Host::Gitlab => &["registry.gitlab.com", "gitlab"],
            Host::Quay => &["quay.io"],
            Host::Ecr => &[".dkr.ecr.", "ecr.aws"],
            Host::Google => &["gcr.io", "-docker.pkg.dev", "artifactregistry."],
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

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// What a context literal announces; the scanner finds the literals with the same
/// multi-pattern search as the catalog's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    PullRequest,
    Dependabot,
    FineGrainedPat,
    ClassicPat,
    OauthToken,
    PermissionsBlock,
    LoginSucceeded,
    LoginAttempt,
    PushTarget,
    /// A pull is under way (`Pulling fs layer`, `Trying to pull`, `docker pull`).
    PullActivity,
    /// A push is under way (`Preparing`, `Pushing`, `Layer already exists`).
    PushActivity,
    /// Registry work of either kind (`Copying blob`, `Retrying in`, `[auth] ... token`).
    Activity,
    /// `Authenticating with existing credentials...`
    StoredCredentials,
    /// A command line hands the client a credential (`--creds`, `--authfile`, `--password`).
    CredentialFlag,
    /// `Run docker/login-action@...`: its `with:` block follows.
    LoginAction,
    /// A GitHub Actions runner marker.
    LogActions,
    /// A marker of GitLab CI, Jenkins, Azure Pipelines or Buildkite.
    LogOtherCi,
    /// A shell prompt before a container command.
    LogLocal,
    /// A Kubernetes pull event.
    ClusterPull,
    /// A token request that carried a credential (`failed to fetch oauth token`).
    OauthTokenRequest,
    /// The tag resolved to a manifest list (`copying system image from manifest list`).
    ManifestList,
    /// A proxy setting (`HTTPS_PROXY=`, `HTTPS Proxy: ...`).
    Proxy,
    /// A tool says it has no registry credential (`Registry credentials not provided`).
    CredentialsNotProvided,
    /// A step's password input as the runner prints it (`password: ***`).
    LoginInput,
    /// A pull finished (`Status: Downloaded newer image for ...`).
    WorkDone,
    /// The CLI failing to reach its daemon or another local service (`... the Docker daemon
    /// socket ...`, `dial unix ...`, a Windows named pipe).
    Daemon,
    /// An interactive login's prompt (`Username: NAME`, `Username (NAME):`).
    LoginPrompt,
    /// The client has no local image to push (`An image does not exist locally with the
    /// tag`, `No such image`): the push stopped before any request to a registry.
    LocalImageMissing,
    /// A layer's upload was accepted (`Pushed`, or its progress bar full).
    LayerUploaded,
    /// A GitHub Packages host (`rubygems.pkg.github.com`): the line is looked at, so that a
    /// request to an ecosystem that serves no images is known as such.
    PackagesHost,
}

/// Literals (lowercase) that announce context.
pub(crate) const TRIGGERS: &[(&str, Trigger)] = &[
    ("eventname: pull_request", Trigger::PullRequest),
    ("event_name: pull_request", Trigger::PullRequest),
    ("github_event_name=pull_request", Trigger::PullRequest),
    ("github_event_name: pull_request", Trigger::PullRequest),
    ("\"event_name\": \"pull_request", Trigger::PullRequest),
    ("refs/pull/", Trigger::PullRequest),
    ("dependabot[bot]", Trigger::Dependabot),
    ("refs/heads/dependabot/", Trigger::Dependabot),
    ("github_actor=dependabot", Trigger::Dependabot),
    ("github_pat_", Trigger::FineGrainedPat),
    ("ghp_", Trigger::ClassicPat),
    ("gho_", Trigger::OauthToken),
    ("github_token permissions", Trigger::PermissionsBlock),
    ("login succeeded", Trigger::LoginSucceeded),
    ("logging into ", Trigger::LoginAttempt),
    ("docker login", Trigger::LoginAttempt),
    ("podman login", Trigger::LoginAttempt),
    ("buildah login", Trigger::LoginAttempt),
    ("skopeo login", Trigger::LoginAttempt),
    ("nerdctl login", Trigger::LoginAttempt),
    ("helm registry login", Trigger::LoginAttempt),
    ("crane auth login", Trigger::LoginAttempt),
    ("oras login", Trigger::LoginAttempt),
    // Lines that name the registry being pushed to or pulled from, so an error line without
    // a host (`no basic auth credentials`) is tied to the right registry.
    ("the push refers to repository", Trigger::PushTarget),
    ("the push refers to a repository", Trigger::PushTarget),
    (" token for ", Trigger::PushTarget),
    ("pulling from ", Trigger::PushTarget),
    ("pulling repository ", Trigger::PushTarget),
    // Registry work under way: a network error on the next lines concerns the registry even
    // when its own line names none (`read tcp ...: wsarecv: ...` after `Downloading`).
    ("pulling fs layer", Trigger::PullActivity),
    ("trying to pull", Trigger::PullActivity),
    ("unable to find image", Trigger::PullActivity),
    ("using default tag", Trigger::PullActivity),
    (": pull complete", Trigger::PullActivity),
    (": download complete", Trigger::PullActivity),
    (": downloading", Trigger::PullActivity),
    ("docker pull ", Trigger::PullActivity),
    ("podman pull ", Trigger::PullActivity),
    ("buildah pull ", Trigger::PullActivity),
    ("nerdctl pull ", Trigger::PullActivity),
    ("helm pull ", Trigger::PullActivity),
    ("oras pull ", Trigger::PullActivity),
    ("crane pull ", Trigger::PullActivity),
    ("error pulling image", Trigger::PullActivity),
    // The daemon's log of a layer download that failed and is retried.
    ("download failed, retrying", Trigger::PullActivity),
    (": preparing", Trigger::PushActivity),
    (": pushing", Trigger::PushActivity),
    ("layer already exists", Trigger::PushActivity),
    (": pushed", Trigger::LayerUploaded),
    (
        "==================================================>]",
        Trigger::LayerUploaded,
    ),
    ("pushing image", Trigger::PushActivity),
    ("docker push ", Trigger::PushActivity),
    ("podman push ", Trigger::PushActivity),
    ("buildah push ", Trigger::PushActivity),
    ("nerdctl push ", Trigger::PushActivity),
    ("helm push ", Trigger::PushActivity),
    ("helm3 push ", Trigger::PushActivity),
    ("pushing manifest for ", Trigger::PushActivity),
    ("containerizing application to ", Trigger::PushActivity),
    ("oras push ", Trigger::PushActivity),
    ("crane push ", Trigger::PushActivity),
    ("digest: sha256:", Trigger::PushActivity),
    // The end of a pull: under `docker run`, what follows is the container's own output. A
    // push's last line (`TAG: digest: sha256:... size: N`) is no end: tools go on to sign the
    // image or set its properties on the registry's side.
    ("status: downloaded newer image for", Trigger::WorkDone),
    ("status: image is up to date for", Trigger::WorkDone),
    ("docker daemon", Trigger::Daemon),
    ("docker.sock", Trigger::Daemon),
    ("dial unix ", Trigger::Daemon),
    ("//./pipe/", Trigger::Daemon),
    (
        "does not exist locally with the tag",
        Trigger::LocalImageMissing,
    ),
    ("no such image: ", Trigger::LocalImageMissing),
    ("tag does not exist: ", Trigger::LocalImageMissing),
    (": waiting", Trigger::Activity),
    (": retrying in", Trigger::Activity),
    ("copying blob", Trigger::Activity),
    ("getting image source signatures", Trigger::Activity),
    ("writing manifest", Trigger::Activity),
    ("skopeo copy ", Trigger::Activity),
    ("oras cp ", Trigger::Activity),
    ("crane copy ", Trigger::Activity),
    ("fetch oauth token", Trigger::OauthTokenRequest),
    ("from manifest list", Trigger::ManifestList),
    ("http_proxy=", Trigger::Proxy),
    ("username: ", Trigger::LoginPrompt),
    ("username (", Trigger::LoginPrompt),
    ("https_proxy=", Trigger::Proxy),
    ("http_proxy: ", Trigger::Proxy),
    ("https_proxy: ", Trigger::Proxy),
    ("http proxy: ", Trigger::Proxy),
    ("https proxy: ", Trigger::Proxy),
    (
        "authenticating with existing credentials",
        Trigger::StoredCredentials,
    ),
    ("run docker/login-action", Trigger::LoginAction),
    // A credential given on the command line counts as a login: the request was not
    // anonymous, so a refusal is about rights rather than a missing credential.
    ("--creds", Trigger::CredentialFlag),
    ("--src-creds", Trigger::CredentialFlag),
    ("--dest-creds", Trigger::CredentialFlag),
    ("--authfile", Trigger::CredentialFlag),
    ("--registry-creds", Trigger::CredentialFlag),
    ("--password", Trigger::CredentialFlag),
    ("failed to pull image", Trigger::ClusterPull),
    // An OpenShift build pulling its base image (`pulling image error : unauthorized: ...`
    // then `error: build error: ...`): the builder service account's pull secrets hold the
    // credential, as a cluster's do for a pod.
    ("pulling image error", Trigger::ClusterPull),
    ("errimagepull", Trigger::ClusterPull),
    ("imagepullbackoff", Trigger::ClusterPull),
    ("##[group]", Trigger::LogActions),
    ("##[endgroup]", Trigger::LogActions),
    ("::group::", Trigger::LogActions),
    ("/home/runner/", Trigger::LogActions),
    ("run docker/", Trigger::LogActions),
    ("run actions/", Trigger::LogActions),
    ("process completed with exit code", Trigger::LogActions),
    ("##[section]", Trigger::LogOtherCi),
    ("##vso[", Trigger::LogOtherCi),
    ("/home/vsts/", Trigger::LogOtherCi),
    ("running with gitlab-runner", Trigger::LogOtherCi),
    ("using docker executor", Trigger::LogOtherCi),
    ("executing \"step_script\"", Trigger::LogOtherCi),
    ("[pipeline]", Trigger::LogOtherCi),
    ("buildkite", Trigger::LogOtherCi),
    ("$ docker ", Trigger::LogLocal),
    ("$ podman ", Trigger::LogLocal),
    ("$ sudo ", Trigger::LogLocal),
    ("# docker ", Trigger::LogLocal),
    ("% docker ", Trigger::LogLocal),
    ("\u{276f} docker ", Trigger::LogLocal),
    ("\u{276f} podman ", Trigger::LogLocal),
    ("\u{276f} echo ", Trigger::LogLocal),
    ("% podman ", Trigger::LogLocal),
    ("# podman ", Trigger::LogLocal),
    ("$ helm ", Trigger::LogLocal),
    ("$ skopeo ", Trigger::LogLocal),
    ("$ buildah ", Trigger::LogLocal),
    ("$ kubectl ", Trigger::LogLocal),
    ("$ docker-compose ", Trigger::LogLocal),
    (">docker ", Trigger::LogLocal),
    ("> docker ", Trigger::LogLocal),
    ("ps c:\\", Trigger::LogLocal),
    ("c:\\>", Trigger::LogLocal),
    ("~$ ", Trigger::LogLocal),
    ("]# ", Trigger::LogLocal),
    ("]$ ", Trigger::LogLocal),
    (
        "registry credentials not provided",
        Trigger::CredentialsNotProvided,
    ),
    (
        "no matching credentials were found for ",
        Trigger::CredentialsNotProvided,
    ),
    ("no credentials for ", Trigger::CredentialsNotProvided),
    // A structured log printing the credential fields empty (`password= username=`).
    ("password=", Trigger::CredentialsNotProvided),
    ("password: ", Trigger::LoginInput),
    (".pkg.github.com", Trigger::PackagesHost),
];

/// How many lines after a line that names a registry or shows registry work a generic
/// network or HTTP error is still taken as the registry's.
const CONTEXT_LINES: usize = 8;

/// How many lines after `Run docker/login-action` its inputs may be listed.
const LOGIN_BLOCK_LINES: u32 = 16;

/// How many lines after `Pulling from` a `manifest unknown` means the tag resolved.
const TAG_RESOLVED_LINES: usize = 2;

/// How many lines after `copying system image from manifest list` (containers/image wraps
/// its error over several lines) a `manifest unknown` is about a manifest the list names.
const MANIFEST_LIST_LINES: usize = 8;

/// How many lines after a command or message that names a mistyped registry host an error is
/// taken to be about that host.
const TYPO_LINES: usize = 10;

/// The operation a line shows under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Pull,
    Push,
}

/// How many lines after `GITHUB_TOKEN Permissions` may hold the `Packages:` line.
const PERMISSIONS_BLOCK_LINES: u32 = 40;

/// Collects context while the log streams by.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    signals: Signals,
    block_left: u32,
    block_seen: bool,
    block_packages: bool,
    login_hosts: u8,
    first_login_success: Option<usize>,
    hosts_seen: u8,
    target: Option<Host>,
    /// The last line that named a registry or showed registry work.
    last_context: Option<usize>,
    /// The last operation shown under way, and its line.
    last_op: Option<(Op, usize)>,
    /// The last `Pulling from` line.
    last_pulling_from: Option<usize>,
    /// Lines left in a `docker/login-action` block, and whether it listed a credential.
    login_block_left: u32,
    login_block_credential: bool,
    /// The last `... from manifest list` line.
    last_manifest_list: Option<usize>,
    /// A token request carried a credential (`failed to fetch oauth token`).
    oauth_request: bool,
    /// The last line that named a mistyped registry host.
    last_typo: Option<usize>,
    /// The last push target in Docker Hub's `library/` namespace.
    last_official_push: Option<usize>,
    /// Registry hosts named by `Trying to pull HOST/...` lines (podman's search), by family
    /// or, for other registries, counted once.
    tried_hosts: Vec<String>,
    /// Registries a tool said it has no credential for: families by bit, a host of no known
    /// family, or its own registry whatever it is.
    unprovided: u8,
    unprovided_other: bool,
    unprovided_any: bool,
    /// The last line that said a pull finished.
    last_done: Option<usize>,
    /// The last line that started a GitHub Actions step.
    last_step: Option<usize>,
    /// Lines that show the CLI failing to reach its daemon (the first [`MAX_DAEMON_LINES`]).
    daemon_lines: Vec<usize>,
    /// Push targets and logins, for the namespace and host they aim at.
    aim: aim::Aim,
    /// The last line that said the image to push does not exist locally.
    last_local_missing: Option<usize>,
    /// The last line that showed a layer's upload accepted.
    last_uploaded: Option<usize>,
}

/// At most this many lines about the daemon are remembered.
const MAX_DAEMON_LINES: usize = 256;

impl Tracker {
    /// True while the lines of a `GITHUB_TOKEN Permissions` block are expected.
    pub(crate) fn in_permissions_block(&self) -> bool {
        self.block_left > 0
    }

    /// True while the lines of a `docker/login-action` block are expected.
    pub(crate) fn in_login_block(&self) -> bool {
        self.login_block_left > 0
    }

    /// Feeds one cleaned line of a `docker/login-action` block: its `with:` inputs (GitHub
    /// omits inputs that expanded empty) end at the first error.
    pub(crate) fn login_block_line(&mut self, line: &str) {
        self.login_block_left = self.login_block_left.saturating_sub(1);
        let l = line.trim_start().to_ascii_lowercase();
        if l.starts_with("username:") || l.starts_with("password:") {
            self.login_block_credential = true;
            if credential::decorated_secret(&l) {
                self.signals.insert(Signal::SecretDecorated);
            }
        } else if l.starts_with("error") || l.contains("required") {
            if !self.login_block_credential {
                self.signals.insert(Signal::LoginInputsEmpty);
            }
            self.login_block_left = 0;
        }
    }

    /// Notes that line `line_no` names a registry or shows registry work.
    pub(crate) fn saw_context(&mut self, line_no: usize, line: &[u8]) {
        self.last_context = Some(line_no);
        self.aim.saw_request(line_no, line);
    }

    /// True when line `line_no` itself announced registry work (a trigger already seen on it).
    pub(crate) fn context_at(&self, line_no: usize) -> bool {
        self.last_context == Some(line_no)
    }

    /// True when a line shortly before `line_no` named a registry or showed registry work.
    pub(crate) fn context_near(&self, line_no: usize) -> bool {
        self.last_context.is_some_and(|l| {
            l < line_no
                && line_no - l <= CONTEXT_LINES
                && !self.last_done.is_some_and(|d| d >= l && d < line_no)
                && !self.last_step.is_some_and(|s| s > l && s < line_no)
        })
    }

    /// Notes that line `line_no` started a GitHub Actions step (`Run ...`): the registry work
    /// of the steps before it lends no context to what follows.
    pub(crate) fn step_started(&mut self, line_no: usize) {
        self.last_step = Some(line_no);
    }

    /// True when a line at most `within` lines from `line_no` shows the CLI failing to reach
    /// its daemon: the error report around it is the daemon's, not a registry's.
    pub(crate) fn daemon_near(&self, line_no: usize, within: usize) -> bool {
        self.daemon_lines
            .iter()
            .any(|&d| d.abs_diff(line_no) <= within)
    }

    /// True when a line shortly before `line_no` (or `line_no` itself) said the image to push
    /// does not exist locally: a failure reported after it (`Error while executing command:
    /// docker push ...`, `exit status 1`) is that local one, not a registry's.
    pub(crate) fn local_image_missing_before(&self, line_no: usize) -> bool {
        self.last_local_missing
            .is_some_and(|l| l <= line_no && line_no - l <= CONTEXT_LINES)
    }

    /// True when a layer's upload was accepted on a line shortly before `line_no`.
    pub(crate) fn upload_accepted_before(&self, line_no: usize) -> bool {
        self.last_uploaded
            .is_some_and(|l| l < line_no && line_no - l <= 50)
    }

    /// The operation shown under way shortly before `line_no`.
    pub(crate) fn recent_op(&self, line_no: usize) -> Option<Op> {
        self.last_op
            .filter(|(_, l)| *l <= line_no && line_no - l <= 50)
            .map(|(op, _)| op)
    }

    /// Feeds one cleaned line of the permissions block.
    pub(crate) fn permissions_line(&mut self, line: &str) {
        self.block_left = self.block_left.saturating_sub(1);
        let l = line.trim().to_ascii_lowercase();
        if l.contains("##[endgroup]") || l.is_empty() {
            self.block_left = 0;
            return;
        }
        if let Some(value) = l.strip_prefix("packages:") {
            self.block_packages = true;
            self.block_left = 0;
            match value.trim() {
                "write" => self.signals.insert(Signal::PackagesWrite),
                "read" => self.signals.insert(Signal::PackagesRead),
                _ => self.signals.insert(Signal::PackagesNone),
            }
        }
    }

    /// Records a context literal found on line `line_no`. `raw` is the line, `start..end`
    /// the literal's bytes, `cleaned` the line without prefixes and colours.
    pub(crate) fn trigger(
        &mut self,
        trigger: Trigger,
        line_no: usize,
        raw: &[u8],
        start: usize,
        end: usize,
        cleaned: &str,
    ) {
        let next = raw.get(end).copied();
        let before = start.checked_sub(1).and_then(|i| raw.get(i)).copied();
        match trigger {
            Trigger::PullRequest => {
                // `pull_request_target` runs with the base repository's token and secrets.
                if !matches!(next, Some(b'_')) {
                    self.signals.insert(Signal::PullRequest);
                }
            }
            Trigger::Dependabot => self.signals.insert(Signal::Dependabot),
            Trigger::FineGrainedPat => {
                if next.is_some_and(|b| b.is_ascii_alphanumeric()) {
                    self.signals.insert(Signal::FineGrainedPat);
                }
            }
            Trigger::ClassicPat | Trigger::OauthToken => {
                let body = raw.get(end..end + 36).unwrap_or_default();
                // A word character before the prefix means it is part of another word.
                let start_ok = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
                if start_ok && body.len() == 36 && body.iter().all(u8::is_ascii_alphanumeric) {
                    self.signals.insert(if trigger == Trigger::ClassicPat {
                        Signal::ClassicPat
                    } else {
                        Signal::OauthToken
                    });
                }
            }
            Trigger::PermissionsBlock => {
                self.block_left = PERMISSIONS_BLOCK_LINES;
                self.block_seen = true;
            }
            Trigger::LoginSucceeded => {
                self.signals.insert(Signal::LoginAttempted);
                self.first_login_success.get_or_insert(line_no);
            }
            Trigger::PushTarget => {
                self.aim.saw_push(line_no, cleaned);
                if let Some(host) = Host::detect(cleaned) {
                    self.target = Some(host);
                    self.hosts_seen |= host.bit();
                }
                self.note_typo(line_no, cleaned);
                if pushes_to_official_namespace(cleaned) {
                    self.last_official_push = Some(line_no);
                }
                self.last_context = Some(line_no);
                let lower = cleaned.to_ascii_lowercase();
                if lower.contains("pulling ") {
                    self.last_op = Some((Op::Pull, line_no));
                    if lower.contains("pulling from ") {
                        self.last_pulling_from = Some(line_no);
                    }
                } else if lower.contains("push") {
                    self.last_op = Some((Op::Push, line_no));
                }
            }
            Trigger::PullActivity => {
                self.last_context = Some(line_no);
                self.last_op = Some((Op::Pull, line_no));
                self.command_names(line_no, cleaned);
                let lower = cleaned.to_ascii_lowercase();
                if let Some(i) = lower.find("trying to pull ")
                    && let Some(host) = lower[i + "trying to pull ".len()..].split('/').next()
                {
                    let host = host.trim().to_owned();
                    if !host.is_empty() && !self.tried_hosts.contains(&host) {
                        self.tried_hosts.push(host);
                    }
                }
            }
            Trigger::PushActivity => {
                self.aim.saw_push(line_no, cleaned);
                self.last_context = Some(line_no);
                self.last_op = Some((Op::Push, line_no));
                self.command_names(line_no, cleaned);
            }
            Trigger::WorkDone => self.last_done = Some(line_no),
            Trigger::LocalImageMissing => self.last_local_missing = Some(line_no),
            // A full progress bar is an upload only on a push's line (`Pushing [====>]`), not
            // a pull's (`Downloading`, `Extracting`).
            Trigger::LayerUploaded if !cleaned.to_ascii_lowercase().contains(": push") => {}
            Trigger::LayerUploaded => {
                self.last_uploaded = Some(line_no);
                self.last_context = Some(line_no);
                self.last_op = Some((Op::Push, line_no));
            }
            Trigger::Daemon => {
                if self.daemon_lines.len() < MAX_DAEMON_LINES
                    && self.daemon_lines.last() != Some(&line_no)
                {
                    self.daemon_lines.push(line_no);
                }
            }
            Trigger::OauthTokenRequest => self.oauth_request = true,
            Trigger::ManifestList => {
                self.last_manifest_list = Some(line_no);
                self.last_context = Some(line_no);
            }
            Trigger::Proxy => self.signals.insert(Signal::ProxyConfigured),
            // Any login step's `with:` block (podman-login, azure/docker-login, ...), not only
            // docker/login-action's, which its own block reading also covers.
            Trigger::LoginInput => {
                if credential::decorated_secret(cleaned) {
                    self.signals.insert(Signal::SecretDecorated);
                }
            }
            Trigger::CredentialsNotProvided => match credential::announced(cleaned) {
                Some(credential::Announced::Any) => self.unprovided_any = true,
                Some(credential::Announced::Family(h)) => self.unprovided |= h.bit(),
                Some(credential::Announced::Other) => self.unprovided_other = true,
                None => {}
            },
            Trigger::LoginPrompt => self.aim.saw_prompt(line_no, cleaned),
            Trigger::PackagesHost => {}
            Trigger::Activity => self.last_context = Some(line_no),
            Trigger::StoredCredentials => {
                self.signals.insert(Signal::StoredCredentials);
                self.signals.insert(Signal::LoginAttempted);
                self.last_context = Some(line_no);
            }
            Trigger::CredentialFlag => {
                // `--password-stdin` and `--creds=...` alike; a word character before the
                // dashes means it is part of something else.
                if !before.is_some_and(|b| b.is_ascii_alphanumeric()) {
                    self.signals.insert(Signal::LoginAttempted);
                }
            }
            Trigger::LoginAction => {
                self.login_block_left = LOGIN_BLOCK_LINES;
                self.login_block_credential = false;
            }
            Trigger::LogActions => self.signals.insert(Signal::LogActions),
            Trigger::LogOtherCi => self.signals.insert(Signal::LogOtherCi),
            Trigger::LogLocal => self.signals.insert(Signal::LogLocal),
            Trigger::ClusterPull => {
                self.signals.insert(Signal::ClusterPull);
                self.last_context = Some(line_no);
                self.last_op = Some((Op::Pull, line_no));
            }
            // `may require 'docker login'` in docker's pull error is advice, not a login.
            Trigger::LoginAttempt if matches!(before, Some(b'\'' | b'"')) => {}
            Trigger::LoginAttempt => {
                self.signals.insert(Signal::LoginAttempted);
                self.last_context = Some(line_no);
                if let Some(host) = Host::detect(cleaned) {
                    self.login_hosts |= host.bit();
                }
                self.note_typo(line_no, cleaned);
                self.aim.saw_login(line_no, cleaned);
                if takes_credentials_from_variables(cleaned) {
                    self.signals.insert(Signal::LoginVariables);
                }
            }
        }
    }

    /// Notes a registry family named on a line with an error.
    pub(crate) fn saw_host(&mut self, host: Host) {
        self.hosts_seen |= host.bit();
    }

    /// A pull or push command names its registry (`docker pull ghcr.io/o/app`, `helm pull
    /// oci://ghcr.io/...`): the error that follows, which often names none, is about it.
    fn command_names(&mut self, line_no: usize, cleaned: &str) {
        if let Some(host) = Host::detect(cleaned) {
            self.target = Some(host);
            self.hosts_seen |= host.bit();
        }
        self.note_typo(line_no, cleaned);
    }

    /// True when the push under way shortly before `line_no` targets Docker Hub's `library/`
    /// namespace.
    pub(crate) fn recent_official_push(&self, line_no: usize) -> bool {
        self.last_official_push
            .is_some_and(|l| l <= line_no && line_no - l <= TYPO_LINES)
    }

    /// True when a line shortly before `line_no` (or `line_no` itself) named a mistyped
    /// registry host.
    pub(crate) fn recent_typo(&self, line_no: usize) -> bool {
        self.last_typo
            .is_some_and(|l| l <= line_no && line_no - l <= TYPO_LINES)
    }

    /// Records line `line_no` when it names a registry host that is a near miss of a
    /// well-known one (`docker push ghrc.io/o/app`).
    pub(crate) fn note_typo(&mut self, line_no: usize, text: &str) {
        if names_mistyped_host(text) {
            self.last_typo = Some(line_no);
        }
    }

    /// The signals that hold for the whole log.
    pub(crate) fn global(&self) -> Signals {
        let mut s = self.signals;
        if !s.contains(Signal::LoginAttempted) {
            s.insert(Signal::NoLogin);
            // containerd asks for an OAuth token only when it holds a credential for the
            // host; with no login in the log (and outside Actions, whose runners start
            // clean), that credential was stored earlier.
            if self.oauth_request && !s.contains(Signal::LogActions) {
                s.insert(Signal::StoredCredentials);
            }
        }
        if self.tried_hosts.len() > 1 {
            s.insert(Signal::SearchRegistries);
        }
        // The runner prints every granted permission; a block without a `Packages:` line
        // means the job's token has no packages permission at all.
        if self.block_seen && !self.block_packages && self.block_left == 0 {
            s.insert(Signal::PackagesNone);
        }
        s
    }

    /// The registry last named as the target of a push or pull (`The push refers to
    /// repository [...]`, buildx `[auth] ... token for ghcr.io`).
    pub(crate) fn target(&self) -> Option<Host> {
        self.target
    }

    /// The registry family when the log names exactly one.
    pub(crate) fn only_host(&self) -> Option<Host> {
        let seen = self.hosts_seen | self.login_hosts;
        Host::ALL.into_iter().find(|h| seen == h.bit())
    }

    /// What the push target and the logins say about the error first seen on `line`, whose
    /// message reads `text`.
    pub(crate) fn aim_signals(&self, text: &str, line: usize) -> Signals {
        self.aim.signals(text, line)
    }

    /// The signals for an error first seen on `line` about `host`.
    pub(crate) fn for_error(&self, line: usize, host: Option<Host>) -> Signals {
        let mut s = self.global();
        if self
            .last_pulling_from
            .is_some_and(|l| l < line && line - l <= TAG_RESOLVED_LINES)
        {
            s.insert(Signal::TagResolved);
        }
        if self
            .last_manifest_list
            .is_some_and(|l| l < line && line - l <= MANIFEST_LIST_LINES)
        {
            s.insert(Signal::TagResolved);
        }
        if self.first_login_success.is_some_and(|l| l < line) {
            s.insert(Signal::LoginSucceeded);
        }
        if let Some(h) = host {
            s.insert(h.signal());
            if self.login_hosts != 0 && self.login_hosts & h.bit() == 0 {
                s.insert(Signal::LoginOtherHost);
            }
        }
        let unprovided = match host {
            Some(h) => self.unprovided & h.bit() != 0,
            None => self.unprovided_other,
        };
        if self.unprovided_any || unprovided {
            s.insert(Signal::CredentialsNotProvided);
        }
        s
    }
}

#[cfg(test)]
mod tests;
