//! `ghcr-doctor workflow --fix` and `--diff`: every fix on the fixture workflows (the rule is
//! gone on re-lint, the tree is the same but for the nodes the fix adds or changes, untouched
//! lines and comments stay byte for byte, CRLF stays CRLF, a second run changes nothing), the
//! refusals; `cli` runs the command (`--diff` through `git apply`), `property` the property
//! test over the fixtures.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use ghcr_doctor::finding::{Finding, Status};
use ghcr_doctor::t;
use ghcr_doctor::workflow::fix::{self, FIX_CHECK, Level, Options};
use ghcr_doctor::workflow::{self, yaml};

use crate::support::root;

mod cli;
mod property;

const ACTION: &str = "octo-org/ghcr-doctor@0123456789abcdef0123456789abcdef01234567";

fn workflows() -> PathBuf {
    root().join("tests/fixtures/workflows")
}

fn edge() -> PathBuf {
    root().join("tests/fixtures/workflow-fix")
}

fn yml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// A repository in a temporary folder with every fixture in `.github/workflows/` (reusable
/// workflows resolve there), optionally with CRLF line endings.
fn repo(crlf_endings: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    for f in yml_files(&workflows())
        .into_iter()
        .chain(yml_files(&edge()))
    {
        let text = std::fs::read_to_string(&f).expect("read fixture");
        let text = if crlf_endings { crlf(&text) } else { text };
        let name = f.file_name().expect("name");
        std::fs::write(wf.join(name), text).expect("write fixture");
    }
    dir
}

fn options(level: Level) -> Options {
    Options {
        level,
        action: Some(ACTION.into()),
    }
}

fn in_file<'a>(findings: &'a [Finding], file: &str) -> impl Iterator<Item = &'a Finding> {
    let name = format!("/{file}");
    findings.iter().filter(move |f| {
        f.location
            .as_ref()
            .and_then(|l| l.file.as_deref())
            .is_some_and(|p| p.ends_with(&name) || p == file)
    })
}

/// The old lines a unified diff removes and the new lines it adds (1-based).
fn diff_lines(diff: &str) -> (HashSet<usize>, HashSet<usize>) {
    let (mut removed, mut added) = (HashSet::new(), HashSet::new());
    let (mut old, mut new) = (0usize, 0usize);
    for l in diff.split_inclusive('\n') {
        if let Some(h) = l.strip_prefix("@@ -") {
            let mut parts = h.split(' ');
            let o = parts.next().unwrap_or_default();
            let n = parts.next().unwrap_or_default().trim_start_matches('+');
            old = o
                .split(',')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            new = n
                .split(',')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            continue;
        }
        if l.starts_with("diff --git") || l.starts_with("--- ") || l.starts_with("+++ ") {
            continue;
        }
        match l.chars().next() {
            Some(' ') => {
                old += 1;
                new += 1;
            }
            Some('-') => {
                removed.insert(old);
                old += 1;
            }
            Some('+') => {
                added.insert(new);
                new += 1;
            }
            _ => {}
        }
    }
    (removed, added)
}

/// Lines with their endings, 1-based, without those in `skip`.
fn kept_lines(text: &str, skip: &HashSet<usize>) -> Vec<String> {
    text.split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| !skip.contains(&(i + 1)))
        .map(|(_, l)| l.to_owned())
        .collect()
}

/// `b` is `a` except for nodes `b` adds and nodes on the lines in `changed` (of `a`).
fn same_except(a: &yaml::Node, b: &yaml::Node, changed: &HashSet<usize>) -> Result<(), String> {
    let here = a.span.start.line;
    match (&a.value, &b.value) {
        (yaml::Value::Map(x), yaml::Value::Map(y)) => {
            for (k, v) in x {
                let key = k.as_str().unwrap_or_default();
                match y.iter().find(|(k2, _)| k2.as_str() == Some(key)) {
                    Some((_, v2)) => {
                        same_except(v, v2, changed).map_err(|e| format!("{key}.{e}"))?
                    }
                    None if changed.contains(&k.span.start.line) => {}
                    None => return Err(format!("{key} (line {}) is gone", k.span.start.line)),
                }
            }
            Ok(())
        }
        (yaml::Value::Seq(x), yaml::Value::Seq(y)) => {
            let mut j = 0;
            for (i, item) in x.iter().enumerate() {
                let found = (j..y.len()).find(|&k| same_except(item, &y[k], changed).is_ok());
                match found {
                    Some(k) => j = k + 1,
                    None if changed.contains(&item.span.start.line) => {}
                    None => return Err(format!("[{i}] (line {}) is gone", item.span.start.line)),
                }
            }
            Ok(())
        }
        // A scalar over several lines (a script) changes when any of its lines does.
        _ if a.value == b.value
            || (here..=a.span.end.line.max(here)).any(|l| changed.contains(&l)) =>
        {
            Ok(())
        }
        _ => Err(format!(
            " line {here}: {:?} became {:?}",
            a.as_str(),
            b.as_str()
        )),
    }
}

/// The `# comment` tails of a text's lines.
fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let t = l.trim_start();
            if t.starts_with('#') {
                return Some(t.trim_end().to_owned());
            }
            l.find(" #").map(|i| l[i + 1..].trim_end().to_owned())
        })
        .collect()
}

const PACKAGES: &str = "workflow-missing-packages-write";
const UPPERCASE: &str = "reference-uppercase";
const MISMATCH: &str = "login-registry-mismatch";
const FORK: &str = "fork-or-dependabot-readonly";
const LOGIN: &str = "login-missing";
const FALLBACK: &str = "secret-fallback";
use Level::{All, Safe};

/// A fixture, the rule its fix repairs, the level it needs, and the lines the fix rewrites
/// (every other line stays byte for byte).
type Case = (&'static str, &'static str, Level, &'static [usize]);

const CASES: &[Case] = &[
    ("bake.yml", PACKAGES, Safe, &[]),
    ("docker-docs-multi-registry.yml", PACKAGES, Safe, &[]),
    ("goreleaser.yml", PACKAGES, Safe, &[]),
    ("job-block-replaces-workflow.yml", PACKAGES, Safe, &[]),
    ("job-block-without-packages.yml", PACKAGES, Safe, &[]),
    ("merge-by-digest.yml", PACKAGES, Safe, &[]),
    ("no-permissions-block.yml", PACKAGES, Safe, &[]),
    ("reusable-caller-denies.yml", PACKAGES, Safe, &[]),
    ("reusable-caller-pull-request.yml", PACKAGES, Safe, &[]),
    ("reusable-caller-workflow-block.yml", PACKAGES, Safe, &[]),
    ("workflow-block-empty.yml", PACKAGES, Safe, &[]),
    ("workflow-block-read-all.yml", PACKAGES, Safe, &[]),
    ("flow-permissions.yml", PACKAGES, Safe, &[10]),
    ("packages-read-quoted.yml", PACKAGES, Safe, &[8]),
    ("job-read-all.yml", PACKAGES, Safe, &[6]),
    ("uppercase-context.yml", UPPERCASE, Safe, &[26, 27]),
    ("uppercase-literal.yml", UPPERCASE, Safe, &[22]),
    ("uppercase-script.yml", UPPERCASE, Safe, &[18, 20]),
    ("login-dockerhub-default.yml", MISMATCH, Safe, &[]),
    ("login-literal-password.yml", MISMATCH, Safe, &[14]),
    ("mismatch-flow-with.yml", MISMATCH, Safe, &[9]),
    ("mismatch-token-registry.yml", MISMATCH, Safe, &[12]),
    ("mismatch-typo.yml", MISMATCH, Safe, &[15]),
    ("fork-run-step.yml", FORK, All, &[]),
    ("login-missing-4space.yml", LOGIN, All, &[]),
    ("pull-request-unguarded.yml", FORK, All, &[25]),
    ("reusable-caller-pull-request.yml", FORK, All, &[]),
    ("imagetools-merge.yml", LOGIN, All, &[]),
    ("login-after-push.yml", LOGIN, All, &[]),
    ("login-missing.yml", LOGIN, All, &[]),
    ("registry-tools.yml", LOGIN, All, &[]),
    ("secret-fallback.yml", FALLBACK, All, &[12, 14, 15, 16]),
];

/// Runs one case in a fresh repository; returns the fixed text.
fn run_case(case: &Case, crlf_endings: bool) -> String {
    let dir = repo(crlf_endings);
    let path = dir.path().join(".github/workflows").join(case.0);
    let before = std::fs::read_to_string(&path).expect("read");
    let name = format!("{} ({})", case.0, if crlf_endings { "CRLF" } else { "LF" });

    let lint = workflow::check(std::slice::from_ref(&path)).expect("lint");
    assert!(
        in_file(&lint.findings, case.0).any(|f| f.check == case.1),
        "{name}: {} not found before the fix",
        case.1
    );

    let outcome = fix::fix(std::slice::from_ref(&path), &options(case.2)).expect("fix");
    fix::write(&outcome).expect("write");
    let after = std::fs::read_to_string(&path).expect("read");
    assert_ne!(before, after, "{name}: nothing changed");
    assert_eq!(
        outcome.changed.len(),
        1,
        "{name}: only the file asked for changes"
    );
    assert!(
        in_file(&outcome.report.findings, case.0)
            .any(|f| f.check == FIX_CHECK && f.status == Status::Pass),
        "{name}: no note of the fix"
    );

    // The rule is gone on re-lint.
    let relint = workflow::check(std::slice::from_ref(&path)).expect("lint");
    let left: Vec<String> = in_file(&relint.findings, case.0)
        .filter(|f| f.check == case.1)
        .map(|f| f.message.clone())
        .collect();
    assert!(left.is_empty(), "{name}: still {left:?}\n{after}");

    // Only the expected lines were rewritten; every other line is byte-identical.
    let (removed, added) = diff_lines(&outcome.changed[0].diff);
    let want: HashSet<usize> = case.3.iter().copied().collect();
    assert_eq!(
        removed, want,
        "{name}: rewritten lines\n{}",
        outcome.changed[0].diff
    );
    assert_eq!(
        kept_lines(&before, &removed),
        kept_lines(&after, &added),
        "{name}: untouched lines changed"
    );

    // Same tree except the nodes added or changed; comments survive.
    let a = yaml::parse(&before).expect("before parses");
    let b = yaml::parse(&after).expect("after parses");
    if let Err(e) = same_except(&a[0], &b[0], &removed) {
        panic!("{name}: tree differs: {e}\n{after}");
    }
    for c in comments(&before) {
        assert!(after.contains(&c), "{name}: comment {c:?} lost");
    }
    if crlf_endings {
        let lone = after
            .match_indices('\n')
            .any(|(i, _)| i == 0 || &after[i - 1..i] != "\r");
        assert!(!lone, "{name}: a line lost its CRLF ending");
    }

    // A second run changes nothing.
    let again = fix::fix(std::slice::from_ref(&path), &options(case.2)).expect("fix");
    assert!(
        again.changed.is_empty(),
        "{name}: the second run changed {:?}",
        again.diff()
    );
    after
}

#[test]
fn every_fix_repairs_its_fixture_and_keeps_everything_else() {
    let mut rules: HashSet<&str> = HashSet::new();
    for case in CASES {
        let lf = run_case(case, false);
        let crlf_fixed = run_case(case, true);
        assert_eq!(
            crlf_fixed,
            crlf(&lf),
            "{}: CRLF and LF fixes differ",
            case.0
        );
        rules.insert(case.1);
    }
    for rule in [
        "workflow-missing-packages-write",
        "reference-uppercase",
        "login-registry-mismatch",
        "fork-or-dependabot-readonly",
        "login-missing",
        "secret-fallback",
    ] {
        assert!(rules.contains(rule), "no case fixes {rule}");
        assert!(fix::level_of(rule).is_some(), "{rule} has no fixer");
    }
}

#[test]
fn the_edge_fixtures_are_fixed_exactly_as_written_down() {
    for name in [
        "flow-permissions",
        "packages-read-quoted",
        "job-read-all",
        "uppercase-script",
        "mismatch-flow-with",
        "mismatch-token-registry",
        "mismatch-typo",
        "fork-run-step",
        "login-missing-4space",
    ] {
        let case = CASES
            .iter()
            .find(|c| c.0 == format!("{name}.yml"))
            .expect("case");
        let got = run_case(case, false);
        let want = std::fs::read_to_string(edge().join(format!("{name}.yml.fixed")))
            .expect("expected file");
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn behaviour_changing_fixes_wait_for_fix_all() {
    let dir = repo(false);
    let path = dir
        .path()
        .join(".github/workflows/pull-request-unguarded.yml");
    let before = std::fs::read_to_string(&path).expect("read");
    let outcome = fix::fix(std::slice::from_ref(&path), &options(Level::Safe)).expect("fix");
    assert!(outcome.changed.is_empty());
    let held = outcome
        .report
        .findings
        .iter()
        .find(|f| f.check == FIX_CHECK)
        .expect("a note");
    assert_eq!(held.check, "workflow-fix");
    assert_eq!(held.status, Status::Info);
    assert_eq!(
        held.message,
        t!(
            "workflow.fix.held-back",
            rule = "fork-or-dependabot-readonly"
        )
    );
    fix::write(&outcome).expect("write");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
}

#[test]
fn what_cannot_be_fixed_without_a_guess_is_left_alone_with_the_reason() {
    let dir = repo(false);
    let wf = dir.path().join(".github/workflows");
    let what = |job: &str| t!("workflow.fix.what.permissions", job = job);
    let cases = [
        (
            "refuse-anchor.yml",
            t!("workflow.fix.refuse.alias", what = what("amd64")),
        ),
        (
            "refuse-flow-multiline.yml",
            t!("workflow.fix.refuse.flow-multiline", what = what("build")),
        ),
        (
            "refuse-expression.yml",
            t!("workflow.fix.refuse.expression", what = what("build")),
        ),
        ("secret-fallback.yml", t!("workflow.fix.fallback.no-action")),
        ("tolower.yml", t!("workflow.fix.uppercase.to-lower")),
        (
            "pull-request-target-checkout.yml",
            t!("workflow.fix.fork.target"),
        ),
        (
            "refuse-fork-if.yml",
            t!("workflow.fix.fork.has-if", line = 15),
        ),
        (
            "refuse-mismatch-choice.yml",
            t!(
                "workflow.fix.mismatch.choice",
                login = "quay.io",
                registry = "ghcr.io"
            ),
        ),
    ];
    for (file, reason) in cases {
        let path = wf.join(file);
        let before = std::fs::read_to_string(&path).expect("read");
        let opts = Options {
            level: Level::All,
            action: None,
        };
        let outcome = fix::fix(std::slice::from_ref(&path), &opts).expect("fix");
        fix::write(&outcome).expect("write");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            before,
            "{file} changed"
        );
        let notes: Vec<&Finding> = outcome
            .report
            .findings
            .iter()
            .filter(|f| f.check == FIX_CHECK && f.status == Status::Skip)
            .collect();
        assert!(
            notes.iter().any(|n| n.message == reason),
            "{file}: {reason:?} not in {:?}",
            notes.iter().map(|n| &n.message).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_file_that_cannot_be_written_back_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").expect("write");
    let path = blocker.join("ci.yml");
    let outcome = fix::Outcome {
        changed: vec![fix::Changed {
            path: path.clone(),
            file: "ci.yml".into(),
            before: "a: 1\n".into(),
            after: "a: 2\n".into(),
            diff: String::new(),
            withheld: false,
        }],
        report: ghcr_doctor::report::Report::new("workflow"),
    };
    let err = fix::write(&outcome).expect_err("cannot write under a file");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.starts_with("cannot write"), "{message}");
}

#[test]
fn only_the_files_asked_for_are_edited_not_the_reusable_workflows_they_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    let caller = "on: push\njobs:\n  image:\n    permissions:\n      contents: read\n      packages: write\n    uses: ./.github/workflows/build.yml\n";
    let callee = "on: workflow_call\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          username: ${{ github.actor }}\n          password: ${{ secrets.GITHUB_TOKEN }}\n      - run: docker buildx build --push --label org.opencontainers.image.source=https://github.com/octo-org/app -t ghcr.io/Octo-Org/app:1 .\n";
    std::fs::write(wf.join("ci.yml"), caller).expect("write");
    std::fs::write(wf.join("build.yml"), callee).expect("write");
    let outcome = fix::fix(&[wf.join("ci.yml")], &options(Level::All)).expect("fix");
    assert!(outcome.changed.is_empty(), "{}", outcome.diff());
    // The callee's finding is still reported.
    assert!(
        outcome
            .report
            .findings
            .iter()
            .any(|f| f.check == UPPERCASE && f.status == Status::Fail)
    );
    let outcome = fix::fix(std::slice::from_ref(&wf), &options(Level::All)).expect("fix");
    assert_eq!(outcome.changed.len(), 1);
    assert!(outcome.changed[0].after.contains("ghcr.io/octo-org/app:1"));
}
