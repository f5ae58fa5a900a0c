//! Chunk state lives in the upload folder, not in a process (issue 10, item 2): storages that
//! share a folder (each a separate `Storage`, as separate processes would have) take the chunks
//! of one upload in any order, the upload survives the storage that began it, exactly one
//! request finalizes a file however many complete it at once, and the bounds count the uploads
//! of every storage. Real processes killed mid-upload: extract_crash.rs.

mod upload_common;

use dropzone_runtime::upload::Storage;
use http::StatusCode;
use std::time::{Duration, Instant};
use upload_common::chunks::*;
use upload_common::*;

#[tokio::test]
async fn two_storages_on_one_folder_share_the_chunks_of_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        chunk_app(Storage::new(dir.path())),
        chunk_app(Storage::new(dir.path())),
    );
    let data = png_bytes(7_300);
    let uuid = new_uuid();
    // Out of order, alternating between the two.
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
    assert!(
        answers[7].text.contains("stored_name"),
        "{}",
        answers[7].text
    );
    assert_eq!(the_stored_file(dir.path()), data);
    // A late retry, to either, is acknowledged and stores nothing more.
    let late = send_chunks(&a, &uuid, &data, &[2]).await;
    assert!(is_ack(&late[0], 2, 8, 8), "{}", late[0].text);
    assert_eq!(the_stored_file(dir.path()), data);
}

/// A restart mid-upload (the storage that received the first chunks is gone, with everything
/// it held in memory): the upload completes with the right bytes instead of answering 410.
#[tokio::test]
async fn an_upload_survives_the_storage_that_began_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = png_bytes(4_500);
    let uuid = new_uuid();
    {
        let first = Storage::new(dir.path());
        let app = chunk_app(first.clone());
        let a = send_chunks(&app, &uuid, &data, &[0, 1, 4]).await;
        assert!(is_ack(&a[2], 4, 3, 5), "{}", a[2].text);
        assert_eq!(first.pending_chunked_uploads(), 1);
    }
    let second = Storage::new(dir.path());
    // What the first one left is counted by the second (on disk, not in a process).
    assert_eq!(second.pending_chunked_uploads(), 1);
    assert_eq!(second.pending_chunked_bytes(), 4096 + 7 + 2000 + 500);
    second.sweep_leftovers().await;
    let app = chunk_app(second.clone());
    let a = send_chunks(&app, &uuid, &data, &[3, 2]).await;
    assert!(is_ack(&a[0], 3, 4, 5), "{}", a[0].text);
    assert!(a[1].text.contains("stored_name"), "{}", a[1].text);
    assert_eq!(the_stored_file(dir.path()), data);
    assert_eq!(second.pending_chunked_uploads(), 0);
    assert_eq!(second.pending_chunked_bytes(), 0);
}

/// Many requests complete the same file at the same moment, through two storages: the last two
/// chunks, each sent twice to each storage. Exactly one of them finalizes (runs the handler,
/// stores one file); every other one is acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_completions_store_exactly_one_file() {
    let rounds = 30;
    let deadline = Instant::now() + Duration::from_secs(60);
    for round in 0..rounds {
        assert!(Instant::now() < deadline, "only {round} rounds in 60 s");
        let dir = tempfile::tempdir().unwrap();
        let apps = [
            chunk_app(Storage::new(dir.path())),
            chunk_app(Storage::new(dir.path())),
        ];
        let data = png_bytes(6_000);
        let uuid = new_uuid();
        let finalized = race_completions(&apps, &uuid, &data, round).await;
        assert_eq!(finalized, 1, "round {round}");
        assert_eq!(the_stored_file(dir.path()), data, "round {round}");
    }
}

/// The bound on unfinished uploads counts those of every storage on the folder.
#[tokio::test]
async fn the_bounds_hold_across_storages() {
    let dir = tempfile::tempdir().unwrap();
    let limited = |s: Storage| s.max_pending_chunked_uploads(2);
    let (sa, sb) = (
        limited(Storage::new(dir.path())),
        limited(Storage::new(dir.path())),
    );
    let (a, b) = (chunk_app(sa.clone()), chunk_app(sb.clone()));
    let data = png_bytes(2_500);
    let (u1, u2, u3) = (new_uuid(), new_uuid(), new_uuid());
    assert!(is_ack(&send_chunks(&a, &u1, &data, &[0]).await[0], 0, 1, 3));
    assert!(is_ack(&send_chunks(&b, &u2, &data, &[0]).await[0], 0, 1, 3));
    assert_eq!(
        (sa.pending_chunked_uploads(), sb.pending_chunked_uploads()),
        (2, 2)
    );
    for app in [&a, &b] {
        let refused = send_chunks(app, &u3, &data, &[0]).await;
        assert_eq!(
            refused[0].status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            refused[0].text
        );
    }
    // Finished through the other storage, one upload frees its place for everyone.
    let done = send_chunks(&b, &u1, &data, &[1, 2]).await;
    assert!(done[1].text.contains("stored_name"), "{}", done[1].text);
    assert_eq!(sa.pending_chunked_uploads(), 1);
    assert!(is_ack(&send_chunks(&a, &u3, &data, &[0]).await[0], 0, 1, 3));
}

/// An upload expired by one storage is gone for the other one too.
#[tokio::test]
async fn an_upload_expired_by_one_storage_is_gone_for_all() {
    let dir = tempfile::tempdir().unwrap();
    let expiring = Storage::new(dir.path()).chunk_expiry(Duration::from_millis(50));
    let other = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(2_500);
    let uuid = new_uuid();
    assert!(is_ack(
        &send_chunks(&other, &uuid, &data, &[0]).await[0],
        0,
        1,
        3
    ));
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(expiring.sweep_chunks().await.unwrap(), 1);
    let late = send_chunks(&other, &uuid, &data, &[1]).await;
    assert_eq!(late[0].status, StatusCode::GONE, "{}", late[0].text);
    assert_eq!(expiring.pending_chunked_uploads(), 0);
    assert_no_parts(dir.path());
}

/// The bound on held bytes counts what the uploads of every storage on the folder hold.
#[tokio::test]
async fn the_byte_bound_counts_every_storage() {
    let dir = tempfile::tempdir().unwrap();
    let per_upload = 4096 + 7 + 1000; // overhead, "big.bin", one chunk
    let limited = |s: Storage| s.max_pending_chunked_bytes(2 * per_upload);
    let (sa, sb) = (
        limited(Storage::new(dir.path())),
        limited(Storage::new(dir.path())),
    );
    let (a, b) = (chunk_app(sa.clone()), chunk_app(sb.clone()));
    let data = png_bytes(2_500);
    let (u1, u2) = (new_uuid(), new_uuid());
    assert!(is_ack(&send_chunks(&a, &u1, &data, &[0]).await[0], 0, 1, 3));
    assert!(is_ack(&send_chunks(&b, &u2, &data, &[0]).await[0], 0, 1, 3));
    assert_eq!(sa.pending_chunked_bytes(), 2 * per_upload);
    // Full: one more chunk of either upload, through either storage, is refused.
    for (app, uuid) in [(&a, &u2), (&b, &u1)] {
        let refused = send_chunks(app, uuid, &data, &[1]).await;
        assert_eq!(
            refused[0].status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            refused[0].text
        );
    }
    assert_eq!(sb.pending_chunked_bytes(), 2 * per_upload);
}
