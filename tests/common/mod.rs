//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod lsp;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn gwlint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gwlint"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn corpus(name: &str) -> PathBuf {
    fixture("corpus").join(name)
}

/// Runs `gwlint` with `args` and optional stdin.
pub fn run(args: &[&str], stdin: Option<&[u8]>, cwd: Option<&Path>) -> Output {
    let mut cmd = gwlint();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn().expect("spawn gwlint");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            // A process that rejects its arguments exits without reading stdin.
            let _ = pipe.write_all(input);
        }
    }
    child.wait_with_output().expect("wait for gwlint")
}

/// Findings of `gwlint check --format json`, one JSON value each.
pub fn json_findings(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// `(rule, line, column, matched)` of each finding.
pub fn summary(findings: &[serde_json::Value]) -> Vec<(String, u64, u64, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["matched"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Whether a finding `(rule prefix, line, column, matched)` is among `found`.
pub fn has(
    found: &[(String, u64, u64, String)],
    rule: &str,
    line: u64,
    col: u64,
    matched: &str,
) -> bool {
    found.iter().any(|(r, l, c, m)| {
        gwlint::config::selects(rule, r) && *l == line && *c == col && m == matched
    })
}
