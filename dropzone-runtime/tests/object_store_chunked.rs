//! Chunked uploads into S3-compatible object storage (issue 10, item 2 on S3): the state of an
//! upload lives in the bucket (one multipart upload per `dzuuid`, chunk i = part i + 1), so
//! separate `Storage`s (as separate instances or a restart would have) share it. Against the
//! real Garage cluster of `scripts/object-store.sh` (no mocks), run like `object_store.rs`:
//!
//!   eval "$(bash scripts/object-store.sh up)"
//!   cargo test -p dropzone-runtime --features s3 --test object_store_chunked
//!
//! Without `DROPZONE_STORAGE` each test prints why it is skipped and passes, unless
//! `DZRS_REQUIRE_S3=1` (set by scripts/test.sh). Each test uses its own fresh prefix. The
//! zones chunk by 1000 bytes: Garage takes parts under AWS's 5 MiB minimum, which
//! `Storage::check_zone` enforces when a router is built (not exercised by these routers).

mod s3_chunked;
mod s3_common;
mod upload_common;

use dropzone_runtime::store::{Claimed, S3Backend};
use dropzone_runtime::upload::Storage;
use http::StatusCode;
use s3_chunked::*;
use s3_common::*;
use std::time::{Duration, Instant};
use upload_common::chunks::*;
use upload_common::*;

#[tokio::test]
async fn out_of_order_chunks_through_two_storages_land_with_the_right_sha256() {
    let Some(s3) = backend("chunked-two") else {
        return;
    };
    let (sa, sb) = (Storage::s3(s3.clone()), Storage::s3(s3.clone()));
    let (a, b) = (chunk_app(sa.clone()), chunk_app(sb));
    let data = png_bytes(7_300);
    let uuid = new_uuid();
    let order = [3, 0, 7, 1, 5, 2, 6, 4];
    let mut answers = Vec::new();
    for (turn, &i) in order.iter().enumerate() {
        let app = if turn % 2 == 0 { &a } else { &b };
        answers.extend(send_chunks(app, &uuid, &data, &[i]).await);
    }
    for (turn, answer) in answers[..7].iter().enumerate() {
        assert!(
            is_ack(answer, order[turn], turn + 1, 8),
            "{} {}",
            answer.status,
            answer.text
        );
    }
    let last = answers[7].json();
    assert_eq!(last["outcomes"][0]["sha256"], sha256_hex(&data), "{last}");
    // Chunks 0, 1 and 2 came in order (the hash state kept in the bucket covers them); only
    // what came after them was read back.
    assert_eq!(
        s3.chunked_bytes_read_back(),
        (data.len() - 3 * CHUNK) as u64
    );
    assert_eq!(the_stored_object(&sa, &s3).await, data);
    // The stored name was decided by the content (a PNG), not by the name it was sent with.
    let name = last["outcomes"][0]["stored_name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(name.ends_with(".png"), "{name}");
}

/// Every instance restarted mid-upload: a new storage (nothing in memory) completes it.
#[tokio::test]
async fn an_upload_survives_a_restart() {
    let Some(s3) = backend("chunked-restart") else {
        return;
    };
    let data = png_bytes(4_500);
    let uuid = new_uuid();
    {
        let app = chunk_app(Storage::s3(s3.clone()));
        let a = send_chunks(&app, &uuid, &data, &[0, 1, 4]).await;
        assert!(is_ack(&a[2], 4, 3, 5), "{}", a[2].text);
    }
    let second = Storage::s3(s3.clone());
    let app = chunk_app(second.clone());
    // The page asks what is held (answered from ListParts) and sends only the rest.
    let asked = post_body(
        app.clone(),
        "/chunked",
        resume_body(&uuid, &data, "big.bin"),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert_eq!(asked.json(), serde_json::json!({"received": [0, 1, 4]}));
    // Another file under the same id learns nothing.
    let other = post_body(
        app.clone(),
        "/chunked",
        resume_body(&uuid, &data, "other.bin"),
    )
    .await;
    assert_eq!(other.json(), serde_json::json!({"received": []}));
    let a = send_chunks(&app, &uuid, &data, &[3, 2]).await;
    assert!(is_ack(&a[0], 3, 4, 5), "{}", a[0].text);
    assert!(a[1].text.contains("stored_name"), "{}", a[1].text);
    assert_eq!(the_stored_object(&second, &s3).await, data);
}

/// The last two chunks, each sent twice to each of two storages at once: exactly one request
/// finalizes (CompleteMultipartUpload succeeds once), one file is stored, the rest are acked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_completions_store_exactly_one_object() {
    let Some(s3) = backend("chunked-race") else {
        return;
    };
    let rounds = 6;
    let deadline = Instant::now() + Duration::from_secs(90);
    for round in 0..rounds {
        assert!(Instant::now() < deadline, "only {round} rounds in 90 s");
        let round_s3 = backend("chunked-race").unwrap();
        let storages = [Storage::s3(round_s3.clone()), Storage::s3(round_s3.clone())];
        let apps = [
            chunk_app(storages[0].clone()),
            chunk_app(storages[1].clone()),
        ];
        let data = png_bytes(6_000);
        let uuid = new_uuid();
        let finalized = race_completions(&apps, &uuid, &data, round).await;
        assert_eq!(finalized, 1, "round {round}");
        assert_eq!(
            the_stored_object(&storages[0], &round_s3).await,
            data,
            "round {round}"
        );
    }
    assert_no_pending(&s3).await;
}

/// A chunked upload the content check refuses (not an image, in an image zone) leaves no
/// object and no unfinished multipart upload in the bucket.
#[tokio::test]
async fn a_refused_chunked_upload_leaves_nothing_in_the_bucket() {
    let Some(s3) = backend("chunked-refused") else {
        return;
    };
    let app = chunk_app(Storage::s3(s3.clone()));
    let data = vec![b'x'; 2_500];
    let uuid = new_uuid();
    let mut last = None;
    for i in 0..3 {
        let body = chunk_body(&uuid, &data, i, "photo.png");
        last = Some(post_body(app.clone(), "/images", body).await);
    }
    let last = last.unwrap();
    assert_eq!(
        last.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        last.text
    );
    let empty = eventually(Duration::from_secs(10), || async {
        let objects = s3.list(None, 100).await.unwrap().objects;
        objects.is_empty() && s3.pending_uploads().await.unwrap().is_empty()
    })
    .await;
    assert!(empty, "{:?}", s3.list(None, 100).await.unwrap().objects);
}

/// The bound on unfinished uploads counts those of every storage on the bucket, and an expired
/// upload (its multipart upload started longer ago than the expiry) is aborted for all.
#[tokio::test]
async fn the_bounds_hold_across_storages_and_expired_uploads_are_aborted() {
    let Some(s3) = backend("chunked-bounds") else {
        return;
    };
    let limited = |s: Storage| s.max_pending_chunked_uploads(1);
    let (a, b) = (
        chunk_app(limited(Storage::s3(s3.clone()))),
        chunk_app(limited(Storage::s3(s3.clone()))),
    );
    let data = png_bytes(3_000);
    let first = send_chunks(&a, &new_uuid(), &data, &[0]).await;
    assert!(is_ack(&first[0], 0, 1, 3), "{}", first[0].text);
    let second = send_chunks(&b, &new_uuid(), &data, &[0]).await;
    assert_eq!(
        second[0].status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        second[0].text
    );
    assert_eq!(s3.pending_uploads().await.unwrap().len(), 1);

    // The byte bound: what the bucket holds plus the new file's size.
    let small = chunk_app(Storage::s3(s3.clone()).max_pending_chunked_bytes(3_500));
    let refused = send_chunks(&small, &new_uuid(), &data, &[0]).await;
    assert_eq!(
        refused[0].status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused[0].text
    );

    let expiring = Storage::s3(s3.clone()).chunk_expiry(Duration::ZERO);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(expiring.sweep_chunks().await.unwrap(), 1);
    assert_no_pending(&s3).await;
    // With the expired one gone, the bound has room again.
    let again = send_chunks(&b, &new_uuid(), &data, &[0]).await;
    assert!(is_ack(&again[0], 0, 1, 3), "{}", again[0].text);
    expiring.sweep_chunks().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    expiring.sweep_chunks().await.unwrap();
    assert_no_pending(&s3).await;

    // What a stopped instance can leave under `.incoming/` (an assembled object it never
    // named, a claim flag) goes with the sweep once expired; stored files are not touched.
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
    let meta = dropzone_runtime::store::PutMeta::default();
    s3.put_stream(".incoming/left.abc", body, &meta)
        .await
        .unwrap();
    let kept = Storage::s3(s3.clone());
    assert_eq!(kept.sweep_chunks().await.unwrap(), 0, "not expired yet");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    // (Sweeps repeated, bounded: the store's times have their own rounding.)
    let swept = eventually(Duration::from_secs(5), || async {
        expiring.sweep_chunks().await.unwrap();
        s3.list(None, 100).await.unwrap().objects.is_empty()
    })
    .await;
    assert!(swept, "{:?}", s3.list(None, 100).await.unwrap().objects);
}

/// Expiry counts from an upload's last progress (its last part's time), not from its start:
/// an upload that keeps receiving chunks is not aborted however long it takes.
#[tokio::test]
async fn an_upload_making_progress_does_not_expire() {
    let Some(s3) = backend("chunked-progress") else {
        return;
    };
    let storage = Storage::s3(s3.clone()).chunk_expiry(Duration::from_secs(2));
    let app = chunk_app(storage.clone());
    let data = png_bytes(3_000);
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0]).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    send_chunks(&app, &uuid, &data, &[1]).await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    // Started 2.7 s ago, last part 1.2 s ago: alive.
    assert_eq!(storage.sweep_chunks().await.unwrap(), 0);
    assert_eq!(s3.pending_uploads().await.unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(storage.sweep_chunks().await.unwrap(), 1);
    assert_no_pending(&s3).await;
}

/// The claim that decides who finalizes: many contenders at once, exactly one wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_contender_wins_a_claim() {
    let Some(s3) = backend("claim") else {
        return;
    };
    for round in 0..5 {
        let dir = format!("c{round}.claim");
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (s3, dir) = (s3.clone(), dir.clone());
            tasks.push(tokio::spawn(async move { s3.claim(&dir).await }));
        }
        let mut won = Vec::new();
        for t in tasks {
            if let Claimed::Won(claim) = t.await.unwrap().expect("contention settles") {
                won.push(claim);
            }
        }
        assert_eq!(won.len(), 1, "round {round}");
        won.pop().unwrap().release().await.unwrap();
    }
    let left = s3.list(None, 100).await.unwrap().objects;
    assert!(left.is_empty(), "{left:?}");
}

/// The request that completed the multipart upload stopped before naming the object (played
/// here by completing it directly): the retry of its chunk finds the assembled object, takes
/// the claim and finalizes in its place, instead of acknowledging a file that was never stored.
#[tokio::test]
async fn a_finalizer_stopped_after_completing_is_replaced_by_the_retry() {
    let Some(s3) = backend("chunked-orphan") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    let data = png_bytes(2_500);
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0, 1]).await;
    let pending = s3.pending_uploads().await.unwrap();
    assert_eq!(pending.len(), 1);
    let upload = &pending[0].upload;
    let last = bytes::Bytes::copy_from_slice(&data[2 * CHUNK..]);
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(last)]);
    s3.put_part(upload, 2, body).await.unwrap();
    let tags: Vec<_> = s3
        .list_parts(upload)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.tag)
        .collect();
    s3.complete_parts(upload, &tags).await.unwrap();
    // Dropzone.js retries the chunk whose request died.
    let retry = send_chunks(&app, &uuid, &data, &[2]).await;
    assert!(retry[0].text.contains("stored_name"), "{}", retry[0].text);
    assert_eq!(the_stored_object(&storage, &s3).await, data);
}

/// The stored file's sha256, as its metadata says, and the bytes read back to compute it.
async fn stored_sha256(storage: &Storage, s3: &S3Backend, data: &[u8]) -> (String, u64) {
    let stored = the_stored_object(storage, s3).await;
    assert_eq!(stored, data);
    let page = storage.list_files(zone(), None, 100).await.unwrap();
    (page.files[0].sha256.clone(), s3.chunked_bytes_read_back())
}

/// Chunks in order: the sha256 (and the head the content check needs, past one chunk) come
/// from the hash state the chunk requests kept; nothing of the assembled object is read back.
#[tokio::test]
async fn chunks_in_order_are_hashed_without_reading_the_object_back() {
    let Some(s3) = backend("hash-order") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    // Past SNIFF_LEN (8 KiB), within the zone's 10 KB.
    let data = png_bytes(9_500);
    let answers = send_chunks(&app, &new_uuid(), &data, &(0..10).collect::<Vec<_>>()).await;
    assert!(
        answers[9].text.contains("stored_name"),
        "{}",
        answers[9].text
    );
    assert_eq!(
        answers[9].json()["outcomes"][0]["sha256"],
        sha256_hex(&data)
    );
    assert!(
        answers[9].json()["outcomes"][0]["stored_name"]
            .as_str()
            .unwrap()
            .ends_with(".png")
    );
    assert_eq!(
        stored_sha256(&storage, &s3, &data).await,
        (sha256_hex(&data), 0)
    );
}

/// In order, but alternating between two storages, and then through a third one started
/// mid-upload (nothing in memory): the state is in the bucket, so still nothing is read back.
#[tokio::test]
async fn the_hash_state_is_shared_by_storages_and_survives_a_restart() {
    let Some(s3) = backend("hash-shared") else {
        return;
    };
    let (sa, sb) = (Storage::s3(s3.clone()), Storage::s3(s3.clone()));
    let (a, b) = (chunk_app(sa.clone()), chunk_app(sb));
    let data = png_bytes(6_500);
    let uuid = new_uuid();
    for i in 0..4 {
        let app = if i % 2 == 0 { &a } else { &b };
        send_chunks(app, &uuid, &data, &[i]).await;
    }
    let restarted = Storage::s3(s3.clone());
    let answers = send_chunks(&chunk_app(restarted.clone()), &uuid, &data, &[4, 5, 6]).await;
    assert!(
        answers[2].text.contains("stored_name"),
        "{}",
        answers[2].text
    );
    assert_eq!(
        stored_sha256(&restarted, &s3, &data).await,
        (sha256_hex(&data), 0)
    );
}

/// Every chunk at once: whatever the state covered, the rest is read back and the sha256 is
/// the stored object's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_chunks_land_with_the_right_sha256() {
    let Some(s3) = backend("hash-parallel") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    let data = png_bytes(8_000);
    assert_eq!(send_all_at_once(&app, &data).await, 1);
    let (sha256, read_back) = stored_sha256(&storage, &s3, &data).await;
    assert_eq!(sha256, sha256_hex(&data));
    assert!(read_back <= data.len() as u64, "{read_back}");
}

/// A chunk sent again with different bytes replaces its part after the hash state covered
/// the old bytes: the receipts no longer match, the finalizer reads the object back, and the
/// sha256 is that of what is stored (the new bytes), not of what was hashed first.
#[tokio::test]
async fn a_chunk_resent_with_other_bytes_is_not_taken_from_the_hash_state() {
    let Some(s3) = backend("hash-resent") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let app = chunk_app(storage.clone());
    let data = png_bytes(5_000);
    let uuid = new_uuid();
    send_chunks(&app, &uuid, &data, &[0, 1, 2]).await;
    let mut other = data.clone();
    other[CHUNK..2 * CHUNK].fill(b'z');
    let again = post_body(
        app.clone(),
        "/chunked",
        chunk_body(&uuid, &other, 1, "big.bin"),
    )
    .await;
    assert!(is_ack(&again, 1, 3, 5), "{}", again.text);
    let last = send_chunks(&app, &uuid, &data, &[3, 4]).await;
    assert!(last[1].text.contains("stored_name"), "{}", last[1].text);
    assert_eq!(last[1].json()["outcomes"][0]["sha256"], sha256_hex(&other));
    assert_eq!(
        stored_sha256(&storage, &s3, &other).await,
        (sha256_hex(&other), other.len() as u64)
    );
}

/// ListParts of an upload that is gone says so (NotFound), rather than failing like a store
/// error: Garage still lists an aborted upload for a moment, and a chunk that meets one must
/// take it for gone, not answer 500.
#[tokio::test]
async fn the_parts_of_an_aborted_upload_are_not_found() {
    let Some(s3) = backend("parts-gone") else {
        return;
    };
    let meta = dropzone_runtime::store::PutMeta::default();
    let upload = s3.begin_parts(".incoming/gone", &meta).await.unwrap();
    assert!(s3.list_parts(&upload).await.unwrap().is_empty());
    s3.abort_parts(&upload).await.unwrap();
    let listed = s3.list_parts(&upload).await;
    assert!(
        matches!(
            listed,
            Err(dropzone_runtime::store::StoreError::NotFound { .. })
        ),
        "{listed:?}"
    );
}

/// A late copy of a chunk, sent to an instance that still remembers the upload another
/// instance completed: answered without starting a new multipart upload.
#[tokio::test]
async fn a_late_chunk_on_an_instance_remembering_a_completed_upload_leaves_nothing() {
    let Some(at) = location("chunked-late-hint") else {
        return;
    };
    // Two backends on one prefix, as on separate instances: only `a` remembers the upload.
    let (s3, other) = (connect(&at), connect(&at));
    let a = chunk_app(Storage::s3(other));
    let sb = Storage::s3(s3.clone());
    let b = chunk_app(sb.clone());
    let data = png_bytes(3_000);
    let uuid = new_uuid();
    send_chunks(&a, &uuid, &data, &[0, 1]).await;
    let last = send_chunks(&b, &uuid, &data, &[2]).await;
    assert!(last[0].text.contains("stored_name"), "{}", last[0].text);
    let late = send_chunks(&a, &uuid, &data, &[1]).await;
    assert_eq!(late[0].status, StatusCode::OK, "{}", late[0].text);
    assert_eq!(the_stored_object(&sb, &s3).await, data);
}
