//! Image references: the distribution grammar, docker's normalisation, and a specific
//! reason for every invalid input.
//!
//! Three ways in, from strict to friendly:
//! - [`RawReference::parse`] is distribution's `Parse`: the grammar only, no defaults (the
//!   domain is whatever the grammar recognises, possibly none).
//! - [`Reference::parse_named`] is docker's `ParseNormalizedNamed`: `nginx` becomes
//!   `docker.io/library/nginx`, `index.docker.io` becomes `docker.io`, no tag is added.
//! - [`Reference::parse`] is what the tool uses for an image the user names: the normalised
//!   name, the tag `latest` when there is neither tag nor digest, and the registries' own rules
//!   on top (ghcr.io needs `OWNER/NAME`).
//!
//! Every failure is a [`ReferenceError`] with a [`Reason`], a message from
//! `i18n/<lang>/reference.toml`, the byte span of the offending part and, where one can be
//! derived safely, the corrected reference.

use crate::catalog::CauseId;
use std::fmt;
use std::sync::Arc;

use crate::t;

mod findings;
mod grammar;

pub use findings::{CHECK, report, warn_host};
pub use grammar::{PATH_MAX, TAG_MAX, is_identifier, is_valid_domain};

/// The registry docker uses for names without a domain.
pub const DOCKER_HUB: &str = crate::host::DOCKER_HUB;

/// The legacy name of Docker Hub, rewritten to [`DOCKER_HUB`] by normalisation.
pub const DOCKER_HUB_LEGACY: &str = "index.docker.io";

/// The namespace of Docker Hub's official images (`nginx` → `library/nginx`).
pub const OFFICIAL_PREFIX: &str = "library/";

/// The tag docker adds when a reference has neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";

/// GitHub's container registry, which needs `OWNER/NAME` paths.
pub const GHCR: &str = crate::host::GHCR;

/// A byte range `(start, end)` in the input.
pub type Span = (usize, usize);

/// Why a reference is invalid, one variant per user-facing reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Nothing was given.
    Empty,
    /// A `${{ ... }}`, `${VAR}` or `$VAR` reached the tool unexpanded.
    UnexpandedVariable,
    /// A URL scheme such as `https://` in front of the reference.
    Scheme,
    /// Leading, trailing or inner whitespace.
    Whitespace,
    /// The repository path has uppercase letters (and is otherwise valid).
    Uppercase,
    /// A ghcr.io name without an owner (`ghcr.io/app`).
    GhcrMissingOwner,
    /// Nothing before the `:tag` or `@digest`.
    MissingName,
    /// An empty path component: `//`, or a `/` at the start or end.
    EmptyComponent,
    /// A path component with a character or separator the grammar forbids.
    InvalidComponent,
    /// A malformed registry host or port.
    InvalidDomain,
    /// A tag with a forbidden character or first character.
    InvalidTag,
    /// A tag over 128 characters.
    TagTooLong,
    /// A `:` with no tag after it.
    TrailingColon,
    /// An `@` with no digest after it.
    TrailingAt,
    /// A digest that is not `algorithm:hex` at all.
    DigestFormat,
    /// A malformed or unsupported digest algorithm.
    DigestAlgorithm,
    /// A digest whose hex part has the wrong length for its algorithm.
    DigestLength,
    /// A digest whose hex part has uppercase letters.
    DigestUppercase,
    /// A digest whose encoded part has characters that are not hex digits.
    DigestEncoding,
    /// A repository path over 255 characters.
    NameTooLong,
    /// A 64-character hex string, which docker reads as an image ID, not a name.
    HexIdentifier,
}

impl Reason {
    /// The stable kebab-case id of this reason (JSON evidence, tests).
    pub fn id(self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::UnexpandedVariable => "unexpanded-variable",
            Reason::Scheme => "scheme",
            Reason::Whitespace => "whitespace",
            Reason::Uppercase => "uppercase",
            Reason::GhcrMissingOwner => "ghcr-missing-owner",
            Reason::MissingName => "missing-name",
            Reason::EmptyComponent => "empty-component",
            Reason::InvalidComponent => "invalid-component",
            Reason::InvalidDomain => "invalid-domain",
            Reason::InvalidTag => "invalid-tag",
            Reason::TagTooLong => "tag-too-long",
            Reason::TrailingColon => "trailing-colon",
            Reason::TrailingAt => "trailing-at",
            Reason::DigestFormat => "digest-format",
            Reason::DigestAlgorithm => "digest-algorithm",
            Reason::DigestLength => "digest-length",
            Reason::DigestUppercase => "digest-uppercase",
            Reason::DigestEncoding => "digest-encoding",
            Reason::NameTooLong => "name-too-long",
            Reason::HexIdentifier => "hex-identifier",
        }
    }

    /// The catalog cause: `reference-uppercase` for uppercase paths, else `reference-invalid`.
    pub fn cause(self) -> CauseId {
        match self {
            Reason::Uppercase => CauseId::ReferenceUppercase,
            _ => CauseId::ReferenceInvalid,
        }
    }
}

/// Why a reference is invalid: a cause id, a specific message, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ReferenceError {
    /// `reference-uppercase` or `reference-invalid`.
    pub cause: CauseId,
    /// The specific reason.
    pub reason: Reason,
    /// The specific reason, in the user's language.
    pub message: String,
    /// The corrected reference when one can be derived (it is known to parse).
    pub suggestion: Option<String>,
    /// Byte range of the offending part in the input.
    pub span: Option<Span>,
}

impl ReferenceError {
    pub(crate) fn new(reason: Reason, span: Span, message: String) -> Self {
        ReferenceError {
            cause: reason.cause(),
            reason,
            message,
            suggestion: None,
            span: Some(span),
        }
    }

    fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}

/// A reference as distribution's `Parse` reads it: the grammar only, nothing added.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawReference {
    domain: Option<String>,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl RawReference {
    /// Parses `input` with the distribution grammar and no normalisation.
    pub fn parse(input: &str) -> Result<RawReference, ReferenceError> {
        let parts = parse_parts(input, Mode::Raw)?;
        let text = |s: Span| input[s.0..s.1].to_owned();
        Ok(RawReference {
            domain: match parts.domain {
                Domain::Written(s) => Some(text(s)),
                _ => None,
            },
            path: text(parts.path),
            tag: parts.tag.map(text),
            digest: parts.digest.map(text),
        })
    }

    /// The registry part, when the grammar found one (`test:5000` in `test:5000/repo`).
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The path after the domain.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `domain/path`, or the path alone.
    pub fn name(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}/{}", self.path),
            None => self.path.clone(),
        }
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }
}

impl fmt::Display for RawReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// A parsed, normalised image reference: `domain/repository[:tag][@digest]`.
///
/// Cloning is cheap (one reference-counted string); equality and hashing compare the
/// normalised form, so `nginx` and `docker.io/library/nginx:latest` are equal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The normalised full name.
    full: Arc<str>,
    /// `full[..domain_end]` is the domain.
    domain_end: usize,
    /// `full[domain_end + 1..path_end]` is the repository path.
    path_end: usize,
    tag: Option<Span>,
    digest: Option<Span>,
}

impl Reference {
    /// Parses an image reference the way the tool uses it: normalised (`nginx` →
    /// `docker.io/library/nginx:latest`), with registry rules (ghcr.io needs `OWNER/NAME`).
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        let parts = parse_parts(input, Mode::Image)?;
        let mut r = Reference::from_parts(input, &parts);
        if r.tag.is_none() && r.digest.is_none() {
            r = r.with_tag(DEFAULT_TAG);
        }
        Ok(r)
    }

    /// docker's `ParseNormalizedNamed`: normalises the name, adds no tag and applies no
    /// registry-specific rule.
    pub fn parse_named(input: &str) -> Result<Reference, ReferenceError> {
        let parts = parse_parts(input, Mode::Named)?;
        Ok(Reference::from_parts(input, &parts))
    }

    fn from_parts(input: &str, parts: &Parts) -> Reference {
        let text = |s: Span| &input[s.0..s.1];
        let domain = match parts.domain {
            Domain::Written(s) => text(s),
            Domain::DockerHub | Domain::None => DOCKER_HUB,
        };
        let prefix = if parts.library { OFFICIAL_PREFIX } else { "" };
        Reference::build(
            domain,
            &format!("{prefix}{}", text(parts.path)),
            parts.tag.map(text),
            parts.digest.map(text),
        )
    }

    fn build(domain: &str, path: &str, tag: Option<&str>, digest: Option<&str>) -> Reference {
        let mut full = format!("{domain}/{path}");
        let domain_end = domain.len();
        let path_end = full.len();
        let tag = tag.map(|t| {
            full.push(':');
            let start = full.len();
            full.push_str(t);
            (start, full.len())
        });
        let digest = digest.map(|d| {
            full.push('@');
            let start = full.len();
            full.push_str(d);
            (start, full.len())
        });
        Reference {
            full: full.into(),
            domain_end,
            path_end,
            tag,
            digest,
        }
    }

    fn with_tag(&self, tag: &str) -> Reference {
        Reference::build(self.domain(), self.repository(), Some(tag), self.digest())
    }

    /// The registry domain as written or normalised (`ghcr.io`, `docker.io`, `127.0.0.1:5000`).
    pub fn domain(&self) -> &str {
        &self.full[..self.domain_end]
    }

    /// The repository path (`owner/name`, `library/nginx`).
    pub fn repository(&self) -> &str {
        &self.full[self.domain_end + 1..self.path_end]
    }

    /// `domain/repository`, without tag or digest.
    pub fn name(&self) -> &str {
        &self.full[..self.path_end]
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.map(|(s, e)| &self.full[s..e])
    }

    pub fn digest(&self) -> Option<&str> {
        self.digest.map(|(s, e)| &self.full[s..e])
    }

    /// What goes after `/manifests/`: the digest when there is one, else the tag.
    pub fn manifest_reference(&self) -> &str {
        self.digest().or(self.tag()).unwrap_or(DEFAULT_TAG)
    }

    /// The registry host, in the one host model (aliases, API host, GitHub's or not).
    pub fn host(&self) -> crate::host::Host {
        crate::host::Host::parse(self.domain())
    }

    /// True for Docker Hub references.
    pub fn is_docker_hub(&self) -> bool {
        self.domain() == DOCKER_HUB
    }

    /// The short name docker shows (`docker.io/library/nginx` → `nginx`,
    /// `docker.io/user/app` → `user/app`); other registries keep their domain.
    pub fn familiar_name(&self) -> &str {
        if !self.is_docker_hub() {
            return self.name();
        }
        let path = self.repository();
        match path.strip_prefix(OFFICIAL_PREFIX) {
            Some(rest) if !rest.contains('/') => rest,
            _ => path,
        }
    }

    /// The familiar name with its tag and digest (`nginx:latest`).
    pub fn familiar(&self) -> String {
        let mut s = self.familiar_name().to_owned();
        s.push_str(&self.full[self.path_end..]);
        s
    }

    /// docker's `ParseDockerRef` form: the digest alone when there is one (a tag beside a
    /// digest is dropped, as docker ignores it), else the tag, `latest` by default.
    pub fn docker_ref(&self) -> Reference {
        match (self.tag(), self.digest()) {
            (Some(_), Some(d)) => Reference::build(self.domain(), self.repository(), None, Some(d)),
            (None, None) => self.with_tag(DEFAULT_TAG),
            _ => self.clone(),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Reference").field(&&*self.full).finish()
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse(s)
    }
}

impl serde::Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.full)
    }
}

/// Which parse is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// distribution's `Parse`.
    Raw,
    /// docker's `ParseNormalizedNamed`.
    Named,
    /// `Named` plus the registries' own rules.
    Image,
}

/// Where the registry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Domain {
    /// No domain (raw parse only).
    None,
    /// Docker Hub, implied or written as `index.docker.io`.
    DockerHub,
    /// Written in the input.
    Written(Span),
}

/// The located parts of a valid reference.
#[derive(Debug, Clone, Copy)]
struct Parts {
    domain: Domain,
    /// Whether normalisation puts `library/` in front of the path.
    library: bool,
    path: Span,
    tag: Option<Span>,
    digest: Option<Span>,
}

fn parse_parts(input: &str, mode: Mode) -> Result<Parts, ReferenceError> {
    precheck(input)?;
    match locate(input, mode) {
        Ok(parts) => Ok(parts),
        Err(e) => Err(match e.reason {
            Reason::Uppercase => {
                let suggestion = e
                    .suggestion
                    .clone()
                    .filter(|s| parse_parts(s, mode).is_ok());
                e.with_suggestion(suggestion)
            }
            Reason::DigestUppercase => {
                let suggestion = e.span.and_then(|(start, _)| {
                    let end = input.len();
                    let fixed = format!(
                        "{}{}",
                        &input[..start],
                        input[start..end].to_ascii_lowercase()
                    );
                    parse_parts(&fixed, mode).is_ok().then_some(fixed)
                });
                e.with_suggestion(suggestion)
            }
            _ => e,
        }),
    }
}

/// Finds and checks every part. An uppercase path is reported last, with the lowercase
/// reference as its suggestion (checked by the caller).
fn locate(input: &str, mode: Mode) -> Result<Parts, ReferenceError> {
    if mode != Mode::Raw && is_identifier(input) {
        return Err(ReferenceError::new(
            Reason::HexIdentifier,
            (0, input.len()),
            t!("reference.error.hex-identifier", name = input),
        ));
    }
    // The domain docker chose only because it has capitals; it is lowercased in a suggestion.
    let mut upper_domain = None;
    let (domain, library, layout) = if mode == Mode::Raw {
        let layout = grammar::layout(input, 0)?;
        let (ns, ne) = layout.name;
        let domain = match input[ns..ne].find('/') {
            Some(i) if grammar::check_domain(input, (ns, ns + i)).is_ok() => {
                Domain::Written((ns, ns + i))
            }
            _ => Domain::None,
        };
        (domain, false, layout)
    } else {
        let (domain, rest) = match input.find('/') {
            None => (Domain::DockerHub, 0),
            Some(i) => {
                let first = &input[..i];
                if first == DOCKER_HUB_LEGACY {
                    (Domain::DockerHub, i + 1)
                } else if first == "localhost" || first.contains(['.', ':']) {
                    (Domain::Written((0, i)), i + 1)
                } else if first.bytes().any(|b| b.is_ascii_uppercase()) {
                    if grammar::check_domain(input, (0, i)).is_ok() {
                        upper_domain = Some((0, i));
                        (Domain::Written((0, i)), i + 1)
                    } else {
                        // `My_Org/app` is no host either: read it as a capitalised path, as
                        // distribution does, so the user hears "must be lowercase".
                        (Domain::DockerHub, 0)
                    }
                } else {
                    (Domain::DockerHub, 0)
                }
            }
        };
        let is_hub = match domain {
            Domain::Written((s, e)) => &input[s..e] == DOCKER_HUB,
            _ => true,
        };
        let library = is_hub && !input[rest..].contains('/');
        (domain, library, grammar::layout(input, rest)?)
    };
    let (ns, ne) = layout.name;
    let path = match domain {
        Domain::Written((_, de)) => (de + 1, ne),
        _ => (ns, ne),
    };
    if let Domain::Written(span) = domain
        && let Err(e) = grammar::check_domain(input, span)
    {
        // `app:feature/login`: a branch name as tag makes `app:feature` look like a host.
        let first = &input[span.0..span.1];
        let port_is_word = first.split_once(':').is_some_and(|(host, port)| {
            !host.contains(['.', '['])
                && host != "localhost"
                && !port.bytes().all(|b| b.is_ascii_digit())
        });
        if mode != Mode::Raw
            && port_is_word
            && let Some(c) = first.find(':')
        {
            return Err(tag_with_slash(input, span.0 + c));
        }
        return Err(e);
    }
    if mode != Mode::Raw
        && let Some(c) = input[path.0..path.1].find(':')
        && input[path.0 + c..path.1].contains('/')
    {
        // `ghcr.io/o/app:feature/login`: the last `/` hid the tag separator.
        return Err(tag_with_slash(input, path.0 + c));
    }
    let upper = match grammar::check_path(input, path) {
        Ok(upper) => upper,
        Err(e) => {
            let name = &input[ns..ne];
            if name.starts_with('[') && !name.contains('/') {
                // `[::1]:5000` alone: a registry address with no repository after it.
                let registry = &input[ns..layout.tag.map_or(ne, |t| t.1)];
                return Err(ReferenceError::new(
                    Reason::MissingName,
                    (ns, ns + registry.len()),
                    t!("reference.error.registry-without-path", registry = registry),
                ));
            }
            // A first component that is neither a host nor a path component: if it looks
            // like a host, the host's fault is the more useful one.
            if let (Domain::None, Some(i)) = (domain, name.find('/')) {
                let first = &input[ns..ns + i];
                let in_first = e.span.is_some_and(|(s, _)| s < ns + i);
                if in_first && looks_like_host(first) {
                    grammar::check_domain(input, (ns, ns + i))?;
                }
            }
            return Err(e);
        }
    };
    if let Some(tag) = layout.tag {
        grammar::check_tag(input, tag)?;
    }
    if let Some(digest) = layout.digest {
        grammar::check_digest(input, digest)?;
    }
    let path_len = path.1 - path.0 + if library { OFFICIAL_PREFIX.len() } else { 0 };
    if path_len > PATH_MAX {
        return Err(ReferenceError::new(
            Reason::NameTooLong,
            path,
            t!(
                "reference.error.name-too-long",
                length = path_len,
                max = PATH_MAX
            ),
        ));
    }
    if mode == Mode::Image
        && let Domain::Written((ds, de)) = domain
        && input[ds..de].eq_ignore_ascii_case(GHCR)
        && !input[path.0..path.1].contains('/')
    {
        let name = input[path.0..path.1].to_ascii_lowercase();
        return Err(ReferenceError::new(
            Reason::GhcrMissingOwner,
            path,
            t!(
                "reference.error.ghcr-owner",
                path = &input[path.0..path.1],
                name = name
            ),
        ));
    }
    if upper {
        let lower_from = upper_domain.map_or(path.0, |(s, _)| s);
        let suggestion = format!(
            "{}{}{}",
            &input[..lower_from],
            input[lower_from..path.1].to_ascii_lowercase(),
            &input[path.1..]
        );
        return Err(ReferenceError::new(
            Reason::Uppercase,
            path,
            t!("reference.error.uppercase", path = &input[path.0..path.1]),
        )
        .with_suggestion(Some(suggestion)));
    }
    Ok(Parts {
        domain,
        library,
        path,
        tag: layout.tag,
        digest: layout.digest,
    })
}

/// A tag that holds a `/` (a branch name), starting after the `:` at `colon`.
fn tag_with_slash(input: &str, colon: usize) -> ReferenceError {
    let end = input[colon..].find('@').map_or(input.len(), |i| colon + i);
    let tag = &input[colon + 1..end];
    let slash = tag.find('/').map_or(colon, |i| colon + 1 + i);
    ReferenceError::new(
        Reason::InvalidTag,
        (slash, slash + 1),
        t!("reference.error.tag-slash", tag = tag),
    )
}

fn looks_like_host(first: &str) -> bool {
    first == "localhost"
        || first.contains(['.', ':', '[', ']'])
        || first.bytes().any(|b| b.is_ascii_uppercase())
}

/// Faults that explain everything after them: nothing given, an unexpanded variable, a
/// scheme, whitespace. None of these can be part of a valid reference.
fn precheck(input: &str) -> Result<(), ReferenceError> {
    if input.is_empty() {
        return Err(ReferenceError::new(
            Reason::Empty,
            (0, 0),
            t!("reference.error.empty"),
        ));
    }
    if let Some(e) = unexpanded_variable(input) {
        return Err(e);
    }
    if let Some(i) = input.find("://") {
        let scheme = &input[..i];
        let mut chars = scheme.chars();
        let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
        if is_scheme {
            let rest = input[i + 3..].trim_end_matches('/');
            let suggestion = Reference::parse(rest).is_ok().then(|| rest.to_owned());
            return Err(ReferenceError::new(
                Reason::Scheme,
                (0, i + 3),
                t!("reference.error.scheme", scheme = &input[..i + 3]),
            )
            .with_suggestion(suggestion));
        }
    }
    if let Some((i, c)) = input.char_indices().find(|(_, c)| c.is_whitespace()) {
        let what = whitespace_name(c);
        let trimmed = input.trim();
        let (key_span, message) = if i == 0 {
            let end = input.len() - input.trim_start().len();
            (
                (0, end),
                t!("reference.error.whitespace-leading", what = what),
            )
        } else if input[i..].trim().is_empty() {
            (
                (i, input.len()),
                t!("reference.error.whitespace-trailing", what = what),
            )
        } else {
            let column = input[..i].chars().count() + 1;
            (
                (i, i + c.len_utf8()),
                t!(
                    "reference.error.whitespace-inside",
                    what = what,
                    column = column
                ),
            )
        };
        let suggestion = (!trimmed.contains(char::is_whitespace)
            && Reference::parse(trimmed).is_ok())
        .then(|| trimmed.to_owned());
        return Err(
            ReferenceError::new(Reason::Whitespace, key_span, message).with_suggestion(suggestion)
        );
    }
    Ok(())
}

fn whitespace_name(c: char) -> String {
    match c {
        ' ' => t!("reference.whitespace.space"),
        '\t' => t!("reference.whitespace.tab"),
        '\n' => t!("reference.whitespace.newline"),
        '\r' => t!("reference.whitespace.carriage-return"),
        other => t!(
            "reference.whitespace.other",
            code = format!("U+{:04X}", u32::from(other))
        ),
    }
}

/// A GitHub Actions expression (`${{ ... }}`) or a shell variable (`${VAR}`, `$VAR`) left in
/// the text.
fn unexpanded_variable(input: &str) -> Option<ReferenceError> {
    if let Some(i) = input.find("${{") {
        let end = input[i..].find("}}").map_or(input.len(), |j| i + j + 2);
        return Some(ReferenceError::new(
            Reason::UnexpandedVariable,
            (i, end),
            t!("reference.error.variable-expression", expr = &input[i..end]),
        ));
    }
    let bytes = input.as_bytes();
    for (i, _) in input.match_indices('$') {
        let next = bytes.get(i + 1).copied();
        let end = match next {
            Some(b'{') => input[i..].find('}').map_or(input.len(), |j| i + j + 1),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                i + 1
                    + input[i + 1..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(input.len() - i - 1)
            }
            _ => continue,
        };
        return Some(ReferenceError::new(
            Reason::UnexpandedVariable,
            (i, end),
            t!("reference.error.variable-shell", expr = &input[i..end]),
        ));
    }
    None
}

#[cfg(test)]
mod tests;
