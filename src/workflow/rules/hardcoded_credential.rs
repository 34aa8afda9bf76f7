//! `hardcoded-credential`: a password or token written in the workflow instead of taken from
//! a secret, the job's token or a step output. Findings show the kind and length only; the
//! snippet masks the value.

use std::collections::HashSet;

use crate::finding::{Finding, Status};
use crate::token::TokenKind;
use crate::workflow::rules::{finding, job_target};
use crate::workflow::source::{Mark, token_pattern};
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::register::check_meta!(pub(crate) CHECK = "hardcoded-credential", docs: "workflow.md", messages: "workflow.credential");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::HardcodedCredential;

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let fix = || {
        let mut f = tl!("workflow.credential.fix-revoke");
        f.extend(tl!("workflow.credential.fix-secret"));
        f
    };
    // Tokens anywhere in the file.
    let re = token_pattern();
    an.wf.root.walk_scalars(&mut |node, text| {
        let Some(re) = re else { return };
        for m in re.find_iter(text) {
            let mark = an
                .wf
                .source
                .locate(node.span, node.span.start.line, m.as_str());
            if !seen.insert((mark.line, mark.col)) {
                continue;
            }
            let kind = TokenKind::of(m.as_str());
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Fail,
                    an.wf.file.to_owned(),
                    mark,
                    t!(
                        "workflow.credential.token",
                        kind = kind.as_str(),
                        length = m.as_str().len()
                    ),
                    true,
                )
                .with_fix(fix())
                .with_evidence("kind", kind.as_str())
                .with_evidence("length", m.as_str().len()),
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
                .with_evidence("length", length),
            );
        };
    // Passwords given to logins and to `container:`/`services:` credentials.
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        for l in &scan.literals {
            literal(job_target(job.id), l.mark, &l.place, l.length, out);
        }
    }
}
