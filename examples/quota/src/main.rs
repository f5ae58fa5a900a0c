//! A per-visitor upload quota, enforced by an [`UploadPolicy`]: each browser (a `visitor`
//! cookie set by the page) may store `QUOTA_BYTES` in all (default 1 MiB). A file that would
//! pass it is refused with 507 and the message Dropzone.js shows on the file; once the quota
//! is used up, further files are refused before a byte of them is stored.
//!
//! Run with `cargo run -p example-quota`, open <http://127.0.0.1:5000> (`/v5`: Dropzone.js
//! 5.9.3) and drop images. Environment: `ADDR` (default `127.0.0.1:5000`), `UPLOAD_DIR`
//! (default `./uploads`), `QUOTA_BYTES`, `RUST_LOG` (default `info`, on stderr).
//!
//! The usage is counted in memory (a real app keeps it in its database), in `on_complete`,
//! which runs exactly once per complete file: `before_file` only looks, so a refused or
//! abandoned upload costs nothing.

use axum::Router;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use dropzone_runtime::upload::{
    CompleteFile, FileMeta, PolicyRefused, Storage, Upload, UploadPolicy,
};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

/// Images up to 1 MiB each, Dropzone.js 6.3.5 served from this binary.
#[derive(DropzoneConfig)]
#[dropzone(
    action = "/upload",
    allowed_file_type = "image",
    max_file_size = 1,
    serve_local = true
)]
struct Photos;

/// Bytes stored per visitor, at most `limit` each.
struct Quota {
    limit: u64,
    used: Mutex<HashMap<String, u64>>,
}

/// The visitor id of the request's `visitor` cookie (only ids this server could have made).
fn visitor_of(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get(COOKIE)?.to_str().ok()?;
    let id = cookies
        .split(';')
        .find_map(|c| c.trim().strip_prefix("visitor="))?;
    uuid::Uuid::parse_str(id).ok().map(|u| u.to_string())
}

impl UploadPolicy for Quota {
    async fn before_file(&self, request: &Parts, _: &FileMeta<'_>) -> Result<(), PolicyRefused> {
        let Some(visitor) = visitor_of(&request.headers) else {
            return Err(PolicyRefused::forbidden("Load the page before uploading."));
        };
        let used = self
            .used
            .lock()
            .unwrap()
            .get(&visitor)
            .copied()
            .unwrap_or(0);
        if used >= self.limit {
            return Err(PolicyRefused::insufficient_storage(format!(
                "Your upload quota of {} bytes is used up.",
                self.limit
            )));
        }
        Ok(())
    }

    async fn on_complete(
        &self,
        request: &Parts,
        file: &CompleteFile<'_>,
    ) -> Result<(), PolicyRefused> {
        let visitor = visitor_of(&request.headers).unwrap_or_default();
        // Checked and counted under one lock: parallel uploads cannot pass the quota together.
        let mut used = self.used.lock().unwrap();
        let used = used.entry(visitor).or_insert(0);
        if *used + file.size > self.limit {
            return Err(PolicyRefused::insufficient_storage(format!(
                "This file would pass your upload quota: {} of {} bytes left.",
                self.limit - *used,
                self.limit
            )));
        }
        *used += file.size;
        Ok(())
    }
}

/// The page; a browser without a `visitor` cookie gets one.
fn page(zone: Dropzone, headers: &HeaderMap) -> Response {
    let html = Html(
        html! {
            (DOCTYPE)
            html {
                head {
                    meta charset="utf-8";
                    title { "dropzone-rs quota example" }
                    (zone.load_css())
                    (zone.style("border: 2px dashed #0087F7; margin: 10%; min-height: 300px;"))
                }
                body { (zone.create()) (zone.load_js()) (zone.config()) }
            }
        }
        .into_string(),
    );
    if visitor_of(headers).is_some() {
        return html.into_response();
    }
    let cookie = format!(
        "visitor={}; Path=/; HttpOnly; SameSite=Lax",
        uuid::Uuid::new_v4()
    );
    ([(SET_COOKIE, cookie)], html).into_response()
}

async fn upload(up: Upload<Photos>) -> impl IntoResponse {
    (StatusCode::OK, up.file().stored_name.clone())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let upload_dir =
        PathBuf::from(std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into()));
    let limit = match std::env::var("QUOTA_BYTES") {
        Ok(v) => v.parse().unwrap_or_else(|_| {
            eprintln!("QUOTA_BYTES={v:?} is not a number of bytes");
            std::process::exit(2)
        }),
        Err(_) => 1 << 20,
    };
    let quota = Quota {
        limit,
        used: Mutex::new(HashMap::new()),
    };
    let storage = Storage::try_new(upload_dir.clone())?.policy(quota);

    let app = Router::new()
        .route(
            "/",
            get(|h: HeaderMap| async move { page(Photos::dropzone(), &h) }),
        )
        .route(
            "/v5",
            get(|h: HeaderMap| async move { page(dropzone!(Photos, version = "5.9.3"), &h) }),
        )
        .route("/upload", post(upload))
        .merge(dropzone_runtime::assets::router())
        .layer(TraceLayer::new_for_http())
        .with_state(storage);

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}, saving to {}, {limit} bytes per visitor",
        listener.local_addr()?,
        upload_dir.display()
    );
    dropzone_runtime::serve::serve(listener, app).await
}
