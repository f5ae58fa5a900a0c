//! Where a [`Storage`](super::Storage) keeps files: the local folder (the default) or, with
//! the `s3` feature, S3-compatible object storage. One small enum, matched where behaviour
//! differs (receiving a part, persisting, the files API), so the folder path stays exactly as
//! fast as it was: no trait object, no extra hop.

#[cfg(feature = "s3")]
use crate::store::S3Backend;

/// The backend of a storage.
#[derive(Clone, Debug)]
pub(crate) enum Backend {
    /// The storage's folder (`Storage::dir`).
    Folder,
    /// A bucket and prefix.
    #[cfg(feature = "s3")]
    S3(S3Backend),
}

impl Backend {
    pub(crate) fn is_folder(&self) -> bool {
        matches!(self, Backend::Folder)
    }
}
