//! Chunks sent as several parts each (`S3Config::chunk_split`): with `part_size` 400 the
//! zone's 1000-byte chunks go as two parts of 500 (the last chunk as one or two, as it fills),
//! sent side by side. Against the Garage cluster of `scripts/object-store.sh`, like
//! `object_store_chunked.rs`, whose rules (any order, any instance, restart, resume, resent
//! bytes) must hold the same when a chunk is more than one part.

mod s3_chunked;
mod s3_common;
mod upload_common;

use dropzone_runtime::store::{S3Backend, S3Config};
use dropzone_runtime::upload::Storage;
use http::StatusCode;
use s3_chunked::*;
use s3_common::*;
use upload_common::chunks::*;
use upload_common::*;

/// A backend on its own prefix that splits the test zone's chunks in two.
fn split_backend(test: &str) -> Option<S3Backend> {
    let config = S3Config::default().min_part_size(100).part_size(400);
    let location = location(test)?;
    Some(S3Backend::connect(&location, config).expect("S3 client from AWS_*"))
}

/// The parts the bucket holds for the one unfinished upload: (part index, size).
async fn parts_held(s3: &S3Backend) -> Vec<(usize, u64)> {
    let pending = s3.pending_uploads().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let parts = s3.list_parts(&pending[0].upload).await.unwrap();
    parts.into_iter().map(|p| (p.index, p.size)).collect()
}

/// In order: each chunk is two parts of 500 bytes, the last chunk (700 bytes) 500 + 200; the
/// hash state covers every part, so nothing is read back, and the file is whole.
#[tokio::test]
async fn each_chunk_is_sent_as_its_parts_and_hashed_without_reading_back() {
    let Some(s3) = split_backend("parts-order") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    let data = png_bytes(9_700);
    let uuid = new_uuid();
    let first = send_chunks(&app, &uuid, &data, &[0, 1, 2]).await;
    assert!(is_ack(&first[2], 2, 3, 10), "{}", first[2].text);
    assert_eq!(
        parts_held(&s3).await,
        (0..6).map(|n| (n, 500)).collect::<Vec<_>>()
    );
    let rest = send_chunks(&app, &uuid, &data, &(3..10).collect::<Vec<_>>()).await;
    assert!(rest[6].text.contains("stored_name"), "{}", rest[6].text);
    let outcome = &rest[6].json()["outcomes"][0];
    assert_eq!(outcome["sha256"], sha256_hex(&data));
    assert!(outcome["stored_name"].as_str().unwrap().ends_with(".png"));
    assert_eq!(s3.chunked_bytes_read_back(), 0);
    assert_eq!(the_stored_object(&storage, &s3).await, data);
}

/// Out of order, through two storages and a restart, with a resume question in between: a
/// chunk is held only once all its parts are, and the file completes whole.
#[tokio::test]
async fn out_of_order_across_storages_and_a_restart() {
    let Some(s3) = split_backend("parts-restart") else {
        return;
    };
    let (a, b) = (
        chunk_app(Storage::s3(s3.clone())),
        chunk_app(Storage::s3(s3.clone())),
    );
    let data = png_bytes(4_300);
    let uuid = new_uuid();
    for (turn, i) in [3, 0, 4, 1].into_iter().enumerate() {
        let app = if turn % 2 == 0 { &a } else { &b };
        let answer = send_chunks(app, &uuid, &data, &[i]).await;
        assert!(is_ack(&answer[0], i, turn + 1, 5), "{}", answer[0].text);
    }
    // Chunk 2's first part alone (a request that died half-way): not held.
    let pending = s3.pending_uploads().await.unwrap();
    let half = bytes::Bytes::copy_from_slice(&data[2 * CHUNK..2 * CHUNK + 500]);
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(half)]);
    s3.put_part(&pending[0].upload, 4, body).await.unwrap();
    let restarted = Storage::s3(s3.clone());
    let app = chunk_app(restarted.clone());
    let asked = post_body(
        app.clone(),
        "/chunked",
        resume_body(&uuid, &data, "big.bin"),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert_eq!(asked.json(), serde_json::json!({"received": [0, 1, 3, 4]}));
    let last = send_chunks(&app, &uuid, &data, &[2]).await;
    assert!(last[0].text.contains("stored_name"), "{}", last[0].text);
    assert_eq!(last[0].json()["outcomes"][0]["sha256"], sha256_hex(&data));
    assert_eq!(the_stored_object(&restarted, &s3).await, data);
}

/// Every chunk at once: exactly one request finalizes, and the file is whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_chunks_of_several_parts_land_whole() {
    let Some(s3) = split_backend("parts-parallel") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    let data = png_bytes(8_000);
    assert_eq!(send_all_at_once(&app, &data).await, 1);
    assert_eq!(the_stored_object(&storage, &s3).await, data);
}

/// Chunk 1 sent again with other bytes in its second part only, after the hash state
/// covered it: that part's receipt no longer matches, so the finalizer reads back and the
/// sha256 is that of what is stored.
#[tokio::test]
async fn a_part_resent_with_other_bytes_is_not_taken_from_the_hash_state() {
    let Some(s3) = split_backend("parts-resent") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    let data = png_bytes(3_000);
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0, 1]).await;
    let mut other = data.clone();
    other[CHUNK + 500..2 * CHUNK].fill(b'z');
    let again = post_body(
        app.clone(),
        "/chunked",
        chunk_body(&uuid, &other, 1, "big.bin"),
    )
    .await;
    assert!(is_ack(&again, 1, 2, 3), "{}", again.text);
    let last = send_chunks(&app, &uuid, &data, &[2]).await;
    assert_eq!(last[0].json()["outcomes"][0]["sha256"], sha256_hex(&other));
    assert!(s3.chunked_bytes_read_back() > 0);
    assert_eq!(the_stored_object(&storage, &s3).await, other);
}
