//! `credential-config`: the docker and podman configuration files as discovery reads them
//! (missing, unreadable, exposed, empty or broken entries, entries a helper overrides). The
//! file's own problems are found as it is parsed (`config.rs`).

use std::path::Path;

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::t;

crate::finding::check_meta!(pub CHECK = "credential-config", docs: "credentials.md", messages: "credentials.config-");

/// `$DOCKER_CONFIG` names a directory without a `config.json`.
pub(super) fn docker_config_missing(path: &Path) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Info,
        path.display().to_string(),
        t!("credentials.docker-config-missing", path = path.display()),
    )
    .with_evidence(Fact::file(path.display().to_string()))
}

/// A file holding credentials that others may read (`mode` is its permission bits).
pub(super) fn exposed(path: &Path, mode: u32) -> Finding {
    let shown = path.display().to_string();
    Finding::new(
        &CHECK,
        Outcome::Warn,
        shown.as_str(),
        t!(
            "credentials.config-exposed",
            path = shown,
            mode = format!("{mode:04o}")
        ),
    )
    .with_evidence(Fact::file(shown.as_str()))
    .with_evidence(Fact::mode(format!("{mode:04o}")))
    .with_fix([t!("credentials.config-exposed-fix", path = shown)])
}

/// A file's own entry that docker ignores because a helper is configured for the registry.
pub(super) fn entry_ignored(file: &str, key: &str, helper: &str) -> Finding {
    Finding::new(
        &CHECK,
        Outcome::Info,
        file,
        t!(
            "credentials.entry-ignored",
            path = file,
            key = key,
            helper = helper
        ),
    )
    .with_evidence(Fact::file(file))
    .with_evidence(Fact::config_key(key))
}

/// `"ghcr.io": {}` with nothing behind it: docker believes it is logged in and sends no or
/// stale credentials, which ghcr.io answers with `denied: denied` even for public images.
pub(super) fn empty_entry(path: &str, key: &str, registry: &str, helper: Option<&str>) -> Finding {
    let message = match helper {
        Some(h) => t!(
            "credentials.entry-empty-helper",
            path = path,
            key = key,
            helper = h
        ),
        None => t!("credentials.entry-empty", path = path, key = key),
    };
    Finding::new(&CHECK, Outcome::Warn, path, message)
        .with_cause(CauseId::StaleCredentials)
        .with_evidence(Fact::file(path))
        .with_evidence(Fact::config_key(key))
        .with_evidence(Fact::registry(registry))
}
