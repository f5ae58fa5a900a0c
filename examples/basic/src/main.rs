//! Flask-Dropzone's `basic` example, ported: one image dropzone that posts to `/upload`.
//!
//! Run with `cargo run -p example-basic`, open <http://127.0.0.1:5000>, drop images; they are
//! stored under random names in `./uploads`. `/v5` shows the same zone on Dropzone.js 5.9.3.
//!
//! The page also lists the zone's stored files (`Storage::list_files`, drawn by
//! `files::FileList`): each links to `/files/{name}`, the runtime's safe stored-file route
//! (`files::serve`), and has a remove button; Dropzone's own remove link under a preview
//! (`add_remove_links`) deletes the file on the server too (`files::Remove`, the signed id of
//! the upload answer).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`),
//! plus the `DROPZONE_*` settings of [`dropzone_runtime::settings`] (`DROPZONE_STORAGE` wins
//! over `UPLOAD_DIR` and may be `s3://bucket/prefix`, with the `AWS_*` variables; a bad value
//! stops the server with a message naming it).
//! The Dropzone.js release is a compile-time choice: `dropzone!(Photos, version = "5.9.3")`
//! is the same zone type (its uploads are `Upload<Photos>`'s) rendered with the older release.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::files::{self, FileList, Remove};
use dropzone_runtime::settings::Settings;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::collections::HashMap;
use std::path::PathBuf;

/// Images up to 3 MiB, at most 30 per page, Dropzone.js 6.3.5 served from this binary; each
/// stored image gets a remove link.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    serve_local = true,
    extra(add_remove_links = true)
)]
struct Photos;

/// Where `files::serve` is mounted (`/files/{name}`).
const FILES: &str = "/files";

/// The page: the zone, then the files stored so far (the first 100).
async fn page(storage: &Storage, zone: Dropzone) -> Html<String> {
    let stored = storage
        .list_files(Photos::OPTIONS.id(), None, 100)
        .await
        .map(|page| page.files)
        .unwrap_or_else(|e| {
            eprintln!("cannot list the stored files: {e}");
            Vec::new()
        });
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs basic example" }
                (zone.load_css())
                (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 400px;"))
            }
            body {
                (zone.create())
                h2 style="margin: 0 10%;" { "Stored files" }
                div style="margin: 0 10%;" { (FileList::new::<Photos>(storage, &stored, FILES)) }
                (zone.load_js())
                (zone.config())
            }
        }
    };
    Html(markup.into_string())
}

/// `/` uses Dropzone.js 6.3.5; `/?v=5` uses 5.9.3.
async fn index(
    State(storage): State<Storage>,
    Query(query): Query<HashMap<String, String>>,
) -> Html<String> {
    match query.get("v").map(String::as_str) {
        Some("5") => page(&storage, dropzone!(Photos, version = "5.9.3")).await,
        _ => page(&storage, Photos::dropzone()).await,
    }
}

/// Type, size and count were checked again while the file streamed to disk under a random
/// name. The answer carries the file's remove id, which the remove link sends back.
async fn upload(up: Upload<Photos>) -> UploadReport {
    let file = up.file();
    println!(
        "saved {:?} ({} bytes) as {}",
        file.original_name, file.size, file.stored_name
    );
    up.report()
}

/// The remove link (or a list's button) of a stored file: already deleted when this runs.
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
    let settings = Settings::from_env().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let storage = settings.storage(&upload_dir).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    // The backend's rules against the zone, now rather than at the first upload.
    if let Err(e) = storage.check_zone::<Photos>() {
        eprintln!("{e}");
        std::process::exit(2)
    }
    let location = settings
        .storage_location()
        .map_or_else(|| upload_dir.display().to_string(), ToString::to_string);

    let app = Router::new()
        .route("/", get(index))
        .route(
            "/v5",
            get(|State(storage): State<Storage>| async move {
                page(&storage, dropzone!(Photos, version = "5.9.3")).await
            }),
        )
        .route("/upload", post(upload).delete(remove))
        .route("/files/{name}", files::serve::<Photos, _>())
        .merge(dropzone_runtime::assets::router())
        .with_state(storage.clone());

    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|e| {
            eprintln!("cannot listen on {addr}: {e} (choose another with ADDR=127.0.0.1:5001)");
            std::process::exit(1)
        });
    println!(
        "listening on http://{}, saving to {}",
        listener.local_addr()?,
        location
    );
    dropzone_runtime::serve::serve(
        listener,
        app.layer(tower_http::trace::TraceLayer::new_for_http()),
    )
    .await
}
