//! What can go wrong talking to object storage.

use super::config::PartSizeError;

type Source = Box<dyn std::error::Error + Send + Sync>;

/// An object storage operation failed. The client library's own error is kept as the
/// [`source`](std::error::Error::source), not exposed as a type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The client could not be built: missing bucket, region or endpoint, unreadable `AWS_*`
    /// values, or a part-size configuration the store would refuse.
    #[error("object storage is misconfigured: {0}")]
    Config(#[source] Source),
    /// No object has that name.
    #[error("no stored object `{name}`")]
    NotFound {
        /// The name asked for, relative to the store's prefix.
        name: String,
    },
    /// A name that cannot be an object key under the prefix (empty, `.`/`..` or control
    /// characters in a segment).
    #[error("`{0}` is not a valid object name")]
    Name(String),
    /// Metadata S3 cannot carry as a header.
    #[error(
        "metadata `{key}` cannot be stored: keys are lowercase letters, digits and `-`; values \
         are printable ASCII"
    )]
    Metadata {
        /// The offending key.
        key: String,
    },
    /// The body needs more than 10,000 parts of the configured part size.
    #[error("the upload exceeds {max} bytes (10,000 parts of the configured part size)")]
    TooLarge {
        /// The largest object one upload can make.
        max: u64,
    },
    /// The store refused a request or could not be reached.
    #[error("object storage request failed")]
    Request(#[source] Source),
    /// The store answered something this client cannot read.
    #[error("object storage answered unexpectedly: {0}")]
    Protocol(String),
}

impl StoreError {
    pub(crate) fn request(err: impl Into<Source>) -> Self {
        StoreError::Request(err.into())
    }
}

impl From<PartSizeError> for StoreError {
    fn from(err: PartSizeError) -> Self {
        StoreError::Config(Box::new(err))
    }
}

/// A streamed write failed: either the body (the caller's error, e.g. a size limit or a client
/// that went away) or the store. Either way nothing was stored and no multipart upload is left.
#[derive(Debug, thiserror::Error)]
pub enum PutError<E> {
    /// The body stream yielded this error.
    #[error("the body failed")]
    Body(#[source] E),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
