//! Ranking: orders a message's suspects using the log's context signals.
//!
//! The owner of the matched pattern is the first suspect and its `alternatives` follow;
//! the first `rank` rule whose signals all hold moves its cause to the front. Causes named
//! by weaker messages on the same line are appended as further alternatives.

use super::context::{Signal, Signals};
use crate::catalog::Pattern;

/// The suspects for one error, most likely first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub cause: String,
    pub alternatives: Vec<String>,
    /// The signals of the rule that decided the order (empty: the catalog's default order).
    pub ranked_by: Vec<Signal>,
}

impl Ranked {
    /// These suspects with `cause` first and the former first cause second, the order decided
    /// by `by`. Unchanged when `cause` already leads.
    pub fn lead(mut self, cause: &str, by: Signal) -> Ranked {
        if self.cause == cause {
            return self;
        }
        self.alternatives.retain(|a| a != cause);
        let was = std::mem::replace(&mut self.cause, cause.to_owned());
        self.alternatives.insert(0, was);
        self.ranked_by = vec![by];
        self
    }
}

/// Ranks the suspects of `pattern` (owned by cause `owner`) given `signals`.
pub fn rank(pattern: &Pattern, owner: &str, extra: &[String], signals: Signals) -> Ranked {
    let mut order: Vec<String> = Vec::new();
    for id in std::iter::once(owner)
        .chain(pattern.alternatives.iter().map(String::as_str))
        .chain(extra.iter().map(String::as_str))
    {
        if !order.iter().any(|o| o == id) {
            order.push(id.to_owned());
        }
    }
    let mut ranked_by = Vec::new();
    for rule in &pattern.rank {
        let wanted: Option<Vec<Signal>> = rule.when.iter().map(|n| Signal::from_name(n)).collect();
        let Some(wanted) = wanted else { continue };
        if wanted.is_empty() || !wanted.iter().all(|s| signals.contains(*s)) {
            continue;
        }
        order.retain(|o| o != &rule.first);
        order.insert(0, rule.first.clone());
        ranked_by = wanted;
        break;
    }
    let cause = order.remove(0);
    Ranked {
        cause,
        alternatives: order,
        ranked_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::RankRule;

    fn pattern() -> Pattern {
        Pattern {
            literal: "installation not allowed to write".into(),
            regex: None,
            weight: 90,
            weak: false,
            needs_registry_context: false,
            protocol: None,
            alternatives: vec!["b".into(), "c".into()],
            rank: vec![
                RankRule {
                    when: vec!["pull-request".into()],
                    first: "b".into(),
                },
                RankRule {
                    when: vec!["packages-write".into(), "host-ghcr".into()],
                    first: "c".into(),
                },
            ],
            printed_by: String::new(),
            source: String::new(),
        }
    }

    #[test]
    fn default_order_without_signals() {
        let r = rank(
            &pattern(),
            "a",
            &["d".into(), "b".into()],
            Signals::default(),
        );
        assert_eq!(r.cause, "a");
        assert_eq!(r.alternatives, vec!["b", "c", "d"]);
        assert!(r.ranked_by.is_empty());
    }

    #[test]
    fn first_matching_rule_wins() {
        let mut s = Signals::default();
        s.insert(Signal::PackagesWrite);
        s.insert(Signal::HostGhcr);
        let r = rank(&pattern(), "a", &[], s);
        assert_eq!(r.cause, "c");
        assert_eq!(r.alternatives, vec!["a", "b"]);
        assert_eq!(r.ranked_by, vec![Signal::PackagesWrite, Signal::HostGhcr]);
        s.insert(Signal::PullRequest);
        assert_eq!(rank(&pattern(), "a", &[], s).cause, "b");
    }

    #[test]
    fn a_rule_needs_all_its_signals() {
        let mut s = Signals::default();
        s.insert(Signal::PackagesWrite);
        assert_eq!(rank(&pattern(), "a", &[], s).cause, "a");
    }
}
