//! Turns an [`Inspection`] into findings: presence, pasting defects, format, and the verdict
//! for the registry. Messages come from `i18n/<lang>/token.toml`.

use serde_json::Value;

use super::named::{CaseChange, Inside, Named, Unexpanded};
use super::{
    CHECK_FORMAT, CHECK_PASTING, CHECK_PRESENT, CHECK_VERDICT, Defect, Format, FormatProblem,
    Inspection, TokenKind, is_github_registry,
};
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::message;
use crate::{t, tl};

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

/// The human name of a kind (`classic personal access token (ghp_)`).
pub(crate) fn kind_name(kind: TokenKind) -> String {
    message::text(&format!("token.kind.{}", kind.as_str()), &[])
}

pub(super) fn all(insp: &Inspection, target: &str, registry: &str) -> Vec<Finding> {
    if insp.empty {
        return vec![
            Finding::new(
                &CHECK_PRESENT,
                Outcome::Fail(CauseId::SecretEmpty),
                target,
                t!("token.present-empty", source = target),
            )
            .with_evidence("length", insp.length),
        ];
    }
    let mut out = vec![present(insp, target)];
    let host = crate::host::Host::parse(registry);
    if let Some(named) = insp.named.and_then(|n| n.for_registry(&host)) {
        let f = named_finding(insp, named, target, registry, &host);
        // A value that can never authenticate here is named and nothing else is judged:
        // its pasting, format and kind would only distract from what it is.
        if f.status == Status::Fail {
            out.push(f);
            return out;
        }
        out.extend(pasting(insp, target));
        out.push(f);
        out.extend(verdict(insp, target, registry));
        return out;
    }
    out.extend(pasting(insp, target));
    out.push(format(insp, target));
    out.extend(verdict(insp, target, registry));
    out
}

/// The `token-format` finding of a named value ([`Named`]), with its cause.
fn named_finding(
    insp: &Inspection,
    named: Named,
    target: &str,
    registry: &str,
    host: &crate::host::Host,
) -> Finding {
    let service_name =
        |s: crate::secret::Service| message::text(&format!("token.service.{}", s.as_str()), &[]);
    let mut evidence: Vec<(&str, Value)> = Vec::new();
    let message = match named {
        Named::Masked => t!("token.named.masked", length = insp.cleaned_length),
        Named::Unexpanded(form) => {
            evidence.push(("form", form.as_str().into()));
            match form {
                Unexpanded::Expression => t!("token.named.unexpanded-expression"),
                Unexpanded::Shell => t!("token.named.unexpanded-shell"),
                Unexpanded::Cmd => t!("token.named.unexpanded-cmd"),
            }
        }
        Named::Encoded { inside, with_user } => {
            evidence.push(("inside", inside.as_str().into()));
            evidence.push(("with_user", with_user.into()));
            let name = match inside {
                Inside::GitHub(kind) => kind_name(kind),
                Inside::Service(s) => service_name(s),
            };
            if with_user {
                t!("token.named.encoded-user", inside = name)
            } else {
                t!("token.named.encoded", inside = name)
            }
        }
        Named::Foreign(service) => {
            evidence.push(("service", service.as_str().into()));
            if host.is_github() {
                t!(
                    "token.named.foreign",
                    service = service_name(service),
                    registry = registry
                )
            } else {
                t!(
                    "token.named.foreign-note",
                    service = service_name(service),
                    registry = registry
                )
            }
        }
        Named::Password => t!(
            "token.named.password",
            length = insp.cleaned_length,
            registry = registry
        ),
        Named::CaseChanged { kind, how } => {
            evidence.push(("case", how.as_str().into()));
            let kind = kind_name(kind);
            match how {
                CaseChange::Prefix => t!("token.named.case-prefix", kind = kind),
                CaseChange::Lower => t!("token.named.case-lower", kind = kind),
                CaseChange::Upper => t!("token.named.case-upper", kind = kind),
            }
        }
    };
    let status = named.status(host);
    // Every named value's cause is in the catalog (the catalog test proves it).
    let cause = CauseId::from_id(named.cause()).unwrap_or(CauseId::TokenMalformed);
    // A note for another registry carries no fix: the catalog's fix is for GitHub's.
    let (message, fix) = if status == Status::Fail {
        (message, cause.fix())
    } else if matches!(named, Named::Foreign(_)) {
        (message, Vec::new())
    } else {
        (
            t!("token.named.note", message = message, registry = registry),
            Vec::new(),
        )
    };
    let mut f = Finding::caused(&CHECK_FORMAT, status, cause, target, message).with_fix(fix);
    for (k, v) in evidence {
        f = f.with_evidence(k, v);
    }
    f
}

fn present(insp: &Inspection, target: &str) -> Finding {
    let mut f = Finding::new(
        &CHECK_PRESENT,
        Outcome::Pass,
        target,
        t!(
            "token.present",
            source = target,
            kind = kind_name(insp.kind),
            length = insp.length
        ),
    )
    .with_evidence("kind", insp.kind.as_str())
    .with_evidence("length", insp.length);
    if insp.cleaned_length != insp.length {
        f = f.with_evidence("cleaned_length", insp.cleaned_length);
    }
    f
}

fn defect_message(d: &Defect) -> String {
    match d {
        Defect::LeadingWhitespace => t!("token.defect.leading-whitespace"),
        Defect::TrailingWhitespace => t!("token.defect.trailing-whitespace"),
        Defect::TrailingNewline { count } => t!("token.defect.trailing-newline", count = count),
        Defect::CarriageReturn => t!("token.defect.carriage-return"),
        Defect::Quotes => t!("token.defect.quotes"),
        Defect::BearerPrefix => t!("token.defect.bearer-prefix"),
        Defect::TokenPrefix => t!("token.defect.token-prefix"),
        Defect::AssignmentPrefix { name } => t!("token.defect.assignment-prefix", name = name),
        Defect::InnerWhitespace { position } => {
            t!("token.defect.inner-whitespace", position = position)
        }
        Defect::NonAscii {
            position,
            codepoint: Some(cp),
        } => t!(
            "token.defect.non-ascii-invisible",
            position = position,
            codepoint = format!("U+{cp:04X}")
        ),
        Defect::NonAscii { position, .. } => t!("token.defect.non-ascii", position = position),
        Defect::ControlCharacter {
            position,
            codepoint,
        } => t!(
            "token.defect.control-character",
            position = position,
            codepoint = format!("U+{codepoint:04X}")
        ),
    }
}

fn defect_evidence(d: &Defect, mut f: Finding) -> Finding {
    f = f.with_evidence("defect", d.as_str());
    match d {
        Defect::TrailingNewline { count } => f.with_evidence("count", *count),
        Defect::AssignmentPrefix { name } => f.with_evidence("name", name.as_str()),
        Defect::InnerWhitespace { position } => f.with_evidence("position", *position),
        Defect::ControlCharacter {
            position,
            codepoint,
        } => f
            .with_evidence("position", *position)
            .with_evidence("codepoint", format!("U+{codepoint:04X}")),
        Defect::NonAscii {
            position,
            codepoint,
        } => {
            f = f.with_evidence("position", *position);
            match codepoint {
                Some(cp) => f.with_evidence("codepoint", format!("U+{cp:04X}")),
                None => f,
            }
        }
        _ => f,
    }
}

fn pasting(insp: &Inspection, target: &str) -> Vec<Finding> {
    if insp.defects.is_empty() {
        return vec![Finding::new(
            &CHECK_PASTING,
            Outcome::Pass,
            target,
            t!("token.pasting-clean"),
        )];
    }
    insp.defects
        .iter()
        .map(|d| {
            // A password for another registry may hold spaces, quotes or non-ASCII letters on
            // purpose: warn rather than fail when the value is not a GitHub token.
            let status = if insp.kind == TokenKind::Unknown && d.may_be_content() {
                Status::Warn
            } else {
                Status::Fail
            };
            let f = Finding::caused(
                &CHECK_PASTING,
                status,
                CauseId::SecretWhitespace,
                target,
                defect_message(d),
            );
            defect_evidence(d, f)
        })
        .collect()
}

fn format(insp: &Inspection, target: &str) -> Finding {
    match insp.format {
        Format::Valid { checksum: true } => Finding::new(
            &CHECK_FORMAT,
            Outcome::Pass,
            target,
            t!("token.format-ok-checksum"),
        )
        .with_evidence("checksum", "match"),
        Format::Valid { checksum: false } => {
            Finding::new(&CHECK_FORMAT, Outcome::Pass, target, t!("token.format-ok"))
        }
        Format::NotChecked => Finding::new(
            &CHECK_FORMAT,
            Outcome::Skip,
            target,
            t!("token.format-not-checked"),
        ),
        Format::Invalid(problem) => {
            let message = match problem {
                FormatProblem::Length { expected, actual } => {
                    t!("token.format-length", expected = expected, actual = actual)
                }
                FormatProblem::Character { position } => {
                    t!("token.format-character", position = position)
                }
                FormatProblem::Checksum => t!("token.format-checksum"),
                FormatProblem::FineGrainedShape => t!("token.format-fine-grained-shape"),
                FormatProblem::JwtShape => t!("token.format-jwt-shape"),
            };
            let mut f = Finding::new(
                &CHECK_FORMAT,
                Outcome::Fail(CauseId::TokenMalformed),
                target,
                message,
            )
            .with_evidence("problem", problem.as_str());
            match problem {
                FormatProblem::Length { expected, actual } => {
                    f = f
                        .with_evidence("expected_length", expected)
                        .with_evidence("length", actual);
                }
                FormatProblem::Character { position } => {
                    f = f.with_evidence("position", position);
                }
                FormatProblem::Checksum => f = f.with_evidence("checksum", "mismatch"),
                _ => {}
            }
            f
        }
    }
}

fn verdict(insp: &Inspection, target: &str, registry: &str) -> Option<Finding> {
    let verdict = insp.verdict(registry)?;
    let status = verdict.status();
    let malformed = matches!(insp.format, Format::Invalid(_));
    // A malformed token is not usable whatever its kind promises; `token-format` already
    // failed, so the verdict says it was not judged instead of passing.
    if malformed && status == Status::Pass {
        return Some(
            Finding::new(
                &CHECK_VERDICT,
                Outcome::Skip,
                target,
                t!("token.verdict.not-judged", registry = registry),
            )
            .with_evidence("kind", insp.kind.as_str()),
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
    let mut f = Finding::new(&CHECK_VERDICT, Outcome::of(status, cause), target, message)
        .with_evidence("kind", insp.kind.as_str())
        .with_evidence("verdict", verdict.as_str())
        .with_evidence("registry", Value::from(registry));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::inspect;

    #[test]
    fn every_kind_has_a_name() {
        for kind in [
            TokenKind::ClassicPat,
            TokenKind::FineGrainedPat,
            TokenKind::Oauth,
            TokenKind::UserToServer,
            TokenKind::Installation,
            TokenKind::Refresh,
            TokenKind::LegacyHex,
            TokenKind::Unknown,
        ] {
            let key = format!("token.kind.{}", kind.as_str());
            assert!(message::exists(&key), "missing message {key}");
        }
    }

    #[test]
    fn messages_never_hold_the_value() {
        let raws = [
            "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",
            "  \"GHCR_TOKEN=Bearer ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3\"\r\n",
            "hunter2 hunter2",
        ];
        for raw in raws {
            for f in inspect(raw).findings("stdin", "ghcr.io") {
                let text = serde_json::to_string(&f).expect("serialise");
                assert!(!text.contains("M7H4jx"), "{text}");
                assert!(!text.contains("hunter2"), "{text}");
                assert!(!f.message.starts_with("token."), "untranslated key: {text}");
            }
        }
    }
}
