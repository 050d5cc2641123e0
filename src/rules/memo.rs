//! Per-paragraph memoisation for document-level checkers.
//!
//! A document-level checker usually starts by reducing every paragraph to a
//! summary that depends on that paragraph's text alone (fingerprints, unmatched
//! brackets, outline markers). The language server re-runs document checkers on
//! every keystroke, so a checker keeps these summaries in a [`ParaMemo`] keyed by
//! the paragraph's hash: an edit recomputes only the paragraphs it touched.
//!
//! An edit leaves the paragraphs before and after it in place, so summaries are
//! reused by position: the longest run of equal keys at the start and at the
//! end, against each of the last two calls (two documents edited in turn both
//! hit). Only the paragraphs between are summarised again, identical ones once.
//! This costs two comparisons per paragraph, where a table lookup per paragraph
//! cost a cache miss each on a large document.
//!
//! Memoisation is off until [`enable`] is called (the language server does): a
//! batch `check` over many files would only pay for hashing and never hit.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use super::DocView;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns memoisation on for the whole process (for long-lived servers).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Hash of a paragraph's text (its length included, so prefixes differ).
pub fn hash_text(text: &str) -> u64 {
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(text.as_bytes());
    h.write_usize(text.len());
    h.finish()
}

/// How many keys at the start and at the end of `new` equal those of `old` at
/// the same distance from its start and end (not overlapping in either).
pub fn common_ends(old: &[u64], new: &[u64]) -> (usize, usize) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    (prefix, suffix)
}

/// The keys and summaries one call returned, in paragraph order.
struct Call<T> {
    keys: Vec<u64>,
    values: Vec<T>,
}

impl<T> Default for Call<T> {
    fn default() -> Self {
        Call {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

/// Summaries of paragraphs by text hash; see the module docs. Summaries are
/// cloned out, so large ones are best kept behind an `Arc`.
pub struct ParaMemo<T> {
    /// The last call and the one before.
    recent: Mutex<[Call<T>; 2]>,
}

impl<T> Default for ParaMemo<T> {
    fn default() -> Self {
        ParaMemo {
            recent: Mutex::new([Call::default(), Call::default()]),
        }
    }
}

impl<T: Clone> ParaMemo<T> {
    /// `summarise(p.text)` for every paragraph of `doc`, reusing the summaries
    /// of the last two calls when memoisation is enabled. `summarise` must be
    /// a pure function of the text. When another thread is using the memo,
    /// this call computes everything itself rather than wait.
    pub fn map(&self, doc: &DocView<'_>, summarise: impl Fn(&str) -> T) -> Vec<T> {
        let paragraphs = doc.paragraphs;
        let guard = if enabled() {
            self.recent.try_lock().ok()
        } else {
            None
        };
        let Some(mut recent) = guard else {
            return paragraphs.iter().map(|p| summarise(p.text)).collect();
        };
        let keys: Vec<u64> = (0..paragraphs.len()).map(|i| doc.key(i)).collect();
        let ends = recent.each_ref().map(|call| common_ends(&call.keys, &keys));
        let best = usize::from(ends[1].0 + ends[1].1 > ends[0].0 + ends[0].1);
        let (prefix, suffix) = ends[best];
        let old = &recent[best];
        let mut values = Vec::with_capacity(keys.len());
        values.extend_from_slice(&old.values[..prefix]);
        // Identical paragraphs in the middle (a first call, a paste) are
        // summarised once.
        let mut middle: FxHashMap<u64, T> = FxHashMap::default();
        for (p, &key) in paragraphs[prefix..keys.len() - suffix]
            .iter()
            .zip(&keys[prefix..])
        {
            let value = middle.entry(key).or_insert_with(|| summarise(p.text));
            values.push(value.clone());
        }
        values.extend_from_slice(&old.values[old.values.len() - suffix..]);
        recent.swap(0, 1);
        recent[0] = Call {
            keys,
            values: values.clone(),
        };
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::paragraphs;
    use std::sync::atomic::AtomicUsize;

    fn run(memo: &ParaMemo<usize>, text: &str, f: impl Fn(&str) -> usize) -> Vec<usize> {
        let paras = paragraphs(text);
        let doc = DocView {
            text,
            paragraphs: &paras,
            keys: None,
        };
        memo.map(&doc, f)
    }

    #[test]
    fn reuses_the_unchanged_ends_of_either_of_the_last_two_calls() {
        enable();
        let memo: ParaMemo<usize> = ParaMemo::default();
        let calls = AtomicUsize::new(0);
        let len = |t: &str| {
            calls.fetch_add(1, Ordering::Relaxed);
            t.len()
        };
        let calls_after = |text: &str| {
            let before = calls.load(Ordering::Relaxed);
            let got = run(&memo, text, len);
            let lens: Vec<usize> = paragraphs(text).iter().map(|p| p.text.len()).collect();
            assert_eq!(got, lens, "{text}");
            calls.load(Ordering::Relaxed) - before
        };
        // Identical paragraphs are summarised once.
        assert_eq!(calls_after("甲\n乙乙\n甲\n丁"), 3);
        // An edit in the middle: only the edited paragraph.
        assert_eq!(calls_after("甲\n乙乙乙\n甲\n丁"), 1);
        // A paragraph inserted, one deleted.
        assert_eq!(calls_after("甲\n乙乙乙\n新\n甲\n丁"), 1);
        assert_eq!(calls_after("甲\n新\n甲\n丁"), 0);
        // Another document, then back to the first: still remembered.
        assert_eq!(calls_after("子\n丑"), 2);
        assert_eq!(calls_after("甲\n新\n甲\n丁"), 0);
        // Two calls later, forgotten.
        assert_eq!(calls_after("子\n丑"), 0);
        assert_eq!(calls_after("寅"), 1);
        assert_eq!(calls_after("卯"), 1);
        assert_eq!(calls_after("甲\n新\n甲\n丁"), 3);
    }

    #[test]
    fn common_ends_never_overlap() {
        assert_eq!(common_ends(&[1, 2, 1], &[1, 2, 1]), (3, 0));
        assert_eq!(common_ends(&[1, 1], &[1, 1, 1]), (2, 0));
        assert_eq!(common_ends(&[1, 2, 3], &[1, 9, 3]), (1, 1));
        assert_eq!(common_ends(&[1, 2, 3], &[1, 3]), (1, 1));
        assert_eq!(common_ends(&[], &[4]), (0, 0));
    }
}
