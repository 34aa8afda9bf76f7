//! `credential-helper`: a docker credential helper that is missing, cannot start, fails,
//! times out or answers something unreadable. Running helpers is `helper.rs`.

use super::helper;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome};
use crate::t;

crate::finding::check_meta!(pub CHECK = "credential-helper", docs: "credentials.md", messages: "credentials.helper-");

/// The finding for a helper that gave no credential (`via`: the config key that names it,
/// `path`: the file).
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
        &CHECK,
        Outcome::Fail(CauseId::CredentialHelperFailed),
        format!("helper:{name}"),
        message,
    )
    .with_evidence(Fact::helper(program.as_str()))
    .with_evidence(Fact::configured_by(via))
    .with_evidence(Fact::file(path))
    .with_evidence(Fact::problem(problem));
    if let E::Failed { code, .. } = e {
        f = f.with_evidence(Fact::exit_code(*code));
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
