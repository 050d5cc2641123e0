//! `kind = "outline"`: numbering of headings and enumerations, on the tree that
//! [`crate::outline`] builds. One checker serves every enabled `outline.*` rule;
//! each rule picks its check by `params.check` or, by default, by the last part
//! of its id (`outline.skip` → `skip`).
//!
//! Marker forms (`form`, `bracket`) depend on one paragraph and run per
//! paragraph; everything about sequences and nesting runs per document.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use super::memo::{Relevance, Segment};
use super::{Checker, DocView};
use crate::config::{ConfigError, RuleSpec};
use crate::document::Paragraph;
use crate::finding::{render, Finding, Related, Severity};
use crate::outline::{
    inline_enumerations_after, parse_marker, Form, Heading, Marker, Outline, ParagraphMarkers,
    Shape, Style,
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
    /// `params.arabic_dunhao = true`: accept 1、 as a level-3 marker (many
    /// offices write it).
    accept_arabic_dunhao: bool,
    /// Per-paragraph markers, kept between edits in the language server.
    memo: super::memo::ParaMemo<std::sync::Arc<crate::outline::ParagraphMarkers>>,
    /// The last findings, reused after typing in body text or in a heading's
    /// title.
    unaffected: super::memo::Unaffected,
    /// The last findings of each piece of a compilation, reused for the
    /// pieces an edit left as they were.
    pieces: super::memo::Segmented,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let checker = build_checker(specs)?;
    Ok(checker
        .into_iter()
        .map(|c| Box::new(c) as Box<dyn Checker>)
        .collect())
}

/// The one checker serving `specs`, if any of them is enabled.
fn build_checker(specs: &[RuleSpec]) -> Result<Option<OutlineChecker>, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut rules = HashMap::default();
    let mut accept_arabic_dunhao = false;
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
            &["check", "arabic_dunhao"]
        } else {
            &["check"]
        };
        if let Err(e) = spec.expect_params(known) {
            errors.push(e);
            continue;
        }
        if check == Check::Form {
            match spec.param::<bool>("arabic_dunhao") {
                Ok(v) => accept_arabic_dunhao = v.unwrap_or(false),
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
        return Ok(None);
    }
    Ok(Some(OutlineChecker {
        rules,
        accept_arabic_dunhao,
        memo: Default::default(),
        unaffected: Default::default(),
        pieces: Default::default(),
    }))
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
                if m.arabic_dunhao && self.accept_arabic_dunhao {
                    return;
                }
                let vars = [("marker", written), ("standard", &*m.standard)];
                if let Some(f) = self.finding(Check::Form, m.span.clone(), &vars) {
                    out.push(f.with_replacement(m.standard.to_string()));
                }
            }
            Form::Unclosed => {
                let vars = [("marker", written), ("standard", &*m.standard)];
                if let Some(f) = self.finding(Check::Bracket, m.span.clone(), &vars) {
                    out.push(f.with_replacement(m.standard.to_string()));
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
        let lead = parse_marker(text);
        if let Some(m) = &lead {
            self.check_form(text, m, out);
        }
        for m in inline_enumerations_after(text, lead.as_ref()) {
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
        let summaries = self.memo.map(doc, |t| {
            std::sync::Arc::new(crate::outline::paragraph_markers(t))
        });
        // Body text (no marker, not blank) only separates headings: the
        // checks read headings, their paragraphs, and whether the paragraphs
        // between are blank. A blank line followed by body text neither ends a
        // section (trailing blank lines do) nor decides whether a section
        // has content or which paragraph follows a heading: the body text
        // after it does.
        let relevance = |i: usize| {
            let s = &summaries[i];
            if s.is_body_text() {
                Relevance::Inert
            } else if s.is_blank_line() {
                Relevance::InertBeforeInert
            } else {
                Relevance::Relevant
            }
        };
        // Typing in a heading's title, or in a paragraph with inline
        // enumerations away from their markers, leaves the outline as it was
        // (moved); the summary the edit replaced says where.
        let moved = |i: usize, old_key: u64, delta: i64| {
            summaries.replaced(old_key)?.moved_to(&summaries[i], delta)
        };
        self.unaffected.check_moving(
            doc,
            relevance,
            moved,
            |out| {
                let segments = pieces(doc, &summaries);
                let check = |piece: &Segment<Piece>, out: &mut Vec<Finding>| {
                    self.check_outline(doc, piece, &summaries, out)
                };
                self.pieces.check(doc, &segments, check, out);
                self.check_piece_numbers(doc, &summaries, out);
            },
            out,
        );
    }
}

/// A piece of a compilation, checked alone: the paragraphs from a title, a
/// salutation, web navigation or a 第一篇 marker to the next, and the context
/// that its outline depends on.
struct Piece {
    /// The last 第一篇 marker before a piece that starts otherwise: its
    /// headings nest under that marker.
    under: Option<usize>,
    /// The 第一篇 marker right after the piece, which ends its last sections.
    next: Option<usize>,
}

/// The document in [`Piece`]s. The outline starts afresh at each, except for
/// the numbering of the 第一篇 markers themselves, which
/// [`OutlineChecker::check_piece_numbers`] checks, and what the segments'
/// context says: whether the piece sits under a 第一篇 marker (its headings are
/// one level deeper), and the marker that follows it (the next heading after
/// its last section).
fn pieces(doc: &DocView<'_>, summaries: &[Arc<ParagraphMarkers>]) -> Vec<Segment<Piece>> {
    let n = summaries.len();
    let starts = |i: usize| summaries[i].starts_piece() || summaries[i].marks_piece();
    let mut segments = Vec::new();
    let mut last_marker = None;
    let mut from = 0;
    while from < n {
        let to = (from + 1..n).find(|&i| starts(i)).unwrap_or(n);
        let under = if summaries[from].marks_piece() {
            None
        } else {
            last_marker
        };
        let next = (to < n && summaries[to].marks_piece()).then_some(to);
        let mut h = rustc_hash::FxHasher::default();
        std::hash::Hasher::write_u8(&mut h, under.is_some() as u8);
        if let Some(next) = next {
            let after = doc.paragraphs[next].start - doc.paragraphs[from].start;
            std::hash::Hasher::write_u64(&mut h, doc.key(next));
            std::hash::Hasher::write_usize(&mut h, after);
        }
        segments.push(Segment {
            paragraphs: from..to,
            context: std::hash::Hasher::finish(&h),
            data: Piece { under, next },
        });
        if summaries[from].marks_piece() {
            last_marker = Some(from);
        }
        from = to;
    }
    segments
}

impl OutlineChecker {
    /// The structural findings of one piece of `doc`, but for the numbering
    /// of 第一篇 markers (which runs across pieces).
    fn check_outline(
        &self,
        doc: &DocView<'_>,
        piece: &Segment<Piece>,
        summaries: &[Arc<ParagraphMarkers>],
        out: &mut Vec<Finding>,
    ) {
        let range = piece.paragraphs.clone();
        let whole = range.start == 0 && range.end == summaries.len();
        // The outline counts paragraphs from the first it is given.
        let mut rebased: Vec<Paragraph<'_>> = Vec::new();
        let mut kept: Vec<Arc<ParagraphMarkers>> = Vec::new();
        let (paragraphs, summaries) = if whole {
            (doc.paragraphs, summaries)
        } else {
            let context = piece.data.under.into_iter();
            let all = context.chain(range).chain(piece.data.next);
            for (index, i) in all.enumerate() {
                rebased.push(Paragraph {
                    index,
                    ..doc.paragraphs[i]
                });
                kept.push(summaries[i].clone());
            }
            (&rebased[..], &kept[..])
        };
        let others = |style| style != Style::Piece;
        self.check_built(doc.text, paragraphs, summaries, others, true, out);
    }

    /// Builds the outline of `paragraphs` of `text` (summarised as
    /// `summaries`, indices counted from the first) and appends the findings
    /// of the lists whose style `lists` accepts, and of empty sections when
    /// `sections` is set.
    fn check_built(
        &self,
        text: &str,
        paragraphs: &[Paragraph<'_>],
        summaries: &[Arc<ParagraphMarkers>],
        lists: impl Fn(Style) -> bool,
        sections: bool,
        out: &mut Vec<Finding>,
    ) {
        let doc = DocView {
            text,
            paragraphs,
            keys: None,
        };
        let outline = crate::outline::build_outline_from(paragraphs, summaries);
        let cx = Cx {
            checker: self,
            doc: &doc,
            outline: &outline,
            summaries,
        };
        for (list, l) in outline.lists.iter().enumerate() {
            if lists(l.style) {
                cx.check_list(list, out);
            }
        }
        if sections {
            cx.check_empty_sections(out);
        }
    }

    /// The numbering of the 第一篇 markers of `doc`: one list across the
    /// whole document, which nothing else in it affects.
    fn check_piece_numbers(
        &self,
        doc: &DocView<'_>,
        summaries: &[Arc<ParagraphMarkers>],
        out: &mut Vec<Finding>,
    ) {
        let (paragraphs, summaries): (Vec<Paragraph<'_>>, Vec<Arc<ParagraphMarkers>>) = doc
            .paragraphs
            .iter()
            .zip(summaries)
            .filter(|(_, s)| s.marks_piece())
            .enumerate()
            .map(|(index, (p, s))| (Paragraph { index, ..*p }, s.clone()))
            .unzip();
        if !paragraphs.is_empty() {
            self.check_built(doc.text, &paragraphs, &summaries, |_| true, false, out);
        }
    }
}

struct Cx<'a> {
    checker: &'a OutlineChecker,
    doc: &'a DocView<'a>,
    outline: &'a Outline,
    /// Each paragraph's summary, the outline's source: the checks read the
    /// text only where they report, since reading every heading's text is a
    /// cache miss each in a large document.
    summaries: &'a [Arc<ParagraphMarkers>],
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
            if h.marker.style != style {
                let standard = style.format(v);
                let previous = items[..pos]
                    .iter()
                    .rev()
                    .find(|p| p.marker.style == style)
                    .map_or("", |p| self.written(p));
                let vars = [
                    ("marker", self.written(h)),
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
                    let vars = [("marker", self.written(h)), ("expected", exp.as_str())];
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
                    ("marker", self.written(h)),
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
                    let vars = [("marker", self.written(h)), ("expected", exp.as_str())];
                    if let Some(f) = self.checker.finding(Check::Order, h.span(), &vars) {
                        out.push(f);
                    }
                    order_reported = true;
                } else {
                    let vars = [("marker", self.written(h)), ("expected", exp.as_str())];
                    if let Some(f) = self.checker.finding(Check::Skip, h.span(), &vars) {
                        let (span, numeral) = self.renumber(h, expected);
                        out.push(f.with_fix(span, numeral));
                    }
                    expected = v + 1;
                }
            } else if !order_reported {
                let prev = self.written(items[pos - 1]);
                let vars = [("marker", self.written(h)), ("expected", prev)];
                if let Some(f) = self.checker.finding(Check::Order, h.span(), &vars) {
                    out.push(f);
                }
                order_reported = true;
            }
            seen.push((v, pos));
        }

        // 有一无二: a list of one item. Chapter-like styles, footnote-like ① and
        // inline lists are left alone (a regulation may have one chapter; prose
        // says 一是 loosely).
        if items.len() == 1
            && list.restart_of.is_none()
            && !style.continuous()
            && !matches!(style, Style::Piece | Style::Circled)
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
        let mut at_paragraph: HashMap<usize, usize> = HashMap::default();
        for (i, h) in heads.iter().enumerate() {
            if !h.inline {
                at_paragraph.entry(h.paragraph).or_insert(i);
            }
        }
        let blank = |p: usize| self.summaries[p].is_whitespace();
        let has_content = |h: &Heading| {
            h.marker.shape == Shape::Lead
                || !h.children.is_empty()
                || (h.paragraph + 1..h.section.end).any(|p| !blank(p))
        };
        for h in heads.iter() {
            if h.inline || h.marker.shape != Shape::Bare || !h.children.is_empty() {
                continue;
            }
            if !h.marker.style.numbered() || h.marker.style == Style::Piece {
                continue;
            }
            let Some(next_para) = (h.paragraph + 1..paras.len()).find(|&p| !blank(p)) else {
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
            // 附件：1.清单 / 2.汇总表 lists titles, not sections.
            let first = &heads[list.items[0]];
            if self.summaries[first.paragraph].opens_attachments() {
                continue;
            }
            let others_have_content = list
                .items
                .iter()
                .map(|&i| &heads[i])
                .any(|o| !std::ptr::eq(o, h) && has_content(o));
            if !others_have_content {
                continue;
            }
            let vars = [("marker", self.written(h)), ("next", self.written(g))];
            if let Some(f) = self.checker.finding(Check::EmptySection, h.span(), &vars) {
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{load_rules, RuleSpec};
    use crate::engine::RuleSet;
    use crate::finding::Finding;
    use crate::rules::DocView;
    use crate::{DocKind, ProjectConfig};

    fn specs() -> Vec<RuleSpec> {
        load_rules(&ProjectConfig::default())
            .expect("built-in packs load")
            .into_iter()
            .filter(|s| s.id.starts_with("outline."))
            .collect()
    }

    fn run(rules: &RuleSet, text: &str) -> Vec<(String, String, usize, Vec<String>)> {
        rules
            .check(text, DocKind::Plain)
            .into_iter()
            .map(|f| {
                let line = text[..f.span.start].matches('\n').count();
                let fixes = f
                    .fixes
                    .iter()
                    .map(|x| format!("{}→{}", &text[x.span.clone()], x.replacement))
                    .collect();
                (f.rule.to_string(), text[f.span].to_owned(), line, fixes)
            })
            .collect()
    }

    /// Every outline finding.
    fn check_all(text: &str) -> Vec<(String, String, usize, Vec<String>)> {
        let rules = RuleSet::from_specs(specs(), &[]).expect("outline rules build");
        run(&rules, text)
    }

    /// Outline findings but `outline.lone`, which every one-item snippet triggers.
    fn check(text: &str) -> Vec<(String, String, usize, Vec<String>)> {
        let mut found = check_all(text);
        found.retain(|f| f.0 != "outline.lone");
        found
    }

    /// (rule, marker, line) only.
    fn brief(text: &str) -> Vec<(String, String, usize)> {
        check(text)
            .into_iter()
            .map(|(r, m, l, _)| (r, m, l))
            .collect()
    }

    fn one(rule: &str, marker: &str, line: usize) -> Vec<(String, String, usize)> {
        vec![(rule.to_owned(), marker.to_owned(), line)]
    }

    #[test]
    fn skipped_numbers_in_every_style() {
        let cases = [
            ("一、总体要求\n二、主要任务\n四、保障措施", "四、", "四→三"),
            (
                "（一）加强领导。\n（二）明确责任。\n（四）强化督导。",
                "（四）",
                "四→三",
            ),
            ("1.加强领导。\n2.明确责任。\n4.强化督导。", "4.", "4→3"),
            (
                "（1）加强领导。\n（2）明确责任。\n（4）强化督导。",
                "（4）",
                "4→3",
            ),
            ("①加强领导。\n②明确责任。\n④强化督导。", "④", "④→③"),
            (
                "第一，加强领导。\n第二，明确责任。\n第四，强化督导。",
                "第四，",
                "四→三",
            ),
            (
                "一是加强领导。\n二是明确责任。\n四是强化督导。",
                "四是",
                "四→三",
            ),
            (
                "一要加强领导。\n二要明确责任。\n四要强化督导。",
                "四要",
                "四→三",
            ),
            (
                "主要做法：一是加强领导；二是明确责任；四是强化督导。",
                "四是",
                "四→三",
            ),
            ("第一章 总则\n第二章 职责\n第四章 附则", "第四章", "四→三"),
        ];
        for (text, marker, fix) in cases {
            let found = check(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            let (rule, m, line, fixes) = &found[0];
            assert_eq!(
                (rule.as_str(), m.as_str()),
                ("outline.skip", marker),
                "{text}"
            );
            assert_eq!(
                *line,
                text[..text.find(marker).unwrap()].matches('\n').count()
            );
            assert_eq!(fixes, &vec![fix.to_owned()], "{text}");
        }
    }

    #[test]
    fn a_skip_is_reported_once_not_for_every_following_item() {
        assert_eq!(
            brief("一、总体要求\n二、主要任务\n四、保障措施\n五、附则"),
            one("outline.skip", "四、", 2)
        );
    }

    #[test]
    fn repeated_numbers() {
        let found = check("一、总体要求\n二、主要任务\n二、保障措施");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "outline.repeat");
        assert_eq!(found[0].2, 2);
        assert_eq!(found[0].3, vec!["二→三".to_owned()]);
        // The next number confirms what the repeated one should be.
        let found = check("1.加强领导。\n2.明确责任。\n2.强化督导。\n4.营造氛围。");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0.as_str(), found[0].2), ("outline.repeat", 2));
        assert_eq!(found[0].3, vec!["2→3".to_owned()]);
        // …or leaves it open: no fix.
        let found = check("1.加强领导。\n2.明确责任。\n2.强化督导。\n3.营造氛围。");
        assert_eq!(
            (found[0].0.as_str(), found[0].3.len()),
            ("outline.repeat", 0)
        );
    }

    #[test]
    fn a_repeated_first_enumeration_item_that_is_a_typo() {
        // 一是 … 一是 … 三是: the second 一是 should be 二是.
        let found = check("一是加强领导。\n一是明确责任。\n三是强化督导。");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0.as_str(), found[0].2), ("outline.repeat", 1));
        assert_eq!(found[0].3, vec!["一→二".to_owned()]);
    }

    #[test]
    fn lists_that_start_past_their_first_item() {
        assert_eq!(
            brief("二、加强宣传，拓宽载体\n三、对照目标，突出重点"),
            one("outline.start", "二、", 0)
        );
        assert_eq!(
            brief("一、总体要求\n（二）明确责任。\n（三）强化督导。"),
            one("outline.start", "（二）", 1)
        );
        // 1、 2、 then 二、 三、 with no 一、 (the speech in corpus file 000).
        let text = "在全县创建文明城市工作会上的发言材料（2）\n各位领导、同志们：\n1、加强领导，全面发动。\n2、明确责任，落实措施。\n二、加强宣传，拓宽载体\n三、对照目标，突出重点";
        let found: Vec<_> = brief(text)
            .into_iter()
            .filter(|(r, _, _)| r != "outline.form")
            .collect();
        assert_eq!(found, one("outline.start", "二、", 4));
    }

    #[test]
    fn out_of_order_numbers_are_reported_once() {
        assert_eq!(
            brief("一、总体要求\n三、保障措施\n二、主要任务"),
            one("outline.order", "三、", 1)
        );
        assert_eq!(
            brief("一、总体要求\n二、主要任务\n三、保障措施\n二、附则"),
            one("outline.repeat", "二、", 3)
        );
    }

    #[test]
    fn non_standard_forms_with_fixes() {
        let cases = [
            ("(一)领导带头抓落实", "(一)→（一）"),
            ("（一)领导带头抓落实", "（一)→（一）"),
            ("（一）、加强组织领导", "（一）、→（一）"),
            ("一.总体要求", "一.→一、"),
            ("1、加强领导。", "1、→1."),
            ("1，加强领导。", "1，→1."),
            ("1)完善机制。", "1)→（1）"),
            ("(1)完善机制。", "(1)→（1）"),
            ("一）完善机制。", "一）→（一）"),
            ("第一、做文明城市先锋。", "第一、→第一，"),
            ("第一,什么是百城建设提质工程。", "第一,→第一，"),
            (
                "主要原因：第一、认识不到位；第二、措施不得力。",
                "第一、→第一，",
            ),
        ];
        for (text, fix) in cases {
            let found = check(text);
            let forms: Vec<_> = found.iter().filter(|f| f.0 == "outline.form").collect();
            assert!(!forms.is_empty(), "{text}: {found:?}");
            assert_eq!(forms[0].3, vec![fix.to_owned()], "{text}");
        }
        for good in [
            "（一）领导带头抓落实",
            "一、总体要求",
            "1.加强领导。",
            "1．加强领导。",
            "（1）完善机制。",
            "第一，做文明城市先锋。",
            "第一章　总则",
        ] {
            assert!(check(good).is_empty(), "{good}: {:?}", check(good));
        }
    }

    #[test]
    fn arabic_dunhao_can_be_allowed_by_the_project() {
        let mut config = ProjectConfig::default();
        let mut params = toml::Table::new();
        params.insert("arabic_dunhao".into(), toml::Value::Boolean(true));
        config.params.insert("outline.form".into(), params);
        let rules = RuleSet::from_config(&config).unwrap();
        let outline_only = |text: &str| {
            let mut found = run(&rules, text);
            found.retain(|f| f.0.starts_with("outline."));
            found
        };
        assert!(outline_only("1、加强领导。\n2、明确责任。").is_empty());
        // Other forms are still reported.
        assert_eq!(outline_only("(一)领导带头抓落实")[0].0, "outline.form");
        // By default 1、 is reported.
        assert_eq!(check("1、加强领导。\n2、明确责任。").len(), 2);
    }

    #[test]
    fn bad_params_are_config_errors() {
        let mut specs = specs();
        specs[0]
            .params
            .insert("nonsense".into(), toml::Value::Integer(1));
        assert!(RuleSet::from_specs(specs, &[]).is_err());
        let mut specs = self::specs();
        for s in &mut specs {
            s.id = format!("{}.x", s.id).into();
        }
        let err = RuleSet::from_specs(specs, &[])
            .err()
            .expect("unknown check");
        assert!(err.0[0].message.contains("params.check"), "{:?}", err.0);
        // params.check names the check explicitly, whatever the id.
        let mut specs = self::specs();
        for s in &mut specs {
            let check = s.id.rsplit('.').next().unwrap().to_owned();
            s.params.insert("check".into(), toml::Value::String(check));
            s.id = format!("office.numbering.{}", s.id.replace('.', "-")).into();
        }
        let rules = RuleSet::from_specs(specs, &[]).unwrap();
        assert_eq!(
            run(&rules, "一、总体要求\n二、主要任务\n四、保障措施")[0].0,
            "office.numbering.outline-skip"
        );
    }

    #[test]
    fn unclosed_brackets() {
        let found = check("（一）加强领导。\n（二紧盯卫生秩序，开展集中整治。");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "outline.bracket");
        assert_eq!(found[0].3, vec!["（二→（二）".to_owned()]);
        assert!(check("（一般为3个工作日）内办结。").is_empty());
        assert!(check("（一）加强领导。\n（二）紧盯卫生秩序。").is_empty());
    }

    #[test]
    fn siblings_in_mixed_styles() {
        let found = check("（一）加强领导。\n（二）明确责任。\n3、强化督导。");
        let mixed: Vec<_> = found.iter().filter(|f| f.0 == "outline.mixed").collect();
        assert_eq!(mixed.len(), 1, "{found:?}");
        assert_eq!((mixed[0].1.as_str(), mixed[0].2), ("3、", 2));
        assert_eq!(mixed[0].3, vec!["3、→（三）".to_owned()]);
        // The list goes on from the mis-styled item: （四） is not a skip.
        let found = brief("（一）加强领导。\n（二）明确责任。\n(三)强化督导。\n（四）营造氛围。");
        assert_eq!(found, one("outline.form", "(三)", 2));
        let found = brief("一要明确目标。\n二要找准差距。\n三是把握节点。");
        assert_eq!(found, one("outline.mixed", "三是", 2));
        // A sub-list under （二） numbered on from the one under （一） is not mixed.
        let text = "（一）加强领导。\n1.健全机构。\n2.完善机制。\n（二）明确责任。\n3.压实责任。\n4.强化考核。";
        assert!(check(text).is_empty(), "{:?}", check(text));
    }

    #[test]
    fn inverted_hierarchy() {
        let text = "一、总体要求\n1.工作目标\n（一）近期目标\n（二）远期目标\n2.基本原则";
        assert_eq!(brief(text), one("outline.hierarchy", "（一）", 2));
        let text = "（一）工作目标\n一、近期目标\n二、远期目标\n（二）基本原则";
        assert_eq!(brief(text), one("outline.hierarchy", "一、", 1));
        // Skipping a level is not an inversion.
        assert!(check("一、总体要求\n1.工作目标\n2.基本原则\n二、主要任务").is_empty());
        // A lower list closed by a higher heading is not an inversion either.
        assert!(
            check("一、总体要求\n1.工作目标\n2.基本原则\n（一）近期目标\n（二）远期目标")
                .is_empty()
        );
    }

    #[test]
    fn restarting_enumerations() {
        let text = "一要在基础设施建设上下功夫。\n二要提升城市管理水平。\n一要抓好市容整治。\n二要抓好违建整治。\n三要抓好交通整治。\n四要抓好工地整治。\n三要在环境治理上下功夫。";
        assert_eq!(brief(text), one("outline.restart", "一要", 2));
        // Separate lists, each under its own (unnumbered) heading, are fine.
        let text =
            "加强领导\n一要健全机构。\n二要压实责任。\n强化保障\n一要落实经费。\n二要配齐人员。";
        assert!(check(text).is_empty(), "{:?}", check(text));
        let text = "一、加强领导\n一要健全机构。\n二要压实责任。\n二、强化保障\n一要落实经费。\n二要配齐人员。";
        assert!(check(text).is_empty());
        // A sub-enumeration inside one item's paragraph is not reported.
        let text = "一是抓整治。主要有：一是拆违，二是治乱。\n二是抓宣传。\n三是抓考核。";
        assert!(check(text).is_empty(), "{:?}", check(text));
    }

    #[test]
    fn empty_sections() {
        let text = "一、提高站位，切实增强责任感\n\n二、突出重点，全力以赴争创示范县\n\n对这项工作，各部门要迅速行动起来。\n三、凝聚合力\n各部门要加强领导。";
        assert_eq!(brief(text), one("outline.empty-section", "一、", 0));
        // A heading followed by its sub-headings is not empty; an outline of
        // bare headings (a table of contents) is not reported.
        assert!(check(
            "一、总体要求\n（一）指导思想\n正文。\n（二）基本原则\n正文。\n二、主要任务\n正文。"
        )
        .is_empty());
        assert!(check("一、总体要求\n二、主要任务\n三、保障措施").is_empty());
        // One-line items that are sentences are statements, not empty headings.
        assert!(check("1.加强领导。\n2.明确责任。我局成立了领导小组。").is_empty());
    }

    #[test]
    fn lone_items() {
        let text = "下一步，我们将重点做好以下工作。\n一是思想认识再提高。创建文明城市是试金石。\n我的发言完毕，谢谢大家！";
        let lone = |text: &str| -> Vec<(String, String, usize)> {
            check_all(text)
                .into_iter()
                .filter(|f| f.0 == "outline.lone")
                .map(|(r, m, l, _)| (r, m, l))
                .collect()
        };
        assert_eq!(lone(text), one("outline.lone", "一是", 1));
        assert_eq!(
            lone("一、总体要求\n（一）指导思想\n正文。\n二、主要任务"),
            one("outline.lone", "（一）", 1)
        );
        assert!(lone("主要问题：一是基础设施薄弱。").is_empty());
        assert!(lone("第一章 总则\n第一条 为了规范管理，制定本办法。").is_empty());
        assert!(lone("正文。①\n①参见《条例》第三条。").is_empty());
    }

    #[test]
    fn traps_stay_silent() {
        let text = "2024年，我县被确定为提名县。\n1、2、3项任务已经完成。\n第一时间启动应急响应。\n我们要一是一、二是二，实事求是。\n一方面的原因是投入不足。\n一方面，要加大投入。\n1.5亿元用于基础设施。";
        assert!(check(text).is_empty(), "{:?}", check(text));
    }

    #[test]
    fn well_formed_documents_stay_silent() {
        let notice = "关于开展安全生产大检查的通知\n各乡镇人民政府，县直各部门：\n为切实加强安全生产工作，现将有关事项通知如下。\n一、总体要求\n（一）指导思想。坚持人民至上、生命至上。\n（二）工作目标。全面排查整治各类隐患。\n1.排查重点行业领域。\n2.整治突出问题。\n（1）建立问题清单。\n（2）实行销号管理。\n3.健全长效机制。\n二、检查内容\n（一）企业主体责任落实情况。\n（二）部门监管责任落实情况。\n三、工作安排\n（一）自查自纠阶段（5月1日至5月31日）。\n（二）集中检查阶段（6月1日至6月30日）。\n四、有关要求\n各单位要高度重视。\n\n附件：1.检查表\n2.汇总表";
        assert!(check_all(notice).is_empty(), "{:?}", check_all(notice));
        let regulation = "第一章　总则\n第一条　为了规范管理，制定本办法。\n第二条　本办法适用于全市。\n第二章　职责分工\n第三条　市政府负责统筹协调。\n第四条　有关部门应当履行下列职责：\n（一）制定工作计划；\n（二）组织检查；\n（三）督促整改。\n第三章　附则\n第五条　本办法自发布之日起施行。";
        assert!(
            check_all(regulation).is_empty(),
            "{:?}",
            check_all(regulation)
        );
        let speech = "在全县文明城市创建推进会上的讲话\n同志们：\n今天召开会议，主要任务是部署工作。下面，我讲三点意见。\n一、提高站位，增强创建紧迫感\n近年来，我县创建工作取得明显成效。一是责任压得实；二是推进有力度；三是工作有特色。\n二、突出重点，全力攻坚\n一要抓好市容整治。第一时间处置问题。\n二要抓好交通秩序。\n三要抓好宣传引导。一方面，要加大宣传力度；另一方面，要完善考核。\n三、压实责任，确保实效\n首先，要加强领导。\n其次，要强化督查。\n最后，要营造氛围。\n同志们，任务艰巨，让我们共同努力！";
        assert!(check_all(speech).is_empty(), "{:?}", check_all(speech));
        // A list of attachments whose last title has a note under it: titles,
        // not empty sections.
        let attachments =
            "请各单位按时报送。\n附件：1.检查表\n2.汇总表\n3.整改清单\n请于6月30日前报送。";
        assert!(
            check_all(attachments).is_empty(),
            "{:?}",
            check_all(attachments)
        );
        let compilation = "第一篇：在文明城市工作会上的发言\n一、抓宣传\n正文。\n二、抓重点\n正文。\n第二篇：在审判监督工作会上的发言\n一、强化审监\n正文。\n二、强化考核\n正文。\n上一篇：在全省学校安全会议上的讲话\n下一篇：在党风廉政建设会议上的讲话";
        assert!(
            check_all(compilation).is_empty(),
            "{:?}",
            check_all(compilation)
        );
    }

    /// The findings of the outline of the whole document built at once,
    /// every list checked: what checking piece by piece must reproduce.
    fn whole_outline_findings(checker: &super::OutlineChecker, text: &str) -> Vec<String> {
        let paras = crate::document::paragraphs(text);
        let mut out = Vec::new();
        checker.check_built(text, &paras, &summaries(&paras), |_| true, true, &mut out);
        described(out)
    }

    fn summaries(
        paras: &[crate::document::Paragraph<'_>],
    ) -> Vec<std::sync::Arc<crate::outline::ParagraphMarkers>> {
        paras
            .iter()
            .map(|p| std::sync::Arc::new(crate::outline::paragraph_markers(p.text)))
            .collect()
    }

    fn described(mut findings: Vec<Finding>) -> Vec<String> {
        crate::engine::sort(&mut findings);
        findings.iter().map(|f| format!("{f:?}")).collect()
    }

    /// Paragraphs that make and break outlines: titles, salutations, web
    /// navigation, 第一篇 markers (skipped and repeated), headings of every
    /// level with gaps, bare headings, inline enumerations, attachments,
    /// blank lines and body text.
    const PIECE_PARTS: &[&str] = &[
        "在全县文明城市创建推进会上的讲话",
        "关于开展安全生产大检查的通知",
        "同志们：",
        "上一篇：在全省学校安全会议上的讲话",
        "第一篇：在文明城市工作会上的发言",
        "第二篇：在审判监督工作会上的发言",
        "第四篇：在政协工作会上的发言",
        "一、提高站位",
        "二、突出重点",
        "三、",
        "四、压实责任",
        "（一）指导思想。",
        "（二）",
        "（三）工作目标。",
        "1.排查重点。",
        "3.健全机制。",
        "（1）建立清单。",
        "一是责任压得实；二是推进有力度；四是工作有特色。",
        "一要抓好市容整治。",
        "二要抓好交通秩序。",
        "首先，要加强领导。",
        "附件：1.检查表",
        "",
        "近年来，我县创建工作取得明显成效。",
    ];

    /// A document of [`PIECE_PARTS`] (each line ending in `\n` or `\r\n`),
    /// then the same after each of a few edits replacing one of its lines.
    fn piece_documents() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
        use proptest::prelude::*;
        let line = (0..PIECE_PARTS.len(), proptest::bool::ANY);
        (
            proptest::collection::vec(line.clone(), 1..48),
            proptest::collection::vec((0..48usize, line), 0..4),
        )
            .prop_map(|(mut lines, edits)| {
                let render = |lines: &[(usize, bool)]| {
                    let mut text = String::new();
                    for &(i, crlf) in lines {
                        text.push_str(PIECE_PARTS[i]);
                        text.push_str(if crlf { "\r\n" } else { "\n" });
                    }
                    text
                };
                let mut texts = vec![render(&lines)];
                for (at, line) in edits {
                    let at = at % lines.len();
                    lines[at] = line;
                    texts.push(render(&lines));
                }
                texts
            })
    }

    /// Checks `texts` in turn with one checker, piece by piece: each piece
    /// afresh (as `gwlint check` does), and memoised, reusing the pieces it
    /// has seen (as the language server does). Either must find what the
    /// outline of each whole document finds.
    fn assert_pieces_find_what_the_whole_finds(texts: &[String]) {
        let checker = super::build_checker(&specs()).unwrap().unwrap();
        crate::rules::memo::enable();
        for text in texts {
            let paras = crate::document::paragraphs(text);
            let doc = DocView {
                text,
                paragraphs: &paras,
                keys: None,
            };
            let whole = whole_outline_findings(&checker, text);
            let summaries = summaries(&paras);
            let mut afresh = Vec::new();
            for piece in super::pieces(&doc, &summaries) {
                checker.check_outline(&doc, &piece, &summaries, &mut afresh);
            }
            checker.check_piece_numbers(&doc, &summaries, &mut afresh);
            assert_eq!(described(afresh), whole, "{text}");
            let mut memoised = Vec::new();
            super::Checker::check_document(&checker, &doc, &mut memoised);
            assert_eq!(described(memoised), whole, "{text}");
        }
    }

    #[test]
    fn a_piece_under_a_piece_marker_is_not_the_same_piece_alone() {
        // The bare heading 二、强化保障 ends where 第二篇 starts: an empty section only when
        // it is a level below 第二篇, under 第一篇.
        let alone = "在全县文明城市创建推进会上的讲话\n一、提高站位\n（一）指导思想。\n二、强化保障\n第二篇：在审判监督工作会上的发言\n";
        let under = format!("第一篇：在文明城市工作会上的发言\n{alone}");
        assert_pieces_find_what_the_whole_finds(&[alone.to_owned(), under.clone()]);
        assert!(check_all(&under)
            .iter()
            .any(|f| f.0 == "outline.empty-section"));
        assert!(!check_all(alone)
            .iter()
            .any(|f| f.0 == "outline.empty-section"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Random compilations, each edited a few times.
        #[test]
        fn pieces_checked_alone_find_what_the_whole_outline_finds(texts in piece_documents()) {
            assert_pieces_find_what_the_whole_finds(&texts);
        }
    }
}
