//! The stored-file routes on S3-compatible object storage (`Storage::s3`), against the real
//! Garage cluster of `scripts/object-store.sh` (no mocks), run the way `object_store.rs` is:
//!
//!   eval "$(bash scripts/object-store.sh up)"
//!   cargo test -p dropzone-runtime --features s3 --test object_store_routes
//!
//! A file uploaded through the extractor into the bucket is served by `files::serve` with the
//! same headers, ETag and ranges as from a folder, listed by `FileList`, and removed by
//! `files::Remove`: object and sidecar gone, a forged id deleting nothing. Without
//! `DROPZONE_STORAGE` each test prints why it is skipped and passes, unless `DZRS_REQUIRE_S3=1`
//! (set by scripts/test.sh). Each test uses its own fresh prefix.

mod s3_common;
mod upload_common;

use axum::Router;
use axum::body::Body;
use axum::routing::post;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::files::{self, REMOVE_HEADER, Remove};
use dropzone_runtime::options::Options;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use s3_common::*;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use upload_common::*;

struct Big;
impl DropzoneConfig for Big {
    const OPTIONS: &'static Options = &BASE.with_id("s3-routes").with_max_file_size(16.0);
}
impl<S> dropzone_runtime::upload::ZoneState<S> for Big {}

async fn upload(up: Upload<Big>) -> UploadReport {
    up.report()
}

async fn remove(removed: Remove<Big>) -> Remove<Big> {
    removed
}

fn app(storage: Storage) -> Router {
    Router::new()
        .route("/upload", post(upload).delete(remove))
        .route("/files/{name}", files::serve::<Big, _>())
        .with_state(storage)
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

#[tokio::test]
async fn a_file_in_the_bucket_is_served_listed_and_removed_through_the_routes() {
    let Some(s3) = backend("routes") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = app(storage.clone());
    // Over one 5 MiB part, so the object came from a multipart upload.
    let png = png_bytes(6 * MIB + 4321);
    let body = Multipart::new()
        .file("file", "big photo.png", "image/png", &png)
        .finish();
    let answer = post_body(app.clone(), "/upload", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let entry = &answer.json()["files"][0];
    let stored = entry["stored_name"].as_str().unwrap().to_owned();
    let remove_id = entry["remove_id"].as_str().unwrap().to_owned();
    let uri = format!("/files/{stored}");
    let etag = format!(
        "\"{}\"",
        Sha256::digest(&png)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );

    let (status, headers, got) = call(&app, Request::get(&uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(got == png, "the object's bytes");
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], files::FILE_CSP);
    assert_eq!(
        headers["content-disposition"],
        "inline; filename=\"big_photo.png\"; filename*=UTF-8''big_photo.png"
    );
    assert_eq!(headers["etag"], etag.as_str());
    assert_eq!(headers["content-length"], png.len().to_string().as_str());

    // A range across the first part boundary, read from the bucket with a ranged GET.
    let from = 5 * MIB - 10;
    let range = format!("bytes={from}-{}", from + 19);
    let req = Request::get(&uri)
        .header("range", &range)
        .body(Body::empty())
        .unwrap();
    let (status, headers, got) = call(&app, req).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert!(got == png[from..from + 20]);
    assert_eq!(
        headers["content-range"],
        format!("bytes {from}-{}/{}", from + 19, png.len()).as_str()
    );
    let req = Request::get(&uri)
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, req).await.0, StatusCode::NOT_MODIFIED);
    let req = Request::head(&uri).body(Body::empty()).unwrap();
    let (status, headers, got) = call(&app, req).await;
    assert_eq!((status, got.len()), (StatusCode::OK, 0));
    assert_eq!(headers["content-length"], png.len().to_string().as_str());

    // Listed from a spawned task: list_files' future is Send, as a handler needs.
    let lister = storage.clone();
    let page = tokio::spawn(async move { lister.list_files(Big::OPTIONS.id(), None, 10).await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.files.len(), 1);
    let html = maud::Render::render(&files::FileList::new::<Big>(
        &storage,
        &page.files,
        "/files",
    ))
    .into_string();
    assert!(
        html.contains(&format!("href=\"/files/{stored}\"")),
        "{html}"
    );

    // A forged id deletes nothing; the genuine one removes object and sidecar.
    let forged = format!("{}AAAA", &remove_id[..remove_id.len() - 4]);
    let req = Request::delete("/upload")
        .header(REMOVE_HEADER, &forged)
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, req).await.0, StatusCode::FORBIDDEN);
    assert!(storage.file_info(Big::OPTIONS.id(), &stored).await.is_ok());
    let req = Request::delete("/upload")
        .header(REMOVE_HEADER, &remove_id)
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, req).await.0, StatusCode::NO_CONTENT);
    let req = Request::get(&uri).body(Body::empty()).unwrap();
    assert_eq!(call(&app, req).await.0, StatusCode::NOT_FOUND);
    let listed = s3.list(None, 100).await.unwrap();
    assert!(
        listed.objects.is_empty(),
        "left in the bucket: {:?}",
        listed.objects
    );
}
