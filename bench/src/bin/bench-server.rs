//! The server `bench/run.sh` measures: the zones of the benchmark suite on one router.
//!
//! ```text
//! ADDR=127.0.0.1:0 UPLOAD_DIR=/path DURABLE=1 bench-server
//! ```
//!
//! Prints `listening: <addr>` once it accepts connections (port 0 picks a free one). Only
//! loopback addresses are accepted. Routes:
//!
//! | route | zone |
//! |---|---|
//! | `GET /` | a page with one zone (`load_css`, `style`, `create`, `load_js`, `config`) |
//! | `POST /small` | images up to 3 MiB, single requests (the 10 KiB load test) |
//! | `POST /big` | any file up to 1 GiB in one request |
//! | `POST /chunked2` | any file up to 1 GiB in 2 MiB chunks |
//! | `POST /chunked10` | any file up to 1 GiB in 10 MiB chunks |

use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::store::StorageUrl;
use dropzone_runtime::upload::{Storage, Upload};
use maud::{DOCTYPE, html};
use std::net::SocketAddr;

/// Flask-Dropzone's basic zone: images up to 3 MiB, local assets.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/small",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    serve_local = true
)]
struct Small;

/// Any file up to 1 GiB, whole.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/big",
    allowed_file_custom = true,
    allowed_file_type = "",
    max_file_size = 1024
)]
struct Big;

/// The same in 2 MiB chunks (Dropzone.js 6's default chunk size).
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/chunked2",
    allowed_file_custom = true,
    allowed_file_type = "",
    max_file_size = 1024,
    chunking = true,
    chunk_size = 2097152,
    parallel_chunk_uploads = true,
    retry_chunks = true
)]
struct Chunked2;

/// The same in 10 MiB chunks.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/chunked10",
    allowed_file_custom = true,
    allowed_file_type = "",
    max_file_size = 1024,
    chunking = true,
    chunk_size = 10485760,
    parallel_chunk_uploads = true,
    retry_chunks = true
)]
struct Chunked10;

async fn page() -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "bench" }
                (Small::load_css())
                (Small::style("border: 2px dashed #0087F7; min-height: 200px;"))
            }
            body {
                (Small::create())
                (Small::load_js())
                (Small::config())
            }
        }
    };
    Html(markup.into_string())
}

async fn stored<Z: DropzoneConfig>(upload: Upload<Z>) -> String {
    upload.file().size.to_string()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = std::env::var("ADDR")
        .unwrap_or_else(|_| "127.0.0.1:0".to_owned())
        .parse()
        .map_err(|e| std::io::Error::other(format!("ADDR: {e}")))?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::other(
            "bench-server only binds loopback addresses",
        ));
    }
    let durable = std::env::var("DURABLE").is_ok_and(|v| v == "1");
    // DROPZONE_STORAGE=s3://bucket/prefix (feature `s3`, with the AWS_* variables) for the
    // object-storage rows; otherwise the folder UPLOAD_DIR.
    let storage = match std::env::var("DROPZONE_STORAGE") {
        Ok(location) => {
            let url: StorageUrl = location.parse().map_err(std::io::Error::other)?;
            Storage::connect(&url).map_err(std::io::Error::other)?
        }
        Err(_) => {
            let dir = std::env::var_os("UPLOAD_DIR")
                .ok_or_else(|| std::io::Error::other("UPLOAD_DIR is required"))?;
            Storage::try_new(dir)?.durable(durable)
        }
    };

    let app = Router::new()
        .route("/", get(page))
        .route("/small", post(stored::<Small>))
        .route("/big", post(stored::<Big>))
        .route("/chunked2", post(stored::<Chunked2>))
        .route("/chunked10", post(stored::<Chunked10>))
        .merge(dropzone_runtime::assets::router())
        .with_state(storage);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening: {}", listener.local_addr()?);
    dropzone_runtime::serve::serve(listener, app).await
}
