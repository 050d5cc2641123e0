//! `kind = "pattern"`: a regular expression with a message and optional
//! replacement templates.
//!
//! The `regex` crate has no look-around, so context is expressed three ways: a
//! named group `hit` narrows the reported span to part of the match; `not_before`
//! and `not_after` are regexes that veto a match when they match the text just
//! before (anchor with `$`) or just after (anchor with `^`) the span. Alternatives
//! may name their groups `hit`, `hit2`, …: the first that took part is the span.

use std::ops::Range;
use std::sync::Arc;

use regex::Regex;
use toml::Spanned;

use super::Checker;
use gate::LiteralGate;

mod gate;
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};
use crate::position::floor_char_boundary;

/// How many bytes of context `not_before`/`not_after` see (about 10 CJK characters).
const CONTEXT_BYTES: usize = 32;

pub struct PatternChecker {
    rule: Arc<str>,
    severity: Severity,
    template: String,
    regex: Regex,
    hit_groups: Vec<usize>,
    replace: Vec<String>,
    not_before: Option<Regex>,
    not_after: Option<Regex>,
    /// No capture groups and no `$` in `replace`: matches need no captures.
    plain: bool,
}

/// All pattern rules of a rule set, behind one literal prefilter. Each regex whose
/// matches must contain one of a few literals (found by `regex-syntax`)
/// contributes them to one `LiteralGate`; one pass over a paragraph then tells
/// which rules can match at all, and only those run. Rules without such literals
/// always run. With dozens of pattern rules this is one scan instead of dozens.
pub struct PatternGroup {
    rules: Vec<PatternChecker>,
    gate: LiteralGate,
    always: Vec<usize>,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    // Each regex takes a millisecond or two to compile: side by side.
    let built = crate::par::map(specs, build_one);
    for result in built {
        match result {
            Ok(c) => rules.push(c),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    let mut literals = Vec::new();
    let mut always = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        match prefix_literals(rule.regex.as_str()) {
            Some(lits) => literals.extend(lits.into_iter().map(|l| (l, i))),
            None => always.push(i),
        }
    }
    Ok(vec![Box::new(PatternGroup {
        rules,
        gate: LiteralGate::new(literals),
        always,
    })])
}

/// Literals at least one of which every match of `pattern` contains, if there
/// are few and none is empty; `None` when no such set is found (the rule then
/// runs on every paragraph). Leading parts that are not literal (`^\s*`, a class
/// like `\p{Han}`) may be skipped: whatever they match, the rest of the match
/// still starts with one of the rest's prefix literals. Of the sets found this
/// way the rarest is kept ([`rarer`]): `（\s*未完` is gated by 未完, not by the
/// bracket every other paragraph contains. Alternatives are handled one by one
/// and their literals pooled.
fn prefix_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::parse(pattern).ok()?;
    literals_within(&hir)
}

fn literals_within(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::{Hir, HirKind};
    match hir.kind() {
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(literals_within(branch)?);
            }
            all.sort();
            all.dedup();
            Some(all)
        }
        HirKind::Capture(capture) => literals_within(&capture.sub),
        HirKind::Concat(parts) => (0..parts.len())
            .filter_map(|skip| {
                let rest = Hir::concat(parts[skip..].to_vec());
                match rest.kind() {
                    // The rest is itself an alternation or group: look inside it.
                    HirKind::Alternation(_) | HirKind::Capture(_) => literals_within(&rest),
                    _ => prefix_of(&rest),
                }
            })
            .reduce(|best, next| if rarer(&next, &best) { next } else { best }),
        _ => prefix_of(hir),
    }
}

/// Whether literal set `a` is likely to occur in fewer paragraphs than `b`:
/// its shortest literal has more characters (one-character literals such as
/// `，` or `(` occur almost everywhere), then it has fewer literals.
fn rarer(a: &[Vec<u8>], b: &[Vec<u8>]) -> bool {
    let chars = |set: &[Vec<u8>]| {
        set.iter()
            .map(|l| l.iter().filter(|&&b| b & 0xC0 != 0x80).count())
            .min()
            .unwrap_or(0)
    };
    (chars(a), std::cmp::Reverse(a.len())) > (chars(b), std::cmp::Reverse(b.len()))
}

fn prefix_of(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut extractor = Extractor::new();
    // Classes are not expanded: `率达到[0-9]` is gated by 率达到 alone rather
    // than by ten literals that make the gate's automaton ten times larger.
    extractor
        .kind(ExtractKind::Prefix)
        .limit_class(4)
        .limit_total(256);
    let seq = extractor.extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

impl Checker for PatternGroup {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        // Which rules to run, as a bit set: on the stack for any realistic
        // number of rules, so a paragraph costs no allocation here.
        let words = self.rules.len().div_ceil(64);
        let mut inline = [0u64; 8];
        let mut heap = Vec::new();
        let run: &mut [u64] = if words <= inline.len() {
            &mut inline[..words]
        } else {
            heap.resize(words, 0);
            &mut heap
        };
        for &i in &self.always {
            gate::mark(run, i);
        }
        self.gate.scan(text.as_bytes(), run);
        for (w, &bits) in run.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                self.rules[i].check_paragraph(text, out);
            }
        }
    }
}

fn build_one(spec: &RuleSpec) -> Result<PatternChecker, ConfigError> {
    spec.expect_params(&[])?;
    if !spec.entries.is_empty() {
        return Err(spec.error(
            spec.span.clone(),
            "正则规则不使用 [rule.entries]".to_owned(),
        ));
    }
    let Some(pattern) = &spec.pattern else {
        return Err(spec.error(
            spec.span.clone(),
            format!("正则规则 `{}` 缺少 `pattern`", spec.id),
        ));
    };
    let regex = compile(spec, pattern)?;
    let hit_groups = regex
        .capture_names()
        .enumerate()
        .filter(|(_, n)| n.is_some_and(|n| n.starts_with("hit")))
        .map(|(i, _)| i)
        .collect();
    let not_before = spec
        .not_before
        .as_ref()
        .map(|p| compile(spec, p))
        .transpose()?;
    let not_after = spec
        .not_after
        .as_ref()
        .map(|p| compile(spec, p))
        .transpose()?;
    let plain = regex.captures_len() == 1 && spec.replace.iter().all(|t| !t.contains('$'));
    Ok(PatternChecker {
        plain,
        rule: spec.id.clone(),
        severity: spec.severity,
        template: spec.message.clone(),
        regex,
        hit_groups,
        replace: spec.replace.clone(),
        not_before,
        not_after,
    })
}

/// Compiles a regex from a rule file, pointing errors at the offending character
/// when the pattern is a literal string (`'…'` or `'''…'''`) whose bytes map 1:1.
pub fn compile(spec: &RuleSpec, pattern: &Spanned<String>) -> Result<Regex, ConfigError> {
    Regex::new(pattern.get_ref()).map_err(|err| {
        let value_span = pattern.span();
        let raw = &spec.source.text[value_span.clone()];
        let quote = if raw.starts_with("'''") {
            Some(3)
        } else if raw.starts_with('\'') {
            Some(1)
        } else {
            None
        };
        let offset = quote.and_then(|q| {
            let at = regex_syntax::ast::parse::Parser::new()
                .parse(pattern.get_ref())
                .err()
                .map(|e| e.span().start.offset)?;
            Some(value_span.start + q + at)
        });
        let start = offset.unwrap_or(value_span.start);
        let detail = match &err {
            regex::Error::Syntax(s) => s.lines().last().unwrap_or(s).trim().to_owned(),
            other => other.to_string(),
        };
        spec.error(
            start..start + 1,
            format!("规则 `{}` 的正则表达式无效：{detail}", spec.id),
        )
    })
}

impl PatternChecker {
    fn vetoed(&self, text: &str, span: &Range<usize>) -> bool {
        if let Some(re) = &self.not_before {
            let from = floor_char_boundary(text, span.start.saturating_sub(CONTEXT_BYTES));
            if re.is_match(&text[from..span.start]) {
                return true;
            }
        }
        if let Some(re) = &self.not_after {
            let to = floor_char_boundary(text, span.end + CONTEXT_BYTES);
            if re.is_match(&text[span.end..to]) {
                return true;
            }
        }
        false
    }
}

impl PatternChecker {
    /// The path for rules without groups: `find_iter` spares the regex engine
    /// the capture-resolving pass, and with no `$` in the templates every
    /// replacement is the template itself, so the findings are the same.
    fn check_plain(&self, text: &str, out: &mut Vec<Finding>) {
        for m in self.regex.find_iter(text) {
            let span = m.range();
            if span.is_empty() || self.vetoed(text, &span) {
                continue;
            }
            let matched = &text[span.clone()];
            let mut vars: Vec<(&str, &str)> = vec![("match", matched)];
            if let Some(r) = self.replace.first() {
                vars.push(("replacement", r));
            }
            let message = render(&self.template, &vars);
            let mut finding = Finding::new(&self.rule, self.severity, span, message);
            for r in &self.replace {
                finding = finding.with_replacement(r.clone());
            }
            out.push(finding);
        }
    }
}

impl Checker for PatternChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        if self.plain {
            self.check_plain(text, out);
            return;
        }
        for caps in self.regex.captures_iter(text) {
            let whole = caps.get(0).expect("group 0 always matches");
            let span = match self.hit_groups.iter().find_map(|&g| caps.get(g)) {
                Some(hit) => hit.range(),
                None => whole.range(),
            };
            if span.is_empty() || self.vetoed(text, &span) {
                continue;
            }
            let replacements: Vec<String> = self
                .replace
                .iter()
                .map(|t| {
                    let mut s = String::new();
                    caps.expand(t, &mut s);
                    s
                })
                .collect();
            let matched = &text[span.clone()];
            let mut vars: Vec<(&str, &str)> = vec![("match", matched)];
            if let Some(r) = replacements.first() {
                vars.push(("replacement", r));
            }
            for name in self.regex.capture_names().flatten() {
                if let Some(m) = caps.name(name) {
                    vars.push((name, m.as_str()));
                }
            }
            let message = render(&self.template, &vars);
            let mut finding = Finding::new(&self.rule, self.severity, span, message);
            for r in replacements {
                finding = finding.with_replacement(r);
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{pack::parse_pack, SourceFile};

    fn spec(body: &str) -> RuleSpec {
        let text = format!(
            "[[rule]]\nid = \"p\"\nkind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"“{{match}}”→“{{replacement}}”\"\n{body}"
        );
        parse_pack(&SourceFile::new("p.toml", text))
            .unwrap()
            .remove(0)
    }

    fn run(spec: &RuleSpec, text: &str) -> Vec<Finding> {
        let checker = build_one(spec).unwrap();
        let mut out = Vec::new();
        checker.check_paragraph(text, &mut out);
        out
    }

    #[test]
    fn hit_group_narrows_span_and_replace_expands() {
        let s = spec(
            "pattern = '''(?P<hit>(?:XX|xx))(?P<title>局长|同志)'''\nreplace = \"某${title}\"",
        );
        let f = run(&s, "刚才,XX局长讲了");
        assert_eq!(f.len(), 1);
        assert_eq!(&"刚才,XX局长讲了"[f[0].span.clone()], "XX");
        assert_eq!(f[0].fixes[0].replacement, "某局长");
        assert_eq!(f[0].message, "“XX”→“某局长”");
    }

    #[test]
    fn vetoes_by_context() {
        let s = spec("pattern = 'XX'\nnot_after = '^[A-Za-z]'\nnot_before = '[A-Za-z]$'");
        assert_eq!(run(&s, "XXL码").len(), 0);
        assert_eq!(run(&s, "WinXX").len(), 0);
        assert_eq!(run(&s, "XX县").len(), 1);
    }

    #[test]
    fn prefilter_literals_are_ones_every_match_contains() {
        // Of the literal sets every match contains, the rarest: 局长, not X or x.
        assert_eq!(
            prefix_literals("(?P<hit>[Xx]{1,6})局长").unwrap(),
            vec!["局长".as_bytes().to_vec()]
        );
        assert_eq!(
            prefix_literals("（\\s*未完").unwrap(),
            vec!["未完".as_bytes().to_vec()]
        );
        assert_eq!(
            prefix_literals("《\\s*》").unwrap(),
            vec!["《".as_bytes().to_vec()]
        );
        // A leading class is skipped: every match contains 乙.
        assert_eq!(
            prefix_literals("[^甲]乙").unwrap(),
            vec!["乙".as_bytes().to_vec()]
        );
        assert!(prefix_literals("[^a]+").is_none());
        let lits = prefix_literals("^\\s*(?:上一篇|下一篇)\\s*[:：]|^\\s*阅读全文$").unwrap();
        for want in ["上一篇", "下一篇", "阅读全文"] {
            assert!(
                lits.iter().any(|l| l.starts_with(want.as_bytes())),
                "{want} in {lits:?}"
            );
        }
        // Anchors are zero-width: matches still start with the literal.
        assert_eq!(
            prefix_literals("(?m)^上一篇").unwrap(),
            vec!["上一篇".as_bytes().to_vec()]
        );
    }

    #[test]
    fn gated_group_finds_what_each_rule_finds_alone() {
        let specs = vec![spec("pattern = 'XX'"), {
            let mut s = spec("pattern = '[^甲]乙'");
            s.id = "q".into();
            s
        }];
        let group = build(&specs).unwrap();
        let mut out = Vec::new();
        group[0].check_paragraph("丙乙和XX", &mut out);
        let mut ids: Vec<&str> = out.iter().map(|f| &*f.rule).collect();
        ids.sort();
        assert_eq!(ids, ["p", "q"]);
    }

    #[test]
    fn invalid_regex_points_into_the_pattern() {
        let s = spec("pattern = '''ab(c'''");
        let err = build_one(&s).err().unwrap();
        assert_eq!(err.line, 7);
        assert!(err.message.contains("正则表达式无效"), "{err}");
        assert_eq!(err.column, 16, "{err}"); // the unclosed `(`
    }
}

#[cfg(test)]
mod gate_tests {
    use super::{prefix_literals, Checker};
    use crate::config::load_rules;
    use crate::ProjectConfig;

    /// Every built-in pattern rule has prefix literals, so the gate skips it on
    /// paragraphs that cannot match: one ungated regex costs a full scan of
    /// every paragraph.
    #[test]
    fn every_builtin_pattern_rule_is_gated() {
        let specs = load_rules(&ProjectConfig::default()).unwrap();
        let ungated: Vec<String> = specs
            .iter()
            .filter(|s| s.kind == "pattern")
            .filter(|s| prefix_literals(s.pattern.as_ref().unwrap().get_ref()).is_none())
            .map(|s| s.id.to_string())
            .collect();
        assert!(ungated.is_empty(), "ungated: {ungated:?}");
    }

    /// On the corpus (every line and some of its suffixes), the gated group
    /// reports exactly what every built-in pattern rule reports run alone.
    #[test]
    fn gated_group_equals_every_rule_alone_on_the_corpus() {
        let specs: Vec<_> = load_rules(&ProjectConfig::default())
            .unwrap()
            .into_iter()
            .filter(|s| s.kind == "pattern")
            .collect();
        let group = super::build(&specs).unwrap();
        let alone: Vec<_> = specs.iter().map(|s| super::build_one(s).unwrap()).collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let key = |f: &crate::finding::Finding| format!("{} {:?} {}", f.rule, f.span, f.message);
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                for (i, _) in line.char_indices().step_by(11) {
                    let t = &line[i..];
                    let mut gated = Vec::new();
                    group[0].check_paragraph(t, &mut gated);
                    let mut each = Vec::new();
                    for rule in &alone {
                        rule.check_paragraph(t, &mut each);
                    }
                    let mut gated: Vec<_> = gated.iter().map(key).collect();
                    let mut each: Vec<_> = each.iter().map(key).collect();
                    gated.sort();
                    each.sort();
                    assert_eq!(gated, each, "{t}");
                }
            }
        }
    }
}
