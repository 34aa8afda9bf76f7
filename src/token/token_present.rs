//! `token-present`: whether a value was supplied at all, with its kind and length.

use super::Inspection;
use super::kind_name;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::t;

crate::finding::check_meta!(pub CHECK = "token-present", docs: "token.md", messages: "token");

/// An empty (or whitespace-only) value: nothing else is judged.
pub(super) fn empty(insp: &Inspection, target: &str) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Fail(CauseId::SecretEmpty),
        target,
        t!("token.present-empty", source = target),
    )
    .with_evidence(Fact::length(insp.length))
}

pub(super) fn present(insp: &Inspection, target: &str) -> Finding {
    let mut f = Finding::new(
        &CHECK,
        Outcome::Pass,
        target,
        t!(
            "token.present",
            source = target,
            kind = kind_name(insp.kind),
            length = insp.length
        ),
    )
    .with_evidence(Fact::kind(insp.kind.as_str()))
    .with_evidence(Fact::length(insp.length));
    if insp.cleaned_length != insp.length {
        f = f.with_evidence(Fact::cleaned_length(insp.cleaned_length));
    }
    f
}
