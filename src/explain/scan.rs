//! Streaming line reader and line cleaning for CI logs.
//!
//! Logs come with GitHub Actions timestamps, `##[error]` and `::error::` prefixes, ANSI
//! colours, CRLF and `\r` progress updates, podman's `errors:\n` escapes and lines of many
//! megabytes. The reader hands out one line at a time from a fixed buffer and keeps at most
//! [`MAX_LINE`] bytes of any line, so memory stays bounded whatever the input.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};

/// The longest part of one line that is kept; the rest of the line is skipped.
pub const MAX_LINE: usize = 64 * 1024;

const READ_BUFFER: usize = 256 * 1024;

/// What the reader saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub lines: usize,
    pub bytes: u64,
    /// Lines longer than [`MAX_LINE`] (only their start was examined).
    pub truncated_lines: usize,
}

/// Calls `f(line_number, line, truncated)` for every line (1-based numbers, without the
/// `\n`). A line longer than [`MAX_LINE`] is cut to its first `MAX_LINE` bytes and
/// `truncated` is true.
pub fn for_each_line<R: Read>(
    reader: R,
    mut f: impl FnMut(usize, &[u8], bool),
) -> io::Result<Stats> {
    let mut input = BufReader::with_capacity(READ_BUFFER, reader);
    let mut stats = Stats::default();
    // The start of a line that crosses the end of the read buffer.
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_cut = false;
    let mut pending_any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            if pending_any {
                stats.lines += 1;
                stats.truncated_lines += usize::from(pending_cut);
                f(stats.lines, &pending, pending_cut);
            }
            return Ok(stats);
        }
        let len = chunk.len();
        stats.bytes += len as u64;
        let mut start = 0;
        while let Some(pos) = memchr::memchr(b'\n', &chunk[start..]) {
            let end = start + pos;
            stats.lines += 1;
            if pending_any {
                keep(&mut pending, &mut pending_cut, &chunk[start..end]);
                stats.truncated_lines += usize::from(pending_cut);
                f(stats.lines, &pending, pending_cut);
                pending.clear();
                pending_cut = false;
                pending_any = false;
            } else {
                let line = &chunk[start..end];
                let cut = line.len() > MAX_LINE;
                stats.truncated_lines += usize::from(cut);
                f(stats.lines, &line[..line.len().min(MAX_LINE)], cut);
            }
            start = end + 1;
        }
        if start < len {
            keep(&mut pending, &mut pending_cut, &chunk[start..]);
            pending_any = true;
        }
        input.consume(len);
    }
}

fn keep(pending: &mut Vec<u8>, cut: &mut bool, more: &[u8]) {
    let room = MAX_LINE.saturating_sub(pending.len());
    if more.len() > room {
        *cut = true;
    }
    pending.extend_from_slice(&more[..more.len().min(room)]);
}

/// Removes ANSI escape sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ESC \`, and
/// two-byte escapes).
pub fn strip_ansi(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        // The text up to the next escape, copied whole.
        let run = memchr::memchr(0x1b, &line[i..]).unwrap_or(line.len() - i);
        out.extend_from_slice(&line[i..i + run]);
        i += run;
        if i == line.len() {
            break;
        }
        i = after_escape(line, i);
    }
    out
}

/// Where the escape sequence that starts at `line[i]` (an ESC) ends: after a CSI's final
/// byte, after an OSC's BEL or `ESC \`, after a two-byte escape's second byte, or at the
/// line's end when the sequence is cut.
fn after_escape(line: &[u8], mut i: usize) -> usize {
    match line.get(i + 1) {
        Some(b'[') => {
            i += 2;
            while i < line.len() && !(0x40..=0x7e).contains(&line[i]) {
                i += 1;
            }
            i + 1
        }
        Some(b']') => {
            i += 2;
            while i < line.len() {
                if line[i] == 0x07 {
                    return i + 1;
                }
                if line[i] == 0x1b && line.get(i + 1) == Some(&b'\\') {
                    return i + 2;
                }
                i += 1;
            }
            i
        }
        Some(_) => i + 2,
        None => i + 1,
    }
}

/// The line without a leading GitHub Actions timestamp (`2024-05-01T10:00:00.1234567Z `).
pub fn without_timestamp(b: &[u8]) -> &[u8] {
    // Asked of every line, twice of a timestamped one: the fixed places first, then one
    // search for the `Z` within the first 40 bytes.
    if b.len() < 20 {
        return b;
    }
    let digits = |from: usize, to: usize| b[from..to].iter().all(u8::is_ascii_digit);
    if digits(0, 4)
        && b[4] == b'-'
        && digits(5, 7)
        && b[7] == b'-'
        && digits(8, 10)
        && b[10] == b'T'
        && digits(11, 13)
        && b[13] == b':'
        && let Some(z) = memchr::memchr(b'Z', &b[..b.len().min(40)])
    {
        let rest = &b[z + 1..];
        let spaces = rest.iter().take_while(|c| **c == b' ').count();
        return &rest[spaces..];
    }
    b
}

fn strip_timestamp(s: &str) -> &str {
    let rest = without_timestamp(s.as_bytes());
    // The timestamp is ASCII, so the cut is on a character boundary.
    s.get(s.len() - rest.len()..).unwrap_or(s)
}

/// Strips the runner's and the workflow commands' prefixes: `##[error]`, `##[warning]`,
/// `::error::`, `::error file=...,line=...::`.
fn strip_command(s: &str) -> &str {
    // Only a `]` within the first 13 bytes closes a command (the first `]` of the line,
    // looked for no further).
    if let Some(rest) = s.strip_prefix("##[")
        && let Some(close) = rest.bytes().take(13).position(|c| c == b']')
    {
        return &rest[close + 1..];
    }
    for kind in ["::error", "::warning", "::notice"] {
        if let Some(rest) = s.strip_prefix(kind)
            && let Some(end) = rest.find("::")
        {
            return &rest[end + 2..];
        }
    }
    s
}

/// True when `text` starts with `prefix`, ASCII case ignored.
pub(crate) fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The line as a person reads it: no ANSI colours, timestamp, runner prefix or trailing
/// `\r`. Invalid UTF-8 is replaced.
pub fn clean(raw: &[u8]) -> String {
    let bytes;
    let raw = if memchr::memchr(0x1b, raw).is_some() {
        bytes = strip_ansi(raw);
        &bytes[..]
    } else {
        raw
    };
    // Most lines are valid UTF-8: validated at once, as `from_utf8_lossy` would find them,
    // without its pass by chunks.
    let text = match std::str::from_utf8(raw) {
        Ok(valid) => Cow::Borrowed(valid),
        Err(_) => String::from_utf8_lossy(raw),
    };
    let mut s = text.trim_end_matches(['\r', '\n']);
    s = strip_timestamp(s);
    s = strip_command(s);
    // A line pasted into an issue or chat keeps its Markdown code quotes.
    s.trim().trim_matches('`').trim().to_owned()
}

/// Splits a cleaned line into the messages it holds: podman and skopeo print several errors
/// joined by a literal `\n` (`errors:\ndenied: ...\nunauthorized: ...`), and progress
/// output overwrites itself with `\r`.
pub fn segments(cleaned: &str) -> Vec<&str> {
    cleaned
        .split("\\n")
        .flat_map(|part| part.split('\r'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> (Vec<(usize, Vec<u8>, bool)>, Stats) {
        let mut out = Vec::new();
        let stats = for_each_line(input, |n, l, cut| out.push((n, l.to_vec(), cut)))
            .expect("in-memory read");
        (out, stats)
    }

    /// [`strip_ansi`] a byte at a time, as it was written first.
    fn strip_ansi_bytewise(line: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < line.len() {
            if line[i] == 0x1b {
                i = after_escape(line, i);
            } else {
                out.push(line[i]);
                i += 1;
            }
        }
        out
    }

    #[test]
    fn strip_ansi_copies_the_text_between_escapes_as_a_byte_at_a_time() {
        let fixed: [&[u8]; 10] = [
            b"",
            b"\x1b",
            b"x\x1b",
            b"\x1b[",
            b"\x1b[31",
            b"\x1b[36;1m#12 [build 4/9] RUN npm ci\x1b[0m",
            b"a\x1b]8;;https://x\x07link\x1b]8;;\x1b\\b",
            b"a\x1b]unterminated",
            b"\x1b(Bx\x1b\x1b[0Ky",
            b"plain text without an escape",
        ];
        for line in fixed {
            assert_eq!(strip_ansi(line), strip_ansi_bytewise(line), "{line:?}");
        }
        // Every short line over a few bytes that matter, escapes at every place.
        let alphabet = [0x1b, b'[', b']', b'm', b'3', b'\\', 0x07, b'x'];
        for len in 0..=6u32 {
            for n in 0..alphabet.len().pow(len) {
                let mut line = Vec::new();
                let mut k = n;
                for _ in 0..len {
                    line.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                assert_eq!(strip_ansi(&line), strip_ansi_bytewise(&line), "{line:?}");
            }
        }
    }

    /// [`strip_command`] as it was written first: the line's first `]`, wherever it is.
    fn strip_command_found(s: &str) -> &str {
        if let Some(rest) = s.strip_prefix("##[")
            && let Some(close) = rest.find(']')
            && close <= 12
        {
            return &rest[close + 1..];
        }
        for kind in ["::error", "::warning", "::notice"] {
            if let Some(rest) = s.strip_prefix(kind)
                && let Some(end) = rest.find("::")
            {
                return &rest[end + 2..];
            }
        }
        s
    }

    #[test]
    fn a_command_closes_within_its_first_thirteen_bytes_as_before() {
        let mut lines = vec![
            String::new(),
            "##[".to_owned(),
            "##[]".to_owned(),
            "##[error]denied".to_owned(),
            "##[group]Run actions/checkout@v4".to_owned(),
            "##[é]x".to_owned(),
            "##[ééééééé]x".to_owned(),
            "::error file=a.yml::denied".to_owned(),
            "plain ]".to_owned(),
        ];
        for n in 0..=16 {
            lines.push(format!("##[{}]rest]", "a".repeat(n)));
            lines.push(format!("##[{}", "a".repeat(n)));
            lines.push(format!("##[{}é]x", "a".repeat(n)));
        }
        for line in &lines {
            assert_eq!(strip_command(line), strip_command_found(line), "{line}");
        }
    }

    #[test]
    fn clean_replaces_invalid_utf8_as_before() {
        let raw: &[u8] = b"##[error]denied \xff\xfe: caf\xc3\xa9 \xc3";
        let lossy = String::from_utf8_lossy(raw);
        assert_eq!(clean(raw), strip_command(&lossy).trim());
        assert_eq!(clean("café ok".as_bytes()), "café ok");
    }

    #[test]
    fn numbers_lines_and_keeps_a_last_line_without_newline() {
        let (out, stats) = lines(b"a\r\nb\n\nc");
        let texts: Vec<&[u8]> = out.iter().map(|(_, l, _)| &l[..]).collect();
        assert_eq!(texts, vec![&b"a\r"[..], b"b", b"", b"c"]);
        assert_eq!(out[3].0, 4);
        assert_eq!(stats.lines, 4);
        assert_eq!(stats.bytes, 7);
    }

    #[test]
    fn cuts_a_huge_line_and_goes_on() {
        let mut input = vec![b'x'; MAX_LINE * 5 + 7];
        input.extend_from_slice(b"\nnext\n");
        let (out, stats) = lines(&input);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].1.len(), MAX_LINE);
        assert!(out[0].2);
        assert_eq!(out[1].1, b"next");
        assert_eq!(out[1].0, 2);
        assert_eq!(stats.truncated_lines, 1);
    }

    #[test]
    fn cleans_actions_prefixes_colours_and_cr() {
        assert_eq!(
            clean(b"2024-05-01T10:00:00.1234567Z ##[error]buildx failed with: x\r"),
            "buildx failed with: x"
        );
        assert_eq!(
            clean(b"::error file=a.yml,line=3::denied: denied"),
            "denied: denied"
        );
        assert_eq!(
            clean(b"\x1b[31mERROR\x1b[0m: \x1b]8;;http://x\x07denied\x1b]8;;\x07"),
            "ERROR: denied"
        );
    }

    #[test]
    fn multibyte_text_after_a_timestamp_like_prefix_does_not_panic() {
        assert!(!clean("2024-05-01T10:é€€€€€€€€€€€€€€€€€€€€€€€".as_bytes()).is_empty());
        assert_eq!(
            clean("2024-05-01T10:00:00.1Z 镜像推送失败".as_bytes()),
            "镜像推送失败"
        );
    }

    #[test]
    fn a_timestamp_comes_off_only_where_it_is_whole() {
        let cases: [(&[u8], &[u8]); 7] = [
            (b"2024-05-14T08:21:00.1234567Z   denied", b"denied"),
            (b"2024-05-14T08:21:00Z", b""),
            (
                b"2024-05-14T08:21:00.1234567 denied: x",
                b"2024-05-14T08:21:00.1234567 denied: x",
            ),
            (
                b"2024-05-14 08:21:00.1234567Z denied",
                b"2024-05-14 08:21:00.1234567Z denied",
            ),
            (b"2024-05-14T08:21", b"2024-05-14T08:21"),
            (b"2024-05-14T08:21:00.1111111111111111111Z x", b"x"),
            (
                b"2024-05-14T08:21:00.11111111111111111111Z x",
                b"2024-05-14T08:21:00.11111111111111111111Z x",
            ),
        ];
        for (line, rest) in cases {
            assert_eq!(
                without_timestamp(line),
                rest,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn splits_podman_escaped_errors() {
        let line = "writing blob: errors:\\ndenied: requested access to the resource is denied\\nunauthorized: authentication required\\n";
        assert_eq!(
            segments(line),
            vec![
                "writing blob: errors:",
                "denied: requested access to the resource is denied",
                "unauthorized: authentication required"
            ]
        );
    }
}
