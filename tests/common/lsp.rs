//! A minimal LSP client speaking JSON-RPC to the real `gwlint lsp` over pipes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct LspClient {
    pub child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Messages received but not yet consumed.
    backlog: Vec<Value>,
}

const TIMEOUT: Duration = Duration::from_secs(20);

impl LspClient {
    pub fn spawn(cwd: Option<&std::path::Path>) -> LspClient {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gwlint"));
        cmd.arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn().expect("spawn gwlint lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("valid JSON from server");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        LspClient {
            child,
            stdin,
            rx,
            next_id: 1,
            backlog: Vec::new(),
        }
    }

    pub fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut msg = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(msg);
    }

    /// Sends a request and waits for its response, answering server requests
    /// (registerCapability, applyEdit) on the way.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(msg);
        let resp = self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// Waits for the first message matching `pred`; other messages are kept.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) => {
                    if msg.get("method").is_some() && msg.get("id").is_some() {
                        // A request from the server: acknowledge it.
                        let id = msg["id"].clone();
                        self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                    }
                    if pred(&msg) {
                        return msg;
                    }
                    self.backlog.push(msg);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting; backlog: {:?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed; backlog: {:?}", self.backlog)
                }
            }
        }
    }

    /// Waits for diagnostics for `uri` at `version`, skipping older ones.
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let msg = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && (version.is_none() || m["params"]["version"] == json!(version))
        });
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn initialize(&mut self, encodings: &[&str], root: Option<&str>, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}
                },
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// shutdown + exit; returns how long the process took to end after exit.
    pub fn shutdown(mut self) -> Duration {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let started = Instant::now();
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return started.elapsed();
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// `(code, start line, start char, end line, end char)` of each diagnostic.
pub fn ranges(diags: &[Value]) -> Vec<(String, u64, u64, u64, u64)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["range"]["end"]["line"].as_u64().unwrap(),
                d["range"]["end"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}
