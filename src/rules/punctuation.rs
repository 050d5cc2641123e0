//! `kind = "punctuation"`: punctuation checks that need more than a regex
//! (GB/T 15834-2011).
//!
//! One checker serves three rule ids, each enabled and configured by its own
//! `[[rule]]` table:
//!
//! - `punctuation.halfwidth`: `, ; : ? ! ( )` in Chinese context → full-width. Not
//!   inside numbers (1,000), times (10:30), URLs, e-mail addresses, `code` or runs
//!   of Latin text. A paragraph with few such marks gets one finding per mark (the
//!   editor's quick fix touches one mark); a paragraph with `group_at` or more gets
//!   ONE finding whose fix rewrites them all — pasted web text often has every mark
//!   half-width, and two hundred findings per page would bury everything else.
//! - `punctuation.space`: spaces between Chinese characters or after/before a
//!   full-width mark (titles and signature lines, which use spaces as separators,
//!   are left alone).
//! - `punctuation.unpaired`: “ ” ‘ ’ 《 》 （ ） 【 】 〔 〕 … without a partner in
//!   the paragraph, and quotes turned the wrong way (“五型机关“). Document-level
//!   only so that a pair split by a hard line break (初创阶段（1998 / 年到1999年）)
//!   is left to the line-break rule instead of being reported twice.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use aho_corasick::packed::Searcher;
use regex::Regex;

use super::cjk::{any_byte, byte_positions, has_sentence_punct, is_blank, is_cjk, merge_sorted};
use super::memo::{ParaMemo, Relevance, Unaffected};
use super::{Checker, DocView};
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};
use crate::position::floor_char_boundary;

pub const HALFWIDTH: &str = "punctuation.halfwidth";
pub const SPACE: &str = "punctuation.space";
pub const UNPAIRED: &str = "punctuation.unpaired";

struct Rule {
    id: Arc<str>,
    severity: Severity,
    template: String,
}

impl Rule {
    fn from(spec: &RuleSpec) -> Rule {
        Rule {
            id: spec.id.clone(),
            severity: spec.severity,
            template: spec.message.clone(),
        }
    }
}

struct HalfWidthRule {
    rule: Rule,
    group_at: usize,
    group_template: String,
}

struct UnpairedRule {
    rule: Rule,
    reversed_template: String,
    /// Unmatched marks per paragraph, reused across calls (language server).
    memo: ParaMemo<std::sync::Arc<Vec<Unmatched>>>,
    /// The last findings, reused after typing where nothing is unmatched.
    unaffected: Unaffected,
}

#[derive(Default)]
pub struct PunctuationChecker {
    halfwidth: Option<HalfWidthRule>,
    space: Option<Rule>,
    unpaired: Option<UnpairedRule>,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut checker = PunctuationChecker::default();
    let mut errors = Vec::new();
    for spec in specs {
        if let Err(e) = build_one(spec, &mut checker) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(vec![Box::new(checker)])
    } else {
        Err(errors)
    }
}

fn build_one(spec: &RuleSpec, checker: &mut PunctuationChecker) -> Result<(), ConfigError> {
    match &*spec.id {
        HALFWIDTH => {
            spec.expect_params(&["group_at", "group_message"])?;
            let group_at = spec.param::<usize>("group_at")?.unwrap_or(4);
            if group_at < 2 {
                return Err(spec.params_error("参数 `group_at` 应不小于 2"));
            }
            checker.halfwidth = Some(HalfWidthRule {
                rule: Rule::from(spec),
                group_at,
                group_template: spec
                    .param::<String>("group_message")?
                    .unwrap_or_else(|| "本段有 {count} 处半角标点（{marks}），应改为全角".into()),
            });
        }
        SPACE => {
            spec.expect_params(&[])?;
            checker.space = Some(Rule::from(spec));
        }
        UNPAIRED => {
            spec.expect_params(&["reversed_message"])?;
            checker.unpaired = Some(UnpairedRule {
                rule: Rule::from(spec),
                reversed_template: spec
                    .param::<String>("reversed_message")?
                    .unwrap_or_else(|| "引号方向错误，此处应为“{replacement}”".into()),
                memo: ParaMemo::default(),
                unaffected: Unaffected::default(),
            });
        }
        other => {
            return Err(spec.error(
                spec.span.clone(),
                format!(
                "`punctuation` 类型没有规则 `{other}`（可用：{HALFWIDTH}、{SPACE}、{UNPAIRED}）"
            ),
            ))
        }
    }
    Ok(())
}

impl Checker for PunctuationChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        if let Some(hw) = &self.halfwidth {
            check_halfwidth(hw, text, out);
        }
        if let Some(rule) = &self.space {
            check_spaces(rule, text, out);
        }
    }

    fn check_document(&self, doc: &DocView<'_>, out: &mut Vec<Finding>) {
        if let Some(rule) = &self.unpaired {
            check_unpaired(rule, doc, out);
        }
    }
}

// ---------------------------------------------------------------- half-width

/// A half-width mark to convert: where it is, its full-width form, and the span
/// its fix replaces (the mark plus the spaces around it that the full-width
/// mark makes redundant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub at: usize,
    pub ch: char,
    pub full: char,
    pub fix: Range<usize>,
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

/// Spans where half-width marks are someone else's syntax: URLs, e-mail
/// addresses, inline code.
static EXCLUDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:https?|ftp)://[^\s\p{Han}，。；、“”（）《》]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s\p{Han}，。；、“”（）《》]*|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+|`[^`]*`",
    )
    .expect("valid regex")
});

/// Finds the half-width marks of one paragraph that should be full-width.
///
/// Every mark converted is ASCII, so the marks are found by a byte scan and only
/// their neighbourhoods are decoded: most paragraphs have a few marks among
/// hundreds of characters.
pub fn halfwidth_marks(text: &str) -> Vec<Mark> {
    let bytes = text.as_bytes();
    // Plain comparisons rather than `matches!`, which compiles to a bit test
    // that does not vectorise well.
    let is_mark = |b: u8| {
        (b == b',')
            | (b == b';')
            | (b == b':')
            | (b == b'?')
            | (b == b'!')
            | (b == b'(')
            | (b == b')')
    };
    if !any_byte(bytes, is_mark) {
        return Vec::new();
    }
    let found = byte_positions(bytes, is_mark);
    // Every URL, e-mail address and code span holds one of these bytes (`://`,
    // `www.`, `@`, backquotes): without them the regex has nothing to find.
    let excluded: Vec<Range<usize>> = if any_byte(bytes, |b| {
        (b == b'/') | (b == b'.') | (b == b'@') | (b == b'`')
    }) {
        EXCLUDED.find_iter(text).map(|m| m.range()).collect()
    } else {
        Vec::new()
    };
    let in_excluded = |at: usize| excluded.iter().any(|r| r.contains(&at));
    // Neighbours of the (one-byte) mark at `at`: adjacent, and the nearest non-blank.
    let before = |at: usize| text[..at].chars().next_back();
    let after = |at: usize| text[at + 1..].chars().next();
    let prev = |at: usize| text[..at].chars().rev().find(|&c| !is_blank(c));
    let next = |at: usize| text[at + 1..].chars().find(|&c| !is_blank(c));

    let mut convert = vec![false; found.len()];
    // Parentheses go by pairs, so （GDP） is converted as a whole even though one
    // side touches only Latin letters.
    let mut stack: Vec<usize> = Vec::new();
    let mut paired = vec![false; found.len()];
    for (k, &at) in found.iter().enumerate() {
        if in_excluded(at) {
            continue;
        }
        match bytes[at] {
            b'(' => stack.push(k),
            b')' => {
                if let Some(o) = stack.pop() {
                    paired[o] = true;
                    paired[k] = true;
                    let open = found[o];
                    let inner_cjk = text[open + 1..at].chars().any(is_cjk);
                    // Outside neighbours count only when touching: "Windows(R) 系统" is Latin.
                    if inner_cjk
                        || before(open).is_some_and(is_cjk)
                        || after(at).is_some_and(is_cjk)
                    {
                        convert[o] = true;
                        convert[k] = true;
                    }
                }
            }
            _ => {}
        }
    }
    for (k, &at) in found.iter().enumerate() {
        if paired[k] || in_excluded(at) {
            continue;
        }
        // Inside a number or a time: 1,000  10:30  12?4 (a lost character).
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        if digit(before(at)) && digit(after(at)) {
            continue;
        }
        // The end of a Latin run: "Hello, world! 然后" — attached to a Latin word
        // and followed by a space, the mark is English punctuation.
        if before(at).is_some_and(|c| c.is_ascii_alphanumeric()) && after(at) == Some(' ') {
            continue;
        }
        if prev(at).is_some_and(is_cjk) || next(at).is_some_and(is_cjk) {
            convert[k] = true;
        }
    }

    let mut marks = Vec::new();
    let mut last_end = 0;
    let spacey = |c: char| matches!(c, ' ' | '\t' | '\u{3000}');
    for (k, &at) in found.iter().enumerate() {
        if !convert[k] {
            continue;
        }
        // The fix takes the spaces around the mark, except leading indentation,
        // spaces after the last character and spaces an earlier fix took.
        let mut start = at;
        for (i, c) in text[..at].char_indices().rev() {
            if !spacey(c) || i < last_end {
                break;
            }
            start = i;
        }
        if start == 0 {
            start = at;
        }
        let rest = &text[at + 1..];
        let spaces = rest.len() - rest.trim_start_matches(spacey).len();
        let end = if spaces > 0 && spaces < rest.len() {
            at + 1 + spaces
        } else {
            at + 1
        };
        last_end = end;
        let ch = char::from(bytes[at]);
        marks.push(Mark {
            at,
            ch,
            full: full_width(ch).expect("only convertible marks are found"),
            fix: start..end,
        });
    }
    marks
}

fn check_halfwidth(hw: &HalfWidthRule, text: &str, out: &mut Vec<Finding>) {
    let marks = halfwidth_marks(text);
    if marks.is_empty() {
        return;
    }
    if marks.len() < hw.group_at {
        for m in marks {
            let (mch, mfull) = (m.ch.to_string(), m.full.to_string());
            let message = render(
                &hw.rule.template,
                &[("match", &mch), ("replacement", &mfull)],
            );
            out.push(
                Finding::new(&hw.rule.id, hw.rule.severity, m.at..m.at + 1, message)
                    .with_fix(m.fix, mfull),
            );
        }
        return;
    }
    let span = marks[0].fix.start..marks[marks.len() - 1].fix.end;
    let mut replacement = String::with_capacity(span.len());
    let mut pos = span.start;
    for m in &marks {
        replacement.push_str(&text[pos..m.fix.start]);
        replacement.push(m.full);
        pos = m.fix.end;
    }
    replacement.push_str(&text[pos..span.end]);
    // Counts by mark, in a fixed order, for a message a reader can take in.
    let mut summary = Vec::new();
    for c in [',', ';', ':', '?', '!', '(', ')'] {
        let n = marks.iter().filter(|m| m.ch == c).count();
        if n > 0 {
            summary.push(format!("“{c}”{n} 处"));
        }
    }
    let count = marks.len().to_string();
    let message = render(
        &hw.group_template,
        &[("count", &count), ("marks", &summary.join("、"))],
    );
    out.push(
        Finding::new(&hw.rule.id, hw.rule.severity, span, message).with_replacement(replacement),
    );
}

// ---------------------------------------------------------------- spaces

/// Built once: a `Finder` costs more to build than to run on a paragraph.
static IDEOGRAPHIC_SPACE: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("\u{3000}"));

fn check_spaces(rule: &Rule, text: &str, out: &mut Vec<Finding>) {
    // Runs are found from the positions of spaces (U+00A0 is C2 A0; U+3000,
    // E3 80 80, by a literal search: E3 leads 。 and 、 too), without decoding
    // the paragraph.
    let bytes = text.as_bytes();
    let narrow = |b: u8| (b == b' ') | (b == b'\t') | (b == 0xC2);
    let ideographic = &*IDEOGRAPHIC_SPACE;
    if !any_byte(bytes, narrow) && ideographic.find(bytes).is_none() {
        return;
    }
    // Titles, headings and signature lines use spaces as separators.
    if !has_sentence_punct(text) {
        return;
    }
    let spacey = |c: char| matches!(c, ' ' | '\t' | '\u{3000}' | '\u{A0}');
    let mut end = 0;
    let narrow_at = byte_positions(bytes, narrow);
    for at in merge_sorted(narrow_at.into_iter(), ideographic.find_iter(bytes)) {
        // Inside the last run, or not a space after all.
        if at < end || !text[at..].starts_with(spacey) {
            continue;
        }
        let rest = &text[at..];
        end = at + rest.len() - rest.trim_start_matches(spacey).len();
        // Runs are maximal, so the character before is not a space.
        let prev = text[..at].chars().next_back();
        let next = text[end..].chars().next();
        if let (Some(p), Some(n)) = (prev, next) {
            if is_cjk(p) && is_cjk(n) && !is_open_dash(p, n) && !quoted_or_bracketed(text, at, end)
            {
                out.push(space_finding(rule, text, at..end, p));
            }
        }
    }
}

/// How far around a space [`quoted_or_bracketed`] and [`space_finding`] look
/// (bytes, ~40 Han characters): slogans, bylines and markers are short, and a
/// bound keeps a huge paragraph full of spaces linear.
const SPACE_CONTEXT: usize = 120;

/// Whether `text[at..end]` lies inside quotes or brackets: a two-part
/// slogan (“织密监管网 共筑防护线”) and a byline (（记者 张三）) are set
/// with a space there by convention.
fn quoted_or_bracketed(text: &str, at: usize, end: usize) -> bool {
    let before = &text[floor_char_boundary(text, at.saturating_sub(SPACE_CONTEXT))..at];
    let after = &text[end..floor_char_boundary(text, end + SPACE_CONTEXT)];
    [('“', '”'), ('（', '）'), ('(', ')'), ('《', '》')]
        .iter()
        .any(|&(open, close)| before.rfind(open) > before.rfind(close) && after.contains(close))
}

/// The finding for the spaces at `span`, after the character `prev`: fixed by
/// deleting them, or, between two sentences, perhaps by a line break: there
/// the space is often a paragraph break lost in copied web text. Before an
/// outline marker (。 二、) it certainly is, and the break comes first.
fn space_finding(rule: &Rule, text: &str, span: Range<usize>, prev: char) -> Finding {
    let message = render(&rule.template, &[("match", &text[span.clone()])]);
    let after = &text[span.end..floor_char_boundary(text, span.end + SPACE_CONTEXT)];
    let f = Finding::new(&rule.id, rule.severity, span, message);
    if !matches!(prev, '。' | '！' | '？' | '；') {
        f.with_replacement("")
    } else if crate::outline::parse_marker(after).is_some() {
        f.with_replacement("\n").with_replacement("")
    } else {
        f.with_replacement("").with_replacement("\n")
    }
}

/// `——` between spaces is sometimes set off deliberately in quoted titles; the
/// dash rule owns dashes, so a space next to one is not reported here.
fn is_open_dash(p: char, n: char) -> bool {
    p == '—' || n == '—'
}

// ---------------------------------------------------------------- pairs

const PAIRS: &[(char, char)] = &[
    ('“', '”'),
    ('‘', '’'),
    ('《', '》'),
    ('（', '）'),
    ('【', '】'),
    ('〔', '〕'),
    ('〈', '〉'),
    ('「', '」'),
    ('『', '』'),
];

/// Unmatched marks of one paragraph for one pair type: byte offsets of opening
/// marks never closed, and of closing marks never opened, in text order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub opens: Vec<usize>,
    pub closes: Vec<usize>,
}

/// Pairs up marks of each type in one paragraph. Half-width parentheses count as
/// their full-width forms (the half-width rule reports them), and ’ between
/// Latin letters is an apostrophe.
pub fn unmatched(text: &str) -> Vec<Unmatched> {
    // Nothing unmatched is the usual case: count depths first, which allocates
    // nothing, and return an empty vector (no allocation either) when all close.
    let mut depth = [0usize; PAIRS.len()];
    let mut stray = false;
    for_each_pair_mark(text, |t, open, _| {
        if open {
            depth[t] += 1;
        } else if depth[t] == 0 {
            stray = true;
        } else {
            depth[t] -= 1;
        }
    });
    if !stray && depth.iter().all(|&d| d == 0) {
        return Vec::new();
    }
    let mut result = vec![Unmatched::default(); PAIRS.len()];
    for_each_pair_mark(text, |t, open, at| {
        let u = &mut result[t];
        if open {
            u.opens.push(at);
        } else if u.opens.pop().is_none() {
            u.closes.push(at);
        }
    });
    result
}

/// Calls `f(type, opens, offset)` for every pair mark of `text` in order
/// (see [`unmatched`]).
fn for_each_pair_mark(text: &str, mut f: impl FnMut(usize, bool, usize)) {
    // Vectorised searches for the marks themselves (the three-byte marks, and
    // `(` `)`), merged in text order: a byte loop stopping at every E2/E3/EF
    // lead byte stops at nearly every Chinese punctuation mark.
    static MARKS: LazyLock<Searcher> = LazyLock::new(|| {
        let mut builder = aho_corasick::packed::Config::new().builder();
        for &(open, close) in PAIRS {
            builder.add(open.to_string());
            builder.add(close.to_string());
        }
        builder
            .build()
            .expect("a packed searcher for a few literals")
    });
    let wide = MARKS.find_iter(text).map(|m| m.start());
    let parens = memchr::memchr2_iter(b'(', b')', text.as_bytes());
    for at in merge_sorted(wide, parens) {
        let c = text[at..].chars().next().expect("at a char boundary");
        let Some((t, open)) = pair_of(c) else {
            continue;
        };
        if c == '’' {
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
            let after = &text[at + c.len_utf8()..];
            if latin(text[..at].chars().next_back()) && latin(after.chars().next()) {
                continue;
            }
        }
        f(t, open, at);
    }
}

/// The pair type (index into [`PAIRS`]) of a mark and whether it opens;
/// half-width parentheses count as full-width ones.
fn pair_of(c: char) -> Option<(usize, bool)> {
    let c = match c {
        '(' => '（',
        ')' => '）',
        c => c,
    };
    PAIRS.iter().enumerate().find_map(|(t, &(open, close))| {
        if c == open {
            Some((t, true))
        } else if c == close {
            Some((t, false))
        } else {
            None
        }
    })
}

fn check_unpaired(rule: &UnpairedRule, doc: &DocView<'_>, out: &mut Vec<Finding>) {
    let per_para = rule.memo.map(doc, |t| std::sync::Arc::new(unmatched(t)));
    // A paragraph where every mark is matched takes part in no pairing below
    // (its neighbours' text is read only when both have unmatched marks).
    let inert = |i: usize| Relevance::inert_if(per_para[i].is_empty());
    rule.unaffected.check(
        doc,
        inert,
        |out| report_unpaired(rule, doc, &per_para, out),
        out,
    );
}

fn report_unpaired(
    rule: &UnpairedRule,
    doc: &DocView<'_>,
    per_para: &[std::sync::Arc<Vec<Unmatched>>],
    out: &mut Vec<Finding>,
) {
    // A pair split by a hard line break: trailing opens of one line matched by
    // leading closes of the next. The line-break rule reports the break.
    let mut suppressed: Vec<Vec<Unmatched>> = per_para.iter().map(|u| (**u).clone()).collect();
    for i in 0..doc.paragraphs.len().saturating_sub(1) {
        if per_para[i].is_empty() || per_para[i + 1].is_empty() {
            continue;
        }
        if doc.paragraphs[i + 1].text.trim().is_empty() {
            continue;
        }
        for t in 0..PAIRS.len() {
            let (a, b) = (&per_para[i][t], &per_para[i + 1][t]);
            let n = a.opens.len().min(b.closes.len());
            if n == 0 {
                continue;
            }
            let s = &mut suppressed[i][t];
            s.opens.truncate(s.opens.len() - n);
            suppressed[i + 1][t].closes.drain(..n);
        }
    }
    // The bracket of an unclosed outline marker (（二紧盯…) is the outline rule's
    // finding, with its fix; do not report it twice.
    for (p, unmatched) in doc.paragraphs.iter().zip(suppressed.iter_mut()) {
        if unmatched.is_empty() {
            continue;
        }
        if let Some(marker) = crate::outline::parse_marker(p.text)
            .filter(|m| m.form == crate::outline::Form::Unclosed)
        {
            for u in unmatched.iter_mut() {
                u.opens.retain(|&at| at != marker.span.start);
            }
        }
    }
    for (p, unmatched) in doc.paragraphs.iter().zip(&suppressed) {
        for (t, u) in unmatched.iter().enumerate() {
            let (open, close) = PAIRS[t];
            let mut emit = |at: usize, reversed: Option<char>| {
                let mark = &p.text[at..];
                let ch = mark.chars().next().expect("offset is at a mark");
                let span = p.start + at..p.start + at + ch.len_utf8();
                let (mch, pair) = (ch.to_string(), if ch == open { close } else { open });
                let finding = match reversed {
                    Some(right) => Finding::new(
                        &rule.rule.id,
                        rule.rule.severity,
                        span,
                        render(
                            &rule.reversed_template,
                            &[("match", &mch), ("replacement", &right.to_string())],
                        ),
                    )
                    .with_replacement(right.to_string()),
                    None => Finding::new(
                        &rule.rule.id,
                        rule.rule.severity,
                        span,
                        render(
                            &rule.rule.template,
                            &[("match", &mch), ("pair", &pair.to_string())],
                        ),
                    ),
                };
                out.push(finding);
            };
            let quote = t < 2;
            // “A“ or ”A”: a quote turned the wrong way. Pair the strays up in
            // order; the second of each pair is the one facing the wrong way.
            if quote && u.closes.is_empty() && u.opens.len() >= 2 {
                for (i, &at) in u.opens.iter().enumerate() {
                    if i % 2 == 1 {
                        emit(at, Some(close));
                    } else if i + 1 == u.opens.len() {
                        emit(at, None);
                    }
                }
                continue;
            }
            if quote && u.opens.is_empty() && u.closes.len() >= 2 {
                for (i, &at) in u.closes.iter().enumerate() {
                    if i % 2 == 0 && i + 1 < u.closes.len() {
                        emit(at, Some(open));
                    } else if i % 2 == 0 {
                        emit(at, None);
                    }
                }
                continue;
            }
            for &at in u.opens.iter().chain(&u.closes) {
                emit(at, None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The implementation before the byte scan, decoding the whole paragraph:
    /// the reference [`halfwidth_marks`] must agree with.
    fn reference_halfwidth_marks(text: &str) -> Vec<Mark> {
        // Every mark converted is ASCII: a byte scan rules most paragraphs out.
        if !text
            .bytes()
            .any(|b| matches!(b, b',' | b';' | b':' | b'?' | b'!' | b'(' | b')'))
        {
            return Vec::new();
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let excluded: Vec<Range<usize>> = EXCLUDED.find_iter(text).map(|m| m.range()).collect();
        let in_excluded = |at: usize| excluded.iter().any(|r| r.contains(&at));
        let prev = |k: usize| {
            chars[..k]
                .iter()
                .rev()
                .map(|&(_, c)| c)
                .find(|&c| !is_blank(c))
        };
        let next = |k: usize| {
            chars[k + 1..]
                .iter()
                .map(|&(_, c)| c)
                .find(|&c| !is_blank(c))
        };
        let ctx = |c: Option<char>| c.is_some_and(is_cjk);

        let mut convert = vec![false; chars.len()];
        // Parentheses go by pairs, so （GDP） is converted as a whole even though one
        // side touches only Latin letters.
        let mut stack: Vec<usize> = Vec::new();
        let mut paired = vec![false; chars.len()];
        for (k, &(at, c)) in chars.iter().enumerate() {
            if in_excluded(at) {
                continue;
            }
            match c {
                '(' => stack.push(k),
                ')' => {
                    if let Some(o) = stack.pop() {
                        paired[o] = true;
                        paired[k] = true;
                        let inner_cjk = chars[o + 1..k].iter().any(|&(_, c)| is_cjk(c));
                        // Outside neighbours count only when touching: "Windows(R) 系统" is Latin.
                        let before = o > 0 && is_cjk(chars[o - 1].1);
                        let after = chars.get(k + 1).is_some_and(|&(_, c)| is_cjk(c));
                        if inner_cjk || before || after {
                            convert[o] = true;
                            convert[k] = true;
                        }
                    }
                }
                _ => {}
            }
        }
        for (k, &(at, c)) in chars.iter().enumerate() {
            if full_width(c).is_none() || paired[k] || in_excluded(at) {
                continue;
            }
            // Inside a number or a time: 1,000  10:30  12?4 (a lost character).
            let digit = |j: Option<&(usize, char)>| j.is_some_and(|&(_, c)| c.is_ascii_digit());
            if k > 0 && digit(chars.get(k - 1)) && digit(chars.get(k + 1)) {
                continue;
            }
            // The end of a Latin run: "Hello, world! 然后" — attached to a Latin word
            // and followed by a space, the mark is English punctuation.
            let latin_before = k > 0 && chars[k - 1].1.is_ascii_alphanumeric();
            let space_after = chars.get(k + 1).is_some_and(|&(_, c)| c == ' ');
            if latin_before && space_after {
                continue;
            }
            if ctx(prev(k)) || ctx(next(k)) {
                convert[k] = true;
            }
        }

        let mut marks = Vec::new();
        let mut last_end = 0;
        let spacey = |c: char| matches!(c, ' ' | '\t' | '\u{3000}');
        for (k, &(at, c)) in chars.iter().enumerate() {
            if !convert[k] {
                continue;
            }
            let mut start = at;
            let mut j = k;
            while j > 0 && spacey(chars[j - 1].1) && chars[j - 1].0 >= last_end {
                j -= 1;
            }
            // j == 0: the spaces are leading indentation, not ours to delete.
            if j < k && j > 0 {
                start = chars[j].0;
            }
            let mut end = at + c.len_utf8();
            let mut j = k + 1;
            while j < chars.len() && spacey(chars[j].1) {
                j += 1;
            }
            if j > k + 1 && j < chars.len() {
                end = chars[j].0;
            }
            last_end = end;
            marks.push(Mark {
                at,
                ch: c,
                full: full_width(c).expect("only convertible marks are flagged"),
                fix: start..end,
            });
        }
        marks
    }

    /// `unmatched` before the literal search: a byte loop. The reference.
    fn reference_unmatched(text: &str) -> Vec<Unmatched> {
        let mut result = vec![Unmatched::default(); PAIRS.len()];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Only `(`, `)` and three-byte marks starting E2/E3/EF can be pair marks:
            // skip everything else without decoding it.
            let b = bytes[i];
            if !matches!(b, b'(' | b')' | 0xE2 | 0xE3 | 0xEF) {
                i += 1;
                continue;
            }
            let at = i;
            let c = text[i..].chars().next().expect("at a char boundary");
            i += c.len_utf8();
            let Some((t, open)) = pair_of(c) else {
                continue;
            };
            if c == '’' {
                let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
                if latin(text[..at].chars().next_back()) && latin(text[i..].chars().next()) {
                    continue;
                }
            }
            let u = &mut result[t];
            if open {
                u.opens.push(at);
            } else if u.opens.pop().is_none() {
                u.closes.push(at);
            }
        }
        // Nothing unmatched (the usual case): an empty vector, which allocates nothing.
        if result
            .iter()
            .all(|u| u.opens.is_empty() && u.closes.is_empty())
        {
            result.clear();
            result.shrink_to_fit();
        }
        result
    }

    /// `check_spaces` before the byte scan: every character decoded. The reference.
    fn reference_check_spaces(rule: &Rule, text: &str, out: &mut Vec<Finding>) {
        // No space of any kind (U+00A0 is C2 A0 in UTF-8): nothing to do.
        if !any_byte(text.as_bytes(), |b| matches!(b, b' ' | b'\t' | 0xC2))
            && !text.contains('\u{3000}')
        {
            return;
        }
        // Titles, headings and signature lines use spaces as separators.
        if !has_sentence_punct(text) {
            return;
        }
        let spacey = |c: char| matches!(c, ' ' | '\t' | '\u{3000}' | '\u{A0}');
        let mut iter = text.char_indices().peekable();
        let mut prev: Option<char> = None;
        while let Some((at, c)) = iter.next() {
            if !spacey(c) {
                prev = Some(c);
                continue;
            }
            let mut end = at + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if !spacey(d) {
                    break;
                }
                end = j + d.len_utf8();
                iter.next();
            }
            let next = iter.peek().map(|&(_, d)| d);
            if let (Some(p), Some(n)) = (prev, next) {
                if is_cjk(p)
                    && is_cjk(n)
                    && !is_open_dash(p, n)
                    && !quoted_or_bracketed(text, at, end)
                {
                    out.push(space_finding(rule, text, at..end, p));
                }
            }
            prev = None;
        }
    }

    fn corpus_lines() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let mut lines = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            lines.extend(text.lines().map(str::to_owned));
        }
        lines
    }

    #[test]
    fn halfwidth_marks_equal_the_reference_on_the_corpus() {
        for line in corpus_lines() {
            // Suffixes too, so that marks meet the paragraph start and indentation.
            for (i, _) in line.char_indices().step_by(5) {
                let t = &line[i..];
                assert_eq!(halfwidth_marks(t), reference_halfwidth_marks(t), "{t}");
            }
        }
    }

    #[test]
    fn unmatched_equals_the_reference_on_the_corpus() {
        for line in corpus_lines() {
            for (i, _) in line.char_indices().step_by(5) {
                let t = &line[i..];
                assert_eq!(unmatched(t), reference_unmatched(t), "{t}");
            }
        }
    }

    fn spaces_both_ways(text: &str) -> (Vec<Finding>, Vec<Finding>) {
        let rule = Rule {
            id: SPACE.into(),
            severity: Severity::Warning,
            template: "{match}".into(),
        };
        let (mut new, mut old) = (Vec::new(), Vec::new());
        check_spaces(&rule, text, &mut new);
        reference_check_spaces(&rule, text, &mut old);
        (new, old)
    }

    #[test]
    fn spaces_equal_the_reference_on_the_corpus() {
        for line in corpus_lines() {
            for (i, _) in line.char_indices().step_by(5) {
                let (new, old) = spaces_both_ways(&line[i..]);
                assert_eq!(new, old, "{}", &line[i..]);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn spaces_equal_the_reference(text in "[ \t　\u{a0}甲乙，。a—、]{0,24}") {
            let (new, old) = spaces_both_ways(&text);
            proptest::prop_assert_eq!(new, old);
        }

        #[test]
        fn unmatched_equals_the_reference(text in "[“”‘’《》（）()【】〔〕〈〉「」『』a甲，]{0,24}") {
            proptest::prop_assert_eq!(unmatched(&text), reference_unmatched(&text));
        }

        #[test]
        fn halfwidth_marks_equal_the_reference(
            text in "[,;:?!()（）甲乙，。a1 \t　\u{0}\u{a0}/.@`w]{0,24}"
        ) {
            proptest::prop_assert_eq!(halfwidth_marks(&text), reference_halfwidth_marks(&text));
        }
    }
    use crate::config::pack::parse_pack;
    use crate::config::SourceFile;
    use crate::document::DocKind;
    use crate::engine::RuleSet;

    fn rules(id: &str, params: &str) -> RuleSet {
        let text = format!(
            "[[rule]]\nid = \"{id}\"\nkind = \"punctuation\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"{{match}}→{{replacement}}\"\n{params}"
        );
        let specs = parse_pack(&SourceFile::new("t.toml", text)).unwrap();
        RuleSet::from_specs(specs, &[]).unwrap()
    }

    fn fixed(text: &str, findings: &[Finding]) -> String {
        let mut fixes: Vec<_> = findings.iter().filter_map(|f| f.fixes.first()).collect();
        fixes.sort_by_key(|f| std::cmp::Reverse(f.span.start));
        let mut s = text.to_owned();
        for f in fixes {
            s.replace_range(f.span.clone(), &f.replacement);
        }
        s
    }

    fn hw(text: &str) -> Vec<Finding> {
        rules(HALFWIDTH, "").check(text, DocKind::Plain)
    }

    #[test]
    fn converts_isolated_marks_one_by_one() {
        let text = "目标,县委常委会定期研究;谢谢大家!";
        let f = hw(text);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(&text[f[0].span.clone()], ",");
        assert_eq!(f[0].fixes[0].replacement, "，");
        assert_eq!(fixed(text, &f), "目标，县委常委会定期研究；谢谢大家！");
    }

    #[test]
    fn groups_a_paragraph_full_of_marks_into_one_fix() {
        let text = "同志们:刚才,XX局长解读了方案,明确了任务, 也提出了要求。";
        let f = hw(text);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains('5') || f[0].message.contains("4"),
            "{}",
            f[0].message
        );
        assert_eq!(
            fixed(text, &f),
            "同志们：刚才，XX局长解读了方案，明确了任务，也提出了要求。"
        );
    }

    #[test]
    fn eats_the_space_after_a_converted_comma() {
        let text = "法治是现代化的灵魂, 十八届四中全会";
        let f = hw(text);
        assert_eq!(f.len(), 1);
        assert_eq!(fixed(text, &f), "法治是现代化的灵魂，十八届四中全会");
        let text = "试点推进县 (市、区) 域内校长教师交流";
        assert_eq!(
            fixed(text, &hw(text)),
            "试点推进县（市、区）域内校长教师交流"
        );
    }

    #[test]
    fn parentheses_convert_as_pairs() {
        let text = "做到“四有四定”(有计划、有检查)，国内生产总值(GDP)增长";
        let f = hw(text);
        assert_eq!(
            fixed(text, &f),
            "做到“四有四定”（有计划、有检查），国内生产总值（GDP）增长"
        );
    }

    #[test]
    fn quiet_on_numbers_times_urls_mail_code_and_latin() {
        for text in [
            "共投入1,000万元，占3.5%",
            "会议于10:30开始",
            "开展“12?4国家宪法日”活动",
            "详见http://www.gov.cn/a?b=1,2（政府网站）",
            "请发送至office@example.gov.cn，谢谢",
            "运行`f(x, y)`即可",
            "他说 Hello, world! 然后离开",
            "采用 Windows(R) 系统",
        ] {
            let f = hw(text);
            assert!(f.is_empty(), "{text}: {f:?}");
        }
    }

    #[test]
    fn outline_pause_mark_is_not_ours() {
        // （一）、 is the outline rule's business; only the half-width parens here.
        let f = hw("(一)、领导带头");
        assert!(f
            .iter()
            .all(|f| "(一)、领导带头"[f.span.clone()].starts_with(['(', ')'])));
        assert!(hw("（一）、领导带头").is_empty());
    }

    #[test]
    fn group_threshold_is_a_parameter() {
        let r = rules(HALFWIDTH, "[rule.params]\ngroup_at = 10\n");
        assert_eq!(r.check("甲,乙,丙,丁,戊", DocKind::Plain).len(), 4);
        let specs = parse_pack(&SourceFile::new(
            "t.toml",
            "[[rule]]\nid = \"punctuation.halfwidth\"\nkind = \"punctuation\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.params]\ngroup_at = 1\n",
        ))
        .unwrap();
        assert!(RuleSet::from_specs(specs, &[]).is_err());
    }

    #[test]
    fn spaces_between_chinese() {
        let r = rules(SPACE, "");
        let text = "每天督导通报主次街道市 容问题整治情况。同志们： 今天";
        let f = r.check(text, DocKind::Plain);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            fixed(text, &f),
            "每天督导通报主次街道市容问题整治情况。同志们：今天"
        );
        // Between sentences a line break is the alternative, and before an
        // outline marker the first fix.
        let text = "召开会议。 会议指出，要抓好落实。 二、加强领导";
        let f = r.check(text, DocKind::Plain);
        let fixes = |f: &Finding| {
            f.fixes
                .iter()
                .map(|x| x.replacement.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fixes(&f[0]), ["", "\n"]);
        assert_eq!(fixes(&f[1]), ["\n", ""]);
        assert_eq!(
            fixed(text, &f),
            "召开会议。会议指出，要抓好落实。\n二、加强领导"
        );
        // Titles and signature lines use spaces as separators, and so do
        // slogans in quotes and bylines in brackets.
        assert!(r
            .check("力抓质量评查 强化审判监督", DocKind::Plain)
            .is_empty());
        assert!(r
            .check(
                "主题为“织密监管网 共筑防护线”。（记者 张三）",
                DocKind::Plain
            )
            .is_empty());
        assert!(r
            .check("发函 312件（次），共计 5 项。", DocKind::Plain)
            .is_empty());
        assert!(r
            .check("    （四）规范资料报送。", DocKind::Plain)
            .is_empty());
    }

    fn unpaired(text: &str) -> Vec<Finding> {
        rules(UNPAIRED, "").check(text, DocKind::Plain)
    }

    #[test]
    fn reports_unpaired_marks() {
        let text = "按照《测评体系要求，做好“创建”工作）。";
        let f = unpaired(text);
        let hits: Vec<&str> = f.iter().map(|f| &text[f.span.clone()]).collect();
        assert_eq!(hits, ["《", "）"]);
        assert!(unpaired("按照《测评体系》要求，做好“创建”工作（试行）。").is_empty());
        assert!(unpaired("做到“四有四定”(有计划、有检查)。").is_empty());
        assert!(
            unpaired("（有计划、有检查)。").is_empty(),
            "half-width partner counts"
        );
    }

    #[test]
    fn fixes_a_quote_turned_the_wrong_way() {
        let text = "开展“五型机关“活动的基础";
        let f = unpaired(text);
        assert_eq!(f.len(), 1);
        assert_eq!(fixed(text, &f), "开展“五型机关”活动的基础");
    }

    #[test]
    fn a_pair_split_by_a_hard_break_is_left_to_the_line_break_rule() {
        let text = "即初创阶段（1998\n年到1999年），自行制定评查标准。";
        assert!(unpaired(text).is_empty());
        // A blank line in between: two separate paragraphs, both unbalanced.
        assert_eq!(unpaired("初创阶段（1998\n\n年到1999年），自行").len(), 2);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(unpaired("他说 don’t worry。").is_empty());
    }
}
