//! Which of a set of literals occur in a paragraph: the prefilter in front of the
//! pattern rules.
//!
//! An Aho–Corasick DFA does this in one pass, but its pass is one dependent
//! table lookup per byte (~3 ns/byte here), and its prefilters give up on
//! Chinese literals, which start with the same few lead bytes as all the text
//! around them. Instead the text is read a character at a time and each
//! character is tested against a bitmap of the characters literals start with
//! (three-byte characters by code point, everything else by its first two
//! bytes); only characters that pass are compared with the literals starting
//! with them. Most Chinese text passes at a rate of one bitmap test per three
//! bytes.
//!
//! Common characters start many literals (要 starts 23 of `usage.double-yao`,
//! ， the literals of several punctuation rules), so literals led by a
//! three-byte character are looked up by their first two characters: a
//! character that passes is compared only with the literals that also share
//! the character after it.

use rustc_hash::FxHashMap;

/// Literals whose owners are rule indices; see the module docs.
pub struct LiteralGate {
    /// Bit `c` is set when a literal starts with the three-byte character `c`.
    chars3: Box<[u64; 1024]>,
    /// Bit `c` is set when a literal is looked up by the three-byte character
    /// `c` alone: it is that character, or what follows is not a whole character.
    solo3: Box<[u64; 1024]>,
    /// Bit [`fold`] of a character's [`char_bytes`] is set when it is the
    /// second character of a literal led by a three-byte character: most
    /// characters after a passing one skip the second lookup.
    seconds: Box<[u64; 1024]>,
    /// Bit `b0 << 8 | b1` is set when a literal starts with bytes `b0 b1` that
    /// are not a three-byte character, or is the single byte `b0` (then for
    /// every `b1`).
    pairs: Box<[u64; 1024]>,
    /// Literals by [`key`] of their start (for a three-byte first character
    /// followed by a whole second one, by [`pair_key`] of both): ranges into
    /// `lits`.
    by_key: FxHashMap<u64, (u32, u32)>,
    /// Literals sorted by key, with their owners.
    lits: Vec<(u64, Box<[u8]>, usize)>,
    /// Owners of one-byte literals, by that byte.
    single: Box<[Vec<usize>; 256]>,
    /// Owners of literals that do not hold a whole first character: reported
    /// for every text.
    always: Vec<usize>,
}

/// The lookup key of position 0 of `s`: the code point of a three-byte
/// character, else `0x10000 | b0 << 8 | b1` (`b1` = 0 at the end of `s`).
/// `None` when `s` is empty or holds only part of a three-byte character.
fn key(s: &[u8]) -> Option<u32> {
    let b0 = *s.first()?;
    if (0xE0..0xF0).contains(&b0) {
        let (b1, b2) = (*s.get(1)?, *s.get(2)?);
        Some(u32::from(b0 & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F))
    } else {
        Some(0x10000 | u32::from(b0) << 8 | u32::from(s.get(1).copied().unwrap_or(0)))
    }
}

/// The UTF-8 bytes of the character at position 0 of `s`, packed into a
/// `u32`; `None` when `s` is empty or ends inside that character.
fn char_bytes(s: &[u8]) -> Option<u32> {
    let len = match *s.first()? {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    };
    let mut packed = [0u8; 4];
    packed[..len].copy_from_slice(s.get(..len)?);
    Some(u32::from_le_bytes(packed))
}

/// A 16-bit hash of [`char_bytes`], for the `seconds` bitmap.
fn fold(packed: u32) -> usize {
    ((packed ^ packed >> 16) & 0xFFFF) as usize
}

/// The key of a three-byte character `first` followed by the character whose
/// [`char_bytes`] are `second`.
fn pair_key(first: u32, second: u32) -> u64 {
    u64::from(first) | (u64::from(second) + 1) << 32
}

fn bit(map: &[u64; 1024], k: usize) -> bool {
    map[k / 64] & (1 << (k % 64)) != 0
}

fn set(map: &mut [u64; 1024], k: usize) {
    map[k / 64] |= 1 << (k % 64);
}

/// Sets bit `i` of a bit set.
pub fn mark(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// Whether bit `i` of a bit set is set.
pub fn marked(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

impl LiteralGate {
    /// A gate for `(literal, owner)` pairs; empty literals are ignored.
    pub fn new(literals: impl IntoIterator<Item = (Vec<u8>, usize)>) -> LiteralGate {
        let mut chars3 = Box::new([0u64; 1024]);
        let mut solo3 = Box::new([0u64; 1024]);
        let mut seconds = Box::new([0u64; 1024]);
        let mut pairs = Box::new([0u64; 1024]);
        let mut single: Box<[Vec<usize>; 256]> = Box::new(std::array::from_fn(|_| Vec::new()));
        let mut lits = Vec::new();
        let mut always = Vec::new();
        for (lit, owner) in literals {
            if lit.len() == 1 {
                let b = usize::from(lit[0]);
                for b1 in 0..256 {
                    set(&mut pairs, b << 8 | b1);
                }
                single[b].push(owner);
                continue;
            }
            // The scan steps over the continuation bytes of three-byte
            // characters: a literal starting with one (possible only for a
            // byte-oriented regex) could be missed, so its owner always runs.
            let continuation = lit.first().is_some_and(|&b| b & 0xC0 == 0x80);
            let Some(k) = key(&lit).filter(|_| !continuation) else {
                if !lit.is_empty() {
                    always.push(owner);
                }
                continue;
            };
            let full_key = if k < 0x10000 {
                set(&mut chars3, k as usize);
                match char_bytes(&lit[3..]) {
                    Some(second) => {
                        set(&mut seconds, fold(second));
                        pair_key(k, second)
                    }
                    _ => {
                        set(&mut solo3, k as usize);
                        u64::from(k)
                    }
                }
            } else {
                set(&mut pairs, (k & 0xFFFF) as usize);
                u64::from(k)
            };
            lits.push((full_key, lit.into_boxed_slice(), owner));
        }
        for owners in single.iter_mut() {
            owners.sort_unstable();
            owners.dedup();
        }
        always.sort_unstable();
        always.dedup();
        lits.sort();
        lits.dedup();
        let mut by_key = FxHashMap::default();
        let mut start = 0;
        while start < lits.len() {
            let k = lits[start].0;
            let end = start + lits[start..].iter().take_while(|l| l.0 == k).count();
            by_key.insert(k, (start as u32, end as u32));
            start = end;
        }
        LiteralGate {
            chars3,
            solo3,
            seconds,
            pairs,
            by_key,
            lits,
            single,
            always,
        }
    }

    /// Marks the owners of the literals under `k` that `rest` starts with.
    fn compare(&self, k: u64, rest: &[u8], found: &mut [u64]) {
        let Some(&(from, to)) = self.by_key.get(&k) else {
            return;
        };
        for (_, lit, owner) in &self.lits[from as usize..to as usize] {
            if !marked(found, *owner) && starts_with(rest, lit) {
                mark(found, *owner);
            }
        }
    }

    /// Marks in `found` (a bit set by owner) the owner of every literal that
    /// occurs in `text`. Literals of owners already marked are not compared.
    pub fn scan(&self, text: &[u8], found: &mut [u64]) {
        for &owner in &self.always {
            mark(found, owner);
        }
        let n = text.len();
        let mut i = 0;
        while i < n {
            let b0 = text[i];
            if (0xE0..0xF0).contains(&b0) && i + 2 < n {
                let c = u32::from(b0 & 0x0F) << 12
                    | u32::from(text[i + 1] & 0x3F) << 6
                    | u32::from(text[i + 2] & 0x3F);
                let start = i;
                i += 3;
                if !bit(&self.chars3, c as usize) {
                    continue;
                }
                let rest = &text[start..];
                if bit(&self.solo3, c as usize) {
                    self.compare(u64::from(c), rest, found);
                }
                if let Some(second) = char_bytes(&text[i..]) {
                    if bit(&self.seconds, fold(second)) {
                        self.compare(pair_key(c, second), rest, found);
                    }
                }
            } else {
                let b1 = if i + 1 < n { text[i + 1] } else { 0 };
                let pair = usize::from(b0) << 8 | usize::from(b1);
                // Continuation bytes never start a literal: step over them too.
                let start = i;
                i += 1;
                if !bit(&self.pairs, pair) {
                    continue;
                }
                for &owner in &self.single[usize::from(b0)] {
                    mark(found, owner);
                }
                self.compare(0x10000 | pair as u64, &text[start..], found);
            }
        }
    }
}

/// `s.starts_with(prefix)` without a call to `memcmp`: literals are a few bytes.
fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s.iter().zip(prefix).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn owners(gate: &LiteralGate, text: &str) -> Vec<usize> {
        let mut found = [0u64; 1];
        gate.scan(text.as_bytes(), &mut found);
        (0..64).filter(|&o| marked(&found, o)).collect()
    }

    #[test]
    fn finds_single_bytes_pairs_and_overlaps() {
        let gate = LiteralGate::new([
            (b"X".to_vec(), 0),
            ("，".as_bytes().to_vec(), 1),
            ("，，".as_bytes().to_vec(), 2),
            ("上一篇".as_bytes().to_vec(), 3),
            ("一篇文".as_bytes().to_vec(), 4),
            (b"--".to_vec(), 5),
            ("×".as_bytes().to_vec(), 6),
        ]);
        assert_eq!(owners(&gate, "甲乙丙"), Vec::<usize>::new());
        assert_eq!(owners(&gate, "尾X"), vec![0]);
        assert_eq!(owners(&gate, "甲，，"), vec![1, 2]);
        assert_eq!(owners(&gate, "上一篇文章"), vec![3, 4]);
        assert_eq!(owners(&gate, "上一"), Vec::<usize>::new());
        assert_eq!(owners(&gate, "a--b×"), vec![5, 6]);
        assert_eq!(owners(&gate, "a-"), Vec::<usize>::new());
        // A Chinese character then an ASCII one, followed by more text: the
        // second character is keyed by itself, not with the byte after it.
        let gate = LiteralGate::new([("，X".as_bytes().to_vec(), 0)]);
        assert_eq!(owners(&gate, "，X一"), vec![0]);
        assert_eq!(owners(&gate, "，Y"), Vec::<usize>::new());
    }

    #[test]
    fn a_literal_without_a_whole_first_character_is_always_reported() {
        let gate = LiteralGate::new([(vec![0xE4, 0xB8], 0)]);
        assert_eq!(owners(&gate, "甲"), vec![0]);
        let gate = LiteralGate::new([(vec![0x94, 0xB2], 0)]);
        assert_eq!(owners(&gate, "甲"), vec![0]);
    }

    proptest! {
        /// The gate reports exactly the owners whose literals occur in the text.
        #[test]
        fn equals_substring_search(
            lits in proptest::collection::vec("[a-c，。一二X×-]{1,4}", 1..12),
            text in "[a-c，。一二X× -]{0,40}",
        ) {
            let gate = LiteralGate::new(
                lits.iter().enumerate().map(|(o, l)| (l.as_bytes().to_vec(), o)),
            );
            let want: Vec<usize> = lits
                .iter()
                .enumerate()
                .filter(|(_, l)| text.contains(l.as_str()))
                .map(|(o, _)| o)
                .collect();
            prop_assert_eq!(owners(&gate, &text), want);
        }
    }
}
