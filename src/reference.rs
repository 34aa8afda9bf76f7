//! Image references: the distribution grammar, docker's normalisation, and a specific
//! reason for every invalid input.
//!
//! NOTE: this is the interface; the full grammar and its test vectors land with the
//! foundation work (see docs/architecture.md).

use std::fmt;

/// The registry docker uses for names without a domain.
pub const DOCKER_HUB: &str = "docker.io";

/// A parsed, normalised image reference: `domain/repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    domain: String,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
}

/// Why a reference is invalid: a cause id, a specific message, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    /// `reference-uppercase` or `reference-invalid`.
    pub cause: &'static str,
    /// The specific reason, in the user's language.
    pub message: String,
    /// The corrected reference when one can be derived (the lowercase form).
    pub suggestion: Option<String>,
    /// Byte range of the offending part in the input.
    pub span: Option<(usize, usize)>,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReferenceError {}

impl Reference {
    /// Parses and normalises `input` (`nginx` → `docker.io/library/nginx:latest`).
    pub fn parse(input: &str) -> Result<Reference, ReferenceError> {
        let invalid = |message: &str| ReferenceError {
            cause: "reference-invalid",
            message: message.to_owned(),
            suggestion: None,
            span: None,
        };
        if input.is_empty() || input.contains(char::is_whitespace) {
            return Err(invalid("invalid reference"));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (input, None),
        };
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i + 1..].contains('/') => (&rest[..i], Some(rest[i + 1..].to_owned())),
            _ => (rest, None),
        };
        let (domain, repository) = match name.split_once('/') {
            Some((d, r)) if d.contains(['.', ':']) || d == "localhost" => {
                (d.to_owned(), r.to_owned())
            }
            _ => (DOCKER_HUB.to_owned(), name.to_owned()),
        };
        let repository = if domain == DOCKER_HUB && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        if repository.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(ReferenceError {
                cause: "reference-uppercase",
                message: "repository name must be lowercase".into(),
                suggestion: Some(input.to_lowercase()),
                span: None,
            });
        }
        let tag = if tag.is_none() && digest.is_none() {
            Some("latest".to_owned())
        } else {
            tag
        };
        Ok(Reference {
            domain,
            repository,
            tag,
            digest,
        })
    }

    /// The registry domain as written or normalised (`ghcr.io`, `docker.io`, `127.0.0.1:5000`).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path (`owner/name`, `library/nginx`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// What goes after `/manifests/`: the digest when there is one, else the tag.
    pub fn manifest_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.domain, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// The `ref` command: one `reference-valid` finding per input, plus the `references` field.
pub fn report(inputs: &[String]) -> crate::report::Report {
    use crate::finding::{Finding, Status};
    use serde_json::json;

    let mut report = crate::report::Report::new("ref");
    let mut rows = Vec::new();
    for input in inputs {
        match Reference::parse(input) {
            Ok(r) => {
                rows.push(json!({
                    "input": input, "valid": true, "normalized": r.to_string(),
                    "domain": r.domain(), "repository": r.repository(),
                    "tag": r.tag(), "digest": r.digest(), "cause": null,
                }));
                report.push(Finding::new(
                    "reference-valid",
                    Status::Pass,
                    input.as_str(),
                    crate::t!("reference.valid", normalized = r),
                ));
            }
            Err(e) => {
                rows.push(json!({
                    "input": input, "valid": false, "normalized": null, "domain": null,
                    "repository": null, "tag": null, "digest": null, "cause": e.cause,
                }));
                let mut f =
                    Finding::new("reference-valid", Status::Fail, input.as_str(), e.message)
                        .with_cause(e.cause);
                if let Some(s) = e.suggestion {
                    f = f.with_evidence("suggestion", s);
                }
                report.push(f);
            }
        }
    }
    report
        .extra
        .insert("references".into(), serde_json::Value::Array(rows));
    report
}
