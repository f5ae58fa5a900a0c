//! Where chunked uploads are reassembled: one part file per `dzuuid` in `.chunks/` inside the
//! upload folder, each chunk written at its own offset, and an in-process index of which chunks
//! are in.
//!
//! Concurrency rules, all under one short `std::sync::Mutex` (no I/O happens while it is held,
//! except creating a new part file, which must be atomic with its entry):
//!
//! - a chunk is marked received only once its request was read to the end and every byte is
//!   written, so a chunk cut short (client gone, body truncated) is simply not there;
//! - an index already received is not written again (a retry sends the same bytes);
//! - the request that marks the last missing index takes the entry out of the index and
//!   finalizes; exactly one request can do that, so the handler runs once per file;
//! - finalizing closes the entry's write gate (a write lock that waits for writes in progress),
//!   so a late duplicate of a chunk can never touch a finished file;
//! - an entry with a write in progress never expires; otherwise it expires once it made no
//!   progress (no chunk marked received) for the expiry: a duplicate or a refused chunk never
//!   extends its life;
//! - what unfinished uploads hold is counted in bytes ([`ENTRY_OVERHEAD`] plus the file name
//!   per upload, plus the length of every chunk index that was ever started), and a chunk that
//!   would pass [`PendingLimits::max_bytes`] is refused before a byte is stored; an upload
//!   whose first chunk fails before any chunk is in is removed at once, part file included.
//!
//! Part files are opened per request, never kept open between chunks, so unfinished uploads
//! hold no file descriptors.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io;
use std::mem;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::task::{JoinHandle, spawn_blocking};
use uuid::Uuid;

use super::block::fill_block;

/// Bytes gathered before one write of a chunk. Smaller than a single upload's block: several
/// chunks of a file are usually in flight at once, each with two buffers.
pub(crate) const CHUNK_WRITE_BLOCK: usize = 256 * 1024;

/// The folder, inside the upload folder, that holds unfinished chunked uploads.
pub(crate) const CHUNK_DIR: &str = ".chunks";

/// What every chunk of one file must agree on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChunkedFile {
    pub(crate) total_size: u64,
    pub(crate) chunk_count: u64,
    /// The client's file name as sent (unsanitised; it only feeds checks and the extension).
    pub(crate) file_name: String,
}

/// What one unfinished upload counts against [`PendingLimits::max_bytes`] besides its chunks:
/// its index entry, part file inode and bookkeeping (4 KiB, a file system block).
pub(crate) const ENTRY_OVERHEAD: u64 = 4096;

/// The bounds on unfinished chunked uploads; see `Storage::chunk_expiry`,
/// `Storage::max_pending_chunked_uploads` and `Storage::max_pending_chunked_bytes`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PendingLimits {
    pub(crate) expiry: Duration,
    pub(crate) max_count: usize,
    pub(crate) max_bytes: u64,
}

/// The in-process index of unfinished chunked uploads of one [`Storage`](super::Storage).
#[derive(Debug, Default)]
pub(crate) struct ChunkIndex {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<Uuid, Entry>,
    /// Uploads that ended recently, so that a late chunk gets a meaningful answer instead of
    /// starting a new upload that could never complete.
    tombstones: HashMap<Uuid, (Tomb, Instant)>,
    last_sweep: Option<Instant>,
    /// The sum of every entry's `reserved`.
    reserved: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tomb {
    /// Finalized: a late retry of one of its chunks is acknowledged.
    Finished,
    /// Expired or failed: its chunks are refused.
    Gone,
}

#[derive(Debug)]
struct Entry {
    file: ChunkedFile,
    received: HashSet<u64>,
    /// Every index a request started (received or not): each is counted in `reserved` once.
    started: HashSet<u64>,
    /// Bytes this upload counts against the bound.
    reserved: u64,
    /// Requests of this upload currently writing; the entry cannot expire while > 0.
    writing: usize,
    /// The last progress: created, or a chunk marked received.
    touched: Instant,
    path: PathBuf,
    /// `true` once finalizing started; writes hold the read side around each `pwrite`.
    gate: Arc<RwLock<bool>>,
}

/// How a chunk request may go on.
pub(crate) enum Begin {
    /// Write the chunk's bytes with the ticket's writer, then [`ChunkIndex::finish`] it.
    Write(ChunkTicket),
    /// This index is already in: read and drop the bytes, answer with the counts.
    Duplicate { received: u64, total: u64 },
    /// The file was already finalized: acknowledge.
    Finished,
}

/// Why a chunk request cannot go on.
#[derive(Debug)]
pub(crate) enum BeginError {
    /// The upload expired, failed, or was lost in a restart: the file must be sent again.
    Gone,
    /// The chunk disagrees with the earlier chunks of the same `dzuuid`.
    Mismatch(String),
    /// The chunk would pass [`PendingLimits`] (the count for a new upload, or the bytes).
    Busy,
    Io(io::Error),
}

/// A chunk being written: releases its `writing` count when dropped.
pub(crate) struct ChunkTicket {
    index: Arc<ChunkIndex>,
    uuid: Uuid,
    chunk: u64,
    /// This request's own handle on the part file.
    handle: Arc<File>,
    gate: Arc<RwLock<bool>>,
    released: bool,
}

/// What marking a chunk received led to.
pub(crate) enum Finish {
    /// More chunks are missing.
    Partial { received: u64, total: u64 },
    /// Another request finalized the file in the meantime.
    AlreadyFinished,
    /// The upload failed in the meantime (another request's finalization).
    Gone,
    /// This request completed the file and must finalize it.
    Complete(Complete),
}

/// Every chunk is in: the part file, now owned by the finalizing request.
pub(crate) struct Complete {
    pub(crate) path: PathBuf,
    pub(crate) file: ChunkedFile,
    gate: Arc<RwLock<bool>>,
}

impl Complete {
    /// Closes the write gate (waiting for any write in progress) and opens the part file for
    /// the final checks and the rename. Blocking.
    pub(crate) fn close(&self) -> io::Result<File> {
        *self.gate.write().unwrap_or_else(|e| e.into_inner()) = true;
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
    }
}

fn lock(mutex: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock leaves the maps consistent (no multi-step updates).
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl ChunkIndex {
    /// Registers a request for chunk `chunk` (`length` bytes) of `uuid`, creating the part file
    /// for a new upload, or says why it cannot go on. Blocking: call it on the blocking pool.
    pub(crate) fn begin(
        self: &Arc<Self>,
        dir: &Path,
        limits: PendingLimits,
        uuid: Uuid,
        file: ChunkedFile,
        chunk: u64,
        length: u64,
    ) -> Result<Begin, BeginError> {
        self.sweep(dir, limits.expiry, false);
        let mut state = lock(&self.state);
        let now = Instant::now();
        if let Some((tomb, _)) = state.tombstones.get(&uuid) {
            return match tomb {
                Tomb::Finished => Ok(Begin::Finished),
                Tomb::Gone => Err(BeginError::Gone),
            };
        }
        let room = limits.max_bytes.saturating_sub(state.reserved);
        if let Some(entry) = state.entries.get_mut(&uuid) {
            if entry.file != file {
                return Err(BeginError::Mismatch(mismatch(&entry.file, &file)));
            }
            if entry.received.contains(&chunk) {
                // Not progress: the entry's life is not extended.
                return Ok(Begin::Duplicate {
                    received: entry.received.len() as u64,
                    total: entry.file.chunk_count,
                });
            }
            let cost = if entry.started.contains(&chunk) {
                0
            } else {
                length
            };
            if cost > room {
                return Err(BeginError::Busy);
            }
            entry.started.insert(chunk);
            entry.reserved += cost;
            entry.writing += 1;
            let (path, gate) = (entry.path.clone(), Arc::clone(&entry.gate));
            state.reserved += cost;
            drop(state);
            // Opened outside the lock. Gone already: finalized or failed in the meantime.
            return match std::fs::OpenOptions::new().write(true).open(&path) {
                Ok(handle) => Ok(Begin::Write(self.ticket(uuid, chunk, handle, gate))),
                Err(e) => {
                    self.release(uuid);
                    match lock(&self.state).tombstones.get(&uuid) {
                        Some((Tomb::Finished, _)) => Ok(Begin::Finished),
                        Some((Tomb::Gone, _)) => Err(BeginError::Gone),
                        None => Err(BeginError::Io(e)),
                    }
                }
            };
        }

        // A new upload: bounded in number (each is an index entry) and in bytes.
        let cost = ENTRY_OVERHEAD + file.file_name.len() as u64 + length;
        if state.entries.len() >= limits.max_count || cost > room {
            return Err(BeginError::Busy);
        }
        // Its part file must not exist yet: if it does, this process lost the upload's index
        // (a restart), and the chunks it already has are unknown.
        let chunk_dir = dir.join(CHUNK_DIR);
        let path = chunk_dir.join(format!("{uuid}.part"));
        let open = || {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
        };
        let handle = match open() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&chunk_dir).map_err(BeginError::Io)?;
                open()
            }
            other => other,
        };
        let handle = match handle {
            Ok(handle) => handle,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&path);
                state.tombstones.insert(uuid, (Tomb::Gone, now));
                return Err(BeginError::Gone);
            }
            Err(e) => return Err(BeginError::Io(e)),
        };
        let gate = Arc::new(RwLock::new(false));
        state.reserved += cost;
        state.entries.insert(
            uuid,
            Entry {
                file,
                received: HashSet::new(),
                started: HashSet::from([chunk]),
                reserved: cost,
                writing: 1,
                touched: now,
                path,
                gate: Arc::clone(&gate),
            },
        );
        drop(state);
        Ok(Begin::Write(self.ticket(uuid, chunk, handle, gate)))
    }

    fn ticket(
        self: &Arc<Self>,
        uuid: Uuid,
        chunk: u64,
        handle: File,
        gate: Arc<RwLock<bool>>,
    ) -> ChunkTicket {
        ChunkTicket {
            index: Arc::clone(self),
            uuid,
            chunk,
            handle: Arc::new(handle),
            gate,
            released: false,
        }
    }

    /// A request of `uuid` ended without its chunk: one writer less. An upload with nothing
    /// received and no writer left is removed at once with its part file (a refused first
    /// chunk leaves nothing); otherwise its reservation stays (the failed chunk's bytes may be
    /// on disk) and it expires as usual, this not being progress.
    fn release(&self, uuid: Uuid) {
        let mut state = lock(&self.state);
        let Some(entry) = state.entries.get_mut(&uuid) else {
            return;
        };
        entry.writing -= 1;
        if !entry.received.is_empty() || entry.writing > 0 {
            return;
        }
        let entry = state
            .entries
            .remove(&uuid)
            .expect("the entry was just found");
        state.reserved -= entry.reserved;
        drop(state);
        let _ = std::fs::remove_file(&entry.path);
    }

    /// Marks the ticket's chunk received (all its bytes are written) and tells whether the file
    /// is now complete. Only a short lock; no I/O.
    pub(crate) fn finish(&self, mut ticket: ChunkTicket) -> Finish {
        ticket.released = true;
        let mut state = lock(&self.state);
        let Some(entry) = state.entries.get_mut(&ticket.uuid) else {
            // Finalized (or failed) through a concurrent duplicate of this chunk.
            return match state.tombstones.get(&ticket.uuid) {
                Some((Tomb::Finished, _)) => Finish::AlreadyFinished,
                _ => Finish::Gone,
            };
        };
        entry.writing -= 1;
        entry.touched = Instant::now();
        entry.received.insert(ticket.chunk);
        let (received, total) = (entry.received.len() as u64, entry.file.chunk_count);
        if received < total {
            return Finish::Partial { received, total };
        }
        let entry = state
            .entries
            .remove(&ticket.uuid)
            .expect("the entry was just found");
        state.reserved -= entry.reserved;
        state
            .tombstones
            .insert(ticket.uuid, (Tomb::Finished, Instant::now()));
        Finish::Complete(Complete {
            path: entry.path,
            file: entry.file,
            gate: entry.gate,
        })
    }

    /// Marks `uuid` as gone (its finalization failed), so later chunks are refused.
    pub(crate) fn forget(&self, uuid: Uuid) {
        let mut state = lock(&self.state);
        if let Some(entry) = state.entries.remove(&uuid) {
            state.reserved -= entry.reserved;
        }
        state.tombstones.insert(uuid, (Tomb::Gone, Instant::now()));
    }

    /// Removes uploads untouched for `expiry` (their part files too), tombstones older than
    /// `expiry`, and part files of uploads this process does not know that are older than
    /// `expiry` (left by an earlier process). Runs at most every `expiry / 4` (and at least
    /// every 30 s when asked) unless `force`. Blocking.
    pub(crate) fn sweep(&self, dir: &Path, expiry: Duration, force: bool) -> usize {
        let now = Instant::now();
        let mut doomed = Vec::new();
        let known: HashSet<Uuid>;
        {
            let mut state = lock(&self.state);
            let every = (expiry / 4).min(Duration::from_secs(30));
            if !force
                && state
                    .last_sweep
                    .is_some_and(|t| now.duration_since(t) < every)
            {
                return 0;
            }
            state.last_sweep = Some(now);
            let expired: Vec<Uuid> = state
                .entries
                .iter()
                .filter(|(_, e)| e.writing == 0 && now.duration_since(e.touched) >= expiry)
                .map(|(uuid, _)| *uuid)
                .collect();
            for uuid in expired {
                if let Some(entry) = state.entries.remove(&uuid) {
                    state.reserved -= entry.reserved;
                    doomed.push(entry.path);
                    state.tombstones.insert(uuid, (Tomb::Gone, now));
                }
            }
            state
                .tombstones
                .retain(|_, (_, at)| now.duration_since(*at) < expiry);
            known = state.entries.keys().copied().collect();
        }
        let mut removed = 0;
        for path in doomed {
            if std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        if removed > 0 {
            tracing::info!(removed, "dropzone-runtime: removed expired chunked uploads");
        }
        // Leftovers of an earlier process (its index died with it).
        let Ok(listing) = std::fs::read_dir(dir.join(CHUNK_DIR)) else {
            return removed;
        };
        for entry in listing.flatten().take(100_000) {
            let name = entry.file_name();
            let Some(uuid) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".part"))
                .and_then(|n| Uuid::parse_str(n).ok())
            else {
                continue;
            };
            if known.contains(&uuid) {
                continue;
            }
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age >= expiry);
            if old && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// Unfinished uploads currently indexed.
    pub(crate) fn len(&self) -> usize {
        lock(&self.state).entries.len()
    }

    /// Bytes unfinished uploads currently count against the bound.
    pub(crate) fn reserved(&self) -> u64 {
        lock(&self.state).reserved
    }
}

fn mismatch(before: &ChunkedFile, now: &ChunkedFile) -> String {
    if before.total_size != now.total_size {
        format!(
            "`dztotalfilesize` is {} but earlier chunks of this `dzuuid` said {}",
            now.total_size, before.total_size
        )
    } else if before.chunk_count != now.chunk_count {
        format!(
            "`dztotalchunkcount` is {} but earlier chunks of this `dzuuid` said {}",
            now.chunk_count, before.chunk_count
        )
    } else {
        "the file name differs from earlier chunks of this `dzuuid`".to_owned()
    }
}

impl ChunkTicket {
    /// A writer that puts this chunk's bytes at `offset` of the part file.
    pub(crate) fn writer(&self, offset: u64) -> ChunkWriter {
        ChunkWriter {
            handle: Arc::clone(&self.handle),
            gate: Arc::clone(&self.gate),
            offset,
            buf: Vec::with_capacity(64 * 1024),
            spare: Vec::new(),
            pending: None,
        }
    }
}

impl Drop for ChunkTicket {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        // The request ended without finishing its chunk (refused, cut short, dropped): the
        // chunk is not received.
        self.index.release(self.uuid);
    }
}

/// The error a write gets once its file was finalized by another request.
pub(crate) fn is_closed(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Other && error.to_string() == CLOSED
}

const CLOSED: &str = "chunked upload already finalized";

type WriteTask = JoinHandle<(Vec<u8>, io::Result<()>)>;

/// Writes one chunk's bytes at their offset in large blocks, one block on the blocking pool
/// while the next one fills (at most two [`CHUNK_WRITE_BLOCK`] buffers per request).
pub(crate) struct ChunkWriter {
    handle: Arc<File>,
    gate: Arc<RwLock<bool>>,
    /// Where the next block goes.
    offset: u64,
    buf: Vec<u8>,
    spare: Vec<u8>,
    pending: Option<WriteTask>,
}

impl ChunkWriter {
    pub(crate) async fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            data = fill_block(&mut self.buf, data, CHUNK_WRITE_BLOCK);
            if self.buf.len() == CHUNK_WRITE_BLOCK {
                self.start_write().await?;
            }
        }
        Ok(())
    }

    /// Writes what is left and waits for every write.
    pub(crate) async fn finish(mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.start_write().await?;
        }
        self.wait().await
    }

    async fn start_write(&mut self) -> io::Result<()> {
        self.wait().await?;
        let data = mem::replace(&mut self.buf, mem::take(&mut self.spare));
        let (handle, gate, offset) = (
            Arc::clone(&self.handle),
            Arc::clone(&self.gate),
            self.offset,
        );
        self.offset += data.len() as u64;
        self.pending = Some(spawn_blocking(move || {
            let closed = gate.read().unwrap_or_else(|e| e.into_inner());
            let result = if *closed {
                Err(io::Error::other(CLOSED))
            } else {
                write_all_at(&handle, &data, offset)
            };
            drop(closed);
            (data, result)
        }));
        Ok(())
    }

    async fn wait(&mut self) -> io::Result<()> {
        if let Some(task) = self.pending.take() {
            let (mut data, result) = task.await.map_err(io::Error::other)?;
            data.clear();
            self.spare = data;
            result?;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_all_at(file: &File, data: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, data, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut data: &[u8], mut offset: u64) -> io::Result<()> {
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

/// Runs a blocking index operation on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> io::Result<T> {
    spawn_blocking(f).await.map_err(io::Error::other)
}
