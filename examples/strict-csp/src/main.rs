//! A page that works under `Content-Security-Policy: default-src 'self'`: no inline script, no
//! inline style, no nonce, no `unsafe-inline`.
//!
//! Run with `cargo run -p example-strict-csp`, open <http://127.0.0.1:5000> (Dropzone.js 6.3.5)
//! or `/v5` (5.9.3), drop images; they are stored under random names in `./uploads`.
//!
//! With `strict_csp = true` the zone's options travel as JSON in the element's
//! `data-dropzone` attribute, `config()` is empty, and `load_js()` adds a `<script src>` of the
//! init script the assets router serves; Dropzone.js and its CSS are served locally too
//! (`serve_local`, the default). The zone's
//! border comes from this example's own stylesheet, `/static/app.css`. Every response carries
//! the policy; nothing else is needed.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use dropzone_runtime::upload::{Storage, Upload};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;

/// The policy every response carries.
const POLICY: &str = "default-src 'self'";

/// Images up to 3 MiB, at most 30; no inline code on the page.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    serve_local = true,
    strict_csp = true
)]
struct Photos;

const APP_CSS: &str = ".dropzone { border: 2px dashed #0087F7; margin: 10%; min-height: 400px; }\n";

fn page(zone: Dropzone) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs strict CSP example" }
                (zone.load_css())
                link rel="stylesheet" href="/static/app.css";
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

async fn upload(up: Upload<Photos>) -> impl IntoResponse {
    let file = up.file();
    println!(
        "saved {:?} ({} bytes) as {}",
        file.original_name, file.size, file.stored_name
    );
    "uploaded"
}

async fn with_policy(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    response
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
        .route(
            "/static/app.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], APP_CSS) }),
        )
        .route("/upload", post(upload))
        .merge(dropzone_runtime::assets::router())
        .layer(map_response(with_policy))
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
