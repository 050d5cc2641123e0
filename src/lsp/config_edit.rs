//! Edits to `.gwlint.toml` made by code actions ("disable this rule", "allow this
//! word"), preserving the file's comments and layout.

use toml_edit::{Array, DocumentMut, Item, Value};

/// Adds `value` to the string array `key` of a config text (creating the key, or the
/// whole file when `text` is empty). Returns the new text, or `None` when the value
/// is already there or the text is not valid TOML.
pub fn add_to_list(text: &str, key: &str, value: &str) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    let item = doc
        .entry(key)
        .or_insert(Item::Value(Value::Array(Array::new())));
    let array = item.as_array_mut()?;
    if array.iter().any(|v| v.as_str() == Some(value)) {
        return None;
    }
    array.push(value);
    Some(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_and_extends_lists_keeping_comments() {
        assert_eq!(
            add_to_list("", "disable", "typo").unwrap(),
            "disable = [\"typo\"]\n"
        );
        let text = "# 本单位配置\ndisable = [\"a\"] # 注释\n[severity]\ntypo = \"info\"\n";
        let out = add_to_list(text, "disable", "placeholder.x").unwrap();
        assert!(
            out.starts_with("# 本单位配置\ndisable = [\"a\", \"placeholder.x\"] # 注释\n"),
            "{out}"
        );
        assert!(out.contains("[severity]\ntypo = \"info\""));
        let out = add_to_list(text, "allow", "登陆").unwrap();
        assert!(out.contains("allow = [\"登陆\"]"), "{out}");
        assert!(toml::from_str::<toml::Table>(&out).is_ok());
        assert_eq!(add_to_list("disable = [\"a\"]\n", "disable", "a"), None);
        assert_eq!(add_to_list("disable = [", "disable", "a"), None);
    }
}
