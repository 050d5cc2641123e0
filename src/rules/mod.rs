//! Rule kinds. Every kind builds [`Checker`]s from the [`RuleSpec`]s of its rules;
//! the engine runs them. Paragraph-local checkers are pure functions of one
//! paragraph's text, so the language server can re-run only what an edit touched.

pub mod cjk;
pub mod consistency;
pub mod dictionary;
pub mod duplicate;
mod input;
pub mod lexical;
pub mod linebreak;
pub mod memo;
pub mod numerals;
pub mod outline;
pub mod pattern;
pub mod punctuation;
pub mod residue;

use crate::config::{ConfigError, RuleSpec};
use crate::document::Paragraph;
use crate::finding::Finding;
pub use input::{CharOffsets, ParagraphInput};

/// The whole document as document-level checkers see it.
pub struct DocView<'a> {
    /// The lintable text (Markdown already masked).
    pub text: &'a str,
    pub paragraphs: &'a [Paragraph<'a>],
    /// `memo::hash_text` of each paragraph's text, when the caller has them
    /// already (the language server): memos use them instead of hashing the
    /// document again.
    pub keys: Option<&'a [u64]>,
}

impl DocView<'_> {
    /// `memo::hash_text` of paragraph `i`'s text.
    pub fn key(&self, i: usize) -> u64 {
        match self.keys {
            Some(keys) => keys[i],
            None => memo::hash_text(self.paragraphs[i].text),
        }
    }

    /// Every paragraph's key: the caller's, or hashed now.
    pub fn all_keys(&self) -> std::borrow::Cow<'_, [u64]> {
        match self.keys {
            Some(keys) => keys.into(),
            None => (0..self.paragraphs.len()).map(|i| self.key(i)).collect(),
        }
    }
}

/// A built rule (or group of rules of one kind) ready to run.
pub trait Checker: Send + Sync {
    /// Findings in one paragraph, spans relative to `text`. Must depend on `text`
    /// alone: results are cached per paragraph.
    fn check_paragraph(&self, _text: &str, _out: &mut Vec<Finding>) {}

    /// [`Checker::check_paragraph`] with the analyses other kinds may already
    /// have made of this paragraph; kinds that use them override this.
    fn check_input(&self, para: &ParagraphInput<'_>, out: &mut Vec<Finding>) {
        self.check_paragraph(para.text, out);
    }

    /// Findings that need the whole document, spans absolute.
    fn check_document(&self, _doc: &DocView<'_>, _out: &mut Vec<Finding>) {}
}

/// Builds the checkers of one kind from all enabled rules of that kind.
pub type Builder = fn(&[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>>;

/// Builds one checker per spec with `build_one`, collecting every error rather
/// than stopping at the first: a rule file with three mistakes shows all three.
pub fn build_each<T: Checker + 'static>(
    specs: &[RuleSpec],
    build_one: impl Fn(&RuleSpec) -> Result<T, ConfigError>,
) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut out: Vec<Box<dyn Checker>> = Vec::new();
    let mut errors = Vec::new();
    for spec in specs {
        match build_one(spec) {
            Ok(c) => out.push(Box::new(c)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Every rule kind gwlint knows, by the name used in `kind = "…"`.
pub const KINDS: &[(&str, Builder)] = &[
    ("consistency", consistency::build),
    ("dictionary", dictionary::build),
    ("duplicate", duplicate::build),
    ("idiom", lexical::build_idiom),
    ("linebreak", linebreak::build),
    ("numerals", numerals::build),
    ("outline", outline::build),
    ("particle", lexical::build_particle),
    ("pattern", pattern::build),
    ("punctuation", punctuation::build),
    ("residue", residue::build),
    ("word-typo", lexical::build_word),
];

pub fn builder(kind: &str) -> Option<Builder> {
    KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, b)| *b)
}

/// `specs` grouped by kind, kinds in sorted order, specs in their order.
pub fn by_kind(specs: &[RuleSpec]) -> Vec<(&str, Vec<RuleSpec>)> {
    let mut kinds: Vec<&str> = specs.iter().map(|s| s.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| {
            let group = specs.iter().filter(|s| s.kind == kind).cloned().collect();
            (kind, group)
        })
        .collect()
}

/// Builds checkers for `specs` (all enabled), grouping them by kind.
pub fn build_all(specs: &[RuleSpec]) -> Result<Vec<Box<dyn Checker>>, Vec<ConfigError>> {
    let mut checkers = Vec::new();
    let mut errors = Vec::new();
    // Kinds build independently (regexes, automata); built side by side and
    // kept in kind order, so the result does not depend on the schedule.
    let groups = by_kind(specs);
    let built = crate::par::map(&groups, |(kind, group)| {
        builder(kind).map(|build| build(group))
    });
    for ((kind, group), built) in groups.iter().zip(built) {
        match built {
            Some(Ok(mut built)) => checkers.append(&mut built),
            Some(Err(mut errs)) => errors.append(&mut errs),
            None => {
                let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
                for spec in group {
                    errors.push(spec.error(
                        spec.kind_span.clone(),
                        format!("未知的规则类型 `{kind}`（可用：{}）", known.join(", ")),
                    ));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(checkers)
    } else {
        Err(errors)
    }
}
