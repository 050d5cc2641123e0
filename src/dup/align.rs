//! From matched pieces to duplicated passages: chaining exact pieces into runs
//! that tolerate small edits, keeping the runs long and similar enough, and
//! merging neighbouring runs so that one pasted section is one passage.
//!
//! Shared by the in-document detector (pieces verified against the text) and the
//! cross-file index (pieces inferred from fingerprints). Coordinates are indices
//! into normalised character streams: `a` in the earlier (or other) text, `b` in
//! the later (or reported) one.

/// An exact common piece: `len` characters at `a` and at `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub a: u32,
    pub b: u32,
    pub len: u32,
}

impl Piece {
    fn diag(&self) -> i64 {
        self.b as i64 - self.a as i64
    }
}

/// A chain of pieces in the same order on both sides: `a0..a1` ↔ `b0..b1`, of
/// which `matched` characters are identical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Run {
    pub a0: u32,
    pub a1: u32,
    pub b0: u32,
    pub b1: u32,
    pub matched: u32,
}

impl Run {
    pub fn a_len(&self) -> u32 {
        self.a1 - self.a0
    }
    pub fn b_len(&self) -> u32 {
        self.b1 - self.b0
    }
    /// Dice similarity: shared characters over the average length of the two
    /// copies. A sentence added to one copy lowers it only by its own weight.
    pub fn similarity(&self) -> f64 {
        let total = (self.a_len() + self.b_len()) as f64;
        if total == 0.0 {
            0.0
        } else {
            (2.0 * self.matched as f64 / total).min(1.0)
        }
    }
}

/// How pieces are chained and runs kept.
#[derive(Debug, Clone, Copy)]
pub struct AlignParams {
    /// Shortest passage reported, in normalised characters.
    pub min_chars: u32,
    /// Lowest similarity (0–1) of a reported passage.
    pub similarity: f64,
    /// Largest edit bridged inside one run (characters skipped on either side).
    pub max_gap: u32,
    /// Largest distance between two runs merged into one passage (in the later copy).
    pub merge_gap: u32,
    /// Whether `a` and `b` index the same text, so a source must end before its
    /// copy starts.
    pub same_text: bool,
}

/// Chains pieces (sorted here) into runs. Greedy, in order of `b`: a piece
/// extends the open run that it continues with the smallest gap, on a nearby
/// diagonal; runs left behind by more than `max_gap` are closed. Linear in the
/// number of pieces times the (small) number of runs open at one place.
pub fn chain(pieces: &mut [Piece], params: &AlignParams) -> Vec<Run> {
    pieces.sort_unstable_by_key(|p| (p.b, p.a));
    let gap = params.max_gap as i64;
    let mut open: Vec<(Run, i64)> = Vec::new();
    let mut closed: Vec<Run> = Vec::new();
    for piece in pieces.iter() {
        let mut i = 0;
        while i < open.len() {
            if (open[i].0.b1 as i64) + gap < piece.b as i64 {
                closed.push(open.swap_remove(i).0);
            } else {
                i += 1;
            }
        }
        let mut best: Option<(usize, i64, Piece)> = None;
        let mut absorbed = false;
        for (idx, (run, diag)) in open.iter().enumerate() {
            if (piece.diag() - diag).abs() > gap {
                continue;
            }
            // Trim the piece where it overlaps the run, staying on its diagonal.
            let trim = (run.b1.saturating_sub(piece.b)).max(run.a1.saturating_sub(piece.a));
            if trim >= piece.len {
                // Already part of this run (a second seed on the same stretch).
                if piece.b >= run.b0
                    && piece.b + piece.len <= run.b1
                    && piece.a >= run.a0
                    && piece.a + piece.len <= run.a1
                {
                    absorbed = true;
                    break;
                }
                continue;
            }
            let p = Piece {
                a: piece.a + trim,
                b: piece.b + trim,
                len: piece.len - trim,
            };
            let gap_b = (p.b - run.b1) as i64;
            let gap_a = (p.a - run.a1) as i64;
            if gap_a > gap || gap_b > gap {
                continue;
            }
            if params.same_text && p.a + p.len > run.b0 {
                continue;
            }
            let cost = gap_a + gap_b;
            if best.is_none_or(|(_, c, _)| cost < c) {
                best = Some((idx, cost, p));
            }
        }
        if absorbed {
            continue;
        }
        // A piece that had to be trimmed to join a run may belong to another
        // alignment: it also starts a run of its own, and `select` keeps the better.
        let mut alone = true;
        if let Some((idx, _, p)) = best {
            alone = p.len < piece.len;
            let (run, diag) = &mut open[idx];
            run.a1 = p.a + p.len;
            run.b1 = p.b + p.len;
            run.matched += p.len;
            *diag = p.diag();
        }
        if alone {
            open.push((
                Run {
                    a0: piece.a,
                    a1: piece.a + piece.len,
                    b0: piece.b,
                    b1: piece.b + piece.len,
                    matched: piece.len,
                },
                piece.diag(),
            ));
        }
    }
    closed.extend(open.into_iter().map(|(r, _)| r));
    closed
}

/// Characters two merged runs may share in the source (an edit's boundary).
const OVERLAP: u32 = 10;

/// Keeps the runs long and similar enough, resolves runs that claim the same
/// stretch of the later copy (the longer wins, then the earlier source: a third
/// copy points at the first), and merges neighbours that continue each other
/// into one passage. Result sorted by `b0`.
/// `similarity` measures a run (usually [`Run::similarity`]).
pub fn select(
    mut runs: Vec<Run>,
    params: &AlignParams,
    similarity: impl Fn(&Run) -> f64,
) -> Vec<Run> {
    runs.retain(|r| r.matched >= params.min_chars && similarity(r) >= params.similarity);
    runs.sort_unstable_by_key(|r| (r.b0, std::cmp::Reverse(r.matched), r.a0));
    let mut kept: Vec<Run> = Vec::with_capacity(runs.len());
    for run in runs {
        if let Some(last) = kept.last_mut() {
            if run.b0 < last.b1 {
                let overlap = last.b1.min(run.b1) - run.b0;
                if overlap * 2 >= run.b_len().min(last.b_len()) {
                    let better = (run.matched, std::cmp::Reverse(run.a0))
                        > (last.matched, std::cmp::Reverse(last.a0));
                    if better {
                        *last = run;
                    }
                    continue;
                }
            }
        }
        kept.push(run);
    }
    let mut merged: Vec<Run> = Vec::with_capacity(kept.len());
    for run in kept {
        if let Some(cur) = merged.last_mut() {
            let close_b = run.b0 <= cur.b1 + params.merge_gap;
            // The source continues forward, allowing paragraphs dropped from it.
            let forward = run.a0 + OVERLAP >= cur.a1 && run.a0 <= cur.a1 + 4 * params.merge_gap;
            let a1 = cur.a1.max(run.a1);
            let ordered = !params.same_text || a1 <= cur.b0;
            if close_b && forward && ordered {
                let overlap = cur.b1.saturating_sub(run.b0).min(run.matched);
                cur.matched += run.matched - overlap;
                cur.a1 = a1;
                cur.b1 = cur.b1.max(run.b1);
                continue;
            }
        }
        merged.push(run);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> AlignParams {
        AlignParams {
            min_chars: 20,
            similarity: 0.8,
            max_gap: 10,
            merge_gap: 30,
            same_text: true,
        }
    }

    #[test]
    fn chains_across_a_small_edit() {
        // 0..30 copied to 100..130 with 3 characters changed at 15..18.
        let mut pieces = vec![
            Piece {
                a: 0,
                b: 100,
                len: 15,
            },
            Piece {
                a: 18,
                b: 118,
                len: 12,
            },
        ];
        let runs = chain(&mut pieces, &params());
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].a0, runs[0].a1, runs[0].b0, runs[0].b1),
            (0, 30, 100, 130)
        );
        assert_eq!(runs[0].matched, 27);
        assert_eq!(select(runs, &params(), Run::similarity).len(), 1);
    }

    #[test]
    fn chains_across_an_inserted_sentence() {
        let mut pieces = vec![
            Piece {
                a: 0,
                b: 100,
                len: 20,
            },
            Piece {
                a: 20,
                b: 128,
                len: 20,
            },
        ];
        let runs = select(chain(&mut pieces, &params()), &params(), Run::similarity);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].b1, 148);
        assert!(runs[0].similarity() > 0.8);
    }

    #[test]
    fn third_copy_points_at_the_first() {
        let runs = vec![
            Run {
                a0: 100,
                a1: 150,
                b0: 200,
                b1: 250,
                matched: 50,
            },
            Run {
                a0: 0,
                a1: 50,
                b0: 200,
                b1: 250,
                matched: 50,
            },
        ];
        let kept = select(runs, &params(), Run::similarity);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].a0, 0);
    }

    #[test]
    fn merges_neighbouring_runs_of_one_section() {
        let runs = vec![
            Run {
                a0: 0,
                a1: 40,
                b0: 500,
                b1: 540,
                matched: 40,
            },
            Run {
                a0: 60,
                a1: 100,
                b0: 545,
                b1: 585,
                matched: 40,
            },
            // A different source far away: not merged.
            Run {
                a0: 300,
                a1: 340,
                b0: 590,
                b1: 630,
                matched: 40,
            },
        ];
        let kept = select(runs, &params(), Run::similarity);
        assert_eq!(kept.len(), 2);
        assert_eq!(
            (kept[0].a0, kept[0].a1, kept[0].b0, kept[0].b1),
            (0, 100, 500, 585)
        );
        assert_eq!(kept[0].matched, 80);
    }

    #[test]
    fn source_must_precede_copy_in_one_text() {
        // A periodic text: a piece whose source overlaps its copy is not chained
        // onto a run it would overlap.
        let mut pieces = vec![
            Piece {
                a: 0,
                b: 30,
                len: 30,
            },
            Piece {
                a: 30,
                b: 60,
                len: 30,
            },
        ];
        let runs = chain(&mut pieces, &params());
        assert_eq!(runs.len(), 2);
    }
}
