//! A document's paragraphs and their keys, kept between lints: after an edit
//! only the lines it touched are split and hashed again. Splitting and
//! hashing a 1 MB document took ~0.2 ms per keystroke, before any rule ran.

use crate::document::{paragraphs, Paragraph};
use crate::rules::memo::hash_text;

use super::text::{Changed, Revision};

/// The lines of the last text split, with their keys.
#[derive(Default)]
pub struct Split {
    /// The [`Revision::generation`] of that text, when known.
    generation: Option<u64>,
    /// Each line's start and end (before its `\n`, `\r` included).
    lines: Vec<(usize, usize)>,
    /// [`hash_text`] of each paragraph's text.
    keys: Vec<u64>,
    len: usize,
}

impl Split {
    /// Splits `text`, the document at `revision` (`None`: unknown, split
    /// afresh), reusing the lines that the change since the last split left
    /// alone when that split was of the revision before. Returns whether it
    /// did.
    pub fn update(&mut self, text: &str, revision: Option<Revision>) -> bool {
        let change = revision
            .filter(|r| self.generation.is_some_and(|g| g + 1 == r.generation))
            .and_then(|r| r.since_last);
        let respliced = change.is_some_and(|c| self.respliced(text, c));
        if !respliced {
            self.fresh(text);
        }
        self.generation = revision.map(|r| r.generation);
        self.len = text.len();
        respliced
    }

    /// Forgets the last split.
    pub fn clear(&mut self) {
        *self = Split::default();
    }

    /// The paragraphs of `text`, which must be the text last split.
    pub fn paragraphs<'t>(&self, text: &'t str) -> Vec<Paragraph<'t>> {
        debug_assert_eq!(text.len(), self.len);
        self.lines
            .iter()
            .enumerate()
            .map(|(index, &(start, end))| Paragraph {
                index,
                start,
                text: without_cr(&text[start..end]),
            })
            .collect()
    }

    /// Each paragraph's key, taken out until [`Split::put_keys`] gives it back.
    pub fn take_keys(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.keys)
    }

    pub fn put_keys(&mut self, keys: Vec<u64>) {
        self.keys = keys;
    }

    fn fresh(&mut self, text: &str) {
        let paras = paragraphs(text);
        self.lines.clear();
        self.lines
            .extend(paras.iter().map(|p| (p.start, line_end(text, p))));
        self.keys.clear();
        self.keys.extend(paras.iter().map(|p| hash_text(p.text)));
    }

    /// Splits again only the lines from the one holding the change's start to
    /// the one holding its old end, in `text` (the last text so changed).
    /// `false`, having changed nothing, when `text` does not fit the change.
    fn respliced(&mut self, text: &str, c: Changed) -> bool {
        let delta = c.new_end as i64 - c.old_end as i64;
        let fits = self.len as i64 + delta == text.len() as i64
            && c.start <= c.old_end
            && c.old_end <= self.len
            && !self.lines.is_empty();
        if !fits {
            return false;
        }
        // The line holding byte `at` (its terminator included).
        let holder = |at: usize| self.lines.partition_point(|&(start, _)| start <= at) - 1;
        let (first, last) = (holder(c.start), holder(c.old_end));
        let from = self.lines[first].0;
        // The new text from `from` up to the `\n` before the first line past
        // the change, which that line's start (after the change) follows.
        let to = match self.lines.get(last + 1) {
            Some(&(start, _)) => (start as i64 + delta) as usize - 1,
            None => text.len(),
        };
        let bytes = text.as_bytes();
        if to < from || (to < text.len() && bytes[to] != b'\n') || !text.is_char_boundary(from) {
            return false;
        }
        let mut lines = Vec::new();
        let mut start = from;
        for end in memchr::memchr_iter(b'\n', &bytes[from..to])
            .map(|e| e + from)
            .chain(std::iter::once(to))
        {
            lines.push((start, end));
            start = end + 1;
        }
        let keys: Vec<u64> = lines
            .iter()
            .map(|&(s, e)| hash_text(without_cr(&text[s..e])))
            .collect();
        let added = lines.len();
        self.lines.splice(first..=last, lines);
        self.keys.splice(first..=last, keys);
        for line in &mut self.lines[first + added..] {
            line.0 = (line.0 as i64 + delta) as usize;
            line.1 = (line.1 as i64 + delta) as usize;
        }
        true
    }
}

fn without_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// Where paragraph `p`'s line ends: before its `\n`, with any `\r`.
fn line_end(text: &str, p: &Paragraph<'_>) -> usize {
    let end = p.start + p.text.len();
    if text.as_bytes().get(end) == Some(&b'\r') {
        end + 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::text::DocText;
    use crate::position::Encoding;
    use proptest::prelude::*;
    use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};

    const PIECES: &[&str] = &["甲", "乙", "a", "𠀀", "\n", "\r\n", "\r", "一、总则", ""];

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(0..PIECES.len(), 0..24)
            .prop_map(|ps| ps.into_iter().map(|i| PIECES[i]).collect())
    }

    fn edit() -> impl Strategy<Value = TextDocumentContentChangeEvent> {
        ((0u32..8, 0u32..6), (0u32..8, 0u32..6), text()).prop_map(|(a, b, text)| {
            TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(a.0, a.1), Position::new(b.0, b.1))),
                range_length: None,
                text,
            }
        })
    }

    fn check(split: &Split, text: &str) -> Result<(), TestCaseError> {
        let fresh = paragraphs(text);
        let got = split.paragraphs(text);
        prop_assert_eq!(got.len(), fresh.len());
        for (a, b) in got.iter().zip(&fresh) {
            prop_assert_eq!((a.index, a.start, a.text), (b.index, b.start, b.text));
        }
        let keys: Vec<u64> = fresh.iter().map(|p| hash_text(p.text)).collect();
        prop_assert_eq!(&split.keys, &keys);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// After any edits (several between two lints, CRLF and lone `\r`
        /// line ends, characters of every width, positions past the end),
        /// the paragraphs and keys re-split where the edits were equal a
        /// fresh split; a lint skipped (a revision missed) splits afresh.
        #[test]
        fn a_split_redone_where_edits_were_equals_a_fresh_one(
            start in text(),
            rounds in proptest::collection::vec(
                (proptest::collection::vec(edit(), 0..3), 0u8..8),
                1..6,
            ),
        ) {
            let mut doc = DocText::new(start);
            let mut split = Split::default();
            let first = doc.take();
            prop_assert!(!split.update(&first.text, Some(first.revision)));
            check(&split, &first.text)?;
            let mut last_split = true;
            for (edits, skip) in rounds {
                for e in &edits {
                    doc.apply(e, Encoding::Utf16);
                }
                let taken = doc.take();
                if skip == 0 {
                    last_split = false; // this revision is never split
                    continue;
                }
                let respliced = split.update(&taken.text, Some(taken.revision));
                check(&split, &taken.text)?;
                prop_assert_eq!(respliced, last_split);
                last_split = true;
            }
        }
    }

    #[test]
    fn a_full_replacement_is_split_afresh() {
        let mut doc = DocText::new("甲\n乙".to_owned());
        let mut split = Split::default();
        let t = doc.take();
        split.update(&t.text, Some(t.revision));
        doc.apply(
            &TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "丙\r\n丁\n".to_owned(),
            },
            Encoding::Utf16,
        );
        let t = doc.take();
        assert!(!split.update(&t.text, Some(t.revision)));
        assert_eq!(split.paragraphs(&t.text).len(), 3);
    }
}
