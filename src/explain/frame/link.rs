//! The links a page puts inside a line copied from GitHub's log viewer: each line number is a
//! link to its step and line (`[50](https://github.com/o/r/runs/1?check_suite_focus=true#step:3:50)`),
//! and a copy can carry one into the middle of the text (`unexpected status: [50](...)3
//! Service Unavailable`). The link's text is kept, its target dropped.

use std::sync::OnceLock;

use memchr::memmem::Finder;

/// The line with every Markdown link to a run's log line (`#step:N:N` in its target) replaced
/// by its text; `None` when the line has none.
pub(super) fn without_run_links(line: &[u8]) -> Option<Vec<u8>> {
    // A link opens with a bracket: one look for a byte settles most lines.
    memchr::memchr(b'[', line)?;
    // Every line is asked: the searcher is built once, not per line.
    static STEP: OnceLock<Finder<'static>> = OnceLock::new();
    STEP.get_or_init(|| Finder::new(b"#step:")).find(line)?;
    let mut out = Vec::with_capacity(line.len());
    let mut rest = line;
    let mut changed = false;
    while let Some(mid) = memchr::memmem::find(rest, b"](http") {
        let target_end = rest[mid..]
            .iter()
            .position(|&b| b == b')' || b.is_ascii_whitespace())
            .map(|i| mid + i);
        let open = rest[..mid]
            .iter()
            .rposition(|&b| b == b'[')
            .filter(|&o| mid - o <= MAX_TEXT && !rest[o + 1..mid].contains(&b']'));
        match (open, target_end) {
            (Some(open), Some(end))
                if rest[end] == b')'
                    && memchr::memmem::find(&rest[mid..end], b"#step:").is_some() =>
            {
                out.extend_from_slice(&rest[..open]);
                out.extend_from_slice(&rest[open + 1..mid]);
                rest = &rest[end + 1..];
                changed = true;
            }
            _ => {
                out.extend_from_slice(&rest[..mid + 2]);
                rest = &rest[mid + 2..];
            }
        }
    }
    out.extend_from_slice(rest);
    changed.then_some(out)
}

/// A line number's link text is short; a longer bracket is the text's own.
const MAX_TEXT: usize = 16;

#[cfg(test)]
mod tests {
    use super::without_run_links;

    #[test]
    fn a_line_number_link_inside_a_status_is_its_text() {
        let line = b"failed to fetch anonymous token: unexpected status: [50](https://github.example/o/r/runs/1752287?check_suite_focus=true#step:3:50)3 Service Unavailable";
        assert_eq!(
            without_run_links(line).as_deref(),
            Some(
                &b"failed to fetch anonymous token: unexpected status: 503 Service Unavailable"[..]
            )
        );
    }

    #[test]
    fn every_such_link_and_only_those_are_undone() {
        let line = b"[12](https://github.com/o/r/actions/runs/9/job/8#step:4:12)Error: see [docs](https://docs.docker.com/x) and [7](https://github.com/o/r/runs/9#step:4:7)";
        assert_eq!(
            without_run_links(line).as_deref(),
            Some(&b"12Error: see [docs](https://docs.docker.com/x) and 7"[..])
        );
    }

    #[test]
    fn a_line_without_a_run_link_is_left_alone() {
        assert_eq!(
            without_run_links(b"see [docs](https://docs.docker.com/x)"),
            None
        );
        assert_eq!(without_run_links(b"#step:3 [a](b)"), None);
        // No bracket, no link text: the first look settles it.
        assert_eq!(
            without_run_links(b"50](https://github.com/o/r/runs/9#step:4:50)3"),
            None
        );
        assert_eq!(
            without_run_links(b"unexpected status: 503 Service Unavailable"),
            None
        );
    }
}
