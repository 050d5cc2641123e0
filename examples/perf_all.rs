//! Runs every default rule over the corpus repeated to N MB (a profiling target).
//! Run: `cargo run --release --example perf_all [MB]`.
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::{DocKind, ProjectConfig, RuleSet};

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let mut sources: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    sources.sort();
    // GWLINT_ONLY=a.,b.: only rules whose id starts with one of these prefixes.
    let only = std::env::var("GWLINT_ONLY").ok();
    let specs = load_rules(&ProjectConfig::default()).unwrap();
    let specs = specs
        .into_iter()
        .filter(|s| {
            only.as_deref()
                .is_none_or(|o| o.split(',').any(|p| s.id.starts_with(p)))
        })
        .collect();
    let rules = RuleSet::from_specs(specs, &[]).unwrap();
    let mut total = 0;
    let mut findings = 0;
    let t = Instant::now();
    let mut n = 0;
    while total < mb * 1_000_000 {
        let src = &sources[n % sources.len()];
        findings += rules.check(src, DocKind::Plain).len();
        total += src.len();
        n += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{:.1} MB in {secs:.2} s: {:.1} MB/s, {findings} findings",
        total as f64 / 1e6,
        total as f64 / 1e6 / secs
    );
}
