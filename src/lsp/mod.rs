//! `gwlint lsp`: a language server over stdio on the same engine as `gwlint check`.
//!
//! Ordering: tower-lsp runs handlers concurrently, but each handler here applies its
//! edit to the shared state synchronously, before its first `.await`, so edits are
//! applied in arrival order. Linting runs later against a snapshot, as a job on the
//! rayon pool; a result is published only if its document has not changed since.

mod config_edit;
mod convert;
pub mod lint;
mod out;
pub mod pool;
mod rulefile;
mod settings;
mod split;
mod symbols;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tower_lsp::jsonrpc::Result as RpcResult;
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer, LspService, Server};

use crate::config::{project::FILE_NAME, ProjectConfig};
use crate::document::DocKind;
use crate::engine::RuleSet;
use crate::finding::Finding;
use crate::position::Encoding;
use lint::ParagraphCache;
use out::Output;
use rulefile::ConfigFileKind;
use settings::EditorSettings;
use text::{DocText, PositionMap};

/// Runs the server on stdin/stdout until the client says exit.
pub fn run_stdio() -> std::io::Result<()> {
    limit_malloc_arenas();
    pool::start_pinned_pool();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let out = Output::new(std::io::stdout());
        let writer = out.writer();
        let (service, socket) = LspService::new(|client| Backend::new(client, out.clone()));
        Server::new(tokio::io::stdin(), writer, socket)
            .serve(ExitOnExit {
                inner: service,
                out: out.clone(),
            })
            .await;
        out.flush();
    });
    // Blocking lint tasks still running must not keep the process alive after exit.
    runtime.shutdown_timeout(Duration::from_millis(200));
    Ok(())
}

/// glibc gives each thread that allocates its own arena and keeps freed memory
/// in it; a server whose lints hop between pool threads then holds several
/// documents' worth of garbage. Two arenas are plenty for one writer's edits.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Ends the process when the client sends `exit`. tower-lsp stops serving after
/// `exit` but only notices on the next message, and a client that keeps the pipe
/// open would otherwise leave the server running.
struct ExitOnExit {
    inner: LspService<Backend>,
    out: Output,
}

impl tower::Service<tower_lsp::jsonrpc::Request> for ExitOnExit {
    type Response = Option<tower_lsp::jsonrpc::Response>;
    type Error = tower_lsp::ExitedError;
    type Future = futures::future::BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: tower_lsp::jsonrpc::Request) -> Self::Future {
        let exit_code = (req.method() == "exit").then(|| {
            // 0 after a shutdown request, 1 otherwise, as the protocol asks.
            let state = self
                .inner
                .inner()
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if state.shutting_down {
                0
            } else {
                1
            }
        });
        let fut = self.inner.call(req);
        let out = self.out.clone();
        Box::pin(async move {
            let result = fut.await;
            if let Some(code) = exit_code {
                out.flush();
                std::process::exit(code);
            }
            result
        })
    }
}

/// The rules in force for documents under one config file (or none).
struct Loaded {
    config: ProjectConfig,
    rules: Arc<RuleSet>,
}

/// A lint result kept for code actions and hover.
struct Snapshot {
    /// The findings with absolute spans are only built when asked for.
    linted: Option<lint::Linted>,
}

impl Snapshot {
    fn findings(&self) -> &[Finding] {
        self.linted.as_ref().map_or(&[], |l| l.findings())
    }
}

struct OpenDoc {
    text: DocText,
    version: i32,
    kind: DocKind,
    path: Option<PathBuf>,
    config_kind: Option<ConfigFileKind>,
    checked: bool,
    /// Bumped on every change; a lint publishes only if it is still current.
    seq: u64,
    /// Async, because a lint holds it while its job waits for the pool.
    cache: Arc<tokio::sync::Mutex<ParagraphCache>>,
    last: Option<Arc<Snapshot>>,
    /// The text `last` was linted from, while it is the current text: an
    /// edit drops it (the findings are then about an older text), so that
    /// the edit changes the text in place instead of copying it.
    last_text: Option<Arc<String>>,
}

struct State {
    encoding: Encoding,
    root: Option<PathBuf>,
    settings: EditorSettings,
    /// Keyed by config file path (`None`: no config found, defaults).
    loaded: HashMap<Option<PathBuf>, Arc<Loaded>>,
    /// Counts reloads (config files or settings changed), so that rules
    /// loaded in the background before a reload are not used.
    reloads: u64,
    /// The workspace's rules being built in the background since start-up.
    warming: Option<Warming>,
    docs: HashMap<Url, OpenDoc>,
    shutting_down: bool,
}

pub struct Backend {
    client: Client,
    out: Output,
    state: Arc<Mutex<State>>,
}

fn uri_path(uri: &Url) -> Option<PathBuf> {
    (uri.scheme() == "file")
        .then(|| uri.to_file_path().ok())
        .flatten()
}

impl Backend {
    fn new(client: Client, out: Output) -> Backend {
        Backend {
            client,
            out,
            state: Arc::new(Mutex::new(State {
                encoding: Encoding::Utf16,
                root: None,
                settings: EditorSettings::default(),
                loaded: HashMap::new(),
                reloads: 0,
                warming: None,
                docs: HashMap::new(),
                shutting_down: false,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        lock_state(&self.state)
    }

    async fn log(&self, typ: MessageType, message: String) {
        self.client.log_message(typ, message).await;
    }

    /// Schedules a lint of `uri` after `delay`, publishing only if the document is
    /// unchanged by then; `received` is when the change that asked for it
    /// arrived, where the logged time starts.
    fn schedule(&self, uri: Url, delay: Duration, received: Instant) {
        let client = self.client.clone();
        let out = self.out.clone();
        let state = self.state.clone();
        let seq = match self.lock().docs.get(&uri) {
            Some(doc) => doc.seq,
            None => return,
        };
        tokio::spawn(async move {
            let mut debounced = Duration::ZERO;
            if !delay.is_zero() {
                let slept = Instant::now();
                tokio::time::sleep(delay).await;
                debounced = slept.elapsed();
            }
            let publisher = Publisher {
                out,
                state,
                uri,
                seq,
                received,
                debounced,
            };
            lint_and_publish(client, publisher).await;
        });
    }

    fn debounce(&self, state: &State, path: Option<&Path>) -> Duration {
        let loaded = rules_for(state, path);
        let config = loaded.map(|l| l.config.clone()).unwrap_or_default();
        Duration::from_millis(state.settings.debounce_ms(&config))
    }

    /// Reloads every config (after a change on disk or in settings) and re-lints.
    async fn reload_all(&self) {
        let (uris, errors) = {
            let mut state = self.lock();
            state.reloads += 1;
            let keys: Vec<Option<PathBuf>> = state.loaded.keys().cloned().collect();
            let mut errors = Vec::new();
            for key in keys {
                match load(&state.settings, key.as_deref()) {
                    Ok(loaded) => {
                        state.loaded.insert(key, Arc::new(loaded));
                    }
                    Err(e) => errors.push((key, e)),
                }
            }
            for doc in state.docs.values_mut() {
                doc.cache = Default::default();
                doc.seq += 1;
            }
            let uris: Vec<Url> = state.docs.keys().cloned().collect();
            (uris, errors)
        };
        for (key, e) in errors {
            self.log(
                MessageType::ERROR,
                format!(
                    "gwlint: 配置无效，继续使用上一次有效的配置：{} ({:?})",
                    e, key
                ),
            )
            .await;
            if let Some(path) = key {
                if let Ok(uri) = Url::from_file_path(&path) {
                    if !self.lock().docs.contains_key(&uri) {
                        self.publish_config_file_problems(&uri, &path).await;
                    }
                }
            }
        }
        for uri in uris {
            self.schedule(uri, Duration::ZERO, Instant::now());
        }
    }

    /// Publishes problems of a config file that is not open, read from disk.
    async fn publish_config_file_problems(&self, uri: &Url, path: &Path) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let enc = self.lock().encoding;
        let problems = rulefile::check(path, &text, ConfigFileKind::Project);
        let map = PositionMap::new(&text, enc);
        let diags = problems
            .iter()
            .map(|p| config_diagnostic(p, &map))
            .collect();
        self.client
            .publish_diagnostics(uri.clone(), diags, None)
            .await;
    }

    /// The last lint of `uri` and its text, if that is still the current text.
    fn snapshot(&self, uri: &Url) -> Option<(Arc<Snapshot>, Arc<String>)> {
        let st = self.lock();
        let doc = st.docs.get(uri)?;
        Some((doc.last.clone()?, doc.last_text.clone()?))
    }

    /// The config file a code action should edit for a document.
    fn config_target(&self, uri: &Url) -> Option<PathBuf> {
        let state = self.lock();
        let doc_path = uri_path(uri)?;
        if let Some(found) = ProjectConfig::discover(&doc_path) {
            return Some(found);
        }
        let dir = state
            .root
            .clone()
            .filter(|r| doc_path.starts_with(r))
            .or_else(|| doc_path.parent().map(Path::to_path_buf))?;
        Some(dir.join(FILE_NAME))
    }

    /// A workspace edit adding `value` to list `key` of the config for `uri`.
    fn config_list_edit(&self, uri: &Url, key: &str, value: &str) -> Option<WorkspaceEdit> {
        let path = self.config_target(uri)?;
        let config_uri = Url::from_file_path(&path).ok()?;
        let open_text = self
            .lock()
            .docs
            .get(&config_uri)
            .map(|d| d.text.text().to_string());
        let exists = open_text.is_some() || path.is_file();
        let old = match open_text {
            Some(t) => t,
            None if exists => std::fs::read_to_string(&path).ok()?,
            None => String::new(),
        };
        let new = config_edit::add_to_list(&old, key, value)?;
        let enc = self.lock().encoding;
        let map = PositionMap::new(&old, enc);
        let whole = Range::new(Position::new(0, 0), map.position(old.len()));
        let text_edit = TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: config_uri.clone(),
                version: None,
            },
            edits: vec![OneOf::Left(TextEdit::new(whole, new))],
        };
        let mut ops = Vec::new();
        if !exists {
            ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
                CreateFile {
                    uri: config_uri,
                    options: Some(CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                },
            )));
        }
        ops.push(DocumentChangeOperation::Edit(text_edit));
        Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(ops)),
            ..Default::default()
        })
    }
}

/// Loads the config at `path` (or defaults) with the editor's settings on top.
fn load(settings: &EditorSettings, path: Option<&Path>) -> Result<Loaded, String> {
    let mut config = match path {
        Some(p) => ProjectConfig::load(p).map_err(|e| e.to_string())?,
        None => ProjectConfig::default(),
    };
    settings.overlay(&mut config);
    let rules = RuleSet::from_config(&config).map_err(|e| e.to_string())?;
    Ok(Loaded {
        config,
        rules: Arc::new(rules),
    })
}

/// Rules being loaded in the background for config `key`.
struct Warming {
    key: Option<PathBuf>,
    /// `State::reloads` when the load started.
    reloads: u64,
    /// Set when loaded (`None`: the config is broken; the lint that uses it
    /// loads again and reports why).
    rules: Arc<OnceLock<Option<Arc<Loaded>>>>,
}

/// The loaded rules for a document at `path`, if already loaded.
fn rules_for(state: &State, path: Option<&Path>) -> Option<Arc<Loaded>> {
    let key = path.and_then(ProjectConfig::discover);
    state.loaded.get(&key).cloned()
}

/// Loads (once) and returns the rules for a document at `path`. A broken config
/// falls back to defaults until it is fixed; the error is returned for reporting.
fn ensure_rules(state: &mut State, path: Option<&Path>) -> (Arc<Loaded>, Option<String>) {
    let key = path.and_then(ProjectConfig::discover);
    if let Some(l) = state.loaded.get(&key) {
        return (l.clone(), None);
    }
    // Started at start-up and not stale: wait for it rather than load twice.
    let reloads = state.reloads;
    if state.warming.as_ref().is_some_and(|w| w.reloads != reloads) {
        state.warming = None;
    }
    if let Some(warming) = state
        .warming
        .take_if(|w| w.key == key && w.reloads == reloads)
    {
        if let Some(loaded) = warming.rules.wait() {
            state.loaded.insert(key, loaded.clone());
            return (loaded.clone(), None);
        }
    }
    let (loaded, error) = match load(&state.settings, key.as_deref()) {
        Ok(l) => (l, None),
        Err(e) => (
            load(&state.settings, None).expect("built-in rules always load"),
            Some(e),
        ),
    };
    let loaded = Arc::new(loaded);
    state.loaded.insert(key, loaded.clone());
    (loaded, error)
}

fn config_diagnostic(p: &rulefile::ConfigProblem, map: &PositionMap<'_>) -> Diagnostic {
    let mut range = map.range(&p.span);
    if range.start == range.end {
        range.end.character += 1;
    }
    Diagnostic {
        range,
        severity: Some(convert::severity(p.severity)),
        source: Some("gwlint".to_owned()),
        code: Some(NumberOrString::String("config".to_owned())),
        message: p.message.clone(),
        ..Default::default()
    }
}

/// What a lint publishes: the complete JSON of a publishDiagnostics for a
/// checked document, or the diagnostics of a config file or rule pack.
enum Payload {
    Json(Arc<Vec<u8>>),
    Diagnostics(Vec<Diagnostic>),
}

/// Lints the current text of `uri` if its change counter is still `seq`, and
/// publishes the diagnostics if it is still current afterwards.
///
/// The lint runs as a job on the rayon pool, which then publishes itself:
/// handing the work to a blocking thread that waits for the pool, and the
/// result back to this task, cost two thread hand-offs per keystroke. A
/// pool thread waiting inside a lint may run another queued lint; the
/// document's cache lock, taken here before the job is queued, keeps two
/// lints of one document off the pool at once, so that cannot deadlock.
async fn lint_and_publish(client: Client, publisher: Publisher) {
    let cache = publisher
        .current(&lock_state(&publisher.state))
        .map(|d| d.cache.clone());
    let Some(cache) = cache else {
        return;
    };
    // Waits for this document's previous lint, if one is still running.
    let cache = cache.lock_owned().await;
    // The logged time runs from the change's arrival to queueing the
    // serialized diagnostics for the client, less the debounce; the lint's
    // own time and the process's CPU time over it are logged too, as wall
    // time suffers on a loaded machine.
    let started = Instant::now();
    let cpu_started = process_cpu_ms();
    let job = {
        let mut st = lock_state(&publisher.state);
        let enc = st.encoding;
        let Some(doc) = publisher.current_mut(&mut st) else {
            return;
        };
        let taken = doc.text.take();
        let job = LintJob {
            text: taken.text,
            revision: taken.revision,
            version: doc.version,
            kind: doc.kind,
            config_kind: doc.config_kind,
            path: doc.path.clone(),
            enc,
        };
        let (loaded, config_error) = ensure_rules(&mut st, job.path.as_deref());
        (job, loaded, config_error)
    };
    let (job, loaded, config_error) = job;
    if let Some(e) = config_error {
        client
            .log_message(
                MessageType::ERROR,
                format!("gwlint: 配置无效，暂用默认规则：{e}"),
            )
            .await;
    }
    let taken_at = started.elapsed();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (uri, version) = (publisher.uri.clone(), job.version);
    rayon::spawn(move || {
        let mut cache = cache;
        // A panic must not take the pool down: the document keeps its last
        // diagnostics, and its cache, which the panic may have left half
        // updated, starts again empty.
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_lint(job, &mut cache, &loaded, &publisher, started, taken_at)
        }));
        if done.is_err() {
            cache.clear();
        }
        drop(cache);
        let _ = tx.send(done.ok().flatten());
    });
    let Ok(Some(done)) = rx.await else { return };
    if let Some(diags) = done.diagnostics {
        client
            .publish_diagnostics(uri.clone(), diags, Some(version))
            .await;
    }
    trim_when_idle();
    client
        .log_message(
            MessageType::LOG,
            format!(
                "gwlint: linted {uri} v{version} in {:.2} ms, cpu {:.2} ms (lint {:.2} ms; {})",
                done.published.as_secs_f64() * 1000.0,
                process_cpu_ms() - cpu_started,
                done.lint_ms,
                done.detail
            ),
        )
        .await;
}

fn lock_state(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panic elsewhere must not take the server down with a poisoned lock.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a lint reads of its document, taken under the state lock.
struct LintJob {
    text: Arc<String>,
    revision: text::Revision,
    version: i32,
    kind: DocKind,
    config_kind: Option<ConfigFileKind>,
    path: Option<PathBuf>,
    enc: Encoding,
}

/// Where and when a lint's result goes: published only while the document
/// is still at change `seq`.
struct Publisher {
    out: Output,
    state: Arc<Mutex<State>>,
    uri: Url,
    seq: u64,
    received: Instant,
    debounced: Duration,
}

impl Publisher {
    /// The document, if it is still at change `seq` and checked.
    fn current<'a>(&self, st: &'a State) -> Option<&'a OpenDoc> {
        st.docs
            .get(&self.uri)
            .filter(|d| d.seq == self.seq && d.checked)
    }

    fn current_mut<'a>(&self, st: &'a mut State) -> Option<&'a mut OpenDoc> {
        st.docs
            .get_mut(&self.uri)
            .filter(|d| d.seq == self.seq && d.checked)
    }
}

/// A published lint, for the log (and, for config files, the diagnostics
/// that go through the client).
struct Published {
    diagnostics: Option<Vec<Diagnostic>>,
    published: Duration,
    lint_ms: f64,
    detail: String,
}

/// Lints `job` (on the pool) and publishes the result if it is still current;
/// `None` when a newer change superseded it.
fn run_lint(
    job: LintJob,
    cache: &mut ParagraphCache,
    loaded: &Loaded,
    publisher: &Publisher,
    started: Instant,
    taken_at: Duration,
) -> Option<Published> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let on_pool_at = started.elapsed();
    let (payload, linted, mut detail) = match job.config_kind {
        Some(ck) => {
            let map = PositionMap::new(&job.text, job.enc);
            let p = job.path.unwrap_or_else(|| PathBuf::from("rules.toml"));
            let problems = rulefile::check(&p, &job.text, ck);
            let diags: Vec<Diagnostic> = problems
                .iter()
                .map(|p| config_diagnostic(p, &map))
                .collect();
            (Payload::Diagnostics(diags), None, String::new())
        }
        None => {
            let (linted, map) = cache.lint(
                &loaded.rules,
                &job.text,
                Some(job.revision),
                job.enc,
                job.kind,
                &publisher.uri,
            );
            let linted_at = Instant::now();
            let lint_done = started.elapsed();
            let buffer = cache.take_json_buffer();
            let json = Arc::new(publish_json(
                &publisher.uri,
                job.version,
                linted.len(),
                buffer,
                |out| cache.write_diagnostics(&linted, &map, &publisher.uri, out),
            ));
            cache.keep_json(&json);
            let copied = cache.json_copied;
            let detail = format!(
                "{} paragraph(s) re-checked{}; local {:.2} ms, document {:.2} ms, {} diagnostics to JSON {:.2} ms ({} copied); since the lint began: text taken {:.2}, on the pool {:.2}, rules done {:.2}, JSON written {:.2}",
                linted.recomputed,
                if linted.respliced {
                    " (lines split where changed)"
                } else {
                    ""
                },
                linted.local_ms,
                linted.document_ms,
                linted.len(),
                ms(linted_at.elapsed()),
                copied,
                ms(taken_at),
                ms(on_pool_at),
                ms(lint_done),
                ms(started.elapsed()),
            );
            (Payload::Json(json), Some(linted), detail)
        }
    };
    let mut queued = None;
    let (diagnostics, replaced) = {
        let mut st = lock_state(&publisher.state);
        let doc = st
            .docs
            .get_mut(&publisher.uri)
            .filter(|d| d.seq == publisher.seq)?; // a newer version publishes itself
        let diagnostics = match payload {
            // Queued under the lock, so nothing newer can have been applied.
            Payload::Json(json) => {
                queued = Some(publisher.out.publish(&publisher.uri, json));
                None
            }
            Payload::Diagnostics(diags) => Some(diags),
        };
        let replaced = doc.last.replace(Arc::new(Snapshot { linted }));
        doc.last_text = Some(job.text);
        (diagnostics, replaced)
    };
    // Diagnostics are published once queued for the output thread, which
    // starts writing them at once. This thread may then wait for a CPU
    // while the writer and the client run (a few milliseconds on a busy
    // two-core machine), which keeps no one waiting.
    let published_at = queued.unwrap_or_else(Instant::now);
    let published = published_at
        .duration_since(publisher.received)
        .saturating_sub(publisher.debounced);
    detail += &format!(
        ", published {:.2}",
        ms(published_at.duration_since(started))
    );
    let lint_ms = ms(started.elapsed());
    // Freeing the last lint's results (thousands of findings) is no reason
    // to keep the client waiting.
    drop(replaced);
    Some(Published {
        diagnostics,
        published,
        lint_ms,
        detail,
    })
}

/// How long the server must have been without lints before it hands freed
/// memory back to the system.
const IDLE_TRIM: Duration = Duration::from_secs(1);

/// Returns freed memory to the system once no lint has run for [`IDLE_TRIM`].
/// Every lint of a large document frees several megabytes of temporary tables
/// that glibc otherwise keeps (about as much again as the live data); trimming
/// after each lint would put page faults on the next keystroke's path.
fn trim_when_idle() {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LINTS: AtomicU64 = AtomicU64::new(0);
    let this = LINTS.fetch_add(1, Ordering::Relaxed) + 1;
    tokio::spawn(async move {
        tokio::time::sleep(IDLE_TRIM).await;
        if LINTS.load(Ordering::Relaxed) == this {
            let _ = tokio::task::spawn_blocking(|| {
                #[cfg(all(target_os = "linux", target_env = "gnu"))]
                // SAFETY: malloc_trim only releases free memory; safe at any time.
                unsafe {
                    libc::malloc_trim(0);
                }
            })
            .await;
        }
    });
}

/// CPU time of the whole process so far, in milliseconds.
pub fn process_cpu_ms() -> f64 {
    cpu_clock_ms(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time of the calling thread so far, in milliseconds (nanosecond
/// resolution, for timings on a machine other work shares).
pub fn thread_cpu_ms() -> f64 {
    cpu_clock_ms(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn cpu_clock_ms(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

/// A publishDiagnostics notification for `uri`; `diagnostics` writes the array
/// of `count` diagnostics.
fn publish_json(
    uri: &Url,
    version: i32,
    count: usize,
    mut json: Vec<u8>,
    diagnostics: impl FnOnce(&mut Vec<u8>),
) -> Vec<u8> {
    // Room for a typical diagnostic each, so that a megabyte of them is not
    // copied over and over while the buffer doubles; pages reserved but not
    // written cost nothing.
    json.clear();
    json.reserve(512 + count * 320);
    json.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    serde_json::to_writer(&mut json, uri.as_str()).expect("strings serialize");
    json.extend_from_slice(br#","diagnostics":"#);
    diagnostics(&mut json);
    json.extend_from_slice(format!(r#","version":{version}}}}}"#).as_bytes());
    json
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        let (encoding, kind) = if offered.contains(&PositionEncodingKind::UTF8) {
            (Encoding::Utf8, PositionEncodingKind::UTF8)
        } else {
            (Encoding::Utf16, PositionEncodingKind::UTF16)
        };
        {
            let mut st = self.lock();
            st.encoding = encoding;
            #[allow(deprecated)] // root_uri is what older clients (Neovim 0.7) send
            let root = params
                .workspace_folders
                .as_ref()
                .and_then(|f| f.first())
                .and_then(|f| uri_path(&f.uri))
                .or_else(|| params.root_uri.as_ref().and_then(uri_path));
            st.root = root;
            if let Some(opts) = &params.initialization_options {
                match EditorSettings::from_json(opts) {
                    Ok(s) => st.settings = s,
                    Err(e) => eprintln!("gwlint: ignoring invalid initializationOptions: {e}"),
                }
            }
        }
        // Build the workspace's rules as soon as the workspace and settings
        // are known, while the client is still sending the first document:
        // compiling the regexes and automata takes tens of milliseconds, which
        // would otherwise delay the first diagnostics.
        let warm_up = {
            let mut st = self.lock();
            let key = st.root.as_deref().and_then(ProjectConfig::discover);
            let settings = st.settings.clone();
            let cell = Arc::new(OnceLock::new());
            st.warming = Some(Warming {
                key: key.clone(),
                reloads: st.reloads,
                rules: cell.clone(),
            });
            move || {
                // A lint may be waiting on the cell: it must be set even if
                // loading panics, or that lint would wait forever.
                let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    load(&settings, key.as_deref()).ok().map(Arc::new)
                }));
                let _ = cell.set(loaded.ok().flatten());
            }
        };
        tokio::task::spawn_blocking(warm_up);
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "gwlint".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(kind),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new("source.fixAll.gwlint"),
                        ]),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let watchers = vec![
            FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{FILE_NAME}")),
                kind: None,
            },
            FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.toml".to_owned()),
                kind: None,
            },
        ];
        let registration = Registration {
            id: "gwlint-watch".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        // Clients without dynamic registration answer with an error; that only
        // means config changes are picked up on save instead.
        let _ = self.client.register_capability(vec![registration]).await;
    }

    async fn shutdown(&self) -> RpcResult<()> {
        self.lock().shutting_down = true;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let received = Instant::now();
        let doc = params.text_document;
        let path = uri_path(&doc.uri);
        let config_kind = path
            .as_deref()
            .and_then(|p| rulefile::classify(p, &doc.text));
        {
            let mut st = self.lock();
            let checked = config_kind.is_some() || st.settings.checks_language(&doc.language_id);
            let kind = if doc.language_id == "markdown" {
                DocKind::Markdown
            } else {
                path.as_deref()
                    .map(DocKind::from_path)
                    .unwrap_or(DocKind::Plain)
            };
            st.docs.insert(
                doc.uri.clone(),
                OpenDoc {
                    text: DocText::new(doc.text),
                    version: doc.version,
                    kind,
                    path,
                    config_kind,
                    checked,
                    seq: 0,
                    cache: Default::default(),
                    last: None,
                    last_text: None,
                },
            );
        }
        self.schedule(doc.uri, Duration::ZERO, received);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let received = Instant::now();
        // Applied synchronously, before any await: see the module comment.
        let uri = params.text_document.uri;
        let (clamped, delay) = {
            let mut st = self.lock();
            let enc = st.encoding;
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            doc.last_text = None;
            let mut clamped = Vec::new();
            for change in &params.content_changes {
                clamped.extend(doc.text.apply(change, enc));
            }
            doc.version = params.text_document.version;
            doc.seq += 1;
            let path = doc.path.clone();
            let delay = self.debounce(&st, path.as_deref());
            (clamped, delay)
        };
        if !clamped.is_empty() {
            self.log(
                MessageType::WARNING,
                format!("gwlint: edit to {uri} had positions outside the document, clamped: {clamped:?}"),
            )
            .await;
        }
        self.schedule(uri.clone(), delay, received);
        // A project config edited in the editor takes effect as soon as it is valid.
        let is_project = self
            .lock()
            .docs
            .get(&uri)
            .is_some_and(|d| d.config_kind == Some(ConfigFileKind::Project));
        if is_project {
            self.apply_open_config(&uri).await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let is_config = self
            .lock()
            .docs
            .get(&params.text_document.uri)
            .is_some_and(|d| d.config_kind.is_some());
        if is_config {
            self.reload_all().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let removed = self.lock().docs.remove(&params.text_document.uri);
        if removed.is_some() {
            self.client
                .publish_diagnostics(params.text_document.uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match EditorSettings::from_json(&params.settings) {
            Ok(settings) => {
                self.lock().settings = settings;
                self.reload_all().await;
            }
            Err(e) => {
                self.log(
                    MessageType::ERROR,
                    format!("gwlint: 编辑器设置无效，已忽略：{e}"),
                )
                .await;
            }
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.reload_all().await;
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        // None after an edit: fixes computed on an older text would land in
        // the wrong place; the client asks again once the new diagnostics arrive.
        let Some((snap, snap_text)) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let enc = self.lock().encoding;
        let map = PositionMap::new(&snap_text, enc);
        let start = map.offset(params.range.start);
        let end = map.offset(params.range.end);
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        let mut rules_here: Vec<String> = Vec::new();
        for f in snap.findings() {
            let touches = f.span.start <= end && start <= f.span.end;
            if !touches {
                continue;
            }
            let docs = snap.linted.as_ref().and_then(|l| l.docs_url.as_deref());
            let diag = convert::diagnostic(f, &map, &uri, docs);
            for action in convert::quick_fixes(f, &map, &uri, &diag) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
            if !rules_here.contains(&f.rule.to_string()) {
                rules_here.push(f.rule.to_string());
            }
            let word = &snap_text[f.span.clone()];
            if !word.trim().is_empty() && word.chars().count() <= 12 && !word.contains('\n') {
                if let Some(edit) = self.config_list_edit(&uri, "allow", word) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("在本项目中允许“{word}”"),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diag.clone()]),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
        }
        for rule in &rules_here {
            if let Some(action) = convert::fix_all(rule, snap.findings(), &map, &uri) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
            if let Some(edit) = self.config_list_edit(&uri, "disable", rule) {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("在本项目中停用规则 {rule}"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    edit: Some(edit),
                    ..Default::default()
                }));
            }
        }
        let only = params.context.only.unwrap_or_default();
        if !only.is_empty() {
            actions.retain(|a| match a {
                CodeActionOrCommand::CodeAction(a) => a
                    .kind
                    .as_ref()
                    .is_some_and(|k| only.iter().any(|o| k.as_str().starts_with(o.as_str()))),
                CodeActionOrCommand::Command(_) => false,
            });
        }
        Ok(Some(actions))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> RpcResult<Option<DocumentSymbolResponse>> {
        let Some((text, kind, enc)) = self.current_text(&params.text_document.uri) else {
            return Ok(None);
        };
        let lintable = kind.lintable(&text);
        let map = PositionMap::new(&text, enc);
        Ok(Some(DocumentSymbolResponse::Nested(
            symbols::document_symbols(&lintable, &map),
        )))
    }

    async fn folding_range(
        &self,
        params: FoldingRangeParams,
    ) -> RpcResult<Option<Vec<FoldingRange>>> {
        let Some((text, kind, _)) = self.current_text(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(symbols::folding_ranges(&kind.lintable(&text))))
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some((snap, snap_text)) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let (enc, loaded) = {
            let st = self.lock();
            let path = st.docs.get(&uri).and_then(|d| d.path.clone());
            (st.encoding, rules_for(&st, path.as_deref()))
        };
        let map = PositionMap::new(&snap_text, enc);
        let at = map.offset(params.text_document_position_params.position);
        let here: Vec<&Finding> = snap
            .findings()
            .iter()
            .filter(|f| f.span.start <= at && at < f.span.end.max(f.span.start + 1))
            .collect();
        Ok(convert::hover(
            &here,
            |id| loaded.as_ref().and_then(|l| l.rules.rule(id).cloned()),
            &map,
        ))
    }
}

impl Backend {
    /// The current text of a checked (non-config) document, its kind and the
    /// negotiated encoding.
    fn current_text(&self, uri: &Url) -> Option<(Arc<String>, DocKind, Encoding)> {
        let st = self.lock();
        let doc = st
            .docs
            .get(uri)
            .filter(|d| d.config_kind.is_none() && d.checked)?;
        Some((doc.text.text(), doc.kind, st.encoding))
    }

    /// Uses the text of an open `.gwlint.toml` as the project's config when it is
    /// valid; when it is broken the last good config stays in force.
    async fn apply_open_config(&self, uri: &Url) {
        let Some(path) = uri_path(uri) else { return };
        let text = match self.lock().docs.get(uri) {
            Some(doc) => doc.text.text(),
            None => return,
        };
        let Ok(mut config) = ProjectConfig::parse(&path, &text) else {
            return;
        };
        let settings = self.lock().settings.clone();
        settings.overlay(&mut config);
        let Ok(rules) = RuleSet::from_config(&config) else {
            return;
        };
        let uris = {
            let mut st = self.lock();
            st.loaded.insert(
                Some(path),
                Arc::new(Loaded {
                    config,
                    rules: Arc::new(rules),
                }),
            );
            let mut uris = Vec::new();
            for (u, doc) in st.docs.iter_mut() {
                if doc.config_kind.is_none() {
                    doc.cache = Default::default();
                    doc.seq += 1;
                    uris.push(u.clone());
                }
            }
            uris
        };
        for u in uris {
            self.schedule(u, Duration::ZERO, Instant::now());
        }
    }
}
