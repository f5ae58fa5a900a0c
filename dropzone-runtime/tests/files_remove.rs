//! `files::Remove<Z>`: the remove id of an upload answer deletes exactly its file, through
//! the zone's `DELETE` route; a forged, expired, other-zone or missing id, or a missing CSRF
//! token, is refused in plain text with `nosniff` and deletes nothing.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::routing::{get, post};
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::csrf::{Csrf, CsrfToken};
use dropzone_runtime::files::{REMOVE_HEADER, Remove, RemoveKey};
use dropzone_runtime::options::Options;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::path::Path;
use tower::ServiceExt;

/// Another zone than `AnyFile` (whose id the other test zones share).
struct Photos;
impl dropzone_runtime::DropzoneConfig for Photos {
    const OPTIONS: &'static dropzone_runtime::options::Options = &BASE.with_id("photos");
}
impl<S> dropzone_runtime::upload::ZoneState<S> for Photos {}

struct Guarded;
impl DropzoneConfig for Guarded {
    const OPTIONS: &'static Options = &BASE.with_id("guarded").with_enable_csrf(true);
}
impl<S> dropzone_runtime::upload::ZoneState<S> for Guarded {}

#[derive(Clone)]
struct AppState {
    storage: Storage,
    csrf: Csrf,
}

impl FromRef<AppState> for Storage {
    fn from_ref(state: &AppState) -> Storage {
        state.storage.clone()
    }
}

impl FromRef<AppState> for Csrf {
    fn from_ref(state: &AppState) -> Csrf {
        state.csrf.clone()
    }
}

const SECRET: &[u8] = b"a test secret of at least 32 bytes...";

fn key() -> RemoveKey {
    RemoveKey::new([5u8; 32])
}

async fn upload_any(up: Upload<AnyFile>) -> UploadReport {
    up.report()
}
async fn upload_images(up: Upload<Photos>) -> UploadReport {
    up.report()
}
async fn upload_guarded(up: Upload<Guarded>) -> UploadReport {
    up.report()
}
async fn remove_any(r: Remove<AnyFile>) -> Remove<AnyFile> {
    r
}
async fn remove_images(r: Remove<Photos>) -> Remove<Photos> {
    r
}
async fn remove_guarded(r: Remove<Guarded>) -> Remove<Guarded> {
    r
}
async fn token_page(token: CsrfToken) -> (CsrfToken, String) {
    let text = token.token().to_owned();
    (token, text)
}

fn app(dir: &Path) -> Router {
    let csrf = Csrf::new(SECRET);
    Router::new()
        .route("/any", post(upload_any).delete(remove_any))
        .route("/images", post(upload_images).delete(remove_images))
        .route("/guarded", post(upload_guarded).delete(remove_guarded))
        .route("/page", get(token_page))
        .with_state(AppState {
            storage: Storage::new(dir).remove_key(key()).csrf(csrf.clone()),
            csrf,
        })
}

/// Uploads one small file through `route` with `headers`; its stored name and remove id.
async fn upload(app: &Router, route: &str, headers: &[(&str, &str)]) -> (String, String) {
    let body = Multipart::new()
        .file("file", "a.png", "image/png", &png_bytes(2_000))
        .finish();
    let mut req = Request::post(route).header("content-type", content_type());
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let answer = send(app.clone(), req.body(Body::from(body)).unwrap()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let entry = &answer.json()["files"][0];
    (
        entry["stored_name"].as_str().unwrap().to_owned(),
        entry["remove_id"].as_str().unwrap().to_owned(),
    )
}

async fn delete(app: &Router, route: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::delete(route);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    send(app.clone(), req.body(Body::empty()).unwrap()).await
}

fn stored(dir: &Path, name: &str) -> bool {
    dir.join(name).exists()
}

#[track_caller]
fn assert_refused(answer: &Answer, status: StatusCode, text: &str) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    assert_eq!(answer.text, text);
}

#[tokio::test]
async fn the_upload_answers_remove_id_deletes_exactly_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (kept, _) = upload(&app, "/any", &[]).await;
    let (name, id) = upload(&app, "/any", &[]).await;
    let resp = app
        .clone()
        .oneshot(
            Request::delete("/any")
                .header(REMOVE_HEADER, &id)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert!(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty()
    );
    assert!(!stored(dir.path(), &name), "the file is gone");
    assert!(stored(dir.path(), &kept), "the other file stays");
    let storage = Storage::new(dir.path());
    assert!(
        storage
            .file_info(AnyFile::OPTIONS.id(), &name)
            .await
            .is_err(),
        "and its metadata with it"
    );
    // The same id again: a genuine id whose file is gone.
    let again = delete(&app, "/any", &[(REMOVE_HEADER, &id)]).await;
    assert_refused(&again, StatusCode::NOT_FOUND, "No such file.");
}

#[tokio::test]
async fn a_forged_id_is_403_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (name, id) = upload(&app, "/any", &[]).await;
    let (body, tag) = id.rsplit_once(':').unwrap();
    let flipped = if tag.starts_with('A') { "B" } else { "A" };
    let forged = [
        format!("{body}:{flipped}{}", &tag[1..]),
        // Another key's signature over the same name and expiry.
        RemoveKey::new([6u8; 32]).mint(AnyFile::OPTIONS.id(), &name),
        // A later expiry under the old signature.
        id.replacen(':', ":9", 1),
        "not an id".to_owned(),
    ];
    for forged in forged {
        let answer = delete(&app, "/any", &[(REMOVE_HEADER, &forged)]).await;
        assert_refused(
            &answer,
            StatusCode::FORBIDDEN,
            "This file cannot be removed from here.",
        );
        assert!(stored(dir.path(), &name), "{forged}: nothing deleted");
    }
}

#[tokio::test]
async fn an_expired_id_is_403_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (name, _) = upload(&app, "/any", &[]).await;
    let expired = key().mint_until(AnyFile::OPTIONS.id(), &name, 1_000_000_000);
    let answer = delete(&app, "/any", &[(REMOVE_HEADER, &expired)]).await;
    assert_refused(
        &answer,
        StatusCode::FORBIDDEN,
        "The permission to remove this file has expired; reload the page.",
    );
    assert!(stored(dir.path(), &name));
}

#[tokio::test]
async fn another_zones_id_or_file_is_refused_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (image, image_id) = upload(&app, "/images", &[]).await;
    // A Photos id sent to AnyFile's route: its signature does not hold for AnyFile.
    let answer = delete(&app, "/any", &[(REMOVE_HEADER, &image_id)]).await;
    assert_refused(
        &answer,
        StatusCode::FORBIDDEN,
        "This file cannot be removed from here.",
    );
    assert!(stored(dir.path(), &image));
    // A genuine AnyFile id naming the Photos file: the files API refuses another zone's file.
    let crossed = key().mint(AnyFile::OPTIONS.id(), &image);
    let answer = delete(&app, "/any", &[(REMOVE_HEADER, &crossed)]).await;
    assert_refused(&answer, StatusCode::NOT_FOUND, "No such file.");
    assert!(stored(dir.path(), &image));
    // Its own route takes it.
    let answer = delete(&app, "/images", &[(REMOVE_HEADER, &image_id)]).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(!stored(dir.path(), &image));
}

#[tokio::test]
async fn no_id_is_400() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let (name, _) = upload(&app, "/any", &[]).await;
    for headers in [&[][..], &[(REMOVE_HEADER, " ")][..]] {
        let answer = delete(&app, "/any", headers).await;
        assert_refused(
            &answer,
            StatusCode::BAD_REQUEST,
            "No file to remove was named.",
        );
    }
    assert!(stored(dir.path(), &name));
}

#[tokio::test]
async fn a_csrf_zone_needs_the_token_to_remove_too() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let resp = app
        .clone()
        .oneshot(Request::get("/page").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let token = resp.into_body().collect().await.unwrap().to_bytes();
    let token = String::from_utf8(token.to_vec()).unwrap();
    let session = [("cookie", cookie.as_str()), ("x-csrftoken", token.as_str())];
    let (name, id) = upload(&app, "/guarded", &session).await;

    let answer = delete(&app, "/guarded", &[(REMOVE_HEADER, &id), session[0]]).await;
    assert_refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "The CSRF token is missing.",
    );
    let answer = delete(
        &app,
        "/guarded",
        &[(REMOVE_HEADER, &id), ("x-csrftoken", "1.AAAA"), session[0]],
    )
    .await;
    assert_refused(
        &answer,
        StatusCode::BAD_REQUEST,
        "The CSRF token is invalid.",
    );
    assert!(stored(dir.path(), &name));

    let answer = delete(
        &app,
        "/guarded",
        &[(REMOVE_HEADER, &id), session[0], session[1]],
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.text);
    assert!(!stored(dir.path(), &name));
}
