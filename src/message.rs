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
//!
//! A value is a [Project Fluent](https://projectfluent.org) pattern written with two
//! conveniences: `{name}` stands for Fluent's `{ $name }`, and a brace that is not a
//! placeable is literal (GitHub expressions such as `${{ github.repository }}` need no
//! escaping). A value that needs more than substitution, such as a plural, uses Fluent's own
//! select expression, with each variant on its own line:
//!
//! ```toml
//! found = """
//! {count} { $count ->
//!     [one] image
//!    *[other] images
//! }"""
//! ```
//!
//! Such values are formatted by `fluent-bundle` with the plural rules of the message's
//! language (CLDR); the others by plain substitution, which gives the same text.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

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

/// The language in use.
pub fn language() -> &'static str {
    LANGUAGE.get().map_or(DEFAULT_LANGUAGE, String::as_str)
}

/// The supported language a language tag or locale name asks for, if any: `zh_CN.UTF-8`,
/// `zh-SG`, `zh_Hans`, `zh-Hans-CN` and `zh` → `zh-CN`; `en_GB` → `en`. Traditional Chinese
/// (`zh_TW`, `zh_HK`, `zh_MO`, `zh-Hant`) gets `None`, like any language without a table
/// (`i18n/<lang>/`):
/// Simplified Chinese is another script with other words (储存库/存放庫, 令牌/權杖), so it is
/// not substituted silently; `--lang zh-CN` or `LANGUAGE=zh_TW:zh_CN` asks for it.
pub fn supported(tag: &str) -> Option<&'static str> {
    let code = tag
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .trim()
        .replace('_', "-")
        .to_ascii_lowercase();
    let mut parts = code.split('-');
    match parts.next()? {
        "en" => Some("en"),
        "zh" => {
            let rest: Vec<&str> = parts.collect();
            let traditional = rest
                .iter()
                .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
            let simplified = rest
                .first()
                .is_none_or(|p| matches!(*p, "hans" | "cn" | "sg"));
            (simplified && !traditional).then_some("zh-CN")
        }
        // Another language is supported once `i18n/<lang>/` exists: `de_DE` → `de-DE` or `de`.
        base => {
            let all = tables();
            let exact = all.keys().find(|k| k.eq_ignore_ascii_case(&code));
            let by_base = all.keys().find(|k| k.eq_ignore_ascii_case(base));
            exact.or(by_base).map(String::as_str)
        }
    }
}

/// Picks the language from `GHCR_DOCTOR_LANG`, else `LC_ALL`, `LC_MESSAGES`, `LANG`
/// (`zh_CN.UTF-8` → `zh-CN`), reading the process environment. See [`choose_language`].
pub fn language_from_env() -> String {
    choose_language(None, |name| std::env::var(name).ok())
}

/// The language for a run: `flag` (`--lang`) when given, else `GHCR_DOCTOR_LANG`, else the
/// locale: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`. When that locale is not `C` or
/// `POSIX`, `LANGUAGE` is read first as a preference list (`zh_TW:zh_CN:en`) and its first
/// supported entry wins, as with GNU gettext. An explicit choice (`--lang`,
/// `GHCR_DOCTOR_LANG`) of an unsupported language gives English; so does a locale without a
/// table.
pub fn choose_language(flag: Option<&str>, env: impl Fn(&str) -> Option<String>) -> String {
    let explicit = flag
        .map(str::to_owned)
        .or_else(|| env("GHCR_DOCTOR_LANG"))
        .filter(|v| !v.trim().is_empty());
    if let Some(choice) = explicit {
        return supported(&choice).unwrap_or(DEFAULT_LANGUAGE).to_owned();
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()));
    let Some(locale) = locale else {
        return DEFAULT_LANGUAGE.to_owned();
    };
    let base = locale.split(['.', '@']).next().unwrap_or_default();
    if base == "C" || base == "POSIX" {
        return DEFAULT_LANGUAGE.to_owned();
    }
    if let Some(list) = env("LANGUAGE")
        && let Some(found) = list.split(':').find_map(supported)
    {
        return found.to_owned();
    }
    supported(&locale).unwrap_or(DEFAULT_LANGUAGE).to_owned()
}

fn lookup_in(lang: &str, key: &str) -> Option<(&'static str, &'static Entry)> {
    let all = tables();
    let found = all
        .get_key_value(lang)
        .and_then(|(l, t)| Some((l, t.get(key)?)));
    found
        .or_else(|| {
            all.get_key_value(DEFAULT_LANGUAGE)
                .and_then(|(l, t)| Some((l, t.get(key)?)))
        })
        .map(|(l, e)| (l.as_str(), e))
}

/// True when `key` exists in the English table (used by tests and by checks that probe
/// optional keys).
pub fn exists(key: &str) -> bool {
    tables()
        .get(DEFAULT_LANGUAGE)
        .is_some_and(|t| t.contains_key(key))
}

/// Every language with a message table (`i18n/<lang>/`), sorted.
pub fn languages() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = tables().keys().map(String::as_str).collect();
    all.sort_unstable();
    all
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

/// The raw values of `key` in `lang` (one, or one per line of a fix), without fallback.
pub fn raw(lang: &str, key: &str) -> Option<Vec<String>> {
    match tables().get(lang)?.get(key)? {
        Entry::One(s) => Some(vec![s.clone()]),
        Entry::Many(lines) => Some(lines.clone()),
    }
}

/// True when `template` uses Fluent's own syntax (`{ $name -> ... }`) beyond `{name}`.
fn is_fluent(template: &str) -> bool {
    template.contains("{ $") || template.contains("{$")
}

/// The placeholder names a template uses (`{name}` and Fluent's `$name`), sorted and
/// deduplicated; tests compare them across languages.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = template.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let mut i = 0;
    while i < bytes.len() {
        let start = match bytes[i] {
            b'{' => i + 1,
            b'$' if is_fluent(template) => i + 1,
            _ => {
                i += 1;
                continue;
            }
        };
        let mut end = start;
        while end < bytes.len() && ident(bytes[end]) {
            end += 1;
        }
        let closed = bytes[i] == b'$' || bytes.get(end) == Some(&b'}');
        if end > start && closed && bytes[start].is_ascii_alphabetic() {
            names.push(template[start..end].to_owned());
        }
        i = end.max(i + 1);
    }
    names.sort();
    names.dedup();
    names
}

/// Turns a message value into Fluent syntax: `{name}` → `{ $name }`, a literal brace →
/// `{"{"}`, Fluent expressions kept, continuation lines indented.
fn to_fluent(template: &str) -> String {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(template.len() + 16);
    let chars: Vec<char> = template.chars().collect();
    // Fluent trims a pattern's leading and trailing blanks; kept as literals they survive.
    let lead = chars.iter().take_while(|c| **c == ' ').count();
    let trail = chars[lead..]
        .iter()
        .rev()
        .take_while(|c| **c == ' ')
        .count();
    if lead > 0 {
        out.push_str(&format!("{{\"{}\"}}", " ".repeat(lead)));
    }
    let mut depth = 0usize;
    let mut i = lead;
    while i < chars.len() - trail {
        let c = chars[i];
        match c {
            '{' => {
                let name_len = chars[i + 1..].iter().take_while(|c| ident(**c)).count();
                let rest: String = chars[i + 1..].iter().collect();
                if name_len > 0 && chars.get(i + 1 + name_len) == Some(&'}') {
                    let name: String = chars[i + 1..i + 1 + name_len].iter().collect();
                    out.push_str(&format!("{{ ${name} }}"));
                    i += name_len + 2;
                    continue;
                }
                if rest.trim_start().starts_with('$') {
                    depth += 1;
                    out.push('{');
                } else {
                    out.push_str("{\"{\"}");
                }
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push('}');
            }
            '}' => out.push_str("{\"}\"}"),
            '\n' => out.push_str("\n    "),
            _ => out.push(c),
        }
        i += 1;
    }
    if trail > 0 {
        out.push_str(&format!("{{\"{}\"}}", " ".repeat(trail)));
    }
    out
}

/// One Fluent bundle per language, holding the values that use Fluent's own syntax, each
/// under a generated id.
struct Bundles {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
    ids: HashMap<(String, String), String>,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        let mut bundles = HashMap::new();
        let mut ids = HashMap::new();
        for (lang, table) in tables() {
            let Ok(langid) = lang.parse::<unic_langid::LanguageIdentifier>() else {
                continue;
            };
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            let mut n = 0usize;
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort();
            for key in keys {
                let values = match &table[key] {
                    Entry::One(s) => vec![s.as_str()],
                    Entry::Many(lines) => lines.iter().map(String::as_str).collect(),
                };
                for value in values.into_iter().filter(|v| is_fluent(v)) {
                    let id = format!("m{n}");
                    n += 1;
                    let source = format!("{id} = {}\n", to_fluent(value));
                    // A value Fluent cannot parse is caught by the test suite
                    // (`broken_fluent_values`); at run time it falls back to substitution.
                    if let Ok(resource) = FluentResource::try_new(source)
                        && bundle.add_resource(resource).is_ok()
                    {
                        ids.insert((lang.clone(), value.to_owned()), id);
                    }
                }
            }
            bundles.insert(lang.clone(), bundle);
        }
        Bundles { bundles, ids }
    })
}

/// An argument as Fluent sees it: a whole number (for plural selection) when it is written
/// as one, else text.
fn fluent_value(value: String) -> FluentValue<'static> {
    let digits = !value.is_empty()
        && value.len() <= 15
        && value.bytes().all(|b| b.is_ascii_digit())
        && (value == "0" || !value.starts_with('0'));
    match value.parse::<i64>() {
        Ok(n) if digits => FluentValue::from(n),
        _ => FluentValue::from(value),
    }
}

/// Formats one value of `lang`: through Fluent when it uses Fluent syntax, else by
/// substitution.
fn format(lang: &str, template: &str, args: &[(&str, &dyn Display)]) -> String {
    if is_fluent(template) {
        let all = bundles();
        if let Some(id) = all.ids.get(&(lang.to_owned(), template.to_owned()))
            && let Some(bundle) = all.bundles.get(lang)
            && let Some(pattern) = bundle.get_message(id).and_then(|m| m.value())
        {
            let mut fargs = FluentArgs::new();
            for (name, value) in args {
                fargs.set(*name, fluent_value(value.to_string()));
            }
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned();
        }
    }
    fill(template, args)
}

/// Every value that uses Fluent syntax and that Fluent cannot parse, as `lang key` (for the
/// test suite).
pub fn broken_fluent_values() -> Vec<String> {
    let all = bundles();
    let mut broken = Vec::new();
    for (lang, table) in tables() {
        for (key, entry) in table {
            let values = match entry {
                Entry::One(s) => vec![s.clone()],
                Entry::Many(lines) => lines.clone(),
            };
            if values
                .iter()
                .any(|v| is_fluent(v) && !all.ids.contains_key(&(lang.clone(), v.clone())))
            {
                broken.push(format!("{lang} {key}"));
            }
        }
    }
    broken.sort();
    broken
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

/// The sentence for `key` in `lang` (English when `lang` lacks it), filled.
pub fn text_in(lang: &str, key: &str, args: &[(&str, &dyn Display)]) -> String {
    match lookup_in(lang, key) {
        Some((l, Entry::One(s))) => format(l, s, args),
        Some((l, Entry::Many(lines))) => lines
            .iter()
            .map(|s| format(l, s, args))
            .collect::<Vec<_>>()
            .join(" "),
        None => key.to_owned(),
    }
}

/// The sentence for `key` with its placeholders filled. A missing key yields the key itself,
/// so a gap shows up in tests instead of crashing a user's run.
pub fn text(key: &str, args: &[(&str, &dyn Display)]) -> String {
    text_in(language(), key, args)
}

/// The lines for `key` in `lang` (English when `lang` lacks it), filled.
pub fn lines_in(lang: &str, key: &str, args: &[(&str, &dyn Display)]) -> Vec<String> {
    match lookup_in(lang, key) {
        Some((l, Entry::Many(lines))) => lines.iter().map(|s| format(l, s, args)).collect(),
        Some((l, Entry::One(s))) => vec![format(l, s, args)],
        None => vec![key.to_owned()],
    }
}

/// The lines for `key` (an array in the message file; a single string gives one line).
pub fn lines(key: &str, args: &[(&str, &dyn Display)]) -> Vec<String> {
    lines_in(language(), key, args)
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
    fn plurals_follow_the_language() {
        let one = text_in(
            "en",
            "report.summary",
            &[
                ("fail", &0),
                ("warn", &1),
                ("pass", &2),
                ("info", &1),
                ("skip", &0),
            ],
        );
        assert_eq!(one, "0 failed, 1 warning, 2 passed, 1 note, 0 skipped");
        let many = text_in(
            "en",
            "report.summary",
            &[
                ("fail", &1),
                ("warn", &2),
                ("pass", &0),
                ("info", &0),
                ("skip", &3),
            ],
        );
        assert_eq!(many, "1 failed, 2 warnings, 0 passed, 0 notes, 3 skipped");
        assert_eq!(
            text_in("en", "explain.seen", &[("count", &1)]),
            " (seen once)"
        );
        assert_eq!(
            text_in("en", "explain.seen", &[("count", &4)]),
            " (seen 4 times)"
        );
    }

    #[test]
    fn fluent_values_keep_literal_braces() {
        assert_eq!(
            to_fluent("a {b} ${{ c }}"),
            "a { $b } ${\"{\"}{\"{\"} c {\"}\"}{\"}\"}"
        );
        assert_eq!(
            placeholders("{a} { $n ->\n [one] x\n*[other] {n} y\n} ${{ z }}"),
            ["a", "n"]
        );
    }

    #[test]
    fn language_choice_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            choose_language(None, env(&[("LANG", "zh_CN.UTF-8")])),
            "zh-CN"
        );
        assert_eq!(
            choose_language(Some("en"), env(&[("LANG", "zh_CN.UTF-8")])),
            "en"
        );
        assert_eq!(
            choose_language(
                None,
                env(&[("GHCR_DOCTOR_LANG", "zh"), ("LC_ALL", "en_US.UTF-8")])
            ),
            "zh-CN"
        );
        assert_eq!(
            choose_language(
                None,
                env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])
            ),
            "en"
        );
        assert_eq!(
            choose_language(None, env(&[("LC_MESSAGES", "zh_SG"), ("LANG", "en_US")])),
            "zh-CN"
        );
        assert_eq!(choose_language(None, env(&[("LANG", "zh_TW.UTF-8")])), "en");
        assert_eq!(choose_language(None, env(&[("LANG", "zh_HK")])), "en");
        assert_eq!(
            choose_language(
                None,
                env(&[("LANG", "zh_TW.UTF-8"), ("LANGUAGE", "zh_TW:zh_CN")])
            ),
            "zh-CN"
        );
        // LANGUAGE is ignored under the C locale, as with gettext.
        assert_eq!(
            choose_language(None, env(&[("LANG", "C.UTF-8"), ("LANGUAGE", "zh_CN")])),
            "en"
        );
        assert_eq!(choose_language(None, env(&[("LANG", "de_DE.UTF-8")])), "en");
        assert_eq!(choose_language(Some("fr"), env(&[])), "en");
        for tag in [
            "zh",
            "zh_CN",
            "zh-SG",
            "zh_Hans",
            "zh-Hans-CN",
            "zh_CN.GB18030",
        ] {
            assert_eq!(supported(tag), Some("zh-CN"), "{tag}");
        }
        for tag in ["zh_TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "ja_JP", ""] {
            assert_eq!(supported(tag), None, "{tag}");
        }
    }

    #[test]
    fn missing_key_yields_the_key() {
        assert_eq!(text("no.such.key", &[]), "no.such.key");
    }
}
