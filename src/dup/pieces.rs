//! The piece scan: fingerprints paired with their earlier occurrences and
//! extended into maximal exact pieces, resumable after an edit.
//!
//! The scan walks the stream once, left to right, and its state at any
//! position (the pieces so far, the end of the last piece on each diagonal,
//! how far long pieces cover the stream) follows from the pieces found before
//! that position. The pairing at a position reads the stream only up to its
//! k-gram and up to the first difference after each piece it finds. So after
//! an edit that left the stream unchanged before some position, every piece
//! found at a position whose reading stayed before it is found again: the
//! language server replays those, and scans only from there (on average half
//! the stream).

use super::align::Piece;
use super::fingerprint::PrehashedMap;
use super::occurrences::{Earlier, CANDIDATES};
use super::passages::{common_prefix, common_suffix, same, Stream};

/// The last scan's pieces, each with the fingerprint position that found it,
/// in scan order; and the settings they were found with.
#[derive(Default)]
pub(crate) struct ScanMemo {
    found: Vec<(u32, Piece)>,
    settings: Option<(u32, u32)>,
    /// How many pieces the last scan took over from the one before.
    replayed: usize,
}

/// Where the last scan can be resumed: the stream it scanned is equal to this
/// one before `unchanged`.
pub(crate) struct Resume<'a> {
    pub memo: &'a mut ScanMemo,
    pub unchanged: u32,
}

/// Pairs fingerprints with earlier occurrences and extends each pair into a
/// maximal exact piece whose source ends before it starts. Pieces of length
/// `long` or more cover the stream: fingerprints inside them are not paired.
pub(crate) fn pieces(
    stream: &Stream,
    occurrences: &mut dyn Earlier,
    k: usize,
    long: u32,
    resume: Option<Resume<'_>>,
) -> Vec<Piece> {
    let s = &stream.chars;
    let n = s.len() as u32;
    let k = k as u32;
    // Diagonal → end (in `b`) of the last piece found on it.
    let mut diag_end: PrehashedMap<u32, u32> = PrehashedMap::default();
    let mut covered_until = 0u32;
    let mut out = Vec::new();
    // Fingerprints before `from` were paired by the last scan.
    let mut from = 0u32;
    let mut memo = resume.map(|Resume { memo, unchanged }| {
        from = memo.resume_point(unchanged, k, long);
        for &(_, piece) in &memo.found {
            diag_end.insert(piece.b - piece.a, piece.b + piece.len);
            if piece.len >= long {
                covered_until = covered_until.max(piece.b + piece.len);
            }
            out.push(piece);
        }
        memo
    });
    let mut found: Vec<Piece> = Vec::with_capacity(CANDIDATES);
    while let Some((p, slots)) = occurrences.next_from(covered_until.max(from)) {
        if p < covered_until || p < from {
            continue;
        }
        found.clear();
        for &q in slots {
            let d = p - q;
            let done = diag_end.get(&d).copied().unwrap_or(0);
            if done > p || q + k > p {
                continue;
            }
            if !same(s, q, p, k) {
                continue; // hash collision
            }
            let lo = covered_until.max(done);
            let (mut a, mut b) = (q, p);
            let back = common_suffix(s, a, b, b.saturating_sub(lo).min(a));
            a -= back;
            b -= back;
            let mut len = p + k - b;
            let limit = (n.saturating_sub(b + len)).min(b.saturating_sub(a + len));
            len += common_prefix(s, a + len, b + len, limit);
            len = len.min(b - a);
            if len < k {
                continue;
            }
            diag_end.insert(d, b + len);
            found.push(Piece { a, b, len });
        }
        for piece in &found {
            if piece.len >= long {
                covered_until = covered_until.max(piece.b + piece.len);
            }
        }
        out.extend_from_slice(&found);
        if let Some(memo) = memo.as_mut() {
            memo.found.extend(found.iter().map(|&piece| (p, piece)));
        }
    }
    out
}

impl ScanMemo {
    /// How many pieces the last scan took over from the one before, for tests.
    pub fn replayed(&self) -> usize {
        self.replayed
    }

    /// The last scan's pieces with the positions that found them.
    #[cfg(test)]
    pub fn found(&self) -> &[(u32, Piece)] {
        &self.found
    }

    /// Keeps the pieces found at positions whose pairing read the stream
    /// only before `unchanged`, and returns the first position to scan again.
    fn resume_point(&mut self, unchanged: u32, k: u32, long: u32) -> u32 {
        if self.settings != Some((k, long)) {
            self.settings = Some((k, long));
            self.found.clear();
            self.replayed = 0;
            return 0;
        }
        // A position's k-gram must lie before the change (a hash collision
        // rejected there read all of it), and so must the first difference
        // after every piece found at it: a piece that ran up to the change
        // might run on now.
        let mut resume = (unchanged + 1).saturating_sub(k);
        if let Some(&(p, _)) = self
            .found
            .iter()
            .find(|(_, piece)| piece.b + piece.len >= unchanged)
        {
            resume = resume.min(p);
        }
        let kept = self.found.partition_point(|&(p, _)| p < resume);
        self.found.truncate(kept);
        self.replayed = kept;
        resume
    }
}
