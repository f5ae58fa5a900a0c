//! What [`Upload`](super::Upload) answers by itself, without running the handler.

use super::ack::{ChunkReceived, ChunkStatus};
use super::rejection::UploadRejection;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// The answer [`Upload<Z>`](super::Upload) gives without running the handler (its
/// `FromRequest::Rejection`): a refusal, or the acknowledgement of a chunk that did not
/// complete its file.
///
/// A handler that takes `Result<Upload<Z>, UploadResponse>` to inspect refusals must still
/// answer [`UploadResponse::ChunkReceived`] as it is (a 200): it is how chunked uploads go on.
#[derive(Debug)]
pub enum UploadResponse {
    /// The request or its file was refused (4xx/5xx).
    Rejected(UploadRejection),
    /// One chunk of a chunked upload was stored; its file is not complete yet (200).
    ChunkReceived(ChunkReceived),
    /// Which chunks of an unfinished upload the server holds, for a page resuming it (200).
    ChunkStatus(ChunkStatus),
}

impl UploadResponse {
    /// The HTTP status this answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            UploadResponse::Rejected(r) => r.status(),
            UploadResponse::ChunkReceived(ack) => ack.status(),
            UploadResponse::ChunkStatus(_) => StatusCode::OK,
        }
    }

    /// The body this answers with.
    pub fn body_text(&self) -> String {
        match self {
            UploadResponse::Rejected(r) => r.body_text(),
            UploadResponse::ChunkReceived(ack) => ack.body_text(),
            UploadResponse::ChunkStatus(status) => status.body_text(),
        }
    }

    /// The refusal, unless this is a chunk acknowledgement or status.
    pub fn rejection(&self) -> Option<&UploadRejection> {
        match self {
            UploadResponse::Rejected(r) => Some(r),
            UploadResponse::ChunkReceived(_) | UploadResponse::ChunkStatus(_) => None,
        }
    }

    /// Consumes it, returning the refusal, or else itself: a chunk acknowledgement or status
    /// (both 200), to answer as it is.
    pub fn into_rejection(self) -> Result<UploadRejection, UploadResponse> {
        match self {
            UploadResponse::Rejected(r) => Ok(r),
            other => Err(other),
        }
    }
}

impl<R: Into<UploadRejection>> From<R> for UploadResponse {
    fn from(rejection: R) -> Self {
        UploadResponse::Rejected(rejection.into())
    }
}

impl IntoResponse for UploadResponse {
    fn into_response(self) -> Response {
        match self {
            UploadResponse::Rejected(r) => r.into_response(),
            UploadResponse::ChunkReceived(ack) => ack.into_response(),
            UploadResponse::ChunkStatus(status) => status.into_response(),
        }
    }
}
