//! `token-pasting`: the defects copying and pasting leaves around or inside a token
//! (whitespace, newlines, quotes, `Bearer ` and assignment prefixes, invisible characters).

use super::{Defect, Inspection, TokenKind};
use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Outcome, Status};
use crate::t;

crate::finding::check_meta!(pub CHECK = "token-pasting", docs: "token.md", messages: "token.defect");

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
    f = f.with_evidence(Fact::defect(d.as_str()));
    match d {
        Defect::TrailingNewline { count } => f.with_evidence(Fact::count(*count)),
        Defect::AssignmentPrefix { name } => f.with_evidence(Fact::name(name.as_str())),
        Defect::InnerWhitespace { position } => f.with_evidence(Fact::position(*position)),
        Defect::ControlCharacter {
            position,
            codepoint,
        } => f
            .with_evidence(Fact::position(*position))
            .with_evidence(Fact::codepoint(format!("U+{codepoint:04X}"))),
        Defect::NonAscii {
            position,
            codepoint,
        } => {
            f = f.with_evidence(Fact::position(*position));
            match codepoint {
                Some(cp) => f.with_evidence(Fact::codepoint(format!("U+{cp:04X}"))),
                None => f,
            }
        }
        _ => f,
    }
}

pub(super) fn pasting(insp: &Inspection, target: &str) -> Vec<Finding> {
    if insp.defects.is_empty() {
        return vec![Finding::new(
            &CHECK,
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
                &CHECK,
                status,
                CauseId::SecretWhitespace,
                target,
                defect_message(d),
            );
            defect_evidence(d, f)
        })
        .collect()
}
