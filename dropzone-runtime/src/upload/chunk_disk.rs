//! The on-disk state of one chunked upload, the only place where it is kept: every process
//! that shares the upload folder sees the same uploads, and a restart loses nothing.
//!
//! `.chunks/<dzuuid>/` holds
//!
//! - `meta`: what every chunk must agree on (total size, chunk size and count, file name);
//! - `data`: the file being reassembled, each chunk written at its own offset;
//! - `map`: one byte per chunk: [`NOTHING`], [`STARTED`] (its bytes count as held) or
//!   [`RECEIVED`] (set only once every byte of the chunk is written);
//! - `lock`: held shared by every request writing a chunk of the upload (an upload being
//!   written never expires), exclusively by whoever removes it; its mtime is the last progress;
//! - `gate`: held shared around each write to `data`, exclusively by the finalizer once it has
//!   claimed the file, which then gives it one byte: a write through a gate that is not empty
//!   is refused, so no write can land after the content check;
//! - `hash`: held exclusively by whoever advances or reads the running hash (chunk_hash.rs);
//! - `sha`: the running SHA-256 of the chunks hashed so far, replaced whole (a temporary
//!   `sha-*` renamed over it) under `hash`; absent until a request first changes it;
//! - `end`: the claim and tombstone. Hard-linked into place (which fails if it exists) by the
//!   one request that completes the file, or by the sweep that expires it; `done` means finished, `gone` means expired or failed. Once it exists
//!   every other file but `data` (owned by the finalizer) is removed.
//!
//! A new upload's folder is made complete under a `.new-*` name and renamed into place, so no
//! process ever sees one half made. A removed one is renamed to `.trash-*` first, so that a
//! request that opened it just before sees it changed (see [`UploadDir::holds`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The folder, inside the upload folder, that holds unfinished chunked uploads.
pub(crate) const CHUNK_DIR: &str = ".chunks";
/// Prefix of an upload folder being made.
pub(crate) const NEW_PREFIX: &str = ".new-";
/// Prefix of an upload folder being removed.
pub(crate) const TRASH_PREFIX: &str = ".trash-";

/// Prefix of a new `sha` being written, before it is renamed over the old one.
const SHA_TEMP_PREFIX: &str = "sha-";

/// A chunk no request has started.
pub(crate) const NOTHING: u8 = 0;
/// A chunk a request started: its length is counted as held.
pub(crate) const STARTED: u8 = 1;
/// A chunk whose every byte is written.
pub(crate) const RECEIVED: u8 = 2;

/// What every chunk of one file must agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChunkedFile {
    pub(crate) total_size: u64,
    pub(crate) chunk_size: u64,
    pub(crate) chunk_count: u64,
    /// The client's file name as sent (unsanitised; it only feeds checks and the extension).
    pub(crate) file_name: String,
}

const META_MAGIC: &str = "dropzone-rs chunked upload 1";

impl ChunkedFile {
    /// The exact length of chunk `index`: the chunk size, or what is left for the last one.
    pub(crate) fn chunk_len(&self, index: u64) -> u64 {
        let start = index.saturating_mul(self.chunk_size);
        self.total_size.saturating_sub(start).min(self.chunk_size)
    }

    fn encode(&self) -> String {
        // The name goes last: it is the only free text, and may hold anything but NUL.
        format!(
            "{META_MAGIC}\n{}\n{}\n{}\n{}",
            self.total_size, self.chunk_size, self.chunk_count, self.file_name
        )
    }

    fn decode(text: &str) -> Option<Self> {
        let mut lines = text.splitn(5, '\n');
        if lines.next()? != META_MAGIC {
            return None;
        }
        let mut number = || lines.next()?.parse::<u64>().ok();
        let (total_size, chunk_size, chunk_count) = (number()?, number()?, number()?);
        Some(ChunkedFile {
            total_size,
            chunk_size,
            chunk_count,
            file_name: lines.next()?.to_owned(),
        })
    }
}

/// How an upload ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// Finalized (or being finalized): a late retry of one of its chunks is acknowledged.
    Finished,
    /// Expired or failed: its chunks are refused.
    Gone,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// `Ok(None)` for a file that is not there.
fn absent_as_none<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The folder of one upload, `.chunks/<dzuuid>/`.
#[derive(Clone, Debug)]
pub(crate) struct UploadDir {
    path: PathBuf,
}

impl UploadDir {
    pub(crate) fn new(root: &Path, uuid: Uuid) -> Self {
        UploadDir {
            path: root.join(CHUNK_DIR).join(uuid.to_string()),
        }
    }

    pub(crate) fn at(path: PathBuf) -> Self {
        UploadDir { path }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    pub(crate) fn data_path(&self) -> PathBuf {
        self.file("data")
    }

    pub(crate) fn end_path(&self) -> PathBuf {
        self.file("end")
    }

    /// How the upload ended, if it did.
    pub(crate) fn end(&self) -> io::Result<Option<End>> {
        let text = absent_as_none(fs::read(self.end_path()))?;
        Ok(text.map(|t| {
            if t == end_text(End::Gone) {
                End::Gone
            } else {
                End::Finished
            }
        }))
    }

    /// When the end was recorded, if it was.
    pub(crate) fn ended_at(&self) -> io::Result<Option<std::time::SystemTime>> {
        absent_as_none(fs::metadata(self.end_path()).and_then(|m| m.modified()))
    }

    pub(crate) fn meta(&self) -> io::Result<ChunkedFile> {
        let text = fs::read_to_string(self.file("meta"))?;
        ChunkedFile::decode(&text).ok_or_else(|| invalid("unreadable chunked upload state"))
    }

    pub(crate) fn open_lock(&self) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.file("lock"))
    }

    pub(crate) fn open_gate(&self) -> io::Result<File> {
        File::open(self.file("gate"))
    }

    /// The gate, writable: only the finalizer closes it.
    pub(crate) fn open_gate_to_close(&self) -> io::Result<File> {
        OpenOptions::new().write(true).open(self.file("gate"))
    }

    pub(crate) fn open_hash_lock(&self) -> io::Result<File> {
        File::open(self.file("hash"))
    }

    /// The running hash's saved state, `None` if there is none yet.
    pub(crate) fn read_sha(&self) -> io::Result<Option<Vec<u8>>> {
        absent_as_none(fs::read(self.file("sha")))
    }

    /// Replaces the running hash's saved state in one step: a reader sees the old state or
    /// the new one, never half of one. With `durable`, the new state is on disk (the file
    /// and its rename) before this returns.
    pub(crate) fn write_sha(&self, state: &[u8], durable: bool) -> io::Result<()> {
        let temp = self.file(&format!("{SHA_TEMP_PREFIX}{}", Uuid::new_v4()));
        let written = (|| {
            let mut file = File::create(&temp)?;
            io::Write::write_all(&mut file, state)?;
            if durable {
                file.sync_data()?;
            }
            fs::rename(&temp, self.file("sha"))
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        #[cfg(unix)]
        if durable {
            File::open(&self.path)?.sync_all()?;
        }
        Ok(())
    }

    pub(crate) fn open_data(&self) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.data_path())
    }

    /// Whether `lock` (a handle opened earlier) is still this upload's lock file: not one of
    /// an upload removed meanwhile, whose folder was renamed away.
    pub(crate) fn holds(&self, lock: &File) -> io::Result<bool> {
        let Some(now) = absent_as_none(fs::metadata(self.file("lock")))? else {
            return Ok(false);
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let held = lock.metadata()?;
            Ok(held.ino() == now.ino() && held.dev() == now.dev())
        }
        #[cfg(not(unix))]
        {
            let _ = (lock, now);
            Ok(true)
        }
    }

    /// The chunk map, one state byte per chunk.
    pub(crate) fn read_map(&self) -> io::Result<Vec<u8>> {
        let mut map = Vec::new();
        File::open(self.file("map"))?.read_to_end(&mut map)?;
        Ok(map)
    }

    /// Sets chunk `index`'s state: one single-byte write, atomic for every reader.
    pub(crate) fn set_chunk(&self, index: u64, state: u8) -> io::Result<()> {
        let map = OpenOptions::new().write(true).open(self.file("map"))?;
        write_all_at(&map, &[state], index)
    }

    /// Records that a chunk was received: the lock file's mtime is the last progress.
    pub(crate) fn touch(lock: &File) -> io::Result<()> {
        lock.set_modified(std::time::SystemTime::now())
    }

    /// Claims the upload's end, recording `end`; `false` if another request or process
    /// already did. The claim appears with its content (hard-linked into place, which fails if
    /// the name exists), so no one reads a half-written end.
    pub(crate) fn claim(&self, end: End) -> io::Result<bool> {
        let aside = self.file(&format!("end-{}", Uuid::new_v4()));
        fs::write(&aside, end_text(end))?;
        let linked = fs::hard_link(&aside, self.end_path());
        let _ = fs::remove_file(&aside);
        match linked {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Records how a claimed upload ended.
    pub(crate) fn record_end(&self, end: End) -> io::Result<()> {
        fs::write(self.end_path(), end_text(end))
    }

    /// Removes the state of an ended upload, keeping `end` (the tombstone) and `data` (which
    /// its finalizer persists or deletes). Best effort: the sweep removes what stays.
    pub(crate) fn strip(&self) {
        for name in ["meta", "map", "gate", "lock", "hash", "sha"] {
            let _ = fs::remove_file(self.file(name));
        }
        // A new `sha` a killed process left unrenamed.
        for entry in fs::read_dir(&self.path).into_iter().flatten().flatten() {
            if entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(SHA_TEMP_PREFIX))
            {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Removes the whole folder: renamed away first (one atomic step that every other
    /// request notices), then deleted.
    pub(crate) fn discard(&self) -> io::Result<()> {
        let trash = self
            .path
            .with_file_name(format!("{TRASH_PREFIX}{}", Uuid::new_v4()));
        fs::rename(&self.path, &trash)?;
        let _ = fs::remove_dir_all(&trash);
        Ok(())
    }

    /// Makes a new upload's folder under a temporary name: `meta`, an empty `map` with chunk
    /// `started` marked [`STARTED`], `data`, `gate` and `lock`, the latter locked shared
    /// (returned) so the new upload cannot be removed before its first chunk is written.
    pub(crate) fn prepare(root: &Path, file: &ChunkedFile, started: u64) -> io::Result<NewUpload> {
        let chunks = root.join(CHUNK_DIR);
        let path = chunks.join(format!("{NEW_PREFIX}{}", Uuid::new_v4()));
        match fs::create_dir(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(&chunks)?;
                fs::create_dir(&path)?;
            }
            other => other?,
        }
        let dir = UploadDir::at(path);
        let made = (|| {
            fs::write(dir.file("meta"), file.encode())?;
            let mut map = vec![NOTHING; usize::try_from(file.chunk_count).map_err(invalid_len)?];
            map[usize::try_from(started).map_err(invalid_len)?] = STARTED;
            fs::write(dir.file("map"), map)?;
            File::create(dir.data_path())?;
            File::create(dir.file("gate"))?;
            File::create(dir.file("hash"))?;
            File::create(dir.file("lock"))?;
            let lock = dir.open_lock()?;
            lock.lock_shared()?;
            Ok(lock)
        })();
        match made {
            Ok(lock) => Ok(NewUpload { dir, lock }),
            Err(e) => {
                let _ = fs::remove_dir_all(&dir.path);
                Err(e)
            }
        }
    }

    /// Moves a prepared upload into place; `Ok(None)` (the prepared folder removed) if another
    /// request or process made this upload's folder first.
    pub(crate) fn install(&self, new: NewUpload) -> io::Result<Option<File>> {
        match fs::rename(&new.dir.path, &self.path) {
            Ok(()) => Ok(Some(new.lock)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty
                ) =>
            {
                new.abandon();
                Ok(None)
            }
            Err(e) => {
                new.abandon();
                Err(e)
            }
        }
    }
}

/// The chunks received of the unfinished upload `uuid`, if it describes exactly `file`; empty
/// otherwise (unknown, ended, or another file): the answer tells nothing about other uploads.
/// Blocking.
pub(crate) fn held(root: &Path, uuid: Uuid, file: &ChunkedFile) -> io::Result<Vec<u64>> {
    let upload = UploadDir::new(root, uuid);
    let state = (|| -> io::Result<Vec<u64>> {
        if upload.end()?.is_some() || upload.meta()? != *file {
            return Ok(Vec::new());
        }
        let map = upload.read_map()?;
        Ok((0..)
            .zip(map)
            .filter(|(_, s)| *s == RECEIVED)
            .map(|(i, _)| i)
            .collect())
    })();
    match state {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        other => other,
    }
}

fn end_text(end: End) -> &'static [u8] {
    match end {
        End::Finished => b"done",
        End::Gone => b"gone",
    }
}

fn invalid_len(_: std::num::TryFromIntError) -> io::Error {
    invalid("too many chunks")
}

/// A new upload's folder, complete but not yet in place.
pub(crate) struct NewUpload {
    dir: UploadDir,
    lock: File,
}

impl NewUpload {
    /// Removes the prepared folder (the upload was refused or made elsewhere first).
    pub(crate) fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir.path);
    }
}

#[cfg(unix)]
pub(crate) fn write_all_at(file: &File, data: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, data, offset)
}

#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
pub(crate) fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(windows)]
pub(crate) fn write_all_at(file: &File, mut data: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !data.is_empty() {
        match file.seek_write(data, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                data = &data[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_reads_back_whatever_the_name_holds() {
        let file = ChunkedFile {
            total_size: 2500,
            chunk_size: 1000,
            chunk_count: 3,
            file_name: "a\nb\r\n ../c.png".into(),
        };
        assert_eq!(ChunkedFile::decode(&file.encode()), Some(file.clone()));
        assert_eq!(
            (file.chunk_len(0), file.chunk_len(2), file.chunk_len(3)),
            (1000, 500, 0)
        );
        assert_eq!(ChunkedFile::decode("other\n1\n2\n3\nx"), None);
    }
}
