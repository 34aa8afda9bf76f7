//! The anonymous pull of verify: the root manifest and one blob read without credentials
//! (`image-anonymous-pull`).

use super::{source_failure, with_answer};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::image::manifest::Digest;
use crate::image::source::{Source, SourceError};
use crate::t;

crate::finding::check_meta!(pub CHECK = "image-anonymous-pull", docs: "verify.md", messages: "verify.anonymous");

pub(super) async fn anonymous_finding<A: Source>(
    anon: &A,
    repo: &str,
    digest: &Digest,
    blob: Option<&Digest>,
    input: &str,
) -> Finding {
    // A refusal (or a 404: the registry hides what an anonymous client may not see) means
    // the image is not public; no answer at all is a network failure like any other.
    let refused = |message: String, e: Option<&SourceError>| {
        let mut f = Finding::new(
            &CHECK,
            Outcome::Fail(CauseId::ImageNotPublic),
            input,
            message,
        );
        if let Some(e) = e {
            f = with_answer(f, e);
        }
        f
    };
    match anon.get_manifest(repo, digest.as_str()).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            return refused(t!("verify.anonymous.manifest-denied", status = 404), None)
                .with_evidence(Fact::status(404u16));
        }
        Err(e) => match e.status() {
            Some(status) => {
                return refused(
                    t!("verify.anonymous.manifest-denied", status = status),
                    Some(&e),
                );
            }
            None => return source_failure(&CHECK, input, &e),
        },
    }
    if let Some(b) = blob {
        match anon.head_blob(repo, b).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                return refused(
                    t!("verify.anonymous.blob-denied", digest = b, status = 404),
                    None,
                )
                .with_evidence(Fact::status(404u16));
            }
            Err(e) => match e.status() {
                Some(status) => {
                    return refused(
                        t!("verify.anonymous.blob-denied", digest = b, status = status),
                        Some(&e),
                    );
                }
                None => return source_failure(&CHECK, input, &e),
            },
        }
    }
    Finding::new(&CHECK, Outcome::Pass, input, t!("verify.anonymous.ok"))
}
