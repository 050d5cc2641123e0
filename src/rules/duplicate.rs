//! `kind = "duplicate"`: text written twice. One checker serves every enabled
//! rule of the kind; the last segment of a rule's id says what it checks:
//!
//! - `….passage` (document-level): a passage that repeats an earlier one, exactly
//!   or nearly, reported once on the later copy with the first copy as related
//!   information. Params: `min_chars` (default 50), `similarity` (0–1, default
//!   0.8), `max_gap` (80), `merge_gap` (120), `cross_file` (false).
//! - `….word` (paragraph-local): a word or character typed twice (的的, 我们我们),
//!   fixed by deleting the repeat; intended reduplication stays silent.
//!
//! Across files, see [`PassageRule::from_ruleset`] and [`cross_file_findings`]:
//! the CLI runs them when `--cross-file` is given or the rule's `cross_file`
//! param is true.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::memo::ParaMemo;
use super::{Checker, DocView, ParagraphInput};
use crate::config::{ConfigError, RuleSpec};
use crate::document::Paragraph;
use crate::dup::{
    find_passages_from, find_passages_reusing, find_repeats, find_repeats_in, CrossFileIndex,
    ParagraphNorm, PassageParams, PassageScratch, Shared,
};
use crate::engine::RuleSet;
use crate::finding::{render, Finding, Related, Severity};

/// A built `….passage` rule: what the in-document checker and the cross-file
/// API need to report.
#[derive(Debug, Clone)]
pub struct PassageRule {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub template: String,
    pub params: PassageParams,
    /// The pack asks for cross-file comparison even without `--cross-file`.
    pub cross_file: bool,
}

const PASSAGE_PARAMS: &[&str] = &[
    "min_chars",
    "similarity",
    "max_gap",
    "merge_gap",
    "cross_file",
];

impl PassageRule {
    pub fn from_spec(spec: &RuleSpec) -> Result<PassageRule, ConfigError> {
        spec.expect_params(PASSAGE_PARAMS)?;
        let mut params = PassageParams::default();
        if let Some(n) = spec.param::<i64>("min_chars")? {
            if !(1..=100_000).contains(&n) {
                return Err(spec.params_error("参数 `min_chars` 应为 1 到 100000 之间的整数"));
            }
            params.min_chars = n as usize;
        }
        if let Some(s) = spec.param::<f64>("similarity")? {
            if !(0.0..=1.0).contains(&s) || s == 0.0 {
                return Err(spec
                    .params_error("参数 `similarity` 应为 0 到 1 之间的小数（如 0.8 表示 80%）"));
            }
            params.similarity = s;
        }
        for (key, slot) in [
            ("max_gap", &mut params.max_gap),
            ("merge_gap", &mut params.merge_gap),
        ] {
            if let Some(n) = spec.param::<i64>(key)? {
                if !(0..=10_000).contains(&n) {
                    return Err(
                        spec.params_error(format!("参数 `{key}` 应为 0 到 10000 之间的整数"))
                    );
                }
                *slot = n as usize;
            }
        }
        Ok(PassageRule {
            rule: spec.id.clone(),
            severity: spec.severity,
            template: spec.message.clone(),
            params,
            cross_file: spec.param::<bool>("cross_file")?.unwrap_or(false),
        })
    }

    /// The enabled passage rule of a rule set, if any (for `--cross-file`).
    pub fn from_ruleset(rules: &RuleSet) -> Option<PassageRule> {
        rules
            .rules()
            .iter()
            .filter(|s| {
                s.enabled && s.kind == "duplicate" && target(&s.id) == Some(Target::Passage)
            })
            .find_map(|s| PassageRule::from_spec(s).ok())
    }

    fn message(&self, place: &str, chars: usize, similarity: f64, line: usize) -> String {
        render(
            &self.template,
            &[
                ("where", place),
                ("chars", &chars.to_string()),
                ("similarity", &percent(similarity).to_string()),
                ("line", &line.to_string()),
            ],
        )
    }
}

/// Similarity as a whole percentage, never rounded up to 100 unless exact.
fn percent(similarity: f64) -> u32 {
    let p = (similarity * 100.0).round() as u32;
    if p == 100 && similarity < 1.0 {
        99
    } else {
        p
    }
}

struct WordRule {
    rule: Arc<str>,
    severity: Severity,
    template: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Passage,
    Word,
}

fn target(id: &str) -> Option<Target> {
    match id.rsplit('.').next() {
        Some("passage") => Some(Target::Passage),
        Some("word") => Some(Target::Word),
        _ => None,
    }
}

pub struct DuplicateChecker {
    passage: Option<PassageRule>,
    word: Option<WordRule>,
    /// Per-paragraph reductions, reused across calls (language server).
    norms: ParaMemo<Arc<ParagraphNorm>>,
    /// The search's buffers, reused across calls by whichever thread gets them.
    scratch: Mutex<PassageScratch>,
}

pub fn build(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut checker = DuplicateChecker {
        passage: None,
        word: None,
        norms: ParaMemo::default(),
        scratch: Mutex::default(),
    };
    let mut errors = Vec::new();
    for spec in specs {
        match target(&spec.id) {
            Some(Target::Passage) => match PassageRule::from_spec(spec) {
                Ok(rule) => checker.passage = Some(rule),
                Err(e) => errors.push(e),
            },
            Some(Target::Word) => match spec.expect_params(&[]) {
                Ok(()) => {
                    checker.word = Some(WordRule {
                        rule: spec.id.clone(),
                        severity: spec.severity,
                        template: spec.message.clone(),
                    })
                }
                Err(e) => errors.push(e),
            },
            None => errors.push(spec.error(
                spec.span.clone(),
                format!(
                    "duplicate 类规则 `{}` 的 id 须以 `.passage`（重复段落）或 `.word`（重复字词）结尾",
                    spec.id
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(vec![Box::new(checker)])
}

/// 1-based line of byte `offset`.
fn line_of(paragraphs: &[Paragraph<'_>], offset: usize) -> usize {
    let i = paragraphs.partition_point(|p| p.start <= offset);
    paragraphs
        .get(i.saturating_sub(1))
        .map_or(1, |p| p.index + 1)
}

impl Checker for DuplicateChecker {
    fn check_paragraph(&self, text: &str, out: &mut Vec<Finding>) {
        self.check_input(&ParagraphInput::new(text), out);
    }

    fn check_input(&self, para: &ParagraphInput<'_>, out: &mut Vec<Finding>) {
        let Some(rule) = &self.word else { return };
        let text = para.text;
        // Masked Markdown (NUL) is left out of the characters compared.
        let repeats = if text.contains('\0') {
            find_repeats(text)
        } else {
            let ch = para.chars();
            find_repeats_in(text, &ch.cs, &ch.offs)
        };
        for rep in repeats {
            let matched = &text[rep.span.clone()];
            let message = render(
                &rule.template,
                &[
                    ("match", matched),
                    ("unit", &rep.unit),
                    ("replacement", &rep.unit),
                    ("copies", &rep.copies.to_string()),
                ],
            );
            let finding = Finding::new(&rule.rule, rule.severity, rep.span, message);
            out.push(if rep.fixable {
                finding.with_replacement(rep.unit)
            } else {
                finding
            });
        }
    }

    fn check_document(&self, doc: &DocView<'_>, out: &mut Vec<Finding>) {
        let Some(rule) = &self.passage else { return };
        let norms = self.norms.map(doc, |t| Arc::new(ParagraphNorm::new(t)));
        let passages = match self.scratch.try_lock() {
            Ok(mut scratch) => find_passages_reusing(
                doc.text,
                doc.paragraphs,
                &norms,
                doc.keys,
                &rule.params,
                &mut scratch,
            ),
            Err(_) => find_passages_from(doc.text, doc.paragraphs, &norms, &rule.params),
        };
        for p in passages {
            let line = line_of(doc.paragraphs, p.earlier.start);
            let message = rule.message(&format!("第{line}行"), p.later_chars, p.similarity, line);
            let mut finding = Finding::new(&rule.rule, rule.severity, p.later, message);
            finding.related.push(Related {
                file: None,
                span: p.earlier,
                line: None,
                message: "重复内容首次出现处".to_owned(),
            });
            out.push(finding);
        }
    }
}

/// Passages shared between different files: for each file, findings of the
/// passage rule (spans in that file) whose `related` entries name the other
/// files (`file: Some(path)`, `line: Some(1-based)`, span in that file).
///
/// `files` holds each file's path and *lintable* text (for Markdown, the masked
/// text `DocKind::lintable` returns); the texts are reduced to fingerprints
/// first and not kept. Returns `(index into files, finding)`, sorted. Copies
/// inside one file are not reported here (the in-document check does that).
///
/// To compare more files than fit in memory at once, build a
/// [`CrossFileIndex`] with [`crate::dup::FilePrints::new`] per file and call
/// [`findings_from_index`].
pub fn cross_file_findings(files: &[(PathBuf, &str)], rule: &PassageRule) -> Vec<(usize, Finding)> {
    let mut index = CrossFileIndex::new(rule.params);
    for (path, text) in files {
        index.add_text(path.clone(), text);
    }
    findings_from_index(&index, rule)
}

/// Findings from a filled [`CrossFileIndex`] (file indices as returned by `add`).
pub fn findings_from_index(index: &CrossFileIndex, rule: &PassageRule) -> Vec<(usize, Finding)> {
    let shared = index.shared();
    let mut out = Vec::new();
    // Copies found in several files that overlap in this one make one finding.
    let mut i = 0;
    while i < shared.len() {
        let mut j = i + 1;
        let mut end = shared[i].span.end;
        while j < shared.len() && shared[j].file == shared[i].file && shared[j].span.start < end {
            end = end.max(shared[j].span.end);
            j += 1;
        }
        out.push((shared[i].file, cluster_finding(index, rule, &shared[i..j])));
        i = j;
    }
    out
}

/// Related places listed per finding, at most.
const MAX_RELATED: usize = 10;

fn cluster_finding(index: &CrossFileIndex, rule: &PassageRule, cluster: &[Shared]) -> Finding {
    let span: Range<usize> = cluster.iter().map(|s| s.span.start).min().unwrap_or(0)
        ..cluster.iter().map(|s| s.span.end).max().unwrap_or(0);
    let best = cluster
        .iter()
        .max_by_key(|s| (s.matched, std::cmp::Reverse(s.other)))
        .expect("clusters are not empty");
    let mut place = format!(
        "{} 第{}行",
        index.path(best.other).display(),
        best.other_line + 1
    );
    let others: std::collections::BTreeSet<usize> = cluster.iter().map(|s| s.other).collect();
    if others.len() > 1 {
        place.push_str(&format!("等 {} 个文件", others.len()));
    }
    let message = rule.message(&place, best.chars, best.similarity, best.other_line + 1);
    let mut finding = Finding::new(&rule.rule, rule.severity, span, message);
    for s in cluster.iter().take(MAX_RELATED) {
        finding.related.push(Related {
            file: Some(index.path(s.other).to_path_buf()),
            span: s.other_span.clone(),
            line: Some(s.other_line + 1),
            message: format!("相同内容（相似度 {}%）", percent(s.similarity)),
        });
    }
    finding
}
