//! A workflow file's text, kept to turn spans into exact positions and source snippets.

use super::yaml::{Pos, Span, line_starts};

/// Where a finding points: start and end on one line (columns 1-based, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub col: usize,
    pub end_col: usize,
}

/// The text of one file, split into lines once.
#[derive(Debug, Clone)]
pub struct Source {
    text: String,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl Source {
    pub fn new(text: String) -> Self {
        let starts = line_starts(&text);
        Source { text, starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line `n` (1-based) without its line ending.
    pub fn line(&self, n: usize) -> &str {
        let Some(&start) = n.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return "";
        };
        let end = self.starts.get(n).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// A mark for a whole span's first line: from its start to its end when the span stays on
    /// one line, else to the end of the first line.
    pub fn mark_span(&self, span: Span) -> Mark {
        let line = span.start.line.max(1);
        let len = self.line(line).chars().count();
        let end_col = if span.end.line == span.start.line && span.end.col > span.start.col {
            span.end.col
        } else {
            (len + 1).max(span.start.col + 1)
        };
        Mark {
            line,
            col: span.start.col.max(1),
            end_col,
        }
    }

    /// A mark at a position, one character wide.
    pub fn mark_pos(&self, pos: Pos) -> Mark {
        Mark {
            line: pos.line.max(1),
            col: pos.col.max(1),
            end_col: pos.col.max(1) + 1,
        }
    }

    /// Finds `needle` (one line of text) inside `span`, starting the search at line `from` when
    /// that line lies in the span. Falls back to the span's start when the text is not found
    /// verbatim (escapes in quoted scalars, folded lines).
    pub fn locate(&self, span: Span, from: usize, needle: &str) -> Mark {
        let needle = needle.trim();
        if needle.is_empty() {
            return self.mark_span(span);
        }
        let first = span.start.line.max(1);
        let last = span.end.line.max(first).min(self.line_count());
        let from = if (first..=last).contains(&from) {
            from
        } else {
            first
        };
        for n in (from..=last).chain(first..from) {
            let text = self.line(n);
            let skip_chars = if n == first {
                span.start.col.saturating_sub(1)
            } else {
                0
            };
            let skip_bytes = text
                .char_indices()
                .nth(skip_chars)
                .map_or(text.len(), |(i, _)| i);
            if let Some(found) = text[skip_bytes..].find(needle) {
                let byte = skip_bytes + found;
                let col = text[..byte].chars().count() + 1;
                return Mark {
                    line: n,
                    col,
                    end_col: col + needle.chars().count(),
                };
            }
        }
        self.mark_span(span)
    }

    /// The source line of `mark` with a caret underline, as evidence under a finding:
    ///
    /// ```text
    ///   12 |     tags: ghcr.io/${{ github.repository }}:latest
    ///      |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    /// ```
    ///
    /// `secrets` are spans of credentials written in the file: those on the shown line are
    /// replaced by `*`, and so is anything on it that the secret policy takes for a secret
    /// ([`crate::secret::redact`]), so a snippet never carries a credential whatever the
    /// finding is about.
    pub fn snippet(&self, mark: Mark, secrets: &[Mark]) -> String {
        let line = self.line(mark.line);
        let mut chars: Vec<char> = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let start = (mark.col.max(1) - 1).min(chars.len());
        let width = mark.end_col.saturating_sub(mark.col).max(1);
        let end = (start + width).min(chars.len());
        let mut hide: Vec<(usize, usize)> = secrets
            .iter()
            .filter(|m| m.line == mark.line)
            .map(|m| (m.col.max(1) - 1, m.end_col.max(1) - 1))
            .collect();
        match crate::secret::secret_ranges(line) {
            Some(ranges) => {
                for r in ranges {
                    let a = line[..r.start].chars().count();
                    hide.push((a, a + line[r].chars().count()));
                }
            }
            // Without the policy nothing can be trusted: hide the whole line.
            None => hide.push((0, chars.len())),
        }
        for (a, b) in hide {
            let b = b.min(chars.len());
            for c in chars.iter_mut().take(b).skip(a) {
                *c = '*';
            }
        }
        // Long lines (minified JSON, one-line scripts) are cut to a window around the mark.
        let from = start.saturating_sub(WINDOW_BEFORE);
        let to = chars.len().min(start.max(end) + WINDOW_AFTER);
        let mut text: String = chars[from..to].iter().collect();
        let mut caret_at = start - from;
        if from > 0 {
            text.insert(0, '…');
            caret_at += 1;
        }
        if to < chars.len() {
            text.push('…');
        }
        // Carets go by display columns: a CJK character (a Chinese comment or step name)
        // takes two, a combining mark none.
        let columns = |cs: &[char]| -> usize {
            cs.iter()
                .map(|c| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0))
                .sum()
        };
        let lead: Vec<char> = text.chars().take(caret_at).collect();
        let marked_end = (start + width.min(WINDOW_AFTER)).min(end.max(start));
        let carets = columns(&chars[start..marked_end]).max(1);
        let number = mark.line.to_string();
        let gutter = " ".repeat(number.len());
        format!(
            "{number} | {text}\n{gutter} | {}{}",
            " ".repeat(columns(&lead)),
            "^".repeat(carets)
        )
    }
}

/// How many characters of a long line a snippet shows before and after the mark.
const WINDOW_BEFORE: usize = 40;
const WINDOW_AFTER: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    fn span(l1: usize, c1: usize, l2: usize, c2: usize) -> Span {
        Span {
            start: Pos { line: l1, col: c1 },
            end: Pos { line: l2, col: c2 },
        }
    }

    #[test]
    fn a_lone_carriage_return_breaks_a_line_as_in_yaml() {
        // Found by the `workflow` fuzz target: the parser counted a lone `\r` as a line
        // break and this file did not, so a finding pointed past the end of its line.
        let src = Source::new("a: 1\rb: 2\r\nc: 3\nd".into());
        assert_eq!(src.line_count(), 4);
        assert_eq!(
            (1..=4).map(|n| src.line(n)).collect::<Vec<_>>(),
            ["a: 1", "b: 2", "c: 3", "d"]
        );
    }

    #[test]
    fn locate_finds_text_inside_a_block_scalar() {
        let src = Source::new("run: |\n  echo hi\n  docker push ghcr.io/o/n\n".into());
        let m = src.locate(span(2, 3, 4, 1), 2, "docker push ghcr.io/o/n");
        assert_eq!(
            m,
            Mark {
                line: 3,
                col: 3,
                end_col: 26
            }
        );
    }

    #[test]
    fn locate_falls_back_to_the_span_start() {
        let src = Source::new("a: \"x\\ty\"\n".into());
        let m = src.locate(span(1, 4, 1, 10), 1, "x\ty");
        assert_eq!((m.line, m.col), (1, 4));
    }

    #[test]
    fn snippet_underlines_and_masks() {
        let src = Source::new("password: hunter2\n".into());
        let m = Mark {
            line: 1,
            col: 11,
            end_col: 18,
        };
        let s = src.snippet(m, &[m]);
        assert!(!s.contains("hunter2"), "{s}");
        assert!(s.ends_with(&format!("{}^^^^^^^", " ".repeat(10))), "{s}");
        assert!(src.snippet(m, &[]).contains("hunter2"));
    }

    #[test]
    fn tokens_are_masked_in_any_snippet() {
        let token = format!("ghp_{}", "a1B2".repeat(9));
        let src = Source::new(format!(
            "run: docker login -p {token} ghcr.io && docker push X\n"
        ));
        let s = src.snippet(
            Mark {
                line: 1,
                col: 6,
                end_col: 12,
            },
            &[],
        );
        assert!(!s.contains(&token), "{s}");
        assert!(s.contains("docker login -p ****"), "{s}");
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let line = format!("{}TARGET{}", "a".repeat(500), "b".repeat(500));
        let src = Source::new(line);
        let s = src.snippet(
            Mark {
                line: 1,
                col: 501,
                end_col: 507,
            },
            &[],
        );
        let first = s.lines().next().unwrap_or_default();
        assert!(first.chars().count() < 140, "{s}");
        let lines: Vec<&str> = s.lines().collect();
        let at = lines[0]
            .find("TARGET")
            .map(|b| lines[0][..b].chars().count());
        assert_eq!(lines[1].find('^'), at, "{s}");
    }
}
