//! Flask-Dropzone's `csrf` example, ported: an image dropzone whose uploads must carry a CSRF
//! token.
//!
//! Run with `cargo run -p example-csrf`, open <http://127.0.0.1:5000> (Dropzone.js 6.3.5) or
//! `/v5` (5.9.3), drop images; they are stored under random names in `./uploads`.
//!
//! How it fits together:
//!
//! - one [`Csrf`] signs tokens; it is given to the [`Storage`] (which the upload extractor
//!   reads, and which refuses every upload without a valid token before storing a byte) and to
//!   the page handlers (through `Csrf: FromRef<AppState>`);
//! - the page handler extracts a [`CsrfToken`] (which also sets the session cookie when the
//!   browser has none) and hands it to the zone, which sends it as `X-CSRF-Token` on every
//!   upload.
//!
//! An upload without a valid token is answered `400` with Flask-WTF's reason ("The CSRF token
//! is missing.", "... has expired.", "... is invalid."), which Dropzone.js shows on the file.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`), `UPLOAD_DIR` (default `./uploads`) and
//! `CSRF_SECRET` (at least 32 bytes; default: a random key, so tokens die with the process).

use axum::Router;
use axum::extract::FromRef;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use dropzone_runtime::csrf::{Csrf, CsrfToken};
use dropzone_runtime::files::Remove;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;
use tower_http::csrf::CsrfLayer;

/// Images up to 3 MiB, at most 30, each upload carrying the page's CSRF token.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    enable_csrf = true,
    serve_local = true,
    extra(add_remove_links = true)
)]
struct Photos;

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

fn page(zone: Dropzone, csrf: CsrfToken) -> impl IntoResponse {
    let zone = zone.csrf_token(csrf.token());
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs CSRF example" }
                (zone.load_css())
                (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 400px;"))
            }
            body {
                (zone.create())
                (zone.load_js())
                (zone.config())
            }
        }
    };
    // Returning the token sets the session cookie the token is bound to, when it is new.
    (csrf, Html(markup.into_string()))
}

/// Reached only with a valid token: the extractor checked it before storing anything.
///
/// `debug_handler` turns a mistake in the extractors into a pointed compile error: a state
/// without a `Csrf` for this CSRF zone, or `Upload` (which reads the body) not last.
#[axum::debug_handler(state = AppState)]
async fn upload(up: Upload<Photos>) -> UploadReport {
    let file = up.file();
    println!(
        "saved {:?} ({} bytes) as {}",
        file.original_name, file.size, file.stored_name
    );
    // Carries the file's remove id, which the remove link sends back.
    up.report()
}

/// The remove link: reached only with a valid token too (the zone has `enable_csrf`) and a
/// genuine remove id; the file is already deleted.
async fn remove(removed: Remove<Photos>) -> Remove<Photos> {
    println!("removed {}", removed.stored_name());
    removed
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Logs on stderr, filtered by RUST_LOG (default `info`): the upload span and events, in
    // tower-http's request spans.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let upload_dir =
        PathBuf::from(std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into()));
    std::fs::create_dir_all(&upload_dir)?;
    let csrf = match std::env::var("CSRF_SECRET") {
        Ok(secret) => Csrf::new(secret),
        Err(_) => Csrf::random(),
    };

    let state = AppState {
        storage: Storage::new(upload_dir.clone()).csrf(csrf.clone()),
        csrf,
    };
    let app = Router::new()
        .route(
            "/",
            get(|csrf: CsrfToken| async { page(Photos::dropzone(), csrf) }),
        )
        .route(
            "/v5",
            get(|csrf: CsrfToken| async { page(dropzone!(Photos, version = "5.9.3"), csrf) }),
        )
        // Defence in depth: browsers say where a request comes from, and tower-http refuses
        // cross-site posts (403) before the token check runs; the token still covers clients
        // that send no Sec-Fetch-Site/Origin (see SECURITY.md).
        .route(
            "/upload",
            post(upload).delete(remove).layer(CsrfLayer::new()),
        )
        .merge(dropzone_runtime::assets::router())
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}, saving to {}",
        listener.local_addr()?,
        upload_dir.display()
    );
    dropzone_runtime::serve::serve(
        listener,
        app.layer(tower_http::trace::TraceLayer::new_for_http()),
    )
    .await
}
