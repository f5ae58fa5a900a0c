//! The `tracing` output of uploads, captured by a small `tracing_subscriber` layer: one
//! `upload` span per request (zone, route, request id), a `stored a file` and an
//! `upload complete` event at `info` with their fields, refusals at `debug` (`warn` for a
//! storage failure) with status and reason, chunk progress at `trace`, and never a CSRF token,
//! the session cookie or a byte of the file in any span or event.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::routing::{get, post};
use common::chunks::*;
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::csrf::{Csrf, CsrfToken};
use dropzone_runtime::options::Options;
use dropzone_runtime::upload::Storage;
use http::{Request, StatusCode};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

type Fields = BTreeMap<String, String>;

/// One captured event: its level, fields and the fields of every span it is in.
#[derive(Debug, Clone)]
struct Captured {
    level: Level,
    fields: Fields,
    spans: Vec<(String, Fields)>,
}

impl Captured {
    fn message(&self) -> &str {
        self.fields.get("message").map_or("", String::as_str)
    }
    fn span(&self, name: &str) -> Option<&Fields> {
        self.spans.iter().find(|(n, _)| n == name).map(|(_, f)| f)
    }
}

#[derive(Default, Clone)]
struct Capture {
    spans: Arc<Mutex<HashMap<Id, (String, Fields)>>>,
    events: Arc<Mutex<Vec<Captured>>>,
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        let name = attrs.metadata().name().to_owned();
        self.spans
            .lock()
            .unwrap()
            .insert(id.clone(), (name, fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some((_, fields)) = self.spans.lock().unwrap().get_mut(id) {
            values.record(&mut Visitor(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        let known = self.spans.lock().unwrap();
        let spans = ctx
            .event_scope(event)
            .into_iter()
            .flatten()
            .filter_map(|s| known.get(&s.id()).cloned())
            .collect();
        self.events.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            fields,
            spans,
        });
    }
}

impl Capture {
    /// Every span's and event's text, to search for what must never be logged.
    fn all_text(&self) -> String {
        let events = self.events.lock().unwrap();
        let spans = self.spans.lock().unwrap();
        format!("{events:?} {:?}", spans.values().collect::<Vec<_>>())
    }
    fn events(&self) -> Vec<Captured> {
        self.events.lock().unwrap().clone()
    }
    fn find(&self, message: &str) -> Vec<Captured> {
        self.events()
            .into_iter()
            .filter(|e| e.message() == message)
            .collect()
    }
}

/// Runs `test` with `capture` as the thread's subscriber (the tests run on a current-thread
/// runtime, so every event of the request is on this thread).
async fn captured<F: std::future::Future>(capture: &Capture, test: F) -> F::Output {
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    test.await
}

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

async fn token_page(token: CsrfToken) -> (CsrfToken, String) {
    let text = token.token().to_owned();
    (token, text)
}

const CONTENT: &[u8] = b"SECRET-CONTENT-4711 the bytes of the file";

#[tokio::test]
async fn one_upload_traces_its_span_stored_file_and_completion_without_token_or_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let csrf = Csrf::new(b"a test secret of at least 32 bytes...");
    let app = Router::new()
        .route("/page", get(token_page))
        .route("/guarded", post(report::<Guarded>))
        .with_state(AppState {
            storage: Storage::new(dir.path()).csrf(csrf.clone()),
            csrf,
        });
    let resp = tower::ServiceExt::oneshot(
        app.clone(),
        Request::get("/page").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = String::from_utf8(
        http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let body = Multipart::new()
        .text("csrf_token", &token)
        .file("file", "notes.txt", "text/plain", CONTENT)
        .finish();
    let req = Request::post("/guarded?session=query-secret")
        .header("content-type", content_type())
        .header("cookie", &cookie)
        .header("x-request-id", "req-42")
        .body(Body::from(body))
        .unwrap();

    let capture = Capture::default();
    let answer = captured(&capture, send(app, req)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let stored_name = answer.json()["file"].as_str().unwrap().to_owned();

    let stored = capture.find("stored a file");
    assert_eq!(stored.len(), 1, "{:#?}", capture.events());
    let stored = &stored[0];
    assert_eq!(stored.level, Level::INFO);
    assert_eq!(stored.fields["stored_name"], stored_name);
    assert_eq!(stored.fields["size"], CONTENT.len().to_string());
    assert_eq!(stored.fields["field"], "file");
    assert!(stored.fields["duration_ms"].parse::<u64>().is_ok());
    let span = stored
        .span("upload")
        .expect("the event is in the upload span");
    assert_eq!(span["zone"], "myDropzone");
    assert_eq!(span["route"], "/guarded");
    assert_eq!(span["request_id"], "req-42");

    let done = capture.find("upload complete");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].level, Level::INFO);
    assert_eq!(done[0].fields["stored"], "1");
    assert_eq!(done[0].fields["refused"], "0");
    assert!(done[0].span("upload").is_some());

    let text = capture.all_text();
    assert!(!text.contains(&token), "the CSRF token was logged: {text}");
    let session = cookie.split_once('=').unwrap().1;
    assert!(
        !text.contains(session),
        "the session cookie was logged: {text}"
    );
    assert!(
        !text.contains("SECRET-CONTENT"),
        "file bytes were logged: {text}"
    );
    assert!(
        !text.contains("query-secret"),
        "the query was logged: {text}"
    );
}

#[tokio::test]
async fn a_refusal_is_a_debug_event_with_status_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file", "a.png", "text/html", b"<html>")
        .finish();
    let capture = Capture::default();
    let a = captured(&capture, post_body(app(dir.path()), "/images", body)).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let refused = capture.find("upload refused");
    assert_eq!(refused.len(), 1, "{:#?}", capture.events());
    assert_eq!(refused[0].level, Level::DEBUG);
    assert_eq!(refused[0].fields["status"], "415");
    assert_eq!(refused[0].fields["rejection_type"], "UnsupportedFileType");
    assert_eq!(refused[0].fields["reason"], a.text);
    assert!(refused[0].span("upload").is_some());
    assert!(capture.find("upload complete").is_empty());
}

#[tokio::test]
async fn a_storage_failure_is_a_warning_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("uploads");
    let storage = Storage::new(&folder);
    // The folder is replaced by a file: nothing can be created in it, and it cannot be
    // re-created.
    std::fs::remove_dir(&folder).unwrap();
    std::fs::write(&folder, b"not a folder").unwrap();
    let app = Router::new()
        .route("/any", post(report::<AnyFile>))
        .with_state(storage);
    let body = Multipart::new()
        .file("file", "a.txt", "text/plain", CONTENT)
        .finish();
    let capture = Capture::default();
    let a = captured(&capture, post_body(app, "/any", body)).await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", a.text);
    let refused = capture.find("upload refused");
    assert_eq!(refused.len(), 1, "{:#?}", capture.events());
    assert_eq!(refused[0].level, Level::WARN);
    assert_eq!(refused[0].fields["status"], "500");
    assert!(!refused[0].fields["error"].is_empty());
}

#[tokio::test]
async fn chunk_progress_is_traced_and_the_completing_chunk_stores_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(2500);
    let uuid = new_uuid();
    let capture = Capture::default();
    let answers = captured(&capture, send_chunks(&app, &uuid, &data, &[0, 1, 2])).await;
    assert!(answers.iter().all(|a| a.status == StatusCode::OK));
    let progress = capture.find("chunk received");
    assert_eq!(progress.len(), 2, "{:#?}", capture.events());
    assert!(progress.iter().all(|e| e.level == Level::TRACE));
    assert_eq!(progress[1].fields["upload_id"], uuid);
    assert_eq!(progress[1].fields["received"], "2");
    assert_eq!(progress[1].fields["total"], "3");
    assert_eq!(capture.find("chunked file reassembled").len(), 1);
    assert_eq!(capture.find("stored a file").len(), 1);
    assert_eq!(capture.find("upload complete").len(), 1);
}
