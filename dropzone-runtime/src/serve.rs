//! Serving a router with the bounds an upload server needs: a header-read timeout and a
//! connection limit.
//!
//! `axum::serve` has neither: a client that opens a connection and sends half a request head,
//! or nothing at all, holds it (and its buffers) forever, and nothing bounds how many such
//! connections exist. [`serve`] is the same accept loop on hyper's HTTP/1 connection builder,
//! with hyper's own [`header_read_timeout`] (a request head must arrive whole within it; it
//! also closes idle keep-alive connections) and a semaphore around `accept`: beyond
//! [`max_connections`](ServeOptions::max_connections) the process accepts nothing more, so
//! further clients wait in the kernel's listen backlog instead of costing memory here.
//!
//! Request bodies are bounded by the upload extractor (size limits and its body-idle timeout),
//! not here. What a production deployment adds in front (TLS, per-client limits, slow
//! readers) is in `SECURITY.md`.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//!
//! # async fn run() -> std::io::Result<()> {
//! let app = Router::new().route("/", get(|| async { "hello" }));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
//! dropzone_runtime::serve::serve(listener, app).await
//! # }
//! ```
//!
//! [`header_read_timeout`]: hyper::server::conn::http1::Builder::header_read_timeout

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::Layer;

/// How long a client has to send a whole request head (default of
/// [`ServeOptions::header_read_timeout`]). Browsers send theirs at once; 10 s leaves room for a
/// slow mobile link.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How many connections are served at once (default of [`ServeOptions::max_connections`]).
/// A stalled upload holds up to about 2 MiB of buffers until the extractor's body-idle timeout
/// ends it, so this bounds that memory to about 512 MiB.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// Most bytes hyper buffers per connection when reading (its default is about 400 KiB). What
/// a stalled or slow upload holds scales with it; 64 KiB reads cost no measurable throughput.
const READ_BUFFER: usize = 64 * 1024;

/// Largest request head accepted (answered 431 beyond it); browsers send a few KiB.
const MAX_HEAD: usize = 64 * 1024;

/// How [`ServeOptions::serve`] bounds connections; [`serve`] uses the defaults.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    header_read_timeout: Duration,
    max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl ServeOptions {
    /// The defaults: [`DEFAULT_HEADER_READ_TIMEOUT`] and [`DEFAULT_MAX_CONNECTIONS`].
    pub fn new() -> Self {
        ServeOptions::default()
    }

    /// How long a client has, from the moment the server starts reading a request head (a new
    /// connection, or the end of the previous response on a kept-alive one), to send all of it.
    /// A connection that misses it is closed without an answer.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How many connections are served at once (at least 1). While that many are open, no
    /// new one is accepted: it waits in the listen backlog until one closes.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Serves `app` on `listener` until the process ends. Each request carries the client's
    /// address as [`ConnectInfo<SocketAddr>`](ConnectInfo).
    pub async fn serve(self, listener: TcpListener, app: Router) -> io::Result<()> {
        let slots = Arc::new(Semaphore::new(self.max_connections));
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout)
            .max_buf_size(READ_BUFFER)
            .max_header_size(MAX_HEAD);
        loop {
            // Taken before `accept`, so that beyond the limit connections stay in the kernel's
            // backlog and cost nothing here.
            let slot = Arc::clone(&slots)
                .acquire_owned()
                .await
                .map_err(io::Error::other)?;
            let (stream, peer) = accept(&listener).await;
            // Responses are written whole; waiting for more to send only adds latency.
            let _ = stream.set_nodelay(true);
            let service =
                TowerToHyperService::new(axum::Extension(ConnectInfo(peer)).layer(app.clone()));
            let connection = http
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::trace!(%peer, %error, "connection ended with an error");
                }
                drop(slot);
            });
        }
    }
}

/// Serves `app` on `listener` with the default [`ServeOptions`]: a drop-in replacement for
/// `axum::serve(listener, app)`.
pub async fn serve(listener: TcpListener, app: Router) -> io::Result<()> {
    ServeOptions::new().serve(listener, app).await
}

/// The next connection. Errors of one connection (reset before it was accepted) are skipped;
/// others (out of file descriptors) are logged and retried after a second, as `axum::serve`
/// does, since retrying at once would spin.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => {
                tracing::error!(error = %e, "accept failed; retrying in 1 s");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
