//! gwlint: checks Chinese official writing (公文) for wrong characters, unfilled
//! placeholders, numbering slips and other errors. The CLI, the language server and
//! the tests all go through this library.

pub mod builtin;
pub mod config;
pub mod document;
pub mod dup;
pub mod engine;
pub mod finding;
pub mod lexicon;
pub mod lsp;
pub mod outline;
mod par;
pub mod position;
pub mod report;
pub mod rules;
pub mod selftest;

pub use config::ProjectConfig;
pub use document::DocKind;
pub use engine::RuleSet;
pub use finding::{Finding, Fix, Severity};
