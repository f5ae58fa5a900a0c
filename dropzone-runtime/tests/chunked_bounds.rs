//! What unfinished chunked uploads may cost, and races at finalization: the holes 3 and 4 of
//! the attack review (issue 9). One client cannot block others with tiny requests, a
//! duplicate chunk never extends an upload's life, a refused chunk leaves nothing, and a
//! duplicate racing the request that finalizes the file gets a 2xx, never a 5xx.

mod upload_common;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::post;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::options::{Chunking, Options};
use dropzone_runtime::upload::Storage;
use http::{Request, StatusCode};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use upload_common::chunks::*;
use upload_common::*;

const MIB_U64: u64 = 1 << 20;

/// 1 MiB chunks, files up to 1025 MiB: the last chunk of a 1 GiB + 1 byte file is one byte.
struct Large;
impl DropzoneConfig for Large {
    const OPTIONS: &'static Options = &BASE
        .with_chunking(Some(Chunking {
            force: false,
            chunk_size: MIB_U64,
            parallel: true,
            retry_limit: Some(3),
        }))
        .with_max_file_size(1025.0);
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for Large {}

fn large_app(storage: Storage) -> Router {
    Router::new()
        .route("/large", post(report::<Large>))
        .with_state(storage)
}

/// The body of chunk `index` of a file of `total` bytes in 1 MiB chunks, carrying `data`.
fn large_chunk(uuid: &str, total: u64, index: u64, data: &[u8]) -> Vec<u8> {
    let count = total.div_ceil(MIB_U64).max(1);
    Multipart::new()
        .text("dzuuid", uuid)
        .text("dzchunkindex", index.to_string())
        .text("dztotalfilesize", total.to_string())
        .text("dzchunksize", MIB_U64.to_string())
        .text("dztotalchunkcount", count.to_string())
        .text("dzchunkbyteoffset", (index * MIB_U64).to_string())
        .file("file", "big.bin", "application/octet-stream", data)
        .finish()
}

/// Hole 3: 64 one-byte requests used to fill the bound of unfinished uploads for an hour.
/// Unfinished uploads now cost what they stored, and the count is generous: 1,000 uploads
/// holding one byte each leave room for everyone else.
#[tokio::test]
async fn a_thousand_one_byte_unfinished_uploads_do_not_stop_another_client() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let app = large_app(storage.clone());
    let total = (1u64 << 30) + 1; // "1 GiB": its last chunk is one byte
    let started = Instant::now();
    for _ in 0..1000 {
        let body = large_chunk(&new_uuid(), total, total / MIB_U64, b"x");
        let answer = post_body(app.clone(), "/large", body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    let held = storage.pending_chunked_bytes();
    println!(
        "1000 one-byte unfinished uploads in {:?}: {} pending, {held} bytes counted",
        started.elapsed(),
        storage.pending_chunked_uploads()
    );
    assert_eq!(storage.pending_chunked_uploads(), 1000);
    // 4 KiB of overhead, the 7-byte name and the one byte, each.
    assert_eq!(held, 1000 * (4096 + 7 + 1));

    // Another client's upload goes through, chunk by chunk, to the handler.
    let other = Router::new()
        .route("/chunked", post(report::<Chunked>))
        .with_state(storage.clone());
    let data = png_bytes(2500);
    let answers = send_chunks(&other, &new_uuid(), &data, &[0, 1, 2]).await;
    assert!(is_ack(&answers[0], 0, 1, 3), "{}", answers[0].text);
    assert_eq!(answers[2].status, StatusCode::OK, "{}", answers[2].text);
    assert!(
        answers[2].text.contains("stored_name"),
        "{}",
        answers[2].text
    );
}

/// The bytes bound: a chunk that would pass it is refused with 503 before a byte is stored,
/// whether it starts a new upload or continues one; a retry of a started index costs nothing.
#[tokio::test]
async fn unfinished_uploads_are_bounded_in_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // Room for one upload's overhead and two 1000-byte chunks, not three.
    let storage = Storage::new(dir.path()).max_pending_chunked_bytes(4096 + 7 + 2500);
    let app = chunk_app(storage.clone());
    let data = png_bytes(3500);
    let uuid = new_uuid();
    let a = send_chunks(&app, &uuid, &data, &[0, 1]).await;
    assert!(is_ack(&a[1], 1, 2, 4), "{}", a[1].text);
    let refused = send_chunks(&app, &uuid, &data, &[2]).await;
    assert_eq!(
        refused[0].status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused[0].text
    );
    let other = send_chunks(&app, &new_uuid(), &data, &[0]).await;
    assert_eq!(
        other[0].status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        other[0].text
    );
    assert_eq!(chunk_leftovers(dir.path()).len(), 1);
    assert_eq!(storage.pending_chunked_bytes(), 4096 + 7 + 2000);
    // A duplicate of a received chunk is still acknowledged.
    let dup = send_chunks(&app, &uuid, &data, &[1]).await;
    assert!(is_ack(&dup[0], 1, 2, 4), "{}", dup[0].text);
}

/// Hole 3: a duplicate chunk refreshed the expiry, so one client could hold an upload forever.
#[tokio::test]
async fn a_duplicate_chunk_never_extends_an_uploads_life() {
    let dir = tempfile::tempdir().unwrap();
    let expiry = Duration::from_millis(400);
    let storage = Storage::new(dir.path()).chunk_expiry(expiry);
    let app = chunk_app(storage.clone());
    let data = png_bytes(2500);
    let uuid = new_uuid();
    let start = Instant::now();
    assert!(is_ack(
        &send_chunks(&app, &uuid, &data, &[0]).await[0],
        0,
        1,
        3
    ));
    // Duplicates keep coming, faster than the expiry...
    while start.elapsed() < expiry + Duration::from_millis(200) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let dup = send_chunks(&app, &uuid, &data, &[0]).await;
        if dup[0].status == StatusCode::GONE {
            break;
        }
        assert!(is_ack(&dup[0], 0, 1, 3), "{}", dup[0].text);
    }
    // ...but the upload made no progress since its first chunk: it is gone.
    storage.sweep_chunks().await.unwrap();
    assert_eq!(storage.pending_chunked_uploads(), 0);
    let late = send_chunks(&app, &uuid, &data, &[1]).await;
    assert_eq!(late[0].status, StatusCode::GONE, "{}", late[0].text);
    assert_no_parts(dir.path());
}

/// Hole 3: a short chunk got 400 but left a 0-byte part file that counted against the bound.
#[tokio::test]
async fn a_refused_first_chunk_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let app = chunk_app(storage.clone());
    let data = png_bytes(2500);
    let uuid = new_uuid();
    for short in [0, 1, 999] {
        let mut body = chunk_body(&uuid, &data, 0, "big.bin");
        // Cut the chunk's content to `short` bytes, keeping the closing boundary.
        let tail = format!("\r\n--{BOUNDARY}--\r\n");
        let content_end = body.len() - tail.len();
        body.drain(content_end - (1000 - short)..content_end);
        let answer = post_body(app.clone(), "/chunked", body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
        assert!(
            answer.text.contains("must be 1000 bytes long"),
            "{}",
            answer.text
        );
        assert_eq!(storage.pending_chunked_uploads(), 0);
        assert_eq!(storage.pending_chunked_bytes(), 0);
        assert_no_parts(dir.path());
    }
    // The same upload can then start for real.
    let a = send_chunks(&app, &uuid, &data, &[0, 1, 2]).await;
    assert_eq!(a[2].status, StatusCode::OK, "{}", a[2].text);
}

/// Hole 4: a duplicate of a chunk still being received when another request finalized the
/// file got 500 "could not store the file" (3 of 3 runs), although the file was intact. The
/// order is forced: the duplicate has started writing when the last chunk completes the file,
/// and only then sends the rest of its bytes.
#[tokio::test]
async fn a_duplicate_racing_finalization_is_acknowledged_not_500() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let app = large_app(storage.clone());
    let total = 2 * MIB_U64;
    let data = png_bytes(total as usize);
    let (first, second) = data.split_at(MIB_U64 as usize);
    let uuid = new_uuid();
    let a = post_body(app.clone(), "/large", large_chunk(&uuid, total, 0, first)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let held_before = storage.pending_chunked_bytes();

    // The duplicate of chunk 1: its first 300 KiB now (one 256 KiB block gets written)...
    let dup_body = large_chunk(&uuid, total, 1, second);
    let split = dup_body.len() - second.len() + 300 * 1024;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tx.send(Ok(Bytes::copy_from_slice(&dup_body[..split])))
        .await
        .unwrap();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let req = Request::post("/large")
        .header("content-type", content_type())
        .body(Body::from_stream(stream))
        .unwrap();
    let duplicate = tokio::spawn(send(app.clone(), req));
    // ...it has begun once chunk 1 is counted.
    let deadline = Instant::now() + Duration::from_secs(10);
    while storage.pending_chunked_bytes() == held_before {
        assert!(Instant::now() < deadline, "the duplicate never began");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;

    // The original chunk 1 completes and finalizes the file.
    let done = post_body(app.clone(), "/large", large_chunk(&uuid, total, 1, second)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let stored = done.json()["outcomes"][0]["stored_name"]
        .as_str()
        .unwrap()
        .to_owned();

    // The duplicate's remaining 724 KiB arrive after the file was finalized.
    tx.send(Ok(Bytes::copy_from_slice(&dup_body[split..])))
        .await
        .unwrap();
    drop(tx);
    let answer = duplicate.await.unwrap();
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(
        answer.json(),
        serde_json::json!({"chunk": 1, "received": 2, "total": 2})
    );
    assert!(std::fs::read(dir.path().join(&stored)).unwrap() == data);
    assert_no_parts(dir.path());
}
