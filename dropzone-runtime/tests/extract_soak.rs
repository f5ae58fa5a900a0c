//! The soak of issue 9: 64 clients for 30 s against a real server on 127.0.0.1 — single,
//! batched and chunked uploads, refused ones and ones cut off mid-body — then the sha256 of
//! every stored file is checked against what its client sent: 0 lost, 0 corrupt, 0 extra,
//! 0 part files left.
//!
//! Ignored (it takes 30 s): `cargo test -p dropzone-runtime --test extract_soak -- --ignored
//! --nocapture`. `DZ_SOAK_SECS` and `DZ_SOAK_CLIENTS` change the length and width; every
//! client stops at the deadline or after 20,000 requests, whichever comes first.

mod upload_common;

use axum::Router;
use dropzone_runtime::upload::Storage;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use upload_common::chunks::{CHUNK, Chunked, chunk_body, chunk_leftovers};
use upload_common::*;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One request on its own connection; `None` when the connection failed.
async fn send_post(port: u16, path: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {}\r\n\
         Content-Length: {}\r\n\r\n",
        content_type(),
        body.len()
    );
    conn.write_all(head.as_bytes()).await.ok()?;
    conn.write_all(body).await.ok()?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut answer))
        .await
        .ok()?
        .ok()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n")?.1.to_owned();
    // Chunked transfer encoding of a small JSON answer: keep the JSON line.
    let body = body
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or("")
        .to_owned();
    Some((status, body))
}

fn stored_names(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    v["outcomes"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter_map(|f| f["stored_name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Default, Debug)]
struct Tally {
    requests: u64,
    stored: HashMap<String, [u8; 32]>,
    refused_as_expected: u64,
    cut_off: u64,
    unexpected: Vec<String>,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

async fn client(port: u16, id: u64, deadline: Instant) -> Tally {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (id + 1).wrapping_mul(0x1234_5678_9abc));
    let mut t = Tally::default();
    while Instant::now() < deadline && t.requests < 20_000 {
        t.requests += 1;
        let size = 1024 + (rng.next() % (200 * 1024)) as usize;
        let mut data = png_bytes(size);
        data[8..16].copy_from_slice(&rng.next().to_le_bytes()); // every file its own
        match rng.next() % 10 {
            0..=4 => {
                let body = Multipart::new()
                    .file("file", "a.png", "image/png", &data)
                    .finish();
                match send_post(port, "/images", &body).await {
                    Some((200, json)) => {
                        for name in stored_names(&json) {
                            t.stored.insert(name, sha(&data));
                        }
                    }
                    other => t.unexpected.push(format!("single: {other:?}")),
                }
            }
            5 | 6 => {
                let mut other = png_bytes(size / 2 + 100);
                other[8..16].copy_from_slice(&rng.next().to_le_bytes());
                let body = Multipart::new()
                    .file("file[0]", "a.png", "image/png", &data)
                    .file("file[1]", "b.png", "image/png", &other)
                    .finish();
                match send_post(port, "/batch", &body).await {
                    Some((200, json)) => {
                        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
                        for (i, bytes) in [&data, &other].into_iter().enumerate() {
                            match v["outcomes"][i]["stored_name"].as_str() {
                                Some(name) => {
                                    t.stored.insert(name.to_owned(), sha(bytes));
                                }
                                None => t.unexpected.push(format!("batch: {json}")),
                            }
                        }
                    }
                    other => t.unexpected.push(format!("batch: {other:?}")),
                }
            }
            7 => {
                let file = &data[..2 * CHUNK + 1 + (rng.next() % 900) as usize];
                let uuid = uuid::Uuid::new_v4().to_string();
                let mut last = None;
                for index in 0..3 {
                    last =
                        send_post(port, "/chunked", &chunk_body(&uuid, file, index, "c.bin")).await;
                }
                match last {
                    Some((200, json)) if !stored_names(&json).is_empty() => {
                        for name in stored_names(&json) {
                            t.stored.insert(name, sha(file));
                        }
                    }
                    other => t.unexpected.push(format!("chunked: {other:?}")),
                }
            }
            8 => {
                let body = Multipart::new()
                    .file("file", "a.png", "text/plain", &data)
                    .finish();
                match send_post(port, "/images", &body).await {
                    Some((415, _)) => t.refused_as_expected += 1,
                    other => t.unexpected.push(format!("refused: {other:?}")),
                }
            }
            _ => {
                // Half the body, then the connection is dropped.
                let body = Multipart::new()
                    .file("file", "a.png", "image/png", &data)
                    .finish();
                if let Ok(mut conn) = TcpStream::connect(("127.0.0.1", port)).await {
                    let head = format!(
                        "POST /images HTTP/1.1\r\nHost: x\r\nContent-Type: {}\r\n\
                         Content-Length: {}\r\n\r\n",
                        content_type(),
                        body.len()
                    );
                    let _ = conn.write_all(head.as_bytes()).await;
                    let _ = conn.write_all(&body[..body.len() / 2]).await;
                }
                t.cut_off += 1;
            }
        }
    }
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "30 s soak; run with --ignored --nocapture"]
async fn soak_64_clients_lose_nothing_and_leave_nothing() {
    let secs = env_or("DZ_SOAK_SECS", 30);
    let clients = env_or("DZ_SOAK_CLIENTS", 64);
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/images", axum::routing::post(report::<Images>))
        .route("/batch", axum::routing::post(report::<Batch>))
        .route("/chunked", axum::routing::post(report::<Chunked>))
        .with_state(Storage::new(dir.path()));
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..clients)
        .map(|id| tokio::spawn(client(port, id, deadline)))
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        let t = task.await.unwrap();
        total.requests += t.requests;
        total.refused_as_expected += t.refused_as_expected;
        total.cut_off += t.cut_off;
        total.unexpected.extend(t.unexpected);
        total.stored.extend(t.stored);
    }
    let elapsed = started.elapsed();
    // The cut-off bodies end as the server notices the closed connections.
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.abort();

    let mut lost = 0;
    let mut corrupt = 0;
    for (name, want) in &total.stored {
        match std::fs::read(dir.path().join(name)) {
            Ok(bytes) if sha(&bytes) == *want => {}
            Ok(_) => corrupt += 1,
            Err(_) => lost += 1,
        }
    }
    let names = entries(dir.path());
    let leftovers: Vec<&String> = names.iter().filter(|n| n.starts_with(".part-")).collect();
    let chunk_leftovers = chunk_leftovers(dir.path()).len();
    let visible = names.iter().filter(|n| !n.starts_with('.')).count();
    println!(
        "soak: {clients} clients x {elapsed:.1?}: {} requests, {} files stored and checked by \
         sha256, {} refused as expected, {} cut off; lost {lost}, corrupt {corrupt}, extra {}, \
         part files left {}, chunk files left {chunk_leftovers}, unexpected answers {}",
        total.requests,
        total.stored.len(),
        total.refused_as_expected,
        total.cut_off,
        visible.saturating_sub(total.stored.len()),
        leftovers.len(),
        total.unexpected.len(),
    );
    assert!(
        total.unexpected.is_empty(),
        "{:?}",
        &total.unexpected[..total.unexpected.len().min(5)]
    );
    assert_eq!((lost, corrupt), (0, 0));
    assert_eq!(visible, total.stored.len());
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(chunk_leftovers, 0);
}
