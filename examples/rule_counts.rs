//! Prints findings per rule for the given files (or the corpus), to review
//! precision: `cargo run --example rule_counts -- [PREFIX] [FILES…]`.
//! With PREFIX (e.g. `punctuation.`), lists each finding with its context.

use std::collections::BTreeMap;

use gwlint::position::{Encoding, LineIndex};
use gwlint::{DocKind, RuleSet};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let prefix = if args.first().is_some_and(|a| !a.ends_with(".txt")) {
        Some(args.remove(0))
    } else {
        None
    };
    if args.is_empty() {
        let mut files: Vec<String> = std::fs::read_dir("tests/fixtures/corpus")
            .expect("corpus dir")
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        files.sort();
        args = files;
    }
    let rules = RuleSet::builtin();
    for path in &args {
        let text = std::fs::read_to_string(path).expect("readable file");
        // Timed over several runs: the number reported in the closing notes.
        let runs = 20;
        let started = std::time::Instant::now();
        for _ in 1..runs {
            std::hint::black_box(rules.check(&text, DocKind::Plain));
        }
        let findings = rules.check(&text, DocKind::Plain);
        let per_run = started.elapsed() / runs;
        let index = LineIndex::new(&text);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &findings {
            *counts.entry(&f.rule).or_default() += 1;
            if prefix
                .as_ref()
                .is_some_and(|p| f.rule.starts_with(p.as_str()))
            {
                let pos = index.line_col(&text, f.span.start, Encoding::Utf32);
                let from =
                    gwlint::position::floor_char_boundary(&text, f.span.start.saturating_sub(18));
                let to =
                    gwlint::position::floor_char_boundary(&text, (f.span.end + 18).min(text.len()));
                let ctx: String = text[from..to].replace('\n', "⏎");
                let shown: String = text[f.span.clone()].chars().take(30).collect();
                println!(
                    "{}:{}:{} {} [{}] «{}» …{}… :: {}",
                    path.rsplit('/').next().unwrap_or(path),
                    pos.line + 1,
                    pos.col + 1,
                    f.rule,
                    f.severity,
                    shown.replace('\n', "⏎"),
                    ctx,
                    f.message
                );
            }
        }
        println!(
            "== {path}: {} bytes, {} findings, {:.2} ms per check (all built-in rules)",
            text.len(),
            findings.len(),
            per_run.as_secs_f64() * 1e3
        );
        for (rule, n) in counts {
            println!("  {rule:32} {n}");
        }
    }
}
