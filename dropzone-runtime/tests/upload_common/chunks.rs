//! Chunked-upload helpers shared by `chunked*.rs`: a 1000-byte-chunk zone, the body
//! Dropzone.js sends for one chunk, and checks on what is left in the folder.

use super::*;
use axum::Router;
use axum::routing::post;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::options::{Accept, AcceptedFiles, Chunking, Options};
use dropzone_runtime::upload::Storage;
use http::StatusCode;
use std::path::Path;

pub const CHUNK: usize = 1000;

pub const CHUNKED: Options = BASE
    .with_chunking(Some(Chunking {
        force: false,
        chunk_size: CHUNK as u64,
        parallel: true,
        retry_limit: Some(3),
    }))
    .with_max_file_size(0.01);

pub struct Chunked;
impl DropzoneConfig for Chunked {
    const OPTIONS: &'static Options = &CHUNKED;
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for Chunked {}

pub struct ChunkedImages;
impl DropzoneConfig for ChunkedImages {
    const OPTIONS: &'static Options = &CHUNKED.with_accepted_files(AcceptedFiles {
        list: "image/*",
        rules: &[Accept::TopLevel("image")],
    });
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for ChunkedImages {}

pub fn chunk_app(storage: Storage) -> Router {
    Router::new()
        .route("/chunked", post(report::<Chunked>))
        .route("/images", post(report::<ChunkedImages>))
        .with_state(storage)
}

pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The body Dropzone.js sends for chunk `index` of `data` (fields first, then the slice).
pub fn chunk_body(uuid: &str, data: &[u8], index: usize, name: &str) -> Vec<u8> {
    let count = data.len().div_ceil(CHUNK).max(1);
    let start = index * CHUNK;
    let end = (start + CHUNK).min(data.len());
    Multipart::new()
        .text("dzuuid", uuid)
        .text("dzchunkindex", index.to_string())
        .text("dztotalfilesize", data.len().to_string())
        .text("dzchunksize", CHUNK.to_string())
        .text("dztotalchunkcount", count.to_string())
        .text("dzchunkbyteoffset", start.to_string())
        .file(
            "file",
            name,
            "application/octet-stream",
            &data[start.min(end)..end],
        )
        .finish()
}

pub fn count(data: &[u8]) -> usize {
    data.len().div_ceil(CHUNK).max(1)
}

/// Sends the chunks in `order`; returns every answer in that order.
pub async fn send_chunks(app: &Router, uuid: &str, data: &[u8], order: &[usize]) -> Vec<Answer> {
    let mut answers = Vec::new();
    for &i in order {
        answers.push(
            post_body(
                app.clone(),
                "/chunked",
                chunk_body(uuid, data, i, "big.bin"),
            )
            .await,
        );
    }
    answers
}

/// Chunks 0-3 of a 6-chunk `data` through `apps[0]`, then the last two chunks 4 times each,
/// all at once and alternately through both apps: a race of completions. Every answer must be
/// 200; returns how many of them completed the file (1 when completion is exactly once).
pub async fn race_completions(apps: &[Router; 2], uuid: &str, data: &[u8], round: usize) -> usize {
    send_chunks(&apps[0], uuid, data, &[0, 1, 2, 3]).await;
    let mut tasks = Vec::new();
    for i in [4, 5, 4, 5, 4, 5, 4, 5] {
        let app = apps[tasks.len() % 2].clone();
        let body = chunk_body(uuid, data, i, "big.bin");
        tasks.push(tokio::spawn(post_body(app, "/chunked", body)));
    }
    let mut finalized = 0;
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, StatusCode::OK, "round {round}: {}", a.text);
        if a.text.contains("stored_name") {
            finalized += 1;
        }
    }
    finalized
}

/// The one stored file (not hidden), and that nothing else is left in the folder.
pub fn the_stored_file(dir: &Path) -> Vec<u8> {
    let names: Vec<String> = entries(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert_no_parts(dir);
    std::fs::read(dir.join(&names[0])).unwrap()
}

/// What `.chunks/` holds besides bookkeeping: the ledger (`.ledger`) and tombstones (an
/// upload's folder with only its `end`, kept for the expiry so that a late chunk gets a
/// meaningful answer) are not leftovers; anything else is.
pub fn chunk_leftovers(dir: &Path) -> Vec<String> {
    let chunks = dir.join(".chunks");
    if !chunks.exists() {
        return Vec::new();
    }
    entries(&chunks)
        .into_iter()
        .filter(|n| n != ".ledger")
        .filter(|n| {
            let path = chunks.join(n);
            !(path.is_dir() && entries(&path) == ["end"])
        })
        .collect()
}

pub fn assert_no_parts(dir: &Path) {
    assert_eq!(
        chunk_leftovers(dir),
        Vec::<String>::new(),
        "part files left"
    );
    assert!(
        entries(dir).iter().all(|n| !n.starts_with(".part-")),
        "{:?}",
        entries(dir)
    );
}

pub fn is_ack(a: &Answer, chunk: usize, received: usize, total: usize) -> bool {
    a.status == StatusCode::OK
        && a.content_type == "application/json"
        && a.json() == serde_json::json!({"chunk": chunk, "received": received, "total": total})
}

/// What dropzone-rs's init.js sends to ask which chunks of upload `uuid` of `data` (sent as
/// `name`) the server holds.
pub fn resume_body(uuid: &str, data: &[u8], name: &str) -> Vec<u8> {
    resume_body_with(uuid, data.len(), CHUNK, name)
}

/// [`resume_body`] with every value chosen.
pub fn resume_body_with(uuid: &str, size: usize, chunk: usize, name: &str) -> Vec<u8> {
    Multipart::new()
        .text("dzresume", "1")
        .text("dzuuid", uuid)
        .text("dztotalfilesize", size.to_string())
        .text("dzchunksize", chunk.to_string())
        .text("dztotalchunkcount", size.div_ceil(chunk).max(1).to_string())
        .text("dzfilename", name)
        .finish()
}
