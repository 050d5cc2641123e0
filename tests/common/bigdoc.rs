//! The large benchmark document: corpus files concatenated, each rotated so that
//! the copies are not aligned, until the text reaches `target` bytes. Shared by
//! `benches/lsp_latency.rs` and `examples/lsp_timing.rs`.
#![allow(dead_code)]

pub fn document(target: usize) -> String {
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

/// The `i`-th benchmark edit: a one-character insertion at column 1 of a line
/// spread over the document.
pub fn edit(i: usize, lines: usize) -> (usize, &'static str) {
    ((i * 37) % lines, ["的", "地", "X", "，", "布"][i % 5])
}
