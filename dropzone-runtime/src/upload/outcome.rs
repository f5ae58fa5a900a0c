//! What happened to each file of a request: stored, or refused with a per-file reason.

use super::refusal::FileRefusal;
use std::path::PathBuf;

/// A file the extractor stored.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SavedFile {
    /// Where it is now: the upload folder joined with [`SavedFile::stored_name`]; on object
    /// storage, the object's key (`prefix/stored_name`).
    pub path: PathBuf,
    /// Its random name in the folder: `<uuid v4>` or `<uuid v4>.<ext>`.
    pub stored_name: String,
    /// The client's file name through [`secure_filename`](super::secure_filename): safe to show,
    /// never a path; may be empty.
    pub original_name: String,
    /// Its size in bytes.
    pub size: u64,
    /// The part's `Content-Type` as the client claimed it, if any (not sniffed).
    pub content_type: Option<String>,
    /// The multipart field it came in, e.g. `file` or `file[1]`.
    pub field: String,
    /// The zone (`Options::id`) it was uploaded to.
    pub zone: String,
    /// SHA-256 of its bytes, lowercase hex, computed while they were stored.
    pub sha256: String,
    /// The media type its content was recognised as, e.g. `image/png`
    /// (`application/octet-stream` when none was); what the files API serves it as.
    pub recognised_type: String,
}

/// A file the extractor refused in a batch (`upload_multiple`); nothing of it was stored.
#[derive(Debug)]
#[non_exhaustive]
pub struct RefusedFile {
    /// The multipart field it came in, e.g. `file[1]`.
    pub field: String,
    /// The client's file name through [`secure_filename`](super::secure_filename).
    pub original_name: String,
    /// Why it was refused; its body text is the message to show for this file.
    pub reason: FileRefusal,
}

/// What happened to one file part of the request, in the order the parts came.
#[derive(Debug)]
pub enum FileOutcome {
    /// Stored in the upload folder.
    Saved(SavedFile),
    /// Refused; only happens in batch mode (in single mode a refusal rejects the request).
    Refused(RefusedFile),
}

impl FileOutcome {
    /// The stored file, if this one was stored.
    pub fn saved(&self) -> Option<&SavedFile> {
        match self {
            FileOutcome::Saved(file) => Some(file),
            FileOutcome::Refused(_) => None,
        }
    }

    /// The refusal, if this one was refused.
    pub fn refused(&self) -> Option<&RefusedFile> {
        match self {
            FileOutcome::Saved(_) => None,
            FileOutcome::Refused(file) => Some(file),
        }
    }
}
