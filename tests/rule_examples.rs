//! Every built-in rule's declared examples hold: `bad` texts trigger it, `good`
//! texts do not.

use gwlint::config::load_rules;
use gwlint::selftest::check_examples;
use gwlint::ProjectConfig;

#[test]
fn builtin_rule_examples_behave_as_declared() {
    let specs = load_rules(&ProjectConfig::default()).expect("built-in packs load");
    let failures = check_examples(&specs);
    let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn every_builtin_rule_has_examples_both_ways() {
    let specs = load_rules(&ProjectConfig::default()).expect("built-in packs load");
    assert!(!specs.is_empty());
    for spec in &specs {
        assert!(
            !spec.examples.bad.is_empty(),
            "{} has no bad examples",
            spec.id
        );
        assert!(
            !spec.examples.good.is_empty(),
            "{} has no good examples",
            spec.id
        );
        assert!(
            !spec.summary.is_empty() && !spec.message.is_empty(),
            "{}",
            spec.id
        );
    }
}
