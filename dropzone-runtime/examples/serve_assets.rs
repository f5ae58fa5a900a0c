//! The asset router on its own: pages that load each embedded Dropzone.js release from
//! `/dropzone/static/…` with its SRI `integrity`, and start a zone by hand.
//!
//! Run with `cargo run -p dropzone-runtime --example serve_assets`, then open
//! <http://127.0.0.1:5000/6.3.5> or <http://127.0.0.1:5000/5.9.3>. Nothing is uploaded (the
//! zone only queues files); the browser smoke test in `e2e/assets.test.mjs` drives it.
//! Environment: `ADDR` (default `127.0.0.1:5000`).

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use dropzone_runtime::assets::{self, RELEASES};
use dropzone_runtime::maud::{DOCTYPE, PreEscaped, html};

async fn page(Path(version): Path<String>) -> Response {
    let Some(release) = RELEASES.iter().find(|r| r.version.text == version) else {
        return (StatusCode::NOT_FOUND, "unknown release").into_response();
    };
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "Dropzone.js " (release.version.text) " from the asset router" }
                link rel="stylesheet"
                    href=(assets::local_url(&release.version, release.css_path))
                    integrity=(release.css_integrity);
                style { "#zone { margin: 5%; min-height: 300px; }" }
            }
            body {
                h1 { "Dropzone.js " (release.version.text) }
                form id="zone" class="dropzone" action="/nowhere" {}
                script src=(assets::local_url(&release.version, release.js_path))
                    integrity=(release.js_integrity) {}
                script {
                    (PreEscaped(r##"Dropzone.autoDiscover = false;
    window.zone = new Dropzone("#zone", { url: "/nowhere", autoProcessQueue: false });"##))
                }
            }
        }
    };
    Html(markup.into_string()).into_response()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:5000".to_owned());
    let app: Router = Router::new()
        .route("/{version}", get(page))
        .merge(assets::router());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    dropzone_runtime::serve::serve(listener, app).await
}
