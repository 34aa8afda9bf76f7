//! `token-format`: the format and checksum of a token for its kind, or what the value is
//! when it is not a usable token at all (masked, unexpanded, encoded, another service's, a
//! password, a changed case).

use super::kind_name;
use super::named::{CaseChange, Inside, Named, Unexpanded};
use super::{Format, FormatProblem, Inspection};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::{message, t};

crate::finding::check_meta!(pub CHECK = "token-format", docs: "token.md", messages: "token");

/// The `token-format` finding of a named value ([`Named`]), with its cause.
pub(super) fn named_finding(
    insp: &Inspection,
    named: Named,
    target: &str,
    registry: &str,
    host: &crate::host::Host,
) -> Finding {
    let service_name =
        |s: crate::secret::Service| message::text(&format!("token.service.{}", s.as_str()), &[]);
    let mut evidence: Vec<Fact> = Vec::new();
    let message = match named {
        Named::Masked => t!("token.named.masked", length = insp.cleaned_length),
        Named::Unexpanded(form) => {
            evidence.push(Fact::form(form.as_str()));
            match form {
                Unexpanded::Expression => t!("token.named.unexpanded-expression"),
                Unexpanded::Shell => t!("token.named.unexpanded-shell"),
                Unexpanded::Cmd => t!("token.named.unexpanded-cmd"),
            }
        }
        Named::Encoded { inside, with_user } => {
            evidence.push(Fact::inside(inside.as_str()));
            evidence.push(Fact::with_user(with_user));
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
            evidence.push(Fact::service(service.as_str()));
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
            evidence.push(Fact::case(how.as_str()));
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
    let mut f = Finding::caused(&CHECK, status, cause, target, message).with_fix(fix);
    for fact in evidence {
        f = f.with_evidence(fact);
    }
    f
}

pub(super) fn format(insp: &Inspection, target: &str) -> Finding {
    match insp.format {
        Format::Valid { checksum: true } => Finding::new(
            &CHECK,
            Outcome::Pass,
            target,
            t!("token.format-ok-checksum"),
        )
        .with_evidence(Fact::checksum("match")),
        Format::Valid { checksum: false } => {
            Finding::new(&CHECK, Outcome::Pass, target, t!("token.format-ok"))
        }
        Format::NotChecked => Finding::new(
            &CHECK,
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
                &CHECK,
                Outcome::Fail(CauseId::TokenMalformed),
                target,
                message,
            )
            .with_evidence(Fact::problem(problem.as_str()));
            match problem {
                FormatProblem::Length { expected, actual } => {
                    f = f
                        .with_evidence(Fact::expected_length(expected))
                        .with_evidence(Fact::length(actual));
                }
                FormatProblem::Character { position } => {
                    f = f.with_evidence(Fact::position(position));
                }
                FormatProblem::Checksum => f = f.with_evidence(Fact::checksum("mismatch")),
                _ => {}
            }
            f
        }
    }
}
