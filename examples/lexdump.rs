//! Development aid: prints every finding of the lexicon and usage rules in the
//! given files, one per line with line:col, to review real/false alarms.
use gwlint::position::{Encoding, LineIndex};
use gwlint::{DocKind, RuleSet};

fn main() {
    let rules = RuleSet::builtin();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let index = LineIndex::new(&text);
        for f in rules.check(&text, DocKind::Plain) {
            if !(f.rule.starts_with("typo.") || f.rule.starts_with("usage.")) {
                continue;
            }
            let p = index.line_col(&text, f.span.start, Encoding::Utf32);
            let from =
                gwlint::position::floor_char_boundary(&text, f.span.start.saturating_sub(24));
            let to =
                gwlint::position::floor_char_boundary(&text, (f.span.end + 24).min(text.len()));
            println!(
                "{}:{}:{} {} [{}] {} | {}",
                path.rsplit('/').next().unwrap(),
                p.line + 1,
                p.col + 1,
                f.rule,
                f.severity,
                f.message,
                text[from..to].replace('\n', "⏎")
            );
        }
    }
}
