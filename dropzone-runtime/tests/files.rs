//! The files API on the local folder (`dropzone_runtime::files`): what the extractor keeps
//! with each stored file, and listing, reading (ranges) and deleting them, zone by zone.
//! Nothing outside `<uuid v4>[.ext]` of the right zone can be named.

mod upload_common;

use dropzone_runtime::files::{FilesError, StoredFile};
use dropzone_runtime::upload::Storage;
use futures_util::TryStreamExt;
use http::StatusCode;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, SystemTime};
use upload_common::chunks::*;
use upload_common::*;

const ZONE: &str = "myDropzone";

struct OtherZone;
impl dropzone_runtime::DropzoneConfig for OtherZone {
    const OPTIONS: &'static dropzone_runtime::Options = &BASE.with_id("otherZone");
}
impl<S> dropzone_runtime::upload::ZoneState<S> for OtherZone {}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Uploads `data` as `name` to `/any` and returns the stored name.
async fn upload(dir: &Path, name: &str, data: &[u8]) -> String {
    let body = Multipart::new()
        .file("file", name, "application/octet-stream", data)
        .finish();
    let answer = post_body(app(dir), "/any", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json()["file"].as_str().unwrap().to_owned()
}

async fn read_all(storage: &Storage, name: &str, range: Option<std::ops::Range<u64>>) -> Vec<u8> {
    let opened = storage.open_file(ZONE, name, range).await.unwrap();
    let parts: Vec<bytes::Bytes> = opened.body.try_collect().await.unwrap();
    parts.concat()
}

#[tokio::test]
async fn a_stored_file_keeps_its_metadata_and_reads_back_whole_and_in_ranges() {
    let dir = tempfile::tempdir().unwrap();
    // Larger than a write block, so the hash is fed by the blocking writes.
    let png = png_bytes(MIB / 2 + 3 * 65_536 + 11);
    let body = Multipart::new()
        .file("file", "Holiday photo.PNG", "image/png", &png)
        .finish();
    let before = SystemTime::now() - Duration::from_secs(1);
    let answer = post_body(app(dir.path()), "/images", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let saved = &answer.json()["outcomes"][0];
    let name = saved["stored_name"].as_str().unwrap().to_owned();
    assert_eq!(saved["sha256"], sha256_hex(&png));
    assert_eq!(saved["zone"], ZONE);
    assert_eq!(saved["recognised_type"], "image/png");

    let storage = Storage::new(dir.path());
    let info = storage.file_info(ZONE, &name).await.unwrap();
    assert_eq!(info.stored_name, name);
    assert_eq!(info.original_name, "Holiday_photo.PNG");
    assert_eq!(info.size, png.len() as u64);
    assert_eq!(info.content_type, "image/png");
    assert_eq!(info.sha256, sha256_hex(&png));
    assert_eq!(info.zone, ZONE);
    assert!(info.stored_at >= before && info.stored_at <= SystemTime::now());

    assert!(read_all(&storage, &name, None).await == png);
    let len = png.len() as u64;
    for range in [0..1, 5..70_000, len - 1..len, 300_000..len, 7..7] {
        let got = read_all(&storage, &name, Some(range.clone())).await;
        assert!(
            got == png[range.start as usize..range.end as usize],
            "{range:?}"
        );
        let opened = storage
            .open_file(ZONE, &name, Some(range.clone()))
            .await
            .unwrap();
        assert_eq!(opened.range, range);
    }
    #[allow(clippy::reversed_empty_ranges)]
    for bad in [5..4, 0..len + 1, len + 1..len + 2] {
        let err = storage.open_file(ZONE, &name, Some(bad.clone())).await;
        assert!(
            matches!(err, Err(FilesError::Range { size }) if size == len),
            "{bad:?}"
        );
    }

    let page = storage.list_files(ZONE, None, 10).await.unwrap();
    assert_eq!(page.files, vec![info.clone()]);
    assert_eq!(page.next, None);

    storage.delete_file(ZONE, &name).await.unwrap();
    assert!(matches!(
        storage.file_info(ZONE, &name).await,
        Err(FilesError::NotFound)
    ));
    assert!(matches!(
        storage.delete_file(ZONE, &name).await,
        Err(FilesError::NotFound)
    ));
    assert!(
        storage
            .list_files(ZONE, None, 10)
            .await
            .unwrap()
            .files
            .is_empty()
    );
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn small_and_empty_files_are_hashed_too() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    for data in [&b""[..], b"hello", &[9u8; 70_000][..]] {
        let name = upload(dir.path(), "x.bin", data).await;
        let info = storage.file_info(ZONE, &name).await.unwrap();
        assert_eq!(info.sha256, sha256_hex(data));
        assert_eq!(info.size, data.len() as u64);
        assert_eq!(info.content_type, "application/octet-stream");
    }
}

#[tokio::test]
async fn a_chunked_file_gets_the_hash_of_its_assembled_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let app = chunk_app(storage.clone());
    let data = png_bytes(3500);
    let answers = send_chunks(&app, &new_uuid(), &data, &[2, 0, 3, 1]).await;
    let done = answers.last().unwrap().json();
    let name = done["file"].as_str().unwrap();
    assert_eq!(done["outcomes"][0]["sha256"], sha256_hex(&data));
    let info = storage.file_info(ZONE, name).await.unwrap();
    assert_eq!(info.sha256, sha256_hex(&data));
    assert_eq!(info.original_name, "big.bin");
}

#[tokio::test]
async fn another_zone_or_a_name_of_another_shape_finds_nothing_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let name = upload(dir.path(), "keep.bin", b"keep me").await;
    let storage = Storage::new(dir.path());
    let sidecar = format!(".meta/{name}.json");
    let upper = name.to_uppercase();
    let traversal = format!(
        "../{}/{name}",
        dir.path().file_name().unwrap().to_str().unwrap()
    );
    let other_shapes = [
        sidecar.as_str(),
        ".meta",
        "",
        ".",
        "..",
        upper.as_str(),
        traversal.as_str(),
        "/etc/passwd",
        &format!("{name}.json"),
    ];
    for zone in ["otherZone", "", "myDropzone/.."] {
        assert!(
            matches!(
                storage.file_info(zone, &name).await,
                Err(FilesError::NotFound)
            ),
            "{zone}"
        );
        assert!(matches!(
            storage.open_file(zone, &name, None).await,
            Err(FilesError::NotFound)
        ));
        assert!(matches!(
            storage.delete_file(zone, &name).await,
            Err(FilesError::NotFound)
        ));
        assert!(
            storage
                .list_files(zone, None, 100)
                .await
                .unwrap()
                .files
                .is_empty()
        );
    }
    for bad in other_shapes {
        assert!(
            matches!(
                storage.file_info(ZONE, bad).await,
                Err(FilesError::NotFound)
            ),
            "{bad}"
        );
        assert!(matches!(
            storage.open_file(ZONE, bad, None).await,
            Err(FilesError::NotFound)
        ));
        assert!(matches!(
            storage.delete_file(ZONE, bad).await,
            Err(FilesError::NotFound)
        ));
        // (`<uuid>.json` is a well-formed name, of a file that does not exist: a fine cursor.)
        if !dropzone_runtime::files::is_stored_name(bad) {
            assert!(matches!(
                storage.list_files(ZONE, Some(bad), 10).await,
                Err(FilesError::NotFound)
            ));
        }
    }
    // Still there, with its metadata.
    assert_eq!(entries(dir.path()), vec![name.clone()]);
    assert_eq!(
        storage.file_info(ZONE, &name).await.unwrap().original_name,
        "keep.bin"
    );
}

#[tokio::test]
async fn listing_pages_through_every_file_of_the_zone_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let mut ours = Vec::new();
    for i in 0..23 {
        ours.push(upload(dir.path(), &format!("f{i}.bin"), format!("{i}").as_bytes()).await);
    }
    // Another zone's files in the same folder.
    let other = axum::Router::new()
        .route("/other", axum::routing::post(report::<OtherZone>))
        .with_state(storage.clone());
    let mut theirs = Vec::new();
    for i in 0..5 {
        let body = Multipart::new()
            .file("file", "a.bin", "application/octet-stream", &[i])
            .finish();
        let answer = post_body(other.clone(), "/other", body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        theirs.push(answer.json()["file"].as_str().unwrap().to_owned());
    }
    theirs.sort();
    let page = storage.list_files("otherZone", None, 100).await.unwrap();
    let names: Vec<&str> = page.files.iter().map(|f| f.stored_name.as_str()).collect();
    assert_eq!(names, theirs);
    ours.sort();
    for max in [1, 4, 23, 1000, 0, usize::MAX] {
        let mut seen: Vec<StoredFile> = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let page = storage
                .list_files(ZONE, cursor.as_deref(), max)
                .await
                .unwrap();
            assert!(page.files.len() <= max.max(1));
            seen.extend(page.files);
            cursor = page.next;
            if cursor.is_none() {
                break;
            }
        }
        assert!(cursor.is_none(), "max {max}: no end");
        let names: Vec<String> = seen.iter().map(|f| f.stored_name.clone()).collect();
        assert_eq!(names, ours, "max {max}");
    }
}

#[tokio::test]
async fn a_sidecar_without_its_file_is_invisible_and_swept() {
    let dir = tempfile::tempdir().unwrap();
    let name = upload(dir.path(), "a.bin", b"abc").await;
    // A crash between writing the sidecar and renaming the data file: the sidecar of a file
    // that never became visible (and one still being written).
    let meta = dir.path().join(".meta");
    let orphan = uuid::Uuid::new_v4().to_string();
    let json = std::fs::read_to_string(meta.join(format!("{name}.json")))
        .unwrap()
        .replace(&name, &orphan);
    std::fs::write(meta.join(format!("{orphan}.json")), json).unwrap();
    std::fs::write(meta.join(".tmp-abc123"), b"{").unwrap();
    // Sidecars are written in place: one half written, its data file not renamed yet.
    let half = uuid::Uuid::new_v4().to_string();
    std::fs::write(
        meta.join(format!("{half}.json")),
        format!("{{\"stored_name\":\"{half}"),
    )
    .unwrap();

    let storage = Storage::new(dir.path());
    for unseen in [&orphan, &half] {
        assert!(matches!(
            storage.file_info(ZONE, unseen).await,
            Err(FilesError::NotFound)
        ));
    }
    assert!(matches!(
        storage.delete_file(ZONE, &orphan).await,
        Err(FilesError::NotFound)
    ));
    let page = storage.list_files(ZONE, None, 10).await.unwrap();
    let listed: Vec<&str> = page.files.iter().map(|f| f.stored_name.as_str()).collect();
    assert_eq!(listed, vec![name.as_str()]);

    // The sweep of a new process removes all three, and keeps the real file's sidecar.
    let fresh = Storage::new(dir.path()).chunk_expiry(Duration::ZERO);
    assert_eq!(fresh.sweep_leftovers().await, 3);
    assert_eq!(entries(dir.path()), vec![name.clone()]);
    assert_eq!(fresh.file_info(ZONE, &name).await.unwrap().size, 3);
}

#[tokio::test]
async fn a_file_shorter_than_its_metadata_ends_its_body_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let name = upload(dir.path(), "a.bin", &[1u8; 1000]).await;
    std::fs::write(dir.path().join(&name), [1u8; 10]).unwrap();
    let storage = Storage::new(dir.path());
    let opened = storage.open_file(ZONE, &name, None).await.unwrap();
    let err = opened.body.try_collect::<Vec<_>>().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
}

/// While files are being stored, a reader polling the folder never sees a stored file without
/// its metadata (the sidecar is written before the data file gets its name).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visible_file_always_has_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_owned();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (root, stop) = (root.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut missing = Vec::new();
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while !stop.load(std::sync::atomic::Ordering::Relaxed)
                && std::time::Instant::now() < deadline
            {
                for entry in std::fs::read_dir(&root).unwrap().flatten() {
                    let n = entry.file_name().to_string_lossy().into_owned();
                    if dropzone_runtime::files::is_stored_name(&n)
                        && !root.join(".meta").join(format!("{n}.json")).exists()
                    {
                        missing.push(n);
                    }
                }
            }
            missing
        })
    };
    for i in 0..300 {
        upload(&root, &format!("f{i}.bin"), b"x").await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let missing = watcher.join().unwrap();
    assert!(missing.is_empty(), "visible without metadata: {missing:?}");
}
