//! Hostile multipart bodies: part headers that never end, long preambles, thousands of parts,
//! and a property-based fuzz target that mutates, truncates and garbles real bodies. Whatever
//! comes, the extractor answers 2xx or 4xx, never panics, never holds more than its bounds, and
//! never leaves a `.part-*` file behind.

#[path = "upload_common/mod.rs"]
mod common;

use axum::body::{Body, Bytes};
use common::*;
use dropzone_runtime::upload::{MAX_PART_HEADER_BYTES, MAX_PARTS, MAX_PREAMBLE_BYTES};
use http::{Request, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::Cell;
use std::path::Path;
use std::time::Duration;

/// Sends `prefix` and then keeps the connection open without sending more. The answer must
/// come anyway, within 10 s: the extractor refused on what it had, instead of buffering on.
async fn answer_to_stalled(route: &str, prefix: Vec<u8>, dir: &Path) -> Answer {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    for chunk in prefix.chunks(8192) {
        tx.send(Ok(Bytes::copy_from_slice(chunk))).await.unwrap();
    }
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let req = Request::post(route)
        .header("content-type", content_type())
        .body(Body::from_stream(stream))
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), send(app(dir), req))
        .await
        .expect("the extractor kept reading instead of refusing");
    drop(tx);
    answer
}

#[tokio::test]
async fn part_headers_that_never_end_are_refused_at_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nX-Pad: "
    )
    .into_bytes();
    body.extend(vec![b'a'; MAX_PART_HEADER_BYTES + 8192]);
    let answer = answer_to_stalled("/any", body, dir.path()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert!(
        answer.text.contains("headers are larger"),
        "{}",
        answer.text
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());

    // Just under the bound is fine.
    let pad = "a".repeat(MAX_PART_HEADER_BYTES - 200);
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nX-Pad: {pad}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(b"data\r\n");
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let answer = post_body(app(dir.path()), "/any", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
}

#[tokio::test]
async fn a_long_preamble_is_refused_at_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let answer = answer_to_stalled("/any", vec![b'p'; MAX_PREAMBLE_BYTES + 8192], dir.path()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert!(
        answer.text.contains("before the first boundary"),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn thousands_of_parts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // File parts under other names are skipped unread, and batch refusals are per file: only
    // the part bound stops these bodies.
    for (route, name) in [("/any", "other"), ("/batch", "file")] {
        let mut m = Multipart::new();
        for i in 0..(MAX_PARTS + 500) {
            let field = if name == "file" {
                format!("file[{i}]")
            } else {
                name.to_owned()
            };
            m = m.file(&field, "x.png", "image/png", b"");
        }
        let m = m.file("file", "a.png", "image/png", b"data");
        let answer = post_body(app(dir.path()), route, m.finish()).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{route}: {}",
            answer.text
        );
        assert!(answer.text.contains("parts"), "{route}: {}", answer.text);
        assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------------------
// Fuzz target: real bodies, then mutated.

const FUZZ_CASES: u32 = 4000;
const ROUTES: [&str; 7] = [
    "/any", "/images", "/pdfs", "/png", "/batch", "/batch2", "/avatar",
];

#[derive(Clone, Debug)]
enum Part {
    Text(String, Vec<u8>),
    File(String, Vec<u8>, String, Vec<u8>),
}

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(prop::sample::Index),
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, Vec<u8>),
    Delete(prop::sample::Index, usize),
    Duplicate(prop::sample::Index, usize),
    InsertBoundary(prop::sample::Index, bool),
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("file".to_owned()),
        3 => (0u8..6).prop_map(|i| format!("file[{i}]")),
        1 => Just("avatar".to_owned()),
        1 => Just("csrf_token".to_owned()),
        1 => "[a-z\\[\\]\"\\\\;=]{0,12}",
    ]
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        (0usize..70_000).prop_map(png_bytes),
        Just(b"\x7fELF\x02\x01\x01\0".repeat(20)),
        Just(format!("\r\n--{BOUNDARY}").into_bytes()),
    ]
}

fn part() -> impl Strategy<Value = Part> {
    prop_oneof![
        (
            field_name(),
            prop_oneof![
                3 => "[ -~]{0,100}".prop_map(String::into_bytes),
                1 => prop::collection::vec(any::<u8>(), 0..200),
            ]
        )
            .prop_map(|(n, v)| Part::Text(n, v)),
        (
            field_name(),
            prop_oneof![
                3 => "[A-Za-z0-9 ._-]{0,20}\\.(png|pdf|jpg)".prop_map(String::into_bytes),
                1 => prop::collection::vec(any::<u8>(), 0..40),
            ],
            prop_oneof![
                4 => Just("image/png".to_owned()),
                1 => Just(String::new()),
                1 => Just("application/pdf".to_owned()),
                1 => "[ -~]{0,30}"
            ],
            content()
        )
            .prop_map(|(n, f, t, c)| Part::File(n, f, t, c)),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<prop::sample::Index>(), 1usize..400).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        (any::<prop::sample::Index>(), any::<bool>())
            .prop_map(|(i, close)| Mutation::InsertBoundary(i, close)),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    route: &'static str,
    parts: Vec<Part>,
    finished: bool,
    mutations: Vec<Mutation>,
    /// Replace the whole body with bytes.
    garbage: Option<Vec<u8>>,
    /// Deliver the body in chunks of this size.
    chunk: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(ROUTES.to_vec()),
        prop::collection::vec(part(), 0..5),
        prop::bool::weighted(0.8),
        prop_oneof![
            2 => Just(Vec::new()),
            3 => prop::collection::vec(mutation(), 1..4),
        ],
        prop::option::weighted(0.1, prop::collection::vec(any::<u8>(), 0..2000)),
        prop_oneof![Just(usize::MAX), 1usize..4096],
    )
        .prop_map(|(route, parts, finished, mutations, garbage, chunk)| Case {
            route,
            parts,
            finished,
            mutations,
            garbage,
            chunk,
        })
}

fn build(c: &Case) -> Vec<u8> {
    if let Some(g) = &c.garbage {
        return g.clone();
    }
    let mut m = Multipart::new();
    for p in &c.parts {
        m = match p {
            Part::Text(n, v) => m.text(n, v),
            Part::File(n, f, t, data) => m.file(n, f, t, data),
        };
    }
    let mut body = if c.finished {
        m.finish()
    } else {
        m.unfinished()
    };
    for mutation in &c.mutations {
        let at = |i: &prop::sample::Index, len: usize| if len == 0 { 0 } else { i.index(len) };
        match mutation {
            Mutation::Truncate(i) => body.truncate(at(i, body.len())),
            Mutation::Flip(i, b) => {
                if !body.is_empty() {
                    let k = at(i, body.len());
                    body[k] ^= b | 1;
                }
            }
            Mutation::Insert(i, v) => {
                let k = at(i, body.len() + 1);
                body.splice(k..k, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let k = at(i, body.len());
                let end = (k + n).min(body.len());
                body.drain(k..end);
            }
            Mutation::Duplicate(i, n) => {
                let k = at(i, body.len());
                let end = (k + n).min(body.len());
                let slice = body[k..end].to_vec();
                body.splice(k..k, slice);
            }
            Mutation::InsertBoundary(i, close) => {
                let k = at(i, body.len() + 1);
                let b = if *close {
                    format!("\r\n--{BOUNDARY}--\r\n")
                } else {
                    format!("\r\n--{BOUNDARY}\r\n")
                };
                body.splice(k..k, b.into_bytes());
            }
        }
    }
    body
}

fn check(rt: &tokio::runtime::Runtime, dir: &Path, c: &Case) -> Result<StatusCode, String> {
    let body = build(c);
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(c.chunk.min(body.len().max(1)))
        .map(|ch| Ok(Bytes::copy_from_slice(ch)))
        .collect();
    let req = Request::post(c.route)
        .header("content-type", content_type())
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let answer = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(20), send(app(dir), req))
            .await
            .map_err(|_| "no answer within 20 s".to_owned())
    })?;
    let status = answer.status;
    if !(status.is_success() || status.is_client_error()) {
        return Err(format!("status {status}: {}", answer.text));
    }
    // A part file whose first write was still on the blocking pool when the request ended is
    // created and then deleted by that write's task: give it a bounded moment to go.
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    let mut names = entries(dir);
    while names.iter().any(|n| n.starts_with(".part-")) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        names = entries(dir);
    }
    if let Some(part) = names.iter().find(|n| n.starts_with(".part-")) {
        return Err(format!("left {part} behind ({status})"));
    }
    if !status.is_success() && !names.is_empty() {
        return Err(format!("a refused request stored {names:?}"));
    }
    for name in names {
        std::fs::remove_file(dir.join(".meta").join(format!("{name}.json"))).unwrap();
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    Ok(status)
}

#[test]
fn fuzzed_bodies_never_panic_nor_leave_part_files() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: FUZZ_CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = Cell::new(0u32);
    let ok = Cell::new(0u32);
    runner
        .run(&case(), |c| {
            ran.set(ran.get() + 1);
            let status = check(&rt, dir.path(), &c).map_err(TestCaseError::fail)?;
            if status.is_success() {
                ok.set(ok.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    println!(
        "multipart fuzz: {} proptest cases, {} answered 2xx, the rest 4xx",
        ran.get(),
        ok.get()
    );
    assert!(ran.get() >= FUZZ_CASES);
}
