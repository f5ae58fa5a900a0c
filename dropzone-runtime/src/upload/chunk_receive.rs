//! Receiving one chunk of a chunked upload: the checks before a byte is stored, writing it at
//! its offset, and how the request ends (an acknowledgement, or the finished file).

use super::accept::is_valid_file;
use super::ack::{ChunkReceived, ChunkStatus};
#[cfg(feature = "s3")]
use super::backend::Backend;
use super::chunk_disk;
use super::chunk_fields::{ChunkFields, ResumeFields};
#[cfg(feature = "s3")]
use super::chunk_object::{self, ObjectEnd};
use super::chunk_store::{self, Begin, BeginError, ChunkTicket, ChunkedFile, Finish};
use super::context::Ctx;
use super::filename::secure_filename;
use super::media::type_of_extension;
use super::multipart::next_chunk;
use super::part::ReceivedPart;
use super::policy::{ChunkMeta, FileMeta};
use super::refusal::FileRefusal;
use super::rejection::{
    ChunkUploadGone, InvalidChunk, StorageFailed, TooManyPendingUploads, UploadRejection,
};
use super::sniff;

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
    Duplicate {
        received: u64,
        total: u64,
    },
    Finished,
    /// Stored as a part of the upload's multipart upload.
    #[cfg(feature = "s3")]
    Object(chunk_object::StoredChunk),
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

/// Reads one chunk's file part: checks the `dz*` fields, the total size and the type before a
/// byte is stored, then writes the bytes at the chunk's offset of the upload's part file.
pub(crate) async fn receive_chunk(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    fields: &[(String, String)],
    file_name: String,
    ctx: &Ctx<'_>,
) -> Result<ChunkPart, UploadRejection> {
    let chunking = ctx
        .options
        .chunking()
        .expect("is_chunk_request checked that the zone chunks");
    let dz = ChunkFields::parse(fields, &chunking)?;
    if dz.total_size > ctx.file_limit {
        return Err(ctx.too_large(Some(dz.total_size)).into());
    }
    let content_type = field.content_type().map(|m| m.essence_str().to_owned());
    let claimed = content_type.as_deref().unwrap_or("");
    if !is_valid_file(
        ctx.options.accepted_files().rules,
        &file_name,
        effective_type(&file_name, claimed),
    ) {
        return Err(ctx.wrong_type().into());
    }
    // Every chunk is put to the policy before its bytes are written (see policy.rs).
    let meta = FileMeta {
        zone: ctx.options.id(),
        field: field.name().unwrap_or(""),
        file_name: &secure_filename(&file_name),
        declared_type: content_type.as_deref(),
        chunk: Some(ChunkMeta {
            upload_id: dz.uuid.to_string(),
            index: dz.index,
            count: dz.count,
            total_size: dz.total_size,
        }),
    };
    ctx.before_file(&meta).await.map_err(FileRefusal::from)?;

    #[cfg(feature = "s3")]
    if let Backend::S3(s3) = ctx.storage.backend() {
        // The state lives in the bucket (chunk_object.rs), not in the folder.
        let limits = ctx.storage.pending_limits();
        let stored =
            chunk_object::receive(s3, field, first, &dz, &file_name, limits, ctx.body_limit);
        let kind = match stored.await? {
            Some(stored) => PartKind::Object(stored),
            None => PartKind::Finished,
        };
        return Ok(chunk_part(kind, field, content_type, dz, file_name));
    }

    let storage = ctx.storage;
    let body_limit = ctx.body_limit;
    let index = storage.chunk_index().clone();
    let (dir, limits) = (storage.dir().to_owned(), storage.pending_limits());
    let meta = ChunkedFile {
        total_size: dz.total_size,
        chunk_size: dz.chunk_size,
        chunk_count: dz.count,
        file_name: file_name.clone(),
    };
    let (uuid, chunk) = (dz.uuid, dz.index);
    let begin = chunk_store::blocking(move || index.begin(&dir, limits, uuid, meta, chunk))
        .await
        .map_err(StorageFailed::new)?;
    let kind = match begin {
        Ok(Begin::Write(ticket)) => {
            let mut writer = Some(ticket.writer(dz.offset));
            let copied = copy_chunk(field, first, dz.length, body_limit, &mut writer).await;
            let checked = copied.and_then(|n| Ok(check_length(&dz, n)?));
            if let Err(refused) = checked {
                ticket.abandon().await;
                return Err(refused);
            }
            // No writer left: another request finalized the file while this one was being
            // received (a duplicate racing the last chunk); the file is complete.
            let Some(writer) = writer else {
                return Ok(chunk_part(
                    PartKind::Finished,
                    field,
                    content_type,
                    dz,
                    file_name,
                ));
            };
            match writer.finish().await {
                Ok(()) => PartKind::Written(ticket),
                Err(e) if chunk_store::is_closed(&e) => PartKind::Finished,
                Err(e) => {
                    ticket.abandon().await;
                    return Err(StorageFailed::new(e).into());
                }
            }
        }
        Ok(Begin::Duplicate { received, total }) => {
            let read = copy_chunk(field, first, dz.length, body_limit, &mut None).await?;
            check_length(&dz, read)?;
            PartKind::Duplicate { received, total }
        }
        Ok(Begin::Finished) => PartKind::Finished,
        Err(BeginError::Gone) => return Err(ChunkUploadGone::new().into()),
        Err(BeginError::Mismatch(detail)) => return Err(InvalidChunk::new(detail).into()),
        Err(BeginError::Busy) => return Err(TooManyPendingUploads::new().into()),
        Err(BeginError::Io(e)) => return Err(StorageFailed::new(e).into()),
    };
    Ok(chunk_part(kind, field, content_type, dz, file_name))
}

fn chunk_part(
    kind: PartKind,
    field: &multer::Field<'static>,
    content_type: Option<String>,
    fields: ChunkFields,
    file_name: String,
) -> ChunkPart {
    ChunkPart {
        kind,
        field: field.name().unwrap_or("").to_owned(),
        content_type,
        fields,
        file_name,
    }
}

/// Streams the part's bytes to `writer` (or drops them), refusing more than `length` of them as
/// soon as they come. Returns how many came. If the file is finalized by another request
/// meanwhile, `writer` is taken and the rest is read and dropped.
async fn copy_chunk(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    length: u64,
    body_limit: u64,
    writer: &mut Option<chunk_store::ChunkWriter>,
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
        if let Some(w) = writer.as_mut() {
            match w.write(&data).await {
                Ok(()) => {}
                Err(e) if chunk_store::is_closed(&e) => *writer = None,
                Err(e) => return Err(StorageFailed::new(e).into()),
            }
        }
        next = next_chunk(field, body_limit).await?;
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
    /// The stored extension the content check decided.
    pub(crate) extension: Option<String>,
    pub(crate) file_name: String,
    pub(crate) content_type: Option<String>,
    pub(crate) field: String,
    /// Its `dzuuid`.
    pub(crate) upload_id: uuid::Uuid,
}

/// How a chunk request ends once its whole body was read.
pub(crate) enum ChunkEnd {
    /// The chunk is in (or was already); the file is not complete: a 200 without the handler.
    Ack(ChunkReceived),
    /// This request completed the file.
    File(CompletedFile),
}

/// Ends a chunk request once the whole body was read: marks the chunk received, and either
/// acknowledges it or, for the request that completes the file, finalizes the part file and
/// hands it back.
pub(crate) async fn complete(part: ChunkPart, ctx: &Ctx<'_>) -> Result<ChunkEnd, UploadRejection> {
    let storage = ctx.storage;
    let ChunkPart {
        kind,
        field,
        content_type,
        fields: dz,
        file_name,
    } = part;
    let done = match kind {
        PartKind::Duplicate { received, total } => {
            return Ok(ChunkEnd::Ack(ChunkReceived::new(dz.index, received, total)));
        }
        PartKind::Finished => {
            return Ok(ChunkEnd::Ack(ChunkReceived::new(
                dz.index, dz.count, dz.count,
            )));
        }
        #[cfg(feature = "s3")]
        PartKind::Object(stored) => {
            let chunk = ChunkPart {
                kind: PartKind::Finished,
                field,
                content_type,
                fields: dz,
                file_name,
            };
            return complete_object(stored, chunk, ctx).await;
        }
        PartKind::Written(ticket) => {
            let (index, durable) = (storage.chunk_index().clone(), storage.is_durable());
            chunk_store::blocking(move || index.finish(ticket, durable))
                .await
                .and_then(|r| r)
                .map_err(StorageFailed::new)?
        }
    };
    let complete = match done {
        Finish::Partial { received, total } => {
            tracing::trace!(upload_id = %dz.uuid, chunk = dz.index, received, total, "chunk received");
            return Ok(ChunkEnd::Ack(ChunkReceived::new(dz.index, received, total)));
        }
        Finish::AlreadyFinished => {
            return Ok(ChunkEnd::Ack(ChunkReceived::new(
                dz.index, dz.count, dz.count,
            )));
        }
        Finish::Gone => return Err(ChunkUploadGone::new().into()),
        Finish::Complete(complete) => complete,
    };
    tracing::trace!(
        upload_id = %dz.uuid,
        chunk = dz.index,
        received = dz.count,
        total = dz.count,
        "chunked file reassembled"
    );

    let total = dz.total_size;
    let finalized = chunk_store::blocking(move || {
        let (file, sha256) = complete.close()?;
        let part = ReceivedPart::from_file(file, complete.path.clone(), total, sha256)?;
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
            forget(ctx, dz.uuid).await;
            return Err(StorageFailed::new(e).into());
        }
    };
    // The same content check as a single upload (see sniff.rs), on the reassembled file's
    // head, before it gets a final name. The chunks came typed `application/octet-stream`, so
    // the declared type is the one the type check used. Dropping `part` deletes the part file.
    let declared = effective_type(&file_name, content_type.as_deref().unwrap_or(""));
    let rules = ctx.options.accepted_files().rules;
    let Some(verdict) = sniff::decide(rules, &file_name, declared, &head) else {
        forget(ctx, dz.uuid).await;
        return Err(ctx.wrong_type().into());
    };
    Ok(ChunkEnd::File(CompletedFile {
        part,
        extension: verdict.extension,
        file_name,
        content_type,
        field,
        upload_id: dz.uuid,
    }))
}

/// [`complete`] on object storage: every part in, the one request whose completion succeeded
/// runs the same content check on the assembled head.
#[cfg(feature = "s3")]
async fn complete_object(
    stored: chunk_object::StoredChunk,
    part: ChunkPart,
    ctx: &Ctx<'_>,
) -> Result<ChunkEnd, UploadRejection> {
    let Backend::S3(s3) = ctx.storage.backend() else {
        return Err(StorageFailed::new(std::io::Error::other("not object storage")).into());
    };
    let ChunkPart {
        field,
        content_type,
        fields: dz,
        file_name,
        ..
    } = part;
    let (assembled, head) = match chunk_object::complete(s3, stored, &dz, &file_name).await? {
        ObjectEnd::Ack(ack) => return Ok(ChunkEnd::Ack(ack)),
        ObjectEnd::Assembled(assembled, head) => (assembled, head),
    };
    let declared = effective_type(&file_name, content_type.as_deref().unwrap_or(""));
    let rules = ctx.options.accepted_files().rules;
    let Some(verdict) = sniff::decide(rules, &file_name, declared, &head) else {
        assembled.discard().await;
        return Err(ctx.wrong_type().into());
    };
    let received = chunk_object::into_received(assembled);
    Ok(ChunkEnd::File(CompletedFile {
        part: ReceivedPart::Object(Box::new(received)),
        extension: verdict.extension,
        file_name,
        content_type,
        field,
        upload_id: dz.uuid,
    }))
}

/// Answers a page that asks which chunks of an upload the server holds, to resume it after a
/// reload (see chunk_fields.rs, [`ResumeFields`]).
pub(crate) async fn status(
    fields: &[(String, String)],
    ctx: &Ctx<'_>,
) -> Result<ChunkStatus, UploadRejection> {
    let chunking = ctx
        .options
        .chunking()
        .expect("is_resume_request checked that the zone chunks");
    let asked = ResumeFields::parse(fields, &chunking)?;
    #[cfg(feature = "s3")]
    if let Backend::S3(s3) = ctx.storage.backend() {
        let held = chunk_object::held(s3, &asked).await;
        let held = held.map_err(|e| StorageFailed::new(std::io::Error::other(e)))?;
        return Ok(ChunkStatus::new(held));
    }
    let file = ChunkedFile {
        total_size: asked.total_size,
        chunk_size: asked.chunk_size,
        chunk_count: asked.count,
        file_name: asked.file_name,
    };
    let dir = ctx.storage.dir().to_owned();
    let held = chunk_store::blocking(move || chunk_disk::held(&dir, asked.uuid, &file))
        .await
        .and_then(|r| r)
        .map_err(StorageFailed::new)?;
    Ok(ChunkStatus::new(held))
}

/// Marks a claimed upload gone (its finalization failed or was refused): later chunks of it
/// are answered 410, never acknowledged.
pub(crate) async fn forget(ctx: &Ctx<'_>, uuid: uuid::Uuid) {
    if !ctx.storage.backend().is_folder() {
        // On object storage a refused upload's object is deleted with its part.
        return;
    }
    let index = ctx.storage.chunk_index().clone();
    let dir = ctx.storage.dir().to_owned();
    let _ = chunk_store::blocking(move || index.forget(&dir, uuid)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
