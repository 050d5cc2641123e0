//! Time to build the built-in rules, kind by kind (the language server pays it
//! before its first lint, `gwlint check` before its first file).
//! Run: `cargo run --release --example load_timing [KIND…]`; a kind named is
//! also timed rule by rule.
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::{ProjectConfig, RuleSet};

fn main() {
    let t = Instant::now();
    let specs = load_rules(&ProjectConfig::default()).unwrap();
    println!("parse rule packs  {:7.2} ms", ms(t));
    let enabled: Vec<_> = specs.into_iter().filter(|s| s.enabled).collect();
    let kinds = gwlint::rules::by_kind(&enabled);
    for (kind, group) in kinds {
        let t = Instant::now();
        RuleSet::from_specs(group.clone(), &[]).unwrap();
        println!("{kind:<17} {:7.2} ms", ms(t));
        if std::env::args().any(|a| a == kind) {
            for spec in group {
                let t = Instant::now();
                let id = spec.id.clone();
                RuleSet::from_specs(vec![spec], &[]).unwrap();
                println!("    {id:<40} {:7.2} ms", ms(t));
            }
        }
    }
    let t = Instant::now();
    RuleSet::builtin();
    println!("all (builtin)     {:7.2} ms", ms(t));
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}
