//! A file part being received, whichever backend it goes to: the two kinds behind one small
//! enum, so the receive loop reads the same for both and the folder path keeps its own code.

use super::backend::Backend;
#[cfg(feature = "s3")]
use super::object_part::{self, ObjectPart, ObjectReceived};
use super::storage::{LocalPart, LocalReceived, NewFile, Storage};
use crate::files::StoredFile;
use bytes::Bytes;
use std::io;
use std::path::PathBuf;

/// A file part being received.
pub(crate) enum PartFile {
    Local(LocalPart),
    /// Boxed: a writer with its multipart upload is large.
    #[cfg(feature = "s3")]
    Object(Box<ObjectPart>),
}

/// A file part whose bytes are all received, waiting for the request to finish; dropped, it
/// leaves nothing.
pub(crate) enum ReceivedPart {
    Local(LocalReceived),
    /// Boxed: a pending multipart upload is large, and parts travel by value.
    #[cfg(feature = "s3")]
    Object(Box<ObjectReceived>),
}

impl Storage {
    /// A part for one file of a request, stored with `extension` (decided by its content).
    pub(crate) async fn create_part(&self, extension: Option<&str>) -> io::Result<PartFile> {
        match self.backend() {
            Backend::Folder => {
                let _ = extension; // the folder picks the name at persist
                Ok(PartFile::Local(self.create_local_part().await?))
            }
            #[cfg(feature = "s3")]
            Backend::S3(s3) => Ok(PartFile::Object(Box::new(ObjectPart::new(s3, extension)?))),
        }
    }

    /// Gives every received part its final name, with its metadata, all or nothing; see
    /// [`Storage::persist_local`] and [`object_part::persist_objects`].
    pub(crate) async fn persist_all(
        &self,
        parts: Vec<(ReceivedPart, NewFile)>,
    ) -> io::Result<Vec<(PathBuf, StoredFile)>> {
        match self.backend() {
            Backend::Folder => {
                let local = parts
                    .into_iter()
                    .map(|(part, new)| match part {
                        ReceivedPart::Local(part) => Ok((part, new)),
                        #[cfg(feature = "s3")]
                        ReceivedPart::Object(_) => Err(mismatch()),
                    })
                    .collect::<io::Result<Vec<_>>>()?;
                self.persist_local(local).await
            }
            #[cfg(feature = "s3")]
            Backend::S3(s3) => {
                let objects = parts
                    .into_iter()
                    .map(|(part, new)| match part {
                        ReceivedPart::Object(part) => Ok((*part, new)),
                        ReceivedPart::Local(_) => Err(mismatch()),
                    })
                    .collect::<io::Result<Vec<_>>>()?;
                object_part::persist_objects(s3, objects).await
            }
        }
    }
}

#[cfg(feature = "s3")]
fn mismatch() -> io::Error {
    io::Error::other("a part of another storage backend")
}

impl PartFile {
    /// Bytes accepted so far.
    pub(crate) fn size(&self) -> u64 {
        match self {
            PartFile::Local(part) => part.size(),
            #[cfg(feature = "s3")]
            PartFile::Object(part) => part.size(),
        }
    }

    pub(crate) async fn write(&mut self, chunk: &Bytes) -> io::Result<()> {
        match self {
            PartFile::Local(part) => part.write(chunk).await,
            #[cfg(feature = "s3")]
            PartFile::Object(part) => part.write(chunk).await,
        }
    }

    pub(crate) async fn finish(self) -> io::Result<ReceivedPart> {
        match self {
            PartFile::Local(part) => part.finish().await.map(ReceivedPart::Local),
            #[cfg(feature = "s3")]
            PartFile::Object(part) => part
                .finish()
                .await
                .map(|part| ReceivedPart::Object(Box::new(part))),
        }
    }

    /// Abandons the part now (a refused file), waiting until nothing of it is left: the
    /// folder's part file deleted once its write in flight returned, an object store's
    /// multipart upload aborted.
    pub(crate) async fn discard(self) {
        match self {
            PartFile::Local(part) => part.discard().await,
            #[cfg(feature = "s3")]
            PartFile::Object(part) => part.discard().await,
        }
    }
}

impl ReceivedPart {
    /// A finished file assembled in the folder (a chunked upload) whose bytes have this
    /// `sha256`; `path` is deleted when the part is dropped unpersisted.
    pub(crate) fn from_file(
        file: std::fs::File,
        path: PathBuf,
        size: u64,
        sha256: [u8; 32],
    ) -> io::Result<Self> {
        LocalReceived::from_file(file, path, size, sha256).map(ReceivedPart::Local)
    }

    pub(crate) fn size(&self) -> u64 {
        match self {
            ReceivedPart::Local(part) => part.size,
            #[cfg(feature = "s3")]
            ReceivedPart::Object(part) => part.size(),
        }
    }
}
