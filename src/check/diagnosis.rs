//! `diagnosis`: the final cause of a denied login, pull or push, from the registry's answer
//! and what GitHub said, and the finding that leads the report with it and its fix.

use super::{Probed, registry_login, registry_pull, registry_push};
use crate::denial;
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::github::GithubFacts;
use crate::t;

crate::finding::check_meta!(pub CHECK = "diagnosis", docs: "registry.md", messages: "check.diagnosis");
pub const ID: &str = CHECK.id;

/// The registry checks whose denial the diagnosis explains.
const DENIALS: [&str; 3] = [registry_login::ID, registry_pull::ID, registry_push::ID];

/// Gives a failed `registry-login`, `registry-pull` or `registry-push` its final cause, now
/// that GitHub's facts are known: [`denial::decide`] on the refusal's typed facts. When
/// GitHub names another cause, the registry's own stays in the evidence as
/// `registry_cause`; when both name the same, `github_agrees` says so.
pub fn settle(probed: &mut Probed, facts: &GithubFacts) {
    let Probed { finding: f, denial } = probed;
    if f.status != Status::Fail {
        return;
    }
    // Only answers the registry gave (a network failure has no typed refusal).
    let Some(d) = denial.as_ref() else {
        return;
    };
    let Some(github) = denial::decide(d, Some(facts)).github_cause else {
        return;
    };
    if f.cause == Some(github) {
        f.evidence.insert(Fact::github_agrees(true));
        return;
    }
    let registry_cause = f.cause.map(|c| c.to_string());
    f.evidence.insert(Fact::registry_cause(registry_cause));
    f.recause(github);
    f.fix = d.fix(github);
}

/// Merges the extra findings (the GitHub API side) into the registry's: a registry probe
/// that failed keeps its decided cause (its own words are the best
/// evidence), and lists in `related_causes` the causes the extra checks found for the same
/// image, so the reader sees both sides of one failure together.
pub fn relate(findings: &mut Vec<Finding>, extra: Vec<Finding>) {
    for f in findings.iter_mut() {
        if f.status != Status::Fail
            || !(f.check == registry_push::ID || f.check == registry_pull::ID)
        {
            continue;
        }
        let related: Vec<CauseId> = extra
            .iter()
            .filter(|e| e.status == Status::Fail && e.target == f.target)
            .filter_map(|e| e.cause)
            .filter(|c| Some(*c) != f.cause)
            .collect();
        if !related.is_empty() {
            f.evidence.insert(Fact::related_causes(
                related.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ));
        }
    }
    findings.extend(extra);
}

/// The leading findings: one per distinct final cause of the run's denials, in order of
/// first appearance, each naming its cause, the images and checks it explains, and the fix.
pub fn leading(findings: &[Finding]) -> Vec<Finding> {
    // cause → (images, checks, the first denial's fix steps, which name the credential's
    // source)
    type Group = (CauseId, Vec<String>, Vec<String>, Vec<String>);
    let mut groups: Vec<Group> = Vec::new();
    for f in findings {
        if f.status != Status::Fail || !DENIALS.contains(&f.check.as_str()) {
            continue;
        }
        let Some(cause) = f.cause else { continue };
        let i = match groups.iter().position(|(c, ..)| *c == cause) {
            Some(i) => i,
            None => {
                groups.push((cause, Vec::new(), Vec::new(), f.fix.clone()));
                groups.len() - 1
            }
        };
        let (_, images, checks, _) = &mut groups[i];
        if !images.contains(&f.target) {
            images.push(f.target.clone());
        }
        if !checks.contains(&f.check) {
            checks.push(f.check.clone());
        }
    }
    groups
        .into_iter()
        .map(|(cause, images, checks, fix)| {
            let title = cause.title().to_owned();
            let message = t!(
                "check.diagnosis.message",
                title = title,
                checks = checks.join(", "),
                images = images.join(", ")
            );
            let mut f = Finding::new(&CHECK, Outcome::Fail(cause), images.join(", "), message)
                .with_evidence(Fact::images(images))
                .with_evidence(Fact::checks(checks));
            if !fix.is_empty() {
                f.fix = fix;
            }
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denial::{Denial, Operation};
    use crate::finding::Outcome;
    use crate::github::Scopes;
    use crate::token::TokenKind;
    use serde_json::json;

    fn facts(kind: TokenKind, scopes: Option<&str>) -> GithubFacts {
        GithubFacts {
            consulted: true,
            token_accepted: Some(true),
            scopes: scopes.map(Scopes::parse),
            ..GithubFacts::unconsulted("https://api.github.com", kind)
        }
    }

    fn refused(operation: Operation, for_push: bool, answer: &str) -> Denial {
        Denial {
            operation,
            for_push,
            status: 403,
            envelope: None,
            bearer_error: None,
            answer: answer.to_owned(),
            token_kind: Some(TokenKind::ClassicPat),
            credential_source: None,
            github: true,
            registry: "ghcr.io".into(),
        }
    }

    fn push_denied(target: &str, answer: &str, cause: CauseId) -> Probed {
        Probed::refused(
            Finding::new(
                &registry_push::CHECK,
                Outcome::Fail(cause),
                target,
                "may not push",
            )
            .with_evidence(Fact::answer(answer)),
            refused(Operation::Push, true, answer),
        )
    }

    #[test]
    fn github_facts_replace_the_registry_cause_and_keep_it_as_evidence() {
        let mut p = push_denied("ghcr.io/o/a", "DENIED: denied", CauseId::TokenInvalid);
        let sso = GithubFacts {
            sso_required: true,
            ..facts(TokenKind::ClassicPat, Some("write:packages"))
        };
        settle(&mut p, &sso);
        let f = p.finding;
        assert_eq!(f.cause, Some(CauseId::SsoNotAuthorized));
        assert_eq!(
            f.evidence.json(crate::evidence::Key::RegistryCause),
            "token-invalid"
        );
        let want = CauseId::SsoNotAuthorized.fix();
        assert_eq!(f.fix, want);
    }

    #[test]
    fn nothing_changes_without_facts_or_without_a_registry_answer() {
        let mut p = push_denied("ghcr.io/o/a", "DENIED: denied", CauseId::TokenInvalid);
        let mut not_asked = facts(TokenKind::ClassicPat, Some("repo"));
        not_asked.consulted = false;
        settle(&mut p, &not_asked);
        assert_eq!(p.finding.cause, Some(CauseId::TokenInvalid));
        let mut network = Probed::from(Finding::new(
            &registry_push::CHECK,
            Outcome::Fail(CauseId::NetworkRefused),
            "x",
            "m",
        ));
        settle(&mut network, &facts(TokenKind::ClassicPat, Some("repo")));
        assert_eq!(network.finding.cause, Some(CauseId::NetworkRefused));
        assert!(
            !network
                .finding
                .evidence
                .contains(crate::evidence::Key::RegistryCause)
        );
    }

    #[test]
    fn a_login_is_judged_for_the_runs_operation() {
        let login = |for_push| {
            Probed::refused(
                Finding::new(
                    &registry_login::CHECK,
                    Outcome::Fail(CauseId::TokenInvalid),
                    "ghcr.io/o/a",
                    "refused",
                ),
                refused(Operation::Login, for_push, "denied"),
            )
        };
        let read_only = facts(TokenKind::ClassicPat, Some("read:packages"));
        let mut push = login(true);
        settle(&mut push, &read_only);
        assert_eq!(push.finding.cause, Some(CauseId::TokenMissingScope));
        let mut pull = login(false);
        settle(&mut pull, &read_only);
        assert_eq!(pull.finding.cause, Some(CauseId::TokenInvalid));
    }

    #[test]
    fn one_leading_finding_per_distinct_cause() {
        let findings = vec![
            Finding::new(&registry_push::CHECK, Outcome::Pass, "ghcr.io/o/ok", "fine"),
            push_denied("ghcr.io/o/a", "x", CauseId::TokenMissingScope).finding,
            push_denied("ghcr.io/o/b", "x", CauseId::TokenMissingScope).finding,
            Finding::new(
                &registry_pull::CHECK,
                Outcome::Fail(CauseId::TokenMissingScope),
                "ghcr.io/o/a",
                "no",
            ),
            push_denied("ghcr.io/o/c", "x", CauseId::PackageAccessNotGranted).finding,
            Finding::new(
                &crate::github::judge::github_token_scopes::CHECK,
                Outcome::Fail(CauseId::TokenMissingScope),
                "env:T",
                "no",
            ),
        ];
        let lead = leading(&findings);
        assert_eq!(lead.len(), 2, "{lead:#?}");
        assert_eq!(lead[0].cause, Some(CauseId::TokenMissingScope));
        assert_eq!(
            lead[0].evidence.json(crate::evidence::Key::Images),
            json!(["ghcr.io/o/a", "ghcr.io/o/b"])
        );
        assert_eq!(
            lead[0].evidence.json(crate::evidence::Key::Checks),
            json!(["registry-push", "registry-pull"])
        );
        assert!(!lead[0].fix.is_empty());
        assert_eq!(lead[1].cause, Some(CauseId::PackageAccessNotGranted));
        assert!(leading(&findings[..1]).is_empty());
    }

    #[test]
    fn relate_lists_related_causes_on_the_failed_probe() {
        let mut findings = vec![
            Finding::new(
                &registry_push::CHECK,
                Outcome::Fail(CauseId::TokenMissingScope),
                "ghcr.io/o/a",
                "x",
            ),
            Finding::new(
                &registry_push::CHECK,
                Outcome::Fail(CauseId::TokenMissingScope),
                "ghcr.io/o/b",
                "x",
            ),
        ];
        let extra = vec![
            Finding::new(
                &crate::github::judge::github_token_scopes::CHECK,
                Outcome::Fail(CauseId::SsoNotAuthorized),
                "ghcr.io/o/a",
                "y",
            ),
            Finding::new(
                &crate::github::judge::github_token_scopes::CHECK,
                Outcome::Pass,
                "ghcr.io/o/b",
                "y",
            ),
        ];
        relate(&mut findings, extra);
        assert_eq!(findings.len(), 4);
        assert_eq!(
            findings[0]
                .evidence
                .json(crate::evidence::Key::RelatedCauses),
            json!([CauseId::SsoNotAuthorized])
        );
        assert!(
            !findings[1]
                .evidence
                .contains(crate::evidence::Key::RelatedCauses)
        );
    }
}
