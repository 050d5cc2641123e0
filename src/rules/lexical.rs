//! Lexicon-backed rule kinds: wrong characters in idioms (`idiom`), wrong
//! characters in ordinary words (`word-typo`), and 的/地/得 usage (`particle`).
//!
//! All three are paragraph-local and run one tight loop over the paragraph's
//! characters, consulting cache-sized bitsets first and the full lexicon only
//! at the few places the bitsets flag (see `crate::lexicon`).

use std::sync::Arc;

use super::{CharOffsets as Chars, Checker, ParagraphInput};
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};
use crate::lexicon::{self as lex, hash, Alike};

fn to_string(cs: &[u32]) -> String {
    cs.iter().filter_map(|&c| char::from_u32(c)).collect()
}

struct Common {
    rule: Arc<str>,
    severity: Severity,
    template: String,
}

impl Common {
    fn new(spec: &RuleSpec) -> Common {
        Common {
            rule: spec.id.clone(),
            severity: spec.severity,
            template: spec.message.clone(),
        }
    }
}

// ---- typo.idiom ------------------------------------------------------------------

/// Cost (in log-probability) of assuming the writer slipped this way.
fn substitution_penalty(kind: Alike) -> f32 {
    match kind {
        Alike::SameTone => 2.0,
        Alike::Sound => 3.0,
        Alike::Shape => 3.0,
        Alike::FuzzySound => 4.5,
        Alike::Keyboard => 5.0,
        Alike::None => 7.0,
    }
}
const SWAP_PENALTY: f32 = 3.5;
/// Characters whose summed word frequency is below this are rare.
const RARE_CHAR: u32 = 100;
/// A four-character dictionary word rarer than this may be a listed misspelling.
const RARE_WORD: u32 = 10;
/// A character copied from its neighbour (学学相长): a typing slip as common as
/// a homophone, though the two characters share nothing.
const DOUBLING_PENALTY: f32 = 4.5;

pub struct IdiomChecker {
    common: Common,
    /// How much likelier the corrected text must be, in natural-log units.
    threshold: f32,
}

pub fn build_idiom(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    super::build_each(specs, |spec| {
        spec.expect_params(&["threshold"])?;
        Ok(IdiomChecker {
            common: Common::new(spec),
            threshold: spec.param::<f64>("threshold")?.unwrap_or(5.0) as f32,
        })
    })
}

/// A window of four Han characters in the idiom scan.
struct Window {
    start: usize,
    /// Sum of the slot mixes (the window's key before the final mix).
    total: u64,
    swap_key: u64,
    swap: bool,
    /// Bit k: a slip at position k passed the filters.
    positions: u8,
}

/// A Bloom probe for position `k` of a window.
struct Probe {
    window: u32,
    k: u8,
    key: u64,
}

impl Probe {
    fn new(window: u32, k: usize, key: u64) -> Probe {
        Probe {
            window,
            k: k as u8,
            key,
        }
    }
}

struct IdiomHit {
    start: usize,
    margin: f32,
    fixes: Vec<[u32; 4]>,
}

impl IdiomChecker {
    fn evaluate(
        &self,
        ch: &Chars,
        s: usize,
        w: &[u32; 4],
        positions: &[usize],
        swap_key: Option<u64>,
    ) -> Option<IdiomHit> {
        // (idiom, penalty)
        let mut cands: Vec<(lex::Idiom, f32)> = Vec::new();
        // Idioms built on a repeated frame (做深做实, 有法可依, 以学促干) are
        // productive: writers fill the slots with other words on purpose.
        // Position `k` is a free slot of such a frame when the other characters
        // repeat and `k` is not one of the repeated ones.
        let slot = |c: &[u32; 4], k: usize| {
            let repeated = |i: usize| (0..4).any(|j| j != i && c[j] == c[i]);
            (0..4).any(repeated) && !repeated(k)
        };
        let mut sub = |k: usize| {
            lex::idioms_differing_at(w, k, |id| {
                let (wrong, right) = (w[k], id.chars[k]);
                if is_numeral(wrong) || is_numeral(right) {
                    return;
                }
                let kind = lex::alike(wrong, right);
                let doubled = (k > 0 && w[k - 1] == wrong) || (k < 3 && w[k + 1] == wrong);
                let pen = if doubled {
                    substitution_penalty(kind).min(DOUBLING_PENALTY)
                } else if kind == Alike::None
                    || (slot(&id.chars, k) && kind < Alike::Sound)
                    || (!id.set_phrase && kind < Alike::Shape)
                    || (kind == Alike::Keyboard && !id.idiom)
                {
                    return;
                } else {
                    substitution_penalty(kind)
                };
                // A rare character (敩 for 教) is seldom what the writer meant.
                let rare = if lex::char_freq(right) < RARE_CHAR {
                    2.5
                } else {
                    0.0
                };
                cands.push((id, pen + rare));
            })
        };
        for &k in positions {
            sub(k);
        }
        if let Some(key) = swap_key {
            lex::idioms_swapped(w, key, |id, _, _| cands.push((id, SWAP_PENALTY)));
        }
        if cands.is_empty() {
            return None;
        }
        // jieba lists some misspellings as rare words (再接再励 3, 按步就班 3):
        // a rare word one slip from a far more frequent idiom is still checked.
        let own = lex::word(w).map(|e| e.freq());
        if own.is_some_and(|f| f >= RARE_WORD) {
            return None;
        }
        let min_freq = own.map_or(0, |f| f * 10);
        cands.retain(|(id, _)| id.freq >= min_freq);
        if cands.is_empty() {
            return None;
        }
        let l0 = ch.run_start(s, 3);
        let r1 = ch.run_end(s + 4, 3);
        let orig = lex::segment_excluding(&ch.cs[l0..r1], s - l0..s - l0 + 4).0;
        let outside = lex::best_path(&ch.cs[l0..s]) + lex::best_path(&ch.cs[s + 4..r1]);
        let mut scored: Vec<(f32, [u32; 4])> = cands
            .iter()
            .map(|(id, pen)| (outside + lex::log_prob(id.freq) - pen - orig, id.chars))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        let margin = scored[0].0;
        if margin < self.threshold {
            return None;
        }
        // Alternatives: other candidates nearly as plausible.
        let fixes = scored
            .iter()
            .take_while(|(m, _)| *m >= margin - 3.0 && *m >= self.threshold - 1.0)
            .take(4)
            .map(|(_, c)| *c)
            .collect();
        Some(IdiomHit {
            start: s,
            margin,
            fixes,
        })
    }
}

impl Checker for IdiomChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        self.check_input(&ParagraphInput::new(text), out);
    }

    fn check_input(&self, para: &ParagraphInput<'_>, out: &mut Vec<Finding>) {
        let text = para.text;
        if text.len() < 12 {
            return;
        }
        let ch = para.chars();
        SCRATCH.with_borrow_mut(|scratch| self.scan(text, ch, scratch, out));
    }
}

/// Buffers of the idiom scan, kept per thread: allocating them for every
/// paragraph showed in the profile.
#[derive(Default)]
struct Scratch {
    mix: Vec<u64>,
    set: Vec<u64>,
    /// `pairs[g][i]`: [`lex::idiom_pair_positions`] of characters `i` and
    /// `i + g + 1`.
    pairs: [Vec<u8>; 3],
    windows: Vec<Window>,
    probes: Vec<Probe>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// [`lex::idiom_pairs`] of the window starting at `s`, from the pair bytes of
/// its characters (`gaps[g][i]`: the byte of characters `i` and `i + g + 1`).
#[inline(always)]
fn window_pairs(gaps: [&[u8]; 3], s: usize) -> u8 {
    let [gap1, gap2, gap3] = gaps;
    // ab ac ad | bc bd | cd, as bits 0..6 (see `POSITION_PAIRS`).
    (gap1[s] & 0b1)
        | (gap2[s] & 0b10)
        | (gap3[s] & 0b100)
        | (gap1[s + 1] & 0b1000)
        | (gap2[s + 1] & 0b1_0000)
        | (gap1[s + 2] & 0b10_0000)
}

impl IdiomChecker {
    fn scan(&self, text: &str, ch: &Chars, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        let cs = &ch.cs;
        let mut hits: Vec<IdiomHit> = Vec::new();
        let Scratch {
            mix,
            set,
            pairs: [gap1, gap2, gap3],
            windows,
            probes,
        } = scratch;
        // Per-character hash contributions, each shared by four windows.
        mix.clear();
        mix.extend(cs.iter().map(|&c| hash::char_mix(c)));
        set.clear();
        set.extend(cs.iter().map(|&c| hash::set_mix(c)));
        // A pair of characters is in up to three windows, at different
        // positions: one read of its byte serves them all.
        for (g, pairs) in [&mut *gap1, &mut *gap2, &mut *gap3].into_iter().enumerate() {
            pairs.clear();
            pairs.extend(
                cs.iter()
                    .zip(cs.iter().skip(g + 1))
                    .map(|(&a, &b)| lex::idiom_pair_positions(a, b)),
            );
        }
        // Pass 1 computes every Bloom key of every window; pass 2 probes
        // them all in a loop without branches, so that the cache misses of
        // the filters overlap instead of stalling one after another.
        windows.clear();
        probes.clear();
        let mut run = 0;
        for i in 0..cs.len() {
            if !lex::is_han(cs[i]) {
                run = 0;
                continue;
            }
            run += 1;
            if run < 4 {
                continue;
            }
            let s = i - 3;
            let w = [cs[s], cs[s + 1], cs[s + 2], cs[s + 3]];
            let pairs = window_pairs([gap1, gap2, gap3], s);
            let gates = lex::idiom_slip_positions(pairs);
            let slots = [
                hash::at_slot(mix[s], 0),
                hash::at_slot(mix[s + 1], 1),
                hash::at_slot(mix[s + 2], 2),
                hash::at_slot(mix[s + 3], 3),
            ];
            let total = slots[0]
                .wrapping_add(slots[1])
                .wrapping_add(slots[2])
                .wrapping_add(slots[3]);
            // Nothing can be one slip or one swap from an idiom.
            if pairs == 0 {
                continue;
            }
            let win = windows.len() as u32;
            let mut doubled = 0u8;
            // An idiom one slip away at k keeps the other three characters
            // (the pair gates), and its character at k sounds or looks like
            // the written one (or copies a neighbour, 学学相长).
            for k in 0..4 {
                let c = w[k];
                if gates & 1 << k == 0 || is_numeral(c) {
                    continue;
                }
                let mk = hash::lite(
                    total
                        .wrapping_sub(slots[k])
                        .wrapping_add(hash::at_slot(hash::STAR_MIX, k)),
                );
                // A character copied from its neighbour need not sound like
                // the one it replaced: the pair gates are all the screening
                // it gets (rare enough to look up directly).
                if (k > 0 && w[k - 1] == c) || (k < 3 && w[k + 1] == c) {
                    doubled |= 1 << k;
                } else {
                    lex::near_keys(mk, c, |key| probes.push(Probe::new(win, k, key)));
                }
            }
            // Swaps keep the character set (and the pair not swapped).
            let swap_key = hash::set_key(&[set[s], set[s + 1], set[s + 2], set[s + 3]]);
            windows.push(Window {
                start: s,
                total,
                swap_key,
                swap: true,
                positions: doubled,
            });
        }
        for w in windows.iter_mut() {
            w.swap = lex::swap_probe(w.swap_key);
        }
        for p in probes.iter() {
            let hit = lex::near_probe(p.key);
            windows[p.window as usize].positions |= (hit as u8) << p.k;
        }
        for win in windows.iter() {
            if win.positions == 0 && !win.swap {
                continue;
            }
            // A common four-character word as written (实事求是) is right, and
            // so is a rare one with no far more frequent idiom next to it.
            if lex::known_four_key(hash::lite(win.total)) {
                continue;
            }
            let s = win.start;
            let w = [cs[s], cs[s + 1], cs[s + 2], cs[s + 3]];
            let mut positions = [0usize; 4];
            let mut np = 0;
            for k in 0..4 {
                if win.positions & (1 << k) != 0 {
                    positions[np] = k;
                    np += 1;
                }
            }
            let swap = win.swap.then_some(win.swap_key);
            if let Some(hit) = self.evaluate(ch, s, &w, &positions[..np], swap) {
                hits.push(hit);
            }
        }
        // Overlapping windows: keep the most convincing.
        hits.sort_by(|a, b| b.margin.total_cmp(&a.margin));
        let mut taken: Vec<usize> = Vec::new();
        for hit in hits {
            if taken.iter().any(|&t| t.abs_diff(hit.start) < 4) {
                continue;
            }
            taken.push(hit.start);
            let span = ch.span(hit.start, hit.start + 4);
            let best = to_string(&hit.fixes[0]);
            let message = render(
                &self.common.template,
                &[("match", &text[span.clone()]), ("replacement", &best)],
            );
            let mut f = Finding::new(&self.common.rule, self.common.severity, span, message);
            for fix in &hit.fixes {
                f = f.with_replacement(to_string(fix));
            }
            out.push(f);
        }
    }
}

// ---- typo.word ---------------------------------------------------------------------

/// Characters that start personal names often enough that a pair of single
/// characters after them is more likely a given name than a slip.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";
/// Words after a pair that make it a name or a place, not a slip.
const NAME_FOLLOWERS: &[&str] = &[
    "同志",
    "书记",
    "主任",
    "局长",
    "县长",
    "市长",
    "镇长",
    "乡长",
    "区长",
    "部长",
    "处长",
    "科长",
    "厅长",
    "主席",
    "委员",
    "代表",
    "先生",
    "女士",
    "老师",
    "教授",
    "院士",
    "校长",
    "院长",
    "经理",
    "董事长",
    "总",
    "等",
    "县",
    "市",
    "区",
    "镇",
    "乡",
    "村",
    "街道",
    "路",
    "街",
    "省",
    "州",
    "山",
    "河",
    "湖",
    "江",
    "桥",
    "社区",
    "小区",
    "公司",
    "集团",
    "寺",
    "庙",
    "湾",
    "岛",
    "港",
    "站",
    "号",
];
const FUNCTION_CHARS: &str = "的了是在和与及也都就把被对将又还很要会能着过为以于从向让使由之其这那此该各每所并而且或但如若则即我你他她它们";
const NUMERALS: &str = lex::hash::NUMERALS;

pub struct WordChecker {
    common: Common,
    /// Margin (natural log) for an `info` finding.
    threshold: f32,
    /// Margin from which the finding takes the rule's own severity.
    strong: f32,
    /// Minimum frequency of the corrected word.
    min_freq: u32,
    /// [`SURNAMES`], [`FUNCTION_CHARS`] and [`NUMERALS`] as sorted code points,
    /// and [`NAME_FOLLOWERS`] as code points: looked up for every stranded pair.
    surnames: Vec<u32>,
    function_chars: Vec<u32>,
    numerals: Vec<u32>,
    name_followers: Vec<Vec<u32>>,
    /// The first characters of [`NAME_FOLLOWERS`], sorted: most pairs are
    /// followed by none of them and skip the comparisons.
    follower_starts: Vec<u32>,
}

fn sorted_chars(set: &str) -> Vec<u32> {
    let mut v: Vec<u32> = set.chars().map(|c| c as u32).collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub fn build_word(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    super::build_each(specs, |spec| {
        spec.expect_params(&["threshold", "strong", "min_freq"])?;
        if spec.severity == Severity::Error {
            return Err(spec.error(
                spec.span.clone(),
                "typo.word 只凭统计判断，严重程度不能为 error".to_owned(),
            ));
        }
        Ok(WordChecker {
            common: Common::new(spec),
            threshold: spec.param::<f64>("threshold")?.unwrap_or(9.5) as f32,
            strong: spec.param::<f64>("strong")?.unwrap_or(11.0) as f32,
            min_freq: spec.param::<u32>("min_freq")?.unwrap_or(100),
            surnames: sorted_chars(SURNAMES),
            function_chars: sorted_chars(FUNCTION_CHARS),
            numerals: sorted_chars(NUMERALS),
            name_followers: NAME_FOLLOWERS
                .iter()
                .map(|w| w.chars().map(|c| c as u32).collect())
                .collect(),
            follower_starts: sorted_chars(
                &NAME_FOLLOWERS
                    .iter()
                    .filter_map(|w| w.chars().next())
                    .collect::<String>(),
            ),
        })
    })
}

/// [`NUMERALS`] without a string search (the idiom scan asks per window).
fn is_numeral(c: u32) -> bool {
    const SET: [char; 30] = [
        '〇', '零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万',
        '亿', '两', '几', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖', '拾', '佰', '仟',
    ];
    SET.iter().any(|&x| x as u32 == c)
}

fn in_set(set: &str, c: u32) -> bool {
    char::from_u32(c).is_some_and(|c| set.contains(c))
}

impl WordChecker {
    /// Whether the pair at `i, i+1` stands where a name or place is likely.
    fn name_like(&self, ch: &Chars, i: usize) -> bool {
        let cs = &ch.cs;
        let prev_surname = i > 0
            && self.surnames.binary_search(&cs[i - 1]).is_ok()
            && !(i > 1 && ch.han(i - 2) && lex::pair_in_word(cs[i - 2], cs[i - 1]));
        prev_surname
            || cs
                .get(i + 2)
                .is_some_and(|c| self.follower_starts.binary_search(c).is_ok())
                && self
                    .name_followers
                    .iter()
                    .any(|w| cs[i + 2..].starts_with(w))
    }
}

impl Checker for WordChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        self.check_input(&ParagraphInput::new(text), out);
    }

    fn check_input(&self, para: &ParagraphInput<'_>, out: &mut Vec<Finding>) {
        let text = para.text;
        if text.len() < 6 {
            return;
        }
        let ch = para.chars();
        let cs = &ch.cs;
        let n = cs.len();
        // joined(i): chars i and i+1 are Han and may be inside one word. A
        // pair is a candidate when both of its characters are stranded: no
        // word can contain either together with a neighbour. One pass, one
        // bitset probe per character and no unpredictable branches, so the
        // probes' cache misses overlap.
        let joined = |i: usize| {
            i + 1 < n
                && (lex::is_han(cs[i]) & lex::is_han(cs[i + 1]))
                && lex::pair_in_word(cs[i], cs[i + 1])
        };
        let mut stranded: Vec<usize> = Vec::new();
        let mut han_pairs = 0;
        let (mut before, mut at) = (false, joined(0));
        for i in 0..n.saturating_sub(1) {
            let after = joined(i + 1);
            let both_han = lex::is_han(cs[i]) & lex::is_han(cs[i + 1]);
            han_pairs += usize::from(both_han);
            if both_han & !(before | at | after) {
                stranded.push(i);
            }
            (before, at) = (at, after);
        }
        if segments_poorly(han_pairs, stranded.len()) {
            return;
        }
        let mut last_end = 0;
        for i in stranded {
            if i < last_end {
                continue;
            }
            // Function characters strand themselves all the time (把他, 在此)
            // and are almost never the slip.
            let function = |c: u32| self.function_chars.binary_search(&c).is_ok();
            if function(cs[i]) || function(cs[i + 1]) {
                continue;
            }
            let numeral = |c: u32| self.numerals.binary_search(&c).is_ok();
            if numeral(cs[i]) || numeral(cs[i + 1]) || self.name_like(ch, i) {
                continue;
            }
            let l0 = ch.run_start(i, 3);
            let r1 = ch.run_end(i + 2, 3);
            // At most three characters each side of the pair.
            let mut buf = [0u32; 8];
            let ctx = &mut buf[..r1 - l0];
            ctx.copy_from_slice(&cs[l0..r1]);
            // Best by the corrected text's probability; the text as written
            // is scored only if some candidate survives.
            let mut best: Option<(f32, usize, u32)> = None;
            for k in [i, i + 1] {
                // The words the pair's other character makes with a
                // replacement for `cs[k]`: a short sorted list, which every
                // candidate is looked up in.
                let words = if k == i {
                    lex::TwoCharWords::ending_with(cs[i + 1])
                } else {
                    lex::TwoCharWords::starting_with(cs[i])
                };
                let mut seen: Vec<u32> = Vec::new();
                lex::alikes(cs[k], |x| {
                    let Some(freq) = words.freq(x) else { return };
                    if seen.contains(&x) {
                        return;
                    }
                    seen.push(x);
                    if freq < self.min_freq || numeral(x) {
                        return;
                    }
                    let kind = lex::alike(cs[k], x);
                    if kind < Alike::Shape {
                        return;
                    }
                    ctx[k - l0] = x;
                    let fixed = lex::best_path(ctx) - substitution_penalty(kind);
                    ctx[k - l0] = cs[k];
                    if best.is_none_or(|b| fixed > b.0) {
                        best = Some((fixed, k, x));
                    }
                });
            }
            let Some((fixed, k, x)) = best else { continue };
            let margin = fixed - lex::best_path(ctx);
            if margin < self.threshold {
                continue;
            }
            let severity = if margin >= self.strong {
                self.common.severity
            } else {
                Severity::Info.min(self.common.severity)
            };
            let span = ch.span(i, i + 2);
            let mut fixed = [cs[i], cs[i + 1]];
            fixed[k - i] = x;
            let replacement = to_string(&fixed);
            let message = render(
                &self.common.template,
                &[
                    ("match", &text[span.clone()]),
                    ("replacement", &replacement),
                ],
            );
            out.push(
                Finding::new(&self.common.rule, severity, span, message)
                    .with_replacement(replacement),
            );
            last_end = i + 2;
        }
    }
}

// ---- usage: 的/地/得 -------------------------------------------------------------

/// Adverbials that 公文 puts before a verb with 地 (认真地落实). Words that are as
/// often attributes (正确的决定, 重要的讲话) are deliberately absent.
const ADVERBIALS: &[&str] = &[
    "认真",
    "积极",
    "更好",
    "扎实",
    "切实",
    "深入",
    "主动",
    "严格",
    "坚决",
    "努力",
    "充分",
    "稳妥",
    "有序",
    "及时",
    "尽快",
    "不断",
    "持续",
    "逐步",
    "全力",
    "妥善",
    "稳步",
    "耐心",
    "仔细",
    "细致",
    "迅速",
    "自觉",
    "大力",
    "更加",
    "有力",
    "扎扎实实",
    "认认真真",
    "踏踏实实",
    "实实在在",
    "牢牢",
    "紧紧",
    "广泛",
    "不折不扣",
    "坚定不移",
    "旗帜鲜明",
    "积极主动",
    "创造性",
    "系统",
    "全方位",
    "高质量",
    "有条不紊",
    "实事求是",
    "尽早",
    "一步步",
    "深刻",
    "更快",
    "更好更快",
    "高效",
    "有效",
    "科学",
    "合理",
    "精准",
    "依法",
    "规范",
    "统筹",
    "直观",
    "清醒",
    "成功",
    "较好",
    "开创性",
    "顺利",
    "圆满",
    "出色",
    "清楚",
    "准确",
    "客观",
    "彻底",
    "精心",
    "果断",
];
/// The [`ADVERBIALS`] that before a verb are adverbials with no evidence
/// from after the verb: words like 规范, 系统, 深入, 科学 as often make a
/// verbal noun's attribute (规范的管理, 进行深入的学习).
const STRICT_ADVERBIALS: &[&str] = &[
    "认真",
    "积极",
    "更好",
    "扎实",
    "切实",
    "主动",
    "坚决",
    "努力",
    "尽快",
    "不断",
    "持续",
    "逐步",
    "全力",
    "稳步",
    "迅速",
    "自觉",
    "大力",
    "更加",
    "牢牢",
    "紧紧",
    "扎扎实实",
    "认认真真",
    "踏踏实实",
    "实实在在",
    "不折不扣",
    "坚定不移",
    "旗帜鲜明",
    "积极主动",
    "尽早",
    "一步步",
    "更快",
    "更好更快",
    "清醒",
    "直观",
    "妥善",
    "及时",
];

/// Verbs whose object is often a verbal noun with an attribute: 进行认真的研究,
/// 作出深入的分析 (the 的 is right there).
const NOUN_TAKERS: &[&str] = &[
    "进行", "开展", "加以", "给予", "予以", "作出", "做出", "得到", "受到", "经过", "通过", "有了",
    "有着", "实现", "是",
];

/// Whether `before` (the text before an adverbial) ends with a [`NOUN_TAKERS`] verb.
fn object_taker_before(before: &[u32]) -> bool {
    NOUN_TAKERS.iter().any(|w| {
        let n = w.chars().count();
        n <= before.len()
            && w.chars()
                .zip(&before[before.len() - n..])
                .all(|(a, &b)| a as u32 == b)
    })
}

/// Verbs of official writing that jieba tags otherwise (落实 `a`, 服务 `vn`).
const MISTAGGED_VERBS: &[&str] = &[
    "落实", "服务", "贯彻", "执行", "推动", "开展", "解决", "完成", "宣传", "引导", "参与", "配合",
];
/// Nouns that a verb before them modifies (处罚程序, 组织保障), making X的V an
/// attribute, not an adverbial.
const HEAD_NOUNS: &[&str] = &[
    "程序", "保障", "机制", "体系", "制度", "能力", "水平", "方式", "方法", "措施", "力度", "作用",
    "效果", "环境", "氛围", "基础", "条件", "手段", "模式", "格局", "体制", "办法", "标准", "流程",
    "规定", "意识", "精神", "职能", "责任", "任务", "举措", "支撑", "结果", "过程", "对象", "范围",
    "政策", "理念", "思路", "局面", "态势", "战略", "方针", "导向", "路径", "成效", "成果",
];
/// Words that read as objects of 的 even after an adverbial (有效的措施): the
/// next word must be a verb and something must follow it.
const DEGREE: &[&str] = &[
    "很",
    "非常",
    "十分",
    "特别",
    "相当",
    "比较",
    "较为",
    "更加",
    "太",
    "挺",
    "极为",
    "尤为",
    "格外",
    "越来越",
];
/// Words that after V的 and before the end of a clause are complements, with or
/// without a degree word (看的透彻 → 看得透彻, 讲的很到位 → 讲得很到位). Words that
/// as often end a clause as the noun after 的 (不足, 问题, 困难) are absent.
const COMPLEMENT_WORDS: &[&str] = &[
    "到位",
    "透彻",
    "扎实",
    "全面",
    "细致",
    "深入",
    "具体",
    "出色",
    "精彩",
    "生动",
    "准确",
    "及时",
    "清楚",
    "明白",
    "好",
    "实",
    "快",
    "对",
    "有声有色",
    "井井有条",
    "红红火火",
];
/// Complement phrases after V的 that need 得 on their own (做的不够 → 做得不够).
const NEG_COMPLEMENTS: &[&str] = &["不够", "不到位", "不好", "不错", "不细", "不实", "不深"];
/// Adjectives after a degree adverb that clearly make a complement. 多/少 are
/// absent: 做的很多工作 is right.
const COMPLEMENT_ADJ_TAGS: &[&str] = &["a", "ad", "an", "z"];
const NOT_ADJ: &[&str] = &[
    "多", "少", "大", "小", "长", "高", "重要", "主要", "有效", "多的",
];
/// What may follow the verb after X的V for it to be a verb phrase, not a noun:
/// 更好的推进工作 (object) yes, 更好的发展。 / 正确的选择是 no.
const NOT_AFTER_VERB: &str = "是的和与及了也都就之等中上下时后前，。；：！？、）”》…";

/// Whether a paragraph falls apart under segmentation so widely that it is no
/// modern prose: a list of names, classical Chinese, garbled or random text.
/// In ordinary 公文 about 1 % of adjacent Han pairs are stranded (18 % at most
/// in a paragraph of the corpus); where most are, a frequent word one
/// character away is found everywhere and proves nothing, so the rule stays
/// silent. Short paragraphs are too few pairs to judge.
fn segments_poorly(han_pairs: usize, stranded: usize) -> bool {
    han_pairs >= 10 && stranded * 2 > han_pairs
}

fn is_punct_or_end(cs: &[u32], i: usize) -> bool {
    i >= cs.len() || !lex::is_han(cs[i])
}

fn word_matches(cs: &[u32], at: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter(|w| {
            let n = w.chars().count();
            at + n <= cs.len() && w.chars().zip(&cs[at..]).all(|(a, &b)| a as u32 == b)
        })
        .map(|w| w.chars().count())
        .max()
}

/// The longest dictionary word that ends just before `j` (at most 4 chars).
fn word_before(cs: &[u32], j: usize) -> Option<(usize, lex::Entry)> {
    (1..=4.min(j))
        .rev()
        .filter(|&k| cs[j - k..j].iter().all(|&c| lex::is_han(c)))
        .find_map(|k| lex::word(&cs[j - k..j]).map(|e| (j - k, e)))
}

/// The longest dictionary word that starts at `i`.
fn word_after(cs: &[u32], i: usize) -> Option<(usize, lex::Entry)> {
    let mut best = None;
    lex::words_from(cs, i, (i + 6).min(cs.len()), |end, e| best = Some((end, e)));
    best
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Particle {
    /// 的 before a complement of degree → 得.
    Complement,
    /// 的 between an adverbial and its verb → 地.
    Adverbial,
}

/// Both 的 rules in one checker: the paragraph is searched for 的 once, and
/// only the few occurrences that pass a byte-level look at their neighbours
/// are decoded and judged.
pub struct ParticleChecker {
    rules: Vec<(Particle, Common)>,
}

pub fn build_particle(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for spec in specs {
        let which = (|| {
            spec.expect_params(&["check"])?;
            match spec.param::<String>("check")?.as_deref() {
                Some("complement") => Ok(Particle::Complement),
                Some("adverbial") => Ok(Particle::Adverbial),
                _ => Err(spec.params_error(
                    "参数 `check` 必须是 \"complement\"（的→得）或 \"adverbial\"（的→地）"
                        .to_owned(),
                )),
            }
        })();
        match which {
            Ok(which) => rules.push((which, Common::new(spec))),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Box::new(ParticleChecker { rules })])
}

/// Whether `before` (the text up to a 的) ends with an adverbial of [`ADVERBIALS`].
fn ends_with_adverbial(before: &str) -> bool {
    // Most 的 follow a character no adverbial ends with: one comparison
    // against the last characters first.
    let Some(last) = before.chars().next_back() else {
        return false;
    };
    ADVERBIAL_LAST.contains(&last) && ADVERBIALS.iter().any(|a| before.ends_with(a))
}

/// The last characters of [`ADVERBIALS`] (kept in step by a unit test).
const ADVERBIAL_LAST: &[char] = &[
    '真', '极', '好', '实', '入', '动', '格', '决', '力', '分', '妥', '序', '时', '快', '断', '续',
    '步', '善', '心', '细', '速', '觉', '加', '在', '牢', '紧', '泛', '扣', '移', '明', '性', '统',
    '位', '量', '紊', '是', '早', '刻', '效', '学', '理', '准', '法', '范', '筹', '致', '观', '醒',
    '楚', '确', '底', '功', '利', '满', '色',
];

/// Whether `after` (the text after a 的) starts like a complement: a negated
/// complement, a degree word or a complement word, perhaps after 都/也/还.
fn starts_like_complement(after: &str) -> bool {
    let after = ["都", "也", "还"]
        .iter()
        .find_map(|w| after.strip_prefix(w))
        .unwrap_or(after);
    NEG_COMPLEMENTS
        .iter()
        .chain(DEGREE)
        .chain(COMPLEMENT_WORDS)
        .any(|w| after.starts_with(w))
}

/// Characters decoded around a 的: `judge` looks at most 8 back (a verb before
/// the adverbial) and 13 ahead.
const DE_BEFORE: usize = 8;
const DE_AFTER: usize = 16;

impl ParticleChecker {
    /// Span (chars) and replacement for a 的 at `j`, if it is misused.
    fn judge(which: Particle, cs: &[u32], j: usize) -> Option<(usize, usize, u32)> {
        // 的 inside a word: 目的, 的确, 有的放矢, 的士. (真的 in 认真的 does not
        // count: the word before 的 is 认真, and 真的 would split it.)
        let (from, prev) = word_before(cs, j)?;
        if lex::word(&cs[from..=j]).is_some()
            || (j + 1 < cs.len() && lex::word(&cs[j..j + 2]).is_some())
            || (j + 3 <= cs.len() && lex::word(&cs[j - 1..j + 3]).is_some())
        {
            return None;
        }
        let prev_text = &cs[from..j];
        match which {
            Particle::Complement => {
                let verb = matches!(prev.tag(), "v" | "vd" | "vi")
                    || word_matches(prev_text, 0, &["落实", "干", "抓", "办", "搞", "执行"])
                        == Some(prev_text.len());
                if !verb || prev_text.len() > 2 {
                    return None;
                }
                // 讲的都很好, 做的也不够: 都/也/还 may stand before the complement.
                let k = j + 1 + usize::from(cs.get(j + 1).is_some_and(|&c| in_set("都也还", c)));
                if let Some(n) = word_matches(cs, k, NEG_COMPLEMENTS) {
                    return is_punct_or_end(cs, k + n).then_some((from, k + n, '得' as u32));
                }
                // 看的透彻, 抓的很实: a word that closes a clause after V的 only
                // as a complement needs no degree word.
                let d = word_matches(cs, k, DEGREE).unwrap_or(0);
                let (end, adj) = word_after(cs, k + d)?;
                let adj_text = to_string(&cs[k + d..end]);
                let complement = COMPLEMENT_WORDS.contains(&adj_text.as_str());
                let adjective = COMPLEMENT_ADJ_TAGS.contains(&adj.tag())
                    && !NOT_ADJ.contains(&adj_text.as_str());
                if !(complement || (d > 0 && adjective)) {
                    return None;
                }
                // The complement must close the clause (讲的很具体。), else it
                // may be an attribute (讲的很具体的事).
                let closes = is_punct_or_end(cs, end)
                    || (cs[end] == '了' as u32 && is_punct_or_end(cs, end + 1));
                closes.then_some((from, end, '得' as u32))
            }
            Particle::Adverbial => {
                let text = to_string(prev_text);
                if !ADVERBIALS.contains(&text.as_str()) {
                    return None;
                }
                // 更好的 / 更加积极的: the adverbial may carry a degree word.
                let (end, verb) = word_after(cs, j + 1)?;
                let verb_text = to_string(&cs[j + 1..end]);
                let is_verb = matches!(verb.tag(), "v" | "vd" | "vi")
                    || MISTAGGED_VERBS.contains(&verb_text.as_str());
                if !is_verb || end - (j + 1) < 2 {
                    return None;
                }
                // 成功的完成了, 深刻的认识到, 直观的看到: an aspect particle or a
                // result complement makes the verb a predicate, whatever the
                // adverbial.
                if cs.get(end).is_some_and(|&c| in_set("了着过到", c)) || cs[end - 1] == '到' as u32
                {
                    return Some((from, end, '地' as u32));
                }
                // Else the verb may head a noun phrase (规范的统计口径, 进行认真
                // 的研究, 全方位的服务职工群众工作体系): only adverbials that
                // hardly ever modify a noun count, and not after a verb that
                // takes one.
                if !STRICT_ADVERBIALS.contains(&text.as_str()) || object_taker_before(&cs[..from]) {
                    return None;
                }
                if is_punct_or_end(cs, end) || in_set(NOT_AFTER_VERB, cs[end]) {
                    return None;
                }
                // 严格的处罚程序, 有力的组织保障: the verb modifies a head noun.
                if word_after(cs, end)
                    .is_some_and(|(e, _)| HEAD_NOUNS.contains(&to_string(&cs[end..e]).as_str()))
                {
                    return None;
                }
                Some((from, end, '地' as u32))
            }
        }
    }
}

/// Built once: a `Finder` costs more to build than to run on a paragraph.
static DE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("的"));

impl Checker for ParticleChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        let mut cs: Vec<u32> = Vec::with_capacity(DE_BEFORE + DE_AFTER + 1);
        let mut offs: Vec<usize> = Vec::with_capacity(DE_BEFORE + DE_AFTER + 2);
        for b in DE.find_iter(text.as_bytes()) {
            let (before, after) = (&text[..b], &text[b + 3..]);
            let wanted = |w: Particle| match w {
                Particle::Complement => starts_like_complement(after),
                Particle::Adverbial => ends_with_adverbial(before),
            };
            if !self.rules.iter().any(|(w, _)| wanted(*w)) {
                continue;
            }
            // Decode just the neighbourhood; `judge` never looks further.
            cs.clear();
            offs.clear();
            let from = before
                .char_indices()
                .rev()
                .take(DE_BEFORE)
                .last()
                .map_or(b, |(i, _)| i);
            let mut end = from;
            for (i, c) in text[from..].char_indices().take(DE_BEFORE + 1 + DE_AFTER) {
                cs.push(c as u32);
                offs.push(from + i);
                end = from + i + c.len_utf8();
            }
            offs.push(end);
            let j = text[from..b].chars().count();
            if j == 0 {
                continue;
            }
            for (which, common) in &self.rules {
                if !wanted(*which) {
                    continue;
                }
                let Some((s, e, right)) = ParticleChecker::judge(*which, &cs, j) else {
                    continue;
                };
                let span = offs[s]..offs[e];
                let mut fixed = cs[s..e].to_vec();
                fixed[j - s] = right;
                let replacement = to_string(&fixed);
                let message = render(
                    &common.template,
                    &[
                        ("match", &text[span.clone()]),
                        ("replacement", &replacement),
                    ],
                );
                out.push(
                    Finding::new(&common.rule, common.severity, span, message).with_fix(
                        offs[j]..offs[j + 1],
                        char::from_u32(right).unwrap().to_string(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_pairs_gathered_from_character_pairs_equal_the_window_lookup() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/lexicon/misspelt.txt"
        ))
        .unwrap();
        let cs: Vec<u32> = text.chars().map(|c| c as u32).collect();
        let gaps: Vec<Vec<u8>> = (1..=3)
            .map(|g| {
                cs.iter()
                    .zip(&cs[g..])
                    .map(|(&a, &b)| lex::idiom_pair_positions(a, b))
                    .collect()
            })
            .collect();
        let mut set = 0;
        for s in 0..cs.len() - 3 {
            let w = [cs[s], cs[s + 1], cs[s + 2], cs[s + 3]];
            let pairs = window_pairs([&gaps[0], &gaps[1], &gaps[2]], s);
            assert_eq!(pairs, lex::idiom_pairs(&w), "window at {s}");
            set |= pairs;
        }
        // Every position pair occurs in the misspelt idioms.
        assert_eq!(set, 0b11_1111);
    }

    #[test]
    fn adverbial_last_chars_cover_every_adverbial() {
        for a in ADVERBIALS {
            let last = a.chars().next_back().unwrap();
            assert!(ADVERBIAL_LAST.contains(&last), "{a}");
            assert!(ends_with_adverbial(&format!("要{a}")));
        }
        assert!(!ends_with_adverbial("我们"));
        assert!(!ends_with_adverbial(""));
        // A strict adverbial missing from the list would never be looked at.
        for a in STRICT_ADVERBIALS {
            assert!(ADVERBIALS.contains(a), "{a}");
        }
    }

    #[test]
    fn numerals_match_the_shared_list() {
        for c in NUMERALS.chars() {
            assert!(is_numeral(c as u32), "{c}");
        }
        assert!(!is_numeral('学' as u32));
    }
}
