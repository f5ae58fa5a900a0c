//! Flask-Dropzone's `in-form` example, ported: the dropzone is a `<div>` inside your own form,
//! next to a title and a description, and one **Submit** click sends both the files and the
//! form.
//!
//! Run with `cargo run -p example-in-form`, open <http://127.0.0.1:5000>, fill in the fields,
//! drop images and press **Submit**. `/v5` shows the same form on Dropzone.js 5.9.3.
//!
//! # How the files and the form meet (upstream #14, #17, #34, #35)
//!
//! The first click on Submit uploads the queue by XHR to the zone's `upload_action`; once the
//! queue completes, the form itself is submitted. Files and fields therefore travel in
//! separate requests, and the server must tie them together. The rule used here:
//!
//! 1. Each page load gets a fresh token, signed for the browser's `visitor` cookie (set on
//!    its first visit). It goes into the form as a hidden `batch` field and into the upload
//!    URL, per request: `.upload_action(format!("/upload?batch={token}"))`.
//! 2. `/upload` only accepts a token this server signed for the same visitor (checked by the
//!    storage's [`UploadPolicy`] before a byte of each file is stored, and again once the file
//!    is complete) and records the stored names of the files under it (at most the
//!    zone's `max_files`).
//! 3. `POST /form` takes the token's files, once: the token is spent, a second submission gets
//!    none. The page then shows the title, the description and those files.
//! 4. Batches are kept in memory for [`batches::TOKEN_TTL`], per visitor (see [`batches`]):
//!    loading pages stores nothing, so no number of other visitors' page loads can expire
//!    your form. A real app would keep them in its session or database and remove files
//!    whose form never arrived.
//!
//! With an empty queue, Submit sends the form straight away. The zone's id is honoured in
//! in-form mode (upstream ignored it, #35).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`), `UPLOAD_DIR` (default `./uploads`) and
//! `RUST_LOG` (default `info`; the log goes to stderr).

mod batches;

use axum::extract::{FromRef, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use batches::{Batches, Refused};
use dropzone_runtime::upload::{
    CompleteFile, FileMeta, PolicyRefused, Storage, Upload, UploadPolicy,
};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

/// Upstream's configuration: images, 3 MiB, 30 files, inside the form, sent by `#submit`.
#[derive(DropzoneConfig)]
#[dropzone(
    id = "photos",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    in_form = true,
    upload_on_click = true,
    upload_action = "/upload",
    upload_btn_id = "submit",
    serve_local = true
)]
struct Photos;

#[derive(Clone)]
struct AppState {
    storage: Storage,
    batches: Arc<Batches>,
}

impl FromRef<AppState> for Storage {
    fn from_ref(state: &AppState) -> Storage {
        state.storage.clone()
    }
}

/// The zone's `max_files`: most files one batch takes.
const MAX_FILES: usize = match Photos::OPTIONS.max_files() {
    Some(m) => m as usize,
    None => usize::MAX,
};

/// What a refused upload is answered.
fn refusal(refused: Refused) -> Response {
    reason(refused).into_response()
}

fn reason(refused: Refused) -> (StatusCode, &'static str) {
    match refused {
        Refused::Expired | Refused::Full => (
            StatusCode::BAD_REQUEST,
            "This form has expired: reload the page.",
        ),
        Refused::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many forms are waiting: try again in a few minutes.",
        ),
    }
}

/// The batch rule as the storage's upload policy: a file whose request has no valid batch of
/// this visitor, or whose batch is spent or full, is refused before a byte of it is stored,
/// and checked again once it is complete.
struct BatchPolicy(Arc<Batches>);

impl BatchPolicy {
    fn check(&self, request: &Parts) -> Result<(), PolicyRefused> {
        let visitor = batches::visitor_of(&request.headers);
        let batch = Query::<Batch>::try_from_uri(&request.uri).ok();
        let (Some(visitor), Some(Query(Batch { batch }))) = (visitor, batch) else {
            return Err(policy_refusal(Refused::Expired));
        };
        (self.0.admit(&visitor, &batch, MAX_FILES)).map_err(policy_refusal)
    }
}

fn policy_refusal(refused: Refused) -> PolicyRefused {
    let (status, message) = reason(refused);
    PolicyRefused::new(status, message)
}

impl UploadPolicy for BatchPolicy {
    async fn before_file(&self, request: &Parts, _: &FileMeta<'_>) -> Result<(), PolicyRefused> {
        self.check(request)
    }

    async fn on_complete(
        &self,
        request: &Parts,
        _: &CompleteFile<'_>,
    ) -> Result<(), PolicyRefused> {
        self.check(request)
    }
}

fn layout(title: &str, head: Markup, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html {
                head { meta charset="utf-8"; title { (title) } (head) }
                body style="margin: 2em 10%; font-family: sans-serif" { (body) }
            }
        }
        .into_string(),
    )
}

/// The user's form with the zone inside it, and this page load's token in two places. Stores
/// nothing; a browser without a `visitor` cookie gets one.
fn page(zone: Dropzone, state: &AppState, headers: &HeaderMap) -> Response {
    let (visitor, cookie) = match batches::visitor_of(headers) {
        Some(visitor) => (visitor, None),
        None => {
            let (visitor, cookie) = batches::new_visitor();
            (visitor, Some(cookie))
        }
    };
    let token = state.batches.issue(&visitor);
    let zone = zone.upload_action(format!("/upload?batch={token}"));
    let html = layout(
        "dropzone-rs in-form example",
        html! {
            (zone.load_css())
            (zone.style("border: 2px dashed #0087F7; min-height: 200px; margin: 1em 0;"))
        },
        html! {
            form action="/form" method="post" {
                input type="hidden" name="batch" value=(token);
                p { label { "Title " input type="text" name="title" id="title"; } }
                p { label { "Description " textarea name="description" id="description" {} } }
                (zone.create())
                input type="submit" id="submit" value="Submit";
            }
            (zone.load_js())
            (zone.config())
        },
    );
    match cookie {
        Some(cookie) => ([(SET_COOKIE, cookie)], html).into_response(),
        None => html.into_response(),
    }
}

#[derive(Deserialize)]
struct Batch {
    batch: String,
}

/// The XHR uploads of one page. [`BatchPolicy`] already refused a forged, foreign, spent or
/// full token before anything was stored; here the stored file joins its batch.
async fn upload(
    State(state): State<AppState>,
    Query(Batch { batch }): Query<Batch>,
    headers: HeaderMap,
    up: Upload<Photos>,
) -> Response {
    let Some(visitor) = batches::visitor_of(&headers) else {
        return refusal(Refused::Expired);
    };
    let stored = up.file().stored_name.clone();
    match state.batches.record(&visitor, &batch, MAX_FILES, stored) {
        Ok(()) => up.report().into_response(),
        Err(refused) => {
            // The form was submitted (or the batch filled) between the policy's last check
            // and now: do not keep the file (nor its metadata).
            let file = up.file();
            let _ = state
                .storage
                .delete_file(&file.zone, &file.stored_name)
                .await;
            refusal(refused)
        }
    }
}

#[derive(Deserialize)]
struct FormData {
    batch: String,
    title: String,
    description: String,
}

/// The form itself: its fields, and the files uploaded from the same page (taken once).
async fn handle_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FormData>,
) -> Html<String> {
    let files = batches::visitor_of(&headers)
        .and_then(|visitor| state.batches.submit(&visitor, &form.batch).ok())
        .unwrap_or_default();
    println!(
        "form {:?} / {:?} with files {files:?}",
        form.title, form.description
    );
    layout(
        "Form received",
        html! {},
        html! {
            h1 { "Form received" }
            dl {
                dt { "Title" } dd #title { (form.title) }
                dt { "Description" } dd #description { (form.description) }
            }
            h2 { "Files" }
            @if files.is_empty() {
                p #no-files { "No files were uploaded with this form." }
            } @else {
                ul #files { @for name in &files { li { (name) } } }
            }
            p { a href="/" { "Another form" } }
        },
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let upload_dir =
        PathBuf::from(std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into()));
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let batches = Arc::new(Batches::new());
    let state = AppState {
        storage: Storage::try_new(upload_dir.clone())?.policy(BatchPolicy(batches.clone())),
        batches,
    };

    let app = Router::new()
        .route(
            "/",
            get(|State(s): State<AppState>, h: HeaderMap| async move {
                page(Photos::dropzone(), &s, &h)
            }),
        )
        .route(
            "/v5",
            get(|State(s): State<AppState>, h: HeaderMap| async move {
                // The same zone, on Dropzone.js 5.9.3.
                page(dropzone!(Photos, version = "5.9.3"), &s, &h)
            }),
        )
        .route("/upload", post(upload))
        .route("/form", post(handle_form))
        .merge(dropzone_runtime::assets::router())
        .layer(TraceLayer::new_for_http())
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}, saving to {}",
        listener.local_addr()?,
        upload_dir.display()
    );
    dropzone_runtime::serve::serve(listener, app).await
}
