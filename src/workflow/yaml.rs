//! YAML with positions: saphyr's marked nodes turned into a small tree whose every node
//! knows where it starts and ends in the file.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

/// A position in a file: line and column, both 1-based, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// A range in a file; `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// What a node holds. Scalars keep their text (`true`, `1`, `ghcr.io/x`): workflow inputs are
/// strings to GitHub whatever YAML type they parse as.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// One YAML node and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// A YAML syntax error and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and the value under `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.map()
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// The scalar text, if this node is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn map(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Calls `f` on every scalar below this node (keys excluded), depth first.
    pub fn walk_scalars<'a>(&'a self, f: &mut dyn FnMut(&'a Node, &'a str)) {
        match &self.value {
            Value::Scalar(s) => f(self, s),
            Value::Seq(items) => items.iter().for_each(|n| n.walk_scalars(f)),
            Value::Map(entries) => entries.iter().for_each(|(_, v)| v.walk_scalars(f)),
            Value::Null => {}
        }
    }
}

fn pos(m: &saphyr::Marker) -> Pos {
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

fn convert(node: MarkedYamlOwned) -> Node {
    let span = Span {
        start: pos(&node.span.start),
        end: pos(&node.span.end),
    };
    let value = match node.data {
        YamlDataOwned::Value(scalar) => match scalar {
            ScalarOwned::Null => Value::Null,
            ScalarOwned::Boolean(b) => Value::Scalar(b.to_string()),
            ScalarOwned::Integer(i) => Value::Scalar(i.to_string()),
            ScalarOwned::FloatingPoint(f) => Value::Scalar(f.to_string()),
            ScalarOwned::String(s) => Value::Scalar(s),
        },
        YamlDataOwned::Representation(s, _, _) => Value::Scalar(s),
        YamlDataOwned::Sequence(items) => Value::Seq(items.into_iter().map(convert).collect()),
        YamlDataOwned::Mapping(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(k), convert(v)))
                .collect(),
        ),
        YamlDataOwned::Tagged(_, inner) => return convert(*inner),
        YamlDataOwned::Alias(_) | YamlDataOwned::BadValue => Value::Null,
    };
    Node { span, value }
}

/// The deepest nesting of sequences and mappings accepted (block, flow and complex keys
/// alike). Real workflows nest about ten levels; the bound keeps every recursive walk over
/// the tree (conversion, rules, drop) a few hundred frames at most, far within any stack.
pub const MAX_DEPTH: usize = 128;

/// Streams the events (saphyr's event parser keeps its own stack, not the thread's) and
/// refuses nesting deeper than [`MAX_DEPTH`] before any tree is built. Syntax errors are
/// left to the loader, which reports them the same way.
fn check_depth(text: &str) -> Result<(), SyntaxError> {
    use saphyr_parser::{Event, Parser};
    let mut depth = 0usize;
    for event in Parser::new_from_str(text) {
        match event {
            Ok((Event::SequenceStart(..) | Event::MappingStart(..), span)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError {
                        pos: pos(&span.start),
                        message: crate::t!("workflow.yaml.too-deep", limit = MAX_DEPTH),
                    });
                }
            }
            Ok((Event::SequenceEnd | Event::MappingEnd, _)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Parses every document in `text`. Nesting deeper than [`MAX_DEPTH`] is a syntax error at
/// the node that goes too deep, so hostile input never overflows the stack.
pub fn parse(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let loaded = check_depth(text).and_then(|()| {
        MarkedYamlOwned::load_from_str(text).map_err(|e| SyntaxError {
            pos: Pos {
                line: e.marker().line(),
                col: e.marker().col() + 1,
            },
            message: e.info().to_owned(),
        })
    });
    match loaded {
        Ok(docs) => Ok(docs.into_iter().map(convert).collect()),
        Err(e) => {
            let mut pos = Pos {
                line: e.pos.line.max(1),
                col: e.pos.col,
            };
            // At the end of a file without a final newline saphyr's marker sits on the line
            // after the last: point at the end of the last line instead.
            let starts = line_starts(text);
            if pos.line > starts.len() {
                let last = starts
                    .last()
                    .and_then(|&i| text.get(i..))
                    .unwrap_or_default();
                pos = Pos {
                    line: starts.len(),
                    col: last.chars().count() + 1,
                };
            }
            Err(SyntaxError {
                pos,
                message: e.message,
            })
        }
    }
}

/// Byte offset of the start of each line. Lines break where YAML (and so GitHub) breaks
/// them, at `\n`, `\r\n` and a lone `\r`, so the parser's positions and these lines agree.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        starts.push(i + 1);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_of_every_kind_is_an_error_not_a_stack_overflow() {
        // Block sequences, complex keys, block mappings and flow nesting, far past the bound.
        let deep_map: String = (0..5000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        for text in [
            "- ".repeat(20000) + "x",
            "? ".repeat(6000) + "x",
            deep_map,
            "[".repeat(20000),
        ] {
            let err = parse(&text).expect_err("too deep");
            assert!(err.pos.line >= 1, "{err:?}");
        }
        // Nesting up to the bound still parses.
        let ok = "- ".repeat(MAX_DEPTH - 1) + "x";
        assert!(parse(&ok).is_ok());
        let too_deep = "- ".repeat(MAX_DEPTH + 1) + "x";
        let err = parse(&too_deep).expect_err("one past the bound");
        assert!(
            err.message.contains(&MAX_DEPTH.to_string()),
            "{}",
            err.message
        );
    }

    #[test]
    fn scalars_keep_their_text_and_span() {
        let docs =
            parse("on: push\njobs:\n  b:\n    x: true\n    t: \"ghcr.io/a\"\n").expect("parses");
        let root = &docs[0];
        let t = root
            .get("jobs")
            .and_then(|j| j.get("b"))
            .and_then(|b| b.get("t"))
            .expect("t");
        assert_eq!(t.as_str(), Some("ghcr.io/a"));
        assert_eq!(t.span.start, Pos { line: 5, col: 8 });
        let x = root
            .get("jobs")
            .and_then(|j| j.get("b"))
            .and_then(|b| b.get("x"));
        assert_eq!(x.and_then(Node::as_str), Some("true"));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("on: push\njobs:\n  a: [1, 2\n  b: 3\n").expect_err("invalid");
        assert_eq!(err.pos.line, 4);
        assert!(!err.message.is_empty());
    }

    #[test]
    fn an_error_at_the_end_of_a_file_without_a_final_newline_stays_in_the_file() {
        // Found by the `workflow` fuzz target: the error was put on line 2 of a 1-line file.
        let err = parse("on: [push").expect_err("invalid");
        assert_eq!(err.pos, Pos { line: 1, col: 10 });
        // With the newline, the empty line after it exists and is the right place.
        let err = parse("on: [push\n").expect_err("invalid");
        assert_eq!(err.pos, Pos { line: 2, col: 1 });
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&text).is_err());
    }

    #[test]
    fn aliases_resolve_to_their_anchor() {
        let docs = parse("a: &x ghcr.io/o/n\nb: *x\n").expect("parses");
        assert_eq!(docs[0].get("b").and_then(Node::as_str), Some("ghcr.io/o/n"));
    }
}
