//! The report of `ghcr-doctor verify`: every image's findings and facts, the run's
//! statistics, the build report and the step output.

use serde_json::Value;

use crate::finding::Report;
use crate::image::{Batch, VerifiedImage, build_report_markdown};

/// The `images` field of the JSON report: the facts about each verified image.
pub fn images_json(images: &[VerifiedImage]) -> Value {
    serde_json::to_value(images).unwrap_or(Value::Array(Vec::new()))
}

/// The report of a verify run: discovery's notes, then every image's findings in order; the
/// `images` and `stats` JSON fields; the build report as the Markdown rendering (the step
/// summary in GitHub Actions); the step output `digest` (the first image's manifest digest).
pub fn report(batch: &Batch) -> Report {
    let images = &batch.images;
    let mut report = Report::new("verify");
    report.findings.extend(batch.notes.iter().cloned());
    for image in images {
        report.findings.extend(image.findings.iter().cloned());
    }
    report.extra.insert("images".into(), images_json(images));
    report.extra.insert(
        "stats".into(),
        serde_json::json!({
            "images": images.len(),
            "requests": batch.requests,
            "sequential_steps": batch.sequential_steps,
        }),
    );
    report.markdown = Some(build_report_markdown(images));
    if let Some(digest) = images.first().and_then(|i| i.digest.clone()) {
        report.outputs.push(("digest".into(), digest));
    }
    report
}
