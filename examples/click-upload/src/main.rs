//! Flask-Dropzone's `click-upload` example, ported: dropped files wait in the queue until the
//! Upload button is pressed, then the whole queue is sent.
//!
//! Run with `cargo run -p example-click-upload`, open <http://127.0.0.1:5000>, drop images,
//! press **Upload**. `/v5` shows the same page on Dropzone.js 5.9.3. `/two` (and `/v5/two`)
//! has two click-upload zones, each driven by its own button: no global `dz` variable, so one
//! button never sends the other zone's queue (upstream's `dz = this` made the last zone win).
//!
//! Upstream's click upload silently switched on `uploadMultiple` and `parallelUploads: 20`;
//! here the options stay as declared (one file per request, two in flight) and one click still
//! sends the whole queue. Declare `upload_multiple = true` to batch the requests.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, Markup, html};
use std::path::PathBuf;

/// Images up to 3 MiB, at most 20, sent when the button `#upload` is pressed.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 20,
    upload_on_click = true,
    upload_btn_id = "upload",
    serve_local = true
)]
struct Photos;

/// A second click-upload zone for `/two`: its own id, button and upload route.
#[derive(DropzoneConfig)]
#[dropzone(
    id = "second",
    action = "/upload/second",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 20,
    upload_on_click = true,
    upload_btn_id = "upload-second",
    default_message = "Second zone: drop files here, then press its own button.",
    serve_local = true
)]
struct Second;

const ZONE_CSS: &str = "border: 2px dashed #0087F7; margin: 2em 10%; min-height: 200px;";

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

/// Upstream's page: the zone, then `<button id="upload">`.
fn page(zone: Dropzone) -> Html<String> {
    layout(
        "dropzone-rs click-upload example",
        html! { (zone.load_css()) (zone.style(ZONE_CSS)) },
        html! {
            (zone.create())
            p style="text-align: center" { button id="upload" { "Upload" } }
            (zone.load_js())
            (zone.config())
        },
    )
}

/// Two click-upload zones on one page, each with its own button.
fn two(a: Dropzone, b: Dropzone) -> Html<String> {
    layout(
        "dropzone-rs click-upload example: two zones",
        html! { (a.load_css()) (a.style(ZONE_CSS)) (b.style(ZONE_CSS)) },
        html! {
            (a.create())
            p style="text-align: center" { button id="upload" { "Upload the first zone" } }
            (b.create())
            p style="text-align: center" { button id="upload-second" { "Upload the second zone" } }
            (a.load_js())
            (a.config())
            (b.config())
        },
    )
}

/// One file per request; the answer lists its stored name (see `UploadReport`).
async fn upload(up: Upload<Photos>) -> UploadReport {
    let file = up.file();
    println!("saved {:?} as {}", file.original_name, file.stored_name);
    up.report()
}

async fn upload_second(up: Upload<Second>) -> UploadReport {
    let file = up.file();
    println!(
        "second zone: saved {:?} as {}",
        file.original_name, file.stored_name
    );
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
        .route(
            "/two",
            get(|| async { two(Photos::dropzone(), Second::dropzone()) }),
        )
        .route(
            "/v5/two",
            get(|| async {
                two(
                    dropzone!(Photos, version = "5.9.3"),
                    dropzone!(Second, version = "5.9.3"),
                )
            }),
        )
        .route("/upload", post(upload))
        .route("/upload/second", post(upload_second))
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
