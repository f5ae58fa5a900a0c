//! Flask-Dropzone's `multiple-dropzone` example, ported: two zones on one page, `foo` and
//! `bar`, each with its own id, message, style and upload route.
//!
//! Run with `cargo run -p example-multiple-dropzone` and open <http://127.0.0.1:5000>: files
//! dropped on *Dropzone Foo* land in `./uploads/foo`, those on *Dropzone Bar* in
//! `./uploads/bar`. `/v5` shows the same page on Dropzone.js 5.9.3.
//!
//! Upstream's two zones posted to the same view, which could not tell them apart. Here each
//! zone is its own type with its own route (`/upload/foo`, `/upload/bar`) and upload folder.
//! `/shared` (and `/v5/shared`) shows the other way: both zones post to one route, `/upload`,
//! which reads [`ZoneId`] (the `X-Dropzone-Zone` header every upload carries) and extracts the
//! upload with that zone's type, so each zone's own rules apply and the files still land in
//! their zone's folder. `Upload<Foo>` refuses a request that names another zone (400).
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`).

use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use dropzone_runtime::upload::{Storage, Upload, UploadReport, ZoneId};
use dropzone_runtime::{Dropzone, DropzoneConfig, dropzone};
use maud::{DOCTYPE, html};
use std::path::PathBuf;

/// Zone `foo`: images up to 3 MiB, at most 30.
#[derive(DropzoneConfig)]
#[dropzone(
    id = "foo",
    action = "/upload/foo",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    default_message = "Dropzone Foo",
    serve_local = true
)]
struct Foo;

/// Zone `bar`: the same rules, its own id, message and route.
#[derive(DropzoneConfig)]
#[dropzone(
    id = "bar",
    action = "/upload/bar",
    allowed_file_type = "image",
    max_file_size = 3,
    max_files = 30,
    default_message = "Dropzone Bar",
    serve_local = true
)]
struct Bar;

/// `shared`: both zones post to `/upload` instead of their own routes. `head`: the library and
/// the init code go in the `<head>`, before the zones (the init code then starts the zones
/// once their data has been parsed); otherwise after them, at the end of the body.
fn page(mut zone_foo: Dropzone, mut zone_bar: Dropzone, shared: bool, head: bool) -> Html<String> {
    if shared {
        zone_foo = zone_foo.action("/upload");
        zone_bar = zone_bar.action("/upload");
    }
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs multiple-dropzone example" }
                (zone_foo.load_css())
                (zone_foo.style("border: 2px dashed #0087F7; margin: 2em 10%; min-height: 200px;"))
                (zone_bar.style("border: 2px dashed #F77500; margin: 2em 10%; min-height: 200px; background: #FFF8F0;"))
                @if head { (zone_foo.load_js()) }
            }
            body {
                (zone_foo.create())
                (zone_bar.create())
                @if !head { (zone_foo.load_js()) }
                (zone_foo.config())
                (zone_bar.config())
            }
        }
    };
    Html(markup.into_string())
}

async fn upload_foo(up: Upload<Foo>) -> UploadReport {
    println!("foo: saved {}", up.file().stored_name);
    up.report()
}

async fn upload_bar(up: Upload<Bar>) -> UploadReport {
    println!("bar: saved {}", up.file().stored_name);
    up.report()
}

/// The folders of the two zones, for the shared route.
#[derive(Clone)]
struct Folders {
    foo: Storage,
    bar: Storage,
}

/// One route for both zones: the zone header picks the zone type (and with it the rules and
/// the folder). A request without the header cannot be attributed and is refused.
async fn upload_shared(zone: ZoneId, State(folders): State<Folders>, req: Request) -> Response {
    let result = if zone.is::<Foo>() {
        Upload::<Foo>::from_request(req, &folders.foo)
            .await
            .map(|up| up.report())
    } else if zone.is::<Bar>() {
        Upload::<Bar>::from_request(req, &folders.bar)
            .await
            .map(|up| up.report())
    } else {
        return (StatusCode::BAD_REQUEST, format!("Unknown zone `{zone}`.")).into_response();
    };
    match result {
        Ok(report) => {
            println!("shared route, zone {zone}: {}", report.to_json());
            report.into_response()
        }
        Err(rejection) => rejection.into_response(),
    }
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
    let folders = Folders {
        foo: Storage::try_new(upload_dir.join("foo"))?,
        bar: Storage::try_new(upload_dir.join("bar"))?,
    };

    let app = Router::new()
        .route(
            "/",
            get(|| async { page(Foo::dropzone(), Bar::dropzone(), false, false) }),
        )
        .route(
            "/v5",
            get(|| async {
                page(
                    dropzone!(Foo, version = "5.9.3"),
                    dropzone!(Bar, version = "5.9.3"),
                    false,
                    false,
                )
            }),
        )
        .route(
            "/shared",
            get(|| async { page(Foo::dropzone(), Bar::dropzone(), true, false) }),
        )
        .route(
            "/v5/shared",
            get(|| async {
                page(
                    dropzone!(Foo, version = "5.9.3"),
                    dropzone!(Bar, version = "5.9.3"),
                    true,
                    false,
                )
            }),
        )
        .route(
            "/head",
            get(|| async { page(Foo::dropzone(), Bar::dropzone(), false, true) }),
        )
        .route(
            "/v5/head",
            get(|| async {
                page(
                    dropzone!(Foo, version = "5.9.3"),
                    dropzone!(Bar, version = "5.9.3"),
                    false,
                    true,
                )
            }),
        )
        // Each zone's own route, with its own folder as the state.
        .merge(
            Router::new()
                .route("/upload/foo", post(upload_foo))
                .with_state(folders.foo.clone()),
        )
        .merge(
            Router::new()
                .route("/upload/bar", post(upload_bar))
                .with_state(folders.bar.clone()),
        )
        .merge(
            Router::new()
                .route("/upload", post(upload_shared))
                .with_state(folders),
        )
        .merge(dropzone_runtime::assets::router());

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}, saving to {}/{{foo,bar}}",
        listener.local_addr()?,
        upload_dir.display()
    );
    dropzone_runtime::serve::serve(
        listener,
        app.layer(tower_http::trace::TraceLayer::new_for_http()),
    )
    .await
}
