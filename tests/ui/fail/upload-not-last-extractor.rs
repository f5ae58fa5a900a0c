use axum::http::HeaderMap;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::upload::{Storage, Upload};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

// `Upload` reads the request body, so it must be the last argument; `debug_handler` says so.
#[axum::debug_handler(state = Storage)]
async fn upload(upload: Upload<Zone>, headers: HeaderMap) -> String {
    format!("{} {}", upload.files().count(), headers.len())
}

fn main() {}
