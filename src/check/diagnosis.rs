//! `diagnosis`: the final cause of a denied login, pull or push, from the registry's answer
//! and what GitHub said, and the finding that leads the report with it and its fix.

use serde_json::{Value, json};

use super::{registry_login, registry_pull, registry_push};
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::github::{GithubFacts, Operation, combine_denial};
use crate::t;

crate::register::check_meta!(pub CHECK = "diagnosis", docs: "registry.md", messages: "check.diagnosis");
pub const ID: &str = CHECK.id;

/// The registry checks whose denial the diagnosis explains.
const DENIALS: [&str; 3] = [registry_login::ID, registry_pull::ID, registry_push::ID];

/// Gives a failed `registry-login`, `registry-pull` or `registry-push` the cause that both
/// sides name ([`combine_denial`]); the registry's own cause stays in the evidence as
/// `registry_cause`. A login is judged for the operation the run asks for.
pub fn refine(f: &mut Finding, facts: &GithubFacts, pull_only: bool) {
    if f.status != Status::Fail || !facts.consulted || !DENIALS.contains(&f.check.as_str()) {
        return;
    }
    // Only answers the registry gave (a network failure has no `answer`).
    let Some(answer) = f.evidence.get("answer").and_then(Value::as_str) else {
        return;
    };
    let operation = if f.check == registry_pull::ID || (f.check == registry_login::ID && pull_only)
    {
        Operation::Pull
    } else {
        Operation::Push
    };
    let Some(cause) = combine_denial(operation, answer, facts) else {
        return;
    };
    if f.cause == Some(cause) {
        f.evidence.insert("github_agrees".into(), json!(true));
        return;
    }
    let registry_cause = f.cause.map_or(Value::Null, Value::from);
    f.evidence.insert("registry_cause".into(), registry_cause);
    f.recause(cause);
}

/// The leading findings: one per distinct final cause of the run's denials, in order of
/// first appearance, each naming its cause, the images and checks it explains, and the fix.
pub fn leading(findings: &[Finding]) -> Vec<Finding> {
    // cause → (images, checks)
    let mut groups: Vec<(CauseId, Vec<String>, Vec<String>)> = Vec::new();
    for f in findings {
        if f.status != Status::Fail || !DENIALS.contains(&f.check.as_str()) {
            continue;
        }
        let Some(cause) = f.cause else { continue };
        let i = match groups.iter().position(|(c, _, _)| *c == cause) {
            Some(i) => i,
            None => {
                groups.push((cause, Vec::new(), Vec::new()));
                groups.len() - 1
            }
        };
        let (_, images, checks) = &mut groups[i];
        if !images.contains(&f.target) {
            images.push(f.target.clone());
        }
        if !checks.contains(&f.check) {
            checks.push(f.check.clone());
        }
    }
    groups
        .into_iter()
        .map(|(cause, images, checks)| {
            let title = cause.entry().title.clone();
            let message = t!(
                "check.diagnosis.message",
                title = title,
                checks = checks.join(", "),
                images = images.join(", ")
            );
            Finding::new(&CHECK, Outcome::Fail(cause), images.join(", "), message)
                .with_evidence("images", images)
                .with_evidence("checks", checks)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Outcome;
    use crate::github::Scopes;
    use crate::token::TokenKind;

    fn facts(kind: TokenKind, scopes: Option<&str>) -> GithubFacts {
        GithubFacts {
            consulted: true,
            token_accepted: Some(true),
            scopes: scopes.map(Scopes::parse),
            ..GithubFacts::unconsulted("https://api.github.com", kind)
        }
    }

    fn push_denied(target: &str, answer: &str, cause: CauseId) -> Finding {
        Finding::new(
            &registry_push::CHECK,
            Outcome::Fail(cause),
            target,
            "may not push",
        )
        .with_evidence("answer", answer)
    }

    #[test]
    fn github_facts_replace_the_registry_cause_and_keep_it_as_evidence() {
        let mut f = push_denied("ghcr.io/o/a", "DENIED: denied", CauseId::TokenInvalid);
        let sso = GithubFacts {
            sso_required: true,
            ..facts(TokenKind::ClassicPat, Some("write:packages"))
        };
        refine(&mut f, &sso, false);
        assert_eq!(f.cause, Some(CauseId::SsoNotAuthorized));
        assert_eq!(f.evidence["registry_cause"], "token-invalid");
        let want = CauseId::SsoNotAuthorized.fix();
        assert_eq!(f.fix, want);
    }

    #[test]
    fn nothing_changes_without_facts_or_without_a_registry_answer() {
        let mut f = push_denied("ghcr.io/o/a", "DENIED: denied", CauseId::TokenInvalid);
        let mut not_asked = facts(TokenKind::ClassicPat, Some("repo"));
        not_asked.consulted = false;
        refine(&mut f, &not_asked, false);
        assert_eq!(f.cause, Some(CauseId::TokenInvalid));
        let mut network = Finding::new(
            &registry_push::CHECK,
            Outcome::Fail(CauseId::NetworkRefused),
            "x",
            "m",
        );
        refine(
            &mut network,
            &facts(TokenKind::ClassicPat, Some("repo")),
            false,
        );
        assert_eq!(network.cause, Some(CauseId::NetworkRefused));
        assert!(!network.evidence.contains_key("registry_cause"));
    }

    #[test]
    fn a_login_is_judged_for_the_runs_operation() {
        let login = || {
            Finding::new(
                &registry_login::CHECK,
                Outcome::Fail(CauseId::TokenInvalid),
                "ghcr.io/o/a",
                "refused",
            )
            .with_evidence("answer", "denied")
        };
        let read_only = facts(TokenKind::ClassicPat, Some("read:packages"));
        let mut push = login();
        refine(&mut push, &read_only, false);
        assert_eq!(push.cause, Some(CauseId::TokenMissingScope));
        let mut pull = login();
        refine(&mut pull, &read_only, true);
        assert_eq!(pull.cause, Some(CauseId::TokenInvalid));
    }

    #[test]
    fn one_leading_finding_per_distinct_cause() {
        let findings = vec![
            Finding::new(&registry_push::CHECK, Outcome::Pass, "ghcr.io/o/ok", "fine"),
            push_denied("ghcr.io/o/a", "x", CauseId::TokenMissingScope),
            push_denied("ghcr.io/o/b", "x", CauseId::TokenMissingScope),
            Finding::new(
                &registry_pull::CHECK,
                Outcome::Fail(CauseId::TokenMissingScope),
                "ghcr.io/o/a",
                "no",
            ),
            push_denied("ghcr.io/o/c", "x", CauseId::PackageAccessNotGranted),
            Finding::new(
                &crate::github::assess::TOKEN_SCOPES,
                Outcome::Fail(CauseId::TokenMissingScope),
                "env:T",
                "no",
            ),
        ];
        let lead = leading(&findings);
        assert_eq!(lead.len(), 2, "{lead:#?}");
        assert_eq!(lead[0].cause, Some(CauseId::TokenMissingScope));
        assert_eq!(
            lead[0].evidence["images"],
            json!(["ghcr.io/o/a", "ghcr.io/o/b"])
        );
        assert_eq!(
            lead[0].evidence["checks"],
            json!(["registry-push", "registry-pull"])
        );
        assert!(!lead[0].fix.is_empty());
        assert_eq!(lead[1].cause, Some(CauseId::PackageAccessNotGranted));
        assert!(leading(&findings[..1]).is_empty());
    }
}
