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
async fn real_files_are_stored_under_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = {
        let mut v = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec();
        v.extend(vec![0x55; 5000]);
        v
    };
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
    let cases = [
        (
            "/images",
            "a.png",
            "image/png",
            png_bytes(20_000),
            Some("png"),
        ),
        (
            "/images",
            "a.jpeg",
            "image/jpeg",
            jpeg.clone(),
            Some("jpeg"),
        ),
        // A JPEG named .png is an image: stored as the JPEG it is.
        ("/images", "a.png", "image/png", jpeg, Some("jpg")),
        ("/png", "a.png", "image/png", png_bytes(9000), Some("png")),
        (
            "/pdfs",
            "a.pdf",
            "application/pdf",
            disguised()[3].1.clone(),
            Some("pdf"),
        ),
        // SVG is stored only by a rule that names it.
        ("/svg", "a.svg", "image/svg+xml", svg, Some("svg")),
        // No rules: anything is stored, with no extension unless the content names one.
        ("/any", "a.exe", "image/png", disguised()[0].1.clone(), None),
        (
            "/any",
            "a.html",
            "text/html",
            disguised()[4].1.clone(),
            None,
        ),
    ];
    for (route, name, declared, bytes, ext) in cases {
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
        assert_random_name(&stored, ext);
        assert!(std::fs::read(dir.path().join(stored)).unwrap() == bytes);
    }
}

/// Hole 1 of the attack review: the stored extension came from the client's name, so an
/// image zone stored `<uuid>.html`, `.php`, `.exe`, `.svg`.
#[tokio::test]
async fn an_image_zone_stores_image_extensions_only() {
    let dir = tempfile::tempdir().unwrap();
    for route in ["/images", "/png"] {
        for name in ["x.html", "x.png.html", "x.php", "x.exe", "x.svg", "x"] {
            let body = Multipart::new()
                .file("file", name, "image/png", &png_bytes(2000))
                .finish();
            let answer = post_body(app(dir.path()), route, body).await;
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "{route} {name}: {}",
                answer.text
            );
            assert_random_name(answer.json()["file"].as_str().unwrap(), Some("png"));
        }
    }
    assert!(entries(dir.path()).iter().all(|n| n.ends_with(".png")));
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut v = if little_endian {
        vec![0xff, 0xfe]
    } else {
        vec![0xfe, 0xff]
    };
    for unit in text.encode_utf16() {
        v.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    v
}

/// Hole 2 of the attack review: these bypassed sniffing and were stored in the image zone.
#[tokio::test]
async fn markup_and_unrecognised_bytes_claimed_as_images_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let page = "<html><script>alert(1)</script></html>";
    let mut spaces = vec![b' '; 9 * 1024];
    spaces.extend_from_slice(page.as_bytes());
    let mut png_then_script = png_bytes(600);
    png_then_script.extend_from_slice(b"<script>alert(1)</script>");
    png_then_script.extend(png_bytes(600));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "utf-8 bom",
            [&b"\xef\xbb\xbf"[..], page.as_bytes()].concat(),
        ),
        ("utf-16le bom", utf16(page, true)),
        ("utf-16be bom", utf16(page, false)),
        ("svg onload", b"<svg onload=alert(1)>".to_vec()),
        ("img onerror", b"<img src=x onerror=alert(1)>".to_vec()),
        (
            "text before script",
            b"hi<script>alert(1)</script>".to_vec(),
        ),
        ("9 KiB of spaces", spaces),
        ("3 bytes of text", b"abc".to_vec()),
        ("png header then script", png_then_script),
        (
            "real svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        ),
    ];
    for route in ["/images", "/png"] {
        for (what, bytes) in &cases {
            let body = Multipart::new()
                .file("file", "x.png", "image/png", bytes)
                .finish();
            let answer = post_body(app(dir.path()), route, body).await;
            assert_eq!(
                answer.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{route} {what}: {}",
                answer.text
            );
            assert_eq!(answer.text, INVALID);
        }
    }
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

/// Hole 2, last part: an extension rule (`.pdf`) turned sniffing off.
#[tokio::test]
async fn an_extension_rule_checks_the_content_too() {
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes) in [
        ("png", png_bytes(3000)),
        ("html", disguised()[4].1.clone()),
        ("text", b"hello".to_vec()),
    ] {
        let body = Multipart::new()
            .file("file", "x.pdf", "application/pdf", &bytes)
            .finish();
        let answer = post_body(app(dir.path()), "/pdfs", body).await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{what}: {}",
            answer.text
        );
    }
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
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
            assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
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
