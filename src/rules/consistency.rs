//! `kind = "consistency"`: one word written two ways in the same document.
//!
//! `params.groups` lists interchangeable forms, preferred form first. When a
//! document uses more than one form of a group, every occurrence of the forms
//! other than the most frequent one is reported, with a fix to the most frequent
//! form (a tie goes to the preferred form). A document that sticks to one form is
//! left alone: choosing between acceptable forms is the writer's call, mixing them
//! is a slip. Document-level: one Aho–Corasick pass per paragraph, whose hits
//! the language server keeps per paragraph, reusing the findings after typing
//! where no form occurs.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use super::memo::{ParaMemo, Relevance, Unaffected};
use super::{Checker, DocView};
use crate::config::{ConfigError, RuleSpec};
use crate::finding::{render, Finding, Severity};

/// One paragraph's hits: pattern, and start and end in the paragraph.
type Hits = Arc<[(u32, u32, u32)]>;

pub struct ConsistencyChecker {
    rule: Arc<str>,
    severity: Severity,
    template: String,
    automaton: AhoCorasick,
    /// For each pattern: its group and its rank within the group.
    forms: Vec<(usize, usize)>,
    groups: Vec<Vec<String>>,
    memo: ParaMemo<Hits>,
    unaffected: Unaffected,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    super::build_each(specs, build_one)
}

fn build_one(spec: &RuleSpec) -> Result<ConsistencyChecker, ConfigError> {
    spec.expect_params(&["groups"])?;
    let groups: Vec<Vec<String>> = spec
        .param("groups")?
        .ok_or_else(|| spec.params_error(format!("规则 `{}` 缺少参数 `groups`", spec.id)))?;
    let mut patterns: Vec<&str> = Vec::new();
    let mut forms = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        if group.len() < 2 || group.iter().any(String::is_empty) {
            return Err(spec.params_error(format!("`groups` 第 {} 组应有至少两种非空写法", g + 1)));
        }
        if let Some(form) = group.iter().find(|f| f.contains(['\n', '\r'])) {
            return Err(spec.params_error(format!("写法“{}”不应包含换行", form.escape_debug())));
        }
        for (r, form) in group.iter().enumerate() {
            if patterns.contains(&form.as_str()) {
                return Err(spec.params_error(format!("写法“{form}”在 `groups` 中出现了两次")));
            }
            patterns.push(form);
            forms.push((g, r));
        }
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .map_err(|e| spec.params_error(format!("无法构建词表：{e}")))?;
    Ok(ConsistencyChecker {
        rule: spec.id.clone(),
        severity: spec.severity,
        template: spec.message.clone(),
        automaton,
        forms,
        groups,
        memo: ParaMemo::default(),
        unaffected: Unaffected::default(),
    })
}

impl Checker for ConsistencyChecker {
    fn check_document(&self, doc: &DocView<'_>, out: &mut Vec<Finding>) {
        // Forms are words: a paragraph's hits are those of the whole text
        // inside it (a form with a line break in it is rejected when built).
        let per_para = self.memo.map(doc, |text| {
            self.automaton
                .find_iter(text)
                .map(|m| (m.pattern().as_u32(), m.start() as u32, m.end() as u32))
                .collect()
        });
        self.unaffected.check(
            doc,
            |i| Relevance::inert_if(per_para[i].is_empty()),
            |out| self.report(doc, &per_para, out),
            out,
        );
    }
}

impl ConsistencyChecker {
    fn report(&self, doc: &DocView<'_>, per_para: &[Hits], out: &mut Vec<Finding>) {
        let hits: Vec<(usize, std::ops::Range<usize>)> = doc
            .paragraphs
            .iter()
            .zip(per_para)
            .flat_map(|(p, hits)| {
                hits.iter().map(|&(pattern, a, b)| {
                    (pattern as usize, p.start + a as usize..p.start + b as usize)
                })
            })
            .collect();
        let mut counts = vec![0usize; self.forms.len()];
        for (p, _) in &hits {
            counts[*p] += 1;
        }
        // Per group, the winning pattern: most used, then preferred (lower rank).
        let mut winner: Vec<Option<usize>> = vec![None; self.groups.len()];
        let mut used = vec![0usize; self.groups.len()];
        for (p, &(g, r)) in self.forms.iter().enumerate() {
            if counts[p] == 0 {
                continue;
            }
            used[g] += 1;
            let better = match winner[g] {
                None => true,
                Some(w) => counts[p] > counts[w] || (counts[p] == counts[w] && r < self.forms[w].1),
            };
            if better {
                winner[g] = Some(p);
            }
        }
        for (p, range) in hits {
            let g = self.forms[p].0;
            let Some(w) = winner[g] else { continue };
            if used[g] < 2 || w == p {
                continue;
            }
            let (g_word, w_word) = (&doc.text[range.clone()], &self.groups[g][self.forms[w].1]);
            let message = render(
                &self.template,
                &[
                    ("match", g_word),
                    ("replacement", w_word),
                    ("count", &counts[w].to_string()),
                ],
            );
            out.push(
                Finding::new(&self.rule, self.severity, range, message)
                    .with_replacement(w_word.clone()),
            );
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

    fn check(groups: &str, text: &str) -> Result<Vec<Finding>, String> {
        let pack = format!("[[rule]]\nid = \"variants.mixed\"\nkind = \"consistency\"\nseverity = \"info\"\nsummary = \"s\"\nmessage = \"{{match}}→{{replacement}}（{{count}}）\"\n[rule.params]\ngroups = {groups}\n");
        let specs = parse_pack(&SourceFile::new("t.toml", pack)).map_err(|e| format!("{e:?}"))?;
        Ok(RuleSet::from_specs(specs, &[])
            .map_err(|e| format!("{e:?}"))?
            .check(text, DocKind::Plain))
    }

    #[test]
    fn reports_the_minority_form() {
        let text = "叫作甲。\n叫做乙。\n也叫作丙。";
        let f = check(r#"[["叫作", "叫做"]]"#, text).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].span.clone()], "叫做");
        assert_eq!(f[0].message, "叫做→叫作（2）");
        assert_eq!(f[0].fixes[0].replacement, "叫作");
    }

    #[test]
    fn majority_wins_even_over_the_preferred_form_and_ties_go_to_it() {
        let f = check(r#"[["叫作", "叫做"]]"#, "叫做甲，叫做乙，叫作丙").unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].fixes[0].replacement, "叫做");
        let f = check(r#"[["叫作", "叫做"]]"#, "叫做甲，叫作丙").unwrap();
        assert_eq!(f[0].fixes[0].replacement, "叫作");
    }

    #[test]
    fn one_form_throughout_is_fine() {
        assert!(check(r#"[["叫作", "叫做"]]"#, "叫做甲，叫做乙")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn rejects_bad_groups() {
        assert!(check(r#"[["叫作"]]"#, "").is_err());
        assert!(check(r#"[["叫作", "叫做"], ["叫做", "称作"]]"#, "").is_err());
        assert!(check(r#"[["叫作", "叫\n做"]]"#, "").is_err());
    }
}
