//! The server's output: one queue of framed messages written to the client by a
//! dedicated thread.
//!
//! tower-lsp writes its messages (responses, logs, requests) through
//! [`Output::writer`]. Diagnostics of checked documents bypass tower-lsp's
//! client: it would turn the params into a `serde_json::Value` tree and then
//! into text, which for a document with thousands of findings costs several
//! times the lint itself. [`Output::publish`] takes the message already
//! serialized (mostly from per-paragraph JSON kept by the lint cache) and
//! queues it between complete frames of tower-lsp's stream. A publish for a
//! document replaces one for the same document still waiting in the queue: the
//! client would only see it superseded.

use std::collections::VecDeque;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll};

use tower_lsp::lsp_types::Url;

struct Frame {
    /// The document of a publishDiagnostics queued by [`Output::publish`].
    publishes: Option<Url>,
    /// The `Content-Length` header when `bytes` is the body alone (written
    /// apart so that a megabyte of diagnostics is not copied behind it).
    header: String,
    /// Shared: the server keeps the last diagnostics it published.
    bytes: Arc<Vec<u8>>,
}

#[derive(Default)]
struct Queue {
    frames: VecDeque<Frame>,
    /// tower-lsp's bytes not yet making a whole frame.
    partial: Vec<u8>,
    /// Frames taken by the writer thread and not yet written.
    writing: usize,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

/// The shared output; cheap to clone.
#[derive(Clone)]
pub struct Output {
    shared: Arc<Shared>,
}

impl Output {
    /// Starts the writer thread on `sink`.
    pub fn new(mut sink: impl Write + Send + 'static) -> Output {
        let shared = Arc::new(Shared::default());
        let writer = shared.clone();
        std::thread::Builder::new()
            .name("gwlint-out".to_owned())
            .spawn(move || loop {
                let frames = {
                    let mut q = writer.lock();
                    while q.frames.is_empty() {
                        q = writer.changed.wait(q).unwrap_or_else(|e| e.into_inner());
                    }
                    let frames = std::mem::take(&mut q.frames);
                    q.writing = frames.len();
                    frames
                };
                for frame in frames {
                    if sink.write_all(frame.header.as_bytes()).is_err()
                        || sink.write_all(&frame.bytes).is_err()
                    {
                        return; // the client is gone
                    }
                }
                let _ = sink.flush();
                writer.lock().writing = 0;
                writer.changed.notify_all();
            })
            .expect("spawn the output thread");
        Output { shared }
    }

    /// The byte sink for tower-lsp's own messages.
    pub fn writer(&self) -> OutputWriter {
        OutputWriter {
            shared: self.shared.clone(),
        }
    }

    /// Queues a publishDiagnostics for `uri` whose JSON body is `body`, and
    /// returns when it was queued: the writer thread starts on it at once.
    pub fn publish(&self, uri: &Url, body: Arc<Vec<u8>>) -> std::time::Instant {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let mut q = self.shared.lock();
        q.frames.retain(|f| f.publishes.as_ref() != Some(uri));
        q.frames.push_back(Frame {
            publishes: Some(uri.clone()),
            header,
            bytes: body,
        });
        let queued = std::time::Instant::now();
        drop(q);
        self.shared.changed.notify_all();
        queued
    }

    /// Waits until everything queued so far has been written.
    pub fn flush(&self) {
        let mut q = self.shared.lock();
        while !q.frames.is_empty() || q.writing > 0 {
            let (next, timeout) = self
                .shared
                .changed
                .wait_timeout(q, std::time::Duration::from_millis(500))
                .unwrap_or_else(|e| e.into_inner());
            if timeout.timed_out() {
                return; // a client that stopped reading must not hang the exit
            }
            q = next;
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `AsyncWrite` for tower-lsp: accepts everything at once and queues each
/// complete frame.
pub struct OutputWriter {
    shared: Arc<Shared>,
}

/// Length of the first complete frame in `bytes`, if there is one.
fn frame_len(bytes: &[u8]) -> Option<usize> {
    let header_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let header = std::str::from_utf8(&bytes[..header_end]).ok();
    let length = header.and_then(|h| {
        h.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
    });
    match length {
        Some(n) => (bytes.len() >= header_end + n).then_some(header_end + n),
        // Not LSP framing: pass it on as it is rather than hold it forever.
        None => Some(bytes.len()),
    }
}

impl tokio::io::AsyncWrite for OutputWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let mut q = self.shared.lock();
        q.partial.extend_from_slice(buf);
        let mut queued = false;
        while let Some(n) = frame_len(&q.partial) {
            let rest = q.partial.split_off(n);
            let bytes = std::mem::replace(&mut q.partial, rest);
            q.frames.push_back(Frame {
                publishes: None,
                header: String::new(),
                bytes: Arc::new(bytes),
            });
            queued = true;
        }
        drop(q);
        if queued {
            self.shared.changed.notify_all();
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWrite;

    fn write(w: &mut OutputWriter, bytes: &[u8]) {
        let mut cx = Context::from_waker(futures::task::noop_waker_ref());
        let written = Pin::new(w).poll_write(&mut cx, bytes);
        assert!(matches!(written, Poll::Ready(Ok(n)) if n == bytes.len()));
    }

    /// A sink the test can read back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn publishes_go_between_whole_frames_and_supersede_queued_ones() {
        let sink = Sink::default();
        let out = Output::new(sink.clone());
        let mut w = out.writer();
        let uri = Url::parse("file:///a.txt").unwrap();
        // tower-lsp's frame arrives in pieces; a publish queued meanwhile must
        // not land inside it.
        let log = frame("{\"method\":\"window/logMessage\",\"params\":\"日志\"}");
        let (head, tail) = log.split_at(30);
        write(&mut w, head.as_bytes());
        out.publish(&uri, Arc::new(b"{\"v\":1}".to_vec()));
        write(&mut w, tail.as_bytes());
        out.flush();
        let got = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(got, format!("{}{}", frame("{\"v\":1}"), log));
        // Two publishes for one document while nothing was written: the later
        // one only (the writer may have taken the first one already).
        sink.0.lock().unwrap().clear();
        {
            let _hold = out.shared.lock();
        }
        out.publish(&uri, Arc::new(b"{\"v\":2}".to_vec()));
        out.publish(&uri, Arc::new(b"{\"v\":3}".to_vec()));
        out.flush();
        let got = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(got.ends_with(&frame("{\"v\":3}")), "{got}");
        assert!(
            got == frame("{\"v\":3}") || got == frame("{\"v\":2}") + &frame("{\"v\":3}"),
            "{got}"
        );
    }
}
