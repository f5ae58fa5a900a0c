//! The `Upload<Z>` extractor.

use super::limits::body_limit;
use super::outcome::{FileOutcome, RefusedFile, SavedFile};
use super::receive::receive;
use super::report::UploadReport;
use super::requires::{UploadState, ZoneState};
use super::response::UploadResponse;
use super::trace;
use crate::config::DropzoneConfig;
use crate::files::RemoveKey;
use crate::options::Options;
use axum::extract::{FromRequest, Request};
use std::fmt;
use std::marker::PhantomData;

/// Extractor that streams a Dropzone.js upload to [`Storage`](super::Storage), checked against zone `Z`.
///
/// It reads the `multipart/form-data` body part by part and never holds a whole file in
/// memory: each file is written in large blocks to a `.part-*` file in the upload folder,
/// refused as soon as it passes the zone's `max_file_size` or if it does not match the zone's
/// accepted-files rule (checked before its first byte is stored), and renamed to
/// `<uuid v4>.<ext>` only once the whole body has arrived. Text fields sent with the files
/// (in-form zones, CSRF tokens, Dropzone's `params`) are collected too.
///
/// ⚠️ **The body limit follows the zone**, not axum's `DefaultBodyLimit` (which this extractor
/// does not read): `files_per_request × max_file_size MiB + 1 MiB` (see
/// [`body_limit`](super::body_limit) and [`Upload::BODY_LIMIT`]). An outer
/// `RequestBodyLimitLayer` still applies and is answered with 413.
///
/// ⚠️ Since this extractor consumes the request body, it must be the last extractor of the
/// handler. The router's state must provide a [`Storage`](super::Storage) (`Storage: FromRef<S>`, see
/// [`UploadState`]), and a [`Csrf`](crate::csrf::Csrf) for a zone with `enable_csrf` (see
/// [`ZoneState`]); both are checked while compiling. Wrap the handler in
/// `#[axum::debug_handler]` to see which, and to be told when `Upload` is not the last
/// argument (it reads the body).
///
/// ⚠️ Nothing half-written is ever left behind: if the body is refused, malformed, cut short,
/// or the request is abandoned (client gone, handler future dropped), every `.part-*` file of
/// the request is deleted and no file is stored.
///
/// # Example
///
/// ```rust,no_run
/// use axum::{Router, routing::post};
/// use dropzone_runtime::DropzoneConfig;
/// use dropzone_runtime::upload::{Storage, Upload};
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/upload", max_file_size = 3, allowed_file_type = "image")]
/// struct Photos;
///
/// async fn upload(upload: Upload<Photos>) -> String {
///     let file = upload.file();
///     format!("stored {} as {}", file.original_name, file.stored_name)
/// }
///
/// let app: Router = Router::new()
///     .route("/upload", post(upload))
///     .with_state(Storage::new("uploads"));
/// # let _ = app;
/// ```
///
/// # One file or a batch
///
/// Without `upload_multiple`, the request must carry exactly one file in the part named after
/// the zone's `input_name` (`file` by default); any refusal is the request's answer, and
/// [`Upload::file`] is that file.
///
/// With `upload_multiple`, Dropzone.js sends up to `parallel_uploads` files per request as
/// `file[0]`, `file[1]`, … (a plain `file` is accepted too). Each is checked on its own and the
/// handler gets one [`FileOutcome`] per file in [`Upload::outcomes`]: a refused file does not
/// sink the others. Parts beyond `min(parallel_uploads, max_files)` are refused with
/// [`TooManyFiles`](super::rejection::TooManyFiles). Dropzone.js applies one response status
/// to the whole batch, so answer [`Upload::report`]: its per-file JSON (see
/// [`UploadReport`](super::UploadReport)) lets the page mark each file as saved or refused
/// with its own reason. If *every* file is refused, the handler is not called: the request is
/// answered with that same JSON shape and the first refusal's status
/// ([`BatchRefused`](super::rejection::BatchRefused)), so the browser never sees a 2xx for
/// nothing stored. A request that fails as a whole (malformed, over the body limit, wrong
/// zone) is answered in plain text, which Dropzone.js shows on every file of the batch.
///
/// # Which zone sent it
///
/// A dropzone-rs page sends the zone's id in the [`X-Dropzone-Zone`](crate::ZONE_HEADER)
/// header with every upload. A request whose header names another zone than `Z` is refused
/// with [`WrongZone`](super::rejection::WrongZone) (400) before its body is read; a request
/// without the header (curl, scripts, plain forms) is accepted. Several zones can share one
/// route by reading [`ZoneId`](super::ZoneId) first.
///
/// Parts named after the zone with no file name and no bytes (an empty file input of a
/// no-JS form) are ignored. File parts under other names are skipped unread.
///
/// # Stored files
///
/// A file is stored as `<uuid v4>` plus an extension taken from what its content was
/// recognised as, or from the rule that accepted it, never from the client's name alone (PNG
/// bytes named `x.html` are stored as `…-….png`; the client's spelling is kept when it names
/// the same kind, `photo.JPG` → `…-….jpg`), with mode `0644` on unix, and never replaces an
/// existing file. Content is checked against the zone's rule before anything is stored: see
/// `SECURITY.md` ("Content sniffing and stored names"). The client's file name is kept only as metadata,
/// sanitised with [`secure_filename`](super::secure_filename), in
/// [`SavedFile::original_name`].
///
/// # Rejections
///
/// The extractor's `Rejection` is [`UploadResponse`](super::UploadResponse): either
/// [`ChunkReceived`](super::ChunkReceived) (200, see below) or an
/// [`UploadRejection`](super::UploadRejection), answered as `text/plain; charset=utf-8`, which
/// Dropzone.js shows on the file:
///
/// | leaf | status | when |
/// |---|---|---|
/// | [`FileTooLarge`](super::rejection::FileTooLarge) | 413 | a file passes `max_file_size` (zone's `file_too_big` message) |
/// | [`UnsupportedFileType`](super::rejection::UnsupportedFileType) | 415 | a file fails the accepted-files rule (zone's `invalid_file_type`) |
/// | [`TooManyFiles`](super::rejection::TooManyFiles) | 400 | more files than one request may carry (zone's `max_file_exceed`) |
/// | [`MissingFile`](super::rejection::MissingFile) | 400 | no file part at all |
/// | [`MalformedMultipart`](super::rejection::MalformedMultipart) | 400 | not multipart, no boundary, broken or truncated body, client gone |
/// | [`BodyTooLarge`](super::rejection::BodyTooLarge) | 413 | the body passes [`Upload::BODY_LIMIT`] (a single-file zone answers [`FileTooLarge`](super::rejection::FileTooLarge) instead) |
/// | [`BodyTimedOut`](super::rejection::BodyTimedOut) | 408 | no byte of the body for [`Storage::body_idle_timeout`](super::Storage::body_idle_timeout) |
/// | [`FieldTooLarge`](super::rejection::FieldTooLarge) | 413 | a text field passes 64 KiB |
/// | [`TooManyFields`](super::rejection::TooManyFields) | 400 | more than 64 text fields |
/// | [`StorageFailed`](super::rejection::StorageFailed) | 500 | the upload folder could not take the file |
/// | [`CsrfRejected`](super::rejection::CsrfRejected) | 400 | `enable_csrf` and no valid token before the first file part (Flask-WTF's message) |
/// | [`CsrfNotConfigured`](super::rejection::CsrfNotConfigured) | 500 | `enable_csrf` but no [`Csrf`](crate::csrf::Csrf) on the [`Storage`](super::Storage) |
/// | [`WrongZone`](super::rejection::WrongZone) | 400 | the `X-Dropzone-Zone` header names another zone |
/// | [`PolicyRefused`](super::PolicyRefused) | the policy's (403, 429, 507 …) | the [`UploadPolicy`](super::UploadPolicy) of the [`Storage`](super::Storage) refused the file (before its first byte is stored, or once complete) |
/// | [`BatchRefused`](super::rejection::BatchRefused) | first refusal's | every file of a batch was refused; JSON, see [`UploadReport`](super::UploadReport) |
/// | [`InvalidChunk`](super::rejection::InvalidChunk) | 400 | a chunk's `dz*` fields or length disagree |
/// | [`TooManyPendingUploads`](super::rejection::TooManyPendingUploads) | 503 | a chunk would pass the bounds on unfinished uploads |
/// | [`ChunkUploadGone`](super::rejection::ChunkUploadGone) | 410 | a chunk of an expired or failed chunked upload |
///
/// Every answer carries `X-Content-Type-Options: nosniff` and never quotes the request's own
/// strings. A refused body is read and dropped before the answer when little of it is left
/// ([`LINGER_BYTES`](super::LINGER_BYTES), [`LINGER_TIME`](super::LINGER_TIME)), so that
/// clients that write the whole body before reading see the answer.
///
/// # Chunked uploads
///
/// When the zone has `chunking` and the request's text fields (which Dropzone.js sends before
/// the file part) include `dzuuid`, the request is one chunk of a file: it is checked and
/// written at its offset in `.chunks/<dzuuid>/data` in the upload folder, whose state is kept
/// next to it (any process sharing the folder takes any chunk; a restart loses nothing). Every chunk but the
/// one that completes the file is answered with [`ChunkReceived`](super::ChunkReceived)
/// (200) and never reaches the handler; the completing request renames the whole file to its
/// random name and runs the handler once, with [`Upload::file`] as for a single upload
/// (`content_type` is what the chunk claimed, `application/octet-stream` from browsers). Files
/// up to one chunk come without `dz*` fields and are single uploads on the same route. See
/// `Storage::chunk_expiry` for abandoned uploads.
///
/// # Resuming after a reload
///
/// dropzone-rs's page script remembers an unfinished chunked file's `dzuuid` (in
/// `localStorage`, keyed by zone, name, size and last-modified time). When the same file is
/// added again, it sends the zone's route a request without a file part whose fields are
/// `dzresume`, `dzuuid`, `dztotalfilesize`, `dzchunksize`, `dztotalchunkcount` and
/// `dzfilename`; the extractor answers it by itself with
/// [`ChunkStatus`](super::ChunkStatus) (200, `{"received":[…]}`), after the same zone and CSRF
/// checks as an upload, and the page sends only the missing chunks. The list is empty unless
/// an unfinished upload matches all of these fields.
pub struct Upload<Z> {
    outcomes: Vec<FileOutcome>,
    fields: Vec<(String, String)>,
    /// Signs the remove ids of [`Upload::report`], bound to `zone_id`.
    remove_key: RemoveKey,
    zone_id: &'static str,
    zone: PhantomData<fn() -> Z>,
}

impl<Z> fmt::Debug for Upload<Z> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("outcomes", &self.outcomes)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl<Z: DropzoneConfig> Upload<Z> {
    /// The whole-body limit of this zone in bytes; see [`body_limit`](super::body_limit).
    pub const BODY_LIMIT: u64 = body_limit(Z::OPTIONS);

    /// The options of the zone this upload was checked against.
    pub fn options() -> &'static Options {
        Z::OPTIONS
    }
}

impl<Z> Upload<Z> {
    /// The stored file: the only one in single mode, the first stored one of a batch.
    ///
    /// An `Upload` always holds at least one stored file: a request where nothing was stored is
    /// rejected before the handler runs.
    pub fn file(&self) -> &SavedFile {
        self.files()
            .next()
            .expect("an Upload always holds at least one saved file")
    }

    /// Every stored file, in the order the parts came.
    pub fn files(&self) -> impl Iterator<Item = &SavedFile> {
        self.outcomes.iter().filter_map(FileOutcome::saved)
    }

    /// Every refused file of a batch, in the order the parts came (always empty in single
    /// mode).
    pub fn refused(&self) -> impl Iterator<Item = &RefusedFile> {
        self.outcomes.iter().filter_map(FileOutcome::refused)
    }

    /// What happened to each file part, in the order the parts came.
    pub fn outcomes(&self) -> &[FileOutcome] {
        &self.outcomes
    }

    /// The per-file JSON answer for the page: one entry per file, saved or refused with its
    /// reason (see [`UploadReport`]), each stored file with the signed id its remove link
    /// sends back ([`Upload::remove_id`]). Return it from the handler of a batched
    /// (`upload_multiple`) zone so that Dropzone.js marks each file on its own, and from any
    /// zone with `add_remove_links` so that removing a file on the page deletes it.
    pub fn report(&self) -> UploadReport {
        UploadReport::from_outcomes(&self.outcomes).with_remove_ids(|name| self.remove_id(name))
    }

    /// The signed, expiring id that lets this zone's page remove the stored file
    /// `stored_name` (see [`crate::files::Remove`]).
    pub fn remove_id(&self, stored_name: &str) -> String {
        self.remove_key.mint(self.zone_id, stored_name)
    }

    /// Consumes the upload, returning each file part's outcome.
    pub fn into_outcomes(self) -> Vec<FileOutcome> {
        self.outcomes
    }

    /// The text fields of the request as `(name, value)`, in order; a name may repeat.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of the first text field called `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S, Z> FromRequest<S> for Upload<Z>
where
    Z: DropzoneConfig + ZoneState<S>,
    S: UploadState + Send + Sync,
{
    type Rejection = UploadResponse;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let storage = state.storage();
        let span = trace::upload_span(&req, Z::OPTIONS.id());
        let received = trace::traced(receive(req, &storage, Z::OPTIONS), span).await?;
        Ok(Upload {
            outcomes: received.outcomes,
            fields: received.fields,
            remove_key: storage.remove_key_value().clone(),
            zone_id: Z::OPTIONS.id(),
            zone: PhantomData,
        })
    }
}
