//! The register of checks: every check id the tool reports, each declared once beside the
//! code that reports it with `check_meta!` (its id, its section in `docs/checks/` and the
//! prefix of its message keys), and listed here. Cause ids are the other half of the
//! register: [`crate::catalog::CauseId`], generated from `catalog/causes.toml`. The check
//! type and its macro live in [`crate::finding`], below every check, so this list alone
//! depends on every check module.
//!
//! A finding is built from a [`Check`] ([`crate::finding::Finding::new`]), so a check that
//! is not declared cannot report; the drift tests iterate [`CHECKS`] to prove each has its
//! docs section, its message keys and a test naming it.

pub use crate::finding::Check;

use crate::{
    check, credentials, explain, github, image, login, project, reference, run, token, workflow,
};

/// Every check, grouped by command.
pub const CHECKS: &[Check] = &[
    // offline inputs
    reference::CHECK,
    token::token_present::CHECK,
    token::token_pasting::CHECK,
    token::token_format::CHECK,
    token::token_ghcr_verdict::CHECK,
    // credential discovery
    credentials::credential_source::CHECK,
    credentials::credential_env::CHECK,
    credentials::credential_config::CHECK,
    credentials::credential_helper::CHECK,
    // check
    check::diagnosis::CHECK,
    check::plain_http::CHECK,
    check::registry_reachable::CHECK,
    check::registry_login::CHECK,
    check::registry_pull::CHECK,
    check::registry_push::CHECK,
    github::judge::github_token_valid::CHECK,
    github::judge::github_token_scopes::CHECK,
    github::judge::github_repo_access::CHECK,
    github::judge::github_package::CHECK,
    github::judge::github_workflow_permissions::CHECK,
    project::CHECK,
    // verify
    image::verify::image_manifest::CHECK,
    image::verify::image_digest::CHECK,
    image::verify::image_platforms::CHECK,
    image::verify::image_blobs::CHECK,
    image::verify::image_anonymous_pull::CHECK,
    // login
    login::login_candidate::CHECK,
    login::login_write::CHECK,
    // explain
    explain::CHECK,
    run::diagnose::CHECK,
    // workflow
    workflow::YAML_CHECK,
    workflow::rules::workflow_missing_packages_write::CHECK,
    workflow::rules::fork_or_dependabot_readonly::CHECK,
    workflow::rules::login_missing::CHECK,
    workflow::rules::login_registry_mismatch::CHECK,
    workflow::rules::reference_uppercase::CHECK,
    workflow::rules::hardcoded_credential::CHECK,
    workflow::rules::secret_fallback::CHECK,
    workflow::rules::image_source_label_missing::CHECK,
    workflow::rules::reusable_workflow_outside::CHECK,
    workflow::fix::FIX_CHECK,
];

/// The registered check with this id.
pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}
