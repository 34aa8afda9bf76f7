//! The cause of a refused login, pull or push: the one decider.
//!
//! Probes return typed facts: a [`Denial`] (the operation, the registry's status, error body
//! and challenge, the token's kind and the credential's origin), and GitHub's API side
//! returns [`GithubFacts`]. [`decide`] turns them into the final cause; `check` builds the
//! finding from the [`Decision`] and the `diagnosis` findings from the final causes.
//!
//! The registry side is one table, read top to bottom, first match wins.
//!
//! ghcr.io explains a denial in its message (`permission_denied: write_package`); distribution
//! answers a missing right with `401` and `error="insufficient_scope"` and no text. Both are
//! mapped here, together with the token kind, because the same denial has a different fix for
//! a classic token (add the scope) than for GITHUB_TOKEN (add `packages: write`).
//!
//! The registry's message is classified by [`explain::classify`] with the token kind, host
//! and credential origin as hints, so a cause reads the same in `check` and `explain`; the
//! status, code and `insufficient_scope` rules below it stay here.

use crate::catalog::CauseId;
use crate::explain::{self, Hints};
use crate::github::GithubFacts;
use crate::github::scopes::{READ_PACKAGES, WRITE_PACKAGES};
use crate::registry::Refusal;
use crate::registry::envelope::{Envelope, ErrorCode};
use crate::token::TokenKind;

/// Generic wordings registries attach to any refusal (distribution's defaults for its
/// codes, ghcr.io's bare `denied`); they say nothing the status and code do not, so the
/// status rules judge them with the token kind and the credential's origin.
const GENERIC: [&str; 8] = [
    "authentication required",
    "access to the requested resource is not authorized",
    "requested access to the resource is denied",
    "denied",
    "manifest unknown",
    "blob unknown to registry",
    "repository name not known to registry",
    "unauthorized",
];

/// Which step got the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// The token exchange (or the Basic-auth `/v2/` request).
    Login,
    /// `HEAD`/`GET` of a manifest or blob.
    Pull,
    /// `POST` of an upload session.
    Push,
}

/// A refusal, as typed facts: everything the decision looks at on the registry's side.
#[derive(Debug, Clone, PartialEq)]
pub struct Denial {
    pub operation: Operation,
    /// True when the run pushes: a refused login is judged for the push it was for.
    pub for_push: bool,
    pub status: u16,
    pub envelope: Option<Envelope>,
    /// `error=` of the Bearer challenge (`insufficient_scope`, `invalid_token`).
    pub bearer_error: Option<String>,
    /// The registry's answer in its own words (error messages, else the body's start).
    pub answer: String,
    /// The credential's kind; `None` when the request was anonymous.
    pub token_kind: Option<TokenKind>,
    /// Where the credential came from (`env:GHCR_TOKEN`, `docker-config:auths`, ...).
    pub credential_source: Option<String>,
    /// True for GitHub's registries (ghcr.io).
    pub github: bool,
    /// The registry's host as the user wrote it (`ghcr.io`), for the fix steps.
    pub registry: String,
}

/// The final cause, and how the two sides reached it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub cause: CauseId,
    /// What the registry's answer alone names.
    pub registry_cause: CauseId,
    /// What GitHub's facts name, when they name something certain.
    pub github_cause: Option<CauseId>,
}

impl Denial {
    /// The facts of registry refusal `r` of `operation`.
    pub fn of(operation: Operation, r: &Refusal) -> Denial {
        Denial {
            operation,
            for_push: operation == Operation::Push,
            status: r.status,
            envelope: r.envelope.clone(),
            bearer_error: r.bearer_error().map(str::to_owned),
            answer: r.message(),
            token_kind: None,
            credential_source: None,
            github: false,
            registry: url::Url::parse(&r.url)
                .ok()
                .and_then(|u| {
                    u.host_str().map(|h| {
                        u.port()
                            .map_or_else(|| h.to_owned(), |p| format!("{h}:{p}"))
                    })
                })
                .unwrap_or_default(),
        }
    }

    /// The fix steps for `cause`, naming where the refused credential came from: a docker
    /// or podman configuration (`docker logout HOST`, and the helper that holds it), the gh
    /// CLI's OAuth token (one `gh auth refresh`), or an environment variable (and, in
    /// Actions, the secret that sets it). Causes that are not about the credential keep the
    /// catalog's steps.
    pub fn fix(&self, cause: CauseId) -> Vec<String> {
        use CauseId as C;
        let about_the_credential = matches!(
            cause,
            C::StaleCredentials
                | C::TokenInvalid
                | C::TokenExpired
                | C::TokenMissingScope
                | C::TokenFineGrainedUnsupported
                | C::TokenMalformed
                | C::SecretWhitespace
                | C::SsoNotAuthorized
                | C::RegistryUnauthorized
        );
        let catalog = cause.fix();
        let Some(source) = self.credential_source.as_deref() else {
            return catalog;
        };
        if !about_the_credential {
            return catalog;
        }
        let registry = self.registry.as_str();
        if cause == C::TokenMissingScope && self.token_kind == Some(TokenKind::Oauth) {
            return crate::tl!("check.source-fix.gh-refresh", registry = registry);
        }
        let own = if source.starts_with("docker-config") {
            crate::tl!(
                "check.source-fix.docker-logout",
                source = source,
                registry = registry
            )
        } else if let Some(helper) = source.strip_prefix("helper:") {
            crate::tl!(
                "check.source-fix.helper-logout",
                helper = helper,
                registry = registry
            )
        } else if source.starts_with("podman") {
            crate::tl!("check.source-fix.podman-logout", registry = registry)
        } else if let Some(name) = source.strip_prefix("env:") {
            crate::tl!("check.source-fix.env", name = name)
        } else {
            return catalog;
        };
        if cause == C::StaleCredentials {
            // The catalog's steps say the same without the source.
            return own;
        }
        own.into_iter().chain(catalog).collect()
    }
}

/// The one cause of a refusal. GitHub's facts, when GitHub was consulted, name token
/// problems first (they break every operation) and then pick between the job's token
/// permissions and the package's access list; otherwise the registry's answer decides.
pub fn decide(denial: &Denial, github: Option<&GithubFacts>) -> Decision {
    let registry_cause = registry_cause(denial);
    let github_cause = github
        .filter(|f| f.consulted)
        .and_then(|f| github_cause(denial, f));
    Decision {
        cause: github_cause.unwrap_or(registry_cause),
        registry_cause,
        github_cause,
    }
}

impl Denial {
    fn envelope(&self) -> Option<&Envelope> {
        self.envelope.as_ref()
    }

    fn message(&self) -> String {
        self.envelope()
            .map(|e| {
                e.errors
                    .iter()
                    .map(|x| x.message.to_ascii_lowercase())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }

    /// The cause [`explain::classify`] names for the registry's message, unless the message
    /// is only a generic wording.
    fn classified(&self) -> Option<CauseId> {
        let envelope = self.envelope()?;
        let specific: Vec<String> = envelope
            .errors
            .iter()
            .filter(|e| {
                let m = e.message.trim().to_ascii_lowercase();
                !m.is_empty() && !GENERIC.contains(&m.as_str())
            })
            .map(|e| e.display())
            .collect();
        if specific.is_empty() {
            return None;
        }
        let hints = Hints {
            token_kind: self.token_kind,
            host: self.github.then(|| "ghcr.io".to_owned()),
            stored_credentials: self.stored_in_config(),
            signals: Vec::new(),
        };
        let c = explain::classify(&specific.join("\n"), &hints)?;
        CauseId::from_id(&c.cause)
    }

    fn has_code(&self, code: ErrorCode) -> bool {
        self.envelope().is_some_and(|e| e.has(&code))
    }

    fn anonymous(&self) -> bool {
        self.token_kind.is_none()
    }

    fn kind(&self) -> TokenKind {
        self.token_kind.unwrap_or(TokenKind::Unknown)
    }

    fn stored_in_config(&self) -> bool {
        self.credential_source.as_deref().is_some_and(|s| {
            s.starts_with("docker-config") || s.starts_with("podman") || s.starts_with("helper")
        })
    }

    fn refused(&self) -> bool {
        self.status == 403
            || (self.status == 401 && self.bearer_error.as_deref() == Some("insufficient_scope"))
    }
}

struct Rule {
    /// Why the rule exists (shown in test failures).
    name: &'static str,
    when: fn(&Denial, &str) -> bool,
    cause: fn(&Denial) -> CauseId,
}

/// The table. Message rules come first: the registry's own words are the best evidence.
const RULES: &[Rule] = &[
    Rule {
        name: "the registry's own words, classified as `explain` classifies them",
        when: |a, _| a.classified().is_some(),
        cause: |a| a.classified().unwrap_or(CauseId::RegistryDenied),
    },
    Rule {
        name: "rate limit",
        when: |a, _| a.status == 429 || a.has_code(ErrorCode::Toomanyrequests),
        cause: |_| CauseId::RateLimited,
    },
    Rule {
        name: "ghcr refuses fine-grained tokens",
        when: |a, _| {
            a.github && a.kind() == TokenKind::FineGrainedPat && matches!(a.status, 401 | 403)
        },
        cause: |_| CauseId::TokenFineGrainedUnsupported,
    },
    Rule {
        name: "login refused",
        when: |a, _| a.operation == Operation::Login && matches!(a.status, 401 | 403),
        cause: |a| {
            if a.anonymous() {
                CauseId::RegistryUnauthorized
            } else if a.github && a.stored_in_config() {
                CauseId::StaleCredentials
            } else if a.github {
                CauseId::TokenInvalid
            } else {
                CauseId::RegistryUnauthorized
            }
        },
    },
    Rule {
        name: "ghcr's bare `denied: denied`: stale or invalid credentials",
        when: |a, m| a.github && !a.anonymous() && a.status == 403 && m.trim() == "denied",
        cause: |a| {
            if a.stored_in_config() {
                CauseId::StaleCredentials
            } else {
                CauseId::TokenInvalid
            }
        },
    },
    Rule {
        name: "nothing under this name",
        when: |a, _| {
            a.status == 404
                || a.has_code(ErrorCode::ManifestUnknown)
                || a.has_code(ErrorCode::NameUnknown)
                || a.has_code(ErrorCode::BlobUnknown)
        },
        cause: |_| CauseId::ImageNotFound,
    },
    Rule {
        name: "anonymous and refused",
        when: |a, _| a.anonymous() && matches!(a.status, 401 | 403),
        cause: |_| CauseId::RegistryUnauthorized,
    },
    Rule {
        name: "signed in but not allowed, by token kind",
        when: |a, _| a.refused(),
        cause: |a| {
            if !a.github {
                return CauseId::RegistryDenied;
            }
            match (a.kind(), a.operation) {
                (TokenKind::ClassicPat | TokenKind::Oauth | TokenKind::LegacyHex, _) => {
                    CauseId::TokenMissingScope
                }
                (TokenKind::Installation, Operation::Push) => CauseId::WorkflowMissingPackagesWrite,
                (TokenKind::Installation, _) => CauseId::PackageAccessNotGranted,
                _ => CauseId::RegistryDenied,
            }
        },
    },
    Rule {
        name: "a failing registry",
        when: |a, _| (500..=599).contains(&a.status),
        cause: |_| CauseId::RegistryUnavailable,
    },
    Rule {
        name: "the bearer token was not accepted",
        when: |a, _| a.status == 401,
        cause: |a| {
            if a.github {
                CauseId::TokenInvalid
            } else {
                CauseId::RegistryUnauthorized
            }
        },
    },
];

/// The cause the registry's answer alone names. The last rules name what no other rule
/// does: a 5xx is a failing registry, anything else an answer the tool cannot use.
fn registry_cause(answer: &Denial) -> CauseId {
    let message = answer.message();
    RULES
        .iter()
        .find(|r| (r.when)(answer, &message))
        .map_or(CauseId::RegistryAnswerInvalid, |r| {
            tracing::debug!(rule = r.name, "denial rule");
            (r.cause)(answer)
        })
}

/// The cause GitHub's facts name for a denial, or `None` when they add nothing certain (the
/// registry's own cause stands).
///
/// The registry's answer is read too: its error message (`permission_denied:
/// write_package`, `installation not allowed to Write organization package`), or its code,
/// in any case. Token problems come first, because they break every operation: an invalid
/// or expired token, a fine-grained token, missing SSO authorisation, a missing scope. Then
/// the registry's wording picks between the job's token permissions and the package's
/// access list.
fn github_cause(denial: &Denial, facts: &GithubFacts) -> Option<CauseId> {
    let message = denial.answer.to_ascii_lowercase();
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
    // A refused login is judged for the operation the run asks for.
    let push = match denial.operation {
        Operation::Push => true,
        Operation::Pull => false,
        Operation::Login => denial.for_push,
    };
    let needed = if push { WRITE_PACKAGES } else { READ_PACKAGES };
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

    fn env(code: &str, message: &str) -> Envelope {
        Envelope::parse(
            serde_json::json!({"errors": [{"code": code, "message": message}]})
                .to_string()
                .as_bytes(),
        )
        .expect("envelope")
    }

    #[test]
    fn table() {
        use Operation::*;
        use TokenKind::*;
        let scopes = env(
            "DENIED",
            "permission_denied: The token provided does not match expected scopes.",
        );
        let install = env(
            "DENIED",
            "installation not allowed to Write organization package",
        );
        let install_read = env(
            "DENIED",
            "installation not allowed to Read organization package",
        );
        let write_pkg = env("DENIED", "permission_denied: write_package");
        let create_pkg = env("DENIED", "permission_denied: create_package");
        let unauthenticated = env(
            "UNAUTHORIZED",
            "unauthenticated: User cannot be authenticated with the token provided.",
        );
        let denied = env("DENIED", "denied");
        let auth_required = env("UNAUTHORIZED", "authentication required");
        let unknown = env("MANIFEST_UNKNOWN", "manifest unknown");
        let many = env("TOOMANYREQUESTS", "slow down");
        // Wordings only the explain catalog knew before the delegation.
        let hub_sso = env(
            "UNAUTHORIZED",
            "please use personal access token to login when SSO is enforced",
        );
        let ecr_expired = env(
            "DENIED",
            "Your authorization token has expired. Reauthenticate and try again.",
        );
        let create_install = env(
            "DENIED",
            "installation not allowed to Create organization package",
        );
        /// operation, status, envelope, bearer error, token kind, source, github, cause.
        type Case<'a> = (
            Operation,
            u16,
            Option<&'a Envelope>,
            Option<&'a str>,
            Option<TokenKind>,
            Option<&'a str>,
            bool,
            Option<CauseId>,
        );
        #[rustfmt::skip]
        let cases: Vec<Case<'_>> = vec![
            (Push, 403, Some(&scopes), None, Some(ClassicPat), None, true, Some(CauseId::TokenMissingScope)),
            (Push, 403, Some(&scopes), None, Some(FineGrainedPat), None, true, Some(CauseId::TokenFineGrainedUnsupported)),
            (Push, 403, Some(&install), None, Some(Installation), None, true, Some(CauseId::WorkflowMissingPackagesWrite)),
            (Pull, 403, Some(&install_read), None, Some(Installation), None, true, Some(CauseId::PackageAccessNotGranted)),
            (Push, 403, Some(&write_pkg), None, Some(Installation), None, true, Some(CauseId::PackageAccessNotGranted)),
            (Push, 403, Some(&write_pkg), None, Some(ClassicPat), None, true, Some(CauseId::PackageAccessNotGranted)),
            (Push, 403, Some(&create_pkg), None, Some(ClassicPat), None, true, Some(CauseId::NamespaceMismatch)),
            (Login, 401, Some(&unauthenticated), None, Some(ClassicPat), None, true, Some(CauseId::TokenInvalid)),
            (Login, 401, Some(&auth_required), None, Some(Unknown), None, false, Some(CauseId::RegistryUnauthorized)),
            (Login, 403, Some(&denied), None, Some(ClassicPat), Some("env:GHCR_TOKEN"), true, Some(CauseId::TokenInvalid)),
            (Login, 403, Some(&denied), None, Some(ClassicPat), Some("docker-config:auths"), true, Some(CauseId::StaleCredentials)),
            (Pull, 403, Some(&denied), None, Some(ClassicPat), Some("docker-config:auths"), true, Some(CauseId::StaleCredentials)),
            (Pull, 403, Some(&denied), None, Some(ClassicPat), Some("env:GHCR_TOKEN"), true, Some(CauseId::TokenInvalid)),
            (Push, 403, None, None, Some(FineGrainedPat), None, true, Some(CauseId::TokenFineGrainedUnsupported)),
            // distribution: a pull-only token pushing.
            (Push, 401, Some(&auth_required), Some("insufficient_scope"), Some(Unknown), None, false, Some(CauseId::RegistryDenied)),
            (Push, 401, Some(&auth_required), Some("insufficient_scope"), Some(ClassicPat), None, true, Some(CauseId::TokenMissingScope)),
            (Push, 401, Some(&auth_required), Some("insufficient_scope"), Some(Installation), None, true, Some(CauseId::WorkflowMissingPackagesWrite)),
            (Pull, 401, Some(&auth_required), Some("insufficient_scope"), Some(Installation), None, true, Some(CauseId::PackageAccessNotGranted)),
            (Pull, 401, Some(&auth_required), Some("insufficient_scope"), None, None, false, Some(CauseId::RegistryUnauthorized)),
            (Pull, 401, Some(&auth_required), None, None, None, true, Some(CauseId::RegistryUnauthorized)),
            (Pull, 401, Some(&auth_required), Some("invalid_token"), Some(ClassicPat), None, true, Some(CauseId::TokenInvalid)),
            (Pull, 404, Some(&unknown), None, Some(ClassicPat), None, true, Some(CauseId::ImageNotFound)),
            (Pull, 429, Some(&many), None, None, None, false, Some(CauseId::RateLimited)),
            (Push, 403, None, None, Some(Unknown), None, false, Some(CauseId::RegistryDenied)),
            (Push, 500, None, None, Some(ClassicPat), None, true, Some(CauseId::RegistryUnavailable)),
            (Push, 418, None, None, Some(ClassicPat), None, true, Some(CauseId::RegistryAnswerInvalid)),
            (Login, 401, Some(&hub_sso), None, Some(Unknown), None, false, Some(CauseId::SsoNotAuthorized)),
            (Pull, 403, Some(&ecr_expired), None, Some(Unknown), None, false, Some(CauseId::TokenExpired)),
            (Push, 403, Some(&create_install), None, Some(Installation), None, true, Some(CauseId::PackageCreationRestricted)),
        ];
        for (
            i,
            (
                operation,
                status,
                envelope,
                bearer_error,
                token_kind,
                credential_source,
                github,
                want,
            ),
        ) in cases.into_iter().enumerate()
        {
            let answer = Denial {
                operation,
                for_push: operation == Push,
                status,
                envelope: envelope.cloned(),
                bearer_error: bearer_error.map(str::to_owned),
                answer: String::new(),
                token_kind,
                credential_source: credential_source.map(str::to_owned),
                github,
                registry: "ghcr.io".into(),
            };
            assert_eq!(Some(registry_cause(&answer)), want, "case {i}: {answer:?}");
        }
    }
}

#[cfg(test)]
mod github_tests {
    use super::*;
    use crate::github::Scopes;

    fn denial(operation: Operation, answer: &str) -> Denial {
        Denial {
            operation,
            for_push: operation == Operation::Push,
            status: 403,
            envelope: None,
            bearer_error: None,
            answer: answer.to_owned(),
            token_kind: None,
            credential_source: None,
            github: true,
            registry: "ghcr.io".into(),
        }
    }

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
            assert_eq!(github_cause(&denial(op, message), &facts), want, "{name}");
        }
    }
}

#[cfg(test)]
mod fix_tests {
    use super::*;

    fn refused(source: Option<&str>, kind: TokenKind) -> Denial {
        Denial {
            operation: Operation::Push,
            for_push: true,
            status: 403,
            envelope: None,
            bearer_error: None,
            answer: "denied".into(),
            token_kind: Some(kind),
            credential_source: source.map(str::to_owned),
            github: true,
            registry: "ghcr.io".into(),
        }
    }

    #[test]
    fn the_fix_names_the_credentials_source() {
        let docker = refused(Some("docker-config:auths"), TokenKind::ClassicPat);
        let fix = docker.fix(CauseId::StaleCredentials);
        assert_eq!(fix.len(), 1, "{fix:?}");
        assert!(fix[0].contains("`docker logout ghcr.io`"), "{fix:?}");
        let helper = refused(Some("helper:desktop"), TokenKind::ClassicPat);
        let fix = helper.fix(CauseId::TokenInvalid);
        assert!(fix[0].contains("docker-credential-desktop"), "{fix:?}");
        assert!(fix[0].contains("`docker logout ghcr.io`"), "{fix:?}");
        let podman = refused(Some("podman:auth.json"), TokenKind::ClassicPat);
        assert!(podman.fix(CauseId::TokenExpired)[0].contains("`podman logout ghcr.io`"));
        let env = refused(Some("env:GHCR_TOKEN"), TokenKind::ClassicPat);
        let fix = env.fix(CauseId::TokenInvalid);
        assert!(fix[0].contains("`GHCR_TOKEN`") && fix[0].contains("secrets.GHCR_TOKEN"));
        assert!(fix.len() > 1, "the catalog's steps follow: {fix:?}");
        // The gh CLI's OAuth token: exactly one refresh command, for github.com.
        let gh = refused(Some("env:GH_TOKEN"), TokenKind::Oauth);
        let fix = gh.fix(CauseId::TokenMissingScope);
        let refreshes: Vec<&String> = fix
            .iter()
            .filter(|s| s.contains("gh auth refresh"))
            .collect();
        assert_eq!(refreshes.len(), 1, "{fix:?}");
        assert!(refreshes[0].contains("gh auth refresh -h github.com -s write:packages"));
        // Not about the credential: the catalog's steps.
        assert_eq!(
            docker.fix(CauseId::ImageNotFound),
            CauseId::ImageNotFound.fix()
        );
        assert_eq!(
            refused(None, TokenKind::ClassicPat).fix(CauseId::TokenInvalid),
            CauseId::TokenInvalid.fix()
        );
    }
}
