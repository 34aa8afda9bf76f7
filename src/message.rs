//! User-facing sentences, kept out of the logic.
//!
//! Every sentence the tool shows lives in `i18n/<lang>/*.toml`, embedded at build time. Code
//! refers to a sentence by its key and fills `{placeholders}`:
//!
//! ```
//! use ghcr_doctor::t;
//! let s = t!("common.input-unreadable", path = "build.log", error = "not found");
//! assert!(s.contains("build.log"));
//! ```
//!
//! A message file is a TOML table; nested tables join their keys with dots, so
//! `[token.kind]` + `classic-pat = "..."` is the key `token.kind.classic-pat`. A value is a
//! string or an array of strings (fix steps). Adding a language means adding
//! `i18n/<lang>/` with the same keys; missing keys fall back to English.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

/// The language used when none is chosen and the fallback for missing keys.
pub const DEFAULT_LANGUAGE: &str = "en";

#[derive(Debug, Clone)]
enum Entry {
    One(String),
    Many(Vec<String>),
}

type Table = HashMap<String, Entry>;

fn tables() -> &'static HashMap<String, Table> {
    static TABLES: OnceLock<HashMap<String, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut all: HashMap<String, Table> = HashMap::new();
        for (lang, _name, text) in embedded::MESSAGE_FILES {
            // A broken file is caught by the test suite (`message_files_parse`); at run time
            // it only makes its keys fall back, it never stops the tool.
            if let Ok(value) = text.parse::<toml::Table>() {
                let table = all.entry((*lang).to_owned()).or_default();
                flatten("", &value, table);
            }
        }
        all
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Table) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, Entry::One(s.clone()));
            }
            toml::Value::Array(items) => {
                let lines = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                out.insert(full, Entry::Many(lines));
            }
            toml::Value::Table(inner) => flatten(&full, inner, out),
            other => {
                out.insert(full, Entry::One(other.to_string()));
            }
        }
    }
}

static LANGUAGE: OnceLock<String> = OnceLock::new();

/// Chooses the language for this process. The first call wins; later calls are ignored.
/// Unknown languages fall back to English key by key.
pub fn set_language(lang: &str) {
    let _ = LANGUAGE.set(lang.to_owned());
}

/// Picks the language from `GHCR_DOCTOR_LANG`, else `LC_ALL`, `LC_MESSAGES`, `LANG`
/// (`zh_CN.UTF-8` → `zh-CN`), when a message table exists for it.
pub fn language_from_env() -> String {
    let candidates = ["GHCR_DOCTOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG"];
    for var in candidates {
        let Ok(raw) = std::env::var(var) else {
            continue;
        };
        let code = raw.split('.').next().unwrap_or_default().replace('_', "-");
        if code.is_empty() || code == "C" || code == "POSIX" {
            continue;
        }
        if tables().contains_key(&code) {
            return code;
        }
        let base = code.split('-').next().unwrap_or_default();
        if let Some(found) = tables().keys().find(|k| k.split('-').next() == Some(base)) {
            return found.clone();
        }
    }
    DEFAULT_LANGUAGE.to_owned()
}

/// The language in use.
pub fn language() -> &'static str {
    LANGUAGE.get().map_or(DEFAULT_LANGUAGE, String::as_str)
}

fn lookup(key: &str) -> Option<&'static Entry> {
    let all = tables();
    all.get(language())
        .and_then(|t| t.get(key))
        .or_else(|| all.get(DEFAULT_LANGUAGE).and_then(|t| t.get(key)))
}

/// True when `key` exists in the English table (used by tests and by checks that probe
/// optional keys).
pub fn exists(key: &str) -> bool {
    tables()
        .get(DEFAULT_LANGUAGE)
        .is_some_and(|t| t.contains_key(key))
}

/// Every key of a language's table (tests compare languages with this).
pub fn keys(lang: &str) -> Vec<String> {
    let mut keys: Vec<String> = tables()
        .get(lang)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// Fills `{name}` placeholders: `name` made of letters, digits, `_` and `-`, and given in
/// `args`. Every other brace is literal, so GitHub expressions such as
/// `${{ github.repository }}` need no escaping in message files.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        let name_len = tail[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(tail.len() - 1);
        let name = &tail[1..1 + name_len];
        if name_len > 0
            && tail[1 + name_len..].starts_with('}')
            && let Some((_, value)) = args.iter().find(|(n, _)| *n == name)
        {
            out.push_str(&value.to_string());
            rest = &tail[name_len + 2..];
            continue;
        }
        out.push('{');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// The sentence for `key` with its placeholders filled. A missing key yields the key itself,
/// so a gap shows up in tests instead of crashing a user's run.
pub fn text(key: &str, args: &[(&str, &dyn Display)]) -> String {
    match lookup(key) {
        Some(Entry::One(s)) => fill(s, args),
        Some(Entry::Many(lines)) => lines
            .iter()
            .map(|l| fill(l, args))
            .collect::<Vec<_>>()
            .join(" "),
        None => key.to_owned(),
    }
}

/// The lines for `key` (an array in the message file; a single string gives one line).
pub fn lines(key: &str, args: &[(&str, &dyn Display)]) -> Vec<String> {
    match lookup(key) {
        Some(Entry::Many(lines)) => lines.iter().map(|l| fill(l, args)).collect(),
        Some(Entry::One(s)) => vec![fill(s, args)],
        None => vec![key.to_owned()],
    }
}

/// Every message file that failed to parse, as `lang/file: error` (for the test suite).
pub fn broken_files() -> Vec<String> {
    embedded::MESSAGE_FILES
        .iter()
        .filter_map(|(lang, name, text)| {
            text.parse::<toml::Table>()
                .err()
                .map(|e| format!("{lang}/{name}: {e}"))
        })
        .collect()
}

/// `t!("key")` or `t!("key", name = value, ...)`: the sentence for `key`, filled.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::message::text($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::message::text($key, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+])
    };
}

/// `tl!("key", ...)`: the lines (fix steps) for `key`, filled.
#[macro_export]
macro_rules! tl {
    ($key:literal) => {
        $crate::message::lines($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::message::lines($key, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+])
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_placeholders_and_keeps_unknown_ones() {
        let n = 3;
        assert_eq!(
            fill(
                "{a} and {b} and {missing} ${{ github.repository }}",
                &[("a", &"x"), ("b", &n)]
            ),
            "x and 3 and {missing} ${{ github.repository }}"
        );
    }

    #[test]
    fn missing_key_yields_the_key() {
        assert_eq!(text("no.such.key", &[]), "no.such.key");
    }
}
