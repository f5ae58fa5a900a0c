//! Shared by the `object_store*` tests: a backend on its own prefix of the engine that
//! `DROPZONE_STORAGE` names (Garage in `scripts/test.sh`), and the checks they all make.
#![allow(dead_code, unreachable_pub)]

use dropzone_runtime::store::{S3Backend, S3Config, S3Location, StorageUrl};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// `<DROPZONE_STORAGE>/<test>-<uuid>`, or `None` (with the reason printed) when no engine is
/// configured; with `DZRS_REQUIRE_S3` set, a missing engine is a failure instead.
pub fn location(test: &str) -> Option<S3Location> {
    let Ok(storage) = std::env::var("DROPZONE_STORAGE") else {
        if std::env::var_os("DZRS_REQUIRE_S3").is_some() {
            panic!("DZRS_REQUIRE_S3 is set but DROPZONE_STORAGE is not");
        }
        eprintln!(
            "skipped {test}: DROPZONE_STORAGE is not set; run \
             `eval \"$(bash scripts/object-store.sh up)\"` first"
        );
        return None;
    };
    let url = format!(
        "{}/{test}-{}",
        storage.trim_end_matches('/'),
        uuid::Uuid::new_v4()
    );
    let StorageUrl::S3(location) = url.parse().expect("DROPZONE_STORAGE parses") else {
        panic!("DROPZONE_STORAGE={storage} is not an s3:// location");
    };
    Some(location)
}

pub fn connect(location: &S3Location) -> S3Backend {
    S3Backend::connect(location, S3Config::default()).expect("S3 client from AWS_*")
}

/// A backend on its own prefix (see [`location`]).
pub fn backend(test: &str) -> Option<S3Backend> {
    location(test).map(|l| connect(&l))
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// No unfinished multipart upload under the prefix.
pub async fn assert_no_pending(s3: &S3Backend) {
    let pending = s3.pending_uploads().await.unwrap();
    assert!(pending.is_empty(), "multipart uploads left: {pending:?}");
}

/// Nothing under the prefix: no object, no unfinished multipart upload.
pub async fn assert_empty(s3: &S3Backend) {
    let listed = s3.list(None, 100).await.unwrap();
    assert!(
        listed.objects.is_empty(),
        "objects left: {:?}",
        listed.objects
    );
    assert_no_pending(s3).await;
}

/// Polls `check` every 100 ms until it holds, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
