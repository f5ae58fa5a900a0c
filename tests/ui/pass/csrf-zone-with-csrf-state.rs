//! A CSRF zone compiles with a state that provides both a `Storage` and a `Csrf`.
use axum::extract::{FromRef, FromRequest};
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::csrf::Csrf;
use dropzone_runtime::upload::{Storage, Upload};

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload", enable_csrf = true)]
struct Protected;

#[derive(DropzoneConfig)]
#[dropzone(action = "/open")]
struct Open;

#[derive(Clone)]
struct AppState {
    storage: Storage,
    csrf: Csrf,
}

impl FromRef<AppState> for Storage {
    fn from_ref(state: &AppState) -> Storage {
        state.storage.clone()
    }
}

impl FromRef<AppState> for Csrf {
    fn from_ref(state: &AppState) -> Csrf {
        state.csrf.clone()
    }
}

fn extractor<T: FromRequest<S>, S>() {}

fn main() {
    extractor::<Upload<Protected>, AppState>();
    // A zone without CSRF asks nothing more than a `Storage`.
    extractor::<Upload<Open>, Storage>();
}
