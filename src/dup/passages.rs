//! Duplicated passages inside one document.
//!
//! 1. Each paragraph is normalised and winnowed ([`paragraph_prints`](super::paragraph_prints), cacheable).
//! 2. The paragraphs' characters are concatenated into one stream, so a copy that
//!    was re-wrapped into different lines still lines up with its source.
//! 3. Fingerprints are paired with earlier occurrences of the same hash (only the
//!    first [`CANDIDATES`] occurrences are remembered, which keeps a text made of
//!    hundreds of copies linear): from a table built for the search
//!    (`occurrences`), or from an index the language server keeps
//!    between edits (`print_index`).
//! 4. Each pair is verified against the characters and extended to a maximal exact
//!    piece. Stretches already explained by a long piece are not searched again,
//!    and a piece is never re-extended on a diagonal that already covers it
//!    (the `pieces` module, which the language server resumes where an edit
//!    changed the stream).
//! 5. Pieces are chained across small edits and merged into passages
//!    ([`super::align`]).

use std::ops::Range;

use super::align::{chain, select, AlignParams, Run};
use super::fingerprint::{fold, prints_of, ParagraphPrints, Winnow};
use super::occurrences::{Earlier, OccurrenceBuffers, Occurrences};
use super::pieces::{pieces, Resume, ScanMemo};
use super::print_index::PrintIndex;
use super::widen_memo::{Change, WidenMemo, Widened};
use crate::document::Paragraph;

pub use super::occurrences::CANDIDATES;

/// Detector settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PassageParams {
    /// Shortest passage reported, in characters (letters, digits and CJK
    /// characters; punctuation and spaces are not counted).
    pub min_chars: usize,
    /// Lowest similarity (0–1) between the two copies.
    pub similarity: f64,
    /// Largest edit bridged inside one passage, in characters (an inserted
    /// sentence, a rewritten clause).
    pub max_gap: usize,
    /// Largest stretch of new text between two copied parts that still makes
    /// them one passage.
    pub merge_gap: usize,
}

impl Default for PassageParams {
    fn default() -> Self {
        PassageParams {
            min_chars: 50,
            similarity: 0.8,
            max_gap: 80,
            merge_gap: 120,
        }
    }
}

impl PassageParams {
    pub(crate) fn align(&self, same_text: bool) -> AlignParams {
        AlignParams {
            min_chars: self.min_chars.max(1) as u32,
            similarity: self.similarity,
            max_gap: self.max_gap as u32,
            merge_gap: self.merge_gap as u32,
            same_text,
        }
    }
}

/// A passage found twice: `later` repeats `earlier` (byte ranges in the text).
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub earlier: Range<usize>,
    pub later: Range<usize>,
    /// Normalised characters in each copy, and how many of them are shared.
    pub earlier_chars: usize,
    pub later_chars: usize,
    pub matched: usize,
    pub similarity: f64,
}

/// The document as one normalised stream.
#[derive(Default)]
pub(crate) struct Stream {
    pub chars: Vec<u32>,
    /// Index in `chars` where each paragraph starts.
    pub para_base: Vec<u32>,
}

/// Where the stream's characters are in the text: the paragraphs and their
/// reductions the stream was built from. (Not an offset per character in the
/// stream, which every edit would have to shift.)
struct Located<'a, N> {
    text: &'a str,
    paragraphs: &'a [Paragraph<'a>],
    norms: &'a [N],
}

impl<N: std::ops::Deref<Target = ParagraphNorm>> Located<'_, N> {
    /// Byte offset in the text of stream character `i`.
    fn byte_at(&self, stream: &Stream, i: u32) -> usize {
        // The last paragraph starting at or before `i` holds it (an empty one
        // starts where the next does).
        let para = stream.para_base.partition_point(|&b| b <= i) - 1;
        let within = (i - stream.para_base[para]) as usize;
        self.paragraphs[para].start + self.norms[para].at[within] as usize
    }

    /// Byte range of normalised characters `from..to`, widened over opening
    /// punctuation before it and closing punctuation that ends the copy (a
    /// sentence's 。 or a closing quote).
    fn byte_range(&self, stream: &Stream, from: u32, to: u32) -> Range<usize> {
        let text = self.text;
        let mut start = self.byte_at(stream, from);
        for c in text[..start].chars().rev() {
            if matches!(c, '“' | '‘' | '（' | '《' | '「' | '『' | '【' | '(' | '"') {
                start -= c.len_utf8();
            } else {
                break;
            }
        }
        let last = self.byte_at(stream, to - 1);
        let mut end = last + text[last..].chars().next().map_or(0, char::len_utf8);
        for c in text[end..].chars() {
            if matches!(
                c,
                '。' | '！'
                    | '？'
                    | '；'
                    | '”'
                    | '’'
                    | '）'
                    | '》'
                    | '」'
                    | '』'
                    | '】'
                    | '…'
                    | '.'
                    | '!'
                    | '?'
                    | ';'
                    | ')'
                    | '"'
            ) {
                end += c.len_utf8();
            } else {
                break;
            }
        }
        start..end
    }
}

/// Finds duplicated passages in a document, fingerprinting its paragraphs.
pub fn find_passages(
    text: &str,
    paragraphs: &[Paragraph<'_>],
    params: &PassageParams,
) -> Vec<Passage> {
    let norms: Vec<ParagraphNorm> = paragraphs
        .iter()
        .map(|p| ParagraphNorm::new(p.text))
        .collect();
    let norms: Vec<&ParagraphNorm> = norms.iter().collect();
    find_passages_from(text, paragraphs, &norms, params)
}

/// One paragraph reduced for the passage detector: its normalised characters,
/// their byte offsets in the paragraph, and its fingerprints. A pure function of
/// the paragraph's text, which callers may cache ([`find_passages_from`]).
#[derive(Debug, Clone, Default)]
pub struct ParagraphNorm {
    pub chars: Vec<u32>,
    pub at: Vec<u32>,
    pub prints: ParagraphPrints,
}

impl ParagraphNorm {
    pub fn new(text: &str) -> ParagraphNorm {
        let mut chars = Vec::with_capacity(text.len() / 3 + 1);
        let mut at = Vec::with_capacity(text.len() / 3 + 1);
        for (i, c) in text.char_indices() {
            if let Some(ch) = fold(c) {
                chars.push(ch);
                at.push(i as u32);
            }
        }
        let prints = prints_of(&chars, Winnow::DOCUMENT);
        ParagraphNorm { chars, at, prints }
    }
}

/// Same as [`find_passages`], from per-paragraph reductions (one per paragraph,
/// each `ParagraphNorm::new(paragraph.text)`), so only the pairing is redone.
pub fn find_passages_from<N: std::ops::Deref<Target = ParagraphNorm>>(
    text: &str,
    paragraphs: &[Paragraph<'_>],
    norms: &[N],
    params: &PassageParams,
) -> Vec<Passage> {
    find_passages_reusing(
        text,
        paragraphs,
        norms,
        None,
        params,
        &mut PassageScratch::default(),
    )
}

/// The detector's large working buffers (the document as one stream, the
/// occurrence table), kept between calls by a caller that checks the same
/// document again and again: allocating and first touching megabytes on
/// every keystroke cost the language server more than filling them.
#[derive(Default)]
pub struct PassageScratch {
    stream: Stream,
    /// The keys of the paragraphs `stream` was built from, when the caller
    /// gave them: the next search splices in only the paragraphs between
    /// the equal keys at both ends.
    keys: Vec<u64>,
    /// The runs the last search selected, with its settings: a function of
    /// the stream's characters and paragraph starts alone, so an edit that
    /// changed neither (punctuation typed, which normalisation drops) reuses
    /// them and only maps them to the text again.
    selected: Option<(PassageParams, Vec<Run>)>,
    /// Whether the last search reused `selected`, for tests.
    selection_reused: bool,
    occurrences: OccurrenceBuffers,
    /// With keys: every fingerprint's occurrences, updated from the spliced
    /// paragraphs (the occurrence table is then not used).
    index: Option<PrintIndex>,
    widened: WidenMemo,
    /// With keys: the last piece scan, resumed where the stream changed.
    scan: ScanMemo,
}

impl PassageScratch {
    /// How many runs the last search widened from memory, for tests.
    pub fn widenings_reused(&self) -> usize {
        self.widened.hits
    }

    /// Whether the last search found the stream unchanged and reused the
    /// runs selected before, for tests.
    pub fn selection_reused(&self) -> bool {
        self.selection_reused
    }

    /// How many pieces the last search's scan took over from the one
    /// before, for tests.
    pub fn pieces_replayed(&self) -> usize {
        self.scan.replayed()
    }
}

/// [`find_passages_from`], with buffers kept in `scratch`. With `keys` (a hash
/// of each paragraph's text, as the language server has them), the stream of
/// the last search is reused: only the paragraphs between the unchanged ones
/// at both ends are spliced in, and the stretch the edit changed is found by
/// comparing those alone.
pub fn find_passages_reusing<N: std::ops::Deref<Target = ParagraphNorm>>(
    text: &str,
    paragraphs: &[Paragraph<'_>],
    norms: &[N],
    keys: Option<&[u64]>,
    params: &PassageParams,
    scratch: &mut PassageScratch,
) -> Vec<Passage> {
    assert_eq!(paragraphs.len(), norms.len(), "one reduction per paragraph");
    let all_prints: Vec<&ParagraphPrints> = norms.iter().map(|n| &n.prints).collect();
    // With keys, where the stream is unchanged since the last scan.
    let mut unchanged = None;
    let (change, same_paragraphs) = match keys {
        // The index exists only after a search with keys, which left them
        // in `scratch.keys` for the stream it built.
        Some(keys) if scratch.index.is_some() => {
            assert_eq!(keys.len(), paragraphs.len(), "one key per paragraph");
            let (head, tail) = crate::rules::memo::common_ends(&scratch.keys, keys);
            let old_count = scratch.keys.len() - tail - head;
            let spliced = splice_stream(&mut scratch.stream, norms, head, tail);
            let index = scratch.index.as_mut().expect("matched above");
            index.splice(head, old_count, &all_prints[head..keys.len() - tail]);
            scratch.keys.clear();
            scratch.keys.extend_from_slice(keys);
            let stream = &scratch.stream;
            unchanged = Some(
                stream
                    .para_base
                    .get(head)
                    .map_or(stream.chars.len() as u32, |&b| b),
            );
            spliced
        }
        // A new document (or one without keys, as `check` gives them): all
        // of its stream counts as changed, and nothing is remembered across.
        _ => {
            rebuild_stream(&mut scratch.stream, norms);
            scratch.keys.clear();
            scratch.index = keys.map(|keys| {
                unchanged = Some(0);
                scratch.keys.extend_from_slice(keys);
                let mut index = scratch.index.take().unwrap_or_default();
                index.rebuild(&all_prints);
                index
            });
            (Change::all(scratch.stream.chars.len()), false)
        }
    };
    scratch.selection_reused = same_paragraphs
        && change.is_empty()
        && scratch
            .selected
            .as_ref()
            .is_some_and(|(last, _)| last == params);
    let runs = match &scratch.selected {
        Some((_, runs)) if scratch.selection_reused => runs.clone(),
        _ => {
            let (mut from_index, mut from_table);
            let occurrences: &mut dyn Earlier = match &scratch.index {
                Some(index) => {
                    from_index = index.occurrences(&scratch.stream.para_base);
                    &mut from_index
                }
                None => {
                    from_table =
                        Occurrences::new(&scratch.stream, &all_prints, &mut scratch.occurrences);
                    &mut from_table
                }
            };
            let resume = unchanged.map(|unchanged| Resume {
                memo: &mut scratch.scan,
                unchanged,
            });
            let runs = selected_runs(
                &scratch.stream,
                occurrences,
                params,
                &mut scratch.widened,
                change,
                resume,
            );
            scratch.selected = Some((*params, runs.clone()));
            runs
        }
    };
    let located = Located {
        text,
        paragraphs,
        norms,
    };
    passages_of(&located, &scratch.stream, &runs)
}

/// Appends paragraphs' normalised characters and their first indices to `stream`.
fn push_paragraphs<N: std::ops::Deref<Target = ParagraphNorm>>(stream: &mut Stream, norms: &[N]) {
    for norm in norms {
        stream.para_base.push(stream.chars.len() as u32);
        stream.chars.extend_from_slice(&norm.chars);
    }
}

fn rebuild_stream<N: std::ops::Deref<Target = ParagraphNorm>>(stream: &mut Stream, norms: &[N]) {
    stream.chars.clear();
    stream.para_base.clear();
    push_paragraphs(stream, norms);
}

/// Replaces the paragraphs of the last stream between its first `head` and
/// last `tail` ones (equal to this document's, by key) with this document's,
/// shifting what follows; returns the stretch of the stream that changed, and
/// whether every paragraph still starts where it did in the stream.
fn splice_stream<N: std::ops::Deref<Target = ParagraphNorm>>(
    stream: &mut Stream,
    norms: &[N],
    head: usize,
    tail: usize,
) -> (Change, bool) {
    let (old_n, new_n) = (stream.para_base.len(), norms.len());
    let old_len = stream.chars.len();
    let start = stream.para_base.get(head).map_or(old_len, |&b| b as usize);
    let old_end = if tail == 0 {
        old_len
    } else {
        stream.para_base[old_n - tail] as usize
    };
    let mut middle = Stream::default();
    push_paragraphs(&mut middle, &norms[head..new_n - tail]);
    // The edit changed the stream only between the unchanged paragraphs.
    let change = Change::between(&stream.chars[start..old_end], &middle.chars).after(start);
    // The characters after the middle moved by this many places.
    let char_shift = middle.chars.len() as i64 - (old_end - start) as i64;
    stream.chars.splice(start..old_end, middle.chars);
    let bases = middle.para_base.iter().map(|&b| b + start as u32);
    let same_paragraphs = old_n == new_n
        && bases
            .clone()
            .eq(stream.para_base[head..old_n - tail].iter().copied());
    stream.para_base.splice(head..old_n - tail, bases);
    for base in &mut stream.para_base[new_n - tail..] {
        *base = (*base as i64 + char_shift) as u32;
    }
    (change, same_paragraphs)
}

/// The runs reported, in stream coordinates: a function of the stream's
/// characters and paragraph starts, the fingerprints and the settings.
fn selected_runs(
    stream: &Stream,
    occurrences: &mut dyn Earlier,
    params: &PassageParams,
    memo: &mut WidenMemo,
    change: Change,
    resume: Option<Resume<'_>>,
) -> Vec<Run> {
    let align = params.align(true);
    let k = Winnow::DOCUMENT.k;
    let mut pieces = pieces(stream, occurrences, k, align.min_chars, resume);
    let mut runs = chain(&mut pieces, &align);
    // Widenings the last search made are looked up first; the rest are
    // computed independently, and a long document's first search has
    // hundreds (a copy against each earlier copy), worth spreading over the
    // pool. After an edit only a few are left, and waking the pool for them
    // cost more than it saved. Snapping to paragraph ends is not remembered:
    // it depends on where the paragraphs start, and is cheap.
    memo.begin(change, params.similarity);
    let mut widened: Vec<(usize, Widened, bool)> = Vec::with_capacity(runs.len());
    let mut missing: Vec<usize> = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if run.matched * 2 < align.min_chars {
            continue;
        }
        match memo.get(run) {
            Some(known) => widened.push((i, known, true)),
            None => missing.push(i),
        }
    }
    let refine_run = |&i: &usize| (i, refine(&stream.chars, &runs[i], params.similarity), false);
    if missing.len() >= 64 {
        use rayon::prelude::*;
        widened.par_extend(missing.par_iter().with_min_len(16).map(refine_run));
    } else {
        widened.extend(missing.iter().map(refine_run));
    }
    memo.finish(
        widened
            .iter()
            .map(|&(i, w, hit)| (runs[i], w, hit))
            .collect(),
    );
    for (i, w, _) in widened {
        runs[i] = w.run;
        snap_to_paragraphs(stream, &mut runs[i]);
    }
    select(runs, &align, Run::similarity)
}

fn passages_of<N: std::ops::Deref<Target = ParagraphNorm>>(
    located: &Located<'_, N>,
    stream: &Stream,
    runs: &[Run],
) -> Vec<Passage> {
    runs.iter()
        .map(|r| to_passage(located, stream, r))
        .filter(|p| !headings_only(&located.text[p.later.clone()]))
        .collect()
}

/// Whether a stretch is only title-like lines: short, without sentence-final
/// punctuation. Compilations and long reports repeat their titles by design (a
/// cover title, "篇1" headings, a table of contents), which is no pasting slip.
fn headings_only(text: &str) -> bool {
    text.lines().all(|line| {
        line.chars()
            .filter(|&c| super::fingerprint::fold(c).is_some())
            .count()
            <= 60
            && !line.contains(['。', '！', '？', '；', '!', '?', ';'])
    })
}

/// Characters skipped on either side when looking for where two copies agree
/// again after an edit too short to carry a fingerprint.
const RESYNC_SKIP: u32 = 12;
/// Characters that must agree for a resynchronisation to count.
const ANCHOR: u32 = 4;

/// Widens a run at both ends across small edits (我院 → 嘉善县法院) that left
/// pieces too short to be fingerprinted: exact extension, then a search for the
/// nearest place where [`ANCHOR`] characters agree again, repeated while the
/// added stretch stays at least as similar as required.
fn refine(s: &[u32], input: &Run, similarity: f64) -> Widened {
    let mut run = *input;
    let n = s.len() as u32;
    // Forward.
    let (mut a, mut b) = (run.a1, run.b1);
    let (mut gain, mut skipped) = (0u32, 0u32);
    let mut best = (a, b, 0u32);
    loop {
        let step = common_prefix(s, a, b, (n.saturating_sub(b)).min(run.b0.saturating_sub(a)));
        a += step;
        b += step;
        gain += step;
        if 2.0 * gain as f64 >= similarity * (2 * gain + skipped) as f64 && gain > best.2 {
            best = (a, b, gain);
        }
        let anchor = |i: u32, j: u32| {
            a + i + ANCHOR <= run.b0 && b + j + ANCHOR <= n && same(s, a + i, b + j, ANCHOR)
        };
        match resync(anchor) {
            Some((i, j)) => {
                a += i;
                b += j;
                skipped += i + j;
            }
            None => break,
        }
    }
    let forward_end = (a, b);
    run.a1 = best.0;
    run.b1 = best.1;
    run.matched += best.2;
    // Backward.
    let (mut a, mut b) = (run.a0, run.b0);
    let (mut gain, mut skipped) = (0u32, 0u32);
    let mut best = (a, b, 0u32);
    loop {
        let step = common_suffix(s, a, b, a.min(b.saturating_sub(run.a1)));
        a -= step;
        b -= step;
        gain += step;
        if 2.0 * gain as f64 >= similarity * (2 * gain + skipped) as f64 && gain > best.2 {
            best = (a, b, gain);
        }
        let anchor = |i: u32, j: u32| {
            a >= i + ANCHOR
                && b >= j + ANCHOR + run.a1
                && same(s, a - i - ANCHOR, b - j - ANCHOR, ANCHOR)
        };
        match resync(anchor) {
            Some((i, j)) => {
                a -= i;
                b -= j;
                skipped += i + j;
            }
            None => break,
        }
    }
    let backward_end = (a, b);
    run.a0 = best.0;
    run.b0 = best.1;
    run.matched += best.2;
    // Everything decided the result lies within these bounds: the mismatch
    // that ended each exact stretch, and anchors probed up to RESYNC_SKIP +
    // ANCHOR characters beyond it.
    const MARGIN: u32 = RESYNC_SKIP + ANCHOR + 1;
    Widened {
        run,
        read_a: (
            backward_end.0.saturating_sub(MARGIN),
            forward_end.0 + MARGIN,
        ),
        read_b: (
            backward_end.1.saturating_sub(MARGIN),
            forward_end.1 + MARGIN,
        ),
    }
}

/// Widens a run to the start (end) of its paragraphs when both copies start
/// (end) within a few characters of one: pastes take whole paragraphs, and an
/// edit there ("第二篇" → "第三篇", "近年来，我院" → "近年来，嘉善县法院")
/// should not leave a ragged edge. Only characters that agree count as matched.
fn snap_to_paragraphs(stream: &Stream, run: &mut Run) {
    let s = &stream.chars;
    let n = s.len() as u32;
    let start_of = |p: u32| {
        let i = stream.para_base.partition_point(|&x| x <= p);
        stream.para_base[i.saturating_sub(1)]
    };
    let end_of = |p: u32| {
        let i = stream.para_base.partition_point(|&x| x <= p);
        stream.para_base.get(i).copied().unwrap_or(n)
    };
    let (sa, sb) = (start_of(run.a0), start_of(run.b0));
    let (da, db) = (run.a0 - sa, run.b0 - sb);
    if (da > 0 || db > 0) && da <= RESYNC_SKIP && db <= RESYNC_SKIP && sb >= run.a1 {
        let same = (0..da.min(db))
            .take_while(|&i| s[(sa + i) as usize] == s[(sb + i) as usize])
            .count() as u32;
        run.a0 = sa;
        run.b0 = sb;
        run.matched += same;
    }
    let (ea, eb) = (end_of(run.a1 - 1), end_of(run.b1 - 1));
    let (da, db) = (ea - run.a1, eb - run.b1);
    if (da > 0 || db > 0) && da <= RESYNC_SKIP && db <= RESYNC_SKIP && ea <= run.b0 {
        let same = (1..=da.min(db))
            .take_while(|&i| s[(ea - i) as usize] == s[(eb - i) as usize])
            .count() as u32;
        run.a1 = ea;
        run.b1 = eb;
        run.matched += same;
    }
}

/// Lanes compared at once when extending a match: long copies make these
/// extensions the detector's inner loop.
const LANES: usize = 16;

/// How many characters from `a` and from `b` agree, at most `limit`.
pub(super) fn common_prefix(s: &[u32], a: u32, b: u32, limit: u32) -> u32 {
    let (a, b, limit) = (a as usize, b as usize, limit as usize);
    agreeing_prefix(&s[a..a + limit], &s[b..b + limit]) as u32
}

/// How many characters before `a` and before `b` agree, at most `limit`.
pub(super) fn common_suffix(s: &[u32], a: u32, b: u32, limit: u32) -> u32 {
    let (a, b, limit) = (a as usize, b as usize, limit as usize);
    agreeing_suffix(&s[a - limit..a], &s[b - limit..b]) as u32
}

/// How many leading elements of two slices agree.
pub(crate) fn agreeing_prefix(x: &[u32], y: &[u32]) -> usize {
    let len = x.len().min(y.len());
    let mut i = 0;
    while i + LANES <= len && differ(&x[i..i + LANES], &y[i..i + LANES]) == 0 {
        i += LANES;
    }
    while i < len && x[i] == y[i] {
        i += 1;
    }
    i
}

/// How many trailing elements of two slices agree.
pub(crate) fn agreeing_suffix(x: &[u32], y: &[u32]) -> usize {
    let len = x.len().min(y.len());
    let (x, y) = (&x[x.len() - len..], &y[y.len() - len..]);
    let mut i = len;
    while i >= LANES && differ(&x[i - LANES..i], &y[i - LANES..i]) == 0 {
        i -= LANES;
    }
    while i > 0 && x[i - 1] == y[i - 1] {
        i -= 1;
    }
    len - i
}

/// Whether the `len` characters from `a` and from `b` agree. The first
/// character is compared alone first: resynchronisation tries hundreds of
/// offsets that almost all differ there, and a library `memcmp` call per try
/// cost more than the comparisons.
pub(super) fn same(s: &[u32], a: u32, b: u32, len: u32) -> bool {
    let (a, b, len) = (a as usize, b as usize, len as usize);
    s[a] == s[b] && differ(&s[a + 1..a + len], &s[b + 1..b + len]) == 0
}

/// Non-zero when the slices differ somewhere (branch-free, so it vectorises).
fn differ(x: &[u32], y: &[u32]) -> u32 {
    x.iter().zip(y).fold(0, |acc, (p, q)| acc | (p ^ q))
}

/// The smallest skips `(i, j)` (by `i + j`, at most [`RESYNC_SKIP`] each, not both
/// zero) at which `agree` holds.
fn resync(agree: impl Fn(u32, u32) -> bool) -> Option<(u32, u32)> {
    for total in 1..=2 * RESYNC_SKIP {
        for i in total.saturating_sub(RESYNC_SKIP)..=total.min(RESYNC_SKIP) {
            if agree(i, total - i) {
                return Some((i, total - i));
            }
        }
    }
    None
}

fn to_passage<N: std::ops::Deref<Target = ParagraphNorm>>(
    located: &Located<'_, N>,
    stream: &Stream,
    run: &Run,
) -> Passage {
    Passage {
        earlier: located.byte_range(stream, run.a0, run.a1),
        later: located.byte_range(stream, run.b0, run.b1),
        earlier_chars: run.a_len() as usize,
        later_chars: run.b_len() as usize,
        matched: run.matched as usize,
        similarity: run.similarity(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::paragraphs;

    fn find(text: &str) -> Vec<Passage> {
        find_passages(text, &paragraphs(text), &PassageParams::default())
    }

    const P1: &str = "近年来，我院强化审判监督和案件质量管理的工作取得了明显成效，得到了上级法院的充分肯定，案件质量评查机制已经成为我院审判管理的重要抓手。";
    const P2: &str = "二是加强廉政监督。从案件质量评查中，主动发现违法违纪线索，对承办法官的廉洁、公正情况进行评查，并随案卷移送纪检监察部门依法处理。";

    #[test]
    fn exact_copy_is_one_passage_pointing_back() {
        let text = format!("{P1}\n其他内容，与前文无关的一段话。\n{P1}\n");
        let found = find(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        assert_eq!(&text[p.earlier.clone()], P1);
        assert_eq!(&text[p.later.clone()], P1);
        assert!(p.later.start > p.earlier.end);
        assert_eq!(p.similarity, 1.0);
    }

    #[test]
    fn rewrapped_and_repunctuated_copy_matches() {
        let (head, tail) = P1.split_at(P1.find("得到").unwrap());
        let text = format!(
            "{head}\n{tail}\n插入一段完全不同的说明文字。\n{}\n",
            P1.replace('，', " ")
        );
        let found = find(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].earlier.start, 0);
        assert_eq!(found[0].similarity, 1.0);
    }

    #[test]
    fn near_copy_with_a_place_name_swapped() {
        let copy = P1.replace("我院", "嘉善县法院");
        let text = format!("{P1}\n{P2}\n{copy}\n");
        let found = find(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].later.clone()], copy);
        assert!(found[0].similarity < 1.0 && found[0].similarity > 0.9);
    }

    #[test]
    fn near_copy_with_a_sentence_inserted() {
        let (head, tail) = P2.split_at(P2.find("对承办").unwrap());
        let copy = format!("{head}今年共发现问题线索十二条，均已按规定移交处理。{tail}");
        let text = format!("{P2}\n{P1}\n{copy}\n");
        let found = find(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].later.clone()], copy);
        assert_eq!(found[0].earlier.start, 0);
    }

    #[test]
    fn minimum_length_is_respected_and_configurable() {
        let short = "案件质量评查机制已经成为我院审判管理的重要抓手，取得了明显成效。"; // 30 characters
        let text = format!("{short}\n{P1}\n{short}\n");
        let found = find(&text);
        // Only the shared sentence inside P1 and the copies of `short` overlap;
        // nothing reaches 50 characters.
        assert!(found.is_empty(), "{found:?}");
        let params = PassageParams {
            min_chars: 25,
            ..PassageParams::default()
        };
        let found = find_passages(&text, &paragraphs(&text), &params);
        assert!(!found.is_empty());
        let last = found.last().unwrap();
        assert_eq!(&text[last.later.clone()], short);
    }

    /// Distinct pseudo-random Chinese text of `n` characters, with punctuation.
    pub(crate) fn filler(seed: u64, n: usize) -> String {
        const POOL: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世车";
        let pool: Vec<char> = POOL.chars().collect();
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut out = String::new();
        for i in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.push(pool[(x >> 33) as usize % pool.len()]);
            if i % 17 == 16 {
                out.push('，');
            }
        }
        out.push('。');
        out
    }

    #[test]
    fn stock_phrases_never_fire() {
        let speech = |seed: u64, topic: &str| {
            format!(
                "同志们：\n今天，我们召开{topic}，主要任务是总结工作、部署任务。{}\n下面，我讲几点意见。\n一、提高认识，统一思想\n{}\n二、突出重点，狠抓落实\n{}\n同志们，让我们以习近平新时代中国特色社会主义思想为指导，{}\n谢谢大家！\n",
                filler(seed, 40),
                filler(seed + 1, 120),
                filler(seed + 2, 150),
                filler(seed + 3, 30),
            )
        };
        let text = format!(
            "{}{}{}",
            speech(1, "全县安全生产工作会议"),
            speech(10, "全市文明城市创建推进会"),
            speech(20, "全区优化营商环境大会")
        );
        let found = find(&text);
        assert!(
            found.is_empty(),
            "{:?}",
            found
                .iter()
                .map(|p| &text[p.later.clone()])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn repeated_titles_are_not_passages() {
        let title = "在2021年争创全国法治政府建设示范县推进会议上的讲话";
        let text = format!(
            "{title}\n\n2024-11-21\n\n{title}(共5篇)\n\n{title} 篇1\n\n{title}\n\n{}\n",
            filler(7, 80)
        );
        assert!(find(&text).is_empty(), "{:?}", find(&text));
    }

    #[test]
    fn three_copies_each_point_at_the_first() {
        let text = format!("{P1}\n甲方说明。\n{P1}\n乙方说明，完全不同。\n{P1}\n");
        let found = find(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        for p in &found {
            assert_eq!(p.earlier, 0..P1.len());
        }
        assert!(found[0].later.start < found[1].later.start);
        // Back to back, too.
        let text = format!("{P1}{P1}{P1}");
        let found = find(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|p| p.earlier.start == 0));
    }

    #[test]
    fn a_section_pasted_twice_is_one_passage() {
        let section: String = (0..20)
            .map(|i| format!("（{i}）{}\n", filler(100 + i, 40 + (i as usize * 7) % 60)))
            .collect();
        // The copy: two paragraphs reworded a little, one dropped, one added.
        let mut lines: Vec<String> = section.lines().map(str::to_owned).collect();
        lines[3] = lines[3].replacen('的', "之", 2);
        lines[9] = format!("{}另外补充一句话。", lines[9]);
        lines.remove(14);
        lines.insert(17, filler(999, 30));
        let copy = lines.join("\n");
        let text = format!("第一节\n{section}第二节，另写的内容。\n{copy}\n");
        let found = find(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        let second = text.find("第二节").unwrap();
        assert!(found[0].later.start > second);
        assert!(found[0].later.start - second < 40);
        assert!(text.len() - found[0].later.end < 5);
        assert_eq!(found[0].earlier.start, text.find("（0）").unwrap());
    }

    #[test]
    fn highly_repetitive_input_stays_fast_and_sane() {
        // 400 copies of one paragraph: each copy points at the first one.
        let text: String = std::iter::repeat_n(format!("{P1}\n"), 400).collect();
        let found = find(&text);
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|p| p.earlier.start == 0),
            "{:?}",
            &found[..3]
        );
        let covered: usize = found.iter().map(|p| p.later.len()).sum();
        assert!(covered >= (text.len() - P1.len()) * 9 / 10);
    }

    /// `find_passages_reusing` with `scratch` kept, and from scratch.
    fn both(text: &str, scratch: &mut PassageScratch) -> (Vec<Passage>, Vec<Passage>) {
        let paras = paragraphs(text);
        let norms: Vec<ParagraphNorm> = paras.iter().map(|p| ParagraphNorm::new(p.text)).collect();
        let norm_refs: Vec<&ParagraphNorm> = norms.iter().collect();
        let keys: Vec<u64> = paras
            .iter()
            .map(|p| crate::rules::memo::hash_text(p.text))
            .collect();
        let params = PassageParams::default();
        let kept = find_passages_reusing(text, &paras, &norm_refs, Some(&keys), &params, scratch);
        (kept, find(text))
    }

    /// A text of copies with small edits between them, for the widening memo.
    fn copies_with_edits() -> String {
        let section = format!("{P1}\n{P2}\n第三段，另有内容若干，用于拉开距离。\n");
        let edited = section
            .replace("明显成效", "显著成效")
            .replace("主动发现", "及时发现");
        format!("{section}中间一段不相干的文字。\n{edited}另一段文字。\n{section}{edited}")
    }

    #[test]
    fn widenings_are_reused_after_an_edit_elsewhere_and_equal_a_fresh_search() {
        let text = copies_with_edits();
        let mut scratch = PassageScratch::default();
        let (kept, fresh) = both(&text, &mut scratch);
        assert_eq!(kept, fresh);
        assert!(!kept.is_empty());
        assert_eq!(scratch.widenings_reused(), 0);
        // An edit at the very end reads nothing any widening read, and the
        // piece scan resumes after pieces found before it. Only pieces that
        // end before the old end can be (the last copy ran up to it and may
        // run on now), and only those found before the first that did not.
        let old_end = scratch.stream.chars.len() as u32;
        let ending_before = |scratch: &PassageScratch| {
            scratch
                .scan
                .found()
                .iter()
                .filter(|(_, piece)| piece.b + piece.len < old_end)
                .count()
        };
        let pieces_before = ending_before(&scratch);
        let edited = format!("{text}结尾新加的一句话。\n");
        let (kept, fresh) = both(&edited, &mut scratch);
        assert_eq!(kept, fresh);
        assert!(scratch.widenings_reused() > 0);
        assert!(scratch.pieces_replayed() > 0);
        assert!(scratch.pieces_replayed() <= pieces_before);
    }

    #[test]
    fn punctuation_typed_reuses_the_selection_and_equals_a_fresh_search() {
        let text = copies_with_edits();
        let mut scratch = PassageScratch::default();
        both(&text, &mut scratch);
        assert!(!scratch.selection_reused());
        // A comma changes no normalised character: the runs stay, mapped to
        // the shifted text again.
        let at = text.find("得到").unwrap();
        let edited = format!("{}，{}", &text[..at], &text[at..]);
        let (kept, fresh) = both(&edited, &mut scratch);
        assert!(scratch.selection_reused());
        assert_eq!(kept, fresh);
        assert!(!kept.is_empty());
        // A line break moves paragraph starts: searched again.
        let edited = format!("{}\n{}", &edited[..at], &edited[at..]);
        let (kept, fresh) = both(&edited, &mut scratch);
        assert!(!scratch.selection_reused());
        assert_eq!(kept, fresh);
        // A character: searched again.
        let edited = format!("{}的{}", &edited[..at], &edited[at..]);
        let (kept, fresh) = both(&edited, &mut scratch);
        assert!(!scratch.selection_reused());
        assert_eq!(kept, fresh);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// After any sequence of edits, the search with remembered widenings
        /// equals a search from scratch.
        #[test]
        fn remembered_widenings_equal_a_fresh_search(
            edits in proptest::collection::vec(
                (proptest::prelude::any::<usize>(), 0usize..30, "[审判监督，。的\n]{0,4}"),
                1..8,
            ),
        ) {
            let mut text = copies_with_edits();
            let mut scratch = PassageScratch::default();
            both(&text, &mut scratch);
            for (at, len, with) in &edits {
                let chars: Vec<(usize, char)> = text.char_indices().collect();
                let start = at % chars.len();
                let end = (start + len).min(chars.len());
                let a = chars[start].0;
                let b = chars.get(end).map_or(text.len(), |c| c.0);
                text.replace_range(a..b, with);
                let (kept, fresh) = both(&text, &mut scratch);
                proptest::prop_assert_eq!(kept, fresh);
                // The resumed scan found what a scan from the start finds.
                let mut new_scratch = PassageScratch::default();
                both(&text, &mut new_scratch);
                proptest::prop_assert_eq!(scratch.scan.found(), new_scratch.scan.found());
                // The spliced stream is the one a rebuild makes.
                let paras = paragraphs(&text);
                let norms: Vec<ParagraphNorm> =
                    paras.iter().map(|p| ParagraphNorm::new(p.text)).collect();
                let mut rebuilt = Stream::default();
                rebuild_stream(&mut rebuilt, &norms.iter().collect::<Vec<_>>());
                proptest::prop_assert_eq!(&scratch.stream.chars, &rebuilt.chars);
                proptest::prop_assert_eq!(&scratch.stream.para_base, &rebuilt.para_base);
            }
        }
    }
}
