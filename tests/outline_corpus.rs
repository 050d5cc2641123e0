//! The outline rules on the shared corpus of real documents: the numbering slips
//! they hold are found at their exact positions, and nothing else is reported.

use gwlint::document::paragraphs;
use gwlint::outline::build_outline;
use gwlint::position::{Encoding, LineIndex};
use gwlint::{DocKind, Finding, RuleSet};

fn corpus(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (rule, 1-based line, 1-based column, marker text) of every outline finding.
fn outline_findings(text: &str) -> Vec<(String, usize, usize, String)> {
    let index = LineIndex::new(text);
    RuleSet::builtin()
        .check(text, DocKind::Plain)
        .into_iter()
        .filter(|f| f.rule.starts_with("outline."))
        .map(|f| {
            let pos = index.line_col(text, f.span.start, Encoding::Utf32);
            (
                f.rule.to_string(),
                pos.line as usize + 1,
                pos.col as usize + 1,
                text[f.span].to_owned(),
            )
        })
        .collect()
}

fn without(
    found: &[(String, usize, usize, String)],
    rule: &str,
) -> Vec<(String, usize, usize, String)> {
    found.iter().filter(|f| f.0 != rule).cloned().collect()
}

fn f(rule: &str, line: usize, col: usize, marker: &str) -> (String, usize, usize, String) {
    (rule.to_owned(), line, col, marker.to_owned())
}

fn finding_at(text: &str, rule: &str, line: usize) -> Finding {
    let index = LineIndex::new(text);
    RuleSet::builtin()
        .check(text, DocKind::Plain)
        .into_iter()
        .find(|f| &*f.rule == rule && index.line_of(f.span.start) + 1 == line)
        .unwrap_or_else(|| panic!("no {rule} on line {line}"))
}

#[test]
fn file_000_speech_numbers_then_chinese_headings_without_one() {
    let text = corpus("000_b6ef4dbc6134b96b.txt");
    let found = outline_findings(&text);
    // 发言材料（2）: 1、 2、 then 二、 三、 with no 一、.
    assert!(
        found.contains(&f("outline.start", 15, 1, "二、")),
        "{found:?}"
    );
    let start = finding_at(&text, "outline.start", 15);
    assert!(start.message.contains("一、"), "{}", start.message);
    // Everything structural that is reported, and only that.
    assert_eq!(
        without(&found, "outline.form"),
        vec![
            f("outline.start", 15, 1, "二、"),
            // 一是 headings with 一是…二是… lists inside each.
            f("outline.restart", 140, 1, "一是"),
            f("outline.restart", 143, 1, "一是"),
            f("outline.restart", 146, 1, "一是"),
            f("outline.restart", 149, 1, "一是"),
        ]
    );
}

#[test]
fn file_000_marker_forms() {
    let text = corpus("000_b6ef4dbc6134b96b.txt");
    let forms: Vec<_> = outline_findings(&text)
        .into_iter()
        .filter(|f| f.0 == "outline.form")
        .map(|f| (f.1, f.2, f.3))
        .collect();
    for (line, marker) in [(28, "(一)"), (29, "(二)"), (30, "(三)")] {
        assert!(
            forms.contains(&(line, 1, marker.to_owned())),
            "{line} {forms:?}"
        );
        let fix = &finding_at(&text, "outline.form", line).fixes[0];
        assert_eq!(
            fix.replacement,
            marker.replace('(', "（").replace(')', "）")
        );
    }
    for line in [5, 6, 8, 13, 14] {
        assert_eq!(
            finding_at(&text, "outline.form", line).fixes[0]
                .replacement
                .len(),
            2
        );
    }
    for line in 18..=22 {
        let fix = &finding_at(&text, "outline.form", line).fixes[0];
        assert!(fix.replacement.ends_with('，'), "{line}");
    }
    // “第二、第三个层次” in running text (lines 71 and 95) is not a marker.
    assert!(!forms.iter().any(|f| f.0 == 71 || f.0 == 95), "{forms:?}");
    assert_eq!(forms.len(), 3 + 5 + 5, "{forms:?}");
}

#[test]
fn file_001_nested_lists_that_restart_and_an_empty_section() {
    let text = corpus("001_c52c8a72763d0035.txt");
    let found = outline_findings(&text);
    assert_eq!(
        without(&found, "outline.form"),
        vec![
            // 一、提高站位 followed directly by 二、.
            f("outline.empty-section", 15, 1, "一、"),
            // A 第二篇 piece with no 第一篇 (pasted from another compilation).
            f("outline.start", 205, 1, "第二篇"),
            // 一要 二要 | 一要 二要 三要 四要 | 三要
            f("outline.restart", 317, 1, "一要"),
        ]
    );
    let empty = finding_at(&text, "outline.empty-section", 15);
    assert!(empty.message.contains("二、"), "{}", empty.message);
    let restart = finding_at(&text, "outline.restart", 317);
    assert!(restart.message.contains("二要"), "{}", restart.message);
    let related = &restart.related[0];
    assert_eq!(LineIndex::new(&text).line_of(related.span.start) + 1, 315);

    // The outer 一要 list resumes at 三要 on line 325.
    let paras = paragraphs(&text);
    let outline = build_outline(&paras);
    let at = |line: usize| {
        outline
            .headings
            .iter()
            .position(|h| h.paragraph + 1 == line && !h.inline)
            .unwrap_or_else(|| panic!("no heading on line {line}"))
    };
    let (h313, h317, h323, h325) = (at(313), at(317), at(323), at(325));
    let heads = &outline.headings;
    assert_eq!(heads[h313].list, heads[h325].list);
    assert_eq!(heads[h317].list, heads[h323].list);
    assert_eq!(heads[h317].parent, Some(at(315)));
    assert_eq!(heads[at(309)].section, 308..325);
}

#[test]
fn file_001_half_width_markers() {
    let text = corpus("001_c52c8a72763d0035.txt");
    let forms: Vec<_> = outline_findings(&text)
        .into_iter()
        .filter(|f| f.0 == "outline.form")
        .map(|f| (f.1, f.3))
        .collect();
    let expected: Vec<(usize, String)> = [
        (121, "(一)"),
        (125, "(二)"),
        (141, "(三)"),
        (155, "第一,"),
        (157, "第二,"),
        (159, "(一)"),
        (163, "(二)"),
        (167, "(三)"),
        (171, "第三,"),
        (201, "第四,"),
    ]
    .into_iter()
    .map(|(l, m)| (l, m.to_owned()))
    .collect();
    assert_eq!(forms, expected);
}

#[test]
fn file_002_truncated_lists() {
    let text = corpus("002_88388a4fa2b47f34.txt");
    let found = outline_findings(&text);
    assert_eq!(
        without(&found, "outline.form"),
        vec![
            // The page lost the text between 一、 and the related-articles list.
            f("outline.lone", 7, 1, "一、"),
            f("outline.start", 39, 5, "(四)"),
            f("outline.start", 45, 5, "三、"),
        ]
    );
    // 二是 on line 68 continues the 一是 inside line 67: no start there.
    assert!(!found.iter().any(|f| f.1 == 68), "{found:?}");
    assert_eq!(found.iter().filter(|f| f.0 == "outline.form").count(), 11);
}
