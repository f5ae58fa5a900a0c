//! Dropzone.js's chunk protocol on the server: the `dz*` fields, their checks, and how a chunk
//! request ends (an acknowledgement, or the finished file for the handler).
//!
//! The protocol (Dropzone.js 5.2+, unchanged in 6.x): each chunk is its own request to the zone's
//! URL, with the text fields `dzuuid`, `dzchunkindex`, `dztotalfilesize`, `dzchunksize` (the
//! configured size, not this chunk's length), `dztotalchunkcount` and `dzchunkbyteoffset` before
//! the file part. Chunks may come out of order and in parallel, a failed chunk is retried with
//! the same index and bytes, and no request says "done": the server finalizes when the last
//! missing chunk is in and answers that request with the final response.

use std::fmt;
use std::path::Path;

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};
use uuid::Uuid;

use super::accept::is_valid_file;
use super::chunk_store::{self, Begin, BeginError, ChunkTicket, ChunkedFile, Finish};
use super::extract::multer_rejection;
use super::max_file_bytes;
use super::rejection::{
    FileTooLarge, StorageFailed, UnsupportedFileType, UploadRejection, leaf_common,
};
use super::sniff;
use super::storage::{ReceivedPart, Storage};
use crate::options::{Chunking, Options};

/// The field that marks a request as one chunk of a chunked upload.
pub(crate) const UUID_FIELD: &str = "dzuuid";

/// Whether a request with these text fields (read before the file part) is a chunk of a chunked
/// upload of this zone. Files up to one chunk come as plain uploads without `dz*` fields.
pub(crate) fn is_chunk_request(options: &Options, fields: &[(String, String)]) -> bool {
    options.chunking().is_some() && fields.iter().any(|(n, _)| n == UUID_FIELD)
}

/// One chunk's `dz*` fields, checked against each other and the zone.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChunkFields {
    uuid: Uuid,
    index: u64,
    total_size: u64,
    count: u64,
    offset: u64,
    /// This chunk's exact length: the chunk size, or what is left for the last one.
    length: u64,
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim())
}

fn number(fields: &[(String, String)], name: &str) -> Result<u64, InvalidChunk> {
    let value = field(fields, name)
        .ok_or_else(|| InvalidChunk::new(format_args!("the field `{name}` is missing")))?;
    value.parse().map_err(|_| {
        InvalidChunk::new(format_args!(
            "`{name}` must be a whole number, got {:?}",
            value.chars().take(40).collect::<String>()
        ))
    })
}

impl ChunkFields {
    fn parse(fields: &[(String, String)], chunking: &Chunking) -> Result<Self, InvalidChunk> {
        let raw = field(fields, UUID_FIELD).unwrap_or("");
        // It names the part file, so only a real UUID will do (any of its spellings; the
        // canonical form is used on disk).
        let uuid = Uuid::parse_str(raw).map_err(|_| {
            InvalidChunk::new(format_args!(
                "`dzuuid` must be a UUID, got {:?}",
                raw.chars().take(40).collect::<String>()
            ))
        })?;
        let index = number(fields, "dzchunkindex")?;
        let total_size = number(fields, "dztotalfilesize")?;
        let chunk_size = number(fields, "dzchunksize")?;
        let count = number(fields, "dztotalchunkcount")?;
        let offset = number(fields, "dzchunkbyteoffset")?;
        if chunk_size != chunking.chunk_size {
            return Err(InvalidChunk::new(format_args!(
                "`dzchunksize` is {chunk_size} but this zone's chunk size is {}",
                chunking.chunk_size
            )));
        }
        // Dropzone.js 6.1+: max(1, ceil(size / chunkSize)); a 0-byte file is one empty chunk.
        let expected_count = total_size.div_ceil(chunk_size).max(1);
        if count != expected_count {
            return Err(InvalidChunk::new(format_args!(
                "`dztotalchunkcount` is {count} but a file of {total_size} bytes in chunks of \
                 {chunk_size} bytes has {expected_count}"
            )));
        }
        if index >= count {
            return Err(InvalidChunk::new(format_args!(
                "`dzchunkindex` is {index} but the file has {count} chunks (0 to {})",
                count - 1
            )));
        }
        if Some(offset) != index.checked_mul(chunk_size) {
            return Err(InvalidChunk::new(format_args!(
                "`dzchunkbyteoffset` is {offset} but chunk {index} starts at {}",
                index.saturating_mul(chunk_size)
            )));
        }
        let length = if index + 1 == count {
            total_size - offset
        } else {
            chunk_size
        };
        Ok(ChunkFields {
            uuid,
            index,
            total_size,
            count,
            offset,
            length,
        })
    }
}

/// A chunk whose bytes were read; what happens next is decided once the whole request was read.
pub(crate) struct ChunkPart {
    kind: PartKind,
    pub(crate) field: String,
    content_type: Option<String>,
    fields: ChunkFields,
    file_name: String,
}

enum PartKind {
    Written(ChunkTicket),
    Duplicate { received: u64, total: u64 },
    Finished,
}

/// The media type a chunk is checked with. Browsers send every chunk as
/// `application/octet-stream` (a `Blob.slice` has no type), so the file's own type is unknown;
/// for that default type a media-type rule is checked against the type the extension implies.
fn effective_type<'a>(file_name: &str, claimed: &'a str) -> &'a str {
    let essence = claimed.split(';').next().unwrap_or("").trim();
    if essence.is_empty() || essence.eq_ignore_ascii_case("application/octet-stream") {
        type_of_extension(file_name).unwrap_or(claimed)
    } else {
        claimed
    }
}

/// The media type of common file extensions (only used for chunks; see [`effective_type`]).
fn type_of_extension(file_name: &str) -> Option<&'static str> {
    let ext = Path::new(file_name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" | "jfif" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "ico" => "image/vnd.microsoft.icon",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "ogg" | "oga" => "audio/ogg",
        "flac" => "audio/flac",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "tar" => "application/x-tar",
        "7z" => "application/x-7z-compressed",
        "json" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        _ => return None,
    })
}

/// Reads one chunk's file part: checks the `dz*` fields, the total size and the type before a
/// byte is stored, then writes the bytes at the chunk's offset of the upload's part file.
pub(crate) async fn receive_chunk(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    fields: &[(String, String)],
    file_name: String,
    storage: &Storage,
    options: &'static Options,
    body_limit: u64,
) -> Result<ChunkPart, UploadRejection> {
    let chunking = options
        .chunking()
        .expect("is_chunk_request checked that the zone chunks");
    let dz = ChunkFields::parse(fields, &chunking)?;
    let file_limit = max_file_bytes(options);
    if dz.total_size > file_limit {
        return Err(FileTooLarge::new(
            options.messages().file_too_big(),
            options.max_file_size(),
            file_limit,
            Some(dz.total_size),
        )
        .into());
    }
    let content_type = field.content_type().map(|m| m.essence_str().to_owned());
    let claimed = content_type.as_deref().unwrap_or("");
    if !is_valid_file(
        options.accepted_files().rules,
        &file_name,
        effective_type(&file_name, claimed),
    ) {
        return Err(UnsupportedFileType::new(options.messages().invalid_file_type()).into());
    }

    let index = storage.chunk_index().clone();
    let (dir, expiry) = (storage.dir().to_owned(), storage.chunk_expiry_value());
    let max_pending = storage.max_pending_chunked_uploads_value();
    let meta = ChunkedFile {
        total_size: dz.total_size,
        chunk_count: dz.count,
        file_name: file_name.clone(),
    };
    let (uuid, chunk) = (dz.uuid, dz.index);
    let begin =
        chunk_store::blocking(move || index.begin(&dir, expiry, max_pending, uuid, meta, chunk))
            .await
            .map_err(StorageFailed::new)?;
    let kind = match begin {
        Ok(Begin::Write(ticket)) => {
            let mut writer = ticket.writer(dz.offset);
            let written =
                copy_chunk(field, first, dz.length, body_limit, Some(&mut writer)).await?;
            check_length(&dz, written)?;
            match writer.finish().await {
                Ok(()) => PartKind::Written(ticket),
                Err(e) if chunk_store::is_closed(&e) => PartKind::Finished,
                Err(e) => return Err(StorageFailed::new(e).into()),
            }
        }
        Ok(Begin::Duplicate { received, total }) => {
            let read = copy_chunk(field, first, dz.length, body_limit, None).await?;
            check_length(&dz, read)?;
            PartKind::Duplicate { received, total }
        }
        Ok(Begin::Finished) => PartKind::Finished,
        Err(BeginError::Gone) => return Err(ChunkUploadGone::new().into()),
        Err(BeginError::Mismatch(detail)) => return Err(InvalidChunk::new(detail).into()),
        Err(BeginError::Busy) => return Err(TooManyPendingUploads::new().into()),
        Err(BeginError::Io(e)) => return Err(StorageFailed::new(e).into()),
    };
    Ok(ChunkPart {
        kind,
        field: field.name().unwrap_or("").to_owned(),
        content_type,
        fields: dz,
        file_name,
    })
}

/// Streams the part's bytes to `writer` (or drops them), refusing more than `length` of them as
/// soon as they come. Returns how many came.
async fn copy_chunk(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    length: u64,
    body_limit: u64,
    mut writer: Option<&mut chunk_store::ChunkWriter>,
) -> Result<u64, UploadRejection> {
    let mut seen = 0u64;
    let mut next = first;
    while let Some(data) = next {
        seen += data.len() as u64;
        if seen > length {
            return Err(InvalidChunk::new(format_args!(
                "the chunk has more than the {length} bytes its `dz*` fields announce"
            ))
            .into());
        }
        if let Some(writer) = writer.as_deref_mut() {
            writer.write(&data).await.map_err(StorageFailed::new)?;
        }
        next = field
            .chunk()
            .await
            .map_err(|e| multer_rejection(e, body_limit))?;
    }
    Ok(seen)
}

fn check_length(dz: &ChunkFields, got: u64) -> Result<(), InvalidChunk> {
    if got == dz.length {
        return Ok(());
    }
    Err(InvalidChunk::new(format_args!(
        "chunk {} of {} must be {} bytes long, got {got}",
        dz.index, dz.count, dz.length
    )))
}

/// A chunked file whose every chunk is in, reassembled and ready to be persisted like any
/// received part.
pub(crate) struct CompletedFile {
    pub(crate) part: ReceivedPart,
    pub(crate) file_name: String,
    pub(crate) content_type: Option<String>,
    pub(crate) field: String,
}

/// Ends a chunk request once the whole body was read: marks the chunk received, and either
/// acknowledges it ([`ChunkReceived`], a 200 that never reaches the handler) or, for the
/// request that completes the file, finalizes the part file and hands it back.
pub(crate) async fn complete(
    part: ChunkPart,
    storage: &Storage,
    options: &Options,
) -> Result<CompletedFile, UploadRejection> {
    let ChunkPart {
        kind,
        field,
        content_type,
        fields: dz,
        file_name,
    } = part;
    let done = match kind {
        PartKind::Duplicate { received, total } => {
            return Err(ChunkReceived::new(dz.index, received, total).into());
        }
        PartKind::Finished => return Err(ChunkReceived::new(dz.index, dz.count, dz.count).into()),
        PartKind::Written(ticket) => storage.chunk_index().finish(ticket),
    };
    let complete = match done {
        Finish::Partial { received, total } => {
            return Err(ChunkReceived::new(dz.index, received, total).into());
        }
        Finish::AlreadyFinished => {
            return Err(ChunkReceived::new(dz.index, dz.count, dz.count).into());
        }
        Finish::Gone => return Err(ChunkUploadGone::new().into()),
        Finish::Complete(complete) => complete,
    };

    let total = dz.total_size;
    let index = storage.chunk_index().clone();
    let finalized = chunk_store::blocking(move || {
        let file = complete.close()?;
        let part = ReceivedPart::from_file(file, complete.path.clone(), total)?;
        // Every chunk had its exact length, so the file is exactly the announced size.
        let len = std::fs::metadata(&complete.path)?.len();
        if len != complete.file.total_size {
            return Err(std::io::Error::other(format!(
                "reassembled {len} bytes, expected {}",
                complete.file.total_size
            )));
        }
        let mut head = Vec::with_capacity(sniff::SNIFF_LEN);
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(&complete.path)?,
                sniff::SNIFF_LEN as u64,
            ),
            &mut head,
        )?;
        Ok((part, head))
    })
    .await
    .and_then(|r| r);
    let (part, head) = match finalized {
        Ok(done) => done,
        Err(e) => {
            index.forget(dz.uuid);
            return Err(StorageFailed::new(e).into());
        }
    };
    // The same content check as a single upload (see sniff.rs), on the reassembled file's
    // head, before it gets a final name. The chunks came typed `application/octet-stream`, so
    // the declared type is the one the type check used. Dropping `part` deletes the part file.
    let declared = effective_type(&file_name, content_type.as_deref().unwrap_or(""));
    if !sniff::content_agrees(
        options.accepted_files().rules,
        &file_name,
        declared,
        Some(&head),
    ) {
        index.forget(dz.uuid);
        return Err(UnsupportedFileType::new(options.messages().invalid_file_type()).into());
    }
    Ok(CompletedFile {
        part,
        file_name,
        content_type,
        field,
    })
}

/// A chunk was stored, but its file is not complete yet (**200 OK**, `application/json`).
///
/// Not an error: this is how [`Upload`](super::Upload) answers every chunk request except the
/// one that completes the file, **without running the handler**. axum's extractors can only
/// produce the value or end the request with their rejection; answering intermediate chunks
/// through a 2xx rejection keeps the handler's contract simple (it runs once per file, with
/// [`Upload::file`](super::Upload::file) looking exactly like a single upload) and needs no
/// wrapper type in handler signatures. Dropzone.js counts any 2xx as a delivered chunk.
///
/// The body is `{"chunk":N,"received":K,"total":T}`: this chunk's index, how many of the file's
/// chunks the server has, and how many it has in all. A handler taking
/// `Result<Upload<Z>, UploadRejection>` must pass this one on as it is (its status is 2xx; see
/// [`UploadRejection::is_chunk_ack`]).
#[derive(Debug, Clone)]
pub struct ChunkReceived {
    chunk: u64,
    received: u64,
    total: u64,
}

impl ChunkReceived {
    fn new(chunk: u64, received: u64, total: u64) -> Self {
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

impl std::error::Error for ChunkReceived {}

impl IntoResponse for ChunkReceived {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            self.body_text(),
        )
            .into_response()
    }
}

/// The `dz*` fields of a chunk are missing, malformed or disagree (400 Bad Request).
///
/// Happens when `dzuuid` is not a UUID; a number field is missing or not a number;
/// `dzchunksize` is not the zone's chunk size; `dztotalchunkcount` is not
/// `max(1, ceil(dztotalfilesize / dzchunksize))`; `dzchunkindex` is out of range;
/// `dzchunkbyteoffset` is not `index × chunksize`; the chunk's length is not the chunk size
/// (or, for the last chunk, the rest of the file); or the size, count or file name differ from
/// earlier chunks of the same `dzuuid`. Nothing of the chunk is marked received. The body says
/// which.
#[derive(Debug, Clone)]
pub struct InvalidChunk {
    body: String,
}

impl InvalidChunk {
    fn new(detail: impl fmt::Display) -> Self {
        InvalidChunk {
            body: format!("Invalid chunk: {detail}."),
        }
    }
}

/// The chunked upload this chunk belongs to expired or failed (410 Gone).
///
/// Happens when the upload was idle for longer than
/// [`Storage::chunk_expiry`](super::Storage::chunk_expiry) and was removed, when its
/// finalization failed, or when the server restarted in the middle of it. The file must be
/// sent again (Dropzone.js does that with a new `dzuuid` when the file is added again).
#[derive(Debug, Clone)]
pub struct ChunkUploadGone {
    body: String,
}

impl ChunkUploadGone {
    fn new() -> Self {
        ChunkUploadGone {
            body:
                "This upload expired or was interrupted on the server; please add the file again."
                    .to_owned(),
        }
    }
}

/// The server already holds its limit of unfinished chunked uploads (503 Service Unavailable).
///
/// Each unfinished upload keeps up to the zone's `max_file_size` on disk until it completes or
/// expires, so [`Storage::max_pending_chunked_uploads`](super::Storage::max_pending_chunked_uploads)
/// bounds how many may be open at once. Chunks of uploads already open are not affected; a new
/// file can start once one of them ends or expires.
#[derive(Debug, Clone)]
pub struct TooManyPendingUploads {
    body: String,
}

impl TooManyPendingUploads {
    fn new() -> Self {
        TooManyPendingUploads {
            body: "The server has too many unfinished uploads right now; please try again later."
                .to_owned(),
        }
    }
}

leaf_common!(InvalidChunk, StatusCode::BAD_REQUEST);
leaf_common!(ChunkUploadGone, StatusCode::GONE);
leaf_common!(TooManyPendingUploads, StatusCode::SERVICE_UNAVAILABLE);
impl std::error::Error for InvalidChunk {}
impl std::error::Error for ChunkUploadGone {}
impl std::error::Error for TooManyPendingUploads {}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNKING: Chunking = Chunking {
        force: false,
        chunk_size: 100,
        parallel: true,
        retry_limit: None,
    };

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn dz(
        index: &str,
        total: &str,
        size: &str,
        count: &str,
        offset: &str,
    ) -> Vec<(String, String)> {
        fields(&[
            ("dzuuid", "3f2c1a52-7b1e-4c5a-9d2e-0a1b2c3d4e5f"),
            ("dzchunkindex", index),
            ("dztotalfilesize", total),
            ("dzchunksize", size),
            ("dztotalchunkcount", count),
            ("dzchunkbyteoffset", offset),
        ])
    }

    #[test]
    fn consistent_fields_give_the_chunk_length() {
        let f = ChunkFields::parse(&dz("1", "250", "100", "3", "100"), &CHUNKING).unwrap();
        assert_eq!((f.index, f.offset, f.length), (1, 100, 100));
        let last = ChunkFields::parse(&dz("2", "250", "100", "3", "200"), &CHUNKING).unwrap();
        assert_eq!(last.length, 50);
        let empty = ChunkFields::parse(&dz("0", "0", "100", "1", "0"), &CHUNKING).unwrap();
        assert_eq!(empty.length, 0);
    }

    #[test]
    fn disagreeing_fields_are_refused_with_a_reason() {
        let cases = [
            (dz("0", "250", "99", "3", "0"), "chunk size is 100"),
            (dz("0", "250", "100", "2", "0"), "has 3"),
            (dz("3", "250", "100", "3", "300"), "0 to 2"),
            (dz("1", "250", "100", "3", "50"), "starts at 100"),
            (dz("x", "250", "100", "3", "0"), "whole number"),
            (dz("0", "0", "100", "0", "0"), "has 1"),
        ];
        for (f, needle) in cases {
            let e = ChunkFields::parse(&f, &CHUNKING).unwrap_err();
            assert!(
                e.body_text().contains(needle),
                "{} !~ {needle}",
                e.body_text()
            );
        }
        let mut bad = dz("0", "250", "100", "3", "0");
        bad[0].1 = "../../etc/passwd".into();
        assert!(ChunkFields::parse(&bad, &CHUNKING).is_err());
    }

    #[test]
    fn chunks_are_typed_by_extension_when_the_browser_sends_octet_stream() {
        assert_eq!(
            effective_type("clip.MP4", "application/octet-stream"),
            "video/mp4"
        );
        assert_eq!(effective_type("clip.mp4", "image/png"), "image/png");
        assert_eq!(
            effective_type("x.unknown", "application/octet-stream"),
            "application/octet-stream"
        );
    }

    #[test]
    fn the_ack_is_json() {
        let ack = ChunkReceived::new(2, 3, 5);
        assert_eq!(ack.body_text(), r#"{"chunk":2,"received":3,"total":5}"#);
        let resp = ack.into_response();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/json");
    }
}
