//! Runs a rule set over a document: paragraph-local checkers per paragraph, then
//! document-level checkers, then the project's allow-list.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::config::{load_rules, ConfigErrors, ProjectConfig, RuleSpec};
use crate::document::{paragraphs, DocKind};
use crate::finding::Finding;
use crate::rules::{build_all, Checker, DocView, ParagraphInput};

/// Text per batch of paragraphs that `check` runs rule by rule: most files are
/// one batch (under cachegrind, 256 KB missed less than 16 or 64 KB), and a
/// huge file does not hold all its paragraphs decoded (~12 bytes per
/// character) at once.
const BATCH_BYTES: usize = 256 * 1024;

/// Built rules, ready to check any number of documents from any thread.
pub struct RuleSet {
    specs: Vec<RuleSpec>,
    checkers: Vec<Box<dyn Checker>>,
    allow: Option<AhoCorasick>,
    /// The project's `docs_url` template.
    docs_url: Option<String>,
}

impl RuleSet {
    /// The built-in rules with default settings.
    pub fn builtin() -> RuleSet {
        RuleSet::from_config(&ProjectConfig::default()).expect("built-in rule packs are valid")
    }

    /// Loads and builds the rules a project config selects.
    pub fn from_config(config: &ProjectConfig) -> Result<RuleSet, ConfigErrors> {
        let specs = load_rules(config)?;
        let mut rules = RuleSet::from_specs(specs, &config.allow)?;
        rules.docs_url = config.docs_url.as_ref().map(|u| u.get_ref().clone());
        Ok(rules)
    }

    /// Builds the enabled rules among `specs`; `allow` lists words never reported.
    pub fn from_specs(specs: Vec<RuleSpec>, allow: &[String]) -> Result<RuleSet, ConfigErrors> {
        let enabled: Vec<RuleSpec> = specs.iter().filter(|s| s.enabled).cloned().collect();
        let checkers = build_all(&enabled).map_err(ConfigErrors)?;
        let allow: Vec<&String> = allow.iter().filter(|w| !w.is_empty()).collect();
        let allow = if allow.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(allow)
                    .expect("allow-list words always build"),
            )
        };
        Ok(RuleSet {
            specs,
            checkers,
            allow,
            docs_url: None,
        })
    }

    /// Every rule known, enabled or not.
    pub fn rules(&self) -> &[RuleSpec] {
        &self.specs
    }

    /// The project's `docs_url` template (`{id}` stands for the rule id).
    pub fn docs_url(&self) -> Option<&str> {
        self.docs_url.as_deref()
    }

    /// The documentation link of rule `id`, when the project says where docs live.
    pub fn docs_link(&self, id: &str) -> Option<String> {
        crate::config::project::docs_link(self.docs_url.as_deref()?, id)
    }

    pub fn rule(&self, id: &str) -> Option<&RuleSpec> {
        self.specs.iter().find(|s| &*s.id == id)
    }

    /// Paragraph-local findings for one paragraph, spans relative to `text`,
    /// sorted by position. A pure function of `text`, so callers may cache it.
    pub fn check_paragraph(&self, text: &str) -> Vec<Finding> {
        self.check_paragraphs(&[text]).pop().unwrap_or_default()
    }

    /// [`RuleSet::check_paragraph`] of each of `texts`, run rule by rule over
    /// all of them (see [`RuleSet::check`]).
    pub fn check_paragraphs(&self, texts: &[&str]) -> Vec<Vec<Finding>> {
        let mut found = self.collect_paragraphs(texts);
        for findings in &mut found {
            sort(findings);
        }
        found
    }

    /// The paragraph-local findings of each of `texts`, unsorted: rule by rule
    /// over all of them, not paragraph by paragraph, so that each rule's tables
    /// (the lexicon's filters, automata, lazy DFAs) stay in the cache for the
    /// whole batch instead of evicting each other in every paragraph. Each
    /// paragraph's findings come out in the same order either way.
    fn collect_paragraphs(&self, texts: &[&str]) -> Vec<Vec<Finding>> {
        let inputs: Vec<Option<ParagraphInput<'_>>> = texts
            .iter()
            .map(|t| (!t.trim().is_empty()).then(|| ParagraphInput::new(t)))
            .collect();
        let mut found: Vec<Vec<Finding>> = vec![Vec::new(); texts.len()];
        for checker in &self.checkers {
            for (input, found) in inputs.iter().zip(&mut found) {
                if let Some(input) = input {
                    checker.check_input(input, found);
                }
            }
        }
        for (text, found) in texts.iter().zip(&mut found) {
            self.filter_allowed(text, found);
        }
        found
    }

    /// Document-level findings (absolute spans).
    pub fn check_document(&self, doc: &DocView<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for checker in &self.checkers {
            checker.check_document(doc, &mut out);
        }
        out
    }

    /// Like [`RuleSet::check_document`], with the checkers spread over the rayon
    /// pool: the language server re-runs them on every edit of one document, and
    /// its latency is what the writer feels.
    pub fn check_document_parallel(&self, doc: &DocView<'_>) -> Vec<Finding> {
        use rayon::prelude::*;
        self.checkers
            .par_iter()
            .map(|checker| {
                let mut out = Vec::new();
                checker.check_document(doc, &mut out);
                out
            })
            .reduce(Vec::new, |mut a, mut b| {
                a.append(&mut b);
                a
            })
    }

    /// All findings in a document, sorted by position.
    pub fn check(&self, text: &str, kind: DocKind) -> Vec<Finding> {
        self.check_in_batches(text, kind, BATCH_BYTES)
    }

    /// [`RuleSet::check`], running the paragraph rules over batches of about
    /// `batch_bytes` of text.
    fn check_in_batches(&self, text: &str, kind: DocKind, batch_bytes: usize) -> Vec<Finding> {
        let lintable = kind.lintable(text);
        let paras = paragraphs(&lintable);
        let mut out = Vec::new();
        // In batches (see `collect_paragraphs`); the single sort at the end
        // also folds what `check_paragraph` folds per paragraph.
        let mut rest = &paras[..];
        while !rest.is_empty() {
            let mut bytes = 0;
            let len = rest
                .iter()
                .take_while(|p| {
                    let within = bytes < batch_bytes;
                    bytes += p.text.len();
                    within
                })
                .count()
                .max(1);
            let (batch, after) = rest.split_at(len);
            rest = after;
            let texts: Vec<&str> = batch.iter().map(|p| p.text).collect();
            for (para, local) in batch.iter().zip(self.collect_paragraphs(&texts)) {
                out.extend(local.into_iter().map(|mut f| {
                    f.shift(para.start);
                    f
                }));
            }
        }
        let view = DocView {
            text: &lintable,
            paragraphs: &paras,
            keys: None,
        };
        out.extend(self.check_document(&view));
        sort(&mut out);
        out
    }

    /// Drops findings whose span lies inside an allowed word.
    fn filter_allowed(&self, text: &str, findings: &mut Vec<Finding>) {
        let Some(allow) = self.allow.as_ref().filter(|_| !findings.is_empty()) else {
            return;
        };
        let allowed: Vec<_> = allow.find_iter(text).map(|m| m.range()).collect();
        if allowed.is_empty() {
            return;
        }
        findings.retain(|f| {
            !allowed
                .iter()
                .any(|a| a.start <= f.span.start && f.span.end <= a.end)
        });
    }
}

/// Sorts by position, then rule id, and drops findings that say nothing new:
/// - of two findings on the same span, the less severe one, or the second of two
///   that suggest the same fix (the curated `typo` and the statistical
///   `typo.idiom` both flag 吐火如荼: the error is kept). Equally severe findings
///   with different fixes are both kept: they are different advice;
/// - a finding inside text that another finding's preferred fix deletes (a
///   half-width colon in a 上一篇: line that is web debris anyway).
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (
            a.span.start,
            a.span.end,
            std::cmp::Reverse(a.severity),
            &a.rule,
        )
            .cmp(&(
                b.span.start,
                b.span.end,
                std::cmp::Reverse(b.severity),
                &b.rule,
            ))
    });
    findings.dedup_by(|later, kept| {
        fn first_fix(f: &Finding) -> Option<(&std::ops::Range<usize>, &str)> {
            f.fixes.first().map(|x| (&x.span, x.replacement.as_str()))
        }
        later.span == kept.span
            && (later.severity < kept.severity || first_fix(later) == first_fix(kept))
    });
    let mut deletions: Vec<std::ops::Range<usize>> = findings
        .iter()
        .filter_map(|f| f.fixes.first().filter(|fix| fix.replacement.is_empty()))
        .map(|fix| fix.span.clone())
        .filter(|span| !span.is_empty())
        .collect();
    if deletions.is_empty() {
        return;
    }
    // Sorted by start with a running maximum of the ends, so that each
    // finding is tested against the deletions that can contain it, not all.
    deletions.sort_unstable_by_key(|d| (d.start, d.end));
    let mut reach = Vec::with_capacity(deletions.len());
    let mut max_end = 0;
    for d in &deletions {
        max_end = max_end.max(d.end);
        reach.push(max_end);
    }
    findings.retain(|f| {
        let starting_before = deletions.partition_point(|d| d.start <= f.span.start);
        if starting_before == 0 || reach[starting_before - 1] < f.span.end {
            return true;
        }
        let own = f
            .fixes
            .first()
            .filter(|fix| fix.replacement.is_empty())
            .map(|fix| &fix.span);
        // Back from the last deletion starting before `f`, while some
        // deletion up to here still reaches `f`'s end: thousands of small
        // deletions (spaces) each tested against all earlier ones was
        // quadratic.
        let mut i = starting_before;
        while i > 0 && reach[i - 1] >= f.span.end {
            i -= 1;
            let d = &deletions[i];
            if Some(d) != own && f.span.end <= d.end && d.len() > f.span.len() {
                return false;
            }
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use std::sync::Arc;

    fn finding(rule: &str, severity: Severity, span: std::ops::Range<usize>) -> Finding {
        Finding::new(&Arc::from(rule), severity, span, String::new())
    }

    #[test]
    fn batches_of_any_size_find_what_paragraph_by_paragraph_finds() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let text = std::fs::read_to_string(&files[0]).unwrap();
        let rules = RuleSet::builtin();
        // Paragraph by paragraph, as the language server checks them.
        let paras = paragraphs(&text);
        let mut expected: Vec<Finding> = paras
            .iter()
            .flat_map(|p| {
                rules.check_paragraph(p.text).into_iter().map(|mut f| {
                    f.shift(p.start);
                    f
                })
            })
            .collect();
        expected.extend(rules.check_document(&DocView {
            text: &text,
            paragraphs: &paras,
            keys: None,
        }));
        sort(&mut expected);
        assert!(expected.len() > 50, "{} findings", expected.len());
        for batch_bytes in [0, 2048, BATCH_BYTES, usize::MAX] {
            let got = rules.check_in_batches(&text, DocKind::Plain, batch_bytes);
            assert!(got == expected, "batches of {batch_bytes} bytes");
        }
    }

    #[test]
    fn same_span_keeps_the_most_severe() {
        let mut f = vec![
            finding("typo.idiom", Severity::Warning, 3..15),
            finding("typo", Severity::Error, 3..15),
            finding("placeholder.x", Severity::Error, 20..22),
        ];
        sort(&mut f);
        let ids: Vec<&str> = f.iter().map(|f| &*f.rule).collect();
        assert_eq!(ids, ["typo", "placeholder.x"]);
    }

    #[test]
    fn findings_inside_deleted_text_are_dropped() {
        let mut f = vec![
            finding("residue.prev-next", Severity::Warning, 0..30).with_replacement(""),
            finding("punctuation.halfwidth", Severity::Warning, 9..10),
            finding("placeholder.x", Severity::Error, 40..42),
        ];
        sort(&mut f);
        let ids: Vec<&str> = f.iter().map(|f| &*f.rule).collect();
        assert_eq!(ids, ["residue.prev-next", "placeholder.x"]);
    }

    /// The indexed containment test keeps exactly what a scan of every
    /// deletion keeps, for random nests of spans.
    #[test]
    fn deletion_filter_matches_a_plain_scan() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..300 {
            let mut f: Vec<Finding> = (0..next(12) + 1)
                .map(|i| {
                    let start = next(40);
                    let f = finding(&format!("r{i}"), Severity::Warning, start..start + next(15));
                    if next(3) == 0 {
                        f.with_replacement("")
                    } else {
                        f.with_replacement("x")
                    }
                })
                .collect();
            // Distinct spans, so that only the containment step can drop one.
            let mut seen = Vec::new();
            f.retain(|f| {
                let new = !seen.contains(&f.span);
                seen.push(f.span.clone());
                new
            });
            let deletions: Vec<_> = f
                .iter()
                .map(|f| f.fixes[0].clone())
                .filter(|x| x.replacement.is_empty() && !x.span.is_empty())
                .map(|x| x.span)
                .collect();
            let mut expected: Vec<String> = f
                .iter()
                .filter(|f| {
                    let own = Some(&f.fixes[0].span).filter(|_| f.fixes[0].replacement.is_empty());
                    !deletions.iter().any(|d| {
                        Some(d) != own
                            && d.start <= f.span.start
                            && f.span.end <= d.end
                            && d.len() > f.span.len()
                    })
                })
                .map(|f| f.rule.to_string())
                .collect();
            sort(&mut f);
            let mut kept: Vec<String> = f.iter().map(|f| f.rule.to_string()).collect();
            expected.sort();
            kept.sort();
            assert_eq!(kept, expected);
        }
    }
}
