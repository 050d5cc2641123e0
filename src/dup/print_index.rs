//! Where every fingerprint of a document occurs, kept across the language
//! server's searches of one document.
//!
//! An occurrence table rebuilt for each search ([`super::occurrences`]) must
//! visit every fingerprint of the document to record it, although the search
//! pairs only those whose hash occurred before, outside the stretches a long
//! piece already explains. This index is updated from the paragraphs an edit
//! replaced and flags the fingerprints with earlier occurrences, so a search
//! visits only what it pairs, a small part of the document's fingerprints.
//!
//! A fingerprint's place is its paragraph's ordinal and its offset in that
//! paragraph's normalised characters, not its position in the stream: typing
//! moves every later position but no ordinal. Only an edit that adds or removes
//! paragraphs shifts the ordinals after it, in one sweep.

use rustc_hash::FxHashMap;

use super::fingerprint::ParagraphPrints;
use super::occurrences::{Earlier, CANDIDATES};

/// Paragraph ordinal << 32 | offset; ascending places are in stream order.
type Place = u64;

fn place(ordinal: usize, offset: u32) -> Place {
    (ordinal as u64) << 32 | offset as u64
}

/// The first place of a hash, with [`MORE`] set when `rest` holds later ones.
#[derive(Clone, Copy)]
struct Slot {
    hash: u64,
    first: u64,
}

const VACANT: u64 = u64::MAX;
const MORE: u64 = 1 << 63;

impl Slot {
    const EMPTY: Slot = Slot {
        hash: 0,
        first: VACANT,
    };

    fn vacant(&self) -> bool {
        self.first == VACANT
    }
}

#[derive(Default)]
pub(crate) struct PrintIndex {
    /// Open addressing by the hash's low bits, linear probing, at most half full.
    table: Vec<Slot>,
    occupied: usize,
    /// The places after the first of each hash that occurs more than once, ascending.
    rest: FxHashMap<u64, Vec<Place>>,
    /// Every paragraph's fingerprints, contiguous: paragraph `i`'s are
    /// `print_base[i]..print_base[i + 1]` (kept to remove them when an edit
    /// replaces the paragraph, and visited in stream order by the search).
    hashes: Vec<u64>,
    offsets: Vec<u32>,
    print_base: Vec<u32>,
    /// 1 where the fingerprint's hash occurs earlier in the stream: only
    /// those are paired, and most fingerprints of a document are not.
    repeats: Vec<u8>,
}

impl PrintIndex {
    /// Indexes a whole document, one entry per paragraph.
    pub fn rebuild(&mut self, prints: &[&ParagraphPrints]) {
        self.hashes.clear();
        self.offsets.clear();
        self.print_base.clear();
        self.repeats.clear();
        self.rest.clear();
        self.occupied = 0;
        // Grown as hashes arrive: a document of copies has far fewer hashes
        // than prints, and a small table stays in the cache.
        self.table.clear();
        self.table.resize(16, Slot::EMPTY);
        self.print_base.push(0);
        for (ordinal, para) in prints.iter().enumerate() {
            for fp in &para.prints {
                self.hashes.push(fp.hash);
                self.offsets.push(fp.pos);
                // In stream order, a place never comes before its hash's first.
                let repeated = self.insert(fp.hash, place(ordinal, fp.pos));
                self.repeats.push(u8::from(repeated));
            }
            self.print_base.push(self.hashes.len() as u32);
        }
    }

    /// Replaces the `old_count` paragraphs from ordinal `head` on with the
    /// paragraphs of `middle`; ordinals after them shift accordingly.
    pub fn splice(&mut self, head: usize, old_count: usize, middle: &[&ParagraphPrints]) {
        let (from, to) = (
            self.print_base[head] as usize,
            self.print_base[head + old_count] as usize,
        );
        for ordinal in head..head + old_count {
            let (a, b) = (
                self.print_base[ordinal] as usize,
                self.print_base[ordinal + 1] as usize,
            );
            for j in a..b {
                self.remove(self.hashes[j], place(ordinal, self.offsets[j]));
            }
        }
        let shift = middle.len() as i64 - old_count as i64;
        if shift != 0 {
            self.shift_ordinals(head + old_count, shift);
        }
        // The middle's fingerprints replace the old ones in place (one move
        // of the tail), then the tail's bases shift by the change in count.
        let middle_prints = || middle.iter().flat_map(|p| &p.prints);
        let hashes: Vec<u64> = middle_prints().map(|fp| fp.hash).collect();
        let offsets: Vec<u32> = middle_prints().map(|fp| fp.pos).collect();
        let added = hashes.len();
        self.hashes.splice(from..to, hashes);
        self.offsets.splice(from..to, offsets);
        self.repeats.splice(from..to, std::iter::repeat_n(0, added));
        let mut base = from as u32;
        let bases = middle.iter().map(|p| {
            base += p.prints.len() as u32;
            base
        });
        self.print_base
            .splice(head + 1..head + old_count + 1, bases);
        let moved = self.print_base[head + middle.len()] as i64 - to as i64;
        for b in &mut self.print_base[head + middle.len() + 1..] {
            *b = (*b as i64 + moved) as u32;
        }
        let mut j = from;
        for (i, para) in middle.iter().enumerate() {
            for fp in &para.prints {
                let repeated = self.insert(fp.hash, place(head + i, fp.pos));
                self.repeats[j] = u8::from(repeated);
                j += 1;
            }
        }
    }

    /// The index in the fingerprint arrays of the fingerprint at `at`.
    fn index_of(&self, at: Place) -> usize {
        let ordinal = (at >> 32) as usize;
        let (a, b) = (
            self.print_base[ordinal] as usize,
            self.print_base[ordinal + 1] as usize,
        );
        a + self.offsets[a..b].partition_point(|&o| o < at as u32)
    }

    fn find(&self, hash: u64) -> Result<usize, usize> {
        let mask = self.table.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.table[i];
            if slot.vacant() {
                return Err(i);
            }
            if slot.hash == hash {
                return Ok(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Records the fingerprint at `at` (already in the arrays); returns
    /// whether its hash occurs before it. A hash that now occurs first here
    /// marks its former first place as repeated.
    fn insert(&mut self, hash: u64, at: Place) -> bool {
        if (self.occupied + 1) * 2 > self.table.len() {
            self.resize(self.table.len() * 2);
        }
        match self.find(hash) {
            Err(i) => {
                self.table[i] = Slot { hash, first: at };
                self.occupied += 1;
                false
            }
            Ok(i) => {
                let first = self.table[i].first & !MORE;
                let rest = self.rest.entry(hash).or_default();
                if at < first {
                    rest.insert(0, first);
                    self.table[i].first = at | MORE;
                    let j = self.index_of(first);
                    self.repeats[j] = 1;
                    false
                } else {
                    let k = rest.partition_point(|&p| p < at);
                    rest.insert(k, at);
                    self.table[i].first |= MORE;
                    true
                }
            }
        }
    }

    /// Forgets the fingerprint at `at` (still in the arrays); the next place
    /// of its hash, if any, becomes the first.
    fn remove(&mut self, hash: u64, at: Place) {
        let Ok(i) = self.find(hash) else {
            debug_assert!(false, "removing a fingerprint never indexed");
            return;
        };
        let slot = self.table[i];
        if slot.first & MORE == 0 {
            debug_assert_eq!(slot.first, at);
            self.vacate(i);
            return;
        }
        let rest = self.rest.get_mut(&hash).expect("MORE means rest");
        let mut new_first = None;
        if slot.first & !MORE == at {
            let next = rest.remove(0);
            self.table[i].first = next | MORE;
            new_first = Some(next);
        } else if let Ok(k) = rest.binary_search(&at) {
            rest.remove(k);
        }
        if rest.is_empty() {
            self.rest.remove(&hash);
            self.table[i].first &= !MORE;
        }
        if let Some(next) = new_first {
            let j = self.index_of(next);
            self.repeats[j] = 0;
        }
    }

    /// Empties slot `i`, moving later slots of its probe run back so that
    /// every hash stays reachable from its home slot.
    fn vacate(&mut self, mut i: usize) {
        let mask = self.table.len() - 1;
        self.occupied -= 1;
        let mut j = i;
        loop {
            self.table[i] = Slot::EMPTY;
            loop {
                j = (j + 1) & mask;
                if self.table[j].vacant() {
                    return;
                }
                let home = self.table[j].hash as usize & mask;
                // Slot j may fill the hole at i unless its home lies cyclically
                // in (i, j].
                let stays = if i <= j {
                    i < home && home <= j
                } else {
                    i < home || home <= j
                };
                if !stays {
                    break;
                }
            }
            self.table[i] = self.table[j];
            i = j;
        }
    }

    fn resize(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.table, vec![Slot::EMPTY; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| !s.vacant()) {
            let mut i = slot.hash as usize & mask;
            while !self.table[i].vacant() {
                i = (i + 1) & mask;
            }
            self.table[i] = slot;
        }
    }

    /// Adds `shift` to the ordinal of every place at or after `ordinal`.
    fn shift_ordinals(&mut self, ordinal: usize, shift: i64) {
        let threshold = place(ordinal, 0);
        let delta = shift << 32;
        let moved = |p: Place| {
            if p >= threshold {
                (p as i64 + delta) as u64
            } else {
                p
            }
        };
        for slot in self.table.iter_mut().filter(|s| !s.vacant()) {
            slot.first = moved(slot.first & !MORE) | (slot.first & MORE);
        }
        for places in self.rest.values_mut() {
            for p in places {
                *p = moved(*p);
            }
        }
    }

    /// The fingerprints whose hash occurs earlier, in stream order, with
    /// their earlier occurrences, given where each paragraph starts in the
    /// stream.
    pub fn occurrences<'a>(&'a self, para_base: &'a [u32]) -> IndexedOccurrences<'a> {
        IndexedOccurrences {
            index: self,
            para_base,
            para: 0,
            next: 0,
            earlier: [0; CANDIDATES],
        }
    }
}

/// The repeated fingerprints of an indexed document in stream order; see
/// [`PrintIndex::occurrences`].
pub(crate) struct IndexedOccurrences<'a> {
    index: &'a PrintIndex,
    para_base: &'a [u32],
    /// The paragraph of fingerprint `next`, or one before it.
    para: usize,
    next: usize,
    earlier: [u32; CANDIDATES],
}

impl IndexedOccurrences<'_> {
    /// Stream position of fingerprint `j`, which is in paragraph `para`.
    fn position(&self, para: usize, j: usize) -> u32 {
        self.para_base[para] + self.index.offsets[j]
    }
}

impl Earlier for IndexedOccurrences<'_> {
    /// Visits only fingerprints that have earlier occurrences (the others
    /// pair with nothing), and skips every fingerprint before `from`: the
    /// index needs no recording.
    fn next_from(&mut self, from: u32) -> Option<(u32, &[u32])> {
        let index = self.index;
        let total = index.hashes.len();
        // Positions grow with the index: jump to the first at `from`, in the
        // last paragraph starting at or before it.
        if self.next < total {
            let para_of_next = self.para
                + index.print_base[self.para..].partition_point(|&b| b as usize <= self.next)
                - 1;
            if self.position(para_of_next, self.next) < from {
                let para = self.para_base.partition_point(|&b| b <= from) - 1;
                let (a, b) = (
                    index.print_base[para] as usize,
                    index.print_base[para + 1] as usize,
                );
                let base = self.para_base[para];
                let within = index.offsets[a..b].partition_point(|&o| base + o < from);
                self.next = self.next.max(a + within);
                self.para = para;
            }
        }
        let j = self.next + memchr::memchr(1, index.repeats.get(self.next..)?)?;
        self.next = j + 1;
        self.para += index.print_base[self.para..].partition_point(|&b| b as usize <= j) - 1;
        let hash = index.hashes[j];
        let at = place(self.para, index.offsets[j]);
        let pos = self.position(self.para, j);
        let Ok(i) = index.find(hash) else {
            debug_assert!(false, "an indexed fingerprint");
            return Some((pos, &[]));
        };
        let slot = index.table[i];
        let mut n = 0;
        let mut push = |p: Place| {
            self.earlier[n] = self.para_base[(p >> 32) as usize] + p as u32;
            n += 1;
        };
        push(slot.first & !MORE);
        if slot.first & MORE != 0 {
            for &p in index.rest[&hash].iter().take(CANDIDATES - 1) {
                if p >= at {
                    break;
                }
                push(p);
            }
        }
        Some((pos, &self.earlier[..n]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dup::fingerprint::Fingerprint;
    use proptest::prelude::*;

    fn paragraph(p: &[u64]) -> ParagraphPrints {
        ParagraphPrints {
            len: 2 * p.len() as u32 + 1,
            prints: p
                .iter()
                .enumerate()
                .map(|(i, &k)| Fingerprint {
                    // Few distinct hashes, many sharing a home slot.
                    hash: k << 20 | (k % 3),
                    pos: 2 * i as u32,
                })
                .collect(),
        }
    }

    /// What the search gets from an index: the position and earlier
    /// occurrences of every fingerprint that has some, in stream order.
    fn visit(index: &PrintIndex, paras: &[ParagraphPrints]) -> Vec<(u32, Vec<u32>)> {
        let mut base = Vec::new();
        let mut at = 0;
        for p in paras {
            base.push(at);
            at += p.len;
        }
        let mut out = Vec::new();
        let mut it = index.occurrences(&base);
        while let Some((pos, earlier)) = it.next_from(0) {
            out.push((pos, earlier.to_vec()));
        }
        out
    }

    fn fresh(paras: &[ParagraphPrints]) -> PrintIndex {
        let mut index = PrintIndex::default();
        index.rebuild(&paras.iter().collect::<Vec<_>>());
        index
    }

    proptest! {
        /// An index spliced edit after edit gives what one built afresh
        /// gives, and that is the first occurrences in stream order of every
        /// hash that occurred before.
        #[test]
        fn spliced_equals_rebuilt(
            start in proptest::collection::vec(proptest::collection::vec(0u64..12, 0..8), 0..12),
            edits in proptest::collection::vec(
                (0usize..12, 0usize..3, proptest::collection::vec(proptest::collection::vec(0u64..12, 0..8), 0..3)),
                1..8,
            ),
        ) {
            let mut paras: Vec<ParagraphPrints> = start.iter().map(|p| paragraph(p)).collect();
            let mut index = fresh(&paras);
            for (at, removed, inserted) in edits {
                let head = at.min(paras.len());
                let removed = removed.min(paras.len() - head);
                let middle: Vec<ParagraphPrints> = inserted.iter().map(|p| paragraph(p)).collect();
                index.splice(head, removed, &middle.iter().collect::<Vec<_>>());
                paras.splice(head..head + removed, middle);
                let got = visit(&index, &paras);
                prop_assert_eq!(&got, &visit(&fresh(&paras), &paras));
                // By definition.
                let mut seen: std::collections::HashMap<u64, Vec<u32>> = Default::default();
                let mut want = Vec::new();
                let mut base = 0;
                for p in &paras {
                    for fp in &p.prints {
                        let e = seen.entry(fp.hash).or_default();
                        if !e.is_empty() {
                            want.push((base + fp.pos, e.iter().take(CANDIDATES).copied().collect::<Vec<_>>()));
                        }
                        e.push(base + fp.pos);
                    }
                    base += p.len;
                }
                prop_assert_eq!(got, want);
                prop_assert_eq!(index.occupied, seen.len());
            }
        }

        /// Starting later skips exactly the fingerprints before `from`.
        #[test]
        fn next_from_skips_what_lies_before(
            paras in proptest::collection::vec(proptest::collection::vec(0u64..12, 0..8), 0..12),
            froms in proptest::collection::vec(0u32..120, 0..10),
        ) {
            let paras: Vec<ParagraphPrints> = paras.iter().map(|p| paragraph(p)).collect();
            let index = fresh(&paras);
            let all = visit(&index, &paras);
            let mut froms = froms;
            froms.sort_unstable();
            let mut base = Vec::new();
            let mut at = 0;
            for p in &paras {
                base.push(at);
                at += p.len;
            }
            let mut it = index.occurrences(&base);
            let mut last = 0;
            for from in froms {
                let got = it.next_from(from).map(|(p, e)| (p, e.to_vec()));
                let want = all.iter().find(|(p, _)| *p >= from && *p >= last).cloned();
                prop_assert_eq!(&got, &want);
                if let Some((p, _)) = got {
                    last = p + 1;
                }
            }
        }
    }
}
