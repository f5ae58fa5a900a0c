//! Hole 5 of the attack review: after `kill -9` during an upload, `.part-*` files stayed in the
//! upload folder across restarts. A real server process (this test binary, re-run as the
//! ignored `crash_server` test) is killed with SIGKILL mid-upload and restarted on the same
//! folder: the first upload of the new process sweeps what the old one left.
//!
//! Issue 10, item 2: chunk state lives in the folder, so a chunked upload survives its server
//! being killed mid-chunk (the upload completes through a restarted server, or through a
//! second server on the same folder) with the right bytes.

mod upload_common;

use axum::Router;
use axum::routing::post;
use dropzone_runtime::upload::Storage;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use upload_common::chunks::*;
use upload_common::*;

const DIR_VAR: &str = "DZ_CRASH_SERVER_DIR";
const EXPIRY_VAR: &str = "DZ_CRASH_SERVER_EXPIRY_MS";
const EXPIRY_MS: u64 = 700;

/// The server the crash test starts and kills: only runs when the test sets [`DIR_VAR`].
#[test]
#[ignore = "started as a child process by a_kill_9_mid_upload_leaves_nothing_after_a_restart"]
fn crash_server() {
    let Ok(dir) = std::env::var(DIR_VAR) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("LISTENING {}", listener.local_addr().unwrap().port());
        std::io::stdout().flush().unwrap();
        let expiry = std::env::var(EXPIRY_VAR)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(EXPIRY_MS);
        let storage = Storage::new(dir).chunk_expiry(Duration::from_millis(expiry));
        let app = Router::new()
            .route("/any", post(report::<AnyFile>))
            .route("/images", post(report::<Images>))
            .route("/chunked", post(report::<Chunked>))
            .with_state(storage);
        axum::serve(listener, app).await.unwrap();
    });
}

/// A server child process, killed (SIGKILL) by its id when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        Server::start_with_expiry(dir, EXPIRY_MS)
    }

    fn start_with_expiry(dir: &Path, expiry_ms: u64) -> Server {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "crash_server", "--nocapture"])
            .env(DIR_VAR, dir)
            .env(EXPIRY_VAR, expiry_ms.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut port = None;
        for line in BufReader::new(stdout).lines().take(50) {
            if let Some(p) = line.unwrap().strip_prefix("LISTENING ") {
                port = Some(p.trim().parse().unwrap());
                break;
            }
        }
        let port = port.expect("the server did not say where it listens");
        Server { child, port }
    }

    fn kill_9(&mut self) {
        // `Child::kill` is SIGKILL on unix: no destructor of the server runs.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn connect(&self) -> TcpStream {
        let conn = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        conn
    }

    /// Sends a whole request and returns the response's status code.
    fn post(&self, path: &str, body: &[u8]) -> u16 {
        self.post_answer(path, body).0
    }

    /// Sends a whole request and returns the response's status code and body.
    fn post_answer(&self, path: &str, body: &[u8]) -> (u16, String) {
        let mut conn = self.connect();
        conn.write_all(&head(path, body.len())).unwrap();
        conn.write_all(body).unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"));
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
        (status, body)
    }

    /// Sends all but the last 100 bytes of a request, and waits until `ready` holds.
    fn stall(&self, path: &str, body: &[u8], ready: impl Fn() -> bool) -> TcpStream {
        let mut conn = self.connect();
        conn.write_all(&head(path, body.len())).unwrap();
        conn.write_all(&body[..body.len() - 100]).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready() {
            assert!(
                Instant::now() < deadline,
                "the stalled request made no mark"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        conn
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_9();
    }
}

fn head(path: &str, len: usize) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: {}\r\nContent-Length: {len}\r\n\r\n",
        content_type()
    )
    .into_bytes()
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut left: Vec<String> = entries(dir)
        .into_iter()
        .filter(|n| n.starts_with(".part-"))
        .collect();
    left.extend(chunk_leftovers(dir));
    left
}

#[test]
fn a_kill_9_mid_upload_leaves_nothing_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());

    // A chunked upload with its first chunk in, and a single upload stalled mid-body.
    let data = png_bytes(2500);
    assert_eq!(
        server.post("/chunked", &chunk_body(&new_uuid(), &data, 0, "a.bin")),
        200
    );
    let body = Multipart::new()
        // Past the first 1 MiB write block (what creates the part file), inside the 2 MiB zone.
        .file("file", "big.png", "image/png", &png_bytes(1_900_000))
        .finish();
    let mut stalled = server.connect();
    stalled.write_all(&head("/images", body.len())).unwrap();
    stalled.write_all(&body[..body.len() - 1000]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while leftovers(dir.path()).len() < 2 {
        assert!(Instant::now() < deadline, "{:?}", entries(dir.path()));
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill_9();
    drop(stalled);
    let left = leftovers(dir.path());
    println!("left by kill -9: {left:?}");
    assert_eq!(left.len(), 2, "{left:?}");

    // A new process on the same folder, once the leftovers are older than the expiry.
    std::thread::sleep(Duration::from_millis(EXPIRY_MS + 300));
    let server = Server::start(dir.path());
    let small = Multipart::new()
        .file("file", "a.png", "image/png", &png_bytes(1000))
        .finish();
    assert_eq!(server.post("/any", &small), 200);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    let stored: Vec<String> = entries(dir.path())
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
}

/// Chunk `index` of `data` as the test zone takes it (1000-byte chunks).
fn chunk(uuid: &str, data: &[u8], index: usize) -> Vec<u8> {
    chunk_body(uuid, data, index, "big.bin")
}

fn stored_files(dir: &Path) -> Vec<Vec<u8>> {
    entries(dir)
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect()
}

/// Whether a request for chunk `index` of an unfinished upload has begun (its byte in the
/// upload's chunk map is no longer 0).
fn chunk_started(dir: &Path, uuid: &str, index: usize) -> bool {
    std::fs::read(dir.join(".chunks").join(uuid).join("map"))
        .is_ok_and(|map| map.get(index).is_some_and(|s| *s != 0))
}

/// Every server process is killed (SIGKILL) in the middle of a chunk, and a new one started on
/// the same folder: the acknowledged chunks are kept and the upload completes with the right
/// bytes (before, it answered 410 "add the file again").
#[test]
fn a_chunked_upload_completes_after_a_kill_9_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = png_bytes(4_500);
    let uuid = new_uuid();
    let mut server = Server::start_with_expiry(dir.path(), 60_000);
    for i in [0, 1] {
        assert_eq!(
            server.post_answer("/chunked", &chunk(&uuid, &data, i)).0,
            200
        );
    }
    // Chunk 3 is mid-way when the server dies.
    let stalled = server.stall("/chunked", &chunk(&uuid, &data, 3), || {
        chunk_started(dir.path(), &uuid, 3)
    });
    server.kill_9();
    drop(stalled);

    let server = Server::start_with_expiry(dir.path(), 60_000);
    let mut last = (0, String::new());
    for i in [2, 3, 4] {
        last = server.post_answer("/chunked", &chunk(&uuid, &data, i));
        assert_eq!(last.0, 200, "chunk {i}: {}", last.1);
    }
    assert!(last.1.contains("stored_name"), "{}", last.1);
    assert_eq!(stored_files(dir.path()), vec![data]);
    assert_eq!(chunk_leftovers(dir.path()), Vec::<String>::new());
    println!(
        "restart mid-upload: 2 of 5 chunks acknowledged, chunk 3 cut by kill -9; completed with the right bytes after the restart"
    );
}

/// Two server processes on one folder take one file's chunks alternately; one is killed
/// (SIGKILL) in the middle of a chunk, and the upload completes through the other.
#[test]
fn two_servers_share_an_upload_and_one_killed_mid_chunk_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = png_bytes(6_500);
    let uuid = new_uuid();
    let mut a = Server::start_with_expiry(dir.path(), 60_000);
    let b = Server::start_with_expiry(dir.path(), 60_000);
    for i in 0..4 {
        let server = if i % 2 == 0 { &a } else { &b };
        let (status, body) = server.post_answer("/chunked", &chunk(&uuid, &data, i));
        assert_eq!(status, 200, "chunk {i}: {body}");
        assert!(body.contains(&format!(r#""received":{}"#, i + 1)), "{body}");
    }
    let stalled = a.stall("/chunked", &chunk(&uuid, &data, 4), || {
        chunk_started(dir.path(), &uuid, 4)
    });
    a.kill_9();
    drop(stalled);
    let mut last = (0, String::new());
    for i in [4, 5, 6] {
        last = b.post_answer("/chunked", &chunk(&uuid, &data, i));
        assert_eq!(last.0, 200, "chunk {i}: {}", last.1);
    }
    assert!(last.1.contains("stored_name"), "{}", last.1);
    assert_eq!(stored_files(dir.path()), vec![data]);
    assert_eq!(chunk_leftovers(dir.path()), Vec::<String>::new());
    println!(
        "kill mid-upload: 4 of 7 chunks through two servers, chunk 4 cut by kill -9 of one; completed through the other with the right bytes"
    );
}
