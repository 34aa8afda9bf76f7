//! `ghcr-doctor explain`: every case file under `tests/data/explain/<cause-id>/` names its
//! cause, every catalog pattern is exercised, logs without registry errors stay silent, and
//! the command reads files and stdin with the documented exit codes and formats.
//!
//! A case is `NAME.log` (a realistic excerpt in the printing tool's own wording) and
//! `NAME.expect` (TOML): `cause` (the first finding's cause; absent in `none/`), and
//! optionally `line`, `count`, `findings` (total), `alternatives` (exact, in order),
//! `ranked_by` (the context signals that decided the order) and `recovered` (how many
//! failures a later retry recovered: shown, naming no cause).

mod corpus;
mod decorations;
mod props;
mod recovered;
mod wordings;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use ghcr_doctor::catalog;
use ghcr_doctor::explain::{self, Scan};
use serde::Deserialize;

use crate::catalog::EXPLAINABLE;
use crate::support::{ghcr_doctor, json, root, run_with_stdin, stderr, stdout};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    cause: Option<String>,
    line: Option<usize>,
    count: Option<usize>,
    findings: Option<usize>,
    alternatives: Option<Vec<String>>,
    ranked_by: Option<Vec<String>>,
    /// How many failures a later retry recovered (shown, naming no cause).
    recovered: Option<usize>,
}

fn data() -> PathBuf {
    root().join("tests/data/explain")
}

/// Every `(dir name, log path, expectation)`.
fn cases() -> Vec<(String, PathBuf, Expect)> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(data())
        .expect("tests/data/explain exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 dir name")
            .to_owned();
        let mut logs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("read case dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        logs.sort();
        for log in logs {
            let expect_path = log.with_extension("expect");
            let text = std::fs::read_to_string(&expect_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
            let expect: Expect =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
            out.push((name.clone(), log, expect));
        }
    }
    out
}

fn scan_file(path: &Path) -> Scan {
    let file = File::open(path).expect("open case");
    explain::scan(file).expect("scan case")
}

#[test]
fn every_case_file_names_its_cause() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() > 90, "only {} cases", all.len());
    for (dir, log, expect) in &all {
        let scan = scan_file(log);
        let label = log
            .strip_prefix(data())
            .unwrap_or(log)
            .display()
            .to_string();
        let mut fail = |what: String| failures.push(format!("{label}: {what}"));
        if dir == "none" {
            assert!(expect.cause.is_none(), "{label}: none/ cases name no cause");
        } else if expect.cause.as_deref() != Some(dir.as_str()) {
            fail(format!(
                "expect file names {:?}, not its directory",
                expect.cause
            ));
        }
        if let Some(n) = expect.findings
            && scan.explanations.len() != n
        {
            fail(format!(
                "{} findings, expected {n}: {:?}",
                scan.explanations.len(),
                scan.explanations
                    .iter()
                    .map(|e| (&e.cause, &e.matched))
                    .collect::<Vec<_>>()
            ));
        }
        if let Some(n) = expect.recovered
            && scan.recovered.len() != n
        {
            fail(format!(
                "{} recovered, expected {n}: {:?}",
                scan.recovered.len(),
                scan.recovered
                    .iter()
                    .map(|r| (&r.explanation.cause, &r.recovery))
                    .collect::<Vec<_>>()
            ));
        }
        let Some(cause) = &expect.cause else {
            continue;
        };
        let Some(first) = scan.explanations.first() else {
            fail("no finding".into());
            continue;
        };
        if &first.cause != cause {
            fail(format!(
                "cause {} (alternatives {:?}, pattern {}), expected {cause}",
                first.cause, first.alternatives, first.pattern
            ));
        }
        if let Some(line) = expect.line
            && first.line != line
        {
            fail(format!("line {}, expected {line}", first.line));
        }
        if let Some(count) = expect.count
            && first.count != count
        {
            fail(format!("count {}, expected {count}", first.count));
        }
        if let Some(alts) = &expect.alternatives
            && &first.alternatives != alts
        {
            fail(format!(
                "alternatives {:?}, expected {alts:?}",
                first.alternatives
            ));
        }
        if let Some(by) = &expect.ranked_by {
            let got: Vec<&str> = first.ranked_by.iter().map(|s| s.name()).collect();
            if got != *by {
                fail(format!("ranked by {got:?}, expected {by:?}"));
            }
        }
        if !first.text.contains(&first.matched) {
            fail(format!(
                "evidence text {:?} lacks the match {:?}",
                first.text, first.matched
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalog_pattern_is_exercised_by_a_case() {
    let mut hit = BTreeSet::new();
    for (_, log, _) in cases() {
        for e in scan_file(&log).explanations {
            hit.insert(e.pattern);
        }
    }
    let mut missing = Vec::new();
    for c in catalog::causes() {
        for i in 0..c.patterns.len() {
            let id = format!("{}#{i}", c.id);
            if !hit.contains(&id) {
                missing.push(id);
            }
        }
    }
    assert!(missing.is_empty(), "patterns without a case: {missing:?}");
}

/// Each id `explain` must name (the catalog test's list) has a case that names it.
#[test]
fn every_explainable_cause_has_a_case_directory() {
    for id in EXPLAINABLE {
        let dir = data().join(id);
        assert!(dir.is_dir(), "no case directory for {id}");
        assert!(catalog::cause(id).is_some(), "{id} not in the catalog");
    }
    for c in catalog::causes().iter().filter(|c| !c.patterns.is_empty()) {
        assert!(
            data().join(&c.id).is_dir(),
            "no case directory for {}",
            c.id
        );
    }
}

#[test]
fn every_pattern_cites_its_source_and_names_known_causes_and_signals() {
    for c in catalog::causes() {
        for (i, p) in c.patterns.iter().enumerate() {
            assert!(!p.source.trim().is_empty(), "{}#{i} has no source", c.id);
            assert!(
                !p.printed_by.trim().is_empty(),
                "{}#{i} has no printer",
                c.id
            );
            for alt in &p.alternatives {
                assert!(catalog::cause(alt).is_some(), "{}#{i}: unknown {alt}", c.id);
            }
            for rule in &p.rank {
                assert!(
                    catalog::cause(&rule.first).is_some(),
                    "{}#{i}: unknown {}",
                    c.id,
                    rule.first
                );
                for s in &rule.when {
                    assert!(
                        explain::Signal::from_name(s).is_some(),
                        "{}#{i}: unknown signal {s}",
                        c.id
                    );
                }
            }
        }
    }
}

#[test]
fn a_huge_line_is_cut_and_the_rest_of_the_log_is_still_read() {
    let mut log = "x".repeat(5 * 1024 * 1024);
    log.push_str(" denied: permission_denied: write_package\n");
    log.push_str("denied: installation not allowed to Write organization package\n");
    let scan = explain::scan(log.as_bytes()).expect("scan");
    assert_eq!(scan.stats.truncated_lines, 1);
    assert_eq!(scan.explanations.len(), 1, "{:?}", scan.explanations);
    assert_eq!(scan.explanations[0].line, 2);
}

#[test]
fn json_output_carries_line_text_and_alternatives() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = data().join("workflow-missing-packages-write/buildx-packages-read.log");
    let out = ghcr_doctor(home.path())
        .args(["explain", "--format", "json"])
        .arg(&log)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["command"], "explain");
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["check"], "explain");
    assert_eq!(f["cause"], "workflow-missing-packages-write");
    assert_eq!(f["location"]["line"], 21);
    assert_eq!(f["evidence"]["count"], 3);
    assert!(
        f["evidence"]["text"]
            .as_str()
            .expect("text")
            .contains("installation not allowed to Write organization package")
    );
    assert_eq!(
        f["evidence"]["alternatives"],
        serde_json::json!(["fork-or-dependabot-readonly", "package-access-not-granted"])
    );
    assert!(!f["fix"].as_array().expect("fix").is_empty());
    assert_eq!(v["log"]["signals"][0], "packages-read");
}

#[test]
fn a_clean_log_says_so_and_exits_0() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = data().join("none/successful-push.log");
    let out = ghcr_doctor(home.path())
        .args(["explain", "--format", "json"])
        .arg(&log)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["findings"], serde_json::json!([]));
    let out = ghcr_doctor(home.path())
        .arg("explain")
        .arg(&log)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.trim(), explain::nothing_found(&scan_file(&log).stats));
}

#[test]
fn reads_stdin_without_a_file_and_with_dash() {
    let input = b"Error response from daemon: Get \"https://ghcr.io/v2/\": denied: denied\n";
    for args in [vec!["explain"], vec!["explain", "-"]] {
        let home = tempfile::tempdir().expect("tempdir");
        let mut cmd = ghcr_doctor(home.path());
        cmd.args(&args).args(["--format", "json"]);
        let out = run_with_stdin(&mut cmd, input);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let v = json(&out);
        assert_eq!(v["findings"][0]["cause"], "token-invalid");
        assert_eq!(v["findings"][0]["location"]["line"], 1);
        assert_eq!(
            v["findings"][0]["location"]["file"],
            serde_json::Value::Null
        );
    }
}

#[test]
fn unreadable_input_exits_2_with_the_reason() {
    let home = tempfile::tempdir().expect("tempdir");
    let missing = home.path().join("no-such.log");
    let out = ghcr_doctor(home.path())
        .arg("explain")
        .arg(&missing)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such.log"), "{}", stderr(&out));
    // A directory opens but cannot be read.
    let out = ghcr_doctor(home.path())
        .arg("explain")
        .arg(home.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
}

#[test]
fn text_and_markdown_name_the_cause_and_the_fix() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = data().join("fork-or-dependabot-readonly/fork-pull-request.log");
    let out = ghcr_doctor(home.path())
        .arg("explain")
        .arg(&log)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let cause = catalog::cause("fork-or-dependabot-readonly").expect("cause");
    assert!(text.contains(&cause.title), "{text}");
    assert!(text.contains(&cause.fix[0]), "{text}");
    assert!(text.contains(":18"), "line number: {text}");

    let out = ghcr_doctor(home.path())
        .args(["explain", "--format", "markdown"])
        .arg(&log)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("## "), "{md}");
    let link = ghcr_doctor::home::cause_doc("fork-or-dependabot-readonly");
    assert!(md.contains(&format!("]({link})")), "{md}");
}

#[test]
fn exit_code_is_1_when_a_cause_is_found_and_exit_zero_makes_it_0() {
    let home = tempfile::tempdir().expect("tempdir");
    let failing = data().join("registry-denied/dockerhub-push-denied.log");
    let clean = data().join("none/successful-push.log");
    for (log, args, code) in [
        (&failing, vec!["explain"], 1),
        (&failing, vec!["explain", "--format", "json"], 1),
        (&failing, vec!["explain", "--exit-zero"], 0),
        (
            &failing,
            vec!["explain", "--exit-zero", "--format", "json"],
            0,
        ),
        (&clean, vec!["explain"], 0),
        (&clean, vec!["explain", "--exit-zero"], 0),
    ] {
        let out = ghcr_doctor(home.path())
            .args(&args)
            .arg(log)
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?} {}: {}{}",
            log.display(),
            stdout(&out),
            stderr(&out)
        );
    }
    // --exit-zero changes the exit code, not the report.
    let with = ghcr_doctor(home.path())
        .args(["explain", "--exit-zero", "--format", "json"])
        .arg(&failing)
        .output()
        .expect("run");
    assert_eq!(json(&with)["findings"][0]["cause"], "registry-denied");
}

#[test]
fn one_finding_per_cause_with_its_count_lines_and_one_fix() {
    // Two wordings of the same refusal, for two images, on four lines.
    let log = "The push refers to repository [docker.io/octo/app]\n\
               denied: requested access to the resource is denied\n\
               The push refers to repository [docker.io/octo/worker]\n\
               denied: requested access to the resource is denied\n\
               Error: failed to push docker.io/octo/api:1.0: push access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed\n\
               denied: requested access to the resource is denied\n";
    let scan = explain::scan(log.as_bytes()).expect("scan");
    assert_eq!(scan.explanations.len(), 1, "{:?}", scan.explanations);
    let e = &scan.explanations[0];
    assert_eq!(e.cause, "registry-denied");
    assert_eq!(e.count, 4);
    assert_eq!(e.lines, vec![2, 4, 5, 6]);
    assert_eq!(e.line, 2);

    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = ghcr_doctor(home.path());
    cmd.arg("explain");
    let out = run_with_stdin(&mut cmd, log.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let cause = catalog::cause("registry-denied").expect("cause");
    assert_eq!(text.matches(cause.fix[0].as_str()).count(), 1, "{text}");
    assert_eq!(text.matches(cause.title.as_str()).count(), 1, "{text}");

    let mut cmd = ghcr_doctor(home.path());
    cmd.args(["explain", "--format", "json"]);
    let out = run_with_stdin(&mut cmd, log.as_bytes());
    let v = json(&out);
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["evidence"]["count"], 4);
    assert_eq!(
        findings[0]["evidence"]["lines"],
        serde_json::json!([2, 4, 5, 6])
    );
}

#[test]
fn a_token_in_the_log_never_reaches_the_output() {
    let home = tempfile::tempdir().expect("tempdir");
    let log = data().join("token-fine-grained-unsupported/fine-grained-pat-in-terminal.log");
    for format in ["text", "json", "markdown"] {
        let out = ghcr_doctor(home.path())
            .args(["explain", "--format", format])
            .arg(&log)
            .output()
            .expect("run");
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains("github_pat_11"), "{format}: {all}");
        assert!(
            all.contains("token-fine-grained-unsupported"),
            "{format}: {all}"
        );
    }
}
