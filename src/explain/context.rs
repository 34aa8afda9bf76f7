//! Log-wide context: facts found anywhere in a log that change which cause is most likely.
//!
//! A message such as `installation not allowed to Write organization package` has several
//! causes; the rest of the log often tells them apart: the runner's `GITHUB_TOKEN
//! Permissions` block, a `pull_request` event, Dependabot, the kind of token, a successful
//! login, the registry host. Each fact is a [`Signal`]; catalog `rank` rules name them.

mod acr;
mod aim;
mod config;
mod credential;
mod ecr;
mod event;
mod host;
mod message;
mod pushed;
mod realm;
mod signal;
mod trigger;

pub use host::Host;
pub(crate) use message::*;
pub use signal::{Signal, Signals};
pub(crate) use trigger::{TRIGGERS, Trigger};

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

/// How many lines after kaniko's `checking push permission for` its refusal may follow (the
/// message is one line; a wrapped log breaks it over a few).
const PUSH_CHECK_LINES: usize = 3;

/// At most this many push announcements are remembered.
const MAX_PUSH_ANNOUNCED: usize = 256;

/// How many lines after go-containerregistry's anonymous fallback ko names the base image
/// it was for.
const ANONYMOUS_FALLBACK_LINES: usize = 2;

/// How many lines after `GITHUB_TOKEN Permissions` may hold the `Packages:` line.
const PERMISSIONS_BLOCK_LINES: u32 = 40;

/// Collects context while the log streams by.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    signals: Signals,
    /// The caller sent a credential, given or stored ([`Tracker::credential_sent`]): a log's
    /// want of a login says nothing then.
    sent: bool,
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
    /// The tags the log pushed.
    pushed: pushed::Pushed,
    /// The last line that said the image to push does not exist locally.
    last_local_missing: Option<usize>,
    /// The last line that showed a layer's upload accepted.
    last_uploaded: Option<usize>,
    /// The last line that showed kaniko's push check.
    last_push_check: Option<usize>,
    /// An image tag `pr-N` was seen: a pull request's run when the log is an Actions log.
    pull_request_tag: bool,
    /// Registry families a logout removed the stored credential for, and the first such line.
    logout_hosts: u8,
    first_logout: Option<usize>,
    /// The last line where go-containerregistry fell back on anonymous access without naming
    /// the registry.
    last_anonymous_fallback: Option<usize>,
    /// The registries of the docker configurations the log writes.
    configured: config::Configured,
    /// Lines where docker announced a push (`The push refers to repository [...]`), the first
    /// [`MAX_PUSH_ANNOUNCED`].
    push_announced: Vec<usize>,
    /// The last line that showed the token request to the challenge's realm.
    last_token_request: Option<usize>,
    /// ECR registries logged in to, and their lines (the first [`MAX_LOGINS`]).
    ecr_logins: Vec<(ecr::Registry, usize)>,
    /// The last ECR registry a line other than a login named, and its line.
    ecr_named: Option<(ecr::Registry, usize)>,
    /// ACR registries logged in to by name, and their lines (the first [`MAX_LOGINS`]).
    acr_logins: Vec<(String, usize)>,
    /// The last ACR registry a line other than a login named, and its line.
    acr_named: Option<(String, usize)>,
    /// The last line read for ACR registries (a line with two of its literals is read once).
    acr_line: Option<usize>,
}

/// At most this many logins to ECR registries, and as many to ACR registries, are remembered.
const MAX_LOGINS: usize = 64;

/// How many lines after the token request's URL (or the `HEAD` whose error shows its HTML
/// answer) the failure may follow: a page or a terminal breaks Go's nested error there.
const TOKEN_REQUEST_LINES: usize = 2;

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

    /// Records an operation a line showed outside the context literals (a `docker compose`
    /// progress line that failed).
    pub(crate) fn saw_op(&mut self, op: Op, line_no: usize) {
        self.last_op = Some((op, line_no));
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
            Trigger::CheckoutHead => {
                if event::checkout_of_merge_commit(cleaned) {
                    self.signals.insert(Signal::PullRequest);
                }
            }
            Trigger::ForkFlag => {
                if event::fork_flag(cleaned) {
                    self.signals.insert(Signal::PullRequest);
                }
            }
            Trigger::PullRequestTag => {
                if event::pull_request_tag(raw, end) {
                    self.pull_request_tag = true;
                }
            }
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
                let lower = cleaned.to_ascii_lowercase();
                // ` with docker:` names a push target only in BuildKit's exporter line (`>
                // pushing REF with docker:`); a step's title (`Build with docker:`) names none.
                if lower.contains(" with docker:") && aim::push_reference(cleaned).is_none() {
                    return;
                }
                self.aim.saw_push(line_no, cleaned);
                if lower.contains("push refers to")
                    && self.push_announced.len() < MAX_PUSH_ANNOUNCED
                {
                    self.push_announced.push(line_no);
                }
                if let Some(host) = Host::detect(cleaned) {
                    self.target = Some(host);
                    self.hosts_seen |= host.bit();
                }
                self.note_typo(line_no, cleaned);
                if pushes_to_official_namespace(cleaned) {
                    self.last_official_push = Some(line_no);
                }
                self.last_context = Some(line_no);
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
            Trigger::ComposeV1Pull => {
                if compose_v1_pull(cleaned) {
                    self.last_context = Some(line_no);
                    self.last_op = Some((Op::Pull, line_no));
                    self.command_names(line_no, cleaned);
                }
            }
            Trigger::PushActivity => {
                self.aim.saw_push(line_no, cleaned);
                self.pushed.saw(cleaned, self.aim.push_target());
                self.last_context = Some(line_no);
                self.last_op = Some((Op::Push, line_no));
                self.command_names(line_no, cleaned);
            }
            Trigger::WorkDone => self.last_done = Some(line_no),
            Trigger::PushCheck => {
                self.last_push_check = Some(line_no);
                self.last_context = Some(line_no);
                self.last_op = Some((Op::Push, line_no));
            }
            Trigger::LocalImageMissing => self.last_local_missing = Some(line_no),
            // A full progress bar is an upload only on a push's line (`Pushing [====>]`, with
            // its layer's id or, as a page that dropped the id shows it, without), not a
            // pull's (`Downloading`, `Extracting`).
            Trigger::LayerUploaded if !pushes_layer(cleaned) => {}
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
            Trigger::CachingProxy => self.signals.insert(Signal::CachingProxy),
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
            Trigger::Logout => {
                if let Some(host) = logout_host(cleaned) {
                    self.logout_hosts |= host.bit();
                    self.first_logout.get_or_insert(line_no);
                }
            }
            Trigger::AnonymousFallback => self.last_anonymous_fallback = Some(line_no),
            Trigger::BaseImage => self.base_after_fallback(line_no, cleaned),
            Trigger::HelperConfig => {
                if config::names_generating_helper(cleaned) {
                    self.signals.insert(Signal::HelperConfigured);
                }
            }
            // A configuration written with a credential is a login to each registry it names.
            Trigger::ConfigAuths => {
                for key in self.configured.saw(cleaned) {
                    self.signals.insert(Signal::LoginAttempted);
                    if let Some(host) = Host::detect(&key) {
                        self.login_hosts |= host.bit();
                    }
                }
            }
            Trigger::PackagesHost => {}
            Trigger::TokenRequest => {
                if realm::shows_token_request(raw, start, end) {
                    self.last_token_request = Some(line_no);
                }
            }
            Trigger::ContainerUpdate => self.signals.insert(Signal::UpdatePull),
            Trigger::EcrHost => {
                let found = ecr::registries(cleaned);
                if ecr::is_login_line(cleaned) {
                    for r in found {
                        if self.ecr_logins.len() < MAX_LOGINS {
                            self.ecr_logins.push((r, line_no));
                        }
                    }
                } else if let Some(r) = found.into_iter().last() {
                    self.ecr_named = Some((r, line_no));
                }
            }
            Trigger::Acr => {
                if self.acr_line != Some(line_no) {
                    self.acr_line = Some(line_no);
                    let logins = acr::logins(cleaned);
                    if logins.is_empty() {
                        if let Some(r) = acr::registries(cleaned).into_iter().last() {
                            self.acr_named = Some((r, line_no));
                        }
                    } else {
                        for r in logins {
                            if self.acr_logins.len() < MAX_LOGINS {
                                self.acr_logins.push((r, line_no));
                            }
                        }
                    }
                }
            }
            Trigger::EcrGetLogin => {
                if let Some(r) = ecr::get_login_region(cleaned)
                    && self.ecr_logins.len() < MAX_LOGINS
                {
                    self.ecr_logins.push((r, line_no));
                }
            }
            // Docker's hints come between `Pulling from` and the error: they do not count
            // in the distance from one to the other. A hint line can carry the error a
            // terminal wrapped onto it, so the pull stays one line before it.
            Trigger::CliHints => {
                if let Some(l) = self.last_pulling_from
                    && l < line_no
                    && line_no - l <= TAG_RESOLVED_LINES
                {
                    self.last_pulling_from = Some((line_no - 1).max(l));
                }
            }
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
                if ecr::login_user_not_aws(cleaned) {
                    self.signals.insert(Signal::LoginUserNotAws);
                }
            }
        }
    }

    /// ko resolves its base image just after go-containerregistry's older announcement that
    /// it found no credential (`No matching credentials were found, falling back on
    /// anonymous`, then `Using base gcr.io/distroless/static:latest for ...`): the keychain
    /// had none for the base image's registry, so a push to that registry goes without one
    /// too.
    fn base_after_fallback(&mut self, line_no: usize, cleaned: &str) {
        if !self
            .last_anonymous_fallback
            .is_some_and(|l| l < line_no && line_no - l <= ANONYMOUS_FALLBACK_LINES)
        {
            return;
        }
        match Host::detect(cleaned) {
            Some(h) => self.unprovided |= h.bit(),
            None => self.unprovided_other = true,
        }
    }

    /// True when docker announced a push (`The push refers to repository [...]`) on the line
    /// right after `line_no`: a tool that prints a command's error output before its standard
    /// output (goreleaser) puts the push's error above the push.
    pub(crate) fn push_announced_after(&self, line_no: usize) -> bool {
        self.push_announced.contains(&(line_no + 1))
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

    /// Records that the caller sent a credential with the request whose answer is read (a
    /// live answer: `check` knows, where a log only shows whether a login came before).
    pub(crate) fn credential_sent(&mut self) {
        self.sent = true;
    }

    /// The signals that hold for the whole log.
    pub(crate) fn global(&self) -> Signals {
        let mut s = self.signals;
        if !s.contains(Signal::LoginAttempted) && !self.sent {
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
        // A `pr-N` tag is docker/metadata-action's for a pull request in an Actions log, and
        // in an excerpt that shows no kind of log (a failed push's lines alone, which name
        // the Actions-only causes anyway); in a local shell's or another CI system's log it
        // is a name someone chose.
        if self.pull_request_tag
            && (s.contains(Signal::LogActions)
                || !(s.contains(Signal::LogLocal) || s.contains(Signal::LogOtherCi)))
        {
            s.insert(Signal::PullRequest);
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
        let mut s = self
            .aim
            .signals(text, line)
            .union(self.pushed.signals(text));
        // A push to a registry the written configuration holds no credential for.
        if aim::push_reference(text).is_some_and(|r| self.configured.elsewhere(&r)) {
            s.insert(Signal::LoginOtherHost);
        }
        if self.ecr_login_elsewhere(text, line) || self.acr_login_elsewhere(text, line) {
            s.insert(Signal::LoginOtherHost);
        }
        s
    }

    /// True when the error first seen on `line` (reading `text`) concerns an ACR registry,
    /// named on its line or last named before it, and the log logged in to ACR registries
    /// before it, none of them that one: `az acr login --name foo` gives docker a credential
    /// for `foo.azurecr.io` only, nothing to send to `bar.azurecr.io`.
    fn acr_login_elsewhere(&self, text: &str, line: usize) -> bool {
        login_elsewhere(
            acr::registries(text).into_iter().last(),
            self.acr_named.as_ref(),
            &self.acr_logins,
            line,
            |login, target| login == target,
        )
    }

    /// True when the error first seen on `line` (reading `text`) concerns an ECR registry,
    /// named on its line or last named before it, and the log logged in to ECR before it, but
    /// only to registries of another account or region. docker keeps a credential per host,
    /// and an ECR host is one account's registry in one region: a login to
    /// `111111111111.dkr.ecr.us-east-1.amazonaws.com` (or `aws ecr get-login --region
    /// eu-west-1`) gives nothing to send to `222222222222.dkr.ecr.us-east-1.amazonaws.com`.
    fn ecr_login_elsewhere(&self, text: &str, line: usize) -> bool {
        login_elsewhere(
            ecr::registries(text).into_iter().last(),
            self.ecr_named.as_ref(),
            &self.ecr_logins,
            line,
            ecr::Registry::covers,
        )
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
        if self
            .last_push_check
            .is_some_and(|l| l <= line && line - l <= PUSH_CHECK_LINES)
        {
            s.insert(Signal::PushCheck);
        }
        if self
            .last_token_request
            .is_some_and(|l| l <= line && line - l <= TOKEN_REQUEST_LINES)
        {
            s.insert(Signal::TokenRequest);
        }
        if let Some(h) = host {
            s.insert(h.signal());
            if self.login_hosts != 0 && self.login_hosts & h.bit() == 0 {
                s.insert(Signal::LoginOtherHost);
            }
            if self.logout_hosts & h.bit() != 0
                && self.first_logout.is_some_and(|l| l < line)
                && s.contains(Signal::NoLogin)
            {
                s.insert(Signal::LoggedOut);
            }
        }
        // An error that names no registry is about the one the tool announced it had nothing
        // for, when it announced exactly one.
        let unprovided = match host {
            Some(h) => self.unprovided & h.bit() != 0,
            None => self.unprovided_other || self.unprovided.count_ones() == 1,
        };
        if self.unprovided_any || unprovided {
            s.insert(Signal::CredentialsNotProvided);
        }
        s
    }
}

/// The registry a logout line removes the credential for: the one it names, Docker Hub when
/// it names none (`docker logout`), none for a host of no known family.
fn logout_host(cleaned: &str) -> Option<Host> {
    if let Some(h) = Host::detect(cleaned) {
        return Some(h);
    }
    let lower = cleaned.to_ascii_lowercase();
    let at = lower.find(" logout").map(|i| i + " logout".len())?;
    let named = lower[at..]
        .split_whitespace()
        .any(|w| !w.starts_with('-') && (w.contains('.') || w.contains(':')));
    (!named).then_some(Host::DockerHub)
}

/// True when an error on `line` concerns a registry (`on_line`, named on the error's line, or
/// `named`, the last one a line named before it within [`CONTEXT_LINES`]) and the log logged in
/// before that line to registries of the same kind (`logins`), none of which `covers` it:
/// docker keeps a credential per host, so a login to one such registry gives nothing to send
/// to another.
fn login_elsewhere<R: Clone>(
    on_line: Option<R>,
    named: Option<&(R, usize)>,
    logins: &[(R, usize)],
    line: usize,
    covers: impl Fn(&R, &R) -> bool,
) -> bool {
    let target = on_line.or_else(|| {
        named
            .filter(|(_, l)| *l <= line && line - l <= CONTEXT_LINES)
            .map(|(r, _)| r.clone())
    });
    let Some(target) = target else {
        return false;
    };
    let mut before = logins
        .iter()
        .filter(|(_, l)| *l < line)
        .map(|(r, _)| r)
        .peekable();
    before.peek().is_some() && !before.any(|r| covers(r, &target))
}

#[cfg(test)]
mod tests;
