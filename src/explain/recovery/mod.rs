//! Failures that a later retry recovered.
//!
//! A failure is *recovered* when a later line shows the same operation on the same object
//! completing (the same image, layer, or the login to the same registry host) and no failure
//! for that object follows. Such a failure is noise (a layer download that timed out and was
//! retried, a login that worked on its second attempt), not the reason the job failed, so it
//! names no cause.
//!
//! The log is streamed: every line is searched once for the completion and start wordings
//! ([`Recovery::line`]); each failure the explainer finds is tied to the object its line
//! names, else to the operation under way ([`Recovery::failure`]). Memory is bounded: at most
//! [`MAX_OBJECTS`] objects are followed and [`MAX_TIES`] objects per message; a failure that
//! cannot be followed is never counted as recovered.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

mod object;

pub(crate) use object::Object;
use object::{Start, UrlObject};

/// At most this many objects are followed.
const MAX_OBJECTS: usize = 4096;

/// At most this many objects are tied to one message; a message tied to more is not followed.
const MAX_TIES: usize = 64;

/// An operation started at most this many lines before a failure or a completion is the one
/// under way (a pull of a large image prints a few lines per layer).
const UNDER_WAY_LINES: usize = 500;

/// What follows a layer id (`5f70bf18a086: `) on the line that shows the layer done.
pub(crate) const LAYER_DONE: &[&str] = &[
    "Pull complete",
    "Download complete",
    "Pushed",
    "Layer already exists",
    "Already exists",
    "Mounted from",
];

/// The words of the lines that start or complete an operation. A line without any of them
/// is not looked at further (the explainer's matcher lets them past its quick test).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    LAYER_DONE.iter().chain(OTHER_WORDS).copied()
}

/// The words of [`words`] besides [`LAYER_DONE`].
const OTHER_WORDS: &[&str] = &[
    "Copying blob",
    // BuildKit's `... 1.2s done` (not its `#5 DONE 0.2s` for every step).
    "s done",
    "naming to",
    "pushing manifest for",
    "Status: ",
    "Successfully pulled image",
    ": digest: sha256:",
    "Writing manifest to image destination",
    "Login Succeeded",
    "Login succeeded",
    "Logging into",
    "Trying to pull",
    "The push refers to",
    "ulling image",
    "Unable to find image",
    // The clients whose `login`, `pull` and `push` commands start an operation.
    "docker ",
    "podman ",
    "buildah ",
    "nerdctl ",
    "helm ",
    "oras ",
    "crane ",
    "skopeo ",
];

fn automaton() -> Option<&'static AhoCorasick> {
    static W: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    W.get_or_init(|| AhoCorasick::new(words()).ok()).as_ref()
}

/// What a line does to the operations followed.
#[derive(Debug, Clone)]
enum Effect {
    Complete(Object),
    Start(Start),
    Nothing,
}

/// The failures and completions seen so far for one object.
#[derive(Debug, Clone, Copy)]
struct State {
    /// The last line that showed a failure for the object.
    failed: usize,
    /// The last line after it that showed the object completing.
    completed: Option<usize>,
}

/// What one distinct message was tied to.
#[derive(Debug, Default)]
struct Tie {
    objects: Vec<Object>,
    /// An occurrence could not be tied to an object (or too many were): never recovered.
    untied: bool,
}

/// A message found recovered: the object and the line that showed it completing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The object of the failure (the first, when it concerned several).
    object: Object,
    /// The (last) line that showed it completing.
    pub completed: usize,
}

impl Recovery {
    /// The object as the evidence records it (`image ghcr.io/o/app:1`, `login ghcr.io with
    /// docker`), the same in every language.
    pub fn object(&self) -> String {
        crate::secret::redact(&self.object.describe())
    }

    /// The object in the reader's language.
    pub fn object_shown(&self) -> String {
        crate::secret::redact(&self.object.shown())
    }
}

/// Follows the objects of failures and completions while the log streams by.
#[derive(Debug)]
pub(crate) struct Tracker<K> {
    objects: HashMap<Object, State>,
    ties: HashMap<K, Tie>,
    /// The object of the last failure line (a repeated line reuses it).
    last: Option<Object>,
    /// The last line that held one of the [`WORDS`] (without its timestamp), and what it
    /// did: a retry loop repeats the same line, which is then not read again.
    last_line: Option<(Vec<u8>, Effect)>,
    /// The last login started: its host, its client and its line.
    login: Option<(String, String, usize)>,
    pull: Option<(Object, usize)>,
    push: Option<(String, usize)>,
}

impl<K: Hash + Eq + Clone> Default for Tracker<K> {
    fn default() -> Self {
        Tracker {
            objects: HashMap::new(),
            ties: HashMap::new(),
            last: None,
            last_line: None,
            login: None,
            pull: None,
            push: None,
        }
    }
}

impl<K: Hash + Eq + Clone> Tracker<K> {
    /// Looks at a line of the log that holds one of [`words`] in any case (the explainer's
    /// matcher tells, and passes a repeated error line only once): a line that starts an
    /// operation sets the one under way; a line that shows one completing completes its object.
    pub(crate) fn line(&mut self, no: usize, raw: &[u8]) {
        let Some(w) = automaton() else {
            return;
        };
        if w.find(raw).is_none() {
            return;
        }
        let body = super::scan::without_timestamp(raw);
        let effect = match self.last_line.take() {
            Some((last, effect)) if last == body => {
                self.last_line = Some((last, effect.clone()));
                effect
            }
            _ => {
                let effect = self.read(no, raw);
                self.last_line = Some((body.to_vec(), effect.clone()));
                effect
            }
        };
        match effect {
            Effect::Complete(done) => self.complete(no, &done),
            Effect::Start(Start::Login(host, client)) => self.login = Some((host, client, no)),
            Effect::Start(Start::Pull(image)) => self.pull = Some((image, no)),
            Effect::Start(Start::Push(repo)) => self.push = Some((repo, no)),
            Effect::Nothing => {}
        }
    }

    /// What a line that holds one of the [`WORDS`] does.
    fn read(&self, no: usize, raw: &[u8]) -> Effect {
        let cleaned = super::scan::clean(raw);
        let line = without_step_prefix(&cleaned);
        if let Some(done) = self.completion(no, line) {
            return Effect::Complete(done);
        }
        object::started(line).map_or(Effect::Nothing, Effect::Start)
    }

    /// The object `line` shows completing, with what is under way for the wordings that do not
    /// name it (`Login Succeeded`, `Writing manifest to image destination`, `TAG: digest:`).
    fn completion(&self, no: usize, line: &str) -> Option<Object> {
        let push = self.push.as_ref().filter(|(_, at)| near(*at, no));
        if let Some(o) = object::completed(line, push.map(|(r, _)| r.as_str())) {
            return Some(o);
        }
        let lower = line.trim_start();
        if lower.starts_with("Login Succeeded") || lower.starts_with("Login succeeded") {
            return self
                .login
                .as_ref()
                .filter(|(_, _, at)| near(*at, no))
                .map(|(h, c, _)| object::login(h, c));
        }
        if lower.starts_with("Writing manifest to image destination") {
            return self.under_way(no).filter(|o| matches!(o, Object::Image(_)));
        }
        None
    }

    /// The image of the pull or push started last, if it started recently.
    fn under_way(&self, no: usize) -> Option<Object> {
        let pull = self.pull.as_ref().filter(|(_, at)| near(*at, no));
        let push = self.push.as_ref().filter(|(_, at)| near(*at, no));
        match (pull, push) {
            (Some((p, a)), Some((_, b))) if a >= b => Some(p.clone()),
            (_, Some((r, _))) => Some(Object::Repository(r.clone())),
            (Some((p, _)), None) => Some(p.clone()),
            (None, None) => None,
        }
    }

    /// The login under way, if it started last and recently.
    fn login_under_way(&self, no: usize) -> Option<(&str, &str)> {
        let (host, client, at) = self.login.as_ref()?;
        let later = |op: Option<usize>| op.is_some_and(|o| o > *at);
        (near(*at, no)
            && !later(self.pull.as_ref().map(|p| p.1))
            && !later(self.push.as_ref().map(|p| p.1)))
        .then_some((host.as_str(), client.as_str()))
    }

    fn complete(&mut self, no: usize, done: &Object) {
        let mut mark = |o: &Object| {
            if let Some(s) = self.objects.get_mut(o) {
                s.completed = Some(no);
            }
        };
        mark(done);
        // A tag completing completes its repository, for failures that named no tag.
        if let Object::Image(image) = done {
            let repo = image
                .split('@')
                .next()
                .and_then(|r| r.rsplit_once(':').filter(|(_, t)| !t.contains('/')))
                .map_or(image.as_str(), |(r, _)| r);
            mark(&Object::Repository(repo.to_owned()));
        }
    }

    /// A failure of message `key` on line `no`; `segment` is the message as the explainer
    /// matched it, `line` the whole cleaned line.
    pub(crate) fn failure(&mut self, no: usize, key: &K, segment: &str, line: &str) {
        let object = self.object_of(no, segment, line);
        self.tie(no, key, object);
    }

    /// The same failure line again (only its timestamp differs): the same object.
    pub(crate) fn repeat(&mut self, no: usize, key: &K) {
        // A retry loop repeats one line many times: only its line number changes.
        if let Some(o) = &self.last
            && let Some(s) = self.objects.get_mut(o)
            && self.ties.get(key).is_some_and(|t| t.objects.contains(o))
        {
            s.failed = no;
            s.completed = None;
            return;
        }
        let object = self.last.clone();
        self.tie(no, key, object);
    }

    fn object_of(&self, no: usize, segment: &str, line: &str) -> Option<Object> {
        let line = without_step_prefix(line);
        let host = match object::url_object(segment).or_else(|| object::url_object(line)) {
            Some(UrlObject::Object(o)) => return Some(o),
            Some(UrlObject::Host(h)) => Some(h),
            None => None,
        };
        if let Some(o) = object::named_object(line) {
            return Some(o);
        }
        if let Some((login, client)) = self.login_under_way(no) {
            // A request to `/v2/` or the token endpoint of another host than the login's is
            // not the login's.
            return host
                .is_none_or(|h| h == login)
                .then(|| object::login(login, client));
        }
        let under_way = self.under_way(no)?;
        let same_host = |h: &str| match &under_way {
            Object::Image(i) | Object::Repository(i) => i.starts_with(&format!("{h}/")),
            _ => false,
        };
        host.as_deref().is_none_or(same_host).then_some(under_way)
    }

    fn tie(&mut self, no: usize, key: &K, object: Option<Object>) {
        self.last.clone_from(&object);
        let followed =
            object.filter(|o| self.objects.contains_key(o) || self.objects.len() < MAX_OBJECTS);
        if !self.ties.contains_key(key) {
            self.ties.insert(key.clone(), Tie::default());
        }
        let Some(tie) = self.ties.get_mut(key) else {
            return;
        };
        let Some(o) = followed else {
            tie.untied = true;
            return;
        };
        if !tie.objects.contains(&o) {
            if tie.objects.len() >= MAX_TIES {
                tie.untied = true;
            } else {
                tie.objects.push(o.clone());
            }
        }
        let state = State {
            failed: no,
            completed: None,
        };
        match self.objects.get_mut(&o) {
            Some(s) => *s = state,
            None => {
                self.objects.insert(o, state);
            }
        }
    }

    /// Whether every failure of message `key` was recovered, and how.
    pub(crate) fn recovered(&self, key: &K) -> Option<Recovery> {
        let tie = self.ties.get(key)?;
        if tie.untied || tie.objects.is_empty() {
            return None;
        }
        let mut last = 0;
        for o in &tie.objects {
            let s = self.objects.get(o)?;
            let done = s.completed.filter(|d| *d > s.failed)?;
            last = last.max(done);
        }
        Some(Recovery {
            object: tie.objects[0].clone(),
            completed: last,
        })
    }
}

fn near(at: usize, no: usize) -> bool {
    no >= at && no - at <= UNDER_WAY_LINES
}

/// The line without BuildKit's step number (`#12 `) and leading blanks.
fn without_step_prefix(line: &str) -> &str {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix('#') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(' ') {
            return rest[digits..].trim_start();
        }
    }
    t
}

#[cfg(test)]
mod tests;
