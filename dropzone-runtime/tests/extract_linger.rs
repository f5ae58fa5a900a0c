//! Hole 6 of the attack review: a refused body was not answered to clients that write the whole
//! body before reading. A 4 MiB PNG posted to a zone whose limit is 3 MiB by Python's
//! `http.client` or Node's `http` got `BrokenPipe`/`EPIPE` instead of the 413: the server
//! closed while the client was still writing. Now the rest of a refused body is read and
//! dropped (within bounds) before the answer. Also hole 7's body-idle timeout: a stalled
//! upload is answered 408 and leaves nothing.
//!
//! The server is a real one on 127.0.0.1 (port 0); the clients are `python3` and `node`
//! processes, each started and waited for by the test (bounded by their own 20 s timeouts).

mod upload_common;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::post;
use dropzone_runtime::upload::Storage;
use http::{Request, StatusCode};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use upload_common::*;

/// Serves the test routes on 127.0.0.1 until the returned task is aborted.
async fn serve(dir: &Path) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = app(dir);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (port, task)
}

const PYTHON: &str = r#"
import http.client, sys
port, path, body_file, content_type, zone = sys.argv[1:6]
body = open(body_file, 'rb').read()
headers = {'Content-Type': content_type}
if zone:
    headers['X-Dropzone-Zone'] = zone
conn = http.client.HTTPConnection('127.0.0.1', int(port), timeout=20)
try:
    conn.request('POST', path, body=body, headers=headers)
    resp = conn.getresponse()
    print(resp.status)
    print(resp.read().decode())
except OSError as e:
    print('ERROR', type(e).__name__, e)
"#;

const NODE: &str = r#"
const http = require('http');
const fs = require('fs');
const [port, path, bodyFile, contentType, zone] = process.argv.slice(1);
const body = fs.readFileSync(bodyFile);
const headers = { 'Content-Type': contentType, 'Content-Length': body.length };
if (zone) headers['X-Dropzone-Zone'] = zone;
const req = http.request({ host: '127.0.0.1', port: Number(port), path, method: 'POST',
  headers, timeout: 20000 },
  (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c) => { text += c; });
    res.on('end', () => { console.log(res.statusCode); console.log(text); });
  });
req.on('error', (e) => { console.log('ERROR', e.code, e.message); });
req.on('timeout', () => { req.destroy(new Error('timeout')); });
req.end(body);
"#;

/// Posts `body` with `client` (`python3` or `node`) and returns what it printed: the status
/// and the body, or `ERROR …`.
async fn post_with(client: &str, port: u16, path: &str, body: &[u8]) -> String {
    post_as(client, port, path, body, "").await
}

/// [`post_with`], with `X-Dropzone-Zone: zone` unless `zone` is empty.
async fn post_as(client: &str, port: u16, path: &str, body: &[u8], zone: &str) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    let (program, flag, script) = match client {
        "python3" => ("python3", "-c", PYTHON),
        _ => ("node", "-e", NODE),
    };
    let mut cmd = Command::new(program);
    cmd.arg(flag).arg(script);
    cmd.arg(port.to_string())
        .arg(path)
        .arg(file.path())
        .arg(content_type())
        .arg(zone);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "{client}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn refusals_reach_clients_that_write_the_whole_body_first() {
    let dir = tempfile::tempdir().unwrap();
    let (port, server) = serve(dir.path()).await;
    // The image zone takes 2 MiB files: its body limit is 3 MiB.
    let too_big = Multipart::new()
        .file("file", "big.png", "image/png", &png_bytes(4 * MIB))
        .finish();
    let wrong_type = Multipart::new()
        .file("file", "notes.png", "text/plain", &vec![b'x'; 2 * MIB])
        .finish();
    let mut disguised = b"\x7fELF\x02\x01\x01\0".to_vec();
    disguised.extend(png_bytes(MIB + MIB / 2));
    let disguised = Multipart::new()
        .file("file", "cat.png", "image/png", &disguised)
        .finish();
    for client in ["python3", "node"] {
        let printed = post_with(client, port, "/images", &too_big).await;
        assert_eq!(
            printed, "413\nFile is too big (more than 2MiB). Max filesize: 2MiB.",
            "{client}"
        );
        let printed = post_with(client, port, "/images", &wrong_type).await;
        assert_eq!(
            printed, "415\nYou can't upload files of this type.",
            "{client}"
        );
        let printed = post_with(client, port, "/images", &disguised).await;
        assert_eq!(
            printed, "415\nYou can't upload files of this type.",
            "{client}"
        );
        // Refused on its headers alone (another zone's upload): the body is drained too.
        let printed = post_as(client, port, "/images", &too_big, "otherZone").await;
        assert_eq!(
            printed, "400\nThis upload was sent by another zone than `myDropzone`.",
            "{client}"
        );
        // And an accepted upload still works on the same server.
        let ok = Multipart::new()
            .file("file", "a.png", "image/png", &png_bytes(MIB))
            .finish();
        let printed = post_with(client, port, "/images", &ok).await;
        assert!(printed.starts_with("200\n"), "{client}: {printed}");
    }
    server.abort();
    assert_eq!(entries(dir.path()).len(), 2, "{:?}", entries(dir.path()));
}

/// A body far over the bound is not read: the answer goes out at once (such a client may see
/// a reset, but the server spends nothing on it).
#[tokio::test]
async fn a_body_far_over_the_bound_is_not_drained() {
    let dir = tempfile::tempdir().unwrap();
    let (port, server) = serve(dir.path()).await;
    let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        content_type(),
        1u64 << 30
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    conn.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut answer))
        .await
        .expect("answered at once")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
    server.abort();
}

/// Hole 7 (the extractor's part): a stalled upload is answered 408 once no byte came for the
/// body-idle timeout, and its part file is gone.
#[tokio::test]
async fn a_stalled_upload_is_408_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path()).body_idle_timeout(Duration::from_millis(300));
    assert_eq!(
        Storage::new(dir.path()).body_idle_timeout_value(),
        Duration::from_secs(30)
    );
    let app = Router::new()
        .route("/any", post(report::<AnyFile>))
        .with_state(storage);
    let body = Multipart::new()
        .file(
            "file",
            "a.bin",
            "application/octet-stream",
            &png_bytes(600_000),
        )
        .finish();
    // Half the body, then nothing: the sender is kept, so the body never ends.
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tx.send(Ok(Bytes::copy_from_slice(&body[..300_000])))
        .await
        .unwrap();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let req = Request::post("/any")
        .header("content-type", content_type())
        .body(Body::from_stream(stream))
        .unwrap();
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), send(app, req))
        .await
        .expect("the stalled upload is answered");
    let waited = started.elapsed();
    println!("stalled upload answered {} after {waited:?}", answer.status);
    assert_eq!(
        answer.status,
        StatusCode::REQUEST_TIMEOUT,
        "{}",
        answer.text
    );
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5));
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
    drop(tx);

    // A slow upload that keeps moving is not cut: 6 pieces, 150 ms apart.
    let storage = Storage::new(dir.path()).body_idle_timeout(Duration::from_millis(300));
    let app = Router::new()
        .route("/any", post(report::<AnyFile>))
        .with_state(storage);
    let pieces: Vec<Vec<u8>> = body.chunks(100_001).map(<[u8]>::to_vec).collect();
    let stream = futures_util::stream::unfold(pieces.into_iter(), |mut it| async move {
        let piece = it.next()?;
        tokio::time::sleep(Duration::from_millis(150)).await;
        Some((Ok::<_, std::io::Error>(Bytes::from(piece)), it))
    });
    let req = Request::post("/any")
        .header("content-type", content_type())
        .body(Body::from_stream(stream))
        .unwrap();
    let answer = send(app, req).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
}
