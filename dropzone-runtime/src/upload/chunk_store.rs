//! Where chunked uploads are reassembled: each upload's state lives in its own folder under
//! `.chunks/` (see chunk_disk.rs), not in a process, so any process sharing the upload folder
//! can take any chunk, in any order, in parallel, and a restart loses nothing acknowledged.
//!
//! The rules:
//!
//! - a chunk is marked received only once its request was read to the end and every byte is
//!   written, so a chunk cut short (client gone, body truncated, process killed) is simply not
//!   there;
//! - an index already received is not written again (a retry sends the same bytes);
//! - the file is hashed as its chunks come (chunk_hash.rs): after marking its chunk received, a
//!   request advances the running hash over the received chunks that follow what it covers,
//!   and a request writing a chunk it did not start first keeps the hash off that chunk;
//! - the request that finds every chunk received claims the file by creating its `end`
//!   (a hard link, which fails if the name exists): exactly one request, in any process, can,
//!   so the handler runs once per file;
//! - the finalizer then takes the write gate exclusively (waiting for writes in progress), so
//!   a late duplicate of a chunk can never touch a finished file;
//! - an upload with a request writing to it never expires (that request holds its `lock`
//!   shared); otherwise it expires once it made no progress (no chunk marked received) for the
//!   expiry: a duplicate or a refused chunk never extends its life;
//! - what unfinished uploads hold is counted in bytes ([`ENTRY_OVERHEAD`] plus the file name
//!   per upload, plus the length of every chunk that was ever started) in the folder's ledger
//!   (chunk_ledger.rs), and a chunk that would pass [`PendingLimits::max_bytes`] is refused
//!   before a byte is stored; an upload whose first chunk fails before any chunk is in is
//!   removed at once, folder and all.
//!
//! Files are opened per request, never kept open between chunks, so unfinished uploads hold no
//! file descriptors.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::spawn_blocking;
use uuid::Uuid;

pub(crate) use super::chunk_disk::ChunkedFile;
use super::chunk_disk::{End, NOTHING, RECEIVED, STARTED, UploadDir};
use super::chunk_hash::{self, Inline};
use super::chunk_ledger::Ledger;
pub(crate) use super::chunk_write::{ChunkWriter, is_closed};

/// What one unfinished upload counts against [`PendingLimits::max_bytes`] besides its chunks:
/// its state files (4 KiB, a file system block, which also covers the chunk map of up to
/// 4,096 chunks; a longer map counts its extra bytes).
pub(crate) const ENTRY_OVERHEAD: u64 = 4096;

/// The bounds on unfinished chunked uploads; see `Storage::chunk_expiry`,
/// `Storage::max_pending_chunked_uploads` and `Storage::max_pending_chunked_bytes`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PendingLimits {
    pub(crate) expiry: Duration,
    pub(crate) max_count: usize,
    pub(crate) max_bytes: u64,
}

/// What a [`Storage`](super::Storage) keeps of chunked uploads in its process: only when it
/// last swept. Everything else is on disk.
#[derive(Debug, Default)]
pub(crate) struct ChunkIndex {
    pub(super) last_sweep: Mutex<Option<Instant>>,
}

/// What an upload counts besides its chunks.
fn entry_cost(file: &ChunkedFile) -> u64 {
    ENTRY_OVERHEAD + file.file_name.len() as u64 + file.chunk_count.saturating_sub(ENTRY_OVERHEAD)
}

/// What an upload in this state counts against the bound.
pub(crate) fn upload_cost(file: &ChunkedFile, map: &[u8]) -> u64 {
    let chunks: u64 = (0..)
        .zip(map)
        .filter(|(_, s)| **s != NOTHING)
        .map(|(i, _)| file.chunk_len(i))
        .sum();
    entry_cost(file) + chunks
}

fn received(map: &[u8]) -> u64 {
    map.iter().filter(|s| **s == RECEIVED).count() as u64
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
    /// The upload expired or failed: the file must be sent again.
    Gone,
    /// The chunk disagrees with the earlier chunks of the same `dzuuid`.
    Mismatch(String),
    /// The chunk would pass [`PendingLimits`] (the count for a new upload, or the bytes).
    Busy,
    Io(io::Error),
}

impl From<io::Error> for BeginError {
    fn from(e: io::Error) -> Self {
        BeginError::Io(e)
    }
}

/// A chunk being written. Holds the upload's `lock` shared (it cannot expire meanwhile); when
/// dropped unfinished, removes an upload that has nothing else.
pub(crate) struct ChunkTicket {
    /// The upload folder.
    root: PathBuf,
    upload: UploadDir,
    file: ChunkedFile,
    chunk: u64,
    lock: Option<File>,
    /// This request's own handles on the data and the write gate.
    data: Arc<File>,
    gate: Arc<File>,
    /// The running hash as it was when the ticket was given, if it ends where this chunk
    /// starts: the writer goes on with it, and puts it back here once every byte is written.
    inline: Arc<Mutex<Option<Inline>>>,
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

/// Every chunk is in and this request claimed the file: the data, now owned by it.
pub(crate) struct Complete {
    pub(crate) path: PathBuf,
    pub(crate) file: ChunkedFile,
    upload: UploadDir,
}

impl Complete {
    /// Closes the write gate (waiting for any write in progress, in any process), finishes
    /// the file's running hash, removes the upload's state but its tombstone, and opens the
    /// data for the final checks and the rename. Returns the data and its SHA-256. Blocking.
    pub(crate) fn close(&self) -> io::Result<(File, [u8; 32])> {
        let gate = self.upload.open_gate_to_close()?;
        gate.lock()?;
        // Closed for good: writers look at their own handle's length, not at a path that the
        // sweep removes one day.
        gate.set_len(1)?;
        drop(gate);
        let data = self.upload.open_data()?;
        // After the gate closed: no byte can change any more.
        let sha256 = chunk_hash::finish(&self.upload, &self.file, &data)?;
        self.upload.strip();
        Ok((data, sha256))
    }
}

/// An upload's folder as a request found it.
enum Opened {
    Missing,
    Ended(End),
    /// The lock file is held shared.
    Live(File, ChunkedFile),
    /// Removed or replaced while it was opened: look again.
    Changed,
}

fn open_live(upload: &UploadDir) -> io::Result<Opened> {
    if let Some(end) = upload.end()? {
        return Ok(Opened::Ended(end));
    }
    let lock = match upload.open_lock() {
        Ok(lock) => lock,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(upload.end()?.map_or(Opened::Missing, Opened::Ended));
        }
        Err(e) => return Err(e),
    };
    lock.lock_shared()?;
    // Checked with the lock held: a remover (which holds it exclusively) is done by now.
    if !upload.holds(&lock)? {
        return Ok(Opened::Changed);
    }
    if let Some(end) = upload.end()? {
        return Ok(Opened::Ended(end));
    }
    Ok(Opened::Live(lock, upload.meta()?))
}

impl ChunkIndex {
    /// Registers a request for chunk `chunk` (`length` bytes) of `uuid`, making the upload's
    /// folder for a new upload, or says why it cannot go on. Blocking: call it on the
    /// blocking pool.
    pub(crate) fn begin(
        &self,
        dir: &Path,
        limits: PendingLimits,
        uuid: Uuid,
        file: ChunkedFile,
        chunk: u64,
    ) -> Result<Begin, BeginError> {
        self.sweep(dir, limits.expiry, false);
        let upload = UploadDir::new(dir, uuid);
        // Each turn of the loop follows a change made by another request in between (an
        // upload made or removed); a handful is plenty.
        for _ in 0..8 {
            let opened = match open_live(&upload) {
                // Its state went meanwhile (finished, failed, removed): look again.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                other => other?,
            };
            match opened {
                Opened::Ended(End::Finished) => return Ok(Begin::Finished),
                Opened::Ended(End::Gone) => return Err(BeginError::Gone),
                Opened::Changed => continue,
                Opened::Live(lock, known) => {
                    if known != file {
                        return Err(BeginError::Mismatch(mismatch(&known, &file)));
                    }
                    match start(dir, limits, upload.clone(), lock, file.clone(), chunk) {
                        // Its state went meanwhile (finished, failed, removed): look again.
                        Err(BeginError::Io(e)) if e.kind() == io::ErrorKind::NotFound => continue,
                        other => return other,
                    }
                }
                Opened::Missing => {
                    if let Some(ticket) = create(dir, limits, &upload, &file, chunk)? {
                        return Ok(Begin::Write(ticket));
                    }
                }
            }
        }
        Err(BeginError::Io(io::Error::other(
            "the chunked upload kept changing while it was opened",
        )))
    }

    /// Marks the ticket's chunk received (all its bytes are written) and tells whether the
    /// file is now complete, claiming it if so. With `durable`, the chunk's bytes are flushed
    /// to disk first: a power loss can then lose the mark (the chunk is sent again), never
    /// the bytes of a chunk marked received. Blocking.
    pub(crate) fn finish(&self, mut ticket: ChunkTicket, durable: bool) -> io::Result<Finish> {
        ticket.released = true;
        if durable {
            ticket.data.sync_data()?;
        }
        match self.finish_inner(&ticket) {
            // Its state went: a concurrent duplicate of this chunk finished the file (or it
            // failed) meanwhile.
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(match ticket.upload.end()? {
                Some(End::Finished) => Finish::AlreadyFinished,
                _ => Finish::Gone,
            }),
            other => other,
        }
    }

    fn finish_inner(&self, ticket: &ChunkTicket) -> io::Result<Finish> {
        let dir = &ticket.root;
        let upload = ticket.upload.clone();
        upload.set_chunk(ticket.chunk, RECEIVED)?;
        if let Some(lock) = &ticket.lock {
            UploadDir::touch(lock)?;
        }
        // Best effort: whatever it leaves uncovered, the finalizer hashes.
        let inline = ticket.take_inline();
        if let Err(e) = chunk_hash::advance(&upload, &ticket.file, &ticket.data, inline) {
            tracing::debug!(error = %e, "dropzone-runtime: could not advance a chunked upload's hash");
        }
        let map = upload.read_map()?;
        let (received, total) = (received(&map), ticket.file.chunk_count);
        if received < total {
            return Ok(Finish::Partial { received, total });
        }
        // Claimed under the ledger's lock, so that the claim and the ledger agree for the
        // sweep's recount.
        let mut ledger = Ledger::lock(dir)?;
        if !upload.claim(End::Finished)? {
            drop(ledger);
            return Ok(match upload.end()? {
                Some(End::Gone) => Finish::Gone,
                _ => Finish::AlreadyFinished,
            });
        }
        ledger.remove(upload_cost(&ticket.file, &map))?;
        drop(ledger);
        Ok(Finish::Complete(Complete {
            path: upload.data_path(),
            file: ticket.file.clone(),
            upload,
        }))
    }

    /// Marks `uuid` as gone (its finalization failed), so later chunks are refused. Blocking.
    pub(crate) fn forget(&self, dir: &Path, uuid: Uuid) {
        let upload = UploadDir::new(dir, uuid);
        if upload.record_end(End::Gone).is_ok() {
            upload.strip();
        }
    }

    /// Unfinished uploads in the folder, all processes together.
    pub(crate) fn len(&self, dir: &Path) -> usize {
        Ledger::peek(dir).map_or(0, |(count, _)| count as usize)
    }

    /// Bytes unfinished uploads in the folder count against the bound.
    pub(crate) fn reserved(&self, dir: &Path) -> u64 {
        Ledger::peek(dir).map_or(0, |(_, bytes)| bytes)
    }
}

/// A chunk of a known upload: counted (if it was never started) and given a ticket.
fn start(
    dir: &Path,
    limits: PendingLimits,
    upload: UploadDir,
    lock: File,
    file: ChunkedFile,
    chunk: u64,
) -> Result<Begin, BeginError> {
    let map = upload.read_map()?;
    let state = |map: &[u8]| map.get(chunk as usize).copied().unwrap_or(NOTHING);
    if state(&map) == RECEIVED {
        // Not progress: the upload's life is not extended.
        return Ok(Begin::Duplicate {
            received: received(&map),
            total: file.chunk_count,
        });
    }
    let mut first = false;
    if state(&map) == NOTHING {
        let mut ledger = Ledger::lock(dir)?;
        // Looked at again under the lock: another request may have started it meanwhile.
        if state(&upload.read_map()?) == NOTHING {
            let cost = file.chunk_len(chunk);
            if ledger.bytes.saturating_add(cost) > limits.max_bytes {
                return Err(BeginError::Busy);
            }
            upload.set_chunk(chunk, STARTED)?;
            ledger.bytes += cost;
            ledger.save()?;
            first = true;
        }
    }
    if !first {
        // Another request started this chunk (it may be in flight, or was cut short): this
        // one's bytes may land after the other's were hashed.
        chunk_hash::exclude(&upload, &file, chunk)?;
    }
    Ok(Begin::Write(ticket(dir, upload, lock, file, chunk)?))
}

/// A new upload: bounded in number and in bytes, made complete aside and moved into place.
/// `Ok(None)` if another request made it first.
fn create(
    dir: &Path,
    limits: PendingLimits,
    upload: &UploadDir,
    file: &ChunkedFile,
    chunk: u64,
) -> Result<Option<ChunkTicket>, BeginError> {
    let cost = entry_cost(file) + file.chunk_len(chunk);
    let fits = |(count, bytes): (u64, u64)| {
        count < limits.max_count as u64 && bytes.saturating_add(cost) <= limits.max_bytes
    };
    // A refused upload should cost nothing: looked at before anything is made.
    if !fits(Ledger::peek(dir)?) {
        return Err(BeginError::Busy);
    }
    let new = UploadDir::prepare(dir, file, chunk)?;
    let mut ledger = Ledger::lock(dir)?;
    if !fits((ledger.count, ledger.bytes)) {
        drop(ledger);
        new.abandon();
        return Err(BeginError::Busy);
    }
    let Some(lock) = upload.install(new)? else {
        return Ok(None);
    };
    ledger.count += 1;
    ledger.bytes += cost;
    ledger.save()?;
    drop(ledger);
    Ok(Some(ticket(
        dir,
        upload.clone(),
        lock,
        file.clone(),
        chunk,
    )?))
}

fn ticket(
    dir: &Path,
    upload: UploadDir,
    lock: File,
    file: ChunkedFile,
    chunk: u64,
) -> io::Result<ChunkTicket> {
    let data = upload.open_data()?;
    let gate = upload.open_gate()?;
    let inline = chunk_hash::snapshot(&upload, &file, chunk);
    Ok(ChunkTicket {
        root: dir.to_owned(),
        upload,
        file,
        chunk,
        lock: Some(lock),
        data: Arc::new(data),
        gate: Arc::new(gate),
        inline: Arc::new(Mutex::new(inline)),
        released: false,
    })
}

/// After a request of the upload ended without its chunk: an upload with nothing received and
/// no writer left (in any process) is removed at once, folder and all (a refused first chunk
/// leaves nothing); otherwise what it holds stays counted (the failed chunk's bytes may be on
/// disk) and it expires as usual, this not being progress. Blocking.
fn release(upload: &UploadDir, dir: &Path) -> io::Result<()> {
    if received(&upload.read_map()?) > 0 {
        return Ok(());
    }
    let lock = upload.open_lock()?;
    if lock.try_lock().is_err() || !upload.holds(&lock)? || upload.end()?.is_some() {
        return Ok(());
    }
    // No one else can start a chunk now (they wait for the shared lock).
    let map = upload.read_map()?;
    if received(&map) > 0 {
        return Ok(());
    }
    let file = upload.meta()?;
    let mut ledger = Ledger::lock(dir)?;
    upload.discard()?;
    ledger.remove(upload_cost(&file, &map))
}

pub(crate) fn mismatch(before: &ChunkedFile, now: &ChunkedFile) -> String {
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
    } else if before.chunk_size != now.chunk_size {
        format!(
            "`dzchunksize` is {} but earlier chunks of this `dzuuid` said {}",
            now.chunk_size, before.chunk_size
        )
    } else {
        "the file name differs from earlier chunks of this `dzuuid`".to_owned()
    }
}

impl ChunkTicket {
    /// A writer that puts this chunk's bytes at `offset` of the data file; one that starts
    /// at the chunk's start also hashes them, if the ticket has a hash to go on from.
    pub(crate) fn writer(&self, offset: u64) -> ChunkWriter {
        let at_start = Some(offset) == self.chunk.checked_mul(self.file.chunk_size);
        let inline = at_start.then(|| self.take_inline()).flatten();
        ChunkWriter::new(
            Arc::clone(&self.data),
            Arc::clone(&self.gate),
            offset,
            inline,
            Arc::clone(&self.inline),
        )
    }

    fn take_inline(&self) -> Option<Inline> {
        self.inline.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl ChunkTicket {
    /// The request ends without this chunk (refused, cut short): releases it before the
    /// answer goes out, so that what the client sees next is already true.
    pub(crate) async fn abandon(mut self) {
        let work = self.release_work();
        let _ = blocking(work).await;
    }

    fn release_work(&mut self) -> impl FnOnce() + Send + 'static {
        self.released = true;
        // Our shared lock goes first, or we would wait for ourselves.
        drop(self.lock.take());
        let (upload, dir) = (self.upload.clone(), self.root.clone());
        move || {
            if let Err(e) = release(&upload, &dir) {
                tracing::debug!(error = %e, "dropzone-runtime: could not release a chunk");
            }
        }
    }
}

impl Drop for ChunkTicket {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        // The request ended without finishing its chunk (its future dropped): the chunk is
        // not received.
        let work = self.release_work();
        // A drop may happen on a runtime thread (a request future dropped): hand the file
        // work to the blocking pool when there is one.
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => drop(handle.spawn_blocking(work)),
            Err(_) => work(),
        }
    }
}

/// Runs a blocking index operation on the blocking pool.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> io::Result<T> {
    spawn_blocking(f).await.map_err(io::Error::other)
}
