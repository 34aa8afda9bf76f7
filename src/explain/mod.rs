//! The log explainer: names the cause of every registry or authentication error in a message
//! or a CI log, using the catalog's patterns.
//!
//! The log is streamed line by line ([`scan`]); every line is searched once for all the
//! catalog's literals ([`matcher`]); lines with a hit are cleaned and confirmed; the same
//! message repeated is counted, not repeated; at the end each message's suspects are ranked
//! with the context found anywhere in the log ([`context`], [`rank`]). `check` classifies a
//! live registry answer with [`classify`], so a cause reads the same everywhere.

use std::collections::HashMap;
use std::io::{self, Read};

use serde_json::{Map, Value};

mod apis;
mod cache;
pub mod context;
mod credential;
mod frame;
mod image;
mod lead;
mod lines;
mod matcher;
mod misaim;
mod protocol;
pub mod rank;
mod ratelimit;
mod recovered;
mod recovery;
mod refusal;
mod request;
pub mod scan;
mod sigstore;
mod storage;
mod trivy;
mod url;

pub use context::{Host, Signal, Signals};
pub use rank::Ranked;
pub use recovered::{Recovered, Recovery};
pub use scan::Stats;

use lines::{
    NON_REGISTRY_LINES, is_chart_repository, is_daemon_connection, leads_with_code,
    requests_non_registry_host, url_before,
};

use crate::catalog;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Location, Outcome, Report};
use crate::t;
use crate::token::TokenKind;

crate::finding::check_meta!(
/// The check id of every explain finding.
    pub CHECK = "explain", docs: "explain.md", messages: "explain");

/// At most this many distinct (message, image) pairs are told apart; beyond that, further
/// images are counted under their message without an image, so memory stays bounded.
const MAX_DISTINCT: usize = 1000;

/// At most this many line numbers are kept per message.
const MAX_LINES_KEPT: usize = 20;

/// At most this many characters of the line are quoted as evidence.
const EXCERPT: usize = 400;

/// One registry error found in the input, with its ranked suspects.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The most likely cause id.
    pub cause: String,
    /// The other possible cause ids, most likely first.
    pub alternatives: Vec<String>,
    /// The context signals that decided the order.
    pub ranked_by: Vec<Signal>,
    /// The first line (1-based) where the message occurs.
    pub line: usize,
    /// The first lines where it occurs (at most 20).
    pub lines: Vec<usize>,
    /// How many lines carry the message.
    pub count: usize,
    /// The message as it reads in the log (cleaned, cut to a few hundred characters).
    pub text: String,
    /// The part of it that matched the catalog.
    pub matched: String,
    /// The registry family, when known.
    pub host: Option<Host>,
    /// The line was longer than [`scan::MAX_LINE`] and only its start was read.
    pub truncated: bool,
    /// The catalog pattern, as `cause-id#index` (the cause that owns it, and its position).
    pub pattern: String,
    /// The tools that print this wording (from the catalog).
    pub printed_by: String,
    /// The image the message names (`host/path[:tag]`), when it names one.
    pub image: Option<String>,
    weight: u8,
    weak: bool,
    /// Named by the never-silence net ([`protocol::NET`]), not by a reason the log gives.
    net: bool,
    /// Read only from lines a progress display cut short ([`lines::is_progress_cut`]).
    cut: bool,
    /// One of its lines is in the error report of the CLI failing to reach its daemon (a
    /// wrapper's `Docker pull failed with exit code 1` repeated after each attempt).
    daemon: bool,
    /// Where the message was first seen among the lines as read ([`frame`]): the distance
    /// between two messages.
    at: usize,
}

/// The result of scanning one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// Every distinct registry error, in order of first appearance.
    pub explanations: Vec<Explanation>,
    pub stats: Stats,
    /// Context that holds for the whole input.
    pub signals: Vec<Signal>,
    /// Failures a later retry recovered: they name no cause ([`recovery`]).
    pub recovered: Vec<Recovered>,
}

/// What `check` knows about the credential and registry behind a live answer.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The kind of token that was sent, if any.
    pub token_kind: Option<TokenKind>,
    /// The registry host (`ghcr.io`, `registry-1.docker.io`, ...).
    pub host: Option<String>,
    /// True when the credential came from a docker/podman config rather than being given.
    pub stored_credentials: bool,
    /// More context the caller knows (e.g. [`Signal::PackagesWrite`] from a workflow).
    pub signals: Vec<Signal>,
}

impl Hints {
    fn signals(&self) -> Signals {
        let mut s = Signals::default();
        for sig in &self.signals {
            s.insert(*sig);
        }
        match self.token_kind {
            Some(TokenKind::FineGrainedPat) => s.insert(Signal::FineGrainedPat),
            Some(TokenKind::ClassicPat | TokenKind::LegacyHex) => s.insert(Signal::ClassicPat),
            Some(TokenKind::Oauth) => s.insert(Signal::OauthToken),
            Some(TokenKind::Installation) => s.insert(Signal::InstallationToken),
            _ => {}
        }
        // A stored credential was sent as it is, whatever its kind (a caller may not know
        // it); a credential given for this run was just used to log in, so a stored, stale
        // one is not the suspect.
        if self.stored_credentials {
            s.insert(Signal::StoredCredentials);
        } else if self.token_kind.is_some() {
            s.insert(Signal::LoginAttempted);
        }
        s
    }
}

/// The cause of one message, for `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub cause: String,
    pub alternatives: Vec<String>,
    pub ranked_by: Vec<Signal>,
}

/// A distinct error: the catalog pattern and the image the line names.
type Key = (usize, Option<String>);

/// Accumulates one distinct message while the log streams by.
struct Seen {
    entry: usize,
    /// The operation the message shows (or the one under way when it was first seen).
    op: Option<Signal>,
    image: Option<String>,
    /// Where it was first seen among the lines as read ([`frame`]), and the log's line.
    first_at: usize,
    first_line: usize,
    lines: Vec<usize>,
    /// Where each of its lines (the first [`MAX_LINES_KEPT`]) was seen among the lines as read.
    ats: Vec<usize>,
    count: usize,
    text: String,
    matched: String,
    host: Option<Host>,
    truncated: bool,
    others: Vec<String>,
    /// The message, or a command just before it, names a mistyped registry host.
    typo: bool,
    /// The request went to a mirror or pull-through cache.
    mirror: bool,
    /// The request went to a registry that serves images without a login.
    public: bool,
    /// The request pushes to Docker Hub's official `library/` namespace.
    official: bool,
    /// The request asks Docker Hub for a repository without a namespace.
    hub_bare: bool,
    /// What the push target and the logins before the message say ([`misaim`]), and what
    /// the refusal itself shows ([`refusal`]).
    aim: Signals,
    /// A 401 after the push's uploads were accepted.
    expired: bool,
    /// A line that carried it names a rate limit ([`ratelimit`]).
    limited: bool,
    /// Every line that carried it was cut short by a progress display
    /// ([`lines::is_progress_cut`]).
    cut: bool,
}

impl Seen {
    /// The message seen again, on the log's line `shown` (`no` among the lines as read): one
    /// more occurrence, and the line kept while fewer than [`MAX_LINES_KEPT`] are.
    fn again(&mut self, shown: usize, no: usize) {
        self.count += 1;
        if self.lines.len() < MAX_LINES_KEPT && self.lines.last() != Some(&shown) {
            self.lines.push(shown);
            self.ats.push(no);
        }
    }
}

/// Hides credentials a log line may carry (a token echoed by a script, an Authorization
/// header in a Go error or a curl trace), by the one secret policy, so evidence never repeats
/// a secret.
fn redact(text: &str) -> String {
    crate::secret::redact(text)
}

/// The evidence text: the segment with its secrets hidden, cut around the match at `start`.
/// Hiding comes first, so a cut never leaves part of a secret that no longer looks like one.
fn quote(segment: &str, start: usize) -> String {
    let (redacted, start) = crate::secret::redact::redact_at(segment, start);
    excerpt(&redacted, start)
}

fn excerpt(segment: &str, start: usize) -> String {
    if segment.chars().count() <= EXCERPT {
        return segment.to_owned();
    }
    // Keep some text before the match and as much after it as fits.
    let mut from = start.saturating_sub(EXCERPT / 4);
    while !segment.is_char_boundary(from) {
        from -= 1;
    }
    let tail: String = segment[from..].chars().take(EXCERPT).collect();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&tail);
    if from + tail.len() < segment.len() {
        out.push('…');
    }
    out
}

/// Scans `reader` line by line and explains every registry error in it.
pub fn scan<R: Read>(reader: R) -> io::Result<Scan> {
    scan_with(reader, Signals::default(), None)
}

fn scan_with<R: Read>(reader: R, extra: Signals, default_host: Option<Host>) -> io::Result<Scan> {
    let Some(m) = matcher::Matcher::get() else {
        let stats = scan::for_each_line(reader, |_, _, _| {})?;
        return Ok(Scan {
            explanations: Vec::new(),
            stats,
            signals: Vec::new(),
            recovered: Vec::new(),
        });
    };
    let mut tracker = context::Tracker::default();
    // A caller that sent a credential says so ([`Hints`]); `no-login` would contradict it.
    if extra.contains(Signal::LoginAttempted) || extra.contains(Signal::StoredCredentials) {
        tracker.credential_sent();
    }
    let mut seen: HashMap<Key, Seen> = HashMap::new();
    let mut order: Vec<Key> = Vec::new();
    // The last error line (without its timestamp) and its key.
    let mut last: Option<(Vec<u8>, Key)> = None;
    // The last line that requested a host which is not a registry.
    let mut non_registry_request: Option<usize> = None;
    // The last line that reported a failed README or description update on a hub's web API.
    let mut web_api_failure: Option<usize> = None;
    let mut recovery = recovery::Tracker::<Key>::default();
    // trivy's database repositories that failed, and the last database download that completed.
    let mut trivy_failures: Vec<usize> = Vec::new();
    let mut trivy_done: Option<usize> = None;
    // The repositories docker pulls finished with (`Status: Downloaded newer image for REF`).
    // The first `MAX_DISTINCT` are kept.
    let mut pulled: Vec<String> = Vec::new();
    // `no` counts the lines as read, a log carried in a JSON string split into its own
    // lines ([`frame`]); `shown` is the log's line the user is pointed at.
    let straddles = |text: &[u8], from: usize, to: usize| m.straddles(text, from, to);
    // The line before ended after a colon: a message a page or a terminal broke goes on here.
    let mut after_colon = false;
    // What the line before showed of its request when it ended after a colon (its reason
    // follows here, as docker's `pull access denied for public.ecr.aws/o/app:` does when a page
    // breaks it): the operation it named and whether it went to a public registry.
    let mut colon_request: Option<(Option<Signal>, bool)> = None;
    // Each line is read with the one after it known: a client's usage hint there names the
    // command a usage error on this line came from ([`lines::is_registry_usage_hint`]), and
    // a kubelet's failed-pull event there makes this line the pull's error
    // ([`lines::is_kubelet_pull_failure`]); both are asked only of the line after one that
    // holds a literal and names no registry itself. `alone`: the line is the whole log.
    let mut read_line = |no: usize,
                         shown: usize,
                         line: &[u8],
                         truncated: bool,
                         next: Option<&[u8]>,
                         alone: bool| {
        let goes_on = std::mem::replace(&mut after_colon, line.trim_ascii_end().ends_with(b":"));
        // Set only for a line that ends after a colon, so what it carries is for this line.
        let carried = std::mem::replace(
            &mut colon_request,
            after_colon
                .then(|| colon_request_of(&scan::clean(line)))
                .flatten(),
        );
        if tracker.in_permissions_block() {
            tracker.permissions_line(&scan::clean(line));
        }
        if tracker.in_login_block() {
            tracker.login_block_line(&scan::clean(line));
        }
        if lines::starts_step(scan::without_timestamp(line)) {
            tracker.step_started(no);
        }
        let Some(first) = m.first(line) else {
            return;
        };
        if trivy::completes_download(line) {
            trivy_done = Some(no);
        }
        // A flood of the same error (a retry loop, one line per blob) is counted without
        // matching it again; only the timestamp differs between its lines.
        let body = scan::without_timestamp(line);
        if let Some((text, key)) = &last
            && text.as_slice() == body
            && let Some(s) = seen.get_mut(key)
        {
            recovery.repeat(shown, key);
            s.again(shown, no);
            return;
        }
        let hits = m.hits_from(line, first);
        if hits.recovery {
            recovery.line(shown, line);
        }
        // The line, or one just before it, names a registry or shows registry work; or the
        // line is a registry's error as the docker and podman clients print it, the code
        // word first (`unauthorized: ...`, `denied: ...`).
        // Asked only of a line with something to read: a line with only a registry's name
        // or an operation's word returns below whatever the answer.
        let readable = hits.protocol || !hits.triggers.is_empty() || !hits.patterns.is_empty();
        let context = hits.context
            || (readable
                && (next.is_some_and(|n| {
                    lines::is_registry_usage_hint(n) || lines::is_kubelet_pull_failure(n)
                }) || tracker.context_near(no)
                    || (hits.protocol && leads_with_code(body))
                    || lines::is_bare_https_socket_error(body)
                    || (!goes_on && lines::is_bare_tls_error(body))
                    || (alone && lines::is_bare_lookup_error(body))));
        let protocol = hits.protocol && context;
        // A failed README update (a status, or a pattern's words, on a line that names no
        // registry): the web API's answer printed after it is its, not a registry's. Looked
        // for here, before a line without a reading of its own returns.
        if readable
            && apis::mentions_readme(body)
            && apis::is_failed_readme_update(&scan::clean(line))
        {
            web_api_failure = Some(no);
        }
        if hits.triggers.is_empty() && hits.patterns.is_empty() && !protocol {
            if hits.context {
                // A request for a classic chart repository's index or archive with no error on
                // its line (`curl -I https://OWNER.github.io/charts/index.yaml`) is no registry
                // work: the status printed under it (`HTTP/1.1 404 Not Found`) is that
                // repository's.
                // So is a request to a host that serves no images, logged with its method and
                // status (urllib3's `https://europe-pypi.pkg.dev:443 "GET /p/simple/x/ HTTP/1.1"
                // 403 0`): the status its client reports under it is that host's.
                if memchr::memmem::find(line, b"://").is_some() && {
                    let cleaned = scan::clean(line);
                    lines::requests_chart_repository(&cleaned)
                        || lines::logs_non_registry_request(&cleaned)
                } {
                    non_registry_request = Some(no);
                } else {
                    tracker.saw_context(no, line);
                }
            }
            return;
        }
        let cleaned = scan::clean(line);
        if trivy_failures.len() < trivy::MAX_FAILURES && trivy::is_repository_failure(&cleaned) {
            trivy_failures.push(no);
        }
        // A classic chart repository's index or archive is no registry either; helm prints
        // its status on the next line when the line breaks after the URL.
        if requests_non_registry_host(&cleaned) || lines::requests_chart_repository(&cleaned) {
            non_registry_request = Some(no);
        }
        for (trigger, start, end) in &hits.triggers {
            tracker.trigger(*trigger, no, line, *start, *end, &cleaned);
        }
        if !hits.triggers.is_empty()
            && pulled.len() < MAX_DISTINCT
            && let Some(repository) = lines::pulled_repository(&cleaned)
        {
            pulled.push(repository);
        }
        if hits.context {
            tracker.saw_context(no, line);
        }
        // A trigger on this very line may have announced registry work (`Error pulling
        // image ...: i/o timeout`).
        let context = context || tracker.context_at(no);
        let protocol = hits.protocol && context;
        if hits.patterns.is_empty() && !protocol {
            return;
        }
        let Some(found) = m.best(&hits.patterns, &cleaned, context, protocol) else {
            return;
        };
        if is_daemon_connection(&cleaned) && m.entries[found.entry].cause.id.starts_with("network-")
        {
            return;
        }
        // The daemon's platform warning for an image pulled under a name of its own for that
        // architecture (`quay.io/pypa/manylinux2014_aarch64` run on an amd64 host): its author
        // builds it for that one architecture on purpose, and the pull succeeded; a run that
        // fails after it is the workflow's choice of image, not the registry's.
        if m.entries[found.entry].cause.id == "image-platform-missing"
            && let Some(arch) = lines::warned_image_arch(&cleaned)
            && pulled
                .iter()
                .any(|repository| lines::named_for_arch(repository, &arch))
        {
            return;
        }
        // A refusal or a network error on a request to a host that serves packages, source
        // or an API, never images (`PUT https://npm.pkg.github.com/...`, `GET
        // https://api.github.com/...`), is not a registry's, whatever its words; the
        // message may follow on the next lines (npm prints the request, then the reason). A
        // request printed with its method is the one that failed even when the line names a
        // registry around it (a tool that reads an image's tags through GitHub's API).
        if (requests_non_registry_host(&cleaned) && url_before(&cleaned, &found.matched))
            || lines::prints_failed_non_registry_request(&cleaned)
            || (!cleaned.contains("://")
                && non_registry_request.is_some_and(|at| no > at && no - at <= NON_REGISTRY_LINES))
        {
            return;
        }
        if (is_chart_repository(&cleaned)
            && !(lines::is_registry_chart_repository(&cleaned)
                && m.entries[found.entry].cause.id.starts_with("network-")))
            || lines::is_git_remote(&cleaned)
            || lines::requests_engine_api(&cleaned)
            || cache::is_skipped_import(&cleaned)
            || cache::requests_actions_cache(&cleaned)
            || sigstore::is_sigstore_service_failure(&cleaned)
            || apis::is_other_api_failure(&cleaned)
            || lines::is_package_repository_fetch(&cleaned)
            || lines::retries_without_credentials(&cleaned)
            || lines::is_cloud_api_token_failure(&cleaned)
            || (m.entries[found.entry].cause.id == "reference-invalid"
                && lines::is_stage_name_read_as_reference(&cleaned))
        {
            return;
        }
        // The web API's answer printed after a failed README update (`Full response:
        // {"message":"..."}`), with no request of its own before the message.
        if web_api_failure.is_some_and(|at| no > at && no - at <= apis::WEB_API_ANSWER_LINES)
            && !url_before(&cleaned, &found.matched)
        {
            return;
        }
        // The never-silence net does not speak for the local store's failure to apply a layer,
        // nor is a network error read there the network's: the daemon's untar of a layer it
        // already downloaded ends `Error processing tar file(exit status 1): unexpected EOF`
        // when the disk fills or the layer file is cut.
        if storage::is_local_layer_failure(&cleaned)
            && (m.entries[found.entry]
                .pattern
                .protocol
                .as_deref()
                .is_some_and(|p| protocol::NET.contains(&p))
                || m.entries[found.entry].cause.id.starts_with("network-"))
        {
            return;
        }
        let host = Host::detect(&found.segment)
            .or_else(|| Host::detect(&cleaned))
            .or_else(|| tracker.target());
        if let Some(h) = host {
            tracker.saw_host(h);
        }
        if request::compose_pull(&cleaned) {
            tracker.saw_op(context::Op::Pull, no);
        }
        let op = context::op_of(&found.segment)
            .or_else(|| carried.and_then(|(op, _)| op))
            .or_else(|| {
                tracker.recent_op(no).map(|op| match op {
                    context::Op::Pull => Signal::Pull,
                    context::Op::Push => Signal::Push,
                })
            });
        let mut image = image::image_of(&found.segment).map(|i| redact(&i));
        if image.is_some() && seen.len() >= MAX_DISTINCT {
            image = None;
        }
        let key = (found.entry, image);
        recovery.failure(shown, &key, &found.segment, &cleaned);
        last = Some((body.to_vec(), key.clone()));
        match seen.get_mut(&key) {
            Some(s) => {
                s.again(shown, no);
                s.host = s.host.or(host);
                s.cut &= lines::is_progress_cut(&cleaned);
                s.limited |= ratelimit::names_rate_limit(&cleaned);
                for o in found.others {
                    if !s.others.contains(&o) {
                        s.others.push(o);
                    }
                }
            }
            None => {
                order.push(key.clone());
                seen.insert(
                    key.clone(),
                    Seen {
                        entry: found.entry,
                        op,
                        image: key.1,
                        first_at: no,
                        first_line: shown,
                        lines: vec![shown],
                        ats: vec![no],
                        count: 1,
                        text: quote(&found.segment, found.start),
                        matched: redact(&found.matched),
                        host,
                        truncated,
                        others: found.others,
                        typo: context::names_mistyped_host(&cleaned) || tracker.recent_typo(no),
                        mirror: context::is_mirror_request(&found.segment),
                        public: context::names_public_registry(&cleaned)
                            || carried.is_some_and(|(_, public)| public),
                        official: context::pushes_to_official_namespace(&cleaned)
                            || tracker.recent_official_push(no),
                        hub_bare: context::requests_hub_without_namespace(&found.segment),
                        aim: tracker
                            .aim_signals(&cleaned, no)
                            .union(refusal::signals(&found.segment, &cleaned, host))
                            .union(request::signals(&found.segment)),
                        expired: tracker.upload_accepted_before(no)
                            && credential::is_401(&found.segment),
                        cut: lines::is_progress_cut(&cleaned),
                        limited: ratelimit::names_rate_limit(&cleaned),
                    },
                );
            }
        }
    };
    // The line held back until the next one is known, in one buffer reused for every line.
    let mut held: Option<(usize, usize, bool)> = None;
    let mut held_line: Vec<u8> = Vec::new();
    // How many lines the log holds: a message that is the whole log is read as a pasted error.
    let mut count = 0usize;
    let stats = frame::for_each_line(reader, straddles, |no, shown, line, truncated| {
        count += 1;
        if let Some((h_no, h_shown, h_truncated)) = held.take() {
            read_line(h_no, h_shown, &held_line, h_truncated, Some(line), false);
        }
        held_line.clear();
        held_line.extend_from_slice(line);
        held = Some((no, shown, truncated));
    })?;
    if let Some((h_no, h_shown, h_truncated)) = held.take() {
        read_line(h_no, h_shown, &held_line, h_truncated, None, count == 1);
    }

    let mut explanations = Vec::new();
    let mut recovered = Vec::new();
    for key in order {
        let Some(s) = seen.remove(&key) else {
            continue;
        };
        let e = &m.entries[s.entry];
        let host = s.host.or(default_host).or_else(|| tracker.only_host());
        let mut signals = tracker
            .for_error(s.first_at, host)
            .union(extra)
            .union(s.aim);
        match s.op {
            Some(op) => signals.insert(op),
            None if tracker.push_announced_after(s.first_at) => signals.insert(Signal::Push),
            None => {}
        }
        if s.typo {
            signals.insert(Signal::HostTypo);
        }
        if s.mirror {
            signals.insert(Signal::Mirror);
        }
        if s.public {
            signals.insert(Signal::PublicRegistry);
        }
        if s.official {
            signals.insert(Signal::OfficialNamespace);
        }
        if s.hub_bare {
            signals.insert(Signal::HubNoNamespace);
        }
        if s.expired {
            signals.insert(Signal::UploadAccepted);
        }
        let ranked = ratelimit::first(
            lead::lead_by_context(
                rank::rank(e.pattern, &e.cause.id, &s.others, signals),
                signals,
            ),
            s.limited,
        );
        let explanation = Explanation {
            cause: ranked.cause,
            alternatives: ranked.alternatives,
            ranked_by: ranked.ranked_by,
            line: s.first_line,
            at: s.first_at,
            lines: s.lines,
            count: s.count,
            text: s.text,
            matched: s.matched,
            host,
            truncated: s.truncated,
            pattern: format!("{}#{}", e.cause.id, e.index),
            printed_by: e.pattern.printed_by.clone(),
            image: s.image,
            weight: e.pattern.weight,
            weak: e.pattern.weak,
            net: e
                .pattern
                .protocol
                .as_deref()
                .is_some_and(|p| protocol::NET.contains(&p)),
            cut: s.cut,
            daemon: s.ats.iter().any(|&at| tracker.daemon_near(at, BLOCK_LINES)),
        };
        match recovery.recovered(&key) {
            Some(how) => recovered.push(Recovered::new(explanation, how)),
            None => explanations.push(explanation),
        }
    }
    // A generic message (`403 Forbidden` with no body) is the same failure as a specific one
    // that names one of its suspects; keep only the specific one.
    let strong: Vec<String> = explanations
        .iter()
        .filter(|e| !e.weak)
        .map(|e| e.cause.clone())
        .collect();
    explanations.retain(|e| {
        !e.weak
            || !strong
                .iter()
                .any(|c| c == &e.cause || e.alternatives.contains(c))
    });
    // The never-silence net only speaks when nothing else in the log names a cause: the
    // specific cause, wherever the log holds it, leads.
    if explanations.iter().any(|e| !e.net) {
        explanations.retain(|e| !e.net);
    }
    // Nor when the error report it belongs to is the CLI failing to reach its daemon: the
    // same message printed again is the same failure, so any of its lines decides (the
    // Actions runner's `Docker pull failed with exit code 1` summary sits apart from the
    // attempt it reports, its retry warning next to the daemon's refusal).
    explanations.retain(|e| !e.net || !e.daemon);
    // Nor when it follows the client saying it has no local image to push: the command failed
    // before it sent anything.
    explanations.retain(|e| !e.net || !tracker.local_image_missing_before(e.at));
    // Nor a trivy database repository that failed before another one served the download.
    explanations.retain(|e| {
        !(trivy_done.is_some_and(|done| e.at < done) && trivy_failures.contains(&e.at))
    });
    // A message that a progress display cut short (`denied: ...`) reads less than the same
    // request's message printed whole elsewhere in the log; the whole one speaks for it.
    let whole: Vec<String> = explanations
        .iter()
        .filter(|e| !e.cut)
        .filter_map(|e| e.image.clone())
        .collect();
    explanations.retain(|e| !e.cut || !e.image.as_ref().is_some_and(|i| whole.contains(i)));
    explanations.sort_by_key(|e| e.at);
    let global = tracker.global().union(extra);
    let explanations = lead::not_found_first(per_cause(in_blocks(explanations)), global);
    Ok(Scan {
        explanations,
        stats,
        signals: global.iter().collect(),
        recovered: recovered::shown(recovered),
    })
}

/// How close (in lines) two messages must be to belong to one error report (a tool prints
/// its error over several lines: `Unauthorized for ...`, then the registry's answer).
const BLOCK_LINES: usize = 2;

/// What a line that ends after a colon shows of its request, for the reason on the next line:
/// the operation it names and whether it went to a registry that serves anyone without a
/// login. `None` when it shows neither.
fn colon_request_of(line: &str) -> Option<(Option<Signal>, bool)> {
    let op = context::op_of(line).filter(|op| *op != Signal::LoginRequest);
    let public = context::names_public_registry(line);
    (op.is_some() || public).then_some((op, public))
}

/// Orders the messages of one error report (lines at most [`BLOCK_LINES`] apart) most
/// specific first: a specific message before a generic one, then by pattern weight, then a
/// message whose line ends after a colon after the lines that follow it (its reason is
/// there: BuildKit's `failed to fetch anonymous token:` broken before `unexpected status from
/// GET request to URL: 403 Forbidden`). Reports stay in the order of the log.
fn in_blocks(explanations: Vec<Explanation>) -> Vec<Explanation> {
    let mut out: Vec<Explanation> = Vec::with_capacity(explanations.len());
    let mut block: Vec<Explanation> = Vec::new();
    let flush = |block: &mut Vec<Explanation>, out: &mut Vec<Explanation>| {
        block.sort_by_key(|e| {
            (
                e.weak,
                std::cmp::Reverse(e.weight),
                ends_after_colon(&e.text),
                e.at,
            )
        });
        out.append(block);
    };
    for e in explanations {
        if let Some(prev) = block.last()
            && e.at > prev.at + BLOCK_LINES
        {
            flush(&mut block, &mut out);
        }
        block.push(e);
    }
    flush(&mut block, &mut out);
    out
}

/// True when a message's line ends after a colon: what it failed with is on the lines after it.
fn ends_after_colon(text: &str) -> bool {
    text.trim_end().ends_with(':')
}

/// One explanation per cause, in order of first appearance: the messages that name the same
/// cause are counted together, their lines merged, and the first one quoted.
fn per_cause(explanations: Vec<Explanation>) -> Vec<Explanation> {
    let mut out: Vec<Explanation> = Vec::new();
    for e in explanations {
        match out.iter_mut().find(|o| o.cause == e.cause) {
            None => out.push(e),
            Some(o) => {
                o.count += e.count;
                for l in e.lines {
                    if !o.lines.contains(&l) {
                        o.lines.push(l);
                    }
                }
                o.lines.sort_unstable();
                o.lines.truncate(MAX_LINES_KEPT);
                o.line = o.line.min(e.line);
                o.at = o.at.min(e.at);
                for a in e.alternatives {
                    if a != o.cause && !o.alternatives.contains(&a) {
                        o.alternatives.push(a);
                    }
                }
                if o.image.is_none() {
                    o.image = e.image;
                }
                o.host = o.host.or(e.host);
                o.truncated |= e.truncated;
                o.weak &= e.weak;
                o.weight = o.weight.max(e.weight);
            }
        }
    }
    out
}

/// Classifies one registry message (a live answer's body or error text) for `check`.
///
/// `hints` add what the caller knows: the token kind (`github_pat_` makes `does not match
/// expected scopes` a fine-grained token problem), the host, and whether the credential
/// was stored. `installation not allowed to Create organization package` names
/// `package-creation-restricted` first unless `hints.signals` holds [`Signal::PackagesRead`]
/// or [`Signal::PackagesNone`] (then `workflow-missing-packages-write`). `denied: denied` names
/// `stale-credentials` for stored credentials and `token-invalid` for a given token. A raw
/// JSON error body is read as `code: message` lines, the way clients print it.
pub fn classify(message: &str, hints: &Hints) -> Option<Classification> {
    let host = hints.host.as_deref().and_then(Host::detect);
    let text = envelope_text(message).unwrap_or_else(|| message.to_owned());
    let scan = scan_with(text.as_bytes(), hints.signals(), host).ok()?;
    let best = scan
        .explanations
        .into_iter()
        .max_by_key(|e| (!e.weak, e.weight, usize::MAX - e.line))?;
    Some(Classification {
        cause: best.cause,
        alternatives: best.alternatives,
        ranked_by: best.ranked_by,
    })
}

/// A registry's JSON error body (`{"errors":[{"code":"DENIED","message":"..."}]}`) as the
/// lines clients print for it (`denied: ...`), which is the wording the catalog knows.
fn envelope_text(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body.trim()).ok()?;
    let errors = v.get("errors")?.as_array()?;
    let lines: Vec<String> = errors
        .iter()
        .map(|e| {
            let code = e.get("code").and_then(Value::as_str).unwrap_or_default();
            let message = e.get("message").and_then(Value::as_str).unwrap_or_default();
            format!("{}: {message}", code.to_ascii_lowercase())
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn title(id: &str) -> String {
    catalog::cause(id).map_or_else(|| id.to_owned(), |c| c.title_text().to_owned())
}

/// Turns one explanation into a finding about `input`.
pub fn finding(e: &Explanation, input: Option<&str>) -> Finding {
    let mut message = t!(
        "explain.message",
        matched = e.matched,
        title = title(&e.cause)
    );
    if e.count > 1 {
        message.push_str(&t!("explain.seen", count = e.count));
    }
    if !e.ranked_by.is_empty() {
        let names: Vec<&str> = e.ranked_by.iter().map(|s| s.name()).collect();
        message.push_str(&t!("explain.ranked-by", signals = names.join(", ")));
    }
    if !e.alternatives.is_empty() {
        let titles: Vec<String> = e.alternatives.iter().map(|a| title(a)).collect();
        message.push_str(&t!(
            "explain.also-possible",
            causes = titles.join(&t!("common.clause-separator"))
        ));
    }
    let target = e
        .image
        .clone()
        .or_else(|| input.map(str::to_owned))
        .unwrap_or_else(|| t!("explain.stdin"));
    // Every pattern belongs to a catalog cause (the catalog test proves it).
    let outcome = CauseId::from_id(&e.cause).map_or(Outcome::Warn, Outcome::Fail);
    let mut f = Finding::new(&CHECK, outcome, target, message)
        .with_location(Location::line(input.map(str::to_owned), e.line))
        .with_evidence(Fact::text(e.text.clone()))
        .with_evidence(Fact::matched(e.matched.clone()))
        .with_evidence(Fact::count(e.count))
        .with_evidence(Fact::lines(e.lines.clone()))
        .with_evidence(Fact::alternatives(e.alternatives.clone()))
        .with_evidence(Fact::ranked_by(
            e.ranked_by
                .iter()
                .map(|s| s.name().to_owned())
                .collect::<Vec<_>>(),
        ))
        .with_evidence(Fact::printed_by(e.printed_by.clone()))
        .with_evidence(Fact::pattern(e.pattern.clone()));
    if let Some(image) = &e.image {
        f = f.with_evidence(Fact::image(image.clone()));
    }
    if let Some(h) = e.host {
        f = f.with_evidence(Fact::registry(
            h.signal().name().trim_start_matches("host-"),
        ));
    }
    if e.truncated {
        f = f.with_evidence(Fact::note(t!(
            "explain.truncated-line",
            limit = scan::MAX_LINE / 1024
        )));
    }
    f
}

/// Explains every registry error in `reader`; `input` is the file name (`None`: stdin).
pub fn explain<R: Read>(reader: R, input: Option<&str>) -> io::Result<Report> {
    let scan = scan(reader)?;
    Ok(report(&scan, input))
}

/// The report for a finished scan.
pub fn report(scan: &Scan, input: Option<&str>) -> Report {
    let mut report = Report::new(CHECK.id);
    for e in &scan.explanations {
        report.push(finding(e, input));
    }
    recovered::push_all(&mut report, &scan.recovered, input);
    let mut log = Map::new();
    log.insert(
        "name".into(),
        Value::from(input.map_or_else(|| t!("explain.stdin"), str::to_owned)),
    );
    log.insert("lines".into(), Value::from(scan.stats.lines));
    log.insert("bytes".into(), Value::from(scan.stats.bytes));
    log.insert(
        "truncated_lines".into(),
        Value::from(scan.stats.truncated_lines),
    );
    log.insert(
        "signals".into(),
        Value::from(scan.signals.iter().map(|s| s.name()).collect::<Vec<&str>>()),
    );
    report.extra.insert("log".into(), Value::Object(log));
    report
}

/// The sentence for a log without registry errors.
pub fn nothing_found(stats: &Stats) -> String {
    t!("explain.none", lines = stats.lines)
}

#[cfg(test)]
mod tests;
