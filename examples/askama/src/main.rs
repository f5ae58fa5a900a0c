//! The basic image zone on an [askama](https://docs.rs/askama) page: the fragments are
//! [`TemplateZone`] methods that askama prints unescaped (they are marked `HtmlSafe`), while
//! the page's own values, such as the title, are escaped as usual. No `|safe` anywhere.
//!
//! Run with `cargo run -p example-askama`, open <http://127.0.0.1:5000>, drop images; `/v5`
//! is the same page on Dropzone.js 5.9.3. The template is `templates/index.html`.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use dropzone_runtime::engines::TemplateZone;
use dropzone_runtime::upload::{Storage, Upload};
use dropzone_runtime::{DropzoneConfig, dropzone};

/// Images up to 3 MiB, Dropzone.js 6.3.5 served from this binary.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    serve_local = true
)]
struct Photos;

#[derive(Template)]
#[template(path = "index.html")]
struct Index {
    title: &'static str,
    zone: TemplateZone,
}

fn page(zone: TemplateZone) -> impl IntoResponse {
    let title = "askama & dropzone-rs <example>";
    match (Index { title, zone }).render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn upload(up: Upload<Photos>) -> &'static str {
    println!(
        "saved {:?} as {}",
        up.file().original_name,
        up.file().stored_name
    );
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
    let upload_dir = std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into());
    let storage = Storage::try_new(upload_dir)?;
    let app = Router::new()
        .route("/", get(|| async { page(TemplateZone::of::<Photos>()) }))
        .route(
            "/v5",
            get(|| async { page(TemplateZone::from(dropzone!(Photos, version = "5.9.3"))) }),
        )
        .route("/upload", post(upload))
        .merge(dropzone_runtime::assets::router())
        .with_state(storage.clone());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}, saving to {}",
        listener.local_addr()?,
        storage.dir().display()
    );
    axum::serve(
        listener,
        app.layer(tower_http::trace::TraceLayer::new_for_http()),
    )
    .await
}
