//! Compiles the lexicon (data/jieba-dict.txt + rules/lexicon-extra.txt), the
//! character readings (from the `pinyin` crate) and the look-alike table
//! (rules/lexicon-shapes.txt) into flat little-endian tables that the binary
//! embeds with `include_bytes!`. Doing this at build time keeps start-up at zero:
//! the runtime only indexes into static bytes.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use pinyin::ToPinyinMulti;

#[path = "src/lexicon/hash.rs"]
mod hash;

/// log2 of the word table's slot count is chosen from the entry count; the
/// bitsets have fixed sizes that keep them inside the L2 cache.
const WORD_PAIR_BITS: u32 = 22;
const IDIOM_PAIR_BITS: u32 = 19;
/// Bits per key of the near-miss Bloom filter (false positives ~3 %).
const NEAR_BITS_PER_KEY: usize = 10;
/// Token of a character without readings (its look-alikes find it by itself).
const CHAR_TOKEN: u32 = 1 << 31;
const FREQ_MAX: u32 = (1 << 22) - 1;
/// Chars kept per syllable for sound-alike candidate generation.
const PER_SYLLABLE: usize = 48;

/// POS tags whose four-character entries are numbers, times or unclassified:
/// never a target for the idiom rule. (Names stay: jieba tags some idioms as
/// names, 墨守成规 nr, 十全十美 nz; they only take sound or shape slips.)
const NON_IDIOM_TAGS: &[&str] = &["m", "mq", "t", "q", "x", "eng", "gw"];

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

struct Word {
    freq: u32,
    tag: String,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    for f in [
        "data/jieba-dict.txt",
        "rules/lexicon-extra.txt",
        "rules/lexicon-shapes.txt",
        "src/lexicon/hash.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }

    // ---- words -------------------------------------------------------------
    let mut words: BTreeMap<String, Word> = BTreeMap::new();
    let jieba = fs::read_to_string(root.join("data/jieba-dict.txt")).unwrap();
    for line in jieba.lines() {
        let mut parts = line.split_whitespace();
        let (Some(w), Some(f)) = (parts.next(), parts.next()) else {
            continue;
        };
        let tag = parts.next().unwrap_or("x").to_owned();
        let freq: u32 = f.parse().unwrap_or(1);
        words.insert(w.to_owned(), Word { freq, tag });
    }
    // The supplement: `word [freq] [tag]`. A new term gets frequency 200 (so
    // that it wins segmentation) and tag `gw`; only those tagged `i` or `l`
    // become idiom targets.
    let extra = fs::read_to_string(root.join("rules/lexicon-extra.txt")).unwrap();
    for line in extra.lines() {
        let line = line.split('#').next().unwrap().trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let w = parts.next().unwrap();
        let freq: Option<u32> = parts.next().map(|f| f.parse().unwrap());
        let tag = parts.next();
        match words.get_mut(w) {
            // Known word: only an explicit frequency or tag changes it.
            Some(e) => {
                if let Some(f) = freq {
                    e.freq = e.freq.max(f);
                }
                if let Some(t) = tag {
                    e.tag = t.to_owned();
                }
            }
            None => {
                words.insert(
                    w.to_owned(),
                    Word {
                        freq: freq.unwrap_or(200),
                        tag: tag.unwrap_or("gw").to_owned(),
                    },
                );
            }
        }
    }
    let total: u64 = words.values().map(|w| w.freq as u64).sum();

    let mut tags: Vec<String> = words.values().map(|w| w.tag.clone()).collect();
    tags.sort();
    tags.dedup();
    assert!(tags.len() < 64, "too many POS tags");
    let tag_id: HashMap<&str, u32> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();

    // Every word and every proper prefix of a word gets a slot, so segmentation
    // can stop walking as soon as a prefix is unknown.
    let mut entries: HashMap<u64, u32> = HashMap::new();
    for (w, info) in &words {
        let chars: Vec<u32> = w.chars().map(|c| c as u32).collect();
        let mut h = hash::SEED;
        for (i, &c) in chars.iter().enumerate() {
            h = hash::step(h, c);
            let key = hash::finish(h);
            let slot = entries.entry(key).or_insert(0);
            if i + 1 == chars.len() {
                *slot |= (1 << 30) | info.freq.min(FREQ_MAX) | (tag_id[info.tag.as_str()] << 22);
            } else {
                *slot |= 1 << 31;
            }
        }
    }
    let mut bits = 10;
    while (1usize << bits) < entries.len() * 10 / 7 {
        bits += 1;
    }
    let mask = (1usize << bits) - 1;
    let mut table = vec![0u64; 1 << bits];
    for (&key, &val) in &entries {
        let mut i = key as usize & mask;
        while table[i] != 0 {
            i = (i + 1) & mask;
        }
        table[i] = (fingerprint(key) as u64) << 32 | val as u64;
    }
    write_u64(&out.join("words.bin"), &table);

    // Two-character Han words by each of their characters: for a character
    // `c` at one end, the other end's Han index (high 16 bits) and the word's
    // frequency (low 16 bits, 0xFFFF for that or more), sorted, so that the
    // word-typo rule can try every sound-alike of one character against its
    // neighbour in a small sorted list instead of one random lookup in the
    // large table per candidate.
    for (at, file) in [(0usize, "words2_by_first"), (1, "words2_by_last")] {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); hash::HAN_SLOTS];
        for (w, info) in &words {
            let chars: Vec<u32> = w.chars().map(|c| c as u32).collect();
            if chars.len() != 2 {
                continue;
            }
            let (Some(ix), Some(other)) =
                (hash::han_index(chars[at]), hash::han_index(chars[1 - at]))
            else {
                continue;
            };
            lists[ix].push((other as u32) << 16 | info.freq.min(0xFFFF));
        }
        let mut offsets = vec![0u32];
        let mut packed: Vec<u32> = Vec::new();
        for list in &mut lists {
            list.sort_unstable();
            packed.extend_from_slice(list);
            offsets.push(packed.len() as u32);
        }
        write_u32(&out.join(format!("{file}_offsets.bin")), &offsets);
        write_u32(&out.join(format!("{file}.bin")), &packed);
    }

    // Bigrams inside words: a text bigram absent here is a certain word boundary.
    let mut word_pairs = vec![0u8; 1 << (WORD_PAIR_BITS - 3)];
    for w in words.keys() {
        let chars: Vec<u32> = w.chars().map(|c| c as u32).collect();
        for p in chars.windows(2) {
            set_bit(
                &mut word_pairs,
                hash::pair_index(p[0], p[1], WORD_PAIR_BITS),
            );
        }
    }
    fs::write(out.join("word_pairs.bin"), &word_pairs).unwrap();

    // ---- idioms and fixed four-character phrases -----------------------------
    let mut idioms: Vec<([u32; 4], u32)> = Vec::new();
    for (w, info) in &words {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() != 4
            || !chars.iter().all(|&c| is_han(c))
            || NON_IDIOM_TAGS.contains(&info.tag.as_str())
        {
            continue;
        }
        // A repeated-character word (哈哈哈哈) is no target.
        if chars[0] == chars[1] && chars[1] == chars[2] {
            continue;
        }
        // Bit 31: a set phrase (i, l), bit 30: an idiom proper (i). Typing
        // slips are looked for in idioms, fuzzy sounds in set phrases, and
        // other four-character words only take sound or shape slips.
        let set_phrase = matches!(info.tag.as_str(), "i" | "l");
        idioms.push((
            [
                chars[0] as u32,
                chars[1] as u32,
                chars[2] as u32,
                chars[3] as u32,
            ],
            info.freq.min(FREQ_MAX) | (set_phrase as u32) << 31 | ((info.tag == "i") as u32) << 30,
        ));
    }
    let mut idiom_bytes = Vec::with_capacity(idioms.len() * 20);
    // One byte per hashed character pair: bit `rel` set when the pair occurs
    // at the positions `POSITION_PAIRS[rel]` (ab, ac, ad, bc, bd, cd) of some
    // idiom. The scan reads each text pair once for all the windows it is in.
    let mut pairs6 = vec![0u8; 1 << IDIOM_PAIR_BITS];
    let mut sub_keys: Vec<(u64, u32)> = Vec::new();
    let mut swap_keys: Vec<(u64, u32)> = Vec::new();
    for (i, (c, f)) in idioms.iter().enumerate() {
        for x in c.iter().chain(std::iter::once(f)) {
            idiom_bytes.extend_from_slice(&x.to_le_bytes());
        }
        for (rel, &(x, y)) in hash::POSITION_PAIRS.iter().enumerate() {
            pairs6[hash::pair_index(c[x], c[y], IDIOM_PAIR_BITS)] |= 1 << rel;
        }
        for k in 0..4 {
            sub_keys.push((hash::masked_quad_key(&mixes(c), k), i as u32));
        }
        let key = hash::set_key(&c.map(hash::set_mix));
        swap_keys.push((key, i as u32));
    }
    fs::write(out.join("idioms.bin"), &idiom_bytes).unwrap();
    fs::write(out.join("idiom_pairs.bin"), &pairs6).unwrap();
    write_keyed(&out, "idiom_sub", &sub_keys);
    write_keyed(&out, "idiom_swapk", &swap_keys);

    // Four-character words the idiom scan can skip as written, after one
    // probe of an exact set (full 64-bit keys, linear probing, load <= 1/3):
    // words of frequency >= 10 (the scan takes a common word as right) and
    // rarer words W none of whose idiom neighbours (one character changed,
    // or two swapped) reaches 10 x freq(W), the least frequency the scan
    // accepts a correction of W at. Without the second group, every rare
    // word in the idiom list (文明城市, 3) passed all the filters by matching
    // itself and was looked up in full.
    let freq_of = |w: &[u32; 4]| -> Option<u32> {
        // The frequency the runtime's word lookup returns for `w`.
        let key = hash::finish(w.iter().fold(hash::SEED, |h, &c| hash::step(h, c)));
        let fp = fingerprint(key);
        let mut i = key as usize & mask;
        loop {
            let slot = table[i];
            if slot == 0 {
                return None;
            }
            if (slot >> 32) as u32 == fp {
                return (slot as u32 & (1 << 30) != 0).then_some(slot as u32 & FREQ_MAX);
            }
            i = (i + 1) & mask;
        }
    };
    let idiom_freq: HashMap<[u32; 4], u32> = idioms
        .iter()
        .map(|&(c, f)| (c, f & ((1 << 30) - 1)))
        .collect();
    // Per idiom with one position masked (u32::MAX, no character): the
    // idioms' characters there, with frequencies.
    let mut by_mask: HashMap<[u32; 4], Vec<(u32, u32)>> = HashMap::new();
    for (&c, &f) in &idiom_freq {
        for k in 0..4 {
            let mut m = c;
            m[k] = u32::MAX;
            by_mask.entry(m).or_default().push((c[k], f));
        }
    }
    let best_neighbour = |w: &[u32; 4]| -> u32 {
        let mut best = 0;
        for k in 0..4 {
            let mut m = *w;
            m[k] = u32::MAX;
            for &(c, f) in by_mask.get(&m).into_iter().flatten() {
                if c != w[k] {
                    best = best.max(f);
                }
            }
        }
        for (i, j) in hash::POSITION_PAIRS {
            if w[i] != w[j] {
                let mut s = *w;
                s.swap(i, j);
                best = best.max(idiom_freq.get(&s).copied().unwrap_or(0));
            }
        }
        best
    };
    let known: Vec<u64> = words
        .keys()
        .filter_map(|w| {
            let c: Vec<u32> = w.chars().map(|c| c as u32).collect();
            let c: [u32; 4] = c.try_into().ok()?;
            let f = freq_of(&c)?;
            (f >= 10 || (f > 0 && best_neighbour(&c) < 10 * f)).then(|| quad_key_of(w).max(1))
        })
        .collect();
    let size = (known.len() * 3).next_power_of_two();
    let mut known_table = vec![0u64; size];
    for &k in &known {
        let mut i = k as usize & (size - 1);
        while known_table[i] != 0 {
            i = (i + 1) & (size - 1);
        }
        known_table[i] = k;
    }
    write_u64(&out.join("known4.bin"), &known_table);

    // ---- characters: frequency and readings ----------------------------------
    let mut char_freq: BTreeMap<char, u64> = BTreeMap::new();
    for (w, info) in &words {
        for c in w.chars().filter(|&c| is_han(c)) {
            *char_freq.entry(c).or_insert(0) += info.freq as u64;
        }
    }
    let mut syllables: Vec<String> = Vec::new();
    let mut syl_id: HashMap<String, u16> = HashMap::new();
    let mut char_rows = Vec::new();
    let mut by_syl: Vec<Vec<(u64, u32)>> = Vec::new();
    let mut char_syls: HashMap<u32, Vec<u16>> = HashMap::new();
    for (&c, &f) in &char_freq {
        let mut readings = [0u16; 4];
        let mut n = 0;
        if let Some(multi) = c.to_pinyin_multi() {
            for p in multi {
                let s = p.with_tone_num_end();
                let (plain, tone) = match s.chars().last() {
                    Some(t @ '1'..='4') => (&s[..s.len() - 1], t as u16 - '0' as u16),
                    _ => (s, 5),
                };
                let id = *syl_id.entry(plain.to_owned()).or_insert_with(|| {
                    syllables.push(plain.to_owned());
                    by_syl.push(Vec::new());
                    (syllables.len() - 1) as u16
                });
                let r = (id + 1) << 3 | tone;
                if n < 4 && !readings[..n].contains(&r) {
                    readings[n] = r;
                    char_syls.entry(c as u32).or_default().push(id);
                    n += 1;
                    if !by_syl[id as usize].iter().any(|&(_, x)| x == c as u32) {
                        by_syl[id as usize].push((f, c as u32));
                    }
                }
            }
        }
        char_rows.extend_from_slice(&(c as u32).to_le_bytes());
        char_rows.extend_from_slice(&(f.min(u32::MAX as u64) as u32).to_le_bytes());
        for r in readings {
            char_rows.extend_from_slice(&r.to_le_bytes());
        }
    }
    fs::write(out.join("chars.bin"), &char_rows).unwrap();
    // Row + 1 of each Han character (0: none), so that the lookups of the
    // lexical rules' inner loops skip the binary search.
    let mut han_rows = vec![0u16; hash::HAN_SLOTS];
    for (row, &c) in char_freq.keys().enumerate() {
        if let Some(ix) = hash::han_index(c as u32) {
            han_rows[ix] = u16::try_from(row + 1).expect("fewer than 65535 character rows");
        }
    }
    let han_rows: Vec<u8> = han_rows.iter().flat_map(|r| r.to_le_bytes()).collect();
    fs::write(out.join("han_rows.bin"), &han_rows).unwrap();
    // Per syllable: the most frequent characters read that way.
    let mut syl_offsets: Vec<u32> = vec![0];
    let mut syl_chars: Vec<u32> = Vec::new();
    for list in &mut by_syl {
        list.sort_unstable_by(|a, b| b.cmp(a));
        syl_chars.extend(list.iter().take(PER_SYLLABLE).map(|&(_, c)| c));
        syl_offsets.push(syl_chars.len() as u32);
    }
    write_u32(&out.join("syl_offsets.bin"), &syl_offsets);
    write_u32(&out.join("syl_chars.bin"), &syl_chars);
    // Fuzzy key per syllable: zh/z, ch/c, sh/s, n/l and -ng/-n merged, the
    // confusions of southern and northern speakers alike.
    let fuzzy: Vec<u16> = {
        let mut ids: HashMap<String, u16> = HashMap::new();
        syllables
            .iter()
            .map(|s| {
                let mut k = s
                    .replacen("zh", "z", 1)
                    .replacen("ch", "c", 1)
                    .replacen("sh", "s", 1);
                if k.starts_with('l') {
                    k.replace_range(0..1, "n");
                }
                if k.ends_with("ng") {
                    k.pop();
                }
                let n = ids.len() as u16;
                *ids.entry(k).or_insert(n)
            })
            .collect()
    };
    let fuzzy32: Vec<u32> = fuzzy.iter().map(|&x| x as u32).collect();
    write_u32(&out.join("syl_fuzzy.bin"), &fuzzy32);

    // ---- look-alike characters ---------------------------------------------
    let shapes = fs::read_to_string(root.join("rules/lexicon-shapes.txt")).unwrap();
    let mut pairs: Vec<u64> = Vec::new();
    for line in shapes.lines() {
        let line = line.split('#').next().unwrap();
        let group: Vec<char> = line.chars().filter(|&c| is_han(c)).collect();
        for &a in &group {
            for &b in &group {
                if a != b {
                    pairs.push((a as u64) << 32 | b as u64);
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    write_u64(&out.join("shapes.bin"), &pairs);

    // ---- the near-miss filter ------------------------------------------------
    // A window can only be a slip at position k of an idiom if the idiom's
    // masked key exists AND the written character sounds or looks like the
    // idiom's (alike() is never None for a reported substitution, except for
    // a character doubled from its neighbour, which the scan looks up directly).
    // Sound classes are fuzzy syllable keys: the same syllable, a confusable
    // one, a look-alike's, or (idioms proper) a keyboard neighbour's all map
    // into the set of fuzzy keys stored for the idiom's character, so one
    // probe per reading of the written character decides.
    let tokens_of = |c: u32| -> Vec<u32> {
        match char_syls.get(&c) {
            Some(syls) => {
                let mut t: Vec<u32> = syls.iter().map(|&s| fuzzy[s as usize] as u32 + 1).collect();
                t.sort_unstable();
                t.dedup();
                t
            }
            None => vec![CHAR_TOKEN | c],
        }
    };
    // Dense per-character sound tokens: two u16 fuzzy keys (+1; 0 = none),
    // or 0xFFFF in the first slot for a character with more (read the rows).
    let mut dense = vec![0u32; hash::HAN_SLOTS];
    for &c in char_freq.keys() {
        let c = c as u32;
        let Some(ix) = hash::han_index(c) else {
            continue;
        };
        let t = tokens_of(c);
        dense[ix] = match t.as_slice() {
            [a] if *a < 0xFFFF => *a,
            [a, b] if *b < 0xFFFF => *a | *b << 16,
            _ => 0xFFFF,
        };
    }
    write_u32(&out.join("char_tokens.bin"), &dense);
    let mut shape_of: HashMap<u32, Vec<u32>> = HashMap::new();
    for &p in &pairs {
        shape_of.entry((p >> 32) as u32).or_default().push(p as u32);
    }
    let mut keyboard: Vec<Vec<u32>> = vec![Vec::new(); syllables.len()];
    for (a, sa) in syllables.iter().enumerate() {
        for (b, sb) in syllables.iter().enumerate() {
            if a != b && hash::key_slip(sa, sb) {
                keyboard[a].push(fuzzy[b] as u32 + 1);
            }
        }
    }
    let mut near_keys: Vec<u64> = Vec::new();
    for (c, f) in &idioms {
        let proper = (f >> 30) & 1 != 0;
        for k in 0..4 {
            if hash::NUMERALS.chars().any(|n| n as u32 == c[k]) {
                continue;
            }
            let mk = hash::masked_quad_key(&mixes(c), k);
            let mut toks = tokens_of(c[k]);
            for &b in shape_of.get(&c[k]).into_iter().flatten() {
                toks.extend(tokens_of(b));
            }
            if proper {
                for &s in char_syls.get(&c[k]).into_iter().flatten() {
                    toks.extend(&keyboard[s as usize]);
                }
            }
            toks.sort_unstable();
            toks.dedup();
            near_keys.extend(toks.iter().map(|&t| hash::with_token(mk, t)));
        }
    }
    near_keys.sort_unstable();
    near_keys.dedup();
    let near_bits = bloom_block_bits(near_keys.len(), NEAR_BITS_PER_KEY);
    fs::write(out.join("idiom_near.bin"), bloom(&near_keys, near_bits)).unwrap();
    let swap_list: Vec<u64> = swap_keys.iter().map(|&(k, _)| k).collect();
    let swap_bits = bloom_block_bits(swap_list.len(), 14);
    fs::write(out.join("idiom_swap.bin"), bloom(&swap_list, swap_bits)).unwrap();

    let src = format!(
        "/// POS tags by id (jieba's tag set plus the supplement's).\n\
         pub const TAGS: &[&str] = &{tags:?};\n\
         pub const WORD_BITS: u32 = {bits};\n\
         pub const WORD_PAIR_BITS: u32 = {WORD_PAIR_BITS};\n\
         pub const IDIOM_PAIR_BITS: u32 = {IDIOM_PAIR_BITS};\n\
         pub const NEAR_BLOCK_BITS: u32 = {near_bits};\n\
         pub const SWAP_BLOCK_BITS: u32 = {swap_bits};\n\
         pub const CHAR_TOKEN: u32 = {CHAR_TOKEN};\n\
         pub const TOTAL_FREQ: u64 = {total};\n\
         pub const WORD_COUNT: usize = {count};\n\
         pub const SYLLABLES: &[&str] = &{syllables:?};\n",
        count = words.len(),
    );
    fs::write(out.join("lexicon_meta.rs"), src).unwrap();
}

fn mixes(c: &[u32; 4]) -> [u64; 4] {
    c.map(hash::char_mix)
}

fn quad_key_of(w: &str) -> u64 {
    let c: Vec<u32> = w.chars().map(|c| c as u32).collect();
    hash::quad_key(&mixes(&[c[0], c[1], c[2], c[3]]))
}

/// Smallest power-of-two count of 512-bit blocks giving `per_key` bits per key.
fn bloom_block_bits(keys: usize, per_key: usize) -> u32 {
    let mut b = 4;
    while (512usize << b) < keys * per_key {
        b += 1;
    }
    b
}

fn bloom(keys: &[u64], block_bits: u32) -> Vec<u8> {
    let mut bytes = vec![0u8; 64 << block_bits];
    for &k in keys {
        let (block, bits) = hash::bloom_probe(k, block_bits);
        for b in bits {
            set_bit(&mut bytes[block * 64..block * 64 + 64], b);
        }
    }
    bytes
}

fn fingerprint(key: u64) -> u32 {
    ((key >> 32) as u32) | 1
}

fn set_bit(bits: &mut [u8], i: usize) {
    bits[i >> 3] |= 1 << (i & 7);
}

fn write_u64(path: &Path, v: &[u64]) {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    fs::write(path, bytes).unwrap();
}

fn write_u32(path: &Path, v: &[u32]) {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    fs::write(path, bytes).unwrap();
}

/// An open-addressing multimap (linear probing, slot 0 = empty, load ≤ 0.75):
/// each slot holds a 32-bit fingerprint of the key and the value, so a lookup
/// touches one cache line (callers verify the characters, so a fingerprint
/// collision costs time, never a wrong answer).
fn write_keyed(out: &Path, name: &str, v: &[(u64, u32)]) {
    let size = (v.len() * 4 / 3).next_power_of_two();
    let mask = size - 1;
    let mut slots = vec![0u64; size];
    for &(k, val) in v {
        let mut i = k as usize & mask;
        while slots[i] != 0 {
            i = (i + 1) & mask;
        }
        slots[i] = (fingerprint(k) as u64) << 32 | val as u64;
    }
    write_u64(&out.join(format!("{name}.bin")), &slots);
}
