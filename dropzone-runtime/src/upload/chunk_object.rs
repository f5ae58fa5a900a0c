//! Chunked uploads into object storage: the state of an upload lives in the bucket, so any
//! instance takes any chunk, in any order, and a restart of every instance loses nothing
//! already acknowledged.
//!
//! One upload (`dzuuid`) is one multipart upload into the hidden name
//! `.incoming/<dzuuid>.<digest>`, chunk `i` its parts `i * split ..` (chunk_object_layout.rs).
//! The digest covers what every chunk of the upload announces (total size, chunk size,
//! count, file name) and the split, so a chunk that announces another file can never land in
//! this one, and a resume question answers only for the same file. What the store holds decides everything:
//! - which multipart upload: the oldest unfinished one into that name (ties by upload id); an
//!   instance that started one at the same moment as another and lost aborts its own, and a
//!   chunk written into a loser is written again into the winner;
//! - which chunks are in: ListParts, with each part's exact expected size;
//! - who finalizes: the one request that wins the claim on the upload (store/claim.rs; S3's
//!   CompleteMultipartUpload is not exclusive on Garage) and finds it still pending; every
//!   other one answers an acknowledgement;
//! - the bounds: the unfinished uploads under `.incoming/` and the parts they hold, whichever
//!   instance wrote them; an upload without progress (started and last part stored) for
//!   longer than the expiry is aborted.
//!
//! The sha256 and the head for the content check come from the running hash the chunk
//! requests keep beside the upload (chunk_object_hash.rs); the finalizing request reads back only
//! what that state does not cover (nothing for chunks sent in order), and the whole object
//! when it cannot trust it. The stored file then gets its name `<uuid>.<ext>` by a
//! server-side copy, and the hidden object and its state are deleted. A refused file leaves
//! nothing in the bucket.

use super::ack::ChunkReceived;
use super::chunk_fields::{ChunkFields, ResumeFields};
use super::chunk_object_bounds::{held_bytes, live_uploads};
use super::chunk_object_hash::{self, HashState};
use super::chunk_object_layout::{Described, Held};
use super::chunk_store::PendingLimits;
use super::multipart::next_chunk;
use super::object_part::{Assembled, ObjectReceived};
use super::rejection::{InvalidChunk, StorageFailed, TooManyPendingUploads, UploadRejection};
use crate::store::{Claimed, PartTag, PartsUpload, PutMeta, S3Backend, StoreError};
use bytes::Bytes;
use futures_util::stream::{self, StreamExt, TryStreamExt};

/// How often a chunk is written again when the instances had not yet agreed on one upload.
const ATTEMPTS: usize = 3;

/// How long a request whose upload another one completes waits for it (50 x 200 ms).
const WAIT_STEPS: usize = 50;
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(200);

fn failed(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> UploadRejection {
    StorageFailed::new(std::io::Error::other(e)).into()
}

/// A chunk stored as its part, as [`complete`] takes it up.
pub(crate) struct StoredChunk {
    upload: PartsUpload,
    /// The parts listed once this one was in (`None`: the upload was completed already).
    listed: Option<Result<Held, StoreError>>,
    /// The hash state this request saved, covering its own chunk.
    own: Option<HashState>,
}

/// Reads one chunk (at most its announced length, itself at most the zone's chunk size) and
/// stores it as its parts. `None`: the upload is no longer pending (another request finalized
/// it, so this chunk was a retry), nothing more to do.
pub(crate) async fn receive(
    s3: &S3Backend,
    field: &mut multer::Field<'static>,
    first: Option<Bytes>,
    dz: &ChunkFields,
    file_name: &str,
    limits: PendingLimits,
    body_limit: u64,
) -> Result<Option<StoredChunk>, UploadRejection> {
    // Which upload to write into: the one this instance saw agreed on for an earlier chunk,
    // else looked up while the body arrives (a read only: nothing is started before the
    // chunk proved valid). Either way checked again once the parts are written.
    let file = Described::of(s3, dz, file_name);
    let name = file.name();
    let found = async {
        match s3.known_upload(&name) {
            Some(known) => Found::Known(known),
            None => Found::Listed(winner(s3, &name).await),
        }
    };
    let (bytes, found) = tokio::join!(read_chunk(s3, field, first, dz, body_limit), found);
    let bytes = bytes?;
    let stored = store_chunk(s3, &bytes, dz, &file, &name, limits, found).await;
    s3.recycle(bytes);
    stored
}

/// Where a chunk request first looks for its upload.
enum Found {
    /// Remembered from an earlier chunk: a hint, forgotten if it no longer holds.
    Known(PartsUpload),
    Listed(Result<Option<PartsUpload>, StoreError>),
}

/// Stores the chunk read by [`receive`] as its parts (again into the winner, when the
/// instances had not yet agreed on one upload, or the remembered one no longer holds).
async fn store_chunk(
    s3: &S3Backend,
    bytes: &Bytes,
    dz: &ChunkFields,
    file: &Described<'_>,
    name: &str,
    limits: PendingLimits,
    found: Found,
) -> Result<Option<StoredChunk>, UploadRejection> {
    let index = usize::try_from(dz.index).map_err(|_| InvalidChunk::new("too many chunks"))?;
    let mut had_one = false;
    // The remembered upload turned out gone: a late copy of a chunk whose file is complete.
    let mut hint_gone = false;
    let mut found = Some(found);
    let mut attempts = 0;
    while attempts < ATTEMPTS {
        let (upload, known) = match found.take() {
            Some(Found::Known(upload)) => (upload, true),
            listed => {
                attempts += 1;
                let listed = match listed {
                    Some(Found::Listed(listed)) => listed,
                    _ => winner(s3, name).await,
                };
                match listed.map_err(failed)? {
                    Some(upload) => (upload, false),
                    // It was pending a moment ago and is gone: finalized (or refused) meanwhile.
                    None if had_one => return Ok(None),
                    // Completed, not named: the request that completed it stopped (or is
                    // naming it); `complete` finds out under the claim.
                    None if hidden_exists(s3, name).await? => {
                        let (upload, listed, own) = (completed(name), None, None);
                        return Ok(Some(StoredChunk {
                            upload,
                            listed,
                            own,
                        }));
                    }
                    // Finalized and named since the hint was taken: nothing to begin again.
                    None if hint_gone => return Ok(None),
                    None => (begin(s3, name, file, limits).await?, false),
                }
            }
        };
        had_one |= !known;
        // The chunk is hashed (in memory already) while its parts are being sent.
        let (put, hashed) = tokio::join!(
            send_parts(s3, &upload, file, dz.index, bytes),
            chunk_object_hash::hash_chunk(s3, &upload, index, bytes.clone())
        );
        // Written or not, the parts count only if their upload is still the one all agree
        // on. Asked only now, once they are in, while the state is kept: a finalizer that
        // does not find the state yet reads back what it lacks.
        let save = async {
            match (&put, hashed) {
                (Ok(tags), Some(state)) => {
                    chunk_object_hash::save_hash(s3, &upload, state, tags).await
                }
                _ => None,
            }
        };
        let (own, now, listed) = tokio::join!(save, winner(s3, name), held_tags(s3, &upload, file));
        let now = now.map_err(failed)?;
        if now.is_none() && own.is_some() {
            forget_late_hash(s3, name).await;
        }
        match (now, put) {
            (Some(now), Ok(_)) if now == upload => {
                s3.remember_upload(&upload);
                let listed = Some(listed);
                return Ok(Some(StoredChunk {
                    upload,
                    listed,
                    own,
                }));
            }
            (Some(now), Err(e)) if now == upload => return Err(failed(e)),
            (Some(_), _) => {
                // An older upload won meanwhile: ours goes, the chunk goes into the winner.
                s3.forget_upload(name);
                let _ = s3.abort_parts(&upload).await;
            }
            // A remembered upload that is gone (completed or aborted since): forgotten, and
            // the chunk goes where a lookup says.
            (None, _) if known => {
                s3.forget_upload(name);
                hint_gone = true;
            }
            (None, _) => return Ok(None),
        }
    }
    Err(failed(
        "the instances did not agree on one multipart upload",
    ))
}

/// A state saved after the upload was completed (a duplicate racing the last chunk) is
/// deleted here once the hidden object is gone: the finalizer deletes the state only after
/// the hidden object, so while that is there, the finalizer's delete is still to come.
async fn forget_late_hash(s3: &S3Backend, name: &str) {
    if matches!(hidden_exists(s3, name).await, Ok(false))
        && let Err(e) = s3.delete(&chunk_object_hash::state_name(name)).await
    {
        tracing::warn!(upload = %name, error = %e, "could not delete a hash state");
    }
}

/// Sends chunk `index` (read whole into `bytes`) as its parts, at most `max_concurrency` at
/// once; their receipts in order.
async fn send_parts(
    s3: &S3Backend,
    upload: &PartsUpload,
    file: &Described<'_>,
    index: u64,
    bytes: &Bytes,
) -> Result<Vec<PartTag>, StoreError> {
    let parts: Vec<_> = file.parts(index).collect();
    stream::iter(parts)
        .map(|(part, range)| s3.put_part_bytes(upload, part, bytes.slice(range)))
        .buffered(s3.config().parts_in_flight())
        .try_collect()
        .await
}

async fn read_chunk(
    s3: &S3Backend,
    field: &mut multer::Field<'static>,
    first: Option<Bytes>,
    dz: &ChunkFields,
    body_limit: u64,
) -> Result<Bytes, UploadRejection> {
    // The exact length is known and bounded by the zone's chunk size: one buffer, not a
    // doubling one (which would peak at twice the chunk), reused from chunk to chunk.
    let mut buf = s3.chunk_buffer(usize::try_from(dz.length).unwrap_or(0));
    let mut next = first;
    while let Some(data) = next {
        if buf.len() as u64 + data.len() as u64 > dz.length {
            return Err(InvalidChunk::new(format_args!(
                "the chunk has more than the {} bytes its `dz*` fields announce",
                dz.length
            ))
            .into());
        }
        buf.extend_from_slice(&data);
        next = next_chunk(field, body_limit).await?;
    }
    if buf.len() as u64 != dz.length {
        return Err(InvalidChunk::new(format_args!(
            "chunk {} of {} must be {} bytes long, got {}",
            dz.index,
            dz.count,
            dz.length,
            buf.len()
        ))
        .into());
    }
    Ok(buf.freeze())
}

/// The upload every instance uses for `name`, if one is pending.
async fn winner(s3: &S3Backend, name: &str) -> Result<Option<PartsUpload>, StoreError> {
    let pending = s3.pending_uploads_of(name).await?;
    Ok(pending.into_iter().next().map(|p| p.upload))
}

/// Starts the upload of `name`, within the bounds, and returns the winner: ours, or an older
/// one started meanwhile by another instance (ours is then aborted before a byte is written).
async fn begin(
    s3: &S3Backend,
    name: &str,
    file: &Described<'_>,
    limits: PendingLimits,
) -> Result<PartsUpload, UploadRejection> {
    let pending = live_uploads(s3, limits).await.map_err(failed)?;
    if pending.len() >= limits.max_count {
        return Err(TooManyPendingUploads::new().into());
    }
    let held = held_bytes(s3, &pending).await.map_err(failed)?;
    if held.saturating_add(file.total_size) > limits.max_bytes {
        return Err(TooManyPendingUploads::new().into());
    }
    let ours = s3
        .begin_parts(name, &PutMeta::default())
        .await
        .map_err(failed)?;
    let chosen = winner(s3, name).await;
    match chosen {
        Ok(Some(w)) if w == ours => Ok(ours),
        Ok(Some(w)) => {
            let _ = s3.abort_parts(&ours).await;
            Ok(w)
        }
        Ok(None) => Err(failed("a new multipart upload is not listed")),
        Err(e) => {
            let _ = s3.abort_parts(&ours).await;
            Err(failed(e))
        }
    }
}

/// How a chunk request on object storage ends once its body was read.
pub(crate) enum ObjectEnd {
    Ack(ChunkReceived),
    /// This request completed the upload: the assembled object and its first bytes.
    Assembled(Assembled, Vec<u8>),
}

/// Ends a chunk request: acknowledges it, or, when every part is in, completes the upload
/// (exactly once across instances) and reads the assembled object back.
pub(crate) async fn complete(
    s3: &S3Backend,
    stored: StoredChunk,
    dz: &ChunkFields,
    file_name: &str,
) -> Result<ObjectEnd, UploadRejection> {
    let file = Described::of(s3, dz, file_name);
    let finished = || ObjectEnd::Ack(ChunkReceived::new(dz.index, dz.count, dz.count));
    let StoredChunk {
        upload,
        listed,
        own,
    } = stored;
    // `receive` listed the parts once its own was in; a listing that failed on an upload
    // completed meanwhile is told apart from a store failure by asking again.
    let listed = match listed {
        None => None,
        Some(Ok(held)) => Some(held),
        // No such upload: completed (or aborted) meanwhile, even while Garage's listing of
        // uploads still shows it for a moment.
        Some(Err(StoreError::NotFound { .. })) => None,
        Some(Err(e)) if s3.is_pending(&upload).await.map_err(failed)? => return Err(failed(e)),
        Some(Err(_)) => None,
    };
    let listed = match listed {
        Some(Held {
            tags: Some(tags), ..
        }) => {
            // Every part is in: no later chunk of this upload needs the hint.
            s3.forget_upload(upload.name());
            Some(tags)
        }
        Some(Held { chunks, tags: None }) => {
            let held = chunks.len() as u64;
            tracing::trace!(upload_id = %dz.uuid, chunk = dz.index, received = held, total = dz.count, "chunk received");
            return Ok(ObjectEnd::Ack(ChunkReceived::new(
                dz.index, held, file.count,
            )));
        }
        None if !hidden_exists(s3, upload.name()).await? => {
            // Completed and named by another request (or refused, and gone).
            return Ok(finished());
        }
        None => None,
    };
    // Every part is in: one request of all instances finalizes (see store/claim.rs). The
    // claim is held until the object is named or deleted (by `Assembled`), so that a request
    // holding it and finding the upload completed but its hidden object still there knows that
    // the request that completed it stopped, and finalizes in its place.
    let claim = match s3.claim(&format!("{}.claim", upload.name())).await {
        Ok(Claimed::Won(claim)) => claim,
        Ok(Claimed::Taken) => return finished_elsewhere(s3, &upload, finished()).await,
        Err(e) => return Err(failed(e)),
    };
    let completed = match complete_claimed(s3, &upload, &file, listed).await {
        Ok(Some(tags)) => Ok(Some(Some(tags))),
        // Completed before: by a request that stopped before naming it, if it is still there
        // (its receipts are no longer listed, so its state cannot be checked: read back).
        Ok(None) => hidden_exists(s3, upload.name())
            .await
            .map(|there| there.then_some(None)),
        Err(e) => Err(e),
    };
    let tags = match completed {
        Ok(Some(tags)) => tags,
        other => {
            if let Err(e) = claim.release().await {
                tracing::warn!(upload = %upload.name(), error = %e, "could not release a claim");
            }
            return other.map(|_| finished());
        }
    };
    let state = match &tags {
        Some(tags) => {
            chunk_object_hash::trusted(s3, &upload, tags, file.count, |n| file.offset(n), own).await
        }
        None => None,
    };
    let state = state.unwrap_or_else(|| HashState::empty(upload.upload_id()));
    let hidden = upload.name().to_owned();
    let assembled = Assembled::new(
        s3.clone(),
        hidden.clone(),
        chunk_object_hash::state_name(&hidden),
        claim,
    );
    match chunk_object_hash::read_back(s3, upload.name(), file.total_size, state).await {
        Ok((size, sha256, head)) => Ok(ObjectEnd::Assembled(assembled.with(size, sha256), head)),
        Err(e) => {
            assembled.discard().await;
            Err(failed(e))
        }
    }
}

/// Another request won the claim: this one is acknowledged as finished only once the upload
/// is no longer pending and its object was named (or refused), so an acknowledgement never stands for a completion that did not
/// happen (its winner may have stopped). Waits a bounded time, then answers a failure the
/// page retries.
async fn finished_elsewhere(
    s3: &S3Backend,
    upload: &PartsUpload,
    finished: ObjectEnd,
) -> Result<ObjectEnd, UploadRejection> {
    for _ in 0..WAIT_STEPS {
        let pending = s3.is_pending(upload).await.map_err(failed)?;
        if !pending && !hidden_exists(s3, upload.name()).await? {
            return Ok(finished);
        }
        tokio::time::sleep(WAIT_STEP).await;
    }
    Err(failed("another request is completing this upload"))
}

/// The upload of `name` once it is completed: its upload id no longer names anything (S3
/// forgets it), so it is left empty; `complete` then sees it is not pending.
fn completed(name: &str) -> PartsUpload {
    PartsUpload::new(name, "")
}

/// Whether the assembled (completed, not yet named) object of an upload is there.
async fn hidden_exists(s3: &S3Backend, name: &str) -> Result<bool, UploadRejection> {
    match s3.head(name).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(e) => Err(failed(e)),
    }
}

/// The chunks whose parts are all in at their exact sizes, and the receipts of every part in
/// order if all are.
async fn held_tags(
    s3: &S3Backend,
    upload: &PartsUpload,
    file: &Described<'_>,
) -> Result<Held, StoreError> {
    Ok(file.held(s3.list_parts(upload).await?))
}

/// Completes the upload under the claim, first from the receipts `listed` before it: the
/// receipts it completed with, `None` if an earlier winner already did. A part sent again
/// meanwhile (a retry racing the last chunk) changes its receipt and the store refuses the
/// completion, so the parts are listed again, a bounded few times.
async fn complete_claimed(
    s3: &S3Backend,
    upload: &PartsUpload,
    file: &Described<'_>,
    mut listed: Option<Vec<PartTag>>,
) -> Result<Option<Vec<PartTag>>, UploadRejection> {
    for attempt in 1..=ATTEMPTS {
        // Asked under the claim: a winner before this one may have completed it (S3 may
        // answer a second completion with success, so that cannot tell).
        if !s3.is_pending(upload).await.map_err(failed)? {
            return Ok(None);
        }
        let tags = match listed.take() {
            Some(tags) => tags,
            None => match held_tags(s3, upload, file).await.map_err(failed)?.tags {
                Some(tags) => tags,
                None => return Err(failed("a part of a complete upload is gone")),
            },
        };
        match s3.complete_if_pending(upload, &tags).await {
            Ok(true) => return Ok(Some(tags)),
            Ok(false) => return Ok(None),
            Err(e) if attempt == ATTEMPTS => return Err(failed(e)),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
    Ok(None)
}

/// The chunks of an upload the bucket holds, for a page resuming it (nothing for an upload
/// whose chunks announced another file).
pub(crate) async fn held(s3: &S3Backend, asked: &ResumeFields) -> Result<Vec<u64>, StoreError> {
    let file = Described::asked(s3, asked);
    let Some(upload) = winner(s3, &file.name()).await? else {
        return Ok(Vec::new());
    };
    Ok(held_tags(s3, &upload, &file).await?.chunks)
}

/// Keeps the type in the signatures above honest: a finished object becomes a received part.
pub(crate) fn into_received(assembled: Assembled) -> ObjectReceived {
    ObjectReceived::assembled(assembled)
}
