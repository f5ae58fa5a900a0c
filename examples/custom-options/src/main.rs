//! Flask-Dropzone's `custom-options` example, ported: raw JavaScript `custom_init` and
//! `custom_options`, the escape hatches for anything the option table does not cover.
//!
//! Run with `cargo run -p example-custom-options`, open <http://127.0.0.1:5000>, drop images,
//! press **Upload**. `/v5` shows the same zone on Dropzone.js 5.9.3.
//!
//! `custom_options` are applied after every generated option, so they override any of them
//! (upstream #16): here `autoProcessQueue: false` holds the queue and `parallelUploads: 20`
//! replaces the generated `2`. `custom_init` runs in Dropzone's `init` with `this` and `dz`
//! bound to the zone; `dz = this` as in upstream's docs only assigns that local, so no global
//! is created. Raw JavaScript is emitted as written: only put your own code there.
//!
//! `/typed` (and `/v5/typed`) is the same zone without raw JavaScript: `upload_on_click` and
//! `parallel_uploads` are table options, and `extra(add_remove_links = true)` passes a
//! Dropzone.js option the table does not have, with its name and value type checked while
//! compiling (`extra(add_remove_links = "yes")` does not build).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::upload::{Storage, Upload};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;

/// Upstream's configuration: images, 3 MiB, 30 files, the click handler in `custom_init`.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    custom_init = r#"dz = this;document.getElementById("upload-btn").addEventListener("click", function handler(e) {dz.processQueue();});"#,
    custom_options = "autoProcessQueue: false, addRemoveLinks: true, parallelUploads: 20,",
    serve_local = true
)]
struct Photos;

/// The typed way to the same behaviour: no raw JavaScript, every option checked.
#[derive(DropzoneConfig)]
#[dropzone(
    id = "typed",
    action = "/upload/typed",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    upload_on_click = true,
    upload_btn_id = "upload-btn",
    parallel_uploads = 20,
    extra(add_remove_links = true),
    serve_local = true
)]
struct Typed;

fn page(zone: Dropzone) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs custom-options example" }
                (zone.load_css())
                (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 400px;"))
            }
            body {
                (zone.create())
                p style="text-align: center" { button id="upload-btn" { "Upload" } }
                (zone.load_js())
                (zone.config())
            }
        }
    };
    Html(markup.into_string())
}

async fn upload(up: Upload<Photos>) -> &'static str {
    let file = up.file();
    println!("saved {:?} as {}", file.original_name, file.stored_name);
    "uploaded"
}

async fn upload_typed(up: Upload<Typed>) -> &'static str {
    let file = up.file();
    println!(
        "typed zone: saved {:?} as {}",
        file.original_name, file.stored_name
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
    let upload_dir =
        PathBuf::from(std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into()));
    std::fs::create_dir_all(&upload_dir)?;

    let app = Router::new()
        .route("/", get(|| async { page(Photos::dropzone()) }))
        .route(
            "/v5",
            get(|| async { page(dropzone!(Photos, version = "5.9.3")) }),
        )
        .route("/typed", get(|| async { page(Typed::dropzone()) }))
        .route(
            "/v5/typed",
            get(|| async { page(dropzone!(Typed, version = "5.9.3")) }),
        )
        .route("/upload", post(upload))
        .route("/upload/typed", post(upload_typed))
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
