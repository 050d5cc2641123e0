//! What a rule reports: a finding with a byte span, severity, message and fixes.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// How serious a finding is. Ordered: `Hint < Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "hint" => Some(Severity::Hint),
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way to fix a finding: replace `span` (byte offsets, same coordinates as the
/// finding's span) with `replacement`. An empty replacement deletes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fix {
    pub span: Range<usize>,
    pub replacement: String,
}

/// A place elsewhere that explains a finding (the first copy of a duplicate).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Related {
    /// Another file, or `None` for the same document.
    pub file: Option<PathBuf>,
    pub span: Range<usize>,
    /// 1-based line in `file`, when the span is in another file whose text is not at hand.
    pub line: Option<usize>,
    pub message: String,
}

/// A finding. Spans are byte offsets: relative to the paragraph while a
/// paragraph-local rule produces it, absolute in the document once the engine
/// returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Arc<str>,
    pub severity: Severity,
    pub span: Range<usize>,
    pub message: String,
    /// Alternatives, best first.
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn new(rule: &Arc<str>, severity: Severity, span: Range<usize>, message: String) -> Self {
        Finding {
            rule: rule.clone(),
            severity,
            span,
            message,
            fixes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// Adds a fix replacing the finding's own span.
    pub fn with_replacement(mut self, replacement: impl Into<String>) -> Self {
        self.fixes.push(Fix {
            span: self.span.clone(),
            replacement: replacement.into(),
        });
        self
    }

    pub fn with_fix(mut self, span: Range<usize>, replacement: impl Into<String>) -> Self {
        self.fixes.push(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Moves all spans by `delta` bytes (paragraph-relative → absolute).
    pub fn shift(&mut self, delta: usize) {
        self.map_offsets(|x| x + delta);
    }

    /// Applies `to` to every offset of the finding in its own document: its
    /// span, its fixes' and its related spans' (not those in other files).
    pub fn map_offsets(&mut self, to: impl Fn(usize) -> usize) {
        self.span = to(self.span.start)..to(self.span.end);
        for fix in &mut self.fixes {
            fix.span = to(fix.span.start)..to(fix.span.end);
        }
        for rel in &mut self.related {
            if rel.file.is_none() {
                rel.span = to(rel.span.start)..to(rel.span.end);
            }
        }
    }

    /// The smallest offset of the finding in its own document.
    pub fn first_offset(&self) -> usize {
        let fixes = self.fixes.iter().map(|f| f.span.start);
        let related = self.related.iter().filter(|r| r.file.is_none());
        fixes
            .chain(related.map(|r| r.span.start))
            .fold(self.span.start, usize::min)
    }

    /// Whether applying the preferred fix only deletes text.
    pub fn fix_deletes(&self) -> bool {
        self.fixes.first().is_some_and(|f| f.replacement.is_empty())
    }
}

/// Fills `{name}` slots in a message template. Unknown slots stay as written, so
/// a typo in a rule pack shows up in the output instead of vanishing.
pub fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_templates() {
        assert_eq!(
            render(
                "“{match}”应为“{replacement}”",
                &[("match", "布臵"), ("replacement", "布置")]
            ),
            "“布臵”应为“布置”"
        );
        assert_eq!(render("{unknown} {", &[]), "{unknown} {");
    }

    #[test]
    fn severity_order() {
        assert!(Severity::Error > Severity::Warning && Severity::Info > Severity::Hint);
        assert_eq!(Severity::parse("info"), Some(Severity::Info));
    }
}
