//! Prints the duplicate findings of files (a debugging aid for the duplicate
//! rules): `cargo run --example dupscan -- FILE…`.
use gwlint::position::{Encoding, LineIndex};
use gwlint::{DocKind, RuleSet};

fn main() {
    let rules = RuleSet::builtin();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
        let index = LineIndex::new(&text);
        for f in rules.check(&text, DocKind::Plain) {
            if !f.rule.starts_with("duplicate") {
                continue;
            }
            let s = index.line_col(&text, f.span.start, Encoding::Utf32);
            let e = index.line_col(&text, f.span.end, Encoding::Utf32);
            let excerpt: String = text[f.span.clone()].chars().take(30).collect();
            println!(
                "{path}:{}:{}-{}:{} {} {} «{excerpt}»",
                s.line + 1,
                s.col + 1,
                e.line + 1,
                e.col + 1,
                f.rule,
                f.message
            );
            for r in &f.related {
                let p = index.line_col(&text, r.span.start, Encoding::Utf32);
                let q = index.line_col(&text, r.span.end, Encoding::Utf32);
                println!(
                    "    related {}:{}-{}:{}",
                    p.line + 1,
                    p.col + 1,
                    q.line + 1,
                    q.col + 1
                );
            }
        }
    }
}
