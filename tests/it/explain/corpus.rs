//! The real-log corpus (`tests/data/explain/real/`): excerpts from public issue threads, each
//! labelled with the cause the thread established, in a development part (the one patterns
//! are written from) and a held-out part (never read while writing patterns). The first cause
//! `explain` names must match the label on at least the share recorded in `docs/accuracy.toml`
//! (the figures `docs/accuracy.md` shows), and a negative (`cause = "none"`) must raise no
//! finding.

use std::fs::File;
use std::path::{Path, PathBuf};

use ghcr_doctor::catalog;
use ghcr_doctor::explain;
use serde::Deserialize;

use crate::support::root;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    source: String,
    cause: String,
    tool: String,
    ci: String,
    registry: String,
    note: String,
}

/// One part's recorded figures.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figure {
    /// `measured`, or `not present` (the part has not been added yet).
    status: String,
    #[serde(default)]
    cases: usize,
    /// First-cause accuracy in percent, one decimal.
    #[serde(default)]
    accuracy: f64,
    /// Negatives that raised a finding.
    #[serde(default)]
    false_alarms: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figures {
    date: String,
    dev: Figure,
    heldout: Figure,
}

fn real() -> PathBuf {
    root().join("tests/data/explain/real")
}

fn figures() -> Figures {
    let path = root().join("docs/accuracy.toml");
    let text = std::fs::read_to_string(&path).expect("docs/accuracy.toml exists");
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a part scored.
struct Score {
    cases: usize,
    correct: usize,
    negatives: usize,
    false_alarms: Vec<String>,
    misses: Vec<String>,
}

impl Score {
    fn accuracy(&self) -> f64 {
        if self.cases == 0 {
            return 0.0;
        }
        (self.correct as f64) * 100.0 / (self.cases as f64)
    }
}

fn score(part: &str) -> Option<Score> {
    let manifest = real().join(format!("{part}.toml"));
    if !manifest.exists() {
        return None;
    }
    let text = std::fs::read_to_string(&manifest).expect("read manifest");
    let m: Manifest =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let mut s = Score {
        cases: 0,
        correct: 0,
        negatives: 0,
        false_alarms: Vec::new(),
        misses: Vec::new(),
    };
    for case in &m.case {
        check_case(part, case);
        let path: PathBuf = real().join(part).join(&case.file);
        let scan = explain::scan(File::open(&path).unwrap_or_else(|e| {
            panic!("{}: {e}", path.display());
        }))
        .expect("scan");
        let first = scan.explanations.first().map(|e| e.cause.as_str());
        s.cases += 1;
        if case.cause == "none" {
            s.negatives += 1;
            match first {
                None => s.correct += 1,
                Some(c) => s.false_alarms.push(format!("{}: named {c}", case.file)),
            }
            continue;
        }
        if first == Some(case.cause.as_str()) {
            s.correct += 1;
        } else {
            let others: Vec<&str> = scan.explanations.iter().map(|e| e.cause.as_str()).collect();
            s.misses.push(format!(
                "{} ({}): expected {}, named {:?}",
                case.file, case.source, case.cause, others
            ));
        }
    }
    Some(s)
}

/// The manifest row is well formed: a known cause, a file that exists, the agreed fields.
fn check_case(part: &str, case: &Case) {
    let path: &Path = Path::new(&case.file);
    assert!(
        real().join(part).join(path).is_file(),
        "{part}: {} is listed but missing",
        case.file
    );
    assert!(
        case.cause == "none" || catalog::cause(&case.cause).is_some(),
        "{part}: {} names unknown cause {}",
        case.file,
        case.cause
    );
    let (owner_repo, n) = case
        .source
        .split_once('#')
        .unwrap_or_else(|| panic!("{part}: {} source {}", case.file, case.source));
    let stem = format!("{}__{n}", owner_repo.replace('/', "__"));
    assert!(
        case.file.starts_with(&stem),
        "{part}: {} does not match its source {}",
        case.file,
        case.source
    );
    for (what, v) in [
        ("tool", &case.tool),
        ("ci", &case.ci),
        ("registry", &case.registry),
        ("note", &case.note),
    ] {
        assert!(!v.trim().is_empty(), "{part}: {} has no {what}", case.file);
    }
}

/// The part's score and misses, written to `target/explain-accuracy/PART.txt` (the figures
/// to record in `docs/accuracy.toml`) and returned for assertion messages.
fn report(part: &str, s: &Score) -> String {
    let mut out = format!(
        "{part}: {}/{} first causes right ({:.1} %), {} negatives, {} false alarms\n",
        s.correct,
        s.cases,
        s.accuracy(),
        s.negatives,
        s.false_alarms.len()
    );
    for m in s.misses.iter().chain(&s.false_alarms) {
        out.push_str(&format!("  miss: {m}\n"));
    }
    let dir = root().join("target/explain-accuracy");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("{part}.txt")), &out);
    }
    out
}

#[test]
fn development_part_scores_at_least_its_recorded_accuracy() {
    let f = figures();
    assert!(!f.date.is_empty());
    let s = score("dev").expect("tests/data/explain/real/dev.toml exists");
    let summary = report("dev", &s);
    assert_eq!(f.dev.status, "measured");
    assert_eq!(s.cases, f.dev.cases, "docs/accuracy.toml: dev cases");
    assert!(s.negatives >= 20, "only {} negatives", s.negatives);
    assert!(
        s.false_alarms.is_empty(),
        "negatives raised findings: {:?}\n{summary}",
        s.false_alarms
    );
    assert!(
        s.accuracy() + 1e-9 >= f.dev.accuracy,
        "dev accuracy {:.1} % is below the recorded {:.1} %\n{summary}",
        s.accuracy(),
        f.dev.accuracy
    );
}

#[test]
fn held_out_part_scores_at_least_its_recorded_accuracy() {
    let f = figures();
    // The held-out misses are listed by file name and causes only: the excerpts are not for
    // reading while patterns are written.
    match score("heldout") {
        None => assert_eq!(
            f.heldout.status, "not present",
            "docs/accuracy.toml records a held-out figure but the part is missing"
        ),
        Some(s) => {
            let summary = report("heldout", &s);
            assert_eq!(f.heldout.status, "measured");
            assert_eq!(
                s.cases, f.heldout.cases,
                "docs/accuracy.toml: heldout cases"
            );
            assert!(
                s.false_alarms.len() <= f.heldout.false_alarms,
                "held-out negatives raised findings: {:?}",
                s.false_alarms
            );
            assert!(
                s.accuracy() + 1e-9 >= f.heldout.accuracy,
                "held-out accuracy {:.1} % is below the recorded {:.1} %\n{summary}",
                s.accuracy(),
                f.heldout.accuracy
            );
        }
    }
}

#[test]
fn the_accuracy_page_shows_the_recorded_figures() {
    let f = figures();
    let page = std::fs::read_to_string(root().join("docs/accuracy.md")).expect("docs/accuracy.md");
    assert!(
        page.contains(&f.date),
        "docs/accuracy.md lacks the date {}",
        f.date
    );
    let dev = format!("{:.1} %", f.dev.accuracy);
    assert!(
        page.contains(&dev),
        "docs/accuracy.md lacks the dev figure {dev}"
    );
    if f.heldout.status == "measured" {
        let held = format!("{:.1} %", f.heldout.accuracy);
        assert!(
            page.contains(&held),
            "docs/accuracy.md lacks the held-out figure {held}"
        );
    } else {
        assert!(page.contains("not present"));
    }
}
