//! The byte-writing internals of `storage.rs`: every size lands intact whichever path it
//! takes (kept in memory, one vectored write, many), and nothing is left behind.

use super::*;

/// The names in the folder, hidden part files included, and the sidecars in `.meta/`
/// (prefixed `.meta/`).
fn names(dir: &Path) -> Vec<String> {
    let list = |dir: &Path| -> Vec<String> {
        match std::fs::read_dir(dir) {
            Ok(listing) => listing
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        }
    };
    let mut names: Vec<String> = list(dir).into_iter().filter(|n| n != ".meta").collect();
    names.extend(
        list(&dir.join(".meta"))
            .into_iter()
            .map(|n| format!(".meta/{n}")),
    );
    names.sort();
    names
}

fn new_file(extension: Option<&str>) -> NewFile {
    NewFile {
        extension: extension.map(str::to_owned),
        original_name: "a.bin".into(),
        zone: "zone".into(),
    }
}

/// Removes a stored file and its sidecar.
fn remove(path: &Path) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let dir = path.parent().unwrap();
    std::fs::remove_file(dir.join(".meta").join(format!("{name}.json"))).unwrap();
    std::fs::remove_file(path).unwrap();
}

/// `size` bytes of a pattern, cut into network-like buffers of `piece` bytes.
fn pieces(size: usize, piece: usize) -> (Vec<u8>, Vec<Bytes>) {
    let data: Vec<u8> = (0..size).map(|i| (i * 7 + i / 251) as u8).collect();
    let bufs = data.chunks(piece).map(Bytes::copy_from_slice).collect();
    (data, bufs)
}

async fn store(storage: &Storage, bufs: &[Bytes]) -> (PathBuf, StoredFile) {
    let mut part = storage.create_local_part().await.unwrap();
    for b in bufs {
        part.write(b).await.unwrap();
    }
    let received = part.finish().await.unwrap();
    let mut stored = storage
        .persist_local(vec![(received, new_file(Some("bin")))])
        .await
        .unwrap();
    stored.remove(0)
}

#[tokio::test]
async fn every_size_is_stored_intact_and_leaves_no_part_file() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let sizes = [
        1,
        SMALL_FILE - 1,
        SMALL_FILE,
        SMALL_FILE + 1,
        WRITE_CHUNK,
        WRITE_CHUNK + SMALL_FILE + 3,
        3 * WRITE_CHUNK + 17,
    ];
    for size in sizes {
        for piece in [1000, 16 * 1024, 300 * 1024] {
            let (data, bufs) = pieces(size, piece);
            let (path, stored) = store(&storage, &bufs).await;
            assert_eq!(stored.size, size as u64);
            assert!(
                std::fs::read(&path).unwrap() == data,
                "size {size}, pieces of {piece}"
            );
            // Hashed on whichever path the bytes took.
            assert_eq!(stored.sha256, hex(&Sha256::digest(&data)), "size {size}");
            remove(&path);
            assert_eq!(names(dir.path()), Vec::<String>::new(), "size {size}");
        }
    }
}

#[tokio::test]
async fn a_small_file_touches_the_folder_only_when_persisted() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let (_, bufs) = pieces(SMALL_FILE, 4096);
    let mut part = storage.create_local_part().await.unwrap();
    for b in &bufs {
        part.write(b).await.unwrap();
    }
    let received = part.finish().await.unwrap();
    assert_eq!(names(dir.path()), Vec::<String>::new());
    drop(received); // refused after all: nothing to remove
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_part_file_dropped_mid_upload_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let (_, bufs) = pieces(2 * WRITE_CHUNK, 64 * 1024);
    let mut part = storage.create_local_part().await.unwrap();
    for b in &bufs {
        part.write(b).await.unwrap();
    }
    // Let the write in flight create its file, then abandon the upload.
    part.wait().await.unwrap();
    assert_eq!(names(dir.path()).len(), 1);
    assert!(names(dir.path())[0].starts_with(PART_PREFIX));
    drop(part);
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn a_missing_folder_is_created_again_for_a_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("uploads");
    let storage = Storage::new(&folder);
    std::fs::remove_dir(&folder).unwrap();
    let (data, bufs) = pieces(100, 100);
    let (path, _) = store(&storage, &bufs).await;
    assert_eq!(std::fs::read(path).unwrap(), data);
}

#[tokio::test]
async fn small_files_beyond_the_memory_budget_go_to_disk_and_the_budget_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let (data, bufs) = pieces(SMALL_FILE, 8192);
    let fit = SMALL_FILES_MEMORY / SMALL_FILE;
    let mut held = Vec::new();
    for _ in 0..fit {
        let mut part = storage.create_local_part().await.unwrap();
        for b in &bufs {
            part.write(b).await.unwrap();
        }
        held.push(part.finish().await.unwrap());
    }
    assert_eq!(
        names(dir.path()),
        Vec::<String>::new(),
        "all in memory so far"
    );
    assert_eq!(
        storage.inner.in_memory.load(Ordering::Relaxed),
        SMALL_FILES_MEMORY
    );

    // One more: the budget is spent, so it gets a part file, and is stored intact all the same.
    let mut part = storage.create_local_part().await.unwrap();
    for b in &bufs {
        part.write(b).await.unwrap();
    }
    let extra = part.finish().await.unwrap();
    let on_disk = names(dir.path());
    assert!(
        on_disk.len() == 1 && on_disk[0].starts_with(PART_PREFIX),
        "{on_disk:?}"
    );
    let (path, _) = storage
        .persist_local(vec![(extra, new_file(None))])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(std::fs::read(&path).unwrap(), data);
    remove(&path);

    // Persisting (or dropping) the held ones gives the budget back.
    let first = held.remove(0);
    storage
        .persist_local(vec![(first, new_file(None))])
        .await
        .unwrap();
    drop(held);
    assert_eq!(storage.inner.in_memory.load(Ordering::Relaxed), 0);
}
