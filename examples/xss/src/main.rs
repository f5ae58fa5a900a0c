//! A test fixture for the browser XSS test (`e2e/xss.test.mjs`), not an example to copy: zones
//! whose every text is a hostile string, on Dropzone.js 6.3.5 (`/`), 5.9.3 (`/v5`) and in strict
//! CSP mode (`/strict`). The upload route answers 500 with a hostile body, which Dropzone.js
//! shows on the file.
//!
//! Every string tries to run `window.__pwned = …` by closing the script (`</script>`), leaving
//! an attribute (`">`), starting an HTML comment (`<!--`), breaking a template literal
//! (`` ` `` and `${…}`) or a JavaScript string (U+2028, U+2029). The test asserts that
//! `window.__pwned` stays undefined and that each text shows literally where Dropzone.js
//! shows it.
//!
//! Environment: `ADDR` (default `127.0.0.1:5000`) and `UPLOAD_DIR` (default `./uploads`,
//! never written: every upload is refused).

use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{get, post};
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::upload::Storage;
use maud::{DOCTYPE, html};

/// What the upload route answers (with status 500).
const SERVER_ANSWER: &str =
    "SA </script><img src=x onerror=window.__pwned=20> `${window.__pwned=21}`";

macro_rules! hostile_zone {
    ($name:ident, $($opt:tt)*) => {
        #[derive(DropzoneConfig)]
        #[dropzone(action = "/upload", allowed_file_type = "image", max_files = 1, serve_local = true, $($opt)*)]
        #[dropzone(
            default_message = "DM </script><script>window.__pwned=1</script> \"><img src=x onerror=window.__pwned=2> `${window.__pwned=3}` \u{2028}\u{2029} <!-- <script>",
            invalid_file_type = "IT </script><script>window.__pwned=4</script> \"><img src=x onerror=window.__pwned=5> `${window.__pwned=6}` \u{2028} <!--",
            file_too_big = "TB <img src=x onerror=window.__pwned=7> {{filesize}} {{maxFilesize}} `${window.__pwned=8}`",
            server_error = "SE <img src=x onerror=window.__pwned=9> {{statusCode}} </script>",
            browser_unsupported = "BU <img src=x onerror=window.__pwned=10> </script><!--",
            max_file_exceed = "MX <svg onload=window.__pwned=11> {{maxFiles}} `${window.__pwned=12}` \u{2028}",
            cancel_upload = "CU <img src=x onerror=window.__pwned=13> \"'",
            remove_file = "RF <img src=x onerror=window.__pwned=14> </script> \u{2029}",
            cancel_confirmation = "CC <img src=x onerror=window.__pwned=15> `${window.__pwned=16}`",
            upload_canceled = "UC <img src=x onerror=window.__pwned=17> <!--"
        )]
        #[dropzone(extra(add_remove_links = true))]
        struct $name;
    };
}

hostile_zone!(Hostile,);
hostile_zone!(Hostile5, version = "5.9.3");
hostile_zone!(HostileStrict, strict_csp = true);

async fn page<Z: DropzoneConfig>() -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { "dropzone-rs XSS fixture" }
                (Z::load_css())
            }
            body {
                (Z::create())
                (Z::load_js())
                (Z::config())
            }
        }
    };
    Html(markup.into_string())
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
    let upload_dir = std::env::var_os("UPLOAD_DIR").unwrap_or_else(|| "./uploads".into());

    let app = Router::new()
        .route("/", get(page::<Hostile>))
        .route("/v5", get(page::<Hostile5>))
        .route("/strict", get(page::<HostileStrict>))
        .route(
            "/upload",
            post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, SERVER_ANSWER) }),
        )
        .merge(dropzone_runtime::assets::router())
        .with_state(Storage::new(upload_dir));

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    dropzone_runtime::serve::serve(
        listener,
        app.layer(tower_http::trace::TraceLayer::new_for_http()),
    )
    .await
}
