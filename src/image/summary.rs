//! The build report: a Markdown summary of verified images for `$GITHUB_STEP_SUMMARY`.
//!
//! GitHub refuses step summaries over 1 MiB, so the text is built within
//! [`SUMMARY_LIMIT`] and ends with a note when something had to be left out.

use std::fmt::Write as _;

use super::verify::{CHECKS, VerifiedImage, human_size};
use crate::finding::{Finding, Status};
use crate::t;

/// The most bytes the summary may take (GitHub's limit is 1024 KiB per step).
pub const SUMMARY_LIMIT: usize = 1024 * 1024 - 1;
/// Room kept for the truncation note.
const NOTE_ROOM: usize = 1024;

/// Escapes text for one Markdown table cell: pipes, line breaks and HTML are neutralised.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Code spans that cannot be broken by backticks in the text.
fn code(text: &str) -> String {
    format!("`{}`", cell(&text.replace('`', "'")))
}

fn status_name(status: Status) -> String {
    match status {
        Status::Pass => t!("verify.summary.status-pass"),
        Status::Fail => t!("verify.summary.status-fail"),
        Status::Warn => t!("verify.summary.status-warn"),
        Status::Info => t!("verify.summary.status-info"),
        Status::Skip => t!("verify.summary.status-skip"),
    }
}

/// The worst status among findings: fail, then warn, skip, pass, info.
fn worst(findings: &[&Finding]) -> Option<Status> {
    let rank = |s: Status| match s {
        Status::Fail => 4,
        Status::Warn => 3,
        Status::Skip => 2,
        Status::Pass => 1,
        Status::Info => 0,
    };
    findings.iter().map(|f| f.status).max_by_key(|s| rank(*s))
}

fn image_section(image: &VerifiedImage) -> String {
    let mut s = String::new();
    let mark_all = if image.ok() { "✓" } else { "✗" };
    let _ = writeln!(s, "### {mark_all} {}\n", code(&image.reference));
    let _ = writeln!(s, "| {} | |", t!("verify.summary.fact"));
    let _ = writeln!(s, "|---|---|");
    let none = t!("verify.summary.none");
    let facts = [
        (
            t!("verify.summary.digest"),
            image.digest.as_deref().map_or(none.clone(), code),
        ),
        (
            t!("verify.summary.media-type"),
            image.media_type.as_deref().map_or(none.clone(), code),
        ),
        (
            t!("verify.summary.platforms"),
            if image.platforms.is_empty() {
                none.clone()
            } else {
                cell(&image.platforms.join(", "))
            },
        ),
        (
            t!("verify.summary.attestations"),
            image.attestations.len().to_string(),
        ),
        (
            t!("verify.summary.total-size"),
            format!("{} ({} B)", human_size(image.total_size), image.total_size),
        ),
        (t!("verify.summary.layers"), image.layer_count.to_string()),
        (t!("verify.summary.credential"), code(&image.credential)),
    ];
    for (name, value) in facts {
        let _ = writeln!(s, "| {} | {} |", cell(&name), value);
    }
    let _ = writeln!(
        s,
        "\n| {} | {} | {} |",
        t!("verify.summary.check"),
        t!("verify.summary.result"),
        t!("verify.summary.details")
    );
    let _ = writeln!(s, "|---|---|---|");
    for check in CHECKS {
        let findings: Vec<&Finding> = image.findings.iter().filter(|f| f.check == check).collect();
        let Some(status) = worst(&findings) else {
            continue;
        };
        let main = findings
            .iter()
            .find(|f| f.status == status)
            .map_or("", |f| f.message.as_str());
        let more = findings.iter().filter(|f| f.status == status).count() - 1;
        let details = if more > 0 {
            format!("{} {}", main, t!("verify.summary.and-more", count = more))
        } else {
            main.to_owned()
        };
        let _ = writeln!(
            s,
            "| `{check}` | {} {} | {} |",
            status.mark(),
            status_name(status),
            cell(&details)
        );
    }
    let problems: Vec<&Finding> = image
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn))
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(s, "\n{}\n", t!("verify.summary.problems"));
        for f in problems {
            let _ = writeln!(
                s,
                "- {} `{}`: {}",
                f.status.mark(),
                f.check,
                cell(&f.message)
            );
        }
    }
    s.push('\n');
    s
}

/// The build report for `images`, under [`SUMMARY_LIMIT`] bytes.
pub fn build_report_markdown(images: &[VerifiedImage]) -> String {
    let mut out = String::new();
    let failed = images.iter().filter(|i| !i.ok()).count();
    let _ = writeln!(out, "## {}\n", t!("verify.summary.title"));
    let _ = writeln!(
        out,
        "{}\n",
        if failed == 0 {
            t!("verify.summary.all-ok", count = images.len())
        } else {
            t!(
                "verify.summary.some-failed",
                failed = failed,
                count = images.len()
            )
        }
    );
    let budget = SUMMARY_LIMIT - NOTE_ROOM;
    for (i, image) in images.iter().enumerate() {
        let section = image_section(image);
        if out.len() + section.len() > budget {
            // Keep whole lines of the section that fit, then say what was left out.
            for line in section.lines() {
                if out.len() + line.len() + 1 > budget {
                    break;
                }
                out.push_str(line);
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "\n> {}",
                t!("verify.summary.truncated", shown = i, count = images.len())
            );
            break;
        }
        out.push_str(&section);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(n_findings: usize, message: &str) -> VerifiedImage {
        VerifiedImage {
            reference: "ghcr.io/o/app:1|x".into(),
            digest: Some("sha256:00".into()),
            media_type: None,
            platforms: vec!["linux/amd64".into()],
            attestations: vec![],
            total_size: 2048,
            layer_count: 3,
            blob_count: 4,
            credential: "env:GHCR_TOKEN".into(),
            pulled: false,
            manifest_steps: 0,
            findings: (0..n_findings)
                .map(|_| {
                    Finding::new(
                        &crate::image::verify::image_blobs::CHECK,
                        crate::finding::Outcome::Fail(crate::catalog::CauseId::ImageIncomplete),
                        "r",
                        message,
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn cells_never_break_the_table() {
        let md = build_report_markdown(&[image(2, "a | b\nc <script>")]);
        for line in md.lines().filter(|l| l.starts_with('|')) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!(cells == 3 || cells == 4, "{line}");
        }
        assert!(!md.contains("<script>"));
        assert!(md.contains("env:GHCR_TOKEN"));
    }

    #[test]
    fn huge_reports_are_cut_under_the_limit_with_a_note() {
        let big = "x".repeat(10_000);
        let images: Vec<VerifiedImage> = (0..60).map(|_| image(5, &big)).collect();
        let md = build_report_markdown(&images);
        assert!(md.len() <= SUMMARY_LIMIT, "{}", md.len());
        let last = md.lines().rev().find(|l| !l.is_empty()).unwrap_or_default();
        assert!(last.starts_with("> ") && last.contains("1 MiB"), "{last}");
        let shown = md.matches("### ").count();
        assert!(shown > 0 && shown < 60, "{shown}");
        // Small reports are not cut.
        assert!(!build_report_markdown(&images[..2]).contains("1 MiB"));
    }
}
