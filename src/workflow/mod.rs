//! `ghcr-doctor workflow`: lints GitHub Actions workflow files for the mistakes that break
//! pushes to ghcr.io, each finding pointing at file, line and column.
//!
//! Loading reads the given files and folders (a folder means its `*.yml`/`*.yaml` files),
//! follows local reusable workflows (`uses: ./.github/workflows/x.yml`), parses YAML with
//! positions ([`yaml`]), reads the parts that matter ([`model`]), finds logins and pushes
//! ([`push`]) and runs every rule in `rules/`.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::evidence::Fact;
use crate::finding::{CauseId, Finding, Location, Outcome, Report, Status};
use crate::t;

pub mod expr;
pub mod fix;
pub mod model;
pub mod push;
pub(crate) mod rules;
pub mod shell;
pub mod source;
pub mod yaml;

pub use rules::is_fork_guard;

use model::Workflow;
use push::JobScan;
use source::Source;

/// Where workflows live when no path is given.
pub const DEFAULT_PATH: &str = ".github/workflows";

crate::finding::check_meta!(
/// The check id of file-level findings (syntax errors, not a workflow).
    pub YAML_CHECK = "workflow-yaml", docs: "workflow.md", messages: "workflow.yaml");

/// The largest workflow file read. Real workflows are a few KiB; the bound keeps memory in
/// check when a device or a huge file is named, and leaves room for generated files.
pub const MAX_WORKFLOW_BYTES: u64 = 16 * 1024 * 1024;

/// Why the command could not run.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// A path given (or the default folder) cannot be read.
    #[error("{}", t!("workflow.unreadable", path = path.display(), error = source))]
    Unreadable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// No path was given and `.github/workflows` does not exist here.
    #[error("{}", t!("workflow.default-missing", path = DEFAULT_PATH))]
    DefaultMissing,
}

/// A ghcr.io image reference a workflow pushes, with expressions kept as written
/// (`ghcr.io/${{ github.repository }}:latest`): env indirections are resolved, GitHub
/// contexts are not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PushedImage {
    pub job: String,
    pub file: String,
    pub line: usize,
    pub raw: String,
    /// The pushing tool lowercases the name itself (docker/metadata-action), or the
    /// expression does (`${VAR,,}`): the repository's capitals never reach the registry.
    pub lowercased: bool,
}

/// One file as loaded.
struct Loaded {
    canonical: PathBuf,
    /// Relative to the repository root when the file sits in `<root>/.github/workflows/`.
    file: String,
    root: Option<PathBuf>,
    source: Source,
    docs: Result<Vec<yaml::Node>, Problem>,
}

enum Problem {
    Syntax(yaml::SyntaxError),
    NotUtf8,
    /// Could not be read (permissions, a FIFO or device, too large): reported, the other
    /// files are still checked.
    Unreadable(String),
}

/// A workflow with its jobs scanned.
pub struct Analysis<'a> {
    pub wf: Workflow<'a>,
    /// One scan per job, in `wf.jobs` order.
    pub scans: Vec<JobScan>,
    /// Where credentials are written in the file; snippets mask them.
    pub secrets: Vec<source::Mark>,
    /// The repository root, when the file sits in `<root>/.github/workflows/`.
    pub root: Option<&'a Path>,
    canonical: &'a Path,
}

/// Every analysed workflow, for rules that follow reusable workflows.
pub struct Repo<'r> {
    analyses: &'r [Analysis<'r>],
    by_path: HashMap<&'r Path, usize>,
    calls: &'r Calls,
    refused: &'r Refused,
}

impl<'r> Repo<'r> {
    /// The workflow a job of `caller` calls with `uses: ./...`, when it was found.
    pub fn callee(&self, caller: &Analysis<'_>, uses: &str) -> Option<&'r Analysis<'r>> {
        let target = self
            .calls
            .get(&(caller.canonical.to_path_buf(), uses.to_owned()))?;
        self.by_path
            .get(target.as_path())
            .and_then(|i| self.analyses.get(*i))
    }

    /// True when a job of `caller` calls `uses: ./...` outside the folder GitHub runs local
    /// reusable workflows from; the file was not read.
    pub fn call_refused(&self, caller: &Analysis<'_>, uses: &str) -> bool {
        self.refused
            .contains(&(caller.canonical.to_path_buf(), uses.trim().to_owned()))
    }
}

impl fmt::Debug for Analysis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analysis")
            .field("file", &self.wf.file)
            .field("jobs", &self.wf.jobs.len())
            .finish()
    }
}

/// The repository root of a file in `<root>/.github/workflows/`.
fn repo_root(path: &Path) -> Option<PathBuf> {
    let dir = path.parent()?;
    let github = dir.parent()?;
    (dir.file_name()? == "workflows" && github.file_name()? == ".github")
        .then(|| github.parent().map(Path::to_path_buf).unwrap_or_default())
}

fn display(path: &Path) -> String {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

fn load(path: &Path) -> Loaded {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = repo_root(&canonical);
    let file = match &root {
        Some(r) => canonical
            .strip_prefix(r)
            .map(display)
            .unwrap_or_else(|_| display(path)),
        // Followed reusable workflows come as canonical paths: show them relative to the
        // working directory when they are below it.
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| std::fs::canonicalize(cwd).ok())
            .and_then(|cwd| path.strip_prefix(&cwd).ok().map(display))
            .unwrap_or_else(|| display(path)),
    };
    match crate::local_file::read(path, MAX_WORKFLOW_BYTES) {
        Ok(bytes) => parse(canonical, file, root, bytes),
        Err(e) => Loaded {
            canonical,
            file,
            root,
            source: Source::new(String::new()),
            docs: Err(Problem::Unreadable(e.to_string())),
        },
    }
}

/// Parses one file's bytes.
fn parse(canonical: PathBuf, file: String, root: Option<PathBuf>, bytes: Vec<u8>) -> Loaded {
    let (text, docs) = match String::from_utf8(bytes) {
        Ok(text) => {
            let docs = yaml::parse(&text).map_err(Problem::Syntax);
            (text, docs)
        }
        Err(_) => (String::new(), Err(Problem::NotUtf8)),
    };
    Loaded {
        canonical,
        file,
        root,
        source: Source::new(text),
        docs,
    }
}

/// Expands the paths given into workflow files (folders: their `*.yml`/`*.yaml`, sorted).
/// Folders without workflow files are returned apart, to be reported.
fn expand(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), WorkflowError> {
    let default = [PathBuf::from(DEFAULT_PATH)];
    let given: &[PathBuf] = if paths.is_empty() {
        if !default[0].exists() {
            return Err(WorkflowError::DefaultMissing);
        }
        &default
    } else {
        paths
    };
    let mut files = Vec::new();
    let mut empty = Vec::new();
    for p in given {
        let meta = std::fs::metadata(p).map_err(|source| WorkflowError::Unreadable {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|source| WorkflowError::Unreadable {
                path: p.clone(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                // Anything but a folder: a FIFO or an unreadable file named `*.yml` is
                // reported when loading, not skipped in silence.
                .filter(|f| !f.is_dir() && f.extension().is_some_and(|e| e == "yml" || e == "yaml"))
                .collect();
            found.sort();
            if found.is_empty() {
                empty.push(p.clone());
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    Ok((files, empty))
}

/// Where a local `uses: ./...` leads.
enum Call {
    Found(PathBuf),
    /// Outside the folder GitHub runs local reusable workflows from: not read.
    Outside,
    Missing,
}

/// `./.github/workflows/x.yml` relative to the repository root; else a file of the same name
/// next to the caller (for workflows checked outside their repository).
///
/// GitHub runs local reusable workflows only from the repository's own `.github/workflows/`,
/// so the target, canonicalised (`..` and symbolic links resolved), must sit directly in
/// that folder (or, outside a repository, in the caller's folder); anything else is refused
/// unread, so a `uses: ./../../proc/self/environ` never reaches a snippet.
fn resolve_call(caller: &Loaded, uses: &str) -> Call {
    let Some(rel) = uses
        .split('@')
        .next()
        .and_then(|u| u.trim().strip_prefix("./"))
    else {
        return Call::Missing;
    };
    let (allowed, direct) = match &caller.root {
        Some(root) => (root.join(DEFAULT_PATH), Some(root.join(rel))),
        None => match caller.canonical.parent() {
            Some(dir) => (dir.to_path_buf(), None),
            None => return Call::Missing,
        },
    };
    let Ok(allowed) = std::fs::canonicalize(&allowed) else {
        return Call::Missing;
    };
    // Lexically first: `..` or a deeper path never leads to the folder's own files.
    let lexical_ok = Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && match &caller.root {
            Some(_) => {
                let parts: Vec<_> = Path::new(rel)
                    .components()
                    .filter(|c| !matches!(c, Component::CurDir))
                    .collect();
                parts.len() == 3
                    && parts[0].as_os_str() == ".github"
                    && parts[1].as_os_str() == "workflows"
            }
            None => true,
        };
    if !lexical_ok {
        return Call::Outside;
    }
    let inside = |p: &Path| -> Option<PathBuf> {
        let c = std::fs::canonicalize(p).ok()?;
        (c.parent() == Some(allowed.as_path())).then_some(c)
    };
    let mut candidates: Vec<PathBuf> = direct.into_iter().collect();
    if let (Some(name), Some(dir)) = (Path::new(rel).file_name(), caller.canonical.parent()) {
        candidates.push(dir.join(name));
    }
    let mut outside = false;
    for candidate in candidates {
        if !candidate.exists() {
            continue;
        }
        match inside(&candidate) {
            Some(c) => return Call::Found(c),
            // A symbolic link out of the folder.
            None => outside = true,
        }
    }
    if outside {
        Call::Outside
    } else {
        Call::Missing
    }
}

fn local_calls(doc: &yaml::Node) -> Vec<String> {
    doc.get("jobs")
        .map(|jobs| {
            jobs.map()
                .iter()
                .filter_map(|(_, j)| j.get("uses").and_then(yaml::Node::as_str))
                .filter(|u| u.trim().starts_with("./"))
                .map(|u| u.trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Which file each local `uses:` of each caller resolved to.
type Calls = HashMap<(PathBuf, String), PathBuf>;

/// The local `uses:` of each caller that lead out of the workflows folder.
type Refused = HashSet<(PathBuf, String)>;

/// Everything loading found.
struct Loading {
    loaded: Vec<Loaded>,
    /// Folders that held no workflow file.
    empty: Vec<PathBuf>,
    calls: Calls,
    refused: Refused,
}

/// Loads the files and every local reusable workflow they call. A file that cannot be read
/// is kept as such, to be reported; the others are still checked.
fn load_all(paths: &[PathBuf]) -> Result<Loading, WorkflowError> {
    let (files, empty) = expand(paths)?;
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for f in &files {
        let l = load(f);
        if seen.insert(l.canonical.clone()) {
            loaded.push(l);
        }
    }
    let mut calls = HashMap::new();
    let mut refused = HashSet::new();
    let mut i = 0;
    while i < loaded.len() {
        let uses: Vec<String> = match &loaded[i].docs {
            Ok(docs) => docs.first().map(local_calls).unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        for u in uses {
            match resolve_call(&loaded[i], &u) {
                Call::Found(target) => {
                    calls.insert((loaded[i].canonical.clone(), u), target.clone());
                    if seen.insert(target.clone()) {
                        loaded.push(load(&target));
                    }
                }
                Call::Outside => {
                    refused.insert((loaded[i].canonical.clone(), u));
                }
                Call::Missing => {}
            }
        }
        i += 1;
    }
    Ok(Loading {
        loaded,
        empty,
        calls,
        refused,
    })
}

fn analyse(loaded: &[Loaded]) -> Vec<Option<Analysis<'_>>> {
    loaded
        .iter()
        .map(|l| {
            let root = l.docs.as_ref().ok()?.first()?;
            let wf = Workflow::from_root(&l.file, &l.source, root)?;
            let scans: Vec<JobScan> = wf.jobs.iter().map(|j| push::scan(&wf, j)).collect();
            let secrets = scans
                .iter()
                .flat_map(|s| s.literals.iter().map(|l| l.mark))
                .collect();
            Some(Analysis {
                wf,
                scans,
                secrets,
                root: l.root.as_deref(),
                canonical: &l.canonical,
            })
        })
        .collect()
}

fn file_finding(file: &str, status: Status, message: String) -> Finding {
    Finding::new(
        &YAML_CHECK,
        Outcome::of(status, CauseId::WorkflowInvalid),
        file,
        message,
    )
    .with_location(Location {
        file: Some(file.to_owned()),
        line: None,
        column: None,
        end_column: None,
    })
}

/// Checks the workflow files at `paths` (default `.github/workflows`).
pub fn check(paths: &[PathBuf]) -> Result<Report, WorkflowError> {
    let loading = load_all(paths)?;
    Ok(report(
        &loading.loaded,
        loading.empty,
        &loading.calls,
        &loading.refused,
    ))
}

/// Runs every rule on the loaded files and builds the report.
fn report(loaded: &[Loaded], empty: Vec<PathBuf>, calls: &Calls, refused: &Refused) -> Report {
    let slots = analyse(loaded);
    // Rules see every workflow that parsed; keep their indices to map back to files.
    let mut index = vec![None; slots.len()];
    let mut analyses = Vec::new();
    for (i, a) in slots.into_iter().enumerate() {
        if let Some(a) = a {
            index[i] = Some(analyses.len());
            analyses.push(a);
        }
    }
    let by_path = analyses
        .iter()
        .enumerate()
        .map(|(i, a)| (a.canonical, i))
        .collect();
    let repo = Repo {
        analyses: &analyses,
        by_path,
        calls,
        refused,
    };

    let mut report = Report::new("workflow");
    for dir in empty {
        let shown = display(&dir);
        report.push(file_finding(
            &shown,
            Status::Skip,
            t!("workflow.no-files", path = shown),
        ));
    }
    let mut images = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        match (&l.docs, index[i]) {
            (Err(Problem::Syntax(e)), _) => {
                let mark = l.source.mark_pos(yaml::Pos {
                    line: e.pos.line,
                    col: e.pos.col,
                });
                report.push(
                    Finding::new(
                        &YAML_CHECK,
                        Outcome::Fail(CauseId::WorkflowInvalid),
                        l.file.clone(),
                        t!("workflow.yaml.syntax", error = e.message),
                    )
                    .with_location(Location {
                        file: Some(l.file.clone()),
                        line: Some(mark.line),
                        column: Some(mark.col),
                        end_column: Some(mark.end_col),
                    })
                    .with_evidence(Fact::snippet(l.source.snippet(mark, &[])))
                    .with_fix([t!(
                        "workflow.yaml.syntax-fix",
                        line = mark.line,
                        column = mark.col
                    )]),
                );
            }
            (Err(Problem::Unreadable(error)), _) => report.push(
                file_finding(
                    &l.file,
                    Status::Fail,
                    t!("workflow.unreadable", path = l.file, error = error),
                )
                .with_fix([t!("workflow.yaml.unreadable-fix")]),
            ),
            (Err(Problem::NotUtf8), _) => report.push(
                file_finding(&l.file, Status::Fail, t!("workflow.yaml.not-utf8"))
                    .with_fix([t!("workflow.yaml.not-utf8-fix")]),
            ),
            (Ok(_), None) => report.push(file_finding(
                &l.file,
                Status::Skip,
                t!("workflow.not-a-workflow"),
            )),
            (Ok(docs), Some(a)) => {
                let an = &analyses[a];
                let mut found = Vec::new();
                if docs.len() > 1
                    && let Some(second) = docs.get(1)
                {
                    let mark = l.source.mark_pos(second.span.start);
                    found.push(
                        Finding::new(
                            &YAML_CHECK,
                            Outcome::Warn,
                            l.file.clone(),
                            t!("workflow.yaml.multi-document", count = docs.len()),
                        )
                        .with_location(Location {
                            file: Some(l.file.clone()),
                            line: Some(mark.line),
                            column: Some(mark.col),
                            end_column: Some(mark.end_col),
                        })
                        .with_fix([t!("workflow.yaml.multi-document-fix")]),
                    );
                }
                for (_, rule) in rules::RULES {
                    rule(an, &repo, &mut found);
                }
                found.sort_by_key(|f| {
                    f.location
                        .as_ref()
                        .map(|l| (l.line.unwrap_or(0), l.column.unwrap_or(0)))
                });
                // A job that calls a local reusable workflow pushes when the callee does.
                let pushing: Vec<&str> = an
                    .wf
                    .jobs
                    .iter()
                    .zip(&an.scans)
                    .filter(|(j, s)| {
                        s.pushes_ghcr()
                            || j.uses
                                .and_then(|(u, _)| repo.callee(an, u))
                                .is_some_and(|c| c.scans.iter().any(JobScan::pushes_ghcr))
                    })
                    .map(|(j, _)| j.id)
                    .collect();
                let summary = if pushing.is_empty() {
                    t!("workflow.read-none", jobs = an.wf.jobs.len())
                } else {
                    t!(
                        "workflow.read",
                        jobs = an.wf.jobs.len(),
                        pushing = pushing.join(", ")
                    )
                };
                report.push(file_finding(&l.file, Status::Pass, summary));
                report.findings.extend(found);
                images.extend(pushed(an));
            }
        }
    }
    report.extra.insert(
        "pushed_images".into(),
        Value::Array(
            images
                .iter()
                .map(|p| json!({"job": p.job, "file": p.file, "line": p.line, "raw": p.raw}))
                .collect(),
        ),
    );
    report
}

fn pushed(an: &Analysis<'_>) -> Vec<PushedImage> {
    let mut out: Vec<PushedImage> = Vec::new();
    // Seen items in a set: a script of many pushes stays linear.
    let mut seen: HashSet<PushedImage> = HashSet::new();
    for (job, scan) in an.wf.jobs.iter().zip(&an.scans) {
        for p in scan.ghcr_pushes() {
            let Some(image) = &p.image else { continue };
            let item = PushedImage {
                job: job.id.to_owned(),
                file: an.wf.file.to_owned(),
                line: image.mark.line,
                raw: image.raw.clone(),
                lowercased: image.lowercased_by_tool || expr::lowercases(&image.raw),
            };
            if seen.insert(item.clone()) {
                out.push(item);
            }
        }
    }
    out
}

/// The ghcr.io image references the workflows at `paths` push, for callers that resolve
/// them further (the zero-config mode reads `${{ github.repository }}` from the git remote).
pub fn pushed_images(paths: &[PathBuf]) -> Result<Vec<PushedImage>, WorkflowError> {
    let loading = load_all(paths)?;
    Ok(analyse(&loading.loaded)
        .iter()
        .flatten()
        .flat_map(pushed)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_text(text: &str) -> Report {
        let loaded = vec![parse(
            PathBuf::from("/x/.github/workflows/f.yml"),
            ".github/workflows/f.yml".into(),
            None,
            text.as_bytes().to_vec(),
        )];
        report(&loaded, Vec::new(), &Calls::new(), &Refused::new())
    }

    const TEMPLATE: &str = "on: [push, pull_request]\npermissions:\n  contents: read\njobs:\n  b:\n    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n          password: ${{ secrets.GHCR_TOKEN || secrets.GITHUB_TOKEN }}\n      - run: |\n          docker build -t ghcr.io/O/n . && \\\n            docker push \"ghcr.io/O/n\" | tee log\n";

    #[test]
    fn the_template_finds_what_it_should() {
        let r = check_text(TEMPLATE);
        let checks: Vec<&str> = r.findings.iter().map(|f| f.check.as_str()).collect();
        for c in [
            "workflow-missing-packages-write",
            "fork-or-dependabot-readonly",
            "reference-uppercase",
            "secret-fallback",
            "image-source-label-missing",
        ] {
            assert!(checks.contains(&c), "{c} missing from {checks:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text, even broken YAML or shell, gives a report, never a panic or a hang.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let _ = check_text(&text);
        }

        /// Cutting the template anywhere (broken YAML, unterminated quotes, half a script)
        /// gives a report whose every location lies inside the file.
        #[test]
        fn truncated_workflows_point_inside_the_file(cut in 0usize..TEMPLATE.len(), junk in "[ \\-:|\"'$({\\\\\n]{0,8}") {
            let mut text: String = TEMPLATE.chars().take(cut).collect();
            text.push_str(&junk);
            let lines = text.lines().count().max(1) + 1;
            let r = check_text(&text);
            for f in &r.findings {
                if let Some(line) = f.location.as_ref().and_then(|l| l.line) {
                    prop_assert!(line >= 1 && line <= lines, "{} at line {line} of {lines}", f.check);
                }
            }
        }
    }
}
