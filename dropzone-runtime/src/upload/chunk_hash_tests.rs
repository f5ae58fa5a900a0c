//! The running hash on the chunk path, seen from the chunk store: what it covers before the
//! file is finalized (so the finalizer reads nothing back), and what it never covers.

use super::*;
use crate::upload::chunk_disk::write_all_at;
use crate::upload::chunk_store::{Begin, ChunkIndex, ChunkTicket, Complete, Finish, PendingLimits};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

const CHUNK: u64 = 1000;

fn limits() -> PendingLimits {
    PendingLimits {
        expiry: Duration::from_secs(3600),
        max_count: 100,
        max_bytes: 1 << 30,
    }
}

fn chunked(total: u64) -> ChunkedFile {
    ChunkedFile {
        total_size: total,
        chunk_size: CHUNK,
        chunk_count: total.div_ceil(CHUNK).max(1),
        file_name: "a.bin".into(),
    }
}

fn data(total: u64, seed: u8) -> Vec<u8> {
    (0..total)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

struct Upload {
    dir: tempfile::TempDir,
    index: ChunkIndex,
    uuid: Uuid,
    file: ChunkedFile,
}

impl Upload {
    fn new(total: u64) -> Self {
        Upload {
            dir: tempfile::tempdir().unwrap(),
            index: ChunkIndex::default(),
            uuid: Uuid::new_v4(),
            file: chunked(total),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn upload_dir(&self) -> UploadDir {
        UploadDir::new(self.root(), self.uuid)
    }

    fn begin(&self, chunk: u64) -> ChunkTicket {
        let begun = self
            .index
            .begin(self.root(), limits(), self.uuid, self.file.clone(), chunk);
        match begun {
            Ok(Begin::Write(ticket)) => ticket,
            _ => panic!("chunk {chunk} was not given a ticket"),
        }
    }

    async fn write(&self, ticket: &ChunkTicket, chunk: u64, bytes: &[u8]) {
        let start = (chunk * CHUNK) as usize;
        let end = (start + CHUNK as usize).min(bytes.len());
        let mut writer = ticket.writer(start as u64);
        writer.write(&bytes[start..end]).await.unwrap();
        writer.finish().await.unwrap();
    }

    fn finish(&self, ticket: ChunkTicket) -> Finish {
        self.index.finish(ticket, false).unwrap()
    }

    /// Sends chunk `chunk` of `bytes` whole: begun, written, marked received.
    async fn send(&self, chunk: u64, bytes: &[u8]) -> Finish {
        let ticket = self.begin(chunk);
        self.write(&ticket, chunk, bytes).await;
        self.finish(ticket)
    }

    fn covered(&self) -> u64 {
        covered_bytes(&self.upload_dir(), &self.file)
    }
}

fn complete(finish: Finish) -> Complete {
    match finish {
        Finish::Complete(complete) => complete,
        _ => panic!("the file was not completed"),
    }
}

/// The digest the finalizer hands on, and the sha256 of the bytes it hands on with it.
fn close(complete: &Complete) -> ([u8; 32], [u8; 32]) {
    let (_file, sha256) = complete.close().unwrap();
    let bytes = std::fs::read(&complete.path).unwrap();
    (sha256, Sha256::digest(&bytes).into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_order_chunks_are_hashed_before_the_file_is_finalized() {
    let up = Upload::new(4_500);
    let bytes = data(4_500, 1);
    for chunk in 0..4 {
        assert!(matches!(
            up.send(chunk, &bytes).await,
            Finish::Partial { .. }
        ));
        assert_eq!(up.covered(), (chunk + 1) * CHUNK, "after chunk {chunk}");
    }
    let done = complete(up.send(4, &bytes).await);
    // Every byte is covered before the finalizer runs: it has nothing left to read.
    assert_eq!(up.covered(), 4_500);
    let (digest, of_bytes) = close(&done);
    assert_eq!(digest, of_bytes);
    assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&bytes)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_order_chunks_are_hashed_once_they_follow_what_is_covered() {
    let up = Upload::new(4_000);
    let bytes = data(4_000, 2);
    up.send(2, &bytes).await;
    up.send(1, &bytes).await;
    assert_eq!(up.covered(), 0);
    up.send(0, &bytes).await;
    assert_eq!(up.covered(), 3 * CHUNK);
    let done = complete(up.send(3, &bytes).await);
    let (digest, of_bytes) = close(&done);
    assert_eq!(digest, of_bytes);
}

/// Two copies of chunk 1 with different bytes: the second begins while the first is only
/// started, and writes after the first was received and hashed. The stored bytes are the
/// second copy's, and so is the digest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_copy_written_after_the_first_was_hashed_is_not_covered() {
    let up = Upload::new(3_000);
    let (first, second) = (data(3_000, 3), data(3_000, 4));
    up.send(0, &first).await;
    let one = up.begin(1);
    let two = up.begin(1);
    up.write(&one, 1, &first).await;
    up.finish(one);
    up.write(&two, 1, &second).await;
    up.finish(two);
    // The hash stopped before chunk 1, and stays there.
    assert_eq!(up.covered(), CHUNK);
    let done = complete(up.send(2, &first).await);
    assert_eq!(up.covered(), CHUNK);
    let (digest, of_bytes) = close(&done);
    assert_eq!(digest, of_bytes);
}

/// A request that keeps the hash off a chunk it already covers throws the hash away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluding_a_covered_chunk_starts_the_hash_over() {
    let up = Upload::new(3_000);
    let bytes = data(3_000, 5);
    up.send(0, &bytes).await;
    up.send(1, &bytes).await;
    assert_eq!(up.covered(), 2 * CHUNK);
    exclude(&up.upload_dir(), &up.file, 1).unwrap();
    assert_eq!(up.covered(), 0);
    // The next advance hashes up to the cap again (chunk 0), never past it.
    let done = complete(up.send(2, &bytes).await);
    assert_eq!(up.covered(), CHUNK);
    let (digest, of_bytes) = close(&done);
    assert_eq!(digest, of_bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_that_does_not_restore_is_no_state() {
    let up = Upload::new(3_000);
    let bytes = data(3_000, 6);
    up.send(0, &bytes).await;
    let sha = up
        .root()
        .join(".chunks")
        .join(up.uuid.to_string())
        .join("sha");
    let saved = std::fs::read(&sha).unwrap();
    for broken in [&saved[..saved.len() - 1], b"something else"] {
        std::fs::write(&sha, broken).unwrap();
        assert_eq!(up.covered(), 0);
    }
    up.send(1, &bytes).await;
    // Left alone by the chunk path; the finalizer hashes from the first byte.
    assert_eq!(std::fs::read(&sha).unwrap(), b"something else");
    let done = complete(up.send(2, &bytes).await);
    let (digest, of_bytes) = close(&done);
    assert_eq!(digest, of_bytes);
}

/// An upload made before chunks were hashed has no `hash` file: nothing is hashed on the
/// chunk path, and the finalizer hashes the whole file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_without_a_hash_lock_is_hashed_whole_at_the_end() {
    let up = Upload::new(3_000);
    let bytes = data(3_000, 7);
    up.send(0, &bytes).await;
    let folder = up.root().join(".chunks").join(up.uuid.to_string());
    std::fs::remove_file(folder.join("hash")).unwrap();
    std::fs::remove_file(folder.join("sha")).unwrap();
    up.send(1, &bytes).await;
    let done = complete(up.send(2, &bytes).await);
    assert_eq!(up.covered(), 0);
    let (digest, of_bytes) = close(&done);
    assert_eq!(digest, of_bytes);
    assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&bytes)));
}

/// A state file a killed process left before renaming it goes with the upload's state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_saved_state_goes_with_the_upload() {
    let up = Upload::new(2_000);
    let bytes = data(2_000, 8);
    up.send(0, &bytes).await;
    let folder = up.root().join(".chunks").join(up.uuid.to_string());
    std::fs::write(folder.join(format!("sha-{}", Uuid::new_v4())), b"half").unwrap();
    let done = complete(up.send(1, &bytes).await);
    close(&done);
    let mut left: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["data", "end"]);
}

/// A chunk that follows what the hash covers is hashed by its writer as the bytes go out, not
/// read back: bytes changed on disk behind the writer's back (which nothing but this test
/// does) are not what the hash covers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_in_order_is_hashed_as_it_is_written_not_read_back() {
    let up = Upload::new(2_000);
    let bytes = data(2_000, 9);
    let ticket = up.begin(0);
    up.write(&ticket, 0, &bytes).await;
    let data_file = up.upload_dir().data_path();
    write_all_at(
        &std::fs::OpenOptions::new()
            .write(true)
            .open(&data_file)
            .unwrap(),
        &[0; 1000],
        0,
    )
    .unwrap();
    up.finish(ticket);
    let written = <[u8; 32]>::from(Sha256::digest(&bytes[..1000]));
    assert_eq!(covered_digest(&up.upload_dir(), &up.file), Some(written));
}

/// A chunk that arrives before the ones in front of it is read back once they are in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunk_out_of_order_is_read_back() {
    let up = Upload::new(3_000);
    let bytes = data(3_000, 10);
    up.send(1, &bytes).await;
    let on_disk = data(1_000, 11);
    let data_file = up.upload_dir().data_path();
    write_all_at(
        &std::fs::OpenOptions::new()
            .write(true)
            .open(&data_file)
            .unwrap(),
        &on_disk,
        1000,
    )
    .unwrap();
    up.send(0, &bytes).await;
    let mut want = bytes[..1000].to_vec();
    want.extend_from_slice(&on_disk);
    let want = <[u8; 32]>::from(Sha256::digest(&want));
    assert_eq!(covered_digest(&up.upload_dir(), &up.file), Some(want));
}
