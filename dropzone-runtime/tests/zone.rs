//! Which zone sent a request: `ZoneId`, and `Upload<Z>` refusing another zone's uploads.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::ZONE_HEADER;
use dropzone_runtime::options::Options;
use dropzone_runtime::upload::{Storage, Upload, ZoneId};
use http::{HeaderValue, StatusCode};

/// Two zones of one page with their own ids; `Bar` takes its file in a part named `doc`.
struct Foo;
impl DropzoneConfig for Foo {
    const OPTIONS: &'static Options = &BASE.with_id("foo");
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for Foo {}
struct Bar;
impl DropzoneConfig for Bar {
    const OPTIONS: &'static Options = &BASE.with_id("bar").with_input_name("doc");
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for Bar {}

fn request(uri: &str, zone: Option<&[u8]>, body: Vec<u8>) -> http::Request<Body> {
    let mut req = http::Request::post(uri)
        .header("content-type", content_type())
        .body(Body::from(body))
        .unwrap();
    if let Some(zone) = zone {
        req.headers_mut()
            .insert(ZONE_HEADER, HeaderValue::from_bytes(zone).unwrap());
    }
    req
}

fn one_file() -> Vec<u8> {
    Multipart::new()
        .file("file", "a.png", "image/png", b"png")
        .finish()
}

#[tokio::test]
async fn upload_accepts_its_own_zone_and_requests_without_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let answer = send(
        app(dir.path()),
        request("/any", Some(b"myDropzone"), one_file()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let answer = send(app(dir.path()), request("/any", None, one_file())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(entries(dir.path()).len(), 2);
}

#[tokio::test]
async fn upload_refuses_another_zones_request_before_storing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let answer = send(app(dir.path()), request("/any", Some(b"other"), one_file())).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    assert_eq!(
        answer.text,
        "This upload was sent by another zone than `myDropzone`."
    );
    // Case matters (HTML ids are case-sensitive), and a batch zone answers the same way.
    let answer = send(
        app(dir.path()),
        request("/batch", Some(b"mydropzone"), one_file()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.text,
        "This upload was sent by another zone than `myDropzone`."
    );
    // A header that is not UTF-8 is another zone too; the client's value is never echoed.
    let answer = send(
        app(dir.path()),
        request("/any", Some(b"x\xff\"y"), one_file()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.text,
        "This upload was sent by another zone than `myDropzone`."
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

async fn which(zone: ZoneId) -> String {
    format!(
        "zone {zone}, foo: {}, bar: {}",
        zone.is::<Foo>(),
        zone.is::<Bar>()
    )
}

async fn maybe(zone: Option<ZoneId>) -> String {
    format!("{:?}", zone.as_ref().map(ZoneId::as_str))
}

#[tokio::test]
async fn zone_id_reads_the_header_and_is_option_friendly() {
    let app = Router::new()
        .route("/which", post(which))
        .route("/maybe", post(maybe));
    let answer = send(app.clone(), request("/which", Some(b"bar"), vec![])).await;
    assert_eq!(answer.text, "zone bar, foo: false, bar: true");
    let answer = send(app.clone(), request("/which", None, vec![])).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.text, "The request has no X-Dropzone-Zone header.");
    let answer = send(app.clone(), request("/which", Some(b"\xff"), vec![])).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.text, "The X-Dropzone-Zone header is not UTF-8.");

    let answer = send(app.clone(), request("/maybe", None, vec![])).await;
    assert_eq!(answer.text, "None");
    let answer = send(app.clone(), request("/maybe", Some(b"myDropzone"), vec![])).await;
    assert_eq!(answer.text, "Some(\"myDropzone\")");
    let answer = send(app, request("/maybe", Some(b"\xff"), vec![])).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

/// One route for two zones: the header picks the zone type, whose rules then apply.
async fn shared(zone: ZoneId, State(storage): State<Storage>, req: Request) -> Response {
    if zone.is::<Foo>() {
        match Upload::<Foo>::from_request(req, &storage).await {
            Ok(up) => format!("foo {}", up.file().original_name).into_response(),
            Err(rejection) => rejection.into_response(),
        }
    } else if zone.is::<Bar>() {
        match Upload::<Bar>::from_request(req, &storage).await {
            Ok(up) => format!("bar {}", up.file().original_name).into_response(),
            Err(rejection) => rejection.into_response(),
        }
    } else {
        (StatusCode::BAD_REQUEST, format!("unknown zone {zone}")).into_response()
    }
}

#[tokio::test]
async fn one_route_can_serve_several_zones_by_their_id() {
    let dir = tempfile::tempdir().unwrap();
    let app = Router::new()
        .route("/shared", post(shared))
        .with_state(Storage::new(dir.path()));
    let answer = send(app.clone(), request("/shared", Some(b"foo"), one_file())).await;
    assert_eq!(answer.text, "foo a.png");
    let doc = Multipart::new()
        .file("doc", "report.pdf", "application/pdf", b"%PDF")
        .finish();
    let answer = send(app.clone(), request("/shared", Some(b"bar"), doc)).await;
    assert_eq!(answer.text, "bar report.pdf");
    // Bar's rules apply to Bar's requests: its file part is `doc`, not `file`.
    let answer = send(app.clone(), request("/shared", Some(b"bar"), one_file())).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.text.starts_with("No file in the upload"),
        "{}",
        answer.text
    );
    let answer = send(app.clone(), request("/shared", Some(b"nope"), one_file())).await;
    assert_eq!(answer.text, "unknown zone nope");
    let answer = send(app, request("/shared", None, one_file())).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(entries(dir.path()).len(), 2);
}
