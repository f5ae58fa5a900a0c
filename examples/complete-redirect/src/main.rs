//! Flask-Dropzone's `complete-redirect` example, ported: once the queue is uploaded, the page
//! goes to `/completed`.
//!
//! Run with `cargo run -p example-complete-redirect`, open <http://127.0.0.1:5000>, drop
//! images. `/v5` shows the same zone on Dropzone.js 5.9.3.
//!
//! **The rule:** the page redirects when the queue completes *and at least one file of that
//! run was stored*. Upstream redirected on every `queuecomplete`, even when every file had
//! been refused (issue #18), so the user never saw why; here the page stays and shows each
//! file's error. The target can also be set per request with
//! `Zone::dropzone().redirect_url(format!("/completed?album={id}"))` (upstream #22).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::upload::{Storage, Upload};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, Markup, html};
use std::path::PathBuf;

/// Images up to 3 MiB, at most 30; `redirect_view` is Flask-Dropzone's name for
/// `redirect_url`.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    redirect_view = "/completed",
    serve_local = true
)]
struct Photos;

fn layout(title: &str, head: Markup, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html {
                head { meta charset="utf-8"; title { (title) } (head) }
                body { (body) }
            }
        }
        .into_string(),
    )
}

fn page(zone: Dropzone) -> Html<String> {
    layout(
        "dropzone-rs complete-redirect example",
        html! {
            (zone.load_css())
            (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 400px;"))
        },
        html! { (zone.create()) (zone.load_js()) (zone.config()) },
    )
}

async fn completed() -> Html<String> {
    layout(
        "Upload completed",
        html! {},
        html! { h1 { "Upload completed." } p { a href="/" { "Upload more" } } },
    )
}

async fn upload(up: Upload<Photos>) -> &'static str {
    let file = up.file();
    println!("saved {:?} as {}", file.original_name, file.stored_name);
    "uploaded"
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
        .route("/completed", get(completed))
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
