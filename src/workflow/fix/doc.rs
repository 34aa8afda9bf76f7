//! One workflow file as the fixes see it: its text, its tree, and the byte positions,
//! indentation and line endings an edit needs to fit in.

use std::sync::OnceLock;

use regex::Regex;

use crate::workflow::yaml::line_starts;
use crate::workflow::yaml::{Node, Pos, Value};

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Single,
    Double,
}

/// A scalar's text in the file: `start..end` covers the quotes when it has some.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScalarText {
    pub start: usize,
    pub end: usize,
    pub style: Style,
}

/// A workflow file: text, first document, line starts, line ending and indentation unit.
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub root: &'a Node,
    starts: Vec<usize>,
    /// The file's line ending (`\r\n` stays `\r\n`).
    pub eol: &'static str,
    /// Spaces per nesting level, read from the `jobs:` mapping (2 when it cannot be read).
    pub unit: usize,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, root: &'a Node) -> Self {
        let eol = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            Some(_) => "\n",
            None if text.contains('\r') => "\r",
            None => "\n",
        };
        let unit = root
            .entry("jobs")
            .and_then(|(k, v)| {
                let first = v.map().first()?;
                first.0.span.start.col.checked_sub(k.span.start.col)
            })
            .filter(|u| (1..=8).contains(u))
            .unwrap_or(2);
        Doc {
            text,
            root,
            starts: line_starts(text),
            eol,
            unit,
        }
    }

    /// The byte offset of a position (line and column 1-based, column in characters).
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(&start) = pos.line.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return self.text.len();
        };
        let line = &self.text[start..self.line_end(pos.line)];
        start
            + line
                .char_indices()
                .nth(pos.col.saturating_sub(1))
                .map_or(line.len(), |(i, _)| i)
    }

    /// The byte offset where line `n` starts (the end of the text after the last line).
    pub fn line_start(&self, n: usize) -> usize {
        n.checked_sub(1)
            .and_then(|i| self.starts.get(i))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The byte offset where line `n`'s text ends, before its line ending.
    pub fn line_end(&self, n: usize) -> usize {
        let next = self.line_start(n + 1);
        let start = self.line_start(n);
        let line = &self.text[start..next];
        start + line.trim_end_matches(['\n', '\r']).len()
    }

    /// Line `n` without its line ending.
    pub fn line(&self, n: usize) -> &'a str {
        &self.text[self.line_start(n)..self.line_end(n)]
    }

    /// The line a byte offset lies on.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Where a new line can go after line `n`: the start of line `n + 1`, and the line ending
    /// to put first when line `n` is the last and has none.
    pub fn after_line(&self, n: usize) -> (usize, &'static str) {
        if n < self.starts.len() {
            (self.line_start(n + 1), "")
        } else {
            (self.text.len(), self.eol)
        }
    }

    /// Joins lines with the file's line ending, one after each.
    pub fn lines(&self, lines: &[String]) -> String {
        lines.iter().map(|l| format!("{l}{}", self.eol)).collect()
    }

    /// The text of a scalar node as written, when it fits on its own (plain on one line, or
    /// quoted).
    pub fn scalar(&self, node: &Node) -> Option<ScalarText> {
        if !matches!(node.value, Value::Scalar(_)) {
            return None;
        }
        let start = self.offset(node.span.start);
        let rest = self.text.get(start..)?;
        let style = match rest.chars().next()? {
            '"' => Style::Double,
            '\'' => Style::Single,
            '|' | '>' | '&' | '*' | '!' => return None,
            _ => Style::Plain,
        };
        let end = match style {
            Style::Double => {
                let mut escaped = false;
                let mut end = None;
                for (i, c) in rest.char_indices().skip(1) {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            end = Some(start + i + 1);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                end?
            }
            Style::Single => {
                let b = rest.as_bytes();
                let mut i = 1;
                loop {
                    match b.get(i)? {
                        b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
                        b'\'' => break start + i + 1,
                        _ => i += 1,
                    }
                }
            }
            Style::Plain => {
                if node.span.end.line != node.span.start.line {
                    return None;
                }
                let end = self.offset(node.span.end);
                start + self.text.get(start..end)?.trim_end().len()
            }
        };
        Some(ScalarText { start, end, style })
    }

    /// The last line a node's text takes (for block collections, the last line of its last
    /// entry, not the blank lines or comments after it).
    pub fn last_line(&self, node: &Node) -> usize {
        if self.is_flow(node) {
            return node.span.end.line;
        }
        match &node.value {
            Value::Map(entries) => match entries.last() {
                Some((k, v)) if v.is_null() => k.span.start.line,
                Some((_, v)) => self.last_line(v),
                None => node.span.start.line,
            },
            Value::Seq(items) => items
                .last()
                .map_or(node.span.start.line, |i| self.last_line(i)),
            Value::Scalar(_) => match self.scalar(node) {
                Some(s) => self.line_of(s.end.saturating_sub(1).max(s.start)),
                // Block scalars: their span ends where the next line after them starts.
                None if node.span.end.line > node.span.start.line && node.span.end.col == 1 => {
                    node.span.end.line - 1
                }
                None => node.span.end.line,
            },
            Value::Null => node.span.start.line,
        }
    }

    /// True when the node is a flow collection (`{...}` or `[...]`).
    pub fn is_flow(&self, node: &Node) -> bool {
        matches!(node.value, Value::Map(_) | Value::Seq(_))
            && matches!(
                self.text
                    .get(self.offset(node.span.start)..)
                    .and_then(|s| s.chars().next()),
                Some('{' | '[')
            )
    }

    /// True when the text from `from` to `to` uses anchors, aliases or merge keys, which an
    /// edit could not follow without guessing what else shares the node.
    pub fn has_alias(&self, from: usize, to: usize) -> bool {
        static RE: OnceLock<Option<Regex>> = OnceLock::new();
        let Some(re) = RE
            .get_or_init(|| {
                Regex::new(r"(?m)(?:^|[\s\[{,:])[&*][A-Za-z0-9_][^\s\[\]{},]*|<<\s*:").ok()
            })
            .as_ref()
        else {
            return true;
        };
        let to = to.min(self.text.len());
        let from = from.min(to);
        // Comments may say anything.
        self.text[from..to]
            .split(['\n', '\r'])
            .any(|l| re.is_match(strip_comment(l)))
    }

    /// True when `value` (under `key`) is an alias: its node is written elsewhere (an anchor
    /// always comes before its aliases) or the text after the key starts with `*`.
    pub fn is_alias(&self, key: &Node, value: &Node) -> bool {
        if value.span.start < key.span.start {
            return true;
        }
        let after = self.offset(key.span.end);
        let rest = self.text[after..].trim_start_matches([' ', ':', '\t']);
        rest.starts_with('*') || rest.starts_with("<<")
    }

    /// True when a mapping takes entries from elsewhere (`<<: *base`), or is itself written
    /// elsewhere under `key`: an edit could not know what the merged entries say.
    pub fn borrowed(&self, key: &Node, map: &Node) -> bool {
        self.is_alias(key, map)
            || map.map().iter().any(|(k, _)| {
                k.span.start < map.span.start
                    || k.as_str() == Some("<<")
                    || self.line(k.span.start.line).trim_start().starts_with("<<")
            })
    }

    /// The leading spaces of line `n`.
    pub fn indent(&self, n: usize) -> usize {
        let l = self.line(n);
        l.len() - l.trim_start_matches(' ').len()
    }

    /// The job under `jobs:` with this id: its key and value.
    pub fn job(&self, id: &str) -> Option<(&'a Node, &'a Node)> {
        self.root.get("jobs")?.entry(id)
    }

    /// The step of `job` whose text holds line `line`.
    /// Steps written as aliases (`- *login`) are never matched: their node is written
    /// elsewhere.
    pub fn step_at(&self, job: &'a Node, line: usize) -> Option<&'a Node> {
        let (key, steps) = job.entry("steps")?;
        if self.is_alias(key, steps) {
            return None;
        }
        let steps = steps.seq();
        let own = |s: &Node| s.span.start.line > key.span.start.line;
        steps
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, s)| own(s))
            .find(|(i, s)| {
                s.span.start.line <= line
                    && (steps.get(i + 1).is_none() || line <= self.last_line(s))
            })
            .map(|(_, s)| s)
    }

    /// The dash column (0-based) of a block sequence item whose mapping starts at `item`, when
    /// the item's line is `- ` followed by its first key.
    pub fn dash_indent(&self, item: &Node) -> Option<usize> {
        let line = self.line(item.span.start.line);
        let col = item.span.start.col.checked_sub(1)?;
        let before: String = line.chars().take(col).collect();
        let trimmed = before.trim_end();
        let dash = trimmed.strip_suffix('-')?;
        dash.chars().all(|c| c == ' ').then_some(dash.len())
    }

    /// The start of a new sequence item written like `item`: its dash where `item`'s dash is
    /// and its first key where `item`'s first key is (`- ` or `-   `).
    pub fn item_prefix(&self, item: &Node) -> Option<String> {
        let dash = self.dash_indent(item)?;
        let content = item.span.start.col.checked_sub(1)?;
        let gap = content.checked_sub(dash + 1).filter(|g| *g >= 1)?;
        Some(format!("{}-{}", " ".repeat(dash), " ".repeat(gap)))
    }

    /// The indentation step from `parent` to `child` (keys of a mapping and of the mapping
    /// under it), when it reads as one; else the file's unit.
    pub fn unit_below(&self, parent: &Node, child: &Node) -> usize {
        child
            .span
            .start
            .col
            .checked_sub(parent.span.start.col)
            .filter(|u| (1..=8).contains(u))
            .unwrap_or(self.unit)
    }

    /// Spaces for `level` nesting units below column `base` (0-based).
    pub fn pad(&self, base: usize, level: usize) -> String {
        " ".repeat(base + level * self.unit)
    }
}

/// `s` written in a scalar's quoting style.
pub(crate) fn quoted(s: &str, style: Style) -> String {
    match style {
        Style::Plain => s.to_owned(),
        Style::Single => format!("'{s}'"),
        Style::Double => format!("\"{s}\""),
    }
}

/// A line without its `# comment` (outside quotes).
pub(crate) fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::yaml;

    #[test]
    fn scalars_are_found_with_their_quotes() {
        let text = "a: \"x y\"   # c\nb: 'it''s'\nc: plain # c\n";
        let docs = yaml::parse(text).expect("parses");
        let doc = Doc::new(text, &docs[0]);
        let get = |k: &str| {
            let s = doc.scalar(docs[0].get(k).expect("key")).expect("scalar");
            (&text[s.start..s.end], s.style)
        };
        assert_eq!(get("a"), ("\"x y\"", Style::Double));
        assert_eq!(get("b"), ("'it''s'", Style::Single));
        assert_eq!(get("c"), ("plain", Style::Plain));
    }

    #[test]
    fn crlf_and_indentation_are_read_from_the_file() {
        let text = "on: push\r\njobs:\r\n    a:\r\n        steps: []\r\n";
        let docs = yaml::parse(text).expect("parses");
        let doc = Doc::new(text, &docs[0]);
        assert_eq!((doc.eol, doc.unit), ("\r\n", 4));
        assert_eq!(doc.line(3), "    a:");
        assert_eq!(doc.after_line(4), (text.len(), ""));
    }

    #[test]
    fn aliases_are_seen_but_globs_in_quotes_and_comments_are_not() {
        let text = "a: &x 1\nb: *x\nc: 'v*'\nd: 1 # *not\n";
        let docs = yaml::parse(text).expect("parses");
        let doc = Doc::new(text, &docs[0]);
        assert!(doc.has_alias(0, 8));
        assert!(doc.has_alias(8, 14));
        assert!(!doc.has_alias(14, text.len()));
    }
}
