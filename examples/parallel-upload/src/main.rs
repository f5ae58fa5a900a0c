//! Flask-Dropzone's `parallel-upload` example, ported: up to three files per request, sent as
//! `file[0]`, `file[1]`, `file[2]`, with a result per file.
//!
//! Run with `cargo run -p example-parallel-upload`, open <http://127.0.0.1:5000> and drop
//! several images at once. `/v5` shows the same zone on Dropzone.js 5.9.3.
//!
//! Dropzone.js gives a whole request one status, so upstream either marked every file of a
//! batch as failed for one bad file or none of them (issues #33, #42). Here the handler returns
//! [`Upload::report`], one JSON entry per file, and the page marks each file on its own: a
//! refused file shows its own reason and the others still succeed. A batch whose files are all
//! refused never reaches the handler; `Upload` answers it with the same JSON and a 4xx.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::upload::{FileOutcome, Storage, Upload, UploadReport};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;

/// Images up to 3 MiB, at most 30, three per request.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    upload_multiple = true,
    parallel_uploads = 3,
    serve_local = true
)]
struct Photos;

fn page(zone: Dropzone) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs parallel-upload example" }
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
    Html(markup.into_string())
}

/// Every `file[N]` part was checked on its own; the report tells the page which were stored.
async fn upload(up: Upload<Photos>) -> UploadReport {
    for outcome in up.outcomes() {
        match outcome {
            FileOutcome::Saved(f) => {
                println!(
                    "{}: saved {:?} as {}",
                    f.field, f.original_name, f.stored_name
                )
            }
            FileOutcome::Refused(r) => {
                println!("{}: refused {:?}: {}", r.field, r.original_name, r.reason)
            }
        }
    }
    up.report()
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

    let app = Router::new()
        .route("/", get(|| async { page(Photos::dropzone()) }))
        .route(
            "/v5",
            get(|| async { page(dropzone!(Photos, version = "5.9.3")) }),
        )
        .route("/upload", post(upload))
        .merge(dropzone_runtime::assets::router())
        .with_state(Storage::new(upload_dir.clone()));

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
