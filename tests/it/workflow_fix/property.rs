//! The property test over the fixtures: fixing never breaks a file, never rewrites a line
//! outside what the findings point at, keeps added comments, and is a no-op the second time.

use std::collections::HashSet;

use ghcr_doctor::finding::Finding;
use ghcr_doctor::workflow::fix::{self, Level};
use ghcr_doctor::workflow::{self, yaml};
use proptest::prelude::*;

use super::{diff_lines, edge, in_file, options, repo, workflows, yml_files};

/// The lines a fix may rewrite: those the findings of fixable rules point at, the steps
/// holding them, and the push a registry mismatch names.
fn allowed_lines(text: &str, findings: &[Finding]) -> HashSet<usize> {
    let docs = yaml::parse(text).unwrap_or_default();
    let mut allowed = HashSet::new();
    for f in findings
        .iter()
        .filter(|f| fix::level_of(&f.check).is_some())
    {
        let Some(line) = f.location.as_ref().and_then(|l| l.line) else {
            continue;
        };
        allowed.insert(line);
        if let Some(&ghcr_doctor::evidence::Fact::PushLine(n)) =
            f.evidence.get(ghcr_doctor::evidence::Key::PushLine)
        {
            allowed.insert(n);
        }
        // The entry the finding points at (a `permissions:` block, a job key).
        if let Some(d) = docs.first() {
            entry_lines(d, line, &mut allowed);
        }
        let jobs = docs.first().and_then(|d| d.get("jobs"));
        for (_, job) in jobs.map(yaml::Node::map).unwrap_or_default() {
            let steps = job.get("steps").map(yaml::Node::seq).unwrap_or_default();
            for (i, s) in steps.iter().enumerate() {
                let end = steps.get(i + 1).map_or(usize::MAX, |n| n.span.start.line);
                if (s.span.start.line..end).contains(&line) {
                    allowed.extend(s.span.start.line..end.min(text.lines().count() + 1));
                }
            }
        }
    }
    allowed
}

/// Adds the lines of every mapping entry whose key is on `line`.
fn entry_lines(node: &yaml::Node, line: usize, out: &mut HashSet<usize>) {
    for (k, v) in node.map() {
        if k.span.start.line == line {
            out.extend(line..=v.span.end.line.max(line));
        }
        entry_lines(v, line, out);
    }
    for item in node.seq() {
        entry_lines(item, line, out);
    }
}

fn fixture_names() -> Vec<String> {
    yml_files(&workflows())
        .into_iter()
        .chain(yml_files(&edge()))
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any fixture, with comment and blank lines added anywhere, either line ending, either
    /// level: fixing never leaves a file that does not parse, never rewrites a line outside
    /// what the findings point at, keeps every added comment, and a second run is a no-op.
    #[test]
    fn fixing_never_breaks_a_file_or_touches_other_lines(
        pick in 0usize..1000,
        inserts in proptest::collection::vec((0usize..200, any::<bool>()), 0..6),
        crlf_endings in any::<bool>(),
        all in any::<bool>(),
    ) {
        let names = fixture_names();
        let name = &names[pick % names.len()];
        let dir = repo(crlf_endings);
        let path = dir.path().join(".github/workflows").join(name);
        let original = std::fs::read_to_string(&path).expect("read");
        let eol = if crlf_endings { "\r\n" } else { "\n" };
        let mut lines: Vec<String> = original.split_inclusive('\n').map(str::to_owned).collect();
        let mut markers = 0;
        for (at, comment) in &inserts {
            let at = at % (lines.len() + 1);
            let line = if *comment {
                markers += 1;
                format!("# marker {markers}{eol}")
            } else {
                eol.to_owned()
            };
            lines.insert(at, line);
        }
        let before = lines.concat();
        std::fs::write(&path, &before).expect("write");
        let parsed_before = yaml::parse(&before).is_ok();

        let lint = workflow::check(std::slice::from_ref(&path)).expect("lint");
        let level = if all { Level::All } else { Level::Safe };
        let outcome = fix::fix(std::slice::from_ref(&path), &options(level)).expect("fix");
        fix::write(&outcome).expect("write");
        let after = std::fs::read_to_string(&path).expect("read");

        if parsed_before {
            prop_assert!(yaml::parse(&after).is_ok(), "{name}: the fix broke the YAML\n{after}");
        } else {
            prop_assert_eq!(&after, &before, "{}: a file that did not parse was edited", name);
        }
        let mine: Vec<Finding> = in_file(&lint.findings, name).cloned().collect();
        let allowed = allowed_lines(&before, &mine);
        if let Some(c) = outcome.changed.first() {
            let (removed, _) = diff_lines(&c.diff);
            let stray: Vec<&usize> = removed.iter().filter(|l| !allowed.contains(l)).collect();
            prop_assert!(stray.is_empty(), "{name}: lines {stray:?} rewritten\n{}", c.diff);
        }
        for m in 1..=markers {
            prop_assert!(after.contains(&format!("# marker {m}{eol}")), "{name}: marker {m} lost");
        }
        let again = fix::fix(std::slice::from_ref(&path), &options(level)).expect("fix");
        prop_assert!(again.changed.is_empty(), "{name}: second run changed\n{}", again.diff());
    }
}
