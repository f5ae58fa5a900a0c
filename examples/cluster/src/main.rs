//! Several app instances behind one load balancer, sharing one upload store: any instance
//! takes any chunk of any upload, and an instance that dies mid-upload loses nothing.
//!
//! This binary is one instance. Run two on two ports over the same folder (or the same
//! bucket: `DROPZONE_STORAGE=s3://bucket/prefix` with the `AWS_*` variables):
//!
//! ```text
//! UPLOAD_DIR=./uploads ADDR=127.0.0.1:5001 INSTANCE=a cargo run -p example-cluster &
//! UPLOAD_DIR=./uploads ADDR=127.0.0.1:5002 INSTANCE=b cargo run -p example-cluster &
//! ```
//!
//! and put any load balancer in front (the browser test, `e2e/cluster.test.mjs`, plays one:
//! it sends a file's chunks alternately to both, kills one instance mid-upload and completes
//! through the other; `e2e/cluster-s3.test.mjs` does the same over one bucket). No sticky
//! sessions are needed: a chunked upload's state lives in the store, not in an instance: in
//! the upload folder (`.chunks/<dzuuid>/`), or in the bucket (one multipart upload per file,
//! one part per chunk).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`), `INSTANCE` (a name shown on the page and
//! in the answers, default the address), and the storage: `DROPZONE_STORAGE` (a folder) or
//! `UPLOAD_DIR` (default `./uploads`), read through `dropzone_runtime::settings`. On object
//! storage each 1 MiB chunk is a multipart part, below AWS's 5 MiB minimum: the start-up stops
//! with a message saying so (`Storage::check_zone`) unless the store takes smaller parts and
//! says so through `DROPZONE_S3_MIN_PART_SIZE=1MiB` (Garage does).

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use dropzone_runtime::settings::Settings;
use dropzone_runtime::upload::Upload;
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;
use std::sync::Arc;

/// Any file up to 1 GiB in parallel 1 MiB chunks, each retried up to 3 times (a chunk sent to
/// an instance that died is retried, and the load balancer sends it to another one).
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
    serve_local = true
)]
struct Shared;

fn page(zone: Dropzone, instance: &str) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs cluster example" }
                (zone.load_css())
                (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 300px;"))
            }
            body {
                p { "This page came from instance " strong #instance { (instance) } "." }
                (zone.create())
                (zone.load_js())
                (zone.config())
            }
        }
    };
    Html(markup.into_string())
}

/// Runs once per file, in whichever instance received its last missing chunk.
async fn upload(instance: Arc<str>, up: Upload<Shared>) -> impl IntoResponse {
    let file = up.file();
    println!(
        "instance {instance}: saved {:?} ({} bytes) as {}",
        file.original_name, file.size, file.stored_name
    );
    let body = serde_json::json!({
        "stored_name": file.stored_name,
        "size": file.size,
        "instance": &*instance,
    });
    ([(CONTENT_TYPE, "application/json")], body.to_string())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let instance: Arc<str> = std::env::var("INSTANCE")
        .unwrap_or_else(|_| addr.clone())
        .into();
    let upload_dir =
        PathBuf::from(std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into()));
    let storage = Settings::from_env()
        .and_then(|settings| settings.storage(upload_dir))
        .unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        });
    // What the backend cannot serve stops the start-up, never an upload (on object storage:
    // a chunk size below the store's minimum part size).
    if let Err(e) = storage.check_zone::<Shared>() {
        eprintln!("{e}");
        std::process::exit(2)
    }

    let (on_page, on_v5, on_upload) = (instance.clone(), instance.clone(), instance.clone());
    let app = Router::new()
        .route(
            "/",
            get(move || async move { page(Shared::dropzone(), &on_page) }),
        )
        .route(
            "/v5",
            get(move || async move { page(dropzone!(Shared, version = "5.9.3"), &on_v5) }),
        )
        .route(
            "/upload",
            post(move |up: Upload<Shared>| upload(on_upload.clone(), up)),
        )
        .merge(dropzone_runtime::assets::router())
        .with_state(storage.clone());

    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .unwrap_or_else(|e| {
            eprintln!("cannot listen on {addr}: {e} (choose another with ADDR=127.0.0.1:5001)");
            std::process::exit(1)
        });
    println!(
        "instance {instance}: listening on http://{}, saving to {}",
        listener.local_addr()?,
        storage.dir().display()
    );
    dropzone_runtime::serve::serve(
        listener,
        app.layer(tower_http::trace::TraceLayer::new_for_http()),
    )
    .await
}
