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
//! 1. Each page load gets a fresh random token. It goes into the form as a hidden `batch`
//!    field and into the upload URL, per request: `.upload_action(format!("/upload?batch={token}"))`.
//! 2. `/upload` only accepts a token it issued (checked before a byte is stored) and records
//!    the stored names of the files under it (at most the zone's `max_files`).
//! 3. `POST /form` takes the token's files, once: the token is spent, a second submission gets
//!    none. The page then shows the title, the description and those files.
//! 4. Tokens are kept in memory, at most [`MAX_PENDING`] of them, for [`TOKEN_TTL`]; the oldest
//!    is forgotten first. A real app would keep them in its session or database and remove
//!    files whose form never arrived.
//!
//! With an empty queue, Submit sends the form straight away. The zone's id is honoured in
//! in-form mode (upstream ignored it, #35).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::extract::{FromRef, FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use dropzone_runtime::upload::{Storage, Upload};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Most forms waiting for their submission at once.
const MAX_PENDING: usize = 1024;
/// How long a page's token stays valid.
const TOKEN_TTL: Duration = Duration::from_secs(60 * 60);

/// The files uploaded for one page load, until its form arrives.
struct Pending {
    issued: Instant,
    files: Vec<String>,
}

#[derive(Clone)]
struct AppState {
    storage: Storage,
    pending: Arc<Mutex<HashMap<String, Pending>>>,
}

impl FromRef<AppState> for Storage {
    fn from_ref(state: &AppState) -> Storage {
        state.storage.clone()
    }
}

impl AppState {
    /// A new token, forgetting expired ones and, when full, the oldest.
    fn issue(&self) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let mut pending = self.pending.lock().expect("not poisoned");
        pending.retain(|_, p| p.issued.elapsed() < TOKEN_TTL);
        if pending.len() >= MAX_PENDING
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.issued)
                .map(|(k, _)| k.clone())
        {
            pending.remove(&oldest);
        }
        pending.insert(
            token.clone(),
            Pending {
                issued: Instant::now(),
                files: Vec::new(),
            },
        );
        token
    }

    fn is_live(&self, token: &str) -> bool {
        let pending = self.pending.lock().expect("not poisoned");
        pending
            .get(token)
            .is_some_and(|p| p.issued.elapsed() < TOKEN_TTL)
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

/// The user's form with the zone inside it, and this page load's token in two places.
fn page(zone: Dropzone, state: &AppState) -> Html<String> {
    let token = state.issue();
    let zone = zone.upload_action(format!("/upload?batch={token}"));
    layout(
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
    )
}

#[derive(Deserialize)]
struct Batch {
    batch: String,
}

/// The XHR uploads of one page: only for a token this server issued, checked before the body
/// is read, so an unknown token stores nothing.
async fn upload(
    State(state): State<AppState>,
    Query(Batch { batch }): Query<Batch>,
    req: Request,
) -> Response {
    if !state.is_live(&batch) {
        return (
            StatusCode::BAD_REQUEST,
            "This form has expired: reload the page.",
        )
            .into_response();
    }
    let up = match Upload::<Photos>::from_request(req, &state).await {
        Ok(up) => up,
        Err(rejection) => return rejection.into_response(),
    };
    let recorded = {
        let mut pending = state.pending.lock().expect("not poisoned");
        let max = Photos::OPTIONS
            .max_files()
            .map_or(usize::MAX, |m| m as usize);
        match pending.get_mut(&batch) {
            Some(p) if p.files.len() < max => {
                p.files.push(up.file().stored_name.clone());
                true
            }
            _ => false,
        }
    };
    if recorded {
        return up.report().into_response();
    }
    // Expired or full while the file was streaming: do not keep it.
    let _ = tokio::fs::remove_file(&up.file().path).await;
    (
        StatusCode::BAD_REQUEST,
        "This form has expired: reload the page.",
    )
        .into_response()
}

#[derive(Deserialize)]
struct FormData {
    batch: String,
    title: String,
    description: String,
}

/// The form itself: its fields, and the files uploaded from the same page (taken once).
async fn handle_form(State(state): State<AppState>, Form(form): Form<FormData>) -> Html<String> {
    let files = state
        .pending
        .lock()
        .expect("not poisoned")
        .remove(&form.batch)
        .map(|p| p.files)
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
    let state = AppState {
        storage: Storage::try_new(upload_dir.clone())?,
        pending: Arc::default(),
    };

    let app = Router::new()
        .route(
            "/",
            get(|State(s): State<AppState>| async move { page(Photos::dropzone(), &s) }),
        )
        .route(
            "/v5",
            get(|State(s): State<AppState>| async move {
                page(dropzone!(Photos, version = "5.9.3"), &s)
            }),
        )
        .route("/upload", post(upload))
        .route("/form", post(handle_form))
        .merge(dropzone_runtime::assets::router())
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}, saving to {}",
        listener.local_addr()?,
        upload_dir.display()
    );
    axum::serve(listener, app).await
}
