//! `kind = "outline"`: numbering of headings and enumerations, on the tree that
//! [`crate::outline`] builds. One checker serves every enabled `outline.*` rule;
//! each rule picks its check by `params.check` or, by default, by the last part
//! of its id (`outline.skip` → `skip`).
//!
//! Marker forms (`form`, `bracket`) depend on one paragraph and run per
//! paragraph; everything about sequences and nesting runs per document.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Checker, DocView};
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Related, Severity};
use crate::outline::{
    build_outline, inline_enumerations, parse_marker, Form, Heading, Marker, Outline, Shape, Style,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Check {
    Skip,
    Repeat,
    Start,
    Order,
    Form,
    Bracket,
    Mixed,
    Hierarchy,
    Restart,
    EmptySection,
    Lone,
}

const CHECKS: &[(&str, Check)] = &[
    ("skip", Check::Skip),
    ("repeat", Check::Repeat),
    ("start", Check::Start),
    ("order", Check::Order),
    ("form", Check::Form),
    ("bracket", Check::Bracket),
    ("mixed", Check::Mixed),
    ("hierarchy", Check::Hierarchy),
    ("restart", Check::Restart),
    ("empty-section", Check::EmptySection),
    ("lone", Check::Lone),
];

struct Rule {
    id: Arc<str>,
    severity: Severity,
    template: String,
}

pub struct OutlineChecker {
    rules: HashMap<Check, Rule>,
    /// Accept 1、 as a level-3 marker (many offices write it).
    allow_arabic_dunhao: bool,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut rules = HashMap::new();
    let mut allow_arabic_dunhao = false;
    for spec in specs {
        let name = match spec.param::<String>("check") {
            Ok(Some(name)) => name,
            Ok(None) => spec.id.rsplit('.').next().unwrap_or_default().to_owned(),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some(&(_, check)) = CHECKS.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = CHECKS.iter().map(|(n, _)| *n).collect();
            errors.push(spec.params_error(format!(
                "规则 `{}` 的检查项 `{name}` 未知：请用 params.check 指定（可用：{}）",
                spec.id,
                known.join(", ")
            )));
            continue;
        };
        let known: &[&str] = if check == Check::Form {
            &["check", "allow_arabic_dunhao"]
        } else {
            &["check"]
        };
        if let Err(e) = spec.expect_params(known) {
            errors.push(e);
            continue;
        }
        if check == Check::Form {
            match spec.param::<bool>("allow_arabic_dunhao") {
                Ok(v) => allow_arabic_dunhao = v.unwrap_or(false),
                Err(e) => errors.push(e),
            }
        }
        rules.insert(
            check,
            Rule {
                id: spec.id.clone(),
                severity: spec.severity,
                template: spec.message.clone(),
            },
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rules.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Box::new(OutlineChecker {
        rules,
        allow_arabic_dunhao,
    })])
}

impl OutlineChecker {
    fn finding(
        &self,
        check: Check,
        span: std::ops::Range<usize>,
        vars: &[(&str, &str)],
    ) -> Option<Finding> {
        let rule = self.rules.get(&check)?;
        Some(Finding::new(
            &rule.id,
            rule.severity,
            span,
            render(&rule.template, vars),
        ))
    }

    fn check_form(&self, text: &str, m: &Marker, out: &mut Vec<Finding>) {
        let written = &text[m.span.clone()];
        match m.form {
            Form::Standard => {}
            Form::NonStandard => {
                if m.arabic_dunhao && self.allow_arabic_dunhao {
                    return;
                }
                let vars = [("marker", written), ("standard", m.standard.as_str())];
                if let Some(f) = self.finding(Check::Form, m.span.clone(), &vars) {
                    out.push(f.with_replacement(m.standard.clone()));
                }
            }
            Form::Unclosed => {
                let vars = [("marker", written), ("standard", m.standard.as_str())];
                if let Some(f) = self.finding(Check::Bracket, m.span.clone(), &vars) {
                    out.push(f.with_replacement(m.standard.clone()));
                }
            }
        }
    }
}

impl Checker for OutlineChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        if !self.rules.contains_key(&Check::Form) && !self.rules.contains_key(&Check::Bracket) {
            return;
        }
        if let Some(m) = parse_marker(text) {
            self.check_form(text, &m, out);
        }
        for m in inline_enumerations(text) {
            self.check_form(text, &m, out);
        }
    }

    fn check_document(&self, doc: &DocView<'_>, out: &mut Vec<Finding>) {
        let structural = [
            Check::Skip,
            Check::Repeat,
            Check::Start,
            Check::Order,
            Check::Mixed,
            Check::Hierarchy,
            Check::Restart,
            Check::EmptySection,
            Check::Lone,
        ];
        if !structural.iter().any(|c| self.rules.contains_key(c)) {
            return;
        }
        let outline = build_outline(doc.paragraphs);
        let cx = Cx {
            checker: self,
            doc,
            outline: &outline,
        };
        for list in 0..outline.lists.len() {
            cx.check_list(list, out);
        }
        cx.check_empty_sections(out);
    }
}

struct Cx<'a> {
    checker: &'a OutlineChecker,
    doc: &'a DocView<'a>,
    outline: &'a Outline,
}

impl Cx<'_> {
    fn written(&self, h: &Heading) -> &str {
        &self.doc.text[h.span()]
    }

    fn related(&self, h: &Heading, message: String) -> Related {
        Related {
            file: None,
            span: h.span(),
            line: None,
            message,
        }
    }

    /// Replaces the number inside `h`'s marker by `value`, keeping its form.
    fn renumber(&self, h: &Heading, value: u32) -> (std::ops::Range<usize>, String) {
        let span = h.marker.number.start + h.offset..h.marker.number.end + h.offset;
        (span, h.marker.style.numeral(value))
    }

    fn check_list(&self, list_id: usize, out: &mut Vec<Finding>) {
        let list = &self.outline.lists[list_id];
        let style = list.style;
        if !style.numbered() {
            return;
        }
        let heads = &self.outline.headings;
        let items: Vec<&Heading> = list.items.iter().map(|&i| &heads[i]).collect();
        let first = items[0];

        if let Some(outer) = list.restart_of {
            let parent = list.parent.map(|p| &heads[p]);
            let outer_first = &heads[self.outline.lists[outer].items[0]];
            let parent_text = parent.map_or("", |p| self.written(p));
            let vars = [
                ("marker", self.written(first)),
                ("parent", parent_text),
                ("outer", self.written(outer_first)),
            ];
            if let Some(mut f) = self.checker.finding(Check::Restart, first.span(), &vars) {
                if let Some(p) = parent {
                    f.related
                        .push(self.related(p, format!("外层的“{}”", self.written(p))));
                }
                out.push(f);
            }
        }
        if let Some(under) = list.inverted_under {
            let u = &heads[under];
            let vars = [("marker", self.written(first)), ("parent", self.written(u))];
            if let Some(mut f) = self.checker.finding(Check::Hierarchy, first.span(), &vars) {
                f.related
                    .push(self.related(u, format!("上级序号“{}”", self.written(u))));
                out.push(f);
            }
        }

        let mut expected = list.first_expected;
        let mut seen: Vec<(u32, usize)> = Vec::new();
        let mut order_reported = false;
        for (pos, h) in items.iter().enumerate() {
            let v = h.marker.value;
            let written = self.written(h);
            if h.marker.style != style {
                let standard = style.format(v);
                let previous = items[..pos]
                    .iter()
                    .rev()
                    .find(|p| p.marker.style == style)
                    .map_or("", |p| self.written(p));
                let vars = [
                    ("marker", written),
                    ("previous", previous),
                    ("standard", standard.as_str()),
                ];
                if let Some(f) = self.checker.finding(Check::Mixed, h.span(), &vars) {
                    out.push(f.with_replacement(standard));
                }
            }
            if pos == 0 {
                if v > expected && list.restart_of.is_none() {
                    let exp = style.format(expected);
                    let vars = [("marker", written), ("expected", exp.as_str())];
                    if let Some(f) = self.checker.finding(Check::Start, h.span(), &vars) {
                        out.push(f);
                    }
                }
                expected = v + 1;
                seen.push((v, pos));
                continue;
            }
            let next = items.get(pos + 1).map(|n| n.marker.value);
            if v == expected {
                expected += 1;
            } else if let Some(&(_, at)) = seen.iter().find(|(s, _)| *s == v) {
                let previous = self.written(items[at]);
                let exp = style.format(expected);
                let vars = [
                    ("marker", written),
                    ("previous", previous),
                    ("expected", exp.as_str()),
                ];
                if let Some(mut f) = self.checker.finding(Check::Repeat, h.span(), &vars) {
                    f.related
                        .push(self.related(items[at], format!("前面的“{previous}”")));
                    // Certain only when the next item confirms the expected number.
                    if next.is_none_or(|n| n == expected + 1) {
                        let (span, numeral) = self.renumber(h, expected);
                        f = f.with_fix(span, numeral);
                    }
                    out.push(f);
                }
                if next.is_none_or(|n| n == expected + 1) {
                    expected += 1;
                }
            } else if v > expected {
                let exp = style.format(expected);
                if items[pos + 1..].iter().any(|n| n.marker.value == expected) {
                    let vars = [("marker", written), ("expected", exp.as_str())];
                    if let Some(f) = self.checker.finding(Check::Order, h.span(), &vars) {
                        out.push(f);
                    }
                    order_reported = true;
                } else {
                    let vars = [("marker", written), ("expected", exp.as_str())];
                    if let Some(f) = self.checker.finding(Check::Skip, h.span(), &vars) {
                        let (span, numeral) = self.renumber(h, expected);
                        out.push(f.with_fix(span, numeral));
                    }
                    expected = v + 1;
                }
            } else if !order_reported {
                let prev = self.written(items[pos - 1]);
                let vars = [("marker", written), ("expected", prev)];
                if let Some(f) = self.checker.finding(Check::Order, h.span(), &vars) {
                    out.push(f);
                }
                order_reported = true;
            }
            seen.push((v, pos));
        }

        // 有一无二: a list of one item. Chapter-like styles and inline lists are
        // left alone (a regulation may have one chapter; prose says 一是 loosely).
        if items.len() == 1
            && list.restart_of.is_none()
            && !style.continuous()
            && style != Style::Piece
            && !first.inline
            && first.marker.value == list.first_expected
        {
            let next = style.format(first.marker.value + 1);
            let vars = [("marker", self.written(first)), ("expected", next.as_str())];
            if let Some(f) = self.checker.finding(Check::Lone, first.span(), &vars) {
                out.push(f);
            }
        }
    }

    /// A bare heading followed directly by the next heading of its level (or a
    /// higher one), in a list whose other items do have content.
    fn check_empty_sections(&self, out: &mut Vec<Finding>) {
        if !self.checker.rules.contains_key(&Check::EmptySection) {
            return;
        }
        let heads = &self.outline.headings;
        let paras = self.doc.paragraphs;
        let mut at_paragraph: HashMap<usize, usize> = HashMap::new();
        for (i, h) in heads.iter().enumerate() {
            if !h.inline {
                at_paragraph.entry(h.paragraph).or_insert(i);
            }
        }
        let has_content = |h: &Heading| {
            h.marker.shape == Shape::Lead
                || !h.children.is_empty()
                || (h.paragraph + 1..h.section.end).any(|p| !blank(paras[p].text))
        };
        for h in heads.iter() {
            if h.inline || h.marker.shape != Shape::Bare || !h.children.is_empty() {
                continue;
            }
            if !h.marker.style.numbered() || h.marker.style == Style::Piece {
                continue;
            }
            let Some(next_para) = (h.paragraph + 1..paras.len()).find(|&p| !blank(paras[p].text))
            else {
                continue;
            };
            let Some(&g) = at_paragraph.get(&next_para) else {
                continue;
            };
            let g = &heads[g];
            let sibling = g.list == h.list;
            if !(sibling || g.depth < h.depth) {
                continue;
            }
            let list = &self.outline.lists[h.list];
            let others_have_content = list
                .items
                .iter()
                .map(|&i| &heads[i])
                .any(|o| !std::ptr::eq(o, h) && has_content(o));
            if !others_have_content {
                continue;
            }
            let vars = [("marker", self.written(h)), ("next", self.written(g))];
            if let Some(f) = self
                .checker
                .finding(Check::EmptySection, h.span(), &vars)
            {
                out.push(f);
            }
        }
    }
}

fn blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c == '\0' || c == '\u{3000}')
}
