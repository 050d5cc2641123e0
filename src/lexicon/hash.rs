//! Hashing shared by `build.rs` (which lays out the tables) and the runtime
//! lookups: both sides must compute exactly the same numbers.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Start value of an incremental character-sequence hash.
pub const SEED: u64 = 0x243F_6A88_85A3_08D3;

/// Feeds one character into an incremental hash.
#[inline(always)]
pub fn step(h: u64, c: u32) -> u64 {
    (h ^ c as u64).wrapping_mul(K).rotate_left(27)
}

/// Final avalanche, so that low and high bits are both usable.
#[inline(always)]
pub fn finish(h: u64) -> u64 {
    let mut x = h ^ (h >> 33);
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// Bit index of a character pair in a bitset of `1 << bits` bits.
#[inline(always)]
pub fn pair_index(a: u32, b: u32, bits: u32) -> usize {
    let x = ((a as u64) << 24 | b as u64).wrapping_mul(K);
    (x >> (64 - bits)) as usize
}

/// The six pairs of positions in a four-character idiom, in the order of the
/// idiom pair bitsets.
pub const POSITION_PAIRS: [(usize, usize); 6] = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];

/// Mixes a small token (a sound class, a character) into a finished key.
#[inline(always)]
pub fn with_token(key: u64, token: u32) -> u64 {
    finish(key ^ (token as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// Blocked Bloom filter layout: one 64-byte block per key (one cache line per
/// probe), three bits inside it. Returns the block index and the three bit
/// positions within the block.
#[inline(always)]
pub fn bloom_probe(key: u64, block_bits: u32) -> (usize, [usize; 3]) {
    let block = (key >> (64 - block_bits)) as usize;
    (
        block,
        [
            (key & 511) as usize,
            ((key >> 9) & 511) as usize,
            ((key >> 18) & 511) as usize,
        ],
    )
}

/// Rows of a QWERTY keyboard, to tell which letters are neighbours.
const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];

fn key_pos(c: u8) -> Option<(i32, i32)> {
    ROWS.iter().enumerate().find_map(|(r, row)| {
        row.iter()
            .position(|&k| k == c)
            .map(|p| (r as i32, p as i32))
    })
}

/// Two syllables that differ in one letter whose keys touch (ru/tu, ming/ning).
pub fn key_slip(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut diff = (0..a.len()).filter(|&i| a[i] != b[i]);
    let (Some(d), None) = (diff.next(), diff.next()) else {
        return false;
    };
    match (key_pos(a[d]), key_pos(b[d])) {
        (Some((ra, pa)), Some((rb, pb))) => {
            if ra == rb {
                return (pa - pb).abs() == 1;
            }
            // Rows are staggered: a key touches the two below it at p-1 and p.
            let ((ru, pu), (rl, pl)) = if ra < rb {
                ((ra, pa), (rb, pb))
            } else {
                ((rb, pb), (ra, pa))
            };
            rl == ru + 1 && (pl == pu || pl == pu - 1)
        }
        _ => false,
    }
}

/// Numerals: never the slip nor the fix in an idiom (八纵八横).
pub const NUMERALS: &str = "〇零一二三四五六七八九十百千万亿两几壹贰叁肆伍陆柒捌玖拾佰仟";

/// Number of slots in the dense per-character tables (the Han ranges of [`han_index`]).
pub const HAN_SLOTS: usize = 0x4DC0 - 0x3400 + 0xA000 - 0x4E00 + 0xFB00 - 0xF900;

/// Dense index of a Han character (CJK ext. A, unified, compatibility).
#[inline(always)]
pub fn han_index(c: u32) -> Option<usize> {
    match c {
        0x4E00..=0x9FFF => Some((c - 0x4E00) as usize),
        0x3400..=0x4DBF => Some((c - 0x3400) as usize + 0x5200),
        0xF900..=0xFAFF => Some((c - 0xF900) as usize + 0x5200 + 0x19C0),
        _ => None,
    }
}

// ---- four-character window keys ------------------------------------------------
//
// The idiom scan computes several keys per window of four characters (the
// window, the window with one position masked, its character set). These are
// built from one multiply per character, shared by the four windows the
// character is in, so a window costs a few adds and one final mix per key.

/// Per-character mix; a character's contribution at slot `j` is this rotated.
#[inline(always)]
pub fn char_mix(c: u32) -> u64 {
    (c as u64 ^ 0x5851_F42D_4C95_7F2D).wrapping_mul(K)
}

/// The mask character's mix (a masked position of a key).
pub const STAR_MIX: u64 = (b'*' as u64 ^ 0x5851_F42D_4C95_7F2D).wrapping_mul(K);

#[inline(always)]
pub fn at_slot(m: u64, j: usize) -> u64 {
    m.rotate_left(16 * j as u32)
}

/// A cheap final mix (one multiply).
#[inline(always)]
pub fn lite(x: u64) -> u64 {
    let x = (x ^ (x >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    x ^ (x >> 29)
}

/// Key of four characters given their mixes.
#[inline(always)]
pub fn quad_key(m: &[u64; 4]) -> u64 {
    lite(
        at_slot(m[0], 0)
            .wrapping_add(at_slot(m[1], 1))
            .wrapping_add(at_slot(m[2], 2))
            .wrapping_add(at_slot(m[3], 3)),
    )
}

/// Key of four characters with position `k` masked.
#[inline(always)]
pub fn masked_quad_key(m: &[u64; 4], k: usize) -> u64 {
    let mut mm = *m;
    mm[k] = STAR_MIX;
    quad_key(&mm)
}

/// Order-free contribution of one character to a set key.
#[inline(always)]
pub fn set_mix(c: u32) -> u64 {
    lite(char_mix(c) ^ 0x1319_8A2E_0370_7344)
}

/// Order-free key of four characters (sum of their set mixes).
#[inline(always)]
pub fn set_key(s: &[u64; 4]) -> u64 {
    lite(
        s[0].wrapping_add(s[1])
            .wrapping_add(s[2])
            .wrapping_add(s[3]),
    )
}
