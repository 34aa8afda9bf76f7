//! JSON output, schema `ghcr-doctor/v1`.
//!
//! The wire structs here are the contract documented in `docs/json.md`: they are built from
//! the internal types, so internal refactors cannot change the output by accident. Fields are
//! only ever added, never renamed or removed, within v1.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use super::Report;
use crate::finding::{Finding, Location};

/// The schema name written in every JSON document.
pub const SCHEMA: &str = "ghcr-doctor/v1";

#[derive(Serialize)]
struct V1Location<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

#[derive(Serialize)]
struct V1Finding<'a> {
    check: &'a str,
    status: &'static str,
    target: &'a str,
    cause: Option<&'a str>,
    message: &'a str,
    fix: &'a [String],
    evidence: &'a crate::evidence::Evidence,
    location: Option<V1Location<'a>>,
}

impl<'a> From<&'a Finding> for V1Finding<'a> {
    fn from(f: &'a Finding) -> Self {
        V1Finding {
            check: &f.check,
            status: f.status.as_str(),
            target: &f.target,
            cause: f.cause.as_deref(),
            message: &f.message,
            fix: &f.fix,
            evidence: &f.evidence,
            location: f.location.as_ref().map(|l: &'a Location| V1Location {
                file: l.file.as_deref(),
                line: l.line,
                column: l.column,
            }),
        }
    }
}

/// The whole document as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let mut doc = Map::new();
    doc.insert("schema".into(), Value::from(SCHEMA));
    doc.insert("command".into(), Value::from(report.command.as_str()));
    doc.insert("ok".into(), Value::from(report.ok()));
    let findings: Vec<V1Finding<'_>> = report.findings.iter().map(V1Finding::from).collect();
    doc.insert(
        "findings".into(),
        serde_json::to_value(findings).unwrap_or(Value::Array(Vec::new())),
    );
    for (k, v) in &report.extra {
        if !doc.contains_key(k) {
            doc.insert(k.clone(), v.clone());
        }
    }
    Value::Object(doc)
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    writeln!(out)
}
