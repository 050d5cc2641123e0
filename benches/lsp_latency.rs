//! Drives the real `gwlint lsp` over a pipe with a 1 MB document: time to the first
//! diagnostics after didOpen, latency from didChange to publishDiagnostics for
//! one-character edits (debounce set to 0), and the server's resident memory.
//!
//! "server" times are what the server logs for lint + conversion of each version;
//! "round trip" times are measured by this client and add pipe and JSON costs.
//! Run: `cargo bench --bench lsp_latency`.

#[path = "../tests/common/lsp.rs"]
mod lsp;
#[path = "../tests/common/bigdoc.rs"]
mod bigdoc;

use std::time::Instant;

use serde_json::json;

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn server_ms(msg: &serde_json::Value) -> f64 {
    let text = msg["params"]["message"].as_str().unwrap_or("");
    text.split(" in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary
    // without it, as a quick smoke test on a small document.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let text = bigdoc::document(if smoke { 50_000 } else { 1_000_000 });
    let lines = text.lines().count();
    let chars = text.chars().count();
    let mut c = lsp::LspClient::spawn(None);
    let pid = c.child.id();
    c.initialize(&["utf-16"], None, json!({"debounceMs": 0}));
    let uri = "file:///tmp/gwlint-bench/big.txt";
    let rss_before = rss_kb(pid);
    let started = Instant::now();
    c.open(uri, "plaintext", &text);
    let diags = c.diagnostics(uri, Some(1));
    let open_round_trip = started.elapsed().as_secs_f64() * 1000.0;
    let open_log = c.wait_for(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(" v1 ")
    });
    println!(
        "document: {:.2} MB, {chars} characters, {lines} lines; {} diagnostics",
        text.len() as f64 / 1e6,
        diags.len()
    );
    println!(
        "didOpen → diagnostics: server {:.1} ms, round trip {:.1} ms",
        server_ms(&open_log),
        open_round_trip
    );

    let mut round_trips = Vec::new();
    let mut server = Vec::new();
    let edits = if smoke { 5 } else { 300 };
    for i in 0..edits {
        let version = 2 + i as i64;
        let (line, ch) = bigdoc::edit(i, lines);
        let t = Instant::now();
        c.change(uri, version, json!([{"range": {"start": {"line": line, "character": 1}, "end": {"line": line, "character": 1}}, "text": ch}]));
        c.diagnostics(uri, Some(version));
        round_trips.push(t.elapsed().as_secs_f64() * 1000.0);
        let needle = format!(" v{version} ");
        let log = c.wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains(&needle)
        });
        server.push(server_ms(&log));
        if i + 1 == edits {
            println!(
                "last edit, as the server logs it: {}",
                log["params"]["message"]
            );
        }
    }
    let rss_after = rss_kb(pid);
    round_trips.sort_by(f64::total_cmp);
    server.sort_by(f64::total_cmp);
    println!(
        "one-character edit ({edits} edits): server p50 {:.2} ms, p99 {:.2} ms; round trip p50 {:.2} ms, p99 {:.2} ms",
        percentile(&server, 0.5),
        percentile(&server, 0.99),
        percentile(&round_trips, 0.5),
        percentile(&round_trips, 0.99)
    );
    println!(
        "resident memory: {:.1} MB before open, {:.1} MB with the document open after the edits",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    c.shutdown();
}
