//! The receive loop: reads the parts of one upload request in order, checks each file against
//! the zone before storing it, and turns what was received into outcomes or a rejection.

use super::accept::is_valid_file;
use super::chunk_fields::{is_chunk_request, is_resume_request};
use super::chunk_receive::{self, ChunkEnd};
use super::context::Ctx;
use super::csrf_check::CsrfGate;
use super::filename::secure_filename;
use super::limits::{MAX_FIELDS, files_per_request};
use super::linger::{self, Reclaim};
use super::multipart::{self, file_name_of, first_chunk, next_chunk, read_head, read_text};
use super::outcome::{FileOutcome, RefusedFile, SavedFile};
use super::part::{PartFile, ReceivedPart};
use super::policy::{CompleteFile, FileMeta};
use super::refusal::{FileRefusal, TooManyFiles};
use super::rejection::{
    BatchRefused, MissingFile, StorageFailed, TooManyFields, UploadRejection, WrongZone,
};
use super::response::UploadResponse;
use super::sniff;
use super::storage::{NewFile, Storage};
use crate::options::Options;
use crate::render::ZONE_HEADER;
use axum::extract::Request;
use http::HeaderMap;

/// What a request brought: every file part's outcome and the text fields.
pub(crate) struct Received {
    pub(crate) outcomes: Vec<FileOutcome>,
    pub(crate) fields: Vec<(String, String)>,
}

/// A file part received into a `.part-*` file, not yet renamed.
struct Pending {
    part: ReceivedPart,
    extension: Option<String>,
    original_name: String,
    content_type: Option<String>,
    field: String,
    /// The `dzuuid` of a chunked file (forgotten if the policy vetoes it).
    chunked: Option<uuid::Uuid>,
}

enum Slot {
    Pending(Pending),
    Refused(RefusedFile),
}

/// How one file part ended.
enum PartEnd {
    Received(ReceivedPart),
    /// Passed the size limit; `Some(total)` when the rest was read to learn the full size.
    TooLarge(Option<u64>),
}

/// Reads the whole request; see [`Upload`](super::Upload) for the rules it applies. A refusal
/// is answered once the rest of the body was read and dropped (within bounds, see linger.rs),
/// so that clients that write the whole body before reading see it.
pub(crate) async fn receive(
    req: Request,
    storage: &Storage,
    options: &'static Options,
) -> Result<Received, UploadResponse> {
    let started = std::time::Instant::now();
    let (parts, body) = req.into_parts();
    let ctx = &Ctx::new(storage, options, &parts, started);
    ctx.storage.sweep_leftovers().await;
    let (body, rest) = linger::reclaimable(body, ctx.storage.body_idle_timeout_value());
    let result = read_parts(&parts.headers, body, ctx).await;
    if let Err(UploadResponse::Rejected(_)) = &result {
        rest.drain(multipart::content_length(&parts.headers)).await;
    }
    result.map_err(|refusal| ctx.single_file_overshoot(refusal))
}

async fn read_parts(
    headers: &HeaderMap,
    body: Reclaim,
    ctx: &Ctx<'_>,
) -> Result<Received, UploadResponse> {
    let options = ctx.options;
    check_zone(headers, options.id())?;
    let mut csrf = CsrfGate::new(options, ctx.storage, headers)?;
    let mut multipart = multipart::open(headers, body, ctx.body_limit)?;
    let limit = ctx.body_limit;
    let multiple = options.upload_multiple();
    let per_request = files_per_request(options);

    let mut slots: Vec<Slot> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file_parts: u32 = 0;
    let mut chunk_part = None;

    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart::multer_rejection(e, limit))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = file_name_of(&field);
        let zone_field = is_zone_field(&name, options);
        if file_name.is_some() || zone_field {
            csrf.require_open()?; // no file byte is read before the token is verified
        }

        if !zone_field {
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
        let first = first_chunk(&mut field, limit).await?;
        if file_name.is_empty() && first.is_none() {
            // An empty file input of a plain form: nothing was chosen.
            continue;
        }
        let original_name = secure_filename(&file_name);
        let content_type = field.content_type().map(|m| m.essence_str().to_owned());

        // A refusal ends the request in single mode; in a batch it is this file's outcome
        // and the rest of its part is skipped (multer discards it on the next part).
        let refuse = |reason: FileRefusal, slots: &mut Vec<Slot>| {
            if multiple {
                slots.push(Slot::Refused(RefusedFile {
                    field: name.clone(),
                    original_name: original_name.clone(),
                    reason,
                }));
                Ok(())
            } else {
                Err(UploadRejection::from(reason))
            }
        };

        file_parts += 1;
        if file_parts > per_request {
            let reason = TooManyFiles::new(options.messages().max_file_exceed(), per_request);
            refuse(reason.into(), &mut slots)?;
            continue;
        }
        if is_chunk_request(options, &fields) {
            // One chunk of a chunked upload (its `dz*` fields came first).
            let part = chunk_receive::receive_chunk(&mut field, first, &fields, file_name, ctx);
            chunk_part = Some(part.await?);
            continue;
        }
        let claimed_type = content_type.as_deref().unwrap_or("");
        let rules = options.accepted_files().rules;
        if !is_valid_file(rules, &file_name, claimed_type) {
            refuse(ctx.wrong_type().into(), &mut slots)?;
            continue;
        }
        let meta = FileMeta {
            zone: options.id(),
            field: &name,
            file_name: &original_name,
            declared_type: content_type.as_deref(),
            chunk: None,
        };
        if let Err(refusal) = ctx.before_file(&meta).await {
            // Nothing of the file was stored: only its first bytes were read, into memory.
            refuse(refusal.into(), &mut slots)?;
            continue;
        }

        // The head is sniffed before anything of the file is stored (see sniff.rs).
        let first = read_head(&mut field, first, limit).await?;
        let head = first.as_deref().unwrap_or_default();
        let Some(verdict) = sniff::decide(rules, &file_name, claimed_type, head) else {
            refuse(ctx.wrong_type().into(), &mut slots)?;
            continue;
        };

        match receive_part(&mut field, first, verdict.extension.as_deref(), ctx).await? {
            PartEnd::Received(part) => slots.push(Slot::Pending(Pending {
                part,
                extension: verdict.extension,
                original_name,
                content_type,
                field: name,
                chunked: None,
            })),
            PartEnd::TooLarge(size) => refuse(ctx.too_large(size).into(), &mut slots)?,
        }
    }

    csrf.require_open()?;
    if file_parts == 0 && is_resume_request(options, &fields) {
        // A page resuming an upload asks which chunks are here (authenticated as an upload:
        // same zone check and CSRF gate).
        let status = chunk_receive::status(&fields, ctx).await?;
        return Err(UploadResponse::ChunkStatus(status));
    }
    if let Some(part) = chunk_part {
        match chunk_receive::complete(part, ctx).await? {
            // Every chunk but the file's last ends here, without the handler.
            ChunkEnd::Ack(ack) => return Err(UploadResponse::ChunkReceived(ack)),
            ChunkEnd::File(done) => slots.push(Slot::Pending(Pending {
                part: done.part,
                extension: done.extension,
                original_name: secure_filename(&done.file_name),
                content_type: done.content_type,
                field: done.field,
                chunked: Some(done.upload_id),
            })),
        }
    }
    Ok(finish(slots, fields, ctx).await?)
}

/// Turns the received parts into stored files, or the request's rejection.
async fn finish(
    slots: Vec<Slot>,
    fields: Vec<(String, String)>,
    ctx: &Ctx<'_>,
) -> Result<Received, UploadRejection> {
    if slots.is_empty() {
        let options = ctx.options;
        return Err(MissingFile::new(options.input_name(), options.upload_multiple()).into());
    }
    let slots = vet_complete(slots, ctx).await?;
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
                let new = NewFile {
                    extension: p.extension,
                    original_name: p.original_name,
                    zone: ctx.options.id().to_owned(),
                };
                to_persist.push((p.part, new));
                metas.push((outcomes.len(), p.content_type, p.field));
                outcomes.push(None);
            }
            Slot::Refused(r) => outcomes.push(Some(FileOutcome::Refused(r))),
        }
    }
    let stored = ctx
        .storage
        .persist_all(to_persist)
        .await
        .map_err(StorageFailed::new)?;
    for ((index, content_type, field), (path, file)) in metas.into_iter().zip(stored) {
        outcomes[index] = Some(FileOutcome::Saved(SavedFile {
            path,
            stored_name: file.stored_name,
            original_name: file.original_name,
            size: file.size,
            content_type,
            field,
            zone: file.zone,
            sha256: file.sha256,
            recognised_type: file.content_type,
        }));
    }
    let outcomes: Vec<FileOutcome> = outcomes.into_iter().flatten().collect();
    for file in outcomes.iter().filter_map(FileOutcome::saved) {
        tracing::info!(
            stored_name = %file.stored_name,
            size = file.size,
            sha256 = %file.sha256,
            field = %file.field,
            duration_ms = ctx.started.elapsed().as_millis() as u64,
            "stored a file"
        );
    }
    Ok(Received { outcomes, fields })
}

/// The policy's `on_complete` stage for every received file, once the whole request was read
/// and before anything gets its final name: a vetoed file is dropped (its part file deleted)
/// and, in a batch, becomes a refused outcome.
async fn vet_complete(slots: Vec<Slot>, ctx: &Ctx<'_>) -> Result<Vec<Slot>, UploadRejection> {
    if ctx.storage.upload_policy().is_none() {
        return Ok(slots);
    }
    let mut vetted = Vec::with_capacity(slots.len());
    for slot in slots {
        let Slot::Pending(p) = slot else {
            vetted.push(slot);
            continue;
        };
        let complete = CompleteFile {
            zone: ctx.options.id(),
            field: &p.field,
            file_name: &p.original_name,
            declared_type: p.content_type.as_deref(),
            size: p.part.size(),
            extension: p.extension.as_deref(),
            chunked: p.chunked.is_some(),
        };
        let Err(refusal) = ctx.on_complete(&complete).await else {
            vetted.push(Slot::Pending(p));
            continue;
        };
        if let Some(uuid) = p.chunked {
            // Later chunks of a vetoed file are answered 410, never acknowledged.
            super::chunk_receive::forget(ctx, uuid).await;
        }
        if !ctx.options.upload_multiple() {
            return Err(FileRefusal::from(refusal).into());
        }
        vetted.push(Slot::Refused(RefusedFile {
            field: p.field,
            original_name: p.original_name,
            reason: refusal.into(),
        }));
    }
    Ok(vetted)
}

/// Streams one file part into a `.part-*` file, stopping at the zone's file limit.
///
/// When the part passes the limit, its part file is deleted at once. In a batch the rest of
/// the part is then read, without storing it, to learn its full size and reach the next part;
/// in single mode reading stops there.
async fn receive_part(
    field: &mut multer::Field<'static>,
    first: Option<bytes::Bytes>,
    extension: Option<&str>,
    ctx: &Ctx<'_>,
) -> Result<PartEnd, UploadRejection> {
    let (file_limit, limit) = (ctx.file_limit, ctx.body_limit);
    let mut part: PartFile = ctx
        .storage
        .create_part(extension)
        .await
        .map_err(StorageFailed::new)?;
    let mut next = first;
    while let Some(chunk) = next {
        if part.size() + chunk.len() as u64 > file_limit {
            let mut seen = part.size() + chunk.len() as u64;
            part.discard().await;
            if !ctx.options.upload_multiple() {
                return Ok(PartEnd::TooLarge(None));
            }
            while let Some(chunk) = next_chunk(field, limit).await? {
                seen += chunk.len() as u64;
            }
            return Ok(PartEnd::TooLarge(Some(seen)));
        }
        part.write(&chunk).await.map_err(StorageFailed::new)?;
        next = next_chunk(field, limit).await?;
    }
    let received = part.finish().await.map_err(StorageFailed::new)?;
    Ok(PartEnd::Received(received))
}

/// Whether a part name is one the zone takes files from: `input_name`, and with
/// `upload_multiple` also `input_name[N]`.
fn is_zone_field(name: &str, options: &crate::options::Options) -> bool {
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

/// Refuses a request whose zone header names another zone; no header is fine.
fn check_zone(headers: &HeaderMap, expected: &str) -> Result<(), WrongZone> {
    match headers.get(ZONE_HEADER) {
        Some(value) if value.as_bytes() != expected.as_bytes() => Err(WrongZone::new(
            &String::from_utf8_lossy(value.as_bytes()),
            expected,
        )),
        _ => Ok(()),
    }
}
