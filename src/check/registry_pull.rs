//! `registry-pull`: `HEAD` of the image's manifest with the full Accept list. A tag that does
//! not exist yet is a warning ("not pushed yet"); no access is a failure with its cause.

use crate::check::{Probe, Probed, registry_reachable};
use crate::denial::Operation;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::reference::Reference;
use crate::registry::{self, ManifestHead};

crate::finding::check_meta!(pub CHECK = "registry-pull", docs: "registry.md", messages: "check.registry-pull");
pub const ID: &str = CHECK.id;

/// The probe itself.
pub async fn probe(
    session: &registry::Session,
    reference: &Reference,
) -> Result<ManifestHead, registry::Error> {
    session
        .head_manifest(reference.repository(), reference.manifest_reference())
        .await
}

/// The finding for one image.
pub fn finding(
    probe: &Probe<'_>,
    reference: &Reference,
    result: &Result<ManifestHead, registry::Error>,
) -> Probed {
    let image = reference.to_string();
    match result {
        Ok(head) => {
            let digest = head.digest.clone().unwrap_or_else(|| "-".into());
            let media_type = head.media_type.clone().unwrap_or_else(|| "-".into());
            Finding::new(
                &CHECK,
                Outcome::Pass,
                probe.target,
                crate::t!(
                    "check.registry-pull.pass",
                    image = image,
                    media_type = media_type,
                    digest = digest
                ),
            )
            .with_evidence(Fact::digest(digest))
            .with_evidence(Fact::media_type(media_type))
            .with_evidence(Fact::attempts(head.attempts))
            .into()
        }
        Err(registry::Error::Refused(r)) => {
            let (denial, cause) = probe.refusal(Operation::Pull, r);
            // A tag that is not there yet is normal before the first push; a missing digest
            // is not.
            let not_pushed = cause == CauseId::ImageNotFound && reference.digest().is_none();
            let (status, message) = if not_pushed {
                (
                    Status::Warn,
                    crate::t!(
                        "check.registry-pull.not-pushed",
                        image = image,
                        answer = r.message()
                    ),
                )
            } else {
                (
                    Status::Fail,
                    crate::t!("check.registry-pull.fail", image = image, answer = r),
                )
            };
            let mut f = Finding::caused(&CHECK, status, cause, probe.target, message)
                .with_evidence(Fact::status(r.status))
                .with_evidence(Fact::answer(r.message()))
                .with_evidence(Fact::attempts(r.attempts));
            if let Some(e) = r.bearer_error() {
                f = f.with_evidence(Fact::bearer_error(e));
            }
            if !r.retried.is_empty() {
                f = f.with_evidence(Fact::retried_statuses(r.retried.clone()));
            }
            Probed::refused(f, denial)
        }
        Err(e) => {
            registry_reachable::failure(&CHECK, probe.target, probe.endpoint, probe.proxy, e).into()
        }
    }
}
