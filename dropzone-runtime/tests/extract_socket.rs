//! Over a real socket: a client that goes away mid-file leaves nothing behind.

#[path = "upload_common/mod.rs"]
mod common;

use common::*;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn serve(dir: &std::path::Path) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app(dir);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Polls (at most 5 s) until the folder holds no entry at all, `.part-*` included.
async fn wait_until_empty(dir: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = entries(dir);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still in the folder after 5 s: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn request_head(path: &str, len: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {}\r\nContent-Length: {len}\r\n\r\n",
        content_type()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disconnecting_mid_file_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let addr = serve(dir.path()).await;
    // Past the first 1 MiB write block (what creates the part file), inside the 2 MiB zone.
    let body = Multipart::new()
        .file("file", "big.png", "image/png", &png_bytes(1_900_000))
        .finish();

    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(request_head("/images", body.len()).as_bytes())
        .await
        .unwrap();
    stream.write_all(&body[..1_500_000]).await.unwrap();
    stream.flush().await.unwrap();
    // Make sure the server is mid-file (its part file exists) before going away.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !entries(dir.path()).iter().any(|n| n.starts_with(".part-")) {
        assert!(
            Instant::now() < deadline,
            "the server never started the file"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(stream);

    wait_until_empty(dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_request_completed_is_stored() {
    // The control for the test above: the same bytes, all sent, are stored.
    let dir = tempfile::tempdir().unwrap();
    let addr = serve(dir.path()).await;
    let data = png_bytes(900_000);
    let body = Multipart::new()
        .file("file", "big.bin", "application/octet-stream", &data)
        .finish();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(request_head("/any", body.len()).as_bytes())
        .await
        .unwrap();
    stream.write_all(&body).await.unwrap();
    let mut response = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut response))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8_lossy(&response[..n]);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let names = entries(dir.path());
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(std::fs::read(dir.path().join(&names[0])).unwrap() == data);
}
