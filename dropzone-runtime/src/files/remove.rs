//! `Remove<Z>`: deletes a stored file of zone `Z` named by a signed remove id.

use std::fmt;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, X_CONTENT_TYPE_OPTIONS};
use http::request::Parts;
use http::{HeaderMap, StatusCode};

use super::rejection::{
    CsrfRejected, FileRouteRejection, MissingRemoveId, RemoveRefused, from_files_error,
};
use crate::config::DropzoneConfig;
use crate::upload::csrf_check::zone_csrf;
use crate::upload::{Storage, UploadState, ZoneState};

/// The request header a removal carries its remove id in.
pub const REMOVE_HEADER: &str = "X-Dropzone-Remove";

/// Extractor that removes the stored file of zone `Z` its request names, by a signed id.
///
/// The id comes from the upload answer ([`Upload::report`](crate::upload::Upload::report)'s
/// `remove_id`) or a stored-file list ([`FileList`](super::FileList)), and the page's init
/// script sends it back when the file is removed on the page (Dropzone's remove link, with
/// `extra(add_remove_links = true)`): a `DELETE` to the zone's `action` with the id in the
/// [`X-Dropzone-Remove`](REMOVE_HEADER) header, plus the CSRF header for a zone with
/// `enable_csrf`. The file is deleted, through the files API, when the extractor runs; the
/// handler is only called once it is gone, and may answer the extractor itself (204):
///
/// ```rust,no_run
/// use axum::{Router, routing::post};
/// use dropzone_runtime::DropzoneConfig;
/// use dropzone_runtime::files::Remove;
/// use dropzone_runtime::upload::{Storage, Upload, UploadReport};
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/upload", allowed_file_type = "image", extra(add_remove_links = true))]
/// struct Photos;
///
/// async fn upload(up: Upload<Photos>) -> UploadReport {
///     up.report() // carries each stored file's remove id
/// }
///
/// async fn remove(removed: Remove<Photos>) -> Remove<Photos> {
///     println!("removed {}", removed.stored_name());
///     removed
/// }
///
/// let app: Router = Router::new()
///     .route("/upload", post(upload).delete(remove))
///     .with_state(Storage::new("uploads"));
/// # let _ = app;
/// ```
///
/// # Rejections
///
/// Nothing is deleted when the request is refused ([`FileRouteRejection`], plain text with
/// `nosniff`, which the page shows on the file it puts back):
///
/// | leaf | status | when |
/// |---|---|---|
/// | [`CsrfRejected`] | 400 | `enable_csrf` and no valid token in the `X-CSRFToken` / `X-CSRF-Token` header |
/// | [`CsrfNotConfigured`](super::rejection::CsrfNotConfigured) | 500 | `enable_csrf` but no [`Csrf`](crate::csrf::Csrf) on the [`Storage`] |
/// | [`MissingRemoveId`] | 400 | no `X-Dropzone-Remove` header |
/// | [`RemoveRefused`] | 403 | the id is forged, malformed, from another key or zone, or expired |
/// | [`NoSuchFile`](super::rejection::NoSuchFile) | 404 | a genuine id whose file is already gone |
/// | [`FilesFailed`](super::rejection::FilesFailed) | 500 | the storage failed to delete it |
pub struct Remove<Z> {
    stored_name: String,
    zone: PhantomData<fn() -> Z>,
}

impl<Z> fmt::Debug for Remove<Z> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remove")
            .field("stored_name", &self.stored_name)
            .finish()
    }
}

impl<Z> Remove<Z> {
    /// The stored name of the file that was removed.
    pub fn stored_name(&self) -> &str {
        &self.stored_name
    }
}

impl<S, Z> FromRequestParts<S> for Remove<Z>
where
    Z: DropzoneConfig + ZoneState<S>,
    S: UploadState + Send + Sync,
{
    type Rejection = FileRouteRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let storage = state.storage();
        let removed = remove(&storage, Z::OPTIONS, &parts.headers).await;
        if let Err(rejection) = &removed {
            rejection.log();
        }
        Ok(Remove {
            stored_name: removed?,
            zone: PhantomData,
        })
    }
}

/// Checks the CSRF token, then the id, then deletes: each check before anything is touched.
async fn remove(
    storage: &Storage,
    options: &crate::options::Options,
    headers: &HeaderMap,
) -> Result<String, FileRouteRejection> {
    if let Some(csrf) = zone_csrf(options, storage)? {
        csrf.verify(headers, None).map_err(CsrfRejected::new)?;
    }
    let id = headers
        .get(REMOVE_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(MissingRemoveId::new)?;
    let stored_name = storage
        .remove_key_value()
        .verify(options.id(), id)
        .map_err(RemoveRefused::new)?;
    storage
        .delete_file(options.id(), stored_name)
        .await
        .map_err(from_files_error)?;
    Ok(stored_name.to_owned())
}

/// `204 No Content` with `nosniff`: the file is gone.
impl<Z> IntoResponse for Remove<Z> {
    fn into_response(self) -> Response {
        (
            StatusCode::NO_CONTENT,
            [(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"))],
        )
            .into_response()
    }
}
