//! The catalog of causes: the single source of every explanation and fix the tool gives.
//!
//! `catalog/causes.toml` is embedded at build time. Each entry has a stable kebab-case id,
//! a title, an explanation, fix steps, sources, and the log messages that name it
//! (`[[cause.pattern]]`). `explain` matches log text against those patterns, `check`,
//! `workflow` and `verify` name the ids in their findings, and `docs/causes.md` is generated
//! from it (a test keeps the file in step).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize, Serializer};

include!(concat!(env!("OUT_DIR"), "/causes.rs"));

impl CauseId {
    /// The cause id spelled `id`, if the catalog holds it (ids read from logs and servers).
    pub fn from_id(id: &str) -> Option<CauseId> {
        CauseId::ALL.iter().copied().find(|c| c.as_str() == id)
    }

    /// The catalog's entry: title, explanation, fix steps.
    pub fn entry(self) -> &'static Cause {
        static EMPTY: OnceLock<Cause> = OnceLock::new();
        cause(self.as_str()).unwrap_or_else(|| {
            // Only reachable when the embedded catalog fails to parse, which the test suite
            // rules out.
            EMPTY.get_or_init(Cause::default)
        })
    }

    /// The catalog's fix steps, in the language in use (English when untranslated).
    pub fn fix(self) -> Vec<String> {
        self.entry().fix_text().to_vec()
    }

    /// The catalog's title, in the language in use (English when untranslated).
    pub fn title(self) -> &'static str {
        self.entry().title_text()
    }
}

impl std::fmt::Display for CauseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cause id reads as its kebab-case string (`f.cause.as_deref() == Some("token-invalid")`).
impl std::ops::Deref for CauseId {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for CauseId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CauseId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for CauseId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

static CAUSES_TOML: &str = include_str!("../catalog/causes.toml");

/// Translations of the causes' texts, one file per language (`catalog/<lang>/causes.toml`),
/// keyed by cause id. The English text in `catalog/causes.toml` is the source and the
/// fallback for any cause or field a translation lacks.
static TRANSLATIONS: &[(&str, &str)] = &[("zh-CN", include_str!("../catalog/zh-CN/causes.toml"))];

/// A cause's texts in one language (`catalog/<lang>/causes.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseText {
    /// The title, translated.
    pub title: String,
    /// The explanation, translated.
    pub explanation: String,
    /// The fix steps, translated, in the same order and number as the English ones.
    pub fix: Vec<String>,
}

/// Parses a translation file: a table per cause id.
pub fn parse_translation(
    text: &str,
) -> Result<std::collections::BTreeMap<String, CauseText>, toml::de::Error> {
    toml::from_str(text)
}

fn translations()
-> &'static std::collections::HashMap<&'static str, std::collections::BTreeMap<String, CauseText>> {
    static T: OnceLock<
        std::collections::HashMap<&'static str, std::collections::BTreeMap<String, CauseText>>,
    > = OnceLock::new();
    T.get_or_init(|| {
        TRANSLATIONS
            .iter()
            .filter_map(|(lang, text)| Some((*lang, parse_translation(text).ok()?)))
            .collect()
    })
}

/// Every translation file, as `(language, text)` (for the test suite).
pub fn translation_sources() -> &'static [(&'static str, &'static str)] {
    TRANSLATIONS
}

/// The translation of cause `id` into `lang`, if there is one.
pub fn translation(lang: &str, id: &str) -> Option<&'static CauseText> {
    translations().get(lang)?.get(id)
}

impl Cause {
    fn text_in(&self, lang: &str) -> Option<&'static CauseText> {
        translation(lang, &self.id)
    }

    /// The title in the language in use (English when untranslated).
    pub fn title_text(&self) -> &str {
        self.text_in(crate::message::language())
            .map_or(self.title.as_str(), |t| t.title.as_str())
    }

    /// The explanation in the language in use (English when untranslated), trimmed.
    pub fn explanation_text(&self) -> &str {
        self.text_in(crate::message::language())
            .map_or(self.explanation.as_str(), |t| t.explanation.as_str())
            .trim()
    }

    /// The fix steps in the language in use (English when untranslated).
    pub fn fix_text(&self) -> &[String] {
        self.text_in(crate::message::language())
            .filter(|t| t.fix.len() == self.fix.len())
            .map_or(self.fix.as_slice(), |t| t.fix.as_slice())
    }
}

/// One cause of a registry or authentication failure.
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// The cause only exists in GitHub Actions runs (the workflow's token, fork pull
    /// requests): `explain` does not name it first for a log from elsewhere.
    #[serde(default)]
    pub actions_only: bool,
    /// The messages that make this cause the first suspect (`[[cause.pattern]]`).
    #[serde(default, rename = "pattern")]
    pub patterns: Vec<Pattern>,
}

/// A message, as a tool prints it, that points at a cause.
///
/// `literal` is found case-insensitively by one multi-pattern search over every pattern; only
/// lines that contain it are tested against `regex`. The cause that owns the pattern is the
/// first suspect; `alternatives` are the other suspects in order, and `rank` rules reorder
/// them when the rest of the log tells more (a pull request, the token's kind, ...).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// A fragment every occurrence contains, matched ignoring ASCII case.
    #[serde(rename = "match")]
    pub literal: String,
    /// A regular expression (case-insensitive) that confirms the message; when absent the
    /// literal alone decides.
    #[serde(default)]
    pub regex: Option<String>,
    /// When several patterns match one line, the highest weight wins (specific messages
    /// outweigh generic ones). Default 50.
    #[serde(default = "default_weight")]
    pub weight: u8,
    /// A generic message (`403 Forbidden` without a body) that is dropped when a specific
    /// message in the same log already names one of its suspects.
    #[serde(default)]
    pub weak: bool,
    /// The message is generic outside registries (`connection refused`, `429`): it counts
    /// only when the same line, or one of the few lines just before it, names a registry or
    /// shows a pull or push under way (see `registry_context`).
    #[serde(default)]
    pub needs_registry_context: bool,
    /// A protocol-level signal (`status-401`, `status-403`, ...) found by
    /// `explain::protocol` in any client's wording, instead of the literal `match`, which then
    /// only describes it.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Other suspects, most likely first.
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// Context rules, tried in order; the first whose signals are all present puts its cause
    /// first.
    #[serde(default)]
    pub rank: Vec<RankRule>,
    /// The tools that print this wording.
    pub printed_by: String,
    /// Where the wording was seen (issue, documentation, source file).
    pub source: String,
}

/// "When the log shows all of `when`, the first suspect is `first`."
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankRule {
    /// Context signal names (see `explain::context::Signal`).
    pub when: Vec<String>,
    /// The cause id that becomes the first suspect.
    pub first: String,
}

fn default_weight() -> u8 {
    50
}

/// The whole catalog file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Fragments that tie a line to a container registry (`/v2/`, `ghcr.io`, ...), for
    /// patterns with `needs_registry_context`.
    #[serde(default)]
    pub registry_context: Vec<String>,
    /// Every cause, in catalog order.
    pub cause: Vec<Cause>,
}

/// Parses catalog text into causes. Errors are reported by the test suite; at run time a
/// broken catalog yields an empty list rather than a crash.
pub fn parse(text: &str) -> Result<Vec<Cause>, toml::de::Error> {
    parse_catalog(text).map(|c| c.cause)
}

/// Parses catalog text, registry context included.
pub fn parse_catalog(text: &str) -> Result<Catalog, toml::de::Error> {
    toml::from_str::<Catalog>(text)
}

/// The embedded catalog.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        parse_catalog(CAUSES_TOML).unwrap_or(Catalog {
            registry_context: Vec::new(),
            cause: Vec::new(),
        })
    })
}

/// Every cause, in catalog order.
pub fn causes() -> &'static [Cause] {
    &catalog().cause
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
    markdown_in(crate::message::DEFAULT_LANGUAGE)
}

/// The causes page in `lang`: `docs/causes.md` for English, `docs/<lang>/causes.md` for a
/// translation. Ids, log messages and sources are the same in every language.
pub fn markdown_in(lang: &str) -> String {
    use crate::message::text_in;
    let mut out = format!(
        "# {}\n\n<!-- {} -->\n\n{}\n\n",
        text_in(lang, "catalog.docs.title", &[]),
        text_in(lang, "catalog.docs.generated", &[]),
        text_in(lang, "catalog.docs.intro", &[]).trim_end(),
    );
    let texts = |c: &'static Cause| -> (&'static str, &'static str, &'static [String]) {
        match translation(lang, &c.id).filter(|t| t.fix.len() == c.fix.len()) {
            Some(t) => (&t.title, &t.explanation, &t.fix),
            None => (&c.title, &c.explanation, &c.fix),
        }
    };
    for c in causes() {
        let (title, _, _) = texts(c);
        out.push_str(&format!("- [`{}`](#{}): {}\n", c.id, c.id, title));
    }
    for c in causes() {
        let (title, explanation, fix) = texts(c);
        out.push_str(&format!(
            "\n## {}\n\n**{}**\n\n{}\n\n",
            c.id,
            title,
            explanation.trim()
        ));
        if c.actions_only {
            out.push_str(&text_in(lang, "catalog.docs.actions-only", &[]));
            out.push_str("\n\n");
        }
        out.push_str(&text_in(lang, "catalog.docs.fix", &[]));
        out.push_str("\n\n");
        for (i, step) in fix.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, step));
        }
        if !c.patterns.is_empty() {
            out.push('\n');
            out.push_str(&text_in(lang, "catalog.docs.recognised", &[]));
            out.push_str("\n\n");
            for p in &c.patterns {
                match &p.protocol {
                    Some(name) => out.push_str(&text_in(
                        lang,
                        "catalog.docs.protocol-pattern",
                        &[
                            ("literal", &p.literal),
                            ("name", name),
                            ("printed_by", &p.printed_by),
                            ("source", &p.source),
                        ],
                    )),
                    None => out.push_str(&text_in(
                        lang,
                        "catalog.docs.pattern",
                        &[
                            ("literal", &p.literal.replace('`', "'")),
                            ("printed_by", &p.printed_by),
                            ("source", &p.source),
                        ],
                    )),
                }
                if !p.alternatives.is_empty() {
                    let alts: Vec<String> =
                        p.alternatives.iter().map(|a| format!("`{a}`")).collect();
                    out.push_str(&text_in(
                        lang,
                        "catalog.docs.also-possible",
                        &[("causes", &alts.join(", "))],
                    ));
                }
                out.push('\n');
            }
        }
        if !c.sources.is_empty() {
            out.push('\n');
            out.push_str(&text_in(
                lang,
                "catalog.docs.sources",
                &[("sources", &c.sources.join("; "))],
            ));
            out.push('\n');
        }
    }
    out
}

impl From<CauseId> for serde_json::Value {
    fn from(c: CauseId) -> Self {
        serde_json::Value::from(c.as_str())
    }
}
