//! The upload policy hook: the application's say on a file before its first byte is stored,
//! and again once it is complete.
//!
//! Why on [`Storage`](super::Storage) (`Storage::new(dir).policy(p)`) and not a layer's request
//! extension or a second `FromRef` bound: `Upload<Z>` already takes its `Storage` from the
//! router state, so a policy needs no new bound on the extractor (every existing state keeps
//! working), it cannot silently go missing on one route because a layer was forgotten there,
//! and it sits next to the other server-side rules (CSRF, limits, expiry). What a layer knows
//! (the signed-in user, a visitor id) reaches the policy anyway: it sees the request's
//! [`Parts`], extensions included.

use super::macros::plain_text;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What is known of a file when [`UploadPolicy::before_file`] runs: the request headers and the
/// part's name and declared type, none of its bytes.
#[derive(Debug)]
#[non_exhaustive]
pub struct FileMeta<'a> {
    /// The HTML id of the zone (`Z::OPTIONS.id`).
    pub zone: &'static str,
    /// The multipart field, e.g. `file` or `file[1]`.
    pub field: &'a str,
    /// The client's file name through [`secure_filename`](super::secure_filename).
    pub file_name: &'a str,
    /// The part's `Content-Type` as the client claimed it, if any.
    pub declared_type: Option<&'a str>,
    /// For one chunk of a chunked upload: which one, and the file's announced size.
    pub chunk: Option<ChunkMeta>,
}

/// Which chunk of a chunked upload a [`FileMeta`] is about (from its `dz*` fields, checked).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ChunkMeta {
    /// The upload's `dzuuid`: the same for every chunk of one file.
    pub upload_id: String,
    /// `dzchunkindex`, from 0.
    pub index: u64,
    /// `dztotalchunkcount`.
    pub count: u64,
    /// `dztotalfilesize`: the whole file's size in bytes.
    pub total_size: u64,
}

/// What is known of a file when [`UploadPolicy::on_complete`] runs: all of it has arrived and
/// passed the zone's checks, and it has no final name yet.
#[derive(Debug)]
#[non_exhaustive]
pub struct CompleteFile<'a> {
    /// The HTML id of the zone.
    pub zone: &'static str,
    /// The multipart field it came in.
    pub field: &'a str,
    /// The client's file name through [`secure_filename`](super::secure_filename).
    pub file_name: &'a str,
    /// The `Content-Type` the client claimed (`application/octet-stream` for browser chunks).
    pub declared_type: Option<&'a str>,
    /// Its size in bytes.
    pub size: u64,
    /// The extension it will be stored with, from what its content was recognised as (or the
    /// rule that accepted it); `None` when it is stored without one.
    pub extension: Option<&'a str>,
    /// Whether it came in chunks.
    pub chunked: bool,
}

/// The application's rules on who may upload what, run by [`Upload`](super::Upload) for every
/// file: set one with [`Storage::policy`](super::Storage::policy).
///
/// - [`before_file`](UploadPolicy::before_file) runs once the request headers and the file
///   part's name and declared type are known and the zone's own checks passed, before any
///   byte of the file is stored. For a chunked upload it runs **for every chunk**, before that
///   chunk's bytes are written ([`FileMeta::chunk`] says which, with the file's total size), so
///   that no chunk is stored unapproved, whatever order they come in; a policy that counts
///   should count in `on_complete`.
/// - [`on_complete`](UploadPolicy::on_complete) runs **exactly once per file** when it is
///   complete (a chunked file: when its last chunk reassembled it), before it gets its final
///   name. A refusal there deletes it: nothing is kept.
///
/// A refusal is a [`PolicyRefused`]: its status and plain-text message are the answer, which
/// Dropzone.js shows on the file (in a batch, that file's entry of the report, the others go
/// on). Both methods default to accepting.
///
/// If a file approved by `on_complete` then fails to be stored (disk full), the policy is not
/// told; a quota that counted it in `on_complete` counts a file that is not there.
///
/// ```
/// use dropzone_runtime::upload::{CompleteFile, FileMeta, PolicyRefused, Storage, UploadPolicy};
/// use http::request::Parts;
///
/// struct SignedInOnly;
///
/// impl UploadPolicy for SignedInOnly {
///     async fn before_file(&self, request: &Parts, _file: &FileMeta<'_>) -> Result<(), PolicyRefused> {
///         match request.headers.get("x-user") {
///             Some(_) => Ok(()),
///             None => Err(PolicyRefused::forbidden("Sign in to upload.")),
///         }
///     }
/// }
///
/// let storage = Storage::new("uploads").policy(SignedInOnly);
/// # let _ = storage;
/// ```
pub trait UploadPolicy: Send + Sync + 'static {
    /// Whether this file (or this chunk of it) may be stored; see the trait's docs.
    fn before_file(
        &self,
        request: &Parts,
        file: &FileMeta<'_>,
    ) -> impl Future<Output = Result<(), PolicyRefused>> + Send {
        let _ = (request, file);
        async { Ok(()) }
    }

    /// Whether this complete file is kept; see the trait's docs.
    fn on_complete(
        &self,
        request: &Parts,
        file: &CompleteFile<'_>,
    ) -> impl Future<Output = Result<(), PolicyRefused>> + Send {
        let _ = (request, file);
        async { Ok(()) }
    }
}

/// A shared policy, so that the application keeps a handle on its state (counters, quotas).
impl<P: UploadPolicy> UploadPolicy for Arc<P> {
    fn before_file(
        &self,
        request: &Parts,
        file: &FileMeta<'_>,
    ) -> impl Future<Output = Result<(), PolicyRefused>> + Send {
        P::before_file(self, request, file)
    }

    fn on_complete(
        &self,
        request: &Parts,
        file: &CompleteFile<'_>,
    ) -> impl Future<Output = Result<(), PolicyRefused>> + Send {
        P::on_complete(self, request, file)
    }
}

type Verdict<'a> = Pin<Box<dyn Future<Output = Result<(), PolicyRefused>> + Send + 'a>>;

/// [`UploadPolicy`] as an object (its methods return `impl Future`, which `dyn` cannot).
trait ErasedPolicy: Send + Sync {
    fn before_file<'a>(&'a self, request: &'a Parts, file: &'a FileMeta<'a>) -> Verdict<'a>;
    fn on_complete<'a>(&'a self, request: &'a Parts, file: &'a CompleteFile<'a>) -> Verdict<'a>;
}

impl<P: UploadPolicy> ErasedPolicy for P {
    fn before_file<'a>(&'a self, request: &'a Parts, file: &'a FileMeta<'a>) -> Verdict<'a> {
        Box::pin(UploadPolicy::before_file(self, request, file))
    }
    fn on_complete<'a>(&'a self, request: &'a Parts, file: &'a CompleteFile<'a>) -> Verdict<'a> {
        Box::pin(UploadPolicy::on_complete(self, request, file))
    }
}

/// The policy a [`Storage`](super::Storage) holds (shared by its clones).
#[derive(Clone)]
pub(crate) struct PolicyHandle(Arc<dyn ErasedPolicy>);

impl PolicyHandle {
    pub(crate) fn new(policy: impl UploadPolicy) -> Self {
        PolicyHandle(Arc::new(policy))
    }

    pub(crate) async fn before_file(
        &self,
        request: &Parts,
        file: &FileMeta<'_>,
    ) -> Result<(), PolicyRefused> {
        self.0.before_file(request, file).await
    }

    pub(crate) async fn on_complete(
        &self,
        request: &Parts,
        file: &CompleteFile<'_>,
    ) -> Result<(), PolicyRefused> {
        self.0.on_complete(request, file).await
    }
}

impl fmt::Debug for PolicyHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PolicyHandle(..)")
    }
}

/// The [`UploadPolicy`] refused a file: answered with its status and message as plain text
/// (`nosniff`, like every other refusal), which Dropzone.js shows on the file.
///
/// The message is the application's own text, shown as text (never as HTML).
#[derive(Clone, Debug)]
pub struct PolicyRefused {
    status: StatusCode,
    body: String,
}

impl PolicyRefused {
    /// A refusal with `status`, which must be a 4xx or 5xx: anything else would tell
    /// Dropzone.js the file was stored, so it is answered as 500 and logged (`error`) as the
    /// policy's mistake.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        let status = if status.is_client_error() || status.is_server_error() {
            status
        } else {
            tracing::error!(
                status = status.as_u16(),
                "dropzone-runtime: an UploadPolicy refused with a status that is not an error; \
                 answering 500"
            );
            StatusCode::INTERNAL_SERVER_ERROR
        };
        PolicyRefused {
            status,
            body: message.into(),
        }
    }

    /// 403 Forbidden: this visitor may not upload this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        PolicyRefused::new(StatusCode::FORBIDDEN, message)
    }

    /// 429 Too Many Requests: a rate limit.
    pub fn too_many_requests(message: impl Into<String>) -> Self {
        PolicyRefused::new(StatusCode::TOO_MANY_REQUESTS, message)
    }

    /// 507 Insufficient Storage: a quota is used up.
    pub fn insufficient_storage(message: impl Into<String>) -> Self {
        PolicyRefused::new(StatusCode::INSUFFICIENT_STORAGE, message)
    }

    /// The HTTP status this refusal answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The plain-text body this refusal answers with.
    pub fn body_text(&self) -> String {
        self.body.clone()
    }

    /// Records the refusal (`debug`, like every refusal).
    pub(crate) fn log(&self) {
        super::macros::log_refusal(
            "PolicyRefused",
            self.status,
            &self.body,
            tracing::Level::DEBUG,
            None,
        );
    }
}

impl fmt::Display for PolicyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.body)
    }
}

impl std::error::Error for PolicyRefused {}

impl IntoResponse for PolicyRefused {
    fn into_response(self) -> Response {
        plain_text("PolicyRefused", self.status, self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_status_is_never_answered_for_a_refusal() {
        assert_eq!(
            PolicyRefused::new(StatusCode::OK, "x").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            PolicyRefused::too_many_requests("slow down").status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}
