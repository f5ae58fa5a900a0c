//! The upload's `tracing` span and its closing event, in the conventions of tower-http's
//! `TraceLayer`: its `request` span has the method and URI; this `upload` span, inside it,
//! adds what the extractor knows. Events inside it (all without file bytes or CSRF tokens):
//!
//! - `stored a file` (`info`): `stored_name`, `size`, `field`, `duration_ms` per stored file;
//! - `upload complete` (`info`): `stored`, `refused`, `duration_ms`;
//! - `upload refused` (`debug`; `warn` for storage failures): `status`, `rejection_type`,
//!   `reason` (the answer's body, which never quotes the request), `error` (the I/O cause);
//! - `chunk received` / `chunked file reassembled` (`trace`): `upload_id`, `chunk`,
//!   `received`, `total`.
//!
//! Sweeps of leftovers and expired chunked uploads are logged (`info`) where they happen.

use super::receive::Received;
use super::response::UploadResponse;
use axum::extract::Request;
use std::future::Future;
use std::time::Instant;
use tracing::{Instrument, Span};

/// The request-id header tower-http's `SetRequestIdLayer` sets on the request (and
/// `PropagateRequestIdLayer` on the response); its `RequestId` extension holds the same value.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// One span per upload request: `zone`, `route` (the path, never the query) and `request_id`
/// when the request has one.
pub(crate) fn upload_span(req: &Request, zone: &'static str) -> Span {
    let span = tracing::info_span!(
        "upload",
        zone,
        route = %req.uri().path(),
        request_id = tracing::field::Empty
    );
    if let Some(id) = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        span.record("request_id", id);
    }
    span
}

/// Runs the receive future inside `span` and records how it ended.
pub(crate) async fn traced(
    receive: impl Future<Output = Result<Received, UploadResponse>>,
    span: Span,
) -> Result<Received, UploadResponse> {
    let started = Instant::now();
    async move {
        let result = receive.await;
        match &result {
            Ok(received) => {
                let stored = received.outcomes.iter().filter_map(|o| o.saved()).count();
                let refused = received.outcomes.iter().filter_map(|o| o.refused());
                let mut refused_count = 0;
                for file in refused {
                    file.reason.log();
                    refused_count += 1;
                }
                tracing::info!(
                    stored,
                    refused = refused_count,
                    duration_ms = started.elapsed().as_millis() as u64,
                    "upload complete"
                );
            }
            Err(UploadResponse::Rejected(rejection)) => rejection.log(),
            // Chunk progress is logged at `trace` where the chunk is marked received.
            Err(UploadResponse::ChunkReceived(_) | UploadResponse::ChunkStatus(_)) => {}
        }
        result
    }
    .instrument(span)
    .await
}
