//! Chunks over a real socket: a chunk streams to its place on disk while it arrives (memory
//! stays bounded: nothing buffers a whole chunk), and a client that goes away mid-chunk leaves
//! the upload consistent (that chunk is simply not received).

#[path = "upload_common/mod.rs"]
mod common;

use axum::routing::post;
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::options::{Chunking, Options};
use dropzone_runtime::upload::Storage;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CHUNK: usize = 8 * MIB;

struct BigChunks;
impl DropzoneConfig for BigChunks {
    const OPTIONS: &'static Options = &BASE
        .with_chunking(Some(Chunking {
            force: false,
            chunk_size: CHUNK as u64,
            parallel: true,
            retry_limit: None,
        }))
        .with_max_file_size(64.0);
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for BigChunks {}

async fn serve(dir: &Path) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/chunked", post(report::<BigChunks>))
        .with_state(Storage::new(dir));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn chunk_body(uuid: &str, data: &[u8], index: usize) -> Vec<u8> {
    let start = index * CHUNK;
    let end = (start + CHUNK).min(data.len());
    Multipart::new()
        .text("dzuuid", uuid)
        .text("dzchunkindex", index.to_string())
        .text("dztotalfilesize", data.len().to_string())
        .text("dzchunksize", CHUNK.to_string())
        .text("dztotalchunkcount", data.len().div_ceil(CHUNK).to_string())
        .text("dzchunkbyteoffset", start.to_string())
        .file(
            "file",
            "big.bin",
            "application/octet-stream",
            &data[start..end],
        )
        .finish()
}

fn head(len: usize) -> String {
    format!(
        "POST /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {}\r\nContent-Length: {len}\r\n\r\n",
        content_type()
    )
}

async fn post_whole(addr: std::net::SocketAddr, body: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head(body.len()).as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    let mut buf = vec![0; 64 * 1024];
    let deadline = Instant::now() + Duration::from_secs(10);
    // The test handlers answer small bodies; read until the JSON closes.
    while !response.ends_with(b"}") {
        assert!(Instant::now() < deadline, "no full answer in 10 s");
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "connection closed: {}",
            String::from_utf8_lossy(&response)
        );
        response.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_streams_to_disk_and_a_cut_chunk_is_not_received() {
    let dir = tempfile::tempdir().unwrap();
    let addr = serve(dir.path()).await;
    let data = png_bytes(CHUNK + 100_000);
    let uuid = uuid::Uuid::new_v4().to_string();
    let part = dir.path().join(format!(".chunks/{uuid}/data"));

    // Half of chunk 0 (4 MiB of 8), then wait: the bytes must reach the part file while the
    // chunk is still arriving, which a server buffering whole chunks could not do.
    let body = chunk_body(&uuid, &data, 0);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head(body.len()).as_bytes()).await.unwrap();
    stream.write_all(&body[..CHUNK / 2]).await.unwrap();
    stream.flush().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let on_disk = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        if on_disk >= 2 * MIB as u64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {on_disk} bytes of a half-sent 8 MiB chunk reached the disk in 5 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(stream); // gone mid-chunk

    // Chunk 1 then chunk 0 again: the cut chunk 0 was not counted, so 1 comes first as 1 of 2.
    let answer = post_whole(addr, &chunk_body(&uuid, &data, 1)).await;
    assert!(
        answer.starts_with("HTTP/1.1 200")
            && answer.ends_with(r#"{"chunk":1,"received":1,"total":2}"#),
        "{answer}"
    );
    let answer = post_whole(addr, &chunk_body(&uuid, &data, 0)).await;
    assert!(answer.contains("stored_name"), "{answer}");
    let names: Vec<String> = entries(dir.path())
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(std::fs::read(dir.path().join(&names[0])).unwrap() == data);
    assert!(!part.exists());
}
