//! CSRF in `Upload<Z>`: a zone with `enable_csrf` stores nothing unless the request carries a
//! valid token for its session, in a header or in a `csrf_token` field before the files, and
//! refuses before a single file byte is read. Every refusal must leave the folder empty,
//! `.part-*` files included.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::FromRef;
use axum::routing::{get, post};
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::csrf::{COOKIE_NAME, Csrf, CsrfToken};
use dropzone_runtime::options::Options;
use dropzone_runtime::upload::Storage;
use http::{Request, StatusCode};
use std::path::Path;
use std::time::Duration;

struct Guarded;
impl DropzoneConfig for Guarded {
    const OPTIONS: &'static Options = &BASE.with_enable_csrf(true);
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
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

async fn token_page(token: CsrfToken) -> (CsrfToken, String) {
    let text = token.token().to_owned();
    (token, text)
}

/// `/page` mints a token (and a session cookie), `/guarded` needs one, `/open` does not.
fn app_with(dir: &Path, csrf: Csrf) -> Router {
    Router::new()
        .route("/page", get(token_page))
        .route("/guarded", post(report::<Guarded>))
        .route("/open", post(report::<AnyFile>))
        .with_state(AppState {
            storage: Storage::new(dir).csrf(csrf.clone()),
            csrf,
        })
}

fn app(dir: &Path) -> Router {
    app_with(dir, Csrf::new(SECRET))
}

/// A browser session: its cookie and a token minted for it.
struct Session {
    cookie: String,
    token: String,
}

async fn session(app: &Router) -> Session {
    let req = Request::get("/page").body(Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    assert!(
        cookie.starts_with(&format!("{COOKIE_NAME}=")),
        "{set_cookie}"
    );
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    Session {
        cookie,
        token: String::from_utf8(body.to_vec()).unwrap(),
    }
}

fn upload_req(uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut req = Request::post(uri).header("content-type", content_type());
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    req.body(body.into()).unwrap()
}

fn one_png() -> Vec<u8> {
    Multipart::new()
        .file("file", "a.png", "image/png", &png_bytes(50_000))
        .finish()
}

#[track_caller]
fn assert_refused(answer: &Answer, dir: &Path, message: &str) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    assert_eq!(answer.text, message);
    assert_eq!(entries(dir), Vec::<String>::new(), "nothing may be stored");
}

#[tokio::test]
async fn a_valid_token_in_either_header_stores_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    for header in ["X-CSRFToken", "X-CSRF-Token"] {
        let req = upload_req(
            "/guarded",
            &[("cookie", &s.cookie), (header, &s.token)],
            one_png(),
        );
        let answer = send(app.clone(), req).await;
        assert_eq!(answer.status, StatusCode::OK, "{header}: {}", answer.text);
    }
    assert_eq!(entries(dir.path()).len(), 2);
}

#[tokio::test]
async fn a_valid_token_field_before_the_file_stores_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    let body = Multipart::new()
        .text("csrf_token", &s.token)
        .file("file", "a.png", "image/png", b"\x89PNG\r\n\x1a\nrest")
        .finish();
    let answer = send(app, upload_req("/guarded", &[("cookie", &s.cookie)], body)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["csrf"], s.token.as_str());
    assert_eq!(entries(dir.path()).len(), 1);
}

#[tokio::test]
async fn a_missing_token_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    let answer = send(
        app.clone(),
        upload_req("/guarded", &[("cookie", &s.cookie)], one_png()),
    )
    .await;
    assert_refused(&answer, dir.path(), "The CSRF token is missing.");

    // Blank header and blank field count as missing.
    let body = Multipart::new()
        .text("csrf_token", "  ")
        .file("file", "a.png", "image/png", b"x")
        .finish();
    let req = upload_req(
        "/guarded",
        &[("cookie", &s.cookie), ("x-csrf-token", " ")],
        body,
    );
    let answer = send(app, req).await;
    assert_refused(&answer, dir.path(), "The CSRF token is missing.");
}

#[tokio::test]
async fn a_token_field_after_the_file_is_too_late() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    let body = Multipart::new()
        .file("file", "a.png", "image/png", &png_bytes(10_000))
        .text("csrf_token", &s.token)
        .finish();
    let answer = send(app, upload_req("/guarded", &[("cookie", &s.cookie)], body)).await;
    assert_refused(&answer, dir.path(), "The CSRF token is missing.");
}

#[tokio::test]
async fn a_token_without_its_session_cookie_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    let req = upload_req("/guarded", &[("x-csrftoken", &s.token)], one_png());
    let answer = send(app, req).await;
    assert_refused(&answer, dir.path(), "The CSRF session token is missing.");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(
        dir.path(),
        Csrf::new(SECRET).time_limit(Some(Duration::ZERO)),
    );
    let s = session(&app).await;
    // Tokens carry whole seconds: wait until the second they were minted in has passed.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    for (cookie, header, field) in [(true, true, false), (true, false, true)] {
        let mut body = Multipart::new();
        if field {
            body = body.text("csrf_token", &s.token);
        }
        let body = body.file("file", "a.png", "image/png", b"x").finish();
        let mut headers = vec![];
        if cookie {
            headers.push(("cookie", s.cookie.as_str()));
        }
        if header {
            headers.push(("x-csrf-token", s.token.as_str()));
        }
        let answer = send(app.clone(), upload_req("/guarded", &headers, body)).await;
        assert_refused(&answer, dir.path(), "The CSRF token has expired.");
    }
}

#[tokio::test]
async fn invalid_forged_and_foreign_tokens_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let mine = session(&app).await;
    let theirs = session(&app).await;
    assert_ne!(mine.cookie, theirs.cookie);
    let other_app = app_with(
        dir.path(),
        Csrf::new(b"another secret, also 32 bytes long!!"),
    );
    let other_key = session(&other_app).await;
    let (time, tag) = mine.token.split_once('.').unwrap();
    let renewed = format!("{}.{tag}", time.parse::<u64>().unwrap() + 1);

    let bad_tokens = [
        "garbage".to_owned(),
        "123.notbase64!!".to_owned(),
        renewed,
        // Another browser's token with my cookie.
        theirs.token.clone(),
        // A token of another application's key (and its own cookie value, below).
        other_key.token.clone(),
    ];
    for token in &bad_tokens {
        for in_field in [false, true] {
            let (headers, body) = if in_field {
                let body = Multipart::new()
                    .text("csrf_token", token)
                    .file("file", "a.png", "image/png", b"x")
                    .finish();
                (vec![("cookie", mine.cookie.as_str())], body)
            } else {
                (
                    vec![
                        ("cookie", mine.cookie.as_str()),
                        ("x-csrftoken", token.as_str()),
                    ],
                    one_png(),
                )
            };
            let answer = send(app.clone(), upload_req("/guarded", &headers, body)).await;
            assert_refused(&answer, dir.path(), "The CSRF token is invalid.");
        }
    }
    // The other app's token with the other app's cookie, here.
    let req = upload_req(
        "/guarded",
        &[
            ("cookie", &other_key.cookie),
            ("x-csrf-token", &other_key.token),
        ],
        one_png(),
    );
    let answer = send(app.clone(), req).await;
    assert_refused(&answer, dir.path(), "The CSRF token is invalid.");

    // A bad header is not rescued by a good field.
    let body = Multipart::new()
        .text("csrf_token", &mine.token)
        .file("file", "a.png", "image/png", b"x")
        .finish();
    let req = upload_req(
        "/guarded",
        &[("cookie", &mine.cookie), ("x-csrf-token", "garbage")],
        body,
    );
    let answer = send(app, req).await;
    assert_refused(&answer, dir.path(), "The CSRF token is invalid.");
}

/// The file part arrives, a few bytes of it, then the client stalls forever. The refusal must
/// come anyway: the extractor decides on the part's headers and never waits for (or stores) its
/// content.
#[tokio::test]
async fn refusal_comes_before_the_file_content_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    let head = Multipart::new()
        .file("file", "a.png", "image/png", &png_bytes(64 * 1024))
        .unfinished();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    tx.send(Ok(Bytes::from(head))).await.unwrap();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let req = upload_req(
        "/guarded",
        &[("cookie", &s.cookie)],
        Body::from_stream(stream),
    );
    let answer = tokio::time::timeout(Duration::from_secs(10), send(app, req))
        .await
        .expect("the refusal must not wait for the rest of the file");
    assert_refused(&answer, dir.path(), "The CSRF token is missing.");
    drop(tx);
}

#[tokio::test]
async fn zones_without_enable_csrf_need_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let answer = send(app(dir.path()), upload_req("/open", &[], one_png())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(entries(dir.path()).len(), 1);
}

#[tokio::test]
async fn a_csrf_zone_without_a_configured_csrf_fails_loudly() {
    let dir = tempfile::tempdir().unwrap();
    let app = Router::new()
        .route("/guarded", post(report::<Guarded>))
        .route("/open", post(report::<AnyFile>))
        .with_state(Storage::new(dir.path()));
    let answer = send(app.clone(), upload_req("/guarded", &[], one_png())).await;
    assert_eq!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        answer.text
    );
    assert!(
        answer.text.contains("CSRF protection is not configured"),
        "{}",
        answer.text
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
    // Other zones on the same storage are unaffected.
    let answer = send(app, upload_req("/open", &[], one_png())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
}

#[tokio::test]
async fn file_parts_of_other_names_also_wait_for_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = session(&app).await;
    // A file under another name first (skipped unread on open zones) is refused too.
    let body = Multipart::new()
        .file("other", "x.bin", "application/octet-stream", b"zzz")
        .text("csrf_token", &s.token)
        .file("file", "a.png", "image/png", b"x")
        .finish();
    let answer = send(app, upload_req("/guarded", &[("cookie", &s.cookie)], body)).await;
    assert_refused(&answer, dir.path(), "The CSRF token is missing.");
}

struct GuardedChunks;
impl DropzoneConfig for GuardedChunks {
    const OPTIONS: &'static Options =
        &BASE
            .with_enable_csrf(true)
            .with_chunking(Some(dropzone_runtime::options::Chunking {
                force: true,
                chunk_size: 1000,
                parallel: false,
                retry_limit: None,
            }));
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for GuardedChunks {}

/// Chunk `index` of `data` in 1000-byte chunks, as Dropzone.js sends it (fields first).
fn chunk_body(uuid: &str, data: &[u8], index: usize) -> Vec<u8> {
    let start = index * 1000;
    let end = (start + 1000).min(data.len());
    Multipart::new()
        .text("dzuuid", uuid)
        .text("dzchunkindex", index.to_string())
        .text("dztotalfilesize", data.len().to_string())
        .text("dzchunksize", "1000")
        .text("dztotalchunkcount", data.len().div_ceil(1000).to_string())
        .text("dzchunkbyteoffset", start.to_string())
        .file(
            "file",
            "big.bin",
            "application/octet-stream",
            &data[start..end],
        )
        .finish()
}

/// Every file under `dir`, recursively (chunked uploads keep parts in `.chunks/`).
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out
}

/// Every chunk request is checked: Dropzone.js sends the header on each chunk's XHR, and a
/// chunk without it stores nothing, not even in the chunk store.
#[tokio::test]
async fn every_chunk_of_a_chunked_upload_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let csrf = Csrf::new(SECRET);
    let app = Router::new()
        .route("/page", get(token_page))
        .route("/chunks", post(report::<GuardedChunks>))
        .with_state(AppState {
            storage: Storage::new(dir.path()).csrf(csrf.clone()),
            csrf,
        });
    let s = session(&app).await;
    let data = png_bytes(2500);
    let uuid = uuid::Uuid::new_v4().to_string();

    // A first chunk without the token: refused, nothing stored anywhere.
    let req = upload_req(
        "/chunks",
        &[("cookie", &s.cookie)],
        chunk_body(&uuid, &data, 0),
    );
    let answer = send(app.clone(), req).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert_eq!(answer.text, "The CSRF token is missing.");
    assert_eq!(files_under(dir.path()), Vec::<String>::new());

    // With the token on each chunk the file is reassembled.
    let headers = [
        ("cookie", s.cookie.as_str()),
        ("x-csrf-token", s.token.as_str()),
    ];
    for index in 0..3 {
        let answer = send(
            app.clone(),
            upload_req("/chunks", &headers, chunk_body(&uuid, &data, index)),
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "chunk {index}: {}",
            answer.text
        );
    }
    let stored: Vec<String> = files_under(dir.path())
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(std::fs::read(dir.path().join(&stored[0])).unwrap() == data);
}

/// A page resuming an upload asks which chunks are here: that answer is authenticated like an
/// upload, so without the token it is refused (and says nothing of the upload).
#[tokio::test]
async fn a_resume_query_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let csrf = Csrf::new(SECRET);
    let app = Router::new()
        .route("/page", get(token_page))
        .route("/chunks", post(report::<GuardedChunks>))
        .with_state(AppState {
            storage: Storage::new(dir.path()).csrf(csrf.clone()),
            csrf,
        });
    let s = session(&app).await;
    let data = png_bytes(2500);
    let uuid = uuid::Uuid::new_v4().to_string();
    let headers = [
        ("cookie", s.cookie.as_str()),
        ("x-csrf-token", s.token.as_str()),
    ];
    let first = send(
        app.clone(),
        upload_req("/chunks", &headers, chunk_body(&uuid, &data, 0)),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let query = || common::chunks::resume_body_with(&uuid, data.len(), 1000, "big.bin");

    let refused = send(
        app.clone(),
        upload_req("/chunks", &[("cookie", &s.cookie)], query()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.text, "The CSRF token is missing.");
    let forged = send(
        app.clone(),
        upload_req(
            "/chunks",
            &[("cookie", &s.cookie), ("x-csrf-token", "forged")],
            query(),
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text);

    let answer = send(app.clone(), upload_req("/chunks", &headers, query())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.text, r#"{"received":[0]}"#);
}
