//! The S3 side of a storage backend: one bucket and key prefix, reached through `object_store`.
//!
//! Names given to and returned by [`S3Backend`] are relative to the prefix; every key is
//! `prefix/name`. Streamed writes are in [`put`](super::put), the listings `object_store` does not
//! offer in [`s3api`](super::s3api).

use super::config::S3Config;
use super::error::StoreError;
use super::meta::{ObjectHead, ObjectInfo, PutMeta};
use super::s3api::RawApi;
use super::url::{S3Location, check_segment};
use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::list::{PaginatedListOptions, PaginatedListStore};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};
use std::ops::Range;
use std::sync::Arc;

/// Most objects one [`S3Backend::list`] page returns (S3's own maximum).
pub const MAX_PAGE: usize = 1000;

/// A bucket and key prefix of S3-compatible object storage, as an upload backend.
///
/// Cheap to clone; every clone shares one connection pool. Built from a
/// [`StorageUrl::S3`](super::StorageUrl::S3) plus the usual `AWS_*` environment variables
/// (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
/// `AWS_ALLOW_HTTP`, …; see `object_store`'s `AmazonS3Builder::from_env`).
#[derive(Clone, Debug)]
pub struct S3Backend {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) s3: Arc<AmazonS3>,
    pub(crate) raw: RawApi,
    /// Without trailing `/`; empty for the whole bucket.
    pub(crate) prefix: String,
    pub(crate) config: S3Config,
    /// Bytes of assembled chunked uploads read back (see `chunked_bytes_read_back`).
    pub(crate) read_back: std::sync::atomic::AtomicU64,
    /// Chunk buffers given back once their part was sent (see `chunk_buffer`).
    pub(crate) spare: std::sync::Mutex<Vec<bytes::BytesMut>>,
    /// The multipart upload last agreed on for a chunked upload's name (see `known_upload`).
    pub(crate) in_use: std::sync::Mutex<std::collections::HashMap<String, super::PartsUpload>>,
}

/// One page of [`S3Backend::list`].
#[derive(Clone, Debug)]
pub struct ListPage {
    /// The objects of this page.
    pub objects: Vec<ObjectInfo>,
    /// Pass to the next call for the following page; `None` on the last page.
    pub next_page: Option<String>,
}

/// An object opened by [`S3Backend::get`].
pub struct ObjectBody {
    /// What is stored with it.
    pub head: ObjectHead,
    /// The byte range the stream holds.
    pub range: Range<u64>,
    /// The bytes, fetched as they are read.
    pub stream: BoxStream<'static, Result<Bytes, StoreError>>,
}

impl std::fmt::Debug for ObjectBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectBody")
            .field("head", &self.head)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

impl S3Backend {
    /// A backend on `location`, configured from the `AWS_*` environment variables.
    ///
    /// Fails with [`StoreError::Config`] when `config` breaks the part-size rules or the
    /// environment lacks what a client needs; nothing is sent to the store yet.
    pub fn connect(location: &S3Location, config: S3Config) -> Result<Self, StoreError> {
        config.validate()?;
        let builder = AmazonS3Builder::from_env().with_bucket_name(location.bucket());
        let raw = RawApi::new(&builder, location.bucket())?;
        let s3 = builder.build().map_err(|e| StoreError::Config(e.into()))?;
        Ok(S3Backend {
            inner: Arc::new(Inner {
                s3: Arc::new(s3),
                raw,
                prefix: location.prefix().to_owned(),
                config,
                read_back: Default::default(),
                spare: Default::default(),
                in_use: Default::default(),
            }),
        })
    }

    /// The part sizes and concurrency in force.
    pub fn config(&self) -> &S3Config {
        &self.inner.config
    }

    /// The key of `name`; the one place names are checked, so no key escapes the prefix.
    pub(crate) fn key(&self, name: &str) -> Result<Path, StoreError> {
        let bad = || StoreError::Name(name.to_owned());
        for segment in name.split('/') {
            check_segment(segment).map_err(|()| bad())?;
        }
        let key = if self.inner.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.inner.prefix)
        };
        Path::parse(key).map_err(|_| bad())
    }

    /// `name` of a key listed under the prefix.
    pub(crate) fn name_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        if self.inner.prefix.is_empty() {
            return Some(key);
        }
        key.strip_prefix(self.inner.prefix.as_str())?
            .strip_prefix('/')
    }

    /// The key prefix listings use (with its trailing `/`), `None` for the whole bucket.
    pub(crate) fn list_prefix(&self) -> Option<String> {
        (!self.inner.prefix.is_empty()).then(|| format!("{}/", self.inner.prefix))
    }

    /// Up to `max` objects (at most [`MAX_PAGE`]) under the prefix, in key order, starting
    /// after the page `page` names (`None`: the first page).
    pub async fn list(&self, page: Option<&str>, max: usize) -> Result<ListPage, StoreError> {
        let opts = PaginatedListOptions {
            max_keys: Some(max.clamp(1, MAX_PAGE)),
            page_token: page.map(str::to_owned),
            ..Default::default()
        };
        let prefix = self.list_prefix();
        let listed = self
            .inner
            .s3
            .list_paginated(prefix.as_deref(), opts)
            .await
            .map_err(StoreError::request)?;
        let objects = listed
            .result
            .objects
            .into_iter()
            .filter_map(|meta| {
                let name = self.name_of(meta.location.as_ref())?.to_owned();
                Some(ObjectInfo::new(name, &meta))
            })
            .collect();
        Ok(ListPage {
            objects,
            next_page: listed.page_token,
        })
    }

    /// Names of up to `max` objects under `<prefix>/<dir>/`, in key order, after the name
    /// `after` (relative to the prefix); `true` when more follow.
    pub(crate) async fn list_under(
        &self,
        dir: &str,
        after: Option<&str>,
        max: usize,
    ) -> Result<(Vec<String>, bool), StoreError> {
        let prefix = format!("{}{dir}/", self.list_prefix().unwrap_or_default());
        let offset = after.map(|a| self.key(a)).transpose()?;
        let opts = PaginatedListOptions {
            max_keys: Some(max.clamp(1, MAX_PAGE)),
            offset: offset.map(|k| k.to_string()),
            ..Default::default()
        };
        let listed = self
            .inner
            .s3
            .list_paginated(Some(&prefix), opts)
            .await
            .map_err(StoreError::request)?;
        let names = listed
            .result
            .objects
            .iter()
            .filter_map(|meta| self.name_of(meta.location.as_ref()).map(str::to_owned))
            .collect();
        Ok((names, listed.page_token.is_some()))
    }

    /// What is stored with `name`, without its bytes.
    pub async fn head(&self, name: &str) -> Result<ObjectHead, StoreError> {
        let opts = GetOptions {
            head: true,
            ..Default::default()
        };
        let got = self.get_opts(name, opts).await?;
        Ok(ObjectHead::new(name.to_owned(), &got.meta, &got.attributes))
    }

    /// Opens `name` as a stream, whole or only `range` (which must start inside the object;
    /// its end is clipped to the object's size).
    pub async fn get(
        &self,
        name: &str,
        range: Option<Range<u64>>,
    ) -> Result<ObjectBody, StoreError> {
        let opts = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        let got = self.get_opts(name, opts).await?;
        let head = ObjectHead::new(name.to_owned(), &got.meta, &got.attributes);
        let range = got.range.clone();
        let stream = got
            .into_stream()
            .map(|r| r.map_err(StoreError::request))
            .boxed();
        Ok(ObjectBody {
            head,
            range,
            stream,
        })
    }

    async fn get_opts(
        &self,
        name: &str,
        opts: GetOptions,
    ) -> Result<object_store::GetResult, StoreError> {
        let key = self.key(name)?;
        self.inner
            .s3
            .get_opts(&key, opts)
            .await
            .map_err(|e| not_found_or(e, name))
    }

    /// Deletes `name`. Deleting a missing object succeeds (S3 semantics), so a retried delete
    /// is harmless.
    pub async fn delete(&self, name: &str) -> Result<(), StoreError> {
        let key = self.key(name)?;
        self.inner
            .s3
            .delete(&key)
            .await
            .map_err(|e| not_found_or(e, name))
            .or_else(|e| match e {
                StoreError::NotFound { .. } => Ok(()),
                e => Err(e),
            })
    }

    /// Stores a small body in one request (visible at once, atomically).
    pub(crate) async fn put_whole(
        &self,
        key: &Path,
        body: object_store::PutPayload,
        meta: &PutMeta,
    ) -> Result<object_store::PutResult, StoreError> {
        let opts = object_store::PutOptions {
            attributes: meta.attributes()?,
            ..Default::default()
        };
        self.inner
            .s3
            .put_opts(key, body, opts)
            .await
            .map_err(StoreError::request)
    }
}

pub(crate) fn not_found_or(err: object_store::Error, name: &str) -> StoreError {
    match err {
        object_store::Error::NotFound { .. } => StoreError::NotFound {
            name: name.to_owned(),
        },
        e => StoreError::request(e),
    }
}
