//! The in-form example's batches are kept per visitor: 1,024 anonymous page loads (what used
//! to flush the global list of pending forms) do not expire a visitor's form. Black-box, over
//! HTTP on 127.0.0.1, against the example's own binary; the process is stopped by its id.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
    /// What the example logged on stderr (`RUST_LOG=dropzone_runtime=info`).
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_example-in-form"))
        .env("ADDR", "127.0.0.1:0")
        .env("UPLOAD_DIR", dir.path())
        .stdout(Stdio::piped())
        .env("RUST_LOG", "dropzone_runtime=info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let (mut err, sink) = (child.stderr.take().unwrap(), log.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = err.read(&mut buf) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut line = String::new();
    // The example prints its address first; a dead or silent process ends the read.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep reading what it prints (a closed pipe would make its `println!` panic); the
    // thread ends when the process does.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let addr = line
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server {
        child,
        addr,
        _dir: dir,
        log,
    }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// One request on its own connection (`Connection: close`), at most 10 s.
fn request(addr: &str, head: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{head}Host: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// The `visitor=…` pair a page sets, and the page's batch token.
fn load_page(addr: &str, cookie: Option<&str>) -> (Option<String>, String) {
    let cookie_line = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    let page = request(addr, &format!("GET / HTTP/1.1\r\n{cookie_line}"), b"");
    assert_eq!(page.status, 200, "{}", page.head);
    let set = page
        .head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l["set-cookie:".len()..].split(';').next())
        .map(str::trim)
        .map(str::to_owned);
    let token = page
        .body
        .split("name=\"batch\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's batch field")
        .to_owned();
    (set, token)
}

#[test]
fn anonymous_page_loads_do_not_expire_a_visitors_form() {
    let server = start();
    let addr = server.addr.as_str();
    let (set, token) = load_page(addr, None);
    let cookie = set.unwrap_or_default();

    let boundary = "xBOUNDARYx";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kite.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(PNG);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let up = request(
        addr,
        &format!(
            "POST /upload?batch={token} HTTP/1.1\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\n"
        ),
        &body,
    );
    assert_eq!(up.status, 200, "{}\n{}", up.head, up.body);

    // Anyone's page loads, as many as the former global list held. Bounded: 1,024 requests
    // and 120 s.
    let t = Instant::now();
    for _ in 0..1024 {
        load_page(addr, None);
        assert!(t.elapsed() < Duration::from_secs(120), "too slow");
    }

    let form = format!("batch={token}&title=t&description=d");
    let done = request(
        addr,
        &format!(
            "POST /form HTTP/1.1\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n"
        ),
        form.as_bytes(),
    );
    assert_eq!(done.status, 200);
    assert!(
        done.body.contains("<ul id=\"files\">"),
        "the visitor's file was forgotten: {}",
        done.body
    );
    assert!(!done.body.contains("No files"), "{}", done.body);
}

#[test]
fn a_token_is_good_only_with_the_visitors_cookie_and_only_once() {
    let server = start();
    let addr = server.addr.as_str();
    let (set, token) = load_page(addr, None);
    let cookie = set.unwrap_or_default();
    let (other, _) = load_page(addr, None);
    let other = other.unwrap_or_default();
    assert_ne!(cookie, other);

    let post_form = |cookie: &str| {
        request(
            addr,
            &format!(
                "POST /form HTTP/1.1\r\nCookie: {cookie}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n"
            ),
            format!("batch={token}&title=t&description=d").as_bytes(),
        )
    };
    let upload = |cookie: &str| upload_png(addr, cookie, &token);
    // Another visitor's cookie: refused before a byte is stored.
    let refused = upload(&other);
    assert_eq!((refused.status, refused.body.as_str()), (400, EXPIRED));
    // Spent by its own form: refused afterwards.
    assert_eq!(post_form(&cookie).status, 200);
    let refused = upload(&cookie);
    assert_eq!((refused.status, refused.body.as_str()), (400, EXPIRED));
    assert_eq!(files_in(&server), Vec::<String>::new());
}

const EXPIRED: &str = "This form has expired: reload the page.";

/// One PNG to the zone's upload route with `batch` as the page sent it.
fn upload_png(addr: &str, cookie: &str, batch: &str) -> Reply {
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
                     Content-Type: image/png\r\n\r\n"
        .to_vec();
    body.extend_from_slice(PNG);
    body.extend_from_slice(b"\r\n--b--\r\n");
    request(
        addr,
        &format!(
            "POST /upload?batch={batch} HTTP/1.1\r\nCookie: {cookie}\r\n\
             X-Dropzone-Zone: photos\r\n\
             Content-Type: multipart/form-data; boundary=b\r\n"
        ),
        &body,
    )
}

/// Every entry of the upload folder, hidden part files included.
/// The stored files (the metadata folder `.meta` aside).
fn files_in(server: &Server) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(server._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".meta")
        .collect();
    names.sort();
    names
}

#[test]
fn an_unknown_batch_is_refused_before_its_file_reaches_the_disk() {
    let server = start();
    let addr = server.addr.as_str();
    let (set, token) = load_page(addr, None);
    let cookie = set.unwrap_or_default();
    for forged in ["", "nonsense", &token[..token.len() - 1]] {
        let refused = upload_png(addr, &cookie, forged);
        assert_eq!(refused.status, 400, "{forged:?}: {}", refused.head);
        assert_eq!(refused.body, EXPIRED);
        assert_eq!(files_in(&server), Vec::<String>::new(), "{forged:?}");
        // Not stored and then deleted: never stored (the handler deletes a file whose batch
        // it cannot record, which the folder listing alone would not tell apart).
        let log = server.log.lock().unwrap().clone();
        assert!(!log.contains("stored a file"), "{forged:?}: {log}");
        assert!(
            refused
                .head
                .to_ascii_lowercase()
                .contains("x-content-type-options: nosniff")
        );
    }
    // The page's own token stores the file.
    let stored = upload_png(addr, &cookie, &token);
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(files_in(&server).len(), 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log.lock().unwrap().contains("stored a file") {
        assert!(Instant::now() < deadline, "{}", server.log.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}
