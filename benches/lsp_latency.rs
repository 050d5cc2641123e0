//! Drives the real `gwlint lsp` over a pipe with a 1 MB document: time to the first
//! diagnostics after didOpen, latency from didChange to publishDiagnostics for
//! one-character edits (debounce set to 0), and the server's resident memory.
//!
//! "server" times are what the server logs for each version: from receiving
//! the didChange (didOpen) to the publishDiagnostics JSON queued for the
//! client, less the debounce (wall; and the process's CPU time over the lint,
//! steadier on a shared machine), split into local rules, document rules and
//! writing the JSON. "round trip" times are measured by this
//! client and add the pipe and this client's parsing of ~1 MB of JSON.
//! Run: `cargo bench --bench lsp_latency`; with `LSP_BENCH_DISABLE=typo.idiom,typo.word`
//! the lexicon rules are switched off (to see how much memory is the lexicon's);
//! with `LSP_BENCH_UNIQUE=1` the document has no passage twice (see
//! tests/common/bigdoc.rs), the duplicate search's ordinary case.

#[path = "../tests/common/bigdoc.rs"]
mod bigdoc;
#[path = "../tests/common/lsp.rs"]
mod lsp;

use std::time::Instant;

use serde_json::json;

fn rss_kb(pid: u32) -> u64 {
    status_kb(pid, "VmRSS:")
}

/// A `/proc/PID/status` figure in KB (`VmRSS:`, `RssAnon:`, `RssFile:`).
fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The number after `label` in the server's log line for one lint, e.g.
/// `"in 3.10 ms, cpu 2.90 ms (… local 0.50 ms, document 2.10 ms, … JSON 0.90 ms)"`.
fn logged(msg: &serde_json::Value, label: &str) -> f64 {
    let text = msg["params"]["message"].as_str().unwrap_or("");
    text.split(label)
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Percentiles of one logged figure over the edits.
#[derive(Default)]
struct Series(Vec<f64>);

impl Series {
    fn p(&mut self, p: f64) -> f64 {
        self.0.sort_by(f64::total_cmp);
        percentile(&self.0, p)
    }
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
    // LSP_BENCH_DISABLE=typo.idiom,typo.word: what the server costs without
    // the lexicon rules (whose tables dominate the memory of a bare server).
    let disable: Vec<String> = std::env::var("LSP_BENCH_DISABLE")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    c.initialize(
        &["utf-16"],
        None,
        json!({"debounceMs": 0, "disable": disable}),
    );
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
        "didOpen, as the server logs it: {}",
        open_log["params"]["message"]
    );
    println!(
        "didOpen → diagnostics: server {:.1} ms (cpu {:.1} ms), round trip {:.1} ms",
        logged(&open_log, " in "),
        logged(&open_log, "cpu "),
        open_round_trip
    );

    let mut round_trips = Series::default();
    let labels = [" in ", "cpu ", "local ", "document ", "JSON "];
    let mut server: Vec<Series> = labels.iter().map(|_| Series::default()).collect();
    let edits = if smoke { 5 } else { 300 };
    for i in 0..edits {
        let version = 2 + i as i64;
        let (line, ch) = bigdoc::edit(i, lines);
        let t = Instant::now();
        c.change(uri, version, json!([{"range": {"start": {"line": line, "character": 1}, "end": {"line": line, "character": 1}}, "text": ch}]));
        c.diagnostics(uri, Some(version));
        round_trips.0.push(t.elapsed().as_secs_f64() * 1000.0);
        let needle = format!(" v{version} ");
        let log = c.wait_for(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains(&needle)
        });
        for (series, label) in server.iter_mut().zip(labels) {
            series.0.push(logged(&log, label));
        }
        if std::env::var_os("LSP_BENCH_ALL").is_some() {
            eprintln!("{}", log["params"]["message"]);
        }
        if i + 1 == edits {
            println!(
                "last edit, as the server logs it: {}",
                log["params"]["message"]
            );
        }
    }
    let rss_after = rss_kb(pid);
    // Heap and stacks apart from mapped files (the binary and its lexicon
    // tables, which count once their pages are read).
    let (anon_after, file_after) = (status_kb(pid, "RssAnon:"), status_kb(pid, "RssFile:"));
    // The server returns freed memory to the system after a second without lints.
    std::thread::sleep(std::time::Duration::from_millis(if smoke {
        0
    } else {
        1500
    }));
    let rss_idle = rss_kb(pid);
    let [wall, cpu, local, document, to_json] = &mut server[..] else {
        unreachable!()
    };
    println!(
        "one-character edit ({edits} edits): server p50 {:.2} ms, p99 {:.2} ms (cpu p50 {:.2}, p99 {:.2}); round trip p50 {:.2} ms, p99 {:.2} ms",
        wall.p(0.5),
        wall.p(0.99),
        cpu.p(0.5),
        cpu.p(0.99),
        round_trips.p(0.5),
        round_trips.p(0.99)
    );
    println!(
        "  of which (p50 / p99): local rules {:.2} / {:.2} ms, document rules {:.2} / {:.2} ms, JSON {:.2} / {:.2} ms",
        local.p(0.5),
        local.p(0.99),
        document.p(0.5),
        document.p(0.99),
        to_json.p(0.5),
        to_json.p(0.99)
    );
    println!(
        "resident memory: {:.1} MB before open, {:.1} MB with the document open right after the edits ({:.1} MB heap, {:.1} MB mapped binary and lexicon), {:.1} MB after 1.5 s idle",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        anon_after as f64 / 1024.0,
        file_after as f64 / 1024.0,
        rss_idle as f64 / 1024.0
    );
    c.shutdown();
}
