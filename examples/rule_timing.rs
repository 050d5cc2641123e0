//! Rule timing for rule authors.
//!
//! `cargo run --release --example rule_timing [MB]`: MB/s of each enabled rule
//! alone over the corpus repeated to MB megabytes (default 5).
//! `cargo run --release --example rule_timing MB PREFIX…`: the rules whose ids
//! start with any PREFIX (or equal ID, written `ID$`), together, as CPU time
//! per byte (best of five runs, for a shared machine).
//! With `GWLINT_TIMING_FILES=1` the corpus is checked file by file, as
//! `gwlint check` and the throughput benchmark see it, instead of as one
//! document.
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::{DocKind, ProjectConfig, RuleSet};

/// The texts to check: one document of `mb` megabytes, or (with
/// `GWLINT_TIMING_FILES`) the corpus files repeated to that size.
fn documents(mb: usize) -> Vec<String> {
    if std::env::var_os("GWLINT_TIMING_FILES").is_none() {
        return vec![corpus(mb)];
    }
    let sources = sources();
    let mut docs = Vec::new();
    let mut total = 0;
    while total < mb * 1_000_000 {
        for s in &sources {
            total += s.len();
            docs.push(s.clone());
        }
    }
    docs
}

fn check_all(rules: &RuleSet, docs: &[String]) -> usize {
    docs.iter()
        .map(|d| rules.check(d, DocKind::Plain).len())
        .sum()
}

fn sources() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn corpus(mb: usize) -> String {
    let sources = sources();
    let mut text = String::new();
    while text.len() < mb * 1_000_000 {
        for s in &sources {
            text.push_str(s);
            text.push('\n');
        }
    }
    text
}

/// CPU seconds of the calling thread (nanosecond resolution: `/proc`'s 10 ms
/// ticks would be a 2 ns/byte step at 5 MB).
fn cpu_seconds() -> f64 {
    gwlint::lsp::thread_cpu_ms() / 1e3
}

/// `PREFIX` selects ids starting with it; `ID$` selects that id alone.
fn selects(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('$') {
        Some(exact) => id == exact,
        None => id.starts_with(pattern),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mb: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5);
    let prefixes = args.get(1..).unwrap_or_default();
    let docs = documents(mb);
    let bytes: usize = docs.iter().map(String::len).sum();
    let specs = load_rules(&ProjectConfig::default()).unwrap();
    if !prefixes.is_empty() {
        let chosen: Vec<_> = specs
            .into_iter()
            .filter(|s| s.enabled && prefixes.iter().any(|p| selects(p, &s.id)))
            .collect();
        let ids: Vec<String> = chosen.iter().map(|s| s.id.to_string()).collect();
        let rules = RuleSet::from_specs(chosen, &[]).unwrap();
        let best = (0..5)
            .map(|_| {
                let start = cpu_seconds();
                check_all(&rules, &docs);
                cpu_seconds() - start
            })
            .fold(f64::MAX, f64::min);
        println!(
            "{:.2} ns/byte of CPU time ({:.1} MB/s): {}",
            best * 1e9 / bytes as f64,
            bytes as f64 / 1e6 / best,
            ids.join(", ")
        );
        return;
    }
    let mut rows = Vec::new();
    for spec in specs.iter().filter(|s| s.enabled) {
        let rules = RuleSet::from_specs(vec![spec.clone()], &[]).unwrap();
        let t = Instant::now();
        let n = check_all(&rules, &docs);
        rows.push((t.elapsed().as_secs_f64(), spec.id.to_string(), n));
    }
    let empty = RuleSet::from_specs(Vec::new(), &[]).unwrap();
    let t = Instant::now();
    check_all(&empty, &docs);
    rows.push((
        t.elapsed().as_secs_f64(),
        "(no rules: paragraph split only)".into(),
        0,
    ));
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (secs, id, n) in rows {
        println!(
            "{:>8.1} MB/s  {id:<28} {n} findings",
            bytes as f64 / 1e6 / secs
        );
    }
}
