//! An open document's text: a rope with incremental edits, positions in the
//! negotiated encoding, and clamping of positions that fall outside the text.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};

use crate::position::Encoding;

/// The text of an open document: a rope, which finds an edit's position in
/// any encoding, and the same text flat, which lints share. Copying the rope
/// into a string for every lint cost more than editing the flat text in
/// place (its tail moves; nothing is copied while no lint holds it).
pub struct DocText {
    rope: Rope,
    flat: Arc<String>,
    /// What changed since the text was last taken for a lint.
    pending: Pending,
    /// How many times the text was taken for a lint.
    taken: u64,
}

/// Bytes `start..old_end` of one text became `start..new_end` of another;
/// the rest is the same, moved by the difference after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Changed {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Changed {
    /// This change, then bytes `start..end` of its result replaced by `len`
    /// bytes: one change covering both.
    fn then(self, start: usize, end: usize, len: usize) -> Changed {
        // The part of the second edit past the first's end was unchanged.
        let old_end = self.old_end + end.saturating_sub(self.new_end);
        Changed {
            start: self.start.min(start),
            old_end,
            new_end: self.new_end.max(end) + len - (end - start),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Pending {
    /// Replaced as a whole, or never taken.
    Unknown,
    Unchanged,
    Changed(Changed),
}

/// The text taken for a lint and its [`Revision`].
pub struct Taken {
    pub text: Arc<String>,
    pub revision: Revision,
}

/// A text's number among those taken from a document, and what changed
/// since the one numbered `generation - 1` (`None` when that is not known).
#[derive(Clone, Copy, Debug)]
pub struct Revision {
    pub generation: u64,
    pub since_last: Option<Changed>,
}

/// A position that had to be clamped, for logging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clamped {
    pub requested: Position,
    pub used: usize,
}

impl DocText {
    pub fn new(text: String) -> DocText {
        DocText {
            rope: Rope::from_str(&text),
            flat: Arc::new(text),
            pending: Pending::Unknown,
            taken: 0,
        }
    }

    /// The current text, shared.
    pub fn text(&self) -> Arc<String> {
        self.flat.clone()
    }

    /// The current text for a lint, with what changed since the last one
    /// taken (see [`Taken`]).
    pub fn take(&mut self) -> Taken {
        self.taken += 1;
        let since_last = match std::mem::replace(&mut self.pending, Pending::Unchanged) {
            Pending::Unknown => None,
            Pending::Unchanged => Some(Changed {
                start: 0,
                old_end: 0,
                new_end: 0,
            }),
            Pending::Changed(c) => Some(c),
        };
        Taken {
            text: self.flat.clone(),
            revision: Revision {
                generation: self.taken,
                since_last,
            },
        }
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Applies one change (a ranged edit or a full replacement). Returns the
    /// positions that were out of range and clamped.
    pub fn apply(
        &mut self,
        change: &TextDocumentContentChangeEvent,
        enc: Encoding,
    ) -> Vec<Clamped> {
        let mut clamped = Vec::new();
        match change.range {
            None => {
                self.rope = Rope::from_str(&change.text);
                self.flat = Arc::new(change.text.clone());
                self.pending = Pending::Unknown;
            }
            Some(range) => {
                let start = self.char_index(range.start, enc, &mut clamped);
                let end = self.char_index(range.end, enc, &mut clamped);
                let (start, end) = if start <= end {
                    (start, end)
                } else {
                    (end, start)
                };
                let bytes = self.rope.char_to_byte(start)..self.rope.char_to_byte(end);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
                let len = change.text.len();
                self.pending = match self.pending {
                    Pending::Unknown => Pending::Unknown,
                    Pending::Unchanged => Pending::Changed(Changed {
                        start: bytes.start,
                        old_end: bytes.end,
                        new_end: bytes.start + len,
                    }),
                    Pending::Changed(c) => Pending::Changed(c.then(bytes.start, bytes.end, len)),
                };
                Arc::make_mut(&mut self.flat).replace_range(bytes, &change.text);
            }
        }
        debug_assert_eq!(self.flat.len(), self.rope.len_bytes());
        clamped
    }

    /// Char index of an LSP position. Lines past the end clamp to the end of the
    /// text; columns past the end of a line clamp to the line's end (before its
    /// terminator); a column inside a surrogate pair or a UTF-8 sequence moves to
    /// the character's start.
    fn char_index(&self, pos: Position, enc: Encoding, clamped: &mut Vec<Clamped>) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            let used = self.rope.len_chars();
            clamped.push(Clamped {
                requested: pos,
                used,
            });
            return used;
        }
        let line_start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        let mut units = 0usize;
        let want = pos.character as usize;
        for (i, ch) in slice.chars().enumerate() {
            if ch == '\n' || ch == '\r' {
                if units < want {
                    clamped.push(Clamped {
                        requested: pos,
                        used: line_start + i,
                    });
                }
                return line_start + i;
            }
            let len = crate::position::unit_len(ch, enc);
            if units + len > want {
                if units != want {
                    clamped.push(Clamped {
                        requested: pos,
                        used: line_start + i,
                    });
                }
                return line_start + i;
            }
            units += len;
        }
        let end = line_start + slice.len_chars();
        if units < want {
            clamped.push(Clamped {
                requested: pos,
                used: end,
            });
        }
        end
    }
}

/// Converts between byte offsets in a text snapshot and LSP positions.
pub struct PositionMap<'a> {
    pub text: &'a str,
    pub index: crate::position::LineIndex,
    pub enc: Encoding,
}

impl<'a> PositionMap<'a> {
    pub fn new(text: &'a str, enc: Encoding) -> Self {
        PositionMap {
            text,
            index: crate::position::LineIndex::new(text),
            enc,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let lc = self.index.line_col(self.text, offset, self.enc);
        Position::new(lc.line, lc.col)
    }

    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn offset(&self, pos: Position) -> usize {
        self.index.offset(
            self.text,
            crate::position::LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.enc,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(
        text: &str,
        range: ((u32, u32), (u32, u32)),
        new: &str,
        enc: Encoding,
    ) -> (String, usize) {
        let mut doc = DocText::new(text.to_owned());
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(range.0 .0, range.0 .1),
                Position::new(range.1 .0, range.1 .1),
            )),
            range_length: None,
            text: new.to_owned(),
        };
        let clamped = doc.apply(&change, enc);
        // The flat text is the rope's.
        assert_eq!(*doc.text(), String::from(&doc.rope));
        (doc.text().to_string(), clamped.len())
    }

    #[test]
    fn utf16_edits_after_non_bmp_characters() {
        // 𠀀 is two UTF-16 units; 布 starts at column 2.
        assert_eq!(
            edit("𠀀布臵\n", ((0, 3), (0, 4)), "置", Encoding::Utf16),
            ("𠀀布置\n".into(), 0)
        );
        assert_eq!(
            edit("𠀀布臵\n", ((0, 7), (0, 10)), "置", Encoding::Utf8),
            ("𠀀布置\n".into(), 0)
        );
    }

    #[test]
    fn crlf_lines_and_clamping() {
        assert_eq!(
            edit("甲\r\n乙\r\n", ((1, 0), (1, 1)), "丙", Encoding::Utf16),
            ("甲\r\n丙\r\n".into(), 0)
        );
        // Column past the line end: clamped before the \r\n.
        assert_eq!(
            edit("甲\r\n乙", ((0, 99), (0, 99)), "！", Encoding::Utf16),
            ("甲！\r\n乙".into(), 2)
        );
        // Line past the end: appended.
        assert_eq!(
            edit("甲", ((5, 0), (6, 0)), "乙", Encoding::Utf16),
            ("甲乙".into(), 2)
        );
        // Reversed range is normalised.
        assert_eq!(
            edit("甲乙丙", ((0, 2), (0, 1)), "", Encoding::Utf16).0,
            "甲丙"
        );
    }
}
