//! Content sniffing through a `Router`: a file whose bytes contradict the zone's media-type rule
//! is refused with 415 and the zone's message, however its head arrives, and nothing is left.

#[path = "upload_common/mod.rs"]
mod common;

use axum::body::{Body, Bytes};
use common::*;
use http::{Request, StatusCode};

const INVALID: &str = "You can't upload files of this type.";

/// Known magic numbers, padded with noise so every matcher has the length it needs.
fn disguised() -> Vec<(&'static str, Vec<u8>)> {
    let pad = |head: &[u8]| {
        let mut v = head.to_vec();
        v.extend(png_bytes(4096).into_iter().skip(8));
        v
    };
    vec![
        ("elf", pad(b"\x7fELF\x02\x01\x01\0")),
        ("pe", pad(b"MZ\x90\0\x03\0\0\0")),
        ("zip", pad(b"PK\x03\x04\x14\0\0\0")),
        ("pdf", pad(b"%PDF-1.7\n")),
        ("html", pad(b"\n  <html><script>alert(1)</script>")),
        ("script", pad(b"#!/bin/sh\nrm -rf /\n")),
    ]
}

#[tokio::test]
async fn disguised_files_are_415_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (route, declared) in [("/images", "image/png"), ("/png", "image/png")] {
        for (kind, bytes) in disguised() {
            let body = Multipart::new()
                .file("file", "cat.png", declared, &bytes)
                .finish();
            let answer = post_body(app(dir.path()), route, body).await;
            assert_eq!(
                answer.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{route} {kind}: {}",
                answer.text
            );
            assert_eq!(answer.text, INVALID, "{route} {kind}");
            assert_eq!(entries(dir.path()), Vec::<String>::new(), "{route} {kind}");
        }
    }
}

#[tokio::test]
async fn real_and_unrecognised_images_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = {
        let mut v = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec();
        v.extend(vec![0x55; 5000]);
        v
    };
    let cases: Vec<(&str, &str, &str, Vec<u8>)> = vec![
        ("/images", "a.png", "image/png", png_bytes(20_000)),
        ("/images", "a.jpg", "image/jpeg", jpeg),
        // Not recognised (no magic number): only positive evidence refuses.
        (
            "/images",
            "a.svg",
            "image/svg+xml",
            b"<svg xmlns=\"x\"/>".to_vec(),
        ),
        ("/png", "a.png", "image/png", png_bytes(9000)),
        // Extension rules are about names: not sniffed.
        ("/pdfs", "a.pdf", "image/png", disguised()[0].1.clone()),
        // No rules: not sniffed.
        ("/any", "a.bin", "image/png", disguised()[0].1.clone()),
    ];
    for (route, name, declared, bytes) in cases {
        let body = Multipart::new()
            .file("file", name, declared, &bytes)
            .finish();
        let answer = post_body(app(dir.path()), route, body).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{route} {name}: {}",
            answer.text
        );
        let stored = answer.json()["file"].as_str().unwrap().to_owned();
        assert!(std::fs::read(dir.path().join(stored)).unwrap() == bytes);
    }
}

/// The head arrives one byte per chunk and is still read whole before anything is stored; a
/// file that is bigger than the sniffed head is stored byte-identical afterwards.
#[tokio::test]
async fn a_head_split_across_chunks_is_still_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    for (bytes, ok) in [(disguised()[0].1.clone(), false), (png_bytes(40_000), true)] {
        let body = Multipart::new()
            .file("file", "a.png", "image/png", &bytes)
            .finish();
        let split = body.iter().position(|&b| b == 0x7f || b == 0x89).unwrap();
        let mut chunks: Vec<Result<Bytes, std::io::Error>> =
            vec![Ok(Bytes::copy_from_slice(&body[..split]))];
        for b in &body[split..split + 100] {
            chunks.push(Ok(Bytes::copy_from_slice(&[*b])));
        }
        chunks.push(Ok(Bytes::copy_from_slice(&body[split + 100..])));
        let req = Request::post("/images")
            .header("content-type", content_type())
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap();
        let answer = send(app(dir.path()), req).await;
        if ok {
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
            let stored = answer.json()["file"].as_str().unwrap().to_owned();
            assert!(std::fs::read(dir.path().join(stored)).unwrap() == bytes);
        } else {
            assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert_eq!(entries(dir.path()), Vec::<String>::new());
        }
    }
}

#[tokio::test]
async fn in_a_batch_only_the_disguised_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let png = png_bytes(3000);
    let body = Multipart::new()
        .file("file[0]", "real.png", "image/png", &png)
        .file("file[1]", "fake.png", "image/png", &disguised()[2].1)
        .finish();
    let answer = post_body(app(dir.path()), "/batch", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json = answer.json();
    assert_eq!(json["outcomes"][0]["saved"], true);
    assert_eq!(json["outcomes"][1]["saved"], false);
    assert_eq!(json["outcomes"][1]["status"], 415);
    assert_eq!(json["outcomes"][1]["message"], INVALID);
    assert_eq!(entries(dir.path()).len(), 1);
}
