//! Throughput of the duplicate rules alone on ~20 MB inputs built from the corpus.
//!
//! `cargo bench --bench dup [-- MB]`. Three inputs:
//! - `repeated`: the corpus files concatenated over and over — the pathological
//!   case where everything duplicates everything (hundreds of copies);
//! - `shuffled`: the corpus paragraphs in a different random order in every block
//!   (still every paragraph ~100 times, but never in the same neighbourhood);
//! - `mutated`: shuffled sentences with one character in eight replaced at random,
//!   so almost nothing is an exact long duplicate: the base cost of the scan.
//!
//! Each is timed for `duplicate.passage` alone, `duplicate.word` alone, and the
//! cross-file index over the input cut into 200 files.

use std::path::PathBuf;
use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::rules::duplicate::{cross_file_findings, PassageRule};
use gwlint::{DocKind, ProjectConfig, RuleSet};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

fn corpus() -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir("tests/fixtures/corpus")
        .expect("run from the repository root")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn repeated(corpus: &[String], target: usize) -> String {
    let mut out = String::with_capacity(target + 200_000);
    while out.len() < target {
        for f in corpus {
            out.push_str(f);
            out.push('\n');
        }
    }
    out
}

fn shuffled(corpus: &[String], target: usize) -> String {
    let mut paras: Vec<&str> = corpus
        .iter()
        .flat_map(|f| f.lines())
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut rng = Lcg(7);
    let mut out = String::with_capacity(target + 200_000);
    while out.len() < target {
        rng.shuffle(&mut paras);
        for p in &paras {
            out.push_str(p);
            out.push('\n');
        }
    }
    out
}

fn mutated(corpus: &[String], target: usize) -> String {
    let text: String = corpus.concat();
    let alphabet: Vec<char> = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .collect();
    let mut sentences: Vec<&str> = text
        .split_inclusive(['。', '！', '？', '\n'])
        .filter(|s| s.trim().chars().count() > 4)
        .collect();
    let mut rng = Lcg(11);
    let mut out = String::with_capacity(target + 200_000);
    let mut n = 0;
    while out.len() < target {
        rng.shuffle(&mut sentences);
        for s in &sentences {
            for c in s.trim_end_matches('\n').chars() {
                if ('\u{4E00}'..='\u{9FFF}').contains(&c) && rng.below(8) == 0 {
                    out.push(alphabet[rng.below(alphabet.len())]);
                } else {
                    out.push(c);
                }
            }
            n += 1;
            if n % 6 == 0 {
                out.push('\n');
            }
        }
    }
    out
}

fn only(rule: &str) -> RuleSet {
    let specs: Vec<_> = load_rules(&ProjectConfig::default())
        .unwrap()
        .into_iter()
        .filter(|s| &*s.id == rule)
        .collect();
    assert_eq!(specs.len(), 1);
    RuleSet::from_specs(specs, &[]).unwrap()
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary
    // without it, as a quick smoke test on a small input.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let mb: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if smoke { 0.2 } else { 20.0 });
    let target = (mb * 1e6) as usize;
    let corpus = corpus();
    let passage = only("duplicate.passage");
    let word = only("duplicate.word");
    let rule = PassageRule::from_ruleset(&passage).unwrap();
    println!(
        "{:<9} {:>7} {:>22} {:>22} {:>26}",
        "input", "MB", "duplicate.passage", "duplicate.word", "cross-file (200 files)"
    );
    for (name, text) in [
        ("repeated", repeated(&corpus, target)),
        ("shuffled", shuffled(&corpus, target)),
        ("mutated", mutated(&corpus, target)),
    ] {
        let size = text.len() as f64 / 1e6;
        let (found, t_passage) = time(|| passage.check(&text, DocKind::Plain));
        let (words, t_word) = time(|| word.check(&text, DocKind::Plain));
        // Cut into 200 files at line boundaries.
        let chunk = text.len() / 200 + 1;
        let mut files: Vec<(PathBuf, &str)> = Vec::new();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut cut = chunk.min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let cut = rest[cut..].find('\n').map_or(rest.len(), |i| cut + i + 1);
            files.push((PathBuf::from(format!("{}.txt", files.len())), &rest[..cut]));
            rest = &rest[cut..];
        }
        let (cross, t_cross) = time(|| cross_file_findings(&files, &rule));
        println!(
            "{name:<9} {size:>7.1} {:>8.2}s {:>6.1} MB/s {:>8.2}s {:>6.1} MB/s {:>8.2}s {:>6.1} MB/s",
            t_passage,
            size / t_passage,
            t_word,
            size / t_word,
            t_cross,
            size / t_cross
        );
        println!(
            "          findings: {} passages ({} bytes of {} covered), {} words, {} cross-file",
            found.len(),
            found.iter().map(|f| f.span.len()).sum::<usize>(),
            text.len(),
            words.len(),
            cross.len()
        );
    }
}
