//! `dropzone_runtime::serve`: a client that does not send a whole request head in time is cut
//! off, and no more than `max_connections` connections are served at once. Servers bind
//! 127.0.0.1:0; every wait is bounded.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::get;
use dropzone_runtime::serve::ServeOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Longest any single wait in these tests may take.
const BOUND: Duration = Duration::from_secs(5);

async fn start(options: ServeOptions) -> (SocketAddr, JoinHandle<std::io::Result<()>>) {
    let app = Router::new().route(
        "/",
        get(
            |ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { format!("hi {}", peer.ip()) },
        ),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (addr, tokio::spawn(options.serve(listener, app)))
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n";

/// Reads until the server closes the connection or `BOUND` passes; `None` on the latter.
async fn read_to_close(stream: &mut TcpStream) -> Option<(Vec<u8>, Duration)> {
    let t = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match timeout(BOUND, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((got, t.elapsed())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// One whole response head and body (`hi 127.0.0.1`), read within `wait`; `None` if none came.
async fn response_within(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    while !String::from_utf8_lossy(&got).ends_with("hi 127.0.0.1") {
        let left = deadline.checked_duration_since(Instant::now())?;
        match timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test]
async fn half_a_request_head_is_cut_off_at_the_header_read_timeout() {
    let (addr, server) =
        start(ServeOptions::new().header_read_timeout(Duration::from_millis(300))).await;

    // A whole request is answered, with the peer address available to the handler.
    let mut ok = TcpStream::connect(addr).await.unwrap();
    ok.write_all(GET).await.unwrap();
    let answer = response_within(&mut ok, BOUND).await.expect("a response");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Half a head, then silence: closed without an answer.
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Le")
        .await
        .unwrap();
    let (got, after) = read_to_close(&mut half)
        .await
        .expect("the server closes it");
    assert!(
        got.is_empty() || got.starts_with(b"HTTP/1.1 408"),
        "{got:?}"
    );
    assert!(after < Duration::from_secs(2), "closed after {after:?}");

    // Nothing at all: closed too.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let (_, after) = read_to_close(&mut silent)
        .await
        .expect("the server closes it");
    assert!(after < Duration::from_secs(2), "closed after {after:?}");

    // The kept-alive connection that got its answer is closed once idle as long.
    let (_, after) = read_to_close(&mut ok).await.expect("the server closes it");
    assert!(after < Duration::from_secs(2), "closed after {after:?}");
    server.abort();
}

#[tokio::test]
async fn a_head_trickled_byte_by_byte_is_cut_off_all_the_same() {
    let (addr, server) =
        start(ServeOptions::new().header_read_timeout(Duration::from_millis(300))).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    let t = Instant::now();
    let head = b"GET / HTTP/1.1\r\nHost: t\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    // One byte every 20 ms: the whole head would take about 1.7 s, each byte comes well
    // within any per-read timeout, and the deadline is on the head as a whole.
    let mut cut = false;
    for byte in head {
        if slow.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        let mut buf = [0u8; 256];
        match timeout(Duration::from_millis(20), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                cut = true;
                break;
            }
            Ok(Ok(_)) => panic!("answered a head that came too slowly"),
            Err(_) => {}
        }
    }
    assert!(cut, "the whole head was accepted after {:?}", t.elapsed());
    assert!(
        t.elapsed() < Duration::from_millis(1200),
        "cut after {:?}",
        t.elapsed()
    );
    server.abort();
}

#[tokio::test]
async fn no_more_than_max_connections_are_served_at_once() {
    let options = ServeOptions::new()
        .max_connections(2)
        .header_read_timeout(Duration::from_secs(30));
    let (addr, server) = start(options).await;

    // Two clients hold both slots with half a head each.
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        holders.push(s);
    }
    // Make sure both were accepted before the third arrives (a whole request on a held slot
    // is still answered, and proves its slot is taken).
    holders[0].write_all(b"st: t\r\n\r\n").await.unwrap();
    response_within(&mut holders[0], BOUND)
        .await
        .expect("slot 1 serves");
    holders[1].write_all(b"st: t\r\n\r\n").await.unwrap();
    response_within(&mut holders[1], BOUND)
        .await
        .expect("slot 2 serves");

    // The third connects (the kernel's backlog takes it) but is not served.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third.write_all(GET).await.unwrap();
    assert_eq!(
        response_within(&mut third, Duration::from_millis(700)).await,
        None,
        "a third connection was served while two were open"
    );

    // Once a slot frees, the waiting connection is served.
    drop(holders.remove(0));
    let answer = response_within(&mut third, BOUND)
        .await
        .expect("served once a slot is free");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.abort();
}

#[tokio::test]
async fn a_request_head_over_64_kib_is_refused_with_431() {
    let (addr, server) = start(ServeOptions::new()).await;
    let mut big = TcpStream::connect(addr).await.unwrap();
    // 80 KiB of one header: more than the 64 KiB a request head may have.
    let head = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "a".repeat(80 * 1024)
    );
    let _ = big.write_all(head.as_bytes()).await;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        match timeout(BOUND, big.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 431"), "{text:?}");

    // 8 KiB of headers, more than browsers send, is fine.
    let mut ok = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "a".repeat(8 * 1024)
    );
    ok.write_all(head.as_bytes()).await.unwrap();
    let answer = response_within(&mut ok, BOUND).await.expect("a response");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.abort();
}
