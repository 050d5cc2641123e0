//! Development aid: prints the lexicon rules' findings (with all fixes) for
//! each argument, and the best segmentation.
use gwlint::{DocKind, RuleSet};

fn main() {
    let rules = RuleSet::builtin();
    for text in std::env::args().skip(1) {
        let cs: Vec<u32> = text.chars().map(|c| c as u32).collect();
        let (p, cuts) = gwlint::lexicon::segment(&cs);
        let seg: Vec<String> = cuts
            .iter()
            .map(|r| text.chars().skip(r.start).take(r.len()).collect())
            .collect();
        println!("{text}: {} ({p:.1})", seg.join("|"));
        for f in rules.check(&text, DocKind::Plain) {
            let fixes: Vec<&str> = f.fixes.iter().map(|x| x.replacement.as_str()).collect();
            println!("  {} {} {:?}", f.rule, f.message, fixes);
        }
    }
}
