//! Multipart uploads driven part by part: a Dropzone.js chunk is one part or a few, numbered
//! from its chunk index (upload/chunk_object_layout.rs), so any instance can receive any
//! chunk, in any order, and the store itself (ListParts) says which chunks have arrived.
//! Nothing is visible until [`S3Backend::complete_parts`].

use super::config::{AWS_MAX_PART_SIZE, AWS_MAX_PARTS};
use super::error::{PutError, StoreError};
use super::meta::PutMeta;
use super::object::S3Backend;
use super::put::StoredObject;
use bytes::Bytes;
use futures_util::stream::{Stream, StreamExt};
use object_store::multipart::{MultipartStore, PartId};
use object_store::{MultipartId, PutMultipartOptions, PutPayload};
use std::pin::pin;

/// An unfinished multipart upload: its object name and the store's upload id. Both are plain
/// strings, so the pair can be kept anywhere and the upload continued by another instance.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PartsUpload {
    name: String,
    upload_id: String,
}

impl PartsUpload {
    /// An upload known by its name and id (e.g. read back from wherever they were kept).
    pub fn new(name: impl Into<String>, upload_id: impl Into<String>) -> Self {
        PartsUpload {
            name: name.into(),
            upload_id: upload_id.into(),
        }
    }

    /// The object name it will complete into, relative to the prefix.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The store's upload id.
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }
}

/// The store's receipt for one part (its ETag), needed to complete the upload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PartTag(pub String);

/// A part the store holds, from [`S3Backend::list_parts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPart {
    /// Its 0-based index (the chunk index; S3's part number minus one).
    pub index: usize,
    /// Its size in bytes.
    pub size: u64,
    /// Its receipt.
    pub tag: PartTag,
    /// When the store wrote it, if it said so in a form this client reads.
    pub modified: Option<std::time::SystemTime>,
}

impl S3Backend {
    /// Starts a multipart upload into `name`.
    pub async fn begin_parts(&self, name: &str, meta: &PutMeta) -> Result<PartsUpload, StoreError> {
        let key = self.key(name)?;
        let opts = PutMultipartOptions {
            attributes: meta.attributes()?,
            ..Default::default()
        };
        let id = self
            .inner
            .s3
            .create_multipart_opts(&key, opts)
            .await
            .map_err(StoreError::request)?;
        Ok(PartsUpload::new(name, id))
    }

    /// Sends part `index` (0-based, below 10,000). Sending an index again replaces that part.
    ///
    /// The part is held in memory whole (S3 needs its length before the first byte), so the
    /// caller bounds it: a zone's `chunk_size` is that bound, checked against the part rules by
    /// [`S3Config::check_chunk_size`](super::S3Config::check_chunk_size). Parts over 5 GiB are
    /// refused here in any case.
    pub async fn put_part<S, E>(
        &self,
        upload: &PartsUpload,
        index: usize,
        body: S,
    ) -> Result<PartTag, PutError<E>>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
    {
        if index >= AWS_MAX_PARTS {
            let max = self.inner.config.max_object_size();
            return Err(StoreError::TooLarge { max }.into());
        }
        let key = self.key(&upload.name)?;
        let mut body = pin!(body);
        let mut part = Vec::new();
        while let Some(bytes) = body.next().await {
            let bytes = bytes.map_err(PutError::Body)?;
            if part.len() + bytes.len() > AWS_MAX_PART_SIZE {
                let max = AWS_MAX_PART_SIZE as u64;
                return Err(StoreError::TooLarge { max }.into());
            }
            part.extend_from_slice(&bytes);
        }
        let id: MultipartId = upload.upload_id.clone();
        let payload = PutPayload::from(Bytes::from(part));
        let tag = self
            .inner
            .s3
            .put_part(&key, &id, index, payload)
            .await
            .map_err(StoreError::request)?;
        Ok(PartTag(tag.content_id))
    }

    /// The parts the store holds for `upload`, in index order, whichever instance sent them.
    /// [`StoreError::NotFound`] when the upload is no longer pending (completed or aborted).
    pub async fn list_parts(&self, upload: &PartsUpload) -> Result<Vec<StoredPart>, StoreError> {
        let key = self.key(&upload.name)?;
        let parts = self
            .inner
            .raw
            .list_parts(&self.inner.s3, &key, &upload.upload_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::NotFound {
                    name: upload.name.clone(),
                },
                e => e,
            })?;
        parts
            .into_iter()
            .map(|p| match p.number.checked_sub(1) {
                Some(index) => Ok(StoredPart {
                    index,
                    size: p.size,
                    tag: PartTag(p.etag),
                    modified: super::time::parse_time(&p.last_modified),
                }),
                None => Err(StoreError::Protocol("a part numbered 0".into())),
            })
            .collect()
    }

    /// Makes the object visible from `parts` (the receipts of indices `0..parts.len()`, in
    /// order). Every part but the last must meet the store's minimum part size.
    pub async fn complete_parts(
        &self,
        upload: &PartsUpload,
        parts: &[PartTag],
    ) -> Result<StoredObject, StoreError> {
        let key = self.key(&upload.name)?;
        let parts = parts
            .iter()
            .map(|t| PartId {
                content_id: t.0.clone(),
            })
            .collect();
        let done = self
            .inner
            .s3
            .complete_multipart(&key, &upload.upload_id, parts)
            .await
            .map_err(StoreError::request)?;
        let head = self.head(&upload.name).await?;
        Ok(StoredObject {
            name: upload.name.clone(),
            size: head.info.size,
            etag: done.e_tag,
        })
    }

    /// Abandons `upload`: the store drops every part it holds.
    pub async fn abort_parts(&self, upload: &PartsUpload) -> Result<(), StoreError> {
        let key = self.key(&upload.name)?;
        self.inner
            .s3
            .abort_multipart(&key, &upload.upload_id)
            .await
            .map_err(StoreError::request)
    }

    /// Every unfinished multipart upload under the prefix (streamed and part-by-part alike):
    /// what a sweep of abandoned uploads aborts, and what must be empty after a refused one.
    pub async fn pending_uploads(&self) -> Result<Vec<PendingUpload>, StoreError> {
        let prefix = self.list_prefix().unwrap_or_default();
        self.pending_uploads_with(&prefix).await
    }

    /// The unfinished multipart uploads whose keys start with `prefix` (a whole key prefix).
    pub(crate) async fn pending_uploads_with(
        &self,
        prefix: &str,
    ) -> Result<Vec<PendingUpload>, StoreError> {
        let raw = self.inner.raw.list_uploads(&self.inner.s3, prefix).await?;
        Ok(raw
            .into_iter()
            .filter_map(|u| {
                let name = self.name_of(&u.key)?.to_owned();
                Some(PendingUpload {
                    upload: PartsUpload::new(name, u.upload_id),
                    initiated: u.initiated,
                })
            })
            .collect())
    }
}

/// An unfinished multipart upload, from [`S3Backend::pending_uploads`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingUpload {
    /// Its name and id.
    pub upload: PartsUpload,
    /// When it was started, as the store wrote it (ISO 8601).
    pub initiated: String,
}
