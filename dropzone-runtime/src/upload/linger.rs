//! The request body as the extractor reads it: with a body-idle timeout, and taken back after
//! a refusal so that the rest can be read and discarded before the answer goes out.
//!
//! A client that writes its whole body before reading (Python's `http.client`, Node's `http`,
//! most scripts) never sees an answer sent while it is still writing: the server closes the
//! connection on the unread rest and the client gets `EPIPE`/`ECONNRESET` instead of the
//! 413/415. So after a refusal the rest of the body is read and dropped — the way nginx's
//! lingering close works — when it is at most [`LINGER_BYTES`] (by its `Content-Length`, or
//! up to that many when the length is unknown), for at most [`LINGER_TIME`]; then the refusal
//! is answered. A larger rest is not read: the answer goes out at once and the connection is
//! closed, as before.

use axum::body::{Body, BodyDataStream, Bytes};
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tower_http::timeout::TimeoutBody;

/// The most bytes of a refused body that are read and discarded (8 MiB).
pub const LINGER_BYTES: u64 = 8 << 20;

/// The longest a refused body is read for before the answer goes out (5 s).
pub const LINGER_TIME: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Shared {
    /// The body, put back here when the parser drops its stream.
    slot: Mutex<Option<BodyDataStream>>,
    read: AtomicU64,
    ended: AtomicBool,
}

/// The body stream handed to the parser: counts what it read, notes its end, and gives the
/// body back to its [`Lingering`] when dropped.
pub(crate) struct Reclaim {
    inner: Option<BodyDataStream>,
    shared: Arc<Shared>,
}

/// What is left of the body once the parser is done with it.
pub(crate) struct Lingering {
    shared: Arc<Shared>,
}

/// Wraps `body` with the idle timeout (tower-http's [`TimeoutBody`]: the timer restarts with
/// every frame, so a slow but moving upload is fine and a stalled one fails).
pub(crate) fn reclaimable(body: Body, idle: Duration) -> (Reclaim, Lingering) {
    let shared = Arc::new(Shared::default());
    let inner = Body::new(TimeoutBody::new(idle, body)).into_data_stream();
    let reclaim = Reclaim {
        inner: Some(inner),
        shared: Arc::clone(&shared),
    };
    (reclaim, Lingering { shared })
}

impl Stream for Reclaim {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let item = ready!(inner.poll_next_unpin(cx));
        match &item {
            Some(Ok(chunk)) => {
                self.shared
                    .read
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
            // An error (client gone, idle timeout) ends it too: nothing more will come.
            _ => self.shared.ended.store(true, Ordering::Relaxed),
        }
        Poll::Ready(item)
    }
}

impl Drop for Reclaim {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            *self.shared.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(inner);
        }
    }
}

impl Lingering {
    /// Reads and discards the rest of the body within the bounds above; call it after the
    /// parser (and so its [`Reclaim`]) was dropped.
    pub(crate) async fn drain(self, content_length: Option<u64>) {
        if self.shared.ended.load(Ordering::Relaxed) {
            return;
        }
        let read = self.shared.read.load(Ordering::Relaxed);
        if content_length.is_some_and(|len| len.saturating_sub(read) > LINGER_BYTES) {
            return;
        }
        let taken = self
            .shared
            .slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(mut body) = taken else {
            return;
        };
        let _ = tokio::time::timeout(LINGER_TIME, async move {
            let mut discarded = 0u64;
            while let Some(Ok(chunk)) = body.next().await {
                discarded += chunk.len() as u64;
                if discarded > LINGER_BYTES {
                    break;
                }
            }
        })
        .await;
    }
}
