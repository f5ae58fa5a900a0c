//! `Upload<Z>` storing into S3-compatible object storage (`Storage::s3`), against the real
//! Garage cluster of `scripts/object-store.sh` (no mocks), run the way `object_store.rs` is:
//!
//!   eval "$(bash scripts/object-store.sh up)"
//!   cargo test -p dropzone-runtime --features s3 --test object_store_upload
//!
//! Without `DROPZONE_STORAGE` each test prints why it is skipped and passes, unless
//! `DZRS_REQUIRE_S3=1` (set by scripts/test.sh). Each test uses its own fresh prefix.

mod s3_common;
mod upload_common;

use axum::Router;
use axum::routing::post;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::files::FilesError;
use dropzone_runtime::options::{Accept, AcceptedFiles, Chunking, Options};
use dropzone_runtime::store::{S3Backend, S3Config, StorageUrl};
use dropzone_runtime::upload::{Storage, ZoneCheckError};
use futures_util::TryStreamExt;
use http::StatusCode;
use s3_common::*;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use upload_common::*;

const ZONE: &str = "myDropzone";

macro_rules! zone {
    ($name:ident, $options:expr) => {
        struct $name;
        impl DropzoneConfig for $name {
            const OPTIONS: &'static Options = &$options;
        }
        impl<S> dropzone_runtime::upload::ZoneState<S> for $name {}
    };
}

zone!(Big, BASE.with_max_file_size(64.0));
zone!(
    Images7,
    BASE.with_max_file_size(7.0)
        .with_accepted_files(AcceptedFiles {
            list: "image/*",
            rules: &[Accept::TopLevel("image")],
        })
);
zone!(
    Chunked1MiB,
    BASE.with_chunking(Some(Chunking {
        force: false,
        chunk_size: 1 << 20,
        parallel: false,
        retry_limit: None,
    }))
);
zone!(
    Chunked5MiB,
    BASE.with_chunking(Some(Chunking {
        force: false,
        chunk_size: 5 << 20,
        parallel: false,
        retry_limit: None,
    }))
);

fn app(storage: Storage) -> Router {
    Router::new()
        .route("/big", post(report::<Big>))
        .route("/images", post(report::<Images7>))
        .with_state(storage)
}

#[tokio::test]
async fn uploads_land_in_the_bucket_with_their_metadata_and_the_files_api_works_on_them() {
    let Some(s3) = backend("extractor-upload") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    // A multipart one (over two 5 MiB parts) and a small one (one PUT).
    let big = png_bytes(11 * MIB + 12_345);
    let small = b"hello, object storage".to_vec();
    let mut names = Vec::new();
    for (name, data, ty, want_type) in [
        ("Big photo.png", &big, "image/png", "image/png"),
        ("notes.txt", &small, "text/plain", "text/plain"),
    ] {
        let body = Multipart::new().file("file", name, ty, data).finish();
        let answer = post_body(app(storage.clone()), "/big", body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let saved = &answer.json()["outcomes"][0];
        let stored = saved["stored_name"].as_str().unwrap().to_owned();
        assert_eq!(saved["sha256"], sha256_hex(data));
        assert_eq!(saved["recognised_type"], want_type);
        assert_eq!(saved["zone"], ZONE);

        let info = storage.file_info(ZONE, &stored).await.unwrap();
        assert_eq!(info.size, data.len() as u64);
        assert_eq!(info.sha256, sha256_hex(data));
        assert_eq!(info.original_name, name.replace(' ', "_"));
        assert_eq!(info.content_type, want_type);
        // The object itself: the bytes, and the recognised type as its Content-Type.
        let head = s3.head(&stored).await.unwrap();
        assert_eq!(head.content_type.as_deref(), Some(want_type));
        let whole: Vec<bytes::Bytes> = storage
            .open_file(ZONE, &stored, None)
            .await
            .unwrap()
            .body
            .try_collect()
            .await
            .unwrap();
        assert!(whole.concat() == *data);
        names.push(stored);
    }
    assert!(s3.pending_uploads().await.unwrap().is_empty());

    // Ranges.
    let len = big.len() as u64;
    for range in [
        0..1,
        5 * MIB as u64 - 3..5 * MIB as u64 + 3,
        len - 10..len,
        9..9,
    ] {
        let opened = storage
            .open_file(ZONE, &names[0], Some(range.clone()))
            .await
            .unwrap();
        assert_eq!(opened.range, range);
        let got: Vec<bytes::Bytes> = opened.body.try_collect().await.unwrap();
        assert!(
            got.concat() == big[range.start as usize..range.end as usize],
            "{range:?}"
        );
    }
    assert!(matches!(
        storage.open_file(ZONE, &names[0], Some(0..len + 1)).await,
        Err(FilesError::Range { .. })
    ));

    // Listing, in pages of one.
    let mut listed = Vec::new();
    let mut cursor = None;
    for _ in 0..10 {
        let page = storage
            .list_files(ZONE, cursor.as_deref(), 1)
            .await
            .unwrap();
        listed.extend(page.files.into_iter().map(|f| f.stored_name));
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    let mut want = names.clone();
    want.sort();
    assert_eq!(listed, want);

    // Another zone, or another shape of name, finds and deletes nothing.
    assert!(matches!(
        storage.file_info("otherZone", &names[0]).await,
        Err(FilesError::NotFound)
    ));
    assert!(matches!(
        storage.delete_file("otherZone", &names[0]).await,
        Err(FilesError::NotFound)
    ));
    let sidecar = format!(".meta/{}.json", names[0]);
    assert!(matches!(
        storage.delete_file(ZONE, &sidecar).await,
        Err(FilesError::NotFound)
    ));
    assert!(
        storage
            .list_files("otherZone", None, 10)
            .await
            .unwrap()
            .files
            .is_empty()
    );

    for name in &names {
        storage.delete_file(ZONE, name).await.unwrap();
        assert!(matches!(
            storage.file_info(ZONE, name).await,
            Err(FilesError::NotFound)
        ));
    }
    assert_empty(&s3).await;
}

#[tokio::test]
async fn refused_uploads_leave_nothing_in_the_bucket() {
    let Some(s3) = backend("extractor-refused") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    // 415: not an image (refused before a byte is stored).
    let body = Multipart::new()
        .file("file", "a.png", "image/png", b"not a png at all")
        .finish();
    let answer = post_body(app(storage.clone()), "/images", body).await;
    assert_eq!(
        answer.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        answer.text
    );
    // 413 after a multipart upload was started: over 7 MiB, past the first 5 MiB part.
    let body = Multipart::new()
        .file("file", "big.png", "image/png", &png_bytes(9 * MIB))
        .finish();
    let answer = post_body(app(storage.clone()), "/images", body).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    // Aborted before the answer: nothing to wait for.
    assert_empty(&s3).await;
}

#[tokio::test]
async fn a_client_gone_mid_body_leaves_no_object_and_no_multipart_upload() {
    let Some(s3) = backend("extractor-aborted") else {
        return;
    };
    let storage = Storage::s3(s3.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app(storage)).await });

    let data = png_bytes(20 * MIB);
    let body = Multipart::new()
        .file("file", "big.png", "image/png", &data)
        .finish();
    let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /big HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        content_type(),
        body.len()
    );
    client.write_all(head.as_bytes()).await.unwrap();
    // Well past the first part, so a multipart upload is under way.
    client.write_all(&body[..12 * MIB]).await.unwrap();
    client.flush().await.unwrap();
    let started = eventually(Duration::from_secs(20), || async {
        !s3.pending_uploads().await.unwrap().is_empty()
    })
    .await;
    assert!(started, "no multipart upload was started");
    drop(client);

    let clean = eventually(Duration::from_secs(20), || async {
        s3.pending_uploads().await.unwrap().is_empty()
            && s3.list(None, 10).await.unwrap().objects.is_empty()
    })
    .await;
    server.abort();
    assert_empty(&s3).await;
    assert!(clean);
}

#[tokio::test]
async fn the_part_size_rule_is_checked_when_the_router_is_built() {
    let Some(s3) = backend("extractor-check") else {
        return;
    };
    let storage = Storage::s3(s3);
    storage.check_zone::<Big>().unwrap();
    let err = storage.check_zone::<Chunked1MiB>().unwrap_err();
    assert!(matches!(err, ZoneCheckError::PartSize(_)), "{err:?}");
    let text = err.to_string();
    for what in [
        "myDropzone",
        "chunk_size = 1048576",
        "at least 5242880",
        "DROPZONE_S3_MIN_PART_SIZE",
    ] {
        assert!(text.contains(what), "{what:?} in {text}");
    }
    // A lower minimum from configuration (a store documented to take smaller parts) passes
    // the part rule.
    let location = match std::env::var("DROPZONE_STORAGE").unwrap().parse().unwrap() {
        StorageUrl::S3(l) => l,
        _ => unreachable!(),
    };
    let lenient =
        S3Backend::connect(&location, S3Config::default().min_part_size(1 << 20)).unwrap();
    Storage::s3(lenient).check_zone::<Chunked1MiB>().unwrap();
    // The same through the settings, as a deployment configures it.
    let from_settings = dropzone_runtime::settings::Settings::from_vars([
        (
            "DROPZONE_STORAGE",
            std::env::var("DROPZONE_STORAGE").unwrap(),
        ),
        ("DROPZONE_S3_MIN_PART_SIZE", "1MiB".to_owned()),
    ])
    .unwrap()
    .storage("unused")
    .unwrap();
    from_settings.check_zone::<Chunked1MiB>().unwrap();
    // A chunk size at AWS's minimum passes the default rule (chunk state lives in the bucket,
    // object_store_chunked.rs).
    storage.check_zone::<Chunked5MiB>().unwrap();
    // The folder takes every zone.
    let dir = tempfile::tempdir().unwrap();
    Storage::new(dir.path())
        .check_zone::<Chunked1MiB>()
        .unwrap();
}
