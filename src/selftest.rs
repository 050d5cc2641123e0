//! Checks that every rule behaves as its own `examples` declare: each `bad` text
//! triggers the rule, each `good` text does not. Run by the test suite for the
//! built-in packs, by `gwlint test-rules` for a user's packs, and by the language
//! server while a rule file is being edited.

use crate::config::{ConfigError, RuleSpec};
use crate::engine::RuleSet;

/// Checks the examples of every rule in `specs` (disabled rules included: their
/// examples must hold whenever someone turns them on).
pub fn check_examples(specs: &[RuleSpec]) -> Vec<ConfigError> {
    let mut failures = Vec::new();
    for spec in specs {
        let mut alone = spec.clone();
        alone.enabled = true;
        let rules = match RuleSet::from_specs(vec![alone], &[]) {
            Ok(r) => r,
            Err(errs) => {
                failures.extend(errs.0);
                continue;
            }
        };
        for bad in &spec.examples.bad {
            let hits = rules
                .check(bad.get_ref(), crate::DocKind::Plain)
                .into_iter()
                .filter(|f| f.rule == spec.id)
                .count();
            if hits == 0 {
                failures.push(spec.error(
                    bad.span(),
                    format!(
                        "示例应触发规则 `{}`，但没有触发：{}",
                        spec.id,
                        bad.get_ref()
                    ),
                ));
            }
        }
        for good in &spec.examples.good {
            let found: Vec<String> = rules
                .check(good.get_ref(), crate::DocKind::Plain)
                .into_iter()
                .filter(|f| f.rule == spec.id)
                .map(|f| good.get_ref()[f.span].to_owned())
                .collect();
            if !found.is_empty() {
                failures.push(spec.error(
                    good.span(),
                    format!(
                        "示例不应触发规则 `{}`，但报告了“{}”：{}",
                        spec.id,
                        found.join("”“"),
                        good.get_ref()
                    ),
                ));
            }
        }
    }
    failures
}
