//! `registry-push`: `POST /v2/NAME/blobs/uploads/` opens an empty upload session (202 = may
//! push), then `DELETE` of its location cancels it. Nothing is ever written: no blob,
//! manifest or tag. A 401 or 405 on the cancel is normal: the empty session expires on the
//! server.

use crate::check::{Probe, Probed, registry_reachable};
use crate::denial::Operation;
use crate::evidence::Fact;
use crate::finding::{Finding, Outcome};
use crate::reference::Reference;
use crate::registry::{self, Cancel, Upload};

crate::finding::check_meta!(pub CHECK = "registry-push", docs: "registry.md", messages: "check.registry-push");
pub const ID: &str = CHECK.id;

/// The finding for one image, from the upload and (when it opened) its cancel.
pub fn finding(
    probe: &Probe<'_>,
    reference: &Reference,
    upload: &Result<Upload, registry::Error>,
    cancel: Option<&Result<Cancel, registry::Error>>,
) -> Probed {
    let repository = reference.repository();
    match upload {
        Ok(up) => {
            let (message, cancel_status, cancelled) = match cancel {
                Some(Ok(c)) if c.cancelled => (
                    crate::t!(
                        "check.registry-push.pass-cancelled",
                        repository = repository
                    ),
                    Some(c.status),
                    true,
                ),
                Some(Ok(c)) => (
                    crate::t!(
                        "check.registry-push.pass-expires",
                        repository = repository,
                        status = c.status
                    ),
                    Some(c.status),
                    false,
                ),
                Some(Err(e)) => (
                    crate::t!(
                        "check.registry-push.pass-cancel-failed",
                        repository = repository,
                        error = e
                    ),
                    None,
                    false,
                ),
                None => (
                    crate::t!(
                        "check.registry-push.pass-expires",
                        repository = repository,
                        status = "-"
                    ),
                    None,
                    false,
                ),
            };
            Finding::new(&CHECK, Outcome::Pass, probe.target, message)
                .with_evidence(Fact::status(up.status))
                .with_evidence(Fact::attempts(up.attempts))
                .with_evidence(Fact::cancel_status(cancel_status))
                .with_evidence(Fact::cancelled(cancelled))
                .into()
        }
        Err(registry::Error::Refused(r)) => {
            let (denial, cause) = probe.refusal(Operation::Push, r);
            let mut f = Finding::new(
                &CHECK,
                Outcome::Fail(cause),
                probe.target,
                crate::t!(
                    "check.registry-push.fail",
                    repository = repository,
                    answer = r
                ),
            )
            .with_evidence(Fact::status(r.status))
            .with_evidence(Fact::answer(r.message()))
            .with_evidence(Fact::attempts(r.attempts));
            if let Some(e) = r.bearer_error() {
                f = f.with_evidence(Fact::bearer_error(e));
            }
            if let Some(k) = probe.token_kind {
                f = f.with_evidence(Fact::token_kind(k.as_str()));
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
