//! Hashing shared by `build.rs` (which lays out the tables) and the runtime
//! lookups: both sides must compute exactly the same numbers.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Start value of an incremental character-sequence hash.
pub const SEED: u64 = 0x243F_6A88_85A3_08D3;

/// Seed of the order-free (sorted characters) key used to find swapped idioms.
pub const SWAP_SEED: u64 = 0x1319_8A2E_0370_7344;

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

pub fn hash_chars(seed: u64, chars: impl IntoIterator<Item = u32>) -> u64 {
    finish(chars.into_iter().fold(seed, step))
}

/// Bit index of a character pair in a bitset of `1 << bits` bits.
#[inline(always)]
pub fn pair_index(a: u32, b: u32, bits: u32) -> usize {
    let x = ((a as u64) << 24 | b as u64).wrapping_mul(K);
    (x >> (64 - bits)) as usize
}
