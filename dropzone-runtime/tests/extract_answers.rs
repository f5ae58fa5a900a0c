//! Hole 9 of the attack review: error bodies echoed attacker input (`X-Dropzone-Zone`, field
//! names, `dzuuid`) as `text/plain` without `X-Content-Type-Options: nosniff`, and the 413 for
//! one file over the limit said "the limit is 6291456 bytes" or the zone's message depending
//! on by how much.

mod upload_common;

use axum::body::Body;
use http::{Request, StatusCode};
use upload_common::*;

const HOSTILE: &str = "<script>alert(1)</script>";

async fn answer_with_headers(req: Request<Body>, dir: &std::path::Path) -> (Answer, String) {
    use tower::ServiceExt;
    let resp = app(dir).oneshot(req).await.unwrap();
    let nosniff = resp
        .headers()
        .get("x-content-type-options")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (
        Answer {
            status,
            content_type,
            text,
        },
        nosniff,
    )
}

fn post(uri: &str) -> http::request::Builder {
    Request::post(uri).header("content-type", content_type())
}

#[tokio::test]
async fn error_answers_carry_nosniff_and_never_echo_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let file = || {
        Multipart::new()
            .file("file", "a.png", "image/png", &png_bytes(100))
            .finish()
    };
    let field_name = format!("note{HOSTILE}");
    let cases: Vec<(&str, Request<Body>)> = vec![
        (
            "zone header",
            post("/images")
                .header("x-dropzone-zone", HOSTILE)
                .body(Body::from(file()))
                .unwrap(),
        ),
        (
            "field too large",
            post("/images")
                .body(Body::from(
                    Multipart::new()
                        .text(&field_name, vec![b'x'; 64 * 1024 + 1])
                        .file("file", "a.png", "image/png", b"x")
                        .finish(),
                ))
                .unwrap(),
        ),
        (
            "field not utf-8",
            post("/images")
                .body(Body::from(
                    Multipart::new()
                        .text(&field_name, b"\xff<script>")
                        .file("file", "a.png", "image/png", b"x")
                        .finish(),
                ))
                .unwrap(),
        ),
        (
            "broken part headers",
            post("/images")
                .body(Body::from(
                    format!(
                        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{HOSTILE}\"\r\n\
                         X-{HOSTILE}: {HOSTILE}\r\n\r\nvalue"
                    )
                    .into_bytes(),
                ))
                .unwrap(),
        ),
        (
            "wrong type",
            post("/images")
                .body(Body::from(
                    Multipart::new()
                        .file("file", HOSTILE, HOSTILE, HOSTILE.as_bytes())
                        .finish(),
                ))
                .unwrap(),
        ),
        (
            "not multipart",
            Request::post("/images")
                .header("content-type", format!("text/{HOSTILE}"))
                .body(Body::from(HOSTILE))
                .unwrap(),
        ),
    ];
    for (what, req) in cases {
        let (answer, nosniff) = answer_with_headers(req, dir.path()).await;
        assert!(answer.status.is_client_error(), "{what}: {}", answer.status);
        assert_eq!(nosniff, "nosniff", "{what}");
        assert!(
            !answer.text.contains('<') && !answer.text.contains("script"),
            "{what} echoes the request: {}",
            answer.text
        );
    }
    // A batch refusal's JSON too.
    let body = Multipart::new()
        .file("file[0]", "a.txt", "text/plain", b"x")
        .finish();
    let (answer, nosniff) =
        answer_with_headers(post("/batch").body(Body::from(body)).unwrap(), dir.path()).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(nosniff, "nosniff");
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn invalid_chunk_fields_are_not_echoed() {
    use axum::Router;
    use axum::routing::post as route_post;
    use dropzone_runtime::upload::Storage;
    use upload_common::chunks::Chunked;
    let dir = tempfile::tempdir().unwrap();
    let app = Router::new()
        .route("/chunked", route_post(report::<Chunked>))
        .with_state(Storage::new(dir.path()));
    for (uuid, index) in [
        (HOSTILE, "0"),
        ("3f2c1a52-7b1e-4c5a-9d2e-0a1b2c3d4e5f", HOSTILE),
    ] {
        let body = Multipart::new()
            .text("dzuuid", uuid)
            .text("dzchunkindex", index)
            .text("dztotalfilesize", "2000")
            .text("dzchunksize", "1000")
            .text("dztotalchunkcount", "2")
            .text("dzchunkbyteoffset", "0")
            .file("file", "a.bin", "application/octet-stream", &[0; 1000])
            .finish();
        let answer = post_body(app.clone(), "/chunked", body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
        assert!(!answer.text.contains("script"), "{}", answer.text);
    }
}

/// Whatever the overshoot, one file over a single-file zone's limit gets the zone's message
/// with the limit in MiB: found while streaming, past the body limit mid-stream, or announced
/// by `Content-Length`.
#[tokio::test]
async fn one_file_over_the_limit_always_gets_the_zones_message() {
    let dir = tempfile::tempdir().unwrap();
    let want = "File is too big (more than 2MiB). Max filesize: 2MiB.";
    for size in [2 * MIB + 1, 3 * MIB + 10, 6 * MIB] {
        let body = Multipart::new()
            .file("file", "big.png", "image/png", &png_bytes(size))
            .finish();
        // With a Content-Length (as browsers send) and streamed without one.
        let len = body.len();
        let with_length = post("/images")
            .header("content-length", len.to_string())
            .body(Body::from(body.clone()))
            .unwrap();
        let streamed = post("/images")
            .body(Body::from_stream(futures_util::stream::iter(
                body.chunks(64 * 1024)
                    .map(|c| Ok::<_, std::io::Error>(axum::body::Bytes::copy_from_slice(c)))
                    .collect::<Vec<_>>(),
            )))
            .unwrap();
        for req in [with_length, streamed] {
            let (answer, nosniff) = answer_with_headers(req, dir.path()).await;
            assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{size}");
            assert_eq!(answer.text, want, "{size}");
            assert_eq!(nosniff, "nosniff");
        }
    }
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}
