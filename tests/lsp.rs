//! The real `gwlint lsp` over its stdio pipes.

mod common;

use std::fs;

use common::lsp::{ranges, LspClient};
use serde_json::{json, Value};

const TERMS_PACK: &str = "[[rule]]\nid = \"terms\"\nkind = \"dictionary\"\nseverity = \"warning\"\nsummary = \"本单位规范用语\"\nmessage = \"请写作“{replacement}”\"\nexplain = \"单位名称要写全称。\"\nexamples.bad = [\"县城管局\"]\nexamples.good = [\"县城市管理局\"]\n[rule.entries]\n\"县城管局\" = \"县城市管理局\"\n";

fn project() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    fs::write(root.join(".gwlint.toml"), "packs = [\"terms.toml\"]\n").unwrap();
    fs::write(root.join("terms.toml"), TERMS_PACK).unwrap();
    let root_uri = url(&root);
    let doc_uri = url(&root.join("讲话.txt"));
    (dir, root_uri, doc_uri)
}

fn url(path: &std::path::Path) -> String {
    let mut s = String::from("file://");
    for part in path.to_str().unwrap().split('/').filter(|p| !p.is_empty()) {
        s.push('/');
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                s.push(b as char);
            } else {
                s.push_str(&format!("%{b:02X}"));
            }
        }
    }
    s
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| {
        std::cmp::Reverse((
            e["range"]["start"]["line"].as_u64().unwrap(),
            e["range"]["start"]["character"].as_u64().unwrap(),
        ))
    });
    let mut out = text.to_owned();
    for e in edits {
        let start = offset16(&out, &e["range"]["start"]);
        let end = offset16(&out, &e["range"]["end"]);
        out.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    out
}

fn offset16(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let col = pos["character"].as_u64().unwrap() as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[line_start..].char_indices() {
        if units >= col || ch == '\n' || ch == '\r' {
            return line_start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

#[test]
fn utf16_positions_with_non_bmp_text_and_crlf() {
    let mut c = LspClient::spawn(None);
    let init = c.initialize(&["utf-16"], None, Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    c.open(
        "file:///tmp/a.txt",
        "plaintext",
        "𠀀刚才，XX局长讲话。\r\n第二行X同志发言。\r\n",
    );
    let d = c.diagnostics("file:///tmp/a.txt", Some(1));
    assert_eq!(
        ranges(&d),
        vec![
            ("placeholder.x".into(), 0, 5, 0, 7),
            ("placeholder.x".into(), 1, 3, 1, 4)
        ]
    );
    assert_eq!(d[0]["source"], "gwlint");
    assert_eq!(d[0]["severity"], 1);
    assert!(c.shutdown().as_millis() < 1000);
}

#[test]
fn utf8_is_negotiated_when_offered() {
    let mut c = LspClient::spawn(None);
    let init = c.initialize(&["utf-8", "utf-16"], None, Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.open("file:///tmp/a.txt", "plaintext", "𠀀刚才，XX局长讲话。");
    let d = c.diagnostics("file:///tmp/a.txt", Some(1));
    assert_eq!(ranges(&d), vec![("placeholder.x".into(), 0, 13, 0, 15)]);
    // An edit in UTF-8 columns: replace XX with 王.
    c.change("file:///tmp/a.txt", 2, json!([{"range": {"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 15}}, "text": "王"}]));
    assert!(c.diagnostics("file:///tmp/a.txt", Some(2)).is_empty());
    c.shutdown();
}

#[test]
fn incremental_edits_update_diagnostics_with_versions() {
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], None, json!({"debounceMs": 10}));
    let uri = "file:///tmp/b.txt";
    c.open(uri, "plaintext", "刚才，XX局长讲话。\n第二段。\n");
    assert_eq!(
        ranges(&c.diagnostics(uri, Some(1))),
        vec![("placeholder.x".into(), 0, 3, 0, 5)]
    );
    // Remove the placeholder and add another on line 1, across two changes.
    c.change(
        uri,
        2,
        json!([
            {"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 5}}, "text": "王明"},
            {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "**县"}
        ]),
    );
    assert_eq!(
        ranges(&c.diagnostics(uri, Some(2))),
        vec![("placeholder.star".into(), 1, 0, 1, 2)]
    );
    // The server split only the lines the two changes touched.
    let log = c.wait_for(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains(" v2 "))
    });
    let log = log["params"]["message"].as_str().unwrap();
    assert!(log.contains("(lines split where changed)"), "{log}");
    // Rapid typing: several versions in a row; only current versions are published.
    for (v, ch) in [(3, "一"), (4, "二"), (5, "三")] {
        c.change(uri, v, json!([{"range": {"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 3}}, "text": ch}]));
    }
    let last = c.diagnostics(uri, Some(5));
    assert_eq!(ranges(&last), vec![("placeholder.star".into(), 1, 0, 1, 2)]);
    // An edit far outside the document is clamped, not fatal.
    c.change(uri, 6, json!([{"range": {"start": {"line": 99, "character": 0}, "end": {"line": 120, "character": 5}}, "text": "X同志"}]));
    let d = c.diagnostics(uri, Some(6));
    assert!(
        ranges(&d).contains(&("placeholder.x".into(), 2, 0, 2, 1)),
        "{d:?}"
    );
    c.shutdown();
}

#[test]
fn quick_fix_fix_all_hover_and_disable_rule() {
    let (_dir, root_uri, uri) = project();
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], Some(&root_uri), json!({"debounceMs": 0}));
    let text = "县城管局要加强管理，县城管局要落实责任。\n";
    c.open(&uri, "plaintext", text);
    let diags = c.diagnostics(&uri, Some(1));
    assert_eq!(
        ranges(&diags),
        vec![("terms".into(), 0, 0, 0, 4), ("terms".into(), 0, 10, 0, 14)]
    );
    assert_eq!(diags[0]["severity"], 2);

    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": [diags[0]]}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"改为“县城市管理局”"), "{titles:?}");
    assert!(
        titles.contains(&"修复本文件中全部 2 处 terms"),
        "{titles:?}"
    );
    assert!(titles.contains(&"在本项目中停用规则 terms"), "{titles:?}");
    assert!(titles.contains(&"在本项目中允许“县城管局”"), "{titles:?}");

    let quick = actions
        .iter()
        .find(|a| a["title"] == "改为“县城市管理局”")
        .unwrap();
    assert_eq!(quick["isPreferred"], true);
    let edits = quick["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(text, edits),
        "县城市管理局要加强管理，县城管局要落实责任。\n"
    );

    let all = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("修复本文件中全部"))
        .unwrap();
    let edits = all["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(text, edits),
        "县城市管理局要加强管理，县城市管理局要落实责任。\n"
    );

    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("本单位规范用语") && md.contains("单位名称要写全称") && md.contains("正确示例"),
        "{md}"
    );
    assert_eq!(hover["contents"]["kind"], "markdown");

    // Disabling the rule edits .gwlint.toml; once the file changes on disk the
    // server reloads and the findings go away.
    let disable = actions
        .iter()
        .find(|a| a["title"] == "在本项目中停用规则 terms")
        .unwrap();
    let ops = disable["edit"]["documentChanges"].as_array().unwrap();
    let edit = ops.iter().find(|o| o.get("edits").is_some()).unwrap();
    let config_uri = edit["textDocument"]["uri"].as_str().unwrap();
    assert!(config_uri.ends_with("/.gwlint.toml"));
    let path = std::path::PathBuf::from(_dir.path()).join(".gwlint.toml");
    let old = fs::read_to_string(&path).unwrap();
    let new = apply_edits(&old, edit["edits"].as_array().unwrap());
    assert_eq!(new, "packs = [\"terms.toml\"]\ndisable = [\"terms\"]\n");
    fs::write(&path, new).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let after = c.diagnostics(&uri, None);
    assert!(after.is_empty(), "{after:?}");
    c.shutdown();
}

#[test]
fn allow_word_action_creates_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    let uri = url(&root.join("a.txt"));
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], Some(&url(&root)), Value::Null);
    c.open(&uri, "plaintext", "请X同志发言。");
    let diags = c.diagnostics(&uri, Some(1));
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    let allow = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "在本项目中允许“X”")
        .unwrap();
    let ops = allow["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops[0]["kind"], "create");
    assert!(ops[0]["uri"].as_str().unwrap().ends_with("/.gwlint.toml"));
    assert_eq!(ops[1]["edits"][0]["newText"], "allow = [\"X\"]\n");
    c.shutdown();
}

#[test]
fn settings_from_the_editor_apply_at_once() {
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], None, Value::Null);
    let uri = "file:///tmp/c.txt";
    c.open(uri, "plaintext", "请X同志和**县参加。");
    assert_eq!(c.diagnostics(uri, Some(1)).len(), 2);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gwlint": {"disable": ["placeholder.star"], "severity": {"placeholder": "hint"}}}}),
    );
    let d = c.diagnostics(uri, Some(1));
    assert_eq!(ranges(&d), vec![("placeholder.x".into(), 0, 1, 0, 2)]);
    assert_eq!(d[0]["severity"], 4);
    assert!(d[0].get("codeDescription").is_none(), "{}", d[0]);
    // Where the rules' documentation lives: each diagnostic links its page.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"gwlint": {"docsUrl": "https://wiki.example.org/gwlint/{id}"}}}),
    );
    let d = c.diagnostics(uri, Some(1));
    assert_eq!(d.len(), 2);
    for diag in &d {
        let href = format!(
            "https://wiki.example.org/gwlint/{}",
            diag["code"].as_str().unwrap()
        );
        assert_eq!(diag["codeDescription"]["href"], href.as_str());
    }
    c.shutdown();
}

#[test]
fn broken_config_keeps_the_last_good_one_and_is_reported() {
    let (dir, root_uri, uri) = project();
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], Some(&root_uri), Value::Null);
    c.open(&uri, "plaintext", "县城管局。");
    assert_eq!(c.diagnostics(&uri, Some(1)).len(), 1);
    let config = dir.path().join(".gwlint.toml");
    fs::write(&config, "packs = [\"terms.toml\"\ndisable = 1\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": url(&fs::canonicalize(&config).unwrap()), "type": 2}]}),
    );
    let config_uri = url(&fs::canonicalize(&config).unwrap());
    let problems = c.diagnostics(&config_uri, None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["range"]["start"]["line"], 1);
    // The document is still checked with the last good config (terms still on).
    let d = c.diagnostics(&uri, Some(1));
    assert_eq!(ranges(&d), vec![("terms".into(), 0, 0, 0, 4)]);
    c.shutdown();
}

#[test]
fn rules_built_at_start_up_are_used_unless_the_config_changed_meanwhile() {
    // The server builds the workspace's rules in the background right after
    // `initialized`; the first document must get them...
    let (_dir, root_uri, uri) = project();
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], Some(&root_uri), Value::Null);
    c.open(&uri, "plaintext", "县城管局。");
    let d = c.diagnostics(&uri, Some(1));
    assert_eq!(ranges(&d), vec![("terms".into(), 0, 0, 0, 4)]);
    c.shutdown();
    // ...unless the config changed while they were being built.
    let (dir, root_uri, uri) = project();
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], Some(&root_uri), Value::Null);
    let config = fs::canonicalize(dir.path().join(".gwlint.toml")).unwrap();
    fs::write(&config, "packs = [\"terms.toml\"]\ndisable = [\"terms\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": url(&config), "type": 2}]}),
    );
    c.open(&uri, "plaintext", "县城管局。");
    assert!(c.diagnostics(&uri, Some(1)).is_empty());
    c.shutdown();
}

#[test]
fn rule_files_get_diagnostics_while_edited() {
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], None, Value::Null);
    let uri = "file:///tmp/mine.toml";
    let text = "[[rule]]\nid = \"mine\"\nkind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\npattern = '(未闭合'\n";
    c.open(uri, "toml", text);
    let d = c.diagnostics(uri, Some(1));
    assert_eq!(ranges(&d), vec![("config".into(), 6, 11, 6, 12)]);
    assert!(d[0]["message"].as_str().unwrap().contains("正则表达式无效"));
    // Fix the regex but declare an example that does not trigger.
    c.change(uri, 2, json!([{"range": {"start": {"line": 6, "character": 10}, "end": {"line": 6, "character": 16}}, "text": "'闭合'\nexamples.bad = [\"没有\"]"}]));
    let d = c.diagnostics(uri, Some(2));
    assert_eq!(ranges(&d), vec![("config".into(), 7, 16, 7, 20)], "{d:?}");
    // A .gwlint.toml with an unknown key.
    let cfg = "file:///tmp/proj/.gwlint.toml";
    c.open(cfg, "toml", "disable = []\ncolour = 1\n");
    let d = c.diagnostics(cfg, Some(1));
    assert_eq!(d.len(), 1);
    assert!(d[0]["message"].as_str().unwrap().contains("colour"));
    c.shutdown();
}

#[test]
fn markdown_documents_and_other_languages() {
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], None, Value::Null);
    c.open(
        "file:///tmp/d.md",
        "markdown",
        "正文**重点**。\n\n`XX局长`\n\nX同志\n",
    );
    assert_eq!(
        ranges(&c.diagnostics("file:///tmp/d.md", Some(1))),
        vec![("placeholder.x".into(), 4, 0, 4, 1)]
    );
    // Languages that are not text are left alone...
    c.open("file:///tmp/e.rs", "rust", "// XX局长\n");
    // ...and closing a document clears its diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": "file:///tmp/d.md"}}),
    );
    assert!(c.diagnostics("file:///tmp/d.md", None).is_empty());
    c.shutdown();
}

#[test]
fn document_symbols_and_folding_on_a_corpus_file() {
    let text = fs::read_to_string(common::corpus("000_b6ef4dbc6134b96b.txt")).unwrap();
    let mut c = LspClient::spawn(None);
    let init = c.initialize(&["utf-16"], None, Value::Null);
    assert_eq!(init["capabilities"]["documentSymbolProvider"], true);
    let uri = "file:///tmp/corpus/000.txt";
    c.open(uri, "plaintext", &text);
    c.diagnostics(uri, Some(1));
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols = symbols.as_array().unwrap();
    // A compilation: pieces at the top, headings inside.
    assert!(symbols.len() >= 3, "{symbols:?}");
    fn find<'a>(list: &'a [Value], prefix: &str) -> Option<&'a Value> {
        list.iter().find_map(|s| {
            if s["name"].as_str().unwrap().starts_with(prefix) {
                Some(s)
            } else {
                find(
                    s["children"].as_array().map(Vec::as_slice).unwrap_or(&[]),
                    prefix,
                )
            }
        })
    }
    let heading = find(symbols, "一、创建全国文明城市的进展情况").expect("level-1 heading");
    assert_eq!(heading["selectionRange"]["start"]["line"], 26);
    let child = find(
        heading["children"].as_array().unwrap(),
        "(一)领导带头抓落实",
    )
    .expect("nested (一)");
    assert_eq!(child["range"]["start"]["line"], 27);
    let folds = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let folds = folds.as_array().unwrap();
    assert!(
        folds
            .iter()
            .any(|f| f["startLine"] == 26 && f["endLine"].as_u64().unwrap() > 27),
        "{folds:?}"
    );
    c.shutdown();
}

#[test]
fn code_actions_and_hover_are_not_offered_from_a_stale_lint() {
    let (_dir, root_uri, uri) = project();
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], Some(&root_uri), json!({"debounceMs": 1500}));
    c.open(&uri, "plaintext", "县城管局要加强管理。\n");
    let diags = c.diagnostics(&uri, Some(1));
    // Typing moves the text on; until version 2 is linted, fixes computed on
    // version 1 would land in the wrong place.
    c.change(&uri, 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "我们"}]));
    let stale = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    assert!(stale.is_null(), "{stale}");
    // Hover, likewise: version 1's finding is no longer where it was.
    let hover_at = |c: &mut LspClient, character: u32| {
        c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": character}}),
        )
    };
    let stale_hover = hover_at(&mut c, 1);
    assert!(stale_hover.is_null(), "{stale_hover}");
    let fresh = c.diagnostics(&uri, Some(2));
    assert_eq!(ranges(&fresh), vec![("terms".into(), 0, 2, 0, 6)]);
    let hover = hover_at(&mut c, 3);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|md| md.contains("本单位规范用语")),
        "{hover}"
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": fresh[0]["range"], "context": {"diagnostics": fresh}}),
    );
    assert!(actions.as_array().is_some_and(|a| !a.is_empty()));
    c.shutdown();
}

/// Lints run as jobs on one thread pool, where a thread waiting inside one
/// lint may pick up another. Rapid edits to several large documents at once,
/// with no debounce, keep lints of every document overlapping: each document
/// must still get its last version's diagnostics, the same as a fresh open of
/// that text gets.
#[test]
fn overlapping_lints_of_several_documents_all_publish() {
    let mut c = LspClient::spawn(None);
    c.initialize(&["utf-16"], None, json!({"debounceMs": 0}));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
    let mut texts: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    texts.sort();
    let uris: Vec<String> = (0..texts.len())
        .map(|i| format!("file:///tmp/overlap{i}.txt"))
        .collect();
    for (uri, text) in uris.iter().zip(&texts) {
        c.open(uri, "plaintext", text);
    }
    let rounds = 25;
    for v in 2..2 + rounds {
        for (uri, text) in uris.iter().zip(texts.iter_mut()) {
            let at = json!({"line": 1, "character": 0});
            c.change(
                uri,
                v,
                json!([{"range": {"start": at, "end": at}, "text": "XX局"}]),
            );
            let line_end = text.find('\n').map_or(text.len(), |i| i + 1);
            text.insert_str(line_end, "XX局");
        }
    }
    let last: Vec<Vec<Value>> = uris
        .iter()
        .map(|uri| c.diagnostics(uri, Some(1 + rounds)))
        .collect();
    for (i, (text, got)) in texts.iter().zip(&last).enumerate() {
        let fresh = format!("file:///tmp/fresh{i}.txt");
        c.open(&fresh, "plaintext", text);
        assert_eq!(ranges(got), ranges(&c.diagnostics(&fresh, Some(1))));
        assert!(ranges(got)
            .iter()
            .any(|r| r.0 == "placeholder.x" && r.1 == 1));
    }
    c.shutdown();
}
