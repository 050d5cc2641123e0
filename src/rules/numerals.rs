//! `kind = "numerals"`: numbers written with the wrong digits (GB/T 15835-2011).
//!
//! - `numbers.zero`: a zero written as the digit 0, the letter O or the circle ○
//!   inside a Chinese-numeral number (二00八年, 二O一九年 → 二〇〇八年); in a year,
//!   零 too (二零二四年). The fix is given for years, where it is certain.
//! - `numbers.mixed`: Arabic and Chinese digits mixed in one number (三0, 2〇24);
//!   multiplier units after Arabic digits (3千万, 1.5亿) are accepted usage.

use std::sync::{Arc, LazyLock};

use aho_corasick::packed::Searcher;

use super::cjk::{byte_positions, merge_sorted};
use super::Checker;
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};

pub const ZERO: &str = "numbers.zero";
pub const MIXED: &str = "numbers.mixed";

struct Rule {
    id: Arc<str>,
    severity: Severity,
    template: String,
}

#[derive(Default)]
pub struct NumeralsChecker {
    zero: Option<Rule>,
    mixed: Option<Rule>,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut checker = NumeralsChecker::default();
    let mut errors = Vec::new();
    for spec in specs {
        if let Err(e) = spec.expect_params(&[]) {
            errors.push(e);
            continue;
        }
        let rule = Rule {
            id: spec.id.clone(),
            severity: spec.severity,
            template: spec.message.clone(),
        };
        match &*spec.id {
            ZERO => checker.zero = Some(rule),
            MIXED => checker.mixed = Some(rule),
            other => errors.push(spec.error(
                spec.span.clone(),
                format!("`numerals` 类型没有规则 `{other}`（可用：{ZERO}、{MIXED}）"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(vec![Box::new(checker)])
    } else {
        Err(errors)
    }
}

fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '〇'
    )
}

/// Look-alikes of 〇 that slip into Chinese numerals.
fn is_fake_zero(c: char) -> bool {
    matches!(c, '0' | '０' | 'O' | 'o' | 'Ｏ' | '○' | '◯')
}

fn in_run(c: char) -> bool {
    is_cn_digit(c) || is_fake_zero(c) || c == '零' || c.is_ascii_digit() || matches!(c, '十' | '百')
}

/// The byte positions of the characters without which no run is reported:
/// both rules need an Arabic digit or a look-alike of 〇 (`numbers.zero` on a
/// year also 零). Found by a vectorised byte scan and a literal search, so
/// paragraphs without numbers are never decoded.
fn anchors(text: &str) -> impl Iterator<Item = usize> + '_ {
    // The packed (Teddy) searcher: `AhoCorasick` judges its own prefilter weak
    // for these literals and walks its automaton byte by byte.
    static OTHER_ZEROS: LazyLock<Searcher> = LazyLock::new(|| {
        aho_corasick::packed::Config::new()
            .builder()
            .extend(["０", "Ｏ", "○", "◯", "零"])
            .build()
            .expect("a packed searcher for a few literals")
    });
    let ascii = byte_positions(text.as_bytes(), |b| {
        (b.wrapping_sub(b'0') < 10) | (b == b'O') | (b == b'o')
    });
    merge_sorted(
        ascii.into_iter(),
        OTHER_ZEROS.find_iter(text).map(|m| m.start()),
    )
}

impl Checker for NumeralsChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        // Every reported run holds an anchor: expand the run around each one
        // instead of decoding the whole paragraph.
        let mut run: Vec<char> = Vec::new();
        let mut end = 0;
        for at in anchors(text) {
            if at < end {
                continue;
            }
            let mut start = at;
            let before = loop {
                match text[..start].chars().next_back() {
                    Some(c) if in_run(c) => start -= c.len_utf8(),
                    other => break other,
                }
            };
            run.clear();
            run.extend(text[start..].chars().take_while(|&c| in_run(c)));
            end = start + run.iter().map(|c| c.len_utf8()).sum::<usize>();
            let after = text[end..].chars().next();
            self.check_run(text, &run, start..end, before, after, out);
        }
    }
}

impl NumeralsChecker {
    fn check_run(
        &self,
        text: &str,
        run: &[char],
        span: std::ops::Range<usize>,
        before: Option<char>,
        after: Option<char>,
        out: &mut Vec<Finding>,
    ) {
        // Letters and digits glued to Latin text are codes or words (GO, B2O3).
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
            || after.is_some_and(|c| c.is_ascii_alphabetic())
        {
            return;
        }
        if !run.iter().any(|&c| is_cn_digit(c)) {
            return;
        }
        let cn = run.iter().any(|&c| is_cn_digit(c) && c != '〇');
        let arabic_nonzero = run.iter().any(|&c| c.is_ascii_digit() && c != '0');
        let fake_zero = run.iter().any(|&c| is_fake_zero(c));
        let year = after == Some('年')
            && run.len() == 4
            && !run.iter().any(|&c| matches!(c, '十' | '百'))
            && !arabic_nonzero;
        let matched = &text[span.clone()];
        if let Some(rule) = &self.zero {
            if cn && !arabic_nonzero && (fake_zero || (year && run.contains(&'零'))) {
                let bad: String = run
                    .iter()
                    .filter(|&&c| is_fake_zero(c) || c == '零')
                    .take(1)
                    .collect();
                let fixed: String = run
                    .iter()
                    .map(|&c| {
                        if is_fake_zero(c) || c == '零' {
                            '〇'
                        } else {
                            c
                        }
                    })
                    .collect();
                let message = render(
                    &rule.template,
                    &[("match", matched), ("zero", &bad), ("replacement", &fixed)],
                );
                let mut f = Finding::new(&rule.id, rule.severity, span, message);
                if year {
                    f = f.with_replacement(fixed);
                }
                out.push(f);
                return;
            }
        }
        if let Some(rule) = &self.mixed {
            // 一 right after a number often starts a word (3一是 is rare, but
            // 2一批 reads as "2, 一批"): only flag runs that end as a number.
            let word_after = run.last() == Some(&'一')
                && after.is_some_and(|c| "是要些起直切般定道律样致同共体系手把批次方".contains(c));
            if arabic_nonzero && !word_after {
                let message = render(&rule.template, &[("match", matched)]);
                out.push(Finding::new(&rule.id, rule.severity, span, message));
            }
        }
    }
}

#[cfg(test)]
impl NumeralsChecker {
    /// The scan before anchors: every character decoded. The reference.
    fn reference_check(&self, text: &str, out: &mut Vec<Finding>) {
        // One pass, no per-character vector: runs are collected as they end.
        let mut run: Vec<char> = Vec::new();
        let mut run_start = 0;
        let mut before: Option<char> = None;
        let mut prev: Option<char> = None;
        for (at, c) in text.char_indices() {
            if in_run(c) {
                if run.is_empty() {
                    run_start = at;
                    before = prev;
                }
                run.push(c);
            } else if !run.is_empty() {
                self.check_run(text, &run, run_start..at, before, Some(c), out);
                run.clear();
            }
            prev = Some(c);
        }
        if !run.is_empty() {
            self.check_run(text, &run, run_start..text.len(), before, None, out);
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
        let pack = "[[rule]]\nid = \"numbers.zero\"\nkind = \"numerals\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"{match}→{replacement}\"\n[[rule]]\nid = \"numbers.mixed\"\nkind = \"numerals\"\nseverity = \"info\"\nsummary = \"s\"\nmessage = \"{match}\"\n";
        let specs = parse_pack(&SourceFile::new("t.toml", pack)).unwrap();
        RuleSet::from_specs(specs, &[])
            .unwrap()
            .check(text, DocKind::Plain)
    }

    #[test]
    fn zeros_in_chinese_years() {
        for (text, fixed) in [
            ("二00八年", "二〇〇八年"),
            ("于二O一九年三月", "二〇一九"),
            ("二○二四年", "二〇二四"),
            ("二零二四年", "二〇二四"),
        ] {
            let f = check(text);
            assert_eq!(f.len(), 1, "{text}");
            assert_eq!(&*f[0].rule, "numbers.zero");
            assert!(
                f[0].fixes[0]
                    .replacement
                    .starts_with(fixed.trim_end_matches('年')),
                "{text}"
            );
        }
        // Not a year: reported without a fix (三0 may mean 三十).
        let f = check("共三0人");
        assert_eq!(f.len(), 1);
        assert!(f[0].fixes.is_empty());
    }

    #[test]
    fn mixed_digits() {
        let f = check("全年完成2〇24项");
        assert_eq!(f.len(), 1);
        assert_eq!(&*f[0].rule, "numbers.mixed");
        assert_eq!(check("投入3千万元").len(), 0);
    }

    fn checker() -> super::NumeralsChecker {
        let rule = |id: &str| super::Rule {
            id: id.into(),
            severity: crate::finding::Severity::Warning,
            template: "{match}".into(),
        };
        super::NumeralsChecker {
            zero: Some(rule(super::ZERO)),
            mixed: Some(rule(super::MIXED)),
        }
    }

    /// Every character that can make a run reportable is an anchor: those in
    /// a run other than the Chinese digits and 十 百.
    #[test]
    fn every_reportable_character_is_an_anchor() {
        use super::{anchors, in_run, is_cn_digit};
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if in_run(c) && !is_cn_digit(c) && !matches!(c, '十' | '百') {
                let text = format!("甲{c}乙");
                assert_eq!(anchors(&text).collect::<Vec<_>>(), vec![3], "{c}");
            }
        }
        assert_eq!(anchors("二〇二四年，一百人").count(), 0);
    }

    #[test]
    fn runs_equal_the_reference_on_the_corpus() {
        use super::Checker;
        let checker = checker();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                for (i, _) in line.char_indices().step_by(5) {
                    let t = &line[i..];
                    let (mut new, mut old) = (Vec::new(), Vec::new());
                    checker.check_paragraph(t, &mut new);
                    checker.reference_check(t, &mut old);
                    assert_eq!(new, old, "{t}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn runs_equal_the_reference(text in "[一二〇零十百0-9OoＯ０○◯年a.是批甲]{0,16}") {
            use super::Checker;
            let checker = checker();
            let (mut new, mut old) = (Vec::new(), Vec::new());
            checker.check_paragraph(&text, &mut new);
            checker.reference_check(&text, &mut old);
            proptest::prop_assert_eq!(new, old);
        }
    }

    #[test]
    fn quiet_on_ordinary_numbers() {
        for text in [
            "二〇二四年四月一日",
            "2024年4月",
            "一百零五人",
            "第二十条",
            "“十四五”规划",
            "电话0371-12345678",
            "型号GO1000",
            "共2批次，一是",
            "累计1200余面",
            "MO2型设备",
            "一把手",
        ] {
            let f = check(text);
            assert!(f.is_empty(), "{text}: {f:?}");
        }
    }
}
