//! The bounds and expiry of unfinished chunked uploads in a bucket, whichever instance
//! started them: what is live under `.incoming/`, what it holds, and the sweep. Apart from
//! chunk_object.rs so that `Storage::sweep_chunks` (storage.rs, below it) reaches the sweep
//! without importing the chunk path above it.

use super::chunk_object_hash;
use super::chunk_store::PendingLimits;
use crate::store::{PartsUpload, PendingUpload, S3Backend, StoreError};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use std::time::SystemTime;

/// Where unfinished chunked uploads live, beside (never among) the stored files.
pub(crate) const INCOMING: &str = ".incoming";

/// Uploads whose parts are listed at once when the byte bound is checked.
const LOOKUPS: usize = 8;

/// The unfinished chunked uploads of every instance; those started longer ago than the
/// expiry are aborted on the way (their parts leave the bucket) and not counted.
pub(crate) async fn live_uploads(
    s3: &S3Backend,
    limits: PendingLimits,
) -> Result<Vec<PendingUpload>, StoreError> {
    let now = SystemTime::now();
    let old = |at: Option<SystemTime>| {
        at.is_some_and(|at| now.duration_since(at).is_ok_and(|age| age > limits.expiry))
    };
    let mut live = Vec::new();
    for p in s3.pending_uploads_under(INCOMING).await? {
        // Expiry counts from the last progress, as on a folder: a long upload that keeps
        // receiving chunks stays alive. Only uploads started long ago have their parts read.
        let expired = old(p.initiated_at()) && {
            match s3.list_parts(&p.upload).await {
                Ok(parts) => parts.iter().all(|part| old(part.modified)),
                // Aborted or completed already (still listed for a moment): not live.
                Err(StoreError::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            }
        };
        if expired {
            tracing::info!(upload = %p.upload.name(), "aborting an expired chunked upload");
            s3.abort_parts(&p.upload).await?;
            // Its hash state goes with it (the sweep would remove it later anyway).
            s3.delete(&chunk_object_hash::state_name(p.upload.name()))
                .await?;
        } else {
            live.push(p);
        }
    }
    Ok(live)
}

pub(crate) async fn held_bytes(
    s3: &S3Backend,
    pending: &[PendingUpload],
) -> Result<u64, StoreError> {
    let uploads: Vec<PartsUpload> = pending.iter().map(|p| p.upload.clone()).collect();
    let sizes: Vec<u64> = stream::iter(uploads)
        .map(|upload| async move {
            match s3.list_parts(&upload).await {
                Ok(parts) => Ok(parts.iter().map(|p| p.size).sum::<u64>()),
                // Aborted or completed (Garage lists such uploads for a moment): holds nothing.
                Err(StoreError::NotFound { .. }) => Ok(0),
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(LOOKUPS)
        .try_collect()
        .await?;
    Ok(sizes.into_iter().sum())
}

/// Aborts every expired chunked upload of every instance, and deletes what a stopped instance
/// left under `.incoming/` longer ago than the expiry (an assembled object never named, claim
/// flags; at most [`MAX_PAGE`](crate::store::MAX_PAGE) a sweep); returns how many of each.
pub(crate) async fn sweep(s3: &S3Backend, limits: PendingLimits) -> Result<usize, StoreError> {
    let before = s3.pending_uploads_under(INCOMING).await?.len();
    let after = live_uploads(s3, limits).await?.len();
    let mut removed = before.saturating_sub(after);
    let now = SystemTime::now();
    for object in s3.objects_under(INCOMING, crate::store::MAX_PAGE).await? {
        if now
            .duration_since(object.modified)
            .is_ok_and(|age| age > limits.expiry)
        {
            tracing::info!(name = %object.name, "removing what a stopped instance left");
            s3.delete(&object.name).await?;
            // A hash state belongs to its upload, counted above when it was aborted (a listing
            // may still show it deleted) or long stalled: not counted again.
            removed += usize::from(!object.name.ends_with(chunk_object_hash::STATE_SUFFIX));
        }
    }
    Ok(removed)
}
