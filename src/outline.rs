//! The outline of a 公文: paragraph-leading numbering markers (一、 （一） 1. （1） ①,
//! 第一章/第一条/第一篇, 第一， and the spoken enumerations 一是/一要 …) and the
//! hierarchy they form.
//!
//! Two layers:
//! - [`parse_marker`], [`inline_enumerations`] and [`piece_break`] look at one
//!   paragraph and nothing else, so callers may cache them by paragraph text;
//! - [`build_outline`] walks the markers of a whole document in order and nests
//!   them into lists and headings. The `outline` rules check that tree; the
//!   language server uses it for document symbols and folding ranges.
//!
//! Numbers inside running text (2024年, 1、2、3项, 第一时间, 一是一、二是二) are not
//! markers: every recogniser demands the delimiter a marker has and vetoes the
//! contexts where the same characters are ordinary words.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::packed::Searcher;

use crate::document::Paragraph;

/// A numbering style. The first ten have a fixed place in the hierarchy (see
/// [`Style::rank`]); the rest nest wherever they occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    /// 第一篇: a piece of a compilation.
    Piece,
    /// 第一部分
    Part,
    /// 第一章
    Chapter,
    /// 第一节
    Section,
    /// 第一条
    Article,
    /// 一、 (GB/T 9704 level 1)
    Chinese,
    /// （一） (level 2)
    ChineseParen,
    /// 1. (level 3)
    Arabic,
    /// （1） (level 4)
    ArabicParen,
    /// ①
    Circled,
    /// 第一，
    Ordinal,
    /// 其一，
    Qi,
    /// 一是
    EnumShi,
    /// 一要
    EnumYao,
    /// 首先 其次 再次 最后
    Sequence,
    /// 一方面 另一方面
    Aspect,
}

impl Style {
    /// Place in the standard order, smaller = higher: 篇 > 部分 > 章 > 节 > 条 >
    /// 一、 > （一） > 1. > （1） > ①. `None` for enumerations, which nest anywhere.
    pub fn rank(self) -> Option<u8> {
        Some(match self {
            Style::Piece => 0,
            Style::Part => 1,
            Style::Chapter => 2,
            Style::Section => 3,
            Style::Article => 4,
            Style::Chinese => 5,
            Style::ChineseParen => 6,
            Style::Arabic => 7,
            Style::ArabicParen => 8,
            Style::Circled => 9,
            _ => return None,
        })
    }

    /// Whether the style carries a number whose sequence can be checked.
    /// 首先…最后 and 一方面…另一方面 are discourse words, not counters.
    pub fn numbered(self) -> bool {
        !matches!(self, Style::Sequence | Style::Aspect)
    }

    /// Chapter-like styles whose numbering may run on across their parents
    /// (第十条 continues after 第二章 starts).
    pub fn continuous(self) -> bool {
        matches!(
            self,
            Style::Part | Style::Chapter | Style::Section | Style::Article
        )
    }

    /// The standard spelling of the marker numbered `value`.
    pub fn format(self, value: u32) -> String {
        let cn = chinese_number(value);
        match self {
            Style::Piece => format!("第{cn}篇"),
            Style::Part => format!("第{cn}部分"),
            Style::Chapter => format!("第{cn}章"),
            Style::Section => format!("第{cn}节"),
            Style::Article => format!("第{cn}条"),
            Style::Chinese => format!("{cn}、"),
            Style::ChineseParen => format!("（{cn}）"),
            Style::Arabic => format!("{value}."),
            Style::ArabicParen => format!("（{value}）"),
            Style::Circled => circled(value).map(String::from).unwrap_or_default(),
            Style::Ordinal => format!("第{cn}，"),
            Style::Qi => format!("其{cn}，"),
            Style::EnumShi => format!("{cn}是"),
            Style::EnumYao => format!("{cn}要"),
            Style::Sequence => match value {
                1 => "首先".into(),
                2 => "其次".into(),
                3 => "再次".into(),
                _ => "最后".into(),
            },
            Style::Aspect => {
                if value == 1 {
                    "一方面".into()
                } else {
                    "另一方面".into()
                }
            }
        }
    }

    /// The number alone as the style writes it (二 or 2), for fixes that change
    /// only the number.
    pub fn numeral(self, value: u32) -> String {
        match self {
            Style::Arabic | Style::ArabicParen => value.to_string(),
            Style::Circled => self.format(value),
            _ => chinese_number(value),
        }
    }
}

/// Whether a marker is written the standard way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Standard,
    /// A recognised variant: (一), （一）、, 一., 1、, 第一、 …
    NonStandard,
    /// An opening bracket without its closing one: （二紧盯…
    Unclosed,
}

/// What follows a marker on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A heading alone: 一、加强组织领导
    Bare,
    /// One sentence and nothing more: 一是学深悟透会议精神。
    Sentence,
    /// A heading or lead-in followed by body text on the same line.
    Lead,
}

/// A numbering marker found in a paragraph. Spans are byte offsets into the
/// paragraph text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub style: Style,
    /// The number (首先 = 1 … 最后 = 0, 一方面 = 1, 另一方面 = 2).
    pub value: u32,
    /// The whole marker as written, delimiters included: `（一）、`, `1、`, `第一，`.
    pub span: Range<usize>,
    /// The number inside it.
    pub number: Range<usize>,
    pub form: Form,
    /// The standard spelling of this marker (equal to the text when
    /// `Standard`), shared: the outline copies every marker on every edit.
    pub standard: std::sync::Arc<str>,
    /// `1、` — non-standard, but a convention many offices keep; the form rule
    /// lets projects accept it.
    pub arabic_dunhao: bool,
    /// The heading text after the marker, up to the first sentence stop.
    pub title: Range<usize>,
    pub shape: Shape,
}

impl Marker {
    /// GB/T 9704 rank of the marker's style; see [`Style::rank`].
    pub fn level(&self) -> Option<u8> {
        self.style.rank()
    }
}

// ---------------------------------------------------------------------------
// Numerals

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_cn_numeral_char(c: char) -> bool {
    cn_digit(c).is_some()
        || matches!(
            c,
            '〇' | '零' | '十' | '百' | '千' | '万' | '亿' | '两' | '廿'
        )
}

const CN_DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// Parses a Chinese numeral from 一 to 九百九十九 at the start of `s`, returning
/// its value and length in bytes. The longest well-formed numeral wins; what
/// follows is the caller's business (一九九八 parses as 一 followed by 九).
pub fn parse_chinese_number(s: &str) -> Option<(u32, usize)> {
    let chars: Vec<char> = s.chars().take(8).collect();
    let at = |i: usize| chars.get(i).copied();
    let mut i = 0;
    let mut value = 0;
    if let (Some(d), Some('百')) = (at(0).and_then(cn_digit), at(1)) {
        value = d * 100;
        i = 2;
        if matches!(at(i), Some('零' | '〇')) {
            if let Some(d) = at(i + 1).and_then(cn_digit) {
                value += d;
                i += 2;
            }
            return Some((value, byte_len(&chars[..i])));
        }
    }
    match (at(i).and_then(cn_digit), at(i + 1)) {
        (Some(d), Some('十')) => {
            value += d * 10;
            i += 2;
        }
        _ if at(i) == Some('十') => {
            value += 10;
            i += 1;
        }
        _ => {}
    }
    if let Some(d) = at(i).and_then(cn_digit) {
        value += d;
        i += 1;
    }
    (i > 0).then(|| (value, byte_len(&chars[..i])))
}

fn byte_len(chars: &[char]) -> usize {
    chars.iter().map(|c| c.len_utf8()).sum()
}

/// Writes 1 to 999 as a Chinese numeral the way 公文 numbers headings:
/// 十, 十一, 二十, 一百零五, 一百一十.
pub fn chinese_number(n: u32) -> String {
    let mut out = String::new();
    let (h, t, u) = (n / 100 % 10, n / 10 % 10, n % 10);
    if h > 0 {
        out.push_str(CN_DIGITS[h as usize]);
        out.push('百');
        if t == 0 && u > 0 {
            out.push('零');
        }
    }
    if t > 0 {
        if t > 1 || h > 0 {
            out.push_str(CN_DIGITS[t as usize]);
        }
        out.push('十');
    }
    if u > 0 || n == 0 {
        out.push_str(CN_DIGITS[u as usize]);
    }
    out
}

/// Parses 1 to 999 in ASCII or full-width digits, no leading zero. Four or more
/// digits (a year) are not a marker number.
fn parse_arabic(s: &str) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut len = 0;
    let mut count = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => break,
        };
        if count == 0 && d == 0 {
            return None;
        }
        value = value * 10 + d;
        len += c.len_utf8();
        count += 1;
        if count > 3 {
            return None;
        }
    }
    (count > 0).then_some((value, len))
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn circled(value: u32) -> Option<char> {
    match value {
        1..=20 => char::from_u32(0x2460 + value - 1),
        21..=35 => char::from_u32(0x3251 + value - 21),
        36..=50 => char::from_u32(0x32B1 + value - 36),
        _ => None,
    }
}

fn circled_value(c: char) -> Option<u32> {
    let u = c as u32;
    match u {
        0x2460..=0x2473 => Some(u - 0x2460 + 1),
        0x3251..=0x325F => Some(u - 0x3251 + 21),
        0x32B1..=0x32BF => Some(u - 0x32B1 + 36),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Markers at the start of a paragraph

/// Leading blanks before a marker: spaces, full-width spaces, tabs, and the NULs
/// that stand for masked Markdown.
fn is_blank(c: char) -> bool {
    BLANKS.contains(&c)
}

/// Characters that, right after a bare number, make it a count or a word rather
/// than a marker: 一个, 二季度, 一线, 一方面, 三农… (used where a bracket or
/// delimiter is missing, so the number has nothing else to prove it a marker).
fn is_counter(c: char) -> bool {
    "个项条年月日号级等类次是要名位批期届季度层人家件种点倍成分元万亿米天周岁线方面把般些切起定直样道致律旦手贯举心概带体流步轮份部章节篇时审产档星"
        .contains(c)
}

/// Whether `rest` (just after a marker's delimiter) starts another number that
/// makes the whole a list of numbers: 一、二季度, 一、二、三等奖, 1、2、3项. Only
/// numbers in the marker's own script count: 二、2024年工作打算 is a heading.
fn number_list_follows(rest: &str, chinese: bool) -> bool {
    if !chinese {
        return rest.starts_with(is_digit);
    }
    let Some((_, len)) = parse_chinese_number(rest) else {
        return false;
    };
    match rest[len..].chars().next() {
        None => true,
        Some(c) => "、，,至到和及或~～-－—".contains(c) || is_counter(c),
    }
}

/// Whether some text follows at `from` (ignoring blanks).
fn has_text(text: &str, from: usize) -> bool {
    text.get(from..)
        .is_some_and(|r| r.chars().any(|c| !is_blank(c)))
}

/// The heading text after a marker ending at `from`, and the shape of the line.
fn title_and_shape(text: &str, from: usize) -> (Range<usize>, Shape) {
    let mut start = from;
    for (i, c) in text[from..].char_indices() {
        // 一方面，… and 最后，… keep their comma outside the marker.
        if !is_blank(c) && !"，,：:、".contains(c) {
            start = from + i;
            break;
        }
        start = from + i + c.len_utf8();
    }
    let mut end = text.len();
    let mut stop = None;
    for (i, c) in text[start..].char_indices() {
        if matches!(c, '。' | '；' | ';' | '！' | '!' | '？' | '?' | '：' | ':')
            || (is_blank(c) && c != '\0')
        {
            end = start + i;
            stop = Some(c);
            break;
        }
    }
    let after = end + stop.map_or(0, char::len_utf8);
    // A long run without a stop is a hard-wrapped line or a run-in paragraph,
    // not a heading standing alone.
    let long = text[start..end].chars().count() > 40;
    let shape = if has_text(text, after) || (long && stop.is_none()) {
        Shape::Lead
    } else if stop.is_some_and(|c| "。；;！!？?".contains(c)) {
        Shape::Sentence
    } else {
        Shape::Bare
    };
    (start..end, shape)
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn eat(&mut self, set: &str) -> Option<char> {
        let c = self.peek()?;
        if set.contains(c) {
            self.pos += c.len_utf8();
            Some(c)
        } else {
            None
        }
    }
    fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
}

/// The marker opening a paragraph, if any. Pure: depends on `text` alone.
///
/// ```
/// use gwlint::outline::{parse_marker, Style, Form};
/// let m = parse_marker("(一)领导带头抓落实").unwrap();
/// assert_eq!((m.style, m.value, m.form), (Style::ChineseParen, 1, Form::NonStandard));
/// assert_eq!(&*m.standard, "（一）");
/// assert!(parse_marker("2024年，我县被确定为提名县").is_none());
/// ```
pub fn parse_marker(text: &str) -> Option<Marker> {
    let mut start = text
        .char_indices()
        .find(|&(_, c)| !is_blank(c))
        .map(|(i, _)| i)?;
    // A Markdown heading: ## 一、总则
    let hashes = text[start..].bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && text[start + hashes..].starts_with(' ') {
        start = text[start + hashes..]
            .char_indices()
            .find(|&(_, c)| !is_blank(c))
            .map(|(i, _)| start + hashes + i)?;
    }
    // The attachment list of a notice: 附件：1.检查表 / 2.汇总表
    for label in ["附件：", "附件:"] {
        if let Some(rest) = text[start..].strip_prefix(label) {
            let skip = rest.len() - rest.trim_start_matches(is_blank).len();
            let at = start + label.len() + skip;
            if let Some(m) = marker_at(text, at, false) {
                return Some(m);
            }
        }
    }
    marker_at(text, start, false)
}

/// Recognises a marker beginning at byte `start`. `inline` restricts it to the
/// enumerations that also occur mid-paragraph (一是, 第一，, 其一, 一方面).
fn marker_at(text: &str, start: usize, inline: bool) -> Option<Marker> {
    let mut cur = Cursor { text, pos: start };
    let first = cur.peek()?;
    if !inline {
        if let Some(m) = circled_marker(&mut cur, start) {
            return Some(m);
        }
        if first == '(' || first == '（' {
            return paren_marker(&mut cur, start);
        }
        if is_digit(first) {
            return arabic_marker(&mut cur, start);
        }
    }
    if first == '第' {
        return ordinal_marker(&mut cur, start, inline);
    }
    if first == '其' {
        if let Some(m) = qi_marker(&mut cur, start) {
            return Some(m);
        }
        cur.pos = start;
    }
    if cur.eat_str("另一方面") && !cur.rest().starts_with('的') {
        return Some(finish(
            text,
            Style::Aspect,
            2,
            start..cur.pos,
            start..cur.pos,
            None,
            false,
        ));
    }
    if !inline {
        if let Some(m) = sequence_marker(&mut cur, start) {
            return Some(m);
        }
    }
    if cn_digit(first).is_some() || first == '十' {
        return chinese_marker(&mut cur, start, inline);
    }
    None
}

/// Builds a marker; `standard` is `None` when the marker is written the standard way.
fn finish(
    text: &str,
    style: Style,
    value: u32,
    span: Range<usize>,
    number: Range<usize>,
    standard: Option<String>,
    unclosed: bool,
) -> Marker {
    let (title, shape) = title_and_shape(text, span.end);
    let form = match (&standard, unclosed) {
        (_, true) => Form::Unclosed,
        (Some(_), false) => Form::NonStandard,
        (None, false) => Form::Standard,
    };
    Marker {
        style,
        value,
        standard: standard.map_or_else(|| text[span.clone()].into(), Into::into),
        arabic_dunhao: false,
        span,
        number,
        form,
        title,
        shape,
    }
}

fn circled_marker(cur: &mut Cursor<'_>, start: usize) -> Option<Marker> {
    let c = cur.peek()?;
    let text = cur.text;
    if let Some(value) = circled_value(c) {
        cur.bump();
        return Some(finish(
            text,
            Style::Circled,
            value,
            start..cur.pos,
            start..cur.pos,
            None,
            false,
        ));
    }
    // ⑴ and ⒈: single-character forms of （1） and 1. that some editors insert.
    let u = c as u32;
    let (style, value) = match u {
        0x2474..=0x2487 => (Style::ArabicParen, u - 0x2474 + 1),
        0x2488..=0x249B => (Style::Arabic, u - 0x2488 + 1),
        _ => return None,
    };
    cur.bump();
    Some(finish(
        text,
        style,
        value,
        start..cur.pos,
        start..cur.pos,
        Some(style.format(value)),
        false,
    ))
}

/// （一） （1） and their broken forms: (一) （一)、 （一 …
fn paren_marker(cur: &mut Cursor<'_>, start: usize) -> Option<Marker> {
    let text = cur.text;
    let open = cur.bump()?;
    let num_start = cur.pos;
    let (style, value, len) = if let Some((v, len)) = parse_chinese_number(cur.rest()) {
        (Style::ChineseParen, v, len)
    } else if let Some((v, len)) = parse_arabic(cur.rest()) {
        (Style::ArabicParen, v, len)
    } else {
        return None;
    };
    cur.pos += len;
    let number = num_start..cur.pos;
    let next = cur.peek();
    if next.is_some_and(|c| is_cn_numeral_char(c) || is_digit(c)) {
        return None;
    }
    let standard = style.format(value);
    let Some(close) = cur.eat(")）") else {
        // No closing bracket: a marker only when the number cannot be the start
        // of a parenthesised phrase — （一般为…）, （2024年）, （一线人员）.
        let c = next?;
        if is_blank(c) || is_counter(c) || "、，,。．.：:；;".contains(c) {
            return None;
        }
        let rest = cur.rest();
        if let Some(close_at) = rest.find([')', '）']) {
            if !rest[..close_at].contains(['(', '（']) {
                return None;
            }
        }
        return Some(finish(
            text,
            style,
            value,
            start..cur.pos,
            number,
            Some(standard),
            true,
        ));
    };
    // A doubled delimiter after the bracket: （一）、 （1）.
    cur.eat("、.．,，");
    let written = &text[start..cur.pos];
    let ok = open == '（' && close == '）' && written.len() == standard.len();
    let written_std = if ok { None } else { Some(standard) };
    Some(finish(
        text,
        style,
        value,
        start..cur.pos,
        number,
        written_std,
        false,
    ))
}

/// 1. 1． and the variants 1、 1， 1） (level 4 without its opening bracket).
fn arabic_marker(cur: &mut Cursor<'_>, start: usize) -> Option<Marker> {
    let text = cur.text;
    let (value, len) = parse_arabic(cur.rest())?;
    cur.pos += len;
    let number = start..cur.pos;
    let delim = cur.eat(".．、，,)）")?;
    let rest = cur.rest();
    // 1.5亿元, 1.1 总体要求, 1、2、3项, 1，2号楼
    if rest.starts_with(is_digit) {
        return None;
    }
    if rest.starts_with(['.', '．', '、', ',', '，']) {
        return None;
    }
    let (style, standard) = match delim {
        '.' | '．' => (Style::Arabic, None),
        ')' | '）' => (Style::ArabicParen, Some(Style::ArabicParen.format(value))),
        _ => (Style::Arabic, Some(Style::Arabic.format(value))),
    };
    let mut m = finish(text, style, value, start..cur.pos, number, standard, false);
    m.arabic_dunhao = delim == '、';
    Some(m)
}

/// 第一， 第一章 第一节 第一条 第一篇 第一部分 (also with Arabic numbers: 第1条).
fn ordinal_marker(cur: &mut Cursor<'_>, start: usize, inline: bool) -> Option<Marker> {
    let text = cur.text;
    cur.bump();
    let num_start = cur.pos;
    let (value, len) = parse_chinese_number(cur.rest()).or_else(|| parse_arabic(cur.rest()))?;
    cur.pos += len;
    let number = num_start..cur.pos;
    let rest = cur.rest();
    // A chapter word must be followed by a gap or a colon: 第一章 总则, but not
    // 第一节课, 第一条高速公路, 第一篇文章.
    let unit = [
        ("部分", Style::Part),
        ("篇", Style::Piece),
        ("章", Style::Chapter),
        ("节", Style::Section),
        ("条", Style::Article),
    ];
    for (word, style) in unit {
        if let Some(after) = rest.strip_prefix(word) {
            if inline {
                return None;
            }
            let ok = match after.chars().next() {
                None => true,
                Some(c) => is_blank(c) || "：:、".contains(c),
            };
            if !ok {
                return None;
            }
            cur.pos += word.len();
            return Some(finish(
                text,
                style,
                value,
                start..cur.pos,
                number,
                None,
                false,
            ));
        }
    }
    let delim = cur.eat("，,、.．：:")?;
    let rest = cur.rest();
    let another_ordinal = rest.strip_prefix('第').is_some_and(|r| {
        parse_chinese_number(r)
            .or_else(|| parse_arabic(r))
            .is_some()
    });
    // 第二、四支部 abbreviates 第二、第四支部: after 、 any number makes a list
    // of ordinals (a heading after 第二、 starting with a number is rarer
    // than this, and 第二， is the standard marker anyway).
    let ordinal_list = delim == '、' && parse_chinese_number(rest).is_some();
    if number_list_follows(rest, true) || another_ordinal || ordinal_list {
        return None; // 第一、二季度; 第二、第三个层次; 第二、四支部
    }
    let standard = match delim {
        '，' | '：' => None,
        ':' => Some(format!("{}：", &text[start..number.end])),
        _ => Some(format!("{}，", &text[start..number.end])),
    };
    Some(finish(
        text,
        Style::Ordinal,
        value,
        start..cur.pos,
        number,
        standard,
        false,
    ))
}

/// 其一， 其二、
fn qi_marker(cur: &mut Cursor<'_>, start: usize) -> Option<Marker> {
    let text = cur.text;
    cur.bump();
    let num_start = cur.pos;
    let d = cur.bump().and_then(cn_digit)?;
    let number = num_start..cur.pos;
    cur.eat("，,、：:")?;
    Some(finish(
        text,
        Style::Qi,
        d,
        start..cur.pos,
        number,
        None,
        false,
    ))
}

/// 首先， 其次， 再次， 最后， at the start of a paragraph.
fn sequence_marker(cur: &mut Cursor<'_>, start: usize) -> Option<Marker> {
    let text = cur.text;
    let words = [("首先", 1), ("其次", 2), ("再次", 3), ("最后", 0)];
    for (word, value) in words {
        if let Some(after) = cur.rest().strip_prefix(word) {
            let c = after.chars().next()?;
            // 首先要…, 其次是…; but 再次强调 and 最后一次 are not enumerations.
            let ok = "，,：:".contains(c) || ((value == 1 || value == 2) && "要是".contains(c));
            if !ok {
                return None;
            }
            cur.pos += word.len();
            return Some(finish(
                text,
                Style::Sequence,
                value,
                start..cur.pos,
                start..cur.pos,
                None,
                false,
            ));
        }
    }
    None
}

/// 一、 and its variants 一. 一， 一） ; 一是 一要 一方面.
fn chinese_marker(cur: &mut Cursor<'_>, start: usize, inline: bool) -> Option<Marker> {
    let text = cur.text;
    let (value, len) = parse_chinese_number(cur.rest())?;
    cur.pos += len;
    let number = start..cur.pos;
    let numeral = &text[number.clone()];
    let next = cur.peek()?;
    match next {
        '是' | '要' => {
            cur.bump();
            let after = cur.rest();
            // 一是一、二是二 (an idiom); 一是否; 一要素, 一要求.
            if let Some(tail) = after.strip_prefix(numeral) {
                if tail.is_empty() || tail.starts_with(|c: char| "、，,。；;".contains(c)) {
                    return None;
                }
            }
            let vetoed = if next == '是' { "否非" } else { "素" };
            if after.starts_with(|c: char| vetoed.contains(c)) {
                return None;
            }
            let style = if next == '是' {
                Style::EnumShi
            } else {
                Style::EnumYao
            };
            Some(finish(
                text,
                style,
                value,
                start..cur.pos,
                number,
                None,
                false,
            ))
        }
        '方' if numeral == "一"
            && cur.rest().starts_with("方面")
            && !cur.rest()["方面".len()..].starts_with('的') =>
        {
            cur.pos += "方面".len();
            Some(finish(
                text,
                Style::Aspect,
                1,
                start..cur.pos,
                number,
                None,
                false,
            ))
        }
        _ if inline => None,
        '、' | '.' | '．' | '，' | ',' | '：' | ':' => {
            cur.bump();
            let rest = cur.rest();
            if number_list_follows(rest, true) || rest.starts_with(['、', '.', '．', '，', ','])
            {
                return None;
            }
            let standard = (next != '、').then(|| Style::Chinese.format(value));
            Some(finish(
                text,
                Style::Chinese,
                value,
                start..cur.pos,
                number,
                standard,
                false,
            ))
        }
        ')' | '）' => {
            cur.bump();
            cur.eat("、.．,，");
            Some(finish(
                text,
                Style::ChineseParen,
                value,
                start..cur.pos,
                number,
                Some(Style::ChineseParen.format(value)),
                false,
            ))
        }
        _ => None,
    }
}

/// Enumerations inside a paragraph, after its leading marker: the 一是…；二是…
/// of "重点抓好三项工作：一是…；二是…；三是…", and 第一，…第二，…, 其一…其二…,
/// 一方面…另一方面…. Each must follow a sentence or clause stop, so 统一是, 唯一要,
/// 第一时间 and 一是一、二是二 are not enumerations.
pub fn inline_enumerations(text: &str) -> Vec<Marker> {
    enumerations(text, || parse_marker(text).map_or(0, |m| m.span.end))
}

/// [`inline_enumerations`] of a paragraph whose leading marker is known:
/// `lead` must be `parse_marker(text)` (spares parsing it again).
pub fn inline_enumerations_after(text: &str, lead: Option<&Marker>) -> Vec<Marker> {
    enumerations(text, || lead.map_or(0, |m| m.span.end))
}

/// Inline enumerations; `lead_end()` gives where the leading marker ends (0
/// without one), asked for only when an enumeration character follows a stop
/// or a blank.
fn enumerations(text: &str, lead_end: impl FnOnce() -> usize) -> Vec<Marker> {
    // The enumeration characters are found by a vectorised literal search
    // (a few per paragraph) and only their preceding character is decoded:
    // decoding every character of every paragraph cost more than all the rest.
    static STARTS: LazyLock<Searcher> = LazyLock::new(|| {
        // The packed (Teddy) searcher: `AhoCorasick` judges its own prefilter
        // weak for these Chinese literals and walks the automaton byte by byte.
        aho_corasick::packed::Config::new()
            .builder()
            .extend(ENUMERATION_STARTS.map(|c| c.to_string()))
            .build()
            .expect("a packed searcher for a few literals")
    });
    let mut lead_end = Some(lead_end);
    let mut skip = None;
    let mut out = Vec::new();
    for hit in STARTS.find_iter(text) {
        let i = hit.start();
        let Some((p_at, p)) = text[..i].char_indices().next_back() else {
            continue;
        };
        if !is_clause_stop(p) && !is_blank(p) {
            continue;
        }
        let skip = *skip.get_or_insert_with(|| lead_end.take().expect("asked once")());
        if i >= skip && (is_clause_stop(p) || p_at >= skip) {
            if let Some(m) = marker_at(text, i, true) {
                out.push(m);
            }
        }
    }
    out
}

/// The characters an inline enumeration starts with (一是, 第一, 其一, 另一方面).
const ENUMERATION_STARTS: [char; 13] = [
    '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '第', '其', '另',
];

/// Marks after which an inline enumeration may start (blanks too, after the
/// paragraph's leading marker).
const CLAUSE_STOPS: [char; 11] = ['。', '；', ';', '：', ':', '，', ',', '！', '!', '？', '?'];

/// Every character [`is_blank`] accepts.
const BLANKS: [char; 6] = [' ', '\t', '　', '\0', '\u{a0}', '\u{feff}'];

fn is_clause_stop(c: char) -> bool {
    CLAUSE_STOPS.contains(&c)
}

// ---------------------------------------------------------------------------
// Piece boundaries

/// A paragraph that starts a new piece of a document, so numbering starts afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// A title line: 在全县创建文明城市推进会上的讲话, …发言材料（2）, …讲话 篇3;
    /// also 附件2 heading an attachment.
    Title,
    /// A salutation opening a speech: 各位领导、同志们：
    Salutation,
    /// Web navigation left in a copied text: 上一篇：… 下一篇：…
    Navigation,
}

const GENRES: &[&str] = &[
    "讲话",
    "发言",
    "致辞",
    "报告",
    "汇报",
    "讲稿",
    "材料",
    "范文",
    "通知",
    "意见",
    "方案",
    "办法",
    "规定",
    "决定",
    "总结",
    "纲要",
    "规划",
    "提纲",
    "演讲",
    "主持词",
    "体会",
    "述职",
    "细则",
    "条例",
    "公告",
    "通报",
    "请示",
    "批复",
    "纪要",
    "决议",
    "倡议书",
    "贺信",
    "感言",
    "要点",
    "讲话稿",
    "发言稿",
];

/// Whether a paragraph that is not a marker starts a new piece. Pure.
pub fn piece_break(text: &str) -> Option<BreakKind> {
    let t = text.trim_matches(|c: char| is_blank(c) || "•·●◆■▪-*—".contains(c));
    if t.is_empty() {
        return None;
    }
    if t.starts_with("上一篇") || t.starts_with("下一篇") {
        return Some(BreakKind::Navigation);
    }
    // Titles and salutations are short; most paragraphs stop here.
    if t.len() > 48 * 4 {
        return None;
    }
    // 附件 / 附件2 / 附件：on a line of its own: an attachment starts.
    if let Some(rest) = t.strip_prefix("附件") {
        let rest = rest.trim_end_matches(['：', ':']);
        if rest.chars().all(|c| is_digit(c) || is_blank(c)) {
            return Some(BreakKind::Title);
        }
    }
    let chars = t.chars().count();
    if chars <= 24 && (t.ends_with('：') || t.ends_with(':')) {
        let greeting = [
            "同志们",
            "各位",
            "尊敬的",
            "朋友们",
            "代表",
            "女士们",
            "先生们",
            "来宾",
        ];
        if greeting.iter().any(|g| t.contains(g)) {
            return Some(BreakKind::Salutation);
        }
    }
    if !(4..=48).contains(&chars) || t.contains(['。', '，', ',', '；', ';', '！', '!', '？', '?'])
    {
        return None;
    }
    if t.ends_with('：') || t.ends_with(':') || parse_marker(t).is_some() {
        return None;
    }
    // Brackets and book-title marks must balance: a wrapped line of body text
    // often ends inside 《…》.
    let count = |a: char| t.chars().filter(|&c| c == a).count();
    if count('《') != count('》') {
        return None;
    }
    let mut core = t;
    loop {
        let before = core;
        core = core.trim_end_matches(|c: char| is_blank(c) || is_digit(c));
        core = core.strip_suffix('篇').unwrap_or(core);
        for (open, close) in [('（', '）'), ('(', ')')] {
            if core.ends_with(close) {
                if let Some(i) = core.rfind(open) {
                    if core[i..].chars().count() <= 10 {
                        core = &core[..i];
                    }
                }
            }
        }
        if core == before {
            break;
        }
    }
    GENRES
        .iter()
        .any(|g| core.ends_with(g))
        .then_some(BreakKind::Title)
}

// ---------------------------------------------------------------------------
// The tree

/// A heading: one marker in the document, with its place in the tree.
#[derive(Debug, Clone)]
pub struct Heading {
    /// Paragraph index (= line number).
    pub paragraph: usize,
    /// Byte offset of the paragraph in the document; `marker` spans are relative
    /// to it.
    pub offset: usize,
    pub marker: Marker,
    /// Found mid-paragraph by [`inline_enumerations`].
    pub inline: bool,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The list this heading is an item of (index into [`Outline::lists`]).
    pub list: usize,
    pub depth: usize,
    /// Paragraph indices the heading covers, its own included (end exclusive).
    pub section: Range<usize>,
}

impl Heading {
    /// The marker's span in the document.
    pub fn span(&self) -> Range<usize> {
        self.marker.span.start + self.offset..self.marker.span.end + self.offset
    }

    /// The title's span in the document.
    pub fn title_span(&self) -> Range<usize> {
        self.marker.title.start + self.offset..self.marker.title.end + self.offset
    }
}

/// A run of sibling headings numbered in one sequence.
#[derive(Debug, Clone)]
pub struct List {
    pub style: Style,
    pub parent: Option<usize>,
    pub items: Vec<usize>,
    /// The number the first item should have: 1, or where an earlier list of the
    /// same style left off (第十一条 after a new 第二章).
    pub first_expected: u32,
    /// The enclosing list of the same style when this one restarts numbering
    /// inside it (一要 … 二要 … 一要 … 二要 … 三要 …).
    pub restart_of: Option<usize>,
    /// A heading of a lower GB/T level this list sits under (（一） under 1.).
    pub inverted_under: Option<usize>,
    /// Opened by a lone inline item that continues nothing; closed at its
    /// paragraph's end.
    local: bool,
}

/// A piece boundary found in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub paragraph: usize,
    pub kind: BreakKind,
}

/// The outline of a whole document.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// Every heading, in document order.
    pub headings: Vec<Heading>,
    pub lists: Vec<List>,
    pub breaks: Vec<Break>,
}

impl Outline {
    /// Top-level headings, in document order.
    pub fn roots(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.headings.len()).filter(|&i| self.headings[i].parent.is_none())
    }
}

enum Event<'a> {
    Break(usize, BreakKind),
    Marker {
        paragraph: usize,
        offset: usize,
        /// Borrowed from the paragraph's summary (cloned only into headings).
        marker: &'a Marker,
        inline: bool,
    },
    /// End of a paragraph that held markers (closes paragraph-local lists).
    EndParagraph,
}

/// How far ahead placement decisions look, in markers: bounds the work per
/// marker so the whole pass stays linear.
const LOOKAHEAD: usize = 256;

struct Builder {
    out: Outline,
    /// Open lists, outermost first.
    stack: Vec<usize>,
    /// Per parent heading (or the root), the list of it most recently closed.
    closed_under: HashMap<Option<usize>, usize>,
    /// Per style, its most recent list in this piece.
    by_style: HashMap<Style, usize>,
    /// Lists already found to restart inside an enclosing list of their style.
    nesting_lists: Vec<usize>,
    /// The list of 第一篇 第二篇 … markers.
    piece_list: Option<usize>,
}

/// What one paragraph contributes to the outline: its leading marker, the
/// enumerations inside it, or the piece it starts. A pure function of the text,
/// so the language server can keep it per paragraph between edits.
#[derive(Debug, Clone)]
pub struct ParagraphMarkers {
    marker: Option<Marker>,
    inline: Vec<Marker>,
    piece: Option<BreakKind>,
    /// Only [`BLANKS`] (an empty paragraph included).
    blank: bool,
    /// Only Unicode whitespace and NUL (masked Markdown).
    whitespace: bool,
    /// A hash of the markers as written, in order (the checks quote them).
    written: u64,
    /// Whether the paragraph opens with 附件.
    attachments: bool,
}

impl ParagraphMarkers {
    /// Whether the paragraph holds only Unicode whitespace and masked
    /// Markdown: known from the summary, so that the checks over a whole
    /// outline need not read the text of every section.
    pub fn is_whitespace(&self) -> bool {
        self.whitespace
    }

    /// Whether the paragraph is plain text to the outline: no marker of any
    /// kind, no piece break, not blank.
    pub fn is_body_text(&self) -> bool {
        self.is_unmarked() && !self.blank && !self.whitespace
    }

    /// Whether the paragraph is blank, or only Unicode whitespace.
    pub fn is_blank_line(&self) -> bool {
        self.is_unmarked() && (self.blank || self.whitespace)
    }

    /// Whether the paragraph opens with 附件: a list that starts there lists
    /// attached documents, not sections.
    pub fn opens_attachments(&self) -> bool {
        self.attachments
    }

    /// Whether the paragraph starts a piece (a title, a salutation, web
    /// navigation): the outline starts afresh there.
    pub fn starts_piece(&self) -> bool {
        self.piece.is_some()
    }

    /// Whether the paragraph is a 第一篇-style piece marker, whose list runs on
    /// across titles.
    pub fn marks_piece(&self) -> bool {
        self.marker
            .as_ref()
            .is_some_and(|m| m.style == Style::Piece)
    }

    fn is_unmarked(&self) -> bool {
        self.marker.is_none() && self.inline.is_empty() && self.piece.is_none()
    }

    /// Where the outline of a paragraph summarised as `self` before an edit
    /// and as `now` after it moved: the offset from which its markers lie
    /// `delta` bytes later (those before it stayed), when nothing else about
    /// them changed. `None` when the paragraph means something else to the
    /// outline now. A heading's title may change: the outline checks do not
    /// read it.
    pub fn moved_to(&self, now: &ParagraphMarkers, delta: i64) -> Option<usize> {
        let same_kind = self.piece == now.piece
            && self.blank == now.blank
            && self.whitespace == now.whitespace
            && self.written == now.written
            && self.attachments == now.attachments
            && self.marker.is_some() == now.marker.is_some()
            && self.inline.len() == now.inline.len();
        if !same_kind {
            return None;
        }
        // `a`'s range moved by `d` is `b`'s.
        let lands = |a: &Range<usize>, b: &Range<usize>, d: i64| {
            (a.start as i64 + d, a.end as i64 + d) == (b.start as i64, b.end as i64)
        };
        let same = |a: &Marker, b: &Marker, d: i64| {
            (a.style, a.value, a.form, a.arabic_dunhao, a.shape)
                == (b.style, b.value, b.form, b.arabic_dunhao, b.shape)
                && a.standard == b.standard
                && lands(&a.span, &b.span, d)
                && lands(&a.number, &b.number, d)
        };
        let mut split = None;
        for (a, b) in self
            .marker
            .iter()
            .chain(&self.inline)
            .zip(now.marker.iter().chain(&now.inline))
        {
            if split.is_none() && same(a, b, 0) {
                continue;
            }
            if !same(a, b, delta) {
                return None;
            }
            split.get_or_insert(a.span.start);
        }
        Some(split.unwrap_or(usize::MAX))
    }
}

pub fn paragraph_markers(text: &str) -> ParagraphMarkers {
    let found = markers_of(text);
    let written = if found.marker.is_none() && found.inline.is_empty() {
        0
    } else {
        let mut h = rustc_hash::FxHasher::default();
        for m in found.marker.iter().chain(&found.inline) {
            std::hash::Hasher::write(&mut h, text[m.span.clone()].as_bytes());
            std::hash::Hasher::write_u8(&mut h, 0xFF);
        }
        std::hash::Hasher::finish(&h)
    };
    ParagraphMarkers {
        blank: text.chars().all(is_blank),
        whitespace: text.chars().all(|c| c.is_whitespace() || c == '\0'),
        written,
        attachments: opens_attachments(text),
        ..found
    }
}

/// Whether a paragraph opens with 附件: a list that starts there lists
/// attached documents, not sections.
fn opens_attachments(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '\0')
        .starts_with("附件")
}

fn markers_of(text: &str) -> ParagraphMarkers {
    let empty = ParagraphMarkers {
        marker: None,
        inline: Vec::new(),
        piece: None,
        blank: false,
        whitespace: false,
        written: 0,
        attachments: false,
    };
    match parse_marker(text) {
        Some(marker) => ParagraphMarkers {
            inline: if marker.style == Style::Piece {
                Vec::new()
            } else {
                inline_enumerations_after(text, Some(&marker))
            },
            marker: Some(marker),
            ..empty
        },
        None => match piece_break(text) {
            Some(kind) => ParagraphMarkers {
                piece: Some(kind),
                ..empty
            },
            None => ParagraphMarkers {
                inline: inline_enumerations_after(text, None),
                ..empty
            },
        },
    }
}

/// The inline enumerations of paragraph `p` (一是…；二是…), then its end.
fn push_inline<'a>(events: &mut Vec<Event<'a>>, p: &Paragraph<'_>, inline: &'a [Marker]) {
    for marker in inline {
        events.push(Event::Marker {
            paragraph: p.index,
            offset: p.start,
            marker,
            inline: true,
        });
    }
    events.push(Event::EndParagraph);
}

/// Nests the markers of a document into headings and lists.
pub fn build_outline(paragraphs: &[Paragraph<'_>]) -> Outline {
    let summaries: Vec<std::sync::Arc<ParagraphMarkers>> = paragraphs
        .iter()
        .map(|p| std::sync::Arc::new(paragraph_markers(p.text)))
        .collect();
    build_outline_from(paragraphs, &summaries)
}

/// [`build_outline`] from per-paragraph summaries computed (or cached) by the caller;
/// `summaries[i]` must be `paragraph_markers(paragraphs[i].text)`.
pub fn build_outline_from(
    paragraphs: &[Paragraph<'_>],
    summaries: &[std::sync::Arc<ParagraphMarkers>],
) -> Outline {
    let mut events = Vec::new();
    for (p, summary) in paragraphs.iter().zip(summaries) {
        if let Some(marker) = &summary.marker {
            let piece = marker.style == Style::Piece;
            events.push(Event::Marker {
                paragraph: p.index,
                offset: p.start,
                marker,
                inline: false,
            });
            if !piece {
                push_inline(&mut events, p, &summary.inline);
            }
        } else if let Some(kind) = summary.piece {
            events.push(Event::Break(p.index, kind));
        } else if !summary.inline.is_empty() {
            push_inline(&mut events, p, &summary.inline);
        }
    }
    // One heading per marker event: sized once, the vector of large
    // headings is not copied as it grows.
    let markers = events
        .iter()
        .filter(|e| matches!(e, Event::Marker { .. }))
        .count();
    let mut b = Builder {
        out: Outline {
            headings: Vec::with_capacity(markers),
            ..Outline::default()
        },
        stack: Vec::new(),
        closed_under: HashMap::default(),
        by_style: HashMap::default(),
        nesting_lists: Vec::new(),
        piece_list: None,
    };
    for k in 0..events.len() {
        match &events[k] {
            Event::Break(paragraph, kind) => {
                b.out.breaks.push(Break {
                    paragraph: *paragraph,
                    kind: *kind,
                });
                b.new_piece(true);
            }
            Event::EndParagraph => {
                while b.stack.last().is_some_and(|&l| b.out.lists[l].local) {
                    b.pop();
                }
            }
            Event::Marker {
                paragraph,
                offset,
                marker,
                inline,
            } => {
                let h = Heading {
                    paragraph: *paragraph,
                    offset: *offset,
                    marker: (*marker).clone(),
                    inline: *inline,
                    parent: None,
                    children: Vec::new(),
                    list: 0,
                    depth: 0,
                    section: *paragraph..*paragraph + 1,
                };
                if *inline {
                    b.place_inline(h);
                } else {
                    b.place(h, &events, k);
                }
            }
        }
    }
    b.finish_sections(paragraphs, summaries);
    b.out
}

impl Builder {
    fn style_of(&self, list: usize) -> Style {
        self.out.lists[list].style
    }

    fn last_item(&self, list: usize) -> &Heading {
        let l = &self.out.lists[list];
        &self.out.headings[*l.items.last().expect("lists are never empty")]
    }

    fn current_parent(&self) -> Option<usize> {
        self.stack.last().map(|&l| {
            *self.out.lists[l]
                .items
                .last()
                .expect("lists are never empty")
        })
    }

    fn pop(&mut self) {
        if let Some(l) = self.stack.pop() {
            let parent = self.out.lists[l].parent;
            self.closed_under.insert(parent, l);
        }
    }

    fn truncate(&mut self, len: usize) {
        while self.stack.len() > len {
            self.pop();
        }
    }

    /// A title or piece marker: every list closes (piece lists survive a title).
    fn new_piece(&mut self, keep_pieces: bool) {
        let keep = if keep_pieces {
            self.stack
                .iter()
                .take_while(|&&l| self.out.lists[l].style == Style::Piece)
                .count()
        } else {
            0
        };
        self.truncate(keep);
        self.closed_under.clear();
        self.by_style.clear();
        self.nesting_lists.clear();
    }

    fn push_item(&mut self, list: usize, mut h: Heading) -> usize {
        let id = self.out.headings.len();
        let parent = self.out.lists[list].parent;
        h.list = list;
        h.parent = parent;
        h.depth = parent.map_or(0, |p| self.out.headings[p].depth + 1);
        if let Some(p) = parent {
            self.out.headings[p].children.push(id);
        }
        self.out.lists[list].items.push(id);
        self.out.headings.push(h);
        id
    }

    fn new_list(&mut self, style: Style, h: Heading) -> usize {
        let parent = self.current_parent();
        let id = self.out.lists.len();
        self.out.lists.push(List {
            style,
            parent,
            items: Vec::new(),
            first_expected: 1,
            restart_of: None,
            inverted_under: None,
            local: false,
        });
        self.stack.push(id);
        self.push_item(id, h);
        self.by_style.insert(style, id);
        id
    }

    /// Positions in the stack of open lists of `style`, innermost first.
    fn open_of(&self, style: Style) -> Vec<usize> {
        (0..self.stack.len())
            .rev()
            .filter(|&j| self.style_of(self.stack[j]) == style)
            .collect()
    }

    /// [`Builder::open_of`]'s first, without collecting the rest (asked for
    /// every event the lookaheads pass).
    fn innermost_open(&self, style: Style) -> Option<usize> {
        (0..self.stack.len())
            .rev()
            .find(|&j| self.style_of(self.stack[j]) == style)
    }

    fn fits(&self, list: usize, m: &Marker) -> bool {
        let last = &self.last_item(list).marker;
        match m.style {
            Style::Sequence => true,
            Style::Aspect => m.value == 2 && last.value == 1,
            _ => m.value == last.value + 1,
        }
    }

    /// Among open lists of the marker's style that it continues, the one to
    /// join: the innermost, unless an outer one's last item has the same shape
    /// and the inner one's does not (一是 headings with 一是 sentences under them).
    fn choose(&self, positions: &[usize], m: &Marker) -> Option<usize> {
        let fitting: Vec<usize> = positions
            .iter()
            .copied()
            .filter(|&j| self.fits(self.stack[j], m))
            .collect();
        let first = *fitting.first()?;
        if self.last_item(self.stack[first]).marker.shape != m.shape {
            if let Some(&j) = fitting
                .iter()
                .find(|&&j| self.last_item(self.stack[j]).marker.shape == m.shape)
            {
                return Some(j);
            }
        }
        Some(first)
    }

    fn place_inline(&mut self, h: Heading) {
        let m = &h.marker;
        let open = self.open_of(m.style);
        if let Some(j) = self.choose(&open, m) {
            self.truncate(j + 1);
            let list = self.stack[j];
            self.push_item(list, h);
        } else if let Some(&j) = open
            .first()
            .filter(|&&j| m.value != 1 && self.last_item(self.stack[j]).paragraph == h.paragraph)
        {
            // 一是…；二是…；四是… within one paragraph: a slip in that list.
            self.truncate(j + 1);
            let list = self.stack[j];
            self.push_item(list, h);
        } else if m.value == 1 || m.style == Style::Sequence {
            // A sub-enumeration inside the body of an item of the same style is
            // common in speeches and stays within its paragraph.
            let local = !open.is_empty();
            let style = m.style;
            let id = self.new_list(style, h);
            self.out.lists[id].local = local;
        }
        // An inline 二是 that continues nothing is more likely prose than a list.
    }

    fn place(&mut self, h: Heading, events: &[Event<'_>], k: usize) {
        // `h`'s marker, borrowed from its event: `h` itself moves into a list.
        let &Event::Marker { marker: m, .. } = &events[k] else {
            unreachable!("placed from a marker event")
        };
        if m.style == Style::Piece {
            self.new_piece(false);
            match self.piece_list {
                Some(l) => {
                    self.stack.push(l);
                    self.push_item(l, h);
                }
                None => {
                    let id = self.new_list(Style::Piece, h);
                    self.piece_list = Some(id);
                }
            }
            return;
        }
        let open = self.open_of(m.style);
        if !open.is_empty() {
            if let Some(j) = self.choose(&open, m) {
                self.truncate(j + 1);
                let list = self.stack[j];
                self.push_item(list, h);
                return;
            }
            let j = open[0];
            let list = self.stack[j];
            let last = self.last_item(list).marker.value;
            if m.value == 1 && last >= 1 && m.style.numbered() {
                if m.style.rank().is_some() {
                    // 一、 again after 三、: a new part whose title we did not see.
                    self.truncate(j);
                    self.new_list(m.style, h);
                    return;
                }
                match self.restart_kind(events, k, j) {
                    Restart::Typo => {
                        self.truncate(j + 1);
                        self.push_item(list, h);
                    }
                    Restart::Nested => {
                        let id = self.new_list(m.style, h);
                        self.out.lists[id].restart_of = Some(list);
                        self.nesting_lists.push(list);
                    }
                    Restart::Sequential => {
                        self.truncate(j);
                        self.new_list(m.style, h);
                    }
                }
                return;
            }
            // Skipped, repeated or out of order: still an item of that list.
            self.truncate(j + 1);
            self.push_item(list, h);
            return;
        }
        // A style not open yet: where does its list hang?
        let resumed = self.resumed_below(events, k, m.style);
        let Some(rank) = m.style.rank() else {
            // Enumerations nest under whatever is open.
            self.open_new(m.style, h);
            return;
        };
        // A ranked marker closes the open lists it outranks (and enumerations),
        // but not a list the document resumes after it: that one encloses it.
        let floor = resumed.map_or(0, |j| j + 1);
        while self.stack.len() > floor {
            let top = self.stack[self.stack.len() - 1];
            match self.style_of(top).rank() {
                Some(r) if r < rank => break,
                _ => self.pop(),
            }
        }
        let inverted = self.stack.last().and_then(|&l| {
            let item = self.last_item(l);
            (item.marker.style.rank().is_some_and(|r| r > rank)).then(|| {
                *self.out.lists[l]
                    .items
                    .last()
                    .expect("lists are never empty")
            })
        });
        let id = self.open_new(m.style, h);
        if self.out.lists[id].style == m.style && self.out.lists[id].items.len() == 1 {
            self.out.lists[id].inverted_under = inverted;
        }
    }

    /// Starts a list for `h` under the current parent, unless `h` continues one
    /// it should join: a closed list of its style that ends just before it, or
    /// (in another style) its parent's list or the list closed just before it.
    /// Returns the list `h` joined.
    fn open_new(&mut self, style: Style, h: Heading) -> usize {
        let v = h.marker.value;
        let parent = self.current_parent();
        if v > 1 && style.numbered() {
            // Resumes a list of its own style under the same parent (interrupted
            // by a higher heading that closed it).
            let same = self
                .closed_under
                .get(&parent)
                .copied()
                .filter(|&l| self.style_of(l) == style && !style.continuous());
            if let Some(l) = same {
                if self.last_item(l).marker.value + 1 == v {
                    self.stack.push(l);
                    self.push_item(l, h);
                    return l;
                }
            }
            // Numbering that runs on across parents: 第十一条 after a new 第二章,
            // or 3. 4. under （二） after 1. 2. under （一）. Not for the two
            // heading levels, where it is a plain numbering slip.
            let heading_level = matches!(style, Style::Chinese | Style::ChineseParen);
            if let Some(&l) = self.by_style.get(&style).filter(|_| !heading_level) {
                if self.last_item(l).marker.value + 1 == v {
                    let id = self.new_list(style, h);
                    self.out.lists[id].first_expected = v;
                    return id;
                }
            }
            // Continues the numbering of its parent's list in another style:
            // （一） （二） 3、 — the 3、 is a third sibling, mis-styled.
            if let Some(p) = parent {
                let pl = self.out.headings[p].list;
                let pm = &self.out.headings[p].marker;
                let deeper = matches!((pm.style.rank(), style.rank()), (Some(a), Some(b)) if b > a);
                if (deeper || interchangeable(pm.style, style))
                    && pm.value + 1 == v
                    && self.mixable(pl)
                    && !self.out.headings[p].inline
                {
                    self.push_item(pl, h);
                    return pl;
                }
            }
            // Continues the list closed just before it, in another style: 1、 2、 三、
            if let Some(&l) = self.closed_under.get(&parent) {
                let last = self.last_item(l);
                let ranked = last.marker.style.rank().is_some() && style.rank().is_some();
                if (ranked || interchangeable(last.marker.style, style))
                    && last.marker.value + 1 == v
                    && self.mixable(l)
                {
                    self.stack.push(l);
                    self.push_item(l, h);
                    return l;
                }
            }
        }
        self.new_list(style, h)
    }

    /// Whether a list is established enough (two items, a plain heading style)
    /// for a marker in another style that continues its numbering to count as
    /// a mis-styled sibling.
    fn mixable(&self, list: usize) -> bool {
        let l = &self.out.lists[list];
        l.items.len() >= 2 && l.style.numbered() && l.style != Style::Piece && !l.style.continuous()
    }

    /// For a marker of a style not open yet, the stack position of the open list
    /// that the document resumes after it (its list nests under that list's
    /// current item), or `None` when no open list resumes before the scope ends.
    fn resumed_below(&self, events: &[Event<'_>], k: usize, style: Style) -> Option<usize> {
        for ev in events.iter().skip(k + 1).take(LOOKAHEAD) {
            match ev {
                Event::Break(..) => return None,
                Event::EndParagraph => {}
                Event::Marker { marker, inline, .. } => {
                    if *inline || marker.style == style {
                        continue;
                    }
                    if marker.style == Style::Piece {
                        return None;
                    }
                    let Some(j) = self.innermost_open(marker.style) else {
                        continue;
                    };
                    return self.fits(self.stack[j], marker).then_some(j);
                }
            }
        }
        None
    }

    /// A 一是 (value 1) met inside an open 一是 list at stack position `j`:
    /// decides by looking ahead whether it opens a nested list of the same
    /// style, is a typo for the next number, or starts a new list.
    fn restart_kind(&self, events: &[Event<'_>], k: usize, j: usize) -> Restart {
        let outer = self.stack[j];
        let style = self.style_of(outer);
        let outer_shape = self.last_item(outer).marker.shape;
        let Event::Marker { marker: this, .. } = &events[k] else {
            return Restart::Sequential;
        };
        let mut inner_last = 1;
        let mut inner_shape = this.shape;
        let outer_last = self.last_item(outer).marker.value;
        let mut first = true;
        let pattern = if self.nesting_lists.contains(&outer) {
            Restart::Nested
        } else {
            Restart::Sequential
        };
        for ev in events.iter().skip(k + 1).take(LOOKAHEAD) {
            let Event::Marker { marker, inline, .. } = ev else {
                if matches!(ev, Event::Break(..)) {
                    return pattern;
                }
                continue;
            };
            if *inline {
                continue;
            }
            if marker.style != style {
                // A marker of a list enclosing the outer one ends its scope.
                // So does a ranked heading not open yet (it closes enumerations).
                let closes = match self.innermost_open(marker.style) {
                    Some(p) => p < j,
                    None => marker.style.rank().is_some(),
                };
                if closes {
                    return pattern;
                }
                continue;
            }
            let w = marker.value;
            let fits_in = w == inner_last + 1;
            let fits_out = w == outer_last + 1;
            if fits_in && fits_out {
                if marker.shape == outer_shape && marker.shape != inner_shape {
                    return Restart::Nested;
                }
                inner_last = w;
                inner_shape = marker.shape;
            } else if fits_out {
                return Restart::Nested;
            } else if fits_in {
                inner_last = w;
                inner_shape = marker.shape;
            } else if first && w == outer_last + 2 {
                return Restart::Typo;
            } else {
                return pattern;
            }
            first = false;
        }
        pattern
    }

    /// Fills in each heading's section: up to the next heading that is not its
    /// descendant, or the next piece break, without trailing blank paragraphs.
    fn finish_sections(
        &mut self,
        paragraphs: &[Paragraph<'_>],
        summaries: &[std::sync::Arc<ParagraphMarkers>],
    ) {
        let n = paragraphs.len();
        let breaks: Vec<usize> = self.out.breaks.iter().map(|b| b.paragraph).collect();
        let nav: Vec<usize> = self
            .out
            .breaks
            .iter()
            .filter(|b| b.kind == BreakKind::Navigation)
            .map(|b| b.paragraph)
            .collect();
        let heads = &mut self.out.headings;
        // Paragraph-start headings in order; a monotonic stack finds, for each,
        // the first later one at the same depth or shallower.
        let mut open: Vec<usize> = Vec::new();
        let order: Vec<usize> = (0..heads.len()).filter(|&i| !heads[i].inline).collect();
        let mut ends = vec![n; heads.len()];
        for &i in &order {
            while let Some(&top) = open.last() {
                if heads[top].depth >= heads[i].depth {
                    ends[top] = heads[i].paragraph;
                    open.pop();
                } else {
                    break;
                }
            }
            open.push(i);
        }
        for (i, h) in heads.iter_mut().enumerate() {
            if h.inline {
                continue;
            }
            let mut end = ends[i];
            // A piece runs to the next piece (or the page's navigation links);
            // anything else stops at the next title.
            let stops = if h.marker.style == Style::Piece {
                &nav
            } else {
                &breaks
            };
            let next_break = stops.partition_point(|&b| b <= h.paragraph);
            if let Some(&b) = stops.get(next_break) {
                end = end.min(b);
            }
            while end > h.paragraph + 1 && summaries.get(end - 1).is_some_and(|s| s.blank) {
                end -= 1;
            }
            h.section = h.paragraph..end.max(h.paragraph + 1);
        }
    }
}

/// Styles a writer uses for the same level and may slip between: 一要 … 三是.
fn interchangeable(a: Style, b: Style) -> bool {
    let group = |s: Style| match s {
        Style::EnumShi | Style::EnumYao => 1,
        Style::Ordinal | Style::Qi => 2,
        _ => 0,
    };
    a != b && group(a) != 0 && group(a) == group(b)
}

enum Restart {
    Nested,
    Typo,
    Sequential,
}

#[cfg(test)]
mod tests;
