//! The per-project file `.gwlint.toml`, found by walking up from a checked file.
//!
//! ```toml
//! packs = ["rules/our-terms.toml"]   # more rule packs, relative to this file
//! builtin = true                     # load the built-in packs (default)
//! disable = ["punctuation.space"]    # rule ids or id prefixes
//! enable = ["variants"]              # turn on rules that are off by default
//! allow = ["登陆"]                    # words never reported
//! ignore = ["drafts/**"]             # paths not checked (gitignore syntax)
//! [severity]
//! "placeholder" = "warning"          # by id or id prefix; the longest prefix wins
//! [params."outline.form"]
//! arabic_dunhao = true               # per-rule parameters, merged over the pack's
//! [lsp]
//! debounce_ms = 100
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::schema::{AnyTable, SeverityName};
use super::{ConfigError, SourceFile};

pub const FILE_NAME: &str = ".gwlint.toml";

/// Settings for `gwlint lsp`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LspSettings {
    /// Milliseconds to wait after an edit before re-checking (editor settings override it).
    pub debounce_ms: Option<u64>,
}

/// The parsed `.gwlint.toml`. Paths in it are relative to `dir`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "gwlint project configuration (.gwlint.toml)",
    description = "Rule packs, rule switches, severities and allowed words for the documents in this folder and below. Every key is optional."
)]
pub struct ProjectConfig {
    /// More rule packs, relative to this file.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub packs: Vec<Spanned<String>>,
    /// Load the built-in packs.
    #[serde(default = "yes")]
    pub builtin: bool,
    /// Rule ids or id prefixes to switch off (`placeholder` selects `placeholder.x`).
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule ids or id prefixes to switch on, including rules that are off by default.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Words never reported: a finding inside one is dropped.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Paths not checked (gitignore syntax, relative to this file).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity by rule id or id prefix; the most specific selector wins.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, SeverityName>")]
    pub severity: BTreeMap<String, Spanned<String>>,
    /// Per-rule parameters by rule id, merged over the pack's `[rule.params]`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, AnyTable>")]
    pub params: BTreeMap<String, toml::Table>,
    /// Where each rule's documentation lives: `{id}` is replaced by the rule id
    /// (`https://wiki.example.org/gwlint/{id}`). Editors link a diagnostic's code
    /// to it; SARIF reports it as the rule's help URI.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub docs_url: Option<Spanned<String>>,
    /// Settings for the language server (`gwlint lsp`).
    #[serde(default)]
    pub lsp: LspSettings,
    /// Directory the file lives in (not read from TOML).
    #[serde(skip)]
    pub dir: PathBuf,
    #[serde(skip)]
    pub source: Option<Arc<SourceFile>>,
}

fn yes() -> bool {
    true
}

impl Default for ProjectConfig {
    fn default() -> Self {
        ProjectConfig {
            packs: Vec::new(),
            builtin: true,
            disable: Vec::new(),
            enable: Vec::new(),
            allow: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            params: BTreeMap::new(),
            docs_url: None,
            lsp: LspSettings::default(),
            dir: PathBuf::from("."),
            source: None,
        }
    }
}

/// The documentation link of rule `id` from a `docs_url` template, if the
/// template is a usable absolute URL.
pub fn docs_link(template: &str, id: &str) -> Option<String> {
    let url = template.replace("{id}", id);
    let rest = ["https://", "http://", "file://"]
        .iter()
        .find_map(|scheme| url.strip_prefix(scheme))?;
    (!rest.is_empty() && !url.contains(char::is_whitespace)).then_some(url)
}

impl ProjectConfig {
    /// Parses config text; `path` names it in errors and anchors relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<ProjectConfig, ConfigError> {
        let source = SourceFile::new(path.display().to_string(), text);
        let mut config: ProjectConfig =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(&source, &e))?;
        for (selector, sev) in &config.severity {
            if crate::finding::Severity::parse(sev.get_ref()).is_none() {
                return Err(source.error(
                    sev.span(),
                    format!(
                        "`{selector}` 的严重程度 `{}` 无效：应为 error、warning、info 或 hint",
                        sev.get_ref()
                    ),
                ));
            }
        }
        if let Some(url) = &config.docs_url {
            if docs_link(url.get_ref(), "x").is_none() {
                return Err(source.error(
                    url.span(),
                    format!(
                        "`docs_url` 应为以 https://、http:// 或 file:// 开头的网址（可含 {{id}}），而不是 `{}`",
                        url.get_ref()
                    ),
                ));
            }
        }
        config.dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        config.source = Some(source);
        Ok(config)
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<ProjectConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::whole_file(path.display().to_string(), format!("无法读取配置文件：{e}"))
        })?;
        ProjectConfig::parse(path, &text)
    }

    /// The nearest `.gwlint.toml` in `start` or its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        // A document open in an editor may not exist on disk yet: look from its folder.
        let start = if start.is_dir() {
            start
        } else {
            start.parent()?
        };
        let start = std::fs::canonicalize(start).ok()?;
        start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    /// Paths of the extra packs, resolved against the config's directory.
    pub fn pack_paths(&self) -> Vec<(PathBuf, std::ops::Range<usize>)> {
        self.packs
            .iter()
            .map(|p| (self.dir.join(p.get_ref()), p.span()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_keys() {
        let cfg = ProjectConfig::parse(
            Path::new("/p/.gwlint.toml"),
            "packs = [\"x.toml\"]\ndisable = [\"punctuation\"]\nallow = [\"登陆\"]\n[severity]\nplaceholder = \"warning\"\n[lsp]\ndebounce_ms = 50\n",
        )
        .unwrap();
        assert_eq!(cfg.pack_paths()[0].0, PathBuf::from("/p/x.toml"));
        assert_eq!(cfg.disable, ["punctuation"]);
        assert_eq!(cfg.lsp.debounce_ms, Some(50));
        assert!(cfg.builtin);
    }

    #[test]
    fn docs_url_is_checked_and_filled_in() {
        let c = ProjectConfig::parse(
            Path::new("c.toml"),
            "docs_url = \"https://wiki.example.org/gwlint/{id}\"\n",
        )
        .unwrap();
        let template = c.docs_url.unwrap().into_inner();
        assert_eq!(
            docs_link(&template, "typo.idiom").as_deref(),
            Some("https://wiki.example.org/gwlint/typo.idiom")
        );
        let e =
            ProjectConfig::parse(Path::new("c.toml"), "docs_url = \"wiki/{id}\"\n").unwrap_err();
        assert!(e.to_string().contains("docs_url"), "{e}");
        assert!(e.to_string().contains("c.toml:1:"), "{e}");
    }

    #[test]
    fn rejects_bad_severity_and_unknown_keys() {
        let e =
            ProjectConfig::parse(Path::new("c.toml"), "[severity]\ntypo = \"loud\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        let e = ProjectConfig::parse(Path::new("c.toml"), "disabled = []\n").unwrap_err();
        assert!(e.message.contains("disabled"), "{e}");
    }
}
