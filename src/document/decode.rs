//! Turns the bytes of a file into text: UTF-8 (with or without BOM), UTF-16 with a
//! BOM, or GB18030/GBK, which Chinese Windows editors still write by default.

use std::fmt;

/// The encoding a document was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl SourceEncoding {
    pub fn name(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8Bom => "UTF-8 (BOM)",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
            SourceEncoding::Gb18030 => "GB18030",
        }
    }

    /// Whether the report should mention the encoding (anything but plain UTF-8).
    pub fn is_notable(self) -> bool {
        !matches!(self, SourceEncoding::Utf8 | SourceEncoding::Utf8Bom)
    }
}

impl fmt::Display for SourceEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why bytes could not be read as a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("binary file (NUL byte at line {line}, column {column}); not checked")]
    Binary { line: usize, column: usize },
    #[error(
        "not valid UTF-8 or GB18030 text (bad bytes at line {line}, column {column}); not checked"
    )]
    Undecodable { line: usize, column: usize },
}

/// Decodes a file's bytes, detecting the encoding.
pub fn decode(bytes: &[u8]) -> Result<(String, SourceEncoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_error(rest).map(|s| (s, SourceEncoding::Utf8Bom));
    }
    for (bom, enc, src) in [
        (
            &b"\xFF\xFE"[..],
            encoding_rs::UTF_16LE,
            SourceEncoding::Utf16Le,
        ),
        (
            &b"\xFE\xFF"[..],
            encoding_rs::UTF_16BE,
            SourceEncoding::Utf16Be,
        ),
    ] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
            if had_errors {
                return Err(DecodeError::Undecodable { line: 1, column: 1 });
            }
            return Ok((text.into_owned(), src));
        }
    }
    if let Some(nul) = memchr::memchr(0, &bytes[..bytes.len().min(8192)]) {
        let (line, column) = byte_line_col(bytes, nul);
        return Err(DecodeError::Binary { line, column });
    }
    match from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), SourceEncoding::Utf8)),
        Err(utf8_err) => {
            if let Some(text) =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
            {
                if looks_like_text(&text) {
                    return Ok((text.into_owned(), SourceEncoding::Gb18030));
                }
            }
            let (line, column) = byte_line_col(bytes, utf8_err.valid_up_to());
            Err(DecodeError::Undecodable { line, column })
        }
    }
}

/// `std::str::from_utf8`, with a vectorised check first: the standard one has
/// no fast path for Chinese text, whose bytes are nearly all non-ASCII, and
/// showed in the batch profile. Only bytes that fail are checked again, by
/// the standard function, for the error's position.
fn from_utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

fn utf8_or_error(bytes: &[u8]) -> Result<String, DecodeError> {
    from_utf8(bytes).map(str::to_owned).map_err(|e| {
        let (line, column) = byte_line_col(bytes, e.valid_up_to());
        DecodeError::Undecodable { line, column }
    })
}

/// GB18030 maps nearly every byte sequence to something; reject results full of
/// control characters, which mean the bytes were not text at all.
fn looks_like_text(text: &str) -> bool {
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    controls * 100 <= text.chars().count().max(1)
}

/// 1-based line and byte column of `offset` in raw bytes, for error messages.
fn byte_line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(decode("布置".as_bytes()).unwrap().1, SourceEncoding::Utf8);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("布置".as_bytes());
        assert_eq!(
            decode(&bom).unwrap(),
            ("布置".to_owned(), SourceEncoding::Utf8Bom)
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("各位领导、同志们：\n布臵工作");
        assert_eq!(
            decode(&gbk).unwrap(),
            (
                "各位领导、同志们：\n布臵工作".to_owned(),
                SourceEncoding::Gb18030
            )
        );
    }

    #[test]
    fn rejects_binary_with_position() {
        let err = decode(b"abc\nde\0f").unwrap_err();
        assert_eq!(err, DecodeError::Binary { line: 2, column: 3 });
    }

    #[test]
    fn rejects_garbage() {
        let bytes: Vec<u8> = (0..400u32)
            .map(|i| (i * 37 % 256) as u8)
            .filter(|&b| b != 0)
            .collect();
        assert!(decode(&bytes).is_err());
    }
}
