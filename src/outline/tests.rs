use super::*;
use crate::document::paragraphs;

fn marker(text: &str) -> Marker {
    parse_marker(text).unwrap_or_else(|| panic!("no marker in {text:?}"))
}

/// (style, value, form, marker text, standard spelling)
fn summary(text: &str) -> (Style, u32, Form, &str, String) {
    let m = marker(text);
    (
        m.style,
        m.value,
        m.form,
        &text[m.span.clone()],
        m.standard.to_string(),
    )
}

fn title(text: &str) -> &str {
    &text[marker(text).title]
}

// ---------------------------------------------------------------- numerals

#[test]
fn chinese_numerals_parse_one_to_ninety_nine_and_beyond() {
    let cases = [
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("十九", 19),
        ("二十", 20),
        ("二十一", 21),
        ("五十五", 55),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百十二", 112),
        ("三百四十五", 345),
    ];
    for (s, v) in cases {
        assert_eq!(parse_chinese_number(s), Some((v, s.len())), "{s}");
    }
    // The longest numeral, and only it: 十四五 is 十四 then 五.
    assert_eq!(parse_chinese_number("十四五规划"), Some((14, "十四".len())));
    assert_eq!(parse_chinese_number("二〇二四"), Some((2, "二".len())));
    assert_eq!(parse_chinese_number("加强"), None);
}

#[test]
fn chinese_numerals_format_one_to_ninety_nine_and_round_trip() {
    assert_eq!(chinese_number(1), "一");
    assert_eq!(chinese_number(10), "十");
    assert_eq!(chinese_number(11), "十一");
    assert_eq!(chinese_number(20), "二十");
    assert_eq!(chinese_number(99), "九十九");
    assert_eq!(chinese_number(100), "一百");
    assert_eq!(chinese_number(101), "一百零一");
    assert_eq!(chinese_number(110), "一百一十");
    for n in 1..=999 {
        let s = chinese_number(n);
        assert_eq!(parse_chinese_number(&s), Some((n, s.len())), "{n} → {s}");
    }
}

#[test]
fn every_number_up_to_ninety_nine_is_a_heading_marker() {
    for n in 1..=99 {
        let text = format!("{}、加强组织领导", chinese_number(n));
        let m = marker(&text);
        assert_eq!(
            (m.style, m.value, m.form),
            (Style::Chinese, n, Form::Standard)
        );
        let text = format!("（{}）加强组织领导", chinese_number(n));
        assert_eq!(marker(&text).value, n);
        let text = format!("{n}.加强组织领导");
        assert_eq!(marker(&text).value, n);
    }
}

// ---------------------------------------------------------------- forms

#[test]
fn standard_markers_of_every_level() {
    use Form::Standard as S;
    assert_eq!(summary("一、总体要求").0, Style::Chinese);
    assert_eq!(summary("一、总体要求").2, S);
    assert_eq!(summary("（一）工作目标").0, Style::ChineseParen);
    assert_eq!(summary("（一）工作目标").2, S);
    assert_eq!(summary("1.近期目标").0, Style::Arabic);
    assert_eq!(summary("1．近期目标").2, S);
    assert_eq!(summary("（1）具体任务").0, Style::ArabicParen);
    assert_eq!(summary("（1）具体任务").2, S);
    assert_eq!(summary("①加大投入").0, Style::Circled);
    assert_eq!(summary("⑳加大投入").1, 20);
    assert_eq!(summary("㉑加大投入").1, 21);
    assert_eq!(summary("第一，做文明城市先锋。").0, Style::Ordinal);
    assert_eq!(summary("第一，做文明城市先锋。").2, S);
    assert_eq!(summary("第一章　总则").0, Style::Chapter);
    assert_eq!(summary("第三节 监督检查").0, Style::Section);
    assert_eq!(summary("第十二条　本办法自发布之日起施行。").1, 12);
    assert_eq!(summary("第1条 适用范围").0, Style::Article);
    assert_eq!(
        summary("第一篇：在创建全国文明城市工作经验交流会上的发言").0,
        Style::Piece
    );
    assert_eq!(summary("第二部分 主要任务").0, Style::Part);
    assert_eq!(summary("其一，思想认识不到位。").0, Style::Qi);
    assert_eq!(summary("一是思想认识再提高。").0, Style::EnumShi);
    assert_eq!(summary("十一是加强队伍建设。").1, 11);
    assert_eq!(summary("二要找出差距不足。").0, Style::EnumYao);
    assert_eq!(summary("一方面，要加大宣传力度").0, Style::Aspect);
    assert_eq!(summary("另一方面，要完善考核").1, 2);
    assert_eq!(summary("首先，要提高认识").0, Style::Sequence);
    assert_eq!(summary("其次，要明确责任").1, 2);
    assert_eq!(summary("再次，要强化督导").1, 3);
    assert_eq!(summary("最后，我们郑重承诺").1, 0);
}

#[test]
fn markers_after_indentation_and_markdown() {
    assert_eq!(summary("　　一、总体要求").3, "一、");
    assert_eq!(summary("\t  （二）工作目标").3, "（二）");
    assert_eq!(summary("\0\0一、总体要求\0\0").3, "一、");
    assert_eq!(summary("## 一、总体要求").3, "一、");
    let m = marker("    三、明确责任,狠抓落实");
    assert_eq!(m.span, 4..4 + "三、".len());
}

#[test]
fn broken_forms_of_the_parenthesised_chinese_marker() {
    let nonstandard = [
        ("(一)领导带头抓落实", "(一)"),
        ("（一)领导带头抓落实", "（一)"),
        ("(一）领导带头抓落实", "(一）"),
        ("（一）、加强组织领导", "（一）、"),
        ("(一)、加强组织领导", "(一)、"),
        ("（一）.加强组织领导", "（一）."),
        ("一）加强组织领导", "一）"),
        ("一)加强组织领导", "一)"),
    ];
    for (text, written) in nonstandard {
        let (style, value, form, w, standard) = summary(text);
        assert_eq!(
            (style, value, form, w, standard.as_str()),
            (Style::ChineseParen, 1, Form::NonStandard, written, "（一）"),
            "{text}"
        );
    }
    let (style, value, form, w, standard) = summary("（二紧盯卫生秩序，开展集中整治");
    assert_eq!(
        (style, value, form, w, standard.as_str()),
        (Style::ChineseParen, 2, Form::Unclosed, "（二", "（二）")
    );
    let (_, _, form, w, standard) = summary("(二紧盯卫生秩序");
    assert_eq!(
        (form, w, standard.as_str()),
        (Form::Unclosed, "(二", "（二）")
    );
}

#[test]
fn broken_forms_of_other_markers() {
    let cases = [
        ("一.总体要求", Style::Chinese, "一.", "一、"),
        ("一．总体要求", Style::Chinese, "一．", "一、"),
        ("一，总体要求", Style::Chinese, "一，", "一、"),
        ("1、加强领导", Style::Arabic, "1、", "1."),
        ("1，加强领导", Style::Arabic, "1，", "1."),
        ("1)完善机制", Style::ArabicParen, "1)", "（1）"),
        ("1）完善机制", Style::ArabicParen, "1）", "（1）"),
        ("(1)完善机制", Style::ArabicParen, "(1)", "（1）"),
        ("（1）、完善机制", Style::ArabicParen, "（1）、", "（1）"),
        ("⑴完善机制", Style::ArabicParen, "⑴", "（1）"),
        ("⒉完善机制", Style::Arabic, "⒉", "2."),
        ("第一、做文明城市先锋", Style::Ordinal, "第一、", "第一，"),
        (
            "第一,什么是百城建设提质工程",
            Style::Ordinal,
            "第一,",
            "第一，",
        ),
        ("第二.加强领导", Style::Ordinal, "第二.", "第二，"),
    ];
    for (text, style, written, standard) in cases {
        let (s, _, form, w, std) = summary(text);
        assert_eq!(
            (s, form, w, std.as_str()),
            (style, Form::NonStandard, written, standard),
            "{text}"
        );
    }
    assert!(marker("1、加强领导").arabic_dunhao);
    assert!(!marker("1，加强领导").arabic_dunhao);
    assert_eq!(summary("（3加大投入力度").2, Form::Unclosed);
}

#[test]
fn titles_and_shapes() {
    assert_eq!(title("一、加强组织领导"), "加强组织领导");
    assert_eq!(marker("一、加强组织领导").shape, Shape::Bare);
    assert_eq!(title("一是学深悟透会议精神。"), "学深悟透会议精神");
    assert_eq!(marker("一是学深悟透会议精神。").shape, Shape::Sentence);
    let lead = "1、加强领导，全面发动。我局成立了领导小组。";
    assert_eq!(title(lead), "加强领导，全面发动");
    assert_eq!(marker(lead).shape, Shape::Lead);
    let run_in = "(一)领导带头抓落实，健全机制促推进在创建全国文明城市工作中，县委、政府高度重视工作机制的建设和创新";
    assert_eq!(marker(run_in).shape, Shape::Lead);
    assert_eq!(
        title("一、与审判监督工作结合，强化审监职能 一是对案件"),
        "与审判监督工作结合，强化审监职能"
    );
    assert_eq!(title("一方面，要加大宣传力度。"), "要加大宣传力度");
    assert_eq!(title("第一章　总则"), "总则");
}

// ---------------------------------------------------------------- traps

#[test]
fn numbers_in_running_text_are_not_markers() {
    let prose = [
        "2024年，我县被确定为全国县级文明城市提名县。",
        "1、2、3项任务已经完成。",
        "1.5亿元用于基础设施建设。",
        "1.1 总体要求",
        "第一时间启动应急响应。",
        "第一书记要带头。",
        "第一次全体会议",
        "第一条高速公路建成通车。",
        "第一章节的内容",
        "第一篇文章发表后",
        "一是一、二是二，实事求是。",
        "一是一，二是二。",
        "一方面的原因",
        "一、二季度经济运行平稳。",
        "一、二、三等奖各一名。",
        "第一、二批试点单位",
        "第二、第三个层次分别为不合格案件",
        "第二、四支部采取了联合学习的方式。",
        "十八大报告明确指出",
        "十四五规划",
        "三农工作是重中之重",
        "一线人员",
        "一要素市场",
        "（一般为3个工作日）内办结",
        "（2024年4月）",
        "（一九九八年到一九九九年）",
        "（十四五期间）",
        "(共5篇)",
        "再次强调",
        "最后一次会议",
        "20XX年，县政协重点围绕",
        "60分以下为不合格",
        "年到1999年），自行制定评查标准",
    ];
    for text in prose {
        assert_eq!(parse_marker(text), None, "{text}");
    }
}

#[test]
fn headings_that_look_like_traps_are_still_markers() {
    assert_eq!(summary("二、2024年工作打算").3, "二、");
    assert_eq!(summary("一、三农工作").3, "一、");
    assert_eq!(summary("一、2024年工作开展情况").1, 1);
    assert_eq!(summary("一要领导到位。").0, Style::EnumYao);
    assert_eq!(summary("一要求真务实。").0, Style::EnumYao);
}

// ---------------------------------------------------------------- inline

fn inline(text: &str) -> Vec<(Style, u32, &str)> {
    inline_enumerations(text)
        .into_iter()
        .map(|m| (m.style, m.value, &text[m.span]))
        .collect()
}

#[test]
fn inline_enumerations_follow_a_stop() {
    let text = "重点抓好三项工作：一是加强领导；二是明确责任；三是强化督导。";
    assert_eq!(
        inline(text),
        vec![
            (Style::EnumShi, 1, "一是"),
            (Style::EnumShi, 2, "二是"),
            (Style::EnumShi, 3, "三是"),
        ]
    );
    // The leading marker is not repeated.
    assert_eq!(
        inline("一是加强领导；二是明确责任。"),
        vec![(Style::EnumShi, 2, "二是")]
    );
    assert_eq!(
        inline("一、与审判监督工作结合 一是对案件进行评查"),
        vec![(Style::EnumShi, 1, "一是")]
    );
    assert_eq!(
        inline("主要原因：第一，认识不到位；第二、措施不得力。"),
        vec![(Style::Ordinal, 1, "第一，"), (Style::Ordinal, 2, "第二、")]
    );
    assert_eq!(
        inline("这项工作一方面要加大投入，另一方面要完善考核。"),
        vec![(Style::Aspect, 2, "另一方面")]
    );
}

#[test]
fn inline_traps() {
    assert!(inline("我们要做到一是一、二是二，实事求是。").is_empty());
    assert!(inline("要坚持统一是前提，唯一要求是落实。").is_empty());
    assert!(inline("要在第一时间赶到现场，第一书记带头。").is_empty());
    assert!(inline("抓好一、二季度工作，完成1、2、3项任务。").is_empty());
    assert!(inline("实行双罚制。第二、第三个层次分别为不合格案件。").is_empty());
    assert!(inline("一方面的原因是投入不足。").is_empty());
}

// ---------------------------------------------------------------- breaks

#[test]
fn piece_breaks() {
    let titles = [
        "在全国创建文明城市工作经验交流会上的发言材料（2）",
        "在2021年争创全国法治政府建设示范县推进会议上的讲话(共5篇)",
        "在2021年争创全国法治政府建设示范县推进会议上的讲话 篇3",
        "2021年在创建全国文明城市推进会上的讲话范文",
        "会上的发言",
        "  • 在_政法队伍教育整顿动员部署会上的讲话",
        "关于开展安全生产大检查的通知",
    ];
    for t in titles {
        assert_eq!(piece_break(t), Some(BreakKind::Title), "{t}");
    }
    assert_eq!(
        piece_break("各位领导、同志们："),
        Some(BreakKind::Salutation)
    );
    assert_eq!(piece_break("同志们:"), Some(BreakKind::Salutation));
    assert_eq!(
        piece_break("上一篇:在全省学校安全稳定工作视频会议上的讲话提纲"),
        Some(BreakKind::Navigation)
    );
    let not_titles = [
        "我的发言完了，谢谢大家!",
        "加强组织领导",
        "力抓质量评查",
        "一、关于创建全国文明城市推进工作的报告",
        "按照《创建工作实施方案",
        "同志们，复查工作已经到了决战决胜的关键时刻。",
        "",
    ];
    for t in not_titles {
        assert_eq!(piece_break(t), None, "{t}");
    }
}

// ---------------------------------------------------------------- tree

fn outline(text: &str) -> Outline {
    build_outline(&paragraphs(text))
}

/// Each heading as "  " × depth + marker text.
fn tree(text: &str) -> Vec<String> {
    let o = outline(text);
    o.headings
        .iter()
        .map(|h| format!("{}{}", "  ".repeat(h.depth), &text[h.span()]))
        .collect()
}

#[test]
fn levels_nest_and_scopes_restart() {
    let text = "一、总体要求\n（一）工作目标\n1.近期目标\n2.远期目标\n（二）基本原则\n1.统筹推进\n二、主要任务\n（一）抓宣传";
    assert_eq!(
        tree(text),
        [
            "一、",
            "  （一）",
            "    1.",
            "    2.",
            "  （二）",
            "    1.",
            "二、",
            "  （一）",
        ]
    );
    let o = outline(text);
    // 1. under （二） is a new list, not the third item of the first one.
    assert_ne!(o.headings[2].list, o.headings[5].list);
    assert_eq!(o.headings[0].section, 0..6);
    assert_eq!(o.headings[1].section, 1..4);
    assert_eq!(o.headings[6].section, 6..8);
    assert_eq!(o.roots().collect::<Vec<_>>(), vec![0, 6]);
}

#[test]
fn sections_skip_trailing_blank_lines() {
    let text = "一、总体要求\n\n正文。\n\n\n二、主要任务\n正文。";
    let o = outline(text);
    assert_eq!(o.headings[0].section, 0..3);
    assert_eq!(o.headings[1].section, 5..7);
}

#[test]
fn run_in_and_standalone_headings_are_both_headings() {
    let text = "一、加强组织领导\n(一)领导带头抓落实，健全机制促推进在创建工作中，县委高度重视。\n(二)部门联动抓重点，服务群众促成效。";
    assert_eq!(tree(text), ["一、", "  (一)", "  (二)"]);
}

#[test]
fn enumerations_nest_under_headings_and_continue_from_inline() {
    let text = "一、与审判监督工作结合 一是对案件进行评查。\n二是在再审中及时反馈。\n三是及时补正瑕疵。\n二、与责任追究结合";
    assert_eq!(tree(text), ["一、", "  一是", "  二是", "  三是", "二、"]);
    let o = outline(text);
    assert!(o.headings[1].inline && !o.headings[2].inline);
    assert_eq!(o.headings[1].list, o.headings[3].list);
}

#[test]
fn titles_and_pieces_restart_numbering() {
    let text = "第一篇：在文明城市工作会上的发言\n在文明城市工作会上的发言材料（1）\n一、抓宣传\n二、抓重点\n在文明城市工作会上的发言材料（2）\n一、抓督查\n第二篇：在审判监督工作会上的发言\n一、强化审监";
    assert_eq!(
        tree(text),
        ["第一篇", "  一、", "  二、", "  一、", "第二篇", "  一、"]
    );
    let o = outline(text);
    assert_ne!(o.headings[1].list, o.headings[3].list);
    assert_eq!(o.headings[0].section, 0..6);
    assert_eq!(o.breaks.len(), 2);
}

#[test]
fn nested_enumeration_of_the_same_style_is_recorded() {
    let text = "一要在基础设施上下功夫。\n二要在城市管理上下功夫。\n一要抓好市容整治。\n二要抓好违建整治。\n三要抓好交通整治。\n四要抓好工地整治。\n三要在环境治理上下功夫。";
    assert_eq!(
        tree(text),
        ["一要", "二要", "  一要", "  二要", "  三要", "  四要", "三要"]
    );
    let o = outline(text);
    let inner = o.headings[2].list;
    assert_eq!(o.lists[inner].restart_of, Some(o.headings[0].list));
    // Two lists in a row that each start at 一要 are not nested.
    let text = "加强领导\n一要健全机构。\n二要压实责任。\n强化保障\n一要落实经费。\n二要配齐人员。";
    assert_eq!(tree(text), ["一要", "二要", "一要", "二要"]);
    assert!(outline(text).lists.iter().all(|l| l.restart_of.is_none()));
}

#[test]
fn heading_shapes_decide_which_list_a_marker_joins() {
    // 一是 headings with 一是 sentences under each.
    let text = "一是牢牢坚持党的领导\n一是学深悟透会议精神。\n正文。\n二是提升专门协商质量\n一是认真开展重点民主协商。\n正文。";
    assert_eq!(tree(text), ["一是", "  一是", "二是", "  一是"]);
}

#[test]
fn inverted_levels_are_recorded() {
    let text = "一、总体要求\n1.工作目标\n（一）近期目标\n（二）远期目标\n2.基本原则";
    assert_eq!(
        tree(text),
        ["一、", "  1.", "    （一）", "    （二）", "  2."]
    );
    let o = outline(text);
    let l = o.headings[2].list;
    assert_eq!(o.lists[l].inverted_under, Some(1));
}

#[test]
fn a_higher_level_after_a_lower_list_closes_it() {
    let text = "1、加强领导。\n2、明确责任。\n二、加强宣传\n三、对照目标";
    assert_eq!(tree(text), ["1、", "2、", "二、", "三、"]);
    let o = outline(text);
    assert!(o.lists.iter().all(|l| l.inverted_under.is_none()));
}

#[test]
fn a_sibling_in_another_style_joins_the_list() {
    let text = "一、总体要求\n（一）加强领导。\n（二）明确责任。\n3、强化督导。";
    let o = outline(text);
    assert_eq!(o.headings[3].list, o.headings[1].list);
    assert_eq!(o.headings[3].depth, 1);
}

#[test]
fn chapter_articles_number_on_across_chapters() {
    let text = "第一章　总则\n第一条　为了规范管理，制定本办法。\n第二条　本办法适用于全市。\n第二章　职责\n第三条　市政府负责。";
    let o = outline(text);
    let third = &o.headings[4];
    assert_eq!(o.lists[third.list].first_expected, 3);
    assert_eq!(
        tree(text),
        ["第一章", "  第一条", "  第二条", "第二章", "  第三条"]
    );
}

#[test]
fn attachments_start_lists_and_pieces() {
    assert_eq!(summary("附件：1.项目清单").3, "1.");
    assert_eq!(piece_break("附件2"), Some(BreakKind::Title));
    assert_eq!(piece_break("附件："), Some(BreakKind::Title));
    assert_eq!(piece_break("附件要齐全"), None);
    let text = "附件：1.项目清单\n      2.资金安排表";
    let o = outline(text);
    assert_eq!(o.headings.len(), 2);
    assert_eq!(o.headings[0].list, o.headings[1].list);
}

// ---------------------------------------------------------------- byte-level scan

/// The scan before the byte-level test: every character decoded. The
/// reference [`inline_enumerations`] must agree with.
fn reference_inline_enumerations(text: &str) -> Vec<Marker> {
    let skip = parse_marker(text).map_or(0, |m| m.span.end);
    let mut out = Vec::new();
    let mut prev_boundary = false;
    for (i, c) in text.char_indices() {
        if prev_boundary && i >= skip && ENUMERATION_STARTS.contains(&c) {
            if let Some(m) = marker_at(text, i, true) {
                out.push(m);
            }
        }
        prev_boundary = is_clause_stop(c) || (i >= skip && is_blank(c));
    }
    out
}

/// Every corpus paragraph, and suffixes of it (so that stops, blanks and
/// markers meet the enumeration characters in many positions).
#[test]
fn inline_enumerations_equal_the_reference_on_the_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            for (i, _) in line.char_indices().step_by(7) {
                let t = &line[i..];
                let found = inline_enumerations(t);
                assert_eq!(found, reference_inline_enumerations(t), "{t}");
                let lead = parse_marker(t);
                assert_eq!(inline_enumerations_after(t, lead.as_ref()), found, "{t}");
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn inline_enumerations_equal_the_reference(
        text in "[一二十第其另是方面条，。；：:,! 　\u{0}\u{a0}\u{feff}（）(、甲乙1]{0,24}"
    ) {
        proptest::prop_assert_eq!(inline_enumerations(&text), reference_inline_enumerations(&text));
    }
}
