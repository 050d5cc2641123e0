//! Times each rule's document-level pass on a 1 MB document, twice (the second
//! run with per-paragraph memos warm, as in the language server).
//! Run: `cargo run --release --example doc_timing`.
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::document::paragraphs;
use gwlint::rules::DocView;
use gwlint::{ProjectConfig, RuleSet};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let sources: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 1_000_000 {
        let paras: Vec<&str> = sources[n % sources.len()].split('\n').collect();
        let k = (n * 11) % paras.len();
        for p in paras[k..].iter().chain(&paras[..k]) {
            text.push_str(p);
            text.push('\n');
        }
        n += 1;
    }
    gwlint::rules::memo::enable();
    let paras = paragraphs(&text);
    let view = DocView {
        text: &text,
        paragraphs: &paras,
    };
    let specs = load_rules(&ProjectConfig::default()).unwrap();
    let mut kinds: Vec<String> = specs.iter().map(|s| s.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let group: Vec<_> = specs
            .iter()
            .filter(|s| s.kind == kind && s.enabled)
            .cloned()
            .collect();
        let rules = RuleSet::from_specs(group, &[]).unwrap();
        let t = Instant::now();
        let n1 = rules.check_document(&view).len();
        let cold = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        rules.check_document(&view);
        let warm = t.elapsed().as_secs_f64() * 1000.0;
        println!("{kind:<12} cold {cold:>7.2} ms  warm {warm:>7.2} ms  ({n1} findings)");
    }
}
