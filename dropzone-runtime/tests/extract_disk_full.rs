//! A full disk: the upload folder is a 1 MiB tmpfs this test mounts (as root; skipped with a
//! printed reason otherwise) and unmounts. A file that does not fit is answered 500
//! `StorageFailed` without revealing the path, nothing partial is left, a batch stores nothing
//! (all or nothing), and once there is room again uploads work.

mod upload_common;

use axum::Router;
use axum::routing::post;
use dropzone_runtime::DropzoneConfig;
use dropzone_runtime::options::Options;
use dropzone_runtime::upload::Storage;
use http::StatusCode;
use std::path::{Path, PathBuf};
use std::process::Command;
use upload_common::*;

/// Files up to 4 MiB; batches of two.
struct Big;
impl DropzoneConfig for Big {
    const OPTIONS: &'static Options = &BASE.with_max_file_size(4.0);
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for Big {}
struct BigBatch;
impl DropzoneConfig for BigBatch {
    const OPTIONS: &'static Options = &BASE
        .with_max_file_size(4.0)
        .with_upload_multiple(true)
        .with_parallel_uploads(2);
}
// Declared by hand: no compile-time state requirement (the derive adds one for CSRF).
impl<S> dropzone_runtime::upload::ZoneState<S> for BigBatch {}

/// A tmpfs of 1 MiB, unmounted (by its path) when dropped.
struct Tmpfs {
    path: PathBuf,
    _parent: tempfile::TempDir,
}

impl Tmpfs {
    fn mount() -> Result<Tmpfs, String> {
        // Mounting needs root: say so instead of failing.
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("not running as root: cannot mount a tmpfs".into());
        }
        let parent = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = parent.path().join("full");
        std::fs::create_dir(&path).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(&path)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "mount failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs {
            path,
            _parent: parent,
        })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

fn big_app(dir: &Path) -> Router {
    Router::new()
        .route("/big", post(report::<Big>))
        .route("/batch", post(report::<BigBatch>))
        .with_state(Storage::new(dir))
}

#[tokio::test]
async fn a_full_disk_is_500_and_leaves_nothing() {
    let fs = match Tmpfs::mount() {
        Ok(fs) => fs,
        Err(why) => {
            println!("skipped: {why}");
            return;
        }
    };
    let dir = fs.path.as_path();

    // 3 MiB into 1 MiB.
    let body = Multipart::new()
        .file(
            "file",
            "big.bin",
            "application/octet-stream",
            &png_bytes(3 * MIB),
        )
        .finish();
    let answer = post_body(big_app(dir), "/big", body).await;
    println!(
        "3 MiB into a 1 MiB tmpfs: {} {:?}",
        answer.status, answer.text
    );
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.text, "The server could not store the file.");
    assert_eq!(entries(dir), Vec::<String>::new());

    // A batch whose second file does not fit stores neither.
    let body = Multipart::new()
        .file("file[0]", "a.png", "image/png", &png_bytes(600 * 1024))
        .file("file[1]", "b.png", "image/png", &png_bytes(600 * 1024))
        .finish();
    let answer = post_body(big_app(dir), "/batch", body).await;
    assert_eq!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        answer.text
    );
    assert_eq!(entries(dir), Vec::<String>::new());

    // Room again: a file that fits is stored whole.
    let data = png_bytes(700 * 1024);
    let body = Multipart::new()
        .file("file", "ok.png", "image/png", &data)
        .finish();
    let answer = post_body(big_app(dir), "/big", body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let stored = answer.json()["file"].as_str().unwrap().to_owned();
    assert!(std::fs::read(dir.join(stored)).unwrap() == data);
    assert_eq!(entries(dir).len(), 1);
}
