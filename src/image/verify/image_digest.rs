//! The digest of verify: the root manifest's bytes against `Docker-Content-Digest`, the
//! reference's digest and every expected digest (`image-digest`).

use super::Expected;
use crate::evidence::{Evidence, ExpectedDigest, Fact};
use crate::finding::{CauseId, Finding, Outcome};
use crate::image::manifest::Digest;
use crate::reference::Reference;
use crate::t;

crate::finding::check_meta!(pub CHECK = "image-digest", docs: "verify.md", messages: "verify.digest");

pub(super) fn digest_finding(
    input: &str,
    bytes: &[u8],
    header: Option<&str>,
    reference: &Reference,
    expected: &[Expected],
) -> Finding {
    let actual = &Digest::sha256(bytes);
    let mut problems = Vec::new();
    let mut evidence = Evidence::new();
    evidence.insert(Fact::digest(actual.to_string()));
    match header {
        Some(h) => {
            evidence.insert(Fact::docker_content_digest(h.to_owned()));
            let h = h.trim();
            let computed = Digest::parse(h).map(|d| Digest::matching(&d, bytes));
            match computed {
                Ok(c) if c.as_str() == h => {}
                Ok(c) => problems.push(t!("verify.digest.header-mismatch", header = h, actual = c)),
                Err(e) => problems.push(e.to_string()),
            }
        }
        None => {
            evidence.insert(Fact::docker_content_digest(None::<String>));
        }
    }
    let mut all: Vec<Expected> = expected.to_vec();
    if let Some(d) = reference.digest().and_then(|d| Digest::parse(d).ok()) {
        all.push(Expected {
            digest: d,
            source: t!("verify.digest.source-reference"),
        });
    }
    let mut sources = Vec::new();
    for e in &all {
        sources.push(e.source.clone());
        let computed = Digest::matching(&e.digest, bytes);
        if computed != e.digest {
            problems.push(t!(
                "verify.digest.mismatch",
                source = e.source,
                expected = e.digest,
                actual = computed
            ));
        }
    }
    evidence.insert(Fact::expected(
        all.iter()
            .map(|e| ExpectedDigest {
                digest: e.digest.to_string(),
                source: e.source.clone(),
            })
            .collect::<Vec<_>>(),
    ));
    let mut f = if !problems.is_empty() {
        Finding::new(
            &CHECK,
            Outcome::Fail(CauseId::ImageDigestMismatch),
            input,
            problems.join(&t!("common.clause-separator")),
        )
    } else {
        // Without a Docker-Content-Digest, never claim it matched; with nothing expected
        // either, nothing was compared: a note, not a pass.
        let sources = sources.join(&t!("common.list-separator"));
        let (outcome, message) = match (header.is_some(), all.is_empty()) {
            (false, true) => (
                Outcome::Info,
                t!("verify.digest.no-header-unexpected", digest = actual),
            ),
            (false, false) => (
                Outcome::Pass,
                t!(
                    "verify.digest.ok-no-header",
                    digest = actual,
                    sources = sources
                ),
            ),
            (true, true) => (
                Outcome::Pass,
                t!("verify.digest.ok-unexpected", digest = actual),
            ),
            (true, false) => (
                Outcome::Pass,
                t!("verify.digest.ok", digest = actual, sources = sources),
            ),
        };
        Finding::new(&CHECK, outcome, input, message)
    };
    f.evidence = evidence;
    f
}
