//! `check`: the registry probes against the real registry (three auth modes), the in-process
//! ghcr.io fake, network faults, and the binary's exit codes and JSON.

mod cli;
pub mod ghcr;
mod hostile;
mod network;
mod real_registry;
mod session;

use ghcr_doctor::check::{self, Context, Credentials, Options};
use ghcr_doctor::credentials::Credential;
use ghcr_doctor::finding::{Finding, Status};
use ghcr_doctor::report::Report;
use ghcr_doctor::secret::Secret;

use crate::support::registry::Registry;

/// Runs `check` through the library.
pub fn run(options: Options, credentials: Credentials, images: &[&str]) -> Report {
    let ctx = Context::new(options, credentials).expect("context");
    let images: Vec<String> = images.iter().map(|s| (*s).to_owned()).collect();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(check::run(&ctx, &images))
}

pub fn cred(user: &str, secret: &str, source: &str) -> Credentials {
    Credentials::Fixed(Credential {
        username: Some(user.to_owned()),
        secret: Secret::new(secret),
        source: source.to_owned(),
        identity_token: false,
    })
}

/// The one finding of `check` for `target`.
pub fn finding<'a>(report: &'a Report, check: &str, target: &str) -> &'a Finding {
    let found: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.check == check && f.target == target)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {check} for {target} in {:#?}",
        report.findings
    );
    found[0]
}

/// Asserts status and cause of a finding, showing the report on failure.
pub fn expect(report: &Report, check: &str, target: &str, status: Status, cause: Option<&str>) {
    let f = finding(report, check, target);
    assert_eq!(
        (f.status, f.cause.as_deref()),
        (status, cause),
        "{check} for {target}: {f:#?}"
    );
}

pub fn stat(report: &Report, name: &str) -> u64 {
    report.extra["stats"][name].as_u64().expect("stat")
}

/// What the registry holds, to show a check wrote nothing.
#[derive(Debug, PartialEq)]
pub struct Holdings {
    pub repositories: Vec<String>,
    pub blobs: usize,
}

pub fn holdings(reg: &Registry) -> Holdings {
    Holdings {
        repositories: reg.repositories_with_content(),
        blobs: reg.blob_count(),
    }
}

/// No new repository with content, tag or blob; every upload session the probes opened
/// holds no uploaded byte (its `data` file, if any, is empty).
pub fn assert_nothing_written(reg: &Registry, before: &Holdings) {
    assert_eq!(
        &holdings(reg),
        before,
        "the check changed the registry's content"
    );
    for (session, files) in reg.upload_sessions() {
        for f in &files {
            if let Some(size) = f.strip_prefix("data:") {
                assert_eq!(size, "0", "upload session {session} holds data: {files:?}");
            }
        }
    }
}

#[test]
fn every_check_id_has_a_docs_section() {
    let docs = std::fs::read_to_string(crate::support::root().join("docs/checks/registry.md"))
        .expect("docs/checks/registry.md");
    for id in [
        "reference-valid",
        "token-format",
        "plain-http",
        "registry-reachable",
        "registry-login",
        "registry-pull",
        "registry-push",
        "diagnosis",
    ] {
        assert!(
            docs.contains(&format!("\n## {id}\n")),
            "docs/checks/registry.md lacks `## {id}`"
        );
    }
}
