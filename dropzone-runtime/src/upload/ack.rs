//! The answer to a chunk that did not complete its file: a response, not a rejection.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use std::fmt;

/// A chunk was stored, but its file is not complete yet (**200 OK**, `application/json`).
///
/// Not an error: this is how [`Upload`](super::Upload) answers every chunk request except the
/// one that completes the file, **without running the handler**, through
/// [`UploadResponse::ChunkReceived`](super::UploadResponse::ChunkReceived). The handler runs
/// once per file, with [`Upload::file`](super::Upload::file) looking exactly like a single
/// upload. Dropzone.js counts any 2xx as a delivered chunk.
///
/// The body is `{"chunk":N,"received":K,"total":T}`: this chunk's index, how many of the file's
/// chunks the server has, and how many it has in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkReceived {
    chunk: u64,
    received: u64,
    total: u64,
}

impl ChunkReceived {
    pub(crate) fn new(chunk: u64, received: u64, total: u64) -> Self {
        ChunkReceived {
            chunk,
            received,
            total,
        }
    }

    /// The index of the chunk this request carried.
    pub fn chunk(&self) -> u64 {
        self.chunk
    }

    /// How many chunks of the file the server has.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// How many chunks the file has.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// 200 OK.
    pub fn status(&self) -> StatusCode {
        StatusCode::OK
    }

    /// The JSON body: `{"chunk":N,"received":K,"total":T}`.
    pub fn body_text(&self) -> String {
        format!(
            "{{\"chunk\":{},\"received\":{},\"total\":{}}}",
            self.chunk, self.received, self.total
        )
    }
}

impl fmt::Display for ChunkReceived {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "chunk {} received ({} of {})",
            self.chunk, self.received, self.total
        )
    }
}

impl IntoResponse for ChunkReceived {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            self.body_text(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ack_is_json() {
        let ack = ChunkReceived::new(2, 3, 5);
        assert_eq!(ack.body_text(), r#"{"chunk":2,"received":3,"total":5}"#);
        let resp = ack.into_response();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/json");
    }
}
