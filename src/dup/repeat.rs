//! Immediately repeated characters and words that are typing slips (的的,
//! 我们我们, 进一步进一步), told apart from the reduplication Chinese uses on
//! purpose (看看, 常常, 干干净净, 研究研究, 一项一项).
//!
//! Precision comes first, so the rule is asymmetric:
//! - a single character doubled is reported only for function words that never
//!   reduplicate (的, 了, 在, 是, 和, 们 …), and even then not when the two
//!   copies belong to different words (目的的, 为了了解, 现在在, 研究所所长,
//!   安全和和谐): each character carries the neighbours that form such words;
//! - a two-character word doubled is reported unless it is a verb or adjective
//!   that reduplicates (研究研究, 雪白雪白) or a numeral with a measure word
//!   (一项一项);
//! - three or more characters doubled are reported (numeral phrases aside).
//!
//! AABB forms (实实在在, 是是非非, 的的确确) are never reported.

use std::ops::Range;

/// A repeat found in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The whole repeated stretch (all copies), bytes relative to the paragraph.
    pub span: Range<usize>,
    /// The repeated unit, e.g. "的" or "我们".
    pub unit: String,
    /// How many copies (at least 2).
    pub copies: usize,
    /// Whether the span is plain text (no masked Markdown inside), so replacing
    /// it with one copy is a safe fix.
    pub fixable: bool,
}

/// Function characters that never reduplicate, with the characters that, just
/// before (`prev`) or just after (`next`) the doubling, make the first copy end
/// a word or the second copy start one.
const SINGLE: &[(char, &str, &str)] = &[
    ('的', "目标端似", "确士"),
    (
        '了',
        "为除明罢末不一算受终",
        "解结却然如断事得无不之悟望账当",
    ),
    (
        '在',
        "现存正实所内外自潜旨好意重贵难健志无不都",
        "于场职建读押编岗位线内乎意案",
    ),
    ('是', "", "否非"),
    (
        '和',
        "温平缓柔饱总暖调祥谦随附讲共人政违亲融协中应唱",
        "谐平睦解美衷蔼气善煦畅顺悦约声风好缓",
    ),
    ('与', "参给赋授赠付寄施相", "会"),
    ('及', "涉以普危顾提波触论惠遍企不来", "时早格至第"),
    (
        '对',
        "针面相核应反比绝校配成一派作查",
        "方象手外接照称比标应口联待话策抗立岸齐调焦",
    ),
    ('把', "一火车", "关握手持脉门柄式守控酒"),
    ('被', "棉盖", "子褥单告面动迫害"),
    (
        '将',
        "大武名老主上中少强猛宿干良点即必终行",
        "来近军士领要帅就息养计",
    ),
    (
        '从',
        "服顺听仆侍随自主何无盲",
        "而事严业容来头此中前小未不速宽简重优属众政军师医教商",
    ),
    (
        '以',
        "可所加予足得难用借藉籍据何是无不给赖免便乃从聊致因一尤之资",
        "",
    ),
    ('并', "合吞兼归一同齐", "且非不列举重购轨发存行联入"),
    ('而', "时一", "且已后言今又易立外"),
    ('或', "偶间抑", "许者多少缺然"),
    ('也', "", "许"),
    ('都', "首建古国京故迁旧定陪大成东西南北帝", "市城会督江尉灵"),
    ('就', "成造迁将俯讲高屈无", ""),
    ('还', "偿归退返生奉交送清付讨", ""),
    ('又', "", ""),
    ('再', "一", "次度现造生者说加则三接"),
    ('很', "", ""),
    ('更', "变自三五打万", "加新好多是为要换正改名替迭"),
    ('们', "", ""),
    ('其', "尤与极何若充不莫各及取", "他中次实余它后一间所"),
    (
        '所',
        "场厕住处寓会诊派研院事交合无各哨驻有居",
        "长有以属在得谓需知述列学",
    ),
    ('这', "", ""),
    ('那', "刹支旦", ""),
    ('我', "自忘本唯大小无真", ""),
    ('他', "其吉利排无", "们人乡日者国"),
    ('该', "应活本合理", ""),
    (
        '向',
        "方导意志去取倾走动面转偏内外定风朝一",
        "来导往日阳上下前后",
    ),
    ('由', "理自经缘事来因", "于此来"),
    ('且', "而并况暂姑", "慢"),
    ('但', "不非", "凡是愿"),
    ('因', "原基起诱成病内外死主前近远", "为此而素"),
    ('不', "要", ""),
];

/// Two-character words whose ABAB doubling is intended: verbs of activity
/// ("try a little"), state adjectives, onomatopoeia and placeholders.
const ABAB: &[&str] = &[
    "研究", "讨论", "商量", "学习", "考虑", "打扫", "活动", "锻炼", "休息", "了解", "交流", "沟通",
    "检查", "总结", "整理", "体验", "放松", "思考", "请示", "汇报", "准备", "练习", "比较", "调查",
    "分析", "介绍", "收拾", "琢磨", "梳理", "盘点", "掂量", "合计", "打听", "打理", "打扮", "打量",
    "清理", "清点", "清洗", "修理", "修改", "改进", "议论", "讲解", "解释", "说明", "表扬", "鼓励",
    "关心", "关照", "照顾", "帮助", "帮忙", "支持", "指导", "指点", "提醒", "暖和", "凉快", "热闹",
    "高兴", "快活", "舒服", "轻松", "清醒", "明白", "干净", "痛快", "欣赏", "参观", "观察", "走访",
    "走动", "开导", "引导", "熟悉", "适应", "感受", "体会", "品尝", "尝试", "试验", "实验", "比划",
    "比画", "摸索", "探讨", "商议", "商讨", "思量", "估计", "估量", "计算", "核对", "核实", "对照",
    "对比", "宣传", "联系", "联络", "问候", "慰问", "看望", "招呼", "教育", "批评", "调整", "调节",
    "协调", "安排", "回顾", "回忆", "反思", "反省", "检讨", "温习", "复习", "演练", "操练", "训练",
    "磨练", "磨炼", "历练", "熏陶", "活络", "疏通", "动员", "雪白", "通红", "碧绿", "冰凉", "笔直",
    "漆黑", "蜡黄", "金黄", "火红", "滚烫", "冰冷", "透亮", "鲜红", "粉红", "乌黑", "雪亮", "瓦蓝",
    "湛蓝", "喷香", "溜圆", "精光", "哗啦", "叮咚", "扑通", "咕噜", "滴答", "嘀嗒", "轰隆", "呼啦",
    "噼啪", "叮当", "什么", "如何", "怎样", "多少", "这样", "那样", "某某",
];

/// Leading characters of numeral + measure phrases, doubled on purpose
/// (一项一项地抓, 一步一步来, 两个两个).
const NUMERALS: &str = "一二两三四五六七八九十几每半";

/// Longest unit (in characters) looked for.
const MAX_UNIT: usize = 8;

pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// Finds slips in one paragraph. Pure function of `text`.
pub fn find_repeats(text: &str) -> Vec<Repeat> {
    // NUL is masked Markdown: "nothing", so 的**的** is still 的的.
    let (cs, at): (Vec<u32>, Vec<usize>) = text
        .char_indices()
        .filter(|&(_, c)| c != '\0')
        .map(|(i, c)| (c as u32, i))
        .unzip();
    find_repeats_in(text, &cs, &at)
}

/// [`find_repeats`] of a paragraph already decoded: `cs[i]` is the code point
/// of the character at byte `at[i]` of `text`, NUL (masked Markdown) left out.
pub fn find_repeats_in(text: &str, cs: &[u32], at: &[usize]) -> Vec<Repeat> {
    match first_repeat(cs) {
        Some(start) => scan(text, cs, at, start),
        None => Vec::new(),
    }
}

fn as_char(c: u32) -> char {
    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The repeats from character `start` on, left to right: at each position the
/// shortest unit that repeats, all its copies, then on after them.
fn scan(text: &str, cs: &[u32], at: &[usize], start: usize) -> Vec<Repeat> {
    let ch = |i: usize| cs.get(i).copied().map(as_char);
    let mut out = Vec::new();
    let mut i = start;
    while i + 1 < cs.len() {
        let Some(unit) = (1..=MAX_UNIT).find(|&l| repeats_at(cs, i, l)) else {
            i += 1;
            continue;
        };
        let mut copies = 2;
        while i + (copies + 1) * unit <= cs.len()
            && (0..unit).all(|j| cs[i + j] == cs[i + copies * unit + j])
        {
            copies += 1;
        }
        let end = i + copies * unit;
        let first = as_char(cs[i]);
        let unit_text: String = cs[i..i + unit].iter().map(|&c| as_char(c)).collect();
        let slip = if unit == 1 {
            single_is_slip(first, i.checked_sub(1).and_then(ch), ch(end), || {
                // AABB on either side: 实实在在, 干干净净.
                let after = ch(end).is_some_and(|c| ch(end + 1) == Some(c) && c != first);
                let before = i >= 2 && ch(i - 2) == ch(i - 1) && ch(i - 1) != Some(first);
                after || before
            })
        } else {
            !(NUMERALS.contains(first) || unit == 2 && ABAB.contains(&unit_text.as_str()))
        };
        if slip {
            let span = at[i]..at[end - 1] + as_char(cs[end - 1]).len_utf8();
            out.push(Repeat {
                fixable: !text[span.clone()].contains('\0'),
                span,
                unit: unit_text,
                copies,
            });
        }
        i = end;
    }
    out
}

/// Whether the `l` CJK characters at `i` are directly followed by themselves.
fn repeats_at(cs: &[u32], i: usize, l: usize) -> bool {
    i + 2 * l <= cs.len()
        && (0..l).all(|j| cs[i + j] == cs[i + l + j] && is_cjk(as_char(cs[i + j])))
}

/// Where [`scan`] may start: the first position at which some unit repeats,
/// when [`scan`] can report anything at all (a doubled character counts only
/// when it is one of [`SINGLE`]'s function characters); `None` otherwise,
/// which is most paragraphs. Candidates are screened a block at a time by
/// comparisons without branches, which the compiler turns into vector code;
/// only a block with a candidate is looked at closely.
fn first_repeat(cs: &[u32]) -> Option<usize> {
    const BLOCK: usize = 32;
    let mut first: Option<usize> = None;
    let mut reportable = false;
    for l in 1..=MAX_UNIT {
        // Starts `i` with cs[i] == cs[i + l] (and cs[i + 1] == cs[i + l + 1]
        // for longer units), which every repeat of `l` characters has.
        let Some(starts) = (cs.len() + 1).checked_sub(2 * l) else {
            break;
        };
        let mut block = 0;
        'blocks: while block < starts.min(first.unwrap_or(usize::MAX))
            || (!reportable && block < starts)
        {
            let end = (block + BLOCK).min(starts);
            let (a, b) = (&cs[block..end], &cs[block + l..end + l]);
            let any = if l == 1 {
                a.iter().zip(b).fold(false, |acc, (x, y)| acc | (x == y))
            } else {
                let (a1, b1) = (&cs[block + 1..end + 1], &cs[block + l + 1..end + l + 1]);
                a.iter()
                    .zip(b)
                    .zip(a1.iter().zip(b1))
                    .fold(false, |acc, ((x, y), (x1, y1))| {
                        acc | ((x == y) & (x1 == y1))
                    })
            };
            if any {
                for i in block..end {
                    if !repeats_at(cs, i, l) {
                        continue;
                    }
                    first = Some(first.map_or(i, |f| f.min(i)));
                    if l > 1 || SINGLE.iter().any(|&(c, _, _)| c as u32 == cs[i]) {
                        reportable = true;
                    }
                    if reportable && l > 1 {
                        break 'blocks;
                    }
                }
            }
            block = end;
        }
    }
    first.filter(|_| reportable)
}

fn single_is_slip(
    c: char,
    prev: Option<char>,
    next: Option<char>,
    aabb: impl FnOnce() -> bool,
) -> bool {
    let Some(&(_, not_prev, not_next)) = SINGLE.iter().find(|(s, _, _)| *s == c) else {
        return false;
    };
    if prev.is_some_and(|p| not_prev.contains(p)) || next.is_some_and(|n| not_next.contains(n)) {
        return false;
    }
    // 不不，… is a spoken "no, no": only 不不 inside a phrase is a slip.
    if c == '不' && !next.is_some_and(is_cjk) {
        return false;
    }
    !aabb()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slips(text: &str) -> Vec<String> {
        find_repeats(text)
            .into_iter()
            .map(|r| text[r.span].to_owned())
            .collect()
    }

    #[test]
    fn reports_function_word_slips_with_the_whole_stretch() {
        assert_eq!(slips("这是我们的的工作"), ["的的"]);
        assert_eq!(slips("我们我们要加强学习"), ["我们我们"]);
        assert_eq!(slips("要进一步进一步提高认识"), ["进一步进一步"]);
        assert_eq!(slips("卫生城市规范化建设工作工作深入开展"), ["工作工作"]);
        assert_eq!(slips("取得了了显著成效"), ["了了"]);
        let r = &find_repeats("他的的的书")[0];
        assert_eq!((r.copies, r.unit.as_str()), (3, "的"));
    }

    #[test]
    fn intended_reduplication_is_silent() {
        for ok in [
            "大家看看，常常想想",
            "层层压实责任，人人都是责任人，天天有志愿服务",
            "这件事我们研究研究再说",
            "确保所到之处干干净净，整整齐齐",
            "一级抓一级、层层抓落实，抓紧抓好",
            "把这些短板一项一项地抓好，一个战役一个战役地打",
            "明明白白、实实在在、的的确确、是是非非",
            "谢谢大家！天上的星星",
            "个个都是好样的，年年如此",
            "颜色雪白雪白的",
        ] {
            assert_eq!(slips(ok), Vec::<String>::new(), "{ok}");
        }
    }

    #[test]
    fn doublings_across_word_boundaries_are_silent() {
        for ok in [
            "实现目的的手段",
            "为了了解情况，不了了之，一了百了",
            "我们现在在开会",
            "研究所所长参加了会议",
            "推动安全和和谐发展",
            "常委会会议专题学习",
            "疫情防控指挥部部署要求",
            "认真学习习近平法治思想",
            "对今年的工作作了详细安排",
            "这是否可行，但是是否",
            "可以以此为契机",
            "以及及时处理",
            "针对对象的特点，对对方负责",
            "首都都市圈",
            "其他他们的意见",
            "不不，不是这样",
        ] {
            assert_eq!(slips(ok), Vec::<String>::new(), "{ok}");
        }
    }

    #[test]
    fn masked_markdown_is_nothing_and_blocks_the_fix() {
        let r = find_repeats("我们的\0\0的\0\0工作");
        assert_eq!(r.len(), 1);
        assert!(!r[0].fixable);
        assert!(find_repeats("我们的的工作")[0].fixable);
    }

    proptest::proptest! {
        /// The screen only skips work: scanning every paragraph from its
        /// first character finds exactly the same repeats.
        #[test]
        fn screening_never_changes_the_result(
            picks in proptest::collection::vec(0usize..12, 0..80)
        ) {
            // A small alphabet, so that repeats of every length are common.
            const ALPHABET: [char; 12] = ['的', '了', '我', '们', '工', '作', '常', 'a', '1', '，', '一', '项'];
            let text: String = picks.iter().map(|&i| ALPHABET[i]).collect();
            let (cs, at): (Vec<u32>, Vec<usize>) =
                text.char_indices().map(|(i, c)| (c as u32, i)).unzip();
            proptest::prop_assert_eq!(find_repeats(&text), scan(&text, &cs, &at, 0));
        }
    }

    #[test]
    fn non_cjk_repeats_are_ignored() {
        assert!(find_repeats("2020年，abab，1212").is_empty());
    }
}
