//! Times each rule's document-level pass on a 1 MB document, twice (the second
//! run with per-paragraph memos warm, as in the language server).
//! Run: `cargo run --release --example doc_timing [KIND [REPEATS]]`; with a
//! kind, only that kind, its warm pass repeated (for `perf record`), and also
//! the median thread-CPU time of passes run after the caches were flushed by
//! touching 64 MB (as the language server's paragraph rules do between two
//! document passes).
#[path = "../tests/common/bigdoc.rs"]
mod bigdoc;

use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::document::paragraphs;
use gwlint::lsp::thread_cpu_ms;
use gwlint::rules::DocView;
use gwlint::{ProjectConfig, RuleSet};

fn main() {
    let text = bigdoc::document(1_000_000);
    gwlint::rules::memo::enable();
    let paras = paragraphs(&text);
    let view = DocView {
        text: &text,
        paragraphs: &paras,
        keys: None,
    };
    let specs = load_rules(&ProjectConfig::default()).unwrap();
    let enabled: Vec<_> = specs.into_iter().filter(|s| s.enabled).collect();
    let mut kinds = gwlint::rules::by_kind(&enabled);
    let only = std::env::args().nth(1);
    let repeats: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    kinds.retain(|(k, _)| only.as_ref().is_none_or(|o| o == k));
    for (kind, group) in kinds {
        let rules = RuleSet::from_specs(group, &[]).unwrap();
        let t = Instant::now();
        let n1 = rules.check_document(&view).len();
        let cold = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        for _ in 0..repeats {
            rules.check_document(&view);
        }
        let warm = t.elapsed().as_secs_f64() * 1000.0 / repeats as f64;
        print!("{kind:<12} cold {cold:>7.2} ms  warm {warm:>7.2} ms  ({n1} findings)");
        if only.is_some() {
            let mut flush = vec![0u8; 64 << 20];
            let mut times: Vec<f64> = (0..repeats)
                .map(|i| {
                    flush
                        .iter_mut()
                        .step_by(64)
                        .for_each(|b| *b = b.wrapping_add(i as u8));
                    let t = thread_cpu_ms();
                    rules.check_document(&view);
                    thread_cpu_ms() - t
                })
                .collect();
            times.sort_by(f64::total_cmp);
            print!("  flushed cpu p50 {:.2} ms", times[times.len() / 2]);
        }
        println!();
    }
}
