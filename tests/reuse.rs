//! Document checkers that reuse their last findings after an edit (outline,
//! unpaired brackets, mixed forms; see `rules::memo::Unaffected`) give exactly what a fresh
//! check gives, whatever the edit touched: body text, a heading, a heading's
//! title, a paragraph with inline markers, a blank line between headings or
//! before body text, a bracket, the number of paragraphs.

use gwlint::rules::memo;
use gwlint::{DocKind, Finding, RuleSet};

/// A report with outline and bracket findings among body paragraphs.
const REPORT: &str = "关于做好年度工作的通知\n\
一、总体要求\n\
\n\
二、主要任务\n\
全面落实各项部署，确保工作取得实效，这就叫作担当。\n\
四、保障措施\n\
加强组织领导（明确责任分工，压实各方责任。\n\
（一）强化督查\n\
建立台账，定期通报进展，这就叫作落实。\n\
（三）严肃问责\n\
对工作不力的单位进行约谈，这叫做问责。\n\
五、工作要求\n\
工作中，一是加强领导；二是狠抓落实；四是严格考核。";

fn edits() -> Vec<String> {
    let mut texts = Vec::new();
    let mut text = REPORT.to_owned();
    let mut edit = |from: &str, to: &str| {
        text = text.replacen(from, to, 1);
        texts.push(text.clone());
    };
    // Body text: findings unchanged, shifted.
    edit("全面落实", "全面认真落实");
    edit("定期通报", "每月定期通报");
    edit("约谈。", "约谈，限期整改。");
    // A blank line between two headings filled and emptied again.
    edit("一、总体要求\n\n", "一、总体要求\n坚持问题导向。\n");
    edit("坚持问题导向。\n", "\n");
    // A blank line between a heading and its text: added, turned into a
    // full-width space, filled, emptied again, removed.
    edit("四、保障措施\n", "四、保障措施\n\n");
    edit("四、保障措施\n\n", "四、保障措施\n\u{3000}\n");
    edit("四、保障措施\n\u{3000}\n", "四、保障措施\n明确目标。\n");
    edit("明确目标。\n", "\n");
    edit("四、保障措施\n\n", "四、保障措施\n");
    // Typing in a heading's title, and in a paragraph with an inline
    // enumeration (one marker skipped): before, between and after its
    // markers. The outline's findings move with the markers.
    edit("五、工作要求", "五、有关工作要求");
    edit("工作中，一是", "在工作中，一是");
    edit("二是狠抓落实", "二是认真狠抓落实");
    edit("严格考核。", "严格考核问责。");
    edit("在工作中", "工作中");
    // An empty section's heading given a sentence of its own (its shape
    // changes, not its marker), the skipped number corrected and slipped
    // again, a marker lost and found: read differently, checked again.
    edit("一、总体要求\n", "一、总体要求。坚持稳中求进。\n");
    edit("一、总体要求。坚持稳中求进。\n", "一、总体要求\n");
    edit("四是严格", "三是严格");
    edit("三是严格", "四是严格");
    edit("，一是", "一是");
    edit("中一是", "中，一是");
    // A marker's form changed in place: read differently, checked again.
    edit("五、有关", "五，有关");
    edit("五，有关", "五、有关");
    // A heading edited, a heading typed into body text, one removed.
    edit("四、保障措施", "三、保障措施");
    edit("建立台账", "（二）建立台账");
    edit("（二）建立台账", "建立台账");
    // A bracket closed and opened again.
    edit("分工，", "分工），");
    edit("分工），", "分工，");
    // The counts of a mixed form changed: the minority switches.
    edit("约谈，这叫做问责", "约谈，这叫做问责，也叫做督导");
    edit("这就叫作落实", "这就叫做落实");
    edit("这就叫做落实", "这就叫作落实");
    edit("，也叫做督导", "");
    // Paragraphs added and removed.
    edit("建立台账，定期", "建立台账，\n定期");
    edit("建立台账，\n每月定期", "建立台账，每月定期");
    // Body text again after all that.
    edit("对工作不力", "对工作推进不力");
    texts
}

fn fresh(text: &str) -> Vec<Finding> {
    RuleSet::builtin().check(text, DocKind::Plain)
}

#[test]
fn reused_findings_equal_a_fresh_check_after_every_edit() {
    memo::enable();
    let kept = RuleSet::builtin();
    let first = kept.check(REPORT, DocKind::Plain);
    assert_eq!(first, fresh(REPORT));
    for rule in ["outline.skip", "punctuation.unpaired", "variants.mixed"] {
        assert!(
            first.iter().any(|f| &*f.rule == rule),
            "the report should have a {rule} finding: {first:#?}"
        );
    }
    for text in edits() {
        assert_eq!(kept.check(&text, DocKind::Plain), fresh(&text), "{text}");
    }
}
