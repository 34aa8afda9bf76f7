//! The compiled catalog: one Aho-Corasick automaton over every pattern's literal and every
//! context literal, plus each pattern's confirming regex.
//!
//! A line is searched once for all literals (ASCII case ignored); only lines with a hit are
//! cleaned and tested against the regexes of the patterns whose literal was found. So the
//! cost per line does not grow with the number of catalog entries.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};

use super::context::{TRIGGERS, Trigger};
use super::{lines, protocol, scan};
use crate::catalog::{self, Catalog, Cause, Pattern};

/// One catalog pattern, ready to confirm.
#[derive(Debug)]
pub(crate) struct Entry {
    pub cause: &'static Cause,
    pub pattern: &'static Pattern,
    /// The pattern's position within its cause (for test reports: `cause#index`).
    pub index: usize,
    /// The pattern's regex, compiled the first time a line holds its literal: a log needs
    /// few of them, and compiling them all would cost more than reading a short log.
    regex: OnceLock<Option<Regex>>,
}

impl Entry {
    /// The pattern's compiled regex (`None` without one; its syntax was checked when the
    /// matcher was built).
    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| self.pattern.regex.as_deref().and_then(|r| compile(r).ok()))
            .as_ref()
    }
}

/// A catalog regex as the matcher runs it: without regard to case.
fn compile(regex: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(regex).case_insensitive(true).build()
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Pattern(usize),
    Trigger(Trigger),
    /// A fragment that ties the line to a registry (`registry_context`).
    Context,
    /// A fragment that may announce a protocol-level signal ([`protocol::LITERALS`]).
    Protocol,
    /// A word of a line that starts or completes an operation ([`super::recovery::words`]):
    /// it lets the line past [`Matcher::quick`] and on to the recovery tracker.
    Recovery,
}

/// What one search of a line found.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    /// The patterns whose literal occurs in the line.
    pub patterns: Vec<usize>,
    /// The context triggers with the byte offsets of each (start, just after the end).
    pub triggers: Vec<(Trigger, usize, usize)>,
    /// The line names a registry (`registry_context`).
    pub context: bool,
    /// The line may hold a protocol-level signal.
    pub protocol: bool,
    /// The line holds a word of a line that starts or completes an operation (or of trivy's
    /// download), without regard to case.
    pub recovery: bool,
}

/// Why the catalog's patterns cannot be compiled (reported by the test suite).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("pattern {cause}#{index}: regex does not compile: {error}")]
    Regex {
        cause: String,
        index: usize,
        error: String,
    },
    #[error("pattern {cause}#{index}: the literal `{literal}` is too short to search for")]
    ShortLiteral {
        cause: String,
        index: usize,
        literal: String,
    },
    #[error("the multi-pattern search cannot be built: {0}")]
    Automaton(String),
    #[error("pattern {cause}#{index}: unknown protocol signal `{name}`")]
    Protocol {
        cause: String,
        index: usize,
        name: String,
    },
}

/// The best message on one line.
#[derive(Debug, Clone)]
pub(crate) struct LineMatch {
    pub entry: usize,
    /// The text that matched (the regex match, or the literal as written in the line).
    pub matched: String,
    /// The message (segment of the line) that holds the match, with the match's offset.
    pub segment: String,
    pub start: usize,
    /// Causes of other, weaker patterns confirmed on the same line.
    pub others: Vec<String>,
}

/// The length of the grams of [`Matcher::might_straddle`]: a literal at least this long that
/// runs across a join of two lines (the separator is one byte at most) holds one of them
/// covering the join.
const GRAM: usize = 4;

/// The table of grams has `1 << GRAM_BITS` bits (16 KiB).
const GRAM_BITS: u32 = 17;

/// The bit of a gram in the table, ASCII case ignored (the automaton ignores it).
fn gram_bit(gram: &[u8]) -> usize {
    let mut word = [0u8; GRAM];
    for (w, b) in word.iter_mut().zip(gram) {
        *w = b.to_ascii_lowercase();
    }
    (u64::from(u32::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - GRAM_BITS))
        as usize
}

/// `text` in ASCII lower case (the same length, every other byte as it is), as the automaton of
/// ASCII literals reads it, in `out`.
pub(crate) fn lower_into(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(text);
    out.make_ascii_lowercase();
}

/// Calls `f` with `text` in ASCII lower case ([`lower_into`]): on the stack for a text of up
/// to 512 bytes.
fn lowered<R>(text: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    const STACK: usize = 512;
    if text.len() <= STACK {
        let mut buf = [0u8; STACK];
        let lower = &mut buf[..text.len()];
        lower.copy_from_slice(text);
        lower.make_ascii_lowercase();
        f(lower)
    } else {
        f(&text.to_ascii_lowercase())
    }
}

#[derive(Debug)]
pub(crate) struct Matcher {
    /// The ASCII literals (all but a few), in ASCII lower case, searched on every line as
    /// [`lowered`] gives it: without case folding in the automaton its alphabet is half as
    /// large, and so are its tables and the time to build them.
    ac: AhoCorasick,
    /// The literal index of each of `ac`'s patterns.
    ascii_ids: Vec<usize>,
    /// The literals with other bytes (Chinese-locale Windows errors and the like), searched
    /// only on lines that hold such a byte: with them the DFA's tables are twice as large
    /// (every byte of their UTF-8 becomes a class of its own), and every line pays for that.
    wide: Option<AhoCorasick>,
    /// The literal index of each of `wide`'s patterns.
    wide_ids: Vec<usize>,
    kinds: Vec<Vec<Kind>>,
    pub entries: Vec<Entry>,
    /// The entries that claim each protocol-level signal, by name.
    protocol: Vec<(&'static str, Vec<usize>)>,
    /// Every run of [`GRAM`] bytes in a literal, ASCII lower case, hashed to a bit: a
    /// literal across a join holds one that covers the join.
    grams: Box<[u64]>,
    /// The literals shorter than [`GRAM`], ASCII lower case.
    short: Vec<Vec<u8>>,
    /// Every literal, ASCII lower case.
    #[cfg(test)]
    literals: Vec<String>,
}

impl Matcher {
    /// The matcher for the embedded catalog, or `None` when the catalog's patterns do not
    /// compile (the test suite reports why; at run time nothing is recognised).
    pub(crate) fn get() -> Option<&'static Matcher> {
        static MATCHER: OnceLock<Option<Matcher>> = OnceLock::new();
        MATCHER
            .get_or_init(|| Matcher::build(catalog::catalog()).ok())
            .as_ref()
    }

    /// Compiles `catalog`.
    pub(crate) fn build(catalog: &'static Catalog) -> Result<Matcher, BuildError> {
        let mut literals: Vec<String> = Vec::new();
        let mut kinds: Vec<Vec<Kind>> = Vec::new();
        let mut add = |literal: &str, kind: Kind| {
            let lower = literal.to_ascii_lowercase();
            if let Some(i) = literals.iter().position(|l| *l == lower) {
                kinds[i].push(kind);
            } else {
                literals.push(lower);
                kinds.push(vec![kind]);
            }
        };
        let mut entries = Vec::new();
        let mut protocol: Vec<(&'static str, Vec<usize>)> =
            protocol::NAMES.iter().map(|n| (*n, Vec::new())).collect();
        for cause in &catalog.cause {
            for (index, pattern) in cause.patterns.iter().enumerate() {
                if let Some(name) = &pattern.protocol {
                    let Some(slot) = protocol.iter_mut().find(|(n, _)| n == name) else {
                        return Err(BuildError::Protocol {
                            cause: cause.id.clone(),
                            index,
                            name: name.clone(),
                        });
                    };
                    slot.1.push(entries.len());
                    entries.push(Entry {
                        cause,
                        pattern,
                        index,
                        regex: OnceLock::new(),
                    });
                    continue;
                }
                if pattern.literal.trim().len() < 4 {
                    return Err(BuildError::ShortLiteral {
                        cause: cause.id.clone(),
                        index,
                        literal: pattern.literal.clone(),
                    });
                }
                // Only the syntax here, and only in tests and debug builds: parsing every
                // regex of the embedded catalog costs a release run about 58 million
                // instructions at its start; the test suite compiles every one
                // (`embedded_catalog_compiles`), and a regex that does not compile confirms
                // nothing. The regex is compiled when a line first needs it.
                if cfg!(any(test, debug_assertions))
                    && let Some(r) = &pattern.regex
                    && let Err(e) = regex_syntax::ParserBuilder::new()
                        .case_insensitive(true)
                        .build()
                        .parse(r)
                {
                    return Err(BuildError::Regex {
                        cause: cause.id.clone(),
                        index,
                        error: e.to_string(),
                    });
                }
                add(&pattern.literal, Kind::Pattern(entries.len()));
                entries.push(Entry {
                    cause,
                    pattern,
                    index,
                    regex: OnceLock::new(),
                });
            }
        }
        for (literal, trigger) in TRIGGERS {
            add(literal, Kind::Trigger(*trigger));
        }
        for literal in &catalog.registry_context {
            add(literal, Kind::Context);
        }
        for literal in protocol::LITERALS {
            add(literal, Kind::Protocol);
        }
        for literal in super::recovery::words().chain(super::trivy::WORDS.iter().copied()) {
            add(literal, Kind::Recovery);
        }
        // A DFA: every line is searched, and a DFA searches in about two thirds of the time
        // of the contiguous NFA the crate picks for this many literals, for about 5 MiB of
        // tables built once.
        let (ascii_ids, wide_ids): (Vec<usize>, Vec<usize>) =
            (0..literals.len()).partition(|&i| literals[i].is_ascii());
        let builder = |kind, ids: &[usize], fold: bool| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(fold)
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(ids.iter().map(|&i| &literals[i]))
        };
        let ac = builder(Some(AhoCorasickKind::DFA), &ascii_ids, false)
            .or_else(|_| builder(None, &ascii_ids, false))
            .map_err(|e| BuildError::Automaton(e.to_string()))?;
        let wide = if wide_ids.is_empty() {
            None
        } else {
            Some(builder(None, &wide_ids, true).map_err(|e| BuildError::Automaton(e.to_string()))?)
        };
        let mut grams = vec![0u64; (1 << GRAM_BITS) / 64].into_boxed_slice();
        let mut short = Vec::new();
        for literal in &literals {
            if literal.len() < GRAM {
                short.push(literal.as_bytes().to_vec());
            }
            for gram in literal.as_bytes().windows(GRAM) {
                let i = gram_bit(gram);
                grams[i / 64] |= 1 << (i % 64);
            }
        }
        Ok(Matcher {
            ac,
            ascii_ids,
            wide,
            wide_ids,
            kinds,
            entries,
            protocol,
            grams,
            short,
            #[cfg(test)]
            literals,
        })
    }

    /// True when the line holds any literal (the fast path: most lines stop here).
    #[cfg(test)]
    pub(crate) fn quick(&self, line: &[u8]) -> bool {
        lowered(line, |lower| self.quick_lowered(line, lower))
    }

    /// [`Matcher::quick`] of `line`, whose ASCII lower case ([`lower_into`]) is `lower`.
    pub(crate) fn quick_lowered(&self, line: &[u8], lower: &[u8]) -> bool {
        self.ac.is_match(lower) || self.wide_in(line).is_some_and(|w| w.is_match(line))
    }

    /// The automaton of the non-ASCII literals, when `text` holds a byte that may start one.
    fn wide_in(&self, text: &[u8]) -> Option<&AhoCorasick> {
        self.wide.as_ref().filter(|_| !text.is_ascii())
    }

    /// Every literal in `text`, overlapping ones too: (literal index, start, end). `lower` is
    /// `text` as [`lowered`] gives it.
    fn found<'a>(
        &'a self,
        text: &'a [u8],
        lower: &'a [u8],
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let ascii = self
            .ac
            .find_overlapping_iter(lower)
            .map(|m| (self.ascii_ids[m.pattern().as_usize()], m.start(), m.end()));
        let wide = self
            .wide_in(text)
            .into_iter()
            .flat_map(move |w| w.find_overlapping_iter(text))
            .map(|m| (self.wide_ids[m.pattern().as_usize()], m.start(), m.end()));
        ascii.chain(wide)
    }

    /// True when a literal (of any kind) in `text` starts before byte `from` and ends after
    /// byte `to`: `text` is two lines joined at `from..to`, and a message continues across
    /// the join.
    pub(crate) fn straddles(&self, text: &[u8], from: usize, to: usize) -> bool {
        if !self.might_straddle(text, from, to) {
            return false;
        }
        lowered(text, |lower| {
            self.found(text, lower)
                .any(|(_, start, end)| start < from && end > to)
        })
    }

    /// False when no literal can run across the join at `from..to` of `text` (most joins
    /// end here): such a literal holds the bytes from `from - 1` to `to`, so one of
    /// [`GRAM`] bytes or more holds one of the few grams of `text` that cover them, and a
    /// shorter one is compared where it would have to be. True may still be wrong (grams
    /// share bits).
    pub(crate) fn might_straddle(&self, text: &[u8], from: usize, to: usize) -> bool {
        if from == 0 || to >= text.len() {
            return false;
        }
        let (first, last) = (from - 1, to);
        if last - first >= GRAM {
            // A separator too long for a gram to cover the join: search.
            return true;
        }
        let has = |i: usize| self.grams[i / 64] & (1 << (i % 64)) != 0;
        let lowest = (last + 1).saturating_sub(GRAM);
        let highest = first.min(text.len().saturating_sub(GRAM));
        if (lowest..=highest).any(|s| s + GRAM <= text.len() && has(gram_bit(&text[s..s + GRAM]))) {
            return true;
        }
        self.short.iter().any(|literal| {
            let n = literal.len();
            n > last - first
                && ((last + 1).saturating_sub(n)..=first).any(|s| {
                    text.get(s..s + n)
                        .is_some_and(|t| t.eq_ignore_ascii_case(literal))
                })
        })
    }

    /// Everything the line holds: pattern literals, context triggers, registry fragments and
    /// protocol literals.
    #[cfg(test)]
    pub(crate) fn hits(&self, line: &[u8]) -> Hits {
        lowered(line, |lower| self.hits_lowered(line, lower))
    }

    /// [`Matcher::hits`] of `line`, whose ASCII lower case ([`lower_into`]) is `lower`.
    pub(crate) fn hits_lowered(&self, line: &[u8], lower: &[u8]) -> Hits {
        let mut hits = Hits::default();
        for (literal, start, end) in self.found(line, lower) {
            for kind in &self.kinds[literal] {
                match *kind {
                    Kind::Pattern(i) => {
                        if !hits.patterns.contains(&i) {
                            hits.patterns.push(i);
                        }
                    }
                    Kind::Trigger(t) => hits.triggers.push((t, start, end)),
                    // `/api/v2/` is a web API's version, not the distribution API.
                    Kind::Context => {
                        if !lines::is_web_api_version(line, start, end) {
                            hits.context = true;
                        }
                    }
                    Kind::Protocol => hits.protocol = true,
                    Kind::Recovery => hits.recovery = true,
                }
            }
        }
        hits
    }

    /// Confirms `candidates` on the cleaned line and returns the strongest message.
    /// `registry_context`: the line, or one just before it, names a registry or shows
    /// registry work; `protocol`: look for protocol-level signals too (only with context).
    pub(crate) fn best(
        &self,
        candidates: &[usize],
        cleaned: &str,
        registry_context: bool,
        protocol: bool,
    ) -> Option<LineMatch> {
        let mut confirmed: Vec<(usize, String, String, usize)> = Vec::new();
        let mut segments = scan::segments(cleaned);
        // A message may itself hold an escaped `\n` (Go quotes a header value with a
        // newline in it); try the whole line after its parts.
        if segments.len() > 1 {
            segments.push(cleaned);
        }
        for &segment in &segments {
            let lower = segment.to_ascii_lowercase();
            for &i in candidates {
                let entry = &self.entries[i];
                if entry.pattern.needs_registry_context && !registry_context {
                    continue;
                }
                let found = match (entry.pattern.regex.is_some(), entry.regex()) {
                    // A regex with a group named `m` names its evidence by the group: what
                    // stands before it only places the message (`(?:^|:\s)(?P<m>name
                    // unknown:)`).
                    (_, Some(re)) if re.capture_names().any(|n| n == Some("m")) => re
                        .captures(segment)
                        .and_then(|c| c.name("m").or_else(|| c.get(0)))
                        .map(|m| (m.start(), m.end())),
                    (_, Some(re)) => re.find(segment).map(|m| (m.start(), m.end())),
                    // A regex that does not compile confirms nothing (the test suite
                    // compiles every one).
                    (true, None) => None,
                    (false, None) => {
                        let lit = entry.pattern.literal.to_ascii_lowercase();
                        lower.find(&lit).map(|s| (s, s + lit.len()))
                    }
                };
                if let Some((s, e)) = found
                    && let Some(text) = segment.get(s..e)
                {
                    confirmed.push((i, text.trim().to_owned(), segment.to_owned(), s));
                }
            }
            // Protocol-level signals are the net under the catalog: they are only looked for
            // when the catalog confirmed nothing specific on the line.
            if protocol
                && registry_context
                && confirmed
                    .iter()
                    .all(|(i, ..)| self.entries[*i].pattern.weak)
                && let Some(d) = protocol::detect(segment)
                // The never-silence net only speaks on a line nothing else named (below).
                && !protocol::NET.contains(&d.name)
                && let Some((_, owners)) = self.protocol.iter().find(|(n, _)| *n == d.name)
                && let Some(text) = segment.get(d.start..d.end)
            {
                for &i in owners {
                    confirmed.push((i, text.trim().to_owned(), segment.to_owned(), d.start));
                }
            }
        }
        if confirmed.is_empty() && protocol && registry_context {
            for segment in &segments {
                if let Some(d) = protocol::detect(segment)
                    && protocol::NET.contains(&d.name)
                    && let Some((_, owners)) = self.protocol.iter().find(|(n, _)| *n == d.name)
                    && let Some(text) = segment.get(d.start..d.end)
                {
                    for &i in owners {
                        confirmed.push((i, text.trim().to_owned(), (*segment).to_owned(), d.start));
                    }
                    break;
                }
            }
        }
        let best = confirmed
            .iter()
            .enumerate()
            .max_by_key(|(pos, (i, ..))| (self.entries[*i].pattern.weight, usize::MAX - pos))
            .map(|(pos, _)| pos)?;
        let (entry, matched, segment, start) = confirmed[best].clone();
        let owner = &self.entries[entry].cause.id;
        let mut others: Vec<String> = Vec::new();
        for (i, ..) in &confirmed {
            let id = &self.entries[*i].cause.id;
            if id != owner && !others.contains(id) {
                others.push(id.clone());
            }
        }
        Some(LineMatch {
            entry,
            matched,
            segment,
            start,
            others,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_compiles() {
        let m = Matcher::build(catalog::catalog()).expect("catalog patterns compile");
        assert!(m.entries.len() > 40, "{} patterns", m.entries.len());
        // Building checks only the regexes' syntax; every one must compile as well.
        for e in &m.entries {
            if let Some(r) = &e.pattern.regex {
                compile(r).unwrap_or_else(|err| panic!("{}#{}: {err}", e.cause.id, e.index));
                assert!(e.regex().is_some(), "{}#{}", e.cause.id, e.index);
            }
        }
    }

    #[test]
    fn a_line_is_lowered_byte_for_byte_on_the_stack_or_off_it() {
        for text in [
            &b""[..],
            b"Error: DENIED 403 Forbidden",
            "镜像推送失败 DENIED".as_bytes(),
            &[b'X'; 513][..],
            &[0xff, b'A', 0x80, b'z'][..],
        ] {
            lowered(text, |lower| assert_eq!(lower, text.to_ascii_lowercase()));
            let mut out = b"left over".to_vec();
            lower_into(text, &mut out);
            assert_eq!(out, text.to_ascii_lowercase());
        }
    }

    #[test]
    fn the_most_specific_message_on_a_line_wins() {
        let m = Matcher::get().expect("catalog compiles");
        let line = "docker: invalid reference format: repository name must be lowercase.";
        let hits = m.hits(line.as_bytes());
        let best = m
            .best(&hits.patterns, line, hits.context, hits.protocol)
            .expect("a match");
        assert_eq!(m.entries[best.entry].cause.id, "reference-uppercase");
        assert!(best.others.contains(&"reference-invalid".to_owned()));
    }

    #[test]
    fn generic_network_text_needs_a_registry_on_the_line() {
        let m = Matcher::get().expect("catalog compiles");
        let line = "psql: error: connection to server at \"localhost\" (127.0.0.1), port 5432 failed: Connection refused";
        let hits = m.hits(line.as_bytes());
        assert!(!hits.context);
        assert!(m.best(&hits.patterns, line, hits.context, true).is_none());
        let line = "Error response from daemon: Get \"https://localhost:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused";
        let hits = m.hits(line.as_bytes());
        assert!(hits.context);
        let best = m
            .best(&hits.patterns, line, hits.context, true)
            .expect("a match");
        assert_eq!(m.entries[best.entry].cause.id, "network-refused");
    }

    #[test]
    fn a_message_across_a_join_is_found_whatever_the_case_and_nothing_else_is() {
        let m = Matcher::get().expect("catalog compiles");
        let phrase = b"must be lowercase";
        // Every join inside the phrase, with a space or without, in any case.
        for cut in 1..phrase.len() {
            for upper in [false, true] {
                let mut text = phrase.to_vec();
                if upper {
                    text.make_ascii_uppercase();
                }
                assert!(m.straddles(&text, cut, cut), "cut at {cut}");
            }
        }
        // A join between two unrelated lines, and the ends of the text.
        assert!(!m.might_straddle(b"Compiling serde v1.0 finished in 3s", 19, 20));
        let text = b"Compiling serde v1.0 finished in 3s";
        assert!(!m.straddles(text, 19, 20));
        assert!(!m.straddles(phrase, 0, 0));
        assert!(!m.straddles(phrase, phrase.len(), phrase.len()));
    }

    #[test]
    fn the_grams_let_every_literal_across_every_join_through() {
        let m = Matcher::get().expect("catalog compiles");
        let short = m.literals.iter().filter(|l| l.len() < GRAM).count();
        assert_eq!(short, m.short.len());
        for literal in &m.literals {
            let bytes = literal.as_bytes();
            for cut in 1..bytes.len() {
                // The join without a separator, and with the literal's own space as one.
                let mut seps = vec![(cut, cut)];
                if bytes[cut] == b' ' && cut + 1 < bytes.len() {
                    seps.push((cut, cut + 1));
                }
                for (from, to) in seps {
                    for (before, after) in [("", ""), ("xq ", " qx"), ("Error: ", ": denied")] {
                        let mut text = before.as_bytes().to_vec();
                        text.extend_from_slice(bytes);
                        text.extend_from_slice(after.as_bytes());
                        let (from, to) = (from + before.len(), to + before.len());
                        assert!(
                            m.might_straddle(&text, from, to),
                            "`{literal}` cut at {from}..{to} of `{}`",
                            String::from_utf8_lossy(&text)
                        );
                        text.make_ascii_uppercase();
                        assert!(
                            m.might_straddle(&text, from, to),
                            "`{literal}` in upper case"
                        );
                        assert!(m.straddles(&text, from, to), "`{literal}` searched");
                    }
                }
            }
        }
    }

    #[test]
    fn every_literal_is_found_whichever_automaton_holds_it() {
        let m = Matcher::get().expect("catalog compiles");
        assert!(m.wide.is_some(), "the catalog holds non-ASCII literals");
        assert!(m.ascii_ids.iter().all(|&i| m.literals[i].is_ascii()));
        assert!(m.wide_ids.iter().all(|&i| !m.literals[i].is_ascii()));
        assert_eq!(m.ascii_ids.len() + m.wide_ids.len(), m.literals.len());
        for (i, literal) in m.literals.iter().enumerate() {
            for line in [
                format!("x {literal} y"),
                format!("X {} Y", literal.to_ascii_uppercase()),
            ] {
                assert!(m.quick(line.as_bytes()), "{line}");
                let text = line.as_bytes();
                assert!(
                    lowered(text, |lower| m.found(text, lower).any(|(j, _, _)| j == i)),
                    "{line}"
                );
            }
        }
        // A non-ASCII literal split across a join is still found there.
        let wide = &m.literals[m.wide_ids[0]];
        let cut = wide.char_indices().nth(1).map_or(1, |(at, _)| at);
        assert!(m.straddles(wide.as_bytes(), cut, cut), "{wide}");
    }

    #[test]
    fn ordinary_joins_are_mostly_turned_away_by_the_grams() {
        let m = Matcher::get().expect("catalog compiles");
        // Ends and starts of lines of a build's output, none of which joins into a literal.
        let ends = [
            "--omit=dev",
            "in 3s",
            "1.2s",
            "... ok",
            "v1.0.128",
            "memory.",
            "directory",
        ];
        let starts = [
            "test registry",
            "Compiling serde",
            "npm WARN",
            "cp: cannot",
            "ok  \tgithub",
        ];
        let mut through = 0;
        for end in ends {
            for start in starts {
                let text = format!("{end} {start}");
                if m.might_straddle(text.as_bytes(), end.len(), end.len() + 1) {
                    through += 1;
                    assert!(
                        !m.straddles(text.as_bytes(), end.len(), end.len() + 1),
                        "{text}"
                    );
                }
            }
        }
        assert!(
            through * 4 < ends.len() * starts.len(),
            "{through} let through"
        );
    }
}
