//! Rule packs and the project file `.gwlint.toml`: loading, merging and validating,
//! with every error pointing at a file, line and column.

pub mod load;
pub mod pack;
pub mod project;
pub mod schema;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::position::{Encoding, LineIndex};

pub use load::load_rules;
pub use pack::{Examples, RuleSpec};
pub use project::ProjectConfig;

/// A configuration text with its display name, kept so that errors found after
/// parsing (an invalid regex, a bad example) can still name a line and column.
#[derive(Debug)]
pub struct SourceFile {
    /// A path, or `builtin:NAME` for packs compiled into the binary.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
        })
    }

    /// An error at byte span `span` of this file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        let index = LineIndex::new(&self.text);
        let pos = index.line_col(&self.text, span.start, Encoding::Utf32);
        ConfigError {
            file: self.name.clone(),
            line: pos.line as usize + 1,
            column: pos.col as usize + 1,
            span: Some(span),
            message: message.into(),
        }
    }
}

/// A problem in a rule pack or config file. `line` and `column` are 1-based,
/// the column in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Byte span in the file, when known (the language server underlines it).
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl ConfigError {
    /// An error about a file as a whole (unreadable, missing).
    pub fn whole_file(file: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: file.into(),
            line: 1,
            column: 1,
            span: None,
            message: message.into(),
        }
    }

    /// Converts a `toml` parse error, which carries its own span.
    pub fn from_toml(source: &SourceFile, err: &toml::de::Error) -> ConfigError {
        let message = err.message().trim().to_owned();
        match err.span() {
            Some(span) => source.error(span, message),
            None => ConfigError::whole_file(&source.name, message),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// Several configuration errors, shown one per line.
#[derive(Debug, Clone)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

/// Whether rule `id` is selected by `selector`: equal, or `selector` is a prefix
/// ending at a `.` boundary (`punct` selects `punct.space`, not `punctuation`).
pub fn selects(selector: &str, id: &str) -> bool {
    id == selector
        || (id.len() > selector.len()
            && id.starts_with(selector)
            && id.as_bytes()[selector.len()] == b'.')
        || selector == "*"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_on_dot_boundaries() {
        assert!(selects("placeholder", "placeholder"));
        assert!(selects("placeholder", "placeholder.xx"));
        assert!(!selects("placeholder", "placeholders"));
        assert!(!selects("placeholder.xx", "placeholder"));
        assert!(selects("*", "typo"));
    }

    #[test]
    fn errors_name_line_and_column() {
        let src = SourceFile::new("a.toml", "x = 1\ny = 布臵\n");
        let err = src.error(10..11, "bad");
        assert_eq!(err.to_string(), "a.toml:2:5: bad");
    }
}
