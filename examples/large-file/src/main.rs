//! Flask-Dropzone's `large-file` example, done properly: files up to 1 GiB, sent by
//! Dropzone.js in 1 MiB chunks, several at once, reassembled on the server at their offsets
//! and stored under a random name once the last chunk is in.
//!
//! Run with `cargo run -p example-large-file`, open <http://127.0.0.1:5000>, drop any file up
//! to 1 GiB; it is stored under a random name in `./uploads`. `/v5` shows the same zone on
//! Dropzone.js 5.9.3.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`),
//! plus the `DROPZONE_*` settings of [`dropzone_runtime::settings`] (`DROPZONE_STORAGE` wins
//! over `UPLOAD_DIR` and may be `s3://bucket/prefix`, with the `AWS_*` variables; the zone is
//! checked against that backend at start-up, and a bad value stops the server naming it).
//!
//! What makes large files work here:
//!
//! - **chunks**: every file over 1 MiB goes as 1 MiB requests (Dropzone.js 6's default chunk is
//!   2 MiB; 1 MiB keeps the browser tests quick), so no request is large, a
//!   failed request costs one chunk, not the file (`retry_chunks`: each chunk is retried up to
//!   3 times), and the server's body limit is one chunk plus overhead;
//! - **parallel chunks**: a file's chunks go several at a time (Dropzone.js 6: up to
//!   `parallel_uploads`; 5.x: all at once); the server writes each at its offset, so the order
//!   they arrive in does not matter;
//! - **timeout**: 60 s per request, i.e. per *chunk*, not per file: a 1 MiB chunk that takes a
//!   minute means a stalled connection, and the chunk is retried. Without chunking a 1 GiB file
//!   would need a timeout of many minutes (Flask-Dropzone's example just raised it);
//! - **constant memory**: the server streams each chunk to its place on disk, whatever the
//!   file's size.
//!
//! The page lists the stored files (`files::FileList`), each with a link through the safe
//! stored-file route `/files/{name}` (`files::serve`: ranges, so a download can resume) and a
//! remove button; Dropzone's remove link deletes a file just uploaded (`files::Remove`).

use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::files::{self, FileList, Remove};
use dropzone_runtime::settings::Settings;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;

/// Any file up to 1 GiB in parallel 1 MiB chunks, Dropzone.js 6.3.5 served from this binary.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_custom = true,
    allowed_file_type = "",
    max_file_size = 1024,
    chunking = true,
    chunk_size = 1048576,
    parallel_chunk_uploads = true,
    retry_chunks = true,
    timeout = 60000,
    serve_local = true,
    extra(add_remove_links = true)
)]
struct LargeFiles;

/// Where `files::serve` is mounted (`/files/{name}`).
const FILES: &str = "/files";

/// The page: the zone, then the files stored so far (the first 100).
async fn page(storage: &Storage, zone: Dropzone) -> Html<String> {
    let stored = storage
        .list_files(LargeFiles::OPTIONS.id(), None, 100)
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
                title { "dropzone-rs large-file example" }
                (zone.load_css())
                (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 400px;"))
            }
            body {
                (zone.create())
                h2 style="margin: 0 10%;" { "Stored files" }
                div style="margin: 0 10%;" { (FileList::new::<LargeFiles>(storage, &stored, FILES)) }
                (zone.load_js())
                (zone.config())
            }
        }
    };
    Html(markup.into_string())
}

/// Runs once per file, after its last chunk: the file is complete and has its final name.
/// Both pages post here; their zones have the same options apart from the release. The
/// answer (to the last chunk) carries the file's remove id.
async fn upload(up: Upload<LargeFiles>) -> UploadReport {
    let file = up.file();
    println!(
        "saved {:?} ({} bytes) as {}",
        file.original_name, file.size, file.stored_name
    );
    up.report()
}

/// The remove link (or a list's button) of a stored file: already deleted when this runs.
async fn remove(removed: Remove<LargeFiles>) -> Remove<LargeFiles> {
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
    // The backend's rules against the zone (S3's part size against chunk_size), now rather
    // than at the first chunk.
    if let Err(e) = storage.check_zone::<LargeFiles>() {
        eprintln!("{e}");
        std::process::exit(2)
    }
    let location = settings
        .storage_location()
        .map_or_else(|| upload_dir.display().to_string(), ToString::to_string);

    let app = Router::new()
        .route(
            "/",
            get(|State(storage): State<Storage>| async move {
                page(&storage, LargeFiles::dropzone()).await
            }),
        )
        .route(
            "/v5",
            get(|State(storage): State<Storage>| async move {
                page(&storage, dropzone!(LargeFiles, version = "5.9.3")).await
            }),
        )
        .route("/upload", post(upload).delete(remove))
        .route("/files/{name}", files::serve::<LargeFiles, _>())
        .merge(dropzone_runtime::assets::router())
        .with_state(storage);

    let listener = tokio::net::TcpListener::bind(&addr).await?;
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
