//! Converts byte offsets into UTF-8 text to line/column positions and back.
//!
//! Everything inside gwlint works on byte offsets; this is the one place that knows
//! about lines and about the three ways editors count columns (UTF-8 bytes, UTF-16
//! code units as LSP defaults to, and code points). Modelled on rust-analyzer's
//! `line-index`.

/// How a column is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    /// Unicode scalar values ("characters").
    Utf32,
}

/// A zero-based line and column, the column counted in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of one text, for offset ↔ position conversion.
///
/// A line ends after `\n`; a `\r` before it belongs to the line terminator, so a
/// position past the line's content is clamped before the `\r`.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
    /// Characters and 4-byte characters before each [`BLOCK`] of the text,
    /// built when a column far into a long line is first asked for: counting
    /// from the line's start made a long line with many findings quadratic
    /// (a 2.4 MB one-line file took minutes).
    blocks: std::sync::OnceLock<Vec<[u32; 2]>>,
}

/// Bytes per entry of [`LineIndex::blocks`].
const BLOCK: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| (i + 1) as u32));
        LineIndex {
            line_starts,
            len: text.len() as u32,
            blocks: std::sync::OnceLock::new(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `line` without its terminator (`\n` or `\r\n`).
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line.min(self.line_starts.len() - 1)] as usize;
        let mut end = self
            .line_starts
            .get(line + 1)
            .map(|&s| s as usize - 1)
            .unwrap_or(self.len as usize);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// The line holding byte `offset` (offsets past the end map to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len as usize) as u32;
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Position of byte `offset`. An offset inside a multi-byte character is moved back
    /// to the character's start.
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let col = if enc == Encoding::Utf8 || offset - start <= 2 * BLOCK {
            count_units(&text[start..offset], enc)
        } else {
            self.units_before(text, offset, enc) - self.units_before(text, start, enc)
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Columns in `enc` (UTF-16 or UTF-32) from the start of the text to byte `at`.
    fn units_before(&self, text: &str, at: usize, enc: Encoding) -> usize {
        let bytes = text.as_bytes();
        let blocks = self.blocks.get_or_init(|| {
            let mut acc = [0u32; 2];
            let mut blocks = vec![acc];
            for chunk in bytes.chunks(BLOCK) {
                acc[0] += count_byte_units(chunk, Encoding::Utf16) as u32;
                acc[1] += count_byte_units(chunk, Encoding::Utf32) as u32;
                blocks.push(acc);
            }
            blocks
        });
        let k = at / BLOCK;
        let before = blocks[k][usize::from(enc != Encoding::Utf16)] as usize;
        before + count_byte_units(&bytes[k * BLOCK..at], enc)
    }

    /// Byte offset of a position. Columns past the end of the line clamp to the
    /// line's end and lines past the end clamp to the text's end, so a stale or
    /// malformed position from an editor never panics.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line);
        let line_text = &text[range.clone()];
        let mut units = 0u32;
        for (i, ch) in line_text.char_indices() {
            if units >= pos.col {
                return range.start + i;
            }
            units += unit_len(ch, enc) as u32;
        }
        range.end
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

/// The width of one character in the given encoding's units.
pub fn unit_len(ch: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => ch.len_utf8(),
        Encoding::Utf16 => ch.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// Number of units `s` takes in the given encoding.
pub fn count_units(s: &str, enc: Encoding) -> usize {
    count_byte_units(s.as_bytes(), enc)
}

/// [`count_units`] of UTF-8 bytes that may start or end inside a character:
/// a character counts where its first byte is.
fn count_byte_units(bytes: &[u8], enc: Encoding) -> usize {
    // Counted on bytes, which the compiler vectorises: every byte that is not a
    // continuation byte starts a character, and every 4-byte lead (≥ 0xF0) starts
    // one that takes two UTF-16 units. Long 公文 lines make this a hot path when
    // thousands of findings are converted to editor positions.
    let chars = || bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
    match enc {
        Encoding::Utf8 => bytes.len(),
        Encoding::Utf16 => chars() + bytes.iter().filter(|&&b| b >= 0xF0).count(),
        Encoding::Utf32 => chars(),
    }
}

/// The largest char boundary at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_in_all_encodings() {
        let text = "甲乙\n𠀀x丙\r\nend";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(
            idx.line_col(text, x, Encoding::Utf8),
            LineCol { line: 1, col: 4 }
        );
        assert_eq!(
            idx.line_col(text, x, Encoding::Utf16),
            LineCol { line: 1, col: 2 }
        );
        assert_eq!(
            idx.line_col(text, x, Encoding::Utf32),
            LineCol { line: 1, col: 1 }
        );
        let e = text.find("end").unwrap();
        assert_eq!(
            idx.line_col(text, e, Encoding::Utf16),
            LineCol { line: 2, col: 0 }
        );
    }

    #[test]
    fn offsets_round_trip_and_clamp() {
        let text = "甲乙\r\n𠀀x丙\nend";
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (off, _) in text.char_indices().filter(|&(_, c)| c != '\n' && c != '\r') {
                let pos = idx.line_col(text, off, enc);
                assert_eq!(idx.offset(text, pos, enc), off, "{enc:?} {off}");
            }
        }
        // Past the end of line 0: clamp before the \r.
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            6
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            text.len()
        );
        // Inside a surrogate pair: lands on a char boundary.
        let off = idx.offset(text, LineCol { line: 1, col: 1 }, Encoding::Utf16);
        assert!(text.is_char_boundary(off));
    }

    #[test]
    fn columns_far_into_long_lines_equal_counting_from_the_line_start() {
        // Several blocks long, with 1- to 4-byte characters and more than
        // one line, so that block counts and line starts both matter.
        let line: String = "甲a𠀀乙é😀丙，".repeat(700);
        let text = format!("前言\n{line}\n{line}\r\n尾");
        let idx = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (off, _) in text.char_indices().step_by(37) {
                let line = idx.line_of(off);
                let start = idx.line_range(&text, line).start;
                let expected = LineCol {
                    line: line as u32,
                    col: count_units(&text[start..off], enc) as u32,
                };
                assert_eq!(idx.line_col(&text, off, enc), expected, "{enc:?} {off}");
            }
        }
    }

    #[test]
    fn unit_counts_match_char_by_char_counting() {
        for s in ["", "abc", "布臵", "𠀀x丙😀\r\n", "é—…"] {
            assert_eq!(
                count_units(s, Encoding::Utf16),
                s.chars().map(char::len_utf16).sum::<usize>()
            );
            assert_eq!(count_units(s, Encoding::Utf32), s.chars().count());
            assert_eq!(count_units(s, Encoding::Utf8), s.len());
        }
    }

    #[test]
    fn line_ranges_exclude_terminators() {
        let text = "a\r\nb\n\nc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(&text[idx.line_range(text, 0)], "a");
        assert_eq!(&text[idx.line_range(text, 1)], "b");
        assert_eq!(&text[idx.line_range(text, 2)], "");
        assert_eq!(&text[idx.line_range(text, 3)], "c");
    }
}
