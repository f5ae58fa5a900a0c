//! Why the stored-file routes refused a request: leaves built like the upload rejections
//! (`upload/macros.rs`, axum-core's shape), each answered as `text/plain; charset=utf-8` with
//! `X-Content-Type-Options: nosniff`, so Dropzone.js and the page's remove code show the body
//! as text. No body quotes the request's strings or names a path, key or secret.

use crate::upload::macros::{composite_rejection, define_rejection};
pub use crate::upload::rejection::{CsrfNotConfigured, CsrfRejected};

use super::FilesError;
use super::remove_id::RemoveIdError;

define_rejection! {
    #[status = BAD_REQUEST]
    /// A removal without a remove id in the `X-Dropzone-Remove` header (400 Bad Request).
    pub struct MissingRemoveId {}
}

impl MissingRemoveId {
    pub(crate) fn new() -> Self {
        MissingRemoveId {
            body: "No file to remove was named.".to_owned(),
        }
    }
}

define_rejection! {
    #[status = FORBIDDEN]
    /// The remove id is forged, malformed, signed with another key, minted for another zone,
    /// or expired (403 Forbidden). Nothing is deleted; the body says which of "cannot be
    /// removed" and "expired" applies, never more.
    pub struct RemoveRefused { reason: RemoveIdError }
}

impl RemoveRefused {
    pub(crate) fn new(reason: RemoveIdError) -> Self {
        RemoveRefused {
            body: reason.to_string(),
            reason,
        }
    }

    /// Why the id was refused.
    pub fn reason(&self) -> RemoveIdError {
        self.reason
    }
}

define_rejection! {
    #[status = NOT_FOUND]
    /// No such file in this zone (404 Not Found): not a stored name, absent, already removed,
    /// or another zone's (one answer for all).
    pub struct NoSuchFile {}
}

impl NoSuchFile {
    pub(crate) fn new() -> Self {
        NoSuchFile {
            body: "No such file.".to_owned(),
        }
    }
}

define_rejection! {
    #[status = INTERNAL_SERVER_ERROR, source = source, level = ERROR]
    /// The storage failed while reading or removing the file (500); the cause is logged, not
    /// answered.
    pub struct FilesFailed { source: Option<Box<dyn std::error::Error + Send + Sync>> }
}

impl FilesFailed {
    pub(crate) fn new(source: FilesError) -> Self {
        FilesFailed {
            body: "The file storage failed; please try again.".to_owned(),
            source: Some(Box::new(source)),
        }
    }
}

/// A files-API error as the answer of a route: 404 for anything not found, 500 else.
pub(crate) fn from_files_error(e: FilesError) -> FileRouteRejection {
    match e {
        FilesError::NotFound => NoSuchFile::new().into(),
        other => FilesFailed::new(other).into(),
    }
}

composite_rejection! {
    /// Every way the stored-file routes ([`serve`](super::serve), [`Remove`](super::Remove))
    /// refuse a request. New variants may be added in any release.
    pub enum FileRouteRejection {
        MissingRemoveId,
        RemoveRefused,
        NoSuchFile,
        FilesFailed,
        CsrfRejected,
        CsrfNotConfigured,
    }
}
