//! The README's rule table is generated from the rule packs: this test fails when
//! it is stale. `GWLINT_UPDATE_README=1 cargo test --test readme` rewrites it.

mod common;

use std::fs;

#[test]
fn readme_rule_table_is_current() {
    let out = common::run(&["rules", "--all", "--markdown"], None, None);
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- rules:start").expect("rules:start marker");
    let start = start + readme[start..].find('\n').unwrap() + 1;
    let end = readme.find("<!-- rules:end -->").expect("rules:end marker");
    if std::env::var_os("GWLINT_UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..start], table, &readme[end..]);
        fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..end] == table,
        "README rule table is stale: run GWLINT_UPDATE_README=1 cargo test --test readme"
    );
}
