//! Property: after any sequence of incremental edits, the server's diagnostics
//! equal what the engine reports for the final text (the same engine as `gwlint
//! check`), with every range right in UTF-16.

mod common;

use common::lsp::LspClient;
use gwlint::lsp::text::PositionMap;
use gwlint::position::Encoding;
use gwlint::{DocKind, RuleSet};
use proptest::prelude::*;
use serde_json::{json, Value};

const PIECES: &[&str] = &[
    "吐火如荼",
    "布臵",
    "XX局长",
    "**县",
    "的的",
    "同志们：",
    "\n",
    "\r\n",
    "𠀀",
    "😀",
    "，",
    ",",
    "一、加强领导\n",
    "（二完善机制\n",
    // Inline enumerations with a skip, typed around: their findings move.
    "工作中，一是抓落实；三是",
    "二是",
    "（三）",
    "20xx年",
    "正在开展工作。",
    "认真的落实",
    "上一篇：讲话\n",
    "a",
    "",
];

#[derive(Debug, Clone)]
struct Edit {
    start: f64,
    len: f64,
    piece: usize,
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        (0.0..1.0f64, 0.0..0.3f64, 0..PIECES.len()).prop_map(|(start, len, piece)| Edit {
            start,
            len,
            piece,
        }),
        1..10,
    )
}

/// The char index nearest `frac` of the way through `text`, kept off the middle
/// of a CRLF pair so that client and server agree on what the edit means.
fn char_at(text: &str, frac: f64) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut i = ((chars.len() as f64) * frac) as usize;
    if i > 0 && i < chars.len() && chars[i - 1] == '\r' && chars[i] == '\n' {
        i -= 1;
    }
    i.min(chars.len())
}

fn byte_of(text: &str, ch: usize) -> usize {
    text.char_indices().nth(ch).map_or(text.len(), |(b, _)| b)
}

fn expected(text: &str) -> Vec<(String, Value)> {
    let rules = RuleSet::builtin();
    let map = PositionMap::new(text, Encoding::Utf16);
    let mut out: Vec<(String, Value)> = rules
        .check(text, DocKind::Plain)
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                serde_json::to_value(map.range(&f.span)).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.to_string().cmp(&b.1.to_string())));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn incremental_edits_match_a_full_check(edits in edits()) {
        let mut text = String::from("在全县工作会议上的讲话\n同志们：\n一、提高认识\n目前工作正在吐火如荼开展。\r\n二、狠抓落实\n请XX局长讲话。\n");
        let mut c = LspClient::spawn(None);
        c.initialize(&["utf-16"], None, json!({"debounceMs": 0}));
        let uri = "file:///tmp/props/a.txt";
        c.open(uri, "plaintext", &text);
        let mut version = 1;
        for e in &edits {
            let start = char_at(&text, e.start);
            let end = char_at(&text, (e.start + e.len).min(1.0)).max(start);
            let (bs, be) = (byte_of(&text, start), byte_of(&text, end));
            let map = PositionMap::new(&text, Encoding::Utf16);
            let range = map.range(&(bs..be));
            version += 1;
            c.change(uri, version, json!([{"range": range, "text": PIECES[e.piece]}]));
            text.replace_range(bs..be, PIECES[e.piece]);
        }
        let diags = c.diagnostics(uri, Some(version));
        let mut got: Vec<(String, Value)> = diags
            .iter()
            .map(|d| (d["code"].as_str().unwrap().to_owned(), d["range"].clone()))
            .collect();
        got.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.to_string().cmp(&b.1.to_string())));
        c.shutdown();
        prop_assert_eq!(got, expected(&text), "final text: {:?}", text);
    }
}
