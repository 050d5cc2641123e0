//! Times the outline parser and the `outline` rules on a large document made of
//! the corpus files repeated. Run with
//! `cargo run --release --example outline_bench [repeats]`.

use std::time::Instant;

use gwlint::config::load_rules;
use gwlint::document::paragraphs;
use gwlint::outline::build_outline;
use gwlint::rules::DocView;
use gwlint::{DocKind, ProjectConfig, RuleSet};

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let one: String = files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .collect::<Vec<_>>()
        .join("\n");
    let text = vec![one; repeats].join("\n");
    let paras = paragraphs(&text);
    println!(
        "document: {} paragraphs, {:.1} MiB",
        paras.len(),
        text.len() as f64 / (1024.0 * 1024.0)
    );

    let specs: Vec<_> = load_rules(&ProjectConfig::default())
        .expect("built-in packs")
        .into_iter()
        .filter(|s| s.id.starts_with("outline."))
        .collect();
    let rules = RuleSet::from_specs(specs, &[]).expect("outline rules");

    let runs = 5;
    let time = |label: &str, f: &dyn Fn() -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..runs {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{label:<28} {:>8.2} ms  ({:.0} paragraphs/ms, result {n})",
            best * 1e3,
            paras.len() as f64 / (best * 1e3)
        );
    };
    time("build_outline", &|| build_outline(&paras).headings.len());
    time("check_paragraph (all)", &|| {
        paras
            .iter()
            .map(|p| rules.check_paragraph(p.text).len())
            .sum()
    });
    time("check_document", &|| {
        rules
            .check_document(&DocView {
                text: &text,
                paragraphs: &paras,
                keys: None,
            })
            .len()
    });
    time("check (whole document)", &|| {
        rules.check(&text, DocKind::Plain).len()
    });
}
