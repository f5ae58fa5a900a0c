//! Resume after a reload (issue 10, item 3), the server's side: a page asks which chunks of
//! the upload it remembers are here (`dzresume` with the upload's `dzuuid`, size, chunk size,
//! count and file name, no file part) and sends only the missing ones. The answer is the same
//! shape for an upload the server does not know, one that ended and one that does not match in
//! every respect: it tells nothing about other uploads. CSRF: tests/extract_csrf.rs; the
//! browser side: e2e/resume.test.mjs.

mod upload_common;

use axum::Router;
use dropzone_runtime::upload::Storage;
use http::StatusCode;
use upload_common::chunks::*;
use upload_common::*;

async fn ask(app: &Router, body: Vec<u8>) -> Answer {
    post_body(app.clone(), "/chunked", body).await
}

fn held(answer: &Answer) -> serde_json::Value {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.content_type, "application/json");
    answer.json()["received"].clone()
}

#[tokio::test]
async fn the_server_lists_the_chunks_it_holds_and_only_the_missing_ones_are_sent() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(4_500);
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0, 2, 4]).await;
    let answer = ask(&app, resume_body(&uuid, &data, "big.bin")).await;
    assert_eq!(held(&answer), serde_json::json!([0, 2, 4]));
    // Asking changes nothing, and the missing chunks complete the file.
    let rest = send_chunks(&app, &uuid, &data, &[1, 3]).await;
    assert!(is_ack(&rest[0], 1, 4, 5), "{}", rest[0].text);
    assert!(rest[1].text.contains("stored_name"), "{}", rest[1].text);
    assert_eq!(the_stored_file(dir.path()), data);
}

#[tokio::test]
async fn the_answer_tells_nothing_about_other_uploads() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(4_500);
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0, 1]).await;
    let empty = serde_json::json!([]);
    let cases = [
        ("unknown upload", resume_body(&new_uuid(), &data, "big.bin")),
        ("other name", resume_body(&uuid, &data, "other.bin")),
        (
            "other size",
            resume_body_with(&uuid, data.len() - 1, CHUNK, "big.bin"),
        ),
        (
            "other size, same count",
            resume_body_with(&uuid, data.len() + 1, CHUNK, "big.bin"),
        ),
    ];
    for (case, body) in cases {
        let answer = ask(&app, body).await;
        assert_eq!(held(&answer), empty, "{case}");
        assert_eq!(answer.text, r#"{"received":[]}"#, "{case}");
    }
    // A finished upload is no longer resumable either.
    let done = uuid::Uuid::new_v4().to_string();
    let small = png_bytes(1_500);
    send_chunks(&app, &done, &small, &[0, 1]).await;
    assert_eq!(
        held(&ask(&app, resume_body(&done, &small, "big.bin")).await),
        empty
    );
}

#[tokio::test]
async fn a_malformed_query_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let cases = [
        (
            resume_body_with("../x", 4_500, CHUNK, "a"),
            "must be a UUID",
        ),
        (
            resume_body_with(&new_uuid(), 4_500, 999, "a"),
            "chunk size is 1000",
        ),
    ];
    for (body, needle) in cases {
        let answer = ask(&app, body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
        assert!(answer.text.contains(needle), "{}", answer.text);
    }
    assert_no_parts(dir.path());
}
