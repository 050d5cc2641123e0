//! The real `gwlint` binary on files, directories and standard input.

mod common;

use common::*;
use std::fs;

fn check_json(args: &[&str]) -> (Vec<(String, u64, u64, String)>, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all, None, None);
    let code = out.status.code().unwrap();
    (summary(&json_findings(&out)), code)
}

#[test]
fn finds_placeholders_in_all_corpus_files_at_exact_positions() {
    let p0 = corpus("000_b6ef4dbc6134b96b.txt");
    let p1 = corpus("001_c52c8a72763d0035.txt");
    let p2 = corpus("002_88388a4fa2b47f34.txt");
    let (found, code) = check_json(&[
        p0.to_str().unwrap(),
        p1.to_str().unwrap(),
        p2.to_str().unwrap(),
        "--disable",
        "typo",
    ]);
    assert_eq!(code, 1);
    // 000: 《**县住房和城乡建设局…》, 20XX年, 20xx年, xx年
    assert!(has(&found, "placeholder.star", 14, 21, "**"), "{found:?}");
    assert!(has(&found, "placeholder.x", 16, 119, "XX"));
    assert!(has(&found, "placeholder.x", 26, 6, "xx"));
    assert!(has(&found, "placeholder.x", 40, 15, "xx"));
    // 001: 刚才,XX局长解读了…; x月x日
    assert!(has(&found, "placeholder.x", 13, 4, "XX"), "{found:?}");
    assert!(has(&found, "placeholder.x", 57, 1, "xx"));
    // 002: 在_文明城市创建工作推进会议上的讲话
    assert!(has(&found, "placeholder.underscore", 2, 2, "_"));
}

#[test]
fn placeholder_false_friends_stay_silent() {
    let text = "尺码XXL，系统Windows XP，架构x86，面积3×4平方米，X光检查。";
    let out = run(
        &["check", "--format", "json", "-"],
        Some(text.as_bytes()),
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}",
        summary(&json_findings(&out))
    );
}

#[test]
fn json_records_carry_the_documented_fields() {
    let out = run(
        &["check", "--format", "json", "-"],
        Some("刚才，XX局长讲话。".as_bytes()),
        None,
    );
    let findings = json_findings(&out);
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["file"], "-");
    assert_eq!(f["rule"], "placeholder.x");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["start"], 9);
    assert_eq!(f["end"], 11);
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(4))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(1), Some(6))
    );
    assert_eq!(f["matched"], "XX");
    assert!(f["message"].as_str().unwrap().contains("占位符"));
    assert!(f["replacements"].is_array() && f["fixes"].is_array() && f["related"].is_array());
    assert_eq!(f["encoding"], "UTF-8");
}

#[test]
fn human_output_underlines_the_span() {
    let out = run(
        &["check", "--color", "never", "-"],
        Some("请XX局长讲话。\n".as_bytes()),
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("-:1:2: error[placeholder.x]: "),
        "{text}"
    );
    assert_eq!(lines[1], "    请XX局长讲话。");
    assert_eq!(lines[2], "      ^^");
}

#[test]
fn crlf_and_bom_positions_are_right() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.txt");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("第一行\r\n刚才，XX局长讲话。\r\n".as_bytes());
    fs::write(&path, bytes).unwrap();
    let (found, _) = check_json(&[path.to_str().unwrap()]);
    assert_eq!(
        found,
        vec![("placeholder.x".to_owned(), 2, 4, "XX".to_owned())]
    );
}

#[test]
fn gbk_files_are_decoded_and_the_encoding_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gbk.txt");
    let (bytes, _, _) = encoding_rs::GBK.encode("各位领导：\n刚才，XX局长讲话。\n");
    fs::write(&path, &bytes).unwrap();
    let out = run(
        &["check", "--format", "json", path.to_str().unwrap()],
        None,
        None,
    );
    let findings = json_findings(&out);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["encoding"], "GB18030");
    assert_eq!(
        (findings[0]["line"].as_u64(), findings[0]["column"].as_u64()),
        (Some(2), Some(4))
    );
    let human = run(
        &["check", "--color", "never", path.to_str().unwrap()],
        None,
        None,
    );
    assert!(String::from_utf8_lossy(&human.stdout).contains("decoded as GB18030"));
}

#[test]
fn binary_files_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), b"\x89PNG\r\n\x1a\n\0\0\0IHDR").unwrap();
    fs::write(dir.path().join("b.txt"), "刚才，XX局长讲话。").unwrap();
    let out = run(
        &["check", "--format", "json", dir.path().to_str().unwrap()],
        None,
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a.txt: error: binary file"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(json_findings(&out).len(), 1, "b.txt is still checked");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn markdown_code_and_links_are_not_linted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.md");
    fs::write(
        &path,
        "---\ntitle: XX局长\n---\n# 标题\n\n正文**重点**内容。\n\n```\nXX局长\n```\n\n见`XX局长`与[链接](http://x.cn/XX局长)。\n\n刚才，XX局长讲话。\n",
    )
    .unwrap();
    let (found, _) = check_json(&[path.to_str().unwrap()]);
    assert_eq!(
        found,
        vec![("placeholder.x".to_owned(), 14, 4, "XX".to_owned())]
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let text = "认真贯彻《》精神".as_bytes(); // a warning
    assert_eq!(
        run(&["check", "-"], Some(text), None).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&["check", "--fail-on", "error", "-"], Some(text), None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--fail-on", "never", "-"], Some(text), None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "-"], Some("一切正常。".as_bytes()), None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--format", "yaml", "-"], Some(text), None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "/no/such/file.txt"], None, None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn project_config_is_found_by_walking_up_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(".gwlint.toml"),
        "disable = [\"placeholder.star\"]\nallow = [\"XX局长\"]\nignore = [\"drafts/\"]\n[severity]\nplaceholder = \"info\"\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("sub/drafts")).unwrap();
    fs::write(
        dir.path().join("sub/a.txt"),
        "刚才，XX局长讲话，**县和X同志参加。",
    )
    .unwrap();
    fs::write(dir.path().join("sub/drafts/b.txt"), "X同志").unwrap();
    let out = run(
        &["check", "--format", "json", "."],
        None,
        Some(&dir.path().join("sub")),
    );
    let findings = json_findings(&out);
    let found = summary(&findings);
    assert_eq!(
        found,
        vec![("placeholder.x".to_owned(), 1, 15, "X".to_owned())],
        "{found:?}"
    );
    assert_eq!(findings[0]["severity"], "info");
    assert_eq!(
        out.status.code(),
        Some(0),
        "info is below the default fail-on"
    );
}

#[test]
fn broken_config_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(".gwlint.toml"),
        "disable = [\"a\"\nallow = 3\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.txt"), "正文").unwrap();
    let out = run(&["check", "a.txt"], None, Some(dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".gwlint.toml:2:1: error:"), "{stderr}");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_regex_in_a_project_pack_is_located() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gwlint.toml"), "packs = [\"mine.toml\"]\n").unwrap();
    fs::write(
        dir.path().join("mine.toml"),
        "[[rule]]\nid = \"mine.x\"\nkind = \"pattern\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\npattern = '(未闭合'\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.txt"), "正文").unwrap();
    let out = run(&["check", "a.txt"], None, Some(dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mine.toml:7:12: error: 规则 `mine.x` 的正则表达式无效"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn project_packs_add_rules() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(".gwlint.toml"),
        "packs = [\"terms.toml\"]\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("terms.toml"),
        "[[rule]]\nid = \"terms\"\nkind = \"dictionary\"\nseverity = \"warning\"\nsummary = \"本单位规范用语\"\nmessage = \"请写作“{replacement}”\"\nexamples.bad = [\"县城管局\"]\nexamples.good = [\"县城市管理局\"]\n[rule.entries]\n\"县城管局\" = \"县城市管理局\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.txt"), "县城管局要加强管理。").unwrap();
    let out = run(
        &["check", "--format", "json", "a.txt"],
        None,
        Some(dir.path()),
    );
    let findings = json_findings(&out);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["message"], "请写作“县城市管理局”");
    assert_eq!(findings[0]["replacements"][0], "县城市管理局");
    let tested = run(&["test-rules", "terms.toml"], None, Some(dir.path()));
    assert_eq!(
        tested.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&tested.stderr)
    );
}

#[test]
fn test_rules_reports_examples_that_misbehave() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.toml"),
        "[[rule]]\nid = \"t\"\nkind = \"dictionary\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\nexamples.bad = [\"没有错\"]\nexamples.good = [\"布臵\"]\n[rule.entries]\n\"布臵\" = \"布置\"\n",
    )
    .unwrap();
    let out = run(&["test-rules", "bad.toml"], None, Some(dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.toml:7:17: error: 示例应触发规则"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.toml:8:18: error: 示例不应触发规则"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn rules_and_explain_list_rules() {
    let out = run(&["rules"], None, None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("placeholder.x ") && l.contains("error")),
        "{text}"
    );
    let out = run(&["explain", "placeholder.x"], None, None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("XX局长") && text.contains("会报告"), "{text}");
    assert_eq!(
        run(&["explain", "no.such"], None, None).status.code(),
        Some(2)
    );
}

#[test]
fn parallel_and_single_threaded_runs_agree() {
    let dir = corpus("");
    let one = run(
        &[
            "check",
            "--format",
            "json",
            "-j",
            "1",
            dir.to_str().unwrap(),
        ],
        None,
        None,
    );
    let many = run(
        &[
            "check",
            "--format",
            "json",
            "-j",
            "4",
            dir.to_str().unwrap(),
        ],
        None,
        None,
    );
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn sarif_and_github_formats_are_well_formed() {
    let out = run(
        &["check", "--format", "sarif", "-"],
        Some("刚才，XX局长讲话。".as_bytes()),
        None,
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "placeholder.x");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        4
    );
    let out = run(
        &["check", "--format", "github", "-"],
        Some("刚才，XX局长讲话。".as_bytes()),
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("::error file=-,line=1,col=4,"), "{text}");
}

#[test]
fn docs_url_becomes_the_sarif_help_uri_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("gwlint.toml");
    fs::write(
        &config,
        "docs_url = \"https://wiki.example.org/gwlint/{id}\"\n",
    )
    .unwrap();
    let config_arg = config.to_str().unwrap();
    let out = run(
        &["check", "--format", "sarif", "--config", config_arg, "-"],
        Some("刚才，XX局长讲话。".as_bytes()),
        None,
    );
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let x = rules.iter().find(|r| r["id"] == "placeholder.x").unwrap();
    assert_eq!(
        x["helpUri"],
        "https://wiki.example.org/gwlint/placeholder.x"
    );
    fs::write(&config, "docs_url = \"wiki/{id}\"\n").unwrap();
    let out = run(
        &["check", "--config", config_arg, "-"],
        Some("刚才讲话。".as_bytes()),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gwlint.toml:1:") && err.contains("docs_url"),
        "{err}"
    );
}

#[test]
fn cross_file_reports_passages_shared_between_files() {
    let dir = tempfile::tempdir().unwrap();
    let corpus_text = fs::read_to_string(corpus("001_c52c8a72763d0035.txt")).unwrap();
    let lines: Vec<&str> = corpus_text.lines().collect();
    // The same speech in two files, with a different opening in each.
    let speech = lines[204..246].join("\n");
    fs::write(
        dir.path().join("a.txt"),
        format!("甲单位的讲话\n{speech}\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("b.txt"),
        format!("乙单位的发言\n乙单位开场白。\n{speech}\n"),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let without = run(
        &["check", "--format", "json", "--fail-on", "never", path],
        None,
        None,
    );
    assert!(!json_findings(&without)
        .iter()
        .any(|f| f["rule"] == "duplicate.passage"));
    let with = run(
        &[
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--cross-file",
            path,
        ],
        None,
        None,
    );
    let shared: Vec<serde_json::Value> = json_findings(&with)
        .into_iter()
        .filter(|f| f["rule"] == "duplicate.passage")
        .collect();
    assert!(!shared.is_empty());
    let in_b = shared
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("b.txt"))
        .expect("reported in b.txt");
    assert_eq!(in_b["line"], 3);
    let related = &in_b["related"][0];
    assert!(
        related["file"].as_str().unwrap().ends_with("a.txt"),
        "{related}"
    );
    assert_eq!(related["line"], 2);
}

#[test]
fn finds_curated_typos_in_the_corpus_at_exact_positions() {
    let p0 = corpus("000_b6ef4dbc6134b96b.txt");
    let (found, _) = check_json(&[p0.to_str().unwrap()]);
    assert!(has(&found, "typo", 4, 13, "吐火如荼"), "{found:?}");
    assert!(has(&found, "typo", 14, 111, "布臵"));
    assert!(has(&found, "typo", 18, 21, "前臵"));
    assert!(has(&found, "typo", 19, 234, "配臵"));
    let out = run(
        &["check", "--format", "json", p0.to_str().unwrap()],
        None,
        None,
    );
    let tuhuo = json_findings(&out)
        .into_iter()
        .find(|f| f["matched"] == "吐火如荼")
        .unwrap();
    assert_eq!(tuhuo["replacements"][0], "如火如荼");
}

#[test]
fn curated_typo_list_is_large_and_sound() {
    let specs = gwlint::config::load_rules(&gwlint::ProjectConfig::default()).unwrap();
    let typo = specs
        .iter()
        .find(|s| &*s.id == "typo")
        .expect("curated typo rule");
    assert!(typo.entries.len() >= 1500, "{} entries", typo.entries.len());
    // No wrong form may occur inside any correction: that would flag correct text.
    let rights: Vec<&String> = typo.entries.iter().flat_map(|e| &e.right).collect();
    for e in &typo.entries {
        assert!(
            !rights.iter().any(|r| r.contains(e.wrong.as_str())),
            "{} occurs in a correction",
            e.wrong
        );
    }
    // Nor may a correct corpus sentence trigger it: every hit in the corpus is a real slip.
    let rules = gwlint::RuleSet::from_specs(vec![typo.clone()], &[]).unwrap();
    let mut hits = Vec::new();
    for name in [
        "000_b6ef4dbc6134b96b.txt",
        "001_c52c8a72763d0035.txt",
        "002_88388a4fa2b47f34.txt",
    ] {
        let text = fs::read_to_string(corpus(name)).unwrap();
        for f in rules.check(&text, gwlint::DocKind::Plain) {
            hits.push(text[f.span].to_owned());
        }
    }
    hits.sort();
    assert_eq!(
        hits,
        [
            "前臵",
            "吐火如荼",
            "布臵",
            "截止目前",
            "执任追究",
            "真奔问题",
            "评先数模",
            "配臵"
        ]
    );
}

/// `gwlint rules | head -1`: the reader is gone (here before the first line
/// is written, which makes the write fail every time), and the process must
/// end quietly, as Unix tools do, not in a panic on the closed pipe.
#[test]
fn listing_into_a_closed_pipe_ends_quietly() {
    for args in [&["rules", "--all"][..], &["explain", "typo.idiom"][..]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gwlint"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("gwlint runs");
        // Building the rules takes milliseconds: the pipe closes first.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}");
    }
}
