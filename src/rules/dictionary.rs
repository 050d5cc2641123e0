//! `kind = "dictionary"`: lists of wrong → right forms. All dictionary rules share
//! one leftmost-longest Aho–Corasick automaton, so adding packs does not add passes
//! over the text.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use super::Checker;
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};

struct Target {
    rule: Arc<str>,
    severity: Severity,
    template: Arc<str>,
    right: Vec<String>,
}

pub struct DictionaryChecker {
    automaton: AhoCorasick,
    targets: Vec<Target>,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut errors = Vec::new();
    // Later rules override earlier ones for the same wrong form, so a project pack
    // can redefine a built-in entry.
    let mut by_wrong: std::collections::HashMap<&str, usize> = Default::default();
    let mut patterns: Vec<&str> = Vec::new();
    let mut targets = Vec::new();
    for spec in specs {
        if let Err(e) = spec.expect_params(&[]) {
            errors.push(e);
        }
        if spec.entries.is_empty() {
            errors.push(spec.error(
                spec.span.clone(),
                format!("词典规则 `{}` 没有词条（[rule.entries]）", spec.id),
            ));
        }
        if spec.pattern.is_some() {
            errors.push(spec.error(spec.span.clone(), "词典规则不使用 `pattern`".to_owned()));
        }
        let template: Arc<str> = Arc::from(spec.message.as_str());
        for entry in &spec.entries {
            let target = Target {
                rule: spec.id.clone(),
                severity: spec.severity,
                template: template.clone(),
                right: entry.right.clone(),
            };
            match by_wrong.get(entry.wrong.as_str()) {
                Some(&i) => targets[i] = target,
                None => {
                    by_wrong.insert(&entry.wrong, targets.len());
                    patterns.push(&entry.wrong);
                    targets.push(target);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    // A full DFA: a few MB for thousands of entries, but one table lookup per byte,
    // which is what makes the curated list nearly free to scan.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .prefilter(false)
        .build(&patterns)
        .map_err(|e| vec![specs[0].error(specs[0].span.clone(), format!("无法构建词典：{e}"))])?;
    Ok(vec![Box::new(DictionaryChecker { automaton, targets })])
}

impl Checker for DictionaryChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        for m in self.automaton.find_iter(text) {
            let target = &self.targets[m.pattern().as_usize()];
            let matched = &text[m.range()];
            let message = render(
                &target.template,
                &[("match", matched), ("replacement", &target.right[0])],
            );
            let mut finding = Finding::new(&target.rule, target.severity, m.range(), message);
            for right in &target.right {
                finding = finding.with_replacement(right.clone());
            }
            out.push(finding);
        }
    }
}
