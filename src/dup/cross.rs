//! Passages shared between different files, from fingerprints alone.
//!
//! Each file is reduced to a [`FilePrints`]: sparse winnowing fingerprints
//! ([`Winnow::CROSS_FILE`], about one per 13 characters, 16 bytes each) and one
//! small record per paragraph. Texts are not kept, so memory stays well below the
//! size of the files compared.
//!
//! Without the texts, matches cannot be verified character by character.
//! Instead, consecutive shared fingerprints on the same diagonal are taken to
//! enclose identical text (winnowing selects the same k-grams from identical
//! text, at most `w` apart), and a run that starts or ends at the same distance
//! from a paragraph boundary in both files is widened to that boundary. Runs are
//! then chained and merged like in-document duplicates.
//!
//! A fingerprint found in more than [`COMMON_FILES`] files is boilerplate (a
//! standard political formula, a letterhead) and is ignored.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::align::{chain, select, Piece, Run};
use super::fingerprint::{normalize_into, prints_of, NormChar, Winnow};
use super::passages::PassageParams;
use crate::document::paragraphs;

/// A fingerprint shared by more files than this is ignored as boilerplate.
pub const COMMON_FILES: usize = 8;
/// At most this many occurrences of one fingerprint per file are compared.
const PER_FILE: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Print {
    hash: u64,
    /// Index among the file's normalised characters.
    pos: u32,
    /// Byte range of the k-gram in the file.
    byte: u32,
    byte_end: u32,
}

#[derive(Debug, Clone, Copy)]
struct Para {
    /// Normalised characters `norm..norm_end`, bytes `byte..byte_end`.
    norm: u32,
    norm_end: u32,
    byte: u32,
    byte_end: u32,
    /// Zero-based line.
    line: u32,
}

/// What the cross-file index keeps of one file: fingerprints and paragraph
/// boundaries. A pure function of the file's (lintable) text.
#[derive(Debug, Clone, Default)]
pub struct FilePrints {
    prints: Vec<Print>,
    paras: Vec<Para>,
}

impl FilePrints {
    pub fn new(text: &str) -> FilePrints {
        let winnow = Winnow::CROSS_FILE;
        let mut out = FilePrints::default();
        let mut norm: Vec<NormChar> = Vec::new();
        let mut chars: Vec<u32> = Vec::new();
        let mut total = 0u32;
        for para in paragraphs(text) {
            norm.clear();
            normalize_into(para.text, para.start as u32, &mut norm);
            if norm.is_empty() {
                continue;
            }
            chars.clear();
            chars.extend(norm.iter().map(|n| n.ch));
            for fp in prints_of(&chars, winnow).prints {
                let first = norm[fp.pos as usize];
                let last = norm[fp.pos as usize + winnow.k - 1];
                out.prints.push(Print {
                    hash: fp.hash,
                    pos: total + fp.pos,
                    byte: first.at,
                    byte_end: last.at + char_len(last.ch),
                });
            }
            // The paragraph's end includes its closing punctuation.
            let trimmed = para
                .text
                .trim_end_matches(|c: char| c.is_whitespace() || c == '\0');
            out.paras.push(Para {
                norm: total,
                norm_end: total + norm.len() as u32,
                byte: norm[0].at,
                byte_end: (para.start + trimmed.len()) as u32,
                line: para.index as u32,
            });
            total += norm.len() as u32;
        }
        out
    }

    /// Approximate heap size in bytes.
    pub fn memory(&self) -> usize {
        self.prints.capacity() * std::mem::size_of::<Print>()
            + self.paras.capacity() * std::mem::size_of::<Para>()
    }

    fn para_of(&self, pos: u32) -> &Para {
        let i = self.paras.partition_point(|p| p.norm_end <= pos);
        &self.paras[i.min(self.paras.len() - 1)]
    }

    /// Number of fingerprints starting in `from..to`.
    fn count_in(&self, from: u32, to: u32) -> usize {
        self.prints.partition_point(|p| p.pos < to) - self.prints.partition_point(|p| p.pos < from)
    }

    /// Byte where the k-gram starting at `pos` starts.
    fn byte_at(&self, pos: u32) -> u32 {
        let i = self.prints.partition_point(|p| p.pos < pos);
        self.prints.get(i).map_or(0, |p| p.byte)
    }

    /// Byte where the k-gram ending at `pos` (exclusive) ends.
    fn byte_end_at(&self, pos: u32, k: u32) -> u32 {
        let i = self.prints.partition_point(|p| p.pos + k < pos);
        self.prints.get(i).map_or(0, |p| p.byte_end)
    }
}

fn char_len(ch: u32) -> u32 {
    char::from_u32(ch).map_or(1, |c| c.len_utf8() as u32)
}

/// A passage of one file found in another.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// The file holding the reported copy, and the copy's bytes in it.
    pub file: usize,
    pub span: Range<usize>,
    /// The other file, the bytes there and their zero-based first line.
    pub other: usize,
    pub other_span: Range<usize>,
    pub other_line: usize,
    /// Characters of the reported copy, shared characters, similarity 0–1.
    pub chars: usize,
    pub matched: usize,
    pub similarity: f64,
}

/// Fingerprints of many files, compared pairwise in time linear in their total
/// size (each fingerprint meets at most [`COMMON_FILES`] others).
pub struct CrossFileIndex {
    params: PassageParams,
    files: Vec<(PathBuf, FilePrints)>,
}

impl CrossFileIndex {
    pub fn new(params: PassageParams) -> CrossFileIndex {
        CrossFileIndex {
            params,
            files: Vec::new(),
        }
    }

    /// Adds a file's fingerprints; returns its index.
    pub fn add(&mut self, path: PathBuf, prints: FilePrints) -> usize {
        self.files.push((path, prints));
        self.files.len() - 1
    }

    /// Adds a file from its lintable text (not kept).
    pub fn add_text(&mut self, path: PathBuf, text: &str) -> usize {
        self.add(path, FilePrints::new(text))
    }

    pub fn path(&self, file: usize) -> &Path {
        &self.files[file].0
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Approximate heap size of the stored fingerprints, in bytes.
    pub fn memory(&self) -> usize {
        self.files.iter().map(|(_, f)| f.memory()).sum()
    }

    /// Every passage shared between two different files, reported in both
    /// files (each copy names the other). Sorted by file, then position.
    pub fn shared(&self) -> Vec<Shared> {
        let k = Winnow::CROSS_FILE.k as u32;
        // (hash, file, print index), grouped by hash.
        let mut all: Vec<(u64, u32, u32)> = Vec::new();
        for (f, (_, fp)) in self.files.iter().enumerate() {
            all.extend(
                fp.prints
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.hash, f as u32, i as u32)),
            );
        }
        all.sort_unstable();
        // (file b, file a, pos b, pos a): a fingerprint of b also in a.
        let mut pairs: Vec<(u32, u32, u32, u32)> = Vec::new();
        let mut group: Vec<(u32, u32)> = Vec::new();
        for same in all.chunk_by(|x, y| x.0 == y.0) {
            group.clear();
            let mut files = 0;
            let mut last_file = u32::MAX;
            let mut in_file = 0;
            for &(_, f, i) in same {
                if f != last_file {
                    files += 1;
                    last_file = f;
                    in_file = 0;
                }
                in_file += 1;
                if in_file <= PER_FILE {
                    group.push((f, self.files[f as usize].1.prints[i as usize].pos));
                }
            }
            if !(2..=COMMON_FILES).contains(&files) {
                continue;
            }
            for &(fb, pb) in &group {
                for &(fa, pa) in &group {
                    if fa != fb {
                        pairs.push((fb, fa, pb, pa));
                    }
                }
            }
        }
        drop(all);
        pairs.sort_unstable();
        let align = self.params.align(false);
        let mut out = Vec::new();
        for pair_group in pairs.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
            let (fb, fa) = (pair_group[0].0 as usize, pair_group[0].1 as usize);
            let (b_prints, a_prints) = (&self.files[fb].1, &self.files[fa].1);
            let mut pieces = fingerprint_pieces(pair_group, k);
            let mut runs = chain(&mut pieces, &align);
            for run in &mut runs {
                snap(run, b_prints, a_prints);
            }
            // Similarity from fingerprints: the share of each copy's fingerprints
            // that the other copy has (the measure winnowing was designed for).
            let similarity = |r: &Run| {
                let lo = pair_group.partition_point(|x| x.2 < r.b0);
                let hi = pair_group.partition_point(|x| x.2 < r.b1);
                let mut shared: Vec<u32> = pair_group[lo..hi]
                    .iter()
                    .filter(|x| (r.a0..r.a1).contains(&x.3))
                    .map(|x| x.2)
                    .collect();
                shared.dedup();
                let total = b_prints.count_in(r.b0, r.b1) + a_prints.count_in(r.a0, r.a1);
                if total == 0 {
                    0.0
                } else {
                    (2.0 * shared.len() as f64 / total as f64).min(1.0)
                }
            };
            for run in select(runs, &align, similarity) {
                let span_b = span_of(b_prints, run.b0, run.b1, k);
                let span_a = span_of(a_prints, run.a0, run.a1, k);
                out.push(Shared {
                    file: fb,
                    span: span_b,
                    other: fa,
                    other_span: span_a,
                    other_line: a_prints.para_of(run.a0).line as usize,
                    chars: run.b_len() as usize,
                    matched: run.matched as usize,
                    similarity: similarity(&run),
                });
            }
        }
        out.sort_by_key(|s| (s.file, s.span.start, s.other));
        out
    }
}

/// Turns fingerprint matches of one file pair (sorted by `b`) into pieces:
/// consecutive matches on one diagonal, at most one window apart, enclose
/// identical text.
fn fingerprint_pieces(pairs: &[(u32, u32, u32, u32)], k: u32) -> Vec<Piece> {
    let span = (Winnow::CROSS_FILE.w as u32) + k;
    let mut by_diag: Vec<(i64, u32, u32)> = pairs
        .iter()
        .map(|&(_, _, b, a)| (b as i64 - a as i64, b, a))
        .collect();
    by_diag.sort_unstable();
    let mut out: Vec<Piece> = Vec::new();
    let mut last: Option<(i64, u32)> = None;
    for (d, b, a) in by_diag {
        if let (Some((ld, lb)), Some(piece)) = (last, out.last_mut()) {
            if ld == d && b - lb <= span {
                piece.len = b + k - piece.b;
                last = Some((d, b));
                continue;
            }
        }
        out.push(Piece { a, b, len: k });
        last = Some((d, b));
    }
    out
}

/// Widens a run to paragraph boundaries that lie at the same distance in both
/// files (the text up to the boundary is then almost surely the same).
fn snap(run: &mut Run, b: &FilePrints, a: &FilePrints) {
    let limit = Winnow::CROSS_FILE.guarantee() as u32;
    let (pb, pa) = (b.para_of(run.b0), a.para_of(run.a0));
    let (ob, oa) = (run.b0 - pb.norm, run.a0.saturating_sub(pa.norm));
    if ob == oa && ob > 0 && ob <= limit {
        run.b0 -= ob;
        run.a0 -= ob;
        run.matched += ob;
    }
    let (pb, pa) = (b.para_of(run.b1 - 1), a.para_of(run.a1 - 1));
    let (eb, ea) = (pb.norm_end - run.b1, pa.norm_end.saturating_sub(run.a1));
    if eb == ea && eb > 0 && eb <= limit {
        run.b1 += eb;
        run.a1 += eb;
        run.matched += eb;
    }
}

fn span_of(prints: &FilePrints, from: u32, to: u32, k: u32) -> Range<usize> {
    let start_para = prints.para_of(from);
    let start = if start_para.norm == from {
        start_para.byte
    } else {
        prints.byte_at(from)
    };
    let end_para = prints.para_of(to - 1);
    let end = if end_para.norm_end == to {
        end_para.byte_end
    } else {
        prints.byte_end_at(to, k)
    };
    start as usize..end.max(start) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARED: &str = "我院案件质量评查机制的基本模式是以提高办案质量为目标，以评查为手段，以责任追究为保障，把评查结果与法官的考核、奖惩和晋升挂钩，形成了有效的激励约束机制。";

    #[test]
    fn finds_a_paragraph_shared_by_two_files_in_both() {
        let a = format!("第一份文件的开头。\n{SHARED}\n结尾的一段话，与其他文件无关。\n");
        let b = format!("另一份文件\n开头说明一些不同的事情，内容并不相同。\n\n{SHARED}\n");
        let mut index = CrossFileIndex::new(PassageParams::default());
        index.add_text("a.txt".into(), &a);
        index.add_text("b.txt".into(), &b);
        let shared = index.shared();
        assert_eq!(shared.len(), 2, "{shared:?}");
        let in_b = shared.iter().find(|s| s.file == 1).unwrap();
        assert_eq!(&b[in_b.span.clone()], SHARED);
        assert_eq!(&a[in_b.other_span.clone()], SHARED);
        assert_eq!(in_b.other_line, 1);
        assert!(in_b.similarity > 0.99, "{}", in_b.similarity);
        assert!(index.memory() < a.len() + b.len());
    }

    #[test]
    fn unrelated_files_share_nothing_and_boilerplate_is_ignored() {
        let mut index = CrossFileIndex::new(PassageParams::default());
        for i in 0..10 {
            index.add_text(
                format!("{i}.txt").into(),
                &format!("第{i}号文件。\n{SHARED}\n"),
            );
        }
        // The paragraph is in ten files: boilerplate by definition.
        assert!(index.shared().is_empty());
        let mut index = CrossFileIndex::new(PassageParams::default());
        index.add_text(
            "x.txt".into(),
            "同志们：今天我们召开全县安全生产工作会议，主要任务是总结工作、部署任务。",
        );
        index.add_text(
            "y.txt".into(),
            "同志们：今天我们召开全市文明城市创建工作推进会，目的是查找差距、明确责任。",
        );
        assert!(index.shared().is_empty());
    }
}
