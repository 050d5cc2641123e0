use gwlint::lexicon as lex;
fn main() {
    for t in std::env::args().skip(1) {
        let w: Vec<u32> = t.chars().map(|c| c as u32).collect();
        let w: [u32; 4] = w.try_into().unwrap();
        println!(
            "{t} head {} tail {} word {:?}",
            lex::idiom_head(w[0], w[1]),
            lex::idiom_tail(w[2], w[3]),
            lex::word(&w)
        );
        for k in 0..4 {
            lex::idioms_differing_at(&w, k, |id| {
                let s: String = id
                    .chars
                    .iter()
                    .map(|&c| char::from_u32(c).unwrap())
                    .collect();
                println!(
                    "  k{k} {s} {} {:?} i={} set={}",
                    id.freq,
                    lex::alike(w[k], id.chars[k]),
                    id.idiom,
                    id.set_phrase
                );
            });
        }
    }
}
