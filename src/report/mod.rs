//! Renders findings for people and machines: human, JSON Lines, SARIF, GitHub.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use crate::document::SourceEncoding;
use crate::finding::Finding;
use crate::position::{Encoding, LineIndex};

/// The result of checking one file (or standard input).
pub struct FileReport {
    /// The name shown to the user (`-` or `<stdin>` for standard input).
    pub path: String,
    /// The original text (not masked), for showing source lines.
    pub text: String,
    pub encoding: SourceEncoding,
    pub findings: Vec<Finding>,
}

/// A finding's span as 1-based lines and character columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl FileReport {
    pub fn line_index(&self) -> LineIndex {
        LineIndex::new(&self.text)
    }

    pub fn locate(&self, index: &LineIndex, span: &std::ops::Range<usize>) -> Location {
        let start = index.line_col(&self.text, span.start, Encoding::Utf32);
        let end = index.line_col(&self.text, span.end, Encoding::Utf32);
        Location {
            line: start.line as usize + 1,
            column: start.col as usize + 1,
            end_line: end.line as usize + 1,
            end_column: end.col as usize + 1,
        }
    }
}

/// Output formats of `gwlint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Writes all reports in the chosen format.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    reports: &[FileReport],
    color: bool,
    rules: &crate::RuleSet,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, reports, color),
        Format::Json => json::write(out, reports),
        Format::Sarif => sarif::write(out, reports, rules),
        Format::Github => github::write(out, reports),
    }
}
