//! Evidence: the facts behind a finding's verdict, typed.
//!
//! A finding carries [`Evidence`], an ordered list of [`Fact`]s; each fact is one of a
//! closed set of keys with its own type (`Status(u16)`, `Scopes(Vec<String>)`, ...), so an
//! unknown key does not compile. Only the renderers serialise it, to the JSON object of the
//! v1 contract (`{"status": 401, "scopes": ["read:packages"]}`), keys in the order the
//! facts were added. `docs/evidence.md` lists every key and is generated from [`Key::ALL`]
//! (`GHCR_DOCTOR_BLESS=1 cargo test docs`). Evidence never holds a secret: kinds, lengths,
//! status codes and the servers' own words, redacted again before any renderer sees them.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::catalog::CauseId;

/// Declares the facts: variant, type, JSON key and constructor, with a one-line doc.
macro_rules! facts {
    ($( #[doc = $doc:literal] $variant:ident($ty:ty) = $key:literal, $ctor:ident; )*) => {
        /// One fact behind a verdict, with its value.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Fact {
            $( #[doc = $doc] $variant($ty), )*
        }

        /// The key of a fact, as JSON names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key {
            $( #[doc = $doc] $variant, )*
        }

        impl Key {
            /// Every key, in the order of their JSON names.
            pub const ALL: &'static [Key] = &[$( Key::$variant, )*];

            /// The stable JSON key (`status`, `bearer_error`).
            pub fn as_str(self) -> &'static str {
                match self { $( Key::$variant => $key, )* }
            }

            /// What the fact says, one sentence.
            pub fn doc(self) -> &'static str {
                match self { $( Key::$variant => $doc.trim_ascii(), )* }
            }

            /// The JSON type of its value.
            pub fn json_type(self) -> &'static str {
                match self { $( Key::$variant => <$ty as Typed>::JSON, )* }
            }
        }

        impl Fact {
            $(
                #[doc = concat!("A `", $key, "` fact.")]
                pub fn $ctor(value: impl Into<$ty>) -> Fact {
                    Fact::$variant(value.into())
                }
            )*

            pub fn key(&self) -> Key {
                match self { $( Fact::$variant(_) => Key::$variant, )* }
            }

            /// The value as JSON: what the renderers write.
            pub fn to_json(&self) -> Value {
                match self {
                    $( Fact::$variant(v) => serde_json::to_value(v).unwrap_or(Value::Null), )*
                }
            }

            fn redact(&mut self) {
                match self { $( Fact::$variant(v) => v.redact(), )* }
            }
        }
    };
}

facts! {
    /// The digest a downloaded blob actually hashed to.
    ActualDigest(String) = "actual_digest", actual_digest;
    /// The size the registry reported or the bytes actually read.
    ActualSize(u64) = "actual_size", actual_size;
    /// Other causes a log line could mean, after the ranked one.
    Alternatives(Vec<String>) = "alternatives", alternatives;
    /// True when the registry's login was made without credentials.
    Anonymous(bool) = "anonymous", anonymous;
    /// The registry's own words (its error message), capped and redacted.
    Answer(String) = "answer", answer;
    /// The GitHub API base URL that was asked.
    ApiUrl(String) = "api_url", api_url;
    /// Requests sent for one operation, retries included.
    Attempts(u32) = "attempts", attempts;
    /// Digests of attestation manifests (provenance, SBOM).
    Attestations(Vec<String>) = "attestations", attestations;
    /// The candidate variable `login` wrote (`GHCR_TOKEN`, `GITHUB_TOKEN`).
    AuthMethod(String) = "auth_method", auth_method;
    /// The scheme the registry's challenge asked for (`bearer`, `basic`, `none`).
    AuthScheme(String) = "auth_scheme", auth_scheme;
    /// The `error` parameter of a `WWW-Authenticate: Bearer` challenge (`insufficient_scope`).
    BearerError(String) = "bearer_error", bearer_error;
    /// Distinct blobs checked.
    Blobs(usize) = "blobs", blobs;
    /// The credential helper the written entry bypasses, or null.
    BypassedHelper(Option<String>) = "bypassed_helper", bypassed_helper;
    /// The status of cancelling the push probe's upload session, or null.
    CancelStatus(Option<u16>) = "cancel_status", cancel_status;
    /// True when the push probe's upload session was cancelled.
    Cancelled(bool) = "cancelled", cancelled;
    /// How a token's case was changed (`prefix`, `lower`, `upper`).
    Case(String) = "case", case;
    /// The check ids behind a diagnosis.
    Checks(Vec<String>) = "checks", checks;
    /// A token's checksum: `match` or `mismatch`.
    Checksum(String) = "checksum", checksum;
    /// The length of a value after pasting defects are removed.
    CleanedLength(usize) = "cleaned_length", cleaned_length;
    /// The OCI error code the registry answered (`DENIED`, `MANIFEST_UNKNOWN`).
    Code(String) = "code", code;
    /// The code point of an unexpected character (`U+200B`).
    Codepoint(String) = "codepoint", codepoint;
    /// The log line that showed a failed operation completing on a retry.
    CompletedLine(usize) = "completed_line", completed_line;
    /// The config key that names a credential helper (`credHelpers`, `credsStore`).
    ConfiguredBy(String) = "configured_by", configured_by;
    /// The expression context an upper-case reference comes from (`github.repository`).
    Context(String) = "context", context;
    /// How many times something occurred (lines of one cause, trailing newlines).
    Count(usize) = "count", count;
    /// Where the credential sent came from (`env:GHCR_TOKEN`, `helper:desktop`).
    CredentialSource(String) = "credential_source", credential_source;
    /// What refined a run's cause (the event, the actor, the workflow lint).
    DecidedBy(Vec<String>) = "decided_by", decided_by;
    /// The repository's default `GITHUB_TOKEN` permissions (`read`, `write`).
    DefaultWorkflowPermissions(String) = "default_workflow_permissions", default_workflow_permissions;
    /// A pasting defect's id (`trailing-newline`, `quotes`).
    Defect(String) = "defect", defect;
    /// The OCI descriptor concerned: `{mediaType, digest, size, platform?}`.
    Descriptor(Descriptor) = "descriptor", descriptor;
    /// The probes behind a login candidate's verdict: `[{check, status, target, cause, message}]`.
    Details(Vec<Detail>) = "details", details;
    /// A digest: the root manifest's as computed, the reference's, or the one a probe read.
    Digest(Option<String>) = "digest", digest;
    /// The `Docker-Content-Digest` the registry sent, or null when it sent none.
    DockerContentDigest(Option<String>) = "docker_content_digest", docker_content_digest;
    /// The registry part of a reference, as written.
    Domain(String) = "domain", domain;
    /// The transport error behind a failed request.
    Error(String) = "error", error;
    /// True when every registry probe passed, so an offline or discovery failure was softened to a note or a warning.
    EveryProbePassed(bool) = "every_probe_passed", every_probe_passed;
    /// A credential helper's exit code, or null when a signal ended it.
    ExitCode(Option<i32>) = "exit_code", exit_code;
    /// The digests an image must have and who said so: `[{digest, source}]`.
    Expected(Vec<ExpectedDigest>) = "expected", expected;
    /// The length a token of this kind has.
    ExpectedLength(usize) = "expected_length", expected_length;
    /// When a token expires, as GitHub says it.
    Expires(String) = "expires", expires;
    /// Seconds a registry token is valid, as its token service says, or null.
    ExpiresIn(Option<u64>) = "expires_in", expires_in;
    /// The permission bits of a config file others could read (`0644`), or null.
    ExposedMode(Option<String>) = "exposed_mode", exposed_mode;
    /// The check that refused a login candidate.
    FailedCheck(String) = "failed_check", failed_check;
    /// The reference as docker shows it (`ubuntu` for `docker.io/library/ubuntu`).
    Familiar(String) = "familiar", familiar;
    /// A config field with the wrong type.
    Field(String) = "field", field;
    /// The file concerned.
    File(String) = "file", file;
    /// How a value was left unexpanded (`expression`, `shell`, `cmd`).
    Form(String) = "form", form;
    /// The repository's `owner/name` as GitHub spells it.
    FullName(String) = "full_name", full_name;
    /// True when GitHub's answers name the registry's own cause.
    GithubAgrees(bool) = "github_agrees", github_agrees;
    /// The actions a registry token grants (`pull`, `push`).
    GrantedActions(Vec<String>) = "granted_actions", granted_actions;
    /// A credential helper's program (`docker-credential-desktop`).
    Helper(String) = "helper", helper;
    /// True when the secret is an OAuth2 identity (refresh) token.
    IdentityToken(bool) = "identity_token", identity_token;
    /// The image a log line names.
    Image(String) = "image", image;
    /// The images a finding speaks for.
    Images(Vec<String>) = "images", images;
    /// What an encoded value holds (a token kind or a service).
    Inside(String) = "inside", inside;
    /// The id of the Actions job.
    JobId(u64) = "job_id", job_id;
    /// A config key (`ghcr.io`, `https://index.docker.io/v1/`).
    Key(String) = "key", config_key;
    /// A token's kind (`classic-pat`, `installation`, `unknown`), or the service of another secret a workflow holds (`docker-hub`, `aws`).
    Kind(String) = "kind", kind;
    /// A value's length in characters.
    Length(usize) = "length", length;
    /// The well-known registry a near-miss host probably meant.
    LikelyHost(String) = "likely_host", likely_host;
    /// The lines of a log where one cause was found.
    Lines(Vec<usize>) = "lines", lines;
    /// The repository a package is linked to.
    LinkedRepository(String) = "linked_repository", linked_repository;
    /// Where in a run's log a cause was found: `{job, job_id, line, url, ...}`.
    Log(Log) = "log", log;
    /// The GitHub login a token belongs to.
    Login(String) = "login", login;
    /// The text of a log line that matched a pattern.
    Match(String) = "match", matched;
    /// The media type the registry answered.
    MediaType(Option<String>) = "media_type", media_type;
    /// Platforms asked for and not present.
    Missing(Vec<String>) = "missing", missing;
    /// The token scope an operation needs and lacks (`write:packages`).
    MissingScope(String) = "missing_scope", missing_scope;
    /// A file's permission bits (`0644`).
    Mode(String) = "mode", mode;
    /// Where a retired registry moved.
    MovedTo(String) = "moved_to", moved_to;
    /// The name before `=` in a pasted assignment (`GHCR_TOKEN=...`).
    Name(String) = "name", name;
    /// The `NO_PROXY` list in effect.
    NoProxy(String) = "no_proxy", no_proxy;
    /// The reference in its canonical form.
    Normalized(String) = "normalized", normalized;
    /// A remark on how the evidence was gathered (a truncated line).
    Note(String) = "note", note;
    /// What a log line's operation concerned (`image ghcr.io/o/app:1`, `layer 3b1f0d5c7e9a`, `login ghcr.io`).
    Object(String) = "object", object;
    /// Whether a package's owner is a user or an organisation.
    OwnerKind(String) = "owner_kind", owner_kind;
    /// The path of the docker config `login` writes.
    Path(String) = "path", path;
    /// The catalog pattern that matched a log line.
    Pattern(String) = "pattern", pattern;
    /// A caret line pointing into the input.
    Pointer(String) = "pointer", pointer;
    /// A character position in a value (1-based).
    Position(usize) = "position", position;
    /// Platforms present in an image.
    Present(Vec<String>) = "present", present;
    /// Which tool prints a matched message.
    PrintedBy(String) = "printed_by", printed_by;
    /// The id of the problem found (`length`, `not-on-path`, `wrong-type`).
    Problem(String) = "problem", problem;
    /// The proxy a request went through, credentials hidden.
    Proxy(String) = "proxy", proxy;
    /// Whether the token may push to the repository, as GitHub says, or null.
    Push(Option<bool>) = "push", push;
    /// The workflow line of the push a login must match.
    PushLine(usize) = "push_line", push_line;
    /// The signals that ranked a log cause first.
    RankedBy(Vec<String>) = "ranked_by", ranked_by;
    /// The token service URL of the registry's challenge.
    Realm(String) = "realm", realm;
    /// The host of the token service.
    RealmHost(String) = "realm_host", realm_host;
    /// The id of a reference's problem.
    Reason(String) = "reason", reason;
    /// The cause a failure would have named had a retry not recovered it.
    RecoveredCause(String) = "recovered_cause", recovered_cause;
    /// The registry concerned (a host; for `explain`, `ghcr`, `dockerhub`, `gitlab`, `quay` or `ecr`).
    Registry(String) = "registry", registry;
    /// The registry's own cause when GitHub's answers name another.
    RegistryCause(Option<String>) = "registry_cause", registry_cause;
    /// Causes found by other checks for the same target.
    RelatedCauses(Vec<String>) = "related_causes", related_causes;
    /// True when `login` replaced an existing entry.
    Replaced(bool) = "replaced", replaced;
    /// Where the repository was learned from (`GITHUB_REPOSITORY`, a label, git).
    RepoSource(String) = "repo_source", repo_source;
    /// The repository part of a reference.
    Repository(String) = "repository", repository;
    /// Statuses answered before a retry (429, 502, 503, 504).
    RetriedStatuses(Vec<u16>) = "retried_statuses", retried_statuses;
    /// The workflow rule a fix repairs.
    Rule(String) = "rule", rule;
    /// The scopes a classic token has (`X-OAuth-Scopes`).
    Scopes(Vec<String>) = "scopes", scopes;
    /// Scopes asked for in one token request.
    ScopesRequested(usize) = "scopes_requested", scopes_requested;
    /// True when GitHub's security policy (forks, Dependabot) makes the token read-only.
    Security(bool) = "security", security;
    /// The registry's token service name, or the service another token belongs to.
    Service(String) = "service", service;
    /// The settings page that fixes the problem.
    SettingsUrl(String) = "settings_url", settings_url;
    /// The source lines concerned, with a caret, secrets masked.
    Snippet(String) = "snippet", snippet;
    /// Where the credential came from (`env:GHCR_TOKEN`).
    Source(String) = "source", source;
    /// The character range concerned, `[start, end]`.
    Span([usize; 2]) = "span", span;
    /// The URL that authorises a token for an organisation's SSO.
    SsoUrl(String) = "sso_url", sso_url;
    /// The HTTP status answered.
    Status(u16) = "status", status;
    /// The Actions step a log line belongs to.
    Step(Option<String>) = "step", step;
    /// The corrected input.
    Suggestion(String) = "suggestion", suggestion;
    /// The tag of a reference.
    Tag(Option<String>) = "tag", tag;
    /// A matched line of text, redacted.
    Text(String) = "text", text;
    /// The token check whose verdict `token-format` restates.
    TokenCheck(String) = "token_check", token_check;
    /// The fields of the token service's answer (names only).
    TokenFields(Vec<String>) = "token_fields", token_fields;
    /// The kind of the token sent (`classic-pat`, `installation`).
    TokenKind(String) = "token_kind", token_kind;
    /// Token requests made.
    TokenRequests(usize) = "token_requests", token_requests;
    /// Bytes of an image's unique config and layer blobs.
    TotalSize(u64) = "total_size", total_size;
    /// Blobs not checked before the time bound.
    UncheckedBlobs(usize) = "unchecked_blobs", unchecked_blobs;
    /// The URL asked.
    Url(String) = "url", url;
    /// The manifests that use a blob.
    UsedBy(Vec<String>) = "used_by", used_by;
    /// The user name, shown only when it is not secret-shaped.
    Username(String) = "username", username;
    /// Where the user name came from (`--username`, `github-api`).
    UsernameSource(String) = "username_source", username_source;
    /// An environment variable's name.
    Variable(String) = "variable", variable;
    /// A token's verdict for the registry (`fine-grained-unsupported`).
    Verdict(String) = "verdict", verdict;
    /// A package's visibility (`public`, `private`, `internal`).
    Visibility(String) = "visibility", visibility;
    /// True when an encoded value holds `user:token`.
    WithUser(bool) = "with_user", with_user;
    /// The workflow file and job of a run: `{path, job, line, url, ...}`.
    Workflow(WorkflowAt) = "workflow", workflow;
}

/// The facts of one finding, in the order they were added; adding a fact whose key is
/// already there replaces it in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence(Vec<Fact>);

impl Evidence {
    pub fn new() -> Evidence {
        Evidence::default()
    }

    /// Adds `fact`, replacing the fact of the same key.
    pub fn insert(&mut self, fact: Fact) {
        match self.0.iter_mut().find(|f| f.key() == fact.key()) {
            Some(slot) => *slot = fact,
            None => self.0.push(fact),
        }
    }

    /// The fact of `key`.
    pub fn get(&self, key: Key) -> Option<&Fact> {
        self.0.iter().find(|f| f.key() == key)
    }

    pub fn contains(&self, key: Key) -> bool {
        self.get(key).is_some()
    }

    /// The value of `key` as the renderers write it; `null` when absent.
    pub fn json(&self, key: Key) -> Value {
        self.get(key).map_or(Value::Null, Fact::to_json)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fact> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every string in every fact through the secret policy ([`crate::secret::redact`]).
    pub fn redact(&mut self) {
        self.0.iter_mut().for_each(Fact::redact);
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for fact in &self.0 {
            map.serialize_entry(fact.key().as_str(), &fact.to_json())?;
        }
        map.end()
    }
}

/// `docs/evidence.md`: every key, its JSON type and what it says, generated from [`Key::ALL`]
/// (`GHCR_DOCTOR_BLESS=1 cargo test docs` rewrites the file; a test fails when it drifts).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Evidence keys\n\n\
         <!-- Generated from src/evidence.rs: run `GHCR_DOCTOR_BLESS=1 cargo test docs`, do not edit. -->\n\n\
         A finding's `evidence` object ([JSON v1](json.md)) holds the facts behind its verdict.\n\
         Its keys are the closed set below, each with one JSON type; a finding carries only the\n\
         facts its check gathered, in the order it gathered them. Evidence never holds a secret:\n\
         every string in it passes the secret policy again before any output.\n\n\
         | key | type | meaning |\n|---|---|---|\n",
    );
    for k in Key::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            k.as_str(),
            k.json_type(),
            k.doc().replace('|', "\\|")
        ));
    }
    out
}

/// An OCI descriptor as evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Descriptor {
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// One probe behind a login candidate's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    pub check: String,
    pub status: String,
    pub target: String,
    pub cause: Option<CauseId>,
    pub message: String,
}

/// A digest an image must have, and who said so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedDigest {
    pub digest: String,
    pub source: String,
}

/// Where in a run's log a cause was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Log {
    pub job: String,
    pub job_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub bytes: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// The workflow file (and job) of a run, at the run's commit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkflowAt {
    pub file: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// A fact's value: its JSON type for the documentation, and its strings redacted.
trait Typed {
    const JSON: &'static str;
    fn redact(&mut self) {}
}

macro_rules! typed {
    ($($ty:ty => $json:literal),* $(,)?) => { $( impl Typed for $ty { const JSON: &'static str = $json; } )* };
}
typed! {
    bool => "boolean",
    u16 => "integer",
    u32 => "integer",
    u64 => "integer",
    usize => "integer",
    Option<bool> => "boolean or null",
    Option<u16> => "integer or null",
    Option<u64> => "integer or null",
    Option<i32> => "integer or null",
    [usize; 2] => "[integer, integer]",
    Vec<u16> => "array of integers",
    Vec<usize> => "array of integers",
}

impl Typed for String {
    const JSON: &'static str = "string";
    fn redact(&mut self) {
        *self = crate::secret::redact(self);
    }
}

impl Typed for Option<String> {
    const JSON: &'static str = "string or null";
    fn redact(&mut self) {
        if let Some(s) = self {
            s.redact();
        }
    }
}

impl Typed for Vec<String> {
    const JSON: &'static str = "array of strings";
    fn redact(&mut self) {
        self.iter_mut().for_each(Typed::redact);
    }
}

impl Typed for Descriptor {
    const JSON: &'static str = "object";
    fn redact(&mut self) {
        self.media_type.redact();
        self.digest.redact();
        self.platform.redact();
    }
}

impl Typed for Vec<Detail> {
    const JSON: &'static str = "array of objects";
    fn redact(&mut self) {
        for d in self {
            d.check.redact();
            d.status.redact();
            d.target.redact();
            d.message.redact();
        }
    }
}

impl Typed for Vec<ExpectedDigest> {
    const JSON: &'static str = "array of objects";
    fn redact(&mut self) {
        for e in self {
            e.digest.redact();
            e.source.redact();
        }
    }
}

impl Typed for Log {
    const JSON: &'static str = "object";
    fn redact(&mut self) {
        self.job.redact();
        self.url.redact();
    }
}

impl Typed for WorkflowAt {
    const JSON: &'static str = "object";
    fn redact(&mut self) {
        self.file.redact();
        self.git_ref.redact();
        self.job.redact();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_sorted_and_documented() {
        let names: Vec<&str> = Key::ALL.iter().map(|k| k.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for k in Key::ALL {
            assert!(k.doc().ends_with('.'), "{}", k.as_str());
        }
    }

    #[test]
    fn serialises_in_insertion_order_and_replaces_in_place() {
        let mut e = Evidence::new();
        e.insert(Fact::status(401u16));
        e.insert(Fact::code("DENIED"));
        e.insert(Fact::scopes(vec!["read:packages".to_owned()]));
        e.insert(Fact::status(403u16));
        e.insert(Fact::bypassed_helper(None::<String>));
        assert_eq!(
            serde_json::to_string(&e).expect("json"),
            r#"{"status":403,"code":"DENIED","scopes":["read:packages"],"bypassed_helper":null}"#
        );
        assert_eq!(e.json(Key::Code), "DENIED");
        assert_eq!(e.json(Key::Answer), Value::Null);
    }

    /// The nested objects keep the shapes (key order, absent and null members) the v1
    /// contract has always had.
    #[test]
    fn nested_objects_keep_their_shapes() {
        let json = |f: Fact| serde_json::to_string(&f.to_json()).expect("json");
        let d = Descriptor {
            media_type: "m".into(),
            digest: "sha256:d".into(),
            size: 3,
            platform: None,
        };
        assert_eq!(
            json(Fact::descriptor(d.clone())),
            r#"{"mediaType":"m","digest":"sha256:d","size":3}"#
        );
        let d = Descriptor {
            platform: Some("linux/arm64/v8".into()),
            ..d
        };
        assert_eq!(
            json(Fact::descriptor(d)),
            r#"{"mediaType":"m","digest":"sha256:d","size":3,"platform":"linux/arm64/v8"}"#
        );
        let detail = |cause| Detail {
            check: "registry-login".into(),
            status: "fail".into(),
            target: "ghcr.io".into(),
            cause,
            message: "m".into(),
        };
        assert_eq!(
            json(Fact::details(vec![
                detail(None),
                detail(Some(CauseId::TokenInvalid))
            ])),
            r#"[{"check":"registry-login","status":"fail","target":"ghcr.io","cause":null,"message":"m"},{"check":"registry-login","status":"fail","target":"ghcr.io","cause":"token-invalid","message":"m"}]"#
        );
        assert_eq!(
            json(Fact::expected(vec![ExpectedDigest {
                digest: "sha256:e".into(),
                source: "--expect-digest".into(),
            }])),
            r#"[{"digest":"sha256:e","source":"--expect-digest"}]"#
        );
        let log = Log {
            job: "build".into(),
            job_id: 7,
            line: None,
            lines: None,
            url: None,
            bytes: 10,
            truncated: false,
        };
        assert_eq!(
            json(Fact::log(log.clone())),
            r#"{"job":"build","job_id":7,"bytes":10}"#
        );
        let log = Log {
            line: Some(4),
            lines: Some(vec![4, 9]),
            url: Some("https://github.com/o/r/actions/runs/1/job/7".into()),
            truncated: true,
            ..log
        };
        assert_eq!(
            json(Fact::log(log)),
            r#"{"job":"build","job_id":7,"line":4,"lines":[4,9],"url":"https://github.com/o/r/actions/runs/1/job/7","bytes":10,"truncated":true}"#
        );
        let at = WorkflowAt {
            file: ".github/workflows/ci.yml".into(),
            git_ref: "0123456789ab".into(),
            job: None,
            line: None,
            column: None,
        };
        assert_eq!(
            json(Fact::workflow(at.clone())),
            r#"{"file":".github/workflows/ci.yml","ref":"0123456789ab"}"#
        );
        let at = WorkflowAt {
            job: Some("push".into()),
            line: Some(5),
            column: Some(3),
            ..at
        };
        assert_eq!(
            json(Fact::workflow(at)),
            r#"{"file":".github/workflows/ci.yml","ref":"0123456789ab","job":"push","line":5,"column":3}"#
        );
        assert_eq!(json(Fact::span([2, 5])), "[2,5]");
        assert_eq!(json(Fact::exit_code(None::<i32>)), "null");
        assert_eq!(json(Fact::registry_cause(None::<String>)), "null");
    }

    #[test]
    fn redaction_reaches_every_string() {
        let token = "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";
        let mut e = Evidence::new();
        e.insert(Fact::answer(format!("bad {token}")));
        e.insert(Fact::scopes(vec![token.to_owned()]));
        e.insert(Fact::log(Log {
            job: token.into(),
            job_id: 1,
            line: None,
            lines: None,
            url: Some(format!("https://x/{token}")),
            bytes: 0,
            truncated: false,
        }));
        e.redact();
        let text = serde_json::to_string(&e).expect("json");
        assert!(!text.contains("M7H4jx"), "{text}");
    }
}
