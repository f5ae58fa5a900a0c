//! The files API on [`Storage`]: list, describe, open and delete stored files (see
//! [`crate::files`]) on the folder (`files/local.rs`, on the blocking pool, one hop per call)
//! or on object storage (`files/s3.rs`).

#[cfg(feature = "s3")]
use super::backend::Backend;
use super::storage::Storage;
use crate::files::{FileBody, FilePage, FilesError, StoredFile, local};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use std::io;
use std::ops::Range;
use std::path::PathBuf;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::spawn_blocking;

/// Bytes read from a stored file per body chunk.
const READ_CHUNK: usize = 256 * 1024;

impl Storage {
    /// One page of `zone`'s stored files, in stored-name order, after `cursor` (a previous
    /// page's [`FilePage::next`]; `None` for the first page). At most `max` files, and at
    /// most [`MAX_LIST`](crate::files::MAX_LIST) (a `max` of 0 counts as 1).
    ///
    /// A page may hold fewer files than `max` while `next` is set (each page reads a bounded
    /// number of metadata records); keep going until `next` is `None`. A cursor that is not
    /// one this API gave is [`FilesError::NotFound`].
    pub async fn list_files(
        &self,
        zone: &str,
        cursor: Option<&str>,
        max: usize,
    ) -> Result<FilePage, FilesError> {
        #[cfg(feature = "s3")]
        if let Backend::S3(s3) = self.backend() {
            return crate::files::s3::list(s3, zone, cursor, max).await;
        }
        let (dir, zone, cursor) = (self.files_dir(), zone.to_owned(), cursor.map(str::to_owned));
        blocking(move || local::list(&dir, &zone, cursor.as_deref(), max)).await
    }

    /// The metadata of `zone`'s file `stored_name`; [`FilesError::NotFound`] when the name is
    /// not a stored name, or no such file of this zone exists.
    pub async fn file_info(&self, zone: &str, stored_name: &str) -> Result<StoredFile, FilesError> {
        #[cfg(feature = "s3")]
        if let Backend::S3(s3) = self.backend() {
            return crate::files::s3::info(s3, zone, stored_name).await;
        }
        let (dir, zone, name) = (self.files_dir(), zone.to_owned(), stored_name.to_owned());
        blocking(move || local::info(&dir, &zone, &name)).await
    }

    /// Opens `zone`'s file `stored_name` for reading `range` (the whole file for `None`).
    ///
    /// A range not within the file (`start > end`, or `end` past its size) is
    /// [`FilesError::Range`]; an empty range gives an empty body. The body streams the bytes
    /// in pieces of at most 256 KiB and ends with an error if the file is shorter than its
    /// metadata says.
    pub async fn open_file(
        &self,
        zone: &str,
        stored_name: &str,
        range: Option<Range<u64>>,
    ) -> Result<FileBody, FilesError> {
        #[cfg(feature = "s3")]
        if let Backend::S3(s3) = self.backend() {
            return crate::files::s3::open(s3, zone, stored_name, range).await;
        }
        let (dir, zone, name) = (self.files_dir(), zone.to_owned(), stored_name.to_owned());
        let (file, range, data) = blocking(move || local::open(&dir, &zone, &name, range)).await?;
        let reader = tokio::fs::File::from_std(data);
        let body = read_exactly(reader, range.end - range.start).boxed();
        Ok(FileBody::new(file, range, body))
    }

    /// Deletes `zone`'s file `stored_name` and its metadata; [`FilesError::NotFound`] when it
    /// is absent or another zone's (then nothing is deleted).
    pub async fn delete_file(&self, zone: &str, stored_name: &str) -> Result<(), FilesError> {
        #[cfg(feature = "s3")]
        if let Backend::S3(s3) = self.backend() {
            return crate::files::s3::delete(s3, zone, stored_name).await;
        }
        let (dir, zone, name) = (self.files_dir(), zone.to_owned(), stored_name.to_owned());
        blocking(move || local::delete(&dir, &zone, &name)).await
    }

    fn files_dir(&self) -> PathBuf {
        self.dir().to_owned()
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, FilesError> + Send + 'static,
) -> Result<T, FilesError> {
    spawn_blocking(work).await.map_err(FilesError::backend)?
}

/// `len` bytes of `reader` as a stream; an early end is an `UnexpectedEof` error.
fn read_exactly(
    reader: impl AsyncRead + Unpin + Send + 'static,
    len: u64,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static {
    futures_util::stream::try_unfold((reader, len), |(mut reader, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(READ_CHUNK);
        let mut buf = BytesMut::with_capacity(want);
        let n = (&mut reader).take(want as u64).read_buf(&mut buf).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the stored file is shorter than its metadata says",
            ));
        }
        Ok(Some((buf.freeze(), (reader, left - n as u64))))
    })
}
