//! Normalisation and winnowing fingerprints of one paragraph.
//!
//! Both are pure functions of the paragraph's text, so the language server can
//! cache them per paragraph and only the document-level pairing is redone on
//! every edit.

/// One normalised character: its folded value and where it came from.
///
/// Normalisation keeps letters, digits and CJK characters (full-width ASCII folded
/// to half-width, Latin lower-cased) and drops whitespace, punctuation, symbols and
/// NUL (masked Markdown), so that a copy re-punctuated or re-wrapped still matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NormChar {
    pub ch: u32,
    /// Byte offset of the original character, relative to the paragraph.
    pub at: u32,
}

/// Folds one character; `None` when it is not part of the compared text.
#[inline]
pub fn fold(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c
            .is_ascii_alphanumeric()
            .then(|| c.to_ascii_lowercase() as u32);
    }
    // CJK Unified Ideographs, the bulk of the text: all alphabetic, and the
    // generic Unicode table lookup is the slow part of normalisation.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return Some(c as u32);
    }
    let c = match c {
        // Chinese punctuation (、。《》“”…—): none of it is alphanumeric, and
        // it is frequent enough for the table lookup below to show.
        '\u{2000}'..='\u{206F}'
        | '\u{3000}'..='\u{3004}'
        | '\u{3008}'..='\u{3020}'
        | '\u{3030}'
        | '\u{303D}'..='\u{303F}' => return None,
        '\u{FF01}'..='\u{FF5E}' => {
            let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            return ascii
                .is_ascii_alphanumeric()
                .then(|| ascii.to_ascii_lowercase() as u32);
        }
        c => c,
    };
    c.is_alphanumeric().then_some(c as u32)
}

/// The normalised characters of `text`, with their byte offsets in `text`.
pub fn normalize(text: &str) -> Vec<NormChar> {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    normalize_into(text, 0, &mut out);
    out
}

/// Appends the normalised characters of `text`, offsets shifted by `base`.
pub fn normalize_into(text: &str, base: u32, out: &mut Vec<NormChar>) {
    for (i, c) in text.char_indices() {
        if let Some(ch) = fold(c) {
            out.push(NormChar {
                ch,
                at: base + i as u32,
            });
        }
    }
}

/// Winnowing settings: hash every `k`-character window, keep the minimum hash of
/// every `w` consecutive windows. Any shared run of at least `k + w - 1`
/// normalised characters is guaranteed to share a fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Winnow {
    pub k: usize,
    pub w: usize,
}

impl Winnow {
    /// Dense: used inside one document, where candidates are verified against the
    /// text. Guarantees a shared fingerprint for any common run of 15 characters,
    /// so the pieces between small edits (a place name swapped) still anchor.
    pub const DOCUMENT: Winnow = Winnow { k: 8, w: 8 };
    /// Sparse: used across files, where only fingerprints are kept (about one per
    /// 13 characters). Guarantees a shared fingerprint for any common run of 33.
    pub const CROSS_FILE: Winnow = Winnow { k: 10, w: 24 };

    /// The shortest common run guaranteed to be seen.
    pub fn guarantee(self) -> usize {
        self.k + self.w - 1
    }
}

/// A selected k-gram: its hash and the index of its first character among the
/// paragraph's normalised characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    pub hash: u64,
    pub pos: u32,
}

/// The fingerprints of one paragraph, a pure function of its text (cache by hash).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParagraphPrints {
    /// Number of normalised characters in the paragraph.
    pub len: u32,
    /// Selected fingerprints, by increasing `pos`.
    pub prints: Vec<Fingerprint>,
}

/// Fingerprints one paragraph.
pub fn paragraph_prints(text: &str, winnow: Winnow) -> ParagraphPrints {
    let chars: Vec<u32> = text.chars().filter_map(fold).collect();
    prints_of(&chars, winnow)
}

/// Fingerprints already-normalised characters.
pub fn prints_of(chars: &[u32], winnow: Winnow) -> ParagraphPrints {
    // Winnowing keeps about 2 / (w + 1) of the positions: one allocation
    // instead of a doubling series.
    let mut prints = Vec::with_capacity(2 * chars.len() / (winnow.w + 1) + 1);
    winnow_into(chars, winnow, |hash, pos| {
        prints.push(Fingerprint { hash, pos })
    });
    ParagraphPrints {
        len: chars.len() as u32,
        prints,
    }
}

const BASE: u64 = 0x0000_0100_0000_01b3;

/// Mixes a polynomial hash so its low bits are uniform (the minimum is taken
/// over them); splitmix64's finaliser.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Robust winnowing (Schleimer, Wilkerson & Aiken 2003): in every window of `w`
/// consecutive k-gram hashes the rightmost minimum is selected; a position is
/// emitted once however many windows select it. A text shorter than one full
/// window still yields its minimum, so short paragraphs are not invisible.
///
/// Linear and without data-dependent branches (van Herk / Gil-Werman): the
/// hashes are cut into blocks of `w`; a window is the tail of one block and
/// the head of the next, so its minimum is the better of a suffix minimum and
/// a prefix minimum, both computed in one pass each. (A monotonic deque does
/// the same in fewer comparisons, but its pops depend on the hashes, which
/// are random: the branch mispredictions cost more than the comparisons.)
pub fn winnow_into(chars: &[u32], winnow: Winnow, mut emit: impl FnMut(u64, u32)) {
    let Winnow { k, w } = winnow;
    if k == 0 || w == 0 || chars.len() < k {
        return;
    }
    let count = chars.len() - k + 1;
    // Each k-gram as one ordered key: the smaller key is the better pick,
    // a smaller hash or the same further right (the position is stored
    // inverted below the hash).
    WINNOW_SCRATCH.with_borrow_mut(|(prefix, suffix)| {
        kgram_keys_into(chars, k, count, suffix);
        if count < w {
            let best = suffix.iter().copied().min().unwrap();
            emit((best >> 32) as u64, u32::MAX - best as u32);
            return;
        }
        // prefix[i]: best of its block up to i; suffix[i]: best from i to its
        // block's end. Block by block: a remainder per element (a division)
        // cost more than the comparisons.
        prefix.clear();
        prefix.extend_from_slice(suffix);
        for block in prefix.chunks_mut(w) {
            for i in 1..block.len() {
                block[i] = block[i].min(block[i - 1]);
            }
        }
        for block in suffix.chunks_mut(w) {
            for i in (0..block.len() - 1).rev() {
                block[i] = block[i].min(block[i + 1]);
            }
        }
        let mut last = u32::MAX;
        for start in 0..=count - w {
            let best = prefix[start + w - 1].min(suffix[start]);
            let pos = u32::MAX - best as u32;
            if last != pos {
                emit((best >> 32) as u64, pos);
                last = pos;
            }
        }
        // A huge paragraph's buffers are not kept for the thread's lifetime.
        if suffix.capacity() > MAX_KEPT_KEYS {
            *prefix = Vec::new();
            *suffix = Vec::new();
        }
    });
}

/// 1 MB of keys per buffer: paragraphs are far shorter.
const MAX_KEPT_KEYS: usize = 1 << 16;

thread_local! {
    /// The prefix and suffix minima of [`winnow_into`], kept per thread: two
    /// allocations per paragraph showed in `check`'s profile.
    static WINNOW_SCRATCH: std::cell::RefCell<(Vec<u128>, Vec<u128>)> = std::cell::RefCell::default();
}

/// The mixed polynomial hash of each of the `count` k-grams of `chars`, as
/// `hash << 32 | !position`.
fn kgram_keys_into(chars: &[u32], k: usize, count: usize, out: &mut Vec<u128>) {
    let top = (0..k - 1).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut h = chars[..k].iter().fold(0u64, |h, &c| {
        h.wrapping_mul(BASE).wrapping_add(c as u64 + 1)
    });
    let key = |h: u64, i: usize| (mix(h) as u128) << 32 | (u32::MAX - i as u32) as u128;
    out.clear();
    out.reserve(count);
    out.push(key(h, 0));
    for i in 1..count {
        h = h
            .wrapping_sub((chars[i - 1] as u64 + 1).wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(chars[i + k - 1] as u64 + 1);
        out.push(key(h, i));
    }
}

/// Fast hasher for keys that already are well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub struct PrehashedHasher(u64);

impl std::hash::Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = mix(n as u64);
    }
}

pub type PrehashedMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<PrehashedHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Winnowing by its definition, window by window.
    fn naive_winnow(chars: &[u32], winnow: Winnow) -> Vec<(u64, u32)> {
        let Winnow { k, w } = winnow;
        if chars.len() < k {
            return Vec::new();
        }
        let hashes: Vec<u64> = chars
            .windows(k)
            .map(|g| {
                mix(g.iter().fold(0u64, |h, &c| {
                    h.wrapping_mul(BASE).wrapping_add(c as u64 + 1)
                }))
            })
            .collect();
        let mut out: Vec<(u64, u32)> = Vec::new();
        for window in 0..hashes.len().saturating_sub(w - 1).max(1) {
            let end = (window + w).min(hashes.len());
            let pos = (window..end).rev().min_by_key(|&j| hashes[j]).unwrap();
            if out.last().map(|l| l.1) != Some(pos as u32) {
                out.push((hashes[pos], pos as u32));
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn winnowing_equals_its_definition(
            chars in proptest::collection::vec(0u32..6, 0..200),
            k in 1usize..10,
            w in 1usize..12,
        ) {
            let winnow = Winnow { k, w };
            let mut got = Vec::new();
            winnow_into(&chars, winnow, |h, p| got.push((h, p)));
            proptest::prop_assert_eq!(got, naive_winnow(&chars, winnow));
        }
    }

    #[test]
    fn punctuation_shortcut_agrees_with_unicode() {
        let ranges = ['\u{2000}'..='\u{206F}', '\u{3000}'..='\u{303F}'];
        for c in ranges.into_iter().flatten() {
            assert_eq!(fold(c), c.is_alphanumeric().then_some(c as u32), "{c:?}");
        }
    }

    #[test]
    fn folds_width_case_and_drops_punctuation() {
        let a: Vec<u32> = "ＡＢｃ１２，。 \0你好！".chars().filter_map(fold).collect();
        let b: Vec<u32> = "abC12你好".chars().filter_map(fold).collect();
        assert_eq!(a, b);
        let n = normalize("甲，乙");
        assert_eq!(n.len(), 2);
        assert_eq!(n[1].at, "甲，".len() as u32);
    }

    #[test]
    fn winnowing_is_local_and_dense_enough() {
        let text =
            "近年来我院强化审判监督和案件质量管理的工作取得了明显成效得到了上级法院的充分肯定";
        let alone = paragraph_prints(text, Winnow::DOCUMENT);
        let framed = paragraph_prints(
            &format!("完全不同的开头文字{text}另一个不同的结尾"),
            Winnow::DOCUMENT,
        );
        assert!(!alone.prints.is_empty());
        // Every window of w k-grams has a fingerprint: gaps are at most w.
        for pair in alone.prints.windows(2) {
            assert!(pair[1].pos - pair[0].pos <= Winnow::DOCUMENT.w as u32);
        }
        // The interior of the shared text selects the same hashes in both.
        let inner: std::collections::HashSet<u64> = framed.prints.iter().map(|f| f.hash).collect();
        let shared = alone
            .prints
            .iter()
            .filter(|f| inner.contains(&f.hash))
            .count();
        assert!(
            shared * 2 >= alone.prints.len(),
            "{shared} of {}",
            alone.prints.len()
        );
    }

    #[test]
    fn short_paragraphs_get_one_print_and_tiny_ones_none() {
        assert_eq!(
            paragraph_prints("同志们：", Winnow::DOCUMENT).prints.len(),
            0
        );
        assert_eq!(
            paragraph_prints("力抓质量评查强化审判", Winnow::DOCUMENT)
                .prints
                .len(),
            1
        );
    }
}
