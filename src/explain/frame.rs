//! The frame around a log line: what runners, terminals, pages and log drivers put around a
//! message (timestamps, colours, BuildKit's and a service's prefixes, Markdown quoting, HTML
//! entities, Kubernetes event columns, JSON records), taken off before the line is read, so
//! the same message reads the same however it arrived.
//!
//! The reader hands out *logical* lines: a physical line of the log, without its frame, or one
//! line of a log carried inside a JSON string. Each has its index among the logical lines
//! (`at`, which the scanner's windows of nearby lines count) and the number of the log's line
//! it came from (`line`, what the user is shown). A frame is only ever taken off the start or
//! the ends of one line, or decoded inside it; no two lines are merged.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::OnceLock;

use regex::bytes::Regex;
use serde_json::Value;

use super::scan::{self, Stats};

mod link;

/// At most this many frames are taken off the start of one line (a quoted, timestamped,
/// indented BuildKit line has four).
const MAX_PREFIXES: usize = 8;

/// At most this many levels of escaping are decoded (HTML entities of a page that escaped a
/// log twice).
const MAX_DECODES: usize = 3;

/// A line at least this long (frame off, in bytes) may have been broken by a terminal or a
/// page that wraps long lines; a shorter one is taken as it is.
const WRAP_MIN: usize = 40;

/// The widths terminals are commonly set to, in characters.
const TERMINAL_WIDTHS: [usize; 5] = [80, 100, 120, 132, 160];

/// The widths pages, mail and review tools commonly wrap text at, in characters.
const PAGE_WIDTHS: [usize; 6] = [72, 76, 78, 80, 100, 120];

/// A URL at least this long is one a page moves to the next line whole, however short that
/// leaves the line before.
const LONG_WORD: usize = 24;

/// How many bytes on each side of a possible break are searched for a message across it.
const JOIN_WINDOW: usize = 32;

/// Calls `f(at, line, text, truncated)` for every logical line of `reader`: `at` counts the
/// logical lines from 1, `line` is the 1-based number of the log's line it starts on, `text`
/// is the line without its frame. The statistics are the physical lines'.
///
/// A long line and the next are read as one when `straddles(text, from, to)` says a message
/// runs across the join at `from..to` (`text` is the end of the first, the separator and the
/// start of the next): a terminal broke the line at its width, or a page between words.
/// The next line must carry no tool's frame (a runner's timestamp, BuildKit's step, ...): a
/// tool writes its frame on every line it prints, so such a line is a line of its own.
pub(crate) fn for_each_line<R: Read>(
    reader: R,
    straddles: impl Fn(&[u8], usize, usize) -> bool,
    mut f: impl FnMut(usize, usize, &[u8], bool),
) -> io::Result<Stats> {
    let mut lines = Lines::default();
    let stats = scan::for_each_line(reader, |no, raw, truncated| {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if let Some(inner) = json_record(raw) {
            let mut pieces: Vec<&str> = inner.split('\n').collect();
            if pieces.len() > 1 && pieces.last().is_some_and(|p| p.is_empty()) {
                pieces.pop();
            }
            for piece in pieces {
                let piece = piece.strip_suffix('\r').unwrap_or(piece);
                lines.push(
                    no,
                    &unframe(piece.as_bytes()),
                    truncated,
                    &straddles,
                    &mut f,
                );
            }
            return;
        }
        lines.push(no, &unframe(raw), truncated, &straddles, &mut f);
    })?;
    lines.flush(&mut f);
    Ok(stats)
}

/// The logical lines handed out so far, and a long line held back until the next shows
/// whether it goes on there.
#[derive(Default)]
struct Lines {
    at: usize,
    holding: bool,
    held: Vec<u8>,
    held_line: usize,
    held_cut: bool,
    /// The width of the last line added to the held one, frame included, in characters.
    held_width: usize,
    /// The last line added to the held one is a URL alone that a page moved there whole from
    /// the end of the line before.
    held_moved_url: bool,
    /// A line held or joined to it may hold a bracket ([`Unframed`]'s `bracket`): without
    /// one, the held line has no run link to look for.
    held_bracket: bool,
    window: Vec<u8>,
}

impl Lines {
    fn push(
        &mut self,
        no: usize,
        line: &Unframed<'_>,
        cut: bool,
        straddles: &impl Fn(&[u8], usize, usize) -> bool,
        f: &mut impl FnMut(usize, usize, &[u8], bool),
    ) {
        let text = line.message();
        if self.holding {
            if !line.tool_frame
                && let Some(sep) = self.join(text, line.spaced(), straddles)
                && self.held.len() + sep.len() + text.len() <= scan::MAX_LINE
            {
                self.held.extend_from_slice(sep);
                self.held.extend_from_slice(text);
                self.held_cut |= cut;
                self.held_width = line.width();
                self.held_moved_url = lone_url(text);
                self.held_bracket |= line.bracket;
                return;
            }
            self.flush(f);
        }
        if text.len() >= WRAP_MIN && !cut {
            self.held.clear();
            self.held.extend_from_slice(text);
            self.held_line = no;
            self.held_cut = cut;
            self.held_width = line.width();
            self.held_moved_url = false;
            self.held_bracket = line.bracket;
            self.holding = true;
        } else {
            self.at += 1;
            f(self.at, no, text, cut);
        }
    }

    fn flush(&mut self, f: &mut impl FnMut(usize, usize, &[u8], bool)) {
        if self.holding {
            self.holding = false;
            self.at += 1;
            // A link a terminal broke is whole again only once its lines are joined.
            let unlinked = if self.held_bracket {
                link::without_run_links(&self.held)
            } else {
                None
            };
            match unlinked {
                Some(unlinked) => f(self.at, self.held_line, &unlinked, self.held_cut),
                None => f(self.at, self.held_line, &self.held, self.held_cut),
            }
        }
    }

    /// True when the held line is as a page that wraps at one of [`PAGE_WIDTHS`] leaves a
    /// line it broke between words: no longer than the width, too long to take the next
    /// line's first word, near the width (unless that word is a long URL), or a URL wider
    /// than every width that the page had moved whole from the line before; not ending a
    /// sentence (a colon may end it: a message goes on after `unauthorized:`); and the next
    /// goes on in lower case with a word that heads no message (`denied:`, `error:`) nor
    /// record (`time=...`).
    fn broken_between_words(&self, next: &[u8], spaced: bool) -> bool {
        if spaced || self.held.ends_with(b" ") || !next[0].is_ascii_lowercase() {
            return false;
        }
        if matches!(
            self.held.last(),
            Some(b'.' | b';' | b'!' | b'?' | b')' | b']' | b'}' | b'"' | b'\'' | b',')
        ) {
            return false;
        }
        let word = next.iter().take_while(|c| !c.is_ascii_whitespace()).count();
        // `denied:` heads a message and `time=...` a structured log's record;
        // `https://HOST/v2/...:` is the request a message names.
        let first = &next[..word];
        let url = first.windows(3).any(|w| w == b"://");
        if !url && (first.ends_with(b":") || first.contains(&b'=')) {
            return false;
        }
        // A URL wider than any page, moved whole to a line of its own: the page broke right
        // after it, whatever width it wraps at (`content at` / `https://HOST/v2/...` /
        // `not found`).
        if self.held_moved_url && PAGE_WIDTHS.iter().all(|w| self.held_width > *w) {
            return true;
        }
        let words = std::str::from_utf8(&next[..word]).map_or(word, |w| w.chars().count());
        let long_url = url && words >= LONG_WORD;
        PAGE_WIDTHS.iter().any(|w| {
            self.held_width <= *w
                && self.held_width + 1 + words > *w
                && (self.held_width + 12 >= *w || long_url)
        })
    }

    /// The separator that joins the held line and `next` when a message runs across the
    /// join: a space where a page broke between words, nothing where a terminal broke a word.
    fn join(
        &mut self,
        next: &[u8],
        spaced: bool,
        straddles: &impl Fn(&[u8], usize, usize) -> bool,
    ) -> Option<&'static [u8]> {
        if next.is_empty() || is_layer_progress(&self.held) {
            return None;
        }
        let tail = &self.held[self.held.len().saturating_sub(JOIN_WINDOW)..];
        let head = &next[..next.len().min(JOIN_WINDOW)];
        // A line exactly as wide as a terminal, not at the end of a sentence or a bracket,
        // and a next that goes on (after a space, in lower case or digits, or inside a URL or
        // a path): the terminal broke the line there, between words or mid-word.
        let at_space = spaced || tail.ends_with(b" ");
        // A colon before digits is a port (`HOST:` / `2376: connectex: ...`).
        let port = tail.last() == Some(&b':') && next[0].is_ascii_digit() && !spaced;
        if TERMINAL_WIDTHS.contains(&self.held_width)
            && !starts_record(next)
            && (port
                || !matches!(
                    tail.last(),
                    Some(b'.' | b':' | b';' | b'!' | b'?' | b')' | b']' | b'}' | b'"' | b'\'')
                ))
            && (at_space
                || next[0].is_ascii_lowercase()
                || next[0].is_ascii_digit()
                || b"/._-:@?=&%".contains(&next[0]))
        {
            return Some(if spaced && !tail.ends_with(b" ") {
                b" "
            } else {
                b""
            });
        }
        if self.broken_between_words(next, spaced) {
            return Some(b" ");
        }
        // Between words: a terminal's break mid-word is the width's rule above.
        let sep: &'static [u8] = if tail.ends_with(b" ") { b"" } else { b" " };
        self.window.clear();
        self.window.extend_from_slice(tail);
        self.window.extend_from_slice(sep);
        self.window.extend_from_slice(head);
        straddles(&self.window, tail.len(), tail.len() + sep.len()).then_some(sep)
    }
}

/// True when `text` is one URL and nothing else.
fn lone_url(text: &[u8]) -> bool {
    (text.starts_with(b"https://") || text.starts_with(b"http://"))
        && !text.iter().any(u8::is_ascii_whitespace)
}

/// True when `line` is a layer's progress bar as docker and podman draw it (`fb395f539ec6:
/// Extracting [==>      ]  28.41MB/521.3MB`): a line the client drew whole, however wide, so
/// what follows it (`unexpected EOF` when the transfer broke) is a message of its own.
fn is_layer_progress(line: &[u8]) -> bool {
    line.len() > 14
        && line[..12].iter().all(u8::is_ascii_hexdigit)
        && line[12..].starts_with(b": ")
        && [&b"Downloading ["[..], b"Extracting [", b"Pushing ["]
            .iter()
            .any(|w| line[14..].starts_with(w))
}

/// True when `line` starts a structured log's record (`time="..." level=error msg=...`), as
/// logrus, slog and zerolog print them: a line of its own, whatever came before.
fn starts_record(line: &[u8]) -> bool {
    ["time=", "level=", "lvl=", "ts=", "msg="]
        .iter()
        .any(|key| line.starts_with(key.as_bytes()))
}

/// A line without its frame.
pub(crate) struct Unframed<'a> {
    text: Cow<'a, [u8]>,
    /// Where the message starts in `text`.
    start: usize,
    /// The frame holds a tool's own prefix (a timestamp, BuildKit's step, a service's bar, an
    /// event's columns, a GitLab section), not only a page's (whitespace, quote marks,
    /// bullets).
    tool_frame: bool,
    /// `text` may hold a bracket: it is not the line as it came, or that had one.
    bracket: bool,
    /// `text` is known to be ASCII: it is the line as it came, and that had no other byte.
    ascii: bool,
}

impl Unframed<'_> {
    pub(crate) fn message(&self) -> &[u8] {
        &self.text[self.start..]
    }

    /// The line's width in characters, frame included, as a terminal counts it (colours
    /// take none).
    fn width(&self) -> usize {
        if self.ascii || self.text.is_ascii() {
            return self.text.len();
        }
        std::str::from_utf8(&self.text).map_or(self.text.len(), |t| t.chars().count())
    }

    /// The frame ended in whitespace (the message was indented or followed a prefix).
    fn spaced(&self) -> bool {
        self.start > 0 && self.text[self.start - 1].is_ascii_whitespace()
    }
}

/// The line without its frame.
pub(crate) fn unframe(raw: &[u8]) -> Unframed<'_> {
    let mut text = Cow::Borrowed(raw);
    // Most lines have no escape, bracket, ampersand nor backslash, and are ASCII: one pass
    // over the line tells all of it.
    let found = marks(raw);
    let marked = found & MARKED != 0;
    // Each step below looks for a byte first (an escape, a bracket, an ampersand) and only
    // takes bytes away before the next: a byte the line as it came lacks, it lacks still.
    if marked {
        if found & ESCAPE != 0 {
            text = Cow::Owned(scan::strip_ansi(&text));
        }
        if found & BRACKET != 0
            && let Some(stripped) = without_colour_remnants(&text)
        {
            text = Cow::Owned(stripped);
        }
        if found & AMPERSAND != 0 {
            for _ in 0..MAX_DECODES {
                match decode_entities(&text) {
                    Some(decoded) => text = Cow::Owned(decoded),
                    None => break,
                }
            }
        }
    }
    // An escaped quote needs a backslash: the line as it came has one, or the text changed.
    if (found & BACKSLASH != 0 || matches!(text, Cow::Owned(_)))
        && let Some(decoded) = decode_escaped_quotes(&text)
    {
        text = Cow::Owned(decoded);
    }
    // A run link is a Markdown link (`[50](...)`): a line left as it came, without a
    // bracket, has none.
    if (marked || matches!(text, Cow::Owned(_)))
        && let Some(unlinked) = link::without_run_links(&text)
    {
        text = Cow::Owned(unlinked);
    }
    let bracket = marked || matches!(text, Cow::Owned(_));
    let ascii = found & NON_ASCII == 0 && matches!(text, Cow::Borrowed(_));
    // A service's bar needs a `|`: a line left as it came without one has none to peel.
    let allowed = if found & BAR == 0 && matches!(text, Cow::Borrowed(_)) {
        !SERVICE_BAR
    } else {
        ALL_PEELS
    };
    let (start, tool_frame) = peeled(&text, allowed);
    Unframed {
        text,
        start,
        tool_frame,
        bracket,
        ascii,
    }
}

/// [`marks`]: the line holds an escape (a colour may be in it).
const ESCAPE: u8 = 1;
/// [`marks`]: the line holds a backslash (an escaped quote may be in it).
const BACKSLASH: u8 = 1 << 1;
/// [`marks`]: the line holds a byte outside ASCII.
const NON_ASCII: u8 = 1 << 2;
/// [`marks`]: the line holds a bracket (a colour's remnant or a run link may be in it).
const BRACKET: u8 = 1 << 3;
/// [`marks`]: the line holds an ampersand (an HTML entity may be in it).
const AMPERSAND: u8 = 1 << 4;
/// [`marks`]: the line holds a `|` (a service's bar may lead it).
const BAR: u8 = 1 << 5;
/// [`marks`]: the line holds an escape, a bracket or an ampersand (a colour, a colour's
/// remnant, a run link or an HTML entity may be in it).
const MARKED: u8 = ESCAPE | BRACKET | AMPERSAND;

/// The bytes of `line` that [`unframe`] asks about ([`ESCAPE`], [`BACKSLASH`], [`NON_ASCII`],
/// [`BRACKET`], [`AMPERSAND`], [`BAR`]), found in one pass without a branch per byte: blocks
/// of 16 bytes, each byte's marks added to its lane, which the compiler turns into vector
/// comparisons, and the last 16 bytes as one more block (a byte read twice marks the same);
/// a line shorter than a block is read as one block padded with zeros (which mark nothing).
/// Most lines are short, where a search for each byte costs more in its call than in its
/// loop.
fn marks(line: &[u8]) -> u8 {
    const LANES: usize = 16;
    let mark = |c: u8| {
        u8::from(c == 0x1b)
            | (u8::from(c == b'\\') << 1)
            | ((c >> 7) << 2)
            | (u8::from(c == b'[') << 3)
            | (u8::from(c == b'&') << 4)
            | (u8::from(c == b'|') << 5)
    };
    let mut lanes = [0u8; LANES];
    let mut add = |block: &[u8; LANES]| {
        for (lane, &c) in lanes.iter_mut().zip(block) {
            *lane |= mark(c);
        }
    };
    match line.last_chunk::<LANES>() {
        Some(last) => {
            // The whole blocks, then the last 16 bytes: two plain loops' worth of code, not
            // one over a chain, which the compiler compiles into a loop with more tests.
            let (blocks, _) = line.as_chunks::<LANES>();
            for block in blocks {
                add(block);
            }
            add(last);
        }
        None => {
            let mut block = [0u8; LANES];
            block[..line.len()].copy_from_slice(line);
            add(&block);
        }
    }
    lanes.iter().fold(0, |found, lane| found | lane)
}

type Peel = fn(&[u8]) -> Option<usize>;

/// The frames [`peeled`] takes off, in the order it tries them, each with whether it is a
/// tool's prefix, written on every line the tool prints.
const PEELS: [(Peel, bool); 9] = [
    (whitespace, false),
    (timestamp, true),
    (bracketed_timestamp, true),
    (quote_mark, false),
    (bullet, false),
    (buildkit_progress, true),
    (service_bar, true),
    (event_columns, true),
    (gitlab_section, true),
];

// Each peel's bit, in the order of `PEELS` (bit `i` for `PEELS[i]`): `peels_for` names them.
const WHITESPACE: u16 = 1;
const TIMESTAMP: u16 = 1 << 1;
const BRACKETED_TIMESTAMP: u16 = 1 << 2;
const QUOTE_MARK: u16 = 1 << 3;
const BULLET: u16 = 1 << 4;
const BUILDKIT_PROGRESS: u16 = 1 << 5;
const SERVICE_BAR: u16 = 1 << 6;
const EVENT_COLUMNS: u16 = 1 << 7;
const GITLAB_SECTION: u16 = 1 << 8;

/// Every peel of [`PEELS`].
const ALL_PEELS: u16 = (1 << PEELS.len()) - 1;

/// How many bytes of frame lead the line (whitespace, timestamps, quote marks, bullets and
/// the prefixes of BuildKit, `docker compose`, Kubernetes events and GitLab sections, in any
/// order and nesting), and whether a tool's own prefix was among them, trying only the peels
/// whose bits `allowed` holds ([`ALL_PEELS`] for all): without one, the same answer wherever
/// it cuts nothing.
fn peeled(line: &[u8], allowed: u16) -> (usize, bool) {
    let mut start = 0;
    let mut tool = false;
    for _ in 0..MAX_PREFIXES {
        let rest = &line[start..];
        // Every line is asked: each peel starts with a byte it names, so the first byte
        // tells which may cut (in the order of `PEELS`), and most lines are settled by it.
        let Some(&first) = rest.first() else {
            break;
        };
        let may = peels_for(first) & allowed;
        let cut = PEELS.iter().enumerate().find_map(|(i, (peel, by_tool))| {
            (may & (1 << i) != 0)
                .then(|| peel(rest))
                .flatten()
                .filter(|n| *n > 0)
                .map(|n| (n, *by_tool))
        });
        match cut {
            Some((n, by_tool)) => {
                start += n;
                tool |= by_tool;
            }
            None => break,
        }
    }
    (start, tool)
}

/// The peels of [`peeled`] (bits in the order of [`PEELS`]) that may cut a line whose
/// first byte is `first`: each of the others needs another first byte.
fn peels_for(first: u8) -> u16 {
    match first {
        b' ' | b'\t' => WHITESPACE,
        b'0'..=b'9' => TIMESTAMP | SERVICE_BAR | EVENT_COLUMNS,
        b'[' => BRACKETED_TIMESTAMP,
        b'>' => QUOTE_MARK,
        b'-' | b'*' => BULLET,
        b'#' => BUILDKIT_PROGRESS,
        b'N' | b'W' => SERVICE_BAR | EVENT_COLUMNS,
        b's' => SERVICE_BAR | GITLAB_SECTION,
        b'<' => EVENT_COLUMNS,
        c if c.is_ascii_alphabetic() => SERVICE_BAR,
        _ => 0,
    }
}

fn whitespace(b: &[u8]) -> Option<usize> {
    Some(b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count())
}

/// A runner's timestamp (`2024-05-01T12:34:56.1234567Z `), with what GitLab's runner (`00O `,
/// `01E+ `) and the container runtime's log files (`stderr F `) put after it.
fn timestamp(b: &[u8]) -> Option<usize> {
    let rest = scan::without_timestamp(b);
    if rest.len() == b.len() {
        return None;
    }
    let mut n = b.len() - rest.len();
    let hex = |c: &u8| c.is_ascii_hexdigit();
    if rest.len() >= 4
        && hex(&rest[0])
        && hex(&rest[1])
        && matches!(rest[2], b'O' | b'E')
        && let Some(end) = rest[3..]
            .iter()
            .position(|c| *c == b' ')
            .filter(|p| *p <= 1)
            .map(|p| p + 4)
    {
        n += end;
    } else {
        for stream in [&b"stdout "[..], b"stderr "] {
            if let Some(after) = rest.strip_prefix(stream)
                && after.len() >= 2
                && matches!(after[0], b'F' | b'P')
                && after[1] == b' '
            {
                n += stream.len() + 2;
            }
        }
    }
    Some(n)
}

/// Jenkins' Timestamper and similar tools: `[2024-05-01T12:34:56.789Z] `, `[12:34:56] `.
fn bracketed_timestamp(b: &[u8]) -> Option<usize> {
    let inner = b.strip_prefix(b"[")?;
    let close = inner.iter().take(40).position(|c| *c == b']')?;
    let stamp = &inner[..close];
    let ok = stamp.first().is_some_and(u8::is_ascii_digit)
        && stamp.contains(&b':')
        && stamp
            .iter()
            .all(|c| c.is_ascii_digit() || b"-:.TZ +".contains(c));
    if !ok {
        return None;
    }
    let after = &inner[close + 1..];
    let spaces = after.iter().take_while(|c| **c == b' ').count();
    Some(1 + close + 1 + spaces)
}

/// Markdown's and mail's quote mark: `> ` (or a lone `>`).
fn quote_mark(b: &[u8]) -> Option<usize> {
    match b {
        [b'>'] => Some(1),
        [b'>', b' ', ..] => Some(2),
        _ => None,
    }
}

/// A Markdown bullet before text: `- ` or `* `.
fn bullet(b: &[u8]) -> Option<usize> {
    match b {
        [b'-' | b'*', b' ', rest @ ..]
            if !matches!(rest.first(), Some(b'-' | b'*'))
                && rest.iter().any(|c| !c.is_ascii_whitespace()) =>
        {
            Some(2)
        }
        _ => None,
    }
}

/// BuildKit's plain progress prefix: the step and the seconds since it started (`#12 0.123 `).
/// A step's header (`#12 [build 4/6] RUN ...`), its `ERROR:` and `DONE` lines keep their
/// number: they are BuildKit's own words.
fn buildkit_progress(b: &[u8]) -> Option<usize> {
    let rest = b.strip_prefix(b"#")?;
    let step = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = rest.get(step..)?.strip_prefix(b" ")?;
    let whole = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = rest.get(whole..)?.strip_prefix(b".")?;
    let fraction = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = rest.get(fraction..)?;
    if step == 0 || whole == 0 || fraction == 0 || !matches!(rest.first(), Some(b' ') | None) {
        return None;
    }
    Some(1 + step + 1 + whole + 1 + fraction + usize::from(!rest.is_empty()))
}

/// `docker compose`'s service prefix: `app-1  | `.
fn service_bar(b: &[u8]) -> Option<usize> {
    let name = b
        .iter()
        .take(64)
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    if name == 0 || !b[0].is_ascii_alphanumeric() {
        return None;
    }
    let spaces = b[name..].iter().take_while(|c| **c == b' ').count();
    if spaces == 0 {
        return None;
    }
    let bar = name + spaces;
    match b.get(bar..bar + 2) {
        Some(b"| ") => Some(bar + 2),
        _ if b.len() == bar + 1 && b[bar] == b'|' => Some(bar + 1),
        _ => None,
    }
}

/// The columns `kubectl describe` (`Warning  Failed  12s (x3 over 2m)  kubelet  MESSAGE`) and
/// `kubectl get events` (`12s  Warning  Failed  pod/app  MESSAGE`) put before an event's
/// message.
fn event_columns(b: &[u8]) -> Option<usize> {
    if !matches!(b.first(), Some(b'N' | b'W' | b'<' | b'0'..=b'9')) {
        return None;
    }
    static COLUMNS: OnceLock<Option<Regex>> = OnceLock::new();
    let re = COLUMNS
        .get_or_init(|| {
            let age = r"(?:<unknown>|(?:\d+[smhd])+)";
            Regex::new(&format!(
                r"^(?:(?:Normal|Warning)\s+[A-Za-z]+\s+{age}(?: \(x\d+ over {age}\))?\s+[\w.-]+(?:, [\w.-]+)?\s+|{age}\s+(?:Normal|Warning)\s+[A-Za-z]+\s+[\w./-]+\s+)"
            ))
            .ok()
        })
        .as_ref()?;
    re.find(b).map(|m| m.end())
}

/// GitLab's section markers (`section_start:1714566896:step_script\r`, with the colour resets
/// after them already gone).
fn gitlab_section(b: &[u8]) -> Option<usize> {
    let rest = b
        .strip_prefix(b"section_start:")
        .or_else(|| b.strip_prefix(b"section_end:"))?;
    let time = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest = rest.get(time..)?.strip_prefix(b":")?;
    let name = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    let mut rest = &rest[name..];
    if rest.first() == Some(&b'[')
        && let Some(close) = rest.iter().position(|c| *c == b']')
    {
        rest = &rest[close + 1..];
    }
    let cr = usize::from(rest.first() == Some(&b'\r'));
    Some(b.len() - rest.len() + cr)
}

/// The line without the colour codes a page kept after dropping their escape character
/// (`[31mERROR[0m`, `[0K`, `[36;1m`), or `None` when it has none.
fn without_colour_remnants(line: &[u8]) -> Option<Vec<u8>> {
    let remnant_at = |i: usize| -> Option<usize> {
        let rest = line.get(i + 1..)?;
        let params = rest
            .iter()
            .take(12)
            .take_while(|c| c.is_ascii_digit() || **c == b';')
            .count();
        // A reset without parameters (`[m`) is too like text to take off; `[K` is not.
        let code = match rest.get(params) {
            Some(b'm') => params > 0,
            Some(b'K') => true,
            _ => false,
        };
        code.then_some(params + 2)
    };
    let first = memchr::memchr_iter(b'[', line).find(|i| remnant_at(*i).is_some())?;
    let mut out = Vec::with_capacity(line.len());
    out.extend_from_slice(&line[..first]);
    let mut i = first;
    while i < line.len() {
        if line[i] == b'['
            && let Some(n) = remnant_at(i)
        {
            i += n;
            continue;
        }
        out.push(line[i]);
        i += 1;
    }
    Some(out)
}

/// The line with HTML's character references decoded (`&quot;`, `&gt;`, `&#39;`, `&#x27;`,
/// `&amp;`, ...), as a page's source shows a log, or `None` when it has none.
fn decode_entities(line: &[u8]) -> Option<Vec<u8>> {
    let first = memchr::memchr(b'&', line)?;
    let mut out = Vec::with_capacity(line.len());
    out.extend_from_slice(&line[..first]);
    let mut i = first;
    let mut changed = false;
    while i < line.len() {
        if line[i] == b'&'
            && let Some((c, n)) = entity(&line[i + 1..])
        {
            let mut utf8 = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            i += 1 + n;
            changed = true;
            continue;
        }
        out.push(line[i]);
        i += 1;
    }
    changed.then_some(out)
}

/// The character of the reference that starts `b` (after its `&`) and the bytes it takes,
/// with the `;`.
fn entity(b: &[u8]) -> Option<(char, usize)> {
    let end = b.iter().take(10).position(|c| *c == b';')?;
    let name = &b[..end];
    let c = match name {
        b"quot" => '"',
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"apos" => '\'',
        b"nbsp" => ' ',
        [b'#', b'x' | b'X', hex @ ..] if !hex.is_empty() => {
            char::from_u32(u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?)?
        }
        [b'#', dec @ ..] if !dec.is_empty() => {
            char::from_u32(std::str::from_utf8(dec).ok()?.parse().ok()?)?
        }
        _ => return None,
    };
    Some((c, end + 1))
}

/// The line with one level of JSON string escaping decoded (`\"`, `\\`, `\/`, `\t`, `\u001b`)
/// when it carries escaped quotes (a message printed as a JSON or Go string); `\n` stays, as
/// podman's and skopeo's joined errors print it. `None` when there is none.
fn decode_escaped_quotes(line: &[u8]) -> Option<Vec<u8>> {
    memchr::memchr_iter(b'\\', line).find(|i| line.get(i + 1) == Some(&b'"'))?;
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        if line[i] != b'\\' {
            out.push(line[i]);
            i += 1;
            continue;
        }
        match line.get(i + 1) {
            Some(b'"') => out.push(b'"'),
            Some(b'\\') => out.push(b'\\'),
            Some(b'/') => out.push(b'/'),
            Some(b't') => out.push(b'\t'),
            Some(b'u') => {
                if let Some(c) = line
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                {
                    let mut utf8 = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                    i += 6;
                    continue;
                }
                out.extend_from_slice(b"\\u");
            }
            Some(other) => {
                out.push(b'\\');
                out.push(*other);
            }
            None => out.push(b'\\'),
        }
        i += 2;
    }
    if out.contains(&0x1b) {
        out = scan::strip_ansi(&out);
    }
    Some(out)
}

/// Keys whose string is a log record's text: docker's `json-file` driver and fluentd (`log`),
/// and the message of a structured log or an API's answer.
const MESSAGE_KEYS: [&str; 6] = ["message", "msg", "output", "text", "content", "body"];

/// Keys that make a JSON object a log record.
const RECORD_KEYS: [&str; 5] = ["time", "timestamp", "ts", "level", "stream"];

/// The text of a line that is one JSON log record (`{"log":"...\n","stream":"stderr",...}`,
/// `{"level":"error","msg":"..."}`) or an answer carrying a whole log in one string: the
/// string, decoded. `None` for any other line, and for a JSON error body (`{"errors":[...]}`,
/// `{"message":"Bad credentials"}`), whose keys and values are the registry's words.
#[inline]
fn json_record(line: &[u8]) -> Option<String> {
    let start = line.iter().position(|c| !c.is_ascii_whitespace())?;
    // Asked of every line, and most start with another byte: the brace before anything else.
    if line[start] != b'{' {
        return None;
    }
    json_body(&line[start..])
}

/// [`json_record`] of a line that starts with a brace.
#[inline(never)]
fn json_body(line: &[u8]) -> Option<String> {
    let body = line.trim_ascii_end();
    if !body.starts_with(b"{\"") || !body.ends_with(b"}") {
        return None;
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    if let Some(Value::String(log)) = object.get("log") {
        return Some(log.clone());
    }
    let record = RECORD_KEYS.iter().any(|k| object.contains_key(*k));
    MESSAGE_KEYS.iter().find_map(|k| match object.get(*k) {
        Some(Value::String(s)) if record || s.contains('\n') => Some(s.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests;
