//! Duplicate text: passages pasted twice (in one document or across files) and
//! words typed twice.
//!
//! The passage detector is linear in the size of the input. Paragraphs are
//! normalised (whitespace, punctuation and masked Markdown dropped; full-width
//! folded) and fingerprinted by winnowing over character k-grams — per paragraph,
//! so the language server can cache the fingerprints. Fingerprints shared with
//! earlier text are verified and extended into exact pieces, pieces are chained
//! across small edits (a place name swapped, a sentence inserted), and runs that
//! continue each other are merged, so a pasted section of twenty paragraphs is
//! one passage.
//!
//! - [`find_passages`]: duplicates inside one document.
//! - [`CrossFileIndex`]: duplicates between files, from fingerprints only.
//! - [`find_repeats`]: 的的, 我们我们 — immediate repeats that are slips.

pub mod align;
pub mod cross;
pub mod fingerprint;
mod occurrences;
pub mod passages;
mod pieces;
mod print_index;
pub mod repeat;
mod widen_memo;

pub use cross::{CrossFileIndex, FilePrints, Shared};
pub use fingerprint::{paragraph_prints, Fingerprint, ParagraphPrints, Winnow};
pub use passages::{
    find_passages, find_passages_from, find_passages_reusing, ParagraphNorm, Passage,
    PassageParams, PassageScratch,
};
pub use repeat::{find_repeats, find_repeats_in, Repeat};
