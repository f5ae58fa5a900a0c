//! The upload policy hook: `before_file` refuses before a byte of the file is stored (the
//! folder stays empty), sees the request's extensions (what an auth layer put there), and
//! `on_complete` vetoes a complete file so that nothing is kept. For chunked uploads,
//! `before_file` runs for every chunk and `on_complete` exactly once per file.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::body::Body;
use axum::routing::post;
use common::chunks::*;
use common::*;
use dropzone_runtime::upload::{CompleteFile, FileMeta, PolicyRefused, Storage, UploadPolicy};
use http::request::Parts;
use http::{Request, StatusCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What an auth layer would insert: the signed-in user.
#[derive(Clone)]
struct User(&'static str);

/// Uploads only for a signed-in user (an extension), and never more than `max` bytes a file
/// once complete; counts how often each stage ran.
#[derive(Default)]
struct Rules {
    max: u64,
    before: AtomicUsize,
    complete: AtomicUsize,
}

impl UploadPolicy for Rules {
    async fn before_file(&self, request: &Parts, file: &FileMeta<'_>) -> Result<(), PolicyRefused> {
        self.before.fetch_add(1, Ordering::SeqCst);
        assert!(!file.file_name.is_empty());
        match request.extensions.get::<User>() {
            Some(User("mallory")) => Err(PolicyRefused::too_many_requests("Slow down, mallory.")),
            Some(_) => Ok(()),
            None => Err(PolicyRefused::forbidden("Sign in to upload.")),
        }
    }

    async fn on_complete(
        &self,
        _request: &Parts,
        file: &CompleteFile<'_>,
    ) -> Result<(), PolicyRefused> {
        self.complete.fetch_add(1, Ordering::SeqCst);
        if file.size > self.max {
            return Err(PolicyRefused::insufficient_storage(
                "Your quota is used up.",
            ));
        }
        Ok(())
    }
}

fn rules(max: u64) -> Arc<Rules> {
    Arc::new(Rules {
        max,
        ..Rules::default()
    })
}

fn policed(dir: &std::path::Path, rules: &Arc<Rules>) -> Router {
    Router::new()
        .route("/any", post(report::<AnyFile>))
        .route("/batch", post(report::<Batch>))
        .route("/chunked", post(report::<Chunked>))
        .with_state(Storage::new(dir).policy(rules.clone()))
}

async fn post_as(app: Router, uri: &str, user: Option<&'static str>, body: Vec<u8>) -> Answer {
    let mut req = Request::post(uri)
        .header("content-type", content_type())
        .body(Body::from(body))
        .unwrap();
    if let Some(user) = user {
        // As an auth middleware does, before the handler's extractors run.
        req.extensions_mut().insert(User(user));
    }
    send(app, req).await
}

fn one_file(data: &[u8]) -> Vec<u8> {
    Multipart::new()
        .file("file", "notes.txt", "text/plain", data)
        .finish()
}

#[tokio::test]
async fn before_file_refuses_with_its_status_and_message_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules(1 << 20);
    let app = policed(dir.path(), &rules);

    let a = post_as(app.clone(), "/any", None, one_file(b"hello")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
    assert_eq!(a.text, "Sign in to upload.");
    assert_eq!(a.content_type, "text/plain; charset=utf-8");
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());

    let a = post_as(app.clone(), "/any", Some("mallory"), one_file(b"hello")).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.text, "Slow down, mallory.");
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
    assert_eq!(rules.complete.load(Ordering::SeqCst), 0);

    let a = post_as(app, "/any", Some("alice"), one_file(b"hello")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let stored = the_stored_file(dir.path());
    assert_eq!(stored, b"hello");
    assert_eq!(rules.before.load(Ordering::SeqCst), 3);
    assert_eq!(rules.complete.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_answer_is_nosniff_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let req = Request::post("/any")
        .header("content-type", content_type())
        .body(Body::from(one_file(b"<script>")))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(policed(dir.path(), &rules(10)), req)
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn on_complete_vetoes_a_complete_file_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules(4);
    let a = post_as(
        policed(dir.path(), &rules),
        "/any",
        Some("alice"),
        one_file(b"too long"),
    )
    .await;
    assert_eq!(a.status, StatusCode::INSUFFICIENT_STORAGE, "{}", a.text);
    assert_eq!(a.text, "Your quota is used up.");
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
    assert_eq!(rules.complete.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn in_a_batch_a_vetoed_file_is_its_own_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules(100);
    let body = Multipart::new()
        .file("file[0]", "big.png", "image/png", &png_bytes(101))
        .file("file[1]", "ok.png", "image/png", &png_bytes(100))
        .finish();
    let a = post_as(policed(dir.path(), &rules), "/batch", Some("alice"), body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let outcomes = &a.json()["outcomes"];
    assert_eq!(outcomes[0]["saved"], false);
    assert_eq!(outcomes[0]["status"], 507);
    assert_eq!(outcomes[0]["message"], "Your quota is used up.");
    assert_eq!(outcomes[1]["saved"], true);
    assert_eq!(the_stored_file(dir.path()), png_bytes(100));
}

#[tokio::test]
async fn chunked_before_runs_per_chunk_and_on_complete_once_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules(1 << 20);
    let app = policed(dir.path(), &rules);
    let data = png_bytes(2500);
    let uuid = new_uuid();
    let mut answers = Vec::new();
    // Out of order, and chunk 0 twice (a retry): four chunk requests, one file.
    for i in [1, 0, 0, 2] {
        let body = chunk_body(&uuid, &data, i, "big.bin");
        answers.push(post_as(app.clone(), "/chunked", Some("alice"), body).await);
    }
    assert!(is_ack(&answers[0], 1, 1, 3), "{}", answers[0].text);
    assert_eq!(answers[3].status, StatusCode::OK, "{}", answers[3].text);
    assert_eq!(the_stored_file(dir.path()), data);
    assert_eq!(rules.before.load(Ordering::SeqCst), 4);
    assert_eq!(rules.complete.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn chunked_refused_chunk_stores_nothing_and_a_vetoed_file_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let rules = rules(2000);
    let app = policed(dir.path(), &rules);
    let data = png_bytes(2500);
    let uuid = new_uuid();

    let a = post_as(
        app.clone(),
        "/chunked",
        None,
        chunk_body(&uuid, &data, 0, "b.bin"),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_no_parts(dir.path());

    let mut last = None;
    for i in 0..3 {
        let body = chunk_body(&uuid, &data, i, "b.bin");
        last = Some(post_as(app.clone(), "/chunked", Some("alice"), body).await);
    }
    let last = last.unwrap();
    assert_eq!(
        last.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        last.text
    );
    assert_eq!(last.text, "Your quota is used up.");
    assert_no_parts(dir.path());
    assert!(entries(dir.path()).iter().all(|n| n.starts_with('.')));
    // A retried last chunk is not acknowledged as if the file had been kept.
    let again = post_as(
        app,
        "/chunked",
        Some("alice"),
        chunk_body(&uuid, &data, 2, "b.bin"),
    )
    .await;
    assert_eq!(again.status, StatusCode::GONE, "{}", again.text);
    assert_eq!(rules.complete.load(Ordering::SeqCst), 1);
}
