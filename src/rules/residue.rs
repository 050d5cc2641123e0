//! `kind = "residue"`: blocks of web-page debris that span several lines — a
//! "更多相关文章 / 相关栏目 / 热门推荐" header followed by a list of link titles.
//!
//! Document-level: the block is the header line plus the short, title-like lines
//! (no sentence punctuation) that follow it, blank lines included. One finding per
//! block, whose fix deletes the whole block with its line breaks. A body line
//! that comes right after the block with a leftover list bullet ("• 市民素质，…")
//! gets a second finding that deletes just the bullet. Single-line debris
//! (上一篇, 阅读全文 …) is handled by pattern rules in `rules/residue.toml`.

use std::sync::Arc;

use super::cjk::has_sentence_punct;
use super::memo::ParaMemo;
use super::{Checker, DocView};
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};

pub struct ResidueChecker {
    rule: Arc<str>,
    severity: Severity,
    template: String,
    bullet_template: String,
    headers: Vec<String>,
    item_max: usize,
    /// Per paragraph, its [`Line`] (string tests against every header on
    /// every line are this rule's cost, and an edit changes one line).
    memo: ParaMemo<Line>,
}

/// What the rule needs to know about one line.
#[derive(Clone, Copy)]
struct Line {
    /// Index of the header the line starts a block with.
    header: Option<u16>,
    blank: bool,
    item: bool,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    super::build_each(specs, build_one)
}

fn build_one(spec: &RuleSpec) -> Result<ResidueChecker, ConfigError> {
    spec.expect_params(&["headers", "item_max", "bullet_message"])?;
    let headers: Vec<String> = spec
        .param("headers")?
        .ok_or_else(|| spec.params_error(format!("规则 `{}` 缺少参数 `headers`", spec.id)))?;
    if headers.is_empty() || headers.iter().any(String::is_empty) {
        return Err(spec.params_error("`headers` 不能为空，也不能含空字符串"));
    }
    Ok(ResidueChecker {
        rule: spec.id.clone(),
        severity: spec.severity,
        template: spec.message.clone(),
        bullet_template: spec
            .param("bullet_message")?
            .unwrap_or_else(|| "网页残留的列表符号“{match}”，应删除".to_owned()),
        headers,
        item_max: spec.param("item_max")?.unwrap_or(40),
        memo: ParaMemo::default(),
    })
}

const BULLETS: &[char] = &['•', '·', '●', '◆', '▪', '■', '□', '◇', '○', '-', '*', '>'];

fn strip_blank(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\0')
}

impl ResidueChecker {
    /// The header this line starts with, if the line is a block header: the
    /// header alone, or followed by a colon and the first item.
    fn header(&self, line: &str) -> Option<usize> {
        let t = strip_blank(line);
        self.headers.iter().position(|h| {
            t.strip_prefix(h).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.is_empty() || rest.starts_with([':', '：', '>', '》', '|'])
            })
        })
    }

    fn is_item(&self, line: &str) -> bool {
        let t = strip_blank(line).trim_start_matches(BULLETS).trim_start();
        !t.is_empty()
            && t.chars().count() <= self.item_max
            && !has_sentence_punct(t)
            && !t.contains('。')
    }
}

impl Checker for ResidueChecker {
    fn check_document(&self, doc: &DocView<'_>, out: &mut Vec<Finding>) {
        let paras = doc.paragraphs;
        let lines = self.memo.map(doc, |text| Line {
            header: self.header(text).map(|h| h as u16),
            blank: strip_blank(text).is_empty(),
            item: self.is_item(text),
        });
        let mut i = 0;
        while i < paras.len() {
            let Some(header) = lines[i].header else {
                i += 1;
                continue;
            };
            let header = self.headers[header as usize].as_str();
            let mut last = i;
            let mut items = 0;
            let mut j = i + 1;
            while j < paras.len() {
                if lines[j].blank {
                    j += 1;
                    continue;
                }
                if !lines[j].item || lines[j].header.is_some() {
                    break;
                }
                items += 1;
                last = j;
                j += 1;
            }
            let lead = paras[i].text.len() - paras[i].text.trim_start().len();
            let start = paras[i].start + lead;
            let content_end = paras[last].start + paras[last].text.trim_end().len();
            // Delete through the last line's break so no empty lines are left.
            let delete_end = paras.get(last + 1).map_or(doc.text.len(), |p| p.start);
            let message = render(
                &self.template,
                &[("header", header), ("count", &items.to_string())],
            );
            out.push(
                Finding::new(&self.rule, self.severity, start..content_end, message)
                    .with_fix(paras[i].start..delete_end, ""),
            );
            // A body line right after the block that kept the list bullet.
            if let Some(p) = paras.get(j) {
                let lead = p.text.len() - p.text.trim_start().len();
                let rest = &p.text[lead..];
                let bullets = rest.len() - rest.trim_start_matches(BULLETS).len();
                if bullets > 0 && rest[..bullets].chars().all(|c| c != '-' && c != '*') {
                    let after = rest[bullets..].len() - rest[bullets..].trim_start().len();
                    let span = p.start + lead..p.start + lead + bullets;
                    let message = render(&self.bullet_template, &[("match", &rest[..bullets])]);
                    out.push(
                        Finding::new(&self.rule, self.severity, span.clone(), message)
                            .with_fix(span.start..span.end + after, ""),
                    );
                }
            }
            i = j.max(i + 1);
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
        let pack = "[[rule]]\nid = \"residue.related\"\nkind = \"residue\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"{header}:{count}\"\n[rule.params]\nheaders = [\"更多相关文章\", \"相关栏目\", \"热门推荐\"]\n";
        let specs = parse_pack(&SourceFile::new("t.toml", pack)).unwrap();
        RuleSet::from_specs(specs, &[])
            .unwrap()
            .check(text, DocKind::Plain)
    }

    fn fixed(text: &str) -> String {
        let mut s = text.to_owned();
        let mut f = check(text);
        f.sort_by_key(|f| std::cmp::Reverse(f.fixes[0].span.start));
        for f in f {
            s.replace_range(f.fixes[0].span.clone(), &f.fixes[0].replacement);
        }
        s
    }

    #[test]
    fn deletes_a_related_articles_block() {
        let text = "正文第一段。\n  更多相关文章:在创建工作推进会\n  • 在工商联调研座谈会上的致辞\n\n  • 在全县重点工作推进会上的讲话\n\n  • 市民素质,大力开展争当文明市民活动。\n";
        let f = check(text);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].message, "更多相关文章:2");
        assert_eq!(
            fixed(text),
            "正文第一段。\n\n  市民素质,大力开展争当文明市民活动。\n"
        );
    }

    #[test]
    fn a_one_line_column_list() {
        let text = "正文。\n相关栏目:文明 宣传讲话 城建 会议致辞";
        assert_eq!(fixed(text), "正文。\n");
    }

    #[test]
    fn body_text_mentioning_the_words_is_quiet() {
        assert!(check("热门推荐的做法要总结。相关栏目负责人要到位。").is_empty());
        assert!(check("要把更多相关文章汇编成册，供大家学习。").is_empty());
    }
}
