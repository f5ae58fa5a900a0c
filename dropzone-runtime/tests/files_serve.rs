//! The stored-file route (`files::serve`) through Router + oneshot: files stored by the real
//! extractor, then fetched with every header rule checked — type, nosniff, disposition, CSP,
//! ETag / If-None-Match / If-Range, single ranges (206, 416), HEAD, and 404 for any name that
//! is not this zone's file.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::body::Body;
use axum::routing::post;
use common::*;
use dropzone_runtime::files;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

/// Another zone than `AnyFile` (whose id the other test zones share).
struct Photos;
impl dropzone_runtime::DropzoneConfig for Photos {
    const OPTIONS: &'static dropzone_runtime::options::Options = &BASE.with_id("photos");
}
impl<S> dropzone_runtime::upload::ZoneState<S> for Photos {}

async fn stored(up: Upload<AnyFile>) -> UploadReport {
    up.report()
}

async fn stored_image(up: Upload<Photos>) -> UploadReport {
    up.report()
}

fn app(storage: Storage) -> Router {
    Router::new()
        .route("/any", post(stored))
        .route("/images", post(stored_image))
        .route("/files/{name}", files::serve::<AnyFile, _>())
        .route("/image-files/{name}", files::serve::<Photos, _>())
        .with_state(storage)
}

/// Uploads `bytes` as `name` through the zone's route; the stored name.
async fn upload(app: &Router, route: &str, name: &str, mime: &str, bytes: &[u8]) -> String {
    let body = Multipart::new().file("file", name, mime, bytes).finish();
    let answer = post_body(app.clone(), route, body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json()["files"][0]["stored_name"]
        .as_str()
        .unwrap()
        .to_owned()
}

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.headers))
            .to_str()
            .unwrap()
    }
}

async fn fetch(app: &Router, method: Method, uri: &str, headers: &[(&str, &str)]) -> Got {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Got {
        status,
        headers,
        body,
    }
}

async fn get(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Got {
    fetch(app, Method::GET, uri, headers).await
}

fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: Router,
    png: Vec<u8>,
    png_uri: String,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let app = app(Storage::new(dir.path()));
    let png = png_bytes(20_000);
    let name = upload(&app, "/any", "photo été.png", "image/png", &png).await;
    Fixture {
        png_uri: format!("/files/{name}"),
        _dir: dir,
        app,
        png,
    }
}

#[tokio::test]
async fn an_image_is_served_inline_with_its_recognised_type_and_every_safety_header() {
    let f = fixture().await;
    let got = get(&f.app, &f.png_uri, &[]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body == f.png, "the stored bytes come back");
    assert_eq!(got.header("content-type"), "image/png");
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    assert_eq!(
        got.header("content-security-policy"),
        "default-src 'none'; sandbox"
    );
    // The sanitised original name (`secure_filename` drops the accents), both RFC 6266 forms.
    assert_eq!(
        got.header("content-disposition"),
        "inline; filename=\"photo_ete.png\"; filename*=UTF-8''photo_ete.png"
    );
    assert_eq!(got.header("etag"), etag_of(&f.png));
    assert_eq!(got.header("content-length"), f.png.len().to_string());
    assert_eq!(got.header("accept-ranges"), "bytes");
    assert_eq!(got.header("cache-control"), "private, no-cache");
}

#[tokio::test]
async fn html_svg_and_text_are_attachments_never_inline() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(Storage::new(dir.path()));
    let cases: [(&str, &str, &[u8]); 3] = [
        (
            "page.html",
            "text/html",
            b"<html><script>alert(1)</script></html>",
        ),
        (
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
        ("notes.txt", "text/plain", b"just text"),
    ];
    for (name, mime, bytes) in cases {
        let stored = upload(&app, "/any", name, mime, bytes).await;
        let got = get(&app, &format!("/files/{stored}"), &[]).await;
        assert_eq!(got.status, StatusCode::OK, "{name}");
        let disposition = got.header("content-disposition");
        assert!(
            disposition.starts_with("attachment; "),
            "{name}: {disposition}"
        );
        assert_eq!(got.header("x-content-type-options"), "nosniff");
        assert_eq!(
            got.header("content-security-policy"),
            "default-src 'none'; sandbox"
        );
        assert!(
            !got.header("content-type").starts_with("text/html"),
            "{name} is never served as HTML: {}",
            got.header("content-type")
        );
        assert!(got.body == bytes, "{name}");
    }
}

#[tokio::test]
async fn one_range_is_206_with_its_bytes_and_content_range() {
    let f = fixture().await;
    let size = f.png.len();
    for (range, start, end) in [
        ("bytes=0-9", 0, 10),
        ("bytes=19990-", size - 10, size),
        ("bytes=-5", size - 5, size),
        ("bytes=100-99999", 100, size),
    ] {
        let got = get(&f.app, &f.png_uri, &[("range", range)]).await;
        assert_eq!(got.status, StatusCode::PARTIAL_CONTENT, "{range}");
        assert!(got.body == f.png[start..end], "{range}");
        assert_eq!(
            got.header("content-range"),
            format!("bytes {start}-{}/{size}", end - 1),
            "{range}"
        );
        assert_eq!(got.header("content-length"), (end - start).to_string());
        assert_eq!(got.header("etag"), etag_of(&f.png));
        assert_eq!(got.header("x-content-type-options"), "nosniff");
        assert_eq!(
            got.header("content-security-policy"),
            "default-src 'none'; sandbox"
        );
    }
}

#[tokio::test]
async fn an_unsatisfiable_malformed_or_multiple_range_is_416() {
    let f = fixture().await;
    let size = f.png.len();
    for range in [
        format!("bytes={size}-"),
        "bytes=50-10".to_owned(),
        "bytes=0-1,5-6".to_owned(),
        "lines=1-2".to_owned(),
    ] {
        let got = get(&f.app, &f.png_uri, &[("range", &range)]).await;
        assert_eq!(got.status, StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        assert_eq!(got.header("content-range"), format!("bytes */{size}"));
        assert_eq!(got.header("x-content-type-options"), "nosniff");
        assert_eq!(got.header("content-type"), "text/plain; charset=utf-8");
    }
}

#[tokio::test]
async fn if_none_match_with_the_etag_is_304_without_a_body() {
    let f = fixture().await;
    let tag = etag_of(&f.png);
    for list in [
        tag.clone(),
        format!("W/{tag}"),
        format!("\"other\", {tag}"),
        "*".to_owned(),
    ] {
        let got = get(&f.app, &f.png_uri, &[("if-none-match", &list)]).await;
        assert_eq!(got.status, StatusCode::NOT_MODIFIED, "{list}");
        assert!(got.body.is_empty());
        assert_eq!(got.header("etag"), tag);
    }
    let got = get(&f.app, &f.png_uri, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body == f.png);
}

#[tokio::test]
async fn if_range_serves_the_range_only_for_the_current_etag() {
    let f = fixture().await;
    let tag = etag_of(&f.png);
    let got = get(
        &f.app,
        &f.png_uri,
        &[("range", "bytes=0-3"), ("if-range", &tag)],
    )
    .await;
    assert_eq!(got.status, StatusCode::PARTIAL_CONTENT);
    assert!(got.body == f.png[..4]);
    for stale in [
        "\"stale\"",
        &format!("W/{tag}"),
        "Tue, 01 Dec 2026 10:00:00 GMT",
    ] {
        let got = get(
            &f.app,
            &f.png_uri,
            &[("range", "bytes=0-3"), ("if-range", stale)],
        )
        .await;
        assert_eq!(
            got.status,
            StatusCode::OK,
            "{stale}: the whole, current file"
        );
        assert!(got.body == f.png, "{stale}");
    }
}

#[tokio::test]
async fn head_answers_the_headers_of_get_without_the_body() {
    let f = fixture().await;
    let got = fetch(&f.app, Method::HEAD, &f.png_uri, &[]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.is_empty());
    assert_eq!(got.header("content-length"), f.png.len().to_string());
    assert_eq!(got.header("content-type"), "image/png");
    assert_eq!(got.header("etag"), etag_of(&f.png));
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    let got = fetch(&f.app, Method::HEAD, &f.png_uri, &[("range", "bytes=2-5")]).await;
    assert_eq!(got.status, StatusCode::PARTIAL_CONTENT);
    assert!(got.body.is_empty());
    assert_eq!(got.header("content-length"), "4");
    assert_eq!(
        got.header("content-range"),
        format!("bytes 2-5/{}", f.png.len())
    );
}

#[tokio::test]
async fn anything_but_this_zones_stored_file_is_the_same_404() {
    let f = fixture().await;
    let stored = f.png_uri.trim_start_matches("/files/").to_owned();
    let other_zone = format!("/image-files/{stored}");
    let absent = "/files/0b6f1c2e-8d4a-4c1b-9f3e-2a7d5e6f8a9b.png".to_owned();
    let meta = format!("/files/{stored}.json");
    for uri in [
        other_zone,
        absent,
        meta,
        "/files/..%2F..%2Fetc%2Fpasswd".to_owned(),
        "/files/.meta".to_owned(),
        "/files/%2e%2e".to_owned(),
    ] {
        let got = get(&f.app, &uri, &[]).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(got.header("content-type"), "text/plain; charset=utf-8");
        assert_eq!(got.header("x-content-type-options"), "nosniff");
        assert_eq!(String::from_utf8_lossy(&got.body), "No such file.", "{uri}");
    }
}
