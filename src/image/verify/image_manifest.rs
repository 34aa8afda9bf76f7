//! The root manifest of verify (`image-manifest`): the reference parsed, the root manifest
//! read and parsed; the child manifests are read by the walk ([`super::walk`]), which reports
//! under this check too.

use super::image_digest::digest_finding;
use super::{Options, VerifiedImage, source_failure};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::image::manifest::{self, Digest, Manifest};
use crate::image::source::Source;
use crate::reference::Reference;
use crate::{t, tl};

crate::finding::check_meta!(pub CHECK = "image-manifest", docs: "verify.md", messages: "verify.manifest");

/// `image-manifest` passed: every manifest was read and understood.
pub(super) fn manifest_passed(input: &str, media_type: &str, children: usize) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Pass,
        input,
        t!(
            "verify.manifest.ok",
            media_type = media_type,
            children = children
        ),
    )
}

/// Level 1: parses the reference and reads the root manifest. On success the digest
/// finding is the last of `image.findings` (it is reported after the walk's); on failure
/// the findings say why and `None` is returned.
pub(super) async fn read_root<S: Source>(
    source: &S,
    input: &str,
    options: &Options,
    image: &mut VerifiedImage,
) -> Option<(Reference, Digest, Manifest)> {
    let reference = match Reference::parse(input) {
        Ok(r) => r,
        Err(e) => {
            let mut f = Finding::new(&CHECK, Outcome::Fail(e.cause), input, e.message.clone());
            if let Some(s) = &e.suggestion {
                f = f.with_evidence(Fact::suggestion(s.as_str()));
            }
            image.findings.push(f);
            return None;
        }
    };
    image.manifest_steps = 1;
    let fetched = match source
        .get_manifest(reference.repository(), reference.manifest_reference())
        .await
    {
        Ok(Some(f)) => f,
        Ok(None) => {
            image.findings.push(Finding::new(
                &CHECK,
                Outcome::Fail(CauseId::ImageNotFound),
                input,
                t!("verify.manifest.not-found", reference = input),
            ));
            return None;
        }
        Err(e) => {
            image.findings.push(source_failure(&CHECK, input, &e));
            return None;
        }
    };
    let actual = Digest::sha256(&fetched.bytes);
    image.digest = Some(actual.to_string());
    let digest_checked = digest_finding(
        input,
        &fetched.bytes,
        fetched.docker_content_digest.as_deref(),
        &reference,
        &options.expected,
    );
    match manifest::parse(&fetched.bytes, fetched.media_type.as_deref()) {
        Ok(root) => {
            image.findings.push(digest_checked);
            Some((reference, actual, root))
        }
        Err(e) => {
            let mut f = Finding::new(
                &CHECK,
                Outcome::Fail(e.cause()),
                input,
                t!("verify.manifest.unreadable", digest = actual, reason = e),
            );
            if e == manifest::ManifestError::Schema1 {
                f = f.with_fix(tl!("verify.manifest.schema1-fix"));
            }
            image.findings.push(f);
            image.findings.push(digest_checked);
            None
        }
    }
}
