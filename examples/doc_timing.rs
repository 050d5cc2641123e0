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
    let mut kinds: Vec<String> = specs.iter().map(|s| s.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let only = std::env::args().nth(1);
    let repeats: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    kinds.retain(|k| only.as_ref().is_none_or(|o| o == k));
    for kind in kinds {
        let group: Vec<_> = specs
            .iter()
            .filter(|s| s.kind == kind && s.enabled)
            .cloned()
            .collect();
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

fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}
