//! The real-log corpus (`tests/data/explain/real/`): excerpts from public issue threads, each
//! labelled with the cause the thread established, in a development part (the one patterns
//! are written from) and twenty-eight held-out parts (`heldout`, `heldout2`, … `heldout28`, never read
//! while writing patterns; each collected by someone else from threads the other parts avoid).
//! Twenty-six of them (`heldout` to `heldout8` and `heldout10` to `heldout27`) are now `spent`: read to write patterns after their
//! last held-out figure, scored the same way, no longer held-out.
//! For a part whose status in `docs/accuracy.toml` is `measured` or `spent`, the first cause
//! `explain` names must match the label on at least the recorded share (the figures
//! `docs/accuracy.md` shows); a development negative (`cause = "none"`) must raise no finding,
//! and another part's negatives no more than recorded. A part that is `collected` is checked
//! for form only (manifest, files, cause ids, size) and not scored: it is scored once, later,
//! and its status becomes `measured`. No thread is in two parts.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use ghcr_doctor::catalog;
use ghcr_doctor::explain;
use serde::Deserialize;

use crate::support::root;

/// A part's manifest (`PART.toml`): one case per excerpt.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Manifest {
    pub(super) case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Case {
    pub(super) file: String,
    source: String,
    pub(super) cause: String,
    tool: String,
    ci: String,
    registry: String,
    note: String,
}

/// One part's recorded figures.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figure {
    /// `measured`; `spent` (a held-out part read to write patterns, scored like a measured
    /// one); `collected` (the part is there but has not been scored yet: only its form is
    /// checked); or `not present` (the part has not been added yet).
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

/// `docs/accuracy.toml`: the date of the figures and one table per part of `PARTS`, no more.
struct Figures {
    date: String,
    parts: BTreeMap<String, Figure>,
}

impl Figures {
    fn part(&self, name: &str) -> &Figure {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("docs/accuracy.toml has no [{name}]"))
    }
}

/// Every part of the corpus, development first.
const PARTS: [&str; 29] = [
    "dev",
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
    "heldout16",
    "heldout17",
    "heldout18",
    "heldout19",
    "heldout20",
    "heldout21",
    "heldout22",
    "heldout23",
    "heldout24",
    "heldout25",
    "heldout26",
    "heldout27",
    "heldout28",
];

/// A collected but unscored part holds at least this many excerpts.
const COLLECTED_MIN_CASES: usize = 100;

pub(super) fn real() -> PathBuf {
    root().join("tests/data/explain/real")
}

fn figures() -> Figures {
    let path = root().join("docs/accuracy.toml");
    let text = std::fs::read_to_string(&path).expect("docs/accuracy.toml exists");
    let mut table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let date = match table.remove("date") {
        Some(toml::Value::String(date)) => date,
        other => panic!("docs/accuracy.toml: `date` must be a string, found {other:?}"),
    };
    let mut parts = BTreeMap::new();
    for (name, value) in table {
        assert!(
            PARTS.contains(&name.as_str()),
            "docs/accuracy.toml: [{name}] is not a part of the corpus (PARTS)"
        );
        let figure: Figure = value
            .try_into()
            .unwrap_or_else(|e| panic!("docs/accuracy.toml [{name}]: {e}"));
        parts.insert(name, figure);
    }
    for part in PARTS {
        assert!(
            parts.contains_key(part),
            "docs/accuracy.toml lacks [{part}]"
        );
    }
    Figures { date, parts }
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

    /// The accuracy as recorded: in percent, rounded to one decimal.
    fn rounded(&self) -> f64 {
        (self.accuracy() * 10.0).round() / 10.0
    }
}

/// The part's manifest (`PART.toml`), or `None` when the part has not been added.
pub(super) fn manifest(part: &str) -> Option<Manifest> {
    let manifest = real().join(format!("{part}.toml"));
    if !manifest.exists() {
        return None;
    }
    let text = std::fs::read_to_string(&manifest).expect("read manifest");
    let m: Manifest =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    Some(m)
}

fn score(part: &str) -> Option<Score> {
    let m = manifest(part)?;
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
    let dev = f.part("dev");
    assert_eq!(dev.status, "measured");
    assert_eq!(s.cases, dev.cases, "docs/accuracy.toml: dev cases");
    assert!(s.negatives >= 20, "only {} negatives", s.negatives);
    assert!(
        s.false_alarms.is_empty(),
        "negatives raised findings: {:?}\n{summary}",
        s.false_alarms
    );
    assert!(
        s.rounded() + 1e-9 >= dev.accuracy,
        "dev accuracy {:.1} % is below the recorded {:.1} %\n{summary}",
        s.accuracy(),
        dev.accuracy
    );
}

/// A collected part is well formed: every case passes `check_case` (its file exists, its
/// cause is a known id or `none`), every file in the part's directory has a case, and the
/// part is large enough to score. Nothing is scanned.
fn collected(part: &str, figure: &Figure) {
    let m = manifest(part).unwrap_or_else(|| {
        panic!("docs/accuracy.toml records {part} as collected but it is missing")
    });
    for case in &m.case {
        check_case(part, case);
    }
    let listed: BTreeSet<&str> = m.case.iter().map(|c| c.file.as_str()).collect();
    assert_eq!(listed.len(), m.case.len(), "{part}: a file is listed twice");
    let dir = real().join(part);
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let name = entry.expect("directory entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            listed.contains(name.as_ref()),
            "{part}: {name} has no case in {part}.toml"
        );
    }
    assert!(
        m.case.len() >= COLLECTED_MIN_CASES,
        "{part}: only {} excerpts, at least {COLLECTED_MIN_CASES} wanted",
        m.case.len()
    );
    assert_eq!(
        figure.cases, 0,
        "docs/accuracy.toml: {part} is collected, not measured; it has no figures yet"
    );
}

/// A held-out part scores at least its recorded figure with no more false alarms than
/// recorded. Its misses are listed by file name and causes only: the excerpts are not for
/// reading while patterns are written. A part recorded as `collected` is only checked for
/// form (see `collected`), never scanned.
fn held_out(part: &str) {
    let figures = figures();
    let figure = figures.part(part);
    if figure.status == "collected" {
        collected(part, figure);
        return;
    }
    match score(part) {
        None => assert_eq!(
            figure.status, "not present",
            "docs/accuracy.toml records a {part} figure but the part is missing"
        ),
        Some(s) => {
            let summary = report(part, &s);
            assert!(
                matches!(figure.status.as_str(), "measured" | "spent"),
                "{part}: status {}",
                figure.status
            );
            assert_eq!(s.cases, figure.cases, "docs/accuracy.toml: {part} cases");
            assert!(
                s.false_alarms.len() <= figure.false_alarms,
                "{part} negatives raised findings: {:?}",
                s.false_alarms
            );
            assert!(
                s.rounded() + 1e-9 >= figure.accuracy,
                "{part} accuracy {:.1} % is below the recorded {:.1} %\n{summary}",
                s.accuracy(),
                figure.accuracy
            );
        }
    }
}

#[test]
fn held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout");
}

#[test]
fn second_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout2");
}

#[test]
fn third_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout3");
}

#[test]
fn fourth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout4");
}

#[test]
fn fifth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout5");
}

#[test]
fn sixth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout6");
}

#[test]
fn seventh_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout7");
}

#[test]
fn eighth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout8");
}

#[test]
fn ninth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout9");
}

#[test]
fn tenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout10");
}

#[test]
fn eleventh_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout11");
}

#[test]
fn twelfth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout12");
}

#[test]
fn thirteenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout13");
}

#[test]
fn fourteenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout14");
}

#[test]
fn fifteenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout15");
}

#[test]
fn sixteenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout16");
}

#[test]
fn seventeenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout17");
}

#[test]
fn eighteenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout18");
}

#[test]
fn nineteenth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout19");
}

#[test]
fn twentieth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout20");
}

#[test]
fn twenty_first_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout21");
}

#[test]
fn twenty_second_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout22");
}

#[test]
fn twenty_third_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout23");
}

#[test]
fn twenty_fourth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout24");
}

#[test]
fn twenty_fifth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout25");
}

#[test]
fn twenty_sixth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout26");
}

#[test]
fn twenty_seventh_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout27");
}

#[test]
fn twenty_eighth_held_out_part_scores_at_least_its_recorded_accuracy() {
    held_out("heldout28");
}

/// How many of a part's excerpts its recorded share names right: the one count that rounds to
/// it (one decimal).
fn right_of(figure: &Figure) -> usize {
    let matches = |right: usize| {
        format!("{:.1}", 100.0 * right as f64 / figure.cases as f64)
            == format!("{:.1}", figure.accuracy)
    };
    let counts: Vec<usize> = (0..=figure.cases).filter(|&r| matches(r)).collect();
    assert_eq!(
        counts.len(),
        1,
        "docs/accuracy.toml: {} % of {} is no single count of excerpts: {counts:?}",
        figure.accuracy,
        figure.cases
    );
    counts[0]
}

/// `owner/repo#N`, compared without case as GitHub does.
fn thread_key(source: &str) -> String {
    source.trim().to_lowercase()
}

#[test]
fn no_thread_is_in_two_parts() {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut present = 0;
    for part in PARTS {
        let Some(m) = manifest(part) else { continue };
        present += 1;
        let threads: BTreeSet<String> = m.case.iter().map(|c| thread_key(&c.source)).collect();
        for thread in &threads {
            if let Some(other) = seen.insert(thread.clone(), part) {
                panic!("{thread} is in both {other} and {part}");
            }
        }
        // A held-out part's published thread list, where there is one, names exactly its
        // threads: that list is what the other collectors skipped.
        let list = real().join(format!("{part}-threads.txt"));
        if list.exists() {
            let text = std::fs::read_to_string(&list).expect("read thread list");
            let listed: BTreeSet<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(thread_key)
                .collect();
            assert_eq!(
                listed,
                threads,
                "{} does not name exactly the threads of {part}.toml",
                list.display()
            );
        }
    }
    assert!(present >= 2, "fewer than two parts present");
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
    let dev = format!("{:.1} %", f.part("dev").accuracy);
    assert!(
        page.contains(&dev),
        "docs/accuracy.md lacks the dev figure {dev}"
    );
    for part in PARTS.iter().skip(1) {
        let figure = f.part(part);
        match figure.status.as_str() {
            "measured" | "spent" => {
                let held = format!("{:.1} %", figure.accuracy);
                assert!(
                    page.contains(&held),
                    "docs/accuracy.md lacks the {part} figure {held}"
                );
                // The share alone may stand on the page for another part: the count too.
                let right = right_of(figure);
                let count = format!("{right} of {}", figure.cases);
                assert!(
                    page.contains(&count),
                    "docs/accuracy.md lacks the {part} count {count} ({held})"
                );
            }
            // Not scored yet: the page describes the part but shows no figure for it.
            "collected" => assert!(
                page.contains(&format!("tests/data/explain/real/{part}/")),
                "docs/accuracy.md does not describe {part}"
            ),
            "not present" => assert!(page.contains("not present"), "{part}"),
            other => panic!("docs/accuracy.toml: {part} has unknown status {other}"),
        }
    }
}
