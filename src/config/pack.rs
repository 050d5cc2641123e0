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

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::schema::{AnyTable, SeverityName};
use super::{ConfigError, SourceFile};
use crate::finding::Severity;

/// Text that must trigger a rule, and text that must not.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Texts that must each trigger this rule when it runs alone.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub bad: Vec<Spanned<String>>,
    /// Texts that must not trigger this rule.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub good: Vec<Spanned<String>>,
}

/// A string or a list of strings (one replacement or several alternatives).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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

/// The `[pack]` header of a rule pack.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PackHeader {
    /// Name of the pack.
    #[allow(dead_code)] // read for validation; packs are named by their file
    name: String,
    /// What the pack is for.
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
}

/// A gwlint rule pack: a `[pack]` header and `[[rule]]` tables.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gwlint rule pack")]
pub(super) struct PackFile {
    #[allow(dead_code)]
    pack: Option<PackHeader>,
    /// The rules of this pack. A rule with the id of an earlier one replaces it.
    #[serde(default)]
    #[schemars(with = "Vec<RawRule>")]
    rule: Vec<Spanned<RawRule>>,
}

/// One `[[rule]]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawRule {
    /// Rule id: lowercase, dot-separated (`ours.leader`).
    #[schemars(with = "String", pattern(r"^[a-z0-9_-]([a-z0-9_.-]*[a-z0-9_-])?$"))]
    id: Spanned<String>,
    /// How the rule matches: `dictionary`, `pattern`, or a kind implemented in Rust.
    #[schemars(with = "String")]
    kind: Spanned<String>,
    /// Severity of its findings.
    #[schemars(with = "SeverityName")]
    severity: Spanned<String>,
    /// One line in Chinese, shown by `gwlint rules`.
    summary: String,
    /// Chinese message template; `{match}`, `{replacement}` and named groups are filled in.
    #[schemars(with = "String")]
    message: Spanned<String>,
    /// Chinese Markdown shown by `gwlint explain` and on hover: what, why, bad and good examples.
    #[serde(default)]
    explain: Option<String>,
    /// `false`: off unless a project enables it.
    #[serde(default = "yes")]
    enabled: bool,
    /// Examples checked by `gwlint test-rules`.
    #[serde(default)]
    examples: Option<Examples>,
    /// Dictionary rules: wrong form = right form, or a list of right forms, best first.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, OneOrMany>>")]
    entries: Option<Spanned<BTreeMap<String, Spanned<OneOrMany>>>>,
    /// Pattern rules: a regular expression (regex crate syntax, no look-around); groups `hit`, `hit2`… narrow the reported span.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pattern: Option<Spanned<String>>,
    /// Pattern rules: replacement templates (`$1`, `${name}`), best first.
    #[serde(default)]
    #[schemars(with = "Option<OneOrMany>")]
    replace: Option<Spanned<OneOrMany>>,
    /// Pattern rules: a match is dropped when the text just before it matches this regex (anchor with `$`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    not_before: Option<Spanned<String>>,
    /// Pattern rules: a match is dropped when the text just after it matches this regex (anchor with `^`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    not_after: Option<Spanned<String>>,
    /// Options of kinds implemented in Rust.
    #[serde(default)]
    #[schemars(with = "Option<AnyTable>")]
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
