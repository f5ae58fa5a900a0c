//! What chunked uploads need of the store beyond `parts.rs`: the unfinished uploads into one
//! name (to agree on one of them when several instances started one at once), when an upload
//! was started (for expiry), and a server-side copy (the content check decides a chunked
//! file's extension only once every part is in, after its key was fixed).

use super::config::{AWS_MAX_PART_SIZE, AWS_MAX_PARTS};
use super::error::StoreError;
use super::meta::ObjectInfo;
use super::object::{MAX_PAGE, S3Backend, not_found_or};
use super::parts::{PartTag, PartsUpload, PendingUpload};
use super::time::parse_time;
use bytes::{Bytes, BytesMut};
use futures_util::TryStreamExt;
use object_store::list::{PaginatedListOptions, PaginatedListStore};
use object_store::multipart::{MultipartStore, PartId};
use object_store::{ObjectStoreExt, PutPayload};
use std::sync::atomic::Ordering;
use std::time::SystemTime;

impl S3Backend {
    /// The unfinished multipart uploads into exactly `name`, in the order every instance
    /// agrees on: oldest first, ties broken by upload id. The first is the one to use.
    pub async fn pending_uploads_of(&self, name: &str) -> Result<Vec<PendingUpload>, StoreError> {
        let key = self.key(name)?;
        let raw = self
            .inner
            .raw
            .list_uploads(&self.inner.s3, key.as_ref())
            .await?;
        let mut found: Vec<PendingUpload> = raw
            .into_iter()
            .filter(|u| u.key == key.as_ref())
            .map(|u| PendingUpload {
                upload: PartsUpload::new(name, u.upload_id),
                initiated: u.initiated,
            })
            .collect();
        found.sort_by(|a, b| {
            let at = |p: &PendingUpload| parse_time(&p.initiated);
            at(a)
                .cmp(&at(b))
                .then_with(|| a.upload.upload_id().cmp(b.upload.upload_id()))
        });
        Ok(found)
    }

    /// The unfinished multipart uploads whose names start with `dir/`.
    pub async fn pending_uploads_under(&self, dir: &str) -> Result<Vec<PendingUpload>, StoreError> {
        let prefix = format!("{}/", self.key(dir)?);
        self.pending_uploads_with(&prefix).await
    }

    /// Copies the object `from` to `to` inside the bucket, without its bytes passing through
    /// this process.
    pub async fn copy(&self, from: &str, to: &str) -> Result<(), StoreError> {
        let (source, target) = (self.key(from)?, self.key(to)?);
        self.inner
            .s3
            .copy(&source, &target)
            .await
            .map_err(|e| not_found_or(e, from))
    }
}

impl S3Backend {
    /// Whether `upload` is still unfinished (neither completed nor aborted).
    pub async fn is_pending(&self, upload: &PartsUpload) -> Result<bool, StoreError> {
        let pending = self.pending_uploads_of(upload.name()).await?;
        Ok(pending.iter().any(|p| p.upload == *upload))
    }

    /// Completes `upload` from `parts`: `true` when this call completed it, `false` when it
    /// failed because the upload is no longer pending (completed or aborted meanwhile). Not
    /// exclusive on its own (Garage completes an upload twice if asked twice at once): callers
    /// that must finalize once hold a [`claim`](S3Backend::claim) around it.
    pub async fn complete_if_pending(
        &self,
        upload: &PartsUpload,
        parts: &[PartTag],
    ) -> Result<bool, StoreError> {
        let key = self.key(upload.name())?;
        let parts = parts
            .iter()
            .map(|t| PartId {
                content_id: t.0.clone(),
            })
            .collect();
        let done = self
            .inner
            .s3
            .complete_multipart(&key, &upload.upload_id().to_owned(), parts)
            .await;
        match done {
            Ok(_) => Ok(true),
            Err(e) if self.is_pending(upload).await? => Err(StoreError::request(e)),
            Err(_) => Ok(false),
        }
    }
}

impl S3Backend {
    /// Up to `max` objects (at most [`MAX_PAGE`]) under `dir/`, with their times: what a
    /// sweep looks at for objects a stopped instance left (a chunked upload assembled but not
    /// yet named, a claim flag).
    pub async fn objects_under(
        &self,
        dir: &str,
        max: usize,
    ) -> Result<Vec<ObjectInfo>, StoreError> {
        let prefix = format!("{}/", self.key(dir)?);
        let opts = PaginatedListOptions {
            max_keys: Some(max.clamp(1, MAX_PAGE)),
            ..Default::default()
        };
        let listed = self
            .inner
            .s3
            .list_paginated(Some(&prefix), opts)
            .await
            .map_err(StoreError::request)?;
        Ok(listed
            .result
            .objects
            .iter()
            .filter_map(|meta| {
                let name = self.name_of(meta.location.as_ref())?.to_owned();
                Some(ObjectInfo::new(name, meta))
            })
            .collect())
    }
}

impl S3Backend {
    /// [`put_part`](S3Backend::put_part) of a part already in memory, sent as it is (no copy).
    pub async fn put_part_bytes(
        &self,
        upload: &PartsUpload,
        index: usize,
        part: Bytes,
    ) -> Result<PartTag, StoreError> {
        if index >= AWS_MAX_PARTS || part.len() > AWS_MAX_PART_SIZE {
            let max = self.inner.config.max_object_size();
            return Err(StoreError::TooLarge { max });
        }
        let key = self.key(upload.name())?;
        let tag = self
            .inner
            .s3
            .put_part(
                &key,
                &upload.upload_id().to_owned(),
                index,
                PutPayload::from(part),
            )
            .await
            .map_err(StoreError::request)?;
        Ok(PartTag(tag.content_id))
    }
}

impl S3Backend {
    /// Stores a small `body` under `name` in one request, replacing what was there (a
    /// chunked upload's running hash, chunk_hash.rs).
    pub(crate) async fn put_small(&self, name: &str, body: Bytes) -> Result<(), StoreError> {
        let key = self.key(name)?;
        self.put_whole(
            &key,
            PutPayload::from(body),
            &super::meta::PutMeta::default(),
        )
        .await
        .map(drop)
    }

    /// The bytes of the small object `name`: `None` when it is missing or larger than `max`
    /// (then it is not what the caller stored).
    pub(crate) async fn get_small(
        &self,
        name: &str,
        max: usize,
    ) -> Result<Option<Bytes>, StoreError> {
        let body = match self.get(name, None).await {
            Ok(body) => body,
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if body.range.end - body.range.start > max as u64 {
            return Ok(None);
        }
        let parts: Vec<Bytes> = body.stream.try_collect().await?;
        Ok(Some(parts.concat().into()))
    }

    /// An empty buffer for a chunk of `len` bytes: one given back by
    /// [`recycle`](Self::recycle) if one is large enough. Allocating a fresh chunk-sized
    /// buffer for every chunk let the allocator keep freed ones in its per-thread arenas
    /// (peak RSS 40 MiB for 10 MiB chunks sent one after another).
    pub(crate) fn chunk_buffer(&self, len: usize) -> BytesMut {
        let mut spare = self.inner.spare.lock().unwrap_or_else(|e| e.into_inner());
        match spare.iter().position(|b| b.capacity() >= len) {
            Some(i) => spare.swap_remove(i),
            None => BytesMut::with_capacity(len),
        }
    }

    /// Gives back a chunk's buffer once nothing else holds its bytes; at most as many are kept
    /// as parts of one upload are sent at once, so idle memory stays bounded.
    pub(crate) fn recycle(&self, bytes: Bytes) {
        let Ok(mut buffer) = bytes.try_into_mut() else {
            return;
        };
        buffer.clear();
        let mut spare = self.inner.spare.lock().unwrap_or_else(|e| e.into_inner());
        if spare.len() < self.inner.config.max_concurrency {
            spare.push(buffer);
        }
    }

    /// Counts `n` bytes of an assembled chunked upload read back to hash it.
    pub(crate) fn count_read_back(&self, n: u64) {
        self.inner.read_back.fetch_add(n, Ordering::Relaxed);
    }

    /// How many bytes of assembled chunked uploads this backend (and its clones) read back
    /// to hash them: the observable the tests use to see that an upload received in order is
    /// hashed without downloading it.
    #[doc(hidden)]
    pub fn chunked_bytes_read_back(&self) -> u64 {
        self.inner.read_back.load(Ordering::Relaxed)
    }
}

/// Names whose upload is remembered at most; past that the memory starts again (a miss only
/// costs a listing).
const MAX_KNOWN: usize = 1024;

impl S3Backend {
    /// The multipart upload this instance last saw agreed on for `name`: a hint that saves
    /// listing the uploads before each chunk. The caller still checks, once its part is in,
    /// that it is the upload all agree on, and forgets it when not.
    pub(crate) fn known_upload(&self, name: &str) -> Option<PartsUpload> {
        self.in_use().get(name).cloned()
    }

    /// Remembers `upload` as the one agreed on for its name.
    pub(crate) fn remember_upload(&self, upload: &PartsUpload) {
        let mut known = self.in_use();
        if known.len() >= MAX_KNOWN && !known.contains_key(upload.name()) {
            known.clear();
        }
        known.insert(upload.name().to_owned(), upload.clone());
    }

    /// Forgets the upload remembered for `name` (completed, aborted, or not the one agreed on).
    pub(crate) fn forget_upload(&self, name: &str) {
        self.in_use().remove(name);
    }

    fn in_use(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, PartsUpload>> {
        self.inner.in_use.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PendingUpload {
    /// When the store says it was started; `None` if it wrote a time this client cannot read.
    pub fn initiated_at(&self) -> Option<SystemTime> {
        parse_time(&self.initiated)
    }
}
