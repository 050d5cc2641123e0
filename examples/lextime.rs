//! Times the named rules together over the corpus repeated to MB megabytes,
//! reporting CPU time (best of five; the VM is shared). A profiling aid.
//! Run: `cargo run --release --example lextime 20 typo.idiom typo.word`.
use gwlint::config::load_rules;
use gwlint::{DocKind, ProjectConfig, RuleSet};
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mb: usize = args[0].parse().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let sources: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let mut text = String::new();
    while text.len() < mb * 1_000_000 {
        for s in &sources {
            text.push_str(s);
            text.push('\n');
        }
    }
    let specs: Vec<_> = load_rules(&ProjectConfig::default())
        .unwrap()
        .into_iter()
        .filter(|s| s.enabled && args[1..].iter().any(|a| &*s.id == a))
        .collect();
    let rules = RuleSet::from_specs(specs, &[]).unwrap();
    let cpu = || -> f64 {
        {
            let st = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            let f: Vec<&str> = st.rsplit(')').next().unwrap().split_whitespace().collect();
            (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
        }
    };
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let c0 = cpu();
        n = rules.check(&text, DocKind::Plain).len();
        let _ = t.elapsed();
        best = best.min(cpu() - c0);
    }
    let secs = best;
    println!(
        "{:.1} MB/s ({:.2} ns/B) {n} findings",
        text.len() as f64 / 1e6 / secs,
        secs * 1e9 / text.len() as f64
    );
}
