//! Throughput of `check` over a ~20 MB corpus built from ../shared/corpus (or the
//! copy in tests/fixtures/corpus): MB/s single-threaded and with all threads, for
//! the curated dictionary + placeholder rules and for every rule; and the real
//! `gwlint check` on one ~60 KB file, with and without the lexicon rules (time
//! from start to exit, peak resident memory).
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

/// Runs `gwlint check -j 1 FILE ARGS…` as the user would, `runs` times: the
/// fastest wall time from process start to exit (ms) and the child's peak
/// resident memory (KB, Linux).
fn check_process(file: &Path, args: &[&str], runs: usize) -> (f64, i64) {
    let mut best = (f64::MAX, 0);
    for _ in 0..runs {
        let start = Instant::now();
        // Reaped by wait4 below, which also gives its resource usage.
        #[allow(clippy::zombie_processes)]
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_gwlint"))
            .args(["check", "-j", "1", "--fail-on", "never"])
            .args(args)
            .arg(file)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("gwlint runs");
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid; wait4 fills it and reaps the child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child, which `child` never waits for itself.
        let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
        assert!(
            pid > 0 && status == 0,
            "gwlint check failed on {}",
            file.display()
        );
        best = (
            best.0.min(start.elapsed().as_secs_f64() * 1e3),
            usage.ru_maxrss,
        );
    }
    best
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

/// CPU time of the calling thread: on a busy machine the wall clock also
/// counts time spent waiting for a core.
fn thread_cpu_seconds() -> Option<f64> {
    Some(gwlint::lsp::thread_cpu_ms() / 1e3)
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
    // One ~60 KB file as `gwlint check FILE` (issue targets: ≤ 50 ms from start
    // to exit; the lexicon rules may add at most 40 MB of resident memory).
    // First, while this process is small: a child counts the memory it was
    // forked with in its peak.
    let runs = if smoke { 1 } else { 5 };
    let file = corpus_dir().join("000_b6ef4dbc6134b96b.txt");
    let (ms, kb) = check_process(&file, &[], runs);
    let (lean_ms, lean_kb) = check_process(
        &file,
        &[
            "--disable",
            "typo.idiom",
            "--disable",
            "typo.word",
            "--disable",
            "usage.de",
        ],
        runs,
    );
    println!(
        "gwlint check on one {:.0} KB file, all rules: {ms:.1} ms start to exit, peak RSS {:.1} MB; without the lexicon rules {lean_ms:.1} ms, {:.1} MB (lexicon +{:.1} MB)",
        std::fs::metadata(&file).map_or(0, |m| m.len()) as f64 / 1e3,
        kb as f64 / 1e3,
        lean_kb as f64 / 1e3,
        (kb - lean_kb) as f64 / 1e3
    );
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
    // One ~60 KB file with every rule, in process: how much is building the rules.
    let start = Instant::now();
    let all = rules_where(|_| true);
    let built = start.elapsed();
    let file = corpus_dir().join("000_b6ef4dbc6134b96b.txt");
    let (text, _) = decode(&std::fs::read(&file).unwrap()).unwrap();
    let n = all.check(&text, DocKind::Plain).len();
    println!(
        "one {:.0} KB file, all rules, in process: {:.1} ms ({:.1} ms building the rules), {n} findings",
        text.len() as f64 / 1e3,
        start.elapsed().as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
    );
    measure("all default rules", &all, &files, 1);
    measure("all default rules", &all, &files, cores);
}
