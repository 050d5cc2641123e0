//! The rule-pack format: a TOML file with a `[pack]` header and `[[rule]]` tables.
//!
//! ```toml
//! [pack]
//! name = "typos"
//!
//! [[rule]]
//! id = "typo"
//! kind = "dictionary"          # or "pattern", or a kind implemented in Rust
//! severity = "error"
//! summary = "常见错别字"
//! message = "“{match}”应为“{replacement}”"
//! examples.bad = ["正在吐火如荼开展"]
//! examples.good = ["正在如火如荼开展"]
//! [rule.entries]
//! "吐火如荼" = "如火如荼"
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::{ConfigError, SourceFile};
use crate::finding::Severity;

/// Text that must trigger a rule, and text that must not.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub bad: Vec<Spanned<String>>,
    #[serde(default)]
    pub good: Vec<Spanned<String>>,
}

/// A string or a list of strings (one replacement or several alternatives).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    #[allow(dead_code)] // read for validation; packs are named by their file
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    #[allow(dead_code)]
    pack: Option<PackHeader>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    kind: Spanned<String>,
    severity: Spanned<String>,
    summary: String,
    message: Spanned<String>,
    #[serde(default)]
    explain: Option<String>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    examples: Option<Examples>,
    #[serde(default)]
    entries: Option<Spanned<BTreeMap<String, Spanned<OneOrMany>>>>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    replace: Option<Spanned<OneOrMany>>,
    #[serde(default)]
    not_before: Option<Spanned<String>>,
    #[serde(default)]
    not_after: Option<Spanned<String>>,
    #[serde(default)]
    params: Option<Spanned<toml::Table>>,
}

fn yes() -> bool {
    true
}

/// A dictionary entry: a wrong form and its corrections, best first.
#[derive(Debug, Clone)]
pub struct Entry {
    pub wrong: String,
    pub right: Vec<String>,
    pub span: Range<usize>,
}

/// One rule as declared in a pack, validated for the common keys. Kind-specific
/// keys are checked when the rule's kind builds it.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub id: Arc<str>,
    pub kind: String,
    pub severity: Severity,
    pub summary: String,
    pub message: String,
    pub explain: Option<String>,
    pub enabled: bool,
    pub examples: Examples,
    pub entries: Vec<Entry>,
    pub pattern: Option<Spanned<String>>,
    pub replace: Vec<String>,
    pub not_before: Option<Spanned<String>>,
    pub not_after: Option<Spanned<String>>,
    pub params: toml::Table,
    /// The file the rule came from and spans within it, for error messages.
    pub source: Arc<SourceFile>,
    pub span: Range<usize>,
    pub kind_span: Range<usize>,
    pub params_span: Range<usize>,
}

impl RuleSpec {
    /// An error located at `span` in the rule's file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        self.source.error(span, message)
    }

    /// An error about the rule's `params` table (or the rule, without one).
    pub fn params_error(&self, message: impl Into<String>) -> ConfigError {
        self.error(self.params_span.clone(), message)
    }

    /// Reads an optional parameter, reporting a type mismatch at the params table.
    pub fn param<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, ConfigError> {
        match self.params.get(key) {
            None => Ok(None),
            Some(value) => value
                .clone()
                .try_into()
                .map(Some)
                .map_err(|e| self.params_error(format!("参数 `{key}` 无效：{e}"))),
        }
    }

    /// Rejects params other than `known`, naming the first unknown one.
    pub fn expect_params(&self, known: &[&str]) -> Result<(), ConfigError> {
        match self.params.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(self.params_error(format!(
                "规则 `{}` 不认识参数 `{k}`（可用：{}）",
                self.id,
                if known.is_empty() {
                    "无".to_owned()
                } else {
                    known.join(", ")
                }
            ))),
            None => Ok(()),
        }
    }
}

/// Parses a rule pack. Returns every problem found, each with its position.
pub fn parse_pack(source: &Arc<SourceFile>) -> Result<Vec<RuleSpec>, Vec<ConfigError>> {
    let file: PackFile =
        toml::from_str(&source.text).map_err(|e| vec![ConfigError::from_toml(source, &e)])?;
    let mut errors = Vec::new();
    let mut specs: Vec<RuleSpec> = Vec::new();
    for raw in file.rule {
        let span = raw.span();
        let raw = raw.into_inner();
        let id = raw.id.get_ref().trim();
        if !valid_id(id) {
            errors.push(source.error(
                raw.id.span(),
                format!("规则 id `{id}` 无效：只能用小写字母、数字、`-` 和 `.`"),
            ));
            continue;
        }
        if specs.iter().any(|s| &*s.id == id) {
            errors.push(source.error(raw.id.span(), format!("规则 id `{id}` 在本文件中重复")));
            continue;
        }
        let Some(severity) = Severity::parse(raw.severity.get_ref()) else {
            errors.push(source.error(
                raw.severity.span(),
                format!(
                    "严重程度 `{}` 无效：应为 error、warning、info 或 hint",
                    raw.severity.get_ref()
                ),
            ));
            continue;
        };
        let mut entries = Vec::new();
        if let Some(map) = raw.entries {
            for (wrong, right) in map.into_inner() {
                let span = right.span();
                let right = right.into_inner().into_vec();
                if wrong.is_empty() || right.contains(&wrong) || right.is_empty() {
                    errors.push(source.error(
                        span,
                        format!("词条 `{wrong}` 无效：错误写法不能为空，也不能与改正写法相同"),
                    ));
                    continue;
                }
                entries.push(Entry { wrong, right, span });
            }
        }
        let (params, params_span) = match raw.params {
            Some(p) => {
                let s = p.span();
                (p.into_inner(), s)
            }
            None => (toml::Table::new(), span.clone()),
        };
        specs.push(RuleSpec {
            id: Arc::from(id),
            kind: raw.kind.get_ref().clone(),
            kind_span: raw.kind.span(),
            severity,
            summary: raw.summary,
            message: raw.message.into_inner(),
            explain: raw.explain,
            enabled: raw.enabled,
            examples: raw.examples.unwrap_or_default(),
            entries,
            pattern: raw.pattern,
            replace: raw
                .replace
                .map(|r| r.into_inner().into_vec())
                .unwrap_or_default(),
            not_before: raw.not_before,
            not_after: raw.not_after,
            params,
            params_span,
            source: source.clone(),
            span,
        });
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'_'
        })
        && !id.starts_with('.')
        && !id.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<RuleSpec>, Vec<ConfigError>> {
        parse_pack(&SourceFile::new("t.toml", text))
    }

    #[test]
    fn parses_a_dictionary_rule() {
        let specs = parse(
            r#"
[pack]
name = "t"
[[rule]]
id = "typo"
kind = "dictionary"
severity = "error"
summary = "s"
message = "m"
examples.bad = ["布臵"]
[rule.entries]
"布臵" = "布置"
"再接再励" = ["再接再厉"]
"#,
        )
        .unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].entries.len(), 2);
        assert_eq!(specs[0].examples.bad[0].get_ref(), "布臵");
    }

    #[test]
    fn reports_unknown_keys_with_position() {
        let errs = parse("[[rule]]\nid = \"a\"\nkind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\nfoo = 1\n").unwrap_err();
        assert!(errs[0].message.contains("foo"), "{errs:?}");
        assert_eq!(errs[0].file, "t.toml");
    }

    #[test]
    fn reports_bad_severity_at_its_value() {
        let errs = parse("[[rule]]\nid = \"a\"\nkind = \"pattern\"\nseverity = \"fatal\"\nsummary = \"s\"\nmessage = \"m\"\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (4, 12));
    }

    #[test]
    fn reports_toml_syntax_errors_with_position() {
        let errs = parse("[[rule]\nid = 1").unwrap_err();
        assert_eq!(errs[0].line, 1);
    }
}
