//! The duplicate rules on the real corpus: pasted speeches found once, pointing
//! back at the first copy; the one doubled word found; nothing else.

use std::path::PathBuf;

use gwlint::position::{Encoding, LineIndex};
use gwlint::rules::duplicate::{cross_file_findings, PassageRule};
use gwlint::{DocKind, Finding, RuleSet};

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/corpus/{name}")).expect("corpus file")
}

/// 1-based (line, column) of a byte offset, column in characters.
fn pos(text: &str, offset: usize) -> (u32, u32) {
    let p = LineIndex::new(text).line_col(text, offset, Encoding::Utf32);
    (p.line + 1, p.col + 1)
}

fn duplicates(text: &str, rule: &str) -> Vec<Finding> {
    RuleSet::builtin()
        .check(text, DocKind::Plain)
        .into_iter()
        .filter(|f| &*f.rule == rule)
        .collect()
}

#[test]
fn corpus_000_third_speech_repeats_the_second() {
    let text = corpus("000_b6ef4dbc6134b96b.txt");
    let found = duplicates(&text, "duplicate.passage");
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    // The later copy: from the 第三篇 heading into line 103, the last shared
    // paragraph; its new section 四 (lines 104–109) is not a copy.
    assert_eq!(pos(&text, f.span.start), (85, 1));
    assert_eq!(pos(&text, f.span.end).0, 103);
    // The first copy breaks off mid-sentence (web pagination residue after
    // "提出对策，"), so the copy ends there too.
    assert!(text[..f.span.end].ends_with("提出对策"));
    // The first copy, re-wrapped into shorter lines there.
    assert_eq!(f.related.len(), 1);
    let r = &f.related[0];
    assert_eq!(r.file, None);
    assert_eq!(pos(&text, r.span.start), (51, 1));
    assert_eq!(pos(&text, r.span.end).0, 84);
    assert!(f.message.contains("第51行"), "{}", f.message);
    assert!(f.message.contains("相似度"), "{}", f.message);
}

#[test]
fn corpus_001_third_speech_repeats_the_second() {
    let text = corpus("001_c52c8a72763d0035.txt");
    let found = duplicates(&text, "duplicate.passage");
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(pos(&text, f.span.start), (249, 1));
    assert_eq!(pos(&text, f.span.end).0, 289);
    let r = &f.related[0];
    assert_eq!(pos(&text, r.span.start), (205, 1));
    // The first copy's closing paragraph (line 247) was not pasted.
    assert_eq!(pos(&text, r.span.end).0, 245);
    assert!(f.message.contains("第205行"), "{}", f.message);
    // "嘉善" was replaced by "X" in the copy: near, not exact.
    assert!(f.message.contains("相似度 9"), "{}", f.message);
}

#[test]
fn corpus_001_doubled_word() {
    let text = corpus("001_c52c8a72763d0035.txt");
    let found = duplicates(&text, "duplicate.word");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pos(&text, found[0].span.start), (91, 72));
    assert_eq!(&text[found[0].span.clone()], "工作工作");
    assert_eq!(found[0].fixes[0].replacement, "工作");
}

#[test]
fn corpus_002_has_no_duplicates() {
    let text = corpus("002_88388a4fa2b47f34.txt");
    assert!(duplicates(&text, "duplicate.passage").is_empty());
    assert!(duplicates(&text, "duplicate.word").is_empty());
}

#[test]
fn corpus_000_and_002_have_no_doubled_words() {
    // Reduplication all over them (层层, 扎扎实实, 一个战役一个战役, 紧紧) and
    // cross-word doublings (常委会会议, 指挥部部署, 工作作风) stay silent.
    assert!(duplicates(&corpus("000_b6ef4dbc6134b96b.txt"), "duplicate.word").is_empty());
}

#[test]
fn cross_file_names_the_other_file_and_line() {
    let full = corpus("001_c52c8a72763d0035.txt");
    // A second file made of the 第二篇 speech alone (lines 201–247).
    let excerpt: String = full
        .lines()
        .skip(200)
        .take(47)
        .map(|l| format!("{l}\n"))
        .collect();
    let others = corpus("002_88388a4fa2b47f34.txt");
    let files = vec![
        (PathBuf::from("001.txt"), full.as_str()),
        (PathBuf::from("excerpt.txt"), excerpt.as_str()),
        (PathBuf::from("002.txt"), others.as_str()),
    ];
    let rule = PassageRule::from_ruleset(&RuleSet::builtin()).expect("enabled by default");
    let found = cross_file_findings(&files, &rule);
    // 002 shares nothing.
    assert!(found.iter().all(|(i, _)| *i != 2), "{found:#?}");
    // The excerpt points at 001 line 201, where the speech's first line is.
    let in_excerpt: Vec<&Finding> = found
        .iter()
        .filter(|(i, _)| *i == 1)
        .map(|(_, f)| f)
        .collect();
    assert_eq!(in_excerpt.len(), 1, "{in_excerpt:#?}");
    let f = in_excerpt[0];
    assert_eq!(pos(&excerpt, f.span.start), (1, 1));
    let r = &f.related[0];
    assert_eq!(r.file.as_deref(), Some(std::path::Path::new("001.txt")));
    assert_eq!(r.line, Some(201));
    assert_eq!(pos(&full, r.span.start), (201, 1));
    assert!(f.message.contains("001.txt 第201行"), "{}", f.message);
    // In 001, both copies of the speech are reported as shared with the excerpt.
    let in_full: Vec<(u32, u32)> = found
        .iter()
        .filter(|(i, _)| *i == 0)
        .map(|(_, f)| (pos(&full, f.span.start).0, pos(&full, f.span.end).0))
        .collect();
    assert_eq!(in_full.len(), 2, "{in_full:?}");
    assert_eq!(in_full[0], (201, 247));
    assert!(
        in_full[1].0 >= 249 && in_full[1].0 <= 255 && in_full[1].1 == 289,
        "{in_full:?}"
    );
}

#[test]
fn passage_params_are_validated() {
    use gwlint::config::pack::parse_pack;
    use gwlint::config::SourceFile;
    let pack = |params: &str| {
        let text = format!(
            "[[rule]]\nid = \"duplicate.passage\"\nkind = \"duplicate\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.params]\n{params}\n"
        );
        let specs = parse_pack(&SourceFile::new("p.toml", text)).expect("pack parses");
        RuleSet::from_specs(specs, &[])
    };
    assert!(pack("min_chars = 30\nsimilarity = 0.9\ncross_file = true").is_ok());
    let err = pack("min_char = 30").err().expect("unknown param rejected");
    assert!(
        err.0[0].message.contains("min_char"),
        "{}",
        err.0[0].message
    );
    assert!(pack("similarity = 80").is_err());
    assert!(pack("min_chars = 0").is_err());
}

#[test]
fn min_chars_param_changes_what_is_reported() {
    use gwlint::config::pack::parse_pack;
    use gwlint::config::SourceFile;
    let text = "今年以来，全县上下紧紧围绕年度目标任务，真抓实干，各项工作取得明显成效。\n另有说明。\n今年以来，全县上下紧紧围绕年度目标任务，真抓实干，各项工作取得明显成效。\n";
    let rules = |min: usize| {
        let pack = format!(
            "[[rule]]\nid = \"duplicate.passage\"\nkind = \"duplicate\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"{{chars}} 字，{{where}}\"\n[rule.params]\nmin_chars = {min}\n"
        );
        RuleSet::from_specs(parse_pack(&SourceFile::new("p.toml", pack)).unwrap(), &[]).unwrap()
    };
    assert!(rules(50).check(text, DocKind::Plain).is_empty());
    let found = rules(20).check(text, DocKind::Plain);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "32 字，第1行");
    assert_eq!(pos(text, found[0].span.start), (3, 1));
}
