//! SARIF 2.1.0 output, in the subset GitHub code scanning reads.
//!
//! Only what is emitted is modelled; each struct names its section of the SARIF 2.1.0
//! standard. One run; `tool.driver.rules` holds one rule per check id that has a result, with
//! the catalog's title, explanation and fix as descriptions and help, and `helpUri` pointing
//! at the cause's section of `docs/causes.md`. Results are the fail, warn and info findings
//! that name a file (code scanning shows nothing without a location); passes and skips are
//! left out.

use std::io::{self, Write};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::Report;
use crate::catalog;
use crate::finding::{Finding, Status};
use crate::home;
use crate::t;

/// The schema URI written in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub truncates descriptions beyond this many characters.
const MAX_DESCRIPTION: usize = 1024;

/// §3.13 sarifLog.
#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

/// §3.14 run.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    /// §3.14.27: our columns count characters.
    column_kind: &'static str,
    results: Vec<ResultObject>,
}

/// §3.18 tool.
#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

/// §3.19 toolComponent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: String,
    rules: Vec<Rule>,
}

/// §3.11 message / multiformatMessageString.
#[derive(Serialize)]
struct Text {
    text: String,
}

/// §3.12 multiformatMessageString with Markdown.
#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

/// §3.50 reportingConfiguration.
#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

/// §3.49 reportingDescriptor.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

/// §3.27 result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<LocationObject>,
}

/// §3.28 location.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationObject {
    physical_location: PhysicalLocation,
}

/// §3.29 physicalLocation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

/// §3.4 artifactLocation.
#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// §3.30 region.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

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

fn rule(report: &Report, f: &Finding, level: &'static str) -> Rule {
    let id = f.check.clone();
    let cause = f
        .cause
        .as_deref()
        .and_then(catalog::cause)
        .or_else(|| catalog::cause(&id));
    let help_uri = match cause {
        Some(c) => home::cause_doc(&c.id),
        None => home::check_doc(&report.command, &id),
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
    Rule {
        name: id.clone(),
        id,
        short_description: Text {
            text: truncate(&short),
        },
        full_description: Text {
            text: truncate(&full),
        },
        help: Help { text, markdown },
        help_uri,
        default_configuration: Configuration { level },
    }
}

fn log(report: &Report) -> Log {
    let mut rules: Vec<Rule> = Vec::new();
    let mut results = Vec::new();
    for f in &report.findings {
        let Some(level) = level(f.status) else {
            continue;
        };
        let Some(loc) = &f.location else { continue };
        let Some(file) = &loc.file else { continue };
        let index = match rules.iter().position(|r| r.id == f.check) {
            Some(i) => {
                if rank(level) > rank(rules[i].default_configuration.level) {
                    rules[i].default_configuration.level = level;
                }
                i
            }
            None => {
                rules.push(rule(report, f, level));
                rules.len() - 1
            }
        };
        let line = loc.line.unwrap_or(1).max(1);
        let column = loc.column.unwrap_or(1).max(1);
        let end_column = loc.end_column.filter(|e| *e > column).unwrap_or(column + 1);
        let mut message = f.message.clone();
        for step in &f.fix {
            message.push_str(&format!("\n{} {step}", t!("sarif.fix-heading")));
        }
        results.push(ResultObject {
            rule_id: f.check.clone(),
            rule_index: index,
            level,
            message: Text { text: message },
            locations: vec![LocationObject {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: file_uri(file),
                    },
                    region: Region {
                        start_line: line,
                        start_column: column,
                        end_line: line,
                        end_column,
                    },
                },
            }],
        });
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: home::doc("README.md"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

/// The SARIF document as a JSON value.
pub fn to_value(report: &Report) -> serde_json::Value {
    serde_json::to_value(log(report)).unwrap_or(serde_json::Value::Null)
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::finding::{CauseId, Outcome};

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
            Finding::new(
                &crate::workflow::rules::login_missing::CHECK,
                Outcome::Warn,
                "jobs.a",
                "m1",
            )
            .with_cause(CauseId::LoginMissing)
            .with_location(at(".github/workflows/a b.yml", 4)),
        );
        r.push(
            Finding::new(
                &crate::workflow::rules::login_missing::CHECK,
                Outcome::Fail(CauseId::LoginMissing),
                "jobs.b",
                "m2",
            )
            .with_location(at(".github/workflows/a.yml", 9)),
        );
        r.push(
            Finding::new(&crate::workflow::YAML_CHECK, Outcome::Pass, "f", "ok")
                .with_location(at("f", 1)),
        );
        r.push(Finding::new(
            &crate::workflow::rules::secret_fallback::CHECK,
            Outcome::Info,
            "x",
            "no location",
        ));
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
}
