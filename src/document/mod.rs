//! The text model: a decoded document, the view of it that rules read (Markdown
//! masked), and its division into paragraphs — the unit of caching.

pub mod decode;
pub mod markdown;

use std::ops::Range;
use std::path::Path;

pub use decode::{decode, DecodeError, SourceEncoding};

/// What kind of text a document holds; decides what is masked before linting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Plain,
    Markdown,
}

impl DocKind {
    /// Guesses from a file name: `.md`/`.markdown` are Markdown, all else plain.
    pub fn from_path(path: &Path) -> DocKind {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(ext) if ext == "md" || ext == "markdown" => DocKind::Markdown,
            _ => DocKind::Plain,
        }
    }

    /// The text rules should see: the original, or Markdown with code and
    /// link targets blanked (same length, same offsets).
    pub fn lintable<'a>(self, text: &'a str) -> std::borrow::Cow<'a, str> {
        match self {
            DocKind::Plain => std::borrow::Cow::Borrowed(text),
            DocKind::Markdown => std::borrow::Cow::Owned(markdown::mask(text)),
        }
    }
}

/// One paragraph: a line of the document without its terminator. 公文 text puts
/// each paragraph on one line, so lines are paragraphs; hard-wrapped text is the
/// line-break rule's business.
#[derive(Debug, Clone, Copy)]
pub struct Paragraph<'a> {
    /// Zero-based index (= line number).
    pub index: usize,
    /// Byte offset of the paragraph's first byte in the document.
    pub start: usize,
    pub text: &'a str,
}

impl Paragraph<'_> {
    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.text.len()
    }
}

/// Splits text into paragraphs (one per line, `\n` or `\r\n`), empty ones included
/// so that indices equal line numbers.
pub fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0;
    // The memchr crate's vector search: `str::split` finds line ends a word
    // at a time, which showed on every keystroke in a 1 MB document.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for (index, end) in ends.enumerate() {
        let line = &text[start..end];
        out.push(Paragraph {
            index,
            start,
            text: line.strip_suffix('\r').unwrap_or(line),
        });
        start = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_with_offsets() {
        let text = "一、总则\r\n\n（一）范围";
        let paras = paragraphs(text);
        assert_eq!(paras.len(), 3);
        assert_eq!(paras[0].text, "一、总则");
        assert_eq!(paras[1].text, "");
        assert_eq!(&text[paras[2].range()], "（一）范围");
    }

    proptest::proptest! {
        /// The same lines as `str::split` gives, with their offsets.
        #[test]
        fn paragraphs_are_the_lines(text in "[a\r\n一，]{0,40}") {
            let mut start = 0;
            let expected: Vec<(usize, usize, &str)> = text
                .split('\n')
                .enumerate()
                .map(|(i, line)| {
                    let p = (i, start, line.strip_suffix('\r').unwrap_or(line));
                    start += line.len() + 1;
                    p
                })
                .collect();
            let got: Vec<(usize, usize, &str)> =
                paragraphs(&text).iter().map(|p| (p.index, p.start, p.text)).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn kind_from_path() {
        assert_eq!(
            DocKind::from_path(Path::new("a/讲话.MD")),
            DocKind::Markdown
        );
        assert_eq!(DocKind::from_path(Path::new("a/讲话.txt")), DocKind::Plain);
    }
}
