//! The Chinese lexicon compiled into the binary: ~350,000 words with frequency
//! and part-of-speech tag (the jieba dictionary, MIT, data/jieba-dict.txt) plus
//! the official-writing supplement (rules/lexicon-extra.txt), character readings
//! (from the `pinyin` crate at build time) and a hand-written look-alike table
//! (rules/lexicon-shapes.txt).
//!
//! `build.rs` lays everything out as flat little-endian tables; this module only
//! indexes into static bytes, so there is no start-up cost and pages are mapped
//! in on first touch.

pub mod hash;

use std::ops::Range;

mod meta {
    include!(concat!(env!("OUT_DIR"), "/lexicon_meta.rs"));
}
pub use meta::{TAGS, TOTAL_FREQ, WORD_COUNT};

macro_rules! table {
    ($name:ident, $file:literal) => {
        static $name: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/", $file));
    };
}
table!(WORDS, "words.bin");
table!(WORD_PAIRS, "word_pairs.bin");
table!(IDIOMS, "idioms.bin");
table!(IDIOM_PAIRS, "idiom_pairs.bin");
table!(IDIOM_SWAP, "idiom_swap.bin");
table!(KNOWN4, "known4.bin");
table!(SUB_SLOTS, "idiom_sub.bin");
table!(SWAP_SLOTS, "idiom_swapk.bin");
table!(CHARS, "chars.bin");
table!(HAN_ROWS, "han_rows.bin");
table!(WORDS2_BY_FIRST, "words2_by_first.bin");
table!(WORDS2_BY_FIRST_OFFSETS, "words2_by_first_offsets.bin");
table!(WORDS2_BY_LAST, "words2_by_last.bin");
table!(WORDS2_BY_LAST_OFFSETS, "words2_by_last_offsets.bin");
table!(SYL_OFFSETS, "syl_offsets.bin");
table!(SYL_CHARS, "syl_chars.bin");
table!(SYL_FUZZY, "syl_fuzzy.bin");
table!(SHAPES, "shapes.bin");
table!(NEAR, "idiom_near.bin");
table!(CHAR_TOKENS, "char_tokens.bin");

#[inline(always)]
fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap())
}

#[inline(always)]
fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap())
}

#[inline(always)]
fn bit(b: &[u8], i: usize) -> bool {
    b[i >> 3] & (1 << (i & 7)) != 0
}

/// Whether `c` is a CJK ideograph (the characters words are made of).
#[inline(always)]
pub fn is_han(c: u32) -> bool {
    matches!(c, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// What the lexicon knows about a character sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry(u32);

impl Entry {
    pub fn is_word(self) -> bool {
        self.0 & (1 << 30) != 0
    }
    /// Some longer word starts with this sequence.
    pub fn is_prefix(self) -> bool {
        self.0 & (1 << 31) != 0
    }
    pub fn freq(self) -> u32 {
        self.0 & ((1 << 22) - 1)
    }
    pub fn tag(self) -> &'static str {
        TAGS[((self.0 >> 22) & 63) as usize]
    }
    /// Unigram log-probability of the word.
    pub fn log_prob(self) -> f32 {
        log_prob(self.freq())
    }
}

/// Unigram log-probability for a frequency count.
pub fn log_prob(freq: u32) -> f32 {
    ((freq.max(1) as f64) / TOTAL_FREQ as f64).ln() as f32
}

/// Log-probability of a character the lexicon has no single-character word for.
pub fn unknown_log_prob() -> f32 {
    log_prob(1) - 2.0
}

/// Looks up a finished incremental hash ([`hash::step`] over the characters).
#[inline]
pub fn entry_for_hash(h: u64) -> Option<Entry> {
    let key = hash::finish(h);
    let mask = (1usize << meta::WORD_BITS) - 1;
    let fp = ((key >> 32) as u32) | 1;
    let mut i = key as usize & mask;
    loop {
        let slot = u64_at(WORDS, i);
        if slot == 0 {
            return None;
        }
        if (slot >> 32) as u32 == fp {
            return Some(Entry(slot as u32));
        }
        i = (i + 1) & mask;
    }
}

/// The entry for a character sequence, if it is a word or a word's prefix.
pub fn entry(chars: &[u32]) -> Option<Entry> {
    entry_for_hash(chars.iter().fold(hash::SEED, |h, &c| hash::step(h, c)))
}

/// The word entry for a character sequence (prefix-only entries excluded).
pub fn word(chars: &[u32]) -> Option<Entry> {
    entry(chars).filter(|e| e.is_word())
}

pub fn word_str(s: &str) -> Option<Entry> {
    let chars: Vec<u32> = s.chars().map(|c| c as u32).collect();
    word(&chars)
}

/// Calls `f(end, entry)` for every word starting at `chars[start]` (ends
/// exclusive, shortest first), walking no further than `limit`.
#[inline]
pub fn words_from(chars: &[u32], start: usize, limit: usize, mut f: impl FnMut(usize, Entry)) {
    let mut h = hash::SEED;
    for (j, &c) in chars
        .iter()
        .enumerate()
        .take(limit.min(chars.len()))
        .skip(start)
    {
        h = hash::step(h, c);
        match entry_for_hash(h) {
            Some(e) => {
                if e.is_word() {
                    f(j + 1, e);
                }
                if !e.is_prefix() {
                    return;
                }
            }
            None => return,
        }
    }
}

/// The two-character Han words with a given character at one end, by the
/// character at the other end: a few dozen sorted entries, searched without
/// touching the large word table.
#[derive(Clone, Copy)]
pub struct TwoCharWords {
    /// The character at the known end, and whether that end is the first.
    known: u32,
    known_first: bool,
    /// `other's Han index << 16 | frequency` as little-endian `u32`s, sorted.
    entries: &'static [u8],
}

impl TwoCharWords {
    /// Words whose first character is `c`, by their second.
    pub fn starting_with(c: u32) -> TwoCharWords {
        Self::of(c, true, WORDS2_BY_FIRST, WORDS2_BY_FIRST_OFFSETS)
    }

    /// Words whose second character is `c`, by their first.
    pub fn ending_with(c: u32) -> TwoCharWords {
        Self::of(c, false, WORDS2_BY_LAST, WORDS2_BY_LAST_OFFSETS)
    }

    fn of(
        c: u32,
        known_first: bool,
        entries: &'static [u8],
        offsets: &'static [u8],
    ) -> TwoCharWords {
        let entries = match hash::han_index(c) {
            Some(i) => {
                let (from, to) = (u32_at(offsets, i) as usize, u32_at(offsets, i + 1) as usize);
                &entries[from * 4..to * 4]
            }
            None => &[],
        };
        TwoCharWords {
            known: c,
            known_first,
            entries,
        }
    }

    /// The frequency of the word made with the Han character `other` at the
    /// far end, as [`word`] gives it; `None` when that is no word.
    pub fn freq(self, other: u32) -> Option<u32> {
        let pair = if self.known_first {
            [self.known, other]
        } else {
            [other, self.known]
        };
        // One bit rules out most characters (callers ask for dozens of sound-
        // and look-alikes, few of which make a word), before the search.
        if !pair_in_word(pair[0], pair[1]) {
            return None;
        }
        let key = hash::han_index(other)? as u32;
        let (mut lo, mut hi) = (0, self.entries.len() / 4);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let entry = u32_at(self.entries, mid);
            match (entry >> 16).cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    return match entry & 0xFFFF {
                        // Saturated: the word table has the exact figure.
                        0xFFFF => word(&pair).map(Entry::freq),
                        f => Some(f),
                    };
                }
            }
        }
        None
    }
}

/// False when no dictionary word contains `a` immediately followed by `b`: a
/// certain word boundary. (True may be a false positive of the bitset.)
#[inline(always)]
pub fn pair_in_word(a: u32, b: u32) -> bool {
    bit(WORD_PAIRS, hash::pair_index(a, b, meta::WORD_PAIR_BITS))
}

/// The best (maximum unigram probability) segmentation of `chars`: its log
/// probability and the word boundaries, as jieba's DAG search does it.
pub fn segment(chars: &[u32]) -> (f32, Vec<Range<usize>>) {
    segment_excluding(chars, 0..0)
}

/// [`segment`], but never taking `chars[excluded]` as one word (to score a
/// misspelling that the dictionary happens to list).
pub fn segment_excluding(chars: &[u32], excluded: Range<usize>) -> (f32, Vec<Range<usize>>) {
    let n = chars.len();
    let mut best = vec![(0f32, 0usize); n + 1];
    // Right to left: best[i] = best path over chars[i..].
    for i in (0..n).rev() {
        let single = word(&chars[i..i + 1])
            .map(|e| e.log_prob())
            .unwrap_or_else(unknown_log_prob);
        let mut b = (single + best[i + 1].0, i + 1);
        words_from(chars, i, n, |end, e| {
            if end > i + 1 && !(i == excluded.start && end == excluded.end) {
                let p = e.log_prob() + best[end].0;
                if p > b.0 {
                    b = (p, end);
                }
            }
        });
        best[i] = b;
    }
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < n {
        let end = best[i].1;
        cuts.push(i..end);
        i = end;
    }
    (best[0].0, cuts)
}

/// Log probability of the best segmentation of `chars` (0 for an empty slice).
pub fn best_path(chars: &[u32]) -> f32 {
    if chars.is_empty() {
        0.0
    } else {
        segment(chars).0
    }
}

// ---- idioms ----------------------------------------------------------------------

/// An idiom or fixed four-character phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idiom {
    pub chars: [u32; 4],
    pub freq: u32,
    /// Tagged as an idiom or set phrase (jieba `i`/`l`), not just a
    /// four-character word.
    pub set_phrase: bool,
    /// Tagged as an idiom proper (jieba `i`).
    pub idiom: bool,
}

pub fn idiom(index: u32) -> Idiom {
    let i = index as usize * 5;
    Idiom {
        chars: [
            u32_at(IDIOMS, i),
            u32_at(IDIOMS, i + 1),
            u32_at(IDIOMS, i + 2),
            u32_at(IDIOMS, i + 3),
        ],
        freq: u32_at(IDIOMS, i + 4) & ((1 << 30) - 1),
        set_phrase: u32_at(IDIOMS, i + 4) >> 31 != 0,
        idiom: (u32_at(IDIOMS, i + 4) >> 30) & 1 != 0,
    }
}

pub fn idiom_count() -> usize {
    IDIOMS.len() / 20
}

/// Bit `rel` set: the pair `a`, `b` occurs at the positions
/// [`hash::POSITION_PAIRS`]`[rel]` of some idiom (false positives possible,
/// never false negatives). One byte per hashed pair, 512 KB in all: a pair of
/// the text is read once for all the windows it is in.
#[inline(always)]
pub fn idiom_pair_positions(a: u32, b: u32) -> u8 {
    IDIOM_PAIRS[hash::pair_index(a, b, meta::IDIOM_PAIR_BITS)]
}

/// Bit `rel` set: the pair of `w`'s characters at [`hash::POSITION_PAIRS`]`[rel]`
/// occurs at those positions in some idiom (see [`idiom_pair_positions`]).
/// The scan gathers these bits from its per-pair reads; this per-window form
/// is the tests' reference.
#[cfg(test)]
pub fn idiom_pairs(w: &[u32; 4]) -> u8 {
    let mut pairs = 0;
    for (rel, &(x, y)) in hash::POSITION_PAIRS.iter().enumerate() {
        pairs |= idiom_pair_positions(w[x], w[y]) & 1 << rel;
    }
    pairs
}

/// Bit `k` set: some idiom may share with `w` the three characters at the
/// positions other than `k`, because each of their three pairs passes
/// [`idiom_pairs`]. A window can only be one slip at `k` from an idiom if bit
/// `k` is set.
#[inline(always)]
pub fn idiom_slip_positions(pairs: u8) -> u8 {
    let has = |rel: usize| pairs >> rel & 1;
    let [ab, ac, ad, bc, bd, cd] = [0, 1, 2, 3, 4, 5].map(has);
    (bc & bd & cd) | (ac & ad & cd) << 1 | (ab & ad & bd) << 2 | (ab & ac & bc) << 3
}

/// The order-free key of four characters.
#[inline(always)]
pub fn swap_key(w: &[u32; 4]) -> u64 {
    hash::set_key(&w.map(hash::set_mix))
}

/// Calls `f` with the sound tokens of `c` (fuzzy syllable keys + 1), or its
/// character token when it has no reading; see build.rs.
#[inline(always)]
fn sound_tokens(c: u32, mut f: impl FnMut(u32)) {
    let packed = hash::han_index(c).map_or(0, |i| u32_at(CHAR_TOKENS, i));
    match packed {
        0 => f(meta::CHAR_TOKEN | c),
        0xFFFF => {
            let mut any = false;
            for (s, _) in readings(c) {
                any = true;
                f(fuzzy(s) + 1);
            }
            if !any {
                f(meta::CHAR_TOKEN | c);
            }
        }
        p => {
            f(p & 0xFFFF);
            if p >> 16 != 0 {
                f(p >> 16);
            }
        }
    }
}

/// The near-miss Bloom keys to probe for `c` at masked key `mk` (see
/// [`masked_key`]): some idiom may have that masked key with, at the masked
/// position, a character that sounds or looks like `c` closely enough to be a
/// slip only if one of these keys passes [`near_probe`] (a character doubled
/// from its neighbour is not covered). The scan computes all keys first and
/// probes them in one branch-free loop, so that the cache misses overlap.
#[inline(always)]
pub fn near_keys(mk: u64, c: u32, mut f: impl FnMut(u64)) {
    sound_tokens(c, |t| f(hash::with_token(mk, t)));
}

/// One probe of the near-miss filter (see [`near_keys`]), without branches.
#[inline(always)]
pub fn near_probe(key: u64) -> bool {
    bloom_all(NEAR, meta::NEAR_BLOCK_BITS, key)
}

/// Some idiom may have the same characters as the key's [`swap_key`] (false
/// positives possible), without branches.
#[inline(always)]
pub fn swap_probe(key: u64) -> bool {
    bloom_all(IDIOM_SWAP, meta::SWAP_BLOCK_BITS, key)
}

#[inline(always)]
fn bloom_all(table: &[u8], block_bits: u32, key: u64) -> bool {
    let (block, [i, j, k]) = hash::bloom_probe(key, block_bits);
    let b = &table[block * 64..block * 64 + 64];
    bit(b, i) & bit(b, j) & bit(b, k)
}

/// Values stored under `key` (and, rarely, under a key with the same 32-bit
/// fingerprint: callers verify).
fn keyed(slots: &[u8], key: u64, mut f: impl FnMut(u32)) {
    let mask = slots.len() / 8 - 1;
    let fp = ((key >> 32) as u32) | 1;
    let mut i = key as usize & mask;
    loop {
        let slot = u64_at(slots, i);
        if slot == 0 {
            return;
        }
        if (slot >> 32) as u32 == fp {
            f(slot as u32);
        }
        i = (i + 1) & mask;
    }
}

/// The key of `w` with position `k` masked: the key of every idiom that
/// differs from `w` at `k` alone.
#[inline(always)]
pub fn masked_key(w: &[u32; 4], k: usize) -> u64 {
    hash::masked_quad_key(&w.map(hash::char_mix), k)
}

/// The window with this [`hash::quad_key`] is a four-character word the idiom
/// scan takes as right: frequency ≥ 10, or no idiom one slip or swap away is
/// frequent enough to correct it to (see build.rs; exact: full 64-bit keys).
#[inline(always)]
pub fn known_four_key(key: u64) -> bool {
    let key = key.max(1);
    let mask = KNOWN4.len() / 8 - 1;
    let mut i = key as usize & mask;
    loop {
        match u64_at(KNOWN4, i) {
            0 => return false,
            k if k == key => return true,
            _ => i = (i + 1) & mask,
        }
    }
}

/// Idioms equal to `w` except at position `k` (verified, not hashed).
pub fn idioms_differing_at(w: &[u32; 4], k: usize, mut f: impl FnMut(Idiom)) {
    keyed(SUB_SLOTS, masked_key(w, k), |i| {
        let id = idiom(i);
        let same = (0..4).all(|j| j == k || id.chars[j] == w[j]);
        if same && id.chars[k] != w[k] {
            f(id);
        }
    });
}

/// Idioms that are `w` with two characters swapped.
pub fn idioms_swapped(w: &[u32; 4], key: u64, mut f: impl FnMut(Idiom, usize, usize)) {
    keyed(SWAP_SLOTS, key, |i| {
        let id = idiom(i);
        let diff: Vec<usize> = (0..4).filter(|&j| id.chars[j] != w[j]).collect();
        if diff.len() == 2 && id.chars[diff[0]] == w[diff[1]] && id.chars[diff[1]] == w[diff[0]] {
            f(id, diff[0], diff[1]);
        }
    });
}

// ---- characters: readings and shapes ------------------------------------------

/// How alike two characters are, strongest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Alike {
    None,
    /// Pinyin one key apart on a QWERTY keyboard (ru → tu): a typing slip.
    Keyboard,
    /// Confusable sounds (zh/z, ch/c, sh/s, n/l, -ng/-n).
    FuzzySound,
    /// Listed as look-alikes in rules/lexicon-shapes.txt.
    Shape,
    /// Same syllable, different tone.
    Sound,
    /// Same syllable and tone (a homophone: the input method's favourite slip).
    SameTone,
}

const CHAR_ROW: usize = 16;

fn char_row(c: u32) -> Option<usize> {
    if let Some(i) = hash::han_index(c) {
        let row = u16::from_le_bytes([HAN_ROWS[i * 2], HAN_ROWS[i * 2 + 1]]);
        return row.checked_sub(1).map(usize::from);
    }
    char_row_searched(c)
}

fn char_row_searched(c: u32) -> Option<usize> {
    let n = CHARS.len() / CHAR_ROW;
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let m = u32_at(CHARS, mid * 4);
        match m.cmp(&c) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// How common a character is: the summed frequency of the words containing it.
pub fn char_freq(c: u32) -> u32 {
    char_row(c).map(|r| u32_at(CHARS, r * 4 + 1)).unwrap_or(0)
}

/// Readings of a character: `(syllable id, tone)`, tone 5 = neutral.
pub fn readings(c: u32) -> impl Iterator<Item = (u16, u16)> {
    let row = char_row(c);
    (0..4).filter_map(move |k| {
        let r = row?;
        let off = r * CHAR_ROW + 8 + k * 2;
        let v = u16::from_le_bytes([CHARS[off], CHARS[off + 1]]);
        (v != 0).then(|| ((v >> 3) - 1, v & 7))
    })
}

pub fn syllable(id: u16) -> &'static str {
    meta::SYLLABLES[id as usize]
}

fn fuzzy(id: u16) -> u32 {
    u32_at(SYL_FUZZY, id as usize)
}

/// Index of the first entry of the sorted `(char << 32 | look-alike)` table not
/// below `key`.
fn shapes_lower_bound(key: u64) -> usize {
    let (mut lo, mut hi) = (0, SHAPES.len() / 8);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if u64_at(SHAPES, mid) < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

pub fn shape_alike(a: u32, b: u32) -> bool {
    let key = (a as u64) << 32 | b as u64;
    let at = shapes_lower_bound(key);
    at < SHAPES.len() / 8 && u64_at(SHAPES, at) == key
}

/// The strongest likeness between two different characters.
pub fn alike(a: u32, b: u32) -> Alike {
    if a == b {
        return Alike::SameTone;
    }
    let mut best = if shape_alike(a, b) {
        Alike::Shape
    } else {
        Alike::None
    };
    for (sa, ta) in readings(a) {
        for (sb, tb) in readings(b) {
            let k = if sa == sb && ta == tb {
                Alike::SameTone
            } else if sa == sb {
                Alike::Sound
            } else if fuzzy(sa) == fuzzy(sb) {
                Alike::FuzzySound
            } else if hash::key_slip(syllable(sa), syllable(sb)) {
                Alike::Keyboard
            } else {
                Alike::None
            };
            best = best.max(k);
        }
    }
    best
}

/// Characters that sound like `c` (same syllable, any tone; the most frequent
/// few per syllable) or look like it. May repeat a character.
pub fn alikes(c: u32, mut f: impl FnMut(u32)) {
    for (s, _) in readings(c) {
        let from = u32_at(SYL_OFFSETS, s as usize) as usize;
        let to = u32_at(SYL_OFFSETS, s as usize + 1) as usize;
        for i in from..to {
            let x = u32_at(SYL_CHARS, i);
            if x != c {
                f(x);
            }
        }
    }
    let key = (c as u64) << 32;
    let n = SHAPES.len() / 8;
    let mut lo = shapes_lower_bound(key);
    while lo < n && u64_at(SHAPES, lo) >> 32 == c as u64 {
        f(u64_at(SHAPES, lo) as u32);
        lo += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cs(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
    }

    #[test]
    fn two_character_words_agree_with_the_word_table() {
        // 发展 and 我们 are frequent enough to saturate the sorted lists' 16 bits.
        for w in ["发展", "我们", "部署", "查找", "直奔", "经验", "的确"] {
            let c = cs(w);
            let freq = word(&c).map(Entry::freq);
            assert!(freq.is_some(), "{w}");
            assert_eq!(TwoCharWords::starting_with(c[0]).freq(c[1]), freq, "{w}");
            assert_eq!(TwoCharWords::ending_with(c[1]).freq(c[0]), freq, "{w}");
        }
        assert!(word(&cs("发展")).unwrap().freq() > 0xFFFF);
        // Not words; a non-Han end is not indexed.
        for w in ["真奔", "A股"] {
            let c = cs(w);
            assert_eq!(TwoCharWords::starting_with(c[0]).freq(c[1]), None, "{w}");
            assert_eq!(TwoCharWords::ending_with(c[1]).freq(c[0]), None, "{w}");
        }
        assert!(word(&cs("A股")).is_some());
    }

    #[test]
    fn han_rows_agree_with_the_sorted_rows() {
        let han = (0x3400..0x4DC0).chain(0x4E00..0xA000).chain(0xF900..0xFB00);
        let mut found = 0;
        for c in han {
            assert_eq!(char_row(c), char_row_searched(c), "U+{c:04X}");
            found += usize::from(char_row(c).is_some());
        }
        assert!(found > 10_000, "{found} Han characters have rows");
    }

    #[test]
    fn words_and_tags() {
        const { assert!(WORD_COUNT > 340_000) };
        let e = word_str("如火如荼").unwrap();
        assert_eq!(e.tag(), "i");
        assert!(e.freq() > 50);
        assert!(word_str("吐火如荼").is_none());
        assert_eq!(word_str("的").unwrap().tag(), "uj");
        // The supplement is merged.
        assert!(word_str("挂图作战").is_some());
        assert!(word_str("放管服").is_some());
        // Prefix entries are not words.
        assert!(entry(&cs("如火如")).is_some_and(|e| e.is_prefix() && !e.is_word()));
    }

    #[test]
    fn walks_prefixes() {
        let text = cs("中华人民共和国");
        let mut ends = Vec::new();
        words_from(&text, 0, text.len(), |end, _| ends.push(end));
        assert!(ends.contains(&2) && ends.contains(&7), "{ends:?}");
    }

    #[test]
    fn segments_by_probability() {
        let (_, cuts) = segment(&cs("直奔问题"));
        assert_eq!(cuts, vec![0..2, 2..4]);
        let text = cs("真奔问题");
        let (p, cuts) = segment(&text);
        assert_eq!(cuts.len(), 3);
        assert!(p < segment(&cs("直奔问题")).0);
    }

    #[test]
    fn word_pairs_are_boundaries() {
        assert!(pair_in_word('部' as u32, '署' as u32));
        // Pairs of rare characters are almost never inside a word: the bitset's
        // false-positive rate stays low.
        let mut hits = 0;
        for a in 0x5000u32..0x5100 {
            for b in 0x7000u32..0x7100 {
                hits += pair_in_word(a, b) as usize;
            }
        }
        assert!(hits < 65536 / 8, "{hits}");
    }

    #[test]
    fn idioms_one_off() {
        let w: [u32; 4] = cs("再接再励").try_into().unwrap();
        let mut found = Vec::new();
        idioms_differing_at(&w, 3, |id| found.push(id.chars));
        assert!(found.contains(&cs("再接再厉").try_into().unwrap()));
        assert_ne!(idiom_slip_positions(idiom_pairs(&w)) & 1 << 3, 0);
        // A window far from every idiom passes no position.
        let far: [u32; 4] = cs("的了吗呢").try_into().unwrap();
        assert_eq!(idiom_slip_positions(idiom_pairs(&far)), 0);
        let w: [u32; 4] = cs("争胜好强").try_into().unwrap();
        let key = swap_key(&w);
        assert!(swap_probe(key));
        let mut swapped = Vec::new();
        idioms_swapped(&w, key, |id, a, b| swapped.push((id.chars, a, b)));
        assert_eq!(swapped, vec![(cs("争强好胜").try_into().unwrap(), 1, 3)]);
    }

    #[test]
    fn known_four_skips_only_words_no_idiom_could_correct() {
        let known = |s: &str| {
            let w: [u32; 4] = cs(s).try_into().unwrap();
            known_four_key(hash::quad_key(&w.map(hash::char_mix)))
        };
        // Common as written.
        assert!(known("实事求是"));
        // Rare, but no idiom one slip or swap away is ten times as frequent.
        assert!(known("文明城市"));
        // Rare words that are misspellings of frequent idioms stay checked.
        assert!(!known("再接再励"));
        assert!(!known("按步就班"));
        // Not a word.
        assert!(!known("吐火如荼"));
    }

    #[test]
    fn likeness() {
        let c = |s: &str| s.chars().next().unwrap() as u32;
        assert_eq!(alike(c("暑"), c("署")), Alike::SameTone);
        assert_eq!(alike(c("真"), c("直")), Alike::Shape);
        assert_eq!(alike(c("励"), c("厉")), Alike::SameTone);
        assert_eq!(alike(c("是"), c("四")), Alike::FuzzySound);
        assert_eq!(alike(c("教"), c("学")), Alike::None);
        assert_eq!(alike(c("吐"), c("如")), Alike::Keyboard);
        assert!(!hash::key_slip("ru", "lu"));
        let mut v = Vec::new();
        alikes(c("暑"), |x| v.push(x));
        assert!(v.contains(&c("署")));
    }
}
