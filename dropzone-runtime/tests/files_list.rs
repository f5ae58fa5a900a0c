//! `files::FileList`: the page's table of a zone's stored files, from `Storage::list_files`:
//! each row links to the stored-file route and carries a remove id that removes that file.

#[path = "upload_common/mod.rs"]
mod common;

use axum::Router;
use axum::routing::post;
use common::*;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::files::{FileList, RemoveKey};
use dropzone_runtime::upload::{Storage, Upload, UploadReport};
use http::StatusCode;
use maud::Render;

async fn stored(up: Upload<AnyFile>) -> UploadReport {
    up.report()
}

fn key() -> RemoveKey {
    RemoveKey::new([3u8; 32])
}

#[tokio::test]
async fn every_stored_file_is_a_row_with_its_link_size_and_remove_id() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path()).remove_key(key());
    let app = Router::new()
        .route("/any", post(stored))
        .with_state(storage.clone());
    let zone = AnyFile::OPTIONS.id();

    let empty = storage.list_files(zone, None, 10).await.unwrap();
    let html = FileList::new::<AnyFile>(&storage, &empty.files, "/files/")
        .render()
        .into_string();
    assert!(html.contains("No files stored yet."), "{html}");

    let mut names = Vec::new();
    for (name, len) in [("a b.png", 1_536), ("<b>x</b>.png", 3 << 20 >> 2)] {
        let body = Multipart::new()
            .file("file", name, "image/png", &png_bytes(len))
            .finish();
        let answer = post_body(app.clone(), "/any", body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        names.push(
            answer.json()["files"][0]["stored_name"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let page = storage.list_files(zone, None, 10).await.unwrap();
    assert_eq!(page.files.len(), 2);
    let html = FileList::new::<AnyFile>(&storage, &page.files, "/files/")
        .render()
        .into_string();
    assert!(!html.contains("No files stored yet."));
    for name in &names {
        assert!(html.contains(&format!("href=\"/files/{name}\"")), "{html}");
        assert!(
            html.contains(&format!("data-dropzone-rs-file=\"{name}\"")),
            "{html}"
        );
    }
    // The sanitised original names, and the sizes in binary units.
    assert!(
        html.contains(">a_b.png</a>") && html.contains(">bx_b.png</a>"),
        "{html}"
    );
    assert!(
        html.contains("<td>1.5 KiB</td>") && html.contains("<td>768.0 KiB</td>"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "{html}");
    // Each button's id removes its own row's file, from this zone only.
    for row in html.split("<tr data-dropzone-rs-file=\"").skip(1) {
        let stored = row.split('"').next().unwrap();
        let id = row
            .split("data-dropzone-rs-remove=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        assert_eq!(key().verify(zone, id), Ok(stored));
        assert!(
            row.contains(&format!("data-dropzone-rs-zone=\"{zone}\"")),
            "{row}"
        );
    }
}
