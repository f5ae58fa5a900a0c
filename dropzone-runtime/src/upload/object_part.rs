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
use crate::store::{Claim, PutMeta, S3Backend};
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
    pending: Pending,
    sha256: String,
}

enum Pending {
    /// Streamed by one request; its name was chosen when it started.
    Written(PendingObject),
    /// Assembled from the parts of a chunked upload under a hidden name (chunk_object.rs);
    /// named when persisted, once the content check decided its extension.
    Assembled(Assembled),
}

/// A chunked upload's completed object under its hidden name; dropped unpersisted, it is
/// deleted (from a spawned task; [`Assembled::discard`] awaits it).
pub(crate) struct Assembled {
    s3: S3Backend,
    name: String,
    /// The upload's running hash beside it (chunk_object_hash.rs), deleted with it.
    state: String,
    size: u64,
    sha256: String,
    /// The claim that made this request the finalizer (chunk_object.rs), released only once
    /// the hidden object is gone.
    claim: Option<Claim>,
    /// Persisted or deleted: nothing left to clean up.
    settled: bool,
}

impl Assembled {
    pub(crate) fn new(s3: S3Backend, name: String, state: String, claim: Claim) -> Self {
        Assembled {
            s3,
            name,
            state,
            size: 0,
            sha256: String::new(),
            claim: Some(claim),
            settled: false,
        }
    }

    /// Its size and sha256, read back after completion.
    pub(crate) fn with(mut self, size: u64, sha256: String) -> Self {
        (self.size, self.sha256) = (size, sha256);
        self
    }

    /// Deletes the hidden object, waiting for it.
    pub(crate) async fn discard(mut self) {
        self.settled = true;
        remove(&self.s3, &self.name, &self.state, self.claim.take()).await;
    }

    /// Gives the object its stored name: a server-side copy, then the hidden one goes.
    async fn publish(self, stored_name: &str) -> Result<(), crate::store::StoreError> {
        self.s3.copy(&self.name, stored_name).await?;
        // The file is stored; a hidden copy left by a failed delete is the sweep's, not a
        // reason to take the file back.
        self.discard().await;
        Ok(())
    }
}

impl Drop for Assembled {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let (s3, name, state, claim) = (
            self.s3.clone(),
            std::mem::take(&mut self.name),
            std::mem::take(&mut self.state),
            self.claim.take(),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { remove(&s3, &name, &state, claim).await });
        }
    }
}

/// Deletes the hidden object, then its hash state, then (never before: see chunk_object.rs)
/// releases the claim.
async fn remove(s3: &S3Backend, name: &str, state: &str, claim: Option<Claim>) {
    // The hash state goes after the hidden object: a request that saved it late (a duplicate
    // chunk racing the completion) deletes it itself only once the hidden object is gone.
    for doomed in [name, state] {
        if let Err(e) = s3.delete(doomed).await {
            tracing::warn!(name = %doomed, error = %e, "could not delete an assembled upload");
            // The claim stays: a later request must not take the object for an abandoned one
            // while it is being deleted; the flag goes stale and the sweep removes them all.
            return;
        }
    }
    if let Some(claim) = claim
        && let Err(e) = claim.release().await
    {
        tracing::warn!(name = %name, error = %e, "could not release a claim");
    }
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
        Ok(ObjectReceived {
            pending: Pending::Written(pending),
            sha256,
        })
    }

    /// Abandons the part, waiting until its multipart upload is aborted.
    pub(crate) async fn discard(mut self) {
        self.writer.abort().await;
    }
}

impl ObjectReceived {
    pub(crate) fn assembled(mut assembled: Assembled) -> Self {
        let sha256 = std::mem::take(&mut assembled.sha256);
        ObjectReceived {
            pending: Pending::Assembled(assembled),
            sha256,
        }
    }

    pub(crate) fn size(&self) -> u64 {
        match &self.pending {
            Pending::Written(p) => p.size(),
            Pending::Assembled(a) => a.size,
        }
    }

    /// The stored name: fixed already, or chosen now from the decided extension.
    fn stored_name(&self, extension: Option<&str>) -> String {
        match &self.pending {
            Pending::Written(p) => p.name().to_owned(),
            Pending::Assembled(_) => new_stored_name(extension),
        }
    }

    async fn complete(self, stored_name: &str) -> Result<(), crate::store::StoreError> {
        match self.pending {
            Pending::Written(p) => p.complete().await.map(drop),
            Pending::Assembled(a) => a.publish(stored_name).await,
        }
    }

    async fn abort(self) {
        match self.pending {
            Pending::Written(p) => p.abort().await,
            Pending::Assembled(a) => a.discard().await,
        }
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
            received.stored_name(new.extension.as_deref()),
            new.original_name,
            received.size(),
            recognised_type(new.extension.as_deref()).to_owned(),
            received.sha256.clone(),
            new.zone,
            SystemTime::now(),
        );
        // The metadata first: once the object is visible, it has its metadata.
        if let Err(e) = sidecar::write_sidecar(s3, &file).await {
            received.abort().await;
            failure = Some(e);
            break;
        }
        if let Err(e) = received.complete(&file.stored_name).await {
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
        received.abort().await;
    }
    for (_, file) in &done {
        let _ = s3.delete(&file.stored_name).await;
        let _ = sidecar::remove_sidecar(s3, &file.stored_name).await;
    }
    Err(io::Error::other(e))
}
