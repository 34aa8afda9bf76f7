//! The catalog of causes: the single source of every explanation and fix the tool gives.
//!
//! `catalog/causes.toml` is embedded at build time. Each entry has a stable kebab-case id,
//! a title, an explanation, fix steps and sources. `explain` matches log text against it,
//! `check`, `workflow` and `verify` name its ids in their findings, and `docs/causes.md` is
//! generated from it (a test keeps the file in step).

use std::sync::OnceLock;

use serde::Deserialize;

static CAUSES_TOML: &str = include_str!("../catalog/causes.toml");

/// One cause of a registry or authentication failure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    /// Stable kebab-case id; never renamed once published.
    pub id: String,
    /// A short noun phrase.
    pub title: String,
    /// What happened and why, in a few sentences.
    pub explanation: String,
    /// The steps that fix it, in order.
    pub fix: Vec<String>,
    /// Where the wording and the cause come from (issues, docs, code).
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    cause: Vec<Cause>,
}

/// Parses the embedded catalog. Errors are reported by the test suite; at run time a broken
/// catalog yields an empty list rather than a crash.
pub fn parse(text: &str) -> Result<Vec<Cause>, toml::de::Error> {
    toml::from_str::<CatalogFile>(text).map(|f| f.cause)
}

/// Every cause, in catalog order.
pub fn causes() -> &'static [Cause] {
    static CAUSES: OnceLock<Vec<Cause>> = OnceLock::new();
    CAUSES.get_or_init(|| parse(CAUSES_TOML).unwrap_or_default())
}

/// The cause with this id.
pub fn cause(id: &str) -> Option<&'static Cause> {
    causes().iter().find(|c| c.id == id)
}

/// The embedded catalog's text (for the test that checks it parses).
pub fn source_text() -> &'static str {
    CAUSES_TOML
}

/// `docs/causes.md`, generated from the catalog.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Causes\n\n\
         <!-- Generated from catalog/causes.toml by `GHCR_DOCTOR_BLESS=1 cargo test docs`; do not edit by hand. -->\n\n\
         Every finding that names a cause uses one of these ids. They are stable: an id is never\n\
         renamed, so scripts may match on them (`jq '.findings[].cause'`).\n\n",
    );
    for c in causes() {
        out.push_str(&format!("- [`{}`](#{}): {}\n", c.id, c.id, c.title));
    }
    for c in causes() {
        out.push_str(&format!(
            "\n## {}\n\n**{}**\n\n{}\n\n",
            c.id,
            c.title,
            c.explanation.trim()
        ));
        out.push_str("Fix:\n\n");
        for (i, step) in c.fix.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, step));
        }
        if !c.sources.is_empty() {
            out.push_str("\nSources: ");
            out.push_str(&c.sources.join("; "));
            out.push('\n');
        }
    }
    out
}
