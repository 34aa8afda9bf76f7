//! `credential-env`: the secret given on standard input (or in a file) and the token
//! variables (`GHCR_TOKEN`, `GITHUB_TOKEN` or `--token-env`): empty, unset, or the credential.

use super::{CandidateState, Credential, Discovery, Options, env_candidates, username};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::t;

crate::finding::check_meta!(pub CHECK = "credential-env", docs: "credentials.md", messages: "credentials.env-");

/// The secret read from standard input or `--token-file`, unless it is empty.
pub(super) fn from_stdin(options: &Options, d: &mut Discovery) -> Option<Credential> {
    let secret = options.stdin_secret.as_ref()?;
    let source = options.stdin_source.as_deref().unwrap_or("stdin");
    if secret.expose().trim().is_empty() {
        d.findings.push(Finding::new(
            &CHECK,
            Outcome::Fail(CauseId::SecretEmpty),
            source,
            t!("credentials.stdin-empty"),
        ));
        return None;
    }
    Some(Credential {
        username: username(options),
        secret: secret.clone(),
        source: source.into(),
        identity_token: false,
    })
}

pub(super) fn from_env(options: &Options, d: &mut Discovery) -> Option<Credential> {
    let explicit = options.token_env.is_some();
    for candidate in env_candidates(options) {
        let target = format!("env:{}", candidate.name);
        match candidate.state {
            CandidateState::Usable(secret) => {
                return Some(Credential {
                    username: username(options),
                    secret,
                    source: target,
                    identity_token: false,
                });
            }
            CandidateState::Empty => d.findings.push(
                Finding::new(
                    &CHECK,
                    Outcome::Warn,
                    &target,
                    t!("credentials.env-empty", name = candidate.name),
                )
                .with_cause(CauseId::SecretEmpty)
                .with_evidence(Fact::variable(candidate.name.as_str())),
            ),
            // The default names are optional; a name the user chose must be set.
            CandidateState::Unset if explicit => d.findings.push(
                Finding::new(
                    &CHECK,
                    Outcome::Warn,
                    &target,
                    t!("credentials.env-unset", name = candidate.name),
                )
                .with_evidence(Fact::variable(candidate.name.as_str())),
            ),
            CandidateState::Unset => {}
        }
    }
    None
}
