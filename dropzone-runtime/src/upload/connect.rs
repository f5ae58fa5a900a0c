//! Building a [`Storage`] on any backend, and the backend's rules checked against a zone when
//! the router is built (never at the first upload).

use super::backend::Backend;
use super::storage::Storage;
use crate::DropzoneConfig;
use crate::store::StorageUrl;
#[cfg(feature = "s3")]
use crate::store::{PartSizeError, S3Backend, S3Config, StoreError};
use std::fmt;

/// Why [`Storage::connect`] could not make a storage. Names no secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConnectError {
    /// The upload folder cannot be created or is not a folder.
    Folder(std::io::Error),
    /// The object-store client could not be configured (bucket, `AWS_*` variables, part
    /// sizes).
    #[cfg(feature = "s3")]
    ObjectStore(StoreError),
    /// An `s3://` location, in a build without the runtime's `s3` feature.
    NoS3Feature,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Folder(e) => write!(f, "the upload folder cannot be used: {e}"),
            #[cfg(feature = "s3")]
            ConnectError::ObjectStore(e) => write!(f, "{e}"),
            ConnectError::NoS3Feature => f.write_str(
                "s3:// storage needs dropzone-runtime's `s3` feature; enable it in Cargo.toml",
            ),
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectError::Folder(e) => Some(e),
            #[cfg(feature = "s3")]
            ConnectError::ObjectStore(e) => Some(e),
            ConnectError::NoS3Feature => None,
        }
    }
}

/// A zone whose options this storage's backend cannot serve; says what to change.
#[derive(Debug)]
#[non_exhaustive]
pub enum ZoneCheckError {
    /// The zone's chunks would be refused as multipart parts (S3's minimum part size, from
    /// `S3Config::min_part_size`).
    #[cfg(feature = "s3")]
    PartSize(PartSizeError),
}

impl fmt::Display for ZoneCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = &f; // every variant needs the `s3` feature
        match *self {
            #[cfg(feature = "s3")]
            ZoneCheckError::PartSize(ref e) => write!(
                f,
                "{e}; S3Config::min_part_size is the DROPZONE_S3_MIN_PART_SIZE setting"
            ),
        }
    }
}

impl std::error::Error for ZoneCheckError {}

impl Storage {
    /// A storage whose files go to S3-compatible object storage (no local folder is used).
    ///
    /// A file is streamed into a multipart upload while it arrives (constant memory, no local
    /// copy) and becomes visible only when the whole request succeeded; a refused, failed or
    /// abandoned upload leaves no object and no unfinished multipart upload.
    #[cfg(feature = "s3")]
    pub fn s3(backend: S3Backend) -> Self {
        Storage::with_backend(Backend::S3(backend))
    }

    /// A storage on `location`: a folder (created now, as [`Storage::try_new`]) or, with the
    /// `s3` feature, an `s3://bucket/prefix` with `S3Config::default()` and the `AWS_*`
    /// environment variables. Nothing is sent to the store yet.
    pub fn connect(location: &StorageUrl) -> Result<Self, ConnectError> {
        match location {
            StorageUrl::Folder(dir) => Storage::try_new(dir).map_err(ConnectError::Folder),
            #[cfg(feature = "s3")]
            StorageUrl::S3(s3) => S3Backend::connect(s3, S3Config::default())
                .map(Storage::s3)
                .map_err(ConnectError::ObjectStore),
            #[cfg(not(feature = "s3"))]
            StorageUrl::S3(_) => Err(ConnectError::NoS3Feature),
        }
    }

    /// Checks zone `Z`'s options against this storage's backend: call it while building the
    /// router, so that a zone the backend cannot serve stops the start-up with a message
    /// saying what to change, never an upload.
    ///
    /// Today: on object storage, a zone's `chunk_size` must be a valid multipart part size
    /// (at least `S3Config::min_part_size`, AWS's 5 MiB by default): each chunk is one or
    /// more parts of a multipart upload (`S3Config::chunk_split`). A folder accepts every zone.
    ///
    /// ```
    /// # use dropzone_runtime::upload::Storage;
    /// # struct Photos;
    /// # impl dropzone_runtime::DropzoneConfig for Photos {
    /// #     const OPTIONS: &'static dropzone_runtime::Options = &dropzone_runtime::Options::DEFAULT;
    /// # }
    /// let storage = Storage::new(std::env::temp_dir().join("dropzone-doc-check"));
    /// storage.check_zone::<Photos>().expect("a folder takes every zone");
    /// ```
    pub fn check_zone<Z: DropzoneConfig>(&self) -> Result<(), ZoneCheckError> {
        match self.backend() {
            Backend::Folder => Ok(()),
            #[cfg(feature = "s3")]
            Backend::S3(s3) => {
                let options = Z::OPTIONS;
                let Some(chunking) = options.chunking() else {
                    return Ok(());
                };
                s3.config()
                    .check_chunk_size(options.id(), chunking.chunk_size)
                    .map_err(ZoneCheckError::PartSize)
            }
        }
    }
}
