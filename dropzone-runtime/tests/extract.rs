//! `Upload<Z>` through a `Router`: what is stored, what is refused, and that nothing is left
//! behind on failure.

#[path = "upload_common/mod.rs"]
mod common;

use axum::body::Body;
use common::*;
use http::{Request, StatusCode};

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

#[tokio::test]
async fn png_is_saved_byte_identical_under_a_random_name() {
    let dir = tempfile::tempdir().unwrap();
    // Larger than one write block (1 MiB) so buffered, overlapped writes are exercised.
    let png = png_bytes(MIB + MIB / 2 + 7);
    let body = Multipart::new()
        .file("file", "My cool photo.PNG", "image/png", &png)
        .finish();
    let answer = post_body(app(dir.path()), "/images", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);

    let json = answer.json();
    let saved = &json["outcomes"][0];
    let stored = saved["stored_name"].as_str().unwrap();
    assert_random_name(stored, Some("png"));
    assert_eq!(json["file"], stored);
    assert_eq!(saved["original_name"], "My_cool_photo.PNG");
    assert_eq!(saved["size"], png.len() as u64);
    assert_eq!(saved["content_type"], "image/png");
    assert_eq!(saved["field"], "file");
    assert_eq!(
        saved["path"].as_str().unwrap(),
        dir.path().join(stored).to_str().unwrap()
    );

    assert_eq!(entries(dir.path()), vec![stored.to_owned()]);
    assert!(std::fs::read(dir.path().join(stored)).unwrap() == png);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(stored))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }
}

#[tokio::test]
async fn a_file_of_exactly_max_file_size_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file(
            "file",
            "edge.bin",
            "application/octet-stream",
            &vec![7; MIB],
        )
        .finish();
    let answer = post_body(app(dir.path()), "/any", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["outcomes"][0]["size"], MIB as u64);
    assert_eq!(entries(dir.path()).len(), 1);
}

#[tokio::test]
async fn oversize_file_is_413_with_the_zone_message_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file(
            "file",
            "big.bin",
            "application/octet-stream",
            &vec![1; MIB + 1],
        )
        .finish();
    let answer = post_body(app(dir.path()), "/any", body).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.content_type, TEXT_PLAIN);
    assert_eq!(
        answer.text,
        "File is too big (more than 1MiB). Max filesize: 1MiB."
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn wrong_type_is_415_with_the_zone_message_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file", "notes.png", "text/plain", b"hello")
        .finish();
    let answer = post_body(app(dir.path()), "/images", body).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.content_type, TEXT_PLAIN);
    assert_eq!(answer.text, "You can't upload files of this type.");
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn extension_rules_look_at_the_name_and_mime_rules_at_the_part_type() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str, StatusCode); 8] = [
        // `.pdf`: the name decides, ignoring case; the claimed type does not matter.
        (
            "/pdfs",
            "Report.PDF",
            "application/octet-stream",
            StatusCode::OK,
        ),
        (
            "/pdfs",
            "report.txt",
            "application/pdf",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "/pdfs",
            "report.pdf.exe",
            "application/pdf",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        // `image/*`: the part's top-level type decides; the name does not matter.
        ("/images", "scan.pdf", "image/jpeg", StatusCode::OK),
        (
            "/images",
            "photo.png",
            "application/octet-stream",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "/images",
            "photo.png",
            "",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        // `image/png`: exact.
        ("/png", "a.png", "image/png", StatusCode::OK),
        (
            "/png",
            "a.png",
            "image/jpeg",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ];
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec();
    for (uri, name, content_type, want) in cases {
        // Real content of the kind each route wants: the content check (extract_sniff.rs)
        // is not what this test is about.
        let data = if uri == "/pdfs" {
            pdf.clone()
        } else {
            png_bytes(100)
        };
        let body = Multipart::new()
            .file("file", name, content_type, &data)
            .finish();
        let answer = post_body(app(dir.path()), uri, body).await;
        assert_eq!(
            answer.status, want,
            "{uri} {name} {content_type}: {}",
            answer.text
        );
    }
    // Only the three accepted uploads are stored.
    assert_eq!(entries(dir.path()).len(), 3);
}

#[tokio::test]
async fn the_zone_input_name_is_the_file_field() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file", "a.png", "image/png", b"data")
        .finish();
    let answer = post_body(app(dir.path()), "/avatar", body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text.contains("`avatar`"), "{}", answer.text);

    let body = Multipart::new()
        .file("avatar", "a.png", "image/png", b"data")
        .finish();
    let answer = post_body(app(dir.path()), "/avatar", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["outcomes"][0]["field"], "avatar");
    assert_eq!(entries(dir.path()).len(), 1);
}

#[tokio::test]
async fn malformed_bodies_are_400_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = Multipart::new()
        .file(
            "file",
            "a.bin",
            "application/octet-stream",
            &png_bytes(300_000),
        )
        .finish();
    let truncated = {
        let mut b = Multipart::new()
            .file(
                "file",
                "a.bin",
                "application/octet-stream",
                &png_bytes(300_000),
            )
            .unfinished();
        b.truncate(200_000);
        b
    };
    let no_closing = Multipart::new()
        .file(
            "file",
            "a.bin",
            "application/octet-stream",
            &png_bytes(300_000),
        )
        .unfinished();
    let cases: Vec<(Option<String>, Vec<u8>, &str)> = vec![
        (None, good.clone(), "no content type"),
        (Some("text/plain".into()), good.clone(), "not multipart"),
        (Some("multipart/form-data".into()), good.clone(), "no boundary"),
        (Some(content_type()), truncated, "truncated in the file"),
        (Some(content_type()), no_closing, "no closing boundary"),
        (Some(content_type()), b"this is not multipart".to_vec(), "garbage"),
        (
            Some(content_type()),
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nBroken header line\r\n\r\nxx\r\n--{BOUNDARY}--\r\n").into_bytes(),
            "broken part header",
        ),
    ];
    for (content_type, body, what) in cases {
        let mut req = Request::post("/any");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let answer = send(app(dir.path()), req.body(Body::from(body)).unwrap()).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            answer.text
        );
        assert_eq!(answer.content_type, TEXT_PLAIN, "{what}");
        assert!(
            answer.text.starts_with("Malformed upload: "),
            "{what}: {}",
            answer.text
        );
        assert_eq!(entries(dir.path()), Vec::<String>::new(), "{what}");
    }
}

#[tokio::test]
async fn a_body_stream_error_mid_file_is_400_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let head = Multipart::new()
        .file(
            "file",
            "a.bin",
            "application/octet-stream",
            &png_bytes(2 * MIB),
        )
        .unfinished();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(head[..MIB / 2].to_vec()),
        Ok(head[MIB / 2..MIB].to_vec()),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "client went away",
        )),
    ];
    let req = Request::post("/any")
        .header("content-type", content_type())
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let answer = send(app(dir.path()), req).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_body_that_ends_mid_file_is_400_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let head = Multipart::new()
        // Past the first 1 MiB write block (what creates the part file), inside the 2 MiB zone.
        .file("file", "a.png", "image/png", &png_bytes(MIB * 19 / 10))
        .unfinished();
    // Streamed in 64 KiB pieces, so the file is well under way when the body just stops.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = head[..3 * MIB / 4]
        .chunks(64 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let req = Request::post("/any")
        .header("content-type", content_type())
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let answer = send(app(dir.path()), req).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert!(
        answer.text.starts_with("Malformed upload: "),
        "{}",
        answer.text
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn dropping_the_request_future_mid_file_removes_the_part_file() {
    let dir = tempfile::tempdir().unwrap();
    let head = Multipart::new()
        // Past the first 1 MiB write block (what creates the part file), inside the 2 MiB zone.
        .file("file", "a.png", "image/png", &png_bytes(MIB * 19 / 10))
        .unfinished();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let req = Request::post("/images")
        .header("content-type", content_type())
        .body(Body::from_stream(tokio_stream(rx)))
        .unwrap();
    let task = tokio::spawn(send(app(dir.path()), req));
    tx.send(Ok(head[..MIB * 3 / 2].to_vec())).await.unwrap();
    // Wait until the part file exists, i.e. the extractor is mid-file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !entries(dir.path()).iter().any(|n| n.starts_with(".part-")) {
        assert!(
            std::time::Instant::now() < deadline,
            "no part file appeared"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    drop(tx);
    // A write in flight on the blocking pool owns the part file until it ends; the file is
    // deleted as soon as it does (bounded wait: the write is at most one 1 MiB block).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !entries(dir.path()).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "left behind: {:?}",
            entries(dir.path())
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// A `Stream` over an mpsc receiver, without pulling in tokio-stream.
fn tokio_stream<T: Send + 'static>(
    rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|t| (t, rx)) })
}

#[tokio::test]
async fn no_file_part_is_400_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let only_text = Multipart::new().text("csrf_token", "abc").finish();
    let empty_input = Multipart::new()
        .text("csrf_token", "abc")
        .file("file", "", "application/octet-stream", b"")
        .finish();
    let nothing = Multipart::new().finish();
    for body in [only_text, empty_input, nothing] {
        let answer = post_body(app(dir.path()), "/any", body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            answer.text,
            "No file in the upload: expected a file part named `file`."
        );
    }
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn text_fields_are_collected() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .text("csrf_token", "tok-123")
        .text("tag", "a")
        .text("tag", "b")
        .text("dzuuid", "3f2c")
        .file("file", "a.png", "image/png", &png_bytes(100))
        .finish();
    let answer = post_body(app(dir.path()), "/images", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json = answer.json();
    assert_eq!(json["csrf"], "tok-123");
    assert_eq!(
        json["fields"],
        serde_json::json!([
            ["csrf_token", "tok-123"],
            ["tag", "a"],
            ["tag", "b"],
            ["dzuuid", "3f2c"]
        ])
    );
}

#[tokio::test]
async fn text_fields_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let file = |m: Multipart| {
        m.file("file", "a.png", "image/png", &png_bytes(100))
            .finish()
    };

    let mut many = Multipart::new();
    for i in 0..64 {
        many = many.text(&format!("f{i}"), "x");
    }
    let answer = post_body(app(dir.path()), "/images", file(many)).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "64 fields are fine: {}",
        answer.text
    );

    let mut too_many = Multipart::new();
    for i in 0..65 {
        too_many = too_many.text(&format!("f{i}"), "x");
    }
    let answer = post_body(app(dir.path()), "/images", file(too_many)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);

    let big = Multipart::new().text("note", vec![b'x'; 64 * 1024]);
    let answer = post_body(app(dir.path()), "/images", file(big)).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "64 KiB is fine: {}",
        answer.text
    );

    let too_big = Multipart::new().text("note", vec![b'x'; 64 * 1024 + 1]);
    let answer = post_body(app(dir.path()), "/images", file(too_big)).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    // The client's field name is not echoed.
    assert_eq!(answer.text, "A form field is larger than 65536 bytes.");

    let not_utf8 = Multipart::new().text("note", b"\xff\xfe");
    let answer = post_body(app(dir.path()), "/images", file(not_utf8)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);

    // Two stored files from the two accepted requests, nothing else.
    assert_eq!(entries(dir.path()).len(), 2);
}

#[tokio::test]
async fn a_body_over_the_zone_limit_is_413() {
    use dropzone_runtime::upload::{BODY_OVERHEAD, Upload};
    // 1 MiB zone, single file: 2 MiB.
    let limit = Upload::<AnyFile>::BODY_LIMIT;
    assert_eq!(limit, MIB as u64 + BODY_OVERHEAD);
    // Batch of three 1 MiB files: 4 MiB; capped by max_files = 2: 3 MiB.
    assert_eq!(Upload::<Batch>::BODY_LIMIT, 3 * MIB as u64 + BODY_OVERHEAD);
    assert_eq!(
        Upload::<BatchMax2>::BODY_LIMIT,
        2 * MIB as u64 + BODY_OVERHEAD
    );

    let dir = tempfile::tempdir().unwrap();
    // Announced: refused before reading.
    let req = Request::post("/any")
        .header("content-type", content_type())
        .header("content-length", (limit + 1).to_string())
        .body(Body::from(Multipart::new().finish()))
        .unwrap();
    let answer = send(app(dir.path()), req).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A single-file zone: the one file is too big, in the zone's words, whatever the overshoot.
    assert_eq!(
        answer.text,
        "File is too big (more than 1MiB). Max filesize: 1MiB."
    );

    // Streamed without a length: 40 text fields of 60 KiB (each allowed) pass 2 MiB.
    let mut body = Multipart::new();
    for i in 0..40 {
        body = body.text(&format!("f{i}"), vec![b'x'; 60 * 1024]);
    }
    let body = body
        .file("file", "a.bin", "application/octet-stream", b"data")
        .finish();
    assert!(body.len() as u64 > limit);
    let answer = post_body(app(dir.path()), "/any", body).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    assert!(
        answer.text.starts_with("File is too big"),
        "{}",
        answer.text
    );

    // In a batch, refused files count too: three oversize files pass 4 MiB mid-stream.
    let big = vec![0u8; MIB + MIB / 2];
    let body = Multipart::new()
        .file("file[0]", "a.png", "image/png", &big)
        .file("file[1]", "b.png", "image/png", &big)
        .file("file[2]", "c.png", "image/png", &big)
        .finish();
    let answer = post_body(app(dir.path()), "/batch", body).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    assert!(
        answer.text.starts_with("The upload is too large"),
        "{}",
        answer.text
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn an_outer_body_limit_layer_is_answered_413() {
    use axum::extract::Request as AxumRequest;
    let dir = tempfile::tempdir().unwrap();
    // What tower-http's RequestBodyLimitLayer does to a body without Content-Length.
    let app =
        app(dir.path()).layer(axum::middleware::map_request(
            |req: AxumRequest| async move {
                req.map(|b| Body::new(http_body_util::Limited::new(b, 1000)))
            },
        ));
    let body = Multipart::new()
        .file("file", "a.bin", "application/octet-stream", &[0; 5000])
        .finish();
    let answer = post_body(app, "/any", body).await;
    assert_eq!(
        answer.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        answer.text
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn batch_refuses_one_file_and_saves_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let png = png_bytes(10_000);
    let body = Multipart::new()
        .file("file[0]", "ok.png", "image/png", &png)
        .file("file[1]", "notes.txt", "text/plain", b"not an image")
        .file("file[2]", "huge.png", "image/png", &png_bytes(MIB + 10))
        .finish();
    let answer = post_body(app(dir.path()), "/batch", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json = answer.json();
    let outcomes = json["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 3);

    assert_eq!(outcomes[0]["saved"], true);
    assert_eq!(outcomes[0]["field"], "file[0]");
    assert_eq!(outcomes[0]["original_name"], "ok.png");
    let stored = outcomes[0]["stored_name"].as_str().unwrap();
    assert_random_name(stored, Some("png"));

    assert_eq!(outcomes[1]["saved"], false);
    assert_eq!(outcomes[1]["field"], "file[1]");
    assert_eq!(outcomes[1]["original_name"], "notes.txt");
    assert_eq!(outcomes[1]["status"], 415);
    assert_eq!(
        outcomes[1]["message"],
        "You can't upload files of this type."
    );

    // In a batch the oversize part is read to its end, so its real size is known.
    assert_eq!(outcomes[2]["saved"], false);
    assert_eq!(outcomes[2]["status"], 413);
    assert_eq!(
        outcomes[2]["message"],
        "File is too big (1MiB). Max filesize: 1MiB."
    );

    assert_eq!(entries(dir.path()), vec![stored.to_owned()]);
    assert!(std::fs::read(dir.path().join(stored)).unwrap() == png);
}

#[tokio::test]
async fn a_batch_where_every_file_is_refused_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file[0]", "a.txt", "text/plain", b"x")
        .file("file[1]", "b.txt", "text/plain", b"y")
        .finish();
    let answer = post_body(app(dir.path()), "/batch", body).await;
    // The first refusal's status, with every file's reason as JSON (tests/report.rs).
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.content_type, "application/json");
    assert_eq!(answer.json()["files"].as_array().unwrap().len(), 2);
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn batch_parts_beyond_parallel_uploads_or_max_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = Multipart::new();
    for i in 0..4 {
        body = body.file(
            &format!("file[{i}]"),
            format!("{i}.png"),
            "image/png",
            &png_bytes(100),
        );
    }
    let answer = post_body(app(dir.path()), "/batch", body.finish()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json = answer.json();
    let outcomes = json["outcomes"].as_array().unwrap();
    let saved: Vec<bool> = outcomes.iter().map(|o| o["saved"] == true).collect();
    assert_eq!(saved, [true, true, true, false]);
    assert_eq!(outcomes[3]["status"], 400);
    assert_eq!(outcomes[3]["message"], "You cannot upload any more files.");
    assert_eq!(entries(dir.path()).len(), 3);

    // max_files = 2 caps a batch below parallel_uploads = 5; plain `file` counts too.
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file", "a", "", b"1")
        .file("file[1]", "b", "", b"2")
        .file("file[2]", "c", "", b"3")
        .finish();
    let answer = post_body(app(dir.path()), "/batch2", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json = answer.json();
    let saved: Vec<bool> = json["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["saved"] == true)
        .collect();
    assert_eq!(saved, [true, true, false]);
    assert_eq!(entries(dir.path()).len(), 2);
}

#[tokio::test]
async fn a_second_file_in_single_mode_rejects_the_request_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let body = Multipart::new()
        .file("file", "a.bin", "", &png_bytes(200_000))
        .file("file", "b.bin", "", &png_bytes(200_000))
        .finish();
    let answer = post_body(app(dir.path()), "/any", body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.text, "You cannot upload any more files.");
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());

    // `file[0]` is not the single-mode field: skipped, so the request has no file.
    let body = Multipart::new().file("file[0]", "a.bin", "", b"x").finish();
    let answer = post_body(app(dir.path()), "/any", body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.text.starts_with("No file in the upload"),
        "{}",
        answer.text
    );
    assert_eq!(entries_settled(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn concurrent_uploads_never_clobber_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let uploads = (0..16u8).map(|i| {
        let app = app.clone();
        let mut data = png_bytes(100_000 + i as usize);
        data[8] = i; // each file its own bytes
        async move {
            // Same original name every time: stored names must still differ.
            let body = Multipart::new()
                .file("file", "same.png", "image/png", &data)
                .finish();
            let answer = post_body(app, "/images", body).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
            (answer.json()["file"].as_str().unwrap().to_owned(), data)
        }
    });
    let handles: Vec<_> = uploads.map(tokio::spawn).collect();
    let mut names = Vec::new();
    for h in handles {
        let (name, data) = h.await.unwrap();
        assert!(
            std::fs::read(dir.path().join(&name)).unwrap() == data,
            "{name}"
        );
        names.push(name);
    }
    names.sort();
    assert_eq!(entries(dir.path()), names);
}

#[tokio::test]
async fn storage_recreates_a_missing_folder_and_reports_failure_as_500() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("later/uploads");
    let app_ = app(&dir);
    std::fs::remove_dir_all(root.path().join("later")).unwrap();
    let body = Multipart::new()
        .file("file", "a.png", "image/png", &png_bytes(100))
        .finish();
    let answer = post_body(app_, "/images", body.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(entries(&dir).len(), 1);

    // A file where the folder should be: nothing can be created.
    let blocked = root.path().join("blocked");
    std::fs::write(&blocked, b"not a folder").unwrap();
    assert!(dropzone_runtime::upload::Storage::try_new(&blocked).is_err());
    let answer = post_body(app(&blocked), "/images", body).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.text, "The server could not store the file.");
}
