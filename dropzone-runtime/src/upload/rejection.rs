//! Why [`Upload`](super::Upload) refused a request or a file.
//!
//! Built the way axum's own rejections are: one small leaf type per failure, each with
//! [`status()`](FileTooLarge::status), `body_text()`, [`Display`](std::fmt::Display),
//! [`Error`](std::error::Error) and [`IntoResponse`], and the `#[non_exhaustive]`
//! [`UploadRejection`] over all of them.
//!
//! Every response but one is `text/plain; charset=utf-8`: Dropzone.js shows a plain-text error
//! body on the file as it is. Where the zone has its own message (`invalid_file_type`,
//! `file_too_big`, `max_file_exceed`) the body is that message, with its placeholders filled
//! in, so the page and the server say the same thing. The exception is [`BatchRefused`], a
//! batch (`upload_multiple`) whose files were all refused: it answers the per-file JSON of
//! [`UploadReport`], so that each file of the batch shows its own reason.

pub use super::chunk::{ChunkReceived, ChunkUploadGone, InvalidChunk, TooManyPendingUploads};
use super::extract::RefusedFile;
use super::report::UploadReport;
use crate::csrf::CsrfError;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};
use std::error::Error as StdError;
use std::fmt;

/// The `Content-Type` of every rejection body.
const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

fn plain_text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static(TEXT_PLAIN))],
        body,
    )
        .into_response()
}

/// Generates the parts every leaf shares: `status()`, `body_text()`, `Display`, `IntoResponse`.
/// `Error` is written per leaf because only some have a source.
macro_rules! leaf_common {
    ($name:ident, $status:expr) => {
        impl $name {
            /// The HTTP status this rejection answers with.
            pub fn status(&self) -> StatusCode {
                $status
            }

            /// The plain-text body this rejection answers with; Dropzone.js shows it on the file.
            pub fn body_text(&self) -> String {
                self.body.clone()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.body)
            }
        }

        impl IntoResponse for $name {
            fn into_response(self) -> Response {
                plain_text(self.status(), self.body)
            }
        }

        impl From<$name> for UploadRejection {
            fn from(rejection: $name) -> Self {
                UploadRejection::$name(rejection)
            }
        }
    };
}

/// A file is larger than the zone's `max_file_size` (413 Payload Too Large).
///
/// Happens as soon as a file part passes `max_file_size * 1048576` bytes: reading stops (or, for
/// one file of a batch, the rest of that part is skipped) and nothing of it is kept. The body is
/// the zone's `file_too_big` message with `{{maxFilesize}}` and `{{filesize}}` filled in;
/// `{{filesize}}` is the size in MiB when it is known, else `more than <max>`.
#[derive(Debug, Clone)]
pub struct FileTooLarge {
    body: String,
    limit: u64,
}

impl FileTooLarge {
    pub(crate) fn new(template: &str, max_file_size: f64, limit: u64, size: Option<u64>) -> Self {
        let filesize = match size {
            // Dropzone.js: Math.round(file.size / 1024 / 10.24) / 100
            Some(size) => format_js_number((size as f64 / 1024.0 / 10.24).round() / 100.0),
            None => format!("more than {}", format_js_number(max_file_size)),
        };
        let body = template
            .replace("{{maxFilesize}}", &format_js_number(max_file_size))
            .replace("{{filesize}}", &filesize);
        FileTooLarge { body, limit }
    }

    /// The largest accepted file size in bytes (`max_file_size * 1048576`, rounded down).
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

leaf_common!(FileTooLarge, StatusCode::PAYLOAD_TOO_LARGE);
impl StdError for FileTooLarge {}

/// A file does not match the zone's accepted-files rule (415 Unsupported Media Type).
///
/// Checked before a single byte of the file is stored, with Dropzone.js's own `isValidFile`
/// rule: `.ext` against the end of the file name (ignoring case), `type/*` against the top-level
/// type of the part's `Content-Type`, `type/subtype` against the whole type. The body is the
/// zone's `invalid_file_type` message.
#[derive(Debug, Clone)]
pub struct UnsupportedFileType {
    body: String,
}

impl UnsupportedFileType {
    pub(crate) fn new(message: &str) -> Self {
        UnsupportedFileType {
            body: message.to_owned(),
        }
    }
}

leaf_common!(UnsupportedFileType, StatusCode::UNSUPPORTED_MEDIA_TYPE);
impl StdError for UnsupportedFileType {}

/// The request carries no file in the zone's field (400 Bad Request).
///
/// Happens when the multipart body ends without a part named after the zone's `input_name`
/// (or `input_name[N]` with `upload_multiple`), or when every such part is an empty selection
/// (no file name and no bytes, as a form with an empty file input sends).
#[derive(Debug, Clone)]
pub struct MissingFile {
    body: String,
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

leaf_common!(MissingFile, StatusCode::BAD_REQUEST);
impl StdError for MissingFile {}

/// The body is not a well-formed `multipart/form-data` body (400 Bad Request).
///
/// Happens when the `Content-Type` is not `multipart/form-data` or has no boundary, when the
/// body is cut short or its part headers are broken, when the client goes away mid-body, or when
/// a text field is not UTF-8. The source, when there is one, is the parser's error.
#[derive(Debug)]
pub struct MalformedMultipart {
    body: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl MalformedMultipart {
    pub(crate) fn new(detail: impl fmt::Display) -> Self {
        MalformedMultipart {
            body: format!("Malformed upload: {detail}."),
            source: None,
        }
    }

    pub(crate) fn from_multer(error: multer::Error) -> Self {
        MalformedMultipart {
            body: format!("Malformed upload: {error}."),
            source: Some(Box::new(error)),
        }
    }
}

leaf_common!(MalformedMultipart, StatusCode::BAD_REQUEST);
impl StdError for MalformedMultipart {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// More files than one request may carry (400 Bad Request).
///
/// A request carries one file, or with `upload_multiple` at most `parallel_uploads` (and never
/// more than `max_files`). In single mode a second file part refuses the request; in batch mode
/// each extra part is refused on its own. The body is the zone's `max_file_exceed` message with
/// `{{maxFiles}}` filled in.
#[derive(Debug, Clone)]
pub struct TooManyFiles {
    body: String,
    limit: u32,
}

impl TooManyFiles {
    pub(crate) fn new(template: &str, limit: u32) -> Self {
        TooManyFiles {
            body: template.replace("{{maxFiles}}", &limit.to_string()),
            limit,
        }
    }

    /// The most files one request may carry.
    pub fn limit(&self) -> u32 {
        self.limit
    }
}

leaf_common!(TooManyFiles, StatusCode::BAD_REQUEST);
impl StdError for TooManyFiles {}

/// The whole body is larger than the zone allows (413 Payload Too Large).
///
/// The limit follows the zone: see [`body_limit`](super::body_limit). Happens when the
/// `Content-Length` announces more, as soon as the streamed body passes it, or when an outer
/// layer (such as tower-http's `RequestBodyLimitLayer`) cuts the body off.
#[derive(Debug, Clone)]
pub struct BodyTooLarge {
    body: String,
    limit: u64,
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

leaf_common!(BodyTooLarge, StatusCode::PAYLOAD_TOO_LARGE);
impl StdError for BodyTooLarge {}

/// A text field is larger than [`MAX_FIELD_BYTES`](super::MAX_FIELD_BYTES) (413 Payload Too
/// Large).
#[derive(Debug, Clone)]
pub struct FieldTooLarge {
    body: String,
}

impl FieldTooLarge {
    pub(crate) fn new(name: &str) -> Self {
        FieldTooLarge {
            body: format!(
                "The form field `{}` is larger than {} bytes.",
                name.escape_debug(),
                super::MAX_FIELD_BYTES
            ),
        }
    }
}

leaf_common!(FieldTooLarge, StatusCode::PAYLOAD_TOO_LARGE);
impl StdError for FieldTooLarge {}

/// The body has more than [`MAX_FIELDS`](super::MAX_FIELDS) text fields (400 Bad Request).
#[derive(Debug, Clone)]
pub struct TooManyFields {
    body: String,
}

impl TooManyFields {
    pub(crate) fn new() -> Self {
        TooManyFields {
            body: format!(
                "The upload has more than {} form fields.",
                super::MAX_FIELDS
            ),
        }
    }
}

leaf_common!(TooManyFields, StatusCode::BAD_REQUEST);
impl StdError for TooManyFields {}

/// The upload folder could not take the file (500 Internal Server Error).
///
/// Happens when creating, writing or renaming a file in the [`Storage`](super::Storage) folder
/// fails (disk full, permissions, folder removed and not re-creatable). The body does not reveal
/// the path or the cause; the source is the I/O error.
#[derive(Debug)]
pub struct StorageFailed {
    body: String,
    source: std::io::Error,
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

leaf_common!(StorageFailed, StatusCode::INTERNAL_SERVER_ERROR);
impl StdError for StorageFailed {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// The request's CSRF token was refused (400 Bad Request).
///
/// Only for zones with `enable_csrf`. Checked before any file byte is written: the token comes
/// from the `X-CSRFToken` / `X-CSRF-Token` header, or from a `csrf_token` field that precedes
/// the first file part. The body is Flask-WTF's message for the [`CsrfError`]: "The CSRF token
/// is missing.", "The CSRF session token is missing.", "The CSRF token has expired." or "The
/// CSRF token is invalid.", which Dropzone.js shows on the file.
#[derive(Debug, Clone)]
pub struct CsrfRejected {
    body: String,
    reason: CsrfError,
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

leaf_common!(CsrfRejected, StatusCode::BAD_REQUEST);
impl StdError for CsrfRejected {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.reason)
    }
}

/// The zone has `enable_csrf` but the [`Storage`](super::Storage) has no
/// [`Csrf`](crate::csrf::Csrf) to verify tokens with (500 Internal Server Error).
///
/// A configuration mistake, answered before the body is read and logged at `error` level
/// (through `tracing`), so that a zone that asks for CSRF protection never runs without it.
/// Fix it with `Storage::new(dir).csrf(csrf)`.
#[derive(Debug, Clone)]
pub struct CsrfNotConfigured {
    body: String,
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

leaf_common!(CsrfNotConfigured, StatusCode::INTERNAL_SERVER_ERROR);
impl StdError for CsrfNotConfigured {}

/// The request was sent by another zone than the extractor's (400 Bad Request).
///
/// Every upload of a dropzone-rs page carries the zone's HTML id in the
/// [`X-Dropzone-Zone`](crate::ZONE_HEADER) header. `Upload<Z>` refuses a request whose header
/// names another id than `Z`'s before reading its body: the files were checked in the browser
/// against the other zone's rules, not `Z`'s. A request without the header (curl, scripts,
/// no-JS forms) is accepted. To serve several zones from one route, read the header with
/// [`ZoneId`](super::ZoneId) and pick the zone type from it.
#[derive(Debug, Clone)]
pub struct WrongZone {
    body: String,
    sent_by: String,
}

impl WrongZone {
    pub(crate) fn new(sent_by: &str, expected: &str) -> Self {
        WrongZone {
            body: format!(
                "This upload was sent by zone `{}`, not `{}`.",
                sent_by.escape_debug(),
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

leaf_common!(WrongZone, StatusCode::BAD_REQUEST);
impl StdError for WrongZone {}

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

impl From<BatchRefused> for UploadRejection {
    fn from(rejection: BatchRefused) -> Self {
        UploadRejection::BatchRefused(rejection)
    }
}

/// Every way [`Upload`](super::Upload) can refuse a request or a file.
///
/// Answers with the leaf's status and its body: plain text, except [`BatchRefused`]'s JSON.
/// New variants may be added in any release.
#[derive(Debug)]
#[non_exhaustive]
pub enum UploadRejection {
    /// See [`FileTooLarge`].
    FileTooLarge(FileTooLarge),
    /// See [`UnsupportedFileType`].
    UnsupportedFileType(UnsupportedFileType),
    /// See [`MissingFile`].
    MissingFile(MissingFile),
    /// See [`MalformedMultipart`].
    MalformedMultipart(MalformedMultipart),
    /// See [`TooManyFiles`].
    TooManyFiles(TooManyFiles),
    /// See [`BodyTooLarge`].
    BodyTooLarge(BodyTooLarge),
    /// See [`FieldTooLarge`].
    FieldTooLarge(FieldTooLarge),
    /// See [`TooManyFields`].
    TooManyFields(TooManyFields),
    /// See [`StorageFailed`].
    StorageFailed(StorageFailed),
    /// See [`ChunkReceived`]: **200 OK**, the answer to every chunk but the file's last.
    ChunkReceived(ChunkReceived),
    /// See [`InvalidChunk`].
    InvalidChunk(InvalidChunk),
    /// See [`ChunkUploadGone`].
    ChunkUploadGone(ChunkUploadGone),
    /// See [`TooManyPendingUploads`].
    TooManyPendingUploads(TooManyPendingUploads),
    /// See [`WrongZone`].
    WrongZone(WrongZone),
    /// See [`BatchRefused`].
    BatchRefused(BatchRefused),
    /// See [`CsrfRejected`].
    CsrfRejected(CsrfRejected),
    /// See [`CsrfNotConfigured`].
    CsrfNotConfigured(CsrfNotConfigured),
}

macro_rules! each_leaf {
    ($self:expr, $leaf:ident => $e:expr) => {
        match $self {
            UploadRejection::FileTooLarge($leaf) => $e,
            UploadRejection::UnsupportedFileType($leaf) => $e,
            UploadRejection::MissingFile($leaf) => $e,
            UploadRejection::MalformedMultipart($leaf) => $e,
            UploadRejection::TooManyFiles($leaf) => $e,
            UploadRejection::BodyTooLarge($leaf) => $e,
            UploadRejection::FieldTooLarge($leaf) => $e,
            UploadRejection::TooManyFields($leaf) => $e,
            UploadRejection::StorageFailed($leaf) => $e,
            UploadRejection::ChunkReceived($leaf) => $e,
            UploadRejection::InvalidChunk($leaf) => $e,
            UploadRejection::ChunkUploadGone($leaf) => $e,
            UploadRejection::TooManyPendingUploads($leaf) => $e,
            UploadRejection::WrongZone($leaf) => $e,
            UploadRejection::BatchRefused($leaf) => $e,
            UploadRejection::CsrfRejected($leaf) => $e,
            UploadRejection::CsrfNotConfigured($leaf) => $e,
        }
    };
}

impl UploadRejection {
    /// Whether this is not a refusal but the acknowledgement of one chunk of a chunked upload
    /// ([`ChunkReceived`], 200 OK): pass it on as the response.
    pub fn is_chunk_ack(&self) -> bool {
        matches!(self, UploadRejection::ChunkReceived(_))
    }

    /// The HTTP status this rejection answers with.
    pub fn status(&self) -> StatusCode {
        each_leaf!(self, r => r.status())
    }

    /// The body this rejection answers with: plain text, or JSON for [`BatchRefused`].
    pub fn body_text(&self) -> String {
        each_leaf!(self, r => r.body_text())
    }
}

impl fmt::Display for UploadRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        each_leaf!(self, r => fmt::Display::fmt(r, f))
    }
}

impl StdError for UploadRejection {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        each_leaf!(self, r => r.source())
    }
}

macro_rules! from_leaf {
    ($($name:ident),*) => {$(
        impl From<$name> for UploadRejection {
            fn from(rejection: $name) -> Self {
                UploadRejection::$name(rejection)
            }
        }
    )*};
}

from_leaf!(
    ChunkReceived,
    InvalidChunk,
    ChunkUploadGone,
    TooManyPendingUploads
);

impl IntoResponse for UploadRejection {
    fn into_response(self) -> Response {
        each_leaf!(self, r => r.into_response())
    }
}

/// Formats a number the way JavaScript's `String(n)` does for the values a size can take:
/// `3`, not `3.0`; `0.5`; `1.25`.
fn format_js_number(n: f64) -> String {
    // Rust's shortest round-trip `Display` agrees with JavaScript for these finite values.
    format!("{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DZ_TOO_BIG: &str = "File is too big ({{filesize}}MiB). Max filesize: {{maxFilesize}}MiB.";

    #[test]
    fn file_too_big_fills_both_placeholders() {
        let r = FileTooLarge::new(DZ_TOO_BIG, 3.0, 3 << 20, None);
        assert_eq!(
            r.body_text(),
            "File is too big (more than 3MiB). Max filesize: 3MiB."
        );
        let r = FileTooLarge::new(DZ_TOO_BIG, 0.5, 1 << 19, Some(5 * 1048576 + 300_000));
        assert_eq!(
            r.body_text(),
            "File is too big (5.29MiB). Max filesize: 0.5MiB."
        );
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn responses_are_plain_text() {
        let r: UploadRejection = UnsupportedFileType::new("nope").into();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let resp = r.into_response();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(resp.headers()[CONTENT_TYPE], TEXT_PLAIN);
    }

    #[test]
    fn max_files_placeholder() {
        let r = TooManyFiles::new("No more than {{maxFiles}} files.", 2);
        assert_eq!(r.to_string(), "No more than 2 files.");
        assert_eq!(r.limit(), 2);
    }

    #[test]
    fn storage_failure_hides_the_cause_but_keeps_the_source() {
        let r = StorageFailed::new(std::io::Error::other("/secret/path: disk full"));
        assert!(!r.body_text().contains("secret"));
        assert!(r.source().is_some());
    }
}
