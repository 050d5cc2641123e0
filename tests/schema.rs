//! The JSON Schemas under `editors/schema/` are generated from the config types;
//! this fails when the committed copies are out of date with the code.
//! Regenerate with `cargo run -- schema --out-dir editors/schema`.

use std::path::Path;

#[test]
fn committed_schemas_match_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/schema");
    let mut stale = Vec::new();
    for (name, text) in gwlint::config::schema::schema_files() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if committed != text {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run `cargo run -- schema --out-dir editors/schema` and commit"
    );
}
