//! Why a files-API call failed.

use std::fmt;

/// Why a [`files`](super) call failed.
///
/// The `Display` text names no path, bucket, key or secret: it is safe to log and, for
/// [`NotFound`](FilesError::NotFound), to answer with.
#[derive(Debug)]
#[non_exhaustive]
pub enum FilesError {
    /// No such file in this zone: the name is not a stored name's shape, the file is absent,
    /// it has no metadata, or it belongs to another zone (one answer for all, so a caller
    /// learns nothing about other zones).
    NotFound,
    /// A requested range does not lie within the file (`start > end` or `end > size`).
    Range {
        /// The file's size in bytes.
        size: u64,
    },
    /// The storage failed (I/O, the object store); the cause is kept for logs.
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

impl FilesError {
    pub(crate) fn backend(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        FilesError::Backend(e.into())
    }
}

impl fmt::Display for FilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilesError::NotFound => f.write_str("no such stored file"),
            FilesError::Range { size } => {
                write!(
                    f,
                    "the requested range is not within the file ({size} bytes)"
                )
            }
            FilesError::Backend(_) => f.write_str("the file storage failed"),
        }
    }
}

impl std::error::Error for FilesError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FilesError::Backend(e) => Some(&**e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for FilesError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            FilesError::NotFound
        } else {
            FilesError::backend(e)
        }
    }
}
