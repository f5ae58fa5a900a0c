//! The one value the receive loop and chunk receiving share per request.

use super::limits::{body_limit, max_file_bytes};
use super::policy::{CompleteFile, FileMeta, PolicyRefused};
use super::rejection::UploadRejection;
use super::response::UploadResponse;
use super::storage::Storage;
use crate::options::Options;
use http::request::Parts;
use std::time::Instant;

/// Everything a request is checked and stored with, computed once.
pub(crate) struct Ctx<'a> {
    pub(crate) storage: &'a Storage,
    pub(crate) options: &'static Options,
    /// The whole-body limit ([`body_limit`]).
    pub(crate) body_limit: u64,
    /// The largest file ([`max_file_bytes`]).
    pub(crate) file_limit: u64,
    /// The request without its body, for the [`UploadPolicy`](super::policy::UploadPolicy).
    pub(crate) request: &'a Parts,
    /// When the extractor started on the request (for the durations of the trace).
    pub(crate) started: Instant,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        storage: &'a Storage,
        options: &'static Options,
        request: &'a Parts,
        started: Instant,
    ) -> Self {
        Ctx {
            storage,
            options,
            body_limit: body_limit(options),
            file_limit: max_file_bytes(options),
            request,
            started,
        }
    }

    /// The policy's `before_file` stage (accepting when the storage has no policy).
    pub(crate) async fn before_file(&self, file: &FileMeta<'_>) -> Result<(), PolicyRefused> {
        match self.storage.upload_policy() {
            Some(policy) => policy.before_file(self.request, file).await,
            None => Ok(()),
        }
    }

    /// The policy's `on_complete` stage (accepting when the storage has no policy).
    pub(crate) async fn on_complete(&self, file: &CompleteFile<'_>) -> Result<(), PolicyRefused> {
        match self.storage.upload_policy() {
            Some(policy) => policy.on_complete(self.request, file).await,
            None => Ok(()),
        }
    }

    /// The zone's `file_too_big` refusal for a file of `size` bytes, if known.
    pub(crate) fn too_large(&self, size: Option<u64>) -> super::refusal::FileTooLarge {
        super::refusal::FileTooLarge::new(
            self.options.messages().file_too_big(),
            self.options.max_file_size(),
            self.file_limit,
            size,
        )
    }

    /// The answer for a body over the whole-body limit: in a single-file, unchunked zone that
    /// is one file over `max_file_size`, so it gets the zone's `file_too_big` message (with the
    /// limit in MiB) like a file found too large while streaming, whatever the overshoot.
    pub(crate) fn single_file_overshoot(&self, response: UploadResponse) -> UploadResponse {
        let single = !self.options.upload_multiple() && self.options.chunking().is_none();
        match response {
            UploadResponse::Rejected(UploadRejection::BodyTooLarge(_)) if single => {
                self.too_large(None).into()
            }
            other => other,
        }
    }

    /// The zone's `invalid_file_type` refusal.
    pub(crate) fn wrong_type(&self) -> super::refusal::UnsupportedFileType {
        super::refusal::UnsupportedFileType::new(self.options.messages().invalid_file_type())
    }
}
