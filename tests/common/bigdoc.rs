//! The large benchmark document: corpus files concatenated, each rotated so that
//! the copies are not aligned, until the text reaches `target` bytes. Shared by
//! `benches/lsp_latency.rs`, `examples/lsp_timing.rs` and `examples/doc_timing.rs`.
#![allow(dead_code)]

pub fn document(target: usize) -> String {
    // A document of one's own (e.g. the benchmark document after its edits).
    if let Some(path) = std::env::var_os("LSP_BENCH_FILE") {
        return std::fs::read_to_string(path).expect("LSP_BENCH_FILE is readable UTF-8");
    }
    if std::env::var_os("LSP_BENCH_UNIQUE").is_some() {
        return unique_document(target);
    }
    repeated_document(target)
}

/// The corpus repeated: every paragraph occurs about six times in 1 MB, the
/// worst case for the duplicate search.
fn repeated_document(target: usize) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let mut sources: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    sources.sort();
    let mut doc = String::new();
    let mut n = 0;
    while doc.len() < target {
        let paras: Vec<&str> = sources[n % sources.len()].split('\n').collect();
        let k = (n * 11) % paras.len();
        for p in paras[k..].iter().chain(&paras[..k]) {
            doc.push_str(p);
            doc.push('\n');
        }
        n += 1;
    }
    doc
}

/// Like [`repeated_document`], but every copy after the first has each Chinese
/// character shifted by a copy-specific offset within the CJK block: the same
/// lines, outline markers and punctuation, without any passage occurring twice
/// (the duplicate search's ordinary case; the text of later copies is not
/// Chinese any more, so lexical findings are fewer).
fn unique_document(target: usize) -> String {
    let repeated = repeated_document(target);
    let one_copy: usize = {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        std::fs::read_dir(root)
            .unwrap()
            .map(|e| std::fs::metadata(e.unwrap().path()).unwrap().len() as usize + 1)
            .sum()
    };
    let mut out = String::with_capacity(repeated.len());
    for (i, c) in repeated.char_indices() {
        let copy = i / one_copy;
        let shifted = match c as u32 {
            x @ 0x4E00..=0x9FFF if copy > 0 => {
                char::from_u32(0x4E00 + (x - 0x4E00 + copy as u32 * 2_003) % 0x5200).unwrap_or(c)
            }
            _ => c,
        };
        out.push(shifted);
    }
    out
}

/// The `i`-th benchmark edit: a one-character insertion at column 1 of a line
/// spread over the document.
pub fn edit(i: usize, lines: usize) -> (usize, &'static str) {
    ((i * 37) % lines, ["的", "地", "X", "，", "布"][i % 5])
}
