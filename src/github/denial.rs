//! The final cause of a registry denial, from both sides: what the registry answered and
//! what GitHub said about the token, the repository and the package.

use super::assess::GithubFacts;
use super::scopes::{READ_PACKAGES, WRITE_PACKAGES};
use crate::catalog::CauseId;
use crate::token::TokenKind;

/// What the registry denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Pull,
    Push,
}

/// The one cause id that explains a registry denial, or `None` when GitHub's side adds
/// nothing certain (the registry's own cause stands).
///
/// `registry` is the registry's answer: its error message (`permission_denied:
/// write_package`, `installation not allowed to Write organization package`), or its code,
/// in any case. Token problems come first, because they break every operation: an invalid
/// or expired token, a fine-grained token, missing SSO authorisation, a missing scope. Then
/// the registry's wording picks between the job's token permissions and the package's
/// access list.
pub fn combine_denial(
    operation: Operation,
    registry: &str,
    facts: &GithubFacts,
) -> Option<CauseId> {
    let message = registry.to_ascii_lowercase();
    if facts.expired {
        return Some(CauseId::TokenExpired);
    }
    if facts.token_accepted == Some(false) {
        return Some(CauseId::TokenInvalid);
    }
    if facts.fine_grained || facts.kind == TokenKind::FineGrainedPat {
        return Some(CauseId::TokenFineGrainedUnsupported);
    }
    if facts.sso_required {
        return Some(CauseId::SsoNotAuthorized);
    }
    let needed = match operation {
        Operation::Push => WRITE_PACKAGES,
        Operation::Pull => READ_PACKAGES,
    };
    if let Some(scopes) = &facts.scopes
        && !facts.installation
        && !scopes.grants(needed)
    {
        return Some(CauseId::TokenMissingScope);
    }
    let installation = facts.installation || facts.kind == TokenKind::Installation;
    if message.contains("installation not allowed to write") && installation {
        return Some(CauseId::WorkflowMissingPackagesWrite);
    }
    if message.contains("installation not allowed to read") && installation {
        return Some(CauseId::PackageAccessNotGranted);
    }
    if message.contains("write_package") {
        return Some(CauseId::PackageAccessNotGranted);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::Scopes;

    fn facts(kind: TokenKind) -> GithubFacts {
        GithubFacts {
            consulted: true,
            token_accepted: Some(true),
            ..GithubFacts::unconsulted("https://api.github.com", kind)
        }
    }

    fn classic(scopes: &str) -> GithubFacts {
        GithubFacts {
            scopes: Some(Scopes::parse(scopes)),
            ..facts(TokenKind::ClassicPat)
        }
    }

    const SCOPES_MSG: &str =
        "denied: permission_denied: The token provided does not match expected scopes.";
    const WRITE_PACKAGE: &str = "denied: permission_denied: write_package";
    const INSTALLATION_WRITE: &str =
        "DENIED: installation not allowed to Write organization package";
    const INSTALLATION_READ: &str = "installation not allowed to Read organization package";

    #[test]
    fn table() {
        use Operation::{Pull, Push};
        let expired = GithubFacts {
            expired: true,
            ..classic("write:packages")
        };
        let rejected = GithubFacts {
            token_accepted: Some(false),
            ..classic("write:packages")
        };
        let sso = GithubFacts {
            sso_required: true,
            ..classic("write:packages")
        };
        let fine_by_header = GithubFacts {
            fine_grained: true,
            ..facts(TokenKind::LegacyHex)
        };
        let cases: Vec<(&str, Operation, &str, GithubFacts, Option<CauseId>)> = vec![
            (
                "push, no write:packages",
                Push,
                SCOPES_MSG,
                classic("repo, read:packages"),
                Some(CauseId::TokenMissingScope),
            ),
            (
                "any denial, no write:packages",
                Push,
                WRITE_PACKAGE,
                classic("repo"),
                Some(CauseId::TokenMissingScope),
            ),
            (
                "pull, no read:packages",
                Pull,
                "denied",
                classic("repo"),
                Some(CauseId::TokenMissingScope),
            ),
            (
                "pull, write implies read",
                Pull,
                WRITE_PACKAGE,
                classic("write:packages"),
                Some(CauseId::PackageAccessNotGranted),
            ),
            (
                "push with the scope, write_package",
                Push,
                WRITE_PACKAGE,
                classic("write:packages"),
                Some(CauseId::PackageAccessNotGranted),
            ),
            (
                "push with the scope, unclear message",
                Push,
                "denied",
                classic("write:packages"),
                None,
            ),
            (
                "installation, not allowed to write",
                Push,
                INSTALLATION_WRITE,
                facts(TokenKind::Installation),
                Some(CauseId::WorkflowMissingPackagesWrite),
            ),
            (
                "installation, not allowed to read",
                Pull,
                INSTALLATION_READ,
                facts(TokenKind::Installation),
                Some(CauseId::PackageAccessNotGranted),
            ),
            (
                "installation, write_package",
                Push,
                WRITE_PACKAGE,
                facts(TokenKind::Installation),
                Some(CauseId::PackageAccessNotGranted),
            ),
            (
                "installation message but a classic token",
                Push,
                INSTALLATION_WRITE,
                classic("write:packages"),
                None,
            ),
            (
                "fine-grained by prefix",
                Push,
                SCOPES_MSG,
                facts(TokenKind::FineGrainedPat),
                Some(CauseId::TokenFineGrainedUnsupported),
            ),
            (
                "fine-grained by missing header",
                Push,
                SCOPES_MSG,
                fine_by_header,
                Some(CauseId::TokenFineGrainedUnsupported),
            ),
            (
                "expired wins",
                Push,
                WRITE_PACKAGE,
                expired,
                Some(CauseId::TokenExpired),
            ),
            (
                "rejected wins",
                Push,
                WRITE_PACKAGE,
                rejected,
                Some(CauseId::TokenInvalid),
            ),
            ("sso", Push, "denied", sso, Some(CauseId::SsoNotAuthorized)),
            (
                "nothing known",
                Push,
                "denied",
                facts(TokenKind::Unknown),
                None,
            ),
        ];
        for (name, op, message, facts, want) in cases {
            assert_eq!(combine_denial(op, message, &facts), want, "{name}");
        }
    }
}
