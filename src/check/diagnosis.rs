//! `diagnosis`: the final cause of a denied login, pull or push, from the registry's answer
//! and what GitHub said, and the finding that leads the report with it and its fix.

use serde_json::{Value, json};

use super::{registry_login, registry_pull, registry_push};
use crate::catalog;
use crate::finding::{Finding, Status};
use crate::github::{GithubFacts, Operation, combine_denial};
use crate::t;

pub const ID: &str = "diagnosis";

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
    if f.cause.as_deref() == Some(cause) {
        f.evidence.insert("github_agrees".into(), json!(true));
        return;
    }
    let registry_cause = f.cause.clone().map_or(Value::Null, Value::from);
    f.evidence.insert("registry_cause".into(), registry_cause);
    f.cause = Some(cause.to_owned());
    f.fix = catalog::cause(cause)
        .map(|c| c.fix_text().to_vec())
        .unwrap_or_default();
}

/// The leading findings: one per distinct final cause of the run's denials, in order of
/// first appearance, each naming its cause, the images and checks it explains, and the fix.
pub fn leading(findings: &[Finding]) -> Vec<Finding> {
    // cause → (images, checks)
    let mut groups: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for f in findings {
        if f.status != Status::Fail || !DENIALS.contains(&f.check.as_str()) {
            continue;
        }
        let Some(cause) = &f.cause else { continue };
        let i = match groups.iter().position(|(c, _, _)| c == cause) {
            Some(i) => i,
            None => {
                groups.push((cause.clone(), Vec::new(), Vec::new()));
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
            let title =
                catalog::cause(&cause).map_or_else(|| cause.clone(), |c| c.title_text().to_owned());
            let message = t!(
                "check.diagnosis.message",
                title = title,
                checks = checks.join(", "),
                images = images.join(", ")
            );
            Finding::new(ID, Status::Fail, images.join(", "), message)
                .with_cause(&cause)
                .with_evidence("images", images)
                .with_evidence("checks", checks)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
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

    fn push_denied(target: &str, answer: &str, cause: &str) -> Finding {
        Finding::new(registry_push::ID, Status::Fail, target, "may not push")
            .with_evidence("answer", answer)
            .with_cause(cause)
    }

    #[test]
    fn github_facts_replace_the_registry_cause_and_keep_it_as_evidence() {
        let mut f = push_denied("ghcr.io/o/a", "DENIED: denied", "token-invalid");
        let sso = GithubFacts {
            sso_required: true,
            ..facts(TokenKind::ClassicPat, Some("write:packages"))
        };
        refine(&mut f, &sso, false);
        assert_eq!(f.cause.as_deref(), Some("sso-not-authorized"));
        assert_eq!(f.evidence["registry_cause"], "token-invalid");
        let want = catalog::cause("sso-not-authorized")
            .expect("cause")
            .fix
            .clone();
        assert_eq!(f.fix, want);
    }

    #[test]
    fn nothing_changes_without_facts_or_without_a_registry_answer() {
        let mut f = push_denied("ghcr.io/o/a", "DENIED: denied", "token-invalid");
        let mut not_asked = facts(TokenKind::ClassicPat, Some("repo"));
        not_asked.consulted = false;
        refine(&mut f, &not_asked, false);
        assert_eq!(f.cause.as_deref(), Some("token-invalid"));
        let mut network =
            Finding::new(registry_push::ID, Status::Fail, "x", "m").with_cause("network-refused");
        refine(
            &mut network,
            &facts(TokenKind::ClassicPat, Some("repo")),
            false,
        );
        assert_eq!(network.cause.as_deref(), Some("network-refused"));
        assert!(!network.evidence.contains_key("registry_cause"));
    }

    #[test]
    fn a_login_is_judged_for_the_runs_operation() {
        let login = || {
            Finding::new(registry_login::ID, Status::Fail, "ghcr.io/o/a", "refused")
                .with_evidence("answer", "denied")
                .with_cause("token-invalid")
        };
        let read_only = facts(TokenKind::ClassicPat, Some("read:packages"));
        let mut push = login();
        refine(&mut push, &read_only, false);
        assert_eq!(push.cause.as_deref(), Some("token-missing-scope"));
        let mut pull = login();
        refine(&mut pull, &read_only, true);
        assert_eq!(pull.cause.as_deref(), Some("token-invalid"));
    }

    #[test]
    fn one_leading_finding_per_distinct_cause() {
        let findings = vec![
            Finding::new(registry_push::ID, Status::Pass, "ghcr.io/o/ok", "fine"),
            push_denied("ghcr.io/o/a", "x", "token-missing-scope"),
            push_denied("ghcr.io/o/b", "x", "token-missing-scope"),
            Finding::new(registry_pull::ID, Status::Fail, "ghcr.io/o/a", "no")
                .with_cause("token-missing-scope"),
            push_denied("ghcr.io/o/c", "x", "package-access-not-granted"),
            Finding::new("github-token-scopes", Status::Fail, "env:T", "no")
                .with_cause("token-missing-scope"),
        ];
        let lead = leading(&findings);
        assert_eq!(lead.len(), 2, "{lead:#?}");
        assert_eq!(lead[0].cause.as_deref(), Some("token-missing-scope"));
        assert_eq!(
            lead[0].evidence["images"],
            json!(["ghcr.io/o/a", "ghcr.io/o/b"])
        );
        assert_eq!(
            lead[0].evidence["checks"],
            json!(["registry-push", "registry-pull"])
        );
        assert!(!lead[0].fix.is_empty());
        assert_eq!(lead[1].cause.as_deref(), Some("package-access-not-granted"));
        assert!(leading(&findings[..1]).is_empty());
    }
}
