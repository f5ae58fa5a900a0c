//! The answers of a chunked upload that are not the file's: a chunk that did not complete its
//! file, and which chunks the server holds (for a page resuming after a reload). Responses,
//! not rejections.

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

/// Which chunks of an unfinished upload the server holds (**200 OK**, `application/json`): the
/// answer to a page that resumes an upload after a reload (see
/// [`Upload`](super::Upload), "Resuming after a reload").
///
/// The body is `{"received":[0,1,4]}`. It is the same shape, `{"received":[]}`, for an upload
/// the server does not know, one that ended, and one whose `dzuuid` is known but whose size,
/// chunk size or name differ from what the page said: it tells nothing about other uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkStatus {
    received: Vec<u64>,
}

impl ChunkStatus {
    pub(crate) fn new(received: Vec<u64>) -> Self {
        ChunkStatus { received }
    }

    /// The indexes of the chunks the server holds, ascending.
    pub fn received(&self) -> &[u64] {
        &self.received
    }

    /// The JSON body: `{"received":[...]}`.
    pub fn body_text(&self) -> String {
        let list: Vec<String> = self.received.iter().map(u64::to_string).collect();
        format!("{{\"received\":[{}]}}", list.join(","))
    }
}

impl fmt::Display for ChunkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} chunks held", self.received.len())
    }
}

impl IntoResponse for ChunkStatus {
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

    #[test]
    fn the_status_is_json() {
        assert_eq!(ChunkStatus::new(vec![]).body_text(), r#"{"received":[]}"#);
        assert_eq!(
            ChunkStatus::new(vec![0, 2, 10]).body_text(),
            r#"{"received":[0,2,10]}"#
        );
    }
}
