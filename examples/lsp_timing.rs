//! The language server's work for the `lsp_latency` benchmark, in process and
//! phase by phase: lint (local + document rules) and writing the diagnostics'
//! JSON; for comparison, what tower-lsp's typed publish would cost for the
//! first lint's diagnostics (params → `serde_json::Value` → string). Wall and process-CPU
//! milliseconds, p50 / p99 over the edits.
//! Run: `cargo run --release --example lsp_timing [edits]`; with
//! `LSP_TIMING_FLUSH=1` the caches are flushed before each edit, with
//! `LSP_TIMING_PAUSE_MS=50` the process idles that long before each edit, with
//! `LSP_TIMING_SLOW=1` each edit's time is printed to stderr (to see whether the
//! slow ones have something in common). Minor page faults per edit are
//! reported too: a large buffer allocated afresh on every edit shows there.

#[path = "../tests/common/bigdoc.rs"]
mod bigdoc;

use std::time::Instant;

use gwlint::lsp::lint::ParagraphCache;
use gwlint::lsp::process_cpu_ms;
use gwlint::position::Encoding;
use gwlint::{DocKind, RuleSet};
use tower_lsp::lsp_types::{PublishDiagnosticsParams, Url};

#[derive(Default)]
struct Phase {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Phase {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let (w, c) = (Instant::now(), process_cpu_ms());
        let out = f();
        self.cpu.push(process_cpu_ms() - c);
        self.wall.push(w.elapsed().as_secs_f64() * 1e3);
        out
    }

    fn report(&mut self, name: &str) {
        let pct = |v: &mut Vec<f64>, p: f64| {
            v.sort_by(f64::total_cmp);
            v[((v.len() as f64 - 1.0) * p).round() as usize]
        };
        println!(
            "{name:<12} wall p50 {:6.2} p99 {:6.2} ms   cpu p50 {:6.2} p99 {:6.2} ms",
            pct(&mut self.wall, 0.5),
            pct(&mut self.wall, 0.99),
            pct(&mut self.cpu, 0.5),
            pct(&mut self.cpu, 0.99)
        );
    }
}

fn main() {
    // The server's pool, unless LSP_TIMING_UNPINNED is set (to compare).
    if std::env::var_os("LSP_TIMING_UNPINNED").is_none() {
        gwlint::lsp::pool::start_pinned_pool();
    }
    let edits: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let mut text = bigdoc::document(1_000_000);
    let rules = RuleSet::builtin();
    let uri = Url::parse("file:///tmp/gwlint-bench/big.txt").unwrap();
    let enc = Encoding::Utf16;
    let mut cache = ParagraphCache::default();
    let (mut lint, mut json, mut typed, mut total): (Phase, Phase, Phase, Phase) =
        Default::default();
    // The lint's own split (wall): local rules, document rules.
    let (mut local, mut document): (Phase, Phase) = Default::default();
    let mut open = Phase::default();
    let mut run = |text: &str, lint: &mut Phase, json: &mut Phase, typed: &mut Phase| {
        // The lint builds the position map on the side, as in the server.
        let (linted, map) = lint.time(|| cache.lint(&rules, text, None, enc, DocKind::Plain, &uri));
        local.wall.push(linted.local_ms);
        document.wall.push(linted.document_ms);
        json.time(|| {
            // As the server does: reserved, and the body kept for the next edit.
            let mut out = cache.take_json_buffer();
            out.reserve(512 + linted.len() * 320);
            cache.write_diagnostics(&linted, &map, &uri, &mut out);
            let body = std::sync::Arc::new(out);
            cache.keep_json(&body);
            body.len()
        });
        if typed.wall.is_empty() {
            let diags = linted.diagnostics(&map, &uri);
            typed.time(|| {
                let params = PublishDiagnosticsParams::new(uri.clone(), diags, Some(1));
                let value = serde_json::to_value(params).unwrap();
                serde_json::to_string(&value).unwrap().len()
            });
        }
        linted.len()
    };
    let (mut a, mut b): (Phase, Phase) = Default::default();
    let n = open.time(|| run(&text, &mut a, &mut b, &mut typed));
    println!("didOpen: {n} diagnostics");
    open.report("open, all");
    a.report("open, lint");
    typed.report("(tower-lsp's typed publish of these, for comparison)");
    let lines = text.lines().count();
    let mut flush = std::env::var_os("LSP_TIMING_FLUSH").map(|_| vec![0u8; 64 << 20]);
    let pause: Option<u64> = std::env::var("LSP_TIMING_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok());
    let minflt = || {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        after.split(' ').nth(7).unwrap().parse::<u64>().unwrap()
    };
    let faults_before = minflt();
    for i in 0..edits {
        let (line, ch) = bigdoc::edit(i, lines);
        let at = text
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>();
        let at = at + text[at..].chars().next().map_or(0, char::len_utf8);
        text.insert_str(at, ch);
        if let Some(ms) = pause {
            // The client parses the last publish meanwhile: the server idles.
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        if let Some(flush) = flush.as_mut() {
            // What the editor (and everything else) does between two
            // keystrokes evicts the server's data from the caches.
            flush
                .iter_mut()
                .step_by(64)
                .for_each(|b| *b = b.wrapping_add(1));
        }
        run(&text, &mut lint, &mut json, &mut typed);
        let last = |p: &Phase| (p.wall[p.wall.len() - 1], p.cpu[p.cpu.len() - 1]);
        let ((lw, lc), (jw, jc)) = (last(&lint), last(&json));
        total.wall.push(lw + jw);
        total.cpu.push(lc + jc);
        if std::env::var_os("LSP_TIMING_SLOW").is_some() {
            eprintln!("edit {i} line {line} {ch:?}: {:.2} ms", lw + jw);
        }
    }
    println!(
        "{edits} one-character edits: {:.0} minor page faults per edit",
        (minflt() - faults_before) as f64 / edits as f64
    );
    lint.report("lint");
    local.cpu = local.wall.clone();
    document.cpu = document.wall.clone();
    local.report("  local");
    document.report("  document");
    json.report("JSON");
    total.report("lint + JSON");
}
