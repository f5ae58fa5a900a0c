//! Hostile file names: whatever the client calls a file, it lands in the upload folder under a
//! random name, never replaces a file, and its sanitised name is safe.

#[path = "upload_common/mod.rs"]
mod common;

use common::*;
use dropzone_runtime::upload::secure_filename;
use http::StatusCode;
use proptest::prelude::*;
use std::path::Path;

/// Every file under `root`, recursively, relative to it.
fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn hostile_names_never_escape_the_folder_nor_overwrite() {
    let root = tempfile::tempdir().unwrap();
    let uploads = root.path().join("a/b/uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    // Files a path-following server would hit.
    for name in [
        "passwd",
        "etc_passwd",
        "CON.txt",
        "_CON.txt",
        "x.png",
        "evil",
    ] {
        std::fs::write(uploads.join(name), b"original").unwrap();
    }
    std::fs::write(root.path().join("a/passwd"), b"original").unwrap();
    let before = tree(root.path());

    let long = format!("{}.png", "n".repeat(1000));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"../../etc/passwd".to_vec(), "etc_passwd"),
        (b"../passwd".to_vec(), "passwd"),
        (b"/etc/passwd".to_vec(), "etc_passwd"),
        (
            b"..\\..\\windows\\system32\\evil".to_vec(),
            "windows_system32_evil",
        ),
        (b"C:\\evil".to_vec(), "C_evil"),
        (b"..".to_vec(), ""),
        (b".".to_vec(), ""),
        (b"CON.txt".to_vec(), "_CON.txt"),
        (b"x.png".to_vec(), "x.png"),
        (b"\xff\xfe../x.png".to_vec(), "x.png"),
        (b"caf\xc3\xa9 \xff.png".to_vec(), "cafe_.png"),
        (long.clone().into_bytes(), ""),
    ];
    let app = app(&uploads);
    let mut stored = Vec::new();
    for (name, want) in &cases {
        let body = Multipart::new()
            .file("file", name, "application/octet-stream", b"payload")
            .finish();
        let answer = post_body(app.clone(), "/any", body).await;
        assert_eq!(answer.status, StatusCode::OK, "{name:?}: {}", answer.text);
        let json = answer.json();
        let saved = &json["outcomes"][0];
        let original = saved["original_name"].as_str().unwrap();
        if name.as_slice() == long.as_bytes() {
            assert_eq!(original.len(), 255);
            assert!(original.ends_with(".png"));
        } else {
            assert_eq!(original, *want, "{name:?}");
        }
        let stored_name = saved["stored_name"].as_str().unwrap().to_owned();
        let path = Path::new(saved["path"].as_str().unwrap());
        assert_eq!(path.parent().unwrap(), uploads, "{name:?}");
        assert!(std::fs::read(path).unwrap() == b"payload");
        stored.push(format!("a/b/uploads/{stored_name}"));
    }

    // Names with NUL or control characters cannot even form a valid part header: refused as
    // malformed, nothing stored.
    for name in [
        &b"a\x00b.png"[..],
        b"a\x01b.png",
        b"a\rb.png",
        b"a\x1bb.png",
    ] {
        let body = Multipart::new()
            .file("file", name, "application/octet-stream", b"payload")
            .finish();
        let answer = post_body(app.clone(), "/any", body).await;
        match answer.status {
            StatusCode::OK => {
                let json = answer.json();
                let saved = &json["outcomes"][0];
                let original = saved["original_name"].as_str().unwrap();
                assert!(
                    original.bytes().all(|b| b.is_ascii_graphic()),
                    "{original:?}"
                );
                stored.push(format!(
                    "a/b/uploads/{}",
                    saved["stored_name"].as_str().unwrap()
                ));
            }
            StatusCode::BAD_REQUEST => {}
            other => panic!("{name:?}: {other} {}", answer.text),
        }
    }

    // Only new random names appeared, all inside the folder (and their metadata sidecars in
    // its `.meta`); every old file is untouched.
    let mut want = before.clone();
    if !stored.is_empty() {
        want.push("a/b/uploads/.meta".to_owned());
    }
    for name in &stored {
        let name = name.strip_prefix("a/b/uploads/").unwrap();
        want.push(format!("a/b/uploads/.meta/{name}.json"));
    }
    want.extend(stored);
    want.sort();
    assert_eq!(tree(root.path()), want);
    for name in [
        "passwd",
        "etc_passwd",
        "CON.txt",
        "_CON.txt",
        "x.png",
        "evil",
    ] {
        assert_eq!(std::fs::read(uploads.join(name)).unwrap(), b"original");
    }
    assert_eq!(
        std::fs::read(root.path().join("a/passwd")).unwrap(),
        b"original"
    );
}

#[test]
fn werkzeug_examples() {
    // ecosystem.md §8.1 (Werkzeug 3.1.8); `a/b\c.png` is covered in the unit tests, where
    // this port deliberately treats `\` as a separator on every platform.
    assert_eq!(secure_filename("../../etc/passwd"), "etc_passwd");
    assert_eq!(secure_filename("My cool movie.mov"), "My_cool_movie.mov");
    assert_eq!(
        secure_filename("i contain cool ümläuts.txt"),
        "i_contain_cool_umlauts.txt"
    );
    assert_eq!(secure_filename(" .hidden"), "hidden");
    assert_eq!(secure_filename("файл.png"), "png");
}

const CASES: u32 = 2048;

/// Names built from the characters that matter: separators, dots, NUL, controls, spaces,
/// Unicode that decomposes, and any other char.
fn hostile_name() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_owned()),
        Just("\\".to_owned()),
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just("\0".to_owned()),
        Just(" ".to_owned()),
        Just("_".to_owned()),
        Just("CON".to_owned()),
        Just("ﬁ".to_owned()),
        Just("ü".to_owned()),
        "[a-zA-Z0-9]{1,8}",
        "[\\x00-\\x1f\\x7f]",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..64).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        // Integration tests have no lib.rs next to them to store regressions beside.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn sanitized_names_are_safe(name in prop_oneof![hostile_name(), any::<String>(), "[ -~]{200,400}"]) {
        let s = secure_filename(&name);
        prop_assert!(s.is_ascii(), "{:?} -> {:?}", name, s);
        prop_assert!(s.len() <= 255, "{:?} -> {} bytes", name, s.len());
        prop_assert!(!s.contains('/') && !s.contains('\\') && !s.contains('\0'), "{:?} -> {:?}", name, s);
        prop_assert!(s.split(['/', '\\']).all(|c| c != ".." && c != "."), "{:?} -> {:?}", name, s);
        prop_assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)), "{:?} -> {:?}", name, s);
        prop_assert!(!s.starts_with('.'), "{:?} -> {:?}", name, s);
        // Sanitising is idempotent: a sanitised name is its own sanitised form.
        prop_assert_eq!(secure_filename(&s), s.clone());
    }
}

#[test]
fn proptest_case_count() {
    println!("proptest: sanitized_names_are_safe runs {CASES} cases");
}
