//! The route that serves a zone's stored files: safe headers, ranges, ETag, HEAD.

use std::marker::PhantomData;

use axum::body::Body;
use axum::extract::{FromRef, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, HeaderValue, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, Method, StatusCode};

use super::StoredFile;
use super::conditional::{Decision, decide, etag};
use super::disposition::{content_disposition, content_type};
use super::rejection::{FileRouteRejection, from_files_error};
use crate::config::DropzoneConfig;
use crate::upload::Storage;

/// The policy of every served file: nothing it contains may load, run or be framed as part of
/// this site, even if a browser renders it as a document.
pub const FILE_CSP: &str = "default-src 'none'; sandbox";

/// A `GET`/`HEAD` route serving zone `Z`'s stored files by their stored name, through the
/// files API (so the local folder and object storage alike). Mount it on a path with one
/// parameter, the stored name:
///
/// ```rust,no_run
/// use axum::Router;
/// use dropzone_runtime::{DropzoneConfig, files};
/// use dropzone_runtime::upload::Storage;
///
/// #[derive(DropzoneConfig)]
/// #[dropzone(action = "/upload", allowed_file_type = "image")]
/// struct Photos;
///
/// let app: Router = Router::new()
///     .route("/files/{name}", files::serve::<Photos, _>())
///     .with_state(Storage::new("uploads"));
/// # let _ = app;
/// ```
///
/// Anyone who knows a stored name can fetch the file (names are random UUIDs and listing is
/// the application's); put an authorising layer or extractor in front when that is not wanted,
/// or call [`file_response`] from your own handler.
///
/// Every answer is one of:
///
/// | status | when |
/// |---|---|
/// | 200 | the whole file (`GET`), or its headers (`HEAD`, nothing opened) |
/// | 206 | one satisfiable `Range` (`bytes=a-b`, `a-`, `-n`), honoured unless an `If-Range` does not strongly match the ETag |
/// | 304 | `If-None-Match` names the ETag (weak comparison) or is `*` |
/// | 416 | an unparsable, unsatisfiable or multiple `Range`, with `Content-Range: bytes */<size>` |
/// | 404 | not `<uuid>[.ext]`, absent, or another zone's file (one plain-text answer for all) |
/// | 500 | the storage failed (logged; the body names nothing) |
///
/// and every file answer carries:
///
/// - `Content-Type`: the type the content was recognised as when it was stored, never the
///   client's claim (`application/octet-stream` when none was recognised);
/// - `X-Content-Type-Options: nosniff`, so the browser never guesses another type;
/// - `Content-Disposition`: `inline` only for raster images, `attachment` for everything else
///   (SVG and HTML included), with the sanitised original name as RFC 6266 `filename*`;
/// - `Content-Security-Policy: default-src 'none'; sandbox` ([`FILE_CSP`]): opened as a
///   document, a file runs no script and loads nothing;
/// - `ETag`: the quoted sha256 of the content (strong; the same on every instance);
/// - `Accept-Ranges: bytes`, and `Cache-Control: private, no-cache` (revalidated with the
///   ETag, never kept by shared caches).
pub fn serve<Z, S>() -> MethodRouter<S>
where
    Z: DropzoneConfig,
    Storage: FromRef<S>,
    S: Clone + Send + Sync + 'static,
{
    let zone = PhantomData::<fn() -> Z>;
    get(
        move |State(storage): State<Storage>,
              Path(name): Path<String>,
              method: Method,
              headers: HeaderMap| async move {
            let _ = zone;
            file_response(
                &storage,
                Z::OPTIONS.id(),
                &name,
                &headers,
                method == Method::HEAD,
            )
            .await
        },
    )
}

/// The answer [`serve`] gives for `stored_name` of `zone`, for handlers that check something
/// first (who may download) or route differently. `head`: answer the headers only.
pub async fn file_response(
    storage: &Storage,
    zone: &str,
    stored_name: &str,
    request: &HeaderMap,
    head: bool,
) -> Response {
    match respond(storage, zone, stored_name, request, head).await {
        Ok(response) => response,
        Err(rejection) => {
            rejection.log();
            rejection.into_response()
        }
    }
}

async fn respond(
    storage: &Storage,
    zone: &str,
    stored_name: &str,
    request: &HeaderMap,
    head: bool,
) -> Result<Response, FileRouteRejection> {
    let file = storage
        .file_info(zone, stored_name)
        .await
        .map_err(from_files_error)?;
    let tag = etag(&file.sha256);
    let range = match decide(request, file.size, &tag) {
        Decision::NotModified => {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            validators(response.headers_mut(), &tag);
            return Ok(response);
        }
        Decision::Unsatisfiable => {
            let mut response = (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                "The requested range is not within the file.",
            )
                .into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_RANGE, header(format!("bytes */{}", file.size)));
            headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            return Ok(response);
        }
        Decision::Full => None,
        Decision::Partial(range) => Some(range),
    };
    let served = range.clone().unwrap_or(0..file.size);
    let body = if head {
        Body::empty()
    } else {
        let opened = storage
            .open_file(zone, stored_name, range.clone())
            .await
            .map_err(from_files_error)?;
        Body::from_stream(opened.body)
    };
    let status = if range.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    file_headers(headers, &file, &tag);
    headers.insert(CONTENT_LENGTH, header(served.end - served.start));
    if range.is_some() {
        headers.insert(
            CONTENT_RANGE,
            header(format!(
                "bytes {}-{}/{}",
                served.start,
                served.end - 1,
                file.size
            )),
        );
    }
    Ok(response)
}

/// What every answer about a file's current content carries (a 304 included).
fn validators(headers: &mut HeaderMap, tag: &str) {
    headers.insert(ETAG, header(tag));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
}

/// The headers of a 200 or 206 (see [`serve`]).
fn file_headers(headers: &mut HeaderMap, file: &StoredFile, tag: &str) {
    validators(headers, tag);
    headers.insert(CONTENT_TYPE, content_type(&file.content_type));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(FILE_CSP));
    let name = if file.original_name.is_empty() {
        &file.stored_name
    } else {
        &file.original_name
    };
    headers.insert(
        CONTENT_DISPOSITION,
        content_disposition(&file.content_type, name),
    );
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
}

fn header(value: impl ToString) -> HeaderValue {
    HeaderValue::from_str(&value.to_string()).expect("numbers and hex are valid header text")
}
