//! SARIF 2.1.0 output, in the subset GitHub code scanning reads.
//!
//! One run. `tool.driver.rules` holds one rule per cause and per check that has a result: a
//! result that names a cause has the cause id as its `ruleId` (several checks can find one
//! cause), others the check id. A rule has the catalog's title, explanation and fix as its
//! descriptions and help, and `helpUri` is an absolute link to the project's own
//! documentation of the cause or the check ([`crate::home`]). Every failing and warning
//! finding is a result, and so is every note that names a file; passes and skips are left
//! out.
//!
//! Where a result points: the file and line of its finding; else, for a finding about an
//! image, the workflow line that pushes that image when the report knows it (the
//! no-argument run's `images`); else a logical location naming the image or target. The
//! place in a CI log that showed the failure (`evidence.log` of `explain --run`) is a
//! related location (the job's log URL, with the log line) and a logical location naming
//! the job.

use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

use super::Report;
use crate::evidence::{Fact, Key};
use crate::finding::{Finding, Status};
use crate::{home, t};

/// The schema URI written in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub truncates descriptions beyond this many characters.
const MAX_DESCRIPTION: usize = 1024;

/// §3.27.10 level of a status (`None` for passes and skips, which are not results).
fn level(status: Status) -> Option<&'static str> {
    match status {
        Status::Fail => Some("error"),
        Status::Warn => Some("warning"),
        Status::Info => Some("note"),
        Status::Pass | Status::Skip => None,
    }
}

fn rank(level: &str) -> u8 {
    match level {
        "error" => 3,
        "warning" => 2,
        _ => 1,
    }
}

/// Characters kept as they are in a relative URI; everything else is percent-encoded.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

/// A file path as a URI: relative paths stay relative (to the repository root), absolute
/// ones become `file://` URIs.
pub fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let encoded = utf8_percent_encode(&path, URI_KEEP).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_DESCRIPTION {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(MAX_DESCRIPTION - 1).collect();
    t.push('…');
    t
}

/// The rule id of a finding: its cause when it names one, else its check.
pub fn rule_id(f: &Finding) -> &str {
    f.cause.map_or(f.check.as_str(), |c| c.as_str())
}

/// §3.49 reportingDescriptor for a finding's rule.
fn rule(f: &Finding, level: &'static str) -> Value {
    let id = rule_id(f).to_owned();
    let cause = f.cause.map(|c| c.entry());
    let help_uri = match f.cause {
        Some(c) => home::cause_doc(c.as_str()),
        None => home::check_url(&f.check),
    };
    let short = cause.map_or_else(
        || t!("sarif.rule-short", id = id),
        |c| c.title_text().to_owned(),
    );
    let full = cause.map_or_else(|| f.message.clone(), |c| c.explanation_text().to_owned());
    let fix: Vec<String> = cause.map_or_else(Vec::new, |c| c.fix_text().to_vec());
    let mut text = full.clone();
    let mut markdown = full.clone();
    if !fix.is_empty() {
        let heading = t!("sarif.fix-heading");
        text.push_str(&format!("\n\n{heading}\n"));
        markdown.push_str(&format!("\n\n**{heading}**\n\n"));
        for (i, step) in fix.iter().enumerate() {
            text.push_str(&format!("{}. {step}\n", i + 1));
            markdown.push_str(&format!("{}. {step}\n", i + 1));
        }
    }
    let see = t!("sarif.see", uri = help_uri);
    text.push_str(&format!("\n{see}"));
    markdown.push_str(&format!("\n{see}"));
    json!({
        "id": id,
        "name": id,
        "shortDescription": { "text": truncate(&short) },
        "fullDescription": { "text": truncate(&full) },
        "help": { "text": text, "markdown": markdown },
        "helpUri": help_uri,
        "defaultConfiguration": { "level": level },
        "properties": { "check": f.check },
    })
}

/// A physical location: `file` at `line` (column span when known).
fn physical(file: &str, line: usize, column: Option<usize>, end: Option<usize>) -> Value {
    let line = line.max(1);
    let mut region = Map::new();
    region.insert("startLine".into(), json!(line));
    if let Some(column) = column.map(|c| c.max(1)) {
        let end = end.filter(|e| *e > column).unwrap_or(column + 1);
        region.insert("startColumn".into(), json!(column));
        region.insert("endLine".into(), json!(line));
        region.insert("endColumn".into(), json!(end));
    }
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file_uri(file) },
            "region": region,
        }
    })
}

/// Where the workflows push each image, from the no-argument run's `images` rows.
fn pushed_at(report: &Report) -> Vec<(String, String, usize)> {
    let Some(rows) = report.extra.get("images").and_then(Value::as_array) else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(|r| {
            Some((
                r.get("image")?.as_str()?.to_owned(),
                r.get("file")?.as_str()?.to_owned(),
                usize::try_from(r.get("line")?.as_u64()?).ok()?,
            ))
        })
        .collect()
}

/// The images a finding is about: its `images` evidence (the diagnosis), else its target.
fn images_of(f: &Finding) -> Vec<String> {
    match f.evidence.get(Key::Images) {
        Some(Fact::Images(list)) => list.clone(),
        _ => vec![f.target.clone()],
    }
}

/// §3.28 the primary location of a result.
fn primary_location(f: &Finding, pushed: &[(String, String, usize)], command: &str) -> Value {
    if let Some(loc) = &f.location
        && let Some(file) = &loc.file
    {
        return physical(file, loc.line.unwrap_or(1), loc.column, loc.end_column);
    }
    for image in images_of(f) {
        if let Some((_, file, line)) = pushed.iter().find(|(i, _, _)| *i == image) {
            return physical(file, *line, None, None);
        }
    }
    if let Some(log) = log_place(f) {
        return json!({ "logicalLocations": [log] });
    }
    let name = if f.target.is_empty() {
        command.to_owned()
    } else {
        f.target.clone()
    };
    json!({
        "logicalLocations": [{
            "name": name,
            "fullyQualifiedName": name,
            "kind": "resource",
        }]
    })
}

/// §3.33 the logical location of the CI log line a finding came from (`evidence.log`).
fn log_place(f: &Finding) -> Option<Value> {
    let Some(Fact::Log(log)) = f.evidence.get(Key::Log) else {
        return None;
    };
    let job = log.job.as_str();
    let name = match log.line {
        Some(line) => t!("sarif.log-line", job = job, line = line),
        None => t!("sarif.log-job", job = job),
    };
    Some(json!({ "name": name, "fullyQualifiedName": name, "kind": "resource" }))
}

/// §3.27.22 related locations: the CI log that showed the failure, by its URL and line.
fn related_locations(f: &Finding) -> Vec<Value> {
    let Some(Fact::Log(log)) = f.evidence.get(Key::Log) else {
        return Vec::new();
    };
    let Some(place) = log_place(f) else {
        return Vec::new();
    };
    let mut location = Map::new();
    location.insert("id".into(), json!(0));
    if let Some(url) = &log.url {
        let mut physical = json!({ "artifactLocation": { "uri": url } });
        if let Some(line) = log.line.filter(|l| *l > 0) {
            physical["region"] = json!({ "startLine": line });
        }
        location.insert("physicalLocation".into(), physical);
    }
    location.insert(
        "message".into(),
        json!({ "text": place["name"].as_str().unwrap_or_default() }),
    );
    location.insert("logicalLocations".into(), json!([place]));
    vec![Value::Object(location)]
}

fn log(report: &Report) -> Value {
    let pushed = pushed_at(report);
    let mut rules: Vec<Value> = Vec::new();
    let mut results = Vec::new();
    for f in &report.findings {
        let Some(level) = level(f.status) else {
            continue;
        };
        let has_file = f.location.as_ref().is_some_and(|l| l.file.is_some());
        // Notes are results only where code scanning can show them: on a file.
        if f.status == Status::Info && !has_file {
            continue;
        }
        let id = rule_id(f);
        let index = match rules.iter().position(|r| r["id"] == id) {
            Some(i) => {
                let current = rules[i]["defaultConfiguration"]["level"]
                    .as_str()
                    .unwrap_or("note");
                if rank(level) > rank(current) {
                    rules[i]["defaultConfiguration"]["level"] = json!(level);
                }
                i
            }
            None => {
                rules.push(rule(f, level));
                rules.len() - 1
            }
        };
        let mut message = f.message.clone();
        for step in &f.fix {
            message.push_str(&format!("\n{} {step}", t!("sarif.fix-heading")));
        }
        let mut result = json!({
            "ruleId": id,
            "ruleIndex": index,
            "level": level,
            "message": { "text": message },
            "locations": [primary_location(f, &pushed, &report.command)],
            "properties": { "check": f.check, "target": f.target },
        });
        let related = related_locations(f);
        if !related.is_empty() {
            result["relatedLocations"] = Value::Array(related);
        }
        results.push(result);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": home::doc("README.md"),
                    "rules": rules,
                }
            },
            "automationDetails": { "id": format!("{}/", report.command) },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// The SARIF document as a JSON value.
pub fn to_value(report: &Report) -> Value {
    log(report)
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Fact, Log};

    use crate::finding::Location;
    use crate::report::test_findings::{cause, found};

    fn at(file: &str, line: usize) -> Location {
        Location {
            file: Some(file.into()),
            line: Some(line),
            column: Some(3),
            end_column: Some(8),
        }
    }

    #[test]
    fn results_only_for_problems_with_a_location() {
        let mut r = Report::new("workflow");
        r.push(
            found("login-missing", Status::Warn, "jobs.a", "m1")
                .with_cause(cause("login-missing"))
                .with_location(at(".github/workflows/a b.yml", 4)),
        );
        r.push(
            found("login-missing", Status::Fail, "jobs.b", "m2")
                .with_cause(cause("login-missing"))
                .with_location(at(".github/workflows/a.yml", 9)),
        );
        r.push(found("workflow-yaml", Status::Pass, "f", "ok").with_location(at("f", 1)));
        r.push(found("secret-fallback", Status::Info, "x", "no location"));
        let v = to_value(&r);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 2);
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0]["id"], "login-missing");
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");
        assert!(rules[0]["helpUri"].as_str().is_some_and(
            |u| u.starts_with("https://") && u.ends_with("/docs/causes.md#login-missing")
        ));
        assert!(
            !rules[0]["help"]["text"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
        let loc = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            ".github/workflows/a%20b.yml"
        );
        assert_eq!(loc["region"]["startLine"], 4);
        assert_eq!(loc["region"]["startColumn"], 3);
        assert_eq!(loc["region"]["endColumn"], 8);
        assert_eq!(results[0]["level"], "warning");
        assert_eq!(results[1]["level"], "error");
    }

    #[test]
    fn findings_without_a_file_point_at_the_pushing_line_the_image_or_the_log() {
        let mut r = Report::new("auto");
        r.extra.insert(
            "images".into(),
            json!([{ "image": "ghcr.io/o/a", "file": ".github/workflows/ci.yml", "line": 7 }]),
        );
        r.push(
            found("registry-push", Status::Fail, "ghcr.io/o/a", "denied")
                .with_cause(cause("token-missing-scope")),
        );
        r.push(found(
            "registry-reachable",
            Status::Warn,
            "ghcr.io/o/b",
            "slow",
        ));
        r.push(
            found("explain", Status::Fail, "run 1", "denied in the log")
                .with_cause(cause("workflow-missing-packages-write"))
                .with_evidence(Fact::log(Log {
                    job: "build".into(),
                    job_id: 3,
                    line: Some(42),
                    lines: None,
                    url: Some("https://github.com/o/a/actions/runs/1/job/3".into()),
                    bytes: 0,
                    truncated: false,
                })),
        );
        r.push(found("registry-pull", Status::Pass, "ghcr.io/o/a", "ok"));
        let v = to_value(&r);
        let run = &v["runs"][0];
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["ruleId"], "token-missing-scope");
        let loc = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], ".github/workflows/ci.yml");
        assert_eq!(loc["region"]["startLine"], 7);
        assert_eq!(results[1]["ruleId"], "registry-reachable");
        assert_eq!(
            results[1]["locations"][0]["logicalLocations"][0]["name"],
            "ghcr.io/o/b"
        );
        let related = &results[2]["relatedLocations"][0];
        assert_eq!(
            related["physicalLocation"]["artifactLocation"]["uri"],
            "https://github.com/o/a/actions/runs/1/job/3"
        );
        assert_eq!(related["physicalLocation"]["region"]["startLine"], 42);
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "token-missing-scope",
                "registry-reachable",
                "workflow-missing-packages-write"
            ]
        );
        assert_eq!(rules[0]["helpUri"], home::cause_doc("token-missing-scope"));
        assert_eq!(rules[1]["helpUri"], home::check_url("registry-reachable"));
        assert!(
            rules[1]["helpUri"].as_str().is_some_and(
                |u| u.starts_with("https://") && u.contains("/docs/checks/registry.md#")
            )
        );
    }
}
