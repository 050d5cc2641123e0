//! `gwlint check --allow/--severity`: the command-line twins of `allow` and
//! `[severity]`, used by the VS Code extension's workspace check so that it
//! reports what the language server reports for the same editor settings.

mod common;

use common::*;

#[test]
fn allow_and_severity_flags_apply_like_the_project_file() {
    let text = "请X同志和**县参加。".as_bytes();
    let out = run(&["check", "--format", "json", "-"], Some(text), None);
    let all = json_findings(&out);
    assert_eq!(summary(&all).len(), 2, "{all:?}");

    let out = run(
        &[
            "check",
            "--format",
            "json",
            "--allow",
            "**县",
            "--severity",
            "placeholder=hint",
            "--fail-on",
            "info",
            "-",
        ],
        Some(text),
        None,
    );
    let found = json_findings(&out);
    assert_eq!(
        summary(&found),
        vec![("placeholder.x".to_owned(), 1, 2, "X".to_owned())]
    );
    assert_eq!(found[0]["severity"], "hint");
    // Only a hint is left, below --fail-on info.
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_bad_severity_flag_is_a_usage_error() {
    let out = run(&["check", "--severity", "typo=loud", "-"], Some(b""), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loud"));
    let out = run(&["check", "--severity", "typo", "-"], Some(b""), None);
    assert_eq!(out.status.code(), Some(2));
}
