use axum::extract::FromRequest;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::upload::Upload;

#[derive(DropzoneConfig)]
#[dropzone(action = "/upload")]
struct Zone;

#[derive(Clone)]
struct AppState {
    _name: String,
}

fn extractor<T: FromRequest<S>, S>() {}

fn main() {
    extractor::<Upload<Zone>, AppState>();
}
