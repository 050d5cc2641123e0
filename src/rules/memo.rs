//! Per-paragraph memoisation for document-level checkers.
//!
//! A document-level checker usually starts by reducing every paragraph to a
//! summary that depends on that paragraph's text alone (fingerprints, unmatched
//! brackets, outline markers). The language server re-runs document checkers on
//! every keystroke, so a checker keeps these summaries in a [`ParaMemo`] keyed by
//! the paragraph's hash: an edit recomputes only the paragraphs it touched.
//!
//! Memoisation is off until [`enable`] is called (the language server does): a
//! batch `check` over many files would only pay for hashing and never hit. The
//! memo keeps the summaries used by the last two calls (two generations), so
//! memory stays bounded by about two documents' worth while alternating between
//! two open documents still hits.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use crate::document::Paragraph;

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

struct Generations<T> {
    current: FxHashMap<u64, Arc<T>>,
    previous: FxHashMap<u64, Arc<T>>,
}

/// Summaries of paragraphs by text hash; see the module docs.
pub struct ParaMemo<T> {
    inner: Mutex<Generations<T>>,
}

impl<T> Default for ParaMemo<T> {
    fn default() -> Self {
        ParaMemo {
            inner: Mutex::new(Generations {
                current: FxHashMap::default(),
                previous: FxHashMap::default(),
            }),
        }
    }
}

impl<T> ParaMemo<T> {
    /// `summarise(p.text)` for every paragraph, reusing the summaries of the
    /// last two calls when memoisation is enabled. `summarise` must be a pure
    /// function of the text. When another thread is using the memo, this call
    /// computes everything itself rather than wait.
    pub fn map(&self, paragraphs: &[Paragraph<'_>], summarise: impl Fn(&str) -> T) -> Vec<Arc<T>> {
        let guard = if enabled() {
            self.inner.try_lock().ok()
        } else {
            None
        };
        let Some(mut gens) = guard else {
            return paragraphs
                .iter()
                .map(|p| Arc::new(summarise(p.text)))
                .collect();
        };
        let gens = &mut *gens;
        let mut next: FxHashMap<u64, Arc<T>> =
            FxHashMap::with_capacity_and_hasher(paragraphs.len(), Default::default());
        let out = paragraphs
            .iter()
            .map(|p| {
                let key = hash_text(p.text);
                if let Some(hit) = next.get(&key) {
                    return hit.clone();
                }
                let value = gens
                    .current
                    .get(&key)
                    .or_else(|| gens.previous.get(&key))
                    .cloned()
                    .unwrap_or_else(|| Arc::new(summarise(p.text)));
                next.insert(key, value.clone());
                value
            })
            .collect();
        gens.previous = std::mem::replace(&mut gens.current, next);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::paragraphs;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn recomputes_only_new_paragraphs_and_forgets_old_generations() {
        enable();
        let memo: ParaMemo<usize> = ParaMemo::default();
        let calls = AtomicUsize::new(0);
        let len = |t: &str| {
            calls.fetch_add(1, Ordering::Relaxed);
            t.len()
        };
        let a = "甲\n乙乙\n甲";
        let got: Vec<usize> = memo.map(&paragraphs(a), len).iter().map(|v| **v).collect();
        assert_eq!(got, vec![3, 6, 3]);
        assert_eq!(calls.load(Ordering::Relaxed), 2);
        memo.map(&paragraphs("甲\n丙"), len);
        assert_eq!(calls.load(Ordering::Relaxed), 3);
        // 乙乙 was used two calls ago: still remembered; after two more calls
        // without it, gone.
        memo.map(&paragraphs("乙乙"), len);
        assert_eq!(calls.load(Ordering::Relaxed), 3);
        memo.map(&paragraphs("丁"), len);
        memo.map(&paragraphs("戊"), len);
        memo.map(&paragraphs("乙乙"), len);
        assert_eq!(calls.load(Ordering::Relaxed), 6);
    }
}
