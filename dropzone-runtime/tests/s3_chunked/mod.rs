//! Shared by the chunked object-store tests (`object_store_chunked.rs`,
//! `object_store_chunk_parts.rs`): the stored file of the test zone, checked against its
//! metadata with nothing else left in the bucket, and every chunk of a file sent at once.
#![allow(dead_code, unreachable_pub)]

use crate::s3_common::{assert_no_pending, sha256_hex};
use crate::upload_common::chunks::{Chunked, chunk_body, count, new_uuid};
use crate::upload_common::post_body;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::store::S3Backend;
use dropzone_runtime::upload::Storage;
use futures_util::TryStreamExt;
use http::StatusCode;

pub fn zone() -> &'static str {
    <Chunked as DropzoneConfig>::OPTIONS.id()
}

/// The one stored file of the zone, read through the files API, checked against its metadata;
/// and nothing else in the bucket: no hidden object, no unfinished multipart upload.
pub async fn the_stored_object(storage: &Storage, s3: &S3Backend) -> Vec<u8> {
    let page = storage.list_files(zone(), None, 100).await.unwrap();
    assert_eq!(page.files.len(), 1, "{:?}", page.files);
    let file = &page.files[0];
    let body = storage
        .open_file(zone(), &file.stored_name, None)
        .await
        .unwrap();
    let parts: Vec<bytes::Bytes> = body.body.try_collect().await.unwrap();
    let bytes = parts.concat();
    assert_eq!(file.sha256, sha256_hex(&bytes));
    assert_eq!(file.size, bytes.len() as u64);
    let objects: Vec<String> = s3
        .list(None, 100)
        .await
        .unwrap()
        .objects
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(
        objects.len(),
        2,
        "the file and its sidecar only: {objects:?}"
    );
    assert!(objects.contains(&file.stored_name), "{objects:?}");
    assert_no_pending(s3).await;
    bytes
}

/// Sends every chunk of `data` at once, as one file; how many answers finalized it. Each
/// answer must be 200.
pub async fn send_all_at_once(app: &axum::Router, data: &[u8]) -> usize {
    let uuid = new_uuid();
    let tasks: Vec<_> = (0..count(data))
        .map(|i| {
            let body = chunk_body(&uuid, data, i, "big.bin");
            tokio::spawn(post_body(app.clone(), "/chunked", body))
        })
        .collect();
    let mut finalized = 0;
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        finalized += usize::from(a.text.contains("stored_name"));
    }
    finalized
}
