//! Times each enabled rule alone over the corpus (a profiling aid for rule authors).
//! Run: `cargo run --release --example rule_timing [MB]`.
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::{DocKind, ProjectConfig, RuleSet};

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let mut text = String::new();
    let sources: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    // GWLINT_TIMING_ONE=1: time on one corpus file repeated as separate documents.
    let one = std::env::var_os("GWLINT_TIMING_ONE").is_some();
    while text.len() < mb * 1_000_000 {
        for s in &sources {
            text.push_str(s);
            text.push('\n');
        }
        if one {
            break;
        }
    }
    let specs = load_rules(&ProjectConfig::default()).unwrap();
    let mut rows = Vec::new();
    for spec in specs.iter().filter(|s| s.enabled) {
        let rules = RuleSet::from_specs(vec![spec.clone()], &[]).unwrap();
        let t = Instant::now();
        let n = rules.check(&text, DocKind::Plain).len();
        rows.push((t.elapsed().as_secs_f64(), spec.id.to_string(), n));
    }
    let empty = RuleSet::from_specs(Vec::new(), &[]).unwrap();
    let t = Instant::now();
    empty.check(&text, DocKind::Plain);
    rows.push((
        t.elapsed().as_secs_f64(),
        "(no rules: paragraph split only)".into(),
        0,
    ));
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (secs, id, n) in rows {
        println!(
            "{:>8.1} MB/s  {id:<28} {n} findings",
            text.len() as f64 / 1e6 / secs
        );
    }
}
