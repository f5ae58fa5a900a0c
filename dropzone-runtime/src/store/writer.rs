//! An object written piece by piece as a request body arrives, made visible only when the
//! caller says so: the S3 counterpart of the local `.part-*` file.
//!
//! Bytes are copied into parts of exactly `part_size` bytes (the last may be shorter); a full
//! part is sent at once, and the next one is filled only while fewer than `max_concurrency`
//! are in flight, so a writer holds at most `max_concurrency * part_size` bytes whatever the
//! object's size. The multipart upload is created with the first full part. [`ObjectWriter::finish`] waits for every part and
//! returns a [`PendingObject`]: still invisible, until [`PendingObject::complete`]. A writer or
//! pending object dropped (a refused file, a failed batch, a client gone mid-body) aborts its
//! multipart upload, so no parts are left behind.

use super::config::AWS_MAX_PARTS;
use super::error::StoreError;
use super::meta::PutMeta;
use super::object::S3Backend;
use super::put::Multipart;
use bytes::Bytes;
use object_store::PutMultipartOptions;
use object_store::multipart::MultipartStore;
use object_store::path::Path;
use std::mem;

/// The smallest step a part buffer grows by: small bodies never reserve a whole part.
const GROW_STEP: usize = 64 * 1024;

/// An object being written; see the module documentation.
pub(crate) struct ObjectWriter {
    store: S3Backend,
    name: String,
    key: Path,
    meta: PutMeta,
    /// The part being filled.
    part: Vec<u8>,
    /// Created with the first full part.
    upload: Option<Multipart>,
    size: u64,
}

/// A written object not yet visible; dropped, it is aborted.
pub(crate) struct PendingObject {
    store: S3Backend,
    name: String,
    key: Path,
    meta: PutMeta,
    size: u64,
    state: State,
}

enum State {
    /// Small enough to be kept in memory: one PUT at completion.
    Whole(Bytes),
    /// Every part sent and acknowledged.
    Parts(Multipart),
}

impl S3Backend {
    /// A writer into the object `name`, stored with `meta` (checked now).
    pub(crate) fn writer(&self, name: &str, meta: PutMeta) -> Result<ObjectWriter, StoreError> {
        let key = self.key(name)?;
        meta.attributes()?;
        Ok(ObjectWriter {
            store: self.clone(),
            name: name.to_owned(),
            key,
            meta,
            part: Vec::new(),
            upload: None,
            size: 0,
        })
    }
}

impl ObjectWriter {
    /// Bytes written so far.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Appends `data`, sending each part as it fills. On an error the upload is aborted.
    pub(crate) async fn write(&mut self, mut data: &[u8]) -> Result<(), StoreError> {
        let part_size = self.store.inner.config.part_size;
        while !data.is_empty() {
            let take = data.len().min(part_size - self.part.len());
            self.reserve(take, part_size);
            self.part.extend_from_slice(&data[..take]);
            data = &data[take..];
            self.size += take as u64;
            if self.part.len() == part_size
                && let Err(e) = self.send_part().await
            {
                self.abort().await;
                return Err(e);
            }
        }
        Ok(())
    }

    fn reserve(&mut self, take: usize, part_size: usize) {
        if self.part.capacity() - self.part.len() >= take {
            return;
        }
        // Once a part went out the object is large: reuse a sent part's buffer, or take a
        // whole part at once rather than growing (and copying) it step by step again.
        if self.part.is_empty()
            && let Some(spare) = self.upload.as_mut().and_then(Multipart::take_spare)
        {
            self.part = spare;
            if self.part.capacity() >= take {
                return;
            }
        }
        let want = if self.upload.is_some() {
            part_size
        } else {
            (self.part.capacity() * 2)
                .max(self.part.len() + take)
                .max(GROW_STEP)
                .min(part_size)
        };
        self.part.reserve_exact(want - self.part.len());
    }

    async fn send_part(&mut self) -> Result<(), StoreError> {
        let upload = match &mut self.upload {
            Some(upload) => upload,
            None => {
                let opts = PutMultipartOptions {
                    attributes: self.meta.attributes()?,
                    ..Default::default()
                };
                let s3 = self.store.inner.s3.clone();
                let id = s3
                    .create_multipart_opts(&self.key, opts)
                    .await
                    .map_err(StoreError::request)?;
                self.upload.insert(Multipart::new(s3, self.key.clone(), id))
            }
        };
        if upload.sent == AWS_MAX_PARTS {
            let max = self.store.inner.config.max_object_size();
            return Err(StoreError::TooLarge { max });
        }
        let max = self.store.inner.config.max_concurrency;
        upload.wait_below(max).await?;
        upload.send(Bytes::from(mem::take(&mut self.part)));
        // The next part is filled only once a buffer is free: `max_concurrency` part buffers
        // in all, not one more. Filling one from the network takes milliseconds against a
        // part's tens of milliseconds to the store, so the parts in flight stay at the
        // maximum nearly all the time, and a part's worth of memory is saved.
        upload.wait_below(max).await?;
        Ok(())
    }

    /// Sends what is left and waits for every part; nothing is visible yet. An object of at
    /// most `keep_whole` bytes that never filled a part stays in memory instead, for one PUT
    /// at completion. On an error the upload is aborted.
    pub(crate) async fn finish(mut self, keep_whole: usize) -> Result<PendingObject, StoreError> {
        if self.upload.is_none() && self.part.len() <= keep_whole {
            let body = Bytes::from(mem::take(&mut self.part));
            return Ok(self.pending(State::Whole(body)));
        }
        if (!self.part.is_empty() || self.upload.is_none())
            && let Err(e) = self.send_part().await
        {
            self.abort().await;
            return Err(e);
        }
        let mut upload = self.upload.take().expect("a part was sent");
        if let Err(e) = upload.wait_below(1).await {
            upload.abort().await;
            return Err(e);
        }
        Ok(self.pending(State::Parts(upload)))
    }

    fn pending(self, state: State) -> PendingObject {
        PendingObject {
            store: self.store,
            name: self.name,
            key: self.key,
            meta: self.meta,
            size: self.size,
            state,
        }
    }

    /// Abandons the object: aborts the multipart upload (awaited) if one was started.
    pub(crate) async fn abort(&mut self) {
        if let Some(upload) = self.upload.take() {
            upload.abort().await;
        }
    }
}

impl PendingObject {
    /// The object's name, relative to the prefix.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Its size in bytes.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// Makes the object visible (atomically, as S3 completes an upload); returns its entity
    /// tag. On an error nothing is visible and the upload is aborted.
    pub(crate) async fn complete(self) -> Result<Option<String>, StoreError> {
        match self.state {
            State::Whole(body) => {
                let put = self
                    .store
                    .put_whole(&self.key, body.into(), &self.meta)
                    .await?;
                Ok(put.e_tag)
            }
            State::Parts(upload) => upload.complete().await,
        }
    }

    /// Abandons the object, waiting for the abort (dropping it aborts from a spawned task).
    pub(crate) async fn abort(self) {
        if let State::Parts(upload) = self.state {
            upload.abort().await;
        }
    }
}
