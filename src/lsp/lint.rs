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
}

fn hash_paragraph(text: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(text.as_bytes());
    h.write_usize(text.len());
    h.finish()
}

impl ParagraphCache {
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Lints `text`, reusing cached paragraph results. Entries for paragraphs that no
    /// longer occur are dropped, so the cache never outgrows the document.
    pub fn lint(&mut self, rules: &RuleSet, text: &str, kind: DocKind) -> Linted {
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
            let key = hash_paragraph(para.text);
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
        findings.extend(rules.check_document(&view));
        sort(&mut findings);
        Linted {
            findings,
            recomputed,
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
}
