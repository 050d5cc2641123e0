//! Diagnostics for configuration files open in the editor: `.gwlint.toml` and rule
//! packs — TOML syntax, unknown keys, invalid regexes, bad severities, duplicate
//! dictionary entries, and examples that do not behave as declared.

use std::path::Path;

use crate::config::pack::parse_pack;
use crate::config::{ConfigError, ProjectConfig, SourceFile};
use crate::engine::RuleSet;
use crate::finding::Severity;
use crate::selftest::check_examples;

/// What kind of configuration file a document is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFileKind {
    Project,
    RulePack,
}

/// Recognises `.gwlint.toml` by name, and rule packs as TOML with `[[rule]]` tables.
pub fn classify(path: &Path, text: &str) -> Option<ConfigFileKind> {
    let name = path.file_name()?.to_str()?;
    if name == crate::config::project::FILE_NAME {
        return Some(ConfigFileKind::Project);
    }
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let has_rules = text.lines().any(|l| l.trim_start().starts_with("[[rule]]"));
    (is_toml && has_rules).then_some(ConfigFileKind::RulePack)
}

/// A problem in a configuration file, with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigProblem {
    pub span: std::ops::Range<usize>,
    pub severity: Severity,
    pub message: String,
}

impl ConfigProblem {
    fn from_error(e: ConfigError, text: &str, severity: Severity) -> ConfigProblem {
        let span = e.span.clone().unwrap_or(0..text.len().min(1));
        ConfigProblem {
            span,
            severity,
            message: e.message,
        }
    }
}

/// Checks a configuration file's text as it stands in the editor.
pub fn check(path: &Path, text: &str, kind: ConfigFileKind) -> Vec<ConfigProblem> {
    match kind {
        ConfigFileKind::Project => match ProjectConfig::parse(path, text) {
            Err(e) => vec![ConfigProblem::from_error(e, text, Severity::Error)],
            Ok(config) => match RuleSet::from_config(&config) {
                Ok(_) => Vec::new(),
                // Errors in the packs it names belong to those files; point at the
                // reference here when the pack is this file's, else at the top.
                Err(errors) => errors
                    .0
                    .into_iter()
                    .map(|e| {
                        let here = e.file == path.display().to_string();
                        let message = if here {
                            e.message.clone()
                        } else {
                            format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message)
                        };
                        ConfigProblem {
                            span: if here {
                                e.span.clone().unwrap_or(0..0)
                            } else {
                                0..0
                            },
                            severity: Severity::Error,
                            message,
                        }
                    })
                    .collect(),
            },
        },
        ConfigFileKind::RulePack => check_pack(path, text),
    }
}

fn check_pack(path: &Path, text: &str) -> Vec<ConfigProblem> {
    let source = SourceFile::new(path.display().to_string(), text);
    let specs = match parse_pack(&source) {
        Ok(specs) => specs,
        Err(errors) => {
            return errors
                .into_iter()
                .map(|e| ConfigProblem::from_error(e, text, Severity::Error))
                .collect()
        }
    };
    let mut problems = Vec::new();
    // Building reports invalid regexes and bad params at their positions.
    if let Err(errors) = RuleSet::from_specs(
        specs
            .iter()
            .cloned()
            .map(|mut s| {
                s.enabled = true;
                s
            })
            .collect(),
        &[],
    ) {
        problems.extend(
            errors
                .0
                .into_iter()
                .map(|e| ConfigProblem::from_error(e, text, Severity::Error)),
        );
        return problems;
    }
    // The same wrong form in two dictionary rules: the later silently wins.
    let mut seen: std::collections::HashMap<&str, &str> = Default::default();
    for spec in specs.iter().filter(|s| s.kind == "dictionary") {
        for entry in &spec.entries {
            if let Some(first) = seen.insert(&entry.wrong, &spec.id) {
                problems.push(ConfigProblem {
                    span: entry.span.clone(),
                    severity: Severity::Warning,
                    message: format!(
                        "词条“{}”已在规则 `{first}` 中定义，这里的定义会覆盖它",
                        entry.wrong
                    ),
                });
            }
        }
    }
    problems.extend(
        check_examples(&specs)
            .into_iter()
            .map(|e| ConfigProblem::from_error(e, text, Severity::Error)),
    );
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "[[rule]]\nid = \"t\"\nkind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n";

    #[test]
    fn classifies_files() {
        assert_eq!(
            classify(Path::new("/p/.gwlint.toml"), ""),
            Some(ConfigFileKind::Project)
        );
        assert_eq!(
            classify(Path::new("/p/x.toml"), RULE),
            Some(ConfigFileKind::RulePack)
        );
        assert_eq!(classify(Path::new("/p/Cargo.toml"), "[package]"), None);
    }

    #[test]
    fn reports_invalid_regex_and_failing_examples_at_their_spans() {
        let text = format!("{RULE}pattern = '(a'\n");
        let problems = check(Path::new("x.toml"), &text, ConfigFileKind::RulePack);
        assert_eq!(problems.len(), 1);
        assert_eq!(&text[problems[0].span.clone()], "(");
        let text = format!("{RULE}pattern = 'XX'\nexamples.bad = [\"没有\"]\n");
        let problems = check(Path::new("x.toml"), &text, ConfigFileKind::RulePack);
        assert_eq!(&text[problems[0].span.clone()], "\"没有\"");
    }

    #[test]
    fn reports_duplicate_dictionary_entries() {
        let text = "[[rule]]\nid = \"a\"\nkind = \"dictionary\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.entries]\n\"布臵\" = \"布置\"\n[[rule]]\nid = \"b\"\nkind = \"dictionary\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.entries]\n\"布臵\" = \"布置\"\n";
        let problems = check(Path::new("x.toml"), text, ConfigFileKind::RulePack);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].severity, Severity::Warning);
        assert!(problems[0].span.start > text.find("id = \"b\"").unwrap());
    }

    #[test]
    fn reports_project_config_errors() {
        let problems = check(
            Path::new("/p/.gwlint.toml"),
            "disable = 3\n",
            ConfigFileKind::Project,
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].span.start, 10);
    }
}
