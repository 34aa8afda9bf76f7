//! `token-ghcr-verdict`: what a token of this kind means for the registry it is meant for
//! (a fine-grained token on ghcr.io, a refresh token anywhere, a GitHub token elsewhere).

use super::kind_name;
use super::{Format, Inspection, TokenKind, is_github_registry};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::{t, tl};

crate::finding::check_meta!(pub CHECK = "token-ghcr-verdict", docs: "token.md", messages: "token.verdict");

/// What a token of this kind means for the registry it is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `github_pat_`: ghcr.io denies every package operation.
    FineGrainedUnsupported,
    /// `ghr_`: cannot authenticate at all.
    RefreshUnusable,
    /// `ghs_`: works in Actions with `packages: write`.
    InstallationInActions,
    /// `ghp_`/`gho_`: works when it has the package scopes (`check` verifies them).
    NeedsPackageScopes,
    /// `ghu_`: not documented for ghcr.io.
    UserToServerUndocumented,
    /// 40 hex characters: the pre-2021 format.
    LegacyFormat,
    /// Not a GitHub token, for a GitHub registry.
    NotGithub,
    /// Not a GitHub token, for another registry: expected.
    OtherRegistryPassword,
    /// A GitHub token for a registry that is not GitHub's.
    GithubTokenElsewhere,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::FineGrainedUnsupported => "fine-grained-unsupported",
            Verdict::RefreshUnusable => "refresh-unusable",
            Verdict::InstallationInActions => "installation-in-actions",
            Verdict::NeedsPackageScopes => "needs-package-scopes",
            Verdict::UserToServerUndocumented => "user-to-server-undocumented",
            Verdict::LegacyFormat => "legacy-format",
            Verdict::NotGithub => "not-github",
            Verdict::OtherRegistryPassword => "other-registry-password",
            Verdict::GithubTokenElsewhere => "github-token-elsewhere",
        }
    }

    /// The status of the verdict's finding.
    pub fn status(self) -> Status {
        match self {
            Verdict::FineGrainedUnsupported | Verdict::RefreshUnusable => Status::Fail,
            Verdict::InstallationInActions
            | Verdict::NeedsPackageScopes
            | Verdict::OtherRegistryPassword => Status::Pass,
            Verdict::UserToServerUndocumented | Verdict::LegacyFormat | Verdict::NotGithub => {
                Status::Warn
            }
            Verdict::GithubTokenElsewhere => Status::Info,
        }
    }
}

impl Inspection {
    /// The verdict for `registry`; `None` for an empty token.
    pub fn verdict(&self, registry: &str) -> Option<Verdict> {
        if self.empty {
            return None;
        }
        let github = is_github_registry(registry);
        Some(match (self.kind, github) {
            (TokenKind::Unknown, true) => Verdict::NotGithub,
            (TokenKind::Unknown, false) => Verdict::OtherRegistryPassword,
            (_, false) => Verdict::GithubTokenElsewhere,
            (TokenKind::FineGrainedPat, true) => Verdict::FineGrainedUnsupported,
            (TokenKind::Refresh, true) => Verdict::RefreshUnusable,
            (TokenKind::Installation, true) => Verdict::InstallationInActions,
            (TokenKind::ClassicPat | TokenKind::Oauth, true) => Verdict::NeedsPackageScopes,
            (TokenKind::UserToServer, true) => Verdict::UserToServerUndocumented,
            (TokenKind::LegacyHex, true) => Verdict::LegacyFormat,
        })
    }
}

pub(super) fn verdict(insp: &Inspection, target: &str, registry: &str) -> Option<Finding> {
    let verdict = insp.verdict(registry)?;
    let status = verdict.status();
    let malformed = matches!(insp.format, Format::Invalid(_));
    // A malformed token is not usable whatever its kind promises; `token-format` already
    // failed, so the verdict says it was not judged instead of passing.
    if malformed && status == Status::Pass {
        return Some(
            Finding::new(
                &CHECK,
                Outcome::Skip,
                target,
                t!("token.verdict.not-judged", registry = registry),
            )
            .with_evidence(Fact::kind(insp.kind.as_str())),
        );
    }
    let kind = kind_name(insp.kind);
    let message = match verdict {
        Verdict::FineGrainedUnsupported => t!("token.verdict.fine-grained-unsupported"),
        Verdict::RefreshUnusable => t!("token.verdict.refresh-unusable"),
        Verdict::InstallationInActions => t!("token.verdict.installation-in-actions"),
        Verdict::NeedsPackageScopes if insp.kind == TokenKind::Oauth => {
            t!("token.verdict.oauth-needs-package-scopes")
        }
        Verdict::NeedsPackageScopes => t!("token.verdict.needs-package-scopes"),
        Verdict::UserToServerUndocumented => t!("token.verdict.user-to-server-undocumented"),
        Verdict::LegacyFormat => t!("token.verdict.legacy-format"),
        Verdict::NotGithub => t!("token.verdict.not-github", registry = registry),
        Verdict::OtherRegistryPassword => {
            t!("token.verdict.other-registry-password", registry = registry)
        }
        Verdict::GithubTokenElsewhere => {
            t!(
                "token.verdict.github-token-elsewhere",
                kind = kind,
                registry = registry
            )
        }
    };
    // The two failing verdicts: a fine-grained token, and a refresh token, which no
    // registry accepts as a password.
    let cause = match verdict {
        Verdict::FineGrainedUnsupported => CauseId::TokenFineGrainedUnsupported,
        _ => CauseId::TokenInvalid,
    };
    let mut f = Finding::new(&CHECK, Outcome::of(status, cause), target, message)
        .with_evidence(Fact::kind(insp.kind.as_str()))
        .with_evidence(Fact::verdict(verdict.as_str()))
        .with_evidence(Fact::registry(registry));
    f = match verdict {
        Verdict::FineGrainedUnsupported => f.with_cause(CauseId::TokenFineGrainedUnsupported),
        Verdict::RefreshUnusable => f.with_fix(tl!("token.fix.refresh")),
        Verdict::NotGithub => f.with_fix(tl!("token.fix.not-github")),
        Verdict::UserToServerUndocumented | Verdict::LegacyFormat => {
            f.with_fix(tl!("token.fix.use-supported"))
        }
        _ => f,
    };
    Some(f)
}
