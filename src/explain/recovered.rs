//! A failure a later retry recovered, as the report shows it: an `info` finding that names the
//! failure, the cause it would have named, the object and the line where it completed. It
//! names no cause, so it does not fail the report.

pub use super::recovery::Recovery;
use super::{CHECK, Explanation, title};
use crate::evidence::Fact;
use crate::finding::{Finding, Location, Outcome, Report};
use crate::t;

/// At most this many recovered failures are shown, the first in the log.
const MAX_SHOWN: usize = 20;

/// One distinct failure message that a retry recovered.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    /// The failure as it would have been explained; its `cause` is the one it would have named.
    pub explanation: Explanation,
    /// What completed, and where.
    pub recovery: Recovery,
}

impl Recovered {
    pub(crate) fn new(explanation: Explanation, recovery: Recovery) -> Self {
        Recovered {
            explanation,
            recovery,
        }
    }

    /// The `info` finding for this recovered failure about `input`.
    pub fn finding(&self, input: Option<&str>) -> Finding {
        let e = &self.explanation;
        let message = t!(
            "explain.recovered",
            title = title(&e.cause),
            matched = e.matched,
            line = e.line,
            object = self.recovery.object_shown(),
            done = self.recovery.completed
        );
        let target = e
            .image
            .clone()
            .or_else(|| input.map(str::to_owned))
            .unwrap_or_else(|| t!("explain.stdin"));
        Finding::new(&CHECK, Outcome::Info, target, message)
            .with_location(Location::line(input.map(str::to_owned), e.line))
            .with_evidence(Fact::text(e.text.clone()))
            .with_evidence(Fact::matched(e.matched.clone()))
            .with_evidence(Fact::count(e.count))
            .with_evidence(Fact::lines(e.lines.clone()))
            .with_evidence(Fact::pattern(e.pattern.clone()))
            .with_evidence(Fact::recovered_cause(e.cause.clone()))
            .with_evidence(Fact::object(self.recovery.object()))
            .with_evidence(Fact::completed_line(self.recovery.completed))
    }
}

/// The recovered failures to show: in the order of the log, at most [`MAX_SHOWN`].
pub(crate) fn shown(mut recovered: Vec<Recovered>) -> Vec<Recovered> {
    recovered.sort_by_key(|r| r.explanation.line);
    recovered.truncate(MAX_SHOWN);
    recovered
}

/// Adds the findings of `recovered` to `report`, after the causes.
pub(crate) fn push_all(report: &mut Report, recovered: &[Recovered], input: Option<&str>) {
    for r in recovered {
        report.push(r.finding(input));
    }
}
