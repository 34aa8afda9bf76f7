//! `secret-fallback`: `secrets.A || secrets.B` falls back only on an empty value, never on a
//! wrong one.

use std::sync::OnceLock;

use regex::Regex;

use crate::finding::{Finding, Status};
use crate::workflow::rules::finding;
use crate::workflow::{Analysis, Repo};
use crate::{t, tl};

crate::finding::check_meta!(pub(crate) CHECK = "secret-fallback", docs: "workflow.md", messages: "workflow.fallback");
/// The rule's cause has the rule's id.
const CAUSE: crate::catalog::CauseId = crate::catalog::CauseId::SecretFallback;

fn pattern() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\|\|\s*(?:secrets\.[A-Za-z_][A-Za-z0-9_]*|github\.token)")
        .ok()
    })
    .as_ref()
}

pub(super) fn check(an: &Analysis<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let Some(re) = pattern() else { return };
    an.wf.root.walk_scalars(&mut |node, text| {
        if !text.contains("||") {
            return;
        }
        for c in re.captures_iter(text) {
            let (Some(all), Some(first)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let mark = an
                .wf
                .source
                .locate(node.span, node.span.start.line, all.as_str());
            out.push(
                finding(
                    an,
                    (&CHECK, CAUSE),
                    Status::Info,
                    an.wf.file.to_owned(),
                    mark,
                    t!(
                        "workflow.fallback.found",
                        expr = all.as_str(),
                        first = first.as_str()
                    ),
                    false,
                )
                .with_fix(tl!("workflow.fallback.fix")),
            );
        }
    });
}
