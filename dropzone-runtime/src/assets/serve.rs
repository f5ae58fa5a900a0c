//! The HTTP side of the embedded assets: routes, ETags, conditional requests and caching.

use super::{EMBEDDED, MOUNT};
use crate::files::conditional::if_none_match_hits;
use crate::options::Version;
use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// For `{MOUNT}/{version}/{file}`: the bytes behind a versioned URL never change.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// For the unversioned Flask-compatible paths, whose bytes change when the default release does.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// Strong ETags (the quoted sha256 of each file), in the order of [`EMBEDDED`]; hashed once.
static ETAGS: LazyLock<Vec<HeaderValue>> =
    LazyLock::new(|| EMBEDDED.iter().map(|file| etag_of(file.bytes)).collect());

/// The strong ETag of this crate's own init script ([`crate::INIT_JS`]).
static INIT_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| etag_of(crate::INIT_JS.as_bytes()));

fn etag_of(bytes: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(bytes);
    let mut tag = String::with_capacity(66);
    tag.push('"');
    for byte in digest {
        tag.push_str(&format!("{byte:02x}"));
    }
    tag.push('"');
    HeaderValue::from_str(&tag).expect("hex is a valid header value")
}

/// The router that serves the embedded Dropzone.js files; merge it into the application's.
///
/// Routes (`GET` and `HEAD`):
///
/// - `/dropzone/static/{version}/{file}` ([`MOUNT`]), e.g. `/dropzone/static/6.3.5/dropzone-min.js`
///   or `/dropzone/static/5.9.3/dropzone.min.css`: the names are the basenames of the files in
///   the npm package, which is what [`super::local_url`] produces. Cached as
///   `public, max-age=31536000, immutable`.
/// - `/dropzone/static/dropzone.min.js` and `/dropzone/static/dropzone.min.css`: the paths
///   Flask-Dropzone serves, answered with the default release ([`Version::DEFAULT`], 6.3.5) and
///   `Cache-Control: no-cache`, since what they name changes with that default.
/// - `/dropzone/static/dropzone-rs/{crate version}-{content hash}/init.js`
///   ([`crate::INIT_SCRIPT_URL`]): the script that starts the page's zones
///   ([`crate::INIT_JS`]), which [`crate::Dropzone::load_js`] references with local assets
///   and in strict CSP mode; immutable like the versioned files, since its URL changes with
///   its bytes.
///
/// Every file has a strong `ETag` (its quoted sha256), honours `If-None-Match` (lists, weak
/// tags and `*`) with `304 Not Modified`, and is sent with its `Content-Type`
/// (`text/javascript; charset=utf-8` or `text/css; charset=utf-8`) and
/// `X-Content-Type-Options: nosniff`. Any other version or file name under the versioned
/// pattern is a plain-text `404`.
///
/// The router uses no state, so it merges into a `Router<S>` of any state. Merge it **once**:
/// merging it a second time (directly or through another router that already contains it)
/// panics when the application is built, with axum's
/// ``Overlapping method route. Handler for `GET /dropzone/static/{version}/{file}` already exists``.
/// To serve the files under another prefix, `nest` this router (the page's URLs then have to
/// be set with `js_url` / `css_url`).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let default_js = unversioned(Version::DEFAULT, "text/javascript");
    let default_css = unversioned(Version::DEFAULT, "text/css");
    Router::new()
        .route(&format!("{MOUNT}/{{version}}/{{file}}"), get(versioned))
        .route(
            &format!("{MOUNT}/dropzone.min.js"),
            get(move |headers: HeaderMap| async move { respond(default_js, &headers, REVALIDATE) }),
        )
        .route(
            crate::INIT_SCRIPT_URL,
            get(|headers: HeaderMap| async move {
                respond_bytes(
                    crate::INIT_JS.as_bytes(),
                    "text/javascript; charset=utf-8",
                    &INIT_ETAG,
                    &headers,
                    IMMUTABLE,
                )
            }),
        )
        .route(
            &format!("{MOUNT}/dropzone.min.css"),
            get(
                move |headers: HeaderMap| async move { respond(default_css, &headers, REVALIDATE) },
            ),
        )
}

/// The script or stylesheet of `version` (selected by the start of its content type).
fn unversioned(version: Version, kind: &str) -> usize {
    EMBEDDED
        .iter()
        .position(|f| f.version == version && f.content_type.starts_with(kind))
        .expect("the default release is embedded")
}

async fn versioned(Path((version, file)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let found = EMBEDDED
        .iter()
        .position(|f| f.version.text == version && f.name == file);
    match found {
        Some(index) => respond(index, &headers, IMMUTABLE),
        None => not_found(),
    }
}

fn respond(index: usize, request: &HeaderMap, cache_control: HeaderValue) -> Response {
    let file = &EMBEDDED[index];
    respond_bytes(
        file.bytes,
        file.content_type,
        &ETAGS[index],
        request,
        cache_control,
    )
}

fn respond_bytes(
    bytes: &'static [u8],
    content_type: &'static str,
    etag: &HeaderValue,
    request: &HeaderMap,
    cache_control: HeaderValue,
) -> Response {
    // The stored-file route's rule, so both answer a client's cache the same way.
    let fresh = if_none_match_hits(request, etag.as_bytes());
    let mut response = if fresh {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(bytes));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
        r
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag.clone());
    headers.insert(header::CACHE_CONTROL, cache_control);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn not_found() -> Response {
    let mut response = Response::new(Body::from("Not Found"));
    *response.status_mut() = StatusCode::NOT_FOUND;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests;
