//! Incremental linting of an open document.
//!
//! Paragraph-local results are cached by the hash of the paragraph's text, so an
//! edit re-runs local rules only on the paragraphs it changed. Each cached entry
//! also keeps its findings converted to LSP diagnostics with line-relative
//! positions (a paragraph is a line), so an edit re-converts only what it
//! touched and every other paragraph's diagnostics are reused with their line
//! number set. Document-level rules run on every lint (their checkers keep
//! per-paragraph summaries of their own, see `rules::memo`). The published
//! JSON body is kept too: the next one copies from it every run of
//! diagnostics whose bytes cannot have changed, and is written into the
//! allocation of the body before (see [`ParagraphCache::write_diagnostics`]).
//!
//! The result must equal `engine::sort` over all findings, as `gwlint check`
//! computes it. That fold only relates findings that overlap, and every
//! paragraph's local list is already folded on its own, so a paragraph's list
//! is final unless a document-level finding could interact with it: one with
//! the same span as a local finding, a deleting fix overlapping the paragraph,
//! or a finding inside a paragraph with deleting fixes. Those few paragraphs
//! are folded again together with the document-level findings; the rest are
//! merged in by position untouched.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use tower_lsp::lsp_types::{Diagnostic, Position, Url};

use super::convert;
use super::split::Split;
use super::text::{PositionMap, Revision};
use crate::document::{DocKind, Paragraph};
use crate::engine::{sort, RuleSet};
use crate::finding::Finding;
use crate::position::{count_units, floor_char_boundary, Encoding};
use crate::rules::DocView;

/// One paragraph's local results, shared between the cache and the lints that
/// used it.
pub struct Local {
    /// Sorted and folded by `engine::sort`, spans relative to the paragraph.
    findings: Box<[Finding]>,
    /// `findings` as diagnostics in JSON, without their line number (set when
    /// published); empty when a finding has related information, whose ranges
    /// are converted against the whole document instead.
    json: Box<[LineJson]>,
    /// Whether some finding's preferred fix deletes text (such a fix may hide a
    /// document-level finding inside it).
    deletes: bool,
}

impl Local {
    fn new(
        findings: Vec<Finding>,
        line: &str,
        enc: Encoding,
        uri: &Url,
        docs: Option<&str>,
    ) -> Local {
        let deletes = findings.iter().any(|f| deletion(f).is_some());
        let json = if findings.iter().all(|f| f.related.is_empty()) {
            findings
                .iter()
                .map(|f| {
                    let range = tower_lsp::lsp_types::Range::new(
                        Position::new(LINE_MARK, column(line, f.span.start, enc)),
                        Position::new(LINE_MARK, column(line, f.span.end, enc)),
                    );
                    LineJson::new(&convert::diagnostic_in(f, range, |_| None, uri, docs))
                })
                .collect()
        } else {
            Box::default()
        };
        Local {
            findings: findings.into_boxed_slice(),
            json,
            deletes,
        }
    }
}

/// The line number a [`LineJson`] is serialized with, to be cut out.
const LINE_MARK: u32 = u32::MAX;

/// A diagnostic's JSON with its two line numbers cut out: `text[..cuts[0]]`,
/// the start line, `text[cuts[0]..cuts[1]]`, the end line, the rest.
struct LineJson {
    text: Box<str>,
    cuts: [u32; 2],
}

impl LineJson {
    fn new(d: &Diagnostic) -> LineJson {
        let json = serde_json::to_string(d).expect("diagnostics serialize");
        // The range comes first, so the first two marks are its lines even if
        // the message happens to contain the digits.
        let mark = LINE_MARK.to_string();
        let a = json.find(&mark).expect("start line");
        let b = a + mark.len() + json[a + mark.len()..].find(&mark).expect("end line");
        let text = [
            &json[..a],
            &json[a + mark.len()..b],
            &json[b + mark.len()..],
        ]
        .concat();
        LineJson {
            text: text.into(),
            cuts: [a as u32, (b - mark.len()) as u32],
        }
    }

    fn write(&self, line: u32, out: &mut Vec<u8>) {
        let [a, b] = self.cuts.map(|c| c as usize);
        let line = line.to_string();
        out.extend_from_slice(self.text[..a].as_bytes());
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(self.text[a..b].as_bytes());
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(self.text[b..].as_bytes());
    }
}

/// Column of byte `offset` in one line, as `LineIndex::line_col` counts it.
fn column(line: &str, offset: usize, enc: Encoding) -> u32 {
    count_units(&line[..floor_char_boundary(line, offset)], enc) as u32
}

/// The span a finding's preferred fix deletes, if it only deletes.
fn deletion(f: &Finding) -> Option<&Range<usize>> {
    f.fixes
        .first()
        .filter(|fix| fix.replacement.is_empty() && !fix.span.is_empty())
        .map(|fix| &fix.span)
}

/// Paragraphs checked together by one worker: ~100 typical paragraphs.
const LOCAL_CHUNK: usize = 96;

/// Per-document cache of paragraph-local results.
#[derive(Default)]
pub struct ParagraphCache {
    /// The last lint's non-empty paragraphs: keys and results, in order.
    keys: Vec<u64>,
    entries: Vec<Arc<Local>>,
    /// The encoding and document the cached diagnostics were converted for.
    target: Option<(Encoding, Url)>,
    /// Document-level findings of the last lint as JSON, by [`other_key`]:
    /// most of them are unchanged by an edit, and serializing hundreds of
    /// them again cost more than the rest of writing the diagnostics.
    others_json: FxHashMap<u64, Arc<str>>,
    /// The diagnostics JSON last written for the document, and the ids and
    /// places of the one just written, kept once its body is complete.
    last_json: Option<LastJson>,
    written: Option<JsonLayout>,
    /// The document's paragraphs and keys as of the last lint.
    split: Split,
    /// How many diagnostics the last write copied, for tests and logs.
    pub json_copied: usize,
    /// The body before the last, once the client has been sent it: the next
    /// body is written into its allocation. A fresh megabyte-sized buffer
    /// came straight from the system on some edits, a page fault per 4 KB.
    spare_json: Vec<u8>,
}

/// What a diagnostic's JSON is made of, as far as it tells the bytes apart:
/// equal ids, equal bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum JsonId {
    /// A paragraph's local finding: the paragraph's key, the finding's index
    /// among the paragraph's, the line.
    Local { key: u64, index: u32, line: u32 },
    /// A document-level finding, by its [`other_key`].
    Other(u64),
}

/// A published diagnostics body and where each diagnostic lies in it.
struct LastJson {
    body: Arc<Vec<u8>>,
    layout: JsonLayout,
}

/// Each diagnostic's id in a body (`None`: its bytes are not known from an
/// id) and its byte range there.
#[derive(Default)]
struct JsonLayout {
    ids: Vec<Option<JsonId>>,
    spans: Vec<(u32, u32)>,
}

/// A non-empty paragraph of a lint and its local results.
struct Placed {
    start: usize,
    len: usize,
    line: u32,
    /// `local`'s number of findings and whether one deletes, copied here so
    /// that the fold reads a paragraph's findings only where a document-level
    /// finding falls: it visits every paragraph, and each `Local` is a cache
    /// miss of its own.
    count: u32,
    deletes: bool,
    /// Whether `local` has its findings' JSON (not so with related information).
    has_json: bool,
    /// The cache's key of the paragraph (its text, masked or not).
    key: u64,
    local: Arc<Local>,
}

/// One finding of the result: a paragraph's local finding, or one of `others`.
#[derive(Clone, Copy)]
enum Pick {
    Local { para: u32, index: u32 },
    Other(u32),
}

/// What one lint of a document produced.
pub struct Linted {
    placed: Vec<Placed>,
    /// Document-level findings and the local findings of paragraphs folded
    /// together with them (absolute spans), already folded.
    others: Vec<Finding>,
    /// `others` as diagnostics in JSON, one each, and their [`other_key`]s.
    others_json: Vec<Arc<str>>,
    others_keys: Vec<Option<u64>>,
    /// The result in order.
    picks: Vec<Pick>,
    findings: OnceLock<Vec<Finding>>,
    /// Paragraphs whose local rules actually ran (cache misses), for tests and logs.
    pub recomputed: usize,
    /// Whether the text was split into paragraphs only where it changed.
    pub respliced: bool,
    /// Time spent on paragraph-local rules (cache included) and on document rules.
    pub local_ms: f64,
    pub document_ms: f64,
    /// The rules' `docs_url` template, for diagnostics' code links.
    pub docs_url: Option<String>,
}

impl Linted {
    /// All findings, sorted and folded as `RuleSet::check` returns them.
    pub fn findings(&self) -> &[Finding] {
        self.findings.get_or_init(|| {
            self.picks
                .iter()
                .map(|&pick| match pick {
                    Pick::Local { para, index } => {
                        let placed = &self.placed[para as usize];
                        let mut f = placed.local.findings[index as usize].clone();
                        f.shift(placed.start);
                        f
                    }
                    Pick::Other(i) => self.others[i as usize].clone(),
                })
                .collect()
        })
    }

    pub fn len(&self) -> usize {
        self.picks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.picks.is_empty()
    }

    /// Writes the findings as a JSON array of LSP diagnostics. `map` is over
    /// the document's text (not the masked one) in the encoding the cache was
    /// used with, `uri` the document's.
    pub fn write_diagnostics(&self, map: &PositionMap<'_>, uri: &Url, out: &mut Vec<u8>) {
        out.push(b'[');
        for (n, &pick) in self.picks.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            self.write_pick(pick, map, uri, out);
        }
        out.push(b']');
    }

    fn write_pick(&self, pick: Pick, map: &PositionMap<'_>, uri: &Url, out: &mut Vec<u8>) {
        match pick {
            Pick::Local { para, index } => {
                let placed = &self.placed[para as usize];
                match placed.local.json.get(index as usize) {
                    Some(json) => json.write(placed.line, out),
                    None => {
                        let mut f = placed.local.findings[index as usize].clone();
                        f.shift(placed.start);
                        let d = convert::diagnostic(&f, map, uri, self.docs_url.as_deref());
                        serde_json::to_writer(&mut *out, &d).expect("diagnostics serialize");
                    }
                }
            }
            Pick::Other(i) => out.extend_from_slice(self.others_json[i as usize].as_bytes()),
        }
    }

    /// What a pick's JSON is made of, when that is known without writing it:
    /// equal ids, equal bytes.
    fn json_id(&self, pick: Pick) -> Option<JsonId> {
        match pick {
            Pick::Local { para, index } => {
                let placed = &self.placed[para as usize];
                // Findings with related information are converted against
                // the whole document: their bytes depend on more.
                placed.has_json.then_some(JsonId::Local {
                    key: placed.key,
                    index,
                    line: placed.line,
                })
            }
            Pick::Other(i) => self.others_keys[i as usize].map(JsonId::Other),
        }
    }

    /// The diagnostics [`Linted::write_diagnostics`] writes, parsed back.
    pub fn diagnostics(&self, map: &PositionMap<'_>, uri: &Url) -> Vec<Diagnostic> {
        let mut json = Vec::new();
        self.write_diagnostics(map, uri, &mut json);
        serde_json::from_slice(&json).expect("valid JSON")
    }
}

/// The sort key of `engine::sort`, for merging already sorted lists.
fn key(f: &Finding, shift: usize) -> (usize, usize, std::cmp::Reverse<crate::Severity>, &str) {
    (
        f.span.start + shift,
        f.span.end + shift,
        std::cmp::Reverse(f.severity),
        &f.rule,
    )
}

impl ParagraphCache {
    pub fn clear(&mut self) {
        self.keys.clear();
        self.entries.clear();
        self.others_json.clear();
        self.last_json = None;
        self.written = None;
        self.spare_json = Vec::new();
        self.split.clear();
    }

    /// Writes `linted`'s diagnostics as a JSON array to `out`, like
    /// [`Linted::write_diagnostics`], but copies from the last body the runs
    /// of diagnostics it has too: an edit leaves nearly all of them as they
    /// were, and copying a few blocks is far cheaper than gathering thousands
    /// of scattered pieces. Hand the finished body to
    /// [`ParagraphCache::keep_json`].
    pub fn write_diagnostics(
        &mut self,
        linted: &Linted,
        map: &PositionMap<'_>,
        uri: &Url,
        out: &mut Vec<u8>,
    ) {
        // How far ahead in the last body a diagnostic is looked for: an edit
        // adds or removes a few diagnostics here and there, in order.
        const LOOKAHEAD: usize = 16;
        let ids: Vec<Option<JsonId>> = linted.picks.iter().map(|&p| linted.json_id(p)).collect();
        let none = JsonLayout::default();
        let (old, old_body) = match &self.last_json {
            Some(l) => (&l.layout, &l.body[..]),
            None => (&none, &[][..]),
        };
        let (old_ids, old_spans) = (&old.ids, &old.spans);
        let mut spans: Vec<(u32, u32)> = Vec::with_capacity(ids.len());
        // The last body's diagnostics to copy next, as one block.
        let mut run = 0..0;
        let flush = |run: &mut Range<usize>, out: &mut Vec<u8>, spans: &mut Vec<(u32, u32)>| {
            if run.start == run.end {
                return;
            }
            if !spans.is_empty() {
                out.push(b',');
            }
            let from = old_spans[run.start].0;
            let to = old_spans[run.end - 1].1;
            let at = out.len() as u32;
            out.extend_from_slice(&old_body[from as usize..to as usize]);
            spans.extend(
                old_spans[run.clone()]
                    .iter()
                    .map(|&(a, b)| (a - from + at, b - from + at)),
            );
            *run = 0..0;
        };
        out.push(b'[');
        let mut next_old = 0;
        let mut copied = 0;
        for (&pick, id) in linted.picks.iter().zip(&ids) {
            let found = id.and_then(|_| {
                (next_old..(next_old + LOOKAHEAD).min(old_ids.len())).find(|&k| old_ids[k] == *id)
            });
            match found {
                Some(k) => {
                    if run.start == run.end || run.end != k {
                        flush(&mut run, out, &mut spans);
                        run = k..k;
                    }
                    run.end = k + 1;
                    next_old = k + 1;
                    copied += 1;
                }
                None => {
                    flush(&mut run, out, &mut spans);
                    if !spans.is_empty() {
                        out.push(b',');
                    }
                    let at = out.len() as u32;
                    linted.write_pick(pick, map, uri, out);
                    spans.push((at, out.len() as u32));
                }
            }
        }
        flush(&mut run, out, &mut spans);
        out.push(b']');
        self.json_copied = copied;
        self.written = Some(JsonLayout { ids, spans });
    }

    /// Keeps `body`, which holds what [`ParagraphCache::write_diagnostics`]
    /// last wrote at the same offsets, for the next lint to copy from.
    pub fn keep_json(&mut self, body: &Arc<Vec<u8>>) {
        if let Some(layout) = self.written.take() {
            let replaced = self.last_json.replace(LastJson {
                body: body.clone(),
                layout,
            });
            if let Some(Ok(spare)) = replaced.map(|last| Arc::try_unwrap(last.body)) {
                self.spare_json = spare;
            }
        }
    }

    /// An empty buffer for the next body (see [`ParagraphCache::keep_json`]).
    pub fn take_json_buffer(&mut self) -> Vec<u8> {
        let mut buffer = std::mem::take(&mut self.spare_json);
        buffer.clear();
        buffer
    }

    /// Lints `text`, reusing cached paragraph results. Entries for
    /// paragraphs that no longer occur are dropped, so the cache never
    /// outgrows the document. Diagnostics are prepared for `enc` and `uri`.
    /// `revision` says what changed since the last lint, when known (it is
    /// then split into paragraphs only there). Returns the text's position
    /// map too, which is built on the side.
    pub fn lint<'t>(
        &mut self,
        rules: &RuleSet,
        text: &'t str,
        revision: Option<Revision>,
        enc: Encoding,
        kind: DocKind,
        uri: &Url,
    ) -> (Linted, PositionMap<'t>) {
        // Document-level checkers keep their per-paragraph summaries too.
        crate::rules::memo::enable();
        if self.target.as_ref() != Some(&(enc, uri.clone())) {
            self.clear();
            self.target = Some((enc, uri.clone()));
        }
        let started = std::time::Instant::now();
        let lintable = kind.lintable(text);
        let masked = !matches!(lintable, std::borrow::Cow::Borrowed(_));
        // Masked Markdown may change far from an edit (a code fence): split
        // afresh, as after an unknown change.
        let revision = revision.filter(|_| !masked);
        let respliced = self.split.update(&lintable, revision);
        let (paras, keys) = (self.split.paragraphs(&lintable), self.split.take_keys());
        let view = DocView {
            text: &lintable,
            paragraphs: &paras,
            keys: Some(&keys),
        };
        // Local and document rules are independent: on a first lint both are
        // heavy and run side by side; on an edit the local part is tiny. The
        // document rules go first: `join` runs its first closure at once and
        // leaves the second to be taken by an idle thread, which has to wake.
        // The position map waits for the local rules, off the critical path.
        let ((mut others, document_ms), (placed, recomputed, local_ms, map)) = rayon::join(
            || {
                let t = std::time::Instant::now();
                let found = rules.check_document_parallel(&view);
                (found, ms_since(t))
            },
            || {
                let (placed, recomputed) = self.locals(rules, text, &view, masked, enc, uri);
                let local_ms = ms_since(started);
                (placed, recomputed, local_ms, PositionMap::new(text, enc))
            },
        );
        let picks = fold(&placed, &mut others);
        let docs_url = rules.docs_url();
        let (others_json, others_keys) = self.others_json(&others, &map, &view, masked, docs_url);
        let linted = Linted {
            placed,
            others,
            others_json,
            others_keys,
            picks,
            findings: OnceLock::new(),
            recomputed,
            respliced,
            local_ms,
            document_ms,
            docs_url: rules.docs_url().map(str::to_owned),
        };
        self.split.put_keys(keys);
        (linted, map)
    }

    /// `others` as JSON, reusing what the last lint serialized; the cache then
    /// keeps only this lint's entries.
    fn others_json(
        &mut self,
        others: &[Finding],
        map: &PositionMap<'_>,
        view: &DocView<'_>,
        masked: bool,
        docs: Option<&str>,
    ) -> (Vec<Arc<str>>, Vec<Option<u64>>) {
        let (_, uri) = self.target.clone().expect("set by lint");
        let mut kept = FxHashMap::with_capacity_and_hasher(others.len(), Default::default());
        // Masking may change a line's columns without changing the masked
        // text the keys are of: no reuse there.
        let starts: Vec<usize> = match masked || others.is_empty() {
            true => Vec::new(),
            false => view.paragraphs.iter().map(|p| p.start).collect(),
        };
        let keys: Vec<Option<u64>> = others
            .iter()
            .map(|f| (!masked).then(|| other_key(f, view, &starts)).flatten())
            .collect();
        let json = others
            .iter()
            .zip(&keys)
            .map(|(f, &key)| {
                let known = key.and_then(|k| Some((k, self.others_json.get(&k)?.clone())));
                if let Some((key, json)) = known {
                    kept.insert(key, json.clone());
                    return json;
                }
                let d = convert::diagnostic(f, map, &uri, docs);
                let json: Arc<str> = serde_json::to_string(&d)
                    .expect("diagnostics serialize")
                    .into();
                if let Some(key) = key {
                    kept.insert(key, json.clone());
                }
                json
            })
            .collect();
        self.others_json = kept;
        (json, keys)
    }

    /// Each non-empty paragraph's local results, from the cache or computed
    /// (in parallel: on the first lint that is every paragraph).
    fn locals(
        &mut self,
        rules: &RuleSet,
        text: &str,
        view: &DocView<'_>,
        masked: bool,
        enc: Encoding,
        uri: &Url,
    ) -> (Vec<Placed>, usize) {
        use rayon::prelude::*;
        let line_of = |p: &Paragraph<'_>| &text[p.range()];
        let keyed: Vec<(usize, u64)> = view
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.text.is_empty())
            .map(|(i, p)| {
                let mut key = view.key(i);
                if masked {
                    // Columns are counted on the original line, which masking
                    // may change without changing the masked text.
                    key = key.rotate_left(1) ^ crate::rules::memo::hash_text(line_of(p));
                }
                (i, key)
            })
            .collect();
        // An edit leaves the paragraphs before and after it in place: reuse
        // those by position, and look up only the rest.
        let keys: Vec<u64> = keyed.iter().map(|&(_, key)| key).collect();
        let (prefix, suffix) = crate::rules::memo::common_ends(&self.keys, &keys);
        let old_middle: FxHashMap<u64, &Arc<Local>> = self.keys[prefix..self.keys.len() - suffix]
            .iter()
            .copied()
            .zip(&self.entries[prefix..])
            .collect();
        let middle = &keyed[prefix..keyed.len() - suffix];
        let mut missing: Vec<(usize, u64)> = middle
            .iter()
            .filter(|(_, key)| !old_middle.contains_key(key))
            .copied()
            .collect();
        missing.sort_unstable_by_key(|&(_, key)| key);
        missing.dedup_by_key(|&mut (_, key)| key);
        // In chunks checked rule by rule (`RuleSet::check_paragraphs`): a
        // didOpen's thousands of paragraphs run ~10 % faster so, and a chunk
        // of ~30 KB still spreads a document over the pool.
        let computed: FxHashMap<u64, Arc<Local>> = missing
            .par_chunks(LOCAL_CHUNK)
            .flat_map_iter(|chunk| {
                let texts: Vec<&str> = chunk
                    .iter()
                    .map(|&(i, _)| view.paragraphs[i].text)
                    .collect();
                let found = rules.check_paragraphs(&texts);
                chunk.iter().zip(found).map(|(&(i, key), findings)| {
                    let p = &view.paragraphs[i];
                    let local = Local::new(findings, line_of(p), enc, uri, rules.docs_url());
                    (key, Arc::new(local))
                })
            })
            .collect();
        let recomputed = computed.len();
        let mut entries: Vec<Arc<Local>> = Vec::with_capacity(keyed.len());
        entries.extend_from_slice(&self.entries[..prefix]);
        entries.extend(middle.iter().map(|(_, key)| {
            computed
                .get(key)
                .or_else(|| old_middle.get(key).copied())
                .expect("every key is computed or reused")
                .clone()
        }));
        entries.extend_from_slice(&self.entries[self.entries.len() - suffix..]);
        drop(old_middle);
        let placed = keyed
            .iter()
            .zip(&entries)
            .map(|(&(i, key), local)| Placed {
                key,
                start: view.paragraphs[i].start,
                len: view.paragraphs[i].text.len(),
                line: view.paragraphs[i].index as u32,
                count: local.findings.len() as u32,
                deletes: local.deletes,
                has_json: local.json.len() == local.findings.len(),
                local: local.clone(),
            })
            .collect();
        self.keys = keys;
        self.entries = entries;
        (placed, recomputed)
    }
}

/// Everything a document-level finding's diagnostic is made of, hashed: its
/// rule, severity, message, whether it is tagged unnecessary, and each range
/// end as its line, the line's text (by key) and the byte offset in it, which
/// fix the end's position in any encoding without counting columns (byte
/// offsets alone would change with every edit before the finding). The uri,
/// encoding and docs link are the cache's. `None` for an end past its line's
/// text (on a line break), whose column depends on more than the line.
/// `starts` are the paragraphs' starts, searched instead of the paragraphs
/// themselves (see `fold`).
fn other_key(f: &Finding, view: &DocView<'_>, starts: &[usize]) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    let place = |offset: usize, h: &mut rustc_hash::FxHasher| -> Option<()> {
        let i = starts.partition_point(|&s| s <= offset).checked_sub(1)?;
        let p = &view.paragraphs[i];
        let within = offset - p.start;
        if within > p.text.len() {
            return None;
        }
        (p.index, view.key(i), within).hash(h);
        Some(())
    };
    f.rule.hash(&mut h);
    f.severity.hash(&mut h);
    f.message.hash(&mut h);
    f.fix_deletes().hash(&mut h);
    place(f.span.start, &mut h)?;
    place(f.span.end, &mut h)?;
    f.related.len().hash(&mut h);
    for r in &f.related {
        r.message.hash(&mut h);
        match &r.file {
            None => {
                place(r.span.start, &mut h)?;
                place(r.span.end, &mut h)?;
            }
            Some(path) => (path, r.line).hash(&mut h),
        }
    }
    Some(h.finish())
}

fn ms_since(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Whether local finding `l` of a paragraph starting at `start` and
/// document finding `f` prefer the same fix (or neither has one).
fn same_first_fix(l: &Finding, start: usize, f: &Finding) -> bool {
    match (l.fixes.first(), f.fixes.first()) {
        (Some(a), Some(b)) => {
            a.span.start + start == b.span.start
                && a.span.end + start == b.span.end
                && a.replacement == b.replacement
        }
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// Combines the paragraphs' local findings with the document-level findings
/// (`others`, not yet sorted or folded) into the order and selection
/// `engine::sort` gives all of them together; see the module docs. Local
/// findings of paragraphs that must be folded again are moved into `others`.
fn fold(placed: &[Placed], others: &mut Vec<Finding>) -> Vec<Pick> {
    // The placed paragraph holding byte `offset`, by start (every non-empty
    // paragraph is placed). Searched in a compact copy of the starts: in
    // `placed` itself each step of the search was a cache miss.
    let starts: Vec<usize> = placed.iter().map(|p| p.start).collect();
    let holder = |offset: usize| starts.partition_point(|&s| s <= offset).checked_sub(1);
    let mut refold = vec![false; placed.len()];
    for f in others.iter() {
        if let Some(d) = deletion(f) {
            let first = holder(d.start).unwrap_or(0);
            for (i, p) in placed.iter().enumerate().skip(first) {
                if p.start > d.end {
                    break;
                }
                // Only a local finding inside the deletion, and shorter, can
                // be dropped by it. A joined line break (a one-character
                // deletion between two paragraphs) touches both, and
                // refolding them copied and sorted ~230 findings per edit.
                refold[i] |= p.count > 0
                    && p.local.findings.iter().any(|l| {
                        let (start, end) = (l.span.start + p.start, l.span.end + p.start);
                        d.start <= start && end <= d.end && d.len() > end - start
                    });
            }
        }
        let Some(i) = holder(f.span.start) else {
            continue;
        };
        let p = &placed[i];
        // Of two findings on one span, `sort` drops the less severe, or the
        // second of two with the same preferred fix. Equally severe ones with
        // different fixes (a marker's form and its numbering) both stay, in
        // the merge's order: no need to sort that paragraph's findings again.
        let same_span = p.count > 0
            && p.local.findings.iter().any(|l| {
                l.span.start + p.start == f.span.start
                    && l.span.end + p.start == f.span.end
                    && (l.severity != f.severity || same_first_fix(l, p.start, f))
            });
        // A local deleting fix drops a shorter finding inside what it deletes
        // (see `sort`; refolding when `f`'s own fix deletes the same span too
        // is merely unnecessary).
        let inside = p.deletes
            && p.local.findings.iter().filter_map(deletion).any(|d| {
                let (start, end) = (d.start + p.start, d.end + p.start);
                start <= f.span.start && f.span.end <= end && end - start > f.span.len()
            });
        refold[i] |= same_span || inside;
    }
    for (p, _) in placed.iter().zip(&refold).filter(|(_, &r)| r) {
        others.extend(p.local.findings.iter().map(|f| {
            let mut f = f.clone();
            f.shift(p.start);
            f
        }));
    }
    sort(others);
    // Merge the untouched paragraphs' lists with `others`, both sorted.
    let total = others.len()
        + placed
            .iter()
            .zip(&refold)
            .filter(|(_, &r)| !r)
            .map(|(p, _)| p.count as usize)
            .sum::<usize>();
    let mut picks = Vec::with_capacity(total);
    let mut next_other = 0;
    for (i, p) in placed.iter().enumerate() {
        if refold[i] || p.count == 0 {
            continue;
        }
        // Local spans lie within the paragraph: when the next document-level
        // finding starts after it, every local finding comes first.
        if others
            .get(next_other)
            .is_none_or(|o| o.span.start > p.start + p.len)
        {
            picks.extend((0..p.count).map(|j| Pick::Local {
                para: i as u32,
                index: j,
            }));
            continue;
        }
        for (j, f) in p.local.findings.iter().enumerate() {
            let k = key(f, p.start);
            while next_other < others.len() && key(&others[next_other], 0) < k {
                picks.push(Pick::Other(next_other as u32));
                next_other += 1;
            }
            picks.push(Pick::Local {
                para: i as u32,
                index: j as u32,
            });
        }
    }
    picks.extend((next_other..others.len()).map(|i| Pick::Other(i as u32)));
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri() -> Url {
        Url::parse("file:///tmp/test.txt").unwrap()
    }

    fn lint(cache: &mut ParagraphCache, rules: &RuleSet, text: &str, kind: DocKind) -> Linted {
        cache
            .lint(rules, text, None, Encoding::Utf16, kind, &uri())
            .0
    }

    /// What the server published before the cache kept diagnostics: every
    /// finding of a full check converted against the whole text.
    fn from_scratch(rules: &RuleSet, text: &str, kind: DocKind) -> Vec<Diagnostic> {
        let map = PositionMap::new(text, Encoding::Utf16);
        rules
            .check(text, kind)
            .iter()
            .map(|f| convert::diagnostic(f, &map, &uri(), None))
            .collect()
    }

    /// The cache's JSON, which copies unchanged runs from the last body,
    /// equals a fresh serialization after every kind of edit: typing in a
    /// paragraph, adding a line above everything (every line number moves),
    /// deleting it again, and an edit that changes a duplicate passage (a
    /// finding with related information, converted against the whole text).
    #[test]
    fn reused_json_equals_fresh_json_after_edits() {
        let rules = RuleSet::builtin();
        let mut cache = ParagraphCache::default();
        let passage = "各级各部门要把思想和行动统一到全会精神上来，坚持问题导向，狠抓工作落实。";
        let base = format!(
            "刚才，XX局长讲话。\n{passage}\n第二段**县,好.\n\n第三段正常。\n{passage}\n20xx年x月x日\n"
        );
        let texts = [
            base.clone(),
            base.replace("第二段", "第二段落"),
            format!("新的一行XX。\n{base}"),
            base.clone(),
            base.replacen("坚持", "坚", 1),
            base.replace("第三段正常。", "第三段正常。\n"),
        ];
        let mut reused_some = false;
        for text in &texts {
            let (linted, map) =
                cache.lint(&rules, text, None, Encoding::Utf16, DocKind::Plain, &uri());
            let mut fresh = Vec::new();
            linted.write_diagnostics(&map, &uri(), &mut fresh);
            let mut out = b"head".to_vec();
            cache.write_diagnostics(&linted, &map, &uri(), &mut out);
            assert_eq!(
                String::from_utf8_lossy(&out[4..]),
                String::from_utf8_lossy(&fresh),
                "{text}"
            );
            reused_some |= cache.json_copied > 0;
            let body = Arc::new(out);
            cache.keep_json(&body);
        }
        assert!(reused_some);
    }

    #[test]
    fn only_changed_paragraphs_are_relinted_and_results_match_a_full_check() {
        let rules = RuleSet::builtin();
        let mut cache = ParagraphCache::default();
        let text = "刚才，XX局长讲话。\n第二段**县。\n第三段正常。\n";
        let first = lint(&mut cache, &rules, text, DocKind::Plain);
        assert_eq!(first.recomputed, 3);
        assert_eq!(first.findings(), rules.check(text, DocKind::Plain));
        let edited = "刚才，XX局长讲话。\n第二段**县，X同志。\n第三段正常。\n";
        let second = lint(&mut cache, &rules, edited, DocKind::Plain);
        assert_eq!(second.recomputed, 1);
        assert_eq!(second.findings(), rules.check(edited, DocKind::Plain));
    }

    #[test]
    fn document_findings_fold_with_local_ones() {
        // A web-debris block whose deleting fix hides the local findings inside
        // it, a passage pasted twice, Markdown with masked code before findings.
        let rules = RuleSet::builtin();
        let block = "更多相关文章\n关于XX工作的通知, 详见附件\n关于**县的报告\n";
        let para = "近年来，我院强化审判监督和案件质量管理的工作取得了明显成效，得到了上级法院的充分肯定，案件质量评查机制已经成为我院审判管理的重要抓手。";
        let text =
            format!("{para}\n一、总体\n{block}二、的的要求\n{para}\n`代码代码`吐火如荼, 的\n");
        for kind in [DocKind::Plain, DocKind::Markdown] {
            let mut cache = ParagraphCache::default();
            let linted = lint(&mut cache, &rules, &text, kind);
            assert_eq!(linted.findings(), rules.check(&text, kind));
            let map = PositionMap::new(&text, Encoding::Utf16);
            assert_eq!(
                linted.diagnostics(&map, &uri()),
                from_scratch(&rules, &text, kind)
            );
        }
    }

    /// Findings on one span from a paragraph's rules and from document
    /// rules: the merge keeps exactly what sorting them all together keeps
    /// (the more severe of two; of two equally severe, both unless they
    /// prefer the same fix, or neither has one), in the same order.
    /// A paragraph at `start` whose one local finding is `local`.
    fn placed_alone(start: usize, len: usize, local: Finding) -> Placed {
        let deletes = deletion(&local).is_some();
        Placed {
            start,
            len,
            line: 1,
            count: 1,
            deletes,
            has_json: true,
            key: 0,
            local: Arc::new(Local {
                findings: vec![local].into_boxed_slice(),
                json: Box::default(),
                deletes,
            }),
        }
    }

    /// Folds one paragraph at `start` holding `local` with the document
    /// finding `other`, and compares the picks with a full sort of both.
    fn assert_folds_as_a_full_sort(
        start: usize,
        len: usize,
        local: Finding,
        other: Finding,
        case: &str,
    ) {
        let placed = vec![placed_alone(start, len, local.clone())];
        let mut others = vec![other.clone()];
        let picks = fold(&placed, &mut others);
        let folded: Vec<Finding> = picks
            .iter()
            .map(|pick| match *pick {
                Pick::Local { para, index } => {
                    let p = &placed[para as usize];
                    let mut f = p.local.findings[index as usize].clone();
                    f.shift(p.start);
                    f
                }
                Pick::Other(i) => others[i as usize].clone(),
            })
            .collect();
        let mut shifted = local;
        shifted.shift(start);
        let mut all = vec![shifted, other];
        sort(&mut all);
        assert_eq!(folded, all, "{case}");
    }

    #[test]
    fn local_and_document_findings_on_one_span_fold_as_a_full_sort_would() {
        use crate::finding::Severity;
        let rule = |id: &str| -> Arc<str> { id.into() };
        let finding = |id: &str, severity, fix: Option<&str>, at: usize| {
            let f = Finding::new(&rule(id), severity, at..at + 3, "说明".to_owned());
            match fix {
                Some(r) => f.with_replacement(r),
                None => f,
            }
        };
        let (warning, error) = (Severity::Warning, Severity::Error);
        // (local finding, document finding): rule ids sort the local first.
        let cases = [
            ((warning, Some("甲")), (warning, Some("甲"))),
            ((warning, Some("甲")), (warning, Some("乙"))),
            ((warning, None), (warning, None)),
            ((warning, None), (warning, Some("乙"))),
            ((warning, Some("甲")), (error, Some("乙"))),
            ((error, None), (warning, None)),
        ];
        let start = 12;
        for ((ls, lf), (os, of)) in cases {
            let local = finding("a.local", ls, lf, 0);
            let other = finding("b.document", os, of, start);
            let case = format!("local {ls:?} {lf:?}, document {os:?} {of:?}");
            assert_folds_as_a_full_sort(start, 9, local, other, &case);
        }
    }

    #[test]
    fn a_local_deletion_folds_document_findings_as_a_full_sort_would() {
        use crate::finding::Severity;
        let deleting = |id: &str, span: Range<usize>| {
            Finding::new(
                &Arc::from(id),
                Severity::Warning,
                span.clone(),
                "说明".into(),
            )
            .with_fix(span, String::new())
        };
        let start = 30;
        // (local deletion, relative; document finding, absolute): containing
        // and longer, containing and equal, disjoint, overlapping, and a
        // document finding whose own fix deletes the local deletion's span.
        let cases = [
            (0..9, 33..36, false),
            (0..9, 30..39, false),
            (0..3, 36..39, false),
            (0..6, 33..39, false),
            (0..9, 33..36, true),
        ];
        for (local_span, other_span, own_deletion) in cases {
            let local = deleting("a.local", local_span.clone());
            let mut other = Finding::new(
                &Arc::from("b.document"),
                Severity::Info,
                other_span.clone(),
                "说明".into(),
            );
            if own_deletion {
                other = other.with_fix(
                    local_span.start + start..local_span.end + start,
                    String::new(),
                );
            }
            let case = format!("local {local_span:?}, document {other_span:?}");
            assert_folds_as_a_full_sort(start, 12, local, other, &case);
        }
    }

    fn corpus_sample() -> String {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/corpus/002_88388a4fa2b47f34.txt"
        ))
        .unwrap();
        // Two copies, so that duplicate passages exist to be found.
        format!("{text}\n{text}")
    }

    #[derive(Debug, Clone)]
    enum Edit {
        Insert(usize, String),
        Delete(usize, usize),
        Replace(usize, usize, String),
    }

    fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("的".to_owned()),
            Just("\n".to_owned()),
            Just("“".to_owned()),
            Just("”".to_owned()),
            Just("（".to_owned()),
            Just("一、".to_owned()),
            Just("\n（二）".to_owned()),
            Just("𠀀😀".to_owned()),
            Just("\r\n".to_owned()),
            Just("\n更多相关文章\n".to_owned()),
            Just("上一篇：".to_owned()),
            Just("`代码`".to_owned()),
            "[一二三，。的地得X ]{1,6}",
        ];
        prop_oneof![
            (any::<usize>(), piece.clone()).prop_map(|(at, s)| Edit::Insert(at, s)),
            (any::<usize>(), 1usize..400).prop_map(|(at, n)| Edit::Delete(at, n)),
            (any::<usize>(), 1usize..200, piece).prop_map(|(at, n, s)| Edit::Replace(at, n, s)),
        ]
    }

    fn floor(text: &str, mut at: usize) -> usize {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    fn apply(text: &mut String, e: &Edit) {
        let n = text.len().max(1);
        match e {
            Edit::Insert(at, s) => {
                let at = floor(text, at % n);
                text.insert_str(at, s);
            }
            Edit::Delete(at, len) | Edit::Replace(at, len, _) => {
                let a = floor(text, at % n);
                let b = floor(text, a + len);
                let with = match e {
                    Edit::Replace(_, _, s) => s.as_str(),
                    _ => "",
                };
                text.replace_range(a..b, with);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Random edits: the incremental lint (paragraph cache with converted
        /// diagnostics, memoised document-level summaries, the fold) always
        /// equals a full check by rules that never saw the earlier versions,
        /// converted against the whole text.
        #[test]
        fn incremental_lint_equals_a_fresh_full_check(
            edits in proptest::collection::vec(edit(), 1..6),
            markdown in proptest::bool::ANY,
        ) {
            let kind = if markdown { DocKind::Markdown } else { DocKind::Plain };
            let rules = shared_rules();
            let mut cache = ParagraphCache::default();
            let mut text = corpus_sample();
            lint(&mut cache, rules, &text, kind);
            for e in &edits {
                apply(&mut text, e);
                let linted = lint(&mut cache, rules, &text, kind);
                let fresh = RuleSet::builtin();
                proptest::prop_assert_eq!(linted.findings(), &fresh.check(&text, kind)[..]);
                let map = PositionMap::new(&text, Encoding::Utf16);
                proptest::prop_assert_eq!(
                    linted.diagnostics(&map, &uri()),
                    from_scratch(&fresh, &text, kind)
                );
            }
        }
    }

    fn shared_rules() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(RuleSet::builtin)
    }
}
