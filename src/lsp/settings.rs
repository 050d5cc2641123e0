//! Settings the editor sends (`initializationOptions` and
//! `workspace/didChangeConfiguration`), layered over `.gwlint.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::ProjectConfig;

pub const DEFAULT_DEBOUNCE_MS: u64 = 80;

/// Editor-side settings. All optional; absent means "as the project file says".
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EditorSettings {
    pub disable: Vec<String>,
    pub enable: Vec<String>,
    pub severity: BTreeMap<String, String>,
    pub allow: Vec<String>,
    pub debounce_ms: Option<u64>,
    /// Language ids to check besides `plaintext` and `markdown`.
    pub languages: Vec<String>,
    /// Overrides the project's `docs_url` (`{id}` is the rule id).
    pub docs_url: Option<String>,
}

impl EditorSettings {
    /// Reads settings from a client payload: either the settings object itself or
    /// one wrapped as `{"gwlint": {...}}` (VS Code sends the section).
    pub fn from_json(value: &serde_json::Value) -> Result<EditorSettings, String> {
        let inner = value.get("gwlint").unwrap_or(value);
        if inner.is_null() {
            return Ok(EditorSettings::default());
        }
        let settings: EditorSettings =
            serde_json::from_value(inner.clone()).map_err(|e| e.to_string())?;
        if let Some(url) = &settings.docs_url {
            if crate::config::project::docs_link(url, "x").is_none() {
                return Err(format!(
                    "docsUrl 应为以 https://、http:// 或 file:// 开头的网址（可含 {{id}}），而不是 `{url}`"
                ));
            }
        }
        Ok(settings)
    }

    /// Applies the editor's settings on top of a project config.
    pub fn overlay(&self, config: &mut ProjectConfig) {
        config.disable.extend(self.disable.iter().cloned());
        config.enable.extend(self.enable.iter().cloned());
        config.allow.extend(self.allow.iter().cloned());
        if let Some(url) = &self.docs_url {
            config.docs_url = Some(toml::Spanned::new(0..0, url.clone()));
        }
        for (selector, severity) in &self.severity {
            config
                .severity
                .insert(selector.clone(), toml::Spanned::new(0..0, severity.clone()));
        }
    }

    pub fn debounce_ms(&self, config: &ProjectConfig) -> u64 {
        self.debounce_ms
            .or(config.lsp.debounce_ms)
            .unwrap_or(DEFAULT_DEBOUNCE_MS)
    }

    pub fn checks_language(&self, language_id: &str) -> bool {
        matches!(language_id, "plaintext" | "markdown" | "text")
            || self.languages.iter().any(|l| l == language_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrapped_and_bare_settings() {
        let s = EditorSettings::from_json(
            &serde_json::json!({"gwlint": {"disable": ["typo"], "debounceMs": 20}}),
        )
        .unwrap();
        assert_eq!(s.disable, ["typo"]);
        assert_eq!(s.debounce_ms, Some(20));
        let s = EditorSettings::from_json(&serde_json::json!({"languages": ["org"]})).unwrap();
        assert!(
            s.checks_language("org") && s.checks_language("markdown") && !s.checks_language("rust")
        );
        assert!(EditorSettings::from_json(&serde_json::json!({"debounceMs": "x"})).is_err());
        let bad = EditorSettings::from_json(&serde_json::json!({"docsUrl": "wiki/{id}"}));
        assert!(bad.unwrap_err().contains("docsUrl"));
    }
}
