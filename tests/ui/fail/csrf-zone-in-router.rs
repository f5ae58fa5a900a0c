use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::upload::{Storage, Upload};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", enable_csrf = true)]
struct Protected;

// In a router, axum reports only that the function is not a handler; `#[axum::debug_handler]`
// names the `ZoneState` bound of `Upload` that fails (a bare `Storage` has no `Csrf`).
#[axum::debug_handler(state = Storage)]
async fn upload(upload: Upload<Protected>) -> String {
    upload.files().count().to_string()
}

fn main() {}
