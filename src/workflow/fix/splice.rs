//! The one place that changes a file's text: byte-range splices, applied together.

use super::Edit;

/// Why a set of edits cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpliceError {
    /// Two edits touch the same bytes.
    Overlap,
    /// An edit lies outside the text or cuts a character in two.
    OutOfRange,
}

/// Applies `edits` (in any order) to `text`; every byte outside them is kept. Insertions at
/// the same offset keep their order.
pub(crate) fn apply(text: &str, edits: &[Edit]) -> Result<String, SpliceError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for e in sorted {
        if e.start > e.end
            || e.end > text.len()
            || !text.is_char_boundary(e.start)
            || !text.is_char_boundary(e.end)
        {
            return Err(SpliceError::OutOfRange);
        }
        if e.start < at {
            return Err(SpliceError::Overlap);
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// True when no two edits of `a` and `b` touch the same bytes (two insertions at one offset
/// count as touching: their order would be a guess).
pub(crate) fn disjoint(a: &[Edit], b: &[Edit]) -> bool {
    a.iter().all(|x| {
        b.iter().all(|y| {
            let touch = if x.start == x.end || y.start == y.end {
                x.start <= y.end && y.start <= x.end
            } else {
                x.start < y.end && y.start < x.end
            };
            !touch
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn edits_apply_in_offset_order_and_keep_the_rest() {
        let text = "abc\r\ndef\r\n";
        let out = apply(text, &[edit(5, 5, "new\r\n"), edit(0, 1, "A")]).expect("applies");
        assert_eq!(out, "Abc\r\nnew\r\ndef\r\n");
    }

    #[test]
    fn overlapping_or_broken_edits_are_refused() {
        assert_eq!(
            apply("abcdef", &[edit(0, 3, "x"), edit(2, 4, "y")]),
            Err(SpliceError::Overlap)
        );
        assert_eq!(apply("é", &[edit(1, 1, "x")]), Err(SpliceError::OutOfRange));
        assert!(!disjoint(&[edit(3, 3, "a")], &[edit(3, 3, "b")]));
        assert!(disjoint(&[edit(0, 3, "a")], &[edit(3, 5, "b")]));
    }
}
