//! `ghcr-doctor workflow --fix`: repairs the mistakes the rules found, as splices at the
//! positions the parser reports, so every byte the fix was not asked to change stays.
//!
//! A fix is data: for each finding, one file per fixable rule turns the finding (rule id,
//! file, job, line and column, evidence) and the file's tree into a [`Plan`], a list of
//! byte-range [`Edit`]s with a message. [`splice`] applies plans, [`diff`] renders them as a
//! unified diff. Where an edit would need a guess (anchors and aliases, a flow mapping over
//! several lines, `permissions:` from an expression) the fix refuses and says why. Fixes run
//! until the files stop changing, so running them again changes nothing.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::evidence::Fact;
use crate::finding::{Finding, Location, Outcome as Verdict, Report, Status};
use crate::t;

use super::{Loaded, WorkflowError};

mod diff;
mod doc;
mod fork_or_dependabot_readonly;
mod login_missing;
mod login_registry_mismatch;
mod packages_write;
mod reference_uppercase;
mod secret_fallback;
mod splice;

use doc::Doc;

crate::finding::check_meta!(
    /// The check of the notes a fix run adds (what was fixed, what was not and why).
    pub FIX_CHECK = "workflow-fix", docs: "workflow.md", messages: "workflow.fix");

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Only fixes that make a correct workflow work (`--fix`, `--fix=safe`).
    Safe,
    /// Also fixes that change what the workflow does (`--fix=all`).
    All,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Safe => "safe",
            Level::All => "all",
        }
    }
}

/// What a fix run may do.
#[derive(Debug, Clone)]
pub struct Options {
    pub level: Level,
    /// `OWNER/ghcr-doctor@REF`, the reference of this project's action for the
    /// `secret-fallback` fix when the file does not use the action yet.
    pub action: Option<String>,
}

/// One splice: replace bytes `start..end` of the file with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Edit {
    /// Inserts `text` at byte `at`, replacing nothing.
    pub fn insert(at: usize, text: String) -> Edit {
        Edit {
            start: at,
            end: at,
            text,
        }
    }
}

/// The edits that fix one finding, with the sentence that says what they do.
#[derive(Debug, Clone)]
pub struct Plan {
    pub rule: &'static str,
    pub target: String,
    /// The line (in the file before the edit) the fix is about.
    pub line: usize,
    pub message: String,
    pub edits: Vec<Edit>,
}

/// What a fixable rule's fixer answers for one finding.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    Fix(Plan),
    /// The file is left alone; the message says why.
    Refuse {
        line: usize,
        reason: String,
    },
}

/// A fixer: the findings of its rule in one file (those of one job together) and the file.
type Fixer = fn(&Doc<'_>, &[&Finding], &Options) -> Vec<(String, Answer)>;

/// Every fixable rule: its id, the level it needs, its fixer.
const FIXERS: &[(&str, Level, Fixer)] = &[
    (
        "workflow-missing-packages-write",
        Level::Safe,
        packages_write::fix,
    ),
    ("reference-uppercase", Level::Safe, reference_uppercase::fix),
    (
        "login-registry-mismatch",
        Level::Safe,
        login_registry_mismatch::fix,
    ),
    (
        "fork-or-dependabot-readonly",
        Level::All,
        fork_or_dependabot_readonly::fix,
    ),
    ("login-missing", Level::All, login_missing::fix),
    ("secret-fallback", Level::All, secret_fallback::fix),
];

/// The level a rule's fix needs, or `None` when the rule has no fix.
pub fn level_of(rule: &str) -> Option<Level> {
    FIXERS
        .iter()
        .find(|(id, _, _)| *id == rule)
        .map(|(_, l, _)| *l)
}

/// One file a fix run changed.
#[derive(Debug, Clone)]
pub struct Changed {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path shown in findings and in the diff.
    pub file: String,
    pub before: String,
    pub after: String,
    /// The unified diff from `before` to `after`.
    pub diff: String,
    /// The diff shows a credential written in the file, so it is not printed.
    pub withheld: bool,
}

/// What a fix run did: the files it changed and the report of what is left.
#[derive(Debug)]
pub struct Outcome {
    pub changed: Vec<Changed>,
    /// The lint report after the edits, with a `workflow-fix` note per fix made or refused.
    pub report: Report,
}

impl Outcome {
    /// The unified diff of every changed file, in load order, to print: without the files
    /// whose diff would show a credential written in them.
    pub fn diff(&self) -> String {
        self.changed
            .iter()
            .filter(|c| !c.withheld)
            .map(|c| c.diff.as_str())
            .collect()
    }
}

/// How many times fixes run over the files at most; each run fixes what the previous one
/// made visible, so that a second `--fix` has nothing left to do.
const ROUNDS: usize = 8;

/// Lints the files at `paths`, fixes what `options` allows, and lints the result. Nothing
/// is written: [`write`] writes an outcome's files.
pub fn fix(paths: &[PathBuf], options: &Options) -> Result<Outcome, WorkflowError> {
    let super::Loading {
        mut loaded,
        empty,
        calls,
        refused,
    } = super::load_all(paths)?;
    // Only the files asked for are edited; reusable workflows they call are read, not fixed.
    let given: HashSet<PathBuf> = super::expand(paths)?
        .0
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    let originals: Vec<String> = loaded.iter().map(|l| l.source.text().to_owned()).collect();
    let mut notes: Vec<Finding> = Vec::new();
    let mut secrets: Vec<Vec<String>> = Vec::new();
    for round in 0..ROUNDS {
        let report = super::report(&loaded, empty.clone(), &calls, &refused);
        if round == 0 {
            secrets = loaded
                .iter()
                .map(|l| written_secrets(l, &report.findings))
                .collect();
        }
        let mut any = false;
        let mut round_notes = Vec::new();
        for l in loaded.iter_mut().filter(|l| given.contains(&l.canonical)) {
            if let Some(text) = fix_file(l, &report.findings, options, &mut round_notes) {
                *l = reparse(l, text);
                any = true;
            }
        }
        // Notes of refusals repeat each round: keep the last round's, and every fix made.
        notes.retain(|n| n.status == Status::Pass);
        notes.extend(round_notes);
        if !any {
            break;
        }
    }
    let mut report = super::report(&loaded, empty, &calls, &refused);
    note_held_back(&report.findings, options, &mut notes);
    let changed: Vec<Changed> = loaded
        .iter()
        .zip(originals)
        .zip(secrets)
        .filter(|((l, before), _)| l.source.text() != before)
        .map(|((l, before), secrets)| {
            let after = l.source.text().to_owned();
            let diff = diff::unified(&l.file, &before, &after);
            let withheld = shows_secret(&diff, &secrets);
            if withheld {
                notes.push(
                    Finding::new(
                        &FIX_CHECK,
                        Verdict::Skip,
                        l.file.clone(),
                        t!("workflow.fix.diff-withheld"),
                    )
                    .with_location(Location::line(Some(l.file.clone()), 1)),
                );
            }
            Changed {
                path: l.canonical.clone(),
                file: l.file.clone(),
                before,
                after,
                diff,
                withheld,
            }
        })
        .collect();
    report.findings.extend(notes);
    Ok(Outcome { changed, report })
}

/// A fixed file could not be written back.
#[derive(Debug, thiserror::Error)]
#[error("{}", t!("workflow.fix.unwritable", path = path.display(), error = source))]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Writes the changed files in place.
pub fn write(outcome: &Outcome) -> Result<(), WriteError> {
    for c in &outcome.changed {
        std::fs::write(&c.path, &c.after).map_err(|source| WriteError {
            path: c.path.clone(),
            source,
        })?;
    }
    Ok(())
}

/// The credentials written in a file, as `hardcoded-credential` found them: kept in memory
/// only, to make sure no diff that is printed shows one.
fn written_secrets(l: &Loaded, findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.check == "hardcoded-credential" && in_file(f, &l.file))
        .filter_map(|f| {
            let loc = f.location.as_ref()?;
            let line = l.source.line(loc.line?);
            let from = loc.column?.checked_sub(1)?;
            let to = loc.end_column?.checked_sub(1)?;
            let secret: String = line
                .chars()
                .skip(from)
                .take(to.saturating_sub(from))
                .collect();
            (secret.chars().count() >= 4).then_some(secret)
        })
        .collect()
}

/// True when a diff would print a written credential or anything shaped like a known token.
/// The wider heuristics of [`crate::secret::redact`] (40-character hex, random-looking runs)
/// are not applied: a diff must keep pinned action commits and digests byte for byte to
/// apply, and they are not secrets.
fn shows_secret(diff: &str, secrets: &[String]) -> bool {
    secrets.iter().any(|s| diff.contains(s.as_str()))
        || crate::secret::shape::shapes().is_none()
        || !crate::secret::shape::tokens_in(diff).is_empty()
}

fn reparse(l: &Loaded, text: String) -> Loaded {
    super::parse(
        l.canonical.clone(),
        l.file.clone(),
        l.root.clone(),
        text.into_bytes(),
    )
}

fn job_of(target: &str) -> String {
    target.strip_prefix("jobs.").unwrap_or(target).to_owned()
}

/// Fixes one file; returns its new text when anything changed.
fn fix_file(
    l: &Loaded,
    findings: &[Finding],
    options: &Options,
    notes: &mut Vec<Finding>,
) -> Option<String> {
    let Ok(docs) = &l.docs else { return None };
    let root = docs.first()?;
    let text = l.source.text();
    let doc = Doc::new(text, root);
    let mut plans: Vec<Plan> = Vec::new();
    for (rule, level, fixer) in FIXERS {
        if *level > options.level {
            continue;
        }
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.check == *rule && in_file(f, &l.file))
            .collect();
        if mine.is_empty() {
            continue;
        }
        for (target, answer) in fixer(&doc, &mine, options) {
            match answer {
                Answer::Fix(plan) => plans.push(plan),
                Answer::Refuse { line, reason } => {
                    notes.push(note(&l.file, rule, &target, Status::Skip, line, reason));
                }
            }
        }
    }
    // Plans that touch what an earlier plan touches wait for the next round.
    let mut kept: Vec<Plan> = Vec::new();
    for p in plans {
        if kept.iter().all(|k| splice::disjoint(&k.edits, &p.edits)) {
            kept.push(p);
        }
    }
    if kept.is_empty() {
        return None;
    }
    let edits: Vec<Edit> = kept.iter().flat_map(|p| p.edits.iter().cloned()).collect();
    let new = match splice::apply(text, &edits) {
        Ok(new) => new,
        Err(_) => return None,
    };
    // The last guard: a fix never leaves a file that does not parse.
    if super::yaml::parse(&new).is_err() {
        for p in &kept {
            notes.push(note(
                &l.file,
                p.rule,
                &p.target,
                Status::Skip,
                p.line,
                t!("workflow.fix.would-break", rule = p.rule),
            ));
        }
        return None;
    }
    for p in kept {
        notes.push(note(
            &l.file,
            p.rule,
            &p.target,
            Status::Pass,
            p.line,
            p.message,
        ));
    }
    Some(new)
}

fn in_file(f: &Finding, file: &str) -> bool {
    f.location
        .as_ref()
        .and_then(|l| l.file.as_deref())
        .is_some_and(|x| x == file)
}

fn note(
    file: &str,
    rule: &str,
    target: &str,
    status: Status,
    line: usize,
    message: String,
) -> Finding {
    // A note never fails: what a fix leaves undone stays as the rule's own finding.
    let verdict = match status {
        Status::Pass => Verdict::Pass,
        Status::Info => Verdict::Info,
        Status::Warn | Status::Fail => Verdict::Warn,
        Status::Skip => Verdict::Skip,
    };
    Finding::new(&FIX_CHECK, verdict, target, message)
        .with_location(Location::line(Some(file.to_owned()), line))
        .with_evidence(Fact::rule(rule))
}

/// One note per remaining finding whose fix needs `--fix=all`.
fn note_held_back(findings: &[Finding], options: &Options, notes: &mut Vec<Finding>) {
    if options.level == Level::All {
        return;
    }
    for f in findings {
        if level_of(&f.check) != Some(Level::All) {
            continue;
        }
        let loc = f.location.as_ref();
        let file = loc.and_then(|l| l.file.clone()).unwrap_or_default();
        let line = loc.and_then(|l| l.line).unwrap_or(1);
        notes.push(note(
            &file,
            &f.check,
            &f.target,
            Status::Info,
            line,
            t!("workflow.fix.held-back", rule = f.check),
        ));
    }
}

/// Groups findings by the job they are about (`jobs.<id>`), in first-seen order.
pub(crate) fn by_job<'f>(findings: &[&'f Finding]) -> Vec<(String, Vec<&'f Finding>)> {
    let mut out: Vec<(String, Vec<&'f Finding>)> = Vec::new();
    for f in findings {
        let job = job_of(&f.target);
        match out.iter_mut().find(|(j, _)| *j == job) {
            Some((_, v)) => v.push(f),
            None => out.push((job, vec![f])),
        }
    }
    out
}

/// The line and column a finding points at.
pub(crate) fn at(f: &Finding) -> Option<(usize, usize, usize)> {
    let l = f.location.as_ref()?;
    let line = l.line?;
    let col = l.column.unwrap_or(1);
    Some((line, col, l.end_column.unwrap_or(col)))
}

/// The line a finding points at (1 when it points nowhere).
pub(crate) fn line(f: &Finding) -> usize {
    at(f).map_or(1, |(l, _, _)| l)
}

/// A refusal of `f`'s fix.
pub(crate) fn refuse(f: &Finding, reason: String) -> (String, Answer) {
    (
        f.target.clone(),
        Answer::Refuse {
            line: line(f),
            reason,
        },
    )
}

/// A plan fixing `f`.
pub(crate) fn plan(
    rule: &'static str,
    f: &Finding,
    message: String,
    edits: Vec<Edit>,
) -> (String, Answer) {
    (
        f.target.clone(),
        Answer::Fix(Plan {
            rule,
            target: f.target.clone(),
            line: line(f),
            message,
            edits,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Fixes one file's text in memory, as `fix` does for a file on disk, until it stops
    /// changing; returns the text and the notes.
    fn fix_text(text: &str, level: Level) -> (String, Vec<Finding>) {
        let options = Options {
            level,
            action: Some("octo-org/ghcr-doctor@v1".into()),
        };
        let mut l = super::super::parse(
            PathBuf::from("/x/.github/workflows/f.yml"),
            ".github/workflows/f.yml".into(),
            None,
            text.as_bytes().to_vec(),
        );
        let mut notes = Vec::new();
        for _ in 0..ROUNDS {
            let report = super::super::report(
                std::slice::from_ref(&l),
                Vec::new(),
                &Default::default(),
                &Default::default(),
            );
            match fix_file(&l, &report.findings, &options, &mut notes) {
                Some(new) => l = reparse(&l, new),
                None => break,
            }
        }
        (l.source.text().to_owned(), notes)
    }

    const TEMPLATE: &str = "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  b:\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          password: ${{ secrets.GHCR_TOKEN || secrets.GITHUB_TOKEN }}\n      - run: |\n          docker build -t ghcr.io/O/n . && \\\n            docker push \"ghcr.io/${{ github.repository }}\" | tee log\n";

    #[test]
    fn the_template_is_fixed_and_stays_fixed() {
        let (fixed, notes) = fix_text(TEMPLATE, Level::All);
        assert!(fixed.contains("      packages: write\n"), "{fixed}");
        assert!(fixed.contains("ghcr.io/o/n"), "{fixed}");
        assert!(fixed.contains("${{ env.REPOSITORY_LC }}"), "{fixed}");
        assert!(notes.iter().any(|n| n.status == Status::Pass));
        let (again, _) = fix_text(&fixed, Level::All);
        assert_eq!(again, fixed);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text gives a result, never a panic; a file that parsed still parses.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let (fixed, _) = fix_text(&text, Level::All);
            if crate::workflow::yaml::parse(&text).is_ok() {
                prop_assert!(crate::workflow::yaml::parse(&fixed).is_ok());
            }
        }

        /// The template cut anywhere, with junk and either line ending: the fix never panics,
        /// never breaks a file that parsed, and a second run changes nothing.
        #[test]
        fn truncated_workflows_fix_cleanly(
            cut in 0usize..TEMPLATE.len(),
            junk in "[ \\-:|\"'$({\\\\\n#&*]{0,8}",
            crlf in any::<bool>(),
        ) {
            let mut text: String = TEMPLATE.chars().take(cut).collect();
            text.push_str(&junk);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            let (fixed, _) = fix_text(&text, Level::All);
            if crate::workflow::yaml::parse(&text).is_ok() {
                prop_assert!(crate::workflow::yaml::parse(&fixed).is_ok(), "{fixed}");
                let (again, _) = fix_text(&fixed, Level::All);
                prop_assert_eq!(again, fixed);
            } else {
                prop_assert_eq!(fixed, text);
            }
        }
    }
}
