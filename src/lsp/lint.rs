//! Incremental linting of an open document: paragraph-local results are cached by
//! the hash of the paragraph's text, so an edit re-runs local rules only on the
//! paragraphs it changed; document-level rules run on every lint.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::document::{paragraphs, DocKind};
use crate::engine::{sort, RuleSet};
use crate::finding::Finding;
use crate::rules::DocView;

/// Per-document cache of paragraph-local findings (spans relative to the paragraph).
#[derive(Default)]
pub struct ParagraphCache {
    entries: FxHashMap<u64, Arc<[Finding]>>,
}

/// What one lint of a document produced.
pub struct Linted {
    pub findings: Vec<Finding>,
    /// Paragraphs whose local rules actually ran (cache misses), for tests and logs.
    pub recomputed: usize,
    /// Time spent on paragraph-local rules (cache included) and on document rules.
    pub local_ms: f64,
    pub document_ms: f64,
}

impl ParagraphCache {
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Lints `text`, reusing cached paragraph results. Entries for paragraphs that no
    /// longer occur are dropped, so the cache never outgrows the document.
    pub fn lint(&mut self, rules: &RuleSet, text: &str, kind: DocKind) -> Linted {
        // Document-level checkers keep their per-paragraph summaries too.
        crate::rules::memo::enable();
        let started = std::time::Instant::now();
        let lintable = kind.lintable(text);
        let paras = paragraphs(&lintable);
        let mut next: FxHashMap<u64, Arc<[Finding]>> =
            FxHashMap::with_capacity_and_hasher(paras.len(), Default::default());
        let mut findings = Vec::new();
        let mut recomputed = 0;
        for para in &paras {
            if para.text.is_empty() {
                continue;
            }
            let key = crate::rules::memo::hash_text(para.text);
            let local = match next.get(&key).or_else(|| self.entries.get(&key)) {
                Some(hit) => hit.clone(),
                None => {
                    recomputed += 1;
                    Arc::from(rules.check_paragraph(para.text))
                }
            };
            for f in local.iter() {
                let mut f = f.clone();
                f.shift(para.start);
                findings.push(f);
            }
            next.insert(key, local);
        }
        self.entries = next;
        let view = DocView {
            text: &lintable,
            paragraphs: &paras,
        };
        let local_done = std::time::Instant::now();
        findings.extend(rules.check_document_parallel(&view));
        let document_done = std::time::Instant::now();
        sort(&mut findings);
        Linted {
            findings,
            recomputed,
            local_ms: (local_done - started).as_secs_f64() * 1000.0,
            document_ms: (document_done - local_done).as_secs_f64() * 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_paragraphs_are_relinted_and_results_match_a_full_check() {
        let rules = RuleSet::builtin();
        let mut cache = ParagraphCache::default();
        let text = "刚才，XX局长讲话。\n第二段**县。\n第三段正常。\n";
        let first = cache.lint(&rules, text, DocKind::Plain);
        assert_eq!(first.recomputed, 3);
        assert_eq!(first.findings, rules.check(text, DocKind::Plain));
        let edited = "刚才，XX局长讲话。\n第二段**县，X同志。\n第三段正常。\n";
        let second = cache.lint(&rules, edited, DocKind::Plain);
        assert_eq!(second.recomputed, 1);
        assert_eq!(second.findings, rules.check(edited, DocKind::Plain));
    }

    fn corpus_sample() -> String {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/corpus/002_88388a4fa2b47f34.txt"
        ))
        .unwrap();
        // Two copies, so that duplicate passages exist to be found.
        format!("{text}\n{text}")
    }

    #[derive(Debug, Clone)]
    enum Edit {
        Insert(usize, String),
        Delete(usize, usize),
        Replace(usize, usize, String),
    }

    fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("的".to_owned()),
            Just("\n".to_owned()),
            Just("“".to_owned()),
            Just("”".to_owned()),
            Just("（".to_owned()),
            Just("一、".to_owned()),
            Just("\n（二）".to_owned()),
            Just("𠀀😀".to_owned()),
            Just("\r\n".to_owned()),
            "[一二三，。的地得X ]{1,6}",
        ];
        prop_oneof![
            (any::<usize>(), piece.clone()).prop_map(|(at, s)| Edit::Insert(at, s)),
            (any::<usize>(), 1usize..400).prop_map(|(at, n)| Edit::Delete(at, n)),
            (any::<usize>(), 1usize..200, piece).prop_map(|(at, n, s)| Edit::Replace(at, n, s)),
        ]
    }

    fn floor(text: &str, mut at: usize) -> usize {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn apply(text: &mut String, e: &Edit) {
        let n = text.len().max(1);
        match e {
            Edit::Insert(at, s) => {
                let at = floor(text, at % n);
                text.insert_str(at, s);
            }
            Edit::Delete(at, len) | Edit::Replace(at, len, _) => {
                let a = floor(text, at % n);
                let b = floor(text, a + len);
                let with = match e {
                    Edit::Replace(_, _, s) => s.as_str(),
                    _ => "",
                };
                text.replace_range(a..b, with);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Random edits: the incremental lint (paragraph cache + memoised
        /// document-level summaries) always equals a full check by rules that
        /// never saw the earlier versions.
        #[test]
        fn incremental_lint_equals_a_fresh_full_check(
            edits in proptest::collection::vec(edit(), 1..6)
        ) {
            let rules = shared_rules();
            let mut cache = ParagraphCache::default();
            let mut text = corpus_sample();
            cache.lint(rules, &text, DocKind::Plain);
            for e in &edits {
                apply(&mut text, e);
                let linted = cache.lint(rules, &text, DocKind::Plain);
                let fresh = RuleSet::builtin();
                proptest::prop_assert_eq!(&linted.findings, &fresh.check(&text, DocKind::Plain));
            }
        }
    }

    fn shared_rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(RuleSet::builtin)
    }
}
