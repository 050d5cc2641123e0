//! Throughput of `check` over a ~20 MB corpus built from ../shared/corpus (or the
//! copy in tests/fixtures/corpus): MB/s single-threaded and with all threads, for
//! the curated dictionary + placeholder rules and for every rule.
//!
//! Run: `cargo bench --bench throughput` (set GWLINT_BENCH_MB to change the size).

use std::path::{Path, PathBuf};
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::document::decode;
use gwlint::{DocKind, ProjectConfig, RuleSet};
use rayon::prelude::*;

fn corpus_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/corpus");
    if shared.is_dir() {
        shared
    } else {
        root.join("tests/fixtures/corpus")
    }
}

/// Peak resident memory of this process (Linux `VmHWM`).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l[6..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn corpus_files() -> Vec<String> {
    let dir = corpus_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Files of realistic size (the corpus files, each varied a little so that the
/// set is not one text repeated) adding up to `target` bytes.
fn build_corpus(target: usize) -> Vec<Vec<u8>> {
    let sources = corpus_files();
    let mut files = Vec::new();
    let mut total = 0;
    let mut n = 0usize;
    while total < target {
        let src = &sources[n % sources.len()];
        // Rotate paragraphs so every copy differs in order.
        let paras: Vec<&str> = src.split('\n').collect();
        let k = (n * 7) % paras.len().max(1);
        let text = paras[k..]
            .iter()
            .chain(&paras[..k])
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        total += text.len();
        files.push(text.into_bytes());
        n += 1;
    }
    files
}

/// The default rules, or only those `keep` accepts.
fn rules_where(keep: impl Fn(&str) -> bool) -> RuleSet {
    let specs = load_rules(&ProjectConfig::default())
        .expect("rules load")
        .into_iter()
        .filter(|s| keep(&s.id))
        .collect();
    RuleSet::from_specs(specs, &[]).expect("rules build")
}

fn check_all(rules: &RuleSet, files: &[Vec<u8>]) -> usize {
    files
        .iter()
        .map(|bytes| {
            let (text, _) = decode(bytes).unwrap();
            rules.check(&text, DocKind::Plain).len()
        })
        .sum()
}

/// CPU time of the calling thread, from /proc (Linux): on a busy machine the
/// wall clock also counts time spent waiting for a core.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn measure(label: &str, rules: &RuleSet, files: &[Vec<u8>], threads: usize) {
    let bytes: usize = files.iter().map(Vec::len).sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut findings = 0;
    let runs = if files.len() < 20 { 1 } else { 3 };
    for _ in 0..runs {
        let cpu_start = thread_cpu_seconds();
        let start = Instant::now();
        // One thread runs here, so that its CPU time can be read.
        findings = if threads == 1 {
            check_all(rules, files)
        } else {
            pool.install(|| files.par_chunks(1).map(|c| check_all(rules, c)).sum())
        };
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
    }
    let cpu = if threads == 1 && best_cpu > 0.0 && best_cpu < f64::MAX {
        format!(", {:.1} MB/s of CPU time", bytes as f64 / 1e6 / best_cpu)
    } else {
        String::new()
    };
    println!(
        "{label:<34} threads={threads}  {:>7.1} MB/s  ({:.1} MB in {:.3} s{cpu}, {findings} findings)",
        bytes as f64 / 1e6 / best,
        bytes as f64 / 1e6,
        best
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary
    // without it, as a quick smoke test on a small input.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let mb: usize = std::env::var("GWLINT_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if smoke { 1 } else { 20 });
    let files = build_corpus(mb * 1_000_000);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Exactly the curated list (`typo`, not the typo.* lexicon kinds) and the
    // placeholder patterns.
    let curated = rules_where(|id| id == "typo" || id.starts_with("placeholder."));
    let curated_ids: Vec<String> = curated
        .rules()
        .iter()
        .filter(|r| r.enabled)
        .map(|r| r.id.to_string())
        .collect();
    println!("dictionary + placeholder rules: {}", curated_ids.join(", "));
    measure("dictionary + placeholders", &curated, &files, 1);
    measure("dictionary + placeholders", &curated, &files, cores);
    // One ~60 KB file with every rule, as `gwlint check FILE` does it: build the
    // rules, then check (issue target: ≤ 50 ms), and the peak memory so far.
    let start = Instant::now();
    let all = rules_where(|_| true);
    let built = start.elapsed();
    let (text, _) =
        decode(&std::fs::read(corpus_dir().join("000_b6ef4dbc6134b96b.txt")).unwrap()).unwrap();
    let n = all.check(&text, DocKind::Plain).len();
    println!(
        "one {:.0} KB file, all rules: {:.1} ms ({:.1} ms building the rules), {n} findings; peak RSS {}",
        text.len() as f64 / 1e3,
        start.elapsed().as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
        peak_rss()
    );
    measure("all default rules", &all, &files, 1);
    measure("all default rules", &all, &files, cores);
}
