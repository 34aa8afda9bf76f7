//! The compiled catalog: one Aho-Corasick automaton over every pattern's literal and every
//! context literal, plus each pattern's confirming regex.
//!
//! A line is searched once for all literals (ASCII case ignored); only lines with a hit are
//! cleaned and tested against the regexes of the patterns whose literal was found. So the
//! cost per line does not grow with the number of catalog entries.

use std::sync::OnceLock;

#[cfg(test)]
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::noncontiguous;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

use super::context::{TRIGGERS, Trigger};
use super::{lines, protocol, scan};
use crate::catalog::{self, Catalog, Cause, Pattern};

mod table;

use table::Table;

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

/// Where [`Matcher::first`] found a line's first literal.
#[derive(Debug, Clone, Copy)]
pub(crate) enum First {
    /// An ASCII literal ends at `end`, where the automaton is in state `sid`.
    Ascii { end: usize, sid: u32 },
    /// The line holds no ASCII literal, but a non-ASCII one.
    Wide,
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

/// The table of grams has `1 << GRAM_BITS` bits (128 KiB): about one bit in a hundred is
/// set, so few ordinary joins pass for a literal's.
const GRAM_BITS: u32 = 20;

/// The bit of a gram in the table, ASCII case ignored (the automaton ignores it).
fn gram_bit(gram: [u8; GRAM]) -> usize {
    (u64::from(lower_word(u32::from_le_bytes(gram))).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> (64 - GRAM_BITS)) as usize
}

/// The four bytes of `word` in ASCII lower case, all at once: the bytes `A` to `Z` get their
/// 0x20 bit, every other byte stays as it is.
fn lower_word(word: u32) -> u32 {
    const ONES: u32 = 0x0101_0101;
    // Each byte's low seven bits plus a bias sets the byte's top bit when those bits are at
    // least `A` (0x41), and again when they are above `Z` (0x5a); no sum carries into the
    // next byte (0x7f + 0x3f < 0x100).
    let low = word & (0x7f * ONES);
    let at_least_a = low.wrapping_add(0x3f * ONES);
    let above_z = low.wrapping_add(0x25 * ONES);
    let upper = (at_least_a ^ above_z) & !word & (0x80 * ONES);
    word | (upper >> 2)
}

/// The [`GRAM`] bytes of `text` from `at`.
fn gram_at(text: &[u8], at: usize) -> Option<[u8; GRAM]> {
    text.get(at..at + GRAM).and_then(|g| g.try_into().ok())
}

/// The crate's DFA over the ASCII literals (in lower case), as the matcher searched them
/// before it read its own table from the NFA: an unanchored search for overlapping matches,
/// without a prefilter.
#[cfg(test)]
fn ascii_dfa<I: AsRef<[u8]>>(literals: impl IntoIterator<Item = I>) -> Result<DFA, BuildError> {
    DFA::builder()
        .match_kind(MatchKind::Standard)
        .prefilter(false)
        .build(literals)
        .map_err(|e| BuildError::Automaton(e.to_string()))
}

#[derive(Debug)]
pub(crate) struct Matcher {
    /// The ASCII literals (all but a few), in ASCII lower case: the crate's noncontiguous NFA
    /// over them (built without case folding, so its alphabet is half as large and so is the
    /// time to build it) read into a table with ASCII case folded into its byte classes, walked by
    /// [`Matcher`] itself over the line as it is: one walk of a line answers both whether it
    /// holds a literal and, going on from the first, which ones ([`Matcher::first`],
    /// [`Matcher::hits_from`]).
    ac: Table,
    /// The literal index of each of `ac`'s patterns.
    ascii_ids: Vec<usize>,
    /// The literals with other bytes (Chinese-locale Windows errors and the like), searched
    /// only on lines that hold such a byte: with them the table would be twice as large
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
    /// The bytes of the literals shorter than [`GRAM`] (ASCII lower case).
    short_bytes: [bool; 256],
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
        // Every line is searched: the ASCII literals' automaton is walked from a table the
        // matcher owns, one load a byte (about 4 MiB, built once).
        let (ascii_ids, wide_ids): (Vec<usize>, Vec<usize>) =
            (0..literals.len()).partition(|&i| literals[i].is_ascii());
        // The table is read from the crate's noncontiguous NFA (the DFA's own source): it
        // holds the same transitions and matches, and building a DFA first would cost the
        // start of a run most of its instructions and hold about 6 MiB more.
        let nfa = noncontiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(ascii_ids.iter().map(|&i| &literals[i]))
            .map_err(|e| BuildError::Automaton(e.to_string()))?;
        let ac = Table::build(&nfa, ascii_ids.iter().map(|&i| literals[i].as_bytes()))
            .ok_or_else(|| BuildError::Automaton("the automaton has no unanchored start".into()))?;
        drop(nfa);
        let wide = if wide_ids.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(wide_ids.iter().map(|&i| &literals[i]))
                    .map_err(|e| BuildError::Automaton(e.to_string()))?,
            )
        };
        let mut grams = vec![0u64; (1 << GRAM_BITS) / 64].into_boxed_slice();
        let mut short = Vec::new();
        let mut short_bytes = [false; 256];
        for literal in &literals {
            if literal.len() < GRAM {
                short.push(literal.as_bytes().to_vec());
                for &b in literal.as_bytes() {
                    short_bytes[usize::from(b)] = true;
                }
            }
            for at in 0..literal.len().saturating_sub(GRAM - 1) {
                let Some(gram) = gram_at(literal.as_bytes(), at) else {
                    continue;
                };
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
            short_bytes,
            #[cfg(test)]
            literals,
        })
    }

    /// True when the line holds any literal (the fast path: most lines stop here).
    #[cfg(test)]
    pub(crate) fn quick(&self, line: &[u8]) -> bool {
        self.first(line).is_some()
    }

    /// Where the first literal of `line` ends, when it holds one (the quick test: most lines
    /// stop here), ASCII case ignored. What it returns lets [`Matcher::hits_from`] go on
    /// from there instead of searching the line again.
    pub(crate) fn first(&self, line: &[u8]) -> Option<First> {
        if let Some((end, sid)) = self.ac.first(line, 0, self.ac.start()) {
            return Some(First::Ascii { end, sid });
        }
        self.wide_in(line)
            .is_some_and(|w| w.is_match(line))
            .then_some(First::Wide)
    }

    /// The automaton of the non-ASCII literals, when `text` holds a byte that may start one.
    fn wide_in(&self, text: &[u8]) -> Option<&AhoCorasick> {
        self.wide.as_ref().filter(|_| !text.is_ascii())
    }

    /// Calls `f(literal, start, end)` for every ASCII literal of `text` that ends after byte
    /// `at`, overlapping ones too, ASCII case ignored, in the order of their ends (at one
    /// end, in the automaton's order), walking on from state `sid` at byte `at`: the order
    /// and offsets of the crate's overlapping search. Stops, returning true, when `f` does.
    fn walk(
        &self,
        text: &[u8],
        mut at: usize,
        mut sid: u32,
        f: &mut impl FnMut(usize, usize, usize) -> bool,
    ) -> bool {
        while let Some((end, next)) = self.ac.first(text, at, sid) {
            if self.matches_at(next, end, f) {
                return true;
            }
            (at, sid) = (end, next);
        }
        false
    }

    /// Calls `f` for each literal that match state `sid` holds, ending at `end`.
    fn matches_at(
        &self,
        sid: u32,
        end: usize,
        f: &mut impl FnMut(usize, usize, usize) -> bool,
    ) -> bool {
        self.ac
            .matches(sid)
            .iter()
            .any(|&(pid, len)| f(self.ascii_ids[pid as usize], end - len as usize, end))
    }

    /// Calls `f(literal, start, end)` for every literal in `text`, overlapping ones too, the
    /// ASCII ones first; stops, returning true, when `f` does.
    fn each_found(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize) -> bool) -> bool {
        self.walk(text, 0, self.ac.start(), &mut f) || self.each_wide(text, &mut f)
    }

    /// [`Matcher::each_found`] for the non-ASCII literals.
    fn each_wide(&self, text: &[u8], f: &mut impl FnMut(usize, usize, usize) -> bool) -> bool {
        self.wide_in(text).is_some_and(|w| {
            w.find_overlapping_iter(text)
                .any(|m| f(self.wide_ids[m.pattern().as_usize()], m.start(), m.end()))
        })
    }

    /// True when a literal (of any kind) in `text` starts before byte `from` and ends after
    /// byte `to`: `text` is two lines joined at `from..to`, and a message continues across
    /// the join.
    pub(crate) fn straddles(&self, text: &[u8], from: usize, to: usize) -> bool {
        if !self.might_straddle(text, from, to) {
            return false;
        }
        self.each_found(text, |_, start, end| start < from && end > to)
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
        if (lowest..=highest).any(|s| gram_at(text, s).is_some_and(|g| has(gram_bit(g)))) {
            return true;
        }
        // A short literal across the join holds the bytes on both sides of it.
        let in_short = |b: u8| self.short_bytes[usize::from(b.to_ascii_lowercase())];
        if !in_short(text[first]) || !in_short(text[last]) {
            return false;
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
        match self.first(line) {
            Some(first) => self.hits_from(line, first),
            None => Hits::default(),
        }
    }

    /// [`Matcher::hits`] of `line`, going on from where [`Matcher::first`] found its first
    /// literal.
    pub(crate) fn hits_from(&self, line: &[u8], first: First) -> Hits {
        let mut hits = Hits::default();
        let mut add = |literal: usize, start: usize, end: usize| {
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
            false
        };
        // Every ASCII literal ends at or after the first one's end.
        if let First::Ascii { end, sid } = first {
            self.matches_at(sid, end, &mut add);
            self.walk(line, end, sid, &mut add);
        }
        self.each_wide(line, &mut add);
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
    fn a_word_is_lowered_as_each_of_its_bytes_is() {
        // Every byte in every place, beside bytes that carry into it or out of it.
        for b in 0..=255u8 {
            for other in [0x00, 0x40, 0x41, 0x5a, 0x5b, 0x7f, 0x80, 0xc1, 0xda, 0xff] {
                for place in 0..GRAM {
                    let mut word = [other; GRAM];
                    word[place] = b;
                    let lower = lower_word(u32::from_le_bytes(word)).to_le_bytes();
                    assert_eq!(lower, word.map(|c| c.to_ascii_lowercase()), "{word:?}");
                }
            }
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
                assert!(m.each_found(text, |j, _, _| j == i), "{line}");
            }
        }
        // A non-ASCII literal split across a join is still found there.
        let wide = &m.literals[m.wide_ids[0]];
        let cut = wide.char_indices().nth(1).map_or(1, |(at, _)| at);
        assert!(m.straddles(wide.as_bytes(), cut, cut), "{wide}");
    }

    #[test]
    fn the_walk_finds_what_the_crates_overlapping_search_finds_in_its_order() {
        let m = Matcher::get().expect("catalog compiles");
        let ascii: Vec<&String> = m.ascii_ids.iter().map(|&i| &m.literals[i]).collect();
        assert!(ascii.iter().all(|l| !l.is_empty()));
        let crate_ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&ascii)
            .expect("builds");
        let mut lines: Vec<String> = vec![
            "Error response from daemon: denied: requested access to the resource is denied".into(),
            "test registry::tests::unauthorized_returns_401 ... ok".into(),
            "##[group]Run actions/checkout@v4".into(),
            "nothing here at all".into(),
            String::new(),
        ];
        // Every literal alone, inside text, twice, and the catalog's literals run together.
        for l in &m.literals {
            lines.push(l.clone());
            lines.push(format!("x {l} y {l}z"));
        }
        lines.push(m.literals.join(""));
        // The same lines in upper case and in mixed case: the walk folds case itself.
        let mixed: Vec<String> = lines
            .iter()
            .flat_map(|l| [l.to_ascii_uppercase(), mixed_case(l)])
            .collect();
        lines.extend(mixed);
        for line in &lines {
            let text = line.as_bytes();
            let lower = text.to_ascii_lowercase();
            let expected: Vec<(usize, usize, usize)> = crate_ac
                .find_overlapping_iter(&lower)
                .map(|x| (m.ascii_ids[x.pattern().as_usize()], x.start(), x.end()))
                .chain(m.wide_in(text).into_iter().flat_map(|w| {
                    w.find_overlapping_iter(text)
                        .map(|x| (m.wide_ids[x.pattern().as_usize()], x.start(), x.end()))
                }))
                .collect();
            let mut walked = Vec::new();
            m.each_found(text, |i, s, e| {
                walked.push((i, s, e));
                false
            });
            assert_eq!(walked, expected, "{line}");
            let first = m.first(text);
            assert_eq!(first.is_some(), !expected.is_empty(), "{line}");
            if let Some(First::Ascii { end, .. }) = first {
                assert_eq!(Some(end), expected.iter().map(|x| x.2).min(), "{line}");
            }
        }
    }

    /// `text` with every other ASCII letter in upper case.
    fn mixed_case(text: &str) -> String {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }

    /// Every match state the crate's DFA enters on `text` in ASCII lower case, walked as the
    /// matcher walked it before it had a table of its own: where, and the literals there
    /// (the DFA's pattern id and length).
    fn crate_dfa_walk(dfa: &DFA, text: &[u8]) -> Vec<(usize, Vec<(u32, u32)>)> {
        use aho_corasick::Anchored;
        use aho_corasick::automaton::Automaton;
        let mut out = Vec::new();
        let mut sid = dfa.start_state(Anchored::No).expect("an unanchored start");
        for (at, byte) in text.to_ascii_lowercase().into_iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, byte);
            if dfa.is_special(sid) && dfa.is_match(sid) {
                let found = (0..dfa.match_len(sid))
                    .map(|i| {
                        let pid = dfa.match_pattern(sid, i);
                        (pid.as_u32(), dfa.pattern_len(pid) as u32)
                    })
                    .collect();
                out.push((at + 1, found));
            }
        }
        out
    }

    /// [`crate_dfa_walk`] through the matcher's table.
    fn table_walk(table: &Table, text: &[u8]) -> Vec<(usize, Vec<(u32, u32)>)> {
        let mut out = Vec::new();
        let (mut at, mut sid) = (0, table.start());
        while let Some((end, next)) = table.first(text, at, sid) {
            out.push((end, table.matches(next).to_vec()));
            (at, sid) = (end, next);
        }
        out
    }

    #[test]
    fn the_table_enters_the_crates_match_states_where_its_dfa_does_whatever_the_case() {
        let m = Matcher::get().expect("catalog compiles");
        let ascii: Vec<&str> = m
            .ascii_ids
            .iter()
            .map(|&i| m.literals[i].as_str())
            .collect();
        let dfa = ascii_dfa(&ascii).expect("builds");
        // The matcher's table (read from the NFA) and one read from the DFA.
        let table = &m.ac;
        let from_dfa = Table::build(&dfa, ascii.iter().map(|l| l.as_bytes())).expect("a table");
        // A few MiB at most, built once.
        assert!(table.bytes() < 8 << 20, "{} bytes", table.bytes());
        let mut lines: Vec<Vec<u8>> = vec![
            b"Error response from daemon: denied: requested access to the resource is denied"
                .to_vec(),
            b"".to_vec(),
            (0..=255u8).collect(),
            (0..=255u8).rev().collect(),
        ];
        // Every literal of every kind (catalog, context, protocol, trigger, recovery), alone,
        // inside text and run together, in its case variants.
        for l in &m.literals {
            for v in [l.clone(), l.to_ascii_uppercase(), mixed_case(l)] {
                lines.push(v.clone().into_bytes());
                lines.push(format!("x {v} y {v}z").into_bytes());
            }
        }
        lines.push(m.literals.join("").into_bytes());
        lines.push(m.literals.join(" ").to_ascii_uppercase().into_bytes());
        // Random lines: pieces of literals, cut anywhere and in any case, among random bytes.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut random = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut line = Vec::new();
            for _ in 0..random(12) {
                match random(4) {
                    0 => line.push(random(256) as u8),
                    1 => line.extend(b"Error: ".iter().map(|b| b ^ (random(2) as u8 * 0x20))),
                    _ => {
                        let l = m.literals[random(m.literals.len())].as_bytes();
                        let (a, b) = (random(l.len() + 1), random(l.len() + 1));
                        let piece = &l[a.min(b)..a.max(b).max(random(l.len() + 1))];
                        line.extend(piece.iter().map(|&c| {
                            if random(2) == 0 {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        }));
                    }
                }
            }
            lines.push(line);
        }
        for line in &lines {
            let walked = table_walk(table, line);
            assert_eq!(
                walked,
                crate_dfa_walk(&dfa, line),
                "{}",
                String::from_utf8_lossy(line)
            );
            assert_eq!(walked, table_walk(&from_dfa, line));
            // The first match too: where it ends and the literals there.
            let first = table.first(line, 0, table.start());
            assert_eq!(first.map(|(end, _)| end), walked.first().map(|w| w.0));
        }
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
