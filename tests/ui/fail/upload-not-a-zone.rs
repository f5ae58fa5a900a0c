use axum::extract::FromRequest;
use dropzone_runtime::upload::{Storage, Upload};

struct NotAZone;

fn extractor<T: FromRequest<S>, S>() {}

fn main() {
    extractor::<Upload<NotAZone>, Storage>();
}
