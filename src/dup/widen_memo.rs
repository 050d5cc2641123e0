//! Widened runs remembered from the last search of the same document, reused
//! when the text an edit changed lies outside everything the widening read.
//!
//! Widening a run ([`super::passages`]'s `refine`) walks along the two copies
//! past the run's ends, often for thousands of characters when a text repeats
//! long passages; on every keystroke in the language server that walk was the
//! largest part of the duplicate search. An edit changes one stretch of the
//! normalised stream (the caller finds it, comparing the streams), and a run
//! whose widening read nothing there widens exactly as before, shifted.

use rustc_hash::FxHashMap;

use super::align::Run;
use super::passages::{agreeing_prefix, agreeing_suffix};

/// What one widening read and produced, in the coordinates of its search.
#[derive(Clone, Copy)]
pub(crate) struct Widened {
    pub run: Run,
    /// Stream ranges read on the `a` and the `b` side (conservative bounds).
    pub read_a: (u32, u32),
    pub read_b: (u32, u32),
}

/// The stretch an edit changed: `[start, old_end)` of the last stream became
/// `[start, new_end)` of this one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Change {
    pub start: u32,
    pub old_end: u32,
    pub new_end: u32,
}

impl Change {
    /// Compares the streams of two searches.
    pub fn between(old: &[u32], new: &[u32]) -> Change {
        let prefix = agreeing_prefix(old, new);
        // The common ends may not overlap (a character inserted beside an
        // equal one).
        let suffix = agreeing_suffix(&old[prefix..], &new[prefix..]);
        Change {
            start: prefix as u32,
            old_end: (old.len() - suffix) as u32,
            new_end: (new.len() - suffix) as u32,
        }
    }

    /// The same change in streams that have `offset` equal characters
    /// before the compared ones.
    pub fn after(self, offset: usize) -> Change {
        let offset = offset as u32;
        Change {
            start: self.start + offset,
            old_end: self.old_end + offset,
            new_end: self.new_end + offset,
        }
    }

    /// A search with nothing to remember: all of a stream of `len` is new.
    pub fn all(len: usize) -> Change {
        Change {
            start: 0,
            old_end: 0,
            new_end: len as u32,
        }
    }

    /// Whether the two streams are equal.
    pub fn is_empty(&self) -> bool {
        self.start == self.old_end && self.start == self.new_end
    }

    /// A position of the new stream in the old one, outside the change.
    fn old_position(&self, at: u32) -> Option<u32> {
        if at < self.start {
            Some(at)
        } else if at >= self.new_end {
            Some(at - self.new_end + self.old_end)
        } else {
            None
        }
    }

    /// How an old range read entirely outside the change moves: `None` if it
    /// touches the change, else the shift to add. A range after the change
    /// must not start at it: a range starting at 0 may have been cut there
    /// (the widening stops probing at the start of the stream), and text
    /// inserted before it would then have been read.
    fn shift_of(&self, read: (u32, u32)) -> Option<i64> {
        if read.1 <= self.start {
            Some(0)
        } else if read.0 > self.old_end {
            Some(self.new_end as i64 - self.old_end as i64)
        } else {
            None
        }
    }
}

/// The widenings of the last search.
#[derive(Default)]
pub(crate) struct WidenMemo {
    similarity: Option<u64>,
    entries: FxHashMap<Run, Widened>,
    change: Option<Change>,
    /// Lookups answered from the memo in the last search, for tests.
    pub hits: usize,
}

impl WidenMemo {
    /// Starts a search with this similarity, of a stream that differs from
    /// the last search's by `change`.
    pub fn begin(&mut self, change: Change, similarity: f64) {
        if self.similarity != Some(similarity.to_bits()) {
            self.entries.clear();
            self.similarity = Some(similarity.to_bits());
        }
        self.change = Some(change);
    }

    /// The widening of `run` (new coordinates) if the last search did it and
    /// the edit left everything it read unchanged, shifted to this search.
    pub fn get(&self, run: &Run) -> Option<Widened> {
        let change = self.change?;
        let old = Run {
            a0: change.old_position(run.a0)?,
            a1: change.old_position(run.a1)?,
            b0: change.old_position(run.b0)?,
            b1: change.old_position(run.b1)?,
            matched: run.matched,
        };
        let w = self.entries.get(&old)?;
        let (da, db) = (change.shift_of(w.read_a)?, change.shift_of(w.read_b)?);
        let moved = |at: u32, d: i64| (at as i64 + d) as u32;
        Some(Widened {
            run: Run {
                a0: moved(w.run.a0, da),
                a1: moved(w.run.a1, da),
                b0: moved(w.run.b0, db),
                b1: moved(w.run.b1, db),
                matched: w.run.matched,
            },
            read_a: (moved(w.read_a.0, da), moved(w.read_a.1, da)),
            read_b: (moved(w.read_b.0, db), moved(w.read_b.1, db)),
        })
    }

    /// Ends the search: keeps exactly its widenings (`(input, widened,
    /// whether from memory)`, new coordinates).
    pub fn finish(&mut self, widened: Vec<(Run, Widened, bool)>) {
        self.hits = widened.iter().filter(|w| w.2).count();
        self.entries = widened.into_iter().map(|(run, w, _)| (run, w)).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_is_the_stretch_between_common_ends() {
        let c = Change::between(&[1, 2, 3, 4], &[1, 2, 9, 9, 3, 4]);
        assert_eq!((c.start, c.old_end, c.new_end), (2, 2, 4));
        // Inserting a character equal to its neighbour: the ends may overlap.
        let c = Change::between(&[5, 5, 5], &[5, 5, 5, 5]);
        assert_eq!((c.start, c.old_end, c.new_end), (3, 3, 4));
        assert_eq!(c.old_position(3), None);
        assert_eq!(c.old_position(4), Some(3));
        assert_eq!(c.shift_of((0, 3)), Some(0));
        assert_eq!(c.shift_of((4, 5)), Some(1));
        assert_eq!(c.shift_of((3, 5)), None);
        assert_eq!(c.shift_of((2, 4)), None);
        // Seen from a stream with ten more equal characters in front.
        let c = c.after(10);
        assert_eq!((c.start, c.old_end, c.new_end), (13, 13, 14));
    }
}
