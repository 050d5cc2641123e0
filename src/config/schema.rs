//! JSON Schemas for `.gwlint.toml` and rule packs, generated from the types that
//! parse them, so editors (Even Better TOML) complete and validate exactly what
//! gwlint accepts. The committed copies live in `editors/schema/`; a test fails
//! when they drift from the code.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;

use super::pack::PackFile;
use super::ProjectConfig;

/// File name of the `.gwlint.toml` schema under `editors/schema/`.
pub const CONFIG_SCHEMA_FILE: &str = "gwlint-config.schema.json";
/// File name of the rule-pack schema under `editors/schema/`.
pub const PACK_SCHEMA_FILE: &str = "gwlint-rule-pack.schema.json";

// Schema only; parsing goes through `Severity::parse`.
/// Severity of findings: error, warning, info or hint.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum SeverityName {
    Error,
    Warning,
    Info,
    Hint,
}

/// Any TOML table (kind-specific options the schema cannot know).
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(crate) struct AnyTable(serde_json::Map<String, Value>);

/// The schema of `.gwlint.toml`.
pub fn config_schema() -> Value {
    finish(
        SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<ProjectConfig>(),
    )
}

/// The schema of a rule pack, with `kind` limited to the kinds this build knows.
pub fn pack_schema() -> Value {
    let mut schema = finish(
        SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<PackFile>(),
    );
    let kinds: Vec<Value> = crate::rules::KINDS
        .iter()
        .map(|(name, _)| Value::String((*name).to_owned()))
        .collect();
    if let Some(kind) = schema.pointer_mut("/definitions/RawRule/properties/kind") {
        kind["enum"] = Value::Array(kinds);
    }
    schema
}

/// Both schemas as `(file name, pretty JSON with a final newline)`.
pub fn schema_files() -> Vec<(&'static str, String)> {
    [
        (CONFIG_SCHEMA_FILE, config_schema()),
        (PACK_SCHEMA_FILE, pack_schema()),
    ]
    .into_iter()
    .map(|(name, value)| {
        let mut text = serde_json::to_string_pretty(&value).expect("schema serializes");
        text.push('\n');
        (name, text)
    })
    .collect()
}

/// TOML has no null: drop the `null` alternatives schemars adds for `Option`.
fn finish(schema: schemars::Schema) -> Value {
    let mut value = schema.to_value();
    strip_null(&mut value);
    value
}

fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".to_owned(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = map.get_mut(key) {
                    alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                    if alts.len() == 1 {
                        let only = alts.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            for v in map.values_mut() {
                strip_null(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_schema_rejects_unknown_keys_and_names_severities() {
        let s = config_schema();
        assert_eq!(s["additionalProperties"], false);
        let sev = &s["properties"]["severity"]["additionalProperties"];
        let name = sev["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        let values = &s["definitions"][name]["enum"];
        assert_eq!(
            values,
            &serde_json::json!(["error", "warning", "info", "hint"])
        );
        assert!(!s.to_string().contains("\"null\""));
    }

    #[test]
    fn pack_schema_lists_the_known_kinds() {
        let s = pack_schema();
        let kinds = &s["definitions"]["RawRule"]["properties"]["kind"]["enum"];
        assert!(kinds.as_array().unwrap().iter().any(|k| k == "dictionary"));
        let required = &s["definitions"]["RawRule"]["required"];
        assert!(required.as_array().unwrap().iter().any(|r| r == "severity"));
    }
}
