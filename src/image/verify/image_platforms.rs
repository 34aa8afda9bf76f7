//! The platforms of verify: the requested platforms against the present ones
//! (`image-platforms`).

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::image::manifest::{Descriptor, Platform};
use crate::{t, tl};

crate::finding::check_meta!(pub CHECK = "image-platforms", docs: "verify.md", messages: "verify.platforms");

/// `image-platforms`: the requested platforms against the present ones, and a note listing
/// attestation manifests.
pub(super) fn platform_findings(
    input: &str,
    present: &[Platform],
    attestations: &[String],
    wanted: &[Platform],
    single: bool,
) -> Vec<Finding> {
    let present_list = if present.is_empty() {
        t!("verify.platforms.none")
    } else {
        join(present)
    };
    let missing: Vec<String> = wanted
        .iter()
        .filter(|want| !present.iter().any(|p| want.satisfied_by(p)))
        .map(ToString::to_string)
        .collect();
    let main = if !missing.is_empty() && present.is_empty() && single {
        Finding::new(
            &CHECK,
            Outcome::Warn,
            input,
            t!("verify.platforms.unknown", wanted = missing.join(", ")),
        )
    } else if !missing.is_empty() {
        let all: Vec<String> = wanted.iter().map(ToString::to_string).collect();
        Finding::new(
            &CHECK,
            Outcome::Fail(CauseId::ImagePlatformMissing),
            input,
            t!(
                "verify.platforms.missing",
                missing = missing.join(", "),
                present = present_list
            ),
        )
        .with_evidence(Fact::missing(missing.clone()))
        // The catalog's steps, with this image's platforms filled in.
        .with_fix(tl!(
            "verify.platforms.missing-fix",
            platforms = all.join(",")
        ))
    } else {
        Finding::new(
            &CHECK,
            Outcome::Pass,
            input,
            t!("verify.platforms.ok", present = present_list),
        )
    };
    let present_names: Vec<String> = present.iter().map(ToString::to_string).collect();
    let mut out = vec![
        main.with_evidence(Fact::present(present_names))
            .with_evidence(Fact::attestations(attestations.to_vec())),
    ];
    if !attestations.is_empty() {
        out.push(
            Finding::new(
                &CHECK,
                Outcome::Info,
                input,
                t!("verify.platforms.attestations", count = attestations.len()),
            )
            .with_evidence(Fact::attestations(attestations.to_vec())),
        );
    }
    out
}

fn join(platforms: &[Platform]) -> String {
    platforms
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn platform_label(d: &Descriptor) -> String {
    d.platform
        .as_ref()
        .map_or_else(|| t!("verify.platforms.none"), ToString::to_string)
}
