//! `login-write`: the chosen credential written to docker's config (or not, with
//! `--dry-run`), or why no candidate could be written.

use super::{Attempt, Chosen, Options, Verdict, config_file};
use crate::credentials;
use crate::evidence::Fact;
use crate::finding::{self, CauseId, Finding};
use crate::t;

crate::finding::check_meta!(pub CHECK = "login-write", docs: "login.md", messages: "login.write-");

/// No candidate works: nothing is written.
pub(super) fn none_works(registry: &str, attempts: &[Attempt]) -> Finding {
    let names: Vec<&str> = attempts.iter().map(|a| a.name.as_str()).collect();
    Finding::new(
        &CHECK,
        finding::Outcome::Fail(none_works_cause(attempts)),
        registry,
        t!("login.none-works", names = names.join(", ")),
    )
}

/// Why no candidate works: the first refused candidate's cause, else an empty secret, else
/// no credential at all.
fn none_works_cause(attempts: &[Attempt]) -> CauseId {
    attempts
        .iter()
        .find_map(|a| match &a.verdict {
            Verdict::Failed { cause: Some(c), .. } => CauseId::from_id(c),
            _ => None,
        })
        .unwrap_or(if attempts.iter().any(|a| a.verdict == Verdict::Empty) {
            CauseId::SecretEmpty
        } else {
            CauseId::NoCredentials
        })
}

/// Writes the chosen credential to docker's config, or says why not.
pub(super) fn write(options: &Options, registry: &str, chosen: &Chosen) -> Finding {
    let path = options
        .config_path
        .clone()
        .or_else(|| config_file::path(&options.env));
    let Some(path) = path else {
        return Finding::new(
            &CHECK,
            finding::Outcome::Fail(CauseId::LoginConfigUnwritable),
            registry,
            t!("login.write-no-path"),
        );
    };
    let shown = path.display().to_string();
    if options.dry_run {
        return Finding::new(
            &CHECK,
            finding::Outcome::Skip,
            registry,
            t!("login.write-dry-run", path = shown, name = chosen.name),
        )
        .with_evidence(Fact::path(shown))
        .with_evidence(Fact::auth_method(chosen.name.clone()));
    }
    match config_file::write_login(&path, registry, &chosen.username, &chosen.secret) {
        Ok(outcome) => {
            let mut message = t!("login.write-done", path = shown, name = chosen.name);
            if let Some(helper) = &outcome.bypassed_helper {
                message = format!(
                    "{message}; {}",
                    t!("login.write-bypassed", helper = helper, registry = registry)
                );
            }
            let mut status = finding::Outcome::Pass;
            let mut fix = Vec::new();
            if let Some(mode) = outcome.exposed_mode {
                // Said, not silently fixed: the credentials it held may have been read.
                status = finding::Outcome::Warn;
                message = format!(
                    "{message}; {}",
                    t!("login.write-was-exposed", mode = format!("{mode:04o}"))
                );
                fix.push(t!("login.fix.write-was-exposed"));
            }
            if outcome.leftovers_removed > 0 {
                message = format!(
                    "{message}; {}",
                    t!("login.write-leftovers", count = outcome.leftovers_removed)
                );
            }
            Finding::new(&CHECK, status, registry, message)
                .with_fix(fix)
                .with_evidence(Fact::exposed_mode(
                    outcome.exposed_mode.map(|m| format!("{m:04o}")),
                ))
                .with_evidence(Fact::path(shown))
                .with_evidence(Fact::auth_method(chosen.name.clone()))
                .with_evidence(Fact::username(credentials::display_username(
                    &chosen.username,
                )))
                .with_evidence(Fact::replaced(outcome.replaced))
                .with_evidence(Fact::bypassed_helper(outcome.bypassed_helper))
        }
        Err(e) => Finding::new(
            &CHECK,
            finding::Outcome::Fail(CauseId::LoginConfigUnwritable),
            registry,
            t!("login.write-failed", error = e),
        )
        .with_evidence(Fact::path(shown)),
    }
}
