//! Why [`Upload`](super::Upload) refused a request or a file.
//!
//! Built the way axum's own rejections are (see `macros.rs`): one small leaf type per failure,
//! each with `status()`, `body_text()`, [`Display`](std::fmt::Display),
//! [`Error`](std::error::Error) and [`IntoResponse`], and the `#[non_exhaustive]`
//! [`UploadRejection`] over all of them. The per-file reasons ([`FileTooLarge`],
//! [`UnsupportedFileType`], [`TooManyFiles`]) are also their own enum, [`FileRefusal`].
//!
//! Every response but one is `text/plain; charset=utf-8`: Dropzone.js shows a plain-text error
//! body on the file as it is. Where the zone has its own message (`invalid_file_type`,
//! `file_too_big`, `max_file_exceed`) the body is that message, with its placeholders filled
//! in, so the page and the server say the same thing. The exception is [`BatchRefused`], a
//! batch (`upload_multiple`) whose files were all refused: it answers the per-file JSON of
//! [`UploadReport`], so that each file of the batch shows its own reason.

use super::limits::{MAX_FIELD_BYTES, MAX_FIELDS};
use super::macros::{composite_rejection, define_rejection};
use super::outcome::RefusedFile;
pub use super::refusal::{
    FileRefusal, FileTooLarge, PolicyRefused, TooManyFiles, UnsupportedFileType,
};
use super::report::UploadReport;
use crate::csrf::CsrfError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::error::Error as StdError;
use std::fmt;

define_rejection! {
    #[status = BAD_REQUEST]
    /// The request carries no file in the zone's field (400 Bad Request).
    ///
    /// Happens when the multipart body ends without a part named after the zone's `input_name`
    /// (or `input_name[N]` with `upload_multiple`), or when every such part is an empty
    /// selection (no file name and no bytes, as a form with an empty file input sends).
    pub struct MissingFile {}
}

impl MissingFile {
    pub(crate) fn new(input_name: &str, multiple: bool) -> Self {
        let body = if multiple {
            format!(
                "No file in the upload: expected file parts named `{input_name}[0]`, \
                 `{input_name}[1]`, … or `{input_name}`."
            )
        } else {
            format!("No file in the upload: expected a file part named `{input_name}`.")
        };
        MissingFile { body }
    }
}

define_rejection! {
    #[status = BAD_REQUEST, source = source]
    /// The body is not a well-formed `multipart/form-data` body (400 Bad Request).
    ///
    /// Happens when the `Content-Type` is not `multipart/form-data` or has no boundary, when the
    /// body is cut short or its part headers are broken, when the client goes away mid-body, or
    /// when a text field is not UTF-8. The source, when there is one, is the parser's error.
    pub struct MalformedMultipart { source: Option<Box<dyn StdError + Send + Sync>> }
}

impl MalformedMultipart {
    pub(crate) fn new(detail: impl fmt::Display) -> Self {
        MalformedMultipart {
            body: format!("Malformed upload: {detail}."),
            source: None,
        }
    }

    /// The parser's error, described without any of the request's own bytes (multer's
    /// messages quote field names and header values).
    pub(crate) fn from_multer(error: multer::Error) -> Self {
        let detail = match &error {
            multer::Error::IncompleteFieldData { .. } | multer::Error::IncompleteStream => {
                "the body ended before its closing boundary"
            }
            multer::Error::IncompleteHeaders | multer::Error::ReadHeaderFailed(_) => {
                "a part's headers are broken or cut short"
            }
            multer::Error::DecodeHeaderName { .. } | multer::Error::DecodeHeaderValue { .. } => {
                "a part header is not readable"
            }
            multer::Error::StreamReadFailed(_) => "the body could not be read (client gone?)",
            multer::Error::NoMultipart | multer::Error::DecodeContentType(_) => {
                "expected a multipart/form-data body"
            }
            multer::Error::NoBoundary => "the Content-Type has no boundary",
            _ => "the body is not valid multipart/form-data",
        };
        MalformedMultipart {
            body: format!("Malformed upload: {detail}."),
            source: Some(Box::new(error)),
        }
    }
}

define_rejection! {
    #[status = PAYLOAD_TOO_LARGE]
    /// The whole body is larger than the zone allows (413 Payload Too Large).
    ///
    /// The limit follows the zone: see [`body_limit`](super::body_limit). Happens when the
    /// `Content-Length` announces more, as soon as the streamed body passes it, or when an outer
    /// layer (such as tower-http's `RequestBodyLimitLayer`) cuts the body off.
    #[derive(Clone)]
    pub struct BodyTooLarge { limit: u64 }
}

impl BodyTooLarge {
    pub(crate) fn new(limit: u64) -> Self {
        BodyTooLarge {
            body: format!("The upload is too large: the limit is {limit} bytes."),
            limit,
        }
    }

    /// The body limit in bytes, as far as this extractor knows it.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

define_rejection! {
    #[status = REQUEST_TIMEOUT]
    /// The body stopped arriving (408 Request Timeout).
    ///
    /// Happens when no byte of the body came for [`Storage::body_idle_timeout`]
    /// (default 30 s): a stalled client holds no memory, connection or part file beyond that.
    /// Nothing of the request is stored.
    ///
    /// [`Storage::body_idle_timeout`]: super::Storage::body_idle_timeout
    pub struct BodyTimedOut {}
}

impl BodyTimedOut {
    pub(crate) fn new() -> Self {
        BodyTimedOut {
            body: "The upload stalled: no data arrived for too long.".to_owned(),
        }
    }
}

define_rejection! {
    #[status = PAYLOAD_TOO_LARGE]
    /// A text field is larger than [`MAX_FIELD_BYTES`] (413 Payload Too
    /// Large).
    pub struct FieldTooLarge { name: String }
}

impl FieldTooLarge {
    /// The field's name, as the client sent it (not in the answer).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn new(name: &str) -> Self {
        FieldTooLarge {
            // The name is the client's: kept out of the answer (see `name()`).
            body: format!("A form field is larger than {MAX_FIELD_BYTES} bytes."),
            name: name.to_owned(),
        }
    }
}

define_rejection! {
    #[status = BAD_REQUEST]
    /// The body has more than [`MAX_FIELDS`] text fields (400 Bad Request).
    pub struct TooManyFields {}
}

impl TooManyFields {
    pub(crate) fn new() -> Self {
        TooManyFields {
            body: format!("The upload has more than {MAX_FIELDS} form fields."),
        }
    }
}

define_rejection! {
    #[status = INTERNAL_SERVER_ERROR, source = source, level = WARN]
    /// The upload folder could not take the file (500 Internal Server Error).
    ///
    /// Happens when creating, writing or renaming a file in the [`Storage`](super::Storage)
    /// folder fails (disk full, permissions, folder removed and not re-creatable). The body does
    /// not reveal the path or the cause; the source is the I/O error.
    pub struct StorageFailed { source: std::io::Error }
}

impl StorageFailed {
    pub(crate) fn new(source: std::io::Error) -> Self {
        StorageFailed {
            body: "The server could not store the file.".to_owned(),
            source,
        }
    }

    /// The I/O error behind the failure.
    pub fn io_error(&self) -> &std::io::Error {
        &self.source
    }
}

define_rejection! {
    #[status = BAD_REQUEST, source = reason]
    /// The request's CSRF token was refused (400 Bad Request).
    ///
    /// Only for zones with `enable_csrf`. Checked before any file byte is written: the token
    /// comes from the `X-CSRFToken` / `X-CSRF-Token` header, or from a `csrf_token` field that
    /// precedes the first file part. The body is Flask-WTF's message for the [`CsrfError`]: "The
    /// CSRF token is missing.", "The CSRF session token is missing.", "The CSRF token has
    /// expired." or "The CSRF token is invalid.", which Dropzone.js shows on the file.
    #[derive(Clone)]
    pub struct CsrfRejected { reason: CsrfError }
}

impl CsrfRejected {
    pub(crate) fn new(reason: CsrfError) -> Self {
        CsrfRejected {
            body: reason.to_string(),
            reason,
        }
    }

    /// Why the token was refused.
    pub fn reason(&self) -> CsrfError {
        self.reason
    }
}

define_rejection! {
    #[status = INTERNAL_SERVER_ERROR]
    /// The zone has `enable_csrf` but the [`Storage`](super::Storage) has no
    /// [`Csrf`](crate::csrf::Csrf) to verify tokens with (500 Internal Server Error).
    ///
    /// A configuration mistake, answered before the body is read and logged at `error` level
    /// (through `tracing`), so that a zone that asks for CSRF protection never runs without it.
    /// Fix it with `Storage::new(dir).csrf(csrf)`.
    pub struct CsrfNotConfigured {}
}

impl CsrfNotConfigured {
    pub(crate) fn new(zone_id: &str) -> Self {
        CsrfNotConfigured {
            body: format!(
                "The server cannot accept this upload: zone `{}` requires a CSRF token but CSRF \
                 protection is not configured on the server.",
                zone_id.escape_debug()
            ),
        }
    }
}

define_rejection! {
    #[status = BAD_REQUEST]
    /// The request was sent by another zone than the extractor's (400 Bad Request).
    ///
    /// Every upload of a dropzone-rs page carries the zone's HTML id in the
    /// [`X-Dropzone-Zone`](crate::ZONE_HEADER) header. `Upload<Z>` refuses a request whose
    /// header names another id than `Z`'s before reading its body: the files were checked in the
    /// browser against the other zone's rules, not `Z`'s. A request without the header (curl,
    /// scripts, no-JS forms) is accepted. To serve several zones from one route, read the header
    /// with [`ZoneId`](super::ZoneId) and pick the zone type from it.
    pub struct WrongZone { sent_by: String }
}

impl WrongZone {
    pub(crate) fn new(sent_by: &str, expected: &str) -> Self {
        // The header's value is the client's: kept out of the answer (see `sent_by()`).
        WrongZone {
            body: format!(
                "This upload was sent by another zone than `{}`.",
                expected.escape_debug()
            ),
            sent_by: sent_by.to_owned(),
        }
    }

    /// The zone id the request's header named.
    pub fn sent_by(&self) -> &str {
        &self.sent_by
    }
}

define_rejection! {
    #[status = BAD_REQUEST]
    /// The `dz*` fields of a chunk are missing, malformed or disagree (400 Bad Request).
    ///
    /// Happens when `dzuuid` is not a UUID; a number field is missing or not a number;
    /// `dzchunksize` is not the zone's chunk size; `dztotalchunkcount` is not
    /// `max(1, ceil(dztotalfilesize / dzchunksize))`; `dzchunkindex` is out of range;
    /// `dzchunkbyteoffset` is not `index × chunksize`; the chunk's length is not the chunk size
    /// (or, for the last chunk, the rest of the file); or the size, count or file name differ
    /// from earlier chunks of the same `dzuuid`. Nothing of the chunk is marked received. The
    /// body says which.
    pub struct InvalidChunk {}
}

impl InvalidChunk {
    pub(crate) fn new(detail: impl fmt::Display) -> Self {
        InvalidChunk {
            body: format!("Invalid chunk: {detail}."),
        }
    }
}

define_rejection! {
    #[status = GONE]
    /// The chunked upload this chunk belongs to expired or failed (410 Gone).
    ///
    /// Happens when the upload was idle for longer than
    /// [`Storage::chunk_expiry`](super::Storage::chunk_expiry) and was removed, when its
    /// finalization failed, or when the server restarted in the middle of it. The file must be
    /// sent again (Dropzone.js does that with a new `dzuuid` when the file is added again).
    pub struct ChunkUploadGone {}
}

impl ChunkUploadGone {
    pub(crate) fn new() -> Self {
        ChunkUploadGone {
            body:
                "This upload expired or was interrupted on the server; please add the file again."
                    .to_owned(),
        }
    }
}

define_rejection! {
    #[status = SERVICE_UNAVAILABLE]
    /// The server already holds its limit of unfinished chunked uploads (503 Service
    /// Unavailable).
    ///
    /// See [`Storage::max_pending_chunked_uploads`](super::Storage::max_pending_chunked_uploads).
    /// Chunks of uploads already open are not affected; a new file can start once one of them
    /// ends or expires.
    pub struct TooManyPendingUploads {}
}

impl TooManyPendingUploads {
    pub(crate) fn new() -> Self {
        TooManyPendingUploads {
            body: "The server has too many unfinished uploads right now; please try again later."
                .to_owned(),
        }
    }
}

/// Every file of a batch (`upload_multiple`) was refused (the first refusal's status: 413, 415
/// or 400).
///
/// Answers with `Content-Type: application/json` and the per-file body of [`UploadReport`]
/// plus a top-level `"error"` (the first refusal's message), so that the page shows each file's
/// own reason; nothing of the request was stored. Single-file zones never answer this: their
/// one refusal is the request's plain-text answer.
#[derive(Debug)]
pub struct BatchRefused {
    refused: Vec<RefusedFile>,
}

impl BatchRefused {
    /// `refused` must not be empty.
    pub(crate) fn new(refused: Vec<RefusedFile>) -> Self {
        debug_assert!(!refused.is_empty());
        BatchRefused { refused }
    }

    /// The HTTP status this rejection answers with: the first refusal's.
    pub fn status(&self) -> StatusCode {
        self.report().status()
    }

    /// The JSON body this rejection answers with (see [`UploadReport`]).
    pub fn body_text(&self) -> String {
        self.report().to_json()
    }

    /// The per-file report this rejection answers with.
    pub fn report(&self) -> UploadReport {
        UploadReport::from_refused(&self.refused)
    }

    /// Every file of the batch, each with its reason, in the order the parts came.
    pub fn refused(&self) -> &[RefusedFile] {
        &self.refused
    }

    /// Records every file's refusal (`debug`).
    pub(crate) fn log(&self) {
        for file in &self.refused {
            file.reason.log();
        }
    }

    /// Consumes the rejection, returning the refused files.
    pub fn into_refused(self) -> Vec<RefusedFile> {
        self.refused
    }
}

impl fmt::Display for BatchRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.refused.first() {
            Some(first) => write!(
                f,
                "every file of the batch was refused; the first: {}",
                first.reason
            ),
            None => f.write_str("every file of the batch was refused"),
        }
    }
}

impl StdError for BatchRefused {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.refused
            .first()
            .map(|r| &r.reason as &(dyn StdError + 'static))
    }
}

impl IntoResponse for BatchRefused {
    fn into_response(self) -> Response {
        self.report().into_response()
    }
}

composite_rejection! {
    /// Every way [`Upload`](super::Upload) can refuse a request or a file.
    ///
    /// Answers with the leaf's status and its body: plain text, except [`BatchRefused`]'s JSON.
    /// New variants may be added in any release.
    pub enum UploadRejection {
        FileTooLarge,
        UnsupportedFileType,
        TooManyFiles,
        MissingFile,
        MalformedMultipart,
        BodyTooLarge,
        BodyTimedOut,
        FieldTooLarge,
        TooManyFields,
        StorageFailed,
        InvalidChunk,
        ChunkUploadGone,
        TooManyPendingUploads,
        WrongZone,
        BatchRefused,
        CsrfRejected,
        CsrfNotConfigured,
        PolicyRefused,
    }
}

impl From<FileRefusal> for UploadRejection {
    fn from(reason: FileRefusal) -> Self {
        match reason {
            FileRefusal::FileTooLarge(r) => r.into(),
            FileRefusal::UnsupportedFileType(r) => r.into(),
            FileRefusal::TooManyFiles(r) => r.into(),
            FileRefusal::PolicyRefused(r) => r.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failure_hides_the_cause_but_keeps_the_source() {
        let r = StorageFailed::new(std::io::Error::other("/secret/path: disk full"));
        assert!(!r.body_text().contains("secret"));
        assert!(r.source().is_some());
        let r: UploadRejection = r.into();
        assert!(r.source().is_some());
    }
}
