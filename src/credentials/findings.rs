//! The findings discovery reports about the credential it chose and the helpers and config
//! entries it met. Messages come from `i18n/<lang>/credentials.toml`.

use super::{CHECK_CONFIG, CHECK_HELPER, CHECK_SOURCE, Credential, display_username, helper};
use crate::finding::{CauseId, Finding, Outcome};
use crate::t;

pub(super) fn source_finding(c: &Credential, registry: &str) -> Finding {
    // The kind of the value with pasting defects removed, as `token` reports it.
    let kind = crate::token::inspect(c.secret.expose()).kind;
    let user = c
        .username
        .as_deref()
        .map(display_username)
        .unwrap_or_else(|| t!("credentials.no-username"));
    let mut f = Finding::new(
        &CHECK_SOURCE,
        Outcome::Pass,
        registry,
        t!(
            "credentials.found",
            source = c.source,
            username = user,
            kind = kind.as_str(),
            length = c.secret.expose().chars().count()
        ),
    )
    .with_evidence("source", c.source.as_str())
    .with_evidence("kind", kind.as_str())
    .with_evidence("length", c.secret.expose().chars().count())
    .with_evidence("identity_token", c.identity_token);
    if let Some(u) = &c.username {
        f = f.with_evidence("username", display_username(u));
    }
    f
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
    Finding::new(&CHECK_CONFIG, Outcome::Warn, path, message)
        .with_cause(CauseId::StaleCredentials)
        .with_evidence("file", path)
        .with_evidence("key", key)
        .with_evidence("registry", registry)
}

pub(super) fn helper_finding(
    e: &helper::HelperError,
    name: &str,
    via: &str,
    path: &str,
) -> Finding {
    use helper::HelperError as E;
    let program = helper::program(name);
    let (message, problem) = match e {
        E::NotOnPath { .. } => (
            t!(
                "credentials.helper-not-on-path",
                program = program,
                via = via,
                path = path
            ),
            "not-on-path",
        ),
        E::Spawn { reason, .. } => (
            t!(
                "credentials.helper-spawn",
                program = program,
                error = reason
            ),
            "spawn",
        ),
        E::Failed {
            code, first_line, ..
        } => (
            t!(
                "credentials.helper-failed",
                program = program,
                code = code.map_or_else(|| t!("credentials.signal"), |c| c.to_string()),
                line = first_line
            ),
            "failed",
        ),
        E::TimedOut { timeout, .. } => (
            t!(
                "credentials.helper-timeout",
                program = program,
                seconds = format!("{:.1}", timeout.as_secs_f64())
            ),
            "timeout",
        ),
        E::BadAnswer { .. } => (
            t!("credentials.helper-bad-answer", program = program),
            "bad-answer",
        ),
    };
    let mut f = Finding::new(
        &CHECK_HELPER,
        Outcome::Fail(CauseId::CredentialHelperFailed),
        format!("helper:{name}"),
        message,
    )
    .with_evidence("helper", program.as_str())
    .with_evidence("configured_by", via)
    .with_evidence("file", path)
    .with_evidence("problem", problem);
    if let E::Failed { code, .. } = e {
        f = f.with_evidence("exit_code", *code);
    }
    let fix = match e {
        E::NotOnPath { .. } => crate::tl!(
            "credentials.fix.helper-not-on-path",
            program = program,
            via = via,
            path = path
        ),
        _ => crate::tl!(
            "credentials.fix.helper-broken",
            program = program,
            path = path
        ),
    };
    f.with_fix(fix)
}
