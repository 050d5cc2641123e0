//! Character classes shared by the punctuation, line-break and residue kinds.
//!
//! Masked Markdown arrives as NUL bytes: they are "nothing", so helpers that look
//! for a neighbour skip them just like spaces.

/// Whether some byte of `bytes` satisfies `pred`, which should be a few
/// equality or range comparisons combined with `|` (`matches!` on several
/// bytes becomes a bit test that vectorises badly): the bytes are taken in fixed blocks of 32 without an early
/// exit inside a block, which the compiler turns into vector instructions — a
/// fraction of a nanosecond per byte, where `bytes.iter().any(pred)` branches on
/// every byte.
pub fn any_byte(bytes: &[u8], pred: impl Fn(u8) -> bool + Copy) -> bool {
    let blocks = bytes.chunks_exact(BLOCK);
    let rest = blocks.remainder();
    blocks.map(as_block).any(|b| block_has(b, pred)) || rest.iter().any(|&b| pred(b))
}

/// The positions of the bytes of `bytes` that satisfy `pred`, in order. Blocks
/// are tested as in [`any_byte`] and only blocks with a hit are looked at byte
/// by byte: for rare bytes, this costs about the vectorised test alone.
pub fn byte_positions(bytes: &[u8], pred: impl Fn(u8) -> bool + Copy) -> Vec<usize> {
    let mut out = Vec::new();
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = bytes.len() - blocks.remainder().len();
    for (k, chunk) in blocks.enumerate() {
        let block = as_block(chunk);
        if block_has(block, pred) {
            out.extend(
                (0..BLOCK)
                    .filter(|&i| pred(block[i]))
                    .map(|i| k * BLOCK + i),
            );
        }
    }
    out.extend((tail..bytes.len()).filter(|&i| pred(bytes[i])));
    out
}

/// Two ascending sequences of positions merged into one.
pub fn merge_sorted(
    a: impl Iterator<Item = usize>,
    b: impl Iterator<Item = usize>,
) -> impl Iterator<Item = usize> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(&x), Some(&y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

const BLOCK: usize = 32;

fn as_block(chunk: &[u8]) -> &[u8; BLOCK] {
    chunk.try_into().expect("chunks_exact yields whole blocks")
}

/// Whether some byte of a block satisfies `pred`; a fixed length and no early
/// exit, so that it compiles to vector compares.
#[inline(always)]
fn block_has(block: &[u8; BLOCK], pred: impl Fn(u8) -> bool) -> bool {
    // An OR of bytes, not of bools: the form the compiler vectorises.
    let mut acc = 0u8;
    for &b in block {
        acc |= u8::from(pred(b));
    }
    acc != 0
}

/// A Han character (CJK ideographs and the numeral 〇).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// A full-width (Chinese) punctuation mark, including the curly quotes, the
/// ellipsis, the dash and the middle dot that Chinese text shares with Western.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{2018}'..='\u{201D}'
        | '\u{2026}'
        | '\u{2014}'
        | '\u{00B7}')
}

/// Han or full-width punctuation: what makes a neighbour "Chinese context".
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Blank for the purpose of finding neighbours: spaces, tabs, the ideographic
/// space and masked (NUL) bytes.
pub fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\0' | '\u{A0}')
}

/// Marks that end a sentence (or a clause that may end a line).
pub fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '：' | '…' | '!' | '?' | ';' | ':' | '.' | '．'
    )
}

/// Closing marks that follow a sentence-final mark (`。”`, `！）`).
pub fn is_closing(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '）' | ')' | '》' | '】' | '〕' | '」' | '』' | '〉' | '"' | '\''
    )
}

/// Whether the paragraph contains any sentence-internal or sentence-final mark:
/// titles, headings, signatures and date lines usually have none.
pub fn has_sentence_punct(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '，' | '。' | '；' | '！' | '？' | ',' | ';' | '!' | '?'))
}

/// Outline markers that begin a heading or list item: 一、 （一） (1) 1. 1、
/// 第一章 一是 首先 …. Returns the marker's byte length.
pub fn heading_marker(text: &str) -> Option<usize> {
    use std::sync::LazyLock;
    static RE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"^[\s\x00]*(?:[一二三四五六七八九十百]+[、.．]|[（(〔【][一二三四五六七八九十百\d]+[)）〕】]|\d{1,3}(?:[、．)）]|\.[^\d])|[①-⑳]|第[一二三四五六七八九十百零〇\d]+[章节条篇部分款项、，,：:]|[一二三四五六七八九十]+是|首先|其次|再次|最后|附件|附：)",
        )
        .expect("valid regex")
    });
    RE.find(text).map(|m| m.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('中') && is_han('〇') && !is_han('，'));
        assert!(is_cjk_punct('，') && is_cjk_punct('“') && is_cjk_punct('—'));
        assert!(!is_cjk(',') && !is_cjk('a') && is_blank('\0'));
        assert!(has_sentence_punct("一是，") && !has_sentence_punct("力抓质量评查 强化审判监督"));
    }

    proptest::proptest! {
        /// Block-wise scans equal the plain byte-by-byte ones, across block
        /// boundaries and tails.
        #[test]
        fn byte_scans_equal_plain_scans(bytes in proptest::collection::vec(0u8..8, 0..100)) {
            let pred = |b: u8| b == 3;
            let want: Vec<usize> = (0..bytes.len()).filter(|&i| pred(bytes[i])).collect();
            proptest::prop_assert_eq!(byte_positions(&bytes, pred), want.clone());
            proptest::prop_assert_eq!(any_byte(&bytes, pred), !want.is_empty());
            let odd = (0..bytes.len()).filter(|&i| bytes[i] % 2 == 1);
            let even = (0..bytes.len()).filter(|&i| bytes[i] % 2 == 0);
            let all: Vec<usize> = merge_sorted(odd, even).collect();
            proptest::prop_assert_eq!(all, (0..bytes.len()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn headings() {
        for h in [
            "一、总则",
            "（一）范围",
            "(二)部门",
            "1、健全",
            "2.加大",
            "第三条 规定",
            "一是抓整治",
            "  （四）规范",
        ] {
            assert!(heading_marker(h).is_some(), "{h}");
        }
        for b in ["今年以来", "第一责任人职责", "12月份", "2.1万平方米"] {
            assert!(heading_marker(b).is_none(), "{b}");
        }
    }
}
