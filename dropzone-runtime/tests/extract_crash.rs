//! Hole 5 of the attack review: after `kill -9` during an upload, `.part-*` files stayed in the
//! upload folder across restarts. A real server process (this test binary, re-run as the
//! ignored `crash_server` test) is killed with SIGKILL mid-upload and restarted on the same
//! folder: the first upload of the new process sweeps what the old one left.

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
        let storage = Storage::new(dir).chunk_expiry(Duration::from_millis(EXPIRY_MS));
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
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "crash_server", "--nocapture"])
            .env(DIR_VAR, dir)
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
        let mut conn = self.connect();
        conn.write_all(&head(path, body.len())).unwrap();
        conn.write_all(body).unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"))
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
    if dir.join(".chunks").exists() {
        left.extend(entries(&dir.join(".chunks")));
    }
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
