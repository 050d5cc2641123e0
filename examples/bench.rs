//! Throughput benchmark: `check` with all built-in rules, one thread, on a
//! ~20 MB text made by repeating the corpus files; plus the time for one 60 KB
//! file and the peak resident memory.
//!
//! cargo run --release --example bench [-- --no-lexicon]
//! `--no-lexicon` leaves out the lexicon-backed kinds (idiom, word-typo,
//! particle), so the two runs show what the lexicon costs.
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::{DocKind, ProjectConfig, RuleSet};

fn rss_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let no_lexicon = std::env::args().any(|a| a == "--no-lexicon");
    let specs: Vec<_> = load_rules(&ProjectConfig::default())
        .unwrap()
        .into_iter()
        .filter(|s| !no_lexicon || !matches!(s.kind.as_str(), "idiom" | "word-typo" | "particle"))
        .collect();
    let t0 = Instant::now();
    let rules = RuleSet::from_specs(specs, &[]).unwrap();
    let build = t0.elapsed();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();

    // One ~60 KB file (the first corpus file is 61 KB), first run: cold caches.
    let t = Instant::now();
    let n60 = rules.check(&texts[0], DocKind::Plain).len();
    let one = t.elapsed();

    let mut big = String::new();
    while big.len() < 20_000_000 {
        for t in &texts {
            big.push_str(t);
            big.push('\n');
        }
    }
    let t = Instant::now();
    let n = rules.check(&big, DocKind::Plain).len();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "rules: {} ({}), build {:.1} ms",
        rules.rules().len(),
        if no_lexicon {
            "without lexicon kinds"
        } else {
            "all"
        },
        build.as_secs_f64() * 1e3
    );
    println!(
        "60 KB file ({} bytes): {:.1} ms, {n60} findings",
        texts[0].len(),
        one.as_secs_f64() * 1e3
    );
    println!(
        "{:.1} MB in {:.3} s = {:.1} MB/s, {n} findings",
        big.len() as f64 / 1e6,
        secs,
        big.len() as f64 / 1e6 / secs
    );
    println!(
        "RSS {} MB, peak {} MB",
        rss_kb("VmRSS:") / 1024,
        rss_kb("VmHWM:") / 1024
    );
}
