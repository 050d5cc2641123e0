//! `kind = "linebreak"`: lines hard-wrapped by a PDF or a web page, where one
//! paragraph is broken over several lines (初创阶段（1998 / 年到1999年）).
//!
//! Document-level: a line is reported when it ends mid-sentence and the line right
//! after it carries the sentence on. The fix joins the two lines (the fix span
//! covers the line break, replacement empty). Left alone: titles, headings, list
//! items, signature and date lines (no sentence punctuation, or an outline marker
//! on a short line), lines followed by a blank line, and lines whose successor
//! starts a heading. A page number stuck at the end of the line (…营造 1) is
//! looked through: the residue rule deletes it, this rule joins the lines.

use std::sync::{Arc, LazyLock};

use regex::Regex;

use super::cjk::{has_sentence_punct, heading_marker, is_closing, is_han, is_sentence_end};
use super::memo::ParaMemo;
use super::{Checker, DocView};
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};

pub struct LineBreakChecker {
    rule: Arc<str>,
    severity: Severity,
    template: String,
    heading_max: usize,
    /// Per paragraph, the [`Ends`] flags (regexes per line are this rule's
    /// whole cost, and an edit changes one line).
    memo: ParaMemo<u8>,
}

/// What the rule needs to know about one line, as bits.
struct Ends;

impl Ends {
    const BLANK: u8 = 1;
    const MID_SENTENCE: u8 = 2;
    const CONTINUES: u8 = 4;
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    super::build_each(specs, |spec| {
        spec.expect_params(&["heading_max"])?;
        Ok(LineBreakChecker {
            rule: spec.id.clone(),
            severity: spec.severity,
            template: spec.message.clone(),
            heading_max: spec.param::<usize>("heading_max")?.unwrap_or(50),
            memo: ParaMemo::default(),
        })
    })
}

/// A page number left at the end of a line by a PDF: "…营造 1".
static TRAILING_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{Han}[ \t\u{3000}]+\d{1,3}[ \t]*$").expect("valid regex"));

/// A date line (2024年4月1日, （2024年4月）, 2024-11-21): never a broken sentence.
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s（(]*(?:\d{4}|[〇一二三四五六七八九零○]{4})(?:年|[-./])(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:月|[-./])?(?:\d{1,2}|[一二三四五六七八九十]{1,3})?日?[）)\s]*$")
        .expect("valid regex")
});

impl LineBreakChecker {
    /// The content of a line that matters for "does it end mid-sentence": the
    /// line without trailing blanks or a stuck page number.
    fn effective_end(text: &str) -> &str {
        let t = text.trim_end_matches(|c: char| c.is_whitespace() || c == '\0');
        match TRAILING_PAGE.find(t) {
            Some(m) if has_sentence_punct(t) => {
                let han_len = t[m.start()..].chars().next().map_or(0, char::len_utf8);
                &t[..m.start() + han_len]
            }
            _ => t,
        }
    }

    fn ends_mid_sentence(&self, text: &str) -> bool {
        let t = Self::effective_end(text);
        let trimmed = t.trim_start();
        if trimmed.is_empty() || DATE_LINE.is_match(trimmed) {
            return false;
        }
        // Titles, signatures and most headings carry no sentence punctuation.
        if !has_sentence_punct(trimmed) {
            return false;
        }
        // A heading or list item that is short and has no full stop: 二、加强宣传，拓宽载体
        if heading_marker(trimmed).is_some()
            && trimmed.chars().count() <= self.heading_max
            && !trimmed.contains('。')
        {
            return false;
        }
        let mut rev = trimmed.chars().rev();
        let Some(mut last) = rev.next() else {
            return false;
        };
        // 。” and ！） end a sentence; 风采” does not.
        while is_closing(last) {
            match rev.next() {
                Some(c) => last = c,
                None => return false,
            }
            if is_sentence_end(last) {
                return false;
            }
            if !is_closing(last) {
                return last_continues(last);
            }
        }
        !is_sentence_end(last) && last_continues(last)
    }

    fn continues(&self, next: &str) -> bool {
        let t = next.trim_start_matches(|c: char| c.is_whitespace() || c == '\0');
        let Some(first) = t.chars().next() else {
            return false;
        };
        if heading_marker(t).is_some() || DATE_LINE.is_match(t) {
            return false;
        }
        // A continuation starts with text, a number, a closing mark or a comma —
        // not with an opening quote or bracket that may begin a new block.
        is_han(first)
            || first.is_ascii_alphanumeric()
            || matches!(
                first,
                '，' | '、' | '；' | '。' | '）' | '”' | '》' | '%' | '％'
            )
    }
}

/// Characters a line can be cut after in the middle of a sentence.
fn last_continues(c: char) -> bool {
    is_han(c)
        || c.is_ascii_alphanumeric()
        || matches!(c, '，' | '、' | '（' | '(' | '“' | '《' | ',' | '-' | '—')
}

impl Checker for LineBreakChecker {
    fn check_document(&self, doc: &DocView<'_>, out: &mut Vec<Finding>) {
        let ends = self.memo.map(doc, |text| {
            let mut flags = 0;
            if text.trim().is_empty() {
                flags |= Ends::BLANK;
            }
            if self.ends_mid_sentence(text) {
                flags |= Ends::MID_SENTENCE;
            }
            if self.continues(text) {
                flags |= Ends::CONTINUES;
            }
            flags
        });
        for (pair, flags) in doc.paragraphs.windows(2).zip(ends.windows(2)) {
            let (line, next) = (&pair[0], &pair[1]);
            if flags[1] & Ends::BLANK != 0
                || flags[0] & Ends::MID_SENTENCE == 0
                || flags[1] & Ends::CONTINUES == 0
            {
                continue;
            }
            // The break: from the end of the line's content (after a page number,
            // which the residue rule deletes separately) to the next line's text.
            let content_end = line
                .text
                .trim_end_matches(|c: char| c.is_whitespace())
                .len();
            let lead = next.text.len()
                - next
                    .text
                    .trim_start_matches(|c: char| c.is_whitespace())
                    .len();
            let span = line.start + content_end..next.start + lead;
            let tail: String = Self::effective_end(line.text)
                .chars()
                .rev()
                .take(6)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let head: String = next.text.trim_start().chars().take(6).collect();
            let message = render(&self.template, &[("before", &tail), ("after", &head)]);
            // Latin words split across the break keep a space between them.
            let latin = tail.ends_with(|c: char| c.is_ascii_alphabetic())
                && head.starts_with(|c: char| c.is_ascii_alphabetic());
            out.push(
                Finding::new(&self.rule, self.severity, span.clone(), message)
                    .with_fix(span, if latin { " " } else { "" }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::pack::parse_pack;
    use crate::config::SourceFile;
    use crate::document::DocKind;
    use crate::engine::RuleSet;
    use crate::finding::Finding;

    fn check(text: &str) -> Vec<Finding> {
        let pack = "[[rule]]\nid = \"linebreak.hard-wrap\"\nkind = \"linebreak\"\nseverity = \"info\"\nsummary = \"s\"\nmessage = \"{before}|{after}\"\n";
        let specs = parse_pack(&SourceFile::new("t.toml", pack)).unwrap();
        RuleSet::from_specs(specs, &[])
            .unwrap()
            .check(text, DocKind::Plain)
    }

    fn joined(text: &str) -> String {
        let mut s = text.to_owned();
        let mut f = check(text);
        f.reverse();
        for f in f {
            s.replace_range(f.fixes[0].span.clone(), &f.fixes[0].replacement);
        }
        s
    }

    #[test]
    fn joins_a_sentence_broken_over_two_lines() {
        let text = "我院的评查起步于1998年，历经三个阶段。即初创阶段（1998\n年到1999年），自行制定评查标准。\n";
        let f = check(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "段（1998|年到1999");
        assert_eq!(
            joined(text),
            "我院的评查起步于1998年，历经三个阶段。即初创阶段（1998年到1999年），自行制定评查标准。\n"
        );
    }

    #[test]
    fn joins_a_word_split_across_lines_and_crlf() {
        let text = "要加强精神文明建设，推进精神文\r\n明建设全面提升。";
        assert_eq!(
            joined(text),
            "要加强精神文明建设，推进精神文明建设全面提升。"
        );
        let text = "根据最高法院《关于违法审判责任追究办法》规定，\n处罚手段是经济处罚。";
        assert_eq!(check(text).len(), 1);
        let text = "联合县电视台播出“委员风采”，持续宣传“委员风采”\n节目，大力宣传。";
        assert_eq!(check(text).len(), 1);
    }

    #[test]
    fn looks_through_a_stuck_page_number() {
        let text = "确保十日内完成制作;因地制宜，营造 1\n创建文明城市浓厚氛围。";
        let f = check(text);
        assert_eq!(f.len(), 1);
        // The break only: the page number is the residue rule's deletion.
        assert_eq!(&text[f[0].span.clone()], "\n");
    }

    #[test]
    fn quiet_on_titles_headings_signatures_dates_and_finished_lines() {
        for text in [
            "在全国法院审判监督工作经验交流\n会上的发言",
            "二、加强宣传，拓宽载体，积极营造创建文明城市工作浓厚氛围\n运用各种媒体加大宣传。",
            "现将有关情况汇报如下：\n一是抓整治。",
            "我的发言完毕，谢谢大家！\n在全国创建文明城市工作经验交流会上的发言材料（4）",
            "特此通知。\n2024年4月1日",
            "xxx党委书记\n（2024年4月）",
            "持续开展文明城市创建工作，\n\n二是抓落实。",
            "大力宣传政协委员先进事迹，主要做法有：\n一是学深悟透。",
            "各位领导、同志们：\n大家好！",
            "（一）健全组织机构，抓实创建常态化机制\n成立领导小组。",
        ] {
            assert!(check(text).is_empty(), "{text}: {:?}", check(text));
        }
    }

    #[test]
    fn a_next_line_starting_a_heading_is_not_a_continuation() {
        assert!(check("全面推进创建工作，\n（二）部门联动抓重点。").is_empty());
    }
}
