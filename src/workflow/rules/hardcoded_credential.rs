//! `hardcoded-credential`: a password or token written in the workflow instead of taken from
//! a secret, the job's token or a step output. Findings show the kind and length only; the
//! snippet masks the value.

use std::collections::HashSet;

use crate::evidence::Fact;
use crate::finding::{Finding, Status};
use crate::secret::{Service, shape};
use crate::token::TokenKind;
use crate::workflow::rules::{finding, job_target};
use crate::workflow::source::Mark;
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "hardcoded-credential", docs: "workflow.md", messages: "workflow.credential");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::HardcodedCredential;

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let fix = || {
        let mut f = tl!("workflow.credential.fix-revoke");
        f.extend(tl!("workflow.credential.fix-secret"));
        f
    };
    // Tokens of every shape the secret policy knows, anywhere in the file.
    an.wf.root.walk_scalars(&mut |node, text| {
        for (range, service) in shape::tokens_in(text) {
            let value = &text[range];
            let mark = an.wf.source.locate(node.span, node.span.start.line, value);
            if !seen.insert((mark.line, mark.col)) {
                continue;
            }
            // GitHub tokens are named by their kind, others by their service.
            let kind = match service {
                Service::GitHub => TokenKind::of(value).as_str(),
                other => other.as_str(),
            };
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    an.wf.file.to_owned(),
                    mark,
                    t!(
                        "workflow.credential.token",
                        kind = kind,
                        length = value.len()
                    ),
                    true,
                )
                .with_fix(fix())
                .with_evidence(Fact::kind(kind))
                .with_evidence(Fact::length(value.len())),
            );
        }
    });
    let mut literal =
        |target: String, mark: Mark, place: &str, length: usize, out: &mut Vec<Finding>| {
            if !seen.insert((mark.line, mark.col)) {
                return;
            }
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    target,
                    mark,
                    t!(
                        "workflow.credential.literal",
                        place = place,
                        length = length
                    ),
                    true,
                )
                .with_fix(fix())
                .with_evidence(Fact::length(length)),
            );
        };
    // Passwords given to logins and to `container:`/`services:` credentials.
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        for l in &scan.literals {
            literal(job_target(job.id), l.mark, &l.place, l.length, out);
        }
    }
}
