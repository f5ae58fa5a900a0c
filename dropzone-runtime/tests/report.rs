//! `Upload::report()` and the all-refused batch answer: the per-file JSON the page reads.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::routing::post;
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::files::RemoveKey;
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use http::StatusCode;
use serde_json::json;
use std::path::Path;

async fn batch_report(up: Upload<Batch>) -> UploadReport {
    up.report()
}

async fn single_report(up: Upload<Images>) -> UploadReport {
    up.report()
}

fn report_app(dir: &Path) -> Router {
    Router::new()
        .route("/batch", post(batch_report))
        .route("/single", post(single_report))
        .with_state(Storage::new(dir).remove_key(key()))
}

fn key() -> RemoveKey {
    RemoveKey::new([9u8; 32])
}

/// The entry's remove id, checked: it removes exactly that stored file, from zone `Z` only.
fn remove_id_of<Z: DropzoneConfig>(entry: &serde_json::Value, stored: &str) -> String {
    let id = entry["remove_id"]
        .as_str()
        .expect("a stored file has a remove id");
    assert_eq!(key().verify(Z::OPTIONS.id(), id), Ok(stored));
    assert!(key().verify("another-zone", id).is_err());
    id.to_owned()
}

const REFUSED_TYPE: &str = "You can't upload files of this type.";

#[tokio::test]
async fn a_mixed_batch_reports_each_file_with_200() {
    let dir = tempfile::tempdir().unwrap();
    let png = png_bytes(5_000);
    let body = Multipart::new()
        .file("file[0]", "a.png", "image/png", &png)
        .file("file[1]", "b.txt", "text/plain", b"not an image")
        .finish();
    let answer = post_body(report_app(dir.path()), "/batch", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.content_type, "application/json");
    let got = answer.json();
    let stored = got["files"][0]["stored_name"].as_str().unwrap().to_owned();
    assert_random_name(&stored, Some("png"));
    let remove_id = remove_id_of::<Batch>(&got["files"][0], &stored);
    // Exactly this shape: no top-level error when a file was saved, no null fields.
    assert_eq!(
        got,
        json!({"files": [
            {"field": "file[0]", "name": "a.png", "saved": true, "stored_name": stored, "remove_id": remove_id},
            {"field": "file[1]", "name": "b.txt", "saved": false, "error": REFUSED_TYPE},
        ]})
    );
    assert_eq!(entries(dir.path()), vec![stored.clone()]);
    assert!(std::fs::read(dir.path().join(&stored)).unwrap() == png);
}

#[tokio::test]
async fn a_batch_where_every_file_is_refused_answers_json_without_the_handler() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file[0]", "a.txt", "text/plain", b"x")
        .file("file[1]", "huge.png", "image/png", &png_bytes(MIB + 1))
        .finish();
    let answer = post_body(report_app(dir.path()), "/batch", body).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(
        answer.json(),
        json!({
            "files": [
                {"field": "file[0]", "name": "a.txt", "saved": false, "error": REFUSED_TYPE},
                {"field": "file[1]", "name": "huge.png", "saved": false,
                 "error": "File is too big (1MiB). Max filesize: 1MiB."},
            ],
            "error": REFUSED_TYPE,
        })
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());

    // The status is the first refusal's: here the size.
    let body = Multipart::new()
        .file("file[0]", "huge.png", "image/png", &png_bytes(MIB + 1))
        .file("file[1]", "a.txt", "text/plain", b"x")
        .finish();
    let answer = post_body(report_app(dir.path()), "/batch", body).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        answer.json()["error"],
        "File is too big (1MiB). Max filesize: 1MiB."
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn the_rejection_can_be_taken_apart_by_a_handler() {
    use dropzone_runtime::upload::{UploadRejection, UploadResponse};
    async fn handler(up: Result<Upload<Batch>, UploadResponse>) -> String {
        match up {
            Ok(up) => format!("saved {}", up.files().count()),
            Err(UploadResponse::Rejected(UploadRejection::BatchRefused(b))) => {
                let names: Vec<&str> = b
                    .refused()
                    .iter()
                    .map(|r| r.original_name.as_str())
                    .collect();
                format!("{} {}", b.status().as_u16(), names.join(","))
            }
            Err(other) => format!("other: {}", other.body_text()),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let app = Router::new()
        .route("/batch", post(handler))
        .with_state(Storage::new(dir.path()));
    let body = Multipart::new()
        .file("file[0]", "a.txt", "text/plain", b"x")
        .file("file[1]", "b.txt", "text/plain", b"y")
        .finish();
    let answer = post_body(app, "/batch", body).await;
    assert_eq!(answer.text, "415 a.txt,b.txt");
}

#[tokio::test]
async fn single_file_zones_keep_plain_text_refusals_and_can_report_too() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file", "b.txt", "text/plain", b"x")
        .finish();
    let answer = post_body(report_app(dir.path()), "/single", body).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    assert_eq!(answer.text, REFUSED_TYPE);

    let body = Multipart::new()
        .file("file", "photo.PNG", "image/png", &png_bytes(100))
        .finish();
    let answer = post_body(report_app(dir.path()), "/single", body).await;
    assert_eq!(answer.status, StatusCode::OK);
    let got = answer.json();
    let stored = got["files"][0]["stored_name"].as_str().unwrap().to_owned();
    let remove_id = remove_id_of::<Images>(&got["files"][0], &stored);
    assert_eq!(
        got,
        json!({"files": [{"field": "file", "name": "photo.PNG", "saved": true, "stored_name": stored, "remove_id": remove_id}]})
    );
}

#[test]
fn an_empty_report_is_422_with_an_error() {
    let report = UploadReport::from_outcomes(&[]);
    assert_eq!(report.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report.error(), Some("No file was stored."));
    assert_eq!(
        report.to_json(),
        r#"{"files":[],"error":"No file was stored."}"#
    );
}
