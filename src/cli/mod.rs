//! Subcommands of the `gwlint` binary.

pub mod check;
pub mod rules;

use std::path::Path;
use std::sync::Arc;

use gwlint::config::ConfigErrors;
use gwlint::{ProjectConfig, RuleSet};

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage/config/I-O error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Options shared by commands that build a rule set.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RuleOptions {
    /// Use this config file instead of searching for `.gwlint.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Disable rules by id or id prefix (repeatable).
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,
    /// Enable rules by id or id prefix, including those off by default (repeatable).
    #[arg(long, value_name = "ID")]
    pub enable: Vec<String>,
    /// Never report this word, as `allow` in `.gwlint.toml` (repeatable).
    #[arg(long, value_name = "WORD")]
    pub allow: Vec<String>,
    /// Set the severity of rules by id or id prefix, e.g. `placeholder=warning`
    /// (repeatable; as `[severity]` in `.gwlint.toml`, which it overrides).
    #[arg(long, value_name = "ID=LEVEL", value_parser = parse_severity_override)]
    pub severity: Vec<(String, String)>,
}

fn parse_severity_override(arg: &str) -> Result<(String, String), String> {
    let (selector, level) = arg
        .split_once('=')
        .ok_or_else(|| format!("expected ID=LEVEL, got `{arg}`"))?;
    let level = level.trim();
    if gwlint::Severity::parse(level).is_none() {
        return Err(format!(
            "unknown severity `{level}` (error, warning, info or hint)"
        ));
    }
    Ok((selector.trim().to_owned(), level.to_owned()))
}

impl RuleOptions {
    /// Loads the config that applies to `start` (a file or directory): `--config`,
    /// else the nearest `.gwlint.toml`, else defaults; then applies command-line
    /// switches.
    pub fn config_for(&self, start: &Path) -> Result<ProjectConfig, ConfigErrors> {
        let mut config = match &self.config {
            Some(path) => ProjectConfig::load(path)?,
            None => match ProjectConfig::discover(start) {
                Some(path) => ProjectConfig::load(&path)?,
                None => ProjectConfig::default(),
            },
        };
        config.disable.extend(self.disable.iter().cloned());
        config.enable.extend(self.enable.iter().cloned());
        config.allow.extend(self.allow.iter().cloned());
        for (selector, level) in &self.severity {
            config
                .severity
                .insert(selector.clone(), toml::Spanned::new(0..0, level.clone()));
        }
        Ok(config)
    }

    pub fn rules_for(&self, start: &Path) -> Result<(ProjectConfig, Arc<RuleSet>), ConfigErrors> {
        let config = self.config_for(start)?;
        let rules = RuleSet::from_config(&config)?;
        Ok((config, Arc::new(rules)))
    }
}

pub fn print_config_errors(errors: &ConfigErrors) {
    for e in &errors.0 {
        eprintln!("{}:{}:{}: error: {}", e.file, e.line, e.column, e.message);
    }
}
