//! The `Upload<Z>` extractor.

use super::accept::is_valid_file;
use super::chunk;
use super::csrf_check::CsrfGate;
use super::filename::{secure_filename, stored_extension};
use super::framing::{self, FramingGuard};
use super::rejection::{
    BatchRefused, BodyTooLarge, FieldTooLarge, FileTooLarge, MalformedMultipart, MissingFile,
    StorageFailed, TooManyFields, TooManyFiles, UnsupportedFileType, UploadRejection, WrongZone,
};
use super::report::UploadReport;
use super::requires::{UploadState, ZoneState};
use super::sniff;
use super::storage::{PartFile, ReceivedPart, Storage};
use super::{MAX_FIELD_BYTES, MAX_FIELDS, body_limit, files_per_request, max_file_bytes};
use crate::config::DropzoneConfig;
use crate::options::Options;
use crate::render::ZONE_HEADER;
use axum::extract::{FromRequest, Request};
use futures_util::Stream;
use http::HeaderMap;
use http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// Extractor that streams a Dropzone.js upload to [`Storage`], checked against zone `Z`.
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
/// handler. The router's state must provide a [`Storage`] (`Storage: FromRef<S>`, see
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
/// A file is stored as `<uuid v4>` plus the lowercase extension of its original name when that
/// is 1 to 16 characters of `[a-z0-9]` (`photo.JPG` → `…-….jpg`), with mode `0644` on unix,
/// and never replaces an existing file. The client's file name is kept only as metadata,
/// sanitised with [`secure_filename`](super::secure_filename), in
/// [`SavedFile::original_name`].
///
/// # Rejections
///
/// [`UploadRejection`], answered as `text/plain; charset=utf-8`, which Dropzone.js shows on the
/// file:
///
/// | leaf | status | when |
/// |---|---|---|
/// | [`FileTooLarge`](super::rejection::FileTooLarge) | 413 | a file passes `max_file_size` (zone's `file_too_big` message) |
/// | [`UnsupportedFileType`](super::rejection::UnsupportedFileType) | 415 | a file fails the accepted-files rule (zone's `invalid_file_type`) |
/// | [`TooManyFiles`](super::rejection::TooManyFiles) | 400 | more files than one request may carry (zone's `max_file_exceed`) |
/// | [`MissingFile`](super::rejection::MissingFile) | 400 | no file part at all |
/// | [`MalformedMultipart`](super::rejection::MalformedMultipart) | 400 | not multipart, no boundary, broken or truncated body, client gone |
/// | [`BodyTooLarge`](super::rejection::BodyTooLarge) | 413 | the body passes [`Upload::BODY_LIMIT`] |
/// | [`FieldTooLarge`](super::rejection::FieldTooLarge) | 413 | a text field passes 64 KiB |
/// | [`TooManyFields`](super::rejection::TooManyFields) | 400 | more than 64 text fields |
/// | [`StorageFailed`](super::rejection::StorageFailed) | 500 | the upload folder could not take the file |
/// | [`CsrfRejected`](super::rejection::CsrfRejected) | 400 | `enable_csrf` and no valid token before the first file part (Flask-WTF's message) |
/// | [`CsrfNotConfigured`](super::rejection::CsrfNotConfigured) | 500 | `enable_csrf` but no [`Csrf`](crate::csrf::Csrf) on the [`Storage`] |
/// | [`WrongZone`](super::rejection::WrongZone) | 400 | the `X-Dropzone-Zone` header names another zone |
/// | [`BatchRefused`](super::rejection::BatchRefused) | first refusal's | every file of a batch was refused; JSON, see [`UploadReport`](super::UploadReport) |
/// | [`InvalidChunk`](super::rejection::InvalidChunk) | 400 | a chunk's `dz*` fields or length disagree |
/// | [`ChunkUploadGone`](super::rejection::ChunkUploadGone) | 410 | a chunk of an expired or failed chunked upload |
/// | [`ChunkReceived`](super::rejection::ChunkReceived) | **200** | a chunk stored, its file not complete yet (not an error) |
///
/// # Chunked uploads
///
/// When the zone has `chunking` and the request's text fields (which Dropzone.js sends before
/// the file part) include `dzuuid`, the request is one chunk of a file: it is checked and
/// written at its offset in `.chunks/<dzuuid>.part` in the upload folder. Every chunk but the
/// one that completes the file is answered with [`ChunkReceived`](super::rejection::ChunkReceived)
/// (200) and never reaches the handler; the completing request renames the whole file to its
/// random name and runs the handler once, with [`Upload::file`] as for a single upload
/// (`content_type` is what the chunk claimed, `application/octet-stream` from browsers). Files
/// up to one chunk come without `dz*` fields and are single uploads on the same route. See
/// `Storage::chunk_expiry` for abandoned uploads.
pub struct Upload<Z> {
    outcomes: Vec<FileOutcome>,
    fields: Vec<(String, String)>,
    zone: PhantomData<fn() -> Z>,
}

impl<Z> fmt::Debug for Upload<Z> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("outcomes", &self.outcomes)
            .field("fields", &self.fields)
            .finish()
    }
}

/// A file the extractor stored.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SavedFile {
    /// Where it is now: the upload folder joined with [`SavedFile::stored_name`].
    pub path: PathBuf,
    /// Its random name in the folder: `<uuid v4>` or `<uuid v4>.<ext>`.
    pub stored_name: String,
    /// The client's file name through [`secure_filename`](super::secure_filename): safe to show,
    /// never a path; may be empty.
    pub original_name: String,
    /// Its size in bytes.
    pub size: u64,
    /// The part's `Content-Type` as the client claimed it, if any (not sniffed).
    pub content_type: Option<String>,
    /// The multipart field it came in, e.g. `file` or `file[1]`.
    pub field: String,
}

/// A file the extractor refused in a batch (`upload_multiple`); nothing of it was stored.
#[derive(Debug)]
#[non_exhaustive]
pub struct RefusedFile {
    /// The multipart field it came in, e.g. `file[1]`.
    pub field: String,
    /// The client's file name through [`secure_filename`](super::secure_filename).
    pub original_name: String,
    /// Why it was refused; its body text is the message to show for this file.
    pub reason: UploadRejection,
}

/// What happened to one file part of the request, in the order the parts came.
#[derive(Debug)]
pub enum FileOutcome {
    /// Stored in the upload folder.
    Saved(SavedFile),
    /// Refused; only happens in batch mode (in single mode a refusal rejects the request).
    Refused(RefusedFile),
}

impl FileOutcome {
    /// The stored file, if this one was stored.
    pub fn saved(&self) -> Option<&SavedFile> {
        match self {
            FileOutcome::Saved(file) => Some(file),
            FileOutcome::Refused(_) => None,
        }
    }

    /// The refusal, if this one was refused.
    pub fn refused(&self) -> Option<&RefusedFile> {
        match self {
            FileOutcome::Saved(_) => None,
            FileOutcome::Refused(file) => Some(file),
        }
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
    /// reason (see [`UploadReport`]). Return it from the handler of a batched
    /// (`upload_multiple`) zone so that Dropzone.js marks each file on its own.
    pub fn report(&self) -> UploadReport {
        UploadReport::from_outcomes(&self.outcomes)
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
    type Rejection = UploadRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_zone(req.headers(), Z::OPTIONS.id())?;
        let storage = state.storage();
        let (outcomes, fields) = receive(req, &storage, Z::OPTIONS).await?;
        Ok(Upload {
            outcomes,
            fields,
            zone: PhantomData,
        })
    }
}

/// Refuses a request whose zone header names another zone; no header is fine.
fn check_zone(headers: &HeaderMap, expected: &str) -> Result<(), UploadRejection> {
    match headers.get(ZONE_HEADER) {
        Some(value) if value.as_bytes() != expected.as_bytes() => {
            Err(WrongZone::new(&String::from_utf8_lossy(value.as_bytes()), expected).into())
        }
        _ => Ok(()),
    }
}

/// A file part received into a `.part-*` file, not yet renamed.
struct Pending {
    part: ReceivedPart,
    extension: Option<String>,
    original_name: String,
    content_type: Option<String>,
    field: String,
}

enum Slot {
    Pending(Pending),
    Refused(RefusedFile),
}

/// Hands multer one body chunk per poll.
///
/// multer reads its stream until it is `Pending`, so a body that is always ready (in memory,
/// behind a buffering proxy or layer) would be pulled into memory whole, up to the body limit,
/// before the first file byte reaches disk. Returning `Pending` (after waking the task) once
/// per chunk keeps memory at about one chunk plus the write buffers, whatever the body.
struct OneChunkPerPoll<S> {
    inner: S,
    yielded: bool,
}

impl<S: Stream + Unpin> Stream for OneChunkPerPoll<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.yielded {
            self.yielded = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let item = ready!(Pin::new(&mut self.inner).poll_next(cx));
        self.yielded = item.is_some();
        Poll::Ready(item)
    }
}

/// How one file part ended.
enum PartEnd {
    Received(ReceivedPart),
    /// Passed the size limit; `Some(total)` when the rest was read to learn the full size.
    TooLarge(Option<u64>),
}

async fn receive(
    req: Request,
    storage: &Storage,
    options: &'static Options,
) -> Result<(Vec<FileOutcome>, Vec<(String, String)>), UploadRejection> {
    let mut csrf = CsrfGate::new(options, storage, req.headers())?;
    let limit = body_limit(options);
    let boundary = boundary(req.headers())?;
    if content_length(req.headers()).is_some_and(|len| len > limit) {
        return Err(BodyTooLarge::new(limit).into());
    }
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit));
    let stream = OneChunkPerPoll {
        inner: FramingGuard::new(req.into_body().into_data_stream(), &boundary),
        yielded: false,
    };
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);

    let multiple = options.upload_multiple();
    let per_request = files_per_request(options);
    let file_limit = max_file_bytes(options);
    let multer_err = |e| multer_rejection(e, limit);

    let mut slots: Vec<Slot> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file_parts: u32 = 0;
    let mut chunk_part = None;

    while let Some(mut field) = multipart.next_field().await.map_err(multer_err)? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = file_name_of(&field);
        if file_name.is_some() || is_zone_field(&name, options) {
            csrf.require_open()?; // no file byte is read before the token is verified
        }

        if !is_zone_field(&name, options) {
            if file_name.is_some() {
                // A file under another name: not this zone's; skipped unread (multer discards
                // it, still within the body limit).
                continue;
            }
            if fields.len() >= MAX_FIELDS {
                return Err(TooManyFields::new().into());
            }
            let value = read_text(&mut field, &name, limit).await?;
            if csrf.wants_field(&name) {
                csrf.offer_field(&value)?;
            }
            fields.push((name, value));
            continue;
        }

        let file_name = file_name.unwrap_or_default();
        let first = first_chunk(&mut field).await.map_err(multer_err)?;
        if file_name.is_empty() && first.is_none() {
            // An empty file input of a plain form: nothing was chosen.
            continue;
        }
        let original_name = secure_filename(&file_name);
        let content_type = field.content_type().map(|m| m.essence_str().to_owned());

        // A refusal ends the request in single mode; in a batch it is this file's outcome
        // and the rest of its part is skipped (multer discards it on the next part).
        let refuse = |reason: UploadRejection, slots: &mut Vec<Slot>| {
            if multiple {
                slots.push(Slot::Refused(RefusedFile {
                    field: name.clone(),
                    original_name: original_name.clone(),
                    reason,
                }));
                Ok(())
            } else {
                Err(reason)
            }
        };

        file_parts += 1;
        if file_parts > per_request {
            refuse(
                TooManyFiles::new(options.messages().max_file_exceed(), per_request).into(),
                &mut slots,
            )?;
            continue;
        }
        if chunk::is_chunk_request(options, &fields) {
            // One chunk of a chunked upload (its `dz*` fields came first): see `chunk.rs`.
            let part = chunk::receive_chunk(
                &mut field, first, &fields, file_name, storage, options, limit,
            );
            chunk_part = Some(part.await?);
            continue;
        }
        let claimed_type = content_type.as_deref().unwrap_or("");
        let rules = options.accepted_files().rules;
        if !is_valid_file(rules, &file_name, claimed_type) {
            refuse(
                UnsupportedFileType::new(options.messages().invalid_file_type()).into(),
                &mut slots,
            )?;
            continue;
        }

        // The head is sniffed before anything of the file is stored (see sniff.rs).
        let first = sniff::read_head(&mut field, first)
            .await
            .map_err(multer_err)?;
        if !sniff::content_agrees(rules, &file_name, claimed_type, first.as_deref()) {
            let message = options.messages().invalid_file_type();
            refuse(UnsupportedFileType::new(message).into(), &mut slots)?;
            continue;
        }

        let end = receive_part(&mut field, first, storage, file_limit, multiple, limit).await?;
        match end {
            PartEnd::Received(part) => slots.push(Slot::Pending(Pending {
                part,
                extension: stored_extension(&file_name),
                original_name,
                content_type,
                field: name,
            })),
            PartEnd::TooLarge(size) => {
                let reason = FileTooLarge::new(
                    options.messages().file_too_big(),
                    options.max_file_size(),
                    file_limit,
                    size,
                );
                refuse(reason.into(), &mut slots)?;
            }
        }
    }

    csrf.require_open()?;
    if let Some(part) = chunk_part {
        // Every chunk but the file's last ends here with a 200 acknowledgement.
        let done = chunk::complete(part, storage, options).await?;
        slots.push(Slot::Pending(Pending {
            part: done.part,
            extension: stored_extension(&done.file_name),
            original_name: secure_filename(&done.file_name),
            content_type: done.content_type,
            field: done.field,
        }));
    }
    finish(slots, fields, storage, options).await
}

/// Turns the received parts into stored files, or the request's rejection.
async fn finish(
    slots: Vec<Slot>,
    fields: Vec<(String, String)>,
    storage: &Storage,
    options: &Options,
) -> Result<(Vec<FileOutcome>, Vec<(String, String)>), UploadRejection> {
    if slots.is_empty() {
        return Err(MissingFile::new(options.input_name(), options.upload_multiple()).into());
    }
    if !slots.iter().any(|s| matches!(s, Slot::Pending(_))) {
        // Every file of the batch was refused (single mode returned at its refusal): answer
        // each file's reason as JSON, never a 2xx.
        let refused: Vec<RefusedFile> = slots
            .into_iter()
            .filter_map(|s| match s {
                Slot::Refused(r) => Some(r),
                Slot::Pending(_) => None,
            })
            .collect();
        return Err(BatchRefused::new(refused).into());
    }

    let mut to_persist = Vec::new();
    let mut outcomes: Vec<Option<FileOutcome>> = Vec::with_capacity(slots.len());
    let mut metas = Vec::new();
    for slot in slots {
        match slot {
            Slot::Pending(p) => {
                to_persist.push((p.part, p.extension));
                metas.push((outcomes.len(), p.original_name, p.content_type, p.field));
                outcomes.push(None);
            }
            Slot::Refused(r) => outcomes.push(Some(FileOutcome::Refused(r))),
        }
    }
    let sizes: Vec<u64> = to_persist.iter().map(|(p, _)| p.size).collect();
    let stored = storage
        .persist_all(to_persist)
        .await
        .map_err(StorageFailed::new)?;
    for (((index, original_name, content_type, field), (path, stored_name)), size) in
        metas.into_iter().zip(stored).zip(sizes)
    {
        outcomes[index] = Some(FileOutcome::Saved(SavedFile {
            path,
            stored_name,
            original_name,
            size,
            content_type,
            field,
        }));
    }
    Ok((outcomes.into_iter().flatten().collect(), fields))
}

/// Streams one file part into a `.part-*` file, stopping at `file_limit` bytes.
///
/// When the part passes the limit, its part file is deleted at once. In a batch (`drain`) the
/// rest of the part is then read, without storing it, to learn its full size and reach the
/// next part; in single mode reading stops there.
async fn receive_part(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    storage: &Storage,
    file_limit: u64,
    drain: bool,
    body_limit: u64,
) -> Result<PartEnd, UploadRejection> {
    let multer_err = |e| multer_rejection(e, body_limit);
    let mut part: PartFile = storage.create_part().await.map_err(StorageFailed::new)?;
    let mut next = first;
    while let Some(chunk) = next {
        if part.size() + chunk.len() as u64 > file_limit {
            let mut seen = part.size() + chunk.len() as u64;
            drop(part);
            if !drain {
                return Ok(PartEnd::TooLarge(None));
            }
            while let Some(chunk) = field.chunk().await.map_err(multer_err)? {
                seen += chunk.len() as u64;
            }
            return Ok(PartEnd::TooLarge(Some(seen)));
        }
        part.write(&chunk).await.map_err(StorageFailed::new)?;
        next = field.chunk().await.map_err(multer_err)?;
    }
    let received = part.finish().await.map_err(StorageFailed::new)?;
    Ok(PartEnd::Received(received))
}

/// The first non-empty chunk of a part, or `None` for an empty part.
async fn first_chunk(field: &mut multer::Field<'static>) -> multer::Result<Option<bytes::Bytes>> {
    while let Some(chunk) = field.chunk().await? {
        if !chunk.is_empty() {
            return Ok(Some(chunk));
        }
    }
    Ok(None)
}

/// Reads a text field, at most [`MAX_FIELD_BYTES`], as UTF-8.
async fn read_text(
    field: &mut multer::Field<'static>,
    name: &str,
    body_limit: u64,
) -> Result<String, UploadRejection> {
    let mut value = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multer_rejection(e, body_limit))?
    {
        if value.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(FieldTooLarge::new(name).into());
        }
        value.extend_from_slice(&chunk);
    }
    String::from_utf8(value).map_err(|_| {
        MalformedMultipart::new(format_args!(
            "the form field `{}` is not UTF-8",
            name.escape_debug()
        ))
        .into()
    })
}

/// Whether a part name is one the zone takes files from: `input_name`, and with
/// `upload_multiple` also `input_name[N]`.
fn is_zone_field(name: &str, options: &Options) -> bool {
    let Some(rest) = name.strip_prefix(options.input_name()) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    options.upload_multiple()
        && rest
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The part's file name. multer drops a `filename` that is not UTF-8; such a name is recovered
/// here lossily (it only feeds the type check, the extension and the sanitised metadata).
fn file_name_of(field: &multer::Field<'_>) -> Option<String> {
    if let Some(name) = field.file_name() {
        return Some(name.to_owned());
    }
    let header = field.headers().get(CONTENT_DISPOSITION)?.as_bytes();
    raw_file_name(header)
}

fn raw_file_name(header: &[u8]) -> Option<String> {
    let mut from = 0;
    while let Some(pos) = find(&header[from..], b"filename") {
        let start = from + pos;
        let after = &header[start + b"filename".len()..];
        let preceded_ok = start == 0 || matches!(header[start - 1], b' ' | b'\t' | b';');
        let after = after.trim_ascii_start();
        if preceded_ok && let Some(value) = after.strip_prefix(b"=") {
            let value = value.trim_ascii_start();
            let raw = match value.strip_prefix(b"\"") {
                Some(quoted) => &quoted[..find(quoted, b"\"").unwrap_or(quoted.len())],
                None => {
                    let end = value
                        .iter()
                        .position(|&b| b == b';' || b == b' ')
                        .unwrap_or(value.len());
                    &value[..end]
                }
            };
            return Some(String::from_utf8_lossy(raw).into_owned());
        }
        from = start + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn boundary(headers: &HeaderMap) -> Result<String, UploadRejection> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .ok_or_else(|| {
            MalformedMultipart::new("expected a multipart/form-data body, got no Content-Type")
        })?
        .to_str()
        .map_err(|_| MalformedMultipart::new("the Content-Type header is not readable"))?;
    multer::parse_boundary(content_type).map_err(|e| MalformedMultipart::from_multer(e).into())
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

pub(super) fn multer_rejection(error: multer::Error, limit: u64) -> UploadRejection {
    if let Some(rejection) = framing::rejection_for(&error) {
        return rejection;
    }
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            BodyTooLarge::new(limit).into()
        }
        multer::Error::StreamReadFailed(ref source) if is_length_limit(source.as_ref()) => {
            BodyTooLarge::new(limit).into()
        }
        other => MalformedMultipart::from_multer(other).into(),
    }
}

/// Whether a body error comes from an outer length limit (`http_body_util::Limited`, which
/// tower-http's `RequestBodyLimitLayer` and axum's `DefaultBodyLimit` use).
fn is_length_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_file_names_survive_bad_utf8() {
        assert_eq!(
            raw_file_name(b"form-data; name=\"file\"; filename=\"a\xffb.png\"").as_deref(),
            Some("a\u{fffd}b.png")
        );
        assert_eq!(
            raw_file_name(b"form-data; name=\"file\"; filename=x.png").as_deref(),
            Some("x.png")
        );
        assert_eq!(raw_file_name(b"form-data; name=\"myfilename\""), None);
    }
}
