//! A chunked file in the folder is hashed as its chunks arrive (chunk_hash.rs), not read back
//! at the end: its sha256 (in the handler's `SavedFile` and in the metadata sidecar) is the
//! sha256 of the stored bytes whatever the order, the storage or the duplicates. That the
//! in-order path reads nothing back is shown by the unit tests in chunk_hash_tests.rs.

mod upload_common;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use dropzone_runtime::upload::Storage;
use http::{Request, StatusCode};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use upload_common::chunks::*;
use upload_common::*;

const ZONE: &str = "myDropzone";

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The answer that stored the file: its sha256 (as the handler saw it) and the sidecar's must
/// both be the sha256 of the one stored file's bytes. Returns those bytes.
async fn assert_hash_agrees(storage: &Storage, dir: &Path, done: &Answer) -> Vec<u8> {
    let json = done.json();
    let saved = &json["outcomes"][0];
    let name = saved["stored_name"]
        .as_str()
        .unwrap_or_else(|| panic!("{json}"));
    let bytes = the_stored_file(dir);
    let want = sha256_hex(&bytes);
    assert_eq!(saved["sha256"], want.as_str(), "SavedFile.sha256");
    let info = storage.file_info(ZONE, name).await.unwrap();
    assert_eq!(info.sha256, want, "the sidecar's sha256");
    bytes
}

/// The one answer of `answers` that stored the file.
fn stored(answers: &[Answer]) -> &Answer {
    let mut done = answers.iter().filter(|a| a.text.contains("stored_name"));
    let first = done.next().expect("no answer stored the file");
    assert!(done.next().is_none(), "stored twice");
    first
}

#[tokio::test]
async fn chunks_in_order_and_out_of_order_get_the_hash_of_their_bytes() {
    let data = png_bytes(7_300);
    for order in [
        vec![0, 1, 2, 3, 4, 5, 6, 7],
        vec![7, 6, 5, 4, 3, 2, 1, 0],
        vec![3, 0, 7, 1, 5, 2, 6, 4],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::new(dir.path());
        let answers = send_chunks(&chunk_app(storage.clone()), &new_uuid(), &data, &order).await;
        let bytes = assert_hash_agrees(&storage, dir.path(), stored(&answers)).await;
        assert!(bytes == data, "{order:?}");
    }
}

#[tokio::test]
async fn two_storages_taking_turns_agree_on_the_hash() {
    let dir = tempfile::tempdir().unwrap();
    let storages = [Storage::new(dir.path()), Storage::new(dir.path())];
    let apps = storages.clone().map(chunk_app);
    let data = png_bytes(6_500);
    let uuid = new_uuid();
    let mut answers = Vec::new();
    for i in 0..count(&data) {
        answers.extend(send_chunks(&apps[i % 2], &uuid, &data, &[i]).await);
    }
    let bytes = assert_hash_agrees(&storages[1], dir.path(), stored(&answers)).await;
    assert!(bytes == data);
}

/// Every chunk at once, through two storages, several times (bounded in rounds and time).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_chunks_get_the_hash_of_their_bytes() {
    let deadline = Instant::now() + Duration::from_secs(60);
    let data = png_bytes(9_500);
    for round in 0..20 {
        assert!(Instant::now() < deadline, "only {round} rounds in 60 s");
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::new(dir.path());
        let apps = [
            chunk_app(storage.clone()),
            chunk_app(Storage::new(dir.path())),
        ];
        let uuid = new_uuid();
        let tasks: Vec<_> = (0..count(&data))
            .map(|i| {
                let body = chunk_body(&uuid, &data, i, "big.bin");
                tokio::spawn(post_body(apps[i % 2].clone(), "/chunked", body))
            })
            .collect();
        let mut answers = Vec::new();
        for t in tasks {
            let a = t.await.unwrap();
            assert_eq!(a.status, StatusCode::OK, "round {round}: {}", a.text);
            answers.push(a);
        }
        let bytes = assert_hash_agrees(&storage, dir.path(), stored(&answers)).await;
        assert!(bytes == data, "round {round}");
    }
}

/// A duplicate of a chunk already received, with other bytes, is not written: the bytes and
/// the hash stay the first copy's.
#[tokio::test]
async fn a_late_duplicate_with_other_bytes_changes_neither_bytes_nor_hash() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let app = chunk_app(storage.clone());
    let (data, other) = (png_bytes(3_000), other_bytes(3_000));
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0, 1]).await;
    let dup = post_body(
        app.clone(),
        "/chunked",
        chunk_body(&uuid, &other, 1, "big.bin"),
    )
    .await;
    assert!(is_ack(&dup, 1, 2, 3), "{}", dup.text);
    let done = send_chunks(&app, &uuid, &data, &[2]).await;
    let bytes = assert_hash_agrees(&storage, dir.path(), &done[0]).await;
    assert!(bytes == data);
}

/// Two copies of chunk 0 with different bytes in flight at once: the first has begun (the
/// chunk is started) when the second arrives whole, is received and hashed with chunk 1; only
/// then does the first send the rest of its bytes, which land over the second's. The stored
/// file is the first copy's, and so must its hash be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_written_over_a_hashed_chunk_gets_the_hash_of_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let app = chunk_app(storage.clone());
    let (data, other) = (png_bytes(3_000), other_bytes(3_000));
    let uuid = new_uuid();
    let a = send_chunks(&app, &uuid, &data, &[1]).await;
    assert!(is_ack(&a[0], 1, 1, 3), "{}", a[0].text);
    let held_before = storage.pending_chunked_bytes();

    // The first copy of chunk 0: everything but its last 200 bytes.
    let body = chunk_body(&uuid, &data, 0, "big.bin");
    let split = body.len() - 200;
    let (tx, first) = streamed(&app, &body[..split]).await;
    // It has begun once chunk 0 is counted.
    let deadline = Instant::now() + Duration::from_secs(10);
    while storage.pending_chunked_bytes() == held_before {
        assert!(Instant::now() < deadline, "the first copy never began");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // The second copy, whole: received (chunks 0 and 1 now follow each other).
    let second = post_body(
        app.clone(),
        "/chunked",
        chunk_body(&uuid, &other, 0, "big.bin"),
    )
    .await;
    assert!(is_ack(&second, 0, 2, 3), "{}", second.text);

    // The first copy's last bytes: all of it is written over the second's.
    tx.send(Ok(Bytes::copy_from_slice(&body[split..])))
        .await
        .unwrap();
    drop(tx);
    let first = first.await.unwrap();
    assert!(is_ack(&first, 0, 2, 3), "{}", first.text);

    let done = send_chunks(&app, &uuid, &data, &[2]).await;
    let bytes = assert_hash_agrees(&storage, dir.path(), &done[0]).await;
    assert!(bytes == data, "the first copy's bytes are stored");
}

/// Other bytes of the same length (a PNG too, so the content check passes the same way).
fn other_bytes(len: usize) -> Vec<u8> {
    let mut bytes = png_bytes(len);
    for b in &mut bytes[16..] {
        *b ^= 0x5a;
    }
    bytes
}

/// Starts a request to `/chunked` whose body is `start` and then whatever is sent on the
/// returned channel until it is dropped.
async fn streamed(
    app: &Router,
    start: &[u8],
) -> (
    mpsc::Sender<Result<Bytes, std::io::Error>>,
    tokio::task::JoinHandle<Answer>,
) {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tx.send(Ok(Bytes::copy_from_slice(start))).await.unwrap();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let req = Request::post("/chunked")
        .header("content-type", content_type())
        .body(Body::from_stream(stream))
        .unwrap();
    (tx, tokio::spawn(send(app.clone(), req)))
}
