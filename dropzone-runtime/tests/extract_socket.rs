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

fn request_head(len: usize) -> String {
    format!(
        "POST /any HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {}\r\nContent-Length: {len}\r\n\r\n",
        content_type()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disconnecting_mid_file_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let addr = serve(dir.path()).await;
    let body = Multipart::new()
        .file(
            "file",
            "big.bin",
            "application/octet-stream",
            &png_bytes(900_000),
        )
        .finish();

    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(request_head(body.len()).as_bytes())
        .await
        .unwrap();
    stream.write_all(&body[..600_000]).await.unwrap();
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
        .write_all(request_head(body.len()).as_bytes())
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

/// Throughput of a large upload over loopback against plain 1 MiB writes to the same folder.
///
/// Ignored by default (it writes the file twice); run with
/// `DZ_THROUGHPUT_MIB=1024 cargo test --release -p dropzone-runtime --test extract_socket -- --ignored --nocapture`.
/// With `DZ_DURABLE=1` both sides are flushed to disk (`sync_all`, `Storage::durable(true)`),
/// so the page cache flatters neither; the client shares the machine's cores with the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement; writes a large file"]
async fn throughput_against_plain_writes() {
    use dropzone_runtime::DropzoneConfig;
    use dropzone_runtime::options::Options;
    use dropzone_runtime::upload::{Storage, Upload};
    use std::io::Write;

    let mib: usize = std::env::var("DZ_THROUGHPUT_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    struct Big;
    impl DropzoneConfig for Big {
        const OPTIONS: &'static Options = &Options {
            max_file_size: 4096.0,
            ..BASE
        };
    }
    let durable = std::env::var_os("DZ_DURABLE").is_some();
    let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
    let block = png_bytes(MIB);

    // Baseline: the same bytes written with 1 MiB `write_all`s, then removed.
    let started = Instant::now();
    let mut f = std::fs::File::create(dir.path().join("baseline")).unwrap();
    for _ in 0..mib {
        f.write_all(&block).unwrap();
    }
    if durable {
        f.sync_all().unwrap();
    }
    drop(f);
    let baseline = started.elapsed();
    std::fs::remove_file(dir.path().join("baseline")).unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route(
            "/big",
            axum::routing::post(|u: Upload<Big>| async move { u.file().size.to_string() }),
        )
        .with_state(Storage::new(dir.path()).durable(durable));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let head_part = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let len = head_part.len() + mib * MIB + tail.len();
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: {}\r\nContent-Length: {len}\r\n\r\n{head_part}",
        content_type()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    for _ in 0..mib {
        stream.write_all(&block).await.unwrap();
    }
    stream.write_all(tail.as_bytes()).await.unwrap();
    let mut response = vec![0; 4096];
    let n = stream.read(&mut response).await.unwrap();
    let upload = started.elapsed();
    let response = String::from_utf8_lossy(&response[..n]);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(&(mib * MIB).to_string()), "{response}");

    let rate = |d: Duration| mib as f64 / d.as_secs_f64();
    println!(
        "throughput: {mib} MiB; plain writes {:.0} MiB/s; upload {:.0} MiB/s ({:.0}%)",
        rate(baseline),
        rate(upload),
        100.0 * baseline.as_secs_f64() / upload.as_secs_f64()
    );
}
