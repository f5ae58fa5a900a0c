//! Receiving a file into object storage: the counterpart of the local part file, and its
//! persist. The object is written while the body arrives (parts sent as they fill, hashed on
//! the way) but becomes visible only in [`persist_objects`], after its metadata sidecar, so a
//! batch stays all or nothing and a refused or abandoned file leaves no object and no
//! unfinished multipart upload.

use super::media::recognised_type;
use super::storage::{NewFile, SMALL_FILE};
use crate::files::name::new_stored_name;
use crate::files::stored::hex;
use crate::files::{StoredFile, s3 as sidecar};
use crate::store::writer::{ObjectWriter, PendingObject};
use crate::store::{PutMeta, S3Backend};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::io;
use std::path::PathBuf;
use std::time::SystemTime;

/// A file part being written into an object.
pub(crate) struct ObjectPart {
    writer: ObjectWriter,
    hash: Sha256,
}

/// A file part fully written, not yet visible.
pub(crate) struct ObjectReceived {
    pending: PendingObject,
    sha256: String,
}

impl ObjectPart {
    /// A part for a file stored with `extension`: its name is chosen now, since an object's
    /// key is fixed when its multipart upload starts.
    pub(crate) fn new(s3: &S3Backend, extension: Option<&str>) -> io::Result<Self> {
        let name = new_stored_name(extension);
        let meta = PutMeta::default().content_type(recognised_type(extension));
        let writer = s3.writer(&name, meta).map_err(io::Error::other)?;
        Ok(ObjectPart {
            writer,
            hash: Sha256::new(),
        })
    }

    pub(crate) fn size(&self) -> u64 {
        self.writer.size()
    }

    pub(crate) async fn write(&mut self, chunk: &Bytes) -> io::Result<()> {
        self.hash.update(chunk);
        self.writer.write(chunk).await.map_err(io::Error::other)
    }

    /// Waits for every part; a file of at most [`SMALL_FILE`] bytes is kept in memory for one
    /// PUT at persist instead.
    pub(crate) async fn finish(self) -> io::Result<ObjectReceived> {
        let sha256 = hex(&self.hash.finalize());
        let pending = self
            .writer
            .finish(SMALL_FILE)
            .await
            .map_err(io::Error::other)?;
        Ok(ObjectReceived { pending, sha256 })
    }

    /// Abandons the part, waiting until its multipart upload is aborted.
    pub(crate) async fn discard(mut self) {
        self.writer.abort().await;
    }
}

impl ObjectReceived {
    pub(crate) fn size(&self) -> u64 {
        self.pending.size()
    }
}

/// Makes every part visible: per file, its sidecar, then its completion. All or nothing: on a
/// failure the files already completed are deleted again (with their sidecars) and the rest
/// are aborted, all awaited. Returns, per part, its key and what was kept with it.
pub(crate) async fn persist_objects(
    s3: &S3Backend,
    parts: Vec<(ObjectReceived, NewFile)>,
) -> io::Result<Vec<(PathBuf, StoredFile)>> {
    let mut done: Vec<(PathBuf, StoredFile)> = Vec::with_capacity(parts.len());
    let mut parts = parts.into_iter();
    let mut failure = None;
    for (received, new) in parts.by_ref() {
        let file = StoredFile::new(
            received.pending.name().to_owned(),
            new.original_name,
            received.size(),
            recognised_type(new.extension.as_deref()).to_owned(),
            received.sha256,
            new.zone,
            SystemTime::now(),
        );
        // The metadata first: once the object is visible, it has its metadata.
        if let Err(e) = sidecar::write_sidecar(s3, &file).await {
            received.pending.abort().await;
            failure = Some(e);
            break;
        }
        if let Err(e) = received.pending.complete().await {
            let _ = sidecar::remove_sidecar(s3, &file.stored_name).await;
            failure = Some(e);
            break;
        }
        // The key was checked when the writer was made.
        let key = s3.key(&file.stored_name).map(|k| k.to_string());
        done.push((PathBuf::from(key.unwrap_or_default()), file));
    }
    let Some(e) = failure else {
        return Ok(done);
    };
    for (received, _) in parts {
        received.pending.abort().await;
    }
    for (_, file) in &done {
        let _ = s3.delete(&file.stored_name).await;
        let _ = sidecar::remove_sidecar(s3, &file.stored_name).await;
    }
    Err(io::Error::other(e))
}
