//! The ASCII literals' automaton as a flat table the matcher owns: one load a byte.
//!
//! The crate's DFA answers each byte through its `next_state` (a bounds check, a class
//! lookup, and tests for its dead and match states), and it reads the literals in lower case
//! only, so a line had to be lowered into a copy first. [`Table`] holds the same transitions,
//! read once through the `Automaton` trait from the crate's noncontiguous NFA (the automaton
//! the crate builds its DFA from), with ASCII case folded into its byte
//! classes (`A` has `a`'s class) and its states numbered so that every match state comes
//! after every other: a walk loads the next state and compares it with one threshold.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};

/// The bit `next` adds to a match state, above every index of the table: a walk masks it
/// off as it indexes (the mask it needs anyway), and one test of four states ORed together
/// tells whether the walk entered a match state among them.
const MATCH: u32 = 1 << 31;

#[derive(Debug)]
pub(crate) struct Table {
    /// The class of each byte: one class for each byte of a literal (literals are ASCII
    /// lower case; an upper-case letter has its lower-case letter's class), one for every
    /// other byte.
    classes: [u8; 256],
    /// The next state of each state and class at `state + class`; states are premultiplied
    /// by the number of classes. Its length is a power of two (the rest is never read), so
    /// an index masked with `mask` needs no bounds check.
    next: Box<[u32]>,
    /// `next`'s length less one.
    mask: usize,
    /// The start state of an unanchored search.
    start: u32,
    /// The first match state: every state from it on is one, no state before it is. In
    /// `next`, a match state is written with [`MATCH`] added.
    first_match: u32,
    /// The number of classes (the stride of `next`).
    stride: u32,
    /// For each match state in order, its range of `found`.
    spans: Box<[(u32, u32)]>,
    /// The literals of the match states, in the DFA's order at each: the DFA's pattern id
    /// and the literal's length.
    found: Box<[(u32, u32)]>,
}

impl Table {
    /// The table of `dfa`, an automaton over `literals` (ASCII, in lower case) that finds
    /// overlapping matches (the crate's noncontiguous NFA or its DFA, [`MatchKind::Standard`]),
    /// built without a prefilter. `None` when `dfa` has no unanchored start.
    ///
    /// [`MatchKind::Standard`]: aho_corasick::MatchKind::Standard
    pub(crate) fn build<'a>(
        dfa: &impl Automaton,
        literals: impl Iterator<Item = &'a [u8]>,
    ) -> Option<Table> {
        // A byte that occurs in no literal takes every state where it takes the start
        // state (no literal goes on with it), so all such bytes share class 0.
        let mut classes = [0u8; 256];
        let mut reps: Vec<u8> = vec![0xff];
        for literal in literals {
            for &b in literal {
                debug_assert!(b.is_ascii() && !b.is_ascii_uppercase());
                if classes[usize::from(b)] == 0 {
                    classes[usize::from(b)] = u8::try_from(reps.len()).ok()?;
                    reps.push(b);
                }
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        let stride = reps.len();
        let start = dfa.start_state(Anchored::No).ok()?;
        // Every state reachable from the start, in the order found; `slot` maps the DFA's
        // ids to that order.
        let mut order: Vec<StateID> = vec![start];
        let mut slot: Vec<u32> = Vec::new();
        let set = |slot: &mut Vec<u32>, sid: StateID, at: u32| {
            if slot.len() <= sid.as_usize() {
                slot.resize(sid.as_usize() + 1, u32::MAX);
            }
            slot[sid.as_usize()] = at;
        };
        set(&mut slot, start, 0);
        let mut at = 0;
        while at < order.len() {
            let sid = order[at];
            at += 1;
            for &b in &reps {
                let to = dfa.next_state(Anchored::No, sid, b);
                if slot.get(to.as_usize()).is_none_or(|s| *s == u32::MAX) {
                    set(&mut slot, to, u32::try_from(order.len()).ok()?);
                    order.push(to);
                }
            }
        }
        // The new numbering: the states without a match first, then the match states.
        let matching = order.iter().filter(|s| dfa.is_match(**s)).count();
        let first_match = order.len() - matching;
        let mut number = vec![0u32; order.len()];
        let (mut plain, mut matched) = (0, first_match);
        let mut spans = Vec::with_capacity(matching);
        let mut found = Vec::new();
        for (i, &sid) in order.iter().enumerate() {
            let n = if dfa.is_match(sid) {
                matched += 1;
                let from = u32::try_from(found.len()).ok()?;
                for k in 0..dfa.match_len(sid) {
                    let pid = dfa.match_pattern(sid, k);
                    found.push((pid.as_u32(), u32::try_from(dfa.pattern_len(pid)).ok()?));
                }
                spans.push((from, u32::try_from(found.len()).ok()?));
                matched - 1
            } else {
                plain += 1;
                plain - 1
            };
            number[i] = u32::try_from(n * stride).ok()?;
        }
        let mut next = vec![0u32; (order.len() * stride).next_power_of_two()].into_boxed_slice();
        // The match bit is above every index (masking it off leaves the state's row).
        if next.len() > MATCH as usize {
            return None;
        }
        let first_match_id = u32::try_from(first_match * stride).ok()?;
        for (i, &sid) in order.iter().enumerate() {
            let row = number[i] as usize;
            for (class, &b) in reps.iter().enumerate() {
                let to = dfa.next_state(Anchored::No, sid, b);
                let to = number[slot[to.as_usize()] as usize];
                next[row + class] = if to >= first_match_id { to | MATCH } else { to };
            }
        }
        Some(Table {
            classes,
            mask: next.len() - 1,
            next,
            start: number[0],
            first_match: first_match_id,
            stride: u32::try_from(stride).ok()?,
            spans: spans.into_boxed_slice(),
            found: found.into_boxed_slice(),
        })
    }

    /// The start state.
    pub(crate) fn start(&self) -> u32 {
        self.start
    }

    /// Walks `text` from byte `from` in state `sid` (ASCII case ignored) and returns where
    /// the walk first enters a match state (just after the byte) and that state (with
    /// [`MATCH`] added, which [`Table::first`] and [`Table::matches`] take as the state).
    #[inline]
    pub(crate) fn first(&self, text: &[u8], from: usize, mut sid: u32) -> Option<(usize, u32)> {
        let rest = text.get(from..)?;
        // The table's length is `mask + 1`: the masked index is in it (no bounds check), and
        // the mask takes off the match bit.
        let next = &self.next[..=self.mask];
        let step = |sid: u32, byte: u8| {
            next[(sid as usize + usize::from(self.classes[usize::from(byte)])) & self.mask]
        };
        // Four bytes a turn of the loop, one test for the four states: which of them is a
        // match state is asked only when one is.
        let (chunks, tail) = rest.as_chunks::<4>();
        let mut at = from;
        for &[a, b, c, d] in chunks {
            let s1 = step(sid, a);
            let s2 = step(s1, b);
            let s3 = step(s2, c);
            let s4 = step(s3, d);
            if (s1 | s2 | s3 | s4) & MATCH != 0 {
                let (i, s) = [s1, s2, s3, s4]
                    .into_iter()
                    .enumerate()
                    .find(|(_, s)| s & MATCH != 0)?;
                return Some((at + i + 1, s));
            }
            sid = s4;
            at += 4;
        }
        for (i, &byte) in tail.iter().enumerate() {
            sid = step(sid, byte);
            if sid & MATCH != 0 {
                return Some((at + i + 1, sid));
            }
        }
        None
    }

    /// The literals match state `sid` holds, in the DFA's order: its pattern id and the
    /// literal's length.
    pub(crate) fn matches(&self, sid: u32) -> &[(u32, u32)] {
        let (from, to) = self.spans[(((sid & !MATCH) - self.first_match) / self.stride) as usize];
        &self.found[from as usize..to as usize]
    }

    /// The table's size in bytes.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        std::mem::size_of_val(&*self.next)
            + std::mem::size_of_val(&*self.spans)
            + std::mem::size_of_val(&*self.found)
    }
}
