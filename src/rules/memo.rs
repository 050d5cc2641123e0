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
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use rustc_hash::FxHashMap;

use super::DocView;
use crate::finding::Finding;

mod segments;
pub use segments::{Segment, Segmented};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns memoisation on for the whole process (for long-lived servers).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// A memo's state when memoisation is on and no other thread is using it: a
/// call that finds it busy computes everything itself rather than wait.
fn lock_if_enabled<T>(memo: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
    enabled().then(|| memo.try_lock().ok()).flatten()
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
    recent: Mutex<Recent<T>>,
}

struct Recent<T> {
    /// The last call and the one before.
    calls: [Call<T>; 2],
    /// The summaries the last call replaced in the one it built on, by key
    /// (when there were few): what a checker's changed paragraphs were.
    replaced: Vec<(u64, T)>,
}

/// At most this many replaced summaries are kept for [`Summaries::replaced`].
const REPLACED_KEPT: usize = 4;

impl<T> Default for ParaMemo<T> {
    fn default() -> Self {
        ParaMemo {
            recent: Mutex::new(Recent {
                calls: [Call::default(), Call::default()],
                replaced: Vec::new(),
            }),
        }
    }
}

/// The summaries of a document's paragraphs, in order: the memo's own (kept
/// locked while in use, so that an edit updates them in place instead of
/// copying every summary of the document) or computed for this call alone.
pub struct Summaries<'a, T>(Held<'a, T>);

enum Held<'a, T> {
    Kept(MutexGuard<'a, Recent<T>>),
    Owned(Vec<T>),
}

impl<T> std::ops::Deref for Summaries<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.0 {
            Held::Kept(recent) => &recent.calls[0].values,
            Held::Owned(values) => values,
        }
    }
}

impl<T> Summaries<'_, T> {
    /// The summary of a paragraph with key `key` that this call replaced in
    /// the last one, if it was one of few.
    pub fn replaced(&self, key: u64) -> Option<&T> {
        match &self.0 {
            Held::Kept(recent) => recent
                .replaced
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v),
            Held::Owned(_) => None,
        }
    }
}

impl<T: Clone> ParaMemo<T> {
    /// `summarise(p.text)` for every paragraph of `doc`, reusing the summaries
    /// of the last two calls when memoisation is enabled. `summarise` must be
    /// a pure function of the text. When another thread is using the memo,
    /// this call computes everything itself rather than wait.
    pub fn map(&self, doc: &DocView<'_>, summarise: impl Fn(&str) -> T) -> Summaries<'_, T> {
        let paragraphs = doc.paragraphs;
        let Some(mut recent) = lock_if_enabled(&self.recent) else {
            return Summaries(Held::Owned(
                paragraphs.iter().map(|p| summarise(p.text)).collect(),
            ));
        };
        let keys = doc.all_keys();
        let Recent { calls, replaced } = &mut *recent;
        let ends = calls.each_ref().map(|call| common_ends(&call.keys, &keys));
        // The call to build on becomes the last one and the other stays the
        // one before; with nothing in common, the new call replaces the older.
        let best = usize::from(ends[1].0 + ends[1].1 > ends[0].0 + ends[0].1);
        let (prefix, suffix) = ends[best];
        if prefix + suffix == 0 {
            calls.swap(0, 1);
            calls[0].keys.clear();
            calls[0].values.clear();
        } else {
            calls.swap(0, best);
        }
        // Identical paragraphs in the middle (a first call, a paste) are
        // summarised once.
        let mut middle: FxHashMap<u64, T> = FxHashMap::default();
        let values: Vec<T> = paragraphs[prefix..keys.len() - suffix]
            .iter()
            .zip(&keys[prefix..])
            .map(|(p, &key)| {
                middle
                    .entry(key)
                    .or_insert_with(|| summarise(p.text))
                    .clone()
            })
            .collect();
        let last = &mut calls[0];
        let old_end = last.values.len() - suffix;
        replaced.clear();
        let removed = last.values.splice(prefix..old_end, values);
        if removed.len() <= REPLACED_KEPT {
            replaced.extend(last.keys[prefix..old_end].iter().copied().zip(removed));
        } else {
            drop(removed);
        }
        last.keys.clear();
        last.keys.extend_from_slice(&keys);
        Summaries(Held::Kept(recent))
    }
}

/// How a paragraph can matter to a document checker's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relevance {
    /// Not at all, other than by its length.
    Inert,
    /// Only where the paragraph after it matters: a blank line inside body
    /// text ends no outline section, but one before a heading may.
    InertBeforeInert,
    /// The checker reads it.
    Relevant,
}

impl Relevance {
    /// [`Relevance::Inert`] when `inert`, else [`Relevance::Relevant`].
    pub fn inert_if(inert: bool) -> Self {
        if inert {
            Relevance::Inert
        } else {
            Relevance::Relevant
        }
    }
}

/// A document checker's findings of its last call, reused after an edit that
/// changed only paragraphs the checker has nothing to see in.
///
/// Many document checks look at a few paragraphs only (outline headings,
/// paragraphs with an unmatched bracket), known from per-paragraph summaries,
/// and read the text only where they report. Typing in any other paragraph
/// leaves their findings as they were, moved by what the edit added. So when
/// an edit kept the number of paragraphs, and every paragraph it changed is
/// *inert* before and after (the checker decides which are, by their
/// [`Relevance`]), the last findings are returned shifted instead of checking
/// the whole document again.
#[derive(Default)]
pub struct Unaffected {
    last: Mutex<Option<LastCall>>,
}

struct LastCall {
    keys: Vec<u64>,
    relevance: Vec<Relevance>,
    /// Where each paragraph starts, and the text's length.
    starts: Vec<usize>,
    text_len: usize,
    findings: Vec<Finding>,
}

impl Unaffected {
    /// Appends `check`'s findings for `doc` to `out`, or the last call's
    /// shifted, as the type's docs say. `relevance(i)`: how the checker's
    /// findings can depend on paragraph `i` of `doc`.
    pub fn check(
        &self,
        doc: &DocView<'_>,
        relevance: impl Fn(usize) -> Relevance,
        check: impl FnOnce(&mut Vec<Finding>),
        out: &mut Vec<Finding>,
    ) {
        self.check_moving(doc, relevance, |_, _, _| None, check, out);
    }

    /// [`Unaffected::check`], also reusing the findings after an edit of one
    /// relevant paragraph that the checker reads the same after it, apart
    /// from where: `moved(i, old_key, delta)` is the offset in paragraph `i`
    /// (whose key was `old_key`) from which what the checker reads lies
    /// `delta` bytes later than before (what lies before it stays), or
    /// `None` when the paragraph reads differently now. Its findings in that
    /// paragraph move with what they point at.
    pub fn check_moving(
        &self,
        doc: &DocView<'_>,
        relevance: impl Fn(usize) -> Relevance,
        moved: impl Fn(usize, u64, i64) -> Option<usize>,
        check: impl FnOnce(&mut Vec<Finding>),
        out: &mut Vec<Finding>,
    ) {
        let Some(mut last) = lock_if_enabled(&self.last) else {
            return check(out);
        };
        let keys = doc.all_keys();
        if let Some(l) = last.as_mut() {
            if l.shift_to(doc, &keys, &relevance, moved) {
                out.extend_from_slice(&l.findings);
                return;
            }
        }
        let n = doc.paragraphs.len();
        let mut found = Vec::new();
        check(&mut found);
        out.extend_from_slice(&found);
        *last = Some(LastCall {
            keys: keys.into_owned(),
            relevance: (0..n).map(relevance).collect(),
            starts: doc.paragraphs.iter().map(|p| p.start).collect(),
            text_len: doc.text.len(),
            findings: found,
        });
    }
}

impl LastCall {
    /// Whether the edit since this call changed only paragraphs the findings
    /// do not depend on; if so, this call becomes `doc`'s, its findings
    /// shifted.
    fn shift_to(
        &mut self,
        doc: &DocView<'_>,
        keys: &[u64],
        relevance: impl Fn(usize) -> Relevance,
        moved: impl Fn(usize, u64, i64) -> Option<usize>,
    ) -> bool {
        let Some((findings, middle)) = self.shifted(doc, keys, &relevance, moved) else {
            return false;
        };
        self.keys.clear();
        self.keys.extend_from_slice(keys);
        for (old, p) in self.starts.iter_mut().zip(doc.paragraphs) {
            *old = p.start;
        }
        for i in middle {
            self.relevance[i] = relevance(i);
        }
        self.text_len = doc.text.len();
        self.findings = findings;
        true
    }

    /// This call's findings moved to `doc`, and the paragraphs the edit
    /// changed, if the findings do not depend on what it changed.
    fn shifted(
        &self,
        doc: &DocView<'_>,
        keys: &[u64],
        relevance: impl Fn(usize) -> Relevance,
        moved: impl Fn(usize, u64, i64) -> Option<usize>,
    ) -> Option<(Vec<Finding>, Range<usize>)> {
        let n = keys.len();
        if self.keys.len() != n {
            return None;
        }
        let (prefix, suffix) = common_ends(&self.keys, keys);
        let middle = prefix..n - suffix;
        let paras = doc.paragraphs;
        let old_to = self
            .starts
            .get(n - suffix)
            .copied()
            .unwrap_or(self.text_len);
        let new_to = paras.get(n - suffix).map_or(doc.text.len(), |p| p.start);
        let delta = new_to as i64 - old_to as i64;
        let inert =
            |i: usize| self.relevance[i] == Relevance::Inert && relevance(i) == Relevance::Inert;
        // In the one changed paragraph, where what the checker reads moved.
        let mut split = None;
        for i in middle.clone() {
            match (self.relevance[i], relevance(i)) {
                (Relevance::Inert, Relevance::Inert) => {}
                (Relevance::Relevant, Relevance::Relevant) if middle.len() == 1 => {
                    split = Some(moved(i, self.keys[i], delta)?);
                }
                (Relevance::Relevant, _) | (_, Relevance::Relevant) => return None,
                _ if i + 1 < n && inert(i + 1) => {}
                _ => return None,
            }
        }
        // The paragraphs around the edit must sit where the last call saw
        // them, moved by `delta` after it (an unchanged key says nothing of
        // the line ends between paragraphs).
        let placed = (0..prefix).all(|i| paras[i].start == self.starts[i])
            && (n - suffix..n).all(|i| paras[i].start as i64 == self.starts[i] as i64 + delta)
            && doc.text.len() as i64 == self.text_len as i64 + delta;
        if !placed {
            return None;
        }
        let old_from = self.starts.get(prefix).copied().unwrap_or(self.text_len);
        let shift = |x: usize| (x as i64 + delta) as usize;
        let span = |r: &Range<usize>| {
            let inside = |x: usize| old_from < x && x < old_to;
            if inside(r.start) || inside(r.end) {
                // Inside the changed paragraph, where only a reading the
                // checker says moved can be: a span moves with its start.
                let split = split?;
                if r.start < old_from || r.end > old_to {
                    return None; // reaching out of it: the checker saw more
                }
                return Some(if r.start - old_from >= split {
                    shift(r.start)..shift(r.end)
                } else {
                    r.clone()
                });
            }
            let moved = |x: usize| if x <= old_from { x } else { shift(x) };
            Some(moved(r.start)..moved(r.end))
        };
        let mut findings = Vec::with_capacity(self.findings.len());
        for f in &self.findings {
            let mut f = f.clone();
            f.span = span(&f.span)?;
            for fix in &mut f.fixes {
                fix.span = span(&fix.span)?;
            }
            for rel in f.related.iter_mut().filter(|r| r.file.is_none()) {
                rel.span = span(&rel.span)?;
            }
            findings.push(f);
        }
        Some((findings, middle))
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
        memo.map(&doc, f).to_vec()
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

    /// A checker that reports every "※" with a related span at the first
    /// one, and sees nothing else: paragraphs without "※" are inert.
    fn marks(text: &str, memo: &Unaffected, calls: &AtomicUsize) -> Vec<Finding> {
        let paras = paragraphs(text);
        let doc = DocView {
            text,
            paragraphs: &paras,
            keys: None,
        };
        let rule: std::sync::Arc<str> = "test.mark".into();
        let mut out = Vec::new();
        memo.check(
            &doc,
            |i| match paras[i].text {
                t if t.contains('※') => Relevance::Relevant,
                // Like a blank line to the outline: it matters only before a mark.
                "" => Relevance::InertBeforeInert,
                _ => Relevance::Inert,
            },
            |out| {
                calls.fetch_add(1, Ordering::Relaxed);
                let at: Vec<usize> = text.match_indices('※').map(|(i, _)| i).collect();
                for &i in &at {
                    let mut f =
                        Finding::new(&rule, crate::finding::Severity::Info, i..i + 3, "※".into())
                            .with_replacement("");
                    f.related.push(crate::finding::Related {
                        file: None,
                        span: at[0]..at[0] + 3,
                        line: None,
                        message: String::new(),
                    });
                    out.push(f);
                }
            },
            &mut out,
        );
        out
    }

    /// How many times `check` ran [`marks`] afresh for `text` (counted in
    /// `calls`; 0 when it reused its last findings), asserting that its
    /// findings equal a fresh check's.
    fn checks_afresh(
        text: &str,
        calls: &AtomicUsize,
        check: impl FnOnce() -> Vec<Finding>,
    ) -> usize {
        let before = calls.load(Ordering::Relaxed);
        let got = check();
        assert_eq!(
            got,
            marks(text, &Unaffected::default(), &AtomicUsize::new(0)),
            "{text}"
        );
        calls.load(Ordering::Relaxed) - before
    }

    #[test]
    fn findings_are_reused_shifted_after_edits_in_inert_paragraphs_only() {
        enable();
        let memo = Unaffected::default();
        let calls = AtomicUsize::new(0);
        let checked = |text: &str| checks_afresh(text, &calls, || marks(text, &memo, &calls));
        assert_eq!(checked("甲※\n乙\n丙※丙\n丁"), 1);
        // Typing in inert paragraphs, before, between and after the marks.
        assert_eq!(checked("甲※\n乙乙\n丙※丙\n丁"), 0);
        assert_eq!(checked("甲※\n乙乙\n丙※丙\n丁丁丁"), 0);
        // Emptied before a mark: the checker says that may matter.
        assert_eq!(checked("甲※\n\n丙※丙\n丁丁丁"), 1);
        // A mark typed, edited next to, removed: checked again.
        assert_eq!(checked("甲※\n※\n丙※丙\n丁丁丁"), 1);
        assert_eq!(checked("甲※\n※\n丙※丙丙\n丁丁丁"), 1);
        assert_eq!(checked("甲※\n乙\n丙※丙丙\n丁丁丁"), 1);
        // A paragraph added or removed: checked again.
        assert_eq!(checked("甲※\n乙\n丙※丙丙\n丁丁丁\n戊"), 1);
        assert_eq!(checked("甲※\n乙\n丙※丙丙\n丁丁丁"), 1);
        // Line ends changed around unchanged paragraphs: checked again.
        assert_eq!(checked("甲※\r\n乙\n丙※丙丙\n丁丁丁"), 1);
        assert_eq!(checked("甲※\r\n乙乙\n丙※丙丙\n丁丁丁"), 0);
    }

    #[test]
    fn lines_inert_before_inert_paragraphs_are_reused_there_only() {
        enable();
        let memo = Unaffected::default();
        let calls = AtomicUsize::new(0);
        let checked = |text: &str| checks_afresh(text, &calls, || marks(text, &memo, &calls));
        assert_eq!(checked("甲※\n乙\n\n丁\n丙※"), 1);
        // An empty line filled and emptied again before an inert paragraph.
        assert_eq!(checked("甲※\n乙\n戊\n丁\n丙※"), 0);
        assert_eq!(checked("甲※\n乙\n\n丁\n丙※"), 0);
        // The empty line moved: it now comes before the one it came after.
        assert_eq!(checked("甲※\n乙\n丁\n\n丙※"), 1);
        // Filled before a mark, and an empty last line filled.
        assert_eq!(checked("甲※\n乙\n丁\n戊\n丙※"), 1);
        assert_eq!(checked("甲※\n乙\n丁\n戊\n丙※\n"), 1);
        assert_eq!(checked("甲※\n乙\n丁\n戊\n丙※\n己"), 1);
    }

    /// [`marks`] with its findings moved along when a paragraph's marks kept
    /// their order and only moved, by the marks' positions before the edit.
    fn moving_marks(
        text: &str,
        memo: &Unaffected,
        before: &Mutex<FxHashMap<u64, Vec<usize>>>,
        calls: &AtomicUsize,
    ) -> Vec<Finding> {
        let paras = paragraphs(text);
        let doc = DocView {
            text,
            paragraphs: &paras,
            keys: None,
        };
        let marks_in = |t: &str| t.match_indices('※').map(|(i, _)| i).collect::<Vec<_>>();
        let mut out = Vec::new();
        memo.check_moving(
            &doc,
            |i| Relevance::inert_if(!paras[i].text.contains('※')),
            |i, old_key, delta| {
                let old = before.lock().unwrap().get(&old_key)?.clone();
                let new = marks_in(paras[i].text);
                let kept = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
                let moved = old[kept..]
                    .iter()
                    .zip(&new[kept..])
                    .all(|(&a, &b)| a as i64 + delta == b as i64);
                (old.len() == new.len() && moved)
                    .then(|| old.get(kept).copied().unwrap_or(usize::MAX))
            },
            |found| found.extend(marks(text, &Unaffected::default(), calls)),
            &mut out,
        );
        let mut before = before.lock().unwrap();
        before.clear();
        for p in &paras {
            before.insert(hash_text(p.text), marks_in(p.text));
        }
        out
    }

    #[test]
    fn findings_move_with_what_a_relevant_paragraph_kept() {
        enable();
        let memo = Unaffected::default();
        let before = Mutex::default();
        let calls = AtomicUsize::new(0);
        let checked =
            |text: &str| checks_afresh(text, &calls, || moving_marks(text, &memo, &before, &calls));
        assert_eq!(checked("甲※\n乙※乙※\n丙"), 1);
        // Typed before both marks, between them, after them.
        assert_eq!(checked("甲※\n乙乙※乙※\n丙"), 0);
        assert_eq!(checked("甲※\n乙乙※乙乙※\n丙"), 0);
        assert_eq!(checked("甲※\n乙乙※乙乙※乙\n丙"), 0);
        // A mark more, a mark less, two paragraphs changed: checked again.
        assert_eq!(checked("甲※\n乙乙※乙乙※※乙\n丙"), 1);
        assert_eq!(checked("甲※\n乙乙※乙乙乙\n丙"), 1);
        assert_eq!(checked("甲※乙\n乙※乙乙乙\n丙"), 1);
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
