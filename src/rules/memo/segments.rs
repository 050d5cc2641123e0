//! Findings kept per segment of a document, for checkers whose findings in a
//! run of paragraphs (a piece of a compilation) depend on that run alone: an
//! edit re-checks only the segment it touched, and every other segment's
//! findings are reused wherever the segment now lies.

use std::hash::Hasher;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use rustc_hash::{FxHashMap, FxHasher};

use super::lock_if_enabled;
use crate::document::Paragraph;
use crate::finding::Finding;
use crate::rules::DocView;

/// Findings of one segment, offsets relative to the segment's start.
type Kept = Arc<[Finding]>;

/// The segments' findings of the last call and the one before (two documents
/// edited in turn both hit), by [`segment_key`].
#[derive(Default)]
pub struct Segmented {
    calls: Mutex<[FxHashMap<u64, Kept>; 2]>,
}

/// A run of paragraphs checked alone, with a key of whatever else its
/// findings depend on (context the checker reads from outside the run) and
/// what the checker needs to find that context.
pub struct Segment<T> {
    pub paragraphs: Range<usize>,
    pub context: u64,
    pub data: T,
}

impl Segmented {
    /// Appends the findings of `doc` to `out`, segment by segment: `check`
    /// appends those of one segment, which must depend on nothing but its
    /// paragraphs and its context key (not on where the segment lies). Each
    /// segment's findings are kept and, after an edit, reused for every
    /// segment whose paragraphs and context read the same, wherever it now
    /// lies. Without memoisation, or while another thread uses this memo,
    /// every segment is checked.
    pub fn check<T>(
        &self,
        doc: &DocView<'_>,
        segments: &[Segment<T>],
        check: impl Fn(&Segment<T>, &mut Vec<Finding>),
        out: &mut Vec<Finding>,
    ) {
        let Some(mut calls) = lock_if_enabled(&self.calls) else {
            for segment in segments {
                check(segment, out);
            }
            return;
        };
        let keys = doc.all_keys();
        let mut now: FxHashMap<u64, Kept> = FxHashMap::default();
        for segment in segments {
            let range = segment.paragraphs.clone();
            let paragraphs = &doc.paragraphs[range.clone()];
            let Some(base) = paragraphs.first().map(|p| p.start) else {
                continue;
            };
            let key = segment_key(&keys[range], paragraphs, segment.context);
            let kept = [&now, &calls[0], &calls[1]]
                .iter()
                .find_map(|call| call.get(&key).cloned());
            let kept = kept.or_else(|| {
                let mut found = Vec::new();
                check(segment, &mut found);
                let relative = relative_to(&found, base);
                if relative.is_none() {
                    // Reaches before its segment (a checker breaking the
                    // contract): reported as found, never kept.
                    out.extend(found);
                }
                relative
            });
            if let Some(kept) = kept {
                out.extend(kept.iter().map(|f| {
                    let mut f = f.clone();
                    f.shift(base);
                    f
                }));
                now.insert(key, kept);
            }
        }
        calls.swap(0, 1);
        calls[0] = now;
    }
}

/// What a segment's findings can depend on: its paragraphs' texts (by key),
/// where each starts relative to the first (the line ends between them), and
/// its context.
fn segment_key(keys: &[u64], paragraphs: &[Paragraph<'_>], context: u64) -> u64 {
    let base = paragraphs[0].start;
    let mut h = FxHasher::default();
    h.write_u64(context);
    h.write_usize(keys.len());
    for (key, p) in keys.iter().zip(paragraphs) {
        h.write_u64(*key);
        h.write_usize(p.start - base);
    }
    h.finish()
}

/// `found` with offsets relative to `base`, unless one lies before it.
fn relative_to(found: &[Finding], base: usize) -> Option<Kept> {
    if found.iter().any(|f| f.first_offset() < base) {
        return None;
    }
    Some(
        found
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.map_offsets(|x| x - base);
                f
            })
            .collect(),
    )
}
