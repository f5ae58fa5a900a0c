//! Chunked uploads into object storage: the state of an upload lives in the bucket, so any
//! instance takes any chunk, in any order, and a restart of every instance loses nothing
//! already acknowledged.
//!
//! One upload (`dzuuid`) is one multipart upload into the hidden name
//! `.incoming/<dzuuid>.<digest>`, chunk `i` its part `i + 1`. The digest covers what every
//! chunk of the upload announces (total size, chunk size, count, file name), so a chunk that
//! announces another file can never land in this one, and a resume question answers only for
//! the same file. What the store holds decides everything:
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
use super::chunk_object_bounds::{INCOMING, held_bytes, live_uploads};
use super::chunk_object_hash::{self, HashState};
use super::chunk_store::PendingLimits;
use super::multipart::next_chunk;
use super::object_part::{Assembled, ObjectReceived};
use super::rejection::{InvalidChunk, StorageFailed, TooManyPendingUploads, UploadRejection};
use crate::files::stored::hex;
use crate::store::{Claimed, PartTag, PartsUpload, PutMeta, S3Backend, StoreError};
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// How often a chunk is written again when the instances had not yet agreed on one upload.
const ATTEMPTS: usize = 3;

/// How long a request whose upload another one completes waits for it (50 x 200 ms).
const WAIT_STEPS: usize = 50;
const WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(200);

/// What an upload's chunks all announce, the way the hidden name encodes it.
pub(crate) struct Described<'a> {
    pub(crate) uuid: uuid::Uuid,
    pub(crate) total_size: u64,
    pub(crate) chunk_size: u64,
    pub(crate) count: u64,
    pub(crate) file_name: &'a str,
}

impl Described<'_> {
    fn name(&self) -> String {
        let mut h = Sha256::new();
        for n in [self.total_size, self.chunk_size, self.count] {
            h.update(n.to_le_bytes());
        }
        h.update(self.file_name.as_bytes());
        let digest = hex(&h.finalize());
        format!("{INCOMING}/{}.{}", self.uuid, &digest[..16])
    }

    /// Where chunk `chunks` starts: the bytes of the chunks before it.
    fn offset(&self, chunks: u64) -> u64 {
        chunks.saturating_mul(self.chunk_size).min(self.total_size)
    }

    /// The exact size of chunk `index`.
    fn length(&self, index: u64) -> u64 {
        if index + 1 < self.count {
            self.chunk_size
        } else {
            self.total_size - self.chunk_size * (self.count - 1)
        }
    }
}

fn described<'a>(dz: &ChunkFields, file_name: &'a str) -> Described<'a> {
    Described {
        uuid: dz.uuid,
        total_size: dz.total_size,
        chunk_size: dz.chunk_size,
        count: dz.count,
        file_name,
    }
}

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

/// How many chunks are in, and every part's receipt if all are.
type Held = (u64, Option<Vec<PartTag>>);

/// Reads one chunk (at most its announced length, itself at most the zone's chunk size) and
/// stores it as its part. `None`: the upload is no longer pending (another request finalized
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
    // Which upload to write into is looked up while the body arrives: a read only (nothing
    // is started before the chunk proved valid), checked again once the part is written.
    let name = described(dz, file_name).name();
    let (bytes, looked_up) = tokio::join!(
        read_chunk(s3, field, first, dz, body_limit),
        winner(s3, &name)
    );
    let bytes = bytes?;
    let stored = store_chunk(s3, &bytes, dz, file_name, limits, looked_up).await;
    s3.recycle(bytes);
    stored
}

/// Stores the chunk read by [`receive`] as its part (again into the winner, when the
/// instances had not yet agreed on one upload).
async fn store_chunk(
    s3: &S3Backend,
    bytes: &Bytes,
    dz: &ChunkFields,
    file_name: &str,
    limits: PendingLimits,
    looked_up: Result<Option<PartsUpload>, StoreError>,
) -> Result<Option<StoredChunk>, UploadRejection> {
    let file = described(dz, file_name);
    let name = file.name();
    let index = usize::try_from(dz.index).map_err(|_| InvalidChunk::new("too many chunks"))?;
    let mut had_one = false;
    let mut looked_up = Some(looked_up);
    for _ in 0..ATTEMPTS {
        let found = match looked_up.take() {
            Some(found) => found,
            None => winner(s3, &name).await,
        };
        let upload = match found.map_err(failed)? {
            Some(upload) => upload,
            // It was pending a moment ago and is gone: finalized (or refused) meanwhile.
            None if had_one => return Ok(None),
            // Completed, not named: the request that completed it stopped (or is naming it);
            // `complete` finds out under the claim.
            None if hidden_exists(s3, &name).await? => {
                let (upload, listed, own) = (completed(&name), None, None);
                return Ok(Some(StoredChunk {
                    upload,
                    listed,
                    own,
                }));
            }
            None => begin(s3, &name, &file, limits).await?,
        };
        had_one = true;
        // The chunk is hashed (in memory already) while its part is being sent.
        let put = s3.put_part_bytes(&upload, index, bytes.clone());
        let (put, hashed) = tokio::join!(
            put,
            chunk_object_hash::hash_chunk(s3, &upload, index, bytes.clone())
        );
        let own = match (&put, hashed) {
            (Ok(tag), Some(state)) => {
                chunk_object_hash::save_hash(s3, &upload, state, tag.clone()).await
            }
            _ => None,
        };
        // Written or not, the part counts only if its upload is still the one all agree on.
        // Both asked only now: after this part (and the state) are in.
        let (now, listed) = tokio::join!(winner(s3, &name), held_tags(s3, &upload, &file));
        match (now.map_err(failed)?, put) {
            (Some(now), Ok(_)) if now == upload => {
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
                let _ = s3.abort_parts(&upload).await;
            }
            (None, _) => {
                if own.is_some() {
                    forget_late_hash(s3, &name).await;
                }
                return Ok(None);
            }
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
    let file = described(dz, file_name);
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
        Some((_, Some(tags))) => Some(tags),
        Some((held, None)) => {
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

/// How many chunks are in with their exact sizes, and the receipts of every part in index
/// order if all are.
async fn held_tags(
    s3: &S3Backend,
    upload: &PartsUpload,
    file: &Described<'_>,
) -> Result<Held, StoreError> {
    let parts = s3.list_parts(upload).await?;
    let mut tags: Vec<Option<PartTag>> = vec![None; file.count as usize];
    for part in parts {
        let index = part.index as u64;
        if index < file.count && part.size == file.length(index) {
            tags[part.index] = Some(part.tag);
        }
    }
    let held = tags.iter().filter(|t| t.is_some()).count() as u64;
    Ok((held, tags.into_iter().collect()))
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
            None => match held_tags(s3, upload, file).await.map_err(failed)? {
                (_, Some(tags)) => tags,
                (_, None) => return Err(failed("a part of a complete upload is gone")),
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
    let file = Described {
        uuid: asked.uuid,
        total_size: asked.total_size,
        chunk_size: asked.chunk_size,
        count: asked.count,
        file_name: &asked.file_name,
    };
    let Some(upload) = winner(s3, &file.name()).await? else {
        return Ok(Vec::new());
    };
    let parts = s3.list_parts(&upload).await?;
    Ok(parts
        .into_iter()
        .map(|p| (p.index as u64, p.size))
        .filter(|&(i, size)| i < file.count && size == file.length(i))
        .map(|(i, _)| i)
        .collect())
}

/// Keeps the type in the signatures above honest: a finished object becomes a received part.
pub(crate) fn into_received(assembled: Assembled) -> ObjectReceived {
    ObjectReceived::assembled(assembled)
}
