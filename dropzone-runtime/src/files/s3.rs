//! The files API on object storage: each object `<name>` under the prefix has its metadata in
//! the object `.meta/<name>.json` (a [`StoredFile`] as JSON), with the same rules as the local
//! folder (`local.rs`): the sidecar is stored *before* the data object is completed and deleted
//! *after* it, and every call checks that the data object exists, so a visible file always has
//! its metadata and a sidecar left by a crash is invisible.

use super::name::{META_DIR, is_stored_name};
use super::stored::check_range;
use super::{FileBody, FilePage, FilesError, MAX_LIST, StoredFile};
use crate::store::{PutMeta, S3Backend, StoreError};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use std::ops::Range;

/// Sidecars are small (names are at most 255 bytes); a larger one is not ours.
const MAX_SIDECAR: usize = 16 * 1024;

/// Sidecars and data objects looked up at once while listing.
const LOOKUPS: usize = 8;

fn sidecar_name(name: &str) -> String {
    format!("{META_DIR}/{name}.json")
}

impl From<StoreError> for FilesError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } | StoreError::Name(_) => FilesError::NotFound,
            e => FilesError::backend(e),
        }
    }
}

/// Stores `file`'s sidecar (replacing one of the same name: names are fresh UUIDs).
pub(crate) async fn write_sidecar(s3: &S3Backend, file: &StoredFile) -> Result<(), StoreError> {
    let json = serde_json::to_vec(file).map_err(|e| StoreError::Protocol(e.to_string()))?;
    let key = s3.key(&sidecar_name(&file.stored_name))?;
    let meta = PutMeta::default().content_type("application/json");
    s3.put_whole(&key, json.into(), &meta).await?;
    Ok(())
}

/// Deletes `name`'s sidecar; an absent one is fine.
pub(crate) async fn remove_sidecar(s3: &S3Backend, name: &str) -> Result<(), StoreError> {
    s3.delete(&sidecar_name(name)).await
}

async fn read_sidecar(s3: &S3Backend, name: &str) -> Result<StoredFile, FilesError> {
    let got = s3.get(&sidecar_name(name), None).await?;
    if got.range.end - got.range.start > MAX_SIDECAR as u64 {
        return Err(FilesError::backend("a sidecar is too large"));
    }
    let parts: Vec<bytes::Bytes> = got.stream.try_collect().await?;
    let file: StoredFile = serde_json::from_slice(&parts.concat()).map_err(FilesError::backend)?;
    if file.stored_name != name {
        return Err(FilesError::backend("a sidecar names another file"));
    }
    Ok(file)
}

/// `name`'s metadata, if it is a stored file of `zone` whose object exists.
pub(crate) async fn info(s3: &S3Backend, zone: &str, name: &str) -> Result<StoredFile, FilesError> {
    if !is_stored_name(name) {
        return Err(FilesError::NotFound);
    }
    let file = read_sidecar(s3, name).await?;
    if file.zone != zone {
        return Err(FilesError::NotFound);
    }
    s3.head(name).await?;
    Ok(file)
}

/// Opens `name` for `range` (checked against its size).
pub(crate) async fn open(
    s3: &S3Backend,
    zone: &str,
    name: &str,
    range: Option<Range<u64>>,
) -> Result<FileBody, FilesError> {
    let file = info(s3, zone, name).await?;
    let range = check_range(range, file.size)?;
    if range.is_empty() {
        // S3 has no empty range: answer without a request.
        return Ok(FileBody::new(file, range, stream::empty().boxed()));
    }
    let got = s3.get(name, Some(range.clone())).await?;
    if got.range != range {
        return Err(FilesError::backend("the store answered another range"));
    }
    let body = got.stream.map_err(std::io::Error::other).boxed();
    Ok(FileBody::new(file, range, body))
}

/// Deletes `name` of `zone`: the object first, then its sidecar.
pub(crate) async fn delete(s3: &S3Backend, zone: &str, name: &str) -> Result<(), FilesError> {
    info(s3, zone, name).await?;
    s3.delete(name).await?;
    remove_sidecar(s3, name).await?;
    Ok(())
}

/// One page of `zone`'s files after `cursor`, in stored-name order: one listing of at most
/// `max` sidecars, each then read (with its object's existence) [`LOOKUPS`] at a time.
pub(crate) async fn list(
    s3: &S3Backend,
    zone: &str,
    cursor: Option<&str>,
    max: usize,
) -> Result<FilePage, FilesError> {
    if cursor.is_some_and(|c| !is_stored_name(c)) {
        return Err(FilesError::NotFound);
    }
    let max = max.clamp(1, MAX_LIST);
    let after = cursor.map(sidecar_name);
    let (listed, more) = s3.list_under(META_DIR, after.as_deref(), max).await?;
    let names: Vec<String> = listed
        .iter()
        .filter_map(|n| {
            let name = n
                .strip_prefix(META_DIR)?
                .strip_prefix('/')?
                .strip_suffix(".json")?;
            is_stored_name(name).then(|| name.to_owned())
        })
        .collect();
    // Owned names: a closure over `&String` makes this future not `Send` for every lifetime,
    // which an axum handler calling `list_files` needs.
    let found: Vec<Result<StoredFile, FilesError>> = stream::iter(names.clone())
        .map(|name| async move { info(s3, zone, &name).await })
        .buffered(LOOKUPS)
        .collect()
        .await;
    let mut files = Vec::new();
    for file in found {
        match file {
            Ok(file) => files.push(file),
            Err(FilesError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let next = if more { names.last().cloned() } else { None };
    Ok(FilePage::new(files, next))
}
