//! The image as stored in a registry: its manifests and blobs, and the proof that a pushed
//! image is there and complete.

pub mod manifest;
pub mod metadata;
pub mod source;
pub mod summary;
pub mod verify;

pub use summary::{SUMMARY_LIMIT, build_report_markdown};
pub use verify::{Expected, Options, Progress, VerifiedImage, verify};

use serde_json::Value;

/// The `images` field of the JSON report: the facts about each verified image.
pub fn images_json(images: &[VerifiedImage]) -> Value {
    serde_json::to_value(images).unwrap_or(Value::Array(Vec::new()))
}

/// Every image's findings, in order, for a [`crate::report::Report`].
pub fn report(images: &[VerifiedImage]) -> crate::report::Report {
    let mut report = crate::report::Report::new("verify");
    for image in images {
        report.findings.extend(image.findings.iter().cloned());
    }
    report.extra.insert("images".into(), images_json(images));
    report
}
