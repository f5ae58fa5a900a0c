//! Writing one chunk's bytes into the upload's data file: in large blocks on the blocking
//! pool, each through the write gate (see chunk_disk.rs), hashing them on the way when the
//! upload's running hash ends where the chunk starts (chunk_hash.rs).

use std::fs::File;
use std::io;
use std::mem;
use std::sync::{Arc, Mutex};
use tokio::task::{JoinHandle, spawn_blocking};

use super::block::fill_block;
use super::chunk_disk::write_all_at;
use super::chunk_hash::Inline;

/// Bytes gathered before one write of a chunk. Smaller than a single upload's block: several
/// chunks of a file are usually in flight at once, each with two buffers.
pub(crate) const CHUNK_WRITE_BLOCK: usize = 256 * 1024;

/// The error a write gets once its file was finalized by another request.
pub(crate) fn is_closed(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::Other && error.to_string() == CLOSED
}

const CLOSED: &str = "chunked upload already finalized";

type WriteTask = JoinHandle<(Vec<u8>, io::Result<()>)>;

/// Writes one chunk's bytes at their offset in large blocks, one block on the blocking pool
/// while the next one fills (at most two [`CHUNK_WRITE_BLOCK`] buffers per request).
pub(crate) struct ChunkWriter {
    data: Arc<File>,
    gate: Arc<File>,
    /// Where the next block goes.
    offset: u64,
    buf: Vec<u8>,
    spare: Vec<u8>,
    pending: Option<WriteTask>,
    /// The upload's running hash, fed every byte here, on the task reading the network, so
    /// that it overlaps the writes instead of reading the chunk back once it is written.
    inline: Option<Inline>,
    /// Where `inline` goes once every byte is written (the ticket's).
    done: Arc<Mutex<Option<Inline>>>,
}

impl ChunkWriter {
    pub(crate) fn new(
        data: Arc<File>,
        gate: Arc<File>,
        offset: u64,
        inline: Option<Inline>,
        done: Arc<Mutex<Option<Inline>>>,
    ) -> Self {
        ChunkWriter {
            data,
            gate,
            offset,
            buf: Vec::with_capacity(64 * 1024),
            spare: Vec::new(),
            pending: None,
            inline,
            done,
        }
    }

    pub(crate) async fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        if let Some(inline) = &mut self.inline {
            inline.update(data);
        }
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
        self.wait().await?;
        // Only now: a hash of bytes that were not all written is of no use.
        *self.done.lock().unwrap_or_else(|e| e.into_inner()) = self.inline.take();
        Ok(())
    }

    async fn start_write(&mut self) -> io::Result<()> {
        self.wait().await?;
        let data = mem::replace(&mut self.buf, mem::take(&mut self.spare));
        let (file, gate, offset) = (Arc::clone(&self.data), Arc::clone(&self.gate), self.offset);
        self.offset += data.len() as u64;
        self.pending = Some(spawn_blocking(move || {
            let result = gated_write(&file, &gate, &data, offset);
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

/// One write, under the gate held shared: refused once the finalizer closed the gate (which it
/// does holding it exclusively, so no write is under way then).
fn gated_write(file: &File, gate: &File, data: &[u8], offset: u64) -> io::Result<()> {
    gate.lock_shared()?;
    let result = if gate.metadata()?.len() > 0 {
        Err(io::Error::other(CLOSED))
    } else {
        write_all_at(file, data, offset)
    };
    gate.unlock()?;
    result
}
