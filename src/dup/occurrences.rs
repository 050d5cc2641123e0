//! Where the fingerprints of a document occurred before: for each fingerprint,
//! in stream order, the first [`CANDIDATES`] earlier occurrences of its hash,
//! which the passage detector pairs it with.
//!
//! Built afresh for each search (`check`; the language server keeps a
//! [`super::print_index::PrintIndex`] between edits instead). A 1 MB document
//! has ~65,000 fingerprints, and a table of all of them is several MB, far
//! beyond the cache. Two things keep it small and fast:
//! - most fingerprints of an ordinary document occur once; two bitsets that
//!   fit in L2 find them ("certainly once" for all but a few percent), and
//!   they never enter the table, where they would only be inserted and never
//!   found again;
//! - the table is probed a few fingerprints ahead with a prefetch, so the
//!   cache misses that remain overlap instead of queueing.

use super::fingerprint::ParagraphPrints;
use super::passages::Stream;

/// How many earlier occurrences of one fingerprint are paired with a later one.
pub const CANDIDATES: usize = 4;

/// Fingerprints between a prefetch and the probe it prepares.
const PREFETCH_AHEAD: usize = 8;

#[derive(Clone, Copy, Default)]
struct Entry {
    hash: u64,
    /// The search that filled the entry: entries of earlier ones are empty,
    /// so a kept table needs no clearing.
    search: u32,
    /// Occurrences recorded.
    n: u32,
    first: [u32; CANDIDATES],
}

/// The buffers of [`Occurrences`], which a caller may keep between searches
/// (see [`super::PassageScratch`]).
#[derive(Default)]
pub(crate) struct OccurrenceBuffers {
    prints: Vec<(u64, u32)>,
    table: Vec<Entry>,
    /// Numbers the searches; 0 is never used, so default entries are empty.
    search: u32,
    filter: RepeatFilter,
}

/// The fingerprints that may repeat, visited in stream order; see the module docs.
pub(crate) struct Occurrences<'b> {
    /// `(hash, position in the stream)`, by position.
    prints: &'b [(u64, u32)],
    visited: usize,
    table: &'b mut [Entry],
    search: u32,
    mask: usize,
}

impl<'b> Occurrences<'b> {
    pub fn new(
        stream: &Stream,
        prints: &[&ParagraphPrints],
        buffers: &'b mut OccurrenceBuffers,
    ) -> Occurrences<'b> {
        buffers.filter.fill(prints);
        let candidates = &mut buffers.prints;
        candidates.clear();
        for (para, &base) in prints.iter().zip(&stream.para_base) {
            candidates.extend(
                para.prints
                    .iter()
                    .filter(|fp| buffers.filter.may_repeat(fp.hash))
                    .map(|fp| (fp.hash, base + fp.pos)),
            );
        }
        let size = (candidates.len() * 2).next_power_of_two().max(16);
        // A table kept from a much larger document would hold its memory and
        // spread this one's entries over more cache lines.
        if buffers.table.len() < size || buffers.table.len() > 4 * size {
            buffers.table = vec![Entry::default(); size];
            buffers.search = 0;
        }
        buffers.search = buffers.search.wrapping_add(1);
        if buffers.search == 0 {
            buffers.table.fill(Entry::default());
            buffers.search = 1;
        }
        let mask = buffers.table.len() - 1;
        Occurrences {
            prints: &buffers.prints,
            visited: 0,
            table: &mut buffers.table,
            search: buffers.search,
            mask,
        }
    }

    /// The next fingerprint that may repeat: its position, and the first
    /// [`CANDIDATES`] occurrences of its hash before it (recording it).
    pub fn next(&mut self) -> Option<(u32, &[u32])> {
        let &(hash, pos) = self.prints.get(self.visited)?;
        if let Some(&(ahead, _)) = self.prints.get(self.visited + PREFETCH_AHEAD) {
            prefetch(&self.table[ahead as usize & self.mask]);
        }
        self.visited += 1;
        let mut i = hash as usize & self.mask;
        while self.table[i].search == self.search && self.table[i].hash != hash {
            i = (i + 1) & self.mask;
        }
        let entry = &mut self.table[i];
        if entry.search != self.search {
            *entry = Entry {
                hash,
                search: self.search,
                ..Entry::default()
            };
        }
        let before = entry.n as usize;
        if before < CANDIDATES {
            entry.first[before] = pos;
            entry.n += 1;
        }
        Some((pos, &entry.first[..before]))
    }
}

#[inline]
fn prefetch<T>(at: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            at as *const T as *const i8,
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Fingerprints in stream order with the first [`CANDIDATES`] earlier
/// occurrences of their hash, as the passage search pairs them.
pub(crate) trait Earlier {
    /// The next fingerprint, its position and its earlier occurrences. It may
    /// skip fingerprints before stream position `from` (which never
    /// decreases), which the caller does not pair.
    fn next_from(&mut self, from: u32) -> Option<(u32, &[u32])>;
}

impl Earlier for Occurrences<'_> {
    fn next_from(&mut self, _from: u32) -> Option<(u32, &[u32])> {
        // Every fingerprint must be recorded for the later ones.
        self.next()
    }
}

/// Which fingerprint hashes may occur more than once in the document.
#[derive(Default)]
struct RepeatFilter {
    once: Vec<u64>,
    twice: Vec<u64>,
    /// log2 of the bits in each bitset.
    bits: u32,
}

impl RepeatFilter {
    /// 16 bits per fingerprint: under 7 % false "may repeat" (2^20 bits, 256 KB
    /// for both bitsets, for the ~65,000 fingerprints of 1 MB). Sized by the
    /// document: clearing 256 KB for every small file of `check` cost more than
    /// its search, and evicted the rules' tables from the cache.
    fn bits_for(prints: usize) -> u32 {
        (prints * 16)
            .next_power_of_two()
            .max(1 << 12)
            .trailing_zeros()
    }

    fn fill(&mut self, prints: &[&ParagraphPrints]) {
        let count = prints.iter().map(|p| p.prints.len()).sum();
        self.bits = Self::bits_for(count);
        let words = (1usize << self.bits) / 64;
        for bits in [&mut self.once, &mut self.twice] {
            bits.clear();
            bits.resize(words, 0);
        }
        let (once, twice) = (&mut self.once, &mut self.twice);
        for fp in prints.iter().flat_map(|p| &p.prints) {
            let (w, bit) = Self::slot(self.bits, fp.hash);
            twice[w] |= once[w] & bit;
            once[w] |= bit;
        }
    }

    fn slot(bits: u32, hash: u64) -> (usize, u64) {
        // The top bits: the table above indexes by the low ones.
        let i = (hash >> (64 - bits)) as usize;
        (i / 64, 1 << (i % 64))
    }

    fn may_repeat(&self, hash: u64) -> bool {
        let (w, bit) = Self::slot(self.bits, hash);
        self.twice[w] & bit != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dup::fingerprint::Fingerprint;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// Every fingerprint gets the earlier occurrences a plain map filled
        /// in stream order gives, and the ones left out occur only once.
        #[test]
        fn equals_a_plain_map(
            paras in proptest::collection::vec(
                proptest::collection::vec((0u64..60, any::<bool>()), 0..40),
                0..60,
            ),
        ) {
            let prints: Vec<ParagraphPrints> = paras
                .iter()
                .map(|p| ParagraphPrints {
                    len: 3 * p.len() as u32 + 1,
                    prints: p
                        .iter()
                        .enumerate()
                        .map(|(i, &(k, wide))| Fingerprint {
                            // Some hashes share their low bits, some their top ones.
                            hash: if wide { k.wrapping_mul(0x9E37_79B9_7F4A_7C15) } else { k << 40 | 3 },
                            pos: 3 * i as u32,
                        })
                        .collect(),
                })
                .collect();
            let mut para_base = Vec::new();
            let mut base = 0;
            for p in &prints {
                para_base.push(base);
                base += p.len;
            }
            let stream = Stream { chars: Vec::new(), para_base };
            let refs: Vec<&ParagraphPrints> = prints.iter().collect();
            // Buffers kept from an unrelated search must not leak into this one.
            let mut buffers = OccurrenceBuffers::default();
            let other: Vec<&ParagraphPrints> = refs.iter().rev().copied().collect();
            let mut earlier_search = Occurrences::new(&stream, &other, &mut buffers);
            while earlier_search.next().is_some() {}
            let mut occurrences = Occurrences::new(&stream, &refs, &mut buffers);
            let mut got = HashMap::new();
            while let Some((pos, earlier)) = occurrences.next() {
                got.insert(pos, earlier.to_vec());
            }
            let mut seen: HashMap<u64, Vec<u32>> = HashMap::new();
            let mut count: HashMap<u64, usize> = HashMap::new();
            for fp in prints.iter().flat_map(|p| &p.prints) {
                *count.entry(fp.hash).or_default() += 1;
            }
            for (p, &b) in prints.iter().zip(&stream.para_base) {
                for fp in &p.prints {
                    let slots = seen.entry(fp.hash).or_default();
                    match got.get(&(b + fp.pos)) {
                        Some(earlier) => prop_assert_eq!(earlier, &*slots),
                        None => prop_assert_eq!(count[&fp.hash], 1),
                    }
                    if slots.len() < CANDIDATES {
                        slots.push(b + fp.pos);
                    }
                }
            }
        }
    }
}
