//! Dropzone.js's chunk protocol through `Upload<Z>` (Router + oneshot): reassembly in any
//! order, retries, refusals before a byte is stored, 0-byte files, and the handler running
//! once per file. Socket-level cases (disconnects, streaming) are in `chunked_socket.rs`.

mod upload_common;

use axum::Router;
use dropzone_runtime::upload::Storage;
use http::StatusCode;
use std::time::Duration;
use upload_common::chunks::*;
use upload_common::*;

#[tokio::test]
async fn in_order_chunks_reassemble_and_only_the_last_reaches_the_handler() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(3500);
    let answers = send_chunks(&app, &new_uuid(), &data, &[0, 1, 2, 3]).await;
    for (i, a) in answers[..3].iter().enumerate() {
        assert!(is_ack(a, i, i + 1, 4), "{} {}", a.status, a.text);
    }
    let last = answers[3].json();
    assert_eq!(answers[3].status, StatusCode::OK);
    let file = &last["outcomes"][0];
    assert_eq!(file["size"], 3500);
    assert_eq!(file["original_name"], "big.bin");
    assert_eq!(file["field"], "file");
    // Stored as what the content is (a PNG signature), not the client's `.bin`.
    assert_random_name(file["stored_name"].as_str().unwrap(), Some("png"));
    assert_eq!(the_stored_file(dir.path()), data);
}

#[tokio::test]
async fn reverse_order_chunks_reassemble_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(4321);
    let answers = send_chunks(&app, &new_uuid(), &data, &[4, 3, 2, 1, 0]).await;
    assert!(is_ack(&answers[0], 4, 1, 5), "{}", answers[0].text);
    assert!(
        answers[4].text.contains("stored_name"),
        "{}",
        answers[4].text
    );
    assert_eq!(the_stored_file(dir.path()), data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_and_duplicated_chunks_store_one_file_and_run_the_handler_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(10_000);
    let uuid = new_uuid();
    let mut tasks = Vec::new();
    // Every chunk twice, all at once: a retry racing its original.
    for i in (0..10).chain(0..10) {
        let (app, body) = (app.clone(), chunk_body(&uuid, &data, i, "big.bin"));
        tasks.push(tokio::spawn(post_body(app, "/chunked", body)));
    }
    let mut handler_runs = 0;
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        if a.text.contains("stored_name") {
            handler_runs += 1;
        }
    }
    assert_eq!(handler_runs, 1);
    assert_eq!(the_stored_file(dir.path()), data);
}

#[tokio::test]
async fn a_retried_chunk_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(2500);
    let uuid = new_uuid();
    let answers = send_chunks(&app, &uuid, &data, &[0, 0, 1, 1]).await;
    assert!(is_ack(&answers[0], 0, 1, 3));
    assert!(is_ack(&answers[1], 0, 1, 3), "{}", answers[1].text);
    assert!(is_ack(&answers[3], 1, 2, 3), "{}", answers[3].text);
    let last = send_chunks(&app, &uuid, &data, &[2]).await;
    assert!(last[0].text.contains("stored_name"), "{}", last[0].text);
    // A late retry of a chunk of a finished file is acknowledged, and stores nothing.
    let late = send_chunks(&app, &uuid, &data, &[1]).await;
    assert!(is_ack(&late[0], 1, 3, 3), "{}", late[0].text);
    assert_eq!(the_stored_file(dir.path()), data);
}

#[tokio::test]
async fn a_zero_byte_file_is_one_empty_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let a = send_chunks(&app, &new_uuid(), &[], &[0]).await;
    assert_eq!(a[0].status, StatusCode::OK, "{}", a[0].text);
    assert_eq!(a[0].json()["outcomes"][0]["size"], 0);
    assert_eq!(the_stored_file(dir.path()), Vec::<u8>::new());
}

#[tokio::test]
async fn a_total_over_the_limit_is_refused_before_a_byte_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(10_486); // max_file_size 0.01 MiB = 10485 bytes
    let a = send_chunks(&app, &new_uuid(), &data, &[0]).await;
    assert_eq!(a[0].status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a[0].text);
    assert!(
        a[0].text.starts_with("File is too big (0.01MiB)"),
        "{}",
        a[0].text
    );
    assert!(!dir.path().join(".chunks").exists());
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
    // Exactly the limit is fine.
    let data = png_bytes(10_485);
    let order: Vec<usize> = (0..count(&data)).collect();
    let a = send_chunks(&app, &new_uuid(), &data, &order).await;
    assert!(a.last().unwrap().text.contains("stored_name"));
}

/// Sends hand-written dz* fields with `len` bytes of data.
async fn raw_chunk(app: &Router, fields: [(&str, String); 6], len: usize) -> Answer {
    let mut body = Multipart::new();
    for (name, value) in fields {
        body = body.text(name, value);
    }
    let body = body
        .file(
            "file",
            "big.bin",
            "application/octet-stream",
            &png_bytes(len),
        )
        .finish();
    post_body(app.clone(), "/chunked", body).await
}

fn dz(
    uuid: &str,
    index: u64,
    total: u64,
    size: u64,
    count: u64,
    offset: u64,
) -> [(&'static str, String); 6] {
    [
        ("dzuuid", uuid.to_owned()),
        ("dzchunkindex", index.to_string()),
        ("dztotalfilesize", total.to_string()),
        ("dzchunksize", size.to_string()),
        ("dztotalchunkcount", count.to_string()),
        ("dzchunkbyteoffset", offset.to_string()),
    ]
}

#[tokio::test]
async fn inconsistent_fields_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let u = new_uuid();
    let cases: [(_, usize, &str); 7] = [
        (
            dz("../../etc/passwd", 0, 2500, 1000, 3, 0),
            1000,
            "`dzuuid` must be a UUID",
        ),
        (
            dz(&u, 1, 2500, 1000, 3, 999),
            1000,
            "`dzchunkbyteoffset` is 999",
        ),
        (
            dz(&u, 0, 2500, 1000, 2, 0),
            1000,
            "`dztotalchunkcount` is 2",
        ),
        (dz(&u, 0, 2500, 512, 5, 0), 512, "`dzchunksize` is 512"),
        (dz(&u, 3, 2500, 1000, 3, 3000), 500, "`dzchunkindex` is 3"),
        (
            dz(&u, 1, 2500, 1000, 3, 1000),
            999,
            "must be 1000 bytes long, got 999",
        ),
        (
            dz(&u, 2, 2500, 1000, 3, 2000),
            501,
            "more than the 500 bytes",
        ),
    ];
    for (fields, len, needle) in cases {
        let a = raw_chunk(&app, fields, len).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{needle}: {}", a.text);
        assert_eq!(a.content_type, "text/plain; charset=utf-8");
        assert!(a.text.contains(needle), "{needle}: {}", a.text);
    }
    // The wrong-length chunk was not marked received: the upload still completes correctly.
    let data = png_bytes(2500);
    let a = send_chunks(&app, &u, &data, &[1, 0]).await;
    assert!(is_ack(&a[0], 1, 1, 3), "{}", a[0].text);
    // A chunk of the same dzuuid that claims another file is refused.
    let other = raw_chunk(&app, dz(&u, 2, 2600, 1000, 3, 2000), 600).await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    assert!(other.text.contains("earlier chunks"), "{}", other.text);
    let a = send_chunks(&app, &u, &data, &[2]).await;
    assert!(a[0].text.contains("stored_name"), "{}", a[0].text);
    assert_eq!(the_stored_file(dir.path()), data);
}

#[tokio::test]
async fn the_same_route_takes_whole_files_up_to_one_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let small = png_bytes(CHUNK);
    let body = Multipart::new()
        .file("file", "small.png", "image/png", &small)
        .finish();
    let a = post_body(app.clone(), "/chunked", body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(the_stored_file(dir.path()), small);
    // The body limit is one chunk plus overhead, whatever max_file_size says.
    assert_eq!(
        dropzone_runtime::upload::body_limit(&CHUNKED),
        CHUNK as u64 + dropzone_runtime::upload::BODY_OVERHEAD
    );
}

#[tokio::test]
async fn chunks_are_checked_against_the_type_rule_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let data = png_bytes(1500);
    let uuid = new_uuid();
    let refused = post_body(
        app.clone(),
        "/images",
        chunk_body(&uuid, &data, 0, "notes.txt"),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        refused.text
    );
    assert!(!dir.path().join(".chunks").exists());
    // Browsers send slices as application/octet-stream: `.png` implies image/png.
    for i in [0, 1] {
        let a = post_body(
            app.clone(),
            "/images",
            chunk_body(&uuid, &data, i, "photo.png"),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
    assert_eq!(the_stored_file(dir.path()), data);
}

/// The reassembled file gets the same content check as a single upload: an executable named
/// `.png` passes the type check chunk by chunk (browsers send slices as octet-stream, the name
/// says image/png), but its first bytes say ELF, so the last chunk is refused and the part
/// file goes with it.
#[tokio::test]
async fn a_reassembled_file_whose_content_contradicts_the_type_rule_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()));
    let mut data = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    data.resize(1500, 0x90);
    let uuid = new_uuid();
    let first = post_body(
        app.clone(),
        "/images",
        chunk_body(&uuid, &data, 0, "photo.png"),
    )
    .await;
    assert!(is_ack(&first, 0, 1, 2), "{} {}", first.status, first.text);
    let last = post_body(
        app.clone(),
        "/images",
        chunk_body(&uuid, &data, 1, "photo.png"),
    )
    .await;
    assert_eq!(
        last.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        last.text
    );
    assert_eq!(last.text, "You can't upload files of this type.");
    assert!(
        entries(dir.path()).iter().all(|n| n.starts_with('.')),
        "{:?}",
        entries(dir.path())
    );
    assert_no_parts(dir.path());
}

/// Unfinished uploads hold disk until they end or expire, so their number is bounded: a new
/// upload past the bound is refused (503) before anything is written, uploads already open go
/// on, and a new one is taken once one of them ends.
#[tokio::test]
async fn the_number_of_unfinished_uploads_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()).max_pending_chunked_uploads(2));
    let data = png_bytes(2500);
    let (a, b, c) = (new_uuid(), new_uuid(), new_uuid());
    for uuid in [&a, &b] {
        let first = send_chunks(&app, uuid, &data, &[0]).await;
        assert!(
            is_ack(&first[0], 0, 1, 3),
            "{} {}",
            first[0].status,
            first[0].text
        );
    }
    let refused = send_chunks(&app, &c, &data, &[0]).await;
    assert_eq!(
        refused[0].status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused[0].text
    );
    assert_eq!(refused[0].content_type, "text/plain; charset=utf-8");
    assert!(!dir.path().join(".chunks").join(&c).exists());
    // The open uploads are not affected; once one is complete a new upload may start.
    let rest = send_chunks(&app, &a, &data, &[1, 2]).await;
    assert_eq!(rest[1].status, StatusCode::OK, "{}", rest[1].text);
    let started = send_chunks(&app, &c, &data, &[0]).await;
    assert!(
        is_ack(&started[0], 0, 1, 3),
        "{} {}",
        started[0].status,
        started[0].text
    );
}

#[tokio::test]
async fn abandoned_uploads_expire_and_their_late_chunks_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    // The tombstone that answers 410 goes once older than the expiry too, so the expiry must
    // outlast the two requests between the sweep and the late chunk, on a loaded machine
    // (50 ms did not, once in twenty runs).
    const EXPIRY: Duration = Duration::from_millis(500);
    let storage = Storage::new(dir.path()).chunk_expiry(EXPIRY);
    let app = chunk_app(storage.clone());
    let data = png_bytes(2500);
    let abandoned = new_uuid();
    let a = send_chunks(&app, &abandoned, &data, &[0]).await;
    assert!(is_ack(&a[0], 0, 1, 3));
    assert_eq!(chunk_leftovers(dir.path()), vec![abandoned.clone()]);
    assert_eq!(storage.pending_chunked_uploads(), 1);
    tokio::time::sleep(EXPIRY + Duration::from_millis(200)).await;

    // Any chunk request sweeps.
    let other = new_uuid();
    let a = send_chunks(&app, &other, &data, &[0]).await;
    assert!(is_ack(&a[0], 0, 1, 3));
    assert_eq!(chunk_leftovers(dir.path()), vec![other.clone()]);
    let late = send_chunks(&app, &abandoned, &data, &[1]).await;
    assert_eq!(late[0].status, StatusCode::GONE, "{}", late[0].text);
    assert!(late[0].text.contains("add the file again"));

    // And on demand.
    tokio::time::sleep(EXPIRY + Duration::from_millis(200)).await;
    assert_eq!(storage.sweep_chunks().await.unwrap(), 1);
    assert_eq!(storage.pending_chunked_uploads(), 0);
    assert_no_parts(dir.path());
}

/// Part files of the earlier format (`.chunks/<uuid>.part`, whose index lived in a process)
/// cannot be resumed: they are swept once older than the expiry.
#[tokio::test]
async fn part_files_of_the_in_process_format_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".chunks")).unwrap();
    let leftover = dir.path().join(format!(".chunks/{}.part", new_uuid()));
    std::fs::write(&leftover, b"old").unwrap();
    let storage = Storage::new(dir.path()).chunk_expiry(Duration::from_millis(10));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(storage.sweep_chunks().await.unwrap(), 1);
    assert!(!leftover.exists());
}

#[tokio::test]
async fn durable_storage_finalizes_chunked_files_too() {
    let dir = tempfile::tempdir().unwrap();
    let app = chunk_app(Storage::new(dir.path()).durable(true));
    let data = png_bytes(2100);
    let a = send_chunks(&app, &new_uuid(), &data, &[2, 0, 1]).await;
    assert!(a[2].text.contains("stored_name"), "{}", a[2].text);
    assert_eq!(the_stored_file(dir.path()), data);
}
