//! Prints passages shared between files (a debugging aid for the cross-file API):
//! `cargo run --example crossscan -- FILE…`.
use std::path::PathBuf;

use gwlint::rules::duplicate::{cross_file_findings, PassageRule};
use gwlint::RuleSet;

fn main() {
    let rules = RuleSet::builtin();
    let rule = PassageRule::from_ruleset(&rules).expect("duplicate.passage is enabled");
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable UTF-8 file"))
        .collect();
    let files: Vec<(PathBuf, &str)> = paths
        .iter()
        .cloned()
        .zip(texts.iter().map(String::as_str))
        .collect();
    for (i, f) in cross_file_findings(&files, &rule) {
        let text = &texts[i];
        let line = text[..f.span.start].matches('\n').count() + 1;
        let end_line = text[..f.span.end].matches('\n').count() + 1;
        let excerpt: String = text[f.span.clone()].chars().take(30).collect();
        println!(
            "{}:{line}-{end_line} {} «{excerpt}»",
            paths[i].display(),
            f.message
        );
        for r in &f.related {
            println!("    {:?} line {:?} bytes {:?}", r.file, r.line, r.span);
        }
    }
}
