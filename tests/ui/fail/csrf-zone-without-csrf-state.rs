use axum::extract::{FromRef, FromRequest};
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::upload::{Storage, Upload};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", enable_csrf = true)]
struct Protected;

/// Has a `Storage` but no `Csrf`: every upload to `Protected` would be refused.
#[derive(Clone)]
struct AppState {
    storage: Storage,
}

impl FromRef<AppState> for Storage {
    fn from_ref(state: &AppState) -> Storage {
        state.storage.clone()
    }
}

fn extractor<T: FromRequest<S>, S>() {}

fn main() {
    extractor::<Upload<Protected>, AppState>();
}
